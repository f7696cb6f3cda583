//! A policy (政策) open to organisations of the zone.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = Policy)]
#[sea_orm(table_name = "policies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// 政策名称（唯一）
    pub title: String,
    /// 文号，如 渝高新发〔2026〕12号（可空）
    pub doc_number: String,
    /// The department that runs the policy (牵头部门).
    pub department_id: String,
    /// Kinds of organisation it is open to: comma-separated codes
    /// (enterprise, university…); empty: every kind.
    pub org_kinds: String,
    /// Open only to organisations on this industrial chain (None: any).
    pub chain_id: Option<String>,
    /// 支持内容，如 最高补助50万元
    pub support: String,
    /// 申报条件
    #[sea_orm(column_type = "Text")]
    pub conditions: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub opens_on: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub closes_on: Option<Date>,
    /// draft (草稿) | published (已发布) | stopped (已停止).
    pub status: String,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub published_at: Option<DateTimeUtc>,
    pub version: i32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTimeUtc,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! A cooperation project (合作项目): what a signed lead produced, or one
//! staff record without a lead.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = CooperationProject)]
#[sea_orm(table_name = "cooperation_projects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub title: String,
    pub lead_id: Option<String>,
    pub need_id: Option<String>,
    pub offer_id: Option<String>,
    /// The enterprise (需求方).
    pub enterprise_org_id: String,
    /// The partner (供给方): university, institute or firm.
    pub partner_org_id: Option<String>,
    pub chain_id: Option<String>,
    /// A `domain::matching::CoopMode` code, or empty.
    pub mode: String,
    #[schema(value_type = String, format = Date)]
    pub signed_on: Date,
    /// In fen.
    pub amount_fen: i64,
    pub contract_id: Option<String>,
    pub recorded_by: String,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub version: i32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTimeUtc,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

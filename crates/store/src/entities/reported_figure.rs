//! A reported statistic (报送统计) for one period: a figure no record
//! computes, entered with its source and approver.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = ReportedFigure)]
#[sea_orm(table_name = "reported_figures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// 统计项代码，如 rd_intensity
    pub code: String,
    /// 统计项名称，如 研发投入强度
    pub name: String,
    /// 期间：2024、2025-Q1 或 2025-03
    pub period: String,
    /// count（个数）/ money（金额，分）/ permille（比率，‰）
    pub unit: String,
    pub value: i64,
    /// 数据来源
    pub source: String,
    /// 审核人
    pub approved_by: String,
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

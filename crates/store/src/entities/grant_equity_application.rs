use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = GrantEquityApplication)]
#[sea_orm(table_name = "grant_equity_applications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// 申请编号，如 XTHG-2026-003
    pub application_no: String,
    pub org_id: String,
    /// 提交申请的企业账号
    pub applied_by: String,
    pub project_name: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    /// 申请资助金额（分）
    pub requested_fen: i64,
    /// 资金用途
    pub use_of_funds: String,
    /// applied / approved / rejected / signed
    pub status: String,
    #[schema(value_type = String, format = Date)]
    pub applied_on: Date,
    #[schema(value_type = Option<String>, format = Date)]
    pub decided_on: Option<Date>,
    /// 审批意见（不予通过的理由）
    pub decision_note: String,
    /// 据此签订的先投后股协议
    pub agreement_id: Option<String>,
    pub version: i32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTimeUtc,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

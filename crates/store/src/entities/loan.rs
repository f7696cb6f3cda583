use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = Loan)]
#[sea_orm(table_name = "loans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub loan_no: String,
    pub org_id: String,
    pub tier_id: Option<String>,
    pub status: String,
    pub ladder: String,
    pub score: i32,
    pub requested_fen: i64,
    pub amount_fen: i64,
    pub term_months: i32,
    pub rate_bps: i32,
    pub subsidy_bps: i32,
    pub guarantee_permille: i32,
    pub bank: String,
    pub purpose: String,
    #[schema(value_type = String, format = Date)]
    pub applied_on: Date,
    #[schema(value_type = Option<String>, format = Date)]
    pub decided_on: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub disbursed_on: Option<Date>,
    pub compensated_fen: i64,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    /// The firm's account that applied online (None: entered by staff).
    pub applied_by: Option<String>,
    pub version: i32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTimeUtc,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

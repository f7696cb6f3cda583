use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = LoanInstallment)]
#[sea_orm(table_name = "loan_installments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub loan_id: String,
    pub seq: i32,
    #[schema(value_type = String, format = Date)]
    pub due_on: Date,
    pub principal_fen: i64,
    pub interest_fen: i64,
    pub subsidy_fen: i64,
    pub paid_principal_fen: i64,
    pub paid_interest_fen: i64,
    #[schema(value_type = Option<String>, format = Date)]
    pub settled_on: Option<Date>,
    pub version: i32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTimeUtc,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

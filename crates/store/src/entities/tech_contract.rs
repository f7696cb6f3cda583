use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = TechContract)]
#[sea_orm(table_name = "tech_contracts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub contract_no: String,
    pub title: String,
    pub kind: String,
    pub seller_org_id: Option<String>,
    pub seller_name: String,
    pub buyer_org_id: Option<String>,
    pub buyer_name: String,
    pub amount_fen: i64,
    pub tech_amount_fen: i64,
    #[schema(value_type = String, format = Date)]
    pub signed_on: Date,
    #[schema(value_type = String, format = Date)]
    pub registered_on: Date,
    pub year: i32,
    pub project_id: Option<String>,
    pub lead_id: Option<String>,
    pub chain_id: Option<String>,
    pub version: i32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTimeUtc,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = Commitment)]
#[sea_orm(table_name = "commitments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub member_id: String,
    pub party_org_id: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub detail: String,
    #[schema(value_type = String, format = Date)]
    pub pledged_on: Date,
    #[schema(value_type = String, format = Date)]
    pub due_on: Date,
    pub status: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub verified_on: Option<Date>,
    pub verified_by: String,
    #[sea_orm(column_type = "Text")]
    pub verdict: String,
    pub version: i32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTimeUtc,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

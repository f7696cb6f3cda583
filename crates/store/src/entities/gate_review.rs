use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = GateReview)]
#[sea_orm(table_name = "gate_reviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub project_id: String,
    pub stage: String,
    pub criteria: String,
    pub status: String,
    pub score_tenths: Option<i32>,
    pub decision: String,
    pub target_stage: String,
    #[sea_orm(column_type = "Text")]
    pub reasons: String,
    #[sea_orm(column_type = "Text")]
    pub override_reason: String,
    pub decided_by: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub decided_on: Option<Date>,
    pub version: i32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTimeUtc,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

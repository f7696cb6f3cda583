use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "case_tasks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub case_id: String,
    pub department_id: String,
    pub role: String,
    pub status: String,
    pub dispatched_on: Date,
    pub due_on: Date,
    pub accepted_at: Option<DateTimeUtc>,
    pub done_at: Option<DateTimeUtc>,
    pub done_on: Option<Date>,
    #[sea_orm(column_type = "Text")]
    pub result: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub returned_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = KeyItem)]
#[sea_orm(table_name = "key_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub year: i32,
    pub title: String,
    pub owner: String,
    pub department_id: Option<String>,
    pub meeting_id: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub decision: String,
    #[schema(value_type = String, format = Date)]
    pub due_on: Date,
    pub progress: i32,
    pub status: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub done_on: Option<Date>,
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

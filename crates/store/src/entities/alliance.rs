//! An alliance (联盟) or association (协会).

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = Alliance)]
#[sea_orm(table_name = "alliances")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub name: String,
    /// alliance (联盟) | association (协会).
    pub kind: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub founded_on: Option<Date>,
    /// The organisation that runs the secretariat (秘书处).
    pub secretariat_org_id: Option<String>,
    pub chain_id: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub version: i32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTimeUtc,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

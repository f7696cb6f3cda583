//! A talent service request: one case of the case engine.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = TalentRequest)]
#[sea_orm(table_name = "talent_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub case_id: String,
    pub talent_id: String,
    /// The items asked for, comma-separated, the leading one first.
    pub service_ids: String,
    pub tier_code: String,
    pub international: bool,
    /// The specialist's account when submitted on the talent's behalf.
    pub on_behalf_by: Option<String>,
    pub version: i32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTimeUtc,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! An item of the talent service catalogue; its case category routes it.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = TalentService)]
#[sea_orm(table_name = "talent_services")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub category_id: String,
    pub name_en: String,
    pub description: String,
    pub description_en: String,
    /// The documents to bring, one a line.
    pub documents: String,
    pub documents_en: String,
    /// Tier codes, comma-separated; empty: every tier.
    pub tier_codes: String,
    /// `domain::talent::Origin` code: any | international | domestic.
    pub origin: String,
    pub sort_order: i32,
    pub active: bool,
    pub version: i32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTimeUtc,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

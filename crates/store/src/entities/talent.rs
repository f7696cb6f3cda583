//! A talent the zone serves (人才名册).

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = Talent)]
#[sea_orm(table_name = "talents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Name in Chinese characters, or as the talent writes it.
    pub name: String,
    /// Name in Latin script (passport spelling).
    pub name_latin: String,
    pub nationality: String,
    pub international: bool,
    pub tier_id: String,
    pub field: String,
    pub employer_org_id: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub arrived_on: Option<Date>,
    /// The talent specialist (service_staff).
    pub specialist_id: Option<String>,
    /// The talent's own account.
    pub user_id: Option<String>,
    pub passport_no: String,
    pub id_number: String,
    pub phone: String,
    pub email: String,
    pub note: String,
    /// The language of the talent's pages: zh, en, or empty (the browser's).
    pub lang: String,
    pub version: i32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTimeUtc,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

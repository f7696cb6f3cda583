//! A person's registration for an event on behalf of an institution, with its check-in.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = EventRegistration)]
#[sea_orm(table_name = "event_registrations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub event_id: String,
    /// The registered organisation registered for, or None with the name and
    /// credit code of one not yet registered.
    pub org_id: Option<String>,
    pub institution_name: String,
    pub institution_uscc: Option<String>,
    /// `domain::events::Sector` code (政产学研金介).
    pub sector: String,
    pub person_name: String,
    /// Digits only (`domain::events::phone_key`).
    pub phone: String,
    /// `domain::events::RegistrationStatus` code.
    pub status: String,
    /// 8 characters, unique (`domain::events::ticket_code`).
    pub ticket_code: String,
    /// Registered at the door (and checked in at once).
    pub walk_in: bool,
    /// The account that registered.
    pub registered_by: String,
    /// Why it was rejected or cancelled.
    pub note: String,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub checked_in_at: Option<DateTimeUtc>,
    pub checked_in_by: Option<String>,
    pub version: i32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTimeUtc,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

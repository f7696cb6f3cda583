//! A membership period of an organisation in an alliance (a rejoin is a new row).

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = AllianceMember)]
#[sea_orm(table_name = "alliance_members")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub alliance_id: String,
    pub org_id: String,
    /// `domain::events::Sector` code.
    pub sector: String,
    #[schema(value_type = String, format = Date)]
    pub joined_on: Date,
    /// Not a member from this day; None: still a member.
    #[schema(value_type = Option<String>, format = Date)]
    pub left_on: Option<Date>,
    pub version: i32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTimeUtc,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

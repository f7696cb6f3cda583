//! An event (赛会展演): competition, conference, exhibition, performance…

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = Event)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub series_id: Option<String>,
    /// The alliance or association whose activity this is (联盟活动).
    pub alliance_id: Option<String>,
    pub title: String,
    /// `domain::events::EventKind` code.
    pub kind: String,
    /// draft | published | cancelled.
    pub status: String,
    pub venue: String,
    #[schema(value_type = String, format = Date)]
    pub starts_on: Date,
    #[schema(value_type = String, format = Date)]
    pub ends_on: Date,
    #[schema(value_type = Option<String>, example = "09:30:00")]
    pub start_time: Option<Time>,
    #[schema(value_type = Option<String>, example = "09:30:00")]
    pub end_time: Option<Time>,
    /// Places; None: no limit.
    pub capacity: Option<i32>,
    pub audience: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub opens_on: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub closes_on: Option<Date>,
    #[sea_orm(column_type = "Text")]
    pub agenda: String,
    pub needs_approval: bool,
    pub cancel_reason: String,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub published_at: Option<DateTimeUtc>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub cancelled_at: Option<DateTimeUtc>,
    pub version: i32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTimeUtc,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

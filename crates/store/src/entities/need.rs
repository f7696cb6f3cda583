//! A technology need (技术需求) of an organisation, posted by its own
//! account or by staff on its behalf.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = Need)]
#[sea_orm(table_name = "needs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub title: String,
    /// The problem to solve.
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// Keywords joined by 、.
    pub keywords: String,
    pub field: String,
    pub chain_id: Option<String>,
    pub chain_node_id: Option<String>,
    /// The TRLs the enterprise can take on (1–9).
    pub trl_min: Option<i32>,
    pub trl_max: Option<i32>,
    /// Expected cooperation modes: `domain::matching::CoopMode` codes, comma-separated.
    pub modes: String,
    /// Budget in fen.
    pub budget_fen: Option<i64>,
    /// Closed by the sweep after this day.
    #[schema(value_type = Option<String>, format = Date)]
    pub deadline: Option<Date>,
    pub region: String,
    /// The organisation with the need. Left empty in views for readers who
    /// may not see a hidden name.
    pub org_id: String,
    /// The organisation lets its name be shown to every reader.
    pub name_public: bool,
    pub contact_name: String,
    pub contact_phone: String,
    /// `domain::matching::ListingStatus` code.
    pub status: String,
    pub status_reason: String,
    /// `domain::matching::CloseCause` code, once closed.
    pub close_cause: Option<String>,
    pub posted_by: String,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub submitted_at: Option<DateTimeUtc>,
    pub reviewed_by: Option<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub reviewed_at: Option<DateTimeUtc>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub published_at: Option<DateTimeUtc>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closed_at: Option<DateTimeUtc>,
    pub version: i32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTimeUtc,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! A technology offer (技术供给): a result, patent, equipment or facility
//! to share, or expert services, of a registered holder.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = Offer)]
#[sea_orm(table_name = "offers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// `domain::matching::OfferKind` code.
    pub kind: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// Keywords joined by 、.
    pub keywords: String,
    /// The field (技术领域), as written.
    pub field: String,
    pub chain_id: Option<String>,
    pub chain_node_id: Option<String>,
    /// Technology readiness level, 1–9.
    pub trl: Option<i32>,
    /// Cooperation modes: `domain::matching::CoopMode` codes, comma-separated.
    pub modes: String,
    /// Asking price in fen, lowest and highest (None: 面议).
    pub price_min_fen: Option<i64>,
    pub price_max_fen: Option<i64>,
    pub region: String,
    /// The holder (持有单位): a registered enterprise, university or institute.
    pub holder_org_id: String,
    /// The transfer project (成果转化项目) behind it, where one exists.
    pub transfer_project_id: Option<String>,
    pub contact_name: String,
    pub contact_phone: String,
    /// `domain::matching::ListingStatus` code.
    pub status: String,
    /// The reason given with the last return, withdrawal or closing.
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

//! A lead (撮合线索): a broker works a need and an offer from first
//! contact to signing or closing.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = MatchLead)]
#[sea_orm(table_name = "match_leads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub need_id: String,
    pub offer_id: String,
    /// The broker working it.
    pub broker_user_id: String,
    pub created_by: String,
    /// `domain::matching::LeadStage` code.
    pub stage: String,
    #[schema(value_type = String, format = DateTime)]
    pub stage_at: DateTimeUtc,
    /// When it first reached a stage where the parties have met.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub met_at: Option<DateTimeUtc>,
    pub close_reason: String,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closed_at: Option<DateTimeUtc>,
    /// The next step (下一步工作) and when it is due.
    pub next_step: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub next_due_on: Option<Date>,
    /// The last supervision (督办) of the lead.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub supervised_at: Option<DateTimeUtc>,
    pub supervised_by: Option<String>,
    pub supervision_note: String,
    /// The technology contract it produced (its `lead_id` names this lead).
    pub contract_id: Option<String>,
    pub cooperation_project_id: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub signed_on: Option<Date>,
    /// The amount signed, in fen.
    pub amount_fen: Option<i64>,
    pub version: i32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTimeUtc,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = GrantEquity)]
#[sea_orm(table_name = "grant_equities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub agreement_no: String,
    pub pool_id: String,
    pub project_id: Option<String>,
    pub org_id: String,
    pub platform: String,
    pub grant_fen: i64,
    #[schema(value_type = String, format = Date)]
    pub signed_on: Date,
    pub term_months: i32,
    pub min_round_fen: i64,
    pub discount_permille: i32,
    pub cap_ppm: i32,
    pub buyback_rate_permille: i32,
    pub exit_start_months: i32,
    pub exit_end_months: i32,
    pub status: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub round_closed_on: Option<Date>,
    pub round_pre_money_fen: i64,
    pub round_pre_shares: i64,
    pub round_amount_fen: i64,
    pub round_investors: String,
    pub conv_shares: i64,
    pub conv_fen: i64,
    pub conv_stake_ppm: i32,
    pub conv_price_e4: i64,
    #[schema(value_type = Option<String>, format = Date)]
    pub closed_on: Option<Date>,
    pub exit_kind: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub exited_on: Option<Date>,
    pub exit_proceeds_fen: i64,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub version: i32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTimeUtc,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

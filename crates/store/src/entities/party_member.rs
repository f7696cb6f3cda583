use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = PartyMember)]
#[sea_orm(table_name = "party_members")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub party_org_id: String,
    pub name: String,
    pub gender: String,
    pub phone: String,
    pub id_number: String,
    pub field: String,
    pub post: String,
    pub stage: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub applied_on: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub activist_on: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub candidate_on: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub probationary_on: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub full_on: Option<Date>,
    pub version: i32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTimeUtc,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

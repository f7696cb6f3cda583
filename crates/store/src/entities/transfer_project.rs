use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = TransferProject)]
#[sea_orm(table_name = "transfer_projects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub title: String,
    pub field: String,
    pub chain_id: Option<String>,
    pub chain_node_id: Option<String>,
    pub holder_org_id: Option<String>,
    pub inventors: String,
    pub patents: String,
    pub trl: i32,
    pub stage: String,
    pub state: String,
    #[schema(value_type = String, format = Date)]
    pub stage_entered_on: Date,
    pub manager: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    pub incubator_org_id: Option<String>,
    pub firm_org_id: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub incubated_on: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub graduated_on: Option<Date>,
    pub version: i32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTimeUtc,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub entity: String,
    pub entity_id: String,
    pub seq: i64,
    pub action: String,
    pub actor: String,
    pub at: String,
    #[sea_orm(column_type = "Text")]
    pub before_json: String,
    #[sea_orm(column_type = "Text")]
    pub after_json: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

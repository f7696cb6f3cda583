//! One indicator of a frozen period as it stood when the period was frozen.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, Default, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "frozen_figures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub frozen_period_id: String,
    pub position: i32,
    pub code: String,
    pub area: String,
    pub name: String,
    pub definition: String,
    pub basis: String,
    pub unit: String,
    pub unit_label: String,
    pub value: Option<i64>,
    pub previous: Option<i64>,
    pub year_before: Option<i64>,
    pub href: String,
    /// JSON: [{"period","label","value"}…]
    pub trend: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

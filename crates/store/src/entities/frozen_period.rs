//! A frozen period (报送): a cockpit period whose figures were submitted;
//! its indicators are kept in `frozen_figures` as they stood.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = FrozenPeriod)]
#[sea_orm(table_name = "frozen_periods")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// 期间：2026、2026-Q3 或 2026-10
    pub period: String,
    /// 报送人（显示名）
    pub frozen_by: String,
    /// 报送说明
    pub note: String,
    pub version: i32,
    /// 报送时间
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTimeUtc,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

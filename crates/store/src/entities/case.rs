use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub number: String,
    pub year: i32,
    pub seq: i64,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub category_id: String,
    pub org_id: String,
    pub chain_id: Option<String>,
    pub channel: String,
    pub status: String,
    pub received_at: DateTimeUtc,
    pub received_on: Date,
    pub limit_days: i32,
    pub due_on: Date,
    pub suspended_workdays: i32,
    pub suspended_since: Option<Date>,
    pub lead_department_id: Option<String>,
    pub task_force_department_id: Option<String>,
    pub supervision_level: i32,
    pub reopened_count: i32,
    #[sea_orm(column_type = "Text")]
    pub reply: Option<String>,
    pub replied_at: Option<DateTimeUtc>,
    pub satisfaction: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub rating_comment: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
    pub closed_on: Option<Date>,
    pub merged_into_id: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub decline_reason: Option<String>,
    pub submitted_by: Option<String>,
    pub contact_name: String,
    pub contact_phone: String,
    /// When the due-soon warning went out (once per case).
    pub warned_on: Option<Date>,
    /// Workdays from receipt to closing, set when the case is solved.
    pub cycle_workdays: Option<i32>,
    /// Where the case is about (Open311 `address_string`), as given.
    pub address: Option<String>,
    /// WGS-84 latitude and longitude in degrees, the decimal text as given.
    pub latitude: Option<String>,
    pub longitude: Option<String>,
    /// A photo or document link sent with the case (Open311 `media_url`).
    pub media_url: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

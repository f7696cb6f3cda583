//! Settings the committee changes without a release (one row per key), e.g.
//! the number of overdue and late cases at which an interview is suggested.

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::{id, index, record_cols, text};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000021_settings"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            record_cols(
                Table::create()
                    .table(Alias::new("settings"))
                    .col(id())
                    .col(text("key", 60))
                    .col(text("value", 200)),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("settings", "ux_settings_key", &["key"], true))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("settings")).to_owned())
            .await
    }
}

//! The cases of one channel received in a period (the talents' services on
//! the cockpit, the case list filtered by channel): an index range instead
//! of every case of the period.

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::index;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000019_case_channel_index"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index(
            "cases",
            "ix_cases_channel_received",
            &["channel", "received_on"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_cases_channel_received")
                .table(Alias::new("cases"))
                .to_owned(),
        )
        .await
    }
}

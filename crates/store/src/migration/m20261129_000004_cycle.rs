//! Cases keep their cycle time in workdays from the moment they close, so
//! statistics aggregate in the database instead of recomputing per row.

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::{col, index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000004_cycle"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("cases"))
                .add_column(col("cycle_workdays").integer().null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "cases",
            "ix_cases_received_on",
            &["received_on"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("cases"))
                .drop_column(Alias::new("cycle_workdays"))
                .to_owned(),
        )
        .await
    }
}

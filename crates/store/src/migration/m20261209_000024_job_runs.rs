//! Timed jobs claimed per period (#19): a replica does the daily database
//! work and each ten-minute case sweep only when its row for that period is
//! the one written, so N replicas do each period's work once.

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::{id, index, text, ts, ts_null};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261209_000024_job_runs"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("job_runs"))
                .col(id())
                .col(text("job", 40))
                .col(text("period", 20))
                .col(text("replica", 80))
                .col(ts("started_at"))
                .col(ts_null("finished_at"))
                .col(text("outcome", 300))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "job_runs",
            "ux_job_runs_job_period",
            &["job", "period"],
            true,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("job_runs")).to_owned())
            .await
    }
}

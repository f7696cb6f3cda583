//! Indexes for the chief service officer's report: work logs by date and by
//! organisation.

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::index;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000009_work_log_indexes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index(
            "work_logs",
            "ix_work_logs_logged_on",
            &["logged_on"],
            false,
        ))
        .await?;
        m.create_index(index("work_logs", "ix_work_logs_org", &["org_id"], false))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in ["ix_work_logs_logged_on", "ix_work_logs_org"] {
            m.drop_index(
                Index::drop()
                    .name(name)
                    .table(Alias::new("work_logs"))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

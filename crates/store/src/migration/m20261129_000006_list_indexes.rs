//! Indexes for the case lists' common orderings and filters: newest first
//! within a status or a lead department, and a department's tasks.

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::index;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000006_list_indexes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for i in [
            index(
                "cases",
                "ix_cases_status_received",
                &["status", "received_at"],
                false,
            ),
            index(
                "cases",
                "ix_cases_lead_received",
                &["lead_department_id", "received_at"],
                false,
            ),
            index(
                "case_tasks",
                "ix_case_tasks_department_case",
                &["department_id", "case_id"],
                false,
            ),
        ] {
            m.create_index(i).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (t, n) in [
            ("cases", "ix_cases_status_received"),
            ("cases", "ix_cases_lead_received"),
            ("case_tasks", "ix_case_tasks_department_case"),
        ] {
            m.drop_index(Index::drop().name(n).table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}

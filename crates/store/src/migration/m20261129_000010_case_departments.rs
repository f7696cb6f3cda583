//! Which departments a case concerns (lead, task force, or a task of
//! theirs), one row per pair: a department's case list and a department
//! user's scope look this up by key instead of scanning every case and task.
//! Derived from `cases` and `case_tasks` (rows are only ever added, as the
//! case list always counted a department that once had a task), so it is not
//! audited; the backfill below rebuilds it from them.

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::{id_ref, index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000010_case_departments"
    }
}

/// Fill `case_departments` from the cases and their tasks (for a new table,
/// or a database whose rows were loaded by other means).
pub const BACKFILL: &str = "INSERT INTO case_departments (case_id, department_id) \
     SELECT id, lead_department_id FROM cases WHERE lead_department_id IS NOT NULL \
     UNION SELECT id, task_force_department_id FROM cases WHERE task_force_department_id IS NOT NULL \
     UNION SELECT case_id, department_id FROM case_tasks";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("case_departments"))
                .col(id_ref("case_id"))
                .col(id_ref("department_id"))
                .primary_key(
                    Index::create()
                        .col(Alias::new("case_id"))
                        .col(Alias::new("department_id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "case_departments",
            "ix_case_departments_department",
            &["department_id", "case_id"],
            false,
        ))
        .await?;
        m.get_connection().execute_unprepared(BACKFILL).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(Alias::new("case_departments"))
                .to_owned(),
        )
        .await
    }
}

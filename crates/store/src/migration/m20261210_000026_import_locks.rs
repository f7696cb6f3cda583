//! One import of a register at a time (#17): a row per register, locked
//! by each import's transaction (`store::imports`).

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::col;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261210_000026_import_locks"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("import_locks"))
                .col(col("register").string_len(50).not_null().primary_key())
                .to_owned(),
        )
        .await?;
        // The registers imported when this was written, their rows made
        // now: the first imports racing to make a row could deadlock on MySQL.
        let mut rows = Query::insert()
            .into_table(Alias::new("import_locks"))
            .columns([Alias::new("register")])
            .to_owned();
        for r in [
            "teams",
            "project_claims",
            "key_items",
            "events",
            "zones",
            "transfer_projects",
            "commitments",
        ] {
            rows.values_panic([r.into()]);
        }
        m.exec_stmt(rows).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("import_locks")).to_owned())
            .await
    }
}

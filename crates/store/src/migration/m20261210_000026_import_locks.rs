//! One import of a register at a time (#17): a row per register, locked
//! by each import's transaction (`store::imports`), and indexes on the keys
//! the imports count.

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::{col, index};

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
            "policies",
            "party_members",
            "loan_tiers",
        ] {
            rows.values_panic([r.into()]);
        }
        m.exec_stmt(rows).await?;
        // The keys an import counts after each insert, so a long ledger
        // does not scan its table once a row.
        for (table, cols) in [
            ("teams", &["name"][..]),
            ("project_claims", &["title"]),
            ("zones", &["party_org_id", "name"]),
            ("transfer_projects", &["title"]),
            ("party_members", &["id_number"]),
            ("loan_tiers", &["name"]),
        ] {
            m.create_index(index(
                table,
                &format!("ix_{table}_{}", cols.join("_")),
                cols,
                false,
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, name) in [
            ("teams", "ix_teams_name"),
            ("project_claims", "ix_project_claims_title"),
            ("zones", "ix_zones_party_org_id_name"),
            ("transfer_projects", "ix_transfer_projects_title"),
            ("party_members", "ix_party_members_id_number"),
            ("loan_tiers", "ix_loan_tiers_name"),
        ] {
            m.drop_index(Index::drop().table(Alias::new(table)).name(name).to_owned())
                .await?;
        }
        m.drop_table(Table::drop().table(Alias::new("import_locks")).to_owned())
            .await
    }
}

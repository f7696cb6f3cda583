//! Policies (政策) open to the organisations of the zone (#17): the
//! department that runs each, whom it is open to, its support and
//! conditions, the application window and where it stands.

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::{
    date_null, id, id_ref, id_ref_null, index, long_text, record_cols, text, ts_null,
};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261210_000025_policies"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            record_cols(
                Table::create()
                    .table(Alias::new("policies"))
                    .col(id())
                    .col(text("title", 100))
                    .col(text("doc_number", 50))
                    .col(id_ref("department_id"))
                    .col(text("org_kinds", 200))
                    .col(id_ref_null("chain_id"))
                    .col(text("support", 500))
                    .col(long_text("conditions"))
                    .col(date_null("opens_on"))
                    .col(date_null("closes_on"))
                    .col(text("status", 20))
                    .col(ts_null("published_at")),
            )
            .to_owned(),
        )
        .await?;
        // One title a policy: an import run twice, or by two people at
        // once, is refused by the database rather than doubled.
        m.create_index(index("policies", "ux_policies_title", &["title"], true))
            .await?;
        m.create_index(index(
            "policies",
            "ix_policies_department",
            &["department_id"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("policies")).to_owned())
            .await
    }
}

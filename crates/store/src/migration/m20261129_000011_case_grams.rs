//! The n-gram index of case texts (`case_grams`, see `crate::search`), and
//! an index on a case's number within its year, by which the search reads
//! the blocks of cases the index points to. Existing cases are indexed here.
//! Derived from `cases`, so not audited.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use super::m20261129_000001_foundation::{big, index, int};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000011_case_grams"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut t = Table::create();
        t.table(Alias::new("case_grams"))
            .col(big("gram"))
            .col(int("year"))
            .col(big("block"))
            .primary_key(
                Index::create()
                    .col(Alias::new("gram"))
                    .col(Alias::new("year"))
                    .col(Alias::new("block")),
            );
        if m.get_database_backend() == DatabaseBackend::Sqlite {
            // The key is the whole row.
            t.extra("WITHOUT ROWID");
        }
        m.create_table(t.to_owned()).await?;
        m.create_index(index("cases", "ux_cases_year_seq", &["year", "seq"], true))
            .await?;
        crate::search::backfill(m.get_connection()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ux_cases_year_seq")
                .table(Alias::new("cases"))
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(Alias::new("case_grams")).to_owned())
            .await
    }
}

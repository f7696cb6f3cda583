//! Reported statistics for the cockpit (PRODUCT.md A6): figures no record
//! computes (研发投入强度 and others the committee adds), entered per period
//! with their source and approver.

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::{big, id, index, long_text, record_cols, text};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000016_reported_figures"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            record_cols(
                Table::create()
                    .table(Alias::new("reported_figures"))
                    .col(id())
                    // Stable code of the statistic, e.g. rd_intensity.
                    .col(text("code", 40))
                    .col(text("name", 60))
                    // domain::cockpit::Period code: 2024, 2025-Q1, 2025-03.
                    .col(text("period", 10))
                    // count / money (fen) / permille.
                    .col(text("unit", 10))
                    .col(big("value"))
                    .col(text("source", 200))
                    .col(text("approved_by", 50))
                    .col(long_text("note")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index(
            "reported_figures",
            "ux_reported_figures_code_period",
            &["code", "period"],
            true,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(Alias::new("reported_figures"))
                .to_owned(),
        )
        .await
    }
}

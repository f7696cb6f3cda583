//! Frozen periods (报送): a cockpit period whose figures were submitted and
//! no longer change. The period's every indicator is kept as it stood when
//! frozen (one row each, with its trend); who froze it and when is the
//! period record's own audit.

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::{
    col, id, id_ref, index, int, long_text, record_cols, text,
};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000018_frozen_periods"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            record_cols(
                Table::create()
                    .table(Alias::new("frozen_periods"))
                    .col(id())
                    // domain::cockpit::Period code: 2026, 2026-Q3, 2026-10.
                    .col(text("period", 10))
                    .col(text("frozen_by", 64))
                    .col(text("note", 200)),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index(
            "frozen_periods",
            "ux_frozen_periods_period",
            &["period"],
            true,
        ))
        .await?;
        let num = |n: &str| col(n).big_integer().null().to_owned();
        m.create_table(
            Table::create()
                .table(Alias::new("frozen_figures"))
                .col(id())
                .col(id_ref("frozen_period_id"))
                .col(int("position"))
                .col(text("code", 80))
                .col(text("area", 20))
                .col(text("name", 80))
                .col(long_text("definition"))
                .col(text("basis", 10))
                .col(text("unit", 10))
                .col(text("unit_label", 10))
                .col(num("value"))
                .col(num("previous"))
                .col(num("year_before"))
                .col(text("href", 300))
                // The trend as JSON: [{"period","label","value"}…].
                .col(long_text("trend"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "frozen_figures",
            "ix_frozen_figures_period",
            &["frozen_period_id", "position"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["frozen_figures", "frozen_periods"] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}

//! Robot webhooks (WeCom / DingTalk / Feishu) with a delivery outbox, and
//! the marker for the due-soon warning of a case.

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::{
    col, id, id_ref, id_ref_null, index, long_text, record_cols, text, ts, ts_null,
};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000003_outbox"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("cases"))
                .add_column(col("warned_on").date().null())
                .to_owned(),
        )
        .await?;
        m.create_table(
            record_cols(
                Table::create()
                    .table(Alias::new("webhooks"))
                    .col(id())
                    .col(text("name", 100))
                    // wecom | dingtalk | feishu
                    .col(text("kind", 20))
                    .col(text("url", 500))
                    // Whose messages it carries; NULL: every department's.
                    .col(id_ref_null("department_id"))
                    .col(col("active").boolean().not_null().default(true)),
            )
            .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Alias::new("outbox"))
                .col(id())
                .col(id_ref("webhook_id"))
                .col(text("title", 200))
                .col(long_text("body"))
                .col(text("link", 300))
                // pending | sent | failed
                .col(text("status", 10))
                .col(col("attempts").integer().not_null().default(0))
                .col(ts("next_attempt_at"))
                .col(ts_null("lease_until"))
                .col(text("leased_by", 64))
                .col(col("last_error").text().null())
                .col(ts("created_at"))
                .col(ts_null("sent_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "outbox",
            "ix_outbox_due",
            &["status", "next_attempt_at"],
            false,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("outbox")).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Alias::new("webhooks")).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("cases"))
                .drop_column(Alias::new("warned_on"))
                .to_owned(),
        )
        .await
    }
}

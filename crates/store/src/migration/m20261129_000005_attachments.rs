//! Case attachments, kept in the database so every replica sees them and a
//! backup holds them. Files are split into 48 KiB chunks, which fit the
//! BLOB type of every backend (MySQL's BLOB holds 64 KiB).

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::{col, id, id_ref, index, int, text, ts};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000005_attachments"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("attachments"))
                .col(id())
                .col(id_ref("case_id"))
                .col(text("filename", 200))
                .col(text("content_type", 100))
                .col(col("size").big_integer().not_null())
                .col(text("sha256", 64))
                .col(text("uploaded_by", 64))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Alias::new("attachment_chunks"))
                .col(id())
                .col(id_ref("attachment_id"))
                .col(int("idx"))
                .col(col("data").blob().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "attachments",
            "ix_attachments_case",
            &["case_id"],
            false,
        ))
        .await?;
        m.create_index(index(
            "attachment_chunks",
            "ux_attachment_chunks",
            &["attachment_id", "idx"],
            true,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(Alias::new("attachment_chunks"))
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(Alias::new("attachments")).to_owned())
            .await
    }
}

//! Enterprise self-service (#17): the departments that run the funding
//! programmes (资金业务: grant-to-equity and tiered loans; the science bureau
//! in the demo), a loan applied for online by a firm's own account, and the
//! documents a firm attaches to its application.

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::{col, flag, id, id_ref, id_ref_null, index, text, ts};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000017_self_service"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("departments"))
                .add_column(flag("funding"))
                .to_owned(),
        )
        .await?;
        // The firm's account that applied online; empty when staff entered it.
        m.alter_table(
            Table::alter()
                .table(Alias::new("loans"))
                .add_column(id_ref_null("applied_by"))
                .to_owned(),
        )
        .await?;
        // Chunks live in attachment_chunks, as a case attachment's do.
        m.create_table(
            Table::create()
                .table(Alias::new("loan_documents"))
                .col(id())
                .col(id_ref("loan_id"))
                .col(text("filename", 200))
                .col(text("content_type", 100))
                .col(col("size").big_integer().not_null())
                .col(text("sha256", 64))
                .col(text("uploaded_by", 64))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "loan_documents",
            "ix_loan_documents_loan",
            &["loan_id"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("loan_documents")).to_owned())
            .await?;
        for (table, column) in [("loans", "applied_by"), ("departments", "funding")] {
            m.alter_table(
                Table::alter()
                    .table(Alias::new(table))
                    .drop_column(Alias::new(column))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

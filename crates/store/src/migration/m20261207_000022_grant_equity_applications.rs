//! A firm applies online for grant-to-equity support (#17): the application
//! with its project, the amount asked for and its use, the bureau's decision
//! and reason, the agreement signed from it, and the documents attached.

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::{
    big, col, date, date_null, id, id_ref, id_ref_null, index, long_text, record_cols, text, ts,
};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000022_grant_equity_applications"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            record_cols(
                Table::create()
                    .table(Alias::new("grant_equity_applications"))
                    .col(id())
                    .col(text("application_no", 30))
                    .col(id_ref("org_id"))
                    .col(id_ref("applied_by"))
                    .col(text("project_name", 200))
                    .col(long_text("summary"))
                    .col(big("requested_fen"))
                    .col(text("use_of_funds", 500))
                    .col(text("status", 20))
                    .col(date("applied_on"))
                    .col(date_null("decided_on"))
                    .col(text("decision_note", 500))
                    .col(id_ref_null("agreement_id")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index(
            "grant_equity_applications",
            "ux_grant_equity_applications_no",
            &["application_no"],
            true,
        ))
        .await?;
        m.create_index(index(
            "grant_equity_applications",
            "ix_grant_equity_applications_org",
            &["org_id"],
            false,
        ))
        .await?;
        // Chunks live in attachment_chunks, as a loan document's do.
        m.create_table(
            Table::create()
                .table(Alias::new("grant_equity_documents"))
                .col(id())
                .col(id_ref("application_id"))
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
            "grant_equity_documents",
            "ix_grant_equity_documents_application",
            &["application_id"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["grant_equity_documents", "grant_equity_applications"] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}

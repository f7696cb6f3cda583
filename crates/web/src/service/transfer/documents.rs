//! Documents a firm or the funding department attaches to a funding
//! application (a tiered loan, a grant-to-equity application): the view
//! with its download address, shared by both.

use kechuang_store::entities::{grant_equity_document, loan_document};
use serde::Serialize;
use utoipa::ToSchema;

/// A document of an application, with its download address.
#[derive(Serialize, ToSchema)]
pub struct DocumentView {
    pub id: String,
    pub filename: String,
    pub content_type: String,
    /// 字节数
    pub size: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// 下载地址
    pub url: String,
}

impl From<loan_document::Model> for DocumentView {
    fn from(d: loan_document::Model) -> Self {
        DocumentView {
            url: format!("/api/v1/transfer/loans/{}/documents/{}", d.loan_id, d.id),
            id: d.id,
            filename: d.filename,
            content_type: d.content_type,
            size: d.size,
            created_at: d.created_at,
        }
    }
}

impl From<grant_equity_document::Model> for DocumentView {
    fn from(d: grant_equity_document::Model) -> Self {
        DocumentView {
            url: format!(
                "/api/v1/transfer/grant-equity-applications/{}/documents/{}",
                d.application_id, d.id
            ),
            id: d.id,
            filename: d.filename,
            content_type: d.content_type,
            size: d.size,
            created_at: d.created_at,
        }
    }
}

//! The documents of a funding application (a tiered loan, a grant-to-equity
//! application) on its page — the list, the upload form where the reader may
//! add one (templates/transfer/_documents.html) — and the upload's answer.

use axum::response::Response;

use super::{done, with_status, FormState, PageResult};
use crate::error::ApiResult;
use crate::service::transfer::documents::DocumentView;

/// An application's documents as its page shows them.
pub struct Documents {
    pub list: Vec<DocumentView>,
    /// Where the upload form posts.
    pub action: String,
    pub can_attach: bool,
    /// Why the last upload was refused.
    pub error: String,
}

impl Documents {
    pub fn new(list: Vec<DocumentView>, action: String, can_attach: bool, fs: &FormState) -> Self {
        Documents {
            list,
            action,
            can_attach,
            error: fs.err("attach", "_form"),
        }
    }
    pub fn size(&self, bytes: &i64) -> String {
        crate::format::file_size(*bytes)
    }
    pub fn when(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        crate::format::fmt_time(*t)
    }
}

/// POST …/documents (multipart; the CSRF token rides in the query): the
/// upload through `attach`, then `to`; a refusal shown above the form by
/// `again`.
pub(crate) async fn upload<A, Fut>(
    mp: axum::extract::Multipart,
    to: &str,
    attach: impl FnOnce(crate::files::Upload) -> A,
    again: impl FnOnce(FormState) -> Fut,
) -> PageResult
where
    A: std::future::Future<Output = ApiResult<DocumentView>>,
    Fut: std::future::Future<Output = ApiResult<Response>>,
{
    let result = async {
        let u = crate::files::read_upload(mp, crate::files::MISSING_FILE).await?;
        attach(u).await
    }
    .await;
    match result {
        Ok(_) => Ok(done(to, "attached")),
        Err(e)
            if e.status.is_client_error()
                && e.status != axum::http::StatusCode::NOT_FOUND
                && e.status != axum::http::StatusCode::FORBIDDEN =>
        {
            let status = e.status;
            let r = again(FormState::rejected("attach", vec![], &e)).await?;
            Ok(with_status(r, status))
        }
        Err(e) => Err(e.into()),
    }
}

//! The edge: every request's text is checked once, before any handler or
//! database sees it (rule in `kechuang_domain::text`). The path and query,
//! and urlencoded or JSON bodies, must be UTF-8 without control characters;
//! anything else is 400 (`invalid_text`, `invalid_utf8`), and a body over
//! the limit is 413, on every database alike. Multipart uploads are checked
//! where they are read (Excel import: cell by cell).

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kechuang_domain::text::{self, TextError};
use kechuang_domain::ErrorCode;

use crate::auth::Caller;
use crate::error::{is_machine_path, ApiError};
use crate::AppState;

/// The largest request body (also axum's `DefaultBodyLimit` in `app`).
pub const BODY_LIMIT: usize = 20 * 1024 * 1024;

enum Kind {
    Form,
    Json,
    Other,
}

fn body_kind(req: &Request) -> Kind {
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let essence = ct.split(';').next().unwrap_or("").trim();
    if essence == "application/x-www-form-urlencoded" {
        Kind::Form
    } else if essence == "application/json" || essence.ends_with("+json") {
        Kind::Json
    } else {
        Kind::Other
    }
}

/// Middleware: refuse text that no database should receive.
pub async fn check(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let uri = req.uri();
    let in_uri = text::check_percent_encoded(uri.path().as_bytes())
        .and_then(|_| text::check_percent_encoded(uri.query().unwrap_or("").as_bytes()));
    if let Err(e) = in_uri {
        return refuse(&state, &req, text_error(e));
    }
    let kind = body_kind(&req);
    if matches!(kind, Kind::Other) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            let req = Request::from_parts(parts, Body::empty());
            return refuse(&state, &req, too_large());
        }
    };
    let checked = match kind {
        Kind::Form => text::check_percent_encoded(&bytes),
        _ => text::check_json(&bytes),
    };
    let req = Request::from_parts(parts, Body::from(bytes));
    match checked {
        Ok(()) => next.run(req).await,
        Err(e) => refuse(&state, &req, text_error(e)),
    }
}

pub fn text_error(e: TextError) -> ApiError {
    ApiError::bad_request(e.code(), e.message())
}

pub fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::PayloadTooLarge,
        format!(
            "请求体超过 {} MB 的上限，请缩小后重试（大批数据请分批导入）",
            BODY_LIMIT / 1024 / 1024
        ),
    )
}

fn refuse(state: &AppState, req: &Request, e: ApiError) -> Response {
    if is_machine_path(req.uri().path()) {
        return e.into_response();
    }
    let caller = req.extensions().get::<Caller>().and_then(|c| c.0.as_ref());
    crate::pages::error_page(state, caller, e)
}

//! Technology transfer and its capital: projects and stage gates,
//! grant-to-equity, tiered loans, technology contracts. What `api/transfer`
//! and `pages/transfer` share: functions that take the caller and a parsed
//! draft, check permission, validate, call the store and return a view; the
//! list queries, the views and the Excel exports.

pub mod contracts;
pub mod equity;
pub mod loans;
pub mod projects;

use std::collections::HashMap;

use crate::error::{ApiError, ApiResult};

/// Name of an organisation id from a lookup, empty when unknown.
pub fn name_of(names: &HashMap<String, String>, id: &Option<String>) -> String {
    id.as_ref()
        .and_then(|i| names.get(i))
        .cloned()
        .unwrap_or_default()
}

// The three helpers below read a query or a draft exactly as the API's own
// (`api::non_empty`, `api::opt_bool`, `api::invalid`); they are repeated here
// because a service does not import `crate::api`.

/// A query parameter with surrounding blanks removed; empty counts as absent.
fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// A true/false (or 1/0) query parameter; anything else is 400 `invalid_query`.
fn opt_bool(name: &str, v: &Option<String>) -> ApiResult<Option<bool>> {
    match non_empty(v).as_deref() {
        None => Ok(None),
        Some("true" | "1") => Ok(Some(true)),
        Some("false" | "0") => Ok(Some(false)),
        Some(_) => Err(ApiError::bad_request(
            "invalid_query",
            format!("参数 {name} 只能是 true 或 false"),
        )),
    }
}

/// Field errors as a 422 API error.
fn invalid((code, fields): (&'static str, crate::forms::FieldErrors)) -> ApiError {
    ApiError::invalid(code, &fields)
}

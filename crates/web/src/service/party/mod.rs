//! The party-building service (强基 · 先锋): the network and members, commitments, vanguard
//! teams and races, meetings and key items, responsibility zones, service staff and their logs,
//! project claims. The JSON API and the pages both call it.

pub mod claims;
pub mod commitments;
pub mod meetings;
pub mod network;
pub mod races;
pub mod staff;
pub mod zones;

use crate::error::{ApiError, ApiResult};

/// A trimmed text parameter, `None` when empty (the same rule as the API's `non_empty`).
pub fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// A true/false (or 1/0) query parameter; anything else is 400 `invalid_query`
/// (the same rule as the API's `opt_bool`).
pub fn opt_bool(name: &str, v: &Option<String>) -> ApiResult<Option<bool>> {
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

/// A draft's validation failure as 422 (as the API's `invalid`).
pub fn invalid((code, fields): (&'static str, crate::forms::FieldErrors)) -> ApiError {
    ApiError::invalid(code, &fields)
}

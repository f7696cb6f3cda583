//! The party-building service (强基 · 先锋): the network and members, commitments, vanguard
//! teams and races, meetings and key items, responsibility zones, service staff and their logs,
//! project claims. The JSON API and the pages both call it.

pub mod accountability;
pub mod claim_sheets;
pub mod claims;
pub mod commitment_sheets;
pub mod commitments;
pub mod key_item_sheets;
pub mod meetings;
pub mod member_names;
pub mod member_sheets;
pub mod network;
pub mod org_sheets;
pub mod programmes;
pub mod races;
pub mod staff;
pub mod staff_sheets;
pub mod team_sheets;
pub mod threads;
pub mod zone_sheets;
pub mod zones;

use chrono::NaiveDate;
use kechuang_domain::ErrorCode;

use crate::error::{ApiError, ApiResult};
pub use crate::extract::{non_empty, opt_bool};

/// An optional date of the query string (400 `invalid_query` when it is not one).
pub fn query_date(name: &str, v: &Option<String>) -> ApiResult<Option<NaiveDate>> {
    match non_empty(v) {
        None => Ok(None),
        Some(t) => crate::forms::parse_date(&t).map(Some).ok_or_else(|| {
            ApiError::bad_request(
                ErrorCode::InvalidQuery,
                format!("参数 {name} 应为日期，如 2026-03-01"),
            )
        }),
    }
}

/// An optional year of the query string, 1900–2200 (400 `invalid_query`
/// naming `label` otherwise).
pub fn query_year(v: &Option<String>, label: &str) -> ApiResult<Option<i32>> {
    match non_empty(v) {
        None => Ok(None),
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| (1900..=2200).contains(y))
            .map(Some)
            .ok_or_else(|| {
                ApiError::bad_request(ErrorCode::InvalidQuery, format!("{label}须为四位数字年份"))
            }),
    }
}

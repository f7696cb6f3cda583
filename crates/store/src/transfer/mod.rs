//! Technology transfer and its capital (成果转化 · 资金链): transfer
//! projects through reviewed stage gates to incubated firms
//! ([`projects`]), grant-to-equity agreements and their fund pools
//! ([`equity`]) and firms' online applications for them
//! ([`equity_applications`]), tiered loans ([`loans`]) and registered technology
//! contracts with their turnover ([`contracts`]); the documents firms attach
//! to their funding applications ([`documents`]). The arithmetic lives in
//! `kechuang_domain::transfer`; this layer stores, checks and audits.

pub mod contracts;
pub mod documents;
pub mod equity;
pub mod equity_applications;
pub mod loans;
pub mod projects;

use crate::StoreError;

/// The number after the highest of `taken` that starts with `prefix`:
/// TDD-2026- and TDD-2026-016 give TDD-2026-017 (three digits at least).
pub(crate) fn next_number(prefix: &str, taken: &[String]) -> String {
    let last = taken
        .iter()
        .filter_map(|n| n.strip_prefix(prefix)?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    format!("{prefix}{:03}", last + 1)
}

/// Map a domain rule error with a stable code to a 422.
pub(crate) fn rule<E: std::fmt::Display>(code: kechuang_domain::ErrorCode, e: E) -> StoreError {
    StoreError::rule(code, e.to_string())
}

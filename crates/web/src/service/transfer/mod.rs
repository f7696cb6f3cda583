//! Technology transfer and its capital: projects and stage gates,
//! grant-to-equity, tiered loans, technology contracts. What `api/transfer`
//! and `pages/transfer` share: functions that take the caller and a parsed
//! draft, check permission, validate, call the store and return a view; the
//! list queries, the views and the Excel exports.

pub mod contracts;
pub mod documents;
pub mod equity;
pub mod equity_applications;
pub mod loans;
pub mod project_sheets;
pub mod projects;

use std::collections::HashMap;

/// Name of an organisation id from a lookup, empty when unknown.
pub fn name_of(names: &HashMap<String, String>, id: &Option<String>) -> String {
    id.as_ref()
        .and_then(|i| names.get(i))
        .cloned()
        .unwrap_or_default()
}

use crate::extract::{non_empty, opt_bool};

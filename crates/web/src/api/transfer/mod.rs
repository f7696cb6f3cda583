//! /api/v1/transfer: technology transfer and its capital (tag `transfer`):
//! projects and stage gates, grant-to-equity, tiered loans, technology
//! contracts. Handlers validate drafts (shared with the pages) and call the
//! store; the `*_action` functions are what the pages call too.

pub mod contracts;
pub mod equity;
pub mod loans;
pub mod projects;

use std::collections::HashMap;

use utoipa_axum::router::OpenApiRouter;

pub use crate::api::ListPage;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(projects::router())
        .merge(equity::router())
        .merge(loans::router())
        .merge(contracts::router())
}

/// Name of an organisation id from a lookup, empty when unknown.
pub fn name_of(names: &HashMap<String, String>, id: &Option<String>) -> String {
    id.as_ref()
        .and_then(|i| names.get(i))
        .cloned()
        .unwrap_or_default()
}

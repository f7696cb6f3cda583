//! /api/v1/transfer: technology transfer and its capital (tag `transfer`):
//! projects and stage gates, grant-to-equity, tiered loans, technology
//! contracts. Handlers validate drafts (shared with the pages) and call the
//! store; the `*_action` functions are what the pages call too.

pub mod contracts;
pub mod equity;
pub mod loans;
pub mod projects;

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(projects::router())
        .merge(equity::router())
        .merge(loans::router())
        .merge(contracts::router())
}

/// One page of a list.
#[derive(Serialize, ToSchema)]
pub struct ListPage<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> ListPage<T> {
    pub fn of<M>(p: kechuang_store::Page<M>, f: impl FnMut(M) -> T) -> Self {
        ListPage {
            total: p.total,
            page: p.page,
            per_page: p.per_page,
            items: p.items.into_iter().map(f).collect(),
        }
    }
}

/// Name of an organisation id from a lookup, empty when unknown.
pub fn name_of(names: &HashMap<String, String>, id: &Option<String>) -> String {
    id.as_ref()
        .and_then(|i| names.get(i))
        .cloned()
        .unwrap_or_default()
}

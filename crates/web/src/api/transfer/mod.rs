//! /api/v1/transfer: technology transfer and its capital (tag `transfer`):
//! projects and stage gates, grant-to-equity and firms' applications for
//! it, tiered loans, technology
//! contracts. The handlers are thin adapters over `crate::service::transfer`,
//! which the pages call too.

pub mod contracts;
pub mod equity;
pub mod equity_applications;
pub mod loans;
pub mod projects;

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(projects::router())
        .merge(equity::router())
        .merge(equity_applications::router())
        .merge(loans::router())
        .merge(contracts::router())
}

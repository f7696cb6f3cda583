//! Party-building pages (强基 · 先锋). Each sub-area registers its own routes.

pub mod accountability;
pub mod claims;
pub mod commitments;
pub mod meetings;
pub mod network;
pub mod programmes;
pub mod races;
pub mod staff;
pub mod threads;
pub mod zones;

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(network::routes())
        .merge(commitments::routes())
        .merge(races::routes())
        .merge(meetings::routes())
        .merge(zones::routes())
        .merge(staff::routes())
        .merge(claims::routes())
        .merge(accountability::routes())
        .merge(threads::routes())
        .merge(programmes::routes())
}

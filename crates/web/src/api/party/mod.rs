//! /api/v1/party: the party-building network and accountability (tag `party`).
//! Each sub-area has its own router; its handlers are thin adapters over `service::party`,
//! which the pages call too.

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

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(network::router())
        .merge(commitments::router())
        .merge(races::router())
        .merge(meetings::router())
        .merge(zones::router())
        .merge(staff::router())
        .merge(claims::router())
        .merge(accountability::router())
        .merge(threads::router())
        .merge(programmes::router())
}

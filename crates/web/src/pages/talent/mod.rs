//! Talent services in the browser (人才服务). A talent's own pages — its
//! services and requests, in Chinese or English (mine.rs) — and the staff's
//! register, catalogue and request list (staff.rs). Thin adapters over
//! `service::talent`, the same door as the API.

use axum::routing::{get, post};
use axum::Router;

use crate::AppState;

mod mine;
mod staff;

pub const MINE: &str = "/talent";
pub const TALENTS: &str = "/talent/talents";
pub const CATALOGUE: &str = "/talent/catalogue";
pub const REQUESTS: &str = "/talent/requests";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(MINE, get(mine::home).post(mine::submit))
        .route("/talent/lang", post(mine::set_lang))
        .route("/talent/requests/{id}", get(mine::request))
        .route("/talent/requests/{id}/rate", post(mine::rate))
        .route(REQUESTS, get(staff::requests).post(staff::submit_for))
        .route(TALENTS, get(staff::talents).post(staff::create_talent))
        .route("/talent/talents/{id}", get(staff::talent))
        .route(CATALOGUE, get(staff::catalogue).post(staff::create_service))
        .route("/talent/tiers", post(staff::create_tier))
}

fn crumbs(last: &str) -> Vec<(&str, &str)> {
    vec![("人才服务", REQUESTS), (last, "")]
}

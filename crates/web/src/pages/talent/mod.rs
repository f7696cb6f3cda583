//! Talent services in the browser (人才服务). A talent's own pages — its
//! services and requests, in Chinese or English (mine.rs) — and the staff's
//! register, catalogue and request list (staff.rs). Thin adapters over
//! `service::talent`, the same door as the API.

use axum::routing::{get, post};
use axum::Router;

use axum::http::{header, HeaderMap};
use kechuang_store::Principal;

use crate::error::ApiResult;
use crate::i18n::Lang;
use crate::AppState;

mod mine;
mod staff;

pub const MINE: &str = "/talent";
pub const TALENTS: &str = "/talent/talents";
pub const CATALOGUE: &str = "/talent/catalogue";
pub const REQUESTS: &str = "/talent/requests";
pub const FIGURES: &str = "/talent/figures";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(MINE, get(mine::home).post(mine::submit))
        .route("/talent/lang", post(mine::set_lang))
        .route("/talent/requests/{id}", get(mine::request))
        .route("/talent/requests/{id}/rate", post(mine::rate))
        .route("/talent/requests/{id}/attachments", post(mine::attach))
        .route(REQUESTS, get(staff::requests).post(staff::submit_for))
        .route(TALENTS, get(staff::talents).post(staff::create_talent))
        .route("/talent/talents/import", post(staff::import_talents))
        .route("/talent/talents/{id}", get(staff::talent))
        .route(
            "/talent/talents/{id}/edit",
            get(staff::talent_form).post(staff::update_talent),
        )
        .route(CATALOGUE, get(staff::catalogue).post(staff::create_service))
        .route(
            "/talent/catalogue/{id}/edit",
            get(staff::service_form).post(staff::update_service),
        )
        .route("/talent/tiers", post(staff::create_tier))
        .route(
            "/talent/tiers/{id}/edit",
            get(staff::tier_form).post(staff::update_tier),
        )
        .route(FIGURES, get(staff::figures))
}

fn crumbs(last: &str) -> Vec<(&str, &str)> {
    vec![("人才服务", REQUESTS), (last, "")]
}

/// The language of the reader's pages: a talent's choice (kept on its
/// record), else its browser's; staff, and a talent account not linked
/// yet, read Chinese.
pub async fn talent_lang(st: &AppState, p: &Principal, h: &HeaderMap) -> ApiResult<Lang> {
    if !crate::service::talent::as_talent(p) {
        return Ok(Lang::Zh);
    }
    let chosen = kechuang_store::talent::talents::by_user(&st.db, &p.user_id)
        .await?
        .map(|t| t.lang)
        .unwrap_or_default();
    Ok(Lang::of(
        &chosen,
        h.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()),
    ))
}

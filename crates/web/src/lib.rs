//! HTTP layer of Kechuang: pages, JSON API (+ OpenAPI), auth, ops, assets.

use kechuang_domain::ErrorCode;
pub mod api;
pub mod assets;
pub mod auth;
pub mod charts;
pub mod error;
pub mod excel;
pub mod extract;
pub mod files;
pub mod format;
pub mod forms;
pub mod i18n;
pub mod ical;
pub mod input;
pub mod open311;
pub mod ops;
pub mod pages;
pub mod service;
pub mod state;

use std::time::Duration;

use askama::Template;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{middleware, Json, Router};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use state::AppState;

#[derive(Template)]
#[template(path = "api_docs.html")]
struct ApiDocsPage {
    v: String,
}

async fn api_docs(State(s): State<AppState>) -> Response {
    match (ApiDocsPage {
        v: s.asset_v.to_string(),
    })
    .render()
    {
        Ok(h) => Html(h).into_response(),
        Err(e) => error::ApiError::internal(e).into_response(),
    }
}

/// Every documented route, the JSON API and Open311, with the finished
/// OpenAPI document.
fn documented() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (routes, mut doc) = api::router().merge(open311::router()).split_for_parts();
    api::add_error_responses(&mut doc);
    (routes, doc)
}

/// The OpenAPI document of the JSON API and Open311.
pub fn openapi() -> utoipa::openapi::OpenApi {
    documented().1
}

async fn not_found(
    State(s): State<AppState>,
    caller: axum::Extension<auth::Caller>,
    uri: axum::http::Uri,
) -> Response {
    let e = error::ApiError::new(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "没有这个页面或接口，请检查地址",
    );
    if error::is_machine_path(uri.path()) {
        return e.into_response();
    }
    pages::error_page(&s, caller.0 .0.as_ref(), e)
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let (api, doc) = documented();
    let doc = std::sync::Arc::new(doc);
    let pages = Router::new()
        .merge(pages::home::routes())
        .merge(pages::account::routes())
        .merge(pages::orgs::routes())
        .merge(pages::departments::routes())
        .merge(pages::dictionary::routes())
        .merge(pages::chains::routes())
        .merge(pages::messages::routes())
        .merge(pages::cases::routes())
        .merge(pages::party::routes())
        .merge(pages::transfer::routes())
        .merge(pages::firm::routes())
        .merge(pages::alliances::routes())
        .merge(pages::policies::routes())
        .merge(pages::calendar::routes())
        .merge(pages::events::routes())
        .merge(pages::matching::routes())
        .merge(pages::talent::routes())
        .merge(pages::cockpit::routes())
        .merge(pages::admin::routes())
        // Every page route, and nothing else: a page handler's error becomes
        // the error page with the caller's navigation (the API answers JSON).
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            pages::error::render_errors,
        ))
        .route("/api/docs", get(api_docs))
        .route(
            "/api/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { Json(doc.as_ref().clone()) }
            }),
        )
        .route("/static/{*path}", get(assets::serve));
    Router::new()
        .merge(pages)
        .merge(api)
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), input::check))
        .layer(middleware::from_fn_with_state(state.clone(), auth::resolve))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route_layer(middleware::from_fn_with_state(state.clone(), ops::track))
        .layer(DefaultBodyLimit::max(input::BODY_LIMIT))
        .layer(middleware::from_fn(ops::security_headers))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

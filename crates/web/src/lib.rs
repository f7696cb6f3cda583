//! HTTP layer of Kechuang: pages, JSON API (+ OpenAPI), auth, ops, assets.

pub mod api;
pub mod assets;
pub mod auth;
pub mod error;
pub mod excel;
pub mod extract;
pub mod format;
pub mod forms;
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
use axum::routing::{get, post};
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
        "not_found",
        "没有这个页面或接口，请检查地址",
    );
    if input::is_machine_path(uri.path()) {
        return e.into_response();
    }
    pages::error_page(&s, caller.0 .0.as_ref(), e)
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let (api, doc) = documented();
    let doc = std::sync::Arc::new(doc);
    let pages = Router::new()
        .route("/", get(pages::home::home))
        .route(
            "/login",
            get(pages::account::login_form).post(pages::account::login),
        )
        .route("/logout", post(pages::account::logout))
        .route(
            "/account/password",
            get(pages::account::password_form).post(pages::account::change_password),
        )
        .route(
            "/account/tokens",
            get(pages::account::tokens).post(pages::account::create_token),
        )
        .route(
            "/account/tokens/{id}/revoke",
            post(pages::account::revoke_token),
        )
        .route("/orgs", get(pages::orgs::list))
        .route("/orgs/export.xlsx", get(pages::orgs::export))
        .route(
            "/orgs/new",
            get(pages::orgs::new_form).post(pages::orgs::create),
        )
        .route(
            "/orgs/import",
            get(pages::orgs::import_form).post(pages::orgs::import),
        )
        .route("/orgs/{id}", get(pages::orgs::detail))
        .route(
            "/orgs/{id}/edit",
            get(pages::orgs::edit_form).post(pages::orgs::update),
        )
        .route("/orgs/{id}/delete", post(pages::orgs::delete))
        .route(
            "/departments",
            get(pages::departments::list).post(pages::departments::create),
        )
        .route("/departments/export.xlsx", get(pages::departments::export))
        .route(
            "/departments/{id}/edit",
            get(pages::departments::edit_form).post(pages::departments::update),
        )
        .route("/departments/{id}/delete", post(pages::departments::delete))
        .route(
            "/chains",
            get(pages::chains::list).post(pages::chains::create),
        )
        .route("/chains/{id}", get(pages::chains::detail))
        .route("/chains/{id}/nodes", post(pages::chains::add_node))
        .route("/chains/{id}/members", post(pages::chains::set_member))
        .route("/chains/{id}/outputs", post(pages::chains::set_output))
        .route("/chains/{id}/export.xlsx", get(pages::chains::export))
        .route("/messages", get(pages::messages::list))
        .route("/messages/unread-count", get(pages::messages::unread_badge))
        .route("/messages/read-all", post(pages::messages::read_all))
        .route("/messages/{id}/open", post(pages::messages::open))
        .route("/cases", get(pages::cases::list))
        .route("/cases/export.xlsx", get(pages::cases::export))
        .route(
            "/cases/new",
            get(pages::cases::new_form).post(pages::cases::create),
        )
        .route("/cases/workbench", get(pages::cases::workbench))
        .route("/cases/board", get(pages::cases::board))
        .route(
            "/cases/board/interviews",
            post(pages::cases::create_interview),
        )
        .route(
            "/cases/board/interviews.xlsx",
            get(pages::cases::interviews_export),
        )
        .route("/cases/statistics", get(pages::cases::statistics))
        .route(
            "/cases/statistics.xlsx",
            get(pages::cases::statistics_export),
        )
        .route(
            "/cases/categories",
            get(pages::cases::categories).post(pages::cases::create_category),
        )
        .route(
            "/cases/categories/{id}",
            post(pages::cases::update_category),
        )
        .route("/cases/{id}", get(pages::cases::detail))
        .route("/cases/{id}/act/{command}", post(pages::cases::act))
        .route("/cases/{id}/attachments", post(pages::cases::upload))
        .merge(pages::party::routes())
        .route("/transfer", get(pages::transfer::overview))
        .route(
            "/transfer/projects",
            get(pages::transfer::projects::list).post(pages::transfer::projects::create),
        )
        .route(
            "/transfer/projects/export.xlsx",
            get(pages::transfer::projects::export),
        )
        .route(
            "/transfer/projects/{id}",
            get(pages::transfer::projects::detail),
        )
        .route(
            "/transfer/projects/{id}/act/{action}",
            post(pages::transfer::projects::act),
        )
        .route("/transfer/grant-equity", get(pages::transfer::equity::list))
        .route(
            "/transfer/grant-equity/export.xlsx",
            get(pages::transfer::equity::export),
        )
        .route(
            "/transfer/grant-equity/act/{action}",
            post(pages::transfer::equity::create),
        )
        .route(
            "/transfer/grant-equity/{id}",
            get(pages::transfer::equity::detail),
        )
        .route(
            "/transfer/grant-equity/{id}/act/{action}",
            post(pages::transfer::equity::act),
        )
        .route("/transfer/loans", get(pages::transfer::loans::list))
        .route(
            "/transfer/loans/export.xlsx",
            get(pages::transfer::loans::export),
        )
        .route(
            "/transfer/loans/act/{action}",
            post(pages::transfer::loans::create),
        )
        .route("/transfer/loans/{id}", get(pages::transfer::loans::detail))
        .route(
            "/transfer/loans/{id}/act/{action}",
            post(pages::transfer::loans::act),
        )
        .route(
            "/transfer/contracts",
            get(pages::transfer::contracts::list).post(pages::transfer::contracts::create),
        )
        .route(
            "/transfer/contracts/export.xlsx",
            get(pages::transfer::contracts::export),
        )
        .route(
            "/transfer/contracts/import",
            post(pages::transfer::contracts::import),
        )
        .route(
            "/calendar",
            get(pages::calendar::page).post(pages::calendar::set_day),
        )
        .route("/calendar/{date}/delete", post(pages::calendar::delete_day))
        .route(
            "/admin/users",
            get(pages::admin::users).post(pages::admin::create_user),
        )
        .route(
            "/admin/users/{id}/edit",
            get(pages::admin::edit_user_form).post(pages::admin::update_user),
        )
        .route(
            "/admin/users/{id}/password",
            post(pages::admin::reset_password),
        )
        .route(
            "/admin/webhooks",
            get(pages::admin::webhooks).post(pages::admin::create_webhook),
        )
        .route(
            "/admin/webhooks/{id}/toggle",
            post(pages::admin::toggle_webhook),
        )
        .route("/admin/audit", get(pages::admin::audit))
        .route("/admin/audit/export.xlsx", get(pages::admin::audit_export))
        .route(
            "/admin/webhooks/deliveries.xlsx",
            get(pages::admin::deliveries_export),
        )
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

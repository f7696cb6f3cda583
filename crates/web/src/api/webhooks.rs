//! /api/v1/webhooks: robot webhooks (WeCom, DingTalk, Feishu) and their deliveries
//! (adapters over `service::webhooks`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{ApiJson, ApiPath};
use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::service::webhooks::{self as service, DeliveryView, WebhookDraft, WebhookView};
use crate::AppState;

/// 群机器人列表（仅管理员）
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "admin",
    responses((status = 200, body = [WebhookView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_webhooks(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<WebhookView>>> {
    Ok(Json(service::list(&s, &p).await?))
}

/// 新增群机器人（企业微信 / 钉钉 / 飞书 Webhook）
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "admin", request_body = WebhookDraft,
    responses((status = 201, body = WebhookView), (status = 403, body = ErrorBody), (status = 422, description = "invalid_kind / invalid_url / invalid_name", body = ErrorBody)))]
pub async fn create_webhook(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<WebhookDraft>,
) -> ApiResult<(StatusCode, Json<WebhookView>)> {
    Ok((StatusCode::CREATED, Json(service::create(&s, &p, d).await?)))
}

#[derive(Deserialize, ToSchema)]
pub struct WebhookUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub webhook: WebhookDraft,
}

/// 修改或停用群机器人
#[utoipa::path(put, path = "/api/v1/webhooks/{id}", tag = "admin", params(("id" = String, Path)), request_body = WebhookUpdate,
    responses((status = 200, body = WebhookView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_webhook(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<WebhookUpdate>,
) -> ApiResult<Json<WebhookView>> {
    Ok(Json(
        service::update(&s, &p, &id, u.version, u.webhook).await?,
    ))
}

/// 最近的推送记录（含失败原因与重试时间）
#[utoipa::path(get, path = "/api/v1/webhooks/deliveries", tag = "admin",
    responses((status = 200, body = [DeliveryView]), (status = 403, body = ErrorBody)))]
pub async fn deliveries(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<DeliveryView>>> {
    Ok(Json(service::recent_deliveries(&s, &p).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(deliveries))
        .routes(routes!(update_webhook))
}

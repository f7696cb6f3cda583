//! /api/v1/webhooks: robot webhooks (WeCom, DingTalk, Feishu) and their deliveries.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use kechuang_domain::auth::Permission;
use kechuang_store::entities::{outbox as outbox_row, webhook};
use kechuang_store::outbox::{self, WebhookInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{ApiJson, ApiPath};
use crate::auth::{require, ApiUser};
use crate::error::{ApiResult, ErrorBody};
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct WebhookView {
    pub id: String,
    pub name: String,
    /// wecom（企业微信）、dingtalk（钉钉）、feishu（飞书）
    pub kind: String,
    pub url: String,
    /// 只推送该部门的消息；为空时推送全部
    pub department_id: Option<String>,
    pub active: bool,
    pub version: i32,
}

impl From<webhook::Model> for WebhookView {
    fn from(w: webhook::Model) -> Self {
        WebhookView {
            id: w.id,
            name: w.name,
            kind: w.kind,
            url: w.url,
            department_id: w.department_id,
            active: w.active,
            version: w.version,
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct WebhookDraft {
    pub name: String,
    pub kind: String,
    pub url: String,
    pub department_id: Option<String>,
    pub active: Option<bool>,
}

impl WebhookDraft {
    pub fn input(self) -> WebhookInput {
        WebhookInput {
            name: self.name.trim().to_string(),
            kind: self.kind.trim().to_string(),
            url: self.url.trim().to_string(),
            department_id: self.department_id.filter(|d| !d.trim().is_empty()),
            active: self.active.unwrap_or(true),
        }
    }
}

/// 群机器人列表（仅管理员）
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "admin",
    responses((status = 200, body = [WebhookView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_webhooks(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<WebhookView>>> {
    require(&p, Permission::CasesAdmin)?;
    Ok(Json(
        outbox::webhooks(&s.db)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// 新增群机器人（企业微信 / 钉钉 / 飞书 Webhook）
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "admin", request_body = WebhookDraft,
    responses((status = 201, body = WebhookView), (status = 403, body = ErrorBody), (status = 422, description = "invalid_kind / invalid_url / invalid_name", body = ErrorBody)))]
pub async fn create_webhook(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<WebhookDraft>,
) -> ApiResult<(StatusCode, Json<WebhookView>)> {
    require(&p, Permission::CasesAdmin)?;
    Ok((
        StatusCode::CREATED,
        Json(
            outbox::create_webhook(&s.db, &p.username, d.input())
                .await?
                .into(),
        ),
    ))
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
    require(&p, Permission::CasesAdmin)?;
    Ok(Json(
        outbox::update_webhook(&s.db, &p.username, &id, u.version, u.webhook.input())
            .await?
            .into(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: String,
    pub webhook_id: String,
    pub title: String,
    /// pending（待发送/重试中）、sent（已送达）、failed（多次失败已放弃）
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl From<outbox_row::Model> for DeliveryView {
    fn from(m: outbox_row::Model) -> Self {
        DeliveryView {
            id: m.id,
            webhook_id: m.webhook_id,
            title: m.title,
            status: m.status,
            attempts: m.attempts,
            next_attempt_at: m.next_attempt_at,
            last_error: m.last_error,
            created_at: m.created_at,
            sent_at: m.sent_at,
        }
    }
}

/// 最近的推送记录（含失败原因与重试时间）
#[utoipa::path(get, path = "/api/v1/webhooks/deliveries", tag = "admin",
    responses((status = 200, body = [DeliveryView]), (status = 403, body = ErrorBody)))]
pub async fn deliveries(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<DeliveryView>>> {
    require(&p, Permission::CasesAdmin)?;
    Ok(Json(
        outbox::recent(&s.db, 100)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(deliveries))
        .routes(routes!(update_webhook))
}

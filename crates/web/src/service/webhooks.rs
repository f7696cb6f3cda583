//! Robot webhooks (WeCom, DingTalk, Feishu) and their deliveries: the views,
//! the draft, the rules of adding, changing and switching a robot, and the
//! Excel export of deliveries. The JSON API (`api::webhooks`) and the
//! administration pages (`pages::admin`) both call it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kechuang_domain::auth::Permission;
use kechuang_store::entities::{outbox as outbox_row, webhook};
use kechuang_store::outbox::{self, WebhookInput};
use kechuang_store::Principal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::excel::{self, Cell};
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

/// Every robot (administrators only).
pub async fn list(s: &AppState, p: &Principal) -> ApiResult<Vec<WebhookView>> {
    require(p, Permission::CasesAdmin)?;
    Ok(outbox::webhooks(&s.db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Add a robot.
pub async fn create(s: &AppState, p: &Principal, d: WebhookDraft) -> ApiResult<WebhookView> {
    require(p, Permission::CasesAdmin)?;
    Ok(outbox::create_webhook(&s.db, &p.username, d.input())
        .await?
        .into())
}

/// Change or switch off a robot, at the version that was read.
pub async fn update(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: WebhookDraft,
) -> ApiResult<WebhookView> {
    require(p, Permission::CasesAdmin)?;
    Ok(
        outbox::update_webhook(&s.db, &p.username, id, version, d.input())
            .await?
            .into(),
    )
}

/// Switch a robot on or off, at the version that was read.
pub async fn toggle(s: &AppState, p: &Principal, id: &str, version: i32) -> ApiResult<WebhookView> {
    require(p, Permission::CasesAdmin)?;
    let h = outbox::webhooks(&s.db)
        .await?
        .into_iter()
        .find(|h| h.id == id)
        .ok_or_else(ApiError::not_found)?;
    let input = WebhookInput {
        name: h.name,
        kind: h.kind,
        url: h.url,
        department_id: h.department_id,
        active: !h.active,
    };
    Ok(
        outbox::update_webhook(&s.db, &p.username, id, version, input)
            .await?
            .into(),
    )
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

/// The latest deliveries (at most 100).
pub async fn recent_deliveries(s: &AppState, p: &Principal) -> ApiResult<Vec<DeliveryView>> {
    require(p, Permission::CasesAdmin)?;
    Ok(outbox::recent(&s.db, 100)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Delivery states and their Chinese labels.
pub const DELIVERY_STATUSES: [(&str, &str); 3] = [
    ("pending", "待发送/重试中"),
    ("sent", "已送达"),
    ("failed", "已放弃"),
];

/// The Chinese label of a delivery state.
pub fn delivery_label(status: &str) -> &'static str {
    DELIVERY_STATUSES
        .iter()
        .find(|(c, _)| *c == status)
        .map(|(_, l)| *l)
        .unwrap_or("待发送/重试中")
}

/// The deliveries of one robot and/or in one state as an .xlsx workbook.
pub async fn deliveries_export_bytes(
    s: &AppState,
    p: &Principal,
    webhook_id: Option<&str>,
    status: Option<&str>,
) -> ApiResult<Vec<u8>> {
    require(p, Permission::CasesAdmin)?;
    let names: HashMap<String, String> = outbox::webhooks(&s.db)
        .await?
        .into_iter()
        .map(|h| (h.id, h.name))
        .collect();
    let list = outbox::deliveries(&s.db, webhook_id, status, excel::MAX_EXPORT_ROWS).await?;
    let rows = list.into_iter().map(|d| {
        vec![
            Cell::DateTime(d.created_at),
            Cell::from(names.get(&d.webhook_id).cloned()),
            Cell::Text(d.title),
            Cell::Text(delivery_label(&d.status).into()),
            Cell::Number(d.attempts as f64),
            Cell::from(d.sent_at),
            Cell::from(d.last_error),
        ]
    });
    excel::workbook(
        "推送记录",
        &[
            "时间",
            "机器人",
            "消息",
            "状态",
            "尝试次数",
            "送达时间",
            "最近错误",
        ],
        rows,
    )
}

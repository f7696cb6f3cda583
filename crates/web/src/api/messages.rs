//! In-app messages (站内消息): the caller's own messages and their
//! department's, newest first, with read / unread state.
//!
//! A department's message is shared by the department: its read state is
//! kept once per message (`notifications.read_at`), so when one clerk reads
//! it, it is read for every member of the department.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use kechuang_store::entities::notification;
use kechuang_store::{cases, PageReq, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{non_empty, opt_bool, ApiPath, ApiQuery, ListPage};
use crate::api::Paging;
use crate::auth::ApiUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct MessageView {
    pub id: String,
    pub title: String,
    pub body: String,
    /// 站内链接（如 /cases/{id}），可为空
    pub link: String,
    /// 发给本人（user）还是本部门（department）
    pub addressed_to: String,
    pub created_at: DateTime<Utc>,
    /// 已读时间；未读为空
    pub read_at: Option<DateTime<Utc>>,
    pub read: bool,
}

impl From<notification::Model> for MessageView {
    fn from(m: notification::Model) -> Self {
        MessageView {
            addressed_to: if m.user_id.is_some() {
                "user".into()
            } else {
                "department".into()
            },
            read: m.read_at.is_some(),
            id: m.id,
            title: m.title,
            body: m.body,
            link: m.link,
            created_at: m.created_at,
            read_at: m.read_at,
        }
    }
}

/// Filters of the message list. Numbers are text so that a form's empty
/// field means "not given".
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct MessageQuery {
    /// true：只看未读
    pub unread: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<String>,
    #[param(ignore)]
    pub per_page: Option<String>,
}

fn number(name: &str, v: &Option<String>) -> ApiResult<Option<u64>> {
    match non_empty(v) {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| ApiError::bad_request("invalid_query", format!("参数 {name} 应为正整数"))),
    }
}

/// One page of the caller's messages (shared by the page and the API).
pub async fn page(
    s: &AppState,
    p: &Principal,
    q: &MessageQuery,
) -> ApiResult<kechuang_store::Page<notification::Model>> {
    let unread = opt_bool("unread", &q.unread)?.unwrap_or(false);
    let req = PageReq::new(number("page", &q.page)?, number("per_page", &q.per_page)?)?;
    Ok(cases::messages(&s.db, &p.user_id, p.department_id.as_deref(), unread, req).await?)
}

/// 我的站内消息（本人及本部门），新的在前
#[utoipa::path(get, path = "/api/v1/messages", tag = "cases", params(MessageQuery, Paging),
    responses((status = 200, body = ListPage<MessageView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list_messages(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<MessageQuery>,
) -> ApiResult<Json<ListPage<MessageView>>> {
    let pg = page(&s, &p, &q).await?;
    Ok(Json(ListPage::of(pg, MessageView::from)))
}

/// 标为已读（只能标记发给本人或本部门的消息，其他返回404）。部门消息由部门共享，一人已读即全部门已读
#[utoipa::path(post, path = "/api/v1/messages/{id}/read", tag = "cases", params(("id" = String, Path)),
    responses((status = 200, body = MessageView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn read_message(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<MessageView>> {
    let m = cases::mark_read(&s.db, &p.user_id, p.department_id.as_deref(), &id).await?;
    Ok(Json(m.into()))
}

#[derive(Serialize, ToSchema)]
pub struct ReadAllView {
    /// 本次标为已读的条数
    pub marked: u64,
}

/// 全部标为已读（本人及本部门的未读消息）
#[utoipa::path(post, path = "/api/v1/messages/read-all", tag = "cases",
    responses((status = 200, body = ReadAllView), (status = 401, body = ErrorBody)))]
pub async fn read_all_messages(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<ReadAllView>> {
    let marked = cases::mark_all_read(&s.db, &p.user_id, p.department_id.as_deref()).await?;
    Ok(Json(ReadAllView { marked }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_messages))
        .routes(routes!(read_all_messages))
        .routes(routes!(read_message))
}

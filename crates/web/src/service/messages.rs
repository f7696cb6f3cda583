//! In-app messages (站内消息): the caller's own messages and their
//! department's, newest first, with read / unread state. The JSON API
//! (`api::messages`) and the pages (`pages::messages`) both call it.
//!
//! A department's message is shared by the department: its read state is
//! kept once per message (`notifications.read_at`), so when one clerk reads
//! it, it is read for every member of the department.

use chrono::{DateTime, Utc};
use kechuang_domain::ErrorCode;
use kechuang_store::entities::notification;
use kechuang_store::{cases, PageReq, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiResult};
use crate::extract::{non_empty, opt_bool};
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
        Some(s) => s.parse().map(Some).map_err(|_| {
            ApiError::bad_request(ErrorCode::InvalidQuery, format!("参数 {name} 应为正整数"))
        }),
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

#[derive(Serialize, ToSchema)]
pub struct ReadAllView {
    /// 本次标为已读的条数
    pub marked: u64,
}

/// Mark one of the caller's (or their department's) messages read; 404 for
/// anyone else's.
pub async fn mark_read(s: &AppState, p: &Principal, id: &str) -> ApiResult<MessageView> {
    let m = cases::mark_read(&s.db, &p.user_id, p.department_id.as_deref(), id).await?;
    Ok(m.into())
}

/// Messages marked read at once (批量标为已读) at most.
pub const BATCH_LIMIT: usize = 200;

/// Mark the chosen messages read (批量标为已读), each as opening it would;
/// any that is not the caller's or their department's is a 404 (none of
/// the others is lost: marking read again changes nothing). How many.
pub async fn mark_read_many(s: &AppState, p: &Principal, ids: &[String]) -> ApiResult<usize> {
    if ids.len() > BATCH_LIMIT {
        return Err(ApiError::bad_request(
            ErrorCode::InvalidForm,
            format!("一次最多标记{BATCH_LIMIT}条"),
        ));
    }
    for id in ids {
        mark_read(s, p, id).await?;
    }
    Ok(ids.len())
}

/// Mark all of the caller's and their department's messages read; how many were.
pub async fn mark_all_read(s: &AppState, p: &Principal) -> ApiResult<u64> {
    Ok(cases::mark_all_read(&s.db, &p.user_id, p.department_id.as_deref()).await?)
}

/// Mark read the caller's (and their department's) messages about a case:
/// opening or acting on the case deals with them. Returns how many.
pub async fn mark_case_read(s: &AppState, p: &Principal, case_id: &str) -> ApiResult<u64> {
    Ok(cases::mark_read_linking(
        &s.db,
        &p.user_id,
        p.department_id.as_deref(),
        &format!("/cases/{case_id}"),
    )
    .await?)
}

/// How many of the caller's and their department's messages are unread.
pub async fn unread_count(s: &AppState, p: &Principal) -> ApiResult<u64> {
    Ok(cases::unread_count(&s.db, &p.user_id, p.department_id.as_deref()).await?)
}

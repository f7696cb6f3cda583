//! 站内消息: the signed-in user's own and their department's messages,
//! newest first, paged, with an unread filter; opening one marks it read.
//! Read state is kept per message, so a department's message read by one
//! clerk is read for the department (see `service::messages`).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::{is_htmx, query_string, render, PageCtx, PageResult, Pager};
use crate::auth::PageUser;
use crate::service::messages::{self as service, MessageQuery};
use crate::AppState;
use axum::routing::{get, post};
use axum::Router;

pub struct MessageRow {
    pub id: String,
    pub title: String,
    pub body: String,
    pub at: String,
    pub unread: bool,
    pub department: bool,
}

pub struct MessageList {
    pub rows: Vec<MessageRow>,
    pub pager: Pager,
    /// The CSRF token for the open forms (the fragment has no page context).
    pub csrf: String,
    /// In English (a talent who reads English).
    pub en: bool,
}

#[derive(Template)]
#[template(path = "messages/list.html")]
struct ListPage {
    page: PageCtx,
    list: MessageList,
    unread_only: bool,
    unread: u64,
}

#[derive(Template)]
#[template(path = "messages/_table.html")]
struct ListFragment {
    list: MessageList,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListParams {
    unread: Option<String>,
    page: Option<String>,
    flash: Option<String>,
}

pub async fn list(
    State(s): State<AppState>,
    PageUser(p): PageUser,
    headers: HeaderMap,
    Query(lp): Query<ListParams>,
) -> PageResult {
    let unread_only = lp.unread.as_deref() == Some("true");
    let q = MessageQuery {
        unread: unread_only.then(|| "true".to_string()),
        page: lp.page.clone(),
        per_page: None,
    };
    let pg = service::page(&s, &p, &q).await?;
    let unread = service::unread_count(&s, &p).await?;
    let base = format!(
        "/messages?{}",
        query_string(&[("unread", if unread_only { "true" } else { "" })])
    );
    let pager = Pager::new(&pg, &base);
    let lang = crate::pages::talent::talent_lang(&s, &p, &headers).await?;
    let rows = pg
        .items
        .into_iter()
        .map(|m| {
            let (title, body) = crate::i18n::message(lang, &m.title, &m.body);
            MessageRow {
                at: crate::i18n::datetime(lang, m.created_at),
                unread: m.read_at.is_none(),
                department: m.user_id.is_none(),
                id: m.id,
                title,
                body,
            }
        })
        .collect();
    let list = MessageList {
        rows,
        pager,
        csrf: p.csrf.clone(),
        en: lang == crate::i18n::Lang::En,
    };
    if is_htmx(&headers) {
        return Ok(render(&ListFragment { list }));
    }
    let title = lang.pick("站内消息", "Messages");
    let page = PageCtx::new(&s, &p, title, "/messages", &[(title, "")]);
    let page = match lp.flash.as_deref() {
        Some("all_read") => {
            page.flash("success", lang.pick("已全部标为已读", "All marked as read"))
        }
        Some("some_read") => {
            page.flash("success", lang.pick("所选消息已标为已读", "Marked as read"))
        }
        Some("none_chosen") => page.flash(
            "warning",
            lang.pick("请先勾选要标为已读的消息", "Tick the messages first"),
        ),
        other => page.flash_code(other),
    }
    .lang(lang);
    Ok(render(&ListPage {
        page,
        list,
        unread_only,
        unread,
    }))
}

/// Open a message: mark it read, then go to what it is about (a case).
pub async fn open(
    State(s): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
) -> PageResult {
    let m = service::mark_read(&s, &p, &id).await?;
    if m.link.starts_with('/') && !m.link.starts_with("//") {
        Ok(Redirect::to(&m.link).into_response())
    } else {
        Ok(Redirect::to("/messages").into_response())
    }
}

/// POST /messages/read: 批量标为已读 of the ticked messages (`id`, repeated).
pub async fn read_some(
    State(s): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let ids: Vec<String> = pairs
        .into_iter()
        .filter(|(k, _)| k == "id")
        .map(|(_, v)| v)
        .collect();
    if ids.is_empty() {
        return Ok(Redirect::to("/messages?flash=none_chosen").into_response());
    }
    service::mark_read_many(&s, &p, &ids).await?;
    Ok(Redirect::to("/messages?flash=some_read").into_response())
}

pub async fn read_all(State(s): State<AppState>, PageUser(p): PageUser) -> PageResult {
    service::mark_all_read(&s, &p).await?;
    Ok(Redirect::to("/messages?flash=all_read").into_response())
}

/// The unread badge of the navigation, loaded by htmx after the page (one COUNT query).
pub async fn unread_badge(State(s): State<AppState>, PageUser(p): PageUser) -> Response {
    match service::unread_count(&s, &p).await {
        Ok(0) | Err(_) => Html(String::new()).into_response(),
        Ok(n) => Html(format!(
            "<span class=\"badge rounded-pill text-bg-danger ms-auto\" id=\"unread-badge\" title=\"未读消息\">{}</span>",
            if n > 99 { "99+".to_string() } else { n.to_string() }
        ))
        .into_response(),
    }
}

/// The messages pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/messages", get(list))
        .route("/messages/unread-count", get(unread_badge))
        .route("/messages/read-all", post(read_all))
        .route("/messages/read", post(read_some))
        .route("/messages/{id}/open", post(open))
}

//! Threads between party-building assistants and instructors (工作沟通).
//!
//! Pages: /party/threads (the caller's threads, or everyone's for the
//! party-building office, with unread marks, filters, export and a new
//! thread for an assistant or an instructor) and one thread (its posts and
//! an answer box for its two sides; reading marks it read).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use kechuang_domain::auth::Permission;
use kechuang_store::party::staff::StaffRole;
use kechuang_store::Principal;
use serde::Deserialize;

use crate::auth::{require, PageUser};
use crate::error::ApiResult;
use crate::excel;
use crate::pages::actions::{answer, done, draft, org_choices, FlashQuery, FormState};
use crate::pages::{fmt_time, query_string, render, PageCtx, PageResult, Pager};
use crate::service::party::staff::{own_staff, people_choices};
use crate::service::party::threads::{
    self as service, ThreadDetailView, ThreadListQuery, ThreadView,
};
use crate::AppState;

const LIST: &str = "/party/threads";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(LIST, get(list).post(create))
        .route("/party/threads/export.xlsx", get(export))
        .route("/party/threads/{id}", get(detail))
        .route("/party/threads/{id}/act/post", post(reply))
}

#[derive(Template)]
#[template(path = "party/threads.html")]
struct ListPage {
    page: PageCtx,
    rows: Vec<ThreadView>,
    pager: Pager,
    q: ThreadListQuery,
    people: Vec<(String, String)>,
    /// The caller's side ("assistant" / "instructor"), when they can start threads.
    side: String,
    assistants: Vec<(String, String)>,
    instructors: Vec<(String, String)>,
    orgs: Vec<(String, String)>,
    export_href: String,
    /// A new thread about a work log (from the log's 报告指导员 link).
    about: AboutLog,
    fs: FormState,
}

/// `?work_log_id=&org_id=`: the work log (and its firm) a new thread is about.
#[derive(Debug, Default, Deserialize)]
pub struct AboutLog {
    #[serde(default)]
    pub work_log_id: String,
    #[serde(default)]
    pub org_id: String,
}

impl ListPage {
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
    fn time(&self, t: &Option<chrono::DateTime<chrono::Utc>>) -> String {
        t.map(fmt_time).unwrap_or_default()
    }
}

pub async fn list(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<ThreadListQuery>,
    Query(about): Query<AboutLog>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(list_page(&st, &p, q, about, FormState::default(), fl.flash.as_deref()).await?)
}

async fn list_page(
    st: &AppState,
    p: &Principal,
    q: ThreadListQuery,
    about: AboutLog,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    require(p, Permission::PartyRead)?;
    let page = service::list(st, p, &q).await?;
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let query = query_string(&[
        ("q", &o(&q.q)),
        ("staff_id", &o(&q.staff_id)),
        ("org_id", &o(&q.org_id)),
    ]);
    let pager = Pager::new(&page, &format!("{LIST}?{query}"));
    let side = match own_staff(st, p).await? {
        Some(m)
            if p.can(Permission::StaffLog)
                && (m.staff_role == StaffRole::Assistant.as_str()
                    || m.staff_role == StaffRole::Instructor.as_str()) =>
        {
            m.staff_role
        }
        _ => String::new(),
    };
    let (assistants, instructors, orgs) = if side.is_empty() {
        (vec![], vec![], vec![])
    } else {
        (
            people_choices(st, &[StaffRole::Assistant]).await?,
            people_choices(st, &[StaffRole::Instructor]).await?,
            org_choices(st, &["enterprise"]).await?,
        )
    };
    Ok(render(&ListPage {
        page: PageCtx::new(
            st,
            p,
            "工作沟通",
            LIST,
            &[("党建引领", "/party"), ("工作沟通", "")],
        )
        .flash_code(flash),
        rows: page.items,
        pager,
        people: people_choices(st, &[StaffRole::Assistant, StaffRole::Instructor]).await?,
        side,
        assistants,
        instructors,
        orgs,
        export_href: format!("{LIST}/export.xlsx?{query}"),
        q,
        about,
        fs,
    }))
}

pub async fn export(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<ThreadListQuery>,
) -> PageResult {
    let b = service::export_bytes(&st, &p, &q).await?;
    Ok(excel::xlsx_response("工作沟通.xlsx", b))
}

pub async fn create(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result = match draft(&pairs) {
        Ok(d) => service::create(&st, &p, &d).await,
        Err(e) => Err(e),
    };
    answer(
        result.map(|t| done(&format!("{LIST}/{}", t.id), "created")),
        "new",
        pairs,
        |fs| {
            list_page(
                &st,
                &p,
                ThreadListQuery::default(),
                AboutLog::default(),
                fs,
                None,
            )
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "party/threads_detail.html")]
struct DetailPage {
    page: PageCtx,
    d: ThreadDetailView,
    fs: FormState,
}

impl DetailPage {
    fn time(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        fmt_time(*t)
    }
}

pub async fn detail(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(f): Query<FlashQuery>,
) -> PageResult {
    Ok(detail_page(&st, &p, &id, FormState::default(), f.flash.as_deref()).await?)
}

async fn detail_page(
    st: &AppState,
    p: &Principal,
    id: &str,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    let d = service::detail(st, p, id).await?;
    let title = d.thread.thread.subject.clone();
    Ok(render(&DetailPage {
        page: PageCtx::new(
            st,
            p,
            &title,
            LIST,
            &[("党建引领", "/party"), ("工作沟通", LIST), (&title, "")],
        )
        .flash_code(flash),
        d,
        fs,
    }))
}

pub async fn reply(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result = match draft(&pairs) {
        Ok(d) => service::post(&st, &p, &id, &d).await.map(|_| ()),
        Err(e) => Err(e),
    };
    answer(
        result.map(|_| done(&format!("{LIST}/{id}"), "posted")),
        "post",
        pairs,
        |fs| detail_page(&st, &p, &id, fs, None),
    )
    .await
}

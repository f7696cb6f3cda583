//! Threads between a party-building assistant and an instructor (工作沟通):
//! the assistant reports, the instructor answers, each side sees what it has
//! not read. The party-building office reads every thread.

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use kechuang_domain::auth::Permission;
use kechuang_domain::ErrorCode;
use kechuang_store::entities::{service_staff, staff_post};
use kechuang_store::party::staff as staff_store;
use kechuang_store::party::threads::{self as store, ThreadFilter, ThreadRow};
use kechuang_store::{Page, PageReq, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::non_empty;
use super::staff::own_staff;
use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::excel::{self, Cell};
use crate::forms::party::threads::{PostDraft, ThreadDraft};
use crate::AppState;

/// A thread with both sides' names, its enterprise and what the caller has not read.
#[derive(Clone, Serialize, ToSchema)]
pub struct ThreadView {
    #[serde(flatten)]
    pub thread: kechuang_store::entities::staff_thread::Model,
    pub assistant_name: String,
    pub instructor_name: String,
    /// 涉及企业
    pub org_name: String,
    /// 留言数
    pub posts: u64,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_post_at: Option<DateTime<Utc>>,
    /// 对方的未读留言（调用者是沟通一方时）
    pub unread: u64,
}

/// A post with its author.
#[derive(Clone, Serialize, ToSchema)]
pub struct ThreadPostView {
    #[serde(flatten)]
    pub post: staff_post::Model,
    pub author_name: String,
    pub author_role_label: String,
}

#[derive(Serialize, ToSchema)]
pub struct ThreadDetailView {
    pub thread: ThreadView,
    pub posts: Vec<ThreadPostView>,
    /// 调用者可以留言（是沟通一方）
    pub can_post: bool,
}

pub async fn views(s: &AppState, rows: Vec<ThreadRow>) -> ApiResult<Vec<ThreadView>> {
    let people = staff_store::by_ids(
        &s.db,
        rows.iter().flat_map(|r| {
            [
                r.thread.assistant_id.clone(),
                r.thread.instructor_id.clone(),
            ]
        }),
    )
    .await?;
    let orgs = kechuang_store::names::of(
        &s.db,
        "orgs",
        rows.iter().filter_map(|r| r.thread.org_id.clone()),
    )
    .await?;
    let name = |id: &str| people.get(id).map(|p| p.name.clone()).unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|r| ThreadView {
            assistant_name: name(&r.thread.assistant_id),
            instructor_name: name(&r.thread.instructor_id),
            org_name: r
                .thread
                .org_id
                .as_ref()
                .and_then(|o| orgs.get(o))
                .cloned()
                .unwrap_or_default(),
            posts: r.posts,
            last_post_at: r.last_post_at,
            unread: r.unread,
            thread: r.thread,
        })
        .collect())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ThreadListQuery {
    /// 关键词：主题
    pub q: Option<String>,
    /// 沟通一方（服务人员 id）；党建助手、党建指导员默认只看本人的沟通
    pub staff_id: Option<String>,
    /// 涉及企业 id
    pub org_id: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

/// The caller's own staff record when it is a side a thread can have.
async fn own_side(s: &AppState, p: &Principal) -> ApiResult<Option<service_staff::Model>> {
    Ok(own_staff(s, p).await?.filter(|m| {
        m.staff_role == staff_store::StaffRole::Assistant.as_str()
            || m.staff_role == staff_store::StaffRole::Instructor.as_str()
    }))
}

async fn filter_for(
    s: &AppState,
    p: &Principal,
    q: &ThreadListQuery,
) -> ApiResult<(ThreadFilter, Option<String>)> {
    let me = own_side(s, p).await?.map(|m| m.id);
    let staff_id = non_empty(&q.staff_id).or_else(|| {
        // An assistant or instructor sees their own threads unless they ask for someone's.
        me.clone().filter(|_| !p.can(Permission::PartyWrite))
    });
    Ok((
        ThreadFilter {
            q: non_empty(&q.q),
            staff_id,
            org_id: non_empty(&q.org_id),
            ..Default::default()
        },
        me,
    ))
}

pub async fn list(s: &AppState, p: &Principal, q: &ThreadListQuery) -> ApiResult<Page<ThreadView>> {
    require(p, Permission::PartyRead)?;
    let (f, me) = filter_for(s, p, q).await?;
    let page = store::list(&s.db, &f, PageReq::new(q.page, q.per_page)?, me.as_deref()).await?;
    let (total, pg, per) = (page.total, page.page, page.per_page);
    Ok(Page {
        items: views(s, page.items).await?,
        total,
        page: pg,
        per_page: per,
    })
}

/// The threads one person is a side of, latest first (for the person's page).
pub async fn of_staff(s: &AppState, p: &Principal, staff_id: &str) -> ApiResult<Vec<ThreadView>> {
    let me = own_side(s, p).await?.map(|m| m.id);
    let f = ThreadFilter {
        staff_id: Some(staff_id.into()),
        ..Default::default()
    };
    views(s, store::list_all(&s.db, &f, 200, me.as_deref()).await?).await
}

/// A thread with its posts; reading it marks it read for the caller's side.
pub async fn detail(s: &AppState, p: &Principal, id: &str) -> ApiResult<ThreadDetailView> {
    require(p, Permission::PartyRead)?;
    let t = store::get(&s.db, id).await?;
    let me = own_side(s, p).await?.map(|m| m.id);
    let row = store::row(&s.db, t.clone(), me.as_deref()).await?;
    let posts = store::posts(&s.db, id).await?;
    let people = staff_store::by_ids(&s.db, posts.iter().map(|x| x.author_id.clone())).await?;
    let can_post = me
        .as_deref()
        .is_some_and(|m| m == t.assistant_id || m == t.instructor_id);
    if let Some(m) = &me {
        let seen = posts.iter().filter(|x| &x.author_id != m).count();
        store::mark_read(&s.db, &t, m, seen).await?;
    }
    Ok(ThreadDetailView {
        thread: views(s, vec![row]).await?.remove(0),
        posts: posts
            .into_iter()
            .map(|x| {
                let a = people.get(&x.author_id);
                ThreadPostView {
                    author_name: a.map(|a| a.name.clone()).unwrap_or_default(),
                    author_role_label: a
                        .map(|a| staff_store::role_label(&a.staff_role))
                        .unwrap_or_default(),
                    post: x,
                }
            })
            .collect(),
        can_post,
    })
}

/// The caller as a side of threads, or 403 saying why not.
async fn author(s: &AppState, p: &Principal) -> ApiResult<service_staff::Model> {
    require(p, Permission::StaffLog)?;
    own_side(s, p).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::NotInThread,
            "工作沟通在党建助手和党建指导员之间进行；您的账号未关联这两类服务人员档案，请联系党群工作部",
        )
    })
}

pub async fn create(
    s: &AppState,
    p: &Principal,
    d: &ThreadDraft,
) -> ApiResult<kechuang_store::entities::staff_thread::Model> {
    let me = author(s, p).await?;
    let input = d
        .validate(Some((&me.id, &me.staff_role)))
        .map_err(ApiError::from_fields)?;
    Ok(store::create(&s.db, &p.username, &me.id, input).await?)
}

pub async fn post(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &PostDraft,
) -> ApiResult<staff_post::Model> {
    let me = author(s, p).await?;
    let body = d.validate().map_err(ApiError::from_fields)?;
    Ok(store::post(&s.db, &p.username, id, &me.id, body).await?)
}

pub const COLUMNS: [&str; 7] = [
    "主题",
    "党建助手",
    "党建指导员",
    "涉及企业",
    "留言数",
    "发起时间",
    "最近留言",
];

pub async fn export_bytes(s: &AppState, p: &Principal, q: &ThreadListQuery) -> ApiResult<Vec<u8>> {
    require(p, Permission::PartyRead)?;
    let (f, me) = filter_for(s, p, q).await?;
    let rows = views(s, store::list_all(&s.db, &f, 50_000, me.as_deref()).await?).await?;
    excel::workbook(
        "工作沟通",
        &COLUMNS,
        rows.into_iter().map(|v| {
            vec![
                Cell::Text(v.thread.subject),
                Cell::Text(v.assistant_name),
                Cell::Text(v.instructor_name),
                Cell::Text(v.org_name),
                Cell::Number(v.posts as f64),
                Cell::DateTime(v.thread.created_at),
                v.last_post_at.map(Cell::DateTime).unwrap_or(Cell::Empty),
            ]
        }),
    )
}

/// Threads of an officer's assistants with posts in the period (for the officer's report).
#[derive(Serialize, ToSchema)]
pub struct ThreadActivityView {
    pub thread: ThreadView,
    /// 报告期内留言数
    pub posts_in_period: u64,
}

pub const ACTIVITY_COLUMNS: [&str; 6] = [
    "主题",
    "党建助手",
    "党建指导员",
    "涉及企业",
    "报告期内留言",
    "留言总数",
];

pub fn activity_row(a: &ThreadActivityView) -> Vec<Cell> {
    vec![
        Cell::Text(a.thread.thread.subject.clone()),
        Cell::Text(a.thread.assistant_name.clone()),
        Cell::Text(a.thread.instructor_name.clone()),
        Cell::Text(a.thread.org_name.clone()),
        Cell::Number(a.posts_in_period as f64),
        Cell::Number(a.thread.posts as f64),
    ]
}

pub async fn activity(
    s: &AppState,
    assistant_ids: &[String],
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> ApiResult<Vec<ThreadActivityView>> {
    let found = store::activity(&s.db, assistant_ids, from, to).await?;
    let counts: Vec<u64> = found.iter().map(|(_, n)| *n).collect();
    let threads = views(s, found.into_iter().map(|(t, _)| t).collect()).await?;
    Ok(threads
        .into_iter()
        .zip(counts)
        .map(|(thread, posts_in_period)| ThreadActivityView {
            thread,
            posts_in_period,
        })
        .collect())
}

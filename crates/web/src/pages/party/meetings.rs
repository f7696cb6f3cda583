//! Joint and monthly coordination meetings, their decisions as the annual key-item list (年度重点事项) with milestones, and agendas that pick up overdue or at-risk items.
//!
//! Pages: /party/meetings (list, filters, export, new meeting), a meeting
//! (its agenda, the items it decided, the decision form, editing),
//! /party/key-items (the annual list with flags and the filed Excel) and a
//! key item (progress, milestones, completion, editing). Every action form
//! posts to `…/{id}/act/{action}`; a rejected form comes back with its
//! values and the errors beside the fields.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Datelike, NaiveDate};
use kechuang_domain::auth::Permission;
use kechuang_store::party::meetings::{self as store, KeyItemFilter, KeyStatus, MeetingKind, Risk};
use kechuang_store::Principal;

use crate::auth::{require, PageUser};
use crate::error::{ApiError, ApiResult};
use crate::excel;
use crate::pages::actions::{
    answer, done, draft, field, import_answer, with_status, FlashQuery, FormState, ImportPanel,
};
use crate::pages::{
    department_choices, fmt_date, query_string, render, PageCtx, PageResult, Pager,
};
use crate::service::party::key_item_sheets as sheets;
use crate::service::party::meetings::{
    self as service, KeyItemDetailView, KeyItemListQuery, KeyItemView, MeetingDetailView,
    MeetingListQuery, MeetingView,
};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/party/meetings", get(list).post(create))
        .route("/party/meetings/export.xlsx", get(export))
        .route("/party/meetings/{id}", get(detail))
        .route("/party/meetings/{id}/act/{action}", post(act))
        .route("/party/key-items", get(key_items))
        .route("/party/key-items/export.xlsx", get(key_items_export))
        .route("/party/key-items/import", post(key_items_import))
        .route("/party/key-items/{id}", get(key_item))
        .route("/party/key-items/{id}/act/{action}", post(key_item_act))
}

fn today_text() -> String {
    kechuang_store::clock::today().to_string()
}

fn kind_options() -> Vec<(&'static str, &'static str)> {
    MeetingKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.label_zh()))
        .collect()
}

/// Bootstrap badge classes of a risk code.
fn risk_badge(code: &str) -> &'static str {
    match Risk::parse(code) {
        Some(Risk::Overdue) => "text-bg-danger",
        Some(Risk::AtRisk) => "text-bg-warning",
        Some(Risk::Done) => "text-bg-success",
        _ => "text-bg-light border",
    }
}

const MEETINGS: &str = "/party/meetings";

// ---------------------------------------------------------------------------
// Meetings
// ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "party/meetings.html")]
struct MeetingsPage {
    page: PageCtx,
    rows: Vec<MeetingView>,
    pager: Pager,
    q: MeetingListQuery,
    year: String,
    export_href: String,
    kinds: Vec<(&'static str, &'static str)>,
    can_write: bool,
    today: String,
    fs: FormState,
}

impl MeetingsPage {
    fn date(&self, d: &NaiveDate) -> String {
        fmt_date(*d)
    }
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
}

pub async fn list(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<MeetingListQuery>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(list_page(&st, &p, q, FormState::default(), fl.flash.as_deref()).await?)
}

async fn list_page(
    st: &AppState,
    p: &Principal,
    q: MeetingListQuery,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    require(p, Permission::PartyRead)?;
    let page = store::list_meetings(
        &st.db,
        &q.filter()?,
        kechuang_store::PageReq::new(q.page, q.per_page)?,
    )
    .await?;
    let year = q.year.clone().unwrap_or_default();
    let query = query_string(&[
        ("q", q.q.as_deref().unwrap_or("")),
        ("kind", q.kind.as_deref().unwrap_or("")),
        ("year", &year),
    ]);
    let pager = Pager::new(&page, &format!("{MEETINGS}?{query}"));
    Ok(render(&MeetingsPage {
        page: PageCtx::new(
            st,
            p,
            "党建工作会议",
            MEETINGS,
            &[("党建引领", "/party"), ("党建工作会议", "")],
        )
        .flash_code(flash),
        rows: page.map(service::meeting_view).items,
        pager,
        export_href: format!("/party/meetings/export.xlsx?{query}"),
        year,
        q,
        kinds: kind_options(),
        can_write: p.can(Permission::PartyWrite),
        today: today_text(),
        fs,
    }))
}

pub async fn export(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<MeetingListQuery>,
) -> PageResult {
    let b = service::meetings_export_bytes(&st, &p, &q).await?;
    Ok(excel::xlsx_response("会议.xlsx", b))
}

pub async fn create(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result = match draft(&pairs) {
        Ok(d) => service::create_meeting(&st, &p, &d).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(m) => Ok(done(&format!("{MEETINGS}/{}", m.id), "created")),
        Err(e) if e.status.as_u16() == 422 => {
            let status = e.status;
            let fs = FormState::rejected("new", pairs, &e);
            let r = list_page(&st, &p, MeetingListQuery::default(), fs, None).await?;
            Ok(with_status(r, status))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "party/meetings_detail.html")]
struct MeetingPage {
    page: PageCtx,
    d: MeetingDetailView,
    can_write: bool,
    kinds: Vec<(&'static str, &'static str)>,
    departments: Vec<(String, String)>,
    fs: FormState,
}

impl MeetingPage {
    fn date(&self, d: &NaiveDate) -> String {
        fmt_date(*d)
    }
    fn badge(&self, code: &str) -> &'static str {
        risk_badge(code)
    }
    /// The meeting's value of an edit-form field.
    fn current(&self, field: &str) -> String {
        let m = &self.d.meeting.meeting;
        match field {
            "kind" => m.kind.clone(),
            "title" => m.title.clone(),
            "held_on" => m.held_on.to_string(),
            "place" => m.place.clone(),
            "attendees" => m.attendees.clone(),
            "minutes" => m.minutes.clone(),
            _ => String::new(),
        }
    }
    /// Default deadline of a decision: the end of the meeting's year.
    fn default_due(&self) -> String {
        let y = self.d.meeting.meeting.held_on.year();
        format!("{y}-12-31")
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
    require(p, Permission::PartyRead)?;
    let d = service::meeting_detail_view(st, id).await?;
    let title = d.meeting.meeting.title.clone();
    Ok(render(&MeetingPage {
        page: PageCtx::new(
            st,
            p,
            &title,
            MEETINGS,
            &[
                ("党建引领", "/party"),
                ("党建工作会议", MEETINGS),
                (&title, ""),
            ],
        )
        .flash_code(flash),
        d,
        can_write: p.can(Permission::PartyWrite),
        kinds: kind_options(),
        departments: department_choices(st).await?,
        fs,
    }))
}

/// POST /party/meetings/{id}/act/{action}: edit, key_item.
pub async fn act(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path((id, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result: ApiResult<(String, &str)> = async {
        match action.as_str() {
            "edit" => {
                let version = field(&pairs, "version").parse().unwrap_or(0);
                service::update_meeting(&st, &p, &id, version, &draft(&pairs)?)
                    .await
                    .map(|_| (format!("{MEETINGS}/{id}"), "saved"))
            }
            "key_item" => service::create_key_item(&st, &p, Some(&id), &draft(&pairs)?)
                .await
                .map(|r| (format!("/party/key-items/{}", r.item.id), "created")),
            _ => Err(ApiError::not_found()),
        }
    }
    .await;
    match result {
        Ok((to, flash)) => Ok(done(&to, flash)),
        Err(e) if matches!(e.status.as_u16(), 409 | 422) => {
            let status = e.status;
            let fs = FormState::rejected(&action, pairs, &e);
            let r = detail_page(&st, &p, &id, fs, None).await?;
            Ok(with_status(r, status))
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------
// Key items
// ---------------------------------------------------------------------------

/// Counts of the year's list for the summary line.
#[derive(Default)]
struct Summary {
    total: usize,
    done: usize,
    overdue: usize,
    at_risk: usize,
}

#[derive(Template)]
#[template(path = "party/key_items.html")]
struct KeyItemsPage {
    page: PageCtx,
    rows: Vec<KeyItemView>,
    pager: Pager,
    q: KeyItemListQuery,
    /// The year as selected ("all" or a year).
    year: String,
    years: Vec<i32>,
    list_title: String,
    summary: Summary,
    departments: Vec<(String, String)>,
    export_href: String,
    can_write: bool,
    imp: ImportPanel,
}

/// The list's import panel.
const KEY_ITEM_IMPORT: (&str, &str, &str, &str) = (
    "import-key-items",
    "/party/key-items/import",
    "/api/v1/party/key-items/import/template",
    "可直接导入导出的清单（含标题行）。节点安排每行一个“标题（2026年6月30日）”，已完成的写“标题（2026年6月30日，2026年6月28日完成）”；工作进度写“60%”或“60%，说明”；完成情况写“已完成（2026年5月20日）”即记为已完成；责任单位按部门名称或编码；来源会议按会议名称，重名写“名称（会议日期）”。",
);

impl KeyItemsPage {
    fn date(&self, d: &NaiveDate) -> String {
        fmt_date(*d)
    }
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
    fn flag(&self, v: &Option<String>) -> bool {
        matches!(v.as_deref(), Some("true" | "1"))
    }
    fn badge(&self, code: &str) -> &'static str {
        risk_badge(code)
    }
    fn is_year(&self, y: &i32) -> bool {
        self.year == y.to_string()
    }
    fn milestones(&self, v: &KeyItemView) -> String {
        service::milestones_text(&v.milestones)
    }
}

pub async fn key_items(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<KeyItemListQuery>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(key_items_page(
        &st,
        &p,
        q,
        FormState::default(),
        vec![],
        fl.flash.as_deref(),
    )
    .await?)
}

/// POST /party/key-items/import (multipart; the CSRF token rides in the query).
pub async fn key_items_import(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    mp: axum::extract::Multipart,
) -> PageResult {
    let r = async {
        let bytes = excel::upload(mp).await?;
        sheets::import_bytes(&st, &p, &bytes).await
    }
    .await;
    import_answer(r, "/party/key-items?year=all", |fs, problems| {
        key_items_page(&st, &p, KeyItemListQuery::default(), fs, problems, None)
    })
    .await
}

/// The list, with the import panel showing a refused import's bad cells.
async fn key_items_page(
    st: &AppState,
    p: &Principal,
    q: KeyItemListQuery,
    fs: FormState,
    problems: Vec<excel::ImportProblem>,
    flash: Option<&str>,
) -> ApiResult<Response> {
    require(p, Permission::PartyRead)?;
    let imp = ImportPanel::new(KEY_ITEM_IMPORT, &fs, problems);
    let f = q.filter()?;
    let today = kechuang_store::clock::today();
    let page = store::list_key_items(
        &st.db,
        &f,
        today,
        kechuang_store::PageReq::new(q.page, q.per_page)?,
    )
    .await?;
    let year = match f.year {
        Some(y) => y.to_string(),
        None => "all".to_string(),
    };
    let query = query_string(&[
        ("q", q.q.as_deref().unwrap_or("")),
        ("year", &year),
        ("status", q.status.as_deref().unwrap_or("")),
        ("department_id", q.department_id.as_deref().unwrap_or("")),
        ("meeting_id", q.meeting_id.as_deref().unwrap_or("")),
        ("overdue", q.overdue.as_deref().unwrap_or("")),
        ("at_risk", q.at_risk.as_deref().unwrap_or("")),
    ]);
    let pager = Pager::new(&page, &format!("/party/key-items?{query}"));
    let whole = store::list_all_key_items(
        &st.db,
        &KeyItemFilter {
            year: f.year,
            ..Default::default()
        },
        today,
        100_000,
    )
    .await?;
    let summary = Summary {
        total: whole.len(),
        done: whole.iter().filter(|r| r.risk == Risk::Done).count(),
        overdue: whole.iter().filter(|r| r.risk == Risk::Overdue).count(),
        at_risk: whole.iter().filter(|r| r.risk == Risk::AtRisk).count(),
    };
    let list_title = match f.year {
        Some(y) => format!("{y}年度重点事项清单"),
        None => "重点事项清单（全部年度）".into(),
    };
    Ok(render(&KeyItemsPage {
        page: PageCtx::new(
            st,
            p,
            &list_title,
            MEETINGS,
            &[
                ("党建引领", "/party"),
                ("党建工作会议", MEETINGS),
                ("年度重点事项", ""),
            ],
        )
        .flash_code(flash),
        rows: service::key_item_views(st, page.items).await?,
        pager,
        export_href: format!("/party/key-items/export.xlsx?{query}"),
        years: store::key_item_years(&st.db).await?,
        year,
        list_title,
        summary,
        departments: department_choices(st).await?,
        q,
        can_write: p.can(Permission::PartyWrite),
        imp,
    }))
}

pub async fn key_items_export(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<KeyItemListQuery>,
) -> PageResult {
    let name = match q.year() {
        Ok(Some(y)) => format!("{y}年度重点事项清单.xlsx"),
        _ => "重点事项清单.xlsx".into(),
    };
    let b = sheets::export_bytes(&st, &p, &q).await?;
    Ok(excel::xlsx_response(&name, b))
}

#[derive(Template)]
#[template(path = "party/key_items_detail.html")]
struct KeyItemPage {
    page: PageCtx,
    d: KeyItemDetailView,
    can_write: bool,
    departments: Vec<(String, String)>,
    today: String,
    fs: FormState,
}

impl KeyItemPage {
    fn date(&self, d: &NaiveDate) -> String {
        fmt_date(*d)
    }
    fn badge(&self, code: &str) -> &'static str {
        risk_badge(code)
    }
    fn is_open(&self) -> bool {
        self.d.item.item.status == KeyStatus::Open.as_str()
    }
    fn current(&self, field: &str) -> String {
        let i = &self.d.item.item;
        match field {
            "title" => i.title.clone(),
            "owner" => i.owner.clone(),
            "due_on" => i.due_on.to_string(),
            "year" => i.year.to_string(),
            "decision" => i.decision.clone(),
            "department_id" => i.department_id.clone().unwrap_or_default(),
            "progress" => i.progress.to_string(),
            "note" => i.note.clone(),
            _ => String::new(),
        }
    }
    /// The error of the milestone-done form of milestone `id` (empty when none).
    fn ms_err(&self, id: &str) -> String {
        if self.fs.val("milestone_done", "milestone_id", "") == id {
            let e = self.fs.err("milestone_done", "on");
            if e.is_empty() {
                self.fs.err("milestone_done", "_form")
            } else {
                e
            }
        } else {
            String::new()
        }
    }
    fn ms_val(&self, id: &str) -> String {
        if self.fs.val("milestone_done", "milestone_id", "") == id {
            self.fs.val("milestone_done", "on", "")
        } else {
            self.today.clone()
        }
    }
}

pub async fn key_item(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(f): Query<FlashQuery>,
) -> PageResult {
    Ok(key_item_page(&st, &p, &id, FormState::default(), f.flash.as_deref()).await?)
}

async fn key_item_page(
    st: &AppState,
    p: &Principal,
    id: &str,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    require(p, Permission::PartyRead)?;
    let d = service::key_item_detail_view(st, id).await?;
    let title = d.item.item.title.clone();
    Ok(render(&KeyItemPage {
        page: PageCtx::new(
            st,
            p,
            &title,
            MEETINGS,
            &[
                ("党建引领", "/party"),
                ("年度重点事项", "/party/key-items"),
                (&title, ""),
            ],
        )
        .flash_code(flash),
        d,
        can_write: p.can(Permission::PartyWrite),
        departments: department_choices(st).await?,
        today: today_text(),
        fs,
    }))
}

/// POST /party/key-items/{id}/act/{action}: edit, progress, done, milestone, milestone_done.
pub async fn key_item_act(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path((id, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result: ApiResult<&str> = async {
        match action.as_str() {
            "edit" => {
                let version = field(&pairs, "version").parse().unwrap_or(0);
                service::update_key_item(&st, &p, &id, version, &draft(&pairs)?)
                    .await
                    .map(|_| "saved")
            }
            "progress" => service::progress(&st, &p, &id, &draft(&pairs)?)
                .await
                .map(|_| "saved"),
            "done" => service::complete(&st, &p, &id, &draft(&pairs)?)
                .await
                .map(|_| "saved"),
            "milestone" => service::add_milestone(&st, &p, &id, &draft(&pairs)?)
                .await
                .map(|_| "created"),
            "milestone_done" => {
                let mid = field(&pairs, "milestone_id").to_string();
                service::milestone_done(&st, &p, &id, &mid, &draft(&pairs)?)
                    .await
                    .map(|_| "saved")
            }
            _ => Err(ApiError::not_found()),
        }
    }
    .await;
    answer(
        result.map(|flash| done(&format!("/party/key-items/{id}"), flash)),
        &action,
        pairs,
        |fs| key_item_page(&st, &p, &id, fs, None),
    )
    .await
}

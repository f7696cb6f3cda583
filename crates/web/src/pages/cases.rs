//! Case handling pages: list, intake form, detail with the actions each
//! role may take, workbench, statistics with the department race, and the
//! category dictionary with its routing rules and time limits.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::Form;
use chrono::{NaiveDateTime, TimeZone, Utc};
use kechuang_domain::auth::Permission;
use kechuang_domain::cases::{CaseStatus, Channel, SlaState, TaskAction};
use kechuang_domain::ErrorCode;
use kechuang_store::{cases, orgs, PageReq, Principal, Scope};
use serde::Deserialize;

use super::actions::FlashQuery;
use super::actions::{answer, done, field, FormState};
use super::{
    calendar_gap, department_choices, fmt_date, fmt_time, is_htmx, query_string, render,
    render_status, PageCtx, PageResult, Pager,
};
use crate::auth::{require, PageUser};
use crate::error::ApiError;
use crate::excel::{self, Cell};
use crate::forms::{field_error, fields_of, FieldErrors};
use crate::service::cases::{
    acts_for, detail as case_detail, run, views, CaseDetailView, CaseDraft, CaseListQuery,
    CaseView, Command, DispatchBody, MergeBody, NoteBody, RateBody, ReasonBody, ReplyBody,
    StatsView, TaskBody, TaskLimit, VersionBody,
};
use crate::AppState;
use axum::routing::{get, post};
use axum::Router;

type Choices = Vec<(String, String)>;

async fn category_choices(s: &AppState) -> Result<Choices, ApiError> {
    Ok(cases::intake_categories(&s.db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect())
}

async fn chain_choices(s: &AppState) -> Result<Choices, ApiError> {
    Ok(kechuang_store::names::all_ordered(&s.db, "chains").await?)
}

fn status_choices() -> Choices {
    CaseStatus::ALL
        .iter()
        .map(|x| (x.as_str().to_string(), x.label_zh().to_string()))
        .collect()
}

fn channel_choices() -> Choices {
    Channel::ALL
        .iter()
        .filter(|c| !matches!(**c, Channel::Portal | Channel::Talent))
        .map(|x| (x.as_str().to_string(), x.label_zh().to_string()))
        .collect()
}

/// CSS class of a status badge.
pub fn status_class(status: &str) -> &'static str {
    match status {
        "submitted" => "text-bg-warning",
        "dispatched" => "text-bg-primary",
        "suspended" => "text-bg-secondary",
        "replied" => "text-bg-info",
        "closed" => "text-bg-success",
        _ => "text-bg-light border",
    }
}

/// The badge class of a time-limit state (on_track, due_soon, overdue).
fn sla_class(state: &str) -> &'static str {
    match state {
        "overdue" => "text-bg-danger",
        "due_soon" => "text-bg-warning",
        _ => "text-bg-light border",
    }
}

/// A time-limit badge: its words and class ("" when there is none).
fn sla_badge(v: &CaseView) -> (String, String) {
    badge_of(v.sla.as_deref())
}

fn badge_of(state: Option<&str>) -> (String, String) {
    match state.and_then(SlaState::parse) {
        Some(x) => (x.label_zh().into(), sla_class(x.as_str()).into()),
        None => (String::new(), String::new()),
    }
}

/// A warning badge for a task's own due date: only due soon or overdue.
fn task_badge(state: Option<&str>) -> (String, String) {
    match state {
        Some("on_track") | None => (String::new(), String::new()),
        s => badge_of(s),
    }
}

pub struct Row {
    pub v: CaseView,
    pub status_class: String,
    pub sla: (String, String),
    pub received: String,
    pub due: String,
}

fn row(v: CaseView) -> Row {
    Row {
        status_class: status_class(&v.status).into(),
        sla: sla_badge(&v),
        received: fmt_time(v.received_at),
        due: fmt_date(v.due_on),
        v,
    }
}

pub struct CaseList {
    pub rows: Vec<Row>,
    pub pager: Pager,
    pub export_href: String,
}

#[derive(Template)]
#[template(path = "cases/list.html")]
struct ListPage {
    page: PageCtx,
    list: CaseList,
    q: CaseListQuery,
    statuses: Choices,
    categories: Choices,
    departments: Choices,
    slas: Choices,
    /// Filters without a visible control (from statistics links): kept as hidden fields, shown as chips.
    hidden: Vec<(String, String, String)>,
    can_create: bool,
}

#[derive(Template)]
#[template(path = "cases/_table.html")]
struct ListFragment {
    list: CaseList,
}

fn o(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

pub fn list_query_string(q: &CaseListQuery) -> String {
    query_string(&[
        ("q", o(&q.q)),
        ("status", o(&q.status)),
        ("open", o(&q.open)),
        ("category_id", o(&q.category_id)),
        ("org_id", o(&q.org_id)),
        ("department_id", o(&q.department_id)),
        ("lead_department_id", o(&q.lead_department_id)),
        (
            "pending_task_department_id",
            o(&q.pending_task_department_id),
        ),
        ("task_department_id", o(&q.task_department_id)),
        ("task_sla", o(&q.task_sla)),
        ("awaiting_reply", o(&q.awaiting_reply)),
        ("task_force_department_id", o(&q.task_force_department_id)),
        ("chain_id", o(&q.chain_id)),
        ("channel", o(&q.channel)),
        ("satisfaction", o(&q.satisfaction)),
        ("reopened", o(&q.reopened)),
        ("sla", o(&q.sla)),
        ("from", o(&q.from)),
        ("to", o(&q.to)),
        ("month", o(&q.month)),
        ("talent_tier", o(&q.talent_tier)),
        ("talent_international", o(&q.talent_international)),
        ("sort", o(&q.sort)),
    ])
}

async fn build_list(s: &AppState, p: &Principal, q: &CaseListQuery) -> Result<CaseList, ApiError> {
    require(p, Permission::CasesRead)?;
    let filter = q.filter()?;
    let page = cases::list(&s.db, &p.scope, &filter, PageReq::new(q.page, q.per_page)?).await?;
    let base = list_query_string(q);
    let mut pager = Pager::new(&page, &format!("/cases?{base}"));
    pager.at_least = cases::total_is_capped(&filter, page.total);
    Ok(CaseList {
        rows: views(s, p, page.items)
            .await?
            .into_iter()
            .map(row)
            .collect(),
        pager,
        export_href: format!("/cases/export.xlsx?{base}"),
    })
}

pub async fn list(
    State(s): State<AppState>,
    PageUser(p): PageUser,
    headers: HeaderMap,
    Query(q): Query<CaseListQuery>,
    Query(flash): Query<FlashQuery>,
) -> PageResult {
    let hidden = hidden_filters(&q);
    let list = build_list(&s, &p, &q).await?;
    if is_htmx(&headers) {
        return Ok(render(&ListFragment { list }));
    }
    let categories = category_choices(&s).await?;
    let departments = department_choices(&s).await?;
    let mut page = PageCtx::new(&s, &p, "诉求列表", "/cases", &[("诉求列表", "")])
        .calendar_gap(calendar_gap(&s).await?);
    page = match flash.flash.as_deref() {
        Some("none_chosen") => page.flash("warning", "请先勾选要导出的诉求，再点“导出所选”"),
        code => page.flash_code(code),
    };
    Ok(render(&ListPage {
        page,
        list,
        q,
        statuses: status_choices(),
        categories,
        departments,
        hidden,
        slas: [
            ("overdue", "已超期"),
            ("due_soon", "即将到期"),
            ("on_time", "按时办结"),
            ("late", "超期办结"),
        ]
        .iter()
        .map(|(c, l)| (c.to_string(), l.to_string()))
        .collect(),
        can_create: p.can(Permission::CasesCreate),
    }))
}

/// Filters that the list form has no control for, with a readable label.
fn hidden_filters(q: &CaseListQuery) -> Vec<(String, String, String)> {
    let label = |name: &str, v: &str| -> String {
        match (name, v) {
            ("open", "true") => "未办结".into(),
            ("open", _) => "已结束".into(),
            ("reopened", "true") => "重新办理过".into(),
            ("reopened", _) => "未重新办理".into(),
            ("month", m) => format!("受理月份 {m}"),
            ("from", d) => format!("受理起 {d}"),
            ("to", d) => format!("受理止 {d}"),
            ("satisfaction", s) => kechuang_domain::cases::Satisfaction::parse(s)
                .map(|x| x.label_zh().to_string())
                .unwrap_or_default(),
            ("channel", c) => Channel::parse(c)
                .map(|x| x.label_zh().to_string())
                .unwrap_or_default(),
            ("lead_department_id", _) => "指定主办部门".into(),
            ("pending_task_department_id", _) => "本部门待签收".into(),
            ("task_department_id", _) => "指定部门在办任务".into(),
            ("task_sla", "overdue") => "部门任务已超期".into(),
            ("task_sla", _) => "部门任务即将到期".into(),
            ("awaiting_reply", _) => "待答复企业".into(),
            ("task_force_department_id", _) => "指定产业专班".into(),
            ("chain_id", _) => "指定产业链".into(),
            ("org_id", _) => "指定单位".into(),
            ("talent_tier", t) => format!("人才层次 {t}"),
            ("talent_international", "true") => "国际人才".into(),
            ("talent_international", _) => "国内人才".into(),
            _ => name.into(),
        }
    };
    [
        ("open", &q.open),
        ("reopened", &q.reopened),
        ("month", &q.month),
        ("from", &q.from),
        ("to", &q.to),
        ("satisfaction", &q.satisfaction),
        ("channel", &q.channel),
        ("talent_tier", &q.talent_tier),
        ("talent_international", &q.talent_international),
        ("lead_department_id", &q.lead_department_id),
        ("pending_task_department_id", &q.pending_task_department_id),
        ("task_department_id", &q.task_department_id),
        ("task_sla", &q.task_sla),
        ("awaiting_reply", &q.awaiting_reply),
        ("task_force_department_id", &q.task_force_department_id),
        ("chain_id", &q.chain_id),
        ("org_id", &q.org_id),
    ]
    .into_iter()
    .filter_map(|(n, v)| {
        v.as_deref()
            .filter(|x| !x.is_empty())
            .map(|x| (n.to_string(), x.to_string(), label(n, x)))
    })
    .collect()
}

pub async fn export(
    State(s): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<CaseListQuery>,
) -> PageResult {
    let b = crate::service::cases::export_bytes(&s, &p, &q).await?;
    Ok(excel::xlsx_response("诉求清单.xlsx", b))
}

/// 导出所选: the cases ticked on the list (`id`, repeated), through the
/// same export as the filtered list (`ids`).
pub async fn export_selected(
    State(s): State<AppState>,
    PageUser(p): PageUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    let ids: Vec<String> = pairs
        .into_iter()
        .filter(|(k, v)| k == "id" && !v.trim().is_empty())
        .map(|(_, v)| v)
        .collect();
    if ids.is_empty() {
        return Ok(Redirect::to("/cases?flash=none_chosen").into_response());
    }
    let q = CaseListQuery {
        ids: Some(ids.join(",")),
        ..Default::default()
    };
    let b = crate::service::cases::export_bytes(&s, &p, &q).await?;
    Ok(excel::xlsx_response("诉求清单（所选）.xlsx", b))
}

// ------------------------------------------------------------------ intake

#[derive(Template)]
#[template(path = "cases/new.html")]
struct NewPage {
    page: PageCtx,
    d: NewForm,
    errors: FieldErrors,
    categories: Choices,
    chains: Choices,
    orgs: Choices,
    channels: Choices,
    enterprise: bool,
}

impl NewPage {
    fn err(&self, f: &str) -> String {
        field_error(&self.errors, f)
    }
}

/// The intake form as typed (the time is a local Beijing datetime).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewForm {
    title: String,
    description: String,
    category_id: String,
    org_id: String,
    chain_id: String,
    channel: String,
    received_at: String,
    contact_name: String,
    contact_phone: String,
}

async fn new_page(
    s: &AppState,
    p: &Principal,
    status: StatusCode,
    d: NewForm,
    errors: FieldErrors,
) -> PageResult {
    let r = async {
        require(p, Permission::CasesCreate)?;
        let enterprise = matches!(p.scope, Scope::Org(_));
        let orgs = if enterprise {
            vec![]
        } else {
            orgs::list_all(&s.db, &Scope::All, &Default::default(), 5000)
                .await?
                .into_iter()
                .map(|o| (o.id, o.name))
                .collect()
        };
        Ok::<_, ApiError>(NewPage {
            page: PageCtx::new(
                s,
                p,
                "新建诉求",
                "/cases/new",
                &[("诉求列表", "/cases"), ("新建诉求", "")],
            )
            .calendar_gap(calendar_gap(s).await?),
            d,
            errors,
            categories: category_choices(s).await?,
            chains: chain_choices(s).await?,
            orgs,
            channels: channel_choices(),
            enterprise,
        })
    }
    .await;
    let pg = r?;
    Ok(render_status(status, &pg))
}

/// What the new-case form may start from.
#[derive(Deserialize, Default)]
pub struct NewCaseQuery {
    /// A policy (政策) the firm applies for: a 政策兑现 case about it.
    pub policy_id: Option<String>,
}

pub async fn new_form(
    State(s): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<NewCaseQuery>,
) -> PageResult {
    let now = Utc::now()
        .with_timezone(&super::cst())
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let mut d = NewForm {
        received_at: now,
        channel: "visit".into(),
        ..Default::default()
    };
    // An enterprise's form starts with its contact — the signed-in person
    // when the account has a telephone (我的账号), else the firm's
    // registered contact — and its industrial chain.
    if let Scope::Org(Some(own)) = &p.scope {
        let me = kechuang_store::accounts::get_user(&s.db, &p.user_id).await;
        match me {
            // (A display name longer than a contact may be is not offered.)
            Ok(u) if !u.phone.is_empty() && u.display_name.chars().count() <= 50 => {
                d.contact_name = u.display_name;
                d.contact_phone = u.phone;
            }
            _ => {
                if let Ok(o) = orgs::get(&s.db, &p.scope, own).await {
                    d.contact_name = o.contact_name;
                    d.contact_phone = o.contact_phone;
                }
            }
        }
        if let Ok(places) = kechuang_store::chains::places_of_org(&s.db, own).await {
            d.chain_id = places
                .first()
                .map(|(c, _, _)| c.id.clone())
                .unwrap_or_default();
        }
    }
    if let Some(id) = q.policy_id.as_deref().filter(|i| !i.is_empty()) {
        let c = crate::service::policies::case_for(&s, &p, id).await?;
        d.title = c.title;
        d.description = c.description;
        d.category_id = c.category_id.unwrap_or_default();
    }
    new_page(&s, &p, StatusCode::OK, d, vec![]).await
}

/// POST /cases/new: the form, urlencoded or multipart with files chosen
/// while writing (fields `file`). Files are checked before the case is
/// received, and attached to it right after.
pub async fn create(
    State(s): State<AppState>,
    PageUser(p): PageUser,
    req: axum::extract::Request,
) -> PageResult {
    use axum::extract::FromRequest;
    require(&p, Permission::CasesCreate)?;
    let multipart = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let (pairs, uploads) = if multipart {
        let mp = axum::extract::Multipart::from_request(req, &s)
            .await
            .map_err(|e| {
                ApiError::bad_request(kechuang_domain::ErrorCode::InvalidUpload, e.body_text())
            })?;
        crate::files::read_form(mp).await?
    } else {
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(req, &s)
            .await
            .map_err(|e| {
                ApiError::bad_request(kechuang_domain::ErrorCode::InvalidForm, e.body_text())
            })?;
        (pairs, vec![])
    };
    let f: NewForm = super::actions::draft(&pairs)?;
    if let Some(problem) = attachment_problem(&uploads) {
        return new_page(
            &s,
            &p,
            StatusCode::UNPROCESSABLE_ENTITY,
            f,
            vec![("file", problem)],
        )
        .await;
    }
    let received_at = match f.received_at.trim() {
        "" => None,
        t => match NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M") {
            Ok(local) => super::cst()
                .from_local_datetime(&local)
                .single()
                .map(|x| x.with_timezone(&Utc)),
            Err(_) => {
                let mut errors = vec![("received_at", "受理时间格式不正确".to_string())];
                if !uploads.is_empty() {
                    errors.push(("file", RESELECT.into()));
                }
                return new_page(&s, &p, StatusCode::UNPROCESSABLE_ENTITY, f, errors).await;
            }
        },
    };
    let draft = CaseDraft {
        title: f.title.clone(),
        description: f.description.clone(),
        category_id: f.category_id.clone(),
        org_id: f.org_id.clone(),
        chain_id: f.chain_id.clone(),
        channel: f.channel.clone(),
        received_at,
        contact_name: f.contact_name.clone(),
        contact_phone: f.contact_phone.clone(),
    };
    let r = async {
        require(&p, Permission::CasesCreate)?;
        let input = crate::service::cases::validate_draft(&p, draft)?;
        Ok::<_, ApiError>(
            s.intake
                .intake(&crate::service::cases::actor(&p), input)
                .await?,
        )
    }
    .await;
    match r {
        Ok(c) => {
            // Checked above, so a failure here is the database's: the case
            // stands, and its page says to upload what is missing again.
            let actor = crate::service::cases::actor(&p);
            let mut flash = "created";
            for u in &uploads {
                let stored = kechuang_store::cases::attach(
                    &s.db,
                    &Scope::All,
                    &actor,
                    &c.id,
                    &u.filename,
                    &u.content_type,
                    &u.bytes,
                )
                .await;
                if let Err(e) = stored {
                    tracing::warn!(case = %c.id, file = %u.filename, "attachment with a new case: {e}");
                    flash = "created_files_missing";
                }
            }
            Ok(Redirect::to(&format!("/cases/{}?flash={flash}", c.id)).into_response())
        }
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let mut errors = fields_of(
                &e,
                &[
                    "title",
                    "description",
                    "category_id",
                    "org_id",
                    "chain_id",
                    "channel",
                    "received_at",
                    "contact_name",
                    "contact_phone",
                ],
            );
            if !uploads.is_empty() {
                errors.push(("file", RESELECT.into()));
            }
            new_page(&s, &p, StatusCode::UNPROCESSABLE_ENTITY, f, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// What a refused new-case form says when files had been chosen.
const RESELECT: &str = "请改正上面的内容后重新选择附件";

/// Why the files chosen with a new case cannot be stored (each checked as an
/// attachment would be, and no more than a case holds), before it is received.
fn attachment_problem(uploads: &[crate::files::Upload]) -> Option<String> {
    if uploads.len() as u64 > kechuang_store::cases::MAX_ATTACHMENTS {
        return Some(format!(
            "一次最多上传{}个附件",
            kechuang_store::cases::MAX_ATTACHMENTS
        ));
    }
    uploads.iter().find_map(|u| {
        kechuang_store::files::check(&u.filename, &u.content_type, &u.bytes)
            .err()
            .map(|e| format!("{}：{}", u.filename, ApiError::from(e).message))
    })
}

// ------------------------------------------------------------------ detail

pub struct TaskRow {
    pub t: crate::service::cases::TaskView,
    pub mine: bool,
    /// The department's action forms on its own task, each with its own box.
    pub actions: Vec<TaskForm>,
    /// The action whose form shows a refusal's message ("" when none).
    pub failed: String,
    /// Still inside the window to return it (退回).
    pub can_return: bool,
    /// The task's own time limit: 即将到期 or 已超期 (else empty).
    pub sla: (String, String),
    pub dispatched: String,
    pub due: String,
}

/// One action on a department's own task: its own form, its own text box.
pub struct TaskForm {
    pub action: &'static str,
    pub button: &'static str,
    pub class: &'static str,
    /// What the box asks for; "" for 签收, which takes no text.
    pub note_label: &'static str,
    /// The text typed before the action was refused.
    pub kept: String,
    /// Why the text was refused, shown beside the box.
    pub field_error: String,
}

/// The actions a task in `status` offers (退回 only inside its window).
fn task_forms(status: &str, can_return: bool) -> Vec<TaskForm> {
    let form = |action, button, class, note_label| TaskForm {
        action,
        button,
        class,
        note_label,
        kept: String::new(),
        field_error: String::new(),
    };
    let mut v = match status {
        "pending" => vec![form("accept", "签收", "btn-primary", "")],
        "accepted" => vec![
            form(
                "progress",
                "记录进展",
                "btn-outline-primary",
                "办理进展（必填）",
            ),
            form("complete", "办结", "btn-success", "办理结果（必填）"),
        ],
        _ => vec![],
    };
    if can_return && matches!(status, "pending" | "accepted") {
        v.push(form(
            "return",
            "退回（分办不当）",
            "btn-outline-danger",
            "退回原因（必填）",
        ));
    }
    v
}

/// One department on the dispatch form: lead, assisting, and its task limit.
pub struct DispatchRow {
    pub id: String,
    pub name: String,
    pub lead: bool,
    pub assist: bool,
    /// Workdays as typed (prefilled with the category's task limit).
    pub limit: String,
    /// Why this department's limit was refused.
    pub error: String,
}

/// The dispatch form as posted and the field errors it got back.
type Posted<'a> = (&'a [(String, String)], &'a serde_json::Value);

/// Why an action on the detail page was refused, and where to say so.
#[derive(Default)]
struct Refused<'a> {
    message: String,
    /// The task whose form was refused ("" when not a task action).
    task: &'a str,
    /// The refused task action and the text posted with it.
    action: &'a str,
    note: &'a str,
    /// The error beside the task form's text box (a field error on `note`).
    note_error: String,
    /// The dispatch form, when that was refused.
    posted: Option<Posted<'a>>,
}

#[derive(Template)]
#[template(path = "cases/detail.html")]
struct DetailPage {
    page: PageCtx,
    d: CaseDetailView,
    status_class: String,
    sla: (String, String),
    received: String,
    due: String,
    tasks: Vec<TaskRow>,
    timeline: Vec<(String, String, String, String)>,
    error: String,
    /// The task whose action was refused: its error shows in that task's row.
    error_task: String,
    departments: Choices,
    /// Departments on the dispatch form, each with its own limit.
    dispatch_rows: Vec<DispatchRow>,
    /// The task force chosen on the dispatch form.
    dispatch_tf: String,
    /// The category's time limit: the largest task limit.
    max_limit: i32,
    /// The refused action's error is shown beside a field of the dispatch form.
    error_in_form: bool,
    can_dispatch: bool,
    can_merge: bool,
    is_lead: bool,
    /// The lead department or the acceptance desk / task force (triage).
    can_suspend: bool,
    all_done: bool,
    can_rate: bool,
    can_supervise: bool,
    can_follow_up: bool,
    can_attach: bool,
    /// The reply box's first text: the departments' results.
    reply_draft: String,
    /// A committee reader: the internal fields (task force, re-handling,
    /// supervision) are shown; the firm that raised the case does not see them.
    internal: bool,
}

async fn detail_page(
    s: &AppState,
    p: &Principal,
    id: &str,
    status: StatusCode,
    refused: Refused<'_>,
    flash: Option<&str>,
) -> PageResult {
    let Refused {
        message: error,
        task: error_task,
        action: error_action,
        note: posted_note,
        note_error,
        posted,
    } = refused;
    let r = async {
        let d = case_detail(s, p, id).await?;
        let (departments, category) = if p.can(Permission::CasesTriage) {
            let category = cases::categories(&s.db)
                .await?
                .into_iter()
                .find(|c| c.id == d.case.category_id);
            (department_choices(s).await?, category)
        } else {
            (vec![], None)
        };
        let cal = kechuang_store::calendar::load(&s.db).await?;
        Ok::<_, ApiError>((d, departments, category, cal))
    }
    .await;
    let (d, departments, category, cal) = r?;
    let st = CaseStatus::parse(&d.case.status).unwrap_or(CaseStatus::Submitted);
    let can_dispatch = p.can(Permission::CasesTriage) && st == CaseStatus::Submitted;
    let max_limit = category.as_ref().map_or(1, |c| c.time_limit_days.max(1));
    let default_limit = category
        .as_ref()
        .map_or(1, |c| c.task_limit_days.clamp(1, max_limit))
        .to_string();
    let dispatch_rows: Vec<DispatchRow> = if can_dispatch {
        departments
            .iter()
            .map(|(dep, name)| {
                let key = format!("limit_{dep}");
                DispatchRow {
                    lead: match posted {
                        Some((f, _)) => field(f, "lead_department_id") == dep,
                        None => d.case.lead_department_id.as_deref() == Some(dep.as_str()),
                    },
                    assist: posted
                        .is_some_and(|(f, _)| f.iter().any(|(k, v)| k == "assist" && v == dep)),
                    limit: posted
                        .and_then(|(f, _)| f.iter().find(|(k, _)| *k == key))
                        .map_or_else(|| default_limit.clone(), |(_, v)| v.clone()),
                    error: posted
                        .and_then(|(_, e)| e["fields"][format!("task_limits.{dep}")].as_str())
                        .unwrap_or_default()
                        .to_string(),
                    id: dep.clone(),
                    name: name.clone(),
                }
            })
            .collect()
    } else {
        vec![]
    };
    // The chosen (or suggested) lead first, not hidden below the table's scroll.
    let mut dispatch_rows = dispatch_rows;
    dispatch_rows.sort_by_key(|r| !r.lead);
    let error_in_form = dispatch_rows.iter().any(|r| !r.error.is_empty());
    let dispatch_tf = match posted {
        Some((f, _)) => field(f, "task_force_department_id").to_string(),
        None => d.case.task_force_department_id.clone().unwrap_or_default(),
    };
    let all_done =
        kechuang_domain::cases::all_tasks_done(d.tasks.iter().map(|t| t.status.as_str()));
    let is_lead =
        p.can(Permission::CasesHandle) && acts_for(p, d.case.lead_department_id.as_deref());
    // The reply starts from what each department did.
    let reply_draft = if is_lead && all_done {
        d.tasks
            .iter()
            .filter(|t| t.status == "done")
            .map(|t| {
                format!(
                    "{}（{}）：{}",
                    t.department_name,
                    t.role_label,
                    t.result.as_deref().unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        String::new()
    };
    let page = PageCtx::new(
        s,
        p,
        &d.case.number,
        "/cases",
        &[("诉求列表", "/cases"), (&d.case.number, "")],
    )
    .flash_code(flash)
    .calendar_gap(calendar_gap(s).await?);
    // A refused action's message is shown once, in place (not also as a toast).
    let now = kechuang_store::now();
    let tasks = d
        .tasks
        .iter()
        .map(|t| {
            let can_return = kechuang_domain::cases::return_allowed(&cal, t.dispatched_at, now);
            let mine = p.can(Permission::CasesHandle)
                && acts_for(p, Some(&t.department_id))
                && matches!(t.status.as_str(), "pending" | "accepted")
                && st == CaseStatus::Dispatched;
            let mut actions = if mine {
                task_forms(&t.status, can_return)
            } else {
                vec![]
            };
            // A refusal shows in the form that was posted, else in the row's first form.
            let failed = if t.id == error_task {
                match actions.iter_mut().find(|a| a.action == error_action) {
                    Some(a) => {
                        a.kept = posted_note.to_string();
                        a.field_error = note_error.clone();
                        a.action
                    }
                    None => actions.first().map_or("", |a| a.action),
                }
            } else {
                ""
            };
            TaskRow {
                can_return,
                mine,
                failed: failed.to_string(),
                actions,
                sla: task_badge(t.sla.as_deref()),
                dispatched: fmt_date(t.dispatched_on),
                due: fmt_date(t.due_on),
                t: t.clone(),
            }
        })
        .collect::<Vec<TaskRow>>();
    // The error goes beside the task's form while that form is shown, else above the case.
    let error_task = if tasks.iter().any(|r| r.mine && r.t.id == error_task) {
        error_task
    } else {
        ""
    };
    let timeline = d
        .timeline
        .iter()
        .map(|e| {
            (
                fmt_time(e.at),
                e.actor.clone(),
                e.department_name.clone(),
                e.message.clone(),
            )
        })
        .collect();
    Ok(render_status(
        status,
        &DetailPage {
            status_class: status_class(&d.case.status).into(),
            // One rule words the case's deadline with its tasks' (case_deadline).
            sla: d.deadline.as_ref().map_or_else(
                || (String::new(), String::new()),
                |x| (x.label.clone(), sla_class(&x.state).into()),
            ),
            received: fmt_time(d.case.received_at),
            due: fmt_date(d.case.due_on),
            tasks,
            timeline,
            error,
            error_task: error_task.to_string(),
            departments,
            dispatch_rows,
            dispatch_tf,
            max_limit,
            error_in_form,
            can_dispatch,
            can_merge: p.can(Permission::CasesTriage) && st == CaseStatus::Submitted,
            can_suspend: is_lead || p.can(Permission::CasesTriage),
            is_lead,
            all_done,
            reply_draft,
            internal: !matches!(p.scope, Scope::Org(_) | Scope::User(_)),
            can_rate: p.can(Permission::CasesRate) && st == CaseStatus::Replied,
            can_supervise: p.can(Permission::CasesSupervise)
                && matches!(
                    st,
                    CaseStatus::Submitted | CaseStatus::Dispatched | CaseStatus::Suspended
                ),
            can_attach: p.can(Permission::CasesCreate)
                || p.can(Permission::CasesHandle)
                || p.can(Permission::CasesTriage),
            // A return visit follows a reply.
            can_follow_up: (p.can(Permission::CasesHandle)
                || p.can(Permission::CasesTriage)
                || p.can(Permission::CasesSupervise))
                && matches!(st, CaseStatus::Replied | CaseStatus::Closed),
            page,
            d,
        },
    ))
}

pub async fn detail(
    State(s): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(f): Query<FlashQuery>,
) -> PageResult {
    // A talent follows its request on its own page (a reply note links here).
    if crate::service::talent::as_talent(&p) {
        return Ok(Redirect::to(&format!("/talent/requests/{id}")).into_response());
    }
    let page = detail_page(
        &s,
        &p,
        &id,
        StatusCode::OK,
        Refused::default(),
        f.flash.as_deref(),
    )
    .await?;
    // Opening the case deals with the caller's messages about it (the
    // navigation's unread count is fetched after the page loads).
    crate::service::messages::mark_case_read(&s, &p, &id).await?;
    Ok(page)
}

/// The command a detail-page form posts.
fn command(name: &str, f: &[(String, String)]) -> Result<Command, ApiError> {
    let get = |k: &str| {
        f.iter()
            .find(|(x, _)| x == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let version: i32 = get("version").parse().unwrap_or(0);
    Ok(match name {
        "dispatch" => {
            let lead = get("lead_department_id");
            let assists: Vec<String> = f
                .iter()
                .filter(|(k, v)| k == "assist" && !v.is_empty())
                .map(|(_, v)| v.clone())
                .collect();
            // Only the chosen departments' limits count; an empty box keeps
            // the category's limit, anything not a whole number is out of range.
            let task_limits = std::iter::once(&lead)
                .chain(&assists)
                .filter_map(|d| {
                    let v = get(&format!("limit_{d}"));
                    let v = v.trim();
                    (!v.is_empty()).then(|| TaskLimit {
                        department_id: d.clone(),
                        limit_days: v.parse().unwrap_or(0),
                    })
                })
                .collect();
            Command::Dispatch(DispatchBody {
                version,
                lead_department_id: lead,
                assist_department_ids: assists,
                task_force_department_id: Some(get("task_force_department_id")),
                task_limits,
            })
        }
        "decline" => Command::Decline(ReasonBody {
            version,
            reason: get("reason"),
        }),
        "merge" => Command::Merge(MergeBody {
            version,
            target_id: get("target_id"),
        }),
        "suspend" => Command::Suspend(ReasonBody {
            version,
            reason: get("reason"),
        }),
        "resume" => Command::Resume(VersionBody { version }),
        "reply" => Command::Reply(ReplyBody {
            version,
            reply: get("reply"),
        }),
        "rate" => Command::Rate(RateBody {
            version,
            satisfaction: get("satisfaction"),
            comment: get("comment"),
        }),
        "supervise" => Command::Supervise(ReasonBody {
            version,
            reason: get("reason"),
        }),
        "follow-up" => Command::FollowUp(NoteBody { note: get("note") }),
        "task" => Command::Task {
            task_id: get("task_id"),
            action: TaskAction::parse(&get("action"))
                .ok_or_else(|| ApiError::bad_request(ErrorCode::InvalidInput, "未知的任务操作"))?,
            body: TaskBody {
                version,
                note: get("note"),
            },
        },
        _ => return Err(ApiError::not_found()),
    })
}

/// The message shown after a detail-page command succeeded.
fn flash_for(name: &str, f: &[(String, String)]) -> &'static str {
    let action = f
        .iter()
        .find(|(k, _)| k == "action")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    match (name, action) {
        ("dispatch", _) => "case_dispatched",
        ("decline", _) => "case_declined",
        ("merge", _) => "case_merged",
        ("suspend", _) => "case_suspended",
        ("resume", _) => "case_resumed",
        ("reply", _) => "case_replied",
        ("rate", _) => "case_rated",
        ("supervise", _) => "case_supervised",
        ("follow-up", _) => "case_followed_up",
        ("task", "accept") => "task_accepted",
        ("task", "complete") => "task_completed",
        ("task", "return") => "task_returned",
        _ => "saved",
    }
}

/// A form on the detail page: run the command, then show the case again
/// (with the error beside the case when it was refused).
pub async fn act(
    State(s): State<AppState>,
    PageUser(p): PageUser,
    Path((id, name)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> PageResult {
    let r = async {
        let cmd = command(&name, &f)?;
        run(&s, &p, &id, cmd).await
    }
    .await;
    match r {
        Ok(_) => Ok(
            Redirect::to(&format!("/cases/{id}?flash={}", flash_for(&name, &f))).into_response(),
        ),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            let task_field = |k| if name == "task" { field(&f, k) } else { "" };
            let posted = (name == "dispatch").then_some((f.as_slice(), &e.details));
            let refused = Refused {
                task: task_field("task_id"),
                action: task_field("action"),
                note: task_field("note"),
                note_error: e.details["fields"]["note"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                message: e.message,
                posted,
            };
            detail_page(&s, &p, &id, e.status, refused, None).await
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ workbench

/// A case on the workbench; in a department's section, with that
/// department's own task (its status, due date and time-limit badge).
pub struct WorkRow {
    pub r: Row,
    /// The department's task, when the section is the department's.
    pub task: Option<OwnTask>,
}

/// A department's own task as its workbench shows it.
pub struct OwnTask {
    /// `case id:task id:version`, what 批量签收 posts for a pending task.
    pub key: String,
    /// Waiting to be signed for.
    pub pending: bool,
    pub status: String,
    pub due: String,
    /// 即将到期 / 已超期 by the task's own due date, and its class ("" if neither).
    pub badge: String,
    pub class: String,
}

pub struct WorkSection {
    pub title: String,
    pub icon: String,
    pub more: String,
    pub rows: Vec<WorkRow>,
    /// The rows may be signed for together (本部门待签收).
    pub batch: bool,
}

#[derive(Template)]
#[template(path = "cases/workbench.html")]
struct WorkbenchPage {
    page: PageCtx,
    sections: Vec<WorkSection>,
    inbox: Vec<(String, String, String, String)>,
}

/// The sections of a workbench: (title, icon, the list's query, whether the
/// rows show the caller's department's own task). The department's sections
/// go by its own tasks' due dates, not the cases'.
fn workbench_sections(p: &Principal) -> Vec<(&'static str, &'static str, CaseListQuery, bool)> {
    let mut wanted = vec![];
    let dep = p.department_id.clone();
    let q = CaseListQuery::default;
    let due = || Some("due".to_string());
    if p.can(Permission::CasesTriage) {
        wanted.push((
            "待分办",
            "inbox",
            CaseListQuery {
                status: Some("submitted".into()),
                sort: Some("received_asc".into()),
                ..q()
            },
            false,
        ));
    }
    if p.can(Permission::CasesHandle) && dep.is_some() {
        wanted.push((
            "本部门待签收",
            "envelope-exclamation",
            CaseListQuery {
                pending_task_department_id: dep.clone(),
                sort: due(),
                ..q()
            },
            true,
        ));
        wanted.push((
            "待答复企业",
            "reply",
            CaseListQuery {
                lead_department_id: dep.clone(),
                awaiting_reply: Some("true".into()),
                sort: due(),
                ..q()
            },
            true,
        ));
        wanted.push((
            "本部门在办",
            "briefcase",
            CaseListQuery {
                task_department_id: dep.clone(),
                sort: due(),
                ..q()
            },
            true,
        ));
        wanted.push((
            "本部门即将到期",
            "hourglass-split",
            CaseListQuery {
                task_department_id: dep.clone(),
                task_sla: Some("due_soon".into()),
                sort: due(),
                ..q()
            },
            true,
        ));
        wanted.push((
            "本部门已超期",
            "exclamation-octagon",
            CaseListQuery {
                task_department_id: dep.clone(),
                task_sla: Some("overdue".into()),
                sort: due(),
                ..q()
            },
            true,
        ));
    } else if p.can(Permission::CasesSupervise) || p.can(Permission::CasesTriage) {
        wanted.push((
            "即将到期",
            "hourglass-split",
            CaseListQuery {
                sla: Some("due_soon".into()),
                sort: due(),
                ..q()
            },
            false,
        ));
        wanted.push((
            "已超期",
            "exclamation-octagon",
            CaseListQuery {
                sla: Some("overdue".into()),
                sort: due(),
                ..q()
            },
            false,
        ));
    }
    if p.can(Permission::CasesRate) && matches!(p.scope, Scope::Org(_)) {
        wanted.push((
            "待我评价",
            "star",
            CaseListQuery {
                status: Some("replied".into()),
                ..q()
            },
            false,
        ));
        wanted.push((
            "我单位在办诉求",
            "chat-left-text",
            CaseListQuery {
                open: Some("true".into()),
                ..q()
            },
            false,
        ));
    }
    wanted
}

/// The first `n` cases of a workbench section, with the department's own
/// task on each when `own_task`; and how many there are.
pub(crate) async fn section_rows(
    s: &AppState,
    p: &Principal,
    q: &CaseListQuery,
    own_task: bool,
    n: u64,
) -> Result<(u64, Vec<WorkRow>), ApiError> {
    let page = cases::list(&s.db, &p.scope, &q.filter()?, PageReq::first(n)).await?;
    let total = page.total;
    let statuses: std::collections::HashMap<String, String> = page
        .items
        .iter()
        .map(|c| (c.id.clone(), c.status.clone()))
        .collect();
    let mut tasks: std::collections::HashMap<String, (bool, OwnTask)> =
        std::collections::HashMap::new();
    if let (true, Some(dep)) = (own_task, p.department_id.as_deref()) {
        let ids: Vec<String> = page.items.iter().map(|c| c.id.clone()).collect();
        let cal = kechuang_store::calendar::load(&s.db).await?;
        let today = cases::today();
        // The open task, else the latest (a case can hold a returned one too).
        for t in cases::department_tasks(&s.db, dep, &ids).await? {
            let open = matches!(t.status.as_str(), "pending" | "accepted");
            let keep = tasks
                .get(&t.case_id)
                .is_none_or(|(was_open, _)| open || !*was_open);
            if keep {
                let state = statuses
                    .get(&t.case_id)
                    .and_then(|st| crate::service::cases::task_sla(st, &t, &cal, today));
                let label = kechuang_domain::cases::TaskStatus::parse(&t.status)
                    .map(|x| x.label_zh().to_string())
                    .unwrap_or_default();
                let (badge, class) = task_badge(state.map(|x| x.as_str()));
                let shown = OwnTask {
                    key: format!("{}:{}:{}", t.case_id, t.id, t.version),
                    pending: t.status == "pending",
                    status: label,
                    due: fmt_date(t.due_on),
                    badge,
                    class,
                };
                tasks.insert(t.case_id.clone(), (open, shown));
            }
        }
    }
    let rows = views(s, p, page.items)
        .await?
        .into_iter()
        .map(|v| WorkRow {
            task: tasks.remove(&v.id).map(|(_, t)| t),
            r: row(v),
        })
        .collect();
    Ok((total, rows))
}

pub async fn workbench(State(s): State<AppState>, PageUser(p): PageUser) -> PageResult {
    workbench_page(&s, &p, None).await
}

/// POST /cases/workbench/accept: 批量签收 of the ticked tasks (`task` =
/// `case id:task id:version`, repeated); the workbench again, saying what
/// was signed for and what was refused and why.
pub async fn accept_tasks(
    State(s): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let mut items = vec![];
    for (_, v) in pairs.iter().filter(|(k, _)| k == "task") {
        let mut parts = v.splitn(3, ':');
        match (
            parts.next(),
            parts.next(),
            parts.next().map(str::parse::<i32>),
        ) {
            (Some(case), Some(task), Some(Ok(version))) if !case.is_empty() && !task.is_empty() => {
                items.push((case.to_string(), task.to_string(), version))
            }
            _ => {
                return Err(ApiError::bad_request(
                    ErrorCode::InvalidForm,
                    "所选任务无法识别，请刷新页面后重试",
                )
                .into())
            }
        }
    }
    let flash = if items.is_empty() {
        ("warning", "请先勾选要签收的诉求".to_string())
    } else {
        let done = crate::service::cases::accept_tasks(&s, &p, items).await?;
        let mut text = format!("已签收 {} 项", done.accepted);
        if !done.refused.is_empty() {
            let why: Vec<String> = done
                .refused
                .iter()
                .map(|(number, reason)| format!("{number}：{reason}"))
                .collect();
            text.push_str(&format!(
                "；{} 项未签收（{}）",
                done.refused.len(),
                why.join("；")
            ));
        }
        (
            if done.refused.is_empty() {
                "success"
            } else {
                "warning"
            },
            text,
        )
    };
    workbench_page(&s, &p, Some(flash)).await
}

async fn workbench_page(s: &AppState, p: &Principal, flash: Option<(&str, String)>) -> PageResult {
    require(p, Permission::CasesRead)?;
    let mut sections = vec![];
    for (title, icon, q, own_task) in workbench_sections(p) {
        let (total, rows) = section_rows(s, p, &q, own_task, 8).await?;
        sections.push(WorkSection {
            title: format!("{title}（{total}）"),
            icon: icon.into(),
            more: format!("/cases?{}", list_query_string(&q)),
            batch: q.pending_task_department_id.is_some(),
            rows,
        });
    }
    let inbox = cases::inbox(&s.db, &p.user_id, p.department_id.as_deref(), 10)
        .await?
        .into_iter()
        .map(|n| (fmt_time(n.created_at), n.title, n.body, n.link))
        .collect();
    let mut page = PageCtx::new(
        s,
        p,
        "办理工作台",
        "/cases/workbench",
        &[("办理工作台", "")],
    )
    .calendar_gap(calendar_gap(s).await?);
    if let Some((kind, message)) = flash {
        page = page.flash(kind, message);
    }
    Ok(render(&WorkbenchPage {
        page,
        sections,
        inbox,
    }))
}

// ------------------------------------------------------------------ statistics

pub struct StatRow {
    pub f: crate::service::cases::FiguresView,
    pub on_time: String,
    pub satisfaction: String,
    pub avg: String,
    /// Filtered case lists behind each figure.
    pub href_all: String,
    pub href_solved: String,
    pub href_on_time: String,
    pub href_reopened: String,
    pub href_overdue: String,
}

fn permille(v: Option<i64>) -> String {
    v.map(|x| format!("{}.{}%", x / 10, x % 10))
        .unwrap_or_else(|| "—".into())
}

#[derive(Template)]
#[template(path = "cases/statistics.html")]
struct StatsPage {
    page: PageCtx,
    groups: Vec<(String, String, bool)>,
    rows: Vec<StatRow>,
    total: StatRow,
    q: CaseListQuery,
    export_href: String,
    /// "统计于 2026年11月29日 14:05:09" (Beijing time).
    as_of: String,
    chart: crate::charts::Chart,
}

pub(crate) fn stat_row(
    f: crate::service::cases::FiguresView,
    group: &str,
    q: &CaseListQuery,
) -> StatRow {
    let mut base = CaseListQuery {
        from: q.from.clone(),
        to: q.to.clone(),
        category_id: q.category_id.clone(),
        ..Default::default()
    };
    match group {
        _ if f.key == "total" || f.key.is_empty() => {}
        "department" => base.lead_department_id = Some(f.key.clone()),
        "task_force" => base.task_force_department_id = Some(f.key.clone()),
        "category" => base.category_id = Some(f.key.clone()),
        "chain" => base.chain_id = Some(f.key.clone()),
        _ => base.month = Some(f.key.clone()),
    }
    let href = |extra: &dyn Fn(&mut CaseListQuery)| {
        let mut q = base.clone();
        extra(&mut q);
        format!("/cases?{}", list_query_string(&q))
    };
    StatRow {
        on_time: permille(f.on_time_permille),
        satisfaction: permille(f.satisfaction_permille),
        avg: f
            .avg_cycle_workdays
            .map(|a| format!("{a:.1}"))
            .unwrap_or_else(|| "—".into()),
        href_all: href(&|_| {}),
        href_solved: href(&|q| q.status = Some("closed".into())),
        href_on_time: href(&|q| q.sla = Some("on_time".into())),
        href_reopened: href(&|q| q.reopened = Some("true".into())),
        href_overdue: href(&|q| q.sla = Some("overdue".into())),
        f,
    }
}

const GROUPS: [(&str, &str); 5] = [
    ("department", "按主办部门（赛马）"),
    ("task_force", "按产业专班"),
    ("category", "按诉求分类"),
    ("chain", "按产业链"),
    ("month", "按月份"),
];

/// The statistics as a chart: received and solved by group, the on-time
/// rate against the right axis (the table below holds the same figures).
fn stats_chart(rows: &[StatRow], group: &str) -> crate::charts::Chart {
    use crate::charts::{percent, Chart, Kind};
    let title = GROUPS
        .iter()
        .find(|(k, _)| *k == group)
        .map_or("诉求统计", |(_, l)| l);
    Chart::new("stats-chart", title, Kind::Bar, "件", "stats")
        .categories(rows.iter().map(|r| r.f.name.clone()))
        .series("受理", rows.iter().map(|r| Some(r.f.received as f64)))
        .series("办结", rows.iter().map(|r| Some(r.f.solved as f64)))
        .right(
            "按时办结率",
            "%",
            rows.iter().map(|r| percent(r.f.on_time_permille)),
        )
}

pub async fn statistics(
    State(s): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<CaseListQuery>,
) -> PageResult {
    let StatsView {
        group,
        groups,
        total,
        as_of,
    } = crate::service::cases::statistics(&s, &p, &q).await?;
    let rows: Vec<StatRow> = groups
        .into_iter()
        .map(|f| stat_row(f, &group, &q))
        .collect();
    let total = stat_row(total, &group, &q);
    let chart = stats_chart(&rows, &group);
    Ok(render(&StatsPage {
        chart,
        page: PageCtx::new(&s, &p, "诉求统计", "/cases/statistics", &[("诉求统计", "")]),
        groups: GROUPS
            .iter()
            .map(|(k, l)| (k.to_string(), l.to_string(), *k == group))
            .collect(),
        export_href: format!(
            "/cases/statistics.xlsx?{}",
            query_string(&[("group", &group), ("from", o(&q.from)), ("to", o(&q.to))])
        ),
        rows,
        total,
        q,
        as_of: format!(
            "统计于 {}",
            as_of
                .with_timezone(&super::cst())
                .format("%Y年%-m月%-d日 %H:%M:%S")
        ),
    }))
}

pub async fn statistics_export(
    State(s): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<CaseListQuery>,
) -> PageResult {
    let r = async {
        let st = crate::service::cases::statistics(&s, &p, &q).await?;
        let rows = st
            .groups
            .into_iter()
            .chain(std::iter::once(st.total))
            .map(|f| {
                vec![
                    Cell::Text(if f.key == "total" {
                        "合计".into()
                    } else {
                        f.name
                    }),
                    f.rank.map_or(Cell::Empty, |r| Cell::Number(r as f64)),
                    Cell::Number(f.received as f64),
                    Cell::Number(f.solved as f64),
                    f.on_time_permille.map_or(Cell::Empty, Cell::permille),
                    f.avg_cycle_workdays
                        .map_or(Cell::Empty, |a| Cell::Decimal(a, 1)),
                    f.p90_cycle_workdays
                        .map_or(Cell::Empty, |a| Cell::Number(a as f64)),
                    f.satisfaction_permille.map_or(Cell::Empty, Cell::permille),
                    Cell::Number(f.reopened as f64),
                    Cell::Number(f.overdue_open as f64),
                ]
            });
        excel::workbook(
            "诉求统计",
            &[
                "分组",
                "排名",
                "受理",
                "办结",
                "按时办结率",
                "平均周期（工作日）",
                "90分位周期（工作日）",
                "满意率",
                "重新办理",
                "在办超期",
            ],
            rows,
        )
    }
    .await;
    let b = r?;
    Ok(excel::xlsx_response("诉求统计.xlsx", b))
}

// ------------------------------------------------------------------ categories

#[derive(Template)]
#[template(path = "cases/categories.html")]
struct CategoriesPage {
    page: PageCtx,
    rows: Vec<kechuang_store::entities::case_category::Model>,
    departments: Choices,
    error: String,
    /// The 新增分类 form as submitted, with its errors (when refused).
    fs: FormState,
}

async fn categories_page(
    s: &AppState,
    p: &Principal,
    status: StatusCode,
    error: String,
    flash: Option<&str>,
) -> PageResult {
    categories_page_with(s, p, status, error, flash, FormState::default()).await
}

async fn categories_page_with(
    s: &AppState,
    p: &Principal,
    status: StatusCode,
    error: String,
    flash: Option<&str>,
    fs: FormState,
) -> PageResult {
    let r = async {
        require(p, Permission::CasesAdmin)?;
        Ok::<_, ApiError>((
            cases::categories(&s.db).await?,
            department_choices(s).await?,
        ))
    }
    .await;
    let (rows, departments) = r?;
    let page = PageCtx::new(
        s,
        p,
        "诉求分类与路由",
        "/cases/categories",
        &[("诉求分类与路由", "")],
    )
    .flash_code(flash);
    Ok(render_status(
        status,
        &CategoriesPage {
            page,
            rows,
            departments,
            error,
            fs,
        },
    ))
}

pub async fn categories(
    State(s): State<AppState>,
    PageUser(p): PageUser,
    Query(f): Query<FlashQuery>,
) -> PageResult {
    categories_page(&s, &p, StatusCode::OK, String::new(), f.flash.as_deref()).await
}

#[derive(Deserialize)]
pub struct CategoryForm {
    #[serde(default)]
    version: i32,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    lead_department_id: String,
    #[serde(default)]
    time_limit_days: String,
    #[serde(default)]
    task_limit_days: String,
    #[serde(default)]
    warn_days: String,
    #[serde(default)]
    rating_days: String,
    #[serde(default)]
    sort_order: String,
    #[serde(default)]
    active: Option<String>,
}

pub async fn update_category(
    State(s): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Form(f): Form<CategoryForm>,
) -> PageResult {
    let n = |v: &str| v.trim().parse::<i32>().unwrap_or(0);
    let draft = crate::service::cases::CategoryDraft {
        code: f.code,
        name: f.name,
        lead_department_id: Some(f.lead_department_id),
        time_limit_days: n(&f.time_limit_days),
        task_limit_days: n(&f.task_limit_days),
        warn_days: n(&f.warn_days),
        rating_days: n(&f.rating_days),
        sort_order: n(&f.sort_order),
        active: Some(f.active.is_some()),
    };
    let r = async {
        require(&p, Permission::CasesAdmin)?;
        let i = draft.validate()?;
        Ok::<_, ApiError>(cases::update_category(&s.db, &p.username, &id, f.version, i).await?)
    }
    .await;
    match r {
        Ok(_) => Ok(Redirect::to("/cases/categories?flash=saved").into_response()),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::FORBIDDEN => {
            categories_page(&s, &p, e.status, e.message, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The 新增分类 form: numbers are typed as text, so a non-number is shown
/// beside its field rather than refusing the whole form.
pub async fn create_category(
    State(s): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let r = async {
        require(&p, Permission::CasesAdmin)?;
        let mut bad: Vec<(&'static str, String)> = vec![];
        let mut num = |name: &'static str| -> i32 {
            match field(&pairs, name).trim().parse::<i32>() {
                Ok(v) => v,
                Err(_) => {
                    bad.push((name, "请填写整数（工作日）".into()));
                    0
                }
            }
        };
        let draft = crate::service::cases::CategoryDraft {
            code: field(&pairs, "code").into(),
            name: field(&pairs, "name").into(),
            lead_department_id: Some(field(&pairs, "lead_department_id").into()),
            time_limit_days: num("time_limit_days"),
            task_limit_days: num("task_limit_days"),
            warn_days: num("warn_days"),
            rating_days: num("rating_days"),
            sort_order: num("sort_order"),
            active: Some(true),
        };
        let input = match draft.validate() {
            Ok(i) if bad.is_empty() => i,
            Ok(_) => return Err(ApiError::invalid(ErrorCode::InvalidInput, &bad)),
            Err(e) => {
                // Show every field's problem at once.
                let mut all = bad;
                if let Some(m) = e.details.get("fields").and_then(|f| f.as_object()) {
                    for k in ["code", "name"] {
                        if let Some(v) = m.get(k).and_then(|v| v.as_str()) {
                            all.push((k, v.to_string()));
                        }
                    }
                }
                return Err(ApiError::invalid(ErrorCode::InvalidInput, &all));
            }
        };
        cases::create_category(&s.db, &p.username, input).await?;
        Ok(done("/cases/categories", "category_created"))
    }
    .await;
    let (st, pr) = (&s, &p);
    answer(r, "new", pairs, |fs| {
        categories_page_with(st, pr, StatusCode::OK, String::new(), None, fs)
    })
    .await
}

// ------------------------------------------------------------------ supervision board

pub struct BoardRow {
    /// 排名: by overdue open cases, then cases closed late.
    pub rank: usize,
    pub name: String,
    pub department_id: String,
    pub overdue_open: i64,
    pub late: i64,
    pub on_time: String,
    pub suggest_interview: bool,
    pub href_overdue: String,
    pub href_late: String,
}

#[derive(Template)]
#[template(path = "cases/board.html")]
struct BoardPage {
    page: PageCtx,
    rows: Vec<BoardRow>,
    supervised: Vec<Row>,
    interviews: Vec<crate::service::cases::InterviewView>,
    departments: Choices,
    draft: crate::service::cases::InterviewDraft,
    errors: FieldErrors,
    /// Filters of the interview list and the export with them.
    iq: InterviewQuery,
    interviews_export_href: String,
    chart: crate::charts::Chart,
    /// Service officers, assistants and instructors whose enterprises' cases
    /// run late this quarter (party readers only), the latest first.
    people: Vec<crate::service::party::accountability::LatenessView>,
    /// The latest supervision orders and interviews naming a person.
    person_records: Vec<crate::service::party::accountability::AccountabilityView>,
    /// Overdue open plus late cases that suggest an interview, and whether
    /// the caller may change it.
    threshold: crate::service::cases::InterviewThreshold,
    /// What the threshold box shows: as typed after a refusal.
    threshold_shown: String,
}

/// Filters of the interview records (约谈记录): department, held from / to;
/// and the period of the departments' table (cases received from `bfrom`
/// to `bto`, all when empty).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct InterviewQuery {
    pub department_id: String,
    pub from: String,
    pub to: String,
    pub bfrom: String,
    pub bto: String,
    pub flash: Option<String>,
}

impl InterviewQuery {
    fn filter(&self) -> cases::InterviewFilter {
        let date = crate::forms::parse_date;
        cases::InterviewFilter {
            department_id: Some(self.department_id.trim().to_string()).filter(|d| !d.is_empty()),
            from: date(&self.from),
            to: date(&self.to),
        }
    }
    fn query_string(&self) -> String {
        query_string(&[
            ("department_id", self.department_id.trim()),
            ("from", self.from.trim()),
            ("to", self.to.trim()),
        ])
    }
}

impl BoardPage {
    fn err(&self, f: &str) -> String {
        field_error(&self.errors, f)
    }
}

/// The board; `errors` are the interview form's (or "threshold"), and
/// `typed_threshold` the threshold as typed when it was refused.
#[allow(clippy::too_many_arguments)]
async fn board_page(
    s: &AppState,
    p: &Principal,
    status: StatusCode,
    draft: crate::service::cases::InterviewDraft,
    errors: FieldErrors,
    flash: Option<&str>,
    iq: InterviewQuery,
    typed_threshold: Option<String>,
) -> PageResult {
    let r = async {
        require(p, Permission::CasesSupervise)?;
        let threshold = crate::service::cases::interview_threshold(s, p).await?;
        let period = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
        let (bfrom, bto) = (period(&iq.bfrom), period(&iq.bto));
        let stats = crate::service::cases::statistics(
            s,
            p,
            &CaseListQuery {
                group: Some("department".into()),
                from: bfrom.clone(),
                to: bto.clone(),
                ..Default::default()
            },
        )
        .await?;
        let mut rows: Vec<BoardRow> = stats
            .groups
            .into_iter()
            .filter(|f| !f.key.is_empty())
            .map(|f| {
                let late = f.solved - f.on_time;
                let q = |sla: &str| {
                    format!(
                        "/cases?{}",
                        list_query_string(&CaseListQuery {
                            lead_department_id: Some(f.key.clone()),
                            sla: Some(sla.into()),
                            from: bfrom.clone(),
                            to: bto.clone(),
                            ..Default::default()
                        })
                    )
                };
                BoardRow {
                    rank: 0,
                    suggest_interview: f.overdue_open + late >= threshold.value,
                    on_time: permille(f.on_time_permille),
                    href_overdue: q("overdue"),
                    href_late: q("late"),
                    name: f.name,
                    department_id: f.key,
                    overdue_open: f.overdue_open,
                    late,
                }
            })
            .collect();
        rows.sort_by_key(|r| std::cmp::Reverse((r.overdue_open, r.late)));
        for (i, r) in rows.iter_mut().enumerate() {
            r.rank = i + 1;
        }
        let chart = crate::charts::Chart::new(
            "board-chart",
            "各部门时限情况（件）",
            crate::charts::Kind::Hbar,
            "件",
            "board",
        )
        .categories(rows.iter().map(|r| r.name.clone()))
        .series("在办超期", rows.iter().map(|r| Some(r.overdue_open as f64)))
        .series("超期办结", rows.iter().map(|r| Some(r.late as f64)))
        .height((rows.len() as u32 * 28).clamp(200, 900));
        let supervised = cases::list(
            &s.db,
            &p.scope,
            &kechuang_store::cases::CaseFilter {
                open: Some(true),
                ..Default::default()
            },
            PageReq::first(200),
        )
        .await?
        .items
        .into_iter()
        .filter(|c| c.supervision_level > 0)
        .collect();
        let interviews = crate::service::cases::interview_views(
            s,
            cases::interviews_where(&s.db, &iq.filter(), 20).await?,
        )
        .await?;
        let (people, person_records) = if p.can(Permission::PartyRead) {
            use crate::service::party::accountability as acc;
            let l = acc::lateness(s, p, &Default::default()).await?;
            (
                l.people
                    .into_iter()
                    .filter(|x| x.overdue_open + x.late > 0)
                    .take(10)
                    .collect(),
                acc::recent(s, 10).await?,
            )
        } else {
            (vec![], vec![])
        };
        Ok::<_, ApiError>(BoardPage {
            page: PageCtx::new(s, p, "督办看板", "/cases/board", &[("督办看板", "")])
                .flash_code(flash),
            rows,
            supervised: views(s, p, supervised)
                .await?
                .into_iter()
                .map(row)
                .collect(),
            interviews,
            departments: department_choices(s).await?,
            draft,
            errors,
            interviews_export_href: format!("/cases/board/interviews.xlsx?{}", iq.query_string()),
            iq,
            chart,
            people,
            person_records,
            threshold_shown: typed_threshold.unwrap_or_else(|| threshold.value.to_string()),
            threshold,
        })
    }
    .await;
    let pg = r?;
    Ok(render_status(status, &pg))
}

pub async fn board(
    State(s): State<AppState>,
    PageUser(p): PageUser,
    Query(iq): Query<InterviewQuery>,
) -> PageResult {
    let draft = crate::service::cases::InterviewDraft {
        held_on: cases::today().to_string(),
        ..Default::default()
    };
    let flash = iq.flash.clone();
    board_page(
        &s,
        &p,
        StatusCode::OK,
        draft,
        vec![],
        flash.as_deref(),
        iq,
        None,
    )
    .await
}

/// The interview records as Excel, with the board's interview filters.
pub async fn interviews_export(
    State(s): State<AppState>,
    PageUser(p): PageUser,
    Query(iq): Query<InterviewQuery>,
) -> PageResult {
    let r = async {
        require(&p, Permission::CasesSupervise)?;
        let list = cases::interviews_where(&s.db, &iq.filter(), excel::MAX_EXPORT_ROWS).await?;
        let recorded: Vec<_> = list.iter().map(|m| m.created_at).collect();
        let views = crate::service::cases::interview_views(&s, list).await?;
        let rows = views.into_iter().zip(recorded).map(|(v, recorded)| {
            vec![
                Cell::Date(v.held_on),
                Cell::Text(v.department_name),
                Cell::from(v.case_number),
                Cell::Text(v.interviewee),
                Cell::Text(v.reason),
                Cell::Text(v.outcome),
                Cell::Text(v.recorded_by),
                Cell::DateTime(recorded),
            ]
        });
        excel::workbook(
            "约谈记录",
            &[
                "约谈日期",
                "被约谈部门",
                "相关诉求",
                "被约谈人",
                "约谈事由",
                "约谈结果与整改要求",
                "记录人",
                "记录时间",
            ],
            rows,
        )
    }
    .await;
    let b = r?;
    Ok(excel::xlsx_response("约谈记录.xlsx", b))
}

/// POST /cases/board/threshold: the committee's 建议约谈阈值; a refusal
/// (not a whole number 1–1000, or changed meanwhile) is shown beside the box.
pub async fn set_threshold(
    State(s): State<AppState>,
    PageUser(p): PageUser,
    Form(d): Form<crate::service::cases::ThresholdDraft>,
) -> PageResult {
    match crate::service::cases::set_interview_threshold(&s, &p, &d).await {
        Ok(_) => Ok(Redirect::to("/cases/board?flash=saved").into_response()),
        Err(e) if matches!(e.status.as_u16(), 409 | 422) => {
            let message = e.details["fields"]["value"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| e.message.clone());
            board_page(
                &s,
                &p,
                e.status,
                crate::service::cases::InterviewDraft {
                    held_on: cases::today().to_string(),
                    ..Default::default()
                },
                vec![("threshold", message)],
                None,
                InterviewQuery::default(),
                Some(d.value.clone()),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn create_interview(
    State(s): State<AppState>,
    PageUser(p): PageUser,
    Form(d): Form<crate::service::cases::InterviewDraft>,
) -> PageResult {
    match crate::service::cases::record_interview(&s, &p, d.clone()).await {
        Ok(_) => Ok(Redirect::to("/cases/board?flash=created").into_response()),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let errors = fields_of(
                &e,
                &[
                    "department_id",
                    "case_id",
                    "case_number",
                    "interviewee",
                    "held_on",
                    "reason",
                    "outcome",
                ],
            );
            board_page(
                &s,
                &p,
                StatusCode::UNPROCESSABLE_ENTITY,
                d,
                errors,
                None,
                InterviewQuery::default(),
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// Upload from the detail page (multipart; the CSRF token rides in the query).
pub async fn upload(
    State(s): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    mp: axum::extract::Multipart,
) -> PageResult {
    match crate::service::cases::upload_attachment(&s, &p, &id, mp).await {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}?flash=attached")).into_response()),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            let refused = Refused {
                message: e.message,
                ..Refused::default()
            };
            detail_page(&s, &p, &id, e.status, refused, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The cases pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases", get(list))
        .route("/cases/export.xlsx", get(export))
        .route("/cases/export-selected.xlsx", get(export_selected))
        .route("/cases/new", get(new_form).post(create))
        .route("/cases/workbench", get(workbench))
        .route("/cases/workbench/accept", post(accept_tasks))
        .route("/cases/board", get(board))
        .route("/cases/board/interviews", post(create_interview))
        .route("/cases/board/threshold", post(set_threshold))
        .route("/cases/board/interviews.xlsx", get(interviews_export))
        .route("/cases/statistics", get(statistics))
        .route("/cases/statistics.xlsx", get(statistics_export))
        .route("/cases/categories", get(categories).post(create_category))
        .route("/cases/categories/{id}", post(update_category))
        .route("/cases/{id}", get(detail))
        .route("/cases/{id}/act/{command}", post(act))
        .route("/cases/{id}/attachments", post(upload))
}

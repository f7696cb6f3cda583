//! Service-staff pages (服务队伍): the staff list with counts per role (the
//! four teams too), filters, export and the new-staff form; a staff page
//! with assignments, work logs and their forms; the work-log list where a
//! problem found becomes a case with one click; the chief service
//! officers' report summary and one officer's printable report. Every
//! action form posts to `…/{id}/act/{action}`; a rejected form is shown
//! again with its values and the errors in place.

use std::collections::HashSet;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Datelike, NaiveDate};
use kechuang_domain::auth::Permission;
use kechuang_store::party::staff::{self as store, LogKind, StaffRole};
use kechuang_store::Principal;

use crate::auth::{require, PageUser};
use crate::error::{ApiError, ApiResult};
use crate::excel;
use crate::pages::actions::{
    answer, done, draft, field, org_choices, with_status, FlashQuery, FormState, ImportPanel,
};
use crate::pages::{
    department_choices, fmt_date, query_string, render, PageCtx, PageResult, Pager,
};
use crate::service::party::staff::{
    self as service, LogListQuery, PeriodQuery, ReportSummary, ReportView, StaffCounts,
    StaffDetailView, StaffListQuery, StaffView, WorkLogView,
};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/party/staff", get(list).post(create))
        .route("/party/staff/export.xlsx", get(export))
        .route("/party/staff/import", post(import))
        .route("/party/staff/assignments.xlsx", get(export_assignments))
        .route("/party/staff/assignments/import", post(import_assignments))
        .route("/party/staff/{id}", get(detail))
        .route("/party/staff/{id}/act/{action}", post(act))
        .route("/party/work-logs", get(logs).post(create_log))
        .route("/party/work-logs/export.xlsx", get(export_logs))
        .route("/party/work-logs/{id}/act/{action}", post(log_act))
        .route("/party/reports", get(reports))
        .route("/party/reports/export.xlsx", get(export_reports))
        .route("/party/reports/{staff_id}", get(report))
        .route("/party/reports/{staff_id}/export.xlsx", get(export_report))
}

const ACTIVE: &str = "/party/staff";
const ALL_KINDS: [&str; 8] = [
    "enterprise",
    "university",
    "institute",
    "government",
    "finance",
    "intermediary",
    "association",
    "other",
];

fn roles() -> Vec<(&'static str, &'static str)> {
    StaffRole::ALL
        .iter()
        .map(|r| (r.as_str(), r.label_zh()))
        .collect()
}

fn kinds() -> Vec<(&'static str, &'static str)> {
    LogKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.label_zh()))
        .collect()
}

fn o(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

/// (id, name) of every chief service officer, for the assistant's select.
async fn officer_choices(st: &AppState) -> ApiResult<Vec<(String, String)>> {
    Ok(store::officers(&st.db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect())
}

/// (id, "name（role · party organisation or department）") of all staff,
/// for filters and the log form: people of the same name (the demo has 31
/// called 周雪梅) are told apart by where they serve.
async fn staff_choices(st: &AppState) -> ApiResult<Vec<(String, String)>> {
    let parties = kechuang_store::names::all(&st.db, "party_orgs").await?;
    let departments = kechuang_store::names::all(&st.db, "departments").await?;
    Ok(store::list_all(&st.db, &Default::default(), 10_000)
        .await?
        .into_iter()
        .map(|s| {
            let place = s
                .party_org_id
                .as_ref()
                .and_then(|id| parties.get(id))
                .or_else(|| s.department_id.as_ref().and_then(|id| departments.get(id)));
            let role = store::role_label(&s.staff_role);
            let label = match place {
                Some(place) => format!("{}（{role} · {place}）", s.name),
                None => format!("{}（{role}）", s.name),
            };
            (s.id, label)
        })
        .collect())
}

/// What the caller may do with logs: any staff, or only their own record.
struct LogRights {
    any: bool,
    own: String,
}

async fn log_rights(st: &AppState, p: &Principal) -> ApiResult<LogRights> {
    Ok(LogRights {
        any: p.can(Permission::PartyWrite),
        own: if p.can(Permission::StaffLog) {
            service::own_staff(st, p)
                .await?
                .map(|s| s.id)
                .unwrap_or_default()
        } else {
            String::new()
        },
    })
}

impl LogRights {
    fn may(&self, staff_id: &str) -> bool {
        self.any || (!self.own.is_empty() && self.own == staff_id)
    }
}

// ---------------------------------------------------------------- staff list

#[derive(Template)]
#[template(path = "party/staff.html")]
struct ListPage {
    page: PageCtx,
    rows: Vec<StaffView>,
    pager: Pager,
    q: StaffListQuery,
    counts: StaffCounts,
    export_href: String,
    roles: Vec<(&'static str, &'static str)>,
    departments: Vec<(String, String)>,
    party_orgs: Vec<(String, String)>,
    officers: Vec<(String, String)>,
    users: Vec<(String, String)>,
    can_write: bool,
    own: String,
    fs: FormState,
    imp: ImportPanel,
    /// The assignments ledger's panel.
    assign_imp: ImportPanel,
}

/// The assignments ledger's import panel.
const ASSIGNMENT_IMPORT: (&str, &str, &str, &str) = (
    "import-assignments",
    "/party/staff/assignments/import",
    "/api/v1/party/assignments/import/template",
    "服务人员按姓名和身份识别（须已在服务队伍中）；单位按统一社会信用代码，或名录中的全称；结束日期留空为至今。",
);

/// The register's import panel.
const STAFF_IMPORT: (&str, &str, &str, &str) = (
    "import-staff",
    "/party/staff/import",
    "/api/v1/party/staff/import/template",
    "身份写中文名称（如 首席服务官、党建助手）；部门、党组织按名称识别；党建助手的首席服务官按姓名，可写在本文件前面的行；关联账号填用户名。",
);

impl ListPage {
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
}

pub async fn list(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<StaffListQuery>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(list_page(&st, &p, q, FormState::default(), fl.flash.as_deref()).await?)
}

async fn list_page(
    st: &AppState,
    p: &Principal,
    q: StaffListQuery,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    list_page_with(st, p, q, fs, ("", vec![]), flash).await
}

/// The list, with the import panel `refused.0` (its id) showing the refusal.
async fn list_page_with(
    st: &AppState,
    p: &Principal,
    q: StaffListQuery,
    fs: FormState,
    refused: (&str, Vec<crate::excel::ImportProblem>),
    flash: Option<&str>,
) -> ApiResult<Response> {
    let (panel, problems) = refused;
    let quiet = FormState::default();
    let (staff_fs, staff_problems, assign_fs, assign_problems) = if panel == ASSIGNMENT_IMPORT.0 {
        (&quiet, vec![], &fs, problems)
    } else {
        (&fs, problems, &quiet, vec![])
    };
    let imp = ImportPanel::new(STAFF_IMPORT, staff_fs, staff_problems);
    let assign_imp = ImportPanel::new(ASSIGNMENT_IMPORT, assign_fs, assign_problems);
    require(p, Permission::PartyRead)?;
    let page = store::list(
        &st.db,
        &q.filter()?,
        kechuang_store::PageReq::new(q.page, q.per_page)?,
    )
    .await?;
    let query = query_string(&[
        ("q", o(&q.q)),
        ("role", o(&q.role)),
        ("department_id", o(&q.department_id)),
        ("assistant_of", o(&q.assistant_of)),
    ]);
    let pager = Pager::new(&page, &format!("/party/staff?{query}"));
    let can_write = p.can(Permission::PartyWrite);
    Ok(render(&ListPage {
        page: PageCtx::new(
            st,
            p,
            "服务队伍",
            ACTIVE,
            &[("党建引领", "/party"), ("服务队伍", "")],
        )
        .flash_code(flash),
        rows: service::staff_views(st, page.items).await?,
        pager,
        counts: service::counts_of(st, p).await?,
        export_href: format!("/party/staff/export.xlsx?{query}"),
        q,
        roles: roles(),
        departments: department_choices(st).await?,
        party_orgs: if can_write {
            kechuang_store::party::network::choices(&st.db).await?
        } else {
            vec![]
        },
        officers: officer_choices(st).await?,
        users: if can_write {
            store::user_choices(&st.db).await?
        } else {
            vec![]
        },
        can_write,
        own: log_rights(st, p).await?.own,
        imp,
        assign_imp,
        fs,
    }))
}

pub async fn export_assignments(State(st): State<AppState>, PageUser(p): PageUser) -> PageResult {
    let b = crate::service::party::staff_sheets::assignments_export_bytes(&st, &p).await?;
    Ok(excel::xlsx_response("联系单位台账.xlsx", b))
}

/// POST /party/staff/assignments/import (multipart; CSRF token in the query).
pub async fn import_assignments(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    mp: axum::extract::Multipart,
) -> PageResult {
    let r = async {
        let bytes = crate::excel::upload(mp).await?;
        crate::service::party::staff_sheets::assignments_import_bytes(&st, &p, &bytes).await
    }
    .await;
    answer_import(&st, &p, ASSIGNMENT_IMPORT.0, r).await
}

/// POST /party/staff/import (multipart; the CSRF token rides in the query).
pub async fn import(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    mp: axum::extract::Multipart,
) -> PageResult {
    let r = async {
        let bytes = crate::excel::upload(mp).await?;
        crate::service::party::staff_sheets::import_bytes(&st, &p, &bytes).await
    }
    .await;
    answer_import(&st, &p, STAFF_IMPORT.0, r).await
}

/// The list again after an import: done, or the refusal in its panel.
async fn answer_import(
    st: &AppState,
    p: &Principal,
    panel: &str,
    r: Result<usize, crate::excel::ImportFailure>,
) -> PageResult {
    crate::pages::actions::import_answer(r, ACTIVE, |fs, problems| {
        list_page_with(
            st,
            p,
            StaffListQuery::default(),
            fs,
            (panel, problems),
            None,
        )
    })
    .await
}

pub async fn export(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<StaffListQuery>,
) -> PageResult {
    let b = service::staff_export_bytes(&st, &p, &q).await?;
    Ok(excel::xlsx_response("服务队伍.xlsx", b))
}

pub async fn create(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result = match draft(&pairs) {
        Ok(d) => service::create_staff(&st, &p, &d).await,
        Err(e) => Err(e),
    };
    answer(
        result.map(|m| done(&format!("/party/staff/{}", m.id), "created")),
        "new",
        pairs,
        |fs| list_page(&st, &p, StaffListQuery::default(), fs, None),
    )
    .await
}

// ---------------------------------------------------------------- staff page

#[derive(Template)]
#[template(path = "party/staff_detail.html")]
struct DetailPage {
    page: PageCtx,
    d: StaffDetailView,
    logs: Vec<WorkLogView>,
    logs_total: u64,
    roles: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    departments: Vec<(String, String)>,
    party_orgs: Vec<(String, String)>,
    officers: Vec<(String, String)>,
    users: Vec<(String, String)>,
    /// Organisations for the forms: assigned ones first.
    orgs: Vec<(String, String)>,
    categories: Vec<(String, String)>,
    can_write: bool,
    can_log: bool,
    is_officer: bool,
    today: String,
    fs: FormState,
}

impl DetailPage {
    fn date(&self, d: impl std::borrow::Borrow<NaiveDate>) -> String {
        fmt_date(*d.borrow())
    }
    fn until(&self, d: &Option<NaiveDate>, open: &str) -> String {
        d.map(fmt_date).unwrap_or_else(|| open.to_string())
    }
    /// The staff's value of an edit-form field, as the form shows it.
    fn current(&self, field: &str) -> String {
        let s = &self.d.staff.staff;
        match field {
            "name" => s.name.clone(),
            "staff_role" => s.staff_role.clone(),
            "phone" => s.phone.clone(),
            "department_id" => s.department_id.clone().unwrap_or_default(),
            "party_org_id" => s.party_org_id.clone().unwrap_or_default(),
            "user_id" => s.user_id.clone().unwrap_or_default(),
            "assistant_of" => s.assistant_of.clone().unwrap_or_default(),
            _ => String::new(),
        }
    }
    /// The rejected form was about this row (assignment or log).
    fn about(&self, form: &str, key: &str, id: &str) -> bool {
        self.fs.is(form) && self.fs.val(form, key, "") == id
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

async fn category_choices(st: &AppState) -> ApiResult<Vec<(String, String)>> {
    Ok(kechuang_store::cases::categories(&st.db)
        .await?
        .into_iter()
        .filter(|c| c.active)
        .map(|c| (c.id, c.name))
        .collect())
}

/// Organisations for a staff member's forms: assigned ones first.
async fn orgs_for(st: &AppState, first: &[(String, String)]) -> ApiResult<Vec<(String, String)>> {
    let seen: HashSet<&str> = first.iter().map(|(id, _)| id.as_str()).collect();
    let mut out = first.to_vec();
    out.extend(
        org_choices(st, &ALL_KINDS)
            .await?
            .into_iter()
            .filter(|(id, _)| !seen.contains(id.as_str())),
    );
    Ok(out)
}

async fn detail_page(
    st: &AppState,
    p: &Principal,
    id: &str,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    let d = service::detail_of(st, p, id).await?;
    let page = store::logs(
        &st.db,
        &store::LogFilter {
            staff_ids: Some(vec![id.to_string()]),
            ..Default::default()
        },
        kechuang_store::PageReq::first(50),
    )
    .await?;
    let rights = log_rights(st, p).await?;
    let can_write = p.can(Permission::PartyWrite);
    let mut assigned: Vec<(String, String)> = vec![];
    for a in d.assignments.iter().filter(|a| a.current) {
        if !assigned.iter().any(|(i, _)| *i == a.assignment.org_id) {
            assigned.push((
                a.assignment.org_id.clone(),
                format!("{}（联系单位）", a.org_name),
            ));
        }
    }
    let name = d.staff.staff.name.clone();
    Ok(render(&DetailPage {
        page: PageCtx::new(
            st,
            p,
            &name,
            ACTIVE,
            &[
                ("党建引领", "/party"),
                ("服务队伍", "/party/staff"),
                (&name, ""),
            ],
        )
        .flash_code(flash),
        logs: service::log_views(st, page.items).await?,
        logs_total: page.total,
        roles: roles(),
        kinds: kinds(),
        departments: department_choices(st).await?,
        party_orgs: if can_write {
            kechuang_store::party::network::choices(&st.db).await?
        } else {
            vec![]
        },
        officers: officer_choices(st)
            .await?
            .into_iter()
            .filter(|(o, _)| o != id)
            .collect(),
        users: if can_write {
            store::user_choices(&st.db).await?
        } else {
            vec![]
        },
        orgs: orgs_for(st, &assigned).await?,
        categories: category_choices(st).await?,
        can_write,
        can_log: rights.may(id),
        is_officer: d.staff.staff.staff_role == StaffRole::ServiceOfficer.as_str(),
        today: kechuang_store::clock::today().to_string(),
        d,
        fs,
    }))
}

/// POST /party/staff/{id}/act/{action}: edit, assign, end, log.
pub async fn act(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path((id, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result: ApiResult<&str> = async {
        match action.as_str() {
            "edit" => {
                let version = field(&pairs, "version").parse().unwrap_or(0);
                service::update_staff(&st, &p, &id, version, &draft(&pairs)?)
                    .await
                    .map(|_| "saved")
            }
            "assign" => service::assign(&st, &p, &id, &draft(&pairs)?)
                .await
                .map(|_| "created"),
            "end" => service::end(
                &st,
                &p,
                &id,
                field(&pairs, "assignment_id"),
                &draft(&pairs)?,
            )
            .await
            .map(|_| "saved"),
            "log" => {
                let mut d: crate::forms::party::staff::LogDraft = draft(&pairs)?;
                d.staff_id = id.clone();
                service::create_log(&st, &p, &d).await.map(|_| "created")
            }
            _ => Err(ApiError::not_found()),
        }
    }
    .await;
    answer(
        result.map(|flash| done(&format!("/party/staff/{id}"), flash)),
        &action,
        pairs,
        |fs| detail_page(&st, &p, &id, fs, None),
    )
    .await
}

// ---------------------------------------------------------------- work logs

#[derive(Template)]
#[template(path = "party/staff_logs.html")]
struct LogsPage {
    page: PageCtx,
    rows: Vec<WorkLogView>,
    pager: Pager,
    q: LogListQuery,
    export_href: String,
    kinds: Vec<(&'static str, &'static str)>,
    staff: Vec<(String, String)>,
    orgs: Vec<(String, String)>,
    categories: Vec<(String, String)>,
    any: bool,
    own: String,
    today: String,
    fs: FormState,
}

impl LogsPage {
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
    fn date(&self, d: impl std::borrow::Borrow<NaiveDate>) -> String {
        fmt_date(*d.borrow())
    }
    fn may(&self, staff_id: &str) -> bool {
        self.any || (!self.own.is_empty() && self.own == staff_id)
    }
    fn can_log(&self) -> bool {
        self.any || !self.own.is_empty()
    }
    fn about(&self, form: &str, key: &str, id: &str) -> bool {
        self.fs.is(form) && self.fs.val(form, key, "") == id
    }
}

pub async fn logs(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<LogListQuery>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(logs_page(&st, &p, q, FormState::default(), fl.flash.as_deref()).await?)
}

async fn logs_page(
    st: &AppState,
    p: &Principal,
    q: LogListQuery,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    require(p, Permission::PartyRead)?;
    let page = store::logs(
        &st.db,
        &q.filter()?,
        kechuang_store::PageReq::new(q.page, q.per_page)?,
    )
    .await?;
    let query = query_string(&[
        ("q", o(&q.q)),
        ("staff_id", o(&q.staff_id)),
        ("org_id", o(&q.org_id)),
        ("from", o(&q.from)),
        ("to", o(&q.to)),
        ("kind", o(&q.kind)),
        ("has_problems", o(&q.has_problems)),
        ("converted", o(&q.converted)),
    ]);
    let pager = Pager::new(&page, &format!("/party/work-logs?{query}"));
    let rights = log_rights(st, p).await?;
    Ok(render(&LogsPage {
        page: PageCtx::new(
            st,
            p,
            "工作记录",
            ACTIVE,
            &[
                ("党建引领", "/party"),
                ("服务队伍", "/party/staff"),
                ("工作记录", ""),
            ],
        )
        .flash_code(flash),
        rows: service::log_views(st, page.items).await?,
        pager,
        export_href: format!("/party/work-logs/export.xlsx?{query}"),
        q,
        kinds: kinds(),
        staff: staff_choices(st).await?,
        orgs: org_choices(st, &ALL_KINDS).await?,
        categories: category_choices(st).await?,
        any: rights.any,
        own: rights.own,
        today: kechuang_store::clock::today().to_string(),
        fs,
    }))
}

pub async fn export_logs(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<LogListQuery>,
) -> PageResult {
    let b = service::logs_export_bytes(&st, &p, &q).await?;
    Ok(excel::xlsx_response("工作记录.xlsx", b))
}

pub async fn create_log(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result = match draft(&pairs) {
        Ok(d) => service::create_log(&st, &p, &d).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(done("/party/work-logs", "created")),
        Err(e) if matches!(e.status.as_u16(), 403 | 409 | 422) => {
            let status = e.status;
            let fs = FormState::rejected("log", pairs, &e);
            let r = logs_page(&st, &p, LogListQuery::default(), fs, None).await?;
            Ok(with_status(r, status))
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /party/work-logs/{id}/act/{action}: case (转为诉求), delete. Back to
/// the page named by `back` ("logs" or the staff page).
pub async fn log_act(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path((id, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let staff_id = store::get_log(&st.db, &id).await?.staff_id;
    let result: ApiResult<&str> = async {
        match action.as_str() {
            "case" => service::to_case(&st, &p, &id, &draft(&pairs)?)
                .await
                .map(|_| "log_to_case"),
            "delete" => {
                let version = field(&pairs, "version").parse().unwrap_or(0);
                service::delete_log(&st, &p, &id, version)
                    .await
                    .map(|_| "deleted")
            }
            _ => Err(ApiError::not_found()),
        }
    }
    .await;
    let to_logs = field(&pairs, "back") == "logs";
    let mut pairs = pairs;
    pairs.push(("log_id".into(), id.clone()));
    match result {
        Ok(flash) if to_logs => Ok(done("/party/work-logs", flash)),
        Ok(flash) => Ok(done(&format!("/party/staff/{staff_id}"), flash)),
        Err(e) if matches!(e.status.as_u16(), 409 | 422) => {
            let status = e.status;
            let fs = FormState::rejected(&action, pairs, &e);
            let page = if to_logs {
                logs_page(&st, &p, LogListQuery::default(), fs, None).await
            } else {
                detail_page(&st, &p, &staff_id, fs, None).await
            };
            let r = page?;
            Ok(with_status(r, status))
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- reports

/// A named period for the quick links.
struct PeriodLink {
    label: String,
    href: String,
}

fn period_links(base: &str) -> Vec<PeriodLink> {
    let today = kechuang_store::clock::today();
    let (qf, qt) = store::quarter_of(today);
    let (pf, pt) = store::quarter_of(qf - chrono::Duration::days(1));
    let year_from = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(qf);
    let year_to = NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(qt);
    [
        ("本季度", qf, qt),
        ("上季度", pf, pt),
        ("本年度", year_from, year_to),
    ]
    .into_iter()
    .map(|(l, f, t)| PeriodLink {
        label: l.into(),
        href: format!("{base}?from={f}&to={t}"),
    })
    .collect()
}

#[derive(Template)]
#[template(path = "party/reports.html")]
struct ReportsPage {
    page: PageCtx,
    s: ReportSummary,
    period: String,
    links: Vec<PeriodLink>,
    export_href: String,
}

impl ReportsPage {
    fn date(&self, d: impl std::borrow::Borrow<NaiveDate>) -> String {
        fmt_date(*d.borrow())
    }
}

fn period_query(from: NaiveDate, to: NaiveDate) -> String {
    format!("from={from}&to={to}")
}

pub async fn reports(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    let r = async {
        let s = service::summary_of(&st, &p, &q).await?;
        let period = period_query(s.from, s.to);
        Ok::<_, ApiError>(render(&ReportsPage {
            page: PageCtx::new(
                &st,
                &p,
                "首席服务官报告",
                ACTIVE,
                &[
                    ("党建引领", "/party"),
                    ("服务队伍", "/party/staff"),
                    ("首席服务官报告", ""),
                ],
            ),
            export_href: format!("/party/reports/export.xlsx?{period}"),
            links: period_links("/party/reports"),
            period,
            s,
        }))
    }
    .await;
    Ok(r?)
}

pub async fn export_reports(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    let b = service::summary_export_bytes(&st, &p, &q).await?;
    Ok(excel::xlsx_response("首席服务官报告汇总.xlsx", b))
}

#[derive(Template)]
#[template(path = "party/reports_detail.html")]
struct ReportPage {
    page: PageCtx,
    r: ReportView,
    links: Vec<PeriodLink>,
    export_href: String,
    generated: String,
}

impl ReportPage {
    fn date(&self, d: impl std::borrow::Borrow<NaiveDate>) -> String {
        fmt_date(*d.borrow())
    }
    fn date_opt(&self, d: &Option<NaiveDate>) -> String {
        d.map(fmt_date).unwrap_or_default()
    }
    fn until(&self, d: &Option<NaiveDate>, open: &str) -> String {
        d.map(fmt_date).unwrap_or_else(|| open.to_string())
    }
    fn assistants(&self) -> String {
        self.r
            .assistants
            .iter()
            .map(|a| a.staff.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }
}

pub async fn report(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(staff_id): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    let r = async {
        let r = service::report_of(&st, &p, &staff_id, &q).await?;
        let title = format!("首席服务官报告：{}", r.officer.staff.name);
        let period = period_query(r.from, r.to);
        Ok::<_, ApiError>(render(&ReportPage {
            page: PageCtx::new(
                &st,
                &p,
                &title,
                ACTIVE,
                &[
                    ("党建引领", "/party"),
                    ("首席服务官报告", &format!("/party/reports?{period}")),
                    (&r.officer.staff.name, ""),
                ],
            ),
            export_href: format!("/party/reports/{staff_id}/export.xlsx?{period}"),
            links: period_links(&format!("/party/reports/{staff_id}")),
            generated: fmt_date(kechuang_store::clock::today()),
            r,
        }))
    }
    .await;
    Ok(r?)
}

pub async fn export_report(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(staff_id): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    let (name, b) = service::report_export_bytes(&st, &p, &staff_id, &q).await?;
    Ok(excel::xlsx_response(&name, b))
}

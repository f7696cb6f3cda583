//! Event pages (赛会展演): the calendar (/events, filters, export), an
//! event with its registration form, a ticket with its QR code, the
//! phone-sized check-in page, the registrations list (报名签到), reach
//! (活动成效) with the records behind each figure, a series' page, and the
//! iCalendar feeds, answered as `text/calendar` for calendar apps (no
//! sign-in: the public calendar of published events, one per series, and a
//! user's own at a secret address).

use askama::Template;
use axum::extract::FromRequestParts;
use axum::extract::Query;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use kechuang_domain::auth::Permission;
use kechuang_domain::events::{EventKind, EventStatus, RegistrationStatus, Sector};

use crate::auth::{require, PageUser};
use crate::excel;
use crate::forms::events::{CheckinDraft, RegistrationDraft};
use crate::pages::actions::{done, draft, import_answer, FlashQuery, FormState, ImportPanel};
use crate::pages::{fmt_date, query_string, render, PageCtx, PageResult, Pager};
use crate::service::events::{
    CalendarEventView, CheckinView, EventDetailView, EventListQuery, ReachAttendanceView,
    ReachQuery, ReachView, RegistrationListQuery, RegistrationView, SeriesDetailView, TicketView,
};

use crate::error::ApiResult;
use crate::service::event_sheets as sheets;
use crate::service::events as service;
use crate::AppState;

mod mine;
mod organise;

fn calendar_response(name: &str, r: ApiResult<String>) -> Response {
    match r {
        Ok(body) => (
            StatusCode::OK,
            [
                (
                    header::CONTENT_TYPE,
                    "text/calendar; charset=utf-8".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("inline; filename=\"{name}\""),
                ),
                (header::CACHE_CONTROL, "no-cache".to_string()),
            ],
            body,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

async fn all_feed(State(st): State<AppState>, h: HeaderMap) -> Response {
    calendar_response(
        "events.ics",
        service::public_feed(&st, &service::base_url(&st, &h)).await,
    )
}

async fn series_feed(
    State(st): State<AppState>,
    Path(file): Path<String>,
    req: axum::extract::Request,
) -> Response {
    let (mut parts, _) = req.into_parts();
    let Some(id) = file.strip_suffix(".ics") else {
        // Not a feed: the series' own page, for a signed-in reader.
        return match PageUser::from_request_parts(&mut parts, &st).await {
            Ok(PageUser(p)) => series_page(&st, &p, &file).await.into_response(),
            Err(r) => r,
        };
    };
    calendar_response(
        "series.ics",
        service::series_feed(&st, &service::base_url(&st, &parts.headers), id).await,
    )
}

async fn my_feed(
    State(st): State<AppState>,
    h: HeaderMap,
    Path((user_id, file)): Path<(String, String)>,
) -> Response {
    let Some(token) = file.strip_suffix(".ics") else {
        return crate::error::ApiError::not_found().into_response();
    };
    calendar_response(
        "my-events.ics",
        service::user_feed(&st, &service::base_url(&st, &h), &user_id, token).await,
    )
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/events", get(list).post(organise::create))
        .route("/events/new", get(organise::new_form))
        .route("/events/mine", get(mine::page))
        .route("/events/export.xlsx", get(export))
        .route("/events/import", post(import))
        .route("/events/{id}", get(detail))
        .route("/events/{id}/edit", get(organise::edit_form))
        .route("/events/{id}/act/{action}", post(organise::act))
        .route(
            "/events/registrations/{id}/act/{action}",
            post(organise::registration_act),
        )
        .route("/events/{id}/register", post(register))
        .route("/events/{id}/checkin", get(checkin_page).post(checkin))
        .route("/events/tickets/{id}", get(ticket))
        .route("/events/registrations", get(registrations))
        .route("/events/registrations/import", post(import_registrations))
        .route("/events/reach", get(reach))
        .route("/events/reach/records", get(reach_records))
        .route("/events.ics", get(all_feed))
        .route("/events/series/{file}", get(series_feed))
        .route("/events/my/{user_id}/{file}", get(my_feed))
}

const EVENTS: &str = "/events";

fn crumbs(last: &str) -> Vec<(&str, &str)> {
    vec![("赛会展演", EVENTS), (last, "")]
}

fn kinds() -> Vec<(&'static str, &'static str)> {
    EventKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.label_zh()))
        .collect()
}

fn statuses() -> Vec<(&'static str, &'static str)> {
    EventStatus::ALL
        .iter()
        .map(|k| (k.as_str(), k.label_zh()))
        .collect()
}

fn sectors() -> Vec<(&'static str, &'static str)> {
    Sector::ALL
        .iter()
        .map(|k| (k.as_str(), k.label_zh()))
        .collect()
}

#[derive(Template)]
#[template(path = "events/list.html")]
struct ListPage {
    page: PageCtx,
    rows: Vec<CalendarEventView>,
    pager: Pager,
    q: EventListQuery,
    series: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    export_href: String,
    can_write: bool,
    imp: ImportPanel,
}

/// The calendar's import panel.
const EVENT_IMPORT: (&str, &str, &str, &str) = (
    "import-events",
    "/events/import",
    "/api/v1/events/import/template",
    "类型、状态按中文名（草稿、已发布、已取消，已取消的写取消原因）；系列、所属联盟按名称；主办、协办写部门名称或编码、单位全称或统一社会信用代码，以“、”分隔；时间写“09:00～17:00”或“09:00起”，全天留空。已确认、候补等由报名统计，不必填写。",
);

impl ListPage {
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
}

async fn list(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<EventListQuery>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(list_page(
        &st,
        &p,
        q,
        FormState::default(),
        vec![],
        fl.flash.as_deref(),
    )
    .await?)
}

/// POST /events/import (multipart; the CSRF token rides in the query).
async fn import(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    mp: axum::extract::Multipart,
) -> PageResult {
    let r = async {
        let bytes = crate::excel::upload(mp).await?;
        sheets::import_bytes(&st, &p, &bytes).await
    }
    .await;
    import_answer(r, EVENTS, |fs, problems| {
        list_page(&st, &p, EventListQuery::default(), fs, problems, None)
    })
    .await
}

/// The calendar, with the import panel showing a refused import's bad cells.
async fn list_page(
    st: &AppState,
    p: &kechuang_store::Principal,
    q: EventListQuery,
    fs: FormState,
    problems: Vec<crate::excel::ImportProblem>,
    flash: Option<&str>,
) -> ApiResult<Response> {
    let imp = ImportPanel::new(EVENT_IMPORT, &fs, problems);
    let page = service::list_events(st, p, &q).await?;
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let (qq, kind, status, series, alliance, from, to, sort) = (
        o(&q.q),
        o(&q.kind),
        o(&q.status),
        o(&q.series_id),
        o(&q.alliance_id),
        o(&q.from),
        o(&q.to),
        o(&q.sort),
    );
    let query = query_string(&[
        ("q", &qq),
        ("kind", &kind),
        ("status", &status),
        ("series_id", &series),
        ("alliance_id", &alliance),
        ("from", &from),
        ("to", &to),
        ("sort", &sort),
    ]);
    Ok(render(&ListPage {
        page: PageCtx::new(st, p, "活动日历", EVENTS, &crumbs("活动日历")).flash_code(flash),
        pager: Pager::new(&page, &format!("{EVENTS}?{query}")),
        rows: page.items,
        export_href: format!("/events/export.xlsx?{query}"),
        can_write: p.can(Permission::EventsWrite),
        imp,
        series: service::series_names(st).await?,
        kinds: kinds(),
        statuses: statuses(),
        q,
    }))
}

async fn export(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<EventListQuery>,
) -> PageResult {
    let b = sheets::export_bytes(&st, &p, &q).await?;
    Ok(excel::xlsx_response("活动.xlsx", b))
}

#[derive(Template)]
#[template(path = "events/detail.html")]
struct DetailPage {
    page: PageCtx,
    d: EventDetailView,
    mine: Vec<RegistrationView>,
    can_register: bool,
    can_write: bool,
    own_org: bool,
    sectors: Vec<(&'static str, &'static str)>,
    outcome_kinds: Vec<(&'static str, &'static str)>,
    fs: FormState,
}

impl DetailPage {
    fn ev(&self) -> &kechuang_store::entities::event::Model {
        &self.d.event.event
    }
    fn is_draft(&self) -> bool {
        self.ev().status == EventStatus::Draft.as_str()
    }
    /// The refusals of the one-button actions (they have no fields).
    fn action_errors(&self) -> Vec<String> {
        ["publish", "delete", "outcome_delete"]
            .iter()
            .map(|a| self.fs.err(a, "_form"))
            .filter(|e| !e.is_empty())
            .collect()
    }
    /// Whether the door is open: check-in and walk-ins from the first day.
    fn started(&self) -> bool {
        self.ev().starts_on <= kechuang_store::clock::today()
    }
    fn open(&self) -> bool {
        organise::open_for_changes(self.ev())
    }
}

async fn detail_page(
    st: &AppState,
    p: &kechuang_store::Principal,
    id: &str,
    fs: FormState,
    flash: Option<&str>,
) -> PageResult {
    let d = service::event_detail(st, p, id).await?;
    let mine = service::list_registrations(
        st,
        p,
        &RegistrationListQuery {
            event_id: Some(id.to_string()),
            mine: Some("true".into()),
            per_page: Some(200),
            ..Default::default()
        },
    )
    .await?
    .items;
    let title = d.event.event.title.clone();
    let status = if fs.is("register") {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let r = render(&DetailPage {
        page: PageCtx::new(st, p, &title, EVENTS, &crumbs(&title)).flash_code(flash),
        can_register: p.can(Permission::EventsRegister)
            && d.event.event.status == EventStatus::Published.as_str(),
        can_write: p.can(Permission::EventsWrite) && d.may_manage,
        own_org: matches!(p.scope, kechuang_store::Scope::Org(_)),
        d,
        mine,
        sectors: sectors(),
        outcome_kinds: organise::outcome_kinds(),
        fs,
    });
    Ok(crate::pages::actions::with_status(r, status))
}

async fn detail(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    detail_page(&st, &p, &id, FormState::default(), fl.flash.as_deref()).await
}

async fn register(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result = match draft::<RegistrationDraft>(&pairs) {
        Ok(d) => service::register(&st, &p, &id, &d).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(r) => Ok(done(&format!("/events/tickets/{}", r.id), "created")),
        Err(e) if e.status.as_u16() == 422 || e.status.as_u16() == 409 => {
            let fs = FormState::rejected("register", pairs, &e);
            detail_page(&st, &p, &id, fs, None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "events/ticket.html")]
struct TicketPage {
    page: PageCtx,
    t: TicketView,
}

async fn ticket(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    let t = service::ticket(&st, &p, &id).await?;
    Ok(render(&TicketPage {
        page: PageCtx::new(&st, &p, "电子票", EVENTS, &crumbs("电子票"))
            .flash_code(fl.flash.as_deref()),
        t,
    }))
}

#[derive(Template)]
#[template(path = "events/checkin.html")]
struct CheckinPage {
    page: PageCtx,
    event: CalendarEventView,
    answer: Option<CheckinView>,
    error: String,
}

async fn checkin_view(
    st: &AppState,
    p: &kechuang_store::Principal,
    id: &str,
    answer: Option<CheckinView>,
    error: String,
) -> PageResult {
    require(p, Permission::EventsWrite)?;
    let d = service::event_detail(st, p, id).await?;
    Ok(render(&CheckinPage {
        page: PageCtx::new(
            st,
            p,
            "现场签到",
            "/events/registrations",
            &crumbs("现场签到"),
        ),
        event: d.event,
        answer,
        error,
    }))
}

async fn checkin_page(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
) -> PageResult {
    checkin_view(&st, &p, &id, None, String::new()).await
}

async fn checkin(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Form(d): Form<CheckinDraft>,
) -> PageResult {
    match service::check_in(&st, &p, &id, &d).await {
        Ok(a) => checkin_view(&st, &p, &id, Some(a), String::new()).await,
        Err(e) if e.status.as_u16() == 422 => {
            let msg = crate::forms::fields_of(&e, &["code"])
                .into_iter()
                .map(|(_, m)| m)
                .collect::<Vec<_>>()
                .join("；");
            checkin_view(&st, &p, &id, None, msg).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "events/registrations.html")]
struct RegistrationsPage {
    page: PageCtx,
    rows: Vec<RegistrationView>,
    pager: Pager,
    q: RegistrationListQuery,
    export_href: String,
    /// The query an action keeps, so the list comes back on its event.
    act_query: String,
    statuses: Vec<(&'static str, &'static str)>,
    fs: FormState,
    imp: ImportPanel,
}

/// The registrations' import panel.
const REGISTRATION_IMPORT: (&str, &str, &str, &str) = (
    "import-registrations",
    "/events/registrations/import",
    "/api/v1/events/registrations/import/template",
    "活动写活动名称，同名活动写“名称（开始日期）”；单位写单位全称或统一社会信用代码，未登记的单位写名称和信用代码；领域、状态按中文名，状态留空则按报名规则（需审核、名额）排定；票码留空则新发；报名时间、签到时间写“2026-06-01 09:30”（北京时间，只写日期为当日0时），签到的报名为已确认。",
);

impl RegistrationsPage {
    fn form(&self, r: &RegistrationView) -> String {
        format!("reg-{}", r.registration.id)
    }
    fn reason(&self, r: &RegistrationView) -> String {
        self.fs.val(&self.form(r), "reason", "")
    }
    fn err(&self, r: &RegistrationView) -> String {
        let f = self.form(r);
        let e = self.fs.err(&f, "reason");
        if e.is_empty() {
            self.fs.err(&f, "_form")
        } else {
            e
        }
    }
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
    /// Pending registrations may be approved; pending, confirmed or
    /// waitlisted ones rejected or cancelled.
    fn may(&self, r: &RegistrationView, action: &str) -> bool {
        let s = RegistrationStatus::parse(&r.registration.status);
        match action {
            "approve" => s == Some(RegistrationStatus::Pending),
            _ => s.is_some_and(RegistrationStatus::is_active) && !r.checked_in,
        }
    }
}

impl IntoResponse for RegistrationsPage {
    fn into_response(self) -> Response {
        render(&self)
    }
}

async fn registrations(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<RegistrationListQuery>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    let mut r = registrations_page(&st, &p, q, FormState::default()).await?;
    if let Some(f) = fl.flash.as_deref() {
        r.page = r.page.flash_code(Some(f));
    }
    Ok(render(&r))
}

/// POST /events/registrations/import (multipart; the CSRF token rides in the query).
async fn import_registrations(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    mp: axum::extract::Multipart,
) -> PageResult {
    let r = async {
        let bytes = crate::excel::upload(mp).await?;
        crate::service::registration_sheets::import_bytes(&st, &p, &bytes).await
    }
    .await;
    import_answer(r, "/events/registrations", |fs, problems| async {
        let mut page = registrations_page(&st, &p, RegistrationListQuery::default(), fs).await?;
        page.imp = ImportPanel::new(REGISTRATION_IMPORT, &page.fs, problems);
        Ok(page.into_response())
    })
    .await
}

/// The registrations list (报名签到), with the approve/reject/cancel forms.
async fn registrations_page(
    st: &AppState,
    p: &kechuang_store::Principal,
    q: RegistrationListQuery,
    fs: FormState,
) -> ApiResult<RegistrationsPage> {
    require(p, Permission::EventsWrite)?;
    let page = service::list_registrations(st, p, &q).await?;
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let (ev, status, qq) = (o(&q.event_id), o(&q.status), o(&q.q));
    let query = query_string(&[("event_id", &ev), ("status", &status), ("q", &qq)]);
    Ok(RegistrationsPage {
        page: PageCtx::new(
            st,
            p,
            "报名签到",
            "/events/registrations",
            &crumbs("报名签到"),
        ),
        pager: Pager::new(&page, &format!("/events/registrations?{query}")),
        rows: page.items,
        export_href: format!("/api/v1/events/registrations/export?{query}"),
        act_query: query_string(&[("event_id", &ev)]),
        statuses: RegistrationStatus::ALL
            .iter()
            .map(|k| (k.as_str(), k.label_zh()))
            .collect(),
        q,
        imp: ImportPanel::new(REGISTRATION_IMPORT, &fs, vec![]),
        fs,
    })
}

#[derive(Template)]
#[template(path = "events/reach.html")]
struct ReachPage {
    page: PageCtx,
    r: ReachView,
    q: ReachQuery,
    series: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
}

impl ReachPage {
    fn groups(&self) -> Vec<(&'static str, &Vec<crate::service::events::ReachGroupView>)> {
        vec![
            ("按类型", &self.r.by_kind),
            ("按系列", &self.r.by_series),
            ("按领域（政产学研金介）", &self.r.by_sector),
            ("按月份", &self.r.by_month),
        ]
    }
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
}

async fn reach(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<ReachQuery>,
) -> PageResult {
    let r = service::reach(&st, &p, &q).await?;
    Ok(render(&ReachPage {
        page: PageCtx::new(&st, &p, "活动成效", "/events/reach", &crumbs("活动成效")),
        r,
        q,
        series: service::series_names(&st).await?,
        kinds: kinds(),
    }))
}

#[derive(Template)]
#[template(path = "events/series.html")]
struct SeriesPage {
    page: PageCtx,
    s: SeriesDetailView,
    feed: String,
}

impl SeriesPage {
    fn sr(&self) -> &kechuang_store::entities::event_series::Model {
        &self.s.series.series
    }
}

/// A series' (brand's) own page: its figures, its events, its feed.
async fn series_page(st: &AppState, p: &kechuang_store::Principal, id: &str) -> PageResult {
    let s = service::series_detail(st, p, id).await?;
    let name = s.series.series.name.clone();
    Ok(render(&SeriesPage {
        page: PageCtx::new(st, p, &name, EVENTS, &crumbs(&name)),
        feed: format!("/events/series/{id}.ics"),
        s,
    }))
}

#[derive(serde::Deserialize, Default)]
struct FigureParam {
    figure: Option<String>,
}

#[derive(Template)]
#[template(path = "events/reach_records.html")]
struct ReachRecordsPage {
    page: PageCtx,
    figure: String,
    events: Vec<kechuang_store::entities::event::Model>,
    rows: Vec<ReachAttendanceView>,
    pager: Option<Pager>,
    total: u64,
}

impl ReachRecordsPage {
    fn date(&self, d: &chrono::NaiveDate) -> String {
        fmt_date(*d)
    }
}

async fn reach_records(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(mut q): Query<ReachQuery>,
    Query(f): Query<FigureParam>,
    uri: axum::http::Uri,
) -> PageResult {
    let figure = f.figure.unwrap_or_else(|| "attendances".into());
    let base = format!("/events/reach/records?{}", uri.query().unwrap_or(""));
    let mut page = ReachRecordsPage {
        page: PageCtx::new(&st, &p, "成效明细", "/events/reach", &crumbs("成效明细")),
        figure: figure.clone(),
        events: vec![],
        rows: vec![],
        pager: None,
        total: 0,
    };
    if figure == "events" {
        let v = service::reach_events(&st, &p, &q).await?;
        page.total = v.total;
        page.events = v.items;
    } else {
        if figure == "institutions" {
            q.counted = Some("true".into());
        }
        let v = service::reach_attendances(&st, &p, &q).await?;
        let base = base
            .split('&')
            .filter(|kv| !kv.starts_with("page="))
            .collect::<Vec<_>>()
            .join("&");
        page.total = v.total;
        page.pager = Some(Pager::new(&v, &base));
        page.rows = v.items;
    }
    Ok(render(&page))
}

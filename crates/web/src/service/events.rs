//! The events service (赛会展演), PRODUCT.md A5: the calendar (publish,
//! change, cancel; registrants are told by site message), series such as
//! 两城汇, registrations on behalf of institutions with ticket codes and QR
//! codes, check-in at the door and walk-ins, outcomes, reach with the
//! records behind every figure, Excel exports and iCalendar feeds. The JSON
//! API and the pages both call it.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use kechuang_domain::auth::Permission;
use kechuang_domain::events::{
    EventKind, EventStatus, OrganiserRole, OutcomeKind, RegistrationStatus, Sector,
};
use kechuang_domain::ErrorCode;
use kechuang_store::entities::{event, event_outcome, event_registration, event_series};
use kechuang_store::events::calendar::{self, EventFilter, EventRow, EventSort};
use kechuang_store::events::reach::{self, ReachFilter, ReachRow, Slice};
use kechuang_store::events::registrations::{self, RegistrationFilter};
use kechuang_store::events::{checkin, outcomes, series, Actor};
use kechuang_store::{Page, PageReq, Principal, Scope};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::excel;
use crate::extract::{non_empty, opt_bool};
use crate::forms::events::{
    CheckinDraft, EventDraft, OutcomeDraft, ReasonDraft, RegistrationDraft, SeriesDraft,
};
use crate::ical;
use crate::AppState;

fn actor(p: &Principal) -> Actor {
    Actor::of(p)
}

/// Everyone's view of the calendar: published and cancelled events only.
fn public_actor() -> Actor {
    Actor {
        username: "public".into(),
        user_id: String::new(),
        scope: Scope::Org(None),
    }
}

fn label<T: Copy>(code: &str, parse: fn(&str) -> Option<T>, f: fn(T) -> &'static str) -> String {
    parse(code).map(f).unwrap_or("").to_string()
}

// ---------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------

/// An organiser of an event.
#[derive(Serialize, ToSchema)]
pub struct EventOrganiserView {
    /// lead（主办）/ co（协办）
    pub role: String,
    pub role_label: String,
    pub department_id: Option<String>,
    pub org_id: Option<String>,
    pub name: String,
}

/// How many registrations of an event are in each state.
#[derive(Serialize, ToSchema)]
pub struct EventCountsView {
    pub pending: u64,
    pub confirmed: u64,
    pub waitlisted: u64,
    pub rejected: u64,
    pub cancelled: u64,
    /// 已签到（含现场登记）
    pub checked_in: u64,
    /// 现场登记
    pub walk_ins: u64,
}

/// An event with its labels, series, organisers and registration counts.
#[derive(Serialize, ToSchema)]
pub struct CalendarEventView {
    #[serde(flatten)]
    pub event: event::Model,
    /// 竞赛 / 会议 / 展会 / 演出 / 路演 / 论坛 / 对接会
    pub kind_label: String,
    /// 草稿 / 已发布 / 已取消
    pub status_label: String,
    pub series_name: Option<String>,
    /// 所属联盟协会
    pub alliance_name: Option<String>,
    /// 全天活动（无具体时间）
    pub all_day: bool,
    /// 时间，如“2026年5月1日 09:30～17:00”“2026年5月1日～5月3日”
    pub when_text: String,
    pub organisers: Vec<EventOrganiserView>,
    pub counts: EventCountsView,
    /// 剩余名额；不限名额为空
    pub places_left: Option<u64>,
}

pub fn when_text(e: &event::Model) -> String {
    let d = kechuang_domain::events::date_zh;
    let t = |t: Option<chrono::NaiveTime>| t.map(|t| t.format("%H:%M").to_string());
    let days = if e.ends_on == e.starts_on {
        d(e.starts_on)
    } else if e.ends_on.year() == e.starts_on.year() {
        format!(
            "{}～{}月{}日",
            d(e.starts_on),
            e.ends_on.month(),
            e.ends_on.day()
        )
    } else {
        format!("{}～{}", d(e.starts_on), d(e.ends_on))
    };
    match (t(e.start_time), t(e.end_time)) {
        (Some(a), Some(b)) => format!("{days} {a}～{b}"),
        (Some(a), None) => format!("{days} {a}起"),
        _ => format!("{days}（全天）"),
    }
}

pub fn event_view(r: EventRow) -> CalendarEventView {
    let e = r.event;
    let c = r.counts;
    CalendarEventView {
        kind_label: label(&e.kind, EventKind::parse, EventKind::label_zh),
        status_label: label(&e.status, EventStatus::parse, EventStatus::label_zh),
        series_name: r.series_name,
        alliance_name: r.alliance_name,
        all_day: e.start_time.is_none() && e.end_time.is_none(),
        when_text: when_text(&e),
        organisers: r
            .organisers
            .into_iter()
            .map(|o| EventOrganiserView {
                role_label: label(
                    &o.organiser.role,
                    OrganiserRole::parse,
                    OrganiserRole::label_zh,
                ),
                role: o.organiser.role,
                department_id: o.organiser.department_id,
                org_id: o.organiser.org_id,
                name: o.name,
            })
            .collect(),
        places_left: e
            .capacity
            .map(|cap| (cap.max(0) as u64).saturating_sub(c.confirmed)),
        counts: EventCountsView {
            pending: c.pending,
            confirmed: c.confirmed,
            waitlisted: c.waitlisted,
            rejected: c.rejected,
            cancelled: c.cancelled,
            checked_in: c.checked_in,
            walk_ins: c.walk_ins,
        },
        event: e,
    }
}

/// An outcome with its label.
#[derive(Serialize, ToSchema)]
pub struct EventOutcomeView {
    #[serde(flatten)]
    pub outcome: event_outcome::Model,
    pub kind_label: String,
}

fn outcome_view(o: event_outcome::Model) -> EventOutcomeView {
    EventOutcomeView {
        kind_label: label(&o.kind, OutcomeKind::parse, OutcomeKind::label_zh),
        outcome: o,
    }
}

/// An event with its outcomes and whether the reader manages it.
#[derive(Serialize, ToSchema)]
pub struct EventDetailView {
    pub event: CalendarEventView,
    pub outcomes: Vec<EventOutcomeView>,
    /// 当前用户可管理本活动（修改、审核报名、签到、成效）
    pub may_manage: bool,
}

/// A registration with its labels.
#[derive(Serialize, ToSchema)]
pub struct RegistrationView {
    #[serde(flatten)]
    pub registration: event_registration::Model,
    /// 待审核 / 已确认 / 候补 / 未通过 / 已取消
    pub status_label: String,
    /// 政府部门 / 企业 / 高校 / 科研院所 / 金融机构 / 中介机构
    pub sector_label: String,
    pub checked_in: bool,
}

pub fn registration_view(r: event_registration::Model) -> RegistrationView {
    RegistrationView {
        status_label: label(
            &r.status,
            RegistrationStatus::parse,
            RegistrationStatus::label_zh,
        ),
        sector_label: label(&r.sector, Sector::parse, Sector::label_zh),
        checked_in: r.checked_in_at.is_some(),
        registration: r,
    }
}

/// A registration's ticket: the code and its QR code (SVG).
#[derive(Serialize, ToSchema)]
pub struct TicketView {
    pub registration: RegistrationView,
    pub event: CalendarEventView,
    /// 票码
    pub code: String,
    /// 二维码（SVG，内容为票码）
    pub qr_svg: String,
}

/// The answer at the door.
#[derive(Serialize, ToSchema)]
pub struct CheckinView {
    /// true：本次签到；false：此前已签到（未作任何改动）
    pub first: bool,
    /// 首次签到时间
    pub checked_in_at: Option<DateTime<Utc>>,
    /// 如“签到成功”或“已签到（首次签到 2026年5月1日 09:12）”
    pub message: String,
    pub registration: RegistrationView,
}

/// A series with its number of events and reach.
#[derive(Serialize, ToSchema)]
pub struct SeriesView {
    #[serde(flatten)]
    pub series: event_series::Model,
    /// 活动数（含草稿）
    pub events: u64,
}

#[derive(Serialize, ToSchema)]
pub struct SeriesDetailView {
    pub series: SeriesView,
    /// 本系列已举办活动的覆盖情况
    pub reach: ReachView,
    /// 本系列的活动，按开始日期
    pub upcoming: Vec<CalendarEventView>,
}

/// The three reach figures.
#[derive(Serialize, ToSchema, Clone, Copy)]
pub struct ReachFiguresView {
    /// 已举办活动场次
    pub events: u64,
    /// 覆盖单位数（同一系列同一年度只计一次）
    pub institutions: u64,
    /// 参与人次（签到）
    pub attendances: u64,
}

fn figures(f: reach::Figures) -> ReachFiguresView {
    ReachFiguresView {
        events: f.events,
        institutions: f.institutions,
        attendances: f.attendances,
    }
}

/// One group of a breakdown, with the query that lists its records.
#[derive(Serialize, ToSchema)]
pub struct ReachGroupView {
    /// kind / series / sector / month
    pub by: String,
    /// 分组键：类型代码、系列 id（none 为不属任何系列）、领域代码或 YYYY-MM
    pub key: String,
    pub label: String,
    #[serde(flatten)]
    pub figures: ReachFiguresView,
    /// 明细查询串（附加到 /api/v1/events/reach/events 或 /reach/attendances）
    pub query: String,
}

/// An outcome total.
#[derive(Serialize, ToSchema)]
pub struct ReachOutcomeView {
    pub kind: String,
    pub kind_label: String,
    pub count: u64,
}

/// Reach computed from check-ins of held events.
#[derive(Serialize, ToSchema)]
pub struct ReachView {
    pub totals: ReachFiguresView,
    /// 总数的明细查询串
    pub query: String,
    pub by_kind: Vec<ReachGroupView>,
    pub by_series: Vec<ReachGroupView>,
    pub by_sector: Vec<ReachGroupView>,
    pub by_month: Vec<ReachGroupView>,
    pub outcomes: Vec<ReachOutcomeView>,
}

/// An attendance behind a reach figure.
#[derive(Serialize, ToSchema)]
pub struct ReachAttendanceView {
    pub registration: RegistrationView,
    pub event_title: String,
    pub event_kind_label: String,
    #[schema(value_type = String, format = Date)]
    pub starts_on: NaiveDate,
    /// 计数的单位（统一社会信用代码）
    pub institution: String,
    /// 此条计入单位数
    pub counted: bool,
}

fn reach_row_view(r: ReachRow) -> ReachAttendanceView {
    ReachAttendanceView {
        event_kind_label: label(&r.event_kind, EventKind::parse, EventKind::label_zh),
        registration: registration_view(r.registration),
        event_title: r.event_title,
        starts_on: r.starts_on,
        institution: r.institution,
        counted: r.counted,
    }
}

/// The held events behind an events figure.
#[derive(Serialize, ToSchema)]
pub struct ReachEventsView {
    pub total: u64,
    pub items: Vec<event::Model>,
}

// ---------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------

fn parse_date_q(v: &Option<String>, name: &str) -> ApiResult<Option<NaiveDate>> {
    match non_empty(v) {
        None => Ok(None),
        Some(s) => crate::forms::parse_date(&s).map(Some).ok_or_else(|| {
            ApiError::bad_request(
                ErrorCode::InvalidQuery,
                format!("{name}须为日期，如 2026-03-01"),
            )
        }),
    }
}

fn parse_kind(v: &Option<String>) -> ApiResult<Option<EventKind>> {
    match non_empty(v) {
        None => Ok(None),
        Some(k) => EventKind::parse(&k).map(Some).ok_or_else(|| {
            ApiError::bad_request(
                ErrorCode::InvalidQuery,
                "活动类型只能是 competition、conference、exhibition、performance、roadshow、forum 或 matchmaking",
            )
        }),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventListQuery {
    /// 关键词：活动名称、地点、面向对象
    pub q: Option<String>,
    /// 活动类型代码
    pub kind: Option<String>,
    /// draft（草稿）/ published（已发布）/ cancelled（已取消）
    pub status: Option<String>,
    /// 系列 id
    pub series_id: Option<String>,
    /// 联盟协会 id（该联盟的活动）
    pub alliance_id: Option<String>,
    /// 在此日期及以后仍在进行或尚未开始的活动
    pub from: Option<String>,
    /// 在此日期及以前开始的活动
    pub to: Option<String>,
    /// 主办或协办部门 id
    pub department_id: Option<String>,
    /// 主办或协办单位 id
    pub org_id: Option<String>,
    /// starts_desc（默认，新的在前）/ starts_asc（日历顺序）
    pub sort: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl EventListQuery {
    pub fn filter(&self) -> ApiResult<EventFilter> {
        let status = match non_empty(&self.status) {
            None => None,
            Some(s) => Some(EventStatus::parse(&s).ok_or_else(|| {
                ApiError::bad_request(
                    ErrorCode::InvalidQuery,
                    "状态只能是 draft、published 或 cancelled",
                )
            })?),
        };
        let sort = match non_empty(&self.sort).as_deref() {
            None | Some("starts_desc") => EventSort::StartsDesc,
            Some("starts_asc") => EventSort::StartsAsc,
            Some(_) => {
                return Err(ApiError::bad_request(
                    ErrorCode::InvalidQuery,
                    "排序只能是 starts_desc 或 starts_asc",
                ))
            }
        };
        Ok(EventFilter {
            q: non_empty(&self.q),
            kind: parse_kind(&self.kind)?,
            status,
            series_id: non_empty(&self.series_id),
            alliance_id: non_empty(&self.alliance_id),
            from: parse_date_q(&self.from, "起始日期")?,
            to: parse_date_q(&self.to, "截止日期")?,
            department_id: non_empty(&self.department_id),
            org_id: non_empty(&self.org_id),
            sort,
        })
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegistrationListQuery {
    /// 活动 id
    pub event_id: Option<String>,
    /// pending / confirmed / waitlisted / rejected / cancelled
    pub status: Option<String>,
    /// 领域代码（政产学研金介）
    pub sector: Option<String>,
    /// 已登记单位 id
    pub org_id: Option<String>,
    /// 关键词：姓名、手机、单位名称、票码
    pub q: Option<String>,
    /// true：已签到；false：未签到
    pub checked_in: Option<String>,
    /// true：现场登记
    pub walk_in: Option<String>,
    /// true：只看我提交的报名
    pub mine: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl RegistrationListQuery {
    pub fn filter(&self, p: &Principal) -> ApiResult<RegistrationFilter> {
        let status = match non_empty(&self.status) {
            None => None,
            Some(s) => Some(RegistrationStatus::parse(&s).ok_or_else(|| {
                ApiError::bad_request(
                    ErrorCode::InvalidQuery,
                    "报名状态只能是 pending、confirmed、waitlisted、rejected 或 cancelled",
                )
            })?),
        };
        let sector = match non_empty(&self.sector) {
            None => None,
            Some(s) => Some(Sector::parse_any(&s).ok_or_else(|| {
                ApiError::bad_request(
                    ErrorCode::InvalidQuery,
                    "领域只能是 gov、industry、academia、research、finance 或 intermediary",
                )
            })?),
        };
        Ok(RegistrationFilter {
            event_id: non_empty(&self.event_id),
            status,
            sector,
            org_id: non_empty(&self.org_id),
            registered_by: opt_bool("mine", &self.mine)?
                .filter(|m| *m)
                .map(|_| p.user_id.clone()),
            q: non_empty(&self.q),
            checked_in: opt_bool("checked_in", &self.checked_in)?,
            walk_in: opt_bool("walk_in", &self.walk_in)?,
        })
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReachQuery {
    /// 活动开始日期不早于
    pub from: Option<String>,
    /// 活动开始日期不晚于
    pub to: Option<String>,
    /// 系列 id
    pub series_id: Option<String>,
    /// 活动类型代码
    pub kind: Option<String>,
    /// 明细分组：kind / series / sector / month（与 key 一起用）
    pub by: Option<String>,
    /// 分组键：类型代码、系列 id（none 为不属任何系列）、领域代码或 YYYY-MM
    pub key: Option<String>,
    /// 明细：true 只列计入单位数的记录（每个单位一条）
    pub counted: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

fn qs(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::auth::urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

impl ReachQuery {
    pub fn filter(&self) -> ApiResult<ReachFilter> {
        Ok(ReachFilter {
            from: parse_date_q(&self.from, "起始日期")?,
            to: parse_date_q(&self.to, "截止日期")?,
            series_id: non_empty(&self.series_id),
            kind: parse_kind(&self.kind)?,
        })
    }

    pub fn slice(&self) -> ApiResult<Option<Slice>> {
        let bad = |m: &str| ApiError::bad_request(ErrorCode::InvalidQuery, m.to_string());
        let key = non_empty(&self.key).unwrap_or_default();
        Ok(match non_empty(&self.by).as_deref() {
            None => None,
            Some("kind") => Some(Slice::Kind(
                EventKind::parse(&key).ok_or_else(|| bad("分组键须为活动类型代码"))?,
            )),
            Some("series") => Some(Slice::Series(
                Some(key).filter(|k| k != "none" && !k.is_empty()),
            )),
            Some("sector") => Some(Slice::Sector(
                Sector::parse_any(&key).ok_or_else(|| bad("分组键须为领域代码"))?,
            )),
            Some("month") => {
                let d = NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d")
                    .map_err(|_| bad("分组键须为年月，如 2026-05"))?;
                Some(Slice::Month {
                    year: d.year(),
                    month: d.month(),
                })
            }
            Some(_) => return Err(bad("分组只能是 kind、series、sector 或 month")),
        })
    }

    /// The query string of the filter (without the group).
    pub fn base(&self) -> Vec<(&'static str, String)> {
        vec![
            ("from", non_empty(&self.from).unwrap_or_default()),
            ("to", non_empty(&self.to).unwrap_or_default()),
            ("series_id", non_empty(&self.series_id).unwrap_or_default()),
            ("kind", non_empty(&self.kind).unwrap_or_default()),
        ]
    }
}

// ---------------------------------------------------------------------------
// Calendar
// ---------------------------------------------------------------------------

pub async fn list_events(
    s: &AppState,
    p: &Principal,
    q: &EventListQuery,
) -> ApiResult<Page<CalendarEventView>> {
    require(p, Permission::EventsRead)?;
    let page = calendar::list(
        &s.db,
        &actor(p),
        &q.filter()?,
        PageReq::new(q.page, q.per_page)?,
    )
    .await?;
    Ok(page.map(event_view))
}

pub async fn event_detail(s: &AppState, p: &Principal, id: &str) -> ApiResult<EventDetailView> {
    require(p, Permission::EventsRead)?;
    let d = calendar::detail(&s.db, &actor(p), id).await?;
    Ok(EventDetailView {
        event: event_view(d.row),
        outcomes: d.outcomes.into_iter().map(outcome_view).collect(),
        may_manage: d.may_manage,
    })
}

/// The organisers of a stored event as (role, department, org), for the edit form.
pub async fn organiser_ids(
    s: &AppState,
    id: &str,
) -> ApiResult<Vec<(String, Option<String>, Option<String>)>> {
    Ok(calendar::organisers(&s.db, id)
        .await?
        .into_iter()
        .map(|o| {
            (
                o.organiser.role,
                o.organiser.department_id,
                o.organiser.org_id,
            )
        })
        .collect())
}

pub async fn create_event(s: &AppState, p: &Principal, d: &EventDraft) -> ApiResult<event::Model> {
    require(p, Permission::EventsWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(calendar::create(&s.db, &actor(p), input).await?)
}

/// Tell every account with an active registration of the event.
async fn tell_registrants(
    s: &AppState,
    e: &event::Model,
    title: String,
    body: String,
) -> ApiResult<()> {
    let all = Actor {
        scope: Scope::All,
        ..public_actor()
    };
    let regs = registrations::list_all(
        &s.db,
        &all,
        &RegistrationFilter {
            event_id: Some(e.id.clone()),
            ..Default::default()
        },
        excel::MAX_EXPORT_ROWS,
    )
    .await?;
    let mut users: Vec<String> = regs
        .into_iter()
        .filter(|r| {
            RegistrationStatus::parse(&r.status).is_some_and(RegistrationStatus::is_active)
                && !r.registered_by.is_empty()
        })
        .map(|r| r.registered_by)
        .collect();
    users.sort();
    users.dedup();
    let notes = users
        .into_iter()
        .map(|u| kechuang_store::cases::Note {
            department_id: None,
            user_id: Some(u),
            title: title.clone(),
            body: body.clone(),
            link: format!("/events/{}", e.id),
        })
        .collect();
    kechuang_store::cases::notify_many(&s.db, &[], notes).await?;
    Ok(())
}

async fn tell_one(
    s: &AppState,
    user_id: &str,
    e: &event::Model,
    title: String,
    body: String,
) -> ApiResult<()> {
    if user_id.is_empty() {
        return Ok(());
    }
    kechuang_store::cases::notify(
        &s.db,
        None,
        Some(user_id.to_string()),
        title,
        body,
        format!("/events/{}", e.id),
    )
    .await?;
    Ok(())
}

pub async fn update_event(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &EventDraft,
) -> ApiResult<event::Model> {
    require(p, Permission::EventsWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    let before = calendar::get(&s.db, &actor(p), id).await?;
    let m = calendar::update(&s.db, &actor(p), id, version, input).await?;
    if m.status == EventStatus::Published.as_str() {
        let moved = before.starts_on != m.starts_on
            || before.ends_on != m.ends_on
            || before.start_time != m.start_time
            || before.end_time != m.end_time
            || before.venue != m.venue;
        let what = if moved {
            format!("时间或地点已调整：{}，{}", when_text(&m), m.venue)
        } else {
            "活动信息已更新，请查看详情".to_string()
        };
        tell_registrants(s, &m, format!("活动变更：{}", m.title), what).await?;
    }
    Ok(m)
}

pub async fn publish_event(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
) -> ApiResult<event::Model> {
    require(p, Permission::EventsWrite)?;
    Ok(calendar::publish(&s.db, &actor(p), id, version).await?)
}

pub async fn cancel_event(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &ReasonDraft,
) -> ApiResult<event::Model> {
    require(p, Permission::EventsWrite)?;
    let reason = d.validate(true).map_err(ApiError::from_fields)?;
    let m = calendar::cancel(&s.db, &actor(p), id, d.version, &reason).await?;
    tell_registrants(
        s,
        &m,
        format!("活动取消：{}", m.title),
        format!(
            "您报名的“{}”（{}）已取消。原因：{}",
            m.title,
            when_text(&m),
            reason
        ),
    )
    .await?;
    Ok(m)
}

pub async fn delete_event(s: &AppState, p: &Principal, id: &str, version: i32) -> ApiResult<()> {
    require(p, Permission::EventsWrite)?;
    Ok(calendar::delete_draft(&s.db, &actor(p), id, version).await?)
}

// ---------------------------------------------------------------------------
// Series
// ---------------------------------------------------------------------------

pub async fn list_series(s: &AppState, p: &Principal) -> ApiResult<Vec<SeriesView>> {
    require(p, Permission::EventsRead)?;
    Ok(series::list(&s.db)
        .await?
        .into_iter()
        .map(|r| SeriesView {
            series: r.series,
            events: r.events,
        })
        .collect())
}

pub async fn series_names(s: &AppState) -> ApiResult<Vec<(String, String)>> {
    Ok(series::names(&s.db).await?)
}

pub async fn create_series(
    s: &AppState,
    p: &Principal,
    d: &SeriesDraft,
) -> ApiResult<event_series::Model> {
    require(p, Permission::EventsWrite)?;
    if !p.scope.sees_all() {
        return Err(ApiError::forbidden());
    }
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(series::create(&s.db, &p.username, input).await?)
}

pub async fn series_detail(s: &AppState, p: &Principal, id: &str) -> ApiResult<SeriesDetailView> {
    require(p, Permission::EventsRead)?;
    let sr = series::get(&s.db, id).await?;
    let q = ReachQuery {
        series_id: Some(id.to_string()),
        ..Default::default()
    };
    let reach = reach_view(s, &q).await?;
    let events = calendar::list_all(
        &s.db,
        &actor(p),
        &EventFilter {
            series_id: Some(id.to_string()),
            sort: EventSort::StartsAsc,
            ..Default::default()
        },
        1000,
    )
    .await?;
    let n = events.len() as u64;
    Ok(SeriesDetailView {
        series: SeriesView {
            series: sr,
            events: n,
        },
        reach,
        upcoming: events.into_iter().map(event_view).collect(),
    })
}

// ---------------------------------------------------------------------------
// Registrations
// ---------------------------------------------------------------------------

/// An enterprise account registers its own staff only (its own organisation).
fn check_own_org(p: &Principal, d: &RegistrationDraft) -> ApiResult<()> {
    if let Scope::Org(own) = &p.scope {
        let own = own.clone().unwrap_or_default();
        if d.org_id.trim() != own || own.is_empty() {
            return Err(ApiError::invalid(
                ErrorCode::OwnOrgOnly,
                &[("org_id", "企业账号只能为本单位人员报名".to_string())],
            ));
        }
    }
    Ok(())
}

pub async fn register(
    s: &AppState,
    p: &Principal,
    event_id: &str,
    d: &RegistrationDraft,
) -> ApiResult<event_registration::Model> {
    require(p, Permission::EventsRegister)?;
    let mut d = d.clone();
    if let Scope::Org(Some(o)) = &p.scope {
        if d.org_id.trim().is_empty() && d.institution_uscc.trim().is_empty() {
            d.org_id = o.clone();
        }
    }
    check_own_org(p, &d)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(registrations::register(&s.db, &actor(p), event_id, input).await?)
}

pub async fn list_registrations(
    s: &AppState,
    p: &Principal,
    q: &RegistrationListQuery,
) -> ApiResult<Page<RegistrationView>> {
    require(p, Permission::EventsRead)?;
    let page = registrations::list(
        &s.db,
        &actor(p),
        &q.filter(p)?,
        PageReq::new(q.page, q.per_page)?,
    )
    .await?;
    Ok(page.map(registration_view))
}

/// The titles of the events of some registrations, by event id.
pub async fn event_titles(
    s: &AppState,
    rows: &[RegistrationView],
) -> ApiResult<std::collections::HashMap<String, String>> {
    let mut ids: Vec<String> = rows
        .iter()
        .map(|r| r.registration.event_id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    Ok(calendar::titles(&s.db, &ids).await?)
}

/// A ticket code as a QR code (SVG).
pub fn qr_svg(code: &str) -> ApiResult<String> {
    use qrcode::render::svg;
    let q = qrcode::QrCode::new(code.as_bytes()).map_err(ApiError::internal)?;
    Ok(q.render::<svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build())
}

pub async fn ticket(s: &AppState, p: &Principal, registration_id: &str) -> ApiResult<TicketView> {
    require(p, Permission::EventsRead)?;
    let a = actor(p);
    let r = registrations::get(&s.db, &a, registration_id).await?;
    let d = calendar::detail(
        &s.db,
        &Actor {
            scope: Scope::All,
            ..a
        },
        &r.event_id,
    )
    .await?;
    Ok(TicketView {
        code: r.ticket_code.clone(),
        qr_svg: qr_svg(&r.ticket_code)?,
        registration: registration_view(r),
        event: event_view(d.row),
    })
}

pub async fn approve_registration(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
) -> ApiResult<event_registration::Model> {
    require(p, Permission::EventsWrite)?;
    let m = registrations::approve(&s.db, &actor(p), id, version).await?;
    let e = calendar::get(
        &s.db,
        &Actor {
            scope: Scope::All,
            ..actor(p)
        },
        &m.event_id,
    )
    .await?;
    let st = label(
        &m.status,
        RegistrationStatus::parse,
        RegistrationStatus::label_zh,
    );
    tell_one(
        s,
        &m.registered_by,
        &e,
        format!("报名审核通过：{}", e.title),
        format!(
            "{}（{}）的报名已审核通过，当前状态：{st}，票码 {}",
            m.person_name, m.institution_name, m.ticket_code
        ),
    )
    .await?;
    Ok(m)
}

pub async fn reject_registration(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &ReasonDraft,
) -> ApiResult<event_registration::Model> {
    require(p, Permission::EventsWrite)?;
    let reason = d.validate(true).map_err(ApiError::from_fields)?;
    let m = registrations::reject(&s.db, &actor(p), id, d.version, &reason).await?;
    let e = calendar::get(
        &s.db,
        &Actor {
            scope: Scope::All,
            ..actor(p)
        },
        &m.event_id,
    )
    .await?;
    tell_one(
        s,
        &m.registered_by,
        &e,
        format!("报名未通过：{}", e.title),
        format!(
            "{}（{}）的报名未通过审核。原因：{reason}",
            m.person_name, m.institution_name
        ),
    )
    .await?;
    Ok(m)
}

/// The cancelled registration and the waitlisted ones it made room for.
#[derive(Serialize, ToSchema)]
pub struct CancelledRegistrationView {
    pub registration: RegistrationView,
    /// 因此由候补转为确认的报名
    pub promoted: Vec<RegistrationView>,
}

pub async fn cancel_registration(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &ReasonDraft,
) -> ApiResult<CancelledRegistrationView> {
    require(p, Permission::EventsRegister)?;
    let reason = d.validate(false).map_err(ApiError::from_fields)?;
    let c = registrations::cancel(&s.db, &actor(p), id, d.version, &reason).await?;
    if !c.promoted.is_empty() {
        let e = calendar::get(
            &s.db,
            &Actor {
                scope: Scope::All,
                ..actor(p)
            },
            &c.registration.event_id,
        )
        .await?;
        for r in &c.promoted {
            tell_one(
                s,
                &r.registered_by,
                &e,
                format!("候补转为确认：{}", e.title),
                format!(
                    "{}（{}）的候补报名已确认，票码 {}",
                    r.person_name, r.institution_name, r.ticket_code
                ),
            )
            .await?;
        }
    }
    Ok(CancelledRegistrationView {
        registration: registration_view(c.registration),
        promoted: c.promoted.into_iter().map(registration_view).collect(),
    })
}

// ---------------------------------------------------------------------------
// Check-in
// ---------------------------------------------------------------------------

pub async fn check_in(
    s: &AppState,
    p: &Principal,
    event_id: &str,
    d: &CheckinDraft,
) -> ApiResult<CheckinView> {
    require(p, Permission::EventsWrite)?;
    let code = d.validate().map_err(ApiError::from_fields)?;
    let c = checkin::check_in(&s.db, &actor(p), event_id, &code, true).await?;
    let at = c.at();
    let message = if c.first {
        "签到成功".to_string()
    } else {
        format!(
            "已签到（首次签到 {}）",
            at.map(crate::format::fmt_time).unwrap_or_default()
        )
    };
    Ok(CheckinView {
        first: c.first,
        checked_in_at: at,
        message,
        registration: registration_view(c.registration),
    })
}

pub async fn walk_in(
    s: &AppState,
    p: &Principal,
    event_id: &str,
    d: &RegistrationDraft,
) -> ApiResult<event_registration::Model> {
    require(p, Permission::EventsWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(checkin::walk_in(&s.db, &actor(p), event_id, input).await?)
}

// ---------------------------------------------------------------------------
// Outcomes
// ---------------------------------------------------------------------------

pub async fn add_outcome(
    s: &AppState,
    p: &Principal,
    event_id: &str,
    d: &OutcomeDraft,
) -> ApiResult<EventOutcomeView> {
    require(p, Permission::EventsWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(outcome_view(
        outcomes::add(&s.db, &actor(p), event_id, input).await?,
    ))
}

pub async fn delete_outcome(s: &AppState, p: &Principal, id: &str, version: i32) -> ApiResult<()> {
    require(p, Permission::EventsWrite)?;
    Ok(outcomes::delete(&s.db, &actor(p), id, version).await?)
}

// ---------------------------------------------------------------------------
// Reach
// ---------------------------------------------------------------------------

async fn reach_view(s: &AppState, q: &ReachQuery) -> ApiResult<ReachView> {
    let f = q.filter()?;
    let r = reach::reach(&s.db, &f).await?;
    let base = q.base();
    let group = |by: &str, key: String, label: String, fig: reach::Figures| {
        let mut pairs = base.clone();
        pairs.push(("by", by.to_string()));
        pairs.push(("key", key.clone()));
        ReachGroupView {
            by: by.into(),
            query: qs(&pairs),
            key,
            label,
            figures: figures(fig),
        }
    };
    Ok(ReachView {
        totals: figures(r.totals),
        query: qs(&base),
        by_kind: r
            .by_kind
            .into_iter()
            .map(|g| group("kind", g.key.as_str().into(), g.label, g.figures))
            .collect(),
        by_series: r
            .by_series
            .into_iter()
            .map(|g| {
                group(
                    "series",
                    g.key.unwrap_or_else(|| "none".into()),
                    g.label,
                    g.figures,
                )
            })
            .collect(),
        by_sector: r
            .by_sector
            .into_iter()
            .map(|g| group("sector", g.key.as_str().into(), g.label, g.figures))
            .collect(),
        by_month: r
            .by_month
            .into_iter()
            .map(|g| {
                let (y, m) = g.key;
                group("month", format!("{y}-{m:02}"), g.label, g.figures)
            })
            .collect(),
        outcomes: reach::outcome_totals(&s.db, &f)
            .await?
            .into_iter()
            .map(|(k, n)| ReachOutcomeView {
                kind: k.as_str().into(),
                kind_label: k.label_zh().into(),
                count: n,
            })
            .collect(),
    })
}

pub async fn reach(s: &AppState, p: &Principal, q: &ReachQuery) -> ApiResult<ReachView> {
    require(p, Permission::EventsRead)?;
    reach_view(s, q).await
}

pub async fn reach_events(
    s: &AppState,
    p: &Principal,
    q: &ReachQuery,
) -> ApiResult<ReachEventsView> {
    require(p, Permission::EventsRead)?;
    let items = reach::held_events(&s.db, &q.filter()?, q.slice()?.as_ref()).await?;
    Ok(ReachEventsView {
        total: items.len() as u64,
        items,
    })
}

pub async fn reach_attendances(
    s: &AppState,
    p: &Principal,
    q: &ReachQuery,
) -> ApiResult<Page<ReachAttendanceView>> {
    require(p, Permission::EventsRead)?;
    let counted = opt_bool("counted", &q.counted)?.unwrap_or(false);
    let page = reach::attendances(
        &s.db,
        &q.filter()?,
        q.slice()?.as_ref(),
        counted,
        PageReq::new(q.page, q.per_page)?,
    )
    .await?;
    Ok(page.map(reach_row_view))
}

// ---------------------------------------------------------------------------
// iCalendar
// ---------------------------------------------------------------------------

fn ical_event(base: &str, e: &event::Model, stamp: DateTime<Utc>) -> ical::Event {
    let when = match (e.start_time, e.end_time) {
        (None, None) => ical::When::AllDay {
            first: e.starts_on,
            last: e.ends_on,
        },
        _ => {
            let sched = kechuang_store::events::schedule_of(e);
            ical::When::Timed {
                start: e.starts_on.and_time(e.start_time.unwrap_or_default()),
                end: sched.end_moment(),
            }
        }
    };
    let mut description = String::new();
    if !e.audience.is_empty() {
        description.push_str(&format!("面向对象：{}\n", e.audience));
    }
    if !e.agenda.is_empty() {
        description.push_str(&format!("议程：\n{}", e.agenda));
    }
    if !e.cancel_reason.is_empty() {
        description.push_str(&format!("\n取消原因：{}", e.cancel_reason));
    }
    ical::Event {
        uid: format!("{}@kechuang", e.id),
        stamp,
        sequence: e.version,
        summary: e.title.clone(),
        description: description.trim().to_string(),
        location: e.venue.clone(),
        url: format!("{base}/events/{}", e.id),
        categories: vec![label(&e.kind, EventKind::parse, EventKind::label_zh)],
        cancelled: e.status == EventStatus::Cancelled.as_str(),
        when,
    }
}

async fn feed(s: &AppState, base: &str, name: String, f: EventFilter) -> ApiResult<String> {
    let rows = calendar::list_all(&s.db, &public_actor(), &f, excel::MAX_EXPORT_ROWS).await?;
    let stamp = kechuang_store::now();
    Ok(ical::Calendar {
        name,
        events: rows
            .iter()
            .map(|r| ical_event(base, &r.event, stamp))
            .collect(),
    }
    .render())
}

/// Every published (and cancelled) event: `/events.ics`, open to calendar apps.
pub async fn public_feed(s: &AppState, base: &str) -> ApiResult<String> {
    feed(
        s,
        base,
        "科创活动日历".into(),
        EventFilter {
            sort: EventSort::StartsAsc,
            ..Default::default()
        },
    )
    .await
}

/// The events of one series.
pub async fn series_feed(s: &AppState, base: &str, series_id: &str) -> ApiResult<String> {
    let sr = series::get(&s.db, series_id).await?;
    feed(
        s,
        base,
        format!("{} · 活动日历", sr.name),
        EventFilter {
            series_id: Some(series_id.to_string()),
            sort: EventSort::StartsAsc,
            ..Default::default()
        },
    )
    .await
}

/// The secret of a user's own feed: SHA-256 over the account's password
/// hash (a server-side secret with a random salt) and its id, so the URL is
/// unguessable, needs no stored token, and changes with the password.
pub fn feed_token(u: &kechuang_store::entities::user::Model) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"kechuang-events-feed\0");
    h.update(u.password_hash.as_bytes());
    h.update(b"\0");
    h.update(u.id.as_bytes());
    hex::encode(&h.finalize()[..20])
}

/// The addresses of the iCalendar feeds.
#[derive(Serialize, ToSchema)]
pub struct EventFeedsView {
    /// 全部已发布活动
    pub all: String,
    /// 我报名的活动（含密钥，请勿外传；修改密码后地址随之更换）
    pub mine: String,
    /// 各系列
    pub series: Vec<EventFeedLink>,
}

#[derive(Serialize, ToSchema)]
pub struct EventFeedLink {
    pub name: String,
    pub url: String,
}

pub async fn feeds(s: &AppState, p: &Principal, base: &str) -> ApiResult<EventFeedsView> {
    require(p, Permission::EventsRead)?;
    let u = kechuang_store::accounts::get_user(&s.db, &p.user_id).await?;
    Ok(EventFeedsView {
        all: format!("{base}/events.ics"),
        mine: format!("{base}/events/my/{}/{}.ics", u.id, feed_token(&u)),
        series: series::names(&s.db)
            .await?
            .into_iter()
            .map(|(id, name)| EventFeedLink {
                url: format!("{base}/events/series/{id}.ics"),
                name,
            })
            .collect(),
    })
}

/// The events a user registered for (active registrations), at the secret address.
pub async fn user_feed(s: &AppState, base: &str, user_id: &str, token: &str) -> ApiResult<String> {
    let u = kechuang_store::accounts::get_user(&s.db, user_id)
        .await
        .map_err(|_| ApiError::not_found())?;
    let want = feed_token(&u);
    let same = want.len() == token.len()
        && want
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same || !u.active {
        return Err(ApiError::not_found());
    }
    let all = Actor {
        scope: Scope::All,
        ..public_actor()
    };
    let regs = registrations::list_all(
        &s.db,
        &all,
        &RegistrationFilter {
            registered_by: Some(u.id.clone()),
            ..Default::default()
        },
        excel::MAX_EXPORT_ROWS,
    )
    .await?;
    let mut ids: Vec<String> = regs
        .into_iter()
        .filter(|r| {
            RegistrationStatus::parse(&r.status).is_some_and(RegistrationStatus::is_active)
                || r.checked_in_at.is_some()
        })
        .map(|r| r.event_id)
        .collect();
    ids.sort();
    ids.dedup();
    let stamp = kechuang_store::now();
    let mut events = vec![];
    for id in ids {
        if let Ok(e) = calendar::get(&s.db, &public_actor(), &id).await {
            events.push(e);
        }
    }
    events.sort_by_key(|e| (e.starts_on, e.start_time));
    Ok(ical::Calendar {
        name: format!("我报名的活动 · {}", u.display_name),
        events: events.iter().map(|e| ical_event(base, e, stamp)).collect(),
    }
    .render())
}

/// The site's address as the caller reached it (behind a proxy: the
/// forwarded host and scheme), for links in the feeds.
pub fn base_url(st: &AppState, h: &axum::http::HeaderMap) -> String {
    let get = |n: &str| {
        h.get(n)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(',').next().unwrap_or("").trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let host = get("x-forwarded-host")
        .or_else(|| get("host"))
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or_else(|| "localhost".into());
    let https = st.secure_cookies || get("x-forwarded-proto").as_deref() == Some("https");
    format!("{}://{host}", if https { "https" } else { "http" })
}

//! Service staff (服务队伍): staff members and their assignments to
//! organisations, work logs (a problem found becomes a case with one
//! click), and the chief service officer's periodic report with the
//! assistant's logged work in it. The API and the pages both call these
//! functions.
//!
//! Instructors and service officers hold `StaffLog` and log only as
//! themselves (the staff record linked to their account); the
//! party-building office (`PartyWrite`) manages staff and may log for anyone.

use kechuang_domain::ErrorCode;
use std::collections::HashMap;

use axum::http::StatusCode;
use chrono::NaiveDate;
use kechuang_domain::auth::Permission;
use kechuang_domain::cases::CaseStatus;
use kechuang_store::entities::{service_staff, staff_assignment, work_log};
use kechuang_store::party::staff::{
    self as store, LogFilter, LogKind, Report, ReportCase, ReportFigures, ReportOrg, StaffFilter,
    StaffRole,
};
use kechuang_store::{Page, PageReq, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{non_empty, opt_bool, query_date};
use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::excel::{self, Cell, Sheet};
use crate::forms::party::staff::{
    AssignmentDraft, EndDraft, LogDraft, PeriodDraft, StaffDraft, WorkLogCaseDraft,
};
use crate::AppState;

fn name_of(names: &HashMap<String, String>, id: &Option<String>) -> String {
    id.as_ref()
        .and_then(|i| names.get(i))
        .cloned()
        .unwrap_or_default()
}

// ---------------------------------------------------------------- views

/// A member of the service staff with labels and names.
#[derive(Clone, Serialize, ToSchema)]
pub struct StaffView {
    #[serde(flatten)]
    pub staff: service_staff::Model,
    pub role_label: String,
    /// One of the four teams (四支队伍).
    pub four_teams: bool,
    pub department_name: String,
    pub party_org_name: String,
    /// The officer an assistant works for.
    pub assistant_of_name: String,
    /// The linked account, "display name（username）".
    pub user_label: String,
    /// Organisations assigned today.
    pub current_orgs: u64,
}

pub async fn staff_views(
    s: &AppState,
    items: Vec<service_staff::Model>,
) -> ApiResult<Vec<StaffView>> {
    let deps = kechuang_store::names::of(
        &s.db,
        "departments",
        items.iter().filter_map(|x| x.department_id.clone()),
    )
    .await?;
    let pos = kechuang_store::names::all(&s.db, "party_orgs").await?;
    let officers: HashMap<String, String> =
        store::by_ids(&s.db, items.iter().filter_map(|x| x.assistant_of.clone()))
            .await?
            .into_iter()
            .map(|(k, v)| (k, v.name))
            .collect();
    let users = store::user_labels(&s.db, items.iter().filter_map(|x| x.user_id.clone())).await?;
    let ids: Vec<String> = items.iter().map(|x| x.id.clone()).collect();
    let open = store::open_assignment_counts(&s.db, &ids, kechuang_store::clock::today()).await?;
    Ok(items
        .into_iter()
        .map(|m| {
            let role = StaffRole::parse(&m.staff_role);
            StaffView {
                role_label: store::role_label(&m.staff_role),
                four_teams: role.is_some_and(|r| r.is_four_teams()),
                department_name: name_of(&deps, &m.department_id),
                party_org_name: name_of(&pos, &m.party_org_id),
                assistant_of_name: name_of(&officers, &m.assistant_of),
                user_label: name_of(&users, &m.user_id),
                current_orgs: open.get(&m.id).copied().unwrap_or(0),
                staff: m,
            }
        })
        .collect())
}

pub async fn staff_view(s: &AppState, m: service_staff::Model) -> ApiResult<StaffView> {
    Ok(staff_views(s, vec![m]).await?.remove(0))
}

/// An assignment with its organisation.
#[derive(Clone, Serialize, ToSchema)]
pub struct AssignmentView {
    #[serde(flatten)]
    pub assignment: staff_assignment::Model,
    pub org_name: String,
    /// Open today.
    pub current: bool,
}

pub async fn assignment_views(
    s: &AppState,
    items: Vec<staff_assignment::Model>,
) -> ApiResult<Vec<AssignmentView>> {
    let names =
        kechuang_store::names::of(&s.db, "orgs", items.iter().map(|a| a.org_id.clone())).await?;
    let today = kechuang_store::clock::today();
    Ok(items
        .into_iter()
        .map(|a| AssignmentView {
            org_name: names.get(&a.org_id).cloned().unwrap_or_default(),
            current: a.from_on <= today && a.to_on.is_none_or(|t| t >= today),
            assignment: a,
        })
        .collect())
}

/// A work log with names and the case it became.
#[derive(Clone, Serialize, ToSchema)]
pub struct WorkLogView {
    #[serde(flatten)]
    pub log: work_log::Model,
    pub staff_name: String,
    pub staff_role: String,
    pub staff_role_label: String,
    pub org_name: String,
    pub kind_label: String,
    /// Number of the case the problems became (empty when none).
    pub case_number: String,
    pub case_status_label: String,
}

impl WorkLogView {
    /// The linked case id (empty when none).
    pub fn case_link(&self) -> String {
        store::linked_case(&self.log)
            .unwrap_or_default()
            .to_string()
    }
    pub fn has_problems(&self) -> bool {
        !self.log.problems.trim().is_empty()
    }
    /// May be turned into a case: problems found, an organisation, not yet converted.
    pub fn convertible(&self) -> bool {
        self.has_problems() && self.log.org_id.is_some() && self.log.case_id.is_none()
    }
}

pub async fn log_views(s: &AppState, items: Vec<work_log::Model>) -> ApiResult<Vec<WorkLogView>> {
    let staff = store::by_ids(&s.db, items.iter().map(|l| l.staff_id.clone())).await?;
    let orgs =
        kechuang_store::names::of(&s.db, "orgs", items.iter().filter_map(|l| l.org_id.clone()))
            .await?;
    let cases = store::case_numbers(&s.db, items.iter().filter_map(|l| l.case_id.clone())).await?;
    Ok(items
        .into_iter()
        .map(|l| {
            let st = staff.get(&l.staff_id);
            let (number, status) = l
                .case_id
                .as_ref()
                .and_then(|c| cases.get(c))
                .cloned()
                .unwrap_or_default();
            WorkLogView {
                staff_name: st.map(|x| x.name.clone()).unwrap_or_default(),
                staff_role: st.map(|x| x.staff_role.clone()).unwrap_or_default(),
                staff_role_label: st
                    .map(|x| store::role_label(&x.staff_role))
                    .unwrap_or_default(),
                org_name: name_of(&orgs, &l.org_id),
                kind_label: store::kind_label(&l.kind),
                case_number: number,
                case_status_label: CaseStatus::parse(&status)
                    .map(|x| x.label_zh().to_string())
                    .unwrap_or_default(),
                log: l,
            }
        })
        .collect())
}

pub async fn log_view(s: &AppState, l: work_log::Model) -> ApiResult<WorkLogView> {
    Ok(log_views(s, vec![l]).await?.remove(0))
}

// ---------------------------------------------------------------- who may log

/// The staff record linked to the caller's account.
pub async fn own_staff(s: &AppState, p: &Principal) -> ApiResult<Option<service_staff::Model>> {
    Ok(store::of_user(&s.db, &p.user_id).await?)
}

/// Whether the caller may log (or change a log) for `staff_id`: the
/// party-building office for anyone, staff with `StaffLog` only as themselves.
pub async fn require_log_for(s: &AppState, p: &Principal, staff_id: &str) -> ApiResult<()> {
    if p.can(Permission::PartyWrite) {
        return Ok(());
    }
    require(p, Permission::StaffLog)?;
    match own_staff(s, p).await? {
        None => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::NoStaffRecord,
            "您的账号尚未关联服务人员档案，不能记录工作；请联系党群工作部关联账号",
        )),
        Some(me) if me.id == staff_id => Ok(()),
        Some(_) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::NotOwnStaff,
            "只能以本人身份记录工作，不能替他人记录或修改",
        )),
    }
}

/// The staff a draft logs for: the one named, else the caller's own record.
async fn staff_of_draft(s: &AppState, p: &Principal, d: &LogDraft) -> ApiResult<String> {
    if !d.staff_id.trim().is_empty() {
        return Ok(d.staff_id.trim().to_string());
    }
    Ok(own_staff(s, p).await?.map(|m| m.id).unwrap_or_default())
}

// ---------------------------------------------------------------- staff

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffListQuery {
    /// 关键词：姓名、电话
    pub q: Option<String>,
    /// 身份代码，或 four_teams（四支队伍）
    pub role: Option<String>,
    pub department_id: Option<String>,
    /// 某首席服务官的党建助手
    pub assistant_of: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl StaffListQuery {
    pub fn filter(&self) -> ApiResult<StaffFilter> {
        let (role, four_teams) = match non_empty(&self.role).as_deref() {
            None => (None, false),
            Some("four_teams") => (None, true),
            Some(r) => (
                Some(StaffRole::parse(r).ok_or_else(|| {
                    ApiError::bad_request(ErrorCode::InvalidQuery, "未知的身份，请使用身份代码")
                })?),
                false,
            ),
        };
        Ok(StaffFilter {
            q: non_empty(&self.q),
            role,
            four_teams,
            department_id: non_empty(&self.department_id),
            assistant_of: non_empty(&self.assistant_of),
        })
    }
}

/// Staff in one role.
#[derive(Serialize, ToSchema)]
pub struct RoleCount {
    pub role: String,
    pub label: String,
    pub four_teams: bool,
    pub count: u64,
}

#[derive(Serialize, ToSchema)]
pub struct StaffCounts {
    pub roles: Vec<RoleCount>,
    /// 四支队伍合计
    pub four_teams: u64,
    pub total: u64,
}

pub async fn counts_of(s: &AppState, p: &Principal) -> ApiResult<StaffCounts> {
    require(p, Permission::PartyRead)?;
    let rows = store::role_counts(&s.db).await?;
    Ok(StaffCounts {
        four_teams: rows
            .iter()
            .filter(|(r, _)| r.is_four_teams())
            .map(|(_, n)| n)
            .sum(),
        total: rows.iter().map(|(_, n)| n).sum(),
        roles: rows
            .into_iter()
            .map(|(r, n)| RoleCount {
                role: r.as_str().into(),
                label: r.label_zh().into(),
                four_teams: r.is_four_teams(),
                count: n,
            })
            .collect(),
    })
}

pub const STAFF_COLUMNS: [&str; 9] = [
    "姓名",
    "身份",
    "四支队伍",
    "联系电话",
    "所属部门",
    "所属党组织",
    "服务的首席服务官",
    "关联账号",
    "当前联系单位数",
];

pub async fn staff_export_bytes(
    s: &AppState,
    p: &Principal,
    q: &StaffListQuery,
) -> ApiResult<Vec<u8>> {
    require(p, Permission::PartyRead)?;
    let rows = staff_views(s, store::list_all(&s.db, &q.filter()?, 100_000).await?).await?;
    excel::workbook(
        "服务队伍",
        &STAFF_COLUMNS,
        rows.into_iter().map(|v| {
            vec![
                Cell::Text(v.staff.name),
                Cell::Text(v.role_label),
                Cell::Text(if v.four_teams { "是" } else { "否" }.into()),
                Cell::Text(v.staff.phone),
                Cell::Text(v.department_name),
                Cell::Text(v.party_org_name),
                Cell::Text(v.assistant_of_name),
                Cell::Text(v.user_label),
                Cell::Number(v.current_orgs as f64),
            ]
        }),
    )
}

pub async fn create_staff(
    s: &AppState,
    p: &Principal,
    d: &StaffDraft,
) -> ApiResult<service_staff::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(store::create(&s.db, &p.username, input).await?)
}

/// A staff member with assignments and assistants.
#[derive(Serialize, ToSchema)]
pub struct StaffDetailView {
    pub staff: StaffView,
    pub assignments: Vec<AssignmentView>,
    /// The assistants of a chief service officer.
    pub assistants: Vec<StaffView>,
    /// 对本人的督办约谈，最近的在前
    pub accountabilities: Vec<super::accountability::AccountabilityView>,
    /// 本人参与的工作沟通（党建助手、党建指导员）
    pub threads: Vec<super::threads::ThreadView>,
}

pub async fn detail_of(s: &AppState, p: &Principal, id: &str) -> ApiResult<StaffDetailView> {
    require(p, Permission::PartyRead)?;
    let m = store::get(&s.db, id).await?;
    let assignments = assignment_views(s, store::assignments(&s.db, id).await?).await?;
    let assistants = staff_views(s, store::assistants(&s.db, id).await?).await?;
    Ok(StaffDetailView {
        staff: staff_view(s, m).await?,
        assignments,
        assistants,
        accountabilities: super::accountability::of_people(s, vec![id.into()], None, None).await?,
        threads: super::threads::of_staff(s, p, id).await?,
    })
}

pub async fn update_staff(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &StaffDraft,
) -> ApiResult<service_staff::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(store::update(&s.db, &p.username, id, version, input).await?)
}

pub async fn assign(
    s: &AppState,
    p: &Principal,
    staff_id: &str,
    d: &AssignmentDraft,
) -> ApiResult<staff_assignment::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(store::assign(&s.db, &p.username, staff_id, input).await?)
}

pub async fn end(
    s: &AppState,
    p: &Principal,
    staff_id: &str,
    assignment_id: &str,
    d: &EndDraft,
) -> ApiResult<staff_assignment::Model> {
    require(p, Permission::PartyWrite)?;
    let a = store::get_assignment(&s.db, assignment_id).await?;
    if a.staff_id != staff_id {
        return Err(ApiError::not_found());
    }
    let on = d.validate().map_err(ApiError::from_fields)?;
    Ok(store::end_assignment(&s.db, &p.username, assignment_id, d.version, on).await?)
}

// ---------------------------------------------------------------- work logs

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogListQuery {
    /// 关键词：工作内容、发现的问题
    pub q: Option<String>,
    pub staff_id: Option<String>,
    pub org_id: Option<String>,
    /// 起始日期（含）
    pub from: Option<String>,
    /// 截止日期（含）
    pub to: Option<String>,
    /// visit / service / assist
    pub kind: Option<String>,
    /// true：只看发现问题的记录
    pub has_problems: Option<String>,
    /// true：只看已转为诉求的记录
    pub converted: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl LogListQuery {
    pub fn filter(&self) -> ApiResult<LogFilter> {
        Ok(LogFilter {
            q: non_empty(&self.q),
            staff_ids: non_empty(&self.staff_id).map(|s| vec![s]),
            org_id: non_empty(&self.org_id),
            from: query_date("from", &self.from)?,
            to: query_date("to", &self.to)?,
            kind: match non_empty(&self.kind) {
                None => None,
                Some(k) => Some(LogKind::parse(&k).ok_or_else(|| {
                    ApiError::bad_request(
                        ErrorCode::InvalidQuery,
                        "类型只能是 visit、service 或 assist",
                    )
                })?),
            },
            has_problems: opt_bool("has_problems", &self.has_problems)?,
            converted: opt_bool("converted", &self.converted)?,
        })
    }
}

pub const LOG_COLUMNS: [&str; 9] = [
    "日期",
    "服务人员",
    "身份",
    "单位",
    "类型",
    "工作内容",
    "发现的问题",
    "诉求编号",
    "诉求状态",
];

fn log_row(v: WorkLogView) -> Vec<Cell> {
    vec![
        Cell::Date(v.log.logged_on),
        Cell::Text(v.staff_name),
        Cell::Text(v.staff_role_label),
        Cell::Text(v.org_name),
        Cell::Text(v.kind_label),
        Cell::Text(v.log.content),
        Cell::Text(v.log.problems),
        Cell::Text(v.case_number),
        Cell::Text(v.case_status_label),
    ]
}

pub async fn logs_export_bytes(
    s: &AppState,
    p: &Principal,
    q: &LogListQuery,
) -> ApiResult<Vec<u8>> {
    require(p, Permission::PartyRead)?;
    let rows = log_views(s, store::logs_all(&s.db, &q.filter()?, 100_000).await?).await?;
    excel::workbook("工作记录", &LOG_COLUMNS, rows.into_iter().map(log_row))
}

pub async fn create_log(s: &AppState, p: &Principal, d: &LogDraft) -> ApiResult<work_log::Model> {
    if !p.can(Permission::PartyWrite) {
        require(p, Permission::StaffLog)?;
    }
    let staff_id = staff_of_draft(s, p, d).await?;
    if !p.can(Permission::PartyWrite) {
        // Staff who log only as themselves: no record, or someone else's, is refused first.
        require_log_for(s, p, &staff_id).await?;
    }
    let input = d.validate(&staff_id).map_err(ApiError::from_fields)?;
    Ok(store::create_log(&s.db, &p.username, input).await?)
}

pub async fn update_log(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &LogDraft,
) -> ApiResult<work_log::Model> {
    if !p.can(Permission::PartyWrite) {
        require(p, Permission::StaffLog)?;
    }
    let before = store::get_log(&s.db, id).await?;
    require_log_for(s, p, &before.staff_id).await?;
    let staff_id = if d.staff_id.trim().is_empty() {
        before.staff_id.clone()
    } else {
        d.staff_id.trim().to_string()
    };
    let input = d.validate(&staff_id).map_err(ApiError::from_fields)?;
    require_log_for(s, p, &input.staff_id).await?;
    Ok(store::update_log(&s.db, &p.username, id, version, input).await?)
}

pub async fn delete_log(s: &AppState, p: &Principal, id: &str, version: i32) -> ApiResult<()> {
    if !p.can(Permission::PartyWrite) {
        require(p, Permission::StaffLog)?;
    }
    let before = store::get_log(&s.db, id).await?;
    require_log_for(s, p, &before.staff_id).await?;
    Ok(store::delete_log(&s.db, &p.username, id, version).await?)
}

/// The case a log became.
#[derive(Serialize, ToSchema)]
pub struct CaseRef {
    pub id: String,
    pub number: String,
    pub title: String,
    pub org_id: String,
    pub category_id: String,
    /// instructor（党建指导员/服务专员）或 visit（走访）
    pub channel: String,
    pub status: String,
    #[schema(value_type = String, format = Date)]
    pub received_on: NaiveDate,
}

#[derive(Serialize, ToSchema)]
pub struct Converted {
    pub log: WorkLogView,
    pub case: CaseRef,
}

pub async fn to_case(
    s: &AppState,
    p: &Principal,
    log_id: &str,
    d: &WorkLogCaseDraft,
) -> ApiResult<Converted> {
    if !p.can(Permission::PartyWrite) {
        require(p, Permission::StaffLog)?;
    }
    let log = store::get_log(&s.db, log_id).await?;
    require_log_for(s, p, &log.staff_id).await?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    // The same actor as the API's `cases::actor` (the service may not import the API).
    let actor = kechuang_store::cases::Actor {
        username: p.username.clone(),
        user_id: p.user_id.clone(),
        display_name: p.display_name.clone(),
        acts_for: None,
    };
    let (log, c) = store::to_case(&s.db, &actor, log_id, d.version, input).await?;
    Ok(Converted {
        log: log_view(s, log).await?,
        case: CaseRef {
            id: c.id,
            number: c.number,
            title: c.title,
            org_id: c.org_id,
            category_id: c.category_id,
            channel: c.channel,
            status: c.status,
            received_on: c.received_on,
        },
    })
}

// ---------------------------------------------------------------- reports

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// 报告期起（含），默认本季度第一天
    pub from: Option<String>,
    /// 报告期止（含），默认本季度最后一天
    pub to: Option<String>,
}

impl PeriodQuery {
    pub fn period(&self) -> ApiResult<(NaiveDate, NaiveDate)> {
        PeriodDraft {
            from: self.from.clone().unwrap_or_default(),
            to: self.to.clone().unwrap_or_default(),
        }
        .validate()
        .map_err(ApiError::from_fields)
    }
}

/// The chief service officer's periodic report (首席服务官定期报告).
#[derive(Serialize, ToSchema)]
pub struct ReportView {
    pub officer: StaffView,
    pub assistants: Vec<StaffView>,
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    pub figures: ReportFigures,
    /// 联系企业（报告期内曾指派）
    pub orgs: Vec<ReportOrg>,
    /// 报告期内提出或办结的诉求
    pub cases: Vec<ReportCase>,
    /// 首席服务官本人的工作记录
    pub logs: Vec<WorkLogView>,
    /// 党建助手的工作记录
    pub assistant_logs: Vec<WorkLogView>,
    /// 报告期内对首席服务官及其党建助手的督办约谈
    pub accountabilities: Vec<super::accountability::AccountabilityView>,
    /// 党建助手与党建指导员在报告期内有留言的工作沟通
    pub threads: Vec<super::threads::ThreadActivityView>,
}

pub async fn report_view(s: &AppState, r: Report) -> ApiResult<ReportView> {
    let assistant_ids: Vec<String> = r.assistants.iter().map(|a| a.id.clone()).collect();
    let people: Vec<String> = std::iter::once(r.officer.id.clone())
        .chain(assistant_ids.iter().cloned())
        .collect();
    let accountabilities =
        super::accountability::of_people(s, people, Some(r.from), Some(r.to)).await?;
    let threads = super::threads::activity(s, &assistant_ids, r.from, r.to).await?;
    Ok(ReportView {
        accountabilities,
        threads,
        officer: staff_view(s, r.officer).await?,
        assistants: staff_views(s, r.assistants).await?,
        from: r.from,
        to: r.to,
        figures: r.figures,
        orgs: r.orgs,
        cases: r.cases,
        logs: log_views(s, r.logs).await?,
        assistant_logs: log_views(s, r.assistant_logs).await?,
    })
}

pub async fn report_of(
    s: &AppState,
    p: &Principal,
    staff_id: &str,
    q: &PeriodQuery,
) -> ApiResult<ReportView> {
    require(p, Permission::PartyRead)?;
    let (from, to) = q.period()?;
    report_view(s, store::report(&s.db, staff_id, from, to).await?).await
}

/// One officer in the summary.
#[derive(Serialize, ToSchema)]
pub struct SummaryRow {
    pub staff_id: String,
    pub name: String,
    /// 党建助手姓名
    pub assistants: Vec<String>,
    pub figures: ReportFigures,
}

#[derive(Serialize, ToSchema)]
pub struct ReportSummary {
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    pub rows: Vec<SummaryRow>,
    /// 合计
    pub total: ReportFigures,
}

pub async fn summary_of(s: &AppState, p: &Principal, q: &PeriodQuery) -> ApiResult<ReportSummary> {
    require(p, Permission::PartyRead)?;
    let (from, to) = q.period()?;
    let rows: Vec<SummaryRow> = store::reports(&s.db, from, to)
        .await?
        .into_iter()
        .map(|r| SummaryRow {
            staff_id: r.officer.id,
            name: r.officer.name,
            assistants: r.assistants.into_iter().map(|a| a.name).collect(),
            figures: r.figures,
        })
        .collect();
    let mut total = ReportFigures::default();
    for r in &rows {
        let f = &r.figures;
        total.enterprises += f.enterprises;
        total.cases_raised += f.cases_raised;
        total.cases_solved += f.cases_solved;
        total.logs += f.logs;
        total.visits += f.visits;
        total.problems += f.problems;
        total.converted += f.converted;
        total.assistant_logs += f.assistant_logs;
        total.assistant_visits += f.assistant_visits;
        total.assistant_problems += f.assistant_problems;
    }
    Ok(ReportSummary {
        from,
        to,
        rows,
        total,
    })
}

pub const FIGURE_COLUMNS: [&str; 10] = [
    "联系企业",
    "诉求提出",
    "诉求办结",
    "工作记录",
    "走访",
    "发现问题",
    "转为诉求",
    "助手工作记录",
    "助手走访",
    "助手发现问题",
];

fn figure_cells(f: &ReportFigures) -> Vec<Cell> {
    [
        f.enterprises,
        f.cases_raised,
        f.cases_solved,
        f.logs,
        f.visits,
        f.problems,
        f.converted,
        f.assistant_logs,
        f.assistant_visits,
        f.assistant_problems,
    ]
    .into_iter()
    .map(|n| Cell::Number(n as f64))
    .collect()
}

pub async fn summary_export_bytes(
    s: &AppState,
    p: &Principal,
    q: &PeriodQuery,
) -> ApiResult<Vec<u8>> {
    let sum = summary_of(s, p, q).await?;
    let mut headers = vec!["首席服务官", "党建助手"];
    headers.extend(FIGURE_COLUMNS);
    let mut rows: Vec<Vec<Cell>> = sum
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![
                Cell::Text(r.name.clone()),
                Cell::Text(r.assistants.join("、")),
            ];
            row.extend(figure_cells(&r.figures));
            row
        })
        .collect();
    let mut total = vec![Cell::Text("合计".into()), Cell::Empty];
    total.extend(figure_cells(&sum.total));
    rows.push(total);
    excel::workbook(&format!("{}至{}", sum.from, sum.to), &headers, rows)
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// One report as a workbook: the figures, the enterprises, the cases, the
/// officer's logs, the assistants' logs, the supervision orders and
/// interviews, and the assistants' threads, one sheet each.
pub async fn report_export_bytes(
    s: &AppState,
    p: &Principal,
    staff_id: &str,
    q: &PeriodQuery,
) -> ApiResult<(String, Vec<u8>)> {
    let r = report_of(s, p, staff_id, q).await?;
    let f = &r.figures;
    let labels: Vec<(&str, u64)> = FIGURE_COLUMNS
        .iter()
        .copied()
        .zip([
            f.enterprises,
            f.cases_raised,
            f.cases_solved,
            f.logs,
            f.visits,
            f.problems,
            f.converted,
            f.assistant_logs,
            f.assistant_visits,
            f.assistant_problems,
        ])
        .collect();
    let mut overview = vec![
        vec![text("首席服务官"), text(r.officer.staff.name.clone())],
        vec![
            text("党建助手"),
            text(
                r.assistants
                    .iter()
                    .map(|a| a.staff.name.clone())
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
        ],
        vec![text("报告期"), text(format!("{} 至 {}", r.from, r.to))],
    ];
    overview.extend(
        labels
            .into_iter()
            .map(|(l, n)| vec![text(l), Cell::Number(n as f64)]),
    );
    let log_sheet = |name: &str, logs: &[WorkLogView]| Sheet {
        name: name.into(),
        headers: LOG_COLUMNS.iter().map(|h| h.to_string()).collect(),
        rows: logs.iter().cloned().map(log_row).collect(),
    };
    let sheets = vec![
        Sheet {
            name: "报告概况".into(),
            headers: vec!["项目".into(), "数值".into()],
            rows: overview,
        },
        Sheet {
            name: "联系企业".into(),
            headers: [
                "单位",
                "联系起",
                "联系止",
                "诉求提出",
                "诉求办结",
                "工作记录",
            ]
            .iter()
            .map(|h| h.to_string())
            .collect(),
            rows: r
                .orgs
                .iter()
                .map(|o| {
                    vec![
                        text(o.org_name.clone()),
                        Cell::Date(o.from_on),
                        o.to_on.map_or_else(|| text("至今"), Cell::Date),
                        Cell::Number(o.cases_raised as f64),
                        Cell::Number(o.cases_solved as f64),
                        Cell::Number(o.visits as f64),
                    ]
                })
                .collect(),
        },
        Sheet {
            name: "诉求".into(),
            headers: [
                "诉求编号",
                "标题",
                "单位",
                "受理日期",
                "办结日期",
                "状态",
                "期内提出",
                "期内办结",
            ]
            .iter()
            .map(|h| h.to_string())
            .collect(),
            rows: r
                .cases
                .iter()
                .map(|c| {
                    vec![
                        text(c.number.clone()),
                        text(c.title.clone()),
                        text(c.org_name.clone()),
                        Cell::Date(c.received_on),
                        Cell::from(c.closed_on),
                        text(c.status_label.clone()),
                        text(if c.raised { "是" } else { "否" }),
                        text(if c.solved { "是" } else { "否" }),
                    ]
                })
                .collect(),
        },
        log_sheet("首席服务官工作记录", &r.logs),
        log_sheet("党建助手工作记录", &r.assistant_logs),
        Sheet {
            name: "督办约谈".into(),
            headers: super::accountability::COLUMNS
                .iter()
                .map(|h| h.to_string())
                .collect(),
            rows: r
                .accountabilities
                .iter()
                .cloned()
                .map(super::accountability::export_row)
                .collect(),
        },
        Sheet {
            name: "工作沟通".into(),
            headers: super::threads::ACTIVITY_COLUMNS
                .iter()
                .map(|h| h.to_string())
                .collect(),
            rows: r.threads.iter().map(super::threads::activity_row).collect(),
        },
    ];
    let name = format!(
        "首席服务官报告-{}-{}至{}.xlsx",
        r.officer.staff.name, r.from, r.to
    );
    Ok((name, excel::workbook_sheets(sheets)?))
}

/// A page of service staff, as the API lists them.
pub async fn list_staff(
    s: &AppState,
    p: &Principal,
    q: &StaffListQuery,
) -> ApiResult<Page<StaffView>> {
    require(p, Permission::PartyRead)?;
    let page = store::list(&s.db, &q.filter()?, PageReq::new(q.page, q.per_page)?).await?;
    let (total, pg, per) = (page.total, page.page, page.per_page);
    Ok(Page {
        items: staff_views(s, page.items).await?,
        total,
        page: pg,
        per_page: per,
    })
}

/// The assignments of a member of staff (404 when there is none such).
pub async fn assignments(s: &AppState, p: &Principal, id: &str) -> ApiResult<Vec<AssignmentView>> {
    require(p, Permission::PartyRead)?;
    store::get(&s.db, id).await?;
    assignment_views(s, store::assignments(&s.db, id).await?).await
}

/// A page of work logs, as the API lists them.
pub async fn list_logs(
    s: &AppState,
    p: &Principal,
    q: &LogListQuery,
) -> ApiResult<Page<WorkLogView>> {
    require(p, Permission::PartyRead)?;
    let page = store::logs(&s.db, &q.filter()?, PageReq::new(q.page, q.per_page)?).await?;
    let (total, pg, per) = (page.total, page.page, page.per_page);
    Ok(Page {
        items: log_views(s, page.items).await?,
        total,
        page: pg,
        per_page: per,
    })
}

/// One work log (read permission checked).
pub async fn log(s: &AppState, p: &Principal, id: &str) -> ApiResult<WorkLogView> {
    require(p, Permission::PartyRead)?;
    let l = store::get_log(&s.db, id).await?;
    log_view(s, l).await
}

/// (id, "name（role，party organisation or department）") of everyone in
/// these roles, for pickers where namesakes must be told apart.
pub async fn people_choices(s: &AppState, roles: &[StaffRole]) -> ApiResult<Vec<(String, String)>> {
    let pos = kechuang_store::names::all(&s.db, "party_orgs").await?;
    let deps = kechuang_store::names::all(&s.db, "departments").await?;
    let mut out = vec![];
    for r in roles {
        for m in store::of_role(&s.db, *r).await? {
            let unit = name_of(&pos, &m.party_org_id);
            let unit = if unit.is_empty() {
                name_of(&deps, &m.department_id)
            } else {
                unit
            };
            let label = if unit.is_empty() {
                format!("{}（{}）", m.name, r.label_zh())
            } else {
                format!("{}（{}，{unit}）", m.name, r.label_zh())
            };
            out.push((m.id, label));
        }
    }
    Ok(out)
}

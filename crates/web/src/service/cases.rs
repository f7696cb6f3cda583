//! Closed-loop case handling (诉求闭环办理): what the API, the pages and
//! Open311 share — the views, the list query and statistics, intake drafts,
//! the transitions (`run(Command)`), categories, interviews and attachments.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use kechuang_domain::auth::Permission;
use kechuang_domain::cases::{
    self as rules, CaseStatus, Channel, Satisfaction, SlaState, TaskAction, TaskRole, TaskStatus,
};
use kechuang_store::cases::{self, Actor, CaseFilter, CaseInput, CaseSort, GroupBy, SlaFilter};
use kechuang_store::entities::{case, case_event, case_task, supervision};
use kechuang_store::{departments, Principal, Scope};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::excel::{self, Cell};
use crate::extract::{non_empty, opt_bool};
use crate::AppState;

pub fn actor(p: &Principal) -> Actor {
    Actor {
        username: p.username.clone(),
        user_id: p.user_id.clone(),
        display_name: p.display_name.clone(),
        acts_for: None,
    }
}

/// The actor bound to the caller's department (checked by the store on the
/// case or task it reads in the transaction); an administrator is not bound.
fn bound_actor(p: &Principal) -> Actor {
    Actor {
        acts_for: (p.role != kechuang_domain::auth::Role::Admin)
            .then(|| p.department_id.clone().unwrap_or_default()),
        ..actor(p)
    }
}

/// Names of departments, categories, organisations and chains, for views.
#[derive(Default)]
pub struct Names {
    pub departments: HashMap<String, String>,
    pub categories: HashMap<String, String>,
    pub orgs: HashMap<String, String>,
    pub chains: HashMap<String, String>,
}

impl Names {
    pub async fn load(s: &AppState, org_ids: impl IntoIterator<Item = String>) -> ApiResult<Names> {
        Ok(Names {
            departments: departments::list(&s.db, &Scope::All)
                .await?
                .into_iter()
                .map(|d| (d.id, d.name))
                .collect(),
            categories: cases::categories(&s.db)
                .await?
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect(),
            orgs: kechuang_store::names::of(&s.db, "orgs", org_ids).await?,
            chains: kechuang_store::names::all(&s.db, "chains").await?,
        })
    }
    /// Just the names a set of cases shows, in one round trip.
    pub async fn of_cases(s: &AppState, rows: &[case::Model]) -> ApiResult<Names> {
        let (mut d, mut c, mut o, mut h) = (
            BTreeSet::new(),
            BTreeSet::new(),
            BTreeSet::new(),
            BTreeSet::new(),
        );
        for r in rows {
            d.extend(r.lead_department_id.clone());
            d.extend(r.task_force_department_id.clone());
            c.insert(r.category_id.clone());
            o.insert(r.org_id.clone());
            h.extend(r.chain_id.clone());
        }
        let wanted = [
            ("departments", d),
            ("case_categories", c),
            ("orgs", o),
            ("chains", h),
        ];
        let mut found = kechuang_store::names::lookup(&s.db, &wanted).await?;
        let mut take = |t| found.remove(t).unwrap_or_default();
        Ok(Names {
            departments: take("departments"),
            categories: take("case_categories"),
            orgs: take("orgs"),
            chains: take("chains"),
        })
    }
    pub fn department(&self, id: &Option<String>) -> String {
        id.as_ref()
            .and_then(|d| self.departments.get(d))
            .cloned()
            .unwrap_or_default()
    }
}

/// A case as the API returns it.
#[derive(Clone, Serialize, ToSchema)]
pub struct CaseView {
    pub id: String,
    /// 诉求编号，如 KC-2026-000123
    pub number: String,
    pub title: String,
    pub description: String,
    pub category_id: String,
    pub category_name: String,
    pub org_id: String,
    pub org_name: String,
    pub chain_id: Option<String>,
    pub chain_name: String,
    /// portal, visit, hotline, meeting, instructor, open311
    pub channel: String,
    pub channel_label: String,
    /// submitted, dispatched, suspended, replied, closed, declined, merged
    pub status: String,
    pub status_label: String,
    pub received_at: DateTime<Utc>,
    /// 办理时限（工作日）
    pub limit_days: i32,
    /// 办结期限（北京时间当天结束）
    pub due_at: DateTime<Utc>,
    pub due_on: NaiveDate,
    /// on_track, due_soon, overdue（仅未办结时）
    pub sla: Option<String>,
    pub lead_department_id: Option<String>,
    pub lead_department_name: String,
    pub task_force_department_id: Option<String>,
    pub task_force_department_name: String,
    pub supervision_level: i32,
    pub reopened_count: i32,
    pub suspended_workdays: i32,
    pub reply: Option<String>,
    pub satisfaction: Option<String>,
    pub rating_comment: Option<String>,
    pub merged_into_id: Option<String>,
    pub decline_reason: Option<String>,
    pub closed_on: Option<NaiveDate>,
    pub contact_name: String,
    pub contact_phone: String,
    /// 版本号：每个操作须带上
    pub version: i32,
}

/// The end of a Beijing day as an instant.
pub fn end_of_day(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(23, 59, 59)
        .map(|t| t.and_utc() - chrono::Duration::hours(8))
        .unwrap_or_default()
}

impl CaseView {
    pub fn new(
        c: case::Model,
        n: &Names,
        cal: &kechuang_domain::calendar::WorkCalendar,
        today: NaiveDate,
    ) -> CaseView {
        let status = CaseStatus::parse(&c.status).unwrap_or(CaseStatus::Submitted);
        let sla = matches!(status, CaseStatus::Submitted | CaseStatus::Dispatched).then(|| {
            rules::sla_state(cal, c.due_on, today, cases::DUE_SOON_WORKDAYS)
                .as_str()
                .to_string()
        });
        CaseView {
            category_name: n
                .categories
                .get(&c.category_id)
                .cloned()
                .unwrap_or_default(),
            org_name: n.orgs.get(&c.org_id).cloned().unwrap_or_default(),
            chain_name: c
                .chain_id
                .as_ref()
                .and_then(|x| n.chains.get(x))
                .cloned()
                .unwrap_or_default(),
            channel_label: Channel::parse(&c.channel)
                .map(|x| x.label_zh().to_string())
                .unwrap_or_default(),
            status_label: status.label_zh().into(),
            lead_department_name: n.department(&c.lead_department_id),
            task_force_department_name: n.department(&c.task_force_department_id),
            due_at: end_of_day(c.due_on),
            sla,
            id: c.id,
            number: c.number,
            title: c.title,
            description: c.description,
            category_id: c.category_id,
            org_id: c.org_id,
            chain_id: c.chain_id,
            channel: c.channel,
            status: c.status,
            received_at: c.received_at,
            limit_days: c.limit_days,
            due_on: c.due_on,
            lead_department_id: c.lead_department_id,
            task_force_department_id: c.task_force_department_id,
            supervision_level: c.supervision_level,
            reopened_count: c.reopened_count,
            suspended_workdays: c.suspended_workdays,
            reply: c.reply,
            satisfaction: c.satisfaction,
            rating_comment: c.rating_comment,
            merged_into_id: c.merged_into_id,
            decline_reason: c.decline_reason,
            closed_on: c.closed_on,
            contact_name: c.contact_name,
            contact_phone: c.contact_phone,
            version: c.version,
        }
    }
}

#[derive(Clone, Serialize, ToSchema)]
pub struct TaskView {
    pub id: String,
    pub department_id: String,
    pub department_name: String,
    /// lead（主办）或 assist（协办）
    pub role: String,
    pub role_label: String,
    /// pending, accepted, done, returned
    pub status: String,
    pub status_label: String,
    pub dispatched_on: NaiveDate,
    /// 派发时间（可在其后下一个工作日的同一时刻前退回）
    pub dispatched_at: DateTime<Utc>,
    pub due_on: NaiveDate,
    pub result: Option<String>,
    pub returned_reason: Option<String>,
    pub version: i32,
}

impl TaskView {
    pub fn new(t: case_task::Model, n: &Names) -> TaskView {
        TaskView {
            department_name: n
                .departments
                .get(&t.department_id)
                .cloned()
                .unwrap_or_default(),
            role_label: TaskRole::parse(&t.role)
                .map(|r| r.label_zh().to_string())
                .unwrap_or_default(),
            status_label: TaskStatus::parse(&t.status)
                .map(|r| r.label_zh().to_string())
                .unwrap_or_default(),
            id: t.id,
            department_id: t.department_id,
            role: t.role,
            status: t.status,
            dispatched_on: t.dispatched_on,
            dispatched_at: t.created_at,
            due_on: t.due_on,
            result: t.result,
            returned_reason: t.returned_reason,
            version: t.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct EventView {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: String,
    pub department_name: String,
    pub message: String,
}

impl EventView {
    pub fn new(e: case_event::Model, n: &Names) -> EventView {
        EventView {
            department_name: n.department(&e.department_id),
            at: e.at,
            actor: e.actor,
            kind: e.kind,
            message: e.message,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SupervisionView {
    pub level: i32,
    pub reason: String,
    pub automatic: bool,
    pub raised_by: String,
    pub created_at: DateTime<Utc>,
}

impl From<supervision::Model> for SupervisionView {
    fn from(s: supervision::Model) -> Self {
        SupervisionView {
            level: s.level,
            reason: s.reason,
            automatic: s.automatic,
            raised_by: s.raised_by,
            created_at: s.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DuplicateView {
    pub id: String,
    pub number: String,
    pub title: String,
    pub status_label: String,
}

#[derive(Serialize, ToSchema)]
pub struct CaseDetailView {
    pub case: CaseView,
    pub tasks: Vec<TaskView>,
    /// 办理时间线（只追加）
    pub timeline: Vec<EventView>,
    pub supervisions: Vec<SupervisionView>,
    /// 可能重复的未办结诉求（同一单位同类或文本高度相似）
    pub possible_duplicates: Vec<DuplicateView>,
    pub attachments: Vec<AttachmentView>,
}

pub async fn detail(s: &AppState, p: &Principal, id: &str) -> ApiResult<CaseDetailView> {
    require(p, Permission::CasesRead)?;
    let c = cases::get(&s.db, &p.scope, id).await?;
    let dups = if p.can(Permission::CasesTriage)
        && CaseStatus::parse(&c.status).is_some_and(|x| x.is_open())
    {
        cases::possible_duplicates(&s.db, &c).await?
    } else {
        vec![]
    };
    let n = Names::load(s, [c.org_id.clone()]).await?;
    let cal = kechuang_store::calendar::load(&s.db).await?;
    let tasks = cases::tasks(&s.db, id).await?;
    let events = cases::events(&s.db, id).await?;
    let sups = cases::supervisions(&s.db, id).await?;
    let attachments = cases::attachments(&s.db, id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(CaseDetailView {
        case: CaseView::new(c, &n, &cal, cases::today()),
        tasks: tasks.into_iter().map(|t| TaskView::new(t, &n)).collect(),
        timeline: events.into_iter().map(|e| EventView::new(e, &n)).collect(),
        supervisions: sups.into_iter().map(Into::into).collect(),
        attachments,
        possible_duplicates: dups
            .into_iter()
            .map(|d| DuplicateView {
                status_label: CaseStatus::parse(&d.status)
                    .map(|x| x.label_zh().to_string())
                    .unwrap_or_default(),
                id: d.id,
                number: d.number,
                title: d.title,
            })
            .collect(),
    })
}

#[derive(Serialize, ToSchema)]
pub struct CasePage {
    pub items: Vec<CaseView>,
    /// 匹配条数；`total_capped` 为真时表示“至少这么多”（文字搜索最多数到 1000 条）
    pub total: u64,
    pub total_capped: bool,
    pub page: u64,
    pub per_page: u64,
}

/// Filters of the case list (also used by statistics and export).
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseListQuery {
    /// 关键词：标题、内容或编号
    pub q: Option<String>,
    /// 状态代码
    pub status: Option<String>,
    /// true 只看未办结，false 只看已结束
    pub open: Option<String>,
    pub category_id: Option<String>,
    pub org_id: Option<String>,
    /// 主办或承办部门
    pub department_id: Option<String>,
    /// 仅主办部门（统计下钻用）
    pub lead_department_id: Option<String>,
    /// 该部门有待签收任务的诉求
    pub pending_task_department_id: Option<String>,
    pub task_force_department_id: Option<String>,
    pub chain_id: Option<String>,
    pub channel: Option<String>,
    /// satisfied, basic, unsatisfied, no_answer
    pub satisfaction: Option<String>,
    /// true 只看重新办理过的
    pub reopened: Option<String>,
    /// overdue, due_soon, on_time, late
    pub sla: Option<String>,
    /// 受理日期起 YYYY-MM-DD
    pub from: Option<String>,
    /// 受理日期止 YYYY-MM-DD
    pub to: Option<String>,
    /// 受理月份 YYYY-MM（统计下钻用）
    pub month: Option<String>,
    /// received_desc, received_asc, due, number
    pub sort: Option<String>,
    /// 统计分组（仅统计接口）：department（主办部门）, task_force, category, chain, month
    pub group: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

fn bad(msg: &str) -> ApiError {
    ApiError::bad_request("invalid_query", msg.to_string())
}

fn date(v: &Option<String>) -> ApiResult<Option<NaiveDate>> {
    match non_empty(v) {
        None => Ok(None),
        Some(d) => NaiveDate::parse_from_str(&d, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| bad("日期格式应为 YYYY-MM-DD")),
    }
}

impl CaseListQuery {
    pub fn filter(&self) -> ApiResult<CaseFilter> {
        let (mut from, mut to) = (date(&self.from)?, date(&self.to)?);
        if let Some(m) = non_empty(&self.month) {
            let first = NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
                .map_err(|_| bad("月份格式应为 YYYY-MM"))?;
            let next = first
                .checked_add_months(chrono::Months::new(1))
                .ok_or_else(|| bad("月份超出范围"))?;
            from = Some(from.map_or(first, |f| f.max(first)));
            to = Some(to.map_or(next.pred_opt().unwrap_or(first), |t| {
                t.min(next.pred_opt().unwrap_or(first))
            }));
        }
        Ok(CaseFilter {
            q: non_empty(&self.q).map(|s| s.chars().take(100).collect()),
            status: match non_empty(&self.status) {
                None => None,
                Some(s) => Some(CaseStatus::parse(&s).ok_or_else(|| bad("未知的状态"))?),
            },
            open: opt_bool("open", &self.open)?,
            category_id: non_empty(&self.category_id),
            org_id: non_empty(&self.org_id),
            department_id: non_empty(&self.department_id),
            lead_department_id: non_empty(&self.lead_department_id),
            pending_task_department_id: non_empty(&self.pending_task_department_id),
            task_force_department_id: non_empty(&self.task_force_department_id),
            chain_id: non_empty(&self.chain_id),
            channel: match non_empty(&self.channel) {
                None => None,
                Some(s) => Some(Channel::parse(&s).ok_or_else(|| bad("未知的来源渠道"))?),
            },
            satisfaction: match non_empty(&self.satisfaction) {
                None => None,
                Some(s) => Some(Satisfaction::parse(&s).ok_or_else(|| bad("未知的满意度"))?),
            },
            reopened: opt_bool("reopened", &self.reopened)?,
            sla: match non_empty(&self.sla).as_deref() {
                None => None,
                Some("overdue") => Some(SlaFilter::Overdue),
                Some("due_soon") => Some(SlaFilter::DueSoon),
                Some("on_time") => Some(SlaFilter::OnTime),
                Some("late") => Some(SlaFilter::Late),
                Some(_) => return Err(bad("sla 只能是 overdue、due_soon、on_time、late")),
            },
            received_from: from,
            received_to: to,
            sort: match non_empty(&self.sort) {
                None => CaseSort::default(),
                Some(s) => CaseSort::parse(&s)
                    .ok_or_else(|| bad("排序只能是 received_desc、received_asc、due、number"))?,
            },
        })
    }
}

/// The views of a page of cases.
pub async fn views(s: &AppState, rows: Vec<case::Model>) -> ApiResult<Vec<CaseView>> {
    let n = Names::of_cases(s, &rows).await?;
    let cal = kechuang_store::calendar::load(&s.db).await?;
    let today = cases::today();
    Ok(rows
        .into_iter()
        .map(|c| CaseView::new(c, &n, &cal, today))
        .collect())
}

/// A case as submitted.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CaseDraft {
    pub title: String,
    pub description: String,
    pub category_id: String,
    /// 提出诉求的单位（企业用户可省略，默认本单位）
    pub org_id: String,
    /// 所属产业链（用于匹配产业专班）
    pub chain_id: String,
    /// portal, visit, hotline, meeting, instructor, open311（企业用户固定为 portal）
    pub channel: String,
    /// 实际受理时间（RFC 3339），缺省为当前时间；不能晚于当前时间
    pub received_at: Option<DateTime<Utc>>,
    pub contact_name: String,
    pub contact_phone: String,
}

/// Validate a draft for a principal; enterprise users submit for their own
/// organisation through the portal.
pub fn validate_draft(p: &Principal, d: CaseDraft) -> ApiResult<CaseInput> {
    let mut e: Vec<(&'static str, String)> = vec![];
    let title = d.title.trim().to_string();
    if title.is_empty() || title.chars().count() > 200 {
        e.push(("title", "请填写诉求标题（不超过200字）".into()));
    }
    let description = d.description.trim().to_string();
    if description.chars().count() > 10_000 {
        e.push(("description", "诉求内容不能超过10000字".into()));
    }
    let (org_id, channel) = match &p.scope {
        Scope::Org(Some(own)) => (own.clone(), Channel::Portal),
        _ => {
            let ch = match d.channel.trim() {
                "" => Channel::Visit,
                c => Channel::parse(c).unwrap_or_else(|| {
                    e.push(("channel", "请选择来源渠道".into()));
                    Channel::Visit
                }),
            };
            (d.org_id.trim().to_string(), ch)
        }
    };
    if org_id.is_empty() {
        e.push(("org_id", "请选择提出诉求的单位".into()));
    }
    if d.category_id.trim().is_empty() {
        e.push(("category_id", "请选择诉求分类".into()));
    }
    let received_at = d.received_at.unwrap_or_else(Utc::now);
    if received_at > Utc::now() + chrono::Duration::minutes(5) {
        e.push(("received_at", "受理时间不能晚于当前时间".into()));
    }
    let phone = d.contact_phone.trim();
    if !phone.is_empty()
        && (phone.len() < 7
            || phone.len() > 20
            || !phone
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | ' ')))
    {
        e.push((
            "contact_phone",
            "联系电话应为7—20位数字（可含“-”），例如 13800138000".into(),
        ));
    }
    if d.contact_name.trim().chars().count() > 50 {
        e.push(("contact_name", "联系人不能超过50个字".into()));
    }
    if !e.is_empty() {
        let code = if e.iter().any(|(f, _)| *f == "received_at") {
            "received_in_future"
        } else {
            "invalid_input"
        };
        return Err(ApiError::invalid(code, &e));
    }
    Ok(CaseInput {
        title,
        description,
        category_id: d.category_id.trim().into(),
        org_id,
        chain_id: Some(d.chain_id.trim().to_string()).filter(|x| !x.is_empty()),
        channel,
        received_at,
        contact_name: d.contact_name.trim().into(),
        contact_phone: d.contact_phone.trim().into(),
        location: Default::default(),
    })
}

#[derive(Deserialize, ToSchema)]
pub struct DispatchBody {
    pub version: i32,
    /// 主办部门
    pub lead_department_id: String,
    /// 协办部门
    #[serde(default)]
    pub assist_department_ids: Vec<String>,
    /// 产业专班（缺省保持路由建议）
    #[serde(default)]
    pub task_force_department_id: Option<String>,
    /// 各部门办理时限（工作日，从分办当日起算，不超过诉求办结期限）；未列出的部门用分类的部门任务时限。
    /// 须为1至分类办结时限，否则 422 invalid_task_limit（details.fields 中以 `task_limits.<部门id>` 标明部门）
    #[serde(default)]
    pub task_limits: Vec<TaskLimit>,
}

/// 一个部门的办理时限
#[derive(Deserialize, ToSchema)]
pub struct TaskLimit {
    /// 主办或协办部门
    pub department_id: String,
    /// 工作日数
    pub limit_days: i64,
}

#[derive(Deserialize, ToSchema)]
pub struct ReasonBody {
    pub version: i32,
    /// 原因或说明
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
pub struct MergeBody {
    pub version: i32,
    /// 合并到的诉求 id
    pub target_id: String,
}

#[derive(Deserialize, ToSchema)]
pub struct VersionBody {
    pub version: i32,
}

#[derive(Deserialize, ToSchema)]
pub struct ReplyBody {
    pub version: i32,
    /// 答复企业的内容
    pub reply: String,
}

#[derive(Deserialize, ToSchema)]
pub struct RateBody {
    pub version: i32,
    /// satisfied（满意）、basic（基本满意）、unsatisfied（不满意）
    pub satisfaction: String,
    #[serde(default)]
    pub comment: String,
}

#[derive(Deserialize, ToSchema)]
pub struct NoteBody {
    pub note: String,
}

#[derive(Deserialize, ToSchema)]
pub struct TaskBody {
    pub version: i32,
    /// 进展、办结结果或退回原因（签收时可空）
    #[serde(default)]
    pub note: String,
}

fn required(field: &'static str, v: &str, what: &str) -> ApiResult<String> {
    let t = v.trim();
    if t.is_empty() || t.chars().count() > 5000 {
        return Err(ApiError::invalid(
            "invalid_input",
            &[(field, format!("请填写{what}（不超过5000字）"))],
        ));
    }
    Ok(t.to_string())
}

/// Whether the principal works in `department` (admins act for any department).
pub fn acts_for(p: &Principal, department: Option<&str>) -> bool {
    p.role == kechuang_domain::auth::Role::Admin
        || (department.is_some() && p.department_id.as_deref() == department)
}

/// One change to a case, from the API or a page form.
pub enum Command {
    Dispatch(DispatchBody),
    Decline(ReasonBody),
    Merge(MergeBody),
    Suspend(ReasonBody),
    Resume(VersionBody),
    Reply(ReplyBody),
    Rate(RateBody),
    Supervise(ReasonBody),
    FollowUp(NoteBody),
    Task {
        task_id: String,
        action: TaskAction,
        body: TaskBody,
    },
}

/// What a command changed.
pub enum Outcome {
    Case(Box<case::Model>),
    Task(case_task::Model),
    Supervision(supervision::Model),
    Noted,
}

/// Check who may run a command on a case, then run it. Shared by the API
/// and the pages, so both enforce the same rules.
pub async fn run(s: &AppState, p: &Principal, id: &str, cmd: Command) -> ApiResult<Outcome> {
    let a = actor(p);
    // Suspending and resuming: triage staff, or the lead department (which the
    // store checks on the case it reads in the transaction).
    let may_suspend = || -> ApiResult<Actor> {
        if p.can(Permission::CasesTriage) {
            return Ok(actor(p));
        }
        require(p, Permission::CasesHandle)?;
        Ok(bound_actor(p))
    };
    Ok(match cmd {
        Command::Dispatch(b) => {
            require(p, Permission::CasesTriage)?;
            let to = cases::Assignment {
                lead: b.lead_department_id,
                assists: b.assist_department_ids,
                task_force: b.task_force_department_id.filter(|t| !t.is_empty()),
                limits: b
                    .task_limits
                    .into_iter()
                    .map(|l| (l.department_id, l.limit_days))
                    .collect(),
            };
            Outcome::Case(Box::new(
                cases::dispatch(&s.db, &p.scope, &a, id, b.version, to).await?,
            ))
        }
        Command::Decline(b) => {
            require(p, Permission::CasesTriage)?;
            let reason = required("reason", &b.reason, "不予受理的原因")?;
            Outcome::Case(Box::new(
                cases::decline(&s.db, &p.scope, &a, id, b.version, reason).await?,
            ))
        }
        Command::Merge(b) => {
            require(p, Permission::CasesTriage)?;
            Outcome::Case(Box::new(
                cases::merge(&s.db, &p.scope, &a, id, b.version, &b.target_id).await?,
            ))
        }
        Command::Suspend(b) => {
            let a = may_suspend()?;
            let reason = required("reason", &b.reason, "挂起原因")?;
            Outcome::Case(Box::new(
                cases::suspend(&s.db, &p.scope, &a, id, b.version, reason).await?,
            ))
        }
        Command::Resume(b) => {
            let a = may_suspend()?;
            Outcome::Case(Box::new(
                cases::resume(&s.db, &p.scope, &a, id, b.version).await?,
            ))
        }
        Command::Reply(b) => {
            require(p, Permission::CasesHandle)?;
            let a = bound_actor(p);
            let text = required("reply", &b.reply, "答复内容")?;
            Outcome::Case(Box::new(
                cases::reply(&s.db, &p.scope, &a, id, b.version, text).await?,
            ))
        }
        Command::Rate(b) => {
            require(p, Permission::CasesRate)?;
            let sat = match Satisfaction::parse(b.satisfaction.trim()) {
                Some(
                    x @ (Satisfaction::Satisfied | Satisfaction::Basic | Satisfaction::Unsatisfied),
                ) => x,
                _ => {
                    return Err(ApiError::invalid(
                        "invalid_input",
                        &[("satisfaction", "请选择满意、基本满意或不满意".into())],
                    ))
                }
            };
            let comment: String = b.comment.trim().chars().take(2000).collect();
            Outcome::Case(Box::new(
                cases::rate(&s.db, &p.scope, &a, id, b.version, sat, comment).await?,
            ))
        }
        Command::Supervise(b) => {
            require(p, Permission::CasesSupervise)?;
            let reason = required("reason", &b.reason, "督办事由")?;
            Outcome::Supervision(
                cases::supervise(&s.db, &p.scope, &a, id, b.version, reason).await?,
            )
        }
        Command::FollowUp(b) => {
            if !(p.can(Permission::CasesHandle)
                || p.can(Permission::CasesTriage)
                || p.can(Permission::CasesSupervise))
            {
                return Err(ApiError::forbidden());
            }
            let note = required("note", &b.note, "回访情况")?;
            cases::follow_up(&s.db, &p.scope, &a, id, note).await?;
            Outcome::Noted
        }
        Command::Task {
            task_id,
            action,
            body,
        } => {
            require(p, Permission::CasesHandle)?;
            let a = bound_actor(p);
            let step = cases::TaskStep {
                task_id,
                version: body.version,
                action,
                note: body.note.trim().chars().take(5000).collect(),
            };
            Outcome::Task(cases::task_action(&s.db, &p.scope, &a, id, step).await?)
        }
    })
}

#[derive(Serialize, ToSchema)]
pub struct FiguresView {
    pub key: String,
    /// 分组名称
    pub name: String,
    pub received: i64,
    /// 办结数
    pub solved: i64,
    pub on_time: i64,
    /// 按时办结率（‰）
    pub on_time_permille: Option<i64>,
    /// 平均办理周期（工作日，一位小数）
    pub avg_cycle_workdays: Option<f64>,
    /// 90分位办理周期（工作日）
    pub p90_cycle_workdays: Option<i64>,
    pub rated: i64,
    /// 满意率（满意+基本满意，‰）
    pub satisfaction_permille: Option<i64>,
    pub reopened: i64,
    pub overdue_open: i64,
    /// 赛马排名（按时办结率、满意率、办结数综合）
    pub rank: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub struct StatsView {
    pub group: String,
    pub groups: Vec<FiguresView>,
    pub total: FiguresView,
    /// 统计时间：大数据量时统计结果会保留并在后台刷新（不超过约一分钟前）
    pub as_of: DateTime<Utc>,
}

/// Statistics for a filter and grouping, ranked for the department race (赛马).
pub async fn statistics(s: &AppState, p: &Principal, q: &CaseListQuery) -> ApiResult<StatsView> {
    require(p, Permission::CasesRead)?;
    let group = match q.group.as_deref().filter(|g| !g.is_empty()) {
        None => GroupBy::Department,
        Some(g) => GroupBy::parse(g)
            .ok_or_else(|| bad("group 只能是 department、task_force、category、chain、month"))?,
    };
    let st = kechuang_store::stats_cache::statistics(&s.db, &p.scope, &q.filter()?, group).await?;
    let (groups, total) = ((*st.groups).clone(), (*st.total).clone());
    let n = Names::load(s, []).await?;
    let name = |k: &str| -> String {
        if k.is_empty() {
            return "（未指定）".into();
        }
        match group {
            GroupBy::Department | GroupBy::TaskForce => n.departments.get(k).cloned(),
            GroupBy::Category => n.categories.get(k).cloned(),
            GroupBy::Chain => n.chains.get(k).cloned(),
            GroupBy::Month => Some(k.replacen('-', "年", 1) + "月"),
        }
        .unwrap_or_else(|| k.to_string())
    };
    let view = |f: cases::Figures, rank: Option<usize>| FiguresView {
        name: name(&f.key),
        avg_cycle_workdays: f.avg_cycle_tenths.map(|t| t as f64 / 10.0),
        key: f.key,
        received: f.received,
        solved: f.solved,
        on_time: f.on_time,
        on_time_permille: f.on_time_permille,
        p90_cycle_workdays: f.p90_cycle_workdays,
        rated: f.rated,
        satisfaction_permille: f.satisfaction_permille,
        reopened: f.reopened,
        overdue_open: f.overdue_open,
        rank,
    };
    // The race: rank groups with solved cases by on-time rate, then satisfaction, then solved count.
    let mut order: Vec<usize> = (0..groups.len())
        .filter(|&i| groups[i].solved > 0 && !groups[i].key.is_empty())
        .collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&groups[a], &groups[b]);
        y.on_time_permille
            .cmp(&x.on_time_permille)
            .then(y.satisfaction_permille.cmp(&x.satisfaction_permille))
            .then(y.solved.cmp(&x.solved))
    });
    let mut ranks = vec![None; groups.len()];
    if group != GroupBy::Month {
        // Equal figures share a rank (并列).
        let key = |i: usize| {
            (
                groups[i].on_time_permille,
                groups[i].satisfaction_permille,
                groups[i].solved,
            )
        };
        for (r, &i) in order.iter().enumerate() {
            ranks[i] = match r {
                0 => Some(1),
                _ if key(order[r - 1]) == key(i) => ranks[order[r - 1]],
                _ => Some(r + 1),
            };
        }
    }
    let mut views: Vec<FiguresView> = groups
        .into_iter()
        .zip(ranks)
        .map(|(f, r)| view(f, r))
        .collect();
    if group != GroupBy::Month {
        views.sort_by_key(|v| v.rank.unwrap_or(usize::MAX));
    }
    Ok(StatsView {
        group: group.as_str().into(),
        groups: views,
        total: view(total, None),
        as_of: st.as_of,
    })
}

pub const EXPORT_COLUMNS: [&str; 14] = [
    "编号",
    "标题",
    "单位",
    "分类",
    "来源",
    "状态",
    "受理时间",
    "办结期限",
    "主办部门",
    "产业专班",
    "督办级别",
    "满意度",
    "办结日期",
    "答复",
];

/// The filtered case list as an .xlsx workbook.
pub async fn export_bytes(s: &AppState, p: &Principal, q: &CaseListQuery) -> ApiResult<Vec<u8>> {
    require(p, Permission::CasesRead)?;
    let rows = cases::list_all(&s.db, &p.scope, &q.filter()?, 200_000).await?;
    let vs = views(s, rows).await?;
    excel::workbook(
        "诉求清单",
        &EXPORT_COLUMNS,
        vs.into_iter().map(|v| {
            vec![
                Cell::Text(v.number),
                Cell::Text(v.title),
                Cell::Text(v.org_name),
                Cell::Text(v.category_name),
                Cell::Text(v.channel_label),
                Cell::Text(v.status_label),
                Cell::DateTime(v.received_at),
                Cell::Date(v.due_on),
                Cell::Text(v.lead_department_name),
                Cell::Text(v.task_force_department_name),
                Cell::Number(f64::from(v.supervision_level)),
                Cell::from(
                    v.satisfaction
                        .as_deref()
                        .and_then(Satisfaction::parse)
                        .map(|x| x.label_zh()),
                ),
                Cell::from(v.closed_on),
                Cell::from(v.reply),
            ]
        }),
    )
}

pub fn sla_label(s: &str) -> &'static str {
    SlaState::parse(s).map(|x| x.label_zh()).unwrap_or("")
}

#[derive(Serialize, ToSchema)]
pub struct CategoryView {
    pub id: String,
    pub code: String,
    pub name: String,
    /// 路由规则：该分类的主办部门
    pub lead_department_id: Option<String>,
    /// 办理时限（工作日）
    pub time_limit_days: i32,
    /// 部门任务时限（工作日）
    pub task_limit_days: i32,
    /// 到期前预警（工作日）
    pub warn_days: i32,
    /// 答复后多少个工作日未评价即按“逾期未评价”办结
    pub rating_days: i32,
    pub sort_order: i32,
    pub active: bool,
    pub version: i32,
}

impl From<kechuang_store::entities::case_category::Model> for CategoryView {
    fn from(c: kechuang_store::entities::case_category::Model) -> Self {
        CategoryView {
            id: c.id,
            code: c.code,
            name: c.name,
            lead_department_id: c.lead_department_id,
            time_limit_days: c.time_limit_days,
            task_limit_days: c.task_limit_days,
            warn_days: c.warn_days,
            rating_days: c.rating_days,
            sort_order: c.sort_order,
            active: c.active,
            version: c.version,
        }
    }
}

/// A category as an administrator edits it.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CategoryDraft {
    pub code: String,
    pub name: String,
    pub lead_department_id: Option<String>,
    pub time_limit_days: i32,
    pub task_limit_days: i32,
    pub warn_days: i32,
    pub rating_days: i32,
    pub sort_order: i32,
    pub active: Option<bool>,
}

impl CategoryDraft {
    pub fn validate(self) -> ApiResult<cases::CategoryInput> {
        let code = self.code.trim().to_string();
        let name = self.name.trim().to_string();
        let mut e = vec![];
        if code.is_empty()
            || code.len() > 30
            || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            e.push((
                "code",
                "分类编码为必填，只能含字母、数字和下划线".to_string(),
            ));
        }
        if name.is_empty() || name.chars().count() > 50 {
            e.push(("name", "请填写分类名称（不超过50字）".to_string()));
        }
        if !e.is_empty() {
            return Err(ApiError::invalid("invalid_input", &e));
        }
        Ok(cases::CategoryInput {
            code,
            name,
            lead_department_id: self.lead_department_id.filter(|d| !d.trim().is_empty()),
            time_limit_days: self.time_limit_days,
            task_limit_days: self.task_limit_days,
            warn_days: self.warn_days,
            rating_days: self.rating_days,
            sort_order: self.sort_order,
            active: self.active.unwrap_or(true),
        })
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CategoryUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub category: CategoryDraft,
}

#[derive(Serialize, ToSchema)]
pub struct InterviewView {
    pub id: String,
    pub department_id: String,
    pub department_name: String,
    pub case_id: Option<String>,
    /// 相关诉求编号
    pub case_number: Option<String>,
    /// 被约谈人
    pub interviewee: String,
    pub held_on: NaiveDate,
    pub reason: String,
    pub outcome: String,
    pub recorded_by: String,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct InterviewDraft {
    pub department_id: String,
    /// 相关诉求 id（可空）
    pub case_id: Option<String>,
    /// 相关诉求编号，如 KC-2026-000123（可空；不填 case_id 时按编号查找）
    pub case_number: Option<String>,
    pub interviewee: String,
    /// 约谈日期 YYYY-MM-DD（不能晚于今天）
    pub held_on: String,
    pub reason: String,
    pub outcome: String,
}

/// Validate and record an accountability interview.
pub async fn record_interview(
    s: &AppState,
    p: &Principal,
    d: InterviewDraft,
) -> ApiResult<kechuang_store::entities::interview::Model> {
    require(p, Permission::CasesSupervise)?;
    let mut e: Vec<(&'static str, String)> = vec![];
    if departments::get(&s.db, &Scope::All, d.department_id.trim())
        .await
        .is_err()
    {
        e.push(("department_id", "请选择被约谈的部门".into()));
    }
    if d.interviewee.trim().is_empty() || d.interviewee.chars().count() > 100 {
        e.push(("interviewee", "请填写被约谈人（不超过100字）".into()));
    }
    let held_on = NaiveDate::parse_from_str(d.held_on.trim(), "%Y-%m-%d").ok();
    match held_on {
        None => e.push(("held_on", "约谈日期格式应为 2026-11-20".into())),
        Some(h) if h > cases::today() => e.push(("held_on", "约谈日期不能晚于今天".into())),
        _ => {}
    }
    if d.reason.trim().is_empty() {
        e.push(("reason", "请填写约谈事由".into()));
    }
    if d.outcome.trim().is_empty() {
        e.push(("outcome", "请填写约谈结果与整改要求".into()));
    }
    let mut case_id = d.case_id.filter(|c| !c.trim().is_empty());
    let number = d.case_number.as_deref().map(str::trim).unwrap_or("");
    if let Some(c) = &case_id {
        if cases::get(&s.db, &p.scope, c).await.is_err() {
            e.push(("case_id", "相关诉求不存在".into()));
        }
    } else if !number.is_empty() {
        match cases::by_number(&s.db, &p.scope, number).await? {
            Some(c) => case_id = Some(c.id),
            None => e.push((
                "case_number",
                format!("未找到编号为 {number} 的诉求，请核对（如 KC-2026-000123）"),
            )),
        }
    }
    if !e.is_empty() {
        return Err(ApiError::invalid("invalid_input", &e));
    }
    let input = cases::InterviewInput {
        department_id: d.department_id.trim().into(),
        case_id,
        interviewee: d.interviewee.trim().into(),
        held_on: held_on.unwrap_or_default(),
        reason: d.reason.trim().into(),
        outcome: d.outcome.trim().into(),
    };
    Ok(cases::record_interview(&s.db, &actor(p), input).await?)
}

/// Interview records as shown, naming their departments and cases.
pub async fn interview_views(
    s: &AppState,
    list: Vec<kechuang_store::entities::interview::Model>,
) -> ApiResult<Vec<InterviewView>> {
    let n = Names::load(s, []).await?;
    let ids: Vec<String> = list.iter().filter_map(|m| m.case_id.clone()).collect();
    let numbers = cases::numbers(&s.db, &ids).await?;
    Ok(list
        .into_iter()
        .map(|m| InterviewView {
            department_name: n
                .departments
                .get(&m.department_id)
                .cloned()
                .unwrap_or_default(),
            case_number: m.case_id.as_ref().and_then(|c| numbers.get(c).cloned()),
            id: m.id,
            department_id: m.department_id,
            case_id: m.case_id,
            interviewee: m.interviewee,
            held_on: m.held_on,
            reason: m.reason,
            outcome: m.outcome,
            recorded_by: m.recorded_by,
        })
        .collect())
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: String,
    pub filename: String,
    pub content_type: String,
    /// 字节数
    pub size: i64,
    /// SHA-256（十六进制）
    pub sha256: String,
    pub uploaded_by: String,
    pub created_at: DateTime<Utc>,
    /// 下载地址
    pub url: String,
}

impl From<kechuang_store::entities::attachment::Model> for AttachmentView {
    fn from(a: kechuang_store::entities::attachment::Model) -> Self {
        AttachmentView {
            url: format!("/api/v1/cases/{}/attachments/{}", a.case_id, a.id),
            id: a.id,
            filename: a.filename,
            content_type: a.content_type,
            size: a.size,
            sha256: a.sha256,
            uploaded_by: a.uploaded_by,
            created_at: a.created_at,
        }
    }
}

/// Store an uploaded file on a case, for anyone who works on or raised it.
pub async fn upload_attachment(
    s: &AppState,
    p: &Principal,
    id: &str,
    mp: axum::extract::Multipart,
) -> ApiResult<kechuang_store::entities::attachment::Model> {
    require(p, Permission::CasesRead)?;
    if !(p.can(Permission::CasesCreate)
        || p.can(Permission::CasesHandle)
        || p.can(Permission::CasesTriage))
    {
        return Err(ApiError::forbidden());
    }
    let mut mp = mp;
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| ApiError::bad_request("invalid_upload", format!("上传失败：{e}")))?
    {
        if field.name() == Some("file") {
            let filename = field.file_name().unwrap_or("附件").to_string();
            let content_type = field
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| ApiError::bad_request("invalid_upload", format!("上传失败：{e}")))?;
            return Ok(cases::attach(
                &s.db,
                &p.scope,
                &actor(p),
                id,
                &filename,
                &content_type,
                &bytes,
            )
            .await?);
        }
    }
    Err(ApiError::bad_request(
        "invalid_upload",
        "请选择要上传的文件（表单字段名 file）",
    ))
}

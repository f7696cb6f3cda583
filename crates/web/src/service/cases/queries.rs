//! Reading cases: the views of a case with its tasks, timeline and
//! supervisions, the [`detail`], the list query and its filter, and the
//! Excel export of the list.

use chrono::{DateTime, NaiveDate, Utc};
use kechuang_domain::auth::Permission;
use kechuang_domain::cases::{
    self as rules, CaseStatus, Channel, Satisfaction, SlaState, TaskRole, TaskStatus,
};
use kechuang_store::cases::{self, CaseFilter, CaseSort, SlaFilter};
use kechuang_store::entities::{case, case_event, case_task, supervision};
use kechuang_store::{Principal, Scope};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::attachments::AttachmentView;
use super::{bad, Names};
use crate::auth::require;
use crate::error::ApiResult;
use crate::excel::{self, Cell};
use crate::extract::{non_empty, opt_bool};
use crate::AppState;

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
    /// The view as `p` may read it: the contact's phone masked for those
    /// who do not contact the firm ([`sees_contacts`]).
    pub fn for_reader(mut self, p: &Principal) -> Self {
        if !sees_contacts(p) {
            self.contact_phone = kechuang_domain::party::mask_phone(&self.contact_phone);
        }
        self
    }

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
    /// on_track, due_soon, overdue：本任务期限的状态（仅办理中诉求的未完成任务）
    pub sla: Option<String>,
    pub result: Option<String>,
    pub returned_reason: Option<String>,
    pub version: i32,
}

/// How a department's task stands against its own due date: while its case
/// is in handling and the task is open (待签收 or 办理中), else none.
pub fn task_sla(
    case_status: &str,
    t: &case_task::Model,
    cal: &kechuang_domain::calendar::WorkCalendar,
    today: NaiveDate,
) -> Option<SlaState> {
    (case_status == CaseStatus::Dispatched.as_str()
        && matches!(t.status.as_str(), "pending" | "accepted"))
    .then(|| rules::sla_state(cal, t.due_on, today, cases::DUE_SOON_WORKDAYS))
}

impl TaskView {
    pub fn new(t: case_task::Model, n: &Names) -> TaskView {
        TaskView {
            sla: None,
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

/// The time-limit warning a case shows (see `domain::cases::case_deadline`).
#[derive(Clone, Serialize, ToSchema)]
pub struct DeadlineView {
    /// on_track, due_soon, overdue：诉求本身与其未完成部门任务中最紧的一项
    pub state: String,
    /// 提示文字，如“即将到期”“部门任务已超期”
    pub label: String,
}

#[derive(Serialize, ToSchema)]
pub struct CaseDetailView {
    pub case: CaseView,
    /// 期限提示（仅待受理、办理中）：诉求本身或其部门任务的期限状态，取最紧者
    pub deadline: Option<DeadlineView>,
    pub tasks: Vec<TaskView>,
    /// 办理时间线（只追加）
    pub timeline: Vec<EventView>,
    pub supervisions: Vec<SupervisionView>,
    /// 可能重复的未办结诉求（同一单位同类或文本高度相似）
    pub possible_duplicates: Vec<DuplicateView>,
    pub attachments: Vec<AttachmentView>,
}

/// The case events the one who raised a case follows: every step that
/// changes what its header says (a task returned and the case back to
/// 待受理, a merge, a close without a rating included), not warnings,
/// supervision or staff notes, which are the committee's business.
pub const RAISER_EVENTS: [&str; 14] = [
    "intake",
    "dispatch",
    "accept",
    "complete",
    "return",
    "returned",
    "suspend",
    "resume",
    "reply",
    "rate",
    "close_no_answer",
    "reopen",
    "decline",
    "merge",
];

/// The timeline as the firm that raised the case reads it: the steps it
/// follows ([`RAISER_EVENTS`]), each by its department (or 管委会), not by
/// the committee's staff names; its own intake and rating keep their names.
fn raiser_timeline(events: Vec<EventView>) -> Vec<EventView> {
    events
        .into_iter()
        .filter(|e| RAISER_EVENTS.contains(&e.kind.as_str()))
        .map(|mut e| {
            if !matches!(e.kind.as_str(), "intake" | "rate") {
                e.actor = if e.department_name.is_empty() {
                    "管委会".into()
                } else {
                    String::new()
                };
            }
            e
        })
        .collect()
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
    let today = cases::today();
    let status = c.status.clone();
    let tasks: Vec<TaskView> = tasks
        .into_iter()
        .map(|t| {
            let sla = task_sla(&status, &t, &cal, today);
            TaskView {
                sla: sla.map(|x| x.as_str().to_string()),
                ..TaskView::new(t, &n)
            }
        })
        .collect();
    let case = CaseView::new(c, &n, &cal, today).for_reader(p);
    let deadline = case.sla.as_deref().and_then(SlaState::parse).map(|own| {
        let open = tasks
            .iter()
            .filter_map(|t| t.sla.as_deref().and_then(SlaState::parse));
        let (state, label) = rules::case_deadline(own, open);
        DeadlineView {
            state: state.as_str().into(),
            label: label.into(),
        }
    });
    let timeline: Vec<EventView> = events.into_iter().map(|e| EventView::new(e, &n)).collect();
    let raiser = matches!(p.scope, Scope::Org(_));
    Ok(CaseDetailView {
        case,
        deadline,
        tasks,
        timeline: if raiser {
            raiser_timeline(timeline)
        } else {
            timeline
        },
        supervisions: if raiser {
            vec![]
        } else {
            sups.into_iter().map(Into::into).collect()
        },
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
    /// 该部门有未完成任务（待签收、办理中）的办理中诉求
    pub task_department_id: Option<String>,
    /// overdue, due_soon：按部门任务自己的期限（与 task_department_id 同用时只看该部门的任务）
    pub task_sla: Option<String>,
    /// true：各部门任务均已办结、待主办部门答复企业的诉求
    pub awaiting_reply: Option<String>,
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
    /// 人才层次代码（人才服务申请，统计下钻用）
    pub talent_tier: Option<String>,
    /// true：国际人才的服务申请；false：国内人才的（统计下钻用）
    pub talent_international: Option<String>,
    /// 只要这些诉求：id 以逗号分隔，最多 500 个（列表勾选后“导出所选”）
    pub ids: Option<String>,
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

/// The most cases one 导出所选 names.
pub const BATCH_EXPORT_LIMIT: usize = 500;

fn date(v: &Option<String>) -> ApiResult<Option<NaiveDate>> {
    match non_empty(v) {
        None => Ok(None),
        Some(d) => crate::forms::parse_iso_date(&d)
            .map(Some)
            .ok_or_else(|| bad("日期应写成“年-月-日”，如 2026-03-01")),
    }
}

impl CaseListQuery {
    pub fn filter(&self) -> ApiResult<CaseFilter> {
        let (mut from, mut to) = (date(&self.from)?, date(&self.to)?);
        if let Some(m) = non_empty(&self.month) {
            let first = NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
                .map_err(|_| bad("月份应写成“年-月”，如 2026-03"))?;
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
            open_task_department_id: non_empty(&self.task_department_id),
            awaiting_reply: opt_bool("awaiting_reply", &self.awaiting_reply)?.unwrap_or(false),
            task_sla: match non_empty(&self.task_sla).as_deref() {
                None => None,
                Some("overdue") => Some(SlaFilter::Overdue),
                Some("due_soon") => Some(SlaFilter::DueSoon),
                Some(_) => return Err(bad("task_sla 只能是 overdue、due_soon")),
            },
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
            talent_tier: non_empty(&self.talent_tier),
            talent_international: opt_bool("talent_international", &self.talent_international)?,
            ids: match non_empty(&self.ids) {
                None => None,
                Some(ids) => {
                    let ids: Vec<String> = ids
                        .split(',')
                        .map(str::trim)
                        .filter(|i| !i.is_empty())
                        .map(String::from)
                        .collect();
                    if ids.is_empty() {
                        return Err(bad("ids 应为以逗号分隔的诉求 id"));
                    }
                    if ids.len() > BATCH_EXPORT_LIMIT {
                        return Err(bad(&format!(
                            "一次最多导出所选的 {BATCH_EXPORT_LIMIT} 件诉求，请分批导出或按筛选条件导出"
                        )));
                    }
                    Some(ids)
                }
            },
            sort: match non_empty(&self.sort) {
                None => CaseSort::default(),
                Some(s) => CaseSort::parse(&s)
                    .ok_or_else(|| bad("排序只能是 received_desc、received_asc、due、number"))?,
            },
        })
    }
}

/// The views of a page of cases, as `p` may read them.
pub async fn views(
    s: &AppState,
    p: &Principal,
    rows: Vec<case::Model>,
) -> ApiResult<Vec<CaseView>> {
    let n = Names::of_cases(s, &rows).await?;
    let cal = kechuang_store::calendar::load(&s.db).await?;
    let today = cases::today();
    Ok(rows
        .into_iter()
        .map(|c| CaseView::new(c, &n, &cal, today).for_reader(p))
        .collect())
}

/// Who reads an enterprise contact's phone number in full: the firm itself
/// (and a talent its own request), the acceptance desk and task forces, the
/// handling departments and administrators. Leaders, brokers, service
/// officers and instructors read cases to supervise or follow them and see
/// it masked (138****8000).
pub fn sees_contacts(p: &Principal) -> bool {
    matches!(p.scope, Scope::Org(_) | Scope::User(_))
        || p.can(Permission::CasesTriage)
        || p.can(Permission::CasesHandle)
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
    let vs = views(s, p, rows).await?;
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

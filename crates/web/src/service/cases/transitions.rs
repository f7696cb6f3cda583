//! Changing cases: the request bodies, the [`Command`]s and who may run
//! them ([`run`]), and the accountability interviews (约谈) with lagging
//! departments.

use chrono::NaiveDate;
use kechuang_domain::auth::Permission;
use kechuang_domain::cases::{Satisfaction, TaskAction};
use kechuang_domain::ErrorCode;
use kechuang_store::cases::{self, Actor};
use kechuang_store::entities::{case, case_task, supervision};
use kechuang_store::{departments, Principal, Scope};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{actor, Names};
use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

/// The actor bound to the caller's department (checked by the store on the
/// case or task it reads in the transaction); an administrator is not bound.
fn bound_actor(p: &Principal) -> Actor {
    Actor {
        acts_for: (p.role != kechuang_domain::auth::Role::Admin)
            .then(|| p.department_id.clone().unwrap_or_default()),
        ..actor(p)
    }
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

/// A rating as a reply may get: satisfied, basic or unsatisfied.
pub fn satisfaction(code: &str) -> ApiResult<Satisfaction> {
    match Satisfaction::parse(code.trim()) {
        Some(x @ (Satisfaction::Satisfied | Satisfaction::Basic | Satisfaction::Unsatisfied)) => {
            Ok(x)
        }
        _ => Err(ApiError::invalid(
            ErrorCode::InvalidInput,
            &[("satisfaction", "请选择满意、基本满意或不满意".into())],
        )),
    }
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
            ErrorCode::InvalidInput,
            &[(field, format!("请填写{what}（不超过5000字）"))],
        ));
    }
    Ok(t.to_string())
}

/// The text a task action records: 记录进展 its progress, 办结 its result and
/// 退回 its reason, each required (422 `note_required` on the field `note`,
/// naming what is missing); 签收 needs none.
fn task_note(action: TaskAction, note: &str) -> ApiResult<String> {
    let note: String = note.trim().chars().take(5000).collect();
    let what = match action {
        TaskAction::Accept => return Ok(note),
        TaskAction::Progress => "办理进展",
        TaskAction::Complete => "办理结果",
        TaskAction::Return => "退回原因",
    };
    if note.is_empty() {
        return Err(ApiError::invalid(
            ErrorCode::NoteRequired,
            &[("note", format!("请填写{what}"))],
        ));
    }
    Ok(note)
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
    let out = match cmd {
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
            let sat = satisfaction(&b.satisfaction)?;
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
            let note = task_note(action, &body.note)?;
            let step = cases::TaskStep {
                task_id,
                version: body.version,
                action,
                note,
            };
            Outcome::Task(cases::task_action(&s.db, &p.scope, &a, id, step).await?)
        }
    };
    // Acting on the case deals with the caller's messages about it. The
    // command is done; a failure here is logged, not reported as its failure.
    if let Err(e) = crate::service::messages::mark_case_read(s, p, id).await {
        tracing::warn!(error = %e.message, case = id, "could not mark the case's messages read");
    }
    Ok(out)
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
    let held_on = crate::forms::parse_date(&d.held_on);
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
        return Err(ApiError::invalid(ErrorCode::InvalidInput, &e));
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

/// The interview threshold (建议约谈阈值) as the committee set it.
#[derive(Clone, Copy, Debug, Serialize, ToSchema)]
pub struct InterviewThreshold {
    /// 在办超期与超期办结合计达到该件数即建议约谈（部门与服务人员同用）
    pub value: i64,
    /// 修改时带回；0 表示仍为默认值
    pub version: i32,
    /// 默认值
    pub default: i64,
}

/// The threshold as typed: 1 to 1,000 cases, at the version read.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ThresholdDraft {
    /// 1～1000 的整数
    pub value: String,
    pub version: i32,
}

fn threshold_view(n: kechuang_store::settings::Number) -> InterviewThreshold {
    InterviewThreshold {
        value: n.value,
        version: n.version,
        default: kechuang_domain::cases::INTERVIEW_THRESHOLD,
    }
}

pub async fn interview_threshold(s: &AppState, p: &Principal) -> ApiResult<InterviewThreshold> {
    require(p, Permission::CasesSupervise)?;
    Ok(threshold_view(
        kechuang_store::settings::interview_threshold(&s.db).await?,
    ))
}

/// Those who supervise set the threshold (audited, version-checked).
pub async fn set_interview_threshold(
    s: &AppState,
    p: &Principal,
    d: &ThresholdDraft,
) -> ApiResult<InterviewThreshold> {
    require(p, Permission::CasesSupervise)?;
    let mut e = vec![];
    let value = crate::forms::fields::int(&mut e, "value", "建议约谈阈值", &d.value, 1, 1000);
    if !e.is_empty() {
        return Err(ApiError::from_fields((ErrorCode::InvalidInput, e)));
    }
    Ok(threshold_view(
        kechuang_store::settings::set_interview_threshold(&s.db, &p.username, value, d.version)
            .await?,
    ))
}

/// Tasks signed for at once (批量签收) at most.
pub const BATCH_LIMIT: usize = 100;

/// What a batch did: the cases whose task was signed for, and those refused
/// with the reason (a task someone else moved meanwhile, a case now out of
/// reach…), each by the case's number.
#[derive(Debug, Default)]
pub struct BatchOutcome {
    pub accepted: usize,
    pub refused: Vec<(String, String)>,
}

/// 批量签收: the department signs for several tasks, each exactly as on its
/// case page ([`run`], so the same rules, audit and messages), one after
/// another; a refused one does not stop the others. Items are (case id,
/// task id, the task's version as read).
pub async fn accept_tasks(
    s: &AppState,
    p: &Principal,
    items: Vec<(String, String, i32)>,
) -> ApiResult<BatchOutcome> {
    require(p, Permission::CasesHandle)?;
    if items.len() > BATCH_LIMIT {
        return Err(ApiError::bad_request(
            ErrorCode::InvalidForm,
            format!("一次最多签收{BATCH_LIMIT}项"),
        ));
    }
    let mut out = BatchOutcome::default();
    for (case_id, task_id, version) in items {
        let cmd = Command::Task {
            task_id,
            action: TaskAction::Accept,
            body: TaskBody {
                version,
                note: String::new(),
            },
        };
        match run(s, p, &case_id, cmd).await {
            Ok(_) => out.accepted += 1,
            Err(e) if e.status.is_client_error() => {
                let number = cases::get(&s.db, &p.scope, &case_id)
                    .await
                    .map(|c| c.number)
                    .unwrap_or(case_id);
                out.refused.push((number, e.message));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

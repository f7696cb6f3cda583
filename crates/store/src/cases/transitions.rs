//! The steps that change a case: dispatch, decline, merge, suspend and
//! resume, department tasks, reply, rating and reopening, supervision,
//! return visits and accountability interviews.

use kechuang_domain::ErrorCode;
use std::collections::HashSet;

use chrono::NaiveDate;
use kechuang_domain::cases::{
    self as rules, CaseAction, CaseStatus, Satisfaction, TaskAction, TaskRole, TaskStatus,
    TransitionCtx, TransitionError,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};

use super::{event, get, notify, rule_error, status_of, tasks, today, transition, Actor};
use crate::entities::{case, case_category, case_department, case_task, interview, supervision};
use crate::{calendar, now, record, Db, Scope, StoreError, StoreResult};

/// Load a case for a change: in scope, at the version the caller read.
async fn load<C: ConnectionTrait>(tx: &C, scope: &Scope, id: &str) -> StoreResult<case::Model> {
    get(tx, scope, id).await
}

/// Where a case is dispatched to.
#[derive(Clone, Debug)]
pub struct Assignment {
    /// The lead department (主办).
    pub lead: String,
    /// Assisting departments (协办).
    pub assists: Vec<String>,
    /// The task force; None keeps the routed one.
    pub task_force: Option<String>,
    /// Task limits in workdays by department; a department not listed gets
    /// the category's task limit. Each must be 1..= the category's time limit.
    pub limits: Vec<(String, i64)>,
}

/// Dispatch (任务分办): confirm or change the lead department and task
/// force, add assisting departments; each gets a task with its own limit
/// (workdays from today over the work calendar, capped at the case's due
/// date). A limit outside 1..= the category's time limit is refused as
/// `invalid_task_limit` on the field `task_limits.<department id>`.
pub async fn dispatch(
    db: &Db,
    scope: &Scope,
    actor: &Actor,
    id: &str,
    version: i32,
    to: Assignment,
) -> StoreResult<case::Model> {
    let Assignment {
        lead,
        assists,
        task_force,
        limits,
    } = to;
    let cal = calendar::load(db).await?;
    let tx = crate::db::begin_write(db).await?;
    let c = load(&tx, scope, id).await?;
    let next = transition(&c, CaseAction::Dispatch, TransitionCtx::default())?;
    let category = case_category::Entity::find_by_id(c.category_id.clone())
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let today = today();
    let max = i64::from(category.time_limit_days.max(1));
    let default = i64::from(category.task_limit_days).clamp(1, max);
    let mut departments: Vec<(String, TaskRole)> = vec![(lead.clone(), TaskRole::Lead)];
    for a in assists {
        if a != lead && !departments.iter().any(|(d, _)| *d == a) {
            departments.push((a, TaskRole::Assist));
        }
    }
    let names = crate::names::of(
        &tx,
        "departments",
        departments.iter().map(|(d, _)| d.clone()),
    )
    .await?;
    if departments.iter().any(|(d, _)| !names.contains_key(d)) {
        return Err(StoreError::rule(
            ErrorCode::InvalidDepartment,
            "承办部门不存在",
        ));
    }
    if let Some((d, _)) = limits
        .iter()
        .find(|(d, _)| !departments.iter().any(|(x, _)| x == d))
    {
        return Err(StoreError::field(
            ErrorCode::InvalidTaskLimit,
            &format!("task_limits.{d}"),
            "办理时限所列部门不在本次分办的主办、协办部门中，请删去该时限或把部门加入分办",
        ));
    }
    let mut plan = Vec::with_capacity(departments.len());
    for (d, role) in &departments {
        let limit = limits
            .iter()
            .rev()
            .find(|(x, _)| x == d)
            .map_or(default, |(_, l)| *l);
        let name = names.get(d).cloned().unwrap_or_default();
        if !(1..=max).contains(&limit) {
            return Err(StoreError::field(
                ErrorCode::InvalidTaskLimit,
                &format!("task_limits.{d}"),
                format!(
                    "{name}的办理时限须为1至{max}个工作日（不超过本类诉求的办结时限），请修改后再分办"
                ),
            ));
        }
        let due = rules::due_date(&cal, today, limit as u32, 0).min(c.due_on.max(today));
        plan.push((d.clone(), *role, name, limit, due));
    }
    for (d, role, _, _, due) in &plan {
        new_task(&tx, &actor.username, &c.id, d, *role, today, *due).await?;
        notify(
            &tx,
            Some(d.clone()),
            None,
            format!("{}任务 {}：{}", role.label_zh(), c.number, c.title),
            format!("请于{due}前办结"),
            format!("/cases/{}", c.id),
        )
        .await?;
    }
    let number = c.number.clone();
    concern(&tx, &c.id, task_force.clone()).await?;
    let m = record::update(
        &tx,
        &actor.username,
        "dispatch",
        c,
        version,
        |am: &mut case::ActiveModel| {
            am.status = Set(next.as_str().into());
            am.lead_department_id = Set(Some(lead));
            if let Some(tf) = task_force {
                am.task_force_department_id = Set(Some(tf));
            }
        },
    )
    .await?;
    let text: Vec<String> = plan
        .iter()
        .map(|(_, r, name, limit, due)| {
            format!("{}：{name}（{limit}个工作日，{due}前办结）", r.label_zh())
        })
        .collect();
    event(
        &tx,
        &m.id,
        &actor.display_name,
        "dispatch",
        None,
        format!("分办 {}，{}", number, text.join("；")),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Record that a case concerns these departments (rows it already has are
/// kept; rows are never removed).
async fn concern<C: ConnectionTrait>(
    tx: &C,
    case_id: &str,
    departments: impl IntoIterator<Item = String>,
) -> StoreResult<()> {
    let have: HashSet<String> = case_department::Entity::find()
        .select_only()
        .column(case_department::Column::DepartmentId)
        .filter(case_department::Column::CaseId.eq(case_id))
        .into_tuple()
        .all(tx)
        .await?
        .into_iter()
        .collect();
    let new: std::collections::BTreeSet<String> = departments
        .into_iter()
        .filter(|d| !have.contains(d))
        .collect();
    let rows = new.into_iter().map(|d| case_department::ActiveModel {
        case_id: Set(case_id.into()),
        department_id: Set(d),
    });
    crate::bulk::insert_rows(tx, rows).await
}

/// A pending task for a department, audited.
async fn new_task<C: ConnectionTrait>(
    tx: &C,
    actor: &str,
    case_id: &str,
    department_id: &str,
    role: TaskRole,
    dispatched_on: NaiveDate,
    due_on: NaiveDate,
) -> StoreResult<case_task::Model> {
    let am = case_task::ActiveModel {
        case_id: Set(case_id.into()),
        department_id: Set(department_id.into()),
        role: Set(role.as_str().into()),
        status: Set(TaskStatus::Pending.as_str().into()),
        dispatched_on: Set(dispatched_on),
        due_on: Set(due_on),
        accepted_at: Set(None),
        done_at: Set(None),
        done_on: Set(None),
        result: Set(None),
        returned_reason: Set(None),
        ..Default::default()
    };
    concern(tx, case_id, [department_id.to_string()]).await?;
    record::insert(tx, actor, am).await
}

/// Decline (不予受理) with a reason the enterprise sees.
pub async fn decline(
    db: &Db,
    scope: &Scope,
    actor: &Actor,
    id: &str,
    version: i32,
    reason: String,
) -> StoreResult<case::Model> {
    let tx = crate::db::begin_write(db).await?;
    let c = load(&tx, scope, id).await?;
    let next = transition(&c, CaseAction::Decline, TransitionCtx::default())?;
    let r = reason.clone();
    let m = record::update(
        &tx,
        &actor.username,
        "decline",
        c,
        version,
        |am: &mut case::ActiveModel| {
            am.status = Set(next.as_str().into());
            am.decline_reason = Set(Some(r));
            am.closed_at = Set(Some(now()));
            am.closed_on = Set(Some(today()));
        },
    )
    .await?;
    event(
        &tx,
        &m.id,
        &actor.display_name,
        "decline",
        None,
        format!("不予受理：{reason}"),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Merge a duplicate into another open case; it follows its target from then on.
pub async fn merge(
    db: &Db,
    scope: &Scope,
    actor: &Actor,
    id: &str,
    version: i32,
    target_id: &str,
) -> StoreResult<case::Model> {
    if id == target_id {
        return Err(StoreError::rule(ErrorCode::InvalidMerge, "不能合并到自身"));
    }
    let tx = crate::db::begin_write(db).await?;
    let c = load(&tx, scope, id).await?;
    let target = load(&tx, scope, target_id).await?;
    if !status_of(&target).is_open() {
        return Err(StoreError::rule(
            ErrorCode::InvalidMerge,
            "只能合并到未办结的诉求",
        ));
    }
    let next = transition(&c, CaseAction::Merge, TransitionCtx::default())?;
    let number = c.number.clone();
    let tid = target.id.clone();
    let m = record::update(
        &tx,
        &actor.username,
        "merge",
        c,
        version,
        |am: &mut case::ActiveModel| {
            am.status = Set(next.as_str().into());
            am.merged_into_id = Set(Some(tid));
            am.closed_at = Set(Some(now()));
            am.closed_on = Set(Some(today()));
        },
    )
    .await?;
    // Its departments' open tasks are called off: the work goes on in the target.
    let mut cancelled = 0;
    for t in tasks(&tx, &m.id).await? {
        if !matches!(
            TaskStatus::parse(&t.status),
            Some(TaskStatus::Pending | TaskStatus::Accepted)
        ) {
            continue;
        }
        let (v, department) = (t.version, t.department_id.clone());
        record::update(
            &tx,
            &actor.username,
            "cancel",
            t,
            v,
            |am: &mut case_task::ActiveModel| {
                am.status = Set(TaskStatus::Cancelled.as_str().into())
            },
        )
        .await?;
        cancelled += 1;
        notify(
            &tx,
            Some(department),
            None,
            format!("任务已撤销 {}：{}", m.number, m.title),
            format!(
                "该诉求与 {} 重复，已合并，本部门的任务已撤销，无需继续办理",
                target.number
            ),
            format!("/cases/{}", m.id),
        )
        .await?;
    }
    event(
        &tx,
        &m.id,
        &actor.display_name,
        "merge",
        None,
        format!("与 {} 重复，已合并，后续进展见该诉求", target.number),
    )
    .await?;
    // For the committee's eyes (not the firm's timeline): the tasks called off.
    if cancelled > 0 {
        event(
            &tx,
            &m.id,
            &actor.display_name,
            "cancel",
            None,
            format!("合并后撤销 {cancelled} 项未完成的分办任务"),
        )
        .await?;
    }
    event(
        &tx,
        &target.id,
        &actor.display_name,
        "merge",
        None,
        format!("合并重复诉求 {number}"),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Suspend while waiting on the enterprise; the clock stops.
pub async fn suspend(
    db: &Db,
    scope: &Scope,
    actor: &Actor,
    id: &str,
    version: i32,
    reason: String,
) -> StoreResult<case::Model> {
    let tx = crate::db::begin_write(db).await?;
    let c = load(&tx, scope, id).await?;
    actor.may_act_for(
        c.lead_department_id.as_deref(),
        ErrorCode::NotLeadDepartment,
        "只有主办部门或受理分办人员可以挂起诉求",
    )?;
    let next = transition(&c, CaseAction::Suspend, TransitionCtx::default())?;
    let m = record::update(
        &tx,
        &actor.username,
        "suspend",
        c,
        version,
        |am: &mut case::ActiveModel| {
            am.status = Set(next.as_str().into());
            am.suspended_since = Set(Some(today()));
        },
    )
    .await?;
    event(
        &tx,
        &m.id,
        &actor.display_name,
        "suspend",
        None,
        format!("挂起（计时暂停）：{reason}"),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Resume: the workdays spent suspended push the due date (and open tasks') back.
pub async fn resume(
    db: &Db,
    scope: &Scope,
    actor: &Actor,
    id: &str,
    version: i32,
) -> StoreResult<case::Model> {
    let cal = calendar::load(db).await?;
    let tx = crate::db::begin_write(db).await?;
    let c = load(&tx, scope, id).await?;
    actor.may_act_for(
        c.lead_department_id.as_deref(),
        ErrorCode::NotLeadDepartment,
        "只有主办部门或受理分办人员可以恢复办理",
    )?;
    let next = transition(&c, CaseAction::Resume, TransitionCtx::default())?;
    let since = c.suspended_since.unwrap_or_else(today);
    let paused = rules::suspended_workdays(&cal, &[(since, today())]);
    let total = c.suspended_workdays as i64 + paused;
    let due = rules::due_date(&cal, c.received_on, c.limit_days.max(1) as u32, total);
    let m = record::update(
        &tx,
        &actor.username,
        "resume",
        c,
        version,
        |am: &mut case::ActiveModel| {
            am.status = Set(next.as_str().into());
            am.suspended_since = Set(None);
            am.suspended_workdays = Set(total as i32);
            am.due_on = Set(due);
        },
    )
    .await?;
    for t in tasks(&tx, &m.id).await? {
        if matches!(
            TaskStatus::parse(&t.status),
            Some(TaskStatus::Pending | TaskStatus::Accepted)
        ) && paused > 0
        {
            let v = t.version;
            let shifted = cal.add_workdays(t.due_on, paused as u32);
            record::update(
                &tx,
                &actor.username,
                "resume",
                t,
                v,
                |am: &mut case_task::ActiveModel| am.due_on = Set(shifted),
            )
            .await?;
        }
    }
    event(
        &tx,
        &m.id,
        &actor.display_name,
        "resume",
        None,
        format!("恢复办理，挂起{paused}个工作日，办结时限顺延至{due}"),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// A department task as the case's handlers see it.
async fn load_task<C: ConnectionTrait>(
    tx: &C,
    scope: &Scope,
    case_id: &str,
    task_id: &str,
) -> StoreResult<(case::Model, case_task::Model)> {
    let c = get(tx, scope, case_id).await?;
    let t = case_task::Entity::find_by_id(task_id.to_string())
        .filter(case_task::Column::CaseId.eq(case_id))
        .one(tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((c, t))
}

/// One step on a department task.
#[derive(Clone, Debug)]
pub struct TaskStep {
    pub task_id: String,
    /// The task's version as the department read it.
    pub version: i32,
    pub action: TaskAction,
    /// Progress, result or reason for returning.
    pub note: String,
}

/// A department acts on its task: accept, log progress, complete, or return
/// it as mis-dispatched (within one workday). A returned lead task sends the
/// case back for dispatch.
pub async fn task_action(
    db: &Db,
    scope: &Scope,
    actor: &Actor,
    case_id: &str,
    step: TaskStep,
) -> StoreResult<case_task::Model> {
    let TaskStep {
        task_id,
        version,
        action,
        note,
    } = step;
    let task_id = task_id.as_str();
    let cal = calendar::load(db).await?;
    let tx = crate::db::begin_write(db).await?;
    let (c, t) = load_task(&tx, scope, case_id, task_id).await?;
    actor.may_act_for(
        Some(&t.department_id),
        ErrorCode::NotTaskDepartment,
        "只能处理本部门的任务",
    )?;
    if status_of(&c) != CaseStatus::Dispatched {
        return Err(StoreError::rule(
            ErrorCode::CaseNotInHandling,
            format!("诉求当前为“{}”，不能处理部门任务", status_of(&c).label_zh()),
        ));
    }
    let from = TaskStatus::parse(&t.status).unwrap_or(TaskStatus::Pending);
    let next = rules::next_task_status(from, action).map_err(rule_error)?;
    if action == TaskAction::Return && !rules::return_allowed(&cal, t.created_at, now()) {
        return Err(rule_error(TransitionError::ReturnWindowPassed));
    }
    if matches!(
        action,
        TaskAction::Return | TaskAction::Complete | TaskAction::Progress
    ) && note.trim().is_empty()
    {
        return Err(StoreError::rule(ErrorCode::NoteRequired, "请填写说明"));
    }
    let department = t.department_id.clone();
    let role = TaskRole::parse(&t.role).unwrap_or(TaskRole::Assist);
    let n = note.clone();
    let m = record::update(
        &tx,
        &actor.username,
        action.as_str(),
        t,
        version,
        |am: &mut case_task::ActiveModel| {
            am.status = Set(next.as_str().into());
            match action {
                TaskAction::Accept => am.accepted_at = Set(Some(now())),
                TaskAction::Complete => {
                    am.done_at = Set(Some(now()));
                    am.done_on = Set(Some(today()));
                    am.result = Set(Some(n));
                }
                TaskAction::Return => am.returned_reason = Set(Some(n)),
                TaskAction::Progress => {}
            }
        },
    )
    .await?;
    let text = match action {
        TaskAction::Accept => format!("{}签收", role.label_zh()),
        TaskAction::Progress => format!("办理进展：{note}"),
        // “办理完成”, as the task reads (已完成): “办结” is the case's word.
        TaskAction::Complete => format!("{}办理完成：{note}", role.label_zh()),
        TaskAction::Return => format!("{}退回（分办不当）：{note}", role.label_zh()),
    };
    event(
        &tx,
        case_id,
        &actor.display_name,
        action.as_str(),
        Some(department.clone()),
        text,
    )
    .await?;
    if action == TaskAction::Return && role == TaskRole::Lead {
        let v = c.version;
        record::update(
            &tx,
            &actor.username,
            "returned",
            c,
            v,
            |am: &mut case::ActiveModel| {
                am.status = Set(CaseStatus::Submitted.as_str().into());
                am.lead_department_id = Set(None);
            },
        )
        .await?;
        event(
            &tx,
            case_id,
            &actor.display_name,
            "returned",
            None,
            "主办部门退回，待重新分办".into(),
        )
        .await?;
    } else if action == TaskAction::Complete && role == TaskRole::Assist {
        let lead = tasks(&tx, case_id)
            .await?
            .into_iter()
            .find(|t| t.role == "lead" && t.status != "returned");
        if let Some(l) = lead {
            notify(
                &tx,
                Some(l.department_id),
                None,
                format!("协办部门已办结 {}", c.number),
                note,
                format!("/cases/{case_id}"),
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(m)
}

/// The lead department replies to the enterprise, once every task is done (joint sign-off).
pub async fn reply(
    db: &Db,
    scope: &Scope,
    actor: &Actor,
    id: &str,
    version: i32,
    text: String,
) -> StoreResult<case::Model> {
    let tx = crate::db::begin_write(db).await?;
    let c = load(&tx, scope, id).await?;
    actor.may_act_for(
        c.lead_department_id.as_deref(),
        ErrorCode::NotLeadDepartment,
        "只有主办部门可以答复企业",
    )?;
    let ts = tasks(&tx, id).await?;
    let all_done = rules::all_tasks_done(ts.iter().map(|t| t.status.as_str()));
    let next = transition(
        &c,
        CaseAction::Reply,
        TransitionCtx {
            all_tasks_done: all_done,
            satisfaction: None,
        },
    )?;
    let body = text.clone();
    let submitted_by = c.submitted_by.clone();
    let m = record::update(
        &tx,
        &actor.username,
        "reply",
        c,
        version,
        |am: &mut case::ActiveModel| {
            am.status = Set(next.as_str().into());
            am.reply = Set(Some(body));
            am.replied_at = Set(Some(now()));
        },
    )
    .await?;
    event(
        &tx,
        &m.id,
        &actor.display_name,
        "reply",
        m.lead_department_id.clone(),
        format!("答复企业：{text}"),
    )
    .await?;
    notify(
        &tx,
        None,
        submitted_by,
        format!("诉求 {} 已答复", m.number),
        "请查看答复并评价".into(),
        format!("/cases/{}", m.id),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// The enterprise rates the reply. Unsatisfied reopens the case one
/// supervision level higher, with a new lead task.
pub async fn rate(
    db: &Db,
    scope: &Scope,
    actor: &Actor,
    id: &str,
    version: i32,
    satisfaction: Satisfaction,
    comment: String,
) -> StoreResult<case::Model> {
    let cal = calendar::load(db).await?;
    let tx = crate::db::begin_write(db).await?;
    let c = load(&tx, scope, id).await?;
    let next = transition(
        &c,
        CaseAction::Rate,
        TransitionCtx {
            all_tasks_done: true,
            satisfaction: Some(satisfaction),
        },
    )?;
    let reopened = next == CaseStatus::Dispatched;
    let cycle = rules::cycle_workdays(&cal, c.received_on, today()) as i32;
    let level = c.supervision_level + i32::from(reopened);
    let count = c.reopened_count + i32::from(reopened);
    let cm = comment.clone();
    let m = record::update(
        &tx,
        &actor.username,
        if reopened { "reopen" } else { "rate" },
        c,
        version,
        |am: &mut case::ActiveModel| {
            am.status = Set(next.as_str().into());
            am.satisfaction = Set(Some(satisfaction.as_str().into()));
            am.rating_comment = Set(Some(cm));
            if reopened {
                am.supervision_level = Set(level);
                am.reopened_count = Set(count);
                am.reply = Set(None);
                am.replied_at = Set(None);
            } else {
                am.closed_at = Set(Some(now()));
                am.closed_on = Set(Some(today()));
                am.cycle_workdays = Set(Some(cycle));
            }
        },
    )
    .await?;
    let said = if comment.is_empty() {
        String::new()
    } else {
        format!("（{comment}）")
    };
    event(
        &tx,
        &m.id,
        &actor.display_name,
        "rate",
        None,
        format!("评价：{}{said}", satisfaction.label_zh()),
    )
    .await?;
    if reopened {
        // Reopened: the lead department gets a new task, under a higher supervision level.
        if let Some(lead) = m.lead_department_id.clone() {
            let cat = case_category::Entity::find_by_id(m.category_id.clone())
                .one(&tx)
                .await?;
            let due = rules::due_date(
                &cal,
                today(),
                cat.map(|c| c.task_limit_days).unwrap_or(5).max(1) as u32,
                0,
            );
            new_task(
                &tx,
                &actor.username,
                &m.id,
                &lead,
                TaskRole::Lead,
                today(),
                due,
            )
            .await?;
            raise_supervision(
                &tx,
                &actor.username,
                &m,
                Some(lead),
                level,
                "企业不满意，重新办理并提级督办".into(),
                true,
            )
            .await?;
        }
        event(
            &tx,
            &m.id,
            &actor.display_name,
            "reopen",
            None,
            format!("企业不满意，重新办理，督办级别升至{level}级"),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(m)
}

pub(super) async fn raise_supervision<C: ConnectionTrait>(
    tx: &C,
    actor: &str,
    c: &case::Model,
    department_id: Option<String>,
    level: i32,
    reason: String,
    automatic: bool,
) -> StoreResult<supervision::Model> {
    let am = supervision::ActiveModel {
        case_id: Set(c.id.clone()),
        department_id: Set(department_id.clone()),
        level: Set(level),
        reason: Set(reason.clone()),
        automatic: Set(automatic),
        raised_by: Set(actor.into()),
        resolved_at: Set(None),
        ..Default::default()
    };
    let s = record::insert(tx, actor, am).await?;
    notify(
        tx,
        department_id,
        None,
        format!("督办：{} {}", c.number, c.title),
        reason,
        format!("/cases/{}", c.id),
    )
    .await?;
    Ok(s)
}

/// A leader raises a supervision order (督办) by hand.
pub async fn supervise(
    db: &Db,
    scope: &Scope,
    actor: &Actor,
    id: &str,
    version: i32,
    reason: String,
) -> StoreResult<supervision::Model> {
    let tx = crate::db::begin_write(db).await?;
    let c = load(&tx, scope, id).await?;
    if !status_of(&c).is_open() {
        return Err(StoreError::rule(
            ErrorCode::CaseClosed,
            "诉求已办结，无需督办",
        ));
    }
    let level = c.supervision_level + 1;
    let c = record::update(
        &tx,
        &actor.username,
        "supervise",
        c,
        version,
        |am: &mut case::ActiveModel| am.supervision_level = Set(level),
    )
    .await?;
    let s = raise_supervision(
        &tx,
        &actor.username,
        &c,
        c.lead_department_id.clone(),
        level,
        reason.clone(),
        false,
    )
    .await?;
    event(
        &tx,
        &c.id,
        &actor.display_name,
        "supervise",
        c.lead_department_id.clone(),
        format!("{}级督办：{reason}", level),
    )
    .await?;
    tx.commit().await?;
    Ok(s)
}

/// A return visit (回访) to the enterprise, recorded on the timeline.
pub async fn follow_up(
    db: &Db,
    scope: &Scope,
    actor: &Actor,
    id: &str,
    note: String,
) -> StoreResult<()> {
    let tx = crate::db::begin_write(db).await?;
    let c = load(&tx, scope, id).await?;
    event(
        &tx,
        &c.id,
        &actor.display_name,
        "follow_up",
        None,
        format!("回访：{note}"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug)]
pub struct InterviewInput {
    pub department_id: String,
    pub case_id: Option<String>,
    pub interviewee: String,
    pub held_on: NaiveDate,
    pub reason: String,
    pub outcome: String,
}

/// An accountability interview (约谈) with a lagging department.
pub async fn record_interview(
    db: &Db,
    actor: &Actor,
    i: InterviewInput,
) -> StoreResult<interview::Model> {
    if i.held_on > today() {
        return Err(StoreError::rule(
            ErrorCode::FutureDate,
            "约谈日期不能晚于今天",
        ));
    }
    let tx = crate::db::begin_write(db).await?;
    let case_id = i.case_id.clone();
    let am = interview::ActiveModel {
        department_id: Set(i.department_id.clone()),
        case_id: Set(i.case_id),
        interviewee: Set(i.interviewee.clone()),
        held_on: Set(i.held_on),
        reason: Set(i.reason.clone()),
        outcome: Set(i.outcome),
        recorded_by: Set(actor.username.clone()),
        ..Default::default()
    };
    let m = record::insert(&tx, &actor.username, am).await?;
    if let Some(c) = case_id {
        event(
            &tx,
            &c,
            &actor.display_name,
            "interview",
            Some(i.department_id),
            format!("约谈 {}：{}", i.interviewee, i.reason),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(m)
}

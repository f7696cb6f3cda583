//! Closed-loop case handling (诉求闭环办理): the pure rules behind intake,
//! triage, dispatch, co-handling by departments, and reply and feedback.
//!
//! A case (诉求) moves through [`CaseStatus`] by [`CaseAction`]s (see
//! [`next_status`]); every department it is dispatched to gets a task that
//! moves through [`TaskStatus`] by [`TaskAction`]s (see
//! [`next_task_status`]). Deadlines are counted in working days of a
//! [`WorkCalendar`], and the clock stops while a case is suspended.

use crate::ErrorCode;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::WorkCalendar;

/// Overdue open cases plus cases closed late at which an accountability
/// interview (约谈) is suggested: for a department on the supervision board,
/// for a service officer, assistant or instructor over their enterprises.
pub const INTERVIEW_THRESHOLD: i64 = 3;
/// Where a case (诉求) stands in the closed loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Received and waiting for triage (待受理).
    Submitted,
    /// Dispatched to one or more departments and being handled (办理中).
    Dispatched,
    /// Suspended, e.g. waiting for the enterprise to supply material; the deadline clock stops (已挂起).
    Suspended,
    /// Replied to the enterprise and waiting for its rating (待评价).
    Replied,
    /// Closed after a satisfied rating or when the rating window passed (已办结).
    Closed,
    /// Declined at triage, e.g. outside the committee's remit (不予受理).
    Declined,
    /// Merged into another case about the same matter (已合并).
    Merged,
}

impl CaseStatus {
    /// Every status, in the order a case normally moves through them.
    pub const ALL: [CaseStatus; 7] = [
        CaseStatus::Submitted,
        CaseStatus::Dispatched,
        CaseStatus::Suspended,
        CaseStatus::Replied,
        CaseStatus::Closed,
        CaseStatus::Declined,
        CaseStatus::Merged,
    ];

    /// Stable snake_case code, as stored in the database and used in serde.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Submitted => "submitted",
            CaseStatus::Dispatched => "dispatched",
            CaseStatus::Suspended => "suspended",
            CaseStatus::Replied => "replied",
            CaseStatus::Closed => "closed",
            CaseStatus::Declined => "declined",
            CaseStatus::Merged => "merged",
        }
    }

    /// Parses a code produced by [`CaseStatus::as_str`].
    pub fn parse(s: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Chinese label shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            CaseStatus::Submitted => "待受理",
            CaseStatus::Dispatched => "办理中",
            CaseStatus::Suspended => "已挂起",
            CaseStatus::Replied => "待评价",
            CaseStatus::Closed => "已办结",
            CaseStatus::Declined => "不予受理",
            CaseStatus::Merged => "已合并",
        }
    }

    /// Whether the case is still being worked on: false once it is closed,
    /// declined or merged.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            CaseStatus::Closed | CaseStatus::Declined | CaseStatus::Merged
        )
    }
}

/// What a user does to a case; see [`next_status`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseAction {
    /// Dispatch to the lead and assisting departments (分办).
    Dispatch,
    /// Decline at triage (不予受理).
    Decline,
    /// Merge into another case (合并).
    Merge,
    /// Suspend handling (stops the deadline clock) (挂起).
    Suspend,
    /// Resume a suspended case (恢复办理).
    Resume,
    /// Reply to the enterprise once every task is done (答复).
    Reply,
    /// The enterprise rates the reply (评价).
    Rate,
    /// Close a replied case whose rating window passed without an answer (逾期未评价办结).
    CloseNoAnswer,
}

impl CaseAction {
    /// Every action, in declaration order.
    pub const ALL: [CaseAction; 8] = [
        CaseAction::Dispatch,
        CaseAction::Decline,
        CaseAction::Merge,
        CaseAction::Suspend,
        CaseAction::Resume,
        CaseAction::Reply,
        CaseAction::Rate,
        CaseAction::CloseNoAnswer,
    ];

    /// Stable snake_case code, as stored in the database and used in serde.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseAction::Dispatch => "dispatch",
            CaseAction::Decline => "decline",
            CaseAction::Merge => "merge",
            CaseAction::Suspend => "suspend",
            CaseAction::Resume => "resume",
            CaseAction::Reply => "reply",
            CaseAction::Rate => "rate",
            CaseAction::CloseNoAnswer => "close_no_answer",
        }
    }

    /// Parses a code produced by [`CaseAction::as_str`].
    pub fn parse(s: &str) -> Option<CaseAction> {
        CaseAction::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Chinese label shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            CaseAction::Dispatch => "分办",
            CaseAction::Decline => "不予受理",
            CaseAction::Merge => "合并",
            CaseAction::Suspend => "挂起",
            CaseAction::Resume => "恢复办理",
            CaseAction::Reply => "答复",
            CaseAction::Rate => "评价",
            CaseAction::CloseNoAnswer => "逾期未评价办结",
        }
    }
}

/// Where one department's task (部门任务) of a case stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Dispatched, waiting for the department to accept it (待签收).
    Pending,
    /// Accepted and being handled (办理中).
    Accepted,
    /// Finished by the department (已完成).
    Done,
    /// Returned as mis-dispatched (已退回).
    Returned,
    /// Called off: its case was merged into another (已撤销).
    Cancelled,
}

/// Whether a case's tasks allow the reply: at least one task that was
/// neither returned nor cancelled, and every such task done. `statuses` are stored task status codes.
pub fn all_tasks_done<'a>(statuses: impl IntoIterator<Item = &'a str>) -> bool {
    let mut live = statuses
        .into_iter()
        .filter(|s| *s != TaskStatus::Returned.as_str() && *s != TaskStatus::Cancelled.as_str())
        .peekable();
    live.peek().is_some() && live.all(|s| s == TaskStatus::Done.as_str())
}

impl TaskStatus {
    /// Every status, in declaration order.
    pub const ALL: [TaskStatus; 5] = [
        TaskStatus::Pending,
        TaskStatus::Accepted,
        TaskStatus::Done,
        TaskStatus::Returned,
        TaskStatus::Cancelled,
    ];

    /// Stable snake_case code, as stored in the database and used in serde.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Pending => "pending",
            TaskStatus::Accepted => "accepted",
            TaskStatus::Done => "done",
            TaskStatus::Returned => "returned",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    /// Parses a code produced by [`TaskStatus::as_str`].
    pub fn parse(s: &str) -> Option<TaskStatus> {
        TaskStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Chinese label shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            TaskStatus::Pending => "待签收",
            TaskStatus::Accepted => "办理中",
            TaskStatus::Done => "已完成",
            TaskStatus::Returned => "已退回",
            TaskStatus::Cancelled => "已撤销",
        }
    }
}

/// What a department does to its task; see [`next_task_status`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskAction {
    /// Accept the task (签收).
    Accept,
    /// Record progress; the status does not change (记录进展).
    Progress,
    /// Finish the task (办结).
    Complete,
    /// Return a mis-dispatched task (see [`return_allowed`]) (退回).
    Return,
}

impl TaskAction {
    /// Every action, in declaration order.
    pub const ALL: [TaskAction; 4] = [
        TaskAction::Accept,
        TaskAction::Progress,
        TaskAction::Complete,
        TaskAction::Return,
    ];

    /// Stable snake_case code, as stored in the database and used in serde.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskAction::Accept => "accept",
            TaskAction::Progress => "progress",
            TaskAction::Complete => "complete",
            TaskAction::Return => "return",
        }
    }

    /// Parses a code produced by [`TaskAction::as_str`].
    pub fn parse(s: &str) -> Option<TaskAction> {
        TaskAction::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Chinese label shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            TaskAction::Accept => "签收",
            TaskAction::Progress => "记录进展",
            TaskAction::Complete => "办结",
            TaskAction::Return => "退回",
        }
    }
}

/// The part a department plays in a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskRole {
    /// Lead department, responsible for the reply (主办).
    Lead,
    /// Assisting department (协办).
    Assist,
}

impl TaskRole {
    /// Every role, in declaration order.
    pub const ALL: [TaskRole; 2] = [TaskRole::Lead, TaskRole::Assist];

    /// Stable snake_case code, as stored in the database and used in serde.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskRole::Lead => "lead",
            TaskRole::Assist => "assist",
        }
    }

    /// Parses a code produced by [`TaskRole::as_str`].
    pub fn parse(s: &str) -> Option<TaskRole> {
        TaskRole::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Chinese label shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            TaskRole::Lead => "主办",
            TaskRole::Assist => "协办",
        }
    }
}

/// The enterprise's rating of a reply (满意度).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    /// Satisfied (满意).
    Satisfied,
    /// Basically satisfied (基本满意).
    Basic,
    /// Unsatisfied; the case is reopened (不满意).
    Unsatisfied,
    /// No rating within the rating window (逾期未评价).
    NoAnswer,
}

impl Satisfaction {
    /// Every rating, from best to worst, then no answer.
    pub const ALL: [Satisfaction; 4] = [
        Satisfaction::Satisfied,
        Satisfaction::Basic,
        Satisfaction::Unsatisfied,
        Satisfaction::NoAnswer,
    ];

    /// Stable snake_case code, as stored in the database and used in serde.
    pub fn as_str(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "satisfied",
            Satisfaction::Basic => "basic",
            Satisfaction::Unsatisfied => "unsatisfied",
            Satisfaction::NoAnswer => "no_answer",
        }
    }

    /// Parses a code produced by [`Satisfaction::as_str`].
    pub fn parse(s: &str) -> Option<Satisfaction> {
        Satisfaction::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Chinese label shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "满意",
            Satisfaction::Basic => "基本满意",
            Satisfaction::Unsatisfied => "不满意",
            Satisfaction::NoAnswer => "逾期未评价",
        }
    }
}

/// How a case reached the committee.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Submitted by the enterprise on the portal (企业端).
    Portal,
    /// Collected on a company visit (走访).
    Visit,
    /// Received on the hotline (热线电话).
    Hotline,
    /// Raised at a meeting (会议).
    Meeting,
    /// Brought in by a Party-building instructor or service commissioner (党建指导员/服务专员).
    Instructor,
    /// Received through the Open311 interface (Open311接口).
    Open311,
    /// A talent's service request (人才服务), submitted through the talent
    /// service: only the talent and those who handle it see it, not the
    /// talent's employer.
    Talent,
}

impl Channel {
    /// Every channel, in declaration order.
    pub const ALL: [Channel; 7] = [
        Channel::Portal,
        Channel::Visit,
        Channel::Hotline,
        Channel::Meeting,
        Channel::Instructor,
        Channel::Open311,
        Channel::Talent,
    ];

    /// Stable snake_case code, as stored in the database and used in serde.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Portal => "portal",
            Channel::Visit => "visit",
            Channel::Hotline => "hotline",
            Channel::Meeting => "meeting",
            Channel::Instructor => "instructor",
            Channel::Open311 => "open311",
            Channel::Talent => "talent",
        }
    }

    /// Parses a code produced by [`Channel::as_str`].
    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Chinese label shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            Channel::Portal => "企业端",
            Channel::Visit => "走访",
            Channel::Hotline => "热线电话",
            Channel::Meeting => "会议",
            Channel::Instructor => "党建指导员/服务专员",
            Channel::Open311 => "Open311接口",
            Channel::Talent => "人才服务",
        }
    }
}

/// How a case stands against its deadline; see [`sla_state`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    /// More than the warning window is left (正常).
    OnTrack,
    /// Due within the warning window (or today) (即将到期).
    DueSoon,
    /// Past the due date (已超期).
    Overdue,
}

impl SlaState {
    /// Every state, from best to worst.
    pub const ALL: [SlaState; 3] = [SlaState::OnTrack, SlaState::DueSoon, SlaState::Overdue];

    /// Stable snake_case code, as stored in the database and used in serde.
    pub fn as_str(self) -> &'static str {
        match self {
            SlaState::OnTrack => "on_track",
            SlaState::DueSoon => "due_soon",
            SlaState::Overdue => "overdue",
        }
    }

    /// Parses a code produced by [`SlaState::as_str`].
    pub fn parse(s: &str) -> Option<SlaState> {
        SlaState::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Chinese label shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            SlaState::OnTrack => "正常",
            SlaState::DueSoon => "即将到期",
            SlaState::Overdue => "已超期",
        }
    }

    /// 0 for on track, 1 for due soon, 2 for overdue: worse is greater.
    pub fn severity(self) -> u8 {
        match self {
            SlaState::OnTrack => 0,
            SlaState::DueSoon => 1,
            SlaState::Overdue => 2,
        }
    }
}
/// Why a transition is refused.
///
/// [`TransitionError::code`] gives a stable code for the HTTP API (422); the
/// [`Display`](std::fmt::Display) text is a Chinese message for users.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The action is not allowed in the current status (of a case or of a
    /// task).
    #[error("当前状态“{from}”不能执行“{action}”")]
    IllegalTransition {
        /// Chinese label of the current status, e.g. "待评价".
        from: &'static str,
        /// Chinese label of the refused action, e.g. "分办".
        action: &'static str,
    },
    /// Reply attempted while some department task is not done yet.
    #[error("还有部门任务未办结，全部办结后才能答复企业")]
    TasksOpen,
    /// Rate attempted without a rating (or with "no answer").
    #[error("请选择评价结果（满意、基本满意或不满意）后再提交")]
    RatingRequired,
    /// A department tried to return a task after the return window.
    #[error("已超过退回时限（分办后1个工作日内），请签收办理，或联系分办人员改派")]
    ReturnWindowPassed,
}

impl TransitionError {
    /// Stable snake_case code used by the HTTP API.
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            TransitionError::IllegalTransition { .. } => ErrorCode::IllegalTransition,
            TransitionError::TasksOpen => ErrorCode::TasksOpen,
            TransitionError::RatingRequired => ErrorCode::RatingRequired,
            TransitionError::ReturnWindowPassed => ErrorCode::ReturnWindowPassed,
        }
    }

    fn illegal(from: &'static str, action: &'static str) -> TransitionError {
        TransitionError::IllegalTransition { from, action }
    }
}

/// Facts a transition depends on, gathered by the caller.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TransitionCtx {
    /// Whether every department task of the case is done (needed to reply).
    pub all_tasks_done: bool,
    /// The rating submitted with [`CaseAction::Rate`].
    pub satisfaction: Option<Satisfaction>,
}

/// The status a case moves to when `action` is applied in status `from`.
///
/// | from                     | action          | to                              |
/// |--------------------------|-----------------|---------------------------------|
/// | Submitted                | Dispatch        | Dispatched                      |
/// | Submitted                | Decline         | Declined                        |
/// | Submitted, Dispatched    | Merge           | Merged                          |
/// | Dispatched               | Suspend         | Suspended                       |
/// | Suspended                | Resume          | Dispatched                      |
/// | Dispatched               | Reply           | Replied (all tasks done)        |
/// | Replied                  | Rate            | Closed (satisfied, basic)       |
/// | Replied                  | Rate            | Dispatched (unsatisfied: reopen)|
/// | Replied                  | CloseNoAnswer   | Closed                          |
///
/// # Errors
/// [`TransitionError::TasksOpen`] when replying while a task is still open,
/// [`TransitionError::RatingRequired`] when rating without a satisfaction
/// (or with [`Satisfaction::NoAnswer`], which only
/// [`CaseAction::CloseNoAnswer`] records), and
/// [`TransitionError::IllegalTransition`] for every other pair.
pub fn next_status(
    from: CaseStatus,
    action: CaseAction,
    ctx: TransitionCtx,
) -> Result<CaseStatus, TransitionError> {
    use CaseAction as A;
    use CaseStatus as S;
    match (from, action) {
        (S::Submitted, A::Dispatch) => Ok(S::Dispatched),
        (S::Submitted, A::Decline) => Ok(S::Declined),
        (S::Submitted | S::Dispatched, A::Merge) => Ok(S::Merged),
        (S::Dispatched, A::Suspend) => Ok(S::Suspended),
        (S::Suspended, A::Resume) => Ok(S::Dispatched),
        (S::Dispatched, A::Reply) => {
            if ctx.all_tasks_done {
                Ok(S::Replied)
            } else {
                Err(TransitionError::TasksOpen)
            }
        }
        (S::Replied, A::Rate) => match ctx.satisfaction {
            Some(Satisfaction::Satisfied | Satisfaction::Basic) => Ok(S::Closed),
            // An unsatisfied enterprise reopens the case for further handling.
            Some(Satisfaction::Unsatisfied) => Ok(S::Dispatched),
            Some(Satisfaction::NoAnswer) | None => Err(TransitionError::RatingRequired),
        },
        (S::Replied, A::CloseNoAnswer) => Ok(S::Closed),
        _ => Err(TransitionError::illegal(from.label_zh(), action.label_zh())),
    }
}

/// The status a department task moves to when `action` is applied in status
/// `from`.
///
/// | from     | action   | to       |
/// |----------|----------|----------|
/// | Pending  | Accept   | Accepted |
/// | Pending  | Return   | Returned |
/// | Accepted | Progress | Accepted |
/// | Accepted | Complete | Done     |
/// | Accepted | Return   | Returned |
///
/// Whether a return is still within its window is checked separately with
/// [`return_allowed`].
///
/// # Errors
/// [`TransitionError::IllegalTransition`] for every other pair.
pub fn next_task_status(
    from: TaskStatus,
    action: TaskAction,
) -> Result<TaskStatus, TransitionError> {
    use TaskAction as A;
    use TaskStatus as S;
    match (from, action) {
        (S::Pending, A::Accept) => Ok(S::Accepted),
        (S::Pending | S::Accepted, A::Return) => Ok(S::Returned),
        (S::Accepted, A::Progress) => Ok(S::Accepted),
        (S::Accepted, A::Complete) => Ok(S::Done),
        _ => Err(TransitionError::illegal(from.label_zh(), action.label_zh())),
    }
}

/// The case number shown to users: `KC-<year>-<seq>`, the sequence padded to
/// at least six digits, e.g. `case_number(2026, 123) == "KC-2026-000123"`.
pub fn case_number(year: i32, seq: i64) -> String {
    format!("KC-{year:04}-{seq:06}")
}

/// Working days spent suspended: the sum over the intervals `(from, to)`
/// (suspended on `from`, resumed on `to`) of
/// [`WorkCalendar::workdays_between`].
///
/// A suspension from a Friday to the next Monday costs one working day. An
/// inverted interval (`to < from`) counts as zero rather than giving time
/// back.
pub fn suspended_workdays(cal: &WorkCalendar, intervals: &[(NaiveDate, NaiveDate)]) -> i64 {
    intervals
        .iter()
        .map(|&(from, to)| cal.workdays_between(from, to).max(0))
        .sum()
}

/// The due date of a case: `limit_days` working days after `received_on`
/// (counting starts on the first working day after receipt, see
/// [`WorkCalendar::add_workdays`]), pushed back by the working days the case
/// was suspended, because the clock stops while suspended.
///
/// A negative `suspended_workdays` counts as zero. With `limit_days >= 1` the
/// result is always a working day.
///
/// # Panics
/// When the result is outside the range of [`NaiveDate`].
pub fn due_date(
    cal: &WorkCalendar,
    received_on: NaiveDate,
    limit_days: u32,
    suspended_workdays: i64,
) -> NaiveDate {
    let total = i64::from(limit_days).saturating_add(suspended_workdays.max(0));
    // Anything beyond u32::MAX working days is far outside NaiveDate anyway.
    let total = u32::try_from(total).unwrap_or(u32::MAX);
    cal.add_workdays(received_on, total)
}

/// How a case with due date `due` stands on `today`.
///
/// [`SlaState::Overdue`] when `today > due`; [`SlaState::DueSoon`] when at
/// most `warn_days` working days are left (`0 <=
/// cal.workdays_between(today, due) <= warn_days`, so the due date itself is
/// "due soon"); otherwise [`SlaState::OnTrack`].
pub fn sla_state(cal: &WorkCalendar, due: NaiveDate, today: NaiveDate, warn_days: u32) -> SlaState {
    if today > due {
        return SlaState::Overdue;
    }
    if cal.workdays_between(today, due) <= i64::from(warn_days) {
        SlaState::DueSoon
    } else {
        SlaState::OnTrack
    }
}

/// The time-limit warning of a case in handling and its words, from the
/// case's own state and the states of its open department tasks (each
/// [`sla_state`] of its own due date): the case's state, unless a task
/// stands worse (a task's limit ends on or before the case's), which is then
/// named as the departments' (部门任务已超期, 部门任务即将到期). The one place
/// that words a case's deadline, so that the case's header never says less
/// than one of its task rows.
pub fn case_deadline(
    case: SlaState,
    open_tasks: impl IntoIterator<Item = SlaState>,
) -> (SlaState, &'static str) {
    match open_tasks.into_iter().max_by_key(|s| s.severity()) {
        Some(SlaState::Overdue) if case != SlaState::Overdue => {
            (SlaState::Overdue, "部门任务已超期")
        }
        Some(SlaState::DueSoon) if case == SlaState::OnTrack => {
            (SlaState::DueSoon, "部门任务即将到期")
        }
        _ => (case, case.label_zh()),
    }
}

/// Until when a department may return a mis-dispatched task (退回, "within
/// one working day"), counted from the exact time of dispatch in Beijing time
/// (UTC+8, no daylight saving):
///
/// - dispatched on a working day: until the same clock time on the next
///   working day (Friday 15:30 → Monday 15:30; 2026-09-30 10:00 → 2026-10-08
///   10:00 over the National Day holiday);
/// - dispatched on a non-working day: until the end (24:00) of the next
///   working day (Saturday 10:00 → Monday 24:00).
///
/// The deadline itself is already too late, see [`return_allowed`].
pub fn return_deadline(cal: &WorkCalendar, dispatched_at: DateTime<Utc>) -> DateTime<Utc> {
    let beijing = Duration::hours(8);
    let local = dispatched_at.naive_utc() + beijing;
    let day = local.date();
    let deadline = if cal.is_workday(day) {
        cal.add_workdays(day, 1).and_time(local.time())
    } else {
        cal.next_workday_on_or_after(day).and_time(NaiveTime::MIN) + Duration::days(1)
    };
    Utc.from_utc_datetime(&(deadline - beijing))
}

/// Whether a department may still return a task dispatched at
/// `dispatched_at`: strictly before its [`return_deadline`].
///
/// Callers refuse a late return with [`TransitionError::ReturnWindowPassed`].
pub fn return_allowed(
    cal: &WorkCalendar,
    dispatched_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> bool {
    now < return_deadline(cal, dispatched_at)
}

/// Cycle time of a case in working days, from receipt to closing: the
/// working days `d` with `received_on < d <= closed_on`.
///
/// Zero when closed the same day or on a non-working day right after, and
/// also (rather than negative) when `closed_on` is before `received_on`.
pub fn cycle_workdays(cal: &WorkCalendar, received_on: NaiveDate, closed_on: NaiveDate) -> i64 {
    cal.workdays_between(received_on, closed_on).max(0)
}

/// Nearest-rank percentile: the smallest value such that at least `p` % of
/// the values are less than or equal to it (rank `ceil(p / 100 * n)`).
///
/// `p` is meant to be in `1..=100`; 0 is treated as 1 and anything above 100
/// as 100. Returns `None` when `values` is empty. Sorts `values` in place.
pub fn percentile(values: &mut [i64], p: u32) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let p = u128::from(p.clamp(1, 100));
    let n = u128::try_from(values.len()).ok()?;
    let rank = (p * n).div_ceil(100).max(1);
    let index = usize::try_from(rank - 1).ok()?;
    values.get(index).copied()
}

/// `num / den` in per-mille (‰), rounded half up (四舍五入; for a negative
/// ratio the half goes away from zero), e.g. `rate_permille(229, 250) ==
/// Some(916)`.
///
/// Returns `None` when `den == 0` or the result does not fit in an `i64`.
pub fn rate_permille(num: i64, den: i64) -> Option<i64> {
    if den == 0 {
        return None;
    }
    let numerator = i128::from(num) * 1000;
    let denominator = i128::from(den);
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    // Truncation went toward zero; step away from zero when the dropped part
    // is at least one half.
    let rounded = if 2 * remainder.abs() >= denominator.abs() {
        quotient + numerator.signum() * denominator.signum()
    } else {
        quotient
    };
    i64::try_from(rounded).ok()
}

/// Similarity of two (Chinese) texts in `[0, 1]`, for spotting repeated
/// cases.
///
/// Both texts are normalised first: whitespace and punctuation (ASCII and
/// CJK, e.g. `，。、；：？！“”（）【】《》…`) are removed, full-width ASCII
/// letters and digits become half-width, and ASCII letters are lower-cased.
/// The result is the Dice coefficient over the character bigrams of the
/// normalised texts, `2 * |common| / (|bigrams(a)| + |bigrams(b)|)`, counting
/// repeated bigrams as often as they occur. When either normalised text is
/// shorter than two characters the texts compare by equality (1.0 or 0.0).
///
/// Symmetric; texts that are identical after normalisation give exactly 1.0.
pub fn text_similarity(a: &str, b: &str) -> f64 {
    let a = normalize_text(a);
    let b = normalize_text(b);
    if a.len() < 2 || b.len() < 2 {
        return if a == b { 1.0 } else { 0.0 };
    }
    let x = sorted_bigrams(&a);
    let y = sorted_bigrams(&b);
    let common = count_common(&x, &y);
    // Counts are far below 2^52, so the conversions are exact.
    2.0 * common as f64 / (x.len() + y.len()) as f64
}

/// Whether two texts are near-identical: [`text_similarity`] of at least
/// 0.6.
pub fn is_near_duplicate(a: &str, b: &str) -> bool {
    text_similarity(a, b) >= NEAR_DUPLICATE_THRESHOLD
}

/// Similarity from which two texts count as near-identical.
const NEAR_DUPLICATE_THRESHOLD: f64 = 0.6;

/// The characters of `s` that carry meaning, see [`text_similarity`].
fn normalize_text(s: &str) -> Vec<char> {
    s.chars()
        .map(fold_fullwidth)
        .filter(|&c| !c.is_whitespace() && !is_punctuation(c))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Full-width ASCII variants (U+FF01..=U+FF5E) become plain ASCII.
fn fold_fullwidth(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// ASCII punctuation and the punctuation blocks common in Chinese text.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            // Latin-1: ¡ § « ¶ · » ¿
            '\u{A1}' | '\u{A7}' | '\u{AB}' | '\u{B6}' | '\u{B7}' | '\u{BB}' | '\u{BF}'
            // General punctuation: dashes, “” ‘’, …, ‰, ※ and the like.
            | '\u{2010}'..='\u{2027}'
            | '\u{2030}'..='\u{205E}'
            // CJK symbols and punctuation: 、。〃 〈〉《》「」『』【】 〔〕〖〗〘〙〚〛〜〝〞〟 〰 〽
            // (not 々〆〇, which are part of words).
            | '\u{3001}'..='\u{3003}'
            | '\u{3008}'..='\u{3011}'
            | '\u{3014}'..='\u{301F}'
            | '\u{3030}'
            | '\u{303D}'
            // Katakana middle dot ・
            | '\u{30FB}'
            // Vertical forms, CJK compatibility forms, small form variants.
            | '\u{FE10}'..='\u{FE19}'
            | '\u{FE30}'..='\u{FE6B}'
            // Half-width CJK punctuation ｟｠｡｢｣､･
            | '\u{FF5F}'..='\u{FF65}'
        )
}

fn sorted_bigrams(chars: &[char]) -> Vec<(char, char)> {
    let mut bigrams: Vec<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
    bigrams.sort_unstable();
    bigrams
}

/// Size of the multiset intersection of two sorted lists.
fn count_common(x: &[(char, char)], y: &[(char, char)]) -> usize {
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reply_waits_for_every_task_not_returned() {
        assert!(all_tasks_done(["done", "returned", "done"]));
        assert!(!all_tasks_done(["done", "accepted"]));
        assert!(!all_tasks_done(["returned"]));
        assert!(!all_tasks_done([]));
    }
    use chrono::Days;
    use proptest::prelude::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn official() -> WorkCalendar {
        WorkCalendar::new(WorkCalendar::official())
    }

    /// Every context a transition can see.
    fn all_ctxs() -> Vec<TransitionCtx> {
        let ratings = std::iter::once(None).chain(Satisfaction::ALL.into_iter().map(Some));
        ratings
            .flat_map(|satisfaction| {
                [false, true].map(|all_tasks_done| TransitionCtx {
                    all_tasks_done,
                    satisfaction,
                })
            })
            .collect()
    }

    fn ctx(all_tasks_done: bool, satisfaction: Option<Satisfaction>) -> TransitionCtx {
        TransitionCtx {
            all_tasks_done,
            satisfaction,
        }
    }

    /// Checks that `as_str`, `parse`, serde and `label_zh` agree for an enum.
    fn check_codes<T>(all: &[T], as_str: fn(&T) -> &'static str, label: fn(&T) -> &'static str)
    where
        T: Copy + PartialEq + std::fmt::Debug + Serialize + serde::de::DeserializeOwned,
    {
        #[derive(Serialize, Deserialize)]
        struct Wrap<T> {
            v: T,
        }
        let mut codes = std::collections::HashSet::new();
        let mut labels = std::collections::HashSet::new();
        for x in all {
            let code = as_str(x);
            assert!(codes.insert(code), "duplicate code {code}");
            assert!(labels.insert(label(x)), "duplicate label {}", label(x));
            let text = toml::to_string(&Wrap { v: *x }).unwrap();
            assert_eq!(text.trim(), format!("v = \"{code}\""));
            let back: Wrap<T> = toml::from_str(&text).unwrap();
            assert_eq!(back.v, *x);
        }
    }

    #[test]
    fn codes_labels_and_serde_agree() {
        check_codes(&CaseStatus::ALL, |x| x.as_str(), |x| x.label_zh());
        check_codes(&CaseAction::ALL, |x| x.as_str(), |x| x.label_zh());
        check_codes(&TaskStatus::ALL, |x| x.as_str(), |x| x.label_zh());
        check_codes(&TaskAction::ALL, |x| x.as_str(), |x| x.label_zh());
        check_codes(&TaskRole::ALL, |x| x.as_str(), |x| x.label_zh());
        check_codes(&Satisfaction::ALL, |x| x.as_str(), |x| x.label_zh());
        check_codes(&Channel::ALL, |x| x.as_str(), |x| x.label_zh());
        check_codes(&SlaState::ALL, |x| x.as_str(), |x| x.label_zh());

        for x in CaseStatus::ALL {
            assert_eq!(CaseStatus::parse(x.as_str()), Some(x));
        }
        for x in CaseAction::ALL {
            assert_eq!(CaseAction::parse(x.as_str()), Some(x));
        }
        for x in TaskStatus::ALL {
            assert_eq!(TaskStatus::parse(x.as_str()), Some(x));
        }
        for x in TaskAction::ALL {
            assert_eq!(TaskAction::parse(x.as_str()), Some(x));
        }
        for x in TaskRole::ALL {
            assert_eq!(TaskRole::parse(x.as_str()), Some(x));
        }
        for x in Satisfaction::ALL {
            assert_eq!(Satisfaction::parse(x.as_str()), Some(x));
        }
        for x in Channel::ALL {
            assert_eq!(Channel::parse(x.as_str()), Some(x));
        }
        for x in SlaState::ALL {
            assert_eq!(SlaState::parse(x.as_str()), Some(x));
        }

        assert_eq!(CaseAction::CloseNoAnswer.as_str(), "close_no_answer");
        assert_eq!(Satisfaction::NoAnswer.as_str(), "no_answer");
        assert_eq!(Channel::Open311.as_str(), "open311");
        assert_eq!(Channel::Instructor.label_zh(), "党建指导员/服务专员");
        assert_eq!(SlaState::DueSoon.as_str(), "due_soon");
        assert_eq!(CaseStatus::Replied.label_zh(), "待评价");
        assert_eq!(CaseStatus::parse("待受理"), None);
        assert_eq!(TaskAction::parse("Return"), None);
        assert_eq!(Channel::parse(""), None);
    }

    #[test]
    fn open_statuses() {
        let open: Vec<CaseStatus> = CaseStatus::ALL
            .into_iter()
            .filter(|s| s.is_open())
            .collect();
        assert_eq!(
            open,
            [
                CaseStatus::Submitted,
                CaseStatus::Dispatched,
                CaseStatus::Suspended,
                CaseStatus::Replied
            ]
        );
    }

    /// The legal case transitions whose result does not depend on the context.
    const PLAIN_CASE_MOVES: [(CaseStatus, CaseAction, CaseStatus); 7] = [
        (
            CaseStatus::Submitted,
            CaseAction::Dispatch,
            CaseStatus::Dispatched,
        ),
        (
            CaseStatus::Submitted,
            CaseAction::Decline,
            CaseStatus::Declined,
        ),
        (CaseStatus::Submitted, CaseAction::Merge, CaseStatus::Merged),
        (
            CaseStatus::Dispatched,
            CaseAction::Merge,
            CaseStatus::Merged,
        ),
        (
            CaseStatus::Dispatched,
            CaseAction::Suspend,
            CaseStatus::Suspended,
        ),
        (
            CaseStatus::Suspended,
            CaseAction::Resume,
            CaseStatus::Dispatched,
        ),
        (
            CaseStatus::Replied,
            CaseAction::CloseNoAnswer,
            CaseStatus::Closed,
        ),
    ];

    fn case_pair_is_legal(from: CaseStatus, action: CaseAction) -> bool {
        PLAIN_CASE_MOVES
            .iter()
            .any(|&(f, a, _)| f == from && a == action)
            || (from, action) == (CaseStatus::Dispatched, CaseAction::Reply)
            || (from, action) == (CaseStatus::Replied, CaseAction::Rate)
    }

    #[test]
    fn legal_case_transitions() {
        for (from, action, to) in PLAIN_CASE_MOVES {
            for c in all_ctxs() {
                assert_eq!(
                    next_status(from, action, c),
                    Ok(to),
                    "{from:?} {action:?} {c:?}"
                );
            }
        }
        let (d, r) = (CaseStatus::Dispatched, CaseStatus::Replied);
        assert_eq!(next_status(d, CaseAction::Reply, ctx(true, None)), Ok(r));
        let rate = |s| next_status(r, CaseAction::Rate, ctx(true, Some(s)));
        assert_eq!(rate(Satisfaction::Satisfied), Ok(CaseStatus::Closed));
        assert_eq!(rate(Satisfaction::Basic), Ok(CaseStatus::Closed));
    }

    #[test]
    fn reply_needs_all_tasks_done() {
        for satisfaction in std::iter::once(None).chain(Satisfaction::ALL.map(Some)) {
            let err = next_status(
                CaseStatus::Dispatched,
                CaseAction::Reply,
                ctx(false, satisfaction),
            )
            .unwrap_err();
            assert_eq!(err, TransitionError::TasksOpen);
            assert_eq!(err.code(), ErrorCode::TasksOpen);
        }
    }

    #[test]
    fn unsatisfied_rating_reopens() {
        let to = next_status(
            CaseStatus::Replied,
            CaseAction::Rate,
            ctx(true, Some(Satisfaction::Unsatisfied)),
        );
        assert_eq!(to, Ok(CaseStatus::Dispatched));
        // The reopened case goes round the loop again.
        assert_eq!(
            next_status(CaseStatus::Dispatched, CaseAction::Reply, ctx(true, None)),
            Ok(CaseStatus::Replied)
        );
    }

    #[test]
    fn rating_required() {
        for satisfaction in [None, Some(Satisfaction::NoAnswer)] {
            for all_tasks_done in [false, true] {
                let err = next_status(
                    CaseStatus::Replied,
                    CaseAction::Rate,
                    ctx(all_tasks_done, satisfaction),
                )
                .unwrap_err();
                assert_eq!(err, TransitionError::RatingRequired);
                assert_eq!(err.code(), ErrorCode::RatingRequired);
            }
        }
    }

    #[test]
    fn every_other_case_pair_is_illegal() {
        let mut refused = 0;
        for from in CaseStatus::ALL {
            for action in CaseAction::ALL {
                if case_pair_is_legal(from, action) {
                    continue;
                }
                refused += 1;
                for c in all_ctxs() {
                    let err = next_status(from, action, c).unwrap_err();
                    assert_eq!(err.code(), ErrorCode::IllegalTransition);
                    assert_eq!(
                        err,
                        TransitionError::IllegalTransition {
                            from: from.label_zh(),
                            action: action.label_zh(),
                        }
                    );
                }
            }
        }
        assert_eq!(refused, 7 * 8 - 9);
        // Closed, declined and merged cases accept nothing.
        for from in CaseStatus::ALL.into_iter().filter(|s| !s.is_open()) {
            for action in CaseAction::ALL {
                for c in all_ctxs() {
                    assert!(next_status(from, action, c).is_err());
                }
            }
        }
    }

    const TASK_MOVES: [(TaskStatus, TaskAction, TaskStatus); 5] = [
        (
            TaskStatus::Pending,
            TaskAction::Accept,
            TaskStatus::Accepted,
        ),
        (
            TaskStatus::Pending,
            TaskAction::Return,
            TaskStatus::Returned,
        ),
        (
            TaskStatus::Accepted,
            TaskAction::Progress,
            TaskStatus::Accepted,
        ),
        (TaskStatus::Accepted, TaskAction::Complete, TaskStatus::Done),
        (
            TaskStatus::Accepted,
            TaskAction::Return,
            TaskStatus::Returned,
        ),
    ];

    #[test]
    fn task_transitions() {
        let mut refused = 0;
        for from in TaskStatus::ALL {
            for action in TaskAction::ALL {
                let legal = TASK_MOVES
                    .iter()
                    .find(|&&(f, a, _)| f == from && a == action);
                match legal {
                    Some(&(_, _, to)) => assert_eq!(next_task_status(from, action), Ok(to)),
                    None => {
                        refused += 1;
                        let err = next_task_status(from, action).unwrap_err();
                        assert_eq!(err.code(), ErrorCode::IllegalTransition);
                        assert_eq!(
                            err,
                            TransitionError::IllegalTransition {
                                from: from.label_zh(),
                                action: action.label_zh(),
                            }
                        );
                    }
                }
            }
        }
        assert_eq!(refused, 5 * 4 - 5);
    }

    #[test]
    fn error_codes_and_messages() {
        let err = next_status(
            CaseStatus::Replied,
            CaseAction::Dispatch,
            TransitionCtx::default(),
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "当前状态“待评价”不能执行“分办”");
        let err = next_task_status(TaskStatus::Done, TaskAction::Return).unwrap_err();
        assert_eq!(err.to_string(), "当前状态“已完成”不能执行“退回”");
        assert_eq!(
            TransitionError::TasksOpen.to_string(),
            "还有部门任务未办结，全部办结后才能答复企业"
        );
        assert_eq!(
            TransitionError::ReturnWindowPassed.code(),
            ErrorCode::ReturnWindowPassed
        );
        assert!(TransitionError::RatingRequired.to_string().contains("满意"));
        assert!(TransitionError::ReturnWindowPassed
            .to_string()
            .contains("1个工作日"));
    }

    #[test]
    fn case_numbers() {
        assert_eq!(case_number(2026, 123), "KC-2026-000123");
        assert_eq!(case_number(2026, 1), "KC-2026-000001");
        assert_eq!(case_number(2026, 1_234_567), "KC-2026-1234567");
    }

    #[test]
    fn due_date_across_national_day_2026() {
        let cal = official();
        // 2026-10-01..=10-07 are holidays and Saturday 10-10 is an adjusted
        // working day, so the five working days after 09-30 are 10-08 (Thu),
        // 10-09 (Fri), 10-10 (Sat), 10-12 (Mon) and 10-13 (Tue).
        let received = date("2026-09-30");
        assert_eq!(due_date(&cal, received, 5, 0), date("2026-10-13"));
        // Two suspended working days: 10-14 (Wed), 10-15 (Thu).
        assert_eq!(due_date(&cal, received, 5, 2), date("2026-10-15"));
        assert_eq!(due_date(&cal, received, 1, 0), date("2026-10-08"));
        assert_eq!(due_date(&cal, received, 0, 0), received);
        // A negative suspension does not shorten the deadline.
        assert_eq!(due_date(&cal, received, 5, -3), date("2026-10-13"));
    }

    #[test]
    fn suspension_counts_workdays() {
        let cal = official();
        // Friday to Monday in an ordinary week: only Monday counts.
        let plain = (date("2026-11-27"), date("2026-11-30"));
        assert_eq!(suspended_workdays(&cal, &[plain]), 1);
        // Friday to Monday over the adjusted Saturday 2026-10-10: two.
        let adjusted = (date("2026-10-09"), date("2026-10-12"));
        assert_eq!(suspended_workdays(&cal, &[adjusted]), 2);
        // Over the whole National Day holiday: only 10-08 counts.
        let holiday = (date("2026-09-30"), date("2026-10-08"));
        assert_eq!(suspended_workdays(&cal, &[holiday]), 1);
        assert_eq!(suspended_workdays(&cal, &[plain, adjusted, holiday]), 4);
        assert_eq!(suspended_workdays(&cal, &[]), 0);
        // Same-day suspension costs nothing; inverted intervals are ignored.
        let same = (date("2026-11-27"), date("2026-11-27"));
        let inverted = (date("2026-11-30"), date("2026-11-27"));
        assert_eq!(suspended_workdays(&cal, &[same, inverted]), 0);

        // Suspended 10-09 → 10-12 while the five-day clock from 09-30 runs.
        let used = suspended_workdays(&cal, &[adjusted]);
        assert_eq!(
            due_date(&cal, date("2026-09-30"), 5, used),
            date("2026-10-15")
        );
    }

    #[test]
    fn a_case_warns_of_its_worst_open_task() {
        use SlaState::*;
        assert_eq!(case_deadline(OnTrack, []), (OnTrack, "正常"));
        assert_eq!(case_deadline(DueSoon, [OnTrack]), (DueSoon, "即将到期"));
        // The clerk's task is overdue while the case is only due soon.
        assert_eq!(
            case_deadline(DueSoon, [OnTrack, Overdue]),
            (Overdue, "部门任务已超期")
        );
        assert_eq!(
            case_deadline(OnTrack, [DueSoon]),
            (DueSoon, "部门任务即将到期")
        );
        // The case's own state wins a tie: it is the one overdue.
        assert_eq!(case_deadline(Overdue, [Overdue]), (Overdue, "已超期"));
        assert_eq!(case_deadline(Overdue, [OnTrack]), (Overdue, "已超期"));
    }

    #[test]
    fn sla_states_around_the_due_date() {
        let cal = official();
        let due = date("2026-10-13");
        let sla = |today: &str, warn| sla_state(&cal, due, date(today), warn);
        assert_eq!(sla("2026-10-14", 2), SlaState::Overdue);
        assert_eq!(sla("2026-10-17", 2), SlaState::Overdue);
        // The due date itself is still "due soon", not overdue.
        assert_eq!(sla("2026-10-13", 2), SlaState::DueSoon);
        assert_eq!(sla("2026-10-13", 0), SlaState::DueSoon);
        assert_eq!(sla("2026-10-12", 2), SlaState::DueSoon);
        assert_eq!(sla("2026-10-12", 0), SlaState::OnTrack);
        // Sunday 10-11: two working days left (10-12, 10-13).
        assert_eq!(sla("2026-10-11", 2), SlaState::DueSoon);
        // Friday 10-09: three left (10-10 adjusted Saturday, 10-12, 10-13).
        assert_eq!(sla("2026-10-09", 2), SlaState::OnTrack);
        assert_eq!(sla("2026-10-09", 3), SlaState::DueSoon);
        // Before the holiday: five working days left.
        assert_eq!(sla("2026-09-30", 3), SlaState::OnTrack);
        assert_eq!(sla("2026-10-01", 5), SlaState::DueSoon);
    }

    /// A Beijing wall-clock time as an instant.
    fn bj(s: &str) -> DateTime<Utc> {
        let local: chrono::NaiveDateTime = s.parse().unwrap();
        Utc.from_utc_datetime(&(local - Duration::hours(8)))
    }

    #[test]
    fn return_window_is_one_workday_from_the_dispatch_time() {
        let cal = official();
        let deadline = |at: &str| return_deadline(&cal, bj(at));
        // Friday 2026-11-27 15:30 → Monday 15:30, to the second.
        let at = bj("2026-11-27T15:30:00");
        assert_eq!(deadline("2026-11-27T15:30:00"), bj("2026-11-30T15:30:00"));
        assert!(return_allowed(&cal, at, at));
        assert!(return_allowed(&cal, at, bj("2026-11-28T23:00:00")));
        assert!(return_allowed(&cal, at, bj("2026-11-30T15:29:59")));
        assert!(!return_allowed(&cal, at, bj("2026-11-30T15:30:00")));
        assert!(!return_allowed(&cal, at, bj("2026-11-30T18:00:00")));
        assert!(!return_allowed(&cal, at, bj("2026-12-01T09:00:00")));
        // Tuesday morning → Wednesday morning, not the end of Wednesday.
        assert_eq!(deadline("2026-12-01T08:45:10"), bj("2026-12-02T08:45:10"));
        // Beijing is UTC+8: 01:00 Beijing on Tuesday is still Monday in UTC,
        // and the window runs to 01:00 Beijing on Wednesday.
        assert_eq!(
            deadline("2026-12-01T01:00:00"),
            Utc.with_ymd_and_hms(2026, 12, 1, 17, 0, 0).unwrap()
        );
        // National Day 2026: 10-01..10-07 holidays, Saturday 10-10 worked.
        // Dispatched 09-30 10:00 → 10-08 10:00.
        let eve = bj("2026-09-30T10:00:00");
        assert_eq!(return_deadline(&cal, eve), bj("2026-10-08T10:00:00"));
        assert!(return_allowed(&cal, eve, bj("2026-10-05T12:00:00")));
        assert!(return_allowed(&cal, eve, bj("2026-10-08T09:59:59")));
        assert!(!return_allowed(&cal, eve, bj("2026-10-08T10:00:00")));
        // Dispatched on a holiday: until the end of the first working day.
        assert_eq!(deadline("2026-10-03T11:00:00"), bj("2026-10-09T00:00:00"));
        assert_eq!(deadline("2026-10-07T23:59:59"), bj("2026-10-09T00:00:00"));
        assert!(return_allowed(
            &cal,
            bj("2026-10-03T11:00:00"),
            bj("2026-10-08T23:59:59")
        ));
        assert!(!return_allowed(
            &cal,
            bj("2026-10-03T11:00:00"),
            bj("2026-10-09T00:00:00")
        ));
        // Friday 10-09 → the adjusted working Saturday 10-10, same time.
        assert_eq!(deadline("2026-10-09T16:20:00"), bj("2026-10-10T16:20:00"));
        // The adjusted Saturday is a working day: → Monday 10-12, same time.
        assert_eq!(deadline("2026-10-10T09:00:00"), bj("2026-10-12T09:00:00"));
        // Sunday 10-11 is a rest day: → end of Monday 10-12.
        assert_eq!(deadline("2026-10-11T09:00:00"), bj("2026-10-13T00:00:00"));
        // An ordinary weekend: Saturday → end of Monday.
        assert_eq!(deadline("2026-11-28T10:00:00"), bj("2026-12-01T00:00:00"));
        // Just after midnight on a working day counts from that working day.
        assert_eq!(deadline("2026-11-30T00:00:00"), bj("2026-12-01T00:00:00"));
    }

    #[test]
    fn cycle_times() {
        let cal = official();
        let received = date("2026-11-27");
        assert_eq!(cycle_workdays(&cal, received, received), 0);
        assert_eq!(cycle_workdays(&cal, received, date("2026-11-29")), 0);
        assert_eq!(cycle_workdays(&cal, received, date("2026-11-30")), 1);
        assert_eq!(
            cycle_workdays(&cal, date("2026-09-30"), date("2026-10-13")),
            5
        );
        assert_eq!(cycle_workdays(&cal, received, date("2026-11-20")), 0);
    }

    #[test]
    fn percentiles() {
        let mut v = vec![7, 3, 10, 1, 9, 2, 8, 4, 6, 5];
        assert_eq!(percentile(&mut v, 90), Some(9));
        assert_eq!(v, (1..=10).collect::<Vec<i64>>());
        assert_eq!(percentile(&mut v, 91), Some(10));
        assert_eq!(percentile(&mut v, 100), Some(10));
        assert_eq!(percentile(&mut v, 50), Some(5));
        assert_eq!(percentile(&mut v, 1), Some(1));
        assert_eq!(percentile(&mut v, 10), Some(1));
        assert_eq!(percentile(&mut v, 11), Some(2));
        // Out-of-range p is clamped to 1..=100.
        assert_eq!(percentile(&mut v, 0), Some(1));
        assert_eq!(percentile(&mut v, 250), Some(10));
        assert_eq!(percentile(&mut [], 90), None);
        assert_eq!(percentile(&mut [42], 1), Some(42));
        assert_eq!(percentile(&mut [42], 100), Some(42));
        assert_eq!(percentile(&mut [5, 5, -1], 50), Some(5));
    }

    #[test]
    fn rates() {
        assert_eq!(rate_permille(229, 250), Some(916));
        assert_eq!(rate_permille(0, 250), Some(0));
        assert_eq!(rate_permille(250, 250), Some(1000));
        assert_eq!(rate_permille(1, 0), None);
        assert_eq!(rate_permille(0, 0), None);
        // 2/3 = 666.67‰ → 667, 1/3 = 333.33‰ → 333.
        assert_eq!(rate_permille(2, 3), Some(667));
        assert_eq!(rate_permille(1, 3), Some(333));
        // Exactly one half rounds up; just below does not.
        assert_eq!(rate_permille(1, 2000), Some(1));
        assert_eq!(rate_permille(1, 2001), Some(0));
        assert_eq!(rate_permille(3, 2000), Some(2));
        // Negative ratios round the half away from zero.
        assert_eq!(rate_permille(-1, 2000), Some(-1));
        assert_eq!(rate_permille(1, -2000), Some(-1));
        assert_eq!(rate_permille(-2, -3), Some(667));
        assert_eq!(rate_permille(i64::MAX, 1), None);
        assert_eq!(rate_permille(i64::MAX, i64::MAX), Some(1000));
    }

    #[test]
    fn similarity_of_texts() {
        let a = "关于企业用地审批周期过长的问题";
        assert_eq!(text_similarity(a, a), 1.0);
        assert!(is_near_duplicate(a, a));
        // Punctuation, whitespace, full-width letters and ASCII case do not
        // matter.
        assert_eq!(
            text_similarity(
                "关于 企业用地审批周期过长的问题。",
                "“关于企业用地审批周期过长的问题”"
            ),
            1.0
        );
        assert_eq!(text_similarity("AI芯片流片补贴！", "ａｉ芯片流片补贴"), 1.0);
        assert_eq!(
            text_similarity("申请（研发费用）加计扣除", "申请【研发费用】加计扣除；"),
            1.0
        );

        // 14 and 13 bigrams with 12 in common: 24 / 27.
        let b = "关于企业用地审批周期过长问题";
        assert!((text_similarity(a, b) - 24.0 / 27.0).abs() < 1e-12);
        assert!(is_near_duplicate(a, b));

        let c = "园区道路照明设施损坏需要维修";
        assert!(text_similarity(a, c) < 0.2);
        assert!(!is_near_duplicate(a, c));
        assert!(!is_near_duplicate("申请高新技术企业认定需要哪些材料", c));
    }

    #[test]
    fn similarity_of_short_texts() {
        assert_eq!(text_similarity("", ""), 1.0);
        assert_eq!(text_similarity("。", " "), 1.0);
        assert_eq!(text_similarity("A", "a"), 1.0);
        assert_eq!(text_similarity("甲", "乙"), 0.0);
        assert_eq!(text_similarity("甲", "甲乙"), 0.0);
        assert_eq!(text_similarity("", "企业"), 0.0);
        assert_eq!(text_similarity("企业", "企业！"), 1.0);
    }

    /// Dates around the span of the embedded calendar.
    fn any_date() -> impl Strategy<Value = NaiveDate> {
        let start = date("2025-01-01");
        (0u64..(365 * 2)).prop_map(move |n| start + Days::new(n))
    }

    /// Texts drawn mostly from a small alphabet so that they share bigrams.
    fn any_text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[关于企业用地审批周期过长的问题，。、“”（） Aaｂ1]{0,24}",
            any::<String>(),
        ]
    }

    proptest! {
        #[test]
        fn due_date_is_workday(received in any_date(), limit in 1u32..120, suspended in 0i64..60) {
            let cal = official();
            prop_assert!(cal.is_workday(due_date(&cal, received, limit, suspended)));
        }

        #[test]
        fn due_date_monotonic_in_limit(received in any_date(), limit in 0u32..120, suspended in -5i64..60) {
            let cal = official();
            let earlier = due_date(&cal, received, limit, suspended);
            let later = due_date(&cal, received, limit + 1, suspended);
            prop_assert!(earlier < later);
        }

        #[test]
        fn due_date_monotonic_in_suspension(received in any_date(), limit in 0u32..120, suspended in -5i64..60) {
            let cal = official();
            let earlier = due_date(&cal, received, limit, suspended);
            let later = due_date(&cal, received, limit, suspended + 1);
            prop_assert!(earlier <= later);
            // Each suspended working day pushes the deadline by exactly one
            // working day.
            let base = due_date(&cal, received, limit, 0);
            prop_assert_eq!(cal.workdays_between(base, later), (suspended + 1).max(0));
        }

        #[test]
        fn sla_overdue_exactly_after_due(due in any_date(), today in any_date(), warn in 0u32..10) {
            let cal = official();
            let state = sla_state(&cal, due, today, warn);
            prop_assert_eq!(state == SlaState::Overdue, today > due);
        }

        #[test]
        fn similarity_symmetric_and_bounded(a in any_text(), b in any_text()) {
            let ab = text_similarity(&a, &b);
            prop_assert_eq!(ab, text_similarity(&b, &a));
            prop_assert!((0.0..=1.0).contains(&ab));
            prop_assert_eq!(text_similarity(&a, &a), 1.0);
        }

        #[test]
        fn percentile_is_an_element(mut v in proptest::collection::vec(-100i64..100, 1..40), p in 1u32..=100) {
            let got = percentile(&mut v, p).unwrap();
            prop_assert!(v.contains(&got));
            // At least p % of the values are <= the result.
            let at_most = v.iter().filter(|&&x| x <= got).count();
            prop_assert!(at_most * 100 >= v.len() * p as usize);
        }
    }
}

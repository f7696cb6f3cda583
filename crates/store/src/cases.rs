//! Closed-loop case handling (诉求闭环办理): intake with human numbers and
//! routing, triage (duplicates, merge, decline), dispatch to a lead and
//! assisting departments, co-handling by department tasks, joint sign-off
//! and reply, rating, reopening, suspension (the clock stops), supervision
//! orders and accountability interviews, and the statistics behind the
//! department ranking. Every change is audited (`record`), and every step
//! appends to the case's timeline (`case_events`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use tokio::sync::{mpsc, oneshot};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use kechuang_domain::calendar::WorkCalendar;
use kechuang_domain::cases::{
    self as rules, CaseAction, CaseStatus, Channel, Satisfaction, TaskAction, TaskRole, TaskStatus,
    TransitionCtx, TransitionError,
};
use sea_orm::sea_query::{Alias, Condition, Expr, Query, SimpleExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, Statement,
};
use serde::Serialize;

use crate::entities::{
    case, case_category, case_department, case_event, case_seq, case_task, chain, interview,
    notification, org, supervision, webhook,
};
use crate::search::SeqRange;
use crate::{calendar, new_id, now, record, Db, Page, PageReq, Scope, StoreError, StoreResult};

pub use crate::clock::{beijing_date, today};

fn rule_error(e: TransitionError) -> StoreError {
    StoreError::Rule {
        code: e.code(),
        message: e.to_string(),
    }
}

fn status_of(c: &case::Model) -> CaseStatus {
    CaseStatus::parse(&c.status).unwrap_or(CaseStatus::Submitted)
}

/// Who acts, as the store needs it.
#[derive(Clone, Debug, Default)]
pub struct Actor {
    pub username: String,
    pub user_id: String,
    pub display_name: String,
    /// A department clerk acts only for this department: replying,
    /// suspending and resuming need it to lead the case, a task step needs
    /// the task to be its own — checked on the records read inside the
    /// transaction. `None`: not bound to a department (triage, admin, system).
    pub acts_for: Option<String>,
}

impl Actor {
    /// 403 unless the actor may act for `department` (see `acts_for`).
    fn may_act_for(
        &self,
        department: Option<&str>,
        code: &'static str,
        message: impl Into<String>,
    ) -> StoreResult<()> {
        match &self.acts_for {
            Some(own) if department != Some(own.as_str()) => Err(StoreError::Forbidden {
                code,
                message: message.into(),
            }),
            _ => Ok(()),
        }
    }
}

// ---------------------------------------------------------------- categories

/// Active categories in display order.
pub async fn categories<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<case_category::Model>> {
    Ok(case_category::Entity::find()
        .order_by_asc(case_category::Column::SortOrder)
        .order_by_asc(case_category::Column::Code)
        .all(db)
        .await?)
}

#[derive(Clone, Debug, PartialEq)]
pub struct CategoryInput {
    pub code: String,
    pub name: String,
    pub lead_department_id: Option<String>,
    pub time_limit_days: i32,
    pub task_limit_days: i32,
    pub warn_days: i32,
    pub rating_days: i32,
    pub sort_order: i32,
    pub active: bool,
}

fn apply_category(am: &mut case_category::ActiveModel, i: CategoryInput) {
    am.code = Set(i.code);
    am.name = Set(i.name);
    am.lead_department_id = Set(i.lead_department_id);
    am.time_limit_days = Set(i.time_limit_days);
    am.task_limit_days = Set(i.task_limit_days);
    am.warn_days = Set(i.warn_days);
    am.rating_days = Set(i.rating_days);
    am.sort_order = Set(i.sort_order);
    am.active = Set(i.active);
}

fn check_category(i: &CategoryInput) -> StoreResult<()> {
    for (v, what) in [
        (i.time_limit_days, "办理时限"),
        (i.task_limit_days, "部门任务时限"),
        (i.rating_days, "评价期限"),
    ] {
        if !(1..=365).contains(&v) {
            return Err(StoreError::rule(
                "invalid_limit",
                format!("{what}应为1—365个工作日"),
            ));
        }
    }
    if !(0..=30).contains(&i.warn_days) {
        return Err(StoreError::rule(
            "invalid_limit",
            "预警提前量应为0—30个工作日",
        ));
    }
    if i.task_limit_days > i.time_limit_days || i.warn_days >= i.time_limit_days {
        return Err(StoreError::rule(
            "invalid_limit",
            format!(
                "“{}”：部门任务时限不能超过办理时限，预警提前量应小于办理时限",
                i.name
            ),
        ));
    }
    Ok(())
}

pub async fn create_category(
    db: &Db,
    actor: &str,
    i: CategoryInput,
) -> StoreResult<case_category::Model> {
    check_category(&i)?;
    let tx = crate::db::begin_write(db).await?;
    let mut am = case_category::ActiveModel {
        ..Default::default()
    };
    apply_category(&mut am, i);
    let m = record::insert(&tx, actor, am).await.map_err(|e| match e {
        StoreError::Conflict { .. } => StoreError::Conflict {
            code: "duplicate_code",
            message: "分类编码已存在".into(),
        },
        other => other,
    })?;
    tx.commit().await?;
    Ok(m)
}

pub async fn update_category(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: CategoryInput,
) -> StoreResult<case_category::Model> {
    check_category(&i)?;
    let tx = crate::db::begin_write(db).await?;
    let before = case_category::Entity::find_by_id(id.to_string())
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let m = record::update(&tx, actor, "update", before, version, |am| {
        apply_category(am, i)
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

// ---------------------------------------------------------------- queries

/// The case concerns one of these departments (lead, task force or a task
/// of theirs), looked up in `case_departments`. A list reads the newest
/// cases until its page is full, so each case is looked up by key
/// (`EXISTS`). Statistics read every case concerned anyway, so they ask for
/// the set of the departments' cases (`IN`), which SQLite reads by id:
/// 0.46 s for a department of 100,000 cases among a million, where probing
/// for each of the million took 0.5–2.8 s.
fn concerns(ids: &[String], every: bool) -> SimpleExpr {
    let mut q = Query::select();
    q.from(case_department::Entity)
        .and_where(case_department::Column::DepartmentId.is_in(ids.to_vec()));
    if every {
        case::Column::Id.in_subquery(q.column(case_department::Column::CaseId).to_owned())
    } else {
        Expr::exists(
            q.expr(Expr::val(1))
                .and_where(
                    Expr::col((case_department::Entity, case_department::Column::CaseId))
                        .equals((case::Entity, case::Column::Id)),
                )
                .to_owned(),
        )
    }
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

/// Cases the scope may see, as a query condition.
fn scoped(q: Select<case::Entity>, scope: &Scope) -> Select<case::Entity> {
    scoped_by(q, scope, false)
}

/// [`scoped`], for reading every case in scope when `every` (see [`concerns`]).
fn scoped_by(q: Select<case::Entity>, scope: &Scope, every: bool) -> Select<case::Entity> {
    match scope {
        Scope::All => q,
        Scope::Departments(ids) => q.filter(concerns(ids, every)),
        Scope::Org(Some(org)) => q.filter(case::Column::OrgId.eq(org.clone())),
        Scope::Org(None) => q.filter(Expr::val(1).eq(0)),
        Scope::User(uid) => q.filter(case::Column::SubmittedBy.eq(uid.clone())),
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CaseSort {
    #[default]
    ReceivedDesc,
    ReceivedAsc,
    DueAsc,
    Number,
}

impl CaseSort {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "received_desc" => CaseSort::ReceivedDesc,
            "received_asc" => CaseSort::ReceivedAsc,
            "due" => CaseSort::DueAsc,
            "number" => CaseSort::Number,
            _ => return None,
        })
    }
}

/// Time-limit filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlaFilter {
    Overdue,
    DueSoon,
    /// Closed no later than due.
    OnTime,
    /// Closed after due.
    Late,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CaseFilter {
    /// Substring of the title, description or number.
    pub q: Option<String>,
    pub status: Option<CaseStatus>,
    /// Open (not closed, declined or merged) only.
    pub open: Option<bool>,
    pub category_id: Option<String>,
    pub org_id: Option<String>,
    /// A department the case concerns: lead, task force, or with a task.
    pub department_id: Option<String>,
    /// Lead department (主办) only: the statistics count cases this way.
    pub lead_department_id: Option<String>,
    /// Cases where this department has a task waiting to be accepted.
    pub pending_task_department_id: Option<String>,
    pub task_force_department_id: Option<String>,
    pub chain_id: Option<String>,
    pub channel: Option<Channel>,
    pub satisfaction: Option<Satisfaction>,
    pub reopened: Option<bool>,
    pub sla: Option<SlaFilter>,
    pub received_from: Option<NaiveDate>,
    pub received_to: Option<NaiveDate>,
    pub sort: CaseSort,
}

const OPEN: [&str; 4] = ["submitted", "dispatched", "suspended", "replied"];

/// Workdays before the due date from which an open case counts as "due soon"
/// (the list filter and the badges use the same rule).
pub const DUE_SOON_WORKDAYS: u32 = 2;

/// The reference dates of the time-limit filters: today and the last "due soon" date.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    pub today: NaiveDate,
    pub soon_until: NaiveDate,
}

impl Clock {
    pub fn new(cal: &WorkCalendar, today: NaiveDate) -> Clock {
        Clock {
            today,
            soon_until: cal.add_workdays(today, DUE_SOON_WORKDAYS),
        }
    }
}

/// What a filter needs looked up before its query is built: today's clock,
/// and the cases containing its search word when the n-gram index could
/// narrow them down.
struct Lookup {
    clock: Clock,
    /// `None`: the list tests every case for the word.
    text_ids: Option<Vec<String>>,
    /// Every matching case is read (an aggregate), not the first page.
    every: bool,
}

async fn lookup(db: &Db, f: &CaseFilter, cal: &WorkCalendar) -> StoreResult<Lookup> {
    let text_ids = match text(f) {
        // LIKE's own wildcards are not characters the word must contain.
        Some(t) if !t.contains(['%', '_']) => match crate::search::candidates(db, t).await? {
            Some(ranges) => Some(containing_within(db, t, &ranges).await?),
            None => None,
        },
        _ => None,
    };
    Ok(Lookup {
        clock: Clock::new(cal, today()),
        text_ids,
        every: false,
    })
}

/// Cases whose title, number or description contains `t`.
fn containing(t: &str) -> Condition {
    Condition::any()
        .add(crate::like::contains(case::Column::Title, t))
        .add(crate::like::contains(
            case::Column::Number,
            &t.to_uppercase(),
        ))
        .add(crate::like::contains(case::Column::Description, t))
}

/// The ids of the cases numbered within `ranges` that contain `t`. A query
/// of its own, with nothing but the ranges to go by, so that every database
/// reads the ranges by the (year, seq) index; the list then looks its cases
/// up by id, whatever its other filters.
async fn containing_within(db: &Db, t: &str, ranges: &[SeqRange]) -> StoreResult<Vec<String>> {
    if ranges.is_empty() {
        return Ok(vec![]);
    }
    let within = ranges
        .iter()
        .fold(Condition::any(), |any, (year, first, last)| {
            any.add(
                case::Column::Year
                    .eq(*year)
                    .and(case::Column::Seq.between(*first, *last)),
            )
        });
    Ok(case::Entity::find()
        .select_only()
        .column(case::Column::Id)
        .filter(within)
        .filter(containing(t))
        .into_tuple::<String>()
        .all(db)
        .await?)
}

fn filtered(scope: &Scope, f: &CaseFilter, l: &Lookup) -> Select<case::Entity> {
    let q = matching(scope, f, l);
    let q = match f.sort {
        CaseSort::ReceivedDesc => q.order_by_desc(case::Column::ReceivedAt),
        CaseSort::ReceivedAsc => q.order_by_asc(case::Column::ReceivedAt),
        CaseSort::DueAsc => q.order_by_asc(case::Column::DueOn),
        CaseSort::Number => q.order_by_asc(case::Column::Number),
    };
    q.order_by_desc(case::Column::Id)
}

/// The cases in scope that match the filter, unordered (for counts and aggregates).
fn matching(scope: &Scope, f: &CaseFilter, l: &Lookup) -> Select<case::Entity> {
    let clock = l.clock;
    let today = clock.today;
    let mut q = scoped_by(case::Entity::find(), scope, l.every);
    if let Some(t) = text(f) {
        q = match &l.text_ids {
            Some(ids) if ids.is_empty() => q.filter(Expr::val(1).eq(0)),
            Some(ids) => q.filter(case::Column::Id.is_in(ids.iter().cloned())),
            None => q.filter(containing(t)),
        };
    }
    if let Some(s) = f.status {
        q = q.filter(case::Column::Status.eq(s.as_str()));
    }
    match f.open {
        Some(true) => q = q.filter(case::Column::Status.is_in(OPEN)),
        Some(false) => q = q.filter(case::Column::Status.is_not_in(OPEN)),
        None => {}
    }
    if let Some(c) = &f.category_id {
        q = q.filter(case::Column::CategoryId.eq(c.clone()));
    }
    if let Some(o) = &f.org_id {
        q = q.filter(case::Column::OrgId.eq(o.clone()));
    }
    if let Some(d) = &f.department_id {
        q = q.filter(concerns(std::slice::from_ref(d), l.every));
    }
    if let Some(d) = &f.lead_department_id {
        q = q.filter(case::Column::LeadDepartmentId.eq(d.clone()));
    }
    if let Some(d) = &f.pending_task_department_id {
        q = q.filter(
            case::Column::Id.in_subquery(
                Query::select()
                    .column(case_task::Column::CaseId)
                    .from(case_task::Entity)
                    .and_where(case_task::Column::DepartmentId.eq(d.clone()))
                    .and_where(case_task::Column::Status.eq("pending"))
                    .to_owned(),
            ),
        );
    }
    if let Some(t) = &f.task_force_department_id {
        q = q.filter(case::Column::TaskForceDepartmentId.eq(t.clone()));
    }
    if let Some(c) = &f.chain_id {
        q = q.filter(case::Column::ChainId.eq(c.clone()));
    }
    if let Some(c) = f.channel {
        q = q.filter(case::Column::Channel.eq(c.as_str()));
    }
    if let Some(s) = f.satisfaction {
        q = q.filter(case::Column::Satisfaction.eq(s.as_str()));
    }
    match f.reopened {
        Some(true) => q = q.filter(case::Column::ReopenedCount.gt(0)),
        Some(false) => q = q.filter(case::Column::ReopenedCount.eq(0)),
        None => {}
    }
    match f.sla {
        Some(SlaFilter::Overdue) => {
            q = q
                .filter(case::Column::Status.is_in(["dispatched", "submitted"]))
                .filter(case::Column::DueOn.lt(today))
        }
        Some(SlaFilter::DueSoon) => {
            q = q
                .filter(case::Column::Status.is_in(["dispatched", "submitted"]))
                .filter(case::Column::DueOn.gte(today))
                .filter(case::Column::DueOn.lte(clock.soon_until))
        }
        Some(SlaFilter::OnTime) => {
            q = q
                .filter(case::Column::Status.eq("closed"))
                .filter(Expr::col(case::Column::ClosedOn).lte(Expr::col(case::Column::DueOn)))
        }
        Some(SlaFilter::Late) => {
            q = q
                .filter(case::Column::Status.eq("closed"))
                .filter(Expr::col(case::Column::ClosedOn).gt(Expr::col(case::Column::DueOn)))
        }
        None => {}
    }
    if let Some(d) = f.received_from {
        q = q.filter(case::Column::ReceivedOn.gte(d));
    }
    if let Some(d) = f.received_to {
        q = q.filter(case::Column::ReceivedOn.lte(d));
    }
    q
}

pub async fn list(
    db: &Db,
    scope: &Scope,
    f: &CaseFilter,
    p: PageReq,
) -> StoreResult<Page<case::Model>> {
    let l = lookup(db, f, &calendar::load(db).await?).await?;
    let total = match departments_only(scope, f) {
        _ if *scope == Scope::All
            && *f
                == CaseFilter {
                    sort: f.sort,
                    ..Default::default()
                } =>
        {
            count_all(db).await?
        }
        Some(ids) => count_concerning(db, &ids).await?,
        None if text(f).is_some() => count_capped(db, matching(scope, f, &l)).await?,
        None => matching(scope, f, &l).count(db).await?,
    };
    let q = filtered(scope, f, &l);
    let items = q.offset(p.offset()).limit(p.per_page()).all(db).await?;
    Ok(Page {
        items,
        total,
        page: p.page(),
        per_page: p.per_page(),
    })
}

/// A text search counts its matches up to this many: past it the list says
/// "1000+" (a substring is checked row by row, and counting every match of
/// a common word in a million cases takes half a second; the first pages
/// come back at once).
pub const SEARCH_COUNT_CAP: u64 = 1_000;

/// The search word, trimmed, if there is one.
fn text(f: &CaseFilter) -> Option<&str> {
    f.q.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Whether a list's total is [`SEARCH_COUNT_CAP`] standing for "or more".
pub fn total_is_capped(f: &CaseFilter, total: u64) -> bool {
    text(f).is_some() && total >= SEARCH_COUNT_CAP
}

async fn count_capped(db: &Db, q: Select<case::Entity>) -> StoreResult<u64> {
    let first = q
        .select_only()
        .column(case::Column::Id)
        .limit(SEARCH_COUNT_CAP)
        .into_query();
    let count = Query::select()
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .from_subquery(first, Alias::new("capped"))
        .to_owned();
    let row = db
        .query_one(db.get_database_backend().build(&count))
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(row.try_get::<i64>("", "n")?.max(0) as u64)
}

/// When the only condition on a list is the departments a case concerns,
/// those departments: the count is then read from `case_departments` alone.
fn departments_only(scope: &Scope, f: &CaseFilter) -> Option<Vec<String>> {
    let rest = CaseFilter {
        department_id: None,
        sort: CaseSort::default(),
        ..f.clone()
    };
    if rest != CaseFilter::default() {
        return None;
    }
    match (scope, &f.department_id) {
        (Scope::All, Some(d)) => Some(vec![d.clone()]),
        (Scope::Departments(ids), None) => Some(ids.clone()),
        (Scope::Departments(ids), Some(d)) if ids.contains(d) => Some(vec![d.clone()]),
        _ => None,
    }
}

/// Every case there is: cases are never deleted, and each took the next
/// number of its year's sequence in the transaction that wrote it, so the
/// sequences add up to the count (a full-table COUNT(*) is a scan on
/// PostgreSQL: 40 ms at a million cases).
async fn count_all(db: &Db) -> StoreResult<u64> {
    // One row per year.
    let years = case_seq::Entity::find().all(db).await?;
    Ok(years.iter().map(|y| y.last.max(0) as u64).sum())
}

async fn count_concerning(db: &Db, ids: &[String]) -> StoreResult<u64> {
    let q = case_department::Entity::find()
        .filter(case_department::Column::DepartmentId.is_in(ids.to_vec()));
    Ok(if ids.len() == 1 {
        q.count(db).await?
    } else {
        q.select_only()
            .column(case_department::Column::CaseId)
            .distinct()
            .count(db)
            .await?
    })
}

pub async fn list_all(
    db: &Db,
    scope: &Scope,
    f: &CaseFilter,
    cap: u64,
) -> StoreResult<Vec<case::Model>> {
    let l = lookup(db, f, &calendar::load(db).await?).await?;
    Ok(filtered(scope, f, &l).limit(cap).all(db).await?)
}

/// The case with this number (any case, upper or lower), in scope.
pub async fn by_number(db: &Db, scope: &Scope, number: &str) -> StoreResult<Option<case::Model>> {
    Ok(scoped(case::Entity::find(), scope)
        .filter(case::Column::Number.eq(number.trim().to_uppercase()))
        .one(db)
        .await?)
}

/// Case numbers by case id.
pub async fn numbers(db: &Db, ids: &[String]) -> StoreResult<HashMap<String, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(case::Entity::find()
        .select_only()
        .column(case::Column::Id)
        .column(case::Column::Number)
        .filter(case::Column::Id.is_in(ids.to_vec()))
        .into_tuple::<(String, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// One case; out of scope is the same as missing (404).
pub async fn get<C: ConnectionTrait>(db: &C, scope: &Scope, id: &str) -> StoreResult<case::Model> {
    scoped(case::Entity::find_by_id(id.to_string()), scope)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn tasks<C: ConnectionTrait>(
    db: &C,
    case_id: &str,
) -> StoreResult<Vec<case_task::Model>> {
    Ok(case_task::Entity::find()
        .filter(case_task::Column::CaseId.eq(case_id))
        .order_by_desc(case_task::Column::Role)
        .order_by_asc(case_task::Column::CreatedAt)
        .all(db)
        .await?)
}

pub async fn events<C: ConnectionTrait>(
    db: &C,
    case_id: &str,
) -> StoreResult<Vec<case_event::Model>> {
    Ok(case_event::Entity::find()
        .filter(case_event::Column::CaseId.eq(case_id))
        .order_by_asc(case_event::Column::At)
        .order_by_asc(case_event::Column::Id)
        .all(db)
        .await?)
}

pub async fn supervisions<C: ConnectionTrait>(
    db: &C,
    case_id: &str,
) -> StoreResult<Vec<supervision::Model>> {
    Ok(supervision::Entity::find()
        .filter(supervision::Column::CaseId.eq(case_id))
        .order_by_asc(supervision::Column::CreatedAt)
        .all(db)
        .await?)
}

/// Open cases that look like the same problem: the same organisation, or
/// near-identical Chinese text among recent open cases.
pub async fn possible_duplicates(db: &Db, c: &case::Model) -> StoreResult<Vec<case::Model>> {
    let candidates = case::Entity::find()
        .filter(case::Column::Status.is_in(OPEN))
        .filter(case::Column::Id.ne(c.id.clone()))
        .filter(
            Condition::any()
                .add(case::Column::OrgId.eq(c.org_id.clone()))
                .add(case::Column::CategoryId.eq(c.category_id.clone())),
        )
        .order_by_desc(case::Column::ReceivedAt)
        .limit(500)
        .all(db)
        .await?;
    let text = format!("{}{}", c.title, c.description);
    Ok(candidates
        .into_iter()
        .filter(|o| {
            (o.org_id == c.org_id && o.category_id == c.category_id)
                || rules::is_near_duplicate(&text, &format!("{}{}", o.title, o.description))
        })
        .take(10)
        .collect())
}

// ---------------------------------------------------------------- timeline and inbox

fn event_row(
    case_id: &str,
    actor: &str,
    kind: &str,
    department_id: Option<String>,
    message: String,
) -> case_event::ActiveModel {
    case_event::ActiveModel {
        id: Set(new_id()),
        case_id: Set(case_id.into()),
        at: Set(now()),
        actor: Set(actor.into()),
        kind: Set(kind.into()),
        department_id: Set(department_id),
        message: Set(message),
    }
}

async fn event<C: ConnectionTrait>(
    tx: &C,
    case_id: &str,
    actor: &str,
    kind: &str,
    department_id: Option<String>,
    message: String,
) -> StoreResult<()> {
    case_event::Entity::insert(event_row(case_id, actor, kind, department_id, message))
        .exec_without_returning(tx)
        .await?;
    Ok(())
}

/// A message for a department's (or a user's) inbox.
pub struct Note {
    pub department_id: Option<String>,
    pub user_id: Option<String>,
    pub title: String,
    pub body: String,
    pub link: String,
}

/// Put a message in a department's (or a user's) inbox.
pub async fn notify<C: ConnectionTrait>(
    tx: &C,
    department_id: Option<String>,
    user_id: Option<String>,
    title: String,
    body: String,
    link: String,
) -> StoreResult<()> {
    let hooks = crate::outbox::active_webhooks(tx).await?;
    let note = Note {
        department_id,
        user_id,
        title,
        body,
        link,
    };
    notify_many(tx, &hooks, vec![note]).await
}

/// Put messages in inboxes, and in the outbox of each active robot of the
/// message's department (or of every department), in two multi-row inserts.
pub async fn notify_many<C: ConnectionTrait>(
    tx: &C,
    hooks: &[webhook::Model],
    notes: Vec<Note>,
) -> StoreResult<()> {
    if notes.is_empty() {
        return Ok(());
    }
    let t = now();
    let mut sends = vec![];
    for n in &notes {
        if let Some(d) = n.department_id.as_deref() {
            for h in hooks
                .iter()
                .filter(|h| h.department_id.as_deref().is_none_or(|hd| hd == d))
            {
                sends.push(crate::outbox::message(h, &n.title, &n.body, &n.link, t));
            }
        }
    }
    let inbox = notes.into_iter().map(|n| notification::ActiveModel {
        id: Set(new_id()),
        user_id: Set(n.user_id),
        department_id: Set(n.department_id),
        title: Set(n.title.chars().take(200).collect()),
        body: Set(n.body),
        link: Set(n.link),
        created_at: Set(t),
        read_at: Set(None),
    });
    crate::bulk::insert_rows(tx, inbox).await?;
    crate::bulk::insert_rows(tx, sends).await
}

/// Messages for a user: their own and their department's, newest first.
pub async fn inbox(
    db: &Db,
    user_id: &str,
    department_id: Option<&str>,
    limit: u64,
) -> StoreResult<Vec<notification::Model>> {
    let mut cond = Condition::any().add(notification::Column::UserId.eq(user_id));
    if let Some(d) = department_id {
        cond = cond.add(notification::Column::DepartmentId.eq(d));
    }
    Ok(notification::Entity::find()
        .filter(cond)
        .order_by_desc(notification::Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await?)
}

/// Whose messages a user reads: their own and their department's.
fn addressed_to(user_id: &str, department_id: Option<&str>) -> Condition {
    let mut cond = Condition::any().add(notification::Column::UserId.eq(user_id));
    if let Some(d) = department_id {
        cond = cond.add(notification::Column::DepartmentId.eq(d));
    }
    cond
}

/// One page of a user's messages (their own and their department's),
/// newest first; only unread ones when `unread_only`.
pub async fn messages(
    db: &Db,
    user_id: &str,
    department_id: Option<&str>,
    unread_only: bool,
    p: PageReq,
) -> StoreResult<Page<notification::Model>> {
    let mut q = notification::Entity::find().filter(addressed_to(user_id, department_id));
    if unread_only {
        q = q.filter(notification::Column::ReadAt.is_null());
    }
    let q = q
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_desc(notification::Column::Id);
    crate::page::fetch(db, q, p).await
}

/// Unread messages of a user (one COUNT query, for the navigation badge).
pub async fn unread_count(db: &Db, user_id: &str, department_id: Option<&str>) -> StoreResult<u64> {
    Ok(notification::Entity::find()
        .filter(addressed_to(user_id, department_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// Mark one message read. Only a message addressed to the user or their
/// department can be marked; any other id is `NotFound`.
///
/// Read state is kept per message (`read_at`), not per reader: a department's
/// message read by one of its clerks counts as read for the whole department.
/// That is deliberate (the department handles it once) and keeps the table
/// simple; a per-reader table would be needed to track each clerk.
/// Notifications are not business records (no version), so this is a plain
/// conditional update, not an audited one.
pub async fn mark_read(
    db: &Db,
    user_id: &str,
    department_id: Option<&str>,
    id: &str,
) -> StoreResult<notification::Model> {
    let m = notification::Entity::find_by_id(id.to_string())
        .filter(addressed_to(user_id, department_id))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    if m.read_at.is_some() {
        return Ok(m);
    }
    let t = now();
    notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(t))
        .filter(notification::Column::Id.eq(id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(notification::Model {
        read_at: Some(t),
        ..m
    })
}

/// Mark every unread message of a user (and their department) read; returns how many.
pub async fn mark_all_read(
    db: &Db,
    user_id: &str,
    department_id: Option<&str>,
) -> StoreResult<u64> {
    let r = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now()))
        .filter(addressed_to(user_id, department_id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected)
}

// ---------------------------------------------------------------- intake

/// A case as received.
#[derive(Clone, Debug)]
pub struct CaseInput {
    pub title: String,
    pub description: String,
    pub category_id: String,
    pub org_id: String,
    pub chain_id: Option<String>,
    pub channel: Channel,
    pub received_at: DateTime<Utc>,
    pub contact_name: String,
    pub contact_phone: String,
    /// Where the case is about; empty for most channels.
    pub location: CaseLocation,
}

/// Where a case is about, as Open311 carries it (checked by its caller).
#[derive(Clone, Debug, Default)]
pub struct CaseLocation {
    pub address: Option<String>,
    /// Latitude and longitude in degrees, the decimal text as given.
    pub latitude: Option<String>,
    pub longitude: Option<String>,
    pub media_url: Option<String>,
}

/// Make sure the year's sequence row exists (outside any transaction, so
/// concurrent first intakes of a year do not collide on inserting it).
async fn ensure_seq_row(db: &Db, year: i32) -> StoreResult<()> {
    // Rows are never deleted: once seen, a year is remembered.
    static KNOWN: OnceLock<Mutex<HashSet<(String, i32)>>> = OnceLock::new();
    let known = KNOWN.get_or_init(Default::default);
    let key = (crate::db::identity(db), year);
    if known
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .contains(&key)
    {
        return Ok(());
    }
    if case_seq::Entity::find_by_id(year).one(db).await?.is_some() {
        known.lock().unwrap_or_else(|e| e.into_inner()).insert(key);
        return Ok(());
    }
    let row = case_seq::ActiveModel {
        year: Set(year),
        last: Set(0),
    };
    match case_seq::Entity::insert(row)
        .exec_without_returning(db)
        .await
        .map_err(StoreError::from)
    {
        // Another intake created it first: fine.
        Ok(_) | Err(StoreError::Conflict { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Take `n` numbers of a year's sequence in the caller's transaction and
/// return the last one (the numbers are `last - n + 1 ..= last`). One
/// statement where the database can return the updated value.
async fn take_seqs<C: ConnectionTrait>(tx: &C, year: i32, n: i64) -> StoreResult<i64> {
    let backend = tx.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => {
            Some("UPDATE case_seqs SET last = last + $1 WHERE year = $2 RETURNING last")
        }
        DatabaseBackend::Sqlite => {
            Some("UPDATE case_seqs SET last = last + ? WHERE year = ? RETURNING last")
        }
        DatabaseBackend::MySql => None,
    };
    if let Some(sql) = sql {
        let row = tx
            .query_one(Statement::from_sql_and_values(
                backend,
                sql,
                [n.into(), year.into()],
            ))
            .await?
            .ok_or(StoreError::NotFound)?;
        return Ok(row.try_get::<i64>("", "last")?);
    }
    case_seq::Entity::update_many()
        .col_expr(
            case_seq::Column::Last,
            Expr::col(case_seq::Column::Last).add(n),
        )
        .filter(case_seq::Column::Year.eq(year))
        .exec(tx)
        .await?;
    Ok(case_seq::Entity::find_by_id(year)
        .one(tx)
        .await?
        .ok_or(StoreError::NotFound)?
        .last)
}

/// Receive a case: number it, route it (category → lead department,
/// industry → task force), set its time limit, and tell the task force.
pub async fn intake(db: &Db, actor: &Actor, i: CaseInput) -> StoreResult<case::Model> {
    intake_many(db, vec![(actor.clone(), i)])
        .await
        .pop()
        .unwrap_or(Err(StoreError::NotFound))
}

/// Receive several cases in one transaction (group commit): one sequence
/// bump per year and one multi-row insert per table. Each case gets its own
/// result: a case refused by a rule does not hold up the others, and if the
/// shared write fails they are written again one by one.
pub async fn intake_many(db: &Db, items: Vec<(Actor, CaseInput)>) -> Vec<StoreResult<case::Model>> {
    let n = items.len();
    match write_intakes(db, &items).await {
        Ok(results) => results,
        Err(e) if n == 1 => vec![Err(e)],
        Err(_) => {
            let mut results = Vec::with_capacity(n);
            for item in &items {
                results.push(match write_intakes(db, std::slice::from_ref(item)).await {
                    Ok(mut r) => r.pop().unwrap_or(Err(StoreError::NotFound)),
                    Err(e) => Err(e),
                });
            }
            results
        }
    }
}

/// An intake that passed the checks, with its routing.
struct Routed<'a> {
    at: usize,
    actor: &'a Actor,
    input: &'a CaseInput,
    category: &'a case_category::Model,
    task_force: Option<String>,
    received_on: NaiveDate,
}

async fn write_intakes(
    db: &Db,
    items: &[(Actor, CaseInput)],
) -> StoreResult<Vec<StoreResult<case::Model>>> {
    let cal = calendar::load(db).await?;
    // Reads first, outside the write transaction: on SQLite writers take
    // turns, so the turn holds only the writes.
    let wanted = |f: fn(&CaseInput) -> Option<&String>| -> Vec<String> {
        let set: std::collections::BTreeSet<String> =
            items.iter().filter_map(|(_, i)| f(i)).cloned().collect();
        set.into_iter().collect()
    };
    let categories: HashMap<String, case_category::Model> = case_category::Entity::find()
        .filter(case_category::Column::Id.is_in(wanted(|i| Some(&i.category_id))))
        .filter(case_category::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    let chain_ids = wanted(|i| i.chain_id.as_ref());
    let chains: HashMap<String, Option<String>> = if chain_ids.is_empty() {
        HashMap::new()
    } else {
        chain::Entity::find()
            .filter(chain::Column::Id.is_in(chain_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c.task_force_department_id))
            .collect()
    };
    let known_orgs: HashSet<String> = org::Entity::find()
        .select_only()
        .column(org::Column::Id)
        .filter(org::Column::Id.is_in(wanted(|i| Some(&i.org_id))))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut results: Vec<StoreResult<case::Model>> = Vec::with_capacity(items.len());
    let mut routed = Vec::with_capacity(items.len());
    let latest = now() + chrono::Duration::minutes(5);
    for (at, (actor, i)) in items.iter().enumerate() {
        results.push(Err(StoreError::NotFound));
        let checked = if i.received_at > latest {
            Err(StoreError::field(
                "received_in_future",
                "received_at",
                "受理时间不能晚于当前时间",
            ))
        } else if !known_orgs.contains(&i.org_id) {
            Err(StoreError::field("invalid_org", "org_id", "单位不存在"))
        } else if let Some(category) = categories.get(&i.category_id) {
            match &i.chain_id {
                Some(c) => chains
                    .get(c)
                    .cloned()
                    .ok_or_else(|| StoreError::field("invalid_chain", "chain_id", "产业链不存在")),
                None => Ok(None),
            }
            .map(|task_force| Routed {
                at,
                actor,
                input: i,
                category,
                task_force,
                received_on: beijing_date(i.received_at),
            })
        } else {
            Err(StoreError::field(
                "invalid_category",
                "category_id",
                "诉求分类不存在或已停用",
            ))
        };
        match checked {
            Ok(r) => routed.push(r),
            Err(e) => results[at] = Err(e),
        }
    }
    if routed.is_empty() {
        return Ok(results);
    }
    let mut per_year: BTreeMap<i32, i64> = BTreeMap::new();
    for r in &routed {
        *per_year.entry(r.received_on.year()).or_default() += 1;
    }
    for year in per_year.keys() {
        ensure_seq_row(db, *year).await?;
    }
    let hooks = crate::outbox::active_webhooks(db).await?;

    let tx = crate::db::begin_write(db).await?;
    let mut next: HashMap<i32, i64> = HashMap::new();
    for (year, count) in &per_year {
        let last = take_seqs(&tx, *year, *count).await?;
        next.insert(*year, last - count + 1);
    }
    let mut rows = Vec::with_capacity(routed.len());
    for r in &routed {
        let year = r.received_on.year();
        let seq = next.get(&year).copied().unwrap_or(1);
        next.insert(year, seq + 1);
        let i = r.input.clone();
        let limit = r.category.time_limit_days.max(1);
        let am = case::ActiveModel {
            number: Set(rules::case_number(year, seq)),
            year: Set(year),
            seq: Set(seq),
            title: Set(i.title),
            description: Set(i.description),
            category_id: Set(r.category.id.clone()),
            org_id: Set(i.org_id),
            chain_id: Set(i.chain_id),
            channel: Set(i.channel.as_str().into()),
            status: Set(CaseStatus::Submitted.as_str().into()),
            received_at: Set(i.received_at),
            received_on: Set(r.received_on),
            limit_days: Set(limit),
            due_on: Set(rules::due_date(&cal, r.received_on, limit as u32, 0)),
            suspended_workdays: Set(0),
            suspended_since: Set(None),
            lead_department_id: Set(r.category.lead_department_id.clone()),
            task_force_department_id: Set(r.task_force.clone()),
            supervision_level: Set(0),
            reopened_count: Set(0),
            reply: Set(None),
            replied_at: Set(None),
            satisfaction: Set(None),
            rating_comment: Set(None),
            closed_at: Set(None),
            closed_on: Set(None),
            merged_into_id: Set(None),
            decline_reason: Set(None),
            submitted_by: Set(Some(r.actor.user_id.clone())),
            contact_name: Set(i.contact_name),
            contact_phone: Set(i.contact_phone),
            warned_on: Set(None),
            cycle_workdays: Set(None),
            address: Set(i.location.address),
            latitude: Set(i.location.latitude),
            longitude: Set(i.location.longitude),
            media_url: Set(i.location.media_url),
            ..Default::default()
        };
        rows.push((r.actor.username.as_str(), am));
    }
    let created = record::insert_many(&tx, rows).await?;
    let concerned: std::collections::BTreeSet<(String, String)> = created
        .iter()
        .flat_map(|m| {
            [&m.lead_department_id, &m.task_force_department_id]
                .into_iter()
                .flatten()
                .map(|d| (m.id.clone(), d.clone()))
        })
        .collect();
    let concerned = concerned
        .into_iter()
        .map(|(c, d)| case_department::ActiveModel {
            case_id: Set(c),
            department_id: Set(d),
        });
    crate::bulk::insert_rows(&tx, concerned).await?;
    crate::search::index(
        &tx,
        created.iter().map(|m| crate::search::CaseText {
            year: m.year,
            seq: m.seq,
            number: &m.number,
            title: &m.title,
            description: &m.description,
        }),
    )
    .await?;
    let mut events = Vec::with_capacity(created.len());
    let mut notes = Vec::with_capacity(created.len());
    for (r, m) in routed.iter().zip(&created) {
        events.push(event_row(
            &m.id,
            &r.actor.display_name,
            "intake",
            None,
            format!(
                "受理诉求（{}），办理时限{}个工作日，{}前办结",
                r.input.channel.label_zh(),
                m.limit_days,
                m.due_on
            ),
        ));
        if let Some(tf) = r
            .task_force
            .clone()
            .or(r.category.lead_department_id.clone())
        {
            notes.push(Note {
                department_id: Some(tf),
                user_id: None,
                title: format!("新诉求 {}：{}", m.number, m.title),
                body: "请及时研判分办".into(),
                link: format!("/cases/{}", m.id),
            });
        }
    }
    crate::bulk::insert_rows(&tx, events).await?;
    notify_many(&tx, &hooks, notes).await?;
    tx.commit().await?;
    for (r, m) in routed.iter().zip(created) {
        results[r.at] = Ok(m);
    }
    Ok(results)
}

/// Intakes waiting for the next group commit, each with its reply.
type Waiting = (Actor, CaseInput, oneshot::Sender<StoreResult<case::Model>>);

/// At most this many intakes share one transaction.
const MAX_BATCH: usize = 64;

/// Group commit for intake. Concurrent intakes of this replica queue here
/// and are written together by [`intake_many`]; each caller gets its own
/// case or its own error once the transaction holding it has committed.
/// One caller at a time is written alone, at once; under load a batch is
/// whatever arrived while the previous one was being written. Cheap to
/// clone; the writer task starts on first use and ends with the last clone.
#[derive(Clone)]
pub struct IntakeQueue {
    db: Db,
    sender: Arc<OnceLock<mpsc::Sender<Waiting>>>,
}

impl IntakeQueue {
    pub fn new(db: Db) -> Self {
        IntakeQueue {
            db,
            sender: Arc::new(OnceLock::new()),
        }
    }

    /// Receive a case (as [`intake`]), sharing the transaction with others.
    pub async fn intake(&self, actor: &Actor, i: CaseInput) -> StoreResult<case::Model> {
        let sender = self.sender.get_or_init(|| {
            let (sender, waiting) = mpsc::channel(4 * MAX_BATCH);
            tokio::spawn(write_batches(self.db.clone(), waiting));
            sender
        });
        let (reply, result) = oneshot::channel();
        if let Err(mpsc::error::SendError((actor, i, _))) =
            sender.send((actor.clone(), i, reply)).await
        {
            return intake(&self.db, &actor, i).await;
        }
        result.await.unwrap_or_else(|_| {
            Err(StoreError::Db(sea_orm::DbErr::Custom(
                "受理队列已停止".into(),
            )))
        })
    }
}

async fn write_batches(db: Db, mut waiting: mpsc::Receiver<Waiting>) {
    while let Some(first) = waiting.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match waiting.try_recv() {
                Ok(w) => batch.push(w),
                Err(_) => break,
            }
        }
        let (items, replies): (Vec<_>, Vec<_>) =
            batch.into_iter().map(|(a, i, r)| ((a, i), r)).unzip();
        for (result, reply) in intake_many(&db, items).await.into_iter().zip(replies) {
            let _ = reply.send(result);
        }
    }
}

// ---------------------------------------------------------------- transitions

/// Load a case for a change: in scope, at the version the caller read.
async fn load<C: ConnectionTrait>(tx: &C, scope: &Scope, id: &str) -> StoreResult<case::Model> {
    get(tx, scope, id).await
}

fn transition(c: &case::Model, action: CaseAction, ctx: TransitionCtx) -> StoreResult<CaseStatus> {
    rules::next_status(status_of(c), action, ctx).map_err(rule_error)
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
    let names = department_names(&tx, departments.iter().map(|(d, _)| d.clone()).collect()).await?;
    if departments.iter().any(|(d, _)| !names.contains_key(d)) {
        return Err(StoreError::rule("invalid_department", "承办部门不存在"));
    }
    if let Some((d, _)) = limits
        .iter()
        .find(|(d, _)| !departments.iter().any(|(x, _)| x == d))
    {
        return Err(StoreError::field(
            "invalid_task_limit",
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
                "invalid_task_limit",
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

async fn department_names<C: ConnectionTrait>(
    tx: &C,
    ids: Vec<String>,
) -> StoreResult<HashMap<String, String>> {
    Ok(crate::entities::department::Entity::find()
        .filter(crate::entities::department::Column::Id.is_in(ids))
        .all(tx)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect())
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
        return Err(StoreError::rule("invalid_merge", "不能合并到自身"));
    }
    let tx = crate::db::begin_write(db).await?;
    let c = load(&tx, scope, id).await?;
    let target = load(&tx, scope, target_id).await?;
    if !status_of(&target).is_open() {
        return Err(StoreError::rule("invalid_merge", "只能合并到未办结的诉求"));
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
    event(
        &tx,
        &m.id,
        &actor.display_name,
        "merge",
        None,
        format!("与 {} 重复，已合并，后续进展见该诉求", target.number),
    )
    .await?;
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
        "not_lead_department",
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
        "not_lead_department",
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

/// A department acts on its task: accept, log progress, complete, or return
/// it as mis-dispatched (within one workday). A returned lead task sends the
/// case back for dispatch.
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
        "not_task_department",
        "只能处理本部门的任务",
    )?;
    if status_of(&c) != CaseStatus::Dispatched {
        return Err(StoreError::rule(
            "case_not_in_handling",
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
        return Err(StoreError::rule("note_required", "请填写说明"));
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
        TaskAction::Complete => format!("{}办结：{note}", role.label_zh()),
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
        "not_lead_department",
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

async fn raise_supervision<C: ConnectionTrait>(
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
        return Err(StoreError::rule("case_closed", "诉求已办结，无需督办"));
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
        return Err(StoreError::rule("future_date", "约谈日期不能晚于今天"));
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

pub async fn interviews(db: &Db, limit: u64) -> StoreResult<Vec<interview::Model>> {
    interviews_where(db, &InterviewFilter::default(), limit).await
}

/// Which interviews a list shows: of one department, held within dates.
#[derive(Clone, Debug, Default)]
pub struct InterviewFilter {
    pub department_id: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Interviews matching `f`, newest first, at most `limit`.
pub async fn interviews_where(
    db: &Db,
    f: &InterviewFilter,
    limit: u64,
) -> StoreResult<Vec<interview::Model>> {
    let mut q = interview::Entity::find();
    if let Some(d) = &f.department_id {
        q = q.filter(interview::Column::DepartmentId.eq(d.as_str()));
    }
    if let Some(d) = f.from {
        q = q.filter(interview::Column::HeldOn.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(interview::Column::HeldOn.lte(d));
    }
    Ok(q.order_by_desc(interview::Column::HeldOn)
        .order_by_desc(interview::Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await?)
}

// ---------------------------------------------------------------- timed work

/// What one sweep of the timed rules did.
#[derive(Debug, Default, Serialize)]
pub struct Sweep {
    pub supervised: usize,
    /// Due-soon warnings sent to lead departments.
    pub warned: usize,
    pub closed_no_answer: usize,
}

/// Overdue cases get an automatic supervision order (once per case and
/// level); replies not rated within the category's rating period close as
/// "no answer". Safe to run on every replica: each change is a versioned
/// update, so a second runner's write is refused, not repeated.
pub async fn sweep(db: &Db, today: NaiveDate) -> StoreResult<Sweep> {
    let cal = calendar::load(db).await?;
    let mut out = Sweep::default();
    let overdue = case::Entity::find()
        .filter(case::Column::Status.eq("dispatched"))
        .filter(case::Column::DueOn.lt(today))
        .filter(case::Column::SupervisionLevel.eq(0))
        .all(db)
        .await?;
    for c in overdue {
        let tx = crate::db::begin_write(db).await?;
        let v = c.version;
        let lead = c.lead_department_id.clone();
        match record::update(
            &tx,
            "system",
            "supervise",
            c,
            v,
            |am: &mut case::ActiveModel| am.supervision_level = Set(1),
        )
        .await
        {
            Ok(c) => {
                raise_supervision(
                    &tx,
                    "system",
                    &c,
                    lead.clone(),
                    1,
                    format!("超过办理时限（{}）自动督办", c.due_on),
                    true,
                )
                .await?;
                event(&tx, &c.id, "系统", "supervise", lead, "超期自动督办".into()).await?;
                tx.commit().await?;
                out.supervised += 1;
            }
            Err(StoreError::Conflict { .. }) => tx.rollback().await?,
            Err(e) => return Err(e),
        }
    }
    // Due soon: warn the lead department once per case. The marker is not
    // business data, so it is set without a version bump (a clerk's open
    // form stays valid); the conditional update keeps it once per case.
    let warn_days: HashMap<String, i32> = categories(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.warn_days))
        .collect();
    let open = case::Entity::find()
        .filter(case::Column::Status.eq("dispatched"))
        .filter(case::Column::WarnedOn.is_null())
        .filter(case::Column::DueOn.gte(today))
        .all(db)
        .await?;
    for c in open {
        let days = warn_days.get(&c.category_id).copied().unwrap_or(2).max(0) as u32;
        if rules::sla_state(&cal, c.due_on, today, days) != rules::SlaState::DueSoon {
            continue;
        }
        let tx = crate::db::begin_write(db).await?;
        let marked = case::Entity::update_many()
            .col_expr(case::Column::WarnedOn, Expr::value(today))
            .filter(case::Column::Id.eq(c.id.clone()))
            .filter(case::Column::WarnedOn.is_null())
            .exec(&tx)
            .await?;
        if marked.rows_affected == 1 {
            notify(
                &tx,
                c.lead_department_id.clone(),
                None,
                format!("即将到期：{} {}", c.number, c.title),
                format!("请于{}前办结", c.due_on),
                format!("/cases/{}", c.id),
            )
            .await?;
            event(
                &tx,
                &c.id,
                "系统",
                "warn",
                c.lead_department_id.clone(),
                format!("时限预警：{}到期", c.due_on),
            )
            .await?;
            out.warned += 1;
        }
        tx.commit().await?;
    }
    let replied = case::Entity::find()
        .filter(case::Column::Status.eq("replied"))
        .all(db)
        .await?;
    let cats: HashMap<String, i32> = categories(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.rating_days))
        .collect();
    for c in replied {
        let Some(at) = c.replied_at else { continue };
        let days = cats.get(&c.category_id).copied().unwrap_or(5).max(1) as i64;
        if cal.workdays_between(beijing_date(at), today) < days {
            continue;
        }
        let tx = crate::db::begin_write(db).await?;
        let v = c.version;
        let next = match transition(&c, CaseAction::CloseNoAnswer, TransitionCtx::default()) {
            Ok(n) => n,
            Err(_) => continue,
        };
        let cycle = rules::cycle_workdays(&cal, c.received_on, today) as i32;
        match record::update(
            &tx,
            "system",
            "close_no_answer",
            c,
            v,
            |am: &mut case::ActiveModel| {
                am.status = Set(next.as_str().into());
                am.satisfaction = Set(Some(Satisfaction::NoAnswer.as_str().into()));
                am.closed_at = Set(Some(now()));
                am.closed_on = Set(Some(today));
                am.cycle_workdays = Set(Some(cycle));
            },
        )
        .await
        {
            Ok(c) => {
                event(
                    &tx,
                    &c.id,
                    "系统",
                    "close_no_answer",
                    None,
                    format!("{days}个工作日内未评价，按“逾期未评价”办结"),
                )
                .await?;
                tx.commit().await?;
                out.closed_no_answer += 1;
            }
            Err(StoreError::Conflict { .. }) => tx.rollback().await?,
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- statistics

/// How statistics are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupBy {
    Department,
    TaskForce,
    Category,
    Chain,
    Month,
}

impl GroupBy {
    pub const ALL: [GroupBy; 5] = [
        GroupBy::Department,
        GroupBy::TaskForce,
        GroupBy::Category,
        GroupBy::Chain,
        GroupBy::Month,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "department" => GroupBy::Department,
            "task_force" => GroupBy::TaskForce,
            "category" => GroupBy::Category,
            "chain" => GroupBy::Chain,
            "month" => GroupBy::Month,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Department => "department",
            GroupBy::TaskForce => "task_force",
            GroupBy::Category => "category",
            GroupBy::Chain => "chain",
            GroupBy::Month => "month",
        }
    }
}

/// The figures of one group. Every figure can be traced to the case list
/// behind it (the web layer links each to a filtered list).
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Figures {
    /// Group key (department id, category id, chain id or "2026-03").
    pub key: String,
    pub received: i64,
    /// 办结 (closed, after rating or no answer).
    pub solved: i64,
    pub on_time: i64,
    /// on_time / solved in per-mille.
    pub on_time_permille: Option<i64>,
    /// Average cycle time of solved cases in workdays, ×10 (one decimal).
    pub avg_cycle_tenths: Option<i64>,
    pub p90_cycle_workdays: Option<i64>,
    pub rated: i64,
    pub satisfied: i64,
    /// (满意 + 基本满意) / rated, per-mille.
    pub satisfaction_permille: Option<i64>,
    pub reopened: i64,
    pub overdue_open: i64,
}

fn count_if(cond: &str) -> sea_orm::sea_query::SimpleExpr {
    Expr::cust(format!("COUNT(CASE WHEN {cond} THEN 1 END)"))
}

/// Rows of the aggregate query (a group and a cycle time in workdays, with
/// its figures), for a text key and for a date key.
macro_rules! aggregate_rows {
    ($rows:ident, $key:ty) => {
        #[derive(Debug, sea_orm::FromQueryResult)]
        struct $rows {
            k: Option<$key>,
            c: Option<i32>,
            received: i64,
            solved: i64,
            on_time: i64,
            rated: i64,
            satisfied: i64,
            reopened: i64,
            overdue_open: i64,
            /// Solved cases with this cycle time.
            cycled: i64,
        }
        impl $rows {
            fn figures(self, key: String) -> (Figures, i64, i64) {
                let f = Figures {
                    key,
                    received: self.received,
                    solved: self.solved,
                    on_time: self.on_time,
                    rated: self.rated,
                    satisfied: self.satisfied,
                    reopened: self.reopened,
                    overdue_open: self.overdue_open,
                    ..Default::default()
                };
                (f, i64::from(self.c.unwrap_or(0)), self.cycled)
            }
        }
    };
}
aggregate_rows!(TextRows, String);
aggregate_rows!(DateRows, NaiveDate);

/// Figures per group over the cases in scope that match the filter, and
/// the totals over all of them. Aggregated in the database by one GROUP BY
/// query over (cycle time, group), whose rows give the counts and a
/// histogram of cycle times for the average and the exact 90th percentile,
/// so the cost grows with groups, not with cases. The cycle time comes
/// first so that no index on the group orders the scan: SQLite would read
/// every case through it (twice as slow as reading the table).
pub async fn statistics(
    db: &Db,
    scope: &Scope,
    f: &CaseFilter,
    group: GroupBy,
) -> StoreResult<(Vec<Figures>, Figures)> {
    let cal = calendar::load(db).await?;
    let l = Lookup {
        every: true,
        ..lookup(db, f, &cal).await?
    };
    let clock = l.clock;
    let key = match group {
        GroupBy::Department => case::Column::LeadDepartmentId,
        GroupBy::TaskForce => case::Column::TaskForceDepartmentId,
        GroupBy::Category => case::Column::CategoryId,
        GroupBy::Chain => case::Column::ChainId,
        GroupBy::Month => case::Column::ReceivedOn,
    };
    let q = matching(scope, f, &l)
        .select_only()
        .column_as(key, "k")
        .column_as(case::Column::CycleWorkdays, "c")
        .column_as(Expr::cust("COUNT(*)"), "received")
        .column_as(count_if("status = 'closed'"), "solved")
        .column_as(
            count_if("status = 'closed' AND closed_on <= due_on"),
            "on_time",
        )
        .column_as(
            count_if("satisfaction IN ('satisfied', 'basic', 'unsatisfied')"),
            "rated",
        )
        .column_as(
            count_if("satisfaction IN ('satisfied', 'basic')"),
            "satisfied",
        )
        .column_as(count_if("reopened_count > 0"), "reopened")
        .column_as(
            count_if(&format!(
                "status IN ('submitted', 'dispatched') AND due_on < '{}'",
                clock.today
            )),
            "overdue_open",
        )
        .column_as(
            count_if("status = 'closed' AND cycle_workdays IS NOT NULL"),
            "cycled",
        )
        .group_by(case::Column::CycleWorkdays)
        .group_by(key);
    // (group, figures, cycle time, solved cases with it); months are keyed "2026-03".
    let rows: Vec<(Figures, i64, i64)> = if group == GroupBy::Month {
        let month = |d: Option<NaiveDate>| {
            d.map(|d| format!("{}-{:02}", d.year(), d.month()))
                .unwrap_or_default()
        };
        q.into_model::<DateRows>()
            .all(db)
            .await?
            .into_iter()
            .map(|r| {
                let k = month(r.k);
                r.figures(k)
            })
            .collect()
    } else {
        q.into_model::<TextRows>()
            .all(db)
            .await?
            .into_iter()
            .map(|r| {
                let k = r.k.clone().unwrap_or_default();
                r.figures(k)
            })
            .collect()
    };
    let mut groups: BTreeMap<String, (Figures, BTreeMap<i64, i64>)> = BTreeMap::new();
    for (f, c, cycled) in rows {
        let (g, h) = groups.entry(f.key.clone()).or_insert_with(|| {
            (
                Figures {
                    key: f.key.clone(),
                    ..Default::default()
                },
                BTreeMap::new(),
            )
        });
        g.received += f.received;
        g.solved += f.solved;
        g.on_time += f.on_time;
        g.rated += f.rated;
        g.satisfied += f.satisfied;
        g.reopened += f.reopened;
        g.overdue_open += f.overdue_open;
        if cycled > 0 {
            *h.entry(c).or_default() += cycled;
        }
    }
    let mut total = (
        Figures {
            key: "total".into(),
            ..Default::default()
        },
        BTreeMap::new(),
    );
    for (g, h) in groups.values() {
        total.0.received += g.received;
        total.0.solved += g.solved;
        total.0.on_time += g.on_time;
        total.0.rated += g.rated;
        total.0.satisfied += g.satisfied;
        total.0.reopened += g.reopened;
        total.0.overdue_open += g.overdue_open;
        for (c, n) in h {
            *total.1.entry(*c).or_default() += n;
        }
    }
    let finish = |(mut g, h): (Figures, BTreeMap<i64, i64>)| {
        g.on_time_permille = rules::rate_permille(g.on_time, g.solved);
        g.satisfaction_permille = rules::rate_permille(g.satisfied, g.rated);
        let n: i64 = h.values().sum();
        if n > 0 {
            let sum: i64 = h.iter().map(|(c, k)| c * k).sum();
            g.avg_cycle_tenths = Some((sum * 10 + n / 2) / n);
            // Nearest rank: the smallest value with at least 90% of cases at or below it.
            let rank = (n * 90 + 99) / 100;
            let mut seen = 0;
            g.p90_cycle_workdays = h
                .iter()
                .find(|(_, k)| {
                    seen += **k;
                    seen >= rank
                })
                .map(|(c, _)| *c);
        }
        g
    };
    Ok((groups.into_values().map(finish).collect(), finish(total)))
}

/// The default dictionary of case categories (code, name, time limit in workdays).
pub const DEFAULT_CATEGORIES: [(&str, &str, i32); 9] = [
    ("approval", "审批", 10),
    ("land", "用地", 15),
    ("finance", "融资", 10),
    ("talent", "人才", 10),
    ("labor", "用工", 7),
    ("policy", "政策兑现", 10),
    ("ip", "知识产权", 10),
    ("infrastructure", "基础设施", 15),
    ("other", "其他", 10),
];

/// Fill an empty category dictionary with the defaults (routing is left to
/// the administrator). Racing replicas: the loser's conflict is fine.
pub async fn seed_categories(db: &Db, actor: &str) -> StoreResult<usize> {
    if case_category::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    let tx = crate::db::begin_write(db).await?;
    for (i, (code, name, limit)) in DEFAULT_CATEGORIES.iter().enumerate() {
        let am = case_category::ActiveModel {
            code: Set((*code).into()),
            name: Set((*name).into()),
            lead_department_id: Set(None),
            time_limit_days: Set(*limit),
            task_limit_days: Set((*limit / 2).max(3)),
            warn_days: Set(2),
            rating_days: Set(5),
            sort_order: Set(i as i32),
            active: Set(true),
            ..Default::default()
        };
        match record::insert(&tx, actor, am).await {
            Ok(_) => {}
            Err(StoreError::Conflict { .. }) => return Ok(0),
            Err(e) => return Err(e),
        }
    }
    tx.commit().await?;
    Ok(DEFAULT_CATEGORIES.len())
}

// ---------------------------------------------------------------- attachments

/// Largest attachment accepted (bytes).
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
/// Attachments per case.
pub const MAX_ATTACHMENTS: u64 = 20;
const CHUNK: usize = 48 * 1024;

/// Attach a file to a case (in chunks, in one transaction) and note it on the timeline.
pub async fn attach(
    db: &Db,
    scope: &Scope,
    actor: &Actor,
    case_id: &str,
    filename: &str,
    content_type: &str,
    bytes: &[u8],
) -> StoreResult<crate::entities::attachment::Model> {
    use crate::entities::{attachment, attachment_chunk};
    use sha2::{Digest, Sha256};
    if bytes.is_empty() {
        return Err(StoreError::rule("empty_file", "文件是空的"));
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(StoreError::rule("file_too_large", "单个附件不能超过10MB"));
    }
    let name: String = filename
        .trim()
        .replace(['/', '\\', '"'], "_")
        .chars()
        .take(200)
        .collect();
    if name.is_empty() {
        return Err(StoreError::rule("invalid_filename", "请提供文件名"));
    }
    let tx = crate::db::begin_write(db).await?;
    let c = get(&tx, scope, case_id).await?;
    let count = attachment::Entity::find()
        .filter(attachment::Column::CaseId.eq(case_id))
        .count(&tx)
        .await?;
    if count >= MAX_ATTACHMENTS {
        return Err(StoreError::rule(
            "too_many_attachments",
            "每件诉求最多20个附件",
        ));
    }
    let m = attachment::ActiveModel {
        id: Set(new_id()),
        case_id: Set(c.id.clone()),
        filename: Set(name.clone()),
        content_type: Set(content_type.chars().take(100).collect()),
        size: Set(bytes.len() as i64),
        sha256: Set(hex::encode(Sha256::digest(bytes))),
        uploaded_by: Set(actor.username.clone()),
        created_at: Set(now()),
    };
    let m = attachment::Entity::insert(m)
        .exec_with_returning(&tx)
        .await?;
    for (i, part) in bytes.chunks(CHUNK).enumerate() {
        attachment_chunk::Entity::insert(attachment_chunk::ActiveModel {
            id: Set(new_id()),
            attachment_id: Set(m.id.clone()),
            idx: Set(i as i32),
            data: Set(part.to_vec()),
        })
        .exec_without_returning(&tx)
        .await?;
    }
    event(
        &tx,
        &c.id,
        &actor.display_name,
        "attach",
        None,
        format!("上传附件：{name}（{}KB）", bytes.len().div_ceil(1024)),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn attachments(
    db: &Db,
    case_id: &str,
) -> StoreResult<Vec<crate::entities::attachment::Model>> {
    use crate::entities::attachment;
    Ok(attachment::Entity::find()
        .filter(attachment::Column::CaseId.eq(case_id))
        .order_by_asc(attachment::Column::CreatedAt)
        .all(db)
        .await?)
}

/// An attachment and its bytes (the case must be in scope).
pub async fn attachment(
    db: &Db,
    scope: &Scope,
    case_id: &str,
    id: &str,
) -> StoreResult<(crate::entities::attachment::Model, Vec<u8>)> {
    use crate::entities::{attachment, attachment_chunk};
    get(db, scope, case_id).await?;
    let m = attachment::Entity::find_by_id(id.to_string())
        .filter(attachment::Column::CaseId.eq(case_id))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut bytes = Vec::with_capacity(m.size.max(0) as usize);
    for c in attachment_chunk::Entity::find()
        .filter(attachment_chunk::Column::AttachmentId.eq(id))
        .order_by_asc(attachment_chunk::Column::Idx)
        .all(db)
        .await?
    {
        bytes.extend_from_slice(&c.data);
    }
    Ok((m, bytes))
}

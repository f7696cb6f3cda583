//! Reading cases: the filtered, scoped list and its counts, one case and its
//! tasks, timeline and supervision orders, duplicates, and the interviews list.

use std::collections::HashMap;

use chrono::NaiveDate;
use kechuang_domain::calendar::WorkCalendar;
use kechuang_domain::cases::{self as rules, CaseStatus, Channel, Satisfaction};
use sea_orm::sea_query::{Alias, Condition, Expr, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select,
};

use super::today;
use crate::entities::{
    case, case_department, case_event, case_seq, case_task, interview, supervision,
};
use crate::search::SeqRange;
use crate::{calendar, Db, Page, PageReq, Scope, StoreError, StoreResult};

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

/// Cases the scope may see, as a query condition.
fn scoped(q: Select<case::Entity>, scope: &Scope) -> Select<case::Entity> {
    scoped_by(q, scope, false)
}

/// [`scoped`], for reading every case in scope when `every` (see [`concerns`]).
fn scoped_by(q: Select<case::Entity>, scope: &Scope, every: bool) -> Select<case::Entity> {
    match scope {
        Scope::All => q,
        Scope::Departments(ids) => q.filter(concerns(ids, every)),
        // A talent's request names the talent's employer, which must not
        // see it (schooling, medical care, permits are the talent's own).
        Scope::Org(Some(org)) => q
            .filter(case::Column::OrgId.eq(org.clone()))
            .filter(case::Column::Channel.ne(kechuang_domain::cases::Channel::Talent.as_str())),
        Scope::Org(None) => q.filter(Expr::val(1).eq(0)),
        Scope::User(uid) => q.filter(case::Column::SubmittedBy.eq(uid.clone())),
        Scope::Served(uid) => q.filter(
            crate::scope::served(uid, case::Column::OrgId)
                .add(case::Column::SubmittedBy.eq(uid.clone())),
        ),
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
    /// Cases in handling where this department has an open task (待签收 or
    /// 办理中); with `task_sla`, only those whose task is overdue / due soon.
    pub open_task_department_id: Option<String>,
    /// Cases in handling with an open task (of `open_task_department_id`,
    /// else of any department) that is overdue or due soon by the task's own
    /// due date (`Overdue` and `DueSoon` only).
    pub task_sla: Option<SlaFilter>,
    /// Cases in handling whose departments have all done their tasks (none
    /// open, at least one done): waiting for the lead department's reply.
    pub awaiting_reply: bool,
    pub task_force_department_id: Option<String>,
    pub chain_id: Option<String>,
    pub channel: Option<Channel>,
    pub satisfaction: Option<Satisfaction>,
    pub reopened: Option<bool>,
    pub sla: Option<SlaFilter>,
    pub received_from: Option<NaiveDate>,
    pub received_to: Option<NaiveDate>,
    /// Talents' requests of this tier (code) only.
    pub talent_tier: Option<String>,
    /// Talents' requests of international (true) or domestic (false) talents only.
    pub talent_international: Option<bool>,
    /// These cases only (a batch chosen on the list: 导出所选).
    pub ids: Option<Vec<String>>,
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
pub(super) struct Lookup {
    pub(super) clock: Clock,
    /// `None`: the list tests every case for the word.
    pub(super) text_ids: Option<Vec<String>>,
    /// Every matching case is read (an aggregate), not the first page.
    pub(super) every: bool,
}

pub(super) async fn lookup(db: &Db, f: &CaseFilter, cal: &WorkCalendar) -> StoreResult<Lookup> {
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
pub(super) fn matching(scope: &Scope, f: &CaseFilter, l: &Lookup) -> Select<case::Entity> {
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
    if f.talent_tier.is_some() || f.talent_international.is_some() {
        use crate::entities::talent_request as tr;
        let mut sub = Query::select();
        sub.column(tr::Column::CaseId).from(tr::Entity);
        if let Some(t) = &f.talent_tier {
            sub.and_where(Expr::col(tr::Column::TierCode).eq(t.clone()));
        }
        if let Some(i) = f.talent_international {
            sub.and_where(Expr::col(tr::Column::International).eq(i));
        }
        q = q.filter(case::Column::Id.in_subquery(sub.to_owned()));
    }
    if let Some(o) = &f.org_id {
        q = q.filter(case::Column::OrgId.eq(o.clone()));
    }
    if let Some(ids) = &f.ids {
        q = q.filter(case::Column::Id.is_in(ids.clone()));
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
    if f.open_task_department_id.is_some() || f.task_sla.is_some() {
        let mut tasks = Query::select()
            .column(case_task::Column::CaseId)
            .from(case_task::Entity)
            .and_where(case_task::Column::Status.is_in(["pending", "accepted"]))
            .to_owned();
        if let Some(d) = &f.open_task_department_id {
            tasks.and_where(case_task::Column::DepartmentId.eq(d.clone()));
        }
        match f.task_sla {
            Some(SlaFilter::Overdue) => {
                tasks.and_where(case_task::Column::DueOn.lt(today));
            }
            Some(SlaFilter::DueSoon) => {
                tasks
                    .and_where(case_task::Column::DueOn.gte(today))
                    .and_where(case_task::Column::DueOn.lte(clock.soon_until));
            }
            _ => {}
        }
        q = q
            .filter(case::Column::Status.eq("dispatched"))
            .filter(case::Column::Id.in_subquery(tasks));
    }
    if f.awaiting_reply {
        let with = |statuses: &[&str]| {
            Query::select()
                .column(case_task::Column::CaseId)
                .from(case_task::Entity)
                .and_where(case_task::Column::Status.is_in(statuses.iter().copied()))
                .to_owned()
        };
        q = q
            .filter(case::Column::Status.eq("dispatched"))
            .filter(case::Column::Id.in_subquery(with(&["done"])))
            .filter(case::Column::Id.not_in_subquery(with(&["pending", "accepted"])));
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

/// The tasks of one department on some cases (for a list showing the
/// department's own due dates), oldest first.
pub async fn department_tasks<C: ConnectionTrait>(
    db: &C,
    department_id: &str,
    case_ids: &[String],
) -> StoreResult<Vec<case_task::Model>> {
    if case_ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(case_task::Entity::find()
        .filter(case_task::Column::DepartmentId.eq(department_id))
        .filter(case_task::Column::CaseId.is_in(case_ids.to_vec()))
        .order_by_asc(case_task::Column::CreatedAt)
        .all(db)
        .await?)
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

/// The ids of the cases `scope` may see, as a subquery (for lists of other
/// records that hang off cases, such as talent requests).
pub fn visible_ids(scope: &Scope) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::QueryTrait;
    scoped(
        case::Entity::find().select_only().column(case::Column::Id),
        scope,
    )
    .into_query()
}

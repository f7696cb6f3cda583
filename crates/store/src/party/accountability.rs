//! Supervision orders (督办) and accountability interviews (约谈) that name a
//! person: a chief service officer, a party-building assistant or an
//! instructor (Zhaoqing's pairing of officers and assistants). Each has a
//! reason, an outcome, a follow-up and the day the follow-up was closed;
//! one may refer to a case, whose timeline then shows it.
//!
//! [`lateness`] counts, per person, the cases of the enterprises assigned to
//! them that run late in a period, and suggests an interview past the
//! committee's threshold, the one the supervision board uses for departments.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use kechuang_domain::cases::CaseStatus;
use kechuang_domain::ErrorCode;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};

use super::staff::{self, StaffRole};
use crate::clock::today;
use crate::entities::{accountability, case, service_staff};
use crate::like::contains;
use crate::{page, record, Db, Page, PageReq, StoreError, StoreResult};

/// What the record is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccountKind {
    /// 督办: an order to put something right by a date.
    Supervision,
    /// 约谈: an accountability interview.
    Interview,
}

impl AccountKind {
    pub const ALL: [AccountKind; 2] = [AccountKind::Supervision, AccountKind::Interview];
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Supervision => "supervision",
            AccountKind::Interview => "interview",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            AccountKind::Supervision => "督办",
            AccountKind::Interview => "约谈",
        }
    }
    /// The code or the Chinese label.
    pub fn parse(s: &str) -> Option<AccountKind> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.label_zh() == s)
    }
}

/// The roles a supervision order or an interview may name.
pub const ACCOUNTABLE: [StaffRole; 3] = [
    StaffRole::ServiceOfficer,
    StaffRole::Assistant,
    StaffRole::Instructor,
];

fn accountable(role: &str) -> bool {
    ACCOUNTABLE.iter().any(|r| r.as_str() == role)
}

#[derive(Clone, Debug, PartialEq)]
pub struct AccountabilityInput {
    pub staff_id: String,
    pub kind: AccountKind,
    /// 诉求编号 the record refers to, if any.
    pub case_number: Option<String>,
    pub held_on: NaiveDate,
    pub reason: String,
    pub outcome: String,
    pub follow_up: String,
    pub closed_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, Default)]
pub struct AccountabilityFilter {
    pub q: Option<String>,
    pub staff_ids: Option<Vec<String>>,
    pub kind: Option<AccountKind>,
    /// Some(true): follow-up still open; Some(false): closed.
    pub open: Option<bool>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

fn filtered(f: &AccountabilityFilter) -> Select<accountability::Entity> {
    use accountability::Column as C;
    let mut q = accountability::Entity::find();
    if let Some(w) = &f.q {
        q = q.filter(
            Condition::any()
                .add(contains(C::Reason, w))
                .add(contains(C::Outcome, w))
                .add(contains(C::FollowUp, w)),
        );
    }
    if let Some(ids) = &f.staff_ids {
        q = q.filter(C::StaffId.is_in(ids.clone()));
    }
    if let Some(k) = f.kind {
        q = q.filter(C::Kind.eq(k.as_str()));
    }
    match f.open {
        Some(true) => q = q.filter(C::ClosedOn.is_null()),
        Some(false) => q = q.filter(C::ClosedOn.is_not_null()),
        None => {}
    }
    if let Some(d) = f.from {
        q = q.filter(C::HeldOn.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(C::HeldOn.lte(d));
    }
    q.order_by_desc(C::HeldOn).order_by_desc(C::Id)
}

pub async fn list(
    db: &Db,
    f: &AccountabilityFilter,
    p: PageReq,
) -> StoreResult<Page<accountability::Model>> {
    page::fetch(db, filtered(f), p).await
}

pub async fn list_all<C: ConnectionTrait>(
    db: &C,
    f: &AccountabilityFilter,
    limit: u64,
) -> StoreResult<Vec<accountability::Model>> {
    Ok(filtered(f).limit(limit).all(db).await?)
}

pub async fn get<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<accountability::Model> {
    accountability::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The person named, checked: an officer, an assistant or an instructor.
async fn person<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<service_staff::Model> {
    let s = staff::get(db, id)
        .await
        .map_err(|_| StoreError::field(ErrorCode::UnknownStaff, "staff_id", "服务人员不存在"))?;
    if !accountable(&s.staff_role) {
        return Err(StoreError::field(
            ErrorCode::NotAccountable,
            "staff_id",
            format!(
                "“{}”是{}，督办约谈只针对首席服务官、党建助手和党建指导员",
                s.name,
                staff::role_label(&s.staff_role)
            ),
        ));
    }
    Ok(s)
}

/// The checks every write makes; the case the number names, if any.
async fn check<C: ConnectionTrait>(
    db: &C,
    i: &AccountabilityInput,
) -> StoreResult<(service_staff::Model, Option<case::Model>)> {
    let s = person(db, &i.staff_id).await?;
    if i.held_on > today() {
        return Err(StoreError::field(
            ErrorCode::FutureDate,
            "held_on",
            "督办或约谈日期不能晚于今天",
        ));
    }
    if let Some(c) = i.closed_on {
        if c < i.held_on {
            return Err(StoreError::field(
                ErrorCode::InvalidPeriod,
                "closed_on",
                "整改完成日期不能早于督办或约谈日期",
            ));
        }
        if c > today() {
            return Err(StoreError::field(
                ErrorCode::FutureDate,
                "closed_on",
                "整改完成日期不能晚于今天",
            ));
        }
    }
    let c = match &i.case_number {
        None => None,
        Some(n) => Some(
            case::Entity::find()
                .filter(case::Column::Number.eq(n.trim().to_uppercase()))
                .one(db)
                .await?
                .ok_or_else(|| {
                    StoreError::field(
                        ErrorCode::UnknownCase,
                        "case_number",
                        format!("诉求编号“{n}”不存在，请核对"),
                    )
                })?,
        ),
    };
    Ok((s, c))
}

fn apply(am: &mut accountability::ActiveModel, i: AccountabilityInput, case_id: Option<String>) {
    am.staff_id = Set(i.staff_id);
    am.kind = Set(i.kind.as_str().into());
    am.case_id = Set(case_id);
    am.held_on = Set(i.held_on);
    am.reason = Set(i.reason);
    am.outcome = Set(i.outcome);
    am.follow_up = Set(i.follow_up);
    am.closed_on = Set(i.closed_on);
}

/// Record a supervision order or an interview; one that refers to a case
/// shows on the case's timeline.
pub async fn create(
    db: &Db,
    actor: &str,
    actor_name: &str,
    i: AccountabilityInput,
) -> StoreResult<accountability::Model> {
    let tx = crate::db::begin_write(db).await?;
    let (s, c) = check(&tx, &i).await?;
    let (kind, reason) = (i.kind, i.reason.clone());
    let mut am = accountability::ActiveModel {
        recorded_by: Set(actor.into()),
        ..Default::default()
    };
    apply(&mut am, i, c.as_ref().map(|c| c.id.clone()));
    let m = record::insert(&tx, actor, am).await?;
    if let Some(c) = c {
        crate::cases::event(
            &tx,
            &c.id,
            actor_name,
            match kind {
                AccountKind::Supervision => "supervise",
                AccountKind::Interview => "interview",
            },
            None,
            format!(
                "{}{} {}：{reason}",
                kind.label_zh(),
                staff::role_label(&s.staff_role),
                s.name
            ),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(m)
}

/// Record the outcome and the follow-up (and correct the rest).
pub async fn update(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: AccountabilityInput,
) -> StoreResult<accountability::Model> {
    let tx = crate::db::begin_write(db).await?;
    let before = get(&tx, id).await?;
    let (_, c) = check(&tx, &i).await?;
    let case_id = c.map(|c| c.id);
    let m = record::update(&tx, actor, "update", before, version, |am| {
        apply(am, i, case_id)
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// How late one person's enterprises' cases run in a period.
#[derive(Clone, Debug)]
pub struct Lateness {
    pub staff: service_staff::Model,
    /// Enterprises assigned to the person (an assistant: or to its officer)
    /// at any time in the period.
    pub enterprises: u64,
    /// Cases of those enterprises received in the period.
    pub cases: u64,
    /// Still open and past their due date.
    pub overdue_open: u64,
    /// Closed after their due date.
    pub late: u64,
    /// overdue_open + late reach the committee's threshold
    /// ([`crate::settings::interview_threshold`]).
    pub suggest_interview: bool,
}

/// Every officer, assistant and instructor with enterprises in the period
/// (an assistant's are its own and its officer's), the latest first (most
/// overdue, then most late, then by name).
pub async fn lateness(db: &Db, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<Lateness>> {
    let people: Vec<service_staff::Model> = service_staff::Entity::find()
        .filter(
            service_staff::Column::StaffRole
                .is_in(ACCOUNTABLE.iter().map(|r| r.as_str()).collect::<Vec<_>>()),
        )
        .all(db)
        .await?;
    if people.is_empty() {
        return Ok(vec![]);
    }
    let threshold = crate::settings::interview_threshold(db).await?.value;
    let ids: Vec<String> = people.iter().map(|p| p.id.clone()).collect();
    // person → enterprises assigned in the period
    let mut orgs_of: HashMap<String, HashSet<String>> = HashMap::new();
    for chunk in ids.chunks(500) {
        for a in staff::assignments_in(db, chunk, from, to).await? {
            orgs_of.entry(a.staff_id).or_default().insert(a.org_id);
        }
    }
    // An assistant works the firms of the officer it assists as well as its own.
    for p in &people {
        if let Some(officer) = p
            .assistant_of
            .as_ref()
            .and_then(|o| orgs_of.get(o))
            .cloned()
        {
            orgs_of.entry(p.id.clone()).or_default().extend(officer);
        }
    }
    let all_orgs: Vec<String> = orgs_of
        .values()
        .flatten()
        .cloned()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    // enterprise → (cases, overdue open, late)
    let mut per_org: HashMap<String, (u64, u64, u64)> = HashMap::new();
    let on = today();
    let open = [
        CaseStatus::Submitted.as_str(),
        CaseStatus::Dispatched.as_str(),
    ];
    for chunk in all_orgs.chunks(500) {
        use case::Column as C;
        let rows: Vec<(String, String, NaiveDate, Option<NaiveDate>)> = case::Entity::find()
            .select_only()
            .column(C::OrgId)
            .column(C::Status)
            .column(C::DueOn)
            .column(C::ClosedOn)
            .filter(C::OrgId.is_in(chunk.to_vec()))
            .filter(C::ReceivedOn.between(from, to))
            .into_tuple()
            .all(db)
            .await?;
        for (org, status, due, closed) in rows {
            let e = per_org.entry(org).or_default();
            e.0 += 1;
            if open.contains(&status.as_str()) && due < on {
                e.1 += 1;
            }
            if status == CaseStatus::Closed.as_str() && closed.is_some_and(|c| c > due) {
                e.2 += 1;
            }
        }
    }
    let mut out: Vec<Lateness> = people
        .into_iter()
        .filter_map(|s| {
            let orgs = orgs_of.get(&s.id)?;
            let (mut cases, mut overdue_open, mut late) = (0, 0, 0);
            for o in orgs {
                if let Some((c, od, l)) = per_org.get(o) {
                    cases += c;
                    overdue_open += od;
                    late += l;
                }
            }
            Some(Lateness {
                enterprises: orgs.len() as u64,
                cases,
                overdue_open,
                late,
                suggest_interview: (overdue_open + late) as i64 >= threshold,
                staff: s,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (b.overdue_open, b.late)
            .cmp(&(a.overdue_open, a.late))
            .then_with(|| a.staff.name.cmp(&b.staff.name))
    });
    Ok(out)
}

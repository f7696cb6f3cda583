//! Events (赛会展演), PRODUCT.md A5: series (brands such as 两城汇), events
//! with their organisers and outcomes, registrations on behalf of
//! institutions (capacity, approval, waitlist, ticket codes), check-in at
//! the door, and reach (events held, institutions, attendances) computed
//! from the check-ins. The rules are in `kechuang_domain::events`.
//!
//! Visibility: a published or cancelled event is seen by everyone; a draft
//! only by the scope `All` and by its organisers (a department in a
//! `Departments` scope, the organisation of an `Org` scope). Managing an
//! event (changing it, deciding and checking in registrations, outcomes)
//! takes the scope `All` or being one of its organisers; that is checked
//! on the event row read (and locked) inside the write transaction.
//! Registrations are seen by the event's managers, by the account that
//! made them, and by the organisation they were made for.

use kechuang_domain::ErrorCode;
pub mod calendar;
pub mod checkin;
pub mod outcomes;
pub mod reach;
pub mod registrations;
pub mod series;

#[cfg(test)]
mod tests;

use chrono::NaiveDateTime;
use kechuang_domain::events::{EventStatus, Schedule, Window};
use sea_orm::sea_query::{Expr, Query, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::entities::{event, event_organiser};
use crate::{Principal, Scope, StoreError, StoreResult};

/// Who reads or writes events: the name written to the audit log, the
/// account id (`registered_by`, `checked_in_by`) and the data scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub username: String,
    pub user_id: String,
    pub scope: Scope,
}

impl Actor {
    /// The signed-in caller as an actor.
    pub fn of(p: &Principal) -> Actor {
        Actor {
            username: p.username.clone(),
            user_id: p.user_id.clone(),
            scope: p.scope.clone(),
        }
    }
}

/// Local time in Beijing now (honours `clock::at_time`): events are planned in it.
pub fn local_now() -> NaiveDateTime {
    (crate::now() + chrono::Duration::hours(8)).naive_utc()
}

/// The event's status (a stored code the domain does not know reads as a draft).
pub fn status_of(e: &event::Model) -> EventStatus {
    EventStatus::parse(&e.status).unwrap_or(EventStatus::Draft)
}

/// The event's dates and times.
pub fn schedule_of(e: &event::Model) -> Schedule {
    Schedule {
        starts_on: e.starts_on,
        ends_on: e.ends_on,
        start_time: e.start_time,
        end_time: e.end_time,
    }
}

/// The event's registration window.
pub fn window_of(e: &event::Model) -> Window {
    Window {
        opens_on: e.opens_on,
        closes_on: e.closes_on,
    }
}

/// The event's capacity (None: no limit).
pub fn capacity_of(e: &event::Model) -> Option<u32> {
    e.capacity.and_then(|c| u32::try_from(c).ok())
}

/// The events a scope sees: every event for `All`; otherwise the published
/// and cancelled ones and the drafts it organises.
pub(crate) fn visible(scope: &Scope) -> Condition {
    match managed_event_ids(scope, event::Column::Id) {
        None => Condition::all(),
        Some(mine) => Condition::any()
            .add(event::Column::Status.ne(EventStatus::Draft.as_str()))
            .add(mine),
    }
}

/// The condition "event_id is one the scope manages" on another table's
/// event id column (None for `All`).
pub(crate) fn managed_event_ids<C: ColumnTrait>(scope: &Scope, col: C) -> Option<SimpleExpr> {
    use event_organiser::Column as O;
    let cond = match scope {
        Scope::All | Scope::Served(_) => return None,
        Scope::Departments(ids) => O::DepartmentId.is_in(ids.clone()),
        Scope::Org(Some(o)) => O::OrgId.eq(o.clone()),
        Scope::Org(None) | Scope::User(_) => Expr::val(1).eq(0),
    };
    Some(
        col.in_subquery(
            Query::select()
                .column(O::EventId)
                .from(event_organiser::Entity)
                .and_where(cond)
                .to_owned(),
        ),
    )
}

/// Whether a scope manages an event with these organisers.
pub fn manages(scope: &Scope, organisers: &[event_organiser::Model]) -> bool {
    manages_parties(
        scope,
        organisers
            .iter()
            .map(|o| (o.department_id.as_deref(), o.org_id.as_deref())),
    )
}

/// Whether a scope manages an event organised by these (department, organisation) pairs.
pub(crate) fn manages_parties<'a>(
    scope: &Scope,
    mut parties: impl Iterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> bool {
    match scope {
        Scope::All | Scope::Served(_) => true,
        Scope::Departments(ids) => {
            parties.any(|(d, _)| d.is_some_and(|d| ids.iter().any(|i| i == d)))
        }
        Scope::Org(Some(org)) => parties.any(|(_, o)| o == Some(org.as_str())),
        Scope::Org(None) | Scope::User(_) => false,
    }
}

/// The organisers of an event, leads first.
pub(crate) async fn organisers_of<C: ConnectionTrait>(
    db: &C,
    event_id: &str,
) -> StoreResult<Vec<event_organiser::Model>> {
    use sea_orm::QueryOrder;
    let mut v = event_organiser::Entity::find()
        .filter(event_organiser::Column::EventId.eq(event_id))
        .order_by_asc(event_organiser::Column::CreatedAt)
        .order_by_asc(event_organiser::Column::Id)
        .all(db)
        .await?;
    v.sort_by_key(|o| o.role != kechuang_domain::events::OrganiserRole::Lead.as_str());
    Ok(v)
}

/// Read an event for a write and lock its row until the transaction ends
/// (PostgreSQL and MySQL; SQLite writers are queued anyway), so places are
/// counted and given by one writer at a time. Take it as the transaction's
/// first read: on MySQL, under REPEATABLE READ, the reads after it then see
/// what the previous writer committed. 404 when missing or not visible to
/// the scope.
pub(crate) async fn lock_event<C: ConnectionTrait>(
    tx: &C,
    scope: &Scope,
    id: &str,
) -> StoreResult<event::Model> {
    event::Entity::find_by_id(id.to_string())
        .filter(visible(scope))
        .lock_exclusive()
        .one(tx)
        .await?
        .ok_or(StoreError::NotFound)
}

/// 403 unless the actor manages the event (read in the caller's transaction).
pub(crate) async fn require_manager<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    e: &event::Model,
) -> StoreResult<()> {
    if actor.scope.sees_all() || manages(&actor.scope, &organisers_of(tx, &e.id).await?) {
        return Ok(());
    }
    Err(StoreError::Forbidden {
        code: ErrorCode::NotOrganiser,
        message: format!(
            "只有“{}”的主办或协办单位可以进行此操作，请联系主办单位",
            e.title
        ),
    })
}

/// 422 unless the event is published (a draft is not open yet, a cancelled
/// event is closed).
pub(crate) fn require_published(e: &event::Model) -> StoreResult<()> {
    match status_of(e) {
        EventStatus::Published => Ok(()),
        EventStatus::Draft => Err(StoreError::rule(
            ErrorCode::EventNotPublished,
            format!("“{}”尚未发布，请先发布活动", e.title),
        )),
        EventStatus::Cancelled => Err(StoreError::rule(
            ErrorCode::EventCancelled,
            format!("“{}”已取消，不能再进行此操作", e.title),
        )),
    }
}

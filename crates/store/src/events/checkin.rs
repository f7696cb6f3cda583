//! Check-in at the door (签到): by ticket code, and walk-ins registered and
//! checked in at once. The first check-in sets `checked_in_at` and
//! `checked_in_by`; another one changes nothing and answers the first
//! time (the page shows "已签到"). Check-in opens on the event's first day;
//! after the event only the organisers' staff may check in (entering a
//! paper sign-in sheet), and every check-in is audited.

use chrono::{DateTime, Utc};
use kechuang_domain::events::{EventStatus, RegistrationStatus};
use kechuang_domain::ErrorCode;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use super::registrations::{self, NewRegistration, RegistrationInput};
use super::{lock_event, require_manager, require_published, schedule_of, status_of, Actor};
use crate::entities::{event, event_registration};
use crate::{record, Db, StoreError, StoreResult};

/// The answer to a check-in.
#[derive(Clone, Debug)]
pub struct CheckIn {
    pub registration: event_registration::Model,
    /// This call checked the person in; false: they already were, at
    /// `registration.checked_in_at`, and nothing changed.
    pub first: bool,
}

impl CheckIn {
    /// When the person was checked in (the first time).
    pub fn at(&self) -> Option<DateTime<Utc>> {
        self.registration.checked_in_at
    }
}

/// Check-in is open: the event is published and has begun; after it is
/// over only for staff.
fn require_open(ev: &event::Model, staff: bool) -> StoreResult<()> {
    require_published(ev)?;
    let schedule = schedule_of(ev);
    if !schedule.started_by(crate::clock::today()) {
        return Err(StoreError::rule(
            ErrorCode::CheckinNotStarted,
            format!(
                "“{}”尚未开始，{}起方可签到",
                ev.title,
                kechuang_domain::events::date_zh(ev.starts_on)
            ),
        ));
    }
    if !staff && schedule.ended_by(super::local_now()) {
        return Err(StoreError::rule(
            ErrorCode::CheckinClosed,
            "活动已结束，签到已关闭；如需补签请联系主办方工作人员",
        ));
    }
    Ok(())
}

/// Check in the registration with ticket `code` (as
/// `domain::events::parse_ticket` returns it) at event `event_id`. `staff`:
/// the actor checks people in for the organisers (must manage the event)
/// and may do so after the event; otherwise a self check-in while the
/// event is on. Only a confirmed registration checks in. A second check-in
/// changes nothing and answers the first (`first: false`).
pub async fn check_in(
    db: &Db,
    actor: &Actor,
    event_id: &str,
    code: &str,
    staff: bool,
) -> StoreResult<CheckIn> {
    let tx = crate::db::begin_write(db).await?;
    let ev = lock_event(&tx, &actor.scope, event_id).await?;
    if staff {
        require_manager(&tx, actor, &ev).await?;
    }
    let r = event_registration::Entity::find()
        .filter(event_registration::Column::TicketCode.eq(code))
        .lock_exclusive()
        .one(&tx)
        .await?
        .ok_or_else(|| {
            StoreError::rule(
                ErrorCode::UnknownTicket,
                "没有这个票码的报名，请核对票码或现场登记",
            )
        })?;
    if r.event_id != ev.id {
        return Err(StoreError::rule(
            ErrorCode::TicketOfOtherEvent,
            "该票码不是本活动的报名，请核对活动",
        ));
    }
    if r.checked_in_at.is_some() {
        tx.commit().await?;
        return Ok(CheckIn {
            registration: r,
            first: false,
        });
    }
    require_open(&ev, staff)?;
    match RegistrationStatus::parse(&r.status) {
        Some(RegistrationStatus::Confirmed) => {}
        Some(RegistrationStatus::Pending) => {
            return Err(StoreError::rule(
                ErrorCode::RegistrationPending,
                "该报名尚待主办方审核，审核通过后方可签到",
            ))
        }
        Some(RegistrationStatus::Waitlisted) => {
            return Err(StoreError::rule(
                ErrorCode::RegistrationWaitlisted,
                "该报名仍在候补，名额空出并确认后方可签到",
            ))
        }
        _ => {
            return Err(StoreError::rule(
                ErrorCode::RegistrationInactive,
                "该报名已取消或未通过审核，不能签到；如需参加请现场登记",
            ))
        }
    }
    let v = r.version;
    let m = record::update(
        &tx,
        &actor.username,
        "check_in",
        r,
        v,
        |am: &mut event_registration::ActiveModel| {
            am.checked_in_at = Set(Some(crate::now()));
            am.checked_in_by = Set(Some(actor.user_id.clone()));
        },
    )
    .await?;
    tx.commit().await?;
    Ok(CheckIn {
        registration: m,
        first: true,
    })
}

/// Register a person at the door and check them in at once (confirmed,
/// flagged `walk_in`; the organisers' staff only, from the event's first
/// day, also after it). A walk-in takes a place even when the event is
/// full, and ignores the registration window. 409 `already_registered`
/// when the phone has an active registration: check that one in instead.
pub async fn walk_in(
    db: &Db,
    actor: &Actor,
    event_id: &str,
    i: RegistrationInput,
) -> StoreResult<event_registration::Model> {
    let tx = crate::db::begin_write(db).await?;
    let ev = lock_event(&tx, &actor.scope, event_id).await?;
    require_manager(&tx, actor, &ev).await?;
    require_open(&ev, true)?;
    let r = registrations::resolve(&tx, i).await?;
    registrations::require_phone_free(&tx, event_id, &r.phone).await?;
    let m = registrations::insert(
        &tx,
        actor,
        event_id,
        r,
        NewRegistration {
            status: RegistrationStatus::Confirmed,
            walk_in: true,
            checked_in_by: Some(actor.user_id.clone()),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Whether check-in is open at the event for the actor (for the check-in page).
pub async fn is_open(db: &Db, actor: &Actor, event_id: &str, staff: bool) -> StoreResult<bool> {
    let ev = super::calendar::get(db, actor, event_id).await?;
    Ok(status_of(&ev) == EventStatus::Published && require_open(&ev, staff).is_ok())
}

//! Registrations (报名): a person registers on behalf of an institution (a
//! registered organisation, or one not yet registered with its name and
//! credit code) and gets a ticket code. The status follows
//! `kechuang_domain::events`: pending when the organiser approves
//! registrations, else confirmed while there are places, else waitlisted;
//! cancelling a confirmed registration confirms the earliest waitlisted
//! ones. One active registration per phone per event. Places are counted
//! and given with the event row locked, in the same transaction.

use kechuang_domain::ErrorCode;
use std::collections::HashMap;

use kechuang_domain::events::{
    on_approve, on_cancel, on_register, on_reject, phone_key, promotions, ticket_code, EventStatus,
    RegistrationStatus, Sector, TICKET_RANDOM,
};
use kechuang_domain::org::OrgKind;
use kechuang_domain::uscc::Uscc;
use rand::Rng;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};

use super::{
    capacity_of, lock_event, managed_event_ids, require_manager, require_published, schedule_of,
    window_of, Actor,
};
use crate::entities::{event, event_registration};
use crate::{record, Db, Page, PageReq, Scope, StoreError, StoreResult};

/// The institution a person registers for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Institution {
    /// An organisation of the register.
    Registered { org_id: String },
    /// One not (yet) in the register: its name and validated credit code.
    /// When the code is in the register after all, the registration is
    /// linked to that organisation.
    Unregistered { name: String, uscc: Uscc },
}

/// A registration as written by forms and the API (validated drafts:
/// person name up to 50 characters, institution name up to 200).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistrationInput {
    pub institution: Institution,
    /// The institution's sector; for a registered organisation it may be
    /// left out when its kind says it (企业 → 产, 高校 → 学 …).
    pub sector: Option<Sector>,
    pub person_name: String,
    pub phone: String,
}

/// How many registrations of an event are in each state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RegistrationCounts {
    pub pending: u64,
    pub confirmed: u64,
    pub waitlisted: u64,
    pub rejected: u64,
    pub cancelled: u64,
    /// Confirmed and checked in (walk-ins included).
    pub checked_in: u64,
    pub walk_ins: u64,
}

impl RegistrationCounts {
    /// Pending, confirmed and waitlisted together.
    pub fn active(&self) -> u64 {
        self.pending + self.confirmed + self.waitlisted
    }
}

/// List filters; every field narrows the list.
#[derive(Clone, Debug, Default)]
pub struct RegistrationFilter {
    pub event_id: Option<String>,
    pub status: Option<RegistrationStatus>,
    pub sector: Option<Sector>,
    /// Registered for this organisation.
    pub org_id: Option<String>,
    /// Made by this account ("my registrations").
    pub registered_by: Option<String>,
    /// Substring of person name, phone, institution name or ticket code.
    pub q: Option<String>,
    pub checked_in: Option<bool>,
    pub walk_in: Option<bool>,
}

/// A cancelled registration and the waitlisted ones it made room for.
#[derive(Clone, Debug)]
pub struct Cancelled {
    pub registration: event_registration::Model,
    pub promoted: Vec<event_registration::Model>,
}

/// The registrations an actor sees: all for the scope `All`; otherwise
/// those of events it manages, those it made, and those for its organisation.
fn seen_by(actor: &Actor) -> Condition {
    use event_registration::Column as C;
    match &actor.scope {
        Scope::All | Scope::Served(_) => Condition::all(),
        scope => {
            let mut c = Condition::any().add(C::RegisteredBy.eq(actor.user_id.clone()));
            if let Some(managed) = managed_event_ids(scope, C::EventId) {
                c = c.add(managed);
            }
            if let Scope::Org(Some(o)) = scope {
                c = c.add(C::OrgId.eq(o.clone()));
            }
            c
        }
    }
}

fn filtered(actor: &Actor, f: &RegistrationFilter) -> Select<event_registration::Entity> {
    use event_registration::Column as C;
    let mut q = event_registration::Entity::find().filter(seen_by(actor));
    if let Some(e) = &f.event_id {
        q = q.filter(C::EventId.eq(e.clone()));
    }
    if let Some(s) = f.status {
        q = q.filter(C::Status.eq(s.as_str()));
    }
    if let Some(s) = f.sector {
        q = q.filter(C::Sector.eq(s.as_str()));
    }
    if let Some(o) = &f.org_id {
        q = q.filter(C::OrgId.eq(o.clone()));
    }
    if let Some(u) = &f.registered_by {
        q = q.filter(C::RegisteredBy.eq(u.clone()));
    }
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(C::PersonName, t))
                .add(crate::like::contains(C::Phone, t))
                .add(crate::like::contains(C::InstitutionName, t))
                .add(crate::like::contains(
                    C::TicketCode,
                    &t.to_ascii_uppercase(),
                )),
        );
    }
    match f.checked_in {
        Some(true) => q = q.filter(C::CheckedInAt.is_not_null()),
        Some(false) => q = q.filter(C::CheckedInAt.is_null()),
        None => {}
    }
    if let Some(w) = f.walk_in {
        q = q.filter(C::WalkIn.eq(w));
    }
    q.order_by_asc(C::CreatedAt).order_by_asc(C::Id)
}

/// One page of the registrations the actor sees, in registration order.
pub async fn list(
    db: &Db,
    actor: &Actor,
    f: &RegistrationFilter,
    p: PageReq,
) -> StoreResult<Page<event_registration::Model>> {
    crate::page::fetch(db, filtered(actor, f), p).await
}

/// Every registration of the filtered list (export, sign-in sheet), at most `cap`.
pub async fn list_all(
    db: &Db,
    actor: &Actor,
    f: &RegistrationFilter,
    cap: u64,
) -> StoreResult<Vec<event_registration::Model>> {
    Ok(filtered(actor, f).limit(cap).all(db).await?)
}

/// One registration the actor sees (404 otherwise).
pub async fn get<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: &str,
) -> StoreResult<event_registration::Model> {
    event_registration::Entity::find_by_id(id.to_string())
        .filter(seen_by(actor))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The registration with a ticket code, if the actor sees it (the code as
/// `domain::events::parse_ticket` returns it).
pub async fn by_ticket(
    db: &Db,
    actor: &Actor,
    code: &str,
) -> StoreResult<event_registration::Model> {
    event_registration::Entity::find()
        .filter(event_registration::Column::TicketCode.eq(code))
        .filter(seen_by(actor))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Counts by state of each of the given events.
pub async fn counts_of<C: ConnectionTrait>(
    db: &C,
    event_ids: &[String],
) -> StoreResult<HashMap<String, RegistrationCounts>> {
    use event_registration::Column as C;
    let mut out: HashMap<String, RegistrationCounts> = HashMap::new();
    for chunk in event_ids.chunks(500) {
        let by_status: Vec<(String, String, i64)> = event_registration::Entity::find()
            .select_only()
            .column(C::EventId)
            .column(C::Status)
            .column_as(C::Id.count(), "n")
            .filter(C::EventId.is_in(chunk.to_vec()))
            .group_by(C::EventId)
            .group_by(C::Status)
            .into_tuple()
            .all(db)
            .await?;
        for (event_id, status, n) in by_status {
            let c = out.entry(event_id).or_default();
            let n = n as u64;
            match RegistrationStatus::parse(&status) {
                Some(RegistrationStatus::Pending) => c.pending += n,
                Some(RegistrationStatus::Confirmed) => c.confirmed += n,
                Some(RegistrationStatus::Waitlisted) => c.waitlisted += n,
                Some(RegistrationStatus::Rejected) => c.rejected += n,
                Some(RegistrationStatus::Cancelled) | None => c.cancelled += n,
            }
        }
        let per_event = |extra: Condition| {
            event_registration::Entity::find()
                .select_only()
                .column(C::EventId)
                .column_as(C::Id.count(), "n")
                .filter(C::EventId.is_in(chunk.to_vec()))
                .filter(extra)
                .group_by(C::EventId)
                .into_tuple::<(String, i64)>()
        };
        for (event_id, n) in per_event(Condition::all().add(C::CheckedInAt.is_not_null()))
            .all(db)
            .await?
        {
            out.entry(event_id).or_default().checked_in = n as u64;
        }
        for (event_id, n) in per_event(Condition::all().add(C::WalkIn.eq(true)))
            .all(db)
            .await?
        {
            out.entry(event_id).or_default().walk_ins = n as u64;
        }
    }
    Ok(out)
}

/// Counts by state of one event's registrations.
pub async fn counts<C: ConnectionTrait>(db: &C, event_id: &str) -> StoreResult<RegistrationCounts> {
    Ok(counts_of(db, &[event_id.to_string()])
        .await?
        .remove(event_id)
        .unwrap_or_default())
}

/// Confirmed registrations of an event (the places taken).
pub(crate) async fn confirmed_count<C: ConnectionTrait>(
    tx: &C,
    event_id: &str,
) -> StoreResult<u64> {
    Ok(event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(event_id))
        .filter(event_registration::Column::Status.eq(RegistrationStatus::Confirmed.as_str()))
        .count(tx)
        .await?)
}

/// Confirm the earliest waitlisted registrations while the event has
/// room (the event row is locked by the caller); each is audited as `promote`.
pub(crate) async fn promote<C: ConnectionTrait>(
    tx: &C,
    actor: &str,
    ev: &event::Model,
) -> StoreResult<Vec<event_registration::Model>> {
    use event_registration::Column as C;
    let confirmed = confirmed_count(tx, &ev.id).await?;
    let room = promotions(capacity_of(ev), confirmed, usize::MAX);
    if room == 0 {
        return Ok(vec![]);
    }
    let mut q = event_registration::Entity::find()
        .filter(C::EventId.eq(ev.id.clone()))
        .filter(C::Status.eq(RegistrationStatus::Waitlisted.as_str()))
        .order_by_asc(C::CreatedAt)
        .order_by_asc(C::Id);
    if room < usize::MAX {
        q = q.limit(room as u64);
    }
    let mut out = vec![];
    for r in q.all(tx).await? {
        let v = r.version;
        out.push(
            record::update(
                tx,
                actor,
                "promote",
                r,
                v,
                |am: &mut event_registration::ActiveModel| {
                    am.status = Set(RegistrationStatus::Confirmed.as_str().into())
                },
            )
            .await?,
        );
    }
    Ok(out)
}

/// A fresh ticket code not yet used (7 random characters and a check character).
pub(crate) async fn new_ticket<C: ConnectionTrait>(tx: &C) -> StoreResult<String> {
    for _ in 0..8 {
        let code = {
            let mut rng = rand::thread_rng();
            let mut r = [0u32; TICKET_RANDOM];
            for x in &mut r {
                *x = rng.gen_range(0..31);
            }
            ticket_code(r)
        };
        let taken = event_registration::Entity::find()
            .filter(event_registration::Column::TicketCode.eq(code.clone()))
            .count(tx)
            .await?;
        if taken == 0 {
            return Ok(code);
        }
    }
    Err(StoreError::Conflict {
        code: ErrorCode::TicketExhausted,
        message: "生成票码失败，请重试".into(),
    })
}

/// The institution and person of a registration, checked and resolved.
pub(crate) struct Resolved {
    org_id: Option<String>,
    name: String,
    uscc: Option<String>,
    sector: Sector,
    person_name: String,
    pub(crate) phone: String,
}

/// Check the person and resolve the institution (an unregistered credit
/// code found in the register links the organisation).
pub(crate) async fn resolve<C: ConnectionTrait>(
    tx: &C,
    i: RegistrationInput,
) -> StoreResult<Resolved> {
    let person_name = i.person_name.trim().to_string();
    if person_name.is_empty() {
        return Err(StoreError::field(
            ErrorCode::PersonNameRequired,
            "person_name",
            "请填写参会人姓名",
        ));
    }
    let phone = phone_key(&i.phone);
    let digits = phone.trim_start_matches('+').len();
    if !(5..=20).contains(&digits) {
        return Err(StoreError::field(
            ErrorCode::InvalidPhone,
            "phone",
            "请填写正确的手机号或电话号码（5—20位数字）",
        ));
    }
    let o = match i.institution {
        Institution::Registered { org_id } => {
            crate::orgs::require_org(tx, &org_id, "报名单位").await?
        }
        Institution::Unregistered { name, uscc } => {
            match crate::orgs::by_uscc(tx, uscc.as_str()).await? {
                Some(o) => o,
                None => {
                    let name = name.trim().to_string();
                    if name.is_empty() {
                        return Err(StoreError::field(
                            ErrorCode::InstitutionNameRequired,
                            "institution_name",
                            "请填写报名单位名称",
                        ));
                    }
                    return Ok(Resolved {
                        org_id: None,
                        name,
                        uscc: Some(uscc.as_str().to_string()),
                        sector: i.sector.ok_or_else(sector_required)?,
                        person_name,
                        phone,
                    });
                }
            }
        }
    };
    let sector = i
        .sector
        .or_else(|| OrgKind::parse(&o.kind).and_then(Sector::of_org_kind))
        .ok_or_else(sector_required)?;
    Ok(Resolved {
        org_id: Some(o.id),
        name: o.name,
        uscc: None,
        sector,
        person_name,
        phone,
    })
}

fn sector_required() -> StoreError {
    StoreError::field(
        ErrorCode::SectorRequired,
        "sector",
        "请选择报名单位的类别（政、产、学、研、金、介）",
    )
}

/// 409 when the phone already has an active registration for the event.
pub(crate) async fn require_phone_free<C: ConnectionTrait>(
    tx: &C,
    event_id: &str,
    phone: &str,
) -> StoreResult<()> {
    use event_registration::Column as C;
    let active: Vec<&str> = RegistrationStatus::ALL
        .iter()
        .filter(|s| s.is_active())
        .map(|s| s.as_str())
        .collect();
    let taken = event_registration::Entity::find()
        .filter(C::EventId.eq(event_id))
        .filter(C::Phone.eq(phone))
        .filter(C::Status.is_in(active))
        .count(tx)
        .await?;
    if taken > 0 {
        return Err(StoreError::Conflict {
            code: ErrorCode::AlreadyRegistered,
            message: "该手机号已报名本活动，请勿重复报名；如需更换单位或参会人，请先取消原报名"
                .into(),
        });
    }
    Ok(())
}

/// How a new registration is written.
pub(crate) struct NewRegistration {
    pub status: RegistrationStatus,
    pub walk_in: bool,
    /// Checked in at once by this account (walk-ins).
    pub checked_in_by: Option<String>,
}

/// Insert a registration with a fresh ticket code (audited as `create`).
pub(crate) async fn insert<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    event_id: &str,
    r: Resolved,
    how: NewRegistration,
) -> StoreResult<event_registration::Model> {
    let ticket = new_ticket(tx).await?;
    // A walk-in signs up and checks in at one moment.
    let at = crate::now();
    let checked_in_at = how.checked_in_by.as_ref().map(|_| at);
    record::insert(
        tx,
        &actor.username,
        event_registration::ActiveModel {
            event_id: Set(event_id.into()),
            org_id: Set(r.org_id),
            institution_name: Set(r.name),
            institution_uscc: Set(r.uscc),
            sector: Set(r.sector.as_str().into()),
            person_name: Set(r.person_name),
            phone: Set(r.phone),
            status: Set(how.status.as_str().into()),
            ticket_code: Set(ticket),
            walk_in: Set(how.walk_in),
            registered_by: Set(actor.user_id.clone()),
            note: Set(String::new()),
            checked_in_at: Set(checked_in_at),
            checked_in_by: Set(how.checked_in_by),
            created_at: Set(at),
            ..Default::default()
        },
    )
    .await
}

/// Register for a published event while its window is open and it is not
/// over: pending, confirmed or waitlisted by the rules; a ticket code is
/// issued. 409 `already_registered` when the phone has an active registration.
pub async fn register(
    db: &Db,
    actor: &Actor,
    event_id: &str,
    i: RegistrationInput,
) -> StoreResult<event_registration::Model> {
    let tx = crate::db::begin_write(db).await?;
    let ev = lock_event(&tx, &actor.scope, event_id).await?;
    require_published(&ev)?;
    if schedule_of(&ev).ended_by(super::local_now()) {
        return Err(StoreError::rule(
            ErrorCode::EventEnded,
            format!("“{}”已结束，不能再报名", ev.title),
        ));
    }
    window_of(&ev)
        .admits(crate::clock::today())
        .map_err(|m| StoreError::rule(ErrorCode::RegistrationClosed, m))?;
    let r = resolve(&tx, i).await?;
    require_phone_free(&tx, event_id, &r.phone).await?;
    let confirmed = confirmed_count(&tx, event_id).await?;
    let status = on_register(ev.needs_approval, capacity_of(&ev), confirmed);
    let m = insert(
        &tx,
        actor,
        event_id,
        r,
        NewRegistration {
            status,
            walk_in: false,
            checked_in_by: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// The registration of an event the caller has locked, read in the same
/// transaction (404 when it is of another event).
async fn read_in<C: ConnectionTrait>(
    tx: &C,
    ev: &event::Model,
    id: &str,
) -> StoreResult<event_registration::Model> {
    event_registration::Entity::find_by_id(id.to_string())
        .filter(event_registration::Column::EventId.eq(ev.id.clone()))
        .one(tx)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The event of a registration the actor sees, locked for the write. The
/// event id (which never changes) is read before the transaction, so that
/// the lock is the transaction's first read: on MySQL, under REPEATABLE
/// READ, the reads after it then see what the previous writer committed.
async fn lock_event_of<C: ConnectionTrait>(
    db: &Db,
    tx: &C,
    actor: &Actor,
    registration_id: &str,
) -> StoreResult<event::Model> {
    let event_id: String = event_registration::Entity::find_by_id(registration_id.to_string())
        .select_only()
        .column(event_registration::Column::EventId)
        .filter(seen_by(actor))
        .into_tuple()
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    lock_event(tx, &Scope::All, &event_id).await
}

fn status_of(r: &event_registration::Model) -> RegistrationStatus {
    RegistrationStatus::parse(&r.status).unwrap_or(RegistrationStatus::Cancelled)
}

/// The organiser approves a pending registration read at `version`:
/// confirmed while there are places, else waitlisted.
pub async fn approve(
    db: &Db,
    actor: &Actor,
    id: &str,
    version: i32,
) -> StoreResult<event_registration::Model> {
    let tx = crate::db::begin_write(db).await?;
    let ev = lock_event_of(db, &tx, actor, id).await?;
    require_manager(&tx, actor, &ev).await?;
    require_published(&ev)?;
    let r = read_in(&tx, &ev, id).await?;
    let confirmed = confirmed_count(&tx, &ev.id).await?;
    let next = on_approve(status_of(&r), capacity_of(&ev), confirmed)
        .map_err(|m| StoreError::rule(ErrorCode::NotPending, m))?;
    let m = record::update(
        &tx,
        &actor.username,
        "approve",
        r,
        version,
        |am: &mut event_registration::ActiveModel| am.status = Set(next.as_str().into()),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// The organiser refuses a pending or waitlisted registration read at
/// `version`, with the reason the person will see.
pub async fn reject(
    db: &Db,
    actor: &Actor,
    id: &str,
    version: i32,
    reason: &str,
) -> StoreResult<event_registration::Model> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(StoreError::field(
            ErrorCode::ReasonRequired,
            "reason",
            "请填写不通过的原因，报名者会看到这一说明",
        ));
    }
    let tx = crate::db::begin_write(db).await?;
    let ev = lock_event_of(db, &tx, actor, id).await?;
    require_manager(&tx, actor, &ev).await?;
    let r = read_in(&tx, &ev, id).await?;
    let next =
        on_reject(status_of(&r)).map_err(|m| StoreError::rule(ErrorCode::NotDecidable, m))?;
    let m = record::update(
        &tx,
        &actor.username,
        "reject",
        r,
        version,
        |am: &mut event_registration::ActiveModel| {
            am.status = Set(next.as_str().into());
            am.note = Set(reason.to_string());
        },
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Cancel an active registration read at `version` (by the account that
/// made it, its organisation, or the event's organisers). A confirmed one
/// frees its place for the earliest waitlisted registrations, confirmed in
/// the same transaction. A checked-in registration cannot be cancelled.
pub async fn cancel(
    db: &Db,
    actor: &Actor,
    id: &str,
    version: i32,
    reason: &str,
) -> StoreResult<Cancelled> {
    let tx = crate::db::begin_write(db).await?;
    let ev = lock_event_of(db, &tx, actor, id).await?;
    let r = read_in(&tx, &ev, id).await?;
    let own = r.registered_by == actor.user_id
        || matches!(&actor.scope, Scope::Org(Some(o)) if r.org_id.as_deref() == Some(o.as_str()));
    if !own {
        require_manager(&tx, actor, &ev).await?;
    }
    if r.checked_in_at.is_some() {
        return Err(StoreError::rule(
            ErrorCode::AlreadyCheckedIn,
            "该报名已签到，不能再取消",
        ));
    }
    let was = status_of(&r);
    let next = on_cancel(was).map_err(|m| StoreError::rule(ErrorCode::NotActive, m))?;
    let registration = record::update(
        &tx,
        &actor.username,
        "cancel",
        r,
        version,
        |am: &mut event_registration::ActiveModel| {
            am.status = Set(next.as_str().into());
            am.note = Set(reason.trim().to_string());
        },
    )
    .await?;
    let promoted = if was == RegistrationStatus::Confirmed
        && super::status_of(&ev) == EventStatus::Published
    {
        promote(&tx, &actor.username, &ev).await?
    } else {
        vec![]
    };
    tx.commit().await?;
    Ok(Cancelled {
        registration,
        promoted,
    })
}

/// A registration as a committee's sign-up ledger records it (报名名单):
/// where it stands, its ticket code and when it was made and checked in.
#[derive(Clone, Debug)]
pub struct RegistrationImport {
    pub event_id: String,
    pub input: RegistrationInput,
    /// None: by the registering rules, in the ledger's order (pending
    /// where the organiser approves, else confirmed while there are places,
    /// else waitlisted), as the form registers.
    pub status: Option<RegistrationStatus>,
    /// A checked code (`domain::events::parse_ticket`); None issues one.
    pub ticket_code: Option<String>,
    pub walk_in: bool,
    /// None: the check-in time if any, else the time of the import.
    pub registered_at: Option<chrono::DateTime<chrono::Utc>>,
    pub checked_in_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Why it was refused or cancelled.
    pub note: String,
}

impl RegistrationImport {
    /// Whether the record could have come about through the pages: Err
    /// names what is wrong ((field, why); fields `note`, `status`,
    /// `walk_in`, `registered_at`, `checked_in_at`).
    pub fn fits(&self, now: chrono::DateTime<chrono::Utc>) -> Result<(), (&'static str, String)> {
        let note = self.note.trim();
        let status = self.status;
        let checked_in = self.checked_in_at.is_some();
        if note.chars().count() > 500 {
            return Err(("note", "备注（原因）不能超过500个字".into()));
        }
        if status == Some(RegistrationStatus::Rejected) && note.is_empty() {
            return Err(("note", "未通过的报名请在备注中写明原因".into()));
        }
        if !note.is_empty() && status.is_none_or(|s| s.is_active()) {
            return Err((
                "note",
                "备注只记未通过或取消的原因：状态为待审核、已确认或候补的报名请留空".into(),
            ));
        }
        if checked_in && status != Some(RegistrationStatus::Confirmed) {
            return Err(("status", "已签到的报名状态应为“已确认”".into()));
        }
        if self.walk_in && !checked_in {
            return Err(("checked_in_at", "现场登记的报名请填写签到时间".into()));
        }
        if self.registered_at.is_some_and(|t| t > now) {
            return Err(("registered_at", "报名时间不能晚于现在".into()));
        }
        match (self.registered_at, self.checked_in_at) {
            (_, Some(c)) if c > now => Err(("checked_in_at", "签到时间不能晚于现在".into())),
            (Some(r), Some(c)) if c < r => {
                Err(("checked_in_at", "签到时间不能早于报名时间".into()))
            }
            _ => Ok(()),
        }
    }
}

/// Register a sign-up ledger's registrations, all or nothing, into events
/// the actor organises (drafts refused: nobody could have registered yet),
/// each checked as `register` checks the person and institution and by
/// [`RegistrationImport::fits`]; one active registration per phone per
/// event, a ticket code used once, and no more confirmed places than the
/// event has. Err carries the index of the registration.
pub async fn import(
    db: &Db,
    actor: &Actor,
    rows: Vec<RegistrationImport>,
) -> Result<usize, (usize, StoreError)> {
    let tx = crate::db::begin_write(db)
        .await
        .map_err(|e| (0, StoreError::from(e)))?;
    let n = rows.len();
    let now = crate::now();
    // Every event locked before anything else is read (so the counts below
    // see what earlier writers committed), in id order (so two imports
    // cannot wait on each other).
    let mut ids: Vec<(&str, usize)> = rows
        .iter()
        .enumerate()
        .map(|(k, r)| (r.event_id.as_str(), k))
        .collect();
    ids.sort();
    ids.dedup_by(|a, b| a.0 == b.0);
    let mut events: HashMap<String, event::Model> = HashMap::new();
    for (id, k) in ids {
        let ev = lock_event(&tx, &actor.scope, id)
            .await
            .map_err(|e| (k, e))?;
        events.insert(ev.id.clone(), ev);
    }
    for ev in events.values() {
        let first = rows.iter().position(|r| r.event_id == ev.id).unwrap_or(0);
        require_manager(&tx, actor, ev)
            .await
            .map_err(|e| (first, e))?;
        if super::status_of(ev) == EventStatus::Draft {
            return Err((
                first,
                StoreError::rule(
                    ErrorCode::EventNotPublished,
                    format!("“{}”还是草稿，发布后才有报名，请先发布活动", ev.title),
                ),
            ));
        }
    }
    // The first waitlisted row of each event, to check once all are in.
    let mut first_waitlisted: HashMap<String, usize> = HashMap::new();
    for (k, r) in rows.into_iter().enumerate() {
        let at = |e: StoreError| (k, e);
        r.fits(now)
            .map_err(|(f, why)| at(StoreError::field(ErrorCode::ImportInvalid, f, why)))?;
        let Some(ev) = events.get(&r.event_id).cloned() else {
            return Err(at(StoreError::NotFound));
        };
        if r.checked_in_at
            .is_some_and(|t| crate::clock::beijing_date(t) < ev.starts_on)
        {
            return Err(at(StoreError::field(
                ErrorCode::ImportInvalid,
                "checked_in_at",
                format!("签到时间早于“{}”的开始日期", ev.title),
            )));
        }
        if r.status.is_none() && super::status_of(&ev) == EventStatus::Cancelled {
            return Err(at(StoreError::field(
                ErrorCode::ImportInvalid,
                "status",
                format!(
                    "“{}”已取消，不再接受报名：请写明这条报名当时的状态",
                    ev.title
                ),
            )));
        }
        let res = resolve(&tx, r.input).await.map_err(at)?;
        let confirmed = confirmed_count(&tx, &ev.id).await.map_err(at)?;
        let status = r
            .status
            .unwrap_or_else(|| on_register(ev.needs_approval, capacity_of(&ev), confirmed));
        if status.is_active() {
            require_phone_free(&tx, &ev.id, &res.phone)
                .await
                .map_err(at)?;
        }
        // A walk-in takes a place at the door even when the event is full.
        if status == RegistrationStatus::Confirmed
            && !r.walk_in
            && capacity_of(&ev).is_some_and(|c| confirmed >= u64::from(c))
        {
            return Err(at(StoreError::rule(
                ErrorCode::CapacityBelowConfirmed,
                format!(
                    "“{}”名额为{}，已确认的报名已满，请改为候补或调整名额",
                    ev.title,
                    capacity_of(&ev).unwrap_or_default()
                ),
            )));
        }
        let ticket = match r.ticket_code {
            Some(code) => {
                let taken = event_registration::Entity::find()
                    .filter(event_registration::Column::TicketCode.eq(code.clone()))
                    .count(&tx)
                    .await
                    .map_err(|e| at(e.into()))?;
                if taken > 0 {
                    return Err(at(StoreError::Conflict {
                        code: ErrorCode::AlreadyRegistered,
                        message: format!("票码 {code} 已登记，请勿重复导入"),
                    }));
                }
                code
            }
            None => new_ticket(&tx).await.map_err(at)?,
        };
        let checked_in_by = r.checked_in_at.map(|_| actor.user_id.clone());
        let mut am = event_registration::ActiveModel {
            event_id: Set(ev.id.clone()),
            org_id: Set(res.org_id),
            institution_name: Set(res.name),
            institution_uscc: Set(res.uscc),
            sector: Set(res.sector.as_str().into()),
            person_name: Set(res.person_name),
            phone: Set(res.phone),
            status: Set(status.as_str().into()),
            ticket_code: Set(ticket),
            walk_in: Set(r.walk_in),
            registered_by: Set(actor.user_id.clone()),
            note: Set(r.note.trim().to_string()),
            checked_in_at: Set(r.checked_in_at),
            checked_in_by: Set(checked_in_by),
            ..Default::default()
        };
        // Signed up no later than checked in: without a sign-up time, the
        // check-in's; else the import's.
        if let Some(t) = r.registered_at.or(r.checked_in_at) {
            am.created_at = Set(t);
        }
        record::insert(&tx, &actor.username, am).await.map_err(at)?;
        if status == RegistrationStatus::Waitlisted {
            first_waitlisted.entry(ev.id.clone()).or_insert(k);
        }
    }
    // Nobody waits for a place that is free: a waitlisted registration on
    // a published event with room would have been confirmed (as a
    // cancellation confirms the next in line), so the ledger is refused
    // rather than changed. A cancelled event confirms nobody any more, so
    // its list stands as it was.
    let mut first_waitlisted: Vec<(usize, String)> =
        first_waitlisted.into_iter().map(|(e, k)| (k, e)).collect();
    first_waitlisted.sort();
    for (k, event_id) in first_waitlisted {
        let ev = &events[&event_id];
        if super::status_of(ev) != EventStatus::Published {
            continue;
        }
        let confirmed = confirmed_count(&tx, &ev.id).await.map_err(|e| (k, e))?;
        if promotions(capacity_of(ev), confirmed, 1) > 0 {
            return Err((
                k,
                StoreError::field(
                    ErrorCode::ImportInvalid,
                    "status",
                    match capacity_of(ev) {
                        Some(c) => format!(
                            "“{}”名额为{c}，已确认{confirmed}人，尚有名额，不应候补：请改为“已确认”或留空由系统安排",
                            ev.title
                        ),
                        None => format!(
                            "“{}”不限名额，不应候补：请改为“已确认”或留空由系统安排",
                            ev.title
                        ),
                    },
                ),
            ));
        }
    }
    tx.commit().await.map_err(|e| (0, StoreError::from(e)))?;
    Ok(n)
}

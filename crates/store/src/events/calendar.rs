//! The event calendar (活动日历): create an event (a draft), change,
//! publish and cancel it, delete a draft; its lead and co-organisers
//! (departments or registered organisations); the list and the detail.

use kechuang_domain::ErrorCode;
use std::collections::HashMap;

use chrono::NaiveDate;
use kechuang_domain::events::{EventKind, EventStatus, OrganiserRole, Schedule, Window};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};

use super::registrations::{self, RegistrationCounts};
use super::{lock_event, manages, manages_parties, require_manager, status_of, visible, Actor};
use crate::entities::{department, event, event_organiser, event_outcome, event_registration};
use crate::{now, record, Db, Page, PageReq, Scope, StoreError, StoreResult};

/// The most places an event may offer.
pub const MAX_CAPACITY: u32 = 1_000_000;

/// Who an organiser is.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum OrganiserRef {
    Department(String),
    Org(String),
}

impl OrganiserRef {
    fn of(m: &event_organiser::Model) -> Option<OrganiserRef> {
        match (&m.department_id, &m.org_id) {
            (Some(d), _) => Some(OrganiserRef::Department(d.clone())),
            (None, Some(o)) => Some(OrganiserRef::Org(o.clone())),
            (None, None) => None,
        }
    }
}

/// A lead or co-organiser as written by forms and the API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrganiserInput {
    pub role: OrganiserRole,
    pub party: OrganiserRef,
}

/// An event as written by forms and the API (validated drafts: text
/// lengths fit the columns: title and venue 200, audience 300).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventInput {
    pub series_id: Option<String>,
    /// The alliance or association whose activity this is.
    pub alliance_id: Option<String>,
    pub title: String,
    pub kind: EventKind,
    pub venue: String,
    pub schedule: Schedule,
    /// Places; None: no limit.
    pub capacity: Option<u32>,
    pub audience: String,
    pub window: Window,
    pub agenda: String,
    /// Registrations wait for the organiser's approval.
    pub needs_approval: bool,
    /// Replaces the event's organisers. Publishing needs a lead.
    pub organisers: Vec<OrganiserInput>,
}

/// Order of the list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EventSort {
    /// Latest first day first.
    #[default]
    StartsDesc,
    /// Earliest first day first (a calendar).
    StartsAsc,
}

/// List filters; every field narrows the list.
#[derive(Clone, Debug, Default)]
pub struct EventFilter {
    /// Substring of title, venue or audience.
    pub q: Option<String>,
    pub kind: Option<EventKind>,
    pub status: Option<EventStatus>,
    pub series_id: Option<String>,
    pub alliance_id: Option<String>,
    /// Events not over before this day (last day on or after it).
    pub from: Option<NaiveDate>,
    /// Events begun by this day (first day on or before it).
    pub to: Option<NaiveDate>,
    /// Organised (lead or co) by this department.
    pub department_id: Option<String>,
    /// Organised (lead or co) by this organisation.
    pub org_id: Option<String>,
    pub sort: EventSort,
}

/// An organiser with its name.
#[derive(Clone, Debug)]
pub struct OrganiserName {
    pub organiser: event_organiser::Model,
    pub name: String,
}

/// An event with its series name, organisers and registration counts.
#[derive(Clone, Debug)]
pub struct EventRow {
    pub event: event::Model,
    pub series_name: Option<String>,
    pub alliance_name: Option<String>,
    pub organisers: Vec<OrganiserName>,
    pub counts: RegistrationCounts,
}

/// An event with everything its page shows.
#[derive(Clone, Debug)]
pub struct EventDetail {
    pub row: EventRow,
    pub outcomes: Vec<event_outcome::Model>,
    /// The reader manages the event (may change it and its registrations).
    pub may_manage: bool,
}

fn filtered(scope: &Scope, f: &EventFilter) -> Select<event::Entity> {
    use event::Column as C;
    let mut q = event::Entity::find().filter(visible(scope));
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(C::Title, t))
                .add(crate::like::contains(C::Venue, t))
                .add(crate::like::contains(C::Audience, t)),
        );
    }
    if let Some(k) = f.kind {
        q = q.filter(C::Kind.eq(k.as_str()));
    }
    if let Some(s) = f.status {
        q = q.filter(C::Status.eq(s.as_str()));
    }
    if let Some(s) = &f.series_id {
        q = q.filter(C::SeriesId.eq(s.clone()));
    }
    if let Some(a) = &f.alliance_id {
        q = q.filter(C::AllianceId.eq(a.clone()));
    }
    if let Some(d) = f.from {
        q = q.filter(C::EndsOn.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(C::StartsOn.lte(d));
    }
    let by = |col: event_organiser::Column, id: &String| {
        C::Id.in_subquery(
            sea_orm::sea_query::Query::select()
                .column(event_organiser::Column::EventId)
                .from(event_organiser::Entity)
                .and_where(col.eq(id.clone()))
                .to_owned(),
        )
    };
    if let Some(d) = &f.department_id {
        q = q.filter(by(event_organiser::Column::DepartmentId, d));
    }
    if let Some(o) = &f.org_id {
        q = q.filter(by(event_organiser::Column::OrgId, o));
    }
    match f.sort {
        EventSort::StartsDesc => q.order_by_desc(C::StartsOn),
        EventSort::StartsAsc => q.order_by_asc(C::StartsOn),
    }
    .order_by_asc(C::Id)
}

/// Names of departments and organisations by id.
async fn party_names<C: ConnectionTrait>(
    db: &C,
    organisers: &[event_organiser::Model],
) -> StoreResult<HashMap<String, String>> {
    let deps: Vec<String> = organisers
        .iter()
        .filter_map(|o| o.department_id.clone())
        .collect();
    let orgs: Vec<String> = organisers.iter().filter_map(|o| o.org_id.clone()).collect();
    let mut names = crate::names::of(db, "departments", deps).await?;
    names.extend(crate::names::of(db, "orgs", orgs).await?);
    Ok(names)
}

async fn rows<C: ConnectionTrait>(db: &C, items: Vec<event::Model>) -> StoreResult<Vec<EventRow>> {
    let ids: Vec<String> = items.iter().map(|e| e.id.clone()).collect();
    let mut organisers: Vec<event_organiser::Model> = vec![];
    for chunk in ids.chunks(500) {
        organisers.extend(
            event_organiser::Entity::find()
                .filter(event_organiser::Column::EventId.is_in(chunk.to_vec()))
                .order_by_asc(event_organiser::Column::CreatedAt)
                .order_by_asc(event_organiser::Column::Id)
                .all(db)
                .await?,
        );
    }
    organisers.sort_by_key(|o| o.role != OrganiserRole::Lead.as_str());
    let names = party_names(db, &organisers).await?;
    let series: HashMap<String, String> = super::series::names(db).await?.into_iter().collect();
    let alliance_ids: Vec<String> = items.iter().filter_map(|e| e.alliance_id.clone()).collect();
    let alliances = crate::names::of(db, "alliances", alliance_ids).await?;
    let mut counts = registrations::counts_of(db, &ids).await?;
    let mut by_event: HashMap<String, Vec<OrganiserName>> = HashMap::new();
    for o in organisers {
        let key = o.department_id.clone().or_else(|| o.org_id.clone());
        let name = key.and_then(|k| names.get(&k).cloned()).unwrap_or_default();
        by_event
            .entry(o.event_id.clone())
            .or_default()
            .push(OrganiserName { organiser: o, name });
    }
    Ok(items
        .into_iter()
        .map(|e| EventRow {
            series_name: e.series_id.as_ref().and_then(|s| series.get(s).cloned()),
            alliance_name: e
                .alliance_id
                .as_ref()
                .and_then(|a| alliances.get(a).cloned()),
            organisers: by_event.remove(&e.id).unwrap_or_default(),
            counts: counts.remove(&e.id).unwrap_or_default(),
            event: e,
        })
        .collect())
}

/// One page of the events the actor sees, with names and counts.
pub async fn list(
    db: &Db,
    actor: &Actor,
    f: &EventFilter,
    p: PageReq,
) -> StoreResult<Page<EventRow>> {
    let q = filtered(&actor.scope, f);
    let total = q.clone().count(db).await?;
    let items = q.offset(p.offset()).limit(p.per_page()).all(db).await?;
    Ok(Page {
        items: rows(db, items).await?,
        total,
        page: p.page(),
        per_page: p.per_page(),
    })
}

/// Every event of the filtered list (export, iCalendar feed), at most `cap`.
pub async fn list_all(
    db: &Db,
    actor: &Actor,
    f: &EventFilter,
    cap: u64,
) -> StoreResult<Vec<EventRow>> {
    let items = filtered(&actor.scope, f).limit(cap).all(db).await?;
    rows(db, items).await
}

/// The titles of the given events, by id (unknown ids are absent).
pub async fn titles(db: &Db, ids: &[String]) -> StoreResult<HashMap<String, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, String)> = event::Entity::find()
        .select_only()
        .column(event::Column::Id)
        .column(event::Column::Title)
        .filter(event::Column::Id.is_in(ids.iter().cloned()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// One event the actor sees (404 otherwise).
pub async fn get<C: ConnectionTrait>(db: &C, actor: &Actor, id: &str) -> StoreResult<event::Model> {
    event::Entity::find_by_id(id.to_string())
        .filter(visible(&actor.scope))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// An event with its organisers, counts and outcomes, and whether the actor manages it.
pub async fn detail(db: &Db, actor: &Actor, id: &str) -> StoreResult<EventDetail> {
    let e = get(db, actor, id).await?;
    let row = rows(db, vec![e]).await?.remove(0);
    let organisers: Vec<event_organiser::Model> =
        row.organisers.iter().map(|o| o.organiser.clone()).collect();
    Ok(EventDetail {
        may_manage: manages(&actor.scope, &organisers),
        outcomes: super::outcomes::of_event(db, id).await?,
        row,
    })
}

/// The organisers of an event with their names, leads first.
pub async fn organisers(db: &Db, event_id: &str) -> StoreResult<Vec<OrganiserName>> {
    let list = super::organisers_of(db, event_id).await?;
    let names = party_names(db, &list).await?;
    Ok(list
        .into_iter()
        .map(|o| {
            let key = o.department_id.clone().or_else(|| o.org_id.clone());
            OrganiserName {
                name: key.and_then(|k| names.get(&k).cloned()).unwrap_or_default(),
                organiser: o,
            }
        })
        .collect())
}

/// Whether the actor manages the event (for showing its management actions).
pub async fn may_manage(db: &Db, actor: &Actor, event_id: &str) -> StoreResult<bool> {
    get(db, actor, event_id).await?;
    Ok(manages(
        &actor.scope,
        &super::organisers_of(db, event_id).await?,
    ))
}

fn check_input(i: &EventInput) -> StoreResult<()> {
    if i.title.trim().is_empty() {
        return Err(StoreError::field(
            ErrorCode::TitleRequired,
            "title",
            "请填写活动名称",
        ));
    }
    i.schedule
        .check()
        .map_err(|e| StoreError::field(ErrorCode::InvalidSchedule, e.field, e.message))?;
    i.window
        .check(&i.schedule)
        .map_err(|e| StoreError::field(ErrorCode::InvalidWindow, e.field, e.message))?;
    if let Some(c) = i.capacity {
        if c == 0 || c > MAX_CAPACITY {
            return Err(StoreError::field(
                ErrorCode::InvalidCapacity,
                "capacity",
                format!("名额须在 1 到 {MAX_CAPACITY} 之间；不限名额请留空"),
            ));
        }
    }
    let mut seen = std::collections::HashSet::new();
    for o in &i.organisers {
        if !seen.insert(&o.party) {
            return Err(StoreError::field(
                ErrorCode::DuplicateOrganiser,
                "organisers",
                "同一单位只能列为一次主办或协办，请删除重复的一项",
            ));
        }
    }
    Ok(())
}

/// The series and every organiser exist; a non-`All` actor is among the organisers.
async fn check_refs<C: ConnectionTrait>(tx: &C, actor: &Actor, i: &EventInput) -> StoreResult<()> {
    if let Some(s) = &i.series_id {
        super::series::get(tx, s).await.map_err(|e| match e {
            StoreError::NotFound => StoreError::field(
                ErrorCode::UnknownSeries,
                "series_id",
                "活动系列不存在，请从已有系列中选择",
            ),
            other => other,
        })?;
    }
    if let Some(a) = &i.alliance_id {
        crate::alliances::get(tx, a).await.map_err(|e| match e {
            StoreError::NotFound => StoreError::field(
                ErrorCode::UnknownAlliance,
                "alliance_id",
                "联盟或协会不存在，请从已有联盟协会中选择",
            ),
            other => other,
        })?;
    }
    for o in &i.organisers {
        match &o.party {
            OrganiserRef::Department(d) => {
                if department::Entity::find_by_id(d.clone())
                    .one(tx)
                    .await?
                    .is_none()
                {
                    return Err(StoreError::field(
                        ErrorCode::UnknownDepartment,
                        "organisers",
                        "主办或协办部门不存在，请从部门中选择",
                    ));
                }
            }
            OrganiserRef::Org(id) => {
                crate::orgs::require_org(tx, id, "主办或协办单位").await?;
            }
        }
    }
    let parties = i.organisers.iter().map(|o| match &o.party {
        OrganiserRef::Department(d) => (Some(d.as_str()), None),
        OrganiserRef::Org(id) => (None, Some(id.as_str())),
    });
    if !manages_parties(&actor.scope, parties) {
        return Err(StoreError::field(
            ErrorCode::OrganiserRequired,
            "organisers",
            "请把本部门（或本单位）列为主办或协办单位，否则保存后将无法管理该活动",
        ));
    }
    Ok(())
}

fn has_lead(organisers: &[OrganiserInput]) -> bool {
    organisers.iter().any(|o| o.role == OrganiserRole::Lead)
}

fn no_lead() -> StoreError {
    StoreError::field(
        ErrorCode::LeadOrganiserRequired,
        "organisers",
        "请至少指定一个主办单位后再发布",
    )
}

fn apply(am: &mut event::ActiveModel, i: &EventInput) {
    am.series_id = Set(i.series_id.clone());
    am.alliance_id = Set(i.alliance_id.clone());
    am.title = Set(i.title.trim().to_string());
    am.kind = Set(i.kind.as_str().into());
    am.venue = Set(i.venue.clone());
    am.starts_on = Set(i.schedule.starts_on);
    am.ends_on = Set(i.schedule.ends_on);
    am.start_time = Set(i.schedule.start_time);
    am.end_time = Set(i.schedule.end_time);
    am.capacity = Set(i.capacity.map(|c| c as i32));
    am.audience = Set(i.audience.clone());
    am.opens_on = Set(i.window.opens_on);
    am.closes_on = Set(i.window.closes_on);
    am.agenda = Set(i.agenda.clone());
    am.needs_approval = Set(i.needs_approval);
}

/// Make the event's organisers those of `wanted`: keep, change the role,
/// add or remove rows (each audited).
async fn sync_organisers<C: ConnectionTrait>(
    tx: &C,
    actor: &str,
    event_id: &str,
    wanted: &[OrganiserInput],
) -> StoreResult<()> {
    let mut have: HashMap<OrganiserRef, event_organiser::Model> = HashMap::new();
    for o in super::organisers_of(tx, event_id).await? {
        match OrganiserRef::of(&o) {
            Some(r) => {
                have.insert(r, o);
            }
            None => {
                let v = o.version;
                record::delete(tx, actor, o, v).await?;
            }
        }
    }
    for w in wanted {
        match have.remove(&w.party) {
            Some(o) if o.role == w.role.as_str() => {}
            Some(o) => {
                let v = o.version;
                record::update(
                    tx,
                    actor,
                    "update",
                    o,
                    v,
                    |am: &mut event_organiser::ActiveModel| am.role = Set(w.role.as_str().into()),
                )
                .await?;
            }
            None => {
                let (department_id, org_id) = match &w.party {
                    OrganiserRef::Department(d) => (Some(d.clone()), None),
                    OrganiserRef::Org(o) => (None, Some(o.clone())),
                };
                record::insert(
                    tx,
                    actor,
                    event_organiser::ActiveModel {
                        event_id: Set(event_id.into()),
                        role: Set(w.role.as_str().into()),
                        department_id: Set(department_id),
                        org_id: Set(org_id),
                        ..Default::default()
                    },
                )
                .await?;
            }
        }
    }
    for (_, o) in have {
        let v = o.version;
        record::delete(tx, actor, o, v).await?;
    }
    Ok(())
}

/// Create an event as a draft with its organisers. An actor without the
/// scope `All` must be among the organisers (or could not see the draft).
pub async fn create(db: &Db, actor: &Actor, i: EventInput) -> StoreResult<event::Model> {
    check_input(&i)?;
    let tx = crate::db::begin_write(db).await?;
    check_refs(&tx, actor, &i).await?;
    let mut am = event::ActiveModel {
        status: Set(EventStatus::Draft.as_str().into()),
        cancel_reason: Set(String::new()),
        published_at: Set(None),
        cancelled_at: Set(None),
        ..Default::default()
    };
    apply(&mut am, &i);
    let m = record::insert(&tx, &actor.username, am).await?;
    sync_organisers(&tx, &actor.username, &m.id, &i.organisers).await?;
    tx.commit().await?;
    Ok(m)
}

/// A ledger's event where it stands: a draft, published (needs a lead
/// organiser) or cancelled (with its reason).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventImport {
    pub event: EventInput,
    pub status: EventStatus,
    pub cancel_reason: String,
}

impl EventImport {
    /// Whether the status could have come about through the pages: Err
    /// names what is wrong (("organisers" | "cancel_reason", why)).
    pub fn fits(&self) -> Result<(), (&'static str, String)> {
        match self.status {
            EventStatus::Published if !has_lead(&self.event.organisers) => {
                Err(("organisers", no_lead().to_string()))
            }
            EventStatus::Cancelled if self.cancel_reason.trim().is_empty() => {
                Err(("cancel_reason", "已取消的活动请填写取消原因".into()))
            }
            _ if self.cancel_reason.trim().chars().count() > 500 => {
                Err(("cancel_reason", "取消原因不能超过500个字".into()))
            }
            _ if self.status != EventStatus::Cancelled && !self.cancel_reason.trim().is_empty() => {
                Err(("cancel_reason", "只有已取消的活动才有取消原因".into()))
            }
            _ => Ok(()),
        }
    }
}

/// Register a ledger's events with their organisers, all or nothing, each
/// checked as `create` checks it and by [`EventImport::fits`]. Err carries
/// the index of the event.
pub async fn import(
    db: &Db,
    actor: &Actor,
    rows: Vec<EventImport>,
) -> Result<usize, (usize, StoreError)> {
    let tx = crate::imports::begin(db, "events").await?;
    let n = rows.len();
    for (k, r) in rows.into_iter().enumerate() {
        let at = |e: StoreError| (k, e);
        check_input(&r.event).map_err(at)?;
        r.fits()
            .map_err(|(f, why)| at(StoreError::field(ErrorCode::ImportInvalid, f, why)))?;
        check_refs(&tx, actor, &r.event).await.map_err(at)?;
        let at_now = now();
        let mut am = event::ActiveModel {
            status: Set(r.status.as_str().into()),
            cancel_reason: Set(r.cancel_reason.trim().to_string()),
            published_at: Set((r.status == EventStatus::Published).then_some(at_now)),
            cancelled_at: Set((r.status == EventStatus::Cancelled).then_some(at_now)),
            ..Default::default()
        };
        apply(&mut am, &r.event);
        let m = record::insert(&tx, &actor.username, am).await.map_err(at)?;
        let same = event::Entity::find()
            .filter(event::Column::Title.eq(m.title.clone()))
            .filter(event::Column::StartsOn.eq(m.starts_on))
            .count(&tx)
            .await
            .map_err(|e| at(e.into()))?;
        crate::imports::only_one(same, || {
            format!(
                "{}的活动“{}”",
                kechuang_domain::events::date_zh(m.starts_on),
                m.title
            )
        })
        .map_err(at)?;
        sync_organisers(&tx, &actor.username, &m.id, &r.event.organisers)
            .await
            .map_err(at)?;
    }
    tx.commit().await.map_err(|e| (0, StoreError::from(e)))?;
    Ok(n)
}

/// Change a draft or published event read at `version` and replace its
/// organisers. The capacity cannot drop below the confirmed registrations;
/// a larger capacity confirms waitlisted registrations, earliest first.
/// A cancelled event cannot change.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: &str,
    version: i32,
    i: EventInput,
) -> StoreResult<event::Model> {
    check_input(&i)?;
    let tx = crate::db::begin_write(db).await?;
    let before = lock_event(&tx, &actor.scope, id).await?;
    require_manager(&tx, actor, &before).await?;
    if status_of(&before) == EventStatus::Cancelled {
        return Err(StoreError::rule(
            ErrorCode::EventCancelled,
            format!("“{}”已取消，不能再修改", before.title),
        ));
    }
    if status_of(&before) == EventStatus::Published && !has_lead(&i.organisers) {
        return Err(no_lead());
    }
    check_refs(&tx, actor, &i).await?;
    let confirmed = registrations::confirmed_count(&tx, id).await?;
    if let Some(c) = i.capacity {
        if u64::from(c) < confirmed {
            return Err(StoreError::field(
                ErrorCode::CapacityBelowConfirmed,
                "capacity",
                format!(
                    "已有{confirmed}人确认报名，名额不能少于{confirmed}；如需减少请先取消部分报名"
                ),
            ));
        }
    }
    let m = record::update(
        &tx,
        &actor.username,
        "update",
        before,
        version,
        |am: &mut event::ActiveModel| apply(am, &i),
    )
    .await?;
    sync_organisers(&tx, &actor.username, id, &i.organisers).await?;
    registrations::promote(&tx, &actor.username, &m).await?;
    tx.commit().await?;
    Ok(m)
}

/// Publish a draft read at `version`: registration opens (within its
/// window). Needs a lead organiser.
pub async fn publish(db: &Db, actor: &Actor, id: &str, version: i32) -> StoreResult<event::Model> {
    let tx = crate::db::begin_write(db).await?;
    let before = lock_event(&tx, &actor.scope, id).await?;
    require_manager(&tx, actor, &before).await?;
    if status_of(&before) != EventStatus::Draft {
        return Err(StoreError::rule(
            ErrorCode::NotADraft,
            format!(
                "“{}”已{}，无需再发布",
                before.title,
                status_of(&before).label_zh()
            ),
        ));
    }
    let organisers = super::organisers_of(&tx, id).await?;
    if !organisers
        .iter()
        .any(|o| o.role == OrganiserRole::Lead.as_str())
    {
        return Err(no_lead());
    }
    let m = record::update(
        &tx,
        &actor.username,
        "publish",
        before,
        version,
        |am: &mut event::ActiveModel| {
            am.status = Set(EventStatus::Published.as_str().into());
            am.published_at = Set(Some(now()));
        },
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Cancel a draft or published event read at `version`, with the reason
/// (final). Its registrations stay as they were, for the record; reach
/// leaves cancelled events out.
pub async fn cancel(
    db: &Db,
    actor: &Actor,
    id: &str,
    version: i32,
    reason: &str,
) -> StoreResult<event::Model> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(StoreError::field(
            ErrorCode::ReasonRequired,
            "reason",
            "请填写取消原因，报名者会看到这一说明",
        ));
    }
    let tx = crate::db::begin_write(db).await?;
    let before = lock_event(&tx, &actor.scope, id).await?;
    require_manager(&tx, actor, &before).await?;
    if status_of(&before) == EventStatus::Cancelled {
        return Err(StoreError::rule(
            ErrorCode::EventCancelled,
            format!("“{}”已取消", before.title),
        ));
    }
    let m = record::update(
        &tx,
        &actor.username,
        "cancel",
        before,
        version,
        |am: &mut event::ActiveModel| {
            am.status = Set(EventStatus::Cancelled.as_str().into());
            am.cancel_reason = Set(reason.to_string());
            am.cancelled_at = Set(Some(now()));
        },
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Delete a draft read at `version` that has no registrations, with its organisers.
pub async fn delete_draft(db: &Db, actor: &Actor, id: &str, version: i32) -> StoreResult<()> {
    let tx = crate::db::begin_write(db).await?;
    let before = lock_event(&tx, &actor.scope, id).await?;
    require_manager(&tx, actor, &before).await?;
    if status_of(&before) != EventStatus::Draft {
        return Err(StoreError::rule(
            ErrorCode::NotADraft,
            "只能删除草稿；已发布的活动请取消",
        ));
    }
    let regs = event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(id))
        .count(&tx)
        .await?;
    if regs > 0 {
        return Err(StoreError::rule(
            ErrorCode::EventHasRegistrations,
            "该活动已有报名记录，不能删除，请改为取消",
        ));
    }
    sync_organisers(&tx, &actor.username, id, &[]).await?;
    record::delete(&tx, &actor.username, before, version).await?;
    tx.commit().await?;
    Ok(())
}

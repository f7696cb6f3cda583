//! Joint and monthly coordination meetings, their decisions as the annual key-item list (年度重点事项) with milestones, and agendas that pick up overdue or at-risk items.
//!
//! A meeting is a joint meeting (联席会议), a monthly coordination
//! meeting (月度碰头会), a symposium (座谈会) or the chief service officers'
//! monthly meeting (首席服务官月度例会). Creating one puts on its agenda every key item
//! that is not done at the meeting date and is either overdue or at risk
//! ([`risk_at`]), so a slipping item rolls onto each next meeting until it
//! is done. A decision of a meeting becomes a key item (项目化、清单化) with
//! an owner, a department, a deadline and milestones; its progress,
//! milestones and completion are tracked here.

use kechuang_domain::ErrorCode;
use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};

use crate::clock::today;
use crate::entities::{department, key_item, key_item_milestone, meeting, meeting_agenda};
use crate::{new_id, now, record, Db, Page, PageReq, StoreError, StoreResult};

/// What a meeting is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MeetingKind {
    /// 联席会议: departments, parks and institutes together.
    Joint,
    /// 月度碰头会: the monthly coordination meeting.
    Monthly,
    /// 座谈会: a symposium with enterprises, officers or party members.
    Symposium,
    /// 首席服务官月度例会: the chief service officers' and assistants' monthly meeting.
    OfficersMonthly,
}

impl MeetingKind {
    pub const ALL: [MeetingKind; 4] = [
        MeetingKind::Joint,
        MeetingKind::Monthly,
        MeetingKind::Symposium,
        MeetingKind::OfficersMonthly,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingKind::Joint => "joint",
            MeetingKind::Monthly => "monthly",
            MeetingKind::Symposium => "symposium",
            MeetingKind::OfficersMonthly => "officers_monthly",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            MeetingKind::Joint => "联席会议",
            MeetingKind::Monthly => "月度碰头会",
            MeetingKind::Symposium => "座谈会",
            MeetingKind::OfficersMonthly => "首席服务官月度例会",
        }
    }
    /// "联席会议、月度碰头会、座谈会或首席服务官月度例会", for messages.
    pub fn choices_zh() -> String {
        let labels: Vec<&str> = Self::ALL.iter().map(|k| k.label_zh()).collect();
        let (last, rest) = labels.split_last().expect("kinds");
        format!("{}或{last}", rest.join("、"))
    }
    /// The code or the Chinese label.
    pub fn parse(s: &str) -> Option<MeetingKind> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.label_zh() == s)
    }
}

/// Whether a key item is still being worked on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyStatus {
    Open,
    Done,
}

impl KeyStatus {
    pub const ALL: [KeyStatus; 2] = [KeyStatus::Open, KeyStatus::Done];
    pub fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Open => "open",
            KeyStatus::Done => "done",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            KeyStatus::Open => "推进中",
            KeyStatus::Done => "已完成",
        }
    }
    pub fn parse(s: &str) -> Option<KeyStatus> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.label_zh() == s)
    }
}

/// Where a key item stands on a given date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Risk {
    /// Done on or before the date.
    Done,
    /// Not done and past its deadline.
    Overdue,
    /// Not done, not yet overdue, but slipping (see [`risk_at`]).
    AtRisk,
    OnTrack,
}

impl Risk {
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Done => "done",
            Risk::Overdue => "overdue",
            Risk::AtRisk => "at_risk",
            Risk::OnTrack => "on_track",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Risk::Done => "已完成",
            Risk::Overdue => "逾期",
            Risk::AtRisk => "有逾期风险",
            Risk::OnTrack => "正常推进",
        }
    }
    pub fn parse(s: &str) -> Option<Risk> {
        [Risk::Done, Risk::Overdue, Risk::AtRisk, Risk::OnTrack]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
    /// Whether a meeting should take the item up.
    pub fn needs_agenda(self) -> bool {
        matches!(self, Risk::Overdue | Risk::AtRisk)
    }
}

/// An item due within this many days…
pub const RISK_WINDOW_DAYS: i64 = 30;
/// …with less than this much progress (percent) is at risk.
pub const RISK_PROGRESS: i32 = 70;

/// The at-risk rule, on date `on`. An item is done when its `done_on` is on
/// or before `on`; overdue when not done and `due_on < on`; at risk when
/// not done, not overdue, and either a milestone is past due (`due < on`)
/// without being done by `on`, or the item is due within
/// [`RISK_WINDOW_DAYS`] days with progress below [`RISK_PROGRESS`]%.
/// `milestones` are (due, done) pairs.
pub fn risk_at(
    due_on: NaiveDate,
    progress: i32,
    done_on: Option<NaiveDate>,
    milestones: &[(NaiveDate, Option<NaiveDate>)],
    on: NaiveDate,
) -> Risk {
    let done_by = |d: Option<NaiveDate>| d.is_some_and(|d| d <= on);
    if done_by(done_on) {
        return Risk::Done;
    }
    if due_on < on {
        return Risk::Overdue;
    }
    let slipping = milestones
        .iter()
        .any(|(due, done)| *due < on && !done_by(*done));
    let close = due_on <= on + Duration::days(RISK_WINDOW_DAYS) && progress < RISK_PROGRESS;
    if slipping || close {
        Risk::AtRisk
    } else {
        Risk::OnTrack
    }
}

/// The rule applied to a stored item and its milestones.
pub fn risk_of(
    item: &key_item::Model,
    milestones: &[key_item_milestone::Model],
    on: NaiveDate,
) -> Risk {
    let ms: Vec<(NaiveDate, Option<NaiveDate>)> =
        milestones.iter().map(|m| (m.due_on, m.done_on)).collect();
    let done_on = if item.status == KeyStatus::Done.as_str() {
        // A done item without a date counts as done since it was due.
        Some(item.done_on.unwrap_or(NaiveDate::MIN))
    } else {
        None
    };
    risk_at(item.due_on, item.progress, done_on, &ms, on)
}

// ---------------------------------------------------------------------------
// Meetings
// ---------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
pub struct MeetingInput {
    pub kind: MeetingKind,
    pub title: String,
    pub held_on: NaiveDate,
    pub place: String,
    pub attendees: String,
    pub minutes: String,
}

#[derive(Clone, Debug, Default)]
pub struct MeetingFilter {
    pub q: Option<String>,
    pub kind: Option<MeetingKind>,
    pub year: Option<i32>,
}

/// A meeting with the size of its agenda and the key items it decided.
#[derive(Clone, Debug)]
pub struct MeetingRow {
    pub meeting: meeting::Model,
    pub agenda: u64,
    pub key_items: u64,
}

fn year_bounds(y: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(NaiveDate::MAX),
    )
}

fn meetings_filtered(f: &MeetingFilter) -> Select<meeting::Entity> {
    use meeting::Column as C;
    let mut q = meeting::Entity::find();
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(C::Title, t))
                .add(crate::like::contains(C::Place, t))
                .add(crate::like::contains(C::Minutes, t)),
        );
    }
    if let Some(k) = f.kind {
        q = q.filter(C::Kind.eq(k.as_str()));
    }
    if let Some(y) = f.year {
        let (from, to) = year_bounds(y);
        q = q.filter(C::HeldOn.gte(from)).filter(C::HeldOn.lte(to));
    }
    q.order_by_desc(C::HeldOn).order_by_asc(C::Id)
}

async fn meeting_rows<C: ConnectionTrait>(
    db: &C,
    items: Vec<meeting::Model>,
) -> StoreResult<Vec<MeetingRow>> {
    let ids: Vec<String> = items.iter().map(|m| m.id.clone()).collect();
    let agenda: HashMap<String, i64> = meeting_agenda::Entity::find()
        .select_only()
        .column(meeting_agenda::Column::MeetingId)
        .column_as(meeting_agenda::Column::Id.count(), "n")
        .filter(meeting_agenda::Column::MeetingId.is_in(ids.clone()))
        .group_by(meeting_agenda::Column::MeetingId)
        .into_tuple::<(String, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let decided: HashMap<String, i64> = key_item::Entity::find()
        .select_only()
        .column(key_item::Column::MeetingId)
        .column_as(key_item::Column::Id.count(), "n")
        .filter(key_item::Column::MeetingId.is_in(ids))
        .group_by(key_item::Column::MeetingId)
        .into_tuple::<(Option<String>, i64)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(k, n)| Some((k?, n)))
        .collect();
    Ok(items
        .into_iter()
        .map(|m| MeetingRow {
            agenda: agenda.get(&m.id).copied().unwrap_or(0) as u64,
            key_items: decided.get(&m.id).copied().unwrap_or(0) as u64,
            meeting: m,
        })
        .collect())
}

pub async fn list_meetings(
    db: &Db,
    f: &MeetingFilter,
    p: PageReq,
) -> StoreResult<Page<MeetingRow>> {
    let q = meetings_filtered(f);
    let total = q.clone().count(db).await?;
    let items = q.offset(p.offset()).limit(p.per_page()).all(db).await?;
    Ok(Page {
        items: meeting_rows(db, items).await?,
        total,
        page: p.page(),
        per_page: p.per_page(),
    })
}

pub async fn list_all_meetings(
    db: &Db,
    f: &MeetingFilter,
    cap: u64,
) -> StoreResult<Vec<MeetingRow>> {
    let items = meetings_filtered(f).limit(cap).all(db).await?;
    meeting_rows(db, items).await
}

pub async fn get_meeting<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<meeting::Model> {
    meeting::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

fn apply_meeting(am: &mut meeting::ActiveModel, i: MeetingInput) {
    am.kind = Set(i.kind.as_str().into());
    am.title = Set(i.title);
    am.held_on = Set(i.held_on);
    am.place = Set(i.place);
    am.attendees = Set(i.attendees);
    am.minutes = Set(i.minutes);
}

/// The key items a meeting held on `on` takes up: not done by then, and
/// overdue or at risk, overdue ones first, then by deadline.
pub async fn agenda_candidates<C: ConnectionTrait>(
    db: &C,
    on: NaiveDate,
) -> StoreResult<Vec<(key_item::Model, Risk)>> {
    use key_item::Column as C;
    let items = key_item::Entity::find()
        .filter(
            Condition::any()
                .add(C::Status.ne(KeyStatus::Done.as_str()))
                .add(C::DoneOn.gt(on)),
        )
        .order_by_asc(C::DueOn)
        .order_by_asc(C::Id)
        .all(db)
        .await?;
    let mut ms = milestones_of(db, items.iter().map(|i| i.id.clone()).collect()).await?;
    let mut out: Vec<(key_item::Model, Risk)> = items
        .into_iter()
        .filter_map(|i| {
            let mine = ms.remove(&i.id).unwrap_or_default();
            let dates: Vec<(NaiveDate, Option<NaiveDate>)> =
                mine.iter().map(|m| (m.due_on, m.done_on)).collect();
            // As it stood on the meeting date: done only if done by then.
            let r = risk_at(i.due_on, i.progress, i.done_on, &dates, on);
            r.needs_agenda().then_some((i, r))
        })
        .collect();
    out.sort_by_key(|(i, r)| (*r != Risk::Overdue, i.due_on));
    Ok(out)
}

/// Record a meeting and put on its agenda every key item that is overdue
/// or at risk on the meeting date.
pub async fn create_meeting(
    db: &Db,
    actor: &str,
    i: MeetingInput,
) -> StoreResult<(meeting::Model, Vec<meeting_agenda::Model>)> {
    let tx = crate::db::begin_write(db).await?;
    let held_on = i.held_on;
    let mut am = meeting::ActiveModel::default();
    apply_meeting(&mut am, i);
    let m = record::insert(&tx, actor, am).await?;
    let mut agenda = vec![];
    for (item, risk) in agenda_candidates(&tx, held_on).await? {
        let row = meeting_agenda::ActiveModel {
            id: Set(new_id()),
            meeting_id: Set(m.id.clone()),
            key_item_id: Set(item.id.clone()),
            reason: Set(risk.as_str().into()),
            created_at: Set(now()),
        };
        meeting_agenda::Entity::insert(row.clone())
            .exec(&tx)
            .await?;
        agenda.push(meeting_agenda::Model {
            id: row.id.unwrap(),
            meeting_id: row.meeting_id.unwrap(),
            key_item_id: row.key_item_id.unwrap(),
            reason: row.reason.unwrap(),
            created_at: row.created_at.unwrap(),
        });
    }
    tx.commit().await?;
    Ok((m, agenda))
}

/// Change a meeting's record (its agenda stays as it was drawn up).
pub async fn update_meeting(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: MeetingInput,
) -> StoreResult<meeting::Model> {
    let tx = crate::db::begin_write(db).await?;
    let before = get_meeting(&tx, id).await?;
    let m = record::update(&tx, actor, "update", before, version, |am| {
        apply_meeting(am, i)
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// A meeting with its agenda (each entry with the item as it is now) and
/// the key items it decided.
#[derive(Clone, Debug)]
pub struct MeetingDetail {
    pub meeting: MeetingRow,
    pub agenda: Vec<(meeting_agenda::Model, KeyItemRow)>,
    pub key_items: Vec<KeyItemRow>,
}

pub async fn meeting_detail(db: &Db, id: &str) -> StoreResult<MeetingDetail> {
    let m = get_meeting(db, id).await?;
    let agenda = meeting_agenda::Entity::find()
        .filter(meeting_agenda::Column::MeetingId.eq(id))
        .all(db)
        .await?;
    let ids: Vec<String> = agenda.iter().map(|a| a.key_item_id.clone()).collect();
    let items = key_item::Entity::find()
        .filter(key_item::Column::Id.is_in(ids))
        .all(db)
        .await?;
    let today = today();
    let rows: HashMap<String, KeyItemRow> = key_item_rows(db, items, today)
        .await?
        .into_iter()
        .map(|r| (r.item.id.clone(), r))
        .collect();
    let mut agenda: Vec<(meeting_agenda::Model, KeyItemRow)> = agenda
        .into_iter()
        .filter_map(|a| {
            let r = rows.get(&a.key_item_id)?.clone();
            Some((a, r))
        })
        .collect();
    agenda.sort_by(|(a, r), (b, s)| {
        (
            a.reason != Risk::Overdue.as_str(),
            r.item.due_on,
            &r.item.id,
        )
            .cmp(&(
                b.reason != Risk::Overdue.as_str(),
                s.item.due_on,
                &s.item.id,
            ))
    });
    let decided = key_item::Entity::find()
        .filter(key_item::Column::MeetingId.eq(id))
        .order_by_asc(key_item::Column::DueOn)
        .order_by_asc(key_item::Column::Id)
        .all(db)
        .await?;
    let key_items = key_item_rows(db, decided, today).await?;
    let meeting = meeting_rows(db, vec![m]).await?.remove(0);
    Ok(MeetingDetail {
        meeting,
        agenda,
        key_items,
    })
}

/// (id, title) of the given meetings.
pub async fn meeting_titles<C: ConnectionTrait>(
    db: &C,
    ids: Vec<String>,
) -> StoreResult<HashMap<String, String>> {
    let mut ids = ids;
    ids.sort();
    ids.dedup();
    let rows: Vec<(String, String)> = meeting::Entity::find()
        .select_only()
        .column(meeting::Column::Id)
        .column(meeting::Column::Title)
        .filter(meeting::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// All meetings (id, "title（date）"), newest first, for pickers.
pub async fn meeting_choices(db: &Db) -> StoreResult<Vec<(String, String)>> {
    let rows = meeting::Entity::find()
        .order_by_desc(meeting::Column::HeldOn)
        .order_by_asc(meeting::Column::Id)
        .limit(500)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|m| (m.id, m.title)).collect())
}

// ---------------------------------------------------------------------------
// Key items
// ---------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
pub struct KeyItemInput {
    /// The list's year; `None` takes the meeting's year, else the deadline's.
    pub year: Option<i32>,
    pub title: String,
    pub owner: String,
    pub department_id: Option<String>,
    pub meeting_id: Option<String>,
    pub decision: String,
    pub due_on: NaiveDate,
    pub note: String,
    /// (title, due) of each milestone (only read when the item is created).
    pub milestones: Vec<(String, NaiveDate)>,
}

/// A key item with its milestones and where it stands.
#[derive(Clone, Debug)]
pub struct KeyItemRow {
    pub item: key_item::Model,
    pub milestones: Vec<key_item_milestone::Model>,
    pub risk: Risk,
}

#[derive(Clone, Debug, Default)]
pub struct KeyItemFilter {
    pub q: Option<String>,
    pub year: Option<i32>,
    pub status: Option<KeyStatus>,
    pub department_id: Option<String>,
    pub meeting_id: Option<String>,
    /// Only items overdue on the evaluation date (with `at_risk` too: either).
    pub overdue: bool,
    /// Only items at risk on the evaluation date (with `overdue` too: either).
    pub at_risk: bool,
}

fn items_filtered(f: &KeyItemFilter) -> Select<key_item::Entity> {
    use key_item::Column as C;
    let mut q = key_item::Entity::find();
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(C::Title, t))
                .add(crate::like::contains(C::Owner, t))
                .add(crate::like::contains(C::Decision, t)),
        );
    }
    if let Some(y) = f.year {
        q = q.filter(C::Year.eq(y));
    }
    if let Some(s) = f.status {
        q = q.filter(C::Status.eq(s.as_str()));
    }
    if let Some(d) = &f.department_id {
        q = q.filter(C::DepartmentId.eq(d.clone()));
    }
    if let Some(m) = &f.meeting_id {
        q = q.filter(C::MeetingId.eq(m.clone()));
    }
    if f.overdue || f.at_risk {
        q = q.filter(C::Status.ne(KeyStatus::Done.as_str()));
    }
    q.order_by_asc(C::DueOn).order_by_asc(C::Id)
}

/// Milestones of the given items, each list by due date.
async fn milestones_of<C: ConnectionTrait>(
    db: &C,
    ids: Vec<String>,
) -> StoreResult<HashMap<String, Vec<key_item_milestone::Model>>> {
    let mut out: HashMap<String, Vec<key_item_milestone::Model>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows = key_item_milestone::Entity::find()
            .filter(key_item_milestone::Column::KeyItemId.is_in(chunk.to_vec()))
            .order_by_asc(key_item_milestone::Column::DueOn)
            .order_by_asc(key_item_milestone::Column::Id)
            .all(db)
            .await?;
        for m in rows {
            out.entry(m.key_item_id.clone()).or_default().push(m);
        }
    }
    Ok(out)
}

async fn key_item_rows<C: ConnectionTrait>(
    db: &C,
    items: Vec<key_item::Model>,
    on: NaiveDate,
) -> StoreResult<Vec<KeyItemRow>> {
    let mut ms = milestones_of(db, items.iter().map(|i| i.id.clone()).collect()).await?;
    Ok(items
        .into_iter()
        .map(|item| {
            let milestones = ms.remove(&item.id).unwrap_or_default();
            KeyItemRow {
                risk: risk_of(&item, &milestones, on),
                item,
                milestones,
            }
        })
        .collect())
}

/// The filtered items as they stand on `on`. The risk flags are computed,
/// so the list is filtered in memory (a year's list is a few hundred items).
pub async fn list_key_items(
    db: &Db,
    f: &KeyItemFilter,
    on: NaiveDate,
    p: PageReq,
) -> StoreResult<Page<KeyItemRow>> {
    let all = list_all_key_items(db, f, on, 100_000).await?;
    let total = all.len() as u64;
    let items = all
        .into_iter()
        .skip(p.offset() as usize)
        .take(p.per_page() as usize)
        .collect();
    Ok(Page {
        items,
        total,
        page: p.page(),
        per_page: p.per_page(),
    })
}

pub async fn list_all_key_items(
    db: &Db,
    f: &KeyItemFilter,
    on: NaiveDate,
    cap: u64,
) -> StoreResult<Vec<KeyItemRow>> {
    let items = items_filtered(f).limit(cap).all(db).await?;
    let mut rows = key_item_rows(db, items, on).await?;
    if f.overdue || f.at_risk {
        rows.retain(|r| {
            (f.overdue && r.risk == Risk::Overdue) || (f.at_risk && r.risk == Risk::AtRisk)
        });
    }
    Ok(rows)
}

pub async fn get_key_item<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<key_item::Model> {
    key_item::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// One item with its milestones, as it stands today.
pub async fn key_item_detail(db: &Db, id: &str) -> StoreResult<KeyItemRow> {
    let item = get_key_item(db, id).await?;
    Ok(key_item_rows(db, vec![item], today()).await?.remove(0))
}

/// The meetings whose agenda carried the item (date order).
pub async fn agenda_history(
    db: &Db,
    key_item_id: &str,
) -> StoreResult<Vec<(meeting::Model, String)>> {
    let rows = meeting_agenda::Entity::find()
        .filter(meeting_agenda::Column::KeyItemId.eq(key_item_id))
        .all(db)
        .await?;
    let reasons: HashMap<String, String> = rows
        .iter()
        .map(|a| (a.meeting_id.clone(), a.reason.clone()))
        .collect();
    let meetings = meeting::Entity::find()
        .filter(meeting::Column::Id.is_in(reasons.keys().cloned().collect::<Vec<_>>()))
        .order_by_asc(meeting::Column::HeldOn)
        .order_by_asc(meeting::Column::Id)
        .all(db)
        .await?;
    Ok(meetings
        .into_iter()
        .map(|m| {
            let r = reasons.get(&m.id).cloned().unwrap_or_default();
            (m, r)
        })
        .collect())
}

async fn check_department<C: ConnectionTrait>(db: &C, id: &Option<String>) -> StoreResult<()> {
    if let Some(d) = id {
        department::Entity::find_by_id(d.clone())
            .one(db)
            .await?
            .ok_or_else(|| {
                StoreError::rule(
                    ErrorCode::UnknownDepartment,
                    "责任单位不存在，请从部门中选择",
                )
            })?;
    }
    Ok(())
}

fn check_milestones(due_on: NaiveDate, ms: &[(String, NaiveDate)]) -> StoreResult<()> {
    if let Some((t, d)) = ms.iter().find(|(_, d)| *d > due_on) {
        return Err(StoreError::rule(
            ErrorCode::MilestoneAfterDeadline,
            format!("节点“{t}”的时间 {d} 晚于完成时限 {due_on}"),
        ));
    }
    Ok(())
}

fn apply_item(am: &mut key_item::ActiveModel, i: &KeyItemInput, year: i32) {
    am.year = Set(year);
    am.title = Set(i.title.clone());
    am.owner = Set(i.owner.clone());
    am.department_id = Set(i.department_id.clone());
    am.decision = Set(i.decision.clone());
    am.due_on = Set(i.due_on);
}

async fn insert_milestone<C: ConnectionTrait>(
    tx: &C,
    actor: &str,
    key_item_id: &str,
    title: String,
    due_on: NaiveDate,
    done_on: Option<NaiveDate>,
) -> StoreResult<key_item_milestone::Model> {
    record::insert(
        tx,
        actor,
        key_item_milestone::ActiveModel {
            key_item_id: Set(key_item_id.into()),
            title: Set(title),
            due_on: Set(due_on),
            done_on: Set(done_on),
            ..Default::default()
        },
    )
    .await
}

/// Put an item on the annual list, with its milestones. With a meeting, it
/// is that meeting's decision (and takes the meeting's year by default).
pub async fn create_key_item(db: &Db, actor: &str, i: KeyItemInput) -> StoreResult<KeyItemRow> {
    check_milestones(i.due_on, &i.milestones)?;
    let tx = crate::db::begin_write(db).await?;
    let (item, mut milestones) = insert_item(&tx, actor, &KeyItemRecord::new(i)).await?;
    tx.commit().await?;
    milestones.sort_by_key(|m| (m.due_on, m.id.clone()));
    Ok(KeyItemRow {
        risk: risk_of(&item, &milestones, today()),
        item,
        milestones,
    })
}

/// A key item where it stands, as a ledger records it: the day each
/// milestone was done, the progress reported, the day the item was done.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyItemRecord {
    pub item: KeyItemInput,
    /// The day each of `item.milestones` was done (same order).
    pub milestones_done: Vec<Option<NaiveDate>>,
    pub progress: i32,
    pub done_on: Option<NaiveDate>,
}

impl KeyItemRecord {
    /// A new item: nothing done, no progress.
    pub fn new(item: KeyItemInput) -> Self {
        KeyItemRecord {
            milestones_done: vec![None; item.milestones.len()],
            progress: 0,
            done_on: None,
            item,
        }
    }

    /// Whether the record could have come about through the forms: each
    /// milestone by the deadline and done by `today`, progress 0–100, the
    /// item done by `today` only with every milestone done and progress
    /// 100%. Err names what is wrong: ("milestones" | "progress" | "done_on", why).
    pub fn fits(&self, today: NaiveDate) -> Result<(), (&'static str, String)> {
        check_milestones(self.item.due_on, &self.item.milestones)
            .map_err(|e| ("milestones", e.to_string()))?;
        let done = self.item.milestones.iter().zip(&self.milestones_done);
        if let Some(((t, _), _)) = done.clone().find(|(_, d)| d.is_some_and(|d| d > today)) {
            return Err(("milestones", format!("节点“{t}”的完成日期晚于今天")));
        }
        if !(0..=100).contains(&self.progress) {
            return Err(("progress", "工作进度须为 0～100 之间的整数".into()));
        }
        if let Some(on) = self.done_on {
            if on > today {
                return Err(("done_on", "完成日期不能晚于今天".into()));
            }
            if let Some(((t, _), _)) = done.clone().find(|(_, d)| d.is_none()) {
                return Err(("done_on", format!("节点“{t}”未完成，事项不能记为已完成")));
            }
            if self.progress != 100 {
                return Err(("progress", "已完成的事项工作进度应为100%".into()));
            }
        }
        Ok(())
    }
}

/// Insert an item with its milestones in `tx` (the department and meeting
/// checked; the year by default the meeting's, else the deadline's).
async fn insert_item<C: ConnectionTrait>(
    tx: &C,
    actor: &str,
    r: &KeyItemRecord,
) -> StoreResult<(key_item::Model, Vec<key_item_milestone::Model>)> {
    let i = &r.item;
    check_department(tx, &i.department_id).await?;
    let meeting_year = match &i.meeting_id {
        Some(m) => Some(
            get_meeting(tx, m)
                .await
                .map_err(|_| StoreError::rule(ErrorCode::UnknownMeeting, "来源会议不存在"))?
                .held_on
                .year(),
        ),
        None => None,
    };
    let year = i.year.or(meeting_year).unwrap_or(i.due_on.year());
    let mut am = key_item::ActiveModel {
        meeting_id: Set(i.meeting_id.clone()),
        progress: Set(r.progress),
        status: Set(match r.done_on {
            Some(_) => KeyStatus::Done,
            None => KeyStatus::Open,
        }
        .as_str()
        .into()),
        done_on: Set(r.done_on),
        note: Set(i.note.clone()),
        ..Default::default()
    };
    apply_item(&mut am, i, year);
    let item = record::insert(tx, actor, am).await?;
    let mut milestones = vec![];
    for ((t, d), done) in i.milestones.iter().zip(&r.milestones_done) {
        milestones.push(insert_milestone(tx, actor, &item.id, t.clone(), *d, *done).await?);
    }
    Ok((item, milestones))
}

/// Register a ledger's key items where each stands, all or nothing; each
/// record is checked by [`KeyItemRecord::fits`] here too. Err carries the
/// index of the item.
pub async fn import_key_items(
    db: &Db,
    actor: &str,
    rows: Vec<KeyItemRecord>,
) -> Result<usize, (usize, StoreError)> {
    let tx = crate::imports::begin(db, "key_items").await?;
    let n = rows.len();
    for (k, r) in rows.iter().enumerate() {
        r.fits(today())
            .map_err(|(_, why)| (k, StoreError::rule(ErrorCode::ImportInvalid, why)))?;
        let (item, _) = insert_item(&tx, actor, r).await.map_err(|e| (k, e))?;
        let same = key_item::Entity::find()
            .filter(key_item::Column::Year.eq(item.year))
            .filter(key_item::Column::Title.eq(item.title.clone()))
            .count(&tx)
            .await
            .map_err(|e| (k, e.into()))?;
        crate::imports::only_one(same, || {
            format!("{}年的重点事项“{}”", item.year, item.title)
        })
        .map_err(|e| (k, e))?;
    }
    tx.commit().await.map_err(|e| (0, StoreError::from(e)))?;
    Ok(n)
}

/// Change an item's title, owner, department, decision, deadline or year
/// (milestones and the source meeting stay).
pub async fn update_key_item(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: KeyItemInput,
) -> StoreResult<key_item::Model> {
    let tx = crate::db::begin_write(db).await?;
    check_department(&tx, &i.department_id).await?;
    let before = get_key_item(&tx, id).await?;
    let existing: Vec<(String, NaiveDate)> = milestones_of(&tx, vec![id.to_string()])
        .await?
        .remove(id)
        .unwrap_or_default()
        .into_iter()
        .map(|m| (m.title, m.due_on))
        .collect();
    check_milestones(i.due_on, &existing)?;
    let year = i.year.unwrap_or(before.year);
    let m = record::update(&tx, actor, "update", before, version, |am| {
        apply_item(am, &i, year)
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

fn still_open(item: &key_item::Model) -> StoreResult<()> {
    if item.status == KeyStatus::Done.as_str() {
        return Err(StoreError::rule(
            ErrorCode::KeyItemDone,
            "该重点事项已完成，不能再更新进度或节点",
        ));
    }
    Ok(())
}

/// Report progress (percent) with a note on an open item.
pub async fn report_progress(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    progress: i32,
    note: String,
) -> StoreResult<key_item::Model> {
    if !(0..=100).contains(&progress) {
        return Err(StoreError::rule(
            ErrorCode::InvalidProgress,
            "工作进度须为 0～100 之间的整数",
        ));
    }
    let tx = crate::db::begin_write(db).await?;
    let before = get_key_item(&tx, id).await?;
    still_open(&before)?;
    let m = record::update(&tx, actor, "progress", before, version, |am| {
        am.progress = Set(progress);
        am.note = Set(note);
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Mark an item done on `on` (not in the future); every milestone must be done first.
pub async fn complete_key_item(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    on: NaiveDate,
) -> StoreResult<key_item::Model> {
    if on > today() {
        return Err(StoreError::rule(
            ErrorCode::DoneInFuture,
            "完成日期不能晚于今天",
        ));
    }
    let tx = crate::db::begin_write(db).await?;
    let before = get_key_item(&tx, id).await?;
    still_open(&before)?;
    let open = key_item_milestone::Entity::find()
        .filter(key_item_milestone::Column::KeyItemId.eq(id))
        .filter(key_item_milestone::Column::DoneOn.is_null())
        .count(&tx)
        .await?;
    if open > 0 {
        return Err(StoreError::rule(
            ErrorCode::MilestonesOpen,
            format!("还有 {open} 个节点未完成，请先逐一完成节点"),
        ));
    }
    let m = record::update(&tx, actor, "complete", before, version, |am| {
        am.status = Set(KeyStatus::Done.as_str().into());
        am.done_on = Set(Some(on));
        am.progress = Set(100);
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Add a milestone to an open item.
pub async fn add_milestone(
    db: &Db,
    actor: &str,
    key_item_id: &str,
    title: String,
    due_on: NaiveDate,
) -> StoreResult<key_item_milestone::Model> {
    let tx = crate::db::begin_write(db).await?;
    let item = get_key_item(&tx, key_item_id).await?;
    still_open(&item)?;
    check_milestones(item.due_on, &[(title.clone(), due_on)])?;
    let m = insert_milestone(&tx, actor, key_item_id, title, due_on, None).await?;
    tx.commit().await?;
    Ok(m)
}

/// Mark a milestone of an item done on `on` (not in the future).
pub async fn complete_milestone(
    db: &Db,
    actor: &str,
    key_item_id: &str,
    milestone_id: &str,
    version: i32,
    on: NaiveDate,
) -> StoreResult<key_item_milestone::Model> {
    if on > today() {
        return Err(StoreError::rule(
            ErrorCode::DoneInFuture,
            "完成日期不能晚于今天",
        ));
    }
    let tx = crate::db::begin_write(db).await?;
    let item = get_key_item(&tx, key_item_id).await?;
    still_open(&item)?;
    let ms = key_item_milestone::Entity::find_by_id(milestone_id.to_string())
        .one(&tx)
        .await?
        .filter(|m| m.key_item_id == key_item_id)
        .ok_or(StoreError::NotFound)?;
    if ms.done_on.is_some() {
        return Err(StoreError::rule(ErrorCode::MilestoneDone, "该节点已完成"));
    }
    let m = record::update(&tx, actor, "complete", ms, version, |am| {
        am.done_on = Set(Some(on))
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// The years that have key items, newest first (with the current year).
pub async fn key_item_years(db: &Db) -> StoreResult<Vec<i32>> {
    let mut v: Vec<i32> = key_item::Entity::find()
        .select_only()
        .column(key_item::Column::Year)
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let this = today().year();
    if !v.contains(&this) {
        v.push(this);
    }
    v.sort_unstable_by(|a, b| b.cmp(a));
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn done_items_are_done_only_from_their_date() {
        assert_eq!(
            risk_at(d(3, 31), 100, Some(d(3, 20)), &[], d(4, 10)),
            Risk::Done
        );
        // Done later than the meeting: at the meeting it was overdue.
        assert_eq!(
            risk_at(d(3, 31), 90, Some(d(4, 20)), &[], d(4, 10)),
            Risk::Overdue
        );
    }

    #[test]
    fn overdue_is_strictly_past_the_deadline() {
        assert_eq!(risk_at(d(4, 9), 100, None, &[], d(4, 10)), Risk::Overdue);
        // Due on the meeting day is not overdue yet (but close and below 70% is at risk).
        assert_eq!(risk_at(d(4, 10), 50, None, &[], d(4, 10)), Risk::AtRisk);
        assert_eq!(risk_at(d(4, 10), 80, None, &[], d(4, 10)), Risk::OnTrack);
    }

    #[test]
    fn close_and_behind_is_at_risk() {
        // Due in exactly 30 days with 69%: at risk; 70% is enough.
        assert_eq!(risk_at(d(5, 10), 69, None, &[], d(4, 10)), Risk::AtRisk);
        assert_eq!(risk_at(d(5, 10), 70, None, &[], d(4, 10)), Risk::OnTrack);
        // 31 days away is outside the window.
        assert_eq!(risk_at(d(5, 11), 0, None, &[], d(4, 10)), Risk::OnTrack);
    }

    #[test]
    fn a_missed_milestone_puts_the_item_at_risk() {
        let ms = [(d(3, 31), None), (d(6, 30), None)];
        assert_eq!(risk_at(d(9, 30), 80, None, &ms, d(4, 10)), Risk::AtRisk);
        // Done by the meeting: fine; done after the meeting: still missed then.
        let ms = [(d(3, 31), Some(d(4, 2)))];
        assert_eq!(risk_at(d(9, 30), 10, None, &ms, d(4, 10)), Risk::OnTrack);
        let ms = [(d(3, 31), Some(d(4, 12)))];
        assert_eq!(risk_at(d(9, 30), 10, None, &ms, d(4, 10)), Risk::AtRisk);
        // A milestone due on the meeting day is not missed yet.
        let ms = [(d(4, 10), None)];
        assert_eq!(risk_at(d(9, 30), 10, None, &ms, d(4, 10)), Risk::OnTrack);
    }

    #[test]
    fn kinds_parse_from_code_or_label() {
        assert_eq!(MeetingKind::parse("月度碰头会"), Some(MeetingKind::Monthly));
        assert_eq!(MeetingKind::parse("joint"), Some(MeetingKind::Joint));
        assert_eq!(MeetingKind::parse("座谈会"), Some(MeetingKind::Symposium));
        assert_eq!(
            MeetingKind::parse("officers_monthly"),
            Some(MeetingKind::OfficersMonthly)
        );
        assert_eq!(MeetingKind::parse("周例会"), None);
        assert_eq!(
            MeetingKind::choices_zh(),
            "联席会议、月度碰头会、座谈会或首席服务官月度例会"
        );
    }
}

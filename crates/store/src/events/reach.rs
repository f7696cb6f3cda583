//! Reach (服务覆盖), computed from the check-ins on every read:
//!
//! - **events held**: published (never cancelled) events that are over,
//!   whose first day lies in the period;
//! - **attendances** (参与人次): checked-in registrations of those events;
//! - **institutions** (参与机构): distinct institutions among the
//!   attendances, an institution being its credit code (for a registered
//!   organisation, the register's code; without one, the register id), and
//!   counted once per series and year: attending three 两城汇 events of
//!   2026 counts once for 两城汇 2026. An event outside any series is a
//!   series of its own.
//!
//! Figures come as totals and grouped by kind, series, sector and month
//! (of the event's first day). Each figure is reproducible: [`held_events`]
//! lists the events behind an events figure and [`attendances`] the
//! registrations behind an attendances or institutions figure (the
//! `counted` ones), with the same filter and group. Within a group an
//! institution counts at its first attendance in that group.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use kechuang_domain::events::{
    counted_institutions, Attendance, EventKind, EventStatus, OutcomeKind, Sector,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{local_now, schedule_of};
use crate::entities::{event, event_outcome, event_registration, org};
use crate::{Db, Page, PageReq, StoreResult};

/// Which events count: first day in `from..=to`, of one series or kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReachFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub series_id: Option<String>,
    pub kind: Option<EventKind>,
}

/// The three figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    pub events: u64,
    pub institutions: u64,
    pub attendances: u64,
}

/// A group of a breakdown: its key, label and figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group<K> {
    pub key: K,
    pub label: String,
    pub figures: Figures,
}

/// Reach in total and broken down. Under `by_sector`, events are those
/// with an attendance from the sector.
#[derive(Clone, Debug, Default)]
pub struct Reach {
    pub totals: Figures,
    /// Every kind, in `EventKind::ALL` order.
    pub by_kind: Vec<Group<EventKind>>,
    /// Series with held events, by name; None: events outside any series.
    pub by_series: Vec<Group<Option<String>>>,
    /// Every sector, in 政产学研金介 order.
    pub by_sector: Vec<Group<Sector>>,
    /// (year, month) with held events, in order.
    pub by_month: Vec<Group<(i32, u32)>>,
}

/// One group of a breakdown, to list what is behind its figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Slice {
    Kind(EventKind),
    /// None: events outside any series.
    Series(Option<String>),
    Sector(Sector),
    Month {
        year: i32,
        month: u32,
    },
}

/// An attendance behind a figure.
#[derive(Clone, Debug)]
pub struct ReachRow {
    pub registration: event_registration::Model,
    pub event_title: String,
    pub event_kind: String,
    pub series_id: Option<String>,
    pub starts_on: NaiveDate,
    /// The institution as counted: credit code, or `org:<id>` without one.
    pub institution: String,
    /// This attendance counts its institution (the first of it in its
    /// series and year, within the listed group).
    pub counted: bool,
}

/// Held events matching the filter, in the order of their first day.
async fn held<C: ConnectionTrait>(db: &C, f: &ReachFilter) -> StoreResult<Vec<event::Model>> {
    use event::Column as C;
    let now = local_now();
    let mut q = event::Entity::find()
        .filter(C::Status.eq(EventStatus::Published.as_str()))
        .filter(C::EndsOn.lte(now.date()));
    if let Some(d) = f.from {
        q = q.filter(C::StartsOn.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(C::StartsOn.lte(d));
    }
    if let Some(s) = &f.series_id {
        q = q.filter(C::SeriesId.eq(s.clone()));
    }
    if let Some(k) = f.kind {
        q = q.filter(C::Kind.eq(k.as_str()));
    }
    let all = q
        .order_by_asc(C::StartsOn)
        .order_by_asc(C::Id)
        .all(db)
        .await?;
    Ok(all
        .into_iter()
        .filter(|e| schedule_of(e).ended_by(now))
        .collect())
}

fn series_key(e: &event::Model) -> String {
    match &e.series_id {
        Some(s) => s.clone(),
        None => format!("event:{}", e.id),
    }
}

/// The checked-in registrations of `events`, in event order then check-in
/// order, each with its event's index and institution.
async fn attendance_rows<C: ConnectionTrait>(
    db: &C,
    events: &[event::Model],
) -> StoreResult<Vec<(usize, String, event_registration::Model)>> {
    let index: HashMap<&str, usize> = events
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let ids: Vec<String> = events.iter().map(|e| e.id.clone()).collect();
    let mut regs = vec![];
    for chunk in ids.chunks(500) {
        regs.extend(
            event_registration::Entity::find()
                .filter(event_registration::Column::EventId.is_in(chunk.to_vec()))
                .filter(event_registration::Column::CheckedInAt.is_not_null())
                .all(db)
                .await?,
        );
    }
    let org_ids: Vec<String> = {
        let mut v: Vec<String> = regs.iter().filter_map(|r| r.org_id.clone()).collect();
        v.sort();
        v.dedup();
        v
    };
    let mut codes: HashMap<String, Option<String>> = HashMap::new();
    for chunk in org_ids.chunks(500) {
        let rows: Vec<(String, Option<String>)> = org::Entity::find()
            .select_only()
            .column(org::Column::Id)
            .column(org::Column::Uscc)
            .filter(org::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        codes.extend(rows);
    }
    let mut out: Vec<(usize, String, event_registration::Model)> = regs
        .into_iter()
        .filter_map(|r| {
            let i = *index.get(r.event_id.as_str())?;
            let inst = match (&r.org_id, &r.institution_uscc) {
                (Some(o), _) => match codes.get(o).cloned().flatten() {
                    Some(code) => code,
                    None => format!("org:{o}"),
                },
                (None, Some(code)) => code.clone(),
                (None, None) => format!("name:{}", r.institution_name),
            };
            Some((i, inst, r))
        })
        .collect();
    out.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.2.checked_in_at.cmp(&b.2.checked_in_at))
            .then(a.2.id.cmp(&b.2.id))
    });
    Ok(out)
}

/// Which attendances count their institution.
fn counted(
    events: &[event::Model],
    rows: &[&(usize, String, event_registration::Model)],
) -> Vec<bool> {
    let keys: Vec<(String, i32)> = rows
        .iter()
        .map(|(i, _, _)| (series_key(&events[*i]), events[*i].starts_on.year()))
        .collect();
    let atts: Vec<Attendance<'_>> = rows
        .iter()
        .zip(&keys)
        .map(|((_, inst, _), (series, year))| Attendance {
            series,
            year: *year,
            institution: inst,
        })
        .collect();
    counted_institutions(&atts)
}

fn in_slice(e: &event::Model, sector: &str, s: &Slice) -> bool {
    match s {
        Slice::Kind(k) => e.kind == k.as_str(),
        Slice::Series(id) => &e.series_id == id,
        Slice::Sector(x) => sector == x.as_str(),
        Slice::Month { year, month } => {
            e.starts_on.year() == *year && e.starts_on.month() == *month
        }
    }
}

fn event_in_slice(e: &event::Model, s: &Slice) -> bool {
    match s {
        Slice::Sector(_) => true,
        other => in_slice(e, "", other),
    }
}

fn figures(
    events: &[event::Model],
    rows: &[(usize, String, event_registration::Model)],
    slice: Option<&Slice>,
) -> Figures {
    let mine: Vec<&(usize, String, event_registration::Model)> = rows
        .iter()
        .filter(|(i, _, r)| slice.is_none_or(|s| in_slice(&events[*i], &r.sector, s)))
        .collect();
    let held = match slice {
        Some(Slice::Sector(_)) => {
            let mut ids: Vec<usize> = mine.iter().map(|(i, _, _)| *i).collect();
            ids.dedup();
            ids.len() as u64
        }
        Some(s) => events.iter().filter(|e| event_in_slice(e, s)).count() as u64,
        None => events.len() as u64,
    };
    Figures {
        events: held,
        institutions: counted(events, &mine).iter().filter(|c| **c).count() as u64,
        attendances: mine.len() as u64,
    }
}

/// Reach over the filter: totals and the breakdowns by kind, series, sector and month.
pub async fn reach(db: &Db, f: &ReachFilter) -> StoreResult<Reach> {
    let events = held(db, f).await?;
    let rows = attendance_rows(db, &events).await?;
    let series_names: HashMap<String, String> =
        super::series::names(db).await?.into_iter().collect();
    let by_kind = EventKind::ALL
        .iter()
        .map(|k| Group {
            key: *k,
            label: k.label_zh().into(),
            figures: figures(&events, &rows, Some(&Slice::Kind(*k))),
        })
        .collect();
    let mut series: Vec<Option<String>> = events.iter().map(|e| e.series_id.clone()).collect();
    series.sort();
    series.dedup();
    let mut by_series: Vec<Group<Option<String>>> = series
        .into_iter()
        .map(|s| Group {
            label: match &s {
                Some(id) => series_names.get(id).cloned().unwrap_or_default(),
                None => "未归入系列".into(),
            },
            figures: figures(&events, &rows, Some(&Slice::Series(s.clone()))),
            key: s,
        })
        .collect();
    by_series.sort_by(|a, b| {
        a.key
            .is_none()
            .cmp(&b.key.is_none())
            .then(a.label.cmp(&b.label))
    });
    let by_sector = Sector::ALL
        .iter()
        .map(|s| Group {
            key: *s,
            label: s.label_zh().into(),
            figures: figures(&events, &rows, Some(&Slice::Sector(*s))),
        })
        .collect();
    let months: BTreeMap<(i32, u32), ()> = events
        .iter()
        .map(|e| ((e.starts_on.year(), e.starts_on.month()), ()))
        .collect();
    let by_month = months
        .into_keys()
        .map(|(year, month)| Group {
            key: (year, month),
            label: format!("{year}年{month}月"),
            figures: figures(&events, &rows, Some(&Slice::Month { year, month })),
        })
        .collect();
    Ok(Reach {
        totals: figures(&events, &rows, None),
        by_kind,
        by_series,
        by_sector,
        by_month,
    })
}

/// The held events behind an events figure (the whole filter, or one
/// group; for a sector, the events with an attendance from it), in the
/// order of their first day.
pub async fn held_events(
    db: &Db,
    f: &ReachFilter,
    slice: Option<&Slice>,
) -> StoreResult<Vec<event::Model>> {
    let events = held(db, f).await?;
    match slice {
        Some(Slice::Sector(s)) => {
            let rows = attendance_rows(db, &events).await?;
            let mut with: Vec<usize> = rows
                .iter()
                .filter(|(_, _, r)| r.sector == s.as_str())
                .map(|(i, _, _)| *i)
                .collect();
            with.dedup();
            Ok(with.into_iter().map(|i| events[i].clone()).collect())
        }
        Some(s) => Ok(events
            .into_iter()
            .filter(|e| event_in_slice(e, s))
            .collect()),
        None => Ok(events),
    }
}

/// The attendances behind an attendances figure (`only_counted` false) or
/// an institutions figure (`only_counted` true: one row per institution
/// counted), for the whole filter or one group, one page at a time, in
/// event order then check-in order.
pub async fn attendances(
    db: &Db,
    f: &ReachFilter,
    slice: Option<&Slice>,
    only_counted: bool,
    p: PageReq,
) -> StoreResult<Page<ReachRow>> {
    let events = held(db, f).await?;
    let rows = attendance_rows(db, &events).await?;
    let mine: Vec<&(usize, String, event_registration::Model)> = rows
        .iter()
        .filter(|(i, _, r)| slice.is_none_or(|s| in_slice(&events[*i], &r.sector, s)))
        .collect();
    let flags = counted(&events, &mine);
    let all: Vec<ReachRow> = mine
        .into_iter()
        .zip(flags)
        .filter(|(_, c)| *c || !only_counted)
        .map(|((i, inst, r), c)| {
            let e = &events[*i];
            ReachRow {
                registration: r.clone(),
                event_title: e.title.clone(),
                event_kind: e.kind.clone(),
                series_id: e.series_id.clone(),
                starts_on: e.starts_on,
                institution: inst.clone(),
                counted: c,
            }
        })
        .collect();
    let total = all.len() as u64;
    let items = all
        .into_iter()
        .skip(usize::try_from(p.offset()).unwrap_or(usize::MAX))
        .take(p.per_page() as usize)
        .collect();
    Ok(Page {
        items,
        total,
        page: p.page(),
        per_page: p.per_page(),
    })
}

/// Outcomes of the held events of the filter, summed by kind (every kind,
/// in `OutcomeKind::ALL` order).
pub async fn outcome_totals(db: &Db, f: &ReachFilter) -> StoreResult<Vec<(OutcomeKind, u64)>> {
    let rows = outcome_rows(db, f, None).await?;
    Ok(OutcomeKind::ALL
        .iter()
        .map(|k| {
            let n = rows
                .iter()
                .filter(|(o, _)| o.kind == k.as_str())
                .map(|(o, _)| u64::try_from(o.count).unwrap_or(0))
                .sum();
            (*k, n)
        })
        .collect())
}

/// The outcome rows behind [`outcome_totals`] (of one kind, or all), each
/// with its event, in the order of the events.
pub async fn outcome_rows(
    db: &Db,
    f: &ReachFilter,
    kind: Option<OutcomeKind>,
) -> StoreResult<Vec<(event_outcome::Model, event::Model)>> {
    let events = held(db, f).await?;
    let ids: Vec<String> = events.iter().map(|e| e.id.clone()).collect();
    let mut outcomes = vec![];
    for chunk in ids.chunks(500) {
        let mut q = event_outcome::Entity::find()
            .filter(event_outcome::Column::EventId.is_in(chunk.to_vec()));
        if let Some(k) = kind {
            q = q.filter(event_outcome::Column::Kind.eq(k.as_str()));
        }
        outcomes.extend(q.all(db).await?);
    }
    let by_id: HashMap<&str, (usize, &event::Model)> = events
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), (i, e)))
        .collect();
    let mut out: Vec<(usize, event_outcome::Model, event::Model)> = outcomes
        .into_iter()
        .filter_map(|o| {
            let (i, e) = by_id.get(o.event_id.as_str())?;
            Some((*i, o, (*e).clone()))
        })
        .collect();
    out.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.created_at.cmp(&b.1.created_at))
            .then(a.1.id.cmp(&b.1.id))
    });
    Ok(out.into_iter().map(|(_, o, e)| (o, e)).collect())
}

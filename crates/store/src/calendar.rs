//! The statutory work calendar as editable records (holidays and adjusted
//! working days). Time limits everywhere are computed from these rows.

use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate};
use kechuang_domain::calendar::{CalendarDay, DayKind, WorkCalendar};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

use crate::entities::calendar_day;
use crate::record;
use crate::{Db, StoreError, StoreResult};

fn kind_of(s: &str) -> DayKind {
    if s == "workday" {
        DayKind::Workday
    } else {
        DayKind::Holiday
    }
}

fn kind_str(k: DayKind) -> &'static str {
    match k {
        DayKind::Holiday => "holiday",
        DayKind::Workday => "workday",
    }
}

pub fn to_day(m: &calendar_day::Model) -> CalendarDay {
    CalendarDay {
        date: m.day,
        kind: kind_of(&m.kind),
        name: m.name.clone(),
    }
}

/// Days of one year (or all), in date order.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    year: Option<i32>,
) -> StoreResult<Vec<calendar_day::Model>> {
    let mut q = calendar_day::Entity::find().order_by_asc(calendar_day::Column::Day);
    if let Some(y) = year {
        let (a, b) = (
            NaiveDate::from_ymd_opt(y, 1, 1).ok_or(StoreError::NotFound)?,
            NaiveDate::from_ymd_opt(y, 12, 31).ok_or(StoreError::NotFound)?,
        );
        q = q.filter(calendar_day::Column::Day.between(a, b));
    }
    Ok(q.all(db).await?)
}

/// How long a replica trusts its copy of the calendar. Edits made through
/// this process clear it at once; edits made on another replica are seen
/// within this time (the calendar changes a few times a year).
pub const CACHE_TTL: Duration = Duration::from_secs(10);

type Cache = RwLock<HashMap<String, (Instant, WorkCalendar)>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

fn forget(db: &Db) {
    cache()
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&crate::db::identity(db));
}

/// The whole calendar, ready for workday maths (cached per database; every
/// time limit reads it, so a case action does not reload it each time).
pub async fn load(db: &Db) -> StoreResult<WorkCalendar> {
    let key = crate::db::identity(db);
    if let Some((at, cal)) = cache().read().unwrap_or_else(|e| e.into_inner()).get(&key) {
        if at.elapsed() < CACHE_TTL {
            return Ok(cal.clone());
        }
    }
    let cal = WorkCalendar::new(list(db, None).await?.iter().map(to_day));
    cache()
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, (Instant::now(), cal.clone()));
    Ok(cal)
}

/// Years that have at least one entry.
pub async fn years<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<i32>> {
    let mut ys: Vec<i32> = list(db, None).await?.iter().map(|d| d.day.year()).collect();
    ys.dedup();
    Ok(ys)
}

/// Mark a date as a holiday or an adjusted working day (insert or change).
pub async fn set_day(db: &Db, actor: &str, day: CalendarDay) -> StoreResult<calendar_day::Model> {
    let tx = crate::db::begin_write(db).await?;
    let existing = calendar_day::Entity::find()
        .filter(calendar_day::Column::Day.eq(day.date))
        .one(&tx)
        .await?;
    let m = match existing {
        Some(old) => {
            let v = old.version;
            record::update(
                &tx,
                actor,
                "update",
                old,
                v,
                |am: &mut calendar_day::ActiveModel| {
                    am.kind = Set(kind_str(day.kind).into());
                    am.name = Set(day.name);
                },
            )
            .await?
        }
        None => insert(&tx, actor, day).await?,
    };
    tx.commit().await?;
    forget(db);
    Ok(m)
}

async fn insert<C: ConnectionTrait>(
    tx: &C,
    actor: &str,
    day: CalendarDay,
) -> StoreResult<calendar_day::Model> {
    let am = calendar_day::ActiveModel {
        day: Set(day.date),
        kind: Set(kind_str(day.kind).into()),
        name: Set(day.name),
        ..Default::default()
    };
    record::insert(tx, actor, am).await
}

/// Remove a date's entry: it becomes an ordinary day again.
pub async fn remove_day(db: &Db, actor: &str, date: NaiveDate) -> StoreResult<()> {
    let tx = crate::db::begin_write(db).await?;
    let old = calendar_day::Entity::find()
        .filter(calendar_day::Column::Day.eq(date))
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let v = old.version;
    record::delete(&tx, actor, old, v).await?;
    tx.commit().await?;
    forget(db);
    Ok(())
}

/// Load the official schedules into an empty calendar. Returns rows added.
/// Replicas starting together may race here: the loser's unique-key
/// conflict means another replica seeded, which is fine.
pub async fn seed_official(db: &Db, actor: &str) -> StoreResult<usize> {
    if calendar_day::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    let tx = crate::db::begin_write(db).await?;
    let days = WorkCalendar::official();
    let n = days.len();
    for d in days {
        match insert(&tx, actor, d).await {
            Ok(_) => {}
            Err(StoreError::Conflict { .. }) => return Ok(0),
            Err(e) => return Err(e),
        }
    }
    let committed = tx.commit().await;
    forget(db);
    match committed {
        Ok(()) => Ok(n),
        Err(e) => match StoreError::from(e) {
            StoreError::Conflict { .. } => Ok(0),
            other => Err(other),
        },
    }
}

//! The statutory work calendar as editable records (holidays and adjusted
//! working days). Time limits everywhere are computed from these rows.

use chrono::{Datelike, NaiveDate};
use kechuang_domain::calendar::{CalendarDay, DayKind, WorkCalendar};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, TransactionTrait,
};

use crate::audit::{self, snap};
use crate::entities::calendar_day;
use crate::{new_id, now, Db, StoreError, StoreResult};

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

/// The whole calendar, ready for workday maths.
pub async fn load<C: ConnectionTrait>(db: &C) -> StoreResult<WorkCalendar> {
    Ok(WorkCalendar::new(list(db, None).await?.iter().map(to_day)))
}

/// Years that have at least one entry.
pub async fn years<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<i32>> {
    let mut ys: Vec<i32> = list(db, None).await?.iter().map(|d| d.day.year()).collect();
    ys.dedup();
    Ok(ys)
}

/// Mark a date as a holiday or an adjusted working day (insert or change).
pub async fn set_day(db: &Db, actor: &str, day: CalendarDay) -> StoreResult<calendar_day::Model> {
    let tx = db.begin().await?;
    let existing = calendar_day::Entity::find()
        .filter(calendar_day::Column::Day.eq(day.date))
        .one(&tx)
        .await?;
    let m = match existing {
        Some(old) => {
            audit::bump_version(&tx, "calendar_days", &old.id, old.version).await?;
            let before = snap(&old);
            let mut am: calendar_day::ActiveModel = old.clone().into();
            am.kind = Set(kind_str(day.kind).into());
            am.name = Set(day.name);
            am.version = Set(old.version + 1);
            am.updated_at = Set(now());
            let m = am.update(&tx).await?;
            audit::record(
                &tx,
                actor,
                "calendar_days",
                &m.id,
                "update",
                before,
                snap(&m),
            )
            .await?;
            m
        }
        None => {
            let m = insert(&tx, day).await?;
            audit::record(
                &tx,
                actor,
                "calendar_days",
                &m.id,
                "create",
                serde_json::Value::Null,
                snap(&m),
            )
            .await?;
            m
        }
    };
    tx.commit().await?;
    Ok(m)
}

async fn insert<C: ConnectionTrait>(tx: &C, day: CalendarDay) -> StoreResult<calendar_day::Model> {
    let t = now();
    Ok(calendar_day::ActiveModel {
        id: Set(new_id()),
        day: Set(day.date),
        kind: Set(kind_str(day.kind).into()),
        name: Set(day.name),
        version: Set(1),
        created_at: Set(t),
        updated_at: Set(t),
    }
    .insert(tx)
    .await?)
}

/// Remove a date's entry: it becomes an ordinary day again.
pub async fn remove_day(db: &Db, actor: &str, date: NaiveDate) -> StoreResult<()> {
    let tx = db.begin().await?;
    let old = calendar_day::Entity::find()
        .filter(calendar_day::Column::Day.eq(date))
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    audit::bump_version(&tx, "calendar_days", &old.id, old.version).await?;
    calendar_day::Entity::delete_by_id(old.id.clone())
        .exec(&tx)
        .await?;
    audit::record(
        &tx,
        actor,
        "calendar_days",
        &old.id,
        "delete",
        snap(&old),
        serde_json::Value::Null,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Load the official schedules into an empty calendar. Returns rows added.
pub async fn seed_official(db: &Db, actor: &str) -> StoreResult<usize> {
    if calendar_day::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    let tx = db.begin().await?;
    let days = WorkCalendar::official();
    let n = days.len();
    for d in days {
        let m = insert(&tx, d).await?;
        audit::record(
            &tx,
            actor,
            "calendar_days",
            &m.id,
            "create",
            serde_json::Value::Null,
            snap(&m),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(n)
}

//! What came out of an event (活动成效): projects signed, cases raised,
//! matchmaking leads created, other, each a count with a note. Recorded by
//! the event's organisers on a published event; summed in `reach`.

use kechuang_domain::events::OutcomeKind;
use kechuang_domain::ErrorCode;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use super::{lock_event, require_manager, require_published, Actor};
use crate::entities::event_outcome;
use crate::{record, Db, StoreError, StoreResult};

/// The largest count one outcome row may carry.
pub const MAX_COUNT: u32 = 1_000_000;

/// An outcome as written by forms and the API (note up to 500 characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutcomeInput {
    pub kind: OutcomeKind,
    pub count: u32,
    pub note: String,
}

fn check(i: &OutcomeInput) -> StoreResult<()> {
    if i.count > MAX_COUNT {
        return Err(StoreError::field(
            ErrorCode::InvalidCount,
            "count",
            format!("数量须在 0 到 {MAX_COUNT} 之间"),
        ));
    }
    if i.kind == OutcomeKind::Other && i.note.trim().is_empty() {
        return Err(StoreError::field(
            ErrorCode::NoteRequired,
            "note",
            "“其他成效”请在说明中写明是什么成效",
        ));
    }
    Ok(())
}

/// The outcomes of an event, in the order recorded.
pub async fn of_event<C: ConnectionTrait>(
    db: &C,
    event_id: &str,
) -> StoreResult<Vec<event_outcome::Model>> {
    Ok(event_outcome::Entity::find()
        .filter(event_outcome::Column::EventId.eq(event_id))
        .order_by_asc(event_outcome::Column::CreatedAt)
        .order_by_asc(event_outcome::Column::Id)
        .all(db)
        .await?)
}

/// Record an outcome of a published event the actor manages.
pub async fn add(
    db: &Db,
    actor: &Actor,
    event_id: &str,
    i: OutcomeInput,
) -> StoreResult<event_outcome::Model> {
    check(&i)?;
    let tx = crate::db::begin_write(db).await?;
    let ev = lock_event(&tx, &actor.scope, event_id).await?;
    require_manager(&tx, actor, &ev).await?;
    require_published(&ev)?;
    let m = record::insert(
        &tx,
        &actor.username,
        event_outcome::ActiveModel {
            event_id: Set(event_id.into()),
            kind: Set(i.kind.as_str().into()),
            count: Set(i.count as i32),
            note: Set(i.note.trim().to_string()),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

async fn read<C: ConnectionTrait>(tx: &C, id: &str) -> StoreResult<event_outcome::Model> {
    event_outcome::Entity::find_by_id(id.to_string())
        .one(tx)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Correct an outcome read at `version`.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: &str,
    version: i32,
    i: OutcomeInput,
) -> StoreResult<event_outcome::Model> {
    check(&i)?;
    let tx = crate::db::begin_write(db).await?;
    let before = read(&tx, id).await?;
    let ev = lock_event(&tx, &actor.scope, &before.event_id).await?;
    require_manager(&tx, actor, &ev).await?;
    require_published(&ev)?;
    let m = record::update(
        &tx,
        &actor.username,
        "update",
        before,
        version,
        |am: &mut event_outcome::ActiveModel| {
            am.kind = Set(i.kind.as_str().into());
            am.count = Set(i.count as i32);
            am.note = Set(i.note.trim().to_string());
        },
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Delete an outcome read at `version`.
pub async fn delete(db: &Db, actor: &Actor, id: &str, version: i32) -> StoreResult<()> {
    let tx = crate::db::begin_write(db).await?;
    let before = read(&tx, id).await?;
    let ev = lock_event(&tx, &actor.scope, &before.event_id).await?;
    require_manager(&tx, actor, &ev).await?;
    record::delete(&tx, &actor.username, before, version).await?;
    tx.commit().await?;
    Ok(())
}

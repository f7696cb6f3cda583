//! The one way business records are written. Every insert, update and
//! delete of an audited table goes through here, so each one bumps the
//! `version` (optimistic concurrency, 409 when stale) and writes its audit
//! entry and change-feed row in the caller's transaction.

use std::str::FromStr;

use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    ModelTrait, TryIntoModel,
};
use serde::Serialize;
use serde_json::Value;

use crate::audit::{self, snap};
use crate::{new_id, now, StoreResult};

/// A column every audited table has (`id`, `version`, `created_at`, `updated_at`).
fn col<E: EntityTrait>(name: &str) -> E::Column
where
    E::Column: FromStr,
{
    match E::Column::from_str(name) {
        Ok(c) => c,
        Err(_) => panic!(
            "audited table {} lacks column {name}",
            E::default().table_name()
        ),
    }
}

fn table<E: EntityTrait>() -> String {
    E::default().table_name().to_string()
}

fn id_of(snapshot: &Value) -> String {
    snapshot["id"].as_str().unwrap_or_default().to_string()
}

/// Insert a new record (version 1 and timestamps are set here, the id and
/// the created time unless the caller chose them) and audit it as `create`.
pub async fn insert<C, A>(
    tx: &C,
    actor: &str,
    mut am: A,
) -> StoreResult<<A::Entity as EntityTrait>::Model>
where
    C: ConnectionTrait,
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Column: FromStr,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A> + Serialize,
{
    let t = now();
    let fresh_id = am.is_not_set(col::<A::Entity>("id"));
    if fresh_id {
        am.set(col::<A::Entity>("id"), new_id().into());
    }
    am.set(col::<A::Entity>("version"), 1i32.into());
    // A created time already set is kept (a ledger's record made before it
    // was imported).
    if am.is_not_set(col::<A::Entity>("created_at")) {
        am.set(col::<A::Entity>("created_at"), t.into());
    }
    am.set(col::<A::Entity>("updated_at"), t.into());
    let m = am.insert(tx).await?;
    let after = snap(&m);
    let (table, id) = (table::<A::Entity>(), id_of(&after));
    if fresh_id {
        audit::record_new(tx, actor, &table, &id, after).await?;
    } else {
        // A chosen id may have a history (deleted, then created again).
        audit::record(tx, actor, &table, &id, "create", Value::Null, after).await?;
    }
    Ok(m)
}

/// Insert new records in multi-row statements within the backends'
/// parameter limits (`bulk::insert_rows`; ids are made here), each audited
/// as `create` by its own actor: the same as [`insert`] row by row.
pub async fn insert_many<C, A>(
    tx: &C,
    rows: Vec<(&str, A)>,
) -> StoreResult<Vec<<A::Entity as EntityTrait>::Model>>
where
    C: ConnectionTrait,
    A: ActiveModelTrait
        + ActiveModelBehavior
        + Send
        + TryIntoModel<<A::Entity as EntityTrait>::Model>,
    <A::Entity as EntityTrait>::Column: FromStr,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A> + Serialize,
{
    let t = now();
    let mut models = Vec::with_capacity(rows.len());
    let mut entries = Vec::with_capacity(rows.len());
    let mut ams = Vec::with_capacity(rows.len());
    for (actor, mut am) in rows {
        am.set(col::<A::Entity>("id"), new_id().into());
        am.set(col::<A::Entity>("version"), 1i32.into());
        am.set(col::<A::Entity>("created_at"), t.into());
        am.set(col::<A::Entity>("updated_at"), t.into());
        let m = am.clone().try_into_model()?;
        let after = snap(&m);
        entries.push((actor, id_of(&after), after));
        models.push(m);
        ams.push(am);
    }
    if ams.is_empty() {
        return Ok(models);
    }
    crate::bulk::insert_rows(tx, ams).await?;
    audit::record_new_many(tx, &table::<A::Entity>(), entries).await?;
    Ok(models)
}

/// Change a record the caller has read at `version`: the version moves on
/// (or the write fails with 409 / 404), `change` sets the new values, and
/// the before/after pair is audited under `action`.
pub async fn update<C, M, A>(
    tx: &C,
    actor: &str,
    action: &str,
    before: M,
    version: i32,
    change: impl FnOnce(&mut A),
) -> StoreResult<M>
where
    C: ConnectionTrait,
    M: ModelTrait + IntoActiveModel<A> + Serialize,
    <M::Entity as EntityTrait>::Column: FromStr,
    A: ActiveModelTrait<Entity = M::Entity> + ActiveModelBehavior + Send,
    M::Entity: EntityTrait<Model = M>,
{
    let before_snap = snap(&before);
    let id = id_of(&before_snap);
    let table = table::<M::Entity>();
    audit::bump_version(tx, &table, &id, version).await?;
    let mut am = before.into_active_model();
    change(&mut am);
    am.set(col::<M::Entity>("version"), (version + 1).into());
    am.set(col::<M::Entity>("updated_at"), now().into());
    let m = am.update(tx).await?;
    audit::record(tx, actor, &table, &id, action, before_snap, snap(&m)).await?;
    Ok(m)
}

/// Delete a record the caller has read at `version`, auditing it as `delete`.
pub async fn delete<C, M, A>(tx: &C, actor: &str, before: M, version: i32) -> StoreResult<()>
where
    C: ConnectionTrait,
    M: ModelTrait + IntoActiveModel<A> + Serialize,
    A: ActiveModelTrait<Entity = M::Entity> + ActiveModelBehavior + Send,
{
    let before_snap = snap(&before);
    let id = id_of(&before_snap);
    let table = table::<M::Entity>();
    audit::bump_version(tx, &table, &id, version).await?;
    before.into_active_model().delete(tx).await?;
    audit::record(tx, actor, &table, &id, "delete", before_snap, Value::Null).await?;
    Ok(())
}

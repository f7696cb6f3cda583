//! The matching change feed (`matching_changes`): one row per change to an
//! offer, a need or the vocabulary, written in the transaction that makes
//! the change. The web layer keeps an in-memory matching index on every
//! replica; before each query it reads the rows after the last `seq` it
//! has seen ([`since`]) and refreshes what they name, so a write made
//! through any replica is seen by all.
//!
//! For `seq > last` never to skip a row, rows must become visible in `seq`
//! order. An auto-increment key does not promise that on PostgreSQL and
//! MySQL (a transaction may take 10, another 11 and commit first; a reader
//! then moves past 10 before it commits). So `seq` is taken from the one
//! row of `matching_change_head`, read with a row lock and moved on in the
//! same transaction: the next writer waits for the lock until this one
//! commits, so numbers are given in commit order, and a transaction rolled
//! back gives its numbers back (the feed has no gaps). Writers append as
//! their last step, so the lock is held only until their commit. On SQLite
//! writers are queued anyway.
//!
//! Starting up, read [`latest`] before loading the offers and needs, then
//! follow [`since`] from it: a change committed in between is read twice,
//! which a refresh (upsert or removal) takes in its stride.

use kechuang_domain::matching::ChangeKind;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::{matching_change, matching_change_head};
use crate::{now, Db, StoreError, StoreResult};

/// The head row's key.
const HEAD: i32 = 1;

/// The most rows [`since`] returns at once.
pub const MAX_BATCH: u64 = 10_000;

/// Append changes (kind, record id, action: `create`, `update`, `status`,
/// `delete`) in the caller's transaction, as its last step. Returns the
/// last `seq` given (the head's, when `changes` is empty).
pub async fn append<C: ConnectionTrait>(
    tx: &C,
    changes: &[(ChangeKind, &str, &str)],
) -> StoreResult<i64> {
    let head = matching_change_head::Entity::find_by_id(HEAD)
        .lock_exclusive()
        .one(tx)
        .await?
        .ok_or_else(|| {
            StoreError::Db(sea_orm::DbErr::RecordNotFound(
                "matching_change_head".into(),
            ))
        })?;
    if changes.is_empty() {
        return Ok(head.seq);
    }
    let last = head.seq + changes.len() as i64;
    matching_change_head::Entity::update_many()
        .col_expr(matching_change_head::Column::Seq, Expr::value(last))
        .filter(matching_change_head::Column::Id.eq(HEAD))
        .exec(tx)
        .await?;
    let at = now();
    let mut rows = Vec::with_capacity(changes.len());
    for (k, (kind, id, action)) in changes.iter().enumerate() {
        rows.push(matching_change::ActiveModel {
            seq: Set(head.seq + 1 + k as i64),
            kind: Set(kind.as_str().into()),
            record_id: Set((*id).to_string()),
            action: Set((*action).to_string()),
            created_at: Set(at),
        });
    }
    crate::bulk::insert_rows(tx, rows).await?;
    Ok(last)
}

/// The changes after `after`, in order, at most `limit` (capped at
/// [`MAX_BATCH`]); read again from the last one's `seq` while a full batch
/// comes back.
pub async fn since(db: &Db, after: i64, limit: u64) -> StoreResult<Vec<matching_change::Model>> {
    Ok(matching_change::Entity::find()
        .filter(matching_change::Column::Seq.gt(after))
        .order_by_asc(matching_change::Column::Seq)
        .limit(limit.clamp(1, MAX_BATCH))
        .all(db)
        .await?)
}

/// The last `seq` given (0 before any change).
pub async fn latest(db: &Db) -> StoreResult<i64> {
    let seq: Option<i64> = matching_change_head::Entity::find_by_id(HEAD)
        .select_only()
        .column(matching_change_head::Column::Seq)
        .into_tuple()
        .one(db)
        .await?;
    Ok(seq.unwrap_or(0))
}

/// Ask every replica to rebuild its matching index from scratch (`kechuang
/// reindex`): one rebuild change, which each replica reads at its next
/// catch-up. Returns its `seq`.
pub async fn request_rebuild(db: &Db) -> StoreResult<i64> {
    use sea_orm::TransactionTrait;
    let tx = db.begin().await?;
    let seq = append(&tx, &[(ChangeKind::Rebuild, "", "rebuild")]).await?;
    tx.commit().await?;
    Ok(seq)
}

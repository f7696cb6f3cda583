//! Expired needs close by themselves: the timed work of every replica
//! (`kechuang::jobs`) calls [`close_expired_needs`] daily. A pending or
//! published need whose deadline is before the day is closed with the
//! cause `expired`, each in its own transaction (row locked, status read
//! again), audited as `system` and appended to the change feed. Two
//! replicas sweeping at once close each need once: the second finds it
//! closed, or loses on its version and skips it.

use chrono::NaiveDate;
use kechuang_domain::events::date_zh;
use kechuang_domain::matching::{ChangeKind, CloseCause, ListingStatus};
use kechuang_domain::ErrorCode;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{changes, needs, Actor};
use crate::entities::need;
use crate::{now, record, Db, StoreError, StoreResult};

/// Close the open (pending or published) needs whose deadline is before
/// `today`; the ids closed, in deadline order.
pub async fn close_expired_needs(db: &Db, today: NaiveDate) -> StoreResult<Vec<String>> {
    let open = [
        ListingStatus::Pending.as_str(),
        ListingStatus::Published.as_str(),
    ];
    let due: Vec<String> = need::Entity::find()
        .select_only()
        .column(need::Column::Id)
        .filter(need::Column::Status.is_in(open))
        .filter(need::Column::Deadline.lt(today))
        .order_by_asc(need::Column::Deadline)
        .order_by_asc(need::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let system = Actor::system();
    let mut closed = vec![];
    for id in due {
        match close_one(db, &system, &id, today).await {
            Ok(true) => closed.push(id),
            Ok(false) => {}
            // Another replica closed or changed it meanwhile.
            Err(StoreError::Conflict {
                code: ErrorCode::StaleVersion,
                ..
            })
            | Err(StoreError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(closed)
}

async fn close_one(db: &Db, system: &Actor, id: &str, today: NaiveDate) -> StoreResult<bool> {
    let tx = crate::db::begin_write(db).await?;
    let n = needs::lock(&tx, system, id).await?;
    let Some(deadline) = n.deadline.filter(|d| *d < today) else {
        return Ok(false);
    };
    if !matches!(
        needs::status_of(&n),
        ListingStatus::Pending | ListingStatus::Published
    ) {
        return Ok(false);
    }
    let version = n.version;
    record::update(
        &tx,
        &system.username,
        "close",
        n,
        version,
        |am: &mut need::ActiveModel| {
            am.status = Set(ListingStatus::Closed.as_str().into());
            am.close_cause = Set(Some(CloseCause::Expired.as_str().into()));
            am.status_reason = Set(format!("截止日期{}已过，自动关闭", date_zh(deadline)));
            am.closed_at = Set(Some(now()));
        },
    )
    .await?;
    changes::append(&tx, &[(ChangeKind::Need, id, "status")]).await?;
    tx.commit().await?;
    Ok(true)
}

//! Match messages, once per (need, offer) pair: when a newly published
//! offer matches an open need above the threshold (the web layer ranks
//! with the engine), the need's organisation is told, once. A pair is
//! claimed by inserting its row in `match_notices`, whose unique key on
//! (need_id, offer_id) decides between replicas: the one whose insert
//! stands sends; the others (a row already there, or a unique-key
//! violation on a concurrent insert) do not. Portable: no backend's
//! INSERT … ON CONFLICT is needed, and the losing transaction is simply
//! rolled back.

use kechuang_domain::matching::ListingStatus;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};

use crate::entities::{match_notice, need, user};
use crate::{new_id, now, Db, StoreError, StoreResult};

/// The message for the need's organisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoticeMessage {
    /// Up to 200 characters (longer is cut).
    pub title: String,
    pub body: String,
    /// Where the message leads (the offer's page).
    pub link: String,
}

/// Insert the pair's row unless it is there: whether this call claimed it.
async fn insert_once<C: ConnectionTrait>(
    tx: &C,
    need_id: &str,
    offer_id: &str,
) -> StoreResult<bool> {
    let there = match_notice::Entity::find()
        .select_only()
        .column(match_notice::Column::Id)
        .filter(match_notice::Column::NeedId.eq(need_id))
        .filter(match_notice::Column::OfferId.eq(offer_id))
        .into_tuple::<String>()
        .one(tx)
        .await?;
    if there.is_some() {
        return Ok(false);
    }
    let row = match_notice::ActiveModel {
        id: Set(new_id()),
        need_id: Set(need_id.to_string()),
        offer_id: Set(offer_id.to_string()),
        created_at: Set(now()),
    };
    match match_notice::Entity::insert(row)
        .exec_without_returning(tx)
        .await
    {
        Ok(_) => Ok(true),
        Err(e) => match StoreError::from(e) {
            // Another replica claimed it between our look and our insert.
            StoreError::Conflict { .. } => Ok(false),
            other => Err(other),
        },
    }
}

/// Claim the pair: true the first time (the caller sends the message),
/// false ever after.
pub async fn claim(db: &Db, need_id: &str, offer_id: &str) -> StoreResult<bool> {
    let tx = crate::db::begin_write(db).await?;
    if !insert_once(&tx, need_id, offer_id).await? {
        return Ok(false);
    }
    tx.commit().await?;
    Ok(true)
}

/// Claim the pair and, the first time, put the message in the inbox of
/// every active account of the need's organisation (or of the account
/// that posted it, when the organisation has none), in one transaction.
/// Whether the message was sent: never for a need no longer published
/// (left unclaimed); 404 when the need is gone.
pub async fn notify_once(
    db: &Db,
    need_id: &str,
    offer_id: &str,
    msg: NoticeMessage,
) -> StoreResult<bool> {
    let tx = crate::db::begin_write(db).await?;
    let n = need::Entity::find_by_id(need_id.to_string())
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    if n.status != ListingStatus::Published.as_str() {
        // No longer open: nothing to tell, and the pair stays unclaimed.
        return Ok(false);
    }
    if !insert_once(&tx, need_id, offer_id).await? {
        return Ok(false);
    }
    let mut to: Vec<String> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::OrgId.eq(n.org_id.clone()))
        .filter(user::Column::Active.eq(true))
        .into_tuple()
        .all(&tx)
        .await?;
    if to.is_empty() {
        to.push(n.posted_by.clone());
    }
    let notes = to
        .into_iter()
        .map(|u| crate::cases::Note {
            department_id: None,
            user_id: Some(u),
            title: msg.title.clone(),
            body: msg.body.clone(),
            link: msg.link.clone(),
        })
        .collect();
    crate::cases::notify_many(&tx, &[], notes).await?;
    tx.commit().await?;
    Ok(true)
}

/// Whether the pair has been claimed.
pub async fn claimed(db: &Db, need_id: &str, offer_id: &str) -> StoreResult<bool> {
    Ok(match_notice::Entity::find()
        .select_only()
        .column(match_notice::Column::Id)
        .filter(match_notice::Column::NeedId.eq(need_id))
        .filter(match_notice::Column::OfferId.eq(offer_id))
        .into_tuple::<String>()
        .one(db)
        .await?
        .is_some())
}

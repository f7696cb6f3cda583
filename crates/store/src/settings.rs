//! Settings the committee changes without a release: one row per key,
//! audited and version-checked like any record; a key never set reads as its
//! default (version 0). Read on every use, so every replica sees a change at
//! once. So far: the interview threshold.

use kechuang_domain::cases::INTERVIEW_THRESHOLD;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entities::setting;
use crate::{record, Db, StoreError, StoreResult};

/// Overdue open plus late cases at which an accountability interview is
/// suggested (a department on the supervision board; an officer, assistant
/// or instructor over their enterprises).
pub const INTERVIEW_THRESHOLD_KEY: &str = "interview_threshold";

/// A whole-number setting and the version to change it at (0: the default).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Number {
    pub value: i64,
    pub version: i32,
}

async fn row<C: ConnectionTrait>(db: &C, key: &str) -> StoreResult<Option<setting::Model>> {
    Ok(setting::Entity::find()
        .filter(setting::Column::Key.eq(key))
        .one(db)
        .await?)
}

async fn number<C: ConnectionTrait>(db: &C, key: &str, default: i64) -> StoreResult<Number> {
    Ok(match row(db, key).await? {
        Some(r) => Number {
            value: r.value.parse().unwrap_or(default),
            version: r.version,
        },
        None => Number {
            value: default,
            version: 0,
        },
    })
}

pub async fn interview_threshold<C: ConnectionTrait>(db: &C) -> StoreResult<Number> {
    number(db, INTERVIEW_THRESHOLD_KEY, INTERVIEW_THRESHOLD).await
}

/// Set the threshold at `version` (0 while it is the default); 409
/// `stale_version` when someone changed it since.
pub async fn set_interview_threshold(
    db: &Db,
    actor: &str,
    value: i64,
    version: i32,
) -> StoreResult<Number> {
    let tx = crate::db::begin_write(db).await?;
    let m = match row(&tx, INTERVIEW_THRESHOLD_KEY).await? {
        None if version == 0 => {
            record::insert(
                &tx,
                actor,
                setting::ActiveModel {
                    key: Set(INTERVIEW_THRESHOLD_KEY.into()),
                    value: Set(value.to_string()),
                    ..Default::default()
                },
            )
            .await?
        }
        None => return Err(StoreError::stale()),
        Some(r) => {
            record::update(
                &tx,
                actor,
                "update",
                r,
                version,
                |am: &mut setting::ActiveModel| am.value = Set(value.to_string()),
            )
            .await?
        }
    };
    tx.commit().await?;
    Ok(Number {
        value,
        version: m.version,
    })
}

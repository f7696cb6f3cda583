//! Event series and brands (活动品牌, e.g. 两城汇): a name and a description.
//! Reach counts an institution once per series and year.

use kechuang_domain::ErrorCode;
use std::collections::HashMap;

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::{event, event_series};
use crate::{record, Db, StoreError, StoreResult};

/// A series as written by forms and the API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeriesInput {
    pub name: String,
    pub description: String,
}

/// A series with how many events it has (drafts included).
#[derive(Clone, Debug)]
pub struct SeriesRow {
    pub series: event_series::Model,
    pub events: u64,
}

fn dup_name(e: StoreError) -> StoreError {
    match e {
        StoreError::Conflict {
            code: ErrorCode::Duplicate,
            ..
        } => StoreError::Conflict {
            code: ErrorCode::DuplicateSeriesName,
            message: "同名活动系列已存在，请换一个名称或使用已有系列".into(),
        },
        other => other,
    }
}

fn check(i: &SeriesInput) -> StoreResult<()> {
    if i.name.trim().is_empty() {
        return Err(StoreError::field(
            ErrorCode::NameRequired,
            "name",
            "请填写系列名称",
        ));
    }
    Ok(())
}

/// One series (404 when missing).
pub async fn get<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<event_series::Model> {
    event_series::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Every series by name, with its number of events.
pub async fn list(db: &Db) -> StoreResult<Vec<SeriesRow>> {
    let all = event_series::Entity::find()
        .order_by_asc(event_series::Column::Name)
        .order_by_asc(event_series::Column::Id)
        .all(db)
        .await?;
    let counts: HashMap<Option<String>, i64> = event::Entity::find()
        .select_only()
        .column(event::Column::SeriesId)
        .column_as(event::Column::Id.count(), "n")
        .filter(event::Column::SeriesId.is_not_null())
        .group_by(event::Column::SeriesId)
        .into_tuple::<(Option<String>, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(all
        .into_iter()
        .map(|s| SeriesRow {
            events: counts.get(&Some(s.id.clone())).copied().unwrap_or(0) as u64,
            series: s,
        })
        .collect())
}

/// (id, name) of every series, for choices and labels.
pub async fn names<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<(String, String)>> {
    Ok(event_series::Entity::find()
        .select_only()
        .column(event_series::Column::Id)
        .column(event_series::Column::Name)
        .order_by_asc(event_series::Column::Name)
        .into_tuple()
        .all(db)
        .await?)
}

/// Create a series (409 `duplicate_series_name` when the name is taken).
pub async fn create(db: &Db, actor: &str, i: SeriesInput) -> StoreResult<event_series::Model> {
    check(&i)?;
    let tx = crate::db::begin_write(db).await?;
    let am = event_series::ActiveModel {
        name: Set(i.name.trim().to_string()),
        description: Set(i.description),
        ..Default::default()
    };
    let m = record::insert(&tx, actor, am).await.map_err(dup_name)?;
    tx.commit().await?;
    Ok(m)
}

/// Change a series read at `version` (409 when stale or the name is taken).
pub async fn update(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: SeriesInput,
) -> StoreResult<event_series::Model> {
    check(&i)?;
    let tx = crate::db::begin_write(db).await?;
    let before = get(&tx, id).await?;
    let m = record::update(
        &tx,
        actor,
        "update",
        before,
        version,
        |am: &mut event_series::ActiveModel| {
            am.name = Set(i.name.trim().to_string());
            am.description = Set(i.description);
        },
    )
    .await
    .map_err(dup_name)?;
    tx.commit().await?;
    Ok(m)
}

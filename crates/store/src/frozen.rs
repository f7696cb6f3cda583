//! Frozen periods (报送): a cockpit period submitted with its figures as
//! they stood, so its report no longer changes. The period record is
//! audited (who froze it and when, who lifted it); its figures are a
//! snapshot written and removed with it.

use kechuang_domain::ErrorCode;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::{frozen_figure, frozen_period};
use crate::{bulk, new_id, record, Db, StoreError, StoreResult};

/// Every frozen period, latest frozen first.
pub async fn list(db: &Db) -> StoreResult<Vec<frozen_period::Model>> {
    Ok(frozen_period::Entity::find()
        .order_by_desc(frozen_period::Column::CreatedAt)
        .all(db)
        .await?)
}

/// A period's freeze and its figures in their order, if it is frozen.
pub async fn get(
    db: &Db,
    period: &str,
) -> StoreResult<Option<(frozen_period::Model, Vec<frozen_figure::Model>)>> {
    let Some(f) = frozen_period::Entity::find()
        .filter(frozen_period::Column::Period.eq(period))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let figures = frozen_figure::Entity::find()
        .filter(frozen_figure::Column::FrozenPeriodId.eq(f.id.clone()))
        .order_by_asc(frozen_figure::Column::Position)
        .all(db)
        .await?;
    Ok(Some((f, figures)))
}

/// Freeze `period` with `figures` (their ids, period and positions are set
/// here). 409 `duplicate` when it is frozen already.
pub async fn freeze(
    db: &Db,
    actor: &str,
    frozen_by: &str,
    period: &str,
    note: &str,
    figures: Vec<frozen_figure::Model>,
) -> StoreResult<frozen_period::Model> {
    let tx = crate::db::begin_write(db).await?;
    if let Some(old) = frozen_period::Entity::find()
        .filter(frozen_period::Column::Period.eq(period))
        .one(&tx)
        .await?
    {
        return Err(StoreError::Conflict {
            code: ErrorCode::Duplicate,
            message: format!(
                "{} 已由{}于{}报送，数字已冻结",
                old.period,
                old.frozen_by,
                old.created_at.format("%Y-%m-%d")
            ),
        });
    }
    let m = record::insert(
        &tx,
        actor,
        frozen_period::ActiveModel {
            period: Set(period.to_string()),
            frozen_by: Set(frozen_by.to_string()),
            note: Set(note.to_string()),
            ..Default::default()
        },
    )
    .await?;
    let rows = figures
        .into_iter()
        .enumerate()
        .map(|(i, f)| frozen_figure::ActiveModel {
            id: Set(new_id()),
            frozen_period_id: Set(m.id.clone()),
            position: Set(i as i32),
            code: Set(f.code),
            area: Set(f.area),
            name: Set(f.name),
            definition: Set(f.definition),
            basis: Set(f.basis),
            unit: Set(f.unit),
            unit_label: Set(f.unit_label),
            value: Set(f.value),
            previous: Set(f.previous),
            year_before: Set(f.year_before),
            href: Set(f.href),
            trend: Set(f.trend),
        });
    bulk::insert_rows(&tx, rows).await?;
    tx.commit().await?;
    Ok(m)
}

/// Lift a freeze (its figures go with it; audited as a delete). 404 when
/// the period is not frozen, 409 on a stale `version`.
pub async fn unfreeze(db: &Db, actor: &str, period: &str, version: i32) -> StoreResult<()> {
    let tx = crate::db::begin_write(db).await?;
    let f = frozen_period::Entity::find()
        .filter(frozen_period::Column::Period.eq(period))
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    frozen_figure::Entity::delete_many()
        .filter(frozen_figure::Column::FrozenPeriodId.eq(f.id.clone()))
        .exec(&tx)
        .await?;
    record::delete(&tx, actor, f, version).await?;
    tx.commit().await?;
    Ok(())
}

//! Reported statistics (报送统计): figures no record computes — 研发投入强度
//! and others the committee adds — entered per period with their source and
//! approver (audited as every record). One value a statistic a period.

use kechuang_domain::ErrorCode;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::reported_figure;
use crate::{record, Db, StoreError, StoreResult};

#[derive(Clone, Debug, Default)]
pub struct ReportedInput {
    pub code: String,
    pub name: String,
    /// A `domain::cockpit::Period` code.
    pub period: String,
    /// count / money / permille.
    pub unit: String,
    pub value: i64,
    pub source: String,
    pub approved_by: String,
    pub note: String,
}

/// Every reported figure, or those of one statistic, newest period first.
pub async fn list(db: &Db, code: Option<&str>) -> StoreResult<Vec<reported_figure::Model>> {
    let mut q = reported_figure::Entity::find();
    if let Some(c) = code {
        q = q.filter(reported_figure::Column::Code.eq(c));
    }
    Ok(q.order_by_asc(reported_figure::Column::Code)
        .order_by_desc(reported_figure::Column::Period)
        .all(db)
        .await?)
}

pub async fn get(db: &Db, id: &str) -> StoreResult<reported_figure::Model> {
    reported_figure::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

fn apply(am: &mut reported_figure::ActiveModel, i: ReportedInput) {
    am.code = Set(i.code);
    am.name = Set(i.name);
    am.period = Set(i.period);
    am.unit = Set(i.unit);
    am.value = Set(i.value);
    am.source = Set(i.source);
    am.approved_by = Set(i.approved_by);
    am.note = Set(i.note);
}

/// A statistic's value for a period (409 `duplicate` when that period has
/// one already: change it instead).
pub async fn create(db: &Db, actor: &str, i: ReportedInput) -> StoreResult<reported_figure::Model> {
    let tx = crate::db::begin_write(db).await?;
    if let Some(old) = reported_figure::Entity::find()
        .filter(reported_figure::Column::Code.eq(i.code.clone()))
        .filter(reported_figure::Column::Period.eq(i.period.clone()))
        .one(&tx)
        .await?
    {
        return Err(StoreError::Conflict {
            code: ErrorCode::Duplicate,
            message: format!(
                "“{}”{}已报送（{}），如需更正请修改该条",
                old.name, old.period, old.source
            ),
        });
    }
    let mut am = reported_figure::ActiveModel::default();
    apply(&mut am, i);
    let m = record::insert(&tx, actor, am).await?;
    tx.commit().await?;
    Ok(m)
}

/// A correction (409 on a stale `version`; the code and period stay).
pub async fn update(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: ReportedInput,
) -> StoreResult<reported_figure::Model> {
    let tx = crate::db::begin_write(db).await?;
    let before = reported_figure::Entity::find_by_id(id.to_string())
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let (code, period) = (before.code.clone(), before.period.clone());
    let m = record::update(
        &tx,
        actor,
        "update",
        before,
        version,
        |am: &mut reported_figure::ActiveModel| apply(am, ReportedInput { code, period, ..i }),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

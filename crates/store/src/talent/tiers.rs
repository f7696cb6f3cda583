//! Talent tiers (人才层次) as the committee defines them.

use kechuang_domain::talent::valid_tier_code;
use kechuang_domain::ErrorCode;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::talent_tier;
use crate::{record, Db, StoreError, StoreResult};

#[derive(Clone, Debug, Default)]
pub struct TierInput {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub sort_order: i32,
}

/// Every tier in the committee's order.
pub async fn list(db: &Db) -> StoreResult<Vec<talent_tier::Model>> {
    Ok(talent_tier::Entity::find()
        .order_by_asc(talent_tier::Column::SortOrder)
        .order_by_asc(talent_tier::Column::Code)
        .all(db)
        .await?)
}

pub async fn get<C: sea_orm::ConnectionTrait>(db: &C, id: &str) -> StoreResult<talent_tier::Model> {
    talent_tier::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// A tier's name checked (the code is checked on creation only: it never changes).
fn check_names(i: &TierInput) -> StoreResult<()> {
    let name = i.name.trim();
    if name.is_empty() || name.chars().count() > 50 {
        return Err(StoreError::field(
            ErrorCode::InvalidTier,
            "name",
            "请填写层次名称（最多 50 个字）",
        ));
    }
    if i.name_en.trim().chars().count() > 50 {
        return Err(StoreError::field(
            ErrorCode::InvalidTier,
            "name_en",
            "英文名称最多 50 个字符",
        ));
    }
    Ok(())
}

/// A new tier (its code unique, 409 `duplicate_code`).
pub async fn create(db: &Db, actor: &str, i: TierInput) -> StoreResult<talent_tier::Model> {
    let code = i.code.trim().to_string();
    if !valid_tier_code(&code) {
        return Err(StoreError::field(
            ErrorCode::InvalidTier,
            "code",
            "层次代码只能用小写字母、数字和下划线（最多 30 个），如 leading",
        ));
    }
    check_names(&i)?;
    let tx = crate::db::begin_write(db).await?;
    if talent_tier::Entity::find()
        .filter(talent_tier::Column::Code.eq(code.clone()))
        .one(&tx)
        .await?
        .is_some()
    {
        return Err(StoreError::Conflict {
            code: ErrorCode::DuplicateCode,
            message: format!("层次代码 {code} 已存在"),
        });
    }
    let m = record::insert(
        &tx,
        actor,
        talent_tier::ActiveModel {
            code: Set(code),
            name: Set(i.name.trim().to_string()),
            name_en: Set(i.name_en.trim().to_string()),
            sort_order: Set(i.sort_order),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// A tier renamed or reordered (its code, which the catalogue refers to,
/// stays; 409 on a stale `version`).
pub async fn update(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: TierInput,
) -> StoreResult<talent_tier::Model> {
    check_names(&i)?;
    let tx = crate::db::begin_write(db).await?;
    let before = get(&tx, id).await?;
    let m = record::update(
        &tx,
        actor,
        "update",
        before,
        version,
        |am: &mut talent_tier::ActiveModel| {
            am.name = Set(i.name.trim().to_string());
            am.name_en = Set(i.name_en.trim().to_string());
            am.sort_order = Set(i.sort_order);
        },
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

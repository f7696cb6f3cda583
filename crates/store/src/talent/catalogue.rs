//! The talent service catalogue (服务事项): each item names the case
//! category that routes it — the category holds the item's Chinese name,
//! its responsible department and its time limits, edited where every
//! category is — and adds what talents need: the English name, the
//! description and documents in both languages, the tiers and origin it is
//! open to.

use kechuang_domain::talent::{entitled, Origin};
use kechuang_domain::ErrorCode;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::entities::{case_category, talent_service, talent_tier};
use crate::{record, Db, StoreError, StoreResult};

#[derive(Clone, Debug, Default)]
pub struct ServiceInput {
    pub category_id: String,
    pub name_en: String,
    pub description: String,
    pub description_en: String,
    pub documents: String,
    pub documents_en: String,
    /// Tier codes; empty: every tier.
    pub tier_codes: Vec<String>,
    pub origin: Origin,
    pub sort_order: i32,
    pub active: bool,
}

/// An item with its category (name, department, limits).
#[derive(Clone, Debug)]
pub struct Item {
    pub service: talent_service::Model,
    pub category: case_category::Model,
}

impl Item {
    /// Whether a talent of `tier` (code), international or not, may ask for it.
    pub fn open_to(&self, tier: &str, international: bool) -> bool {
        self.service.active
            && self.category.active
            && entitled(
                &self.service.tier_codes,
                tier,
                Origin::parse(&self.service.origin).unwrap_or(Origin::Any),
                international,
            )
    }
}

/// Every item (or the active ones) in catalogue order.
pub async fn list<C: ConnectionTrait>(db: &C, only_active: bool) -> StoreResult<Vec<Item>> {
    let mut q = talent_service::Entity::find();
    if only_active {
        q = q.filter(talent_service::Column::Active.eq(true));
    }
    let services = q
        .order_by_asc(talent_service::Column::SortOrder)
        .order_by_asc(talent_service::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<String> = services.iter().map(|s| s.category_id.clone()).collect();
    let mut categories: std::collections::HashMap<String, case_category::Model> =
        case_category::Entity::find()
            .filter(case_category::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect();
    Ok(services
        .into_iter()
        .filter_map(|s| {
            let category = categories.remove(&s.category_id)?;
            (!only_active || category.active).then_some(Item {
                service: s,
                category,
            })
        })
        .collect())
}

/// The items `ids` (404-like field error `service_ids` for an unknown one).
pub async fn items<C: ConnectionTrait>(db: &C, ids: &[String]) -> StoreResult<Vec<Item>> {
    let all = list(db, false).await?;
    ids.iter()
        .map(|id| {
            all.iter()
                .find(|i| &i.service.id == id)
                .cloned()
                .ok_or_else(|| {
                    StoreError::field(
                        ErrorCode::NotEntitled,
                        "service_ids",
                        "服务事项不存在，请从服务目录中选择",
                    )
                })
        })
        .collect()
}

fn long(field: &str, label: &str, v: &str, max: usize) -> StoreResult<()> {
    if v.chars().count() > max {
        return Err(StoreError::field(
            ErrorCode::InvalidInput,
            field,
            format!("{label}最多 {max} 个字"),
        ));
    }
    Ok(())
}

/// The item's own texts checked, and its tier codes deduplicated and known.
async fn checked_tiers<C: ConnectionTrait>(tx: &C, i: &ServiceInput) -> StoreResult<String> {
    long("name_en", "英文名称", i.name_en.trim(), 200)?;
    for (f, l, v) in [
        ("description", "说明", &i.description),
        ("description_en", "英文说明", &i.description_en),
        ("documents", "所需材料", &i.documents),
        ("documents_en", "英文所需材料", &i.documents_en),
    ] {
        long(f, l, v.trim(), 4000)?;
    }
    let mut tier_codes: Vec<String> = vec![];
    for c in &i.tier_codes {
        if !tier_codes.contains(c) {
            tier_codes.push(c.clone());
        }
    }
    if tier_codes.join(",").chars().count() > 300 {
        return Err(StoreError::field(
            ErrorCode::InvalidTier,
            "tier_codes",
            "适用层次过多，不选即为全部层次",
        ));
    }
    let known: Vec<String> = talent_tier::Entity::find()
        .all(tx)
        .await?
        .into_iter()
        .map(|t| t.code)
        .collect();
    if let Some(bad) = tier_codes.iter().find(|c| !known.contains(c)) {
        return Err(StoreError::field(
            ErrorCode::InvalidTier,
            "tier_codes",
            format!("人才层次 {bad} 不存在"),
        ));
    }
    Ok(tier_codes.join(","))
}

fn apply(am: &mut talent_service::ActiveModel, i: ServiceInput, tier_codes: String) {
    am.name_en = Set(i.name_en.trim().to_string());
    am.description = Set(i.description.trim().to_string());
    am.description_en = Set(i.description_en.trim().to_string());
    am.documents = Set(i.documents.trim().to_string());
    am.documents_en = Set(i.documents_en.trim().to_string());
    am.tier_codes = Set(tier_codes);
    am.origin = Set(i.origin.as_str().to_string());
    am.sort_order = Set(i.sort_order);
    am.active = Set(i.active);
}

/// A new item over an existing category (one item a category).
pub async fn create(db: &Db, actor: &str, i: ServiceInput) -> StoreResult<talent_service::Model> {
    let tx = crate::db::begin_write(db).await?;
    let category = case_category::Entity::find_by_id(i.category_id.clone())
        .one(&tx)
        .await?
        .ok_or_else(|| {
            StoreError::field(
                ErrorCode::InvalidCategory,
                "category_id",
                "诉求分类不存在，请先在“诉求分类”中建立该事项的分类（责任部门、时限）",
            )
        })?;
    if category.lead_department_id.is_none() {
        return Err(StoreError::field(
            ErrorCode::InvalidCategory,
            "category_id",
            "该分类未设置责任部门，请先在“诉求分类”中设置",
        ));
    }
    let tier_codes = checked_tiers(&tx, &i).await?;
    if talent_service::Entity::find()
        .filter(talent_service::Column::CategoryId.eq(category.id.clone()))
        .one(&tx)
        .await?
        .is_some()
    {
        return Err(StoreError::Conflict {
            code: ErrorCode::Duplicate,
            message: format!("“{}”已在服务目录中", category.name),
        });
    }
    let mut am = talent_service::ActiveModel {
        category_id: Set(category.id),
        ..Default::default()
    };
    apply(&mut am, i, tier_codes);
    let m = record::insert(&tx, actor, am).await?;
    tx.commit().await?;
    Ok(m)
}

/// An item changed (its category stays; 409 on a stale `version`). An item
/// set inactive leaves the catalogue talents see; its requests stay.
pub async fn update(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: ServiceInput,
) -> StoreResult<talent_service::Model> {
    let tx = crate::db::begin_write(db).await?;
    let before = talent_service::Entity::find_by_id(id.to_string())
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let tier_codes = checked_tiers(&tx, &i).await?;
    let m = record::update(
        &tx,
        actor,
        "update",
        before,
        version,
        |am: &mut talent_service::ActiveModel| apply(am, i, tier_codes),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

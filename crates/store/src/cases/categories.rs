//! The case category dictionary: time limits, routing to a lead department, and the default set.

use kechuang_domain::ErrorCode;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, PaginatorTrait, QueryOrder};

use crate::entities::case_category;
use crate::{record, Db, StoreError, StoreResult};

/// Active categories in display order.
pub async fn categories<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<case_category::Model>> {
    Ok(case_category::Entity::find()
        .order_by_asc(case_category::Column::SortOrder)
        .order_by_asc(case_category::Column::Code)
        .all(db)
        .await?)
}

/// The active categories a case may be raised in by an enterprise, staff
/// or Open311: those of the talent catalogue are left out (talents ask for
/// them through the talent service).
pub async fn intake_categories<C: ConnectionTrait>(
    db: &C,
) -> StoreResult<Vec<case_category::Model>> {
    use sea_orm::QuerySelect;
    let talent_only: std::collections::HashSet<String> =
        crate::entities::talent_service::Entity::find()
            .select_only()
            .column(crate::entities::talent_service::Column::CategoryId)
            .into_tuple()
            .all(db)
            .await?
            .into_iter()
            .collect();
    Ok(categories(db)
        .await?
        .into_iter()
        .filter(|c| c.active && !talent_only.contains(&c.id))
        .collect())
}

#[derive(Clone, Debug, PartialEq)]
pub struct CategoryInput {
    pub code: String,
    pub name: String,
    pub lead_department_id: Option<String>,
    pub time_limit_days: i32,
    pub task_limit_days: i32,
    pub warn_days: i32,
    pub rating_days: i32,
    pub sort_order: i32,
    pub active: bool,
}

fn apply_category(am: &mut case_category::ActiveModel, i: CategoryInput) {
    am.code = Set(i.code);
    am.name = Set(i.name);
    am.lead_department_id = Set(i.lead_department_id);
    am.time_limit_days = Set(i.time_limit_days);
    am.task_limit_days = Set(i.task_limit_days);
    am.warn_days = Set(i.warn_days);
    am.rating_days = Set(i.rating_days);
    am.sort_order = Set(i.sort_order);
    am.active = Set(i.active);
}

fn check_category(i: &CategoryInput) -> StoreResult<()> {
    for (v, what) in [
        (i.time_limit_days, "办理时限"),
        (i.task_limit_days, "部门任务时限"),
        (i.rating_days, "评价期限"),
    ] {
        if !(1..=365).contains(&v) {
            return Err(StoreError::rule(
                ErrorCode::InvalidLimit,
                format!("{what}应为1—365个工作日"),
            ));
        }
    }
    if !(0..=30).contains(&i.warn_days) {
        return Err(StoreError::rule(
            ErrorCode::InvalidLimit,
            "预警提前量应为0—30个工作日",
        ));
    }
    if i.task_limit_days > i.time_limit_days || i.warn_days >= i.time_limit_days {
        return Err(StoreError::rule(
            ErrorCode::InvalidLimit,
            format!(
                "“{}”：部门任务时限不能超过办理时限，预警提前量应小于办理时限",
                i.name
            ),
        ));
    }
    Ok(())
}

pub async fn create_category(
    db: &Db,
    actor: &str,
    i: CategoryInput,
) -> StoreResult<case_category::Model> {
    check_category(&i)?;
    let tx = crate::db::begin_write(db).await?;
    let mut am = case_category::ActiveModel {
        ..Default::default()
    };
    apply_category(&mut am, i);
    let m = record::insert(&tx, actor, am).await.map_err(|e| match e {
        StoreError::Conflict { .. } => StoreError::Conflict {
            code: ErrorCode::DuplicateCode,
            message: "分类编码已存在".into(),
        },
        other => other,
    })?;
    tx.commit().await?;
    Ok(m)
}

pub async fn update_category(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: CategoryInput,
) -> StoreResult<case_category::Model> {
    check_category(&i)?;
    let tx = crate::db::begin_write(db).await?;
    let before = case_category::Entity::find_by_id(id.to_string())
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let m = record::update(&tx, actor, "update", before, version, |am| {
        apply_category(am, i)
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// The default dictionary of case categories (code, name, time limit in workdays).
pub const DEFAULT_CATEGORIES: [(&str, &str, i32); 9] = [
    ("approval", "审批", 10),
    ("land", "用地", 15),
    ("finance", "融资", 10),
    ("talent", "人才", 10),
    ("labor", "用工", 7),
    ("policy", "政策兑现", 10),
    ("ip", "知识产权", 10),
    ("infrastructure", "基础设施", 15),
    ("other", "其他", 10),
];

/// Fill an empty category dictionary with the defaults (routing is left to
/// the administrator). Racing replicas: the loser's conflict is fine.
pub async fn seed_categories(db: &Db, actor: &str) -> StoreResult<usize> {
    if case_category::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    let tx = crate::db::begin_write(db).await?;
    for (i, (code, name, limit)) in DEFAULT_CATEGORIES.iter().enumerate() {
        let am = case_category::ActiveModel {
            code: Set((*code).into()),
            name: Set((*name).into()),
            lead_department_id: Set(None),
            time_limit_days: Set(*limit),
            task_limit_days: Set((*limit / 2).max(3)),
            warn_days: Set(2),
            rating_days: Set(5),
            sort_order: Set(i as i32),
            active: Set(true),
            ..Default::default()
        };
        match record::insert(&tx, actor, am).await {
            Ok(_) => {}
            Err(StoreError::Conflict { .. }) => return Ok(0),
            Err(e) => return Err(e),
        }
    }
    tx.commit().await?;
    Ok(DEFAULT_CATEGORIES.len())
}

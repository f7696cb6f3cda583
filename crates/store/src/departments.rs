//! The committee's department tree. Each row keeps a materialised path of
//! ids ("/root/child/") so "department and below" is one prefix condition.

use kechuang_domain::ErrorCode;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};

use crate::entities::{department, org, user};
use crate::record;
use crate::{new_id, Db, Scope, StoreError, StoreResult};

#[derive(Clone, Debug, PartialEq)]
pub struct DepartmentInput {
    pub name: String,
    pub code: String,
    pub parent_id: Option<String>,
    pub sort_order: i32,
    pub phone: String,
    /// Runs the funding programmes (资金业务).
    pub funding: bool,
}

fn scoped(q: Select<department::Entity>, scope: &Scope) -> Select<department::Entity> {
    match scope {
        Scope::All | Scope::Served(_) => q,
        Scope::Departments(ids) => q.filter(department::Column::Id.is_in(ids.clone())),
        Scope::Org(_) | Scope::User(_) => q.filter(Expr::val(1).eq(0)),
    }
}

/// All departments in scope, parents before children, siblings by sort order.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
) -> StoreResult<Vec<department::Model>> {
    let mut rows = scoped(department::Entity::find(), scope)
        .order_by_asc(department::Column::SortOrder)
        .order_by_asc(department::Column::Name)
        .all(db)
        .await?;
    sort_as_tree(&mut rows);
    Ok(rows)
}

/// Depth-first order (parents first); rows whose parent is out of the list are roots.
/// The departments that run the funding programmes (资金业务).
pub async fn funding_ids<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<String>> {
    Ok(department::Entity::find()
        .select_only()
        .column(department::Column::Id)
        .filter(department::Column::Funding.eq(true))
        .into_tuple()
        .all(db)
        .await?)
}

pub fn sort_as_tree(rows: &mut Vec<department::Model>) {
    let ids: std::collections::HashSet<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut out = Vec::with_capacity(rows.len());
    fn visit(
        parent: Option<&str>,
        rows: &[department::Model],
        ids: &std::collections::HashSet<String>,
        out: &mut Vec<department::Model>,
    ) {
        for r in rows
            .iter()
            .filter(|r| match (parent, r.parent_id.as_deref()) {
                (None, None) => true,
                (None, Some(p)) => !ids.contains(p),
                (Some(a), Some(b)) => a == b,
                (Some(_), None) => false,
            })
        {
            out.push(r.clone());
            visit(Some(&r.id), rows, ids, out);
        }
    }
    visit(None, rows, &ids, &mut out);
    *rows = out;
}

/// Depth of a department in the tree (0 for a root).
pub fn depth(d: &department::Model) -> usize {
    d.path.matches('/').count().saturating_sub(2)
}

pub async fn get<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    id: &str,
) -> StoreResult<department::Model> {
    scoped(department::Entity::find_by_id(id.to_string()), scope)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

fn dup_code(e: StoreError) -> StoreError {
    match e {
        StoreError::Conflict {
            code: ErrorCode::Duplicate,
            ..
        } => StoreError::Conflict {
            code: ErrorCode::DuplicateCode,
            message: "部门编码已存在".into(),
        },
        other => other,
    }
}

async fn parent_path<C: ConnectionTrait>(db: &C, parent: &Option<String>) -> StoreResult<String> {
    match parent {
        None => Ok("/".into()),
        Some(p) => department::Entity::find_by_id(p.clone())
            .one(db)
            .await?
            .map(|d| d.path)
            .ok_or_else(|| StoreError::rule(ErrorCode::InvalidParent, "上级部门不存在")),
    }
}

pub async fn create(db: &Db, actor: &str, i: DepartmentInput) -> StoreResult<department::Model> {
    let tx = crate::db::begin_write(db).await?;
    let id = new_id();
    let path = format!("{}{}/", parent_path(&tx, &i.parent_id).await?, id);
    let am = department::ActiveModel {
        id: Set(id),
        parent_id: Set(i.parent_id),
        name: Set(i.name),
        code: Set(i.code),
        path: Set(path),
        sort_order: Set(i.sort_order),
        phone: Set(i.phone),
        funding: Set(i.funding),
        ..Default::default()
    };
    let m = record::insert(&tx, actor, am).await.map_err(dup_code)?;
    tx.commit().await?;
    Ok(m)
}

/// Departments from a checked import, in file order, in one transaction:
/// each row's parent is given by code, an existing department's or one of
/// an earlier row. On the first refusal nothing is kept and the refused
/// row's index comes back.
pub async fn import(
    db: &Db,
    actor: &str,
    rows: Vec<(DepartmentInput, Option<String>)>,
) -> Result<usize, (usize, StoreError)> {
    let tx = crate::db::begin_write(db)
        .await
        .map_err(|e| (0, StoreError::from(e)))?;
    let mut by_code: std::collections::HashMap<String, (String, String)> =
        department::Entity::find()
            .all(&tx)
            .await
            .map_err(|e| (0, StoreError::from(e)))?
            .into_iter()
            .map(|d| (d.code, (d.id, d.path)))
            .collect();
    let n = rows.len();
    for (k, (mut i, parent)) in rows.into_iter().enumerate() {
        let parent_path = match &parent {
            None => "/".to_string(),
            Some(code) => {
                let (id, path) = by_code.get(code).cloned().ok_or((
                    k,
                    StoreError::rule(ErrorCode::InvalidParent, format!("上级部门“{code}”不存在")),
                ))?;
                i.parent_id = Some(id);
                path
            }
        };
        let id = new_id();
        let path = format!("{parent_path}{id}/");
        let code = i.code.clone();
        let am = department::ActiveModel {
            id: Set(id.clone()),
            parent_id: Set(i.parent_id),
            name: Set(i.name),
            code: Set(i.code),
            path: Set(path.clone()),
            sort_order: Set(i.sort_order),
            phone: Set(i.phone),
            funding: Set(i.funding),
            ..Default::default()
        };
        record::insert(&tx, actor, am)
            .await
            .map_err(|e| (k, dup_code(e)))?;
        by_code.insert(code, (id, path));
    }
    tx.commit().await.map_err(|e| (0, e.into()))?;
    Ok(n)
}

/// Update a department; moving it moves its whole subtree (each moved row is audited).
pub async fn update(
    db: &Db,
    scope: &Scope,
    actor: &str,
    id: &str,
    version: i32,
    i: DepartmentInput,
) -> StoreResult<department::Model> {
    let tx = crate::db::begin_write(db).await?;
    let before = get(&tx, scope, id).await?;
    let mut path = before.path.clone();
    if i.parent_id != before.parent_id {
        let pp = parent_path(&tx, &i.parent_id).await?;
        if pp.starts_with(&before.path) {
            return Err(StoreError::rule(
                ErrorCode::InvalidParent,
                "不能把部门移到它自己或它的下级部门之下",
            ));
        }
        path = format!("{pp}{id}/");
        let descendants = department::Entity::find()
            .filter(department::Column::Path.starts_with(before.path.as_str()))
            .filter(department::Column::Id.ne(id))
            .all(&tx)
            .await?;
        for d in descendants {
            let moved = format!("{path}{}", &d.path[before.path.len()..]);
            let v = d.version;
            record::update(
                &tx,
                actor,
                "move",
                d,
                v,
                |am: &mut department::ActiveModel| am.path = Set(moved),
            )
            .await?;
        }
    }
    let m = record::update(
        &tx,
        actor,
        "update",
        before,
        version,
        |am: &mut department::ActiveModel| {
            am.parent_id = Set(i.parent_id);
            am.name = Set(i.name);
            am.code = Set(i.code);
            am.path = Set(path);
            am.sort_order = Set(i.sort_order);
            am.phone = Set(i.phone);
            am.funding = Set(i.funding);
        },
    )
    .await
    .map_err(dup_code)?;
    tx.commit().await?;
    Ok(m)
}

pub async fn delete(
    db: &Db,
    scope: &Scope,
    actor: &str,
    id: &str,
    version: i32,
) -> StoreResult<()> {
    let tx = crate::db::begin_write(db).await?;
    let before = get(&tx, scope, id).await?;
    let children = department::Entity::find()
        .filter(department::Column::ParentId.eq(id))
        .count(&tx)
        .await?;
    let users = user::Entity::find()
        .filter(user::Column::DepartmentId.eq(id))
        .count(&tx)
        .await?;
    let orgs = org::Entity::find()
        .filter(org::Column::DepartmentId.eq(id))
        .count(&tx)
        .await?;
    let policies = crate::entities::policy::Entity::find()
        .filter(crate::entities::policy::Column::DepartmentId.eq(id))
        .count(&tx)
        .await?;
    if children + users + orgs + policies > 0 {
        return Err(StoreError::rule(
            ErrorCode::DepartmentInUse,
            format!("该部门下还有{children}个下级部门、{users}个账号、{orgs}家服务单位、{policies}项政策，请先转移后再删除"),
        ));
    }
    record::delete(&tx, actor, before, version).await?;
    tx.commit().await?;
    Ok(())
}

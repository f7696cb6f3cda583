//! Policies (政策) open to the organisations of the zone (#17). The rules
//! are in `kechuang_domain::policies`.
//!
//! Visibility: the scope `All` (administrators, leaders, the party office)
//! sees every policy; a department scope the published and stopped ones and
//! the drafts of its departments; the served scope of service staff and
//! brokers the published and stopped ones; an organisation sees only the
//! published policies open to it (its kind of organisation, and its chains
//! where a policy names one). Writing a policy takes the scope `All` or
//! the policy's department in a department scope, checked on the row read
//! inside the write transaction. Titles are unique in the database, so an
//! import run twice at once is refused, never doubled.

use chrono::NaiveDate;
use kechuang_domain::org::OrgKind;
use kechuang_domain::policies::{kinds_code, ApplyWindow, PolicyStatus};
use kechuang_domain::ErrorCode;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, QueryFilter,
    QueryOrder, QuerySelect, Select,
};

use crate::entities::{chain, chain_org, department, org, policy};
use crate::{now, record, Db, Page, PageReq, Scope, StoreError, StoreResult};

/// A policy as written by forms, the API and imports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyInput {
    pub title: String,
    pub doc_number: String,
    pub department_id: String,
    /// Empty: open to every kind of organisation.
    pub org_kinds: Vec<OrgKind>,
    pub chain_id: Option<String>,
    pub support: String,
    pub conditions: String,
    pub window: ApplyWindow,
}

/// The order of a list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PolicySort {
    /// Newest first (by creation).
    #[default]
    Newest,
    /// The soonest application deadline first; year-round policies last.
    ClosesAsc,
    /// By title.
    Title,
}

/// List filters; every field narrows the list.
#[derive(Clone, Debug, Default)]
pub struct PolicyFilter {
    /// Substring of the title, document number, support or conditions.
    pub q: Option<String>,
    pub status: Option<PolicyStatus>,
    pub department_id: Option<String>,
    pub chain_id: Option<String>,
    /// Open to this kind of organisation (policies open to every kind included).
    pub org_kind: Option<OrgKind>,
    /// Published and open for applications on this day.
    pub applying_on: Option<NaiveDate>,
    pub sort: PolicySort,
}

/// The policy's status (an unknown stored code reads as a draft).
pub fn status_of(p: &policy::Model) -> PolicyStatus {
    PolicyStatus::parse(&p.status).unwrap_or(PolicyStatus::Draft)
}

/// The policy's application window.
pub fn window_of(p: &policy::Model) -> ApplyWindow {
    ApplyWindow {
        opens_on: p.opens_on,
        closes_on: p.closes_on,
    }
}

/// Open to organisations of `kind`: the policy names no kind, or names it.
/// (No kind's code is part of another's, so a substring match is exact.)
fn open_to_kind(kind: Option<OrgKind>) -> Condition {
    let any = Condition::any().add(policy::Column::OrgKinds.eq(""));
    match kind {
        Some(k) => any.add(crate::like::contains(policy::Column::OrgKinds, k.as_str())),
        None => any,
    }
}

/// What an organisation sees: the published policies open to its kind and,
/// where a policy names a chain, to the organisations on that chain.
async fn open_to_org<C: ConnectionTrait>(db: &C, org_id: Option<&str>) -> StoreResult<Condition> {
    use policy::Column as P;
    let kind = match org_id {
        Some(id) => org::Entity::find_by_id(id.to_string())
            .one(db)
            .await?
            .and_then(|o| OrgKind::parse(&o.kind)),
        None => None,
    };
    let on_chain = Query::select()
        .column(chain_org::Column::ChainId)
        .from(chain_org::Entity)
        .and_where(chain_org::Column::OrgId.eq(org_id.unwrap_or("")))
        .to_owned();
    Ok(Condition::all()
        .add(P::Status.eq(PolicyStatus::Published.as_str()))
        .add(open_to_kind(kind))
        .add(
            Condition::any()
                .add(P::ChainId.is_null())
                .add(P::ChainId.in_subquery(on_chain)),
        ))
}

/// The policies a scope sees.
async fn visible<C: ConnectionTrait>(db: &C, scope: &Scope) -> StoreResult<Condition> {
    use policy::Column as P;
    Ok(match scope {
        Scope::All => Condition::all(),
        // Service staff and brokers read what is offered, not what is drafted.
        Scope::Served(_) => Condition::all().add(P::Status.ne(PolicyStatus::Draft.as_str())),
        Scope::Departments(ids) => Condition::any()
            .add(P::Status.ne(PolicyStatus::Draft.as_str()))
            .add(P::DepartmentId.is_in(ids.clone())),
        Scope::Org(o) => open_to_org(db, o.as_deref()).await?,
        Scope::User(_) => open_to_org(db, None).await?,
    })
}

async fn filtered<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    f: &PolicyFilter,
) -> StoreResult<Select<policy::Entity>> {
    use policy::Column as C;
    let mut q = policy::Entity::find().filter(visible(db, scope).await?);
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(C::Title, t))
                .add(crate::like::contains(C::DocNumber, t))
                .add(crate::like::contains(C::Support, t))
                .add(crate::like::contains(C::Conditions, t)),
        );
    }
    if let Some(s) = f.status {
        q = q.filter(C::Status.eq(s.as_str()));
    }
    if let Some(d) = &f.department_id {
        q = q.filter(C::DepartmentId.eq(d.clone()));
    }
    if let Some(c) = &f.chain_id {
        q = q.filter(C::ChainId.eq(c.clone()));
    }
    if let Some(k) = f.org_kind {
        q = q.filter(open_to_kind(Some(k)));
    }
    if let Some(day) = f.applying_on {
        q = q
            .filter(C::Status.eq(PolicyStatus::Published.as_str()))
            .filter(
                Condition::any()
                    .add(C::OpensOn.is_null())
                    .add(C::OpensOn.lte(day)),
            )
            .filter(
                Condition::any()
                    .add(C::ClosesOn.is_null())
                    .add(C::ClosesOn.gte(day)),
            );
    }
    q = match f.sort {
        PolicySort::Newest => q.order_by_desc(C::CreatedAt),
        PolicySort::ClosesAsc => q
            .order_by(Expr::col(C::ClosesOn).is_null(), Order::Asc)
            .order_by_asc(C::ClosesOn),
        PolicySort::Title => q.order_by_asc(C::Title),
    };
    Ok(q.order_by_asc(C::Id))
}

/// One page of the policies the scope sees.
pub async fn list(
    db: &Db,
    scope: &Scope,
    f: &PolicyFilter,
    p: PageReq,
) -> StoreResult<Page<policy::Model>> {
    crate::page::fetch(db, filtered(db, scope, f).await?, p).await
}

/// Every policy of the filtered list (export), at most `cap`.
pub async fn list_all(
    db: &Db,
    scope: &Scope,
    f: &PolicyFilter,
    cap: u64,
) -> StoreResult<Vec<policy::Model>> {
    Ok(filtered(db, scope, f).await?.limit(cap).all(db).await?)
}

/// One policy the scope sees (404 otherwise).
pub async fn get(db: &Db, scope: &Scope, id: &str) -> StoreResult<policy::Model> {
    policy::Entity::find_by_id(id.to_string())
        .filter(visible(db, scope).await?)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The titles of every policy (whoever keeps them): an import's "already
/// registered" check.
pub async fn titles(db: &Db) -> StoreResult<Vec<String>> {
    Ok(policy::Entity::find()
        .select_only()
        .column(policy::Column::Title)
        .into_tuple()
        .all(db)
        .await?)
}

/// Whether the scope keeps the policies of `department_id`.
pub fn manages(scope: &Scope, department_id: &str) -> bool {
    match scope {
        Scope::All => true,
        Scope::Departments(ids) => ids.iter().any(|i| i == department_id),
        _ => false,
    }
}

fn not_mine(department: &str) -> StoreError {
    StoreError::Forbidden {
        code: ErrorCode::NotPolicyDepartment,
        message: format!("只有牵头部门“{department}”可以维护该政策，请联系该部门"),
    }
}

fn dup_title(e: StoreError, title: &str) -> StoreError {
    match e {
        StoreError::Conflict {
            code: ErrorCode::Duplicate,
            ..
        } => StoreError::Conflict {
            code: ErrorCode::DuplicatePolicyTitle,
            message: format!("已有名为“{title}”的政策，请换一个名称或修改原有政策"),
        },
        other => other,
    }
}

/// The input's references exist, its window is in order, and the scope
/// keeps its department.
async fn check<C: ConnectionTrait>(tx: &C, scope: &Scope, i: &PolicyInput) -> StoreResult<()> {
    if i.title.trim().is_empty() {
        return Err(StoreError::field(
            ErrorCode::TitleRequired,
            "title",
            "请填写政策名称",
        ));
    }
    let dept = department::Entity::find_by_id(i.department_id.clone())
        .one(tx)
        .await?
        .ok_or_else(|| {
            StoreError::field(
                ErrorCode::UnknownDepartment,
                "department_id",
                "牵头部门不存在，请从部门中选择",
            )
        })?;
    if !manages(scope, &dept.id) {
        return Err(StoreError::Forbidden {
            code: ErrorCode::NotPolicyDepartment,
            message: format!(
                "只能维护本部门（及下级部门）牵头的政策，“{}”不在其中",
                dept.name
            ),
        });
    }
    if let Some(c) = &i.chain_id {
        if chain::Entity::find_by_id(c.clone())
            .one(tx)
            .await?
            .is_none()
        {
            return Err(StoreError::field(
                ErrorCode::UnknownChain,
                "chain_id",
                "产业链不存在，请从产业链中选择",
            ));
        }
    }
    i.window
        .check()
        .map_err(|m| StoreError::field(ErrorCode::InvalidApplyWindow, "closes_on", m))
}

fn apply(am: &mut policy::ActiveModel, i: PolicyInput) {
    am.title = Set(i.title.trim().to_string());
    am.doc_number = Set(i.doc_number);
    am.department_id = Set(i.department_id);
    am.org_kinds = Set(kinds_code(&i.org_kinds));
    am.chain_id = Set(i.chain_id);
    am.support = Set(i.support);
    am.conditions = Set(i.conditions);
    am.opens_on = Set(i.window.opens_on);
    am.closes_on = Set(i.window.closes_on);
}

async fn insert<C: ConnectionTrait>(
    tx: &C,
    actor: &str,
    scope: &Scope,
    i: PolicyInput,
    status: PolicyStatus,
) -> StoreResult<policy::Model> {
    check(tx, scope, &i).await?;
    let title = i.title.trim().to_string();
    let mut am = policy::ActiveModel::default();
    apply(&mut am, i);
    am.status = Set(status.as_str().into());
    am.published_at = Set((status != PolicyStatus::Draft).then(now));
    record::insert(tx, actor, am)
        .await
        .map_err(|e| dup_title(e, &title))
}

/// Draft a policy (409 `duplicate_policy_title`).
pub async fn create(
    db: &Db,
    actor: &str,
    scope: &Scope,
    i: PolicyInput,
) -> StoreResult<policy::Model> {
    let tx = crate::db::begin_write(db).await?;
    let m = insert(&tx, actor, scope, i, PolicyStatus::Draft).await?;
    tx.commit().await?;
    Ok(m)
}

/// The policy row, locked until the transaction ends, if the scope keeps it.
async fn lock_mine<C: ConnectionTrait>(
    tx: &C,
    scope: &Scope,
    id: &str,
) -> StoreResult<policy::Model> {
    let p = policy::Entity::find_by_id(id.to_string())
        .lock_exclusive()
        .one(tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    if !manages(scope, &p.department_id) {
        if p.status == PolicyStatus::Draft.as_str() {
            return Err(StoreError::NotFound);
        }
        let name = crate::names::of(tx, "departments", [p.department_id.clone()])
            .await?
            .remove(&p.department_id)
            .unwrap_or_default();
        return Err(not_mine(&name));
    }
    Ok(p)
}

/// Change a policy read at `version`; it may move to another of the
/// scope's departments.
pub async fn update(
    db: &Db,
    actor: &str,
    scope: &Scope,
    id: &str,
    version: i32,
    i: PolicyInput,
) -> StoreResult<policy::Model> {
    let tx = crate::db::begin_write(db).await?;
    let before = lock_mine(&tx, scope, id).await?;
    check(&tx, scope, &i).await?;
    let title = i.title.trim().to_string();
    let m = record::update(&tx, actor, "update", before, version, |am| apply(am, i))
        .await
        .map_err(|e| dup_title(e, &title))?;
    tx.commit().await?;
    Ok(m)
}

/// Publish a draft or a stopped policy, or stop a published one.
pub async fn set_status(
    db: &Db,
    actor: &str,
    scope: &Scope,
    id: &str,
    version: i32,
    to: PolicyStatus,
) -> StoreResult<policy::Model> {
    let tx = crate::db::begin_write(db).await?;
    let before = lock_mine(&tx, scope, id).await?;
    let from = status_of(&before);
    let allowed = matches!(
        (from, to),
        (
            PolicyStatus::Draft | PolicyStatus::Stopped,
            PolicyStatus::Published
        ) | (PolicyStatus::Published, PolicyStatus::Stopped)
    );
    if !allowed {
        return Err(StoreError::rule(
            ErrorCode::IllegalTransition,
            format!(
                "“{}”当前为{}，不能{}",
                before.title,
                from.label_zh(),
                match to {
                    PolicyStatus::Published => "发布",
                    PolicyStatus::Stopped => "停止",
                    PolicyStatus::Draft => "改回草稿",
                }
            ),
        ));
    }
    let action = to.as_str();
    let m = record::update(&tx, actor, action, before, version, |am| {
        am.status = Set(to.as_str().into());
        if to == PolicyStatus::Published {
            am.published_at = Set(Some(now()));
        }
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Import policies all or nothing, each with its stated status. Err names
/// the index of the row refused.
pub async fn import(
    db: &Db,
    actor: &str,
    scope: &Scope,
    rows: Vec<(PolicyInput, PolicyStatus)>,
) -> Result<usize, (usize, StoreError)> {
    // Taking turns, two imports of one ledger never deadlock on the index.
    let tx = crate::imports::begin(db, "policies").await?;
    let n = rows.len();
    for (k, (i, status)) in rows.into_iter().enumerate() {
        insert(&tx, actor, scope, i, status)
            .await
            .map_err(|e| (k, e))?;
    }
    tx.commit().await.map_err(|e| (0, e.into()))?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use kechuang_domain::org::OrgKind;

    #[test]
    fn no_kind_code_is_part_of_another() {
        for a in OrgKind::ALL {
            for b in OrgKind::ALL {
                assert!(a == b || !a.as_str().contains(b.as_str()), "{a:?} {b:?}");
            }
        }
    }
}

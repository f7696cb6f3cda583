//! Organisations register (政产学研金介): queries, writes, all-or-nothing import.

use chrono::NaiveDate;
use kechuang_domain::org::OrgKind;
use kechuang_domain::uscc::Uscc;
use kechuang_domain::ErrorCode;
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};

use crate::entities::{chain_org, org};
use crate::record;
use crate::{Db, Page, PageReq, Scope, StoreError, StoreResult};

/// A validated organisation, as written by forms, the API and imports.
#[derive(Clone, Debug, PartialEq)]
pub struct OrgInput {
    pub name: String,
    pub kind: OrgKind,
    pub uscc: Option<Uscc>,
    pub legal_person: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub address: String,
    pub tags: Vec<String>,
    pub is_high_tech: bool,
    pub is_tech_sme: bool,
    pub is_specialized: bool,
    pub department_id: Option<String>,
    pub founded_on: Option<NaiveDate>,
    pub description: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OrgSort {
    #[default]
    Name,
    Kind,
    CreatedAt,
    UpdatedAt,
}

impl OrgSort {
    pub fn parse(s: &str) -> Option<OrgSort> {
        Some(match s {
            "name" => OrgSort::Name,
            "kind" => OrgSort::Kind,
            "created_at" => OrgSort::CreatedAt,
            "updated_at" => OrgSort::UpdatedAt,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            OrgSort::Name => "name",
            OrgSort::Kind => "kind",
            OrgSort::CreatedAt => "created_at",
            OrgSort::UpdatedAt => "updated_at",
        }
    }
}

/// List filters; every field narrows the list.
#[derive(Clone, Debug, Default)]
pub struct OrgFilter {
    /// Chinese substring of name, credit code, address or tags.
    pub q: Option<String>,
    pub kind: Option<OrgKind>,
    pub high_tech: Option<bool>,
    pub specialized: Option<bool>,
    pub department_id: Option<String>,
    pub chain_id: Option<String>,
    pub tag: Option<String>,
    pub sort: OrgSort,
    pub desc: bool,
}

/// Rows the scope allows, as a query condition.
fn scoped(q: Select<org::Entity>, scope: &Scope) -> Select<org::Entity> {
    match scope {
        Scope::All | Scope::Served(_) => q,
        Scope::Departments(ids) => q.filter(org::Column::DepartmentId.is_in(ids.clone())),
        Scope::Org(Some(id)) => q.filter(org::Column::Id.eq(id.clone())),
        // No organisation: nothing matches.
        Scope::Org(None) | Scope::User(_) => q.filter(Expr::val(1).eq(0)),
    }
}

fn filtered(scope: &Scope, f: &OrgFilter) -> Select<org::Entity> {
    let mut q = scoped(org::Entity::find(), scope);
    if let Some(text) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(org::Column::Name, text))
                .add(crate::like::contains(
                    org::Column::Uscc,
                    &text.to_uppercase(),
                ))
                .add(crate::like::contains(org::Column::Address, text))
                .add(crate::like::contains(org::Column::Tags, text)),
        );
    }
    if let Some(k) = f.kind {
        q = q.filter(org::Column::Kind.eq(k.as_str()));
    }
    if let Some(b) = f.high_tech {
        q = q.filter(org::Column::IsHighTech.eq(b));
    }
    if let Some(b) = f.specialized {
        q = q.filter(org::Column::IsSpecialized.eq(b));
    }
    if let Some(d) = &f.department_id {
        q = q.filter(org::Column::DepartmentId.eq(d.clone()));
    }
    if let Some(t) = f.tag.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(crate::like::contains(org::Column::Tags, t));
    }
    if let Some(c) = &f.chain_id {
        q = q.filter(
            org::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(chain_org::Column::OrgId)
                    .from(chain_org::Entity)
                    .and_where(chain_org::Column::ChainId.eq(c.clone()))
                    .to_owned(),
            ),
        );
    }
    let col = match f.sort {
        OrgSort::Name => org::Column::Name,
        OrgSort::Kind => org::Column::Kind,
        OrgSort::CreatedAt => org::Column::CreatedAt,
        OrgSort::UpdatedAt => org::Column::UpdatedAt,
    };
    let q = if f.desc {
        q.order_by_desc(col)
    } else {
        q.order_by_asc(col)
    };
    q.order_by_asc(org::Column::Id)
}

pub async fn list(
    db: &Db,
    scope: &Scope,
    f: &OrgFilter,
    p: PageReq,
) -> StoreResult<Page<org::Model>> {
    let q = filtered(scope, f);
    crate::page::fetch(db, q, p).await
}

/// Every row of a filtered list (for Excel export), at most `cap` rows.
pub async fn list_all(
    db: &Db,
    scope: &Scope,
    f: &OrgFilter,
    cap: u64,
) -> StoreResult<Vec<org::Model>> {
    Ok(filtered(scope, f).limit(cap).all(db).await?)
}

/// One organisation; out of scope is the same as missing (404).
pub async fn get<C: ConnectionTrait>(db: &C, scope: &Scope, id: &str) -> StoreResult<org::Model> {
    scoped(org::Entity::find_by_id(id.to_string()), scope)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// An organisation that must exist (422 `unknown_org` otherwise).
pub async fn require_org<C: ConnectionTrait>(
    db: &C,
    id: &str,
    field: &str,
) -> StoreResult<org::Model> {
    org::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or_else(|| {
            StoreError::rule(
                ErrorCode::UnknownOrg,
                format!("{field}：单位不存在，请从名录中选择"),
            )
        })
}

/// The organisation registered under a credit code (any scope).
pub async fn by_uscc<C: ConnectionTrait>(db: &C, uscc: &str) -> StoreResult<Option<org::Model>> {
    Ok(org::Entity::find()
        .filter(org::Column::Uscc.eq(uscc))
        .one(db)
        .await?)
}

/// The organisations registered under exactly this name (imports that
/// name an organisation without its credit code: one is found, or none,
/// or several to tell apart).
pub async fn by_name<C: ConnectionTrait>(db: &C, name: &str) -> StoreResult<Vec<org::Model>> {
    use sea_orm::QuerySelect;
    Ok(org::Entity::find()
        .filter(org::Column::Name.eq(name))
        .limit(2)
        .all(db)
        .await?)
}

fn duplicate_uscc(e: StoreError) -> StoreError {
    match e {
        StoreError::Conflict {
            code: ErrorCode::Duplicate,
            ..
        } => StoreError::Conflict {
            code: ErrorCode::DuplicateUscc,
            message: "统一社会信用代码已被其他单位使用".into(),
        },
        other => other,
    }
}

fn apply(am: &mut org::ActiveModel, i: OrgInput) {
    am.name = Set(i.name);
    am.kind = Set(i.kind.as_str().into());
    am.uscc = Set(i.uscc.map(|u| u.as_str().to_string()));
    am.legal_person = Set(i.legal_person);
    am.contact_name = Set(i.contact_name);
    am.contact_phone = Set(i.contact_phone);
    am.contact_email = Set(i.contact_email);
    am.address = Set(i.address);
    am.tags = Set(i.tags.join(","));
    am.is_high_tech = Set(i.is_high_tech);
    am.is_tech_sme = Set(i.is_tech_sme);
    am.is_specialized = Set(i.is_specialized);
    am.department_id = Set(i.department_id);
    am.founded_on = Set(i.founded_on);
    am.description = Set(i.description);
}

pub(crate) async fn insert<C: ConnectionTrait>(
    tx: &C,
    actor: &str,
    i: OrgInput,
) -> StoreResult<org::Model> {
    let mut am = org::ActiveModel {
        ..Default::default()
    };
    apply(&mut am, i);
    record::insert(tx, actor, am).await.map_err(duplicate_uscc)
}

pub async fn create(db: &Db, actor: &str, i: OrgInput) -> StoreResult<org::Model> {
    let tx = crate::db::begin_write(db).await?;
    let m = insert(&tx, actor, i).await?;
    tx.commit().await?;
    Ok(m)
}

/// Update with optimistic concurrency: `version` is the one the editor saw.
/// An organisation's own account (scope `Org`) keeps its registration
/// fields (kind, credit code, department, qualifications) as registered.
pub async fn update(
    db: &Db,
    scope: &Scope,
    actor: &str,
    id: &str,
    version: i32,
    mut i: OrgInput,
) -> StoreResult<org::Model> {
    let tx = crate::db::begin_write(db).await?;
    let before = get(&tx, scope, id).await?;
    if matches!(scope, Scope::Org(_)) {
        i.kind = OrgKind::parse(&before.kind).unwrap_or(i.kind);
        i.uscc = before.uscc.as_deref().and_then(|u| Uscc::parse(u).ok());
        i.department_id = before.department_id.clone();
        i.is_high_tech = before.is_high_tech;
        i.is_tech_sme = before.is_tech_sme;
        i.is_specialized = before.is_specialized;
    }
    let m = record::update(&tx, actor, "update", before, version, |am| apply(am, i))
        .await
        .map_err(duplicate_uscc)?;
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
    let linked = chain_org::Entity::find()
        .filter(chain_org::Column::OrgId.eq(id))
        .count(&tx)
        .await?;
    if linked > 0 {
        return Err(StoreError::rule(
            ErrorCode::OrgInUse,
            "该单位已挂接到产业链，请先在产业链中移除后再删除",
        ));
    }
    let users = crate::entities::user::Entity::find()
        .filter(crate::entities::user::Column::OrgId.eq(id))
        .count(&tx)
        .await?;
    if users > 0 {
        return Err(StoreError::rule(
            ErrorCode::OrgInUse,
            "该单位下还有用户账号，请先停用或转移账号",
        ));
    }
    record::delete(&tx, actor, before, version).await?;
    tx.commit().await?;
    Ok(())
}

/// Credit codes among `codes` that are already registered.
pub async fn existing_usccs(db: &Db, codes: &[String]) -> StoreResult<Vec<String>> {
    let mut found = Vec::new();
    for chunk in codes.chunks(500) {
        let rows = org::Entity::find()
            .filter(org::Column::Uscc.is_in(chunk.to_vec()))
            .all(db)
            .await?;
        found.extend(rows.into_iter().filter_map(|r| r.uscc));
    }
    Ok(found)
}

/// Import validated rows in one transaction: all of them or none.
pub async fn import(db: &Db, actor: &str, rows: Vec<OrgInput>) -> StoreResult<usize> {
    let tx = crate::db::begin_write(db).await?;
    let n = rows.len();
    for i in rows {
        insert(&tx, actor, i).await?;
    }
    tx.commit().await?;
    Ok(n)
}

/// Number of organisations per kind (for summaries).
pub async fn count_by_kind(db: &Db, scope: &Scope) -> StoreResult<Vec<(String, i64)>> {
    let rows: Vec<(String, i64)> = scoped(org::Entity::find(), scope)
        .select_only()
        .column(org::Column::Kind)
        .column_as(org::Column::Id.count(), "n")
        .group_by(org::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows)
}

//! The talent register (人才名册): who the zone serves, with the talent's
//! employer, tier, specialist and own account. Passport, ID and phone
//! numbers are shown masked; a full view is audited ([`record_access`]).

use chrono::NaiveDate;
use kechuang_domain::ErrorCode;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Select,
};

use crate::entities::{service_staff, talent, talent_tier, user};
use crate::{audit, new_id, record, Db, Page, PageReq, StoreError, StoreResult};

#[derive(Clone, Debug, Default)]
pub struct TalentInput {
    pub name: String,
    pub name_latin: String,
    pub nationality: String,
    pub international: bool,
    pub tier_id: String,
    pub field: String,
    pub employer_org_id: String,
    pub arrived_on: Option<NaiveDate>,
    pub specialist_id: Option<String>,
    pub user_id: Option<String>,
    pub passport_no: String,
    pub id_number: String,
    pub phone: String,
    pub email: String,
    pub note: String,
}

#[derive(Clone, Debug, Default)]
pub struct TalentFilter {
    /// Name (Chinese or Latin), field or nationality contains it.
    pub q: Option<String>,
    pub tier_id: Option<String>,
    pub international: Option<bool>,
    pub employer_org_id: Option<String>,
    pub specialist_id: Option<String>,
}

fn filtered(f: &TalentFilter) -> Select<talent::Entity> {
    use talent::Column as C;
    let mut q = talent::Entity::find();
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(C::Name, t))
                .add(crate::like::contains(C::NameLatin, t))
                .add(crate::like::contains(C::Field, t))
                .add(crate::like::contains(C::Nationality, t)),
        );
    }
    if let Some(v) = &f.tier_id {
        q = q.filter(C::TierId.eq(v.clone()));
    }
    if let Some(v) = f.international {
        q = q.filter(C::International.eq(v));
    }
    if let Some(v) = &f.employer_org_id {
        q = q.filter(C::EmployerOrgId.eq(v.clone()));
    }
    if let Some(v) = &f.specialist_id {
        q = q.filter(C::SpecialistId.eq(v.clone()));
    }
    q.order_by_asc(C::Name).order_by_asc(C::Id)
}

pub async fn list(db: &Db, f: &TalentFilter, p: PageReq) -> StoreResult<Page<talent::Model>> {
    crate::page::fetch(db, filtered(f), p).await
}

/// Every talent of a filter, at most `cap` (exports).
pub async fn list_all(db: &Db, f: &TalentFilter, cap: u64) -> StoreResult<Vec<talent::Model>> {
    use sea_orm::QuerySelect;
    Ok(filtered(f).limit(cap).all(db).await?)
}

pub async fn get<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<talent::Model> {
    talent::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The talent record linked to an account.
pub async fn by_user<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
) -> StoreResult<Option<talent::Model>> {
    Ok(talent::Entity::find()
        .filter(talent::Column::UserId.eq(user_id))
        .one(db)
        .await?)
}

fn field_err(field: &str, message: impl Into<String>) -> StoreError {
    StoreError::field(ErrorCode::InvalidInput, field, message)
}

/// The references of a talent: tier, employer, specialist (a talent
/// specialist) and account (a talent account not linked to another talent).
async fn check<C: ConnectionTrait>(tx: &C, i: &TalentInput, id: Option<&str>) -> StoreResult<()> {
    if i.name.trim().is_empty() && i.name_latin.trim().is_empty() {
        return Err(field_err("name", "请填写姓名（中文或外文）"));
    }
    talent_tier::Entity::find_by_id(i.tier_id.clone())
        .one(tx)
        .await?
        .ok_or_else(|| StoreError::field(ErrorCode::InvalidTier, "tier_id", "请选择人才层次"))?;
    crate::orgs::require_org(tx, &i.employer_org_id, "工作单位")
        .await
        .map_err(|_| field_err("employer_org_id", "请从单位名录中选择工作单位"))?;
    if let Some(s) = &i.specialist_id {
        let staff = service_staff::Entity::find_by_id(s.clone()).one(tx).await?;
        if staff.is_none_or(|s| s.staff_role != "talent_specialist") {
            return Err(field_err("specialist_id", "请选择一位人才服务专员"));
        }
    }
    for (f, label, col, v) in [
        (
            "passport_no",
            "护照号",
            talent::Column::PassportNo,
            &i.passport_no,
        ),
        (
            "id_number",
            "身份证号",
            talent::Column::IdNumber,
            &i.id_number,
        ),
    ] {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        let mut q = talent::Entity::find().filter(col.eq(v));
        if let Some(id) = id {
            q = q.filter(talent::Column::Id.ne(id));
        }
        if let Some(other) = q.one(tx).await? {
            return Err(StoreError::field(
                ErrorCode::Duplicate,
                f,
                format!("{label}已登记在人才“{}”名下", other.name),
            ));
        }
    }
    if let Some(u) = &i.user_id {
        let account = user::Entity::find_by_id(u.clone()).one(tx).await?;
        if account.is_none_or(|a| a.role != "talent") {
            return Err(field_err("user_id", "关联的账号须是“人才”角色的账号"));
        }
        if let Some(other) = by_user(tx, u).await? {
            if Some(other.id.as_str()) != id {
                return Err(StoreError::Conflict {
                    code: ErrorCode::Duplicate,
                    message: format!("该账号已关联人才“{}”", other.name),
                });
            }
        }
    }
    Ok(())
}

fn apply(am: &mut talent::ActiveModel, i: TalentInput) {
    am.name = Set(i.name.trim().to_string());
    am.name_latin = Set(i.name_latin.trim().to_string());
    am.nationality = Set(i.nationality.trim().to_string());
    am.international = Set(i.international);
    am.tier_id = Set(i.tier_id);
    am.field = Set(i.field.trim().to_string());
    am.employer_org_id = Set(i.employer_org_id);
    am.arrived_on = Set(i.arrived_on);
    am.specialist_id = Set(i.specialist_id);
    am.user_id = Set(i.user_id);
    am.passport_no = Set(i.passport_no.trim().to_string());
    am.id_number = Set(i.id_number.trim().to_string());
    am.phone = Set(i.phone.trim().to_string());
    am.email = Set(i.email.trim().to_string());
    am.note = Set(i.note.trim().to_string());
}

pub async fn create(db: &Db, actor: &str, i: TalentInput) -> StoreResult<talent::Model> {
    let tx = crate::db::begin_write(db).await?;
    check(&tx, &i, None).await?;
    let mut am = talent::ActiveModel::default();
    apply(&mut am, i);
    let m = record::insert(&tx, actor, am).await?;
    tx.commit().await?;
    Ok(m)
}

/// Several talents in one transaction: all or nothing; the error of the
/// first bad row with its index.
pub async fn import(
    db: &Db,
    actor: &str,
    rows: Vec<TalentInput>,
) -> Result<usize, (usize, StoreError)> {
    let tx = crate::db::begin_write(db)
        .await
        .map_err(|e| (0, StoreError::from(e)))?;
    let n = rows.len();
    for (k, i) in rows.into_iter().enumerate() {
        check(&tx, &i, None).await.map_err(|e| (k, e))?;
        let mut am = talent::ActiveModel::default();
        apply(&mut am, i);
        record::insert(&tx, actor, am).await.map_err(|e| (k, e))?;
    }
    tx.commit().await.map_err(|e| (0, e.into()))?;
    Ok(n)
}

pub async fn update(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: TalentInput,
) -> StoreResult<talent::Model> {
    let tx = crate::db::begin_write(db).await?;
    let before = get(&tx, id).await?;
    check(&tx, &i, Some(id)).await?;
    let m = record::update(
        &tx,
        actor,
        "update",
        before,
        version,
        |am: &mut talent::ActiveModel| apply(am, i),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// The language the talent chose for its pages (zh, en; empty: the browser's).
pub async fn set_lang(db: &Db, actor: &str, id: &str, lang: &str) -> StoreResult<talent::Model> {
    if !matches!(lang, "" | "zh" | "en") {
        return Err(field_err("lang", "语言只能是 zh 或 en"));
    }
    let tx = crate::db::begin_write(db).await?;
    let before = get(&tx, id).await?;
    let version = before.version;
    let m = record::update(
        &tx,
        actor,
        "update",
        before,
        version,
        |am: &mut talent::ActiveModel| am.lang = Set(lang.to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Audit a full view of talents' passport, ID and phone numbers (`how`:
/// view, export).
pub async fn record_access(db: &Db, actor: &str, how: &str, ids: &[String]) -> StoreResult<()> {
    let tx = crate::db::begin_write(db).await?;
    audit::record(
        &tx,
        actor,
        "talent_access",
        &new_id(),
        how,
        serde_json::Value::Null,
        serde_json::json!({ "talents": ids.len(), "talent_ids": ids.iter().take(200).collect::<Vec<_>>() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The active talent accounts a talent may be linked to: those not linked
/// to another talent (the one of `talent_id`, if given, included), as
/// (id, "display name（username）") in username order.
pub async fn linkable_accounts(
    db: &Db,
    talent_id: Option<&str>,
) -> StoreResult<Vec<(String, String)>> {
    use sea_orm::QuerySelect;
    let mut linked = talent::Entity::find()
        .select_only()
        .column(talent::Column::UserId)
        .filter(talent::Column::UserId.is_not_null());
    if let Some(id) = talent_id {
        linked = linked.filter(talent::Column::Id.ne(id));
    }
    let taken: std::collections::HashSet<String> = linked
        .into_tuple::<Option<String>>()
        .all(db)
        .await?
        .into_iter()
        .flatten()
        .collect();
    Ok(user::Entity::find()
        .filter(user::Column::Role.eq("talent"))
        .filter(user::Column::Active.eq(true))
        .order_by_asc(user::Column::Username)
        .all(db)
        .await?
        .into_iter()
        .filter(|u| !taken.contains(&u.id))
        .map(|u| (u.id, format!("{}（{}）", u.display_name, u.username)))
        .collect())
}

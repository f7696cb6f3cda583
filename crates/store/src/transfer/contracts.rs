//! Technology contracts (技术合同登记): registered contracts by type with
//! their amount and technology transaction amount, linked to the transfer
//! project or matchmaking lead that produced them; turnover by year with
//! year-on-year growth and the run of consecutive growth years.

use chrono::{Datelike, NaiveDate};
use kechuang_domain::transfer::{turnover_by_year, ContractKind, YearTurnover};
use kechuang_domain::ErrorCode;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};

use crate::entities::tech_contract;
use crate::{record, Db, Page, PageReq, StoreError, StoreResult};

#[derive(Clone, Debug, PartialEq)]
pub struct ContractInput {
    pub contract_no: String,
    pub title: String,
    pub kind: ContractKind,
    pub seller_org_id: Option<String>,
    pub seller_name: String,
    pub buyer_org_id: Option<String>,
    pub buyer_name: String,
    pub amount_fen: i64,
    pub tech_amount_fen: i64,
    pub signed_on: NaiveDate,
    pub registered_on: NaiveDate,
    pub project_id: Option<String>,
    pub lead_id: Option<String>,
    pub chain_id: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ContractSort {
    #[default]
    RegisteredDesc,
    AmountDesc,
    ContractNo,
}

#[derive(Clone, Debug, Default)]
pub struct ContractFilter {
    pub q: Option<String>,
    pub kind: Option<ContractKind>,
    pub year: Option<i32>,
    pub project_id: Option<String>,
    pub chain_id: Option<String>,
    pub sort: ContractSort,
}

fn filtered(f: &ContractFilter) -> Select<tech_contract::Entity> {
    use tech_contract::Column as C;
    let mut q = tech_contract::Entity::find();
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(C::ContractNo, t))
                .add(crate::like::contains(C::Title, t))
                .add(crate::like::contains(C::SellerName, t))
                .add(crate::like::contains(C::BuyerName, t)),
        );
    }
    if let Some(k) = f.kind {
        q = q.filter(C::Kind.eq(k.as_str()));
    }
    if let Some(y) = f.year {
        q = q.filter(C::Year.eq(y));
    }
    if let Some(p) = &f.project_id {
        q = q.filter(C::ProjectId.eq(p.clone()));
    }
    if let Some(c) = &f.chain_id {
        q = q.filter(C::ChainId.eq(c.clone()));
    }
    match f.sort {
        ContractSort::RegisteredDesc => q.order_by_desc(C::RegisteredOn),
        ContractSort::AmountDesc => q.order_by_desc(C::AmountFen),
        ContractSort::ContractNo => q.order_by_asc(C::ContractNo),
    }
    .order_by_asc(C::Id)
}

pub async fn list(
    db: &Db,
    f: &ContractFilter,
    p: PageReq,
) -> StoreResult<Page<tech_contract::Model>> {
    let q = filtered(f);
    crate::page::fetch(db, q, p).await
}

pub async fn list_all(
    db: &Db,
    f: &ContractFilter,
    cap: u64,
) -> StoreResult<Vec<tech_contract::Model>> {
    Ok(filtered(f).limit(cap).all(db).await?)
}

pub async fn get<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<tech_contract::Model> {
    tech_contract::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

fn check(i: &ContractInput) -> StoreResult<()> {
    if i.amount_fen <= 0 || i.tech_amount_fen < 0 || i.tech_amount_fen > i.amount_fen {
        return Err(StoreError::rule(
            ErrorCode::InvalidAmount,
            "合同金额须大于 0，技术交易额不能为负，也不能超过合同金额",
        ));
    }
    if i.registered_on < i.signed_on {
        return Err(StoreError::rule(
            ErrorCode::RegisteredBeforeSigned,
            "登记日期不能早于签订日期",
        ));
    }
    Ok(())
}

fn apply(am: &mut tech_contract::ActiveModel, i: ContractInput) {
    am.contract_no = Set(i.contract_no.trim().into());
    am.title = Set(i.title);
    am.kind = Set(i.kind.as_str().into());
    am.seller_org_id = Set(i.seller_org_id);
    am.seller_name = Set(i.seller_name);
    am.buyer_org_id = Set(i.buyer_org_id);
    am.buyer_name = Set(i.buyer_name);
    am.amount_fen = Set(i.amount_fen);
    am.tech_amount_fen = Set(i.tech_amount_fen);
    am.signed_on = Set(i.signed_on);
    am.year = Set(i.registered_on.year());
    am.registered_on = Set(i.registered_on);
    am.project_id = Set(i.project_id);
    am.lead_id = Set(i.lead_id);
    am.chain_id = Set(i.chain_id);
}

fn dup_no(e: StoreError) -> StoreError {
    match e {
        StoreError::Conflict {
            code: ErrorCode::Duplicate,
            ..
        } => StoreError::Conflict {
            code: ErrorCode::DuplicateContractNo,
            message: "合同登记编号已存在".into(),
        },
        other => other,
    }
}

async fn insert<C: ConnectionTrait>(
    tx: &C,
    actor: &str,
    i: ContractInput,
) -> StoreResult<tech_contract::Model> {
    check(&i)?;
    if let Some(p) = &i.project_id {
        super::projects::get(tx, p)
            .await
            .map_err(|_| StoreError::rule(ErrorCode::UnknownProject, "关联的转化项目不存在"))?;
    }
    let mut am = tech_contract::ActiveModel::default();
    apply(&mut am, i);
    record::insert(tx, actor, am).await.map_err(dup_no)
}

pub async fn create(db: &Db, actor: &str, i: ContractInput) -> StoreResult<tech_contract::Model> {
    let tx = crate::db::begin_write(db).await?;
    let m = insert(&tx, actor, i).await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn update(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: ContractInput,
) -> StoreResult<tech_contract::Model> {
    check(&i)?;
    let tx = crate::db::begin_write(db).await?;
    let before = get(&tx, id).await?;
    let m = record::update(&tx, actor, "update", before, version, |am| apply(am, i))
        .await
        .map_err(dup_no)?;
    tx.commit().await?;
    Ok(m)
}

/// Import validated rows all or nothing: the first rejected row (1-based
/// index into `rows`) rolls back the whole file.
pub async fn import(
    db: &Db,
    actor: &str,
    rows: Vec<ContractInput>,
) -> Result<usize, (usize, StoreError)> {
    let tx = crate::db::begin_write(db)
        .await
        .map_err(|e| (0, e.into()))?;
    let n = rows.len();
    for (k, i) in rows.into_iter().enumerate() {
        insert(&tx, actor, i).await.map_err(|e| (k + 1, e))?;
    }
    tx.commit().await.map_err(|e| (0, e.into()))?;
    Ok(n)
}

/// Turnover (合同成交额) and technology transaction amount by registration
/// year, with growth and the run of growth years.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Turnover {
    pub years: Vec<YearTurnover>,
    /// Technology transaction amount (技术交易额) by year, aligned with `years`.
    pub tech_fen: Vec<i64>,
}

pub async fn turnover(db: &Db, chain_id: Option<&str>) -> StoreResult<Turnover> {
    use tech_contract::Column as C;
    let mut q = tech_contract::Entity::find()
        .select_only()
        .column(C::Year)
        .column(C::AmountFen)
        .column(C::TechAmountFen);
    if let Some(c) = chain_id {
        q = q.filter(C::ChainId.eq(c));
    }
    let rows: Vec<(i32, i64, i64)> = q.into_tuple().all(db).await?;
    let items: Vec<(i32, i64)> = rows.iter().map(|(y, a, _)| (*y, *a)).collect();
    let years = turnover_by_year(&items).ok_or_else(crate::money::overflow)?;
    let tech_fen = years
        .iter()
        .map(|y| {
            crate::money::total(
                rows.iter()
                    .filter(|(ry, _, _)| *ry == y.year)
                    .map(|(_, _, t)| *t),
            )
        })
        .collect::<StoreResult<_>>()?;
    Ok(Turnover { years, tech_fen })
}

/// Registered contracts not yet linked to a lead, signed by one of `orgs`
/// (as buyer or seller), newest first: the ones a lead between those
/// organisations can be signed with.
pub async fn unlinked_of(
    db: &Db,
    orgs: &[String],
    cap: u64,
) -> StoreResult<Vec<tech_contract::Model>> {
    use tech_contract::Column as C;
    if orgs.is_empty() {
        return Ok(vec![]);
    }
    Ok(tech_contract::Entity::find()
        .filter(C::LeadId.is_null())
        .filter(
            Condition::any()
                .add(C::BuyerOrgId.is_in(orgs.iter().cloned()))
                .add(C::SellerOrgId.is_in(orgs.iter().cloned())),
        )
        .order_by_desc(C::SignedOn)
        .order_by_asc(C::Id)
        .limit(cap)
        .all(db)
        .await?)
}

//! Cooperation projects (合作项目): what signed leads produced, and those
//! staff record without a lead (a cooperation the zone helped with
//! outside the platform). They count toward the article's 100+ projects:
//! [`counts`] gives them by year and by chain for a period.
//!
//! Readers: those who work the matchmaking and the scope `All` see every
//! project; an organisation those it is a party to; others none.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use kechuang_domain::matching::{check_amount, CoopMode};
use kechuang_domain::ErrorCode;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};

use super::{amount_error, check_len, Actor, Period, Refs};
use crate::entities::{cooperation_project, need, offer, tech_contract};
use crate::{record, Db, Page, PageReq, StoreError, StoreResult};

/// A cooperation project as recorded by staff, or made by signing a lead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectInput {
    /// Up to 200 characters.
    pub title: String,
    pub need_id: Option<String>,
    pub offer_id: Option<String>,
    /// The enterprise (需求方), registered.
    pub enterprise_org_id: String,
    /// The partner (供给方), registered.
    pub partner_org_id: Option<String>,
    pub chain_id: Option<String>,
    pub mode: Option<CoopMode>,
    /// Not after today.
    pub signed_on: NaiveDate,
    /// In fen.
    pub amount_fen: i64,
    /// An existing technology contract.
    pub contract_id: Option<String>,
    pub note: String,
}

/// List filters; every field narrows the list.
#[derive(Clone, Debug, Default)]
pub struct ProjectFilter {
    /// Substring of the title.
    pub q: Option<String>,
    /// Signed in this period.
    pub period: Period,
    pub chain_id: Option<String>,
    /// The enterprise or the partner.
    pub org_id: Option<String>,
    /// From a lead (true) or recorded without one (false).
    pub from_lead: Option<bool>,
}

/// A project with the names of its parties and chain.
#[derive(Clone, Debug)]
pub struct ProjectRow {
    pub project: cooperation_project::Model,
    pub enterprise_name: String,
    pub partner_name: Option<String>,
    pub chain_name: Option<String>,
}

/// Projects of one chain (None: no chain) in a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainCount {
    pub chain_id: Option<String>,
    pub chain_name: String,
    pub projects: u64,
    pub amount_fen: i64,
}

/// Projects signed in a period: in total, by year and by chain.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProjectCounts {
    pub period: Period,
    pub total: u64,
    /// Of which from leads.
    pub from_leads: u64,
    pub amount_fen: i64,
    /// (year, projects), by year.
    pub by_year: Vec<(i32, u64)>,
    /// Most projects first; projects without a chain last.
    pub by_chain: Vec<ChainCount>,
}

fn visible(actor: &Actor) -> Condition {
    use cooperation_project::Column as C;
    if actor.works_matching() || actor.scope.sees_all() {
        return Condition::all();
    }
    match actor.org() {
        Some(o) => Condition::any()
            .add(C::EnterpriseOrgId.eq(o))
            .add(C::PartnerOrgId.eq(o)),
        None => Condition::all().add(Expr::val(1).eq(0)),
    }
}

fn in_period(p: Period) -> Condition {
    use cooperation_project::Column as C;
    let mut c = Condition::all();
    if let Some(f) = p.from {
        c = c.add(C::SignedOn.gte(f));
    }
    if let Some(t) = p.to {
        c = c.add(C::SignedOn.lte(t));
    }
    c
}

fn filtered(actor: &Actor, f: &ProjectFilter) -> Select<cooperation_project::Entity> {
    use cooperation_project::Column as C;
    let mut q = cooperation_project::Entity::find()
        .filter(visible(actor))
        .filter(in_period(f.period));
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(crate::like::contains(C::Title, t));
    }
    if let Some(c) = &f.chain_id {
        q = q.filter(C::ChainId.eq(c.clone()));
    }
    if let Some(o) = &f.org_id {
        q = q.filter(
            Condition::any()
                .add(C::EnterpriseOrgId.eq(o.clone()))
                .add(C::PartnerOrgId.eq(o.clone())),
        );
    }
    match f.from_lead {
        Some(true) => q = q.filter(C::LeadId.is_not_null()),
        Some(false) => q = q.filter(C::LeadId.is_null()),
        None => {}
    }
    q.order_by_desc(C::SignedOn).order_by_desc(C::Id)
}

async fn rows<C: ConnectionTrait>(
    db: &C,
    items: Vec<cooperation_project::Model>,
) -> StoreResult<Vec<ProjectRow>> {
    let mut orgs: BTreeSet<String> = items.iter().map(|p| p.enterprise_org_id.clone()).collect();
    orgs.extend(items.iter().filter_map(|p| p.partner_org_id.clone()));
    let chains: BTreeSet<String> = items.iter().filter_map(|p| p.chain_id.clone()).collect();
    let names = super::place_names(db, orgs, chains, BTreeSet::new()).await?;
    Ok(items
        .into_iter()
        .map(|p| ProjectRow {
            enterprise_name: names
                .orgs
                .get(&p.enterprise_org_id)
                .cloned()
                .unwrap_or_default(),
            partner_name: p
                .partner_org_id
                .as_ref()
                .and_then(|o| names.orgs.get(o).cloned()),
            chain_name: p
                .chain_id
                .as_ref()
                .and_then(|c| names.chains.get(c).cloned()),
            project: p,
        })
        .collect())
}

/// One page of the projects the actor sees, latest signed first.
pub async fn list(
    db: &Db,
    actor: &Actor,
    f: &ProjectFilter,
    p: PageReq,
) -> StoreResult<Page<ProjectRow>> {
    f.period.check()?;
    let page = crate::page::fetch(db, filtered(actor, f), p).await?;
    Ok(Page {
        items: rows(db, page.items).await?,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// Every project of the filtered list (export), at most `cap`.
pub async fn list_all(
    db: &Db,
    actor: &Actor,
    f: &ProjectFilter,
    cap: u64,
) -> StoreResult<Vec<ProjectRow>> {
    f.period.check()?;
    let items = filtered(actor, f).limit(cap).all(db).await?;
    rows(db, items).await
}

/// One project the actor sees, with names (404 otherwise).
pub async fn detail(db: &Db, actor: &Actor, id: &str) -> StoreResult<ProjectRow> {
    let p = cooperation_project::Entity::find_by_id(id.to_string())
        .filter(visible(actor))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(rows(db, vec![p]).await?.remove(0))
}

/// Insert a project (checked) in the caller's transaction; `lead_id` when
/// a lead is being signed.
pub(crate) async fn insert<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    i: ProjectInput,
    lead_id: Option<String>,
) -> StoreResult<cooperation_project::Model> {
    let title = i.title.trim();
    if title.is_empty() {
        return Err(StoreError::field(
            ErrorCode::NameRequired,
            "title",
            "请填写合作项目名称",
        ));
    }
    let title: String = title.chars().take(200).collect();
    check_len("note", &i.note, 20_000, "说明")?;
    check_amount(i.amount_fen).map_err(|m| amount_error("amount_fen", m))?;
    if i.signed_on > crate::clock::today() {
        return Err(StoreError::field(
            ErrorCode::FutureDate,
            "signed_on",
            "签约日期不能晚于今天",
        ));
    }
    let mut refs = Refs::default();
    refs.org(tx, &i.enterprise_org_id, "需求方单位").await?;
    if let Some(p) = &i.partner_org_id {
        refs.org(tx, p, "合作单位").await?;
    }
    let (chain_id, _) = refs.place(tx, i.chain_id.as_deref(), None).await?;
    if let Some(n) = &i.need_id {
        if need::Entity::find_by_id(n.clone()).one(tx).await?.is_none() {
            return Err(StoreError::field(
                ErrorCode::UnknownNeed,
                "need_id",
                "技术需求不存在",
            ));
        }
    }
    if let Some(o) = &i.offer_id {
        if offer::Entity::find_by_id(o.clone())
            .one(tx)
            .await?
            .is_none()
        {
            return Err(StoreError::field(
                ErrorCode::UnknownOffer,
                "offer_id",
                "技术供给不存在",
            ));
        }
    }
    if let Some(c) = &i.contract_id {
        if tech_contract::Entity::find_by_id(c.clone())
            .one(tx)
            .await?
            .is_none()
        {
            return Err(StoreError::field(
                ErrorCode::UnknownContract,
                "contract_id",
                "技术合同不存在，请先登记技术合同",
            ));
        }
    }
    record::insert(
        tx,
        &actor.username,
        cooperation_project::ActiveModel {
            title: Set(title),
            lead_id: Set(lead_id),
            need_id: Set(i.need_id),
            offer_id: Set(i.offer_id),
            enterprise_org_id: Set(i.enterprise_org_id),
            partner_org_id: Set(i.partner_org_id),
            chain_id: Set(chain_id),
            mode: Set(i.mode.map(|m| m.as_str().to_string()).unwrap_or_default()),
            signed_on: Set(i.signed_on),
            amount_fen: Set(i.amount_fen),
            contract_id: Set(i.contract_id),
            recorded_by: Set(actor.user_id.clone()),
            note: Set(i.note),
            ..Default::default()
        },
    )
    .await
}

/// Record a cooperation project without a lead (staff who work the matchmaking).
pub async fn record(
    db: &Db,
    actor: &Actor,
    i: ProjectInput,
) -> StoreResult<cooperation_project::Model> {
    if !actor.works_matching() {
        return Err(StoreError::Forbidden {
            code: ErrorCode::Forbidden,
            message: "只有科创经纪人或科技主管部门可以登记合作项目".into(),
        });
    }
    let tx = crate::db::begin_write(db).await?;
    let m = insert(&tx, actor, i, None).await?;
    tx.commit().await?;
    Ok(m)
}

/// Projects signed in `period`: in total, by year and by chain (with names).
pub async fn counts(db: &Db, period: Period) -> StoreResult<ProjectCounts> {
    use cooperation_project::Column as C;
    period.check()?;
    let rows: Vec<(Option<String>, NaiveDate, i64, Option<String>)> =
        cooperation_project::Entity::find()
            .select_only()
            .column(C::ChainId)
            .column(C::SignedOn)
            .column(C::AmountFen)
            .column(C::LeadId)
            .filter(in_period(period))
            .into_tuple()
            .all(db)
            .await?;
    let amount_fen = crate::money::total(rows.iter().map(|r| r.2))?;
    let mut by_year: BTreeMap<i32, u64> = BTreeMap::new();
    let mut by_chain: BTreeMap<Option<String>, (u64, Vec<i64>)> = BTreeMap::new();
    for (chain, on, amount, _) in &rows {
        *by_year.entry(on.year()).or_default() += 1;
        let e = by_chain.entry(chain.clone()).or_default();
        e.0 += 1;
        e.1.push(*amount);
    }
    let names = crate::names::of(db, "chains", by_chain.keys().flatten().cloned()).await?;
    let mut chains = by_chain
        .into_iter()
        .map(|(chain_id, (n, amounts))| {
            Ok(ChainCount {
                chain_name: match &chain_id {
                    Some(c) => names.get(c).cloned().unwrap_or_default(),
                    None => "未关联产业链".into(),
                },
                chain_id,
                projects: n,
                amount_fen: crate::money::total(amounts)?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    chains.sort_by(|a, b| {
        a.chain_id
            .is_none()
            .cmp(&b.chain_id.is_none())
            .then(b.projects.cmp(&a.projects))
            .then(a.chain_name.cmp(&b.chain_name))
    });
    Ok(ProjectCounts {
        period,
        total: rows.len() as u64,
        from_leads: rows.iter().filter(|r| r.3.is_some()).count() as u64,
        amount_fen,
        by_year: by_year.into_iter().collect(),
        by_chain: chains,
    })
}

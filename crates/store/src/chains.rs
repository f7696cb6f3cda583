//! Industrial chains (产业链): nested nodes, each organisation's place on a
//! chain (up-, mid-, downstream) and the day a firm settled onto it (落户),
//! and yearly output values, from which the chain's output and
//! year-on-year growth are computed.

use kechuang_domain::ErrorCode;
use std::collections::BTreeMap;

use chrono::NaiveDate;

use kechuang_domain::org::{yoy_growth_permille, ChainPosition};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;

use crate::entities::{
    chain, chain_node, chain_org, chain_output, need, offer, org, transfer_project,
};
use crate::record;
use crate::{Db, StoreError, StoreResult};

/// A chain with its counts, for the list page.
#[derive(Clone, Debug, Serialize)]
pub struct ChainSummary {
    pub chain: chain::Model,
    pub nodes: u64,
    pub orgs: u64,
    /// Latest year with output, its total and growth over the year before.
    pub latest: Option<YearTotal>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct YearTotal {
    pub year: i32,
    pub output_fen: i64,
    /// Growth over the previous year in per-mille; None without a previous year.
    pub growth_permille: Option<i64>,
}

/// An organisation's place on a chain.
#[derive(Clone, Debug, Serialize)]
pub struct Member {
    pub link: chain_org::Model,
    pub org_name: String,
    pub node_name: Option<String>,
    /// Output by year (fen).
    pub outputs: BTreeMap<i32, i64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ChainDetail {
    pub chain: chain::Model,
    pub nodes: Vec<chain_node::Model>,
    pub members: Vec<Member>,
    pub totals: Vec<YearTotal>,
}

/// Yearly totals with growth; years are consecutive where growth is shown.
pub fn year_totals(outputs: &[chain_output::Model]) -> StoreResult<Vec<YearTotal>> {
    let mut by_year: BTreeMap<i32, i64> = BTreeMap::new();
    for o in outputs {
        let t = by_year.entry(o.year).or_default();
        *t = crate::money::add(*t, o.output_fen)?;
    }
    Ok(by_year
        .iter()
        .map(|(&year, &output_fen)| YearTotal {
            year,
            output_fen,
            growth_permille: by_year
                .get(&(year - 1))
                .and_then(|&prev| yoy_growth_permille(output_fen, prev)),
        })
        .collect())
}

pub async fn list(db: &Db) -> StoreResult<Vec<ChainSummary>> {
    let chains = chain::Entity::find()
        .order_by_asc(chain::Column::Name)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(chains.len());
    for c in chains {
        let nodes = chain_node::Entity::find()
            .filter(chain_node::Column::ChainId.eq(c.id.clone()))
            .count(db)
            .await?;
        let orgs = chain_org::Entity::find()
            .filter(chain_org::Column::ChainId.eq(c.id.clone()))
            .count(db)
            .await?;
        let outputs = chain_output::Entity::find()
            .filter(chain_output::Column::ChainId.eq(c.id.clone()))
            .all(db)
            .await?;
        let latest = year_totals(&outputs)?.pop();
        out.push(ChainSummary {
            chain: c,
            nodes,
            orgs,
            latest,
        });
    }
    Ok(out)
}

pub async fn get<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<chain::Model> {
    chain::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn detail(db: &Db, id: &str) -> StoreResult<ChainDetail> {
    let c = get(db, id).await?;
    let nodes = chain_node::Entity::find()
        .filter(chain_node::Column::ChainId.eq(id))
        .order_by_asc(chain_node::Column::SortOrder)
        .order_by_asc(chain_node::Column::Name)
        .all(db)
        .await?;
    let links = chain_org::Entity::find()
        .filter(chain_org::Column::ChainId.eq(id))
        .all(db)
        .await?;
    let outputs = chain_output::Entity::find()
        .filter(chain_output::Column::ChainId.eq(id))
        .all(db)
        .await?;
    let org_ids: Vec<String> = links.iter().map(|l| l.org_id.clone()).collect();
    let mut names = BTreeMap::new();
    for chunk in org_ids.chunks(500) {
        for o in org::Entity::find()
            .filter(org::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            names.insert(o.id, o.name);
        }
    }
    let mut members: Vec<Member> = links
        .into_iter()
        .map(|link| Member {
            org_name: names.get(&link.org_id).cloned().unwrap_or_default(),
            node_name: link
                .node_id
                .as_ref()
                .and_then(|n| nodes.iter().find(|x| &x.id == n))
                .map(|n| n.name.clone()),
            outputs: outputs
                .iter()
                .filter(|o| o.org_id == link.org_id)
                .map(|o| (o.year, o.output_fen))
                .collect(),
            link,
        })
        .collect();
    members.sort_by(|a, b| {
        position_rank(&a.link.position)
            .cmp(&position_rank(&b.link.position))
            .then(a.org_name.cmp(&b.org_name))
    });
    Ok(ChainDetail {
        chain: c,
        nodes,
        members,
        totals: year_totals(&outputs)?,
    })
}

fn position_rank(p: &str) -> u8 {
    match ChainPosition::parse(p) {
        Some(ChainPosition::Upstream) => 0,
        Some(ChainPosition::Midstream) => 1,
        Some(ChainPosition::Downstream) => 2,
        None => 3,
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChainInput {
    pub name: String,
    pub description: String,
    /// The industry's task force (一产业一专班), which triages its cases.
    pub task_force_department_id: Option<String>,
}

fn dup_name(e: StoreError) -> StoreError {
    match e {
        StoreError::Conflict {
            code: ErrorCode::Duplicate,
            ..
        } => StoreError::Conflict {
            code: ErrorCode::DuplicateName,
            message: "同名产业链已存在".into(),
        },
        other => other,
    }
}

pub async fn create(db: &Db, actor: &str, i: ChainInput) -> StoreResult<chain::Model> {
    let tx = crate::db::begin_write(db).await?;
    let am = chain::ActiveModel {
        name: Set(i.name),
        description: Set(i.description),
        task_force_department_id: Set(i.task_force_department_id),
        ..Default::default()
    };
    let m = record::insert(&tx, actor, am).await.map_err(dup_name)?;
    tx.commit().await?;
    Ok(m)
}

pub async fn update(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: ChainInput,
) -> StoreResult<chain::Model> {
    let tx = crate::db::begin_write(db).await?;
    let before = get(&tx, id).await?;
    let m = record::update(
        &tx,
        actor,
        "update",
        before,
        version,
        |am: &mut chain::ActiveModel| {
            am.name = Set(i.name);
            am.description = Set(i.description);
            am.task_force_department_id = Set(i.task_force_department_id);
        },
    )
    .await
    .map_err(dup_name)?;
    tx.commit().await?;
    Ok(m)
}

/// A node under a chain (or under another node of the same chain).
pub async fn add_node(
    db: &Db,
    actor: &str,
    chain_id: &str,
    parent_id: Option<String>,
    name: String,
    sort_order: i32,
) -> StoreResult<chain_node::Model> {
    let tx = crate::db::begin_write(db).await?;
    get(&tx, chain_id).await?;
    if let Some(p) = &parent_id {
        let parent = chain_node::Entity::find_by_id(p.clone()).one(&tx).await?;
        if parent.is_none_or(|n| n.chain_id != chain_id) {
            return Err(StoreError::rule(
                ErrorCode::InvalidParent,
                "上级节点不属于该产业链",
            ));
        }
    }
    let am = chain_node::ActiveModel {
        chain_id: Set(chain_id.into()),
        parent_id: Set(parent_id),
        name: Set(name),
        sort_order: Set(sort_order),
        ..Default::default()
    };
    let m = record::insert(&tx, actor, am).await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn delete_node(db: &Db, actor: &str, chain_id: &str, node_id: &str) -> StoreResult<()> {
    let tx = crate::db::begin_write(db).await?;
    let node = chain_node::Entity::find_by_id(node_id.to_string())
        .filter(chain_node::Column::ChainId.eq(chain_id))
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let children = chain_node::Entity::find()
        .filter(chain_node::Column::ParentId.eq(node_id))
        .count(&tx)
        .await?;
    let members = chain_org::Entity::find()
        .filter(chain_org::Column::NodeId.eq(node_id))
        .count(&tx)
        .await?;
    if children + members > 0 {
        return Err(StoreError::rule(
            ErrorCode::NodeInUse,
            "该节点下还有子节点或挂接单位，不能删除",
        ));
    }
    // Records filed under the node would lose it without a word.
    let projects = transfer_project::Entity::find()
        .filter(transfer_project::Column::ChainNodeId.eq(node_id))
        .count(&tx)
        .await?;
    let needs = need::Entity::find()
        .filter(need::Column::ChainNodeId.eq(node_id))
        .count(&tx)
        .await?;
    let offers = offer::Entity::find()
        .filter(offer::Column::ChainNodeId.eq(node_id))
        .count(&tx)
        .await?;
    if projects + needs + offers > 0 {
        let uses: Vec<String> = [
            (projects, "个转化项目"),
            (needs, "条技术需求"),
            (offers, "条技术供给"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n}{what}"))
        .collect();
        return Err(StoreError::rule(
            ErrorCode::NodeInUse,
            format!(
                "“{}”还有{}归在这个环节，不能删除；请先把它们改到其他环节",
                node.name,
                uses.join("、")
            ),
        ));
    }
    let version = node.version;
    record::delete(&tx, actor, node, version).await?;
    tx.commit().await?;
    Ok(())
}

/// Put an organisation on a chain (or change its node / position).
pub async fn set_member(
    db: &Db,
    actor: &str,
    chain_id: &str,
    org_id: &str,
    node_id: Option<String>,
    position: ChainPosition,
) -> StoreResult<chain_org::Model> {
    let tx = crate::db::begin_write(db).await?;
    get(&tx, chain_id).await?;
    if org::Entity::find_by_id(org_id.to_string())
        .one(&tx)
        .await?
        .is_none()
    {
        return Err(StoreError::rule(ErrorCode::InvalidOrg, "单位不存在"));
    }
    if let Some(n) = &node_id {
        let node = chain_node::Entity::find_by_id(n.clone()).one(&tx).await?;
        if node.is_none_or(|x| x.chain_id != chain_id) {
            return Err(StoreError::rule(
                ErrorCode::InvalidNode,
                "链节点不属于该产业链",
            ));
        }
    }
    let existing = chain_org::Entity::find()
        .filter(chain_org::Column::ChainId.eq(chain_id))
        .filter(chain_org::Column::OrgId.eq(org_id))
        .one(&tx)
        .await?;
    let m = match existing {
        Some(old) => {
            let v = old.version;
            record::update(
                &tx,
                actor,
                "update",
                old,
                v,
                |am: &mut chain_org::ActiveModel| {
                    am.node_id = Set(node_id);
                    am.position = Set(position.as_str().into());
                },
            )
            .await?
        }
        None => {
            let am = chain_org::ActiveModel {
                chain_id: Set(chain_id.into()),
                node_id: Set(node_id),
                org_id: Set(org_id.into()),
                position: Set(position.as_str().into()),
                ..Default::default()
            };
            record::insert(&tx, actor, am).await?
        }
    };
    tx.commit().await?;
    Ok(m)
}

/// Take an organisation off a chain, with its output values.
pub async fn remove_member(db: &Db, actor: &str, chain_id: &str, org_id: &str) -> StoreResult<()> {
    let tx = crate::db::begin_write(db).await?;
    let link = chain_org::Entity::find()
        .filter(chain_org::Column::ChainId.eq(chain_id))
        .filter(chain_org::Column::OrgId.eq(org_id))
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let outputs = chain_output::Entity::find()
        .filter(chain_output::Column::ChainId.eq(chain_id))
        .filter(chain_output::Column::OrgId.eq(org_id))
        .all(&tx)
        .await?;
    for o in outputs {
        let v = o.version;
        record::delete(&tx, actor, o, v).await?;
    }
    let v = link.version;
    record::delete(&tx, actor, link, v).await?;
    tx.commit().await?;
    Ok(())
}

/// Record (or correct) an organisation's output on a chain for one year.
pub async fn set_output(
    db: &Db,
    actor: &str,
    chain_id: &str,
    org_id: &str,
    year: i32,
    output_fen: i64,
) -> StoreResult<chain_output::Model> {
    if output_fen < 0 {
        return Err(StoreError::rule(
            ErrorCode::NegativeAmount,
            "产值不能为负数",
        ));
    }
    if let Err(e) = kechuang_domain::money::Money::bounded_fen(output_fen) {
        return Err(StoreError::rule(ErrorCode::AmountTooLarge, e.to_string()));
    }
    if !(1990..=2100).contains(&year) {
        return Err(StoreError::rule(
            ErrorCode::InvalidYear,
            "年份应在1990—2100之间",
        ));
    }
    let tx = crate::db::begin_write(db).await?;
    let member = chain_org::Entity::find()
        .filter(chain_org::Column::ChainId.eq(chain_id))
        .filter(chain_org::Column::OrgId.eq(org_id))
        .count(&tx)
        .await?;
    if member == 0 {
        return Err(StoreError::rule(
            ErrorCode::NotOnChain,
            "该单位尚未挂接到这条产业链，请先挂接",
        ));
    }
    let existing = chain_output::Entity::find()
        .filter(chain_output::Column::ChainId.eq(chain_id))
        .filter(chain_output::Column::OrgId.eq(org_id))
        .filter(chain_output::Column::Year.eq(year))
        .one(&tx)
        .await?;
    let m = match existing {
        Some(old) => {
            let v = old.version;
            record::update(
                &tx,
                actor,
                "update",
                old,
                v,
                |am: &mut chain_output::ActiveModel| am.output_fen = Set(output_fen),
            )
            .await?
        }
        None => {
            let am = chain_output::ActiveModel {
                chain_id: Set(chain_id.into()),
                org_id: Set(org_id.into()),
                year: Set(year),
                output_fen: Set(output_fen),
                ..Default::default()
            };
            record::insert(&tx, actor, am).await?
        }
    };
    tx.commit().await?;
    Ok(m)
}

/// Chains an organisation sits on: (chain name, position, node name).
pub async fn places_of_org(
    db: &Db,
    org_id: &str,
) -> StoreResult<Vec<(chain::Model, chain_org::Model, Option<String>)>> {
    let links = chain_org::Entity::find()
        .filter(chain_org::Column::OrgId.eq(org_id))
        .all(db)
        .await?;
    let mut out = Vec::new();
    for l in links {
        let Some(c) = chain::Entity::find_by_id(l.chain_id.clone())
            .one(db)
            .await?
        else {
            continue;
        };
        let node = match &l.node_id {
            Some(n) => chain_node::Entity::find_by_id(n.clone())
                .one(db)
                .await?
                .map(|n| n.name),
            None => None,
        };
        out.push((c, l, node));
    }
    Ok(out)
}

/// Record (or clear) the day an organisation on a chain settled onto it (落户).
pub async fn set_settled_on(
    db: &Db,
    actor: &str,
    chain_id: &str,
    org_id: &str,
    settled_on: Option<NaiveDate>,
) -> StoreResult<chain_org::Model> {
    let tx = crate::db::begin_write(db).await?;
    let link = chain_org::Entity::find()
        .filter(chain_org::Column::ChainId.eq(chain_id))
        .filter(chain_org::Column::OrgId.eq(org_id))
        .one(&tx)
        .await?
        .ok_or_else(|| {
            StoreError::rule(
                ErrorCode::NotOnChain,
                "该单位尚未挂接到这条产业链，请先挂接",
            )
        })?;
    let v = link.version;
    let m = record::update(
        &tx,
        actor,
        "update",
        link,
        v,
        |am: &mut chain_org::ActiveModel| am.settled_on = Set(settled_on),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Firms settled onto a chain in a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SettledCount {
    pub chain_id: String,
    pub chain_name: String,
    pub settled: u64,
}

fn settled_in_period(
    q: sea_orm::Select<chain_org::Entity>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> sea_orm::Select<chain_org::Entity> {
    let mut q = q.filter(chain_org::Column::SettledOn.is_not_null());
    if let Some(f) = from {
        q = q.filter(chain_org::Column::SettledOn.gte(f));
    }
    if let Some(t) = to {
        q = q.filter(chain_org::Column::SettledOn.lte(t));
    }
    q
}

/// Every chain (by name) with how many firms settled onto it with a date
/// in `from..=to` (either end open); the firms are [`settled_orgs`].
pub async fn settled_counts(
    db: &Db,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> StoreResult<Vec<SettledCount>> {
    use sea_orm::QuerySelect;
    let counts: BTreeMap<String, i64> = settled_in_period(chain_org::Entity::find(), from, to)
        .select_only()
        .column(chain_org::Column::ChainId)
        .column_as(chain_org::Column::Id.count(), "n")
        .group_by(chain_org::Column::ChainId)
        .into_tuple::<(String, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let chains = chain::Entity::find()
        .order_by_asc(chain::Column::Name)
        .all(db)
        .await?;
    Ok(chains
        .into_iter()
        .map(|c| SettledCount {
            settled: counts.get(&c.id).copied().unwrap_or(0) as u64,
            chain_id: c.id,
            chain_name: c.name,
        })
        .collect())
}

/// The firms behind a [`settled_counts`] figure: the organisations settled
/// onto a chain in `from..=to`, by settling day, with their names.
pub async fn settled_orgs(
    db: &Db,
    chain_id: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> StoreResult<Vec<(chain_org::Model, String)>> {
    let links = settled_in_period(
        chain_org::Entity::find().filter(chain_org::Column::ChainId.eq(chain_id)),
        from,
        to,
    )
    .order_by_asc(chain_org::Column::SettledOn)
    .order_by_asc(chain_org::Column::Id)
    .all(db)
    .await?;
    let ids: Vec<String> = links.iter().map(|l| l.org_id.clone()).collect();
    let names = crate::names::of(db, "orgs", ids).await?;
    Ok(links
        .into_iter()
        .map(|l| {
            let n = names.get(&l.org_id).cloned().unwrap_or_default();
            (l, n)
        })
        .collect())
}

/// Every chain node as (id, "链 · 节点"), by chain and then the node's
/// order, for the node pickers of forms.
pub async fn node_choices(db: &Db) -> StoreResult<Vec<(String, String)>> {
    let chains = crate::names::all(db, "chains").await?;
    Ok(all_nodes(db)
        .await?
        .into_iter()
        .map(|n| {
            let chain = chains.get(&n.chain_id).map(String::as_str).unwrap_or("");
            (n.id, format!("{chain} · {}", n.name))
        })
        .collect())
}

/// Every chain node, by chain and then the node's order.
pub async fn all_nodes(db: &Db) -> StoreResult<Vec<chain_node::Model>> {
    Ok(chain_node::Entity::find()
        .order_by_asc(chain_node::Column::ChainId)
        .order_by_asc(chain_node::Column::SortOrder)
        .order_by_asc(chain_node::Column::Id)
        .all(db)
        .await?)
}

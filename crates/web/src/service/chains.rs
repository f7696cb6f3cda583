//! Industrial chains: the views, the rules of creating and changing a chain,
//! its nodes, members and yearly output values, and the Excel export of its
//! members. The JSON API (`api::chains`) and the pages (`pages::chains`) both
//! call it.

use kechuang_domain::ErrorCode;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use kechuang_domain::auth::Permission;
use kechuang_domain::org::{format_growth, ChainPosition};
use kechuang_store::chains::{self, ChainDetail, ChainSummary, YearTotal};
use kechuang_store::entities::{chain, chain_node};
use kechuang_store::{Principal, Scope};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::excel::{self, Cell};
use crate::forms::ChainDraft;
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct YearTotalView {
    pub year: i32,
    /// 产值（分）
    pub output_fen: i64,
    /// 同比增长（‰），无上年数据时为空
    pub growth_permille: Option<i64>,
    /// 如 "+58.6%"
    pub growth: String,
}

impl From<YearTotal> for YearTotalView {
    fn from(t: YearTotal) -> Self {
        YearTotalView {
            year: t.year,
            output_fen: t.output_fen,
            growth: format_growth(t.growth_permille),
            growth_permille: t.growth_permille,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ChainView {
    pub id: String,
    pub name: String,
    pub description: String,
    /// 产业专班（部门 id）：该产业的诉求由其研判分办
    pub task_force_department_id: Option<String>,
    pub version: i32,
    pub nodes: u64,
    pub orgs: u64,
    pub latest: Option<YearTotalView>,
}

impl From<ChainSummary> for ChainView {
    fn from(s: ChainSummary) -> Self {
        ChainView {
            id: s.chain.id,
            name: s.chain.name,
            description: s.chain.description,
            task_force_department_id: s.chain.task_force_department_id,
            version: s.chain.version,
            nodes: s.nodes,
            orgs: s.orgs,
            latest: s.latest.map(Into::into),
        }
    }
}

/// A chain without its counts (as created or changed).
pub fn plain(c: chain::Model) -> ChainView {
    ChainView {
        id: c.id,
        name: c.name,
        description: c.description,
        task_force_department_id: c.task_force_department_id,
        version: c.version,
        nodes: 0,
        orgs: 0,
        latest: None,
    }
}

#[derive(Serialize, ToSchema)]
pub struct NodeView {
    pub id: String,
    pub parent_id: Option<String>,
    pub name: String,
    pub sort_order: i32,
}

impl From<chain_node::Model> for NodeView {
    fn from(n: chain_node::Model) -> Self {
        NodeView {
            id: n.id,
            parent_id: n.parent_id,
            name: n.name,
            sort_order: n.sort_order,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ChainMemberView {
    pub org_id: String,
    pub org_name: String,
    pub node_id: Option<String>,
    pub node_name: Option<String>,
    /// upstream / midstream / downstream
    pub position: String,
    pub position_label: String,
    /// 年度产值（分），键为年份（如 "2025"）
    #[schema(value_type = BTreeMap<String, i64>)]
    pub outputs: BTreeMap<i32, i64>,
    /// 落户日期（招引落户的企业）
    #[schema(value_type = Option<String>, format = Date)]
    pub settled_on: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct ChainDetailView {
    pub chain: ChainView,
    pub nodes: Vec<NodeView>,
    pub members: Vec<ChainMemberView>,
    /// 全链年度产值与同比增长
    pub totals: Vec<YearTotalView>,
}

impl From<ChainDetail> for ChainDetailView {
    fn from(d: ChainDetail) -> Self {
        ChainDetailView {
            chain: ChainView {
                nodes: d.nodes.len() as u64,
                orgs: d.members.len() as u64,
                latest: d.totals.last().cloned().map(Into::into),
                ..plain(d.chain)
            },
            nodes: d.nodes.into_iter().map(Into::into).collect(),
            members: d
                .members
                .into_iter()
                .map(|m| ChainMemberView {
                    position_label: ChainPosition::parse(&m.link.position)
                        .map(|p| p.label_zh().to_string())
                        .unwrap_or_default(),
                    org_id: m.link.org_id,
                    org_name: m.org_name,
                    node_id: m.link.node_id,
                    node_name: m.node_name,
                    position: m.link.position,
                    outputs: m.outputs,
                    settled_on: m.link.settled_on,
                })
                .collect(),
            totals: d.totals.into_iter().map(Into::into).collect(),
        }
    }
}

pub fn parse_position(s: &str) -> ApiResult<ChainPosition> {
    ChainPosition::parse_label(s).ok_or_else(|| {
        ApiError::invalid(
            ErrorCode::InvalidInput,
            &[(
                "position",
                "位置只能是 upstream（上游）、midstream（中游）或 downstream（下游）".into(),
            )],
        )
    })
}

/// Every chain with its node and member counts and latest yearly output.
pub async fn list(s: &AppState, p: &Principal) -> ApiResult<Vec<ChainSummary>> {
    require(p, Permission::ChainsRead)?;
    Ok(chains::list(&s.db).await?)
}

/// Add a chain.
pub async fn create(s: &AppState, p: &Principal, d: &ChainDraft) -> ApiResult<ChainView> {
    require(p, Permission::ChainsWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(plain(chains::create(&s.db, &p.username, input).await?))
}

/// A chain with its nodes, members, yearly outputs and growth. An
/// enterprise or a talent sees the chain's totals and who is on it, but no
/// member firm's own output (its own firm's excepted): those are the firms'
/// figures, reported to the committee, not to each other.
pub async fn detail(s: &AppState, p: &Principal, id: &str) -> ApiResult<ChainDetail> {
    require(p, Permission::ChainsRead)?;
    let mut d = chains::detail(&s.db, id).await?;
    match &p.scope {
        Scope::Org(own) => d
            .members
            .iter_mut()
            .filter(|m| own.as_deref() != Some(m.link.org_id.as_str()))
            .for_each(|m| m.outputs.clear()),
        Scope::User(_) => d.members.iter_mut().for_each(|m| m.outputs.clear()),
        Scope::All | Scope::Served(_) | Scope::Departments(_) => {}
    }
    Ok(d)
}

/// Change a chain's name or description, at the version that was read.
pub async fn update(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &ChainDraft,
) -> ApiResult<ChainView> {
    require(p, Permission::ChainsWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(plain(
        chains::update(&s.db, &p.username, id, version, input).await?,
    ))
}

/// Add a node (named, at most 100 characters) under `parent` or at the top.
pub async fn add_node(
    s: &AppState,
    p: &Principal,
    chain_id: &str,
    parent: Option<String>,
    name: &str,
    sort_order: i32,
) -> ApiResult<NodeView> {
    require(p, Permission::ChainsWrite)?;
    let name = name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::invalid(
            ErrorCode::InvalidInput,
            &[("name", "请填写节点名称（不超过100字）".into())],
        ));
    }
    let n = chains::add_node(&s.db, &p.username, chain_id, parent, name, sort_order).await?;
    Ok(n.into())
}

/// Delete a node with no children and no organisations.
pub async fn delete_node(
    s: &AppState,
    p: &Principal,
    chain_id: &str,
    node_id: &str,
) -> ApiResult<()> {
    require(p, Permission::ChainsWrite)?;
    chains::delete_node(&s.db, &p.username, chain_id, node_id).await?;
    Ok(())
}

/// Put an organisation on a chain, or change its position (`position` as
/// typed: upstream / midstream / downstream or the Chinese label) and node.
pub async fn set_member(
    s: &AppState,
    p: &Principal,
    chain_id: &str,
    org_id: &str,
    node: Option<String>,
    position: &str,
) -> ApiResult<()> {
    require(p, Permission::ChainsWrite)?;
    let position = parse_position(position)?;
    chains::set_member(&s.db, &p.username, chain_id, org_id, node, position).await?;
    Ok(())
}

/// Take an organisation off a chain (with its output records).
pub async fn remove_member(
    s: &AppState,
    p: &Principal,
    chain_id: &str,
    org_id: &str,
) -> ApiResult<()> {
    require(p, Permission::ChainsWrite)?;
    chains::remove_member(&s.db, &p.username, chain_id, org_id).await?;
    Ok(())
}

/// Record an organisation's yearly output on a chain (fen).
pub async fn set_output(
    s: &AppState,
    p: &Principal,
    chain_id: &str,
    org_id: &str,
    year: i32,
    output_fen: i64,
) -> ApiResult<()> {
    require(p, Permission::ChainsWrite)?;
    chains::set_output(&s.db, &p.username, chain_id, org_id, year, output_fen).await?;
    Ok(())
}

/// The years in which any member has an output, in order.
pub fn output_years(d: &ChainDetail) -> Vec<i32> {
    d.members
        .iter()
        .flat_map(|m| m.outputs.keys().copied())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// A chain's members with their yearly outputs (万元) as an .xlsx workbook,
/// with the chain's name.
pub async fn export_bytes(s: &AppState, p: &Principal, id: &str) -> ApiResult<(String, Vec<u8>)> {
    let d = detail(s, p, id).await?;
    let years = output_years(&d);
    let mut headers: Vec<String> = vec!["单位".into(), "位置".into(), "链节点".into()];
    headers.extend(years.iter().map(|y| format!("{y}年产值（万元）")));
    let h: Vec<&str> = headers.iter().map(String::as_str).collect();
    let bytes = excel::workbook(
        "链上单位",
        &h,
        d.members.iter().map(|m| {
            let mut row = vec![
                Cell::Text(m.org_name.clone()),
                Cell::Text(
                    ChainPosition::parse(&m.link.position)
                        .map(|x| x.label_zh().to_string())
                        .unwrap_or_default(),
                ),
                Cell::from(m.node_name.clone()),
            ];
            row.extend(years.iter().map(|y| {
                m.outputs
                    .get(y)
                    .map_or(Cell::Empty, |&f| Cell::Decimal(f as f64 / 1_000_000.0, 2))
            }));
            row
        }),
    )?;
    Ok((d.chain.name, bytes))
}

// ---- Firms settled onto a chain (落户) ----

/// How many firms settled onto a chain in a period.
#[derive(Serialize, ToSchema)]
pub struct ChainSettledCount {
    pub chain_id: String,
    pub chain_name: String,
    /// 期间内落户的企业数
    pub settled: u64,
}

/// A firm behind a settled count.
#[derive(Serialize, ToSchema)]
pub struct ChainSettledFirm {
    pub org_id: String,
    pub org_name: String,
    #[schema(value_type = String, format = Date)]
    pub settled_on: NaiveDate,
    /// upstream / midstream / downstream
    pub position: String,
    pub position_label: String,
}

/// A period: either end may be open (both open: all time).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SettledQuery {
    /// 起始日期（含），如 2026-01-01；留空不限
    pub from: Option<String>,
    /// 截止日期（含），如 2026-12-31；留空不限
    pub to: Option<String>,
}

impl SettledQuery {
    /// This year so far (1 January to today).
    pub fn this_year() -> SettledQuery {
        let today = kechuang_store::clock::today();
        SettledQuery {
            from: NaiveDate::from_ymd_opt(today.year(), 1, 1).map(|d| d.to_string()),
            to: Some(today.to_string()),
        }
    }

    pub fn period(&self) -> ApiResult<(Option<NaiveDate>, Option<NaiveDate>)> {
        let mut e = vec![];
        let mut one = |field: &'static str, v: &Option<String>| match crate::extract::non_empty(v) {
            None => None,
            Some(t) => {
                let d = crate::forms::parse_date(&t);
                if d.is_none() {
                    e.push((field, "请填写日期，如 2026-03-01".to_string()));
                }
                d
            }
        };
        let from = one("from", &self.from);
        let to = one("to", &self.to);
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                e.push(("to", "截止日期不能早于起始日期".into()));
            }
        }
        if e.is_empty() {
            Ok((from, to))
        } else {
            Err(ApiError::invalid(ErrorCode::InvalidInput, &e))
        }
    }
}

/// Every chain with the firms settled onto it in the period.
pub async fn settled_counts(
    s: &AppState,
    p: &Principal,
    q: &SettledQuery,
) -> ApiResult<Vec<ChainSettledCount>> {
    require(p, Permission::ChainsRead)?;
    let (from, to) = q.period()?;
    Ok(chains::settled_counts(&s.db, from, to)
        .await?
        .into_iter()
        .map(|c| ChainSettledCount {
            chain_id: c.chain_id,
            chain_name: c.chain_name,
            settled: c.settled,
        })
        .collect())
}

/// The firms behind a chain's settled count, by settling day.
pub async fn settled_firms(
    s: &AppState,
    p: &Principal,
    chain_id: &str,
    q: &SettledQuery,
) -> ApiResult<Vec<ChainSettledFirm>> {
    require(p, Permission::ChainsRead)?;
    let (from, to) = q.period()?;
    chains::get(&s.db, chain_id).await?;
    Ok(chains::settled_orgs(&s.db, chain_id, from, to)
        .await?
        .into_iter()
        .filter_map(|(l, name)| {
            Some(ChainSettledFirm {
                settled_on: l.settled_on?,
                position_label: ChainPosition::parse(&l.position)
                    .map(|x| x.label_zh().to_string())
                    .unwrap_or_default(),
                org_id: l.org_id,
                org_name: name,
                position: l.position,
            })
        })
        .collect())
}

/// Record (or clear, with an empty date) the day a member firm settled onto the chain.
pub async fn set_settled(
    s: &AppState,
    p: &Principal,
    chain_id: &str,
    org_id: &str,
    d: &crate::forms::alliances::ChainSettledDraft,
) -> ApiResult<()> {
    require(p, Permission::ChainsWrite)?;
    let on = d.validate().map_err(ApiError::from_fields)?;
    chains::get(&s.db, chain_id).await?;
    chains::set_settled_on(&s.db, &p.username, chain_id, org_id, on).await?;
    Ok(())
}

// ---------------------------------------------------------------- the chain map

/// A place on the chain map (图谱): the chain, its nodes, the firms at each
/// node, and the party organisations sitting in each firm.
#[derive(Clone, Serialize, ToSchema)]
pub struct MapNode {
    pub name: String,
    /// chain / node / org / party_org
    pub kind: String,
    /// The record's page.
    pub href: String,
    /// For a party organisation: linked to the chain's party committee (链上党委).
    pub linked: bool,
    #[schema(no_recursion)]
    pub children: Vec<MapNode>,
}

#[derive(Clone, Serialize, ToSchema)]
pub struct ChainMap {
    pub chain_id: String,
    pub name: String,
    /// The chain's party committees (id, name) and how many organisations each links.
    #[schema(value_type = Vec<Vec<serde_json::Value>>)]
    pub committees: Vec<(String, String, usize)>,
    /// Firms on the chain; those with a party organisation; those linked to a committee.
    pub firms: usize,
    pub firms_with_party: usize,
    pub firms_linked: usize,
    pub root: MapNode,
}

/// The chain map: nodes as the chain's tree, each firm under its node (or
/// under 未划分节点 when it has none), and — for readers of the party
/// network — each firm's party organisations, marked where the chain's
/// committee links them.
pub async fn map(s: &AppState, p: &Principal, id: &str) -> ApiResult<ChainMap> {
    let d = detail(s, p, id).await?;
    map_of(s, p, &d).await
}

/// The map of a chain already read with [`detail`].
pub async fn map_of(s: &AppState, p: &Principal, d: &ChainDetail) -> ApiResult<ChainMap> {
    let id = d.chain.id.as_str();
    let party = if p.can(Permission::PartyRead) {
        kechuang_store::party::network::tree(&s.db).await?
    } else {
        vec![]
    };
    let committees: Vec<_> = party
        .iter()
        .filter(|o| o.org.chain_id.as_deref() == Some(id))
        .collect();
    let linked: BTreeSet<&str> = committees
        .iter()
        .flat_map(|c| c.linked.iter().map(|(l, _)| l.as_str()))
        .collect();
    let (mut with_party, mut with_link) = (0, 0);
    let firm =
        |m: &kechuang_store::chains::Member, with_party: &mut usize, with_link: &mut usize| {
            let children: Vec<MapNode> = party
                .iter()
                .filter(|o| o.units.iter().any(|(u, _, _)| *u == m.link.org_id))
                .map(|o| MapNode {
                    name: o.org.name.clone(),
                    kind: "party_org".into(),
                    href: format!("/party/orgs/{}", o.org.id),
                    linked: linked.contains(o.org.id.as_str()),
                    children: vec![],
                })
                .collect();
            *with_party += usize::from(!children.is_empty());
            *with_link += usize::from(children.iter().any(|c| c.linked));
            MapNode {
                name: m.org_name.clone(),
                kind: "org".into(),
                href: format!("/orgs/{}", m.link.org_id),
                linked: false,
                children,
            }
        };
    fn place(
        nodes: &[chain_node::Model],
        parent: Option<&str>,
        firms: &mut BTreeMap<Option<String>, Vec<MapNode>>,
    ) -> Vec<MapNode> {
        let mut here: Vec<&chain_node::Model> = nodes
            .iter()
            .filter(|n| n.parent_id.as_deref() == parent)
            .collect();
        here.sort_by_key(|n| (n.sort_order, n.name.clone()));
        here.into_iter()
            .map(|n| {
                let mut children = place(nodes, Some(&n.id), firms);
                children.extend(firms.remove(&Some(n.id.clone())).unwrap_or_default());
                MapNode {
                    name: n.name.clone(),
                    kind: "node".into(),
                    href: String::new(),
                    linked: false,
                    children,
                }
            })
            .collect()
    }
    let mut firms: BTreeMap<Option<String>, Vec<MapNode>> = BTreeMap::new();
    for m in &d.members {
        let f = firm(m, &mut with_party, &mut with_link);
        firms.entry(m.link.node_id.clone()).or_default().push(f);
    }
    let mut children = place(&d.nodes, None, &mut firms);
    // Firms at no node (or at a node no longer on the chain) gather under
    // one place of their own.
    let unplaced: Vec<MapNode> = firms.into_values().flatten().collect();
    if !unplaced.is_empty() {
        children.push(MapNode {
            name: "未划分节点".into(),
            kind: "node".into(),
            href: String::new(),
            linked: false,
            children: unplaced,
        });
    }
    Ok(ChainMap {
        chain_id: d.chain.id.clone(),
        name: d.chain.name.clone(),
        committees: committees
            .iter()
            .map(|c| (c.org.id.clone(), c.org.name.clone(), c.linked.len()))
            .collect(),
        firms: d.members.len(),
        firms_with_party: with_party,
        firms_linked: with_link,
        root: MapNode {
            name: d.chain.name.clone(),
            kind: "chain".into(),
            href: format!("/chains/{}", d.chain.id),
            linked: false,
            children,
        },
    })
}

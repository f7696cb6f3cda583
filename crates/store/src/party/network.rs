//! Party organisations as a tree, the organisations they sit in, chain
//! committees and their linked party organisations, members with recruitment
//! stages, cross-appointments. Members' phone and ID numbers are masked by
//! the web layer unless the caller may see them; each unmasked view is
//! written to the audit log with [`record_reveal`].

use kechuang_domain::ErrorCode;
use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use kechuang_domain::org::OrgKind;
use kechuang_domain::party::{share_permille, Ladder, MemberStage, PartyOrgKind};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};
use serde::Serialize;

use crate::entities::{
    cross_appointment, org, party_chain_link, party_member, party_org, party_org_unit,
};
use crate::{audit, new_id, record, Db, Page, PageReq, StoreError, StoreResult};

// ---- organisations ----

#[derive(Clone, Debug, PartialEq)]
pub struct PartyOrgInput {
    pub parent_id: Option<String>,
    pub name: String,
    pub kind: PartyOrgKind,
    pub chain_id: Option<String>,
    pub founded_on: Option<NaiveDate>,
    pub secretary: String,
    pub venue: String,
    /// Among its siblings; `None`: after the last one when created, kept
    /// when changed.
    pub sort_order: Option<i32>,
}

pub async fn get<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<party_org::Model> {
    party_org::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Every party organisation in tree order (by path).
pub async fn all<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<party_org::Model>> {
    let mut v = party_org::Entity::find().all(db).await?;
    // Path order puts children after their parent; siblings by sort order, then name.
    // The id breaks ties, so a subtree is never interleaved with a namesake's.
    let keys: HashMap<String, (i32, String, String)> = v
        .iter()
        .map(|o| (o.id.clone(), (o.sort_order, o.name.clone(), o.id.clone())))
        .collect();
    let key = |o: &party_org::Model| -> Vec<(i32, String, String)> {
        o.path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|id| keys.get(id).cloned().unwrap_or_default())
            .collect()
    };
    v.sort_by_key(|o| key(o));
    Ok(v)
}

/// (id, name) of every party organisation in tree order, for select boxes.
pub async fn choices<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<(String, String)>> {
    Ok(all(db).await?.into_iter().map(|o| (o.id, o.name)).collect())
}

/// The organisation and every organisation under it (by the materialised path).
pub async fn subtree<C: ConnectionTrait>(
    db: &C,
    root: &str,
) -> StoreResult<std::collections::HashSet<String>> {
    let root = get(db, root).await?;
    let ids: Vec<String> = party_org::Entity::find()
        .select_only()
        .column(party_org::Column::Id)
        .filter(party_org::Column::Path.starts_with(root.path.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().collect())
}

pub fn depth(o: &party_org::Model) -> usize {
    o.path.matches('/').count().saturating_sub(2)
}

async fn parent_path<C: ConnectionTrait>(tx: &C, parent: &Option<String>) -> StoreResult<String> {
    match parent {
        None => Ok("/".into()),
        Some(p) => Ok(get(tx, p)
            .await
            .map_err(|_| StoreError::rule(ErrorCode::UnknownParent, "上级党组织不存在"))?
            .path),
    }
}

fn check(i: &PartyOrgInput) -> StoreResult<()> {
    if i.kind == PartyOrgKind::ChainCommittee && i.chain_id.is_none() {
        return Err(StoreError::rule(
            ErrorCode::ChainRequired,
            "产业链党委须选择所在产业链",
        ));
    }
    Ok(())
}

fn apply(am: &mut party_org::ActiveModel, i: PartyOrgInput, path: String) {
    am.parent_id = Set(i.parent_id);
    am.name = Set(i.name);
    am.kind = Set(i.kind.as_str().into());
    am.path = Set(path);
    am.chain_id = Set(i.chain_id);
    am.founded_on = Set(i.founded_on);
    am.secretary = Set(i.secretary);
    am.venue = Set(i.venue);
    if let Some(order) = i.sort_order {
        am.sort_order = Set(order);
    }
}

/// A new organisation without a sort order goes after its last sibling:
/// the committee's order is the order it registers them in, not the
/// names' code points (第一、第三、第二…).
async fn place_last<C: ConnectionTrait>(tx: &C, i: &mut PartyOrgInput) -> StoreResult<()> {
    if i.sort_order.is_some() {
        return Ok(());
    }
    let siblings = party_org::Entity::find()
        .select_only()
        .column_as(party_org::Column::SortOrder.max(), "m");
    let siblings = match &i.parent_id {
        Some(p) => siblings.filter(party_org::Column::ParentId.eq(p.as_str())),
        None => siblings.filter(party_org::Column::ParentId.is_null()),
    };
    let last: Option<i32> = siblings.into_tuple().one(tx).await?.flatten();
    i.sort_order = Some(last.unwrap_or(0).max(0) + 1);
    Ok(())
}

pub async fn create(db: &Db, actor: &str, mut i: PartyOrgInput) -> StoreResult<party_org::Model> {
    check(&i)?;
    let tx = crate::db::begin_write(db).await?;
    place_last(&tx, &mut i).await?;
    let id = new_id();
    let path = format!("{}{id}/", parent_path(&tx, &i.parent_id).await?);
    let mut am = party_org::ActiveModel {
        id: Set(id),
        ..Default::default()
    };
    apply(&mut am, i, path);
    let m = record::insert(&tx, actor, am).await?;
    tx.commit().await?;
    Ok(m)
}

/// Where an imported organisation hangs: at the top, under a registered
/// organisation, or under an earlier row of the same file.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportParent {
    Top,
    Registered(String),
    Row(usize),
}

/// Organisations from a checked import, in file order, in one transaction.
/// On the first refusal nothing is kept and the refused row's index comes back.
pub async fn import_orgs(
    db: &Db,
    actor: &str,
    rows: Vec<(PartyOrgInput, ImportParent)>,
) -> Result<usize, (usize, StoreError)> {
    let tx = crate::db::begin_write(db)
        .await
        .map_err(|e| (0, StoreError::from(e)))?;
    let mut made: Vec<(String, String)> = Vec::with_capacity(rows.len());
    let n = rows.len();
    for (k, (mut i, parent)) in rows.into_iter().enumerate() {
        check(&i).map_err(|e| (k, e))?;
        i.parent_id = match parent {
            ImportParent::Top => None,
            ImportParent::Registered(id) => Some(id),
            ImportParent::Row(r) => Some(made.get(r).map(|m| m.0.clone()).ok_or((
                k,
                StoreError::rule(ErrorCode::UnknownParent, "上级党组织须在本行之上"),
            ))?),
        };
        let path = parent_path(&tx, &i.parent_id).await.map_err(|e| (k, e))?;
        place_last(&tx, &mut i).await.map_err(|e| (k, e))?;
        let id = new_id();
        let path = format!("{path}{id}/");
        let mut am = party_org::ActiveModel {
            id: Set(id.clone()),
            ..Default::default()
        };
        apply(&mut am, i, path.clone());
        record::insert(&tx, actor, am).await.map_err(|e| (k, e))?;
        made.push((id, path));
    }
    tx.commit().await.map_err(|e| (0, e.into()))?;
    Ok(n)
}

/// Update; moving an organisation moves its subtree (each moved row audited).
pub async fn update(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: PartyOrgInput,
) -> StoreResult<party_org::Model> {
    check(&i)?;
    let tx = crate::db::begin_write(db).await?;
    let before = get(&tx, id).await?;
    let mut path = before.path.clone();
    if i.parent_id != before.parent_id {
        let pp = parent_path(&tx, &i.parent_id).await?;
        if pp.starts_with(&before.path) {
            return Err(StoreError::rule(
                ErrorCode::InvalidParent,
                "不能把党组织移到它自己或它的下级组织之下",
            ));
        }
        path = format!("{pp}{id}/");
        let below = party_org::Entity::find()
            .filter(party_org::Column::Path.starts_with(before.path.as_str()))
            .filter(party_org::Column::Id.ne(id))
            .all(&tx)
            .await?;
        for d in below {
            let moved = format!("{path}{}", &d.path[before.path.len()..]);
            let v = d.version;
            record::update(
                &tx,
                actor,
                "move",
                d,
                v,
                |am: &mut party_org::ActiveModel| am.path = Set(moved),
            )
            .await?;
        }
    }
    let m = record::update(&tx, actor, "update", before, version, |am| {
        apply(am, i, path)
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Place a party organisation in an organisation of the register (a joint
/// branch sits in several).
pub async fn add_unit(
    db: &Db,
    actor: &str,
    party_org_id: &str,
    org_id: &str,
) -> StoreResult<party_org_unit::Model> {
    let tx = crate::db::begin_write(db).await?;
    get(&tx, party_org_id).await?;
    crate::orgs::require_org(&tx, org_id, "所在单位").await?;
    let m = record::insert(
        &tx,
        actor,
        party_org_unit::ActiveModel {
            party_org_id: Set(party_org_id.into()),
            org_id: Set(org_id.into()),
            ..Default::default()
        },
    )
    .await
    .map_err(|e| match e {
        StoreError::Conflict {
            code: ErrorCode::Duplicate,
            ..
        } => StoreError::Conflict {
            code: ErrorCode::DuplicateUnit,
            message: "该党组织已登记在这个单位".into(),
        },
        other => other,
    })?;
    tx.commit().await?;
    Ok(m)
}

pub async fn remove_unit(
    db: &Db,
    actor: &str,
    party_org_id: &str,
    org_id: &str,
) -> StoreResult<()> {
    let tx = crate::db::begin_write(db).await?;
    let m = party_org_unit::Entity::find()
        .filter(party_org_unit::Column::PartyOrgId.eq(party_org_id))
        .filter(party_org_unit::Column::OrgId.eq(org_id))
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let v = m.version;
    record::delete(&tx, actor, m, v).await?;
    tx.commit().await?;
    Ok(())
}

/// Link an enterprise's party organisation to a chain committee.
pub async fn link_to_chain(
    db: &Db,
    actor: &str,
    committee_id: &str,
    party_org_id: &str,
) -> StoreResult<party_chain_link::Model> {
    let tx = crate::db::begin_write(db).await?;
    let c = get(&tx, committee_id).await?;
    if c.kind != PartyOrgKind::ChainCommittee.as_str() {
        return Err(StoreError::rule(
            ErrorCode::NotChainCommittee,
            "只能关联到产业链党委",
        ));
    }
    if committee_id == party_org_id {
        return Err(StoreError::rule(
            ErrorCode::SelfLink,
            "产业链党委不能关联自身",
        ));
    }
    get(&tx, party_org_id).await?;
    let m = record::insert(
        &tx,
        actor,
        party_chain_link::ActiveModel {
            committee_id: Set(committee_id.into()),
            party_org_id: Set(party_org_id.into()),
            ..Default::default()
        },
    )
    .await
    .map_err(|e| match e {
        StoreError::Conflict {
            code: ErrorCode::Duplicate,
            ..
        } => StoreError::Conflict {
            code: ErrorCode::DuplicateLink,
            message: "该党组织已关联到这个产业链党委".into(),
        },
        other => other,
    })?;
    tx.commit().await?;
    Ok(m)
}

pub async fn unlink_from_chain(
    db: &Db,
    actor: &str,
    committee_id: &str,
    party_org_id: &str,
) -> StoreResult<()> {
    let tx = crate::db::begin_write(db).await?;
    let m = party_chain_link::Entity::find()
        .filter(party_chain_link::Column::CommitteeId.eq(committee_id))
        .filter(party_chain_link::Column::PartyOrgId.eq(party_org_id))
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let v = m.version;
    record::delete(&tx, actor, m, v).await?;
    tx.commit().await?;
    Ok(())
}

/// One party organisation with what the tree and its page show.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PartyOrgSummary {
    #[serde(flatten)]
    pub org: party_org::Model,
    pub depth: usize,
    /// Probationary and full members.
    pub members: u64,
    /// Members of this organisation and every organisation under it.
    pub total_members: u64,
    /// Organisations directly under it.
    pub children: usize,
    /// Organisations of the register it sits in (id, name, kind).
    #[schema(value_type = Vec<Vec<String>>)]
    pub units: Vec<(String, String, String)>,
    /// For a chain committee: the linked party organisations (id, name).
    #[schema(value_type = Vec<Vec<String>>)]
    pub linked: Vec<(String, String)>,
}

/// The whole network with member counts, units and chain links.
pub async fn tree(db: &Db) -> StoreResult<Vec<PartyOrgSummary>> {
    let orgs = all(db).await?;
    let names: HashMap<String, String> = orgs
        .iter()
        .map(|o| (o.id.clone(), o.name.clone()))
        .collect();
    let counts: Vec<(String, i64)> = party_member::Entity::find()
        .select_only()
        .column(party_member::Column::PartyOrgId)
        .column_as(party_member::Column::Id.count(), "n")
        .filter(party_member::Column::Stage.is_in([
            MemberStage::Probationary.as_str(),
            MemberStage::Full.as_str(),
        ]))
        .group_by(party_member::Column::PartyOrgId)
        .into_tuple()
        .all(db)
        .await?;
    let counts: HashMap<String, i64> = counts.into_iter().collect();
    let units = party_org_unit::Entity::find().all(db).await?;
    let reg: HashMap<String, (String, String)> = org::Entity::find()
        .filter(org::Column::Id.is_in(units.iter().map(|u| u.org_id.clone()).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, (o.name, o.kind)))
        .collect();
    let links = party_chain_link::Entity::find().all(db).await?;
    let own = |o: &party_org::Model| counts.get(&o.id).copied().unwrap_or(0) as u64;
    // Path order: an organisation's subtree is the run of rows after it
    // whose paths start with its path.
    let rolled: Vec<(u64, usize)> = orgs
        .iter()
        .enumerate()
        .map(|(k, o)| {
            let under = orgs[k + 1..]
                .iter()
                .take_while(|d| d.path.starts_with(&o.path));
            let (mut total, mut children) = (own(o), 0);
            for d in under {
                total += own(d);
                children += usize::from(d.parent_id.as_deref() == Some(o.id.as_str()));
            }
            (total, children)
        })
        .collect();
    Ok(orgs
        .into_iter()
        .zip(rolled)
        .map(|(o, (total_members, children))| PartyOrgSummary {
            depth: depth(&o),
            members: own(&o),
            total_members,
            children,
            units: units
                .iter()
                .filter(|u| u.party_org_id == o.id)
                .filter_map(|u| {
                    reg.get(&u.org_id)
                        .map(|(n, k)| (u.org_id.clone(), n.clone(), k.clone()))
                })
                .collect(),
            linked: links
                .iter()
                .filter(|l| l.committee_id == o.id)
                .map(|l| {
                    (
                        l.party_org_id.clone(),
                        names.get(&l.party_org_id).cloned().unwrap_or_default(),
                    )
                })
                .collect(),
            org: o,
        })
        .collect())
}

/// Figures the article quotes, computed from the network.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct NetworkFigures {
    pub party_orgs: u64,
    /// By kind code.
    pub by_kind: BTreeMap<String, u64>,
    /// Party organisations sitting in research units (universities, institutes).
    pub in_research_units: u64,
    /// Distinct venues (党群服务中心 / 阵地).
    pub venues: u64,
    /// Probationary and full members.
    pub members: u64,
    /// Per chain committee: (committee name, linked party organisations).
    #[schema(value_type = Vec<Vec<serde_json::Value>>)]
    pub chain_links: Vec<(String, u64)>,
}

pub async fn figures(db: &Db) -> StoreResult<NetworkFigures> {
    let tree = tree(db).await?;
    let mut f = NetworkFigures {
        party_orgs: tree.len() as u64,
        ..Default::default()
    };
    let mut venues: Vec<&str> = vec![];
    for o in &tree {
        *f.by_kind.entry(o.org.kind.clone()).or_default() += 1;
        if o.units
            .iter()
            .any(|(_, _, k)| k == OrgKind::Institute.as_str() || k == OrgKind::University.as_str())
        {
            f.in_research_units += 1;
        }
        if !o.org.venue.trim().is_empty() {
            venues.push(o.org.venue.trim());
        }
        f.members += o.members;
        if o.org.kind == PartyOrgKind::ChainCommittee.as_str() {
            f.chain_links
                .push((o.org.name.clone(), o.linked.len() as u64));
        }
    }
    venues.sort_unstable();
    venues.dedup();
    f.venues = venues.len() as u64;
    Ok(f)
}

/// Chain committees on a chain with their linked party organisations (for the chain page).
pub async fn on_chain(db: &Db, chain_id: &str) -> StoreResult<Vec<PartyOrgSummary>> {
    Ok(tree(db)
        .await?
        .into_iter()
        .filter(|o| o.org.chain_id.as_deref() == Some(chain_id))
        .collect())
}

// ---- members ----

#[derive(Clone, Debug, PartialEq)]
pub struct MemberInput {
    pub party_org_id: String,
    pub name: String,
    pub gender: String,
    pub phone: String,
    pub id_number: String,
    /// `sci_tech` or `other`.
    pub field: String,
    pub post: String,
    pub ladder: Ladder,
}

#[derive(Clone, Debug, Default)]
pub struct MemberFilter {
    pub q: Option<String>,
    /// This party organisation and the ones below it.
    pub party_org_id: Option<String>,
    pub stage: Option<MemberStage>,
    pub field: Option<String>,
}

async fn filtered<C: ConnectionTrait>(
    db: &C,
    f: &MemberFilter,
) -> StoreResult<Select<party_member::Entity>> {
    use party_member::Column as C;
    let mut q = party_member::Entity::find();
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(C::Name, t))
                .add(crate::like::contains(C::Post, t)),
        );
    }
    if let Some(p) = &f.party_org_id {
        match get(db, p).await {
            Ok(root) => {
                q = q.filter(
                    C::PartyOrgId.in_subquery(
                        sea_orm::sea_query::Query::select()
                            .column(party_org::Column::Id)
                            .from(party_org::Entity)
                            .and_where(party_org::Column::Path.starts_with(root.path.as_str()))
                            .to_owned(),
                    ),
                );
            }
            // An unknown organisation: a filter nothing passes (an empty
            // list, as for any other filter), not a missing record.
            Err(StoreError::NotFound) => q = q.filter(C::PartyOrgId.is_in(Vec::<String>::new())),
            Err(e) => return Err(e),
        }
    }
    if let Some(s) = f.stage {
        q = q.filter(C::Stage.eq(s.as_str()));
    }
    if let Some(x) = f.field.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(C::Field.eq(x));
    }
    Ok(q.order_by_asc(C::PartyOrgId)
        .order_by_asc(C::Name)
        .order_by_asc(C::Id))
}

pub async fn members(
    db: &Db,
    f: &MemberFilter,
    p: PageReq,
) -> StoreResult<Page<party_member::Model>> {
    let q = filtered(db, f).await?;
    crate::page::fetch(db, q, p).await
}

pub async fn members_all(
    db: &Db,
    f: &MemberFilter,
    cap: u64,
) -> StoreResult<Vec<party_member::Model>> {
    Ok(filtered(db, f).await?.limit(cap).all(db).await?)
}

pub async fn member<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<party_member::Model> {
    party_member::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

fn apply_member(am: &mut party_member::ActiveModel, i: MemberInput, stage: MemberStage) {
    am.party_org_id = Set(i.party_org_id);
    am.name = Set(i.name);
    am.gender = Set(i.gender);
    am.phone = Set(i.phone);
    am.id_number = Set(i.id_number);
    am.field = Set(i.field);
    am.post = Set(i.post);
    am.stage = Set(stage.as_str().into());
    am.applied_on = Set(i.ladder.applied_on);
    am.activist_on = Set(i.ladder.activist_on);
    am.candidate_on = Set(i.ladder.candidate_on);
    am.probationary_on = Set(i.ladder.probationary_on);
    am.full_on = Set(i.ladder.full_on);
}

fn stage_of(i: &MemberInput) -> StoreResult<MemberStage> {
    i.ladder
        .check()
        .map_err(|m| StoreError::rule(ErrorCode::LadderOrder, m))?;
    i.ladder
        .stage()
        .ok_or_else(|| StoreError::rule(ErrorCode::LadderEmpty, "请至少填写递交入党申请的日期"))
}

pub async fn create_member(
    db: &Db,
    actor: &str,
    i: MemberInput,
) -> StoreResult<party_member::Model> {
    let stage = stage_of(&i)?;
    let tx = crate::db::begin_write(db).await?;
    get(&tx, &i.party_org_id).await?;
    let mut am = party_member::ActiveModel::default();
    apply_member(&mut am, i, stage);
    let m = record::insert(&tx, actor, am).await?;
    tx.commit().await?;
    Ok(m)
}

/// Members from a checked import, all in one transaction: on the first
/// refusal nothing is kept and the refused row's index comes back.
pub async fn import_members(
    db: &Db,
    actor: &str,
    rows: Vec<MemberInput>,
) -> Result<usize, (usize, StoreError)> {
    let tx = crate::imports::begin(db, "party_members").await?;
    let n = rows.len();
    for (k, i) in rows.into_iter().enumerate() {
        let stage = stage_of(&i).map_err(|e| (k, e))?;
        get(&tx, &i.party_org_id).await.map_err(|e| (k, e))?;
        let mut am = party_member::ActiveModel::default();
        apply_member(&mut am, i, stage);
        let m = record::insert(&tx, actor, am).await.map_err(|e| (k, e))?;
        if !m.id_number.is_empty() {
            let same = party_member::Entity::find()
                .filter(party_member::Column::IdNumber.eq(m.id_number.clone()))
                .count(&tx)
                .await
                .map_err(|e| (k, e.into()))?;
            crate::imports::only_one(same, || {
                format!(
                    "身份证号为{}的党员",
                    kechuang_domain::party::mask_id(&m.id_number)
                )
            })
            .map_err(|e| (k, e))?;
        }
    }
    tx.commit().await.map_err(|e| (0, e.into()))?;
    Ok(n)
}

/// Which of these ID numbers are already registered for a member.
pub async fn existing_id_numbers(db: &Db, numbers: &[String]) -> StoreResult<Vec<String>> {
    let mut out = vec![];
    for chunk in numbers.chunks(500) {
        let found: Vec<String> = party_member::Entity::find()
            .select_only()
            .column(party_member::Column::IdNumber)
            .filter(party_member::Column::IdNumber.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(found);
    }
    Ok(out)
}

pub async fn update_member(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: MemberInput,
) -> StoreResult<party_member::Model> {
    let stage = stage_of(&i)?;
    let tx = crate::db::begin_write(db).await?;
    get(&tx, &i.party_org_id).await?;
    let before = member(&tx, id).await?;
    let m = record::update(&tx, actor, "update", before, version, |am| {
        apply_member(am, i, stage)
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Write one audit entry for an unmasked view or export of members'
/// personal data (its own chain: entity `party_member_access`).
pub async fn record_reveal(
    db: &Db,
    actor: &str,
    how: &str,
    member_ids: &[String],
) -> StoreResult<()> {
    let tx = crate::db::begin_write(db).await?;
    audit::record(
        &tx,
        actor,
        "party_member_access",
        &new_id(),
        how,
        serde_json::Value::Null,
        serde_json::json!({ "members": member_ids.len(), "member_ids": member_ids.iter().take(200).collect::<Vec<_>>() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Recruitment in a year: new members (became probationary that year), the
/// share from the sci-tech field, and everyone by stage today.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Recruitment {
    pub year: i32,
    pub new_members: u64,
    pub new_from_sci_tech: u64,
    /// ‰ of new members from the sci-tech field.
    pub sci_tech_share_permille: Option<u64>,
    /// Stage code → people at that stage now.
    pub by_stage: BTreeMap<String, u64>,
}

pub async fn recruitment(db: &Db, year: i32) -> StoreResult<Recruitment> {
    let rows: Vec<(String, String, Option<NaiveDate>)> = party_member::Entity::find()
        .select_only()
        .column(party_member::Column::Stage)
        .column(party_member::Column::Field)
        .column(party_member::Column::ProbationaryOn)
        .into_tuple()
        .all(db)
        .await?;
    let mut r = Recruitment {
        year,
        ..Default::default()
    };
    for (stage, field, prob) in rows {
        *r.by_stage.entry(stage).or_default() += 1;
        if prob.is_some_and(|d| d.year() == year) {
            r.new_members += 1;
            if field == "sci_tech" {
                r.new_from_sci_tech += 1;
            }
        }
    }
    r.sci_tech_share_permille = share_permille(r.new_from_sci_tech, r.new_members);
    Ok(r)
}

// ---- cross-appointments (双向进入、交叉任职) ----

#[derive(Clone, Debug, PartialEq)]
pub struct AppointmentInput {
    pub party_org_id: String,
    pub person: String,
    pub party_post: String,
    pub admin_post: String,
    pub org_id: Option<String>,
    pub since: Option<NaiveDate>,
}

pub async fn appointments(
    db: &Db,
    party_org_id: Option<&str>,
) -> StoreResult<Vec<cross_appointment::Model>> {
    let mut q = cross_appointment::Entity::find();
    if let Some(p) = party_org_id {
        q = q.filter(cross_appointment::Column::PartyOrgId.eq(p));
    }
    Ok(q.order_by_asc(cross_appointment::Column::Person)
        .all(db)
        .await?)
}

pub async fn add_appointment(
    db: &Db,
    actor: &str,
    i: AppointmentInput,
) -> StoreResult<cross_appointment::Model> {
    if i.person.trim().is_empty()
        || i.party_post.trim().is_empty()
        || i.admin_post.trim().is_empty()
    {
        return Err(StoreError::rule(
            ErrorCode::InvalidAppointment,
            "请填写姓名、党内职务和行政（管理）职务",
        ));
    }
    let tx = crate::db::begin_write(db).await?;
    // The organisation named in the body: unknown is a bad field, not a
    // missing resource.
    get(&tx, &i.party_org_id).await.map_err(|e| match e {
        StoreError::NotFound => StoreError::field(
            ErrorCode::UnknownPartyOrg,
            "party_org_id",
            "党组织不存在，请从党组织中选择",
        ),
        e => e,
    })?;
    let m = record::insert(
        &tx,
        actor,
        cross_appointment::ActiveModel {
            party_org_id: Set(i.party_org_id),
            person: Set(i.person),
            party_post: Set(i.party_post),
            admin_post: Set(i.admin_post),
            org_id: Set(i.org_id),
            since: Set(i.since),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn remove_appointment(db: &Db, actor: &str, id: &str) -> StoreResult<()> {
    let tx = crate::db::begin_write(db).await?;
    let m = cross_appointment::Entity::find_by_id(id.to_string())
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let v = m.version;
    record::delete(&tx, actor, m, v).await?;
    tx.commit().await?;
    Ok(())
}

//! A chain committee's programmes of joint actions (Ningbo's AI and
//! industrial-software chain committee: 共建、共享, the "链上红心" series,
//! upstream–downstream joint building 上下游联建). A programme belongs to a
//! chain committee (a party organisation on a chain) and runs from a date;
//! each action has a date, a kind, the party organisations and firms that
//! took part, and its results. The figures (actions, firms and party
//! organisations taking part, actions with results) are counted from them.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use kechuang_domain::party::PartyOrgKind;
use kechuang_domain::ErrorCode;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};

use crate::entities::{chain_action, chain_action_party, chain_programme, party_org};
use crate::like::contains;
use crate::{page, record, Db, Page, PageReq, StoreError, StoreResult};

/// What a joint action is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionKind {
    /// 共建: party organisations building together (joint 主题党日, shared posts).
    CoBuild,
    /// 共享: sharing venues, equipment, talent or orders.
    Share,
    /// 链上红心: the chain committee's named action series.
    RedHeart,
    /// 上下游联建: upstream and downstream firms' party organisations paired.
    UpDownstream,
}

impl ActionKind {
    pub const ALL: [ActionKind; 4] = [
        ActionKind::CoBuild,
        ActionKind::Share,
        ActionKind::RedHeart,
        ActionKind::UpDownstream,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::CoBuild => "co_build",
            ActionKind::Share => "share",
            ActionKind::RedHeart => "red_heart",
            ActionKind::UpDownstream => "up_downstream",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            ActionKind::CoBuild => "共建",
            ActionKind::Share => "共享",
            ActionKind::RedHeart => "链上红心",
            ActionKind::UpDownstream => "上下游联建",
        }
    }
    /// The code or the Chinese label.
    pub fn parse(s: &str) -> Option<ActionKind> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.label_zh() == s)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProgrammeInput {
    pub committee_id: String,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub goal: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ActionInput {
    pub title: String,
    pub kind: ActionKind,
    pub held_on: NaiveDate,
    pub results: String,
    pub party_org_ids: Vec<String>,
    pub org_ids: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct ProgrammeFilter {
    pub q: Option<String>,
    pub committee_id: Option<String>,
    /// Programmes of the chain committees on this chain.
    pub chain_id: Option<String>,
    /// Programmes running in this year.
    pub year: Option<i32>,
}

/// What a set of actions adds up to.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ActionFigures {
    /// 行动次数
    pub actions: u64,
    /// 参与企业（去重）
    pub firms: u64,
    /// 参与党组织（去重）
    pub party_orgs: u64,
    /// 已记录成效的行动
    pub with_results: u64,
}

/// A programme with its chain committee and its figures.
#[derive(Clone, Debug)]
pub struct ProgrammeRow {
    pub programme: chain_programme::Model,
    pub committee: party_org::Model,
    pub figures: ActionFigures,
}

/// An action with who took part.
#[derive(Clone, Debug)]
pub struct ActionRow {
    pub action: chain_action::Model,
    pub party_org_ids: Vec<String>,
    pub org_ids: Vec<String>,
}

async fn committees_of_chain<C: ConnectionTrait>(
    db: &C,
    chain_id: &str,
) -> StoreResult<Vec<String>> {
    Ok(party_org::Entity::find()
        .select_only()
        .column(party_org::Column::Id)
        .filter(party_org::Column::ChainId.eq(chain_id))
        .filter(party_org::Column::Kind.eq(PartyOrgKind::ChainCommittee.as_str()))
        .into_tuple()
        .all(db)
        .await?)
}

async fn filtered<C: ConnectionTrait>(
    db: &C,
    f: &ProgrammeFilter,
) -> StoreResult<Select<chain_programme::Entity>> {
    use chain_programme::Column as C;
    let mut q = chain_programme::Entity::find();
    if let Some(w) = &f.q {
        q = q.filter(
            Condition::any()
                .add(contains(C::Name, w))
                .add(contains(C::Goal, w)),
        );
    }
    if let Some(c) = &f.committee_id {
        q = q.filter(C::CommitteeId.eq(c.as_str()));
    }
    if let Some(chain) = &f.chain_id {
        q = q.filter(C::CommitteeId.is_in(committees_of_chain(db, chain).await?));
    }
    if let Some(y) = f.year {
        let (start, end) = (
            NaiveDate::from_ymd_opt(y, 1, 1).ok_or(StoreError::NotFound)?,
            NaiveDate::from_ymd_opt(y, 12, 31).ok_or(StoreError::NotFound)?,
        );
        q = q.filter(C::StartsOn.lte(end)).filter(
            Condition::any()
                .add(C::EndsOn.is_null())
                .add(C::EndsOn.gte(start)),
        );
    }
    Ok(q.order_by_desc(C::StartsOn).order_by_desc(C::Id))
}

/// Who took part in each of these actions.
async fn parties<C: ConnectionTrait>(
    db: &C,
    action_ids: &[String],
) -> StoreResult<Vec<chain_action_party::Model>> {
    let mut out = vec![];
    for chunk in action_ids.chunks(500) {
        out.extend(
            chain_action_party::Entity::find()
                .filter(chain_action_party::Column::ActionId.is_in(chunk.to_vec()))
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// The figures of these actions.
pub fn figures_of(actions: &[ActionRow]) -> ActionFigures {
    let firms: HashSet<&String> = actions.iter().flat_map(|a| &a.org_ids).collect();
    let party_orgs: HashSet<&String> = actions.iter().flat_map(|a| &a.party_org_ids).collect();
    ActionFigures {
        actions: actions.len() as u64,
        firms: firms.len() as u64,
        party_orgs: party_orgs.len() as u64,
        with_results: actions
            .iter()
            .filter(|a| !a.action.results.trim().is_empty())
            .count() as u64,
    }
}

/// The actions of these programmes with who took part, by date.
pub async fn actions_of<C: ConnectionTrait>(
    db: &C,
    programme_ids: &[String],
) -> StoreResult<Vec<ActionRow>> {
    let mut actions = vec![];
    for chunk in programme_ids.chunks(500) {
        actions.extend(
            chain_action::Entity::find()
                .filter(chain_action::Column::ProgrammeId.is_in(chunk.to_vec()))
                .order_by_asc(chain_action::Column::HeldOn)
                .order_by_asc(chain_action::Column::Id)
                .all(db)
                .await?,
        );
    }
    let ids: Vec<String> = actions.iter().map(|a| a.id.clone()).collect();
    let mut by_action: HashMap<String, (Vec<String>, Vec<String>)> = HashMap::new();
    for p in parties(db, &ids).await? {
        let e = by_action.entry(p.action_id).or_default();
        if let Some(o) = p.party_org_id {
            e.0.push(o);
        }
        if let Some(o) = p.org_id {
            e.1.push(o);
        }
    }
    Ok(actions
        .into_iter()
        .map(|a| {
            let (party_org_ids, org_ids) = by_action.remove(&a.id).unwrap_or_default();
            ActionRow {
                action: a,
                party_org_ids,
                org_ids,
            }
        })
        .collect())
}

async fn rows(db: &Db, programmes: Vec<chain_programme::Model>) -> StoreResult<Vec<ProgrammeRow>> {
    let ids: Vec<String> = programmes.iter().map(|p| p.id.clone()).collect();
    let actions = actions_of(db, &ids).await?;
    let committee_ids: Vec<String> = programmes.iter().map(|p| p.committee_id.clone()).collect();
    let committees: HashMap<String, party_org::Model> = party_org::Entity::find()
        .filter(party_org::Column::Id.is_in(committee_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id.clone(), o))
        .collect();
    programmes
        .into_iter()
        .map(|p| {
            let mine: Vec<ActionRow> = actions
                .iter()
                .filter(|a| a.action.programme_id == p.id)
                .cloned()
                .collect();
            Ok(ProgrammeRow {
                committee: committees
                    .get(&p.committee_id)
                    .cloned()
                    .ok_or(StoreError::NotFound)?,
                figures: figures_of(&mine),
                programme: p,
            })
        })
        .collect()
}

pub async fn list(db: &Db, f: &ProgrammeFilter, p: PageReq) -> StoreResult<Page<ProgrammeRow>> {
    let page = page::fetch(db, filtered(db, f).await?, p).await?;
    Ok(Page {
        items: rows(db, page.items).await?,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    })
}

pub async fn list_all(db: &Db, f: &ProgrammeFilter, limit: u64) -> StoreResult<Vec<ProgrammeRow>> {
    let found = filtered(db, f).await?.limit(limit).all(db).await?;
    rows(db, found).await
}

pub async fn get<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<chain_programme::Model> {
    chain_programme::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// A programme with its committee, figures and actions.
pub async fn detail(db: &Db, id: &str) -> StoreResult<(ProgrammeRow, Vec<ActionRow>)> {
    let p = get(db, id).await?;
    let actions = actions_of(db, std::slice::from_ref(&p.id)).await?;
    let row = rows(db, vec![p]).await?.remove(0);
    Ok((row, actions))
}

/// The figures of every programme of a chain's committees, this year or all time.
pub async fn chain_figures(
    db: &Db,
    chain_id: &str,
    year: Option<i32>,
) -> StoreResult<ActionFigures> {
    let ids: Vec<String> = filtered(
        db,
        &ProgrammeFilter {
            chain_id: Some(chain_id.into()),
            ..Default::default()
        },
    )
    .await?
    .all(db)
    .await?
    .into_iter()
    .map(|p| p.id)
    .collect();
    let actions: Vec<ActionRow> = actions_of(db, &ids)
        .await?
        .into_iter()
        .filter(|a| year.is_none_or(|y| a.action.held_on.year() == y))
        .collect();
    Ok(figures_of(&actions))
}

async fn check_programme<C: ConnectionTrait>(db: &C, i: &ProgrammeInput) -> StoreResult<()> {
    let c = super::network::get(db, &i.committee_id)
        .await
        .map_err(|_| {
            StoreError::field(ErrorCode::UnknownPartyOrg, "committee_id", "党组织不存在")
        })?;
    if c.kind != PartyOrgKind::ChainCommittee.as_str() || c.chain_id.is_none() {
        return Err(StoreError::field(
            ErrorCode::NotChainCommittee,
            "committee_id",
            format!("“{}”不是产业链党委，请选择一个产业链党委", c.name),
        ));
    }
    if i.ends_on.is_some_and(|e| e < i.starts_on) {
        return Err(StoreError::field(
            ErrorCode::InvalidPeriod,
            "ends_on",
            "结束日期不能早于开始日期",
        ));
    }
    Ok(())
}

fn apply_programme(am: &mut chain_programme::ActiveModel, i: ProgrammeInput) {
    am.committee_id = Set(i.committee_id);
    am.name = Set(i.name);
    am.starts_on = Set(i.starts_on);
    am.ends_on = Set(i.ends_on);
    am.goal = Set(i.goal);
}

pub async fn create_programme(
    db: &Db,
    actor: &str,
    i: ProgrammeInput,
) -> StoreResult<chain_programme::Model> {
    let tx = crate::db::begin_write(db).await?;
    check_programme(&tx, &i).await?;
    let mut am = chain_programme::ActiveModel::default();
    apply_programme(&mut am, i);
    let m = record::insert(&tx, actor, am).await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn update_programme(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: ProgrammeInput,
) -> StoreResult<chain_programme::Model> {
    let tx = crate::db::begin_write(db).await?;
    let before = get(&tx, id).await?;
    check_programme(&tx, &i).await?;
    let m = record::update(&tx, actor, "update", before, version, |am| {
        apply_programme(am, i)
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

async fn check_parties<C: ConnectionTrait>(db: &C, i: &ActionInput) -> StoreResult<()> {
    for o in &i.party_org_ids {
        super::network::get(db, o).await.map_err(|_| {
            StoreError::field(
                ErrorCode::UnknownPartyOrg,
                "party_org_ids",
                "参与党组织不存在",
            )
        })?;
    }
    for o in &i.org_ids {
        crate::orgs::require_org(db, o, "参与企业")
            .await
            .map_err(|e| match e {
                StoreError::Rule { code, message } => StoreError::field(code, "org_ids", message),
                e => e,
            })?;
    }
    Ok(())
}

async fn write_parties<C: ConnectionTrait>(
    tx: &C,
    actor: &str,
    action_id: &str,
    i: &ActionInput,
) -> StoreResult<()> {
    let rows = i
        .party_org_ids
        .iter()
        .map(|o| (Some(o.clone()), None))
        .chain(i.org_ids.iter().map(|o| (None, Some(o.clone()))));
    for (party_org_id, org_id) in rows {
        record::insert(
            tx,
            actor,
            chain_action_party::ActiveModel {
                action_id: Set(action_id.into()),
                party_org_id: Set(party_org_id),
                org_id: Set(org_id),
                ..Default::default()
            },
        )
        .await?;
    }
    Ok(())
}

fn apply_action(am: &mut chain_action::ActiveModel, i: &ActionInput) {
    am.title = Set(i.title.clone());
    am.kind = Set(i.kind.as_str().into());
    am.held_on = Set(i.held_on);
    am.results = Set(i.results.clone());
}

/// Add an action to a programme with who takes part.
pub async fn create_action(
    db: &Db,
    actor: &str,
    programme_id: &str,
    i: ActionInput,
) -> StoreResult<chain_action::Model> {
    let tx = crate::db::begin_write(db).await?;
    get(&tx, programme_id).await?;
    check_parties(&tx, &i).await?;
    let mut am = chain_action::ActiveModel {
        programme_id: Set(programme_id.into()),
        ..Default::default()
    };
    apply_action(&mut am, &i);
    let m = record::insert(&tx, actor, am).await?;
    write_parties(&tx, actor, &m.id, &i).await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn get_action<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<chain_action::Model> {
    chain_action::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Correct an action, record its results; who took part is replaced.
pub async fn update_action(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: ActionInput,
) -> StoreResult<chain_action::Model> {
    let tx = crate::db::begin_write(db).await?;
    let before = get_action(&tx, id).await?;
    check_parties(&tx, &i).await?;
    let m = record::update(&tx, actor, "update", before, version, |am| {
        apply_action(am, &i)
    })
    .await?;
    for p in parties(&tx, std::slice::from_ref(&m.id)).await? {
        let v = p.version;
        record::delete(&tx, actor, p, v).await?;
    }
    write_parties(&tx, actor, &m.id, &i).await?;
    tx.commit().await?;
    Ok(m)
}

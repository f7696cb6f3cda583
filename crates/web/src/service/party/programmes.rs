//! A chain committee's programmes of joint actions (链上行动计划): the
//! programmes, their actions with the party organisations and firms that took
//! part and the results, and the figures counted from them.

use kechuang_domain::auth::Permission;
use kechuang_store::entities::{chain_action, chain_programme};
use kechuang_store::party::programmes::{
    self as store, ActionFigures, ActionKind, ActionRow, ProgrammeFilter, ProgrammeRow,
};
use kechuang_store::{Page, PageReq, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{non_empty, query_year};
use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::excel::{self, Cell, Sheet};
use crate::forms::party::programmes::{ActionDraft, ProgrammeDraft};
use crate::AppState;

/// A programme with its chain committee, its chain and its figures.
#[derive(Clone, Serialize, ToSchema)]
pub struct ProgrammeView {
    #[serde(flatten)]
    pub programme: chain_programme::Model,
    /// 产业链党委
    pub committee_name: String,
    pub chain_id: String,
    pub chain_name: String,
    pub figures: ActionFigures,
}

/// Someone who took part in an action.
#[derive(Clone, Serialize, ToSchema)]
pub struct ActionPartyView {
    pub id: String,
    pub name: String,
}

/// An action with its kind and who took part.
#[derive(Clone, Serialize, ToSchema)]
pub struct ChainActionView {
    #[serde(flatten)]
    pub action: chain_action::Model,
    pub kind_label: String,
    /// 参与党组织
    pub party_orgs: Vec<ActionPartyView>,
    /// 参与企业
    pub firms: Vec<ActionPartyView>,
}

#[derive(Serialize, ToSchema)]
pub struct ProgrammeDetailView {
    pub programme: ProgrammeView,
    pub actions: Vec<ChainActionView>,
}

pub async fn views(s: &AppState, rows: Vec<ProgrammeRow>) -> ApiResult<Vec<ProgrammeView>> {
    let chains = kechuang_store::names::all(&s.db, "chains").await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let chain_id = r.committee.chain_id.clone().unwrap_or_default();
            ProgrammeView {
                committee_name: r.committee.name,
                chain_name: chains.get(&chain_id).cloned().unwrap_or_default(),
                chain_id,
                figures: r.figures,
                programme: r.programme,
            }
        })
        .collect())
}

pub async fn action_views(s: &AppState, rows: Vec<ActionRow>) -> ApiResult<Vec<ChainActionView>> {
    let pos = kechuang_store::names::of(
        &s.db,
        "party_orgs",
        rows.iter().flat_map(|r| r.party_org_ids.clone()),
    )
    .await?;
    let orgs =
        kechuang_store::names::of(&s.db, "orgs", rows.iter().flat_map(|r| r.org_ids.clone()))
            .await?;
    let named = |ids: Vec<String>, names: &std::collections::HashMap<String, String>| {
        let mut v: Vec<ActionPartyView> = ids
            .into_iter()
            .map(|id| ActionPartyView {
                name: names.get(&id).cloned().unwrap_or_default(),
                id,
            })
            .collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    };
    Ok(rows
        .into_iter()
        .map(|r| ChainActionView {
            kind_label: ActionKind::parse(&r.action.kind)
                .map(|k| k.label_zh())
                .unwrap_or("")
                .into(),
            party_orgs: named(r.party_org_ids, &pos),
            firms: named(r.org_ids, &orgs),
            action: r.action,
        })
        .collect())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgrammeListQuery {
    /// 关键词：计划名称、目标与内容
    pub q: Option<String>,
    /// 产业链党委（党组织 id）
    pub committee_id: Option<String>,
    /// 产业链 id
    pub chain_id: Option<String>,
    /// 年度（计划在该年内开展）
    pub year: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl ProgrammeListQuery {
    pub fn filter(&self) -> ApiResult<ProgrammeFilter> {
        Ok(ProgrammeFilter {
            q: non_empty(&self.q),
            committee_id: non_empty(&self.committee_id),
            chain_id: non_empty(&self.chain_id),
            year: query_year(&self.year, "年度")?,
        })
    }
}

pub async fn list(
    s: &AppState,
    p: &Principal,
    q: &ProgrammeListQuery,
) -> ApiResult<Page<ProgrammeView>> {
    require(p, Permission::PartyRead)?;
    let page = store::list(&s.db, &q.filter()?, PageReq::new(q.page, q.per_page)?).await?;
    let (total, pg, per) = (page.total, page.page, page.per_page);
    Ok(Page {
        items: views(s, page.items).await?,
        total,
        page: pg,
        per_page: per,
    })
}

pub async fn detail(s: &AppState, p: &Principal, id: &str) -> ApiResult<ProgrammeDetailView> {
    require(p, Permission::PartyRead)?;
    let (row, actions) = store::detail(&s.db, id).await?;
    Ok(ProgrammeDetailView {
        programme: views(s, vec![row]).await?.remove(0),
        actions: action_views(s, actions).await?,
    })
}

pub async fn create(
    s: &AppState,
    p: &Principal,
    d: &ProgrammeDraft,
) -> ApiResult<chain_programme::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(store::create_programme(&s.db, &p.username, input).await?)
}

pub async fn update(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &ProgrammeDraft,
) -> ApiResult<chain_programme::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(store::update_programme(&s.db, &p.username, id, version, input).await?)
}

pub async fn create_action(
    s: &AppState,
    p: &Principal,
    programme_id: &str,
    d: &ActionDraft,
) -> ApiResult<chain_action::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(store::create_action(&s.db, &p.username, programme_id, input).await?)
}

pub async fn update_action(
    s: &AppState,
    p: &Principal,
    programme_id: &str,
    id: &str,
    version: i32,
    d: &ActionDraft,
) -> ApiResult<chain_action::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    if store::get_action(&s.db, id).await?.programme_id != programme_id {
        return Err(ApiError::not_found());
    }
    Ok(store::update_action(&s.db, &p.username, id, version, input).await?)
}

/// A chain's programmes and their figures (for the chain page; party readers only).
#[derive(Serialize, ToSchema)]
pub struct ChainProgrammesView {
    /// 全部行动
    pub figures: ActionFigures,
    /// 本年度行动
    pub figures_this_year: ActionFigures,
    pub programmes: Vec<ProgrammeView>,
}

pub async fn of_chain(
    s: &AppState,
    p: &Principal,
    chain_id: &str,
) -> ApiResult<Option<ChainProgrammesView>> {
    if !p.can(Permission::PartyRead) {
        return Ok(None);
    }
    let year = chrono::Datelike::year(&kechuang_store::clock::today());
    let f = ProgrammeFilter {
        chain_id: Some(chain_id.into()),
        ..Default::default()
    };
    Ok(Some(ChainProgrammesView {
        figures: store::chain_figures(&s.db, chain_id, None).await?,
        figures_this_year: store::chain_figures(&s.db, chain_id, Some(year)).await?,
        programmes: views(s, store::list_all(&s.db, &f, 200).await?).await?,
    }))
}

pub const COLUMNS: [&str; 10] = [
    "行动计划",
    "产业链党委",
    "产业链",
    "开始日期",
    "结束日期",
    "目标与内容",
    "行动次数",
    "参与企业",
    "参与党组织",
    "已记录成效",
];

pub const ACTION_COLUMNS: [&str; 7] = [
    "行动计划",
    "日期",
    "行动",
    "类型",
    "参与党组织",
    "参与企业",
    "成效",
];

/// The listed programmes and all their actions, one sheet each.
pub async fn export_bytes(
    s: &AppState,
    p: &Principal,
    q: &ProgrammeListQuery,
) -> ApiResult<Vec<u8>> {
    require(p, Permission::PartyRead)?;
    let programmes = views(s, store::list_all(&s.db, &q.filter()?, 10_000).await?).await?;
    let ids: Vec<String> = programmes.iter().map(|v| v.programme.id.clone()).collect();
    let actions = action_views(s, store::actions_of(&s.db, &ids).await?).await?;
    let names: std::collections::HashMap<&str, &str> = programmes
        .iter()
        .map(|v| (v.programme.id.as_str(), v.programme.name.as_str()))
        .collect();
    let joined = |v: &[ActionPartyView]| {
        v.iter()
            .map(|x| x.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    let action_rows = actions
        .iter()
        .map(|a| {
            vec![
                Cell::Text(
                    names
                        .get(a.action.programme_id.as_str())
                        .copied()
                        .unwrap_or("")
                        .into(),
                ),
                Cell::Date(a.action.held_on),
                Cell::Text(a.action.title.clone()),
                Cell::Text(a.kind_label.clone()),
                Cell::Text(joined(&a.party_orgs)),
                Cell::Text(joined(&a.firms)),
                Cell::Text(a.action.results.clone()),
            ]
        })
        .collect();
    let programme_rows = programmes
        .into_iter()
        .map(|v| {
            vec![
                Cell::Text(v.programme.name),
                Cell::Text(v.committee_name),
                Cell::Text(v.chain_name),
                Cell::Date(v.programme.starts_on),
                v.programme.ends_on.map(Cell::Date).unwrap_or(Cell::Empty),
                Cell::Text(v.programme.goal),
                Cell::Number(v.figures.actions as f64),
                Cell::Number(v.figures.firms as f64),
                Cell::Number(v.figures.party_orgs as f64),
                Cell::Number(v.figures.with_results as f64),
            ]
        })
        .collect();
    let sheet = |name: &str, headers: &[&str], rows| Sheet {
        name: name.into(),
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows,
    };
    excel::workbook_sheets(vec![
        sheet("链上行动计划", &COLUMNS, programme_rows),
        sheet("联建行动", &ACTION_COLUMNS, action_rows),
    ])
}

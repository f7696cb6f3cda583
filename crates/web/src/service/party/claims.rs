//! Major projects claimed by party talents (揭榜挂帅) and their original results (原创性成果).

use kechuang_domain::auth::Permission;
use kechuang_domain::ErrorCode;
use kechuang_store::entities::{original_result, project_claim};
use kechuang_store::party::claims::{
    self as store, ClaimFilter, ClaimLevel, ClaimRow, ClaimState, ResultFilter, ResultKind,
};
use kechuang_store::{Page, PageReq, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{non_empty, query_year};
use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::forms::party::claims::{ClaimDraft, ResultDraft};
use crate::AppState;

/// A claimed project with its labels and the number of its results.
#[derive(Serialize, ToSchema)]
pub struct ClaimView {
    #[serde(flatten)]
    pub claim: project_claim::Model,
    /// 市级 / 省级 / 国家级
    pub level_label: String,
    /// 已揭榜 / 攻关中 / 已完成
    pub state_label: String,
    pub party_org_name: String,
    /// 原创性成果数
    pub result_count: u64,
}

fn level_label(code: &str) -> String {
    ClaimLevel::parse(code)
        .map(|l| l.label_zh())
        .unwrap_or("")
        .into()
}

fn state_label(code: &str) -> String {
    ClaimState::parse(code)
        .map(|l| l.label_zh())
        .unwrap_or("")
        .into()
}

pub fn kind_label(code: &str) -> String {
    ResultKind::parse(code)
        .map(|l| l.label_zh())
        .unwrap_or("")
        .into()
}

pub async fn views(s: &AppState, rows: Vec<ClaimRow>) -> ApiResult<Vec<ClaimView>> {
    let names = kechuang_store::names::all(&s.db, "party_orgs").await?;
    Ok(rows
        .into_iter()
        .map(|r| ClaimView {
            level_label: level_label(&r.claim.level),
            state_label: state_label(&r.claim.state),
            party_org_name: r
                .claim
                .party_org_id
                .as_ref()
                .and_then(|i| names.get(i))
                .cloned()
                .unwrap_or_default(),
            result_count: r.results,
            claim: r.claim,
        })
        .collect())
}

/// An original result with its kind and claim.
#[derive(Serialize, ToSchema)]
pub struct ResultView {
    #[serde(flatten)]
    pub result: original_result::Model,
    pub kind_label: String,
    /// 来源揭榜项目
    pub claim_title: String,
}

pub async fn result_views(
    s: &AppState,
    items: Vec<original_result::Model>,
) -> ApiResult<Vec<ResultView>> {
    let titles = store::titles(
        &s.db,
        items.iter().filter_map(|r| r.claim_id.clone()).collect(),
    )
    .await?;
    Ok(items
        .into_iter()
        .map(|r| ResultView {
            kind_label: kind_label(&r.kind),
            claim_title: r
                .claim_id
                .as_ref()
                .and_then(|c| titles.get(c))
                .cloned()
                .unwrap_or_default(),
            result: r,
        })
        .collect())
}

#[derive(Serialize, ToSchema)]
pub struct ClaimDetailView {
    pub claim: ClaimView,
    pub results: Vec<ResultView>,
}

pub async fn detail_view(s: &AppState, id: &str) -> ApiResult<ClaimDetailView> {
    let c = store::get(&s.db, id).await?;
    let results = store::list_all_results(
        &s.db,
        &ResultFilter {
            claim_id: Some(id.to_string()),
            ..Default::default()
        },
        10_000,
    )
    .await?;
    let row = ClaimRow {
        claim: c,
        results: results.len() as u64,
    };
    Ok(ClaimDetailView {
        claim: views(s, vec![row]).await?.remove(0),
        results: result_views(s, results).await?,
    })
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClaimListQuery {
    /// 关键词：项目名称、揭榜团队、负责人
    pub q: Option<String>,
    /// city / province / national
    pub level: Option<String>,
    /// claimed / in_progress / done
    pub state: Option<String>,
    pub party_org_id: Option<String>,
    /// 揭榜年度
    pub year: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl ClaimListQuery {
    pub fn filter(&self) -> ApiResult<ClaimFilter> {
        let bad = |m: &str| ApiError::bad_request(ErrorCode::InvalidQuery, m.to_string());
        Ok(ClaimFilter {
            q: non_empty(&self.q),
            level: match non_empty(&self.level) {
                None => None,
                Some(l) => Some(
                    ClaimLevel::parse(&l)
                        .ok_or_else(|| bad("级别只能是 city、province 或 national"))?,
                ),
            },
            state: match non_empty(&self.state) {
                None => None,
                Some(l) => Some(
                    ClaimState::parse(&l)
                        .ok_or_else(|| bad("状态只能是 claimed、in_progress 或 done"))?,
                ),
            },
            party_org_id: non_empty(&self.party_org_id),
            year: query_year(&self.year, "年度")?,
        })
    }
}

/// Claims of one level or state.
#[derive(Serialize, ToSchema)]
pub struct CountBy {
    pub code: String,
    pub label: String,
    pub claims: u64,
}

/// Totals of the filtered claims.
#[derive(Serialize, ToSchema)]
pub struct ClaimTotalsView {
    /// 揭榜项目数
    pub claims: u64,
    /// 参与人才（各项目参与人才数之和）
    pub participants: i64,
    /// 原创性成果数
    pub results: u64,
    pub by_level: Vec<CountBy>,
    pub by_state: Vec<CountBy>,
}

pub async fn totals_of(
    s: &AppState,
    p: &Principal,
    q: &ClaimListQuery,
) -> ApiResult<ClaimTotalsView> {
    require(p, Permission::PartyRead)?;
    let t = store::totals(&s.db, &q.filter()?).await?;
    Ok(ClaimTotalsView {
        claims: t.claims,
        participants: t.participants,
        results: t.results,
        by_level: t
            .by_level
            .into_iter()
            .map(|(c, n)| CountBy {
                code: c.into(),
                label: level_label(c),
                claims: n,
            })
            .collect(),
        by_state: t
            .by_state
            .into_iter()
            .map(|(c, n)| CountBy {
                code: c.into(),
                label: state_label(c),
                claims: n,
            })
            .collect(),
    })
}

pub async fn create(
    s: &AppState,
    p: &Principal,
    d: &ClaimDraft,
) -> ApiResult<project_claim::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(store::create(&s.db, &p.username, input).await?)
}

pub async fn update(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &ClaimDraft,
) -> ApiResult<project_claim::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(store::update(&s.db, &p.username, id, version, input).await?)
}

pub async fn add_result(
    s: &AppState,
    p: &Principal,
    claim_id: &str,
    d: &ResultDraft,
) -> ApiResult<original_result::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(store::add_result(&s.db, &p.username, claim_id, input).await?)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResultListQuery {
    /// 关键词：成果名称
    pub q: Option<String>,
    /// 揭榜项目 id
    pub claim_id: Option<String>,
    /// software / product / technology / patent / standard / paper / other
    pub kind: Option<String>,
    /// 取得年度
    pub year: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl ResultListQuery {
    pub fn filter(&self) -> ApiResult<ResultFilter> {
        Ok(ResultFilter {
            q: non_empty(&self.q),
            claim_id: non_empty(&self.claim_id),
            kind: match non_empty(&self.kind) {
                None => None,
                Some(k) => Some(ResultKind::parse(&k).ok_or_else(|| {
                    ApiError::bad_request(ErrorCode::InvalidQuery, "未知的成果类型")
                })?),
            },
            year: query_year(&self.year, "年度")?,
        })
    }
}

/// A page of claims, as the API lists them.
pub async fn list(s: &AppState, p: &Principal, q: &ClaimListQuery) -> ApiResult<Page<ClaimView>> {
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

/// A claim with its details (read permission checked).
pub async fn detail(s: &AppState, p: &Principal, id: &str) -> ApiResult<ClaimDetailView> {
    require(p, Permission::PartyRead)?;
    detail_view(s, id).await
}

/// A page of original results, as the API lists them.
pub async fn list_results(
    s: &AppState,
    p: &Principal,
    q: &ResultListQuery,
) -> ApiResult<Page<ResultView>> {
    require(p, Permission::PartyRead)?;
    let page = store::list_results(&s.db, &q.filter()?, PageReq::new(q.page, q.per_page)?).await?;
    let (total, pg, per) = (page.total, page.page, page.per_page);
    Ok(Page {
        items: result_views(s, page.items).await?,
        total,
        page: pg,
        per_page: per,
    })
}

/// One original result (read permission checked).
pub async fn result(s: &AppState, p: &Principal, id: &str) -> ApiResult<ResultView> {
    require(p, Permission::PartyRead)?;
    let r = store::get_result(&s.db, id).await?;
    Ok(result_views(s, vec![r]).await?.remove(0))
}

/// Changes an original result and returns its view.
pub async fn update_result(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &ResultDraft,
) -> ApiResult<ResultView> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    let r = store::update_result(&s.db, &p.username, id, version, input).await?;
    Ok(result_views(s, vec![r]).await?.remove(0))
}

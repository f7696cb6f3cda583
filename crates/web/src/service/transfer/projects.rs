//! Transfer projects, gate reviews and decisions, incubation, the funnel.

use kechuang_domain::auth::Permission;
use kechuang_domain::transfer::{ProjectState, Stage};
use kechuang_domain::ErrorCode;
use kechuang_store::entities::{gate_review, review_score, transfer_project};
use kechuang_store::transfer::projects::{self, FunnelRow, ProjectDetail, ProjectFilter};
use kechuang_store::{Page, PageReq, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{name_of, non_empty};
use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::forms::transfer::{
    DatedDraft, DecisionDraft, FirmDraft, ProjectDraft, ReviewDraft, ScoreDraft,
};
use crate::AppState;

/// A project with its labels and names.
#[derive(Serialize, ToSchema)]
pub struct ProjectView {
    #[serde(flatten)]
    pub project: transfer_project::Model,
    pub stage_label: String,
    pub state_label: String,
    /// 技术成熟度，如“TRL 4 实验室环境验证”
    pub trl_label: String,
    pub holder_name: String,
    pub chain_name: String,
    pub incubator_name: String,
    pub firm_name: String,
}

/// Labels and names for a batch of projects.
pub async fn views(
    s: &AppState,
    items: Vec<transfer_project::Model>,
) -> ApiResult<Vec<ProjectView>> {
    let ids = items.iter().flat_map(|p| {
        [
            p.holder_org_id.clone(),
            p.incubator_org_id.clone(),
            p.firm_org_id.clone(),
        ]
        .into_iter()
        .flatten()
    });
    let names = kechuang_store::names::of(&s.db, "orgs", ids.collect::<Vec<_>>()).await?;
    let chains: std::collections::HashMap<String, String> =
        kechuang_store::names::all(&s.db, "chains").await?;
    Ok(items
        .into_iter()
        .map(|p| ProjectView {
            trl_label: kechuang_domain::transfer::trl_label_zh(p.trl),
            stage_label: Stage::parse(&p.stage)
                .map(|s| s.label_zh())
                .unwrap_or("")
                .into(),
            state_label: ProjectState::parse(&p.state)
                .map(|s| s.label_zh())
                .unwrap_or("")
                .into(),
            holder_name: name_of(&names, &p.holder_org_id),
            chain_name: name_of(&chains, &p.chain_id),
            incubator_name: name_of(&names, &p.incubator_org_id),
            firm_name: name_of(&names, &p.firm_org_id),
            project: p,
        })
        .collect())
}

pub async fn view(s: &AppState, p: transfer_project::Model) -> ApiResult<ProjectView> {
    Ok(views(s, vec![p]).await?.remove(0))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectListQuery {
    /// 关键词：项目名称、发明人、专利号、技术经理人
    pub q: Option<String>,
    /// 阶段：screening / proof_of_concept / commercialisation / incubation
    pub stage: Option<String>,
    /// 状态：active / on_hold / stopped
    pub state: Option<String>,
    /// 技术领域
    pub field: Option<String>,
    pub chain_id: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl ProjectListQuery {
    pub fn filter(&self) -> ApiResult<ProjectFilter> {
        let bad = |m: &str| ApiError::bad_request(ErrorCode::InvalidQuery, m.to_string());
        Ok(ProjectFilter {
            q: non_empty(&self.q),
            stage: match non_empty(&self.stage) {
                None => None,
                Some(s) => Some(Stage::parse(&s).ok_or_else(|| bad("未知的阶段"))?),
            },
            state: match non_empty(&self.state) {
                None => None,
                Some(s) => Some(ProjectState::parse(&s).ok_or_else(|| bad("未知的项目状态"))?),
            },
            field: non_empty(&self.field),
            chain_id: non_empty(&self.chain_id),
        })
    }
}

/// One page of the list for the query, with labels and names.
pub async fn list(
    s: &AppState,
    p: &Principal,
    q: &ProjectListQuery,
) -> ApiResult<Page<ProjectView>> {
    require(p, Permission::TransferRead)?;
    let page = projects::list(&s.db, &q.filter()?, PageReq::new(q.page, q.per_page)?).await?;
    let (total, pg, per) = (page.total, page.page, page.per_page);
    Ok(Page {
        items: views(s, page.items).await?,
        total,
        page: pg,
        per_page: per,
    })
}

pub async fn create(
    s: &AppState,
    p: &Principal,
    d: &ProjectDraft,
) -> ApiResult<transfer_project::Model> {
    require(p, Permission::TransferWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(projects::create(&s.db, &p.username, input).await?)
}

/// A stay in a stage with its length.
#[derive(Serialize, ToSchema)]
pub struct StayView {
    pub stage: String,
    pub stage_label: String,
    pub entered_on: chrono::NaiveDate,
    pub left_on: Option<chrono::NaiveDate>,
    /// 停留天数（未离开的算到今天）
    pub days: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ProjectDetailView {
    pub project: ProjectView,
    pub stages: Vec<StayView>,
    pub reviews: Vec<kechuang_store::transfer::projects::ReviewDetail>,
}

pub async fn detail_view(s: &AppState, d: ProjectDetail) -> ApiResult<ProjectDetailView> {
    let today = kechuang_store::clock::today();
    Ok(ProjectDetailView {
        stages: d
            .stages
            .into_iter()
            .map(|x| StayView {
                stage_label: Stage::parse(&x.stage)
                    .map(|s| s.label_zh())
                    .unwrap_or("")
                    .into(),
                days: (x.left_on.unwrap_or(today) - x.entered_on).num_days(),
                stage: x.stage,
                entered_on: x.entered_on,
                left_on: x.left_on,
            })
            .collect(),
        reviews: d.reviews,
        project: view(s, d.project).await?,
    })
}

/// A project with its stage history, gate reviews and scores.
pub async fn detail(s: &AppState, p: &Principal, id: &str) -> ApiResult<ProjectDetailView> {
    require(p, Permission::TransferRead)?;
    let d = projects::detail(&s.db, id).await?;
    detail_view(s, d).await
}

pub async fn update(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &ProjectDraft,
) -> ApiResult<transfer_project::Model> {
    require(p, Permission::TransferWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(projects::update(&s.db, &p.username, id, version, input).await?)
}

pub async fn open_review(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &ReviewDraft,
) -> ApiResult<gate_review::Model> {
    require(p, Permission::TransferWrite)?;
    let criteria = d.validate().map_err(ApiError::from_fields)?;
    Ok(projects::open_review(&s.db, &p.username, id, criteria).await?)
}

pub async fn score(
    s: &AppState,
    p: &Principal,
    review_id: &str,
    d: &ScoreDraft,
) -> ApiResult<review_score::Model> {
    require(p, Permission::TransferWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(projects::add_score(&s.db, &p.username, review_id, input).await?)
}

pub async fn decide(
    s: &AppState,
    p: &Principal,
    review_id: &str,
    d: &DecisionDraft,
) -> ApiResult<transfer_project::Model> {
    require(p, Permission::TransferWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(projects::decide(&s.db, &p.username, review_id, d.version, input).await?)
}

pub async fn found_firm(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &FirmDraft,
) -> ApiResult<transfer_project::Model> {
    require(p, Permission::TransferWrite)?;
    require(p, Permission::OrgsWrite)?;
    let (org, incubator, on) = d.validate().map_err(ApiError::from_fields)?;
    Ok(
        projects::found_firm(&s.db, &p.username, id, d.version, org, &incubator, on)
            .await?
            .0,
    )
}

pub async fn graduate(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &DatedDraft,
) -> ApiResult<transfer_project::Model> {
    require(p, Permission::TransferWrite)?;
    let on = d.validate().map_err(ApiError::from_fields)?;
    Ok(projects::graduate(&s.db, &p.username, id, d.version, on).await?)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FunnelQuery {
    pub field: Option<String>,
    pub chain_id: Option<String>,
}

pub async fn funnel_rows(
    s: &AppState,
    p: &Principal,
    q: &FunnelQuery,
) -> ApiResult<Vec<FunnelRow>> {
    require(p, Permission::TransferRead)?;
    Ok(projects::funnel(
        &s.db,
        non_empty(&q.field).as_deref(),
        non_empty(&q.chain_id).as_deref(),
    )
    .await?)
}

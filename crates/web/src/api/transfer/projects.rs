//! Transfer projects, gate reviews and decisions, incubation, the funnel.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use kechuang_domain::auth::Permission;
use kechuang_domain::transfer::{ProjectState, Stage};
use kechuang_store::entities::{gate_review, review_score, transfer_project};
use kechuang_store::transfer::org_names;
use kechuang_store::transfer::projects::{self, FunnelRow, ProjectDetail, ProjectFilter};
use kechuang_store::{PageReq, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{name_of, ListPage};
use crate::api::Paging;
use crate::api::{invalid, non_empty, ApiJson, ApiPath, ApiQuery};
use crate::auth::{require, ApiUser};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::excel::{self, Cell};
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
    let names = org_names(&s.db, ids.collect::<Vec<_>>()).await?;
    let chains: std::collections::HashMap<String, String> = kechuang_store::chains::names(&s.db)
        .await?
        .into_iter()
        .collect();
    Ok(items
        .into_iter()
        .map(|p| ProjectView {
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
        let bad = |m: &str| ApiError::bad_request("invalid_query", m.to_string());
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

/// 成果转化项目列表：按阶段、状态、领域、产业链筛选
#[utoipa::path(get, path = "/api/v1/transfer/projects", tag = "transfer", params(ProjectListQuery, Paging),
    responses((status = 200, body = ListPage<ProjectView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_projects(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ProjectListQuery>,
) -> ApiResult<Json<ListPage<ProjectView>>> {
    require(&p, Permission::TransferRead)?;
    let page = projects::list(&s.db, &q.filter()?, PageReq::new(q.page, q.per_page)?).await?;
    let (total, pg, per) = (page.total, page.page, page.per_page);
    Ok(Json(ListPage {
        items: views(&s, page.items).await?,
        total,
        page: pg,
        per_page: per,
    }))
}

pub const EXPORT_COLUMNS: [&str; 12] = [
    "项目名称",
    "技术领域",
    "产业链",
    "成果持有单位",
    "发明人及份额",
    "专利号",
    "TRL",
    "阶段",
    "状态",
    "进入本阶段日期",
    "技术经理人",
    "孵化企业",
];

pub async fn export_bytes(s: &AppState, p: &Principal, q: &ProjectListQuery) -> ApiResult<Vec<u8>> {
    require(p, Permission::TransferRead)?;
    let rows = views(s, projects::list_all(&s.db, &q.filter()?, 100_000).await?).await?;
    excel::workbook(
        "成果转化项目",
        &EXPORT_COLUMNS,
        rows.into_iter().map(|v| {
            vec![
                Cell::Text(v.project.title),
                Cell::Text(v.project.field),
                Cell::Text(v.chain_name),
                Cell::Text(v.holder_name),
                Cell::Text(v.project.inventors.replace(';', "；")),
                Cell::Text(v.project.patents),
                Cell::Number(v.project.trl.into()),
                Cell::Text(v.stage_label),
                Cell::Text(v.state_label),
                Cell::Date(v.project.stage_entered_on),
                Cell::Text(v.project.manager),
                Cell::Text(v.firm_name),
            ]
        }),
    )
}

/// 按筛选条件导出成果转化项目（Excel）
#[utoipa::path(get, path = "/api/v1/transfer/projects/export", tag = "transfer", params(ProjectListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_projects(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ProjectListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "成果转化项目.xlsx",
        export_bytes(&s, &p, &q).await?,
    ))
}

pub async fn create_action(
    s: &AppState,
    p: &Principal,
    d: &ProjectDraft,
) -> ApiResult<transfer_project::Model> {
    require(p, Permission::TransferWrite)?;
    let input = d.validate().map_err(invalid)?;
    Ok(projects::create(&s.db, &p.username, input).await?)
}

/// 新建成果转化项目（进入“项目筛选”阶段）
#[utoipa::path(post, path = "/api/v1/transfer/projects", tag = "transfer", request_body = ProjectDraft,
    responses((status = 201, body = ProjectView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_project(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<ProjectDraft>,
) -> ApiResult<(StatusCode, Json<ProjectView>)> {
    let m = create_action(&s, &p, &d).await?;
    Ok((StatusCode::CREATED, Json(view(&s, m).await?)))
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
    let today = kechuang_store::cases::today();
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

/// 项目详情：阶段历程（含各阶段停留天数）、阶段评审、专家打分与决策
#[utoipa::path(get, path = "/api/v1/transfer/projects/{id}", tag = "transfer", params(("id" = String, Path)),
    responses((status = 200, body = ProjectDetailView), (status = 404, body = ErrorBody)))]
pub async fn get_project(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ProjectDetailView>> {
    require(&p, Permission::TransferRead)?;
    let d = projects::detail(&s.db, &id).await?;
    Ok(Json(detail_view(&s, d).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ProjectUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub project: ProjectDraft,
}

/// 修改项目信息（阶段只能经评审决策改变）
#[utoipa::path(put, path = "/api/v1/transfer/projects/{id}", tag = "transfer", params(("id" = String, Path)), request_body = ProjectUpdate,
    responses((status = 200, body = ProjectView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_project(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<ProjectUpdate>,
) -> ApiResult<Json<ProjectView>> {
    let m = update_action(&s, &p, &id, u.version, &u.project).await?;
    Ok(Json(view(&s, m).await?))
}

pub async fn update_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &ProjectDraft,
) -> ApiResult<transfer_project::Model> {
    require(p, Permission::TransferWrite)?;
    let input = d.validate().map_err(invalid)?;
    Ok(projects::update(&s.db, &p.username, id, version, input).await?)
}

pub async fn open_review_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &ReviewDraft,
) -> ApiResult<gate_review::Model> {
    require(p, Permission::TransferWrite)?;
    let criteria = d.validate().map_err(invalid)?;
    Ok(projects::open_review(&s.db, &p.username, id, criteria).await?)
}

/// 发起当前阶段的阶段评审（每个项目同时只能有一个进行中的评审）
#[utoipa::path(post, path = "/api/v1/transfer/projects/{id}/reviews", tag = "transfer", params(("id" = String, Path)), request_body = ReviewDraft,
    responses((status = 201, body = gate_review::Model), (status = 404, body = ErrorBody), (status = 422, description = "已有进行中的评审、项目已终止或指标有误", body = ErrorBody)))]
pub async fn open_review(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<ReviewDraft>,
) -> ApiResult<(StatusCode, Json<gate_review::Model>)> {
    Ok((
        StatusCode::CREATED,
        Json(open_review_action(&s, &p, &id, &d).await?),
    ))
}

pub async fn score_action(
    s: &AppState,
    p: &Principal,
    review_id: &str,
    d: &ScoreDraft,
) -> ApiResult<review_score::Model> {
    require(p, Permission::TransferWrite)?;
    let input = d.validate().map_err(invalid)?;
    Ok(projects::add_score(&s.db, &p.username, review_id, input).await?)
}

/// 录入一位专家的评分（声明利益冲突的专家评分不计入评审得分）
#[utoipa::path(post, path = "/api/v1/transfer/reviews/{id}/scores", tag = "transfer", params(("id" = String, Path)), request_body = ScoreDraft,
    responses((status = 201, body = review_score::Model), (status = 404, body = ErrorBody), (status = 409, description = "该专家已打分", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_score(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<ScoreDraft>,
) -> ApiResult<(StatusCode, Json<review_score::Model>)> {
    Ok((
        StatusCode::CREATED,
        Json(score_action(&s, &p, &id, &d).await?),
    ))
}

pub async fn decide_action(
    s: &AppState,
    p: &Principal,
    review_id: &str,
    d: &DecisionDraft,
) -> ApiResult<transfer_project::Model> {
    require(p, Permission::TransferWrite)?;
    let input = d.validate().map_err(invalid)?;
    Ok(projects::decide(&s.db, &p.username, review_id, d.version, input).await?)
}

/// 阶段评审决策：advance（通过，进入下一阶段；跳级或退回须填写 override_reason）、hold（暂缓）、stop（终止）。version 为评审记录的版本
#[utoipa::path(post, path = "/api/v1/transfer/reviews/{id}/decision", tag = "transfer", params(("id" = String, Path)), request_body = DecisionDraft,
    responses((status = 200, body = ProjectView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, description = "skip_needs_reason、back_needs_reason、gate_unscored、project_stopped 等", body = ErrorBody)))]
pub async fn decide(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<DecisionDraft>,
) -> ApiResult<Json<ProjectView>> {
    let m = decide_action(&s, &p, &id, &d).await?;
    Ok(Json(view(&s, m).await?))
}

pub async fn found_firm_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &FirmDraft,
) -> ApiResult<transfer_project::Model> {
    require(p, Permission::TransferWrite)?;
    require(p, Permission::OrgsWrite)?;
    let (org, incubator, on) = d.validate().map_err(invalid)?;
    Ok(
        projects::found_firm(&s.db, &p.username, id, d.version, org, &incubator, on)
            .await?
            .0,
    )
}

/// 企业孵化：为处于“企业孵化”阶段的项目注册孵化企业（新增到单位名录），登记孵化器和入孵日期
#[utoipa::path(post, path = "/api/v1/transfer/projects/{id}/firm", tag = "transfer", params(("id" = String, Path)), request_body = FirmDraft,
    responses((status = 200, body = ProjectView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn found_firm(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<FirmDraft>,
) -> ApiResult<Json<ProjectView>> {
    let m = found_firm_action(&s, &p, &id, &d).await?;
    Ok(Json(view(&s, m).await?))
}

pub async fn graduate_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &DatedDraft,
) -> ApiResult<transfer_project::Model> {
    require(p, Permission::TransferWrite)?;
    let on = d.validate().map_err(invalid)?;
    Ok(projects::graduate(&s.db, &p.username, id, d.version, on).await?)
}

/// 孵化企业毕业
#[utoipa::path(post, path = "/api/v1/transfer/projects/{id}/graduate", tag = "transfer", params(("id" = String, Path)), request_body = DatedDraft,
    responses((status = 200, body = ProjectView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn graduate(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<DatedDraft>,
) -> ApiResult<Json<ProjectView>> {
    let m = graduate_action(&s, &p, &id, &d).await?;
    Ok(Json(view(&s, m).await?))
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

/// 转化漏斗：各阶段在推进、暂缓、终止的项目数，到达过该阶段的项目数，平均停留天数
#[utoipa::path(get, path = "/api/v1/transfer/funnel", tag = "transfer", params(FunnelQuery),
    responses((status = 200, body = [FunnelRow])))]
pub async fn funnel(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<FunnelQuery>,
) -> ApiResult<Json<Vec<FunnelRow>>> {
    Ok(Json(funnel_rows(&s, &p, &q).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_projects, create_project))
        .routes(routes!(export_projects))
        .routes(routes!(get_project, update_project))
        .routes(routes!(open_review))
        .routes(routes!(add_score))
        .routes(routes!(decide))
        .routes(routes!(found_firm))
        .routes(routes!(graduate))
        .routes(routes!(funnel))
}

//! /api/v1/transfer projects, gate reviews and decisions, incubation, the
//! funnel: adapters over `crate::service::transfer::projects`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use kechuang_store::entities::{gate_review, review_score};
use kechuang_store::transfer::projects::FunnelRow;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::api::ListPage;
use crate::api::Paging;
use crate::api::{ApiJson, ApiPath, ApiQuery};
use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::excel;
use crate::forms::transfer::{
    DatedDraft, DecisionDraft, FirmDraft, ProjectDraft, ReviewDraft, ScoreDraft,
};
use crate::service::transfer::project_sheets as sheets;
use crate::service::transfer::projects::{
    self as service, FunnelQuery, ProjectDetailView, ProjectListQuery, ProjectView,
};
use crate::AppState;

/// 成果转化项目列表：按阶段、状态、领域、产业链筛选
#[utoipa::path(get, path = "/api/v1/transfer/projects", tag = "transfer", params(ProjectListQuery, Paging),
    responses((status = 200, body = ListPage<ProjectView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_projects(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ProjectListQuery>,
) -> ApiResult<Json<ListPage<ProjectView>>> {
    Ok(Json(ListPage::of(service::list(&s, &p, &q).await?, |v| v)))
}

/// 按筛选条件导出成果转化项目台账（Excel；可原样导入）
#[utoipa::path(get, path = "/api/v1/transfer/projects/export", tag = "transfer", params(ProjectListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_projects(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ProjectListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "成果转化项目.xlsx",
        sheets::export_bytes(&s, &p, &q).await?,
    ))
}

/// 下载成果转化项目导入模板（Excel，列同导出）
#[utoipa::path(get, path = "/api/v1/transfer/projects/import/template", tag = "transfer",
    responses((status = 200, description = "xlsx 模板", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn projects_template(_user: ApiUser) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "成果转化项目导入模板.xlsx",
        sheets::template_bytes()?,
    ))
}

/// 从 Excel 导入成果转化项目台账：先校验全部行，有错则整体不导入（阶段、状态按中文名；产业链按名称，产业链环节按该链中的环节名称；成果持有单位、孵化企业、孵化器按全称或统一社会信用代码；项目自“进入本阶段日期”起处于该阶段，不含此前的关口评审）
#[utoipa::path(post, path = "/api/v1/transfer/projects/import", tag = "transfer",
    request_body(content_type = "multipart/form-data", description = "字段 file：.xlsx 文件，列同导出"),
    responses((status = 200, body = excel::Imported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, description = "文件解压后超过32MB（excel_too_large）", body = ErrorBody),
        (status = 422, description = "有错误行（import_invalid），details.problems 列出行、列、原因", body = ErrorBody)))]
pub async fn import_projects(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    upload: crate::api::ApiMultipart,
) -> ApiResult<Json<excel::Imported>> {
    crate::auth::require(&p, kechuang_domain::auth::Permission::TransferWrite)?;
    crate::api::imported(upload, |bytes| async move {
        sheets::import_bytes(&s, &p, &bytes).await
    })
    .await
}

/// 新建成果转化项目（进入“项目筛选”阶段）
#[utoipa::path(post, path = "/api/v1/transfer/projects", tag = "transfer", request_body = ProjectDraft,
    responses((status = 201, body = ProjectView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_project(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<ProjectDraft>,
) -> ApiResult<(StatusCode, Json<ProjectView>)> {
    let m = service::create(&s, &p, &d).await?;
    Ok((StatusCode::CREATED, Json(service::view(&s, m).await?)))
}

/// 项目详情：阶段历程（含各阶段停留天数）、阶段评审、专家打分与决策
#[utoipa::path(get, path = "/api/v1/transfer/projects/{id}", tag = "transfer", params(("id" = String, Path)),
    responses((status = 200, body = ProjectDetailView), (status = 404, body = ErrorBody)))]
pub async fn get_project(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ProjectDetailView>> {
    Ok(Json(service::detail(&s, &p, &id).await?))
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
    let m = service::update(&s, &p, &id, u.version, &u.project).await?;
    Ok(Json(service::view(&s, m).await?))
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
        Json(service::open_review(&s, &p, &id, &d).await?),
    ))
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
        Json(service::score(&s, &p, &id, &d).await?),
    ))
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
    let m = service::decide(&s, &p, &id, &d).await?;
    Ok(Json(service::view(&s, m).await?))
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
    let m = service::found_firm(&s, &p, &id, &d).await?;
    Ok(Json(service::view(&s, m).await?))
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
    let m = service::graduate(&s, &p, &id, &d).await?;
    Ok(Json(service::view(&s, m).await?))
}

/// 转化漏斗：各阶段在推进、暂缓、终止的项目数，到达过该阶段的项目数，平均停留天数
#[utoipa::path(get, path = "/api/v1/transfer/funnel", tag = "transfer", params(FunnelQuery),
    responses((status = 200, body = [FunnelRow])))]
pub async fn funnel(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<FunnelQuery>,
) -> ApiResult<Json<Vec<FunnelRow>>> {
    Ok(Json(service::funnel_rows(&s, &p, &q).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_projects, create_project))
        .routes(routes!(export_projects))
        .routes(routes!(projects_template))
        .routes(routes!(import_projects))
        .routes(routes!(get_project, update_project))
        .routes(routes!(open_review))
        .routes(routes!(add_score))
        .routes(routes!(decide))
        .routes(routes!(found_firm))
        .routes(routes!(graduate))
        .routes(routes!(funnel))
}

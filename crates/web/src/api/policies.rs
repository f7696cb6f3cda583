//! /api/v1/policies: policies (政策) kept by the departments and open to
//! the organisations of the zone (adapters over `service::policies`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use kechuang_domain::policies::PolicyStatus;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{ApiJson, ApiMultipart, ApiPath, ApiQuery, ListPage, Paging, VersionParam};
use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::excel::{self, Imported};
use crate::forms::policies::PolicyDraft;
use crate::service::policies::{self as service, PolicyListQuery, PolicyView};
use crate::AppState;

#[derive(Deserialize, ToSchema)]
pub struct PolicyUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub policy: PolicyDraft,
}

/// 政策列表（企业用户只看到对本单位开放的已发布政策）
#[utoipa::path(get, path = "/api/v1/policies", tag = "policies", params(PolicyListQuery, Paging),
    responses((status = 200, body = ListPage<PolicyView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_policies(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<PolicyListQuery>,
) -> ApiResult<Json<ListPage<PolicyView>>> {
    Ok(Json(ListPage::of(
        service::list(&s, &p, &q).await?,
        std::convert::identity,
    )))
}

/// 导出政策列表（Excel，与导入模板同列）
#[utoipa::path(get, path = "/api/v1/policies/export", tag = "policies", params(PolicyListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody)))]
pub async fn export_policies(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<PolicyListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "政策.xlsx",
        service::export_bytes(&s, &p, &q).await?,
    ))
}

/// 新建政策（草稿；牵头部门须为本部门或下级部门）
#[utoipa::path(post, path = "/api/v1/policies", tag = "policies", request_body = PolicyDraft,
    responses((status = 201, body = PolicyView), (status = 403, body = ErrorBody),
        (status = 409, description = "同名政策（duplicate_policy_title）", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_policy(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<PolicyDraft>,
) -> ApiResult<(StatusCode, Json<PolicyView>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create(&s, &p, &d).await?),
    ))
}

/// 政策详情
#[utoipa::path(get, path = "/api/v1/policies/{id}", tag = "policies", params(("id" = String, Path)),
    responses((status = 200, body = PolicyView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_policy(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<PolicyView>> {
    Ok(Json(service::detail(&s, &p, &id).await?))
}

/// 修改政策
#[utoipa::path(put, path = "/api/v1/policies/{id}", tag = "policies", params(("id" = String, Path)), request_body = PolicyUpdate,
    responses((status = 200, body = PolicyView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_policy(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<PolicyUpdate>,
) -> ApiResult<Json<PolicyView>> {
    Ok(Json(
        service::update(&s, &p, &id, u.version, &u.policy).await?,
    ))
}

/// 发布政策（草稿或已停止的政策）
#[utoipa::path(post, path = "/api/v1/policies/{id}/publish", tag = "policies", params(("id" = String, Path)), request_body = VersionParam,
    responses((status = 200, body = PolicyView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, description = "当前状态不能发布（illegal_transition）", body = ErrorBody)))]
pub async fn publish_policy(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(v): ApiJson<VersionParam>,
) -> ApiResult<Json<PolicyView>> {
    Ok(Json(
        service::set_status(&s, &p, &id, v.version, PolicyStatus::Published).await?,
    ))
}

/// 停止政策（已发布的政策；停止后企业不再看到）
#[utoipa::path(post, path = "/api/v1/policies/{id}/stop", tag = "policies", params(("id" = String, Path)), request_body = VersionParam,
    responses((status = 200, body = PolicyView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, description = "当前状态不能停止（illegal_transition）", body = ErrorBody)))]
pub async fn stop_policy(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(v): ApiJson<VersionParam>,
) -> ApiResult<Json<PolicyView>> {
    Ok(Json(
        service::set_status(&s, &p, &id, v.version, PolicyStatus::Stopped).await?,
    ))
}

/// 政策导入模板（与导出同列）
#[utoipa::path(get, path = "/api/v1/policies/template", tag = "policies",
    responses((status = 200, description = "xlsx 模板", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn policy_template(_user: ApiUser) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "政策导入模板.xlsx",
        service::template_bytes()?,
    ))
}

/// 从 Excel 导入政策：先校验全部行，有错则整体不导入
#[utoipa::path(post, path = "/api/v1/policies/import", tag = "policies",
    request_body(content_type = "multipart/form-data", description = "字段 file：.xlsx 文件，列同导出：政策名称、文号、牵头部门、适用单位类型、适用产业链、支持内容、申报条件、申报开始日期、申报截止日期、状态"),
    responses((status = 200, body = Imported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, description = "文件解压后超过32MB（excel_too_large）", body = ErrorBody),
        (status = 422, description = "有错误行（import_invalid），details.problems 列出行、列、原因", body = ErrorBody)))]
pub async fn import_policies(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    upload: ApiMultipart,
) -> ApiResult<Json<Imported>> {
    crate::auth::require(&p, kechuang_domain::auth::Permission::PoliciesWrite)?;
    crate::api::imported(upload, |bytes| async move {
        service::import_bytes(&s, &p, &bytes).await
    })
    .await
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_policies, create_policy))
        .routes(routes!(export_policies))
        .routes(routes!(policy_template))
        .routes(routes!(import_policies))
        .routes(routes!(get_policy, update_policy))
        .routes(routes!(publish_policy))
        .routes(routes!(stop_policy))
}

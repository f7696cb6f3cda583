//! A chain committee's programmes of joint actions (链上行动计划) and their actions.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::ListPage;
use crate::api::{ApiJson, ApiPath, ApiQuery, Paging};
use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::excel;
use crate::forms::party::programmes::{ActionDraft, ProgrammeDraft};
use crate::service::party::programmes::{
    self as service, ProgrammeDetailView, ProgrammeListQuery, ProgrammeView,
};
use crate::AppState;

#[derive(Deserialize, ToSchema)]
pub struct ProgrammeUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub programme: ProgrammeDraft,
}

#[derive(Deserialize, ToSchema)]
pub struct ChainActionUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub action: ActionDraft,
}

/// 链上行动计划列表（含行动次数、参与企业、参与党组织、已记录成效）
#[utoipa::path(get, path = "/api/v1/party/programmes", tag = "party", params(ProgrammeListQuery, Paging),
    responses((status = 200, body = ListPage<ProgrammeView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_programmes(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ProgrammeListQuery>,
) -> ApiResult<Json<ListPage<ProgrammeView>>> {
    Ok(Json(ListPage::of(
        service::list(&s, &p, &q).await?,
        std::convert::identity,
    )))
}

/// 导出链上行动计划及其行动（Excel，两张表）
#[utoipa::path(get, path = "/api/v1/party/programmes/export", tag = "party", params(ProgrammeListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn export_programmes(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ProgrammeListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "链上行动计划.xlsx",
        service::export_bytes(&s, &p, &q).await?,
    ))
}

/// 新建链上行动计划（属于一个产业链党委）
#[utoipa::path(post, path = "/api/v1/party/programmes", tag = "party", request_body = ProgrammeDraft,
    responses((status = 201, body = ProgrammeDetailView), (status = 403, body = ErrorBody),
        (status = 422, description = "输入有误；不是产业链党委（not_chain_committee）", body = ErrorBody)))]
pub async fn create_programme(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<ProgrammeDraft>,
) -> ApiResult<(StatusCode, Json<ProgrammeDetailView>)> {
    let m = service::create(&s, &p, &d).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::detail(&s, &p, &m.id).await?),
    ))
}

/// 行动计划详情：行动、参与方和成效
#[utoipa::path(get, path = "/api/v1/party/programmes/{id}", tag = "party", params(("id" = String, Path)),
    responses((status = 200, body = ProgrammeDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_programme(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ProgrammeDetailView>> {
    Ok(Json(service::detail(&s, &p, &id).await?))
}

/// 修改行动计划
#[utoipa::path(put, path = "/api/v1/party/programmes/{id}", tag = "party", params(("id" = String, Path)), request_body = ProgrammeUpdate,
    responses((status = 200, body = ProgrammeDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_programme(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<ProgrammeUpdate>,
) -> ApiResult<Json<ProgrammeDetailView>> {
    service::update(&s, &p, &id, u.version, &u.programme).await?;
    Ok(Json(service::detail(&s, &p, &id).await?))
}

/// 在行动计划中新增一次联建行动（参与党组织、企业和成效）
#[utoipa::path(post, path = "/api/v1/party/programmes/{id}/actions", tag = "party", params(("id" = String, Path)), request_body = ActionDraft,
    responses((status = 201, body = ProgrammeDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_chain_action(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<ActionDraft>,
) -> ApiResult<(StatusCode, Json<ProgrammeDetailView>)> {
    service::create_action(&s, &p, &id, &d).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::detail(&s, &p, &id).await?),
    ))
}

/// 修改联建行动、补记成效（参与方整体替换）
#[utoipa::path(put, path = "/api/v1/party/programmes/{id}/actions/{action_id}", tag = "party",
    params(("id" = String, Path), ("action_id" = String, Path)), request_body = ChainActionUpdate,
    responses((status = 200, body = ProgrammeDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_chain_action(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, action_id)): ApiPath<(String, String)>,
    ApiJson(u): ApiJson<ChainActionUpdate>,
) -> ApiResult<Json<ProgrammeDetailView>> {
    service::update_action(&s, &p, &id, &action_id, u.version, &u.action).await?;
    Ok(Json(service::detail(&s, &p, &id).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_programmes, create_programme))
        .routes(routes!(export_programmes))
        .routes(routes!(get_programme, update_programme))
        .routes(routes!(create_chain_action))
        .routes(routes!(update_chain_action))
}

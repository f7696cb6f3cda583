//! Major projects claimed by party talents (揭榜挂帅) and their original results (原创性成果).

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
use crate::forms::party::claims::{ClaimDraft, ResultDraft};
use crate::service::party::claim_sheets as sheets;
use crate::service::party::claims::{
    self as service, ClaimDetailView, ClaimListQuery, ClaimTotalsView, ClaimView, ResultListQuery,
    ResultView,
};
use crate::AppState;

#[derive(Deserialize, ToSchema)]
pub struct ClaimUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub claim: ClaimDraft,
}

#[derive(Deserialize, ToSchema)]
pub struct ResultUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub result: ResultDraft,
}

/// 揭榜项目列表（新的在前）
#[utoipa::path(get, path = "/api/v1/party/claims", tag = "party", params(ClaimListQuery, Paging),
    responses((status = 200, body = ListPage<ClaimView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_claims(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ClaimListQuery>,
) -> ApiResult<Json<ListPage<ClaimView>>> {
    Ok(Json(ListPage::of(
        service::list(&s, &p, &q).await?,
        std::convert::identity,
    )))
}

/// 揭榜项目汇总：项目数、参与人才数、原创性成果数，按级别和状态的项目数（同列表筛选条件）
#[utoipa::path(get, path = "/api/v1/party/claims/totals", tag = "party", params(ClaimListQuery),
    responses((status = 200, body = ClaimTotalsView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn claim_totals(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ClaimListQuery>,
) -> ApiResult<Json<ClaimTotalsView>> {
    Ok(Json(service::totals_of(&s, &p, &q).await?))
}

/// 导出揭榜项目（Excel）
#[utoipa::path(get, path = "/api/v1/party/claims/export", tag = "party", params(ClaimListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody)))]
pub async fn export_claims(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ClaimListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "揭榜项目.xlsx",
        sheets::export_bytes(&s, &p, &q).await?,
    ))
}

/// 下载揭榜项目导入模板（Excel：揭榜项目、原创性成果两个工作表，列同导出）
#[utoipa::path(get, path = "/api/v1/party/claims/import/template", tag = "party",
    responses((status = 200, description = "xlsx 模板", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn claims_template(_user: ApiUser) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "揭榜项目导入模板.xlsx",
        sheets::template_bytes()?,
    ))
}

/// 从 Excel 导入揭榜项目台账：第一个工作表为揭榜项目，“原创性成果”工作表按项目名称列出各项目的成果；先校验全部行，有错则整体不导入
#[utoipa::path(post, path = "/api/v1/party/claims/import", tag = "party",
    request_body(content_type = "multipart/form-data", description = "字段 file：.xlsx 文件，工作表与列同导出"),
    responses((status = 200, body = excel::Imported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, description = "文件解压后超过32MB（excel_too_large）", body = ErrorBody),
        (status = 422, description = "有错误行（import_invalid），details.problems 列出行、列、原因（成果表的列写作“原创性成果·列名”）", body = ErrorBody)))]
pub async fn import_claims(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    upload: crate::api::ApiMultipart,
) -> ApiResult<Json<excel::Imported>> {
    crate::auth::require(&p, kechuang_domain::auth::Permission::PartyWrite)?;
    crate::api::imported(upload, |bytes| async move {
        sheets::import_bytes(&s, &p, &bytes).await
    })
    .await
}

/// 登记揭榜项目（须为市级及以上：市级、省级、国家级）
#[utoipa::path(post, path = "/api/v1/party/claims", tag = "party", request_body = ClaimDraft,
    responses((status = 201, body = ClaimDetailView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_claim(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<ClaimDraft>,
) -> ApiResult<(StatusCode, Json<ClaimDetailView>)> {
    let c = service::create(&s, &p, &d).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::detail_view(&s, &c.id).await?),
    ))
}

/// 揭榜项目详情及其原创性成果
#[utoipa::path(get, path = "/api/v1/party/claims/{id}", tag = "party", params(("id" = String, Path)),
    responses((status = 200, body = ClaimDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_claim(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ClaimDetailView>> {
    Ok(Json(service::detail(&s, &p, &id).await?))
}

/// 修改揭榜项目（含状态：已揭榜、攻关中、已完成）
#[utoipa::path(put, path = "/api/v1/party/claims/{id}", tag = "party", params(("id" = String, Path)), request_body = ClaimUpdate,
    responses((status = 200, body = ClaimDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_claim(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<ClaimUpdate>,
) -> ApiResult<Json<ClaimDetailView>> {
    service::update(&s, &p, &id, u.version, &u.claim).await?;
    Ok(Json(service::detail_view(&s, &id).await?))
}

/// 登记揭榜项目取得的原创性成果（取得日期不早于揭榜日期）
#[utoipa::path(post, path = "/api/v1/party/claims/{id}/results", tag = "party", params(("id" = String, Path)), request_body = ResultDraft,
    responses((status = 201, body = ResultView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_result(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<ResultDraft>,
) -> ApiResult<(StatusCode, Json<ResultView>)> {
    let r = service::add_result(&s, &p, &id, &d).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::result_views(&s, vec![r]).await?.remove(0)),
    ))
}

/// 原创性成果列表（新的在前）
#[utoipa::path(get, path = "/api/v1/party/results", tag = "party", params(ResultListQuery, Paging),
    responses((status = 200, body = ListPage<ResultView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_results(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ResultListQuery>,
) -> ApiResult<Json<ListPage<ResultView>>> {
    Ok(Json(ListPage::of(
        service::list_results(&s, &p, &q).await?,
        std::convert::identity,
    )))
}

/// 原创性成果详情
#[utoipa::path(get, path = "/api/v1/party/results/{id}", tag = "party", params(("id" = String, Path)),
    responses((status = 200, body = ResultView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_result(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ResultView>> {
    Ok(Json(service::result(&s, &p, &id).await?))
}

/// 修改原创性成果
#[utoipa::path(put, path = "/api/v1/party/results/{id}", tag = "party", params(("id" = String, Path)), request_body = ResultUpdate,
    responses((status = 200, body = ResultView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_result(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<ResultUpdate>,
) -> ApiResult<Json<ResultView>> {
    Ok(Json(
        service::update_result(&s, &p, &id, u.version, &u.result).await?,
    ))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_claims, create_claim))
        .routes(routes!(claim_totals))
        .routes(routes!(export_claims))
        .routes(routes!(claims_template))
        .routes(routes!(import_claims))
        .routes(routes!(get_claim, update_claim))
        .routes(routes!(add_result))
        .routes(routes!(list_results))
        .routes(routes!(get_result, update_result))
}

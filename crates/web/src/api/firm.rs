//! /api/v1/firm: a firm's own funding (我的融资), for its own account:
//! adapters over `crate::service::firm`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::api::{ApiJson, ApiPath};
use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::forms::transfer::{EquityApplicationDraft, FirmLoanDraft};
use crate::service::firm::{self as service, FirmFunding, FirmLoan, FirmLoanDetail};
use crate::service::transfer::equity_applications::ApplicationView;
use crate::AppState;

/// 本企业的融资：可申请的贷款梯度、本企业的梯度贷与先投后股协议（仅企业账号，只含本企业）
#[utoipa::path(get, path = "/api/v1/firm/funding", tag = "firm",
    responses((status = 200, body = FirmFunding), (status = 403, body = ErrorBody)))]
pub async fn funding(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<FirmFunding>> {
    Ok(Json(service::funding(&s, &p).await?))
}

/// 在线申请科企梯度贷：按本企业的培育层级或创新积分评定梯度（不满足任何梯度时直接为“未通过”并说明原因），再由资金业务部门审批；编号自动生成
#[utoipa::path(post, path = "/api/v1/firm/loans", tag = "firm", request_body = FirmLoanDraft,
    responses((status = 201, body = FirmLoan), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn apply(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<FirmLoanDraft>,
) -> ApiResult<(StatusCode, Json<FirmLoan>)> {
    Ok((StatusCode::CREATED, Json(service::apply(&s, &p, &d).await?)))
}

/// 本企业的一笔贷款：审批结果与意见、还款计划、下一期、逾期、申请材料（其他企业的贷款为 404）
#[utoipa::path(get, path = "/api/v1/firm/loans/{id}", tag = "firm", params(("id" = String, Path)),
    responses((status = 200, body = FirmLoanDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn loan(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<FirmLoanDetail>> {
    Ok(Json(service::loan(&s, &p, &id).await?))
}

/// 导出本企业的融资（Excel：梯度贷、先投后股协议、先投后股申请各一表）
#[utoipa::path(get, path = "/api/v1/firm/funding/export", tag = "firm",
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, body = ErrorBody)))]
pub async fn export_funding(State(s): State<AppState>, ApiUser(p): ApiUser) -> ApiResult<Response> {
    Ok(crate::excel::xlsx_response(
        "我的融资.xlsx",
        service::funding_xlsx(&s, &p).await?,
    ))
}

/// 在线申请先投后股：项目、申请资助金额与用途；编号自动生成，由资金业务部门审批（不予通过时说明理由），通过后签订协议；提交后可在 /api/v1/transfer/grant-equity-applications/{id}/documents 补充材料
#[utoipa::path(post, path = "/api/v1/firm/equity-applications", tag = "firm", request_body = EquityApplicationDraft,
    responses((status = 201, body = ApplicationView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn apply_equity(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<EquityApplicationDraft>,
) -> ApiResult<(StatusCode, Json<ApplicationView>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::apply_equity(&s, &p, &d).await?),
    ))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(funding))
        .routes(routes!(export_funding))
        .routes(routes!(apply))
        .routes(routes!(loan))
        .routes(routes!(apply_equity))
}

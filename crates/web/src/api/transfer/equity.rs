//! /api/v1/transfer fund pools and grant-to-equity agreements (先投后股):
//! adapters over `crate::service::transfer::equity`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use kechuang_store::entities::{fund_pool, grant_tranche};
use kechuang_store::transfer::equity::Totals;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::api::ListPage;
use crate::api::Paging;
use crate::api::{ApiJson, ApiPath, ApiQuery};
use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::excel;
use crate::forms::transfer::{
    AgreementDraft, DatedDraft, ExitDraft, PoolDraft, RoundDraft, TrancheDraft,
};
use crate::service::transfer::equity::{
    self as service, AgreementDetailView, AgreementListQuery, AgreementView, PoolView,
};
use crate::AppState;

/// 资金池列表及其资金循环（预算、已拨付、退出回流、余额）
#[utoipa::path(get, path = "/api/v1/transfer/pools", tag = "transfer", responses((status = 200, body = [PoolView])))]
pub async fn list_pools(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<PoolView>>> {
    Ok(Json(service::pool_views(&s, &p).await?))
}

/// 新建资金池
#[utoipa::path(post, path = "/api/v1/transfer/pools", tag = "transfer", request_body = PoolDraft,
    responses((status = 201, body = fund_pool::Model), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_pool(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<PoolDraft>,
) -> ApiResult<(StatusCode, Json<fund_pool::Model>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create_pool(&s, &p, &d).await?),
    ))
}

/// 先投后股协议列表
#[utoipa::path(get, path = "/api/v1/transfer/grant-equity", tag = "transfer", params(AgreementListQuery, Paging),
    responses((status = 200, body = ListPage<AgreementView>)))]
pub async fn list_agreements(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<AgreementListQuery>,
) -> ApiResult<Json<ListPage<AgreementView>>> {
    Ok(Json(ListPage::of(service::list(&s, &p, &q).await?, |v| v)))
}

/// 导出先投后股协议（Excel）
#[utoipa::path(get, path = "/api/v1/transfer/grant-equity/export", tag = "transfer", params(AgreementListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_agreements(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<AgreementListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "先投后股协议.xlsx",
        service::export_bytes(&s, &p, &q).await?,
    ))
}

/// 签订先投后股协议
#[utoipa::path(post, path = "/api/v1/transfer/grant-equity", tag = "transfer", request_body = AgreementDraft,
    responses((status = 201, body = AgreementView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, description = "invalid_terms、unknown_pool、application_state（据以签订的申请未通过审批或企业不一致）", body = ErrorBody)))]
pub async fn create_agreement(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<AgreementDraft>,
) -> ApiResult<(StatusCode, Json<AgreementView>)> {
    let m = service::create(&s, &p, &d).await?;
    Ok((StatusCode::CREATED, Json(service::view(&s, m).await?)))
}

/// 先投后股协议详情（含拨付记录、转股计算结果与退出）
#[utoipa::path(get, path = "/api/v1/transfer/grant-equity/{id}", tag = "transfer", params(("id" = String, Path)),
    responses((status = 200, body = AgreementDetailView), (status = 404, body = ErrorBody)))]
pub async fn get_agreement(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<AgreementDetailView>> {
    Ok(Json(service::detail(&s, &p, &id).await?))
}

/// 拨付一笔资助款（累计不超过协议金额，且资金池余额充足）
#[utoipa::path(post, path = "/api/v1/transfer/grant-equity/{id}/tranches", tag = "transfer", params(("id" = String, Path)), request_body = TrancheDraft,
    responses((status = 201, body = grant_tranche::Model), (status = 404, body = ErrorBody), (status = 422, description = "over_grant、pool_insufficient、not_granting", body = ErrorBody)))]
pub async fn add_tranche(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<TrancheDraft>,
) -> ApiResult<(StatusCode, Json<grant_tranche::Model>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::tranche(&s, &p, &id, &d).await?),
    ))
}

/// 登记首轮合格市场化融资并按融资价格（让利后）转股，持股比例不超过上限
#[utoipa::path(post, path = "/api/v1/transfer/grant-equity/{id}/round", tag = "transfer", params(("id" = String, Path)), request_body = RoundDraft,
    responses((status = 200, body = AgreementView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, description = "round_too_small、round_after_term、round_before_signing、nothing_granted", body = ErrorBody)))]
pub async fn record_round(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<RoundDraft>,
) -> ApiResult<Json<AgreementView>> {
    let m = service::round(&s, &p, &id, &d).await?;
    Ok(Json(service::view(&s, m).await?))
}

/// 期满无合格融资：按资助结题（容错）
#[utoipa::path(post, path = "/api/v1/transfer/grant-equity/{id}/close", tag = "transfer", params(("id" = String, Path)), request_body = DatedDraft,
    responses((status = 200, body = AgreementView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, description = "term_not_over", body = ErrorBody)))]
pub async fn close_agreement(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<DatedDraft>,
) -> ApiResult<Json<AgreementView>> {
    let m = service::close(&s, &p, &id, &d).await?;
    Ok(Json(service::view(&s, m).await?))
}

/// 股权退出：团队回购（本金加约定单利，须在退出窗口内）或股权转让；回流资金进入资金池
#[utoipa::path(post, path = "/api/v1/transfer/grant-equity/{id}/exit", tag = "transfer", params(("id" = String, Path)), request_body = ExitDraft,
    responses((status = 200, body = AgreementView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, description = "exit_outside_window、not_converted", body = ErrorBody)))]
pub async fn exit_agreement(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<ExitDraft>,
) -> ApiResult<Json<AgreementView>> {
    let m = service::exit(&s, &p, &id, &d).await?;
    Ok(Json(service::view(&s, m).await?))
}

/// 先投后股汇总：协议数、资助金额、已拨付、转股、结题、退出与回流
#[utoipa::path(get, path = "/api/v1/transfer/grant-equity/totals", tag = "transfer", responses((status = 200, body = Totals)))]
pub async fn agreement_totals(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Totals>> {
    Ok(Json(service::totals_of(&s, &p).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_pools, create_pool))
        .routes(routes!(list_agreements, create_agreement))
        .routes(routes!(export_agreements))
        .routes(routes!(agreement_totals))
        .routes(routes!(get_agreement))
        .routes(routes!(add_tranche))
        .routes(routes!(record_round))
        .routes(routes!(close_agreement))
        .routes(routes!(exit_agreement))
}

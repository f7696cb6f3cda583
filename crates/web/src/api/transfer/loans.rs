//! /api/v1/transfer loan tiers and tiered loans (科企梯度贷): adapters over
//! `crate::service::transfer::loans`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use kechuang_store::entities::loan_tier;
use kechuang_store::transfer::loans::TierTotals;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::api::ListPage;
use crate::api::Paging;
use crate::api::{ApiJson, ApiMultipart, ApiPath, ApiQuery};
use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::excel;
use crate::forms::transfer::{
    ApplicationDraft, DatedDraft, LoanDecisionDraft, RepayDraft, TierDraft,
};
use crate::service::transfer::loans::{
    self as service, DocumentView, LoanDetailView, LoanListQuery, LoanView,
};
use crate::AppState;

/// 贷款梯度列表（准入条件、额度、利率、贴息、风险分担）
#[utoipa::path(get, path = "/api/v1/transfer/loan-tiers", tag = "transfer", responses((status = 200, body = [loan_tier::Model])))]
pub async fn list_tiers(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<loan_tier::Model>>> {
    Ok(Json(service::tiers(&s, &p).await?))
}

/// 新增贷款梯度
#[utoipa::path(post, path = "/api/v1/transfer/loan-tiers", tag = "transfer", request_body = TierDraft,
    responses((status = 201, body = loan_tier::Model), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_tier(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<TierDraft>,
) -> ApiResult<(StatusCode, Json<loan_tier::Model>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create_tier(&s, &p, &d).await?),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct TierUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub tier: TierDraft,
}

/// 修改贷款梯度（已发放贷款的利率、贴息按发放时的梯度不变）
#[utoipa::path(put, path = "/api/v1/transfer/loan-tiers/{id}", tag = "transfer", params(("id" = String, Path)), request_body = TierUpdate,
    responses((status = 200, body = loan_tier::Model), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_tier(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<TierUpdate>,
) -> ApiResult<Json<loan_tier::Model>> {
    Ok(Json(
        service::update_tier(&s, &p, &id, u.version, &u.tier).await?,
    ))
}

/// 导出贷款梯度（Excel，列同导入模板）
#[utoipa::path(get, path = "/api/v1/transfer/loan-tiers/export", tag = "transfer",
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody)))]
pub async fn export_tiers(State(s): State<AppState>, ApiUser(p): ApiUser) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "贷款梯度.xlsx",
        service::tiers_export_bytes(&s, &p).await?,
    ))
}

/// 下载贷款梯度导入模板（Excel，列同导出）
#[utoipa::path(get, path = "/api/v1/transfer/loan-tiers/import/template", tag = "transfer",
    responses((status = 200, description = "xlsx 模板", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn tiers_template(_user: ApiUser) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "贷款梯度导入模板.xlsx",
        service::tiers_template_bytes()?,
    ))
}

/// 从 Excel 导入贷款梯度：先校验全部行，有错则整体不导入（培育层级写中文名称；利率、贴息、分担比例可带 %；梯度名称不得与已有或本文件其他行重复）
#[utoipa::path(post, path = "/api/v1/transfer/loan-tiers/import", tag = "transfer",
    request_body(content_type = "multipart/form-data", description = "字段 file：.xlsx 文件，列同导出"),
    responses((status = 200, body = excel::Imported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, description = "文件解压后超过32MB（excel_too_large）", body = ErrorBody),
        (status = 422, description = "有错误行（import_invalid），details.problems 列出行、列、原因", body = ErrorBody)))]
pub async fn import_tiers(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiMultipart(mp): ApiMultipart,
) -> ApiResult<Json<excel::Imported>> {
    crate::auth::require(&p, kechuang_domain::auth::Permission::FundingWrite)?;
    let bytes = excel::upload(mp).await?;
    Ok(Json(excel::Imported {
        imported: service::tiers_import_bytes(&s, &p, &bytes)
            .await
            .map_err(crate::error::ApiError::from)?,
    }))
}

/// 梯度贷列表：按状态、梯度、逾期筛选
#[utoipa::path(get, path = "/api/v1/transfer/loans", tag = "transfer", params(LoanListQuery, Paging),
    responses((status = 200, body = ListPage<LoanView>), (status = 400, body = ErrorBody)))]
pub async fn list_loans(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<LoanListQuery>,
) -> ApiResult<Json<ListPage<LoanView>>> {
    Ok(Json(ListPage::of(service::list(&s, &p, &q).await?, |v| v)))
}

/// 导出梯度贷列表（Excel）
#[utoipa::path(get, path = "/api/v1/transfer/loans/export", tag = "transfer", params(LoanListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_loans(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<LoanListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "科企梯度贷.xlsx",
        service::export_bytes(&s, &p, &q).await?,
    ))
}

/// 受理贷款申请：按企业培育层级（名录资质）或创新积分评定梯度；不符合任何梯度的直接不予通过
#[utoipa::path(post, path = "/api/v1/transfer/loans", tag = "transfer", request_body = ApplicationDraft,
    responses((status = 201, body = LoanView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn apply_loan(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<ApplicationDraft>,
) -> ApiResult<(StatusCode, Json<LoanView>)> {
    let m = service::apply(&s, &p, &d).await?;
    Ok((StatusCode::CREATED, Json(service::view(&s, m).await?)))
}

/// 贷款详情：还款计划（等额本金）、还款记录、未还本金
#[utoipa::path(get, path = "/api/v1/transfer/loans/{id}", tag = "transfer", params(("id" = String, Path)),
    responses((status = 200, body = LoanDetailView), (status = 404, body = ErrorBody)))]
pub async fn get_loan(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<LoanDetailView>> {
    Ok(Json(service::detail(&s, &p, &id).await?))
}

/// 审批：approve（金额不超过梯度额度）或 reject（须填理由）
#[utoipa::path(post, path = "/api/v1/transfer/loans/{id}/decision", tag = "transfer", params(("id" = String, Path)), request_body = LoanDecisionDraft,
    responses((status = 200, body = LoanView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, description = "over_limit、loan_state", body = ErrorBody)))]
pub async fn decide_loan(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<LoanDecisionDraft>,
) -> ApiResult<Json<LoanView>> {
    let m = service::decide(&s, &p, &id, &d).await?;
    Ok(Json(service::view(&s, m).await?))
}

/// 放款并生成等额本金还款计划（含每期贴息）
#[utoipa::path(post, path = "/api/v1/transfer/loans/{id}/disburse", tag = "transfer", params(("id" = String, Path)), request_body = DatedDraft,
    responses((status = 200, body = LoanView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn disburse_loan(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<DatedDraft>,
) -> ApiResult<Json<LoanView>> {
    let m = service::disburse(&s, &p, &id, &d).await?;
    Ok(Json(service::view(&s, m).await?))
}

/// 登记还款：先息后本、先到期先还；全部还清后贷款结清
#[utoipa::path(post, path = "/api/v1/transfer/loans/{id}/repayments", tag = "transfer", params(("id" = String, Path)), request_body = RepayDraft,
    responses((status = 200, body = LoanView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, description = "overpaid、loan_state", body = ErrorBody)))]
pub async fn repay_loan(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<RepayDraft>,
) -> ApiResult<Json<LoanView>> {
    let m = service::repay(&s, &p, &id, &d).await?;
    Ok(Json(service::view(&s, m).await?))
}

/// 风险池代偿：逾期贷款按梯度的风险分担比例代偿未还本金
#[utoipa::path(post, path = "/api/v1/transfer/loans/{id}/compensate", tag = "transfer", params(("id" = String, Path)), request_body = DatedDraft,
    responses((status = 200, body = LoanView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, description = "not_overdue", body = ErrorBody)))]
pub async fn compensate_loan(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<DatedDraft>,
) -> ApiResult<Json<LoanView>> {
    let m = service::compensate(&s, &p, &id, &d).await?;
    Ok(Json(service::view(&s, m).await?))
}

/// 分梯度汇总：申请数、获贷企业数、放款额、未还本金、逾期、代偿、贴息（末行为合计）
#[utoipa::path(get, path = "/api/v1/transfer/loans/totals", tag = "transfer", responses((status = 200, body = [TierTotals])))]
pub async fn loan_totals(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<TierTotals>>> {
    Ok(Json(service::totals_of(&s, &p).await?))
}

/// 为贷款补充申请材料（multipart 字段 file，单个不超过10MB，每笔最多20份）：资金业务部门随时可传，企业本身在待审批时可传
#[utoipa::path(post, path = "/api/v1/transfer/loans/{id}/documents", tag = "transfer", params(("id" = String, Path)),
    request_body(content_type = "multipart/form-data", description = "字段 file：任意文件"),
    responses((status = 201, body = DocumentView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, description = "file_too_large / too_many_attachments / empty_file / loan_state（已审批后企业不能再补充）", body = ErrorBody)))]
pub async fn attach_document(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiMultipart(mp): ApiMultipart,
) -> ApiResult<(StatusCode, Json<DocumentView>)> {
    let u = crate::files::read_upload(mp, crate::files::MISSING_FILE).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::attach_document(&s, &p, &id, u).await?),
    ))
}

/// 下载贷款申请材料（本领域工作人员，或申请企业本身）
#[utoipa::path(get, path = "/api/v1/transfer/loans/{id}/documents/{document_id}", tag = "transfer", params(("id" = String, Path), ("document_id" = String, Path)),
    responses((status = 200, description = "文件内容（按上传时的类型）", content_type = "*/*"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn download_document(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, doc)): ApiPath<(String, String)>,
) -> ApiResult<Response> {
    let (m, bytes) = service::document(&s, &p, &id, &doc).await?;
    Ok(crate::files::download(&m.filename, m.content_type, bytes))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tiers, create_tier))
        .routes(routes!(update_tier))
        .routes(routes!(export_tiers))
        .routes(routes!(tiers_template))
        .routes(routes!(import_tiers))
        .routes(routes!(list_loans, apply_loan))
        .routes(routes!(export_loans))
        .routes(routes!(loan_totals))
        .routes(routes!(get_loan))
        .routes(routes!(decide_loan))
        .routes(routes!(disburse_loan))
        .routes(routes!(repay_loan))
        .routes(routes!(compensate_loan))
        .routes(routes!(attach_document))
        .routes(routes!(download_document))
}

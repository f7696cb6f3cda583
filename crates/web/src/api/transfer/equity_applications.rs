//! /api/v1/transfer/grant-equity-applications: firms' online applications
//! for grant-to-equity support as the funding departments handle them
//! (the firm applies through /api/v1/firm): adapters over
//! `crate::service::transfer::equity_applications`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::api::{ApiJson, ApiMultipart, ApiPath, ApiQuery, ListPage, Paging};
use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::excel;
use crate::forms::transfer::EquityDecisionDraft;
use crate::service::transfer::documents::DocumentView;
use crate::service::transfer::equity_applications::{
    self as service, ApplicationDetail, ApplicationListQuery, ApplicationView,
};
use crate::AppState;

/// 先投后股申请列表（企业在线申请）：按状态、企业、关键词筛选
#[utoipa::path(get, path = "/api/v1/transfer/grant-equity-applications", tag = "transfer", params(ApplicationListQuery, Paging),
    responses((status = 200, body = ListPage<ApplicationView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_applications(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ApplicationListQuery>,
) -> ApiResult<Json<ListPage<ApplicationView>>> {
    Ok(Json(ListPage::of(service::list(&s, &p, &q).await?, |v| v)))
}

/// 导出先投后股申请（Excel）
#[utoipa::path(get, path = "/api/v1/transfer/grant-equity-applications/export", tag = "transfer", params(ApplicationListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn export_applications(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ApplicationListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "先投后股申请.xlsx",
        service::export_bytes(&s, &p, &q).await?,
    ))
}

/// 一份先投后股申请及其材料（本领域工作人员，或申请企业本身；其他企业的为 404）
#[utoipa::path(get, path = "/api/v1/transfer/grant-equity-applications/{id}", tag = "transfer", params(("id" = String, Path)),
    responses((status = 200, body = ApplicationDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_application(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ApplicationDetail>> {
    Ok(Json(service::detail(&s, &p, &id).await?))
}

/// 审批：approve（随后据此签订协议，签订时在协议中填 application_id）或 reject（须填理由）；结果以消息通知申请企业
#[utoipa::path(post, path = "/api/v1/transfer/grant-equity-applications/{id}/decision", tag = "transfer", params(("id" = String, Path)), request_body = EquityDecisionDraft,
    responses((status = 200, body = ApplicationView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, description = "application_state、reason_required、invalid_period", body = ErrorBody)))]
pub async fn decide_application(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<EquityDecisionDraft>,
) -> ApiResult<Json<ApplicationView>> {
    Ok(Json(service::decide(&s, &p, &id, &d).await?))
}

/// 为申请补充材料（multipart 字段 file，单个不超过10MB，每份申请最多20份）：资金业务部门随时可传，企业本身在待审批时可传
#[utoipa::path(post, path = "/api/v1/transfer/grant-equity-applications/{id}/documents", tag = "transfer", params(("id" = String, Path)),
    request_body(content_type = "multipart/form-data", description = "字段 file：任意文件"),
    responses((status = 201, body = DocumentView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, description = "file_too_large / too_many_attachments / empty_file / application_state（已审批后企业不能再补充）", body = ErrorBody)))]
pub async fn attach_application_document(
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

/// 下载先投后股申请材料（本领域工作人员，或申请企业本身）
#[utoipa::path(get, path = "/api/v1/transfer/grant-equity-applications/{id}/documents/{document_id}", tag = "transfer", params(("id" = String, Path), ("document_id" = String, Path)),
    responses((status = 200, description = "文件内容（按上传时的类型）", content_type = "*/*"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn download_application_document(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, doc)): ApiPath<(String, String)>,
) -> ApiResult<Response> {
    let (m, bytes) = service::document(&s, &p, &id, &doc).await?;
    Ok(crate::files::download(&m.filename, m.content_type, bytes))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_applications))
        .routes(routes!(export_applications))
        .routes(routes!(get_application))
        .routes(routes!(decide_application))
        .routes(routes!(attach_application_document))
        .routes(routes!(download_application_document))
}

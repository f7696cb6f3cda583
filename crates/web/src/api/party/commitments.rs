//! Public commitments (承诺践诺): pledge, report, verify; lists and figures.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::ListPage;
use crate::api::{ApiJson, ApiPath, ApiQuery, Paging};
use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::excel;
use crate::forms::party::commitments::{PledgeDraft, ReportDraft, VerdictDraft};
use crate::service::party::commitment_sheets as sheets;
use crate::service::party::commitments::{
    self as service, CommitmentDetail, CommitmentFiguresView, CommitmentListQuery, CommitmentView,
};
use crate::AppState;

/// 承诺列表：按党组织（含下级）、承诺人、状态、逾期、年度筛选
#[utoipa::path(get, path = "/api/v1/party/commitments", tag = "party", params(CommitmentListQuery, Paging),
    responses((status = 200, body = ListPage<CommitmentView>), (status = 400, body = ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<CommitmentListQuery>,
) -> ApiResult<Json<ListPage<CommitmentView>>> {
    Ok(Json(ListPage::of(
        service::list(&s, &p, &q).await?,
        std::convert::identity,
    )))
}

/// 导出承诺清单（Excel）
#[utoipa::path(get, path = "/api/v1/party/commitments/export", tag = "party", params(CommitmentListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<CommitmentListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "承诺践诺.xlsx",
        sheets::export_bytes(&s, &p, &q).await?,
    ))
}

/// 下载承诺践诺导入模板（Excel，列同导出）
#[utoipa::path(get, path = "/api/v1/party/commitments/import/template", tag = "party",
    responses((status = 200, description = "xlsx 模板", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn commitments_template(_user: ApiUser) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "承诺践诺导入模板.xlsx",
        sheets::template_bytes()?,
    ))
}

/// 从 Excel 导入承诺践诺台账：承诺人按姓名在其党组织中查找；状态写中文名称；已践诺、未兑现须有核实日期，未兑现须有核实意见；先校验全部行，有错则整体不导入
#[utoipa::path(post, path = "/api/v1/party/commitments/import", tag = "party",
    request_body(content_type = "multipart/form-data", description = "字段 file：.xlsx 文件，列同导出"),
    responses((status = 200, body = excel::Imported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, description = "文件解压后超过32MB（excel_too_large）", body = ErrorBody),
        (status = 422, description = "有错误行（import_invalid），details.problems 列出行、列、原因", body = ErrorBody)))]
pub async fn import_commitments(
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

/// 承诺践诺情况：总数、各状态、逾期、践诺率（到期承诺中已核实的比例），并按党组织分列
#[utoipa::path(get, operation_id = "commitment_figures", path = "/api/v1/party/commitments/figures", tag = "party", params(CommitmentListQuery),
    responses((status = 200, body = CommitmentFiguresView)))]
pub async fn figures(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<CommitmentListQuery>,
) -> ApiResult<Json<CommitmentFiguresView>> {
    Ok(Json(service::figures_of(&s, &p, &q).await?))
}

/// 党员公开承诺
#[utoipa::path(post, path = "/api/v1/party/commitments", tag = "party", request_body = PledgeDraft,
    responses((status = 201, body = CommitmentView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn pledge(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<PledgeDraft>,
) -> ApiResult<(StatusCode, Json<CommitmentView>)> {
    let m = service::pledge(&s, &p, &d).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::views(&s, vec![m]).await?.remove(0)),
    ))
}

/// 承诺详情与践诺报告
#[utoipa::path(get, path = "/api/v1/party/commitments/{id}", tag = "party", params(("id" = String, Path)),
    responses((status = 200, body = CommitmentDetail), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<CommitmentDetail>> {
    Ok(Json(service::detail(&s, &p, &id).await?))
}

/// 报告践诺进展（附佐证；进度 100 即申请书记核实）
#[utoipa::path(post, path = "/api/v1/party/commitments/{id}/reports", tag = "party", params(("id" = String, Path)), request_body = ReportDraft,
    responses((status = 200, body = CommitmentView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, description = "commitment_state、evidence_required", body = ErrorBody)))]
pub async fn report(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<ReportDraft>,
) -> ApiResult<Json<CommitmentView>> {
    let m = service::report(&s, &p, &id, &d).await?;
    Ok(Json(service::views(&s, vec![m]).await?.remove(0)))
}

/// 书记核实：fulfilled（已践诺）或 unfulfilled（未兑现，须写明理由）
#[utoipa::path(post, path = "/api/v1/party/commitments/{id}/verify", tag = "party", params(("id" = String, Path)), request_body = VerdictDraft,
    responses((status = 200, body = CommitmentView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, description = "commitment_state", body = ErrorBody)))]
pub async fn verify(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<VerdictDraft>,
) -> ApiResult<Json<CommitmentView>> {
    let m = service::verify(&s, &p, &id, &d).await?;
    Ok(Json(service::views(&s, vec![m]).await?.remove(0)))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, pledge))
        .routes(routes!(export))
        .routes(routes!(commitments_template))
        .routes(routes!(import_commitments))
        .routes(routes!(figures))
        .routes(routes!(get_one))
        .routes(routes!(report))
        .routes(routes!(verify))
}

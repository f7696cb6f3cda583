//! Service staff (服务队伍): staff members and their assignments to
//! organisations, work logs (a problem found becomes a case with one
//! click), and the chief service officer's periodic report with the
//! assistant's logged work in it. The handlers are thin adapters over
//! `service::party::staff`, which the pages call too.
//!
//! Instructors and service officers hold `StaffLog` and log only as
//! themselves (the staff record linked to their account); the
//! party-building office (`PartyWrite`) manages staff and may log for anyone.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::ListPage;
use crate::api::{ApiJson, ApiPath, ApiQuery, Paging, VersionParam};
use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::excel;
use crate::forms::party::staff::{
    AssignmentDraft, EndDraft, LogDraft, StaffDraft, WorkLogCaseDraft,
};
use crate::service::party::staff::{
    self as service, AssignmentView, Converted, LogListQuery, PeriodQuery, ReportSummary,
    ReportView, StaffCounts, StaffDetailView, StaffListQuery, StaffView, WorkLogView,
};
use crate::AppState;

#[derive(Deserialize, ToSchema)]
pub struct StaffUpdate {
    /// 读取时的版本号
    pub version: i32,
    #[serde(flatten)]
    pub staff: StaffDraft,
}

#[derive(Deserialize, ToSchema)]
pub struct LogUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub log: LogDraft,
}

/// 服务人员列表：按身份（含四支队伍）、部门、关键词筛选
#[utoipa::path(get, path = "/api/v1/party/staff", tag = "party", params(StaffListQuery, Paging),
    responses((status = 200, body = ListPage<StaffView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_staff(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<StaffListQuery>,
) -> ApiResult<Json<ListPage<StaffView>>> {
    Ok(Json(ListPage::of(
        service::list_staff(&s, &p, &q).await?,
        std::convert::identity,
    )))
}

/// 各身份人数（含四支队伍合计）
#[utoipa::path(get, path = "/api/v1/party/staff/counts", tag = "party",
    responses((status = 200, body = StaffCounts), (status = 403, body = ErrorBody)))]
pub async fn staff_counts(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<StaffCounts>> {
    Ok(Json(service::counts_of(&s, &p).await?))
}

/// 按筛选条件导出服务人员（Excel）
#[utoipa::path(get, path = "/api/v1/party/staff/export", tag = "party", params(StaffListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody)))]
pub async fn export_staff(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<StaffListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "服务队伍.xlsx",
        service::staff_export_bytes(&s, &p, &q).await?,
    ))
}

/// 下载服务队伍导入模板（Excel，列同导出）
#[utoipa::path(get, path = "/api/v1/party/staff/import/template", tag = "party",
    responses((status = 200, description = "xlsx 模板", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn staff_template(_user: ApiUser) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "服务队伍导入模板.xlsx",
        crate::service::party::staff_sheets::template_bytes()?,
    ))
}

/// 从 Excel 导入服务人员：先校验全部行，有错则整体不导入（身份写中文名称；部门、党组织按名称；党建助手的首席服务官按姓名，可写在本文件前面的行；关联账号按用户名）
#[utoipa::path(post, path = "/api/v1/party/staff/import", tag = "party",
    request_body(content_type = "multipart/form-data", description = "字段 file：.xlsx 文件，列同导出"),
    responses((status = 200, body = excel::Imported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, description = "文件解压后超过32MB（excel_too_large）", body = ErrorBody),
        (status = 422, description = "有错误行（import_invalid），details.problems 列出行、列、原因", body = ErrorBody)))]
pub async fn import_staff(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    crate::api::ApiMultipart(mp): crate::api::ApiMultipart,
) -> ApiResult<Json<excel::Imported>> {
    crate::auth::require(&p, kechuang_domain::auth::Permission::PartyWrite)?;
    let bytes = excel::upload(mp).await?;
    Ok(Json(excel::Imported {
        imported: crate::service::party::staff_sheets::import_bytes(&s, &p, &bytes)
            .await
            .map_err(crate::error::ApiError::from)?,
    }))
}

/// 导出联系单位台账（全部服务人员的联系单位及起止日期，Excel）
#[utoipa::path(get, path = "/api/v1/party/assignments/export", tag = "party",
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody)))]
pub async fn export_assignments(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "联系单位台账.xlsx",
        crate::service::party::staff_sheets::assignments_export_bytes(&s, &p).await?,
    ))
}

/// 下载联系单位台账导入模板（Excel，列同导出）
#[utoipa::path(get, path = "/api/v1/party/assignments/import/template", tag = "party",
    responses((status = 200, description = "xlsx 模板", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn assignments_template(_user: ApiUser) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "联系单位导入模板.xlsx",
        crate::service::party::staff_sheets::assignments_template_bytes()?,
    ))
}

/// 从 Excel 导入联系单位台账：先校验全部行，有错则整体不导入（服务人员按姓名和身份；单位按统一社会信用代码或全称；同一人员与同一单位的时段不得重叠）
#[utoipa::path(post, path = "/api/v1/party/assignments/import", tag = "party",
    request_body(content_type = "multipart/form-data", description = "字段 file：.xlsx 文件，列同导出"),
    responses((status = 200, body = excel::Imported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, description = "文件解压后超过32MB（excel_too_large）", body = ErrorBody),
        (status = 422, description = "有错误行（import_invalid），details.problems 列出行、列、原因", body = ErrorBody)))]
pub async fn import_assignments(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    crate::api::ApiMultipart(mp): crate::api::ApiMultipart,
) -> ApiResult<Json<excel::Imported>> {
    crate::auth::require(&p, kechuang_domain::auth::Permission::PartyWrite)?;
    let bytes = excel::upload(mp).await?;
    Ok(Json(excel::Imported {
        imported: crate::service::party::staff_sheets::assignments_import_bytes(&s, &p, &bytes)
            .await
            .map_err(crate::error::ApiError::from)?,
    }))
}

/// 新增服务人员（党建助手须指定其服务的首席服务官）
#[utoipa::path(post, path = "/api/v1/party/staff", tag = "party", request_body = StaffDraft,
    responses((status = 201, body = StaffView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_staff(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<StaffDraft>,
) -> ApiResult<(StatusCode, Json<StaffView>)> {
    let m = service::create_staff(&s, &p, &d).await?;
    Ok((StatusCode::CREATED, Json(service::staff_view(&s, m).await?)))
}

/// 服务人员详情：联系单位、党建助手
#[utoipa::path(get, path = "/api/v1/party/staff/{id}", tag = "party", params(("id" = String, Path)),
    responses((status = 200, body = StaffDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_staff(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<StaffDetailView>> {
    Ok(Json(service::detail_of(&s, &p, &id).await?))
}

/// 修改服务人员（带读取时的 version，过期为 409）
#[utoipa::path(put, path = "/api/v1/party/staff/{id}", tag = "party", params(("id" = String, Path)), request_body = StaffUpdate,
    responses((status = 200, body = StaffView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_staff(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<StaffUpdate>,
) -> ApiResult<Json<StaffView>> {
    let m = service::update_staff(&s, &p, &id, u.version, &u.staff).await?;
    Ok(Json(service::staff_view(&s, m).await?))
}

// ---------------------------------------------------------------- assignments

/// 服务人员的联系单位（含历史）
#[utoipa::path(get, path = "/api/v1/party/staff/{id}/assignments", tag = "party", params(("id" = String, Path)),
    responses((status = 200, body = [AssignmentView]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_assignments(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Vec<AssignmentView>>> {
    Ok(Json(service::assignments(&s, &p, &id).await?))
}

/// 指派联系单位（同一人员与单位的时段不得重叠，否则 409 assignment_overlaps）
#[utoipa::path(post, path = "/api/v1/party/staff/{id}/assignments", tag = "party", params(("id" = String, Path)), request_body = AssignmentDraft,
    responses((status = 201, body = AssignmentView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_assignment(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<AssignmentDraft>,
) -> ApiResult<(StatusCode, Json<AssignmentView>)> {
    let m = service::assign(&s, &p, &id, &d).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::assignment_views(&s, vec![m]).await?.remove(0)),
    ))
}

/// 结束联系（to_on 为最后一天，留空为今天）
#[utoipa::path(post, path = "/api/v1/party/staff/{id}/assignments/{assignment_id}/end", tag = "party",
    params(("id" = String, Path), ("assignment_id" = String, Path)), request_body = EndDraft,
    responses((status = 200, body = AssignmentView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn end_assignment(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, assignment_id)): ApiPath<(String, String)>,
    ApiJson(d): ApiJson<EndDraft>,
) -> ApiResult<Json<AssignmentView>> {
    let m = service::end(&s, &p, &id, &assignment_id, &d).await?;
    Ok(Json(
        service::assignment_views(&s, vec![m]).await?.remove(0),
    ))
}

/// 工作记录列表：按人员、单位、时段、是否发现问题筛选
#[utoipa::path(get, path = "/api/v1/party/work-logs", tag = "party", params(LogListQuery, Paging),
    responses((status = 200, body = ListPage<WorkLogView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_logs(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<LogListQuery>,
) -> ApiResult<Json<ListPage<WorkLogView>>> {
    Ok(Json(ListPage::of(
        service::list_logs(&s, &p, &q).await?,
        std::convert::identity,
    )))
}

/// 按筛选条件导出工作记录（Excel）
#[utoipa::path(get, path = "/api/v1/party/work-logs/export", tag = "party", params(LogListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody)))]
pub async fn export_logs(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<LogListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "工作记录.xlsx",
        service::logs_export_bytes(&s, &p, &q).await?,
    ))
}

/// 记录工作（走访、服务、协助）；党建指导员、首席服务官只能以本人身份记录
#[utoipa::path(post, path = "/api/v1/party/work-logs", tag = "party", request_body = LogDraft,
    responses((status = 201, body = WorkLogView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_log(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<LogDraft>,
) -> ApiResult<(StatusCode, Json<WorkLogView>)> {
    let m = service::create_log(&s, &p, &d).await?;
    Ok((StatusCode::CREATED, Json(service::log_view(&s, m).await?)))
}

/// 工作记录详情
#[utoipa::path(get, path = "/api/v1/party/work-logs/{id}", tag = "party", params(("id" = String, Path)),
    responses((status = 200, body = WorkLogView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_log(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<WorkLogView>> {
    Ok(Json(service::log(&s, &p, &id).await?))
}

/// 修改工作记录（已转为诉求的不能修改）
#[utoipa::path(put, path = "/api/v1/party/work-logs/{id}", tag = "party", params(("id" = String, Path)), request_body = LogUpdate,
    responses((status = 200, body = WorkLogView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_log(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<LogUpdate>,
) -> ApiResult<Json<WorkLogView>> {
    let m = service::update_log(&s, &p, &id, u.version, &u.log).await?;
    Ok(Json(service::log_view(&s, m).await?))
}

/// 删除工作记录（已转为诉求的不能删除）
#[utoipa::path(delete, path = "/api/v1/party/work-logs/{id}", tag = "party", params(("id" = String, Path), VersionParam),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete_log(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(v): ApiQuery<VersionParam>,
) -> ApiResult<StatusCode> {
    service::delete_log(&s, &p, &id, v.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 转为诉求：把记录中发现的问题一键转为该单位的诉求（重复转办为 409 already_converted）
#[utoipa::path(post, path = "/api/v1/party/work-logs/{id}/case", tag = "party", params(("id" = String, Path)), request_body = WorkLogCaseDraft,
    responses((status = 201, body = Converted), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn log_to_case(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<WorkLogCaseDraft>,
) -> ApiResult<(StatusCode, Json<Converted>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::to_case(&s, &p, &id, &d).await?),
    ))
}

/// 首席服务官定期报告：联系企业、诉求提出与办结、走访记录、党建助手工作
#[utoipa::path(get, path = "/api/v1/party/reports/{staff_id}", tag = "party", params(("staff_id" = String, Path), PeriodQuery),
    responses((status = 200, body = ReportView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_report(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(staff_id): ApiPath<String>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<ReportView>> {
    Ok(Json(service::report_of(&s, &p, &staff_id, &q).await?))
}

/// 首席服务官报告汇总：每位首席服务官的报告期数字
#[utoipa::path(get, path = "/api/v1/party/reports", tag = "party", params(PeriodQuery),
    responses((status = 200, body = ReportSummary), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_reports(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<ReportSummary>> {
    Ok(Json(service::summary_of(&s, &p, &q).await?))
}

/// 导出首席服务官报告汇总（Excel）
#[utoipa::path(get, path = "/api/v1/party/reports/export", tag = "party", params(PeriodQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn export_reports(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "首席服务官报告汇总.xlsx",
        service::summary_export_bytes(&s, &p, &q).await?,
    ))
}

/// 导出一份首席服务官报告（Excel，多工作表）
#[utoipa::path(get, path = "/api/v1/party/reports/{staff_id}/export", tag = "party", params(("staff_id" = String, Path), PeriodQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn export_report(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(staff_id): ApiPath<String>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<Response> {
    let (name, bytes) = service::report_export_bytes(&s, &p, &staff_id, &q).await?;
    Ok(excel::xlsx_response(&name, bytes))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_staff, create_staff))
        .routes(routes!(staff_counts))
        .routes(routes!(export_staff))
        .routes(routes!(staff_template))
        .routes(routes!(import_staff))
        .routes(routes!(export_assignments))
        .routes(routes!(assignments_template))
        .routes(routes!(import_assignments))
        .routes(routes!(get_staff, update_staff))
        .routes(routes!(list_assignments, create_assignment))
        .routes(routes!(end_assignment))
        .routes(routes!(list_logs, create_log))
        .routes(routes!(export_logs))
        .routes(routes!(get_log, update_log, delete_log))
        .routes(routes!(log_to_case))
        .routes(routes!(list_reports))
        .routes(routes!(export_reports))
        .routes(routes!(get_report))
        .routes(routes!(export_report))
}

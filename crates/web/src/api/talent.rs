//! /api/v1/talent: talent services (人才服务) — tiers, the catalogue, the
//! talent register, and requests on the case engine (adapters over
//! `service::talent`). Departments act on a request's case through
//! /api/v1/cases like on any case.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{opt_bool, ApiJson, ApiMultipart, ApiPath, ApiQuery, ListPage, Paging};
use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::excel;
use crate::service::cases::{AttachmentView, RateBody};
use crate::service::talent::figures::{self, TalentFiguresQuery, TalentFiguresView};
use crate::service::talent::register::{
    self, ServiceDraft, TalentDraft, TalentListQuery, TalentServiceView, TalentTierDraft,
    TalentView,
};
use crate::service::talent::requests::{
    self, RequestDraft, RequestListQuery, TalentRequestDetailView, TalentRequestView,
};
use crate::service::talent::sheets;
use crate::AppState;
use kechuang_store::entities::talent_tier;

#[derive(Deserialize, ToSchema)]
pub struct TalentUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub talent: TalentDraft,
}

#[derive(Deserialize, ToSchema)]
pub struct TalentTierUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub tier: TalentTierDraft,
}

#[derive(Deserialize, ToSchema)]
pub struct ServiceUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub service: ServiceDraft,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RevealQuery {
    /// true：显示完整证件号与手机号（须有权限，每次查看记入审计日志）
    pub reveal: Option<String>,
}

/// 人才层次
#[utoipa::path(get, path = "/api/v1/talent/tiers", tag = "talent",
    responses((status = 200, body = [talent_tier::Model]), (status = 403, body = ErrorBody)))]
pub async fn list_tiers(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<talent_tier::Model>>> {
    Ok(Json(register::tiers(&s, &p).await?))
}

/// 新增人才层次
#[utoipa::path(post, path = "/api/v1/talent/tiers", tag = "talent", request_body = TalentTierDraft,
    responses((status = 201, body = talent_tier::Model), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_tier(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<TalentTierDraft>,
) -> ApiResult<(StatusCode, Json<talent_tier::Model>)> {
    Ok((
        StatusCode::CREATED,
        Json(register::create_tier(&s, &p, d).await?),
    ))
}

/// 修改人才层次（名称、英文名称、排序；代码不可改）
#[utoipa::path(put, path = "/api/v1/talent/tiers/{id}", tag = "talent", params(("id" = String, Path)), request_body = TalentTierUpdate,
    responses((status = 200, body = talent_tier::Model), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_tier(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<TalentTierUpdate>,
) -> ApiResult<Json<talent_tier::Model>> {
    Ok(Json(
        register::update_tier(&s, &p, &id, u.version, u.tier).await?,
    ))
}

/// 人才服务目录（人才本人只看适用于自己的事项）
#[utoipa::path(get, path = "/api/v1/talent/services", tag = "talent",
    responses((status = 200, body = [TalentServiceView]), (status = 403, body = ErrorBody)))]
pub async fn list_services(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<TalentServiceView>>> {
    Ok(Json(register::catalogue(&s, &p).await?))
}

/// 新增服务事项（名称、责任部门、时限取自所选诉求分类）
#[utoipa::path(post, path = "/api/v1/talent/services", tag = "talent", request_body = ServiceDraft,
    responses((status = 201, body = TalentServiceView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_service(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<ServiceDraft>,
) -> ApiResult<(StatusCode, Json<TalentServiceView>)> {
    Ok((
        StatusCode::CREATED,
        Json(register::create_service(&s, &p, d).await?),
    ))
}

/// 修改服务事项（说明、材料、适用层次与人才、排序；active=false 停用：人才不再看到，已有申请不受影响）
#[utoipa::path(put, path = "/api/v1/talent/services/{id}", tag = "talent", params(("id" = String, Path)), request_body = ServiceUpdate,
    responses((status = 200, body = TalentServiceView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_service(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<ServiceUpdate>,
) -> ApiResult<Json<TalentServiceView>> {
    Ok(Json(
        register::update_service(&s, &p, &id, u.version, u.service).await?,
    ))
}

/// 人才名册（证件号、手机号默认脱敏）
#[utoipa::path(get, path = "/api/v1/talent/talents", tag = "talent", params(TalentListQuery, Paging),
    responses((status = 200, body = ListPage<TalentView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_talents(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<TalentListQuery>,
) -> ApiResult<Json<ListPage<TalentView>>> {
    Ok(Json(ListPage::of(
        register::list_talents(&s, &p, &q).await?,
        std::convert::identity,
    )))
}

/// 导出人才名册（Excel；reveal=true 导出完整证件号，须有权限并留痕）
#[utoipa::path(get, path = "/api/v1/talent/talents/export", tag = "talent", params(TalentListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn export_talents(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<TalentListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "人才名册.xlsx",
        sheets::talents_export(&s, &p, &q).await?,
    ))
}

/// 导出人才服务申请（Excel）
#[utoipa::path(get, path = "/api/v1/talent/requests/export", tag = "talent", params(RequestListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn export_requests(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<RequestListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "人才服务申请.xlsx",
        requests::export(&s, &p, &q).await?,
    ))
}

/// 登记人才
#[utoipa::path(post, path = "/api/v1/talent/talents", tag = "talent", request_body = TalentDraft,
    responses((status = 201, body = TalentView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_talent(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<TalentDraft>,
) -> ApiResult<(StatusCode, Json<TalentView>)> {
    Ok((
        StatusCode::CREATED,
        Json(register::create_talent(&s, &p, d).await?),
    ))
}

/// 人才档案
#[utoipa::path(get, path = "/api/v1/talent/talents/{id}", tag = "talent", params(("id" = String, Path), RevealQuery),
    responses((status = 200, body = TalentView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_talent(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<RevealQuery>,
) -> ApiResult<Json<TalentView>> {
    let show = opt_bool("reveal", &q.reveal)?.unwrap_or(false);
    Ok(Json(register::talent(&s, &p, &id, show).await?))
}

/// 下载人才名册导入模板（Excel，列同导出）
#[utoipa::path(get, path = "/api/v1/talent/talents/import/template", tag = "talent",
    responses((status = 200, description = "xlsx 模板", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn talent_template(_user: ApiUser) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "人才名册导入模板.xlsx",
        sheets::template_bytes()?,
    ))
}

/// 从 Excel 导入人才：先校验全部行，有错则整体不导入
#[utoipa::path(post, path = "/api/v1/talent/talents/import", tag = "talent",
    request_body(content_type = "multipart/form-data", description = "字段 file：.xlsx 文件，列同导出（工作单位按统一社会信用代码或名称，人才层次按名称或代码，人才服务专员按姓名）"),
    responses((status = 200, body = excel::Imported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, description = "文件解压后超过32MB（excel_too_large）", body = ErrorBody),
        (status = 422, description = "有错误行（import_invalid），details.problems 列出行、列、原因", body = ErrorBody)))]
pub async fn import_talents(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiMultipart(mp): ApiMultipart,
) -> ApiResult<Json<excel::Imported>> {
    crate::auth::require(&p, kechuang_domain::auth::Permission::TalentWrite)?;
    let bytes = excel::upload(mp).await?;
    Ok(Json(excel::Imported {
        imported: sheets::import_bytes(&s, &p, &bytes)
            .await
            .map_err(crate::error::ApiError::from)?,
    }))
}

/// 修改人才档案
#[utoipa::path(put, path = "/api/v1/talent/talents/{id}", tag = "talent", params(("id" = String, Path)), request_body = TalentUpdate,
    responses((status = 200, body = TalentView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_talent(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<TalentUpdate>,
) -> ApiResult<Json<TalentView>> {
    Ok(Json(
        register::update_talent(&s, &p, &id, u.version, u.talent).await?,
    ))
}

/// 我的人才档案（人才本人）
#[utoipa::path(get, path = "/api/v1/talent/me", tag = "talent",
    responses((status = 200, body = TalentView), (status = 403, body = ErrorBody)))]
pub async fn me(State(s): State<AppState>, ApiUser(p): ApiUser) -> ApiResult<Json<TalentView>> {
    let me = crate::service::talent::own_talent(&s, &p).await?;
    Ok(Json(register::talent(&s, &p, &me.id, false).await?))
}

/// 人才服务申请列表（人才本人只看自己的；工作人员按诉求范围）
#[utoipa::path(get, path = "/api/v1/talent/requests", tag = "talent", params(RequestListQuery, Paging),
    responses((status = 200, body = ListPage<TalentRequestView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_requests(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<RequestListQuery>,
) -> ApiResult<Json<ListPage<TalentRequestView>>> {
    Ok(Json(ListPage::of(
        requests::list(&s, &p, &q).await?,
        std::convert::identity,
    )))
}

/// 提交人才服务申请（可选多项事项，一次提交、各部门一并办理、一次答复）
#[utoipa::path(post, path = "/api/v1/talent/requests", tag = "talent", request_body = RequestDraft,
    responses((status = 201, body = TalentRequestView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn submit_request(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<RequestDraft>,
) -> ApiResult<(StatusCode, Json<TalentRequestView>)> {
    Ok((
        StatusCode::CREATED,
        Json(requests::submit(&s, &p, d).await?),
    ))
}

/// 人才服务申请详情（id 为其诉求 id）
#[utoipa::path(get, path = "/api/v1/talent/requests/{id}", tag = "talent", params(("id" = String, Path)),
    responses((status = 200, body = TalentRequestDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_request(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<TalentRequestDetailView>> {
    Ok(Json(requests::detail(&s, &p, &id).await?))
}

/// 评价答复（人才本人；不满意则升级重办）
#[utoipa::path(post, path = "/api/v1/talent/requests/{id}/rate", tag = "talent", params(("id" = String, Path)), request_body = RateBody,
    responses((status = 200, body = TalentRequestDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn rate_request(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(b): ApiJson<RateBody>,
) -> ApiResult<Json<TalentRequestDetailView>> {
    Ok(Json(requests::rate(&s, &p, &id, &b).await?))
}

/// 人才服务统计：按服务事项、主办部门、月份、人才层次、国际/国内（每项都链接到诉求清单）
#[utoipa::path(get, path = "/api/v1/talent/figures", tag = "talent", params(TalentFiguresQuery),
    responses((status = 200, body = TalentFiguresView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn figures(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<TalentFiguresQuery>,
) -> ApiResult<Json<TalentFiguresView>> {
    Ok(Json(figures::figures(&s, &p, &q).await?))
}

/// 为服务申请上传材料（multipart 字段 file，单个不超过10MB，每件最多20个）：人才本人、人才服务专员或办理部门
#[utoipa::path(post, path = "/api/v1/talent/requests/{id}/attachments", tag = "talent", params(("id" = String, Path)),
    request_body(content_type = "multipart/form-data", description = "字段 file：任意文件"),
    responses((status = 201, body = AttachmentView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, description = "file_too_large / too_many_attachments / empty_file", body = ErrorBody)))]
pub async fn attach(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiMultipart(mp): ApiMultipart,
) -> ApiResult<(StatusCode, Json<AttachmentView>)> {
    let u = crate::files::read_upload(mp, crate::files::MISSING_FILE).await?;
    Ok((
        StatusCode::CREATED,
        Json(requests::attach(&s, &p, &id, u).await?),
    ))
}

/// 下载服务申请的材料
#[utoipa::path(get, path = "/api/v1/talent/requests/{id}/attachments/{attachment_id}", tag = "talent", params(("id" = String, Path), ("attachment_id" = String, Path)),
    responses((status = 200, description = "文件内容（按上传时的类型）", content_type = "*/*"), (status = 404, body = ErrorBody)))]
pub async fn download(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, aid)): ApiPath<(String, String)>,
) -> ApiResult<Response> {
    let (m, bytes) = requests::attachment(&s, &p, &id, &aid).await?;
    Ok(crate::files::download(&m.filename, m.content_type, bytes))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tiers, create_tier))
        .routes(routes!(update_tier))
        .routes(routes!(list_services, create_service))
        .routes(routes!(update_service))
        .routes(routes!(list_talents, create_talent))
        .routes(routes!(export_talents))
        .routes(routes!(talent_template))
        .routes(routes!(import_talents))
        .routes(routes!(export_requests))
        .routes(routes!(get_talent, update_talent))
        .routes(routes!(me))
        .routes(routes!(list_requests, submit_request))
        .routes(routes!(get_request))
        .routes(routes!(rate_request))
        .routes(routes!(attach))
        .routes(routes!(download))
        .routes(routes!(figures))
}

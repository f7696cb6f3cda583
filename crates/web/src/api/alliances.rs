//! /api/v1/alliances: alliances and associations (联盟 · 协会), their
//! members over time, counts by sector at a date, the member list exported
//! and imported (adapters over `service::alliances`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use kechuang_domain::auth::Permission;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{ApiJson, ApiMultipart, ApiPath, ApiQuery, ListPage, Paging};
use crate::auth::{require, ApiUser};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::excel::{self, upload, Imported};
use crate::forms::alliances::{AllianceDraft, AllianceExitDraft, AllianceJoinDraft};
use crate::service::alliances::{
    self as service, date_param, AllianceDetailView, AllianceListQuery, AllianceMemberView,
    AllianceView, MemberQuery, OrgAllianceView,
};
use crate::AppState;

#[derive(Deserialize, ToSchema)]
pub struct AllianceUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub alliance: AllianceDraft,
}

/// A date to count members on.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OnQuery {
    /// 日期（默认今天），如 2025-12-31
    pub on: Option<String>,
}

/// One organisation's periods, or every member's.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// 只看该单位（单位 id）
    pub org_id: Option<String>,
}

/// 联盟协会列表（含某日成员数）
#[utoipa::path(get, path = "/api/v1/alliances", tag = "alliances", params(AllianceListQuery, Paging),
    responses((status = 200, body = ListPage<AllianceView>), (status = 403, body = ErrorBody)))]
pub async fn list_alliances(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<AllianceListQuery>,
) -> ApiResult<Json<ListPage<AllianceView>>> {
    Ok(Json(ListPage::of(
        service::list(&s, &p, &q).await?,
        std::convert::identity,
    )))
}

/// 导出联盟协会列表（Excel）
#[utoipa::path(get, path = "/api/v1/alliances/export", tag = "alliances", params(AllianceListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody)))]
pub async fn export_alliances(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<AllianceListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "联盟协会.xlsx",
        service::export_bytes(&s, &p, &q).await?,
    ))
}

/// 新建联盟或协会
#[utoipa::path(post, path = "/api/v1/alliances", tag = "alliances", request_body = AllianceDraft,
    responses((status = 201, body = AllianceDetailView), (status = 403, body = ErrorBody),
        (status = 409, description = "同名（duplicate_alliance_name）", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_alliance(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<AllianceDraft>,
) -> ApiResult<(StatusCode, Json<AllianceDetailView>)> {
    let a = service::create(&s, &p, &d).await?;
    let today = kechuang_store::clock::today();
    Ok((
        StatusCode::CREATED,
        Json(service::detail_view(&s, &a.id, today).await?),
    ))
}

/// 联盟协会详情：某日（默认今天）成员总数及政产学研金介分类数
#[utoipa::path(get, path = "/api/v1/alliances/{id}", tag = "alliances", params(("id" = String, Path), OnQuery),
    responses((status = 200, body = AllianceDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_alliance(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<OnQuery>,
) -> ApiResult<Json<AllianceDetailView>> {
    let on = date_param("on", &q.on)?;
    Ok(Json(service::detail(&s, &p, &id, on).await?))
}

/// 修改联盟或协会
#[utoipa::path(put, path = "/api/v1/alliances/{id}", tag = "alliances", params(("id" = String, Path)), request_body = AllianceUpdate,
    responses((status = 200, body = AllianceDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_alliance(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<AllianceUpdate>,
) -> ApiResult<Json<AllianceDetailView>> {
    service::update(&s, &p, &id, u.version, &u.alliance).await?;
    let today = kechuang_store::clock::today();
    Ok(Json(service::detail_view(&s, &id, today).await?))
}

/// 某日（默认今天）的成员名单，可按类别筛选
#[utoipa::path(get, path = "/api/v1/alliances/{id}/members", tag = "alliances", params(("id" = String, Path), MemberQuery, Paging),
    responses((status = 200, body = ListPage<AllianceMemberView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_members(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<MemberQuery>,
) -> ApiResult<Json<ListPage<AllianceMemberView>>> {
    Ok(Json(ListPage::of(
        service::members(&s, &p, &id, &q).await?,
        std::convert::identity,
    )))
}

/// 单位加入（入会日期；退出后可再次加入）
#[utoipa::path(post, path = "/api/v1/alliances/{id}/members", tag = "alliances", params(("id" = String, Path)), request_body = AllianceJoinDraft,
    responses((status = 201, body = AllianceMemberView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "该日已是成员（already_member）", body = ErrorBody),
        (status = 422, description = "字段有误、单位不存在、早于成立日期或须选择类别（sector_required）", body = ErrorBody)))]
pub async fn join_member(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<AllianceJoinDraft>,
) -> ApiResult<(StatusCode, Json<AllianceMemberView>)> {
    let m = service::join(&s, &p, &id, &d).await?;
    let v = service::history(&s, &p, &id, Some(&m.org_id))
        .await?
        .into_iter()
        .find(|x| x.member.id == m.id)
        .ok_or_else(ApiError::not_found)?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// 成员退出（自退出日期起不再是成员）
#[utoipa::path(post, path = "/api/v1/alliances/{id}/members/{org_id}/exit", tag = "alliances",
    params(("id" = String, Path), ("org_id" = String, Path)), request_body = AllianceExitDraft,
    responses((status = 200, body = AllianceMemberView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, description = "不是成员（not_a_member）或退出日期不晚于加入日期", body = ErrorBody)))]
pub async fn exit_member(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, org_id)): ApiPath<(String, String)>,
    ApiJson(d): ApiJson<AllianceExitDraft>,
) -> ApiResult<Json<AllianceMemberView>> {
    let m = service::exit(&s, &p, &id, &org_id, &d).await?;
    let v = service::history(&s, &p, &id, Some(&org_id))
        .await?
        .into_iter()
        .find(|x| x.member.id == m.id)
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(v))
}

/// 成员变动历史：全部会籍（加入、退出日期），或某单位的
#[utoipa::path(get, path = "/api/v1/alliances/{id}/history", tag = "alliances", params(("id" = String, Path), HistoryQuery),
    responses((status = 200, body = [AllianceMemberView]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn member_history(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<HistoryQuery>,
) -> ApiResult<Json<Vec<AllianceMemberView>>> {
    let org = crate::extract::non_empty(&q.org_id);
    Ok(Json(service::history(&s, &p, &id, org.as_deref()).await?))
}

/// 导出某日（默认今天）的成员名单（Excel，列同导入模板）
#[utoipa::path(get, path = "/api/v1/alliances/{id}/members/export", tag = "alliances", params(("id" = String, Path), OnQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn export_members(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<OnQuery>,
) -> ApiResult<Response> {
    let on = date_param("on", &q.on)?;
    let (name, bytes) = service::members_export(&s, &p, &id, on).await?;
    Ok(excel::xlsx_response(&name, bytes))
}

/// 下载成员名单导入模板（Excel）
#[utoipa::path(get, path = "/api/v1/alliances/members/import/template", tag = "alliances",
    responses((status = 200, description = "xlsx 模板", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn member_template(_user: ApiUser) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "成员名单导入模板.xlsx",
        service::template_bytes()?,
    ))
}

/// 从 Excel 导入成员名单：先校验全部行，有错则整体不导入
#[utoipa::path(post, path = "/api/v1/alliances/{id}/members/import", tag = "alliances", params(("id" = String, Path)),
    request_body(content_type = "multipart/form-data", description = "字段 file：.xlsx 文件，列：统一社会信用代码、类别（政产学研金介，可空）、加入日期、退出日期（可空）"),
    responses((status = 200, body = Imported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, description = "文件解压后超过32MB（excel_too_large）", body = ErrorBody),
        (status = 422, description = "有错误行（import_invalid），details.problems 列出行、列、原因", body = ErrorBody)))]
pub async fn import_members(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiMultipart(mp): ApiMultipart,
) -> ApiResult<Json<Imported>> {
    require(&p, Permission::AlliancesWrite)?;
    let bytes = upload(mp).await?;
    Ok(Json(Imported {
        imported: service::import_bytes(&s, &p, &id, &bytes)
            .await
            .map_err(ApiError::from)?,
    }))
}

/// 单位所在的联盟协会（今天）
#[utoipa::path(get, path = "/api/v1/orgs/{id}/alliances", tag = "alliances", params(("id" = String, Path)),
    responses((status = 200, body = [OrgAllianceView]), (status = 403, body = ErrorBody)))]
pub async fn org_alliances(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Vec<OrgAllianceView>>> {
    Ok(Json(service::of_org(&s, &p, &id).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_alliances, create_alliance))
        .routes(routes!(export_alliances))
        .routes(routes!(get_alliance, update_alliance))
        .routes(routes!(list_members, join_member))
        .routes(routes!(exit_member))
        .routes(routes!(member_history))
        .routes(routes!(export_members))
        .routes(routes!(member_template))
        .routes(routes!(import_members))
        .routes(routes!(org_alliances))
}

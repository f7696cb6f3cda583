//! Member responsibility zones (党员责任区): their members and the organisations they cover.

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
use crate::forms::party::zones::{ZoneDraft, ZoneMemberDraft, ZoneOrgDraft};
use crate::service::party::zone_sheets as sheets;
use crate::service::party::zones::{self as service, ZoneDetailView, ZoneListQuery, ZoneView};
use crate::AppState;

#[derive(Deserialize, ToSchema)]
pub struct ZoneUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub zone: ZoneDraft,
}

/// 党员责任区列表（含党员数、覆盖单位数）
#[utoipa::path(get, path = "/api/v1/party/zones", tag = "party", params(ZoneListQuery, Paging),
    responses((status = 200, body = ListPage<ZoneView>), (status = 403, body = ErrorBody)))]
pub async fn list_zones(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ZoneListQuery>,
) -> ApiResult<Json<ListPage<ZoneView>>> {
    Ok(Json(ListPage::of(
        service::list(&s, &p, &q).await?,
        std::convert::identity,
    )))
}

/// 导出党员责任区（Excel）
#[utoipa::path(get, path = "/api/v1/party/zones/export", tag = "party", params(ZoneListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody)))]
pub async fn export_zones(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ZoneListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "党员责任区.xlsx",
        sheets::export_bytes(&s, &p, &q).await?,
    ))
}

/// 下载党员责任区导入模板（Excel，列同导出）
#[utoipa::path(get, path = "/api/v1/party/zones/import/template", tag = "party",
    responses((status = 200, description = "xlsx 模板", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn zones_template(_user: ApiUser) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "党员责任区导入模板.xlsx",
        sheets::template_bytes()?,
    ))
}

/// 从 Excel 导入党员责任区台账：先校验全部行，有错则整体不导入（所属党组织按名称；责任区党员按姓名，以“、”分隔，重名写成“姓名（所在党组织）”；覆盖单位按全称或统一社会信用代码，以“、”分隔）
#[utoipa::path(post, path = "/api/v1/party/zones/import", tag = "party",
    request_body(content_type = "multipart/form-data", description = "字段 file：.xlsx 文件，列同导出"),
    responses((status = 200, body = excel::Imported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, description = "文件解压后超过32MB（excel_too_large）", body = ErrorBody),
        (status = 422, description = "有错误行（import_invalid），details.problems 列出行、列、原因", body = ErrorBody)))]
pub async fn import_zones(
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

/// 新建党员责任区
#[utoipa::path(post, path = "/api/v1/party/zones", tag = "party", request_body = ZoneDraft,
    responses((status = 201, body = ZoneDetailView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_zone(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<ZoneDraft>,
) -> ApiResult<(StatusCode, Json<ZoneDetailView>)> {
    let z = service::create(&s, &p, &d).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::detail_view(&s, &z.id).await?),
    ))
}

/// 责任区详情：党员和覆盖单位
#[utoipa::path(get, path = "/api/v1/party/zones/{id}", tag = "party", params(("id" = String, Path)),
    responses((status = 200, body = ZoneDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_zone(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ZoneDetailView>> {
    Ok(Json(service::detail(&s, &p, &id).await?))
}

/// 修改党员责任区
#[utoipa::path(put, path = "/api/v1/party/zones/{id}", tag = "party", params(("id" = String, Path)), request_body = ZoneUpdate,
    responses((status = 200, body = ZoneDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_zone(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<ZoneUpdate>,
) -> ApiResult<Json<ZoneDetailView>> {
    service::update(&s, &p, &id, u.version, &u.zone).await?;
    Ok(Json(service::detail_view(&s, &id).await?))
}

/// 党员加入责任区（须属于责任区所在党组织或其下级组织）
#[utoipa::path(post, operation_id = "add_zone_member", path = "/api/v1/party/zones/{id}/members", tag = "party", params(("id" = String, Path)), request_body = ZoneMemberDraft,
    responses((status = 201, body = ZoneDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "已在本责任区（already_in_zone）", body = ErrorBody),
        (status = 422, description = "党员不存在或不属于本党组织（member_outside_org）", body = ErrorBody)))]
pub async fn add_member(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<ZoneMemberDraft>,
) -> ApiResult<(StatusCode, Json<ZoneDetailView>)> {
    service::add_member(&s, &p, &id, &d).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::detail_view(&s, &id).await?),
    ))
}

/// 党员移出责任区
#[utoipa::path(delete, operation_id = "remove_zone_member", path = "/api/v1/party/zones/{id}/members/{member_id}", tag = "party",
    params(("id" = String, Path), ("member_id" = String, Path)),
    responses((status = 200, body = ZoneDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_member(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, member_id)): ApiPath<(String, String)>,
) -> ApiResult<Json<ZoneDetailView>> {
    service::remove_member(&s, &p, &id, &member_id).await?;
    Ok(Json(service::detail_view(&s, &id).await?))
}

/// 责任区覆盖一个单位（单位名录中的单位）
#[utoipa::path(post, path = "/api/v1/party/zones/{id}/orgs", tag = "party", params(("id" = String, Path)), request_body = ZoneOrgDraft,
    responses((status = 201, body = ZoneDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_org(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<ZoneOrgDraft>,
) -> ApiResult<(StatusCode, Json<ZoneDetailView>)> {
    service::add_org(&s, &p, &id, &d).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::detail_view(&s, &id).await?),
    ))
}

/// 责任区不再覆盖该单位
#[utoipa::path(delete, path = "/api/v1/party/zones/{id}/orgs/{org_id}", tag = "party",
    params(("id" = String, Path), ("org_id" = String, Path)),
    responses((status = 200, body = ZoneDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_org(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, org_id)): ApiPath<(String, String)>,
) -> ApiResult<Json<ZoneDetailView>> {
    service::remove_org(&s, &p, &id, &org_id).await?;
    Ok(Json(service::detail_view(&s, &id).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_zones, create_zone))
        .routes(routes!(export_zones))
        .routes(routes!(zones_template))
        .routes(routes!(import_zones))
        .routes(routes!(get_zone, update_zone))
        .routes(routes!(add_member))
        .routes(routes!(remove_member))
        .routes(routes!(add_org))
        .routes(routes!(remove_org))
}

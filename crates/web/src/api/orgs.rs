//! /api/v1/orgs: the organisations register (adapters over `service::orgs`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use kechuang_domain::auth::Permission;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{ApiJson, ApiMultipart, ApiPath, ApiQuery, VersionParam};
use crate::api::Paging;
use crate::auth::{require, ApiUser};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::excel;
use crate::forms::OrgDraft;
use crate::service::orgs as service;
use crate::service::orgs::{OrgListQuery, OrgPage, OrgView};
use crate::AppState;

/// The Excel upload plumbing now lives in `crate::excel`; re-exported here so
/// that `crate::api::orgs::{upload, ImportFailure, ImportProblem, Imported}`
/// keeps working for the transfer contracts.
pub use crate::excel::{upload, ImportFailure, ImportProblem, Imported};

/// 单位列表（仅返回调用者数据范围内的单位），支持关键词、类型、资质、部门、产业链筛选与排序分页
#[utoipa::path(get, path = "/api/v1/orgs", tag = "orgs", params(OrgListQuery, Paging),
    responses((status = 200, body = OrgPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_orgs(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<OrgListQuery>,
) -> ApiResult<Json<OrgPage>> {
    let page = service::list(&s, &p, &q).await?;
    Ok(Json(OrgPage {
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        items: page.items.into_iter().map(OrgView::from).collect(),
    }))
}

/// 登记单位（统一社会信用代码按 GB 32100-2015 校验）
#[utoipa::path(post, path = "/api/v1/orgs", tag = "orgs", request_body = OrgDraft,
    responses((status = 201, body = OrgView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "统一社会信用代码重复（duplicate_uscc）", body = ErrorBody),
        (status = 422, description = "字段校验失败（invalid_uscc / invalid_input）", body = ErrorBody)))]
pub async fn create_org(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<OrgDraft>,
) -> ApiResult<(StatusCode, Json<OrgView>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create(&s, &p, &d).await?),
    ))
}

/// 单位详情（不在数据范围内时返回 404）
#[utoipa::path(get, path = "/api/v1/orgs/{id}", tag = "orgs", params(("id" = String, Path)),
    responses((status = 200, body = OrgView), (status = 404, body = ErrorBody)))]
pub async fn get_org(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<OrgView>> {
    Ok(Json(service::get(&s, &p, &id).await?.into()))
}

/// Changes to an organisation, with the version that was read.
#[derive(Deserialize, ToSchema)]
pub struct OrgUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub org: OrgDraft,
}

/// 修改单位（须带读取时的 version，过期返回 409）
#[utoipa::path(put, path = "/api/v1/orgs/{id}", tag = "orgs", params(("id" = String, Path)), request_body = OrgUpdate,
    responses((status = 200, body = OrgView), (status = 404, body = ErrorBody),
        (status = 409, description = "版本过期（stale_version）或信用代码重复", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_org(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<OrgUpdate>,
) -> ApiResult<Json<OrgView>> {
    Ok(Json(service::update(&s, &p, &id, u.version, &u.org).await?))
}

/// 删除单位（须带 version）
#[utoipa::path(delete, path = "/api/v1/orgs/{id}", tag = "orgs", params(("id" = String, Path), VersionParam),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, description = "仍被引用（org_in_use）", body = ErrorBody)))]
pub async fn delete_org(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(v): ApiQuery<VersionParam>,
) -> ApiResult<StatusCode> {
    service::delete(&s, &p, &id, v.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 按筛选条件导出单位名录（Excel）
#[utoipa::path(get, path = "/api/v1/orgs/export", tag = "orgs", params(OrgListQuery),
    responses((status = 200, description = "xlsx 文件", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 400, body = ErrorBody)))]
pub async fn export_orgs(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<OrgListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "单位名录.xlsx",
        service::export_bytes(&s, &p, &q).await?,
    ))
}

/// 下载单位导入模板（Excel）
#[utoipa::path(get, path = "/api/v1/orgs/import/template", tag = "orgs",
    responses((status = 200, description = "xlsx 模板", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn import_template(_user: ApiUser) -> ApiResult<Response> {
    let bytes = service::template_bytes()?;
    Ok(excel::xlsx_response("单位导入模板.xlsx", bytes))
}

/// 从 Excel 导入单位：先校验全部行，有错则整体不导入
#[utoipa::path(post, path = "/api/v1/orgs/import", tag = "orgs",
    request_body(content_type = "multipart/form-data", description = "字段 file：.xlsx 文件，列同导入模板"),
    responses((status = 200, body = Imported), (status = 400, body = ErrorBody),
        (status = 413, description = "文件解压后超过32MB（excel_too_large）", body = ErrorBody),
        (status = 422, description = "有错误行（import_invalid；含控制字符的单元格亦列入），details.problems 列出行、列、原因", body = ErrorBody)))]
pub async fn import_orgs(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiMultipart(mp): ApiMultipart,
) -> ApiResult<Json<Imported>> {
    require(&p, Permission::OrgsImport)?;
    let bytes = upload(mp).await?;
    Ok(Json(Imported {
        imported: service::import_bytes(&s, &p, &bytes)
            .await
            .map_err(ApiError::from)?,
    }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_orgs, create_org))
        .routes(routes!(export_orgs))
        .routes(routes!(import_orgs))
        .routes(routes!(import_template))
        .routes(routes!(get_org, update_org, delete_org))
}

//! /api/v1/departments: the committee's department tree (adapters over `service::departments`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{ApiJson, ApiPath, ApiQuery, VersionParam};
use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::forms::DepartmentDraft;
use crate::service::departments::{self as service, DepartmentView};
use crate::AppState;

/// 部门列表（数据范围内，按树形顺序）
#[utoipa::path(get, path = "/api/v1/departments", tag = "admin",
    responses((status = 200, body = [DepartmentView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_departments(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<DepartmentView>>> {
    Ok(Json(
        service::list(&s, &p)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// 新增部门
#[utoipa::path(post, path = "/api/v1/departments", tag = "admin", request_body = DepartmentDraft,
    responses((status = 201, body = DepartmentView), (status = 403, body = ErrorBody), (status = 409, description = "编码重复（duplicate_code）", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_department(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<DepartmentDraft>,
) -> ApiResult<(StatusCode, Json<DepartmentView>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create(&s, &p, &d).await?),
    ))
}

/// 部门详情
#[utoipa::path(get, path = "/api/v1/departments/{id}", tag = "admin", params(("id" = String, Path)),
    responses((status = 200, body = DepartmentView), (status = 404, body = ErrorBody)))]
pub async fn get_department(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<DepartmentView>> {
    Ok(Json(service::get(&s, &p, &id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct DepartmentUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub department: DepartmentDraft,
}

/// 修改或移动部门（下级部门随之移动）
#[utoipa::path(put, path = "/api/v1/departments/{id}", tag = "admin", params(("id" = String, Path)), request_body = DepartmentUpdate,
    responses((status = 200, body = DepartmentView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_department(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<DepartmentUpdate>,
) -> ApiResult<Json<DepartmentView>> {
    Ok(Json(
        service::update(&s, &p, &id, u.version, &u.department).await?,
    ))
}

/// 删除部门（须无下级部门、账号和服务单位）
#[utoipa::path(delete, path = "/api/v1/departments/{id}", tag = "admin", params(("id" = String, Path), VersionParam),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, description = "仍有下级、账号或单位（department_in_use）", body = ErrorBody)))]
pub async fn delete_department(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiQuery(v): ApiQuery<VersionParam>,
) -> ApiResult<StatusCode> {
    service::delete(&s, &p, &id, v.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 下载部门导入模板（Excel，列同导出）
#[utoipa::path(get, path = "/api/v1/departments/import/template", tag = "admin",
    responses((status = 200, description = "xlsx 模板", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn department_template(_user: ApiUser) -> ApiResult<axum::response::Response> {
    Ok(crate::excel::xlsx_response(
        "部门导入模板.xlsx",
        service::template_bytes()?,
    ))
}

/// 从 Excel 导入部门：先校验全部行，有错则整体不导入（上级部门按名称或编码，可为已有部门或文件中上面的行）
#[utoipa::path(post, path = "/api/v1/departments/import", tag = "admin",
    request_body(content_type = "multipart/form-data", description = "字段 file：.xlsx 文件，列同导出"),
    responses((status = 200, body = crate::excel::Imported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, description = "文件解压后超过32MB（excel_too_large）", body = ErrorBody),
        (status = 422, description = "有错误行（import_invalid），details.problems 列出行、列、原因", body = ErrorBody)))]
pub async fn import_departments(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    super::ApiMultipart(mp): super::ApiMultipart,
) -> ApiResult<Json<crate::excel::Imported>> {
    crate::auth::require(&p, kechuang_domain::auth::Permission::DepartmentsWrite)?;
    let bytes = crate::excel::upload(mp).await?;
    Ok(Json(crate::excel::Imported {
        imported: service::import_bytes(&s, &p, &bytes)
            .await
            .map_err(crate::error::ApiError::from)?,
    }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_departments, create_department))
        .routes(routes!(department_template))
        .routes(routes!(import_departments))
        .routes(routes!(
            get_department,
            update_department,
            delete_department
        ))
}

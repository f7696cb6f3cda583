//! /api/v1/departments: the committee's department tree.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use kechuang_domain::auth::Permission;
use kechuang_store::departments;
use kechuang_store::entities::department;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{invalid, ApiJson, ApiPath, ApiQuery, VersionParam};
use crate::auth::{require, ApiUser};
use crate::error::{ApiResult, ErrorBody};
use crate::forms::DepartmentDraft;
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct DepartmentView {
    pub id: String,
    pub parent_id: Option<String>,
    pub name: String,
    pub code: String,
    /// 层级（顶级为0）
    pub depth: usize,
    pub sort_order: i32,
    pub phone: String,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl From<department::Model> for DepartmentView {
    fn from(d: department::Model) -> Self {
        DepartmentView {
            depth: departments::depth(&d),
            id: d.id,
            parent_id: d.parent_id,
            name: d.name,
            code: d.code,
            sort_order: d.sort_order,
            phone: d.phone,
            version: d.version,
            updated_at: d.updated_at,
        }
    }
}

/// 部门列表（数据范围内，按树形顺序）
#[utoipa::path(get, path = "/api/v1/departments", tag = "admin",
    responses((status = 200, body = [DepartmentView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_departments(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<DepartmentView>>> {
    require(&p, Permission::DepartmentsRead)?;
    Ok(Json(
        departments::list(&s.db, &p.scope)
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
    require(&p, Permission::DepartmentsWrite)?;
    let input = d.validate().map_err(invalid)?;
    Ok((
        StatusCode::CREATED,
        Json(departments::create(&s.db, &p.username, input).await?.into()),
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
    require(&p, Permission::DepartmentsRead)?;
    Ok(Json(departments::get(&s.db, &p.scope, &id).await?.into()))
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
    require(&p, Permission::DepartmentsWrite)?;
    let input = u.department.validate().map_err(invalid)?;
    Ok(Json(
        departments::update(&s.db, &p.scope, &p.username, &id, u.version, input)
            .await?
            .into(),
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
    require(&p, Permission::DepartmentsWrite)?;
    departments::delete(&s.db, &p.scope, &p.username, &id, v.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_departments, create_department))
        .routes(routes!(
            get_department,
            update_department,
            delete_department
        ))
}

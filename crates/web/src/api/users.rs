//! /api/v1/users: accounts, for administrators (adapters over `service::users`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{ApiJson, ApiPath};
use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::forms::UserDraft;
use crate::service::user_sheets;
use crate::service::users::{self as service, UserView};
use crate::AppState;

/// 账号列表（仅管理员）
#[utoipa::path(get, path = "/api/v1/users", tag = "admin",
    responses((status = 200, body = [UserView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_users(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<UserView>>> {
    Ok(Json(service::list(&s, &p).await?))
}

/// 新建账号（仅管理员）
#[utoipa::path(post, path = "/api/v1/users", tag = "admin", request_body = UserDraft,
    responses((status = 201, body = UserView), (status = 403, body = ErrorBody),
        (status = 409, description = "用户名已存在（duplicate_username）", body = ErrorBody),
        (status = 422, description = "字段有误或密码太弱（weak_password）", body = ErrorBody)))]
pub async fn create_user(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<UserDraft>,
) -> ApiResult<(StatusCode, Json<UserView>)> {
    let u = service::create(&s, &p, &d).await?;
    Ok((StatusCode::CREATED, Json(u)))
}

#[derive(Deserialize, ToSchema)]
pub struct UserUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub user: UserDraft,
}

/// 修改账号：姓名、角色、部门、单位、启用状态（停用立即使其登录失效）、联系电话（省略则不变）
#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "admin", params(("id" = String, Path)), request_body = UserUpdate,
    responses((status = 200, body = UserView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_user(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<UserUpdate>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(
        service::update(&s, &p, &id, u.version, &u.user).await?,
    ))
}

/// 导出用户账号（Excel；不含密码）
#[utoipa::path(get, path = "/api/v1/users/export", tag = "admin",
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody)))]
pub async fn export_users(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<axum::response::Response> {
    Ok(crate::excel::xlsx_response(
        "用户账号.xlsx",
        user_sheets::export_bytes(&s, &p).await?,
    ))
}

/// 下载用户账号导入模板（Excel，列同导出）
#[utoipa::path(get, path = "/api/v1/users/import/template", tag = "admin",
    responses((status = 200, description = "xlsx 模板", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn user_template(_user: ApiUser) -> ApiResult<axum::response::Response> {
    Ok(crate::excel::xlsx_response(
        "用户账号导入模板.xlsx",
        user_sheets::template_bytes()?,
    ))
}

/// 从 Excel 导入用户账号：先校验全部行，有错则整体不导入（角色按中文名称，部门按名称或编码，单位按统一社会信用代码或全称；须填初始密码）
#[utoipa::path(post, path = "/api/v1/users/import", tag = "admin",
    request_body(content_type = "multipart/form-data", description = "字段 file：.xlsx 文件，列同导出"),
    responses((status = 200, body = crate::excel::Imported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, description = "文件解压后超过32MB（excel_too_large）", body = ErrorBody),
        (status = 422, description = "有错误行（import_invalid），details.problems 列出行、列、原因", body = ErrorBody)))]
pub async fn import_users(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    super::ApiMultipart(mp): super::ApiMultipart,
) -> ApiResult<Json<crate::excel::Imported>> {
    crate::auth::require(&p, kechuang_domain::auth::Permission::UsersAdmin)?;
    let bytes = crate::excel::upload(mp).await?;
    Ok(Json(crate::excel::Imported {
        imported: user_sheets::import_bytes(&s, &p, &bytes)
            .await
            .map_err(crate::error::ApiError::from)?,
    }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(export_users))
        .routes(routes!(user_template))
        .routes(routes!(import_users))
        .routes(routes!(update_user))
}

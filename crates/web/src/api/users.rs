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

/// 修改账号：姓名、角色、部门、单位、启用状态（停用立即使其登录失效）
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

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(update_user))
}

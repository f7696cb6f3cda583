//! /api/v1/users: accounts, for administrators.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use kechuang_domain::auth::{Permission, Role};
use kechuang_store::accounts::{self, NewUser, UserChanges};
use kechuang_store::entities::user;
use kechuang_store::{departments, orgs, Scope};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{invalid, ApiJson, ApiPath};
use crate::auth::{require, ApiUser};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::forms::{UserDraft, UserInput};
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub role_label: String,
    pub department_id: Option<String>,
    pub org_id: Option<String>,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

impl From<user::Model> for UserView {
    fn from(u: user::Model) -> Self {
        UserView {
            role_label: Role::parse(&u.role)
                .map(|r| r.label_zh().to_string())
                .unwrap_or_default(),
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role,
            department_id: u.department_id,
            org_id: u.org_id,
            active: u.active,
            version: u.version,
            created_at: u.created_at,
        }
    }
}

/// Validate a draft and check that its department and organisation exist.
pub async fn checked_input(s: &AppState, d: &UserDraft) -> ApiResult<UserInput> {
    let input = d.validate().map_err(invalid)?;
    if let Some(dep) = &input.department_id {
        departments::get(&s.db, &Scope::All, dep)
            .await
            .map_err(|_| {
                ApiError::invalid(
                    "invalid_input",
                    &[("department_id", "所属部门不存在".into())],
                )
            })?;
    }
    if let Some(o) = &input.org_id {
        orgs::get(&s.db, &Scope::All, o).await.map_err(|_| {
            ApiError::invalid("invalid_input", &[("org_id", "所属单位不存在".into())])
        })?;
    }
    Ok(input)
}

/// 账号列表（仅管理员）
#[utoipa::path(get, path = "/api/v1/users", tag = "admin",
    responses((status = 200, body = [UserView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_users(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<UserView>>> {
    require(&p, Permission::UsersAdmin)?;
    Ok(Json(
        accounts::list_users(&s.db)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
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
    require(&p, Permission::UsersAdmin)?;
    let i = checked_input(&s, &d).await?;
    let u = accounts::create_user(
        &s.db,
        &p.username,
        NewUser {
            username: d.username,
            display_name: i.display_name,
            password: d.password,
            role: i.role,
            department_id: i.department_id,
            org_id: i.org_id,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(u.into())))
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
    require(&p, Permission::UsersAdmin)?;
    if id == p.user_id && !u.user.active {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "cannot_disable_self",
            "不能停用自己的账号",
        ));
    }
    let i = checked_input(&s, &u.user).await?;
    let m = accounts::update_user(
        &s.db,
        &p.username,
        &id,
        u.version,
        UserChanges {
            display_name: i.display_name,
            role: i.role,
            department_id: i.department_id,
            org_id: i.org_id,
            active: u.user.active,
        },
    )
    .await?;
    Ok(Json(m.into()))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(update_user))
}

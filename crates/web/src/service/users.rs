//! Accounts, for administrators: the view, the rules of creating and changing
//! an account (department and organisation must exist; nobody disables
//! themselves) and password resets. The JSON API (`api::users`) and the
//! administration pages (`pages::admin`) both call it.

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use kechuang_domain::auth::{Permission, Role};
use kechuang_domain::ErrorCode;
use kechuang_store::accounts::{self, NewUser, UserChanges};
use kechuang_store::entities::user;
use kechuang_store::{departments, orgs, Principal, Scope};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::require;
use crate::error::{ApiError, ApiResult};
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
    /// 联系电话
    pub phone: String,
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
            phone: u.phone,
            version: u.version,
            created_at: u.created_at,
        }
    }
}

/// Validate a draft and check that its department and organisation exist.
async fn checked_input(s: &AppState, d: &UserDraft) -> ApiResult<UserInput> {
    let input = d.validate().map_err(ApiError::from_fields)?;
    if let Some(dep) = &input.department_id {
        departments::get(&s.db, &Scope::All, dep)
            .await
            .map_err(|_| {
                ApiError::invalid(
                    ErrorCode::InvalidInput,
                    &[("department_id", "所属部门不存在".into())],
                )
            })?;
    }
    if let Some(o) = &input.org_id {
        orgs::get(&s.db, &Scope::All, o).await.map_err(|_| {
            ApiError::invalid(
                ErrorCode::InvalidInput,
                &[("org_id", "所属单位不存在".into())],
            )
        })?;
    }
    Ok(input)
}

/// Every account.
pub async fn list(s: &AppState, p: &Principal) -> ApiResult<Vec<UserView>> {
    require(p, Permission::UsersAdmin)?;
    Ok(accounts::list_users(&s.db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// One account.
pub async fn get(s: &AppState, p: &Principal, id: &str) -> ApiResult<user::Model> {
    require(p, Permission::UsersAdmin)?;
    Ok(accounts::get_user(&s.db, id).await?)
}

/// Create an account (username and initial password from the draft).
pub async fn create(s: &AppState, p: &Principal, d: &UserDraft) -> ApiResult<UserView> {
    require(p, Permission::UsersAdmin)?;
    let i = checked_input(s, d).await?;
    let u = accounts::create_user(
        &s.db,
        &p.username,
        NewUser {
            username: d.username.clone(),
            display_name: i.display_name,
            password: d.password.clone(),
            role: i.role,
            department_id: i.department_id,
            org_id: i.org_id,
            phone: i.phone.unwrap_or_default(),
        },
    )
    .await?;
    Ok(u.into())
}

/// Change an account's name, role, department, organisation and whether it
/// is active (disabling ends its sign-ins), at the version that was read.
/// Nobody disables their own account (422 `cannot_disable_self`).
pub async fn update(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &UserDraft,
) -> ApiResult<UserView> {
    require(p, Permission::UsersAdmin)?;
    if id == p.user_id && !d.active {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::CannotDisableSelf,
            "不能停用自己的账号",
        ));
    }
    let i = checked_input(s, d).await?;
    let m = accounts::update_user(
        &s.db,
        &p.username,
        id,
        version,
        UserChanges {
            display_name: i.display_name,
            role: i.role,
            department_id: i.department_id,
            org_id: i.org_id,
            active: d.active,
            phone: i.phone,
        },
    )
    .await?;
    Ok(m.into())
}

/// The signed-in account's own contact telephone (我的账号): any role may
/// keep its own number; a firm's contact writing a case starts from it.
pub async fn set_own_phone(s: &AppState, p: &Principal, phone: &str) -> ApiResult<user::Model> {
    let mut e = vec![];
    let phone = crate::forms::fields::phone(&mut e, "phone", phone);
    if !e.is_empty() {
        return Err(ApiError::invalid(ErrorCode::InvalidInput, &e));
    }
    Ok(accounts::set_phone(&s.db, &p.user_id, &phone).await?)
}

/// Set a new password for an account.
pub async fn reset_password(
    s: &AppState,
    p: &Principal,
    id: &str,
    password: &str,
) -> ApiResult<()> {
    require(p, Permission::UsersAdmin)?;
    accounts::reset_password(&s.db, &p.username, id, password).await?;
    Ok(())
}

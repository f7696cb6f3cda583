use axum::extract::State;
use axum::Json;
use kechuang_store::{accounts, entities::user, Principal};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::ApiJson;
use crate::service::users as service;
use crate::AppState;

/// The signed-in account.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: String,
    pub username: String,
    pub display_name: String,
    /// 角色代码
    pub role: String,
    pub role_label: String,
    /// 数据范围
    pub scope: String,
    pub department_id: Option<String>,
    pub org_id: Option<String>,
    /// 联系电话（本人在“我的账号”中填写；企业用户提交诉求时默认作联系电话）
    pub phone: String,
}

impl Me {
    fn of(p: Principal, u: user::Model) -> Me {
        Me {
            id: p.user_id,
            username: p.username,
            display_name: p.display_name,
            role: p.role.as_str().into(),
            role_label: p.role.label_zh().into(),
            scope: p.role.scope().label_zh().into(),
            department_id: p.department_id,
            org_id: p.org_id,
            phone: u.phone,
        }
    }
}

/// What an account changes of itself.
#[derive(Deserialize, ToSchema)]
pub struct MeChanges {
    /// 联系电话：7—20位数字（可含“-”“+”和空格），空为不留
    pub phone: String,
}

/// 当前登录账号
#[utoipa::path(get, path = "/api/v1/me", tag = "admin",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(State(s): State<AppState>, ApiUser(p): ApiUser) -> ApiResult<Json<Me>> {
    let u = accounts::get_user(&s.db, &p.user_id).await?;
    Ok(Json(Me::of(p, u)))
}

/// 修改本人联系电话
#[utoipa::path(put, path = "/api/v1/me", tag = "admin", request_body = MeChanges,
    responses((status = 200, body = Me), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_me(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(c): ApiJson<MeChanges>,
) -> ApiResult<Json<Me>> {
    let u = service::set_own_phone(&s, &p, &c.phone).await?;
    Ok(Json(Me::of(p, u)))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me, update_me))
}

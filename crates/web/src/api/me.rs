use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::ApiUser;
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
}

/// 当前登录账号
#[utoipa::path(get, path = "/api/v1/me", tag = "admin",
    responses((status = 200, body = Me), (status = 401, body = crate::error::ErrorBody)))]
pub async fn me(ApiUser(p): ApiUser) -> Json<Me> {
    Json(Me {
        id: p.user_id,
        username: p.username,
        display_name: p.display_name,
        role: p.role.as_str().into(),
        role_label: p.role.label_zh().into(),
        scope: p.role.scope().label_zh().into(),
        department_id: p.department_id,
        org_id: p.org_id,
    })
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me))
}

//! The data dictionary: every code list, as `service::dictionary` keeps it.

use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::service::dictionary::{self, DataDictionary};
use crate::AppState;

/// 数据字典：各代码表的代码与中文名称，以及由管委会维护的代码表
#[utoipa::path(get, path = "/api/v1/dictionary", tag = "admin",
    responses((status = 200, body = DataDictionary), (status = 401, body = ErrorBody)))]
pub async fn get_dictionary(ApiUser(_caller): ApiUser) -> Json<DataDictionary> {
    Json(dictionary::all())
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_dictionary))
}

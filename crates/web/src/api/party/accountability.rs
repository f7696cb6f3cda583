//! Supervision orders (督办) and accountability interviews (约谈) naming a
//! chief service officer, an assistant or an instructor; the lateness that
//! suggests one.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::ListPage;
use crate::api::{ApiJson, ApiPath, ApiQuery, Paging};
use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::excel;
use crate::forms::party::accountability::AccountabilityDraft;
use crate::service::party::accountability::{
    self as service, AccountabilityListQuery, AccountabilityView, LatenessQuery, LatenessReport,
};
use crate::AppState;

#[derive(Deserialize, ToSchema)]
pub struct AccountabilityUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub record: AccountabilityDraft,
}

/// 人员督办约谈列表（首席服务官、党建助手、党建指导员）
#[utoipa::path(get, path = "/api/v1/party/accountabilities", tag = "party", params(AccountabilityListQuery, Paging),
    responses((status = 200, body = ListPage<AccountabilityView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_accountabilities(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<AccountabilityListQuery>,
) -> ApiResult<Json<ListPage<AccountabilityView>>> {
    Ok(Json(ListPage::of(
        service::list(&s, &p, &q).await?,
        std::convert::identity,
    )))
}

/// 导出人员督办约谈（Excel）
#[utoipa::path(get, path = "/api/v1/party/accountabilities/export", tag = "party", params(AccountabilityListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn export_accountabilities(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<AccountabilityListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "人员督办约谈.xlsx",
        service::export_bytes(&s, &p, &q).await?,
    ))
}

/// 对服务人员下达督办或记录约谈（涉及诉求时记入该诉求的办理过程）
#[utoipa::path(post, path = "/api/v1/party/accountabilities", tag = "party", request_body = AccountabilityDraft,
    responses((status = 201, body = AccountabilityView), (status = 403, body = ErrorBody),
        (status = 422, description = "输入有误；只能针对首席服务官、党建助手或党建指导员（not_accountable）；诉求编号不存在（unknown_case）", body = ErrorBody)))]
pub async fn create_accountability(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<AccountabilityDraft>,
) -> ApiResult<(StatusCode, Json<AccountabilityView>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create(&s, &p, &d).await?),
    ))
}

/// 一条人员督办约谈
#[utoipa::path(get, path = "/api/v1/party/accountabilities/{id}", tag = "party", params(("id" = String, Path)),
    responses((status = 200, body = AccountabilityView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_accountability(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<AccountabilityView>> {
    Ok(Json(service::get(&s, &p, &id).await?))
}

/// 记录结果、整改跟踪和整改完成日期
#[utoipa::path(put, path = "/api/v1/party/accountabilities/{id}", tag = "party", params(("id" = String, Path)), request_body = AccountabilityUpdate,
    responses((status = 200, body = AccountabilityView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_accountability(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<AccountabilityUpdate>,
) -> ApiResult<Json<AccountabilityView>> {
    Ok(Json(
        service::update(&s, &p, &id, u.version, &u.record).await?,
    ))
}

/// 服务人员联系企业的诉求超期情况，达到阈值的建议约谈
#[utoipa::path(get, path = "/api/v1/party/accountabilities/lateness", tag = "party", params(LatenessQuery),
    responses((status = 200, body = LatenessReport), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn lateness(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<LatenessQuery>,
) -> ApiResult<Json<LatenessReport>> {
    Ok(Json(service::lateness(&s, &p, &q).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_accountabilities, create_accountability))
        .routes(routes!(export_accountabilities))
        .routes(routes!(lateness))
        .routes(routes!(get_accountability, update_accountability))
}

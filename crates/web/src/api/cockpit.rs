//! /api/v1/cockpit: the cockpit's indicators over a period, and the period
//! report as Excel (adapters over `service::cockpit`).

use axum::extract::State;
use axum::response::Response;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{ApiJson, ApiPath, ApiQuery, VersionParam};
use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::excel;
use crate::service::cockpit::{
    self, CockpitQuery, CockpitView, FreezeDraft, FrozenPeriod, IndicatorView, ReportedDraft,
    ReportedView,
};
use crate::AppState;
use axum::http::StatusCode;

/// 驾驶舱：各领域指标在某期间的数值、口径、环比、同比、趋势与明细链接
#[utoipa::path(get, path = "/api/v1/cockpit", tag = "cockpit", params(CockpitQuery),
    responses((status = 200, body = CockpitView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_cockpit(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<CockpitQuery>,
) -> ApiResult<Json<CockpitView>> {
    Ok(Json(cockpit::cockpit(&s, &p, &q).await?))
}

/// 单个指标在某期间的数值、口径、环比、同比、趋势与明细链接（代码见 /api/v1/cockpit 的 code，如 cases_received、reported:rd_intensity）
#[utoipa::path(get, path = "/api/v1/cockpit/indicators/{code}", tag = "cockpit", params(("code" = String, Path), CockpitQuery),
    responses((status = 200, body = IndicatorView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_indicator(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<CockpitQuery>,
) -> ApiResult<Json<IndicatorView>> {
    Ok(Json(cockpit::indicator_of(&s, &p, &code, &q).await?))
}

/// 期间报告（Excel）：全部指标的本期、上期、环比、去年同期、同比与口径
#[utoipa::path(get, path = "/api/v1/cockpit/report", tag = "cockpit", params(CockpitQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn report(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<CockpitQuery>,
) -> ApiResult<Response> {
    let (name, bytes) = cockpit::report(&s, &p, &q).await?;
    Ok(excel::xlsx_response(&name, bytes))
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportedQuery {
    /// 统计项代码，如 rd_intensity
    pub code: Option<String>,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ReportedUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub figure: ReportedDraft,
}

/// 报送统计（研发投入强度等无法由记录计算的数字），按统计项与期间
#[utoipa::path(get, path = "/api/v1/cockpit/reported", tag = "cockpit", params(ReportedQuery),
    responses((status = 200, body = [ReportedView]), (status = 403, body = ErrorBody)))]
pub async fn list_reported(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ReportedQuery>,
) -> ApiResult<Json<Vec<ReportedView>>> {
    let code = crate::extract::non_empty(&q.code);
    Ok(Json(cockpit::reported(&s, &p, code.as_deref()).await?))
}

/// 导出报送统计（Excel；可按统计项代码筛选）
#[utoipa::path(get, path = "/api/v1/cockpit/reported/export", tag = "cockpit", params(ReportedQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, body = ErrorBody)))]
pub async fn export_reported(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<ReportedQuery>,
) -> ApiResult<Response> {
    let code = crate::extract::non_empty(&q.code);
    let (name, bytes) = cockpit::reported_export(&s, &p, code.as_deref()).await?;
    Ok(excel::xlsx_response(&name, bytes))
}

/// 报送一期统计数字（注明来源与审核人；同一统计项同一期间只能报送一次，更正请修改）
#[utoipa::path(post, path = "/api/v1/cockpit/reported", tag = "cockpit", request_body = ReportedDraft,
    responses((status = 201, body = ReportedView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_reported(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<ReportedDraft>,
) -> ApiResult<(StatusCode, Json<ReportedView>)> {
    Ok((
        StatusCode::CREATED,
        Json(cockpit::create_reported(&s, &p, d).await?),
    ))
}

/// 更正报送的统计数字（统计项与期间不变）
#[utoipa::path(put, path = "/api/v1/cockpit/reported/{id}", tag = "cockpit", params(("id" = String, Path)), request_body = ReportedUpdate,
    responses((status = 200, body = ReportedView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_reported(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<ReportedUpdate>,
) -> ApiResult<Json<ReportedView>> {
    Ok(Json(
        cockpit::update_reported(&s, &p, &id, u.version, u.figure).await?,
    ))
}

/// 已报送（冻结）的期间，最近报送的在前
#[utoipa::path(get, path = "/api/v1/cockpit/freezes", tag = "cockpit",
    responses((status = 200, body = [FrozenPeriod]), (status = 403, body = ErrorBody)))]
pub async fn list_freezes(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<FrozenPeriod>>> {
    Ok(Json(cockpit::freezes(&s, &p).await?))
}

/// 报送一个已结束的期间：冻结其全部指标，此后驾驶舱与期间报告都显示报送时的数字
#[utoipa::path(post, path = "/api/v1/cockpit/freezes", tag = "cockpit", request_body = FreezeDraft,
    responses((status = 201, body = FrozenPeriod), (status = 403, body = ErrorBody),
        (status = 409, description = "该期间已报送（duplicate）", body = ErrorBody),
        (status = 422, description = "期间写法不对或尚未结束", body = ErrorBody)))]
pub async fn freeze(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<FreezeDraft>,
) -> ApiResult<(StatusCode, Json<FrozenPeriod>)> {
    Ok((StatusCode::CREATED, Json(cockpit::freeze(&s, &p, d).await?)))
}

/// 撤销报送：该期间的数字重新由记录即时计算（记入审计）
#[utoipa::path(delete, path = "/api/v1/cockpit/freezes/{period}", tag = "cockpit", params(("period" = String, Path, description = "2026-11、2026-Q3 或 2026"), VersionParam),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn unfreeze(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(period): ApiPath<String>,
    ApiQuery(v): ApiQuery<VersionParam>,
) -> ApiResult<StatusCode> {
    cockpit::unfreeze(&s, &p, &period, v.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_cockpit))
        .routes(routes!(get_indicator))
        .routes(routes!(report))
        .routes(routes!(list_reported, create_reported))
        .routes(routes!(export_reported))
        .routes(routes!(update_reported))
        .routes(routes!(list_freezes, freeze))
        .routes(routes!(unfreeze))
}

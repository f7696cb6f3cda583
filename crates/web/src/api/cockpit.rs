//! /api/v1/cockpit: the cockpit's indicators over a period, and the period
//! report as Excel (adapters over `service::cockpit`).

use axum::extract::State;
use axum::response::Response;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::ApiQuery;
use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::excel;
use crate::service::cockpit::{self, CockpitQuery, CockpitView};
use crate::AppState;

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

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_cockpit))
        .routes(routes!(report))
}

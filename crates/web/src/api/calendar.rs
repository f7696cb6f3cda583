//! /api/v1/calendar: the statutory work calendar and workday arithmetic
//! (adapters over `service::calendar`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{ApiJson, ApiPath, ApiQuery};
use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::service::calendar::{self as service, AddWorkdaysResult, CalendarDayView};
use crate::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// 年份（1900—2100），缺省为全部
    #[param(minimum = 1900, maximum = 2100)]
    pub year: Option<i32>,
}

/// 法定节假日与调休上班日
#[utoipa::path(get, path = "/api/v1/calendar", tag = "admin", params(YearQuery),
    responses((status = 200, body = [CalendarDayView]), (status = 401, body = ErrorBody)))]
pub async fn list_days(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<Json<Vec<CalendarDayView>>> {
    Ok(Json(service::list_days(&s, &p, q.year).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct DayBody {
    /// holiday 或 workday
    pub kind: String,
    /// 例如 国庆节、国庆节调休上班
    pub name: String,
}

/// 设置某日为放假或调休上班（仅管理员）
#[utoipa::path(put, path = "/api/v1/calendar/{date}", tag = "admin", params(("date" = String, Path, description = "YYYY-MM-DD")), request_body = DayBody,
    responses((status = 200, body = CalendarDayView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_day(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(date): ApiPath<String>,
    ApiJson(b): ApiJson<DayBody>,
) -> ApiResult<Json<CalendarDayView>> {
    Ok(Json(
        service::set_day(&s, &p, &date, &b.kind, &b.name).await?,
    ))
}

/// 删除某日的设置，恢复为普通日期（仅管理员）
#[utoipa::path(delete, path = "/api/v1/calendar/{date}", tag = "admin", params(("date" = String, Path, description = "YYYY-MM-DD")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_day(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(date): ApiPath<String>,
) -> ApiResult<StatusCode> {
    service::delete_day(&s, &p, &date).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AddWorkdaysQuery {
    /// 起始日期 YYYY-MM-DD（不计入）
    pub from: String,
    /// 工作日数（0—3650）
    pub days: u32,
}

/// 计算 from 之后第 N 个工作日（从 from 之后的第一个工作日开始计数）
#[utoipa::path(get, path = "/api/v1/calendar/add-workdays", tag = "admin", params(AddWorkdaysQuery),
    responses((status = 200, body = AddWorkdaysResult), (status = 400, body = ErrorBody)))]
pub async fn add_workdays(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<AddWorkdaysQuery>,
) -> ApiResult<Json<AddWorkdaysResult>> {
    Ok(Json(service::add_workdays(&s, &p, &q.from, q.days).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_days))
        .routes(routes!(add_workdays))
        .routes(routes!(set_day, delete_day))
}

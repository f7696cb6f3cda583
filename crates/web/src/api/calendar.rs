//! /api/v1/calendar: the statutory work calendar and workday arithmetic.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use kechuang_domain::auth::Permission;
use kechuang_domain::calendar::{CalendarDay, DayKind};
use kechuang_store::calendar;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{ApiJson, ApiPath, ApiQuery};
use crate::auth::{require, ApiUser};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::AppState;

#[derive(Serialize, Deserialize, ToSchema)]
pub struct CalendarDayView {
    pub date: NaiveDate,
    /// holiday（放假）或 workday（调休上班）
    pub kind: String,
    pub name: String,
}

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
    require(&p, Permission::CalendarRead)?;
    if q.year.is_some_and(|y| !(1900..=2100).contains(&y)) {
        return Err(ApiError::bad_request(
            "invalid_query",
            "年份 year 须在 1900 到 2100 之间",
        ));
    }
    let rows = calendar::list(&s.db, q.year).await?;
    Ok(Json(
        rows.into_iter()
            .map(|m| CalendarDayView {
                date: m.day,
                kind: m.kind,
                name: m.name,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct DayBody {
    /// holiday 或 workday
    pub kind: String,
    /// 例如 国庆节、国庆节调休上班
    pub name: String,
}

pub fn parse_kind(k: &str) -> ApiResult<DayKind> {
    match k {
        "holiday" => Ok(DayKind::Holiday),
        "workday" => Ok(DayKind::Workday),
        _ => Err(ApiError::invalid(
            "invalid_input",
            &[(
                "kind",
                "类型只能是 holiday（放假）或 workday（调休上班）".into(),
            )],
        )),
    }
}

pub fn parse_day(s: &str) -> ApiResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        ApiError::bad_request("invalid_date", "日期格式应为 YYYY-MM-DD，例如 2026-10-01")
    })
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
    require(&p, Permission::CalendarWrite)?;
    let date = parse_day(&date)?;
    let kind = parse_kind(&b.kind)?;
    let name = b.name.trim().chars().take(50).collect::<String>();
    if name.is_empty() {
        return Err(ApiError::invalid(
            "invalid_input",
            &[("name", "请填写名称，如“国庆节”".into())],
        ));
    }
    let m = calendar::set_day(&s.db, &p.username, CalendarDay { date, kind, name }).await?;
    Ok(Json(CalendarDayView {
        date: m.day,
        kind: m.kind,
        name: m.name,
    }))
}

/// 删除某日的设置，恢复为普通日期（仅管理员）
#[utoipa::path(delete, path = "/api/v1/calendar/{date}", tag = "admin", params(("date" = String, Path, description = "YYYY-MM-DD")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_day(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(date): ApiPath<String>,
) -> ApiResult<StatusCode> {
    require(&p, Permission::CalendarWrite)?;
    calendar::remove_day(&s.db, &p.username, parse_day(&date)?).await?;
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

#[derive(Serialize, ToSchema)]
pub struct AddWorkdaysResult {
    pub from: NaiveDate,
    pub days: u32,
    /// from 之后第 days 个工作日
    pub date: NaiveDate,
    /// 计算区间内有年份尚未录入节假日安排时的提示
    pub warning: Option<String>,
}

/// A warning when the years from `from` to `to` include one with no
/// holiday schedule entered (its holidays would count as workdays).
pub fn schedule_gap(years_entered: &[i32], from: NaiveDate, to: NaiveDate) -> Option<String> {
    use chrono::Datelike;
    let missing: Vec<String> = (from.year()..=to.year())
        .filter(|y| !years_entered.contains(y))
        .map(|y| format!("{y}年"))
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "{}节假日安排尚未录入，结果按普通周末计算，可能不准确；请管理员按国务院办公厅通知录入",
            missing.join("、")
        )
    })
}

/// 计算 from 之后第 N 个工作日（从 from 之后的第一个工作日开始计数）
#[utoipa::path(get, path = "/api/v1/calendar/add-workdays", tag = "admin", params(AddWorkdaysQuery),
    responses((status = 200, body = AddWorkdaysResult), (status = 400, body = ErrorBody)))]
pub async fn add_workdays(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<AddWorkdaysQuery>,
) -> ApiResult<Json<AddWorkdaysResult>> {
    require(&p, Permission::CalendarRead)?;
    let from = parse_day(&q.from)?;
    if q.days > 3650 {
        return Err(ApiError::bad_request("invalid_query", "days 不能超过3650"));
    }
    let cal = calendar::load(&s.db).await?;
    let date = cal.add_workdays(from, q.days);
    let years = calendar::years(&s.db).await?;
    Ok(Json(AddWorkdaysResult {
        from,
        days: q.days,
        date,
        warning: schedule_gap(&years, from, date),
    }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_days))
        .routes(routes!(add_workdays))
        .routes(routes!(set_day, delete_day))
}

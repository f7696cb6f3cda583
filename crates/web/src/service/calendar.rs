//! The statutory work calendar: holidays and adjusted working days, and
//! workday arithmetic. The JSON API (`api::calendar`) and the pages
//! (`pages::calendar`) both call it.

use chrono::NaiveDate;
use kechuang_domain::auth::Permission;
use kechuang_domain::calendar::{CalendarDay, DayKind};
use kechuang_domain::ErrorCode;
use kechuang_store::calendar;
use kechuang_store::entities::calendar_day;
use kechuang_store::Principal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

#[derive(Serialize, Deserialize, ToSchema)]
pub struct CalendarDayView {
    pub date: NaiveDate,
    /// holiday（放假）或 workday（调休上班）
    pub kind: String,
    pub name: String,
}

impl From<calendar_day::Model> for CalendarDayView {
    fn from(m: calendar_day::Model) -> Self {
        CalendarDayView {
            date: m.day,
            kind: m.kind,
            name: m.name,
        }
    }
}

/// The holidays and adjusted working days of one year (1900—2100), or all.
pub async fn list_days(
    s: &AppState,
    p: &Principal,
    year: Option<i32>,
) -> ApiResult<Vec<CalendarDayView>> {
    require(p, Permission::CalendarRead)?;
    if year.is_some_and(|y| !(1900..=2100).contains(&y)) {
        return Err(ApiError::bad_request(
            ErrorCode::InvalidQuery,
            "年份 year 须在 1900 到 2100 之间",
        ));
    }
    let rows = calendar::list(&s.db, year).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Make a day (YYYY-MM-DD) a holiday or an adjusted working day, named
/// (at most 50 characters).
pub async fn set_day(
    s: &AppState,
    p: &Principal,
    date: &str,
    kind: &str,
    name: &str,
) -> ApiResult<CalendarDayView> {
    require(p, Permission::CalendarWrite)?;
    let date = parse_day(date)?;
    let kind = parse_kind(kind)?;
    let name = name.trim().chars().take(50).collect::<String>();
    if name.is_empty() {
        return Err(ApiError::invalid(
            ErrorCode::InvalidInput,
            &[("name", "请填写名称，如“国庆节”".into())],
        ));
    }
    let m = calendar::set_day(&s.db, &p.username, CalendarDay { date, kind, name }).await?;
    Ok(m.into())
}

/// Make a day (YYYY-MM-DD) an ordinary one again; the day it was.
pub async fn delete_day(s: &AppState, p: &Principal, date: &str) -> ApiResult<NaiveDate> {
    require(p, Permission::CalendarWrite)?;
    let d = parse_day(date)?;
    calendar::remove_day(&s.db, &p.username, d).await?;
    Ok(d)
}

/// The `days`-th workday after `from` (YYYY-MM-DD; at most 3650 days), with
/// a warning when a year in between has no holiday schedule.
pub async fn add_workdays(
    s: &AppState,
    p: &Principal,
    from: &str,
    days: u32,
) -> ApiResult<AddWorkdaysResult> {
    require(p, Permission::CalendarRead)?;
    let from = parse_day(from)?;
    if days > 3650 {
        return Err(ApiError::bad_request(
            ErrorCode::InvalidQuery,
            "days 不能超过3650",
        ));
    }
    let cal = calendar::load(&s.db).await?;
    let date = cal.add_workdays(from, days);
    let years = calendar::years(&s.db).await?;
    Ok(AddWorkdaysResult {
        from,
        days,
        date,
        warning: schedule_gap(&years, from, date),
    })
}

pub fn parse_kind(k: &str) -> ApiResult<DayKind> {
    match k {
        "holiday" => Ok(DayKind::Holiday),
        "workday" => Ok(DayKind::Workday),
        _ => Err(ApiError::invalid(
            ErrorCode::InvalidInput,
            &[(
                "kind",
                "类型只能是 holiday（放假）或 workday（调休上班）".into(),
            )],
        )),
    }
}

pub fn parse_day(s: &str) -> ApiResult<NaiveDate> {
    crate::forms::parse_iso_date(s).ok_or_else(|| {
        ApiError::bad_request(
            ErrorCode::InvalidDate,
            "日期应写成“年-月-日”，如 2026-10-01",
        )
    })
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

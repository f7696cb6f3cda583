//! The work calendar page: a year's holidays and adjusted working days,
//! editable by an administrator, with a workday calculator.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::Form;
use chrono::{Datelike, NaiveDate, Utc};
use kechuang_domain::auth::Permission;
use kechuang_store::calendar;
use serde::Deserialize;

use super::{cst, fmt_date, render_status, PageCtx, PageResult};
use crate::auth::{require, PageUser};
use crate::service::calendar as service;
use crate::AppState;
use axum::routing::{get, post};
use axum::Router;

pub struct DayRow {
    pub date: String,
    pub date_text: String,
    pub weekday: String,
    pub kind: String,
    pub holiday: bool,
    pub name: String,
}

#[derive(Template)]
#[template(path = "calendar/page.html")]
struct CalendarPage {
    page: PageCtx,
    year: i32,
    years: Vec<(i32, bool)>,
    rows: Vec<DayRow>,
    can_write: bool,
    error: String,
    calc_from: String,
    calc_days: String,
    calc_result: String,
}

#[derive(Deserialize, Default)]
pub struct CalQuery {
    year: Option<i32>,
    from: Option<String>,
    days: Option<String>,
    flash: Option<String>,
}

pub fn weekday_zh(d: NaiveDate) -> &'static str {
    ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
        [d.weekday().num_days_from_monday() as usize]
}

async fn show(
    st: &AppState,
    p: &kechuang_store::Principal,
    status: StatusCode,
    q: CalQuery,
    error: String,
) -> PageResult {
    require(p, Permission::CalendarRead)?;
    let today = Utc::now().with_timezone(&cst()).date_naive();
    let year = q.year.unwrap_or(today.year()).clamp(1990, 2100);
    let r = async {
        let rows = calendar::list(&st.db, Some(year)).await?;
        let entered = calendar::years(&st.db).await?;
        let mut years = entered.clone();
        if !years.contains(&year) {
            years.push(year);
            years.sort_unstable();
        }
        let mut calc_result = String::new();
        if let (Some(from), Some(days)) = (q.from.as_deref(), q.days.as_deref()) {
            calc_result = match (
                crate::forms::parse_iso_date(from),
                days.trim().parse::<u32>(),
            ) {
                (Some(f), Ok(n)) if n <= 3650 => {
                    let d = calendar::load(&st.db).await?.add_workdays(f, n);
                    let warning = service::schedule_gap(&entered, f, d)
                        .map(|w| format!("。注意：{w}"))
                        .unwrap_or_default();
                    format!(
                        "{} 之后第 {} 个工作日是 {}（{}）{warning}",
                        fmt_date(f),
                        n,
                        fmt_date(d),
                        weekday_zh(d)
                    )
                }
                _ => "请输入正确的日期和 0—3650 之间的工作日数".into(),
            };
        }
        Ok::<_, kechuang_store::StoreError>((rows, years, calc_result))
    }
    .await;
    let (rows, years, calc_result) = r?;
    let page = PageCtx::new(st, p, "工作日历", "/calendar", &[("工作日历", "")])
        .flash_code(q.flash.as_deref())
        .calendar_gap(super::calendar_gap(st).await?);
    let rows = rows
        .into_iter()
        .map(|d| DayRow {
            date: d.day.to_string(),
            date_text: fmt_date(d.day),
            weekday: weekday_zh(d.day).into(),
            holiday: d.kind != "workday",
            kind: if d.kind == "workday" {
                "调休上班"
            } else {
                "放假"
            }
            .into(),
            name: d.name,
        })
        .collect();
    Ok(render_status(
        status,
        &CalendarPage {
            page,
            year,
            years: years.into_iter().map(|y| (y, y == year)).collect(),
            rows,
            can_write: p.can(Permission::CalendarWrite),
            error,
            calc_from: q.from.unwrap_or_else(|| today.to_string()),
            calc_days: q.days.unwrap_or_else(|| "5".into()),
            calc_result,
        },
    ))
}

pub async fn page(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<CalQuery>,
) -> PageResult {
    show(&st, &p, StatusCode::OK, q, String::new()).await
}

#[derive(Deserialize)]
pub struct DayForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
}

pub async fn set_day(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(f): Form<DayForm>,
) -> PageResult {
    let r = service::set_day(&st, &p, f.date.trim(), &f.kind, &f.name)
        .await
        .map(|d| d.date.year());
    match r {
        Ok(y) => Ok(Redirect::to(&format!("/calendar?year={y}&flash=saved")).into_response()),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::FORBIDDEN => {
            show(&st, &p, e.status, CalQuery::default(), e.message).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn delete_day(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(date): Path<String>,
) -> PageResult {
    let r = service::delete_day(&st, &p, &date).await.map(|d| d.year());
    let y = r?;
    Ok(Redirect::to(&format!("/calendar?year={y}&flash=deleted")).into_response())
}

/// The calendar pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/calendar", get(page).post(set_day))
        .route("/calendar/{date}/delete", post(delete_day))
}

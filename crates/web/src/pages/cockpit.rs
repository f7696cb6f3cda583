//! The cockpit page (领导驾驶舱): a period chosen by month, quarter or year;
//! every indicator as a card with its comparisons, definition and the link
//! to its records; trend charts drawn by ECharts (static/cockpit.js) from
//! the same figures; the period report as Excel and a printable page. A
//! thin adapter over `service::cockpit`, the same door as the API.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use kechuang_domain::auth::Permission;
use kechuang_domain::cockpit::{Period, PeriodKind};
use kechuang_store::Principal;

use super::actions::{answer, done, draft, version, FlashQuery, FormState};
use super::{fmt_time, render, PageCtx, PageResult};
use crate::auth::PageUser;
use crate::error::ApiResult;
use crate::service::cockpit::{self, CockpitQuery, CockpitView, IndicatorView, ReportedView};
use crate::AppState;

/// The indicators of one area, in the service's order.
struct Area {
    name: String,
    items: Vec<IndicatorView>,
}

#[derive(Template)]
#[template(path = "cockpit/index.html")]
struct CockpitPage {
    page: PageCtx,
    v: CockpitView,
    areas: Vec<Area>,
    kinds: Vec<(&'static str, &'static str, bool)>,
    choices: Vec<(String, String)>,
    report_href: String,
    /// The figures for the charts, as JSON safe inside a script element.
    data: String,
}

impl CockpitPage {
    fn basis(&self, b: &str) -> &'static str {
        match b {
            "flow" => "本期",
            "year" => "年度",
            "reported" => "报送",
            _ => "时点",
        }
    }
    fn is(&self, on: &bool) -> bool {
        *on
    }
    fn chosen(&self, code: &str) -> bool {
        code == self.v.period
    }
    fn up(&self, change: &str) -> bool {
        change.starts_with("增长") || change.starts_with("上升")
    }
    fn down(&self, change: &str) -> bool {
        change.starts_with("下降")
    }
}

/// The periods offered in the selector: the latest of a kind, newest first.
fn choices(kind: PeriodKind, current: Period) -> Vec<(String, String)> {
    let today = Period::of(kind, kechuang_store::clock::today());
    let n = match kind {
        PeriodKind::Month => 24,
        PeriodKind::Quarter => 12,
        PeriodKind::Year => 6,
    };
    let mut out: Vec<(String, String)> = today
        .last(n)
        .into_iter()
        .rev()
        .map(|p| (p.code(), p.label()))
        .collect();
    if !out.iter().any(|(c, _)| *c == current.code()) {
        out.push((current.code(), current.label()));
    }
    out
}

pub async fn index(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<CockpitQuery>,
) -> PageResult {
    let v = cockpit::cockpit(&st, &p, &q).await?;
    let period = q.period()?;
    let mut areas: Vec<Area> = vec![];
    for i in &v.indicators {
        match areas.iter_mut().find(|a| a.name == i.area) {
            Some(a) => a.items.push(i.clone()),
            None => areas.push(Area {
                name: i.area.clone(),
                items: vec![i.clone()],
            }),
        }
    }
    let data = serde_json::to_string(&v.indicators)
        .unwrap_or_else(|_| "[]".into())
        .replace('<', "\\u003c");
    Ok(render(&CockpitPage {
        page: PageCtx::new(&st, &p, "领导驾驶舱", "/cockpit", &[("领导驾驶舱", "")]),
        kinds: [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Year]
            .into_iter()
            .map(|k| (k.as_str(), k.label(), k == period.kind()))
            .collect(),
        choices: choices(period.kind(), period),
        report_href: format!("/api/v1/cockpit/report?period={}", v.period),
        areas,
        data,
        v,
    }))
}

// ---------------------------------------------------------------- reported statistics

#[derive(Template)]
#[template(path = "cockpit/reported.html")]
struct ReportedPage {
    page: PageCtx,
    rows: Vec<ReportedView>,
    can_write: bool,
    /// Correcting one figure (its code and period stay).
    editing: bool,
    action: String,
    version: i32,
    units: Vec<(&'static str, &'static str)>,
    fs: FormState,
}

impl ReportedPage {
    fn when(&self, r: &ReportedView) -> String {
        fmt_time(r.figure.updated_at)
    }
}

#[derive(serde::Deserialize, Default)]
pub struct CodeQuery {
    code: Option<String>,
}

const UNITS: [(&str, &str); 3] = [
    ("permille", "比率（%）"),
    ("money", "金额（元）"),
    ("count", "个数"),
];

async fn reported_page(
    st: &AppState,
    p: &Principal,
    code: Option<&str>,
    edit: Option<(&str, Option<FormState>)>,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    let rows = cockpit::reported(st, p, code).await?;
    let can_write = p.can(Permission::CockpitReport);
    let editing = edit.is_some();
    let (title, action, version, fs) = match edit {
        Some((id, posted)) => {
            crate::auth::require(p, Permission::CockpitReport)?;
            let r = rows
                .iter()
                .find(|r| r.figure.id == id)
                .ok_or_else(crate::error::ApiError::not_found)?;
            let f = &r.figure;
            let shown = match f.unit.as_str() {
                "permille" => format!("{}.{}", f.value / 10, f.value % 10),
                "money" => kechuang_domain::money::Money::from_fen(f.value).to_string(),
                _ => f.value.to_string(),
            };
            let values = [
                ("name", f.name.clone()),
                ("unit", f.unit.clone()),
                ("value", shown),
                ("source", f.source.clone()),
                ("approved_by", f.approved_by.clone()),
                ("note", f.note.clone()),
            ];
            let (fs, version) = FormState::for_edit("reported", posted, values, f.version);
            (
                format!("更正报送统计：{}（{}）", f.name, r.period_label),
                format!("/cockpit/reported/{id}/edit"),
                version,
                fs,
            )
        }
        None => ("报送统计".to_string(), REPORTED.to_string(), 0, fs),
    };
    Ok(render(&ReportedPage {
        page: PageCtx::new(
            st,
            p,
            &title,
            "/cockpit",
            &[("领导驾驶舱", "/cockpit"), ("报送统计", REPORTED)],
        )
        .flash_code(flash),
        editing,
        rows,
        can_write,
        action,
        version,
        units: UNITS.to_vec(),
        fs,
    }))
}

const REPORTED: &str = "/cockpit/reported";

pub async fn reported(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<CodeQuery>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    let code = crate::extract::non_empty(&q.code);
    Ok(reported_page(
        &st,
        &p,
        code.as_deref(),
        None,
        FormState::default(),
        fl.flash.as_deref(),
    )
    .await?)
}

/// POST /cockpit/reported: a figure reported.
pub async fn create_reported(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result = async {
        cockpit::create_reported(&st, &p, draft(&pairs)?).await?;
        Ok(done(REPORTED, "created"))
    }
    .await;
    answer(result, "reported", pairs, |fs| {
        reported_page(&st, &p, None, None, fs, None)
    })
    .await
}

pub async fn reported_form(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
) -> PageResult {
    Ok(reported_page(&st, &p, None, Some((&id, None)), FormState::default(), None).await?)
}

/// POST /cockpit/reported/{id}/edit: a correction.
pub async fn update_reported(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result = async {
        cockpit::update_reported(&st, &p, &id, version(&pairs)?, draft(&pairs)?).await?;
        Ok(done(REPORTED, "saved"))
    }
    .await;
    answer(result, "reported", pairs, |fs| {
        reported_page(
            &st,
            &p,
            None,
            Some((&id, Some(fs))),
            FormState::default(),
            None,
        )
    })
    .await
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cockpit", get(index))
        .route(REPORTED, get(reported).post(create_reported))
        .route(
            "/cockpit/reported/{id}/edit",
            get(reported_form).post(update_reported),
        )
}

//! The cockpit page (领导驾驶舱): a period chosen by month, quarter or year;
//! every indicator as a card with its comparisons, definition and the link
//! to its records; trend charts drawn by ECharts (static/cockpit.js) from
//! the same figures; the period report as Excel and a printable page. A
//! thin adapter over `service::cockpit`, the same door as the API.

use askama::Template;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::Router;
use kechuang_domain::cockpit::{Period, PeriodKind};

use super::{render, PageCtx, PageResult};
use crate::auth::PageUser;
use crate::service::cockpit::{self, CockpitQuery, CockpitView, IndicatorView};
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

pub fn routes() -> Router<AppState> {
    Router::new().route("/cockpit", get(index))
}

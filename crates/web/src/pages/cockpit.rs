//! The cockpit pages (领导驾驶舱): a period chosen by month, quarter or year;
//! every indicator as a card with its comparisons, definition and the link
//! to its records; trend charts and the department race, the transfer
//! funnel, chain output and the chain maps with the party network (drawn by
//! static/charts.js from `web::charts`, each beside its table); the period
//! report as Excel and as a printable page (/cockpit/print); the big screen
//! (/cockpit/screen, 1920×1080, refreshing itself); submitting (freezing) a
//! period. A thin adapter over `service::cockpit`, the same door as the API.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use kechuang_domain::auth::Permission;
use kechuang_domain::cockpit::{Period, PeriodKind};
use kechuang_store::Principal;

use super::actions::{answer, done, draft, version, FlashQuery, FormState};
use super::chains::map_chart;
use super::transfer::{funnel_chart, funnel_lines, FunnelLine};
use super::{fmt_time, render, PageCtx, PageResult};
use crate::auth::PageUser;
use crate::charts::{percent, wan_yuan, yi_yuan, Chart, Kind};
use crate::error::ApiResult;
use crate::service::cockpit::{
    self, CockpitQuery, CockpitView, FrozenPeriod, IndicatorView, ReportedView,
};
use crate::AppState;

/// The indicators of one area, in the service's order.
struct Area {
    name: String,
    items: Vec<IndicatorView>,
}

/// What the cockpit shows besides the indicator cards: their trends, and
/// the figures of the areas as charts with their tables.
struct Extras {
    trends: Vec<(Chart, IndicatorView)>,
    race: Option<(Chart, Vec<crate::service::cases::FiguresView>)>,
    funnel: Option<(Chart, Vec<FunnelLine>)>,
    chains: Option<(Chart, Vec<IndicatorView>)>,
    maps: Vec<Chart>,
}

/// An indicator's trend as a chart (its table sits beside it).
fn trend_chart(i: &IndicatorView) -> Chart {
    let large = i
        .trend
        .iter()
        .any(|t| t.value.unwrap_or(0).abs() >= 10_000_000_000);
    type Scale = fn(Option<i64>) -> Option<f64>;
    let (unit, scale): (&str, Scale) = match i.unit.as_str() {
        "permille" => ("%", percent),
        // 亿元 once a value reaches one 亿.
        "money" if large => ("亿元", yi_yuan),
        "money" => ("万元", wan_yuan),
        _ => ("", |v| v.map(|n| n as f64)),
    };
    let unit = if unit.is_empty() {
        i.unit_label.as_str()
    } else {
        unit
    };
    let kind = if i.basis == "stock" {
        Kind::Line
    } else {
        Kind::Bar
    };
    Chart::new(&format!("trend-{}", i.code), &i.name, kind, unit, "")
        .categories(i.trend.iter().map(|t| t.label.clone()))
        .series(&i.name, i.trend.iter().map(|t| scale(t.value)))
        .height(220)
}

async fn extras(st: &AppState, p: &Principal, v: &CockpitView) -> ApiResult<Extras> {
    let trends = v
        .indicators
        .iter()
        .filter(|i| !i.trend.is_empty())
        .map(|i| (trend_chart(i), i.clone()))
        .collect();
    let race = if p.can(Permission::CasesRead) {
        let st = crate::service::cases::dashboard_statistics(
            st,
            p,
            &crate::service::cases::CaseListQuery {
                from: Some(v.from.to_string()),
                to: Some(v.to.to_string()),
                group: Some("department".into()),
                ..Default::default()
            },
        )
        .await?;
        let rows: Vec<_> = st
            .groups
            .into_iter()
            .filter(|g| !g.key.is_empty())
            .collect();
        let chart = Chart::new(
            "race-chart",
            "部门赛马：按时办结率（本期受理）",
            Kind::Hbar,
            "%",
            "cockpit-race",
        )
        .categories(rows.iter().map(|r| r.name.clone()))
        .series(
            "按时办结率",
            rows.iter().map(|r| percent(r.on_time_permille)),
        )
        .height((rows.len() as u32 * 26).clamp(200, 700));
        Some((chart, rows))
    } else {
        None
    };
    let funnel = if p.can(Permission::TransferRead) {
        let lines = funnel_lines(
            crate::service::transfer::projects::funnel_rows(st, p, &Default::default()).await?,
        );
        Some((funnel_chart(&lines, "cockpit-funnel"), lines))
    } else {
        None
    };
    let outputs: Vec<IndicatorView> = v
        .indicators
        .iter()
        .filter(|i| i.code.starts_with("chain_output:"))
        .cloned()
        .collect();
    let year = v.to.format("%Y").to_string();
    let chains = (!outputs.is_empty()).then(|| {
        let chart = Chart::new(
            "chains-chart",
            &format!("产业链产值（{year}年与上年，亿元）"),
            Kind::Bar,
            "亿元",
            "cockpit-chains",
        )
        .categories(
            outputs
                .iter()
                .map(|i| i.name.trim_end_matches("产值").to_string()),
        )
        .series(
            &format!("{year}年"),
            outputs.iter().map(|i| yi_yuan(i.value)),
        )
        .series("上年", outputs.iter().map(|i| yi_yuan(i.year_before)));
        (chart, outputs)
    });
    let mut maps = vec![];
    if p.can(Permission::ChainsRead) {
        for c in kechuang_store::chains::list(&st.db).await? {
            let m = crate::service::chains::map(st, p, &c.chain.id).await?;
            let page = format!("/chains/{}#chain-members", c.chain.id);
            maps.push(map_chart(&m, &format!("map-{}", c.chain.id), &page));
        }
    }
    Ok(Extras {
        trends,
        race,
        funnel,
        chains,
        maps,
    })
}

#[derive(Template)]
#[template(path = "cockpit/index.html")]
struct CockpitPage {
    page: PageCtx,
    v: CockpitView,
    x: Extras,
    areas: Vec<Area>,
    kinds: Vec<(&'static str, &'static str, bool)>,
    choices: Vec<(String, String)>,
    report_href: String,
    print_href: String,
    screen_href: String,
    /// May submit (freeze) an ended period or lift a freeze.
    can_report: bool,
    /// The period has ended: it can be frozen.
    ended: bool,
    fs: FormState,
}

impl CockpitPage {
    fn basis(&self, b: &str) -> &'static str {
        basis_label(b)
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
    fn when(&self, f: &FrozenPeriod) -> String {
        fmt_time(f.created_at)
    }
    fn rate(&self, permille: &Option<i64>) -> String {
        cockpit::display("permille", *permille)
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
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(index_page(&st, &p, &q, FormState::default(), fl.flash.as_deref()).await?)
}

async fn index_page(
    st: &AppState,
    p: &Principal,
    q: &CockpitQuery,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    let v = cockpit::cockpit(st, p, q).await?;
    let period = q.period()?;
    let areas = areas(&v.indicators);
    let x = extras(st, p, &v).await?;
    Ok(render(&CockpitPage {
        page: PageCtx::new(st, p, "领导驾驶舱", "/cockpit", &[("领导驾驶舱", "")])
            .flash_code(flash),
        kinds: [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Year]
            .into_iter()
            .map(|k| (k.as_str(), k.label(), k == period.kind()))
            .collect(),
        choices: choices(period.kind(), period),
        report_href: format!("/api/v1/cockpit/report?period={}", v.period),
        print_href: format!("/cockpit/print?period={}", v.period),
        screen_href: format!("/cockpit/screen?period={}", v.period),
        can_report: p.can(Permission::CockpitReport),
        ended: period.to() < kechuang_store::clock::today(),
        areas,
        x,
        v,
        fs,
    }))
}

/// The indicators grouped by area, in the service's order.
fn areas(indicators: &[IndicatorView]) -> Vec<Area> {
    let mut areas: Vec<Area> = vec![];
    for i in indicators {
        match areas.iter_mut().find(|a| a.name == i.area) {
            Some(a) => a.items.push(i.clone()),
            None => areas.push(Area {
                name: i.area.clone(),
                items: vec![i.clone()],
            }),
        }
    }
    areas
}

// ---------------------------------------------------------------- printable report

#[derive(Template)]
#[template(path = "cockpit/print.html")]
struct PrintPage {
    page: PageCtx,
    v: CockpitView,
    areas: Vec<Area>,
    generated: String,
    back_href: String,
}

impl PrintPage {
    fn when(&self, f: &FrozenPeriod) -> String {
        fmt_time(f.created_at)
    }
    fn basis(&self, b: &str) -> &'static str {
        basis_label(b)
    }
}

fn basis_label(b: &str) -> &'static str {
    match b {
        "flow" => "本期",
        "year" => "年度",
        "reported" => "报送",
        _ => "时点",
    }
}

/// GET /cockpit/print: the period report as a printable page (the same
/// rows as the Excel report).
pub async fn print(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<CockpitQuery>,
) -> PageResult {
    let v = cockpit::cockpit(&st, &p, &q).await?;
    let back_href = format!("/cockpit?period={}", v.period);
    Ok(render(&PrintPage {
        page: PageCtx::new(
            &st,
            &p,
            &format!("指标报告（{}）", v.label),
            "/cockpit",
            &[("领导驾驶舱", &back_href), ("指标报告", "")],
        ),
        areas: areas(&v.indicators),
        generated: fmt_time(chrono::Utc::now()),
        back_href,
        v,
    }))
}

// ---------------------------------------------------------------- big screen

#[derive(Template)]
#[template(path = "cockpit/screen.html")]
struct ScreenPage {
    v: CockpitView,
    x: Extras,
    /// The headline indicators (`SCREEN_HEADLINE`).
    headline: Vec<IndicatorView>,
    asset_v: String,
    generated: String,
    refresh: u32,
}

impl ScreenPage {
    fn up(&self, change: &str) -> bool {
        change.starts_with("增长") || change.starts_with("上升")
    }
}

/// The big screen's headline figures, in this order (those the records have).
const SCREEN_HEADLINE: [&str; 12] = [
    "reported:rd_intensity",
    "contract_turnover",
    "cases_received",
    "cases_solved",
    "cases_on_time",
    "cases_satisfaction",
    "party_orgs",
    "commitments_kept",
    "events_held",
    "events_attendances",
    "talent_requests",
    "loan_amount",
];

/// Seconds between the big screen's refreshes.
const SCREEN_REFRESH_S: u32 = 300;

/// GET /cockpit/screen: the big screen (大屏) for the committee's display,
/// 1920×1080, dark, refreshing itself every five minutes.
pub async fn screen(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<CockpitQuery>,
) -> PageResult {
    // Without a period the screen shows the year so far.
    let q = match (&q.kind, &q.period) {
        (None, None) => CockpitQuery {
            kind: Some("year".into()),
            period: None,
        },
        _ => q,
    };
    let v = cockpit::cockpit(&st, &p, &q).await?;
    let mut x = extras(&st, &p, &v).await?;
    // The screen shows a few trends: the case loop's and the events'.
    x.trends.retain(|(_, i)| {
        matches!(
            i.code.as_str(),
            "cases_received" | "cases_on_time" | "events_attendances" | "contract_turnover"
        )
    });
    for (c, _) in x.trends.iter_mut() {
        c.height = 200;
    }
    x.maps.clear();
    let headline = SCREEN_HEADLINE
        .iter()
        .filter_map(|code| v.indicators.iter().find(|i| i.code == *code))
        .cloned()
        .collect();
    Ok(render(&ScreenPage {
        headline,
        asset_v: crate::assets::version(),
        generated: fmt_time(chrono::Utc::now()),
        refresh: SCREEN_REFRESH_S,
        v,
        x,
    }))
}

/// The cockpit of `period` with a flash.
fn back_to(period: &str, flash: &str) -> Response {
    axum::response::Redirect::to(&format!("/cockpit?period={period}&flash={flash}")).into_response()
}

/// POST /cockpit/freezes: the shown period submitted (报送) and frozen.
pub async fn freeze(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result = async {
        let f = cockpit::freeze(&st, &p, draft(&pairs)?).await?;
        Ok(back_to(&f.period, "frozen"))
    }
    .await;
    let q = CockpitQuery {
        kind: None,
        period: Some(super::actions::field(&pairs, "period").to_string()),
    };
    answer(result, "freeze", pairs, |fs| {
        index_page(&st, &p, &q, fs, None)
    })
    .await
}

/// POST /cockpit/freezes/{period}/delete: the freeze lifted.
pub async fn unfreeze(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(period): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    cockpit::unfreeze(&st, &p, &period, version(&pairs)?).await?;
    Ok(back_to(&period, "unfrozen"))
}

// ---------------------------------------------------------------- reported statistics

#[derive(Template)]
#[template(path = "cockpit/reported.html")]
struct ReportedPage {
    page: PageCtx,
    rows: Vec<ReportedView>,
    export_href: String,
    /// The submitted (frozen) periods.
    freezes: Vec<FrozenPeriod>,
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
    fn frozen_at(&self, f: &FrozenPeriod) -> String {
        fmt_time(f.created_at)
    }
    fn period_label(&self, code: &str) -> String {
        Period::parse(code).map_or_else(|| code.to_string(), Period::label)
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
        export_href: match code {
            Some(c) => format!(
                "/api/v1/cockpit/reported/export?code={}",
                crate::auth::urlencode(c)
            ),
            None => "/api/v1/cockpit/reported/export".into(),
        },
        freezes: cockpit::freezes(st, p).await?,
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
        .route("/cockpit/print", get(print))
        .route("/cockpit/screen", get(screen))
        .route("/cockpit/freezes", post(freeze))
        .route("/cockpit/freezes/{period}/delete", post(unfreeze))
        .route(REPORTED, get(reported).post(create_reported))
        .route(
            "/cockpit/reported/{id}/edit",
            get(reported_form).post(update_reported),
        )
}

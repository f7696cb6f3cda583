//! Technology-transfer pages (成果转化 · 资金链): the overview with the
//! funnel and headline figures, projects and their gates, grant-to-equity,
//! tiered loans and technology contracts. Every action form posts to
//! `…/{id}/act/{action}`; a rejected form is shown again with its values
//! and the errors in place.

pub mod contracts;
pub mod documents;
pub mod equity;
pub mod equity_applications;
pub mod loans;
pub mod projects;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use kechuang_domain::auth::Permission;
use kechuang_domain::money::Money;
use kechuang_domain::org::format_growth;
use kechuang_domain::transfer::Stage;
use kechuang_store::Principal;
use serde::Deserialize;

pub use super::actions::{
    answer, done, draft, field, import_refusal, org_choices, with_status, FlashQuery, FormState,
    ImportPanel,
};
use super::{render, PageCtx, PageResult};
use crate::auth::{require, PageUser};
use crate::error::ApiError;
use crate::service::transfer::{
    contracts as service_contracts, equity as service_equity, loans as service_loans,
    projects as service_projects,
};
use crate::AppState;
use axum::routing::{get, post};
use axum::Router;

/// "1,450.00 万元"
pub fn wan(fen: i64) -> String {
    format!("{} 万元", Money::from_fen(fen).to_wan_yuan_string())
}

/// "3.52 亿元"
pub fn yi(fen: i64) -> String {
    format!("{} 亿元", Money::from_fen(fen).to_yi_yuan_string())
}

/// "1,234,567.89"
pub fn yuan(fen: i64) -> String {
    Money::from_fen(fen).to_string()
}

pub struct FunnelLine {
    pub stage: String,
    pub label: String,
    pub active: u64,
    pub on_hold: u64,
    pub stopped: u64,
    pub entered: u64,
    pub avg_days: String,
    /// Bar width in percent of the widest stage.
    pub width: u64,
}

pub struct TurnoverLine {
    pub year: i32,
    pub contracts: u64,
    pub amount: String,
    pub tech_amount: String,
    pub growth: String,
    pub streak: u32,
    /// The current year, still running.
    pub partial: bool,
}

#[derive(Template)]
#[template(path = "transfer/overview.html")]
struct OverviewPage {
    page: PageCtx,
    funnel: Vec<FunnelLine>,
    fields: Vec<String>,
    chains: Vec<(String, String)>,
    field: String,
    chain_id: String,
    equity: kechuang_store::transfer::equity::Totals,
    loans: kechuang_store::transfer::loans::TierTotals,
    turnover: Vec<TurnoverLine>,
    incubated: Vec<service_projects::ProjectView>,
    chart: crate::charts::Chart,
}

impl OverviewPage {
    fn date_opt(&self, d: &Option<chrono::NaiveDate>) -> String {
        d.map(super::fmt_date).unwrap_or_default()
    }
    /// The latest complete year of contract turnover (the current year is still running).
    fn full_year(&self) -> Option<&TurnoverLine> {
        use chrono::Datelike;
        let this_year = kechuang_store::clock::today().year();
        self.turnover
            .iter()
            .rev()
            .find(|t| t.year < this_year)
            .or(self.turnover.last())
    }
    fn wan(&self, fen: impl std::borrow::Borrow<i64>) -> String {
        let fen = *fen.borrow();
        wan(fen)
    }
}

#[derive(Deserialize, Default)]
pub struct OverviewQuery {
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub chain_id: String,
    pub flash: Option<String>,
}

pub fn funnel_lines(rows: Vec<kechuang_store::transfer::projects::FunnelRow>) -> Vec<FunnelLine> {
    let max = rows.iter().map(|r| r.entered).max().unwrap_or(0).max(1);
    rows.into_iter()
        .map(|r| FunnelLine {
            label: Stage::parse(&r.stage)
                .map(|s| s.label_zh())
                .unwrap_or("")
                .into(),
            width: r.entered * 100 / max,
            avg_days: r
                .avg_days
                .map(|d| format!("{d} 天"))
                .unwrap_or_else(|| "—".into()),
            stage: r.stage,
            active: r.active,
            on_hold: r.on_hold,
            stopped: r.stopped,
            entered: r.entered,
        })
        .collect()
}

/// The funnel as a chart: projects that reached each stage (the funnel
/// table holds the same figures).
pub fn funnel_chart(lines: &[FunnelLine], table: &str) -> crate::charts::Chart {
    crate::charts::Chart::new(
        "funnel-chart",
        "转化漏斗（到达过各阶段的项目）",
        crate::charts::Kind::Funnel,
        "个",
        table,
    )
    .categories(lines.iter().map(|f| f.label.clone()))
    .series("到达过", lines.iter().map(|f| Some(f.entered as f64)))
}

pub fn turnover_lines(rows: Vec<service_contracts::TurnoverView>) -> Vec<TurnoverLine> {
    use chrono::Datelike;
    let this_year = kechuang_store::clock::today().year();
    rows.into_iter()
        .map(|t| TurnoverLine {
            partial: t.year == this_year,
            year: t.year,
            contracts: t.contracts,
            amount: yi(t.amount_fen),
            tech_amount: yi(t.tech_amount_fen),
            growth: format_growth(t.growth_permille),
            streak: t.growth_streak,
        })
        .collect()
}

/// /transfer: the funnel by stage (filter by field and chain), the
/// grant-to-equity and loan programmes, contract turnover by year.
pub async fn overview(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<OverviewQuery>,
) -> PageResult {
    Ok(overview_page(&st, &p, q).await?)
}

async fn overview_page(
    st: &AppState,
    p: &Principal,
    q: OverviewQuery,
) -> Result<Response, ApiError> {
    require(p, Permission::TransferRead)?;
    let fq = service_projects::FunnelQuery {
        field: Some(q.field.clone()),
        chain_id: Some(q.chain_id.clone()),
    };
    let funnel = funnel_lines(service_projects::funnel_rows(st, p, &fq).await?);
    let equity = service_equity::totals_of(st, p).await?;
    let loans = service_loans::totals_of(st, p)
        .await?
        .pop()
        .unwrap_or_default();
    let turnover = turnover_lines(service_contracts::turnover_rows(st, p, None).await?);
    let incubating = kechuang_store::transfer::projects::ProjectFilter {
        stage: Some(Stage::Incubation),
        ..Default::default()
    };
    let mut incubated = service_projects::views(
        st,
        kechuang_store::transfer::projects::list_all(&st.db, &incubating, 500).await?,
    )
    .await?;
    incubated.retain(|v| v.project.firm_org_id.is_some());
    Ok(render(&OverviewPage {
        page: PageCtx::new(st, p, "成果转化总览", "/transfer", &[("成果转化", "")])
            .flash_code(q.flash.as_deref()),
        chart: funnel_chart(&funnel, "funnel"),
        funnel,
        fields: kechuang_store::transfer::projects::fields(&st.db).await?,
        chains: kechuang_store::names::all_ordered(&st.db, "chains").await?,
        field: q.field,
        chain_id: q.chain_id,
        equity,
        loans,
        turnover,
        incubated,
    }))
}

/// The transfer pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/transfer", get(overview))
        .route(
            "/transfer/projects",
            get(projects::list).post(projects::create),
        )
        .route("/transfer/projects/export.xlsx", get(projects::export))
        .route("/transfer/projects/import", post(projects::import))
        .route("/transfer/projects/{id}", get(projects::detail))
        .route("/transfer/projects/{id}/act/{action}", post(projects::act))
        .route("/transfer/grant-equity", get(equity::list))
        .route("/transfer/grant-equity/export.xlsx", get(equity::export))
        .route("/transfer/grant-equity/act/{action}", post(equity::create))
        .route("/transfer/grant-equity/{id}", get(equity::detail))
        .route(
            "/transfer/grant-equity/{id}/act/{action}",
            post(equity::act),
        )
        .route(
            "/transfer/grant-equity-applications",
            get(equity_applications::list),
        )
        .route(
            "/transfer/grant-equity-applications/export.xlsx",
            get(equity_applications::export),
        )
        .route(
            "/transfer/grant-equity-applications/{id}",
            get(equity_applications::detail),
        )
        .route(
            "/transfer/grant-equity-applications/{id}/decision",
            post(equity_applications::decide),
        )
        .route(
            "/transfer/grant-equity-applications/{id}/documents",
            post(equity_applications::attach),
        )
        .route("/transfer/loans", get(loans::list))
        .route("/transfer/loans/export.xlsx", get(loans::export))
        .route("/transfer/loans/tiers.xlsx", get(loans::export_tiers))
        .route("/transfer/loans/tiers/import", post(loans::import_tiers))
        .route("/transfer/loans/act/{action}", post(loans::create))
        .route("/transfer/loans/{id}", get(loans::detail))
        .route("/transfer/loans/{id}/act/{action}", post(loans::act))
        .route("/transfer/loans/{id}/documents", post(loans::attach))
        .route(
            "/transfer/contracts",
            get(contracts::list).post(contracts::create),
        )
        .route("/transfer/contracts/export.xlsx", get(contracts::export))
        .route("/transfer/contracts/import", post(contracts::import))
}

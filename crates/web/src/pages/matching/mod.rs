//! Matchmaking pages (技术撮合): the overview in figures (/matching), needs
//! and offers with their review and ranked, explained matches
//! (listings.rs), leads worked to signing (leads.rs) and the cooperation
//! projects, and the vocabulary reviewers keep (terms.rs). Thin adapters over `service::matching`, the same door as the API.

use askama::Template;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use axum::Router;
use kechuang_domain::auth::Permission;
use kechuang_domain::matching::{CoopMode, LeadStage, ListingStatus, OfferKind};
use kechuang_domain::money::Money;
use serde::Deserialize;

use crate::auth::PageUser;
use crate::error::ApiResult;
use crate::pages::{query_string, render, PageCtx, PageResult, Pager};
use crate::service::matching::leads::{
    self as lead_service, CooperationProjectView, MatchingFiguresView, ProjectListQuery,
};
use crate::AppState;

mod edit;
mod leads;
mod listings;
mod terms;

pub const OVERVIEW: &str = "/matching";
pub const NEEDS: &str = "/matching/needs";
pub const OFFERS: &str = "/matching/offers";
pub const LEADS: &str = "/matching/leads";
pub const PROJECTS: &str = "/matching/projects";
pub const TERMS: &str = "/matching/terms";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(OVERVIEW, get(overview))
        .route(NEEDS, get(listings::needs).post(listings::create_need))
        .route("/matching/needs/import", post(listings::import_needs))
        .route("/matching/needs/{id}", get(listings::need))
        .route(
            "/matching/needs/{id}/act/{action}",
            post(listings::need_act),
        )
        .route(OFFERS, get(listings::offers).post(listings::create_offer))
        .route("/matching/offers/import", post(listings::import_offers))
        .route("/matching/offers/{id}", get(listings::offer))
        .route(
            "/matching/offers/{id}/act/{action}",
            post(listings::offer_act),
        )
        .route(
            "/matching/needs/{id}/edit",
            get(edit::need_form).post(edit::save_need),
        )
        .route(
            "/matching/offers/{id}/edit",
            get(edit::offer_form).post(edit::save_offer),
        )
        .route(LEADS, get(leads::list).post(leads::create))
        .route("/matching/leads/{id}", get(leads::detail))
        .route("/matching/leads/{id}/act/{action}", post(leads::act))
        .route(PROJECTS, get(projects))
        .route(TERMS, get(terms::list).post(terms::create))
        .route("/matching/terms/{id}/act/{action}", post(terms::act))
}

fn crumbs(last: &str) -> Vec<(&str, &str)> {
    vec![("技术撮合", OVERVIEW), (last, "")]
}

/// "1,234,567.89 元", or `none` for no amount.
pub fn yuan_or(fen: &Option<i64>, none: &str) -> String {
    match fen {
        Some(f) => format!("{} 元", Money::from_fen(*f)),
        None => none.to_string(),
    }
}

/// "1,450.00 万元"
pub fn wan(fen: i64) -> String {
    format!("{} 万元", Money::from_fen(fen).to_wan_yuan_string())
}

fn listing_statuses() -> Vec<(&'static str, &'static str)> {
    ListingStatus::ALL
        .iter()
        .map(|k| (k.as_str(), k.label_zh()))
        .collect()
}

fn modes() -> Vec<(&'static str, &'static str)> {
    CoopMode::ALL
        .iter()
        .map(|k| (k.as_str(), k.label_zh()))
        .collect()
}

fn offer_kinds() -> Vec<(&'static str, &'static str)> {
    OfferKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.label_zh()))
        .collect()
}

fn stages() -> Vec<(&'static str, &'static str)> {
    LeadStage::ALL
        .iter()
        .map(|k| (k.as_str(), k.label_zh()))
        .collect()
}

async fn chain_choices(st: &AppState) -> ApiResult<Vec<(String, String)>> {
    Ok(kechuang_store::names::all_ordered(&st.db, "chains").await?)
}

async fn node_choices(st: &AppState) -> ApiResult<Vec<(String, String)>> {
    Ok(kechuang_store::chains::node_choices(&st.db).await?)
}

/// The period of the figures.
#[derive(Debug, Default, Deserialize)]
struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
}

#[derive(Template)]
#[template(path = "matching/overview.html")]
struct OverviewPage {
    page: PageCtx,
    f: MatchingFiguresView,
    from: String,
    to: String,
    /// The period as a query (kept by the links to the projects).
    period: String,
}

impl OverviewPage {
    /// The cooperation projects of the period.
    fn projects_href(&self) -> String {
        if self.period.is_empty() {
            PROJECTS.to_string()
        } else {
            format!("{PROJECTS}?{}", self.period)
        }
    }
    fn wan(&self, fen: &i64) -> String {
        wan(*fen)
    }
}

async fn overview(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    let f = lead_service::figures(&st, &p, &q.from, &q.to).await?;
    let (from, to) = (q.from.unwrap_or_default(), q.to.unwrap_or_default());
    Ok(render(&OverviewPage {
        page: PageCtx::new(&st, &p, "撮合总览", OVERVIEW, &[("撮合总览", "")]),
        period: query_string(&[("from", &from), ("to", &to)]),
        f,
        from,
        to,
    }))
}

#[derive(Template)]
#[template(path = "matching/projects.html")]
struct ProjectsPage {
    page: PageCtx,
    rows: Vec<CooperationProjectView>,
    pager: Pager,
    q: ProjectListQuery,
}

impl ProjectsPage {
    fn yuan(&self, fen: &i64) -> String {
        yuan_or(&Some(*fen), "")
    }
    fn mode(&self, code: &str) -> String {
        CoopMode::parse(code)
            .map(|m| m.label_zh().to_string())
            .unwrap_or_default()
    }
    fn only_leads(&self) -> bool {
        self.q.from_lead.as_deref() == Some("true")
    }
}

async fn projects(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<ProjectListQuery>,
) -> PageResult {
    let page = lead_service::list_projects(&st, &p, &q).await?;
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let query = query_string(&[
        ("q", &o(&q.q)),
        ("from", &o(&q.from)),
        ("to", &o(&q.to)),
        ("from_lead", &o(&q.from_lead)),
    ]);
    Ok(render(&ProjectsPage {
        page: PageCtx::new(&st, &p, "合作项目", PROJECTS, &crumbs("合作项目")),
        pager: Pager::new(&page, &format!("{PROJECTS}?{query}")),
        rows: page.items,
        q,
    }))
}

/// Whether the reader works the matchmaking (sees the per-broker table,
/// may review or broker).
pub fn staff(p: &kechuang_store::Principal) -> bool {
    p.can(Permission::MatchingReview) || p.can(Permission::MatchingBroker)
}

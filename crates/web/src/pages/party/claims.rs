//! Major projects claimed by party talents (揭榜挂帅) and their original results (原创性成果).
//!
//! Pages: /party/claims (totals — projects, talents, results, by level —,
//! filters, export, new claim), a claim (its results, the result form,
//! editing with the state) and /party/claims/results (every result).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use kechuang_domain::auth::Permission;
use kechuang_store::party::claims::{self as store, ClaimLevel, ClaimState, ResultKind};
use kechuang_store::party::network;
use kechuang_store::Principal;

use crate::auth::{require, PageUser};
use crate::error::{ApiError, ApiResult};
use crate::excel;
use crate::pages::actions::{
    answer, done, draft, field, import_answer, with_status, FlashQuery, FormState, ImportPanel,
};
use crate::pages::{fmt_date, query_string, render, PageCtx, PageResult, Pager};
use crate::service::party::claim_sheets as sheets;
use crate::service::party::claims::{
    self as service, ClaimDetailView, ClaimListQuery, ClaimTotalsView, ClaimView, ResultListQuery,
    ResultView,
};
use crate::AppState;

const CLAIMS: &str = "/party/claims";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(CLAIMS, get(list).post(create))
        .route("/party/claims/export.xlsx", get(export))
        .route("/party/claims/import", post(import))
        .route("/party/claims/results", get(results))
        .route("/party/claims/{id}", get(detail))
        .route("/party/claims/{id}/act/{action}", post(act))
}

type Options = Vec<(&'static str, &'static str)>;

fn levels() -> Options {
    ClaimLevel::ALL
        .iter()
        .map(|l| (l.as_str(), l.label_zh()))
        .collect()
}

fn states() -> Options {
    ClaimState::ALL
        .iter()
        .map(|l| (l.as_str(), l.label_zh()))
        .collect()
}

fn kinds() -> Options {
    ResultKind::ALL
        .iter()
        .map(|l| (l.as_str(), l.label_zh()))
        .collect()
}

fn today_text() -> String {
    kechuang_store::clock::today().to_string()
}

#[derive(Template)]
#[template(path = "party/claims.html")]
struct ClaimsPage {
    page: PageCtx,
    rows: Vec<ClaimView>,
    pager: Pager,
    q: ClaimListQuery,
    year: String,
    totals: ClaimTotalsView,
    export_href: String,
    levels: Options,
    states: Options,
    party_orgs: Vec<(String, String)>,
    can_write: bool,
    today: String,
    fs: FormState,
    imp: ImportPanel,
}

/// The ledger's import panel.
const CLAIM_IMPORT: (&str, &str, &str, &str) = (
    "import-claims",
    "/party/claims/import",
    "/api/v1/party/claims/import/template",
    "第一个工作表为揭榜项目（所属党组织按名称，可空）；“原创性成果”工作表按项目名称列出各项目的成果，可无。",
);

impl ClaimsPage {
    fn date(&self, d: &NaiveDate) -> String {
        fmt_date(*d)
    }
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
}

pub async fn list(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<ClaimListQuery>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(list_page(&st, &p, q, FormState::default(), fl.flash.as_deref()).await?)
}

async fn list_page(
    st: &AppState,
    p: &Principal,
    q: ClaimListQuery,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    list_page_with(st, p, q, fs, vec![], flash).await
}

/// The list, with the import panel showing a refused import's bad cells.
async fn list_page_with(
    st: &AppState,
    p: &Principal,
    q: ClaimListQuery,
    fs: FormState,
    problems: Vec<crate::excel::ImportProblem>,
    flash: Option<&str>,
) -> ApiResult<Response> {
    require(p, Permission::PartyRead)?;
    let imp = ImportPanel::new(CLAIM_IMPORT, &fs, problems);
    let page = store::list(
        &st.db,
        &q.filter()?,
        kechuang_store::PageReq::new(q.page, q.per_page)?,
    )
    .await?;
    let year = q.year.clone().unwrap_or_default();
    let query = query_string(&[
        ("q", q.q.as_deref().unwrap_or("")),
        ("level", q.level.as_deref().unwrap_or("")),
        ("state", q.state.as_deref().unwrap_or("")),
        ("party_org_id", q.party_org_id.as_deref().unwrap_or("")),
        ("year", &year),
    ]);
    let pager = Pager::new(&page, &format!("{CLAIMS}?{query}"));
    Ok(render(&ClaimsPage {
        page: PageCtx::new(
            st,
            p,
            "揭榜项目",
            CLAIMS,
            &[("党建引领", "/party"), ("揭榜项目", "")],
        )
        .flash_code(flash),
        rows: service::views(st, page.items).await?,
        pager,
        totals: service::totals_of(st, p, &q).await?,
        export_href: format!("/party/claims/export.xlsx?{query}"),
        year,
        q,
        levels: levels(),
        states: states(),
        party_orgs: network::choices(&st.db).await?,
        can_write: p.can(Permission::PartyWrite),
        today: today_text(),
        fs,
        imp,
    }))
}

/// POST /party/claims/import (multipart; the CSRF token rides in the query).
pub async fn import(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    mp: axum::extract::Multipart,
) -> PageResult {
    let r = async {
        let bytes = crate::excel::upload(mp).await?;
        sheets::import_bytes(&st, &p, &bytes).await
    }
    .await;
    import_answer(r, CLAIMS, |fs, problems| {
        list_page_with(&st, &p, ClaimListQuery::default(), fs, problems, None)
    })
    .await
}

pub async fn export(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<ClaimListQuery>,
) -> PageResult {
    let b = sheets::export_bytes(&st, &p, &q).await?;
    Ok(excel::xlsx_response("揭榜项目.xlsx", b))
}

pub async fn create(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result = match draft(&pairs) {
        Ok(d) => service::create(&st, &p, &d).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(c) => Ok(done(&format!("{CLAIMS}/{}", c.id), "created")),
        Err(e) if e.status.as_u16() == 422 => {
            let status = e.status;
            let fs = FormState::rejected("new", pairs, &e);
            let r = list_page(&st, &p, ClaimListQuery::default(), fs, None).await?;
            Ok(with_status(r, status))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "party/claims_detail.html")]
struct ClaimPage {
    page: PageCtx,
    d: ClaimDetailView,
    can_write: bool,
    levels: Options,
    states: Options,
    kinds: Options,
    party_orgs: Vec<(String, String)>,
    today: String,
    fs: FormState,
}

impl ClaimPage {
    fn date(&self, d: &NaiveDate) -> String {
        fmt_date(*d)
    }
    fn current(&self, field: &str) -> String {
        let c = &self.d.claim.claim;
        match field {
            "title" => c.title.clone(),
            "level" => c.level.clone(),
            "team" => c.team.clone(),
            "leader" => c.leader.clone(),
            "participants" => c.participants.to_string(),
            "party_org_id" => c.party_org_id.clone().unwrap_or_default(),
            "state" => c.state.clone(),
            "claimed_on" => c.claimed_on.to_string(),
            _ => String::new(),
        }
    }
}

pub async fn detail(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(f): Query<FlashQuery>,
) -> PageResult {
    Ok(detail_page(&st, &p, &id, FormState::default(), f.flash.as_deref()).await?)
}

async fn detail_page(
    st: &AppState,
    p: &Principal,
    id: &str,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    require(p, Permission::PartyRead)?;
    let d = service::detail_view(st, id).await?;
    let title = d.claim.claim.title.clone();
    Ok(render(&ClaimPage {
        page: PageCtx::new(
            st,
            p,
            &title,
            CLAIMS,
            &[("党建引领", "/party"), ("揭榜项目", CLAIMS), (&title, "")],
        )
        .flash_code(flash),
        d,
        can_write: p.can(Permission::PartyWrite),
        levels: levels(),
        states: states(),
        kinds: kinds(),
        party_orgs: network::choices(&st.db).await?,
        today: today_text(),
        fs,
    }))
}

/// POST /party/claims/{id}/act/{action}: edit, result.
pub async fn act(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path((id, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result: ApiResult<&str> = async {
        match action.as_str() {
            "edit" => {
                let version = field(&pairs, "version").parse().unwrap_or(0);
                service::update(&st, &p, &id, version, &draft(&pairs)?)
                    .await
                    .map(|_| "saved")
            }
            "result" => service::add_result(&st, &p, &id, &draft(&pairs)?)
                .await
                .map(|_| "created"),
            _ => Err(ApiError::not_found()),
        }
    }
    .await;
    answer(
        result.map(|flash| done(&format!("{CLAIMS}/{id}"), flash)),
        &action,
        pairs,
        |fs| detail_page(&st, &p, &id, fs, None),
    )
    .await
}

#[derive(Template)]
#[template(path = "party/claims_results.html")]
struct ResultsPage {
    page: PageCtx,
    rows: Vec<ResultView>,
    pager: Pager,
    q: ResultListQuery,
    year: String,
    kinds: Options,
}

impl ResultsPage {
    fn date(&self, d: &NaiveDate) -> String {
        fmt_date(*d)
    }
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
}

pub async fn results(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<ResultListQuery>,
) -> PageResult {
    Ok(results_page(&st, &p, q).await?)
}

async fn results_page(st: &AppState, p: &Principal, q: ResultListQuery) -> ApiResult<Response> {
    require(p, Permission::PartyRead)?;
    let page = store::list_results(
        &st.db,
        &q.filter()?,
        kechuang_store::PageReq::new(q.page, q.per_page)?,
    )
    .await?;
    let year = q.year.clone().unwrap_or_default();
    let query = query_string(&[
        ("q", q.q.as_deref().unwrap_or("")),
        ("kind", q.kind.as_deref().unwrap_or("")),
        ("claim_id", q.claim_id.as_deref().unwrap_or("")),
        ("year", &year),
    ]);
    let pager = Pager::new(&page, &format!("/party/claims/results?{query}"));
    Ok(render(&ResultsPage {
        page: PageCtx::new(
            st,
            p,
            "原创性成果",
            CLAIMS,
            &[
                ("党建引领", "/party"),
                ("揭榜项目", CLAIMS),
                ("原创性成果", ""),
            ],
        ),
        rows: service::result_views(st, page.items).await?,
        pager,
        year,
        q,
        kinds: kinds(),
    }))
}

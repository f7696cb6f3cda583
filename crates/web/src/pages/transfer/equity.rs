//! Grant-to-equity pages (先投后股): fund pools and their recycling, the
//! agreement list with the new-agreement form, and an agreement's page
//! with tranches, the conversion on the qualifying round, and the exit.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use kechuang_domain::auth::Permission;
use kechuang_store::Principal;

use super::{answer, FlashQuery};
use super::{done, draft, org_choices, render, wan, yuan, FormState, PageCtx, PageResult};
use crate::auth::{require, PageUser};
use crate::error::{ApiError, ApiResult};
use crate::excel;
use crate::forms::transfer::today_text;
use crate::pages::{query_string, Pager};
use crate::service::transfer::equity::{
    self as service, ppm_percent, price_text, AgreementDetailView, AgreementListQuery,
    AgreementView, PoolView,
};
use crate::AppState;

#[derive(Template)]
#[template(path = "transfer/equity.html")]
struct ListPage {
    page: PageCtx,
    pools: Vec<PoolView>,
    rows: Vec<AgreementView>,
    pager: Pager,
    q: AgreementListQuery,
    export_href: String,
    statuses: Vec<(&'static str, &'static str)>,
    firms: Vec<(String, String)>,
    projects: Vec<(String, String)>,
    totals: kechuang_store::transfer::equity::Totals,
    can_write: bool,
    today: String,
    fs: FormState,
}

impl ListPage {
    fn date(&self, d: impl std::borrow::Borrow<chrono::NaiveDate>) -> String {
        crate::pages::fmt_date(*d.borrow())
    }
    fn wan(&self, fen: impl std::borrow::Borrow<i64>) -> String {
        let fen = *fen.borrow();
        wan(fen)
    }
    fn ppm(&self, ppm: impl std::borrow::Borrow<i32>) -> String {
        let ppm = *ppm.borrow();
        ppm_percent(ppm.into())
    }
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
}

/// `?application=`: open the agreement form filled from an approved online
/// application (its firm, the amount asked for, and its id to close it).
#[derive(serde::Deserialize)]
pub struct SignQuery {
    pub application: Option<String>,
}

pub async fn list(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<AgreementListQuery>,
    Query(fl): Query<FlashQuery>,
    Query(sign): Query<SignQuery>,
) -> PageResult {
    let mut fs = FormState::default();
    if let Some(id) = sign.application.filter(|_| p.can(Permission::FundingWrite)) {
        let a = match kechuang_store::transfer::equity_applications::get(&st.db, &id).await {
            Ok(a) => Some(a),
            // A stale link opens the list as it is.
            Err(kechuang_store::StoreError::NotFound) => None,
            Err(e) => return Err(ApiError::from(e).into()),
        };
        if let Some(a) = a.filter(|a| a.status == "approved") {
            fs = FormState::prefilled(
                "agreement",
                [
                    ("application_id", a.id),
                    ("org_id", a.org_id),
                    (
                        "grant_yuan",
                        format!("{}.{:02}", a.requested_fen / 100, a.requested_fen % 100),
                    ),
                ],
            );
        }
    }
    let flash = fl.flash;
    Ok(list_page(&st, &p, q, fs, flash.as_deref()).await?)
}

async fn list_page(
    st: &AppState,
    p: &Principal,
    q: AgreementListQuery,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    require(p, Permission::TransferRead)?;
    let page = kechuang_store::transfer::equity::list(
        &st.db,
        &q.filter(),
        kechuang_store::PageReq::new(q.page, q.per_page)?,
    )
    .await?;
    let query = query_string(&[
        ("q", q.q.as_deref().unwrap_or("")),
        ("status", q.status.as_deref().unwrap_or("")),
        ("pool_id", q.pool_id.as_deref().unwrap_or("")),
    ]);
    let pager = Pager::new(&page, &format!("/transfer/grant-equity?{query}"));
    let projects = kechuang_store::transfer::projects::list_all(&st.db, &Default::default(), 2_000)
        .await?
        .into_iter()
        .map(|p| (p.id, p.title))
        .collect();
    Ok(render(&ListPage {
        page: PageCtx::new(
            st,
            p,
            "先投后股",
            "/transfer/grant-equity",
            &[("成果转化", "/transfer"), ("先投后股", "")],
        )
        .flash_code(flash),
        pools: service::pool_views(st, p).await?,
        rows: service::views(st, page.items).await?,
        pager,
        export_href: format!("/transfer/grant-equity/export.xlsx?{query}"),
        q,
        statuses: kechuang_store::transfer::equity::STATUSES.to_vec(),
        firms: org_choices(st, &["enterprise"]).await?,
        projects,
        totals: service::totals_of(st, p).await?,
        can_write: p.can(Permission::FundingWrite),
        today: today_text(),
        fs,
    }))
}

pub async fn export(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<AgreementListQuery>,
) -> PageResult {
    let b = service::export_bytes(&st, &p, &q).await?;
    Ok(excel::xlsx_response("先投后股协议.xlsx", b))
}

/// POST /transfer/grant-equity/act/{action}: pool, agreement.
pub async fn create(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(action): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result: ApiResult<String> = async {
        match action.as_str() {
            "pool" => service::create_pool(&st, &p, &draft(&pairs)?)
                .await
                .map(|_| "/transfer/grant-equity".to_string()),
            "agreement" => service::create(&st, &p, &draft(&pairs)?)
                .await
                .map(|m| format!("/transfer/grant-equity/{}", m.id)),
            _ => Err(ApiError::not_found()),
        }
    }
    .await;
    answer(
        result.map(|to| done(&to, "created")),
        &action,
        pairs,
        |fs| list_page(&st, &p, AgreementListQuery::default(), fs, None),
    )
    .await
}

#[derive(Template)]
#[template(path = "transfer/agreement.html")]
struct DetailPage {
    page: PageCtx,
    d: AgreementDetailView,
    can_write: bool,
    today: String,
    fs: FormState,
}

impl DetailPage {
    fn yuan(&self, fen: impl std::borrow::Borrow<i64>) -> String {
        let fen = *fen.borrow();
        yuan(fen)
    }
    fn ppm(&self, ppm: impl std::borrow::Borrow<i32>) -> String {
        let ppm = *ppm.borrow();
        ppm_percent(ppm.into())
    }
    fn price(&self, e4: impl std::borrow::Borrow<i64>) -> String {
        let e4 = *e4.borrow();
        price_text(e4)
    }
    fn permille(&self, v: impl std::borrow::Borrow<i32>) -> String {
        let v = *v.borrow();
        format!("{}.{}%", v / 10, v % 10)
    }
    fn fmt_date(&self, d: &chrono::NaiveDate) -> String {
        crate::pages::fmt_date(*d)
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
    let d = service::detail(st, p, id).await?;
    let title = format!("先投后股协议 {}", d.agreement.agreement.agreement_no);
    Ok(render(&DetailPage {
        page: PageCtx::new(
            st,
            p,
            &title,
            "/transfer/grant-equity",
            &[
                ("成果转化", "/transfer"),
                ("先投后股", "/transfer/grant-equity"),
                (&title, ""),
            ],
        )
        .flash_code(flash),
        d,
        can_write: p.can(Permission::FundingWrite),
        today: today_text(),
        fs,
    }))
}

/// POST /transfer/grant-equity/{id}/act/{action}: tranche, round, close, exit.
pub async fn act(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path((id, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result: ApiResult<&str> = async {
        match action.as_str() {
            "tranche" => service::tranche(&st, &p, &id, &draft(&pairs)?)
                .await
                .map(|_| "disbursed"),
            "round" => service::round(&st, &p, &id, &draft(&pairs)?)
                .await
                .map(|_| "converted"),
            "close" => service::close(&st, &p, &id, &draft(&pairs)?)
                .await
                .map(|_| "saved"),
            "exit" => service::exit(&st, &p, &id, &draft(&pairs)?)
                .await
                .map(|_| "exited"),
            _ => Err(ApiError::not_found()),
        }
    }
    .await;
    answer(
        result.map(|flash| done(&format!("/transfer/grant-equity/{id}"), flash)),
        &action,
        pairs,
        |fs| detail_page(&st, &p, &id, fs, None),
    )
    .await
}

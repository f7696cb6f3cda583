//! 我的融资: a firm's own funding pages (adapters over `service::firm`):
//! its loans and grant-to-equity agreements with the tiers it may apply
//! for, the online application forms (a tiered loan, grant-to-equity), a
//! loan's page with the decision, the schedule and the documents, and a
//! grant-to-equity application's page (shared with the funding
//! departments' view).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use kechuang_store::Principal;

use super::actions::{answer, done, draft, FlashQuery, FormState};
use super::transfer::documents::{upload, Documents};
use super::transfer::equity_applications::detail_page as application_page;
use super::transfer::{wan, yuan};
use super::{render, PageCtx, PageResult};
use crate::auth::PageUser;
use crate::error::ApiResult;
use crate::service::firm::{self as service, FirmFunding, FirmLoanDetail};
use crate::AppState;

const FUNDING: &str = "/firm/funding";

#[derive(Template)]
#[template(path = "firm/funding.html")]
struct FundingPage {
    page: PageCtx,
    f: FirmFunding,
}

impl FundingPage {
    fn wan(&self, fen: &i64) -> String {
        wan(*fen)
    }
    fn date(&self, d: &chrono::NaiveDate) -> String {
        crate::format::fmt_date(*d)
    }
    fn permille(&self, v: &i32) -> String {
        format!("{}.{}%", v / 10, v % 10)
    }
}

pub async fn funding(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    let f = service::funding(&st, &p).await?;
    Ok(render(&FundingPage {
        page: PageCtx::new(&st, &p, "我的融资", FUNDING, &[("我的融资", "")])
            .flash_code(fl.flash.as_deref()),
        f,
    }))
}

#[derive(Template)]
#[template(path = "firm/apply.html")]
struct ApplyPage {
    page: PageCtx,
    f: FirmFunding,
    fs: FormState,
}

impl ApplyPage {
    fn wan(&self, fen: &i64) -> String {
        wan(*fen)
    }
}

async fn apply_page(st: &AppState, p: &Principal, fs: FormState) -> ApiResult<Response> {
    let f = service::funding(st, p).await?;
    Ok(render(&ApplyPage {
        page: PageCtx::new(
            st,
            p,
            "申请科企梯度贷",
            FUNDING,
            &[("我的融资", FUNDING), ("申请科企梯度贷", "")],
        ),
        f,
        fs,
    }))
}

pub async fn apply_form(State(st): State<AppState>, PageUser(p): PageUser) -> PageResult {
    Ok(apply_page(&st, &p, FormState::default()).await?)
}

/// POST /firm/loans: the application; errors beside their fields.
pub async fn apply(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result = async {
        let l = service::apply(&st, &p, &draft(&pairs)?).await?;
        Ok(done(&format!("/firm/loans/{}", l.id), "loan_applied"))
    }
    .await;
    answer(result, "apply", pairs, |fs| apply_page(&st, &p, fs)).await
}

#[derive(Template)]
#[template(path = "firm/loan.html")]
struct LoanPage {
    page: PageCtx,
    d: FirmLoanDetail,
    docs: Documents,
    today: chrono::NaiveDate,
}

impl LoanPage {
    fn yuan(&self, fen: &i64) -> String {
        yuan(*fen)
    }
    fn date(&self, d: &chrono::NaiveDate) -> String {
        crate::format::fmt_date(*d)
    }
    fn late(&self, k: &kechuang_store::entities::loan_installment::Model) -> bool {
        k.settled_on.is_none() && k.due_on < self.today
    }
}

async fn loan_page(
    st: &AppState,
    p: &Principal,
    id: &str,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    let mut d = service::loan(st, p, id).await?;
    let title = format!("贷款 {}", d.loan.loan_no);
    let docs = Documents::new(
        std::mem::take(&mut d.documents),
        format!("/firm/loans/{id}/documents"),
        d.can_attach,
        &fs,
    );
    Ok(render(&LoanPage {
        page: PageCtx::new(
            st,
            p,
            &title,
            FUNDING,
            &[("我的融资", FUNDING), (&title, "")],
        )
        .flash_code(flash),
        d,
        docs,
        today: kechuang_store::clock::today(),
    }))
}

pub async fn loan(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(loan_page(&st, &p, &id, FormState::default(), fl.flash.as_deref()).await?)
}

/// POST /firm/loans/{id}/documents: the firm adds a document while it waits.
pub async fn attach(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    mp: axum::extract::Multipart,
) -> PageResult {
    let to = format!("/firm/loans/{id}");
    upload(
        mp,
        &to,
        |u| crate::service::transfer::loans::attach_document(&st, &p, &id, u),
        |fs| loan_page(&st, &p, &id, fs, None),
    )
    .await
}

#[derive(Template)]
#[template(path = "firm/equity_apply.html")]
struct EquityApplyPage {
    page: PageCtx,
    org_name: String,
    fs: FormState,
}

async fn equity_apply_page(st: &AppState, p: &Principal, fs: FormState) -> ApiResult<Response> {
    let f = service::funding(st, p).await?;
    Ok(render(&EquityApplyPage {
        page: PageCtx::new(
            st,
            p,
            "申请先投后股",
            FUNDING,
            &[("我的融资", FUNDING), ("申请先投后股", "")],
        ),
        org_name: f.org_name,
        fs,
    }))
}

pub async fn equity_apply_form(State(st): State<AppState>, PageUser(p): PageUser) -> PageResult {
    Ok(equity_apply_page(&st, &p, FormState::default()).await?)
}

/// POST /firm/equity: the application; errors beside their fields.
pub async fn equity_apply(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result = async {
        let a = service::apply_equity(&st, &p, &draft(&pairs)?).await?;
        Ok(done(
            &format!("/firm/equity/{}", a.application.id),
            "equity_applied",
        ))
    }
    .await;
    answer(result, "equity", pairs, |fs| equity_apply_page(&st, &p, fs)).await
}

/// The firm's own application (another firm's is a 404).
pub async fn equity_application(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(application_page(
        &st,
        &p,
        &id,
        FormState::default(),
        fl.flash.as_deref(),
        true,
    )
    .await?)
}

/// POST /firm/equity/{id}/documents: the firm adds a document while it waits.
pub async fn equity_attach(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    mp: axum::extract::Multipart,
) -> PageResult {
    let to = format!("/firm/equity/{id}");
    upload(
        mp,
        &to,
        |u| crate::service::transfer::equity_applications::attach_document(&st, &p, &id, u),
        |fs| application_page(&st, &p, &id, fs, None, true),
    )
    .await
}

pub async fn export_funding(State(st): State<AppState>, PageUser(p): PageUser) -> PageResult {
    let bytes = crate::service::firm::funding_xlsx(&st, &p).await?;
    Ok(crate::excel::xlsx_response("我的融资.xlsx", bytes))
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(FUNDING, get(funding))
        .route("/firm/funding/export.xlsx", get(export_funding))
        .route("/firm/loans/new", get(apply_form))
        .route("/firm/loans", post(apply))
        .route("/firm/loans/{id}", get(loan))
        .route("/firm/loans/{id}/documents", post(attach))
        .route("/firm/equity/new", get(equity_apply_form))
        .route("/firm/equity", post(equity_apply))
        .route("/firm/equity/{id}", get(equity_application))
        .route("/firm/equity/{id}/documents", post(equity_attach))
}

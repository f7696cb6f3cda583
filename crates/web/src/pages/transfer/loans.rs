//! Tiered-loan pages (科企梯度贷): tiers and their totals, the loan list
//! with the application form, and a loan's page with its schedule,
//! repayments and the approval, disbursement, repayment and compensation
//! forms.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use kechuang_domain::auth::Permission;
use kechuang_domain::transfer::Ladder;
use kechuang_store::entities::loan_tier;
use kechuang_store::transfer::loans::TierTotals;
use kechuang_store::Principal;

use super::documents::{upload, Documents};
use super::{answer, with_status, FlashQuery, ImportPanel};
use super::{done, draft, org_choices, render, wan, yuan, FormState, PageCtx, PageResult};
use crate::auth::{require, PageUser};
use crate::error::{ApiError, ApiResult};
use crate::excel;
use crate::forms::transfer::today_text;
use crate::pages::{query_string, Pager};
use crate::service::transfer::loans::{
    self as service, bps_percent, ladder_label, LoanDetailView, LoanListQuery, LoanView,
};
use crate::AppState;

#[derive(Template)]
#[template(path = "transfer/loans.html")]
struct ListPage {
    page: PageCtx,
    tiers: Vec<loan_tier::Model>,
    totals: Vec<TierTotals>,
    rows: Vec<LoanView>,
    pager: Pager,
    q: LoanListQuery,
    export_href: String,
    statuses: Vec<(&'static str, &'static str)>,
    ladders: Vec<(&'static str, &'static str)>,
    firms: Vec<(String, String)>,
    can_write: bool,
    today: String,
    fs: FormState,
    imp: ImportPanel,
}

/// The tiers' import panel.
const TIER_IMPORT: (&str, &str, &str, &str) = (
    "import-tiers",
    "/transfer/loans/tiers/import",
    "/api/v1/transfer/loan-tiers/import/template",
    "培育层级写中文名称（科技型中小企业、高新技术企业、专精特新中小企业、专精特新“小巨人”），或留空只按创新积分；利率、贴息、风险池分担可带 %。",
);

impl ListPage {
    /// Applications no tier was open to (a row of their own in the totals).
    fn untiered(&self) -> Option<&TierTotals> {
        let n = self.totals.len();
        self.totals
            .get(self.tiers.len())
            .filter(|_| n == self.tiers.len() + 2)
    }
    fn date(&self, d: impl std::borrow::Borrow<chrono::NaiveDate>) -> String {
        crate::pages::fmt_date(*d.borrow())
    }
    fn wan(&self, fen: impl std::borrow::Borrow<i64>) -> String {
        let fen = *fen.borrow();
        wan(fen)
    }
    fn bps(&self, v: impl std::borrow::Borrow<i32>) -> String {
        let v = *v.borrow();
        bps_percent(v)
    }
    fn ladder(&self, code: &str) -> String {
        ladder_label(code)
    }
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
}

pub async fn list(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<LoanListQuery>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    let flash = fl.flash;
    Ok(list_page(&st, &p, q, FormState::default(), flash.as_deref()).await?)
}

async fn list_page(
    st: &AppState,
    p: &Principal,
    q: LoanListQuery,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    list_page_with(st, p, q, fs, vec![], flash).await
}

async fn list_page_with(
    st: &AppState,
    p: &Principal,
    q: LoanListQuery,
    fs: FormState,
    problems: Vec<crate::excel::ImportProblem>,
    flash: Option<&str>,
) -> ApiResult<Response> {
    require(p, Permission::TransferRead)?;
    let page = kechuang_store::transfer::loans::list(
        &st.db,
        &q.filter()?,
        kechuang_store::PageReq::new(q.page, q.per_page)?,
    )
    .await?;
    let query = query_string(&[
        ("q", q.q.as_deref().unwrap_or("")),
        ("status", q.status.as_deref().unwrap_or("")),
        ("tier_id", q.tier_id.as_deref().unwrap_or("")),
        ("overdue", q.overdue.as_deref().unwrap_or("")),
    ]);
    let pager = Pager::new(&page, &format!("/transfer/loans?{query}"));
    Ok(render(&ListPage {
        page: PageCtx::new(
            st,
            p,
            "科企梯度贷",
            "/transfer/loans",
            &[("成果转化", "/transfer"), ("科企梯度贷", "")],
        )
        .flash_code(flash),
        tiers: kechuang_store::transfer::loans::tiers(&st.db).await?,
        totals: service::totals_of(st, p).await?,
        rows: service::views(st, page.items).await?,
        pager,
        export_href: format!("/transfer/loans/export.xlsx?{query}"),
        q,
        statuses: kechuang_store::transfer::loans::STATUSES.to_vec(),
        ladders: Ladder::ALL
            .iter()
            .map(|l| (l.as_str(), l.label_zh()))
            .collect(),
        firms: org_choices(st, &["enterprise"]).await?,
        can_write: p.can(Permission::FundingWrite),
        today: today_text(),
        imp: ImportPanel::new(TIER_IMPORT, &fs, problems),
        fs,
    }))
}

pub async fn export_tiers(State(st): State<AppState>, PageUser(p): PageUser) -> PageResult {
    let b = service::tiers_export_bytes(&st, &p).await?;
    Ok(excel::xlsx_response("贷款梯度.xlsx", b))
}

/// POST /transfer/loans/tiers/import (multipart; CSRF token in the query).
pub async fn import_tiers(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    mp: axum::extract::Multipart,
) -> PageResult {
    let r = async {
        let bytes = crate::excel::upload(mp).await?;
        service::tiers_import_bytes(&st, &p, &bytes).await
    }
    .await;
    let (status, fs, problems) = match r {
        Ok(_) => return Ok(done("/transfer/loans", "imported")),
        Err(e) => super::import_refusal(e)?,
    };
    let r = list_page_with(&st, &p, LoanListQuery::default(), fs, problems, None).await?;
    Ok(with_status(r, status))
}

pub async fn export(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<LoanListQuery>,
) -> PageResult {
    let b = service::export_bytes(&st, &p, &q).await?;
    Ok(excel::xlsx_response("科企梯度贷.xlsx", b))
}

/// POST /transfer/loans/act/{action}: tier, apply.
pub async fn create(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(action): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result: ApiResult<String> = async {
        match action.as_str() {
            "tier" => service::create_tier(&st, &p, &draft(&pairs)?)
                .await
                .map(|_| "/transfer/loans".to_string()),
            "apply" => service::apply(&st, &p, &draft(&pairs)?)
                .await
                .map(|m| format!("/transfer/loans/{}", m.id)),
            _ => Err(ApiError::not_found()),
        }
    }
    .await;
    answer(
        result.map(|to| done(&to, "created")),
        &action,
        pairs,
        |fs| list_page(&st, &p, LoanListQuery::default(), fs, None),
    )
    .await
}

#[derive(Template)]
#[template(path = "transfer/loan.html")]
struct DetailPage {
    page: PageCtx,
    d: LoanDetailView,
    can_write: bool,
    today: String,
    fs: FormState,
    docs: Documents,
}

/// POST /transfer/loans/{id}/documents: the funding department adds a document.
pub async fn attach(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    mp: axum::extract::Multipart,
) -> PageResult {
    let to = format!("/transfer/loans/{id}");
    upload(
        mp,
        &to,
        |u| service::attach_document(&st, &p, &id, u),
        |fs| detail_page(&st, &p, &id, fs, None),
    )
    .await
}

impl DetailPage {
    fn yuan(&self, fen: impl std::borrow::Borrow<i64>) -> String {
        let fen = *fen.borrow();
        yuan(fen)
    }
    fn bps(&self, v: impl std::borrow::Borrow<i32>) -> String {
        let v = *v.borrow();
        bps_percent(v)
    }
    fn fmt_date(&self, d: &chrono::NaiveDate) -> String {
        crate::pages::fmt_date(*d)
    }
    fn late(&self, k: &kechuang_store::entities::loan_installment::Model) -> bool {
        k.settled_on.is_none() && k.due_on.to_string() < self.today
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
    let mut d = service::detail(st, p, id).await?;
    let title = format!("贷款 {}", d.loan.loan.loan_no);
    let can_write = p.can(Permission::FundingWrite);
    let docs = Documents::new(
        std::mem::take(&mut d.documents),
        format!("/transfer/loans/{id}/documents"),
        can_write,
        &fs,
    );
    Ok(render(&DetailPage {
        page: PageCtx::new(
            st,
            p,
            &title,
            "/transfer/loans",
            &[
                ("成果转化", "/transfer"),
                ("科企梯度贷", "/transfer/loans"),
                (&title, ""),
            ],
        )
        .flash_code(flash),
        d,
        can_write,
        today: today_text(),
        fs,
        docs,
    }))
}

/// POST /transfer/loans/{id}/act/{action}: decide, disburse, repay, compensate.
pub async fn act(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path((id, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result: ApiResult<&str> = async {
        match action.as_str() {
            "decide" => service::decide(&st, &p, &id, &draft(&pairs)?)
                .await
                .map(|_| "saved"),
            "disburse" => service::disburse(&st, &p, &id, &draft(&pairs)?)
                .await
                .map(|_| "disbursed"),
            "repay" => service::repay(&st, &p, &id, &draft(&pairs)?)
                .await
                .map(|_| "repaid"),
            "compensate" => service::compensate(&st, &p, &id, &draft(&pairs)?)
                .await
                .map(|_| "compensated"),
            _ => Err(ApiError::not_found()),
        }
    }
    .await;
    answer(
        result.map(|flash| done(&format!("/transfer/loans/{id}"), flash)),
        &action,
        pairs,
        |fs| detail_page(&st, &p, &id, fs, None),
    )
    .await
}

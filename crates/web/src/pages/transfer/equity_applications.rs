//! 先投后股申请: firms' online applications for grant-to-equity support as
//! the funding departments see them — the list with filters and export, an
//! application's page with its documents and the decision, and a link that
//! opens the agreement form filled from an approved application. The firm's
//! own side is `pages::firm`; both render `transfer/equity_application.html`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use kechuang_domain::auth::Permission;
use kechuang_store::Principal;

use super::documents::{upload, Documents};
use super::{answer, done, draft, render, wan, FlashQuery, FormState, PageCtx, PageResult};
use crate::auth::{require, PageUser};
use crate::error::ApiResult;
use crate::excel;
use crate::pages::{query_string, Pager};
use crate::service::transfer::equity_applications::{
    self as service, ApplicationDetail, ApplicationListQuery, ApplicationView,
};
use crate::AppState;

const LIST: &str = "/transfer/grant-equity-applications";

#[derive(Template)]
#[template(path = "transfer/equity_applications.html")]
struct ListPage {
    page: PageCtx,
    rows: Vec<ApplicationView>,
    pager: Pager,
    q: ApplicationListQuery,
    export_href: String,
    statuses: Vec<(&'static str, &'static str)>,
}

impl ListPage {
    fn date(&self, d: &chrono::NaiveDate) -> String {
        crate::format::fmt_date(*d)
    }
    fn wan(&self, fen: &i64) -> String {
        wan(*fen)
    }
    fn sel(&self, code: &str) -> bool {
        self.q.status.as_deref() == Some(code)
    }
}

pub async fn list(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<ApplicationListQuery>,
) -> PageResult {
    let page = service::list(&st, &p, &q).await?;
    let query = query_string(&[
        ("q", q.q.as_deref().unwrap_or("")),
        ("status", q.status.as_deref().unwrap_or("")),
    ]);
    Ok(render(&ListPage {
        page: PageCtx::new(
            &st,
            &p,
            "先投后股申请",
            LIST,
            &[("成果转化", "/transfer"), ("先投后股申请", "")],
        ),
        pager: Pager::new(&page, &format!("{LIST}?{query}")),
        rows: page.items,
        export_href: format!("{LIST}/export.xlsx?{query}"),
        q,
        statuses: kechuang_store::transfer::equity_applications::STATUSES.to_vec(),
    }))
}

pub async fn export(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<ApplicationListQuery>,
) -> PageResult {
    let b = service::export_bytes(&st, &p, &q).await?;
    Ok(excel::xlsx_response("先投后股申请.xlsx", b))
}

/// One application's page, for the funding departments and for the firm.
#[derive(Template)]
#[template(path = "transfer/equity_application.html")]
pub(crate) struct DetailPage {
    pub page: PageCtx,
    pub v: ApplicationView,
    pub docs: Documents,
    /// The reader decides and signs (funding departments).
    pub can_decide: bool,
    pub fs: FormState,
    /// Where 返回 leads.
    pub back: &'static str,
}

impl DetailPage {
    fn date(&self, d: &chrono::NaiveDate) -> String {
        crate::format::fmt_date(*d)
    }
    fn yuan(&self, fen: &i64) -> String {
        super::yuan(*fen)
    }
}

/// Build an application's page: `docs_action` is where the upload posts;
/// the firm may attach while it waits, the funding departments always.
pub(crate) async fn detail_page(
    st: &AppState,
    p: &Principal,
    id: &str,
    fs: FormState,
    flash: Option<&str>,
    firm_side: bool,
) -> ApiResult<Response> {
    let d: ApplicationDetail = service::detail(st, p, id).await?;
    let can_decide = !firm_side && p.can(Permission::FundingWrite);
    let title = format!("先投后股申请 {}", d.application.application.application_no);
    let (nav, crumbs, docs_action, back) = if firm_side {
        (
            "/firm/funding",
            vec![("我的融资", "/firm/funding"), (title.as_str(), "")],
            format!("/firm/equity/{id}/documents"),
            "/firm/funding",
        )
    } else {
        (
            LIST,
            vec![
                ("成果转化", "/transfer"),
                ("先投后股申请", LIST),
                (title.as_str(), ""),
            ],
            format!("{LIST}/{id}/documents"),
            LIST,
        )
    };
    let can_attach = can_decide || (firm_side && d.application.application.status == "applied");
    let docs = Documents::new(d.documents, docs_action, can_attach, &fs);
    Ok(render(&DetailPage {
        page: PageCtx::new(st, p, &title, nav, &crumbs).flash_code(flash),
        v: d.application,
        docs,
        can_decide,
        fs,
        back,
    }))
}

pub async fn detail(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    require(&p, Permission::TransferRead)?;
    Ok(detail_page(
        &st,
        &p,
        &id,
        FormState::default(),
        fl.flash.as_deref(),
        false,
    )
    .await?)
}

/// POST …/{id}/decision: approve or reject; errors beside the fields.
pub async fn decide(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result = async {
        service::decide(&st, &p, &id, &draft(&pairs)?).await?;
        Ok(done(&format!("{LIST}/{id}"), "saved"))
    }
    .await;
    answer(result, "decide", pairs, |fs| {
        detail_page(&st, &p, &id, fs, None, false)
    })
    .await
}

/// POST …/{id}/documents: the funding department adds a document.
pub async fn attach(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    mp: axum::extract::Multipart,
) -> PageResult {
    let to = format!("{LIST}/{id}");
    upload(
        mp,
        &to,
        |u| service::attach_document(&st, &p, &id, u),
        |fs| detail_page(&st, &p, &id, fs, None, false),
    )
    .await
}

//! Technology-contract pages (技术合同登记): turnover by year, the filtered
//! list with export, the registration form and the Excel import.

use crate::pages::actions::{import_refusal, ImportPanel};
use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::response::Response;
use axum::Form;
use kechuang_domain::auth::Permission;
use kechuang_domain::transfer::ContractKind;
use kechuang_store::Principal;

use super::{
    answer, done, draft, render, turnover_lines, wan, FormState, PageCtx, PageResult, TurnoverLine,
};
use super::{with_status, FlashQuery};
use crate::auth::{require, PageUser};
use crate::error::ApiResult;
use crate::excel;
use crate::excel::{upload, ImportProblem};
use crate::forms::transfer::today_text;
use crate::pages::{query_string, Pager};
use crate::service::transfer::contracts::{self as service, ContractListQuery, ContractView};
use crate::AppState;

#[derive(Template)]
#[template(path = "transfer/contracts.html")]
struct ListPage {
    page: PageCtx,
    turnover: Vec<TurnoverLine>,
    rows: Vec<ContractView>,
    pager: Pager,
    q: ContractListQuery,
    year: String,
    export_href: String,
    kinds: Vec<(&'static str, &'static str)>,
    chains: Vec<(String, String)>,
    projects: Vec<(String, String)>,
    can_write: bool,
    today: String,
    fs: FormState,
    imp: ImportPanel,
}

/// The register's import panel.
const IMPORT: (&str, &str, &str, &str) = (
    "import",
    "/transfer/contracts/import",
    "/api/v1/transfer/contracts/import/template",
    "登记编号唯一；买方、卖方按统一社会信用代码识别。",
);

impl ListPage {
    fn date(&self, d: impl std::borrow::Borrow<chrono::NaiveDate>) -> String {
        crate::pages::fmt_date(*d.borrow())
    }
    fn wan(&self, fen: impl std::borrow::Borrow<i64>) -> String {
        let fen = *fen.borrow();
        wan(fen)
    }
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
}

pub async fn list(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<ContractListQuery>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    let flash = fl.flash;
    Ok(list_page(&st, &p, q, FormState::default(), vec![], flash.as_deref()).await?)
}

async fn list_page(
    st: &AppState,
    p: &Principal,
    q: ContractListQuery,
    fs: FormState,
    problems: Vec<ImportProblem>,
    flash: Option<&str>,
) -> ApiResult<Response> {
    require(p, Permission::TransferRead)?;
    let page = kechuang_store::transfer::contracts::list(
        &st.db,
        &q.filter()?,
        kechuang_store::PageReq::new(q.page, q.per_page)?,
    )
    .await?;
    let year = q.year.clone().unwrap_or_default();
    let query = query_string(&[
        ("q", q.q.as_deref().unwrap_or("")),
        ("kind", q.kind.as_deref().unwrap_or("")),
        ("year", &year),
        ("chain_id", q.chain_id.as_deref().unwrap_or("")),
        ("project_id", q.project_id.as_deref().unwrap_or("")),
        ("sort", q.sort.as_deref().unwrap_or("")),
    ]);
    let pager = Pager::new(&page, &format!("/transfer/contracts?{query}"));
    Ok(render(&ListPage {
        page: PageCtx::new(
            st,
            p,
            "技术合同登记",
            "/transfer/contracts",
            &[("成果转化", "/transfer"), ("技术合同", "")],
        )
        .flash_code(flash),
        turnover: turnover_lines(
            service::turnover_rows(st, p, q.chain_id.as_deref().filter(|s| !s.is_empty())).await?,
        ),
        rows: service::views(st, page.items).await?,
        pager,
        export_href: format!("/transfer/contracts/export.xlsx?{query}"),
        year,
        q,
        kinds: ContractKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label_zh()))
            .collect(),
        chains: kechuang_store::names::all_ordered(&st.db, "chains").await?,
        projects: kechuang_store::transfer::projects::list_all(&st.db, &Default::default(), 2_000)
            .await?
            .into_iter()
            .map(|p| (p.id, p.title))
            .collect(),
        can_write: p.can(Permission::TransferWrite),
        today: today_text(),
        imp: ImportPanel::new(IMPORT, &fs, problems),
        fs,
    }))
}

pub async fn export(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<ContractListQuery>,
) -> PageResult {
    let b = service::export_bytes(&st, &p, &q).await?;
    Ok(excel::xlsx_response("技术合同.xlsx", b))
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
    answer(
        result.map(|_| done("/transfer/contracts", "created")),
        "contract",
        pairs,
        |fs| list_page(&st, &p, ContractListQuery::default(), fs, vec![], None),
    )
    .await
}

pub async fn import(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    mp: Multipart,
) -> PageResult {
    let r = async {
        require(&p, Permission::TransferWrite)?;
        let bytes = upload(mp).await?;
        service::import_bytes(&st, &p, &bytes).await
    }
    .await;
    let (status, fs, problems) = match r {
        Ok(_) => return Ok(done("/transfer/contracts", "imported")),
        Err(e) => import_refusal(e)?,
    };
    let r = list_page(&st, &p, ContractListQuery::default(), fs, problems, None).await?;
    Ok(with_status(r, status))
}

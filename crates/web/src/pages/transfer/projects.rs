//! Transfer project pages: the list with filters, export and the new
//! project form; the project page with its stage history, gate reviews,
//! expert scores, the decision form and incubation.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use kechuang_domain::auth::Permission;
use kechuang_domain::transfer::{GateDecision, ProjectState, Stage};
use kechuang_store::Principal;

use super::{
    answer, done, draft, field, org_choices, render, with_status, FlashQuery, FormState, PageCtx,
    PageResult,
};
use crate::auth::{require, PageUser};
use crate::error::{ApiError, ApiResult};
use crate::excel;
use crate::forms::transfer::today_text;
use crate::pages::actions::{import_answer, ImportPanel};
use crate::pages::{query_string, Pager};
use crate::service::transfer::project_sheets as sheets;
use crate::service::transfer::projects::{
    self as service, ProjectDetailView, ProjectListQuery, ProjectView,
};
use crate::AppState;

#[derive(Template)]
#[template(path = "transfer/projects.html")]
struct ListPage {
    page: PageCtx,
    rows: Vec<ProjectView>,
    pager: Pager,
    q: ProjectListQuery,
    export_href: String,
    stages: Vec<(&'static str, &'static str)>,
    states: Vec<(&'static str, &'static str)>,
    fields: Vec<String>,
    chains: Vec<(String, String)>,
    holders: Vec<(String, String)>,
    can_write: bool,
    fs: FormState,
    imp: ImportPanel,
}

/// The ledger's import panel.
const PROJECT_IMPORT: (&str, &str, &str, &str) = (
    "import-projects",
    "/transfer/projects/import",
    "/api/v1/transfer/projects/import/template",
    "阶段、状态按中文名；产业链按名称，产业链环节按该链中的环节名称；成果持有单位、孵化企业、孵化器按全称或统一社会信用代码（孵化企业须已在单位名录中）；项目自“进入本阶段日期”起处于该阶段。",
);

impl ListPage {
    fn date(&self, d: impl std::borrow::Borrow<chrono::NaiveDate>) -> String {
        crate::pages::fmt_date(*d.borrow())
    }
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
}

fn stage_options() -> Vec<(&'static str, &'static str)> {
    Stage::ALL
        .iter()
        .map(|s| (s.as_str(), s.label_zh()))
        .collect()
}

pub async fn list(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<ProjectListQuery>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    let flash = fl.flash;
    Ok(list_page(&st, &p, q, FormState::default(), flash.as_deref()).await?)
}

async fn list_page(
    st: &AppState,
    p: &Principal,
    q: ProjectListQuery,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    list_page_with(st, p, q, fs, vec![], flash).await
}

/// The list, with the import panel showing a refused import's bad cells.
async fn list_page_with(
    st: &AppState,
    p: &Principal,
    q: ProjectListQuery,
    fs: FormState,
    problems: Vec<excel::ImportProblem>,
    flash: Option<&str>,
) -> ApiResult<Response> {
    require(p, Permission::TransferRead)?;
    let imp = ImportPanel::new(PROJECT_IMPORT, &fs, problems);
    let page = kechuang_store::transfer::projects::list(
        &st.db,
        &q.filter()?,
        kechuang_store::PageReq::new(q.page, q.per_page)?,
    )
    .await?;
    let query = query_string(&[
        ("q", q.q.as_deref().unwrap_or("")),
        ("stage", q.stage.as_deref().unwrap_or("")),
        ("state", q.state.as_deref().unwrap_or("")),
        ("field", q.field.as_deref().unwrap_or("")),
        ("chain_id", q.chain_id.as_deref().unwrap_or("")),
    ]);
    let pager = Pager::new(&page, &format!("/transfer/projects?{query}"));
    let rows = service::views(st, page.items).await?;
    Ok(render(&ListPage {
        page: PageCtx::new(
            st,
            p,
            "转化项目",
            "/transfer/projects",
            &[("成果转化", "/transfer"), ("转化项目", "")],
        )
        .flash_code(flash),
        rows,
        pager,
        export_href: format!("/transfer/projects/export.xlsx?{query}"),
        q,
        stages: stage_options(),
        states: ProjectState::ALL
            .iter()
            .map(|s| (s.as_str(), s.label_zh()))
            .collect(),
        fields: kechuang_store::transfer::projects::fields(&st.db).await?,
        chains: kechuang_store::names::all_ordered(&st.db, "chains").await?,
        holders: org_choices(st, &["university", "institute"]).await?,
        can_write: p.can(Permission::TransferWrite),
        fs,
        imp,
    }))
}

/// POST /transfer/projects/import (multipart; the CSRF token rides in the query).
pub async fn import(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    mp: axum::extract::Multipart,
) -> PageResult {
    let r = async {
        let bytes = excel::upload(mp).await?;
        sheets::import_bytes(&st, &p, &bytes).await
    }
    .await;
    import_answer(r, "/transfer/projects", |fs, problems| {
        list_page_with(&st, &p, ProjectListQuery::default(), fs, problems, None)
    })
    .await
}

pub async fn export(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<ProjectListQuery>,
) -> PageResult {
    let b = sheets::export_bytes(&st, &p, &q).await?;
    Ok(excel::xlsx_response("成果转化项目.xlsx", b))
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
        Ok(m) => Ok(done(&format!("/transfer/projects/{}", m.id), "created")),
        Err(e) if e.status.as_u16() == 422 => {
            let fs = FormState::rejected("new", pairs, &e);
            let r = list_page(&st, &p, ProjectListQuery::default(), fs, None).await?;
            Ok(with_status(r, e.status))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "transfer/project.html")]
struct DetailPage {
    page: PageCtx,
    d: ProjectDetailView,
    can_write: bool,
    can_found: bool,
    stages: Vec<(&'static str, &'static str)>,
    decisions: Vec<(&'static str, &'static str)>,
    incubators: Vec<(String, String)>,
    holders: Vec<(String, String)>,
    chains: Vec<(String, String)>,
    today: String,
    fs: FormState,
}

impl DetailPage {
    fn open_review(&self) -> Option<&kechuang_store::transfer::projects::ReviewDetail> {
        self.d.reviews.iter().find(|r| r.review.status == "open")
    }
    fn score(&self, tenths: impl std::borrow::Borrow<Option<i32>>) -> String {
        tenths
            .borrow()
            .map(|t| format!("{}.{}", t / 10, t % 10))
            .unwrap_or_else(|| "—".into())
    }
    fn score_one(&self, tenths: impl std::borrow::Borrow<i32>) -> String {
        self.score(Some(*tenths.borrow()))
    }
    fn stage_label(&self, code: &str) -> String {
        Stage::parse(code)
            .map(|s| s.label_zh().to_string())
            .unwrap_or_default()
    }
    fn decision_label(&self, code: &str) -> String {
        GateDecision::parse(code)
            .map(|s| s.label_zh().to_string())
            .unwrap_or_default()
    }
    fn fmt_date(&self, d: &chrono::NaiveDate) -> String {
        crate::pages::fmt_date(*d)
    }
    /// The project's value of an edit-form field, as the form shows it.
    fn current(&self, field: &str) -> String {
        let p = &self.d.project.project;
        match field {
            "title" => p.title.clone(),
            "field" => p.field.clone(),
            "trl" => p.trl.to_string(),
            "manager" => p.manager.clone(),
            "inventors" => p.inventors.clone(),
            "patents" => p.patents.clone(),
            "summary" => p.summary.clone(),
            "holder_org_id" => p.holder_org_id.clone().unwrap_or_default(),
            "chain_id" => p.chain_id.clone().unwrap_or_default(),
            _ => String::new(),
        }
    }
    fn inventors(&self) -> String {
        self.d
            .project
            .project
            .inventors
            .split(';')
            .filter(|s| !s.is_empty())
            .map(|s| s.replacen(':', " ", 1) + "%")
            .collect::<Vec<_>>()
            .join("，")
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
    require(p, Permission::TransferRead)?;
    let d = service::detail_view(
        st,
        kechuang_store::transfer::projects::detail(&st.db, id).await?,
    )
    .await?;
    let title = d.project.project.title.clone();
    let can_write = p.can(Permission::TransferWrite);
    Ok(render(&DetailPage {
        page: PageCtx::new(
            st,
            p,
            &title,
            "/transfer/projects",
            &[
                ("成果转化", "/transfer"),
                ("转化项目", "/transfer/projects"),
                (&title, ""),
            ],
        )
        .flash_code(flash),
        can_found: can_write && p.can(Permission::OrgsWrite),
        can_write,
        stages: stage_options(),
        decisions: GateDecision::ALL
            .iter()
            .map(|s| (s.as_str(), s.label_zh()))
            .collect(),
        incubators: org_choices(st, &["intermediary", "enterprise", "other"]).await?,
        holders: org_choices(st, &["university", "institute"]).await?,
        chains: kechuang_store::names::all_ordered(&st.db, "chains").await?,
        today: today_text(),
        d,
        fs,
    }))
}

/// POST /transfer/projects/{id}/act/{action}: review, score, decide, firm, graduate.
pub async fn act(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path((id, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let review_id = field(&pairs, "review_id").to_string();
    let result: ApiResult<&str> = async {
        match action.as_str() {
            "edit" => {
                let version = field(&pairs, "version").parse().unwrap_or(0);
                service::update(&st, &p, &id, version, &draft(&pairs)?)
                    .await
                    .map(|_| "saved")
            }
            "review" => service::open_review(&st, &p, &id, &draft(&pairs)?)
                .await
                .map(|_| "review_opened"),
            "score" => service::score(&st, &p, &review_id, &draft(&pairs)?)
                .await
                .map(|_| "scored"),
            "decide" => service::decide(&st, &p, &review_id, &draft(&pairs)?)
                .await
                .map(|_| "decided"),
            "firm" => service::found_firm(&st, &p, &id, &draft(&pairs)?)
                .await
                .map(|_| "firm_founded"),
            "graduate" => service::graduate(&st, &p, &id, &draft(&pairs)?)
                .await
                .map(|_| "graduated"),
            _ => Err(ApiError::not_found()),
        }
    }
    .await;
    answer(
        result.map(|flash| done(&format!("/transfer/projects/{id}"), flash)),
        &action,
        pairs,
        |fs| detail_page(&st, &p, &id, fs, None),
    )
    .await
}

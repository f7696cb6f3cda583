//! Commitment pages: the list with figures per party organisation and the
//! pledge form, a commitment's page with its reports and the secretary's
//! verdict, and the public page of a party organisation's pledges (no sign-in).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use kechuang_domain::auth::Permission;
use kechuang_domain::party::{permille_text, CommitmentStatus};
use kechuang_store::party::commitments::{self, CommitmentFigures, CommitmentFilter};
use kechuang_store::party::network;
use kechuang_store::Principal;

use crate::auth::{require, PageUser};
use crate::error::{ApiError, ApiResult};
use crate::excel;
use crate::pages::actions::{
    answer, done, draft, import_answer, with_status, FlashQuery, FormState, ImportPanel,
};
use crate::pages::{fmt_date, query_string, render, PageCtx, PageError, PageResult, Pager};
use crate::service::party::commitment_sheets as sheets;
use crate::service::party::commitments::{
    self as service, CommitmentDetail, CommitmentListQuery, CommitmentView,
};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/party/commitments", get(list).post(pledge))
        .route("/party/commitments/export.xlsx", get(export))
        .route("/party/commitments/import", post(import))
        .route("/party/commitments/{id}", get(detail))
        .route("/party/commitments/{id}/act/{action}", post(act))
        .route("/public/party/{party_org_id}/commitments", get(public))
}

#[derive(Template)]
#[template(path = "party/commitments.html")]
struct ListPage {
    page: PageCtx,
    rows: Vec<CommitmentView>,
    pager: Pager,
    q: CommitmentListQuery,
    export_href: String,
    figures: CommitmentFigures,
    /// (party org id, name, figures) for organisations with commitments.
    by_org: Vec<(String, String, CommitmentFigures)>,
    orgs: Vec<(String, String)>,
    members: Vec<(String, String)>,
    statuses: Vec<(&'static str, &'static str)>,
    can_write: bool,
    today: String,
    fs: FormState,
    imp: ImportPanel,
}

/// The ledger's import panel.
const COMMITMENT_IMPORT: (&str, &str, &str, &str) = (
    "import-commitments",
    "/party/commitments/import",
    "/api/v1/party/commitments/import/template",
    "承诺人按姓名在所填党组织中查找；状态写中文名称（践诺中、待核实、已践诺、未兑现）；已践诺、未兑现须填核实日期，未兑现须填核实意见。",
);

impl ListPage {
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
    fn rate(&self, f: &CommitmentFigures) -> String {
        permille_text(f.fulfilment_permille)
    }
    fn date(&self, d: impl std::borrow::Borrow<chrono::NaiveDate>) -> String {
        fmt_date(*d.borrow())
    }
}

fn statuses() -> Vec<(&'static str, &'static str)> {
    CommitmentStatus::ALL
        .iter()
        .map(|s| (s.as_str(), s.label_zh()))
        .collect()
}

pub async fn list(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<CommitmentListQuery>,
    Query(f): Query<FlashQuery>,
) -> PageResult {
    Ok(list_page(&st, &p, q, FormState::default(), f.flash.as_deref()).await?)
}

async fn list_page(
    st: &AppState,
    p: &Principal,
    q: CommitmentListQuery,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    list_page_with(st, p, q, fs, vec![], flash).await
}

/// The list, with the import panel showing a refused import's bad cells.
async fn list_page_with(
    st: &AppState,
    p: &Principal,
    q: CommitmentListQuery,
    fs: FormState,
    problems: Vec<crate::excel::ImportProblem>,
    flash: Option<&str>,
) -> ApiResult<Response> {
    require(p, Permission::PartyRead)?;
    let imp = ImportPanel::new(COMMITMENT_IMPORT, &fs, problems);
    let filter = q.filter()?;
    let page = commitments::list(
        &st.db,
        &filter,
        kechuang_store::PageReq::new(q.page, q.per_page)?,
    )
    .await?;
    let query = query_string(&[
        ("q", q.q.as_deref().unwrap_or("")),
        ("party_org_id", q.party_org_id.as_deref().unwrap_or("")),
        ("status", q.status.as_deref().unwrap_or("")),
        ("overdue", q.overdue.as_deref().unwrap_or("")),
        ("year", q.year.as_deref().unwrap_or("")),
    ]);
    let pager = Pager::new(&page, &format!("/party/commitments?{query}"));
    let (figures, by) = commitments::figures(&st.db, &filter).await?;
    let tree = network::tree(&st.db).await?;
    let by_org = tree
        .iter()
        .filter_map(|o| {
            by.get(&o.org.id)
                .map(|f| (o.org.id.clone(), o.org.name.clone(), f.clone()))
        })
        .collect();
    let branch_names: std::collections::HashMap<&str, &str> = tree
        .iter()
        .map(|o| (o.org.id.as_str(), o.org.name.as_str()))
        .collect();
    let members = network::members_all(&st.db, &Default::default(), 5_000)
        .await?
        .into_iter()
        .filter(|m| {
            kechuang_domain::party::MemberStage::parse(&m.stage).is_some_and(|s| s.is_member())
        })
        .map(|m| {
            // Members of the same name are told apart by their branch.
            let label = match branch_names.get(m.party_org_id.as_str()) {
                Some(branch) => format!("{}（{branch}）", m.name),
                None => m.name,
            };
            (m.id, label)
        })
        .collect();
    Ok(render(&ListPage {
        page: PageCtx::new(
            st,
            p,
            "承诺践诺",
            "/party/commitments",
            &[("党建引领", ""), ("承诺践诺", "")],
        )
        .flash_code(flash),
        rows: service::views(st, page.items).await?,
        pager,
        export_href: format!("/party/commitments/export.xlsx?{query}"),
        q,
        figures,
        by_org,
        orgs: tree
            .iter()
            .map(|o| {
                (
                    o.org.id.clone(),
                    format!("{}{}", "　".repeat(o.depth), o.org.name),
                )
            })
            .collect(),
        members,
        statuses: statuses(),
        can_write: p.can(Permission::PartyWrite),
        today: crate::forms::transfer::today_text(),
        fs,
        imp,
    }))
}

/// POST /party/commitments/import (multipart; the CSRF token rides in the query).
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
    import_answer(r, "/party/commitments", |fs, problems| {
        list_page_with(&st, &p, CommitmentListQuery::default(), fs, problems, None)
    })
    .await
}

pub async fn export(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<CommitmentListQuery>,
) -> PageResult {
    let b = sheets::export_bytes(&st, &p, &q).await?;
    Ok(excel::xlsx_response("承诺践诺.xlsx", b))
}

pub async fn pledge(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let r = match draft(&pairs) {
        Ok(d) => service::pledge(&st, &p, &d).await,
        Err(e) => Err(e),
    };
    answer(
        r.map(|m| done(&format!("/party/commitments/{}", m.id), "created")),
        "new",
        pairs,
        |fs| list_page(&st, &p, CommitmentListQuery::default(), fs, None),
    )
    .await
}

#[derive(Template)]
#[template(path = "party/commitment.html")]
struct DetailPage {
    page: PageCtx,
    d: CommitmentDetail,
    can_write: bool,
    today: String,
    fs: FormState,
}

impl DetailPage {
    fn date(&self, d: impl std::borrow::Borrow<chrono::NaiveDate>) -> String {
        fmt_date(*d.borrow())
    }
    fn date_opt(&self, d: &Option<chrono::NaiveDate>) -> String {
        d.map(fmt_date).unwrap_or_default()
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
    let title = d.commitment.commitment.title.clone();
    Ok(render(&DetailPage {
        page: PageCtx::new(
            st,
            p,
            &title,
            "/party/commitments",
            &[
                ("党建引领", ""),
                ("承诺践诺", "/party/commitments"),
                (&title, ""),
            ],
        )
        .flash_code(flash),
        d,
        can_write: p.can(Permission::PartyWrite),
        today: crate::forms::transfer::today_text(),
        fs,
    }))
}

/// POST /party/commitments/{id}/act/{action}: report, verify.
pub async fn act(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path((id, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let r: ApiResult<()> = async {
        match action.as_str() {
            "report" => service::report(&st, &p, &id, &draft(&pairs)?)
                .await
                .map(|_| ()),
            "verify" => service::verify(&st, &p, &id, &draft(&pairs)?)
                .await
                .map(|_| ()),
            _ => Err(ApiError::not_found()),
        }
    }
    .await;
    match r {
        Ok(()) => Ok(done(&format!("/party/commitments/{id}"), "saved")),
        Err(e) if matches!(e.status.as_u16(), 409 | 422) => {
            let status = e.status;
            let r =
                detail_page(&st, &p, &id, FormState::rejected(&action, pairs, &e), None).await?;
            Ok(with_status(r, status))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "party/public_commitments.html")]
struct PublicPage {
    page: PageCtx,
    org_name: String,
    rows: Vec<CommitmentView>,
    figures: CommitmentFigures,
}

impl PublicPage {
    fn date(&self, d: impl std::borrow::Borrow<chrono::NaiveDate>) -> String {
        fmt_date(*d.borrow())
    }
    fn rate(&self) -> String {
        permille_text(self.figures.fulfilment_permille)
    }
}

/// The public page of a party organisation's pledges and their state (承诺公开).
pub async fn public(State(st): State<AppState>, Path(party_org_id): Path<String>) -> PageResult {
    let r: ApiResult<Response> = async {
        let o = network::get(&st.db, &party_org_id).await?;
        let f = CommitmentFilter {
            party_org_id: Some(party_org_id.clone()),
            ..Default::default()
        };
        let rows = service::views(&st, commitments::list_all(&st.db, &f, 2_000).await?).await?;
        let (figures, _) = commitments::figures(&st.db, &f).await?;
        Ok(render(&PublicPage {
            page: PageCtx::anonymous(&st, &format!("{} 承诺公开", o.name)),
            org_name: o.name,
            rows,
            figures,
        }))
    }
    .await;
    r.map_err(PageError::anonymous)
}

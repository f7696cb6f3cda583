//! Alliances and associations (联盟协会).
//!
//! Pages: /alliances (list with members on a date, filter, export, new) and
//! an alliance (counts by sector at a picked date, default today; the members
//! on that date with export; history; join, exit, import and editing).

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use kechuang_domain::auth::Permission;
use kechuang_domain::events::{AllianceKind, Sector};
use kechuang_domain::ErrorCode;
use kechuang_store::Principal;
use serde::Deserialize;

use crate::auth::{require, PageUser};
use crate::error::{ApiError, ApiResult};
use crate::excel::{self, upload, ImportFailure, ImportProblem};
use crate::pages::actions::{
    answer, done, draft, field, org_choices, with_status, FlashQuery, FormState,
};
use crate::pages::{query_string, render, PageCtx, PageResult, Pager};
use crate::service::alliances::{
    self as service, date_param, AllianceDetailView, AllianceListQuery, AllianceMemberView,
    AllianceView, MemberQuery,
};
use crate::AppState;

const LIST: &str = "/alliances";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(LIST, get(list).post(create))
        .route("/alliances/export.xlsx", get(export))
        .route("/alliances/{id}", get(detail))
        .route("/alliances/{id}/members.xlsx", get(export_members))
        .route("/alliances/{id}/import", post(import))
        .route("/alliances/{id}/act/{action}", post(act))
}

fn kinds() -> Vec<(String, String)> {
    AllianceKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), k.label_zh().to_string()))
        .collect()
}

fn sectors() -> Vec<(String, String)> {
    Sector::ALL
        .iter()
        .map(|s| {
            (
                s.as_str().to_string(),
                format!("{}（{}）", s.short_zh(), s.label_zh()),
            )
        })
        .collect()
}

async fn chain_choices(st: &AppState) -> ApiResult<Vec<(String, String)>> {
    Ok(kechuang_store::names::all_ordered(&st.db, "chains").await?)
}

const ORG_KINDS: [&str; 8] = [
    "enterprise",
    "university",
    "institute",
    "government",
    "finance",
    "intermediary",
    "association",
    "other",
];

#[derive(Template)]
#[template(path = "alliances/list.html")]
struct ListPage {
    page: PageCtx,
    rows: Vec<AllianceView>,
    pager: Pager,
    q: AllianceListQuery,
    on: String,
    kinds: Vec<(String, String)>,
    chains: Vec<(String, String)>,
    orgs: Vec<(String, String)>,
    export_href: String,
    can_write: bool,
    fs: FormState,
}

impl ListPage {
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
}

pub async fn list(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<AllianceListQuery>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(list_page(&st, &p, q, FormState::default(), fl.flash.as_deref()).await?)
}

async fn list_page(
    st: &AppState,
    p: &Principal,
    q: AllianceListQuery,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    let page = service::list(st, p, &q).await?;
    let on = date_param("on", &q.on)?.to_string();
    let query = query_string(&[
        ("q", q.q.as_deref().unwrap_or("")),
        ("kind", q.kind.as_deref().unwrap_or("")),
        ("chain_id", q.chain_id.as_deref().unwrap_or("")),
        ("on", &on),
    ]);
    let pager = Pager::new(&page, &format!("{LIST}?{query}"));
    let can_write = p.can(Permission::AlliancesWrite);
    Ok(render(&ListPage {
        page: PageCtx::new(st, p, "联盟协会", LIST, &[("联盟协会", "")]).flash_code(flash),
        rows: page.items,
        pager,
        kinds: kinds(),
        chains: chain_choices(st).await?,
        orgs: if can_write {
            org_choices(st, &ORG_KINDS).await?
        } else {
            vec![]
        },
        export_href: format!("/alliances/export.xlsx?{query}"),
        on,
        q,
        can_write,
        fs,
    }))
}

pub async fn export(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<AllianceListQuery>,
) -> PageResult {
    let b = service::export_bytes(&st, &p, &q).await?;
    Ok(excel::xlsx_response("联盟协会.xlsx", b))
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
        result.map(|a| done(&format!("{LIST}/{}", a.id), "created")),
        "new",
        pairs,
        |fs| list_page(&st, &p, AllianceListQuery::default(), fs, None),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct DetailQuery {
    pub on: Option<String>,
    pub sector: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
    pub flash: Option<String>,
}

#[derive(Template)]
#[template(path = "alliances/detail.html")]
struct DetailPage {
    page: PageCtx,
    d: AllianceDetailView,
    on: String,
    today: String,
    sector: String,
    members: Vec<AllianceMemberView>,
    pager: Pager,
    history: Vec<AllianceMemberView>,
    can_write: bool,
    kinds: Vec<(String, String)>,
    sectors: Vec<(String, String)>,
    chains: Vec<(String, String)>,
    orgs: Vec<(String, String)>,
    problems: Vec<ImportProblem>,
    /// The alliance's latest events (None for a reader without events.read).
    events: Option<kechuang_store::Page<crate::service::events::CalendarEventView>>,
    fs: FormState,
}

impl DetailPage {
    fn current(&self, field: &str) -> String {
        let a = &self.d.alliance.alliance;
        match field {
            "name" => a.name.clone(),
            "kind" => a.kind.clone(),
            "founded_on" => a.founded_on.map(|d| d.to_string()).unwrap_or_default(),
            "secretariat_org_id" => a.secretariat_org_id.clone().unwrap_or_default(),
            "chain_id" => a.chain_id.clone().unwrap_or_default(),
            "description" => a.description.clone(),
            _ => String::new(),
        }
    }

    fn date(&self, d: &NaiveDate) -> String {
        crate::format::fmt_date(*d)
    }

    fn opt_date(&self, d: &Option<NaiveDate>) -> String {
        d.map(crate::format::fmt_date).unwrap_or_default()
    }
}

pub async fn detail(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> PageResult {
    let flash = q.flash.clone();
    let fs = FormState::default();
    Ok(detail_page(&st, &p, &id, q, fs, vec![], flash.as_deref()).await?)
}

async fn detail_page(
    st: &AppState,
    p: &Principal,
    id: &str,
    q: DetailQuery,
    fs: FormState,
    problems: Vec<ImportProblem>,
    flash: Option<&str>,
) -> ApiResult<Response> {
    require(p, Permission::AlliancesRead)?;
    let on = date_param("on", &q.on)?;
    let d = service::detail(st, p, id, on).await?;
    let mq = MemberQuery {
        on: Some(on.to_string()),
        sector: q.sector.clone(),
        page: q.page,
        per_page: q.per_page,
    };
    let members = service::members(st, p, id, &mq).await?;
    let sector = q.sector.clone().unwrap_or_default();
    let base = format!(
        "{LIST}/{id}?{}",
        query_string(&[("on", &on.to_string()), ("sector", &sector)])
    );
    let pager = Pager::new(&members, &base);
    let can_write = p.can(Permission::AlliancesWrite);
    let title = d.alliance.alliance.name.clone();
    Ok(render(&DetailPage {
        page: PageCtx::new(st, p, &title, LIST, &[("联盟协会", LIST), (&title, "")])
            .flash_code(flash),
        history: service::history(st, p, id, None).await?,
        events: if p.can(Permission::EventsRead) {
            let q = crate::service::events::EventListQuery {
                alliance_id: Some(id.to_string()),
                per_page: Some(20),
                ..Default::default()
            };
            Some(crate::service::events::list_events(st, p, &q).await?)
        } else {
            None
        },
        on: on.to_string(),
        today: kechuang_store::clock::today().to_string(),
        sector,
        members: members.items,
        pager,
        kinds: kinds(),
        sectors: sectors(),
        chains: chain_choices(st).await?,
        orgs: if can_write {
            org_choices(st, &ORG_KINDS).await?
        } else {
            vec![]
        },
        can_write,
        problems,
        d,
        fs,
    }))
}

pub async fn export_members(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> PageResult {
    let on = date_param("on", &q.on)?;
    let (name, b) = service::members_export(&st, &p, &id, on).await?;
    Ok(excel::xlsx_response(&name, b))
}

pub async fn import(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    mp: Multipart,
) -> PageResult {
    let r = async {
        require(&p, Permission::AlliancesWrite)?;
        let bytes = upload(mp).await?;
        service::import_bytes(&st, &p, &id, &bytes).await
    }
    .await;
    let (status, fs, problems) = match r {
        Ok(_) => return Ok(done(&format!("{LIST}/{id}"), "imported")),
        Err(ImportFailure::Invalid(problems)) => {
            let e = ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::ImportInvalid,
                format!(
                    "发现{}处错误，未导入任何数据，请修改后重新上传",
                    problems.len()
                ),
            );
            (
                e.status,
                FormState::rejected("import", vec![], &e),
                problems,
            )
        }
        Err(ImportFailure::Other(e))
            if e.status.is_client_error()
                && e.status != StatusCode::FORBIDDEN
                && e.status != StatusCode::NOT_FOUND =>
        {
            (e.status, FormState::rejected("import", vec![], &e), vec![])
        }
        Err(ImportFailure::Other(e)) => return Err(e.into()),
    };
    let r = detail_page(&st, &p, &id, DetailQuery::default(), fs, problems, None).await?;
    Ok(with_status(r, status))
}

/// POST /alliances/{id}/act/{action}: edit, join, exit.
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
            "join" => service::join(&st, &p, &id, &draft(&pairs)?)
                .await
                .map(|_| "saved"),
            "exit" => service::exit(&st, &p, &id, field(&pairs, "org_id"), &draft(&pairs)?)
                .await
                .map(|_| "saved"),
            _ => Err(ApiError::not_found()),
        }
    }
    .await;
    answer(
        result.map(|flash| done(&format!("{LIST}/{id}"), flash)),
        &action,
        pairs,
        |fs| detail_page(&st, &p, &id, DetailQuery::default(), fs, vec![], None),
    )
    .await
}

//! Member responsibility zones (党员责任区): their members and the organisations they cover.
//!
//! Pages: /party/zones (list with counts and totals, filter by party
//! organisation, export, new zone) and a zone (its members and covered
//! organisations with add / remove, editing).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use kechuang_domain::auth::Permission;
use kechuang_store::party::zones::{self as store, ZoneTotals};
use kechuang_store::Principal;

use crate::auth::{require, PageUser};
use crate::error::{ApiError, ApiResult};
use crate::excel;
use crate::pages::actions::{
    answer, done, draft, field, import_answer, org_choices, FlashQuery, FormState, ImportPanel,
};
use crate::pages::{query_string, render, PageCtx, PageResult, Pager};
use crate::service::party::zone_sheets as sheets;
use crate::service::party::zones::{self as service, ZoneDetailView, ZoneListQuery, ZoneView};
use crate::AppState;

const ZONES: &str = "/party/zones";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(ZONES, get(list).post(create))
        .route("/party/zones/export.xlsx", get(export))
        .route("/party/zones/import", post(import))
        .route("/party/zones/{id}", get(detail))
        .route("/party/zones/{id}/act/{action}", post(act))
}

#[derive(Template)]
#[template(path = "party/zones.html")]
struct ZonesPage {
    page: PageCtx,
    rows: Vec<ZoneView>,
    pager: Pager,
    q: ZoneListQuery,
    totals: ZoneTotals,
    party_orgs: Vec<(String, String)>,
    export_href: String,
    can_write: bool,
    fs: FormState,
    imp: ImportPanel,
}

/// The ledger's import panel.
const ZONE_IMPORT: (&str, &str, &str, &str) = (
    "import-zones",
    "/party/zones/import",
    "/api/v1/party/zones/import/template",
    "所属党组织按名称；责任区党员按姓名，以“、”分隔，重名写成“姓名（所在党组织）”（导出即如此）；覆盖单位按全称或统一社会信用代码，以“、”分隔。",
);

impl ZonesPage {
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
}

pub async fn list(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<ZoneListQuery>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(list_page(&st, &p, q, FormState::default(), fl.flash.as_deref()).await?)
}

async fn list_page(
    st: &AppState,
    p: &Principal,
    q: ZoneListQuery,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    list_page_with(st, p, q, fs, vec![], flash).await
}

/// The list, with the import panel showing a refused import's bad cells.
async fn list_page_with(
    st: &AppState,
    p: &Principal,
    q: ZoneListQuery,
    fs: FormState,
    problems: Vec<crate::excel::ImportProblem>,
    flash: Option<&str>,
) -> ApiResult<Response> {
    require(p, Permission::PartyRead)?;
    let imp = ImportPanel::new(ZONE_IMPORT, &fs, problems);
    let f = q.filter();
    let page = store::list(
        &st.db,
        &f,
        kechuang_store::PageReq::new(q.page, q.per_page)?,
    )
    .await?;
    let query = query_string(&[
        ("q", q.q.as_deref().unwrap_or("")),
        ("party_org_id", q.party_org_id.as_deref().unwrap_or("")),
    ]);
    let pager = Pager::new(&page, &format!("{ZONES}?{query}"));
    Ok(render(&ZonesPage {
        page: PageCtx::new(
            st,
            p,
            "党员责任区",
            ZONES,
            &[("党建引领", "/party"), ("党员责任区", "")],
        )
        .flash_code(flash),
        rows: service::views(st, page.items).await?,
        pager,
        totals: store::totals(&st.db, &f).await?,
        party_orgs: kechuang_store::party::network::choices(&st.db).await?,
        export_href: format!("/party/zones/export.xlsx?{query}"),
        q,
        can_write: p.can(Permission::PartyWrite),
        fs,
        imp,
    }))
}

/// POST /party/zones/import (multipart; the CSRF token rides in the query).
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
    import_answer(r, ZONES, |fs, problems| {
        list_page_with(&st, &p, ZoneListQuery::default(), fs, problems, None)
    })
    .await
}

pub async fn export(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<ZoneListQuery>,
) -> PageResult {
    let b = sheets::export_bytes(&st, &p, &q).await?;
    Ok(excel::xlsx_response("党员责任区.xlsx", b))
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
        result.map(|z| done(&format!("{ZONES}/{}", z.id), "created")),
        "new",
        pairs,
        |fs| list_page(&st, &p, ZoneListQuery::default(), fs, None),
    )
    .await
}

#[derive(Template)]
#[template(path = "party/zones_detail.html")]
struct ZonePage {
    page: PageCtx,
    d: ZoneDetailView,
    can_write: bool,
    party_orgs: Vec<(String, String)>,
    /// (member id, "name（post，party org）") of members who may join.
    candidates: Vec<(String, String)>,
    orgs: Vec<(String, String)>,
    fs: FormState,
}

impl ZonePage {
    fn current(&self, field: &str) -> String {
        let z = &self.d.zone.zone;
        match field {
            "name" => z.name.clone(),
            "party_org_id" => z.party_org_id.clone(),
            "leader" => z.leader.clone(),
            "area" => z.area.clone(),
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
    let can_write = p.can(Permission::PartyWrite);
    let (candidates, orgs) = if can_write {
        let names = kechuang_store::names::all(&st.db, "party_orgs").await?;
        let members = store::eligible_members(&st.db, id)
            .await?
            .into_iter()
            .map(|m| {
                let v = service::member_view(&names, m);
                let label = if v.post.is_empty() {
                    format!("{}（{}）", v.name, v.party_org_name)
                } else {
                    format!("{}（{}，{}）", v.name, v.post, v.party_org_name)
                };
                (v.id, label)
            })
            .collect();
        let mut orgs = org_choices(
            st,
            &[
                "enterprise",
                "university",
                "institute",
                "government",
                "finance",
                "intermediary",
                "association",
                "other",
            ],
        )
        .await?;
        orgs.retain(|(oid, _)| !d.orgs.iter().any(|o| &o.id == oid));
        (members, orgs)
    } else {
        (vec![], vec![])
    };
    let title = d.zone.zone.name.clone();
    Ok(render(&ZonePage {
        page: PageCtx::new(
            st,
            p,
            &title,
            ZONES,
            &[("党建引领", "/party"), ("党员责任区", ZONES), (&title, "")],
        )
        .flash_code(flash),
        d,
        can_write,
        party_orgs: kechuang_store::party::network::choices(&st.db).await?,
        candidates,
        orgs,
        fs,
    }))
}

/// POST /party/zones/{id}/act/{action}: edit, add_member, remove_member, add_org, remove_org.
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
            "add_member" => service::add_member(&st, &p, &id, &draft(&pairs)?)
                .await
                .map(|_| "saved"),
            "remove_member" => service::remove_member(&st, &p, &id, field(&pairs, "member_id"))
                .await
                .map(|_| "deleted"),
            "add_org" => service::add_org(&st, &p, &id, &draft(&pairs)?)
                .await
                .map(|_| "saved"),
            "remove_org" => service::remove_org(&st, &p, &id, field(&pairs, "org_id"))
                .await
                .map(|_| "deleted"),
            _ => Err(ApiError::not_found()),
        }
    }
    .await;
    answer(
        result.map(|flash| done(&format!("{ZONES}/{id}"), flash)),
        &action,
        pairs,
        |fs| detail_page(&st, &p, &id, fs, None),
    )
    .await
}

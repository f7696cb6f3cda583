//! The staff's talent pages: the register (人才名册) with its filters and
//! the form to register a talent, a talent's record (numbers masked, a full
//! view audited) with its requests, the catalogue with the tiers, and the
//! request list with the form to ask on a talent's behalf.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use kechuang_domain::auth::Permission;
use kechuang_domain::talent::Origin;
use kechuang_store::entities::talent_tier;
use kechuang_store::Principal;

use super::{crumbs, CATALOGUE, FIGURES, REQUESTS, TALENTS};
use crate::auth::PageUser;
use crate::error::ApiResult;
use crate::extract::opt_bool;
use crate::pages::actions::{
    answer, done, draft, join_repeated, org_choices, FlashQuery, FormState,
};
use crate::pages::{fmt_date, fmt_time, query_string, render, PageCtx, PageResult, Pager};
use crate::service::talent::figures::{TalentFiguresQuery, TalentFiguresView};
use crate::service::talent::register::{self, TalentListQuery, TalentServiceView, TalentView};
use crate::service::talent::requests::{self, RequestListQuery, TalentRequestView};
use crate::AppState;

fn o(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn tier_choices(tiers: &[talent_tier::Model]) -> Vec<(String, String)> {
    tiers
        .iter()
        .map(|t| (t.id.clone(), t.name.clone()))
        .collect()
}

async fn specialist_choices(st: &AppState) -> ApiResult<Vec<(String, String)>> {
    Ok(kechuang_store::party::staff::of_role(
        &st.db,
        kechuang_store::party::staff::StaffRole::TalentSpecialist,
    )
    .await?
    .into_iter()
    .map(|s| (s.id, s.name))
    .collect())
}

// ---------------------------------------------------------------- register

#[derive(Template)]
#[template(path = "talent/talents.html")]
struct TalentsPage {
    page: PageCtx,
    rows: Vec<TalentView>,
    pager: Pager,
    q: TalentListQuery,
    tiers: Vec<(String, String)>,
    orgs: Vec<(String, String)>,
    specialists: Vec<(String, String)>,
    export_href: String,
    can_write: bool,
    fs: FormState,
}

impl TalentsPage {
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
}

async fn talents_page(
    st: &AppState,
    p: &Principal,
    q: TalentListQuery,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    let page = register::list_talents(st, p, &q).await?;
    let query = query_string(&[
        ("q", &o(&q.q)),
        ("tier_id", &o(&q.tier_id)),
        ("international", &o(&q.international)),
    ]);
    let can_write = p.can(Permission::TalentWrite);
    Ok(render(&TalentsPage {
        page: PageCtx::new(st, p, "人才名册", TALENTS, &crumbs("人才名册")).flash_code(flash),
        pager: Pager::new(&page, &format!("{TALENTS}?{query}")),
        export_href: format!("/api/v1/talent/talents/export?{query}"),
        rows: page.items,
        tiers: tier_choices(&register::tiers(st, p).await?),
        orgs: if can_write {
            org_choices(st, &["enterprise", "university", "institute"]).await?
        } else {
            vec![]
        },
        specialists: if can_write {
            specialist_choices(st).await?
        } else {
            vec![]
        },
        can_write,
        q,
        fs,
    }))
}

pub async fn talents(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<TalentListQuery>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(talents_page(&st, &p, q, FormState::default(), fl.flash.as_deref()).await?)
}

/// POST /talent/talents: register a talent.
pub async fn create_talent(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result = match draft(&pairs) {
        Ok(d) => register::create_talent(&st, &p, d).await,
        Err(e) => Err(e),
    };
    answer(
        result.map(|t| done(&format!("{TALENTS}/{}", t.talent.id), "created")),
        "talent",
        pairs,
        |fs| talents_page(&st, &p, TalentListQuery::default(), fs, None),
    )
    .await
}

#[derive(Template)]
#[template(path = "talent/talent.html")]
struct TalentPage {
    page: PageCtx,
    t: TalentView,
    requests: Vec<TalentRequestView>,
    can_reveal: bool,
}

impl TalentPage {
    fn arrived(&self) -> String {
        self.t.talent.arrived_on.map(fmt_date).unwrap_or_default()
    }
    fn received(&self, r: &TalentRequestView) -> String {
        fmt_time(r.case.received_at)
    }
    fn items(&self, r: &TalentRequestView) -> String {
        r.items
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }
}

#[derive(serde::Deserialize, Default)]
pub struct RevealQuery {
    reveal: Option<String>,
}

pub async fn talent(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(rq): Query<RevealQuery>,
) -> PageResult {
    let show = opt_bool("reveal", &rq.reveal)?.unwrap_or(false);
    let t = register::talent(&st, &p, &id, show).await?;
    let requests = requests::list(
        &st,
        &p,
        &RequestListQuery {
            talent_id: Some(id.clone()),
            per_page: Some(100),
            ..Default::default()
        },
    )
    .await?
    .items;
    let title = t.talent.name.clone();
    Ok(render(&TalentPage {
        page: PageCtx::new(
            &st,
            &p,
            &title,
            TALENTS,
            &[("人才名册", TALENTS), (&title, "")],
        ),
        can_reveal: p.can(Permission::TalentPii) && t.masked,
        t,
        requests,
    }))
}

// ---------------------------------------------------------------- catalogue

#[derive(Template)]
#[template(path = "talent/catalogue.html")]
struct CataloguePage {
    page: PageCtx,
    items: Vec<TalentServiceView>,
    tiers: Vec<talent_tier::Model>,
    categories: Vec<(String, String)>,
    origins: Vec<(&'static str, &'static str)>,
    can_write: bool,
    fs: FormState,
}

async fn catalogue_page(
    st: &AppState,
    p: &Principal,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    let items = register::catalogue(st, p).await?;
    let categories = kechuang_store::cases::categories(&st.db)
        .await?
        .into_iter()
        .filter(|c| !items.iter().any(|i| i.service.category_id == c.id))
        .map(|c| (c.id, c.name))
        .collect();
    Ok(render(&CataloguePage {
        page: PageCtx::new(st, p, "服务目录", CATALOGUE, &crumbs("服务目录")).flash_code(flash),
        tiers: register::tiers(st, p).await?,
        items,
        categories,
        origins: Origin::ALL
            .iter()
            .map(|o| (o.as_str(), o.label_zh()))
            .collect(),
        can_write: p.can(Permission::TalentWrite),
        fs,
    }))
}

pub async fn catalogue(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(catalogue_page(&st, &p, FormState::default(), fl.flash.as_deref()).await?)
}

/// POST /talent/catalogue: a new item over a case category.
pub async fn create_service(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let pairs = join_repeated(pairs);
    let result = match draft(&pairs) {
        Ok(d) => register::create_service(&st, &p, d).await,
        Err(e) => Err(e),
    };
    answer(
        result.map(|_| done(CATALOGUE, "created")),
        "service",
        pairs,
        |fs| catalogue_page(&st, &p, fs, None),
    )
    .await
}

/// POST /talent/tiers: a new tier.
pub async fn create_tier(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result = match draft(&pairs) {
        Ok(d) => register::create_tier(&st, &p, d).await,
        Err(e) => Err(e),
    };
    answer(
        result.map(|_| done(CATALOGUE, "created")),
        "tier",
        pairs,
        |fs| catalogue_page(&st, &p, fs, None),
    )
    .await
}

// ---------------------------------------------------------------- requests

#[derive(Template)]
#[template(path = "talent/requests.html")]
struct RequestsPage {
    page: PageCtx,
    rows: Vec<TalentRequestView>,
    pager: Pager,
    q: RequestListQuery,
    tiers: Vec<talent_tier::Model>,
    /// For the form on a talent's behalf (TalentWrite).
    talents: Vec<(String, String)>,
    items: Vec<TalentServiceView>,
    export_href: String,
    fs: FormState,
}

impl RequestsPage {
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
    fn received(&self, r: &TalentRequestView) -> String {
        fmt_time(r.case.received_at)
    }
    fn items_of(&self, r: &TalentRequestView) -> String {
        r.items
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }
    fn picked(&self, id: &str) -> bool {
        self.fs
            .val("request", "service_ids", "")
            .split(',')
            .any(|x| x == id)
    }
}

async fn requests_page(
    st: &AppState,
    p: &Principal,
    q: RequestListQuery,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    let page = requests::list(st, p, &q).await?;
    let query = query_string(&[
        ("tier", &o(&q.tier)),
        ("international", &o(&q.international)),
        ("talent_id", &o(&q.talent_id)),
    ]);
    let (talents, items) = if p.can(Permission::TalentWrite) {
        let all = register::list_talents(
            st,
            p,
            &TalentListQuery {
                per_page: Some(200),
                ..Default::default()
            },
        )
        .await?;
        (
            all.items
                .into_iter()
                .map(|t| {
                    let label = format!("{}（{}）", t.talent.name, t.employer_name);
                    (t.talent.id, label)
                })
                .collect(),
            register::catalogue(st, p).await?,
        )
    } else {
        (vec![], vec![])
    };
    Ok(render(&RequestsPage {
        page: PageCtx::new(st, p, "人才服务申请", REQUESTS, &crumbs("人才服务申请"))
            .flash_code(flash),
        pager: Pager::new(&page, &format!("{REQUESTS}?{query}")),
        export_href: format!("/api/v1/talent/requests/export?{query}"),
        rows: page.items,
        tiers: register::tiers(st, p).await?,
        talents,
        items,
        q,
        fs,
    }))
}

pub async fn requests(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<RequestListQuery>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(requests_page(&st, &p, q, FormState::default(), fl.flash.as_deref()).await?)
}

/// POST /talent/requests: a specialist asks on a talent's behalf.
pub async fn submit_for(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let pairs = join_repeated(pairs);
    let result = match draft(&pairs) {
        Ok(d) => requests::submit(&st, &p, d).await,
        Err(e) => Err(e),
    };
    answer(
        result.map(|r| done(&format!("{REQUESTS}/{}", r.case.id), "created")),
        "request",
        pairs,
        |fs| requests_page(&st, &p, RequestListQuery::default(), fs, None),
    )
    .await
}

// ---------------------------------------------------------------- figures

#[derive(Template)]
#[template(path = "talent/figures.html")]
struct FiguresPage {
    page: PageCtx,
    f: TalentFiguresView,
    q: TalentFiguresQuery,
}

impl FiguresPage {
    fn pct(&self, permille: &Option<i64>) -> String {
        match permille {
            Some(p) => format!("{}.{}%", p / 10, p % 10),
            None => "—".into(),
        }
    }
    fn group_label(&self, g: &str) -> &'static str {
        match g {
            "item" => "按服务事项",
            "department" => "按主办部门",
            "month" => "按月份",
            "tier" => "按人才层次",
            _ => "国际与国内人才",
        }
    }
}

pub async fn figures(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<TalentFiguresQuery>,
) -> PageResult {
    crate::auth::require(&p, Permission::TalentRead)?;
    let f = crate::service::talent::figures::figures(&st, &p, &q).await?;
    Ok(render(&FiguresPage {
        page: PageCtx::new(&st, &p, "人才服务统计", FIGURES, &crumbs("人才服务统计")),
        f,
        q,
    }))
}

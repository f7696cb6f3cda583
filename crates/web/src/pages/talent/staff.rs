//! The staff's talent pages: the register (人才名册) with its filters and
//! the form to register a talent, a talent's record (numbers masked, a full
//! view audited) with its requests, the catalogue with the tiers, and the
//! request list with the form to ask on a talent's behalf.

use crate::pages::actions::ImportPanel;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::Response;
use axum::Form;
use kechuang_domain::auth::Permission;
use kechuang_domain::talent::Origin;
use kechuang_store::entities::talent_tier;
use kechuang_store::Principal;

use super::{crumbs, CATALOGUE, FIGURES, REQUESTS, TALENTS};
use crate::auth::PageUser;
use crate::error::ApiResult;
use crate::excel::{upload, ImportProblem};
use crate::extract::opt_bool;
use crate::pages::actions::{
    answer, done, draft, import_refusal, join_repeated, org_choices, version, with_status,
    FlashQuery, FormState,
};
use crate::pages::{fmt_date, fmt_time, query_string, render, PageCtx, PageResult, Pager};
use crate::service::talent::figures::{TalentFiguresQuery, TalentFiguresView};
use crate::service::talent::register::{self, TalentListQuery, TalentServiceView, TalentView};
use crate::service::talent::requests::{self, RequestListQuery, TalentRequestView};
use crate::service::talent::sheets;
use crate::AppState;
use kechuang_store::talent::talents;

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
    accounts: Vec<(String, String)>,
    export_href: String,
    can_write: bool,
    fs: FormState,
    imp: ImportPanel,
}

/// The register's import panel.
const IMPORT: (&str, &str, &str, &str) = (
    "import-talents",
    "/talent/talents/import",
    "/api/v1/talent/talents/import/template",
    "工作单位按统一社会信用代码（或单位全称）、人才层次按名称、人才服务专员按姓名识别；证件号须完整。",
);

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
    problems: Vec<ImportProblem>,
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
        accounts: if can_write {
            talents::linkable_accounts(&st.db, None).await?
        } else {
            vec![]
        },
        can_write,
        q,
        imp: ImportPanel::new(IMPORT, &fs, problems),
        fs,
    }))
}

pub async fn talents(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<TalentListQuery>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(talents_page(
        &st,
        &p,
        q,
        FormState::default(),
        vec![],
        fl.flash.as_deref(),
    )
    .await?)
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
        |fs| talents_page(&st, &p, TalentListQuery::default(), fs, vec![], None),
    )
    .await
}

/// POST /talent/talents/import: all or nothing, the bad cells listed.
pub async fn import_talents(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    mp: Multipart,
) -> PageResult {
    let r = async {
        let bytes = upload(mp).await?;
        sheets::import_bytes(&st, &p, &bytes).await
    }
    .await;
    let (status, fs, problems) = match r {
        Ok(_) => return Ok(done(TALENTS, "imported")),
        Err(e) => import_refusal(e)?,
    };
    let r = talents_page(&st, &p, TalentListQuery::default(), fs, problems, None).await?;
    Ok(with_status(r, status))
}

#[derive(Template)]
#[template(path = "talent/talent.html")]
struct TalentPage {
    page: PageCtx,
    t: TalentView,
    requests: Vec<TalentRequestView>,
    can_reveal: bool,
    can_edit: bool,
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
        can_edit: p.can(Permission::TalentWrite) && p.can(Permission::TalentPii),
        t,
        requests,
    }))
}

#[derive(Template)]
#[template(path = "talent/talent_edit.html")]
struct TalentEditPage {
    page: PageCtx,
    id: String,
    version: i32,
    tiers: Vec<(String, String)>,
    orgs: Vec<(String, String)>,
    specialists: Vec<(String, String)>,
    accounts: Vec<(String, String)>,
    fs: FormState,
}

/// The edit form of a talent, its numbers in full (TalentPii, audited):
/// the record's values, or those just posted back.
async fn talent_edit_page(
    st: &AppState,
    p: &Principal,
    id: &str,
    posted: Option<FormState>,
) -> ApiResult<Response> {
    crate::auth::require(p, Permission::TalentWrite)?;
    let v = register::talent(st, p, id, true).await?;
    let t = &v.talent;
    let title = format!("修改人才档案：{}", t.name);
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    let values = [
        ("name", t.name.clone()),
        ("name_latin", t.name_latin.clone()),
        ("nationality", t.nationality.clone()),
        ("tier_id", t.tier_id.clone()),
        (
            "arrived_on",
            t.arrived_on.map(|d| d.to_string()).unwrap_or_default(),
        ),
        ("employer_org_id", t.employer_org_id.clone()),
        ("field", t.field.clone()),
        ("specialist_id", opt(&t.specialist_id)),
        ("phone", t.phone.clone()),
        ("passport_no", t.passport_no.clone()),
        ("id_number", t.id_number.clone()),
        ("email", t.email.clone()),
        ("note", t.note.clone()),
        ("user_id", opt(&t.user_id)),
    ];
    let (fs, version) = FormState::for_edit("talent", posted, values, t.version);
    let back = format!("{TALENTS}/{id}");
    Ok(render(&TalentEditPage {
        page: PageCtx::new(
            st,
            p,
            &title,
            TALENTS,
            &[("人才名册", TALENTS), (&t.name, &back), ("修改", "")],
        ),
        id: id.to_string(),
        version,
        tiers: tier_choices(&register::tiers(st, p).await?),
        orgs: org_choices(st, &["enterprise", "university", "institute"]).await?,
        specialists: specialist_choices(st).await?,
        accounts: talents::linkable_accounts(&st.db, Some(id)).await?,
        fs,
    }))
}

pub async fn talent_form(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
) -> PageResult {
    Ok(talent_edit_page(&st, &p, &id, None).await?)
}

/// POST /talent/talents/{id}/edit
pub async fn update_talent(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result = async {
        register::update_talent(&st, &p, &id, version(&pairs)?, draft(&pairs)?).await?;
        Ok(done(&format!("{TALENTS}/{id}"), "saved"))
    }
    .await;
    answer(result, "talent", pairs, |fs| {
        talent_edit_page(&st, &p, &id, Some(fs))
    })
    .await
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

impl CataloguePage {
    fn tier_on(&self, code: &str) -> bool {
        self.fs
            .val("service", "tier_codes", "")
            .split(',')
            .any(|c| c == code)
    }
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

/// The edit page of a catalogue item (`kind` "service") or a tier ("tier");
/// `fs` carries the values shown: the record's, or those just posted back.
#[derive(Template)]
#[template(path = "talent/catalogue_edit.html")]
struct CatalogueEditPage {
    page: PageCtx,
    kind: &'static str,
    action: String,
    version: i32,
    note: String,
    tiers: Vec<talent_tier::Model>,
    origins: Vec<(&'static str, &'static str)>,
    states: Vec<(&'static str, &'static str)>,
    fs: FormState,
}

impl CatalogueEditPage {
    fn tier_on(&self, code: &str) -> bool {
        self.fs
            .val(self.kind, "tier_codes", "")
            .split(',')
            .any(|c| c == code)
    }
}

async fn catalogue_edit_page(
    st: &AppState,
    p: &Principal,
    kind: &'static str,
    id: &str,
    posted: Option<FormState>,
) -> ApiResult<Response> {
    crate::auth::require(p, Permission::TalentWrite)?;
    let tiers = register::tiers(st, p).await?;
    let (title, version, note, values) = if kind == "service" {
        let s = register::catalogue(st, p)
            .await?
            .into_iter()
            .find(|v| v.service.id == id)
            .ok_or_else(crate::error::ApiError::not_found)?;
        let m = &s.service;
        (
            format!("修改服务事项：{}", s.name),
            m.version,
            format!(
                "事项名称、责任部门（{}）和办理时限（{} 个工作日）在“诉求分类与路由”中维护。停用后人才不再看到该事项，已提交的申请照常办理。",
                s.department_name, s.time_limit_days
            ),
            vec![
                ("name_en", m.name_en.clone()),
                ("origin", m.origin.clone()),
                ("sort_order", m.sort_order.to_string()),
                ("active", m.active.to_string()),
                ("description", m.description.clone()),
                ("description_en", m.description_en.clone()),
                ("documents", m.documents.clone()),
                ("documents_en", m.documents_en.clone()),
                ("tier_codes", m.tier_codes.clone()),
            ],
        )
    } else {
        let t = tiers
            .iter()
            .find(|t| t.id == id)
            .ok_or_else(crate::error::ApiError::not_found)?;
        (
            format!("修改人才层次：{}", t.name),
            t.version,
            format!("层次代码 {} 不可修改（服务目录按代码引用层次）。", t.code),
            vec![
                ("name", t.name.clone()),
                ("name_en", t.name_en.clone()),
                ("sort_order", t.sort_order.to_string()),
            ],
        )
    };
    let base = if kind == "service" {
        CATALOGUE
    } else {
        "/talent/tiers"
    };
    let (fs, version) = FormState::for_edit(kind, posted, values, version);
    Ok(render(&CatalogueEditPage {
        page: PageCtx::new(
            st,
            p,
            &title,
            CATALOGUE,
            &[("服务目录", CATALOGUE), ("修改", "")],
        ),
        kind,
        action: format!("{base}/{id}/edit"),
        version,
        note,
        tiers,
        origins: Origin::ALL
            .iter()
            .map(|o| (o.as_str(), o.label_zh()))
            .collect(),
        states: vec![("true", "启用"), ("false", "停用")],
        fs,
    }))
}

pub async fn service_form(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
) -> PageResult {
    Ok(catalogue_edit_page(&st, &p, "service", &id, None).await?)
}

pub async fn tier_form(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
) -> PageResult {
    Ok(catalogue_edit_page(&st, &p, "tier", &id, None).await?)
}

/// POST /talent/catalogue/{id}/edit
pub async fn update_service(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let pairs = join_repeated(pairs);
    let result = async {
        register::update_service(&st, &p, &id, version(&pairs)?, draft(&pairs)?).await?;
        Ok(done(CATALOGUE, "saved"))
    }
    .await;
    answer(result, "service", pairs, |fs| {
        catalogue_edit_page(&st, &p, "service", &id, Some(fs))
    })
    .await
}

/// POST /talent/tiers/{id}/edit
pub async fn update_tier(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let result = async {
        register::update_tier(&st, &p, &id, version(&pairs)?, draft(&pairs)?).await?;
        Ok(done(CATALOGUE, "saved"))
    }
    .await;
    answer(result, "tier", pairs, |fs| {
        catalogue_edit_page(&st, &p, "tier", &id, Some(fs))
    })
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
            .flash_code(flash)
            .calendar_gap(crate::pages::calendar_gap(st).await?),
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

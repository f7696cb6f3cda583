//! Network pages: the party organisation tree with the article's figures,
//! an organisation's page (units, chain links, cross-appointments), the
//! member list (masked personal data) and a member's page with the audited
//! "show in full" and the edit form.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use kechuang_domain::auth::Permission;
use kechuang_domain::party::{permille_text, MemberStage, PartyOrgKind};
use kechuang_store::party::network::{self, NetworkFigures, PartyOrgSummary, Recruitment};
use kechuang_store::Principal;

use crate::auth::{require, PageUser};
use crate::error::{ApiError, ApiResult};
use crate::excel;
use crate::pages::actions::{
    answer, done, draft, field, import_refusal, org_choices, with_status, FlashQuery, FormState,
    ImportPanel,
};
use crate::pages::{fmt_date, query_string, render, PageCtx, PageResult, Pager};
use crate::service::party::network::{
    self as service, kind_label, MemberListQuery, PartyMemberView, PartyOrgDetail,
};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/party", get(tree).post(create_org))
        .route("/party/orgs/{id}", get(org))
        .route("/party/orgs/{id}/act/{action}", post(org_act))
        .route("/party/members", get(members).post(create_member))
        .route("/party/members/export.xlsx", get(export_members))
        .route("/party/members/import", post(import_members))
        .route("/party/orgs/export.xlsx", get(export_orgs))
        .route("/party/orgs/import", post(import_orgs))
        .route("/party/members/{id}", get(member))
        .route("/party/members/{id}/act/{action}", post(member_act))
}

fn kinds() -> Vec<(&'static str, &'static str)> {
    PartyOrgKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.label_zh()))
        .collect()
}

fn indent(o: &PartyOrgSummary) -> String {
    "　".repeat(o.depth)
}

#[derive(Template)]
#[template(path = "party/tree.html")]
struct TreePage {
    page: PageCtx,
    orgs: Vec<PartyOrgSummary>,
    figures: NetworkFigures,
    recruitment: Recruitment,
    kinds: Vec<(&'static str, &'static str)>,
    chains: Vec<(String, String)>,
    can_write: bool,
    fs: FormState,
    imp: ImportPanel,
}

/// The organisations' import panel.
const ORG_IMPORT: (&str, &str, &str, &str) = (
    "import-orgs",
    "/party/orgs/import",
    "/api/v1/party/orgs/import/template",
    "上级党组织按全称识别，可以是已有组织或文件中上面的行；产业链党委须填所在产业链名称。",
);

impl TreePage {
    fn indent(&self, o: &PartyOrgSummary) -> String {
        indent(o)
    }
    fn kind_label(&self, code: &str) -> String {
        kind_label(code)
    }
    fn kind_count(&self, code: &str) -> u64 {
        self.figures.by_kind.get(code).copied().unwrap_or(0)
    }
    fn share(&self) -> String {
        permille_text(self.recruitment.sci_tech_share_permille)
    }
    fn units(&self, o: &PartyOrgSummary) -> String {
        o.units
            .iter()
            .map(|u| u.1.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }
}

pub async fn tree(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(f): Query<FlashQuery>,
) -> PageResult {
    Ok(tree_page(&st, &p, FormState::default(), vec![], f.flash.as_deref()).await?)
}

async fn tree_page(
    st: &AppState,
    p: &Principal,
    fs: FormState,
    problems: Vec<crate::excel::ImportProblem>,
    flash: Option<&str>,
) -> ApiResult<Response> {
    require(p, Permission::PartyRead)?;
    Ok(render(&TreePage {
        page: PageCtx::new(
            st,
            p,
            "党组织网络",
            "/party",
            &[("党建引领", ""), ("党组织网络", "")],
        )
        .flash_code(flash),
        orgs: network::tree(&st.db).await?,
        figures: network::figures(&st.db).await?,
        recruitment: service::recruitment_of(st, p, None).await?,
        kinds: kinds(),
        chains: kechuang_store::names::all_ordered(&st.db, "chains").await?,
        can_write: p.can(Permission::PartyWrite),
        imp: ImportPanel::new(ORG_IMPORT, &fs, problems),
        fs,
    }))
}

pub async fn export_orgs(State(st): State<AppState>, PageUser(p): PageUser) -> PageResult {
    let b = crate::service::party::org_sheets::export_bytes(&st, &p).await?;
    Ok(excel::xlsx_response("党组织.xlsx", b))
}

/// POST /party/orgs/import (multipart; the CSRF token rides in the query).
pub async fn import_orgs(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    mp: axum::extract::Multipart,
) -> PageResult {
    let r = async {
        let bytes = crate::excel::upload(mp).await?;
        crate::service::party::org_sheets::import_bytes(&st, &p, &bytes).await
    }
    .await;
    let (status, fs, problems) = match r {
        Ok(_) => return Ok(done("/party", "imported")),
        Err(e) => import_refusal(e)?,
    };
    let r = tree_page(&st, &p, fs, problems, None).await?;
    Ok(with_status(r, status))
}

pub async fn create_org(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let r = match draft(&pairs) {
        Ok(d) => service::create_org(&st, &p, &d).await,
        Err(e) => Err(e),
    };
    answer(
        r.map(|m| done(&format!("/party/orgs/{}", m.id), "created")),
        "new",
        pairs,
        |fs| tree_page(&st, &p, fs, vec![], None),
    )
    .await
}

#[derive(Template)]
#[template(path = "party/org.html")]
struct OrgPage {
    page: PageCtx,
    d: PartyOrgDetail,
    parents: Vec<(String, String)>,
    /// Party organisations a chain committee may link (not itself).
    linkable: Vec<(String, String)>,
    units: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    chains: Vec<(String, String)>,
    can_write: bool,
    fs: FormState,
}

impl OrgPage {
    fn kind_label(&self, code: &str) -> String {
        kind_label(code)
    }
    fn date(&self, d: &Option<chrono::NaiveDate>) -> String {
        d.map(fmt_date).unwrap_or_default()
    }
    /// The organisation's value of an edit-form field.
    fn current(&self, name: &str) -> String {
        let o = &self.d.org.org;
        match name {
            "name" => o.name.clone(),
            "kind" => o.kind.clone(),
            "parent_id" => o.parent_id.clone().unwrap_or_default(),
            "chain_id" => o.chain_id.clone().unwrap_or_default(),
            "founded_on" => o.founded_on.map(|d| d.to_string()).unwrap_or_default(),
            "secretary" => o.secretary.clone(),
            "venue" => o.venue.clone(),
            "sort_order" => o.sort_order.to_string(),
            _ => String::new(),
        }
    }
    fn is_chain_committee(&self) -> bool {
        self.d.org.org.kind == PartyOrgKind::ChainCommittee.as_str()
    }
}

pub async fn org(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(f): Query<FlashQuery>,
) -> PageResult {
    Ok(org_page(&st, &p, &id, FormState::default(), f.flash.as_deref()).await?)
}

async fn org_page(
    st: &AppState,
    p: &Principal,
    id: &str,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    let d = service::org_detail(st, p, id).await?;
    let all = network::tree(&st.db).await?;
    let title = d.org.org.name.clone();
    let own_path = d.org.org.path.clone();
    Ok(render(&OrgPage {
        page: PageCtx::new(
            st,
            p,
            &title,
            "/party",
            &[("党建引领", ""), ("党组织网络", "/party"), (&title, "")],
        )
        .flash_code(flash),
        parents: all
            .iter()
            .filter(|o| !o.org.path.starts_with(&own_path))
            .map(|o| (o.org.id.clone(), format!("{}{}", indent(o), o.org.name)))
            .collect(),
        linkable: all
            .iter()
            .filter(|o| o.org.id != id && o.org.kind != PartyOrgKind::ChainCommittee.as_str())
            .map(|o| (o.org.id.clone(), o.org.name.clone()))
            .collect(),
        units: org_choices(
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
        .await?,
        kinds: kinds(),
        chains: kechuang_store::names::all_ordered(&st.db, "chains").await?,
        can_write: p.can(Permission::PartyWrite),
        d,
        fs,
    }))
}

/// POST /party/orgs/{id}/act/{action}: edit, unit, unit_remove, link, unlink, appointment, appointment_remove.
pub async fn org_act(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path((id, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let r: ApiResult<&str> = async {
        require(&p, Permission::PartyWrite)?;
        let who = &p.username;
        match action.as_str() {
            "edit" => {
                let version = field(&pairs, "version").parse().unwrap_or(0);
                service::update_org(&st, &p, &id, version, &draft(&pairs)?)
                    .await
                    .map(|_| "saved")
            }
            "unit" => network::add_unit(&st.db, who, &id, field(&pairs, "org_id"))
                .await
                .map(|_| "saved")
                .map_err(Into::into),
            "unit_remove" => network::remove_unit(&st.db, who, &id, field(&pairs, "org_id"))
                .await
                .map(|_| "deleted")
                .map_err(Into::into),
            "link" => network::link_to_chain(&st.db, who, &id, field(&pairs, "party_org_id"))
                .await
                .map(|_| "saved")
                .map_err(Into::into),
            "unlink" => network::unlink_from_chain(&st.db, who, &id, field(&pairs, "party_org_id"))
                .await
                .map(|_| "deleted")
                .map_err(Into::into),
            "appointment" => {
                let mut d: crate::forms::party::network::AppointmentDraft = draft(&pairs)?;
                d.party_org_id = id.clone();
                service::add_appointment(&st, &p, &d).await.map(|_| "saved")
            }
            "appointment_remove" => {
                network::remove_appointment(&st.db, who, field(&pairs, "appointment_id"))
                    .await
                    .map(|_| "deleted")
                    .map_err(Into::into)
            }
            _ => Err(ApiError::not_found()),
        }
    }
    .await;
    answer(
        r.map(|flash| done(&format!("/party/orgs/{id}"), flash)),
        &action,
        pairs,
        |fs| org_page(&st, &p, &id, fs, None),
    )
    .await
}

// ---- members ----

#[derive(Template)]
#[template(path = "party/members.html")]
struct MembersPage {
    page: PageCtx,
    rows: Vec<PartyMemberView>,
    pager: Pager,
    q: MemberListQuery,
    export_href: String,
    orgs: Vec<(String, String)>,
    stages: Vec<(&'static str, &'static str)>,
    can_write: bool,
    can_pii: bool,
    fs: FormState,
    imp: ImportPanel,
}

/// The members' import panel.
const MEMBER_IMPORT: (&str, &str, &str, &str) = (
    "import-members",
    "/party/members/import",
    "/api/v1/party/members/import/template",
    "党组织按党组织网络中的全称识别；手机号、身份证号须完整（请用“导出完整信息”的文件）；发展阶段按各阶段日期计算。",
);

impl MembersPage {
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
}

fn stages() -> Vec<(&'static str, &'static str)> {
    MemberStage::ALL
        .iter()
        .map(|s| (s.as_str(), s.label_zh()))
        .collect()
}

async fn org_options(st: &AppState) -> ApiResult<Vec<(String, String)>> {
    Ok(network::tree(&st.db)
        .await?
        .iter()
        .map(|o| (o.org.id.clone(), format!("{}{}", indent(o), o.org.name)))
        .collect())
}

pub async fn members(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<MemberListQuery>,
    Query(f): Query<FlashQuery>,
) -> PageResult {
    Ok(members_page(&st, &p, q, FormState::default(), vec![], f.flash.as_deref()).await?)
}

async fn members_page(
    st: &AppState,
    p: &Principal,
    q: MemberListQuery,
    fs: FormState,
    problems: Vec<crate::excel::ImportProblem>,
    flash: Option<&str>,
) -> ApiResult<Response> {
    require(p, Permission::PartyRead)?;
    let page = network::members(
        &st.db,
        &q.filter()?,
        kechuang_store::PageReq::new(q.page, q.per_page)?,
    )
    .await?;
    let query = query_string(&[
        ("q", q.q.as_deref().unwrap_or("")),
        ("party_org_id", q.party_org_id.as_deref().unwrap_or("")),
        ("stage", q.stage.as_deref().unwrap_or("")),
        ("field", q.field.as_deref().unwrap_or("")),
    ]);
    let pager = Pager::new(&page, &format!("/party/members?{query}"));
    Ok(render(&MembersPage {
        page: PageCtx::new(
            st,
            p,
            "党员与发展对象",
            "/party/members",
            &[("党建引领", ""), ("党员与发展对象", "")],
        )
        .flash_code(flash),
        rows: service::member_views(st, page.items, false).await?,
        pager,
        export_href: format!("/party/members/export.xlsx?{query}"),
        q,
        orgs: org_options(st).await?,
        stages: stages(),
        can_write: p.can(Permission::PartyWrite),
        can_pii: p.can(Permission::PartyPii),
        imp: ImportPanel::new(MEMBER_IMPORT, &fs, problems),
        fs,
    }))
}

pub async fn export_members(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<MemberListQuery>,
) -> PageResult {
    let b = crate::service::party::member_sheets::export_bytes(&st, &p, &q).await?;
    Ok(excel::xlsx_response("党员名册.xlsx", b))
}

/// POST /party/members/import (multipart; the CSRF token rides in the query).
pub async fn import_members(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    mp: axum::extract::Multipart,
) -> PageResult {
    let r = async {
        let bytes = crate::excel::upload(mp).await?;
        crate::service::party::member_sheets::import_bytes(&st, &p, &bytes).await
    }
    .await;
    let (status, fs, problems) = match r {
        Ok(_) => return Ok(done("/party/members", "imported")),
        Err(e) => import_refusal(e)?,
    };
    let r = members_page(&st, &p, MemberListQuery::default(), fs, problems, None).await?;
    Ok(with_status(r, status))
}

pub async fn create_member(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let r = match draft(&pairs) {
        Ok(d) => service::create_member(&st, &p, &d).await,
        Err(e) => Err(e),
    };
    answer(
        r.map(|m| done(&format!("/party/members/{}", m.id), "created")),
        "new",
        pairs,
        |fs| members_page(&st, &p, MemberListQuery::default(), fs, vec![], None),
    )
    .await
}

#[derive(Template)]
#[template(path = "party/member.html")]
struct MemberPage {
    page: PageCtx,
    m: PartyMemberView,
    orgs: Vec<(String, String)>,
    can_pii: bool,
    can_write: bool,
    fs: FormState,
}

impl MemberPage {
    fn date(&self, d: &Option<chrono::NaiveDate>) -> String {
        d.map(fmt_date).unwrap_or_default()
    }
    fn current(&self, name: &str) -> String {
        let m = &self.m.member;
        let d = |d: &Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        match name {
            "party_org_id" => m.party_org_id.clone(),
            "name" => m.name.clone(),
            "gender" => m.gender.clone(),
            "phone" => m.phone.clone(),
            "id_number" => m.id_number.clone(),
            "field" => m.field.clone(),
            "post" => m.post.clone(),
            "applied_on" => d(&m.applied_on),
            "activist_on" => d(&m.activist_on),
            "candidate_on" => d(&m.candidate_on),
            "probationary_on" => d(&m.probationary_on),
            "full_on" => d(&m.full_on),
            _ => String::new(),
        }
    }
}

pub async fn member(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(f): Query<FlashQuery>,
) -> PageResult {
    Ok(member_page(
        &st,
        &p,
        &id,
        false,
        FormState::default(),
        f.flash.as_deref(),
    )
    .await?)
}

async fn member_page(
    st: &AppState,
    p: &Principal,
    id: &str,
    reveal: bool,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    let m = service::member_view(st, p, id, reveal).await?;
    let title = m.member.name.clone();
    Ok(render(&MemberPage {
        page: PageCtx::new(
            st,
            p,
            &title,
            "/party/members",
            &[
                ("党建引领", ""),
                ("党员与发展对象", "/party/members"),
                (&title, ""),
            ],
        )
        .flash_code(flash),
        m,
        orgs: org_options(st).await?,
        can_pii: p.can(Permission::PartyPii),
        can_write: p.can(Permission::PartyWrite),
        fs,
    }))
}

/// POST /party/members/{id}/act/{action}: reveal (audited), edit.
pub async fn member_act(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path((id, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    match action.as_str() {
        "reveal" => Ok(member_page(&st, &p, &id, true, FormState::default(), None).await?),
        "edit" => {
            let version = field(&pairs, "version").parse().unwrap_or(0);
            let r = match draft(&pairs) {
                Ok(d) => service::update_member(&st, &p, &id, version, &d).await,
                Err(e) => Err(e),
            };
            match r {
                Ok(_) => Ok(done(&format!("/party/members/{id}"), "saved")),
                Err(e) if matches!(e.status.as_u16(), 409 | 422) => {
                    let status = e.status;
                    // The editor already holds the unmasked data they typed.
                    let r = member_page(
                        &st,
                        &p,
                        &id,
                        false,
                        FormState::rejected("edit", pairs, &e),
                        None,
                    )
                    .await?;
                    Ok(with_status(r, status))
                }
                Err(e) => Err(e.into()),
            }
        }
        _ => Err(ApiError::not_found().into()),
    }
}

//! Pages of the organisations register: list (filters, sort, paging,
//! export), detail, create/edit forms with in-place errors, Excel import.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kechuang_domain::auth::Permission;
use kechuang_domain::org::{ChainPosition, OrgKind};
use kechuang_domain::ErrorCode;
use kechuang_store::entities::org;
use kechuang_store::{audit, chains, departments, Principal, Scope};
use serde::Deserialize;

use super::actions::FlashQuery;
use super::{
    department_choices, fmt_date, fmt_time, is_htmx, query_string, render, render_status, PageCtx,
    PageResult, Pager,
};
use crate::auth::{require, PageUser};
use crate::error::ApiError;
use crate::excel::{upload, xlsx_response, ImportFailure, ImportProblem};
use crate::forms::{field_error, fields_of, FieldErrors, OrgDraft};
use crate::service::orgs::{self as service, kind_label, tags_of, OrgListQuery, OrgView};
use crate::AppState;
use axum::routing::{get, post};
use axum::Router;

pub struct OrgRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub uscc: String,
    pub department: String,
    pub tags: Vec<String>,
    pub high_tech: bool,
    pub specialized: bool,
    pub tech_sme: bool,
    pub updated: String,
}

pub struct SortHead {
    pub label: String,
    pub href: String,
    pub mark: String,
}

/// Everything the list fragment (#list) needs.
pub struct OrgList {
    pub rows: Vec<OrgRow>,
    pub pager: Pager,
    pub heads: Vec<SortHead>,
    pub export_href: String,
}

#[derive(Template)]
#[template(path = "orgs/list.html")]
struct ListPage {
    page: PageCtx,
    list: OrgList,
    q: OrgListQuery,
    kinds: Vec<(String, String)>,
    departments: Vec<(String, String)>,
    chains: Vec<(String, String)>,
    can_write: bool,
    can_import: bool,
    show_filters: bool,
}

#[derive(Template)]
#[template(path = "orgs/_table.html")]
struct ListFragment {
    list: OrgList,
}

fn s(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

fn base_query(q: &OrgListQuery) -> String {
    query_string(&[
        ("q", s(&q.q)),
        ("kind", s(&q.kind)),
        ("high_tech", s(&q.high_tech)),
        ("specialized", s(&q.specialized)),
        ("department_id", s(&q.department_id)),
        ("chain_id", s(&q.chain_id)),
        ("tag", s(&q.tag)),
        ("sort", s(&q.sort)),
        ("dir", s(&q.dir)),
    ])
}

async fn build_list(st: &AppState, p: &Principal, q: &OrgListQuery) -> Result<OrgList, ApiError> {
    let page = service::list(st, p, q).await?;
    let deps: std::collections::HashMap<String, String> = departments::list(&st.db, &Scope::All)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let base = base_query(q);
    let pager = Pager::new(&page, &format!("/orgs?{base}"));
    let (cur_sort, cur_desc) = (
        q.sort.clone().unwrap_or_else(|| "name".into()),
        q.dir.as_deref() == Some("desc"),
    );
    let heads = [
        ("name", "单位名称"),
        ("kind", "类型"),
        ("", "统一社会信用代码"),
        ("", "主管部门"),
        ("", "资质与标签"),
        ("updated_at", "更新时间"),
    ]
    .into_iter()
    .map(|(key, label)| {
        if key.is_empty() {
            return SortHead {
                label: label.into(),
                href: String::new(),
                mark: String::new(),
            };
        }
        let desc = key == cur_sort && !cur_desc;
        let qq = OrgListQuery {
            sort: Some(key.into()),
            dir: Some(if desc { "desc" } else { "asc" }.into()),
            page: None,
            ..clone_query(q)
        };
        SortHead {
            label: label.into(),
            href: format!("/orgs?{}", base_query(&qq)),
            mark: if key == cur_sort {
                if cur_desc {
                    "↓"
                } else {
                    "↑"
                }
            } else {
                ""
            }
            .into(),
        }
    })
    .collect();
    Ok(OrgList {
        rows: page
            .items
            .into_iter()
            .map(|m| OrgRow {
                kind: kind_label(&m.kind),
                tags: tags_of(&m),
                department: m
                    .department_id
                    .as_ref()
                    .and_then(|d| deps.get(d))
                    .cloned()
                    .unwrap_or_default(),
                uscc: m.uscc.clone().unwrap_or_default(),
                high_tech: m.is_high_tech,
                specialized: m.is_specialized,
                tech_sme: m.is_tech_sme,
                updated: fmt_time(m.updated_at),
                id: m.id,
                name: m.name,
            })
            .collect(),
        pager,
        heads,
        export_href: format!("/orgs/export.xlsx?{base}"),
    })
}

fn clone_query(q: &OrgListQuery) -> OrgListQuery {
    OrgListQuery {
        q: q.q.clone(),
        kind: q.kind.clone(),
        high_tech: q.high_tech.clone(),
        specialized: q.specialized.clone(),
        department_id: q.department_id.clone(),
        chain_id: q.chain_id.clone(),
        tag: q.tag.clone(),
        sort: q.sort.clone(),
        dir: q.dir.clone(),
        page: q.page,
        per_page: q.per_page,
    }
}

pub async fn list(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    headers: HeaderMap,
    Query(q): Query<OrgListQuery>,
    Query(flash): Query<FlashQuery>,
) -> PageResult {
    let list = build_list(&st, &p, &q).await?;
    if is_htmx(&headers) {
        return Ok(render(&ListFragment { list }));
    }
    let extra = async {
        Ok::<_, ApiError>((
            department_choices(&st).await?,
            chains::list(&st.db)
                .await?
                .into_iter()
                .map(|c| (c.chain.id, c.chain.name))
                .collect(),
        ))
    };
    let (departments, chains) = extra.await?;
    let page = PageCtx::new(&st, &p, "单位名录", "/orgs", &[("单位名录", "")])
        .flash_code(flash.flash.as_deref());
    Ok(render(&ListPage {
        page,
        list,
        q,
        kinds: OrgKind::ALL
            .iter()
            .map(|k| (k.as_str().to_string(), k.label_zh().to_string()))
            .collect(),
        departments,
        chains,
        can_write: p.can(Permission::OrgsWrite)
            && matches!(
                p.scope,
                Scope::All | Scope::Served(_) | Scope::Departments(_)
            ),
        can_import: p.can(Permission::OrgsImport),
        show_filters: matches!(
            p.scope,
            Scope::All | Scope::Served(_) | Scope::Departments(_)
        ),
    }))
}

pub async fn export(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<OrgListQuery>,
) -> PageResult {
    let b = service::export_bytes(&st, &p, &q).await?;
    Ok(xlsx_response("单位名录.xlsx", b))
}

#[derive(Template)]
#[template(path = "orgs/form.html")]
struct FormPage {
    page: PageCtx,
    action: String,
    draft: OrgDraft,
    version: i32,
    errors: FieldErrors,
    kinds: Vec<(String, String)>,
    departments: Vec<(String, String)>,
    cancel: String,
}

impl FormPage {
    fn contact_fields(&self) -> [(&'static str, &'static str, String, &'static str); 4] {
        let d = &self.draft;
        [
            ("legal_person", "法定代表人", d.legal_person.clone(), "text"),
            ("contact_name", "联系人", d.contact_name.clone(), "text"),
            ("contact_phone", "联系电话", d.contact_phone.clone(), "tel"),
            (
                "contact_email",
                "电子邮箱",
                d.contact_email.clone(),
                "email",
            ),
        ]
    }
    fn err(&self, f: &str) -> String {
        field_error(&self.errors, f)
    }
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    st: &AppState,
    p: &Principal,
    title: &str,
    action: String,
    draft: OrgDraft,
    version: i32,
    errors: FieldErrors,
    cancel: String,
) -> Result<FormPage, ApiError> {
    Ok(FormPage {
        page: PageCtx::new(st, p, title, "/orgs", &[("单位名录", "/orgs"), (title, "")]),
        action,
        draft,
        version,
        errors,
        kinds: OrgKind::ALL
            .iter()
            .map(|k| (k.as_str().to_string(), k.label_zh().to_string()))
            .collect(),
        departments: department_choices(st).await?,
        cancel,
    })
}

fn show_form(status: StatusCode, f: Result<FormPage, ApiError>) -> PageResult {
    Ok(render_status(status, &f?))
}

pub async fn new_form(State(st): State<AppState>, PageUser(p): PageUser) -> PageResult {
    require(&p, Permission::OrgsWrite)?;
    let draft = OrgDraft {
        kind: "enterprise".into(),
        ..Default::default()
    };
    let f = form_page(
        &st,
        &p,
        "新增单位",
        "/orgs/new".into(),
        draft,
        0,
        vec![],
        "/orgs".into(),
    )
    .await;
    show_form(StatusCode::OK, f)
}

/// A form submission: the draft plus the version the editor saw.
#[derive(Deserialize)]
pub struct OrgFormBody {
    #[serde(flatten)]
    draft: OrgDraft,
    #[serde(default)]
    version: i32,
}

/// Turn a store/validation failure into field errors shown in the form.
fn form_errors(e: ApiError) -> Result<FieldErrors, ApiError> {
    const FIELDS: [&str; 12] = [
        "name",
        "kind",
        "uscc",
        "legal_person",
        "contact_name",
        "contact_phone",
        "contact_email",
        "address",
        "tags",
        "department_id",
        "founded_on",
        "description",
    ];
    match (e.status.as_u16(), e.code) {
        (422, _) => Ok(fields_of(&e, &FIELDS)),
        (409, ErrorCode::DuplicateUscc) => Ok(vec![("uscc", e.message)]),
        (409, _) => Ok(vec![("_form", e.message)]),
        _ => Err(e),
    }
}

async fn save(
    st: &AppState,
    p: &Principal,
    id: Option<&str>,
    body: &OrgFormBody,
) -> Result<OrgView, ApiError> {
    match id {
        None => service::create(st, p, &body.draft).await,
        Some(id) => service::update(st, p, id, body.version, &body.draft).await,
    }
}

async fn submit(st: AppState, p: Principal, id: Option<String>, body: OrgFormBody) -> PageResult {
    match save(&st, &p, id.as_deref(), &body).await {
        Ok(m) => Ok(Redirect::to(&format!(
            "/orgs/{}?flash={}",
            m.id,
            if id.is_some() { "saved" } else { "created" }
        ))
        .into_response()),
        Err(e) => {
            let errors = form_errors(e)?;
            let (title, action, cancel) = match &id {
                None => ("新增单位", "/orgs/new".to_string(), "/orgs".to_string()),
                Some(i) => ("编辑单位", format!("/orgs/{i}/edit"), format!("/orgs/{i}")),
            };
            let f = form_page(
                &st,
                &p,
                title,
                action,
                body.draft,
                body.version,
                errors,
                cancel,
            )
            .await;
            show_form(StatusCode::UNPROCESSABLE_ENTITY, f)
        }
    }
}

pub async fn create(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(body): Form<OrgFormBody>,
) -> PageResult {
    submit(st, p, None, body).await
}

pub async fn update(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Form(body): Form<OrgFormBody>,
) -> PageResult {
    submit(st, p, Some(id), body).await
}

pub async fn edit_form(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
) -> PageResult {
    require(&p, Permission::OrgsWrite)?;
    let m = service::get(&st, &p, &id).await?;
    let f = form_page(
        &st,
        &p,
        "编辑单位",
        format!("/orgs/{id}/edit"),
        OrgDraft::from_model(&m),
        m.version,
        vec![],
        format!("/orgs/{id}"),
    )
    .await;
    show_form(StatusCode::OK, f)
}

pub struct Place {
    pub chain_id: String,
    pub chain: String,
    pub position: String,
    pub node: String,
}

#[derive(Template)]
#[template(path = "orgs/detail.html")]
struct DetailPage {
    page: PageCtx,
    o: org::Model,
    kind: String,
    tags: Vec<String>,
    department: String,
    founded: String,
    created: String,
    updated: String,
    places: Vec<Place>,
    /// The alliances it belongs to today (when the caller may read alliances).
    alliances: Vec<crate::service::alliances::OrgAllianceView>,
    history: Vec<(String, String, String)>,
    can_write: bool,
    can_delete: bool,
}

pub async fn detail(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(fq): Query<FlashQuery>,
) -> PageResult {
    let r: Result<DetailPage, ApiError> = async {
        let o = service::get(&st, &p, &id).await?;
        let department = match &o.department_id {
            Some(d) => departments::get(&st.db, &Scope::All, d)
                .await
                .map(|d| d.name)
                .unwrap_or_default(),
            None => String::new(),
        };
        let places = chains::places_of_org(&st.db, &o.id)
            .await?
            .into_iter()
            .map(|(c, l, node)| Place {
                chain_id: c.id,
                chain: c.name,
                position: ChainPosition::parse(&l.position)
                    .map(|x| x.label_zh().to_string())
                    .unwrap_or_default(),
                node: node.unwrap_or_default(),
            })
            .collect();
        let history = audit::history(&st.db, "orgs", &o.id, 10)
            .await?
            .iter()
            .map(|a| {
                (
                    super::fmt_rfc3339(&a.at),
                    a.actor.clone(),
                    super::admin::action_label(&a.action).to_string(),
                )
            })
            .collect();
        let page = PageCtx::new(
            &st,
            &p,
            &o.name,
            "/orgs",
            &[("单位名录", "/orgs"), (&o.name, "")],
        )
        .flash_code(fq.flash.as_deref());
        Ok(DetailPage {
            page,
            kind: kind_label(&o.kind),
            tags: tags_of(&o),
            department,
            founded: o.founded_on.map(fmt_date).unwrap_or_default(),
            created: fmt_time(o.created_at),
            updated: fmt_time(o.updated_at),
            places,
            alliances: if p.can(Permission::AlliancesRead) {
                crate::service::alliances::of_org(&st, &p, &o.id).await?
            } else {
                vec![]
            },
            history,
            can_write: p.can(Permission::OrgsWrite),
            can_delete: p.can(Permission::OrgsWrite)
                && matches!(
                    p.scope,
                    Scope::All | Scope::Served(_) | Scope::Departments(_)
                ),
            o,
        })
    }
    .await;
    let d = r?;
    Ok(render(&d))
}

#[derive(Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    version: i32,
}

pub async fn delete(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Form(f): Form<VersionForm>,
) -> PageResult {
    service::delete(&st, &p, &id, f.version).await?;
    Ok(Redirect::to("/orgs?flash=deleted").into_response())
}

#[derive(Template)]
#[template(path = "orgs/import.html")]
struct ImportPage {
    page: PageCtx,
    problems: Vec<ImportProblem>,
    message: String,
}

fn import_page(
    st: &AppState,
    p: &Principal,
    status: StatusCode,
    problems: Vec<ImportProblem>,
    message: String,
) -> Response {
    let page = PageCtx::new(
        st,
        p,
        "导入单位",
        "/orgs",
        &[("单位名录", "/orgs"), ("导入单位", "")],
    );
    render_status(
        status,
        &ImportPage {
            page,
            problems,
            message,
        },
    )
}

pub async fn import_form(State(st): State<AppState>, PageUser(p): PageUser) -> PageResult {
    require(&p, Permission::OrgsImport)?;
    Ok(import_page(&st, &p, StatusCode::OK, vec![], String::new()))
}

pub async fn import(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    mp: Multipart,
) -> PageResult {
    let r = async {
        require(&p, Permission::OrgsImport)?;
        let bytes = upload(mp).await?;
        service::import_bytes(&st, &p, &bytes).await
    }
    .await;
    match r {
        Ok(n) => Ok(Redirect::to(&format!(
            "/orgs?flash=imported&sort=updated_at&dir=desc&n={n}"
        ))
        .into_response()),
        Err(ImportFailure::Invalid(problems)) => {
            let message = format!(
                "发现{}处错误，未导入任何数据，请修改后重新上传",
                problems.len()
            );
            Ok(import_page(
                &st,
                &p,
                StatusCode::UNPROCESSABLE_ENTITY,
                problems,
                message,
            ))
        }
        Err(ImportFailure::Other(e))
            if e.status.is_client_error() && e.status != StatusCode::FORBIDDEN =>
        {
            Ok(import_page(&st, &p, e.status, vec![], e.message))
        }
        Err(ImportFailure::Other(e)) => Err(e.into()),
    }
}

/// The orgs pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs", get(list))
        .route("/orgs/export.xlsx", get(export))
        .route("/orgs/new", get(new_form).post(create))
        .route("/orgs/import", get(import_form).post(import))
        .route("/orgs/{id}", get(detail))
        .route("/orgs/{id}/edit", get(edit_form).post(update))
        .route("/orgs/{id}/delete", post(delete))
}

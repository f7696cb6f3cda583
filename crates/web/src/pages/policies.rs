//! Policies (政策).
//!
//! Pages: /policies (the list: filters, sort, export, import and a new
//! policy for the departments that keep them; an organisation sees the
//! published policies open to it) and a policy (its support, conditions and
//! application window; 申请兑现 for an organisation while the window is
//! open, which starts a 政策兑现 case; editing, publishing and stopping for
//! its department).

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use kechuang_domain::auth::Permission;
use kechuang_domain::org::OrgKind;
use kechuang_domain::policies::{kinds_of, PolicyStatus};
use kechuang_store::{Principal, Scope};

use crate::auth::{require, PageUser};
use crate::error::{ApiError, ApiResult};
use crate::excel::{self, ImportProblem};
use crate::pages::actions::{
    answer, done, draft, import_answer, join_repeated, version, FlashQuery, FormState, ImportPanel,
};
use crate::pages::{fmt_date, query_string, render, PageCtx, PageResult, Pager};
use crate::service::policies::{self as service, PolicyListQuery, PolicyView};
use crate::AppState;

const LIST: &str = "/policies";

/// The import panel of the list.
const IMPORT: (&str, &str, &str, &str) = (
    "import-policies",
    "/policies/import",
    "/api/v1/policies/template",
    "牵头部门按名称或编码；适用单位类型用顿号分隔，留空或“不限”为不限；状态写草稿、已发布或已停止，留空为草稿。",
);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(LIST, get(list).post(create))
        .route("/policies/export.xlsx", get(export))
        .route("/policies/import", post(import))
        .route("/policies/{id}", get(detail))
        .route("/policies/{id}/act/{action}", post(act))
}

type Options = Vec<(String, String)>;

fn kinds() -> Options {
    OrgKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), k.label_zh().to_string()))
        .collect()
}

fn statuses() -> Options {
    PolicyStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), s.label_zh().to_string()))
        .collect()
}

/// The departments whose policies the user keeps (all for administrators).
async fn own_departments(st: &AppState, p: &Principal) -> ApiResult<Options> {
    if !p.can(Permission::PoliciesWrite) {
        return Ok(vec![]);
    }
    Ok(kechuang_store::departments::list(&st.db, &Scope::All)
        .await?
        .into_iter()
        .filter(|d| kechuang_store::policies::manages(&p.scope, &d.id))
        .map(|d| (d.id, d.name))
        .collect())
}

async fn chains(st: &AppState) -> ApiResult<Options> {
    Ok(kechuang_store::names::all_ordered(&st.db, "chains").await?)
}

/// Whether an organisation reads the list (only the policies open to it).
fn as_org(p: &Principal) -> bool {
    matches!(p.scope, Scope::Org(_) | Scope::User(_))
}

#[derive(Template)]
#[template(path = "policies/list.html")]
struct ListPage {
    page: PageCtx,
    rows: Vec<PolicyView>,
    pager: Pager,
    q: PolicyListQuery,
    export_href: String,
    as_org: bool,
    can_write: bool,
    statuses: Options,
    kinds: Options,
    chains: Options,
    /// Every department (filter); `own` the ones the user writes for.
    departments: Options,
    own: Options,
    page_department: Option<String>,
    fs: FormState,
    imp: ImportPanel,
}

impl ListPage {
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
    fn kind_on(&self, code: &str) -> bool {
        let posted = self.fs.val("new", "org_kinds", "");
        posted.split(',').any(|c| c == code)
    }
    /// A new policy starts with the user's own department (when it keeps
    /// policies), else the first it may choose.
    fn cur(&self, field: &str) -> String {
        match field {
            "department_id" => self
                .own
                .iter()
                .find(|(id, _)| Some(id) == self.page_department.as_ref())
                .or(self.own.first())
                .map(|(id, _)| id.clone())
                .unwrap_or_default(),
            _ => String::new(),
        }
    }
}

pub async fn list(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<PolicyListQuery>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(list_page(
        &st,
        &p,
        q,
        FormState::default(),
        vec![],
        fl.flash.as_deref(),
    )
    .await?)
}

async fn list_page(
    st: &AppState,
    p: &Principal,
    q: PolicyListQuery,
    fs: FormState,
    problems: Vec<ImportProblem>,
    flash: Option<&str>,
) -> ApiResult<Response> {
    let page = service::list(st, p, &q).await?;
    let query = query_string(&[
        ("q", q.q.as_deref().unwrap_or("")),
        ("status", q.status.as_deref().unwrap_or("")),
        ("department_id", q.department_id.as_deref().unwrap_or("")),
        ("chain_id", q.chain_id.as_deref().unwrap_or("")),
        ("org_kind", q.org_kind.as_deref().unwrap_or("")),
        ("applying", q.applying.as_deref().unwrap_or("")),
        ("sort", q.sort.as_deref().unwrap_or("")),
    ]);
    let pager = Pager::new(&page, &format!("{LIST}?{query}"));
    Ok(render(&ListPage {
        page: PageCtx::new(st, p, "政策", LIST, &[("政策", "")]).flash_code(flash),
        rows: page.items,
        pager,
        export_href: format!("/policies/export.xlsx?{query}"),
        as_org: as_org(p),
        can_write: p.can(Permission::PoliciesWrite),
        statuses: statuses(),
        kinds: kinds(),
        chains: chains(st).await?,
        departments: if as_org(p) {
            vec![]
        } else {
            kechuang_store::names::all_ordered(&st.db, "departments").await?
        },
        own: own_departments(st, p).await?,
        page_department: p.department_id.clone(),
        imp: ImportPanel::new(IMPORT, &fs, problems),
        q,
        fs,
    }))
}

pub async fn export(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<PolicyListQuery>,
) -> PageResult {
    let b = service::export_bytes(&st, &p, &q).await?;
    Ok(excel::xlsx_response("政策.xlsx", b))
}

/// POST /policies/import (multipart; the CSRF token rides in the query).
pub async fn import(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    mp: Multipart,
) -> PageResult {
    let r = async {
        let bytes = excel::upload(mp).await?;
        service::import_bytes(&st, &p, &bytes).await
    }
    .await;
    import_answer(r, LIST, |fs, problems| {
        list_page(&st, &p, PolicyListQuery::default(), fs, problems, None)
    })
    .await
}

pub async fn create(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let pairs = join_repeated(pairs);
    let result = match draft(&pairs) {
        Ok(d) => service::create(&st, &p, &d).await,
        Err(e) => Err(e),
    };
    answer(
        result.map(|v| done(&format!("{LIST}/{}", v.policy.id), "created")),
        "new",
        pairs,
        |fs| list_page(&st, &p, PolicyListQuery::default(), fs, vec![], None),
    )
    .await
}

#[derive(Template)]
#[template(path = "policies/detail.html")]
struct DetailPage {
    page: PageCtx,
    v: PolicyView,
    /// 申请兑现 is offered (an organisation that may submit cases).
    may_apply: bool,
    kinds: Options,
    chains: Options,
    own: Options,
    fs: FormState,
    version: i32,
}

impl DetailPage {
    fn cur(&self, field: &str) -> String {
        let m = &self.v.policy;
        match field {
            "title" => m.title.clone(),
            "doc_number" => m.doc_number.clone(),
            "department_id" => m.department_id.clone(),
            "chain_id" => m.chain_id.clone().unwrap_or_default(),
            "support" => m.support.clone(),
            "conditions" => m.conditions.clone(),
            "opens_on" => m.opens_on.map(|d| d.to_string()).unwrap_or_default(),
            "closes_on" => m.closes_on.map(|d| d.to_string()).unwrap_or_default(),
            _ => String::new(),
        }
    }
    fn kind_on(&self, code: &str) -> bool {
        if self.fs.is("edit") {
            let posted = self.fs.val("edit", "org_kinds", "");
            return posted.split(',').any(|c| c == code);
        }
        kinds_of(&self.v.policy.org_kinds)
            .iter()
            .any(|k| k.as_str() == code)
    }
    fn is(&self, s: &str) -> bool {
        self.v.policy.status == s
    }
    fn published(&self) -> String {
        self.v
            .policy
            .published_at
            .map(|t| fmt_date(t.with_timezone(&crate::format::cst()).date_naive()))
            .unwrap_or_default()
    }
}

pub async fn detail(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(fl): Query<FlashQuery>,
) -> PageResult {
    Ok(detail_page(&st, &p, &id, None, fl.flash.as_deref()).await?)
}

async fn detail_page(
    st: &AppState,
    p: &Principal,
    id: &str,
    posted: Option<FormState>,
    flash: Option<&str>,
) -> ApiResult<Response> {
    require(p, Permission::PoliciesRead)?;
    let v = service::detail(st, p, id).await?;
    let title = v.policy.title.clone();
    // A refused edit shows what was typed, with the version it was typed against.
    let fs = posted.unwrap_or_default();
    let version = match fs.is("edit") {
        true => fs
            .val("edit", "version", "")
            .parse()
            .unwrap_or(v.policy.version),
        false => v.policy.version,
    };
    Ok(render(&DetailPage {
        page: PageCtx::new(st, p, &title, LIST, &[("政策", LIST), (&title, "")]).flash_code(flash),
        may_apply: as_org(p) && p.can(Permission::CasesCreate),
        kinds: kinds(),
        chains: chains(st).await?,
        own: if v.may_manage {
            own_departments(st, p).await?
        } else {
            vec![]
        },
        v,
        fs,
        version,
    }))
}

/// POST /policies/{id}/act/{action}: edit, publish, stop.
pub async fn act(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path((id, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let pairs = join_repeated(pairs);
    let result: ApiResult<&str> = async {
        let version = version(&pairs)?;
        match action.as_str() {
            "edit" => service::update(&st, &p, &id, version, &draft(&pairs)?)
                .await
                .map(|_| "saved"),
            "publish" => service::set_status(&st, &p, &id, version, PolicyStatus::Published)
                .await
                .map(|_| "policy_published"),
            "stop" => service::set_status(&st, &p, &id, version, PolicyStatus::Stopped)
                .await
                .map(|_| "policy_stopped"),
            _ => Err(ApiError::not_found()),
        }
    }
    .await;
    answer(
        result.map(|flash| done(&format!("{LIST}/{id}"), flash)),
        &action,
        pairs,
        |fs| detail_page(&st, &p, &id, Some(fs), None),
    )
    .await
}

//! The department tree page: list with indentation, inline create, edit, delete, export.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::Form;
use kechuang_domain::auth::Permission;
use kechuang_domain::ErrorCode;
use kechuang_store::entities::department;
use kechuang_store::{departments, Principal};
use serde::Deserialize;

use super::actions::{import_refusal, FlashQuery, FormState, ImportPanel};
use super::{render_status, PageCtx, PageResult};
use crate::auth::PageUser;
use crate::error::ApiError;
use crate::excel;
use crate::forms::{field_error, fields_of, DepartmentDraft, FieldErrors};
use crate::service::departments as service;
use crate::AppState;
use axum::routing::{get, post};
use axum::Router;

pub struct DeptRow {
    pub d: department::Model,
    pub indent: String,
    pub parent: String,
}

#[derive(Template)]
#[template(path = "departments/list.html")]
struct ListPage {
    page: PageCtx,
    rows: Vec<DeptRow>,
    draft: DepartmentDraft,
    errors: FieldErrors,
    editing: Option<department::Model>,
    can_write: bool,
    imp: ImportPanel,
}

/// The departments' import panel.
const IMPORT: (&str, &str, &str, &str) = (
    "import-departments",
    "/departments/import",
    "/api/v1/departments/import/template",
    "上级部门按名称或编码识别，可以是已有部门或文件中上面的行；层级按上级部门计算。",
);

impl ListPage {
    fn fields(&self) -> [(&'static str, &'static str, String, bool); 4] {
        let d = &self.draft;
        [
            ("name", "部门名称", d.name.clone(), true),
            ("code", "部门编码", d.code.clone(), true),
            ("sort_order", "排序号", d.sort_order.clone(), false),
            ("phone", "电话", d.phone.clone(), false),
        ]
    }
    fn err(&self, f: &str) -> String {
        field_error(&self.errors, f)
    }
}

async fn page(
    st: &AppState,
    p: &Principal,
    status: StatusCode,
    draft: DepartmentDraft,
    errors: FieldErrors,
    editing: Option<department::Model>,
    flash: Option<&str>,
) -> PageResult {
    page_with_import(
        st,
        p,
        status,
        draft,
        errors,
        editing,
        flash,
        Default::default(),
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn page_with_import(
    st: &AppState,
    p: &Principal,
    status: StatusCode,
    draft: DepartmentDraft,
    errors: FieldErrors,
    editing: Option<department::Model>,
    flash: Option<&str>,
    (fs, problems): (FormState, Vec<crate::excel::ImportProblem>),
) -> PageResult {
    let all = service::list(st, p).await?;
    let rows = all
        .iter()
        .map(|d| DeptRow {
            indent: "　　".repeat(departments::depth(d)),
            parent: d
                .parent_id
                .as_ref()
                .and_then(|pid| all.iter().find(|x| &x.id == pid))
                .map(|x| x.name.clone())
                .unwrap_or_default(),
            d: d.clone(),
        })
        .collect();
    let title = if editing.is_some() {
        "编辑部门"
    } else {
        "部门架构"
    };
    let pg = PageCtx::new(
        st,
        p,
        title,
        "/departments",
        &[("部门架构", "/departments")],
    )
    .flash_code(flash);
    Ok(render_status(
        status,
        &ListPage {
            page: pg,
            rows,
            draft,
            errors,
            editing,
            can_write: p.can(Permission::DepartmentsWrite),
            imp: ImportPanel::new(IMPORT, &fs, problems),
        },
    ))
}

pub async fn list(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(f): Query<FlashQuery>,
) -> PageResult {
    page(
        &st,
        &p,
        StatusCode::OK,
        DepartmentDraft::default(),
        vec![],
        None,
        f.flash.as_deref(),
    )
    .await
}

#[derive(Deserialize)]
pub struct DeptForm {
    #[serde(flatten)]
    draft: DepartmentDraft,
    #[serde(default)]
    version: i32,
}

fn to_fields(e: ApiError) -> Result<FieldErrors, ApiError> {
    match e.status.as_u16() {
        409 if e.code == ErrorCode::DuplicateCode => Ok(vec![("code", e.message)]),
        409 | 422 => Ok(fields_of(
            &e,
            &["name", "code", "sort_order", "phone", "parent_id"],
        )),
        _ => Err(e),
    }
}

pub async fn create(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(f): Form<DeptForm>,
) -> PageResult {
    match service::create(&st, &p, &f.draft).await {
        Ok(_) => Ok(Redirect::to("/departments?flash=created").into_response()),
        Err(e) => {
            let errors = to_fields(e)?;
            page(
                &st,
                &p,
                StatusCode::UNPROCESSABLE_ENTITY,
                f.draft,
                errors,
                None,
                None,
            )
            .await
        }
    }
}

pub async fn edit_form(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
) -> PageResult {
    let d = service::get(&st, &p, &id).await?;
    let draft = DepartmentDraft {
        name: d.name.clone(),
        code: d.code.clone(),
        parent_id: d.parent_id.clone().unwrap_or_default(),
        sort_order: d.sort_order.to_string(),
        phone: d.phone.clone(),
        funding: d.funding,
    };
    page(&st, &p, StatusCode::OK, draft, vec![], Some(d), None).await
}

pub async fn update(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Form(f): Form<DeptForm>,
) -> PageResult {
    match service::update(&st, &p, &id, f.version, &f.draft).await {
        Ok(_) => Ok(Redirect::to("/departments?flash=saved").into_response()),
        Err(e) => {
            let errors = to_fields(e)?;
            let editing = service::get(&st, &p, &id).await.ok().map(|mut d| {
                d.version = f.version;
                d
            });
            page(
                &st,
                &p,
                StatusCode::UNPROCESSABLE_ENTITY,
                f.draft,
                errors,
                editing,
                None,
            )
            .await
        }
    }
}

pub async fn delete(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Form(f): Form<DeptForm>,
) -> PageResult {
    service::delete(&st, &p, &id, f.version).await?;
    Ok(Redirect::to("/departments?flash=deleted").into_response())
}

pub async fn export(State(st): State<AppState>, PageUser(p): PageUser) -> PageResult {
    let b = service::export_bytes(&st, &p).await?;
    Ok(excel::xlsx_response("部门架构.xlsx", b))
}

/// POST /departments/import (multipart; the CSRF token rides in the query).
pub async fn import(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    mp: axum::extract::Multipart,
) -> PageResult {
    let r = async {
        let bytes = crate::excel::upload(mp).await?;
        service::import_bytes(&st, &p, &bytes).await
    }
    .await;
    let (status, fs, problems) = match r {
        Ok(_) => return Ok(Redirect::to("/departments?flash=imported").into_response()),
        Err(e) => import_refusal(e)?,
    };
    page_with_import(
        &st,
        &p,
        status,
        DepartmentDraft::default(),
        vec![],
        None,
        None,
        (fs, problems),
    )
    .await
}

/// The departments pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/departments", get(list).post(create))
        .route("/departments/export.xlsx", get(export))
        .route("/departments/import", post(import))
        .route("/departments/{id}/edit", get(edit_form).post(update))
        .route("/departments/{id}/delete", post(delete))
}

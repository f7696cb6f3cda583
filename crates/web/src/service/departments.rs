//! The committee's department tree: the view, the rules of creating, changing,
//! moving and deleting a department, and the Excel export. The JSON API
//! (`api::departments`) and the pages (`pages::departments`) both call it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kechuang_domain::auth::Permission;
use kechuang_store::entities::department;
use kechuang_store::{departments, Principal, Scope};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::excel::{self, Cell};
use crate::forms::DepartmentDraft;
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct DepartmentView {
    pub id: String,
    pub parent_id: Option<String>,
    pub name: String,
    pub code: String,
    /// 层级（顶级为0）
    pub depth: usize,
    pub sort_order: i32,
    pub phone: String,
    /// 办理资金业务（先投后股、科企梯度贷）
    pub funding: bool,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl From<department::Model> for DepartmentView {
    fn from(d: department::Model) -> Self {
        DepartmentView {
            depth: departments::depth(&d),
            id: d.id,
            parent_id: d.parent_id,
            name: d.name,
            code: d.code,
            sort_order: d.sort_order,
            phone: d.phone,
            funding: d.funding,
            version: d.version,
            updated_at: d.updated_at,
        }
    }
}

/// The departments in the caller's scope, in tree order.
pub async fn list(s: &AppState, p: &Principal) -> ApiResult<Vec<department::Model>> {
    require(p, Permission::DepartmentsRead)?;
    Ok(departments::list(&s.db, &p.scope).await?)
}

/// One department in the caller's scope.
pub async fn get(s: &AppState, p: &Principal, id: &str) -> ApiResult<department::Model> {
    require(p, Permission::DepartmentsRead)?;
    Ok(departments::get(&s.db, &p.scope, id).await?)
}

/// Add a department.
pub async fn create(s: &AppState, p: &Principal, d: &DepartmentDraft) -> ApiResult<DepartmentView> {
    require(p, Permission::DepartmentsWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(departments::create(&s.db, &p.username, input).await?.into())
}

/// Change or move a department (its sub-departments move with it), at the
/// version that was read.
pub async fn update(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &DepartmentDraft,
) -> ApiResult<DepartmentView> {
    require(p, Permission::DepartmentsWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(
        departments::update(&s.db, &p.scope, &p.username, id, version, input)
            .await?
            .into(),
    )
}

/// Delete a department with no sub-departments, accounts or organisations.
pub async fn delete(s: &AppState, p: &Principal, id: &str, version: i32) -> ApiResult<()> {
    require(p, Permission::DepartmentsWrite)?;
    departments::delete(&s.db, &p.scope, &p.username, id, version).await?;
    Ok(())
}

/// The departments in the caller's scope as an .xlsx workbook.
pub async fn export_bytes(s: &AppState, p: &Principal) -> ApiResult<Vec<u8>> {
    require(p, Permission::DepartmentsRead)?;
    let all = departments::list(&s.db, &p.scope).await?;
    let names: HashMap<String, String> = departments::list(&s.db, &Scope::All)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    excel::workbook(
        "部门架构",
        &[
            "部门名称",
            "部门编码",
            "上级部门",
            "层级",
            "排序",
            "电话",
            "资金业务",
        ],
        all.iter().map(|d| {
            vec![
                Cell::Text(d.name.clone()),
                Cell::Text(d.code.clone()),
                Cell::from(d.parent_id.as_ref().and_then(|x| names.get(x)).cloned()),
                Cell::Number(departments::depth(d) as f64 + 1.0),
                Cell::Number(f64::from(d.sort_order)),
                Cell::Text(d.phone.clone()),
                Cell::Text(if d.funding { "是" } else { "否" }.into()),
            ]
        }),
    )
}

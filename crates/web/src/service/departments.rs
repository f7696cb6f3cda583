//! The committee's department tree: the view, the rules of creating, changing,
//! moving and deleting a department, and the Excel export and import (the
//! same columns; a parent by its name or code, above in the file or already
//! registered). The JSON API
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
use crate::excel::{self, Cell, ImportFailure, ImportProblem, Table};
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

/// The departments by code and by name, for a ledger's 部门 cell.
pub struct DepartmentIndex {
    by_code: HashMap<String, String>,
    by_name: HashMap<String, Vec<String>>,
    names: HashMap<String, String>,
    codes: HashMap<String, String>,
}

impl DepartmentIndex {
    pub async fn load(s: &AppState) -> ApiResult<DepartmentIndex> {
        let mut ix = DepartmentIndex {
            by_code: HashMap::new(),
            by_name: HashMap::new(),
            names: HashMap::new(),
            codes: HashMap::new(),
        };
        for d in departments::list(&s.db, &Scope::All).await? {
            ix.by_code.insert(d.code.clone(), d.id.clone());
            ix.by_name
                .entry(d.name.clone())
                .or_default()
                .push(d.id.clone());
            ix.names.insert(d.id.clone(), d.name);
            ix.codes.insert(d.id, d.code);
        }
        Ok(ix)
    }

    /// The department a cell names by its code (codes are unique) or by a
    /// name only it has (None when empty), or why not.
    pub fn find(&self, written: &str) -> Result<Option<String>, String> {
        if written.is_empty() {
            return Ok(None);
        }
        if let Some(id) = self.by_code.get(written) {
            return Ok(Some(id.clone()));
        }
        match self.by_name.get(written).map(Vec::as_slice) {
            Some([id]) => Ok(Some(id.clone())),
            Some(_) => Err(format!("有多个名为“{written}”的部门，请填写部门编码")),
            None => Err(format!("部门“{written}”不存在，请填写部门名称或编码")),
        }
    }

    /// A department's code.
    pub fn code_of(&self, id: &str) -> String {
        self.codes.get(id).cloned().unwrap_or_default()
    }

    /// A department as `find` reads it back: its name, or its code where
    /// the name is shared or is another department's code ("" for none).
    pub fn key_of(&self, id: Option<&str>) -> String {
        let Some(id) = id else { return String::new() };
        let Some(name) = self.names.get(id) else {
            return String::new();
        };
        let plain = self.by_name.get(name).is_some_and(|v| v.len() == 1)
            && self.by_code.get(name).is_none_or(|c| c == id);
        if plain {
            name.clone()
        } else {
            self.codes.get(id).cloned().unwrap_or_default()
        }
    }
}

/// The columns of the export, the template and the import (层级 is
/// computed from the parent and not read).
pub const DEPARTMENT_COLUMNS: [&str; 7] = [
    "部门名称",
    "部门编码",
    "上级部门",
    "层级",
    "排序",
    "电话",
    "资金业务",
];

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
        &DEPARTMENT_COLUMNS,
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

/// The import template: the columns and two example rows (a parent above its child).
pub fn template_bytes() -> ApiResult<Vec<u8>> {
    let rows = [
        [
            "西部科学城管委会",
            "GWH",
            "",
            "1",
            "0",
            "023-65661000",
            "否",
        ],
        [
            "科技创新局",
            "KJ",
            "西部科学城管委会",
            "2",
            "1",
            "023-65661001",
            "是",
        ],
    ];
    excel::workbook(
        "部门导入",
        &DEPARTMENT_COLUMNS,
        rows.map(|r| r.into_iter().map(Cell::from).collect()),
    )
}

fn column_of(field: &str) -> &'static str {
    match field {
        "name" => "部门名称",
        "code" => "部门编码",
        "sort_order" => "排序",
        "phone" => "电话",
        _ => "上级部门",
    }
}

/// Validate every row with the form's rules, then import all or nothing.
pub async fn import_bytes(
    s: &AppState,
    p: &Principal,
    bytes: &[u8],
) -> Result<usize, ImportFailure> {
    require(p, Permission::DepartmentsWrite)?;
    let table = Table::read(bytes, &["部门名称", "部门编码"])?;
    // What a parent may be given by (name or code → codes): the registered
    // departments, then the file's rows above.
    let mut codes: HashMap<String, Vec<String>> = HashMap::new();
    let mut taken = std::collections::HashSet::new();
    for d in departments::list(&s.db, &Scope::All).await? {
        codes
            .entry(d.name.clone())
            .or_default()
            .push(d.code.clone());
        codes
            .entry(d.code.clone())
            .or_default()
            .push(d.code.clone());
        taken.insert(d.code);
    }
    let mut problems = vec![];
    let mut rows = vec![];
    let mut rows_of = vec![];
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (row_no, row) in table.rows() {
        let cell = |c: &str| table.get(row, c).trim().to_string();
        let bad = |column: &str, reason: String| ImportProblem {
            row: row_no,
            column: column.into(),
            reason,
        };
        let parent_text = cell("上级部门");
        let parent = match parent_text.as_str() {
            "" => None,
            t => match codes.get(t).map(Vec::as_slice) {
                Some([code]) => Some(code.clone()),
                Some(_) => {
                    problems.push(bad(
                        "上级部门",
                        format!("有多个名为“{t}”的部门，请填写上级部门的编码"),
                    ));
                    None
                }
                None => {
                    problems.push(bad(
                        "上级部门",
                        format!("找不到部门“{t}”（填已有部门或上面行中的部门名称或编码）"),
                    ));
                    None
                }
            },
        };
        let funding = excel::yes_or_empty(&cell("资金业务"), "办理资金业务").unwrap_or_else(|e| {
            problems.push(bad("资金业务", e));
            false
        });
        let draft = DepartmentDraft {
            name: cell("部门名称"),
            code: cell("部门编码"),
            parent_id: String::new(),
            sort_order: cell("排序"),
            phone: cell("电话"),
            funding,
        };
        match draft.validate() {
            Ok(input) => {
                if taken.contains(&input.code) {
                    problems.push(bad("部门编码", "部门编码已存在".into()));
                } else if let Some(first) = seen.insert(input.code.clone(), row_no) {
                    problems.push(bad("部门编码", format!("与第{first}行重复")));
                }
                for key in [&input.name, &input.code] {
                    codes
                        .entry(key.clone())
                        .or_default()
                        .push(input.code.clone());
                }
                rows.push((input, parent));
                rows_of.push(row_no);
            }
            Err((_, fields)) => problems.extend(
                fields
                    .into_iter()
                    .map(|(f, reason)| bad(column_of(f), reason)),
            ),
        }
    }
    excel::finish_import(rows, rows_of, problems, "部门编码", |rows| {
        departments::import(&s.db, &p.username, rows)
    })
    .await
}

//! Accounts in Excel (用户账号), for administrators onboarding a committee:
//! the export and the all-or-nothing import with the same columns. The
//! role is read by its Chinese name (or code), the department by name or
//! code, the organisation by credit code or exact name; a new account needs
//! an initial password (the export leaves that column empty: passwords are
//! never read back).

use std::collections::{HashMap, HashSet};

use kechuang_domain::auth::{Permission, Role};
use kechuang_store::accounts::{self, NewUser};
use kechuang_store::Principal;

use crate::auth::require;
use crate::error::ApiResult;
use crate::excel::{self, Cell, ImportFailure, ImportProblem, Table};
use crate::forms::UserDraft;
use crate::service::departments::DepartmentIndex;
use crate::AppState;

/// The columns of the export, the template and the import.
pub const USER_COLUMNS: [&str; 8] = [
    "用户名",
    "姓名",
    "角色",
    "所属部门",
    "所属单位",
    "联系电话",
    "状态",
    "初始密码",
];

pub async fn export_bytes(s: &AppState, p: &Principal) -> ApiResult<Vec<u8>> {
    require(p, Permission::UsersAdmin)?;
    let deps = DepartmentIndex::load(s).await?;
    let users = accounts::list_users(&s.db).await?;
    let org_ids: Vec<String> = users.iter().filter_map(|u| u.org_id.clone()).collect();
    let orgs = kechuang_store::names::of(&s.db, "orgs", org_ids).await?;
    excel::workbook(
        "用户账号",
        &USER_COLUMNS,
        users.into_iter().map(|u| {
            vec![
                Cell::Text(u.username),
                Cell::Text(u.display_name),
                Cell::Text(
                    Role::parse(&u.role)
                        .map(|r| r.label_zh().to_string())
                        .unwrap_or(u.role),
                ),
                Cell::from(Some(deps.key_of(u.department_id.as_deref())).filter(|k| !k.is_empty())),
                Cell::from(u.org_id.and_then(|o| orgs.get(&o).cloned())),
                Cell::Text(u.phone),
                Cell::Text(if u.active { "启用" } else { "停用" }.into()),
                Cell::Text(String::new()),
            ]
        }),
    )
}

/// The import template: the columns and two example rows.
pub fn template_bytes() -> ApiResult<Vec<u8>> {
    let rows = [
        [
            "kjj-li",
            "科技创新局 李科长",
            "部门经办人",
            "科技创新局",
            "",
            "023-67890123",
            "启用",
            "Kechuang2026",
        ],
        [
            "qiye-sun",
            "某公司 孙联络员",
            "企业用户",
            "",
            "91500000MA5U000000",
            "13800138000",
            "启用",
            "Kechuang2026",
        ],
    ];
    excel::workbook(
        "用户导入",
        &USER_COLUMNS,
        rows.map(|r| r.into_iter().map(Cell::from).collect()),
    )
}

fn column_of(field: &str) -> &'static str {
    match field {
        "display_name" => "姓名",
        "role" => "角色",
        "department_id" => "所属部门",
        "org_id" => "所属单位",
        "phone" => "联系电话",
        _ => "用户名",
    }
}

/// Validate every row with the form's rules, then import all or nothing.
pub async fn import_bytes(
    s: &AppState,
    p: &Principal,
    bytes: &[u8],
) -> Result<usize, ImportFailure> {
    require(p, Permission::UsersAdmin)?;
    let table = Table::read(bytes, &["用户名", "角色", "初始密码"])?;
    let deps = DepartmentIndex::load(s).await?;
    let existing: HashSet<String> = accounts::list_users(&s.db)
        .await?
        .into_iter()
        .map(|u| u.username)
        .collect();
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
        let before = problems.len();
        let username = cell("用户名");
        if existing.contains(&username) {
            problems.push(bad("用户名", "用户名已存在".into()));
        } else if let Some(first) = seen.insert(username.clone(), row_no) {
            problems.push(bad("用户名", format!("与第{first}行重复")));
        }
        let role_text = cell("角色");
        let role = Role::ALL
            .into_iter()
            .find(|r| r.label_zh() == role_text || r.as_str() == role_text);
        if role.is_none() {
            problems.push(bad(
                "角色",
                format!("“{role_text}”不是角色，请填写如“部门经办人”“企业用户”"),
            ));
        }
        let department_id = deps
            .find(&cell("所属部门"))
            .unwrap_or_else(|e| {
                problems.push(bad("所属部门", e));
                None
            })
            .unwrap_or_default();
        let org_text = cell("所属单位");
        let org_id = match org_text.as_str() {
            "" => String::new(),
            t => {
                let by_code = kechuang_store::orgs::by_uscc(&s.db, &t.to_uppercase()).await?;
                match by_code {
                    Some(o) => o.id,
                    None => match kechuang_store::orgs::by_name(&s.db, t).await?.as_slice() {
                        [o] => o.id.clone(),
                        [] => {
                            problems.push(bad(
                                "所属单位",
                                format!("单位“{t}”不在单位名录中，请先登记该单位"),
                            ));
                            String::new()
                        }
                        _ => {
                            problems.push(bad(
                                "所属单位",
                                format!("有多个名为“{t}”的单位，请填写统一社会信用代码"),
                            ));
                            String::new()
                        }
                    },
                }
            }
        };
        let active = match cell("状态").as_str() {
            "" | "启用" => true,
            "停用" => false,
            v => {
                problems.push(bad("状态", format!("“{v}”无效：请填“启用”或“停用”")));
                true
            }
        };
        let password = table.get(row, "初始密码");
        if let Err(m) = kechuang_domain::password::check_strength(&password) {
            problems.push(bad("初始密码", m.to_string()));
        }
        if username.is_empty() || username.chars().count() > 64 {
            problems.push(bad("用户名", "用户名不能为空，且不超过64个字符".into()));
        }
        let draft = UserDraft {
            username: username.clone(),
            display_name: cell("姓名"),
            role: role.map(|r| r.as_str().to_string()).unwrap_or_default(),
            department_id,
            org_id,
            password: password.clone(),
            active,
            phone: Some(cell("联系电话")),
        };
        match draft.validate() {
            Ok(input) if problems.len() == before => {
                rows.push((
                    NewUser {
                        username,
                        display_name: input.display_name,
                        password,
                        role: input.role,
                        department_id: input.department_id,
                        org_id: input.org_id,
                        phone: input.phone.unwrap_or_default(),
                    },
                    active,
                ));
                rows_of.push(row_no);
            }
            Ok(_) => {}
            Err((_, fields)) => {
                let reported: Vec<String> = problems[before..]
                    .iter()
                    .map(|p| p.column.clone())
                    .collect();
                for (f, reason) in fields {
                    let column = column_of(f);
                    if !reported.iter().any(|c| c == column) {
                        problems.push(bad(column, reason));
                    }
                }
            }
        }
    }
    excel::finish_import(rows, rows_of, problems, "用户名", |rows| {
        accounts::import_users(&s.db, &p.username, rows)
    })
    .await
}

//! The service staff register in Excel (服务队伍名册) for onboarding: the
//! template and the all-or-nothing import with the export's columns
//! (`staff::STAFF_COLUMNS`), so an export imports again into an empty
//! register. Names stand for ids: 身份 by its Chinese name, 所属部门 and
//! 所属党组织 by their names, 服务的首席服务官 by the name of a chief service
//! officer registered or in a row above, 关联账号 by user name (or as the
//! export writes it, “显示名（用户名）”). 四支队伍 and 当前联系单位数 are
//! computed and not read.
//!
//! And the assignments ledger (联系单位台账: who serves which firm since
//! when), exported and imported with the same columns: the staff member by
//! name and 身份, the organisation by credit code or else its full name.

use std::collections::HashMap;

use kechuang_domain::auth::Permission;
use kechuang_store::party::staff::{self as store, StaffRole};
use kechuang_store::{departments, party::network, Principal, Scope};

use super::staff::STAFF_COLUMNS;
use crate::auth::require;
use crate::error::ApiResult;
use crate::excel::{self, one_of, Cell, ImportFailure, ImportProblem, Table};
use crate::forms::party::staff::{AssignmentDraft, StaffDraft};
use crate::AppState;

/// The import template: the columns and two example rows (an officer, then
/// its assistant naming it).
pub fn template_bytes() -> ApiResult<Vec<u8>> {
    let rows = [
        [
            "周建华",
            "首席服务官",
            "否",
            "13800138000",
            "科技创新局",
            "",
            "",
            "",
            "",
        ],
        [
            "李晓",
            "党建助手",
            "否",
            "13800138001",
            "",
            "",
            "周建华",
            "",
            "",
        ],
    ];
    excel::workbook(
        "服务队伍导入",
        &STAFF_COLUMNS,
        rows.map(|r| r.into_iter().map(Cell::from).collect()),
    )
}

fn column_of(field: &str) -> &'static str {
    match field {
        "name" => "姓名",
        "staff_role" => "身份",
        "phone" => "联系电话",
        "assistant_of" => "服务的首席服务官",
        _ => "关联账号",
    }
}

/// Validate every row with the form's rules, then import all or nothing.
pub async fn import_bytes(
    s: &AppState,
    p: &Principal,
    bytes: &[u8],
) -> Result<usize, ImportFailure> {
    require(p, Permission::PartyWrite)?;
    let table = Table::read(bytes, &["姓名", "身份"])?;
    let mut deps: HashMap<String, Vec<String>> = HashMap::new();
    for d in departments::list(&s.db, &Scope::All).await? {
        deps.entry(d.name).or_default().push(d.id);
    }
    let mut orgs: HashMap<String, Vec<String>> = HashMap::new();
    for o in network::all(&s.db).await? {
        orgs.entry(o.name).or_default().push(o.id);
    }
    let mut officers: HashMap<String, Vec<String>> = HashMap::new();
    for o in store::officers(&s.db).await? {
        officers.entry(o.name).or_default().push(o.id);
    }
    // Officers of the file, by name: the index of their row among the rows kept.
    let mut file_officers: HashMap<String, Vec<usize>> = HashMap::new();
    let mut problems = vec![];
    let mut rows = vec![];
    let mut rows_of = vec![];
    for (row_no, row) in table.rows() {
        let cell = |c: &str| table.get(row, c).trim().to_string();
        let before = problems.len();
        let bad = |column: &str, reason: String| ImportProblem {
            row: row_no,
            column: column.into(),
            reason,
        };
        let role_name = cell("身份");
        let role = StaffRole::ALL
            .into_iter()
            .find(|r| r.label_zh() == role_name || r.as_str() == role_name);
        if role.is_none() {
            problems.push(bad(
                "身份",
                format!(
                    "身份“{role_name}”无法识别，应为：{}",
                    StaffRole::ALL.map(|r| r.label_zh()).join("、")
                ),
            ));
        }
        let department_id =
            one_of(&deps, &cell("所属部门"), "部门", "部门架构").unwrap_or_else(|e| {
                problems.push(bad("所属部门", e));
                None
            });
        let party_org_id = one_of(&orgs, &cell("所属党组织"), "党组织", "党组织网络")
            .unwrap_or_else(|e| {
                problems.push(bad("所属党组织", e));
                None
            });
        // The officer: in a row above (the file's own), else registered.
        let officer_name = cell("服务的首席服务官");
        let (mut assistant_of, mut officer_row) = (String::new(), None);
        if !officer_name.is_empty() && role.is_some() && role != Some(StaffRole::Assistant) {
            problems.push(bad(
                "服务的首席服务官",
                "只有党建助手填写其服务的首席服务官，其他身份请留空".into(),
            ));
        } else if !officer_name.is_empty() {
            let in_file = file_officers
                .get(&officer_name)
                .cloned()
                .unwrap_or_default();
            let registered = officers.get(&officer_name).cloned().unwrap_or_default();
            match (in_file.as_slice(), registered.as_slice()) {
                ([k], []) => officer_row = Some(*k),
                ([], [id]) => assistant_of = id.clone(),
                ([], []) => problems.push(bad(
                    "服务的首席服务官",
                    format!(
                        "首席服务官“{officer_name}”不存在，请先登记，或在本文件中写在党建助手之前"
                    ),
                )),
                _ => problems.push(bad(
                    "服务的首席服务官",
                    format!("有多名首席服务官叫“{officer_name}”，请先改名区分"),
                )),
            }
        }
        let account = cell("关联账号");
        let username = account
            .rsplit_once('（')
            .and_then(|(_, rest)| rest.strip_suffix('）'))
            .unwrap_or(&account)
            .trim()
            .to_string();
        let user_id = if username.is_empty() {
            String::new()
        } else {
            match kechuang_store::accounts::find_user(&s.db, &username).await? {
                Some(u) => u.id,
                None => {
                    problems.push(bad(
                        "关联账号",
                        format!("用户名“{username}”不存在，请先在用户账号中创建，或留空"),
                    ));
                    String::new()
                }
            }
        };
        let draft = StaffDraft {
            name: cell("姓名"),
            staff_role: role.map(|r| r.as_str().to_string()).unwrap_or_default(),
            user_id,
            phone: cell("联系电话"),
            department_id: department_id.unwrap_or_default(),
            party_org_id: party_org_id.unwrap_or_default(),
            // Checked by the form; the file's own officer is filled in by the store.
            assistant_of: if officer_row.is_some() {
                "（本文件）".into()
            } else {
                assistant_of
            },
        };
        match draft.validate() {
            Ok(mut input) if problems.len() == before => {
                if officer_row.is_some() {
                    input.assistant_of = None;
                }
                if role == Some(StaffRole::ServiceOfficer) {
                    file_officers
                        .entry(input.name.clone())
                        .or_default()
                        .push(rows.len());
                }
                rows.push((input, officer_row));
                rows_of.push(row_no);
            }
            Ok(_) => {}
            Err((_, fields)) => {
                // A cell already refused above is not refused twice.
                let said: Vec<String> = problems[before..]
                    .iter()
                    .map(|p| p.column.clone())
                    .collect();
                problems.extend(
                    fields
                        .into_iter()
                        .map(|(f, reason)| bad(column_of(f), reason))
                        .filter(|p| !said.contains(&p.column)),
                )
            }
        }
    }
    excel::finish_import(rows, rows_of, problems, "关联账号", |rows| {
        store::import(&s.db, &p.username, rows)
    })
    .await
}

/// The columns of the assignments ledger's export, template and import.
pub const ASSIGNMENT_COLUMNS: [&str; 6] = [
    "服务人员",
    "身份",
    "联系单位",
    "统一社会信用代码",
    "起始日期",
    "结束日期",
];

pub async fn assignments_export_bytes(s: &AppState, p: &Principal) -> ApiResult<Vec<u8>> {
    require(p, Permission::PartyRead)?;
    let staff: HashMap<String, (String, String)> =
        store::list_all(&s.db, &Default::default(), 100_000)
            .await?
            .into_iter()
            .map(|m| (m.id, (m.name, store::role_label(&m.staff_role))))
            .collect();
    let orgs: HashMap<String, (String, String)> =
        kechuang_store::orgs::list_all(&s.db, &Scope::All, &Default::default(), 1_000_000)
            .await?
            .into_iter()
            .map(|o| (o.id, (o.name, o.uscc.unwrap_or_default())))
            .collect();
    let unknown = (String::new(), String::new());
    excel::workbook(
        "联系单位台账",
        &ASSIGNMENT_COLUMNS,
        store::all_assignments(&s.db).await?.into_iter().map(|a| {
            let (name, role) = staff.get(&a.staff_id).unwrap_or(&unknown).clone();
            let (org, uscc) = orgs.get(&a.org_id).unwrap_or(&unknown).clone();
            vec![
                Cell::Text(name),
                Cell::Text(role),
                Cell::Text(org),
                Cell::Text(uscc),
                Cell::Date(a.from_on),
                Cell::from(a.to_on),
            ]
        }),
    )
}

/// The assignments template: the columns and one example row.
pub fn assignments_template_bytes() -> ApiResult<Vec<u8>> {
    let example = [
        "周建华",
        "首席服务官",
        "重庆渝新能源汽车有限公司",
        "91500000MA5U000001",
        "2026-01-01",
        "",
    ];
    excel::workbook(
        "联系单位导入",
        &ASSIGNMENT_COLUMNS,
        [example.into_iter().map(Cell::from).collect()],
    )
}

/// Validate every row, then register all the assignments or none.
pub async fn assignments_import_bytes(
    s: &AppState,
    p: &Principal,
    bytes: &[u8],
) -> Result<usize, ImportFailure> {
    require(p, Permission::PartyWrite)?;
    let table = Table::read(bytes, &["服务人员", "身份", "联系单位", "起始日期"])?;
    let mut staff: HashMap<(String, String), Vec<String>> = HashMap::new();
    for m in store::list_all(&s.db, &Default::default(), 100_000).await? {
        staff
            .entry((m.name, store::role_label(&m.staff_role)))
            .or_default()
            .push(m.id);
    }
    let orgs = crate::service::orgs::OrgIndex::load(s).await?;
    let mut problems = vec![];
    let (mut rows, mut rows_of) = (vec![], vec![]);
    for (row_no, row) in table.rows() {
        let cell = |c: &str| table.get(row, c).trim().to_string();
        let bad = |column: &str, reason: String| ImportProblem {
            row: row_no,
            column: column.into(),
            reason,
        };
        let before = problems.len();
        let name = cell("服务人员");
        let role = StaffRole::parse(&cell("身份"))
            .map(|r| r.label_zh().to_string())
            .unwrap_or_else(|| cell("身份"));
        let staff_id = match staff.get(&(name.clone(), role.clone())).map(Vec::as_slice) {
            Some([id]) => id.clone(),
            Some(ids) => {
                problems.push(bad(
                    "服务人员",
                    format!(
                        "有 {} 名{role}叫“{name}”，请先在服务队伍中改名区分（如加所在单位）",
                        ids.len()
                    ),
                ));
                String::new()
            }
            None => {
                problems.push(bad(
                    "服务人员",
                    format!("服务队伍中没有{role}“{name}”，请先登记（或导入服务队伍名册）"),
                ));
                String::new()
            }
        };
        let (org_name, code) = (cell("联系单位"), cell("统一社会信用代码").to_uppercase());
        let org_id = match orgs.by_code(&code) {
            Some(id) => id.clone(),
            None if !code.is_empty() => {
                problems.push(bad(
                    "统一社会信用代码",
                    format!("单位名录中没有统一社会信用代码为 {code} 的单位"),
                ));
                String::new()
            }
            None => orgs.by_name(&org_name).unwrap_or_else(|e| {
                problems.push(bad("联系单位", e));
                String::new()
            }),
        };
        let draft = AssignmentDraft {
            org_id,
            from_on: cell("起始日期"),
            to_on: cell("结束日期"),
        };
        match draft.validate() {
            Ok(input) if problems.len() == before => {
                rows.push((staff_id, input));
                rows_of.push(row_no);
            }
            Ok(_) => {}
            Err((_, fields)) => {
                problems.extend(fields.into_iter().filter(|(f, _)| *f != "org_id").map(
                    |(f, reason)| {
                        bad(
                            if f == "to_on" {
                                "结束日期"
                            } else {
                                "起始日期"
                            },
                            reason,
                        )
                    },
                ))
            }
        }
    }
    excel::finish_import(rows, rows_of, problems, "起始日期", |rows| {
        store::import_assignments(&s.db, &p.username, rows)
    })
    .await
}

//! The party member register in Excel (党员名册): the export of a filtered
//! list and the all-or-nothing import, with the same columns, so a full
//! export (numbers revealed) imports again. The import finds the party
//! organisation by its exact name, checks every row with the form's rules
//! (masked numbers fail them), and refuses an ID number registered twice.

use std::collections::{HashMap, HashSet};

use kechuang_domain::auth::Permission;
use kechuang_store::party::network;
use kechuang_store::Principal;

use super::network::{member_views, reveal, MemberListQuery};
use crate::auth::require;
use crate::error::ApiResult;
use crate::excel::{self, Cell, ImportFailure, ImportProblem, Table};
use crate::forms::party::network::MemberDraft;
use crate::AppState;

/// The columns of the register's export, template and import. 发展阶段
/// is computed from the dates and read back only as a reminder.
pub const MEMBER_COLUMNS: [&str; 13] = [
    "姓名",
    "性别",
    "党组织",
    "发展阶段",
    "领域",
    "职务",
    "手机号",
    "身份证号",
    "申请",
    "积极分子",
    "发展对象",
    "预备党员",
    "正式党员",
];

fn field_label(code: &str) -> &'static str {
    if code == "sci_tech" {
        "科技领域"
    } else {
        "其他"
    }
}

pub async fn export_bytes(s: &AppState, p: &Principal, q: &MemberListQuery) -> ApiResult<Vec<u8>> {
    require(p, Permission::PartyRead)?;
    let rows = network::members_all(&s.db, &q.filter()?, 100_000).await?;
    let reveal_now = q.reveal()?;
    if reveal_now {
        let ids: Vec<String> = rows.iter().map(|m| m.id.clone()).collect();
        reveal(s, p, "reveal_export", &ids).await?;
    }
    let views = member_views(s, rows, reveal_now).await?;
    excel::workbook(
        "党员",
        &MEMBER_COLUMNS,
        views.into_iter().map(|v| {
            let m = v.member;
            vec![
                Cell::Text(m.name),
                Cell::Text(m.gender),
                Cell::Text(v.party_org_name),
                Cell::Text(v.stage_label),
                Cell::Text(field_label(&m.field).into()),
                Cell::Text(m.post),
                Cell::Text(m.phone),
                Cell::Text(m.id_number),
                Cell::from(m.applied_on),
                Cell::from(m.activist_on),
                Cell::from(m.candidate_on),
                Cell::from(m.probationary_on),
                Cell::from(m.full_on),
            ]
        }),
    )
}

/// The import template: the columns and one example row.
pub fn template_bytes() -> ApiResult<Vec<u8>> {
    let example = [
        "张三",
        "男",
        "重庆大学科技园联合党委第一党支部",
        "预备党员",
        "科技领域",
        "研发工程师",
        "13800138000",
        "50010619900307123X",
        "2024-03-01",
        "2024-09-01",
        "2025-03-01",
        "2025-07-01",
        "",
    ];
    excel::workbook(
        "党员名册导入",
        &MEMBER_COLUMNS,
        [example.into_iter().map(Cell::from).collect()],
    )
}

fn column_of(field: &str) -> &'static str {
    match field {
        "party_org_id" => "党组织",
        "name" => "姓名",
        "gender" => "性别",
        "phone" => "手机号",
        "id_number" => "身份证号",
        "field" => "领域",
        "post" => "职务",
        "activist_on" => "积极分子",
        "candidate_on" => "发展对象",
        "probationary_on" => "预备党员",
        "full_on" => "正式党员",
        _ => "申请",
    }
}

/// Validate every row with the form's rules, then import all or nothing.
pub async fn import_bytes(
    s: &AppState,
    p: &Principal,
    bytes: &[u8],
) -> Result<usize, ImportFailure> {
    require(p, Permission::PartyWrite)?;
    let table = Table::read(bytes, &["姓名", "党组织", "申请"])?;
    let mut orgs: HashMap<String, Vec<String>> = HashMap::new();
    for o in network::all(&s.db).await? {
        orgs.entry(o.name).or_default().push(o.id);
    }
    let mut problems = vec![];
    let mut inputs = vec![];
    let mut rows_of = vec![];
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (row_no, row) in table.rows() {
        let cell = |c: &str| table.get(row, c).trim().to_string();
        let bad = |column: &str, reason: String| ImportProblem {
            row: row_no,
            column: column.into(),
            reason,
        };
        let org_name = cell("党组织");
        let party_org_id = match orgs.get(&org_name).map(Vec::as_slice) {
            Some([id]) => id.clone(),
            Some(ids) if ids.len() > 1 => {
                problems.push(bad(
                    "党组织",
                    format!(
                        "有 {} 个名为“{org_name}”的党组织，请先在党组织网络中改名区分",
                        ids.len()
                    ),
                ));
                continue;
            }
            _ if org_name.is_empty() => String::new(),
            _ => {
                problems.push(bad(
                    "党组织",
                    format!("党组织“{org_name}”不存在，请填写党组织网络中的全称"),
                ));
                continue;
            }
        };
        let draft = MemberDraft {
            party_org_id,
            name: cell("姓名"),
            gender: cell("性别"),
            phone: cell("手机号"),
            id_number: cell("身份证号"),
            field: cell("领域"),
            post: cell("职务"),
            applied_on: cell("申请"),
            activist_on: cell("积极分子"),
            candidate_on: cell("发展对象"),
            probationary_on: cell("预备党员"),
            full_on: cell("正式党员"),
        };
        match draft.validate() {
            Ok(input) => {
                if !input.id_number.is_empty() {
                    if let Some(first) = seen.insert(input.id_number.clone(), row_no) {
                        problems.push(bad("身份证号", format!("与第{first}行重复")));
                    }
                }
                inputs.push(input);
                rows_of.push(row_no);
            }
            Err((_, fields)) => problems.extend(
                fields
                    .into_iter()
                    .map(|(f, reason)| bad(column_of(f), reason)),
            ),
        }
    }
    let numbers: Vec<String> = seen.keys().cloned().collect();
    let taken: HashSet<String> = network::existing_id_numbers(&s.db, &numbers)
        .await?
        .into_iter()
        .collect();
    for (k, input) in inputs.iter().enumerate() {
        if taken.contains(&input.id_number) {
            problems.push(ImportProblem {
                row: rows_of[k],
                column: "身份证号".into(),
                reason: "该身份证号已登记在党员名册中".into(),
            });
        }
    }
    excel::finish_import(inputs, rows_of, problems, "申请", |rows| {
        network::import_members(&s.db, &p.username, rows)
    })
    .await
}

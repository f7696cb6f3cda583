//! The 揭榜项目 ledger in Excel: two sheets, the claims (揭榜项目) and their
//! original results (原创性成果, each naming its claim by 项目名称); export,
//! the import template and the all-or-nothing import with the same columns,
//! so an export imports again into an empty register. 所属党组织 by its
//! name; 序号 and 原创性成果数 are computed and not read.

use std::collections::{HashMap, HashSet};

use kechuang_domain::auth::Permission;
use kechuang_store::party::claims::{self as store, ClaimInput, ResultInput};
use kechuang_store::party::network;
use kechuang_store::Principal;

use super::claims::{kind_label, views, ClaimListQuery};
use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::excel::{self, one_of, Cell, ImportFailure, ImportProblem, Sheet, Table};
use crate::forms::party::claims::{ClaimDraft, ResultDraft};
use crate::AppState;

pub const COLUMNS: [&str; 10] = [
    "序号",
    "项目名称",
    "级别",
    "揭榜团队",
    "项目负责人",
    "参与人才数",
    "所属党组织",
    "状态",
    "揭榜日期",
    "原创性成果数",
];

/// The second sheet, named so.
pub const RESULTS_SHEET: &str = "原创性成果";
pub const RESULT_COLUMNS: [&str; 4] = ["项目名称", "成果名称", "类型", "取得日期"];

fn sheets(claims: Vec<Vec<Cell>>, results: Vec<Vec<Cell>>) -> ApiResult<Vec<u8>> {
    let headers = |c: &[&str]| c.iter().map(|h| h.to_string()).collect();
    excel::workbook_sheets(vec![
        Sheet {
            name: "揭榜项目".into(),
            headers: headers(&COLUMNS),
            rows: claims,
        },
        Sheet {
            name: RESULTS_SHEET.into(),
            headers: headers(&RESULT_COLUMNS),
            rows: results,
        },
    ])
}

pub async fn export_bytes(s: &AppState, p: &Principal, q: &ClaimListQuery) -> ApiResult<Vec<u8>> {
    require(p, Permission::PartyRead)?;
    let rows = views(s, store::list_all(&s.db, &q.filter()?, 50_000).await?).await?;
    let ids: Vec<String> = rows.iter().map(|v| v.claim.id.clone()).collect();
    let titles: HashMap<String, String> = rows
        .iter()
        .map(|v| (v.claim.id.clone(), v.claim.title.clone()))
        .collect();
    let results = store::results_of(&s.db, &ids).await?;
    let claims = rows
        .into_iter()
        .enumerate()
        .map(|(k, v)| {
            vec![
                Cell::Number((k + 1) as f64),
                Cell::Text(v.claim.title),
                Cell::Text(v.level_label),
                Cell::Text(v.claim.team),
                Cell::Text(v.claim.leader),
                Cell::Number(v.claim.participants.into()),
                Cell::Text(v.party_org_name),
                Cell::Text(v.state_label),
                Cell::Date(v.claim.claimed_on),
                Cell::Number(v.result_count as f64),
            ]
        })
        .collect();
    let results = results
        .into_iter()
        .map(|r| {
            let claim = r.claim_id.as_ref().and_then(|c| titles.get(c));
            vec![
                Cell::Text(claim.cloned().unwrap_or_default()),
                Cell::Text(r.title),
                Cell::Text(kind_label(&r.kind)),
                Cell::Date(r.achieved_on),
            ]
        })
        .collect();
    sheets(claims, results)
}

/// The import template: both sheets with an example each.
pub fn template_bytes() -> ApiResult<Vec<u8>> {
    let text = |r: &[&str]| r.iter().map(|c| Cell::from(*c)).collect::<Vec<_>>();
    sheets(
        vec![text(&[
            "1",
            "车规级芯片可靠性测试平台",
            "市级",
            "芯片可靠性攻关团队",
            "张立",
            "8",
            "",
            "攻关中",
            "2026-03-01",
            "",
        ])],
        vec![text(&[
            "车规级芯片可靠性测试平台",
            "芯片老化测试方法",
            "新技术新工艺",
            "2026-06-30",
        ])],
    )
}

fn claim_column(field: &str) -> &'static str {
    match field {
        "title" => "项目名称",
        "level" => "级别",
        "team" => "揭榜团队",
        "leader" => "项目负责人",
        "participants" => "参与人才数",
        "state" => "状态",
        _ => "揭榜日期",
    }
}

fn result_column(field: &str) -> &'static str {
    match field {
        "title" => "成果名称",
        "kind" => "类型",
        _ => "取得日期",
    }
}

/// A problem on the results sheet, its column named with the sheet.
fn on_results(row: usize, column: &str, reason: String) -> ImportProblem {
    ImportProblem {
        row,
        column: format!("{RESULTS_SHEET}·{column}"),
        reason,
    }
}

/// Validate every row of both sheets with the forms' rules, then import
/// all or nothing.
pub async fn import_bytes(
    s: &AppState,
    p: &Principal,
    bytes: &[u8],
) -> Result<usize, ImportFailure> {
    require(p, Permission::PartyWrite)?;
    let table = Table::read(bytes, &["项目名称", "级别", "揭榜团队", "项目负责人"])?;
    let results = Table::read_sheet(bytes, RESULTS_SHEET, &RESULT_COLUMNS)?;
    let mut party_orgs: HashMap<String, Vec<String>> = HashMap::new();
    for o in network::all(&s.db).await? {
        party_orgs.entry(o.name).or_default().push(o.id);
    }
    let registered: HashSet<String> = store::list_all(&s.db, &Default::default(), 100_000)
        .await?
        .into_iter()
        .map(|r| r.claim.title)
        .collect();
    let mut problems = vec![];
    let mut claims: Vec<(ClaimInput, Vec<ResultInput>)> = vec![];
    let mut rows_of = vec![];
    // The file's claims by title: their index among `claims`.
    let mut by_title: HashMap<String, usize> = HashMap::new();
    let mut first_row: HashMap<String, usize> = HashMap::new();
    for (row_no, row) in table.rows() {
        let cell = |c: &str| table.get(row, c).trim().to_string();
        let bad = |column: &str, reason: String| ImportProblem {
            row: row_no,
            column: column.into(),
            reason,
        };
        let before = problems.len();
        let party_org_id = one_of(&party_orgs, &cell("所属党组织"), "党组织", "党组织网络")
            .unwrap_or_else(|e| {
                problems.push(bad("所属党组织", e));
                None
            })
            .unwrap_or_default();
        let draft = ClaimDraft {
            title: cell("项目名称"),
            level: cell("级别"),
            team: cell("揭榜团队"),
            leader: cell("项目负责人"),
            participants: cell("参与人才数"),
            party_org_id,
            state: cell("状态"),
            claimed_on: cell("揭榜日期"),
        };
        let input = match draft.validate() {
            Ok(i) => Some(i),
            Err((_, fields)) => {
                for (f, reason) in fields {
                    problems.push(bad(claim_column(f), reason));
                }
                None
            }
        };
        // Results counted on a claim but no results sheet: refused, not lost.
        let counted = cell("原创性成果数").parse::<u32>().unwrap_or(0);
        if results.is_none() && counted > 0 {
            problems.push(bad(
                "原创性成果数",
                format!(
                    "文件中没有“{RESULTS_SHEET}”工作表，{counted}项成果无法导入：请使用导出文件或导入模板的两个工作表"
                ),
            ));
        }
        let title = draft.title.trim().to_string();
        if registered.contains(&title) {
            problems.push(bad(
                "项目名称",
                format!("揭榜项目“{title}”已登记，请勿重复导入"),
            ));
        } else if let Some(first) = first_row.get(&title).filter(|_| !title.is_empty()) {
            problems.push(bad("项目名称", format!("与第{first}行重复")));
        }
        first_row.entry(title.clone()).or_insert(row_no);
        if let (Some(i), true) = (input, problems.len() == before) {
            by_title.insert(title, claims.len());
            claims.push((i, vec![]));
            rows_of.push(row_no);
        }
    }
    if let Some(t) = &results {
        for (row_no, row) in t.rows() {
            let cell = |c: &str| t.get(row, c).trim().to_string();
            let draft = ResultDraft {
                title: cell("成果名称"),
                kind: cell("类型"),
                achieved_on: cell("取得日期"),
            };
            let input = match draft.validate() {
                Ok(i) => Some(i),
                Err((_, fields)) => {
                    for (f, reason) in fields {
                        problems.push(on_results(row_no, result_column(f), reason));
                    }
                    None
                }
            };
            let title = cell("项目名称");
            let claim = match by_title.get(&title) {
                Some(&k) => Some(k),
                // The claim's own row is refused already.
                None if !title.is_empty() && first_row.contains_key(&title) => None,
                None => {
                    problems.push(on_results(
                        row_no,
                        "项目名称",
                        format!("“{title}”不是本文件“揭榜项目”工作表中的项目名称"),
                    ));
                    None
                }
            };
            if let (Some(k), Some(i)) = (claim, input) {
                match store::result_fits(claims[k].0.claimed_on, &i) {
                    Ok(()) => claims[k].1.push(i),
                    Err(e) => {
                        problems.push(on_results(row_no, "取得日期", ApiError::from(e).message))
                    }
                }
            }
        }
    }
    excel::finish_import(claims, rows_of, problems, "项目名称", |rows| {
        store::import(&s.db, &p.username, rows)
    })
    .await
}

//! The 承诺践诺 ledger in Excel: export, the import template and the
//! all-or-nothing import with the same columns, so an export imports again
//! into an empty register. 承诺人 by name within 党组织 (the member's own
//! organisation, by name); 状态 by its Chinese name; a verified or rejected
//! commitment with its 核实日期 (and a rejected one with its reason in
//! 核实意见). 逾期 is computed and not read; progress reports are not part
//! of the ledger.

use std::collections::HashMap;

use chrono::NaiveDate;
use kechuang_domain::ErrorCode;

use kechuang_domain::auth::Permission;
use kechuang_domain::party::CommitmentStatus;
use kechuang_store::party::commitments::{self as store, Recorded};
use kechuang_store::party::network;
use kechuang_store::Principal;

use super::commitments::{views, CommitmentListQuery};
use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::excel::{self, one_of, Cell, ImportFailure, ImportProblem, Table};
use crate::forms::party::commitments::PledgeDraft;
use crate::AppState;

pub const COLUMNS: [&str; 10] = [
    "承诺人",
    "党组织",
    "承诺事项",
    "承诺内容",
    "承诺日期",
    "完成时限",
    "状态",
    "逾期",
    "核实日期",
    "核实意见",
];

pub async fn export_bytes(
    s: &AppState,
    p: &Principal,
    q: &CommitmentListQuery,
) -> ApiResult<Vec<u8>> {
    require(p, Permission::PartyRead)?;
    let rows = views(s, store::list_all(&s.db, &q.filter()?, 100_000).await?).await?;
    excel::workbook(
        "承诺践诺",
        &COLUMNS,
        rows.into_iter().map(|v| {
            let c = v.commitment;
            vec![
                Cell::Text(v.member_name),
                Cell::Text(v.party_org_name),
                Cell::Text(c.title),
                Cell::Text(c.detail),
                Cell::Date(c.pledged_on),
                Cell::Date(c.due_on),
                Cell::Text(v.status_label),
                Cell::Text(if v.overdue { "是" } else { "否" }.into()),
                Cell::from(c.verified_on),
                Cell::Text(c.verdict),
            ]
        }),
    )
}

/// The import template: the columns and an example row.
pub fn template_bytes() -> ApiResult<Vec<u8>> {
    let row = [
        "李晓燕",
        "金凤实验室党支部",
        "帮助3家企业申报高新技术企业",
        "走访、辅导申报材料",
        "2026-03-01",
        "2026-09-30",
        "践诺中",
        "",
        "",
        "",
    ];
    excel::workbook(
        "承诺践诺导入",
        &COLUMNS,
        [row.into_iter().map(Cell::from).collect()],
    )
}

fn column_of(field: &str) -> &'static str {
    match field {
        "member_id" => "承诺人",
        "title" => "承诺事项",
        "pledged_on" => "承诺日期",
        _ => "完成时限",
    }
}

/// Validate every row with the form's rules, then import all or nothing.
pub async fn import_bytes(
    s: &AppState,
    p: &Principal,
    bytes: &[u8],
) -> Result<usize, ImportFailure> {
    require(p, Permission::PartyWrite)?;
    let table = Table::read(
        bytes,
        &["承诺人", "党组织", "承诺事项", "承诺日期", "完成时限"],
    )?;
    let mut orgs: HashMap<String, Vec<String>> = HashMap::new();
    for o in network::all(&s.db).await? {
        orgs.entry(o.name).or_default().push(o.id);
    }
    // Members by (organisation id, name), and by name alone (a member who
    // has since moved to another organisation is found by a unique name).
    let mut members: HashMap<(String, String), Vec<String>> = HashMap::new();
    let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
    for m in network::members_all(&s.db, &Default::default(), 1_000_000).await? {
        by_name
            .entry(m.name.clone())
            .or_default()
            .push(m.id.clone());
        members
            .entry((m.party_org_id, m.name))
            .or_default()
            .push(m.id);
    }
    // Commitments already registered, and those of the file, by (member,
    // title, pledge date): a ledger imported twice is refused, not doubled.
    let mut seen: HashMap<(String, String, NaiveDate), usize> = HashMap::new();
    for c in store::list_all(&s.db, &Default::default(), 1_000_000).await? {
        seen.insert((c.member_id, c.title, c.pledged_on), 0);
    }
    let (mut problems, mut rows, mut rows_of) = (vec![], vec![], vec![]);
    for (row_no, row) in table.rows() {
        let cell = |c: &str| table.get(row, c).trim().to_string();
        let bad = |column: &str, reason: String| ImportProblem {
            row: row_no,
            column: column.into(),
            reason,
        };
        let before = problems.len();
        let (org_name, name) = (cell("党组织"), cell("承诺人"));
        if org_name.is_empty() {
            problems.push(bad("党组织", "请填写承诺人所在的党组织".into()));
        }
        let org = one_of(&orgs, &org_name, "党组织", "党组织网络").unwrap_or_else(|e| {
            problems.push(bad("党组织", e));
            None
        });
        let moved = || match by_name.get(&name).map(Vec::as_slice) {
            Some([id]) => Some(id.clone()),
            _ => None,
        };
        let member_id = match org.map(|o| members.get(&(o, name.clone()))) {
            Some(Some(ids)) if ids.len() == 1 => ids[0].clone(),
            Some(None) if moved().is_some() => moved().unwrap_or_default(),
            Some(Some(ids)) => {
                problems.push(bad(
                    "承诺人",
                    format!(
                        "“{org_name}”有 {} 名党员叫“{name}”，请先在党员名册中区分后再导入",
                        ids.len()
                    ),
                ));
                String::new()
            }
            Some(None) if !name.is_empty() => {
                problems.push(bad(
                    "承诺人",
                    format!("“{org_name}”没有党员“{name}”，请先登记到党员名册"),
                ));
                String::new()
            }
            _ => String::new(),
        };
        // The form takes an empty date as today; a ledger's row must say
        // its own (refused below), and is then checked against its due date
        // alone rather than against today.
        let pledged = cell("承诺日期");
        if pledged.is_empty() {
            problems.push(bad("承诺日期", "请填写承诺日期".into()));
        }
        let draft = PledgeDraft {
            member_id,
            title: cell("承诺事项"),
            detail: cell("承诺内容"),
            pledged_on: if pledged.is_empty() {
                cell("完成时限")
            } else {
                pledged
            },
            due_on: cell("完成时限"),
        };
        let status_text = cell("状态");
        let status = match status_text.as_str() {
            "" => Some(CommitmentStatus::Pledged),
            t => CommitmentStatus::ALL
                .into_iter()
                .find(|k| k.label_zh() == t || k.as_str() == t),
        };
        if status.is_none() {
            problems.push(bad(
                "状态",
                format!(
                    "状态“{status_text}”无法识别，应为：{}",
                    CommitmentStatus::ALL.map(|k| k.label_zh()).join("、")
                ),
            ));
        }
        let verified_text = cell("核实日期");
        let verified_on = if verified_text.is_empty() {
            None
        } else {
            let d = crate::forms::parse_date(&verified_text);
            if d.is_none() {
                problems.push(bad(
                    "核实日期",
                    "核实日期应写成“年-月-日”，如 2026-06-30".into(),
                ));
            }
            d
        };
        let recorded = Recorded {
            status,
            verified_on,
            verdict: cell("核实意见"),
        };
        match draft.validate() {
            Ok(input) => {
                if let Err(e) = store::recorded_fits(input.pledged_on, &recorded) {
                    let e = ApiError::from(e);
                    let column = if e.code == ErrorCode::VerdictRequired {
                        "核实意见"
                    } else {
                        "核实日期"
                    };
                    problems.push(bad(column, e.message));
                }
                let key = (
                    input.member_id.clone(),
                    input.title.clone(),
                    input.pledged_on,
                );
                match seen.get(&key) {
                    Some(0) => problems.push(bad(
                        "承诺事项",
                        format!("{name}同日的承诺“{}”已登记，请勿重复导入", input.title),
                    )),
                    Some(first) => problems.push(bad("承诺事项", format!("与第{first}行重复"))),
                    None if problems.len() == before => {
                        seen.insert(key, row_no);
                        rows.push((input, recorded));
                        rows_of.push(row_no);
                    }
                    None => {}
                }
            }
            Err((_, fields)) => {
                // An unknown member is said above, by name (once).
                let said = problems.len() > before;
                problems.extend(
                    fields
                        .into_iter()
                        .filter(|(f, _)| *f != "member_id" || !said)
                        .map(|(f, reason)| bad(column_of(f), reason)),
                )
            }
        }
    }
    excel::finish_import(rows, rows_of, problems, "状态", |rows| {
        store::import(&s.db, &p.username, rows)
    })
    .await
}

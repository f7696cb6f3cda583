//! The vanguard teams ledger in Excel (先锋队台账): export, the import
//! template and the all-or-nothing import with the same columns, so an
//! export imports again into an empty register. 所在部门 by name or code;
//! 队员 as party members' names separated by “、” (a name two members of
//! the register share is written “姓名（所在党组织）”, as the export writes
//! it). 队员数 is computed and not read.

use std::collections::{HashMap, HashSet};

use kechuang_domain::auth::Permission;
use kechuang_store::party::network::{self, MemberFilter};
use kechuang_store::party::races::{self as store, TeamImport};
use kechuang_store::Principal;

use super::member_names::MemberNames;
use crate::auth::require;
use crate::error::ApiResult;
use crate::excel::{self, Cell, ImportFailure, ImportProblem, Table};
use crate::forms::party::races::TeamDraft;
use crate::service::departments::DepartmentIndex;
use crate::AppState;

pub const COLUMNS: [&str; 6] = ["先锋队", "口号", "所在部门", "队长", "队员", "队员数"];

/// Every party member, named as a team's 队员 cell names them.
async fn member_names(s: &AppState) -> ApiResult<MemberNames> {
    let members = network::members_all(&s.db, &MemberFilter::default(), 1_000_000).await?;
    let org_names = kechuang_store::names::all(&s.db, "party_orgs").await?;
    Ok(MemberNames::new(members, &org_names))
}

pub async fn export_bytes(s: &AppState, p: &Principal) -> ApiResult<Vec<u8>> {
    require(p, Permission::PartyRead)?;
    let names = member_names(s).await?;
    let deps = DepartmentIndex::load(s).await?;
    let mut members = store::members_by_team(&s.db).await?;
    let mut out = vec![];
    for t in store::teams(&s.db).await? {
        let ids = members.remove(&t.id).unwrap_or_default();
        // Members are never deleted, so each id is in the register.
        let mut keys: Vec<String> = ids.iter().filter_map(|id| names.key_of_id(id)).collect();
        keys.sort();
        out.push(vec![
            Cell::Text(t.name),
            Cell::Text(t.slogan),
            Cell::Text(deps.key_of(t.department_id.as_deref())),
            Cell::Text(t.leader),
            Cell::Text(keys.join("、")),
            Cell::Number(ids.len() as f64),
        ]);
    }
    excel::workbook("先锋队", &COLUMNS, out)
}

/// The import template: the columns and an example row.
pub fn template_bytes() -> ApiResult<Vec<u8>> {
    let row = [
        "科技服务先锋队",
        "比服务、比效能、比作风，做示范",
        "科技创新局",
        "李明",
        "李明、王芳",
        "",
    ];
    excel::workbook(
        "先锋队导入",
        &COLUMNS,
        [row.into_iter().map(Cell::from).collect()],
    )
}

/// Validate every row with the form's rules, then import all or nothing.
pub async fn import_bytes(
    s: &AppState,
    p: &Principal,
    bytes: &[u8],
) -> Result<usize, ImportFailure> {
    require(p, Permission::PartyWrite)?;
    let table = Table::read(bytes, &["先锋队"])?;
    let names = member_names(s).await?;
    let deps = DepartmentIndex::load(s).await?;
    // Teams already registered, by name: a ledger imported twice is refused
    // rather than doubled.
    let registered: HashSet<String> = store::teams(&s.db)
        .await?
        .into_iter()
        .map(|t| t.name)
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let (mut problems, mut rows, mut rows_of) = (vec![], vec![], vec![]);
    for (row_no, row) in table.rows() {
        let cell = |c: &str| table.get(row, c).trim().to_string();
        let bad = |column: &str, reason: String| ImportProblem {
            row: row_no,
            column: column.into(),
            reason,
        };
        let before = problems.len();
        let department_id = deps
            .find(&cell("所在部门"))
            .unwrap_or_else(|e| {
                problems.push(bad("所在部门", e));
                None
            })
            .unwrap_or_default();
        let member_ids = names.find_all(&cell("队员"), "党员名册中", |e| {
            problems.push(bad("队员", e))
        });
        let draft = TeamDraft {
            name: cell("先锋队"),
            slogan: cell("口号"),
            department_id,
            leader: cell("队长"),
        };
        let team = match draft.validate() {
            Ok(t) => t,
            Err((_, fields)) => {
                for (f, reason) in fields {
                    let column = match f {
                        "slogan" => "口号",
                        "leader" => "队长",
                        _ => "先锋队",
                    };
                    problems.push(bad(column, reason));
                }
                continue;
            }
        };
        if let Err(e) = excel::new_key(&registered, &mut seen, team.name.clone(), row_no, |n| {
            format!("已有先锋队“{n}”，请勿重复导入")
        }) {
            problems.push(bad("先锋队", e));
        }
        if problems.len() == before {
            rows.push(TeamImport { team, member_ids });
            rows_of.push(row_no);
        }
    }
    excel::finish_import(rows, rows_of, problems, "队员", |rows| {
        store::import_teams(&s.db, &p.username, rows)
    })
    .await
}

//! The responsibility zones ledger in Excel (党员责任区台账): export, the
//! import template and the all-or-nothing import with the same columns, so
//! an export imports again into an empty register. 所属党组织 by its name;
//! 责任区党员 as names separated by “、” (a name two members of the zone's
//! organisation share is written “姓名（所在党组织）”, as the export writes
//! it); 覆盖单位 as full names or credit codes separated by “、”. 党员数 and
//! 覆盖单位数 are computed and not read.

use std::collections::{HashMap, HashSet};

use kechuang_domain::auth::Permission;
use kechuang_store::party::network;
use kechuang_store::party::zones::{self as store, ZoneImport};
use kechuang_store::Principal;

use super::member_names::{split, MemberNames, SEPARATORS};
use super::zones::{views, ZoneListQuery};
use crate::auth::require;
use crate::error::ApiResult;
use crate::excel::{self, one_of, Cell, ImportFailure, ImportProblem, Table};
use crate::forms::party::zones::ZoneDraft;
use crate::service::orgs::OrgIndex;
use crate::AppState;

pub const COLUMNS: [&str; 8] = [
    "责任区",
    "所属党组织",
    "负责人",
    "责任范围",
    "责任区党员",
    "覆盖单位",
    "党员数",
    "覆盖单位数",
];

pub async fn export_bytes(s: &AppState, p: &Principal, q: &ZoneListQuery) -> ApiResult<Vec<u8>> {
    require(p, Permission::PartyRead)?;
    let rows = views(s, store::list_all(&s.db, &q.filter(), 50_000).await?).await?;
    let ids: Vec<String> = rows.iter().map(|v| v.zone.id.clone()).collect();
    let (members, orgs) = store::links(&s.db, &ids).await?;
    let org_names = kechuang_store::names::all(&s.db, "party_orgs").await?;
    let index = OrgIndex::load(s).await?;
    let mut under: HashMap<String, MemberNames> = HashMap::new();
    let mut out = vec![];
    for v in rows {
        let party_org = v.zone.party_org_id.clone();
        if !under.contains_key(&party_org) {
            let m = store::members_under(&s.db, &party_org).await?;
            under.insert(party_org.clone(), MemberNames::new(m, &org_names));
        }
        let names = &under[&party_org];
        let member_cell = members
            .get(&v.zone.id)
            .map(|ms| {
                ms.iter()
                    .map(|m| names.key_of(m))
                    .collect::<Vec<_>>()
                    .join("、")
            })
            .unwrap_or_default();
        let org_cell = orgs
            .get(&v.zone.id)
            .map(|os| {
                os.iter()
                    .map(|o| index.key_of(&o.id, &SEPARATORS))
                    .collect::<Vec<_>>()
                    .join("、")
            })
            .unwrap_or_default();
        out.push(vec![
            Cell::Text(v.zone.name),
            Cell::Text(v.party_org_name),
            Cell::Text(v.zone.leader),
            Cell::Text(v.zone.area),
            Cell::Text(member_cell),
            Cell::Text(org_cell),
            Cell::Number(v.member_count as f64),
            Cell::Number(v.org_count as f64),
        ]);
    }
    excel::workbook("党员责任区", &COLUMNS, out)
}

/// The import template: the columns and an example row.
pub fn template_bytes() -> ApiResult<Vec<u8>> {
    let row = [
        "金凤园区第一责任区",
        "金凤实验室党支部",
        "李明",
        "金凤实验室A栋及周边科技企业",
        "李明、王芳",
        "重庆金凤实验室",
        "",
        "",
    ];
    excel::workbook(
        "党员责任区导入",
        &COLUMNS,
        [row.into_iter().map(Cell::from).collect()],
    )
}

fn column_of(field: &str) -> &'static str {
    match field {
        "name" => "责任区",
        "party_org_id" => "所属党组织",
        "leader" => "负责人",
        _ => "责任范围",
    }
}

/// Validate every row with the form's rules, then import all or nothing.
pub async fn import_bytes(
    s: &AppState,
    p: &Principal,
    bytes: &[u8],
) -> Result<usize, ImportFailure> {
    require(p, Permission::PartyWrite)?;
    let table = Table::read(bytes, &["责任区", "所属党组织", "负责人"])?;
    let mut party_orgs: HashMap<String, Vec<String>> = HashMap::new();
    let mut org_names = HashMap::new();
    for o in network::all(&s.db).await? {
        party_orgs
            .entry(o.name.clone())
            .or_default()
            .push(o.id.clone());
        org_names.insert(o.id, o.name);
    }
    // Zones already registered, by (party organisation, name): a ledger
    // imported twice is refused rather than doubled.
    let registered: HashSet<(String, String)> =
        store::list_all(&s.db, &Default::default(), 100_000)
            .await?
            .into_iter()
            .map(|r| (r.zone.party_org_id, r.zone.name))
            .collect();
    let index = OrgIndex::load(s).await?;
    let mut under: HashMap<String, MemberNames> = HashMap::new();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let (mut problems, mut rows, mut rows_of) = (vec![], vec![], vec![]);
    for (row_no, row) in table.rows() {
        let cell = |c: &str| table.get(row, c).trim().to_string();
        let bad = |column: &str, reason: String| ImportProblem {
            row: row_no,
            column: column.into(),
            reason,
        };
        let before = problems.len();
        let org_name = cell("所属党组织");
        let party_org_id = one_of(&party_orgs, &org_name, "党组织", "党组织网络")
            .unwrap_or_else(|e| {
                problems.push(bad("所属党组织", e));
                None
            })
            .unwrap_or_default();
        let draft = ZoneDraft {
            name: cell("责任区"),
            party_org_id: party_org_id.clone(),
            leader: cell("负责人"),
            area: cell("责任范围"),
        };
        let input = match draft.validate() {
            Ok(i) => Some(i),
            Err((_, fields)) => {
                for (f, reason) in fields {
                    // An empty 所属党组织 is said once, by the form's words.
                    if f != "party_org_id" || org_name.is_empty() {
                        problems.push(bad(column_of(f), reason));
                    }
                }
                None
            }
        };
        let mut member_ids = vec![];
        if !party_org_id.is_empty() {
            if !under.contains_key(&party_org_id) {
                let m = store::members_under(&s.db, &party_org_id).await?;
                under.insert(party_org_id.clone(), MemberNames::new(m, &org_names));
            }
            member_ids = under[&party_org_id].find_all(
                &cell("责任区党员"),
                &format!("“{org_name}”或其下级组织"),
                |e| problems.push(bad("责任区党员", e)),
            );
        }
        let mut org_ids = vec![];
        for written in split(&cell("覆盖单位")) {
            match index.find(&written) {
                Ok(id) if org_ids.contains(&id) => {
                    problems.push(bad("覆盖单位", format!("“{written}”写了两次")))
                }
                Ok(id) => org_ids.push(id),
                Err(e) => problems.push(bad("覆盖单位", e)),
            }
        }
        let Some(zone) = input else { continue };
        let key = (zone.party_org_id.clone(), zone.name.clone());
        if let Err(e) = excel::new_key(&registered, &mut seen, key, row_no, |(_, n)| {
            format!("“{org_name}”已有责任区“{n}”，请勿重复导入")
        }) {
            problems.push(bad("责任区", e));
        }
        if problems.len() == before {
            rows.push(ZoneImport {
                zone,
                member_ids,
                org_ids,
            });
            rows_of.push(row_no);
        }
    }
    excel::finish_import(rows, rows_of, problems, "责任区党员", |rows| {
        store::import(&s.db, &p.username, rows)
    })
    .await
}

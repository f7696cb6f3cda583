//! The party organisations in Excel (党组织): the export in tree order and
//! the all-or-nothing import with the same columns. A parent is given by
//! its full name: a registered organisation or a row above in the file
//! (a name two organisations share is refused: rename one first); the
//! chain of a chain committee by the chain's name.

use std::collections::HashMap;

use kechuang_domain::auth::Permission;
use kechuang_domain::party::PartyOrgKind;
use kechuang_store::party::network::{self, ImportParent};
use kechuang_store::Principal;

use crate::auth::require;
use crate::error::ApiResult;
use crate::excel::{self, Cell, ImportFailure, ImportProblem, Table};
use crate::forms::party::network::PartyOrgDraft;
use crate::AppState;

/// The columns of the export, the template and the import.
pub const ORG_COLUMNS: [&str; 8] = [
    "党组织名称",
    "组织类型",
    "上级党组织",
    "所在产业链",
    "成立日期",
    "书记",
    "活动阵地",
    "排序",
];

pub async fn export_bytes(s: &AppState, p: &Principal) -> ApiResult<Vec<u8>> {
    require(p, Permission::PartyRead)?;
    let all = network::all(&s.db).await?;
    let names: HashMap<&str, &str> = all
        .iter()
        .map(|o| (o.id.as_str(), o.name.as_str()))
        .collect();
    let chains: HashMap<String, String> = kechuang_store::names::all(&s.db, "chains")
        .await?
        .into_iter()
        .collect();
    excel::workbook(
        "党组织",
        &ORG_COLUMNS,
        all.iter().map(|o| {
            vec![
                Cell::Text(o.name.clone()),
                Cell::Text(
                    PartyOrgKind::parse(&o.kind)
                        .map(|k| k.label_zh().to_string())
                        .unwrap_or_default(),
                ),
                Cell::from(
                    o.parent_id
                        .as_deref()
                        .and_then(|p| names.get(p))
                        .map(|n| n.to_string()),
                ),
                Cell::from(o.chain_id.as_ref().and_then(|c| chains.get(c)).cloned()),
                Cell::from(o.founded_on),
                Cell::Text(o.secretary.clone()),
                Cell::Text(o.venue.clone()),
                Cell::Number(f64::from(o.sort_order)),
            ]
        }),
    )
}

/// The import template: the columns and two example rows (a parent above its child).
pub fn template_bytes() -> ApiResult<Vec<u8>> {
    let rows = [
        [
            "科技园联合党委",
            "联合党委",
            "",
            "",
            "2019-06-28",
            "张书记",
            "科技园党群服务中心",
            "1",
        ],
        [
            "科技园联合党委第一党支部",
            "党支部",
            "科技园联合党委",
            "",
            "2020-03-01",
            "李书记",
            "",
            "1",
        ],
    ];
    excel::workbook(
        "党组织导入",
        &ORG_COLUMNS,
        rows.map(|r| r.into_iter().map(Cell::from).collect()),
    )
}

fn column_of(field: &str) -> &'static str {
    match field {
        "name" => "党组织名称",
        "kind" => "组织类型",
        "chain_id" => "所在产业链",
        "founded_on" => "成立日期",
        "secretary" => "书记",
        "venue" => "活动阵地",
        "sort_order" => "排序",
        _ => "上级党组织",
    }
}

/// Validate every row with the form's rules, then import all or nothing.
pub async fn import_bytes(
    s: &AppState,
    p: &Principal,
    bytes: &[u8],
) -> Result<usize, ImportFailure> {
    require(p, Permission::PartyWrite)?;
    let table = Table::read(bytes, &["党组织名称", "组织类型"])?;
    // A name → where it is: registered ids, then the file's rows above.
    let mut places: HashMap<String, Vec<ImportParent>> = HashMap::new();
    for o in network::all(&s.db).await? {
        places
            .entry(o.name)
            .or_default()
            .push(ImportParent::Registered(o.id));
    }
    let chains: HashMap<String, String> = kechuang_store::names::all(&s.db, "chains")
        .await?
        .into_iter()
        .map(|(id, name)| (name, id))
        .collect();
    let mut problems = vec![];
    let mut rows = vec![];
    let mut rows_of = vec![];
    for (row_no, row) in table.rows() {
        let cell = |c: &str| table.get(row, c).trim().to_string();
        let bad = |column: &str, reason: String| ImportProblem {
            row: row_no,
            column: column.into(),
            reason,
        };
        let before = problems.len();
        let parent = match cell("上级党组织").as_str() {
            "" => ImportParent::Top,
            t => match places.get(t).map(Vec::as_slice) {
                Some([one]) => one.clone(),
                Some(_) => {
                    problems.push(bad(
                        "上级党组织",
                        format!("有多个名为“{t}”的党组织，请先改名区分"),
                    ));
                    ImportParent::Top
                }
                None => {
                    problems.push(bad(
                        "上级党组织",
                        format!("找不到党组织“{t}”（填已有党组织或上面行中的全称）"),
                    ));
                    ImportParent::Top
                }
            },
        };
        let chain_id = match cell("所在产业链").as_str() {
            "" => String::new(),
            t => chains.get(t).cloned().unwrap_or_else(|| {
                problems.push(bad("所在产业链", format!("产业链“{t}”不存在")));
                String::new()
            }),
        };
        let draft = PartyOrgDraft {
            parent_id: String::new(),
            name: cell("党组织名称"),
            kind: cell("组织类型"),
            chain_id,
            founded_on: cell("成立日期"),
            secretary: cell("书记"),
            venue: cell("活动阵地"),
            sort_order: cell("排序"),
        };
        match draft.validate() {
            Ok(input) if problems.len() == before => {
                places
                    .entry(input.name.clone())
                    .or_default()
                    .push(ImportParent::Row(rows.len()));
                rows.push((input, parent));
                rows_of.push(row_no);
            }
            Ok(_) => {}
            Err((_, fields)) => problems.extend(
                fields
                    .into_iter()
                    .map(|(f, reason)| bad(column_of(f), reason)),
            ),
        }
    }
    excel::finish_import(rows, rows_of, problems, "党组织名称", |rows| {
        network::import_orgs(&s.db, &p.username, rows)
    })
    .await
}

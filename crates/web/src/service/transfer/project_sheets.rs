//! The transfer projects ledger in Excel (成果转化项目台账): the export, its
//! import template and the all-or-nothing import with the same columns, so
//! a committee's project ledger enters the register where each project
//! stands and an export imports again into an empty register.
//!
//! 阶段 and 状态 by their Chinese names; 产业链 by name and 产业链环节 by the
//! node's name in that chain; 成果持有单位, 孵化企业 and 孵化器 by full name
//! or credit code (the firm must already be in the register: import the
//! organisations first); 发明人及份额 “张三:60；李四:40”. A project imported
//! enters its stage on 进入本阶段日期, without the gate reviews that moved
//! it there (its detail shows one stay). 技术成熟度 is the TRL (1–9).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use kechuang_domain::auth::Permission;
use kechuang_domain::transfer::{ProjectState, Stage};
use kechuang_store::transfer::projects::{self as store, ProjectRecord};
use kechuang_store::Principal;

use super::projects::{views, ProjectListQuery};
use crate::auth::require;
use crate::error::ApiResult;
use crate::excel::{self, one_of, Cell, ImportFailure, ImportProblem, Table};
use crate::forms::parse_date;
use crate::forms::transfer::ProjectDraft;
use crate::service::orgs::OrgIndex;
use crate::AppState;

pub const COLUMNS: [&str; 17] = [
    "项目名称",
    "技术领域",
    "产业链",
    "成果持有单位",
    "发明人及份额",
    "专利号",
    "技术成熟度（TRL）",
    "阶段",
    "状态",
    "进入本阶段日期",
    "技术经理人",
    "孵化企业",
    "产业链环节",
    "孵化器",
    "入孵日期",
    "毕业日期",
    "项目简介",
];

pub async fn export_bytes(s: &AppState, p: &Principal, q: &ProjectListQuery) -> ApiResult<Vec<u8>> {
    require(p, Permission::TransferRead)?;
    let rows = views(s, store::list_all(&s.db, &q.filter()?, 100_000).await?).await?;
    let orgs = OrgIndex::load(s).await?;
    let nodes = kechuang_store::names::all(&s.db, "chain_nodes").await?;
    let org = |id: &Option<String>| {
        id.as_deref()
            .map(|id| orgs.key_of(id, &[]))
            .unwrap_or_default()
    };
    let date = |d: Option<NaiveDate>| d.map(Cell::Date).unwrap_or(Cell::Empty);
    excel::workbook(
        "成果转化项目",
        &COLUMNS,
        rows.into_iter().map(|v| {
            let pr = &v.project;
            vec![
                Cell::Text(pr.title.clone()),
                Cell::Text(pr.field.clone()),
                Cell::Text(v.chain_name.clone()),
                Cell::Text(org(&pr.holder_org_id)),
                Cell::Text(pr.inventors.replace(';', "；")),
                Cell::Text(pr.patents.clone()),
                Cell::Number(pr.trl.into()),
                Cell::Text(v.stage_label.clone()),
                Cell::Text(v.state_label.clone()),
                Cell::Date(pr.stage_entered_on),
                Cell::Text(pr.manager.clone()),
                Cell::Text(org(&pr.firm_org_id)),
                Cell::Text(
                    pr.chain_node_id
                        .as_ref()
                        .and_then(|n| nodes.get(n).cloned())
                        .unwrap_or_default(),
                ),
                Cell::Text(org(&pr.incubator_org_id)),
                date(pr.incubated_on),
                date(pr.graduated_on),
                Cell::Text(pr.summary.clone()),
            ]
        }),
    )
}

/// The import template: the columns and an example row.
pub fn template_bytes() -> ApiResult<Vec<u8>> {
    let row = [
        "高性能锂电池隔膜",
        "新材料",
        "",
        "重庆大学",
        "张三:60；李四:40",
        "ZL202310123456.7",
        "4",
        "概念验证",
        "推进中",
        "2026-03-01",
        "王经理",
        "",
        "",
        "",
        "",
        "",
        "",
    ];
    excel::workbook(
        "转化项目导入",
        &COLUMNS,
        [row.into_iter().map(Cell::from).collect()],
    )
}

fn column_of(field: &str) -> &'static str {
    match field {
        "title" => "项目名称",
        "field" => "技术领域",
        "inventors" => "发明人及份额",
        "patents" => "专利号",
        "trl" => "技术成熟度（TRL）",
        "manager" => "技术经理人",
        "summary" => "项目简介",
        "stage_entered_on" => "进入本阶段日期",
        "firm_org_id" => "孵化企业",
        "incubator_org_id" => "孵化器",
        "incubated_on" => "入孵日期",
        "graduated_on" => "毕业日期",
        _ => "项目名称",
    }
}

/// Validate every row with the form's rules and the store's, then import
/// all or nothing.
pub async fn import_bytes(
    s: &AppState,
    p: &Principal,
    bytes: &[u8],
) -> Result<usize, ImportFailure> {
    require(p, Permission::TransferWrite)?;
    let table = Table::read(bytes, &["项目名称", "阶段", "进入本阶段日期"])?;
    let orgs = OrgIndex::load(s).await?;
    let mut chains: HashMap<String, Vec<String>> = HashMap::new();
    for (id, name) in kechuang_store::names::all(&s.db, "chains").await? {
        chains.entry(name).or_default().push(id);
    }
    // Nodes by (chain, name).
    let mut nodes: HashMap<(String, String), Vec<String>> = HashMap::new();
    for n in kechuang_store::chains::all_nodes(&s.db).await? {
        nodes.entry((n.chain_id, n.name)).or_default().push(n.id);
    }
    let today = kechuang_store::clock::today();
    // Projects already registered, by (name, holder): a ledger imported
    // twice is refused rather than doubled.
    let registered: HashSet<(String, Option<String>)> =
        store::list_all(&s.db, &Default::default(), 1_000_000)
            .await?
            .into_iter()
            .map(|p| (p.title, p.holder_org_id))
            .collect();
    let mut seen: HashMap<(String, Option<String>), usize> = HashMap::new();
    let (mut problems, mut rows, mut rows_of) = (vec![], vec![], vec![]);
    for (row_no, row) in table.rows() {
        let cell = |c: &str| table.get(row, c).trim().to_string();
        let bad = |column: &str, reason: String| ImportProblem {
            row: row_no,
            column: column.into(),
            reason,
        };
        let before = problems.len();
        let mut org = |column: &str| match cell(column).as_str() {
            "" => None,
            written => orgs.find(written).map(Some).unwrap_or_else(|e| {
                problems.push(bad(column, e));
                None
            }),
        };
        let holder = org("成果持有单位");
        let firm = org("孵化企业");
        let incubator = org("孵化器");
        let chain_id = one_of(&chains, &cell("产业链"), "产业链", "产业链").unwrap_or_else(|e| {
            problems.push(bad("产业链", e));
            None
        });
        let node_name = cell("产业链环节");
        let node_id = match (&chain_id, node_name.as_str()) {
            (_, "") => None,
            (None, _) => {
                problems.push(bad("产业链环节", "填写产业链环节须先填写产业链".into()));
                None
            }
            (Some(c), n) => match nodes.get(&(c.clone(), n.to_string())).map(Vec::as_slice) {
                Some([id]) => Some(id.clone()),
                Some(_) => {
                    problems.push(bad("产业链环节", format!("该产业链有多个环节叫“{n}”")));
                    None
                }
                None => {
                    problems.push(bad("产业链环节", format!("该产业链没有环节“{n}”")));
                    None
                }
            },
        };
        let stage_text = cell("阶段");
        let stage = Stage::ALL
            .into_iter()
            .find(|x| x.label_zh() == stage_text || x.as_str() == stage_text);
        if stage.is_none() {
            problems.push(bad(
                "阶段",
                format!("“{stage_text}”不是阶段，请填写项目筛选、概念验证、成果转化或企业孵化"),
            ));
        }
        let state = match cell("状态").as_str() {
            "" => Some(ProjectState::Active),
            t => ProjectState::ALL
                .into_iter()
                .find(|x| x.label_zh() == t || x.as_str() == t),
        };
        if state.is_none() {
            problems.push(bad(
                "状态",
                format!("“{}”不是状态，请填写推进中、暂缓或终止", cell("状态")),
            ));
        }
        let mut day = |column: &str, required: bool| match cell(column).as_str() {
            "" if !required => None,
            t => parse_date(t).or_else(|| {
                problems.push(bad(column, "请填写日期，如 2026-03-01".into()));
                None
            }),
        };
        let entered = day("进入本阶段日期", true);
        let incubated = day("入孵日期", false);
        let graduated = day("毕业日期", false);
        let draft = ProjectDraft {
            title: cell("项目名称"),
            field: cell("技术领域"),
            chain_id: chain_id.clone().unwrap_or_default(),
            chain_node_id: node_id.unwrap_or_default(),
            holder_org_id: holder.clone().unwrap_or_default(),
            inventors: cell("发明人及份额"),
            patents: cell("专利号"),
            trl: cell("技术成熟度（TRL）"),
            manager: cell("技术经理人"),
            summary: cell("项目简介"),
        };
        let project = match draft.validate() {
            Ok(i) => i,
            Err((_, fields)) => {
                for (f, reason) in fields {
                    problems.push(bad(column_of(f), reason));
                }
                continue;
            }
        };
        let (Some(stage), Some(state), Some(entered)) = (stage, state, entered) else {
            continue;
        };
        let record = ProjectRecord {
            project,
            stage,
            state,
            stage_entered_on: entered,
            firm_org_id: firm,
            incubator_org_id: incubator,
            incubated_on: incubated,
            graduated_on: graduated,
        };
        if let Err((f, why)) = record.fits(today) {
            problems.push(bad(column_of(f), why));
        }
        let key = (record.project.title.clone(), holder);
        if let Err(e) = excel::new_key(&registered, &mut seen, key, row_no, |(t, _)| {
            format!("已有项目“{t}”（同一成果持有单位），请勿重复导入")
        }) {
            problems.push(bad("项目名称", e));
        }
        if problems.len() == before {
            rows.push(record);
            rows_of.push(row_no);
        }
    }
    excel::finish_import(rows, rows_of, problems, "项目名称", |rows| {
        store::import(&s.db, &p.username, rows)
    })
    .await
}

//! The annual key-item list in Excel (年度重点事项清单): the printable
//! export, its import template and the all-or-nothing import with the same
//! columns, so a committee's own list imports as it stands and an export
//! imports again into an empty register.
//!
//! 节点安排 holds one milestone a line (a title may hold “；”), “标题（2026年6月30日）”, a done one
//! “标题（2026年6月30日，2026年6月28日完成）”; 工作进度 “60%” or
//! “60%，说明”; 完成情况 “已完成（2026年5月20日）” marks the item done
//! (any other text there — 推进中, 逾期未完成 — is computed and not read);
//! 责任单位 by department name or code; 来源会议 by the meeting's title, or
//! “标题（2026年3月5日）” where two meetings share it. A title row above the
//! header (as the export prints it) is skipped.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use kechuang_domain::auth::Permission;
use kechuang_store::entities::{key_item, key_item_milestone};
use kechuang_store::party::meetings::{self as store, KeyItemRecord, MeetingFilter, Risk};
use kechuang_store::Principal;

use super::meetings::{key_item_views, KeyItemListQuery, KeyItemView};
use crate::auth::require;
use crate::error::ApiResult;
use crate::excel::{self, Cell, ImportFailure, ImportProblem, Table};
use crate::format::fmt_date;
use crate::forms::parse_date;
use crate::forms::party::meetings::{KeyItemDraft, ProgressDraft};
use crate::service::dated_names::DatedNames;
use crate::service::departments::DepartmentIndex;
use crate::AppState;

pub const COLUMNS: [&str; 11] = [
    "序号",
    "重点事项",
    "责任单位",
    "责任人",
    "完成时限",
    "节点安排",
    "工作进度",
    "完成情况",
    "来源会议",
    "会议决定",
    "年度",
];

const DONE: &str = "已完成";

/// “标题（2026年6月30日）” or “标题（2026年6月30日，2026年6月28日完成）”, one a line.
fn milestones_cell(ms: &[key_item_milestone::Model]) -> String {
    ms.iter()
        .map(|m| match m.done_on {
            Some(d) => format!("{}（{}，{}完成）", m.title, fmt_date(m.due_on), fmt_date(d)),
            None => format!("{}（{}）", m.title, fmt_date(m.due_on)),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The milestones of a 节点安排 cell: (title, due, done), or why not.
fn read_milestones(cell: &str) -> Result<Vec<(String, NaiveDate, Option<NaiveDate>)>, String> {
    let mut out = vec![];
    for part in cell.lines().map(str::trim) {
        if part.is_empty() {
            continue;
        }
        let bad = || {
            format!("“{part}”请写成“标题（2026年6月30日）”，已完成的写成“标题（2026年6月30日，2026年6月28日完成）”")
        };
        let (title, dates) = part
            .strip_suffix('）')
            .and_then(|p| p.rsplit_once('（'))
            .ok_or_else(bad)?;
        let (due, done) = match dates.split_once(['，', ',']) {
            Some((due, done)) => {
                let done = done.trim().strip_suffix("完成").ok_or_else(bad)?;
                (due, Some(parse_date(done).ok_or_else(bad)?))
            }
            None => (dates, None),
        };
        let title = title.trim();
        if title.is_empty() {
            return Err(bad());
        }
        if title.chars().count() > 200 {
            return Err(format!("节点“{title}”的标题不能超过200个字"));
        }
        out.push((title.to_string(), parse_date(due).ok_or_else(bad)?, done));
    }
    Ok(out)
}

/// “60%” or “60%，说明”: (progress, note) by the progress form's rules, or why not.
fn read_progress(cell: &str) -> Result<(i32, String), String> {
    if cell.is_empty() {
        return Ok((0, String::new()));
    }
    let (pct, note) = match cell.split_once(['，', ',']) {
        Some((p, n)) => (p.trim(), n.trim()),
        None => (cell, ""),
    };
    let draft = ProgressDraft {
        progress: pct.strip_suffix(['%', '％']).unwrap_or(pct).trim().into(),
        note: note.into(),
        version: 0,
    };
    draft.validate().map_err(|(_, fields)| {
        fields
            .into_iter()
            .map(|(f, why)| match f {
                "progress" => format!("“{pct}”请写成“60%”或“60%，说明”（0～100 的整数）"),
                _ => why,
            })
            .collect::<Vec<_>>()
            .join("；")
    })
}

/// The meetings by title, for 来源会议.
async fn meetings(s: &AppState) -> ApiResult<DatedNames> {
    let all = store::list_all_meetings(&s.db, &MeetingFilter::default(), 1_000_000).await?;
    Ok(DatedNames::new(
        "会议",
        all.into_iter()
            .map(|r| (r.meeting.id, r.meeting.title, r.meeting.held_on)),
    ))
}

/// 已完成（2026年5月20日）/ 逾期未完成 / 推进中（有逾期风险）/ 推进中
fn completion_cell(v: &KeyItemView) -> String {
    match (v.item.done_on, Risk::parse(&v.risk)) {
        (Some(d), _) => format!("{DONE}（{}）", fmt_date(d)),
        (None, Some(Risk::Done)) => DONE.into(),
        (None, Some(Risk::Overdue)) => "逾期未完成".into(),
        (None, Some(Risk::AtRisk)) => "推进中（有逾期风险）".into(),
        _ => "推进中".into(),
    }
}

/// "60%" or "60%，已完成方案评审"
fn progress_cell(item: &key_item::Model) -> String {
    if item.note.trim().is_empty() {
        format!("{}%", item.progress)
    } else {
        format!("{}%，{}", item.progress, item.note.trim())
    }
}

pub async fn export_bytes(s: &AppState, p: &Principal, q: &KeyItemListQuery) -> ApiResult<Vec<u8>> {
    require(p, Permission::PartyRead)?;
    let f = q.filter()?;
    let rows = store::list_all_key_items(&s.db, &f, kechuang_store::clock::today(), 50_000).await?;
    let views = key_item_views(s, rows).await?;
    let deps = DepartmentIndex::load(s).await?;
    let meetings = meetings(s).await?;
    let title = match f.year {
        Some(y) => format!("{y}年度重点事项清单"),
        None => "重点事项清单".to_string(),
    };
    excel::titled_workbook(
        "重点事项清单",
        &title,
        &COLUMNS,
        &[
            6.0, 36.0, 18.0, 12.0, 14.0, 44.0, 28.0, 18.0, 28.0, 36.0, 8.0,
        ],
        views.into_iter().enumerate().map(|(k, v)| {
            vec![
                Cell::Number((k + 1) as f64),
                Cell::Text(v.item.title.clone()),
                Cell::Text(deps.key_of(v.item.department_id.as_deref())),
                Cell::Text(v.item.owner.clone()),
                Cell::Date(v.item.due_on),
                Cell::Text(milestones_cell(&v.milestones)),
                Cell::Text(progress_cell(&v.item)),
                Cell::Text(completion_cell(&v)),
                Cell::Text(meetings.key_of(v.item.meeting_id.as_deref())),
                Cell::Text(v.item.decision.clone()),
                Cell::Number(v.item.year as f64),
            ]
        }),
    )
}

/// The import template: the columns and two example rows.
pub fn template_bytes() -> ApiResult<Vec<u8>> {
    let rows = [
        [
            "1",
            "建成概念验证中心",
            "科技创新局",
            "李明",
            "2026-12-31",
            "完成选址（2026年3月31日，2026年3月28日完成）\n投入运营（2026年11月30日）",
            "60%，已完成选址",
            "",
            "",
            "",
            "2026",
        ],
        [
            "2",
            "出台人才服务十条",
            "人才服务中心",
            "王芳",
            "2026-06-30",
            "",
            "100%",
            "已完成（2026年6月20日）",
            "",
            "",
            "2026",
        ],
    ];
    excel::workbook(
        "重点事项导入",
        &COLUMNS,
        rows.map(|r| r.into_iter().map(Cell::from).collect()),
    )
}

fn column_of(field: &str) -> &'static str {
    match field {
        "title" => "重点事项",
        "owner" => "责任人",
        "decision" => "会议决定",
        "due_on" => "完成时限",
        "year" => "年度",
        "milestones" => "节点安排",
        "progress" => "工作进度",
        "done_on" => "完成情况",
        _ => "重点事项",
    }
}

/// Validate every row with the form's rules and the store's, then import
/// all or nothing.
pub async fn import_bytes(
    s: &AppState,
    p: &Principal,
    bytes: &[u8],
) -> Result<usize, ImportFailure> {
    require(p, Permission::PartyWrite)?;
    let table = Table::read(bytes, &["重点事项", "责任人", "完成时限"])?;
    let deps = DepartmentIndex::load(s).await?;
    let meetings = meetings(s).await?;
    let today = kechuang_store::clock::today();
    // Items already on a list, by (year, title): a list imported twice is
    // refused rather than doubled.
    let registered: HashSet<(i32, String)> =
        store::list_all_key_items(&s.db, &Default::default(), today, 1_000_000)
            .await?
            .into_iter()
            .map(|r| (r.item.year, r.item.title))
            .collect();
    let mut seen: HashMap<(i32, String), usize> = HashMap::new();
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
            .find(&cell("责任单位"))
            .unwrap_or_else(|e| {
                problems.push(bad("责任单位", e));
                None
            })
            .unwrap_or_default();
        let meeting_id = meetings
            .find(&cell("来源会议"), "请先登记会议，或留空")
            .unwrap_or_else(|e| {
                problems.push(bad("来源会议", e));
                None
            })
            .unwrap_or_default();
        let milestones = read_milestones(&cell("节点安排")).unwrap_or_else(|e| {
            problems.push(bad("节点安排", e));
            vec![]
        });
        let (progress, note) = read_progress(&cell("工作进度")).unwrap_or_else(|e| {
            problems.push(bad("工作进度", e));
            (0, String::new())
        });
        let completion = cell("完成情况");
        let done_on = match completion.strip_prefix(DONE) {
            None => None,
            Some(rest) => match rest
                .trim()
                .strip_prefix('（')
                .and_then(|r| r.strip_suffix('）'))
                .and_then(parse_date)
            {
                Some(d) => Some(d),
                None => {
                    problems.push(bad(
                        "完成情况",
                        "已完成的事项请写明完成日期，如“已完成（2026年5月20日）”".into(),
                    ));
                    None
                }
            },
        };
        let draft = KeyItemDraft {
            title: cell("重点事项"),
            decision: cell("会议决定"),
            owner: cell("责任人"),
            department_id,
            due_on: cell("完成时限"),
            year: cell("年度"),
            milestones: String::new(),
            meeting_id,
        };
        let mut item = match draft.validate() {
            Ok(i) => i,
            Err((_, fields)) => {
                for (f, reason) in fields {
                    problems.push(bad(column_of(f), reason));
                }
                continue;
            }
        };
        item.note = note;
        item.milestones = milestones.iter().map(|(t, d, _)| (t.clone(), *d)).collect();
        let record = KeyItemRecord {
            milestones_done: milestones.iter().map(|m| m.2).collect(),
            progress,
            done_on,
            item,
        };
        if let Err((field, why)) = record.fits(today) {
            problems.push(bad(column_of(field), why));
        }
        // The year as the store will take it: given, else the meeting's, else the deadline's.
        let y = record
            .item
            .year
            .or_else(|| {
                record
                    .item
                    .meeting_id
                    .as_deref()
                    .and_then(|m| meetings.day_of(m))
                    .map(|d| chrono::Datelike::year(&d))
            })
            .unwrap_or(chrono::Datelike::year(&record.item.due_on));
        let key = (y, record.item.title.clone());
        if let Err(e) = excel::new_key(&registered, &mut seen, key, row_no, |(y, t)| {
            format!("{y}年度清单已有“{t}”，请勿重复导入")
        }) {
            problems.push(bad("重点事项", e));
        }
        if problems.len() == before {
            rows.push(record);
            rows_of.push(row_no);
        }
    }
    excel::finish_import(rows, rows_of, problems, "重点事项", |rows| {
        store::import_key_items(&s.db, &p.username, rows)
    })
    .await
}

//! The event calendar in Excel (活动台账): the export, its import template
//! and the all-or-nothing import with the same columns, so a committee's
//! activity ledger imports as it stands and an export imports again into
//! an empty register.
//!
//! 类型 and 状态 by their Chinese names (草稿, 已发布, 已取消 — a
//! cancelled one with its 取消原因); 系列 and 所属联盟 by name; 主办 and 协办
//! as departments (name or code) or registered organisations (full name or
//! credit code) separated by “、”; 时间 read for its times (“09:00～17:00”,
//! “09:00起”, or none for a whole day); 报名需审核 “是” or empty. 已确认,
//! 候补, 待审核 and 已签到 are counted from registrations and not read.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveTime};
use kechuang_domain::auth::Permission;
use kechuang_domain::events::EventStatus;
use kechuang_store::events::calendar::{self, EventImport};
use kechuang_store::events::Actor;
use kechuang_store::Principal;

use super::departments::DepartmentIndex;
use super::events::{event_view, EventListQuery};
use super::orgs::OrgIndex;
use crate::auth::require;
use crate::error::ApiResult;
use crate::excel::{self, one_of, Cell, ImportFailure, ImportProblem, Table};
use crate::forms::events::EventDraft;
use crate::AppState;

pub const COLUMNS: [&str; 22] = [
    "活动名称",
    "类型",
    "系列",
    "状态",
    "开始日期",
    "结束日期",
    "时间",
    "地点",
    "主办",
    "协办",
    "名额",
    "已确认",
    "候补",
    "待审核",
    "已签到",
    "面向对象",
    "所属联盟",
    "报名开始",
    "报名截止",
    "报名需审核",
    "议程",
    "取消原因",
];

/// How a 主办 or 协办 cell separates its names.
const SEPARATORS: [char; 4] = ['、', '，', ',', '；'];

/// The start and end times written in a 时间 cell (“2026年3月1日 09:00～17:00”,
/// “09:00起”, “（全天）”): the first and second “HH:MM” found, or why not.
fn read_times(cell: &str) -> Result<(Option<NaiveTime>, Option<NaiveTime>), String> {
    let cell = cell.replace('：', ":");
    let mut found = vec![];
    let chars: Vec<char> = cell.chars().collect();
    let mut k = 0;
    while k < chars.len() {
        if chars[k].is_ascii_digit() {
            let start = k;
            while k < chars.len() && (chars[k].is_ascii_digit() || chars[k] == ':') {
                k += 1;
            }
            let piece: String = chars[start..k].iter().collect();
            if piece.contains(':') {
                let t = NaiveTime::parse_from_str(&piece, "%H:%M")
                    .map_err(|_| format!("“{piece}”不是时间，请写成如 09:30"))?;
                found.push(t);
            }
        } else {
            k += 1;
        }
    }
    let usage = "时间请写成“09:00～17:00”或“09:00起”，全天活动留空或写“全天”";
    // Text before the first time ending in a range mark: an end without a start.
    let lone_end = found.len() == 1
        && cell
            .split_once(|c: char| c.is_ascii_digit())
            .is_some_and(|(before, _)| {
                before
                    .trim_end()
                    .ends_with(['～', '~', '至', '-', '—', '–'])
            });
    match found.as_slice() {
        [] if cell.trim().is_empty() || cell.contains("全天") => Ok((None, None)),
        [] => Err(format!("“{}”里没有时间。{usage}", cell.trim())),
        [_] if lone_end => Err(format!("只写了结束时间。{usage}")),
        [a] => Ok((Some(*a), None)),
        [a, b] => Ok((Some(*a), Some(*b))),
        _ => Err(usage.into()),
    }
}

/// Names by id → ids by name, for `one_of`.
fn by_name(names: HashMap<String, String>) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for (id, name) in names {
        out.entry(name).or_default().push(id);
    }
    out
}

pub async fn export_bytes(s: &AppState, p: &Principal, q: &EventListQuery) -> ApiResult<Vec<u8>> {
    require(p, Permission::EventsRead)?;
    let a = Actor::of(p);
    let rows = calendar::list_all(&s.db, &a, &q.filter()?, excel::MAX_EXPORT_ROWS).await?;
    let deps = DepartmentIndex::load(s).await?;
    let orgs = OrgIndex::load(s).await?;
    excel::workbook(
        "活动",
        &COLUMNS,
        rows.into_iter().map(|r| {
            let v = event_view(r);
            let names = |role: &str| {
                v.organisers
                    .iter()
                    .filter(|o| o.role == role)
                    .map(|o| match (&o.department_id, &o.org_id) {
                        (Some(d), _) => {
                            let key = deps.key_of(Some(d));
                            // A name a list cell would split, or an
                            // organisation's too, is written as the code.
                            if key.contains(SEPARATORS) || orgs.find(&key).is_ok() {
                                deps.code_of(d)
                            } else {
                                key
                            }
                        }
                        (None, Some(id)) => {
                            let key = orgs.key_of(id, &SEPARATORS);
                            match deps.find(&key) {
                                Ok(Some(_)) => orgs.code_of(id).unwrap_or(key),
                                _ => key,
                            }
                        }
                        (None, None) => o.name.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join("、")
            };
            let e = &v.event;
            let date = |d: Option<NaiveDate>| d.map(Cell::Date).unwrap_or(Cell::Empty);
            vec![
                Cell::Text(e.title.clone()),
                Cell::Text(v.kind_label.clone()),
                Cell::Text(v.series_name.clone().unwrap_or_default()),
                Cell::Text(v.status_label.clone()),
                Cell::Date(e.starts_on),
                Cell::Date(e.ends_on),
                Cell::Text(v.when_text.clone()),
                Cell::Text(e.venue.clone()),
                Cell::Text(names("lead")),
                Cell::Text(names("co")),
                e.capacity
                    .map(|c| Cell::Number(c as f64))
                    .unwrap_or(Cell::Empty),
                Cell::Number(v.counts.confirmed as f64),
                Cell::Number(v.counts.waitlisted as f64),
                Cell::Number(v.counts.pending as f64),
                Cell::Number(v.counts.checked_in as f64),
                Cell::Text(e.audience.clone()),
                Cell::Text(v.alliance_name.clone().unwrap_or_default()),
                date(e.opens_on),
                date(e.closes_on),
                Cell::Text(if e.needs_approval { "是" } else { "" }.into()),
                Cell::Text(e.agenda.clone()),
                Cell::Text(e.cancel_reason.clone()),
            ]
        }),
    )
}

/// The import template: the columns and an example row.
pub fn template_bytes() -> ApiResult<Vec<u8>> {
    let row = [
        "两城汇·成果发布会",
        "会议",
        "",
        "已发布",
        "2026-06-18",
        "2026-06-18",
        "09:00～17:00",
        "科学城会展中心",
        "科技创新局",
        "",
        "200",
        "",
        "",
        "",
        "",
        "高校院所、科技企业",
        "",
        "2026-06-01",
        "2026-06-15",
        "是",
        "",
        "",
    ];
    excel::workbook(
        "活动导入",
        &COLUMNS,
        [row.into_iter().map(Cell::from).collect()],
    )
}

fn column_of(field: &str) -> &'static str {
    match field {
        "title" => "活动名称",
        "kind" => "类型",
        "venue" => "地点",
        "starts_on" => "开始日期",
        "ends_on" => "结束日期",
        "start_time" | "end_time" => "时间",
        "capacity" => "名额",
        "audience" => "面向对象",
        "opens_on" => "报名开始",
        "closes_on" => "报名截止",
        "agenda" => "议程",
        "cancel_reason" => "取消原因",
        "series_id" => "系列",
        "alliance_id" => "所属联盟",
        _ => "主办",
    }
}

/// Validate every row with the form's rules, then import all or nothing.
pub async fn import_bytes(
    s: &AppState,
    p: &Principal,
    bytes: &[u8],
) -> Result<usize, ImportFailure> {
    require(p, Permission::EventsWrite)?;
    let table = Table::read(bytes, &["活动名称", "类型", "开始日期"])?;
    let deps = DepartmentIndex::load(s).await?;
    let orgs = OrgIndex::load(s).await?;
    let series = by_name(kechuang_store::names::all(&s.db, "event_series").await?);
    let alliances = by_name(kechuang_store::names::all(&s.db, "alliances").await?);
    let a = Actor::of(p);
    // Events already registered, by (title, first day): a ledger imported
    // twice is refused rather than doubled.
    let registered: HashSet<(String, NaiveDate)> = calendar::list_all(
        &s.db,
        &Actor {
            scope: kechuang_store::Scope::All,
            ..a.clone()
        },
        &Default::default(),
        1_000_000,
    )
    .await?
    .into_iter()
    .map(|r| (r.event.title, r.event.starts_on))
    .collect();
    let mut seen: HashMap<(String, NaiveDate), usize> = HashMap::new();
    let (mut problems, mut rows, mut rows_of) = (vec![], vec![], vec![]);
    for (row_no, row) in table.rows() {
        let cell = |c: &str| table.get(row, c).trim().to_string();
        let bad = |column: &str, reason: String| ImportProblem {
            row: row_no,
            column: column.into(),
            reason,
        };
        let before = problems.len();
        let mut pick = |column: &str, names: &HashMap<String, Vec<String>>, what, place| {
            one_of(names, &cell(column), what, place)
                .unwrap_or_else(|e| {
                    problems.push(bad(column, e));
                    None
                })
                .unwrap_or_default()
        };
        let series_id = pick("系列", &series, "活动系列", "活动系列");
        let alliance_id = pick("所属联盟", &alliances, "联盟协会", "联盟协会");
        // Each organiser: a department (name or code), else a registered organisation.
        let mut parties = |column: &str| {
            let (mut d, mut o) = (vec![], vec![]);
            for written in cell(column)
                .split(|c| SEPARATORS.contains(&c) || c == '\n')
                .map(str::trim)
                .filter(|w| !w.is_empty())
            {
                match (deps.find(written), orgs.find(written)) {
                    (Ok(Some(_)), Ok(_)) => problems.push(bad(
                        column,
                        format!("“{written}”既是部门又是单位名录中的单位，请写部门编码或单位的统一社会信用代码"),
                    )),
                    (Ok(Some(id)), Err(_)) => d.push(id),
                    (_, Ok(id)) => o.push(id),
                    (Err(e), Err(_)) => problems.push(bad(column, e)),
                    (Ok(None), Err(_)) => problems.push(bad(
                        column,
                        format!("“{written}”既不是部门，也不在单位名录中，请填写部门名称或单位全称"),
                    )),
                }
            }
            (d.join(","), o.join(","))
        };
        let (lead_department_ids, lead_org_ids) = parties("主办");
        let (co_department_ids, co_org_ids) = parties("协办");
        let (start_time, end_time) = read_times(&cell("时间")).unwrap_or_else(|e| {
            problems.push(bad("时间", e));
            (None, None)
        });
        let status_text = cell("状态");
        let status = match status_text.as_str() {
            "" => Some(EventStatus::Draft),
            t => EventStatus::parse(t),
        };
        if status.is_none() {
            problems.push(bad(
                "状态",
                format!("“{status_text}”不是活动状态，请填写草稿、已发布或已取消"),
            ));
        }
        let needs_approval = excel::yes_or_empty(&cell("报名需审核"), "报名需主办方审核")
            .unwrap_or_else(|e| {
                problems.push(bad("报名需审核", e));
                false
            });
        let draft = EventDraft {
            series_id,
            alliance_id,
            title: cell("活动名称"),
            kind: cell("类型"),
            venue: cell("地点"),
            starts_on: cell("开始日期"),
            ends_on: cell("结束日期"),
            start_time: start_time
                .map(|t| t.format("%H:%M").to_string())
                .unwrap_or_default(),
            end_time: end_time
                .map(|t| t.format("%H:%M").to_string())
                .unwrap_or_default(),
            capacity: cell("名额"),
            audience: cell("面向对象"),
            opens_on: cell("报名开始"),
            closes_on: cell("报名截止"),
            agenda: cell("议程"),
            needs_approval,
            lead_department_ids,
            lead_org_ids,
            co_department_ids,
            co_org_ids,
        };
        let event = match draft.validate() {
            Ok(i) => i,
            Err((_, fields)) => {
                for (f, reason) in fields {
                    problems.push(bad(column_of(f), reason));
                }
                continue;
            }
        };
        let Some(status) = status else { continue };
        let record = EventImport {
            event,
            status,
            cancel_reason: cell("取消原因"),
        };
        if let Err((f, why)) = record.fits() {
            problems.push(bad(column_of(f), why));
        }
        let key = (record.event.title.clone(), record.event.schedule.starts_on);
        if let Err(e) = excel::new_key(&registered, &mut seen, key, row_no, |(t, d)| {
            format!("{}已有活动“{t}”，请勿重复导入", crate::format::fmt_date(*d))
        }) {
            problems.push(bad("活动名称", e));
        }
        if problems.len() == before {
            rows.push(record);
            rows_of.push(row_no);
        }
    }
    excel::finish_import(rows, rows_of, problems, "活动名称", |rows| {
        calendar::import(&s.db, &a, rows)
    })
    .await
}

//! Registrations in Excel (报名名单): the export, its import template and
//! the all-or-nothing import with the same columns, so the sign-up lists a
//! committee collected before Kechuang import as they stand and an export
//! imports again into an empty register.
//!
//! 活动 by title, “标题（2026年6月18日）” where two events share it; 单位 a
//! registered organisation by full name or 统一社会信用代码, or one not yet
//! registered with its name and code; 领域 and 状态 by their Chinese
//! names, an empty 状态 placed by the registering rules in the file's
//! order; 票码 kept when given, else issued; 报名时间 and 签到时间 in
//! Beijing time (“2026-06-01 09:30”; a bare date is that day's 0:00).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveTime, Utc};
use kechuang_domain::auth::Permission;
use kechuang_domain::events::{parse_ticket, phone_key, RegistrationStatus, Sector};
use kechuang_domain::org::OrgKind;
use kechuang_store::events::registrations::{self, RegistrationImport};
use kechuang_store::events::{calendar, Actor};
use kechuang_store::{Principal, Scope};

use super::dated_names::DatedNames;
use super::events::{registration_view, RegistrationListQuery};
use super::orgs::OrgIndex;
use crate::auth::require;
use crate::error::ApiResult;
use crate::excel::{self, Cell, ImportFailure, ImportProblem, Table};
use crate::forms::events::RegistrationDraft;
use crate::forms::parse_date;
use crate::AppState;

pub const COLUMNS: [&str; 12] = [
    "活动",
    "票码",
    "参会人",
    "手机",
    "单位",
    "统一社会信用代码",
    "领域",
    "状态",
    "现场登记",
    "报名时间",
    "签到时间",
    "备注",
];

/// The events the user sees, by title and first day (registrations name
/// their event); another department's drafts are neither found nor counted.
async fn events(s: &AppState, p: &Principal) -> ApiResult<DatedNames> {
    let rows = calendar::list_all(&s.db, &Actor::of(p), &Default::default(), 1_000_000).await?;
    Ok(DatedNames::new(
        "活动",
        rows.into_iter()
            .map(|r| (r.event.id, r.event.title, r.event.starts_on)),
    ))
}

pub async fn export_bytes(
    s: &AppState,
    p: &Principal,
    q: &RegistrationListQuery,
) -> ApiResult<Vec<u8>> {
    require(p, Permission::EventsRead)?;
    let rows = registrations::list_all(&s.db, &Actor::of(p), &q.filter(p)?, excel::MAX_EXPORT_ROWS)
        .await?;
    let events = events(s, p).await?;
    let orgs = OrgIndex::load(s).await?;
    excel::workbook(
        "报名",
        &COLUMNS,
        rows.into_iter().map(|r| {
            let v = registration_view(r);
            let r = v.registration;
            // A registered organisation as the register holds it now (its
            // name and code), so the row reads back after a rename.
            let (name, code) = match &r.org_id {
                Some(id) => (orgs.name_of(id), orgs.code_of(id)),
                None => (r.institution_name, r.institution_uscc),
            };
            vec![
                Cell::Text(events.key_of(Some(&r.event_id))),
                Cell::Text(r.ticket_code),
                Cell::Text(r.person_name),
                Cell::Text(r.phone),
                Cell::Text(name),
                Cell::Text(code.unwrap_or_default()),
                Cell::Text(v.sector_label),
                Cell::Text(v.status_label),
                Cell::Text(if r.walk_in { "是" } else { "" }.into()),
                Cell::DateTime(r.created_at),
                r.checked_in_at.map(Cell::DateTime).unwrap_or(Cell::Empty),
                Cell::Text(r.note),
            ]
        }),
    )
}

/// The import template: the columns and two example rows.
pub fn template_bytes() -> ApiResult<Vec<u8>> {
    let rows = [
        [
            "两城汇·成果发布会",
            "",
            "张明",
            "13800138000",
            "科学城智能装备有限公司",
            "",
            "",
            "已确认",
            "",
            "2026-06-01 09:30",
            "",
            "",
        ],
        [
            "两城汇·成果发布会",
            "",
            "李华",
            "13900139000",
            "某某创新研究院",
            "12440000MB2C93615F",
            "科研院所",
            "",
            "",
            "",
            "",
            "",
        ],
    ];
    excel::workbook(
        "报名导入",
        &COLUMNS,
        rows.map(|row| row.into_iter().map(Cell::from).collect()),
    )
}

/// A moment written in Beijing time: “2026-06-01 09:30[:15]” (or with
/// 年月日, “/”, “.”, “T”); a bare date is that day's 0:00.
fn read_moment(cell: &str) -> Result<Option<DateTime<Utc>>, String> {
    let usage = || format!("“{cell}”不是时间，请写成“2026-06-01 09:30”");
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    let (day, time) = match cell.split_once([' ', 'T', '\u{3000}']) {
        Some((d, t)) => (d, t.trim().replace('：', ":")),
        None => (cell, String::new()),
    };
    let day = parse_date(day).ok_or_else(usage)?;
    if chrono::Datelike::year(&day) < 2000 {
        return Err(format!("“{cell}”早于2000年，请核对"));
    }
    let time = match time.as_str() {
        "" => NaiveTime::MIN,
        t => NaiveTime::parse_from_str(t, "%H:%M:%S")
            .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M"))
            .map_err(|_| usage())?,
    };
    day.and_time(time)
        .and_local_timezone(crate::format::cst())
        .single()
        .map(|t| Some(t.with_timezone(&Utc)))
        .ok_or_else(usage)
}

fn column_of(field: &str) -> &'static str {
    match field {
        "person_name" => "参会人",
        "phone" => "手机",
        "sector" => "领域",
        "institution_uscc" => "统一社会信用代码",
        "status" => "状态",
        "walk_in" => "现场登记",
        "registered_at" => "报名时间",
        "checked_in_at" => "签到时间",
        "note" => "备注",
        _ => "单位",
    }
}

/// Validate every row with the registration form's rules, then import all
/// or nothing.
pub async fn import_bytes(
    s: &AppState,
    p: &Principal,
    bytes: &[u8],
) -> Result<usize, ImportFailure> {
    require(p, Permission::EventsWrite)?;
    let table = Table::read(bytes, &["活动", "参会人", "手机"])?;
    let events = events(s, p).await?;
    let orgs = OrgIndex::load(s).await?;
    let now = kechuang_store::clock::now();
    // Ticket codes in use, and phones with an active registration per
    // event: a list imported twice is refused rather than doubled.
    let (mut tickets, mut active) = (HashSet::new(), HashSet::new());
    let everyone = Actor {
        scope: Scope::All,
        ..Actor::of(p)
    };
    for r in registrations::list_all(&s.db, &everyone, &Default::default(), 10_000_000).await? {
        if RegistrationStatus::parse(&r.status).is_some_and(RegistrationStatus::is_active) {
            active.insert((r.event_id, r.phone));
        }
        tickets.insert(r.ticket_code);
    }
    let (mut seen_tickets, mut seen_phones) = (HashMap::new(), HashMap::new());
    let (mut problems, mut rows, mut rows_of) = (vec![], vec![], vec![]);
    for (row_no, row) in table.rows() {
        let cell = |c: &str| table.get(row, c).trim().to_string();
        let bad = |column: &str, reason: String| ImportProblem {
            row: row_no,
            column: column.into(),
            reason,
        };
        let before = problems.len();
        let event_id = match events.find(&cell("活动"), "请先登记或导入活动台账") {
            Ok(Some(id)) => id,
            Ok(None) => {
                problems.push(bad("活动", "请填写报名的活动名称".into()));
                String::new()
            }
            Err(e) => {
                problems.push(bad("活动", e));
                String::new()
            }
        };
        let ticket_code = match cell("票码").as_str() {
            "" => None,
            t => match parse_ticket(t) {
                Ok(code) => Some(code),
                Err(e) => {
                    problems.push(bad("票码", e.to_string()));
                    None
                }
            },
        };
        // 单位: a registered organisation (by code, else by full name), or
        // one not yet registered with its name and code.
        let (name, code) = (cell("单位"), cell("统一社会信用代码"));
        let mut draft = RegistrationDraft {
            org_id: String::new(),
            institution_name: name.clone(),
            institution_uscc: code.clone(),
            sector: cell("领域"),
            person_name: cell("参会人"),
            phone: cell("手机"),
        };
        // A name not in the register is one problem, not three (no code, no sector).
        let mut unknown_name = false;
        match (code.is_empty(), orgs.by_code(&code)) {
            (false, Some(id)) => {
                let registered = orgs.name_of(id);
                if !name.is_empty() && name != registered {
                    problems.push(bad(
                        "单位",
                        format!("信用代码 {code} 在单位名录中是“{registered}”，请核对单位名称或信用代码"),
                    ));
                }
                draft.org_id = id.clone();
            }
            (false, None) => {}
            (true, _) if name.is_empty() => {}
            (true, _) => match orgs.by_name(&name) {
                Ok(id) => draft.org_id = id,
                Err(e) => {
                    problems.push(bad("单位", e));
                    unknown_name = true;
                }
            },
        }
        let status_text = cell("状态");
        let status = match status_text.as_str() {
            "" => None,
            t => {
                let s = RegistrationStatus::parse(t);
                if s.is_none() {
                    problems.push(bad(
                        "状态",
                        format!("“{t}”不是报名状态，请填写待审核、已确认、候补、未通过或已取消，或留空按报名规则排定"),
                    ));
                }
                s
            }
        };
        let walk_in = excel::yes_or_empty(&cell("现场登记"), "现场登记").unwrap_or_else(|e| {
            problems.push(bad("现场登记", e));
            false
        });
        let mut moment = |column: &str| {
            read_moment(&cell(column)).unwrap_or_else(|e| {
                problems.push(bad(column, e));
                None
            })
        };
        let (registered_at, checked_in_at) = (moment("报名时间"), moment("签到时间"));
        // The store's own rules, so that each row is named here, not the
        // first one the store meets.
        let digits = phone_key(&draft.phone).trim_start_matches('+').len();
        let well_formed = draft
            .phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' '));
        if !draft.phone.is_empty() && well_formed && !(5..=20).contains(&digits) {
            problems.push(bad(
                "手机",
                "请填写正确的手机号或电话号码（5—20位数字）".into(),
            ));
        }
        let kind = orgs.kind_of(&draft.org_id).and_then(OrgKind::parse);
        if kind.is_some_and(|k| Sector::of_org_kind(k).is_none()) && draft.sector.is_empty() {
            problems.push(bad(
                "领域",
                "该单位的类型不能确定领域，请填写政府部门、企业、高校、科研院所、金融机构或中介机构".into(),
            ));
        }
        let input = match draft.validate() {
            Ok(i) => i,
            Err((_, fields)) => {
                for (f, reason) in fields {
                    if !(unknown_name && matches!(f, "institution_uscc" | "sector")) {
                        problems.push(bad(column_of(f), reason));
                    }
                }
                continue;
            }
        };
        let record = RegistrationImport {
            event_id,
            input,
            status,
            ticket_code,
            walk_in,
            registered_at,
            checked_in_at,
            note: cell("备注"),
        };
        if let Err((f, why)) = record.fits(now) {
            problems.push(bad(column_of(f), why));
        }
        if let Some(code) = &record.ticket_code {
            if let Err(e) = excel::new_key(&tickets, &mut seen_tickets, code.clone(), row_no, |c| {
                format!("票码 {c} 已登记，请勿重复导入")
            }) {
                problems.push(bad("票码", e));
            }
        }
        if status.is_none_or(RegistrationStatus::is_active) && problems.len() == before {
            let key = (record.event_id.clone(), phone_key(&record.input.phone));
            if let Err(e) = excel::new_key(&active, &mut seen_phones, key, row_no, |_| {
                "该手机号已报名本活动，请勿重复导入".to_string()
            }) {
                problems.push(bad("手机", e));
            }
        }
        if problems.len() == before {
            rows.push(record);
            rows_of.push(row_no);
        }
    }
    let a = Actor::of(p);
    excel::finish_import_by_field(
        rows,
        rows_of,
        problems,
        |field| field.map_or("活动", column_of),
        |rows| registrations::import(&s.db, &a, rows),
    )
    .await
}

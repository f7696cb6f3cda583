//! Drafts of the events area (赛会展演): an event with its schedule,
//! registration window and organisers; a registration on behalf of an
//! institution; a check-in code; an outcome; a cancellation reason.

use chrono::NaiveTime;
use kechuang_domain::events::{EventKind, OrganiserRole, OutcomeKind, Schedule, Sector, Window};
use kechuang_domain::uscc::Uscc;
use kechuang_domain::ErrorCode;
use kechuang_store::entities::event;
use kechuang_store::events::calendar::{EventInput, OrganiserInput, OrganiserRef, MAX_CAPACITY};
use kechuang_store::events::outcomes::OutcomeInput;
use kechuang_store::events::registrations::{Institution, RegistrationInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::forms::fields::{date, done, int, opt, opt_date, required, Checked};
use crate::forms::{de_flag, too_long, FieldErrors};

/// Ids separated by commas, 、 or spaces.
fn ids(s: &str) -> Vec<String> {
    let mut v: Vec<String> = s
        .split([',', '，', '、', ';', '；', ' ', '\n'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    v.dedup();
    v
}

fn time(e: &mut FieldErrors, field: &'static str, label: &str, v: &str) -> Option<NaiveTime> {
    let v = v.trim().replace('：', ":");
    if v.is_empty() {
        return None;
    }
    match NaiveTime::parse_from_str(&v, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(&v, "%H:%M:%S"))
    {
        Ok(t) => Some(t),
        Err(_) => {
            e.push((field, format!("{label}请填写时间，如 09:30")));
            None
        }
    }
}

/// An event as typed.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct EventDraft {
    /// 所属系列（品牌）id，如两城汇；可为空
    pub series_id: String,
    /// 所属联盟协会 id（联盟活动）；可为空
    pub alliance_id: String,
    /// 活动名称
    pub title: String,
    /// 活动类型：competition（竞赛）/ conference（会议）/ exhibition（展会）/ performance（演出）/ roadshow（路演）/ forum（论坛）/ matchmaking（对接会），也可填中文
    pub kind: String,
    /// 活动地点
    pub venue: String,
    /// 开始日期 YYYY-MM-DD
    pub starts_on: String,
    /// 结束日期 YYYY-MM-DD（单日活动可留空）
    pub ends_on: String,
    /// 开始时间 HH:MM（全天活动留空）
    pub start_time: String,
    /// 结束时间 HH:MM（全天活动留空）
    pub end_time: String,
    /// 名额（留空为不限）
    pub capacity: String,
    /// 面向对象
    pub audience: String,
    /// 报名开始日期（可空）
    pub opens_on: String,
    /// 报名截止日期（可空）
    pub closes_on: String,
    /// 议程
    pub agenda: String,
    /// 报名需主办方审核
    #[serde(deserialize_with = "de_flag")]
    pub needs_approval: bool,
    /// 主办部门 id（逗号分隔，可多个）
    pub lead_department_ids: String,
    /// 主办单位 id（已登记单位，逗号分隔）
    pub lead_org_ids: String,
    /// 协办部门 id（逗号分隔）
    pub co_department_ids: String,
    /// 协办单位 id（已登记单位，逗号分隔）
    pub co_org_ids: String,
}

/// The form's field names, for placing errors.
pub const EVENT_FIELDS: [&str; 19] = [
    "series_id",
    "alliance_id",
    "title",
    "kind",
    "venue",
    "starts_on",
    "ends_on",
    "start_time",
    "end_time",
    "capacity",
    "audience",
    "opens_on",
    "closes_on",
    "agenda",
    "needs_approval",
    "lead_department_ids",
    "lead_org_ids",
    "co_department_ids",
    "co_org_ids",
];

impl EventDraft {
    pub fn validate(&self) -> Checked<EventInput> {
        let mut e: FieldErrors = vec![];
        let title = required(&mut e, "title", "活动名称", &self.title, 200);
        let kind = EventKind::parse(&self.kind);
        if kind.is_none() {
            e.push((
                "kind",
                "请选择活动类型：竞赛、会议、展会、演出、路演、论坛或对接会".into(),
            ));
        }
        too_long(&mut e, "venue", "活动地点", self.venue.trim(), 200);
        too_long(&mut e, "audience", "面向对象", self.audience.trim(), 300);
        too_long(&mut e, "agenda", "议程", self.agenda.trim(), 20000);
        let starts_on = date(&mut e, "starts_on", "开始日期", &self.starts_on);
        let ends_on = if self.ends_on.trim().is_empty() {
            starts_on
        } else {
            date(&mut e, "ends_on", "结束日期", &self.ends_on)
        };
        let start_time = time(&mut e, "start_time", "开始时间", &self.start_time);
        let end_time = time(&mut e, "end_time", "结束时间", &self.end_time);
        let schedule = Schedule {
            starts_on,
            ends_on,
            start_time,
            end_time,
        };
        let dates_ok = !e
            .iter()
            .any(|(f, _)| matches!(*f, "starts_on" | "ends_on" | "start_time" | "end_time"));
        if dates_ok {
            if let Err(fe) = schedule.check() {
                e.push((fe.field, fe.message));
            }
        }
        let capacity = match self.capacity.trim() {
            "" => None,
            c => Some(int(&mut e, "capacity", "名额", c, 1, MAX_CAPACITY as i64) as u32),
        };
        let window = Window {
            opens_on: opt_date(&mut e, "opens_on", "报名开始日期", &self.opens_on),
            closes_on: opt_date(&mut e, "closes_on", "报名截止日期", &self.closes_on),
        };
        if dates_ok
            && !e
                .iter()
                .any(|(f, _)| matches!(*f, "opens_on" | "closes_on"))
        {
            if let Err(fe) = window.check(&schedule) {
                e.push((fe.field, fe.message));
            }
        }
        let mut organisers = vec![];
        for (list, role, dep) in [
            (&self.lead_department_ids, OrganiserRole::Lead, true),
            (&self.lead_org_ids, OrganiserRole::Lead, false),
            (&self.co_department_ids, OrganiserRole::Co, true),
            (&self.co_org_ids, OrganiserRole::Co, false),
        ] {
            for id in ids(list) {
                organisers.push(OrganiserInput {
                    role,
                    party: if dep {
                        OrganiserRef::Department(id)
                    } else {
                        OrganiserRef::Org(id)
                    },
                });
            }
        }
        if organisers.len() > 50 {
            e.push(("co_org_ids", "主办、协办单位合计不能超过50个".into()));
        }
        done(e, || EventInput {
            series_id: opt(&self.series_id),
            alliance_id: opt(&self.alliance_id),
            title,
            kind: kind.unwrap_or(EventKind::Conference),
            venue: self.venue.trim().into(),
            schedule,
            capacity,
            audience: self.audience.trim().into(),
            window,
            agenda: self.agenda.trim().into(),
            needs_approval: self.needs_approval,
            organisers,
        })
    }

    /// The draft of a stored event (organisers given separately).
    pub fn from_model(
        m: &event::Model,
        organisers: &[(String, Option<String>, Option<String>)],
    ) -> Self {
        let pick = |role: OrganiserRole, dep: bool| {
            organisers
                .iter()
                .filter(|(r, _, _)| r == role.as_str())
                .filter_map(|(_, d, o)| if dep { d.clone() } else { o.clone() })
                .collect::<Vec<_>>()
                .join(",")
        };
        let t = |t: Option<NaiveTime>| t.map(|t| t.format("%H:%M").to_string()).unwrap_or_default();
        let d = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        EventDraft {
            series_id: m.series_id.clone().unwrap_or_default(),
            alliance_id: m.alliance_id.clone().unwrap_or_default(),
            title: m.title.clone(),
            kind: m.kind.clone(),
            venue: m.venue.clone(),
            starts_on: m.starts_on.to_string(),
            ends_on: m.ends_on.to_string(),
            start_time: t(m.start_time),
            end_time: t(m.end_time),
            capacity: m.capacity.map(|c| c.to_string()).unwrap_or_default(),
            audience: m.audience.clone(),
            opens_on: d(m.opens_on),
            closes_on: d(m.closes_on),
            agenda: m.agenda.clone(),
            needs_approval: m.needs_approval,
            lead_department_ids: pick(OrganiserRole::Lead, true),
            lead_org_ids: pick(OrganiserRole::Lead, false),
            co_department_ids: pick(OrganiserRole::Co, true),
            co_org_ids: pick(OrganiserRole::Co, false),
        }
    }
}

/// A series (brand) as typed.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct SeriesDraft {
    /// 系列名称，如“两城汇”
    pub name: String,
    pub description: String,
}

impl SeriesDraft {
    pub fn validate(&self) -> Checked<kechuang_store::events::series::SeriesInput> {
        let mut e: FieldErrors = vec![];
        let name = required(&mut e, "name", "系列名称", &self.name, 100);
        too_long(
            &mut e,
            "description",
            "系列简介",
            self.description.trim(),
            20000,
        );
        done(e, || kechuang_store::events::series::SeriesInput {
            name,
            description: self.description.trim().into(),
        })
    }
}

/// A registration (or a walk-in) as typed: for a registered organisation
/// (`org_id`), or for an institution not yet registered (name and credit code).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RegistrationDraft {
    /// 已登记单位 id（与 institution_name、institution_uscc 二选一）
    pub org_id: String,
    /// 未登记单位名称
    pub institution_name: String,
    /// 未登记单位的统一社会信用代码
    pub institution_uscc: String,
    /// 所属领域：gov（政）/ industry（产）/ academia（学）/ research（研）/ finance（金）/ intermediary（介）；已登记单位可按单位类型自动确定
    pub sector: String,
    /// 参会人姓名
    pub person_name: String,
    /// 参会人手机
    pub phone: String,
}

pub const REGISTRATION_FIELDS: [&str; 6] = [
    "org_id",
    "institution_name",
    "institution_uscc",
    "sector",
    "person_name",
    "phone",
];

impl RegistrationDraft {
    pub fn validate(&self) -> Checked<RegistrationInput> {
        let mut e: FieldErrors = vec![];
        let person_name = required(&mut e, "person_name", "参会人姓名", &self.person_name, 50);
        let phone = required(&mut e, "phone", "参会人手机", &self.phone, 30);
        if !phone.is_empty()
            && !phone
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' '))
        {
            e.push(("phone", "手机号码只能包含数字、+ 和 -".into()));
        }
        let sector = match self.sector.trim() {
            "" => None,
            s => {
                let v = Sector::parse_any(s);
                if v.is_none() {
                    e.push((
                        "sector",
                        "所属领域请选择：政府部门、企业、高校、科研院所、金融机构或中介机构".into(),
                    ));
                }
                v
            }
        };
        let institution = match opt(&self.org_id) {
            Some(org_id) => Some(Institution::Registered { org_id }),
            None => {
                let name = required(
                    &mut e,
                    "institution_name",
                    "单位名称",
                    &self.institution_name,
                    200,
                );
                let code = self.institution_uscc.trim();
                let uscc = if code.is_empty() {
                    e.push((
                        "institution_uscc",
                        "请填写单位的统一社会信用代码，或选择已登记单位".into(),
                    ));
                    None
                } else {
                    match Uscc::parse(code) {
                        Ok(u) => Some(u),
                        Err(err) => {
                            e.push(("institution_uscc", err.to_string()));
                            None
                        }
                    }
                };
                if sector.is_none() && !e.iter().any(|(f, _)| *f == "sector") {
                    e.push(("sector", "未登记单位请选择所属领域（政产学研金介）".into()));
                }
                uscc.map(|uscc| Institution::Unregistered { name, uscc })
            }
        };
        done(e, || RegistrationInput {
            institution: institution.expect("checked"),
            sector,
            person_name,
            phone,
        })
    }
}

/// A ticket code typed or scanned at the door.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CheckinDraft {
    /// 票码（8位，扫码或手工输入，大小写、空格、连字符不限）
    pub code: String,
}

impl CheckinDraft {
    pub fn validate(&self) -> Checked<String> {
        match kechuang_domain::events::parse_ticket(&self.code) {
            Ok(c) => Ok(c),
            Err(err) => Err((ErrorCode::InvalidTicket, vec![("code", err.to_string())])),
        }
    }
}

/// A reason (cancelling an event or a registration, rejecting one).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReasonDraft {
    /// 记录的当前版本号
    pub version: i32,
    /// 原因
    pub reason: String,
}

impl ReasonDraft {
    /// The reason, required when `needed`.
    pub fn validate(&self, needed: bool) -> Checked<String> {
        let mut e: FieldErrors = vec![];
        let r = if needed {
            required(&mut e, "reason", "原因", &self.reason, 500)
        } else {
            too_long(&mut e, "reason", "原因", self.reason.trim(), 500);
            self.reason.trim().to_string()
        };
        done(e, || r)
    }
}

/// An outcome of an event as typed.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct OutcomeDraft {
    /// projects_signed（签约项目）/ cases_raised（收集诉求）/ leads_created（对接线索）/ other（其他成效），也可填中文
    pub kind: String,
    /// 数量
    pub count: String,
    /// 说明
    pub note: String,
}

impl OutcomeDraft {
    pub fn validate(&self) -> Checked<OutcomeInput> {
        let mut e: FieldErrors = vec![];
        let kind = OutcomeKind::parse(&self.kind);
        if kind.is_none() {
            e.push((
                "kind",
                "请选择成效类型：签约项目、收集诉求、对接线索或其他成效".into(),
            ));
        }
        let count = int(&mut e, "count", "数量", &self.count, 0, 1_000_000) as u32;
        too_long(&mut e, "note", "说明", self.note.trim(), 500);
        done(e, || OutcomeInput {
            kind: kind.unwrap_or(OutcomeKind::Other),
            count,
            note: self.note.trim().into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_draft_reports_every_field() {
        let d = EventDraft {
            kind: "茶话会".into(),
            starts_on: "2026-05-02".into(),
            ends_on: "2026-05-01".into(),
            capacity: "0".into(),
            title: "长".repeat(201),
            ..Default::default()
        };
        let (_, e) = d.validate().unwrap_err();
        let fields: Vec<&str> = e.iter().map(|(f, _)| *f).collect();
        for f in ["title", "kind", "ends_on", "capacity"] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
    }

    #[test]
    fn event_draft_all_day_single_day() {
        let d = EventDraft {
            title: "两城汇·路演".into(),
            kind: "路演".into(),
            starts_on: "2026年5月1日".into(),
            lead_department_ids: "d1, d2".into(),
            co_org_ids: "o1".into(),
            capacity: "100".into(),
            ..Default::default()
        };
        let i = d.validate().unwrap();
        assert_eq!(i.schedule.starts_on, i.schedule.ends_on);
        assert!(i.schedule.is_all_day());
        assert_eq!(i.kind, EventKind::Roadshow);
        assert_eq!(i.organisers.len(), 3);
        assert_eq!(i.capacity, Some(100));
    }

    #[test]
    fn registration_needs_a_valid_code_for_an_unregistered_institution() {
        let d = RegistrationDraft {
            institution_name: "某某科技".into(),
            institution_uscc: "91500106MA0000000X".into(),
            person_name: "张三".into(),
            phone: "13800000000".into(),
            ..Default::default()
        };
        let (_, e) = d.validate().unwrap_err();
        assert!(e.iter().any(|(f, _)| *f == "institution_uscc"));
        assert!(e.iter().any(|(f, _)| *f == "sector"));
        let ok = RegistrationDraft {
            org_id: "o1".into(),
            person_name: "张三".into(),
            phone: "138 0000 0000".into(),
            ..Default::default()
        };
        assert!(ok.validate().is_ok());
    }
}

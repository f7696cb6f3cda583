//! Drafts: Joint and monthly coordination meetings, their decisions as the annual key-item list (年度重点事项) with milestones, and agendas that pick up overdue or at-risk items.

use chrono::NaiveDate;
use kechuang_store::party::meetings::{KeyItemInput, MeetingInput, MeetingKind};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::forms::fields::{date, date_or_today, done, int, opt, required, Checked};
use crate::forms::{parse_date, too_long};

/// A meeting as typed.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct MeetingDraft {
    /// joint（联席会议）/ monthly（月度碰头会），也可填中文
    pub kind: String,
    pub title: String,
    /// 会议日期 YYYY-MM-DD
    pub held_on: String,
    pub place: String,
    /// 参会人员（单位、姓名）
    pub attendees: String,
    /// 会议纪要
    pub minutes: String,
}

impl MeetingDraft {
    pub fn validate(&self) -> Checked<MeetingInput> {
        let mut e = vec![];
        let kind = MeetingKind::parse(&self.kind);
        if kind.is_none() {
            e.push((
                "kind",
                format!("请选择会议类型：{}", MeetingKind::choices_zh()),
            ));
        }
        let title = required(&mut e, "title", "会议名称", &self.title, 200);
        let held_on = date(&mut e, "held_on", "会议日期", &self.held_on);
        too_long(&mut e, "place", "会议地点", self.place.trim(), 100);
        too_long(&mut e, "attendees", "参会人员", self.attendees.trim(), 5000);
        too_long(&mut e, "minutes", "会议纪要", self.minutes.trim(), 20000);
        done(e, || MeetingInput {
            kind: kind.unwrap_or(MeetingKind::Joint),
            title,
            held_on,
            place: self.place.trim().into(),
            attendees: self.attendees.trim().into(),
            minutes: self.minutes.trim().into(),
        })
    }

    pub fn from_model(m: &kechuang_store::entities::meeting::Model) -> Self {
        MeetingDraft {
            kind: m.kind.clone(),
            title: m.title.clone(),
            held_on: m.held_on.to_string(),
            place: m.place.clone(),
            attendees: m.attendees.clone(),
            minutes: m.minutes.clone(),
        }
    }
}

/// Milestones typed one per line as "标题 YYYY-MM-DD" (the date last).
pub fn parse_milestones(s: &str) -> Result<Vec<(String, NaiveDate)>, String> {
    let mut out = vec![];
    for (k, line) in s.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let bad = || {
            format!(
                "第{}行“{line}”请写成“标题 年-月-日”，如“选址完成 2026-06-30”",
                k + 1
            )
        };
        let (title, d) = line
            .rsplit_once(|c: char| c.is_whitespace())
            .ok_or_else(bad)?;
        let title = title.trim();
        let d = parse_date(d).ok_or_else(bad)?;
        if title.is_empty() {
            return Err(bad());
        }
        if title.chars().count() > 200 {
            return Err(format!("第{}行的节点标题不能超过200个字", k + 1));
        }
        out.push((title.to_string(), d));
    }
    Ok(out)
}

/// A key item as typed (also a meeting's decision put on the list).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct KeyItemDraft {
    /// 重点事项名称
    pub title: String,
    /// 会议决定（原文）
    pub decision: String,
    /// 责任人
    pub owner: String,
    /// 责任单位（部门 id）
    pub department_id: String,
    /// 完成时限 YYYY-MM-DD
    pub due_on: String,
    /// 清单年度，留空为来源会议的年度（无来源会议时为完成时限的年度）
    pub year: String,
    /// 节点安排，每行一个“标题 YYYY-MM-DD”（仅新建时有效）
    pub milestones: String,
    /// 来源会议 id（经 /meetings/{id}/key-items 新建时自动填写）
    pub meeting_id: String,
}

impl KeyItemDraft {
    pub fn validate(&self) -> Checked<KeyItemInput> {
        let mut e = vec![];
        let title = required(&mut e, "title", "重点事项名称", &self.title, 200);
        let owner = required(&mut e, "owner", "责任人", &self.owner, 100);
        too_long(&mut e, "decision", "会议决定", self.decision.trim(), 5000);
        let due_on = date(&mut e, "due_on", "完成时限", &self.due_on);
        let year = match self.year.trim() {
            "" => None,
            _ => Some(int(&mut e, "year", "清单年度", &self.year, 2000, 2100) as i32),
        };
        let milestones = parse_milestones(&self.milestones).unwrap_or_else(|m| {
            e.push(("milestones", m));
            vec![]
        });
        if !e.iter().any(|(f, _)| *f == "due_on") {
            if let Some((t, d)) = milestones.iter().find(|(_, d)| *d > due_on) {
                e.push((
                    "milestones",
                    format!("节点“{t}”的时间 {d} 晚于完成时限 {due_on}"),
                ));
            }
        }
        done(e, || KeyItemInput {
            year,
            title,
            owner,
            department_id: opt(&self.department_id),
            meeting_id: opt(&self.meeting_id),
            decision: self.decision.trim().into(),
            due_on,
            note: String::new(),
            milestones,
        })
    }
}

/// Progress reported on a key item the editor saw at `version`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ProgressDraft {
    /// 工作进度（0～100 的整数百分比）
    pub progress: String,
    /// 进展情况说明
    pub note: String,
    #[schema(required = true)]
    pub version: i32,
}

impl ProgressDraft {
    pub fn validate(&self) -> Checked<(i32, String)> {
        let mut e = vec![];
        let p = int(&mut e, "progress", "工作进度", &self.progress, 0, 100) as i32;
        too_long(&mut e, "note", "进展情况", self.note.trim(), 2000);
        done(e, || (p, self.note.trim().to_string()))
    }
}

/// A completion date (empty for today) on a record seen at `version`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DoneDraft {
    /// 完成日期，留空为今天；不能晚于今天
    pub on: String,
    #[schema(required = true)]
    pub version: i32,
}

impl DoneDraft {
    pub fn validate(&self) -> Checked<NaiveDate> {
        let mut e = vec![];
        let on = date_or_today(&mut e, "on", "完成日期", &self.on);
        done(e, || on)
    }
}

/// A milestone added to a key item.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct MilestoneDraft {
    pub title: String,
    /// 节点时间 YYYY-MM-DD
    pub due_on: String,
}

impl MilestoneDraft {
    pub fn validate(&self) -> Checked<(String, NaiveDate)> {
        let mut e = vec![];
        let title = required(&mut e, "title", "节点名称", &self.title, 200);
        let due = date(&mut e, "due_on", "节点时间", &self.due_on);
        done(e, || (title, due))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn milestones_are_lines_with_the_date_last() {
        assert_eq!(
            parse_milestones("完成方案论证 2026-03-31\n\n  签订合作协议 2026/6/30 \n"),
            Ok(vec![
                ("完成方案论证".to_string(), d(3, 31)),
                ("签订合作协议".to_string(), d(6, 30)),
            ])
        );
        let err = parse_milestones("完成方案论证 2026-03-31\n签订协议").unwrap_err();
        assert!(err.starts_with("第2行“签订协议”"), "{err}");
    }

    #[test]
    fn a_milestone_after_the_deadline_is_refused() {
        let k = KeyItemDraft {
            title: "建设中试平台".into(),
            owner: "张三".into(),
            due_on: "2026-06-30".into(),
            milestones: "完成验收 2026-07-15".into(),
            ..Default::default()
        };
        let (_, e) = k.validate().unwrap_err();
        assert_eq!(e[0].0, "milestones");
    }
}

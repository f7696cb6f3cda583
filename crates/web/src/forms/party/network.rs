//! Drafts: party organisations, members (with the recruitment ladder) and
//! cross-appointments.

use kechuang_domain::party::{Ladder, PartyOrgKind};
use kechuang_store::party::network::{AppointmentInput, MemberInput, PartyOrgInput};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::forms::fields::{done, int, opt, opt_date, required, Checked};
use crate::forms::too_long;

fn valid_phone(s: &str) -> bool {
    s.len() == 11 && s.starts_with('1') && s.chars().all(|c| c.is_ascii_digit())
}

fn valid_id_number(s: &str) -> bool {
    s.len() == 18
        && s[..17].chars().all(|c| c.is_ascii_digit())
        && s[17..].chars().all(|c| c.is_ascii_digit() || c == 'X')
}

/// A party organisation as typed.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PartyOrgDraft {
    /// 上级党组织 id（空为顶层）
    pub parent_id: String,
    pub name: String,
    /// joint_committee（联合党委）/ general_branch（党总支）/ branch（党支部）/ joint_branch（联合党支部）/ chain_committee（产业链党委）
    pub kind: String,
    /// 所在产业链 id（产业链党委必填）
    pub chain_id: String,
    /// 成立日期
    pub founded_on: String,
    /// 书记
    pub secretary: String,
    /// 活动阵地（党群服务中心等）
    pub venue: String,
    /// 同级排序号（整数，小者在前）；新建时留空排在同级最后，修改时留空不变
    pub sort_order: String,
}

impl PartyOrgDraft {
    pub fn validate(&self) -> Checked<PartyOrgInput> {
        let mut e = vec![];
        let name = required(&mut e, "name", "党组织名称", &self.name, 100);
        let kind = PartyOrgKind::parse(self.kind.trim());
        if kind.is_none() {
            e.push(("kind", "请选择组织类型".into()));
        }
        if kind == Some(PartyOrgKind::ChainCommittee) && self.chain_id.trim().is_empty() {
            e.push(("chain_id", "产业链党委须选择所在产业链".into()));
        }
        let founded_on = opt_date(&mut e, "founded_on", "成立日期", &self.founded_on);
        too_long(&mut e, "secretary", "书记", self.secretary.trim(), 50);
        too_long(&mut e, "venue", "活动阵地", self.venue.trim(), 100);
        let sort_order = match self.sort_order.trim() {
            "" => None,
            s => Some(int(&mut e, "sort_order", "排序号", s, -1_000_000, 1_000_000) as i32),
        };
        done(e, || PartyOrgInput {
            parent_id: opt(&self.parent_id),
            name,
            kind: kind.unwrap_or(PartyOrgKind::Branch),
            chain_id: opt(&self.chain_id),
            founded_on,
            secretary: self.secretary.trim().into(),
            venue: self.venue.trim().into(),
            sort_order,
        })
    }
}

/// A member (or someone on the way to membership) as typed.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct MemberDraft {
    pub party_org_id: String,
    pub name: String,
    /// 男 / 女
    pub gender: String,
    pub phone: String,
    /// 身份证号（18位）
    pub id_number: String,
    /// sci_tech（科技领域）/ other
    pub field: String,
    /// 职务或岗位
    pub post: String,
    /// 递交入党申请日期
    pub applied_on: String,
    /// 确定为入党积极分子日期
    pub activist_on: String,
    /// 确定为发展对象日期
    pub candidate_on: String,
    /// 接收为预备党员日期
    pub probationary_on: String,
    /// 转为正式党员日期
    pub full_on: String,
}

impl MemberDraft {
    pub fn validate(&self) -> Checked<MemberInput> {
        let mut e = vec![];
        if self.party_org_id.trim().is_empty() {
            e.push(("party_org_id", "请选择所在党组织".into()));
        }
        let name = required(&mut e, "name", "姓名", &self.name, 50);
        let phone = self.phone.trim().to_string();
        if !(phone.is_empty() || valid_phone(&phone)) {
            e.push(("phone", "手机号应为以1开头的11位数字".into()));
        }
        let id_number = self.id_number.trim().to_uppercase();
        if !(id_number.is_empty() || valid_id_number(&id_number)) {
            e.push(("id_number", "身份证号应为18位（末位可为X）".into()));
        }
        let field = match self.field.trim() {
            "" | "other" | "其他" => "other",
            "sci_tech" | "科技" | "科技领域" => "sci_tech",
            _ => {
                e.push(("field", "领域只能是 sci_tech（科技领域）或 other".into()));
                "other"
            }
        };
        let ladder = Ladder {
            applied_on: opt_date(&mut e, "applied_on", "申请日期", &self.applied_on),
            activist_on: opt_date(&mut e, "activist_on", "积极分子日期", &self.activist_on),
            candidate_on: opt_date(&mut e, "candidate_on", "发展对象日期", &self.candidate_on),
            probationary_on: opt_date(
                &mut e,
                "probationary_on",
                "预备党员日期",
                &self.probationary_on,
            ),
            full_on: opt_date(&mut e, "full_on", "正式党员日期", &self.full_on),
        };
        if e.is_empty() {
            if ladder.stage().is_none() {
                e.push(("applied_on", "请至少填写递交入党申请的日期".into()));
            } else if let Err(m) = ladder.check() {
                e.push(("applied_on", m));
            }
        }
        done(e, || MemberInput {
            party_org_id: self.party_org_id.trim().into(),
            name,
            gender: self.gender.trim().into(),
            phone,
            id_number,
            field: field.into(),
            post: self.post.trim().into(),
            ladder,
        })
    }
}

/// A cross-appointment (双向进入、交叉任职).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AppointmentDraft {
    pub party_org_id: String,
    pub person: String,
    /// 党内职务，如 党支部书记
    pub party_post: String,
    /// 行政（管理）职务，如 副总经理
    pub admin_post: String,
    /// 任职单位 id
    pub org_id: String,
    pub since: String,
}

impl AppointmentDraft {
    pub fn validate(&self) -> Checked<AppointmentInput> {
        let mut e = vec![];
        let person = required(&mut e, "person", "姓名", &self.person, 50);
        let party_post = required(&mut e, "party_post", "党内职务", &self.party_post, 50);
        let admin_post = required(
            &mut e,
            "admin_post",
            "行政（管理）职务",
            &self.admin_post,
            50,
        );
        let since = opt_date(&mut e, "since", "任职日期", &self.since);
        done(e, || AppointmentInput {
            party_org_id: self.party_org_id.trim().into(),
            person,
            party_post,
            admin_post,
            org_id: opt(&self.org_id),
            since,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_draft_checks_contact_data_and_the_ladder() {
        let d = MemberDraft {
            party_org_id: "p".into(),
            name: "张三".into(),
            phone: "13812345678".into(),
            id_number: "50010619900101123x".into(),
            field: "科技".into(),
            applied_on: "2025-01-10".into(),
            activist_on: "2025年4月10日".into(),
            ..Default::default()
        };
        let i = d.validate().unwrap();
        assert_eq!(i.id_number, "50010619900101123X");
        assert_eq!(i.field, "sci_tech");
        assert_eq!(
            i.ladder.stage(),
            Some(kechuang_domain::party::MemberStage::Activist)
        );
        let bad = MemberDraft {
            phone: "2381234".into(),
            id_number: "123".into(),
            ..d.clone()
        }
        .validate()
        .unwrap_err()
        .1;
        let fields: Vec<&str> = bad.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec!["phone", "id_number"]);
        let skipped = MemberDraft {
            activist_on: String::new(),
            candidate_on: "2026-01-01".into(),
            ..d
        }
        .validate()
        .unwrap_err()
        .1;
        assert!(skipped[0].1.contains("入党积极分子"));
    }
}

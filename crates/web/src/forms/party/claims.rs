//! Drafts: Major projects claimed by party talents (揭榜挂帅) and their original results (原创性成果).

use kechuang_store::party::claims::{ClaimInput, ClaimLevel, ClaimState, ResultInput, ResultKind};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::forms::fields::{date, done, int, opt, required, Checked};

/// The message of the level rule.
pub const LEVEL_RULE: &str = "揭榜项目须为市级及以上：请选择市级、省级或国家级";

/// A claimed project as typed.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ClaimDraft {
    /// 项目名称
    pub title: String,
    /// 项目级别：city（市级）/ province（省级）/ national（国家级），也可填中文；须为市级及以上
    pub level: String,
    /// 揭榜团队
    pub team: String,
    /// 项目负责人（挂帅人）
    pub leader: String,
    /// 参与人才数
    pub participants: String,
    /// 所属党组织 id（可空）
    pub party_org_id: String,
    /// 状态：claimed（已揭榜，默认）/ in_progress（攻关中）/ done（已完成）
    pub state: String,
    /// 揭榜日期 YYYY-MM-DD
    pub claimed_on: String,
}

impl ClaimDraft {
    pub fn validate(&self) -> Checked<ClaimInput> {
        let mut e = vec![];
        let title = required(&mut e, "title", "项目名称", &self.title, 200);
        let level = ClaimLevel::parse(&self.level);
        if level.is_none() {
            e.push(("level", LEVEL_RULE.into()));
        }
        let team = required(&mut e, "team", "揭榜团队", &self.team, 100);
        let leader = required(&mut e, "leader", "项目负责人", &self.leader, 50);
        let participants = int(
            &mut e,
            "participants",
            "参与人才数",
            &self.participants,
            1,
            10_000,
        ) as i32;
        let state = match self.state.trim() {
            "" => Some(ClaimState::Claimed),
            s => ClaimState::parse(s),
        };
        if state.is_none() {
            e.push(("state", "状态只能是已揭榜、攻关中或已完成".into()));
        }
        let claimed_on = date(&mut e, "claimed_on", "揭榜日期", &self.claimed_on);
        if claimed_on > kechuang_store::clock::today() {
            e.push(("claimed_on", "揭榜日期不能晚于今天".into()));
        }
        done(e, || ClaimInput {
            title,
            level: level.unwrap_or(ClaimLevel::City),
            team,
            leader,
            participants,
            party_org_id: opt(&self.party_org_id),
            state: state.unwrap_or(ClaimState::Claimed),
            claimed_on,
        })
    }

    pub fn from_model(m: &kechuang_store::entities::project_claim::Model) -> Self {
        ClaimDraft {
            title: m.title.clone(),
            level: m.level.clone(),
            team: m.team.clone(),
            leader: m.leader.clone(),
            participants: m.participants.to_string(),
            party_org_id: m.party_org_id.clone().unwrap_or_default(),
            state: m.state.clone(),
            claimed_on: m.claimed_on.to_string(),
        }
    }
}

/// An original result as typed.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ResultDraft {
    /// 成果名称
    pub title: String,
    /// 成果类型：software / product / technology / patent / standard / paper / other，也可填中文
    pub kind: String,
    /// 取得日期 YYYY-MM-DD（不早于揭榜日期，不晚于今天）
    pub achieved_on: String,
}

impl ResultDraft {
    pub fn validate(&self) -> Checked<ResultInput> {
        let mut e = vec![];
        let title = required(&mut e, "title", "成果名称", &self.title, 200);
        let kind = ResultKind::parse(&self.kind);
        if kind.is_none() {
            e.push((
                "kind",
                format!(
                    "请选择成果类型：{}",
                    ResultKind::ALL.map(|k| k.label_zh()).join("、")
                ),
            ));
        }
        let achieved_on = date(&mut e, "achieved_on", "取得日期", &self.achieved_on);
        done(e, || ResultInput {
            title,
            kind: kind.unwrap_or(ResultKind::Other),
            achieved_on,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_district_project_is_refused_by_level() {
        let d = ClaimDraft {
            title: "海域态势融合感知".into(),
            level: "区级".into(),
            team: "感知团队".into(),
            leader: "李工".into(),
            participants: "6".into(),
            claimed_on: "2025-03-01".into(),
            ..Default::default()
        };
        let (_, e) = d.validate().unwrap_err();
        assert_eq!(e, vec![("level", LEVEL_RULE.to_string())]);
        let ok = ClaimDraft {
            level: "省级".into(),
            ..d
        }
        .validate()
        .unwrap();
        assert_eq!(ok.level, ClaimLevel::Province);
        assert_eq!(ok.state, ClaimState::Claimed);
    }
}

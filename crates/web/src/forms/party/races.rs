//! Drafts: vanguard teams, races with their dimensions, scores, commendations.

use kechuang_domain::party::DimensionSource;
use kechuang_store::party::races::{DimensionInput, HonorInput, RaceInput, TeamInput};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::forms::fields::{date, done, opt, required, Checked};
use crate::forms::too_long;
use crate::forms::transfer::scaled;

/// A vanguard team (先锋队).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct TeamDraft {
    pub name: String,
    pub slogan: String,
    /// 所在部门 id：按其诉求办理情况计算“比效能”等维度
    pub department_id: String,
    pub leader: String,
}

impl TeamDraft {
    pub fn validate(&self) -> Checked<TeamInput> {
        let mut e = vec![];
        let name = required(&mut e, "name", "先锋队名称", &self.name, 100);
        too_long(&mut e, "slogan", "口号", self.slogan.trim(), 200);
        too_long(&mut e, "leader", "队长", self.leader.trim(), 50);
        done(e, || TeamInput {
            name,
            slogan: self.slogan.trim().into(),
            department_id: opt(&self.department_id),
            leader: self.leader.trim().into(),
        })
    }
}

/// A race (赛马比拼) with its dimensions.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RaceDraft {
    pub name: String,
    pub period_from: String,
    pub period_to: String,
    /// 上一期赛马 id（用于名次变化）
    pub previous_race_id: String,
    /// 维度，每行“名称:权重:来源”（名称不超过50字，权重为1～100的整数、按比例计，至少一个维度），，来源为代码 manual / on_time_rate / satisfaction_rate / cases_solved / commitments_fulfilled
    /// 或其中文名（评分（附佐证）、诉求按时办结率、诉求满意率、办结诉求数、承诺践诺率），
    /// 如 "比服务:30:诉求满意率"；留空用默认（比服务、比效能、比作风、做示范）
    pub dimensions: String,
    /// The page's dimension table, one (name, weight, source) per row; when
    /// given it replaces `dimensions` (rows left blank are skipped).
    #[serde(skip)]
    pub rows: Vec<(String, String, String)>,
}

/// The committee's usual four dimensions ("三比一做").
pub const DEFAULT_DIMENSIONS: &str = "比服务:30:satisfaction_rate\n比效能:30:on_time_rate\n比作风:20:commitments_fulfilled\n做示范:20:manual";

/// A source by its code or its Chinese name.
fn source_of(s: &str) -> Option<DimensionSource> {
    DimensionSource::parse(s)
        .or_else(|| DimensionSource::ALL.into_iter().find(|k| k.label_zh() == s))
}

/// The dimensions written one a line, "名称:权重:来源", as (name, weight, source).
pub fn dimension_lines(text: &str) -> Vec<(String, String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let mut parts = line.split([':', '：']).map(|p| p.trim().to_string());
            let name = parts.next().unwrap_or_default();
            let weight = parts.next().unwrap_or_default();
            // Anything after a third part stays in it, so it is refused as a source.
            let source = parts.collect::<Vec<_>>().join(":");
            (name, weight, source)
        })
        .collect()
}

impl RaceDraft {
    pub fn validate(&self) -> Checked<RaceInput> {
        let mut e = vec![];
        let name = required(&mut e, "name", "赛马名称", &self.name, 100);
        let from = date(&mut e, "period_from", "开始日期", &self.period_from);
        let to = date(&mut e, "period_to", "结束日期", &self.period_to);
        if e.is_empty() && to < from {
            e.push(("period_to", "结束日期不能早于开始日期".into()));
        }
        let rows: Vec<(String, String, String)> = if !self.rows.is_empty() {
            // A row without a name is not used (the form says so): clearing
            // the name is how a default dimension is taken out.
            self.rows
                .iter()
                .filter(|(n, _, _)| !n.trim().is_empty())
                .map(|(n, w, s)| (n.trim().into(), w.trim().into(), s.trim().into()))
                .collect()
        } else if self.dimensions.trim().is_empty() {
            dimension_lines(DEFAULT_DIMENSIONS)
        } else {
            dimension_lines(&self.dimensions)
        };
        let mut dims = vec![];
        let mut problems = vec![];
        for (k, (n, w, s)) in rows.iter().enumerate() {
            let which = if n.is_empty() {
                format!("第{}个维度", k + 1)
            } else {
                format!("维度“{n}”")
            };
            let weight = w.parse::<u32>().ok().filter(|w| (1..=100).contains(w));
            let source = source_of(s);
            if n.is_empty() {
                problems.push(format!("{which}请填写名称"));
            } else if n.chars().count() > 50 {
                problems.push(format!("{which}的名称不能超过50个字"));
            }
            if weight.is_none() {
                problems.push(format!("{which}的权重须为1～100的整数"));
            }
            if source.is_none() {
                let names: Vec<&str> = DimensionSource::ALL.iter().map(|k| k.label_zh()).collect();
                problems.push(format!("{which}的数据来源须为：{}", names.join("、")));
            }
            if let (Some(weight), Some(source)) = (weight, source) {
                dims.push(DimensionInput {
                    name: n.clone(),
                    weight,
                    source,
                });
            }
        }
        if rows.is_empty() {
            problems.push("请至少设一个比拼维度".into());
        }
        if !problems.is_empty() {
            e.push(("dimensions", problems.join("；")));
        }
        done(e, || RaceInput {
            name,
            period_from: from,
            period_to: to,
            previous_race_id: opt(&self.previous_race_id),
            dimensions: dims,
        })
    }
}

/// A manual score with its evidence.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ScoreEntryDraft {
    pub dimension_id: String,
    pub team_id: String,
    /// 得分 0～100，最多一位小数
    pub score: String,
    /// 评分依据（佐证）
    pub evidence: String,
}

impl ScoreEntryDraft {
    pub fn validate(&self) -> Checked<(String, String, u32, String)> {
        let mut e = vec![];
        let score = match scaled(&self.score, 1) {
            Some(v) if v <= 1000 => v as u32,
            _ => {
                e.push(("score", "得分请填写 0～100，最多一位小数".into()));
                0
            }
        };
        let evidence = required(&mut e, "evidence", "评分依据", &self.evidence, 2000);
        if self.dimension_id.trim().is_empty() || self.team_id.trim().is_empty() {
            e.push(("team_id", "请选择维度和先锋队".into()));
        }
        done(e, || {
            (
                self.dimension_id.trim().into(),
                self.team_id.trim().into(),
                score,
                evidence,
            )
        })
    }
}

/// A commendation (表彰).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct HonorDraft {
    /// person / team
    pub recipient_kind: String,
    pub recipient_name: String,
    pub team_id: String,
    pub member_id: String,
    pub title: String,
    /// 表彰级别，如 区级、市级
    pub level: String,
    pub awarded_on: String,
}

impl HonorDraft {
    pub fn validate(&self) -> Checked<HonorInput> {
        let mut e = vec![];
        let kind = match self.recipient_kind.trim() {
            "team" => "team",
            _ => "person",
        };
        let title = required(&mut e, "title", "表彰名称", &self.title, 200);
        let recipient_name = required(
            &mut e,
            "recipient_name",
            "受表彰对象",
            &self.recipient_name,
            100,
        );
        let awarded_on = date(&mut e, "awarded_on", "表彰日期", &self.awarded_on);
        done(e, || HonorInput {
            recipient_kind: kind.into(),
            recipient_name,
            team_id: opt(&self.team_id),
            member_id: opt(&self.member_id),
            title,
            level: self.level.trim().into(),
            awarded_on,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn race_draft_reads_dimension_lines() {
        let d = RaceDraft {
            name: "2026年上半年赛马比拼".into(),
            period_from: "2026-01-01".into(),
            period_to: "2026-06-30".into(),
            ..Default::default()
        };
        let i = d.validate().unwrap();
        assert_eq!(i.dimensions.len(), 4);
        assert_eq!(i.dimensions[1].source, DimensionSource::OnTimeRate);
        let bad = RaceDraft {
            dimensions: "比服务:0:manual".into(),
            ..d
        }
        .validate()
        .unwrap_err()
        .1;
        assert_eq!(bad[0].0, "dimensions");
    }
}

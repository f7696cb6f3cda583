//! Drafts: pledges, progress reports and the secretary's verdict.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::forms::fields::{date, date_or_today, done, int, required, Checked};
use kechuang_store::party::commitments::{PledgeInput, ReportInput};

/// A pledge (承诺).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PledgeDraft {
    /// 承诺人（党员 id）
    pub member_id: String,
    /// 承诺事项
    pub title: String,
    pub detail: String,
    /// 承诺日期，留空为今天
    pub pledged_on: String,
    /// 完成时限
    pub due_on: String,
}

impl PledgeDraft {
    pub fn validate(&self) -> Checked<PledgeInput> {
        let mut e = vec![];
        if self.member_id.trim().is_empty() {
            e.push(("member_id", "请选择承诺人".into()));
        }
        let title = required(&mut e, "title", "承诺事项", &self.title, 200);
        let pledged_on = date_or_today(&mut e, "pledged_on", "承诺日期", &self.pledged_on);
        let due_on = date(&mut e, "due_on", "完成时限", &self.due_on);
        if e.is_empty() && due_on < pledged_on {
            e.push(("due_on", "完成时限不能早于承诺日期".into()));
        }
        done(e, || PledgeInput {
            member_id: self.member_id.trim().into(),
            title,
            detail: self.detail.trim().into(),
            pledged_on,
            due_on,
        })
    }
}

/// A progress report with evidence.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReportDraft {
    /// 报告日期，留空为今天
    pub reported_on: String,
    pub progress: String,
    /// 佐证材料（说明、编号或链接）；报告完成时必填
    pub evidence: String,
    /// 完成进度 0～100；100 表示申请核实
    pub percent: String,
    #[schema(required = true)]
    pub version: i32,
}

impl ReportDraft {
    pub fn validate(&self) -> Checked<ReportInput> {
        let mut e = vec![];
        let reported_on = date_or_today(&mut e, "reported_on", "报告日期", &self.reported_on);
        let progress = required(&mut e, "progress", "践诺进展", &self.progress, 2000);
        let percent = int(&mut e, "percent", "完成进度", &self.percent, 0, 100) as u32;
        if percent >= 100 && self.evidence.trim().is_empty() {
            e.push(("evidence", "报告已完成时请附佐证材料说明".into()));
        }
        done(e, || ReportInput {
            reported_on,
            progress,
            evidence: self.evidence.trim().into(),
            percent,
        })
    }
}

/// The secretary's verdict.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct VerdictDraft {
    /// fulfilled（已践诺）/ unfulfilled（未兑现）
    pub verdict: String,
    /// 核实意见（认定未兑现时必填）
    pub comment: String,
    pub on: String,
    #[schema(required = true)]
    pub version: i32,
}

impl VerdictDraft {
    pub fn validate(&self) -> Checked<(bool, String, NaiveDate)> {
        let mut e = vec![];
        let fulfilled = match self.verdict.trim() {
            "fulfilled" => true,
            "unfulfilled" => false,
            _ => {
                e.push(("verdict", "请选择核实结论".into()));
                false
            }
        };
        if self.verdict.trim() == "unfulfilled" && self.comment.trim().is_empty() {
            e.push(("comment", "认定未兑现时请说明理由".into()));
        }
        let on = date_or_today(&mut e, "on", "核实日期", &self.on);
        done(e, || (fulfilled, self.comment.trim().to_string(), on))
    }
}

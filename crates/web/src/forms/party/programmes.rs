//! Drafts: a chain committee's programmes of joint actions and the actions.

use kechuang_store::party::programmes::{ActionInput, ActionKind, ProgrammeInput};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::forms::fields::{date, done, opt_date, required, Checked};
use crate::forms::too_long;

/// A programme as typed.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ProgrammeDraft {
    /// 产业链党委（党组织 id）
    pub committee_id: String,
    /// 计划名称，如 “链上红心”行动
    pub name: String,
    /// 开始日期
    pub starts_on: String,
    /// 结束日期（可空）
    pub ends_on: String,
    /// 目标与内容
    pub goal: String,
}

impl ProgrammeDraft {
    pub fn validate(&self) -> Checked<ProgrammeInput> {
        let mut e = vec![];
        if self.committee_id.trim().is_empty() {
            e.push(("committee_id", "请选择产业链党委".into()));
        }
        let name = required(&mut e, "name", "计划名称", &self.name, 200);
        let starts_on = date(&mut e, "starts_on", "开始日期", &self.starts_on);
        let ends_on = opt_date(&mut e, "ends_on", "结束日期", &self.ends_on);
        too_long(&mut e, "goal", "目标与内容", self.goal.trim(), 5000);
        done(e, || ProgrammeInput {
            committee_id: self.committee_id.trim().into(),
            name,
            starts_on,
            ends_on,
            goal: self.goal.trim().into(),
        })
    }

    pub fn from_model(m: &kechuang_store::entities::chain_programme::Model) -> Self {
        ProgrammeDraft {
            committee_id: m.committee_id.clone(),
            name: m.name.clone(),
            starts_on: m.starts_on.to_string(),
            ends_on: m.ends_on.map(|d| d.to_string()).unwrap_or_default(),
            goal: m.goal.clone(),
        }
    }
}

/// An action as typed.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ActionDraft {
    /// 行动名称
    pub title: String,
    /// co_build（共建）/ share（共享）/ red_heart（链上红心）/ up_downstream（上下游联建）
    pub kind: String,
    /// 日期
    pub held_on: String,
    /// 成效（可在行动后补记）
    pub results: String,
    /// 参与党组织 id，逗号分隔
    pub party_org_ids: String,
    /// 参与企业 id，逗号分隔
    pub org_ids: String,
}

fn ids(s: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for id in s
        .split([',', '，'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
    {
        if !out.iter().any(|o| o == id) {
            out.push(id.into());
        }
    }
    out
}

impl ActionDraft {
    pub fn validate(&self) -> Checked<ActionInput> {
        let mut e = vec![];
        let title = required(&mut e, "title", "行动名称", &self.title, 200);
        let kind = ActionKind::parse(&self.kind);
        if kind.is_none() {
            e.push((
                "kind",
                "请选择行动类型：共建、共享、链上红心或上下游联建".into(),
            ));
        }
        let held_on = date(&mut e, "held_on", "日期", &self.held_on);
        too_long(&mut e, "results", "成效", self.results.trim(), 5000);
        let (party_org_ids, org_ids) = (ids(&self.party_org_ids), ids(&self.org_ids));
        if party_org_ids.is_empty() && org_ids.is_empty() {
            e.push(("org_ids", "请至少选择一个参与的党组织或企业".into()));
        }
        if party_org_ids.len() > 200 || org_ids.len() > 200 {
            e.push(("org_ids", "一次行动的参与方不超过200个".into()));
        }
        done(e, || ActionInput {
            title,
            kind: kind.unwrap_or(ActionKind::CoBuild),
            held_on,
            results: self.results.trim().into(),
            party_org_ids,
            org_ids,
        })
    }
}

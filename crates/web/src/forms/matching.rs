//! Matchmaking drafts (技术撮合): an offer, a need, a lead, its stage, next
//! step, supervision and signing — shared by the pages, the API and the
//! Excel import.

use chrono::NaiveDate;
use kechuang_domain::matching::{CoopMode, CoopModes, LeadStage, OfferKind};
use kechuang_domain::money::Money;
use kechuang_store::matching::leads::{LeadInput, SignInput};
use kechuang_store::matching::needs::NeedInput;
use kechuang_store::matching::offers::OfferInput;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::fields::{done, opt, opt_date, required, Checked};
use super::{too_long, FieldErrors};

/// Money in yuan as typed ("12万" is not accepted: 120000 or 120,000.00); empty: none.
fn yuan(e: &mut FieldErrors, field: &'static str, label: &str, v: &str) -> Option<i64> {
    if v.trim().is_empty() {
        return None;
    }
    match Money::parse_yuan(v) {
        Ok(m) if m.fen() >= 0 => Some(m.fen()),
        Ok(_) => {
            e.push((field, format!("{label}不能为负数")));
            None
        }
        Err(err) => {
            e.push((field, format!("{label}：{err}（单位：元，如 500000）")));
            None
        }
    }
}

/// A TRL (1–9) as typed; empty: none.
fn trl(e: &mut FieldErrors, field: &'static str, label: &str, v: &str) -> Option<i32> {
    let t = v.trim();
    if t.is_empty() {
        return None;
    }
    match t.parse::<i32>() {
        Ok(x) if (1..=9).contains(&x) => Some(x),
        _ => {
            e.push((field, format!("{label}请填写 1～9 的整数")));
            None
        }
    }
}

fn modes(e: &mut FieldErrors, v: &str) -> CoopModes {
    match CoopModes::parse_list(v) {
        Ok(m) => m,
        Err(err) => {
            e.push(("modes", err));
            CoopModes::EMPTY
        }
    }
}

fn keywords(e: &mut FieldErrors, v: &str) -> Vec<String> {
    too_long(e, "keywords", "关键词", v.trim(), 300);
    kechuang_domain::matching::split_keywords(v)
}

/// The fields an offer and a need share.
fn texts(
    e: &mut FieldErrors,
    title: &str,
    description: &str,
    field: &str,
    region: &str,
) -> (String, String) {
    let t = required(e, "title", "标题", title, 200);
    too_long(e, "description", "描述", description.trim(), 20_000);
    too_long(e, "field", "技术领域", field.trim(), 100);
    too_long(e, "region", "所在地区", region.trim(), 100);
    (t, description.trim().to_string())
}

fn contact(e: &mut FieldErrors, name: &str, phone: &str) {
    too_long(e, "contact_name", "联系人", name.trim(), 50);
    too_long(e, "contact_phone", "联系电话", phone.trim(), 30);
}

/// An offer (技术供给) as typed.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct OfferDraft {
    /// result（科技成果）/ patent（专利）/ equipment（仪器设备）/ facility（平台设施）/ expert（专家服务），也可填中文
    pub kind: String,
    pub title: String,
    pub description: String,
    /// 关键词，用顿号、逗号或空格分隔
    pub keywords: String,
    /// 技术领域
    pub field: String,
    /// 产业链 id（可空，填了链节点时取其所属链）
    pub chain_id: String,
    /// 产业链节点 id（可空）
    pub chain_node_id: String,
    /// 技术成熟度 TRL（1～9，可空）
    pub trl: String,
    /// 合作方式：transfer（转让）/ license（许可）/ joint_development（合作开发）/ equity（作价入股）/ service（技术服务），逗号分隔，也可填中文
    pub modes: String,
    /// 价格下限（元，空为面议）
    pub price_min: String,
    /// 价格上限（元）
    pub price_max: String,
    /// 所在地区
    pub region: String,
    /// 持有单位 id（单位账号只能填本单位，可留空）
    pub holder_org_id: String,
    /// 关联的成果转化项目 id（可空）
    pub transfer_project_id: String,
    pub contact_name: String,
    pub contact_phone: String,
}

impl OfferDraft {
    /// `own_org`: the caller's organisation, taken when none is given.
    pub fn validate(&self, own_org: Option<&str>) -> Checked<OfferInput> {
        let mut e: FieldErrors = vec![];
        let kind = OfferKind::parse(&self.kind);
        if kind.is_none() {
            e.push((
                "kind",
                "请选择供给类型：科技成果、专利、仪器设备、平台设施或专家服务".into(),
            ));
        }
        let (title, description) = texts(
            &mut e,
            &self.title,
            &self.description,
            &self.field,
            &self.region,
        );
        let keywords = keywords(&mut e, &self.keywords);
        let trl = trl(&mut e, "trl", "技术成熟度（TRL）", &self.trl);
        let modes = modes(&mut e, &self.modes);
        let price_min = yuan(&mut e, "price_min", "价格下限", &self.price_min);
        let price_max = yuan(&mut e, "price_max", "价格上限", &self.price_max);
        if let (Some(a), Some(b)) = (price_min, price_max) {
            if a > b {
                e.push(("price_max", "价格上限不能低于下限".into()));
            }
        }
        contact(&mut e, &self.contact_name, &self.contact_phone);
        let holder = opt(&self.holder_org_id).or_else(|| own_org.map(str::to_string));
        if holder.is_none() {
            e.push(("holder_org_id", "请选择持有单位".into()));
        }
        done(e, || OfferInput {
            kind: kind.unwrap_or(OfferKind::Result),
            title,
            description,
            keywords,
            field: self.field.trim().into(),
            chain_id: opt(&self.chain_id),
            chain_node_id: opt(&self.chain_node_id),
            trl,
            modes,
            price_min_fen: price_min,
            price_max_fen: price_max,
            region: self.region.trim().into(),
            holder_org_id: holder.unwrap_or_default(),
            transfer_project_id: opt(&self.transfer_project_id),
            contact_name: self.contact_name.trim().into(),
            contact_phone: self.contact_phone.trim().into(),
        })
    }
}

/// A need (技术需求) as typed.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct NeedDraft {
    pub title: String,
    /// 需要解决的问题
    pub description: String,
    pub keywords: String,
    pub field: String,
    pub chain_id: String,
    pub chain_node_id: String,
    /// 可承接的技术成熟度下限（1～9）
    pub trl_min: String,
    /// 上限（1～9）
    pub trl_max: String,
    /// 期望合作方式，逗号分隔
    pub modes: String,
    /// 预算（元，可空）
    pub budget: String,
    /// 截止日期 YYYY-MM-DD（到期自动关闭，可空）
    pub deadline: String,
    pub region: String,
    /// 需求单位 id（企业账号只能填本单位，可留空）
    pub org_id: String,
    /// 公开单位名称（不公开时仅经纪人可见，线索进入“需求确认”后对供给方可见）
    #[serde(deserialize_with = "super::de_flag")]
    pub name_public: bool,
    pub contact_name: String,
    pub contact_phone: String,
}

impl NeedDraft {
    pub fn validate(&self, own_org: Option<&str>) -> Checked<NeedInput> {
        let mut e: FieldErrors = vec![];
        let (title, description) = texts(
            &mut e,
            &self.title,
            &self.description,
            &self.field,
            &self.region,
        );
        let keywords = keywords(&mut e, &self.keywords);
        let trl_min = trl(&mut e, "trl_min", "技术成熟度下限", &self.trl_min);
        let trl_max = trl(&mut e, "trl_max", "技术成熟度上限", &self.trl_max);
        if let (Some(a), Some(b)) = (trl_min, trl_max) {
            if a > b {
                e.push(("trl_max", "技术成熟度上限不能低于下限".into()));
            }
        }
        let modes = modes(&mut e, &self.modes);
        let budget = yuan(&mut e, "budget", "预算", &self.budget);
        let deadline = opt_date(&mut e, "deadline", "截止日期", &self.deadline);
        contact(&mut e, &self.contact_name, &self.contact_phone);
        let org = opt(&self.org_id).or_else(|| own_org.map(str::to_string));
        if org.is_none() {
            e.push(("org_id", "请选择需求单位".into()));
        }
        done(e, || NeedInput {
            title,
            description,
            keywords,
            field: self.field.trim().into(),
            chain_id: opt(&self.chain_id),
            chain_node_id: opt(&self.chain_node_id),
            trl_min,
            trl_max,
            modes,
            budget_fen: budget,
            deadline,
            region: self.region.trim().into(),
            org_id: org.unwrap_or_default(),
            name_public: self.name_public,
            contact_name: self.contact_name.trim().into(),
            contact_phone: self.contact_phone.trim().into(),
        })
    }
}

/// A reviewer's or owner's move of a listing (submit, publish, return,
/// withdraw, close), with its version and, for returning and withdrawing, a reason.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ListingMoveDraft {
    pub version: i32,
    /// 退回、撤回、关闭的原因
    pub reason: String,
}

impl ListingMoveDraft {
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

/// A new lead: a need and an offer worked by a broker.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct LeadDraft {
    pub need_id: String,
    pub offer_id: String,
    /// 负责的经纪人账号 id（空为本人）
    pub broker_user_id: String,
    /// 下一步工作
    pub next_step: String,
    /// 下一步截止日期 YYYY-MM-DD
    pub next_due_on: String,
}

impl LeadDraft {
    pub fn validate(&self) -> Checked<LeadInput> {
        let mut e: FieldErrors = vec![];
        let need = required(&mut e, "need_id", "技术需求", &self.need_id, 36);
        let offer = required(&mut e, "offer_id", "技术供给", &self.offer_id, 36);
        too_long(
            &mut e,
            "next_step",
            "下一步工作",
            self.next_step.trim(),
            300,
        );
        let due = opt_date(&mut e, "next_due_on", "下一步截止日期", &self.next_due_on);
        done(e, || LeadInput {
            need_id: need,
            offer_id: offer,
            broker_user_id: opt(&self.broker_user_id),
            next_step: self.next_step.trim().into(),
            next_due_on: due,
        })
    }
}

/// Moving a lead to a stage (关闭 needs its reason).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct StageDraft {
    pub version: i32,
    /// confirmed（需求确认）/ negotiating（方案洽谈）/ closed（关闭），也可填中文；签约请用签约接口
    pub stage: String,
    /// 关闭原因
    pub reason: String,
}

impl StageDraft {
    pub fn validate(&self) -> Checked<(LeadStage, String)> {
        let mut e: FieldErrors = vec![];
        let stage = LeadStage::parse(&self.stage);
        if stage.is_none() {
            e.push(("stage", "请选择阶段：需求确认、方案洽谈或关闭".into()));
        }
        too_long(&mut e, "reason", "原因", self.reason.trim(), 500);
        done(e, || {
            (
                stage.unwrap_or(LeadStage::Closed),
                self.reason.trim().to_string(),
            )
        })
    }
}

/// A lead's next step.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct NextStepDraft {
    pub version: i32,
    pub next_step: String,
    /// YYYY-MM-DD
    pub next_due_on: String,
}

impl NextStepDraft {
    pub fn validate(&self) -> Checked<(String, Option<NaiveDate>)> {
        let mut e: FieldErrors = vec![];
        let step = required(&mut e, "next_step", "下一步工作", &self.next_step, 300);
        let due = opt_date(&mut e, "next_due_on", "下一步截止日期", &self.next_due_on);
        done(e, || (step, due))
    }
}

/// A supervision note on a lead (督办).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct SuperviseDraft {
    pub version: i32,
    pub note: String,
}

impl SuperviseDraft {
    pub fn validate(&self) -> Checked<String> {
        let mut e: FieldErrors = vec![];
        let n = required(&mut e, "note", "督办意见", &self.note, 500);
        done(e, || n)
    }
}

/// Signing a lead: the cooperation project, and the contract it links.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct SignDraft {
    pub version: i32,
    /// 签约日期 YYYY-MM-DD（空为今天）
    pub signed_on: String,
    /// 合同金额（元；空为关联技术合同的金额）
    pub amount: String,
    /// 关联已登记的技术合同 id（可空）
    pub contract_id: String,
    /// 合作项目名称（空为需求标题）
    pub title: String,
    /// 合作方式
    pub mode: String,
    pub note: String,
}

impl SignDraft {
    pub fn validate(&self) -> Checked<SignInput> {
        let mut e: FieldErrors = vec![];
        let signed_on =
            super::fields::date_or_today(&mut e, "signed_on", "签约日期", &self.signed_on);
        let amount = yuan(&mut e, "amount", "合同金额", &self.amount);
        too_long(&mut e, "title", "合作项目名称", self.title.trim(), 200);
        too_long(&mut e, "note", "备注", self.note.trim(), 500);
        let mode = if self.mode.trim().is_empty() {
            None
        } else {
            let m = CoopMode::parse(&self.mode);
            if m.is_none() {
                e.push(("mode", "请选择合作方式".into()));
            }
            m
        };
        if amount.is_none() && self.contract_id.trim().is_empty() {
            e.push(("amount", "请填写合同金额，或关联已登记的技术合同".into()));
        }
        done(e, || SignInput {
            signed_on,
            amount_fen: amount,
            contract_id: opt(&self.contract_id),
            title: opt(&self.title),
            mode,
            note: self.note.trim().into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offer_reports_every_bad_field_at_once() {
        let d = OfferDraft {
            kind: "专利".into(),
            title: " ".into(),
            trl: "12".into(),
            modes: "转让,赠送".into(),
            price_min: "50万".into(),
            ..Default::default()
        };
        let (_, fields) = d.validate(None).unwrap_err();
        let names: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
        for f in ["title", "trl", "modes", "price_min", "holder_org_id"] {
            assert!(names.contains(&f), "{f} in {names:?}");
        }
    }

    #[test]
    fn a_need_takes_the_callers_organisation_and_yuan_become_fen() {
        let d = NeedDraft {
            title: "固态电池界面阻抗".into(),
            budget: "1,200,000.50".into(),
            trl_min: "4".into(),
            trl_max: "7".into(),
            modes: "合作开发, license".into(),
            ..Default::default()
        };
        let n = d.validate(Some("org-1")).unwrap();
        assert_eq!(n.org_id, "org-1");
        assert_eq!(n.budget_fen, Some(120_000_050));
        assert!(
            n.modes.contains(CoopMode::JointDevelopment) && n.modes.contains(CoopMode::License)
        );
        let bad = NeedDraft {
            trl_min: "7".into(),
            trl_max: "4".into(),
            ..d
        };
        assert!(bad.validate(Some("org-1")).is_err());
    }
}

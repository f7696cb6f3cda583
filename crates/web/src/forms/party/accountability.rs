//! Drafts: supervision orders (督办) and accountability interviews (约谈) naming a person.

use kechuang_store::party::accountability::{AccountKind, AccountabilityInput};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::forms::fields::{date, done, opt, opt_date, required, Checked};
use crate::forms::too_long;

/// A supervision order or an interview as typed.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AccountabilityDraft {
    /// 服务人员 id（首席服务官、党建助手或党建指导员）
    pub staff_id: String,
    /// supervision（督办）/ interview（约谈）
    pub kind: String,
    /// 涉及的诉求编号（可空）
    pub case_number: String,
    /// 督办或约谈日期，如 2026-11-20
    pub held_on: String,
    /// 事由
    pub reason: String,
    /// 结果（约谈表态、督办要求）
    pub outcome: String,
    /// 整改跟踪
    pub follow_up: String,
    /// 整改完成日期（空：整改中）
    pub closed_on: String,
}

impl AccountabilityDraft {
    pub fn validate(&self) -> Checked<AccountabilityInput> {
        let mut e = vec![];
        if self.staff_id.trim().is_empty() {
            e.push(("staff_id", "请选择督办或约谈的服务人员".into()));
        }
        let kind = AccountKind::parse(&self.kind);
        if kind.is_none() {
            e.push(("kind", "请选择类型：督办或约谈".into()));
        }
        let held_on = date(&mut e, "held_on", "日期", &self.held_on);
        let reason = required(&mut e, "reason", "事由", &self.reason, 2000);
        too_long(&mut e, "outcome", "结果", self.outcome.trim(), 5000);
        too_long(&mut e, "follow_up", "整改跟踪", self.follow_up.trim(), 5000);
        too_long(
            &mut e,
            "case_number",
            "诉求编号",
            self.case_number.trim(),
            40,
        );
        let closed_on = opt_date(&mut e, "closed_on", "整改完成日期", &self.closed_on);
        done(e, || AccountabilityInput {
            staff_id: self.staff_id.trim().into(),
            kind: kind.unwrap_or(AccountKind::Interview),
            case_number: opt(&self.case_number),
            held_on,
            reason,
            outcome: self.outcome.trim().into(),
            follow_up: self.follow_up.trim().into(),
            closed_on,
        })
    }

    pub fn from_model(
        m: &kechuang_store::entities::accountability::Model,
        case_number: &str,
    ) -> Self {
        AccountabilityDraft {
            staff_id: m.staff_id.clone(),
            kind: m.kind.clone(),
            case_number: case_number.into(),
            held_on: m.held_on.to_string(),
            reason: m.reason.clone(),
            outcome: m.outcome.clone(),
            follow_up: m.follow_up.clone(),
            closed_on: m.closed_on.map(|d| d.to_string()).unwrap_or_default(),
        }
    }
}

//! Drafts of the service staff (服务队伍): staff members, assignments to
//! organisations, work logs, turning a log into a case, and the report
//! period. Shared by the pages and the JSON API.

use chrono::NaiveDate;
use kechuang_domain::ErrorCode;
use kechuang_store::party::staff::{
    AssignmentInput, ConvertInput, LogInput, LogKind, StaffInput, StaffRole,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::forms::fields::{date, done, opt, opt_date, required, Checked};
use crate::forms::too_long;

/// A member of the service staff as typed.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct StaffDraft {
    /// 姓名
    pub name: String,
    /// 身份：instructor（党建指导员）/ service_agent（红色代办员）/ talent_specialist（人才服务专员）/ broker（科创经纪人）/ tech_manager（技术经理人）/ investment_manager（投资经理人）/ professional_manager（职业经理人）/ incubator_manager（孵化器管理人）/ service_officer（首席服务官）/ assistant（党建助手）
    pub staff_role: String,
    /// 关联的用户账号 id（该账号即可以本人身份记录工作）
    pub user_id: String,
    pub phone: String,
    /// 所属部门 id
    pub department_id: String,
    /// 所属党组织 id
    pub party_org_id: String,
    /// 党建助手所服务的首席服务官（服务人员 id），党建助手必填
    pub assistant_of: String,
}

impl StaffDraft {
    /// Every field at once; the code is `assistant_needs_officer` when an
    /// assistant names no officer.
    pub fn validate(&self) -> Checked<StaffInput> {
        let mut e = vec![];
        let name = required(&mut e, "name", "姓名", &self.name, 50);
        let role = StaffRole::parse(&self.staff_role);
        if role.is_none() {
            e.push(("staff_role", "请选择身份".into()));
        }
        let phone = crate::forms::fields::phone(&mut e, "phone", &self.phone);
        let assistant_of = opt(&self.assistant_of);
        if role == Some(StaffRole::Assistant) && assistant_of.is_none() {
            e.push(("assistant_of", "党建助手须选择其服务的首席服务官".into()));
        }
        if !e.is_empty() {
            let code = if e.iter().any(|(f, _)| *f == "assistant_of") {
                ErrorCode::AssistantNeedsOfficer
            } else {
                ErrorCode::InvalidInput
            };
            return Err((code, e));
        }
        let role = role.unwrap_or(StaffRole::Instructor);
        Ok(StaffInput {
            name,
            staff_role: role,
            user_id: opt(&self.user_id),
            phone,
            department_id: opt(&self.department_id),
            party_org_id: opt(&self.party_org_id),
            assistant_of: if role == StaffRole::Assistant {
                assistant_of
            } else {
                None
            },
        })
    }

    pub fn from_model(m: &kechuang_store::entities::service_staff::Model) -> Self {
        StaffDraft {
            name: m.name.clone(),
            staff_role: m.staff_role.clone(),
            user_id: m.user_id.clone().unwrap_or_default(),
            phone: m.phone.clone(),
            department_id: m.department_id.clone().unwrap_or_default(),
            party_org_id: m.party_org_id.clone().unwrap_or_default(),
            assistant_of: m.assistant_of.clone().unwrap_or_default(),
        }
    }
}

/// An assignment to an organisation.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AssignmentDraft {
    /// 联系单位 id
    pub org_id: String,
    /// 开始日期 YYYY-MM-DD
    pub from_on: String,
    /// 结束日期（留空为长期）
    pub to_on: String,
}

impl AssignmentDraft {
    pub fn validate(&self) -> Checked<AssignmentInput> {
        let mut e = vec![];
        if self.org_id.trim().is_empty() {
            e.push(("org_id", "请选择联系单位".into()));
        }
        let from_on = date(&mut e, "from_on", "开始日期", &self.from_on);
        let to_on = opt_date(&mut e, "to_on", "结束日期", &self.to_on);
        if let Some(t) = to_on {
            if !e.iter().any(|(f, _)| *f == "from_on") && t < from_on {
                e.push(("to_on", "结束日期不能早于开始日期".into()));
            }
        }
        done(e, || AssignmentInput {
            org_id: self.org_id.trim().into(),
            from_on,
            to_on,
        })
    }
}

/// Ending an assignment.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct EndDraft {
    /// 结束日期（最后一天），留空为今天
    pub to_on: String,
    /// 联系关系的当前版本号
    #[schema(required = true)]
    pub version: i32,
}

impl EndDraft {
    pub fn validate(&self) -> Checked<NaiveDate> {
        if self.to_on.trim().is_empty() {
            return Ok(kechuang_store::clock::today());
        }
        let mut e = vec![];
        let on = date(&mut e, "to_on", "结束日期", &self.to_on);
        done(e, || on)
    }
}

/// A work log (走访、服务、协助).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct LogDraft {
    /// 服务人员 id（党建指导员、首席服务官本人记录时可留空，即本人）
    pub staff_id: String,
    /// 单位 id
    pub org_id: String,
    /// 工作日期 YYYY-MM-DD（留空为今天）
    pub logged_on: String,
    /// visit（走访）/ service（服务）/ assist（协助）
    pub kind: String,
    /// 工作内容
    pub content: String,
    /// 发现的问题（可转为诉求）
    pub problems: String,
}

impl LogDraft {
    /// `staff_id` is the one to log for, resolved by the caller when the draft leaves it empty.
    pub fn validate(&self, staff_id: &str) -> Checked<LogInput> {
        let mut e = vec![];
        if staff_id.trim().is_empty() {
            e.push(("staff_id", "请选择服务人员".into()));
        }
        let logged_on = if self.logged_on.trim().is_empty() {
            kechuang_store::clock::today()
        } else {
            date(&mut e, "logged_on", "工作日期", &self.logged_on)
        };
        if logged_on > kechuang_store::clock::today() {
            e.push(("logged_on", "工作日期不能晚于今天".into()));
        }
        let kind = LogKind::parse(&self.kind);
        if kind.is_none() {
            e.push(("kind", "请选择类型：走访、服务或协助".into()));
        }
        let content = required(&mut e, "content", "工作内容", &self.content, 5000);
        too_long(&mut e, "problems", "发现的问题", self.problems.trim(), 5000);
        done(e, || LogInput {
            staff_id: staff_id.trim().into(),
            org_id: opt(&self.org_id),
            logged_on,
            kind: kind.unwrap_or(LogKind::Visit),
            content,
            problems: self.problems.trim().into(),
        })
    }
}

/// Turning a log into a case (转为诉求).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct WorkLogCaseDraft {
    /// 工作记录的当前版本号
    #[schema(required = true)]
    pub version: i32,
    /// 诉求分类 id（留空为“其他”）
    pub category_id: String,
    /// 诉求标题（留空取发现问题的第一句）
    pub title: String,
}

impl WorkLogCaseDraft {
    pub fn validate(&self) -> Checked<ConvertInput> {
        let mut e = vec![];
        too_long(&mut e, "title", "诉求标题", self.title.trim(), 200);
        done(e, || ConvertInput {
            category_id: opt(&self.category_id),
            title: opt(&self.title),
        })
    }
}

/// A report period; empty is the current quarter.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PeriodDraft {
    pub from: String,
    pub to: String,
}

impl PeriodDraft {
    pub fn validate(&self) -> Checked<(NaiveDate, NaiveDate)> {
        let (qf, qt) = kechuang_store::party::staff::quarter_of(kechuang_store::clock::today());
        let mut e = vec![];
        let from = opt_date(&mut e, "from", "开始日期", &self.from).unwrap_or(qf);
        let to = opt_date(&mut e, "to", "结束日期", &self.to).unwrap_or(qt);
        if e.is_empty() && to < from {
            e.push(("to", "结束日期不能早于开始日期".into()));
        }
        done(e, || (from, to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_assistant_must_name_its_officer() {
        let d = StaffDraft {
            name: "李助手".into(),
            staff_role: "assistant".into(),
            ..Default::default()
        };
        let (code, fields) = d.validate().unwrap_err();
        assert_eq!(code, ErrorCode::AssistantNeedsOfficer);
        assert_eq!(fields[0].0, "assistant_of");
        let ok = StaffDraft {
            name: "王指导员".into(),
            staff_role: "党建指导员".into(),
            assistant_of: "x".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(ok.staff_role, StaffRole::Instructor);
        assert_eq!(ok.assistant_of, None, "only assistants have an officer");
    }

    #[test]
    fn assignment_periods_run_forwards() {
        let d = AssignmentDraft {
            org_id: "o".into(),
            from_on: "2026-05-01".into(),
            to_on: "2026-04-30".into(),
        };
        assert_eq!(d.validate().unwrap_err().1[0].0, "to_on");
    }
}

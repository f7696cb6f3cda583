//! Intake: a case as submitted ([`CaseDraft`]) and its validation into the
//! store's input ([`validate_draft`]).

use chrono::{DateTime, Utc};
use kechuang_domain::cases::Channel;
use kechuang_domain::ErrorCode;
use kechuang_store::cases::CaseInput;
use kechuang_store::{Principal, Scope};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult};

/// A case as submitted.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CaseDraft {
    pub title: String,
    pub description: String,
    pub category_id: String,
    /// 提出诉求的单位（企业用户可省略，默认本单位）
    pub org_id: String,
    /// 所属产业链（用于匹配产业专班）
    pub chain_id: String,
    /// portal, visit, hotline, meeting, instructor, open311（企业用户固定为 portal）
    pub channel: String,
    /// 实际受理时间（RFC 3339），缺省为当前时间；不能晚于当前时间
    pub received_at: Option<DateTime<Utc>>,
    pub contact_name: String,
    pub contact_phone: String,
}

/// Validate a draft for a principal; enterprise users submit for their own
/// organisation through the portal.
pub fn validate_draft(p: &Principal, d: CaseDraft) -> ApiResult<CaseInput> {
    let mut e: Vec<(&'static str, String)> = vec![];
    let title = d.title.trim().to_string();
    if title.is_empty() || title.chars().count() > 200 {
        e.push(("title", "请填写诉求标题（不超过200字）".into()));
    }
    let description = d.description.trim().to_string();
    if description.chars().count() > 10_000 {
        e.push(("description", "诉求内容不能超过10000字".into()));
    }
    let (org_id, channel) = match &p.scope {
        Scope::Org(Some(own)) => (own.clone(), Channel::Portal),
        _ => {
            let ch = match d.channel.trim() {
                "" => Channel::Visit,
                c => match Channel::parse(c) {
                    // A talent's request goes through the talent service,
                    // which dispatches it to every item's department.
                    Some(Channel::Talent) => {
                        e.push(("channel", "人才服务申请请在“人才服务”中提交".into()));
                        Channel::Visit
                    }
                    Some(ch) => ch,
                    None => {
                        e.push(("channel", "请选择来源渠道".into()));
                        Channel::Visit
                    }
                },
            };
            (d.org_id.trim().to_string(), ch)
        }
    };
    if org_id.is_empty() {
        e.push(("org_id", "请选择提出诉求的单位".into()));
    }
    if d.category_id.trim().is_empty() {
        e.push(("category_id", "请选择诉求分类".into()));
    }
    let received_at = d.received_at.unwrap_or_else(Utc::now);
    if received_at > Utc::now() + chrono::Duration::minutes(5) {
        e.push(("received_at", "受理时间不能晚于当前时间".into()));
    }
    crate::forms::fields::phone(&mut e, "contact_phone", &d.contact_phone);
    if d.contact_name.trim().chars().count() > 50 {
        e.push(("contact_name", "联系人不能超过50个字".into()));
    }
    if !e.is_empty() {
        let code = if e.iter().any(|(f, _)| *f == "received_at") {
            ErrorCode::ReceivedInFuture
        } else {
            ErrorCode::InvalidInput
        };
        return Err(ApiError::invalid(code, &e));
    }
    Ok(CaseInput {
        title,
        description,
        category_id: d.category_id.trim().into(),
        org_id,
        chain_id: Some(d.chain_id.trim().to_string()).filter(|x| !x.is_empty()),
        channel,
        received_at,
        contact_name: d.contact_name.trim().into(),
        contact_phone: d.contact_phone.trim().into(),
        location: Default::default(),
    })
}

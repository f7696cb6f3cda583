//! Drafts: threads between a party-building assistant and an instructor, and their posts.

use kechuang_store::party::threads::ThreadInput;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::forms::fields::{done, opt, required, Checked};

/// A new thread with its first post.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ThreadDraft {
    /// 党建助手（服务人员 id）；党建助手本人发起时可空
    pub assistant_id: String,
    /// 党建指导员（服务人员 id）；党建指导员本人发起时可空
    pub instructor_id: String,
    /// 涉及的企业 id（可空）
    pub org_id: String,
    /// 涉及的工作记录 id（可空）
    pub work_log_id: String,
    /// 主题
    pub subject: String,
    /// 第一条留言
    pub body: String,
}

impl ThreadDraft {
    /// `own` is the caller's staff id and role code: an assistant's or an
    /// instructor's own side is filled in for them.
    pub fn validate(&self, own: Option<(&str, &str)>) -> Checked<ThreadInput> {
        let mut e = vec![];
        let side = |typed: &str, role: &str| {
            opt(typed).or_else(|| {
                own.filter(|(_, r)| *r == role)
                    .map(|(id, _)| id.to_string())
            })
        };
        let assistant_id = side(&self.assistant_id, "assistant");
        let instructor_id = side(&self.instructor_id, "instructor");
        if assistant_id.is_none() {
            e.push(("assistant_id", "请选择党建助手".into()));
        }
        if instructor_id.is_none() {
            e.push(("instructor_id", "请选择党建指导员".into()));
        }
        let subject = required(&mut e, "subject", "主题", &self.subject, 200);
        let body = required(&mut e, "body", "留言", &self.body, 5000);
        done(e, || ThreadInput {
            assistant_id: assistant_id.unwrap_or_default(),
            instructor_id: instructor_id.unwrap_or_default(),
            org_id: opt(&self.org_id),
            work_log_id: opt(&self.work_log_id),
            subject,
            body,
        })
    }
}

/// An answer in a thread.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PostDraft {
    /// 留言
    pub body: String,
}

impl PostDraft {
    pub fn validate(&self) -> Checked<String> {
        let mut e = vec![];
        let body = required(&mut e, "body", "留言", &self.body, 5000);
        done(e, || body)
    }
}

//! The language of the pages a talent sees (人才服务 in Chinese and
//! English). Staff pages are Chinese; a talent's pages follow the language
//! the talent chose (kept on its talent record), else the browser's
//! `Accept-Language`. Texts sit beside their Chinese in the templates
//! (`page.t("中文", "English")`); this room holds the choice and the few
//! shared words (navigation, statuses).

use kechuang_domain::cases::{CaseStatus, TaskStatus};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim() {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The first language of an `Accept-Language` header that is Chinese
    /// or English (by quality, then order); `None` when neither is asked.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut tags: Vec<(f32, usize, Lang)> = vec![];
        for (i, part) in header.split(',').enumerate() {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q=").map(str::to_string))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = if tag == "en" || tag.starts_with("en-") {
                Lang::En
            } else if tag == "zh" || tag.starts_with("zh-") {
                Lang::Zh
            } else {
                continue;
            };
            if q > 0.0 {
                tags.push((q, i, lang));
            }
        }
        tags.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        tags.first().map(|t| t.2)
    }

    /// The language of a talent: its choice, else the browser's, else Chinese.
    pub fn of(chosen: &str, accept_language: Option<&str>) -> Lang {
        Lang::parse(chosen)
            .or_else(|| accept_language.and_then(Lang::from_accept_language))
            .unwrap_or_default()
    }

    pub fn pick(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// The English of a navigation label or section title a talent sees (the
/// Chinese when there is none).
pub fn nav_en(zh: &str) -> Option<&'static str> {
    Some(match zh {
        "工作台" => "Workspace",
        "首页" => "Home",
        "站内消息" => "Messages",
        "人才服务" => "Talent services",
        "我的人才服务" => "My talent services",
        "个人中心" => "Account",
        "API 令牌" => "API tokens",
        "修改密码" => "Change password",
        "API 文档" => "API documentation",
        "服务联动" => "Events & alliances",
        "活动日历" => "Event calendar",
        "我的报名" => "My registrations",
        "联盟协会" => "Alliances",
        "技术撮合" => "Matchmaking",
        "撮合总览" => "Overview",
        "技术需求" => "Technology needs",
        "技术供给" => "Technology offers",
        "撮合线索" => "Leads",
        "合作项目" => "Cooperation projects",
        "基础数据" => "Registers",
        "产业链" => "Industrial chains",
        "工作日历" => "Work calendar",
        _ => return None,
    })
}

/// A day: "2026年12月5日", or "2026-12-05".
pub fn day(lang: Lang, d: chrono::NaiveDate) -> String {
    match lang {
        Lang::Zh => crate::format::fmt_date(d),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    }
}

/// The day of a moment in Beijing time.
pub fn date(lang: Lang, t: chrono::DateTime<chrono::Utc>) -> String {
    day(lang, t.with_timezone(&crate::format::cst()).date_naive())
}

/// A moment in Beijing time: "2026年12月5日 14:05", or "2026-12-05 14:05".
pub fn datetime(lang: Lang, t: chrono::DateTime<chrono::Utc>) -> String {
    match lang {
        Lang::Zh => crate::format::fmt_time(t),
        Lang::En => t
            .with_timezone(&crate::format::cst())
            .format("%Y-%m-%d %H:%M")
            .to_string(),
    }
}

/// A message to a talent in its language: the engine's note of a reply
/// ("诉求 KC-… 已答复"); other messages as written.
pub fn message(lang: Lang, title: &str, body: &str) -> (String, String) {
    if lang == Lang::En {
        if let Some(number) = title
            .strip_prefix("诉求 ")
            .and_then(|t| t.strip_suffix(" 已答复"))
        {
            return (
                format!("Reply to your request {number}"),
                "Please read the reply and rate it".into(),
            );
        }
    }
    (title.to_string(), body.to_string())
}

/// A case's status as the talent reads it.
pub fn case_status(lang: Lang, code: &str) -> String {
    let Some(s) = CaseStatus::parse(code) else {
        return code.to_string();
    };
    match lang {
        Lang::Zh => s.label_zh().to_string(),
        Lang::En => match s {
            CaseStatus::Submitted => "Received",
            CaseStatus::Dispatched => "In progress",
            CaseStatus::Suspended => "On hold",
            CaseStatus::Replied => "Replied — please rate",
            CaseStatus::Closed => "Closed",
            CaseStatus::Declined => "Not accepted",
            CaseStatus::Merged => "Merged",
        }
        .to_string(),
    }
}

/// A department task's status as the talent reads it.
pub fn task_status(lang: Lang, code: &str) -> String {
    let Some(s) = TaskStatus::parse(code) else {
        return code.to_string();
    };
    match lang {
        Lang::Zh => s.label_zh().to_string(),
        Lang::En => match s {
            TaskStatus::Pending => "Waiting",
            TaskStatus::Accepted => "Handling",
            TaskStatus::Done => "Done",
            TaskStatus::Returned => "Returned",
            TaskStatus::Cancelled => "Cancelled",
        }
        .to_string(),
    }
}

/// A step of the request's progress as the talent reads it.
pub fn event_kind(lang: Lang, kind: &str) -> &'static str {
    match (lang, kind) {
        (Lang::Zh, "intake") => "已受理",
        (Lang::Zh, "dispatch") => "已分送各部门",
        (Lang::Zh, "accept") => "部门已签收",
        (Lang::Zh, "complete") => "部门已办结",
        (Lang::Zh, "suspend") => "暂停计时",
        (Lang::Zh, "resume") => "恢复办理",
        (Lang::Zh, "reply") => "已答复",
        (Lang::Zh, "rate") => "已评价",
        (Lang::Zh, "reopen") => "重新办理",
        (Lang::Zh, "decline") => "不予受理",
        (Lang::En, "intake") => "Received",
        (Lang::En, "dispatch") => "Sent to the departments",
        (Lang::En, "accept") => "Taken up by a department",
        (Lang::En, "complete") => "Done by a department",
        (Lang::En, "suspend") => "On hold",
        (Lang::En, "resume") => "Resumed",
        (Lang::En, "reply") => "Replied",
        (Lang::En, "rate") => "Rated",
        (Lang::En, "reopen") => "Reopened",
        (Lang::En, "decline") => "Not accepted",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_chinese_or_english_by_quality() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,zh;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Some(Lang::Zh)
        );
        assert_eq!(
            Lang::from_accept_language("de-DE,en;q=0.5,zh;q=0.7"),
            Some(Lang::Zh)
        );
        assert_eq!(Lang::from_accept_language("fr"), None);
        assert_eq!(Lang::from_accept_language("en;q=0"), None);
        assert_eq!(Lang::of("zh", Some("en")), Lang::Zh, "the choice wins");
        assert_eq!(Lang::of("", Some("en-GB")), Lang::En);
        assert_eq!(Lang::of("", None), Lang::Zh);
    }

    #[test]
    fn the_reply_note_reads_in_english() {
        assert_eq!(
            message(Lang::En, "诉求 KC-2026-000123 已答复", "请查看答复并评价").0,
            "Reply to your request KC-2026-000123"
        );
        assert_eq!(
            message(Lang::Zh, "诉求 KC-1 已答复", "x").0,
            "诉求 KC-1 已答复"
        );
        assert_eq!(message(Lang::En, "其他", "y").1, "y");
    }

    #[test]
    fn every_status_and_step_has_english() {
        for s in CaseStatus::ALL {
            assert!(!case_status(Lang::En, s.as_str())
                .chars()
                .any(|c| c > '\u{2e7f}'));
        }
        for k in [
            "intake", "dispatch", "accept", "complete", "suspend", "resume", "reply", "rate",
            "reopen", "decline",
        ] {
            assert!(!event_kind(Lang::En, k).is_empty() && !event_kind(Lang::Zh, k).is_empty());
        }
    }
}

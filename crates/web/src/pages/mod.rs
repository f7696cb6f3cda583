//! Server-rendered Chinese pages (askama + htmx). A handler returns the list
//! fragment for an htmx request and the whole page otherwise.

pub mod account;
pub mod actions;
pub mod admin;
pub mod alliances;
pub mod calendar;
pub mod cases;
pub mod chains;
pub mod cockpit;
pub mod departments;
pub mod dictionary;
pub mod error;
pub mod events;
pub mod firm;
pub mod home;
pub mod matching;
pub mod messages;
pub mod orgs;
pub mod party;
pub mod policies;
pub mod talent;
pub mod transfer;

use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use kechuang_domain::auth::Permission;
use kechuang_store::{Page, Principal};

use crate::error::ApiError;
use crate::AppState;

pub use error::{PageError, PageResult};

pub struct PageCtx {
    pub title: String,
    pub user_display: String,
    pub role_label: String,
    pub csrf: String,
    pub nav: Vec<NavSection>,
    pub breadcrumbs: Vec<Crumb>,
    pub flash: Option<Flash>,
    pub v: String,
    /// The page is in English (a talent's page; see `crate::i18n`).
    pub en: bool,
    /// A year whose holidays are missing while this page's time limits may
    /// reach into it ([`calendar_gap`]): a warning above the content.
    pub calendar_gap: Option<i32>,
}
pub struct NavSection {
    pub title: String,
    pub items: Vec<NavItem>,
}
pub struct NavItem {
    pub label: String,
    pub href: String,
    pub icon: String,
    pub active: bool,
}
pub struct Crumb {
    pub label: String,
    pub href: String,
}
pub struct Flash {
    pub kind: String,
    pub message: String,
}

/// (label, href, icon, permission needed)
type NavEntry = (&'static str, &'static str, &'static str, Option<Permission>);

/// Side navigation: areas that exist, items the role may open.
fn nav(p: &Principal, active: &str) -> Vec<NavSection> {
    let sections: [(&str, Vec<NavEntry>); 10] = [
        (
            "工作台",
            vec![
                ("首页", "/", "house", None),
                (
                    "领导驾驶舱",
                    "/cockpit",
                    "speedometer2",
                    Some(Permission::CockpitRead),
                ),
                ("站内消息", "/messages", "bell", None),
            ],
        ),
        (
            "诉求办理",
            vec![
                (
                    "办理工作台",
                    "/cases/workbench",
                    "kanban",
                    Some(Permission::CasesRead),
                ),
                (
                    "诉求列表",
                    "/cases",
                    "chat-square-text",
                    Some(Permission::CasesRead),
                ),
                (
                    "新建诉求",
                    "/cases/new",
                    "plus-square",
                    Some(Permission::CasesCreate),
                ),
                (
                    "诉求统计",
                    "/cases/statistics",
                    "bar-chart",
                    Some(Permission::CasesRead),
                ),
                (
                    "督办看板",
                    "/cases/board",
                    "clipboard-pulse",
                    Some(Permission::CasesSupervise),
                ),
                (
                    "诉求分类与路由",
                    "/cases/categories",
                    "signpost-split",
                    Some(Permission::CasesAdmin),
                ),
            ],
        ),
        (
            "党建引领",
            vec![
                (
                    "党组织网络",
                    "/party",
                    "diagram-3-fill",
                    Some(Permission::PartyRead),
                ),
                (
                    "党员与发展对象",
                    "/party/members",
                    "person-badge",
                    Some(Permission::PartyRead),
                ),
                (
                    "服务队伍",
                    "/party/staff",
                    "person-workspace",
                    Some(Permission::PartyRead),
                ),
                (
                    "党建工作会议",
                    "/party/meetings",
                    "journal-check",
                    Some(Permission::PartyRead),
                ),
                (
                    "人员督办约谈",
                    "/party/accountability",
                    "person-exclamation",
                    Some(Permission::PartyRead),
                ),
                (
                    "工作沟通",
                    "/party/threads",
                    "chat-left-dots",
                    Some(Permission::PartyRead),
                ),
                (
                    "党员责任区",
                    "/party/zones",
                    "geo-alt",
                    Some(Permission::PartyRead),
                ),
                (
                    "承诺践诺",
                    "/party/commitments",
                    "patch-check",
                    Some(Permission::PartyRead),
                ),
                (
                    "先锋队与赛马比拼",
                    "/party/races",
                    "trophy",
                    Some(Permission::PartyRead),
                ),
                (
                    "揭榜项目",
                    "/party/claims",
                    "flag",
                    Some(Permission::PartyRead),
                ),
                (
                    "链上行动计划",
                    "/party/programmes",
                    "link-45deg",
                    Some(Permission::PartyRead),
                ),
            ],
        ),
        (
            "成果转化",
            vec![
                (
                    "我的融资",
                    "/firm/funding",
                    "cash-coin",
                    Some(Permission::FundingApply),
                ),
                (
                    "成果转化总览",
                    "/transfer",
                    "speedometer2",
                    Some(Permission::TransferRead),
                ),
                (
                    "转化项目",
                    "/transfer/projects",
                    "diagram-2",
                    Some(Permission::TransferRead),
                ),
                (
                    "先投后股",
                    "/transfer/grant-equity",
                    "piggy-bank",
                    Some(Permission::TransferRead),
                ),
                (
                    "先投后股申请",
                    "/transfer/grant-equity-applications",
                    "inbox",
                    Some(Permission::TransferRead),
                ),
                (
                    "科企梯度贷",
                    "/transfer/loans",
                    "bank",
                    Some(Permission::TransferRead),
                ),
                (
                    "技术合同登记",
                    "/transfer/contracts",
                    "file-earmark-text",
                    Some(Permission::TransferRead),
                ),
            ],
        ),
        (
            "技术撮合",
            vec![
                (
                    "撮合总览",
                    "/matching",
                    "intersect",
                    Some(Permission::MatchingRead),
                ),
                (
                    "技术需求",
                    "/matching/needs",
                    "search",
                    Some(Permission::MatchingRead),
                ),
                (
                    "技术供给",
                    "/matching/offers",
                    "lightbulb",
                    Some(Permission::MatchingRead),
                ),
                (
                    "撮合线索",
                    "/matching/leads",
                    "arrow-left-right",
                    Some(Permission::MatchingRead),
                ),
                (
                    "合作项目",
                    "/matching/projects",
                    "briefcase",
                    Some(Permission::MatchingRead),
                ),
                (
                    "匹配词库",
                    "/matching/terms",
                    "book",
                    Some(Permission::MatchingReview),
                ),
            ],
        ),
        (
            "人才服务",
            vec![
                (
                    "我的人才服务",
                    "/talent",
                    "person-vcard",
                    Some(Permission::TalentRequest),
                ),
                (
                    "人才服务申请",
                    "/talent/requests",
                    "inboxes",
                    Some(Permission::TalentRead),
                ),
                (
                    "人才名册",
                    "/talent/talents",
                    "people",
                    Some(Permission::TalentRead),
                ),
                (
                    "服务目录",
                    "/talent/catalogue",
                    "journal-bookmark",
                    Some(Permission::TalentRead),
                ),
                (
                    "人才服务统计",
                    "/talent/figures",
                    "bar-chart-line",
                    Some(Permission::TalentRead),
                ),
            ],
        ),
        (
            "服务联动",
            vec![
                (
                    "活动日历",
                    "/events",
                    "calendar-event",
                    Some(Permission::EventsRead),
                ),
                (
                    "我的报名",
                    "/events/mine",
                    "ticket-perforated",
                    Some(Permission::EventsRegister),
                ),
                (
                    "报名签到",
                    "/events/registrations",
                    "qr-code-scan",
                    Some(Permission::EventsWrite),
                ),
                (
                    "活动成效",
                    "/events/reach",
                    "bar-chart",
                    Some(Permission::EventsRead),
                ),
                (
                    "联盟协会",
                    "/alliances",
                    "people-fill",
                    Some(Permission::AlliancesRead),
                ),
                (
                    "政策",
                    "/policies",
                    "file-earmark-text",
                    Some(Permission::PoliciesRead),
                ),
            ],
        ),
        (
            "基础数据",
            vec![
                ("单位名录", "/orgs", "buildings", Some(Permission::OrgsRead)),
                (
                    "部门架构",
                    "/departments",
                    "diagram-3",
                    Some(Permission::DepartmentsRead),
                ),
                (
                    "产业链",
                    "/chains",
                    "link-45deg",
                    Some(Permission::ChainsRead),
                ),
                ("数据字典", "/dictionary", "journal-code", None),
            ],
        ),
        (
            "系统管理",
            vec![
                (
                    "工作日历",
                    "/calendar",
                    "calendar3",
                    Some(Permission::CalendarRead),
                ),
                (
                    "用户账号",
                    "/admin/users",
                    "people",
                    Some(Permission::UsersAdmin),
                ),
                (
                    "审计日志",
                    "/admin/audit",
                    "shield-check",
                    Some(Permission::AuditRead),
                ),
                (
                    "群机器人推送",
                    "/admin/webhooks",
                    "robot",
                    Some(Permission::CasesAdmin),
                ),
            ],
        ),
        (
            "个人中心",
            vec![
                ("我的账号", "/account", "person-vcard", None),
                ("API 令牌", "/account/tokens", "key", None),
                ("修改密码", "/account/password", "shield-lock", None),
                ("API 文档", "/api/docs", "code-square", None),
            ],
        ),
    ];
    sections
        .into_iter()
        .map(|(title, items)| NavSection {
            title: title.into(),
            items: items
                .into_iter()
                .filter(|(_, _, _, perm)| perm.is_none_or(|x| p.can(x)))
                // A role whose home is its workbench (a talent: its
                // services) has no separate 首页.
                .filter(|(_, href, _, _)| {
                    !(*href == "/"
                        && matches!(home::home_of(p), home::Home::Workbench | home::Home::Talent))
                })
                // A firm's own funding is for a firm's own account.
                .filter(|(_, href, _, _)| *href != "/firm/funding" || p.org_id.is_some())
                // A talent's own services are for talents, not for staff.
                .filter(|(_, href, _, _)| {
                    *href != "/talent" || crate::service::talent::as_talent(p)
                })
                // Committee-internal figures, and the code lists staff fill
                // imports with, are not for an enterprise or a talent.
                .filter(|(_, href, _, _)| {
                    !((*href == "/cases/statistics" || *href == "/dictionary")
                        && matches!(
                            p.scope,
                            kechuang_store::Scope::Org(_) | kechuang_store::Scope::User(_)
                        ))
                })
                .map(|(label, href, icon, _)| NavItem {
                    label: label.into(),
                    href: href.into(),
                    icon: icon.into(),
                    active: href == active,
                })
                .collect(),
        })
        .filter(|s| !s.items.is_empty())
        .collect()
}

impl PageCtx {
    /// A date as the pages write it: 2026年3月1日.
    pub fn date(&self, d: &chrono::NaiveDate) -> String {
        crate::format::fmt_date(*d)
    }

    /// Context of a signed-in page. `crumbs` are (label, href) after 首页;
    /// `active` is the nav href to highlight.
    pub fn new(
        state: &AppState,
        p: &Principal,
        title: &str,
        active: &str,
        crumbs: &[(&str, &str)],
    ) -> Self {
        PageCtx {
            title: title.into(),
            user_display: p.display_name.clone(),
            role_label: p.role.label_zh().into(),
            csrf: p.csrf.clone(),
            nav: nav(p, active),
            breadcrumbs: crumbs
                .iter()
                .map(|(l, h)| Crumb {
                    label: (*l).into(),
                    href: (*h).into(),
                })
                .collect(),
            flash: None,
            v: state.asset_v.to_string(),
            en: false,
            calendar_gap: None,
        }
    }
    /// The page in `lang`: for English, the layout's own words and the
    /// navigation in English too.
    pub fn lang(mut self, lang: crate::i18n::Lang) -> Self {
        if lang == crate::i18n::Lang::En {
            self.en = true;
            for s in &mut self.nav {
                if let Some(t) = crate::i18n::nav_en(&s.title) {
                    s.title = t.into();
                }
                for i in &mut s.items {
                    if let Some(t) = crate::i18n::nav_en(&i.label) {
                        i.label = t.into();
                    }
                }
            }
            if self.role_label == "人才" {
                self.role_label = "Talent".into();
            }
        }
        self
    }
    /// `zh` or `en`, as the page's language is.
    pub fn t(&self, zh: &'static str, en: &'static str) -> &'static str {
        if self.en {
            en
        } else {
            zh
        }
    }
    /// Context for pages shown without a signed-in user.
    pub fn anonymous(state: &AppState, title: &str) -> Self {
        PageCtx {
            title: title.into(),
            user_display: String::new(),
            role_label: String::new(),
            csrf: String::new(),
            nav: vec![],
            breadcrumbs: vec![],
            flash: None,
            v: state.asset_v.to_string(),
            en: false,
            calendar_gap: None,
        }
    }
    pub fn flash(mut self, kind: &str, message: impl Into<String>) -> Self {
        self.flash = Some(Flash {
            kind: kind.into(),
            message: message.into(),
        });
        self
    }
    /// A one-off message named by `?flash=` after a redirect.
    /// Warn on this page that the year `gap` has no holidays (see [`calendar_gap`]).
    pub fn calendar_gap(mut self, gap: Option<i32>) -> Self {
        self.calendar_gap = gap;
        self
    }

    pub fn flash_code(self, code: Option<&str>) -> Self {
        let msg = match code {
            Some("created") => "已创建",
            Some("created_files_missing") => {
                "诉求已提交，但有附件未能保存，请在下方“附件”中重新上传"
            }
            Some("saved") => "已保存",
            Some("deleted") => "已删除",
            Some("posted") => "留言已发送",
            Some("imported") => "导入完成",
            Some("password_changed") => "密码已修改，请妥善保管",
            Some("password_reset") => "密码已重置，该账号需用新密码重新登录",
            Some("case_dispatched") => "已分办，各部门已收到任务",
            Some("case_declined") => "已不予受理，企业可看到原因",
            Some("case_merged") => "已合并到目标诉求",
            Some("case_suspended") => "已挂起，计时暂停",
            Some("case_resumed") => "已恢复办理，办结期限已顺延",
            Some("case_replied") => "已答复企业，等待评价",
            Some("case_rated") => "评价已提交",
            Some("case_supervised") => "已发起督办",
            Some("case_followed_up") => "回访已记录",
            Some("task_accepted") => "已签收",
            Some("task_completed") => "本部门任务已办结",
            Some("task_returned") => "任务已退回",
            Some("attached") => "附件已上传",
            Some("category_created") => "分类已新增，受理诉求时即可选用",
            Some("review_opened") => "已发起阶段评审，请录入专家评分",
            Some("scored") => "评分已录入，评审得分已更新",
            Some("decided") => "阶段决策已生效",
            Some("firm_founded") => "孵化企业已注册到单位名录",
            Some("graduated") => "孵化企业已毕业",
            Some("disbursed") => "已拨付/放款",
            Some("converted") => "已按融资价格转股",
            Some("exited") => "已退出，回流资金进入资金池",
            Some("repaid") => "还款已登记",
            Some("frozen") => "已报送，本期数字已冻结",
            Some("unfrozen") => "已撤销报送，本期数字重新由记录即时计算",
            Some("loan_applied") => "申请已提交，资金业务部门审批后会发消息通知您",
            Some("equity_applied") => {
                "申请已提交，可在下方补充材料；资金业务部门审批后会发消息通知您"
            }
            Some("compensated") => "风险池代偿已登记",
            Some("log_to_case") => "问题已转为诉求，进入受理流程",
            Some("published") => "已发布，活动出现在日历和订阅中",
            Some("policy_published") => "已发布，适用的单位可以看到并申请",
            Some("policy_stopped") => "已停止，单位不再看到该政策",
            Some("cancelled") => "已取消，已通知报名人",
            Some("checked_in") => "已现场登记并签到",
            Some("listing_submitted") => "已提交审核，审核通过后发布",
            Some("listing_published") => "已发布，参与匹配并对各方可见",
            Some("listing_returned") => "已退回，发布方可看到原因",
            Some("listing_withdrawn") => "已撤回",
            Some("listing_closed") => "已关闭",
            Some("lead_created") => "撮合线索已建立",
            Some("lead_moved") => "线索已推进到下一阶段",
            Some("lead_closed") => "线索已关闭",
            Some("lead_supervised") => "已督办，已通知负责的经纪人",
            Some("signed") => "已签约，合作项目已登记",
            _ => return self,
        };
        self.flash("success", msg)
    }
}

/// Render a template as HTML (500 page if rendering fails).
pub fn render<T: Template>(t: &T) -> Response {
    render_status(StatusCode::OK, t)
}

pub fn render_status<T: Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => ApiError::internal(e).into_response(),
    }
}

pub fn is_htmx(h: &HeaderMap) -> bool {
    h.contains_key("hx-request") && !h.contains_key("hx-boosted")
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub page: PageCtx,
    pub status: u16,
    pub heading: String,
    pub message: String,
}

/// A friendly error page for an error met while serving a page. Page
/// handlers answer a [`PageError`] instead; [`error::render_errors`] calls this.
pub fn error_page(state: &AppState, p: Option<&Principal>, e: ApiError) -> Response {
    let heading = match e.status.as_u16() {
        403 => "无权访问",
        404 => "页面或记录不存在",
        409 => "数据冲突",
        422 | 400 => "请求有误",
        429 => "操作过于频繁",
        _ => "服务暂时不可用",
    };
    let page = match p {
        Some(p) => PageCtx::new(state, p, heading, "", &[(heading, "")]),
        None => PageCtx::anonymous(state, heading),
    };
    render_status(
        e.status,
        &ErrorPage {
            page,
            status: e.status.as_u16(),
            heading: heading.into(),
            message: e.message,
        },
    )
}

/// Pagination links for a list page.
#[derive(Clone)]
pub struct Pager {
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    /// `total` is a lower bound ("1000+").
    pub at_least: bool,
    pub links: Vec<PageLink>,
    /// The page-size choice (每页 10 / 20 / 50 / 100 条), each back to page 1.
    pub sizes: Vec<PageLink>,
    /// 跳至 N 页: the list's path, and its query (filters, page size) as
    /// the form's hidden fields.
    pub jump_action: String,
    pub jump_fields: Vec<(String, String)>,
}
#[derive(Clone)]
pub struct PageLink {
    pub label: String,
    pub href: String,
    pub active: bool,
    pub disabled: bool,
}

impl Pager {
    /// The page sizes a list offers.
    pub const SIZES: [u64; 4] = [10, 20, 50, 100];

    /// `base` is the path plus the current query without `page` and
    /// `per_page`; the links keep a page size other than the default.
    pub fn new<T>(p: &Page<T>, base: &str) -> Pager {
        let pages = p.pages();
        let sep = if base.contains('?') && !base.ends_with('?') {
            "&"
        } else if base.contains('?') {
            ""
        } else {
            "?"
        };
        let size = if p.per_page == kechuang_store::PageReq::DEFAULT_PER_PAGE {
            String::new()
        } else {
            format!("per_page={}&", p.per_page)
        };
        let href = |n: u64| format!("{base}{sep}{size}page={n}");
        let mut links = vec![PageLink {
            label: "上一页".into(),
            href: href(p.page.saturating_sub(1).max(1)),
            active: false,
            disabled: p.page <= 1,
        }];
        let (from, to) = (p.page.saturating_sub(3).max(1), (p.page + 3).min(pages));
        for n in from..=to {
            links.push(PageLink {
                label: n.to_string(),
                href: href(n),
                active: n == p.page,
                disabled: false,
            });
        }
        links.push(PageLink {
            label: "下一页".into(),
            href: href((p.page + 1).min(pages)),
            active: false,
            disabled: p.page >= pages,
        });
        let sizes = Self::SIZES
            .iter()
            .map(|&n| PageLink {
                label: n.to_string(),
                href: format!("{base}{sep}per_page={n}"),
                active: n == p.per_page,
                disabled: false,
            })
            .collect();
        let (path, query) = base.split_once('?').unwrap_or((base, ""));
        let mut jump_fields: Vec<(String, String)> =
            serde_urlencoded::from_str(query).unwrap_or_default();
        jump_fields.retain(|(k, v)| k != "page" && k != "per_page" && !v.is_empty());
        if !size.is_empty() {
            jump_fields.push(("per_page".into(), p.per_page.to_string()));
        }
        Pager {
            page: p.page,
            pages,
            total: p.total,
            at_least: false,
            links,
            sizes,
            jump_action: path.to_string(),
            jump_fields,
        }
    }
}

pub use crate::format::{cst, fmt_date, fmt_rfc3339, fmt_time};

/// Departments for a select box, indented by their depth in the tree.
pub async fn department_choices(st: &AppState) -> Result<Vec<(String, String)>, ApiError> {
    Ok(
        kechuang_store::departments::list(&st.db, &kechuang_store::Scope::All)
            .await?
            .into_iter()
            .map(|d| {
                let label = format!(
                    "{}{}",
                    "　".repeat(kechuang_store::departments::depth(&d)),
                    d.name
                );
                (d.id, label)
            })
            .collect(),
    )
}

/// Build a query string from (key, value) pairs, skipping empty values.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    let kept: Vec<(&str, &str)> = pairs
        .iter()
        .copied()
        .filter(|(_, v)| !v.is_empty())
        .collect();
    serde_urlencoded::to_string(kept).unwrap_or_default()
}

/// The year whose statutory holidays are missing from the work calendar
/// while time limits counted today may reach into it (pages that compute
/// time limits show a warning; `WorkCalendar::missing_year`).
pub async fn calendar_gap(st: &AppState) -> Result<Option<i32>, ApiError> {
    Ok(kechuang_store::calendar::load(&st.db)
        .await?
        .missing_year(kechuang_store::clock::today()))
}

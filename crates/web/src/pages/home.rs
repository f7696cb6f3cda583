//! 首页: each role lands where its work is ([`home_of`], the one rule). A
//! department clerk or task force goes to the workbench (their to-dos), a
//! leader sees the key figures of case handling, an enterprise its cases
//! (submit, follow, rate) and its event registrations; everyone else the
//! overview of the registers.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use chrono::{Datelike, NaiveDate, Utc};
use kechuang_domain::auth::{Permission, Role};
use kechuang_domain::money::Money;
use kechuang_domain::org::{format_growth, OrgKind};
use kechuang_store::{calendar, chains, departments, orgs, Principal};

use super::cases::{section_rows, stat_row, StatRow, WorkRow};
use super::{fmt_date, render, PageCtx, PageResult};
use crate::auth::PageUser;
use crate::error::ApiError;
use crate::service::cases::{statistics, CaseListQuery, FiguresView};
use crate::service::events::{
    self as events_service, CalendarEventView, EventListQuery, RegistrationListQuery,
    RegistrationView,
};
use crate::AppState;
use axum::routing::get;
use axum::Router;

/// What `/` is for a role: where its work is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Home {
    /// Department clerks and task forces: their to-dos, on the workbench.
    Workbench,
    /// Leaders: the key figures of case handling.
    Figures,
    /// Enterprises: submit, follow and rate their cases; their registrations.
    Enterprise,
    /// A talent: its services and requests (/talent).
    Talent,
    /// Everyone else (the administrator among them): the registers at a glance.
    Overview,
}

/// The one rule for where a signed-in user lands (after sign-in and at `/`).
pub fn home_of(p: &Principal) -> Home {
    match p.role {
        Role::Department | Role::TaskForce if p.can(Permission::CasesRead) => Home::Workbench,
        Role::Leader if p.can(Permission::CasesRead) => Home::Figures,
        Role::Enterprise if p.can(Permission::CasesCreate) => Home::Enterprise,
        Role::Talent if crate::service::talent::as_talent(p) => Home::Talent,
        _ => Home::Overview,
    }
}

pub async fn home(State(s): State<AppState>, PageUser(p): PageUser) -> PageResult {
    match home_of(&p) {
        Home::Workbench => Ok(Redirect::to("/cases/workbench").into_response()),
        Home::Talent => Ok(Redirect::to("/talent").into_response()),
        Home::Figures => Ok(render(&leader_home(&s, &p).await?)),
        Home::Enterprise => Ok(render(&enterprise_home(&s, &p).await?)),
        Home::Overview => overview(&s, &p).await,
    }
}

// ------------------------------------------------------------------ leader

/// A key figure and the records behind it.
pub struct Figure {
    pub label: String,
    pub value: String,
    pub note: String,
    pub href: String,
}

/// One line of this month against last month: (value, link) each, and the change.
pub struct MonthLine {
    pub label: String,
    pub this: (String, String),
    pub last: (String, String),
    pub change: String,
}

#[derive(Template)]
#[template(path = "home/leader.html")]
struct LeaderHome {
    page: PageCtx,
    figures: Vec<Figure>,
    this_month: String,
    last_month: String,
    months: Vec<MonthLine>,
    as_of: String,
}

fn permille(v: Option<i64>) -> String {
    v.map(|x| format!("{}.{}%", x / 10, x % 10))
        .unwrap_or_else(|| "—".into())
}

/// The change of a count ("+3", "-2", "持平").
fn count_change(this: i64, last: i64) -> String {
    match this - last {
        0 => "持平".into(),
        d if d > 0 => format!("+{d}"),
        d => d.to_string(),
    }
}

/// The change of a rate in ‰, in percentage points ("+1.5个百分点").
fn rate_change(this: Option<i64>, last: Option<i64>) -> String {
    match (this, last) {
        (Some(a), Some(b)) if a == b => "持平".into(),
        (Some(a), Some(b)) => {
            let d = a - b;
            let sign = if d > 0 { "+" } else { "-" };
            format!("{sign}{}.{}个百分点", d.abs() / 10, d.abs() % 10)
        }
        _ => "—".into(),
    }
}

/// The first day of the month before `d`'s.
fn month_before(d: NaiveDate) -> NaiveDate {
    let first = d.with_day(1).unwrap_or(d);
    first
        .checked_sub_months(chrono::Months::new(1))
        .unwrap_or(first)
}

async fn leader_home(s: &AppState, p: &Principal) -> Result<LeaderHome, ApiError> {
    let none = CaseListQuery::default();
    // Every case in scope: the standard view, kept ahead for leaders.
    let all = statistics(s, p, &none).await?;
    let total = stat_row(all.total, "department", &none);
    let today = kechuang_store::cases::today();
    let last_first = month_before(today);
    let key = |d: NaiveDate| d.format("%Y-%m").to_string();
    let (this_key, last_key) = (key(today), key(last_first));
    let by_month = statistics(
        s,
        p,
        &CaseListQuery {
            group: Some("month".into()),
            from: Some(last_first.to_string()),
            ..Default::default()
        },
    )
    .await?;
    let mut groups = by_month.groups;
    // A month without cases has no group: its figures are zero.
    let mut month = |k: &str| -> StatRow {
        let f = match groups.iter().position(|g| g.key == k) {
            Some(i) => groups.swap_remove(i),
            None => FiguresView {
                key: k.to_string(),
                ..Default::default()
            },
        };
        stat_row(f, "month", &none)
    };
    let (this, last) = (month(&this_key), month(&last_key));
    let figures = vec![
        Figure {
            label: "受理诉求".into(),
            value: total.f.received.to_string(),
            note: format!("本月 {} 件，上月 {} 件", this.f.received, last.f.received),
            href: total.href_all.clone(),
        },
        Figure {
            label: "在办超期".into(),
            value: total.f.overdue_open.to_string(),
            note: "已过办结期限仍未办结".into(),
            href: total.href_overdue.clone(),
        },
        Figure {
            label: "按时办结率".into(),
            value: total.on_time.clone(),
            note: format!("办结 {} 件，按时 {} 件", total.f.solved, total.f.on_time),
            href: total.href_on_time.clone(),
        },
        Figure {
            label: "满意率".into(),
            value: total.satisfaction.clone(),
            note: format!("已评价 {} 件", total.f.rated),
            href: total.href_solved.clone(),
        },
    ];
    let months = vec![
        MonthLine {
            label: "受理".into(),
            change: count_change(this.f.received, last.f.received),
            this: (this.f.received.to_string(), this.href_all.clone()),
            last: (last.f.received.to_string(), last.href_all.clone()),
        },
        MonthLine {
            label: "办结".into(),
            change: count_change(this.f.solved, last.f.solved),
            this: (this.f.solved.to_string(), this.href_solved.clone()),
            last: (last.f.solved.to_string(), last.href_solved.clone()),
        },
        MonthLine {
            label: "按时办结率".into(),
            change: rate_change(this.f.on_time_permille, last.f.on_time_permille),
            this: (this.on_time.clone(), this.href_on_time.clone()),
            last: (last.on_time.clone(), last.href_on_time.clone()),
        },
        MonthLine {
            label: "满意率".into(),
            change: rate_change(this.f.satisfaction_permille, last.f.satisfaction_permille),
            this: (
                permille(this.f.satisfaction_permille),
                this.href_solved.clone(),
            ),
            last: (
                permille(last.f.satisfaction_permille),
                last.href_solved.clone(),
            ),
        },
    ];
    let zh_month = |d: NaiveDate| format!("{}年{}月", d.year(), d.month());
    Ok(LeaderHome {
        page: PageCtx::new(s, p, "首页", "/", &[]),
        figures,
        this_month: zh_month(today),
        last_month: zh_month(last_first),
        months,
        as_of: format!(
            "统计于 {}",
            all.as_of
                .with_timezone(&super::cst())
                .format("%Y年%-m月%-d日 %H:%M")
        ),
    })
}

// ------------------------------------------------------------------ enterprise

#[derive(Template)]
#[template(path = "home/enterprise.html")]
struct EnterpriseHome {
    page: PageCtx,
    /// Cases awaiting the enterprise's rating (待评价), and how many.
    to_rate: (u64, Vec<WorkRow>),
    /// Its cases still open.
    open: (u64, Vec<WorkRow>),
    /// Its event registrations, newest first, and how many.
    registrations: (u64, Vec<RegistrationView>),
    titles: std::collections::HashMap<String, String>,
    /// Its tiered loans, newest first (我的融资), when the account may apply.
    loans: Option<Vec<crate::service::firm::FirmLoan>>,
    /// Published events not yet over, soonest first, and how many (近期活动),
    /// when the account may register.
    coming: Option<(u64, Vec<CalendarEventView>)>,
    /// Policies open to the firm that it may apply for today, the soonest
    /// deadline first, and how many (可申报政策).
    policies: Option<(u64, Vec<crate::service::policies::PolicyView>)>,
    /// Today, as the events list's `from` takes it.
    today: NaiveDate,
}

impl EnterpriseHome {
    /// Where an event's registration window stands today (报名中 …).
    fn window(&self, e: &CalendarEventView) -> String {
        let w = kechuang_domain::events::Window {
            opens_on: e.event.opens_on,
            closes_on: e.event.closes_on,
        };
        match w.admits(self.today) {
            Ok(()) => "报名中".into(),
            Err(why) => why,
        }
    }

    fn title(&self, r: &RegistrationView) -> String {
        self.titles
            .get(&r.registration.event_id)
            .cloned()
            .unwrap_or_default()
    }
}

async fn enterprise_home(s: &AppState, p: &Principal) -> Result<EnterpriseHome, ApiError> {
    let to_rate = section_rows(
        s,
        p,
        &CaseListQuery {
            status: Some("replied".into()),
            ..Default::default()
        },
        false,
        5,
    )
    .await?;
    let open = section_rows(
        s,
        p,
        &CaseListQuery {
            open: Some("true".into()),
            ..Default::default()
        },
        false,
        5,
    )
    .await?;
    let (registrations, titles) = if p.can(Permission::EventsRegister) {
        let list = events_service::list_registrations(
            s,
            p,
            &RegistrationListQuery {
                mine: Some("true".into()),
                per_page: Some(5),
                ..Default::default()
            },
        )
        .await?;
        let titles = events_service::event_titles(s, &list.items).await?;
        ((list.total, list.items), titles)
    } else {
        ((0, vec![]), Default::default())
    };
    let loans = if p.can(Permission::FundingApply) && p.org_id.is_some() {
        Some(crate::service::firm::funding(s, p).await?.loans)
    } else {
        None
    };
    let today = kechuang_store::clock::today();
    let coming = if p.can(Permission::EventsRegister) {
        let list = events_service::list_events(
            s,
            p,
            &EventListQuery {
                status: Some("published".into()),
                from: Some(today.to_string()),
                sort: Some("starts_asc".into()),
                per_page: Some(3),
                ..Default::default()
            },
        )
        .await?;
        Some((list.total, list.items))
    } else {
        None
    };
    let policies = if p.can(Permission::PoliciesRead) {
        let list = crate::service::policies::applying_now(s, p, 3).await?;
        Some((list.total, list.items))
    } else {
        None
    };
    Ok(EnterpriseHome {
        page: PageCtx::new(s, p, "首页", "/", &[]),
        policies,
        to_rate,
        open,
        registrations,
        titles,
        loans,
        coming,
        today,
    })
}

// ------------------------------------------------------------------ overview

pub struct Stat {
    pub label: String,
    pub value: String,
    pub href: String,
}

pub struct ChainLine {
    pub id: String,
    pub name: String,
    pub orgs: u64,
    pub year: String,
    pub output: String,
    pub growth: String,
}

#[derive(Template)]
#[template(path = "home/home.html")]
struct HomePage {
    page: PageCtx,
    stats: Vec<Stat>,
    chains: Vec<ChainLine>,
    holidays: Vec<(String, String, String)>,
}

async fn overview(s: &AppState, p: &Principal) -> PageResult {
    let page = PageCtx::new(s, p, "首页", "/", &[]);
    let result: Result<HomePage, kechuang_store::StoreError> = async {
        let by_kind = orgs::count_by_kind(&s.db, &p.scope).await?;
        let mut stats: Vec<Stat> = OrgKind::ALL
            .iter()
            .filter_map(|k| {
                by_kind
                    .iter()
                    .find(|(c, _)| c == k.as_str())
                    .map(|(_, n)| Stat {
                        label: k.label_zh().into(),
                        value: n.to_string(),
                        href: format!("/orgs?kind={}", k.as_str()),
                    })
            })
            .collect();
        if p.can(Permission::DepartmentsRead) {
            let deps = departments::list(&s.db, &p.scope).await?.len();
            stats.push(Stat {
                label: "内设部门".into(),
                value: deps.to_string(),
                href: "/departments".into(),
            });
        }
        let chain_rows = chains::list(&s.db).await?;
        let chains = chain_rows
            .into_iter()
            .map(|c| ChainLine {
                id: c.chain.id,
                name: c.chain.name,
                orgs: c.orgs,
                year: c
                    .latest
                    .as_ref()
                    .map(|l| format!("{}年", l.year))
                    .unwrap_or_default(),
                output: c
                    .latest
                    .as_ref()
                    .map(|l| format!("{} 亿元", Money::from_fen(l.output_fen).to_yi_yuan_string()))
                    .unwrap_or_else(|| "—".into()),
                growth: format_growth(c.latest.and_then(|l| l.growth_permille)),
            })
            .collect();
        let today = Utc::now().with_timezone(&super::cst()).date_naive();
        let holidays = calendar::list(&s.db, None)
            .await?
            .into_iter()
            .filter(|d| d.day >= today)
            .take(6)
            .map(|d| {
                (
                    fmt_date(d.day),
                    d.name,
                    if d.kind == "workday" {
                        "调休上班".into()
                    } else {
                        "放假".into()
                    },
                )
            })
            .collect();
        Ok(HomePage {
            page,
            stats,
            chains,
            holidays,
        })
    }
    .await;
    let h = result?;
    Ok(render(&h))
}

/// The home pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

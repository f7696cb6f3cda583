//! The workbench: what the register holds, at a glance.

use askama::Template;
use axum::extract::State;
use chrono::Utc;
use kechuang_domain::money::Money;
use kechuang_domain::org::{format_growth, OrgKind};
use kechuang_store::{calendar, chains, departments, orgs};

use super::{fmt_date, render, PageCtx, PageResult};
use crate::auth::PageUser;
use crate::AppState;
use axum::routing::get;
use axum::Router;

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

pub async fn home(State(s): State<AppState>, PageUser(p): PageUser) -> PageResult {
    let page = PageCtx::new(&s, &p, "首页", "/", &[]);
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
        if p.can(kechuang_domain::auth::Permission::DepartmentsRead) {
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

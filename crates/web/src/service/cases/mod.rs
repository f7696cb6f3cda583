//! Closed-loop case handling (诉求闭环办理): what the API, the pages and
//! Open311 share — the views, the list query and statistics, intake drafts,
//! the transitions (`run(Command)`), categories, interviews and attachments.
//! One file per concern, as in `kechuang_store::cases`, all re-exported
//! here; this file holds what several of them use: the [`actor`] of a
//! principal and the [`Names`] that views show.

use kechuang_domain::ErrorCode;
mod attachments;
mod categories;
mod intake;
mod queries;
mod statistics;
mod transitions;

pub use attachments::*;
pub use categories::*;
pub use intake::*;
pub use queries::*;
pub use statistics::*;
pub use transitions::*;

use std::collections::{BTreeSet, HashMap};

use kechuang_store::cases::{self, Actor};
use kechuang_store::entities::case;
use kechuang_store::{departments, Principal, Scope};

use crate::error::{ApiError, ApiResult};
use crate::AppState;

pub fn actor(p: &Principal) -> Actor {
    Actor {
        username: p.username.clone(),
        user_id: p.user_id.clone(),
        display_name: p.display_name.clone(),
        acts_for: None,
    }
}

/// Names of departments, categories, organisations and chains, for views.
#[derive(Default)]
pub struct Names {
    pub departments: HashMap<String, String>,
    pub categories: HashMap<String, String>,
    pub orgs: HashMap<String, String>,
    pub chains: HashMap<String, String>,
}

impl Names {
    pub async fn load(s: &AppState, org_ids: impl IntoIterator<Item = String>) -> ApiResult<Names> {
        Ok(Names {
            departments: departments::list(&s.db, &Scope::All)
                .await?
                .into_iter()
                .map(|d| (d.id, d.name))
                .collect(),
            categories: cases::categories(&s.db)
                .await?
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect(),
            orgs: kechuang_store::names::of(&s.db, "orgs", org_ids).await?,
            chains: kechuang_store::names::all(&s.db, "chains").await?,
        })
    }
    /// Just the names a set of cases shows, in one round trip.
    pub async fn of_cases(s: &AppState, rows: &[case::Model]) -> ApiResult<Names> {
        let (mut d, mut c, mut o, mut h) = (
            BTreeSet::new(),
            BTreeSet::new(),
            BTreeSet::new(),
            BTreeSet::new(),
        );
        for r in rows {
            d.extend(r.lead_department_id.clone());
            d.extend(r.task_force_department_id.clone());
            c.insert(r.category_id.clone());
            o.insert(r.org_id.clone());
            h.extend(r.chain_id.clone());
        }
        let wanted = [
            ("departments", d),
            ("case_categories", c),
            ("orgs", o),
            ("chains", h),
        ];
        let mut found = kechuang_store::names::lookup(&s.db, &wanted).await?;
        let mut take = |t| found.remove(t).unwrap_or_default();
        Ok(Names {
            departments: take("departments"),
            categories: take("case_categories"),
            orgs: take("orgs"),
            chains: take("chains"),
        })
    }
    pub fn department(&self, id: &Option<String>) -> String {
        id.as_ref()
            .and_then(|d| self.departments.get(d))
            .cloned()
            .unwrap_or_default()
    }
}

fn bad(msg: &str) -> ApiError {
    ApiError::bad_request(ErrorCode::InvalidQuery, msg.to_string())
}

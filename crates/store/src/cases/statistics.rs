//! Case statistics: figures per department, task force, category, chain or
//! month, aggregated in the database.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use kechuang_domain::cases as rules;
use sea_orm::sea_query::Expr;
use sea_orm::QuerySelect;
use serde::Serialize;

use super::queries::{lookup, matching, Lookup};
use super::CaseFilter;
use crate::entities::case;
use crate::{calendar, Db, Scope, StoreResult};

/// How statistics are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupBy {
    Department,
    TaskForce,
    Category,
    Chain,
    Month,
}

impl GroupBy {
    pub const ALL: [GroupBy; 5] = [
        GroupBy::Department,
        GroupBy::TaskForce,
        GroupBy::Category,
        GroupBy::Chain,
        GroupBy::Month,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "department" => GroupBy::Department,
            "task_force" => GroupBy::TaskForce,
            "category" => GroupBy::Category,
            "chain" => GroupBy::Chain,
            "month" => GroupBy::Month,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Department => "department",
            GroupBy::TaskForce => "task_force",
            GroupBy::Category => "category",
            GroupBy::Chain => "chain",
            GroupBy::Month => "month",
        }
    }
}

/// The figures of one group. Every figure can be traced to the case list
/// behind it (the web layer links each to a filtered list).
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Figures {
    /// Group key (department id, category id, chain id or "2026-03").
    pub key: String,
    pub received: i64,
    /// 办结 (closed, after rating or no answer).
    pub solved: i64,
    pub on_time: i64,
    /// on_time / solved in per-mille.
    pub on_time_permille: Option<i64>,
    /// Average cycle time of solved cases in workdays, ×10 (one decimal).
    pub avg_cycle_tenths: Option<i64>,
    pub p90_cycle_workdays: Option<i64>,
    pub rated: i64,
    pub satisfied: i64,
    /// (满意 + 基本满意) / rated, per-mille.
    pub satisfaction_permille: Option<i64>,
    pub reopened: i64,
    pub overdue_open: i64,
}

fn count_if(cond: &str) -> sea_orm::sea_query::SimpleExpr {
    Expr::cust(format!("COUNT(CASE WHEN {cond} THEN 1 END)"))
}

/// Rows of the aggregate query (a group and a cycle time in workdays, with
/// its figures), for a text key and for a date key.
macro_rules! aggregate_rows {
    ($rows:ident, $key:ty) => {
        #[derive(Debug, sea_orm::FromQueryResult)]
        struct $rows {
            k: Option<$key>,
            c: Option<i32>,
            received: i64,
            solved: i64,
            on_time: i64,
            rated: i64,
            satisfied: i64,
            reopened: i64,
            overdue_open: i64,
            /// Solved cases with this cycle time.
            cycled: i64,
        }
        impl $rows {
            fn figures(self, key: String) -> (Figures, i64, i64) {
                let f = Figures {
                    key,
                    received: self.received,
                    solved: self.solved,
                    on_time: self.on_time,
                    rated: self.rated,
                    satisfied: self.satisfied,
                    reopened: self.reopened,
                    overdue_open: self.overdue_open,
                    ..Default::default()
                };
                (f, i64::from(self.c.unwrap_or(0)), self.cycled)
            }
        }
    };
}
aggregate_rows!(TextRows, String);
aggregate_rows!(DateRows, NaiveDate);

/// Figures per group over the cases in scope that match the filter, and
/// the totals over all of them. Aggregated in the database by one GROUP BY
/// query over (cycle time, group), whose rows give the counts and a
/// histogram of cycle times for the average and the exact 90th percentile,
/// so the cost grows with groups, not with cases. The cycle time comes
/// first so that no index on the group orders the scan: SQLite would read
/// every case through it (twice as slow as reading the table).
pub async fn statistics(
    db: &Db,
    scope: &Scope,
    f: &CaseFilter,
    group: GroupBy,
) -> StoreResult<(Vec<Figures>, Figures)> {
    let cal = calendar::load(db).await?;
    let l = Lookup {
        every: true,
        ..lookup(db, f, &cal).await?
    };
    let clock = l.clock;
    let key = match group {
        GroupBy::Department => case::Column::LeadDepartmentId,
        GroupBy::TaskForce => case::Column::TaskForceDepartmentId,
        GroupBy::Category => case::Column::CategoryId,
        GroupBy::Chain => case::Column::ChainId,
        GroupBy::Month => case::Column::ReceivedOn,
    };
    let q = matching(scope, f, &l)
        .select_only()
        .column_as(key, "k")
        .column_as(case::Column::CycleWorkdays, "c")
        .column_as(Expr::cust("COUNT(*)"), "received")
        .column_as(count_if("status = 'closed'"), "solved")
        .column_as(
            count_if("status = 'closed' AND closed_on <= due_on"),
            "on_time",
        )
        .column_as(
            count_if("satisfaction IN ('satisfied', 'basic', 'unsatisfied')"),
            "rated",
        )
        .column_as(
            count_if("satisfaction IN ('satisfied', 'basic')"),
            "satisfied",
        )
        .column_as(count_if("reopened_count > 0"), "reopened")
        .column_as(
            count_if(&format!(
                "status IN ('submitted', 'dispatched') AND due_on < '{}'",
                clock.today
            )),
            "overdue_open",
        )
        .column_as(
            count_if("status = 'closed' AND cycle_workdays IS NOT NULL"),
            "cycled",
        )
        .group_by(case::Column::CycleWorkdays)
        .group_by(key);
    // (group, figures, cycle time, solved cases with it); months are keyed "2026-03".
    let rows: Vec<(Figures, i64, i64)> = if group == GroupBy::Month {
        let month = |d: Option<NaiveDate>| {
            d.map(|d| format!("{}-{:02}", d.year(), d.month()))
                .unwrap_or_default()
        };
        q.into_model::<DateRows>()
            .all(db)
            .await?
            .into_iter()
            .map(|r| {
                let k = month(r.k);
                r.figures(k)
            })
            .collect()
    } else {
        q.into_model::<TextRows>()
            .all(db)
            .await?
            .into_iter()
            .map(|r| {
                let k = r.k.clone().unwrap_or_default();
                r.figures(k)
            })
            .collect()
    };
    let mut groups: BTreeMap<String, (Figures, BTreeMap<i64, i64>)> = BTreeMap::new();
    for (f, c, cycled) in rows {
        let (g, h) = groups.entry(f.key.clone()).or_insert_with(|| {
            (
                Figures {
                    key: f.key.clone(),
                    ..Default::default()
                },
                BTreeMap::new(),
            )
        });
        g.received += f.received;
        g.solved += f.solved;
        g.on_time += f.on_time;
        g.rated += f.rated;
        g.satisfied += f.satisfied;
        g.reopened += f.reopened;
        g.overdue_open += f.overdue_open;
        if cycled > 0 {
            *h.entry(c).or_default() += cycled;
        }
    }
    let mut total = (
        Figures {
            key: "total".into(),
            ..Default::default()
        },
        BTreeMap::new(),
    );
    for (g, h) in groups.values() {
        total.0.received += g.received;
        total.0.solved += g.solved;
        total.0.on_time += g.on_time;
        total.0.rated += g.rated;
        total.0.satisfied += g.satisfied;
        total.0.reopened += g.reopened;
        total.0.overdue_open += g.overdue_open;
        for (c, n) in h {
            *total.1.entry(*c).or_default() += n;
        }
    }
    let finish = |(mut g, h): (Figures, BTreeMap<i64, i64>)| {
        g.on_time_permille = rules::rate_permille(g.on_time, g.solved);
        g.satisfaction_permille = rules::rate_permille(g.satisfied, g.rated);
        let n: i64 = h.values().sum();
        if n > 0 {
            let sum: i64 = h.iter().map(|(c, k)| c * k).sum();
            g.avg_cycle_tenths = Some((sum * 10 + n / 2) / n);
            // Nearest rank: the smallest value with at least 90% of cases at or below it.
            let rank = (n * 90 + 99) / 100;
            let mut seen = 0;
            g.p90_cycle_workdays = h
                .iter()
                .find(|(_, k)| {
                    seen += **k;
                    seen >= rank
                })
                .map(|(c, _)| *c);
        }
        g
    };
    Ok((groups.into_values().map(finish).collect(), finish(total)))
}

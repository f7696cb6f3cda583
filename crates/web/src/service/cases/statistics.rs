//! Case statistics by department, task force, category, chain or month,
//! ranked for the department race (赛马).

use chrono::{DateTime, Utc};
use kechuang_domain::auth::Permission;
use kechuang_store::cases::{self, GroupBy};
use kechuang_store::Principal;
use serde::Serialize;
use utoipa::ToSchema;

use super::queries::CaseListQuery;
use super::{bad, Names};
use crate::auth::require;
use crate::error::ApiResult;
use crate::AppState;

#[derive(Clone, Default, Serialize, ToSchema)]
pub struct FiguresView {
    pub key: String,
    /// 分组名称
    pub name: String,
    pub received: i64,
    /// 办结数
    pub solved: i64,
    pub on_time: i64,
    /// 按时办结率（‰）
    pub on_time_permille: Option<i64>,
    /// 平均办理周期（工作日，一位小数）
    pub avg_cycle_workdays: Option<f64>,
    /// 90分位办理周期（工作日）
    pub p90_cycle_workdays: Option<i64>,
    pub rated: i64,
    /// 评价为满意或基本满意的件数
    pub satisfied: i64,
    /// 满意率（满意+基本满意，‰）
    pub satisfaction_permille: Option<i64>,
    pub reopened: i64,
    pub overdue_open: i64,
    /// 赛马排名（按时办结率、满意率、办结数综合）
    pub rank: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub struct StatsView {
    pub group: String,
    pub groups: Vec<FiguresView>,
    pub total: FiguresView,
    /// 统计时间：大数据量时统计结果会保留并在后台刷新（不超过约一分钟前）
    pub as_of: DateTime<Utc>,
}

/// Statistics for a filter and grouping, ranked for the department race (赛马).
pub async fn statistics(s: &AppState, p: &Principal, q: &CaseListQuery) -> ApiResult<StatsView> {
    statistics_kept(s, p, q, false).await
}

/// As [`statistics`], for a dashboard reading many of them (the cockpit):
/// figures are served as kept while nothing was written through this
/// process since (`stats_cache::statistics_unless_written`).
pub async fn dashboard_statistics(
    s: &AppState,
    p: &Principal,
    q: &CaseListQuery,
) -> ApiResult<StatsView> {
    statistics_kept(s, p, q, true).await
}

async fn statistics_kept(
    s: &AppState,
    p: &Principal,
    q: &CaseListQuery,
    dashboard: bool,
) -> ApiResult<StatsView> {
    require(p, Permission::CasesRead)?;
    let group = match q.group.as_deref().filter(|g| !g.is_empty()) {
        None => GroupBy::Department,
        Some(g) => GroupBy::parse(g)
            .ok_or_else(|| bad("group 只能是 department、task_force、category、chain、month"))?,
    };
    let st = if dashboard {
        kechuang_store::stats_cache::statistics_unless_written(&s.db, &p.scope, &q.filter()?, group)
            .await?
    } else {
        kechuang_store::stats_cache::statistics(&s.db, &p.scope, &q.filter()?, group).await?
    };
    let (groups, total) = ((*st.groups).clone(), (*st.total).clone());
    let n = Names::load(s, []).await?;
    let name = |k: &str| -> String {
        if k.is_empty() {
            return "（未指定）".into();
        }
        match group {
            GroupBy::Department | GroupBy::TaskForce => n.departments.get(k).cloned(),
            GroupBy::Category => n.categories.get(k).cloned(),
            GroupBy::Chain => n.chains.get(k).cloned(),
            GroupBy::Month => Some(k.replacen('-', "年", 1) + "月"),
        }
        .unwrap_or_else(|| k.to_string())
    };
    let view = |f: cases::Figures, rank: Option<usize>| FiguresView {
        name: name(&f.key),
        avg_cycle_workdays: f.avg_cycle_tenths.map(|t| t as f64 / 10.0),
        key: f.key,
        received: f.received,
        solved: f.solved,
        on_time: f.on_time,
        on_time_permille: f.on_time_permille,
        p90_cycle_workdays: f.p90_cycle_workdays,
        rated: f.rated,
        satisfied: f.satisfied,
        satisfaction_permille: f.satisfaction_permille,
        reopened: f.reopened,
        overdue_open: f.overdue_open,
        rank,
    };
    // The race: rank groups with solved cases by on-time rate, then satisfaction, then solved count.
    let mut order: Vec<usize> = (0..groups.len())
        .filter(|&i| groups[i].solved > 0 && !groups[i].key.is_empty())
        .collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&groups[a], &groups[b]);
        y.on_time_permille
            .cmp(&x.on_time_permille)
            .then(y.satisfaction_permille.cmp(&x.satisfaction_permille))
            .then(y.solved.cmp(&x.solved))
    });
    let mut ranks = vec![None; groups.len()];
    if group != GroupBy::Month {
        // Equal figures share a rank (并列).
        let key = |i: usize| {
            (
                groups[i].on_time_permille,
                groups[i].satisfaction_permille,
                groups[i].solved,
            )
        };
        for (r, &i) in order.iter().enumerate() {
            ranks[i] = match r {
                0 => Some(1),
                _ if key(order[r - 1]) == key(i) => ranks[order[r - 1]],
                _ => Some(r + 1),
            };
        }
    }
    let mut views: Vec<FiguresView> = groups
        .into_iter()
        .zip(ranks)
        .map(|(f, r)| view(f, r))
        .collect();
    if group != GroupBy::Month {
        views.sort_by_key(|v| v.rank.unwrap_or(usize::MAX));
    }
    Ok(StatsView {
        group: group.as_str().into(),
        groups: views,
        total: view(total, None),
        as_of: st.as_of,
    })
}

//! Talent service figures from the records: requests received, solved, on
//! time and satisfied — by item, department, month, tier and origin — each
//! computed by the case engine's own statistics over the talents' requests
//! (channel `talent`), so the definitions are the case loop's and every
//! figure opens the case list behind it.

use kechuang_store::talent::tiers;
use kechuang_store::Principal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiResult;
use crate::service::cases::{statistics, CaseListQuery, FiguresView};

use crate::AppState;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TalentFiguresQuery {
    /// 受理日期起 YYYY-MM-DD
    pub from: Option<String>,
    /// 受理日期止 YYYY-MM-DD
    pub to: Option<String>,
}

/// One grouping: its rows and the query string (beyond the period) that
/// opens each row's requests in the case list.
#[derive(Serialize, ToSchema)]
pub struct TalentFigureGroup {
    /// item / department / month / tier / origin
    pub group: String,
    pub rows: Vec<TalentFigureRow>,
}

#[derive(Serialize, ToSchema)]
pub struct TalentFigureRow {
    #[serde(flatten)]
    pub figures: FiguresView,
    /// 该行诉求清单的链接
    pub href: String,
}

#[derive(Serialize, ToSchema)]
pub struct TalentFiguresView {
    pub total: TalentFigureRow,
    pub groups: Vec<TalentFigureGroup>,
}

fn base(q: &TalentFiguresQuery) -> CaseListQuery {
    CaseListQuery {
        channel: Some("talent".into()),
        from: q.from.clone(),
        to: q.to.clone(),
        ..Default::default()
    }
}

/// `/cases?channel=talent&from&to&{extra}` (a figure's records).
fn href(q: &TalentFiguresQuery, extra: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(&str, &str)> = vec![("channel", "talent")];
    if let Some(f) = q.from.as_deref().filter(|s| !s.is_empty()) {
        pairs.push(("from", f));
    }
    if let Some(t) = q.to.as_deref().filter(|s| !s.is_empty()) {
        pairs.push(("to", t));
    }
    pairs.extend_from_slice(extra);
    format!(
        "/cases?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

pub async fn figures(
    s: &AppState,
    p: &Principal,
    q: &TalentFiguresQuery,
) -> ApiResult<TalentFiguresView> {
    let mut groups = vec![];
    let mut total = None;
    for (group, by, param) in [
        ("item", "category", "category_id"),
        ("department", "department", "lead_department_id"),
        ("month", "month", "month"),
    ] {
        let st = statistics(
            s,
            p,
            &CaseListQuery {
                group: Some(by.into()),
                ..base(q)
            },
        )
        .await?;
        if total.is_none() {
            total = Some(st.total);
        }
        groups.push(TalentFigureGroup {
            group: group.into(),
            rows: st
                .groups
                .into_iter()
                .map(|f| TalentFigureRow {
                    href: href(q, &[(param, &f.key)]),
                    figures: f,
                })
                .collect(),
        });
    }
    let mut rows = vec![];
    for t in tiers::list(&s.db).await? {
        let st = statistics(
            s,
            p,
            &CaseListQuery {
                talent_tier: Some(t.code.clone()),
                group: Some("category".into()),
                ..base(q)
            },
        )
        .await?;
        rows.push(TalentFigureRow {
            href: href(q, &[("talent_tier", &t.code)]),
            figures: FiguresView {
                key: t.code,
                name: t.name,
                ..st.total
            },
        });
    }
    groups.push(TalentFigureGroup {
        group: "tier".into(),
        rows,
    });
    let mut rows = vec![];
    for (international, name) in [("true", "国际人才"), ("false", "国内人才")] {
        let st = statistics(
            s,
            p,
            &CaseListQuery {
                talent_international: Some(international.into()),
                group: Some("category".into()),
                ..base(q)
            },
        )
        .await?;
        rows.push(TalentFigureRow {
            href: href(q, &[("talent_international", international)]),
            figures: FiguresView {
                key: international.into(),
                name: name.into(),
                ..st.total
            },
        });
    }
    groups.push(TalentFigureGroup {
        group: "origin".into(),
        rows,
    });
    Ok(TalentFiguresView {
        total: TalentFigureRow {
            href: href(q, &[]),
            figures: total.unwrap_or_default(),
        },
        groups,
    })
}

//! The timed rules: automatic supervision of overdue cases, due-soon
//! warnings, and closing replies left unrated.

use std::collections::HashMap;

use chrono::NaiveDate;
use kechuang_domain::cases::{self as rules, CaseAction, Satisfaction, TransitionCtx};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use super::transitions::raise_supervision;
use super::{beijing_date, categories, event, notify, transition};
use crate::entities::case;
use crate::{calendar, now, record, Db, StoreError, StoreResult};

/// What one sweep of the timed rules did.
#[derive(Debug, Default, Serialize)]
pub struct Sweep {
    pub supervised: usize,
    /// Due-soon warnings sent to lead departments.
    pub warned: usize,
    pub closed_no_answer: usize,
}

/// Overdue cases get an automatic supervision order (once per case and
/// level); replies not rated within the category's rating period close as
/// "no answer". Safe to run on every replica: each change is a versioned
/// update, so a second runner's write is refused, not repeated.
pub async fn sweep(db: &Db, today: NaiveDate) -> StoreResult<Sweep> {
    let cal = calendar::load(db).await?;
    let mut out = Sweep::default();
    let overdue = case::Entity::find()
        .filter(case::Column::Status.eq("dispatched"))
        .filter(case::Column::DueOn.lt(today))
        .filter(case::Column::SupervisionLevel.eq(0))
        .all(db)
        .await?;
    for c in overdue {
        let tx = crate::db::begin_write(db).await?;
        let v = c.version;
        let lead = c.lead_department_id.clone();
        match record::update(
            &tx,
            "system",
            "supervise",
            c,
            v,
            |am: &mut case::ActiveModel| am.supervision_level = Set(1),
        )
        .await
        {
            Ok(c) => {
                raise_supervision(
                    &tx,
                    "system",
                    &c,
                    lead.clone(),
                    1,
                    format!("超过办理时限（{}）自动督办", c.due_on),
                    true,
                )
                .await?;
                event(&tx, &c.id, "系统", "supervise", lead, "超期自动督办".into()).await?;
                tx.commit().await?;
                out.supervised += 1;
            }
            Err(StoreError::Conflict { .. }) => tx.rollback().await?,
            Err(e) => return Err(e),
        }
    }
    // Due soon: warn the lead department once per case. The marker is not
    // business data, so it is set without a version bump (a clerk's open
    // form stays valid); the conditional update keeps it once per case.
    let warn_days: HashMap<String, i32> = categories(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.warn_days))
        .collect();
    let open = case::Entity::find()
        .filter(case::Column::Status.eq("dispatched"))
        .filter(case::Column::WarnedOn.is_null())
        .filter(case::Column::DueOn.gte(today))
        .all(db)
        .await?;
    for c in open {
        let days = warn_days.get(&c.category_id).copied().unwrap_or(2).max(0) as u32;
        if rules::sla_state(&cal, c.due_on, today, days) != rules::SlaState::DueSoon {
            continue;
        }
        let tx = crate::db::begin_write(db).await?;
        let marked = case::Entity::update_many()
            .col_expr(case::Column::WarnedOn, Expr::value(today))
            .filter(case::Column::Id.eq(c.id.clone()))
            .filter(case::Column::WarnedOn.is_null())
            .exec(&tx)
            .await?;
        if marked.rows_affected == 1 {
            notify(
                &tx,
                c.lead_department_id.clone(),
                None,
                format!("即将到期：{} {}", c.number, c.title),
                format!("请于{}前办结", c.due_on),
                format!("/cases/{}", c.id),
            )
            .await?;
            event(
                &tx,
                &c.id,
                "系统",
                "warn",
                c.lead_department_id.clone(),
                format!("时限预警：{}到期", c.due_on),
            )
            .await?;
            out.warned += 1;
        }
        tx.commit().await?;
    }
    let replied = case::Entity::find()
        .filter(case::Column::Status.eq("replied"))
        .all(db)
        .await?;
    let cats: HashMap<String, i32> = categories(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.rating_days))
        .collect();
    for c in replied {
        let Some(at) = c.replied_at else { continue };
        let days = cats.get(&c.category_id).copied().unwrap_or(5).max(1) as i64;
        if cal.workdays_between(beijing_date(at), today) < days {
            continue;
        }
        let tx = crate::db::begin_write(db).await?;
        let v = c.version;
        let next = match transition(&c, CaseAction::CloseNoAnswer, TransitionCtx::default()) {
            Ok(n) => n,
            Err(_) => continue,
        };
        let cycle = rules::cycle_workdays(&cal, c.received_on, today) as i32;
        match record::update(
            &tx,
            "system",
            "close_no_answer",
            c,
            v,
            |am: &mut case::ActiveModel| {
                am.status = Set(next.as_str().into());
                am.satisfaction = Set(Some(Satisfaction::NoAnswer.as_str().into()));
                am.closed_at = Set(Some(now()));
                am.closed_on = Set(Some(today));
                am.cycle_workdays = Set(Some(cycle));
            },
        )
        .await
        {
            Ok(c) => {
                event(
                    &tx,
                    &c.id,
                    "系统",
                    "close_no_answer",
                    None,
                    format!("{days}个工作日内未评价，按“逾期未评价”办结"),
                )
                .await?;
                tx.commit().await?;
                out.closed_no_answer += 1;
            }
            Err(StoreError::Conflict { .. }) => tx.rollback().await?,
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

//! Matchmaking figures, computed from the records on every read: per
//! broker (leads open and overdue now; signed, closed and turnover in a
//! period) and overall (leads by stage, listings published, cooperation
//! projects in a period). Turnover is the sum of the amounts of the leads
//! signed in the period (a checked sum: 422 `amount_overflow`, never a
//! wrapped figure). The lists behind them are `leads::list` (by broker,
//! stage, overdue) and `projects::list` (by period).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use kechuang_domain::auth::Role;
use kechuang_domain::matching::{is_overdue, LeadStage, ListingStatus};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};

use super::{projects, Period};
use crate::entities::{match_lead, need, offer, user};
use crate::{Db, StoreResult};

/// One broker's figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerFigures {
    pub user_id: String,
    pub display_name: String,
    /// Open now.
    pub open: u64,
    /// Open now with the next step overdue.
    pub overdue: u64,
    /// Signed in the period.
    pub signed: u64,
    /// Closed (without signing) in the period.
    pub closed: u64,
    /// Sum of the amounts signed in the period, in fen.
    pub turnover_fen: i64,
}

/// The matchmaking as a whole.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overview {
    pub period: Period,
    /// Leads in each stage now, in `LeadStage::ALL` order.
    pub by_stage: Vec<(LeadStage, u64)>,
    /// Open leads whose next step is overdue.
    pub overdue: u64,
    /// Leads signed in the period and their amounts.
    pub signed: u64,
    pub turnover_fen: i64,
    /// Cooperation projects signed in the period (from leads or recorded).
    pub projects: u64,
    pub projects_amount_fen: i64,
    /// Listings published now.
    pub offers_published: u64,
    pub needs_published: u64,
}

type LeadFacts = (
    String,
    String,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<i64>,
    Option<DateTime<Utc>>,
);

async fn lead_facts(db: &Db) -> StoreResult<Vec<LeadFacts>> {
    use match_lead::Column as C;
    Ok(match_lead::Entity::find()
        .select_only()
        .column(C::BrokerUserId)
        .column(C::Stage)
        .column(C::NextDueOn)
        .column(C::SignedOn)
        .column(C::AmountFen)
        .column(C::ClosedAt)
        .into_tuple()
        .all(db)
        .await?)
}

/// Per broker: every active broker account, and any account that has
/// leads; most turnover first, then most signed, then by name.
pub async fn brokers(db: &Db, period: Period, today: NaiveDate) -> StoreResult<Vec<BrokerFigures>> {
    period.check()?;
    let facts = lead_facts(db).await?;
    let mut per: BTreeMap<String, (BrokerFigures, Vec<i64>)> = BTreeMap::new();
    let blank = |id: &str| {
        (
            BrokerFigures {
                user_id: id.to_string(),
                display_name: String::new(),
                open: 0,
                overdue: 0,
                signed: 0,
                closed: 0,
                turnover_fen: 0,
            },
            vec![],
        )
    };
    for (broker, stage, due, signed_on, amount, closed_at) in facts {
        let e = per.entry(broker.clone()).or_insert_with(|| blank(&broker));
        let stage = LeadStage::parse(&stage).unwrap_or(LeadStage::Closed);
        if stage.is_open() {
            e.0.open += 1;
            if is_overdue(stage, due, today) {
                e.0.overdue += 1;
            }
        }
        if stage == LeadStage::Signed && signed_on.is_some_and(|d| period.contains(d)) {
            e.0.signed += 1;
            e.1.push(amount.unwrap_or(0));
        }
        if stage == LeadStage::Closed
            && closed_at.is_some_and(|t| period.contains(crate::clock::beijing_date(t)))
        {
            e.0.closed += 1;
        }
    }
    let accounts: Vec<(String, String, String, bool)> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::DisplayName)
        .column(user::Column::Role)
        .column(user::Column::Active)
        .filter(
            sea_orm::Condition::any()
                .add(user::Column::Role.eq(Role::Broker.as_str()))
                .add(user::Column::Id.is_in(per.keys().cloned().collect::<Vec<_>>())),
        )
        .into_tuple()
        .all(db)
        .await?;
    let mut names: HashMap<String, String> = HashMap::new();
    for (id, name, role, active) in accounts {
        if role == Role::Broker.as_str() && active {
            per.entry(id.clone()).or_insert_with(|| blank(&id));
        }
        names.insert(id, name);
    }
    let mut out = per
        .into_values()
        .map(|(mut f, amounts)| {
            f.turnover_fen = crate::money::total(amounts)?;
            f.display_name = names.get(&f.user_id).cloned().unwrap_or_default();
            Ok(f)
        })
        .collect::<StoreResult<Vec<_>>>()?;
    out.sort_by(|a, b| {
        b.turnover_fen
            .cmp(&a.turnover_fen)
            .then(b.signed.cmp(&a.signed))
            .then(a.display_name.cmp(&b.display_name))
            .then(a.user_id.cmp(&b.user_id))
    });
    Ok(out)
}

/// The matchmaking as a whole: leads now, signings and projects in the period.
pub async fn overview(db: &Db, period: Period, today: NaiveDate) -> StoreResult<Overview> {
    period.check()?;
    let facts = lead_facts(db).await?;
    let mut by_stage: HashMap<LeadStage, u64> = HashMap::new();
    let mut overdue = 0;
    let mut signed = 0;
    let mut amounts = vec![];
    for (_, stage, due, signed_on, amount, _) in &facts {
        let stage = LeadStage::parse(stage).unwrap_or(LeadStage::Closed);
        *by_stage.entry(stage).or_default() += 1;
        if is_overdue(stage, *due, today) {
            overdue += 1;
        }
        if stage == LeadStage::Signed && signed_on.is_some_and(|d| period.contains(d)) {
            signed += 1;
            amounts.push(amount.unwrap_or(0));
        }
    }
    let p = projects::counts(db, period).await?;
    let published = ListingStatus::Published.as_str();
    Ok(Overview {
        period,
        by_stage: LeadStage::ALL
            .iter()
            .map(|s| (*s, by_stage.get(s).copied().unwrap_or(0)))
            .collect(),
        overdue,
        signed,
        turnover_fen: crate::money::total(amounts)?,
        projects: p.total,
        projects_amount_fen: p.amount_fen,
        offers_published: offer::Entity::find()
            .filter(offer::Column::Status.eq(published))
            .count(db)
            .await?,
        needs_published: need::Entity::find()
            .filter(need::Column::Status.eq(published))
            .count(db)
            .await?,
    })
}

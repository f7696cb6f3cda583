//! Timed work done once per period however many replicas run: before a
//! replica does a period's work it writes the row (job, period); the unique
//! key lets one replica's row in and refuses the others', which skip that
//! period. The row keeps who did the work, when, and what it did.
//!
//! A replica that stops halfway loses that period's run; the next period's
//! run catches up (the sweep and the daily work look at the records as they
//! stand, not at what happened since the last run).

use chrono::{DateTime, Duration, DurationRound, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, SqlErr,
};

use crate::entities::job_run;
use crate::{new_id, now, Db, StoreResult};

/// The daily database work (table statistics, closing expired needs),
/// keyed by the Beijing date.
pub const DAILY: &str = "daily";
/// The case sweep (supervision, due-soon warnings, unrated replies), keyed
/// by its ten-minute slot.
pub const CASE_SWEEP: &str = "case_sweep";
/// The length of a sweep slot.
pub const SWEEP_EVERY: Duration = Duration::minutes(10);
/// Rows older than this are removed by the sweep.
const KEEP: Duration = Duration::days(30);

/// The start of the ten-minute slot `t` falls in.
pub fn slot_start(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(SWEEP_EVERY).unwrap_or(t)
}

/// A slot as a period key: "2026-12-07T07:20Z".
pub fn slot_period(t: DateTime<Utc>) -> String {
    slot_start(t).format("%Y-%m-%dT%H:%MZ").to_string()
}

/// Claim `job` for `period` on behalf of `replica`: true when this replica
/// is to do the work, false when another replica claimed the period first.
pub async fn claim(db: &Db, job: &str, period: &str, replica: &str) -> StoreResult<bool> {
    let row = job_run::ActiveModel {
        id: Set(new_id()),
        job: Set(job.into()),
        period: Set(period.into()),
        replica: Set(replica.chars().take(80).collect()),
        started_at: Set(now()),
        finished_at: Set(None),
        outcome: Set(String::new()),
    };
    match job_run::Entity::insert(row).exec(db).await {
        Ok(_) => Ok(true),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Record what a claimed run did.
pub async fn finish(db: &Db, job: &str, period: &str, outcome: &str) -> StoreResult<()> {
    job_run::Entity::update_many()
        .col_expr(job_run::Column::FinishedAt, Expr::value(Some(now())))
        .col_expr(
            job_run::Column::Outcome,
            Expr::value(outcome.chars().take(300).collect::<String>()),
        )
        .filter(job_run::Column::Job.eq(job))
        .filter(job_run::Column::Period.eq(period))
        .exec(db)
        .await?;
    Ok(())
}

/// The runs of `job`, newest first.
pub async fn runs(db: &Db, job: &str, limit: u64) -> StoreResult<Vec<job_run::Model>> {
    Ok(job_run::Entity::find()
        .filter(job_run::Column::Job.eq(job))
        .order_by_desc(job_run::Column::StartedAt)
        .limit(limit)
        .all(db)
        .await?)
}

/// Remove runs older than 30 days.
pub async fn purge_old(db: &Db) -> StoreResult<u64> {
    let r = job_run::Entity::delete_many()
        .filter(job_run::Column::StartedAt.lt(now() - KEEP))
        .exec(db)
        .await?;
    Ok(r.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_slot_is_the_ten_minutes_a_moment_falls_in() {
        let t = Utc.with_ymd_and_hms(2026, 12, 7, 7, 29, 59).unwrap();
        assert_eq!(slot_period(t), "2026-12-07T07:20Z");
        let t = Utc.with_ymd_and_hms(2026, 12, 7, 7, 30, 0).unwrap();
        assert_eq!(slot_start(t), t);
        assert_eq!(slot_period(t), "2026-12-07T07:30Z");
    }

    #[tokio::test]
    async fn one_replica_claims_a_period_and_records_what_it_did() {
        let t = crate::testdb::fresh().await;
        assert!(claim(&t.db, CASE_SWEEP, "2026-12-07T07:20Z", "a")
            .await
            .unwrap());
        assert!(!claim(&t.db, CASE_SWEEP, "2026-12-07T07:20Z", "b")
            .await
            .unwrap());
        assert!(claim(&t.db, DAILY, "2026-12-07", "b").await.unwrap());
        assert!(claim(&t.db, CASE_SWEEP, "2026-12-07T07:30Z", "b")
            .await
            .unwrap());
        finish(&t.db, CASE_SWEEP, "2026-12-07T07:20Z", "督办 2")
            .await
            .unwrap();
        let runs = runs(&t.db, CASE_SWEEP, 10).await.unwrap();
        assert_eq!(runs.len(), 2);
        let first = runs
            .iter()
            .find(|r| r.period == "2026-12-07T07:20Z")
            .unwrap();
        assert_eq!(
            (first.replica.as_str(), first.outcome.as_str()),
            ("a", "督办 2")
        );
        assert!(first.finished_at.is_some());
        assert_eq!(purge_old(&t.db).await.unwrap(), 0);
    }
}

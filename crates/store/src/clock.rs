//! The clock every area reads: now (whole seconds, UTC), today in Beijing,
//! and [`at_time`] to run work as if it were another time (the demo's
//! history goes through the real code with it).

use chrono::{DateTime, NaiveDate, Utc};

tokio::task_local! {
    static CLOCK: DateTime<Utc>;
}

/// Current time, truncated to whole seconds so every backend stores and
/// returns the same value (MySQL's TIMESTAMP keeps whole seconds). Inside
/// [`at_time`] it is the time given there.
pub fn now() -> DateTime<Utc> {
    use chrono::SubsecRound;
    CLOCK
        .try_with(|t| *t)
        .unwrap_or_else(|_| Utc::now())
        .trunc_subsecs(0)
}

/// Run `f` as if it were `t`: every record, audit entry and timeline event
/// it writes carries that time. Used to load a dataset with a history (the
/// demo) through the same code paths as live work.
pub async fn at_time<F: std::future::Future>(t: DateTime<Utc>, f: F) -> F::Output {
    CLOCK.scope(t, f).await
}

/// Beijing date of an instant (time limits count Beijing workdays).
pub fn beijing_date(t: DateTime<Utc>) -> NaiveDate {
    (t + chrono::Duration::hours(8)).date_naive()
}

/// Today in Beijing (honours [`at_time`]).
pub fn today() -> NaiveDate {
    beijing_date(now())
}

/// The instants [start, end) covering the Beijing days `from` to `to`, both
/// included (at the ends of chrono's range, as far as it goes).
pub fn beijing_day_bounds(from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let midnight = |d: NaiveDate| d.and_time(chrono::NaiveTime::MIN).and_utc();
    let start = midnight(from);
    let end = midnight(to);
    (
        start
            .checked_sub_signed(chrono::Duration::hours(8))
            .unwrap_or(start),
        end.checked_add_signed(chrono::Duration::hours(16))
            .unwrap_or(end),
    )
}

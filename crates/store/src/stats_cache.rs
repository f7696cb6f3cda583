//! Case statistics kept for repeat readers. Over a million cases one
//! statistics request aggregates the whole table (seconds in SQLite); the
//! statistics page, its export and the API ask for the same figures again
//! and again. Figures are computed from the records as before; those that
//! took [`RECOMPUTE_INLINE`] or more to compute are kept here with the time
//! they were computed, and a reader gets:
//!
//! - figures that took less: computed afresh, every time (small databases
//!   and the tests never see kept figures);
//! - kept figures, when nothing was written through this process since and
//!   they are under [`MAX_AGE`] old (other replicas' writes are seen within
//!   that);
//! - otherwise the kept figures with their time, while one recomputation
//!   runs in the background (stale while revalidating).
//!
//! Writes are noticed through [`crate::db::WriteTx`] commits.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::cases::{self, CaseFilter, Figures, GroupBy};
use crate::{now, Db, Scope, StoreResult};

/// Figures this cheap to compute are never served from the past.
pub const RECOMPUTE_INLINE: Duration = Duration::from_millis(200);
/// Kept figures older than this count as changed (other replicas' writes).
pub const MAX_AGE: Duration = Duration::from_secs(60);
const MAX_ENTRIES: usize = 256;

/// Statistics as computed at `as_of`.
#[derive(Clone)]
pub struct Stats {
    pub groups: Arc<Vec<Figures>>,
    pub total: Arc<Figures>,
    pub as_of: DateTime<Utc>,
}

struct Entry {
    stats: Stats,
    computed: Instant,
    generation: u64,
    cost: Duration,
    refreshing: bool,
}

type Key = (String, String);

fn entries() -> &'static Mutex<HashMap<Key, Entry>> {
    static ENTRIES: OnceLock<Mutex<HashMap<Key, Entry>>> = OnceLock::new();
    ENTRIES.get_or_init(Default::default)
}

fn lock() -> std::sync::MutexGuard<'static, HashMap<Key, Entry>> {
    entries().lock().unwrap_or_else(|e| e.into_inner())
}

fn inline_limits() -> &'static Mutex<HashMap<String, Duration>> {
    static LIMITS: OnceLock<Mutex<HashMap<String, Duration>>> = OnceLock::new();
    LIMITS.get_or_init(Default::default)
}

/// Set, for one database, the computing time from which figures are kept
/// (default [`RECOMPUTE_INLINE`]; zero keeps all of them).
pub fn set_inline_limit(db: &Db, limit: Duration) {
    inline_limits()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(crate::db::identity(db), limit);
}

fn inline_limit(db_key: &str) -> Duration {
    inline_limits()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(db_key)
        .copied()
        .unwrap_or(RECOMPUTE_INLINE)
}

/// A dashboard's statistics covering this many cases or more are kept like
/// costly ones after a write (refreshed behind their reader), whatever they
/// took to compute: [`statistics_unless_written`].
pub const DASHBOARD_KEPT_FROM: i64 = 50_000;

fn dashboard_limits() -> &'static Mutex<HashMap<String, i64>> {
    static LIMITS: OnceLock<Mutex<HashMap<String, i64>>> = OnceLock::new();
    LIMITS.get_or_init(Default::default)
}

/// Set, for one database, from how many cases a dashboard's figures are
/// kept after a write (default [`DASHBOARD_KEPT_FROM`]).
pub fn set_dashboard_kept_from(db: &Db, cases: i64) {
    dashboard_limits()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(crate::db::identity(db), cases);
}

fn dashboard_kept_from(db_key: &str) -> i64 {
    dashboard_limits()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(db_key)
        .copied()
        .unwrap_or(DASHBOARD_KEPT_FROM)
}

/// [`cases::statistics`], kept as described above.
pub async fn statistics(
    db: &Db,
    scope: &Scope,
    f: &CaseFilter,
    group: GroupBy,
) -> StoreResult<Stats> {
    kept(db, scope, f, group, false).await
}

/// As [`statistics`], but figures of any cost are served as kept while
/// nothing was written through this process since they were computed and
/// they are under [`MAX_AGE`] old: for a dashboard that reads many
/// statistics, each cheap alone (the cockpit). After a write, figures over
/// [`DASHBOARD_KEPT_FROM`] cases or more, or costly ones, are served as kept
/// while they are refreshed behind their reader; the others are computed
/// afresh. Other replicas' writes are seen within [`MAX_AGE`].
pub async fn statistics_unless_written(
    db: &Db,
    scope: &Scope,
    f: &CaseFilter,
    group: GroupBy,
) -> StoreResult<Stats> {
    kept(db, scope, f, group, true).await
}

async fn kept(
    db: &Db,
    scope: &Scope,
    f: &CaseFilter,
    group: GroupBy,
    unless_written: bool,
) -> StoreResult<Stats> {
    let generation = crate::db::write_generation(db);
    let limit = inline_limit(&crate::db::identity(db));
    let key = key(db, scope, f, group);
    let refresh = {
        let mut map = lock();
        let db_key = crate::db::identity(db);
        match map.get_mut(&key) {
            Some(e)
                if unless_written
                    && e.generation == generation
                    && e.computed.elapsed() < MAX_AGE =>
            {
                return Ok(e.stats.clone());
            }
            // A dashboard's figures over many cases are kept like costly
            // ones (counted, so the rule does not depend on the machine).
            Some(e)
                if e.cost < limit
                    && !(unless_written
                        && e.stats.total.received >= dashboard_kept_from(&db_key)) =>
            {
                None
            }
            Some(e) if e.generation == generation && e.computed.elapsed() < MAX_AGE => {
                return Ok(e.stats.clone());
            }
            Some(e) => {
                let start = !e.refreshing;
                e.refreshing = true;
                let kept = e.stats.clone();
                if start {
                    let (db, scope, f) = (db.clone(), scope.clone(), f.clone());
                    let key = key.clone();
                    tokio::spawn(async move {
                        let done = compute(&db, &scope, &f, group, generation).await;
                        match done {
                            Ok(entry) => store(key, entry),
                            Err(e) => {
                                tracing::warn!(error = %e, "statistics refresh failed");
                                if let Some(e) = lock().get_mut(&key) {
                                    e.refreshing = false;
                                }
                            }
                        }
                    });
                }
                Some(kept)
            }
            None => None,
        }
    };
    if let Some(kept) = refresh {
        return Ok(kept);
    }
    let entry = compute(db, scope, f, group, generation).await?;
    let stats = entry.stats.clone();
    store(key, entry);
    Ok(stats)
}

fn key(db: &Db, scope: &Scope, f: &CaseFilter, group: GroupBy) -> Key {
    (
        crate::db::identity(db),
        format!("{scope:?}|{f:?}|{group:?}|{}", cases::today()),
    )
}

/// Compute the statistics page's standard views (every grouping of all
/// cases, unfiltered, as a leader first sees them) unless they are kept for
/// today already, and keep those that are costly, so that their first
/// reader need not wait either. Run by the jobs loop: at start-up, then
/// again on each new day. Returns how many were kept.
pub async fn warm_standard(db: &Db) -> StoreResult<usize> {
    let (scope, f) = (Scope::All, CaseFilter::default());
    let limit = inline_limit(&crate::db::identity(db));
    let mut kept = 0;
    for group in GroupBy::ALL {
        let key = key(db, &scope, &f, group);
        if lock().contains_key(&key) {
            continue;
        }
        let generation = crate::db::write_generation(db);
        let entry = compute(db, &scope, &f, group, generation).await?;
        if entry.cost >= limit {
            store(key, entry);
            kept += 1;
        }
    }
    Ok(kept)
}

async fn compute(
    db: &Db,
    scope: &Scope,
    f: &CaseFilter,
    group: GroupBy,
    generation: u64,
) -> StoreResult<Entry> {
    let (started, as_of) = (Instant::now(), now());
    let (groups, total) = cases::statistics(db, scope, f, group).await?;
    Ok(Entry {
        stats: Stats {
            groups: Arc::new(groups),
            total: Arc::new(total),
            as_of,
        },
        computed: started,
        generation,
        cost: started.elapsed(),
        refreshing: false,
    })
}

fn store(key: Key, entry: Entry) {
    let mut map = lock();
    if map.len() >= MAX_ENTRIES && !map.contains_key(&key) {
        if let Some(oldest) = map
            .iter()
            .min_by_key(|(_, e)| e.computed)
            .map(|(k, _)| k.clone())
        {
            map.remove(&oldest);
        }
    }
    map.insert(key, entry);
}

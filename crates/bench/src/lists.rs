//! Case list and statistics latency over a large SQLite database, or a
//! PostgreSQL one when `KECHUANG_BENCH_PG_URL` names a server (e.g.
//! `postgres://postgres@127.0.0.1:5432/postgres`; a fresh database is
//! created there and dropped at the end).
//!
//! Creates a fresh SQLite database (migrated and seeded by
//! `kechuang::server::open`), adds 10 departments and 30 organisations
//! through the store, bulk-loads N cases (and their department tasks) with
//! raw multi-row INSERTs (bypassing the audit: fine for a benchmark), starts
//! the real server on it and times sequential requests to the case list
//! (API and HTML page) and the statistics.
//!
//! Then the cockpit (API for a month, quarter and year, and its page), with
//! `BENCH_EVENTS_PER_CASE` (default 10) timeline events per case.
//!
//! Environment: `BENCH_CASES` (default 1000000), `BENCH_ITERS` (measured
//! requests per list, default 200), `BENCH_WARM` (warm-up requests, default
//! 10), `BENCH_STATS_ITERS` (default 50), `BENCH_ENDPOINT_SECONDS` (time
//! budget per list endpoint, default 20; fewer requests are measured when it
//! runs out), `BENCH_TASKS=0` (no case_tasks rows), `BENCH_KEEP_DB=1` (keep
//! the database file and print its path).
//!
//! It prints figures; nothing here is a pass/fail assertion.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, TimeZone, Utc};
use kechuang_domain::auth::Role;
use kechuang_domain::cases as rules;
use kechuang_domain::org::OrgKind;
use kechuang_store::accounts::{self, NewUser};
use kechuang_store::cases::{CaseFilter, GroupBy};
use kechuang_store::departments::DepartmentInput;
use kechuang_store::orgs::OrgInput;
use kechuang_store::{Db, Scope};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, Statement, TransactionTrait,
};
use serde_json::Value;

const PASSWORD: &str = "Passw0rd-bench";

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// Resident and peak memory of this process (the server runs in it).
fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |k: &str| {
        status
            .lines()
            .find(|l| l.starts_with(k))
            .map(|l| l[k.len()..].trim().to_string())
            .unwrap_or_else(|| "?".into())
    };
    format!(
        "VmRSS {}, VmHWM (peak) {}",
        field("VmRSS:"),
        field("VmHWM:")
    )
}

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

// ------------------------------------------------------------------ SQL literals

/// The text SQLx writes for a `DateTime<Utc>` on SQLite (what the app stores).
fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

fn push_str(out: &mut String, s: &str) {
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push('\'');
        }
        out.push(c);
    }
    out.push('\'');
}

fn push_opt(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => push_str(out, s),
        None => out.push_str("NULL"),
    }
}

const CASE_COLS: &str = "id, number, year, seq, title, description, category_id, org_id, chain_id, channel, status, \
received_at, received_on, limit_days, due_on, suspended_workdays, suspended_since, lead_department_id, \
task_force_department_id, supervision_level, reopened_count, reply, replied_at, satisfaction, rating_comment, \
closed_at, closed_on, merged_into_id, decline_reason, submitted_by, contact_name, contact_phone, version, \
created_at, updated_at, warned_on, cycle_workdays";

const TASK_COLS: &str =
    "id, case_id, department_id, role, status, dispatched_on, due_on, accepted_at, done_at, \
done_on, result, returned_reason, version, created_at, updated_at";

struct Category {
    id: String,
    name: String,
    limit: u32,
    task_limit: u32,
}

/// In one case of 50,000 (see [`Gen::case`]).
const RARE_PHRASE: &str = "，涉及光刻胶进口通关";

const CHANNELS: [&str; 5] = ["portal", "visit", "hotline", "meeting", "instructor"];

/// Everything the generator needs.
struct Gen<'a> {
    rng: Rng,
    cats: &'a [Category],
    depts: &'a [String],
    orgs: &'a [String],
    cal: &'a kechuang_domain::calendar::WorkCalendar,
    due: HashMap<(NaiveDate, u32), NaiveDate>,
    cycles: HashMap<(NaiveDate, NaiveDate), i64>,
    seqs: HashMap<i32, i64>,
    today: NaiveDate,
    now: DateTime<Utc>,
    last_id: String,
}

fn beijing_date(t: DateTime<Utc>) -> NaiveDate {
    (t + chrono::Duration::hours(8)).date_naive()
}

/// 10:00 Beijing time on a date.
fn ten_am(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(2, 0, 0).expect("time"))
}

impl Gen<'_> {
    fn due_date(&mut self, from: NaiveDate, limit: u32) -> NaiveDate {
        let cal = self.cal;
        *self
            .due
            .entry((from, limit))
            .or_insert_with(|| rules::due_date(cal, from, limit, 0))
    }

    fn cycle(&mut self, from: NaiveDate, to: NaiveDate) -> i64 {
        let cal = self.cal;
        *self
            .cycles
            .entry((from, to))
            .or_insert_with(|| rules::cycle_workdays(cal, from, to))
    }

    /// Append one case row (and its tasks) to the statements being built.
    fn case(&mut self, received_at: DateTime<Utc>, cases: &mut String, tasks: &mut String) -> u32 {
        let r = &mut self.rng;
        let cat_i = r.below(self.cats.len() as u64) as usize;
        let dept = self.depts[r.below(self.depts.len() as u64) as usize].clone();
        let org = self.orgs[r.below(self.orgs.len() as u64) as usize].clone();
        let channel = CHANNELS[r.below(CHANNELS.len() as u64) as usize];
        let roll = r.below(1000);
        let sat_roll = r.below(100);
        let cycle = 1 + r.below(u64::from(self.cats[cat_i].limit) * 3 / 2 + 1) as i64;
        let reopened = i32::from(r.below(100) < 3);
        let assist = r.below(10) == 0;
        let assist_dept = self.depts[r.below(self.depts.len() as u64) as usize].clone();
        let phone = r.below(10_000);

        let (cat_id, cat_name, limit, task_limit) = {
            let c = &self.cats[cat_i];
            (c.id.clone(), c.name.clone(), c.limit, c.task_limit)
        };
        let received_on = beijing_date(received_at);
        let year = received_on.year();
        let seq = {
            let s = self.seqs.entry(year).or_insert(0);
            *s += 1;
            *s
        };
        let due_on = self.due_date(received_on, limit);
        let id = uuid::Uuid::now_v7().to_string();
        let status = match roll {
            0..=919 => "closed",
            920..=934 => "declined",
            935..=939 => "merged",
            940..=979 => "dispatched",
            980..=989 => "submitted",
            990..=994 => "suspended",
            _ => "replied",
        };
        let dispatched = !matches!(status, "submitted" | "declined" | "merged");
        let lead = dispatched.then_some(dept.as_str());
        let mut closed_on = None;
        let mut closed_at = None;
        let mut replied_at = None;
        let mut reply = None;
        let mut satisfaction = None;
        let mut decline_reason = None;
        let mut merged_into = None;
        let mut suspended_since = None;
        let mut supervision_level = 0;
        let mut warned_on = None;
        let mut cycle_workdays = None;
        match status {
            "closed" | "declined" | "merged" => {
                let d = (received_on + chrono::Duration::days(cycle)).min(self.today);
                let at = ten_am(d).max(received_at + chrono::Duration::hours(1));
                closed_on = Some(d);
                closed_at = Some(at);
                match status {
                    "closed" => {
                        cycle_workdays = Some(self.cycle(received_on, d));
                        replied_at = Some((at - chrono::Duration::days(1)).max(received_at));
                        reply = Some("经协调相关部门，已按政策办理完毕，并电话答复企业联系人。");
                        satisfaction = Some(match sat_roll {
                            0..=79 => "satisfied",
                            80..=91 => "basic",
                            92..=94 => "unsatisfied",
                            _ => "no_answer",
                        });
                    }
                    "declined" => {
                        decline_reason = Some("不属于平台受理范围，已告知企业通过法定渠道办理。")
                    }
                    _ => merged_into = Some(self.last_id.clone()),
                }
            }
            "dispatched" => {
                // Overdue ones already got their automatic supervision order,
                // so the housekeeping sweep has nothing to do during the run.
                if due_on < self.today {
                    supervision_level = 1;
                } else {
                    // The due-soon warning counts as sent already.
                    warned_on = Some(self.today);
                }
            }
            "suspended" => suspended_since = Some(received_on + chrono::Duration::days(2)),
            "replied" => {
                // Recent reply: the sweep will not close it as "no answer".
                replied_at = Some(self.now - chrono::Duration::days(1));
                reply = Some("已答复企业，等待评价。");
            }
            _ => {}
        }
        let updated_at = closed_at.or(replied_at).unwrap_or(received_at);

        if !cases.ends_with("VALUES ") {
            cases.push_str(",\n");
        }
        cases.push('(');
        push_str(cases, &id);
        cases.push(',');
        push_str(cases, &rules::case_number(year, seq));
        let _ = write!(cases, ",{year},{seq},");
        push_str(cases, &format!("关于{cat_name}事项的诉求（{seq}）"));
        cases.push(',');
        // One case in 50,000 names a rare product: the rare-word search.
        let rare = if seq % 50_000 == 7 { RARE_PHRASE } else { "" };
        push_str(
            cases,
            &format!("企业反映{cat_name}方面遇到困难{rare}，材料已提交多日仍未办结，请协调相关部门尽快解决。第{seq}号"),
        );
        cases.push(',');
        push_str(cases, &cat_id);
        cases.push(',');
        push_str(cases, &org);
        cases.push_str(",NULL,");
        push_str(cases, channel);
        cases.push(',');
        push_str(cases, status);
        cases.push(',');
        push_str(cases, &ts(received_at));
        cases.push(',');
        push_str(cases, &received_on.to_string());
        let _ = write!(cases, ",{limit},");
        push_str(cases, &due_on.to_string());
        cases.push_str(",0,");
        push_opt(cases, suspended_since.map(|d| d.to_string()).as_deref());
        cases.push(',');
        push_opt(cases, lead);
        let _ = write!(cases, ",NULL,{supervision_level},{reopened},");
        push_opt(cases, reply);
        cases.push(',');
        push_opt(cases, replied_at.map(ts).as_deref());
        cases.push(',');
        push_opt(cases, satisfaction);
        cases.push_str(",NULL,");
        push_opt(cases, closed_at.map(ts).as_deref());
        cases.push(',');
        push_opt(cases, closed_on.map(|d| d.to_string()).as_deref());
        cases.push(',');
        push_opt(cases, merged_into.as_deref());
        cases.push(',');
        push_opt(cases, decline_reason);
        cases.push_str(",NULL,");
        push_str(cases, "张经理");
        cases.push(',');
        push_str(cases, &format!("1380000{phone:04}"));
        cases.push_str(",1,");
        push_str(cases, &ts(received_at));
        cases.push(',');
        push_str(cases, &ts(updated_at));
        cases.push(',');
        push_opt(cases, warned_on.map(|d| d.to_string()).as_deref());
        cases.push(',');
        match cycle_workdays {
            Some(c) => {
                let _ = write!(cases, "{c}");
            }
            None => cases.push_str("NULL"),
        }
        cases.push(')');
        self.last_id = id.clone();

        // Department tasks of dispatched cases: one lead task, 10 % an assist.
        let mut n_tasks = 0;
        if dispatched {
            let done = matches!(status, "closed" | "replied");
            let task_due = self.due_date(received_on, task_limit).min(due_on);
            let mut roles = vec![("lead", dept.clone())];
            if assist && assist_dept != dept {
                roles.push(("assist", assist_dept));
            }
            for (role, d) in roles {
                if !tasks.ends_with("VALUES ") {
                    tasks.push_str(",\n");
                }
                let accepted = received_at + chrono::Duration::hours(2);
                let done_at = closed_at.or(replied_at);
                tasks.push('(');
                push_str(tasks, &uuid::Uuid::now_v7().to_string());
                tasks.push(',');
                push_str(tasks, &id);
                tasks.push(',');
                push_str(tasks, &d);
                tasks.push(',');
                push_str(tasks, role);
                tasks.push(',');
                push_str(tasks, if done { "done" } else { "accepted" });
                tasks.push(',');
                push_str(tasks, &received_on.to_string());
                tasks.push(',');
                push_str(tasks, &task_due.to_string());
                tasks.push(',');
                push_str(tasks, &ts(accepted));
                tasks.push(',');
                push_opt(tasks, done.then(|| done_at.map(ts)).flatten().as_deref());
                tasks.push(',');
                push_opt(
                    tasks,
                    done.then(|| done_at.map(|t| beijing_date(t).to_string()))
                        .flatten()
                        .as_deref(),
                );
                tasks.push(',');
                push_opt(tasks, done.then_some("已办结"));
                tasks.push_str(",NULL,1,");
                push_str(tasks, &ts(received_at));
                tasks.push(',');
                push_str(tasks, &ts(done_at.filter(|_| done).unwrap_or(accepted)));
                tasks.push(')');
                n_tasks += 1;
            }
        }
        n_tasks
    }
}

/// Bulk-load `n` cases in chronological order over 2024-01-01 … yesterday.
async fn bulk_load(
    url: &str,
    n: u64,
    with_tasks: bool,
    mut g: Gen<'_>,
) -> (u64, HashMap<i32, i64>) {
    // One dedicated connection with bulk-friendly settings for the load only.
    let sqlite = url.starts_with("sqlite:");
    let mut opt = ConnectOptions::new(if sqlite {
        format!("{url}?mode=rwc")
    } else {
        url.to_string()
    });
    opt.max_connections(1)
        .min_connections(1)
        .sqlx_logging(false);
    let loader: DatabaseConnection = Database::connect(opt).await.expect("loader connection");
    let settings: &[&str] = if sqlite {
        &[
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=OFF",
            "PRAGMA cache_size=-262144",
            "PRAGMA temp_store=MEMORY",
        ]
    } else {
        &["SET synchronous_commit = off"]
    };
    for p in settings {
        loader.execute_unprepared(p).await.expect(p);
    }
    let start_at = Utc
        .with_ymd_and_hms(2023, 12, 31, 16, 0, 0)
        .single()
        .expect("start"); // 2024-01-01 00:00 Beijing
    let end_at = g.now - chrono::Duration::days(1);
    let span = (end_at - start_at).num_seconds().max(1) as u64;
    const ROWS_PER_STMT: u64 = 1000;
    const STMTS_PER_TX: u64 = 50;
    let t0 = Instant::now();
    let mut done = 0u64;
    let mut n_tasks = 0u64;
    let mut next_report = 100_000u64;
    while done < n {
        let tx = loader.begin().await.expect("begin");
        for _ in 0..STMTS_PER_TX {
            if done >= n {
                break;
            }
            let rows = ROWS_PER_STMT.min(n - done);
            let mut cases = format!("INSERT INTO cases ({CASE_COLS}) VALUES ");
            let mut tasks = format!("INSERT INTO case_tasks ({TASK_COLS}) VALUES ");
            let mut t_rows = 0;
            for i in done..done + rows {
                let offset = (u128::from(i) * u128::from(span) / u128::from(n)) as i64;
                let jitter = g.rng.below((span / n).max(1)) as i64;
                let at = start_at + chrono::Duration::seconds(offset + jitter);
                t_rows += g.case(at, &mut cases, &mut tasks);
            }
            tx.execute_unprepared(&cases).await.expect("insert cases");
            if with_tasks && t_rows > 0 {
                tx.execute_unprepared(&tasks).await.expect("insert tasks");
                n_tasks += u64::from(t_rows);
            }
            done += rows;
        }
        tx.commit().await.expect("commit");
        if done >= next_report || done == n {
            let s = t0.elapsed().as_secs_f64();
            println!(
                "  loaded {done:>9} cases ({n_tasks} tasks) in {s:6.1} s  ({:.0} cases/s)",
                done as f64 / s
            );
            next_report = (done / 100_000 + 1) * 100_000;
        }
    }
    let mut seqs = String::from("INSERT INTO case_seqs (year, last) VALUES ");
    let mut years: Vec<_> = g.seqs.iter().collect();
    years.sort();
    for (i, (y, last)) in years.iter().enumerate() {
        let _ = write!(seqs, "{}({y},{last})", if i > 0 { "," } else { "" });
    }
    if !years.is_empty() {
        loader.execute_unprepared(&seqs).await.expect("case_seqs");
    }
    // Timeline events (the cockpit's target is set at 10 per case): copies of
    // a progress note per case, at the case's receipt.
    let per_case = env_u64("BENCH_EVENTS_PER_CASE", 10);
    let t_ev = Instant::now();
    for k in 0..per_case {
        loader
            .execute_unprepared(&format!(
                "INSERT INTO case_events (id, case_id, at, actor, kind, department_id, message) \
                 SELECT id || '-e{k}', id, received_at, 'bench', 'progress', lead_department_id, '办理进展（基准数据）' FROM cases"
            ))
            .await
            .expect("case_events");
    }
    if per_case > 0 {
        println!(
            "  {} timeline events ({per_case} per case) in {:.1} s",
            per_case * n,
            t_ev.elapsed().as_secs_f64()
        );
    }
    // The rows were written around the store: derive which departments
    // each case concerns, as the migration does for existing data.
    let t1 = Instant::now();
    loader
        .execute_unprepared("DELETE FROM case_departments")
        .await
        .expect("case_departments");
    loader
        .execute_unprepared(kechuang_store::migration::m20261129_000010_case_departments::BACKFILL)
        .await
        .expect("case_departments backfill");
    println!(
        "  case_departments derived in {:.1} s",
        t1.elapsed().as_secs_f64()
    );
    // Likewise the n-gram index of their texts, as the migration builds it.
    let t2 = Instant::now();
    let indexed = kechuang_store::search::backfill(&loader)
        .await
        .expect("case_grams backfill");
    println!(
        "  case_grams built for {indexed} cases in {:.1} s",
        t2.elapsed().as_secs_f64()
    );
    loader
        .execute_unprepared(if sqlite {
            "PRAGMA wal_checkpoint(TRUNCATE)"
        } else {
            "VACUUM ANALYZE"
        })
        .await
        .expect("checkpoint");
    let _ = loader.close().await;
    (n_tasks, g.seqs.clone())
}

// ------------------------------------------------------------------ measuring

struct Measured {
    name: String,
    lat_us: Vec<u64>,
    matched: Option<u64>,
    body_bytes: usize,
    errors: u64,
    first_error: Option<String>,
}

/// Left-align to `w` terminal columns (CJK characters take two).
fn pad(s: &str, w: usize) -> String {
    let width: usize = s
        .chars()
        .map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 })
        .sum();
    format!("{s}{}", " ".repeat(w.saturating_sub(width)))
}

fn pct(sorted: &[u64], p: usize) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = (sorted.len() * p).div_ceil(100).clamp(1, sorted.len()) - 1;
    sorted[i] as f64 / 1000.0
}

async fn measure(
    name: &str,
    rb: impl Fn() -> reqwest::RequestBuilder,
    warm: u64,
    iters: u64,
    budget: Duration,
) -> Measured {
    let mut m = Measured {
        name: name.into(),
        lat_us: vec![],
        matched: None,
        body_bytes: 0,
        errors: 0,
        first_error: None,
    };
    let started = Instant::now();
    let mut warm = warm;
    let mut i = 0;
    while i < warm + iters {
        if i > warm && started.elapsed() > budget {
            break;
        }
        i += 1;
        let t0 = Instant::now();
        let res = rb().send().await;
        let (status, body) = match res {
            Ok(r) => {
                let s = r.status();
                (s, r.bytes().await.unwrap_or_default())
            }
            Err(e) => {
                m.errors += 1;
                m.first_error.get_or_insert_with(|| e.to_string());
                continue;
            }
        };
        let us = t0.elapsed().as_micros() as u64;
        if i == 1 && us > 100_000 {
            // Slow endpoint: a short warm-up leaves the budget for samples.
            warm = warm.min(2);
        }
        if !status.is_success() {
            m.errors += 1;
            m.first_error.get_or_insert_with(|| {
                format!(
                    "HTTP {status}: {}",
                    String::from_utf8_lossy(&body[..body.len().min(400)])
                )
            });
            continue;
        }
        if i == 1 {
            m.body_bytes = body.len();
            if let Ok(v) = serde_json::from_slice::<Value>(&body) {
                m.matched = v["total"]
                    .as_u64()
                    .or_else(|| v["total"]["received"].as_u64());
            }
        }
        if i > warm {
            m.lat_us.push(us);
        }
    }
    m.lat_us.sort_unstable();
    m
}

async fn timed<T, F: std::future::Future<Output = T>>(f: F) -> (T, f64) {
    let t0 = Instant::now();
    let v = f.await;
    (v, t0.elapsed().as_secs_f64() * 1000.0)
}

async fn sql_ms(db: &Db, sql: &str) -> f64 {
    let (_, ms) = timed(db.query_all(Statement::from_string(
        db.get_database_backend(),
        sql.to_string(),
    )))
    .await;
    ms
}

#[tokio::main]
async fn main() {
    let n = env_u64("BENCH_CASES", 1_000_000).max(1);
    let iters = env_u64("BENCH_ITERS", 200).max(1);
    let warm = env_u64("BENCH_WARM", 10);
    let stats_iters = env_u64("BENCH_STATS_ITERS", 50).max(1);
    let budget = Duration::from_secs(env_u64("BENCH_ENDPOINT_SECONDS", 20));
    let with_tasks = env_u64("BENCH_TASKS", 1) != 0;
    let keep = env_u64("BENCH_KEEP_DB", 0) != 0;
    let run_t0 = Instant::now();

    let dir = std::env::temp_dir().join(format!(
        "kechuang-bench-lists-{}",
        uuid::Uuid::now_v7().simple()
    ));
    let file = dir.join("kechuang.db");
    // PostgreSQL instead of SQLite when a server is named: a fresh database
    // is created on it (and dropped at the end unless BENCH_KEEP_DB).
    let pg_server = std::env::var("KECHUANG_BENCH_PG_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let url = match &pg_server {
        Some(server) => {
            std::env::set_var("KECHUANG_TEST_DATABASE_URL", server);
            let (url, _) = kechuang_testkit::fresh_database().await;
            println!(
                "bench-lists: {n} cases, PostgreSQL at {}",
                kechuang_store::db::redact_url(&url)
            );
            url
        }
        None => {
            std::fs::create_dir_all(&dir).expect("temp dir");
            println!("bench-lists: {n} cases, SQLite at {}", file.display());
            format!("sqlite://{}", file.display())
        }
    };

    let db = kechuang::server::open(&url).await.expect("open database");
    let mut depts = vec![];
    for i in 0..10 {
        let d = kechuang_store::departments::create(
            &db,
            "bench",
            DepartmentInput {
                name: format!("职能部门{i:02}"),
                code: format!("D{i:02}"),
                parent_id: None,
                sort_order: i,
                phone: String::new(),
                funding: false,
            },
        )
        .await
        .expect("department");
        depts.push(d.id);
    }
    let mut orgs = vec![];
    for i in 0..30 {
        let o = kechuang_store::orgs::create(
            &db,
            "bench",
            OrgInput {
                name: format!("重庆基准科技有限公司{i:02}"),
                kind: OrgKind::Enterprise,
                uscc: kechuang_domain::uscc::complete(&format!("91500106MA{i:07}")),
                legal_person: "李四".into(),
                contact_name: "张经理".into(),
                contact_phone: "13800000000".into(),
                contact_email: String::new(),
                address: "重庆市".into(),
                tags: vec![],
                is_high_tech: i % 3 == 0,
                is_tech_sme: false,
                is_specialized: false,
                department_id: Some(depts[i % depts.len()].clone()),
                founded_on: None,
                description: String::new(),
            },
        )
        .await
        .expect("organisation");
        orgs.push(o.id);
    }
    let cats: Vec<Category> = kechuang_store::cases::categories(&db)
        .await
        .expect("categories")
        .into_iter()
        .map(|c| Category {
            id: c.id,
            name: c.name,
            limit: c.time_limit_days.max(1) as u32,
            task_limit: c.task_limit_days.max(1) as u32,
        })
        .collect();
    let cal = kechuang_store::calendar::load(&db).await.expect("calendar");
    let now = kechuang_store::now();
    let g = Gen {
        rng: Rng(0x9E37_79B9_7F4A_7C15),
        cats: &cats,
        depts: &depts,
        orgs: &orgs,
        cal: &cal,
        due: HashMap::new(),
        cycles: HashMap::new(),
        seqs: HashMap::new(),
        today: beijing_date(now),
        now,
        last_id: String::new(),
    };
    println!(
        "loading {n} cases (~92 % closed, 2024-01-01 … yesterday, 10 departments, {} categories, 30 orgs{}) …",
        cats.len(),
        if with_tasks { ", with department tasks" } else { "" }
    );
    let t_load = Instant::now();
    let (n_tasks, _) = bulk_load(&url, n, with_tasks, g).await;
    let load_s = t_load.elapsed().as_secs_f64();
    let db_mb = match &pg_server {
        Some(_) => db
            .query_one(Statement::from_string(
                db.get_database_backend(),
                "SELECT pg_database_size(current_database()) AS n",
            ))
            .await
            .ok()
            .flatten()
            .and_then(|r| r.try_get::<i64>("", "n").ok())
            .map_or(0, |b| b as u64 / (1024 * 1024)),
        None => std::fs::metadata(&file).map_or(0, |m| m.len()) / (1024 * 1024),
    };
    println!(
        "load: {n} cases + {n_tasks} tasks in {load_s:.1} s ({:.0} cases/s); database file {db_mb} MiB",
        n as f64 / load_s
    );

    let admin = accounts::create_user(
        &db,
        "bench",
        NewUser {
            username: "bench-admin".into(),
            display_name: "基准管理员".into(),
            password: PASSWORD.into(),
            role: Role::Admin,
            department_id: None,
            org_id: None,
            phone: String::new(),
        },
    )
    .await
    .expect("admin");
    let (token, _) = accounts::create_token(&db, &admin.id, "bench")
        .await
        .expect("token");
    // A department's clerk: lists and statistics in the department's scope.
    let clerk = accounts::create_user(
        &db,
        "bench",
        NewUser {
            username: "bench-clerk".into(),
            display_name: "基准部门经办人".into(),
            password: PASSWORD.into(),
            role: Role::Department,
            department_id: Some(depts[3].clone()),
            org_id: None,
            phone: String::new(),
        },
    )
    .await
    .expect("clerk");
    let (clerk_token, _) = accounts::create_token(&db, &clerk.id, "bench")
        .await
        .expect("clerk token");
    // What the jobs loop does at start-up, timed here and done before the
    // server starts so that it does not run behind the measured requests.
    let t_warm = Instant::now();
    kechuang_store::db::analyze(&db).await.expect("analyze");
    println!(
        "table statistics (ANALYZE on SQLite) in {:.1} s",
        t_warm.elapsed().as_secs_f64()
    );
    let t_warm = Instant::now();
    let warmed = kechuang_store::stats_cache::warm_standard(&db)
        .await
        .expect("standard statistics");
    println!(
        "standard statistics ({warmed} groupings) computed ahead in {:.1} s",
        t_warm.elapsed().as_secs_f64()
    );
    let t_warm = Instant::now();
    kechuang_web::service::cockpit::warm(&kechuang_web::AppState::new(db.clone(), false))
        .await
        .expect("cockpit ahead");
    println!(
        "the cockpit (month, quarter, year) computed ahead in {:.1} s",
        t_warm.elapsed().as_secs_f64()
    );
    let running = kechuang::server::start(db.clone(), "127.0.0.1:0", false)
        .await
        .expect("start server");
    let base = format!("http://{}", running.addr);
    println!("server on {base}; memory after load: {}", memory());

    let api = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .expect("client");
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(120))
        .build()
        .expect("client");
    let login = browser
        .post(format!("{base}/login"))
        .form(&[
            ("username", "bench-admin"),
            ("password", PASSWORD),
            ("next", "/cases"),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), 303, "sign-in should redirect");

    let dept = depts[3].clone();
    let lists: Vec<(String, String, bool)> = vec![
        (
            "GET /api/v1/cases?per_page=20".into(),
            "/api/v1/cases?per_page=20".into(),
            false,
        ),
        (
            "GET /api/v1/cases?status=dispatched&per_page=20".into(),
            "/api/v1/cases?status=dispatched&per_page=20".into(),
            false,
        ),
        (
            "GET /api/v1/cases?department_id=<D03>&per_page=20".into(),
            format!("/api/v1/cases?department_id={dept}&per_page=20"),
            false,
        ),
        (
            "GET /api/v1/cases?q=审批&per_page=20".into(),
            "/api/v1/cases?q=%E5%AE%A1%E6%89%B9&per_page=20".into(),
            false,
        ),
        (
            // In one case of 50,000: the n-gram index finds their blocks.
            "GET /api/v1/cases?q=光刻胶&per_page=20".into(),
            "/api/v1/cases?q=%E5%85%89%E5%88%BB%E8%83%B6&per_page=20".into(),
            false,
        ),
        (
            // A word no case has.
            "GET /api/v1/cases?q=量子纠缠&per_page=20".into(),
            "/api/v1/cases?q=%E9%87%8F%E5%AD%90%E7%BA%A0%E7%BC%A0&per_page=20".into(),
            false,
        ),
        (
            // Letters: indexed on SQLite and PostgreSQL (not on MariaDB).
            "GET /api/v1/cases?q=XYZ&per_page=20".into(),
            "/api/v1/cases?q=XYZ&per_page=20".into(),
            false,
        ),
        (
            "GET /api/v1/cases?page=500&per_page=20".into(),
            "/api/v1/cases?page=500&per_page=20".into(),
            false,
        ),
        (
            "GET /cases (HTML, session cookie)".into(),
            "/cases".into(),
            true,
        ),
    ];
    let mut results = vec![];
    for (name, path, page) in &lists {
        let url = format!("{base}{path}");
        eprintln!("measuring {name} …");
        let m = if *page {
            measure(name, || browser.get(&url), warm, iters, budget).await
        } else {
            measure(
                name,
                || api.get(&url).bearer_auth(&token),
                warm,
                iters,
                budget,
            )
            .await
        };
        results.push(m);
    }
    let clerk_url = format!("{base}/api/v1/cases?per_page=20");
    eprintln!("measuring the department clerk's list …");
    results.push(
        measure(
            "GET /api/v1/cases (a department clerk's scope)",
            || api.get(&clerk_url).bearer_auth(&clerk_token),
            warm,
            iters,
            budget,
        )
        .await,
    );
    let mem_lists = memory();
    eprintln!("measuring statistics …");
    // The standard views were computed ahead; the first request of another
    // filter computes its figures, later ones get them kept (refreshed in
    // the background after writes).
    let first_url = format!("{base}/api/v1/cases/statistics?group=category&channel=hotline");
    results.push(
        measure(
            "GET …/statistics?group=category&channel=hotline (first: computed)",
            || api.get(&first_url).bearer_auth(&token),
            0,
            1,
            Duration::from_secs(60),
        )
        .await,
    );
    let scoped_url = format!("{base}/api/v1/cases/statistics?group=category");
    results.push(
        measure(
            "GET …/statistics?group=category (clerk's scope, first: computed)",
            || api.get(&scoped_url).bearer_auth(&clerk_token),
            0,
            1,
            Duration::from_secs(60),
        )
        .await,
    );
    let stats_url = format!("{base}/api/v1/cases/statistics?group=department");
    results.push(
        measure(
            "GET /api/v1/cases/statistics?group=department",
            || api.get(&stats_url).bearer_auth(&token),
            1,
            stats_iters,
            Duration::from_secs(60),
        )
        .await,
    );
    let mem_stats = memory();
    // The cockpit (#18 target: < 100 ms at 1,000,000 cases and 10,000,000
    // timeline events).
    eprintln!("measuring the cockpit …");
    // Computed ahead before the server started (as the jobs loop does at
    // start-up and each day): every reader gets the kept figures until a
    // write.
    for (name, path) in [
        ("GET /api/v1/cockpit (month)", "/api/v1/cockpit"),
        (
            "GET /api/v1/cockpit?kind=quarter",
            "/api/v1/cockpit?kind=quarter",
        ),
        ("GET /api/v1/cockpit?kind=year", "/api/v1/cockpit?kind=year"),
        (
            "GET /api/v1/cockpit/indicators/cases_received",
            "/api/v1/cockpit/indicators/cases_received",
        ),
    ] {
        let url = format!("{base}{path}");
        results.push(
            measure(
                name,
                || api.get(&url).bearer_auth(&token),
                0,
                stats_iters,
                Duration::from_secs(60),
            )
            .await,
        );
    }
    // After a write the cheap figures are computed afresh by the next reader.
    let url = format!("{base}/api/v1/cockpit");
    let mut after_write = Measured {
        name: "GET /api/v1/cockpit (month, each after a write)".into(),
        lat_us: vec![],
        matched: None,
        body_bytes: 0,
        errors: 0,
        first_error: None,
    };
    for i in 0..stats_iters.min(10) {
        kechuang_store::reported::create(
            &db,
            "bench",
            kechuang_store::reported::ReportedInput {
                code: format!("bench_{i}"),
                name: format!("基准报送{i}"),
                period: "2024".into(),
                unit: "count".into(),
                value: 1,
                source: "基准".into(),
                approved_by: "基准".into(),
                note: String::new(),
            },
        )
        .await
        .expect("a write");
        let m = measure(
            "",
            || api.get(&url).bearer_auth(&token),
            0,
            1,
            Duration::from_secs(60),
        )
        .await;
        after_write.lat_us.extend(m.lat_us);
        after_write.errors += m.errors;
        after_write.body_bytes = m.body_bytes;
        after_write.first_error = after_write.first_error.or(m.first_error);
    }
    after_write.lat_us.sort_unstable();
    results.push(after_write);
    let page_url = format!("{base}/cockpit");
    results.push(
        measure(
            "GET /cockpit (HTML, session cookie)",
            || browser.get(&page_url),
            1,
            stats_iters,
            Duration::from_secs(60),
        )
        .await,
    );
    let mem_cockpit = memory();

    println!();
    println!(
        "{:<52} | {:>4} | {:>9} | {:>9} | {:>9} | {:>8} | {:>8} | {:>6}",
        "endpoint (sequential requests)",
        "n",
        "p50 ms",
        "p99 ms",
        "max ms",
        "matched",
        "body KB",
        "errors"
    );
    println!("{}", "-".repeat(124));
    for m in &results {
        println!(
            "{} | {:>4} | {:>9.1} | {:>9.1} | {:>9.1} | {:>8} | {:>8.1} | {:>6}",
            pad(&m.name, 52),
            m.lat_us.len(),
            pct(&m.lat_us, 50),
            pct(&m.lat_us, 99),
            m.lat_us.last().map_or(f64::NAN, |v| *v as f64 / 1000.0),
            m.matched.map_or("-".into(), |t| t.to_string()),
            m.body_bytes as f64 / 1024.0,
            m.errors
        );
    }
    for m in &results {
        if let Some(e) = &m.first_error {
            println!("{}: first error: {e}", m.name);
        }
    }
    println!("target: p99 < 50 ms for the lists (figures only, not an assertion)");
    println!("memory after the lists: {mem_lists}");
    println!("memory after the statistics: {mem_stats}");
    println!("memory after the cockpit: {mem_cockpit}");

    if pg_server.is_some() {
        println!();
        println!("total run time {:.1} s", run_t0.elapsed().as_secs_f64());
        running.handle.abort();
        if keep {
            println!("database kept at {}", kechuang_store::db::redact_url(&url));
        } else {
            drop(db);
            drop_pg_database(pg_server.as_deref().unwrap_or_default(), &url).await;
        }
        return;
    }
    // Where the time goes: the store and raw SQL, in process, one run each
    // (SQLite's plans).
    println!();
    println!("breakdown (in process, one run each):");
    let (_, stats_ms) = timed(kechuang_store::cases::statistics(
        &db,
        &Scope::All,
        &CaseFilter::default(),
        GroupBy::Department,
    ))
    .await;
    println!(
        "  {:<52} {stats_ms:8.1} ms",
        "statistics: store::cases::statistics(department)"
    );
    // A replica of the GROUP BY query the store builds for group=department,
    // and the same grouped the other way round, which SQLite reads through
    // the department index.
    let today = beijing_date(kechuang_store::now());
    let stats = |group_by: &str| {
        format!(
            "SELECT lead_department_id AS k, cycle_workdays AS c, COUNT(*) AS received, \
             COUNT(CASE WHEN status = 'closed' THEN 1 END) AS solved, \
             COUNT(CASE WHEN status = 'closed' AND closed_on <= due_on THEN 1 END) AS on_time, \
             COUNT(CASE WHEN satisfaction IN ('satisfied', 'basic', 'unsatisfied') THEN 1 END) AS rated, \
             COUNT(CASE WHEN satisfaction IN ('satisfied', 'basic') THEN 1 END) AS satisfied, \
             COUNT(CASE WHEN reopened_count > 0 THEN 1 END) AS reopened, \
             COUNT(CASE WHEN status IN ('submitted', 'dispatched') AND due_on < '{today}' THEN 1 END) AS overdue_open, \
             COUNT(CASE WHEN status = 'closed' AND cycle_workdays IS NOT NULL THEN 1 END) AS cycled \
             FROM cases GROUP BY {group_by}"
        )
    };
    let (_, scoped_ms) = timed(kechuang_store::cases::statistics(
        &db,
        &Scope::Departments(vec![dept.clone()]),
        &CaseFilter::default(),
        GroupBy::Category,
    ))
    .await;
    println!(
        "  {:<52} {scoped_ms:8.1} ms",
        "statistics: a department's scope (category)"
    );
    for (label, sql) in [
        (
            "statistics: GROUP BY cycle, department (table scan)",
            stats("cycle_workdays, lead_department_id"),
        ),
        (
            "statistics: GROUP BY department, cycle (ref.: index)",
            stats("lead_department_id, cycle_workdays"),
        ),
    ] {
        println!("  {} {:8.1} ms", pad(label, 52), sql_ms(&db, &sql).await);
    }
    let like = "(title LIKE '%审批%' OR number LIKE '%审批%' OR description LIKE '%审批%')";
    let dept_cond = format!(
        "EXISTS (SELECT 1 FROM case_departments cd WHERE cd.case_id = cases.id AND cd.department_id = '{dept}')"
    );
    let order = "ORDER BY received_at DESC, id DESC";
    for (label, sql) in [
        (
            "list: COUNT(*) all",
            "SELECT COUNT(*) FROM cases".to_string(),
        ),
        (
            "list: page 1 all",
            format!("SELECT * FROM cases {order} LIMIT 20"),
        ),
        (
            "list: COUNT(*) status=dispatched",
            "SELECT COUNT(*) FROM cases WHERE status = 'dispatched'".to_string(),
        ),
        (
            "list: page 1 status=dispatched",
            format!("SELECT * FROM cases WHERE status = 'dispatched' {order} LIMIT 20"),
        ),
        (
            "list: COUNT(*) department_id",
            format!("SELECT COUNT(*) FROM case_departments WHERE department_id = '{dept}'"),
        ),
        (
            "list: page 1 department_id",
            format!("SELECT * FROM cases WHERE {dept_cond} {order} LIMIT 20"),
        ),
        (
            "list: COUNT(*) q=审批",
            format!("SELECT COUNT(*) FROM cases WHERE {like}"),
        ),
        (
            "list: page 1 q=审批",
            format!("SELECT * FROM cases WHERE {like} {order} LIMIT 20"),
        ),
        (
            "list: page 500 all (OFFSET 9980)",
            format!("SELECT * FROM cases {order} LIMIT 20 OFFSET 9980"),
        ),
    ] {
        println!("  {} {:8.1} ms", pad(label, 52), sql_ms(&db, &sql).await);
    }

    println!();
    println!("total run time {:.1} s", run_t0.elapsed().as_secs_f64());
    running.handle.abort();
    if keep {
        println!("database kept at {}", file.display());
    } else {
        drop(db);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Drop the benchmark's PostgreSQL database (`url`) through the server URL.
async fn drop_pg_database(server: &str, url: &str) {
    let name = url
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    if let Ok(admin) = Database::connect(server).await {
        let _ = admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await;
        let _ = admin.close().await;
    }
}

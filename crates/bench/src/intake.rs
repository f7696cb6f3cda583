//! Case intake throughput: `POST /api/v1/cases` on the real application
//! (auth, validation, routing, SLA, audit, change feed) against a bare axum
//! handler that does one equivalent INSERT into the same `cases` table, under
//! the same client load, side by side in one run.
//!
//! SQLite always; PostgreSQL too when `KECHUANG_BENCH_PG_URL` names a server
//! (e.g. `postgres://postgres@127.0.0.1:5432/postgres`): fresh databases are
//! created on it and dropped at the end.
//!
//! Environment: `BENCH_SECONDS` (measured seconds, default 15),
//! `BENCH_SQLITE_SYNCHRONOUS` (`normal`, the default, or `full`: the
//! durability both SQLite servers open their file with),
//! `BENCH_WARMUP` (seconds, default 2), `BENCH_CLIENTS` (default 32).
//!
//! It prints figures; nothing here is a pass/fail assertion.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use kechuang_domain::auth::Role;
use kechuang_testkit::{fresh_database, spawn_app, TempDir};
use sea_orm::sea_query::{Alias, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, Statement};
use serde_json::{json, Value};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

/// Distinct WARN/ERROR log lines of the in-process servers, with counts:
/// the cause behind a bare "internal error" response.
#[derive(Clone, Default)]
struct ErrorLog(Arc<Mutex<HashMap<String, u64>>>);

impl ErrorLog {
    fn take(&self) -> Vec<(String, u64)> {
        let mut v: Vec<_> = self.0.lock().expect("log").drain().collect();
        v.sort_by_key(|e| std::cmp::Reverse(e.1));
        v
    }
}

struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, f: &tracing::field::Field, v: &dyn std::fmt::Debug) {
        if !self.0.is_empty() {
            self.0.push_str(", ");
        }
        let _ = write!(self.0, "{}={v:?}", f.name());
    }
}

impl<S: tracing::Subscriber> Layer<S> for ErrorLog {
    fn on_event(&self, e: &tracing::Event<'_>, _: Context<'_, S>) {
        let m = e.metadata();
        // tower-http's "response failed" lines only repeat the status (and
        // carry the latency, which would make every line distinct).
        if *m.level() > tracing::Level::WARN || m.target().starts_with("tower_http") {
            return;
        }
        let mut f = Fields(String::new());
        e.record(&mut f);
        let line = format!("{} {}: {}", m.level(), m.target(), f.0);
        *self.0.lock().expect("log").entry(line).or_insert(0) += 1;
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// How the load ran.
#[derive(Clone, Copy)]
struct LoadCfg {
    clients: usize,
    warmup: Duration,
    measure: Duration,
}

/// What the load measured.
#[derive(Default)]
struct LoadResult {
    /// 2xx responses to requests started inside the measured window.
    ok: u64,
    /// Non-2xx responses and transport errors over the whole run (warm-up included).
    failed: u64,
    /// 2xx responses during the warm-up.
    warm_ok: u64,
    first_error: Option<String>,
    /// Latency of every measured request, in microseconds.
    lat_us: Vec<u64>,
    secs: f64,
    /// WARN/ERROR lines the server logged during the run.
    server_log: Vec<(String, u64)>,
}

impl LoadResult {
    fn rate(&self) -> f64 {
        self.ok as f64 / self.secs
    }
    fn pct_ms(&self, p: usize) -> f64 {
        percentile(&self.lat_us, p) as f64 / 1000.0
    }
}

fn percentile(sorted: &[u64], p: usize) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let i = (sorted.len() * p).div_ceil(100).clamp(1, sorted.len()) - 1;
    sorted[i]
}

/// A case body as a client would post it (`n` makes every title unique).
fn case_body(n: u64, category_id: &str, org_id: &str) -> Value {
    json!({
        "title": format!("关于审批材料办理进度的诉求 {n}"),
        "description": format!("企业反映项目审批材料已于上周提交，至今未收到受理回执，请协调相关部门尽快办理。（基准测试 {n}）"),
        "category_id": category_id,
        "org_id": org_id,
        "chain_id": "",
        "channel": "visit",
        "contact_name": "张经理",
        "contact_phone": format!("1380000{:04}", n % 10_000),
    })
}

/// `clients` tasks posting cases back to back for warm-up + measure.
async fn run_load(
    cfg: LoadCfg,
    url: String,
    token: Option<String>,
    category_id: String,
    org_id: String,
) -> LoadResult {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(cfg.clients * 2)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("http client");
    let counter = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let warm_end = start + cfg.warmup;
    let end = warm_end + cfg.measure;
    let mut tasks = Vec::with_capacity(cfg.clients);
    for _ in 0..cfg.clients {
        let (http, url, token, cat, org, counter) = (
            http.clone(),
            url.clone(),
            token.clone(),
            category_id.clone(),
            org_id.clone(),
            counter.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut r = LoadResult::default();
            loop {
                let t0 = Instant::now();
                if t0 >= end {
                    break;
                }
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let mut rb = http.post(&url).json(&case_body(n, &cat, &org));
                if let Some(t) = &token {
                    rb = rb.bearer_auth(t);
                }
                let outcome = match rb.send().await {
                    Ok(res) => {
                        let status = res.status();
                        let body = res.bytes().await;
                        match body {
                            Ok(_) if status.is_success() => Ok(()),
                            Ok(b) => Err(format!("HTTP {status}: {}", String::from_utf8_lossy(&b))),
                            Err(e) => Err(format!("HTTP {status}, body error: {e}")),
                        }
                    }
                    Err(e) => Err(format!("transport error: {e}")),
                };
                let us = t0.elapsed().as_micros() as u64;
                match outcome {
                    Ok(()) if t0 >= warm_end => {
                        r.ok += 1;
                        r.lat_us.push(us);
                    }
                    Ok(()) => r.warm_ok += 1,
                    Err(e) => {
                        r.failed += 1;
                        if r.first_error.is_none() {
                            r.first_error = Some(e);
                        }
                    }
                }
            }
            r
        }));
    }
    let mut all = LoadResult {
        secs: cfg.measure.as_secs_f64(),
        ..Default::default()
    };
    for t in tasks {
        let r = t.await.expect("load task");
        all.ok += r.ok;
        all.failed += r.failed;
        all.warm_ok += r.warm_ok;
        all.lat_us.extend(r.lat_us);
        if all.first_error.is_none() {
            all.first_error = r.first_error;
        }
    }
    all.lat_us.sort_unstable();
    all
}

// ------------------------------------------------------------------ bare baseline

#[derive(Clone)]
struct Bare {
    db: DatabaseConnection,
    seq: Arc<AtomicU64>,
}

fn text(b: &Value, k: &str) -> String {
    b.get(k)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The Beijing calendar date of an instant.
fn beijing_date(t: DateTime<Utc>) -> NaiveDate {
    (t + chrono::Duration::hours(8)).date_naive()
}

/// One INSERT of a row equivalent to what intake stores (no auth, no
/// validation, no numbering sequence, no audit, no timeline).
async fn bare_create(
    State(s): State<Bare>,
    Json(b): Json<Value>,
) -> Result<(StatusCode, Json<Value>), (StatusCode, String)> {
    let seq = s.seq.fetch_add(1, Ordering::Relaxed) as i64 + 1;
    let now = Utc::now();
    let received_at = b
        .get("received_at")
        .and_then(Value::as_str)
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now);
    let received_on = beijing_date(received_at);
    let year = received_on.year();
    let id = uuid::Uuid::now_v7().to_string();
    let number = format!("BK-{year:04}-{seq:07}");
    let chain = Some(text(&b, "chain_id")).filter(|c| !c.is_empty());
    let none_s: Option<String> = None;
    let none_d: Option<NaiveDate> = None;
    let none_t: Option<DateTime<Utc>> = None;
    let cols = [
        "id",
        "number",
        "year",
        "seq",
        "title",
        "description",
        "category_id",
        "org_id",
        "chain_id",
        "channel",
        "status",
        "received_at",
        "received_on",
        "limit_days",
        "due_on",
        "suspended_workdays",
        "suspended_since",
        "lead_department_id",
        "task_force_department_id",
        "supervision_level",
        "reopened_count",
        "reply",
        "replied_at",
        "satisfaction",
        "rating_comment",
        "closed_at",
        "closed_on",
        "merged_into_id",
        "decline_reason",
        "submitted_by",
        "contact_name",
        "contact_phone",
        "version",
        "created_at",
        "updated_at",
    ];
    let vals: Vec<SimpleExpr> = vec![
        id.clone().into(),
        number.clone().into(),
        year.into(),
        seq.into(),
        text(&b, "title").into(),
        text(&b, "description").into(),
        text(&b, "category_id").into(),
        text(&b, "org_id").into(),
        chain.into(),
        text(&b, "channel").into(),
        "submitted".into(),
        received_at.into(),
        received_on.into(),
        10i32.into(),
        (received_on + chrono::Duration::days(14)).into(),
        0i32.into(),
        none_d.into(),
        none_s.clone().into(),
        none_s.clone().into(),
        0i32.into(),
        0i32.into(),
        none_s.clone().into(),
        none_t.into(),
        none_s.clone().into(),
        none_s.clone().into(),
        none_t.into(),
        none_d.into(),
        none_s.clone().into(),
        none_s.clone().into(),
        none_s.into(),
        text(&b, "contact_name").into(),
        text(&b, "contact_phone").into(),
        1i32.into(),
        now.into(),
        now.into(),
    ];
    let mut q = Query::insert();
    q.into_table(Alias::new("cases"))
        .columns(cols.iter().map(|c| Alias::new(*c)))
        .values_panic(vals);
    let stmt = s.db.get_database_backend().build(&q);
    s.db.execute(stmt)
        .await
        .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "number": number })),
    ))
}

/// The bare server over a fresh database with the real schema (migrated,
/// so the `cases` table has the same columns and indexes), connected with
/// the application's own pool settings (SQLite: WAL, the run's synchronous level,
/// busy timeout, 8 connections; PostgreSQL: 20 connections).
async fn start_bare() -> (String, String, Option<TempDir>) {
    let (url, dir) = fresh_database().await;
    kechuang_store::db::migrate(&url)
        .await
        .expect("migrate bare database");
    let db = kechuang_store::connect(&url)
        .await
        .expect("connect bare database");
    let app = Router::new()
        .route("/cases", post(bare_create))
        .with_state(Bare {
            db,
            seq: Arc::new(AtomicU64::new(0)),
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind bare");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/cases"), url, dir)
}

// ------------------------------------------------------------------ one backend

struct Row {
    backend: &'static str,
    app: LoadResult,
    bare: LoadResult,
    app_rows: i64,
    bare_rows: i64,
}

async fn count_cases(url: &str) -> i64 {
    let db = kechuang_store::connect(url).await.expect("connect");
    let r = db
        .query_one(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM cases".to_string(),
        ))
        .await
        .ok()
        .flatten()
        .and_then(|r| r.try_get::<i64>("", "n").ok())
        .unwrap_or(-1);
    let _ = db.close().await;
    r
}

async fn bench_backend(
    backend: &'static str,
    cfg: LoadCfg,
    dbs: &mut Vec<String>,
    log: &ErrorLog,
) -> Row {
    eprintln!("[{backend}] starting the application …");
    let app = spawn_app().await;
    dbs.push(app.database_url.clone());
    let admin = app.api_client("bench-admin", Role::Admin, None, None).await;
    let uscc = kechuang_domain::uscc::complete("91500106MA0000001")
        .expect("credit code")
        .to_string();
    let (status, org) = kechuang_testkit::Api::json(admin.post("/api/v1/orgs").json(&json!({
        "name": "重庆基准测试科技有限公司",
        "kind": "enterprise",
        "uscc": uscc,
        "contact_name": "张经理",
        "contact_phone": "13800000000",
    })))
    .await;
    assert_eq!(status, 201, "create organisation: {org}");
    let org_id = org["id"].as_str().expect("org id").to_string();
    let (status, cats) = kechuang_testkit::Api::json(admin.get("/api/v1/case-categories")).await;
    assert_eq!(status, 200, "list categories: {cats}");
    let category_id = cats[0]["id"].as_str().expect("category id").to_string();

    eprintln!(
        "[{backend}] kechuang: {} clients, {:?} warm-up + {:?} …",
        cfg.clients, cfg.warmup, cfg.measure
    );
    log.take();
    let mut app_res = run_load(
        cfg,
        app.url("/api/v1/cases"),
        Some(admin.token.clone()),
        category_id.clone(),
        org_id.clone(),
    )
    .await;
    app_res.server_log = log.take();

    eprintln!("[{backend}] bare axum + one INSERT …");
    let (bare_url, bare_db_url, _bare_dir) = start_bare().await;
    dbs.push(bare_db_url.clone());
    let mut bare_res = run_load(cfg, bare_url, None, category_id, org_id).await;
    bare_res.server_log = log.take();

    Row {
        backend,
        app_rows: count_cases(&app.database_url).await,
        bare_rows: count_cases(&bare_db_url).await,
        app: app_res,
        bare: bare_res,
    }
}

/// Drop the fresh PostgreSQL databases this run made.
async fn drop_pg_databases(server: &str, urls: &[String]) {
    let Ok(admin) = Database::connect(server).await else {
        return;
    };
    for u in urls.iter().filter(|u| u.starts_with("postgres")) {
        let name = u
            .split('?')
            .next()
            .and_then(|b| b.rsplit('/').next())
            .unwrap_or_default();
        if !name.starts_with("kc_test_") {
            continue;
        }
        let r = admin
            .execute(Statement::from_string(
                DatabaseBackend::Postgres,
                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            ))
            .await;
        if let Err(e) = r {
            eprintln!("note: could not drop {name}: {e}");
        }
    }
    let _ = admin.close().await;
}

#[tokio::main]
async fn main() {
    let log = ErrorLog::default();
    tracing_subscriber::registry().with(log.clone()).init();
    let cfg = LoadCfg {
        clients: env_u64("BENCH_CLIENTS", 32).max(1) as usize,
        warmup: Duration::from_secs(env_u64("BENCH_WARMUP", 2)),
        measure: Duration::from_secs(env_u64("BENCH_SECONDS", 15).max(1)),
    };
    let pg = std::env::var("KECHUANG_BENCH_PG_URL")
        .ok()
        .filter(|s| !s.trim().is_empty());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "bench-intake: {} concurrent clients, {} s warm-up, {} s measured, {} CPU cores; client and servers share this process",
        cfg.clients,
        cfg.warmup.as_secs(),
        cfg.measure.as_secs(),
        cores
    );
    // Both SQLite servers open their file with the same durability.
    let durability = std::env::var("BENCH_SQLITE_SYNCHRONOUS").unwrap_or_else(|_| "normal".into());
    std::env::set_var("KECHUANG_TEST_SQLITE_SYNCHRONOUS", &durability);
    println!("SQLite synchronous={durability} (BENCH_SQLITE_SYNCHRONOUS: normal or full)");

    let mut rows = vec![];
    let mut pg_dbs = vec![];
    // SQLite: a temporary file per database.
    std::env::remove_var("KECHUANG_TEST_DATABASE_URL");
    rows.push(bench_backend("SQLite", cfg, &mut vec![], &log).await);
    if let Some(server) = &pg {
        std::env::set_var("KECHUANG_TEST_DATABASE_URL", server);
        rows.push(bench_backend("PostgreSQL", cfg, &mut pg_dbs, &log).await);
    } else {
        println!("(PostgreSQL skipped: set KECHUANG_BENCH_PG_URL to include it)");
    }

    println!();
    println!(
        "{:<11} | {:>14} | {:>10} | {:>7} | {:>22} | {:>22} | {:>13} | {:>15}",
        "backend",
        "kechuang req/s",
        "bare req/s",
        "ratio %",
        "kechuang p50/p99 ms",
        "bare p50/p99 ms",
        "non-2xx k/b",
        "rows k/b"
    );
    println!("{}", "-".repeat(137));
    for r in &rows {
        println!(
            "{:<11} | {:>14.1} | {:>10.1} | {:>7.1} | {:>22} | {:>22} | {:>13} | {:>15}",
            r.backend,
            r.app.rate(),
            r.bare.rate(),
            100.0 * r.app.rate() / r.bare.rate().max(f64::MIN_POSITIVE),
            format!("{:.2} / {:.2}", r.app.pct_ms(50), r.app.pct_ms(99)),
            format!("{:.2} / {:.2}", r.bare.pct_ms(50), r.bare.pct_ms(99)),
            format!("{}/{}", r.app.failed, r.bare.failed),
            format!("{}/{}", r.app_rows, r.bare_rows),
        );
    }
    println!();
    println!("target: kechuang >= 50 % of bare on SQLite (figures only, not an assertion)");
    println!("rows k/b: cases in each database after the run (warm-up included: kechuang {} / bare {} warm-up 2xx on SQLite)",
        rows[0].app.warm_ok, rows[0].bare.warm_ok);
    for r in &rows {
        for (who, res) in [("kechuang", &r.app), ("bare", &r.bare)] {
            if let Some(e) = &res.first_error {
                println!(
                    "{} {who}: {} non-2xx/failed; first error: {}",
                    r.backend,
                    res.failed,
                    e.chars().take(600).collect::<String>()
                );
            }
            for (line, count) in res.server_log.iter().take(5) {
                println!(
                    "{} {who} server log ({count}x): {}",
                    r.backend,
                    line.chars().take(600).collect::<String>()
                );
            }
        }
    }
    if let Some(server) = &pg {
        drop_pg_databases(server, &pg_dbs).await;
    }
}

//! Scaling with cores and replicas, measured from outside: the release
//! `kechuang` server pinned to N cores (`taskset`), `wrk` pinned to other
//! cores, a fresh demo database for each column, and the same load on
//! `bench-bare` (one INSERT into a small table) as the baseline. Prints one
//! table: requests per second and p50 / p99 latency for each request and
//! each column.
//!
//! With `BENCH_REPLICAS=1,2,3` each N is also measured with R replicas of the
//! server over one database, replica i pinned to its own N cores where there
//! are enough, and R `wrk`s at once (the connections split between them, one
//! per replica, as a reverse proxy would spread them); the rates are summed.
//! Replicas belong on PostgreSQL: `BENCH_DATABASE_URL` names the server
//! (e.g. `postgres://postgres@127.0.0.1:5432/postgres`), and each column gets
//! a new database on it. The database server itself is not pinned.
//!
//! Needs `taskset` (util-linux) and `wrk` on the PATH, and the release
//! binaries beside this one (`cargo build --release -p kechuang -p
//! kechuang-bench`).
//!
//! Environment: `BENCH_CORES` (the Ns, default `1,2`), `BENCH_SECONDS`
//! (measured seconds per request, default 10), `BENCH_WARMUP` (seconds,
//! default 2), `BENCH_CONNECTIONS` (default 64), `BENCH_THREADS` (wrk
//! threads, default 4), `BENCH_LOAD_CORES` (cores for wrk, default 8),
//! `BENCH_SQLITE_SYNCHRONOUS` (`normal` or `full`, both servers),
//! `BENCH_ONLY` (comma-separated request names, e.g. `cases,bare`),
//! `BENCH_REPLICAS` (default `1`), `BENCH_DATABASE_URL` (default: SQLite
//! files in a temporary folder).
//!
//! On a machine with fewer than N + 1 cores the load shares the server's
//! cores, and the table says so: such a figure understates the server.
//!
//! It prints figures; nothing here is a pass/fail assertion.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// The cores this process may run on (its affinity mask).
fn available_cores() -> Vec<usize> {
    let out = Command::new("taskset")
        .args(["-c", "-p", &std::process::id().to_string()])
        .output()
        .expect("taskset (util-linux) must be installed");
    let text = String::from_utf8_lossy(&out.stdout);
    let list = text.rsplit(':').next().unwrap_or("").trim().to_string();
    let mut cores = Vec::new();
    for part in list.split(',').filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (usize, usize) = (a.parse().unwrap_or(0), b.parse().unwrap_or(0));
                cores.extend(a..=b);
            }
            None => cores.extend(part.parse::<usize>().ok()),
        }
    }
    cores
}

fn core_list(cores: &[usize]) -> String {
    cores
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Percent-encoding for a form body (everything but unreserved bytes).
fn form_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A Lua string literal.
fn lua(s: &str) -> String {
    format!("{s:?}")
}

/// A wrk script posting `prefix .. wrk .. thread .. "-" .. n .. suffix`, so
/// every body differs (titles stay unique across wrk processes and threads;
/// `wrk_id` is set by [`Load::wrk`]).
fn post_script(content_type: &str, token: Option<&str>, prefix: &str, suffix: &str) -> String {
    let auth = token.map(auth_script).unwrap_or_default();
    format!(
        r#"wrk.method = "POST"
wrk.headers["Content-Type"] = {ct}
{auth}local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", wrk_id .. threads)
end
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, {prefix} .. tid .. "-" .. n .. {suffix})
end
"#,
        ct = lua(content_type),
        prefix = lua(prefix),
        suffix = lua(suffix),
    )
}

/// A wrk script that only signs its requests in.
fn auth_script(token: &str) -> String {
    format!(
        "wrk.headers[\"Authorization\"] = {}\n",
        lua(&format!("Bearer {token}"))
    )
}

struct Figure {
    rate: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
}

/// Milliseconds from wrk's "1.23ms" / "456.00us" / "1.02s".
fn millis(v: &str) -> f64 {
    let num: String = v
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let x: f64 = num.parse().unwrap_or(f64::NAN);
    match &v[num.len()..] {
        "us" => x / 1000.0,
        "ms" => x,
        "s" => x * 1000.0,
        "m" => x * 60_000.0,
        _ => f64::NAN,
    }
}

fn parse_wrk(out: &str) -> Figure {
    let mut f = Figure {
        rate: f64::NAN,
        p50_ms: f64::NAN,
        p99_ms: f64::NAN,
        errors: 0,
    };
    for line in out.lines().map(str::trim) {
        let parts: Vec<&str> = line.split_whitespace().collect();
        if let Some(r) = line.strip_prefix("Requests/sec:") {
            f.rate = r.trim().parse().unwrap_or(f64::NAN);
        } else if parts.len() == 2 && parts[0] == "50%" {
            f.p50_ms = millis(parts[1]);
        } else if parts.len() == 2 && parts[0] == "99%" {
            f.p99_ms = millis(parts[1]);
        } else if let Some(n) = line.strip_prefix("Non-2xx or 3xx responses:") {
            f.errors += n.trim().parse::<u64>().unwrap_or(0);
        } else if let Some(rest) = line.strip_prefix("Socket errors:") {
            f.errors += rest
                .split(',')
                .filter_map(|p| p.split_whitespace().last()?.parse::<u64>().ok())
                .sum::<u64>();
        }
    }
    f
}

#[derive(Clone, Copy)]
struct Load<'a> {
    load_cores: &'a [usize],
    threads: u64,
    connections: u64,
    warmup: u64,
    seconds: u64,
    dir: &'a Path,
}

impl Load<'_> {
    fn wrk(&self, secs: u64, script: &str, url: &str, i: usize) -> String {
        let path = self.dir.join(format!("load-{i}.lua"));
        std::fs::write(&path, format!("wrk_id = \"{i}.\"\n{script}"))
            .expect("write the wrk script");
        let out = Command::new("taskset")
            .args(["-c", &core_list(self.load_cores), "wrk", "--latency"])
            .arg(format!("-t{}", self.threads))
            .arg(format!("-c{}", self.connections))
            .arg(format!("-d{secs}s"))
            .arg("-s")
            .arg(&path)
            .arg(url)
            .output()
            .expect("wrk must be installed");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn run(&self, script: &str, url: &str) -> Figure {
        self.run_all(script, std::slice::from_ref(&url.to_string()))
    }

    /// One `wrk` per address at once, the connections and threads split
    /// between them; the rates and errors summed, the slowest p50 and p99.
    fn run_all(&self, script: &str, urls: &[String]) -> Figure {
        let k = urls.len().max(1) as u64;
        // The i-th wrk: its share of the connections (the first ones take
        // the remainder, so the total is kept).
        let part = |i: usize| Load {
            threads: (self.threads / k).max(1),
            connections: (self.connections / k + u64::from((i as u64) < self.connections % k))
                .max(1),
            ..*self
        };
        let all = |secs: u64| {
            std::thread::scope(|sc| {
                let runs: Vec<_> = urls
                    .iter()
                    .enumerate()
                    .map(|(i, url)| {
                        let part = part(i);
                        sc.spawn(move || part.wrk(secs, script, url, i))
                    })
                    .collect();
                runs.into_iter()
                    .map(|r| parse_wrk(&r.join().expect("wrk thread")))
                    .collect::<Vec<_>>()
            })
        };
        if self.warmup > 0 {
            all(self.warmup);
        }
        let figures = all(self.seconds);
        Figure {
            rate: figures.iter().map(|f| f.rate).sum(),
            p50_ms: figures.iter().map(|f| f.p50_ms).fold(f64::NAN, f64::max),
            p99_ms: figures.iter().map(|f| f.p99_ms).fold(f64::NAN, f64::max),
            errors: figures.iter().map(|f| f.errors).sum(),
        }
    }
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sibling(name: &str) -> PathBuf {
    let me = std::env::current_exe().expect("own path");
    me.with_file_name(name)
}

fn start(cmd: &mut Command, base: String, log: &Path) -> Server {
    let log = std::fs::File::create(log).expect("server log");
    let child = cmd
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start the server under taskset");
    Server { child, base }
}

async fn wait_ready(http: &reqwest::Client, url: &str) {
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(600) {
        if let Ok(r) = http.get(url).send().await {
            if r.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{url} did not answer within 10 minutes");
}

fn sqlite_url(dir: &Path, file: &str) -> String {
    let mut url = format!("sqlite://{}?mode=rwc", dir.join(file).display());
    if let Ok(level) = std::env::var("BENCH_SQLITE_SYNCHRONOUS") {
        url.push_str("&synchronous=");
        url.push_str(&level);
    }
    url
}

async fn json(http: &reqwest::Client, url: &str, token: &str) -> Value {
    http.get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("JSON")
}

/// A fresh database for one column: a SQLite file in `dir`, or a new
/// database on the server `BENCH_DATABASE_URL` names.
async fn fresh_database(dir: &Path, file: &str) -> String {
    match std::env::var("BENCH_DATABASE_URL")
        .ok()
        .filter(|s| !s.is_empty())
    {
        Some(server) => kechuang_testkit::fresh_database_on(Some(server)).await.0,
        None => sqlite_url(dir, file),
    }
}

/// Drop a database [`fresh_database`] made on a PostgreSQL server (SQLite
/// files go with the temporary folder).
async fn drop_database(url: &str) {
    use sea_orm::{ConnectionTrait, Database, DatabaseBackend, Statement};
    let (Some(server), true) = (
        std::env::var("BENCH_DATABASE_URL").ok(),
        url.starts_with("postgres"),
    ) else {
        return;
    };
    let name = url
        .split('?')
        .next()
        .and_then(|b| b.rsplit('/').next())
        .unwrap_or_default();
    if !name.starts_with("kc_test_") {
        return;
    }
    let Ok(admin) = Database::connect(&server).await else {
        return;
    };
    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    if let Err(e) = admin
        .execute(Statement::from_string(DatabaseBackend::Postgres, sql))
        .await
    {
        eprintln!("note: could not drop {name}: {e}");
    }
    let _ = admin.close().await;
}

/// All figures for one column (N cores, R replicas): the rows' names with
/// their figures.
async fn measure(
    n: usize,
    replicas: usize,
    cores: &[usize],
    only: &[String],
) -> Vec<(&'static str, Figure)> {
    // Replica i on cores [i·N, (i+1)·N), wrapping round where there are
    // too few; the load on the cores after the last replica's.
    let server_cores =
        |i: usize| -> Vec<usize> { (0..n).map(|k| cores[(i * n + k) % cores.len()]).collect() };
    let used = (n * replicas).min(cores.len());
    let load_cores_wanted = env_u64("BENCH_LOAD_CORES", 8) as usize;
    let rest = &cores[used..];
    let load_cores: Vec<usize> = if rest.is_empty() {
        cores.to_vec()
    } else {
        rest.iter().copied().take(load_cores_wanted).collect()
    };
    let dir = std::env::temp_dir().join(format!(
        "kechuang-scale-{}-{n}x{replicas}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let load = Load {
        load_cores: &load_cores,
        threads: env_u64("BENCH_THREADS", 4),
        connections: env_u64("BENCH_CONNECTIONS", 64),
        warmup: env_u64("BENCH_WARMUP", 2),
        seconds: env_u64("BENCH_SECONDS", 10),
        dir: &dir,
    };
    let wanted = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
    let http = reqwest::Client::new();
    let mut rows = Vec::new();

    let kechuang = sibling("kechuang");
    let db_url = fresh_database(&dir, "kechuang.db").await;
    eprintln!(
        "[{n} core(s) × {replicas} replica(s): wrk on {}] seeding the demo …",
        core_list(&load_cores)
    );
    // The first replica seeds the demo; the others start on its database.
    let mut servers = Vec::new();
    for i in 0..replicas {
        let port = 18_080 + (10 * n + i) as u16;
        let mut cmd = Command::new("taskset");
        cmd.args(["-c", &core_list(&server_cores(i))])
            .arg(&kechuang)
            .arg("serve")
            .args(if i == 0 { Some("--demo") } else { None })
            .env("KECHUANG_DATABASE_URL", &db_url)
            .env("KECHUANG_BIND", format!("127.0.0.1:{port}"))
            .env("KECHUANG_LOG", "warn");
        let server = start(
            &mut cmd,
            format!("http://127.0.0.1:{port}"),
            &dir.join(format!("kechuang-{i}.log")),
        );
        wait_ready(&http, &format!("{}/healthz", server.base)).await;
        eprintln!("  replica {i} on cores {}", core_list(&server_cores(i)));
        servers.push(server);
    }
    let urls = |path: &str| -> Vec<String> {
        servers
            .iter()
            .map(|s| format!("{}{path}", s.base))
            .collect()
    };
    let token = Command::new(&kechuang)
        .args([
            "token",
            "create",
            "--username",
            "admin",
            "--name",
            "bench-scale",
        ])
        .env("KECHUANG_DATABASE_URL", &db_url)
        .env("KECHUANG_LOG", "error")
        .output()
        .expect("kechuang token create");
    let token = String::from_utf8_lossy(&token.stdout).trim().to_string();
    assert!(
        token.starts_with("kc_"),
        "no token from `kechuang token create`"
    );
    let base = servers[0].base.clone();
    let cats = json(&http, &format!("{base}/api/v1/case-categories"), &token).await;
    let category = cats[0]["id"].as_str().expect("a case category").to_string();
    let orgs = json(&http, &format!("{base}/api/v1/orgs?per_page=100"), &token).await;
    let org = orgs["items"]
        .as_array()
        .and_then(|v| v.iter().find(|o| o["kind"] == "enterprise"))
        .expect("a demo enterprise")
        .clone();
    let services = json(&http, &format!("{base}/open311/v2/services.json"), &token).await;
    let service = services[0]["service_code"]
        .as_str()
        .expect("an Open311 service")
        .to_string();

    let get = auth_script(&token);
    for (name, path) in [
        ("healthz", "/healthz"),
        ("me", "/api/v1/me"),
        ("orgs", "/api/v1/orgs?per_page=20"),
        ("cases", "/api/v1/cases?per_page=20"),
    ] {
        if wanted(name) {
            eprintln!("  GET {path} …");
            rows.push((name, load.run_all(&get, &urls(path))));
        }
    }
    if wanted("intake") {
        eprintln!("  POST /api/v1/cases …");
        let prefix = r#"{"title":"关于审批材料办理进度的诉求 "#;
        let suffix = format!(
            r#"","description":"企业反映项目审批材料已于上周提交，至今未收到受理回执，请协调相关部门尽快办理。","category_id":"{category}","org_id":"{}","chain_id":"","channel":"visit","contact_name":"张经理","contact_phone":"13800001234"}}"#,
            org["id"].as_str().unwrap_or_default()
        );
        let script = post_script("application/json", Some(&token), prefix, &suffix);
        rows.push(("intake", load.run_all(&script, &urls("/api/v1/cases"))));
    }
    if wanted("open311") {
        eprintln!("  POST /open311/v2/requests.json …");
        let prefix = format!(
            "api_key={}&service_code={}&last_name={}&phone=13800001234&attribute%5Borg_uscc%5D={}&description={}",
            form_encode(&token),
            form_encode(&service),
            form_encode("张"),
            form_encode(org["uscc"].as_str().unwrap_or_default()),
            form_encode("通过第三方系统提交：施工许可办理慢 "),
        );
        let script = post_script("application/x-www-form-urlencoded", None, &prefix, "");
        rows.push((
            "open311",
            load.run_all(&script, &urls("/open311/v2/requests.json")),
        ));
    }
    drop(servers);
    drop_database(&db_url).await;

    // The bare baseline runs alone, on the first replica's cores.
    if wanted("bare") && replicas == 1 {
        let port = 18_180 + n as u16;
        let bare_url = fresh_database(&dir, "bare.db").await;
        let bare = start(
            Command::new("taskset")
                .args(["-c", &core_list(&server_cores(0))])
                .arg(sibling("bench-bare"))
                .env("BARE_DATABASE_URL", &bare_url)
                .env("BARE_BIND", format!("127.0.0.1:{port}")),
            format!("http://127.0.0.1:{port}"),
            &dir.join("bare.log"),
        );
        // The bare server has no health route: a POST answers once it listens.
        let url = format!("{}/items", bare.base);
        let t0 = Instant::now();
        while http
            .post(&url)
            .json(&serde_json::json!({"title": "ready"}))
            .send()
            .await
            .is_err()
        {
            assert!(
                t0.elapsed() < Duration::from_secs(60),
                "bench-bare did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        eprintln!("  POST bare /items …");
        let script = post_script("application/json", None, r#"{"title":"bare "#, r#""}"#);
        rows.push(("bare", load.run(&script, &url)));
        drop(bare);
        drop_database(&bare_url).await;
    }
    let _ = std::fs::remove_dir_all(&dir);
    rows
}

fn label(name: &str) -> &'static str {
    match name {
        "healthz" => "`GET /healthz`",
        "me" => "`GET /api/v1/me` (token + one query)",
        "orgs" => "`GET /api/v1/orgs?per_page=20`",
        "cases" => "`GET /api/v1/cases?per_page=20`",
        "intake" => "`POST /api/v1/cases` (JSON intake)",
        "open311" => "Open311 `POST requests.json`",
        _ => "bare axum + one INSERT (`bench-bare`)",
    }
}

#[tokio::main]
async fn main() {
    let cores = available_cores();
    let ns: Vec<usize> = env_or("BENCH_CORES", "1,2")
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .filter(|n| (1..=cores.len()).contains(n))
        .collect();
    let only: Vec<String> = env_or("BENCH_ONLY", "")
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let replicas: Vec<usize> = env_or("BENCH_REPLICAS", "1")
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .filter(|r| *r >= 1)
        .collect();
    let mut columns = Vec::new();
    for &n in &ns {
        for &r in &replicas {
            columns.push(((n, r), measure(n, r, &cores, &only).await));
        }
    }
    let name = |(n, r): (usize, usize)| {
        let mut s = format!("{n} core{}", if n == 1 { "" } else { "s" });
        if replicas != [1] {
            let _ = write!(s, " × {r} replica{}", if r == 1 { "" } else { "s" });
        }
        s
    };

    let shared: Vec<String> = columns
        .iter()
        .filter(|((n, r), _)| n * r >= cores.len())
        .map(|(c, _)| name(*c))
        .collect();
    println!(
        "\n{} cores available; wrk -t{} -c{}, {} s after {} s warm-up; requests per second (p50 / p99 ms)",
        cores.len(),
        env_u64("BENCH_THREADS", 4),
        env_u64("BENCH_CONNECTIONS", 64),
        env_u64("BENCH_SECONDS", 10),
        env_u64("BENCH_WARMUP", 2),
    );
    if !shared.is_empty() {
        println!(
            "in {} the load generator shares the server's cores (no core left for it)",
            shared.join(", ")
        );
    }
    let mut header = String::from("| request |");
    let mut rule = String::from("|---|");
    for (c, _) in &columns {
        let _ = write!(header, " {} |", name(*c));
        rule.push_str("---|");
    }
    println!("{header}\n{rule}");
    let names: Vec<&str> = columns
        .first()
        .map(|(_, rows)| rows.iter().map(|(name, _)| *name).collect())
        .unwrap_or_default();
    for name in names {
        let mut line = format!("| {} |", label(name));
        for (_, rows) in &columns {
            match rows.iter().find(|(r, _)| *r == name) {
                Some((_, f)) => {
                    let _ = write!(
                        line,
                        " {:.0} ({:.1} / {:.1}){} |",
                        f.rate,
                        f.p50_ms,
                        f.p99_ms,
                        if f.errors > 0 {
                            format!(" **{} errors**", f.errors)
                        } else {
                            String::new()
                        }
                    );
                }
                None => line.push_str(" |"),
            }
        }
        println!("{line}");
    }
    let rate = |name: &str, rows: &[(&str, Figure)]| {
        rows.iter().find(|(r, _)| *r == name).map(|(_, f)| f.rate)
    };
    for (c, rows) in &columns {
        if let Some(bare) = rate("bare", rows) {
            let parts: Vec<String> = ["intake", "open311"]
                .iter()
                .filter_map(|k| rate(k, rows).map(|r| format!("{k} {:.1} %", 100.0 * r / bare)))
                .collect();
            println!("{}: of the bare insert: {}", name(*c), parts.join(", "));
        }
    }
}

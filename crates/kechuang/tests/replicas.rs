//! Three replicas of the real binary over one database, as a city runs them
//! behind a reverse proxy: an SQLite file by default, or a fresh database on
//! the PostgreSQL or MariaDB server `KECHUANG_TEST_DATABASE_URL` names
//! (CI runs it on both). Each replica is its own process, so nothing is
//! shared but the database: what one replica changes must be in force on
//! the others within the bound each cache names.

use std::io::{BufRead, Read, Write};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kechuang_store::{calendar, jobs};
use kechuang_testkit::Api;
use serde_json::{json, Value};

const PASSWORD: &str = "Kechuang2026";

struct Replica {
    child: Child,
    base: String,
    /// Kept open: the server may print again.
    _stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Replica {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
    fn api(&self, token: &str) -> Api {
        Api {
            base: self.base.clone(),
            token: token.to_string(),
            http: reqwest::Client::new(),
        }
    }
}

/// The binary's command line on the database.
fn cli(db_url: &str, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kechuang"))
        .args(args)
        .env("KECHUANG_DATABASE_URL", db_url)
        .env("KECHUANG_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

/// `kechuang serve` on a port of its own choosing; ready once it says where
/// it listens (after migrating).
fn start(db_url: &str) -> Replica {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kechuang"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("KECHUANG_DATABASE_URL", db_url)
        .env("KECHUANG_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start kechuang serve");
    let mut line = String::new();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut line).unwrap();
    let base = line
        .split("http://")
        .nth(1)
        .map(|rest| {
            let addr: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ':')
                .collect();
            format!("http://{addr}")
        })
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    Replica {
        child,
        base,
        _stdout: stdout,
    }
}

/// A signed-in session on `replica`: the cookie, or the status of a refusal.
async fn sign_in(replica: &Replica, username: &str, password: &str) -> Result<String, u16> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = http
        .post(replica.url("/login"))
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .unwrap();
    if r.status() != 303 {
        return Err(r.status().as_u16());
    }
    Ok(r.headers()[reqwest::header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string())
}

/// The account a session cookie stands for, as `replica` reads it.
async fn me(replica: &Replica, cookie: &str) -> (u16, Value) {
    Api::json(
        reqwest::Client::new()
            .get(replica.url("/api/v1/me"))
            .header(reqwest::header::COOKIE, cookie),
    )
    .await
}

/// A robot's endpoint: the messages it received.
fn robot() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/robot", listener.local_addr().unwrap());
    let got = Arc::new(Mutex::new(Vec::new()));
    let seen = got.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            // Headers, then as many body bytes as Content-Length says.
            loop {
                let n = s.read(&mut chunk).unwrap_or(0);
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buf).to_string();
                if let Some(end) = text.find("\r\n\r\n") {
                    let len = text[..end]
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse::<usize>().ok())?
                        })
                        .unwrap_or(0);
                    if buf.len() >= end + 4 + len {
                        break;
                    }
                }
            }
            seen.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&buf).to_string());
            let _ = s.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 27\r\nConnection: close\r\n\r\n{\"errcode\":0,\"errmsg\":\"ok\"}",
            );
        }
    });
    (url, got)
}

#[tokio::test]
async fn three_replicas_share_sessions_throttling_edits_jobs_and_webhooks() {
    let (db_url, _dir) = kechuang_testkit::fresh_database().await;
    // The first replica migrates and seeds the calendar and the categories;
    // the other two start on the database it made.
    let a = start(&db_url);
    let (b, c) = (start(&db_url), start(&db_url));
    let replicas = [&a, &b, &c];
    for (username, role) in [("admin", "admin"), ("leader", "leader"), ("keji", "leader")] {
        let out = cli(
            &db_url,
            &["user", "create", "--username", username, "--role", role],
            Some(PASSWORD),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    // A session made on one replica works on the others.
    let admin = sign_in(&a, "admin", PASSWORD)
        .await
        .expect("admin signs in");
    for r in replicas {
        let (status, who) = me(r, &admin).await;
        assert_eq!((status, who["username"].as_str()), (200, Some("admin")));
    }
    // Writes below go through an API token (a cookie's writes need its CSRF token).
    let out = cli(&db_url, &["token", "create", "--username", "admin"], None);
    let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(token.starts_with("kc_"), "a token");
    let (api_a, api_b, api_c) = (a.api(&token), b.api(&token), c.api(&token));
    let uscc = kechuang_domain::uscc::complete("91500106MA0000001").unwrap();
    let (status, org) = api_b
        .post_json(
            "/api/v1/orgs",
            json!({
                "name": "重庆多副本科技有限公司", "kind": "enterprise", "uscc": uscc.as_str(),
                "contact_name": "张经理", "contact_phone": "13800000000"
            }),
        )
        .await;
    assert_eq!(status, 201, "{org}");

    // Login throttling counts across replicas: five wrong passwords spread
    // over the three lock the account on every one of them.
    for (i, r) in [&a, &b, &c, &a, &b].into_iter().enumerate() {
        assert_eq!(
            sign_in(r, "leader", "wrong-password").await,
            Err(401),
            "attempt {i}"
        );
    }
    for r in replicas {
        assert_eq!(sign_in(r, "leader", PASSWORD).await, Err(429));
    }

    // A role changed on one replica is in force on the others at once
    // (each request reads the account).
    let keji = sign_in(&b, "keji", PASSWORD).await.expect("keji signs in");
    let users = api_a.get_ok("/api/v1/users").await;
    let user = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "keji")
        .unwrap()
        .clone();
    assert_eq!(user["role"], "leader");
    let (status, changed) = api_a
        .put_json(
            &format!("/api/v1/users/{}", user["id"].as_str().unwrap()),
            json!({
                "version": user["version"], "username": "keji", "display_name": user["display_name"],
                "role": "broker", "department_id": "", "org_id": "", "password": "", "active": true
            }),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    for r in [&b, &c] {
        let (_, who) = me(r, &keji).await;
        assert_eq!(who["role"], "broker", "the new role on {}", r.base);
    }

    // A case category switched off on one replica refuses intake on the
    // others at once (categories are read per request).
    let cats = api_a.get_ok("/api/v1/case-categories").await;
    let cat = cats[0].clone();
    let case = |title: &str| {
        json!({
            "title": title, "description": "多副本测试：企业反映审批材料提交后未收到受理回执",
            "category_id": cat["id"], "org_id": org["id"], "chain_id": "", "channel": "visit",
            "contact_name": "张经理", "contact_phone": "13800001234"
        })
    };
    let mut off = cat.clone();
    off["active"] = json!(false);
    let cat_path = format!("/api/v1/case-categories/{}", cat["id"].as_str().unwrap());
    let (status, mut on) = api_a.put_json(&cat_path, off).await;
    assert_eq!(status, 200, "{on}");
    let (status, body) = api_c.post_json("/api/v1/cases", case("停用分类")).await;
    assert_eq!(status, 422, "{body}");
    // Back on, led by a department, so its cases notify that department.
    let (status, dep) = api_c
        .post_json(
            "/api/v1/departments",
            json!({ "name": "科技局", "code": "keji", "parent_id": "" }),
        )
        .await;
    assert_eq!(status, 201, "{dep}");
    on["active"] = json!(true);
    on["lead_department_id"] = dep["id"].clone();
    let (status, body) = api_b.put_json(&cat_path, on).await;
    assert_eq!(status, 200, "{body}");

    // A day's kind changed on one replica moves the others' workday
    // arithmetic within the calendar's bound: the day after `from` becomes a
    // holiday if it is a workday now, a workday if it is not.
    let from = chrono::Utc::now().date_naive() + chrono::Duration::days(400);
    let day = from + chrono::Duration::days(1);
    let path = format!("/api/v1/calendar/add-workdays?from={from}&days=1");
    let mut before = Vec::new();
    for r in replicas {
        before.push(r.api(&token).get_ok(&path).await);
    }
    let workday_now = before[0]["date"] == day.to_string();
    let (status, body) = api_a
        .put_json(
            &format!("/api/v1/calendar/{day}"),
            json!({ "kind": if workday_now { "holiday" } else { "workday" }, "name": "多副本测试" }),
        )
        .await;
    assert!(status == 200 || status == 201, "{status} {body}");
    let t0 = Instant::now();
    for (r, was) in replicas.into_iter().zip(before) {
        loop {
            let now = r.api(&token).get_ok(&path).await;
            if now != was {
                break;
            }
            assert!(
                t0.elapsed() < calendar::CACHE_TTL + Duration::from_secs(2),
                "{} still answers {now} after {:?}",
                r.base,
                t0.elapsed()
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    // A webhook message is sent once, though three replicas deliver.
    let (robot_url, got) = robot();
    let (status, body) = api_b
        .post_json(
            "/api/v1/webhooks",
            json!({ "name": "多副本机器人", "kind": "wecom", "url": robot_url, "active": true }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let title = "多副本推送测试";
    let (status, body) = api_c.post_json("/api/v1/cases", case(title)).await;
    assert_eq!(status, 201, "{body}");
    let count = || {
        got.lock()
            .unwrap()
            .iter()
            .filter(|m| m.contains(title))
            .count()
    };
    let t0 = Instant::now();
    while count() == 0 {
        assert!(t0.elapsed() < Duration::from_secs(30), "no message in 30 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Two more delivery rounds on every replica.
    tokio::time::sleep(Duration::from_secs(11)).await;
    assert_eq!(count(), 1, "one message, sent once");

    // Today's daily work and each ten-minute sweep were done once, by one
    // of the replicas, which recorded what it did.
    let db = kechuang_store::connect(&db_url).await.unwrap();
    let pids: Vec<String> = replicas.iter().map(|r| r.child.id().to_string()).collect();
    let by_replica =
        |replica: &str| pids.contains(&replica.split('-').next().unwrap_or_default().to_string());
    let today = kechuang_store::clock::today().to_string();
    let daily = jobs::runs(&db, jobs::DAILY, 10).await.unwrap();
    let daily: Vec<_> = daily.iter().filter(|r| r.period == today).collect();
    assert_eq!(daily.len(), 1, "{daily:?}");
    assert!(by_replica(&daily[0].replica), "{daily:?}");
    assert!(
        daily[0].outcome.contains("关闭过期需求") && !daily[0].outcome.contains("失败"),
        "{daily:?}"
    );
    let sweeps = jobs::runs(&db, jobs::CASE_SWEEP, 10).await.unwrap();
    assert!(!sweeps.is_empty());
    for run in sweeps.iter().filter(|r| r.finished_at.is_some()) {
        assert!(by_replica(&run.replica), "{run:?}");
        assert!(
            run.outcome.starts_with("督办") && !run.outcome.contains("失败"),
            "{run:?}"
        );
    }
}

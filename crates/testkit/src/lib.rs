//! `spawn_app()`: the real server on port 0 with a fresh database.
//!
//! The backend comes from `KECHUANG_TEST_DATABASE_URL`: unset means a new
//! SQLite file in a temporary folder; a `postgres://…` or `mysql://…` URL
//! names a server on which a fresh database is created for each app.

use std::net::SocketAddr;

use kechuang_domain::auth::Role;
use kechuang_store::accounts::{self, NewUser};
use kechuang_store::Db;
use sea_orm::{ConnectionTrait, Database, Statement};

pub const PASSWORD: &str = "Passw0rd-test";

pub struct TestApp {
    pub addr: SocketAddr,
    pub db: Db,
    pub database_url: String,
    _dir: Option<TempDir>,
}

/// A temporary folder removed on drop.
pub struct TempDir(pub std::path::PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn unique() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

/// Make a fresh, empty database and return its URL: a SQLite file in a
/// temporary folder (with `?synchronous=` from `KECHUANG_TEST_SQLITE_SYNCHRONOUS`
/// when set, for the benchmarks), or a new database on the server
/// `KECHUANG_TEST_DATABASE_URL` names.
pub async fn fresh_database() -> (String, Option<TempDir>) {
    fresh_database_on(std::env::var("KECHUANG_TEST_DATABASE_URL").ok()).await
}

/// Like [`fresh_database`], on the database server `server` names (a SQLite
/// file when `None` or empty).
pub async fn fresh_database_on(server: Option<String>) -> (String, Option<TempDir>) {
    match server.filter(|s| !s.is_empty()) {
        None => {
            let dir = std::env::temp_dir().join(format!("kechuang-test-{}", unique()));
            std::fs::create_dir_all(&dir).expect("temp dir");
            let durability = std::env::var("KECHUANG_TEST_SQLITE_SYNCHRONOUS")
                .ok()
                .filter(|s| !s.is_empty())
                .map(|s| format!("?synchronous={s}"))
                .unwrap_or_default();
            (
                format!("sqlite://{}/kechuang.db{durability}", dir.display()),
                Some(TempDir(dir)),
            )
        }
        Some(server) => {
            let name = format!("kc_test_{}", &unique()[12..]);
            let admin = Database::connect(&server)
                .await
                .expect("connect to the test database server");
            let backend = admin.get_database_backend();
            admin
                .execute(Statement::from_string(
                    backend,
                    match backend {
                        sea_orm::DatabaseBackend::MySql => format!("CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"),
                        _ => format!("CREATE DATABASE {name}"),
                    },
                ))
                .await
                .expect("create test database");
            let _ = admin.close().await;
            // Replace the database name (the path after the last '/').
            let (base, query) = match server.split_once('?') {
                Some((b, q)) => (b.to_string(), format!("?{q}")),
                None => (server.clone(), String::new()),
            };
            let prefix = &base[..base.rfind('/').expect("URL has a database path")];
            (format!("{prefix}/{name}{query}"), None)
        }
    }
}

/// Start the real server on 127.0.0.1:0 over a fresh, migrated database.
pub async fn spawn_app() -> TestApp {
    let (url, dir) = fresh_database().await;
    let db = kechuang::server::open(&url).await.expect("open database");
    let running = kechuang::server::start(db, "127.0.0.1:0", false)
        .await
        .expect("start server");
    TestApp {
        addr: running.addr,
        db: running.db,
        database_url: url,
        _dir: dir,
    }
}

impl TestApp {
    /// Another replica: a second server over the same database, as a city
    /// runs several behind a load balancer.
    pub async fn replica(&self) -> TestApp {
        let db = kechuang::server::open(&self.database_url)
            .await
            .expect("open database");
        let running = kechuang::server::start(db, "127.0.0.1:0", false)
            .await
            .expect("start replica");
        TestApp {
            addr: running.addr,
            db: running.db,
            database_url: self.database_url.clone(),
            _dir: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Create an account directly in the store.
    pub async fn user(
        &self,
        username: &str,
        role: Role,
        department_id: Option<String>,
        org_id: Option<String>,
    ) -> String {
        accounts::create_user(
            &self.db,
            "test",
            NewUser {
                username: username.into(),
                display_name: username.into(),
                password: PASSWORD.into(),
                role,
                department_id,
                org_id,
                phone: String::new(),
            },
        )
        .await
        .expect("create user")
        .id
    }

    /// An API client authenticated with a fresh bearer token of a new account.
    pub async fn api_client(
        &self,
        username: &str,
        role: Role,
        department_id: Option<String>,
        org_id: Option<String>,
    ) -> Api {
        let id = self.user(username, role, department_id, org_id).await;
        let (token, _) = accounts::create_token(&self.db, &id, "test")
            .await
            .expect("token");
        Api {
            base: self.url(""),
            token,
            http: reqwest::Client::new(),
        }
    }

    /// An API client with a fresh bearer token of an existing account.
    pub async fn token_client(&self, user_id: &str) -> Api {
        let (token, _) = accounts::create_token(&self.db, user_id, "test")
            .await
            .expect("token");
        Api {
            base: self.url(""),
            token,
            http: reqwest::Client::new(),
        }
    }

    /// A browser-like client (cookie jar, no redirects followed) signed in through the login form.
    pub async fn browser(&self, username: &str) -> Browser {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let res = http
            .post(self.url("/login"))
            .form(&[
                ("username", username),
                ("password", PASSWORD),
                ("next", "/"),
            ])
            .send()
            .await
            .expect("login");
        assert_eq!(res.status(), 303, "sign-in of {username} should redirect");
        let b = Browser {
            base: self.url(""),
            http,
            csrf: String::new(),
        };
        let html = b.get_text("/account/password").await;
        let csrf = between(&html, "name=\"csrf-token\" content=\"", "\"")
            .expect("csrf meta")
            .to_string();
        Browser { csrf, ..b }
    }
}

/// The `id` of a record in a JSON answer.
pub fn id(v: &serde_json::Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

pub fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

/// Bearer-token API client.
pub struct Api {
    pub base: String,
    pub token: String,
    pub http: reqwest::Client,
}

impl Api {
    /// The same account's client, talking to another replica.
    pub fn on(&self, replica: &TestApp) -> Api {
        Api {
            base: replica.url(""),
            token: self.token.clone(),
            http: reqwest::Client::new(),
        }
    }

    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http
            .get(format!("{}{}", self.base, path))
            .bearer_auth(&self.token)
    }
    pub fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.http
            .post(format!("{}{}", self.base, path))
            .bearer_auth(&self.token)
    }
    pub fn put(&self, path: &str) -> reqwest::RequestBuilder {
        self.http
            .put(format!("{}{}", self.base, path))
            .bearer_auth(&self.token)
    }
    pub fn delete(&self, path: &str) -> reqwest::RequestBuilder {
        self.http
            .delete(format!("{}{}", self.base, path))
            .bearer_auth(&self.token)
    }
    /// Send and return (status, JSON body or Null).
    pub async fn json(rb: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
        let res = rb.send().await.expect("request");
        let status = res.status().as_u16();
        let body = res.json().await.unwrap_or(serde_json::Value::Null);
        (status, body)
    }
    /// POST a JSON body; (status, JSON answer).
    pub async fn post_json(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        Self::json(self.post(path).json(&body)).await
    }
    /// PUT a JSON body; (status, JSON answer).
    pub async fn put_json(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        Self::json(self.put(path).json(&body)).await
    }
    /// GET that must answer 200; the JSON answer.
    pub async fn get_ok(&self, path: &str) -> serde_json::Value {
        let (status, body) = Self::json(self.get(path)).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }
    /// GET a page (the API token also signs pages in) and return its text.
    pub async fn text(&self, path: &str) -> String {
        let res = self.get(path).send().await.expect("request");
        res.text().await.expect("text")
    }
}

/// Cookie-session client that behaves like a browser form user.
pub struct Browser {
    pub base: String,
    pub http: reqwest::Client,
    pub csrf: String,
}

impl Browser {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .expect("get")
    }
    pub async fn get_text(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("text")
    }
    /// Post an .xlsx as a page's upload form does: the multipart field
    /// `file`, the session's CSRF token in the query.
    pub async fn upload(&self, path: &str, bytes: Vec<u8>) -> reqwest::Response {
        let part = reqwest::multipart::Part::bytes(bytes).file_name("upload.xlsx");
        self.http
            .post(format!("{}{}?csrf_token={}", self.base, path, self.csrf))
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .expect("upload")
    }
    /// Post a urlencoded form with the session's CSRF token added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut f: Vec<(&str, &str)> = fields.to_vec();
        f.push(("csrf_token", &self.csrf));
        self.http
            .post(format!("{}{}", self.base, path))
            .form(&f)
            .send()
            .await
            .expect("post")
    }
}

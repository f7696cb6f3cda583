//! The minimal baseline for an external load generator: an axum server whose
//! one route, `POST /items` with `{"title": "…"}`, does one INSERT into a
//! small table and answers 201 with the new id. Nothing else: no auth, no
//! validation, no audit. `bench-scale` runs it beside the real server.
//!
//! It opens its database with the application's own pool settings
//! (`kechuang_store::connect`: on SQLite WAL, the synchronous level named in
//! the address, 8 connections), so the same durability is compared.
//!
//! Environment: `BARE_DATABASE_URL` (e.g. `sqlite:///tmp/bare.db?mode=rwc`
//! or a PostgreSQL address; not MySQL), `BARE_BIND` (default `127.0.0.1:8099`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};
use serde_json::{json, Value};

async fn create(
    State(db): State<DatabaseConnection>,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let title = body["title"].as_str().unwrap_or_default().to_string();
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => {
            "INSERT INTO bare_items (title, created_at) VALUES ($1, now()) RETURNING id"
        }
        _ => {
            "INSERT INTO bare_items (title, created_at) VALUES (?, CURRENT_TIMESTAMP) RETURNING id"
        }
    };
    let row = db
        .query_one(Statement::from_sql_and_values(backend, sql, [title.into()]))
        .await;
    match row {
        Ok(Some(r)) => {
            let id: i64 = r.try_get("", "id").unwrap_or_default();
            (StatusCode::CREATED, Json(json!({ "id": id })))
        }
        Ok(None) => (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({}))),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({ "error": e.to_string() })),
        ),
    }
}

#[tokio::main]
async fn main() {
    let url = std::env::var("BARE_DATABASE_URL").expect("BARE_DATABASE_URL");
    assert!(
        !url.starts_with("mysql"),
        "bench-bare speaks SQLite and PostgreSQL only"
    );
    let bind = std::env::var("BARE_BIND").unwrap_or_else(|_| "127.0.0.1:8099".into());
    let db = kechuang_store::connect(&url)
        .await
        .expect("connect the bare database");
    let table = match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            "CREATE TABLE IF NOT EXISTS bare_items (id BIGSERIAL PRIMARY KEY, title TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL)"
        }
        _ => "CREATE TABLE IF NOT EXISTS bare_items (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, created_at TEXT NOT NULL)",
    };
    db.execute_unprepared(table)
        .await
        .expect("create bare_items");
    let app = Router::new().route("/items", post(create)).with_state(db);
    let listener = tokio::net::TcpListener::bind(&bind)
        .await
        .expect("bind the bare server");
    eprintln!("bench-bare listening on http://{bind}");
    axum::serve(listener, app).await.expect("serve");
}

//! The integration suite: the real server on port 0 over a fresh database
//! (SQLite by default; PostgreSQL or MariaDB with KECHUANG_TEST_DATABASE_URL).

mod case_admin;
mod cases;
mod edge;
mod foundation;
mod open311;
mod party_claims;
mod party_commitments;
mod party_meetings;
mod party_network;
mod party_races;
mod party_staff;
mod party_zones;
mod transfer;

use kechuang_domain::auth::Role;
use kechuang_domain::uscc;
use kechuang_testkit::{Api, TestApp};
use serde_json::{json, Value};

pub fn code(n: u32) -> String {
    uscc::complete(&format!("91500106MA{n:07}"))
        .unwrap()
        .to_string()
}

pub async fn admin(app: &TestApp) -> Api {
    app.api_client("admin", Role::Admin, None, None).await
}

pub async fn create_org(api: &Api, name: &str, n: u32, extra: Value) -> Value {
    let mut body = json!({ "name": name, "kind": "enterprise", "uscc": code(n) });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (status, org) = Api::json(api.post("/api/v1/orgs").json(&body)).await;
    assert_eq!(status, 201, "create {name}: {org}");
    org
}

pub async fn create_department(api: &Api, name: &str, code: &str, parent: Option<&str>) -> Value {
    let (status, d) = Api::json(
        api.post("/api/v1/departments")
            .json(&json!({ "name": name, "code": code, "parent_id": parent.unwrap_or("") })),
    )
    .await;
    assert_eq!(status, 201, "{d}");
    d
}

//! Platform foundation: auth, scope, registers, calendar, audit, pages.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, DataType, Reader, Xlsx};
use kechuang_domain::auth::Role;
use kechuang_testkit::{between, id, spawn_app, Api, TestApp};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};

use crate::{admin, code, create_department, create_org, problem_cells, text_xlsx, upload_xlsx};

#[tokio::test]
async fn ops_endpoints_and_security_headers() {
    let app = spawn_app().await;
    let res = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(res.status(), 200);
    let res = reqwest::get(app.url("/readyz")).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "ready");
    let res = reqwest::get(app.url("/login")).await.unwrap();
    let h = res.headers();
    assert!(h["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h.contains_key("x-request-id"));
    let metrics = reqwest::get(app.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(
            "kechuang_http_requests_total{method=\"GET\",route=\"/login\",status=\"200\"} 1"
        ),
        "{metrics}"
    );
}

#[tokio::test]
async fn sign_in_throttling_logout_and_csrf() {
    let app = spawn_app().await;
    app.user("clerk", Role::Department, None, None).await;
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let wrong = http
        .post(app.url("/login"))
        .form(&[("username", "clerk"), ("password", "nope")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(wrong.text().await.unwrap().contains("用户名或密码不正确"));

    let b = app.browser("clerk").await;
    // A cookie-authenticated write without the CSRF token is refused.
    let res = b
        .http
        .post(app.url("/account/tokens"))
        .form(&[("name", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "csrf_failed");
    // With the token it goes through, and the new token works as a bearer.
    let html = b
        .post_form("/account/tokens", &[("name", "脚本")])
        .await
        .text()
        .await
        .unwrap();
    let token = between(&html, "id=\"new-token\">", "<")
        .expect("new token shown")
        .to_string();
    let me: Value = reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "clerk");
    assert_eq!(me["role"], "department");

    // Logout ends the session: pages redirect to sign-in again.
    let res = b.post_form("/logout", &[]).await;
    assert_eq!(res.status(), 303);
    let res = b.get("/orgs").await;
    assert_eq!(res.status(), 303);
    assert!(res.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login?next="));

    // Five failures lock the account for a while, even with the right
    // password; the page warns before: the third and fourth say what is left.
    let mut said = vec![];
    for _ in 0..5 {
        let res = http
            .post(app.url("/login"))
            .form(&[("username", "clerk"), ("password", "bad")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        let html = res.text().await.unwrap();
        said.push(
            kechuang_testkit::between(&html, "用户名或密码不正确", "<")
                .unwrap_or("")
                .to_string(),
        );
    }
    assert_eq!(
        said,
        [
            "",
            "",
            "；再输错2次，该账号将被暂时锁定（最长15分钟）",
            "；再输错1次，该账号将被暂时锁定（最长15分钟）",
            "；该账号已被暂时锁定（最长15分钟），请稍后再试，或请管理员重置密码"
        ]
    );
    let res = http
        .post(app.url("/login"))
        .form(&[
            ("username", "clerk"),
            ("password", kechuang_testkit::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
}

#[tokio::test]
async fn session_cookie_is_httponly_and_samesite() {
    let app = spawn_app().await;
    app.user("u1", Role::Leader, None, None).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = http
        .post(app.url("/login"))
        .form(&[
            ("username", "u1"),
            ("password", kechuang_testkit::PASSWORD),
            ("next", "//evil.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        "/",
        "open redirects are not followed"
    );
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
}

#[tokio::test]
async fn api_requires_a_valid_token() {
    let app = spawn_app().await;
    let (status, body) = Api::json(reqwest::Client::new().get(app.url("/api/v1/orgs"))).await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "unauthenticated");
    let (status, body) = Api::json(
        reqwest::Client::new()
            .get(app.url("/api/v1/orgs"))
            .bearer_auth("kc_forged"),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "invalid_token");
    // A revoked token stops working.
    let api = admin(&app).await;
    let id: String = app
        .db
        .query_one(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT id FROM api_tokens".to_string(),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "id")
        .unwrap();
    let user: String = app
        .db
        .query_one(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT user_id FROM api_tokens".to_string(),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "user_id")
        .unwrap();
    kechuang_store::accounts::revoke_token(&app.db, &user, &id)
        .await
        .unwrap();
    let (status, _) = Api::json(api.get("/api/v1/orgs")).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn organisation_register_through_the_api() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let org = create_org(
        &api,
        "重庆渝新能源汽车有限公司",
        1,
        json!({"tags": "新能源，整车", "is_high_tech": true}),
    )
    .await;
    assert_eq!(org["kind_label"], "企业");
    assert_eq!(org["tags"], json!(["新能源", "整车"]));
    assert_eq!(org["version"], 1);

    // Invalid check character → 422 invalid_uscc, nothing written.
    let mut bad = code(2);
    let last = bad.pop().unwrap();
    bad.push(if last == '0' { '1' } else { '0' });
    let (status, body) = Api::json(
        api.post("/api/v1/orgs")
            .json(&json!({"name": "坏代码公司", "kind": "enterprise", "uscc": bad})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["code"], "invalid_uscc");
    assert!(body["details"]["fields"]["uscc"]
        .as_str()
        .unwrap()
        .contains("校验"));
    // Duplicate code → 409 duplicate_uscc.
    let (status, body) = Api::json(
        api.post("/api/v1/orgs")
            .json(&json!({"name": "重复公司", "kind": "enterprise", "uscc": code(1)})),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(body["code"], "duplicate_uscc");
    // Broken JSON → 400 with the error format.
    let (status, body) = Api::json(
        api.post("/api/v1/orgs")
            .header("content-type", "application/json")
            .body("{\"name\": 5"),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "invalid_json");

    create_org(&api, "重庆大学", 3, json!({"kind": "university"})).await;
    create_org(&api, "重庆锂源动力电池有限公司", 4, json!({})).await;

    // Chinese substring search, kind filter, sort and paging.
    let (_, page) = Api::json(api.get("/api/v1/orgs?q=%E6%96%B0%E8%83%BD%E6%BA%90")).await; // 新能源
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["name"], "重庆渝新能源汽车有限公司");
    let (_, page) = Api::json(api.get("/api/v1/orgs?kind=university")).await;
    assert_eq!(page["total"], 1);
    let (_, page) = Api::json(api.get("/api/v1/orgs?sort=name&dir=desc&per_page=2&page=2")).await;
    assert_eq!(page["total"], 3);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let (status, body) = Api::json(api.get("/api/v1/orgs?sort=bogus")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_query"))
    );

    // Optimistic concurrency: the second writer with the old version gets 409.
    let id = org["id"].as_str().unwrap();
    let (status, updated) = Api::json(api.put(&format!("/api/v1/orgs/{id}")).json(&json!({"version": 1, "name": "重庆渝新能源汽车股份有限公司", "kind": "enterprise", "uscc": code(1)}))).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["version"], 2);
    let (status, body) = Api::json(
        api.put(&format!("/api/v1/orgs/{id}"))
            .json(&json!({"version": 1, "name": "覆盖", "kind": "enterprise", "uscc": code(1)})),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(body["code"], "stale_version");
    let (_, current) = Api::json(api.get(&format!("/api/v1/orgs/{id}"))).await;
    assert_eq!(current["name"], "重庆渝新能源汽车股份有限公司");

    // Delete needs the current version too.
    let (status, _) = Api::json(api.delete(&format!("/api/v1/orgs/{id}?version=1"))).await;
    assert_eq!(status, 409);
    let (status, _) = Api::json(api.delete(&format!("/api/v1/orgs/{id}?version=2"))).await;
    assert_eq!(status, 204);
    let (status, _) = Api::json(api.get(&format!("/api/v1/orgs/{id}"))).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn data_scope_is_applied_in_queries() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let root = create_department(&api, "管委会", "GWH", None).await;
    let keji = create_department(&api, "科技创新局", "KJ", root["id"].as_str()).await;
    let sub = create_department(&api, "成果转化科", "KJ-CG", keji["id"].as_str()).await;
    let other = create_department(&api, "经济发展局", "JF", root["id"].as_str()).await;
    let a = create_org(&api, "甲公司", 11, json!({"department_id": sub["id"]})).await;
    let b = create_org(&api, "乙公司", 12, json!({"department_id": other["id"]})).await;

    // Enterprise user: only their own organisation; a guessed id is 404.
    let ent = app
        .api_client(
            "ent",
            Role::Enterprise,
            None,
            a["id"].as_str().map(String::from),
        )
        .await;
    let (_, page) = Api::json(ent.get("/api/v1/orgs")).await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["name"], "甲公司");
    let (status, _) =
        Api::json(ent.get(&format!("/api/v1/orgs/{}", b["id"].as_str().unwrap()))).await;
    assert_eq!(status, 404);
    let (status, _) = Api::json(
        ent.put(&format!("/api/v1/orgs/{}", b["id"].as_str().unwrap()))
            .json(&json!({"version": 1, "name": "x", "kind": "enterprise", "uscc": code(12)})),
    )
    .await;
    assert_eq!(status, 404);
    // ... but not register new ones.
    // ... may correct their own contact details, while registration fields stay as registered.
    let (status, own) = Api::json(ent.put(&format!("/api/v1/orgs/{}", a["id"].as_str().unwrap())).json(&json!({"version": 1, "name": "甲公司", "kind": "other", "uscc": code(11), "contact_phone": "023-68880000", "is_high_tech": true}))).await;
    assert_eq!(status, 200);
    assert_eq!(own["contact_phone"], "023-68880000");
    assert_eq!(
        (own["kind"].as_str(), own["is_high_tech"].as_bool()),
        (Some("enterprise"), Some(false))
    );
    assert_eq!(own["department_id"], sub["id"]);
    let (status, _) = Api::json(
        ent.post("/api/v1/orgs")
            .json(&json!({"name": "新", "kind": "other"})),
    )
    .await;
    assert_eq!(status, 403);

    // Department user: their department and below.
    let dep = app
        .api_client(
            "kj",
            Role::Department,
            keji["id"].as_str().map(String::from),
            None,
        )
        .await;
    let (_, page) = Api::json(dep.get("/api/v1/orgs")).await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["name"], "甲公司");
    let (_, deps) = Api::json(dep.get("/api/v1/departments")).await;
    let names: Vec<&str> = deps
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["科技创新局", "成果转化科"]);

    // A talent may not read the register at all.
    let talent = app.api_client("talent", Role::Talent, None, None).await;
    let (status, body) = Api::json(talent.get("/api/v1/orgs")).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")));
}

#[tokio::test]
async fn department_tree_rules() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let root = create_department(&api, "管委会", "GWH", None).await;
    let child = create_department(&api, "科技创新局", "KJ", root["id"].as_str()).await;
    let grandchild = create_department(&api, "成果转化科", "KJ-CG", child["id"].as_str()).await;
    // Moving a department under its own descendant is refused.
    let (status, body) = Api::json(api.put(&format!("/api/v1/departments/{}", child["id"].as_str().unwrap())).json(&json!({"version": 1, "name": "科技创新局", "code": "KJ", "parent_id": grandchild["id"]}))).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("invalid_parent"))
    );
    // Duplicate code → 409.
    let (status, body) = Api::json(
        api.post("/api/v1/departments")
            .json(&json!({"name": "又一个", "code": "KJ"})),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("duplicate_code"))
    );
    // A department with children cannot be deleted.
    let (status, body) = Api::json(api.delete(&format!(
        "/api/v1/departments/{}?version=1",
        root["id"].as_str().unwrap()
    )))
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("department_in_use"))
    );
    // Moving a subtree to the top keeps the grandchild under it (scope follows).
    let (status, _) = Api::json(
        api.put(&format!(
            "/api/v1/departments/{}",
            child["id"].as_str().unwrap()
        ))
        .json(&json!({"version": 1, "name": "科技创新局", "code": "KJ"})),
    )
    .await;
    assert_eq!(status, 200);
    let dep = app
        .api_client(
            "kj",
            Role::Department,
            child["id"].as_str().map(String::from),
            None,
        )
        .await;
    let (_, deps) = Api::json(dep.get("/api/v1/departments")).await;
    assert_eq!(deps.as_array().unwrap().len(), 2);
    assert_eq!(deps[1]["depth"], 1);
}

#[tokio::test]
async fn chain_output_and_growth_come_from_the_records() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let (status, chain) = Api::json(
        api.post("/api/v1/chains")
            .json(&json!({"name": "智能网联新能源汽车"})),
    )
    .await;
    assert_eq!(status, 201);
    let cid = chain["id"].as_str().unwrap();
    let (status, parts) = Api::json(
        api.post(&format!("/api/v1/chains/{cid}/nodes"))
            .json(&json!({"name": "关键零部件"})),
    )
    .await;
    assert_eq!(status, 201);
    let (status, _) = Api::json(
        api.post(&format!("/api/v1/chains/{cid}/nodes"))
            .json(&json!({"name": "动力电池", "parent_id": parts["id"]})),
    )
    .await;
    assert_eq!(status, 201);
    let a = create_org(&api, "整车厂", 21, json!({})).await;
    let b = create_org(&api, "电池厂", 22, json!({})).await;
    // Output cannot be recorded before the organisation is on the chain.
    let (status, body) = Api::json(
        api.put(&format!(
            "/api/v1/chains/{cid}/members/{}/outputs/2025",
            a["id"].as_str().unwrap()
        ))
        .json(&json!({"output_fen": 1})),
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (422, Some("not_on_chain")));
    for (org, pos) in [(&a, "downstream"), (&b, "上游")] {
        let (status, body) = Api::json(
            api.put(&format!(
                "/api/v1/chains/{cid}/members/{}",
                org["id"].as_str().unwrap()
            ))
            .json(&json!({"position": pos})),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    // 2024: 50 + 25.9 = 75.9 亿元; 2025: 80 + 40.4 = 120.4 亿元 → +58.6%.
    let yi = 10_000_000_000i64; // fen per 亿元
    for (org, year, fen) in [
        (&a, 2024, 50 * yi),
        (&b, 2024, 259 * yi / 10),
        (&a, 2025, 80 * yi),
        (&b, 2025, 404 * yi / 10),
    ] {
        let (status, _) = Api::json(
            api.put(&format!(
                "/api/v1/chains/{cid}/members/{}/outputs/{year}",
                org["id"].as_str().unwrap()
            ))
            .json(&json!({"output_fen": fen})),
        )
        .await;
        assert_eq!(status, 200);
    }
    let (status, body) = Api::json(
        api.put(&format!(
            "/api/v1/chains/{cid}/members/{}/outputs/2025",
            a["id"].as_str().unwrap()
        ))
        .json(&json!({"output_fen": -1})),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("negative_amount"))
    );
    let (_, detail) = Api::json(api.get(&format!("/api/v1/chains/{cid}"))).await;
    assert_eq!(
        detail["totals"][0],
        json!({"year": 2024, "output_fen": 759 * yi / 10, "growth_permille": null, "growth": "—"})
    );
    assert_eq!(detail["totals"][1]["output_fen"], 1204 * yi / 10);
    assert_eq!(detail["totals"][1]["growth_permille"], 586);
    assert_eq!(detail["totals"][1]["growth"], "+58.6%");
    assert_eq!(detail["members"][0]["position"], "upstream");
    // The org list can be narrowed to the chain.
    let (_, page) = Api::json(api.get(&format!("/api/v1/orgs?chain_id={cid}"))).await;
    assert_eq!(page["total"], 2);

    // A member firm sees the chain's totals and its own output, not another
    // firm's; a talent sees no firm's output (#17). Staff see them all.
    let firm = app
        .api_client("zhengche", Role::Enterprise, None, Some(id(&a)))
        .await;
    let talent = app.api_client("talent", Role::Talent, None, None).await;
    let outputs = |d: &Value, org: &Value| -> Value {
        d["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["org_id"] == org["id"])
            .unwrap()["outputs"]
            .clone()
    };
    let seen = firm.get_ok(&format!("/api/v1/chains/{cid}")).await;
    assert_eq!(seen["totals"][1]["output_fen"], 1204 * yi / 10);
    assert_eq!(outputs(&seen, &a)["2025"], 80 * yi);
    assert_eq!(outputs(&seen, &b), json!({}));
    let seen = talent.get_ok(&format!("/api/v1/chains/{cid}")).await;
    assert_eq!(outputs(&seen, &a), json!({}));
    assert_eq!(outputs(&detail, &b)["2025"], 404 * yi / 10);
    let page = app
        .browser("zhengche")
        .await
        .get_text(&format!("/chains/{cid}"))
        .await;
    assert!(page.contains("整车厂") && page.contains("电池厂"), "{page}");
    assert!(
        !page.contains("40.40"),
        "the battery maker's output is not shown: {page}"
    );
}

#[tokio::test]
async fn work_calendar_counts_statutory_workdays() {
    let app = spawn_app().await;
    let clerk = app.api_client("clerk", Role::Department, None, None).await;
    let add = |from: &str, days: u32| {
        clerk.get(&format!(
            "/api/v1/calendar/add-workdays?from={from}&days={days}"
        ))
    };
    // National Day 2026: 10-01..10-07 off, Saturday 10-10 is a working day.
    assert_eq!(
        Api::json(add("2026-09-30", 1)).await.1["date"],
        "2026-10-08"
    );
    assert_eq!(
        Api::json(add("2026-09-30", 2)).await.1["date"],
        "2026-10-09"
    );
    assert_eq!(
        Api::json(add("2026-10-09", 1)).await.1["date"],
        "2026-10-10"
    );
    assert_eq!(
        Api::json(add("2026-10-10", 1)).await.1["date"],
        "2026-10-12"
    );
    let (status, body) = Api::json(add("2026-13-01", 1)).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid_date")));
    // Only an administrator edits the calendar; the change takes effect at once.
    let (status, _) = Api::json(
        clerk
            .put("/api/v1/calendar/2026-12-01")
            .json(&json!({"kind": "holiday", "name": "测试假日"})),
    )
    .await;
    assert_eq!(status, 403);
    let api = admin(&app).await;
    assert_eq!(
        Api::json(add("2026-11-30", 1)).await.1["date"],
        "2026-12-01"
    );
    let (status, _) = Api::json(
        api.put("/api/v1/calendar/2026-12-01")
            .json(&json!({"kind": "holiday", "name": "测试假日"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        Api::json(add("2026-11-30", 1)).await.1["date"],
        "2026-12-02"
    );
    let (_, days) = Api::json(api.get("/api/v1/calendar?year=2026")).await;
    assert!(days
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["date"] == "2026-10-10" && d["kind"] == "workday"));
    let (status, _) = Api::json(api.delete("/api/v1/calendar/2026-12-01")).await;
    assert_eq!(status, 204);
    assert_eq!(
        Api::json(add("2026-11-30", 1)).await.1["date"],
        "2026-12-01"
    );
}

async fn upload(api: &Api, bytes: Vec<u8>) -> (u16, Value) {
    upload_xlsx(api, "/api/v1/orgs/import", bytes).await
}

#[tokio::test]
async fn excel_import_is_all_or_nothing_and_export_reads_back() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    create_department(&api, "科技创新局", "KJ", None).await;
    let header = vec![
        "单位名称",
        "单位类型",
        "统一社会信用代码",
        "主管部门",
        "标签",
        "高新技术企业",
        "成立日期",
    ];
    let (c1, c2) = (code(31), code(32));
    let bad_rows = vec![
        header.clone(),
        vec![
            "好公司",
            "企业",
            c1.as_str(),
            "科技创新局",
            "芯片",
            "是",
            "2020-03-15",
        ],
        vec![
            "",
            "企业",
            "91500106MA0000000X",
            "不存在的局",
            "",
            "",
            "2099-01-01",
        ],
        vec!["重复公司", "企业", c1.as_str(), "", "", "", ""],
    ];
    let (status, body) = upload(&api, text_xlsx(&bad_rows)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "import_invalid");
    let problems = body["details"]["problems"].as_array().unwrap();
    let cells: Vec<(u64, &str)> = problems
        .iter()
        .map(|p| (p["row"].as_u64().unwrap(), p["column"].as_str().unwrap()))
        .collect();
    for expected in [
        (3, "主管部门"),
        (3, "单位名称"),
        (3, "统一社会信用代码"),
        (3, "成立日期"),
        (4, "统一社会信用代码"),
    ] {
        assert!(
            cells.contains(&expected),
            "missing {expected:?} in {cells:?}"
        );
    }
    let (_, page) = Api::json(api.get("/api/v1/orgs")).await;
    assert_eq!(page["total"], 0, "nothing is imported when any row is bad");

    let (status, body) = upload(&api, b"not an excel file".to_vec()).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_excel"))
    );

    let good = vec![
        header.clone(),
        vec![
            "好公司",
            "企业",
            c1.as_str(),
            "KJ",
            "芯片、传感器",
            "是",
            "2020年3月15日",
        ],
        vec!["好大学", "高校", c2.as_str(), "", "", "否", ""],
    ];
    let (status, body) = upload(&api, text_xlsx(&good)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["imported"], 2);
    // Importing the same file again is refused whole: the codes are taken.
    let (status, _) = upload(&api, text_xlsx(&good)).await;
    assert_eq!(status, 422);

    // Export of a filtered list, read back with a real reader.
    let res = api
        .get("/api/v1/orgs/export?kind=enterprise")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("filename*=UTF-8''"));
    let bytes = res.bytes().await.unwrap().to_vec();
    let rows = crate::sheet_rows(&bytes, None);
    assert_eq!(rows.len(), 2, "header + the one enterprise");
    assert_eq!(rows[0][0], "单位名称");
    assert_eq!(rows[1][0], "好公司");
    assert_eq!(rows[1][2], c1);
    assert_eq!(rows[1][8], "芯片、传感器");
    assert_eq!(rows[1][9], "是");
    assert_eq!(rows[1][12], "科技创新局");
    assert_eq!(rows[1][13], "2020-03-15");
}

#[tokio::test]
async fn excel_exports_type_their_cells_freeze_and_filter_the_header_and_defuse_formulas() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    create_org(
        &api,
        "公式测试公司",
        33,
        json!({"founded_on": "2020-03-15", "description": "=1+2", "contact_phone": "+86 23 6888 1234"}),
    )
    .await;
    let res = api.get("/api/v1/orgs/export").send().await.unwrap();
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(
        range.get((1, 0)),
        Some(&Data::String("公式测试公司".into()))
    );
    // A date is a date, not text.
    let founded = range.get((1, 13)).unwrap();
    assert!(matches!(founded, Data::DateTime(_)), "{founded:?}");
    assert_eq!(
        founded.as_date(),
        chrono::NaiveDate::from_ymd_opt(2020, 3, 15)
    );
    // Text a spreadsheet would run as a formula stays text behind an apostrophe.
    assert_eq!(range.get((1, 14)), Some(&Data::String("'=1+2".into())));
    assert_eq!(
        range.get((1, 5)),
        Some(&Data::String("'+86 23 6888 1234".into()))
    );
    // The header row is frozen and filtered.
    let sheet = crate::xlsx_part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains("<pane ySplit=\"1\"") && sheet.contains("state=\"frozen\""),
        "{sheet}"
    );
    assert!(sheet.contains("<autoFilter ref=\"A1:O2\""), "{sheet}");

    // The export is the import template: into a fresh platform it imports
    // whole, the formula-like text back as it was typed.
    let other = spawn_app().await;
    let other_api = admin(&other).await;
    let (status, body) = upload(&other_api, bytes).await;
    assert_eq!((status, &body["imported"]), (200, &json!(1)), "{body}");
    let (_, page) = Api::json(other_api.get("/api/v1/orgs")).await;
    let org = &page["items"][0];
    assert_eq!(
        (
            &org["description"],
            &org["contact_phone"],
            &org["founded_on"]
        ),
        (
            &json!("=1+2"),
            &json!("+86 23 6888 1234"),
            &json!("2020-03-15")
        ),
        "{org}"
    );
}

#[tokio::test]
async fn excel_import_refuses_control_characters_by_row_and_column() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let rows = vec![
        vec!["单位名称", "单位类型"],
        vec!["好公司", "企业"],
        vec!["坏\u{7f}公司", "企业"],
    ];
    let (status, body) = upload(&api, text_xlsx(&rows)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("import_invalid")),
        "{body}"
    );
    let problem = &body["details"]["problems"][0];
    assert_eq!(
        (&problem["row"], &problem["column"]),
        (&json!(3), &json!("单位名称")),
        "{body}"
    );
    let (_, page) = Api::json(api.get("/api/v1/orgs")).await;
    assert_eq!(page["total"], 0);
}

/// An archive whose one part inflates to `mb` MiB of sheet rows.
fn zip_bomb(mb: usize) -> Vec<u8> {
    use std::io::Write;
    let mut buf = Cursor::new(Vec::new());
    let mut zw = zip::ZipWriter::new(&mut buf);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6));
    zw.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    let row = b"<row><c t=\"inlineStr\"><is><t>x</t></is></c></row>";
    let chunk: Vec<u8> = row.iter().copied().cycle().take(1 << 20).collect();
    for _ in 0..mb {
        zw.write_all(&chunk).unwrap();
    }
    zw.finish().unwrap();
    buf.into_inner()
}

/// Declare the one part of an archive 1000 bytes long, whatever it holds
/// (the size a reader goes by is the central directory's, 24 bytes into
/// its record; 32 bits here, as the part is under 4 GiB).
fn understate_size(mut zip: Vec<u8>) -> Vec<u8> {
    let at = zip
        .windows(4)
        .rposition(|w| w == [0x50, 0x4b, 0x01, 0x02])
        .expect("a central directory record")
        + 24;
    zip[at..at + 4].copy_from_slice(&1000u32.to_le_bytes());
    zip
}

#[tokio::test]
async fn excel_import_refuses_a_zip_bomb_before_inflating_it() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let bomb = zip_bomb(48);
    assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
    let lying = understate_size(bomb.clone());
    let declared: Vec<u64> = {
        let mut z = zip::ZipArchive::new(Cursor::new(&lying)).unwrap();
        (0..z.len())
            .map(|i| z.by_index(i).unwrap().size())
            .collect()
    };
    assert_eq!(declared, [1000], "the sizes are understated");
    for file in [bomb, lying] {
        let started = std::time::Instant::now();
        let (status, body) = upload(&api, file).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (413, Some("excel_too_large")),
            "{body}"
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "{:?}",
            started.elapsed()
        );
    }
    // The server is still up and imports a sound file.
    let res = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(res.status(), 200);
    let (status, body) = upload(
        &api,
        text_xlsx(&[vec!["单位名称", "单位类型"], vec!["好大学", "高校"]]),
    )
    .await;
    assert_eq!((status, &body["imported"]), (200, &json!(1)), "{body}");
}

async fn exec(app: &TestApp, sql: &str) {
    app.db
        .execute(Statement::from_string(
            app.db.get_database_backend(),
            sql.to_string(),
        ))
        .await
        .unwrap();
}

#[tokio::test]
async fn audit_chain_detects_altered_and_deleted_entries() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let org = create_org(&api, "审计样本公司", 41, json!({})).await;
    let id = org["id"].as_str().unwrap();
    let (status, _) = Api::json(api.put(&format!("/api/v1/orgs/{id}")).json(&json!({"version": 1, "name": "审计样本公司（改）", "kind": "enterprise", "uscc": code(41)}))).await;
    assert_eq!(status, 200);
    let report = kechuang_store::audit::verify(&app.db).await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert!(report.entries > 2);
    // The entries record who, what and before/after.
    let history = kechuang_store::audit::history(&app.db, "orgs", id, 10)
        .await
        .unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].actor, "admin");
    assert!(
        history[0].before_json.contains("审计样本公司") && history[0].after_json.contains("（改）")
    );

    // Altering an entry is detected...
    exec(
        &app,
        &format!("UPDATE audit_log SET after_json = '{{}}' WHERE entity_id = '{id}' AND seq = 1"),
    )
    .await;
    let report = kechuang_store::audit::verify(&app.db).await.unwrap();
    assert!(
        report.problems[0].contains(id) && report.problems[0].contains("篡改"),
        "{:?}",
        report.problems
    );
    // ... and so is deleting the newest entry of a record.
    let app = spawn_app().await;
    let api = admin(&app).await;
    let org = create_org(&api, "另一家公司", 42, json!({})).await;
    let id = org["id"].as_str().unwrap();
    Api::json(api.put(&format!("/api/v1/orgs/{id}")).json(
        &json!({"version": 1, "name": "另一家公司2", "kind": "enterprise", "uscc": code(42)}),
    ))
    .await;
    exec(
        &app,
        &format!("DELETE FROM audit_log WHERE entity_id = '{id}' AND seq = 2"),
    )
    .await;
    let report = kechuang_store::audit::verify(&app.db).await.unwrap();
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains(id) && p.contains("版本为2")),
        "{:?}",
        report.problems
    );
    // A change that bypassed the application is caught too.
    exec(
        &app,
        &format!("UPDATE orgs SET version = 7 WHERE id = '{id}'"),
    )
    .await;
    assert!(!kechuang_store::audit::verify(&app.db)
        .await
        .unwrap()
        .problems
        .is_empty());
}

#[tokio::test]
async fn the_data_dictionary_lists_every_code_list_and_where_to_keep_the_editable_ones() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let dep = create_department(&admin, "科技创新局", "KJ", None).await;
    let org = create_org(&admin, "字典测试公司", 301, json!({})).await;
    app.user("kj", Role::Department, Some(id(&dep)), None).await;
    app.user("qy", Role::Enterprise, None, Some(id(&org))).await;
    // Signed out: 401.
    let res = reqwest::get(app.url("/api/v1/dictionary")).await.unwrap();
    assert_eq!(res.status(), 401);
    let d = admin.get_ok("/api/v1/dictionary").await;
    let fixed = d["fixed"].as_array().unwrap();
    let mut keys: Vec<&str> = fixed.iter().map(|l| l["key"].as_str().unwrap()).collect();
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n, "a list key twice: {keys:?}");
    for l in fixed {
        let items = l["items"].as_array().unwrap();
        assert!(!items.is_empty(), "{l}");
        let mut codes: Vec<&str> = items.iter().map(|i| i["code"].as_str().unwrap()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), items.len(), "a code twice in {l}");
    }
    let list = |key: &str| {
        fixed
            .iter()
            .find(|l| l["key"] == key)
            .unwrap_or_else(|| panic!("no {key}"))["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (i["code"].as_str().unwrap(), i["label"].as_str().unwrap()))
            .collect::<Vec<_>>()
    };
    // The codes are the ones the records store: a case received is `submitted`.
    assert!(list("case_status").contains(&("submitted", "待受理")));
    assert!(list("staff_role")
        .iter()
        .any(|(_, label)| *label == "首席服务官"));
    // Each editable list points to a page that is there.
    let page = app.browser("admin").await;
    for e in d["editable"].as_array().unwrap() {
        let href = e["href"].as_str().unwrap();
        assert_eq!(page.get(href).await.status(), 200, "{href}");
    }
    // The page: in a clerk's navigation, searchable, with 重置.
    let kj = app.browser("kj").await;
    let html = kj.get_text("/dictionary").await;
    assert!(
        html.contains("href=\"/dictionary\""),
        "not in the navigation"
    );
    assert!(html.contains("首席服务官") && html.contains("待受理") && html.contains("重置"));
    assert!(html.contains("href=\"/cases/categories\""));
    let found = kj.get_text("/dictionary?q=%E9%A6%96%E5%B8%AD").await; // 首席
    assert!(found.contains("服务队伍身份") && found.contains("首席服务官"));
    assert!(!found.contains("待受理"), "a list without 首席 shown");
    let none = kj.get_text("/dictionary?q=zzz").await;
    assert!(none.contains("没有符合“zzz”的代码表或取值"));
    // Not in a firm's navigation.
    let qy = app.browser("qy").await;
    let home = qy.get_text("/").await;
    assert!(home.contains("href=\"/cases\""), "no navigation: {home}");
    assert!(!home.contains("href=\"/dictionary\""));
}

#[tokio::test]
async fn openapi_describes_every_route_with_its_area_tag() {
    let app = spawn_app().await;
    let doc: Value = reqwest::get(app.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/orgs",
        "/api/v1/orgs/{id}",
        "/api/v1/orgs/export",
        "/api/v1/orgs/import",
        "/api/v1/departments",
        "/api/v1/chains/{id}",
        "/api/v1/calendar/add-workdays",
        "/api/v1/me",
        "/api/v1/dictionary",
        "/api/v1/party/teams/import",
        "/api/v1/firm/funding",
        "/api/v1/firm/funding/export",
        "/api/v1/firm/loans",
        "/api/v1/firm/equity-applications",
        "/api/v1/policies",
        "/api/v1/policies/import",
    ] {
        assert!(paths.contains_key(p), "{p} missing from OpenAPI");
    }
    let allowed = [
        "orgs",
        "cases",
        "party",
        "transfer",
        "matching",
        "events",
        "talent",
        "cockpit",
        "firm",
        "admin",
        "chains",
        "alliances",
        "policies",
    ];
    for (path, ops) in paths {
        for (method, op) in ops.as_object().unwrap() {
            let tags = op["tags"]
                .as_array()
                .unwrap_or_else(|| panic!("{method} {path} has no tag"));
            assert!(
                tags.iter().all(|t| allowed.contains(&t.as_str().unwrap())),
                "{method} {path}: {tags:?}"
            );
            assert!(
                op["responses"].as_object().is_some_and(|r| !r.is_empty()),
                "{method} {path} has no responses"
            );
        }
    }
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    let docs = reqwest::get(app.url("/api/docs")).await.unwrap();
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("swagger-ui"));
    // Every asset the docs page loads is embedded.
    for asset in [
        "/static/vendor/swagger-ui/swagger-ui-bundle.js",
        "/static/swagger-init.js",
        "/static/vendor/htmx/htmx.min.js",
        "/static/vendor/bootstrap/bootstrap.min.css",
    ] {
        let res = reqwest::get(app.url(asset)).await.unwrap();
        assert_eq!(res.status(), 200, "{asset}");
        assert!(res.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable"));
    }
    let (status, body) = Api::json(reqwest::Client::new().get(app.url("/api/v1/nothing"))).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
    // Malformed path parameters and uploads answer in the same error format.
    let api = admin(&app).await;
    let (status, body) = Api::json(
        api.put("/api/v1/chains/x/members/y/outputs/abc")
            .json(&json!({"output_fen": 1})),
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid_path")));
    let (status, body) = Api::json(api.post("/api/v1/orgs/import").body("x")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_upload"))
    );
}

#[tokio::test]
async fn pages_show_lists_forms_with_errors_in_place_and_fragments() {
    let app = spawn_app().await;
    app.user("clerk", Role::Admin, None, None).await;
    let b = app.browser("clerk").await;
    // A form with a bad credit code is shown again, with the error beside the field and the input kept.
    let res = b
        .post_form(
            "/orgs/new",
            &[
                ("name", "表单测试公司"),
                ("kind", "enterprise"),
                ("uscc", "91500106MA00000000"),
                ("contact_phone", "abc"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("is-invalid"));
    assert!(html.contains("value=\"表单测试公司\""));
    assert!(html.contains("联系电话应为"));
    let good = code(51);
    let res = b
        .post_form(
            "/orgs/new",
            &[
                ("name", "表单测试公司"),
                ("kind", "enterprise"),
                ("uscc", &good),
                ("is_high_tech", "on"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let detail = res.headers()["location"].to_str().unwrap().to_string();
    let html = b.get_text(&detail).await;
    assert!(
        html.contains("表单测试公司")
            && html.contains("高新技术企业")
            && html.contains("id=\"flash\"")
    );
    // The list filters by a Chinese substring; an htmx request gets only the table.
    let html = b.get_text("/orgs?q=%E8%A1%A8%E5%8D%95").await;
    assert!(html.contains("<html") && html.contains("表单测试公司"));
    let frag = b
        .http
        .get(format!("{}/orgs?q=%E4%B8%8D%E5%AD%98%E5%9C%A8", b.base))
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!frag.contains("<html") && frag.contains("没有符合条件的单位"));
    // Each page of the foundation renders for the admin.
    for page in [
        "/",
        "/orgs/new",
        "/orgs/import",
        "/departments",
        "/chains",
        "/calendar?year=2026&from=2026-09-30&days=1",
        "/admin/users",
        "/admin/audit?verify=1",
        "/cases",
        "/cases/new",
        "/cases/workbench",
        "/cases/statistics?group=month",
        "/cases/categories",
        "/account/tokens",
    ] {
        let res = b.get(page).await;
        assert_eq!(res.status(), 200, "{page}");
        let html = res.text().await.unwrap();
        assert!(html.contains("科创服务平台"), "{page}");
        if page.starts_with("/calendar") {
            assert!(
                html.contains("2026年10月8日（周四）"),
                "workday calculator result"
            );
        }
        if page.starts_with("/admin/audit") {
            assert!(html.contains("校验通过"));
        }
    }
    // The import page lists every bad cell and imports nothing.
    let file = text_xlsx(&[vec!["单位名称", "单位类型"], vec!["", "火星机构"]]);
    let res = b.upload("/orgs/import", file).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("第 2 行") && html.contains("单位类型") && html.contains("未导入任何数据"),
        "{html}"
    );
    let res = b.get("/no-such-page").await;
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("返回首页"));
}

#[tokio::test]
async fn stale_form_edit_keeps_the_input_and_says_why() {
    let app = spawn_app().await;
    app.user("clerk", Role::Admin, None, None).await;
    let api = admin(&app).await;
    let org = create_org(&api, "并发编辑公司", 61, json!({})).await;
    let id = org["id"].as_str().unwrap();
    let b = app.browser("clerk").await;
    // Someone else saves first.
    Api::json(api.put(&format!("/api/v1/orgs/{id}")).json(&json!({"version": 1, "name": "并发编辑公司", "kind": "enterprise", "uscc": code(61), "address": "别人的地址"}))).await;
    let res = b
        .post_form(
            &format!("/orgs/{id}/edit"),
            &[
                ("version", "1"),
                ("name", "我的改名"),
                ("kind", "enterprise"),
                ("uscc", &code(61)),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("已被他人修改") && html.contains("value=\"我的改名\""));
    let (_, current) = Api::json(api.get(&format!("/api/v1/orgs/{id}"))).await;
    assert_eq!(current["address"], "别人的地址");
}

#[tokio::test]
async fn demo_dataset_loads_and_tells_the_article_story() {
    let app = spawn_app().await;
    assert!(kechuang::demo::load_quick(&app.db).await.unwrap());
    assert!(
        !kechuang::demo::load_quick(&app.db).await.unwrap(),
        "loads only into an empty register"
    );
    let api = app.api_client("auditor", Role::Leader, None, None).await;
    let (_, chains) = Api::json(api.get("/api/v1/chains")).await;
    let nev = chains
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "智能网联新能源汽车")
        .unwrap();
    assert_eq!(nev["latest"]["year"], 2025);
    assert_eq!(nev["latest"]["output_fen"], 1_204_000_000_000_i64);
    assert_eq!(nev["latest"]["growth"], "+58.6%");
    crate::cockpit::tells_the_article_story(&api).await;
    crate::cockpit::chain_map_overlays_the_party_network(&app, &api).await;
    crate::party_accountability::the_demo_holds_people_to_account_and_runs_chain_actions(&api)
        .await;
    // The contract import template's sample row imports into the demo as it
    // is: its chain is one of the demo's.
    let admin = app
        .api_client("template-check", Role::Admin, None, None)
        .await;
    let res = admin
        .get("/api/v1/transfer/contracts/import/template")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let part = reqwest::multipart::Part::bytes(res.bytes().await.unwrap().to_vec())
        .file_name("template.xlsx");
    let (status, body) = Api::json(
        admin
            .post("/api/v1/transfer/contracts/import")
            .multipart(reqwest::multipart::Form::new().part("file", part)),
    )
    .await;
    assert!(status == 200 || status == 201, "{status}: {body}");
    let (_, list) = Api::json(admin.get("/api/v1/transfer/contracts?q=2026500001000001")).await;
    assert_eq!(
        list["items"][0]["chain_name"], "智能网联新能源汽车",
        "{list}"
    );
    // Accountability interviews over cases solved late, each naming its case.
    let (_, interviews) = Api::json(api.get("/api/v1/interviews")).await;
    let interviews = interviews.as_array().unwrap();
    assert_eq!(interviews.len(), 2, "{interviews:?}");
    for iv in interviews {
        let number = iv["case_number"].as_str().unwrap();
        assert!(iv["reason"].as_str().unwrap().contains(number), "{iv}");
    }
    // The technology-transfer figures of the article, computed from the records.
    let (_, equity) = Api::json(api.get("/api/v1/transfer/grant-equity/totals")).await;
    assert_eq!(equity["agreements"], 8);
    assert_eq!(equity["grant_fen"], 1_450_000_000_i64, "先投后股 1450 万元");
    // The demo firm's online application waits to be signed, outside the 8.
    let (_, apps) = Api::json(api.get("/api/v1/transfer/grant-equity-applications")).await;
    assert_eq!(apps["total"], 1, "{apps}");
    assert_eq!(apps["items"][0]["status"], "approved");
    assert_eq!(apps["items"][0]["project_name"], "固态电池电解质中试");
    let (_, loans) = Api::json(api.get("/api/v1/transfer/loans/totals")).await;
    let all = loans.as_array().unwrap().last().unwrap();
    assert_eq!(all["tier_name"], "合计");
    assert_eq!(all["firms"], 15);
    assert_eq!(all["disbursed_fen"], 5_300_000_000_i64, "梯度贷 5300 万元");
    let (_, turnover) = Api::json(api.get("/api/v1/transfer/contracts/turnover")).await;
    let y2024 = turnover
        .as_array()
        .unwrap()
        .iter()
        .find(|y| y["year"] == 2024)
        .unwrap();
    assert!(
        y2024["amount_fen"].as_i64().unwrap() > 350_000_000_000,
        "超35亿元"
    );
    assert_eq!(y2024["growth_streak"], 4, "连续4年增长");
    let (_, funnel) = Api::json(api.get("/api/v1/transfer/funnel")).await;
    let entered: Vec<i64> = funnel
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["entered"].as_i64().unwrap())
        .collect();
    assert_eq!(entered.len(), 4);
    assert!(
        entered.windows(2).all(|w| w[0] >= w[1]),
        "a funnel narrows: {entered:?}"
    );
    // The party network of the article, computed from the records.
    let (_, party) = Api::json(api.get("/api/v1/party/figures")).await;
    assert!(party["party_orgs"].as_i64().unwrap() >= 40, "40+ 党组织");
    assert_eq!(party["in_research_units"], 42, "科研单位中组建的党组织");
    assert_eq!(party["venues"], 5, "5 个阵地");
    let nev = party["chain_links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c[0] == "智能网联新能源汽车产业链党委")
        .unwrap();
    assert_eq!(nev[1], 18, "新能源汽车产业链党委联结 18 个企业党组织");
    let (_, recruitment) = Api::json(api.get("/api/v1/party/recruitment?year=2026")).await;
    assert!(
        recruitment["sci_tech_share_permille"].as_i64().unwrap() > 200,
        "科技领域占比超过20%"
    );
    let (_, pledges) = Api::json(api.get("/api/v1/party/commitments/figures")).await;
    assert!(
        pledges["all"]["total"].as_i64().unwrap() >= 700,
        "700+ 承诺"
    );
    let (_, teams) = Api::json(api.get("/api/v1/party/teams")).await;
    assert_eq!(teams.as_array().unwrap().len(), 3, "三支先锋队");
    let (_, races) = Api::json(api.get("/api/v1/party/races")).await;
    let (_, board) = Api::json(api.get(&format!(
        "/api/v1/party/races/{}",
        races[0]["id"].as_str().unwrap()
    )))
    .await;
    assert_eq!(board["standings"].as_array().unwrap().len(), 3);
    assert_eq!(board["standings"][0]["rank"], 1);
    // Every demo account can sign in.
    for (u, _, _) in kechuang::demo::ACCOUNTS {
        let res = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .post(app.url("/login"))
            .form(&[("username", u), ("password", kechuang::demo::DEMO_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "{u}");
    }
    assert!(kechuang_store::audit::verify(&app.db)
        .await
        .unwrap()
        .problems
        .is_empty());
}

#[tokio::test]
async fn administrators_manage_accounts_in_the_browser_and_the_api() {
    let app = spawn_app().await;
    app.user("boss", Role::Admin, None, None).await;
    let api = admin(&app).await;
    let dep = create_department(&api, "科技创新局", "KJ", None).await;
    let b = app.browser("boss").await;
    // A department clerk needs a department; a weak password is refused beside its field.
    let res = b
        .post_form(
            "/admin/users",
            &[
                ("username", "li"),
                ("role", "department"),
                ("password", "Abcdefg1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("须指定所属部门"));
    let res = b
        .post_form(
            "/admin/users",
            &[
                ("username", "li"),
                ("role", "department"),
                ("department_id", dep["id"].as_str().unwrap()),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("密码至少8位"));
    let res = b
        .post_form(
            "/admin/users",
            &[
                ("username", "li"),
                ("display_name", "李科长"),
                ("role", "department"),
                ("department_id", dep["id"].as_str().unwrap()),
                ("password", "Abcdefg1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    // The new account signs in with its password.
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = http
        .post(app.url("/login"))
        .form(&[("username", "li"), ("password", "Abcdefg1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        http.get(app.url("/orgs")).send().await.unwrap().status(),
        200
    );

    // Disabling the account ends its session at once and blocks sign-in.
    let (_, users) = Api::json(api.get("/api/v1/users")).await;
    let li = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "li")
        .unwrap()
        .clone();
    assert_eq!(li["role_label"], "部门经办人");
    let (status, body) = Api::json(api.put(&format!("/api/v1/users/{}", li["id"].as_str().unwrap())).json(&json!({"version": li["version"], "display_name": "李科长", "role": "department", "department_id": dep["id"], "active": false}))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        http.get(app.url("/orgs")).send().await.unwrap().status(),
        303,
        "session ended"
    );
    let res = http
        .post(app.url("/login"))
        .form(&[("username", "li"), ("password", "Abcdefg1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);

    // Re-enabled with a reset password (page form), the new password works and the old does not.
    let res = b
        .post_form(
            &format!("/admin/users/{}/edit", li["id"].as_str().unwrap()),
            &[
                ("version", "2"),
                ("display_name", "李科长"),
                ("role", "department"),
                ("department_id", dep["id"].as_str().unwrap()),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = b
        .post_form(
            &format!("/admin/users/{}/password", li["id"].as_str().unwrap()),
            &[("password", "Newpass123")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = http
        .post(app.url("/login"))
        .form(&[("username", "li"), ("password", "Abcdefg1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = http
        .post(app.url("/login"))
        .form(&[("username", "li"), ("password", "Newpass123")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);

    // The API refuses duplicates, and non-admins.
    let (status, body) = Api::json(
        api.post("/api/v1/users")
            .json(&json!({"username": "li", "role": "leader", "password": "Abcdefg1"})),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("duplicate_username"))
    );
    let leader = app.api_client("lead", Role::Leader, None, None).await;
    let (status, _) = Api::json(leader.get("/api/v1/users")).await;
    assert_eq!(status, 403);
    // Every change to the account is in the audit trail, and the chain holds.
    let history = kechuang_store::audit::history(&app.db, "users", li["id"].as_str().unwrap(), 10)
        .await
        .unwrap();
    let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(
        actions,
        vec!["reset_password", "update", "update", "create"]
    );
    assert!(
        !history[0].after_json.contains("password_hash"),
        "hashes never enter the audit log"
    );
    assert!(kechuang_store::audit::verify(&app.db)
        .await
        .unwrap()
        .problems
        .is_empty());
}

#[tokio::test]
async fn workday_results_warn_when_a_year_has_no_schedule() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let (_, r) = Api::json(api.get("/api/v1/calendar/add-workdays?from=2026-06-01&days=5")).await;
    assert!(r["warning"].is_null());
    let (_, r) = Api::json(api.get("/api/v1/calendar/add-workdays?from=2026-12-28&days=5")).await;
    assert!(
        r["warning"]
            .as_str()
            .unwrap()
            .contains("2027年节假日安排尚未录入"),
        "{r}"
    );
}

/// A page handler's error is the Chinese error page with the caller's
/// navigation and the error's status: 403 for a role without the permission,
/// 404 for a record that is not there. A public page's error page stays
/// without navigation, and the API still answers JSON.
#[tokio::test]
async fn page_errors_render_the_error_page_with_navigation() {
    let app = spawn_app().await;
    app.user("lingdao", Role::Leader, None, None).await;
    let b = app.browser("lingdao").await;

    // A leader may read the register but not add to it.
    let res = b.get("/orgs/new").await;
    assert_eq!(res.status(), 403);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = res.text().await.unwrap();
    assert!(
        html.contains("<div class=\"app-error-code\">403</div>"),
        "{html}"
    );
    assert!(html.contains("无权访问") && html.contains("您的角色无权执行此操作"));
    assert!(html.contains("class=\"app-nav\""), "navigation: {html}");
    assert!(html.contains("href=\"/orgs\"") && html.contains("管委会领导"));

    // A record that is not there.
    let res = b.get("/orgs/no-such-org").await;
    assert_eq!(res.status(), 404);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("<div class=\"app-error-code\">404</div>"),
        "{html}"
    );
    assert!(html.contains("页面或记录不存在") && html.contains("记录不存在，或您无权查看"));
    assert!(html.contains("class=\"app-nav\""), "navigation: {html}");

    // An htmx request for a list fragment gets the same error page.
    let res = b
        .http
        .get(app.url("/messages?page=0"))
        .header("hx-request", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("<div class=\"app-error-code\">400</div>") && html.contains("请求有误"),
        "{html}"
    );

    // A public page shows its error without anyone's navigation.
    let res = b.get("/public/party/no-such-branch/commitments").await;
    assert_eq!(res.status(), 404);
    let html = res.text().await.unwrap();
    assert!(html.contains("页面或记录不存在"), "{html}");
    assert!(!html.contains("class=\"app-nav\""), "{html}");

    // The API answers the same error in JSON.
    let res = b.get("/api/v1/orgs/no-such-org").await;
    assert_eq!(res.status(), 404);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "not_found");
}

#[tokio::test]
async fn departments_import_from_excel_parents_first_and_export_the_same() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    create_department(&api, "已有部门", "OLD", None).await;
    let res = api
        .get("/api/v1/departments/import/template")
        .send()
        .await
        .unwrap();
    let head = crate::sheet_rows(&res.bytes().await.unwrap(), None)[0].clone();
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    assert_eq!(head[..3], ["部门名称", "部门编码", "上级部门"]);

    let bad = text_xlsx(&[
        head.clone(),
        vec!["管委会", "GWH", "", "1", "0", "", "否"],
        vec!["科技局", "OLD", "管委会", "2", "1", "", "是"],
        vec!["规划局", "GH", "不存在", "2", "2", "", "否"],
        vec!["重复局", "GWH", "", "1", "3", "", "否"],
        vec!["怪编码", "K J", "", "1", "4", "", "也许"],
    ]);
    let (status, body) = upload_xlsx(&api, "/api/v1/departments/import", bad).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("import_invalid")),
        "{body}"
    );
    let problems = problem_cells(&body);
    for expected in [
        (3, "部门编码"),
        (4, "上级部门"),
        (5, "部门编码"),
        (6, "部门编码"),
        (6, "资金业务"),
    ] {
        assert!(
            problems.contains(&(expected.0, expected.1.into())),
            "{expected:?}: {body}"
        );
    }
    let (_, list) = Api::json(api.get("/api/v1/departments")).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "nothing imported");

    // Parents above their children, by name or by code; the tree follows.
    let rows = vec![
        vec!["管委会", "GWH", "", "1", "0", "023-65661000", "否"],
        vec!["科技创新局", "KJ", "管委会", "2", "1", "023-65661001", "是"],
        vec!["新能源汽车专班", "ZB", "GWH", "2", "2", "", "否"],
    ];
    let mut file = vec![head.clone()];
    file.extend(rows.iter().cloned());
    let (status, ok) = upload_xlsx(&api, "/api/v1/departments/import", text_xlsx(&file)).await;
    assert_eq!((status, ok["imported"].as_i64()), (200, Some(3)), "{ok}");
    let (_, list) = Api::json(api.get("/api/v1/departments")).await;
    let kj = list
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "KJ")
        .unwrap();
    assert_eq!(kj["depth"], 1);
    assert_eq!(kj["funding"], true);
    let page = app.browser("admin").await;
    let res = page.get("/departments/export.xlsx").await;
    let back = crate::sheet_rows(&res.bytes().await.unwrap(), None);
    // The export names the parent (the file gave ZB's by its code).
    for row in &rows {
        let want: Vec<String> = row
            .iter()
            .map(|s| {
                if *s == "GWH" && row[1] == "ZB" {
                    "管委会"
                } else {
                    s
                }
                .to_string()
            })
            .collect();
        assert!(back.contains(&want), "{want:?} not in {back:?}");
    }
}

#[tokio::test]
async fn accounts_import_from_excel_all_or_nothing_and_sign_in() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    create_department(&api, "科技创新局", "KJ", None).await;
    let firm = create_org(&api, "重庆账号导入科技有限公司", 601, json!({})).await;
    let res = api
        .get("/api/v1/users/import/template")
        .send()
        .await
        .unwrap();
    let head = crate::sheet_rows(&res.bytes().await.unwrap(), None)[0].clone();
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    let code = firm["uscc"].as_str().unwrap().to_string();

    let bad = text_xlsx(&[
        head.clone(),
        vec![
            "admin",
            "重名",
            "平台管理员",
            "",
            "",
            "",
            "启用",
            "Passw0rd-test",
        ],
        vec![
            "li",
            "李科长",
            "科长",
            "KJ",
            "",
            "",
            "启用",
            "Passw0rd-test",
        ],
        vec![
            "wang",
            "王科员",
            "部门经办人",
            "",
            "",
            "电话12ab",
            "启用",
            "Passw0rd-test",
        ],
        vec![
            "zhao",
            "赵联络员",
            "企业用户",
            "",
            "没有这家公司",
            "",
            "启用",
            "Passw0rd-test",
        ],
        vec!["qian", "钱联络员", "企业用户", "", &code, "", "启用", "123"],
        vec!["qian", "钱二", "人才", "", "", "", "也许", "Passw0rd-test"],
    ]);
    let (status, body) = upload_xlsx(&api, "/api/v1/users/import", bad).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("import_invalid")),
        "{body}"
    );
    let problems = problem_cells(&body);
    for expected in [
        (2, "用户名"),
        (3, "角色"),
        (4, "所属部门"),
        (4, "联系电话"),
        (5, "所属单位"),
        (6, "初始密码"),
        (7, "用户名"),
        (7, "状态"),
    ] {
        assert!(
            problems.contains(&(expected.0, expected.1.into())),
            "{expected:?}: {body}"
        );
    }

    let rows = [
        vec![
            "li",
            "科技创新局 李科长",
            "部门经办人",
            "科技创新局",
            "",
            "023-67890123",
            "启用",
            "Passw0rd-test",
        ],
        vec![
            "qian",
            "钱联络员",
            "企业用户",
            "",
            code.as_str(),
            "",
            "停用",
            "Passw0rd-test",
        ],
    ];
    let mut file = vec![head.clone()];
    file.extend(rows.iter().cloned());
    let (status, ok) = upload_xlsx(&api, "/api/v1/users/import", text_xlsx(&file)).await;
    assert_eq!((status, ok["imported"].as_i64()), (200, Some(2)), "{ok}");
    // The clerk signs in with the initial password; the disabled account cannot.
    let li = app.browser("li").await;
    assert!(li
        .get_text("/account/password")
        .await
        .contains("科技创新局 李科长"));
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url("/login"))
        .form(&[
            ("username", "qian"),
            ("password", "Passw0rd-test"),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_ne!(res.status(), 303, "a disabled account does not sign in");
    // The export gives the rows back (organisation by name; no password).
    let res = api.get("/api/v1/users/export").send().await.unwrap();
    let back = crate::sheet_rows(&res.bytes().await.unwrap(), None);
    assert_eq!(
        back[0],
        head.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    );
    assert!(back.contains(
        &[
            "li",
            "科技创新局 李科长",
            "部门经办人",
            "科技创新局",
            "",
            "023-67890123",
            "启用",
            ""
        ]
        .map(String::from)
        .to_vec()
    ));
    assert!(back.contains(
        &[
            "qian",
            "钱联络员",
            "企业用户",
            "",
            "重庆账号导入科技有限公司",
            "",
            "停用",
            ""
        ]
        .map(String::from)
        .to_vec()
    ));
}

//! Bad input at the edge, alike on every database: paging bounds, control
//! characters and invalid UTF-8, oversized bodies, amounts beyond the bound,
//! a sign-in posted from another site. Never a panic, never a 500, never a
//! database's own words to the client.

use kechuang_testkit::{spawn_app, Api};
use serde_json::{json, Value};

use crate::admin;
use crate::cases::{submit, world};

/// Every paged GET list of the published API refuses a page beyond the bound
/// (the panic in the binder was a page of i64::MAX) and a size of 0 or above
/// the maximum, with 400 `invalid_page`; the deepest allowed page answers.
#[tokio::test]
async fn every_paged_list_bounds_page_and_size() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let (_, doc) = Api::json(api.get("/api/openapi.json")).await;
    let mut paged = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(get) = item.get("get") else { continue };
        let params = get["parameters"].as_array().cloned().unwrap_or_default();
        let has = |n: &str| params.iter().any(|p| p["name"] == n && p["in"] == "query");
        let in_path = params.iter().any(|p| p["in"] == "path");
        if has("page") && has("per_page") && !in_path {
            // Statistics and exports take a list's filters but not a page.
            let (_, first) = Api::json(api.get(&format!("{path}?page=1"))).await;
            if first.get("items").is_some() {
                paged.push(path.clone());
            }
        }
    }
    assert!(paged.len() >= 15, "paged lists found: {paged:?}");
    for path in &paged {
        for q in [
            "page=9223372036854775807",
            "page=0",
            "page=1000001",
            "per_page=0",
            "per_page=201",
        ] {
            let (status, body) = Api::json(api.get(&format!("{path}?{q}"))).await;
            assert_eq!(
                (status, body["code"].as_str()),
                (400, Some("invalid_page")),
                "{path}?{q}: {body}"
            );
        }
        let (status, body) = Api::json(api.get(&format!("{path}?page=1000000&per_page=200"))).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(body["items"], json!([]), "{path}");
    }
    // The pages say so too, with a page instead of a crash.
    let res = api
        .get("/cases?page=9223372036854775807")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

/// NUL and other control characters, and invalid UTF-8, are refused at the
/// edge with 400 on all three databases (PostgreSQL cannot store NUL; the
/// others would have kept it), and nothing of the database reaches the client.
#[tokio::test]
async fn control_characters_and_invalid_utf8_are_refused_alike() {
    let w = world().await;
    let http = reqwest::Client::new();
    let url = |p: &str| w.app.url(p);

    let res = http
        .post(url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("username=adm%00in&password=x&next=%2F")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let res = http
        .get(url("/public/party/a%00b/commitments"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);

    let (status, body) = Api::json(w.admin.get("/api/v1/orgs?q=%00")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_text")),
        "{body}"
    );
    let (status, body) = Api::json(w.admin.get("/api/v1/cases/ab%00c")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_text")),
        "{body}"
    );
    let (status, body) = Api::json(w.admin.get("/api/v1/orgs?q=%1B%5B31m")).await;
    assert_eq!(status, 400, "{body}");

    let (status, body) = Api::json(w.enterprise.post("/api/v1/cases").json(&json!({
        "title": "标题\u{0}带 NUL", "description": "说明", "category_id": w.category["id"]
    })))
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_text")),
        "{body}"
    );
    // Line breaks and tabs in a description are text, not control.
    let (status, body) = Api::json(w.enterprise.post("/api/v1/cases").json(&json!({
        "title": "两行说明", "description": "第一行\n第二行\t完", "category_id": w.category["id"]
    })))
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["description"], "第一行\n第二行\t完");

    // Open311: NUL and invalid UTF-8 in the form; the answer names no table.
    for form in [
        format!(
            "api_key={}&service_code=approval&description=a%00b",
            w.enterprise.token
        ),
        format!(
            "api_key={}&service_code=approval&description=%FF%FEabc",
            w.enterprise.token
        ),
    ] {
        let res = http
            .post(url("/open311/v2/requests.json"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400);
        let text = res.text().await.unwrap();
        for leak in ["database", "sql", "invalid byte sequence", "error returned"] {
            assert!(!text.to_lowercase().contains(leak), "{text}");
        }
    }
    // Invalid UTF-8 in a page form is refused, not turned into U+FFFD.
    let b = w.app.browser("admin").await;
    let res = b
        .http
        .post(url("/orgs/new"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf_token={}&name=%FF%FE&kind=enterprise", b.csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let (_, orgs) = Api::json(w.admin.get("/api/v1/orgs?per_page=200")).await;
    assert!(!orgs.to_string().contains('\u{fffd}'), "{orgs}");
}

/// A body beyond the limit is 413 `payload_too_large`, not a JSON error.
#[tokio::test]
async fn an_oversized_body_is_413() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let big = format!("{{\"name\":\"{}\"}}", "x".repeat(25 * 1024 * 1024));
    let (status, body) = Api::json(
        api.post("/api/v1/orgs")
            .header("content-type", "application/json")
            .body(big),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (413, Some("payload_too_large")),
        "{body}"
    );
}

/// Amounts beyond ±1 万亿元 are refused at input, so totals cannot wrap; a
/// total of bounded amounts is exact.
#[tokio::test]
async fn amounts_are_bounded_and_totals_exact() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let (_, chain) = Api::json(
        api.post("/api/v1/chains")
            .json(&json!({"name": "高端装备"})),
    )
    .await;
    let cid = chain["id"].as_str().unwrap().to_string();
    let mut orgs = Vec::new();
    for n in [31, 32] {
        let o = crate::create_org(&api, &format!("装备厂{n}"), n, json!({})).await;
        let id = o["id"].as_str().unwrap().to_string();
        let (status, body) = Api::json(
            api.put(&format!("/api/v1/chains/{cid}/members/{id}"))
                .json(&json!({"position": "midstream"})),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        orgs.push(id);
    }
    let put = |org: &str, year: i32, fen: i64| {
        api.put(&format!(
            "/api/v1/chains/{cid}/members/{org}/outputs/{year}"
        ))
        .json(&json!({ "output_fen": fen }))
    };
    let (status, body) = Api::json(put(&orgs[0], 2025, i64::MAX)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("amount_too_large")),
        "{body}"
    );
    let max = 100_000_000_000_000i64; // 1 万亿元 in fen
    for org in &orgs {
        assert_eq!(Api::json(put(org, 2025, max)).await.0, 200);
        assert_eq!(Api::json(put(org, 2024, max / 2)).await.0, 200);
    }
    let (status, detail) = Api::json(api.get(&format!("/api/v1/chains/{cid}"))).await;
    assert_eq!(status, 200, "{detail}");
    let totals: Vec<Value> = detail["totals"].as_array().unwrap().clone();
    let last = totals.last().unwrap();
    assert_eq!(last["output_fen"], json!(2 * max));
    assert_eq!(last["growth_permille"], json!(1000), "{last}");

    // A contract of 92,233,720,368,547,758.07 yuan is refused in place.
    let (status, body) = Api::json(api.post("/api/v1/transfer/contracts").json(&json!({
        "amount_yuan": "92233720368547758.07"
    })))
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["details"]["fields"]["amount_yuan"].is_string(),
        "{body}"
    );
}

/// The sign-in form posted from another site is refused (login CSRF); from
/// the platform's own page it signs in.
#[tokio::test]
async fn sign_in_from_another_origin_is_refused() {
    let w = world().await;
    submit(&w, "登录前的诉求").await;
    w.app
        .user("zhang", kechuang_domain::auth::Role::Admin, None, None)
        .await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = [
        ("username", "zhang"),
        ("password", kechuang_testkit::PASSWORD),
        ("next", "/"),
    ];
    let res = http
        .post(w.app.url("/login"))
        .header("origin", "https://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(res.headers().get("set-cookie").is_none());
    let res = http
        .post(w.app.url("/login"))
        .header("origin", format!("http://{}", w.app.addr))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
}

/// `%` and `_` in a search are the characters themselves, not LIKE's
/// wildcards (which matched every row).
#[tokio::test]
async fn search_wildcards_are_literal() {
    let w = world().await;
    submit(&w, "普通的诉求").await;
    submit(&w, "产能利用率仅50%的诉求").await;
    for (q, want) in [("%25", 1), ("_", 0), ("50%25", 1), ("%25%25", 0)] {
        let (status, body) = Api::json(w.admin.get(&format!("/api/v1/cases?q={q}"))).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["total"], want, "q={q}: {body}");
    }
    let (_, orgs) = Api::json(w.admin.get("/api/v1/orgs?q=_")).await;
    assert_eq!(orgs["total"], 0, "{orgs}");
}

/// A list filtered by an organisation that does not exist is an empty list
/// (as with any filter), and Open311 answers a body of the wrong type in its
/// own error format — both as the published document says.
#[tokio::test]
async fn unknown_filters_and_wrong_body_types_answer_as_documented() {
    let w = world().await;
    for path in [
        "/api/v1/party/members?party_org_id=z",
        "/api/v1/party/commitments?party_org_id=z",
    ] {
        let (status, body) = Api::json(w.admin.get(path)).await;
        assert_eq!(
            (status, body["total"].as_u64()),
            (200, Some(0)),
            "{path}: {body}"
        );
    }
    let res = reqwest::Client::new()
        .post(w.app.url("/open311/v2/requests.json"))
        .json(&json!({"service_code": "approval"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body[0]["code"], 400);
}

/// Every page of the navigation takes the pager's own links: `?page=2` with
/// a size answers the page (a numeric field under `#[serde(flatten)]` once
/// made `/orgs?page=2` and `/cases?page=2` a plain-text 400).
#[tokio::test]
async fn every_navigation_page_follows_its_pager_links() {
    let app = spawn_app().await;
    app.user("pager", kechuang_domain::auth::Role::Admin, None, None)
        .await;
    let b = app.browser("pager").await;
    let home = b.get_text("/").await;
    let mut hrefs: Vec<String> = home
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|h| h.starts_with('/') && !h.starts_with("/static") && !h.contains('?'))
        .filter(|h| !h.ends_with("/new") && !h.contains(".xlsx") && !h.contains("logout"))
        .map(str::to_owned)
        .collect();
    hrefs.sort();
    hrefs.dedup();
    assert!(hrefs.iter().any(|h| h == "/orgs") && hrefs.iter().any(|h| h == "/cases"));
    for h in hrefs {
        let res = b.get(&format!("{h}?page=2&per_page=5")).await;
        assert_eq!(res.status(), 200, "{h}?page=2&per_page=5");
    }
}

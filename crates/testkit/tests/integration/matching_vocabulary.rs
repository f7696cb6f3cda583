//! The matching vocabulary and the index on several replicas: a synonym
//! group a reviewer adds through one replica changes the matches another
//! replica gives at its next query; `kechuang reindex` (a rebuild change in
//! the feed) makes every replica rebuild, picking up rows written around
//! the application; only reviewers keep the vocabulary; the page adds,
//! changes and removes entries with errors in place.

use kechuang_domain::auth::Role;
use kechuang_testkit::{id, spawn_app, Api};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};

use crate::{admin, create_org};

async fn post(api: &Api, path: &str, body: Value) -> Value {
    let (status, v) = api.post_json(path, body).await;
    assert!(status == 200 || status == 201, "{path}: {status} {v}");
    v
}

/// The shared terms of `offer` among the need's matches (empty when the
/// offer is not among them).
async fn shared_terms(api: &Api, need: &str, offer: &str) -> Vec<String> {
    let m = api
        .get_ok(&format!("/api/v1/matching/needs/{need}/offers?limit=50"))
        .await;
    m.as_array()
        .unwrap()
        .iter()
        .find(|c| c["offer"]["id"] == offer)
        .map(|c| {
            c["why"]["terms"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["term"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn found_by_text(api: &Api, q: &str, offer: &str) -> bool {
    let (status, m) = Api::json(
        api.get("/api/v1/matching/search")
            .query(&[("q", q), ("limit", "50")]),
    )
    .await;
    assert_eq!(status, 200, "{m}");
    m.as_array()
        .unwrap()
        .iter()
        .any(|c| c["offer"]["id"] == offer)
}

#[tokio::test]
async fn the_vocabulary_and_a_rebuild_reach_every_replica() {
    let app = spawn_app().await;
    let other = app.replica().await;
    let adm = admin(&app).await;
    let firm = create_org(&adm, "重庆氢能重卡有限公司", 601, json!({})).await;
    let inst = create_org(&adm, "重庆材料研究院", 602, json!({ "kind": "institute" })).await;
    let ent = app
        .api_client("qiye", Role::Enterprise, None, Some(id(&firm)))
        .await;
    let lab = app
        .api_client("yanjiuyuan", Role::Enterprise, None, Some(id(&inst)))
        .await;
    let reviewer = app.api_client("kejiju", Role::Department, None, None).await;
    let broker = app.api_client("jingjiren", Role::Broker, None, None).await;
    let broker_there = broker.on(&other);

    let need = post(
        &ent,
        "/api/v1/matching/needs",
        json!({ "title": "车载氢气瓶国产化", "description": "寻找车载氢气瓶的国产供应",
                "keywords": "氢气瓶", "modes": "合作开发" }),
    )
    .await;
    let nid = id(&need);
    post(
        &broker,
        &format!("/api/v1/matching/needs/{nid}/publish"),
        json!({ "version": need["version"] }),
    )
    .await;
    let offer = post(
        &lab,
        "/api/v1/matching/offers",
        json!({ "kind": "result", "title": "碳纤维缠绕储氢瓶制造工艺", "description": "采用湿法缠绕工艺，已完成型式试验",
                "keywords": "储氢瓶、碳纤维", "modes": "许可" }),
    )
    .await;
    let oid = id(&offer);
    post(
        &broker,
        &format!("/api/v1/matching/offers/{oid}/publish"),
        json!({ "version": offer["version"] }),
    )
    .await;

    // Published through the first replica, matched on the second; the
    // words differ, so nothing is shared yet.
    assert!(
        !shared_terms(&broker_there, &nid, &oid)
            .await
            .contains(&"储氢瓶".to_string()),
        "no synonym yet"
    );

    // Only reviewers keep the vocabulary; a bad entry says why.
    let (status, _) = ent
        .post_json(
            "/api/v1/matching/terms",
            json!({ "kind": "synonym", "text": "储氢瓶 氢气瓶" }),
        )
        .await;
    assert_eq!(status, 403);
    let (status, bad) = reviewer
        .post_json(
            "/api/v1/matching/terms",
            json!({ "kind": "synonym", "text": "储氢瓶" }),
        )
        .await;
    assert_eq!(status, 422, "{bad}");
    assert!(bad["details"]["fields"]["text"].is_string(), "{bad}");
    let (status, bad) = reviewer
        .post_json(
            "/api/v1/matching/terms",
            json!({ "kind": "词组", "text": "甲 乙" }),
        )
        .await;
    assert_eq!(status, 422, "{bad}");
    assert!(bad["details"]["fields"]["kind"].is_string(), "{bad}");

    // The group, added through the first replica, changes what the second
    // one matches at its next query.
    let term = post(
        &reviewer,
        "/api/v1/matching/terms",
        json!({ "kind": "同义词组", "text": "储氢瓶，氢气瓶" }),
    )
    .await;
    assert_eq!(term["text"], "储氢瓶 氢气瓶");
    assert_eq!(term["kind_label"], "同义词组");
    let (status, dup) = reviewer
        .post_json(
            "/api/v1/matching/terms",
            json!({ "kind": "synonym", "text": "储氢瓶 氢气瓶" }),
        )
        .await;
    assert_eq!(status, 409, "{dup}");
    assert_eq!(
        shared_terms(&broker_there, &nid, &oid).await,
        vec!["储氢瓶".to_string()],
        "the synonym joins the two words on the other replica"
    );
    let listed = broker_there
        .get_ok("/api/v1/matching/terms?kind=synonym")
        .await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    let (status, _) = Api::json(broker_there.get("/api/v1/matching/terms?kind=x")).await;
    assert_eq!(status, 400);

    // Removed (a stale version is refused): the match is gone again.
    let (status, _) =
        Api::json(reviewer.delete(&format!("/api/v1/matching/terms/{}?version=0", id(&term))))
            .await;
    assert_eq!(status, 409);
    let r = reviewer
        .delete(&format!(
            "/api/v1/matching/terms/{}?version={}",
            id(&term),
            term["version"]
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert!(!shared_terms(&broker_there, &nid, &oid)
        .await
        .contains(&"储氢瓶".to_string()));

    // A row changed around the application is not in any index until
    // `kechuang reindex` asks every replica to rebuild.
    assert!(!found_by_text(&broker_there, "燃料电池双极板", &oid).await);
    app.db
        .execute(Statement::from_sql_and_values(
            app.db.get_database_backend(),
            match app.db.get_database_backend() {
                sea_orm::DatabaseBackend::Postgres => {
                    "UPDATE offers SET keywords = $1 WHERE id = $2"
                }
                _ => "UPDATE offers SET keywords = ? WHERE id = ?",
            },
            ["储氢瓶、碳纤维、燃料电池双极板".into(), oid.clone().into()],
        ))
        .await
        .unwrap();
    assert!(
        !found_by_text(&broker_there, "燃料电池双极板", &oid).await,
        "not in the index yet"
    );
    kechuang_store::matching::changes::request_rebuild(&app.db)
        .await
        .unwrap();
    assert!(
        found_by_text(&broker_there, "燃料电池双极板", &oid).await,
        "the other replica rebuilt"
    );
    assert!(found_by_text(&broker, "燃料电池双极板", &oid).await);
}

//! Matchmaking (技术撮合) through the HTTP API: an enterprise posts a need
//! with a hidden name, a broker reviews it; an institute's offers are
//! published and the enterprise is told once; the broker sees ranked,
//! explained offers, opens a lead (one open lead per pair), moves it, the
//! holder learns the enterprise's name once the parties meet, the broker
//! signs it linking a registered technology contract, and the cooperation
//! counts; Excel export and all-or-nothing import; 403/404/409/422 answers.

use kechuang_domain::auth::Role;
use kechuang_testkit::{id, spawn_app, Api};
use serde_json::{json, Value};

use crate::{admin, create_org};

async fn post(api: &Api, path: &str, body: Value) -> Value {
    let (status, v) = api.post_json(path, body).await;
    assert!(status == 200 || status == 201, "{path}: {status} {v}");
    v
}

#[tokio::test]
async fn a_need_is_matched_worked_signed_and_counted() {
    let app = spawn_app().await;
    let adm = admin(&app).await;
    let firm = create_org(&adm, "重庆渝新能源汽车有限公司", 401, json!({})).await;
    let inst = create_org(&adm, "重庆大学", 402, json!({ "kind": "university" })).await;
    let other = create_org(&adm, "两江智能装备有限公司", 403, json!({})).await;
    let ent = app
        .api_client("qiye", Role::Enterprise, None, Some(id(&firm)))
        .await;
    let uni = app
        .api_client("daxue", Role::Enterprise, None, Some(id(&inst)))
        .await;
    let broker = app.api_client("jingjiren", Role::Broker, None, None).await;
    let leader = app.api_client("leader", Role::Leader, None, None).await;

    // A bad need names its fields; a good one waits for review.
    let (status, bad) = ent
        .post_json(
            "/api/v1/matching/needs",
            json!({ "title": "", "trl_min": "8", "trl_max": "3", "budget": "五十万", "modes": "赠送" }),
        )
        .await;
    assert_eq!(status, 422, "{bad}");
    for f in ["title", "trl_max", "budget", "modes"] {
        assert!(bad["details"]["fields"][f].is_string(), "{f}: {bad}");
    }
    let need = post(
        &ent,
        "/api/v1/matching/needs",
        json!({ "title": "动力电池固态电解质界面阻抗优化", "description": "我司固态电池样品循环寿命不足，需降低电解质与正极界面阻抗",
                "keywords": "固态电池、固态电解质、界面阻抗", "field": "新能源汽车", "trl_min": "4", "trl_max": "7",
                "modes": "合作开发,许可", "budget": "800000", "name_public": false }),
    )
    .await;
    assert_eq!(need["status"], "pending");
    assert_eq!(
        need["org_id"],
        id(&firm),
        "posted for the enterprise's own organisation"
    );
    let nid = id(&need);

    // The broker returns it once (a reason is required), then publishes it.
    let (status, r) = broker
        .post_json(
            &format!("/api/v1/matching/needs/{nid}/return"),
            json!({ "version": need["version"], "reason": "" }),
        )
        .await;
    assert_eq!(status, 422, "{r}");
    let (status, r) = ent
        .post_json(
            &format!("/api/v1/matching/needs/{nid}/publish"),
            json!({ "version": need["version"] }),
        )
        .await;
    assert_eq!(status, 403, "an enterprise cannot publish: {r}");
    let need = post(
        &broker,
        &format!("/api/v1/matching/needs/{nid}/publish"),
        json!({ "version": need["version"] }),
    )
    .await;
    assert_eq!(need["status"], "published");

    // Offers by the university: a relevant one (in other words: 新能源汽车 ~
    // 电动汽车) and an unrelated one; published by the broker.
    let mut offer_ids = vec![];
    for (title, kw) in [
        (
            "电动汽车全固态电池电解质界面改性技术",
            "固态电解质、界面阻抗、电动汽车",
        ),
        ("高校食堂智能结算系统", "人脸识别、结算"),
    ] {
        let o = post(
            &uni,
            "/api/v1/matching/offers",
            json!({ "kind": "result", "title": title, "description": format!("{title}，已完成中试"),
                    "keywords": kw, "trl": "5", "modes": "许可,合作开发", "price_min": "500000", "price_max": "1500000" }),
        )
        .await;
        assert_eq!(o["holder_org_id"], id(&inst));
        let o = post(
            &broker,
            &format!("/api/v1/matching/offers/{}/publish", id(&o)),
            json!({ "version": o["version"] }),
        )
        .await;
        offer_ids.push(id(&o));
    }

    // The enterprise was told once about the relevant offer.
    let msgs = ent.get_ok("/api/v1/messages?per_page=50").await;
    let told: Vec<&Value> = msgs["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["title"].as_str().unwrap_or("").contains("全固态电池"))
        .collect();
    assert_eq!(told.len(), 1, "{msgs}");

    // Ranked and explained: the relevant offer first, with its shared terms.
    let m = broker
        .get_ok(&format!("/api/v1/matching/needs/{nid}/offers"))
        .await;
    let first = &m[0];
    assert_eq!(first["offer"]["id"], offer_ids[0].as_str(), "{m}");
    assert!(
        first["why"]["terms"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["term"] == "固态电解质"),
        "{}",
        first["why"]
    );
    assert!(first["why"]["summary"].as_str().unwrap().contains("共享词"));
    let parts: f64 = first["why"]["text"]
        .as_array()
        .unwrap()
        .iter()
        .chain(first["why"]["bonuses"].as_array().unwrap())
        .map(|p| p["score"].as_f64().unwrap())
        .sum();
    assert!((parts - first["score"].as_f64().unwrap()).abs() < 1e-6);
    assert!(m
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["offer"]["id"] != offer_ids[1].as_str()));

    // The hidden name: the university does not see the enterprise yet.
    let seen = uni.get_ok(&format!("/api/v1/matching/needs/{nid}")).await;
    assert_eq!(seen["org_name"], "（企业名称不公开）");
    assert_eq!(seen["contact_phone"], "");

    // A lead; a second open one for the same pair is refused.
    let lead = post(
        &broker,
        "/api/v1/matching/leads",
        json!({ "need_id": nid, "offer_id": offer_ids[0], "next_step": "约双方技术负责人面谈", "next_due_on": "2020-01-01" }),
    )
    .await;
    assert_eq!(lead["stage"], "contact");
    assert_eq!(lead["overdue"], true);
    let (status, dup) = broker
        .post_json(
            "/api/v1/matching/leads",
            json!({ "need_id": nid, "offer_id": offer_ids[0] }),
        )
        .await;
    assert_eq!(
        (status, dup["code"].as_str()),
        (409, Some("lead_open")),
        "{dup}"
    );
    let lid = id(&lead);
    let overdue = leader.get_ok("/api/v1/matching/leads?overdue=true").await;
    assert_eq!(overdue["total"], 1);

    // Skipping a stage is refused; confirming lets the holder see the name.
    let (status, r) = broker
        .post_json(
            &format!("/api/v1/matching/leads/{lid}/stage"),
            json!({ "version": lead["version"], "stage": "negotiating" }),
        )
        .await;
    assert_eq!(status, 422, "{r}");
    let lead = post(
        &broker,
        &format!("/api/v1/matching/leads/{lid}/stage"),
        json!({ "version": lead["version"], "stage": "需求确认" }),
    )
    .await;
    let seen = uni.get_ok(&format!("/api/v1/matching/needs/{nid}")).await;
    assert_eq!(seen["org_name"], "重庆渝新能源汽车有限公司");
    let other_firm = app
        .api_client("other", Role::Enterprise, None, Some(id(&other)))
        .await;
    let seen = other_firm
        .get_ok(&format!("/api/v1/matching/needs/{nid}"))
        .await;
    assert_eq!(
        seen["org_name"], "（企业名称不公开）",
        "only the holder of the lead's offer"
    );
    let lead = post(
        &broker,
        &format!("/api/v1/matching/leads/{lid}/stage"),
        json!({ "version": lead["version"], "stage": "negotiating" }),
    )
    .await;

    // Signing links a registered contract and makes the cooperation project.
    let contract = post(
        &adm,
        "/api/v1/transfer/contracts",
        json!({ "contract_no": "2026500001000077", "title": "固态电解质界面改性技术许可合同", "kind": "技术许可",
                "seller_name": "重庆大学", "buyer_name": "重庆渝新能源汽车有限公司",
                "amount_yuan": "1,200,000.00", "signed_on": "2026-03-01", "registered_on": "2026-03-05" }),
    )
    .await;
    let before = leader.get_ok("/api/v1/matching/figures").await;
    let signed = post(
        &broker,
        &format!("/api/v1/matching/leads/{lid}/sign"),
        json!({ "version": lead["version"], "signed_on": "2026-03-01", "contract_id": id(&contract) }),
    )
    .await;
    assert_eq!(signed["lead"]["stage"], "signed");
    assert_eq!(signed["contract_id"], id(&contract));
    assert_eq!(signed["project"]["amount_fen"], 120_000_000);
    let c = adm
        .get_ok(&format!("/api/v1/transfer/contracts/{}", id(&contract)))
        .await;
    assert_eq!(c["lead_id"], lid.as_str(), "{c}");
    let after = leader.get_ok("/api/v1/matching/figures").await;
    assert_eq!(
        after["projects"].as_u64().unwrap(),
        before["projects"].as_u64().unwrap() + 1
    );
    let projects = leader
        .get_ok("/api/v1/matching/projects?from_lead=true")
        .await;
    assert_eq!(projects["total"], 1);
    let (status, r) = broker
        .post_json(
            &format!("/api/v1/matching/leads/{lid}/stage"),
            json!({ "version": signed["lead"]["version"], "stage": "closed", "reason": "x" }),
        )
        .await;
    assert_eq!(status, 422, "a signed lead is final: {r}");

    // Free-text search and filters.
    let hits = ent
        .get_ok("/api/v1/matching/search?q=新能源汽车固态电池")
        .await;
    assert_eq!(hits[0]["offer"]["id"], offer_ids[0].as_str(), "{hits}");
    let none = ent
        .get_ok("/api/v1/matching/search?q=新能源汽车固态电池&trl_min=8")
        .await;
    assert_eq!(none.as_array().unwrap().len(), 0, "{none}");

    // Excel: the export imports again (all or nothing).
    let res = broker
        .get("/api/v1/matching/offers/export?status=published")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap().to_vec();
    let rows = crate::sheet_rows(&bytes, None);
    assert_eq!(rows.len(), 3, "header and two offers");
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name("offers.xlsx"),
    );
    let (status, imp) = Api::json(
        broker
            .post("/api/v1/matching/offers/import")
            .multipart(form),
    )
    .await;
    assert_eq!((status, imp["imported"].as_u64()), (200, Some(2)), "{imp}");
    let all = broker
        .get_ok("/api/v1/matching/offers?status=published")
        .await;
    assert_eq!(all["total"], 4);

    // Unknown records and permissions.
    let (status, _) = Api::json(broker.get("/api/v1/matching/needs/nope")).await;
    assert_eq!(status, 404);
    let (status, _) = leader
        .post_json(
            "/api/v1/matching/leads",
            json!({ "need_id": nid, "offer_id": offer_ids[1] }),
        )
        .await;
    assert_eq!(status, 403);
}

//! Matchmaking in the browser: an enterprise posts a need through the form
//! (a bad budget shown beside its field, the title kept), a broker
//! publishes it on its page, an offer is posted and published, the need's
//! page ranks the offer with its shared terms, the broker opens a lead from
//! there (a second one for the pair is refused in place), moves it, signs it
//! with an amount, and the overview counts the cooperation project.

use kechuang_domain::auth::Role;
use kechuang_testkit::{id, spawn_app, Browser};
use serde_json::json;

use crate::{admin, create_org, location};

/// The id in a redirect to `{prefix}/{id}?flash=…`.
fn id_in(to: &str, prefix: &str) -> String {
    to.trim_start_matches(prefix)
        .trim_start_matches('/')
        .split('?')
        .next()
        .unwrap()
        .to_string()
}

async fn post_ok(b: &Browser, path: &str, fields: &[(&str, &str)], flash: &str) -> String {
    let r = b.post_form(path, fields).await;
    let to = location(&r);
    let status = r.status();
    assert_eq!(
        status,
        303,
        "{path}: {}",
        r.text().await.unwrap_or_default()
    );
    assert!(to.ends_with(&format!("?flash={flash}")), "{path}: {to}");
    to
}

#[tokio::test]
async fn a_need_is_matched_and_signed_in_the_browser() {
    let app = spawn_app().await;
    let adm = admin(&app).await;
    let firm = create_org(&adm, "重庆渝新能源汽车有限公司", 501, json!({})).await;
    let inst = create_org(&adm, "重庆大学", 502, json!({ "kind": "university" })).await;
    let ent_api = app
        .api_client("qiye", Role::Enterprise, None, Some(id(&firm)))
        .await;
    app.user("daxue", Role::Enterprise, None, Some(id(&inst)))
        .await;
    let broker_api = app.api_client("jingjiren", Role::Broker, None, None).await;
    let ent = app.browser("qiye").await;
    let uni = app.browser("daxue").await;
    let broker = app.browser("jingjiren").await;

    // The form; a bad budget is shown beside its field, the title kept.
    let page = ent.get_text("/matching/needs").await;
    assert!(
        page.contains("发布需求") && page.contains("以本单位名义发布"),
        "{page}"
    );
    let title = "动力电池固态电解质界面阻抗优化";
    let need_fields = |budget: &'static str| {
        vec![
            ("title", title),
            (
                "description",
                "我司固态电池样品循环寿命不足，需降低电解质与正极界面阻抗",
            ),
            ("keywords", "固态电池、固态电解质、界面阻抗"),
            ("field", "新能源汽车"),
            ("trl_min", "4"),
            ("trl_max", "7"),
            ("modes", "joint_development"),
            ("modes", "license"),
            ("budget", budget),
            ("submit", "true"),
        ]
    };
    let r = ent
        .post_form("/matching/needs", &need_fields("五十万"))
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("is-invalid") && html.contains("预算：") && html.contains(title),
        "{html}"
    );
    assert!(
        html.contains("id=\"need-modes-license\" name=\"modes\" value=\"license\" checked"),
        "the checked modes are kept"
    );

    // Staff pick the organisation; none picked is shown beside the select.
    let page = broker.get_text("/matching/needs").await;
    assert!(page.contains("name=\"org_id\""), "{page}");
    let r = broker
        .post_form("/matching/needs", &need_fields("800000"))
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"need-org_id\"") && html.contains("请选择需求单位"),
        "{html}"
    );

    // Posted for the enterprise's own organisation, its name hidden.
    let to = post_ok(
        &ent,
        "/matching/needs",
        &need_fields("800000"),
        "listing_submitted",
    )
    .await;
    let nid = id_in(&to, "/matching/needs");
    let need = ent_api
        .get_ok(&format!("/api/v1/matching/needs/{nid}"))
        .await;
    assert_eq!(need["status"], "pending");
    assert_eq!(need["name_public"], false);
    assert_eq!(need["modes"], "license,joint_development", "{need}");
    assert_eq!(need["budget_fen"], 80_000_000);

    // The broker returns without a reason (refused in place), then publishes.
    let version = need["version"].to_string();
    let r = broker
        .post_form(
            &format!("/matching/needs/{nid}/act/return"),
            &[("version", &version), ("reason", "")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("is-invalid"));
    post_ok(
        &broker,
        &format!("/matching/needs/{nid}/act/publish"),
        &[("version", &version)],
        "listing_published",
    )
    .await;

    // The university posts an offer through the form; the broker publishes it.
    let to = post_ok(
        &uni,
        "/matching/offers",
        &[
            ("kind", "result"),
            ("title", "电动汽车全固态电池电解质界面改性技术"),
            (
                "description",
                "电动汽车全固态电池电解质界面改性技术，已完成中试",
            ),
            ("keywords", "固态电解质、界面阻抗、电动汽车"),
            ("trl", "5"),
            ("modes", "license"),
            ("modes", "joint_development"),
            ("price_min", "500000"),
            ("price_max", "1500000"),
            ("submit", "true"),
        ],
        "listing_submitted",
    )
    .await;
    let oid = id_in(&to, "/matching/offers");
    let offer = broker_api
        .get_ok(&format!("/api/v1/matching/offers/{oid}"))
        .await;
    assert_eq!(offer["holder_org_id"], id(&inst));
    post_ok(
        &broker,
        &format!("/matching/offers/{oid}/act/publish"),
        &[("version", &offer["version"].to_string())],
        "listing_published",
    )
    .await;

    // The university does not see the enterprise's name yet.
    let seen = uni.get_text(&format!("/matching/needs/{nid}")).await;
    assert!(seen.contains("（企业名称不公开）"), "{seen}");
    assert!(!seen.contains("重庆渝新能源汽车有限公司"));

    // The need's page ranks the offer and says why.
    let page = broker.get_text(&format!("/matching/needs/{nid}")).await;
    assert!(page.contains("匹配的技术供给"), "{page}");
    assert!(
        page.contains("电动汽车全固态电池电解质界面改性技术") && page.contains("共享词"),
        "{page}"
    );
    assert!(page.contains("固态电解质") && page.contains("建立撮合线索"));

    // A lead from there; a second one for the pair is refused in place.
    let lead_fields = [
        ("from", "need"),
        ("need_id", nid.as_str()),
        ("offer_id", oid.as_str()),
        ("next_step", "约双方技术负责人面谈"),
        ("next_due_on", "2020-01-01"),
    ];
    let to = post_ok(&broker, "/matching/leads", &lead_fields, "lead_created").await;
    let lid = id_in(&to, "/matching/leads");
    let r = broker.post_form("/matching/leads", &lead_fields).await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("alert-danger") && html.contains("匹配的技术供给"),
        "{html}"
    );
    let list = broker.get_text("/matching/leads?overdue=true").await;
    assert!(
        list.contains("overdue") && list.contains(&format!("/matching/leads/{lid}")),
        "{list}"
    );

    // The next step (required) and a supervision note, each its own form.
    let page = broker.get_text(&format!("/matching/leads/{lid}")).await;
    assert!(
        page.contains("推进到“需求确认”") && page.contains("超期") && page.contains("督办"),
        "{page}"
    );
    let v = |l: &serde_json::Value| l["version"].to_string();
    let l = broker_api
        .get_ok(&format!("/api/v1/matching/leads/{lid}"))
        .await;
    let r = broker
        .post_form(
            &format!("/matching/leads/{lid}/act/next_step"),
            &[("version", &v(&l)), ("next_step", "")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("is-invalid"));
    post_ok(
        &broker,
        &format!("/matching/leads/{lid}/act/next_step"),
        &[
            ("version", &v(&l)),
            ("next_step", "安排中试线参观"),
            ("next_due_on", "2099-12-31"),
        ],
        "saved",
    )
    .await;
    let l = broker_api
        .get_ok(&format!("/api/v1/matching/leads/{lid}"))
        .await;
    assert_eq!(
        (l["next_step"].as_str(), l["overdue"].as_bool()),
        (Some("安排中试线参观"), Some(false))
    );
    post_ok(
        &broker,
        &format!("/matching/leads/{lid}/act/supervise"),
        &[("version", &v(&l)), ("note", "请本周内完成对接")],
        "lead_supervised",
    )
    .await;
    let page = broker.get_text(&format!("/matching/leads/{lid}")).await;
    assert!(page.contains("请本周内完成对接"), "{page}");

    // Moved to 需求确认 and 方案洽谈; a sign without an amount is refused.
    for stage in ["confirmed", "negotiating"] {
        let l = broker_api
            .get_ok(&format!("/api/v1/matching/leads/{lid}"))
            .await;
        post_ok(
            &broker,
            &format!("/matching/leads/{lid}/act/stage"),
            &[("version", &l["version"].to_string()), ("stage", stage)],
            "lead_moved",
        )
        .await;
    }
    let seen = uni.get_text(&format!("/matching/needs/{nid}")).await;
    assert!(
        seen.contains("重庆渝新能源汽车有限公司"),
        "met: the name shows"
    );
    // The sign form offers the registered contracts of the two parties not
    // yet linked to a lead, and no others.
    for (no, seller) in [
        ("2026500001000088", id(&inst)),
        ("2026500001000099", String::new()),
    ] {
        let (status, c) = adm
            .post_json(
                "/api/v1/transfer/contracts",
                json!({ "contract_no": no, "title": format!("合同{no}"), "kind": "技术许可",
                        "seller_org_id": seller, "seller_name": "某单位", "buyer_name": "某企业",
                        "amount_yuan": "1,200,000.00", "signed_on": "2026-03-01", "registered_on": "2026-03-05" }),
            )
            .await;
        assert_eq!(status, 201, "{c}");
    }
    let page = broker.get_text(&format!("/matching/leads/{lid}")).await;
    assert!(
        page.contains("2026500001000088 · 合同2026500001000088 · 1,200,000.00 元 · 2026年3月1日"),
        "{page}"
    );
    assert!(
        !page.contains("2026500001000099"),
        "another parties' contract"
    );
    let l = broker_api
        .get_ok(&format!("/api/v1/matching/leads/{lid}"))
        .await;
    let version = l["version"].to_string();
    let r = broker
        .post_form(
            &format!("/matching/leads/{lid}/act/sign"),
            &[("version", &version), ("signed_on", "2026-03-01")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("is-invalid") && html.contains("请填写合同金额"),
        "{html}"
    );
    let before = broker.get_text("/matching").await;
    assert!(
        before.contains("合作项目 <a href=\"/matching/projects\">0</a> 个"),
        "{before}"
    );
    post_ok(
        &broker,
        &format!("/matching/leads/{lid}/act/sign"),
        &[
            ("version", &version),
            ("signed_on", "2026-03-01"),
            ("amount", "1,200,000"),
            ("mode", "license"),
        ],
        "signed",
    )
    .await;
    let l = broker_api
        .get_ok(&format!("/api/v1/matching/leads/{lid}"))
        .await;
    assert_eq!(l["stage"], "signed");
    assert_eq!(l["amount_fen"], 120_000_000);
    let after = broker.get_text("/matching").await;
    assert!(
        after.contains("合作项目 <a href=\"/matching/projects\">1</a> 个"),
        "{after}"
    );
    let projects = broker.get_text("/matching/projects?from_lead=true").await;
    assert!(projects.contains("1,200,000.00 元"), "{projects}");
    assert!(
        after.contains("id=\"brokers\"") && after.contains("jingjiren"),
        "the per-broker table for staff"
    );

    // The list's export link imports again through the page (all or nothing).
    let list = broker.get_text("/matching/needs?status=published").await;
    let href = "/api/v1/matching/needs/export?status=published";
    assert!(list.contains(href), "{list}");
    let res = broker.get(href).await;
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap().to_vec();
    let upload = |bytes: Vec<u8>| broker.upload("/matching/needs/import", bytes);
    let r = upload(bytes).await;
    assert_eq!(location(&r), "/matching/needs?flash=imported");
    let r = upload(b"not a workbook".to_vec()).await;
    assert!(r.status().is_client_error(), "{}", r.status());
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"import-error\""), "{html}");
    let all = broker_api
        .get_ok("/api/v1/matching/needs?status=published")
        .await;
    assert_eq!(all["total"], 2, "{all}");
}

fn refs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// A need is changed through its form: the form opens filled from the
/// record (chain node and hidden name kept), a bad value is refused beside
/// its field with what was typed, a published need changed by its
/// enterprise goes back to review, a closed one has no form; reviewers
/// keep the vocabulary on its page, errors in place; others see no page.
#[tokio::test]
async fn a_listing_is_changed_through_its_form_and_the_vocabulary_kept() {
    let app = spawn_app().await;
    let adm = admin(&app).await;
    let firm = create_org(&adm, "重庆渝新能源汽车有限公司", 511, json!({})).await;
    let (_, chain) = kechuang_testkit::Api::json(
        adm.post("/api/v1/chains")
            .json(&json!({ "name": "新能源汽车" })),
    )
    .await;
    let cid = id(&chain);
    let (status, node) = kechuang_testkit::Api::json(
        adm.post(&format!("/api/v1/chains/{cid}/nodes"))
            .json(&json!({ "name": "动力电池" })),
    )
    .await;
    assert_eq!(status, 201, "{node}");
    let ent_api = app
        .api_client("qiye", Role::Enterprise, None, Some(id(&firm)))
        .await;
    let broker_api = app.api_client("jingjiren", Role::Broker, None, None).await;
    app.user("kejiju", Role::Department, None, None).await;
    let ent = app.browser("qiye").await;
    let reviewer = app.browser("kejiju").await;

    let (status, need) = ent_api
        .post_json(
            "/api/v1/matching/needs",
            json!({ "title": "电池包热失控预警", "keywords": "热失控、电池包", "modes": "合作开发",
                    "chain_node_id": id(&node), "budget": "300000", "name_public": false }),
        )
        .await;
    assert_eq!(status, 201, "{need}");
    let nid = id(&need);
    let (status, need) = broker_api
        .post_json(
            &format!("/api/v1/matching/needs/{nid}/publish"),
            json!({ "version": need["version"] }),
        )
        .await;
    assert_eq!(status, 200, "{need}");

    // The form, filled from the record.
    let page = ent.get_text(&format!("/matching/needs/{nid}")).await;
    assert!(
        page.contains(&format!("/matching/needs/{nid}/edit")),
        "{page}"
    );
    let form = ent.get_text(&format!("/matching/needs/{nid}/edit")).await;
    assert!(form.contains("value=\"电池包热失控预警\""), "{form}");
    assert!(form.contains("value=\"300,000.00\""), "{form}");
    assert!(
        form.contains(&format!(
            "<option value=\"{}\" selected>新能源汽车 · 动力电池",
            id(&node)
        )),
        "the chain node is selected: {form}"
    );
    assert!(
        form.contains("id=\"need-name_public\" name=\"name_public\" value=\"on\">"),
        "the hidden name stays hidden (unchecked)"
    );
    assert!(form.contains(
        "id=\"need-modes-joint_development\" name=\"modes\" value=\"joint_development\" checked"
    ));
    let version = need["version"].to_string();
    let fields = |trl_max: &'static str, version: &str| -> Vec<(String, String)> {
        [
            ("version", version),
            ("title", "电池包热失控早期预警"),
            ("keywords", "热失控、电池包、预警"),
            ("modes", "joint_development"),
            ("chain_node_id", &id(&node)),
            ("budget", "300,000.00"),
            ("trl_min", "4"),
            ("trl_max", trl_max),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    };
    let bad = fields("2", &version);
    let r = ent
        .post_form(&format!("/matching/needs/{nid}/edit"), &refs(&bad))
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("is-invalid") && html.contains("技术成熟度上限不能低于下限"),
        "{html}"
    );
    assert!(
        html.contains("value=\"电池包热失控早期预警\""),
        "typed title kept"
    );
    let good = fields("7", &version);
    post_ok(
        &ent,
        &format!("/matching/needs/{nid}/edit"),
        &refs(&good),
        "saved",
    )
    .await;
    let after = ent_api
        .get_ok(&format!("/api/v1/matching/needs/{nid}"))
        .await;
    assert_eq!(after["title"], "电池包热失控早期预警");
    assert_eq!(
        after["status"], "pending",
        "changed by its enterprise: back to review"
    );
    assert_eq!(after["chain_node_id"], id(&node));
    assert_eq!(after["chain_id"], cid);
    assert_eq!(after["budget_fen"], 30_000_000);
    assert_eq!(after["name_public"], false);
    // The old version is refused, what was typed kept.
    let r = ent
        .post_form(&format!("/matching/needs/{nid}/edit"), &refs(&good))
        .await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("电池包热失控早期预警"));

    // Closed: no form link, and a change is refused.
    let (status, closed) = ent_api
        .post_json(
            &format!("/api/v1/matching/needs/{nid}/close"),
            json!({ "version": after["version"] }),
        )
        .await;
    assert_eq!(status, 200, "{closed}");
    let page = ent.get_text(&format!("/matching/needs/{nid}")).await;
    assert!(!page.contains(&format!("/matching/needs/{nid}/edit")));

    // The vocabulary page: reviewers add, change and remove; errors in place.
    let r = ent.get("/matching/terms").await;
    assert_eq!(r.status(), 200, "readers see the vocabulary");
    assert!(!r.text().await.unwrap().contains("添加词条"));
    let page = reviewer.get_text("/matching/terms").await;
    assert!(
        page.contains("匹配词库") && page.contains("添加词条"),
        "{page}"
    );
    let r = reviewer
        .post_form(
            "/matching/terms",
            &[("kind", "synonym"), ("text", "热失控")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("同义词组至少要有两个不同的词") && html.contains("value=\"热失控\""),
        "{html}"
    );
    post_ok(
        &reviewer,
        "/matching/terms",
        &[("kind", "synonym"), ("text", "热失控 热蔓延")],
        "created",
    )
    .await;
    let terms = broker_api.get_ok("/api/v1/matching/terms").await;
    let t = &terms[0];
    assert_eq!(t["text"], "热失控 热蔓延");
    let tid = id(t);
    let v = t["version"].to_string();
    let r = reviewer
        .post_form(
            &format!("/matching/terms/{tid}/act/save"),
            &[("version", &v), ("kind", "synonym"), ("text", "热失控")],
        )
        .await;
    assert_eq!(r.status(), 422, "a group of one is refused in its row");
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("同义词组至少要有两个不同的词"));
    post_ok(
        &reviewer,
        &format!("/matching/terms/{tid}/act/save"),
        &[
            ("version", &v),
            ("kind", "synonym"),
            ("text", "热失控 热扩散"),
        ],
        "saved",
    )
    .await;
    let terms = broker_api.get_ok("/api/v1/matching/terms").await;
    assert_eq!(terms[0]["text"], "热失控 热扩散");
    let v = terms[0]["version"].to_string();
    post_ok(
        &reviewer,
        &format!("/matching/terms/{tid}/act/delete"),
        &[("version", &v)],
        "deleted",
    )
    .await;
    assert_eq!(broker_api.get_ok("/api/v1/matching/terms").await, json!([]));
}

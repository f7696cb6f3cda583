//! Party-building: the commitment cycle (pledge → reports with evidence →
//! the secretary's verdict), fulfilment figures, and the public page.

use kechuang_domain::auth::Role;
use kechuang_testkit::{spawn_app, Api};
use serde_json::json;

#[tokio::test]
async fn a_commitment_cycle_runs_to_verified_fulfilment() {
    let app = spawn_app().await;
    let office = app
        .api_client("office", Role::PartyWorker, None, None)
        .await;
    let (_, branch) = office
        .post_json(
            "/api/v1/party/orgs",
            json!({"name": "金凤实验室第一党支部", "kind": "branch"}),
        )
        .await;
    let branch = branch["id"].as_str().unwrap().to_string();
    let (_, m) = office.post_json("/api/v1/party/members", json!({
        "party_org_id": branch, "name": "陈雪梅", "applied_on": "2015-03-01", "activist_on": "2015-09-01",
        "candidate_on": "2016-09-01", "probationary_on": "2017-03-01", "full_on": "2018-03-01"
    }))
    .await;
    let member = m["id"].as_str().unwrap().to_string();
    let pledge = |title: &str, due: &str| json!({"member_id": member, "title": title, "pledged_on": "2025-01-10", "due_on": due});
    let (status, e) = office
        .post_json(
            "/api/v1/party/commitments",
            pledge("时限早于承诺", "2025-01-01"),
        )
        .await;
    assert_eq!(status, 422, "{e}");
    let (status, c) = office
        .post_json(
            "/api/v1/party/commitments",
            pledge("走访联系企业不少于10家", "2025-06-30"),
        )
        .await;
    assert_eq!(status, 201, "{c}");
    assert_eq!(
        (c["status"].as_str(), c["party_org_id"].as_str()),
        (Some("pledged"), Some(branch.as_str()))
    );
    let id = c["id"].as_str().unwrap();
    // Verifying before a report is refused.
    let (status, e) = office
        .post_json(
            &format!("/api/v1/party/commitments/{id}/verify"),
            json!({"verdict": "fulfilled", "version": c["version"]}),
        )
        .await;
    assert_eq!(
        (status, e["code"].as_str()),
        (422, Some("commitment_state"))
    );
    // A half-way report keeps it pledged; completion needs evidence.
    let (status, c) = office.post_json(&format!("/api/v1/party/commitments/{id}/reports"), json!({"progress": "已走访5家", "percent": "50", "reported_on": "2025-03-01", "version": c["version"]})).await;
    assert_eq!((status, c["status"].as_str()), (200, Some("pledged")));
    let (status, e) = office
        .post_json(
            &format!("/api/v1/party/commitments/{id}/reports"),
            json!({"progress": "已完成", "percent": "100", "version": c["version"]}),
        )
        .await;
    assert_eq!(status, 422);
    assert!(e["details"]["fields"]["evidence"].is_string(), "{e}");
    let (status, c) = office.post_json(&format!("/api/v1/party/commitments/{id}/reports"), json!({"progress": "已走访12家", "percent": "100", "evidence": "走访台账", "reported_on": "2025-06-20", "version": c["version"]})).await;
    assert_eq!((status, c["status"].as_str()), (200, Some("reported")));
    let (status, _) = office
        .post_json(
            &format!("/api/v1/party/commitments/{id}/reports"),
            json!({"progress": "再报", "percent": "100", "evidence": "x", "version": c["version"]}),
        )
        .await;
    assert_eq!(status, 422, "no report while waiting for the verdict");
    let (status, _) = office
        .post_json(
            &format!("/api/v1/party/commitments/{id}/verify"),
            json!({"verdict": "fulfilled", "version": 1}),
        )
        .await;
    assert_eq!(status, 409, "a stale verdict is refused");
    let (status, c) = office
        .post_json(
            &format!("/api/v1/party/commitments/{id}/verify"),
            json!({"verdict": "fulfilled", "on": "2025-07-01", "version": c["version"]}),
        )
        .await;
    assert_eq!(
        (status, c["status"].as_str(), c["status_label"].as_str()),
        (200, Some("verified"), Some("已践诺"))
    );
    let (_, detail) = Api::json(office.get(&format!("/api/v1/party/commitments/{id}"))).await;
    assert_eq!(detail["reports"].as_array().unwrap().len(), 2);

    // A second pledge found unfulfilled (a reason is required), a third left overdue, a fourth not yet due.
    let (_, c2) = office
        .post_json(
            "/api/v1/party/commitments",
            pledge("推动一项专利转化", "2025-05-31"),
        )
        .await;
    let id2 = c2["id"].as_str().unwrap();
    let (_, c2) = office.post_json(&format!("/api/v1/party/commitments/{id2}/reports"), json!({"progress": "已对接", "percent": "100", "evidence": "合同草稿", "reported_on": "2025-05-30", "version": c2["version"]})).await;
    let (status, _) = office
        .post_json(
            &format!("/api/v1/party/commitments/{id2}/verify"),
            json!({"verdict": "unfulfilled", "version": c2["version"]}),
        )
        .await;
    assert_eq!(status, 422, "unfulfilled needs a reason");
    let (_, c2) = office
        .post_json(
            &format!("/api/v1/party/commitments/{id2}/verify"),
            json!({"verdict": "unfulfilled", "comment": "合同未签订", "version": c2["version"]}),
        )
        .await;
    assert_eq!(c2["status"], "rejected");
    office
        .post_json(
            "/api/v1/party/commitments",
            pledge("开展一次政策宣讲", "2025-04-30"),
        )
        .await;
    office
        .post_json(
            "/api/v1/party/commitments",
            pledge("带领团队完成中试", "2099-12-31"),
        )
        .await;

    let (_, f) = Api::json(office.get("/api/v1/party/commitments/figures")).await;
    let all = &f["all"];
    assert_eq!(
        (
            all["total"].as_i64(),
            all["verified"].as_i64(),
            all["rejected"].as_i64()
        ),
        (Some(4), Some(1), Some(1))
    );
    assert_eq!(
        all["overdue"], 2,
        "the rejected and the unreported past-due pledges are overdue"
    );
    assert_eq!(
        all["fulfilment_permille"], 333,
        "1 of the 3 due is verified"
    );
    assert_eq!(f["by_party_org"][&branch]["total"], 4);
    let (_, overdue) = Api::json(office.get("/api/v1/party/commitments?overdue=true")).await;
    assert_eq!(overdue["total"], 2);
    let (_, y) = Api::json(office.get("/api/v1/party/commitments?year=2099")).await;
    assert_eq!(y["total"], 1);

    // The public page needs no sign-in and shows the pledges and their state.
    let html = reqwest::get(app.url(&format!("/public/party/{branch}/commitments")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("走访联系企业不少于10家")
            && html.contains("已践诺")
            && html.contains("未兑现")
    );
    assert!(html.contains("践诺率 33.3%"));

    // A leader reads; an enterprise user may not.
    let leader = app.api_client("leader", Role::Leader, None, None).await;
    assert_eq!(
        leader
            .get("/api/v1/party/commitments")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        leader
            .post_json("/api/v1/party/commitments", pledge("x", "2025-06-30"))
            .await
            .0,
        403
    );
    // The pledge form names each member with the branch, as namesakes need.
    app.user("office_page", Role::PartyWorker, None, None).await;
    let html = app
        .browser("office_page")
        .await
        .get_text("/party/commitments")
        .await;
    assert!(
        html.contains(">陈雪梅（金凤实验室第一党支部）</option>"),
        "{html}"
    );
}

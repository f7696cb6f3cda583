//! Party-building: vanguard teams and a horse race to its leaderboard, with
//! dimensions computed from the records and scored with evidence; the change
//! of rank since the previous race; commendations.

use kechuang_domain::auth::Role;
use kechuang_testkit::{id, spawn_app, Api};
use serde_json::json;

/// A member with `verified` of two commitments due in 2025 fulfilled.
async fn member_with_record(office: &Api, branch: &str, name: &str, verified: usize) -> String {
    let (_, m) = office.post_json("/api/v1/party/members", json!({
        "party_org_id": branch, "name": name, "applied_on": "2015-03-01", "activist_on": "2015-09-01",
        "candidate_on": "2016-09-01", "probationary_on": "2017-03-01", "full_on": "2018-03-01"
    }))
    .await;
    let member = id(&m);
    for k in 0..2 {
        let (_, c) = office.post_json("/api/v1/party/commitments", json!({"member_id": member, "title": format!("承诺{k}"), "pledged_on": "2025-01-05", "due_on": "2025-03-31"})).await;
        if k < verified {
            let (_, c) = office.post_json(&format!("/api/v1/party/commitments/{}/reports", id(&c)), json!({"progress": "完成", "percent": "100", "evidence": "台账", "reported_on": "2025-03-20", "version": c["version"]})).await;
            let (status, _) = office
                .post_json(
                    &format!("/api/v1/party/commitments/{}/verify", id(&c)),
                    json!({"verdict": "fulfilled", "on": "2025-03-25", "version": c["version"]}),
                )
                .await;
            assert_eq!(status, 200);
        }
    }
    member
}

#[tokio::test]
async fn a_race_runs_to_a_leaderboard_with_change_since_the_last_period() {
    let app = spawn_app().await;
    let office = app
        .api_client("office", Role::PartyWorker, None, None)
        .await;
    let (_, branch) = office
        .post_json(
            "/api/v1/party/orgs",
            json!({"name": "第一党支部", "kind": "branch"}),
        )
        .await;
    let branch = id(&branch);
    let a_member = member_with_record(&office, &branch, "甲", 2).await;
    let b_member = member_with_record(&office, &branch, "乙", 1).await;
    let (status, a) = office
        .post_json(
            "/api/v1/party/teams",
            json!({"name": "先投后股先锋队", "leader": "李"}),
        )
        .await;
    assert_eq!(status, 201, "{a}");
    let (_, b) = office
        .post_json("/api/v1/party/teams", json!({"name": "与企同行先锋队"}))
        .await;
    for (t, m) in [(&a, &a_member), (&b, &b_member)] {
        let res = office
            .put(&format!("/api/v1/party/teams/{}/members/{m}", id(t)))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
    }
    let res = office
        .put(&format!(
            "/api/v1/party/teams/{}/members/{a_member}",
            id(&a)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409, "a member joins a team once");

    // Q1: 比作风 (commitments, 60) and 做示范 (scored, 40); 比效能 from cases (no cases: 0, weight 0 not allowed).
    let (status, e) = office.post_json("/api/v1/party/races", json!({"name": "x", "period_from": "2025-01-01", "period_to": "2025-03-31", "dimensions": "比服务:0:manual"})).await;
    assert_eq!(status, 422, "{e}");
    let (status, q1) = office.post_json("/api/v1/party/races",
        json!({
            "name": "2025年第一季度赛马", "period_from": "2025-01-01", "period_to": "2025-03-31",
            "dimensions": "比作风:60:commitments_fulfilled\n做示范:40:manual"
        }),
    )
    .await;
    assert_eq!(status, 201, "{q1}");
    let (_, board) = Api::json(office.get(&format!("/api/v1/party/races/{}", id(&q1)))).await;
    let dims = board["dimensions"].as_array().unwrap();
    let (computed, manual) = (id(&dims[0]), id(&dims[1]));
    let (status, e) = office
        .post_json(
            "/api/v1/party/races/scores",
            json!({"dimension_id": computed, "team_id": id(&a), "score": "90", "evidence": "x"}),
        )
        .await;
    assert_eq!(
        (status, e["code"].as_str()),
        (422, Some("computed_dimension"))
    );
    let (status, e) = office
        .post_json(
            "/api/v1/party/races/scores",
            json!({"dimension_id": manual, "team_id": id(&a), "score": "80"}),
        )
        .await;
    assert_eq!(status, 422, "a score needs its evidence: {e}");
    for (t, score) in [(&a, "80"), (&b, "90")] {
        let (status, _) = office.post_json("/api/v1/party/races/scores", json!({"dimension_id": manual, "team_id": id(t), "score": score, "evidence": "典型案例材料"})).await;
        assert_eq!(status, 200);
    }
    let (_, board) = Api::json(office.get(&format!("/api/v1/party/races/{}", id(&q1)))).await;
    let s = board["standings"].as_array().unwrap();
    // A: 1000·60 + 800·40 = 920; B: 500·60 + 900·40 = 660.
    assert_eq!(
        (
            s[0]["team_name"].as_str(),
            s[0]["total_tenths"].as_i64(),
            s[0]["rank"].as_i64()
        ),
        (Some("先投后股先锋队"), Some(920), Some(1))
    );
    assert_eq!(
        (s[1]["total_tenths"].as_i64(), s[1]["rank"].as_i64()),
        (Some(660), Some(2))
    );
    assert_eq!(s[0]["figures"][0], "100.0% (2/2)");
    assert_eq!(s[1]["figures"][0], "50.0% (1/2)");
    assert!(s[0]["change"].is_null(), "no previous race");
    let (status, closed) = office
        .post_json(
            &format!("/api/v1/party/races/{}/close", id(&q1)),
            json!({"version": q1["version"]}),
        )
        .await;
    assert_eq!((status, closed["status"].as_str()), (200, Some("closed")));
    let (status, e) = office
        .post_json(
            "/api/v1/party/races/scores",
            json!({"dimension_id": manual, "team_id": id(&a), "score": "99", "evidence": "x"}),
        )
        .await;
    assert_eq!((status, e["code"].as_str()), (422, Some("race_closed")));

    // Q2 ranks against Q1: B overtakes A on the scored dimension.
    let (_, q2) = office.post_json("/api/v1/party/races",
        json!({
            "name": "2025年第二季度赛马", "period_from": "2025-04-01", "period_to": "2025-06-30",
            "previous_race_id": id(&q1), "dimensions": "做示范:100:manual"
        }),
    )
    .await;
    let (_, board) = Api::json(office.get(&format!("/api/v1/party/races/{}", id(&q2)))).await;
    let manual2 = id(&board["dimensions"][0]);
    for (t, score) in [(&a, "70.5"), (&b, "95")] {
        office.post_json("/api/v1/party/races/scores",
            json!({"dimension_id": manual2, "team_id": id(t), "score": score, "evidence": "材料"}),
        )
        .await;
    }
    let (_, board) = Api::json(office.get(&format!("/api/v1/party/races/{}", id(&q2)))).await;
    let s = board["standings"].as_array().unwrap();
    assert_eq!(
        (s[0]["team_name"].as_str(), s[0]["change"].as_i64()),
        (Some("与企同行先锋队"), Some(1))
    );
    assert_eq!(
        (s[1]["total_tenths"].as_i64(), s[1]["change"].as_i64()),
        (Some(705), Some(-1))
    );

    // Commendations, and the leaderboard page.
    let (status, _) = office.post_json("/api/v1/party/honors", json!({"recipient_kind": "team", "recipient_name": "与企同行先锋队", "team_id": id(&b), "title": "红岩先锋示范队", "level": "区级", "awarded_on": "2025-07-01"})).await;
    assert_eq!(status, 201);
    let (_, honors) = Api::json(office.get("/api/v1/party/honors")).await;
    assert_eq!(honors[0]["title"], "红岩先锋示范队");
    app.user("viewer", Role::Leader, None, None).await;
    let html = app
        .browser("viewer")
        .await
        .get_text(&format!("/party/races/{}", id(&q2)))
        .await;
    assert!(html.contains("与企同行先锋队") && html.contains("95.0") && html.contains("↑1"));
    let leader = app.api_client("leader", Role::Leader, None, None).await;
    assert_eq!(
        leader
            .post_json("/api/v1/party/teams", json!({"name": "x"}))
            .await
            .0,
        403
    );
}

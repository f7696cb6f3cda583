//! Party-building: vanguard teams and a horse race to its leaderboard, with
//! dimensions computed from the records and scored with evidence; the change
//! of rank since the previous race; commendations.

use kechuang_domain::auth::Role;
use kechuang_testkit::{id, spawn_app, Api, TestApp};
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

/// The party office's client and a branch (第一党支部) for the members.
async fn office_and_branch(app: &TestApp) -> (Api, String) {
    let office = app
        .api_client("office", Role::PartyWorker, None, None)
        .await;
    let (status, branch) = office
        .post_json(
            "/api/v1/party/orgs",
            json!({"name": "第一党支部", "kind": "branch"}),
        )
        .await;
    assert_eq!(status, 201, "{branch}");
    (office, id(&branch))
}

#[tokio::test]
async fn a_race_runs_to_a_leaderboard_with_change_since_the_last_period() {
    let app = spawn_app().await;
    let (office, branch) = office_and_branch(&app).await;
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

#[tokio::test]
async fn a_dimension_without_data_is_not_scored_and_its_weight_goes_to_the_others() {
    let app = spawn_app().await;
    let (office, branch) = office_and_branch(&app).await;
    let member = member_with_record(&office, &branch, "甲", 2).await;
    let (_, a) = office
        .post_json("/api/v1/party/teams", json!({"name": "先投后股先锋队"}))
        .await;
    // The second team has no members: no commitments fell due (0/0).
    let (_, b) = office
        .post_json("/api/v1/party/teams", json!({"name": "与企同行先锋队"}))
        .await;
    let res = office
        .put(&format!("/api/v1/party/teams/{}/members/{member}", id(&a)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);

    // The race form is a table of dimensions with Chinese sources; a wrong
    // row is refused by its name, with what was typed kept.
    app.user("office_page", Role::PartyWorker, None, None).await;
    let page = app.browser("office_page").await;
    let form = page.get_text("/party/races").await;
    assert!(
        form.contains("name=\"dim_name_0\" value=\"比服务\""),
        "{form}"
    );
    assert!(form.contains("<option value=\"on_time_rate\">诉求按时办结率</option>"));
    assert!(
        !form.contains("satisfaction_rate 满意率"),
        "no codes to type"
    );
    // Rows left out (or blank) are not dimensions.
    let mut fields = vec![
        ("name", "2025年第一季度赛马"),
        ("period_from", "2025-01-01"),
        ("period_to", "2025-03-31"),
        ("dim_name_0", "比作风"),
        ("dim_weight_0", "60"),
        ("dim_source_0", "commitments_fulfilled"),
        ("dim_name_1", "做示范"),
        ("dim_weight_1", "四十"),
        ("dim_source_1", "manual"),
    ];
    let res = page.post_form("/party/races/act/race", &fields).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("维度“做示范”的权重须为1～100的整数"),
        "{html}"
    );
    assert!(html.contains("name=\"dim_weight_1\" value=\"四十\""));
    assert!(html.contains("name=\"dim_name_0\" value=\"比作风\""));
    fields[7] = ("dim_weight_1", "40");
    let res = page.post_form("/party/races/act/race", &fields).await;
    assert_eq!(res.status(), 303);
    let race = crate::location(&res);

    let (_, board) = Api::json(office.get(&format!("/api/v1{race}"))).await;
    let dims = board["dimensions"].as_array().unwrap();
    assert_eq!(dims.len(), 2, "blank rows are not dimensions");
    let manual = id(&dims[1]);
    for (t, score) in [(&a, "80"), (&b, "90")] {
        let (status, _) = office.post_json("/api/v1/party/races/scores", json!({"dimension_id": manual, "team_id": id(t), "score": score, "evidence": "典型案例材料"})).await;
        assert_eq!(status, 200);
    }
    let (_, board) = Api::json(office.get(&format!("/api/v1{race}"))).await;
    let s = board["standings"].as_array().unwrap();
    // A: 1000·60 + 800·40 = 920. B has no commitments due: 比作风 is not
    // scored and its 60 goes to 做示范, so B's total is its 90.0, not 36.0.
    assert_eq!(
        (s[0]["team_name"].as_str(), s[0]["total_tenths"].as_i64()),
        (Some("先投后股先锋队"), Some(920))
    );
    assert_eq!(
        (s[1]["team_name"].as_str(), s[1]["total_tenths"].as_i64()),
        (Some("与企同行先锋队"), Some(900))
    );
    assert_eq!(s[1]["scores"], json!([null, 900]));
    let html = page.get_text(&race).await;
    assert!(html.contains("不计分"), "{html}");

    // Through the API the sources may be written by their Chinese names too.
    let (status, r) = office
        .post_json("/api/v1/party/races", json!({"name": "第二季度", "period_from": "2025-04-01", "period_to": "2025-06-30", "dimensions": "比效能:50:诉求按时办结率\n做示范:50:评分（附佐证）"}))
        .await;
    assert_eq!(status, 201, "{r}");
    let (status, e) = office
        .post_json("/api/v1/party/races", json!({"name": "x", "period_from": "2025-04-01", "period_to": "2025-06-30", "dimensions": "比效能:50:按时率"}))
        .await;
    assert_eq!(status, 422);
    assert!(e["details"]["fields"]["dimensions"]
        .as_str()
        .unwrap()
        .contains("诉求按时办结率"));
}

#[tokio::test]
async fn a_committee_imports_its_teams_ledger_with_members_and_exports_it_back() {
    use crate::party_zones::{member, party_org};
    use crate::{
        admin, create_department, problem_cells, refused, sheet_rows, text_xlsx, upload_xlsx,
    };
    const COLUMNS: [&str; 6] = ["先锋队", "口号", "所在部门", "队长", "队员", "队员数"];

    let app = spawn_app().await;
    let api = admin(&app).await;
    let root = party_org(&app.db, None, "科技创新机构联合党委").await;
    let lab = party_org(&app.db, Some(&root), "金凤实验室党支部").await;
    member(&app.db, &lab, "李晓燕").await;
    member(&app.db, &root, "王建华").await;
    // Two members of one name: told apart by their organisation.
    member(&app.db, &lab, "周雪梅").await;
    member(&app.db, &root, "周雪梅").await;
    create_department(&api, "科技创新局", "KJJ", None).await;

    let res = api
        .get("/api/v1/party/teams/import/template")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(sheet_rows(&res.bytes().await.unwrap(), None)[0], COLUMNS);

    // Every bad cell is named; nothing is imported.
    let bad = text_xlsx(&[
        COLUMNS.to_vec(),
        vec!["甲队", "", "没有这个部门", "王建华", "王建华", ""],
        vec!["乙队", "", "", "", "周雪梅", ""],
        vec!["", "只有口号", "", "", "", ""],
        vec!["丙队", "", "", "", "李晓燕、不在册、李晓燕", ""],
        vec!["甲队", "", "", "", "", ""],
        vec!["戊队", "", "", &"长".repeat(51), "", ""],
    ]);
    let body = refused(
        upload_xlsx(&api, "/api/v1/party/teams/import", bad).await,
        422,
        "import_invalid",
    );
    assert_eq!(
        problem_cells(&body),
        [
            (2, "所在部门".to_string()),
            (3, "队员".to_string()),
            (4, "先锋队".to_string()),
            (5, "队员".to_string()),
            (5, "队员".to_string()),
            (6, "先锋队".to_string()),
            (7, "队长".to_string()),
        ],
        "{body}"
    );
    assert!(body.to_string().contains("周雪梅（所在党组织）"), "{body}");
    assert!(body.to_string().contains("与第2行重复"), "{body}");
    assert_eq!(api.get_ok("/api/v1/party/teams").await, json!([]));

    // A good ledger, written as the export writes it.
    let good: Vec<Vec<String>> = [
        [
            "科技服务先锋队",
            "比服务、比效能",
            "科技创新局",
            "王建华",
            "周雪梅（金凤实验室党支部）、李晓燕、王建华",
            "3",
        ],
        ["实验室先锋队", "", "", "", "", "0"],
    ]
    .iter()
    .map(|r| r.iter().map(|c| c.to_string()).collect())
    .collect();
    let mut file = vec![COLUMNS.iter().map(|c| c.to_string()).collect::<Vec<_>>()];
    file.extend(good.iter().cloned());
    let as_refs: Vec<Vec<&str>> = file
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let (status, done) = upload_xlsx(&api, "/api/v1/party/teams/import", text_xlsx(&as_refs)).await;
    assert_eq!(
        (status, done["imported"].clone()),
        (200, json!(2)),
        "{done}"
    );
    let teams = api.get_ok("/api/v1/party/teams").await;
    let service = teams
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "科技服务先锋队")
        .unwrap();
    assert_eq!(service["member_ids"].as_array().unwrap().len(), 3);
    assert!(service["department_id"].is_string());

    // The export gives the file back.
    let res = api.get("/api/v1/party/teams/export").send().await.unwrap();
    let bytes = res.bytes().await.unwrap().to_vec();
    let exported = sheet_rows(&bytes, None);
    assert_eq!(exported[0], COLUMNS);
    let mut rows = exported[1..].to_vec();
    rows.sort();
    let mut expected = good.clone();
    expected.sort();
    assert_eq!(rows, expected);

    // The same ledger again is refused, not doubled.
    let body = refused(
        upload_xlsx(&api, "/api/v1/party/teams/import", bytes).await,
        422,
        "import_invalid",
    );
    assert_eq!(problem_cells(&body).len(), 2, "{body}");
    assert_eq!(
        api.get_ok("/api/v1/party/teams")
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // The page: 导入先锋队 with its template, and a refusal shown in its panel.
    let page = app.browser("admin").await;
    let html = page.get_text("/party/races").await;
    assert!(
        html.contains("/api/v1/party/teams/import/template"),
        "{html}"
    );
    assert!(html.contains("/party/teams/export.xlsx"), "{html}");
    let bad = text_xlsx(&[COLUMNS.to_vec(), vec!["丁队", "", "", "", "不在册", ""]]);
    let res = page.upload("/party/teams/import", bad).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"import-problems\""), "{html}");
    assert!(html.contains("不在册"), "{html}");
}

/// Two clerks (or two replicas) importing one ledger at the same moment
/// register it once: the imports take turns, and the later one finds the
/// records and is refused at the row, with nothing written.
#[tokio::test]
async fn one_ledger_imported_several_times_at_once_is_registered_once() {
    use crate::{admin, upload_xlsx};
    let app = spawn_app().await;
    let api = admin(&app).await;
    let mut file = vec![vec![
        "先锋队".to_string(),
        "口号".into(),
        "所在部门".into(),
        "队长".into(),
        "队员".into(),
        "队员数".into(),
    ]];
    for k in 1..=400 {
        file.push(vec![
            format!("第{k}先锋队"),
            "比服务".into(),
            String::new(),
            String::new(),
            String::new(),
            "0".into(),
        ]);
    }
    let bytes = crate::rows_xlsx(&file);
    let import = || upload_xlsx(&api, "/api/v1/party/teams/import", bytes.clone());
    let (a, b, c, d) = tokio::join!(import(), import(), import(), import());
    let answers = [a, b, c, d];
    let statuses: Vec<u16> = answers.iter().map(|(s, _)| *s).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "one import registers the ledger: {answers:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 422),
        "the others are refused with what to do: {answers:?}"
    );
    let teams = api.get_ok("/api/v1/party/teams").await;
    assert_eq!(teams.as_array().unwrap().len(), 400);
}

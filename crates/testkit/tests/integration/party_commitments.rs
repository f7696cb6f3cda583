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

const COLUMNS: [&str; 10] = [
    "承诺人",
    "党组织",
    "承诺事项",
    "承诺内容",
    "承诺日期",
    "完成时限",
    "状态",
    "逾期",
    "核实日期",
    "核实意见",
];

#[tokio::test]
async fn a_committee_imports_its_commitments_ledger_where_each_stands_and_exports_it_back() {
    use crate::party_zones::{member, party_org};
    use crate::{admin, problem_cells, refused, sheet_rows, text_xlsx, upload_xlsx};
    let app = spawn_app().await;
    let api = admin(&app).await;
    let lab = party_org(&app.db, None, "金凤实验室党支部").await;
    let other = party_org(&app.db, None, "明月湖党支部").await;
    member(&app.db, &lab, "李晓燕").await;
    member(&app.db, &other, "王建华").await;
    member(&app.db, &lab, "周雪梅").await;
    member(&app.db, &lab, "周雪梅").await;
    let res = api
        .get("/api/v1/party/commitments/import/template")
        .send()
        .await
        .unwrap();
    assert_eq!(sheet_rows(&res.bytes().await.unwrap(), None)[0], COLUMNS);

    // Every bad cell named, nothing imported; an empty date is not today.
    // 王建华 belongs to another branch but is the only one of that name:
    // found there (a member who moved keeps their commitments).
    let row = |cells: [&'static str; 10]| cells.to_vec();
    let bad = text_xlsx(&[
        COLUMNS.to_vec(),
        row([
            "赵无名",
            "金凤实验室党支部",
            "甲",
            "",
            "2026-03-01",
            "2026-09-30",
            "",
            "",
            "",
            "",
        ]),
        row([
            "周雪梅",
            "金凤实验室党支部",
            "乙",
            "",
            "2026-03-01",
            "2026-09-30",
            "",
            "",
            "",
            "",
        ]),
        row([
            "李晓燕",
            "金凤实验室党支部",
            "丙",
            "",
            "",
            "2026-09-30",
            "完成了",
            "",
            "",
            "",
        ]),
        row([
            "李晓燕",
            "金凤实验室党支部",
            "丁",
            "",
            "2026-03-01",
            "2026-09-30",
            "未兑现",
            "",
            "2026-05-01",
            "",
        ]),
        row([
            "李晓燕",
            "金凤实验室党支部",
            "戊",
            "",
            "2026-03-01",
            "2026-09-30",
            "已践诺",
            "",
            "2026-02-01",
            "",
        ]),
        row([
            "李晓燕",
            "",
            "己",
            "",
            "2026-03-01",
            "2026-09-30",
            "",
            "",
            "",
            "",
        ]),
        row([
            "王建华",
            "金凤实验室党支部",
            "庚",
            "",
            "2026-03-01",
            "2026-09-30",
            "",
            "",
            "",
            "",
        ]),
        row([
            "王建华",
            "金凤实验室党支部",
            "庚",
            "",
            "2026-03-01",
            "2026-09-30",
            "",
            "",
            "",
            "",
        ]),
    ]);
    let body = refused(
        upload_xlsx(&api, "/api/v1/party/commitments/import", bad).await,
        422,
        "import_invalid",
    );
    assert_eq!(
        problem_cells(&body),
        [
            (2, "承诺人".to_string()),
            (3, "承诺人".to_string()),
            (4, "承诺日期".to_string()),
            (4, "状态".to_string()),
            (5, "核实意见".to_string()),
            (6, "核实日期".to_string()),
            (7, "党组织".to_string()),
            (9, "承诺事项".to_string()),
        ],
        "{body}"
    );
    assert!(
        body.to_string().contains("认定未兑现时请说明理由"),
        "{body}"
    );
    assert_eq!(api.get_ok("/api/v1/party/commitments").await["total"], 0);

    // A good ledger, as the export writes it (oldest pledge last).
    let good: Vec<Vec<&str>> = vec![
        COLUMNS.to_vec(),
        vec![
            "李晓燕",
            "金凤实验室党支部",
            "帮助3家企业申报高企",
            "走访辅导",
            "2026-03-01",
            "2026-06-30",
            "已践诺",
            "否",
            "2026-06-20",
            "材料齐全",
        ],
        vec![
            "王建华",
            "明月湖党支部",
            "组织两场路演",
            "",
            "2026-02-01",
            "2026-05-31",
            "未兑现",
            "是",
            "2026-06-05",
            "只办了一场",
        ],
    ];
    let (status, done) =
        upload_xlsx(&api, "/api/v1/party/commitments/import", text_xlsx(&good)).await;
    assert_eq!(
        (status, done["imported"].clone()),
        (200, json!(2)),
        "{done}"
    );
    let res = api
        .get("/api/v1/party/commitments/export")
        .send()
        .await
        .unwrap();
    let mut got = sheet_rows(&res.bytes().await.unwrap(), None);
    got[1..].sort();
    let mut want: Vec<Vec<String>> = good
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    want[1..].sort();
    assert_eq!(got, want);
    let figures = api.get_ok("/api/v1/party/commitments/figures").await;
    assert_eq!(figures["all"]["verified"], 1, "{figures}");
    // The app's own export (date cells, blank cells) reads back: imported
    // again, each row is refused only as already registered.
    let res = api
        .get("/api/v1/party/commitments/export")
        .send()
        .await
        .unwrap();
    let body = refused(
        upload_xlsx(
            &api,
            "/api/v1/party/commitments/import",
            res.bytes().await.unwrap().to_vec(),
        )
        .await,
        422,
        "import_invalid",
    );
    assert_eq!(
        problem_cells(&body),
        [(2, "承诺事项".to_string()), (3, "承诺事项".to_string())],
        "{body}"
    );
    assert_eq!(api.get_ok("/api/v1/party/commitments").await["total"], 2);

    // The page has the panel.
    let page = app.browser("admin").await;
    let html = page.get_text("/party/commitments").await;
    assert!(html.contains("/api/v1/party/commitments/import/template"));
}

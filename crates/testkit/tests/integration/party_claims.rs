//! Party-building: Major projects claimed by party talents (揭榜挂帅) and their original results (原创性成果).

use kechuang_domain::auth::Role;
use kechuang_testkit::{id, spawn_app, Api};
use serde_json::{json, Value};

use crate::party_zones::party_org;
use crate::{admin, problem_cells, refused, sheet_rows, upload_xlsx};

async fn claim(
    api: &Api,
    title: &str,
    level: &str,
    participants: u32,
    claimed_on: &str,
    extra: Value,
) -> Value {
    let mut body = json!({ "title": title, "level": level, "team": "金凤实验室攻关团队", "leader": "林海峰",
                           "participants": participants.to_string(), "claimed_on": claimed_on });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (status, c) = api.post_json("/api/v1/party/claims", body).await;
    assert_eq!(status, 201, "{c}");
    c["claim"].clone()
}

async fn result(api: &Api, claim: &Value, title: &str, kind: &str, on: &str) -> (u16, Value) {
    api.post_json(
        &format!("/api/v1/party/claims/{}/results", id(claim)),
        json!({ "title": title, "kind": kind, "achieved_on": on }),
    )
    .await
}

#[tokio::test]
async fn claims_are_city_level_or_above_and_add_up_talents_and_results() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let po = party_org(&app.db, None, "科技创新机构联合党委").await;

    // The level rule: city, province or national only (codes or Chinese).
    for level in ["区级", "district", ""] {
        let body = refused(
            api.post_json(
                "/api/v1/party/claims",
                json!({ "title": "海域态势融合感知", "level": level, "team": "t", "leader": "l",
                        "participants": "5", "claimed_on": "2025-03-01" }),
            )
            .await,
            422,
            "invalid_input",
        );
        assert_eq!(
            body["details"]["fields"]["level"], "揭榜项目须为市级及以上：请选择市级、省级或国家级",
            "{level}"
        );
    }
    let body = refused(
        api.post_json(
            "/api/v1/party/claims",
            json!({ "title": "x", "level": "city", "team": "t", "leader": "l", "participants": "0",
                    "claimed_on": "2025-03-01", "state": "abandoned" }),
        )
        .await,
        422,
        "invalid_input",
    );
    let fields = body["details"]["fields"].as_object().unwrap();
    assert!(fields.contains_key("participants") && fields.contains_key("state"));
    refused(
        api.post_json(
            "/api/v1/party/claims",
            json!({ "title": "x", "level": "city", "team": "t", "leader": "l", "participants": "3",
                    "claimed_on": "2025-03-01", "party_org_id": "nope" }),
        )
        .await,
        422,
        "unknown_party_org",
    );

    let sea = claim(
        &api,
        "海域态势融合感知关键技术",
        "国家级",
        12,
        "2024-03-01",
        json!({ "party_org_id": po.id }),
    )
    .await;
    assert_eq!(
        (sea["level"].as_str(), sea["level_label"].as_str()),
        (Some("national"), Some("国家级"))
    );
    assert_eq!(
        (sea["state"].as_str(), sea["state_label"].as_str()),
        (Some("claimed"), Some("已揭榜"))
    );
    assert_eq!(sea["party_org_name"], "科技创新机构联合党委");
    let sic = claim(
        &api,
        "车规级碳化硅功率器件",
        "province",
        8,
        "2025-05-10",
        json!({ "state": "in_progress" }),
    )
    .await;
    let city = claim(&api, "工业视觉缺陷检测", "市级", 5, "2025-09-01", json!({})).await;
    assert_eq!(city["level"], "city");

    // Results: not before the claim, not in the future.
    let (status, r) = result(
        &api,
        &sea,
        "国内首款自研海域态势融合感知软件",
        "软件",
        "2025-06-18",
    )
    .await;
    assert_eq!(status, 201, "{r}");
    assert_eq!(
        (r["kind"].as_str(), r["kind_label"].as_str()),
        (Some("software"), Some("软件"))
    );
    assert_eq!(r["claim_title"], "海域态势融合感知关键技术");
    let (status, _) = result(&api, &sea, "态势融合核心发明专利", "patent", "2025-08-01").await;
    assert_eq!(status, 201);
    let (status, _) = result(&api, &sic, "碳化硅MOSFET样品", "product", "2026-01-20").await;
    assert_eq!(status, 201);
    refused(
        result(&api, &sic, "早于揭榜的成果", "product", "2025-05-09").await,
        422,
        "result_before_claim",
    );
    refused(
        result(&api, &sic, "未来的成果", "product", "2999-01-01").await,
        422,
        "achieved_in_future",
    );
    let body = refused(
        result(&api, &sic, "", "奖牌", "2026-01-01").await,
        422,
        "invalid_input",
    );
    let fields = body["details"]["fields"].as_object().unwrap();
    assert!(fields.contains_key("title") && fields.contains_key("kind"));
    refused(
        result(
            &api,
            &json!({ "id": "nope" }),
            "x",
            "software",
            "2026-01-01",
        )
        .await,
        404,
        "not_found",
    );

    // Totals: 3 claims, 12 + 8 + 5 talents, 3 results; by level and state.
    let t = api.get_ok("/api/v1/party/claims/totals").await;
    assert_eq!(
        (
            t["claims"].as_u64(),
            t["participants"].as_i64(),
            t["results"].as_u64()
        ),
        (Some(3), Some(25), Some(3))
    );
    let by_level: Vec<(String, u64)> = t["by_level"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["label"].as_str().unwrap().to_string(),
                b["claims"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by_level,
        [("市级".into(), 1), ("省级".into(), 1), ("国家级".into(), 1)]
    );
    assert_eq!(t["by_state"][1]["code"], "in_progress");
    assert_eq!(t["by_state"][1]["claims"], 1);
    let t = api
        .get_ok("/api/v1/party/claims/totals?level=national")
        .await;
    assert_eq!(
        (
            t["claims"].as_u64(),
            t["participants"].as_i64(),
            t["results"].as_u64()
        ),
        (Some(1), Some(12), Some(2))
    );
    let t = api.get_ok("/api/v1/party/claims/totals?year=2025").await;
    assert_eq!(
        (
            t["claims"].as_u64(),
            t["participants"].as_i64(),
            t["results"].as_u64()
        ),
        (Some(2), Some(13), Some(1))
    );

    // The list, newest first, with the number of results.
    let list = api.get_ok("/api/v1/party/claims").await;
    let rows: Vec<(String, u64)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["title"].as_str().unwrap().to_string(),
                c["result_count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("工业视觉缺陷检测".to_string(), 0),
            ("车规级碳化硅功率器件".to_string(), 1),
            ("海域态势融合感知关键技术".to_string(), 2),
        ]
    );
    assert_eq!(
        api.get_ok("/api/v1/party/claims?state=in_progress").await["total"],
        1
    );
    assert_eq!(
        api.get_ok(&format!("/api/v1/party/claims?party_org_id={}", po.id))
            .await["total"],
        1
    );
    assert_eq!(
        api.get_ok("/api/v1/party/claims?q=碳化硅").await["total"],
        1
    );
    refused(
        Api::json(api.get("/api/v1/party/claims?level=district")).await,
        400,
        "invalid_query",
    );

    // Results list and one claim with its results.
    let results = api.get_ok("/api/v1/party/results").await;
    assert_eq!(results["total"], 3);
    assert_eq!(
        results["items"][0]["title"], "碳化硅MOSFET样品",
        "newest first"
    );
    assert_eq!(
        api.get_ok(&format!("/api/v1/party/results?claim_id={}", id(&sea)))
            .await["total"],
        2
    );
    assert_eq!(
        api.get_ok("/api/v1/party/results?kind=software").await["total"],
        1
    );
    assert_eq!(
        api.get_ok("/api/v1/party/results?year=2026").await["total"],
        1
    );
    let d = api
        .get_ok(&format!("/api/v1/party/claims/{}", id(&sea)))
        .await;
    assert_eq!(d["claim"]["result_count"], 2);
    assert_eq!(d["results"][0]["title"], "态势融合核心发明专利");

    // The state moves on by an edit with the version the editor saw.
    let edit = json!({ "version": 1, "title": "海域态势融合感知关键技术", "level": "national", "team": "金凤实验室攻关团队",
                       "leader": "林海峰", "participants": "14", "claimed_on": "2024-03-01", "state": "done",
                       "party_org_id": po.id });
    let (status, d) = Api::json(
        api.put(&format!("/api/v1/party/claims/{}", id(&sea)))
            .json(&edit),
    )
    .await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(
        (
            d["claim"]["state_label"].as_str(),
            d["claim"]["participants"].as_i64()
        ),
        (Some("已完成"), Some(14))
    );
    refused(
        Api::json(
            api.put(&format!("/api/v1/party/claims/{}", id(&sea)))
                .json(&edit),
        )
        .await,
        409,
        "stale_version",
    );
    // Moving the claim date after its results is refused.
    let mut later = edit.clone();
    later["version"] = json!(2);
    later["claimed_on"] = json!("2025-07-01");
    refused(
        Api::json(
            api.put(&format!("/api/v1/party/claims/{}", id(&sea)))
                .json(&later),
        )
        .await,
        422,
        "results_before_claim",
    );
    assert_eq!(
        api.get_ok("/api/v1/party/claims/totals").await["participants"],
        27
    );

    // The export: header and one row per claim.
    let res = api.get("/api/v1/party/claims/export").send().await.unwrap();
    assert_eq!(res.status(), 200);
    let rows = crate::sheet_rows(&res.bytes().await.unwrap(), None);
    assert_eq!(
        rows[0],
        [
            "序号",
            "项目名称",
            "级别",
            "揭榜团队",
            "项目负责人",
            "参与人才数",
            "所属党组织",
            "状态",
            "揭榜日期",
            "原创性成果数"
        ]
    );
    assert_eq!(rows.len(), 4);
    assert_eq!(
        rows[3],
        [
            "3",
            "海域态势融合感知关键技术",
            "国家级",
            "金凤实验室攻关团队",
            "林海峰",
            "14",
            "科技创新机构联合党委",
            "已完成",
            "2024-03-01",
            "2"
        ]
    );
}

#[tokio::test]
async fn leaders_read_claims_but_cannot_write_and_enterprises_see_nothing() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let c = claim(&api, "存算一体芯片", "city", 6, "2025-01-10", json!({})).await;
    let leader = app.api_client("wang", Role::Leader, None, None).await;
    assert_eq!(leader.get_ok("/api/v1/party/claims").await["total"], 1);
    assert_eq!(
        leader.get_ok("/api/v1/party/claims/totals").await["participants"],
        6
    );
    leader.get_ok("/api/v1/party/results").await;
    refused(
        leader.post_json("/api/v1/party/claims", json!({ "title": "x", "level": "city", "team": "t", "leader": "l", "participants": "3", "claimed_on": "2025-01-01" })).await,
        403,
        "forbidden",
    );
    refused(
        result(&leader, &c, "样机", "product", "2025-06-01").await,
        403,
        "forbidden",
    );
    let firm = app.api_client("firm", Role::Enterprise, None, None).await;
    refused(
        Api::json(firm.get("/api/v1/party/claims")).await,
        403,
        "forbidden",
    );
    refused(
        Api::json(firm.get("/api/v1/party/results")).await,
        403,
        "forbidden",
    );
    refused(
        Api::json(firm.get("/api/v1/party/claims/export")).await,
        403,
        "forbidden",
    );

    // The pages: a district-level claim is refused beside the level, the title kept.
    app.user("dangjian", Role::PartyWorker, None, None).await;
    let b = app.browser("dangjian").await;
    let detail = format!("/party/claims/{}", id(&c));
    for path in ["/party/claims", "/party/claims/results", detail.as_str()] {
        assert_eq!(b.get(path).await.status(), 200, "{path}");
    }
    let res = b
        .post_form(
            "/party/claims",
            &[
                ("title", "海域态势融合感知"),
                ("level", "区级"),
                ("team", "团队"),
                ("leader", "林海峰"),
                ("participants", "6"),
                ("claimed_on", "2025-03-01"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("揭榜项目须为市级及以上"));
    assert!(html.contains("value=\"海域态势融合感知\""));
    let html = b.get_text("/party/claims").await;
    assert!(html.contains("id=\"total-participants\">6 人<"));
}

const CLAIM_COLUMNS: [&str; 10] = [
    "序号",
    "项目名称",
    "级别",
    "揭榜团队",
    "项目负责人",
    "参与人才数",
    "所属党组织",
    "状态",
    "揭榜日期",
    "原创性成果数",
];
const RESULT_COLUMNS: [&str; 4] = ["项目名称", "成果名称", "类型", "取得日期"];

/// A workbook of the two sheets, all cells text.
fn ledger(claims: &[Vec<&str>], results: &[Vec<&str>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, head, rows) in [
        ("揭榜项目", CLAIM_COLUMNS.to_vec(), claims),
        ("原创性成果", RESULT_COLUMNS.to_vec(), results),
    ] {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, row) in std::iter::once(&head).chain(rows.iter()).enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

#[tokio::test]
async fn a_committee_imports_its_claims_ledger_with_results_and_exports_it_back() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    party_org(&app.db, None, "科技创新机构联合党委").await;
    // The template has both sheets with the export's columns.
    let res = api
        .get("/api/v1/party/claims/import/template")
        .send()
        .await
        .unwrap();
    let t = res.bytes().await.unwrap();
    assert_eq!(sheet_rows(&t, Some("揭榜项目"))[0], CLAIM_COLUMNS);
    assert_eq!(sheet_rows(&t, Some("原创性成果"))[0], RESULT_COLUMNS);

    // Bad cells on either sheet are named; nothing is imported.
    let bad = ledger(
        &[
            vec![
                "1",
                "甲项目",
                "区级",
                "甲团队",
                "张立",
                "8",
                "",
                "攻关中",
                "2026-03-01",
                "",
            ],
            vec![
                "2",
                "乙项目",
                "市级",
                "乙团队",
                "李明",
                "0",
                "不存在的党委",
                "",
                "2026-03-01",
                "",
            ],
            vec![
                "3",
                "丙项目",
                "省级",
                "丙团队",
                "王芳",
                "5",
                "",
                "",
                "2026-05-01",
                "",
            ],
        ],
        &[
            vec!["丙项目", "丙成果", "发明专利", "2026-04-01"],
            vec!["丁项目", "丁成果", "论文", "2026-06-01"],
            vec!["丙项目", "", "魔法", "2026-06-01"],
        ],
    );
    let body = refused(
        upload_xlsx(&api, "/api/v1/party/claims/import", bad).await,
        422,
        "import_invalid",
    );
    assert_eq!(
        problem_cells(&body),
        [
            (2, "级别".to_string()),
            (2, "原创性成果·取得日期".to_string()),
            (3, "所属党组织".to_string()),
            (3, "参与人才数".to_string()),
            (3, "原创性成果·项目名称".to_string()),
            (4, "原创性成果·成果名称".to_string()),
            (4, "原创性成果·类型".to_string()),
        ],
        "{body}"
    );
    assert!(body.to_string().contains("不能早于揭榜日期"), "{body}");
    assert_eq!(api.get_ok("/api/v1/party/claims").await["total"], 0);

    // A good ledger, as the export writes it (newest claim first).
    let claims = [
        vec![
            "1",
            "车规级芯片可靠性测试平台",
            "市级",
            "芯片攻关团队",
            "张立",
            "8",
            "科技创新机构联合党委",
            "攻关中",
            "2026-03-01",
            "2",
        ],
        vec![
            "2",
            "海域态势融合感知",
            "国家级",
            "感知团队",
            "李明",
            "12",
            "",
            "已揭榜",
            "2025-09-01",
            "0",
        ],
    ];
    let results = [
        vec![
            "车规级芯片可靠性测试平台",
            "芯片老化测试方法",
            "新技术新工艺",
            "2026-04-01",
        ],
        vec![
            "车规级芯片可靠性测试平台",
            "老化测试台软件",
            "软件",
            "2026-06-30",
        ],
    ];
    let (status, done) = upload_xlsx(
        &api,
        "/api/v1/party/claims/import",
        ledger(&claims, &results),
    )
    .await;
    assert_eq!(
        (status, done["imported"].clone()),
        (200, json!(2)),
        "{done}"
    );
    let list = api.get_ok("/api/v1/party/claims?q=车规级").await;
    assert_eq!(list["items"][0]["result_count"], 2);
    assert_eq!(list["items"][0]["state"], "in_progress");

    // The export gives both sheets back.
    let res = api.get("/api/v1/party/claims/export").send().await.unwrap();
    let bytes = res.bytes().await.unwrap().to_vec();
    let got = sheet_rows(&bytes, Some("揭榜项目"));
    assert_eq!(
        got[1..],
        claims.map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>())
    );
    let got = sheet_rows(&bytes, Some("原创性成果"));
    assert_eq!(
        got[1..],
        results.map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>())
    );

    // Imported again: refused by name, not doubled.
    let body = refused(
        upload_xlsx(&api, "/api/v1/party/claims/import", bytes).await,
        422,
        "import_invalid",
    );
    assert_eq!(problem_cells(&body).len(), 2, "{body}");
    assert_eq!(api.get_ok("/api/v1/party/claims").await["total"], 2);

    // Results counted but their sheet missing: refused, not lost.
    let body = refused(
        upload_xlsx(
            &api,
            "/api/v1/party/claims/import",
            crate::text_xlsx(&[
                CLAIM_COLUMNS.to_vec(),
                vec![
                    "1",
                    "新项目",
                    "市级",
                    "新团队",
                    "赵六",
                    "3",
                    "",
                    "",
                    "2026-03-01",
                    "2",
                ],
            ]),
        )
        .await,
        422,
        "import_invalid",
    );
    assert_eq!(
        problem_cells(&body),
        [(2, "原创性成果数".to_string())],
        "{body}"
    );

    // The page has the panel.
    let page = app.browser("admin").await;
    let html = page.get_text("/party/claims").await;
    assert!(html.contains("/api/v1/party/claims/import/template") && html.contains("导入 Excel"));
}

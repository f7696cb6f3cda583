//! Party-building: Zhaoqing's accountability of service officers and their
//! assistants — supervision orders and interviews naming a person, the
//! lateness of a person's enterprises that suggests an interview, and the
//! threads between assistants and instructors with their unread marks.

use kechuang_domain::auth::Role;
use kechuang_testkit::{id, spawn_app};
use serde_json::{json, Value};

use crate::party_staff::{assign, receive, staff};
use crate::{admin, create_org, refused, sheet_rows};

fn names(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["staff_name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn officers_and_assistants_are_held_to_account_by_name() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let office = app
        .api_client("office", Role::PartyWorker, None, None)
        .await;
    let firm = create_org(&admin, "重庆渝新能源汽车有限公司", 1, json!({})).await;
    let officer = staff(&office, "周建华", "service_officer", json!({})).await;
    let assistant = staff(
        &office,
        "李晓",
        "assistant",
        json!({ "assistant_of": id(&officer) }),
    )
    .await;
    let instructor = staff(&office, "刘文静", "instructor", json!({})).await;
    let broker = staff(&office, "王经纪", "broker", json!({})).await;
    let (status, _) = assign(&office, &officer, &firm, "2026-01-05", "").await;
    assert_eq!(status, 201);
    // Three cases of the officer's firm received in July and never handled:
    // overdue now.
    let mut cases = vec![];
    for k in 1..=3 {
        cases.push(receive(&app, &firm, "2026-07-01", &format!("用电报装{k}")).await);
    }

    // The lateness of each person's enterprises over the third quarter: the
    // officer's three overdue cases reach the threshold, and its assistant
    // answers for the same firms; the instructor has no enterprise.
    let l = office
        .get_ok("/api/v1/party/accountabilities/lateness?from=2026-07-01&to=2026-09-30")
        .await;
    assert_eq!(l["threshold"], 3);
    let people = l["people"].as_array().unwrap();
    let row = |who: &Value| {
        people
            .iter()
            .find(|p| p["staff_id"] == who["id"])
            .cloned()
            .unwrap_or(Value::Null)
    };
    for who in [&officer, &assistant] {
        let r = row(who);
        assert_eq!(r["overdue_open"], 3, "{r}");
        assert_eq!(r["enterprises"], 1);
        assert_eq!(r["suggest_interview"], true);
    }
    assert!(row(&instructor).is_null());
    assert!(row(&broker).is_null());
    // The committee's threshold (the board's) decides: at 4, three are not enough.
    let (status, _) = office
        .put_json(
            "/api/v1/interviews/threshold",
            json!({"value": "4", "version": 0}),
        )
        .await;
    assert_eq!(status, 403, "the party office does not set it");
    let leader = app.api_client("leader", Role::Leader, None, None).await;
    let (status, _) = leader
        .put_json(
            "/api/v1/interviews/threshold",
            json!({"value": "4", "version": 0}),
        )
        .await;
    assert_eq!(status, 200);
    let l4 = office
        .get_ok("/api/v1/party/accountabilities/lateness?from=2026-07-01&to=2026-09-30")
        .await;
    assert_eq!(l4["threshold"], 4);
    assert!(l4["people"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["suggest_interview"] == false));
    leader
        .put_json(
            "/api/v1/interviews/threshold",
            json!({"value": "3", "version": 1}),
        )
        .await;
    // Before July nothing was received: no suggestion.
    let early = office
        .get_ok("/api/v1/party/accountabilities/lateness?from=2026-04-01&to=2026-06-30")
        .await;
    assert!(early["people"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["suggest_interview"] == false));
    refused(
        office
            .post_json("/api/v1/party/accountabilities", json!({}))
            .await,
        422,
        "invalid_input",
    );
    refused(
        get_json(
            &office,
            "/api/v1/party/accountabilities/lateness?from=2026-09-30&to=2026-07-01",
        )
        .await,
        400,
        "invalid_query",
    );

    // Only officers, assistants and instructors can be held to account.
    let body = |who: &Value, kind: &str, extra: Value| {
        let mut b = json!({
            "staff_id": id(who), "kind": kind, "held_on": "2026-11-20",
            "reason": "联系企业诉求超期未跟进"
        });
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    let e = refused(
        office
            .post_json(
                "/api/v1/party/accountabilities",
                body(&broker, "interview", json!({})),
            )
            .await,
        422,
        "not_accountable",
    );
    assert!(e["details"]["fields"]["staff_id"].is_string(), "{e}");
    refused(
        office
            .post_json(
                "/api/v1/party/accountabilities",
                body(
                    &officer,
                    "interview",
                    json!({"case_number": "KC-1999-000001"}),
                ),
            )
            .await,
        422,
        "unknown_case",
    );
    refused(
        office
            .post_json(
                "/api/v1/party/accountabilities",
                body(&officer, "interview", json!({"held_on": "2099-01-01"})),
            )
            .await,
        422,
        "future_date",
    );
    refused(
        leader
            .post_json(
                "/api/v1/party/accountabilities",
                body(&officer, "interview", json!({})),
            )
            .await,
        403,
        "forbidden",
    );
    let ent = app
        .api_client("ent", Role::Enterprise, None, Some(id(&firm)))
        .await;
    assert_eq!(
        ent.get("/api/v1/party/accountabilities")
            .send()
            .await
            .unwrap()
            .status(),
        403
    );

    // An interview of the officer about one of the cases: on the case's timeline.
    let case = admin.get_ok(&format!("/api/v1/cases/{}", cases[0])).await;
    let number = case["case"]["number"].as_str().unwrap().to_string();
    let (status, iv) = office
        .post_json(
            "/api/v1/party/accountabilities",
            body(
                &officer,
                "interview",
                json!({"case_number": number.to_lowercase()}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{iv}");
    assert_eq!(iv["case_number"], number.as_str());
    assert_eq!(iv["staff_role_label"], "首席服务官");
    assert_eq!(iv["status_label"], "整改中");
    let case = admin.get_ok(&format!("/api/v1/cases/{}", cases[0])).await;
    assert!(
        case["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "interview"
                && e["message"]
                    .as_str()
                    .unwrap()
                    .contains("约谈首席服务官 周建华")),
        "{}",
        case["timeline"]
    );
    let (status, sv) = office
        .post_json(
            "/api/v1/party/accountabilities",
            body(&assistant, "supervision", json!({"held_on": "2026-11-25"})),
        )
        .await;
    assert_eq!(status, 201, "{sv}");

    // The outcome and the follow-up are recorded; a stale version is refused.
    let put = |v: i32, closed: &str| {
        let mut b = body(&officer, "interview", json!({}));
        b["version"] = json!(v);
        b["outcome"] = json!("表态一个月内逐户回访");
        b["follow_up"] = json!("11月已回访完毕");
        b["closed_on"] = json!(closed);
        b["case_number"] = json!(number);
        b
    };
    let path = format!("/api/v1/party/accountabilities/{}", id(&iv));
    let e = refused(
        office.put_json(&path, put(1, "2026-11-01")).await,
        422,
        "invalid_period",
    );
    assert!(e["details"]["fields"]["closed_on"].is_string(), "{e}");
    let (status, done) = office.put_json(&path, put(1, "2026-11-30")).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["status_label"], "已整改");
    assert_eq!(done["follow_up"], "11月已回访完毕");
    refused(
        office.put_json(&path, put(1, "2026-11-30")).await,
        409,
        "stale_version",
    );

    // Lists filter by person, kind and follow-up.
    let list = |q: &str| {
        let office = &office;
        let q = q.to_string();
        async move {
            office
                .get_ok(&format!("/api/v1/party/accountabilities?{q}"))
                .await
        }
    };
    assert_eq!(
        names(&list(&format!("staff_id={}", id(&officer))).await),
        ["周建华"]
    );
    assert_eq!(names(&list("kind=supervision").await), ["李晓"]);
    assert_eq!(names(&list("open=true").await), ["李晓"]);
    assert_eq!(names(&list("open=false").await), ["周建华"]);
    assert_eq!(list("").await["total"], 2);
    refused(
        get_json(&office, "/api/v1/party/accountabilities?kind=scold").await,
        400,
        "invalid_query",
    );
    // Leaders read them.
    assert_eq!(
        leader.get_ok("/api/v1/party/accountabilities").await["total"],
        2
    );

    // The export reads back.
    let bytes = office
        .get("/api/v1/party/accountabilities/export")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let rows = sheet_rows(&bytes, Some("人员督办约谈"));
    assert_eq!(rows[0][..3], ["日期", "类型", "服务人员"]);
    assert_eq!(rows.len(), 3);
    assert!(rows
        .iter()
        .any(|r| r[1] == "约谈" && r[2] == "周建华" && r[4] == number));

    // On the person's record and in the officer's report (the officer's and
    // the assistant's), with its own sheet in the workbook.
    let detail = office
        .get_ok(&format!("/api/v1/party/staff/{}", id(&officer)))
        .await;
    assert_eq!(detail["accountabilities"].as_array().unwrap().len(), 1);
    let report = office
        .get_ok(&format!(
            "/api/v1/party/reports/{}?from=2026-10-01&to=2026-12-31",
            id(&officer)
        ))
        .await;
    let mut in_report: Vec<&str> = report["accountabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["staff_name"].as_str().unwrap())
        .collect();
    in_report.sort();
    assert_eq!(in_report, ["周建华", "李晓"]);
    let bytes = office
        .get(&format!(
            "/api/v1/party/reports/{}/export?from=2026-10-01&to=2026-12-31",
            id(&officer)
        ))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(sheet_rows(&bytes, Some("督办约谈")).len(), 3);

    // The pages: the list suggests the interview, the board shows the people.
    app.user("dangqun", Role::PartyWorker, None, None).await;
    let b = app.browser("dangqun").await;
    let html = b
        .get_text("/party/accountability?lfrom=2026-07-01&lto=2026-09-30")
        .await;
    assert!(
        html.contains("建议约谈") && html.contains("周建华"),
        "{html}"
    );
    assert!(html.contains("record-row"));
    let r = b
        .post_form(
            "/party/accountability",
            &[
                ("staff_id", &id(&broker)),
                ("kind", "interview"),
                ("held_on", "2026-11-20"),
                ("reason", "测试"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("督办约谈只针对首席服务官、党建助手和党建指导员"),
        "{html}"
    );
    app.user("lingdao", Role::Leader, None, None).await;
    let board = app.browser("lingdao").await.get_text("/cases/board").await;
    assert!(board.contains("id=\"board-people\"") && board.contains("人员督办约谈"));
}

async fn get_json(api: &kechuang_testkit::Api, path: &str) -> (u16, Value) {
    kechuang_testkit::Api::json(api.get(path)).await
}

#[tokio::test]
async fn assistants_and_instructors_talk_in_threads_with_unread_marks() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let office = app
        .api_client("office", Role::PartyWorker, None, None)
        .await;
    let firm = create_org(&admin, "重庆渝新能源汽车有限公司", 1, json!({})).await;
    let zhushou = app.user("zhushou", Role::Instructor, None, None).await;
    let zhidao = app.user("zhidao", Role::Instructor, None, None).await;
    let other = app.user("other", Role::Instructor, None, None).await;
    let officer = staff(&office, "周建华", "service_officer", json!({})).await;
    let assistant = staff(
        &office,
        "李晓",
        "assistant",
        json!({ "assistant_of": id(&officer), "user_id": zhushou }),
    )
    .await;
    let instructor = staff(
        &office,
        "刘文静",
        "instructor",
        json!({ "user_id": zhidao }),
    )
    .await;
    let outsider = staff(&office, "陈立", "instructor", json!({ "user_id": other })).await;
    let a = app.token_client(&zhushou).await;
    let i = app.token_client(&zhidao).await;
    let o = app.token_client(&other).await;

    // The assistant reports to the instructor about a firm; its own side is filled in.
    let e = refused(
        a.post_json(
            "/api/v1/party/threads",
            json!({"instructor_id": id(&instructor)}),
        )
        .await,
        422,
        "invalid_input",
    );
    assert!(e["details"]["fields"]["body"].is_string(), "{e}");
    refused(
        a.post_json(
            "/api/v1/party/threads",
            json!({"instructor_id": id(&assistant), "subject": "换届", "body": "请指导"}),
        )
        .await,
        422,
        "thread_roles",
    );
    let (status, t) = a
        .post_json(
            "/api/v1/party/threads",
            json!({"instructor_id": id(&instructor), "org_id": id(&firm),
                   "subject": "企业党支部换届准备", "body": "支部书记拟调整，请指导换届程序"}),
        )
        .await;
    assert_eq!(status, 201, "{t}");
    assert_eq!(t["thread"]["assistant_name"], "李晓");
    assert_eq!(t["thread"]["org_name"], "重庆渝新能源汽车有限公司");
    assert_eq!(t["can_post"], true);
    let tid = t["thread"]["id"].as_str().unwrap().to_string();

    // The instructor sees one unread post; reading marks it read.
    assert_eq!(unread(&i).await, 1);
    assert_eq!(unread(&a).await, 0);
    let d = i.get_ok(&format!("/api/v1/party/threads/{tid}")).await;
    assert_eq!(d["posts"].as_array().unwrap().len(), 1);
    assert_eq!(d["posts"][0]["author_role_label"], "党建助手");
    assert_eq!(unread(&i).await, 0);
    let (status, d) = i
        .post_json(
            &format!("/api/v1/party/threads/{tid}/posts"),
            json!({"body": "先摸清党员人数，按程序报送换届请示"}),
        )
        .await;
    assert_eq!(status, 201, "{d}");
    assert_eq!(d["posts"].as_array().unwrap().len(), 2);
    assert_eq!(unread(&a).await, 1);
    assert_eq!(unread(&i).await, 0);

    // Only the two sides write; an instructor of another thread sees none of
    // his own and may not answer; the office reads everything and starts nothing.
    let l = o.get_ok("/api/v1/party/threads").await;
    assert_eq!(l["total"], 0);
    refused(
        o.post_json(
            &format!("/api/v1/party/threads/{tid}/posts"),
            json!({"body": "我也说一句"}),
        )
        .await,
        422,
        "not_in_thread",
    );
    let all = office.get_ok("/api/v1/party/threads").await;
    assert_eq!(all["total"], 1);
    assert_eq!(all["items"][0]["unread"], 0);
    let d = office.get_ok(&format!("/api/v1/party/threads/{tid}")).await;
    assert_eq!(d["can_post"], false);
    refused(
        office
            .post_json(
                "/api/v1/party/threads",
                json!({"assistant_id": id(&assistant), "instructor_id": id(&outsider), "subject": "x", "body": "y"}),
            )
            .await,
        403,
        "not_in_thread",
    );
    let ent = app
        .api_client("ent", Role::Enterprise, None, Some(id(&firm)))
        .await;
    assert_eq!(
        ent.get("/api/v1/party/threads")
            .send()
            .await
            .unwrap()
            .status(),
        403
    );

    // Exported, on both people's records and in the officer's report of the period.
    let bytes = office
        .get("/api/v1/party/threads/export")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let rows = sheet_rows(&bytes, Some("工作沟通"));
    assert_eq!(
        rows[1][..5],
        [
            "企业党支部换届准备",
            "李晓",
            "刘文静",
            "重庆渝新能源汽车有限公司",
            "2"
        ]
    );
    for who in [&assistant, &instructor] {
        let d = office
            .get_ok(&format!("/api/v1/party/staff/{}", id(who)))
            .await;
        assert_eq!(d["threads"].as_array().unwrap().len(), 1);
    }
    let today = kechuang_store::clock::today();
    let report = office
        .get_ok(&format!(
            "/api/v1/party/reports/{}?from={today}&to={today}",
            id(&officer)
        ))
        .await;
    assert_eq!(report["threads"][0]["posts_in_period"], 2, "{report}");
    // Years chrono can read but no backend stores are refused, not a crash.
    for q in [
        "from=-262143-01-01&to=2026-12-31",
        "from=2026-01-01&to=%2B262142-12-31",
    ] {
        let status = office
            .get(&format!("/api/v1/party/reports/{}?{q}", id(&officer)))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        assert!((400..500).contains(&status), "{q}: {status}");
    }
    refused(
        get_json(
            &office,
            "/api/v1/party/accountabilities/lateness?from=-262143-01-01",
        )
        .await,
        400,
        "invalid_query",
    );

    // The pages: the instructor's list marks the unread report, the thread page answers.
    a.post_json(
        &format!("/api/v1/party/threads/{tid}/posts"),
        json!({"body": "已协助支部核对党员信息"}),
    )
    .await;
    let b = app.browser("zhidao").await;
    let html = b.get_text("/party/threads").await;
    assert!(html.contains("1 条未读"), "{html}");
    let r = b
        .post_form(&format!("/party/threads/{tid}/act/post"), &[("body", "")])
        .await;
    assert_eq!(r.status(), 422);
    let r = b
        .post_form(
            &format!("/party/threads/{tid}/act/post"),
            &[("body", "收到，下周到企业指导")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let html = b.get_text(&format!("/party/threads/{tid}")).await;
    assert!(html.contains("收到，下周到企业指导"));
    assert!(!b.get_text("/party/threads").await.contains("条未读"));

    // From one of the assistant's work logs: 报告党建指导员 opens a thread about it.
    let (status, log) = a
        .post_json(
            "/api/v1/party/work-logs",
            json!({"org_id": id(&firm), "logged_on": "2026-11-30", "kind": "visit",
                   "content": "走访企业党支部", "problems": "党员活动场地不足"}),
        )
        .await;
    assert_eq!(status, 201, "{log}");
    let zb = app.browser("zhushou").await;
    let html = zb
        .get_text(&format!("/party/staff/{}", id(&assistant)))
        .await;
    assert!(
        html.contains(&format!("/party/threads?work_log_id={}", id(&log))),
        "{html}"
    );
    let html = zb
        .get_text(&format!(
            "/party/threads?work_log_id={}&org_id={}",
            id(&log),
            id(&firm)
        ))
        .await;
    assert!(html.contains("id=\"about-log\""));
    let r = zb
        .post_form(
            "/party/threads",
            &[
                ("work_log_id", &id(&log)),
                ("instructor_id", &id(&instructor)),
                ("org_id", &id(&firm)),
                ("subject", "党员活动场地不足"),
                ("body", "请协调党群服务中心场地"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let l = i.get_ok("/api/v1/party/threads").await;
    assert_eq!(l["total"], 2);
    assert_eq!(l["items"][0]["work_log_id"], log["id"]);
}

/// The unread posts of the caller's one thread.
async fn unread(api: &kechuang_testkit::Api) -> u64 {
    let l = api.get_ok("/api/v1/party/threads").await;
    assert_eq!(l["total"], 1, "{l}");
    l["items"][0]["unread"].as_u64().unwrap()
}

#[tokio::test]
async fn a_chain_committee_runs_a_programme_of_joint_actions() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let office = app
        .api_client("office", Role::PartyWorker, None, None)
        .await;
    let (_, chain) = kechuang_testkit::Api::json(
        admin
            .post("/api/v1/chains")
            .json(&json!({"name": "人工智能与工业软件"})),
    )
    .await;
    let firms = [
        create_org(&admin, "重庆数智软件有限公司", 1, json!({})).await,
        create_org(&admin, "重庆算力科技有限公司", 2, json!({})).await,
        create_org(&admin, "重庆工业互联网有限公司", 3, json!({})).await,
    ];
    let org = |body: Value| {
        let office = &office;
        async move {
            let (status, o) = office.post_json("/api/v1/party/orgs", body).await;
            assert_eq!(status, 201, "{o}");
            id(&o)
        }
    };
    let root = org(json!({"name": "科创企业联合党委", "kind": "joint_committee"})).await;
    let committee = org(
        json!({"name": "人工智能产业链党委", "kind": "chain_committee",
                               "parent_id": root, "chain_id": chain["id"]}),
    )
    .await;
    let b1 = org(json!({"name": "数智软件党支部", "kind": "branch", "parent_id": root})).await;
    let b2 = org(json!({"name": "算力科技党支部", "kind": "branch", "parent_id": root})).await;

    // A programme belongs to a chain committee and ends after it starts.
    let programme = |committee: &str, ends: &str| {
        json!({"committee_id": committee, "name": "2026年“链上红心”联建行动",
               "starts_on": "2026-03-01", "ends_on": ends, "goal": "共建共享"})
    };
    let e = refused(
        office
            .post_json("/api/v1/party/programmes", programme(&b1, ""))
            .await,
        422,
        "not_chain_committee",
    );
    assert!(e["details"]["fields"]["committee_id"].is_string(), "{e}");
    refused(
        office
            .post_json(
                "/api/v1/party/programmes",
                programme(&committee, "2026-01-01"),
            )
            .await,
        422,
        "invalid_period",
    );
    let (status, p) = office
        .post_json(
            "/api/v1/party/programmes",
            programme(&committee, "2026-12-31"),
        )
        .await;
    assert_eq!(status, 201, "{p}");
    assert_eq!(p["programme"]["chain_name"], "人工智能与工业软件");
    assert_eq!(p["programme"]["figures"]["actions"], 0);
    let pid = p["programme"]["id"].as_str().unwrap().to_string();

    // Actions with who took part and their results; figures count them.
    let actions = format!("/api/v1/party/programmes/{pid}/actions");
    let e = refused(
        office
            .post_json(
                &actions,
                json!({"title": "结对共建", "kind": "co_build", "held_on": "2026-03-15"}),
            )
            .await,
        422,
        "invalid_input",
    );
    assert!(e["details"]["fields"]["org_ids"].is_string(), "{e}");
    refused(
        office
            .post_json(
                &actions,
                json!({"title": "结对共建", "kind": "co_build", "held_on": "2026-03-15", "org_ids": "no-such-firm"}),
            )
            .await,
        422,
        "unknown_org",
    );
    let (status, _) = office
        .post_json(
            &actions,
            json!({"title": "链上企业党组织结对共建", "kind": "co_build", "held_on": "2026-03-15",
                   "party_org_ids": b1, "org_ids": format!("{},{}", id(&firms[0]), id(&firms[1])),
                   "results": "2对企业党组织签订共建协议"}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, d) = office
        .post_json(
            &actions,
            json!({"title": "“链上红心”志愿服务进企业", "kind": "链上红心", "held_on": "2026-10-18",
                   "party_org_ids": format!("{b1},{b2}"), "org_ids": format!("{},{}", id(&firms[1]), id(&firms[2]))}),
        )
        .await;
    assert_eq!(status, 201, "{d}");
    let f = &d["programme"]["figures"];
    assert_eq!(
        (
            &f["actions"],
            &f["firms"],
            &f["party_orgs"],
            &f["with_results"]
        ),
        (&json!(2), &json!(3), &json!(2), &json!(1)),
        "{f}"
    );
    let second = d["actions"][1].clone();
    assert_eq!(second["kind_label"], "链上红心");
    assert_eq!(second["firms"].as_array().unwrap().len(), 2);

    // Results recorded afterwards; the firms replaced; a stale version refused.
    let edit = |v: i64| {
        json!({"version": v, "title": "“链上红心”志愿服务进企业", "kind": "red_heart", "held_on": "2026-10-18",
               "party_org_ids": b2, "org_ids": id(&firms[2]), "results": "为3家中小企业提供数据安全咨询"})
    };
    let path = format!("{actions}/{}", id(&second));
    let (status, d) = office.put_json(&path, edit(1)).await;
    assert_eq!(status, 200, "{d}");
    let f = &d["programme"]["figures"];
    assert_eq!(
        (
            &f["actions"],
            &f["firms"],
            &f["party_orgs"],
            &f["with_results"]
        ),
        (&json!(2), &json!(3), &json!(2), &json!(2)),
        "{f}"
    );
    assert_eq!(
        d["actions"][1]["firms"][0]["name"],
        "重庆工业互联网有限公司"
    );
    refused(office.put_json(&path, edit(1)).await, 409, "stale_version");

    // Lists filter by chain and year; the export has the programmes and the actions.
    let list = |q: &'static str| {
        let office = &office;
        async move {
            office
                .get_ok(&format!("/api/v1/party/programmes?{q}"))
                .await["total"]
                .clone()
        }
    };
    assert_eq!(list("year=2026").await, 1);
    assert_eq!(list("year=2030").await, 0);
    assert_eq!(
        office
            .get_ok(&format!("/api/v1/party/programmes?chain_id={}", id(&chain)))
            .await["total"],
        1
    );
    refused(
        get_json(&office, "/api/v1/party/programmes?year=abc").await,
        400,
        "invalid_query",
    );
    let bytes = office
        .get("/api/v1/party/programmes/export")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let p_rows = sheet_rows(&bytes, Some("链上行动计划"));
    assert_eq!(p_rows[1][0], "2026年“链上红心”联建行动");
    assert_eq!(p_rows[1][6..], ["2", "3", "2", "2"]);
    let a_rows = sheet_rows(&bytes, Some("联建行动"));
    assert_eq!(a_rows.len(), 3);
    assert_eq!(a_rows[2][5], "重庆工业互联网有限公司");

    // The chain page shows the figures to party readers, not to enterprises.
    app.user("dangqun", Role::PartyWorker, None, None).await;
    let b = app.browser("dangqun").await;
    let html = b.get_text(&format!("/chains/{}", id(&chain))).await;
    assert!(html.contains("id=\"chain-programmes\""), "{html}");
    assert!(html.contains("2026年“链上红心”联建行动"));
    // The new-action form offers the chain's member firms first.
    let (status, _) = kechuang_testkit::Api::json(
        admin
            .put(&format!(
                "/api/v1/chains/{}/members/{}",
                id(&chain),
                id(&firms[2])
            ))
            .json(&json!({"position": "midstream"})),
    )
    .await;
    assert_eq!(status, 200);
    let html = b.get_text(&format!("/party/programmes/{pid}")).await;
    assert!(
        html.contains("为3家中小企业提供数据安全咨询") && html.contains("id=\"fig-firms\">3 家")
    );
    let form = html.split("id=\"action-org_ids\"").nth(1).unwrap();
    let first = form.split("</option>").next().unwrap();
    assert!(
        first.ends_with(">重庆工业互联网有限公司（链上）"),
        "{first}"
    );
    app.user("qiye", Role::Enterprise, None, Some(id(&firms[0])))
        .await;
    let e = app.browser("qiye").await;
    let html = e.get_text(&format!("/chains/{}", id(&chain))).await;
    assert!(!html.contains("chain-programmes"));
    let ent = app
        .api_client("ent", Role::Enterprise, None, Some(id(&firms[0])))
        .await;
    assert_eq!(
        ent.get("/api/v1/party/programmes")
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}

/// The demo (loaded by `foundation::demo_dataset_loads_and_tells_the_article_story`):
/// an officer and an assistant interviewed by name with their outcome, an
/// instructor under a supervision order, threads with the demo instructor's
/// unread report, a symposium, and the AI chain committee's programme.
pub async fn the_demo_holds_people_to_account_and_runs_chain_actions(api: &kechuang_testkit::Api) {
    let list = api.get_ok("/api/v1/party/accountabilities").await;
    let items = list["items"].as_array().unwrap();
    let role_of = |r: &str| {
        items
            .iter()
            .find(|a| a["staff_role"] == r)
            .unwrap_or_else(|| panic!("no record naming a {r}: {list}"))
    };
    let officer = role_of("service_officer");
    assert_eq!(officer["kind"], "interview");
    assert!(!officer["outcome"].as_str().unwrap().is_empty());
    assert_eq!(officer["status_label"], "已整改");
    assert_eq!(role_of("assistant")["kind"], "interview");
    assert_eq!(role_of("instructor")["kind"], "supervision");
    // The interviewed officer's firms ran late in the first three quarters
    // (the demo picked the latest on 23 October; lateness only grows since).
    let l = api
        .get_ok("/api/v1/party/accountabilities/lateness?from=2026-01-01&to=2026-09-30")
        .await;
    let row = l["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["staff_id"] == officer["staff_id"])
        .unwrap();
    assert!(
        row["overdue_open"].as_u64().unwrap() + row["late"].as_u64().unwrap() > 0,
        "{row}"
    );
    assert!(officer["reason"].as_str().unwrap().contains("超期"));
    let threads = api.get_ok("/api/v1/party/threads").await;
    assert_eq!(threads["total"], 3, "{threads}");
    let symposium = api.get_ok("/api/v1/party/meetings?kind=symposium").await;
    assert_eq!(symposium["total"], 1);
    let p = api.get_ok("/api/v1/party/programmes").await;
    assert_eq!(p["total"], 1, "{p}");
    let f = &p["items"][0]["figures"];
    assert_eq!(p["items"][0]["chain_name"], "人工智能与工业软件");
    assert_eq!(f["actions"], 6);
    // Every member firm of the chain took part in one action or another (the
    // year-end action takes up to 14 of them).
    let chain = api
        .get_ok(&format!(
            "/api/v1/chains/{}",
            p["items"][0]["chain_id"].as_str().unwrap()
        ))
        .await;
    let members = chain["members"].as_array().unwrap().len().min(14);
    assert_eq!(f["firms"], members as u64, "{f}");
    assert_eq!(
        f["with_results"], 5,
        "the December action is still to come: {f}"
    );
}

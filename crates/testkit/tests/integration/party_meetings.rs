//! Party-building: Joint and monthly coordination meetings, their decisions as the annual key-item list (年度重点事项) with milestones, and agendas that pick up overdue or at-risk items.
//!
//! Dates are pinned (2026) so agendas do not depend on the day the suite
//! runs; only the "today" flags of the list use dates relative to today.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Reader, Xlsx};
use chrono::{Duration, NaiveDate};
use kechuang_domain::auth::Role;
use kechuang_store::party::meetings::{risk_at, Risk};
use kechuang_testkit::{id, spawn_app, Api};
use serde_json::{json, Value};

use crate::{admin, create_department, location, refused};

async fn key_item(api: &Api, title: &str, due: &str, extra: Value) -> Value {
    let mut body = json!({ "title": title, "owner": "刘敏", "due_on": due });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (status, k) = api.post_json("/api/v1/party/key-items", body).await;
    assert_eq!(status, 201, "{k}");
    k
}

async fn progress(api: &Api, item: &Value, pct: i32) -> Value {
    let (status, v) = api
        .post_json(
            &format!("/api/v1/party/key-items/{}/progress", id(item)),
            json!({ "progress": pct.to_string(), "note": "推进中", "version": item["version"] }),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    v
}

async fn meeting(api: &Api, kind: &str, title: &str, held_on: &str) -> Value {
    let (status, m) = api
        .post_json(
            "/api/v1/party/meetings",
            json!({ "kind": kind, "title": title, "held_on": held_on, "place": "党群服务中心",
                "attendees": "党群工作部、科技创新局", "minutes": "逐项调度重点事项" }),
        )
        .await;
    assert_eq!(status, 201, "{m}");
    m
}

/// (title, reason) of a meeting's agenda, in order.
fn agenda(m: &Value) -> Vec<(String, String)> {
    m["agenda"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["key_item"]["title"].as_str().unwrap().to_string(),
                a["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

#[test]
fn the_at_risk_rule_on_pinned_dates() {
    let meeting = d(4, 10);
    // Overdue: past the deadline and not done by the meeting.
    assert_eq!(risk_at(d(3, 31), 90, None, &[], meeting), Risk::Overdue);
    assert_eq!(
        risk_at(d(3, 31), 90, Some(d(4, 20)), &[], meeting),
        Risk::Overdue
    );
    assert_eq!(
        risk_at(d(3, 31), 100, Some(d(3, 25)), &[], meeting),
        Risk::Done
    );
    // Due within 30 days (inclusive) with progress below 70%.
    assert_eq!(risk_at(d(5, 10), 69, None, &[], meeting), Risk::AtRisk);
    assert_eq!(risk_at(d(5, 10), 70, None, &[], meeting), Risk::OnTrack);
    assert_eq!(risk_at(d(5, 11), 0, None, &[], meeting), Risk::OnTrack);
    // A milestone past due and not done by then.
    let missed = [(d(3, 20), None)];
    assert_eq!(risk_at(d(9, 30), 95, None, &missed, meeting), Risk::AtRisk);
    let late = [(d(3, 20), Some(d(4, 11)))];
    assert_eq!(risk_at(d(9, 30), 95, None, &late, meeting), Risk::AtRisk);
    let kept = [(d(3, 20), Some(d(3, 18)))];
    assert_eq!(risk_at(d(9, 30), 0, None, &kept, meeting), Risk::OnTrack);
}

#[tokio::test]
async fn a_new_meeting_takes_up_overdue_and_at_risk_items_and_they_roll_over() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let dept = create_department(&api, "党群工作部", "DQ", None).await;
    let dq = id(&dept);
    // A: overdue at the April meeting.
    let a = key_item(
        &api,
        "A 建设党群服务站",
        "2026-03-31",
        json!({ "department_id": dq }),
    )
    .await;
    let a = progress(&api, &a, 20).await;
    // B: due in 25 days at 50% — at risk; C: due in 26 days at 80% — on track.
    let b = key_item(&api, "B 路演活动", "2026-05-05", json!({})).await;
    progress(&api, &b, 50).await;
    let c = key_item(&api, "C 结对共建", "2026-05-06", json!({})).await;
    progress(&api, &c, 80).await;
    // D: a milestone missed — at risk though far from due; E: kept its milestone.
    let dd = key_item(
        &api,
        "D 人才专员队伍",
        "2026-09-30",
        json!({ "milestones": "完成方案 2026-03-20\n组建队伍 2026-06-30" }),
    )
    .await;
    assert_eq!(dd["milestones"].as_array().unwrap().len(), 2);
    let e = key_item(
        &api,
        "E 党员台账",
        "2026-09-30",
        json!({ "milestones": "完成方案 2026-03-20" }),
    )
    .await;
    let ms = &e["milestones"][0];
    let (status, body) = api
        .post_json(
            &format!(
                "/api/v1/party/key-items/{}/milestones/{}/done",
                id(&e),
                id(ms)
            ),
            json!({ "on": "2026-03-18", "version": ms["version"] }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // F: done before the meeting; G: 31 days away at 0% — outside the window.
    let f = key_item(&api, "F 梯度贷扩面", "2026-03-31", json!({})).await;
    let (status, body) = api
        .post_json(
            &format!("/api/v1/party/key-items/{}/done", id(&f)),
            json!({ "on": "2026-03-25", "version": f["version"] }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    key_item(&api, "G 园区阵地", "2026-05-11", json!({})).await;

    let april = meeting(&api, "joint", "第二季度联席会议", "2026-04-10").await;
    assert_eq!(april["meeting"]["kind_label"], "联席会议");
    assert_eq!(april["meeting"]["agenda_count"], 3);
    assert_eq!(
        agenda(&april),
        pairs(&[
            ("A 建设党群服务站", "overdue"),
            ("B 路演活动", "at_risk"),
            ("D 人才专员队伍", "at_risk"),
        ])
    );
    assert_eq!(april["agenda"][0]["reason_label"], "逾期");
    assert_eq!(
        april["agenda"][0]["key_item"]["department_name"],
        "党群工作部"
    );

    // The next meeting: what slipped rolls over, and what fell due since is overdue.
    let may = meeting(&api, "monthly", "5月月度碰头会", "2026-05-29").await;
    assert_eq!(
        agenda(&may),
        pairs(&[
            ("A 建设党群服务站", "overdue"),
            ("B 路演活动", "overdue"),
            ("C 结对共建", "overdue"),
            ("G 园区阵地", "overdue"),
            ("D 人才专员队伍", "at_risk"),
        ])
    );

    // A is finished on 30 May: off the June agenda, but a meeting recorded
    // afterwards for 20 May still sees it as it stood then.
    let (status, body) = api
        .post_json(
            &format!("/api/v1/party/key-items/{}/done", id(&a)),
            json!({ "on": "2026-05-30", "version": a["version"] }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["risk"], "done");
    let june = meeting(&api, "monthly", "6月月度碰头会", "2026-06-26").await;
    assert!(!agenda(&june).iter().any(|(t, _)| t.starts_with("A ")));
    let late = meeting(&api, "monthly", "5月补充碰头会", "2026-05-20").await;
    assert_eq!(
        agenda(&late)[0],
        ("A 建设党群服务站".into(), "overdue".into())
    );

    // The item remembers which agendas carried it.
    let detail = api
        .get_ok(&format!("/api/v1/party/key-items/{}", id(&a)))
        .await;
    let titles: Vec<&str> = detail["agendas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["第二季度联席会议", "5月补充碰头会", "5月月度碰头会"]
    );

    // A decision of the April meeting goes on the list with its milestones.
    let mid = id(&april["meeting"]);
    let (status, k) = api
        .post_json(
            &format!("/api/v1/party/meetings/{mid}/key-items"),
            json!({ "title": "推动金凤实验室结对共建", "decision": "会议决定由党群工作部牵头",
                "owner": "陈立", "department_id": dq, "due_on": "2026-12-31",
                "milestones": "签订共建协议 2026-06-30\n开展联合主题党日 2026/9/30" }),
        )
        .await;
    assert_eq!(status, 201, "{k}");
    assert_eq!(k["meeting_title"], "第二季度联席会议");
    assert_eq!(k["year"], 2026);
    assert_eq!(k["meeting_id"], mid.as_str());
    let due: Vec<&str> = k["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["due_on"].as_str().unwrap())
        .collect();
    assert_eq!(due, ["2026-06-30", "2026-09-30"]);
    let m = api.get_ok(&format!("/api/v1/party/meetings/{mid}")).await;
    assert_eq!(m["meeting"]["key_item_count"], 1);
    assert_eq!(m["key_items"][0]["title"], "推动金凤实验室结对共建");
    // Milestones after the deadline, or not "title date", are refused by field.
    let body = refused(
        api.post_json(
            &format!("/api/v1/party/meetings/{mid}/key-items"),
            json!({ "title": "X", "owner": "陈立", "due_on": "2026-06-30",
                    "milestones": "验收 2026-07-15" }),
        )
        .await,
        422,
        "invalid_input",
    );
    assert!(body["details"]["fields"]["milestones"]
        .as_str()
        .unwrap()
        .contains("晚于完成时限"));
    let body = refused(
        api.post_json(
            &format!("/api/v1/party/meetings/{mid}/key-items"),
            json!({ "title": "X", "owner": "陈立", "due_on": "2026-06-30",
                    "milestones": "验收在六月" }),
        )
        .await,
        422,
        "invalid_input",
    );
    assert!(body["details"]["fields"]["milestones"]
        .as_str()
        .unwrap()
        .starts_with("第1行"));

    // The list of meetings filters by kind and year.
    let list = api
        .get_ok("/api/v1/party/meetings?kind=monthly&year=2026")
        .await;
    assert_eq!(list["total"], 3);
    assert_eq!(list["items"][0]["title"], "6月月度碰头会", "newest first");
    let list = api.get_ok("/api/v1/party/meetings?year=2025").await;
    assert_eq!(list["total"], 0);
    refused(
        Api::json(api.get("/api/v1/party/meetings?kind=weekly")).await,
        400,
        "invalid_query",
    );
    // A meeting needs a type and a date.
    let body = refused(
        api.post_json(
            "/api/v1/party/meetings",
            json!({ "kind": "周例会", "title": "", "held_on": "2026-13-01" }),
        )
        .await,
        422,
        "invalid_input",
    );
    let fields = body["details"]["fields"].as_object().unwrap();
    assert!(
        fields.contains_key("kind")
            && fields.contains_key("title")
            && fields.contains_key("held_on")
    );
    assert!(fields["kind"].as_str().unwrap().contains("座谈会"));
    // A symposium and the chief service officers' monthly meeting are meetings
    // too: they take up the agenda and their decisions become key items.
    let sym = meeting(&api, "座谈会", "科创企业党建工作座谈会", "2026-06-12").await;
    assert_eq!(sym["meeting"]["kind"], "symposium");
    let officers = meeting(
        &api,
        "officers_monthly",
        "10月首席服务官月度例会",
        "2026-10-23",
    )
    .await;
    assert_eq!(officers["meeting"]["kind_label"], "首席服务官月度例会");
    let list = api.get_ok("/api/v1/party/meetings?kind=symposium").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["title"], "科创企业党建工作座谈会");
}

#[tokio::test]
async fn key_item_progress_milestones_completion_and_stale_versions() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let k = key_item(
        &api,
        "建设中试熟化平台党员先锋岗",
        "2026-09-30",
        json!({ "milestones": "制定方案 2026-03-31\n挂牌运行 2026-06-30", "decision": "会议决定" }),
    )
    .await;
    let kid = id(&k);
    assert_eq!(
        (k["version"].as_i64(), k["progress"].as_i64()),
        (Some(1), Some(0))
    );
    assert_eq!(k["status"], "open");
    // Progress moves the version; the old version is stale.
    let v2 = progress(&api, &k, 40).await;
    assert_eq!(
        (v2["version"].as_i64(), v2["progress"].as_i64()),
        (Some(2), Some(40))
    );
    assert_eq!(v2["note"], "推进中");
    refused(
        api.post_json(
            &format!("/api/v1/party/key-items/{kid}/progress"),
            json!({ "progress": "60", "version": 1 }),
        )
        .await,
        409,
        "stale_version",
    );
    let body = refused(
        api.post_json(
            &format!("/api/v1/party/key-items/{kid}/progress"),
            json!({ "progress": "120", "version": 2 }),
        )
        .await,
        422,
        "invalid_input",
    );
    assert!(body["details"]["fields"]["progress"].is_string());
    // Not done while a milestone is open.
    refused(
        api.post_json(
            &format!("/api/v1/party/key-items/{kid}/done"),
            json!({ "on": "2026-07-01", "version": 2 }),
        )
        .await,
        422,
        "milestones_open",
    );
    let ms = v2["milestones"].as_array().unwrap().clone();
    assert_eq!(ms[0]["title"], "制定方案");
    let done_ms = |m: &Value, on: &str, version: i64| {
        let path = format!("/api/v1/party/key-items/{kid}/milestones/{}/done", id(m));
        let body = json!({ "on": on, "version": version });
        let api = &api;
        async move { api.post_json(&path, body).await }
    };
    let (status, after) = done_ms(&ms[0], "2026-03-28", 1).await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["milestones"][0]["done_on"], "2026-03-28");
    assert_eq!(
        after["version"], 2,
        "a milestone does not move the item's version"
    );
    refused(
        done_ms(&ms[0], "2026-03-29", 2).await,
        422,
        "milestone_done",
    );
    refused(done_ms(&ms[1], "2026-06-29", 7).await, 409, "stale_version");
    let future = (chrono::Utc::now().date_naive() + Duration::days(40)).to_string();
    let body = refused(done_ms(&ms[1], &future, 1).await, 422, "invalid_input");
    assert!(body["details"]["fields"]["on"].is_string());
    // A milestone added later must fit the deadline.
    refused(
        api.post_json(
            &format!("/api/v1/party/key-items/{kid}/milestones"),
            json!({ "title": "总结", "due_on": "2026-10-15" }),
        )
        .await,
        422,
        "milestone_after_deadline",
    );
    let (status, added) = api
        .post_json(
            &format!("/api/v1/party/key-items/{kid}/milestones"),
            json!({ "title": "总结", "due_on": "2026-09-15" }),
        )
        .await;
    assert_eq!(status, 201, "{added}");
    let ms = added["milestones"].as_array().unwrap().clone();
    assert_eq!(ms.len(), 3);
    for m in &ms[1..] {
        let (status, body) = done_ms(m, "2026-09-10", 1).await;
        assert_eq!(status, 200, "{body}");
    }
    // Done: progress 100, then closed for progress.
    let (status, done) = api
        .post_json(
            &format!("/api/v1/party/key-items/{kid}/done"),
            json!({ "on": "2026-09-12", "version": 2 }),
        )
        .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(
        (
            done["status"].as_str(),
            done["progress"].as_i64(),
            done["done_on"].as_str(),
            done["risk"].as_str()
        ),
        (Some("done"), Some(100), Some("2026-09-12"), Some("done"))
    );
    assert_eq!(done["status_label"], "已完成");
    refused(
        api.post_json(
            &format!("/api/v1/party/key-items/{kid}/progress"),
            json!({ "progress": "90", "version": 3 }),
        )
        .await,
        422,
        "key_item_done",
    );
    // Editing takes the version the editor saw.
    let edit = json!({ "version": 1, "title": "建设中试熟化平台党员先锋岗（改）", "owner": "罗涛", "due_on": "2026-09-30" });
    refused(
        Api::json(
            api.put(&format!("/api/v1/party/key-items/{kid}"))
                .json(&edit),
        )
        .await,
        409,
        "stale_version",
    );
    let mut edit = edit;
    edit["version"] = json!(3);
    let (status, body) = Api::json(
        api.put(&format!("/api/v1/party/key-items/{kid}"))
            .json(&edit),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["title"], "建设中试熟化平台党员先锋岗（改）");
    assert_eq!(body["owner"], "罗涛");
    assert_eq!(body["version"], 4);
    assert_eq!(body["decision"], "", "an edit without a decision clears it");
    refused(
        Api::json(api.get("/api/v1/party/key-items/nope")).await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn the_key_item_list_filters_by_today_and_exports_the_filed_list() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let dq = id(&create_department(&api, "党群工作部", "DQ", None).await);
    let kj = id(&create_department(&api, "科技创新局", "KJ", None).await);
    let today = chrono::Utc::now().date_naive();
    let m = meeting(&api, "joint", "第一季度联席会议", "2026-01-16").await;
    let mid = id(&m["meeting"]);
    // Overdue for any day after 2026-01-31.
    let (status, over) = api.post_json(&format!("/api/v1/party/meetings/{mid}/key-items"),
        json!({ "title": "建成党群服务站", "owner": "陈立", "department_id": dq, "due_on": "2026-01-31",
                "milestones": "选址 2026-01-20\n装修 2026-01-28" }),
    )
    .await;
    assert_eq!(status, 201, "{over}");
    let first = &over["milestones"][0];
    let (status, over) = api
        .post_json(
            &format!(
                "/api/v1/party/key-items/{}/milestones/{}/done",
                id(&over),
                id(first)
            ),
            json!({ "on": "2026-01-19", "version": 1 }),
        )
        .await;
    assert_eq!(status, 200, "{over}");
    let over = progress(&api, &over, 60).await;
    // At risk today: due in 10 days at 20% (listed in 2026 whatever today is).
    let soon = (today + Duration::days(10)).to_string();
    let risky = key_item(
        &api,
        "推进责任区全覆盖",
        &soon,
        json!({ "department_id": kj, "year": "2026" }),
    )
    .await;
    progress(&api, &risky, 20).await;
    // Done.
    let done = key_item(
        &api,
        "完善发展党员台账",
        "2026-02-28",
        json!({ "department_id": dq, "year": "2026" }),
    )
    .await;
    let (status, body) = api
        .post_json(
            &format!("/api/v1/party/key-items/{}/done", id(&done)),
            json!({ "on": "2026-02-20", "version": 1 }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // Another year.
    key_item(&api, "2025年的事项", "2025-06-30", json!({})).await;

    let titles = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["title"].as_str().unwrap().to_string())
            .collect()
    };
    let all = api.get_ok("/api/v1/party/key-items?year=2026").await;
    assert_eq!(
        titles(&all),
        ["建成党群服务站", "完善发展党员台账", "推进责任区全覆盖"],
        "by deadline"
    );
    let risks: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["risk"].as_str().unwrap())
        .collect();
    assert_eq!(risks, ["overdue", "done", "at_risk"]);
    assert_eq!(
        titles(
            &api.get_ok("/api/v1/party/key-items?year=2026&overdue=true")
                .await
        ),
        ["建成党群服务站"]
    );
    assert_eq!(
        titles(
            &api.get_ok("/api/v1/party/key-items?year=2026&at_risk=true")
                .await
        ),
        ["推进责任区全覆盖"]
    );
    assert_eq!(
        api.get_ok("/api/v1/party/key-items?year=2026&overdue=true&at_risk=true")
            .await["total"],
        2
    );
    assert_eq!(
        titles(
            &api.get_ok("/api/v1/party/key-items?year=2026&status=done")
                .await
        ),
        ["完善发展党员台账"]
    );
    assert_eq!(
        titles(
            &api.get_ok(&format!(
                "/api/v1/party/key-items?year=2026&department_id={kj}"
            ))
            .await
        ),
        ["推进责任区全覆盖"]
    );
    assert_eq!(
        titles(&api.get_ok("/api/v1/party/key-items?year=2025").await),
        ["2025年的事项"]
    );
    assert_eq!(
        api.get_ok("/api/v1/party/key-items?year=all").await["total"],
        4
    );
    assert_eq!(
        api.get_ok("/api/v1/party/key-items?year=2026&per_page=2&page=2")
            .await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    refused(
        Api::json(api.get("/api/v1/party/key-items?overdue=maybe")).await,
        400,
        "invalid_query",
    );
    refused(
        Api::json(api.get("/api/v1/party/key-items?status=late")).await,
        400,
        "invalid_query",
    );

    // The filed list: a title row, the header, one row per item.
    let res = api
        .get("/api/v1/party/key-items/export?year=2026")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap().to_vec();
    let rows = crate::sheet_rows(&bytes, None);
    assert_eq!(rows.len(), 5, "title + header + three 2026 items: {rows:?}");
    // The header row under the title is frozen and filtered.
    let sheet = crate::xlsx_part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<pane ySplit=\"2\""), "{sheet}");
    assert!(sheet.contains("<autoFilter ref=\"A2:K5\""), "{sheet}");
    assert_eq!(rows[0][0], "2026年度重点事项清单");
    assert_eq!(
        rows[1],
        [
            "序号",
            "重点事项",
            "责任单位",
            "责任人",
            "完成时限",
            "节点安排",
            "工作进度",
            "完成情况",
            "来源会议",
            "会议决定",
            "年度"
        ]
    );
    assert_eq!(
        rows[2],
        [
            "1",
            "建成党群服务站",
            "党群工作部",
            "陈立",
            "2026-01-31",
            "选址（2026年1月20日，2026年1月19日完成）\n装修（2026年1月28日）",
            "60%，推进中",
            "逾期未完成",
            "第一季度联席会议",
            "",
            "2026",
        ]
    );
    assert_eq!(rows[3][0], "2");
    assert_eq!(rows[3][6], "100%");
    assert_eq!(rows[3][7], "已完成（2026年2月20日）");
    assert_eq!(rows[4][1], "推进责任区全覆盖");
    assert_eq!(rows[4][2], "科技创新局");
    assert_eq!(rows[4][7], "推进中（有逾期风险）");
    assert_eq!(rows[4][8], "");
    // Filters apply to the export too.
    let res = api
        .get("/api/v1/party/key-items/export?year=2026&status=done")
        .send()
        .await
        .unwrap();
    let mut wb: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
    assert_eq!(wb.worksheet_range_at(0).unwrap().unwrap().rows().count(), 3);
    // The year of an item defaults to its meeting's.
    assert_eq!(over["year"], 2026);

    // The filed list, title row and all, imports into another committee's
    // empty register as it stands, and its export gives the same file.
    let other = spawn_app().await;
    let api2 = admin(&other).await;
    create_department(&api2, "党群工作部", "DQ", None).await;
    create_department(&api2, "科技创新局", "KJ", None).await;
    meeting(&api2, "joint", "第一季度联席会议", "2026-01-16").await;
    let (status, done) =
        crate::upload_xlsx(&api2, "/api/v1/party/key-items/import", bytes.clone()).await;
    assert_eq!(
        (status, done["imported"].clone()),
        (200, json!(3)),
        "{done}"
    );
    let again = api2
        .get("/api/v1/party/key-items/export?year=2026")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec();
    assert_eq!(crate::sheet_rows(&again, None), rows);
    let items = api2
        .get_ok("/api/v1/party/key-items?year=2026&status=done")
        .await;
    assert_eq!(items["items"][0]["done_on"], "2026-02-20");
    // The same list again is refused, not doubled (each row named).
    let body = refused(
        crate::upload_xlsx(&api2, "/api/v1/party/key-items/import", again).await,
        422,
        "import_invalid",
    );
    assert_eq!(
        crate::problem_cells(&body),
        [
            (3, "重点事项".to_string()),
            (4, "重点事项".to_string()),
            (5, "重点事项".to_string())
        ],
        "{body}"
    );
}

#[tokio::test]
async fn a_key_item_list_with_bad_cells_is_refused_cell_by_cell_and_imports_nothing() {
    const COLUMNS: [&str; 11] = [
        "序号",
        "重点事项",
        "责任单位",
        "责任人",
        "完成时限",
        "节点安排",
        "工作进度",
        "完成情况",
        "来源会议",
        "会议决定",
        "年度",
    ];
    let app = spawn_app().await;
    let api = admin(&app).await;
    create_department(&api, "党群工作部", "DQ", None).await;
    meeting(&api, "joint", "联席会议", "2026-01-16").await;
    meeting(&api, "joint", "联席会议", "2026-04-16").await;
    let res = api
        .get("/api/v1/party/key-items/import/template")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let template = res.bytes().await.unwrap().to_vec();
    assert_eq!(crate::sheet_rows(&template, None)[0], COLUMNS);
    let future = (chrono::Utc::now().date_naive() + Duration::days(30)).to_string();
    let row = |cells: &[(&str, &str)]| crate::row_of(&COLUMNS, cells);
    // Each row its own title unless it gives one.
    let n = std::cell::Cell::new(0);
    let with = |extra: &[(&str, &str)]| {
        n.set(n.get() + 1);
        let title = format!("事项{}", n.get());
        let mut cells = vec![
            ("重点事项", title.as_str()),
            ("责任人", "陈立"),
            ("完成时限", "2026-06-30"),
        ];
        cells.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
        cells.extend_from_slice(extra);
        row(&cells)
    };
    let rows: Vec<Vec<String>> = vec![
        COLUMNS.iter().map(|c| c.to_string()).collect(),
        with(&[("责任单位", "没有这个部门")]),
        with(&[("来源会议", "联席会议")]),
        with(&[("节点安排", "选址 2026-03-01")]),
        with(&[("节点安排", "选址（2026年7月1日）")]),
        with(&[("工作进度", "120%")]),
        with(&[("完成情况", "已完成")]),
        with(&[
            ("完成情况", "已完成（2026年5月1日）"),
            ("工作进度", "100%"),
            ("节点安排", "选址（2026年3月1日）"),
        ]),
        with(&[("完成情况", "已完成（2026年5月1日）"), ("工作进度", "80%")]),
        with(&[("节点安排", &format!("选址（2026年3月1日，{future}完成）"))]),
        with(&[("完成时限", "明年")]),
        with(&[("重点事项", "")]),
        // Good rows: a meeting told apart by its date; a done item.
        with(&[
            ("重点事项", "甲"),
            ("来源会议", "联席会议（2026年4月16日）"),
        ]),
        with(&[
            ("重点事项", "乙"),
            ("完成情况", "已完成（2026年5月1日）"),
            ("工作进度", "100%"),
            ("责任单位", "DQ"),
        ]),
        with(&[("重点事项", "乙"), ("年度", "2026")]),
        // Without 年度 an item takes its meeting's year: the same item twice.
        with(&[
            ("重点事项", "甲"),
            ("来源会议", "联席会议（2026年4月16日）"),
        ]),
        // A milestone title may hold “；”.
        with(&[
            ("重点事项", "丙"),
            ("节点安排", "方案；评审（2026年3月1日）"),
        ]),
    ];
    let refs: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let body = refused(
        crate::upload_xlsx(
            &api,
            "/api/v1/party/key-items/import",
            crate::text_xlsx(&refs),
        )
        .await,
        422,
        "import_invalid",
    );
    assert_eq!(
        crate::problem_cells(&body),
        [
            (2, "责任单位".to_string()),
            (3, "来源会议".to_string()),
            (4, "节点安排".to_string()),
            (5, "节点安排".to_string()),
            (6, "工作进度".to_string()),
            (7, "完成情况".to_string()),
            (8, "完成情况".to_string()),
            (9, "工作进度".to_string()),
            (10, "节点安排".to_string()),
            (11, "完成时限".to_string()),
            (12, "重点事项".to_string()),
            (15, "重点事项".to_string()),
            (16, "重点事项".to_string()),
        ],
        "{body}"
    );
    let text = body.to_string();
    assert!(text.contains("联席会议（会议日期）"), "{text}");
    assert!(text.contains("与第14行重复"), "{text}");
    assert!(text.contains("与第13行重复"), "{text}");
    assert_eq!(
        api.get_ok("/api/v1/party/key-items?year=all").await["total"],
        0
    );

    // The page: 导入清单 with its template, and a refusal in its panel.
    let page = app.browser("admin").await;
    let html = page.get_text("/party/key-items").await;
    assert!(
        html.contains("/api/v1/party/key-items/import/template"),
        "{html}"
    );
    let res = page
        .upload("/party/key-items/import", crate::text_xlsx(&refs[..3]))
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"import-problems\""), "{html}");
    assert!(html.contains("没有这个部门"), "{html}");
    // A good file lands on the list with 导入成功.
    let res = page
        .upload(
            "/party/key-items/import",
            crate::text_xlsx(&[refs[0].clone(), refs[13].clone()]),
        )
        .await;
    assert_eq!(location(&res), "/party/key-items?year=all&flash=imported");
    assert_eq!(
        api.get_ok("/api/v1/party/key-items?year=all").await["total"],
        1
    );
}

#[tokio::test]
async fn leaders_read_meetings_but_cannot_write_and_enterprises_see_nothing() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let m = meeting(&api, "joint", "联席会议", "2026-01-16").await;
    let mid = id(&m["meeting"]);
    let k = key_item(&api, "事项", "2026-06-30", json!({})).await;
    let leader = app.api_client("wang", Role::Leader, None, None).await;
    assert_eq!(leader.get_ok("/api/v1/party/meetings").await["total"], 1);
    leader
        .get_ok(&format!("/api/v1/party/meetings/{mid}"))
        .await;
    leader.get_ok("/api/v1/party/key-items?year=all").await;
    let res = leader
        .get("/api/v1/party/key-items/export")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    for (path, body) in [
        (
            "/api/v1/party/meetings".to_string(),
            json!({ "kind": "joint", "title": "x", "held_on": "2026-02-01" }),
        ),
        (
            format!("/api/v1/party/meetings/{mid}/key-items"),
            json!({ "title": "x", "owner": "y", "due_on": "2026-06-30" }),
        ),
        (
            "/api/v1/party/key-items".to_string(),
            json!({ "title": "x", "owner": "y", "due_on": "2026-06-30" }),
        ),
        (
            format!("/api/v1/party/key-items/{}/progress", id(&k)),
            json!({ "progress": "10", "version": 1 }),
        ),
        (
            format!("/api/v1/party/key-items/{}/done", id(&k)),
            json!({ "version": 1 }),
        ),
    ] {
        refused(leader.post_json(&path, body).await, 403, "forbidden");
    }
    refused(
        Api::json(leader.put(&format!("/api/v1/party/meetings/{mid}")).json(
            &json!({ "version": 1, "kind": "joint", "title": "x", "held_on": "2026-02-01" }),
        ))
        .await,
        403,
        "forbidden",
    );
    let firm = app.api_client("firm", Role::Enterprise, None, None).await;
    refused(
        Api::json(firm.get("/api/v1/party/meetings")).await,
        403,
        "forbidden",
    );
    refused(
        Api::json(firm.get("/api/v1/party/key-items")).await,
        403,
        "forbidden",
    );
    refused(
        Api::json(firm.get(&format!("/api/v1/party/meetings/{mid}"))).await,
        403,
        "forbidden",
    );
}

#[tokio::test]
async fn meeting_pages_keep_rejected_input_beside_its_field() {
    let app = spawn_app().await;
    app.user("dangjian", Role::PartyWorker, None, None).await;
    let b = app.browser("dangjian").await;
    for path in [
        "/party/meetings",
        "/party/key-items",
        "/party/key-items?year=all&overdue=true",
    ] {
        assert_eq!(b.get(path).await.status(), 200, "{path}");
    }
    // A meeting with an impossible date comes back with the message and the typed title.
    let res = b
        .post_form(
            "/party/meetings",
            &[
                ("kind", "monthly"),
                ("title", "3月党建工作月度碰头会"),
                ("held_on", "2026-13-01"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("会议日期请填写日期"), "{html}");
    assert!(html.contains("value=\"3月党建工作月度碰头会\""));
    assert!(html.contains("is-invalid"));
    // Corrected, it opens on its own page.
    let res = b
        .post_form(
            "/party/meetings",
            &[
                ("kind", "monthly"),
                ("title", "3月党建工作月度碰头会"),
                ("held_on", "2026-03-27"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let to = location(&res);
    let html = b.get_text(&to).await;
    assert!(html.contains("已创建"));
    assert!(html.contains("id=\"meeting-kind\">月度碰头会<"));
    let mid = to
        .strip_prefix("/party/meetings/")
        .and_then(|r| r.split('?').next())
        .unwrap()
        .to_string();
    // A decision with a malformed milestone keeps what was typed.
    let res = b
        .post_form(
            &format!("/party/meetings/{mid}/act/key_item"),
            &[
                ("title", "建成科创服务站"),
                ("owner", "陈立"),
                ("due_on", "2026-06-30"),
                ("milestones", "选址完成"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("第1行“选址完成”请写成“标题 年-月-日”，如“选址完成 2026-06-30”"));
    assert!(html.contains("value=\"建成科创服务站\""));
    // Corrected, the item's page opens with its milestone.
    let res = b
        .post_form(
            &format!("/party/meetings/{mid}/act/key_item"),
            &[
                ("title", "建成科创服务站"),
                ("owner", "陈立"),
                ("due_on", "2026-06-30"),
                ("milestones", "选址完成 2026-04-30"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let to = location(&res);
    assert!(to.starts_with("/party/key-items/"));
    let html = b.get_text(&to).await;
    assert!(html.contains("选址完成"));
    assert!(html.contains("3月党建工作月度碰头会"));
    // Progress above 100 is refused beside the field, the typed value kept.
    let kid = to
        .strip_prefix("/party/key-items/")
        .and_then(|r| r.split('?').next())
        .unwrap()
        .to_string();
    let res = b
        .post_form(
            &format!("/party/key-items/{kid}/act/progress"),
            &[("progress", "150"), ("note", "超额"), ("version", "1")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("工作进度请填写 0～100 之间的整数"));
    assert!(html.contains("value=\"150\""));
    // Closing with an open milestone says why.
    let res = b
        .post_form(
            &format!("/party/key-items/{kid}/act/done"),
            &[("on", "2026-04-01"), ("version", "1")],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("还有 1 个节点未完成"));
    // The export link of the list downloads the filed list.
    let res = b.get("/party/key-items/export.xlsx?year=2026").await;
    assert_eq!(res.status(), 200);
}

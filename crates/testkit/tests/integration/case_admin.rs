//! Case handling around the loop: in-app messages (站内消息) read and
//! unread, adding case categories on the page, and the Excel exports of the
//! audit log, the interview records and the robot webhook deliveries.

use kechuang_domain::auth::Role;
use kechuang_testkit::{between, Api};
use serde_json::{json, Value};

use crate::cases::{submit, world};

/// A moment cell as [`crate::cell_text`] reads it: "2026-11-29 14:05" (a
/// date alone at midnight on the second), never text in another form.
fn is_beijing_minute(s: &str) -> bool {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").is_ok()
        || chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

async fn download(b: &kechuang_testkit::Browser, path: &str) -> Vec<Vec<String>> {
    let res = b.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    crate::sheet_rows(&res.bytes().await.unwrap(), None)
}

#[tokio::test]
async fn messages_are_read_and_unread_for_the_user_and_their_department() {
    let w = world().await;
    let first = submit(&w, "第一件诉求").await;
    let second = submit(&w, "第二件诉求").await;

    // The task force's department got both, newest first, unread.
    let (status, page) = Api::json(w.task_force.get("/api/v1/messages")).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"], 2);
    let items = page["items"].as_array().unwrap().clone();
    assert!(items[0]["title"]
        .as_str()
        .unwrap()
        .contains(second["number"].as_str().unwrap()));
    assert!(items
        .iter()
        .all(|m| m["read"] == false && m["read_at"].is_null()));
    assert_eq!(items[0]["addressed_to"], "department");
    assert_eq!(
        items[1]["link"],
        format!("/cases/{}", first["id"].as_str().unwrap())
    );
    // Paging and a bad page number.
    let (_, p2) = Api::json(w.task_force.get("/api/v1/messages?per_page=1&page=2")).await;
    assert_eq!(
        (p2["total"].as_u64(), p2["items"][0]["id"].clone()),
        (Some(2), items[1]["id"].clone())
    );
    let (status, body) = Api::json(w.task_force.get("/api/v1/messages?page=abc")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_query"))
    );

    // Another department neither sees nor marks them.
    let (_, other) = Api::json(w.lead.get("/api/v1/messages")).await;
    assert_eq!(other["total"], 0);
    let newest = items[0]["id"].as_str().unwrap();
    let (status, _) = Api::json(w.lead.post(&format!("/api/v1/messages/{newest}/read"))).await;
    assert_eq!(status, 404);
    let (status, _) = Api::json(w.task_force.post("/api/v1/messages/no-such-id/read")).await;
    assert_eq!(status, 404);

    // Marking one read: it leaves the unread filter, for the whole department.
    let (status, m) = Api::json(
        w.task_force
            .post(&format!("/api/v1/messages/{newest}/read")),
    )
    .await;
    assert_eq!((status, m["read"].as_bool()), (200, Some(true)), "{m}");
    assert!(m["read_at"].is_string());
    let (_, unread) = Api::json(w.task_force.get("/api/v1/messages?unread=true")).await;
    assert_eq!(unread["total"], 1);
    assert_eq!(unread["items"][0]["id"], items[1]["id"]);

    // A colleague of the same department in the browser: the 消息 page and its badge.
    let id = |v: &Value| v["id"].as_str().map(String::from);
    w.app
        .user("zb2", Role::TaskForce, id(&w.tf_dep), None)
        .await;
    let b = w.app.browser("zb2").await;
    let html = b.get_text("/messages").await;
    assert!(html.contains("第一件诉求") && html.contains("第二件诉求"));
    assert_eq!(
        html.matches("badge text-bg-danger ms-1\">未读").count(),
        1,
        "one unread marked"
    );
    assert!(html.contains("1 条未读") && html.contains("全部标为已读"));
    assert!(
        html.contains("href=\"/messages\"") && html.contains("hx-get=\"/messages/unread-count\""),
        "in the navigation with its badge"
    );
    let badge = b.get_text("/messages/unread-count").await;
    assert!(badge.contains(">1</span>"), "{badge}");
    let only_unread = b.get_text("/messages?unread=true").await;
    assert!(only_unread.contains("第一件诉求") && !only_unread.contains("第二件诉求"));

    // Opening a message marks it read and goes to its case.
    let first_id = items[1]["id"].as_str().unwrap();
    let res = b
        .post_form(&format!("/messages/{first_id}/open"), &[])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"].to_str().unwrap(),
        format!("/cases/{}", first["id"].as_str().unwrap())
    );
    assert_eq!(b.get_text("/messages/unread-count").await, "");
    // Someone else's message cannot be opened.
    let (_, lead_case) = Api::json(w.lead.post("/api/v1/cases").json(&json!({
        "title": "热线来电", "category_id": w.category["id"], "org_id": w.org["id"], "channel": "hotline"
    }))).await;
    assert!(lead_case["id"].is_string(), "{lead_case}");
    let (_, lead_msgs) = Api::json(w.lead.get("/api/v1/messages")).await;
    if let Some(theirs) = lead_msgs["items"][0]["id"].as_str() {
        let res = b.post_form(&format!("/messages/{theirs}/open"), &[]).await;
        assert_eq!(res.status(), 404);
    }

    // 全部标为已读.
    submit(&w, "第三件诉求").await;
    let (_, unread) = Api::json(w.task_force.get("/api/v1/messages?unread=true")).await;
    assert!(unread["total"].as_u64().unwrap() >= 1);
    let res = b.post_form("/messages/read-all", &[]).await;
    assert_eq!(res.status(), 303);
    let after = b
        .get_text(res.headers()["location"].to_str().unwrap())
        .await;
    assert!(after.contains("已全部标为已读") && !after.contains("条未读"));
    let (_, unread) = Api::json(w.task_force.get("/api/v1/messages?unread=true")).await;
    assert_eq!(unread["total"], 0);
    let (status, r) = Api::json(w.task_force.post("/api/v1/messages/read-all")).await;
    assert_eq!((status, r["marked"].as_u64()), (200, Some(0)));

    // All three are described in the OpenAPI document, under 诉求办理 (cases).
    let (_, doc) = Api::json(w.admin.get("/api/openapi.json")).await;
    for (path, method) in [
        ("/api/v1/messages", "get"),
        ("/api/v1/messages/{id}/read", "post"),
        ("/api/v1/messages/read-all", "post"),
    ] {
        assert_eq!(doc["paths"][path][method]["tags"][0], "cases", "{path}");
    }
}

#[tokio::test]
async fn administrators_add_case_categories_on_the_page() {
    let w = world().await;
    w.app.user("adm", Role::Admin, None, None).await;
    let b = w.app.browser("adm").await;
    let html = b.get_text("/cases/categories").await;
    assert!(html.contains("新增分类") && html.contains("action=\"/cases/categories\""));

    // Mistakes are shown beside their fields, with what was typed kept.
    let res = b
        .post_form(
            "/cases/categories",
            &[
                ("code", "人才 服务"),
                ("name", "人才服务"),
                ("lead_department_id", ""),
                ("time_limit_days", "十"),
                ("task_limit_days", "5"),
                ("warn_days", "2"),
                ("rating_days", "5"),
                ("sort_order", "9"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("分类编码为必填，只能含字母、数字和下划线"));
    assert!(page.contains("请填写整数（工作日）"));
    assert_eq!(page.matches("is-invalid").count(), 2, "code and time limit");
    assert!(page.contains("value=\"人才服务\"") && page.contains("value=\"十\""));

    // A rule across fields is shown above the form.
    let res = b
        .post_form(
            "/cases/categories",
            &[
                ("code", "ic_talent"),
                ("name", "人才服务"),
                ("time_limit_days", "3"),
                ("task_limit_days", "5"),
                ("warn_days", "1"),
                ("rating_days", "5"),
                ("sort_order", "9"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert_eq!(page.matches("部门任务时限不能超过办理时限").count(), 1);

    // Added: flash, in the table, routed to its lead department, usable at intake.
    let res = b
        .post_form(
            "/cases/categories",
            &[
                ("code", "ic_talent"),
                ("name", "人才服务"),
                ("lead_department_id", w.lead_dep["id"].as_str().unwrap()),
                ("time_limit_days", "10"),
                ("task_limit_days", "5"),
                ("warn_days", "2"),
                ("rating_days", "5"),
                ("sort_order", "9"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(to, "/cases/categories?flash=category_created");
    let html = b.get_text(&to).await;
    assert!(html.contains("分类已新增") && html.contains("value=\"ic_talent\""));
    let (_, cats) = Api::json(w.admin.get("/api/v1/case-categories")).await;
    let c = cats
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "ic_talent")
        .expect("the new category")
        .clone();
    assert_eq!(
        (
            c["name"].as_str(),
            c["time_limit_days"].as_i64(),
            c["active"].as_bool()
        ),
        (Some("人才服务"), Some(10), Some(true))
    );
    assert_eq!(c["lead_department_id"], w.lead_dep["id"]);

    // The same code again is refused with the reason, once.
    let res = b
        .post_form(
            "/cases/categories",
            &[
                ("code", "ic_talent"),
                ("name", "人才服务二"),
                ("time_limit_days", "10"),
                ("task_limit_days", "5"),
                ("warn_days", "2"),
                ("rating_days", "5"),
                ("sort_order", "9"),
            ],
        )
        .await;
    assert_eq!(res.status(), 409);
    assert_eq!(
        res.text().await.unwrap().matches("分类编码已存在").count(),
        1
    );

    // A clerk may not add one.
    w.app
        .user(
            "kj-cat",
            Role::Department,
            w.lead_dep["id"].as_str().map(String::from),
            None,
        )
        .await;
    let clerk = w.app.browser("kj-cat").await;
    let res = clerk
        .post_form("/cases/categories", &[("code", "x"), ("name", "x")])
        .await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn audit_log_interviews_and_deliveries_export_with_their_filters() {
    let w = world().await;
    w.app.user("adm", Role::Admin, None, None).await;
    let adm = w.app.browser("adm").await;

    // Audit log: the page's filter goes into the export.
    let html = adm.get_text("/admin/audit?entity=departments").await;
    let href = between(&html, "id=\"export-audit\" href=\"", "\"")
        .unwrap()
        .replace("&amp;", "&");
    assert_eq!(href, "/admin/audit/export.xlsx?entity=departments");
    let rows = download(&adm, &href).await;
    assert_eq!(
        rows[0],
        [
            "时间",
            "操作人",
            "对象类型",
            "对象",
            "对象编号",
            "动作",
            "第几次变更",
            "哈希"
        ]
    );
    assert_eq!(rows.len(), 5, "four departments: {rows:?}");
    assert!(
        rows[1..]
            .iter()
            .all(|r| r[2] == "部门" && r[1] == "admin" && is_beijing_minute(&r[0])),
        "{rows:?}"
    );
    assert!(rows[1..]
        .iter()
        .any(|r| r[3] == "科技创新局" && r[5] == "新增"));
    let all = download(&adm, "/admin/audit/export.xlsx").await;
    assert!(all.len() > rows.len());
    let none = download(&adm, "/admin/audit/export.xlsx?actor=nobody").await;
    assert_eq!(none.len(), 1, "the header only");

    // Interview records: by department and date.
    let today = kechuang_store::clock::today();
    let day = |n: i64| (today - chrono::Duration::days(n)).to_string();
    for (dep, who, held) in [
        (&w.lead_dep, "李科长", day(30)),
        (&w.lead_dep, "王副局长", day(3)),
        (&w.assist_dep, "赵科长", day(3)),
    ] {
        let (status, iv) = Api::json(w.leader.post("/api/v1/interviews").json(&json!({
            "department_id": dep["id"], "interviewee": who, "held_on": held,
            "reason": "连续诉求超期", "outcome": "限期整改"
        })))
        .await;
        assert_eq!(status, 201, "{iv}");
    }
    w.app.user("boss", Role::Leader, None, None).await;
    let boss = w.app.browser("boss").await;
    let lead_id = w.lead_dep["id"].as_str().unwrap();
    let board = boss
        .get_text(&format!(
            "/cases/board?department_id={lead_id}&from={}",
            day(7)
        ))
        .await;
    assert!(board.contains("王副局长") && !board.contains("李科长") && !board.contains("赵科长"));
    // Its date as every page writes dates (2026年3月1日), not 2026-03-01.
    let held = today - chrono::Duration::days(3);
    use chrono::Datelike;
    let written = format!("{}年{}月{}日", held.year(), held.month(), held.day());
    assert!(
        board.contains(&format!("{written} · ")) && !board.contains(&format!("{held} · ")),
        "{board}"
    );
    let href = between(&board, "id=\"export-interviews\" href=\"", "\"")
        .unwrap()
        .replace("&amp;", "&");
    assert_eq!(
        href,
        format!(
            "/cases/board/interviews.xlsx?department_id={lead_id}&from={}",
            day(7)
        )
    );
    let rows = download(&boss, &href).await;
    assert_eq!(
        rows[0],
        [
            "约谈日期",
            "被约谈部门",
            "相关诉求",
            "被约谈人",
            "约谈事由",
            "约谈结果与整改要求",
            "记录人",
            "记录时间"
        ]
    );
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(
        (
            rows[1][0].as_str(),
            rows[1][1].as_str(),
            rows[1][3].as_str()
        ),
        (day(3).as_str(), "科技创新局", "王副局长")
    );
    assert!(is_beijing_minute(&rows[1][7]));
    let all = download(&boss, "/cases/board/interviews.xlsx").await;
    assert_eq!(all.len(), 4);
    // Clerks do not see interviews.
    w.app
        .user("kj-x", Role::Department, Some(lead_id.to_string()), None)
        .await;
    let clerk = w.app.browser("kj-x").await;
    assert_eq!(
        clerk.get("/cases/board/interviews.xlsx").await.status(),
        403
    );

    // Webhook deliveries: by robot and status (nothing is sent in this test, so all wait).
    for (name, kind) in [("专班群", "wecom"), ("总群", "feishu")] {
        let (status, h) = Api::json(
            w.admin
                .post("/api/v1/webhooks")
                .json(&json!({"name": name, "kind": kind, "url": "http://127.0.0.1:9/robot"})),
        )
        .await;
        assert_eq!(status, 201, "{h}");
    }
    submit(&w, "推送导出测试").await;
    let page = adm.get_text("/admin/webhooks").await;
    assert!(page.contains("id=\"export-deliveries\"") && page.contains("推送导出测试"));
    let (_, hooks) = Api::json(w.admin.get("/api/v1/webhooks")).await;
    let hook = hooks
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "专班群")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let page = adm
        .get_text(&format!("/admin/webhooks?webhook_id={hook}&status=pending"))
        .await;
    let href = between(&page, "id=\"export-deliveries\" href=\"", "\"")
        .unwrap()
        .replace("&amp;", "&");
    assert_eq!(
        href,
        format!("/admin/webhooks/deliveries.xlsx?webhook_id={hook}&status=pending")
    );
    let rows = download(&adm, &href).await;
    assert_eq!(
        rows[0],
        [
            "时间",
            "机器人",
            "消息",
            "状态",
            "尝试次数",
            "送达时间",
            "最近错误"
        ]
    );
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][1], "专班群");
    assert!(rows[1][2].contains("推送导出测试"));
    assert_eq!(rows[1][3], "待发送/重试中");
    assert!(is_beijing_minute(&rows[1][0]));
    assert_eq!(
        download(&adm, "/admin/webhooks/deliveries.xlsx")
            .await
            .len(),
        3
    );
    assert_eq!(
        download(&adm, "/admin/webhooks/deliveries.xlsx?status=sent")
            .await
            .len(),
        1
    );
}

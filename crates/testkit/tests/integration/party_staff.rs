//! Party-building: Service staff (instructors, service agents, talent specialists, brokers, the four teams, chief service officers and their assistants), assignments to organisations, work logs, and the chief service officer's periodic report.
//!
//! Through the API (and one page test at the end): the report's figures
//! are pinned for a constructed past period; a log's problems become a
//! case once; instructors log only as themselves; an assistant needs its
//! officer; overlapping assignments and stale versions are refused;
//! exports read back; roles without the area are refused.

use chrono::{NaiveDate, TimeZone, Utc};
use kechuang_domain::auth::Role;
use kechuang_domain::cases::{Channel, Satisfaction, TaskAction};
use kechuang_store::cases::{self as c, Actor, Assignment, CaseInput, TaskStep};
use kechuang_store::{at_time, Scope};
use kechuang_testkit::{id, spawn_app, Api, TestApp};
use serde_json::{json, Value};

use crate::{
    admin, create_department, create_org, location, problem_cells, refused, sheet_rows, text_xlsx,
    upload_xlsx,
};

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// 10:00 Beijing time on `d`.
fn at(d: &str) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&date(d).and_hms_opt(2, 0, 0).unwrap())
}

pub async fn staff(api: &Api, name: &str, role: &str, extra: Value) -> Value {
    let mut body = json!({ "name": name, "staff_role": role });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (status, s) = api.post_json("/api/v1/party/staff", body).await;
    assert_eq!(status, 201, "create {name}: {s}");
    s
}

pub async fn assign(api: &Api, staff: &Value, org: &Value, from: &str, to: &str) -> (u16, Value) {
    api.post_json(
        &format!("/api/v1/party/staff/{}/assignments", id(staff)),
        json!({ "org_id": id(org), "from_on": from, "to_on": to }),
    )
    .await
}

async fn log(
    api: &Api,
    staff: &Value,
    org: Option<&Value>,
    on: &str,
    kind: &str,
    problems: &str,
) -> Value {
    let (status, l) = api
        .post_json(
            "/api/v1/party/work-logs",
            json!({
                "staff_id": id(staff), "org_id": org.map(id).unwrap_or_default(), "logged_on": on,
                "kind": kind, "content": format!("{on} {kind}"), "problems": problems
            }),
        )
        .await;
    assert_eq!(status, 201, "{l}");
    l
}

fn clerk() -> Actor {
    Actor {
        username: "test".into(),
        user_id: String::new(),
        display_name: "测试经办人".into(),
        acts_for: None,
    }
}

/// A case of `org` received at 10:00 on `on`, straight through the store.
pub async fn receive(app: &TestApp, org: &Value, on: &str, title: &str) -> String {
    let cats = c::categories(&app.db).await.unwrap();
    let input = CaseInput {
        title: title.into(),
        description: format!("{title}，请协调解决"),
        category_id: cats[0].id.clone(),
        org_id: id(org),
        chain_id: None,
        channel: Channel::Portal,
        received_at: at(on),
        contact_name: "联络员".into(),
        contact_phone: "13800000000".into(),
        location: Default::default(),
    };
    at_time(at(on), c::intake(&app.db, &clerk(), input))
        .await
        .unwrap()
        .id
}

/// Dispatch, handle, reply and rate a case as satisfied, all on `on`: it is closed (solved) that day.
async fn solve(app: &TestApp, case_id: &str, lead: &str, on: &str) {
    let t = at(on);
    let (db, scope, a) = (&app.db, Scope::All, clerk());
    let case = c::get(db, &scope, case_id).await.unwrap();
    let to = Assignment {
        lead: lead.into(),
        assists: vec![],
        task_force: None,
        limits: vec![],
    };
    at_time(t, c::dispatch(db, &scope, &a, case_id, case.version, to))
        .await
        .unwrap();
    for task in c::tasks(db, case_id).await.unwrap() {
        let step = |version, action, note: &str| TaskStep {
            task_id: task.id.clone(),
            version,
            action,
            note: note.into(),
        };
        let accepted = at_time(
            t,
            c::task_action(
                db,
                &scope,
                &a,
                case_id,
                step(task.version, TaskAction::Accept, ""),
            ),
        )
        .await
        .unwrap();
        at_time(
            t,
            c::task_action(
                db,
                &scope,
                &a,
                case_id,
                step(accepted.version, TaskAction::Complete, "已办结"),
            ),
        )
        .await
        .unwrap();
    }
    let fresh = c::get(db, &scope, case_id).await.unwrap();
    let replied = at_time(
        t,
        c::reply(db, &scope, &a, case_id, fresh.version, "已解决".into()),
    )
    .await
    .unwrap();
    let closed = at_time(
        t,
        c::rate(
            db,
            &scope,
            &a,
            case_id,
            replied.version,
            Satisfaction::Satisfied,
            String::new(),
        ),
    )
    .await
    .unwrap();
    assert_eq!(closed.status, "closed");
    assert_eq!(closed.closed_on, Some(date(on)));
}

fn sheet(bytes: Vec<u8>, name: &str) -> Vec<Vec<String>> {
    crate::sheet_rows(&bytes, Some(name))
}

async fn xlsx(api: &Api, path: &str) -> Vec<u8> {
    let res = api.get(path).send().await.unwrap();
    assert_eq!(res.status(), 200, "{path}");
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    res.bytes().await.unwrap().to_vec()
}

// ---------------------------------------------------------------------------

#[tokio::test]
async fn the_officer_report_counts_its_enterprises_cases_visits_and_the_assistants_work() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let dep = create_department(&api, "科技创新局", "KJ", None).await;
    let a = create_org(&api, "重庆甲科技有限公司", 301, json!({})).await;
    let b = create_org(&api, "重庆乙科技有限公司", 302, json!({})).await;
    let cc = create_org(&api, "重庆丙科技有限公司", 303, json!({})).await;
    let d = create_org(&api, "重庆丁科技有限公司", 304, json!({})).await;
    let officer = staff(&api, "周建华", "service_officer", json!({})).await;
    let other = staff(&api, "吴海燕", "service_officer", json!({})).await;
    let assistant = staff(
        &api,
        "李晓东",
        "assistant",
        json!({ "assistant_of": id(&officer) }),
    )
    .await;
    assert_eq!(assistant["assistant_of_name"], "周建华");

    // The period: the second quarter of 2025.
    for (org, from, to) in [
        (&a, "2025-01-01", ""),           // the whole period
        (&b, "2025-05-01", "2025-05-31"), // part of it
        (&cc, "2025-07-01", ""),          // after it
    ] {
        let (status, body) = assign(&api, &officer, org, from, to).await;
        assert_eq!(status, 201, "{body}");
    }
    assign(&api, &other, &d, "2025-01-01", "").await;

    // Work logs: the officer's and the assistant's, in and out of the period.
    log(
        &api,
        &officer,
        Some(&a),
        "2025-04-10",
        "visit",
        "厂房审批慢",
    )
    .await;
    log(&api, &officer, Some(&b), "2025-05-15", "service", "").await;
    log(&api, &officer, Some(&a), "2025-06-30", "visit", "").await;
    log(&api, &officer, Some(&a), "2025-07-01", "visit", "").await;
    log(&api, &assistant, Some(&a), "2025-03-31", "visit", "").await;
    log(&api, &assistant, Some(&a), "2025-04-20", "assist", "").await;
    log(
        &api,
        &assistant,
        Some(&b),
        "2025-06-01",
        "visit",
        "党员活动场地不足",
    )
    .await;
    log(&api, &other, Some(&d), "2025-05-05", "visit", "").await;

    // Cases: raised = received in the period, solved = closed in it.
    let lead = id(&dep);
    let c1 = receive(&app, &a, "2025-04-10", "厂房施工许可办理慢").await;
    solve(&app, &c1, &lead, "2025-05-20").await; // raised and solved
    let c2 = receive(&app, &b, "2025-03-14", "用工缺口").await;
    solve(&app, &c2, &lead, "2025-04-21").await; // solved only
    receive(&app, &a, "2025-06-16", "研发补助未兑现").await; // raised, still open
    receive(&app, &cc, "2025-05-12", "丙公司的事").await; // not the officer's firm then
    let c5 = receive(&app, &a, "2025-03-03", "去年的事").await;
    solve(&app, &c5, &lead, "2025-07-03").await; // neither
    receive(&app, &d, "2025-05-06", "丁公司的事").await; // the other officer's

    let q = "from=2025-04-01&to=2025-06-30";
    let r = api
        .get_ok(&format!("/api/v1/party/reports/{}?{q}", id(&officer)))
        .await;
    assert_eq!(
        (r["from"].as_str(), r["to"].as_str()),
        (Some("2025-04-01"), Some("2025-06-30"))
    );
    assert_eq!(
        r["figures"],
        json!({
            "enterprises": 2, "cases_raised": 2, "cases_solved": 2,
            "logs": 3, "visits": 2, "problems": 1, "converted": 0,
            "assistant_logs": 2, "assistant_visits": 1, "assistant_problems": 1
        })
    );
    assert_eq!(r["assistants"][0]["name"], "李晓东");
    let orgs: Vec<(&str, i64, i64, i64)> = r["orgs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["org_name"].as_str().unwrap(),
                o["cases_raised"].as_i64().unwrap(),
                o["cases_solved"].as_i64().unwrap(),
                o["visits"].as_i64().unwrap(),
            )
        })
        .collect();
    let mut orgs = orgs;
    orgs.sort();
    assert_eq!(
        orgs,
        vec![
            ("重庆乙科技有限公司", 0, 1, 2),
            ("重庆甲科技有限公司", 2, 1, 3)
        ]
    );
    let titles: Vec<&str> = r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        vec!["用工缺口", "厂房施工许可办理慢", "研发补助未兑现"]
    );
    assert_eq!(r["logs"].as_array().unwrap().len(), 3);
    assert_eq!(r["assistant_logs"][0]["staff_name"], "李晓东");
    assert_eq!(r["assistant_logs"][0]["logged_on"], "2025-06-01");

    // The summary lists every officer with the same figures, and a total.
    let s = api.get_ok(&format!("/api/v1/party/reports?{q}")).await;
    let rows = s["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let mine = rows
        .iter()
        .find(|x| x["staff_id"] == officer["id"])
        .unwrap();
    assert_eq!(mine["figures"], r["figures"]);
    assert_eq!(mine["assistants"], json!(["李晓东"]));
    let theirs = rows.iter().find(|x| x["staff_id"] == other["id"]).unwrap();
    assert_eq!(
        (
            theirs["figures"]["enterprises"].as_i64(),
            theirs["figures"]["cases_raised"].as_i64(),
            theirs["figures"]["visits"].as_i64()
        ),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(s["total"]["cases_raised"], 3);
    assert_eq!(s["total"]["logs"], 4);

    // A later period sees the handed-over firm and the case closed then.
    let r3 = api
        .get_ok(&format!(
            "/api/v1/party/reports/{}?from=2025-07-01&to=2025-09-30",
            id(&officer)
        ))
        .await;
    assert_eq!(r3["figures"]["enterprises"], 2, "甲 and 丙");
    assert_eq!(r3["figures"]["cases_solved"], 1);
    assert_eq!(r3["figures"]["visits"], 1);

    // Without a period: the current quarter.
    let now = api
        .get_ok(&format!("/api/v1/party/reports/{}", id(&officer)))
        .await;
    let (qf, qt) = kechuang_store::party::staff::quarter_of(c::today());
    assert_eq!(now["from"], qf.to_string());
    assert_eq!(now["to"], qt.to_string());
    // A period running backwards, or a report of someone who is not an officer.
    refused(
        Api::json(api.get(&format!(
            "/api/v1/party/reports/{}?from=2025-06-30&to=2025-04-01",
            id(&officer)
        )))
        .await,
        422,
        "invalid_input",
    );
    refused(
        Api::json(api.get(&format!("/api/v1/party/reports/{}?{q}", id(&assistant)))).await,
        422,
        "not_service_officer",
    );

    // The report and the summary export to Excel with the same figures.
    let bytes = xlsx(
        &api,
        &format!("/api/v1/party/reports/{}/export?{q}", id(&officer)),
    )
    .await;
    let overview = sheet(bytes.clone(), "报告概况");
    let value = |label: &str| {
        overview
            .iter()
            .find(|r| r[0] == label)
            .unwrap_or_else(|| panic!("{label} missing"))[1]
            .clone()
    };
    assert_eq!(value("首席服务官"), "周建华");
    assert_eq!(value("党建助手"), "李晓东");
    assert_eq!(value("联系企业"), "2");
    assert_eq!(value("诉求提出"), "2");
    assert_eq!(value("诉求办结"), "2");
    assert_eq!(value("走访"), "2");
    assert_eq!(value("助手工作记录"), "2");
    assert_eq!(sheet(bytes.clone(), "诉求").len(), 4, "header + 3 cases");
    assert_eq!(sheet(bytes, "党建助手工作记录").len(), 3);
    let summary = sheet(
        xlsx(&api, &format!("/api/v1/party/reports/export?{q}")).await,
        "2025-04-01至2025-06-30",
    );
    assert_eq!(summary[0][0], "首席服务官");
    let row = summary.iter().find(|r| r[0] == "周建华").unwrap();
    assert_eq!(&row[1..5], ["李晓东", "2", "2", "2"]);
    assert_eq!(summary.last().unwrap()[0], "合计");
}

#[tokio::test]
async fn a_log_with_problems_becomes_a_case_of_its_organisation_once() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let org = create_org(
        &api,
        "重庆芯驰车规电子有限公司",
        311,
        json!({"contact_name": "孙经理", "contact_phone": "13800001111"}),
    )
    .await;
    let instructor = staff(&api, "刘文静", "instructor", json!({})).await;
    let l = log(
        &api,
        &instructor,
        Some(&org),
        "2026-03-02",
        "visit",
        "新建厂房施工许可办理进度慢。影响投产计划",
    )
    .await;
    assert_eq!(l["case_id"], Value::Null);
    let path = format!("/api/v1/party/work-logs/{}/case", id(&l));
    let (status, done) = api
        .post_json(&path, json!({ "version": l["version"] }))
        .await;
    assert_eq!(status, 201, "{done}");
    let case_id = done["case"]["id"].as_str().unwrap().to_string();
    assert_eq!(done["log"]["case_id"], case_id.as_str());
    assert!(done["log"]["case_number"]
        .as_str()
        .unwrap()
        .starts_with("KC-"));
    // The case is the organisation's, from the instructor, titled by the problem, filed under 其他.
    let detail = api.get_ok(&format!("/api/v1/cases/{case_id}")).await;
    let case = &detail["case"];
    assert_eq!(case["org_id"], org["id"]);
    assert_eq!(case["channel"], "instructor");
    assert_eq!(case["title"], "新建厂房施工许可办理进度慢");
    assert_eq!(case["category_name"], "其他");
    assert_eq!(case["contact_name"], "孙经理");
    assert!(case["description"]
        .as_str()
        .unwrap()
        .contains("影响投产计划"));
    assert_eq!(case["status"], "submitted");
    // The log links to it.
    let again = api
        .get_ok(&format!("/api/v1/party/work-logs/{}", id(&l)))
        .await;
    assert_eq!(again["case_id"], case_id.as_str());
    assert_eq!(again["case_number"], case["number"]);
    // A second click is refused, with the old or the new version; no second case.
    refused(
        api.post_json(&path, json!({ "version": l["version"] }))
            .await,
        409,
        "already_converted",
    );
    refused(
        api.post_json(&path, json!({ "version": again["version"] }))
            .await,
        409,
        "already_converted",
    );
    let cases = api.get_ok("/api/v1/cases").await;
    assert_eq!(cases["total"], 1);
    // A converted log is no longer edited or deleted.
    refused(
        api.put_json(&format!("/api/v1/party/work-logs/{}", id(&l)),
            json!({ "version": again["version"], "staff_id": id(&instructor), "kind": "visit", "content": "改", "logged_on": "2026-03-02" }),
        )
        .await,
        422,
        "log_converted",
    );
    refused(
        Api::json(api.delete(&format!(
            "/api/v1/party/work-logs/{}?version={}",
            id(&l),
            again["version"]
        )))
        .await,
        422,
        "log_converted",
    );

    // A chosen category, by a service officer on a visit: the visit channel.
    let officer = staff(&api, "周建华", "service_officer", json!({})).await;
    let cats = api.get_ok("/api/v1/case-categories").await;
    let land = cats
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "land")
        .unwrap()
        .clone();
    let l2 = log(
        &api,
        &officer,
        Some(&org),
        "2026-03-03",
        "visit",
        "扩产用地不足",
    )
    .await;
    let (status, done) = api.post_json(&format!("/api/v1/party/work-logs/{}/case", id(&l2)),
        json!({ "version": l2["version"], "category_id": land["id"], "title": "扩产需新增用地20亩" }),
    )
    .await;
    assert_eq!(status, 201, "{done}");
    assert_eq!(done["case"]["category_id"], land["id"]);
    assert_eq!(done["case"]["channel"], "visit");
    assert_eq!(done["case"]["title"], "扩产需新增用地20亩");

    // Without problems, or without an organisation, there is nothing to raise.
    let quiet = log(&api, &instructor, Some(&org), "2026-03-04", "service", "").await;
    refused(
        api.post_json(
            &format!("/api/v1/party/work-logs/{}/case", id(&quiet)),
            json!({ "version": quiet["version"] }),
        )
        .await,
        422,
        "no_problems",
    );
    let nowhere = log(&api, &instructor, None, "2026-03-04", "service", "会场不足").await;
    refused(
        api.post_json(
            &format!("/api/v1/party/work-logs/{}/case", id(&nowhere)),
            json!({ "version": nowhere["version"] }),
        )
        .await,
        422,
        "log_without_org",
    );
    // Filters: problems found, converted.
    let with = api
        .get_ok("/api/v1/party/work-logs?has_problems=true")
        .await;
    assert_eq!(with["total"], 3);
    let conv = api.get_ok("/api/v1/party/work-logs?converted=true").await;
    assert_eq!(conv["total"], 2);
    let open = api
        .get_ok("/api/v1/party/work-logs?converted=false&has_problems=true")
        .await;
    assert_eq!(open["total"], 1);
    assert_eq!(open["items"][0]["problems"], "会场不足");
}

#[tokio::test]
async fn instructors_and_service_officers_log_only_as_themselves() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let org = create_org(&api, "重庆锂源动力电池有限公司", 321, json!({})).await;
    let liu = app.user("zhidaoyuan", Role::Instructor, None, None).await;
    let zhou = app.user("fuwuguan", Role::ServiceOfficer, None, None).await;
    let mine = staff(&api, "刘文静", "instructor", json!({ "user_id": liu })).await;
    assert!(mine["user_label"].as_str().unwrap().contains("zhidaoyuan"));
    let officer = staff(
        &api,
        "周建华",
        "service_officer",
        json!({ "user_id": zhou }),
    )
    .await;
    let someone = staff(&api, "陈志刚", "instructor", json!({})).await;
    let (token, _) = kechuang_store::accounts::create_token(&app.db, &liu, "t")
        .await
        .unwrap();
    let instructor = Api {
        base: app.url(""),
        token,
        http: reqwest::Client::new(),
    };
    let (token, _) = kechuang_store::accounts::create_token(&app.db, &zhou, "t")
        .await
        .unwrap();
    let service_officer = Api {
        base: app.url(""),
        token,
        http: reqwest::Client::new(),
    };
    let body = |staff: &str| json!({ "staff_id": staff, "org_id": id(&org), "logged_on": "2026-04-01", "kind": "visit", "content": "走访", "problems": "缺人" });
    // Not for someone else.
    refused(
        instructor
            .post_json("/api/v1/party/work-logs", body(&id(&someone)))
            .await,
        403,
        "not_own_staff",
    );
    refused(
        service_officer
            .post_json("/api/v1/party/work-logs", body(&id(&mine)))
            .await,
        403,
        "not_own_staff",
    );
    // As themselves: named, or left empty.
    let (status, own) = instructor
        .post_json("/api/v1/party/work-logs", body(&id(&mine)))
        .await;
    assert_eq!(status, 201, "{own}");
    let (status, implied) = instructor
        .post_json("/api/v1/party/work-logs", body(""))
        .await;
    assert_eq!(
        (status, implied["staff_id"].as_str()),
        (201, mine["id"].as_str())
    );
    let (status, theirs) = service_officer
        .post_json("/api/v1/party/work-logs", body(""))
        .await;
    assert_eq!(
        (status, theirs["staff_id"].as_str()),
        (201, officer["id"].as_str())
    );
    // The office logs for anyone; the instructor may not change or convert that log.
    let other_log = log(&api, &someone, Some(&org), "2026-04-02", "visit", "缺人").await;
    refused(
        instructor.put_json(&format!("/api/v1/party/work-logs/{}", id(&other_log)),
            json!({ "version": other_log["version"], "kind": "visit", "content": "改", "logged_on": "2026-04-02" }),
        )
        .await,
        403,
        "not_own_staff",
    );
    refused(
        instructor
            .post_json(
                &format!("/api/v1/party/work-logs/{}/case", id(&other_log)),
                json!({ "version": other_log["version"] }),
            )
            .await,
        403,
        "not_own_staff",
    );
    // Nor move their own log to someone else.
    refused(
        instructor.put_json(&format!("/api/v1/party/work-logs/{}", id(&own)),
            json!({ "version": own["version"], "staff_id": id(&someone), "kind": "visit", "content": "改", "logged_on": "2026-04-01" }),
        )
        .await,
        403,
        "not_own_staff",
    );
    // Their own: edited, then converted.
    let (status, edited) = instructor.put_json(&format!("/api/v1/party/work-logs/{}", id(&own)),
        json!({ "version": own["version"], "org_id": id(&org), "kind": "service", "content": "服务", "problems": "缺技术工人", "logged_on": "2026-04-01" }),
    )
    .await;
    assert_eq!(
        (status, edited["kind"].as_str()),
        (200, Some("service")),
        "{edited}"
    );
    let (status, done) = instructor
        .post_json(
            &format!("/api/v1/party/work-logs/{}/case", id(&own)),
            json!({ "version": edited["version"] }),
        )
        .await;
    assert_eq!(status, 201, "{done}");
    // An instructor without a staff record logs nothing; nor do they manage staff.
    let stranger = app.api_client("xinren", Role::Instructor, None, None).await;
    refused(
        stranger
            .post_json("/api/v1/party/work-logs", body(""))
            .await,
        403,
        "no_staff_record",
    );
    refused(
        instructor
            .post_json(
                "/api/v1/party/staff",
                json!({"name": "x", "staff_role": "instructor"}),
            )
            .await,
        403,
        "forbidden",
    );
    refused(
        assign(&instructor, &mine, &org, "2026-01-01", "").await,
        403,
        "forbidden",
    );
    // A future date is refused.
    let mut future = body("");
    future["logged_on"] = json!("2999-01-01");
    refused(
        instructor
            .post_json("/api/v1/party/work-logs", future)
            .await,
        422,
        "invalid_input",
    );
    // Everybody's logs are visible to them.
    assert_eq!(
        instructor.get_ok("/api/v1/party/work-logs").await["total"],
        4
    );
}

#[tokio::test]
async fn assistants_need_their_officer_and_assignments_do_not_overlap() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let org = create_org(&api, "重庆驰电驱动系统有限公司", 331, json!({})).await;
    let other_org = create_org(&api, "重庆快充能源科技有限公司", 332, json!({})).await;
    let officer = staff(&api, "周建华", "service_officer", json!({})).await;
    let instructor = staff(&api, "刘文静", "instructor", json!({})).await;

    // An assistant names the chief service officer it works for.
    let e = refused(
        api.post_json(
            "/api/v1/party/staff",
            json!({"name": "李助手", "staff_role": "assistant"}),
        )
        .await,
        422,
        "assistant_needs_officer",
    );
    assert!(e["details"]["fields"]["assistant_of"].is_string(), "{e}");
    refused(
        api.post_json(
            "/api/v1/party/staff",
            json!({"name": "李助手", "staff_role": "assistant", "assistant_of": id(&instructor)}),
        )
        .await,
        422,
        "assistant_needs_officer",
    );
    let assistant = staff(
        &api,
        "李助手",
        "assistant",
        json!({"assistant_of": id(&officer)}),
    )
    .await;
    let detail = api
        .get_ok(&format!("/api/v1/party/staff/{}", id(&officer)))
        .await;
    assert_eq!(detail["assistants"][0]["id"], assistant["id"]);
    // The officer stays an officer while it has assistants.
    refused(
        api.put_json(
            &format!("/api/v1/party/staff/{}", id(&officer)),
            json!({"version": officer["version"], "name": "周建华", "staff_role": "instructor"}),
        )
        .await,
        422,
        "officer_has_assistants",
    );
    // One staff record per account.
    let u = app.user("fuwuguan", Role::ServiceOfficer, None, None).await;
    let (status, linked) = api.put_json(&format!("/api/v1/party/staff/{}", id(&officer)),
        json!({"version": officer["version"], "name": "周建华", "staff_role": "service_officer", "user_id": u, "phone": "023-65661234"}),
    )
    .await;
    assert_eq!(status, 200, "{linked}");
    assert_eq!(linked["version"], 2);
    refused(
        api.put_json(&format!("/api/v1/party/staff/{}", id(&instructor)),
            json!({"version": instructor["version"], "name": "刘文静", "staff_role": "instructor", "user_id": u}),
        )
        .await,
        409,
        "user_linked",
    );
    // A stale version is refused.
    refused(
        api.put_json(
            &format!("/api/v1/party/staff/{}", id(&officer)),
            json!({"version": 1, "name": "周局长", "staff_role": "service_officer"}),
        )
        .await,
        409,
        "stale_version",
    );

    // Assignments: the same staff and organisation never twice at once.
    let (status, first) = assign(&api, &instructor, &org, "2026-01-01", "").await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["org_name"], "重庆驰电驱动系统有限公司");
    refused(
        assign(&api, &instructor, &org, "2026-03-01", "2026-04-01").await,
        409,
        "assignment_overlaps",
    );
    refused(
        assign(&api, &instructor, &org, "2025-01-01", "2026-01-01").await,
        409,
        "assignment_overlaps",
    );
    let (status, _) = assign(&api, &instructor, &other_org, "2026-03-01", "").await;
    assert_eq!(status, 201, "another organisation is fine");
    let (status, _) = assign(&api, &officer, &org, "2026-03-01", "").await;
    assert_eq!(status, 201, "another staff member is fine");
    refused(
        assign(&api, &instructor, &org, "2026-05-01", "2026-04-01").await,
        422,
        "invalid_input",
    );
    // Ending it: not before it began, not with a stale version, not twice.
    let end = format!(
        "/api/v1/party/staff/{}/assignments/{}/end",
        id(&instructor),
        id(&first)
    );
    refused(
        api.post_json(
            &end,
            json!({"version": first["version"], "to_on": "2025-12-31"}),
        )
        .await,
        422,
        "invalid_period",
    );
    let (status, ended) = api
        .post_json(
            &end,
            json!({"version": first["version"], "to_on": "2026-02-28"}),
        )
        .await;
    assert_eq!(
        (status, ended["to_on"].as_str()),
        (200, Some("2026-02-28")),
        "{ended}"
    );
    assert_eq!(ended["current"], false);
    refused(
        api.post_json(
            &end,
            json!({"version": first["version"], "to_on": "2026-03-31"}),
        )
        .await,
        422,
        "already_ended",
    );
    // The next day it may start again.
    let (status, again) = assign(&api, &instructor, &org, "2026-03-01", "").await;
    assert_eq!(status, 201, "{again}");
    let stale = format!(
        "/api/v1/party/staff/{}/assignments/{}/end",
        id(&instructor),
        id(&again)
    );
    refused(
        api.post_json(&stale, json!({"version": 7, "to_on": "2026-06-30"}))
            .await,
        409,
        "stale_version",
    );
    // Not through another staff member's path.
    let (status, _) = Api::json(
        api.post(&format!(
            "/api/v1/party/staff/{}/assignments/{}/end",
            id(&officer),
            id(&again)
        ))
        .json(&json!({"version": 1})),
    )
    .await;
    assert_eq!(status, 404);
    let list = api
        .get_ok(&format!(
            "/api/v1/party/staff/{}/assignments",
            id(&instructor)
        ))
        .await;
    assert_eq!(list.as_array().unwrap().len(), 3);
    assert_eq!(
        api.get_ok(&format!("/api/v1/party/staff/{}", id(&instructor)))
            .await["staff"]["current_orgs"],
        2
    );
}

#[tokio::test]
async fn staff_lists_count_the_roles_and_export_to_excel() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let dq = create_department(&api, "党群工作部", "DQ", None).await;
    let org = create_org(&api, "重庆云舱智能科技有限公司", 341, json!({})).await;
    for (i, role) in [
        "instructor",
        "instructor",
        "service_agent",
        "talent_specialist",
        "broker",
        "tech_manager",
        "investment_manager",
        "professional_manager",
        "incubator_manager",
        "incubator_manager",
        "service_officer",
    ]
    .iter()
    .enumerate()
    {
        let extra = if i < 2 {
            json!({"department_id": id(&dq), "phone": "13900000000"})
        } else {
            json!({})
        };
        staff(&api, &format!("人员{i:02}"), role, extra).await;
    }
    let counts = api.get_ok("/api/v1/party/staff/counts").await;
    assert_eq!(counts["total"], 11);
    assert_eq!(counts["four_teams"], 5);
    let by: Vec<(String, i64)> = counts["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["role"].as_str().unwrap().to_string(),
                r["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(by.len(), 10, "every role, zero included");
    assert!(by.contains(&("instructor".into(), 2)));
    assert!(by.contains(&("assistant".into(), 0)));
    assert!(by.contains(&("incubator_manager".into(), 2)));
    assert_eq!(
        api.get_ok("/api/v1/party/staff?role=four_teams").await["total"],
        5
    );
    assert_eq!(
        api.get_ok("/api/v1/party/staff?role=instructor").await["total"],
        2
    );
    assert_eq!(
        api.get_ok(&format!("/api/v1/party/staff?department_id={}", id(&dq)))
            .await["total"],
        2
    );
    let one = api.get_ok("/api/v1/party/staff?q=人员05").await;
    assert_eq!(
        (
            one["total"].as_i64(),
            one["items"][0]["role_label"].as_str()
        ),
        (Some(1), Some("技术经理人"))
    );
    assert_eq!(one["items"][0]["four_teams"], true);
    let paged = api.get_ok("/api/v1/party/staff?per_page=4&page=3").await;
    assert_eq!(paged["items"].as_array().unwrap().len(), 3);
    refused(
        Api::json(api.get("/api/v1/party/staff?role=astronaut")).await,
        400,
        "invalid_query",
    );

    let rows = sheet(
        xlsx(&api, "/api/v1/party/staff/export?role=four_teams").await,
        "服务队伍",
    );
    assert_eq!(rows[0][..3], ["姓名", "身份", "四支队伍"]);
    assert_eq!(rows.len(), 6);
    assert!(rows[1..].iter().all(|r| r[2] == "是"));

    let instructor = api.get_ok("/api/v1/party/staff?role=instructor").await["items"][0].clone();
    log(
        &api,
        &instructor,
        Some(&org),
        "2026-02-02",
        "visit",
        "缺停车位",
    )
    .await;
    log(&api, &instructor, Some(&org), "2026-02-03", "service", "").await;
    log(&api, &instructor, Some(&org), "2026-05-03", "assist", "").await;
    let rows = sheet(
        xlsx(
            &api,
            &format!(
                "/api/v1/party/work-logs/export?staff_id={}&from=2026-02-01&to=2026-02-28",
                id(&instructor)
            ),
        )
        .await,
        "工作记录",
    );
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1][0], "2026-02-03", "latest first");
    assert_eq!(rows[2][3], "重庆云舱智能科技有限公司");
    assert_eq!(rows[2][6], "缺停车位");
    let f = api.get_ok("/api/v1/party/work-logs?kind=assist").await;
    assert_eq!(f["total"], 1);
    assert_eq!(f["items"][0]["kind_label"], "协助");
    refused(
        Api::json(api.get("/api/v1/party/work-logs?from=yesterday")).await,
        400,
        "invalid_query",
    );
    // Namesakes are told apart in the pickers by where they serve.
    staff(
        &api,
        "周雪梅",
        "instructor",
        json!({"department_id": id(&dq)}),
    )
    .await;
    staff(&api, "周雪梅", "instructor", json!({})).await;
    app.user("office_page", Role::Admin, None, None).await;
    let html = app
        .browser("office_page")
        .await
        .get_text("/party/work-logs")
        .await;
    assert!(
        html.contains(">周雪梅（党建指导员 · 党群工作部）</option>"),
        "{html}"
    );
    assert!(html.contains(">周雪梅（党建指导员）</option>"));
}

#[tokio::test]
async fn roles_without_the_area_are_refused() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let firm = create_org(&api, "重庆权限测试有限公司", 351, json!({})).await;
    let officer = staff(&api, "周建华", "service_officer", json!({})).await;
    let l = log(&api, &officer, Some(&firm), "2026-01-10", "visit", "x").await;
    let enterprise = app
        .api_client("qiye", Role::Enterprise, None, Some(id(&firm)))
        .await;
    for path in [
        "/api/v1/party/staff".to_string(),
        "/api/v1/party/staff/counts".to_string(),
        "/api/v1/party/staff/export".to_string(),
        format!("/api/v1/party/staff/{}", id(&officer)),
        format!("/api/v1/party/staff/{}/assignments", id(&officer)),
        "/api/v1/party/work-logs".to_string(),
        format!("/api/v1/party/work-logs/{}", id(&l)),
        "/api/v1/party/reports".to_string(),
        format!("/api/v1/party/reports/{}", id(&officer)),
        format!("/api/v1/party/reports/{}/export", id(&officer)),
    ] {
        refused(Api::json(enterprise.get(&path)).await, 403, "forbidden");
    }
    refused(
        enterprise
            .post_json(
                "/api/v1/party/work-logs",
                json!({"staff_id": id(&officer), "kind": "visit", "content": "x"}),
            )
            .await,
        403,
        "forbidden",
    );
    refused(
        enterprise
            .post_json(
                &format!("/api/v1/party/work-logs/{}/case", id(&l)),
                json!({"version": 1}),
            )
            .await,
        403,
        "forbidden",
    );
    // Leaders read everything and write nothing.
    let leader = app.api_client("leader", Role::Leader, None, None).await;
    assert_eq!(leader.get_ok("/api/v1/party/staff").await["total"], 1);
    assert_eq!(
        leader.get_ok("/api/v1/party/reports").await["rows"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    refused(
        leader
            .post_json(
                "/api/v1/party/staff",
                json!({"name": "x", "staff_role": "broker"}),
            )
            .await,
        403,
        "forbidden",
    );
    refused(
        leader
            .post_json(
                "/api/v1/party/work-logs",
                json!({"staff_id": id(&officer), "kind": "visit", "content": "x"}),
            )
            .await,
        403,
        "forbidden",
    );
    // The party-building office manages staff and logs for anyone.
    let office = app
        .api_client("dangjian", Role::PartyWorker, None, None)
        .await;
    staff(&office, "新指导员", "instructor", json!({})).await;
    log(&office, &officer, Some(&firm), "2026-01-11", "service", "").await;

    // Every route is documented under the party tag.
    let doc: Value = reqwest::get(app.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for (path, methods) in [
        ("/api/v1/party/staff", vec!["get", "post"]),
        ("/api/v1/party/staff/counts", vec!["get"]),
        ("/api/v1/party/staff/export", vec!["get"]),
        ("/api/v1/party/staff/import", vec!["post"]),
        ("/api/v1/party/staff/import/template", vec!["get"]),
        ("/api/v1/party/assignments/export", vec!["get"]),
        ("/api/v1/party/assignments/import", vec!["post"]),
        ("/api/v1/party/assignments/import/template", vec!["get"]),
        ("/api/v1/party/staff/{id}", vec!["get", "put"]),
        ("/api/v1/party/staff/{id}/assignments", vec!["get", "post"]),
        (
            "/api/v1/party/staff/{id}/assignments/{assignment_id}/end",
            vec!["post"],
        ),
        ("/api/v1/party/work-logs", vec!["get", "post"]),
        ("/api/v1/party/work-logs/export", vec!["get"]),
        ("/api/v1/party/work-logs/{id}", vec!["get", "put", "delete"]),
        ("/api/v1/party/work-logs/{id}/case", vec!["post"]),
        ("/api/v1/party/reports", vec!["get"]),
        ("/api/v1/party/reports/export", vec!["get"]),
        ("/api/v1/party/reports/{staff_id}", vec!["get"]),
        ("/api/v1/party/reports/{staff_id}/export", vec!["get"]),
    ] {
        let ops = paths
            .get(path)
            .unwrap_or_else(|| panic!("{path} missing from OpenAPI"));
        for m in methods {
            assert_eq!(ops[m]["tags"], json!(["party"]), "{m} {path}");
        }
    }
}

#[tokio::test]
async fn staff_pages_keep_rejected_input_beside_its_field_and_print_the_report() {
    let app = spawn_app().await;
    app.user("office", Role::Admin, None, None).await;
    let b = app.browser("office").await;
    for path in ["/party/staff", "/party/work-logs", "/party/reports"] {
        let res = b.get(path).await;
        assert_eq!(res.status(), 200, "{path}");
    }
    // An assistant without its officer comes back with the message and the typed name.
    let res = b
        .post_form(
            "/party/staff",
            &[
                ("name", "王助手"),
                ("staff_role", "assistant"),
                ("phone", "13911112222"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("党建助手须选择其服务的首席服务官"),
        "the message beside the field"
    );
    assert!(html.contains("value=\"王助手\""), "the typed name is kept");
    assert!(html.contains("value=\"13911112222\""));
    assert!(
        html.contains("<option value=\"assistant\" selected>"),
        "the chosen role is kept"
    );
    // An officer is created and greeted on its page.
    let res = b
        .post_form(
            "/party/staff",
            &[("name", "周建华"), ("staff_role", "service_officer")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let to = location(&res);
    let officer = to
        .strip_prefix("/party/staff/")
        .and_then(|r| r.split('?').next())
        .unwrap()
        .to_string();
    let html = b.get_text(&to).await;
    assert!(html.contains("id=\"staff-role\">首席服务官<"));
    assert!(html.contains("已创建"));
    // Assigned to a firm on its page; a second overlapping assignment is refused in place.
    let api = admin(&app).await;
    let firm = create_org(&api, "重庆感知激光雷达有限公司", 361, json!({})).await;
    let act = format!("/party/staff/{officer}/act/assign");
    let res = b
        .post_form(&act, &[("org_id", &id(&firm)), ("from_on", "2026-01-05")])
        .await;
    assert_eq!(res.status(), 303);
    let res = b
        .post_form(
            &act,
            &[
                ("org_id", &id(&firm)),
                ("from_on", "2026-02-01"),
                ("to_on", "2026-03-01"),
            ],
        )
        .await;
    assert_eq!(res.status(), 409);
    let html = res.text().await.unwrap();
    assert!(html.contains("时段重叠"));
    assert!(
        html.contains("value=\"2026-03-01\""),
        "the typed end date is kept"
    );
    // A log with a problem, with an empty content first.
    let act = format!("/party/staff/{officer}/act/log");
    let res = b
        .post_form(
            &act,
            &[
                ("org_id", &id(&firm)),
                ("logged_on", "2026-02-02"),
                ("kind", "visit"),
                ("problems", "激光雷达测试场地不足"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("请填写工作内容"));
    assert!(
        html.contains("激光雷达测试场地不足</textarea>"),
        "the typed problem is kept"
    );
    let res = b
        .post_form(
            &act,
            &[
                ("org_id", &id(&firm)),
                ("logged_on", "2026-02-02"),
                ("kind", "visit"),
                ("content", "走访企业"),
                ("problems", "激光雷达测试场地不足"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let logs = api
        .get_ok(&format!("/api/v1/party/work-logs?staff_id={officer}"))
        .await;
    let l = logs["items"][0].clone();
    // One click makes it a case; the staff page links to it; a second click is refused in place.
    let res = b
        .post_form(
            &format!("/party/work-logs/{}/act/case", id(&l)),
            &[("version", &l["version"].to_string())],
        )
        .await;
    assert_eq!(res.status(), 303);
    let html = b.get_text(&location(&res)).await;
    let case_id = api
        .get_ok(&format!("/api/v1/party/work-logs/{}", id(&l)))
        .await["case_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(html.contains(&format!("href=\"/cases/{case_id}\"")));
    let res = b
        .post_form(
            &format!("/party/work-logs/{}/act/case", id(&l)),
            &[("version", &l["version"].to_string()), ("back", "logs")],
        )
        .await;
    assert_eq!(res.status(), 409);
    assert!(res.text().await.unwrap().contains("不能重复转办"));
    // The printable report: print styles, the figures, the assistant's section.
    let html = b
        .get_text(&format!(
            "/party/reports/{officer}?from=2026-01-01&to=2026-03-31"
        ))
        .await;
    // The print styles of every printable report: the navigation left out.
    assert!(html.contains("<div class=\"report\">") && html.contains("data-print"));
    let css = b.get_text("/static/app.css").await;
    let print = &css[css.find("@media print").expect("print styles")..];
    assert!(print.contains(".app-sidebar") && print.contains(".report table"));
    assert!(html.contains("首席服务官工作报告"));
    assert!(html.contains("2026年1月1日至2026年3月31日"));
    assert!(html.contains("data-figure=\"enterprises\"><div class=\"small text-secondary\">联系企业</div><div class=\"n\">1<"));
    assert!(html.contains("data-figure=\"problems\"><div class=\"small text-secondary\">发现问题 / 转为诉求</div><div class=\"n\">1 / 1<"));
    assert!(html.contains("六、党建助手工作情况"));
    let res = b
        .get(&format!(
            "/party/reports/{officer}/export.xlsx?from=2026-01-01&to=2026-03-31"
        ))
        .await;
    assert_eq!(res.status(), 200);
    let summary = b
        .get_text("/party/reports?from=2026-01-01&to=2026-03-31")
        .await;
    assert!(summary.contains(&format!(
        "href=\"/party/reports/{officer}?from=2026-01-01&amp;to=2026-03-31\""
    )));
}

#[tokio::test]
async fn the_demo_staff_follow_the_article() {
    let app = spawn_app().await;
    assert!(kechuang::demo::load_quick(&app.db).await.unwrap());
    let api = app.api_client("staff-check", Role::Admin, None, None).await;
    let counts = api.get_ok("/api/v1/party/staff/counts").await;
    let count = |role: &str| {
        counts["roles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["role"] == role)
            .unwrap()["count"]
            .as_i64()
            .unwrap()
    };
    assert!(count("instructor") >= 20);
    assert_eq!(count("service_officer"), 6);
    assert_eq!(count("assistant"), 6);
    assert_eq!(counts["four_teams"], 20);
    // Every officer has an assistant; the demo accounts are linked.
    let officers = api.get_ok("/api/v1/party/staff?role=service_officer").await;
    for o in officers["items"].as_array().unwrap() {
        let d = api.get_ok(&format!("/api/v1/party/staff/{}", id(o))).await;
        assert_eq!(
            d["assistants"].as_array().unwrap().len(),
            1,
            "{}",
            o["name"]
        );
        assert!(d["staff"]["current_orgs"].as_i64().unwrap() >= 1);
    }
    let linked = api.get_ok("/api/v1/party/staff?q=周建华").await;
    assert!(linked["items"][0]["user_label"]
        .as_str()
        .unwrap()
        .contains("fuwuguan"));
    let linked = api.get_ok("/api/v1/party/staff?q=刘文静").await;
    assert!(linked["items"][0]["user_label"]
        .as_str()
        .unwrap()
        .contains("zhidaoyuan"));
    // About 300 logs over 2026, some with problems, ten turned into cases.
    let logs = api
        .get_ok("/api/v1/party/work-logs?from=2026-01-01&to=2026-12-31")
        .await;
    assert_eq!(logs["total"], 300);
    let problems = api
        .get_ok("/api/v1/party/work-logs?has_problems=true")
        .await;
    assert!(problems["total"].as_i64().unwrap() >= 50);
    let conv = api
        .get_ok("/api/v1/party/work-logs?converted=true&per_page=50")
        .await;
    assert_eq!(conv["total"], 10);
    // Each case was received on the day its problem was found.
    for l in conv["items"].as_array().unwrap() {
        let case = api
            .get_ok(&format!("/api/v1/cases/{}", l["case_id"].as_str().unwrap()))
            .await;
        assert_eq!(case["case"]["org_id"], l["org_id"]);
        assert!(
            case["case"]["received_at"]
                .as_str()
                .unwrap()
                .starts_with(l["logged_on"].as_str().unwrap()),
            "{} vs {}",
            case["case"]["received_at"],
            l["logged_on"]
        );
    }
    // The year's summary has figures for every officer.
    let s = api
        .get_ok("/api/v1/party/reports?from=2026-01-01&to=2026-12-31")
        .await;
    assert_eq!(s["rows"].as_array().unwrap().len(), 6);
    for r in s["rows"].as_array().unwrap() {
        let f = &r["figures"];
        assert!(f["enterprises"].as_i64().unwrap() >= 3, "{r}");
        assert!(f["logs"].as_i64().unwrap() >= 5, "{r}");
        assert!(f["assistant_logs"].as_i64().unwrap() >= 5, "{r}");
        assert!(f["cases_raised"].as_i64().unwrap() >= 1, "{r}");
    }
    assert!(s["total"]["cases_solved"].as_i64().unwrap() >= 30);
}

/// The case numbers a reader's case list holds.
async fn case_titles(api: &Api) -> Vec<String> {
    let page = api.get_ok("/api/v1/cases?per_page=100").await;
    let mut t: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap().to_string())
        .collect();
    t.sort();
    t
}

#[tokio::test]
async fn officers_assistants_instructors_and_brokers_read_the_cases_of_the_firms_they_serve() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let a = create_org(&api, "服务范围甲公司", 331, json!({})).await;
    let b = create_org(&api, "服务范围乙公司", 332, json!({})).await;
    let uni = create_org(&api, "服务范围丙大学", 333, json!({ "kind": "university" })).await;
    let d = create_org(&api, "服务范围丁公司", 334, json!({})).await;
    let zhou = app.user("fuwuguan", Role::ServiceOfficer, None, None).await;
    let zhushou = app.user("zhushou", Role::Instructor, None, None).await;
    let liu = app.user("zhidaoyuan", Role::Instructor, None, None).await;
    let officer = staff(
        &api,
        "周建华",
        "service_officer",
        json!({ "user_id": zhou }),
    )
    .await;
    staff(
        &api,
        "李晓",
        "assistant",
        json!({ "assistant_of": id(&officer), "user_id": zhushou }),
    )
    .await;
    let instructor = staff(&api, "刘文静", "instructor", json!({ "user_id": liu })).await;
    // The officer serves 甲 now and served 乙 last year; the instructor 丁.
    assert_eq!(assign(&api, &officer, &a, "2026-01-01", "").await.0, 201);
    assert_eq!(
        assign(&api, &officer, &b, "2025-01-01", "2025-06-30")
            .await
            .0,
        201
    );
    assert_eq!(assign(&api, &instructor, &d, "2026-01-01", "").await.0, 201);
    // An assignment that has not begun yet gives nothing yet.
    let later = (kechuang_store::clock::today() + chrono::Duration::days(30)).to_string();
    assert_eq!(assign(&api, &officer, &d, &later, "").await.0, 201);
    for (org, title) in [(&a, "甲的诉求"), (&b, "乙的诉求"), (&d, "丁的诉求")] {
        receive(&app, org, "2026-03-02", title).await;
    }
    let officer_api = app.token_client(&zhou).await;
    let assistant_api = app.token_client(&zhushou).await;
    let instructor_api = app.token_client(&liu).await;
    assert_eq!(case_titles(&officer_api).await, ["甲的诉求"]);
    assert_eq!(
        case_titles(&assistant_api).await,
        ["甲的诉求"],
        "an assistant works its officer's firms"
    );
    assert_eq!(case_titles(&instructor_api).await, ["丁的诉求"]);
    let leader = app.api_client("leader", Role::Leader, None, None).await;
    assert_eq!(
        case_titles(&leader).await,
        ["丁的诉求", "乙的诉求", "甲的诉求"]
    );
    // Another firm's case is not there at all, nor in the statistics.
    let all = leader.get_ok("/api/v1/cases?per_page=100").await;
    let of_b = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == "乙的诉求")
        .unwrap()
        .clone();
    refused(
        Api::json(officer_api.get(&format!("/api/v1/cases/{}", id(&of_b)))).await,
        404,
        "not_found",
    );
    let stats = officer_api.get_ok("/api/v1/cases/statistics").await;
    assert_eq!(stats["total"]["received"], 1, "{stats}");
    // A case the officer submits for any firm is its own to follow.
    let cats = api.get_ok("/api/v1/case-categories").await;
    let (status, own) = officer_api
        .post_json(
            "/api/v1/cases",
            json!({ "title": "代丙大学提交", "description": "实验室用房不足，请协调",
                    "category_id": cats[0]["id"], "org_id": id(&uni),
                    "contact_name": "张老师", "contact_phone": "13800000001" }),
        )
        .await;
    assert_eq!(status, 201, "{own}");
    assert_eq!(
        case_titles(&officer_api).await,
        ["代丙大学提交", "甲的诉求"]
    );

    // A broker: the firms of its leads (the need's and the offer's holder).
    let broker = app.api_client("jingjiren", Role::Broker, None, None).await;
    assert!(case_titles(&broker).await.is_empty());
    let ent = app
        .api_client("qiye", Role::Enterprise, None, Some(id(&d)))
        .await;
    let (status, need) = ent
        .post_json(
            "/api/v1/matching/needs",
            json!({ "title": "固态电解质界面阻抗优化", "description": "循环寿命不足",
                    "keywords": "固态电解质", "field": "新能源汽车", "trl_min": "4", "trl_max": "7",
                    "modes": "合作开发", "budget": "800000" }),
        )
        .await;
    assert_eq!(status, 201, "{need}");
    let daxue = app
        .api_client("daxue", Role::Enterprise, None, Some(id(&uni)))
        .await;
    let (status, offer) = daxue
        .post_json(
            "/api/v1/matching/offers",
            json!({ "kind": "result", "title": "固态电解质界面改性", "description": "已完成中试",
                    "keywords": "固态电解质", "trl": "5", "modes": "合作开发",
                    "price_min": "500000", "price_max": "1500000" }),
        )
        .await;
    assert_eq!(status, 201, "{offer}");
    for (kind, x) in [("needs", &need), ("offers", &offer)] {
        let (status, p) = broker
            .post_json(
                &format!("/api/v1/matching/{kind}/{}/publish", id(x)),
                json!({ "version": x["version"] }),
            )
            .await;
        assert_eq!(status, 200, "{p}");
    }
    let (status, lead) = broker
        .post_json(
            "/api/v1/matching/leads",
            json!({ "need_id": id(&need), "offer_id": id(&offer) }),
        )
        .await;
    assert_eq!(status, 201, "{lead}");
    assert_eq!(
        case_titles(&broker).await,
        ["丁的诉求", "代丙大学提交"],
        "the need's firm 丁 and the offer's holder 丙"
    );
}

#[tokio::test]
async fn the_staff_register_imports_from_excel_all_or_nothing_and_exports_the_same() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    create_department(&api, "科技创新局", "KJ", None).await;
    let zhou = app.user("fuwuguan", Role::ServiceOfficer, None, None).await;
    let header = vec![
        "姓名",
        "身份",
        "四支队伍",
        "联系电话",
        "所属部门",
        "所属党组织",
        "服务的首席服务官",
        "关联账号",
        "当前联系单位数",
    ];
    // Every bad cell by row and column; nothing is registered.
    let bad = text_xlsx(&[
        header.clone(),
        vec![
            "周建华",
            "首席服务官",
            "否",
            "13800138000",
            "科技创新局",
            "",
            "",
            "",
            "",
        ],
        vec!["李晓", "党建助手", "否", "", "", "", "王不存在", "", ""],
        vec!["陈志刚", "宇航员", "否", "", "", "", "", "", ""],
        vec![
            "刘文静",
            "党建指导员",
            "否",
            "12",
            "不存在局",
            "",
            "周建华",
            "nobody",
            "",
        ],
    ]);
    let (status, body) = upload_xlsx(&api, "/api/v1/party/staff/import", bad).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        problem_cells(&body),
        [
            (3, "服务的首席服务官".to_string()),
            (4, "身份".to_string()),
            (5, "所属部门".to_string()),
            (5, "服务的首席服务官".to_string()),
            (5, "关联账号".to_string()),
            (5, "联系电话".to_string()),
        ],
        "{body}"
    );
    assert_eq!(api.get_ok("/api/v1/party/staff").await["total"], 0);

    // An officer, its assistant naming it in the row above, an instructor.
    let rows = vec![
        header.clone(),
        vec![
            "周建华",
            "首席服务官",
            "否",
            "13800138000",
            "科技创新局",
            "",
            "",
            "fuwuguan（fuwuguan）",
            "0",
        ],
        vec![
            "李晓",
            "党建助手",
            "否",
            "13800138001",
            "",
            "",
            "周建华",
            "",
            "0",
        ],
        vec![
            "刘文静",
            "党建指导员",
            "否",
            "",
            "科技创新局",
            "",
            "",
            "",
            "0",
        ],
    ];
    let (status, body) = upload_xlsx(&api, "/api/v1/party/staff/import", text_xlsx(&rows)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["imported"], 3);
    let officer = api.get_ok("/api/v1/party/staff?role=service_officer").await["items"][0].clone();
    assert_eq!(officer["user_id"], zhou.as_str());
    let assistant = api.get_ok("/api/v1/party/staff?role=assistant").await["items"][0].clone();
    assert_eq!(assistant["assistant_of"], officer["id"]);
    // The export reads back as the file that was imported (the export names
    // the account as 显示名（用户名）, which the import reads too).
    let r = api.get("/api/v1/party/staff/export").send().await.unwrap();
    let mut exported = sheet_rows(&r.bytes().await.unwrap(), None);
    let mut imported: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let (eh, ih) = (exported.remove(0), imported.remove(0));
    assert_eq!(eh, ih, "same columns");
    exported.sort();
    imported.sort();
    for (e, i) in exported.iter().zip(&imported) {
        assert_eq!(e[..8], i[..8], "{exported:?}");
    }
    assert_eq!(exported.len(), 3);
    // Imported again, the file's own officer is taken by name as registered:
    // a second 周建华 would make the name ambiguous, so the assistant alone.
    let again = text_xlsx(&[header.clone(), rows[2].clone()]);
    let (status, body) = upload_xlsx(&api, "/api/v1/party/staff/import", again).await;
    assert_eq!(status, 200, "{body}");

    // The page: a panel with the template, problems listed in place.
    let page = app.browser("admin").await;
    let html = page.get_text("/party/staff").await;
    assert!(
        html.contains("id=\"import-staff\"")
            && html.contains("/api/v1/party/staff/import/template"),
        "{html}"
    );
    let t = api
        .get("/api/v1/party/staff/import/template")
        .send()
        .await
        .unwrap();
    assert_eq!(sheet_rows(&t.bytes().await.unwrap(), None)[0], ih);

    // The assignments ledger: staff by name and role, firms by code or name.
    let a = create_org(&api, "联系甲公司", 351, json!({})).await;
    create_org(&api, "联系乙公司", 352, json!({})).await;
    let code_a = a["uscc"].as_str().unwrap().to_string();
    let head = vec![
        "服务人员",
        "身份",
        "联系单位",
        "统一社会信用代码",
        "起始日期",
        "结束日期",
    ];
    let bad = text_xlsx(&[
        head.clone(),
        vec!["周建华", "首席服务官", "", &code_a, "2026-01-01", ""],
        vec!["周建华", "党建指导员", "联系乙公司", "", "2026-01-01", ""],
        vec!["刘文静", "党建指导员", "联系丙公司", "", "2026-01-01", ""],
        vec![
            "刘文静",
            "党建指导员",
            "联系乙公司",
            "",
            "2026-05-01",
            "2026-04-01",
        ],
        vec!["周建华", "首席服务官", "联系甲公司", "", "2026-03-01", ""],
    ]);
    let (status, body) = upload_xlsx(&api, "/api/v1/party/assignments/import", bad).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        problem_cells(&body),
        [
            (3, "服务人员".to_string()),
            (4, "联系单位".to_string()),
            (5, "结束日期".to_string()),
        ],
        "{body}"
    );
    // Rows 2 and 6 overlap: the store refuses the second, nothing is kept.
    let overlap = text_xlsx(&[
        head.clone(),
        vec!["周建华", "首席服务官", "", &code_a, "2026-01-01", ""],
        vec!["周建华", "首席服务官", "联系甲公司", "", "2026-03-01", ""],
    ]);
    let (status, body) = upload_xlsx(&api, "/api/v1/party/assignments/import", overlap).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(problem_cells(&body), [(3, "起始日期".to_string())]);
    let ledger = vec![
        head.clone(),
        vec![
            "周建华",
            "首席服务官",
            "联系甲公司",
            &code_a,
            "2026-01-01",
            "",
        ],
        vec![
            "刘文静",
            "党建指导员",
            "联系乙公司",
            "",
            "2025-01-01",
            "2025-12-31",
        ],
    ];
    let (status, body) =
        upload_xlsx(&api, "/api/v1/party/assignments/import", text_xlsx(&ledger)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["imported"], 2);
    let one = api
        .get_ok(&format!(
            "/api/v1/party/staff/{}",
            officer["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(one["assignments"].as_array().unwrap().len(), 1, "{one}");
    let r = api
        .get("/api/v1/party/assignments/export")
        .send()
        .await
        .unwrap();
    let mut got = sheet_rows(&r.bytes().await.unwrap(), None);
    let mut want: Vec<Vec<String>> = ledger
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(got.remove(0), want.remove(0));
    let code_b = api.get_ok("/api/v1/orgs?q=联系乙公司").await["items"][0]["uscc"]
        .as_str()
        .unwrap()
        .to_string();
    want[1][3] = code_b;
    got.sort();
    want.sort();
    assert_eq!(got, want, "the export reads back as the ledger");
    let html = page.get_text("/party/staff").await;
    assert!(html.contains("id=\"import-assignments\""), "{html}");
}

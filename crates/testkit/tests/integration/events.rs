//! Events (赛会展演) through the HTTP API: publish, register (confirmed,
//! waitlisted when full, pending when approval is needed), cancel promotes,
//! check-in twice, walk-ins, reach figures against their lists, the
//! iCalendar feeds (and the PyPI reader `icalendar` when present), the Excel
//! export, and the 403 / 404 / 422 answers.
//!
//! Dates are relative to today (Beijing): the server's clock is real.

use chrono::Duration;
use kechuang_domain::auth::Role;
use kechuang_testkit::{id, spawn_app, Api};
use serde_json::{json, Value};

use crate::{admin, code, create_department, create_org, sheet_rows};

fn today() -> chrono::NaiveDate {
    kechuang_store::clock::today()
}

async fn event(api: &Api, body: Value) -> Value {
    let (status, e) = api.post_json("/api/v1/events", body).await;
    assert_eq!(status, 201, "{e}");
    let ev = &e["event"];
    let (status, p) = api
        .post_json(
            &format!("/api/v1/events/{}/publish", id(ev)),
            json!({ "version": ev["version"] }),
        )
        .await;
    assert_eq!(status, 200, "{p}");
    p["event"].clone()
}

async fn register(api: &Api, ev: &Value, body: Value) -> (u16, Value) {
    api.post_json(&format!("/api/v1/events/{}/registrations", id(ev)), body)
        .await
}

fn unregistered(name: &str, n: u32, person: &str, phone: &str) -> Value {
    json!({ "institution_name": name, "institution_uscc": code(n), "sector": "research",
            "person_name": person, "phone": phone })
}

#[tokio::test]
async fn events_register_check_in_reach_and_feeds() {
    let app = spawn_app().await;
    let adm = admin(&app).await;
    let dept = create_department(&adm, "科技创新局", "KJ", None).await;
    let org = create_org(&adm, "重庆某某科技有限公司", 101, json!({})).await;
    let other = create_org(&adm, "重庆另一家科技有限公司", 102, json!({})).await;
    let staff = app
        .api_client("kj", Role::Department, Some(id(&dept)), None)
        .await;
    let firm = app
        .api_client("firm", Role::Enterprise, None, Some(id(&org)))
        .await;
    let leader = app.api_client("leader", Role::Leader, None, None).await;

    let (status, series) = adm
        .post_json(
            "/api/v1/events/series",
            json!({ "name": "两城汇", "description": "双城科创交流品牌" }),
        )
        .await;
    assert_eq!(status, 201, "{series}");

    // 422 with field errors, 403 without EventsWrite, 404 for a missing event.
    let (status, bad) = staff
        .post_json(
            "/api/v1/events",
            json!({ "title": "", "kind": "茶话会", "starts_on": "明天" }),
        )
        .await;
    assert_eq!(status, 422, "{bad}");
    for f in ["title", "kind", "starts_on"] {
        assert!(bad["details"]["fields"][f].is_string(), "{f}: {bad}");
    }
    let (status, _) = leader
        .post_json(
            "/api/v1/events",
            json!({ "title": "路演", "kind": "roadshow", "starts_on": today().to_string() }),
        )
        .await;
    assert_eq!(status, 403);
    let (status, nf) = Api::json(staff.get("/api/v1/events/no-such-event")).await;
    assert_eq!(status, 404, "{nf}");

    // Today's event with two places.
    let t = today().to_string();
    let ev = event(
        &staff,
        json!({ "title": "两城汇·人工智能路演, 第1场", "kind": "路演", "series_id": id(&series),
                "venue": "科学城会展中心; A厅", "starts_on": t, "capacity": "2",
                "audience": "企业、高校", "agenda": "9:30 开场\n10:00 路演",
                "lead_department_ids": id(&dept) }),
    )
    .await;
    assert_eq!(ev["status"], "published");

    // The enterprise registers its own staff only.
    let (status, wrong) = register(
        &firm,
        &ev,
        json!({ "org_id": id(&other), "person_name": "李四", "phone": "13900000001" }),
    )
    .await;
    assert_eq!(status, 422, "{wrong}");
    assert!(wrong["details"]["fields"]["org_id"].is_string());
    let (status, r1) = register(
        &firm,
        &ev,
        json!({ "person_name": "张三", "phone": "13900000002" }),
    )
    .await;
    assert_eq!(
        (status, r1["status"].as_str()),
        (201, Some("confirmed")),
        "{r1}"
    );
    assert_eq!(r1["org_id"], id(&org));
    let (status, r2) = register(
        &adm,
        &ev,
        unregistered("某研究院", 201, "王五", "13900000003"),
    )
    .await;
    assert_eq!(
        (status, r2["status"].as_str()),
        (201, Some("confirmed")),
        "{r2}"
    );
    let (status, r3) = register(
        &adm,
        &ev,
        unregistered("某研究所", 202, "赵六", "13900000004"),
    )
    .await;
    assert_eq!(
        (status, r3["status"].as_str()),
        (201, Some("waitlisted")),
        "{r3}"
    );

    // Cancelling a confirmed registration promotes the waitlisted one; its registrant is told.
    let (status, c) = firm
        .post_json(
            &format!("/api/v1/events/registrations/{}/cancel", id(&r1)),
            json!({ "version": r1["version"], "reason": "行程冲突" }),
        )
        .await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["promoted"][0]["id"], r3["id"]);
    assert_eq!(c["promoted"][0]["status"], "confirmed");
    let msgs = adm.get_ok("/api/v1/messages").await;
    assert!(msgs.to_string().contains("候补转为确认"), "{msgs}");

    // An event that needs approval: pending.
    let appr = event(
        &staff,
        json!({ "title": "两城汇·闭门对接会", "kind": "matchmaking", "starts_on": t,
                "needs_approval": true, "lead_department_ids": id(&dept) }),
    )
    .await;
    let (status, p) = register(
        &firm,
        &appr,
        json!({ "person_name": "张三", "phone": "13900000002" }),
    )
    .await;
    assert_eq!(
        (status, p["status"].as_str()),
        (201, Some("pending")),
        "{p}"
    );

    // Ticket with its QR code.
    let tk = adm
        .get_ok(&format!("/api/v1/events/registrations/{}/ticket", id(&r2)))
        .await;
    assert_eq!(tk["code"], r2["ticket_code"]);
    assert!(tk["qr_svg"].as_str().unwrap().contains("<svg"));

    // Check-in twice: the second answers with the first time and changes nothing.
    let path = format!("/api/v1/events/{}/checkin", id(&ev));
    let code2 = r2["ticket_code"].as_str().unwrap().to_lowercase();
    let (status, first) = staff.post_json(&path, json!({ "code": code2 })).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["first"], true);
    assert_eq!(first["registration"]["person_name"], "王五");
    let (status, again) = staff.post_json(&path, json!({ "code": code2 })).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["first"], false);
    assert_eq!(again["checked_in_at"], first["checked_in_at"]);
    assert_eq!(
        again["registration"]["version"],
        first["registration"]["version"]
    );
    assert!(again["message"].as_str().unwrap().starts_with("已签到"));
    let (status, _) = leader.post_json(&path, json!({ "code": code2 })).await;
    assert_eq!(status, 403);

    // A walk-in is checked in at once.
    let (status, w) = staff
        .post_json(
            &format!("/api/v1/events/{}/walk-ins", id(&ev)),
            unregistered("某投资机构", 203, "钱七", "13900000005"),
        )
        .await;
    assert_eq!(status, 201, "{w}");
    assert!(w["checked_in_at"].is_string() && w["walk_in"] == true);

    // A past event (yesterday, two days' fair): staff walk-ins after the event.
    let y = (today() - Duration::days(2)).to_string();
    let y2 = (today() - Duration::days(1)).to_string();
    let past = event(
        &staff,
        json!({ "title": "两城汇·成果展", "kind": "exhibition", "series_id": id(&series),
                "starts_on": y, "ends_on": y2, "lead_department_ids": id(&dept) }),
    )
    .await;
    for (k, (inst, n, person)) in [
        ("甲研究院", 301, "甲一"),
        ("甲研究院", 301, "甲二"),
        ("乙大学", 302, "乙一"),
    ]
    .into_iter()
    .enumerate()
    {
        let (status, w) = staff
            .post_json(
                &format!("/api/v1/events/{}/walk-ins", id(&past)),
                unregistered(inst, n, person, &format!("1370000000{k}")),
            )
            .await;
        assert_eq!(status, 201, "{w}");
    }
    let (status, o) = staff
        .post_json(
            &format!("/api/v1/events/{}/outcomes", id(&past)),
            json!({ "kind": "projects_signed", "count": "3", "note": "现场签约" }),
        )
        .await;
    assert_eq!(status, 201, "{o}");

    // Reach: every figure equals the length of its list.
    let reach = staff.get_ok("/api/v1/events/reach").await;
    let tot = &reach["totals"];
    assert_eq!(
        (
            tot["events"].as_u64(),
            tot["institutions"].as_u64(),
            tot["attendances"].as_u64()
        ),
        (Some(1), Some(2), Some(3)),
        "{reach}"
    );
    let check = |q: String, fig: Value| {
        let staff = &staff;
        async move {
            let evs = staff
                .get_ok(&format!("/api/v1/events/reach/events?{q}"))
                .await;
            assert_eq!(evs["total"], fig["events"], "{q}");
            let att = staff
                .get_ok(&format!("/api/v1/events/reach/attendances?{q}"))
                .await;
            assert_eq!(att["total"], fig["attendances"], "{q}");
            let inst = staff
                .get_ok(&format!(
                    "/api/v1/events/reach/attendances?counted=true&{q}"
                ))
                .await;
            assert_eq!(inst["total"], fig["institutions"], "{q}");
        }
    };
    check(reach["query"].as_str().unwrap().to_string(), tot.clone()).await;
    for by in ["by_kind", "by_series", "by_sector", "by_month"] {
        for g in reach[by].as_array().unwrap() {
            check(g["query"].as_str().unwrap().to_string(), g.clone()).await;
        }
    }
    assert!(reach["outcomes"].to_string().contains("\"count\":3"));
    let sd = staff
        .get_ok(&format!("/api/v1/events/series/{}", id(&series)))
        .await;
    assert_eq!(sd["reach"]["totals"]["attendances"], 3);

    // Excel export read back.
    let bytes = staff
        .get("/api/v1/events/export?sort=starts_asc")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let rows = sheet_rows(&bytes, None);
    assert_eq!(rows[0][0], "活动名称");
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert_eq!(rows[1][0], "两城汇·成果展");
    assert_eq!(rows[1][4], y);
    let regs = staff
        .get(&format!(
            "/api/v1/events/registrations/export?event_id={}",
            id(&ev)
        ))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let rows = sheet_rows(&regs, None);
    assert_eq!(rows[0][..2], ["活动", "票码"]);
    assert_eq!(rows.len(), 5, "{rows:?}");

    // iCalendar feeds: the public one (no sign-in), the series one, the user's own.
    let http = reqwest::Client::new();
    let all = http.get(app.url("/events.ics")).send().await.unwrap();
    assert_eq!(all.status(), 200);
    assert!(all.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let all = all.text().await.unwrap();
    check_ical(&all);
    assert_eq!(all.matches("BEGIN:VEVENT").count(), 3);
    assert!(all.contains("X-WR-CALNAME:科创活动日历\r\n"));
    assert!(all.contains("CATEGORIES:路演\r\n"));
    assert!(all.contains(&format!(
        "DTEND;VALUE=DATE:{}\r\n",
        today().format("%Y%m%d")
    )));
    let feeds = firm.get_ok("/api/v1/events/feeds").await;
    let path_of = |u: &Value| {
        let u = u.as_str().unwrap();
        u[u.find("/events").unwrap()..].to_string()
    };
    let series_feed = http
        .get(app.url(&path_of(&feeds["series"][0]["url"])))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    check_ical(&series_feed);
    assert_eq!(
        series_feed.matches("BEGIN:VEVENT").count(),
        2,
        "{series_feed}"
    );
    let mine = http
        .get(app.url(&path_of(&feeds["mine"])))
        .send()
        .await
        .unwrap();
    assert_eq!(mine.status(), 200);
    let mine = mine.text().await.unwrap();
    check_ical(&mine);
    assert_eq!(mine.matches("BEGIN:VEVENT").count(), 1, "{mine}");
    assert!(mine.contains("闭门对接会"));
    let wrong = http
        .get(app.url(&path_of(&feeds["mine"]).replace(".ics", "0.ics")))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 404);
    read_with_icalendar(&all, 3);

    // Pages: the calendar, an event, the phone check-in page (twice), reach and its records.
    let list = staff.text("/events?kind=roadshow").await;
    assert!(
        list.contains("两城汇·人工智能路演") && !list.contains("成果展"),
        "{list}"
    );
    let page = firm.text(&format!("/events/{}", id(&ev))).await;
    assert!(page.contains("科学城会展中心") && page.contains("报名"));
    let ticket = adm.text(&format!("/events/tickets/{}", id(&r2))).await;
    assert!(ticket.contains("<svg") && ticket.contains(r2["ticket_code"].as_str().unwrap()));
    let form = staff.text(&format!("/events/{}/checkin", id(&ev))).await;
    assert!(form.contains("autofocus"));
    let answer = staff
        .post(&format!("/events/{}/checkin", id(&ev)))
        .form(&[("code", r3["ticket_code"].as_str().unwrap())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        answer.contains("签到成功") && answer.contains("赵六"),
        "{answer}"
    );
    let again = staff
        .post(&format!("/events/{}/checkin", id(&ev)))
        .form(&[("code", r3["ticket_code"].as_str().unwrap())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(again.contains("已签到（首次签到"), "{again}");
    let reach_page = staff.text("/events/reach").await;
    assert!(
        reach_page.contains("活动成效")
            && reach_page.contains("/events/reach/records?figure=attendances")
    );
    let records = staff.text("/events/reach/records?figure=attendances").await;
    assert!(
        records.contains("共 3 条") && records.contains("甲研究院"),
        "{records}"
    );
    let inst = staff
        .text("/events/reach/records?figure=institutions")
        .await;
    assert!(inst.contains("共 2 条"), "{inst}");
    let evs = staff.text("/events/reach/records?figure=events").await;
    assert!(evs.contains("共 1 条"), "{evs}");
    let regs = staff
        .text(&format!("/events/registrations?event_id={}", id(&ev)))
        .await;
    assert!(regs.contains("王五"));

    // Cancelling the event tells its registrants.
    let cur = staff.get_ok(&format!("/api/v1/events/{}", id(&appr))).await;
    let (status, cancelled) = staff
        .post_json(
            &format!("/api/v1/events/{}/cancel", id(&appr)),
            json!({ "version": cur["event"]["version"], "reason": "场地调整" }),
        )
        .await;
    assert_eq!(status, 200, "{cancelled}");
    let msgs = firm.get_ok("/api/v1/messages").await;
    assert!(msgs.to_string().contains("活动取消"), "{msgs}");
    let all = http
        .get(app.url("/events.ics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(all.contains("STATUS:CANCELLED\r\n"));
}

/// CRLF everywhere, no line over 75 octets.
fn check_ical(text: &str) {
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"));
    for line in text.trim_end_matches("\r\n").split("\r\n") {
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "bare line break in {line:?}"
        );
        assert!(line.len() <= 75, "{line} is {} octets", line.len());
    }
}

const ICALENDAR_SCRIPT: &str = r#"
import sys, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
print("NAME", cal.get("X-WR-CALNAME"))
for ev in cal.walk("VEVENT"):
    start = ev.decoded("DTSTART")
    end = ev.decoded("DTEND")
    print("EVENT", ev.get("UID"), "|", ev.get("SUMMARY"), "|", ev.get("LOCATION") or "", "|",
          type(start).__name__, start.isoformat(), end.isoformat(), "|", ev.get("STATUS"))
"#;

/// Parse a feed with the PyPI package `icalendar` (KECHUANG_ICALENDAR_PYTHON);
/// skipped with a note when unset, unless KECHUANG_REQUIRE_ICALENDAR=1.
fn read_with_icalendar(feed: &str, events: usize) {
    use std::io::Write;
    let Ok(python) = std::env::var("KECHUANG_ICALENDAR_PYTHON") else {
        assert!(
            std::env::var("KECHUANG_REQUIRE_ICALENDAR").as_deref() != Ok("1"),
            "KECHUANG_ICALENDAR_PYTHON is not set"
        );
        eprintln!("skipped: set KECHUANG_ICALENDAR_PYTHON to a python with `icalendar` to read the feed with it");
        return;
    };
    let mut child = std::process::Command::new(&python)
        .args(["-c", ICALENDAR_SCRIPT])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(feed.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("NAME 科创活动日历"), "{text}");
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("EVENT")).collect();
    assert_eq!(lines.len(), events, "{text}");
    let road = lines
        .iter()
        .find(|l| l.contains("人工智能路演"))
        .expect(&text);
    assert!(road.contains("两城汇·人工智能路演, 第1场"), "{road}");
    assert!(road.contains("科学城会展中心; A厅"), "{road}");
    assert!(road.contains("| date "), "all-day as a date: {road}");
    let fair = lines.iter().find(|l| l.contains("成果展")).expect(&text);
    let d1 = (today() - Duration::days(2)).to_string();
    assert!(
        fair.contains(&format!("{d1} {}", today())),
        "DTEND exclusive: {fair}"
    );
}

/// The demo's 两城汇: 56 events, 500+ institutions, 10,000+ attendances,
/// each figure equal to the length of its list; upcoming events open.
#[tokio::test]
async fn demo_series_reaches_the_articles_figures() {
    let app = spawn_app().await;
    let started = std::time::Instant::now();
    assert!(kechuang::demo::load_quick(&app.db).await.unwrap());
    eprintln!("demo loaded in {:.1} s", started.elapsed().as_secs_f64());
    let adm = app.api_client("ev-admin", Role::Admin, None, None).await;
    let series = adm.get_ok("/api/v1/events/series").await;
    let s = series
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "两城汇")
        .expect("两城汇");
    assert_eq!(s["events"], 56);
    let r = adm
        .get_ok(&format!("/api/v1/events/reach?series_id={}", id(s)))
        .await;
    let t = &r["totals"];
    eprintln!("两城汇 reach: {t}");
    assert!(t["institutions"].as_u64().unwrap() >= 500, "{t}");
    assert!(t["attendances"].as_u64().unwrap() >= 10_000, "{t}");
    let q = r["query"].as_str().unwrap();
    let evs = adm
        .get_ok(&format!("/api/v1/events/reach/events?{q}"))
        .await;
    assert_eq!(evs["total"], t["events"]);
    let att = adm
        .get_ok(&format!("/api/v1/events/reach/attendances?per_page=1&{q}"))
        .await;
    assert_eq!(att["total"], t["attendances"]);
    let inst = adm
        .get_ok(&format!(
            "/api/v1/events/reach/attendances?per_page=1&counted=true&{q}"
        ))
        .await;
    assert_eq!(inst["total"], t["institutions"]);
    let kinds: Vec<&Value> = r["by_kind"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["events"].as_u64().unwrap() > 0)
        .collect();
    assert!(kinds.len() >= 5, "{}", r["by_kind"]);
    assert!(r["outcomes"][0]["count"].as_u64().unwrap() > 0);

    // The alliances' own activities are among the series' events.
    let alliances = adm.get_ok("/api/v1/alliances?per_page=50").await;
    for a in alliances["items"].as_array().unwrap() {
        let aid = a["id"].as_str().unwrap();
        let theirs = adm
            .get_ok(&format!("/api/v1/events?alliance_id={aid}&per_page=1"))
            .await;
        assert!(
            theirs["total"].as_u64().unwrap() >= 5,
            "{}: {theirs}",
            a["name"]
        );
    }
}

#[tokio::test]
async fn a_committee_imports_its_event_ledger_and_exports_it_back() {
    const COLUMNS: [&str; 22] = [
        "活动名称",
        "类型",
        "系列",
        "状态",
        "开始日期",
        "结束日期",
        "时间",
        "地点",
        "主办",
        "协办",
        "名额",
        "已确认",
        "候补",
        "待审核",
        "已签到",
        "面向对象",
        "所属联盟",
        "报名开始",
        "报名截止",
        "报名需审核",
        "议程",
        "取消原因",
    ];
    let app = spawn_app().await;
    let adm = admin(&app).await;
    create_department(&adm, "科技创新局", "KJ", None).await;
    create_org(&adm, "重庆某某科技有限公司", 101, json!({})).await;
    let (status, _) = adm
        .post_json("/api/v1/events/series", json!({ "name": "两城汇" }))
        .await;
    assert_eq!(status, 201);
    let res = adm
        .get("/api/v1/events/import/template")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(sheet_rows(&res.bytes().await.unwrap(), None)[0], COLUMNS);

    // A row by column name, the rest empty.
    let row = |cells: &[(&str, &str)]| crate::row_of(&COLUMNS, cells);
    let header: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    let xlsx = crate::rows_xlsx;
    let ok = [("类型", "路演"), ("开始日期", "2027-03-18")];
    let with = |title: &str, extra: &[(&str, &str)]| {
        let mut cells = vec![("活动名称", title)];
        cells.extend(
            ok.iter()
                .filter(|(k, _)| !extra.iter().any(|(e, _)| e == k)),
        );
        cells.extend_from_slice(extra);
        row(&cells)
    };
    let bad = vec![
        header.clone(),
        with("甲", &[("类型", "晚会")]),
        with("乙", &[("主办", "不存在的单位")]),
        with("丙", &[("状态", "已发布")]),
        with("丁", &[("状态", "已取消")]),
        with("戊", &[("时间", "25:00～26:00")]),
        with("己", &[("系列", "不存在的系列")]),
        with("庚", &[]),
        with("庚", &[]),
        with("辛", &[("结束日期", "2027-03-01")]),
        with("壬", &[("时间", "～17:00")]),
        with("癸", &[("时间", "九点开始")]),
        with("子", &[("报名需审核", "需要")]),
    ];
    let body = crate::refused(
        crate::upload_xlsx(&adm, "/api/v1/events/import", xlsx(&bad)).await,
        422,
        "import_invalid",
    );
    assert_eq!(
        crate::problem_cells(&body),
        [
            (2, "类型".to_string()),
            (3, "主办".to_string()),
            (4, "主办".to_string()),
            (5, "取消原因".to_string()),
            (6, "时间".to_string()),
            (7, "系列".to_string()),
            (9, "活动名称".to_string()),
            (10, "结束日期".to_string()),
            (11, "时间".to_string()),
            (12, "时间".to_string()),
            (13, "报名需审核".to_string()),
        ],
        "{body}"
    );
    assert!(body.to_string().contains("与第8行重复"), "{body}");
    assert_eq!(adm.get_ok("/api/v1/events").await["total"], 0);

    // A good ledger, written as the export writes it: a published roadshow
    // with its organisers, times, places and window; a draft over three
    // days; a cancelled one with its reason.
    let good = vec![
        row(&[
            ("活动名称", "两城汇·成果路演"),
            ("类型", "路演"),
            ("系列", "两城汇"),
            ("状态", "已发布"),
            ("开始日期", "2027-03-18"),
            ("结束日期", "2027-03-18"),
            ("时间", "2027年3月18日 09:00～17:00"),
            ("地点", "科学城会展中心"),
            ("主办", "科技创新局"),
            ("协办", "重庆某某科技有限公司"),
            ("名额", "200"),
            ("已确认", "0"),
            ("候补", "0"),
            ("待审核", "0"),
            ("已签到", "0"),
            ("面向对象", "高校院所、科技企业"),
            ("报名开始", "2027-03-01"),
            ("报名截止", "2027-03-15"),
            ("报名需审核", "是"),
            ("议程", "上午路演，下午对接"),
        ]),
        row(&[
            ("活动名称", "科技成果展"),
            ("类型", "展会"),
            ("状态", "草稿"),
            ("开始日期", "2027-04-01"),
            ("结束日期", "2027-04-03"),
            ("时间", "2027年4月1日～4月3日（全天）"),
            ("主办", "科技创新局"),
            ("已确认", "0"),
            ("候补", "0"),
            ("待审核", "0"),
            ("已签到", "0"),
        ]),
        row(&[
            ("活动名称", "创新论坛"),
            ("类型", "论坛"),
            ("状态", "已取消"),
            ("开始日期", "2027-05-20"),
            ("结束日期", "2027-05-20"),
            ("时间", "2027年5月20日 14:00起"),
            ("主办", "科技创新局"),
            ("已确认", "0"),
            ("候补", "0"),
            ("待审核", "0"),
            ("已签到", "0"),
            ("取消原因", "嘉宾行程变化"),
        ]),
    ];
    let mut file = vec![header.clone()];
    file.extend(good.iter().cloned());
    let (status, done) = crate::upload_xlsx(&adm, "/api/v1/events/import", xlsx(&file)).await;
    assert_eq!(
        (status, done["imported"].clone()),
        (200, json!(3)),
        "{done}"
    );
    let listed = adm.get_ok("/api/v1/events?q=成果路演").await;
    let ev = &listed["items"][0];
    assert_eq!(ev["status"], "published", "{listed}");
    assert_eq!(ev["needs_approval"], true);
    assert_eq!(ev["organisers"].as_array().unwrap().len(), 2);

    // The export gives the file back; the same ledger again is refused.
    let bytes = adm
        .get("/api/v1/events/export")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let exported = sheet_rows(&bytes, None);
    assert_eq!(exported[0], COLUMNS);
    let mut rows = exported[1..].to_vec();
    rows.sort();
    let mut expected = good.clone();
    expected.sort();
    assert_eq!(rows, expected);
    let body = crate::refused(
        crate::upload_xlsx(&adm, "/api/v1/events/import", bytes).await,
        422,
        "import_invalid",
    );
    assert_eq!(crate::problem_cells(&body).len(), 3, "{body}");
    assert_eq!(adm.get_ok("/api/v1/events").await["total"], 3);

    // The page: 导入 Excel with its template, and a refusal in its panel.
    let page = app.browser("admin").await;
    let html = page.get_text("/events").await;
    assert!(html.contains("/api/v1/events/import/template"), "{html}");
    let res = page.upload("/events/import", xlsx(&bad[..3])).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"import-problems\""), "{html}");
    assert!(html.contains("不存在的单位"), "{html}");
}

#[tokio::test]
async fn a_committee_imports_its_registration_lists_and_exports_them_back() {
    const COLUMNS: [&str; 12] = [
        "活动",
        "票码",
        "参会人",
        "手机",
        "单位",
        "统一社会信用代码",
        "领域",
        "状态",
        "现场登记",
        "报名时间",
        "签到时间",
        "备注",
    ];
    let app = spawn_app().await;
    let adm = admin(&app).await;
    let dept = create_department(&adm, "科技创新局", "KJ", None).await;
    create_org(&adm, "重庆某某科技有限公司", 101, json!({})).await;
    // Two events of one title: a past one with two places, a coming one.
    let day = |d: i64| (today() + Duration::days(d)).to_string();
    let past = event(
        &adm,
        json!({ "title": "两城汇", "kind": "路演", "starts_on": day(-10), "capacity": "2",
                "lead_department_ids": id(&dept) }),
    )
    .await;
    let coming = event(
        &adm,
        json!({ "title": "两城汇", "kind": "路演", "starts_on": day(10),
                "lead_department_ids": id(&dept) }),
    )
    .await;
    let res = adm
        .get("/api/v1/events/registrations/import/template")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(sheet_rows(&res.bytes().await.unwrap(), None)[0], COLUMNS);

    let cn = |d: i64| {
        let d = today() + Duration::days(d);
        format!(
            "两城汇（{}年{}月{}日）",
            chrono::Datelike::year(&d),
            chrono::Datelike::month(&d),
            chrono::Datelike::day(&d)
        )
    };
    let (past_key, coming_key) = (cn(-10), cn(10));
    let at = |d: i64, hm: &str| format!("{} {hm}", day(d));
    let ticket = |n: u32| kechuang_domain::events::ticket_code([n, 1, 2, 3, 4, 5, 6]);
    let row = |cells: &[(&str, &str)]| crate::row_of(&COLUMNS, cells);
    let header: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    let xlsx = crate::rows_xlsx;
    let firm = "重庆某某科技有限公司";
    let person = |ev: &str, name: &str, phone: &str, extra: &[(&str, &str)]| {
        let mut cells = vec![
            ("活动", ev),
            ("参会人", name),
            ("手机", phone),
            ("单位", firm),
        ];
        cells.extend_from_slice(extra);
        row(&cells)
    };
    let late = at(-5, "10:00");
    let bad = vec![
        header.clone(),
        person("两城汇", "甲", "13800000101", &[]),
        person("没有的活动", "乙", "13800000102", &[]),
        person(&past_key, "丙", "13800000103", &[("票码", "ABC")]),
        row(&[
            ("活动", &past_key),
            ("参会人", "丁"),
            ("手机", "13800000104"),
            ("单位", "不存在的公司"),
        ]),
        person(&past_key, "戊", "13800000105", &[("状态", "已报名")]),
        person(
            &past_key,
            "己",
            "13800000106",
            &[("状态", "候补"), ("签到时间", &late)],
        ),
        person(
            &past_key,
            "庚",
            "13800000107",
            &[("状态", "已确认"), ("备注", "素食")],
        ),
        person(&past_key, "辛", "手机号", &[]),
        person(&past_key, "壬", "13800000109", &[]),
        person(&past_key, "癸", "13800000109", &[]),
        person(&past_key, "子", "13800000111", &[("报名时间", "明天上午")]),
        person(&past_key, "丑", "13800000112", &[("现场登记", "是")]),
        person(&past_key, "寅", "12-34", &[]),
    ];
    let body = crate::refused(
        crate::upload_xlsx(&adm, "/api/v1/events/registrations/import", xlsx(&bad)).await,
        422,
        "import_invalid",
    );
    assert_eq!(
        crate::problem_cells(&body),
        [
            (2, "活动".to_string()),
            (3, "活动".to_string()),
            (4, "票码".to_string()),
            (5, "单位".to_string()),
            (6, "状态".to_string()),
            (7, "状态".to_string()),
            (8, "备注".to_string()),
            (9, "手机".to_string()),
            (11, "手机".to_string()),
            (12, "报名时间".to_string()),
            (13, "签到时间".to_string()),
            (14, "手机".to_string()),
        ],
        "{body}"
    );
    let text = body.to_string();
    assert!(text.contains("两城汇（活动日期）"), "{text}");
    assert!(text.contains("与第10行重复"), "{text}");
    let count = || async { adm.get_ok("/api/v1/events/registrations").await["total"].clone() };
    assert_eq!(count().await, 0);

    // A good list, as the export writes it: the past event's two places
    // taken and one more at the door, one waitlisted, one cancelled, an
    // institute not yet registered; one for the coming event without a
    // ticket or status, placed by the rules.
    let (t1, t2, t3, t4, t5) = (ticket(1), ticket(2), ticket(3), ticket(4), ticket(5));
    let uscc = code(101);
    let institute = code(202);
    let (r1, r2, r3) = (at(-30, "09:30"), at(-29, "10:00"), at(-10, "09:10"));
    let (c2, r4, r5) = (at(-10, "09:05"), at(-20, "16:45"), at(-25, "08:00"));
    let good = vec![
        row(&[
            ("活动", &past_key),
            ("票码", &t1),
            ("参会人", "张明"),
            ("手机", "13800000001"),
            ("单位", firm),
            ("统一社会信用代码", &uscc),
            ("领域", "企业"),
            ("状态", "已确认"),
            ("报名时间", &r1),
        ]),
        row(&[
            ("活动", &past_key),
            ("票码", &t2),
            ("参会人", "李华"),
            ("手机", "13800000002"),
            ("单位", "某某创新研究院"),
            ("统一社会信用代码", &institute),
            ("领域", "科研院所"),
            ("状态", "已确认"),
            ("报名时间", &r2),
            ("签到时间", &c2),
        ]),
        row(&[
            ("活动", &past_key),
            ("票码", &t3),
            ("参会人", "王芳"),
            ("手机", "13800000003"),
            ("单位", firm),
            ("统一社会信用代码", &uscc),
            ("领域", "企业"),
            ("状态", "已确认"),
            ("现场登记", "是"),
            ("报名时间", &r3),
            ("签到时间", &r3),
        ]),
        row(&[
            ("活动", &past_key),
            ("票码", &t4),
            ("参会人", "赵强"),
            ("手机", "13800000004"),
            ("单位", firm),
            ("统一社会信用代码", &uscc),
            ("领域", "企业"),
            ("状态", "候补"),
            ("报名时间", &r4),
        ]),
        row(&[
            ("活动", &past_key),
            ("票码", &t5),
            ("参会人", "钱进"),
            ("手机", "13800000005"),
            ("单位", firm),
            ("统一社会信用代码", &uscc),
            ("领域", "企业"),
            ("状态", "已取消"),
            ("报名时间", &r5),
            ("备注", "行程冲突"),
        ]),
    ];
    let mut file = vec![header.clone()];
    file.extend(good.iter().cloned());
    // Written by hand: the firm by its name alone, no ticket, no status.
    file.push(person(&coming_key, "孙丽", "13800000006", &[]));
    let (status, done) =
        crate::upload_xlsx(&adm, "/api/v1/events/registrations/import", xlsx(&file)).await;
    assert_eq!(
        (status, done["imported"].clone()),
        (200, json!(6)),
        "{done}"
    );
    let seats = adm.get_ok(&format!("/api/v1/events/{}", id(&past))).await;
    assert_eq!(seats["event"]["counts"]["confirmed"], 3, "{seats}");
    assert_eq!(seats["event"]["counts"]["waitlisted"], 1, "{seats}");
    assert_eq!(seats["event"]["counts"]["checked_in"], 2, "{seats}");
    let mine = adm
        .get_ok(&format!(
            "/api/v1/events/registrations?event_id={}",
            id(&coming)
        ))
        .await;
    let new = &mine["items"][0];
    assert_eq!(new["status"], "confirmed", "{mine}");
    assert_eq!(new["org_id"].as_str().map(str::len), Some(36), "{mine}");

    // The export gives the file back (the issued ticket and the import's
    // time where the file left them empty); the same list again is refused.
    let bytes = adm
        .get("/api/v1/events/registrations/export")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let exported = sheet_rows(&bytes, None);
    assert_eq!(exported[0], COLUMNS);
    let issued = exported
        .iter()
        .find(|r| r[2] == "孙丽")
        .expect("the coming event's registration")
        .clone();
    assert_eq!(issued[1], new["ticket_code"].as_str().unwrap());
    let mut expected = good.clone();
    expected.push(row(&[
        ("活动", &coming_key),
        ("票码", &issued[1]),
        ("参会人", "孙丽"),
        ("手机", "13800000006"),
        ("单位", firm),
        ("统一社会信用代码", &uscc),
        ("领域", "企业"),
        ("状态", "已确认"),
        ("报名时间", &issued[9]),
    ]));
    let mut rows = exported[1..].to_vec();
    rows.sort();
    expected.sort();
    assert_eq!(rows, expected);
    let body = crate::refused(
        crate::upload_xlsx(&adm, "/api/v1/events/registrations/import", bytes).await,
        422,
        "import_invalid",
    );
    assert_eq!(crate::problem_cells(&body).len(), 6, "{body}");
    assert!(body.to_string().contains("已登记，请勿重复导入"), "{body}");

    // A confirmed place beyond the event's two is refused by the store.
    let full = vec![
        header.clone(),
        person(&past_key, "周全", "13800000007", &[("状态", "已确认")]),
    ];
    let body = crate::refused(
        crate::upload_xlsx(&adm, "/api/v1/events/registrations/import", xlsx(&full)).await,
        422,
        "import_invalid",
    );
    assert!(body.to_string().contains("名额为2"), "{body}");
    assert_eq!(count().await, 6);

    // Nobody waits for a free place: the coming event has no limit, so a
    // waitlisted row there is refused under 状态, not imported as it stands.
    let waiting = vec![
        header.clone(),
        person(&coming_key, "吴用", "13800000008", &[("状态", "候补")]),
    ];
    let body = crate::refused(
        crate::upload_xlsx(&adm, "/api/v1/events/registrations/import", xlsx(&waiting)).await,
        422,
        "import_invalid",
    );
    assert_eq!(
        crate::problem_cells(&body),
        [(2, "状态".to_string())],
        "{body}"
    );
    assert!(body.to_string().contains("不限名额，不应候补"), "{body}");
    assert_eq!(count().await, 6);

    // A cancelled event confirms nobody any more: its list, someone still
    // waitlisted beside a free place, imports as it stands.
    let gone = event(
        &adm,
        json!({ "title": "已取消的沙龙", "kind": "路演", "starts_on": day(3), "capacity": "1",
                "lead_department_ids": id(&dept) }),
    )
    .await;
    let (status, cancelled) = adm
        .post_json(
            &format!("/api/v1/events/{}/cancel", id(&gone)),
            json!({ "version": gone["version"], "reason": "场地调整" }),
        )
        .await;
    assert_eq!(status, 200, "{cancelled}");
    let list = vec![
        header.clone(),
        person("已取消的沙龙", "冯伟", "13800000010", &[("状态", "候补")]),
    ];
    let (status, done) =
        crate::upload_xlsx(&adm, "/api/v1/events/registrations/import", xlsx(&list)).await;
    assert_eq!(
        (status, done["imported"].clone()),
        (200, json!(1)),
        "{done}"
    );
    assert_eq!(count().await, 7);

    // The page: 导入 Excel with its template, and a refusal in its panel.
    let page = app.browser("admin").await;
    let html = page.get_text("/events/registrations").await;
    assert!(
        html.contains("/api/v1/events/registrations/import/template"),
        "{html}"
    );
    let res = page
        .upload("/events/registrations/import", xlsx(&bad[..3]))
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"import-problems\""), "{html}");
    assert!(html.contains("没有的活动"), "{html}");

    // A clerk's lists name the events the clerk sees: another department's
    // draft of the same title is neither found nor counted for the clerk.
    let other = create_department(&adm, "经济信息委", "JX", None).await;
    let (status, draft) = adm
        .post_json(
            "/api/v1/events",
            json!({ "title": "两城汇", "kind": "路演", "starts_on": day(20),
                    "lead_department_ids": id(&other) }),
        )
        .await;
    assert_eq!(status, 201, "{draft}");
    let clerk = app
        .api_client("kj-lists", Role::Department, Some(id(&dept)), None)
        .await;
    let plain = vec![header.clone(), person("两城汇", "郑义", "13800000009", &[])];
    for (who, n) in [(&clerk, 2), (&adm, 3)] {
        let body = crate::refused(
            crate::upload_xlsx(who, "/api/v1/events/registrations/import", xlsx(&plain)).await,
            422,
            "import_invalid",
        );
        let text = body.to_string();
        assert!(
            text.contains(&format!("有 {n} 个活动名为“两城汇”")),
            "{text}"
        );
    }
}

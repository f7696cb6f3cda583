//! Main journeys in a real browser: Debian's chromium driven by chromedriver.
//! They need `chromium` and `chromium-driver` installed, so they are marked
//! ignored for `cargo test --workspace`; `.ci/run` installs both and runs them
//! with `--ignored`.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use kechuang_domain::auth::Role;
use kechuang_testkit::{spawn_app, TestApp, PASSWORD};
use serde_json::json;

struct Browser {
    client: Client,
    driver: Child,
    _profile: kechuang_testkit::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn browser(width: u32, height: u32) -> Browser {
    let port = free_port();
    let driver =
        Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver must be installed (apt-get install chromium-driver)");
    let profile = kechuang_testkit::TempDir(std::env::temp_dir().join(format!("kc-chrome-{port}")));
    let caps = json!({
        "goog:chromeOptions": {
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--lang=zh-CN", "--accept-lang=zh-CN,zh",
                format!("--user-data-dir={}", profile.0.display()),
                format!("--window-size={width},{height}"),
            ],
            // A Chinese user's browser: the sign-in page follows Accept-Language.
            "prefs": { "intl.accept_languages": "zh-CN,zh" }
        }
    });
    let caps: fantoccini::wd::Capabilities = caps.as_object().unwrap().clone();
    let deadline = Instant::now() + Duration::from_secs(20);
    let client = loop {
        match ClientBuilder::new(HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => break c,
            Err(e) if Instant::now() > deadline => {
                panic!("cannot start chromium through chromedriver: {e}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    };
    Browser {
        client,
        driver,
        _profile: profile,
    }
}

async fn wait_for_text(c: &Client, needle: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let src = c.source().await.unwrap();
        if src.contains(needle) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "page never showed {needle:?}:\n{src}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_until_gone(c: &Client, needle: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while c.source().await.unwrap().contains(needle) {
        assert!(Instant::now() < deadline, "{needle:?} did not disappear");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn sign_in(c: &Client, app: &TestApp, username: &str) {
    c.goto(&app.url("/login")).await.unwrap();
    c.find(Locator::Css("#username"))
        .await
        .unwrap()
        .send_keys(username)
        .await
        .unwrap();
    c.find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, "退出登录").await;
}

async fn seed(app: &TestApp) {
    app.user("clerk", Role::Admin, None, None).await;
    let api = app.api_client("seed", Role::Admin, None, None).await;
    for (i, name) in ["重庆渝新能源汽车有限公司", "重庆大学科技园"]
        .iter()
        .enumerate()
    {
        let code = kechuang_domain::uscc::complete(&format!("91500106MA{:07}", 100 + i))
            .unwrap()
            .to_string();
        let res = api
            .post("/api/v1/orgs")
            .json(&json!({"name": name, "kind": "enterprise", "uscc": code}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
    }
}

#[tokio::test]
#[ignore = "needs chromium + chromium-driver; run by .ci/run with --ignored"]
async fn clerk_searches_registers_and_fixes_an_invalid_form() {
    let app = spawn_app().await;
    seed(&app).await;
    let b = browser(1366, 900).await;
    let c = &b.client;
    sign_in(c, &app, "clerk").await;

    // Typing in the search box narrows the list in place (htmx), no reload.
    c.goto(&app.url("/orgs")).await.unwrap();
    wait_for_text(c, "重庆大学科技园").await;
    c.find(Locator::Css("#q"))
        .await
        .unwrap()
        .send_keys("新能源")
        .await
        .unwrap();
    wait_until_gone(c, "重庆大学科技园").await;
    wait_for_text(c, "重庆渝新能源汽车有限公司").await;
    assert!(
        c.current_url().await.unwrap().as_str().contains("q="),
        "the filtered list has its own address"
    );

    // A wrong credit code comes back beside the field, with the input kept.
    c.goto(&app.url("/orgs/new")).await.unwrap();
    c.find(Locator::Css("#name"))
        .await
        .unwrap()
        .send_keys("浏览器测试公司")
        .await
        .unwrap();
    c.find(Locator::Css("#uscc"))
        .await
        .unwrap()
        .send_keys("91500106MA00000000")
        .await
        .unwrap();
    c.find(Locator::Css("main form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let feedback = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#uscc.is-invalid ~ .invalid-feedback"))
        .await
        .unwrap();
    assert!(feedback.text().await.unwrap().contains("校验"));
    assert_eq!(
        c.find(Locator::Css("#name"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("浏览器测试公司")
    );

    // Corrected, it saves and the detail page greets with a toast.
    let good = kechuang_domain::uscc::complete("91500106MA0000009")
        .unwrap()
        .to_string();
    let uscc = c.find(Locator::Css("#uscc")).await.unwrap();
    uscc.clear().await.unwrap();
    uscc.send_keys(&good).await.unwrap();
    c.find(Locator::Css("main form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let toast = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#toast-container .toast"))
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while !toast.text().await.unwrap().contains("已创建") {
        assert!(
            Instant::now() < deadline,
            "the saved page greets with a 已创建 toast"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(c.current_url().await.unwrap().path().starts_with("/orgs/"));

    // Sign out from the user menu.
    c.find(Locator::Css(".app-user"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::XPath("//button[contains(., '退出登录')]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, "统一登录").await;
    b.client.clone().close().await.unwrap();
}

#[tokio::test]
#[ignore = "needs chromium + chromium-driver; run by .ci/run with --ignored"]
async fn phone_users_open_the_navigation_from_the_menu_button() {
    let app = spawn_app().await;
    seed(&app).await;
    let b = browser(390, 844).await;
    let c = &b.client;
    sign_in(c, &app, "clerk").await;
    c.goto(&app.url("/orgs")).await.unwrap();
    let link = c
        .find(Locator::Css("#app-sidebar a[href='/calendar']"))
        .await
        .unwrap();
    assert!(
        !link.is_displayed().await.unwrap(),
        "navigation is folded away on a phone"
    );
    c.find(Locator::Css(".app-menu-btn"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // Shown, and slid fully into the window (the panel moves in from the
    // left: mid-slide the link is displayed but still partly off screen).
    let deadline = Instant::now() + Duration::from_secs(5);
    let in_view = "const r = arguments[0].getBoundingClientRect(); \
        return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth;";
    loop {
        let arg = vec![serde_json::to_value(&link).unwrap()];
        if link.is_displayed().await.unwrap()
            && c.execute(in_view, arg).await.unwrap() == serde_json::json!(true)
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "menu button did not open the navigation"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    c.execute(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});",
        vec![serde_json::to_value(&link).unwrap()],
    )
    .await
    .unwrap();
    link.click().await.unwrap();
    wait_for_text(c, "工作日计算").await;
    b.client.clone().close().await.unwrap();
}

async fn fill(c: &Client, css: &str, text: &str) {
    let e = c.find(Locator::Css(css)).await.unwrap();
    e.clear().await.unwrap();
    e.send_keys(text).await.unwrap();
}

/// Click an element once it exists, scrolled to the middle of the window
/// at once (Bootstrap makes scrolling smooth, which would move it mid-click).
async fn click(c: &Client, css: &str) {
    let e = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap();
    c.execute(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});",
        vec![serde_json::to_value(&e).unwrap()],
    )
    .await
    .unwrap();
    if let Err(err) = e.click().await {
        let what = c
            .execute(
                "const r = arguments[0].getBoundingClientRect(); return String(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)?.outerHTML).slice(0, 300) + ' @ ' + r.y + ' of ' + window.innerHeight;",
                vec![serde_json::to_value(&e).unwrap()],
            )
            .await
            .unwrap();
        panic!("{css} not clickable ({err}); on top: {what}");
    }
}

#[tokio::test]
#[ignore = "needs chromium + chromium-driver; run by .ci/run with --ignored"]
async fn technology_manager_takes_a_result_through_a_reviewed_gate() {
    let app = spawn_app().await;
    app.user("manager", Role::Broker, None, None).await;
    let b = browser(1366, 900).await;
    let c = &b.client;
    sign_in(c, &app, "manager").await;

    // A new result enters screening.
    c.goto(&app.url("/transfer/projects")).await.unwrap();
    click(c, "a[href='#new-project']").await;
    c.wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css("#new-title"))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    fill(c, "#new-title", "车规级碳化硅功率模块封装技术").await;
    fill(c, "#new-inventors", "张教授:60;陈博士:40").await;
    fill(c, "#new-patents", "ZL202210230000.7").await;
    click(c, "#new-project button[type=submit]").await;
    wait_for_text(c, "发起项目筛选阶段评审").await;

    // A review with one expert's scores.
    click(c, "form[action$='/act/review'] button[type=submit]").await;
    wait_for_text(c, "录入专家评分").await;
    fill(c, "#score-expert_name", "何立新").await;
    fill(c, "#score-scores", "80,75,70,85").await;
    click(c, "form[action$='/act/score'] button[type=submit]").await;
    wait_for_text(c, "何立新").await;

    // Skipping a stage without a reason is refused in place; the choice is kept.
    c.find(Locator::Css(
        "#decide-target option[value='commercialisation']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    fill(c, "#decide-reasons", "评审通过").await;
    click(c, "form[action$='/act/decide'] button[type=submit]").await;
    let err = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#decide-error"))
        .await
        .unwrap();
    assert!(
        err.text().await.unwrap().contains("跳"),
        "explains the skip rule"
    );
    assert_eq!(
        c.find(Locator::Css("#decide-reasons"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("评审通过")
    );

    // Advancing to the next stage needs no reason beyond the decision's.
    c.find(Locator::Css("#decide-target option[value='']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    click(c, "form[action$='/act/decide'] button[type=submit]").await;
    // Found afresh each time: the element of the page before the post goes
    // stale when the answer replaces it.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let stage = match c.find(Locator::Css("#project-stage")).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if stage == "概念验证" {
            break;
        }
        assert!(Instant::now() < deadline, "the project moved to 概念验证");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    b.client.clone().close().await.unwrap();
}

/// Set a form control's value by script (date inputs take typed keys in
/// the browser's locale format).
async fn set_value(c: &Client, css: &str, value: &str) {
    c.execute(
        "document.querySelector(arguments[0]).value = arguments[1];",
        vec![json!(css), json!(value)],
    )
    .await
    .unwrap();
}

#[tokio::test]
#[ignore = "needs chromium + chromium-driver; run by .ci/run with --ignored"]
async fn organiser_publishes_an_event_a_firm_registers_and_staff_check_in_on_a_phone() {
    let app = spawn_app().await;
    let api = app.api_client("seed", Role::Admin, None, None).await;
    let (status, dept) = api
        .post_json(
            "/api/v1/departments",
            json!({ "name": "科技创新局", "code": "KJ", "parent_id": "" }),
        )
        .await;
    assert_eq!(status, 201, "{dept}");
    let code = kechuang_domain::uscc::complete("91500106MA0000301")
        .unwrap()
        .to_string();
    let (status, org) = api
        .post_json(
            "/api/v1/orgs",
            json!({ "name": "重庆渝新能源汽车有限公司", "kind": "enterprise", "uscc": code }),
        )
        .await;
    assert_eq!(status, 201, "{org}");
    let dept_id = dept["id"].as_str().unwrap().to_string();
    app.user("kj", Role::Department, Some(dept_id.clone()), None)
        .await;
    app.user(
        "qiye",
        Role::Enterprise,
        None,
        Some(org["id"].as_str().unwrap().to_string()),
    )
    .await;

    // The organiser drafts an event: a missing name is shown beside the field.
    let staff = browser(1366, 900).await;
    let c = &staff.client;
    sign_in(c, &app, "kj").await;
    c.goto(&app.url("/events/new")).await.unwrap();
    fill(c, "#event-venue", "科学城路演中心").await;
    let today = kechuang_store::clock::today().to_string();
    set_value(c, "#event-starts_on", &today).await;
    click(
        c,
        &format!("#event-lead_department_ids option[value='{dept_id}']"),
    )
    .await;
    click(c, "#event-kind option[value='roadshow']").await;
    click(c, "form[action='/events'] button[type=submit]").await;
    wait_for_text(c, "请填写活动名称").await;
    assert_eq!(
        c.find(Locator::Css("#event-venue"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("科学城路演中心"),
        "what was typed is kept"
    );
    fill(c, "#event-title", "两城汇·硬科技路演").await;
    click(c, "form[action='/events'] button[type=submit]").await;
    wait_for_text(c, "已创建").await;
    // The confirmation sits over the page's buttons until closed.
    click(c, "#toast-container .btn-close").await;
    wait_until_gone(c, "toast-body").await;
    click(c, "form[action$='/act/publish'] button[type=submit]").await;
    wait_for_text(c, "已发布，活动出现在日历").await;
    let event_url = c.current_url().await.unwrap();
    let event_path = event_url.path().to_string();

    // The enterprise registers one of its staff and gets a ticket with a QR code.
    let firm = browser(1366, 900).await;
    let f = &firm.client;
    sign_in(f, &app, "qiye").await;
    f.goto(&app.url(&event_path)).await.unwrap();
    fill(f, "#register-person_name", "张三").await;
    fill(f, "#register-phone", "13900000021").await;
    click(f, "form[action$='/register'] button[type=submit]").await;
    wait_for_text(f, "ticket-code").await;
    assert!(f.source().await.unwrap().contains("<svg"), "the QR code");
    let ticket = f
        .find(Locator::Css("#ticket-code"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    firm.client.clone().close().await.unwrap();

    // At the door, on a phone: the first scan checks in, the second changes nothing.
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&app.url(&format!("{event_path}/checkin")))
        .await
        .unwrap();
    fill(c, "#code", &ticket.to_lowercase()).await;
    click(c, "form[action$='/checkin'] button[type=submit]").await;
    wait_for_text(c, "签到成功").await;
    fill(c, "#code", &ticket).await;
    click(c, "form[action$='/checkin'] button[type=submit]").await;
    wait_for_text(c, "已签到（首次签到").await;
    wait_for_text(c, "已签到 1 人").await;
    staff.client.clone().close().await.unwrap();
}

/// Whether the page scrolls sideways (wider than the window).
async fn scrolls_sideways(c: &Client) -> bool {
    c.execute(
        "return document.documentElement.scrollWidth > window.innerWidth + 1;",
        vec![],
    )
    .await
    .unwrap()
        == json!(true)
}

#[tokio::test]
#[ignore = "needs chromium + chromium-driver; run by .ci/run with --ignored"]
async fn clerk_returns_a_task_by_pressing_enter_in_the_reason_and_works_on_a_phone() {
    let app = spawn_app().await;
    let api = app.api_client("seed", Role::Admin, None, None).await;
    let (status, dept) = api
        .post_json(
            "/api/v1/departments",
            json!({ "name": "科技创新局", "code": "KJ", "parent_id": "" }),
        )
        .await;
    assert_eq!(status, 201, "{dept}");
    let dept_id = dept["id"].as_str().unwrap().to_string();
    let code = kechuang_domain::uscc::complete("91500106MA0000401")
        .unwrap()
        .to_string();
    let (status, org) = api
        .post_json(
            "/api/v1/orgs",
            json!({ "name": "重庆渝新能源汽车有限公司", "kind": "enterprise", "uscc": code }),
        )
        .await;
    assert_eq!(status, 201, "{org}");
    app.user("kj", Role::Department, Some(dept_id.clone()), None)
        .await;
    let (_, cats) = kechuang_testkit::Api::json(api.get("/api/v1/case-categories")).await;
    let category = cats[0]["id"].as_str().unwrap().to_string();
    // Two cases dispatched to the bureau: one to return, one for its workbench.
    let mut cases = vec![];
    for title in [
        "研发中心用电增容申请",
        "新能源汽车零部件企业厂房消防验收排期过长影响投产",
    ] {
        let (status, c) = api
            .post_json(
                "/api/v1/cases",
                json!({ "title": title, "description": "请协调", "category_id": category,
                        "org_id": org["id"], "channel": "hotline" }),
            )
            .await;
        assert_eq!(status, 201, "{c}");
        let (status, d) = api
            .post_json(
                &format!("/api/v1/cases/{}/dispatch", c["id"].as_str().unwrap()),
                json!({ "version": c["version"], "lead_department_id": dept_id }),
            )
            .await;
        assert_eq!(status, 200, "{d}");
        cases.push(c);
    }
    let case_id = cases[0]["id"].as_str().unwrap().to_string();
    let lead_task = |d: &serde_json::Value| d["tasks"][0].clone();

    // Signed in, the clerk lands on the workbench with the task to sign for.
    let b = browser(1366, 900).await;
    let c = &b.client;
    sign_in(c, &app, "kj").await;
    assert_eq!(c.current_url().await.unwrap().path(), "/cases/workbench");
    wait_for_text(c, "本部门待签收（2）").await;
    click(c, &format!("a.work-title[href='/cases/{case_id}']")).await;
    wait_for_text(c, "本部门任务").await;

    // Enter in the empty reason box: refused beside the box, nothing signed for.
    let reason = c
        .find(Locator::Css("form.task-return input[name=note]"))
        .await
        .unwrap();
    reason.send_keys("\u{E007}").await.unwrap();
    let feedback = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(
            "form.task-return input.is-invalid ~ .invalid-feedback",
        ))
        .await
        .unwrap();
    assert_eq!(feedback.text().await.unwrap(), "请填写退回原因");
    let d = api.get_ok(&format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(lead_task(&d)["status"], "pending");

    // A reason and Enter: the task is returned with that reason, not signed for.
    let why = "不属于本局职责，建议由消防救援支队主办";
    c.find(Locator::Css("form.task-return input[name=note]"))
        .await
        .unwrap()
        .send_keys(&format!("{why}\u{E007}"))
        .await
        .unwrap();
    wait_for_text(c, "任务已退回").await;
    let d = api.get_ok(&format!("/api/v1/cases/{case_id}")).await;
    let t = lead_task(&d);
    assert_eq!(t["status"], "returned", "{t}");
    assert_eq!(t["returned_reason"], why);
    assert_eq!(d["case"]["status"], "submitted");
    let timeline = d["timeline"].to_string();
    assert!(!timeline.contains("签收"), "never signed for: {timeline}");

    // On a phone (390×844) the workbench's titles use the width, and the
    // everyday lists do not scroll sideways.
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&app.url("/cases/workbench")).await.unwrap();
    wait_for_text(c, "厂房消防验收排期过长").await;
    let title = c.find(Locator::Css("a.work-title")).await.unwrap();
    assert!(title.text().await.unwrap().contains("厂房消防验收排期过长"));
    let (w, h) = {
        let r = c
            .execute(
                "const r = arguments[0].getBoundingClientRect(); return [r.width, r.height];",
                vec![serde_json::to_value(&title).unwrap()],
            )
            .await
            .unwrap();
        (r[0].as_f64().unwrap(), r[1].as_f64().unwrap())
    };
    // 24 characters: two or three lines across the phone, not a column of one per line.
    assert!(
        w > 200.0 && h < 80.0,
        "a title runs across the width, not down a column: {w}×{h}"
    );
    for page in [
        "/cases/workbench",
        "/cases",
        "/messages",
        "/orgs",
        "/events",
    ] {
        c.goto(&app.url(page)).await.unwrap();
        wait_for_text(c, "退出登录").await;
        assert!(
            !scrolls_sideways(c).await,
            "{page} scrolls sideways at 390 px"
        );
    }
    b.client.clone().close().await.unwrap();
}

#[tokio::test]
#[ignore = "needs chromium + chromium-driver; run by .ci/run with --ignored"]
async fn an_enterprise_posts_a_need_a_broker_matches_it_and_signs_a_cooperation() {
    let app = spawn_app().await;
    let api = app.api_client("seed", Role::Admin, None, None).await;
    let mut orgs = vec![];
    for (i, (name, kind)) in [
        ("重庆渝新能源汽车有限公司", "enterprise"),
        ("重庆大学", "university"),
    ]
    .iter()
    .enumerate()
    {
        let code = kechuang_domain::uscc::complete(&format!("91500106MA{:07}", 400 + i))
            .unwrap()
            .to_string();
        let (status, org) = api
            .post_json(
                "/api/v1/orgs",
                json!({ "name": name, "kind": kind, "uscc": code }),
            )
            .await;
        assert_eq!(status, 201, "{org}");
        orgs.push(org["id"].as_str().unwrap().to_string());
    }
    app.user("qiye", Role::Enterprise, None, Some(orgs[0].clone()))
        .await;
    app.user("jingjiren", Role::Broker, None, None).await;
    let uni = app
        .api_client("daxue", Role::Enterprise, None, Some(orgs[1].clone()))
        .await;
    let (status, offer) = uni
        .post_json(
            "/api/v1/matching/offers",
            json!({ "kind": "result", "title": "电动汽车全固态电池电解质界面改性技术",
                    "description": "固态电解质与正极界面改性，界面阻抗降低一个数量级，已完成中试",
                    "keywords": "固态电解质、界面阻抗、电动汽车", "trl": "5", "modes": "许可,合作开发" }),
        )
        .await;
    assert_eq!(status, 201, "{offer}");
    let (status, _) = api
        .post_json(
            &format!(
                "/api/v1/matching/offers/{}/publish",
                offer["id"].as_str().unwrap()
            ),
            json!({ "version": offer["version"] }),
        )
        .await;
    assert_eq!(status, 200);

    // The enterprise posts its need; a missing title is shown in place.
    let firm = browser(1366, 900).await;
    let f = &firm.client;
    sign_in(f, &app, "qiye").await;
    f.goto(&app.url("/matching/needs")).await.unwrap();
    click(f, "a[href='#new-need']").await;
    f.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#new-need.show"))
        .await
        .unwrap();
    fill(f, "#need-keywords", "固态电池、固态电解质、界面阻抗").await;
    click(f, "#need-modes-joint_development").await;
    click(f, "form[action='/matching/needs'] button[value='true']").await;
    wait_for_text(f, "请填写").await;
    fill(f, "#need-title", "动力电池固态电解质界面阻抗优化").await;
    fill(
        f,
        "#need-description",
        "我司固态电池样品循环寿命不足，需降低电解质与正极界面阻抗",
    )
    .await;
    click(f, "form[action='/matching/needs'] button[value='true']").await;
    wait_for_text(f, "已提交审核").await;
    let need_path = f.current_url().await.unwrap().path().to_string();
    firm.client.clone().close().await.unwrap();

    // The broker publishes it and sees the offer ranked with its reasons.
    let staff = browser(1366, 900).await;
    let c = &staff.client;
    sign_in(c, &app, "jingjiren").await;
    c.goto(&app.url(&need_path)).await.unwrap();
    click(c, "form[action$='/act/publish'] button[type=submit]").await;
    wait_for_text(c, "已发布，参与匹配").await;
    wait_for_text(c, "电动汽车全固态电池电解质界面改性技术").await;
    wait_for_text(c, "固态电解质").await;
    click(c, "#toast-container .btn-close").await;
    wait_until_gone(c, "toast-body").await;

    // A lead from the match, worked to 方案洽谈 and signed.
    fill(
        c,
        "input[name='next_step']",
        "约双方到重庆大学实验室现场交流",
    )
    .await;
    click(c, "form[action='/matching/leads'] button[type=submit]").await;
    wait_for_text(c, "撮合线索已建立").await;
    for label in ["推进到“需求确认”", "推进到“方案洽谈”"] {
        click(c, "#toast-container .btn-close").await;
        wait_until_gone(c, "toast-body").await;
        wait_for_text(c, label).await;
        click(c, "form[action$='/act/stage'] button[type=submit]").await;
        wait_for_text(c, "线索已推进到下一阶段").await;
    }
    click(c, "#toast-container .btn-close").await;
    wait_until_gone(c, "toast-body").await;
    fill(c, "#sign-amount", "1,200,000").await;
    click(c, "form[action$='/act/sign'] button[type=submit]").await;
    wait_for_text(c, "已签约，合作项目已登记").await;

    // The cooperation counts on the overview.
    c.goto(&app.url("/matching/projects")).await.unwrap();
    wait_for_text(c, "动力电池固态电解质界面阻抗优化").await;
    wait_for_text(c, "1,200,000.00").await;
    staff.client.clone().close().await.unwrap();
}

#[tokio::test]
#[ignore = "needs chromium + chromium-driver; run by .ci/run with --ignored"]
async fn an_international_talent_switches_to_english_and_asks_for_two_services_on_a_phone() {
    let app = spawn_app().await;
    let api = app.api_client("seed", Role::Admin, None, None).await;
    let post = |path: &'static str, body: serde_json::Value| {
        let api = &api;
        async move {
            let (status, v) = api.post_json(path, body).await;
            assert_eq!(status, 201, "{path}: {v}");
            v["id"].as_str().unwrap().to_string()
        }
    };
    let zw = post(
        "/api/v1/departments",
        json!({ "name": "政务服务中心", "code": "ZW", "parent_id": "" }),
    )
    .await;
    let rc = post(
        "/api/v1/departments",
        json!({ "name": "人才服务局", "code": "RC", "parent_id": "" }),
    )
    .await;
    let code = kechuang_domain::uscc::complete("91500106MA0000501")
        .unwrap()
        .to_string();
    let lab = post(
        "/api/v1/orgs",
        json!({ "name": "金凤实验室", "kind": "institute", "uscc": code }),
    )
    .await;
    let permit = post(
        "/api/v1/case-categories",
        json!({ "code": "work_permit", "name": "外国人工作许可", "lead_department_id": zw, "time_limit_days": 10, "task_limit_days": 10, "warn_days": 2, "rating_days": 5 }),
    )
    .await;
    let school = post(
        "/api/v1/case-categories",
        json!({ "code": "schooling", "name": "子女入学", "lead_department_id": rc, "time_limit_days": 15, "task_limit_days": 15, "warn_days": 2, "rating_days": 5 }),
    )
    .await;
    let tier = post(
        "/api/v1/talent/tiers",
        json!({ "code": "leading", "name": "领军人才", "name_en": "Leading talent" }),
    )
    .await;
    let permit_item = post(
        "/api/v1/talent/services",
        json!({ "category_id": permit, "name_en": "Work permit", "documents_en": "Passport" }),
    )
    .await;
    let school_item = post(
        "/api/v1/talent/services",
        json!({ "category_id": school, "name_en": "School place" }),
    )
    .await;
    let user = app.user("rencai", Role::Talent, None, None).await;
    post(
        "/api/v1/talent/talents",
        json!({ "name_latin": "Anna WEBER", "nationality": "德国", "tier_id": tier, "employer_org_id": lab, "user_id": user }),
    )
    .await;

    // On a phone, in a Chinese browser: the talent's home, then English.
    let b = browser(390, 844).await;
    let c = &b.client;
    sign_in(c, &app, "rencai").await;
    wait_for_text(c, "我的人才服务").await;
    click(c, "#lang-switch button[value='en']").await;
    wait_for_text(c, "My talent services").await;
    wait_for_text(c, "Language changed").await;
    assert!(!scrolls_sideways(c).await, "the page fits the phone");
    // Nothing ticked: said in place, in English.
    fill(
        c,
        "#request-text",
        "I need a work permit and a school place for my son.",
    )
    .await;
    click(c, "#request-form button[type=submit]").await;
    wait_for_text(c, "Please choose at least one service").await;
    click(c, &format!("#service-{permit_item}")).await;
    click(c, &format!("#service-{school_item}")).await;
    click(c, "#request-form button[type=submit]").await;
    wait_for_text(c, "Submitted: the departments have it").await;
    wait_for_text(c, "Sent to the departments").await;
    wait_for_text(c, "School place").await;
    // The choice is remembered: the next page is English too.
    c.goto(&app.url("/talent")).await.unwrap();
    wait_for_text(c, "My requests").await;
    wait_for_text(c, "In progress").await;
    b.client.clone().close().await.unwrap();
}

#[tokio::test]
#[ignore = "needs chromium + chromium-driver; run by .ci/run with --ignored"]
async fn a_leader_reads_the_cockpit_charts_and_opens_the_records_behind_a_figure() {
    let app = spawn_app().await;
    seed(&app).await;
    app.user("lingdao", Role::Leader, None, None).await;
    let api = app.api_client("seed2", Role::Admin, None, None).await;
    let (status, dep) = api
        .post_json(
            "/api/v1/departments",
            json!({ "name": "政务服务中心", "code": "ZW", "parent_id": "" }),
        )
        .await;
    assert_eq!(status, 201, "{dep}");
    let (status, cat) = api
        .post_json(
            "/api/v1/case-categories",
            json!({ "code": "permit", "name": "审批服务", "lead_department_id": dep["id"], "time_limit_days": 10, "task_limit_days": 10, "warn_days": 2, "rating_days": 5 }),
        )
        .await;
    assert_eq!(status, 201, "{cat}");
    let orgs = api.get_ok("/api/v1/orgs").await;
    let org = orgs["items"][0]["id"].clone();
    for t in ["环评审批周期过长", "施工许可办理进度慢"] {
        let (status, c) = api
            .post_json(
                "/api/v1/cases",
                json!({ "title": t, "category_id": cat["id"], "org_id": org, "channel": "visit" }),
            )
            .await;
        assert_eq!(status, 201, "{c}");
    }

    let b = browser(1280, 900).await;
    let c = &b.client;
    sign_in(c, &app, "lingdao").await;
    click(c, "a[href='/cockpit']").await;
    wait_for_text(c, "受理诉求").await;
    wait_for_text(c, "2件").await;
    // ECharts drew the trends and the department race (as SVG) under the
    // CSP, from the figures beside each chart.
    charts_drawn(c, "#trends .chart").await;
    charts_drawn(c, "[data-chart='race-chart']").await;
    // The quarter view, then the records behind the figure.
    click(c, "a[href='/cockpit?kind=quarter']").await;
    wait_for_text(c, "季度").await;
    click(c, "#ind-cases_received a").await;
    wait_for_text(c, "环评审批周期过长").await;
    wait_for_text(c, "施工许可办理进度慢").await;
    // The big screen: the headline figures and its charts, dark, on 1920×1080.
    c.goto(&app.url("/cockpit")).await.unwrap();
    click(c, "#big-screen").await;
    wait_for_text(c, "科创服务驾驶舱").await;
    wait_for_text(c, "2件").await;
    charts_drawn(c, ".screen-charts .chart").await;
    b.client.clone().close().await.unwrap();
}

/// Wait until ECharts has drawn (as SVG) every chart box matching `css`.
async fn charts_drawn(c: &Client, css: &str) {
    let script = format!(
        "var boxes = document.querySelectorAll(\"{css}\"); \
         return boxes.length > 0 && Array.prototype.every.call(boxes, function (b) {{ return b.querySelector('svg'); }});"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let drawn = c.execute(&script, vec![]).await.unwrap();
        if drawn.as_bool() == Some(true) {
            return;
        }
        assert!(Instant::now() < deadline, "{css}: not drawn");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
#[ignore = "needs chromium + chromium-driver; run by .ci/run with --ignored"]
async fn an_enterprise_applies_for_a_tiered_loan_on_a_phone_and_follows_it_to_approval() {
    let app = spawn_app().await;
    let api = app.api_client("seed", Role::Admin, None, None).await;
    let (status, dept) = api
        .post_json(
            "/api/v1/departments",
            json!({ "name": "科技创新局", "code": "KJ", "funding": true }),
        )
        .await;
    assert_eq!(status, 201, "{dept}");
    let (status, tier) = api
        .post_json(
            "/api/v1/transfer/loan-tiers",
            json!({"name": "高企贷", "min_level": "high_tech", "limit_yuan": "5000000",
                   "rate_percent": "3.65", "subsidy_percent": "1.5", "guarantee_percent": "40"}),
        )
        .await;
    assert_eq!(status, 201, "{tier}");
    let code = kechuang_domain::uscc::complete("91500106MA0000401")
        .unwrap()
        .to_string();
    let (status, org) = api
        .post_json(
            "/api/v1/orgs",
            json!({ "name": "重庆融资示范科技有限公司", "kind": "enterprise", "uscc": code,
                    "is_high_tech": true }),
        )
        .await;
    assert_eq!(status, 201, "{org}");
    app.user(
        "qiye",
        Role::Enterprise,
        None,
        Some(org["id"].as_str().unwrap().to_string()),
    )
    .await;
    app.user(
        "kj",
        Role::Department,
        Some(dept["id"].as_str().unwrap().to_string()),
        None,
    )
    .await;

    // On a phone: from the home page to the application form.
    let phone = browser(390, 844).await;
    let f = &phone.client;
    sign_in(f, &app, "qiye").await;
    click(f, "#my-funding a[href='/firm/loans/new']").await;
    wait_for_text(f, "提交申请").await;
    assert!(!scrolls_sideways(f).await, "the form fits the phone");
    // A wrong amount is shown beside its field; what was typed stays.
    fill(f, "#apply-requested_yuan", "三百万").await;
    fill(f, "#apply-bank", "重庆农村商业银行科学城支行").await;
    click(f, "#apply-form button[type=submit]").await;
    wait_for_text(f, "is-invalid").await;
    assert_eq!(
        f.find(Locator::Css("#apply-bank"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("重庆农村商业银行科学城支行")
    );
    fill(f, "#apply-requested_yuan", "3000000").await;
    click(f, "#apply-form button[type=submit]").await;
    wait_for_text(f, "等待资金业务部门审批").await;
    let loan_path = f.current_url().await.unwrap().path().to_string();
    assert!(!scrolls_sideways(f).await, "the loan page fits the phone");

    // The science bureau approves it on its desk.
    let desk = browser(1366, 900).await;
    let c = &desk.client;
    sign_in(c, &app, "kj").await;
    c.goto(&app.url("/messages")).await.unwrap();
    wait_for_text(c, "企业在线申请梯度贷").await;
    let staff_path = loan_path.replace("/firm/", "/transfer/");
    c.goto(&app.url(&staff_path)).await.unwrap();
    wait_for_text(c, "企业在线申请").await;
    fill(c, "#decide-amount_yuan", "2500000").await;
    fill(c, "#decide-reason", "按订单规模核定").await;
    click(c, "form[action$='/act/decide'] button[type=submit]").await;
    wait_for_text(c, "已审批待放款").await;
    desk.client.clone().close().await.unwrap();

    // Back on the phone: the decision, the amount and the reason.
    f.goto(&app.url(&loan_path)).await.unwrap();
    wait_for_text(f, "审批意见：按订单规模核定").await;
    wait_for_text(f, "2,500,000.00").await;
    f.goto(&app.url("/messages")).await.unwrap();
    wait_for_text(f, "已审批通过").await;
    phone.client.clone().close().await.unwrap();
}

#[tokio::test]
#[ignore = "needs chromium + chromium-driver; run by .ci/run with --ignored"]
async fn an_enterprise_applies_for_grant_to_equity_on_a_phone_and_the_bureau_signs_from_it() {
    let app = spawn_app().await;
    let api = app.api_client("seed", Role::Admin, None, None).await;
    let (status, dept) = api
        .post_json(
            "/api/v1/departments",
            json!({ "name": "科技创新局", "code": "KJ", "funding": true }),
        )
        .await;
    assert_eq!(status, 201, "{dept}");
    let (status, pool) = api
        .post_json(
            "/api/v1/transfer/pools",
            json!({ "name": "先投后股资金池", "budget_yuan": "20000000" }),
        )
        .await;
    assert_eq!(status, 201, "{pool}");
    let code = kechuang_domain::uscc::complete("91500106MA0000402")
        .unwrap()
        .to_string();
    let (status, org) = api
        .post_json(
            "/api/v1/orgs",
            json!({ "name": "重庆固态电池示范有限公司", "kind": "enterprise", "uscc": code }),
        )
        .await;
    assert_eq!(status, 201, "{org}");
    app.user(
        "qiye",
        Role::Enterprise,
        None,
        Some(org["id"].as_str().unwrap().to_string()),
    )
    .await;
    app.user(
        "kj",
        Role::Department,
        Some(dept["id"].as_str().unwrap().to_string()),
        None,
    )
    .await;

    // On a phone: 我的融资 → 申请先投后股; a wrong amount is refused in place.
    let phone = browser(390, 844).await;
    let f = &phone.client;
    sign_in(f, &app, "qiye").await;
    f.goto(&app.url("/firm/funding")).await.unwrap();
    click(f, "#apply-equity").await;
    wait_for_text(f, "提交申请").await;
    fill(f, "#equity-project_name", "固态电解质中试").await;
    fill(f, "#equity-requested_yuan", "两百万").await;
    fill(f, "#equity-summary", "实验室验证完成，拟建中试线").await;
    fill(f, "#equity-use_of_funds", "中试设备").await;
    click(f, "#equity-form button[type=submit]").await;
    wait_for_text(f, "is-invalid").await;
    assert_eq!(
        f.find(Locator::Css("#equity-project_name"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("固态电解质中试")
    );
    fill(f, "#equity-requested_yuan", "2000000").await;
    click(f, "#equity-form button[type=submit]").await;
    wait_for_text(f, "等待资金业务部门审批").await;
    assert!(!scrolls_sideways(f).await, "the application fits the phone");
    let mine = f.current_url().await.unwrap().path().to_string();
    let id = mine.rsplit('/').next().unwrap().to_string();

    // The bureau approves it and signs the agreement from it.
    let desk = browser(1366, 900).await;
    let c = &desk.client;
    sign_in(c, &app, "kj").await;
    c.goto(&app.url("/messages")).await.unwrap();
    wait_for_text(c, "企业在线申请先投后股").await;
    c.goto(&app.url(&format!("/transfer/grant-equity-applications/{id}")))
        .await
        .unwrap();
    fill(c, "#decide-note", "同意立项").await;
    click(c, "#decide-form button[type=submit]").await;
    wait_for_text(c, "据此签订协议").await;
    click(c, "#sign-agreement").await;
    wait_for_text(c, "据企业的先投后股申请签订").await;
    c.wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css("#new-agreement.show"))
        .await
        .unwrap();
    fill(c, "#agreement-agreement_no", "XTHG-2026-101").await;
    fill(c, "#agreement-platform", "重庆科学城科创投资集团有限公司").await;
    fill(c, "#agreement-min_round_yuan", "5000000").await;
    click(c, "#agreement-form button[type=submit]").await;
    wait_for_text(c, "拨付记录").await;
    desk.client.clone().close().await.unwrap();

    // Back on the phone: the application is signed, the agreement is listed.
    f.goto(&app.url("/firm/funding")).await.unwrap();
    wait_for_text(f, "已签协议").await;
    wait_for_text(f, "XTHG-2026-101").await;
    assert!(!scrolls_sideways(f).await, "我的融资 fits the phone");
    f.goto(&app.url("/messages")).await.unwrap();
    wait_for_text(f, "已签订协议").await;
    phone.client.clone().close().await.unwrap();
}

#[tokio::test]
#[ignore = "needs chromium + chromium-driver; run by .ci/run with --ignored"]
async fn an_assistant_reports_on_a_phone_the_instructor_answers_and_the_office_interviews_the_officer(
) {
    let app = spawn_app().await;
    let api = app.api_client("seed", Role::Admin, None, None).await;
    app.user("dangqun", Role::PartyWorker, None, None).await;
    let zhushou = app.user("zhushou", Role::Instructor, None, None).await;
    let zhidao = app.user("zhidao", Role::Instructor, None, None).await;
    let staff = |body: serde_json::Value| {
        let api = &api;
        async move {
            let (status, s) = api.post_json("/api/v1/party/staff", body).await;
            assert_eq!(status, 201, "{s}");
            s["id"].as_str().unwrap().to_string()
        }
    };
    let officer = staff(json!({"name": "周建华", "staff_role": "service_officer"})).await;
    staff(json!({"name": "李晓", "staff_role": "assistant", "assistant_of": officer, "user_id": zhushou})).await;
    let instructor =
        staff(json!({"name": "刘文静", "staff_role": "instructor", "user_id": zhidao})).await;

    // The assistant, on a phone, reports to the instructor.
    let b = browser(390, 844).await;
    let c = &b.client;
    sign_in(c, &app, "zhushou").await;
    c.goto(&app.url("/party/threads")).await.unwrap();
    click(c, "a[href='#new-thread']").await;
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#new-thread.show #new-instructor_id"))
        .await
        .unwrap();
    // Sending with nothing typed: each field says what is missing.
    click(c, "#new-thread button[type=submit]").await;
    wait_for_text(c, "请填写主题").await;
    set_value(c, "#new-instructor_id", &instructor).await;
    fill(c, "#new-subject", "企业党支部换届准备").await;
    fill(c, "#new-body", "支部书记拟调整，请指导换届程序").await;
    click(c, "#new-thread button[type=submit]").await;
    wait_for_text(c, "支部书记拟调整，请指导换届程序").await;
    assert!(!scrolls_sideways(c).await, "the thread fits the phone");
    drop(b);

    // The instructor sees the unread report, opens it and answers.
    let b = browser(1366, 900).await;
    let c = &b.client;
    sign_in(c, &app, "zhidao").await;
    c.goto(&app.url("/party/threads")).await.unwrap();
    wait_for_text(c, "1 条未读").await;
    click(c, "tr.thread-row a").await;
    wait_for_text(c, "支部书记拟调整").await;
    fill(c, "#post-body", "先摸清党员人数，按程序报送换届请示").await;
    click(c, "form[action$='/act/post'] button[type=submit]").await;
    wait_for_text(c, "留言已发送").await;
    c.goto(&app.url("/party/threads")).await.unwrap();
    wait_for_text(c, "企业党支部换届准备").await;
    assert!(!c.source().await.unwrap().contains("条未读"));
    drop(b);

    // The party-building office interviews the officer by name and records the follow-up.
    let b = browser(1366, 900).await;
    let c = &b.client;
    sign_in(c, &app, "dangqun").await;
    c.goto(&app.url("/party/accountability")).await.unwrap();
    click(c, "a[href='#new-record']").await;
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#new-record.show #new-staff_id"))
        .await
        .unwrap();
    set_value(c, "#new-staff_id", &officer).await;
    fill(c, "#new-reason", "联系企业诉求超期未跟进").await;
    click(c, "#new-record button[type=submit]").await;
    wait_for_text(c, "约谈首席服务官：周建华").await;
    fill(c, "#edit-outcome", "表态一个月内逐户回访").await;
    set_value(
        c,
        "#edit-closed_on",
        &kechuang_store::clock::today().to_string(),
    )
    .await;
    click(c, "form[action$='/act/edit'] button[type=submit]").await;
    wait_for_text(c, "已保存").await;
    wait_for_text(c, "表态一个月内逐户回访").await;
}

/// Whether the tree row of the organisation named `name` shows.
async fn row_shown(c: &Client, name: &str) -> bool {
    let link = c
        .find(Locator::XPath(&format!(
            "//table[@id='tree']//a[text()='{name}']"
        )))
        .await
        .unwrap();
    link.is_displayed().await.unwrap()
}

#[tokio::test]
#[ignore = "needs chromium + chromium-driver; run by .ci/run with --ignored"]
async fn a_party_worker_folds_and_unfolds_the_organisation_tree() {
    use kechuang_domain::party::PartyOrgKind;
    use kechuang_store::party::network::{create, PartyOrgInput};
    let app = spawn_app().await;
    app.user("office", Role::PartyWorker, None, None).await;
    let org = |parent: Option<&str>, name: &str, kind| PartyOrgInput {
        parent_id: parent.map(String::from),
        name: name.into(),
        kind,
        chain_id: None,
        founded_on: None,
        secretary: String::new(),
        venue: String::new(),
        sort_order: None,
    };
    let db = &app.db;
    let add = |i| async move { create(db, "test", i).await.unwrap().id };
    let root = add(org(None, "西部科学城党工委", PartyOrgKind::JointCommittee)).await;
    let committee = add(org(
        Some(&root),
        "科技园联合党委",
        PartyOrgKind::JointCommittee,
    ))
    .await;
    for name in ["第一党支部", "第二党支部"] {
        add(org(Some(&committee), name, PartyOrgKind::Branch)).await;
    }
    let b = browser(1280, 900).await;
    let c = &b.client;
    sign_in(c, &app, "office").await;
    c.goto(&app.url("/party")).await.unwrap();
    wait_for_text(c, "全部展开").await;
    // The top two levels show; the branches under the committee start folded.
    assert!(row_shown(c, "西部科学城党工委").await && row_shown(c, "科技园联合党委").await);
    assert!(
        !row_shown(c, "第一党支部").await,
        "deeper levels start folded"
    );
    click(
        c,
        &format!("tr[data-path$='/{committee}/'] [data-tree-toggle]"),
    )
    .await;
    assert!(row_shown(c, "第一党支部").await && row_shown(c, "第二党支部").await);
    click(c, "[data-tree-all='collapse']").await;
    assert!(!row_shown(c, "科技园联合党委").await && !row_shown(c, "第二党支部").await);
    assert!(row_shown(c, "西部科学城党工委").await);
    click(c, "[data-tree-all='expand']").await;
    assert!(row_shown(c, "第二党支部").await);
    b.client.clone().close().await.unwrap();
}

#[tokio::test]
#[ignore = "needs chromium + chromium-driver; run by .ci/run with --ignored"]
async fn a_party_worker_finds_one_of_two_namesakes_in_a_long_picker() {
    let app = spawn_app().await;
    let api = app
        .api_client("office", Role::PartyWorker, None, None)
        .await;
    let mut branches = vec![];
    for name in ["第一党支部", "第二党支部"] {
        let (status, o) = api
            .post_json(
                "/api/v1/party/orgs",
                json!({"name": name, "kind": "branch"}),
            )
            .await;
        assert_eq!(status, 201, "{o}");
        branches.push(o["id"].as_str().unwrap().to_string());
    }
    // 40 members of the first branch, one of them 周雪梅; another 周雪梅 in the second.
    let names = (1..40)
        .map(|k| (0, format!("党员{k:02}")))
        .chain([(0, "周雪梅".to_string()), (1, "周雪梅".to_string())]);
    for (branch, name) in names {
        let (status, m) = api
            .post_json(
                "/api/v1/party/members",
                json!({"party_org_id": branches[branch], "name": name, "applied_on": "2015-03-01",
                       "activist_on": "2015-09-01", "candidate_on": "2016-09-01",
                       "probationary_on": "2017-03-01", "full_on": "2018-03-01"}),
            )
            .await;
        assert_eq!(status, 201, "{m}");
    }
    let (status, team) = api
        .post_json("/api/v1/party/teams", json!({"name": "与企同行先锋队"}))
        .await;
    assert_eq!(status, 201, "{team}");
    let b = browser(1280, 900).await;
    let c = &b.client;
    sign_in(c, &app, "office").await;
    c.goto(&app.url(&format!("/party/teams/{}", team["id"].as_str().unwrap())))
        .await
        .unwrap();
    // The picker of 41 members has a filter box; typing narrows it to one.
    click(c, "input.select-search").await;
    fill(c, "input.select-search", "周雪梅（第二").await;
    let chosen = c
        .execute(
            "const s = document.querySelector('select[name=member_id]'); \
             return [s.options[s.selectedIndex].text, [...s.options].filter(o => !o.hidden).length];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(chosen, json!(["周雪梅（第二党支部）", 1]));
    // Enter in the filter box does not submit the form.
    c.find(Locator::Css("input.select-search"))
        .await
        .unwrap()
        .send_keys("\u{E007}")
        .await
        .unwrap();
    assert!(c.source().await.unwrap().contains("暂无队员"));
    click(c, "form[action$='/act/add'] button[type=submit]").await;
    wait_for_text(c, "队员（1 名）").await;
    let list = c
        .find(Locator::Css("#team-members"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        list.contains("周雪梅") && list.contains("第二党支部"),
        "{list}"
    );
    b.client.clone().close().await.unwrap();
}

#[tokio::test]
#[ignore = "needs chromium + chromium-driver; run by .ci/run with --ignored"]
async fn every_page_in_the_navigation_fits_a_phone() {
    let app = spawn_app().await;
    seed(&app).await;
    let b = browser(390, 844).await;
    let c = &b.client;
    sign_in(c, &app, "clerk").await;
    c.goto(&app.url("/")).await.unwrap();
    let links = c
        .execute(
            "return [...new Set([...document.querySelectorAll('#app-sidebar a[href^=\"/\"]')]\
               .map(a => a.getAttribute('href')).filter(h => !h.startsWith('/api/')))];",
            vec![],
        )
        .await
        .unwrap();
    let links: Vec<String> = serde_json::from_value(links).unwrap();
    assert!(links.len() > 30, "{links:?}");
    // Tables wider than the window (a table scrolling in its own box
    // still hides columns), and the page itself scrolling sideways.
    let too_wide = "return [...document.querySelectorAll('table')]\
        .filter(t => t.offsetParent !== null && t.getBoundingClientRect().width > window.innerWidth + 1)\
        .map(t => t.id || t.className);";
    let mut wide = vec![];
    for link in &links {
        c.goto(&app.url(link)).await.unwrap();
        wait_for_text(c, "退出登录").await;
        let tables = c.execute(too_wide, vec![]).await.unwrap();
        if tables != json!([]) || scrolls_sideways(c).await {
            wide.push(format!("{link}: {tables}"));
        }
    }
    assert!(wide.is_empty(), "wider than a phone:\n{}", wide.join("\n"));
    b.client.clone().close().await.unwrap();
}

#[tokio::test]
#[ignore = "needs chromium + chromium-driver; run by .ci/run with --ignored"]
async fn a_clerk_hides_a_column_of_a_wide_list_and_it_stays_hidden() {
    let app = spawn_app().await;
    seed(&app).await;
    let b = browser(1280, 900).await;
    let c = &b.client;
    sign_in(c, &app, "clerk").await;
    c.goto(&app.url("/orgs")).await.unwrap();
    wait_for_text(c, "显示列").await;
    let shown = "return [...document.querySelectorAll('table.table thead th')]\
        .filter(th => th.offsetParent !== null).map(th => th.textContent.trim());";
    let before: Vec<String> =
        serde_json::from_value(c.execute(shown, vec![]).await.unwrap()).unwrap();
    assert!(before.len() >= 6, "{before:?}");
    let gone = before[1].clone();
    click(c, ".columns-menu button").await;
    click(c, ".columns-menu input[type=checkbox]").await;
    let after: Vec<String> =
        serde_json::from_value(c.execute(shown, vec![]).await.unwrap()).unwrap();
    assert_eq!(after.len(), before.len() - 1, "{after:?}");
    assert!(!after.contains(&gone));
    // The body's cells go with their heading.
    let widths = "const t = document.querySelector('table.table'); \
        return [...t.tBodies[0].rows].every(r => [...r.cells].filter(c => c.offsetParent !== null).length === arguments[0]);";
    assert_eq!(
        c.execute(widths, vec![json!(after.len())]).await.unwrap(),
        json!(true)
    );
    // Another visit, and a sort that htmx brings in, keep the choice.
    c.goto(&app.url("/orgs")).await.unwrap();
    wait_for_text(c, "显示列").await;
    let again: Vec<String> =
        serde_json::from_value(c.execute(shown, vec![]).await.unwrap()).unwrap();
    assert_eq!(again, after);
    click(c, "thead a[href*='sort=updated_at']").await;
    wait_for_text(c, "更新时间 ↑").await;
    // htmx fires `htmx:load` (which hides the columns again) after it
    // settles the swapped rows, a moment after the new heading shows.
    let deadline = Instant::now() + Duration::from_secs(5);
    let sorted = loop {
        let sorted: Vec<String> =
            serde_json::from_value(c.execute(shown, vec![]).await.unwrap()).unwrap();
        if sorted.len() == after.len() || Instant::now() > deadline {
            break sorted;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(sorted.len(), after.len(), "{sorted:?}");
    assert!(!sorted.contains(&gone));
    // The sorted column itself, hidden, stays hidden when sorted the other
    // way (its heading then reads 更新时间 ↓).
    click(c, ".columns-menu button").await;
    let untick = "const l = [...document.querySelectorAll('.columns-menu label')]\
        .find(l => l.textContent.trim() === '更新时间'); \
        document.getElementById(l.htmlFor).click(); return true;";
    c.execute(untick, vec![]).await.unwrap();
    c.goto(&app.url("/orgs?sort=updated_at&dir=desc"))
        .await
        .unwrap();
    wait_for_text(c, "更新时间 ↓").await;
    let last: Vec<String> =
        serde_json::from_value(c.execute(shown, vec![]).await.unwrap()).unwrap();
    assert!(!last.iter().any(|h| h.starts_with("更新时间")), "{last:?}");
    b.client.clone().close().await.unwrap();
}

#[tokio::test]
#[ignore = "needs chromium + chromium-driver; run by .ci/run with --ignored"]
async fn a_bureau_publishes_a_policy_and_a_firm_applies_for_it_on_a_phone() {
    let app = spawn_app().await;
    let api = app.api_client("seed", Role::Admin, None, None).await;
    let (status, dept) = api
        .post_json(
            "/api/v1/departments",
            json!({ "name": "科技创新局", "code": "KJ" }),
        )
        .await;
    assert_eq!(status, 201, "{dept}");
    let code = kechuang_domain::uscc::complete("91500106MA0000501")
        .unwrap()
        .to_string();
    let (status, org) = api
        .post_json(
            "/api/v1/orgs",
            json!({ "name": "重庆政策示范科技有限公司", "kind": "enterprise", "uscc": code,
                    "contact_name": "王联络员", "contact_phone": "13800000000" }),
        )
        .await;
    assert_eq!(status, 201, "{org}");
    let id_of = |v: &serde_json::Value| v["id"].as_str().unwrap().to_string();
    app.user("qiye", Role::Enterprise, None, Some(id_of(&org)))
        .await;
    app.user("kj", Role::Department, Some(id_of(&dept)), None)
        .await;

    // The bureau drafts the policy on its desk; a missing field is shown in place.
    let desk = browser(1366, 900).await;
    let c = &desk.client;
    sign_in(c, &app, "kj").await;
    c.goto(&app.url("/policies")).await.unwrap();
    click(c, "a[href='#new-policy']").await;
    fill(c, "#new-title", "研发投入后补助").await;
    click(c, "#new-org_kinds-enterprise").await;
    click(c, "#new-policy button[type=submit]").await;
    wait_for_text(c, "请填写支持内容").await;
    fill(
        c,
        "#new-support",
        "按研发投入增量的10%给予补助，最高200万元",
    )
    .await;
    assert_eq!(
        c.find(Locator::Css("#new-org_kinds-enterprise"))
            .await
            .unwrap()
            .prop("checked")
            .await
            .unwrap()
            .as_deref(),
        Some("true"),
        "the ticked kind stays ticked"
    );
    click(c, "#new-policy button[type=submit]").await;
    wait_for_text(c, "草稿").await;
    click(c, "#toast-container .btn-close").await;
    wait_until_gone(c, "toast-body").await;
    click(c, "form[action$='/act/publish'] button[type=submit]").await;
    wait_for_text(c, "已发布，适用的单位可以看到并申请").await;
    desk.client.clone().close().await.unwrap();

    // On a phone the firm finds it on its home and applies through a case.
    let phone = browser(390, 844).await;
    let f = &phone.client;
    sign_in(f, &app, "qiye").await;
    wait_for_text(f, "可申报政策（1）").await;
    click(f, "#open-policies a[href^='/policies/']").await;
    wait_for_text(f, "常年申报").await;
    assert!(!scrolls_sideways(f).await, "the policy page fits the phone");
    click(f, "#apply-policy").await;
    wait_for_text(f, "申请政策兑现：研发投入后补助").await;
    let description = f
        .find(Locator::Css("#description"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        description.contains("本单位情况及申请内容："),
        "{description}"
    );
    fill(
        f,
        "#description",
        &format!("{description}上年度研发投入860万元，较前一年增长32%。"),
    )
    .await;
    click(f, "form[action^='/cases/new'] button[type=submit]").await;
    wait_for_text(f, "政策兑现").await;
    wait_for_text(f, "上年度研发投入860万元").await;
    phone.client.clone().close().await.unwrap();
}

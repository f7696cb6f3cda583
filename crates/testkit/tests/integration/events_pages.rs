//! Events run in the browser by their organisers: the new-event form (errors
//! in place, submitted values kept), organisers picked in multiple selects,
//! publish, edit, approve and reject registrations from 报名签到, a walk-in,
//! outcomes, cancelling (reason required, registrants told), a stale version
//! answered 409; a series' own page; 我的报名 with the secret feed and
//! cancelling one's own registration. Each step is checked through the API.

use kechuang_domain::auth::Role;
use kechuang_testkit::{id, spawn_app, Api};
use serde_json::{json, Value};

use crate::{admin, create_department, create_org, location};

async fn detail(api: &Api, ev: &str) -> Value {
    api.get_ok(&format!("/api/v1/events/{ev}")).await
}

async fn registration(api: &Api, ev: &str, person: &str) -> Value {
    let list = api
        .get_ok(&format!(
            "/api/v1/events/registrations?event_id={ev}&q={person}"
        ))
        .await;
    list["items"][0].clone()
}

#[tokio::test]
async fn organisers_run_an_event_in_the_browser() {
    let app = spawn_app().await;
    let adm = admin(&app).await;
    let dept = create_department(&adm, "科技创新局", "KJ", None).await;
    let org = create_org(&adm, "重庆某某科技有限公司", 301, json!({})).await;
    let co1 = create_org(&adm, "两江协同创新研究院", 302, json!({})).await;
    let co2 = create_org(&adm, "重庆科创投资有限公司", 303, json!({})).await;
    let staff = app
        .api_client("kj", Role::Department, Some(id(&dept)), None)
        .await;
    let firm = app
        .api_client("firm", Role::Enterprise, None, Some(id(&org)))
        .await;
    let b = app.browser("kj").await;

    // The form; a rejected submission keeps what was typed and says why.
    let page = b.get_text("/events/new").await;
    assert!(
        page.contains("新建活动") && page.contains("主办部门"),
        "{page}"
    );
    // Today, so that the door opens for the walk-in below.
    let day = kechuang_store::clock::today().to_string();
    let r = b
        .post_form(
            "/events",
            &[
                ("title", ""),
                ("kind", "roadshow"),
                ("venue", "协同创新区会议中心"),
                ("starts_on", &day),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("is-invalid") && html.contains("协同创新区会议中心"),
        "{html}"
    );

    // Saved as a draft with its lead department and two co-organisers.
    let dept_id = id(&dept);
    let (co1_id, co2_id) = (id(&co1), id(&co2));
    let r = b
        .post_form(
            "/events",
            &[
                ("title", "两城汇·硬科技路演"),
                ("kind", "roadshow"),
                ("venue", "协同创新区会议中心"),
                ("starts_on", &day),
                ("start_time", "14:00"),
                ("end_time", "17:30"),
                ("capacity", "1"),
                ("needs_approval", "on"),
                ("lead_department_ids", &dept_id),
                ("co_org_ids", &co1_id),
                ("co_org_ids", &co2_id),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let to = location(&r);
    assert!(to.ends_with("?flash=created"), "{to}");
    let ev = to
        .trim_start_matches("/events/")
        .trim_end_matches("?flash=created")
        .to_string();
    let d = detail(&staff, &ev).await;
    assert_eq!(d["event"]["status"], "draft");
    let mut co: Vec<String> = d["event"]["organisers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["role"] == "co")
        .map(|o| o["org_id"].as_str().unwrap().to_string())
        .collect();
    co.sort();
    let mut want = vec![co1_id.clone(), co2_id.clone()];
    want.sort();
    assert_eq!(co, want);
    let edit = b.get_text(&format!("/events/{ev}/edit")).await;
    assert!(
        edit.contains(&format!("<option value=\"{co2_id}\" selected>")),
        "the edit form shows the saved co-organisers"
    );

    // Publish; publishing twice is refused, the reason shown on the page.
    let version = d["event"]["version"].to_string();
    let r = b
        .post_form(
            &format!("/events/{ev}/act/publish"),
            &[("version", &version)],
        )
        .await;
    assert_eq!(location(&r), format!("/events/{ev}?flash=published"));
    assert_eq!(detail(&staff, &ev).await["event"]["status"], "published");
    let r = b
        .post_form(
            &format!("/events/{ev}/act/publish"),
            &[("version", &version)],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("alert-danger"));

    // Edit: the venue moves.
    let d = detail(&staff, &ev).await;
    let version = d["event"]["version"].to_string();
    let r = b
        .post_form(
            &format!("/events/{ev}/act/edit"),
            &[
                ("version", &version),
                ("title", "两城汇·硬科技路演"),
                ("kind", "roadshow"),
                ("venue", "科学城路演中心"),
                ("starts_on", &day),
                ("capacity", "1"),
                ("needs_approval", "on"),
                ("lead_department_ids", &dept_id),
            ],
        )
        .await;
    assert_eq!(location(&r), format!("/events/{ev}?flash=saved"));
    assert_eq!(
        detail(&staff, &ev).await["event"]["venue"],
        "科学城路演中心"
    );
    // The same form sent again carries a stale version: a conflict, the typed values kept.
    let r = b
        .post_form(
            &format!("/events/{ev}/act/edit"),
            &[
                ("version", &version),
                ("title", "两城汇·硬科技路演"),
                ("kind", "roadshow"),
                ("venue", "另一个地点"),
                ("starts_on", &day),
                ("lead_department_ids", &dept_id),
            ],
        )
        .await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("alert-danger") && html.contains("另一个地点"),
        "{html}"
    );

    // Registrations wait for approval; the organiser approves one and rejects one.
    for (person, phone) in [("张三", "13900000011"), ("李四", "13900000012")] {
        let (status, r) = firm
            .post_json(
                &format!("/api/v1/events/{ev}/registrations"),
                json!({ "person_name": person, "phone": phone }),
            )
            .await;
        assert_eq!(
            (status, r["status"].as_str()),
            (201, Some("pending")),
            "{r}"
        );
    }
    let list = b
        .get_text(&format!("/events/registrations?event_id={ev}"))
        .await;
    assert!(
        list.contains("通过") && list.contains("不通过原因"),
        "{list}"
    );
    let zhang = registration(&staff, &ev, "张三").await;
    let r = b
        .post_form(
            &format!(
                "/events/registrations/{}/act/approve?event_id={ev}",
                id(&zhang)
            ),
            &[("version", &zhang["version"].to_string())],
        )
        .await;
    assert_eq!(
        location(&r),
        format!("/events/registrations?event_id={ev}&flash=saved")
    );
    assert_eq!(
        registration(&staff, &ev, "张三").await["status"],
        "confirmed"
    );
    let li = registration(&staff, &ev, "李四").await;
    let path = format!("/events/registrations/{}/act/reject?event_id={ev}", id(&li));
    let r = b
        .post_form(
            &path,
            &[("version", &li["version"].to_string()), ("reason", "")],
        )
        .await;
    assert_eq!(r.status(), 422, "a rejection needs its reason");
    assert!(r.text().await.unwrap().contains("原因"));
    let r = b
        .post_form(
            &path,
            &[
                ("version", &li["version"].to_string()),
                ("reason", "名额已满"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let li = registration(&staff, &ev, "李四").await;
    assert_eq!(li["status"], "rejected");

    // A walk-in is registered and checked in at once.
    let r = b
        .post_form(
            &format!("/events/{ev}/act/walk_in"),
            &[
                ("institution_name", "某高校技术转移中心"),
                ("institution_uscc", &crate::code(304)),
                ("sector", "academia"),
                ("person_name", "王五"),
                ("phone", "13900000013"),
            ],
        )
        .await;
    let (st, to) = (r.status(), location(&r));
    let body = r.text().await.unwrap_or_default();
    let why: Vec<&str> = body
        .lines()
        .filter(|l| l.contains("alert-danger") || l.contains("invalid-feedback"))
        .collect();
    assert_eq!(st, 303, "{why:?}");
    assert!(to.starts_with("/events/tickets/"), "{to}");
    assert_eq!(detail(&staff, &ev).await["event"]["counts"]["walk_ins"], 1);

    // Outcomes: a bad count is refused in place; a good one shows on the page.
    let r = b
        .post_form(
            &format!("/events/{ev}/act/outcome"),
            &[("kind", "projects_signed"), ("count", "三"), ("note", "")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let r = b
        .post_form(
            &format!("/events/{ev}/act/outcome"),
            &[
                ("kind", "projects_signed"),
                ("count", "3"),
                ("note", "现场签约"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = b.get_text(&format!("/events/{ev}")).await;
    assert!(page.contains("签约项目 3"), "{page}");

    // The enterprise sees its registrations and its secret feed, and cancels one.
    let fb = app.browser("firm").await;
    let mine = fb.get_text("/events/mine").await;
    assert!(
        mine.contains("两城汇·硬科技路演") && mine.contains("/events/my/"),
        "{mine}"
    );
    let zhang = registration(&staff, &ev, "张三").await;
    let r = fb
        .post_form(
            &format!("/events/registrations/{}/act/cancel", id(&zhang)),
            &[("version", &zhang["version"].to_string()), ("back", "mine")],
        )
        .await;
    assert_eq!(location(&r), "/events/mine?flash=saved");
    assert_eq!(
        registration(&staff, &ev, "张三").await["status"],
        "cancelled"
    );

    // Cancelling needs a reason, then the event is cancelled.
    let version = detail(&staff, &ev).await["event"]["version"].to_string();
    let r = b
        .post_form(
            &format!("/events/{ev}/act/cancel"),
            &[("version", &version), ("reason", "")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let r = b
        .post_form(
            &format!("/events/{ev}/act/cancel"),
            &[("version", &version), ("reason", "场地检修")],
        )
        .await;
    assert_eq!(location(&r), format!("/events/{ev}?flash=cancelled"));
    let d = detail(&staff, &ev).await;
    assert_eq!(
        (
            d["event"]["status"].as_str(),
            d["event"]["cancel_reason"].as_str()
        ),
        (Some("cancelled"), Some("场地检修"))
    );

    // A draft can be deleted; an enterprise cannot open the organiser's form.
    let r = b
        .post_form(
            "/events",
            &[
                ("title", "草稿活动"),
                ("kind", "forum"),
                ("venue", "会议室"),
                ("starts_on", &day),
                ("lead_department_ids", &dept_id),
            ],
        )
        .await;
    let draft = location(&r)
        .trim_start_matches("/events/")
        .trim_end_matches("?flash=created")
        .to_string();
    let r = b
        .post_form(&format!("/events/{draft}/act/delete"), &[("version", "1")])
        .await;
    assert_eq!(location(&r), "/events?flash=deleted");
    let (status, _) = Api::json(staff.get(&format!("/api/v1/events/{draft}"))).await;
    assert_eq!(status, 404);
    assert_eq!(fb.get("/events/new").await.status(), 403);
}

#[tokio::test]
async fn a_series_has_its_own_page_and_feed() {
    let app = spawn_app().await;
    let adm = admin(&app).await;
    app.user("viewer", Role::Leader, None, None).await;
    let (status, s) = adm
        .post_json(
            "/api/v1/events/series",
            json!({ "name": "两城汇", "description": "赛、会、展、演" }),
        )
        .await;
    assert_eq!(status, 201, "{s}");
    let sid = id(&s);
    let b = app.browser("viewer").await;
    let page = b.get_text(&format!("/events/series/{sid}")).await;
    assert!(
        page.contains("两城汇")
            && page.contains("覆盖单位")
            && page.contains(&format!("/events/series/{sid}.ics")),
        "{page}"
    );
    // Without a sign-in the page asks for one; the feed needs none.
    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = anon
        .get(app.url(&format!("/events/series/{sid}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = anon
        .get(app.url(&format!("/events/series/{sid}.ics")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().starts_with("BEGIN:VCALENDAR"));
    assert_eq!(b.get("/events/series/nope").await.status(), 404);
}

#[tokio::test]
async fn an_alliance_lists_its_events() {
    let app = spawn_app().await;
    let adm = admin(&app).await;
    let dept = create_department(&adm, "人才发展局", "RC", None).await;
    let (status, al) = adm
        .post_json(
            "/api/v1/alliances",
            json!({ "name": "集成电路人才联盟", "kind": "alliance" }),
        )
        .await;
    assert_eq!(status, 201, "{al}");
    let aid = id(&al["alliance"]);
    let day = kechuang_store::clock::today().to_string();
    let (status, bad) = adm
        .post_json(
            "/api/v1/events",
            json!({ "title": "芯片人才沙龙", "kind": "forum", "starts_on": day,
                    "alliance_id": "no-such-alliance", "lead_department_ids": id(&dept) }),
        )
        .await;
    assert_eq!(status, 422, "{bad}");
    assert!(bad["details"]["fields"]["alliance_id"].is_string(), "{bad}");
    for (title, alliance) in [("芯片人才沙龙", aid.as_str()), ("低空经济论坛", "")] {
        let (status, e) = adm
            .post_json(
                "/api/v1/events",
                json!({ "title": title, "kind": "forum", "starts_on": day,
                        "alliance_id": alliance, "lead_department_ids": id(&dept) }),
            )
            .await;
        assert_eq!(status, 201, "{e}");
    }
    let list = adm
        .get_ok(&format!("/api/v1/events?alliance_id={aid}"))
        .await;
    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(list["items"][0]["title"], "芯片人才沙龙");
    assert_eq!(list["items"][0]["alliance_name"], "集成电路人才联盟");
    // A bad date in the query is a 400 like every other query's (the
    // document lists 400 for queries, not 422).
    for path in [
        format!("/api/v1/alliances/{aid}?on=去年"),
        format!("/api/v1/alliances/{aid}/members/export?on=2026-13-01"),
        "/api/v1/alliances?kind=俱乐部".to_string(),
        format!("/api/v1/alliances/{aid}/members?sector=农"),
    ] {
        let (status, e) = Api::json(adm.get(&path)).await;
        assert_eq!(
            (status, e["code"].as_str()),
            (400, Some("invalid_query")),
            "{path}: {e}"
        );
    }

    app.user("viewer", Role::Leader, None, None).await;
    let b = app.browser("viewer").await;
    let page = b.get_text(&format!("/alliances/{aid}")).await;
    let events = kechuang_testkit::between(&page, "id=\"alliance-events\"", "</table>")
        .expect("the alliance's events");
    assert!(
        events.contains("芯片人才沙龙") && !events.contains("低空经济论坛"),
        "{events}"
    );
}

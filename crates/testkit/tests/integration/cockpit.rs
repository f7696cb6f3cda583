//! The cockpit (issue #18): each indicator computed from the records over
//! the chosen period, its drill-through link listing exactly those records,
//! comparisons with the period before and the year before (an alliance's
//! members as of each period's end), the period report as Excel read back,
//! the page with its cards and charts, and who may read it.

use chrono::{Datelike, Months};
use kechuang_testkit::Api;
use serde_json::{json, Value};

use crate::cases::{submit, world};
use crate::{create_org, sheet_rows};

fn indicator<'a>(v: &'a Value, code: &str) -> &'a Value {
    v["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"].as_str().unwrap().starts_with(code))
        .unwrap_or_else(|| panic!("no indicator {code}: {v}"))
}

#[tokio::test]
async fn indicators_come_from_the_records_with_comparisons_and_their_lists() {
    let w = world().await;
    for t in ["审批周期过长", "用地指标不足", "人才公寓申请"] {
        submit(&w, t).await;
    }
    let today = kechuang_store::clock::today();
    let month = format!("{}-{:02}", today.year(), today.month());

    // This month's cases, and the list behind the figure holds exactly them.
    let v = w.leader.get_ok("/api/v1/cockpit").await;
    assert_eq!(v["period"], month, "the current month by default");
    let received = indicator(&v, "cases_received");
    assert_eq!(received["value"], 3);
    assert_eq!(received["display"], "3件");
    assert_eq!(received["previous"], 0);
    assert_eq!(received["pop"], "", "no rate of change from nothing");
    assert!(received["definition"]
        .as_str()
        .unwrap()
        .contains("受理日期"));
    let href = received["href"].as_str().unwrap();
    assert!(href.starts_with("/cases?"), "{href}");
    let listed = w.leader.get_ok(&format!("/api/v1{href}")).await;
    assert_eq!(listed["total"], 3, "{href}: {listed}");
    assert_eq!(received["trend"].as_array().unwrap().len(), 12);
    let one = w
        .leader
        .get_ok(&format!(
            "/api/v1/cockpit/indicators/cases_received?period={month}"
        ))
        .await;
    assert_eq!(&one, received, "one indicator alone, the same");
    let (s, _) = Api::json(w.leader.get("/api/v1/cockpit/indicators/nothing")).await;
    assert_eq!(s, 404);
    assert_eq!(received["trend"][11]["value"], 3);
    assert_eq!(indicator(&v, "cases_solved")["value"], 0);
    assert_eq!(
        indicator(&v, "cases_on_time")["display"],
        "—",
        "nothing solved: no rate"
    );

    // An alliance's members as of each period's end, compared.
    let a = create_org(&w.admin, "甲科技有限公司", 31, json!({})).await;
    let b = create_org(&w.admin, "乙科技有限公司", 32, json!({})).await;
    let c = create_org(&w.admin, "丙科技有限公司", 33, json!({})).await;
    let (s, al) = w
        .admin
        .post_json(
            "/api/v1/alliances",
            json!({ "name": "创新生态共治协会", "kind": "association", "founded_on": "2020-01-01" }),
        )
        .await;
    assert_eq!(s, 201, "{al}");
    let aid = al["alliance"]["id"].as_str().unwrap().to_string();
    let year_ago = today.checked_sub_months(Months::new(12)).unwrap();
    let first = today.with_day(1).unwrap();
    for (org, on) in [(&a, year_ago), (&b, first), (&c, first)] {
        let (s, m) = w
            .admin
            .post_json(
                &format!("/api/v1/alliances/{aid}/members"),
                json!({ "org_id": org["id"], "joined_on": on.to_string() }),
            )
            .await;
        assert_eq!(s, 201, "{m}");
    }
    let v = w.leader.get_ok("/api/v1/cockpit?kind=month").await;
    let m = indicator(&v, "alliance_members");
    assert_eq!(m["name"], "创新生态共治协会成员");
    assert_eq!(
        (
            m["value"].clone(),
            m["previous"].clone(),
            m["year_before"].clone()
        ),
        (json!(3), json!(1), json!(1))
    );
    assert_eq!(m["pop"], "增长200.0%");
    assert_eq!(m["yoy"], "增长200.0%");

    // A year: the same records, the year's label.
    let y = w
        .leader
        .get_ok(&format!("/api/v1/cockpit?period={}", today.year()))
        .await;
    assert_eq!(y["label"], format!("{}年", today.year()));
    assert_eq!(indicator(&y, "cases_received")["value"], 3);
    assert_eq!(
        indicator(&y, "cases_received")["trend"]
            .as_array()
            .unwrap()
            .len(),
        5
    );

    // Malformed periods are named; the cockpit is for leaders and admins.
    for bad in ["period=2026-13", "kind=week", "kind=year&period=2026-11"] {
        let (s, e) = Api::json(w.leader.get(&format!("/api/v1/cockpit?{bad}"))).await;
        assert_eq!(s, 400, "{bad}: {e}");
        assert_eq!(e["code"], "invalid_query");
    }
    let (s, _) = Api::json(w.lead.get("/api/v1/cockpit")).await;
    assert_eq!(s, 403);
    let (s, _) = Api::json(w.enterprise.get("/api/v1/cockpit")).await;
    assert_eq!(s, 403);

    // The period report, read back.
    let res = w
        .leader
        .get(&format!("/api/v1/cockpit/report?period={month}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let rows = sheet_rows(&res.bytes().await.unwrap(), None);
    assert!(
        rows[0][0].starts_with("科创驾驶舱指标报告"),
        "{:?}",
        rows[0]
    );
    assert_eq!(rows[1][..4], ["领域", "指标", "本期", "上期"]);
    let r = rows
        .iter()
        .find(|r| r[1] == "受理诉求（件）")
        .expect("the cases row");
    assert_eq!((r[2].as_str(), r[3].as_str()), ("3", "0"));
    let r = rows
        .iter()
        .find(|r| r[1] == "创新生态共治协会成员（家）")
        .unwrap();
    assert_eq!(r[4], "增长200.0%");

    // The page: cards, comparisons, links to the records, the chart data.
    let b = w.app.browser("leader").await;
    let html = b.get_text(&format!("/cockpit?period={month}")).await;
    assert!(
        html.contains("领导驾驶舱") && html.contains("受理诉求") && html.contains("增长200.0%"),
        "{html}"
    );
    assert!(
        html.contains(&format!("href=\"{}\"", href.replace('&', "&amp;"))),
        "{html}"
    );
    // Each trend drawn from the figures beside it, with its table; the
    // department race and the transfer funnel beside their tables.
    for id in ["trend-cases-received", "race-chart", "funnel-chart"] {
        assert!(
            html.contains(&format!("data-chart=\"{id}\""))
                && html.contains(&format!("id=\"{id}-data\"")),
            "{id}: {html}"
        );
    }
    assert!(html.contains("id=\"cockpit-race\"") && html.contains("id=\"cockpit-funnel\""));
    assert!(
        html.contains("/static/vendor/echarts/echarts.min.js")
            && html.contains("/static/charts.js")
    );
    assert!(
        html.contains("href=\"/cockpit\">") || html.contains("href=\"/cockpit\""),
        "in the navigation"
    );
    let js = b.get("/static/vendor/echarts/echarts.min.js").await;
    assert_eq!(js.status(), 200);
    let r = b.get("/cockpit?period=abc").await;
    assert_eq!(r.status(), 400);
}

/// A period submitted (报送): its figures kept as they stood while the
/// records change, shown so on the cockpit, the printable report, the
/// Excel report and the big screen; only an ended period, once; lifted
/// again (audited) by whoever may report.
#[tokio::test]
async fn a_submitted_period_keeps_its_figures_until_the_freeze_is_lifted() {
    let w = world().await;
    let rd = json!({ "code": "rd_intensity", "name": "研发投入强度", "period": "2024", "unit": "permille",
                     "value": "5.3", "source": "区统计局", "approved_by": "办公室" });
    let (s, r) = w.leader.post_json("/api/v1/cockpit/reported", rd).await;
    assert_eq!(s, 201, "{r}");

    // Only an ended period, written as a period, by whoever may report.
    let today = kechuang_store::clock::today();
    let month = format!("{}-{:02}", today.year(), today.month());
    let e = crate::refused(
        w.leader
            .post_json("/api/v1/cockpit/freezes", json!({ "period": month }))
            .await,
        422,
        "invalid_input",
    );
    assert!(
        e["details"]["fields"]["period"]
            .as_str()
            .unwrap()
            .contains("尚未结束"),
        "{e}"
    );
    crate::refused(
        w.leader
            .post_json("/api/v1/cockpit/freezes", json!({ "period": "2024-13" }))
            .await,
        422,
        "invalid_input",
    );
    for api in [&w.lead, &w.enterprise] {
        let (s, _) = api
            .post_json("/api/v1/cockpit/freezes", json!({ "period": "2024" }))
            .await;
        assert_eq!(s, 403);
    }
    let (s, f) = w
        .leader
        .post_json(
            "/api/v1/cockpit/freezes",
            json!({ "period": "2024", "note": "报区统计局年报" }),
        )
        .await;
    assert_eq!(s, 201, "{f}");
    assert_eq!(
        (f["period"].as_str(), f["note"].as_str()),
        (Some("2024"), Some("报区统计局年报"))
    );
    assert!(!f["frozen_by"].as_str().unwrap().is_empty());
    crate::refused(
        w.leader
            .post_json("/api/v1/cockpit/freezes", json!({ "period": "2024" }))
            .await,
        409,
        "duplicate",
    );
    let list = w.leader.get_ok("/api/v1/cockpit/freezes").await;
    assert_eq!(list.as_array().unwrap().len(), 1);

    // The record changes; the submitted period does not, the next one does.
    let (s, fixed) = w
        .leader
        .put_json(
            &format!("/api/v1/cockpit/reported/{}", r["id"].as_str().unwrap()),
            json!({ "version": r["version"], "name": "研发投入强度", "unit": "permille", "value": "5.4",
                    "source": "区统计局", "approved_by": "办公室" }),
        )
        .await;
    assert_eq!(s, 200, "{fixed}");
    let y = w.leader.get_ok("/api/v1/cockpit?period=2024").await;
    assert_eq!(indicator(&y, "reported:rd_intensity")["display"], "5.3%");
    assert_eq!(y["frozen"]["period"], "2024");
    let next = w.leader.get_ok("/api/v1/cockpit?period=2025").await;
    assert_eq!(indicator(&next, "reported:rd_intensity")["display"], "5.4%");
    assert!(next["frozen"].is_null());
    let counted = indicator(&y, "cases_received");
    assert_eq!(
        (counted["display"].as_str(), counted["unit_label"].as_str()),
        (Some("0件"), Some("件")),
        "a count keeps its unit when frozen"
    );
    assert_eq!(
        counted["trend"].as_array().unwrap().len(),
        5,
        "the trend kept"
    );
    let res = w
        .leader
        .get("/api/v1/cockpit/report?period=2024")
        .send()
        .await
        .unwrap();
    let rows = sheet_rows(&res.bytes().await.unwrap(), None);
    let row = rows.iter().find(|r| r[1] == "研发投入强度").unwrap();
    assert_eq!(row[2], "5.3%", "{row:?}");

    // The pages: the cockpit says who submitted it; the printable report
    // and the big screen show the frozen figures.
    let b = w.app.browser("leader").await;
    let html = b.get_text("/cockpit?period=2024").await;
    assert!(
        html.contains("id=\"frozen\"") && html.contains("本期已报送") && html.contains("撤销报送"),
        "{html}"
    );
    assert!(!html.contains("id=\"freeze-form\""));
    let print = b.get_text("/cockpit/print?period=2024").await;
    assert!(
        print.contains("id=\"report-frozen\"") && print.contains("报区统计局年报"),
        "{print}"
    );
    assert!(
        print.contains("研发投入强度") && print.contains("5.3%") && print.contains("data-print")
    );
    let screen = b.get_text("/cockpit/screen?period=2024").await;
    assert!(
        screen.contains("http-equiv=\"refresh\"") && screen.contains("data-theme=\"dark\""),
        "{screen}"
    );
    assert!(screen.contains("data-code=\"reported:rd_intensity\"") && screen.contains("5.3%"));

    // Lifting it: a stale version refused, then the records count again.
    crate::refused(
        Api::json(w.leader.delete("/api/v1/cockpit/freezes/2024?version=9")).await,
        409,
        "stale_version",
    );
    let r = b
        .post_form(
            "/cockpit/freezes/2024/delete",
            &[("version", &f["version"].to_string())],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert!(crate::location(&r).contains("flash=unfrozen"));
    let y = w.leader.get_ok("/api/v1/cockpit?period=2024").await;
    assert_eq!(indicator(&y, "reported:rd_intensity")["display"], "5.4%");
    assert!(y["frozen"].is_null());
    let (s, _) = Api::json(w.leader.delete("/api/v1/cockpit/freezes/2024?version=1")).await;
    assert_eq!(s, 404);

    // Submitting from the page; a running period refused in place.
    let html = b.get_text("/cockpit?period=2024").await;
    assert!(html.contains("id=\"freeze-form\""), "{html}");
    let r = b
        .post_form("/cockpit/freezes", &[("period", &month), ("note", "")])
        .await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("尚未结束"), "{body}");
    let r = b
        .post_form(
            "/cockpit/freezes",
            &[("period", "2024"), ("note", "再次报送")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(crate::location(&r), "/cockpit?period=2024&flash=frozen");
    let y = w.leader.get_ok("/api/v1/cockpit?period=2024").await;
    assert_eq!(y["frozen"]["note"], "再次报送");

    // 报送统计 lists the submitted periods and exports its figures.
    let page = b.get_text("/cockpit/reported").await;
    assert!(
        page.contains("id=\"freezes\"") && page.contains("2024年") && page.contains("再次报送"),
        "{page}"
    );
    assert!(page.contains("/api/v1/cockpit/reported/export"));
    let res = w
        .leader
        .get("/api/v1/cockpit/reported/export?code=rd_intensity")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let rows = sheet_rows(&res.bytes().await.unwrap(), None);
    assert_eq!(rows[0][..4], ["统计项代码", "统计项", "期间", "数值"]);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(
        rows[1][..4],
        ["rd_intensity", "研发投入强度", "2024年", "5.4%"]
    );
}

/// The chain map of the demo's NEV chain: every member firm under its node
/// (or the chain), each firm's party branches under it, marked where the
/// chain committee links them; the same map on the chain page and the
/// cockpit, each beside its table.
pub(crate) async fn chain_map_overlays_the_party_network(
    app: &kechuang_testkit::TestApp,
    leader: &Api,
) {
    let chains = leader.get_ok("/api/v1/chains").await;
    let nev = chains
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "智能网联新能源汽车")
        .unwrap();
    let id = nev["id"].as_str().unwrap();
    let detail = leader.get_ok(&format!("/api/v1/chains/{id}")).await;
    let members = detail["members"].as_array().unwrap().len();
    let m = leader.get_ok(&format!("/api/v1/chains/{id}/map")).await;
    assert_eq!(m["firms"], members, "{m}");
    assert_eq!(m["committees"][0][1], "智能网联新能源汽车产业链党委");
    fn walk<'a>(n: &'a Value, out: &mut Vec<&'a Value>) {
        out.push(n);
        for c in n["children"].as_array().unwrap() {
            walk(c, out);
        }
    }
    let mut all = vec![];
    walk(&m["root"], &mut all);
    let firms: Vec<_> = all.iter().filter(|n| n["kind"] == "org").collect();
    assert_eq!(firms.len(), members);
    // The figures in the title are the tree's: firms with a branch, and
    // those with a branch the committee links (all the demo's branches are).
    let with = |linked: bool| {
        firms
            .iter()
            .filter(|f| {
                f["children"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c["kind"] == "party_org" && (!linked || c["linked"] == true))
            })
            .count()
    };
    assert_eq!(m["firms_with_party"], with(false));
    assert_eq!(m["firms_linked"], with(true));
    assert!(with(true) >= 12, "the demo's NEV branches: {m}");
    assert!(all.iter().any(
        |n| n["kind"] == "party_org" && n["name"].as_str().unwrap().ends_with("研发中心党支部")
    ));
    assert!(firms
        .iter()
        .all(|f| f["href"].as_str().unwrap().starts_with("/orgs/")));
    assert!(all.iter().any(|n| n["kind"] == "node"), "the chain's nodes");

    // An enterprise, which may not read the party network, sees the firms only.
    let firm = app
        .api_client(
            "map-firm",
            kechuang_domain::auth::Role::Enterprise,
            None,
            None,
        )
        .await;
    let plain = firm.get_ok(&format!("/api/v1/chains/{id}/map")).await;
    assert_eq!(
        (plain["firms"].as_u64(), plain["firms_linked"].as_u64()),
        (Some(members as u64), Some(0))
    );
    assert!(plain["committees"].as_array().unwrap().is_empty());
    assert!(!plain.to_string().contains("party_org"));

    let b = app.browser("auditor").await;
    let page = b.get_text(&format!("/chains/{id}")).await;
    assert!(
        page.contains("data-chart=\"chain-map\"")
            && page.contains("id=\"chain-members\"")
            && page.contains("href=\"#chain-members\""),
        "{page}"
    );
    let cockpit = b.get_text("/cockpit").await;
    assert!(
        cockpit.contains(&format!("data-chart=\"map-{id}\"")),
        "the cockpit's map"
    );
    assert!(cockpit.contains(&format!("href=\"/chains/{id}#chain-members\"")));
}

/// The article's figures on the cockpit, computed from the demo's records
/// (docs/ARCHITECTURE.md lists each beside its indicator).
pub(crate) async fn tells_the_article_story(leader: &Api) {
    let v = leader.get_ok("/api/v1/cockpit?period=2025").await;
    let named = |name: &str| {
        v["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == name)
            .unwrap_or_else(|| panic!("no {name}: {v}"))
            .clone()
    };
    let value = |name: &str| named(name)["value"].as_i64().unwrap();
    let nev = named("智能网联新能源汽车产值");
    assert_eq!(
        (nev["display"].as_str(), nev["yoy"].as_str()),
        (Some("120.40亿元"), Some("增长58.6%"))
    );
    assert!(value("科研院所党组织") >= 40);
    assert_eq!(value("党建阵地"), 5);
    assert!(value("党建指导员") >= 20);
    assert_eq!(value("党员责任区"), 45);
    assert!(value("党员承诺") >= 700, "{}", value("党员承诺"));
    assert_eq!(value("揭榜项目"), 40);
    assert!(value("揭榜党员人才") >= 200);
    assert_eq!(value("原创成果"), 45);
    assert_eq!(value("先投后股项目"), 8);
    assert_eq!(named("先投后股金额")["display"], "1450.00万元");
    assert_eq!(value("科企梯度贷企业"), 15);
    assert_eq!(named("科企梯度贷放款")["display"], "5300.00万元");
    assert_eq!(value("创新生态共治协会成员"), 81);
    // 14 demo policies: one still a draft, one stopped.
    assert_eq!(value("已发布政策"), 12);
    let rd = named("研发投入强度");
    assert_eq!(
        (rd["display"].as_str(), rd["basis"].as_str()),
        (Some("5.4%"), Some("reported"))
    );
    assert!(
        rd["definition"].as_str().unwrap().contains("2024年"),
        "{rd}"
    );
    let y2024 = leader.get_ok("/api/v1/cockpit?period=2024").await;
    let turnover = y2024["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "contract_turnover")
        .unwrap();
    assert!(
        turnover["value"].as_i64().unwrap() >= 350_000_000_000,
        "{turnover}"
    );
    assert!(
        turnover["definition"]
            .as_str()
            .unwrap()
            .contains("连续第4年增长"),
        "{turnover}"
    );
}

/// Reported statistics: entered with their source and approver (each field
/// checked), once a period, corrected with the version; on the cockpit
/// marked as reported, the latest one shown for a later period.
#[tokio::test]
async fn reported_statistics_are_entered_corrected_and_shown_as_reported() {
    let w = world().await;
    let (s, e) = w
        .leader
        .post_json(
            "/api/v1/cockpit/reported",
            json!({ "code": "R&D", "name": "", "period": "2024-13", "unit": "permille", "value": "5.45" }),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    for f in ["code", "name", "period", "value", "source", "approved_by"] {
        assert!(e["details"]["fields"][f].is_string(), "{f}: {e}");
    }
    let body = json!({ "code": "rd_intensity", "name": "研发投入强度", "period": "2024", "unit": "permille",
                       "value": "5.3", "source": "区统计局", "approved_by": "办公室" });
    let (s, r) = w
        .leader
        .post_json("/api/v1/cockpit/reported", body.clone())
        .await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(
        (r["value"].as_i64(), r["display"].as_str()),
        (Some(53), Some("5.3%"))
    );
    let (s, _) = w.leader.post_json("/api/v1/cockpit/reported", body).await;
    assert_eq!(s, 409, "once a period");
    let (s, fixed) = w
        .leader
        .put_json(
            &format!("/api/v1/cockpit/reported/{}", r["id"].as_str().unwrap()),
            json!({ "version": r["version"], "name": "研发投入强度", "unit": "permille", "value": "5.4",
                    "source": "区统计局《科技经费投入统计公报》", "approved_by": "办公室", "period": "2030" }),
        )
        .await;
    assert_eq!(s, 200, "{fixed}");
    assert_eq!(
        (fixed["value"].as_i64(), fixed["period"].as_str()),
        (Some(54), Some("2024"))
    );
    let (s, _) = w
        .leader
        .put_json(
            &format!("/api/v1/cockpit/reported/{}", r["id"].as_str().unwrap()),
            json!({ "version": r["version"], "name": "x", "unit": "count", "value": "1", "source": "s", "approved_by": "a" }),
        )
        .await;
    assert_eq!(s, 409, "a stale version");
    let (s, _) = w
        .lead
        .post_json(
            "/api/v1/cockpit/reported",
            json!({ "code": "x", "name": "x", "period": "2024", "unit": "count", "value": "1", "source": "s", "approved_by": "a" }),
        )
        .await;
    assert_eq!(s, 403);

    let y = w.leader.get_ok("/api/v1/cockpit?period=2024").await;
    let rd = indicator(&y, "reported:rd_intensity");
    assert_eq!(
        (rd["display"].as_str(), rd["basis"].as_str()),
        (Some("5.4%"), Some("reported"))
    );
    assert!(rd["definition"].as_str().unwrap().contains("区统计局"));
    let later = w.leader.get_ok("/api/v1/cockpit?period=2025-03").await;
    let rd = indicator(&later, "reported:rd_intensity");
    assert_eq!(rd["value"], 54, "the latest before the period");
    assert!(
        rd["definition"]
            .as_str()
            .unwrap()
            .contains("最近一期（2024年）"),
        "{rd}"
    );
    let earlier = w.leader.get_ok("/api/v1/cockpit?period=2023").await;
    assert!(
        !earlier["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["code"] == "reported:rd_intensity"),
        "nothing reported by then"
    );

    // The page: the correction form holds the record; a stale version is
    // refused with what was typed; a bad entry refused in place.
    let b = w.app.browser("leader").await;
    let edit = format!("/cockpit/reported/{}/edit", r["id"].as_str().unwrap());
    let form = b.get_text(&edit).await;
    assert!(
        form.contains("value=\"5.4\"") && form.contains("研发投入强度"),
        "{form}"
    );
    let stale = r["version"].to_string();
    let res = b
        .post_form(
            &edit,
            &[
                ("version", &stale),
                ("name", "研发投入强度"),
                ("unit", "permille"),
                ("value", "5.5"),
                ("source", "更正来源"),
                ("approved_by", "办公室"),
            ],
        )
        .await;
    assert_eq!(res.status(), 409);
    assert!(
        res.text().await.unwrap().contains("更正来源"),
        "what was typed is kept"
    );
    let r = b
        .post_form(
            "/cockpit/reported",
            &[
                ("code", "patents"),
                ("name", "发明专利授权"),
                ("period", "2025"),
                ("unit", "count"),
                ("value", "很多"),
                ("source", "知识产权局"),
                ("approved_by", "办公室"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("个数请填不小于 0 的整数") && html.contains("知识产权局"),
        "{html}"
    );
    let r = b
        .post_form(
            "/cockpit/reported",
            &[
                ("code", "patents"),
                ("name", "发明专利授权"),
                ("period", "2025"),
                ("unit", "count"),
                ("value", "126"),
                ("source", "知识产权局"),
                ("approved_by", "办公室"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let list = b.get_text("/cockpit/reported").await;
    assert!(
        list.contains("发明专利授权") && list.contains("126个") || list.contains("126"),
        "{list}"
    );
}

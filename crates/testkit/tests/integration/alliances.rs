//! Alliances and associations (联盟 · 协会) through the HTTP API and the
//! pages: members joining, leaving and rejoining, counts by sector at dates,
//! the member list imported all or nothing and exported at a date; and the
//! firms settled onto a chain (落户) with the list behind the figure.

use chrono::Datelike;
use kechuang_domain::auth::Role;
use kechuang_testkit::{id, spawn_app, Api};
use serde_json::{json, Value};

use crate::{admin, code, create_org, sheet_rows, text_xlsx};

fn by_sector(detail: &Value, sector: &str) -> u64 {
    detail["counts"]["by_sector"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["sector"] == sector)
        .unwrap()["count"]
        .as_u64()
        .unwrap()
}

async fn counts(api: &Api, aid: &str, on: &str) -> (u64, u64, u64) {
    let d = api
        .get_ok(&format!("/api/v1/alliances/{aid}?on={on}"))
        .await;
    (
        d["counts"]["total"].as_u64().unwrap(),
        by_sector(&d, "industry"),
        by_sector(&d, "academia"),
    )
}

async fn upload(api: &Api, aid: &str, bytes: Vec<u8>) -> (u16, Value) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name("members.xlsx");
    Api::json(
        api.post(&format!("/api/v1/alliances/{aid}/members/import"))
            .multipart(reqwest::multipart::Form::new().part("file", part)),
    )
    .await
}

#[tokio::test]
async fn members_join_leave_and_are_counted_by_sector_at_any_date() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let firm = create_org(&api, "芯海微电子有限公司", 1, json!({})).await;
    let uni = create_org(
        &api,
        "山城大学",
        2,
        json!({ "kind": "university", "uscc": "" }),
    )
    .await;
    let assoc = create_org(
        &api,
        "半导体行业协会",
        3,
        json!({ "kind": "association", "uscc": code(3) }),
    )
    .await;
    let (firm, uni, assoc) = (id(&firm), id(&uni), id(&assoc));

    // A bad draft names its fields.
    let (status, bad) = api
        .post_json(
            "/api/v1/alliances",
            json!({ "name": "", "kind": "俱乐部", "founded_on": "去年" }),
        )
        .await;
    assert_eq!(status, 422, "{bad}");
    for f in ["name", "kind", "founded_on"] {
        assert!(bad["details"]["fields"][f].is_string(), "{f}: {bad}");
    }

    let (status, a) = api
        .post_json(
            "/api/v1/alliances",
            json!({ "name": "集成电路人才联盟", "kind": "alliance", "founded_on": "2024-01-01",
                    "secretariat_org_id": uni }),
        )
        .await;
    assert_eq!(status, 201, "{a}");
    assert_eq!(a["alliance"]["kind_label"], "联盟");
    assert_eq!(a["alliance"]["secretariat_org_name"], "山城大学");
    let aid = a["alliance"]["id"].as_str().unwrap().to_string();

    let join = |org: &str, on: &str| json!({ "org_id": org, "joined_on": on });
    let (s1, m1) = api
        .post_json(
            &format!("/api/v1/alliances/{aid}/members"),
            join(&firm, "2024-01-01"),
        )
        .await;
    assert_eq!(s1, 201, "{m1}");
    assert_eq!(m1["sector"], "industry");
    assert_eq!(m1["org_name"], "芯海微电子有限公司");
    let (s2, _) = api
        .post_json(
            &format!("/api/v1/alliances/{aid}/members"),
            join(&uni, "2024-06-01"),
        )
        .await;
    assert_eq!(s2, 201);
    // An association's sector must be chosen; then it joins as 介.
    let (s3, e3) = api
        .post_json(
            &format!("/api/v1/alliances/{aid}/members"),
            join(&assoc, "2024-06-01"),
        )
        .await;
    assert_eq!(s3, 422, "{e3}");
    assert_eq!(e3["code"], "sector_required");
    let (s3, m3) = api
        .post_json(
            &format!("/api/v1/alliances/{aid}/members"),
            json!({ "org_id": assoc, "joined_on": "2024-06-01", "sector": "介" }),
        )
        .await;
    assert_eq!(s3, 201, "{m3}");
    assert_eq!(m3["sector"], "intermediary");
    let (twice, e) = api
        .post_json(
            &format!("/api/v1/alliances/{aid}/members"),
            join(&firm, "2024-03-01"),
        )
        .await;
    assert_eq!(twice, 409, "{e}");
    assert_eq!(e["code"], "already_member");

    // The firm leaves, and rejoins later.
    let (s, left) = api
        .post_json(
            &format!("/api/v1/alliances/{aid}/members/{firm}/exit"),
            json!({ "left_on": "2025-01-01" }),
        )
        .await;
    assert_eq!(s, 200, "{left}");
    assert_eq!(left["left_on"], "2025-01-01");
    let (s, e) = api
        .post_json(
            &format!("/api/v1/alliances/{aid}/members/{firm}/exit"),
            json!({ "left_on": "2025-02-01" }),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(e["code"], "not_a_member");
    let (s, _) = api
        .post_json(
            &format!("/api/v1/alliances/{aid}/members"),
            join(&firm, "2025-06-01"),
        )
        .await;
    assert_eq!(s, 201);

    assert_eq!(counts(&api, &aid, "2023-12-31").await, (0, 0, 0));
    assert_eq!(counts(&api, &aid, "2024-03-01").await, (1, 1, 0));
    assert_eq!(counts(&api, &aid, "2024-12-31").await, (3, 1, 1));
    assert_eq!(counts(&api, &aid, "2025-03-01").await, (2, 0, 1));
    assert_eq!(counts(&api, &aid, "2025-07-01").await, (3, 1, 1));

    let at = api
        .get_ok(&format!("/api/v1/alliances/{aid}/members?on=2025-03-01"))
        .await;
    assert_eq!(at["total"], 2);
    let only = api
        .get_ok(&format!(
            "/api/v1/alliances/{aid}/members?on=2025-07-01&sector=industry"
        ))
        .await;
    assert_eq!(only["total"], 1);
    let hist = api
        .get_ok(&format!("/api/v1/alliances/{aid}/history?org_id={firm}"))
        .await;
    assert_eq!(hist.as_array().unwrap().len(), 2);
    let list = api.get_ok("/api/v1/alliances?on=2025-03-01&q=人才").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["member_count"], 2);
    let mine = api.get_ok(&format!("/api/v1/orgs/{firm}/alliances")).await;
    assert_eq!(mine[0]["alliance_name"], "集成电路人才联盟");

    // The member list at a date, as Excel.
    let res = api
        .get(&format!(
            "/api/v1/alliances/{aid}/members/export?on=2025-03-01"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let rows = sheet_rows(&res.bytes().await.unwrap(), None);
    assert_eq!(
        rows[0],
        [
            "单位名称",
            "统一社会信用代码",
            "类别",
            "加入日期",
            "退出日期"
        ]
    );
    assert_eq!(rows.len(), 3);
    assert!(rows
        .iter()
        .any(|r| r[0] == "山城大学" && r[2] == "学" && r[3] == "2024-06-01"));
    let res = api
        .get("/api/v1/alliances/export?q=人才")
        .send()
        .await
        .unwrap();
    let rows = sheet_rows(&res.bytes().await.unwrap(), None);
    assert_eq!(rows[1][0], "集成电路人才联盟");

    // The page shows the counts at the picked date.
    let page = api.text(&format!("/alliances/{aid}?on=2025-03-01")).await;
    assert!(page.contains("集成电路人才联盟"), "{page}");
    assert!(page.contains("2025-03-01"));
    let orgpage = api.text(&format!("/orgs/{firm}")).await;
    assert!(orgpage.contains("集成电路人才联盟"));

    // Permissions and missing records.
    let leader = app.api_client("lingdao", Role::Leader, None, None).await;
    leader
        .get_ok(&format!("/api/v1/alliances/{aid}/members"))
        .await;
    let (s, _) = leader
        .post_json(
            &format!("/api/v1/alliances/{aid}/members"),
            join(&firm, "2026-01-01"),
        )
        .await;
    assert_eq!(s, 403);
    let (s, _) = leader
        .post_json(
            "/api/v1/alliances",
            json!({ "name": "x", "kind": "alliance" }),
        )
        .await;
    assert_eq!(s, 403);
    let (s, _) = Api::json(api.get("/api/v1/alliances/nope")).await;
    assert_eq!(s, 404);
    let (s, _) = Api::json(api.get("/api/v1/alliances/nope/members")).await;
    assert_eq!(s, 404);
    let (s, _) = api
        .post_json("/api/v1/alliances/nope/members", join(&firm, "2026-01-01"))
        .await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn a_member_list_is_imported_all_or_nothing() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    for (n, name) in [
        (11, "甲科技有限公司"),
        (12, "乙科技有限公司"),
        (13, "丙科技有限公司"),
    ] {
        create_org(&api, name, n, json!({})).await;
    }
    let (status, a) = api
        .post_json(
            "/api/v1/alliances",
            json!({ "name": "创新生态共治协会", "kind": "association", "founded_on": "2024-01-01" }),
        )
        .await;
    assert_eq!(status, 201, "{a}");
    let aid = a["alliance"]["id"].as_str().unwrap().to_string();
    let header = vec![
        "单位名称",
        "统一社会信用代码",
        "类别",
        "加入日期",
        "退出日期",
    ];
    let (c11, c12, c13, c99) = (code(11), code(12), code(13), code(99));

    // One bad row: nothing is added, the row and column are named.
    let bad = text_xlsx(&[
        header.clone(),
        vec!["甲", &c11, "产", "2024-02-01", ""],
        vec!["乙", &c12, "", "2024-03-01", "2024-02-01"],
        vec!["丙", &c13, "农", "2024-03-01", ""],
    ]);
    let (s, e) = upload(&api, &aid, bad).await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(e["code"], "import_invalid");
    let problems = e["details"]["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p["row"] == 3 && p["column"] == "退出日期"),
        "{e}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p["row"] == 4 && p["column"] == "类别"),
        "{e}"
    );
    // A credit code not in the register is found by the store: still nothing added.
    let unknown = text_xlsx(&[
        header.clone(),
        vec!["甲", &c11, "产", "2024-02-01", ""],
        vec!["某", &c99, "", "2024-03-01", ""],
    ]);
    let (s, e) = upload(&api, &aid, unknown).await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(e["details"]["problems"][0]["row"], 3);
    assert_eq!(e["details"]["problems"][0]["column"], "统一社会信用代码");
    let h = api
        .get_ok(&format!("/api/v1/alliances/{aid}/history"))
        .await;
    assert!(h.as_array().unwrap().is_empty(), "{h}");

    let good = text_xlsx(&[
        header.clone(),
        vec!["甲", &c11, "产", "2024-02-01", "2025-01-01"],
        vec!["乙", &c12, "", "2024-03-01", ""],
        vec!["丙", &c13, "", "2025-03-01", ""],
    ]);
    let (s, ok) = upload(&api, &aid, good).await;
    assert_eq!(s, 200, "{ok}");
    assert_eq!(ok["imported"], 3);
    assert_eq!(counts(&api, &aid, "2024-06-01").await.0, 2);
    assert_eq!(counts(&api, &aid, "2025-06-01").await.0, 2);
    // The export at a date imports as it is into another alliance.
    let res = api
        .get(&format!(
            "/api/v1/alliances/{aid}/members/export?on=2025-06-01"
        ))
        .send()
        .await
        .unwrap();
    let bytes = res.bytes().await.unwrap().to_vec();
    let (_, b) = api
        .post_json(
            "/api/v1/alliances",
            json!({ "name": "另一个联盟", "kind": "alliance" }),
        )
        .await;
    let bid = b["alliance"]["id"].as_str().unwrap().to_string();
    let (s, ok) = upload(&api, &bid, bytes).await;
    assert_eq!(s, 200, "{ok}");
    assert_eq!(ok["imported"], 2);

    let leader = app.api_client("lingdao", Role::Leader, None, None).await;
    let (s, _) = upload(&leader, &aid, text_xlsx(&[header])).await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn firms_settled_on_a_chain_are_counted_with_the_list_behind() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let (status, chain) = api
        .post_json("/api/v1/chains", json!({ "name": "新能源汽车" }))
        .await;
    assert_eq!(status, 201, "{chain}");
    let cid = id(&chain);
    let this_year = chrono::Utc::now().year();
    let dates = [
        "2024-05-01".to_string(),
        "2025-03-01".to_string(),
        format!("{this_year}-01-01"),
    ];
    let mut firms = vec![];
    for (i, d) in dates.iter().enumerate() {
        let f = create_org(&api, &format!("落户企业{i}"), 21 + i as u32, json!({})).await;
        let fid = id(&f);
        let (s, _) = api
            .put_json(
                &format!("/api/v1/chains/{cid}/members/{fid}"),
                json!({ "position": "upstream" }),
            )
            .await;
        assert_eq!(s, 200);
        let (s, e) = api
            .put_json(
                &format!("/api/v1/chains/{cid}/members/{fid}/settled"),
                json!({ "settled_on": d }),
            )
            .await;
        assert_eq!(s, 200, "{e}");
        firms.push(fid);
    }
    // A firm not on the chain cannot settle on it; a bad date is refused.
    let other = id(&create_org(&api, "未挂接企业", 29, json!({})).await);
    let (s, e) = api
        .put_json(
            &format!("/api/v1/chains/{cid}/members/{other}/settled"),
            json!({ "settled_on": "2025-01-01" }),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(e["code"], "not_on_chain");
    let (s, e) = api
        .put_json(
            &format!("/api/v1/chains/{cid}/members/{}/settled", firms[0]),
            json!({ "settled_on": "明年" }),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    assert!(e["details"]["fields"]["settled_on"].is_string());

    let all = api.get_ok("/api/v1/chains/settled").await;
    let mine = all
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["chain_id"] == cid.as_str())
        .unwrap()
        .clone();
    assert_eq!(mine["settled"], 3);
    let year = api
        .get_ok(&format!("/api/v1/chains/settled?from={this_year}-01-01"))
        .await;
    assert_eq!(year[0]["settled"], 1);
    let list = api
        .get_ok(&format!(
            "/api/v1/chains/{cid}/settled?from=2025-01-01&to=2025-12-31"
        ))
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["org_name"], "落户企业1");
    assert_eq!(list[0]["settled_on"], "2025-03-01");
    let detail = api.get_ok(&format!("/api/v1/chains/{cid}")).await;
    assert!(detail["members"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["settled_on"] == "2024-05-01"));
    // Cleared with an empty date.
    let (s, _) = api
        .put_json(
            &format!("/api/v1/chains/{cid}/members/{}/settled", firms[0]),
            json!({ "settled_on": "" }),
        )
        .await;
    assert_eq!(s, 200);
    let all = api.get_ok("/api/v1/chains/settled").await;
    assert_eq!(all[0]["settled"], 2);
    let (s, _) = Api::json(api.get("/api/v1/chains/nope/settled")).await;
    assert_eq!(s, 404);
    let (s, _) = Api::json(api.get("/api/v1/chains/settled?from=2026-02-01&to=2026-01-01")).await;
    assert_eq!(s, 422);

    // The chain page shows the figures and links to the list.
    let page = api.text(&format!("/chains/{cid}")).await;
    assert!(page.contains("落户"), "{page}");
    assert!(page.contains(&format!("/chains/{cid}/settled")));
    let page = api.text(&format!("/chains/{cid}/settled")).await;
    assert!(page.contains("落户企业1"));

    let leader = app.api_client("lingdao", Role::Leader, None, None).await;
    leader.get_ok("/api/v1/chains/settled").await;
    let (s, _) = leader
        .put_json(
            &format!("/api/v1/chains/{cid}/members/{}/settled", firms[1]),
            json!({ "settled_on": "2025-01-01" }),
        )
        .await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn the_demo_has_the_articles_alliances_and_settled_firms() {
    let app = spawn_app().await;
    assert!(kechuang::demo::load_quick(&app.db).await.unwrap());
    let api = app.api_client("guanli", Role::Admin, None, None).await;
    let list = api.get_ok("/api/v1/alliances").await;
    let count = |name: &str| {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name)
            .unwrap_or_else(|| panic!("{name}: {list}"))["member_count"]
            .as_u64()
            .unwrap()
    };
    assert!(count("集成电路人才联盟") >= 80, "{list}");
    assert_eq!(count("创新生态共治协会"), 81, "{list}");
    let nev = api
        .get_ok("/api/v1/chains/settled")
        .await
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["chain_name"] == "智能网联新能源汽车")
        .unwrap()["settled"]
        .as_u64()
        .unwrap();
    assert!(nev >= 60, "{nev}");
    // The NEV chain's 2025 output is unchanged by the settled firms.
    let chains = api.get_ok("/api/v1/chains").await;
    let c = chains
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "智能网联新能源汽车")
        .unwrap();
    assert_eq!(c["latest"]["output_fen"], 1_204_000_000_000_i64);
}

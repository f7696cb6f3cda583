//! Party-building: Member responsibility zones (党员责任区): their members and the organisations they cover.
//!
//! Party organisations and members are written straight through the store
//! (`record::insert`), so these tests do not depend on the network API.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Reader, Xlsx};
use kechuang_domain::auth::Role;
use kechuang_store::entities::{party_member, party_org};
use kechuang_store::{record, Db};
use kechuang_testkit::{id, spawn_app, Api};
use sea_orm::ActiveValue::Set;
use serde_json::{json, Value};

use crate::{admin, code, create_org, problem_cells, refused, sheet_rows, text_xlsx, upload_xlsx};

/// A party organisation under `parent`, written through the store.
pub async fn party_org(db: &Db, parent: Option<&party_org::Model>, name: &str) -> party_org::Model {
    let tx = kechuang_store::db::begin_write(db).await.unwrap();
    let id = kechuang_store::new_id();
    let path = format!("{}{id}/", parent.map(|p| p.path.as_str()).unwrap_or("/"));
    let m = record::insert(
        &tx,
        "test",
        party_org::ActiveModel {
            id: Set(id),
            parent_id: Set(parent.map(|p| p.id.clone())),
            name: Set(name.into()),
            kind: Set(if parent.is_some() {
                "branch"
            } else {
                "joint_committee"
            }
            .into()),
            path: Set(path),
            chain_id: Set(None),
            founded_on: Set(None),
            secretary: Set("书记".into()),
            venue: Set(String::new()),
            sort_order: Set(0),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    m
}

/// A full member of `org`, written through the store.
pub async fn member(db: &Db, org: &party_org::Model, name: &str) -> party_member::Model {
    let tx = kechuang_store::db::begin_write(db).await.unwrap();
    let m = record::insert(
        &tx,
        "test",
        party_member::ActiveModel {
            party_org_id: Set(org.id.clone()),
            name: Set(name.into()),
            gender: Set("男".into()),
            phone: Set("13800138000".into()),
            id_number: Set("500106199001011234".into()),
            field: Set("sci_tech".into()),
            post: Set("研究员".into()),
            stage: Set("full".into()),
            applied_on: Set(None),
            activist_on: Set(None),
            candidate_on: Set(None),
            probationary_on: Set(None),
            full_on: Set(None),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    m
}

fn names(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn zones_take_members_of_their_party_organisation_and_cover_register_orgs() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let root = party_org(&app.db, None, "科技创新机构联合党委").await;
    let lab = party_org(&app.db, Some(&root), "金凤实验室党支部").await;
    let other = party_org(&app.db, None, "另一个党委").await;
    let li = member(&app.db, &lab, "李晓燕").await;
    let wang = member(&app.db, &root, "王建华").await;
    let zhao = member(&app.db, &other, "赵国栋").await;
    let firm = create_org(&api, "重庆金凤软件有限公司", 1, json!({})).await;
    let firm2 = create_org(&api, "重庆明月湖科技有限公司", 2, json!({})).await;

    // A zone needs a name, a leader and an existing party organisation.
    let body = refused(
        api.post_json(
            "/api/v1/party/zones",
            json!({ "name": "", "party_org_id": "", "leader": "" }),
        )
        .await,
        422,
        "invalid_input",
    );
    let fields = body["details"]["fields"].as_object().unwrap();
    assert!(
        fields.contains_key("name")
            && fields.contains_key("party_org_id")
            && fields.contains_key("leader")
    );
    refused(
        api.post_json(
            "/api/v1/party/zones",
            json!({ "name": "x", "party_org_id": "nope", "leader": "y" }),
        )
        .await,
        422,
        "unknown_party_org",
    );
    let (status, z) = api
        .post_json(
            "/api/v1/party/zones",
            json!({ "name": "科研楼宇党员责任区", "party_org_id": root.id, "leader": "王建华",
                "area": "金凤实验室A栋及周边科技企业" }),
        )
        .await;
    assert_eq!(status, 201, "{z}");
    let zone = &z["zone"];
    let zid = id(zone);
    assert_eq!(zone["party_org_name"], "科技创新机构联合党委");
    assert_eq!(
        (zone["member_count"].as_u64(), zone["org_count"].as_u64()),
        (Some(0), Some(0))
    );

    // Members of the organisation or a branch under it may join; others may not.
    let add = |member: &str| {
        let path = format!("/api/v1/party/zones/{zid}/members");
        let body = json!({ "member_id": member });
        let api = &api;
        async move { api.post_json(&path, body).await }
    };
    let (status, z) = add(&li.id).await;
    assert_eq!(status, 201, "{z}");
    let (status, z) = add(&wang.id).await;
    assert_eq!(status, 201, "{z}");
    assert_eq!(names(&z, "members"), ["李晓燕", "王建华"]);
    assert_eq!(z["members"][0]["party_org_name"], "金凤实验室党支部");
    assert_eq!(z["members"][0]["post"], "研究员");
    assert!(
        z["members"][0].get("phone").is_none(),
        "no personal data in a zone"
    );
    assert!(z["members"][0].get("id_number").is_none());
    refused(add(&li.id).await, 409, "already_in_zone");
    let body = refused(add(&zhao.id).await, 422, "member_outside_org");
    assert!(body["message"].as_str().unwrap().contains("赵国栋"));
    refused(add("nope").await, 422, "unknown_member");
    refused(add("").await, 422, "invalid_input");

    // Covered organisations come from the register.
    let (status, z) = api
        .post_json(
            &format!("/api/v1/party/zones/{zid}/orgs"),
            json!({ "org_id": id(&firm) }),
        )
        .await;
    assert_eq!(status, 201, "{z}");
    let (status, z) = api
        .post_json(
            &format!("/api/v1/party/zones/{zid}/orgs"),
            json!({ "org_id": id(&firm2) }),
        )
        .await;
    assert_eq!(status, 201, "{z}");
    assert_eq!(
        names(&z, "orgs"),
        ["重庆明月湖科技有限公司", "重庆金凤软件有限公司"]
    );
    assert_eq!(z["orgs"][0]["kind_label"], "企业");
    refused(
        api.post_json(
            &format!("/api/v1/party/zones/{zid}/orgs"),
            json!({ "org_id": id(&firm) }),
        )
        .await,
        409,
        "already_in_zone",
    );
    refused(
        api.post_json(
            &format!("/api/v1/party/zones/{zid}/orgs"),
            json!({ "org_id": "nope" }),
        )
        .await,
        422,
        "unknown_org",
    );

    // A second zone on the branch, and the list with its counts.
    let (status, z2) = api
        .post_json(
            "/api/v1/party/zones",
            json!({ "name": "孵化载体党员责任区", "party_org_id": lab.id, "leader": "李晓燕" }),
        )
        .await;
    assert_eq!(status, 201, "{z2}");
    let z2id = id(&z2["zone"]);
    // The branch's zone cannot take the committee's own member.
    refused(
        api.post_json(
            &format!("/api/v1/party/zones/{z2id}/members"),
            json!({ "member_id": wang.id }),
        )
        .await,
        422,
        "member_outside_org",
    );
    let list = api.get_ok("/api/v1/party/zones").await;
    assert_eq!(list["total"], 2);
    let counts: Vec<(String, u64, u64)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|z| {
            (
                z["name"].as_str().unwrap().to_string(),
                z["member_count"].as_u64().unwrap(),
                z["org_count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("孵化载体党员责任区".to_string(), 0, 0),
            ("科研楼宇党员责任区".to_string(), 2, 2),
        ]
    );
    let by_org = api
        .get_ok(&format!("/api/v1/party/zones?party_org_id={}", lab.id))
        .await;
    assert_eq!(by_org["total"], 1);
    assert_eq!(
        api.get_ok("/api/v1/party/zones?q=科研楼宇").await["total"],
        1
    );

    // Removing a member and an organisation.
    let (status, z) =
        Api::json(api.delete(&format!("/api/v1/party/zones/{zid}/members/{}", wang.id))).await;
    assert_eq!(status, 200, "{z}");
    assert_eq!(names(&z, "members"), ["李晓燕"]);
    assert_eq!(z["zone"]["member_count"], 1);
    refused(
        Api::json(api.delete(&format!("/api/v1/party/zones/{zid}/members/{}", wang.id))).await,
        404,
        "not_found",
    );
    let (status, z) =
        Api::json(api.delete(&format!("/api/v1/party/zones/{zid}/orgs/{}", id(&firm)))).await;
    assert_eq!(status, 200, "{z}");
    assert_eq!(z["zone"]["org_count"], 1);
    // A member can join again after leaving.
    let (status, _) = add(&wang.id).await;
    assert_eq!(status, 201);

    // Editing takes the version the editor saw.
    let edit = json!({ "version": 1, "name": "科研楼宇责任区（一区）", "party_org_id": root.id, "leader": "王建华" });
    let (status, z) = Api::json(api.put(&format!("/api/v1/party/zones/{zid}")).json(&edit)).await;
    assert_eq!(status, 200, "{z}");
    assert_eq!(z["zone"]["name"], "科研楼宇责任区（一区）");
    assert_eq!(z["zone"]["version"], 2);
    refused(
        Api::json(api.put(&format!("/api/v1/party/zones/{zid}")).json(&edit)).await,
        409,
        "stale_version",
    );

    // The export has one row per zone with its counts.
    let res = api.get("/api/v1/party/zones/export").send().await.unwrap();
    assert_eq!(res.status(), 200);
    let mut wb: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
    let rows: Vec<Vec<String>> = wb
        .worksheet_range_at(0)
        .unwrap()
        .unwrap()
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[0], COLUMNS);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[2][0], "科研楼宇责任区（一区）");
    assert_eq!((rows[2][6].as_str(), rows[2][7].as_str()), ("2", "1"));
}

const COLUMNS: [&str; 8] = [
    "责任区",
    "所属党组织",
    "负责人",
    "责任范围",
    "责任区党员",
    "覆盖单位",
    "党员数",
    "覆盖单位数",
];

#[tokio::test]
async fn a_committee_imports_its_zone_ledger_with_members_and_firms_and_exports_it_back() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let root = party_org(&app.db, None, "科技创新机构联合党委").await;
    let lab = party_org(&app.db, Some(&root), "金凤实验室党支部").await;
    let other = party_org(&app.db, None, "另一个党委").await;
    member(&app.db, &lab, "李晓燕").await;
    member(&app.db, &root, "王建华").await;
    member(&app.db, &other, "赵国栋").await;
    // Two members of one name under the committee: told apart by branch.
    member(&app.db, &lab, "周雪梅").await;
    member(&app.db, &root, "周雪梅").await;
    create_org(&api, "重庆金凤软件有限公司", 11, json!({})).await;
    create_org(&api, "同名公司", 12, json!({})).await;
    create_org(&api, "同名公司", 13, json!({})).await;
    let twin = code(13);

    // The template has the export's columns.
    let res = api
        .get("/api/v1/party/zones/import/template")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(sheet_rows(&res.bytes().await.unwrap(), None)[0], COLUMNS);

    // Every bad cell is named; nothing is imported.
    let bad = text_xlsx(&[
        COLUMNS.to_vec(),
        vec!["甲", "不存在的党委", "王建华", "", "", "", "", ""],
        vec![
            "乙",
            "科技创新机构联合党委",
            "王建华",
            "",
            "赵国栋",
            "",
            "",
            "",
        ],
        vec![
            "丙",
            "科技创新机构联合党委",
            "王建华",
            "",
            "周雪梅",
            "同名公司",
            "",
            "",
        ],
        vec!["丁", "科技创新机构联合党委", "", "", "", "没有这家", "", ""],
    ]);
    let body = refused(
        upload_xlsx(&api, "/api/v1/party/zones/import", bad).await,
        422,
        "import_invalid",
    );
    assert_eq!(
        problem_cells(&body),
        [
            (2, "所属党组织".to_string()),
            (3, "责任区党员".to_string()),
            (4, "责任区党员".to_string()),
            (4, "覆盖单位".to_string()),
            (5, "负责人".to_string()),
            (5, "覆盖单位".to_string()),
        ],
        "{body}"
    );
    assert!(body.to_string().contains("周雪梅（所在党组织）"), "{body}");
    assert_eq!(api.get_ok("/api/v1/party/zones").await["total"], 0);

    // A good ledger, written as the export writes it: members and firms by
    // name in name order, a shared name qualified, a twin firm by its code.
    let good: Vec<Vec<String>> = vec![
        COLUMNS.iter().map(|c| c.to_string()).collect(),
        [
            "科研楼宇责任区",
            "科技创新机构联合党委",
            "王建华",
            "科研楼宇及周边企业",
            "周雪梅（金凤实验室党支部）、李晓燕、王建华",
            &format!("{twin}、重庆金凤软件有限公司"),
            "3",
            "2",
        ]
        .iter()
        .map(|c| c.to_string())
        .collect(),
        [
            "实验室责任区",
            "金凤实验室党支部",
            "李晓燕",
            "",
            "李晓燕",
            "",
            "1",
            "0",
        ]
        .iter()
        .map(|c| c.to_string())
        .collect(),
    ];
    let as_refs: Vec<Vec<&str>> = good
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let (status, done) = upload_xlsx(&api, "/api/v1/party/zones/import", text_xlsx(&as_refs)).await;
    assert_eq!(
        (status, done["imported"].clone()),
        (200, json!(2)),
        "{done}"
    );
    let list = api.get_ok("/api/v1/party/zones?q=科研楼宇").await;
    assert_eq!(list["items"][0]["member_count"], 3);
    assert_eq!(list["items"][0]["org_count"], 2);

    // The export gives the file back.
    let res = api.get("/api/v1/party/zones/export").send().await.unwrap();
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut exported = sheet_rows(&bytes, None);
    exported[1..].sort();
    let mut expected = good.clone();
    expected[1..].sort();
    assert_eq!(exported, expected);

    // The same ledger again is refused, not doubled.
    let body = refused(
        upload_xlsx(&api, "/api/v1/party/zones/import", bytes).await,
        422,
        "import_invalid",
    );
    assert_eq!(problem_cells(&body).len(), 2, "{body}");
    assert_eq!(api.get_ok("/api/v1/party/zones").await["total"], 2);

    // The page: 导入 Excel, and a refusal shown in its panel.
    let page = app.browser("admin").await;
    let html = page.get_text("/party/zones").await;
    assert!(
        html.contains("/api/v1/party/zones/import/template"),
        "{html}"
    );
    let r = page
        .upload(
            "/party/zones/import",
            text_xlsx(&[
                COLUMNS.to_vec(),
                vec!["戊", "不存在的党委", "王建华", "", "", "", "", ""],
            ]),
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"import-problems\"") && html.contains("不存在的党委"),
        "{html}"
    );
}

#[tokio::test]
async fn leaders_read_zones_but_cannot_change_them_and_enterprises_see_nothing() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let root = party_org(&app.db, None, "联合党委").await;
    let m = member(&app.db, &root, "王建华").await;
    let (status, z) = api
        .post_json(
            "/api/v1/party/zones",
            json!({ "name": "责任区", "party_org_id": root.id, "leader": "王建华" }),
        )
        .await;
    assert_eq!(status, 201, "{z}");
    let zid = id(&z["zone"]);
    let leader = app.api_client("wang", Role::Leader, None, None).await;
    assert_eq!(leader.get_ok("/api/v1/party/zones").await["total"], 1);
    leader.get_ok(&format!("/api/v1/party/zones/{zid}")).await;
    refused(
        leader
            .post_json(
                "/api/v1/party/zones",
                json!({ "name": "x", "party_org_id": root.id, "leader": "y" }),
            )
            .await,
        403,
        "forbidden",
    );
    refused(
        leader
            .post_json(
                &format!("/api/v1/party/zones/{zid}/members"),
                json!({ "member_id": m.id }),
            )
            .await,
        403,
        "forbidden",
    );
    refused(
        Api::json(leader.delete(&format!("/api/v1/party/zones/{zid}/members/{}", m.id))).await,
        403,
        "forbidden",
    );
    let firm = app.api_client("firm", Role::Enterprise, None, None).await;
    refused(
        Api::json(firm.get("/api/v1/party/zones")).await,
        403,
        "forbidden",
    );
    refused(
        Api::json(firm.get(&format!("/api/v1/party/zones/{zid}"))).await,
        403,
        "forbidden",
    );

    // The pages open for a party worker; a bad member choice is shown in place.
    app.user("dangjian", Role::PartyWorker, None, None).await;
    let b = app.browser("dangjian").await;
    assert_eq!(b.get("/party/zones").await.status(), 200);
    let html = b.get_text(&format!("/party/zones/{zid}")).await;
    assert!(
        html.contains("王建华（研究员，联合党委）"),
        "members to add are offered"
    );
    let res = b
        .post_form(
            &format!("/party/zones/{zid}/act/add_member"),
            &[("member_id", "")],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("请选择党员"));
    let res = b
        .post_form(
            &format!("/party/zones/{zid}/act/add_member"),
            &[("member_id", &m.id)],
        )
        .await;
    assert_eq!(res.status(), 303);
    let html = b.get_text(&format!("/party/zones/{zid}")).await;
    assert!(html.contains("id=\"member-count\">1<"));
}

//! Party-building: the network (tree, units, chain committees and the
//! article's figures), members with masked personal data and audited
//! reveals, recruitment and the sci-tech share, cross-appointments.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Reader, Xlsx};
use kechuang_domain::auth::Role;
use kechuang_testkit::{spawn_app, Api};
use serde_json::{json, Value};

use crate::{admin, create_org, problem_cells, upload_xlsx};

async fn party_org(api: &Api, body: Value) -> String {
    let (status, o) = api.post_json("/api/v1/party/orgs", body).await;
    assert_eq!(status, 201, "{o}");
    o["id"].as_str().unwrap().to_string()
}

async fn member(api: &Api, body: Value) -> Value {
    let (status, m) = api.post_json("/api/v1/party/members", body).await;
    assert_eq!(status, 201, "{m}");
    m
}

#[tokio::test]
async fn the_network_counts_what_the_article_quotes() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let office = app
        .api_client("office", Role::PartyWorker, None, None)
        .await;
    let lab = create_org(&admin, "金凤实验室", 1, json!({"kind": "institute"})).await;
    let firm = create_org(&admin, "重庆渝新能源汽车有限公司", 2, json!({})).await;
    let small = create_org(&admin, "重庆精锐紧固件有限公司", 3, json!({})).await;
    let (_, chain) = Api::json(
        admin
            .post("/api/v1/chains")
            .json(&json!({"name": "智能网联新能源汽车"})),
    )
    .await;

    let root = party_org(&office, json!({"name": "科技创新机构联合党委", "kind": "joint_committee", "venue": "科学城党群服务中心"})).await;
    let lab_branch = party_org(&office, json!({"name": "金凤实验室第一党支部", "kind": "branch", "parent_id": root, "venue": "金凤实验室党建阵地"})).await;
    let firm_branch = party_org(&office, json!({"name": "渝新能源党支部", "kind": "branch", "parent_id": root, "venue": "科学城党群服务中心"})).await;
    let joint = party_org(
        &office,
        json!({"name": "零部件企业联合党支部", "kind": "joint_branch", "parent_id": root}),
    )
    .await;
    // A chain committee needs its chain.
    let (status, e) = office
        .post_json(
            "/api/v1/party/orgs",
            json!({"name": "产业链党委", "kind": "chain_committee"}),
        )
        .await;
    assert_eq!(status, 422);
    assert!(e["details"]["fields"]["chain_id"].is_string(), "{e}");
    let committee = party_org(&office, json!({"name": "新能源汽车产业链党委", "kind": "chain_committee", "parent_id": root, "chain_id": chain["id"]})).await;

    for (p, o) in [
        (&lab_branch, &lab),
        (&firm_branch, &firm),
        (&joint, &firm),
        (&joint, &small),
    ] {
        let res = office
            .put(&format!(
                "/api/v1/party/orgs/{p}/units/{}",
                o["id"].as_str().unwrap()
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
    }
    let res = office
        .put(&format!(
            "/api/v1/party/orgs/{joint}/units/{}",
            small["id"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409, "a unit is registered once");
    for p in [&firm_branch, &joint] {
        let res = office
            .put(&format!("/api/v1/party/orgs/{committee}/links/{p}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
    }
    let (status, e) =
        Api::json(office.put(&format!("/api/v1/party/orgs/{firm_branch}/links/{joint}"))).await;
    assert_eq!(
        (status, e["code"].as_str()),
        (422, Some("not_chain_committee"))
    );

    let (_, f) = Api::json(office.get("/api/v1/party/figures")).await;
    assert_eq!(f["party_orgs"], 5);
    assert_eq!(f["by_kind"]["branch"], 2);
    assert_eq!(
        f["in_research_units"], 1,
        "only the lab's branch sits in a research unit"
    );
    assert_eq!(f["venues"], 2, "venues are counted once each");
    assert_eq!(f["chain_links"], json!([["新能源汽车产业链党委", 2]]));

    // Moving a branch under another moves nothing else; moving the root under its child is refused.
    let (_, tree) = Api::json(office.get("/api/v1/party/orgs")).await;
    let version = |id: &str| {
        tree.as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == id)
            .unwrap()["version"]
            .clone()
    };
    let (status, e) = Api::json(office.put(&format!("/api/v1/party/orgs/{root}")).json(&json!({
        "version": version(&root), "name": "科技创新机构联合党委", "kind": "joint_committee", "parent_id": lab_branch
    })))
    .await;
    assert_eq!((status, e["code"].as_str()), (422, Some("invalid_parent")));
    let (status, moved) = Api::json(office.put(&format!("/api/v1/party/orgs/{joint}")).json(&json!({
        "version": version(&joint), "name": "零部件企业联合党支部", "kind": "joint_branch", "parent_id": firm_branch
    })))
    .await;
    assert_eq!(status, 200, "{moved}");
    let (_, detail) = Api::json(office.get(&format!("/api/v1/party/orgs/{firm_branch}"))).await;
    assert_eq!(detail["children"][0]["id"], joint.as_str());

    // The chain's page shows its party committee and the organisations it links.
    app.user("office_page", Role::PartyWorker, None, None).await;
    let html = app
        .browser("office_page")
        .await
        .get_text(&format!("/chains/{}", chain["id"].as_str().unwrap()))
        .await;
    assert!(
        html.contains("新能源汽车产业链党委</a> · 联结 2 个企业党组织"),
        "{html}"
    );

    // Readers may look, not change.
    let leader = app.api_client("leader", Role::Leader, None, None).await;
    assert_eq!(
        leader
            .get("/api/v1/party/orgs")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        leader
            .post_json("/api/v1/party/orgs", json!({"name": "x", "kind": "branch"}))
            .await
            .0,
        403
    );
    let firm_user = app
        .api_client(
            "firm",
            Role::Enterprise,
            None,
            firm["id"].as_str().map(String::from),
        )
        .await;
    assert_eq!(
        firm_user
            .get("/api/v1/party/orgs")
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}

#[tokio::test]
async fn the_tree_keeps_the_committee_s_order_and_rolls_members_up() {
    let app = spawn_app().await;
    let office = app
        .api_client("office", Role::PartyWorker, None, None)
        .await;
    let root = party_org(
        &office,
        json!({"name": "科技园联合党委", "kind": "joint_committee"}),
    )
    .await;
    let mut branches = vec![];
    for name in ["第一党支部", "第二党支部", "第三党支部", "第四党支部"] {
        branches.push(
            party_org(
                &office,
                json!({"name": name, "kind": "branch", "parent_id": root}),
            )
            .await,
        );
    }
    // A sort order given by hand still places an organisation.
    party_org(
        &office,
        json!({"name": "机关党支部", "kind": "branch", "parent_id": root, "sort_order": "-1"}),
    )
    .await;
    let full = |k: usize, on: &str| {
        json!({"party_org_id": branches[k], "name": format!("党员{k}{on}"), "field": "sci_tech",
               "applied_on": "2010-03-01", "activist_on": "2010-09-01", "candidate_on": "2011-09-01",
               "probationary_on": "2012-03-01", "full_on": on})
    };
    for body in [
        full(0, "2013-03-01"),
        full(0, "2014-03-01"),
        full(2, "2013-03-01"),
    ] {
        member(&office, body).await;
    }
    // An applicant is not a member yet, and is not counted.
    member(&office, json!({"party_org_id": branches[1], "name": "申请人", "field": "sci_tech", "applied_on": "2025-05-01"})).await;

    // Changing an organisation without naming its sort order keeps its place.
    let third = office
        .get_ok(&format!("/api/v1/party/orgs/{}", branches[2]))
        .await;
    let (status, changed) = office
        .put_json(
            &format!("/api/v1/party/orgs/{}", branches[2]),
            json!({"version": third["org"]["version"], "name": "第三党支部", "kind": "branch",
                   "parent_id": root, "secretary": "王书记"}),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    let tree = office.get_ok("/api/v1/party/orgs").await;
    let rows = tree.as_array().unwrap();
    let names: Vec<&str> = rows.iter().map(|o| o["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "科技园联合党委",
            "机关党支部",
            "第一党支部",
            "第二党支部",
            "第三党支部",
            "第四党支部"
        ],
        "siblings in the order the committee registered them, not 第一、第三、第二、第四"
    );
    let by_name = |n: &str| rows.iter().find(|o| o["name"] == n).unwrap();
    assert_eq!(
        (
            by_name("科技园联合党委")["members"].as_u64(),
            by_name("科技园联合党委")["total_members"].as_u64()
        ),
        (Some(0), Some(3)),
        "a committee's own count and its subtree's"
    );
    assert_eq!(by_name("科技园联合党委")["children"], 5);
    assert_eq!(by_name("第一党支部")["total_members"], 2);
    assert_eq!(by_name("第二党支部")["total_members"], 0);

    // The page: the committee's total, a fold button on it, none on a branch.
    app.user("office_page", Role::PartyWorker, None, None).await;
    let html = app.browser("office_page").await.get_text("/party").await;
    let row_of = |name: &str| {
        let at = html.find(&format!(">{name}</a>")).unwrap();
        let start = html[..at].rfind("<tr").unwrap();
        let end = at + html[at..].find("</tr>").unwrap();
        html[start..end].to_string()
    };
    let committee = row_of("科技园联合党委");
    assert!(committee.contains("data-tree-toggle"), "{committee}");
    assert!(
        committee.contains("class=\"member-total\">3</a>") && committee.contains("本级 0"),
        "{committee}"
    );
    let branch = row_of("第一党支部");
    assert!(
        !branch.contains("data-tree-toggle") && branch.contains(">2</a>"),
        "{branch}"
    );
    assert!(html.find(">第二党支部</a>").unwrap() < html.find(">第三党支部</a>").unwrap());
}

#[tokio::test]
async fn personal_data_is_masked_and_every_full_view_is_audited() {
    let app = spawn_app().await;
    let office = app
        .api_client("office", Role::PartyWorker, None, None)
        .await;
    let branch = party_org(&office, json!({"name": "第一党支部", "kind": "branch"})).await;
    let m = member(&office, json!({
        "party_org_id": branch, "name": "王建华", "gender": "男", "phone": "13812345678",
        "id_number": "50010619900101123X", "field": "sci_tech", "applied_on": "2015-03-01",
        "activist_on": "2015-09-01", "candidate_on": "2016-09-01", "probationary_on": "2017-03-01", "full_on": "2018-03-01"
    }))
    .await;
    assert_eq!(m["stage"], "full");
    assert_eq!(
        m["phone"], "138****5678",
        "even the creator gets the masked view back"
    );
    assert_eq!(m["masked"], true);
    let id = m["id"].as_str().unwrap();

    let leader = app.api_client("leader", Role::Leader, None, None).await;
    let (_, list) = Api::json(leader.get("/api/v1/party/members")).await;
    assert_eq!(list["items"][0]["id_number"], "5001**********123X");
    let (status, _) =
        Api::json(leader.get(&format!("/api/v1/party/members/{id}?reveal=true"))).await;
    assert_eq!(status, 403, "a leader may not unmask");
    let (status, _) = Api::json(leader.get("/api/v1/party/members/export?reveal=true")).await;
    assert_eq!(status, 403);

    let audit_count = |app: &kechuang_testkit::TestApp| {
        let db = app.db.clone();
        async move {
            kechuang_store::audit::list(
                &db,
                Some("party_member_access"),
                None,
                kechuang_store::PageReq::first(50),
            )
            .await
            .unwrap()
            .total
        }
    };
    assert_eq!(audit_count(&app).await, 0);
    let (status, full) =
        Api::json(office.get(&format!("/api/v1/party/members/{id}?reveal=true"))).await;
    assert_eq!(status, 200);
    assert_eq!(full["phone"], "13812345678");
    assert_eq!(full["masked"], false);
    assert_eq!(
        audit_count(&app).await,
        1,
        "the full view is in the audit log"
    );

    // Exports: masked for everyone, full (and audited) only on request with the right.
    let bytes = office
        .get("/api/v1/party/members/export")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let sheet = wb.worksheet_range_at(0).unwrap().unwrap();
    let row: Vec<String> = sheet
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(row[6], "138****5678");
    let bytes = office
        .get("/api/v1/party/members/export?reveal=true")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let sheet = wb.worksheet_range_at(0).unwrap().unwrap();
    let row: Vec<String> = sheet
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(row[7], "50010619900101123X");
    assert_eq!(audit_count(&app).await, 2);
    assert!(kechuang_store::audit::verify(&app.db)
        .await
        .unwrap()
        .problems
        .is_empty());

    // The member page shows the masked data; "显示完整信息" is a POST that is audited.
    app.user("office2", Role::PartyWorker, None, None).await;
    let b = app.browser("office2").await;
    let html = b.get_text(&format!("/party/members/{id}")).await;
    assert!(html.contains("138****5678") && !html.contains("13812345678"));
    let res = b
        .post_form(&format!("/party/members/{id}/act/reveal"), &[])
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("13812345678"));
    assert_eq!(audit_count(&app).await, 3);
}

#[tokio::test]
async fn recruitment_follows_the_ladder_and_counts_the_sci_tech_share() {
    let app = spawn_app().await;
    let office = app
        .api_client("office", Role::PartyWorker, None, None)
        .await;
    let branch = party_org(&office, json!({"name": "第一党支部", "kind": "branch"})).await;
    // Four people became probationary members in 2025, one from the sci-tech field.
    for (k, field) in ["sci_tech", "other", "other", "other"].iter().enumerate() {
        member(&office, json!({
            "party_org_id": branch, "name": format!("新党员{k}"), "field": field,
            "applied_on": "2022-03-01", "activist_on": "2022-09-01", "candidate_on": "2024-03-01",
            "probationary_on": format!("2025-0{}-01", k + 1)
        }))
        .await;
    }
    // A sci-tech applicant and an older member do not count as 2025 intake.
    member(&office, json!({"party_org_id": branch, "name": "申请人", "field": "sci_tech", "applied_on": "2025-05-01"})).await;
    member(&office, json!({"party_org_id": branch, "name": "老党员", "field": "sci_tech", "applied_on": "2010-03-01", "activist_on": "2010-09-01", "candidate_on": "2011-09-01", "probationary_on": "2012-03-01", "full_on": "2013-03-01"})).await;
    let (_, r) = Api::json(office.get("/api/v1/party/recruitment?year=2025")).await;
    assert_eq!(r["new_members"], 4);
    assert_eq!(r["new_from_sci_tech"], 1);
    assert_eq!(r["sci_tech_share_permille"], 250);
    assert_eq!(r["by_stage"]["probationary"], 4);
    assert_eq!(r["by_stage"]["applicant"], 1);
    assert_eq!(r["by_stage"]["full"], 1);
    // Steps are climbed in order.
    let (status, e) = office.post_json("/api/v1/party/members", json!({"party_org_id": branch, "name": "跳级", "applied_on": "2025-01-01", "candidate_on": "2025-06-01"})).await;
    assert_eq!(status, 422);
    assert!(
        e["details"]["fields"]["applied_on"]
            .as_str()
            .unwrap()
            .contains("入党积极分子"),
        "{e}"
    );
    let (status, _) = office.post_json("/api/v1/party/members", json!({"party_org_id": branch, "name": "倒序", "applied_on": "2025-01-01", "activist_on": "2024-06-01"})).await;
    assert_eq!(status, 422);
    // Only members with the right to see personal data may edit (the form carries it).
    let (_, list) = Api::json(office.get("/api/v1/party/members?stage=applicant")).await;
    let a = &list["items"][0];
    let (status, up) = Api::json(office.put(&format!("/api/v1/party/members/{}", a["id"].as_str().unwrap())).json(&json!({
        "version": a["version"], "party_org_id": branch, "name": "申请人", "field": "sci_tech",
        "applied_on": "2025-05-01", "activist_on": "2025-11-01"
    })))
    .await;
    assert_eq!(status, 200, "{up}");
    assert_eq!(up["stage"], "activist");
    assert_eq!(up["stage_label"], "入党积极分子");
    let (status, _) = Api::json(office.put(&format!("/api/v1/party/members/{}", a["id"].as_str().unwrap())).json(&json!({
        "version": a["version"], "party_org_id": branch, "name": "申请人", "applied_on": "2025-05-01"
    })))
    .await;
    assert_eq!(status, 409, "a stale edit is refused");

    // Cross-appointments; an unknown organisation is a field to correct.
    let (status, e) = office
        .post_json(
            "/api/v1/party/appointments",
            json!({"party_org_id": "", "person": "李晓燕", "party_post": "党支部书记", "admin_post": "副总经理"}),
        )
        .await;
    assert_eq!(
        (status, &e["code"]),
        (422, &json!("unknown_party_org")),
        "{e}"
    );
    assert!(e["details"]["fields"]["party_org_id"].is_string(), "{e}");
    let (status, ap) = office.post_json("/api/v1/party/appointments", json!({"party_org_id": branch, "person": "李晓燕", "party_post": "党支部书记", "admin_post": "副总经理"})).await;
    assert_eq!(status, 201, "{ap}");
    let (_, detail) = Api::json(office.get(&format!("/api/v1/party/orgs/{branch}"))).await;
    assert_eq!(detail["appointments"][0]["admin_post"], "副总经理");
    let res = office
        .delete(&format!(
            "/api/v1/party/appointments/{}",
            ap["id"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
}

#[tokio::test]
async fn the_member_register_imports_from_excel_all_or_nothing_and_exports_the_same() {
    let app = spawn_app().await;
    let office = app
        .api_client("office", Role::PartyWorker, None, None)
        .await;
    party_org(
        &office,
        json!({"name": "科技园联合党委第一党支部", "kind": "branch"}),
    )
    .await;
    // Two organisations of one name cannot be told apart by name.
    party_org(&office, json!({"name": "第二党支部", "kind": "branch"})).await;
    party_org(&office, json!({"name": "第二党支部", "kind": "branch"})).await;
    member(&office, json!({"party_org_id": party_org(&office, json!({"name": "机关党支部", "kind": "branch"})).await,
        "name": "已登记", "id_number": "50010619800101001X", "applied_on": "2010-01-01"}))
    .await;

    // The template has the export's columns.
    let res = office
        .get("/api/v1/party/members/import/template")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let header = crate::sheet_rows(&res.bytes().await.unwrap(), None)[0].clone();
    let res = office
        .get("/api/v1/party/members/export")
        .send()
        .await
        .unwrap();
    let exported = crate::sheet_rows(&res.bytes().await.unwrap(), None);
    assert_eq!(header, exported[0]);

    let head: Vec<&str> = header.iter().map(String::as_str).collect();
    let good1 = vec![
        "李明",
        "男",
        "科技园联合党委第一党支部",
        "正式党员",
        "科技领域",
        "研发工程师",
        "13800138001",
        "500106199003071234",
        "2015-03-01",
        "2015-09-01",
        "2016-09-01",
        "2017-03-01",
        "2018-03-01",
    ];
    let good2 = vec![
        "王芳",
        "女",
        "科技园联合党委第一党支部",
        "入党申请人",
        "其他",
        "",
        "",
        "",
        "2026-03-01",
        "",
        "",
        "",
        "",
    ];
    // Every bad cell is listed; nothing is imported.
    let bad = crate::text_xlsx(&[
        head.clone(),
        good1.clone(),
        vec![
            "张三",
            "男",
            "第二党支部",
            "",
            "其他",
            "",
            "",
            "",
            "2020-01-01",
            "",
            "",
            "",
            "",
        ],
        vec![
            "赵四",
            "男",
            "不存在的支部",
            "",
            "其他",
            "",
            "",
            "",
            "2020-01-01",
            "",
            "",
            "",
            "",
        ],
        vec![
            "钱五",
            "男",
            "科技园联合党委第一党支部",
            "",
            "其他",
            "",
            "138****8001",
            "5001**********1234",
            "2020-01-01",
            "",
            "",
            "",
            "",
        ],
        vec![
            "孙六",
            "男",
            "科技园联合党委第一党支部",
            "",
            "其他",
            "",
            "",
            "500106199003071234",
            "2020-01-01",
            "2019-01-01",
            "",
            "",
            "",
        ],
        vec![
            "周七",
            "男",
            "科技园联合党委第一党支部",
            "",
            "其他",
            "",
            "",
            "50010619800101001X",
            "2020-01-01",
            "",
            "",
            "",
            "",
        ],
        vec![
            "",
            "男",
            "科技园联合党委第一党支部",
            "",
            "其他",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ]);
    let (status, body) = upload_xlsx(&office, "/api/v1/party/members/import", bad).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("import_invalid")),
        "{body}"
    );
    let problems = problem_cells(&body);
    for expected in [
        (3, "党组织"),
        (4, "党组织"),
        (5, "手机号"),
        (5, "身份证号"),
        (6, "申请"),
        (7, "身份证号"),
        (8, "姓名"),
    ] {
        assert!(
            problems.contains(&(expected.0, expected.1.to_string())),
            "{expected:?} missing from {body}"
        );
    }
    assert_eq!(
        office.get_ok("/api/v1/party/members").await["total"],
        1,
        "nothing imported"
    );

    // A good file imports every row; the full export gives the same rows back.
    let (status, ok) = upload_xlsx(
        &office,
        "/api/v1/party/members/import",
        crate::text_xlsx(&[head.clone(), good1.clone(), good2.clone()]),
    )
    .await;
    assert_eq!((status, ok["imported"].as_i64()), (200, Some(2)), "{ok}");
    let res = office
        .get("/api/v1/party/members/export?q=%E6%9D%8E%E6%98%8E&reveal=true")
        .send()
        .await
        .unwrap();
    let back = crate::sheet_rows(&res.bytes().await.unwrap(), None);
    assert_eq!(
        back[1],
        good1.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    );
    let res = office
        .get("/api/v1/party/members/export?q=%E7%8E%8B%E8%8A%B3&reveal=true")
        .send()
        .await
        .unwrap();
    let back = crate::sheet_rows(&res.bytes().await.unwrap(), None);
    assert_eq!(
        back[1],
        good2.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    );
    // Imported once: the same file again is refused (ID number registered).
    let (status, again) = upload_xlsx(
        &office,
        "/api/v1/party/members/import",
        crate::text_xlsx(&[head.clone(), good1.clone()]),
    )
    .await;
    assert_eq!(status, 422, "{again}");
    // Only the party-building office imports.
    let leader = app.api_client("leader", Role::Leader, None, None).await;
    let (status, _) = upload_xlsx(
        &leader,
        "/api/v1/party/members/import",
        crate::text_xlsx(&[head, good2]),
    )
    .await;
    assert_eq!(status, 403);

    // The page: the panel lists the bad cells in place.
    let page = app.browser("office").await;
    let html = page.get_text("/party/members").await;
    assert!(html.contains("导入 Excel") && html.contains("/api/v1/party/members/import/template"));
    let file = crate::text_xlsx(&[
        head_vec(),
        vec![
            "赵四",
            "男",
            "不存在的支部",
            "",
            "其他",
            "",
            "",
            "",
            "2020-01-01",
            "",
            "",
            "",
            "",
        ],
    ]);
    let r = page.upload("/party/members/import", file).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"import-problems\"") && html.contains("不存在的支部"),
        "{html}"
    );
}

fn head_vec() -> Vec<&'static str> {
    vec![
        "姓名",
        "性别",
        "党组织",
        "发展阶段",
        "领域",
        "职务",
        "手机号",
        "身份证号",
        "申请",
        "积极分子",
        "发展对象",
        "预备党员",
        "正式党员",
    ]
}

#[tokio::test]
async fn party_organisations_import_from_excel_under_their_parents_and_export_the_same() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let office = app
        .api_client("office", Role::PartyWorker, None, None)
        .await;
    let (_, chain) = api
        .post_json("/api/v1/chains", json!({"name": "人工智能"}))
        .await;
    assert!(chain["id"].is_string());
    party_org(
        &office,
        json!({"name": "西部科学城党工委", "kind": "joint_committee"}),
    )
    .await;
    let res = office
        .get("/api/v1/party/orgs/import/template")
        .send()
        .await
        .unwrap();
    let head = crate::sheet_rows(&res.bytes().await.unwrap(), None)[0].clone();
    let head: Vec<&str> = head.iter().map(String::as_str).collect();

    let bad = crate::text_xlsx(&[
        head.clone(),
        vec!["甲支部", "党小组", "西部科学城党工委", "", "", "", "", ""],
        vec!["乙支部", "党支部", "不存在的党委", "", "", "", "", ""],
        vec!["产业链党委", "产业链党委", "", "", "", "", "", ""],
        vec![
            "丙支部",
            "党支部",
            "",
            "没有这条链",
            "2020-13-01",
            "",
            "",
            "第一",
        ],
    ]);
    let (status, body) = upload_xlsx(&office, "/api/v1/party/orgs/import", bad).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("import_invalid")),
        "{body}"
    );
    let problems = problem_cells(&body);
    for expected in [
        (2, "组织类型"),
        (3, "上级党组织"),
        (4, "所在产业链"),
        (5, "所在产业链"),
    ] {
        assert!(
            problems.contains(&(expected.0, expected.1.into())),
            "{expected:?}: {body}"
        );
    }
    assert_eq!(
        office
            .get_ok("/api/v1/party/orgs")
            .await
            .as_array()
            .unwrap()
            .len(),
        1,
        "nothing imported"
    );

    let rows = vec![
        vec![
            "科技园联合党委",
            "联合党委",
            "西部科学城党工委",
            "",
            "2019-06-28",
            "张书记",
            "科技园党群服务中心",
            "1",
        ],
        vec![
            "科技园联合党委第一党支部",
            "党支部",
            "科技园联合党委",
            "",
            "2020-03-01",
            "李书记",
            "",
            "1",
        ],
        vec![
            "人工智能产业链党委",
            "产业链党委",
            "西部科学城党工委",
            "人工智能",
            "",
            "",
            "",
            "2",
        ],
    ];
    let mut file = vec![head.clone()];
    file.extend(rows.iter().cloned());
    let (status, ok) = upload_xlsx(
        &office,
        "/api/v1/party/orgs/import",
        crate::text_xlsx(&file),
    )
    .await;
    assert_eq!((status, ok["imported"].as_i64()), (200, Some(3)), "{ok}");
    let tree = office.get_ok("/api/v1/party/orgs").await;
    let branch = tree
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "科技园联合党委第一党支部")
        .unwrap();
    assert_eq!(
        branch["depth"], 2,
        "under the joint committee, under the work committee"
    );
    let res = office
        .get("/api/v1/party/orgs/export")
        .send()
        .await
        .unwrap();
    let back = crate::sheet_rows(&res.bytes().await.unwrap(), None);
    assert_eq!(
        back[0],
        head.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    );
    for row in &rows {
        let want: Vec<String> = row.iter().map(|s| s.to_string()).collect();
        assert!(back.contains(&want), "{want:?} not in {back:?}");
    }
    // Imported twice, the parent's name is no longer one organisation's.
    let (status, again) = upload_xlsx(
        &office,
        "/api/v1/party/orgs/import",
        crate::text_xlsx(&file),
    )
    .await;
    assert_eq!(status, 422, "{again}");
    // The page offers both.
    let html = app.browser("office").await.get_text("/party").await;
    assert!(
        html.contains("/party/orgs/export.xlsx")
            && html.contains("/api/v1/party/orgs/import/template")
    );
}

//! Policies (政策, #17): a department keeps the policies it runs (draft,
//! publish, stop), another department cannot touch them; an organisation
//! sees only the published policies open to it (its kind, its chain) and
//! applies for one through a 政策兑现 case; the register imports all or
//! nothing and exports back to the same content.

use chrono::Duration;
use kechuang_domain::auth::Role;
use kechuang_testkit::{id, spawn_app, Api, TestApp};
use serde_json::{json, Value};

use crate::{
    admin, create_department, create_org, problem_cells, refused, rows_xlsx, sheet_rows,
    upload_xlsx,
};

struct World {
    app: TestApp,
    admin: Api,
    /// A clerk of the science bureau, and one of the human-resources bureau.
    kj: Api,
    rs: Api,
    chain: Value,
    /// A firm on the chain, a firm off it, a university.
    on_chain: Value,
    off_chain: Value,
    university: Value,
}

async fn world() -> World {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let kj = create_department(&admin, "科技局", "KJ", None).await;
    let rs = create_department(&admin, "人社局", "RS", None).await;
    let (status, chain) = admin
        .post_json("/api/v1/chains", json!({"name": "智能网联新能源汽车"}))
        .await;
    assert_eq!(status, 201, "{chain}");
    let on_chain = create_org(&admin, "重庆链上汽车零部件有限公司", 701, json!({})).await;
    let off_chain = create_org(&admin, "重庆链外软件有限公司", 702, json!({})).await;
    let university = create_org(&admin, "重庆示范大学", 703, json!({"kind": "university"})).await;
    let (status, m) = admin
        .put_json(
            &format!("/api/v1/chains/{}/members/{}", id(&chain), id(&on_chain)),
            json!({"position": "midstream"}),
        )
        .await;
    assert_eq!(status, 200, "{m}");
    World {
        kj: app
            .api_client("kjj", Role::Department, Some(id(&kj)), None)
            .await,
        rs: app
            .api_client("rsj", Role::Department, Some(id(&rs)), None)
            .await,
        admin,
        chain,
        on_chain,
        off_chain,
        university,
        app,
    }
}

fn day(offset: i64) -> String {
    (kechuang_store::clock::today() + Duration::days(offset)).to_string()
}

async fn titles(api: &Api, query: &str) -> Vec<String> {
    let page = api.get_ok(&format!("/api/v1/policies{query}")).await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap().to_string())
        .collect()
}

async fn publish(api: &Api, p: &Value) -> Value {
    let (status, v) = api
        .post_json(
            &format!("/api/v1/policies/{}/publish", id(p)),
            json!({"version": p["version"]}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    v
}

#[tokio::test]
async fn a_firm_sees_the_policies_open_to_it_and_applies_through_a_case() {
    let w = world().await;
    let create = |body: Value| {
        let kj = &w.kj;
        async move {
            let (status, p) = kj.post_json("/api/v1/policies", body).await;
            assert_eq!(status, 201, "{p}");
            p
        }
    };
    // The clerk's own department by default; a draft first.
    let subsidy = create(
        json!({"title": "研发投入后补助", "doc_number": "渝高新发〔2026〕12号",
        "org_kinds": "企业", "support": "按研发投入增量的10%给予补助，最高200万元",
        "opens_on": day(-10), "closes_on": day(20)}),
    )
    .await;
    assert_eq!(subsidy["status"], "draft");
    assert_eq!(subsidy["department_name"], "科技局");
    assert_eq!(subsidy["org_kinds_label"], "企业");
    let chain_only = create(
        json!({"title": "汽车链首台套奖励", "chain_id": id(&w.chain),
        "support": "最高100万元"}),
    )
    .await;
    assert_eq!(chain_only["window_note"], "常年申报");
    let for_universities = create(
        json!({"title": "高校成果转化奖励", "org_kinds": "university",
        "support": "按技术合同成交额的5%奖励"}),
    )
    .await;
    let closed = create(
        json!({"title": "上年度高企认定奖励", "org_kinds": "enterprise,institute",
        "support": "一次性奖励20万元", "opens_on": day(-60), "closes_on": day(-1)}),
    )
    .await;
    assert_eq!(closed["org_kinds_label"], "企业、科研机构");
    create(json!({"title": "尚在起草的政策", "support": "待定"})).await;

    // Refusals name what to fix and change nothing.
    let e = refused(
        w.kj.post_json(
            "/api/v1/policies",
            json!({"title": "研发投入后补助", "support": "x"}),
        )
        .await,
        409,
        "duplicate_policy_title",
    );
    assert!(
        e["message"].as_str().unwrap().contains("研发投入后补助"),
        "{e}"
    );
    let e = refused(
        w.kj.post_json(
            "/api/v1/policies",
            json!({"title": "错的", "org_kinds": "企业、农户", "support": "x",
                   "opens_on": day(5), "closes_on": day(1)}),
        )
        .await,
        422,
        "invalid_input",
    );
    let fields = e["details"]["fields"].as_object().unwrap();
    assert!(
        fields.contains_key("org_kinds") && fields.contains_key("closes_on"),
        "{e}"
    );
    let rs_id = w.rs.get_ok("/api/v1/me").await["department_id"].clone();
    refused(
        w.kj.post_json(
            "/api/v1/policies",
            json!({"title": "别的部门的", "support": "x", "department_id": rs_id}),
        )
        .await,
        403,
        "not_policy_department",
    );

    // Another department sees no draft, and may not change a published policy.
    refused(
        Api::json(w.rs.get(&format!("/api/v1/policies/{}", id(&subsidy)))).await,
        404,
        "not_found",
    );
    let subsidy = publish(&w.kj, &subsidy).await;
    assert_eq!(subsidy["status"], "published");
    assert_eq!(subsidy["applying"], true);
    refused(
        w.rs.put_json(
            &format!("/api/v1/policies/{}", id(&subsidy)),
            json!({"version": subsidy["version"], "title": "改名", "support": "x"}),
        )
        .await,
        403,
        "not_policy_department",
    );
    refused(
        w.kj.post_json(
            &format!("/api/v1/policies/{}/publish", id(&subsidy)),
            json!({"version": subsidy["version"]}),
        )
        .await,
        422,
        "illegal_transition",
    );
    publish(&w.kj, &chain_only).await;
    publish(&w.kj, &for_universities).await;
    let closed = publish(&w.kj, &closed).await;
    assert_eq!(closed["applying"], false);
    assert!(
        closed["window_note"]
            .as_str()
            .unwrap()
            .starts_with("申报已于"),
        "{closed}"
    );
    assert_eq!(w.rs.get_ok("/api/v1/policies").await["total"], 4);
    assert_eq!(w.kj.get_ok("/api/v1/policies").await["total"], 5);
    // A broker reads what is offered, not what is drafted.
    let broker = w
        .app
        .api_client("jingjiren", Role::Broker, None, None)
        .await;
    assert_eq!(broker.get_ok("/api/v1/policies").await["total"], 4);

    // Each organisation sees the published policies open to it, and no other.
    let firm_on = w
        .app
        .user("qiye_on", Role::Enterprise, None, Some(id(&w.on_chain)))
        .await;
    let firm_on = w.app.token_client(&firm_on).await;
    let firm_off = w
        .app
        .api_client("qiye_off", Role::Enterprise, None, Some(id(&w.off_chain)))
        .await;
    let uni = w
        .app
        .api_client("daxue", Role::Enterprise, None, Some(id(&w.university)))
        .await;
    assert_eq!(
        titles(&firm_on, "?sort=title").await,
        ["上年度高企认定奖励", "汽车链首台套奖励", "研发投入后补助"]
    );
    assert_eq!(
        titles(&firm_on, "?applying=true&sort=closes_asc").await,
        ["研发投入后补助", "汽车链首台套奖励"]
    );
    assert_eq!(
        titles(&firm_off, "?sort=title").await,
        ["上年度高企认定奖励", "研发投入后补助"]
    );
    assert_eq!(titles(&uni, "").await, ["高校成果转化奖励"]);
    refused(
        Api::json(firm_off.get(&format!("/api/v1/policies/{}", id(&chain_only)))).await,
        404,
        "not_found",
    );
    refused(
        Api::json(firm_on.get("/api/v1/policies?sort=random")).await,
        400,
        "invalid_query",
    );
    refused(
        firm_on
            .post_json(
                "/api/v1/policies",
                json!({"title": "企业自己写的", "support": "x"}),
            )
            .await,
        403,
        "forbidden",
    );
    let talent = w.app.api_client("rencai", Role::Talent, None, None).await;
    refused(
        Api::json(talent.get("/api/v1/policies")).await,
        403,
        "forbidden",
    );

    // Stopped, a policy is gone from the firms' lists.
    let (status, stopped) =
        w.kj.post_json(
            &format!("/api/v1/policies/{}/stop", id(&subsidy)),
            json!({"version": subsidy["version"]}),
        )
        .await;
    assert_eq!(
        (status, &stopped["status"]),
        (200, &json!("stopped")),
        "{stopped}"
    );
    assert_eq!(titles(&firm_off, "").await, ["上年度高企认定奖励"]);
    // The cockpit counts them from the same records.
    let leader = w.app.api_client("lingdao", Role::Leader, None, None).await;
    let cockpit = leader.get_ok("/api/v1/cockpit").await;
    let value = |code: &str| {
        cockpit["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["code"] == code)
            .unwrap_or_else(|| panic!("no {code}: {cockpit}"))["value"]
            .clone()
    };
    assert_eq!(value("policies_published"), 3);
    assert_eq!(value("policies_applying"), 2);

    // The firm applies on the page: its home lists the policy, whose page
    // starts a 政策兑现 case about it.
    let b = w.app.browser("qiye_on").await;
    let home = b.get_text("/").await;
    assert!(
        home.contains("可申报政策（1）") && home.contains("汽车链首台套奖励"),
        "{home}"
    );
    let page = b.get_text(&format!("/policies/{}", id(&chain_only))).await;
    let apply = format!("/cases/new?policy_id={}", id(&chain_only));
    assert!(page.contains(&apply), "{page}");
    let form = b.get_text(&apply).await;
    assert!(form.contains("申请政策兑现：汽车链首台套奖励"), "{form}");
    let category = w
        .admin
        .get_ok("/api/v1/case-categories")
        .await
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "policy")
        .map(id)
        .unwrap();
    assert!(
        form.contains(&format!("value=\"{category}\" selected")),
        "the 政策兑现 category is chosen: {form}"
    );
    // A closed policy offers no application, only when it closed; asked
    // for anyway, the case form says why.
    let page = b.get_text(&format!("/policies/{}", id(&closed))).await;
    assert!(
        !page.contains("/cases/new?policy_id") && page.contains("申报已于"),
        "{page}"
    );
    let res = b
        .get(&format!("/cases/new?policy_id={}", id(&closed)))
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("现在不能申请：申报已于"));

    // A department that still runs policies is not deleted.
    let cj = create_department(&w.admin, "财政局", "CJ", None).await;
    let (status, p) = w
        .admin
        .post_json(
            "/api/v1/policies",
            json!({"title": "上市奖励", "support": "最高600万元", "department_id": id(&cj)}),
        )
        .await;
    assert_eq!(status, 201, "{p}");
    let e = refused(
        Api::json(w.admin.delete(&format!(
            "/api/v1/departments/{}?version={}",
            id(&cj),
            cj["version"]
        )))
        .await,
        422,
        "department_in_use",
    );
    assert!(e["message"].as_str().unwrap().contains("1项政策"), "{e}");
}

const COLUMNS: [&str; 10] = [
    "政策名称",
    "文号",
    "牵头部门",
    "适用单位类型",
    "适用产业链",
    "支持内容",
    "申报条件",
    "申报开始日期",
    "申报截止日期",
    "状态",
];

#[tokio::test]
async fn a_committee_imports_its_policy_ledger_and_exports_it_back() {
    let w = world().await;
    let row = |cells: [&str; 10]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    let header = row(COLUMNS);
    let first = row([
        "研发投入后补助",
        "渝高新发〔2026〕12号",
        "科技局",
        "企业、科研机构",
        "智能网联新能源汽车",
        "最高200万元",
        "上年度研发投入不低于500万元",
        "2026-03-01",
        "2026-05-31",
        "已发布",
    ]);
    let second = row([
        "人才安居补贴",
        "",
        "人社局",
        "不限",
        "",
        "每月2000元",
        "",
        "",
        "",
        "草稿",
    ]);

    // A clerk imports only for its own department: the row is named.
    let (status, body) = upload_xlsx(
        &w.kj,
        "/api/v1/policies/import",
        rows_xlsx(&[header.clone(), first.clone(), second.clone()]),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(problem_cells(&body), [(3, "牵头部门".to_string())]);
    assert_eq!(w.admin.get_ok("/api/v1/policies").await["total"], 0);

    // Bad cells are all listed, and nothing is imported.
    let mut bad = first.clone();
    bad[2] = "不存在的局".into();
    bad[3] = "企业、农户".into();
    bad[9] = "生效".into();
    let (status, body) = upload_xlsx(
        &w.admin,
        "/api/v1/policies/import",
        rows_xlsx(&[header.clone(), bad, first.clone(), first.clone()]),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        problem_cells(&body),
        [
            (2, "牵头部门".to_string()),
            (2, "状态".to_string()),
            (2, "适用单位类型".to_string()),
            (4, "政策名称".to_string()),
        ]
    );

    let (status, body) = upload_xlsx(
        &w.admin,
        "/api/v1/policies/import",
        rows_xlsx(&[header.clone(), first.clone(), second.clone()]),
    )
    .await;
    assert_eq!((status, &body["imported"]), (200, &json!(2)), "{body}");
    // Imported twice, the ledger is refused, never doubled.
    let (status, body) = upload_xlsx(
        &w.admin,
        "/api/v1/policies/import",
        rows_xlsx(&[header.clone(), first.clone()]),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.to_string().contains("已有名为“研发投入后补助”的政策"),
        "{body}"
    );

    let export = w
        .admin
        .get("/api/v1/policies/export?sort=title")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let rows = sheet_rows(&export, None);
    assert_eq!(rows, [header.clone(), second, first]);
    let template = w
        .admin
        .get("/api/v1/policies/template")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(sheet_rows(&template, None)[0], header);
}

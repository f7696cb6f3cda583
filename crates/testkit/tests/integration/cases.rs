//! Closed-loop case handling through the API: intake, routing, dispatch,
//! co-handling, joint sign-off, reply, rating, reopening, suspension,
//! supervision, scope, statistics and export.

use kechuang_domain::auth::Role;
use kechuang_domain::ErrorCode;
use kechuang_testkit::{spawn_app, Api, TestApp};
use serde_json::{json, Value};

use crate::{admin, create_department, create_org, location, refused, sheet_rows};

pub(crate) struct World {
    pub(crate) app: TestApp,
    pub(crate) admin: Api,
    /// Task force of the NEV chain (triage and dispatch).
    pub(crate) task_force: Api,
    /// Lead department clerk (科技创新局).
    pub(crate) lead: Api,
    /// Assisting department clerk (规划和自然资源局).
    pub(crate) assist: Api,
    pub(crate) enterprise: Api,
    pub(crate) other_enterprise: Api,
    pub(crate) leader: Api,
    pub(crate) org: Value,
    pub(crate) chain: Value,
    pub(crate) category: Value,
    pub(crate) lead_dep: Value,
    pub(crate) assist_dep: Value,
    pub(crate) tf_dep: Value,
}

pub(crate) async fn world() -> World {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let root = create_department(&admin, "管委会", "GWH", None).await;
    let lead_dep = create_department(&admin, "科技创新局", "KJ", root["id"].as_str()).await;
    let assist_dep = create_department(&admin, "规划和自然资源局", "GZ", root["id"].as_str()).await;
    let tf_dep = create_department(&admin, "新能源汽车产业专班", "ZB", root["id"].as_str()).await;
    let org = create_org(&admin, "重庆渝新能源汽车有限公司", 101, json!({})).await;
    let other = create_org(&admin, "别家公司", 102, json!({})).await;
    let (_, chain) =
        Api::json(admin.post("/api/v1/chains").json(
            &json!({"name": "智能网联新能源汽车", "task_force_department_id": tf_dep["id"]}),
        ))
        .await;
    assert_eq!(chain["task_force_department_id"], tf_dep["id"]);
    // Routing rule: 审批 → 科技创新局, 5 workdays.
    let (status, cats) = Api::json(admin.get("/api/v1/case-categories")).await;
    assert_eq!(status, 200, "{cats}");
    let approval = cats
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "approval")
        .unwrap()
        .clone();
    let (status, category) = Api::json(admin.put(&format!("/api/v1/case-categories/{}", approval["id"].as_str().unwrap())).json(&json!({
        "version": approval["version"], "code": "approval", "name": "审批", "lead_department_id": lead_dep["id"],
        "time_limit_days": 5, "task_limit_days": 3, "warn_days": 1, "rating_days": 5, "sort_order": 0
    }))).await;
    assert_eq!(status, 200, "{category}");
    let id = |v: &Value| v["id"].as_str().map(String::from);
    World {
        task_force: app
            .api_client("zb", Role::TaskForce, id(&tf_dep), None)
            .await,
        lead: app
            .api_client("kj", Role::Department, id(&lead_dep), None)
            .await,
        assist: app
            .api_client("gz", Role::Department, id(&assist_dep), None)
            .await,
        enterprise: app
            .api_client("qiye", Role::Enterprise, None, id(&org))
            .await,
        other_enterprise: app
            .api_client("other", Role::Enterprise, None, id(&other))
            .await,
        leader: app.api_client("leader", Role::Leader, None, None).await,
        app,
        admin,
        org,
        chain,
        category,
        lead_dep,
        assist_dep,
        tf_dep,
    }
}

pub(crate) async fn submit(w: &World, title: &str) -> Value {
    let (status, c) = Api::json(w.enterprise.post("/api/v1/cases").json(&json!({
        "title": title, "description": "半导体项目环评与施工许可审批周期过长，影响投产进度",
        "category_id": w.category["id"], "chain_id": w.chain["id"], "contact_name": "孙经理", "contact_phone": "13800000000"
    }))).await;
    assert_eq!(status, 201, "{c}");
    c
}

/// Cases received through the store in one go (one transaction), by the
/// administrator, in the world's category and organisation: (title,
/// description) each.
pub(crate) async fn receive_many(
    w: &World,
    texts: impl IntoIterator<Item = (String, String)>,
) -> Vec<kechuang_store::entities::case::Model> {
    use kechuang_store::cases::{intake_many, Actor, CaseInput};
    let actor = Actor {
        username: "admin".into(),
        user_id: String::new(),
        display_name: "管理员".into(),
        acts_for: None,
    };
    let items = texts
        .into_iter()
        .map(|(title, description)| {
            let input = CaseInput {
                title,
                description,
                category_id: w.category["id"].as_str().unwrap().into(),
                org_id: w.org["id"].as_str().unwrap().into(),
                chain_id: None,
                channel: kechuang_domain::cases::Channel::Hotline,
                received_at: chrono::Utc::now(),
                contact_name: String::new(),
                contact_phone: String::new(),
                location: Default::default(),
            };
            (actor.clone(), input)
        })
        .collect();
    intake_many(&w.app.db, items)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect()
}

pub(crate) async fn act(api: &Api, case: &Value, action: &str, body: Value) -> (u16, Value) {
    Api::json(
        api.post(&format!(
            "/api/v1/cases/{}/{action}",
            case["id"].as_str().unwrap()
        ))
        .json(&body),
    )
    .await
}

pub(crate) async fn fetch(api: &Api, case: &Value) -> Value {
    let (status, d) =
        Api::json(api.get(&format!("/api/v1/cases/{}", case["id"].as_str().unwrap()))).await;
    assert_eq!(status, 200, "{d}");
    d
}

pub(crate) async fn task_act(
    api: &Api,
    case: &Value,
    task: &Value,
    action: &str,
    note: &str,
) -> (u16, Value) {
    Api::json(
        api.post(&format!(
            "/api/v1/cases/{}/tasks/{}/{action}",
            case["id"].as_str().unwrap(),
            task["id"].as_str().unwrap()
        ))
        .json(&json!({"version": task["version"], "note": note})),
    )
    .await
}

fn task<'a>(d: &'a Value, role: &str, status: &str) -> &'a Value {
    d["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["role"] == role && t["status"] == status)
        .unwrap_or_else(|| panic!("no {role} task {status} in {}", d["tasks"]))
}

#[tokio::test]
async fn a_case_goes_round_the_whole_loop() {
    let w = world().await;
    let c = submit(&w, "半导体项目审批周期长").await;
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(c["number"], format!("KC-{year}-000001"));
    assert_eq!(c["status"], "submitted");
    assert_eq!(c["channel"], "portal");
    // Routed: category → lead department, industry → task force.
    assert_eq!(c["lead_department_id"], w.lead_dep["id"]);
    assert_eq!(c["task_force_department_id"], w.tf_dep["id"]);
    assert!(c["due_at"].as_str().is_some());
    let second = submit(&w, "另一件事").await;
    assert_eq!(second["number"], format!("KC-{year}-000002"));

    // Only triage roles dispatch.
    let (status, _) = act(
        &w.enterprise,
        &c,
        "dispatch",
        json!({"version": 1, "lead_department_id": w.lead_dep["id"]}),
    )
    .await;
    assert_eq!(status, 403);
    let (status, d) = act(&w.task_force, &c, "dispatch", json!({"version": 1, "lead_department_id": w.lead_dep["id"], "assist_department_ids": [w.assist_dep["id"]]})).await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["status"], "dispatched");
    // A stale version is refused; an illegal transition names its rule.
    let (status, body) = act(
        &w.task_force,
        &c,
        "dispatch",
        json!({"version": 1, "lead_department_id": w.lead_dep["id"]}),
    )
    .await;
    assert!(
        status == 409 || (status == 422 && body["code"] == "illegal_transition"),
        "{status} {body}"
    );
    let (status, body) = act(
        &w.enterprise,
        &c,
        "rate",
        json!({"version": d["version"], "satisfaction": "satisfied"}),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("illegal_transition"))
    );

    let detail = fetch(&w.lead, &c).await;
    assert_eq!(detail["tasks"].as_array().unwrap().len(), 2);
    // The assisting department cannot act on the lead's task.
    let (status, body) = task_act(
        &w.assist,
        &c,
        task(&detail, "lead", "pending"),
        "accept",
        "",
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("not_task_department"))
    );
    let (status, _) = task_act(&w.lead, &c, task(&detail, "lead", "pending"), "accept", "").await;
    assert_eq!(status, 200);
    let detail = fetch(&w.lead, &c).await;
    let (status, body) = task_act(
        &w.lead,
        &c,
        task(&detail, "lead", "accepted"),
        "complete",
        "",
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("note_required"))
    );
    let (status, _) = task_act(
        &w.lead,
        &c,
        task(&detail, "lead", "accepted"),
        "complete",
        "已协调并联审批，压缩至15个工作日",
    )
    .await;
    assert_eq!(status, 200);
    // Joint sign-off: no reply while the assisting task is open.
    let v = fetch(&w.lead, &c).await["case"]["version"].clone();
    let (status, body) = act(
        &w.lead,
        &c,
        "reply",
        json!({"version": v, "reply": "已办理"}),
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (422, Some("tasks_open")));
    let detail = fetch(&w.assist, &c).await;
    task_act(
        &w.assist,
        &c,
        task(&detail, "assist", "pending"),
        "accept",
        "",
    )
    .await;
    let detail = fetch(&w.assist, &c).await;
    let (status, _) = task_act(
        &w.assist,
        &c,
        task(&detail, "assist", "accepted"),
        "complete",
        "用地手续已同步办理",
    )
    .await;
    assert_eq!(status, 200);
    // Only the lead department replies.
    let v = fetch(&w.lead, &c).await["case"]["version"].clone();
    let (status, body) = act(&w.assist, &c, "reply", json!({"version": v, "reply": "x"})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("not_lead_department"))
    );
    let (status, d) = act(
        &w.lead,
        &c,
        "reply",
        json!({"version": v, "reply": "审批已并联办理，预计下周取得施工许可"}),
    )
    .await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["status"], "replied");

    // The enterprise is not satisfied: reopened one supervision level higher, with a new lead task.
    let (status, d) = act(&w.enterprise, &c, "rate", json!({"version": d["version"], "satisfaction": "unsatisfied", "comment": "许可证还没拿到"})).await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(
        (
            d["status"].as_str(),
            d["supervision_level"].as_i64(),
            d["reopened_count"].as_i64()
        ),
        (Some("dispatched"), Some(1), Some(1))
    );
    let detail = fetch(&w.lead, &c).await;
    assert_eq!(detail["supervisions"].as_array().unwrap().len(), 1);
    task_act(&w.lead, &c, task(&detail, "lead", "pending"), "accept", "").await;
    let detail = fetch(&w.lead, &c).await;
    task_act(
        &w.lead,
        &c,
        task(&detail, "lead", "accepted"),
        "complete",
        "施工许可已核发",
    )
    .await;
    let v = fetch(&w.lead, &c).await["case"]["version"].clone();
    let (_, d) = act(
        &w.lead,
        &c,
        "reply",
        json!({"version": v, "reply": "施工许可已核发"}),
    )
    .await;
    let (status, d) = act(
        &w.enterprise,
        &c,
        "rate",
        json!({"version": d["version"], "satisfaction": "satisfied"}),
    )
    .await;
    assert_eq!(
        (status, d["status"].as_str(), d["satisfaction"].as_str()),
        (200, Some("closed"), Some("satisfied"))
    );

    // The timeline tells the story in order and is complete.
    let detail = fetch(&w.enterprise, &c).await;
    let kinds: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"intake"));
    assert_eq!(kinds.last(), Some(&"rate"));
    for k in ["dispatch", "accept", "complete", "reply", "reopen"] {
        assert!(kinds.contains(&k), "{k} missing from {kinds:?}");
    }
    // Return visit.
    let (status, _) = act(
        &w.lead,
        &c,
        "follow-up",
        json!({"note": "电话回访，企业表示满意"}),
    )
    .await;
    assert_eq!(status, 204);

    // Statistics: one solved, reopened once, satisfied; every write audited.
    let (_, stats) = Api::json(w.leader.get("/api/v1/cases/statistics?group=department")).await;
    assert_eq!(stats["total"]["received"], 2);
    assert_eq!(stats["total"]["solved"], 1);
    assert_eq!(stats["total"]["reopened"], 1);
    assert_eq!(stats["total"]["satisfaction_permille"], 1000);
    assert_eq!(stats["groups"][0]["name"], "科技创新局");
    assert_eq!(stats["groups"][0]["rank"], 1);
    let (_, closed) = Api::json(w.leader.get("/api/v1/cases?status=closed")).await;
    assert_eq!(
        closed["total"], 1,
        "the figure links to the cases behind it"
    );
    assert!(kechuang_store::audit::verify(&w.app.db)
        .await
        .unwrap()
        .problems
        .is_empty());
}

#[tokio::test]
async fn enterprises_see_only_their_cases_and_departments_only_theirs() {
    let w = world().await;
    let c = submit(&w, "用地指标").await;
    let (status, _) = Api::json(
        w.other_enterprise
            .get(&format!("/api/v1/cases/{}", c["id"].as_str().unwrap())),
    )
    .await;
    assert_eq!(status, 404);
    let (_, page) = Api::json(w.other_enterprise.get("/api/v1/cases")).await;
    assert_eq!(page["total"], 0);
    // Before dispatch, the assisting department has no task on it and cannot see it.
    let (status, _) = Api::json(
        w.assist
            .get(&format!("/api/v1/cases/{}", c["id"].as_str().unwrap())),
    )
    .await;
    assert_eq!(status, 404);
    // The task force sees its industry's case, the lead department its routed case.
    assert_eq!(
        Api::json(w.task_force.get("/api/v1/cases")).await.1["total"],
        1
    );
    assert_eq!(Api::json(w.lead.get("/api/v1/cases")).await.1["total"], 1);
    // An enterprise always submits through the portal for its own organisation.
    let (status, own) = Api::json(w.enterprise.post("/api/v1/cases").json(&json!({"title": "代别人提", "category_id": w.category["id"], "org_id": "someone-else", "channel": "meeting"}))).await;
    assert_eq!(status, 201);
    assert_eq!(
        (own["org_id"].as_str(), own["channel"].as_str()),
        (w.org["id"].as_str(), Some("portal"))
    );
}

#[tokio::test]
async fn only_those_who_contact_the_firm_read_its_phone_in_full() {
    let w = world().await;
    let c = submit(&w, "联系电话").await;
    let path = format!("/api/v1/cases/{}", c["id"].as_str().unwrap());
    // The firm's chief service officer reads its cases, phones masked; a
    // broker with no lead of the firm's does not see the case at all.
    let officer_id = w
        .app
        .user("officer", Role::ServiceOfficer, None, None)
        .await;
    let (status, staff) = w
        .admin
        .post_json(
            "/api/v1/party/staff",
            json!({"name": "周建华", "staff_role": "service_officer", "user_id": officer_id}),
        )
        .await;
    assert_eq!(status, 201, "{staff}");
    let (status, a) = w
        .admin
        .post_json(
            &format!(
                "/api/v1/party/staff/{}/assignments",
                staff["id"].as_str().unwrap()
            ),
            json!({"org_id": w.org["id"], "from_on": "2026-01-01"}),
        )
        .await;
    assert_eq!(status, 201, "{a}");
    let officer = w.app.token_client(&officer_id).await;
    let broker = w.app.api_client("broker", Role::Broker, None, None).await;
    assert_eq!(broker.get(&path).send().await.unwrap().status(), 404);
    for (who, api) in [("officer", &officer), ("leader", &w.leader)] {
        let d = api.get_ok(&path).await;
        assert_eq!(d["case"]["contact_phone"], "138****0000", "{who}");
        let list = api.get_ok("/api/v1/cases").await;
        assert_eq!(list["items"][0]["contact_phone"], "138****0000", "{who}");
    }
    for (who, api) in [
        ("firm", &w.enterprise),
        ("desk", &w.task_force),
        ("lead", &w.lead),
        ("admin", &w.admin),
    ] {
        let d = api.get_ok(&path).await;
        assert_eq!(d["case"]["contact_phone"], "13800000000", "{who}");
    }
    let page = w
        .app
        .browser("officer")
        .await
        .get_text(&format!("/cases/{}", c["id"].as_str().unwrap()))
        .await;
    assert!(
        !page.contains("13800000000") && page.contains("138****0000"),
        "{page}"
    );
}

#[tokio::test]
async fn staff_intake_rejects_future_times_and_counts_statutory_workdays() {
    let w = world().await;
    // Received 2026-09-30 10:00 Beijing with a 5-workday limit: National Day
    // (10-01..10-07) is skipped, Saturday 10-10 works → due 2026-10-13.
    let (status, c) = Api::json(w.lead.post("/api/v1/cases").json(&json!({
        "title": "走访中发现：融资难", "category_id": w.category["id"], "org_id": w.org["id"], "channel": "visit",
        "received_at": "2026-09-30T02:00:00Z"
    }))).await;
    assert_eq!(status, 201, "{c}");
    assert_eq!(c["due_on"], "2026-10-13");
    assert_eq!(c["channel"], "visit");
    assert_eq!(c["number"], "KC-2026-000001");
    let (status, body) = Api::json(w.lead.post("/api/v1/cases").json(&json!({
        "title": "未来的诉求", "category_id": w.category["id"], "org_id": w.org["id"], "received_at": "2099-01-01T00:00:00Z"
    }))).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("received_in_future"))
    );
    let (status, body) = Api::json(
        w.lead
            .post("/api/v1/cases")
            .json(&json!({"category_id": w.category["id"], "org_id": w.org["id"]})),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("invalid_input"))
    );
    assert!(body["details"]["fields"]["title"].is_string());
}

#[tokio::test]
async fn concurrent_intakes_share_commits_but_keep_their_own_numbers_and_errors() {
    let w = world().await;
    let mut running = tokio::task::JoinSet::new();
    for n in 0..40 {
        // Every eighth names an unknown category, every eighth (offset) an
        // unknown organisation: they fail alone, the others are received.
        let (category, org) = match n % 8 {
            3 => (json!("no-such-category"), w.org["id"].clone()),
            5 => (w.category["id"].clone(), json!("no-such-org")),
            _ => (w.category["id"].clone(), w.org["id"].clone()),
        };
        let request = w.lead.post("/api/v1/cases").json(&json!({
            "title": format!("并发受理 {n}"), "category_id": category, "org_id": org,
            "channel": "hotline", "received_at": "2026-11-02T02:00:00Z"
        }));
        running.spawn(async move { (n, Api::json(request).await) });
    }
    let mut numbers = vec![];
    while let Some(done) = running.join_next().await {
        let (n, (status, body)) = done.unwrap();
        match n % 8 {
            3 => {
                assert_eq!(
                    (status, body["code"].as_str()),
                    (422, Some("invalid_category")),
                    "{body}"
                );
                assert!(
                    body["details"]["fields"]["category_id"].is_string(),
                    "{body}"
                );
            }
            5 => {
                assert_eq!(
                    (status, body["code"].as_str()),
                    (422, Some("invalid_org")),
                    "{body}"
                );
                assert!(body["details"]["fields"]["org_id"].is_string(), "{body}");
            }
            _ => {
                assert_eq!(status, 201, "{body}");
                assert_eq!(body["title"], format!("并发受理 {n}"));
                assert_eq!(body["due_on"], "2026-11-09");
                assert_eq!(body["lead_department_id"], w.lead_dep["id"]);
                numbers.push(body["number"].as_str().unwrap().to_string());
            }
        }
    }
    // 30 received, numbered without gaps or repeats.
    numbers.sort();
    let expected: Vec<String> = (1..=30).map(|i| format!("KC-2026-{i:06}")).collect();
    assert_eq!(numbers, expected);
    // Each has its timeline entry and its audit chain; the lead department
    // was told of each.
    let (_, list) = Api::json(w.lead.get("/api/v1/cases?q=并发受理&per_page=50")).await;
    assert_eq!(list["total"], 30);
    let one = fetch(&w.lead, &list["items"][0]).await;
    assert_eq!(one["timeline"][0]["kind"], "intake", "{one}");
    let report = kechuang_store::audit::verify(&w.app.db).await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let lead_dep = w.lead_dep["id"].as_str().unwrap();
    let inbox = kechuang_store::cases::inbox(&w.app.db, "", Some(lead_dep), 100)
        .await
        .unwrap();
    let told = inbox
        .iter()
        .filter(|m| m.title.contains("并发受理"))
        .count();
    assert_eq!(told, 30);
}

#[tokio::test]
async fn a_common_word_counts_to_a_thousand_and_says_so() {
    use kechuang_store::cases::SEARCH_COUNT_CAP;
    let w = world().await;
    // 1,007 cases received in one go (one transaction): 1,005 with a common
    // word, two with a rare one.
    let texts = (0..1005)
        .map(|n| format!("用地指标咨询 {n}"))
        .chain(["融资担保咨询 甲".into(), "融资担保咨询 乙".into()])
        .map(|t| (t, String::new()));
    assert_eq!(receive_many(&w, texts).await.len(), 1007);

    let (_, common) = Api::json(w.admin.get("/api/v1/cases?q=用地指标&per_page=5")).await;
    assert_eq!(common["total"], SEARCH_COUNT_CAP);
    assert_eq!(common["total_capped"], true);
    assert_eq!(common["items"].as_array().unwrap().len(), 5);
    let (_, rare) = Api::json(w.admin.get("/api/v1/cases?q=融资担保")).await;
    assert_eq!(
        (rare["total"].as_u64(), rare["total_capped"].as_bool()),
        (Some(2), Some(false))
    );
    let (_, all) = Api::json(w.admin.get("/api/v1/cases?per_page=1")).await;
    assert_eq!(
        (all["total"].as_u64(), all["total_capped"].as_bool()),
        (Some(1007), Some(false))
    );
    let page = w.admin.text("/cases?q=用地指标").await;
    assert!(
        page.contains("共 1000+ 条"),
        "the page says the count is a lower bound"
    );
}

#[tokio::test]
async fn a_rare_word_is_looked_for_only_in_the_blocks_the_gram_index_names() {
    use kechuang_domain::search::{block_of, block_seqs};
    use kechuang_store::search::{backfill, candidates};
    use sea_orm::ConnectionTrait;
    let w = world().await;
    // 200 cases, numbered over four blocks; the rare word in two of them,
    // in the description.
    let texts = (1..=200)
        .map(|n| {
            let d = if n == 3 || n == 150 {
                "企业反映光刻胶进口通关慢"
            } else {
                "企业反映用地指标紧张"
            };
            (format!("用地指标咨询 {n}"), d.to_string())
        })
        .chain([("IPO 辅导咨询".to_string(), String::new())]);
    let cases = receive_many(&w, texts).await;
    let (a, b) = (&cases[2], &cases[149]);
    let block = |c: &kechuang_store::entities::case::Model| {
        let (first, last) = block_seqs(block_of(c.seq));
        (c.year, first, last)
    };
    assert_ne!(block(a), block(b));

    // The index names the two blocks holding the word, nothing else.
    let ranges = candidates(&w.app.db, "光刻胶").await.unwrap();
    assert_eq!(ranges, Some(vec![block(a), block(b)]));
    assert_eq!(
        candidates(&w.app.db, "量子纠缠").await.unwrap(),
        Some(vec![])
    );
    // Letters count, except on MariaDB (whose collation equates é and e).
    let ipo = cases.last().unwrap();
    let letters = candidates(&w.app.db, "IPO").await.unwrap();
    if w.app.db.get_database_backend() == sea_orm::DatabaseBackend::MySql {
        assert_eq!(letters, None);
    } else {
        assert_eq!(letters, Some(vec![block(ipo)]));
    }
    let found = |q: &str| {
        let admin = &w.admin;
        let url = format!("/api/v1/cases?q={q}");
        async move {
            let (_, list) = Api::json(admin.get(&url)).await;
            let mut numbers: Vec<String> = list["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["number"].as_str().unwrap().to_string())
                .collect();
            numbers.sort();
            (list["total"].as_u64().unwrap(), numbers)
        }
    };
    let both = vec![a.number.clone(), b.number.clone()];
    assert_eq!(found("光刻胶").await, (2, both.clone()));
    assert_eq!(found("胶").await, (2, both.clone()), "one character");
    assert_eq!(found("进口通关慢").await, (2, both.clone()));
    assert_eq!(found("量子纠缠").await.0, 0);
    assert_eq!(found("IPO").await, (1, vec![ipo.number.clone()]));
    // A case's number is indexed with its texts.
    assert_eq!(found(&a.number).await, (1, vec![a.number.clone()]));
    assert_eq!(found("咨询 15").await.0, 11, "15 and 150..159");
    // The filters still apply within the blocks.
    let (_, none) = Api::json(w.admin.get("/api/v1/cases?q=光刻胶&status=closed")).await;
    assert_eq!(none["total"], 0);

    // The index is what narrows: emptied, the word is not found; rebuilt
    // from the cases (as the migration does), it is again.
    w.app
        .db
        .execute_unprepared("DELETE FROM case_grams")
        .await
        .unwrap();
    assert_eq!(found("光刻胶").await.0, 0);
    assert_eq!(backfill(&w.app.db).await.unwrap(), 201);
    assert_eq!(found("光刻胶").await, (2, both));
    assert_eq!(found(&a.number).await.0, 1);
}

#[tokio::test]
async fn costly_statistics_are_kept_and_refreshed_in_the_background() {
    let w = world().await;
    submit(&w, "统计缓存 一").await;
    // Treat this database's figures as costly to compute (a million cases).
    kechuang_store::stats_cache::set_inline_limit(&w.app.db, std::time::Duration::ZERO);
    let stats = || async {
        Api::json(w.admin.get("/api/v1/cases/statistics?group=category"))
            .await
            .1
    };
    let first = stats().await;
    assert_eq!(first["total"]["received"], 1);
    // Nothing written: the kept figures, same time.
    let again = stats().await;
    assert_eq!(again["as_of"], first["as_of"]);
    // A new case: the reader still gets the kept figures at once, with their
    // time, while they are computed again behind it.
    submit(&w, "统计缓存 二").await;
    let kept = stats().await;
    assert_eq!(
        (kept["total"]["received"].as_u64(), &kept["as_of"]),
        (Some(1), &first["as_of"])
    );
    let mut fresh = kept;
    for _ in 0..100 {
        if fresh["total"]["received"] == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        fresh = stats().await;
    }
    assert_eq!(fresh["total"]["received"], 2, "{fresh}");
    let page = w.admin.text("/cases/statistics").await;
    assert!(
        page.contains("统计于 "),
        "the page says when its figures were computed"
    );
}

#[tokio::test]
async fn a_dashboards_statistics_are_kept_until_something_is_written() {
    use kechuang_store::cases::{CaseFilter, GroupBy};
    use kechuang_store::stats_cache::{statistics, statistics_unless_written};
    use kechuang_store::Scope;
    let w = world().await;
    submit(&w, "驾驶舱统计 一").await;
    let (db, f) = (&w.app.db, CaseFilter::default());
    let first = statistics_unless_written(db, &Scope::All, &f, GroupBy::Month)
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    // Cheap figures: kept for the dashboard while nothing is written…
    let kept = statistics_unless_written(db, &Scope::All, &f, GroupBy::Month)
        .await
        .unwrap();
    assert_eq!(kept.as_of, first.as_of);
    // …computed afresh for everyone else, as before.
    let plain = statistics(db, &Scope::All, &f, GroupBy::Month)
        .await
        .unwrap();
    assert!(plain.as_of > first.as_of);
    // A write: the dashboard computes them afresh at once (they are cheap).
    submit(&w, "驾驶舱统计 二").await;
    let fresh = statistics_unless_written(db, &Scope::All, &f, GroupBy::Month)
        .await
        .unwrap();
    assert_eq!(fresh.total.received, 2);
    assert!(fresh.as_of > first.as_of);
    // Over many cases (here: from two), a write leaves the kept figures to
    // the next reader while they are computed again behind it.
    kechuang_store::stats_cache::set_dashboard_kept_from(db, 2);
    submit(&w, "驾驶舱统计 三").await;
    let kept = statistics_unless_written(db, &Scope::All, &f, GroupBy::Month)
        .await
        .unwrap();
    assert_eq!((kept.total.received, kept.as_of), (2, fresh.as_of));
    let mut now = kept;
    for _ in 0..100 {
        if now.total.received == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        now = statistics_unless_written(db, &Scope::All, &f, GroupBy::Month)
            .await
            .unwrap();
    }
    assert_eq!(now.total.received, 3);
}

#[tokio::test]
async fn the_standard_statistics_are_computed_before_their_first_reader() {
    use chrono::SubsecRound;
    use kechuang_store::stats_cache::{set_inline_limit, warm_standard};
    let w = world().await;
    submit(&w, "预先统计").await;
    // Costly figures (a million cases), computed ahead as the jobs loop
    // does (it may have got there first).
    set_inline_limit(&w.app.db, std::time::Duration::ZERO);
    warm_standard(&w.app.db).await.unwrap();
    assert_eq!(
        warm_standard(&w.app.db).await.unwrap(),
        0,
        "kept for today already"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let asked = chrono::Utc::now().trunc_subsecs(0);
    // Each grouping's first request, from the API and the page, gets the
    // figures computed ahead.
    for group in ["department", "task_force", "category", "chain", "month"] {
        let (_, st) = Api::json(
            w.admin
                .get(&format!("/api/v1/cases/statistics?group={group}")),
        )
        .await;
        let as_of: chrono::DateTime<chrono::Utc> =
            serde_json::from_value(st["as_of"].clone()).unwrap();
        assert!(
            as_of < asked,
            "{group}: computed at {as_of}, asked at {asked}"
        );
        assert_eq!(st["total"]["received"], 1, "{group}");
    }
}

#[tokio::test]
async fn statistics_add_up_counts_and_cycle_times_per_group_and_in_total() {
    use sea_orm::ConnectionTrait;
    let w = world().await;
    let cases = receive_many(
        &w,
        (0..11).map(|n| (format!("周期统计 {n}"), String::new())),
    )
    .await;
    // Ten solved, in 1..=9 and 20 workdays; the last three after their due
    // date; one still open.
    let cycles = [1, 2, 3, 4, 5, 6, 7, 8, 9, 20];
    for (i, (c, cycle)) in cases.iter().zip(cycles).enumerate() {
        let closed_on = if i < 7 { "2026-06-10" } else { "2026-06-11" };
        w.app
            .db
            .execute_unprepared(&format!(
                "UPDATE cases SET status = 'closed', cycle_workdays = {cycle}, \
                 due_on = '2026-06-10', closed_on = '{closed_on}', satisfaction = 'satisfied' \
                 WHERE id = '{}'",
                c.id
            ))
            .await
            .unwrap();
    }
    for group in ["category", "department", "month"] {
        let (_, st) = Api::json(
            w.admin
                .get(&format!("/api/v1/cases/statistics?group={group}")),
        )
        .await;
        let t = &st["total"];
        assert_eq!(
            (
                t["received"].as_i64(),
                t["solved"].as_i64(),
                t["on_time_permille"].as_i64(),
                t["avg_cycle_workdays"].as_f64(),
                t["p90_cycle_workdays"].as_i64(),
                t["satisfaction_permille"].as_i64(),
            ),
            (
                Some(11),
                Some(10),
                Some(700),
                Some(6.5),
                Some(9),
                Some(1000)
            ),
            "{group}: {st}"
        );
        let groups = st["groups"].as_array().unwrap();
        assert_eq!(groups.len(), 1, "{group}: {st}");
        assert_eq!(groups[0]["p90_cycle_workdays"], 9, "{group}");
        assert_eq!(groups[0]["received"], 11, "{group}");
    }
    // A department sees the figures of the cases it works on: the lead
    // department all of them, the assisting one (no task yet) none.
    for (who, received) in [(&w.lead, 11), (&w.assist, 0)] {
        let (_, st) = Api::json(who.get("/api/v1/cases/statistics?group=category")).await;
        assert_eq!(st["total"]["received"], received, "{st}");
    }
    let (_, st) = Api::json(w.admin.get(&format!(
        "/api/v1/cases/statistics?group=month&department_id={}",
        w.lead_dep["id"].as_str().unwrap()
    )))
    .await;
    assert_eq!(st["total"]["solved"], 10, "{st}");
}

#[tokio::test]
async fn triage_declines_merges_and_returns() {
    let w = world().await;
    let a = submit(&w, "关于企业用地审批周期过长的问题").await;
    let b = submit(&w, "关于企业用地审批周期过长问题").await;
    // The second looks like the first.
    let d = fetch(&w.task_force, &b).await;
    assert!(d["possible_duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["id"] == a["id"]));
    let (status, m) = act(
        &w.task_force,
        &b,
        "merge",
        json!({"version": 1, "target_id": a["id"]}),
    )
    .await;
    assert_eq!(
        (status, m["status"].as_str(), m["merged_into_id"].as_str()),
        (200, Some("merged"), a["id"].as_str())
    );
    let ta = fetch(&w.task_force, &a).await;
    assert!(ta["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["message"]
            .as_str()
            .unwrap()
            .contains(b["number"].as_str().unwrap())));

    // Declined with a reason the enterprise sees.
    let c = submit(&w, "请政府帮忙招聘").await;
    let (status, body) = act(
        &w.task_force,
        &c,
        "decline",
        json!({"version": 1, "reason": " "}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let (_, d) = act(
        &w.task_force,
        &c,
        "decline",
        json!({"version": 1, "reason": "属市场行为，建议通过人才服务平台发布"}),
    )
    .await;
    assert_eq!(d["status"], "declined");
    assert_eq!(
        fetch(&w.enterprise, &c).await["case"]["decline_reason"],
        "属市场行为，建议通过人才服务平台发布"
    );

    // A department returns a mis-dispatched task the same day; a returned lead task sends the case back to triage.
    let (_, d) = act(
        &w.task_force,
        &a,
        "dispatch",
        json!({"version": ta["case"]["version"], "lead_department_id": w.assist_dep["id"]}),
    )
    .await;
    assert_eq!(d["status"], "dispatched", "{d}");
    let detail = fetch(&w.assist, &a).await;
    let (status, _) = task_act(
        &w.assist,
        &a,
        task(&detail, "lead", "pending"),
        "return",
        "不属于本部门职责",
    )
    .await;
    assert_eq!(status, 200);
    let d = fetch(&w.task_force, &a).await;
    assert_eq!(d["case"]["status"], "submitted");
    assert!(d["case"]["lead_department_id"].is_null());

    // The firm's timeline ends on the step its header shows: back to
    // 待受理 after the return; 已合并 with the case it went into.
    let last = |d: &Value| {
        let t = d["timeline"].as_array().unwrap();
        t[t.len() - 1]["message"].as_str().unwrap().to_string()
    };
    let own = fetch(&w.enterprise, &a).await;
    assert_eq!(own["case"]["status_label"], "待受理");
    assert_eq!(last(&own), "主办部门退回，待重新分办");
    let own = fetch(&w.enterprise, &b).await;
    assert_eq!(own["case"]["status_label"], "已合并");
    assert!(last(&own).contains("已合并"), "{own}");
    assert!(last(&own).contains(a["number"].as_str().unwrap()));

    // A duplicate found after dispatch: merging it calls off its
    // department's task, which leaves the department's 待签收 list, and
    // the department is told where the work goes on.
    let e = submit(&w, "企业用地审批周期过长（补充说明）").await;
    let (_, d) = act(
        &w.task_force,
        &e,
        "dispatch",
        json!({"version": 1, "lead_department_id": w.lead_dep["id"]}),
    )
    .await;
    assert_eq!(d["status"], "dispatched", "{d}");
    let pending = format!(
        "/api/v1/cases?pending_task_department_id={}",
        w.lead_dep["id"].as_str().unwrap()
    );
    assert_eq!(w.lead.get_ok(&pending).await["total"], 1);
    let (status, m) = act(
        &w.task_force,
        &e,
        "merge",
        json!({"version": d["version"], "target_id": a["id"]}),
    )
    .await;
    assert_eq!(status, 200, "{m}");
    let seen = fetch(&w.task_force, &e).await;
    let tasks = seen["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1, "{seen}");
    assert_eq!(
        (
            tasks[0]["status"].as_str(),
            tasks[0]["status_label"].as_str()
        ),
        (Some("cancelled"), Some("已撤销"))
    );
    assert!(last(&seen).contains("撤销 1 项未完成的分办任务"), "{seen}");
    // The firm's timeline ends on the merge, without the committee's note.
    let own = fetch(&w.enterprise, &e).await;
    assert!(last(&own).contains("已合并"), "{own}");
    assert_eq!(w.lead.get_ok(&pending).await["total"], 0);
    let inbox = w.lead.get_ok("/api/v1/messages").await;
    let told = &inbox["items"][0];
    assert!(
        told["title"].as_str().unwrap().starts_with("任务已撤销"),
        "{inbox}"
    );
    assert_eq!(
        told["link"],
        format!("/cases/{}", e["id"].as_str().unwrap())
    );
    assert!(
        told["body"].as_str().unwrap().contains("无需继续办理"),
        "{told}"
    );
}

#[tokio::test]
async fn suspension_stops_handling_and_leaders_supervise() {
    let w = world().await;
    let c = submit(&w, "等待企业补充材料").await;
    let (_, d) = act(
        &w.task_force,
        &c,
        "dispatch",
        json!({"version": 1, "lead_department_id": w.lead_dep["id"]}),
    )
    .await;
    let (status, body) = act(
        &w.assist,
        &c,
        "suspend",
        json!({"version": d["version"], "reason": "x"}),
    )
    .await;
    assert_eq!(status, 404, "not their case: {body}");
    let (status, s) = act(
        &w.lead,
        &c,
        "suspend",
        json!({"version": d["version"], "reason": "等待企业补充环评材料"}),
    )
    .await;
    assert_eq!((status, s["status"].as_str()), (200, Some("suspended")));
    let detail = fetch(&w.lead, &c).await;
    let (status, body) =
        task_act(&w.lead, &c, task(&detail, "lead", "pending"), "accept", "").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("case_not_in_handling"))
    );
    let (status, r) = act(&w.lead, &c, "resume", json!({"version": s["version"]})).await;
    assert_eq!((status, r["status"].as_str()), (200, Some("dispatched")));
    // A leader raises a supervision order by hand.
    let (status, _) = act(
        &w.lead,
        &c,
        "supervise",
        json!({"version": r["version"], "reason": "x"}),
    )
    .await;
    assert_eq!(status, 403);
    let (status, sup) = act(
        &w.leader,
        &c,
        "supervise",
        json!({"version": r["version"], "reason": "请加快办理"}),
    )
    .await;
    assert_eq!(status, 200, "{sup}");
    assert_eq!(sup["level"], 1);
    assert_eq!(fetch(&w.leader, &c).await["case"]["supervision_level"], 1);
}

#[tokio::test]
async fn overdue_cases_are_supervised_and_unrated_replies_close() {
    let w = world().await;
    let (_, c) = Api::json(w.lead.post("/api/v1/cases").json(&json!({
        "title": "积压诉求", "category_id": w.category["id"], "org_id": w.org["id"], "channel": "hotline",
        "received_at": "2026-06-01T02:00:00Z"
    }))).await;
    let (status, _) = act(
        &w.admin,
        &c,
        "dispatch",
        json!({"version": 1, "lead_department_id": w.lead_dep["id"]}),
    )
    .await;
    assert_eq!(status, 200);
    let today = kechuang_store::clock::today();
    let sweep = kechuang_store::cases::sweep(&w.app.db, today)
        .await
        .unwrap();
    assert_eq!(sweep.supervised, 1);
    // Sweeping again changes nothing (safe on every replica).
    assert_eq!(
        kechuang_store::cases::sweep(&w.app.db, today)
            .await
            .unwrap()
            .supervised,
        0
    );
    let d = fetch(&w.leader, &c).await;
    assert_eq!(d["case"]["supervision_level"], 1);
    assert!(d["supervisions"][0]["automatic"].as_bool().unwrap());
    let (_, overdue) = Api::json(w.leader.get("/api/v1/cases?sla=overdue")).await;
    assert_eq!(overdue["total"], 1);

    // Replied, never rated: closed as no answer after the rating period.
    let detail = fetch(&w.lead, &c).await;
    task_act(&w.lead, &c, task(&detail, "lead", "pending"), "accept", "").await;
    let detail = fetch(&w.lead, &c).await;
    task_act(
        &w.lead,
        &c,
        task(&detail, "lead", "accepted"),
        "complete",
        "已办",
    )
    .await;
    let v = fetch(&w.lead, &c).await["case"]["version"].clone();
    act(
        &w.lead,
        &c,
        "reply",
        json!({"version": v, "reply": "已办理"}),
    )
    .await;
    assert_eq!(
        kechuang_store::cases::sweep(&w.app.db, today)
            .await
            .unwrap()
            .closed_no_answer,
        0
    );
    let later = today + chrono::Duration::days(14);
    assert_eq!(
        kechuang_store::cases::sweep(&w.app.db, later)
            .await
            .unwrap()
            .closed_no_answer,
        1
    );
    let d = fetch(&w.leader, &c).await;
    assert_eq!(
        (
            d["case"]["status"].as_str(),
            d["case"]["satisfaction"].as_str()
        ),
        (Some("closed"), Some("no_answer"))
    );
    // The firm reads why it is 已办结 without its rating.
    let own = fetch(&w.enterprise, &c).await;
    let t = own["timeline"].as_array().unwrap();
    assert_eq!(t[t.len() - 1]["kind"], "close_no_answer", "{own}");
    // Late: closed after its due date.
    let (_, late) = Api::json(w.leader.get("/api/v1/cases?sla=late")).await;
    assert_eq!(late["total"], 1);
}

#[tokio::test]
async fn case_lists_export_to_excel() {
    let w = world().await;
    submit(&w, "导出测试").await;
    let res = w
        .admin
        .get("/api/v1/cases/export?open=true")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap().to_vec();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][0], "编号");
    assert!(rows[1][0].starts_with("KC-"));
    assert_eq!(rows[1][1], "导出测试");
    assert_eq!(rows[1][5], "待受理");
}

#[tokio::test]
async fn a_clerk_exports_the_cases_ticked_on_the_list() {
    let w = world().await;
    let mut ids = vec![];
    for title in ["勾选一", "勾选二", "不选"] {
        ids.push(submit(&w, title).await["id"].as_str().unwrap().to_string());
    }
    let titles = |bytes: &[u8]| {
        let mut t: Vec<String> = sheet_rows(bytes, None)
            .into_iter()
            .skip(1)
            .map(|r| r[1].clone())
            .collect();
        t.sort();
        t
    };
    // The API: the ids, through the same export as the filtered list.
    let res = w
        .admin
        .get(&format!("/api/v1/cases/export?ids={},{}", ids[0], ids[1]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(titles(&res.bytes().await.unwrap()), ["勾选一", "勾选二"]);
    // Another firm names them and gets none of them (its own scope holds).
    let res = w
        .other_enterprise
        .get(&format!("/api/v1/cases/export?ids={},{}", ids[0], ids[1]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(titles(&res.bytes().await.unwrap()).is_empty());
    // More than a batch is refused with what to do.
    let many = vec!["x"; 501].join(",");
    let body = refused(
        Api::json(w.admin.get(&format!("/api/v1/cases/export?ids={many}"))).await,
        400,
        "invalid_query",
    );
    assert!(body["message"].as_str().unwrap().contains("分批"), "{body}");
    // The page: a box per row, and 导出所选 with the boxes ticked.
    let page = w.app.browser("admin").await;
    let list = page.get_text("/cases").await;
    assert!(list.contains("导出所选"), "{list}");
    for id in &ids {
        assert!(
            list.contains(&format!("name=\"id\" value=\"{id}\" form=\"batch-export\"")),
            "{list}"
        );
    }
    let res = page
        .get(&format!(
            "/cases/export-selected.xlsx?id={}&id={}",
            ids[0], ids[2]
        ))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(titles(&res.bytes().await.unwrap()), ["不选", "勾选一"]);
    // Nothing ticked: back to the list, saying what to do.
    let res = page.get("/cases/export-selected.xlsx").await;
    assert_eq!(location(&res), "/cases?flash=none_chosen");
    assert!(page
        .get_text("/cases?flash=none_chosen")
        .await
        .contains("请先勾选要导出的诉求"));
}

#[tokio::test]
async fn an_enterprise_attaches_files_while_writing_its_case() {
    let w = world().await;
    let id = |v: &Value| v["id"].as_str().map(String::from);
    w.app
        .user("ent-files", Role::Enterprise, None, id(&w.org))
        .await;
    let ent = w.app.browser("ent-files").await;
    let form = ent.get_text("/cases/new").await;
    assert!(
        form.contains("enctype=\"multipart/form-data\"") && form.contains("name=\"file\""),
        "{form}"
    );
    let cat = w.category["id"].as_str().unwrap().to_string();
    let post = |title: &str, files: Vec<(&'static str, Vec<u8>)>| {
        let mut f = reqwest::multipart::Form::new()
            .text("title", title.to_string())
            .text("category_id", cat.clone())
            .text("description", "现场照片见附件");
        for (name, bytes) in files {
            f = f.part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name),
            );
        }
        ent.http
            .post(format!("{}/cases/new?csrf_token={}", ent.base, ent.csrf))
            .multipart(f)
            .send()
    };
    let before = w.admin.get_ok("/api/v1/cases").await["total"].clone();
    // Text fields of a multipart form are checked as a urlencoded form's.
    let r = post("消防\u{0}通道", vec![]).await.unwrap();
    assert_eq!(r.status(), 400);
    // An empty file is refused beside the field; nothing is received.
    let r = post(
        "消防通道被占",
        vec![("照片.jpg", b"jpeg".to_vec()), ("空.pdf", vec![])],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"file-error\"")
            && html.contains("空.pdf")
            && html.contains("value=\"消防通道被占\""),
        "{html}"
    );
    assert_eq!(w.admin.get_ok("/api/v1/cases").await["total"], before);
    // A missing title with files: the files must be chosen again, and say so.
    let r = post("", vec![("照片.jpg", b"jpeg".to_vec())])
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("重新选择附件"));
    // Two files with the case: both on it, downloadable by the firm.
    let r = post(
        "消防通道被占",
        vec![
            ("照片.jpg", b"jpeg bytes".to_vec()),
            ("证明.pdf", b"%PDF".to_vec()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    let to = location(&r);
    let case_id = to
        .trim_start_matches("/cases/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let d = w
        .enterprise
        .get_ok(&format!("/api/v1/cases/{case_id}"))
        .await;
    let names: Vec<&str> = d["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["filename"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{d}");
    assert!(names.contains(&"照片.jpg") && names.contains(&"证明.pdf"));
    let url = d["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["filename"] == "照片.jpg")
        .unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();
    let bytes = w
        .enterprise
        .get(&url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.as_ref(), b"jpeg bytes");
}

#[tokio::test]
async fn clerks_work_cases_through_the_pages() {
    let w = world().await;
    let id = |v: &Value| v["id"].as_str().map(String::from);
    w.app
        .user("ent-page", Role::Enterprise, None, id(&w.org))
        .await;
    w.app
        .user("tf-page", Role::TaskForce, id(&w.tf_dep), None)
        .await;
    w.app
        .user("kj-page", Role::Department, id(&w.lead_dep), None)
        .await;

    // The enterprise submits through the portal form; a missing title is shown beside the field.
    let ent = w.app.browser("ent-page").await;
    let cat = w.category["id"].as_str().unwrap();
    let res = ent
        .post_form("/cases/new", &[("title", ""), ("category_id", cat)])
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("请填写诉求标题"));
    let res = ent
        .post_form(
            "/cases/new",
            &[
                ("title", "厂房消防验收排期过长"),
                ("category_id", cat),
                ("chain_id", w.chain["id"].as_str().unwrap()),
                ("description", "已提交材料三周"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let url = res.headers()["location"]
        .to_str()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let html = ent.get_text(&url).await;
    assert!(
        html.contains("KC-") && html.contains("待受理") && html.contains("厂房消防验收排期过长")
    );
    assert!(!html.contains("确认分办"), "enterprises do not dispatch");

    // The task force dispatches from the detail page, with an assisting department.
    let tf = w.app.browser("tf-page").await;
    let html = tf.get_text(&url).await;
    assert!(html.contains("确认分办"));
    let version = kechuang_testkit::between(&html, "name=\"version\" value=\"", "\"")
        .unwrap()
        .to_string();
    let res = tf
        .post_form(
            &format!("{url}/act/dispatch"),
            &[
                ("version", &version),
                ("lead_department_id", w.lead_dep["id"].as_str().unwrap()),
                ("assist", w.assist_dep["id"].as_str().unwrap()),
                ("task_force_department_id", w.tf_dep["id"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    // Posting the same form again is refused with the reason on the page, nothing changes.
    let res = tf
        .post_form(
            &format!("{url}/act/dispatch"),
            &[
                ("version", &version),
                ("lead_department_id", w.lead_dep["id"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("不能执行“分办”"));

    // The lead department sees its task with accept and return buttons.
    let kj = w.app.browser("kj-page").await;
    let html = kj.get_text(&url).await;
    assert!(html.contains("签收") && html.contains("规划和自然资源局") && html.contains("协办"));
    // A refused task action (办结 before 签收) says why once, beside the task's form.
    let task_id = kechuang_testkit::between(&html, "name=\"task_id\" value=\"", "\"")
        .unwrap()
        .to_string();
    let form = &html[html.find(&task_id).unwrap()..];
    let task_version = kechuang_testkit::between(form, "name=\"version\" value=\"", "\"")
        .unwrap()
        .to_string();
    let res = kj
        .post_form(
            &format!("{url}/act/task"),
            &[
                ("task_id", &task_id),
                ("version", &task_version),
                ("action", "complete"),
                ("note", "已办结"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    let msg = "当前状态“待签收”不能执行“办结”";
    assert_eq!(page.matches(msg).count(), 1, "shown exactly once: {page}");
    assert!(!page.contains("id=\"flash\""), "no toast repeating it");
    let at = page.find(msg).unwrap();
    let form = page.find("/act/task\"").expect("task form");
    let form_end = form + page[form..].find("</form>").unwrap();
    assert!(
        form < at && at < form_end,
        "the message sits in the task's form"
    );
    // On a phone the case list is cards; on wider screens the table.
    let list = kj.get_text("/cases").await;
    assert!(
        list.contains("id=\"case-cards\"") && list.contains("class=\"list-group-item case-card\"")
    );
    assert!(list.contains("table-responsive d-none d-sm-block"));
    assert_eq!(
        list.matches("厂房消防验收排期过长").count(),
        2,
        "each case once as a card and once as a row"
    );
    let workbench = kj.get_text("/cases/workbench").await;
    assert!(
        workbench.contains("厂房消防验收排期过长"),
        "the task shows on the department's workbench"
    );
    // Statistics page renders the race with links to the cases behind each figure.
    let stats = w
        .app
        .browser("tf-page")
        .await
        .get_text("/cases/statistics?group=category")
        .await;
    assert!(stats.contains("审批") && stats.contains("/cases?category_id="));
}

#[tokio::test]
async fn open311_georeport_v2_in_json_and_xml() {
    let w = world().await;
    let http = reqwest::Client::new();
    let url = |p: &str| w.app.url(&format!("/open311/v2/{p}"));
    let discovery: Value = http
        .get(url("discovery.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        discovery["endpoints"][0]["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    let services: Value = http
        .get(url("services.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(services
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["service_code"] == "approval" && s["service_name"] == "审批"));
    let xml = http
        .get(url("services.xml"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        xml.starts_with("<?xml")
            && xml.contains("<services><service>")
            && xml.contains("<service_code>approval</service_code>")
    );
    let def: Value = http
        .get(url("services/approval.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(def["attributes"][0]["code"], "org_uscc");

    // POST needs a valid key; errors come as [{code, description}].
    let res = http
        .post(url("requests.json"))
        .form(&[
            ("api_key", "kc_nope"),
            ("service_code", "approval"),
            ("description", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body[0]["code"], 403);
    let key = w.enterprise.token.clone();
    let res = http
        .post(url("requests.json"))
        .form(&[("api_key", key.as_str()), ("service_code", "approval")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let res = http
        .post(url("requests.json"))
        .form(&[
            ("api_key", key.as_str()),
            ("service_code", "approval"),
            ("description", "通过第三方系统提交：施工许可办理慢"),
            ("last_name", "孙"),
            ("phone", "13800000000"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    let number = created[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(number.starts_with("KC-"));
    // It is a real case, from the Open311 channel, visible in the API.
    let (_, page) = Api::json(w.enterprise.get("/api/v1/cases?channel=open311")).await;
    assert_eq!(page["items"][0]["number"], number);

    let list: Value = http
        .get(url(&format!("requests.json?api_key={key}&status=open")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let r = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service_request_id"] == number.as_str())
        .expect("listed");
    assert_eq!(r["status"], "open");
    assert_eq!(r["service_code"], "approval");
    assert!(r["expected_datetime"].as_str().unwrap().contains('T'));
    let closed: Value = http
        .get(url(&format!("requests.json?api_key={key}&status=closed")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(closed.as_array().unwrap().is_empty());
    let one = http
        .get(url(&format!("requests/{number}.xml?api_key={key}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        one.contains(&format!(
            "<service_request_id>{number}</service_request_id>"
        )) && one.contains("<status>open</status>")
    );
    let token = created[0]["token"].as_str().unwrap();
    let t: Value = http
        .get(url(&format!("tokens/{token}.json?api_key={key}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(t[0]["service_request_id"], number.as_str());
    // Another enterprise's key does not see it.
    let other: Value = http
        .get(url(&format!(
            "requests.json?api_key={}",
            w.other_enterprise.token
        )))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(other.as_array().unwrap().is_empty());
}

#[tokio::test]
async fn notifications_reach_robot_webhooks_through_the_outbox_with_retries() {
    use std::sync::{Arc, Mutex};
    let w = world().await;
    // A stand-in robot server on loopback: /ok accepts, /flaky fails once.
    let got: Arc<Mutex<Vec<Value>>> = Arc::default();
    let fails = Arc::new(Mutex::new(1));
    let (g1, g2, f2) = (got.clone(), got.clone(), fails.clone());
    let robot = axum::Router::new()
        .route(
            "/ok",
            axum::routing::post(move |axum::Json(v): axum::Json<Value>| async move {
                g1.lock().unwrap().push(v);
                axum::Json(json!({"errcode": 0, "errmsg": "ok"}))
            }),
        )
        .route(
            "/flaky",
            axum::routing::post(move |axum::Json(v): axum::Json<Value>| async move {
                let mut left = f2.lock().unwrap();
                if *left > 0 {
                    *left -= 1;
                    return (
                        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                        axum::Json(json!({"code": 500})),
                    );
                }
                g2.lock().unwrap().push(v);
                (axum::http::StatusCode::OK, axum::Json(json!({"code": 0})))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, robot).await.unwrap() });

    let (status, body) = Api::json(w.admin.post("/api/v1/webhooks").json(&json!({"name": "专班群", "kind": "wecom", "url": format!("http://{addr}/ok"), "department_id": w.tf_dep["id"]}))).await;
    assert_eq!(status, 201, "{body}");
    let (status, _) =
        Api::json(w.admin.post("/api/v1/webhooks").json(
            &json!({"name": "总群", "kind": "feishu", "url": format!("http://{addr}/flaky")}),
        ))
        .await;
    assert_eq!(status, 201);
    let (status, body) = Api::json(
        w.admin
            .post("/api/v1/webhooks")
            .json(&json!({"name": "坏的", "kind": "qq", "url": "x"})),
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (422, Some("invalid_kind")));

    // A new case notifies the task force: the case is saved at once, the robots later.
    let c = submit(&w, "外部推送测试").await;
    assert_eq!(c["status"], "submitted");
    let client = reqwest::Client::new();
    let base = "https://kc.example.gov.cn";
    let (sent, failed) = kechuang::jobs::deliver_once(&w.app.db, &client, "replica-a", base)
        .await
        .unwrap();
    assert_eq!((sent, failed), (1, 1));
    let first = got.lock().unwrap()[0].clone();
    assert_eq!(first["msgtype"], "markdown");
    let text = first["markdown"]["content"].as_str().unwrap();
    assert!(
        text.contains(c["number"].as_str().unwrap())
            && text.contains(&format!("{base}/cases/{}", c["id"].as_str().unwrap())),
        "{text}"
    );
    // The failure is retried later (backoff), not now; another replica finds nothing to do.
    assert_eq!(
        kechuang::jobs::deliver_once(&w.app.db, &client, "replica-b", base)
            .await
            .unwrap(),
        (0, 0)
    );
    let (_, log) = Api::json(w.admin.get("/api/v1/webhooks/deliveries")).await;
    let pending = log
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["status"] == "pending")
        .expect("retry pending");
    assert_eq!(pending["attempts"], 1);
    assert!(pending["last_error"].as_str().unwrap().contains("500"));
    // When the retry is due it goes through.
    use sea_orm::{ConnectionTrait, Statement};
    w.app
        .db
        .execute(Statement::from_string(
            w.app.db.get_database_backend(),
            "UPDATE outbox SET next_attempt_at = created_at".to_string(),
        ))
        .await
        .unwrap();
    assert_eq!(
        kechuang::jobs::deliver_once(&w.app.db, &client, "replica-b", base)
            .await
            .unwrap(),
        (1, 0)
    );
    assert_eq!(got.lock().unwrap().len(), 2);
    assert_eq!(got.lock().unwrap()[1]["msg_type"], "text");
    let (_, log) = Api::json(w.admin.get("/api/v1/webhooks/deliveries")).await;
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["status"] == "sent"));
}

#[tokio::test]
async fn due_soon_cases_warn_their_lead_department_once() {
    let w = world().await;
    // Received so that the five-workday limit ends on the next workday.
    let cal = kechuang_store::calendar::load(&w.app.db).await.unwrap();
    let today = kechuang_store::clock::today();
    let target = cal.add_workdays(today, 1);
    let mut received = today;
    while cal.add_workdays(received, 5) > target {
        received -= chrono::Duration::days(1);
    }
    let (_, c) = Api::json(w.lead.post("/api/v1/cases").json(&json!({
        "title": "临期诉求", "category_id": w.category["id"], "org_id": w.org["id"], "channel": "hotline",
        "received_at": format!("{received}T02:00:00Z")
    }))).await;
    let (status, _) = act(
        &w.admin,
        &c,
        "dispatch",
        json!({"version": 1, "lead_department_id": w.lead_dep["id"]}),
    )
    .await;
    assert_eq!(status, 200);
    let s = kechuang_store::cases::sweep(&w.app.db, today)
        .await
        .unwrap();
    assert_eq!(s.warned, 1);
    assert_eq!(
        kechuang_store::cases::sweep(&w.app.db, today)
            .await
            .unwrap()
            .warned,
        0,
        "once per case"
    );
    let d = fetch(&w.lead, &c).await;
    assert!(d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "warn"));
    // The warning did not invalidate the version a clerk holds.
    assert_eq!(d["case"]["version"], 2);
    let (_, soon) = Api::json(w.lead.get("/api/v1/cases?sla=due_soon")).await;
    assert_eq!(soon["total"], 1);
}

#[tokio::test]
async fn leaders_see_laggards_and_record_interviews() {
    let w = world().await;
    // Three overdue cases of the lead department.
    let mut overdue = vec![];
    for n in 0..3 {
        let (_, c) = Api::json(w.lead.post("/api/v1/cases").json(&json!({
            "title": format!("积压{n}"), "category_id": w.category["id"], "org_id": w.org["id"], "channel": "hotline",
            "received_at": "2026-06-01T02:00:00Z"
        }))).await;
        act(
            &w.admin,
            &c,
            "dispatch",
            json!({"version": 1, "lead_department_id": w.lead_dep["id"]}),
        )
        .await;
        overdue.push(c);
    }
    w.app.user("boss", Role::Leader, None, None).await;
    let b = w.app.browser("boss").await;
    let html = b.get_text("/cases/board").await;
    assert!(html.contains("科技创新局") && html.contains("建议约谈"));
    // Ranked: the lagging department first; a period without its cases
    // suggests nothing, and its numbers link to that period's cases.
    let board = kechuang_testkit::between(&html, "id=\"board\"", "</table>").unwrap();
    let first = board
        .split("<tr><td class=\"text-end\">1</td><td>")
        .nth(1)
        .unwrap();
    assert!(first.starts_with("科技创新局"), "{board}");
    let html = b
        .get_text("/cases/board?bfrom=2026-07-01&bto=2026-09-30")
        .await;
    let board = kechuang_testkit::between(&html, "id=\"board\"", "</table>").unwrap();
    assert!(!board.contains("建议约谈"), "{board}");
    assert!(html.contains("value=\"2026-07-01\""));
    let html = b
        .get_text("/cases/board?bfrom=2026-06-01&bto=2026-06-30")
        .await;
    assert!(html.contains("建议约谈"));
    assert!(html.contains("from=2026-06-01&amp;to=2026-06-30"), "{html}");
    // The committee sets the threshold: at 5, three overdue cases suggest nothing.
    let t = w.leader.get_ok("/api/v1/interviews/threshold").await;
    assert_eq!(
        (
            t["value"].as_i64(),
            t["version"].as_i64(),
            t["default"].as_i64()
        ),
        (Some(3), Some(0), Some(3))
    );
    let (status, body) = w
        .leader
        .put_json(
            "/api/v1/interviews/threshold",
            json!({"value": "0", "version": 0}),
        )
        .await;
    assert_eq!(status, 422);
    assert!(body["details"]["fields"]["value"].is_string(), "{body}");
    let (status, t) = w
        .leader
        .put_json(
            "/api/v1/interviews/threshold",
            json!({"value": "5", "version": 0}),
        )
        .await;
    assert_eq!(
        (status, t["value"].as_i64(), t["version"].as_i64()),
        (200, Some(5), Some(1))
    );
    let (status, body) = w
        .leader
        .put_json(
            "/api/v1/interviews/threshold",
            json!({"value": "4", "version": 0}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("stale_version"))
    );
    let (status, _) = Api::json(w.lead.get("/api/v1/interviews/threshold")).await;
    assert_eq!(status, 403);
    let html = b.get_text("/cases/board").await;
    let board = kechuang_testkit::between(&html, "id=\"board\"", "</table>").unwrap();
    assert!(!board.contains("建议约谈"), "{board}");
    assert!(html.contains("累计达到5件"));
    // On the board, a bad value is refused beside the box, as typed.
    let res = b
        .post_form(
            "/cases/board/threshold",
            &[("value", "三件"), ("version", "1")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("建议约谈阈值请填写 1～1000 之间的整数") && page.contains("value=\"三件\"")
    );
    let res = b
        .post_form(
            "/cases/board/threshold",
            &[("value", "3"), ("version", "1")],
        )
        .await;
    assert_eq!(crate::location(&res), "/cases/board?flash=saved");
    assert!(b.get_text("/cases/board").await.contains("建议约谈"));
    // An interview is recorded with who, when, why and the outcome.
    let (status, body) = Api::json(w.leader.post("/api/v1/interviews").json(&json!({"department_id": w.lead_dep["id"], "interviewee": "李科长", "held_on": "2099-01-01", "reason": "x", "outcome": "y"}))).await;
    assert_eq!(
        (status, body["details"]["fields"]["held_on"].is_string()),
        (422, true)
    );
    let (status, iv) = Api::json(w.leader.post("/api/v1/interviews").json(&json!({"department_id": w.lead_dep["id"], "interviewee": "李科长", "held_on": "2026-11-20", "reason": "连续3件诉求超期", "outcome": "限期一周清零，月度碰头会通报"}))).await;
    assert_eq!(status, 201, "{iv}");
    assert_eq!(iv["department_name"], "科技创新局");
    assert!(iv["case_number"].is_null());
    // It can name the case it is about, by number; a wrong number is refused
    // on its field.
    let (status, body) = Api::json(w.leader.post("/api/v1/interviews").json(&json!({"department_id": w.lead_dep["id"], "interviewee": "李科长", "held_on": "2026-11-20", "reason": "超期", "outcome": "整改", "case_number": "KC-2099-000001"}))).await;
    assert_eq!(status, 422);
    assert!(
        body["details"]["fields"]["case_number"]
            .as_str()
            .unwrap()
            .contains("KC-2099-000001"),
        "{body}"
    );
    let number = overdue[1]["number"].as_str().unwrap();
    let (status, iv) = Api::json(w.leader.post("/api/v1/interviews").json(&json!({"department_id": w.lead_dep["id"], "interviewee": "周科员", "held_on": "2026-11-20", "reason": "积压1超期", "outcome": "三日内办结", "case_number": number.to_lowercase()}))).await;
    assert_eq!(status, 201, "{iv}");
    assert_eq!(
        (iv["case_number"].as_str(), &iv["case_id"]),
        (Some(number), &overdue[1]["id"])
    );
    let (status, _) = Api::json(w.lead.get("/api/v1/interviews")).await;
    assert_eq!(status, 403);
    // The board's form shows the same refusal beside the field, keeping
    // what was typed.
    let res = b
        .post_form(
            "/cases/board/interviews",
            &[
                ("department_id", w.lead_dep["id"].as_str().unwrap()),
                ("interviewee", "钱科长"),
                ("held_on", "2026-11-20"),
                ("reason", "超期"),
                ("outcome", "整改"),
                ("case_number", "KC-2099-000009"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("未找到编号为 KC-2099-000009 的诉求") && page.contains("value=\"钱科长\"")
    );
    let board = b.get_text("/cases/board").await;
    assert!(board.contains("限期一周清零"));
    assert!(board.contains(&format!(
        "<a href=\"/cases/{}\">{number}</a>",
        overdue[1]["id"].as_str().unwrap()
    )));
}

#[tokio::test]
async fn attachments_are_stored_in_the_database_in_chunks() {
    let w = world().await;
    let c = submit(&w, "附件测试").await;
    let id = c["id"].as_str().unwrap();
    // 120 KB spans three chunks; the bytes come back exactly.
    let bytes: Vec<u8> = (0..120_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes.clone())
            .file_name("环评批复.pdf")
            .mime_str("application/pdf")
            .unwrap(),
    );
    let (status, a) = Api::json(
        w.enterprise
            .post(&format!("/api/v1/cases/{id}/attachments"))
            .multipart(form),
    )
    .await;
    assert_eq!(status, 201, "{a}");
    assert_eq!(
        (a["filename"].as_str(), a["size"].as_i64()),
        (Some("环评批复.pdf"), Some(120_000))
    );
    let res = w.lead.get(a["url"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("filename*=UTF-8''"));
    assert_eq!(res.bytes().await.unwrap().to_vec(), bytes);
    // Out of scope is not found; too large is refused whole.
    let (status, _) = Api::json(w.other_enterprise.get(a["url"].as_str().unwrap())).await;
    assert_eq!(status, 404);
    let big = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(vec![1u8; 10 * 1024 * 1024 + 1]).file_name("big.bin"),
    );
    let (status, body) = Api::json(
        w.enterprise
            .post(&format!("/api/v1/cases/{id}/attachments"))
            .multipart(big),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("file_too_large"))
    );
    let d = fetch(&w.enterprise, &c).await;
    assert_eq!(d["attachments"].as_array().unwrap().len(), 1);
    // The upload is on the committee's timeline (the firm's lists its steps).
    let d = fetch(&w.task_force, &c).await;
    assert!(d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "attach"));
}

/// The date `days` workdays after `from`, from the calendar API.
async fn add_workdays(api: &Api, from: &Value, days: u32) -> Value {
    let (status, r) = Api::json(api.get(&format!(
        "/api/v1/calendar/add-workdays?from={}&days={days}",
        from.as_str().unwrap()
    )))
    .await;
    assert_eq!(status, 200, "{r}");
    r["date"].clone()
}

fn task_of<'a>(d: &'a Value, department: &Value) -> &'a Value {
    d["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["department_id"] == department["id"])
        .unwrap_or_else(|| panic!("no task of {department} in {}", d["tasks"]))
}

#[tokio::test]
async fn each_department_gets_its_own_task_limit() {
    let w = world().await;
    // The category allows 5 workdays for the case and 3 for a task.
    let c = submit(&w, "两个部门各自的办理时限").await;
    let before = fetch(&w.task_force, &c).await;

    // Out of range (0, above the case limit of 5) or for a department not
    // dispatched: refused with the department named, nothing changes.
    for (limits, field_dep, says) in [
        (
            json!([{"department_id": w.assist_dep["id"], "limit_days": 6}]),
            &w.assist_dep,
            "规划和自然资源局的办理时限须为1至5个工作日",
        ),
        (
            json!([{"department_id": w.lead_dep["id"], "limit_days": 0}]),
            &w.lead_dep,
            "科技创新局的办理时限须为1至5个工作日",
        ),
        (
            json!([{"department_id": w.tf_dep["id"], "limit_days": 2}]),
            &w.tf_dep,
            "不在本次分办",
        ),
    ] {
        let (status, body) = act(
            &w.task_force,
            &c,
            "dispatch",
            json!({
                "version": 1, "lead_department_id": w.lead_dep["id"],
                "assist_department_ids": [w.assist_dep["id"]], "task_limits": limits,
            }),
        )
        .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (422, Some("invalid_task_limit")),
            "{body}"
        );
        assert!(body["message"].as_str().unwrap().contains(says), "{body}");
        let key = format!("task_limits.{}", field_dep["id"].as_str().unwrap());
        assert!(body["details"]["fields"][&key].is_string(), "{body}");
        let d = fetch(&w.task_force, &c).await;
        assert_eq!(d["case"]["status"], "submitted");
        assert_eq!(d["case"]["version"], before["case"]["version"]);
        assert_eq!(d["tasks"], json!([]));
        assert_eq!(d["timeline"], before["timeline"]);
    }

    // The lead gets 2 workdays, the assisting department 5 (the most allowed).
    let (status, d) = act(
        &w.task_force,
        &c,
        "dispatch",
        json!({
            "version": 1, "lead_department_id": w.lead_dep["id"],
            "assist_department_ids": [w.assist_dep["id"]],
            "task_limits": [
                {"department_id": w.lead_dep["id"], "limit_days": 2},
                {"department_id": w.assist_dep["id"], "limit_days": 5},
            ],
        }),
    )
    .await;
    assert_eq!(status, 200, "{d}");
    let detail = fetch(&w.task_force, &c).await;
    let (lead, assist) = (
        task_of(&detail, &w.lead_dep),
        task_of(&detail, &w.assist_dep),
    );
    let on = &lead["dispatched_on"];
    let lead_due = add_workdays(&w.admin, on, 2).await;
    let assist_due = add_workdays(&w.admin, on, 5).await;
    assert_eq!(lead["due_on"], lead_due);
    assert_eq!(assist["due_on"], assist_due);
    assert_ne!(lead["due_on"], assist["due_on"]);
    // Five workdays from dispatch the same day as receipt is the case's own due date.
    assert_eq!(assist["due_on"], detail["case"]["due_on"]);
    // The timeline names each department's limit and due date.
    let dispatch = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "dispatch")
        .unwrap();
    let text = dispatch["message"].as_str().unwrap();
    for want in [
        format!(
            "主办：科技创新局（2个工作日，{}前办结）",
            lead_due.as_str().unwrap()
        ),
        format!(
            "协办：规划和自然资源局（5个工作日，{}前办结）",
            assist_due.as_str().unwrap()
        ),
    ] {
        assert!(text.contains(&want), "{want} not in {text}");
    }

    // Without limits each task gets the category's task limit (3).
    let c2 = submit(&w, "按分类默认时限分办").await;
    let (status, _) = act(&w.task_force, &c2, "dispatch", json!({
        "version": 1, "lead_department_id": w.lead_dep["id"], "assist_department_ids": [w.assist_dep["id"]],
    }))
    .await;
    assert_eq!(status, 200);
    let d2 = fetch(&w.task_force, &c2).await;
    let three = add_workdays(&w.admin, &task_of(&d2, &w.lead_dep)["dispatched_on"], 3).await;
    assert_eq!(task_of(&d2, &w.lead_dep)["due_on"], three);
    assert_eq!(task_of(&d2, &w.assist_dep)["due_on"], three);
}

#[tokio::test]
async fn the_dispatch_form_keeps_typed_limits_and_says_what_is_wrong_in_place() {
    let w = world().await;
    let c = submit(&w, "分办页面填写各部门时限").await;
    let url = format!("/cases/{}", c["id"].as_str().unwrap());
    let (lead, assist) = (
        w.lead_dep["id"].as_str().unwrap(),
        w.assist_dep["id"].as_str().unwrap(),
    );
    w.app
        .user(
            "tf-limits",
            Role::TaskForce,
            w.tf_dep["id"].as_str().map(String::from),
            None,
        )
        .await;
    let tf = w.app.browser("tf-limits").await;
    let html = tf.get_text(&url).await;
    // Every department has a workdays box prefilled with the category's task limit (3).
    for dep in [lead, assist] {
        assert!(
            html.contains(&format!("name=\"limit_{dep}\" value=\"3\"")),
            "{html}"
        );
    }
    let version = kechuang_testkit::between(&html, "name=\"version\" value=\"", "\"")
        .unwrap()
        .to_string();
    let (lead_key, assist_key) = (format!("limit_{lead}"), format!("limit_{assist}"));
    let res = tf
        .post_form(
            &format!("{url}/act/dispatch"),
            &[
                ("version", &version),
                ("lead_department_id", lead),
                ("assist", assist),
                (&lead_key, "2"),
                (&assist_key, "9"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    // The typed values and choices are kept.
    assert!(page.contains(&format!("name=\"limit_{lead}\" value=\"2\"")));
    assert!(page.contains(&format!("name=\"limit_{assist}\" value=\"9\"")));
    assert!(page.contains(&format!("name=\"assist\" value=\"{assist}\" checked")));
    assert!(page.contains(&format!(
        "name=\"lead_department_id\" value=\"{lead}\" checked"
    )));
    // The error is beside the assisting department's box, once.
    let msg = "规划和自然资源局的办理时限须为1至5个工作日";
    assert_eq!(page.matches(msg).count(), 1, "{page}");
    let cell = |dep: &str| {
        let at = page.find(&format!("name=\"limit_{dep}\"")).unwrap();
        let start = page[..at].rfind("<td>").unwrap();
        let end = at + page[at..].find("</td>").unwrap();
        page[start..end].to_string()
    };
    let (bad, good) = (cell(assist), cell(lead));
    assert!(bad.contains("is-invalid") && bad.contains(msg), "{bad}");
    assert!(!good.contains("is-invalid"), "{good}");
    assert!(
        !page.contains("id=\"action-error\""),
        "not also above the case"
    );
    let d = fetch(&w.task_force, &c).await;
    assert_eq!(d["case"]["status"], "submitted");
    assert_eq!(d["case"]["version"], c["version"]);

    // Corrected, it goes through; an empty box keeps the category's limit.
    let res = tf
        .post_form(
            &format!("{url}/act/dispatch"),
            &[
                ("version", &version),
                ("lead_department_id", lead),
                ("assist", assist),
                (&lead_key, "2"),
                (&assist_key, ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let d = fetch(&w.task_force, &c).await;
    let on = &task_of(&d, &w.lead_dep)["dispatched_on"];
    assert_eq!(
        task_of(&d, &w.lead_dep)["due_on"],
        add_workdays(&w.admin, on, 2).await
    );
    assert_eq!(
        task_of(&d, &w.assist_dep)["due_on"],
        add_workdays(&w.admin, on, 3).await
    );
}

#[tokio::test]
async fn the_task_force_suspends_and_resumes_too() {
    let w = world().await;
    let c = submit(&w, "专班挂起等待企业").await;
    let (_, d) = act(&w.task_force, &c, "dispatch", json!({
        "version": 1, "lead_department_id": w.lead_dep["id"], "assist_department_ids": [w.assist_dep["id"]],
    }))
    .await;
    // An assisting department sees the case but may not suspend it.
    let (status, body) = act(
        &w.assist,
        &c,
        "suspend",
        json!({"version": d["version"], "reason": "等待企业"}),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("not_lead_department")),
        "{body}"
    );
    let (status, s) = act(
        &w.task_force,
        &c,
        "suspend",
        json!({"version": d["version"], "reason": "等待企业补充环评材料"}),
    )
    .await;
    assert_eq!(
        (status, s["status"].as_str()),
        (200, Some("suspended")),
        "{s}"
    );
    let (status, _) = act(&w.assist, &c, "resume", json!({"version": s["version"]})).await;
    assert_eq!(status, 403);
    // The task force's page offers to resume.
    w.app
        .user(
            "tf-resume",
            Role::TaskForce,
            w.tf_dep["id"].as_str().map(String::from),
            None,
        )
        .await;
    let tf = w.app.browser("tf-resume").await;
    let html = tf
        .get_text(&format!("/cases/{}", c["id"].as_str().unwrap()))
        .await;
    assert!(html.contains("恢复办理"));
    let (status, r) = act(
        &w.task_force,
        &c,
        "resume",
        json!({"version": s["version"]}),
    )
    .await;
    assert_eq!(
        (status, r["status"].as_str()),
        (200, Some("dispatched")),
        "{r}"
    );
    // The lead department still may.
    let (status, s) = act(
        &w.lead,
        &c,
        "suspend",
        json!({"version": r["version"], "reason": "等待企业确认方案"}),
    )
    .await;
    assert_eq!((status, s["status"].as_str()), (200, Some("suspended")));
}

/// A Beijing wall-clock time as an instant.
fn beijing(s: &str) -> chrono::DateTime<chrono::Utc> {
    let local: chrono::NaiveDateTime = s.parse().unwrap();
    chrono::TimeZone::from_utc_datetime(&chrono::Utc, &(local - chrono::Duration::hours(8)))
}

#[tokio::test]
async fn a_task_may_be_returned_until_the_same_time_on_the_next_workday() {
    use kechuang_domain::cases::TaskAction;
    use kechuang_store::cases::{self as store, Actor, Assignment, TaskStep};
    use kechuang_store::{at_time, Scope};

    let w = world().await;
    let db = &w.app.db;
    let clerk = Actor {
        username: "zb".into(),
        user_id: String::new(),
        display_name: "专班".into(),
        acts_for: None,
    };
    // Dispatched Friday 2026-11-27 15:30 (Beijing); returned Monday 11-30 at `at`.
    let try_return = |at: &'static str| {
        let (w, clerk) = (&w, clerk.clone());
        async move {
            let c = submit(w, "退回时限按分办时刻计算").await;
            let id = c["id"].as_str().unwrap();
            let to = Assignment {
                lead: w.lead_dep["id"].as_str().unwrap().into(),
                assists: vec![],
                task_force: None,
                limits: vec![],
            };
            at_time(
                beijing("2026-11-27T15:30:00"),
                store::dispatch(db, &Scope::All, &clerk, id, 1, to),
            )
            .await
            .unwrap();
            let t = store::tasks(db, id).await.unwrap().remove(0);
            let step = TaskStep {
                task_id: t.id.clone(),
                version: t.version,
                action: TaskAction::Return,
                note: "不属于本部门职责".into(),
            };
            at_time(
                beijing(at),
                store::task_action(db, &Scope::All, &clerk, id, step),
            )
            .await
        }
    };
    // One second before the same clock time on the next workday: allowed.
    let returned = try_return("2026-11-30T15:29:59").await.unwrap();
    assert_eq!(returned.status, "returned");
    // At that time: too late (previously the whole Monday counted).
    match try_return("2026-11-30T15:30:00").await {
        Err(kechuang_store::StoreError::Rule { code, .. }) => {
            assert_eq!(code, ErrorCode::ReturnWindowPassed)
        }
        other => panic!("expected return_window_passed, got {other:?}"),
    }
}

#[tokio::test]
async fn the_return_button_shows_only_inside_the_window() {
    use kechuang_store::cases::{self as store, Actor, Assignment};
    use kechuang_store::{at_time, Scope};

    let w = world().await;
    let clerk = Actor {
        username: "zb".into(),
        user_id: String::new(),
        display_name: "专班".into(),
        acts_for: None,
    };
    let dispatch_at = |at: Option<&'static str>| {
        let (w, clerk) = (&w, clerk.clone());
        async move {
            let c = submit(w, "退回按钮").await;
            let id = c["id"].as_str().unwrap().to_string();
            let to = Assignment {
                lead: w.lead_dep["id"].as_str().unwrap().into(),
                assists: vec![],
                task_force: None,
                limits: vec![],
            };
            let dispatch = store::dispatch(&w.app.db, &Scope::All, &clerk, &id, 1, to);
            match at {
                Some(t) => at_time(beijing(t), dispatch).await.unwrap(),
                None => dispatch.await.unwrap(),
            };
            w.lead.text(&format!("/cases/{id}")).await
        }
    };
    let fresh = dispatch_at(None).await;
    assert!(fresh.contains("签收"), "the lead department works its task");
    assert!(fresh.contains("退回（分办不当）"));
    let old = dispatch_at(Some("2026-01-05T10:00:00")).await;
    assert!(old.contains("签收"));
    assert!(
        !old.contains("退回（分办不当）"),
        "the window closed long ago"
    );
}

/// The department rule of a reply, a suspension and a task step is the
/// store's, checked on the case and task read inside the transaction, so
/// every door (API, pages, Open311, imports) meets the same rule.
#[tokio::test]
async fn the_store_checks_the_acting_department_inside_the_transaction() {
    use kechuang_domain::cases::TaskAction;
    use kechuang_store::cases::{self as store, Actor, Assignment, TaskStep};
    use kechuang_store::{Scope, StoreError};

    let w = world().await;
    let c = submit(&w, "部门核对").await;
    let id = c["id"].as_str().unwrap().to_string();
    let dep = |v: &Value| v["id"].as_str().unwrap().to_string();
    let clerk = |acts_for: Option<String>| Actor {
        username: "clerk".into(),
        display_name: "办理人".into(),
        acts_for,
        ..Default::default()
    };
    let to = Assignment {
        lead: dep(&w.lead_dep),
        assists: vec![dep(&w.assist_dep)],
        task_force: None,
        limits: vec![],
    };
    store::dispatch(&w.app.db, &Scope::All, &clerk(None), &id, 1, to)
        .await
        .unwrap();
    fn forbidden<T>(r: Result<T, StoreError>) -> &'static str {
        match r {
            Err(StoreError::Forbidden { code, .. }) => code.as_str(),
            Err(e) => panic!("expected 403, got {e:?}"),
            Ok(_) => panic!("expected 403, got success"),
        }
    }
    let assist = clerk(Some(dep(&w.assist_dep)));
    let case = store::get(&w.app.db, &Scope::All, &id).await.unwrap();
    assert_eq!(
        forbidden(
            store::reply(
                &w.app.db,
                &Scope::All,
                &assist,
                &id,
                case.version,
                "答复".into()
            )
            .await
        ),
        "not_lead_department"
    );
    assert_eq!(
        forbidden(
            store::suspend(
                &w.app.db,
                &Scope::All,
                &assist,
                &id,
                case.version,
                "缺材料".into()
            )
            .await
        ),
        "not_lead_department"
    );
    let tasks = store::tasks(&w.app.db, &id).await.unwrap();
    let lead_task = tasks
        .iter()
        .find(|t| t.department_id == dep(&w.lead_dep))
        .unwrap();
    let step = TaskStep {
        task_id: lead_task.id.clone(),
        version: lead_task.version,
        action: TaskAction::Accept,
        note: String::new(),
    };
    assert_eq!(
        forbidden(store::task_action(&w.app.db, &Scope::All, &assist, &id, step.clone()).await),
        "not_task_department"
    );
    // The lead department itself passes the check.
    let lead = clerk(Some(dep(&w.lead_dep)));
    store::task_action(&w.app.db, &Scope::All, &lead, &id, step)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_firm_reads_its_case_without_the_committee_s_internals_and_rates_from_the_top() {
    let w = world().await;
    let c = submit(&w, "内部字段").await;
    let (status, _) = act(
        &w.task_force,
        &c,
        "dispatch",
        json!({"version": 1, "lead_department_id": w.lead_dep["id"]}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = act(
        &w.leader,
        &c,
        "supervise",
        json!({"version": fetch(&w.leader, &c).await["case"]["version"], "reason": "领导关注"}),
    )
    .await;
    assert_eq!(status, 200);
    let d = fetch(&w.lead, &c).await;
    task_act(&w.lead, &c, task(&d, "lead", "pending"), "accept", "").await;
    let d = fetch(&w.lead, &c).await;
    task_act(
        &w.lead,
        &c,
        task(&d, "lead", "accepted"),
        "complete",
        "已协调",
    )
    .await;
    let v = fetch(&w.lead, &c).await["case"]["version"].clone();
    let (status, _) = act(
        &w.lead,
        &c,
        "reply",
        json!({"version": v, "reply": "已协调办理"}),
    )
    .await;
    assert_eq!(status, 200);

    // Staff read everything; the firm its own steps, by department.
    let staff = fetch(&w.lead, &c).await;
    assert_eq!(staff["supervisions"].as_array().unwrap().len(), 1);
    assert!(staff["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["actor"] == "kj"));
    let own = fetch(&w.enterprise, &c).await;
    assert_eq!(own["supervisions"].as_array().unwrap().len(), 0);
    let timeline = own["timeline"].as_array().unwrap();
    assert!(
        timeline.iter().all(|e| e["kind"] != "supervise"),
        "{timeline:?}"
    );
    assert!(
        timeline
            .iter()
            .all(|e| e["actor"] != "kj" && e["actor"] != "zb"),
        "{timeline:?}"
    );
    assert!(timeline
        .iter()
        .any(|e| e["kind"] == "reply" && e["department_name"] == "科技创新局"));

    let page = w.app.browser("qiye").await;
    let html = page
        .get_text(&format!("/cases/{}", c["id"].as_str().unwrap()))
        .await;
    let rate = html.find("id=\"rate-card\"").expect("the rating form");
    assert!(
        rate < html.find("诉求信息").unwrap(),
        "the rating form comes first"
    );
    assert!(html.contains("id=\"rate-reply\"") && html.contains("已协调办理"));
    assert!(
        !html.contains("产业专班</dt>")
            && !html.contains("重新办理</dt>")
            && !html.contains("级督办</span>"),
        "{html}"
    );
    let staff_html = w
        .app
        .browser("kj")
        .await
        .get_text(&format!("/cases/{}", c["id"].as_str().unwrap()))
        .await;
    assert!(staff_html.contains("产业专班</dt>") && staff_html.contains("1级督办</span>"));
}

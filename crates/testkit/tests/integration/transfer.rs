//! Technology transfer and its capital through the API: projects through
//! reviewed stage gates to an incubated firm, grant-to-equity with its fund
//! pool, tiered loans with schedules, repayments and compensation,
//! technology contracts with turnover, import and export, permissions and
//! the OpenAPI document. Every figure is pinned; dates are explicit and in
//! the past unless a test is about "today".

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, DataType, Reader, Xlsx};
use chrono::NaiveDate;
use kechuang_domain::auth::Role;
use kechuang_testkit::{id, spawn_app, Api};
use serde_json::{json, Value};

use crate::{admin, code, create_org, location, refused, upload_xlsx};

fn i(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not an integer: {v}"))
}

/// Division rounded half up, for non-negative numbers.
fn half_up(num: i64, den: i64) -> i64 {
    num / den + i64::from(2 * (num % den) >= den)
}

/// Fen as a plain yuan amount for a draft: 12345 → "123.45".
fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

// ---------------------------------------------------------------------------
// Projects and stage gates
// ---------------------------------------------------------------------------

async fn create_project(api: &Api, title: &str, extra: Value) -> Value {
    let mut body = json!({ "title": title, "field": "集成电路", "trl": "4" });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (status, p) = api.post_json("/api/v1/transfer/projects", body).await;
    assert_eq!(status, 201, "{p}");
    p
}

async fn open_review(api: &Api, project: &str, criteria: &str) -> Value {
    let (status, r) = api
        .post_json(
            &format!("/api/v1/transfer/projects/{project}/reviews"),
            json!({ "criteria": criteria }),
        )
        .await;
    assert_eq!(status, 201, "{r}");
    r
}

async fn score(api: &Api, review: &str, body: Value) -> (u16, Value) {
    api.post_json(&format!("/api/v1/transfer/reviews/{review}/scores"), body)
        .await
}

async fn decide(api: &Api, review: &str, body: Value) -> (u16, Value) {
    api.post_json(&format!("/api/v1/transfer/reviews/{review}/decision"), body)
        .await
}

async fn project_detail(api: &Api, project: &str) -> Value {
    api.get_ok(&format!("/api/v1/transfer/projects/{project}"))
        .await
}

/// The current version of a review, from the project detail.
async fn review_version(api: &Api, project: &str, review: &str) -> i64 {
    let d = project_detail(api, project).await;
    let r = d["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["review"]["id"] == review)
        .expect("review in the detail");
    i(&r["review"]["version"])
}

#[tokio::test]
async fn project_moves_through_reviewed_gates_to_an_incubated_firm() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let uni = create_org(&api, "重庆大学", 501, json!({"kind": "university"})).await;
    let incubator = create_org(&api, "科学城众创孵化器", 502, json!({})).await;

    let p = create_project(
        &api,
        "车规级碳化硅功率模块封装技术",
        json!({
            "holder_org_id": uni["id"],
            "inventors": "张三：60；李四:40%",
            "patents": "zl202310123456.7",
            "manager": "王经理",
        }),
    )
    .await;
    assert_eq!(p["stage"], "screening");
    assert_eq!(p["state"], "active");
    assert_eq!(p["stage_label"], "项目筛选");
    assert_eq!(p["state_label"], "推进中");
    assert_eq!(p["holder_name"], "重庆大学");
    assert_eq!(p["inventors"], "张三:60;李四:40");
    assert_eq!(p["patents"], "ZL202310123456.7");
    assert_eq!(p["trl"], 4);
    assert_eq!(p["version"], 1);
    assert!(p["firm_org_id"].is_null());
    let pid = id(&p);
    // A second project stays in screening, for the funnel.
    create_project(&api, "固态电池电解质配方", json!({})).await;

    // Gate review of screening with three weighted criteria.
    let weights = [40i64, 30, 30];
    let review = open_review(&api, &pid, "技术先进性:40;市场前景:30;团队能力:30").await;
    assert_eq!(review["stage"], "screening");
    assert_eq!(review["status"], "open");
    assert!(review["score_tenths"].is_null());
    let rid = id(&review);
    // One open review per project.
    refused(
        api.post_json(
            &format!("/api/v1/transfer/projects/{pid}/reviews"),
            json!({}),
        )
        .await,
        422,
        "review_open",
    );

    let a = [85i64, 70, 90];
    let b = [77i64, 88, 65];
    let (status, s) = score(
        &api,
        &rid,
        json!({"expert_name": "赵专家", "expert_org": "重庆大学", "scores": "85,70,90"}),
    )
    .await;
    assert_eq!(status, 201, "{s}");
    assert_eq!(s["score_tenths"], 820, "(85·40+70·30+90·30)/100 = 82.0");
    assert_eq!(s["conflict"], false);
    let (status, s) = score(
        &api,
        &rid,
        json!({"expert_name": "钱专家", "scores": "77，88，65"}),
    )
    .await;
    assert_eq!(status, 201, "{s}");
    assert_eq!(s["score_tenths"], 767);
    // A declared conflict needs a note; the draft names the field.
    let body = refused(
        score(
            &api,
            &rid,
            json!({"expert_name": "孙专家", "conflict": true, "scores": "100,100,100"}),
        )
        .await,
        422,
        "invalid_input",
    );
    assert!(
        body["details"]["fields"]["conflict_note"].is_string(),
        "{body}"
    );
    let (status, s) = score(
        &api,
        &rid,
        json!({"expert_name": "孙专家", "conflict": true,
               "conflict_note": "系发明人张三的博士导师", "scores": "100,100,100"}),
    )
    .await;
    assert_eq!(status, 201, "{s}");
    assert_eq!(s["conflict"], true);
    // The same expert twice, and a score count that does not match the criteria.
    refused(
        score(
            &api,
            &rid,
            json!({"expert_name": "赵专家", "scores": "60,60,60"}),
        )
        .await,
        409,
        "duplicate_expert",
    );
    refused(
        score(
            &api,
            &rid,
            json!({"expert_name": "李专家", "scores": "60,60"}),
        )
        .await,
        422,
        "scores_mismatch",
    );

    // The review's score: the average of the two non-conflicted experts'
    // weighted scores, in tenths, rounded half up once at the end.
    let weighted = |s: &[i64; 3]| s.iter().zip(weights).map(|(s, w)| s * w).sum::<i64>();
    let wsum: i64 = weights.iter().sum();
    let expected = half_up((weighted(&a) + weighted(&b)) * 10, wsum * 2);
    assert_eq!(expected, 794, "(82.0 + 76.7) / 2 = 79.35 → 79.4");
    let with_conflicted = half_up((weighted(&a) + weighted(&b) + 100 * wsum) * 10, wsum * 3);
    let d = project_detail(&api, &pid).await;
    let r = &d["reviews"][0];
    assert_eq!(r["review"]["score_tenths"], expected);
    assert_ne!(r["review"]["score_tenths"], with_conflicted);
    assert_eq!(r["scores"].as_array().unwrap().len(), 3);
    assert_eq!(
        r["criteria"],
        json!([{"name": "技术先进性", "weight": 40}, {"name": "市场前景", "weight": 30},
               {"name": "团队能力", "weight": 30}])
    );
    let v = i(&r["review"]["version"]);
    assert_eq!(v, 4, "opened, then three scores recorded");

    // Decisions: reasons are required; skipping a stage needs a reason.
    let body = refused(
        decide(&api, &rid, json!({"decision": "advance", "version": v})).await,
        422,
        "invalid_input",
    );
    assert!(body["details"]["fields"]["reasons"].is_string(), "{body}");
    let skip = json!({"decision": "advance", "target_stage": "commercialisation",
                      "reasons": "技术成熟度高，已有意向受让企业", "version": v});
    refused(
        decide(&api, &rid, skip.clone()).await,
        422,
        "skip_needs_reason",
    );
    let mut with_reason = skip.clone();
    with_reason["override_reason"] = json!("已完成中试，概念验证可跳过");
    let mut stale = with_reason.clone();
    stale["version"] = json!(v - 1);
    refused(decide(&api, &rid, stale).await, 409, "stale_version");
    let (status, moved) = decide(&api, &rid, with_reason).await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["stage"], "commercialisation");
    assert_eq!(moved["stage_label"], "成果转化");
    assert_eq!(moved["state"], "active");
    let d = project_detail(&api, &pid).await;
    let r = &d["reviews"][0]["review"];
    assert_eq!(r["status"], "decided");
    assert_eq!(r["decision"], "advance");
    assert_eq!(r["target_stage"], "commercialisation");
    assert_eq!(r["override_reason"], "已完成中试，概念验证可跳过");
    assert_eq!(r["decided_by"], "admin");
    // A decided review takes no more decisions or scores.
    refused(
        decide(
            &api,
            &rid,
            json!({"decision": "hold", "reasons": "x", "version": r["version"]}),
        )
        .await,
        422,
        "review_closed",
    );
    refused(
        score(
            &api,
            &rid,
            json!({"expert_name": "周专家", "scores": "1,1,1"}),
        )
        .await,
        422,
        "review_closed",
    );

    // The commercialisation gate (default criteria, four of them) → incubation.
    let review = open_review(&api, &pid, "").await;
    assert_eq!(review["stage"], "commercialisation");
    assert_eq!(
        review["criteria"],
        "技术先进性:30;市场前景:30;团队能力:20;知识产权:20"
    );
    let rid2 = id(&review);
    let (status, s) = score(
        &api,
        &rid2,
        json!({"expert_name": "吴专家", "scores": "80,90,70,60"}),
    )
    .await;
    assert_eq!(status, 201, "{s}");
    assert_eq!(s["score_tenths"], 770, "(80·30+90·30+70·20+60·20)/100");
    let v = review_version(&api, &pid, &rid2).await;
    let (status, moved) = decide(
        &api,
        &rid2,
        json!({"decision": "advance", "reasons": "已签订许可合同，组建团队", "version": v}),
    )
    .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["stage"], "incubation");
    assert_eq!(moved["state"], "active");

    // Found the firm: a new enterprise in the register, with its incubator.
    let firm_body = json!({
        "name": "重庆碳化硅科技有限公司", "uscc": code(503), "legal_person": "张三",
        "incubator_org_id": incubator["id"], "incubated_on": "2025-03-01",
        "version": moved["version"],
    });
    let mut stale = firm_body.clone();
    stale["version"] = json!(i(&moved["version"]) - 1);
    refused(
        api.post_json(&format!("/api/v1/transfer/projects/{pid}/firm"), stale)
            .await,
        409,
        "stale_version",
    );
    let (status, founded) = api
        .post_json(
            &format!("/api/v1/transfer/projects/{pid}/firm"),
            firm_body.clone(),
        )
        .await;
    assert_eq!(status, 200, "{founded}");
    let firm_id = founded["firm_org_id"]
        .as_str()
        .expect("firm id")
        .to_string();
    assert_eq!(founded["incubator_org_id"], incubator["id"]);
    assert_eq!(founded["incubated_on"], "2025-03-01");
    assert_eq!(founded["firm_name"], "重庆碳化硅科技有限公司");
    assert_eq!(founded["incubator_name"], "科学城众创孵化器");
    let firm = api.get_ok(&format!("/api/v1/orgs/{firm_id}")).await;
    assert_eq!(firm["name"], "重庆碳化硅科技有限公司");
    assert_eq!(firm["kind"], "enterprise");
    assert_eq!(firm["uscc"], code(503));
    assert_eq!(firm["is_tech_sme"], true);
    assert!(firm["tags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t == "孵化企业"));
    let mut again = firm_body;
    again["version"] = founded["version"].clone();
    again["uscc"] = json!(code(504));
    refused(
        api.post_json(&format!("/api/v1/transfer/projects/{pid}/firm"), again)
            .await,
        422,
        "firm_exists",
    );

    // The stays: screening → commercialisation (proof of concept skipped) → incubation.
    let d = project_detail(&api, &pid).await;
    let stays = d["stages"].as_array().unwrap();
    let names: Vec<&str> = stays.iter().map(|s| s["stage"].as_str().unwrap()).collect();
    assert_eq!(names, ["screening", "commercialisation", "incubation"]);
    assert_eq!(stays[0]["stage_label"], "项目筛选");
    assert!(stays.iter().all(|s| s["entered_on"].is_string()), "{d}");
    assert_eq!(stays[0]["left_on"], stays[1]["entered_on"]);
    assert_eq!(stays[1]["left_on"], stays[2]["entered_on"]);
    assert!(stays[2]["left_on"].is_null());
    assert_eq!(stays[2]["entered_on"], d["project"]["stage_entered_on"]);
    assert!(stays.iter().all(|s| i(&s["days"]) >= 0));
    assert_eq!(d["reviews"].as_array().unwrap().len(), 2);

    // The funnel counts both projects where they are and where they have been.
    let funnel = api.get_ok("/api/v1/transfer/funnel").await;
    let row = |stage: &str| {
        funnel
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["stage"] == stage)
            .unwrap_or_else(|| panic!("{stage} in {funnel}"))
            .clone()
    };
    let stages: Vec<&str> = funnel
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["stage"].as_str().unwrap())
        .collect();
    assert_eq!(
        stages,
        [
            "screening",
            "proof_of_concept",
            "commercialisation",
            "incubation"
        ]
    );
    let r = row("incubation");
    assert_eq!(
        (r["active"].clone(), r["entered"].clone()),
        (json!(1), json!(1))
    );
    let r = row("screening");
    assert_eq!(
        (r["active"].clone(), r["entered"].clone()),
        (json!(1), json!(2))
    );
    let r = row("commercialisation");
    assert_eq!(
        (r["active"].clone(), r["entered"].clone()),
        (json!(0), json!(1))
    );
    let r = row("proof_of_concept");
    assert_eq!(
        (r["active"].clone(), r["entered"].clone()),
        (json!(0), json!(0))
    );
    assert!(r["avg_days"].is_null());
    // The list filters by stage.
    let page = api
        .get_ok("/api/v1/transfer/projects?stage=incubation")
        .await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["id"], pid.as_str());
    assert_eq!(page["items"][0]["firm_name"], "重庆碳化硅科技有限公司");
}

#[tokio::test]
async fn gates_refuse_unscored_advances_moving_back_without_reason_and_stopped_projects() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let p = create_project(&api, "高通量基因测序芯片", json!({})).await;
    let pid = id(&p);

    // Only a conflicted expert has scored: nothing counts, advancing is refused.
    let rid = id(&open_review(&api, &pid, "").await);
    let (status, _) = score(
        &api,
        &rid,
        json!({"expert_name": "郑专家", "conflict": true, "conflict_note": "曾在持有单位任职",
               "scores": "90,90,90,90"}),
    )
    .await;
    assert_eq!(status, 201);
    let d = project_detail(&api, &pid).await;
    assert!(d["reviews"][0]["review"]["score_tenths"].is_null());
    let v = review_version(&api, &pid, &rid).await;
    refused(
        decide(
            &api,
            &rid,
            json!({"decision": "advance", "reasons": "材料齐全", "version": v}),
        )
        .await,
        422,
        "gate_unscored",
    );
    // Hold takes no target; it needs no score.
    refused(
        decide(
            &api,
            &rid,
            json!({"decision": "hold", "target_stage": "proof_of_concept",
                                  "reasons": "补充材料", "version": v}),
        )
        .await,
        422,
        "target_not_allowed",
    );
    let (status, held) = decide(
        &api,
        &rid,
        json!({"decision": "hold", "reasons": "补充市场调研", "version": v}),
    )
    .await;
    assert_eq!(status, 200, "{held}");
    assert_eq!(
        (held["stage"].as_str(), held["state"].as_str()),
        (Some("screening"), Some("on_hold"))
    );

    // A new review advances the project on hold: it is active again.
    let rid = id(&open_review(&api, &pid, "").await);
    score(
        &api,
        &rid,
        json!({"expert_name": "王专家", "scores": "70,70,70,70"}),
    )
    .await;
    let v = review_version(&api, &pid, &rid).await;
    let (status, moved) = decide(
        &api,
        &rid,
        json!({"decision": "advance", "reasons": "补充材料后通过", "version": v}),
    )
    .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(
        (moved["stage"].as_str(), moved["state"].as_str()),
        (Some("proof_of_concept"), Some("active"))
    );

    // Moving back needs a reason; the current stage is no target.
    let rid = id(&open_review(&api, &pid, "").await);
    score(
        &api,
        &rid,
        json!({"expert_name": "冯专家", "scores": "50,50,50,50"}),
    )
    .await;
    let v = review_version(&api, &pid, &rid).await;
    let back = json!({"decision": "advance", "target_stage": "screening",
                      "reasons": "概念验证未达预期", "version": v});
    refused(
        decide(&api, &rid, back.clone()).await,
        422,
        "back_needs_reason",
    );
    refused(
        decide(
            &api,
            &rid,
            json!({"decision": "advance", "target_stage": "proof_of_concept",
                                  "reasons": "x", "version": v}),
        )
        .await,
        422,
        "same_stage",
    );
    let mut back = back;
    back["override_reason"] = json!("需重新筛选技术路线");
    let (status, moved) = decide(&api, &rid, back).await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["stage"], "screening");

    // Stop: no score needed; afterwards no review can be opened.
    let rid = id(&open_review(&api, &pid, "").await);
    let (status, stopped) = decide(
        &api,
        &rid,
        json!({"decision": "stop", "reasons": "技术路线被替代", "version": 1}),
    )
    .await;
    assert_eq!(status, 200, "{stopped}");
    assert_eq!(stopped["state"], "stopped");
    assert_eq!(stopped["state_label"], "终止");
    assert_eq!(stopped["stage"], "screening");
    refused(
        api.post_json(
            &format!("/api/v1/transfer/projects/{pid}/reviews"),
            json!({}),
        )
        .await,
        422,
        "project_stopped",
    );

    let d = project_detail(&api, &pid).await;
    let names: Vec<&str> = d["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["screening", "proof_of_concept", "screening"]);
    let decisions: Vec<&str> = d["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["review"]["decision"].as_str().unwrap())
        .collect();
    assert_eq!(decisions, ["hold", "advance", "advance", "stop"]);
    let funnel = api.get_ok("/api/v1/transfer/funnel").await;
    assert_eq!(funnel[0]["stage"], "screening");
    assert_eq!(funnel[0]["stopped"], 1);
    assert_eq!(funnel[0]["active"], 0);
    assert_eq!(funnel[0]["entered"], 1, "entered twice, counted once");
    assert_eq!(funnel[1]["entered"], 1);
    let page = api.get_ok("/api/v1/transfer/projects?state=stopped").await;
    assert_eq!(page["total"], 1);
}

// ---------------------------------------------------------------------------
// Grant-to-equity
// ---------------------------------------------------------------------------

async fn create_pool(api: &Api, name: &str, budget_yuan: &str) -> Value {
    let (status, pool) = api
        .post_json(
            "/api/v1/transfer/pools",
            json!({"name": name, "budget_yuan": budget_yuan}),
        )
        .await;
    assert_eq!(status, 201, "{pool}");
    pool
}

fn agreement(no: &str, pool: &Value, org: &Value, grant_yuan: &str) -> Value {
    json!({
        "agreement_no": no, "pool_id": pool["id"], "org_id": org["id"],
        "platform": "科学城科技成果转化投资有限公司", "grant_yuan": grant_yuan,
        "signed_on": "2021-01-15", "term_months": "36", "min_round_yuan": "5,000,000",
        "discount_percent": "20", "cap_percent": "5", "buyback_rate_percent": "5",
        "exit_start_months": "12", "exit_end_months": "60",
    })
}

async fn create_agreement(api: &Api, body: Value) -> Value {
    let (status, g) = api.post_json("/api/v1/transfer/grant-equity", body).await;
    assert_eq!(status, 201, "{g}");
    g
}

async fn tranche(api: &Api, g: &str, amount_yuan: &str, paid_on: &str) -> (u16, Value) {
    api.post_json(
        &format!("/api/v1/transfer/grant-equity/{g}/tranches"),
        json!({"amount_yuan": amount_yuan, "paid_on": paid_on}),
    )
    .await
}

async fn agreement_version(api: &Api, g: &str) -> i64 {
    i(&api
        .get_ok(&format!("/api/v1/transfer/grant-equity/{g}"))
        .await["agreement"]["version"])
}

/// The worked example's round: 50,000,000 yuan pre-money on 10,000,000 shares.
async fn round(api: &Api, g: &str, closed_on: &str, amount_yuan: &str) -> (u16, Value) {
    let version = agreement_version(api, g).await;
    api.post_json(
        &format!("/api/v1/transfer/grant-equity/{g}/round"),
        json!({"closed_on": closed_on, "pre_money_yuan": "50000000",
               "pre_money_shares": "10000000", "amount_yuan": amount_yuan,
               "investors": "科学城种子基金", "version": version}),
    )
    .await
}

async fn pool_row(api: &Api, pool: &Value) -> Value {
    api.get_ok("/api/v1/transfer/pools")
        .await
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == pool["id"])
        .expect("pool listed")
        .clone()
}

#[tokio::test]
async fn grant_converts_to_equity_on_a_qualifying_round_and_the_buyback_refills_the_pool() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let firm = create_org(&api, "重庆芯光科技有限公司", 601, json!({})).await;
    let budget_fen = 2_000_000_000;
    let pool = create_pool(&api, "科技成果转化引导资金", "20,000,000").await;
    assert_eq!(pool["budget_fen"], budget_fen);

    let g = create_agreement(&api, agreement("XTHG-2021-001", &pool, &firm, "2,000,000")).await;
    assert_eq!(g["grant_fen"], 200_000_000);
    assert_eq!(g["discount_permille"], 200);
    assert_eq!(g["cap_ppm"], 50_000);
    assert_eq!(g["min_round_fen"], 500_000_000);
    assert_eq!(g["buyback_rate_permille"], 50);
    assert_eq!(g["status"], "granted");
    assert_eq!(g["term_end"], "2024-01-15");
    assert_eq!(g["org_name"], "重庆芯光科技有限公司");
    assert_eq!(g["pool_name"], "科技成果转化引导资金");
    let gid = id(&g);
    refused(
        api.post_json(
            "/api/v1/transfer/grant-equity",
            agreement("XTHG-2021-001", &pool, &firm, "1"),
        )
        .await,
        409,
        "duplicate_agreement_no",
    );

    // Tranches up to the grant, never beyond.
    let (status, t) = tranche(&api, &gid, "1,200,000", "2021-03-01").await;
    assert_eq!(status, 201, "{t}");
    assert_eq!(t["amount_fen"], 120_000_000);
    assert_eq!(tranche(&api, &gid, "800000", "2021-09-01").await.0, 201);
    refused(
        tranche(&api, &gid, "0.01", "2021-10-01").await,
        422,
        "over_grant",
    );
    refused(
        tranche(&api, &gid, "1", "2021-01-14").await,
        422,
        "paid_before_signing",
    );
    let d = api
        .get_ok(&format!("/api/v1/transfer/grant-equity/{gid}"))
        .await;
    assert_eq!(d["agreement"]["disbursed_fen"], 200_000_000);
    assert_eq!(d["tranches"].as_array().unwrap().len(), 2);
    assert_eq!(d["tranches"][0]["paid_on"], "2021-03-01");
    assert_eq!(
        pool_row(&api, &pool).await["balance_fen"],
        budget_fen - 200_000_000
    );

    // Rounds that do not qualify change nothing.
    refused(
        round(&api, &gid, "2022-03-01", "4999999.99").await,
        422,
        "round_too_small",
    );
    refused(
        round(&api, &gid, "2024-01-16", "10000000").await,
        422,
        "round_after_term",
    );
    refused(
        round(&api, &gid, "2021-01-14", "10000000").await,
        422,
        "round_before_signing",
    );
    // The qualifying round: price 5 yuan, 4 yuan after the 20% concession,
    // 2,000,000 / 4 = 500,000 shares; 10,000,000 + 2,000,000 investor shares
    // + 500,000 → 4% (under the 5% cap).
    let (status, c) = round(&api, &gid, "2022-03-01", "10,000,000").await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["status"], "converted");
    assert_eq!(c["status_label"], "已转股");
    assert_eq!(c["conv_shares"], 500_000);
    assert_eq!(c["conv_stake_ppm"], 40_000);
    assert_eq!(c["conv_fen"], 200_000_000);
    assert_eq!(c["conv_price_e4"], 40_000);
    assert_eq!(c["round_closed_on"], "2022-03-01");
    assert_eq!(c["round_amount_fen"], 1_000_000_000);
    assert_eq!(c["round_pre_money_fen"], 5_000_000_000i64);
    assert_eq!(c["round_pre_shares"], 10_000_000);
    refused(
        tranche(&api, &gid, "1", "2022-04-01").await,
        422,
        "not_granting",
    );

    // Buyback only inside the window of months 12–60 after conversion.
    let version = agreement_version(&api, &gid).await;
    let exit = |on: &str| json!({"kind": "buyback", "on": on, "version": version});
    refused(
        api.post_json(
            &format!("/api/v1/transfer/grant-equity/{gid}/exit"),
            exit("2023-02-28"),
        )
        .await,
        422,
        "exit_outside_window",
    );
    refused(
        api.post_json(
            &format!("/api/v1/transfer/grant-equity/{gid}/exit"),
            exit("2027-03-02"),
        )
        .await,
        422,
        "exit_outside_window",
    );
    let (status, exited) = api
        .post_json(
            &format!("/api/v1/transfer/grant-equity/{gid}/exit"),
            exit("2024-03-01"),
        )
        .await;
    assert_eq!(status, 200, "{exited}");
    // Principal plus simple interest at 5% a year for 731 days (2024 is a leap year).
    let days = (date("2024-03-01") - date("2022-03-01")).num_days();
    assert_eq!(days, 731);
    let principal: i64 = 200_000_000;
    let proceeds = principal + principal * 50 * days / 365_000;
    assert_eq!(proceeds, 220_027_397);
    assert_eq!(exited["status"], "exited");
    assert_eq!(exited["exit_kind"], "buyback");
    assert_eq!(exited["exited_on"], "2024-03-01");
    assert_eq!(exited["exit_proceeds_fen"], proceeds);

    // A second agreement closes as a grant only after its term (the last day is still in it).
    let mut body = agreement("XTHG-2020-002", &pool, &firm, "1,000,000");
    body["signed_on"] = json!("2020-01-01");
    body["term_months"] = json!("12");
    let g2 = create_agreement(&api, body).await;
    assert_eq!(g2["term_end"], "2021-01-01");
    let g2id = id(&g2);
    assert_eq!(tranche(&api, &g2id, "300000", "2020-02-01").await.0, 201);
    let close = |on: &str, version: i64| json!({"on": on, "version": version});
    let v = agreement_version(&api, &g2id).await;
    refused(
        api.post_json(
            &format!("/api/v1/transfer/grant-equity/{g2id}/close"),
            close("2021-01-01", v),
        )
        .await,
        422,
        "term_not_over",
    );
    let (status, closed) = api
        .post_json(
            &format!("/api/v1/transfer/grant-equity/{g2id}/close"),
            close("2021-01-02", v),
        )
        .await;
    assert_eq!(status, 200, "{closed}");
    assert_eq!(closed["status"], "closed_grant");
    assert_eq!(closed["status_label"], "按资助结题");
    assert_eq!(closed["closed_on"], "2021-01-02");

    // The pool: budget − disbursed + proceeds.
    let disbursed = 200_000_000 + 30_000_000;
    let row = pool_row(&api, &pool).await;
    assert_eq!(row["granted_fen"], disbursed);
    assert_eq!(row["returned_fen"], proceeds);
    assert_eq!(row["balance_fen"], budget_fen - disbursed + proceeds);
    assert_eq!(row["agreements"], 2);
    assert_eq!(row["converted"], 1, "an exited agreement was converted");
    assert_eq!(row["exited"], 1);

    // A small pool: the 3% cap bites (worked example), then the pool runs dry.
    let small = create_pool(&api, "概念验证专项资金", "2,500,000").await;
    let mut body = agreement("XTHG-2021-003", &small, &firm, "2000000");
    body["cap_percent"] = json!("3");
    let g3 = create_agreement(&api, body).await;
    let g3id = id(&g3);
    assert_eq!(tranche(&api, &g3id, "2000000", "2021-02-01").await.0, 201);
    let (status, c) = round(&api, &g3id, "2022-03-01", "10000000").await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["conv_shares"], 371_134);
    assert_eq!(c["conv_fen"], 148_453_600, "1,484,536.00 yuan converted");
    assert_eq!(c["conv_stake_ppm"], 29_999);
    assert_eq!(c["conv_price_e4"], 40_000);
    let g4 = create_agreement(&api, agreement("XTHG-2021-004", &small, &firm, "1000000")).await;
    let body = refused(
        tranche(&api, &id(&g4), "600000", "2021-06-01").await,
        422,
        "pool_insufficient",
    );
    assert!(
        body["message"].as_str().unwrap().contains("500,000.00"),
        "{body}"
    );
    assert_eq!(tranche(&api, &id(&g4), "500000", "2021-06-01").await.0, 201);
    assert_eq!(pool_row(&api, &small).await["balance_fen"], 0);

    let t = api.get_ok("/api/v1/transfer/grant-equity/totals").await;
    assert_eq!(t["agreements"], 4);
    assert_eq!(
        t["grant_fen"],
        200_000_000 + 100_000_000 + 200_000_000 + 100_000_000
    );
    assert_eq!(t["disbursed_fen"], disbursed + 200_000_000 + 50_000_000);
    assert_eq!(t["converted"], 2);
    assert_eq!(t["converted_fen"], 200_000_000 + 148_453_600);
    assert_eq!(t["closed_grant"], 1);
    assert_eq!(t["exited"], 1);
    assert_eq!(t["proceeds_fen"], proceeds);
    let page = api
        .get_ok("/api/v1/transfer/grant-equity?status=converted")
        .await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["agreement_no"], "XTHG-2021-003");
}

// ---------------------------------------------------------------------------
// Tiered loans
// ---------------------------------------------------------------------------

async fn create_tier(api: &Api, body: Value) -> Value {
    let (status, t) = api.post_json("/api/v1/transfer/loan-tiers", body).await;
    assert_eq!(status, 201, "{t}");
    t
}

async fn apply_loan(
    api: &Api,
    no: &str,
    org: &Value,
    score: &str,
    yuan: &str,
    term: &str,
) -> Value {
    let (status, l) = api
        .post_json(
            "/api/v1/transfer/loans",
            json!({"loan_no": no, "org_id": org["id"], "score": score, "requested_yuan": yuan,
               "term_months": term, "bank": "重庆农村商业银行", "purpose": "研发投入",
               "applied_on": "2023-01-05"}),
        )
        .await;
    assert_eq!(status, 201, "{l}");
    l
}

async fn loan_detail(api: &Api, l: &str) -> Value {
    api.get_ok(&format!("/api/v1/transfer/loans/{l}")).await
}

async fn loan_step(api: &Api, l: &str, step: &str, body: Value) -> (u16, Value) {
    api.post_json(&format!("/api/v1/transfer/loans/{l}/{step}"), body)
        .await
}

/// Approve `yuan` and disburse on `on` ("" = today); returns the loan.
async fn approve_and_disburse(api: &Api, l: &Value, amount: &str, on: &str) -> Value {
    let lid = id(l);
    let (status, a) = loan_step(
        api,
        &lid,
        "decision",
        json!({"decision": "approve", "amount_yuan": amount, "on": on, "version": l["version"]}),
    )
    .await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["status"], "approved");
    let (status, d) = loan_step(
        api,
        &lid,
        "disburse",
        json!({"on": on, "version": a["version"]}),
    )
    .await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["status"], "repaying");
    d
}

async fn repay(api: &Api, l: &str, amount: &str, on: &str) -> (u16, Value) {
    let version = loan_detail(api, l).await["loan"]["version"].clone();
    loan_step(
        api,
        l,
        "repayments",
        json!({"amount_yuan": amount, "on": on, "version": version}),
    )
    .await
}

fn owed(detail: &Value) -> i64 {
    detail["installments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            i(&k["principal_fen"]) - i(&k["paid_principal_fen"]) + i(&k["interest_fen"])
                - i(&k["paid_interest_fen"])
        })
        .sum()
}

fn sum_of(detail: &Value, field: &str) -> i64 {
    detail["installments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| i(&k[field]))
        .sum()
}

#[tokio::test]
async fn tiered_loans_are_assessed_scheduled_repaid_and_compensated() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let sme_tier = create_tier(
        &api,
        json!({"name": "科技型中小企业", "min_level": "tech_sme", "limit_yuan": "2,000,000",
               "rate_percent": "4.35", "subsidy_percent": "1", "guarantee_percent": "50",
               "sort_order": "1"}),
    )
    .await;
    let zj_tier = create_tier(
        &api,
        json!({"name": "专精特新", "min_level": "specialized", "limit_yuan": "10000000",
               "rate_percent": "3.85", "subsidy_percent": "1.5", "guarantee_percent": "60",
               "sort_order": "2"}),
    )
    .await;
    assert_eq!(zj_tier["limit_fen"], 1_000_000_000);
    assert_eq!(zj_tier["rate_bps"], 385);
    assert_eq!(zj_tier["subsidy_bps"], 150);
    assert_eq!(zj_tier["guarantee_permille"], 600);
    assert_eq!(zj_tier["min_level"], "specialized");
    let score_tier = create_tier(
        &api,
        json!({"name": "创新积分贷", "min_score": "80", "limit_yuan": "3000000",
               "rate_percent": "4", "subsidy_percent": "1", "guarantee_percent": "70",
               "sort_order": "3"}),
    )
    .await;
    assert_eq!(score_tier["min_score"], 80);
    assert_eq!(score_tier["min_level"], "");
    let body = refused(
        api.post_json(
            "/api/v1/transfer/loan-tiers",
            json!({"name": "无门槛", "limit_yuan": "1", "rate_percent": "4"}),
        )
        .await,
        422,
        "invalid_input",
    );
    assert!(body["details"]["fields"]["min_level"].is_string(), "{body}");

    let zj = create_org(
        &api,
        "重庆精密传感有限公司",
        701,
        json!({"is_specialized": true}),
    )
    .await;
    let sme = create_org(
        &api,
        "重庆数智软件有限公司",
        702,
        json!({"is_tech_sme": true}),
    )
    .await;
    let plain = create_org(&api, "重庆普通贸易有限公司", 703, json!({})).await;
    let weak = create_org(&api, "重庆新创工作室有限公司", 704, json!({})).await;

    // Assessment: the best tier open to the firm by its ladder level or its score.
    let a = apply_loan(&api, "TDD-2024-001", &zj, "", "12,000,000", "12").await;
    assert_eq!(a["status"], "applied");
    assert_eq!(a["tier_id"], zj_tier["id"], "专精特新 beats 科技型中小企业");
    assert_eq!(a["tier_name"], "专精特新");
    assert_eq!(a["ladder"], "specialized");
    assert_eq!(a["ladder_label"], "专精特新中小企业");
    assert_eq!(a["rate_bps"], 385);
    assert_eq!(a["requested_fen"], 1_200_000_000);
    let b = apply_loan(&api, "TDD-2023-002", &plain, "85", "600000", "12").await;
    assert_eq!(b["status"], "applied");
    assert_eq!(b["tier_id"], score_tier["id"]);
    assert_eq!(b["ladder"], "");
    assert_eq!(b["guarantee_permille"], 700);
    let c = apply_loan(&api, "TDD-2024-003", &sme, "", "500000", "6").await;
    assert_eq!(c["tier_id"], sme_tier["id"]);
    assert_eq!(c["ladder"], "tech_sme");
    let r = apply_loan(&api, "TDD-2024-004", &weak, "10", "300000", "12").await;
    assert_eq!(r["status"], "rejected");
    assert!(r["tier_id"].is_null());
    assert_eq!(r["decided_on"], "2023-01-05");
    assert!(!r["note"].as_str().unwrap().is_empty());
    refused(
        api.post_json(
            "/api/v1/transfer/loans",
            json!({"loan_no": "TDD-2024-001", "org_id": zj["id"], "requested_yuan": "1",
                   "term_months": "12", "bank": "某银行"}),
        )
        .await,
        409,
        "duplicate_loan_no",
    );

    // Approval up to the tier's limit.
    let aid = id(&a);
    refused(
        loan_step(
            &api,
            &aid,
            "decision",
            json!({"decision": "approve", "amount_yuan": "10000000.01", "on": "2024-01-10",
                   "version": a["version"]}),
        )
        .await,
        422,
        "over_limit",
    );
    let rid = id(&r);
    refused(
        loan_step(
            &api,
            &rid,
            "decision",
            json!({"decision": "approve", "amount_yuan": "1", "version": r["version"]}),
        )
        .await,
        422,
        "loan_state",
    );

    // 1,200,000 yuan over 12 months at 3.85%, equal principal.
    let disbursed = approve_and_disburse(&api, &a, "1200000", "2024-01-15").await;
    assert_eq!(disbursed["amount_fen"], 120_000_000);
    assert_eq!(disbursed["disbursed_on"], "2024-01-15");
    let d = loan_detail(&api, &aid).await;
    let ks = d["installments"].as_array().unwrap();
    assert_eq!(ks.len(), 12);
    assert_eq!(sum_of(&d, "principal_fen"), 120_000_000);
    assert!(
        ks.iter().all(|k| k["principal_fen"] == 10_000_000),
        "100,000 yuan each"
    );
    assert_eq!(ks[0]["seq"], 1);
    assert_eq!(ks[0]["due_on"], "2024-02-15");
    assert_eq!(ks[11]["due_on"], "2025-01-15");
    // First interest: 1,200,000 × 3.85% / 12 = 3,850 yuan; subsidy 1.5% / 12 = 1,500 yuan.
    assert_eq!(ks[0]["interest_fen"], 385_000);
    assert_eq!(ks[0]["subsidy_fen"], 150_000);
    // Then on the falling balance, each rounded half up: 1,100,000 × 3.85% / 12 = 3,529.1666…
    assert_eq!(ks[1]["interest_fen"], 352_917);
    let interest: i64 = (1..=12)
        .map(|k| half_up(k * 10_000_000 * 385, 120_000))
        .sum();
    assert_eq!(sum_of(&d, "interest_fen"), interest);
    let subsidy_a: i64 = (1..=12)
        .map(|k| half_up(k * 10_000_000 * 150, 120_000))
        .sum();
    assert_eq!(sum_of(&d, "subsidy_fen"), subsidy_a);
    assert_eq!(d["outstanding_fen"], 120_000_000);

    // Interest first: 50,000 yuan pays installment 1's interest, the rest goes to principal.
    let (status, l) = repay(&api, &aid, "50000", "2024-02-10").await;
    assert_eq!(status, 200, "{l}");
    assert_eq!(l["status"], "repaying");
    let d = loan_detail(&api, &aid).await;
    let k1 = &d["installments"][0];
    assert_eq!(k1["paid_interest_fen"], 385_000);
    assert_eq!(k1["paid_principal_fen"], 5_000_000 - 385_000);
    assert!(k1["settled_on"].is_null());
    assert_eq!(d["installments"][1]["paid_interest_fen"], 0);
    assert_eq!(d["outstanding_fen"], 120_000_000 - 4_615_000);
    assert_eq!(d["repayments"].as_array().unwrap().len(), 1);
    assert_eq!(d["repayments"][0]["amount_fen"], 5_000_000);
    // Not before the disbursement, and never more than is owed.
    refused(
        repay(&api, &aid, "1", "2024-01-14").await,
        422,
        "repaid_before_disbursed",
    );
    let left = owed(&d);
    assert_eq!(left, 120_000_000 + interest - 5_000_000);
    refused(
        repay(&api, &aid, &yuan(left + 1), "2024-03-15").await,
        422,
        "overpaid",
    );
    let (status, l) = repay(&api, &aid, &yuan(left), "2024-03-15").await;
    assert_eq!(status, 200, "{l}");
    assert_eq!(l["status"], "repaid");
    assert_eq!(l["overdue"], false);
    let d = loan_detail(&api, &aid).await;
    assert_eq!(d["outstanding_fen"], 0);
    assert!(d["installments"]
        .as_array()
        .unwrap()
        .iter()
        .all(|k| k["settled_on"] == "2024-03-15"));
    refused(
        repay(&api, &aid, "1", "2024-03-16").await,
        422,
        "loan_state",
    );

    // A loan disbursed more than a year ago, one installment paid: overdue.
    let bid = id(&b);
    approve_and_disburse(&api, &b, "600000", "2023-01-10").await;
    // Installment 1: 50,000 principal + 600,000 × 4% / 12 = 2,000 interest.
    let (status, _) = repay(&api, &bid, "52000", "2023-02-10").await;
    assert_eq!(status, 200);
    let d = loan_detail(&api, &bid).await;
    assert_eq!(d["installments"][0]["settled_on"], "2023-02-10");
    assert!(d["installments"][1]["settled_on"].is_null());
    // A loan disbursed today: nothing is due yet.
    let cid = id(&c);
    let fresh = approve_and_disburse(&api, &c, "500000", "").await;
    assert_eq!(fresh["overdue"], false);

    let page = api.get_ok("/api/v1/transfer/loans?overdue=true").await;
    assert_eq!(page["total"], 1, "{page}");
    assert_eq!(page["items"][0]["loan_no"], "TDD-2023-002");
    assert_eq!(page["items"][0]["overdue"], true);
    assert_eq!(page["items"][0]["org_name"], "重庆普通贸易有限公司");
    refused(
        Api::json(api.get("/api/v1/transfer/loans?overdue=maybe")).await,
        400,
        "invalid_query",
    );

    // Compensation: the tier's guaranteed share of the principal still owed.
    let c_version = loan_detail(&api, &cid).await["loan"]["version"].clone();
    refused(
        loan_step(
            &api,
            &cid,
            "compensate",
            json!({"on": "", "version": c_version}),
        )
        .await,
        422,
        "not_overdue",
    );
    let outstanding = sum_of(&d, "principal_fen") - sum_of(&d, "paid_principal_fen");
    assert_eq!(outstanding, 55_000_000);
    let (status, comp) = loan_step(
        &api,
        &bid,
        "compensate",
        json!({"on": "2024-03-01", "version": d["loan"]["version"]}),
    )
    .await;
    assert_eq!(status, 200, "{comp}");
    assert_eq!(comp["status"], "compensated");
    assert_eq!(comp["compensated_fen"], half_up(outstanding * 700, 1000));
    assert_eq!(comp["compensated_fen"], 38_500_000, "550,000 × 70%");
    assert_eq!(comp["overdue"], false);
    let page = api.get_ok("/api/v1/transfer/loans?overdue=true").await;
    assert_eq!(page["total"], 0, "a compensated loan is no longer overdue");
    let page = api
        .get_ok("/api/v1/transfer/loans?status=compensated")
        .await;
    assert_eq!(page["total"], 1);

    // Totals per tier, the last row adding them up.
    let subsidy_b = sum_of(&loan_detail(&api, &bid).await, "subsidy_fen");
    let subsidy_c = sum_of(&loan_detail(&api, &cid).await, "subsidy_fen");
    let rows = api.get_ok("/api/v1/transfer/loans/totals").await;
    let rows = rows.as_array().unwrap();
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["tier_name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "科技型中小企业",
            "专精特新",
            "创新积分贷",
            "未达准入条件",
            "合计"
        ]
    );
    let (tiers, total) = rows.split_at(4);
    let total = &total[0];
    assert!(total["tier_id"].is_null());
    for field in [
        "applications",
        "firms",
        "loans",
        "disbursed_fen",
        "outstanding_fen",
        "overdue_loans",
        "compensated_fen",
        "subsidy_fen",
    ] {
        let sum: i64 = tiers.iter().map(|r| i(&r[field])).sum();
        assert_eq!(i(&total[field]), sum, "合计 {field}: {rows:?}");
    }
    // The application no tier was open to has its own row; every row adds up.
    let per_row: Vec<i64> = tiers.iter().map(|r| i(&r["applications"])).collect();
    assert_eq!(per_row.iter().sum::<i64>(), i(&total["applications"]));
    assert_eq!(tiers[3]["applications"], 1);
    assert_eq!(total["loans"], 3);
    assert_eq!(total["firms"], 3);
    assert_eq!(
        total["disbursed_fen"],
        120_000_000 + 60_000_000 + 50_000_000
    );
    assert_eq!(
        total["outstanding_fen"], 50_000_000,
        "only the fresh loan is owed"
    );
    assert_eq!(total["overdue_loans"], 0);
    assert_eq!(total["compensated_fen"], 38_500_000);
    assert_eq!(total["subsidy_fen"], subsidy_a + subsidy_b + subsidy_c);
    assert_eq!(tiers[1]["disbursed_fen"], 120_000_000);
    assert_eq!(tiers[1]["subsidy_fen"], subsidy_a);
    assert_eq!(tiers[2]["compensated_fen"], 38_500_000);
    assert_eq!(tiers[0]["outstanding_fen"], 50_000_000);
}

// ---------------------------------------------------------------------------
// Technology contracts
// ---------------------------------------------------------------------------

fn contract(no: &str, amount: &str, signed: &str, registered: &str) -> Value {
    json!({
        "contract_no": no, "title": format!("技术开发合同{no}"), "kind": "development",
        "seller_name": "重庆大学", "buyer_name": "重庆示例科技有限公司",
        "amount_yuan": amount, "signed_on": signed, "registered_on": registered,
    })
}

async fn register(api: &Api, body: Value) -> Value {
    let (status, c) = api.post_json("/api/v1/transfer/contracts", body).await;
    assert_eq!(status, 201, "{c}");
    c
}

/// Year-on-year growth in per mille, rounded half up (positive growth only).
fn growth(cur: i64, prev: i64) -> i64 {
    half_up((cur - prev) * 1000, prev)
}

/// A workbook from cells: strings as text, numbers as numbers, "date:Y-M-D" as a real date.
fn xlsx(rows: &[Vec<Value>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let date_format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match v {
                Value::Number(n) => {
                    ws.write_number(r, c, n.as_f64().unwrap()).unwrap();
                }
                Value::String(s) if s.starts_with("date:") => {
                    let d = date(&s[5..]);
                    use chrono::Datelike;
                    let dt = rust_xlsxwriter::ExcelDateTime::from_ymd(
                        d.year() as u16,
                        d.month() as u8,
                        d.day() as u8,
                    )
                    .unwrap();
                    ws.write_datetime_with_format(r, c, &dt, &date_format)
                        .unwrap();
                }
                Value::String(s) => {
                    ws.write_string(r, c, s).unwrap();
                }
                _ => {}
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

async fn upload(api: &Api, bytes: Vec<u8>) -> (u16, Value) {
    upload_xlsx(api, "/api/v1/transfer/contracts/import", bytes).await
}

const HEADER: [&str; 10] = [
    "登记编号",
    "合同名称",
    "合同类型",
    "卖方",
    "买方",
    "合同成交额（元）",
    "技术交易额（元）",
    "签订日期",
    "登记日期",
    "产业链",
];

#[tokio::test]
async fn contract_turnover_grows_and_excel_import_is_all_or_nothing() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    register(
        &api,
        contract("2020500001000001", "1000000", "2020-03-01", "2020-03-20"),
    )
    .await;
    register(
        &api,
        contract("2021500001000001", "1200000", "2021-04-01", "2021-04-10"),
    )
    .await;
    // Registered in 2021, signed in 2020: it counts for 2021.
    let mut late = contract("2021500001000002", "300000", "2020-12-20", "2021-01-05");
    late["tech_amount_yuan"] = json!("200000");
    late["kind"] = json!("技术转让");
    let c = register(&api, late).await;
    assert_eq!(c["year"], 2021);
    assert_eq!(c["kind"], "transfer");
    assert_eq!(c["kind_label"], "技术转让");
    assert_eq!(c["tech_amount_fen"], 20_000_000);
    register(
        &api,
        contract("2022500001000001", "1,800,000", "2022-05-01", "2022-05-09"),
    )
    .await;
    register(
        &api,
        contract("2023500001000001", "2000000", "2023-06-01", "2023-06-02"),
    )
    .await;
    register(
        &api,
        contract("2023500001000002", "250000.50", "2023-07-01", "2023-07-02"),
    )
    .await;
    let c = register(
        &api,
        contract("2024500001000001", "3000000", "2024-06-01", "2024-06-30"),
    )
    .await;
    assert_eq!(c["amount_fen"], 300_000_000);
    assert_eq!(
        c["tech_amount_fen"], 300_000_000,
        "blank tech amount = amount"
    );

    // Refusals.
    let mut bad = contract("2024500001000009", "100000", "2024-01-01", "2024-01-02");
    bad["tech_amount_yuan"] = json!("100000.01");
    let body = refused(
        api.post_json("/api/v1/transfer/contracts", bad).await,
        422,
        "invalid_input",
    );
    assert!(
        body["details"]["fields"]["tech_amount_yuan"].is_string(),
        "{body}"
    );
    refused(
        api.post_json(
            "/api/v1/transfer/contracts",
            contract("2024500001000001", "1", "2024-01-01", "2024-01-02"),
        )
        .await,
        409,
        "duplicate_contract_no",
    );

    // Turnover by registration year, with growth and the growth streak.
    let years = [
        (2020, 100_000_000i64, 100_000_000i64, 1u64),
        (2021, 150_000_000, 140_000_000, 2),
        (2022, 180_000_000, 180_000_000, 1),
        (2023, 225_000_050, 225_000_050, 2),
        (2024, 300_000_000, 300_000_000, 1),
    ];
    let check = |t: &Value, years: &[(i32, i64, i64, u64)]| {
        let rows = t.as_array().unwrap();
        assert_eq!(rows.len(), years.len(), "{t}");
        for (k, (row, (year, fen, tech, n))) in rows.iter().zip(years).enumerate() {
            assert_eq!(row["year"], *year);
            assert_eq!(row["amount_fen"], *fen, "{year}");
            assert_eq!(row["tech_amount_fen"], *tech, "{year}");
            assert_eq!(row["contracts"], *n, "{year}");
            if k == 0 {
                assert!(row["growth_permille"].is_null());
                assert_eq!(row["growth_streak"], 0);
            } else {
                assert_eq!(
                    row["growth_permille"],
                    growth(*fen, years[k - 1].1),
                    "{year}"
                );
                assert_eq!(row["growth_streak"], k as u64, "{year}");
            }
        }
    };
    let t = api.get_ok("/api/v1/transfer/contracts/turnover").await;
    check(&t, &years);
    let permille: Vec<i64> = t.as_array().unwrap()[1..]
        .iter()
        .map(|r| i(&r["growth_permille"]))
        .collect();
    assert_eq!(permille, [500, 200, 250, 333]);
    assert_eq!(t[4]["growth_streak"], 4);
    assert_eq!(t[1]["growth"], "+50.0%");
    assert_eq!(t[4]["growth"], "+33.3%");

    // Import: every problem is reported by row and column, nothing is written.
    let header: Vec<Value> = HEADER.iter().map(|h| json!(h)).collect();
    let row = |no: &str,
               kind: &str,
               amount: Value,
               tech: Value,
               signed: &str,
               registered: &str,
               chain: &str| {
        vec![
            json!(no),
            json!(format!("导入合同{no}")),
            json!(kind),
            json!("重庆邮电大学"),
            json!("重庆导入科技有限公司"),
            amount,
            tech,
            json!(signed),
            json!(registered),
            json!(chain),
        ]
    };
    let good1 = row(
        "2024500001000101",
        "技术服务",
        json!(1_500_000),
        json!(""),
        "2024-02-01",
        "date:2024-02-20",
        "",
    );
    let good2 = row(
        "2024500001000102",
        "技术许可",
        json!("800,000.00"),
        json!("600000"),
        "2024/3/1",
        "2024年3月5日",
        "",
    );
    let bad_rows = vec![
        header.clone(),
        good1.clone(),
        row(
            "2024500001000103",
            "火星合同",
            json!("abc"),
            json!(""),
            "2024-03-01",
            "2024-02-01",
            "",
        ),
        row(
            "2024500001000101",
            "技术开发",
            json!("1000"),
            json!(""),
            "2024-04-01",
            "2024-04-02",
            "不存在的产业链",
        ),
        good2.clone(),
    ];
    let (status, body) = upload(&api, xlsx(&bad_rows)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "import_invalid");
    let cells: Vec<(u64, &str)> = body["details"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["row"].as_u64().unwrap(), p["column"].as_str().unwrap()))
        .collect();
    for expected in [
        (3, "合同类型"),
        (3, "合同成交额（元）"),
        (4, "登记编号"),
        (4, "产业链"),
    ] {
        assert!(
            cells.contains(&expected),
            "missing {expected:?} in {cells:?}"
        );
    }
    assert!(
        cells.iter().all(|(r, _)| *r == 3 || *r == 4),
        "good rows have no problems: {cells:?}"
    );
    let page = api.get_ok("/api/v1/transfer/contracts?year=2024").await;
    assert_eq!(page["total"], 1, "nothing is imported when any row is bad");

    // A number already registered is caught when writing, whole file rolled back.
    let taken = row(
        "2024500001000001",
        "技术开发",
        json!("1000"),
        json!(""),
        "2024-04-01",
        "2024-04-02",
        "",
    );
    let (status, body) = upload(&api, xlsx(&[header.clone(), good1.clone(), taken])).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "import_invalid");
    assert_eq!(body["details"]["problems"][0]["row"], 3);
    assert_eq!(body["details"]["problems"][0]["column"], "登记编号");
    assert_eq!(
        api.get_ok("/api/v1/transfer/contracts?year=2024").await["total"],
        1
    );

    let (status, body) = upload(&api, xlsx(&[header.clone(), good1, good2])).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["imported"], 2);
    let page = api
        .get_ok("/api/v1/transfer/contracts?year=2024&sort=contract_no")
        .await;
    assert_eq!(page["total"], 3);
    let imported = &page["items"][1];
    assert_eq!(imported["contract_no"], "2024500001000101");
    assert_eq!(imported["kind"], "service");
    assert_eq!(imported["amount_fen"], 150_000_000);
    assert_eq!(imported["tech_amount_fen"], 150_000_000);
    assert_eq!(imported["registered_on"], "2024-02-20");
    let imported = &page["items"][2];
    assert_eq!(imported["kind"], "licence");
    assert_eq!(imported["amount_fen"], 80_000_000);
    assert_eq!(imported["tech_amount_fen"], 60_000_000);
    assert_eq!(imported["signed_on"], "2024-03-01");
    assert_eq!(imported["registered_on"], "2024-03-05");

    // 2024 now holds 3,000,000 + 1,500,000 + 800,000.
    let mut after = years;
    after[4] = (2024, 530_000_000, 510_000_000, 3);
    check(
        &api.get_ok("/api/v1/transfer/contracts/turnover").await,
        &after,
    );

    // The export of 2024 reads back with a real reader, newest registration first.
    let res = api
        .get("/api/v1/transfer/contracts/export?year=2024")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("filename*=UTF-8''"));
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(crate::cell_text).collect())
        .collect();
    assert_eq!(rows.len(), 4, "header + three 2024 contracts: {rows:?}");
    assert_eq!(rows[0], HEADER);
    let nos: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        nos,
        ["2024500001000001", "2024500001000102", "2024500001000101"]
    );
    assert_eq!(
        rows[1][1..9],
        [
            "技术开发合同2024500001000001",
            "技术开发",
            "重庆大学",
            "重庆示例科技有限公司",
            "3000000",
            "3000000",
            "2024-06-01",
            "2024-06-30",
        ]
    );
    assert_eq!(rows[2][2], "技术许可");
    // Amounts are numbers in yuan, dates are dates.
    assert_eq!(range.get((2, 5)), Some(&Data::Float(800_000.0)));
    assert_eq!(range.get((2, 6)), Some(&Data::Float(600_000.0)));
    assert_eq!(
        range.get((3, 8)).and_then(|d| d.as_date()),
        Some(date("2024-02-20"))
    );
    // The export is the import template: re-importing the file itself is
    // refused whole, the numbers are taken.
    let (status, body) = upload(&api, bytes).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("import_invalid")),
        "{body}"
    );
    assert_eq!(body["details"]["problems"][0]["column"], "登记编号");
}

// ---------------------------------------------------------------------------
// Permissions and the OpenAPI document
// ---------------------------------------------------------------------------

#[tokio::test]
async fn transfer_permissions_follow_the_roles() {
    let app = spawn_app().await;
    let api = admin(&app).await;
    let firm = create_org(&api, "重庆权限测试有限公司", 801, json!({})).await;
    // The science bureau runs funding (资金业务); other departments do not.
    let (_, dep) = api
        .post_json(
            "/api/v1/departments",
            json!({"name": "科技创新局", "code": "KJ", "funding": true}),
        )
        .await;
    let enterprise = app
        .api_client("qiye", Role::Enterprise, None, Some(id(&firm)))
        .await;
    let broker = app.api_client("jingjiren", Role::Broker, None, None).await;
    let clerk = app
        .api_client("kjj", Role::Department, Some(id(&dep)), None)
        .await;

    // Enterprises see nothing of the area.
    for path in [
        "/api/v1/transfer/projects",
        "/api/v1/transfer/funnel",
        "/api/v1/transfer/pools",
        "/api/v1/transfer/loans",
        "/api/v1/transfer/contracts/turnover",
    ] {
        refused(Api::json(enterprise.get(path)).await, 403, "forbidden");
    }
    refused(
        enterprise
            .post_json(
                "/api/v1/transfer/projects",
                json!({"title": "x", "trl": "3"}),
            )
            .await,
        403,
        "forbidden",
    );

    // A technology broker works projects and contracts, not the money.
    let p = create_project(&broker, "经纪人登记的项目", json!({})).await;
    assert_eq!(p["stage"], "screening");
    register(
        &broker,
        contract("2024500001000801", "100000", "2024-01-01", "2024-01-02"),
    )
    .await;
    assert_eq!(broker.get_ok("/api/v1/transfer/projects").await["total"], 1);
    refused(
        broker
            .post_json(
                "/api/v1/transfer/pools",
                json!({"name": "经纪人资金池", "budget_yuan": "100"}),
            )
            .await,
        403,
        "forbidden",
    );
    let pool = create_pool(&api, "管理员资金池", "1000000").await;
    refused(
        broker
            .post_json(
                "/api/v1/transfer/grant-equity",
                agreement("XTHG-B-001", &pool, &firm, "100000"),
            )
            .await,
        403,
        "forbidden",
    );
    refused(
        broker
            .post_json(
                "/api/v1/transfer/loan-tiers",
                json!({"name": "t", "min_score": "1", "limit_yuan": "1", "rate_percent": "1"}),
            )
            .await,
        403,
        "forbidden",
    );

    // The science and technology bureau runs the funding programmes.
    let pool = create_pool(&clerk, "科技局资金池", "1000000").await;
    assert_eq!(pool["budget_fen"], 100_000_000);
    let g = create_agreement(&clerk, agreement("XTHG-K-001", &pool, &firm, "100000")).await;
    assert_eq!(g["status"], "granted");
    let (status, _) = tranche(&clerk, &id(&g), "100000", "2021-02-01").await;
    assert_eq!(status, 201);
    refused(
        tranche(&broker, &id(&g), "1", "2021-02-02").await,
        403,
        "forbidden",
    );
    // Everyone with the area reads the programme.
    assert_eq!(
        broker.get_ok("/api/v1/transfer/grant-equity").await["total"],
        1
    );
}

#[tokio::test]
async fn openapi_lists_the_transfer_routes_under_their_tag() {
    let app = spawn_app().await;
    let doc: Value = reqwest::get(app.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths = doc["paths"].as_object().unwrap();
    let expected = [
        ("/api/v1/transfer/projects", vec!["get", "post"]),
        ("/api/v1/transfer/projects/export", vec!["get"]),
        ("/api/v1/transfer/projects/import", vec!["post"]),
        ("/api/v1/transfer/projects/import/template", vec!["get"]),
        ("/api/v1/transfer/projects/{id}", vec!["get", "put"]),
        ("/api/v1/transfer/projects/{id}/reviews", vec!["post"]),
        ("/api/v1/transfer/projects/{id}/firm", vec!["post"]),
        ("/api/v1/transfer/projects/{id}/graduate", vec!["post"]),
        ("/api/v1/transfer/reviews/{id}/scores", vec!["post"]),
        ("/api/v1/transfer/reviews/{id}/decision", vec!["post"]),
        ("/api/v1/transfer/funnel", vec!["get"]),
        ("/api/v1/transfer/pools", vec!["get", "post"]),
        ("/api/v1/transfer/grant-equity", vec!["get", "post"]),
        ("/api/v1/transfer/grant-equity/export", vec!["get"]),
        ("/api/v1/transfer/grant-equity/totals", vec!["get"]),
        ("/api/v1/transfer/grant-equity/{id}", vec!["get"]),
        ("/api/v1/transfer/grant-equity/{id}/tranches", vec!["post"]),
        ("/api/v1/transfer/grant-equity/{id}/round", vec!["post"]),
        ("/api/v1/transfer/grant-equity/{id}/close", vec!["post"]),
        ("/api/v1/transfer/grant-equity/{id}/exit", vec!["post"]),
        ("/api/v1/transfer/grant-equity-applications", vec!["get"]),
        (
            "/api/v1/transfer/grant-equity-applications/export",
            vec!["get"],
        ),
        (
            "/api/v1/transfer/grant-equity-applications/{id}",
            vec!["get"],
        ),
        (
            "/api/v1/transfer/grant-equity-applications/{id}/decision",
            vec!["post"],
        ),
        (
            "/api/v1/transfer/grant-equity-applications/{id}/documents",
            vec!["post"],
        ),
        (
            "/api/v1/transfer/grant-equity-applications/{id}/documents/{document_id}",
            vec!["get"],
        ),
        ("/api/v1/transfer/loan-tiers", vec!["get", "post"]),
        ("/api/v1/transfer/loan-tiers/{id}", vec!["put"]),
        ("/api/v1/transfer/loan-tiers/export", vec!["get"]),
        ("/api/v1/transfer/loan-tiers/import", vec!["post"]),
        ("/api/v1/transfer/loan-tiers/import/template", vec!["get"]),
        ("/api/v1/transfer/loans", vec!["get", "post"]),
        ("/api/v1/transfer/loans/export", vec!["get"]),
        ("/api/v1/transfer/loans/totals", vec!["get"]),
        ("/api/v1/transfer/loans/{id}", vec!["get"]),
        ("/api/v1/transfer/loans/{id}/decision", vec!["post"]),
        ("/api/v1/transfer/loans/{id}/disburse", vec!["post"]),
        ("/api/v1/transfer/loans/{id}/repayments", vec!["post"]),
        ("/api/v1/transfer/loans/{id}/compensate", vec!["post"]),
        ("/api/v1/transfer/loans/{id}/documents", vec!["post"]),
        (
            "/api/v1/transfer/loans/{id}/documents/{document_id}",
            vec!["get"],
        ),
        ("/api/v1/transfer/contracts", vec!["get", "post"]),
        ("/api/v1/transfer/contracts/export", vec!["get"]),
        ("/api/v1/transfer/contracts/import", vec!["post"]),
        ("/api/v1/transfer/contracts/import/template", vec!["get"]),
        ("/api/v1/transfer/contracts/turnover", vec!["get"]),
        ("/api/v1/transfer/contracts/{id}", vec!["get", "put"]),
    ];
    for (path, methods) in &expected {
        let ops = paths
            .get(*path)
            .unwrap_or_else(|| panic!("{path} missing from OpenAPI"));
        for m in methods {
            assert!(ops.get(*m).is_some(), "{m} {path} missing");
        }
    }
    let transfer: Vec<(&String, &Value)> = paths
        .iter()
        .filter(|(p, _)| p.starts_with("/api/v1/transfer/"))
        .collect();
    assert_eq!(
        transfer.len(),
        expected.len(),
        "every transfer path is pinned"
    );
    for (path, ops) in transfer {
        for (method, op) in ops.as_object().unwrap() {
            assert_eq!(op["tags"], json!(["transfer"]), "{method} {path}");
            assert!(
                op["responses"].as_object().is_some_and(|r| !r.is_empty()),
                "{method} {path} has no responses"
            );
        }
    }
    // Drafts are documented with amounts as strings in yuan.
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["AgreementDraft"]["properties"]["grant_yuan"]["type"],
        "string"
    );
    assert_eq!(
        schemas["ContractDraft"]["properties"]["amount_yuan"]["type"],
        "string"
    );
}

#[tokio::test]
async fn transfer_pages_keep_rejected_input_beside_its_field_and_show_the_figures() {
    let app = spawn_app().await;
    app.user("bureau", Role::Admin, None, None).await;
    let b = app.browser("bureau").await;
    // Every page of the area opens.
    for path in [
        "/transfer",
        "/transfer/projects",
        "/transfer/grant-equity",
        "/transfer/loans",
        "/transfer/contracts",
    ] {
        assert_eq!(b.get(path).await.status(), 200, "{path}");
    }
    // A project with a bad TRL comes back with the message and the typed title.
    let res = b
        .post_form(
            "/transfer/projects",
            &[("title", "硅光互连高速收发芯片"), ("trl", "12")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("技术成熟度（TRL）请填写 1～9 之间的整数"));
    assert!(html.contains("value=\"硅光互连高速收发芯片\""));
    // Corrected, it is created and its page opens in screening.
    let res = b
        .post_form(
            "/transfer/projects",
            &[("title", "硅光互连高速收发芯片"), ("trl", "4")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let to = location(&res);
    let project = to
        .strip_prefix("/transfer/projects/")
        .and_then(|r| r.split('?').next())
        .unwrap()
        .to_string();
    let html = b.get_text(&to).await;
    assert!(html.contains("id=\"project-stage\">项目筛选<"));
    assert!(html.contains("已创建"), "greets with the flash message");
    // Its TRL is shown with its Chinese name, on its page and in the list.
    assert!(html.contains("id=\"project-trl\">TRL 4 实验室环境验证<"));
    let list = b.get_text("/transfer/projects").await;
    assert!(list.contains("<th>技术成熟度</th>") && list.contains(">TRL 4 实验室环境验证<"));
    // Editing keeps the stage; a stale version is refused on the page.
    let res = b
        .post_form(
            &format!("/transfer/projects/{project}/act/edit"),
            &[
                ("title", "硅光互连高速收发芯片（二期）"),
                ("trl", "5"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let html = b.get_text(&location(&res)).await;
    assert!(html.contains("硅光互连高速收发芯片（二期）"));
    assert!(html.contains("id=\"project-stage\">项目筛选<"));
    let res = b
        .post_form(
            &format!("/transfer/projects/{project}/act/edit"),
            &[("title", "旧页面的改名"), ("trl", "5"), ("version", "1")],
        )
        .await;
    assert_eq!(res.status(), 409);
    let html = res.text().await.unwrap();
    assert!(html.contains("已被他人修改"));
    assert!(
        html.contains("value=\"旧页面的改名\""),
        "the typed value is kept"
    );
    // A contract registered on the page shows in the turnover table.
    let res = b
        .post_form(
            "/transfer/contracts",
            &[
                ("contract_no", "2026500106000001"),
                ("title", "硅光芯片测试技术服务"),
                ("kind", "service"),
                ("seller_name", "重庆邮电大学"),
                ("buyer_name", "重庆光联科技有限公司"),
                ("amount_yuan", "1,250,000.00"),
                ("signed_on", "2026-03-01"),
                ("registered_on", "2026-03-10"),
                ("project_id", &project),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let html = b.get_text(&location(&res)).await;
    assert!(html.contains("data-year=\"2026\""));
    assert!(
        html.contains("0.01 亿元"),
        "1,250,000 yuan is 0.01 亿元 in the turnover table"
    );
    assert!(
        html.contains("硅光互连高速收发芯片（二期）"),
        "the contract names its project"
    );
}

#[tokio::test]
async fn a_committee_imports_its_project_ledger_where_each_stands_and_exports_it_back() {
    const COLUMNS: [&str; 17] = [
        "项目名称",
        "技术领域",
        "产业链",
        "成果持有单位",
        "发明人及份额",
        "专利号",
        "技术成熟度（TRL）",
        "阶段",
        "状态",
        "进入本阶段日期",
        "技术经理人",
        "孵化企业",
        "产业链环节",
        "孵化器",
        "入孵日期",
        "毕业日期",
        "项目简介",
    ];
    let app = spawn_app().await;
    let api = admin(&app).await;
    create_org(&api, "重庆大学", 31, json!({ "kind": "university" })).await;
    create_org(&api, "金凤孵化器", 32, json!({ "kind": "intermediary" })).await;
    create_org(&api, "重庆隔膜科技有限公司", 33, json!({})).await;
    let (status, chain) = Api::json(
        api.post("/api/v1/chains")
            .json(&json!({"name": "新能源汽车"})),
    )
    .await;
    assert_eq!(status, 201);
    let cid = chain["id"].as_str().unwrap();
    let (status, node) = Api::json(
        api.post(&format!("/api/v1/chains/{cid}/nodes"))
            .json(&json!({"name": "动力电池"})),
    )
    .await;
    assert_eq!(status, 201);
    let res = api
        .get("/api/v1/transfer/projects/import/template")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        crate::sheet_rows(&res.bytes().await.unwrap(), None)[0],
        COLUMNS
    );

    let row = |cells: &[(&str, &str)]| crate::row_of(&COLUMNS, cells);
    let header: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    let xlsx = crate::rows_xlsx;
    let future = (kechuang_store::clock::today() + chrono::Duration::days(3)).to_string();
    let with = |title: &str, extra: &[(&str, &str)]| {
        let mut cells = vec![
            ("项目名称", title),
            ("技术成熟度（TRL）", "4"),
            ("阶段", "概念验证"),
            ("进入本阶段日期", "2026-03-01"),
        ];
        cells.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
        cells.extend_from_slice(extra);
        row(&cells)
    };
    let bad = vec![
        header.clone(),
        with("甲", &[("阶段", "中试")]),
        with("乙", &[("进入本阶段日期", &future)]),
        with("丙", &[("孵化企业", "重庆隔膜科技有限公司")]),
        with(
            "丁",
            &[
                ("阶段", "企业孵化"),
                ("孵化企业", "重庆隔膜科技有限公司"),
                ("孵化器", "金凤孵化器"),
            ],
        ),
        with("戊", &[("产业链环节", "动力电池")]),
        with("己", &[("成果持有单位", "不在名录的大学")]),
        with("庚", &[("发明人及份额", "张三:60；李四:30")]),
        with(
            "辛",
            &[
                ("阶段", "企业孵化"),
                ("孵化企业", "重庆隔膜科技有限公司"),
                ("孵化器", "金凤孵化器"),
                ("入孵日期", "2026-05-01"),
                ("毕业日期", "2026-04-01"),
            ],
        ),
        with("壬", &[]),
        with("壬", &[]),
    ];
    let body = refused(
        upload_xlsx(&api, "/api/v1/transfer/projects/import", xlsx(&bad)).await,
        422,
        "import_invalid",
    );
    assert_eq!(
        crate::problem_cells(&body),
        [
            (2, "阶段".to_string()),
            (3, "进入本阶段日期".to_string()),
            (4, "孵化企业".to_string()),
            (5, "入孵日期".to_string()),
            (6, "产业链环节".to_string()),
            (7, "成果持有单位".to_string()),
            (8, "发明人及份额".to_string()),
            (9, "毕业日期".to_string()),
            (11, "项目名称".to_string()),
        ],
        "{body}"
    );
    assert_eq!(api.get_ok("/api/v1/transfer/projects").await["total"], 0);

    // A good ledger, as the export writes it: one in proof of concept on a
    // chain node, one incubating its firm that has graduated, one stopped.
    let good = vec![
        row(&[
            ("项目名称", "高性能锂电池隔膜"),
            ("技术领域", "新材料"),
            ("产业链", "新能源汽车"),
            ("成果持有单位", "重庆大学"),
            ("发明人及份额", "张三:60；李四:40"),
            ("专利号", "ZL202310123456.7"),
            ("技术成熟度（TRL）", "4"),
            ("阶段", "概念验证"),
            ("状态", "推进中"),
            ("进入本阶段日期", "2026-03-01"),
            ("技术经理人", "王经理"),
            ("产业链环节", "动力电池"),
            ("项目简介", "湿法隔膜工艺"),
        ]),
        row(&[
            ("项目名称", "固态电解质"),
            ("成果持有单位", "重庆大学"),
            ("技术成熟度（TRL）", "7"),
            ("阶段", "企业孵化"),
            ("状态", "推进中"),
            ("进入本阶段日期", "2025-09-01"),
            ("孵化企业", "重庆隔膜科技有限公司"),
            ("孵化器", "金凤孵化器"),
            ("入孵日期", "2025-10-01"),
            ("毕业日期", "2026-06-30"),
        ]),
        row(&[
            ("项目名称", "钠离子正极"),
            ("技术成熟度（TRL）", "3"),
            ("阶段", "项目筛选"),
            ("状态", "终止"),
            ("进入本阶段日期", "2026-01-10"),
        ]),
    ];
    let mut file = vec![header.clone()];
    file.extend(good.iter().cloned());
    let (status, done) = upload_xlsx(&api, "/api/v1/transfer/projects/import", xlsx(&file)).await;
    assert_eq!(
        (status, done["imported"].clone()),
        (200, json!(3)),
        "{done}"
    );
    // The stage history starts on the day the ledger gives.
    let listed = api.get_ok("/api/v1/transfer/projects?q=固态电解质").await;
    let pid = listed["items"][0]["id"].as_str().unwrap().to_string();
    let d = api
        .get_ok(&format!("/api/v1/transfer/projects/{pid}"))
        .await;
    assert_eq!(d["stages"].as_array().unwrap().len(), 1, "{d}");
    assert_eq!(d["stages"][0]["entered_on"], "2025-09-01");
    assert_eq!(d["project"]["firm_name"], "重庆隔膜科技有限公司");

    // The export gives the file back; the same ledger again is refused.
    let bytes = api
        .get("/api/v1/transfer/projects/export")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let exported = crate::sheet_rows(&bytes, None);
    assert_eq!(exported[0], COLUMNS);
    let mut rows = exported[1..].to_vec();
    rows.sort();
    let mut expected = good.clone();
    expected.sort();
    assert_eq!(rows, expected);
    let body = refused(
        upload_xlsx(&api, "/api/v1/transfer/projects/import", bytes).await,
        422,
        "import_invalid",
    );
    assert_eq!(crate::problem_cells(&body).len(), 3, "{body}");

    // The chain node a project is filed under stays while it is.
    let (status, body) = Api::json(api.delete(&format!(
        "/api/v1/chains/{cid}/nodes/{}",
        node["id"].as_str().unwrap()
    )))
    .await;
    let body = refused((status, body), 422, "node_in_use");
    assert!(
        body["message"].as_str().unwrap().contains("1个转化项目"),
        "{body}"
    );

    // The page: 导入 Excel with its template, and a refusal in its panel.
    let page = app.browser("admin").await;
    let html = page.get_text("/transfer/projects").await;
    assert!(
        html.contains("/api/v1/transfer/projects/import/template"),
        "{html}"
    );
    let res = page
        .upload("/transfer/projects/import", xlsx(&bad[..2]))
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"import-problems\""), "{html}");
    assert!(html.contains("中试"), "{html}");
}

//! 我的融资 (#17): an enterprise applies for a tiered loan online, attaches
//! its documents and follows the application to approval and repayment;
//! it sees its own funding and nothing of another firm's; only a funding
//! department decides.

use kechuang_domain::auth::Role;
use kechuang_testkit::{id, spawn_app, Api, TestApp};
use serde_json::{json, Value};

use crate::{admin, create_org, location, refused};

struct World {
    app: TestApp,
    admin: Api,
    firm: Value,
    /// The firm's own account.
    qiye: Api,
    /// Another firm's account.
    other: Api,
    /// A clerk of the science bureau (a funding department).
    bureau: Api,
    /// A clerk of another department.
    clerk: Api,
}

async fn world() -> World {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    for body in [
        json!({"name": "高企贷", "min_level": "high_tech", "limit_yuan": "5000000",
               "rate_percent": "3.65", "subsidy_percent": "1.5", "guarantee_percent": "40",
               "sort_order": "1"}),
        json!({"name": "创新积分贷", "min_score": "80", "limit_yuan": "2000000",
               "rate_percent": "3.85", "subsidy_percent": "1", "guarantee_percent": "30",
               "sort_order": "2"}),
    ] {
        let (status, t) = admin.post_json("/api/v1/transfer/loan-tiers", body).await;
        assert_eq!(status, 201, "{t}");
    }
    let firm = create_org(
        &admin,
        "重庆融资测试科技有限公司",
        901,
        json!({"is_high_tech": true}),
    )
    .await;
    let rival = create_org(&admin, "重庆另一家科技有限公司", 902, json!({})).await;
    let (status, kj) = admin
        .post_json(
            "/api/v1/departments",
            json!({"name": "科技创新局", "code": "KJ", "funding": true}),
        )
        .await;
    assert_eq!(status, 201, "{kj}");
    assert_eq!(kj["funding"], true);
    let (status, jx) = admin
        .post_json(
            "/api/v1/departments",
            json!({"name": "经济发展局", "code": "JX"}),
        )
        .await;
    assert_eq!(status, 201, "{jx}");
    let qiye_id = app
        .user("qiye", Role::Enterprise, None, Some(id(&firm)))
        .await;
    World {
        qiye: app.token_client(&qiye_id).await,
        other: app
            .api_client("other", Role::Enterprise, None, Some(id(&rival)))
            .await,
        bureau: app
            .api_client("kjj", Role::Department, Some(id(&kj)), None)
            .await,
        clerk: app
            .api_client("jxj", Role::Department, Some(id(&jx)), None)
            .await,
        admin,
        firm,
        app,
    }
}

async fn titles(api: &Api) -> Vec<String> {
    let page = api.get_ok("/api/v1/messages").await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["title"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn an_enterprise_applies_online_and_follows_its_loan_to_repayment() {
    let w = world().await;
    let f = w.qiye.get_ok("/api/v1/firm/funding").await;
    assert_eq!(f["org_name"], "重庆融资测试科技有限公司");
    assert_eq!(f["ladder_label"], "高新技术企业");
    assert_eq!(f["tiers"][0]["condition"], "高新技术企业及以上");
    assert_eq!(f["tiers"][1]["condition"], "创新积分不低于 80");
    assert_eq!(f["loans"].as_array().unwrap().len(), 0);

    // Every bad field is named; nothing is created.
    let body = refused(
        w.qiye
            .post_json(
                "/api/v1/firm/loans",
                json!({"requested_yuan": "很多", "term_months": "0", "bank": ""}),
            )
            .await,
        422,
        "invalid_input",
    );
    for field in ["requested_yuan", "term_months", "bank"] {
        assert!(body["details"]["fields"][field].is_string(), "{body}");
    }
    // A firm cannot apply in another's name: org_id is not taken from the body.
    let (status, l) = w
        .qiye
        .post_json(
            "/api/v1/firm/loans",
            json!({"requested_yuan": "3,000,000", "term_months": "12",
                   "bank": "重庆农村商业银行科学城支行", "purpose": "中试线设备",
                   "org_id": "someone-else"}),
        )
        .await;
    assert_eq!(status, 201, "{l}");
    assert_eq!(l["status"], "applied");
    assert_eq!(l["tier_name"], "高企贷");
    assert_eq!(l["rate"], "3.65%");
    assert_eq!(l["online"], true);
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(l["loan_no"], format!("TDD-{year}-001"));
    assert!(l.get("guarantee_permille").is_none(), "internal: {l}");
    let loan = id(&l);
    // The application waits on the funding department's desk, not elsewhere.
    assert!(titles(&w.bureau)
        .await
        .iter()
        .any(|t| t == "企业在线申请梯度贷：重庆融资测试科技有限公司"));
    assert!(titles(&w.clerk).await.is_empty());

    // Documents while it waits.
    let upload = |api: &Api, name: &'static str, bytes: Vec<u8>| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name);
        api.post(&format!("/api/v1/transfer/loans/{loan}/documents"))
            .multipart(reqwest::multipart::Form::new().part("file", part))
    };
    let (status, doc) = Api::json(upload(&w.qiye, "营业执照.pdf", b"%PDF licence".to_vec())).await;
    assert_eq!(status, 201, "{doc}");
    refused(
        Api::json(upload(&w.qiye, "空.pdf", vec![])).await,
        422,
        "empty_file",
    );
    refused(
        Api::json(upload(&w.other, "x.pdf", b"x".to_vec())).await,
        404,
        "not_found",
    );
    let url = doc["url"].as_str().unwrap().to_string();
    for reader in [&w.qiye, &w.bureau] {
        let r = reader.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.bytes().await.unwrap().as_ref(), b"%PDF licence");
    }
    assert_eq!(w.other.get(&url).send().await.unwrap().status(), 404);

    // Another firm sees nothing of it.
    refused(
        Api::json(w.other.get(&format!("/api/v1/firm/loans/{loan}"))).await,
        404,
        "not_found",
    );
    let theirs = w.other.get_ok("/api/v1/firm/funding").await;
    assert_eq!(theirs["loans"].as_array().unwrap().len(), 0);
    refused(
        Api::json(w.other.get("/api/v1/transfer/loans")).await,
        403,
        "forbidden",
    );

    // Only a funding department decides.
    let staff = w
        .bureau
        .get_ok(&format!("/api/v1/transfer/loans/{loan}"))
        .await;
    assert_eq!(staff["documents"].as_array().unwrap().len(), 1);
    let version = staff["loan"]["version"].as_i64().unwrap();
    let decide = json!({"decision": "approve", "amount_yuan": "2,500,000",
                        "reason": "按订单规模核定", "version": version});
    refused(
        w.clerk
            .post_json(
                &format!("/api/v1/transfer/loans/{loan}/decision"),
                decide.clone(),
            )
            .await,
        403,
        "forbidden",
    );
    let (status, decided) = w
        .bureau
        .post_json(&format!("/api/v1/transfer/loans/{loan}/decision"), decide)
        .await;
    assert_eq!(status, 200, "{decided}");
    assert!(titles(&w.qiye)
        .await
        .iter()
        .any(|t| t == &format!("梯度贷申请 TDD-{year}-001 已审批通过")));
    let d = w.qiye.get_ok(&format!("/api/v1/firm/loans/{loan}")).await;
    assert_eq!(d["loan"]["status"], "approved");
    assert_eq!(d["loan"]["amount_fen"], 250_000_000);
    assert_eq!(d["loan"]["decision_note"], "按订单规模核定");
    assert_eq!(d["can_attach"], false);
    // Decided: the firm can no longer add documents (the bureau still can).
    refused(
        Api::json(upload(&w.qiye, "补充.pdf", b"more".to_vec())).await,
        422,
        "loan_state",
    );
    let (status, _) = Api::json(upload(&w.bureau, "放款通知.pdf", b"bank".to_vec())).await;
    assert_eq!(status, 201);

    // Disbursed: the schedule, the next instalment and what is still owed.
    let version = decided["version"].as_i64().unwrap();
    let (status, _) = w
        .bureau
        .post_json(
            &format!("/api/v1/transfer/loans/{loan}/disburse"),
            json!({"on": "2026-01-10", "version": version}),
        )
        .await;
    assert_eq!(status, 200);
    let d = w.qiye.get_ok(&format!("/api/v1/firm/loans/{loan}")).await;
    assert_eq!(d["loan"]["status"], "repaying");
    assert_eq!(d["installments"].as_array().unwrap().len(), 12);
    assert_eq!(d["outstanding_fen"], 250_000_000);
    assert_eq!(d["next_installment"]["seq"], 1);
    assert_eq!(d["next_installment"]["due_on"], "2026-02-10");
    assert_eq!(
        d["loan"]["overdue"], true,
        "due dates before today are late"
    );
    assert_eq!(d["documents"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn an_application_no_tier_is_open_to_is_refused_at_once_with_the_reason() {
    let w = world().await;
    let (status, l) = w
        .other
        .post_json(
            "/api/v1/firm/loans",
            json!({"requested_yuan": "100000", "term_months": "6", "bank": "招商银行"}),
        )
        .await;
    assert_eq!(status, 201, "{l}");
    assert_eq!(l["status"], "rejected");
    assert!(
        l["decision_note"].as_str().unwrap().contains("准入条件"),
        "{l}"
    );
    // With a score the score tier is open.
    let (_, l) = w
        .other
        .post_json(
            "/api/v1/firm/loans",
            json!({"requested_yuan": "100000", "term_months": "6", "bank": "招商银行",
                   "score": "85"}),
        )
        .await;
    assert_eq!(
        (l["status"].as_str(), l["tier_name"].as_str()),
        (Some("applied"), Some("创新积分贷"))
    );
    assert!(l["loan_no"].as_str().unwrap().ends_with("-002"));
}

#[tokio::test]
async fn only_a_firm_s_own_account_has_a_funding_page_and_only_funding_departments_write() {
    let w = world().await;
    // Staff and administrators have no firm of their own.
    refused(
        Api::json(w.admin.get("/api/v1/firm/funding")).await,
        403,
        "forbidden",
    );
    refused(
        Api::json(w.bureau.get("/api/v1/firm/funding")).await,
        403,
        "forbidden",
    );
    // Funding writes: the science bureau yes, another department no.
    let pool = json!({"name": "资金池", "budget_yuan": "1000000"});
    refused(
        w.clerk
            .post_json("/api/v1/transfer/pools", pool.clone())
            .await,
        403,
        "forbidden",
    );
    let (status, _) = w.bureau.post_json("/api/v1/transfer/pools", pool).await;
    assert_eq!(status, 201);
    // The enterprise's navigation has 我的融资; staff's does not.
    let qiye = w.app.browser("qiye").await;
    let home = qiye.get_text("/").await;
    assert!(home.contains("href=\"/firm/funding\""), "{home}");
    assert!(home.contains("id=\"my-funding\""), "{home}");
    let staff = w.app.browser("kjj").await;
    assert!(!staff.get_text("/").await.contains("href=\"/firm/funding\""));
    assert_eq!(w.firm["name"], "重庆融资测试科技有限公司");
}

#[tokio::test]
async fn the_funding_pages_apply_show_errors_in_place_and_take_documents() {
    let w = world().await;
    let qiye = w.app.browser("qiye").await;
    let page = qiye.get_text("/firm/funding").await;
    assert!(
        page.contains("<title>我的融资") && page.contains("高企贷"),
        "{page}"
    );
    let form = qiye.get_text("/firm/loans/new").await;
    assert!(form.contains("申请科企梯度贷") && form.contains("name=\"requested_yuan\""));

    let r = qiye
        .post_form(
            "/firm/loans",
            &[
                ("requested_yuan", "abc"),
                ("term_months", "12"),
                ("bank", "招商银行"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("is-invalid") && html.contains("value=\"abc\""),
        "{html}"
    );
    assert!(
        html.contains("value=\"招商银行\""),
        "what was typed is kept"
    );

    let r = qiye
        .post_form(
            "/firm/loans",
            &[
                ("requested_yuan", "1,000,000"),
                ("term_months", "24"),
                ("bank", "招商银行"),
                ("purpose", "研发投入"),
            ],
        )
        .await;
    let to = location(&r);
    assert!(
        to.starts_with("/firm/loans/") && to.ends_with("?flash=loan_applied"),
        "{to}"
    );
    let loan_page = to.split('?').next().unwrap().to_string();
    let html = qiye.get_text(&to).await;
    assert!(
        html.contains("等待资金业务部门审批") && html.contains("申请材料"),
        "{html}"
    );

    let upload = |name: &'static str, bytes: Vec<u8>| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name);
        qiye.http
            .post(format!(
                "{}{loan_page}/documents?csrf_token={}",
                qiye.base, qiye.csrf
            ))
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
    };
    let r = upload("财务报表.xlsx", b"PK statements".to_vec())
        .await
        .unwrap();
    assert_eq!(location(&r), format!("{loan_page}?flash=attached"));
    let r = upload("empty.pdf", vec![]).await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"attach-error\"") && html.contains("文件是空的"),
        "{html}"
    );
    let html = qiye.get_text(&loan_page).await;
    assert!(html.contains("财务报表.xlsx"), "{html}");
    let list = qiye.get_text("/firm/funding").await;
    assert!(list.contains("待审批"), "{list}");

    // Another firm's loan page is not found.
    let other = w.app.browser("other").await;
    assert_eq!(other.get(&loan_page).await.status(), 404);
}

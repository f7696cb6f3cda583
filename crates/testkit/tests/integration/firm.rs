//! 我的融资 (#17): an enterprise applies for a tiered loan online, attaches
//! its documents and follows the application to approval and repayment;
//! it applies for grant-to-equity support and follows it to the agreement
//! signed from it; it sees its own funding and nothing of another firm's;
//! only a funding department decides.

use kechuang_domain::auth::Role;
use kechuang_testkit::{id, spawn_app, Api, TestApp};
use serde_json::{json, Value};

use crate::{admin, create_org, location, refused, sheet_rows};

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
    let funding = kechuang_testkit::between(&home, "id=\"my-funding\"", "</ul>").unwrap();
    for apply in ["href=\"/firm/loans/new\"", "href=\"/firm/equity/new\""] {
        assert!(funding.contains(apply), "{apply}: {funding}");
    }
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

#[tokio::test]
async fn an_enterprise_applies_for_grant_to_equity_and_follows_it_to_the_agreement() {
    let w = world().await;
    let f = w.qiye.get_ok("/api/v1/firm/funding").await;
    assert_eq!(f["equity_applications"].as_array().unwrap().len(), 0);

    let body = refused(
        w.qiye
            .post_json(
                "/api/v1/firm/equity-applications",
                json!({"requested_yuan": "-5"}),
            )
            .await,
        422,
        "invalid_input",
    );
    for field in ["project_name", "summary", "requested_yuan", "use_of_funds"] {
        assert!(body["details"]["fields"][field].is_string(), "{body}");
    }
    let apply = json!({"project_name": "固态电池电解质中试", "summary": "实验室验证完成，拟建中试线",
                       "requested_yuan": "2,000,000", "use_of_funds": "中试线设备",
                       "org_id": "someone-else"});
    let (status, a) = w
        .qiye
        .post_json("/api/v1/firm/equity-applications", apply.clone())
        .await;
    assert_eq!(status, 201, "{a}");
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(a["application_no"], format!("XTHG-{year}-001"));
    assert_eq!(a["status"], "applied");
    assert_eq!(a["status_label"], "待审批");
    assert_eq!(a["org_id"], w.firm["id"], "never another firm's name");
    assert_eq!(a["requested_fen"], 200_000_000);
    let app_id = id(&a);
    assert!(titles(&w.bureau)
        .await
        .iter()
        .any(|t| t == "企业在线申请先投后股：重庆融资测试科技有限公司"));
    assert!(titles(&w.clerk).await.is_empty());

    // Documents while it waits; nobody else's to read.
    let upload = |api: &Api, name: &'static str, bytes: Vec<u8>| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name);
        api.post(&format!(
            "/api/v1/transfer/grant-equity-applications/{app_id}/documents"
        ))
        .multipart(reqwest::multipart::Form::new().part("file", part))
    };
    let (status, doc) = Api::json(upload(&w.qiye, "商业计划书.pdf", b"%PDF plan".to_vec())).await;
    assert_eq!(status, 201, "{doc}");
    refused(
        Api::json(upload(&w.other, "x.pdf", b"x".to_vec())).await,
        404,
        "not_found",
    );
    refused(
        Api::json(upload(&w.clerk, "x.pdf", b"x".to_vec())).await,
        403,
        "forbidden",
    );
    let url = doc["url"].as_str().unwrap().to_string();
    for reader in [&w.qiye, &w.bureau] {
        let r = reader.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.bytes().await.unwrap().as_ref(), b"%PDF plan");
    }
    assert_eq!(w.other.get(&url).send().await.unwrap().status(), 404);
    // Twenty documents an application at most.
    for k in 2..=20 {
        let (status, d) = Api::json(upload(
            &w.qiye,
            "附件.pdf",
            format!("%PDF {k}").into_bytes(),
        ))
        .await;
        assert_eq!(status, 201, "{d}");
    }
    let full = refused(
        Api::json(upload(&w.qiye, "多余.pdf", b"%PDF".to_vec())).await,
        422,
        "too_many_attachments",
    );
    assert!(full.to_string().contains("每份申请最多20份材料"), "{full}");
    let one = format!("/api/v1/transfer/grant-equity-applications/{app_id}");
    refused(Api::json(w.other.get(&one)).await, 404, "not_found");
    refused(
        Api::json(w.other.get("/api/v1/transfer/grant-equity-applications")).await,
        403,
        "forbidden",
    );

    // The bureau's list filters and exports.
    let list = w
        .bureau
        .get_ok("/api/v1/transfer/grant-equity-applications?status=applied&q=固态")
        .await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["org_name"], "重庆融资测试科技有限公司");
    let none = w
        .bureau
        .get_ok("/api/v1/transfer/grant-equity-applications?status=signed")
        .await;
    assert_eq!(none["total"], 0);
    refused(
        Api::json(
            w.bureau
                .get("/api/v1/transfer/grant-equity-applications?status=maybe"),
        )
        .await,
        400,
        "invalid_query",
    );

    // Only a funding department decides; a rejection needs its reason.
    let staff = w.bureau.get_ok(&one).await;
    assert_eq!(staff["documents"].as_array().unwrap().len(), 20);
    assert_eq!(staff["documents"][0]["filename"], "商业计划书.pdf");
    let version = staff["application"]["version"].as_i64().unwrap();
    let decision = format!("{one}/decision");
    refused(
        w.clerk
            .post_json(
                &decision,
                json!({"decision": "approve", "version": version}),
            )
            .await,
        403,
        "forbidden",
    );
    let body = refused(
        w.bureau
            .post_json(&decision, json!({"decision": "reject", "version": version}))
            .await,
        422,
        "invalid_input",
    );
    assert!(body["details"]["fields"]["note"].is_string(), "{body}");
    let (status, decided) = w
        .bureau
        .post_json(
            &decision,
            json!({"decision": "approve", "note": "同意立项", "version": version}),
        )
        .await;
    assert_eq!(status, 200, "{decided}");
    assert_eq!(decided["status"], "approved");
    refused(
        w.bureau
            .post_json(
                &decision,
                json!({"decision": "approve", "version": decided["version"]}),
            )
            .await,
        422,
        "application_state",
    );
    assert!(titles(&w.qiye)
        .await
        .iter()
        .any(|t| t == &format!("先投后股申请 XTHG-{year}-001 已审批通过")));
    refused(
        Api::json(upload(&w.qiye, "补充.pdf", b"more".to_vec())).await,
        422,
        "application_state",
    );

    // The agreement signed from it closes it: the firm's own only.
    let (status, pool) = w
        .bureau
        .post_json(
            "/api/v1/transfer/pools",
            json!({"name": "先投后股资金池", "budget_yuan": "10000000"}),
        )
        .await;
    assert_eq!(status, 201, "{pool}");
    let agreement = |org: &Value, no: &str| {
        json!({"agreement_no": no, "pool_id": pool["id"], "org_id": org,
               "platform": "科创投资集团", "grant_yuan": "2000000", "signed_on": "2026-11-20",
               "term_months": "36", "min_round_yuan": "5000000", "discount_percent": "20",
               "cap_percent": "5", "buyback_rate_percent": "3", "exit_start_months": "12",
               "exit_end_months": "60", "application_id": app_id})
    };
    let other_firm = w.other.get_ok("/api/v1/me").await["org_id"].clone();
    refused(
        w.bureau
            .post_json(
                "/api/v1/transfer/grant-equity",
                agreement(&other_firm, "XTHG-X-1"),
            )
            .await,
        422,
        "application_state",
    );
    let (status, g) = w
        .bureau
        .post_json(
            "/api/v1/transfer/grant-equity",
            agreement(&w.firm["id"], "XTHG-X-2"),
        )
        .await;
    assert_eq!(status, 201, "{g}");
    let f = w.qiye.get_ok("/api/v1/firm/funding").await;
    assert_eq!(f["agreements"][0]["agreement_no"], "XTHG-X-2");
    assert_eq!(f["equity_applications"][0]["status"], "signed");
    assert_eq!(f["equity_applications"][0]["agreement_no"], "XTHG-X-2");
    assert!(titles(&w.qiye)
        .await
        .iter()
        .any(|t| t == &format!("先投后股申请 XTHG-{year}-001 已签订协议")));
    // Only the refused agreement's number is free: nothing half-written.
    let all = w.bureau.get_ok("/api/v1/transfer/grant-equity").await;
    assert_eq!(all["total"], 1);

    // A second application, refused with its reason, which the firm reads.
    let (_, b) = w
        .qiye
        .post_json("/api/v1/firm/equity-applications", apply)
        .await;
    assert_eq!(b["application_no"], format!("XTHG-{year}-002"));
    let (status, r) = w
        .bureau
        .post_json(
            &format!(
                "/api/v1/transfer/grant-equity-applications/{}/decision",
                id(&b)
            ),
            json!({"decision": "reject", "note": "与已签协议项目重复", "version": b["version"]}),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    let mine = w
        .qiye
        .get_ok(&format!(
            "/api/v1/transfer/grant-equity-applications/{}",
            id(&b)
        ))
        .await;
    assert_eq!(mine["application"]["status_label"], "未通过");
    assert_eq!(mine["application"]["decision_note"], "与已签协议项目重复");

    let r = w
        .bureau
        .get("/api/v1/transfer/grant-equity-applications/export")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let rows = sheet_rows(&r.bytes().await.unwrap(), None);
    assert_eq!(rows[0][0], "申请编号");
    assert_eq!(rows.len(), 3, "{rows:?}");
    let signed = rows.iter().find(|r| r[0].ends_with("-001")).unwrap();
    assert_eq!(signed[5], "已签协议");
    assert_eq!(signed[9], "XTHG-X-2");

    // 我的融资 in Excel: the firm's own applications and agreement, one sheet each.
    let r = w
        .qiye
        .get("/api/v1/firm/funding/export")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    let apps = sheet_rows(&bytes, Some("先投后股申请"));
    assert_eq!(apps.len(), 3, "{apps:?}");
    let rejected = apps.iter().find(|r| r[0].ends_with("-002")).unwrap();
    assert_eq!(
        (rejected[3].as_str(), rejected[6].as_str()),
        ("未通过", "与已签协议项目重复")
    );
    let agreements = sheet_rows(&bytes, Some("先投后股协议"));
    assert_eq!(agreements.len(), 2, "{agreements:?}");
    assert_eq!(agreements[1][0], "XTHG-X-2");
    assert_eq!(
        sheet_rows(&bytes, Some("科企梯度贷")).len(),
        1,
        "no loans: the header"
    );
    let theirs = w
        .other
        .get("/api/v1/firm/funding/export")
        .send()
        .await
        .unwrap();
    let theirs = theirs.bytes().await.unwrap();
    assert_eq!(
        sheet_rows(&theirs, Some("先投后股申请")).len(),
        1,
        "another firm sees none"
    );
    let r = w
        .bureau
        .get("/api/v1/firm/funding/export")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn the_grant_to_equity_pages_apply_decide_and_open_the_agreement_form() {
    let w = world().await;
    let qiye = w.app.browser("qiye").await;
    let page = qiye.get_text("/firm/funding").await;
    assert!(page.contains("href=\"/firm/equity/new\""), "{page}");
    let form = qiye.get_text("/firm/equity/new").await;
    assert!(form.contains("<title>申请先投后股") && form.contains("name=\"use_of_funds\""));

    let r = qiye
        .post_form(
            "/firm/equity",
            &[("project_name", "氢能储运"), ("requested_yuan", "abc")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("is-invalid") && html.contains("value=\"氢能储运\""),
        "errors in place, what was typed kept: {html}"
    );
    let r = qiye
        .post_form(
            "/firm/equity",
            &[
                ("project_name", "氢能储运"),
                ("requested_yuan", "1500000"),
                ("summary", "高压储氢瓶"),
                ("use_of_funds", "样机"),
            ],
        )
        .await;
    let to = location(&r);
    assert!(
        to.starts_with("/firm/equity/") && to.ends_with("?flash=equity_applied"),
        "{to}"
    );
    let mine = to.split('?').next().unwrap().to_string();
    let app_id = mine.rsplit('/').next().unwrap().to_string();
    let html = qiye.get_text(&to).await;
    assert!(
        html.contains("等待资金业务部门审批") && html.contains("上传材料"),
        "{html}"
    );
    let other = w.app.browser("other").await;
    assert_eq!(other.get(&mine).await.status(), 404);
    // 我的融资 offers its Excel, the firm's own.
    assert!(qiye
        .get_text("/firm/funding")
        .await
        .contains("/firm/funding/export.xlsx"));
    let r = qiye.get("/firm/funding/export.xlsx").await;
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    let apps = sheet_rows(&r.bytes().await.unwrap(), Some("先投后股申请"));
    assert!(apps.iter().any(|r| r[1] == "氢能储运"), "{apps:?}");

    // The bureau's pages: the list in its navigation, the decision in place.
    let bureau = w.app.browser("kjj").await;
    let list = bureau.get_text("/transfer/grant-equity-applications").await;
    assert!(
        list.contains("<title>先投后股申请") && list.contains("氢能储运") && list.contains("重置"),
        "{list}"
    );
    assert!(list.contains("href=\"/transfer/grant-equity-applications\""));
    let staff_page = format!("/transfer/grant-equity-applications/{app_id}");
    let html = bureau.get_text(&staff_page).await;
    assert!(html.contains("id=\"decide-form\""), "{html}");
    let r = bureau
        .post_form(
            &format!("{staff_page}/decision"),
            &[("decision", "reject"), ("note", ""), ("version", "1")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("不予通过时请填写理由"));
    let r = bureau
        .post_form(
            &format!("{staff_page}/decision"),
            &[("decision", "approve"), ("note", "同意"), ("version", "1")],
        )
        .await;
    assert_eq!(location(&r), format!("{staff_page}?flash=saved"));
    let html = bureau.get_text(&staff_page).await;
    assert!(html.contains("id=\"sign-agreement\""), "{html}");
    // The agreement form opens filled from the application.
    let form = bureau
        .get_text(&format!("/transfer/grant-equity?application={app_id}"))
        .await;
    assert!(
        form.contains(&format!("name=\"application_id\" value=\"{app_id}\""))
            && form.contains("value=\"1500000.00\"")
            && form.contains("id=\"from-application\""),
        "{form}"
    );
    // Its other fields keep their defaults (a filled-in form is not a posted one).
    assert!(
        form.contains("name=\"term_months\" type=\"number\" value=\"36\""),
        "{form}"
    );
    // The firm reads the decision; it can no longer upload.
    let html = qiye.get_text(&mine).await;
    assert!(
        html.contains("审批通过：同意") && !html.contains("上传材料"),
        "{html}"
    );
}

#[tokio::test]
async fn loan_tiers_export_and_import_from_excel_all_or_nothing() {
    let w = world().await;
    let r = w
        .bureau
        .get("/api/v1/transfer/loan-tiers/export")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let rows = sheet_rows(&r.bytes().await.unwrap(), None);
    assert_eq!(
        rows[1],
        [
            "高企贷",
            "高新技术企业",
            "",
            "5000000",
            "3.65%",
            "1.50%",
            "40.0%",
            "1"
        ]
    );
    let header: Vec<&str> = rows[0].iter().map(String::as_str).collect();
    let bad = crate::text_xlsx(&[
        header.clone(),
        vec!["高企贷", "高新技术企业", "", "100", "3%", "1%", "10%", "1"],
        vec!["宇宙贷", "宇宙级", "", "100", "abc", "1%", "10%", "x"],
        vec!["重名贷", "", "60", "100", "3%", "1%", "10%", "3"],
        vec!["重名贷", "", "70", "100", "3%", "1%", "10%", "4"],
    ]);
    let (status, body) =
        crate::upload_xlsx(&w.bureau, "/api/v1/transfer/loan-tiers/import", bad).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        crate::problem_cells(&body),
        [
            (2, "梯度名称".to_string()),
            (3, "准入培育层级".to_string()),
            (3, "年利率".to_string()),
            (3, "排序".to_string()),
            (5, "梯度名称".to_string()),
        ],
        "{body}"
    );
    let good = vec![
        header.clone(),
        vec![
            "专精特新贷",
            "专精特新中小企业",
            "",
            "8000000",
            "3.45%",
            "1.50%",
            "50.0%",
            "3",
        ],
    ];
    refused(
        crate::upload_xlsx(
            &w.clerk,
            "/api/v1/transfer/loan-tiers/import",
            crate::text_xlsx(&good),
        )
        .await,
        403,
        "forbidden",
    );
    let (status, body) = crate::upload_xlsx(
        &w.bureau,
        "/api/v1/transfer/loan-tiers/import",
        crate::text_xlsx(&good),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let tiers = w.bureau.get_ok("/api/v1/transfer/loan-tiers").await;
    assert_eq!(tiers.as_array().unwrap().len(), 3);
    let r = w
        .bureau
        .get("/api/v1/transfer/loan-tiers/export")
        .send()
        .await
        .unwrap();
    let rows = sheet_rows(&r.bytes().await.unwrap(), None);
    assert_eq!(rows[3], good[1], "the export reads as the file imported");
    // The firm's page offers the new tier with its condition in words.
    let f = w.qiye.get_ok("/api/v1/firm/funding").await;
    assert_eq!(f["tiers"][2]["condition"], "专精特新中小企业及以上");
    // The page: export and import on 科企梯度贷.
    let bureau = w.app.browser("kjj").await;
    let html = bureau.get_text("/transfer/loans").await;
    assert!(
        html.contains("id=\"import-tiers\"") && html.contains("/transfer/loans/tiers.xlsx"),
        "{html}"
    );
}

#[tokio::test]
async fn a_firm_s_contact_keeps_its_own_phone_and_new_cases_start_from_it() {
    let w = world().await;
    let (status, c) = w
        .admin
        .put_json(
            &format!("/api/v1/orgs/{}", id(&w.firm)),
            json!({"version": w.firm["version"], "name": w.firm["name"], "kind": "enterprise",
                   "uscc": w.firm["uscc"], "contact_name": "登记联系人", "contact_phone": "023-61234567"}),
        )
        .await;
    assert_eq!(status, 200, "{c}");
    // Without a telephone of its own, the form starts from the firm's registered contact.
    let qiye = w.app.browser("qiye").await;
    let form = qiye.get_text("/cases/new").await;
    assert!(form.contains("value=\"登记联系人\""), "{form}");
    assert!(form.contains("value=\"023-61234567\""));
    assert_eq!(w.qiye.get_ok("/api/v1/me").await["phone"], "");

    // A wrong number is refused by field, through the API and on 我的账号 (what was typed kept).
    let bad = refused(
        w.qiye
            .put_json("/api/v1/me", json!({"phone": "12ab"}))
            .await,
        422,
        "invalid_input",
    );
    assert!(bad["details"]["fields"]["phone"]
        .as_str()
        .unwrap()
        .contains("7—20位数字"));
    let res = qiye.post_form("/account", &[("phone", "电话138")]).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("is-invalid") && page.contains("value=\"电话138\""),
        "{page}"
    );
    assert_eq!(w.qiye.get_ok("/api/v1/me").await["phone"], "");

    // Saved on the page, it is the account's and the new-case form's.
    let res = qiye
        .post_form("/account", &[("phone", " 13900001111 ")])
        .await;
    assert_eq!(
        (res.status().as_u16(), location(&res)),
        (303, "/account?flash=saved".to_string())
    );
    let page = qiye.get_text("/account?flash=saved").await;
    assert!(page.contains("已保存") && page.contains("value=\"13900001111\""));
    assert!(
        page.contains("重庆融资测试科技有限公司"),
        "the firm is named"
    );
    assert_eq!(w.qiye.get_ok("/api/v1/me").await["phone"], "13900001111");
    let form = qiye.get_text("/cases/new").await;
    assert!(form.contains("value=\"qiye\""), "{form}");
    assert!(form.contains("value=\"13900001111\""));
    assert!(!form.contains("登记联系人"));

    // An administrator's change that does not name the telephone keeps it;
    // the accounts export carries it.
    let users = w.admin.get_ok("/api/v1/users").await;
    let me = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "qiye")
        .unwrap()
        .clone();
    assert_eq!(me["phone"], "13900001111");
    let (status, u) = w
        .admin
        .put_json(
            &format!("/api/v1/users/{}", id(&me)),
            json!({"version": me["version"], "display_name": "孙联络员", "role": "enterprise",
                   "org_id": id(&w.firm), "active": true}),
        )
        .await;
    assert_eq!((status, &u["phone"]), (200, &json!("13900001111")), "{u}");
    let res = w.admin.get("/api/v1/users/export").send().await.unwrap();
    let rows = sheet_rows(&res.bytes().await.unwrap(), None);
    let col = rows[0].iter().position(|c| c == "联系电话").unwrap();
    let row = rows.iter().find(|r| r[0] == "qiye").unwrap();
    assert_eq!(row[col], "13900001111");
}

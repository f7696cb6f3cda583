//! Talent services in the browser: a talent lands on its services, asks
//! for two at once through the form (nothing ticked is refused in place,
//! the text kept), follows the request and rates the reply; its pages are
//! in English when its browser asks for English, and its own choice of
//! language is remembered over the browser's; the sign-in page follows
//! the browser too. Staff see the register (numbers masked, a full view on
//! request), the catalogue with the tiers (a bad code refused in place) and
//! the requests with a link to the case.

use kechuang_domain::auth::Role;
use kechuang_testkit::{id, spawn_app, Browser};
use serde_json::json;

use crate::cases::{act, task_act};
use crate::talent::{category, created};
use crate::{admin, create_department, create_org};

async fn get_lang(b: &Browser, path: &str, accept: &str) -> String {
    b.http
        .get(format!("{}{}", b.base, path))
        .header("Accept-Language", accept)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn a_talent_asks_follows_and_rates_in_its_language() {
    let app = spawn_app().await;
    let adm = admin(&app).await;
    let zw = create_department(&adm, "政务服务局", "ZW", None).await;
    let jy = create_department(&adm, "教育局", "JY", None).await;
    let lab = create_org(&adm, "金凤实验室", 711, json!({ "kind": "institute" })).await;
    let permit = category(&adm, "work_permit", "外国人工作许可", &zw, 10).await;
    let school = category(&adm, "schooling", "子女入学", &jy, 15).await;
    let tier = created(
        &adm,
        "/api/v1/talent/tiers",
        json!({ "code": "leading", "name": "领军人才", "name_en": "Leading talent" }),
    )
    .await;
    let permit_item = created(
        &adm,
        "/api/v1/talent/services",
        json!({ "category_id": id(&permit), "name_en": "Work permit", "documents": "护照", "documents_en": "Passport" }),
    )
    .await;
    let school_item = created(
        &adm,
        "/api/v1/talent/services",
        json!({ "category_id": id(&school), "name_en": "School place" }),
    )
    .await;
    let user = app.user("rencai", Role::Talent, None, None).await;
    let anna = created(
        &adm,
        "/api/v1/talent/talents",
        json!({ "name_latin": "Anna WEBER", "nationality": "德国", "tier_id": id(&tier),
                "employer_org_id": id(&lab), "user_id": user, "passport_no": "C01X00T47" }),
    )
    .await;
    let zw_clerk = app
        .api_client("zwclerk", Role::Department, Some(id(&zw)), None)
        .await;
    let jy_clerk = app
        .api_client("jyclerk", Role::Department, Some(id(&jy)), None)
        .await;
    let talent = app.browser("rencai").await;
    let staff = app.browser("admin").await;

    // Home is the talent's services, in Chinese by default.
    let r = talent.get("/").await;
    assert_eq!(location(&r), "/talent");
    let page = talent.get_text("/talent").await;
    assert!(
        page.contains("我的人才服务")
            && page.contains("外国人工作许可")
            && page.contains("所需材料：护照"),
        "{page}"
    );

    // Nothing ticked: refused in place, the text kept.
    let r = talent
        .post_form("/talent", &[("text", "需要工作许可和孩子入学")])
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("请至少选择一项服务事项") && html.contains("需要工作许可和孩子入学"),
        "{html}"
    );

    // Two at once: one request, and its page.
    let r = talent
        .post_form(
            "/talent",
            &[
                ("service_ids", &id(&permit_item)),
                ("service_ids", &id(&school_item)),
                ("text", "需要工作许可和孩子入学"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let to = location(&r);
    assert!(
        to.starts_with("/talent/requests/") && to.ends_with("?flash=submitted"),
        "{to}"
    );
    let case_id = to
        .trim_start_matches("/talent/requests/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let page = talent.get_text(&to).await;
    assert!(
        page.contains("子女入学") && page.contains("已分送各部门") && page.contains("教育局"),
        "{page}"
    );
    assert!(!page.contains("在诉求页办理"), "a talent has no case page");

    // In English when the browser asks for it: the layout, the services, the statuses.
    let en = get_lang(&talent, "/talent", "en-US,en;q=0.9").await;
    assert!(
        en.contains("<html lang=\"en\">")
            && en.contains("My talent services")
            && en.contains("Submit request"),
        "{en}"
    );
    assert!(
        en.contains("Work permit")
            && en.contains("Bring: Passport")
            && en.contains("In progress")
            && en.contains("Sign out"),
        "{en}"
    );
    let en_req = get_lang(&talent, &format!("/talent/requests/{case_id}"), "en").await;
    assert!(
        en_req.contains("Sent to the departments") && en_req.contains("School place"),
        "{en_req}"
    );
    // The talent's choice wins over the browser's, and is remembered.
    let r = talent
        .post_form("/talent/lang", &[("lang", "zh"), ("next", "/talent")])
        .await;
    assert_eq!(r.status(), 303);
    let zh = get_lang(&talent, "/talent", "en").await;
    assert!(zh.contains("我的人才服务") && zh.contains("<html lang=\"zh-CN\">"));
    talent
        .post_form("/talent/lang", &[("lang", "en"), ("next", "/talent")])
        .await;
    let en = talent.get_text("/talent").await;
    assert!(
        en.contains("My talent services"),
        "remembered on the talent's record"
    );
    let r = talent
        .post_form("/talent/lang", &[("lang", "fr"), ("next", "/talent")])
        .await;
    assert_eq!(r.status(), 422, "only zh and en");
    // The sign-in page follows the browser, or the link.
    let anon = reqwest::Client::new();
    let login = anon
        .get(app.url("/login"))
        .header("Accept-Language", "en-GB")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        login.contains("Sign in")
            && login.contains("User name")
            && login.contains("/login?lang=zh"),
        "{login}"
    );
    let login = anon
        .get(app.url("/login?lang=zh"))
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(login.contains("用户名"));

    // The departments finish, the lead replies; the talent rates in English.
    let case = json!({ "id": case_id });
    for (clerk, dept) in [(&zw_clerk, &zw), (&jy_clerk, &jy)] {
        for action in ["accept", "complete"] {
            let d = clerk.get_ok(&format!("/api/v1/cases/{case_id}")).await;
            let t = d["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["department_id"] == id(dept))
                .unwrap()
                .clone();
            let (status, body) = task_act(clerk, &case, &t, action, "已办").await;
            assert_eq!(status, 200, "{body}");
        }
    }
    let d = jy_clerk.get_ok(&format!("/api/v1/cases/{case_id}")).await;
    let (status, _) = act(
        &jy_clerk,
        &case,
        "reply",
        json!({ "version": d["case"]["version"], "reply": "All done." }),
    )
    .await;
    assert_eq!(status, 200);
    let page = talent
        .get_text(&format!("/talent/requests/{case_id}"))
        .await;
    assert!(
        page.contains("Please rate the reply") && page.contains("All done."),
        "{page}"
    );
    // The note of the reply reads in English and leads to the request's page.
    let msgs = talent.get_text("/messages").await;
    assert!(
        msgs.contains("Reply to your request")
            && msgs.contains("Please read the reply and rate it")
            && msgs.contains("<h1 class=\"h5 mb-0\">Messages"),
        "{msgs}"
    );
    let r = talent.get(&format!("/cases/{case_id}")).await;
    assert_eq!(location(&r), format!("/talent/requests/{case_id}"));
    let version = d["case"]["version"].as_i64().unwrap() + 1;
    let r = talent
        .post_form(
            &format!("/talent/requests/{case_id}/rate"),
            &[("version", &version.to_string()), ("comment", "fast")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Please choose satisfied") && html.contains("fast"),
        "{html}"
    );
    let r = talent
        .post_form(
            &format!("/talent/requests/{case_id}/rate"),
            &[
                ("version", &version.to_string()),
                ("satisfaction", "satisfied"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let page = talent
        .get_text(&format!("/talent/requests/{case_id}"))
        .await;
    assert!(
        page.contains("Closed") && !page.contains("rate-form"),
        "{page}"
    );

    // Staff: the register masked, a full view on request; the catalogue; the requests.
    let list = staff.get_text("/talent/talents?international=true").await;
    assert!(
        list.contains("Anna WEBER") && list.contains("筛选") && list.contains("重置"),
        "{list}"
    );
    let rec = staff
        .get_text(&format!("/talent/talents/{}", id(&anna)))
        .await;
    assert!(
        rec.contains("C*****T47") && rec.contains("完整查看证件号"),
        "{rec}"
    );
    let rec = staff
        .get_text(&format!("/talent/talents/{}?reveal=true", id(&anna)))
        .await;
    assert!(rec.contains("C01X00T47") && rec.contains(&case_id), "{rec}");
    let cat = staff.get_text("/talent/catalogue").await;
    assert!(
        cat.contains("外国人工作许可") && cat.contains("政务服务局") && cat.contains("领军人才"),
        "{cat}"
    );
    let r = staff
        .post_form("/talent/tiers", &[("code", "领军"), ("name", "领军")])
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("层次代码只能用小写字母"));
    let reqs = staff.get_text("/talent/requests").await;
    assert!(
        reqs.contains("Anna WEBER") && reqs.contains("子女入学、外国人工作许可"),
        "{reqs}"
    );
    // Figures from the records, each opening the requests behind it.
    let fig = staff.get_text("/talent/figures").await;
    assert!(
        fig.contains("人才服务统计") && fig.contains("按人才层次") && fig.contains("领军人才"),
        "{fig}"
    );
    assert!(
        fig.contains("href=\"/cases?channel=talent&amp;talent_tier=leading\">1</a>"),
        "{fig}"
    );
    assert!(
        fig.contains("href=\"/cases?channel=talent&amp;talent_international=true\">1</a>"),
        "{fig}"
    );
    assert!(fig.contains("100.0%"), "one rated, satisfied: {fig}");
    let list = staff
        .get_text("/cases?channel=talent&talent_tier=leading")
        .await;
    let number = case_number(&list);
    assert!(number.starts_with("KC-"), "the request is listed: {list}");
    let none = staff
        .get_text("/cases?channel=talent&talent_tier=young")
        .await;
    assert!(!none.contains(&number), "another tier: none");
    let one = staff.get_text(&format!("/talent/requests/{case_id}")).await;
    assert!(
        one.contains(&format!("/cases/{case_id}")) && one.contains("在诉求页办理"),
        "{one}"
    );
}

/// The first case number on a list page.
fn case_number(html: &str) -> String {
    html.find("KC-")
        .map(|i| html[i..i + 14].to_string())
        .unwrap_or_default()
}

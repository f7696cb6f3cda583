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
use crate::{admin, create_department, create_org, location};

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

    // The talent adds a document; the department sees it on the case.
    let upload = |name: &'static str, bytes: Vec<u8>| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name);
        talent
            .http
            .post(format!(
                "{}/talent/requests/{case_id}/attachments?csrf_token={}",
                talent.base, talent.csrf
            ))
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
    };
    let r = upload("护照.pdf", b"%PDF-1.4 passport".to_vec())
        .await
        .unwrap();
    assert_eq!(
        location(&r),
        format!("/talent/requests/{case_id}?flash=attached")
    );
    let r = upload("empty.pdf", vec![]).await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"attach-error\"") && html.contains("文件是空的"),
        "{html}"
    );
    let page = talent
        .get_text(&format!("/talent/requests/{case_id}"))
        .await;
    let at = page
        .find("/api/v1/talent/requests/")
        .expect("a download link");
    let href: String = page[at..].chars().take_while(|c| *c != '"').collect();
    assert!(page.contains("护照.pdf"), "{page}");
    let file = talent.get(&href).await;
    assert_eq!(file.status(), 200);
    assert_eq!(file.bytes().await.unwrap().as_ref(), b"%PDF-1.4 passport");
    let on_case = zw_clerk.get_ok(&format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(
        on_case["attachments"][0]["filename"], "护照.pdf",
        "{on_case}"
    );

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

/// The bureau keeps the register and the catalogue in the browser: a
/// talent's record edited with its numbers in full (a masked number or a
/// stale version refused in place, what was typed kept) and linked to its
/// account; an item stopped and a tier renamed on their edit pages; a bad
/// import file listed cell by cell on the register, a good one imported.
#[tokio::test]
async fn the_bureau_keeps_the_register_and_the_catalogue() {
    let app = spawn_app().await;
    let adm = admin(&app).await;
    let zw = create_department(&adm, "政务服务局", "ZW", None).await;
    let lab = create_org(&adm, "金凤实验室", 712, json!({ "kind": "institute" })).await;
    let permit = category(&adm, "work_permit", "外国人工作许可", &zw, 10).await;
    let tier = created(
        &adm,
        "/api/v1/talent/tiers",
        json!({ "code": "leading", "name": "领军人才" }),
    )
    .await;
    let item = created(
        &adm,
        "/api/v1/talent/services",
        json!({ "category_id": id(&permit), "name_en": "Work permit" }),
    )
    .await;
    let anna = created(
        &adm,
        "/api/v1/talent/talents",
        json!({ "name_latin": "Anna WEBER", "nationality": "德国", "tier_id": id(&tier),
                "employer_org_id": id(&lab), "passport_no": "C01X00T47", "phone": "13800138000" }),
    )
    .await;
    let user = app.user("rencai", Role::Talent, None, None).await;
    let staff = app.browser("admin").await;
    let edit = format!("/talent/talents/{}/edit", id(&anna));

    // The edit form holds the full numbers and offers the unlinked account.
    let form = staff.get_text(&edit).await;
    assert!(
        form.contains("value=\"C01X00T47\"")
            && form.contains("value=\"13800138000\"")
            && form.contains("（rencai）"),
        "{form}"
    );
    let fields = |passport: &'static str, version: String| {
        vec![
            ("version", version),
            ("name_latin", "Anna WEBER".to_string()),
            ("nationality", "德国".into()),
            ("tier_id", id(&tier)),
            ("employer_org_id", id(&lab)),
            ("passport_no", passport.into()),
            ("phone", "13800138000".into()),
            ("field", "氢能".into()),
            ("user_id", user.clone()),
        ]
    };
    let (staff_ref, edit_ref) = (&staff, &edit);
    let post = |f: Vec<(&'static str, String)>| async move {
        let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        staff_ref.post_form(edit_ref, &refs).await
    };
    let v = anna["version"].to_string();
    let r = post(fields("C*****T47", v.clone())).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("脱敏后的号码") && html.contains("氢能"),
        "{html}"
    );
    let r = post(fields("C01X00T47", v.clone())).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    assert_eq!(
        location(&r),
        format!("/talent/talents/{}?flash=saved", id(&anna))
    );
    let r = post(fields("C01X00T47", v)).await;
    assert_eq!(r.status(), 409, "a stale version");
    assert!(
        r.text().await.unwrap().contains("氢能"),
        "what was typed is kept"
    );
    let rec = adm
        .get_ok(&format!("/api/v1/talent/talents/{}?reveal=true", id(&anna)))
        .await;
    assert_eq!(rec["field"], "氢能");
    assert_eq!(rec["passport_no"], "C01X00T47", "the number is not lost");
    assert_eq!(rec["user_id"], json!(user));

    // An item stopped, a tier renamed.
    let cat = staff.get_text("/talent/catalogue").await;
    let item_edit = format!("/talent/catalogue/{}/edit", id(&item));
    assert!(cat.contains(&item_edit), "{cat}");
    let form = staff.get_text(&item_edit).await;
    assert!(form.contains("value=\"Work permit\""), "{form}");
    let r = staff
        .post_form(
            &item_edit,
            &[
                ("version", &item["version"].to_string()),
                ("name_en", "Work permit"),
                ("origin", "any"),
                ("sort_order", "0"),
                ("active", "false"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    assert!(staff.get_text("/talent/catalogue").await.contains("停用"));
    let r = staff
        .post_form(
            &format!("/talent/tiers/{}/edit", id(&tier)),
            &[("version", &tier["version"].to_string()), ("name", "")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("请填写层次名称"));
    let r = staff
        .post_form(
            &format!("/talent/tiers/{}/edit", id(&tier)),
            &[
                ("version", &tier["version"].to_string()),
                ("name", "领军人才（A类）"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert!(staff
        .get_text("/talent/catalogue")
        .await
        .contains("领军人才（A类）"));

    // The import on the register page: bad cells listed, a good file imported.
    let upload = |bytes: Vec<u8>| staff.upload("/talent/talents/import", bytes);
    let header = vec!["姓名", "外文姓名", "国籍", "人才层次", "工作单位"];
    let r = upload(crate::text_xlsx(&[
        header.clone(),
        vec!["王五", "", "中国", "院士", "金凤实验室"],
    ]))
    .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"import-problems\"") && html.contains("人才层次“院士”不存在"),
        "{html}"
    );
    let r = upload(crate::text_xlsx(&[
        header,
        vec!["王五", "", "中国", "领军人才（A类）", "金凤实验室"],
    ]))
    .await;
    assert_eq!(location(&r), "/talent/talents?flash=imported");
    assert!(staff.get_text("/talent/talents").await.contains("王五"));
}

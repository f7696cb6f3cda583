//! Talent services through the API: the bureau defines tiers and catalogue
//! items (each routed by a case category), registers an international
//! talent linked to a talent account; the talent sees the items open to it
//! and asks for two at once; one case is dispatched to both departments
//! (the longer item leads, the other assists within its own limit), the
//! departments handle their tasks, the lead replies once, the talent rates.
//! The employer's account does not see the request; another talent gets
//! 404; numbers are masked and a full view is audited; the case form
//! refuses the talent channel.

use kechuang_domain::auth::Role;
use kechuang_testkit::{id, spawn_app, Api};
use serde_json::{json, Value};

use crate::cases::{act, task_act};
use crate::{admin, create_department, create_org, sheet_rows};

pub(crate) async fn created(api: &Api, path: &str, body: Value) -> Value {
    let (status, v) = api.post_json(path, body).await;
    assert_eq!(status, 201, "{path}: {v}");
    v
}

pub(crate) async fn category(adm: &Api, code: &str, name: &str, dept: &Value, days: i32) -> Value {
    created(
        adm,
        "/api/v1/case-categories",
        json!({ "code": code, "name": name, "lead_department_id": dept["id"], "time_limit_days": days,
                "task_limit_days": days, "warn_days": 2, "rating_days": 5 }),
    )
    .await
}

#[tokio::test]
async fn a_talent_asks_for_two_services_and_gets_one_reply() {
    let app = spawn_app().await;
    let adm = admin(&app).await;
    let zw = create_department(&adm, "政务服务局", "ZW", None).await;
    let jy = create_department(&adm, "教育局", "JY", None).await;
    let rc = create_department(&adm, "人才服务局", "RC", None).await;
    let lab = create_org(&adm, "金凤实验室", 701, json!({ "kind": "institute" })).await;
    let permit = category(&adm, "work_permit", "外国人工作许可", &zw, 10).await;
    let school = category(&adm, "schooling", "子女入学", &jy, 15).await;
    let young_only = category(&adm, "young_grant", "青年人才补贴", &rc, 5).await;
    let bureau = app
        .api_client("rencaiju", Role::Department, Some(id(&rc)), None)
        .await;
    let zw_clerk = app
        .api_client("zwclerk", Role::Department, Some(id(&zw)), None)
        .await;
    let jy_clerk = app
        .api_client("jyclerk", Role::Department, Some(id(&jy)), None)
        .await;
    let employer = app
        .api_client("shiyanshi", Role::Enterprise, None, Some(id(&lab)))
        .await;
    let talent_user = app.user("rencai", Role::Talent, None, None).await;
    let other_user = app.user("rencai2", Role::Talent, None, None).await;

    // Tiers and items; a department clerk of another department reads but
    // does not keep the catalogue (the bureau does).
    let leading = created(
        &bureau,
        "/api/v1/talent/tiers",
        json!({ "code": "leading", "name": "领军人才", "name_en": "Leading talent", "sort_order": 2 }),
    )
    .await;
    let young = created(
        &bureau,
        "/api/v1/talent/tiers",
        json!({ "code": "young", "name": "青年人才", "name_en": "Young talent", "sort_order": 4 }),
    )
    .await;
    let (status, _) = bureau
        .post_json(
            "/api/v1/talent/tiers",
            json!({ "code": "领军", "name": "x" }),
        )
        .await;
    assert_eq!(status, 422);
    let permit_item = created(
        &bureau,
        "/api/v1/talent/services",
        json!({ "category_id": id(&permit), "name_en": "Work permit for foreigners", "origin": "international",
                "documents": "护照\n学历证明", "documents_en": "Passport\nDiploma" }),
    )
    .await;
    assert_eq!(permit_item["name"], "外国人工作许可");
    assert_eq!(permit_item["department_name"], "政务服务局");
    assert_eq!(permit_item["time_limit_days"], 10);
    let school_item = created(
        &bureau,
        "/api/v1/talent/services",
        json!({ "category_id": id(&school), "name_en": "School place for children" }),
    )
    .await;
    let young_item = created(
        &bureau,
        "/api/v1/talent/services",
        json!({ "category_id": id(&young_only), "name_en": "Young talent grant", "tier_codes": "young" }),
    )
    .await;
    let (status, dup) = bureau
        .post_json(
            "/api/v1/talent/services",
            json!({ "category_id": id(&school) }),
        )
        .await;
    assert_eq!(status, 409, "one item a category: {dup}");

    // The register: a bad employer and a missing tier are named.
    let (status, bad) = bureau
        .post_json(
            "/api/v1/talent/talents",
            json!({ "name_latin": "Anna Weber" }),
        )
        .await;
    assert_eq!(status, 422);
    assert!(bad["details"]["fields"]["tier_id"].is_string(), "{bad}");
    assert!(
        bad["details"]["fields"]["employer_org_id"].is_string(),
        "{bad}"
    );
    let anna = created(
        &bureau,
        "/api/v1/talent/talents",
        json!({ "name_latin": "Anna WEBER", "nationality": "德国", "tier_id": id(&leading), "field": "智能网联汽车",
                "employer_org_id": id(&lab), "user_id": talent_user, "passport_no": "C01X00T47",
                "phone": "13800138000", "arrived_on": "2025-09-01" }),
    )
    .await;
    assert_eq!(anna["international"], true, "not Chinese: international");
    assert_eq!(anna["name"], "Anna WEBER");
    assert_eq!(anna["passport_no"], "C*****T47");
    assert_eq!(anna["phone"], "138****8000");
    let (status, _) = bureau
        .post_json(
            "/api/v1/talent/talents",
            json!({ "name": "王五", "tier_id": id(&young), "employer_org_id": id(&lab), "user_id": talent_user }),
        )
        .await;
    assert_eq!(status, 409, "one talent an account");
    created(
        &bureau,
        "/api/v1/talent/talents",
        json!({ "name": "王五", "tier_id": id(&young), "employer_org_id": id(&lab), "user_id": other_user }),
    )
    .await;

    // A full view needs the permission and is audited.
    let (status, _) =
        Api::json(zw_clerk.get(&format!("/api/v1/talent/talents/{}?reveal=true", id(&anna)))).await;
    assert_eq!(
        status, 200,
        "the bureau holds talent_pii as every department"
    );
    let full = bureau
        .get_ok(&format!("/api/v1/talent/talents/{}?reveal=true", id(&anna)))
        .await;
    assert_eq!(full["passport_no"], "C01X00T47");
    assert_eq!(full["masked"], false);
    {
        use kechuang_store::entities::audit_entry;
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        let views = audit_entry::Entity::find()
            .filter(audit_entry::Column::Entity.eq("talent_access"))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(views, 2, "each full view is in the audit log");
    }

    // The talent sees the items open to it: not the young talents' one.
    let me = app.token_client(&talent_user).await;
    let mine = me.get_ok("/api/v1/talent/me").await;
    assert_eq!(mine["id"], id(&anna));
    assert_eq!(mine["passport_no"], "C01X00T47", "its own, unmasked");
    let items = me.get_ok("/api/v1/talent/services").await;
    let ids: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&id(&permit_item).as_str()) && ids.contains(&id(&school_item).as_str()));
    assert!(!ids.contains(&id(&young_item).as_str()), "{items}");
    let (status, r) = me
        .post_json(
            "/api/v1/talent/requests",
            json!({ "service_ids": id(&young_item), "text": "申请补贴" }),
        )
        .await;
    assert_eq!(status, 422, "{r}");
    assert!(r["details"]["fields"]["service_ids"].is_string());
    assert_eq!(r["code"], "not_entitled");

    // Two items at once: one case, dispatched to both departments.
    let req = created(
        &me,
        "/api/v1/talent/requests",
        json!({ "service_ids": format!("{},{}", id(&permit_item), id(&school_item)),
                "text": "I start at the lab next month and need a work permit and a school place for my son." }),
    )
    .await;
    let case_id = req["case"]["id"].as_str().unwrap().to_string();
    assert_eq!(req["case"]["status"], "dispatched", "{req}");
    assert_eq!(req["case"]["channel"], "talent");
    assert_eq!(
        req["case"]["category_name"], "子女入学",
        "the longest item leads"
    );
    assert_eq!(req["case"]["lead_department_id"], id(&jy));
    assert_eq!(req["case"]["org_id"], id(&lab));
    assert_eq!(req["items"][0]["name"], "子女入学");
    assert_eq!(req["items"][1]["name"], "外国人工作许可");
    assert_eq!(
        req["case"]["contact_phone"], "",
        "the talent's own phone is not copied onto the case"
    );

    // The employer does not see it; another talent gets 404.
    let (status, _) = Api::json(employer.get(&format!("/api/v1/cases/{case_id}"))).await;
    assert_eq!(status, 404);
    let listed = employer.get_ok("/api/v1/cases?per_page=50").await;
    assert_eq!(listed["total"], 0, "{listed}");
    let other = app.token_client(&other_user).await;
    let (status, _) = Api::json(other.get(&format!("/api/v1/talent/requests/{case_id}"))).await;
    assert_eq!(status, 404);
    assert_eq!(other.get_ok("/api/v1/talent/requests").await["total"], 0);

    // Each department handles its own task; the lead replies once.
    let case = json!({ "id": case_id });
    let d = zw_clerk.get_ok(&format!("/api/v1/cases/{case_id}")).await;
    let tasks = d["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 2, "{d}");
    let zw_task = tasks
        .iter()
        .find(|t| t["department_id"] == id(&zw))
        .unwrap();
    assert_eq!(zw_task["role"], "assist");
    for (clerk, dept) in [(&zw_clerk, &zw), (&jy_clerk, &jy)] {
        let d = clerk.get_ok(&format!("/api/v1/cases/{case_id}")).await;
        let t = d["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["department_id"] == id(dept))
            .unwrap()
            .clone();
        let (status, t2) = task_act(clerk, &case, &t, "accept", "").await;
        assert_eq!(status, 200, "{t2}");
        let d = clerk.get_ok(&format!("/api/v1/cases/{case_id}")).await;
        let t = d["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["department_id"] == id(dept))
            .unwrap()
            .clone();
        let (status, t3) = task_act(clerk, &case, &t, "complete", "已办结").await;
        assert_eq!(status, 200, "{t3}");
    }
    let d = jy_clerk.get_ok(&format!("/api/v1/cases/{case_id}")).await;
    let (status, r) = act(
        &jy_clerk,
        &case,
        "reply",
        json!({ "version": d["case"]["version"], "reply": "Work permit issued; school place at 科学城第一小学." }),
    )
    .await;
    assert_eq!(status, 200, "{r}");

    // The talent follows and rates; it was told of the reply.
    let detail = me
        .get_ok(&format!("/api/v1/talent/requests/{case_id}"))
        .await;
    assert_eq!(detail["can_rate"], true);
    assert!(detail["case"]["reply"]
        .as_str()
        .unwrap()
        .contains("Work permit"));
    let kinds: Vec<&str> = detail["progress"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"dispatch") && kinds.contains(&"reply"),
        "{kinds:?}"
    );
    let msgs = me.get_ok("/api/v1/messages?per_page=50").await;
    assert!(
        msgs["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["title"].as_str().unwrap_or("").contains("已答复")),
        "{msgs}"
    );
    let (status, r) = me
        .post_json(
            &format!("/api/v1/talent/requests/{case_id}/rate"),
            json!({ "version": detail["case"]["version"], "satisfaction": "很好" }),
        )
        .await;
    assert_eq!(status, 422, "{r}");
    let rated = me
        .post_json(
            &format!("/api/v1/talent/requests/{case_id}/rate"),
            json!({ "version": detail["case"]["version"], "satisfaction": "satisfied", "comment": "Very quick" }),
        )
        .await;
    assert_eq!(rated.0, 200, "{}", rated.1);
    assert_eq!(rated.1["case"]["status"], "closed");
    assert_eq!(rated.1["can_rate"], false);

    // Staff list the request within their scope; the case form refuses the channel.
    let listed = bureau
        .get_ok("/api/v1/talent/requests?international=true")
        .await;
    assert_eq!(
        listed["total"], 0,
        "the bureau's department handles none of it"
    );
    let listed = jy_clerk.get_ok("/api/v1/talent/requests").await;
    assert_eq!(listed["total"], 1, "{listed}");
    let listed = adm
        .get_ok("/api/v1/talent/requests?international=false")
        .await;
    assert_eq!(listed["total"], 0);
    let (status, r) = zw_clerk
        .post_json(
            "/api/v1/cases",
            json!({ "title": "x", "category_id": id(&permit), "org_id": id(&lab), "channel": "talent" }),
        )
        .await;
    assert_eq!(status, 422, "{r}");
    assert!(r["details"]["fields"]["channel"].is_string(), "{r}");
    let (status, _) = Api::json(me.get("/api/v1/cases")).await;
    assert_eq!(
        status, 403,
        "a talent reads its requests, not the case list"
    );

    // Excel, read back: the register masked (unless revealed, audited) and the requests.
    let res = bureau
        .get("/api/v1/talent/talents/export?international=true")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let rows = sheet_rows(&res.bytes().await.unwrap(), None);
    assert_eq!(rows[0][0], "姓名");
    assert_eq!(rows.len(), 2, "only the international talent: {rows:?}");
    assert_eq!(rows[1][1], "Anna WEBER");
    assert_eq!(rows[1][10], "C*****T47");
    assert_eq!(rows[1][8], "2025-09-01");
    let res = adm
        .get("/api/v1/talent/requests/export")
        .send()
        .await
        .unwrap();
    let rows = sheet_rows(&res.bytes().await.unwrap(), None);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][4], "子女入学、外国人工作许可");
    assert_eq!(rows[1][8], "已办结");
    assert_eq!(rows[1][10], "满意");
    let (status, _) = Api::json(me.get("/api/v1/talent/requests/export")).await;
    assert_eq!(status, 403, "exports are for staff");
}

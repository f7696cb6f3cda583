//! The talent register imported from Excel all or nothing (a bad row names
//! its row, column and reason; a masked or already registered number is
//! refused), a full export giving back the imported rows, and the catalogue
//! kept: a tier renamed (its code stays), an item changed and stopped —
//! gone from the talent's catalogue, refused when asked for.

use kechuang_domain::auth::Role;
use kechuang_testkit::{id, spawn_app, Api};
use serde_json::{json, Value};

use crate::talent::{category, created};
use crate::{admin, code, create_department, create_org, sheet_rows, text_xlsx, upload_xlsx};

const HEADER: [&str; 15] = [
    "姓名",
    "外文姓名",
    "国籍",
    "国际人才",
    "人才层次",
    "领域",
    "工作单位",
    "工作单位统一社会信用代码",
    "到岗日期",
    "人才服务专员",
    "护照号",
    "身份证号",
    "手机号",
    "电子邮箱",
    "备注",
];

async fn upload(api: &Api, bytes: Vec<u8>) -> (u16, Value) {
    upload_xlsx(api, "/api/v1/talent/talents/import", bytes).await
}

fn problem<'a>(e: &'a Value, row: u64, column: &str) -> &'a str {
    e["details"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["row"] == row && p["column"] == column)
        .unwrap_or_else(|| panic!("no problem at row {row}, {column}: {e}"))["reason"]
        .as_str()
        .unwrap()
}

#[tokio::test]
async fn the_register_imports_all_or_nothing_and_a_full_export_gives_it_back() {
    let app = spawn_app().await;
    let adm = admin(&app).await;
    let rc = create_department(&adm, "人才服务局", "RC", None).await;
    let bureau = app
        .api_client("rencaiju", Role::Department, Some(id(&rc)), None)
        .await;
    create_org(&adm, "金凤实验室", 801, json!({ "kind": "institute" })).await;
    create_org(
        &adm,
        "山城大学",
        0,
        json!({ "kind": "university", "uscc": "" }),
    )
    .await;
    for (c, n) in [("leading", "领军人才"), ("young", "青年人才")] {
        created(
            &bureau,
            "/api/v1/talent/tiers",
            json!({ "code": c, "name": n }),
        )
        .await;
    }

    // The template has the export's columns.
    let res = bureau
        .get("/api/v1/talent/talents/import/template")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let t = sheet_rows(&res.bytes().await.unwrap(), None);
    assert_eq!(t[0], HEADER.to_vec());

    // Every bad cell is named; nothing is imported.
    let lab = code(801);
    let bad = text_xlsx(&[
        HEADER.to_vec(),
        vec![
            "",
            "Anna WEBER",
            "德国",
            "也许",
            "领军人才",
            "",
            "",
            &lab,
            "",
            "",
            "C*****T47",
            "",
            "",
            "",
            "",
        ],
        vec![
            "李雷",
            "",
            "中国",
            "",
            "院士",
            "",
            "火星研究所",
            "",
            "2026-13-01",
            "张三",
            "",
            "",
            "",
            "",
            "",
        ],
        vec![
            "",
            "",
            "",
            "",
            "青年人才",
            "",
            "山城大学",
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
    let (s, e) = upload(&bureau, bad).await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(e["code"], "import_invalid");
    assert!(problem(&e, 2, "国际人才").contains("是"));
    assert!(problem(&e, 2, "护照号").contains("脱敏"));
    assert!(problem(&e, 3, "人才层次").contains("院士"));
    assert!(problem(&e, 3, "工作单位").contains("火星研究所"));
    assert!(problem(&e, 3, "到岗日期").contains("2026-03-01"));
    assert!(problem(&e, 3, "人才服务专员").contains("张三"));
    assert!(problem(&e, 4, "姓名").contains("姓名"));
    assert_eq!(bureau.get_ok("/api/v1/talent/talents").await["total"], 0);

    // A clean file: the employer by its code, or by its full name.
    let good: Vec<Vec<&str>> = vec![
        HEADER.to_vec(),
        vec![
            "Anna WEBER",
            "Anna WEBER",
            "德国",
            "是",
            "领军人才",
            "智能网联汽车",
            "金凤实验室",
            &lab,
            "2025-09-01",
            "",
            "C01X00T47",
            "",
            "13800138000",
            "anna@example.com",
            "外籍专家",
        ],
        vec![
            "李雷",
            "",
            "中国",
            "否",
            "青年人才",
            "集成电路",
            "山城大学",
            "",
            "2026-03-01",
            "",
            "",
            "500101199001011234",
            "13900139000",
            "",
            "",
        ],
    ];
    let (s, ok) = upload(&bureau, text_xlsx(&good)).await;
    assert_eq!(s, 200, "{ok}");
    assert_eq!(ok["imported"], 2);

    // The full export (audited) gives back what was imported, row for row.
    let res = bureau
        .get("/api/v1/talent/talents/export?reveal=true")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let back = sheet_rows(&res.bytes().await.unwrap(), None);
    let expected: Vec<Vec<String>> = good
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(back, expected);

    // The same file again: the numbers are registered already.
    let (s, e) = upload(&bureau, text_xlsx(&good)).await;
    assert_eq!(s, 422, "{e}");
    assert!(problem(&e, 2, "护照号").contains("Anna WEBER"), "{e}");
    assert_eq!(bureau.get_ok("/api/v1/talent/talents").await["total"], 2);

    // Importing is for those who keep the register.
    let reader = app.api_client("leader", Role::Leader, None, None).await;
    let (s, _) = upload(&reader, text_xlsx(&good)).await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn tiers_are_renamed_and_items_changed_and_stopped() {
    let app = spawn_app().await;
    let adm = admin(&app).await;
    let zw = create_department(&adm, "政务服务局", "ZW", None).await;
    let rc = create_department(&adm, "人才服务局", "RC", None).await;
    let lab = create_org(&adm, "金凤实验室", 802, json!({ "kind": "institute" })).await;
    let bureau = app
        .api_client("rencaiju", Role::Department, Some(id(&rc)), None)
        .await;
    let tier = created(
        &bureau,
        "/api/v1/talent/tiers",
        json!({ "code": "leading", "name": "领军人才" }),
    )
    .await;
    let permit = category(&adm, "work_permit", "外国人工作许可", &zw, 10).await;
    let item = created(
        &bureau,
        "/api/v1/talent/services",
        json!({ "category_id": id(&permit), "name_en": "Work permit" }),
    )
    .await;
    let talent_user = app.user("rencai", Role::Talent, None, None).await;
    created(
        &bureau,
        "/api/v1/talent/talents",
        json!({ "name_latin": "Anna WEBER", "nationality": "德国", "tier_id": id(&tier),
                "employer_org_id": id(&lab), "user_id": talent_user }),
    )
    .await;
    let me = app.token_client(&talent_user).await;
    assert_eq!(
        me.get_ok("/api/v1/talent/services").await[0]["name_en"],
        "Work permit"
    );

    // A category of the catalogue is the talents': not on the case form,
    // not an Open311 service, refused for an enterprise's case.
    let firm = app
        .api_client("qiye", Role::Enterprise, None, Some(id(&lab)))
        .await;
    let (s, e) = firm
        .post_json(
            "/api/v1/cases",
            json!({ "title": "工作许可", "category_id": id(&permit) }),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    assert!(e["details"]["fields"]["category_id"]
        .as_str()
        .unwrap()
        .contains("人才服务"));
    let other = category(&adm, "lab_land", "实验用地", &zw, 10).await;
    let services = Api::json(firm.get("/open311/v2/services.json")).await.1;
    let codes: Vec<&str> = services
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service_code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"lab_land") && !codes.contains(&"work_permit"),
        "{services}"
    );
    let (s, c) = firm
        .post_json(
            "/api/v1/cases",
            json!({ "title": "实验用地", "category_id": id(&other) }),
        )
        .await;
    assert_eq!(s, 201, "{c}");

    // A tier renamed; its code stays whatever is sent; a stale version is refused.
    let (s, t) = bureau
        .put_json(
            &format!("/api/v1/talent/tiers/{}", id(&tier)),
            json!({ "version": tier["version"], "code": "other", "name": "领军人才（A类）", "name_en": "Leading (A)", "sort_order": 1 }),
        )
        .await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["name"], "领军人才（A类）");
    assert_eq!(t["code"], "leading");
    let (s, _) = bureau
        .put_json(
            &format!("/api/v1/talent/tiers/{}", id(&tier)),
            json!({ "version": tier["version"], "name": "x" }),
        )
        .await;
    assert_eq!(s, 409, "stale version");
    let (s, e) = bureau
        .put_json(
            &format!("/api/v1/talent/tiers/{}", id(&tier)),
            json!({ "version": t["version"], "name": "" }),
        )
        .await;
    assert_eq!(s, 422);
    assert!(e["details"]["fields"]["name"].is_string(), "{e}");

    // An item changed, then stopped: the talent no longer sees or gets it.
    let version = item["version"].clone();
    let (s, v) = bureau
        .put_json(
            &format!("/api/v1/talent/services/{}", id(&item)),
            json!({ "version": version, "name_en": "Work permit (Z visa)", "documents": "护照", "tier_codes": "leading,nope" }),
        )
        .await;
    assert_eq!(s, 422, "an unknown tier is named: {v}");
    assert!(v["details"]["fields"]["tier_codes"]
        .as_str()
        .unwrap()
        .contains("nope"));
    let (s, v) = bureau
        .put_json(
            &format!("/api/v1/talent/services/{}", id(&item)),
            json!({ "version": version, "name_en": "Work permit (Z visa)", "documents": "护照", "active": false }),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["active"], false);
    assert_eq!(v["name"], "外国人工作许可", "the category's name stays");
    assert_eq!(me.get_ok("/api/v1/talent/services").await, json!([]));
    let staff = bureau.get_ok("/api/v1/talent/services").await;
    assert_eq!(staff[0]["name_en"], "Work permit (Z visa)");
    let (s, e) = me
        .post_json(
            "/api/v1/talent/requests",
            json!({ "service_ids": id(&item), "text": "请办理工作许可" }),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(e["code"], "not_entitled");

    // Keeping the catalogue is the bureau's (talent_write), not a reader's.
    let leader = app.api_client("leader", Role::Leader, None, None).await;
    let (s, _) = leader
        .put_json(
            &format!("/api/v1/talent/tiers/{}", id(&tier)),
            json!({ "version": t["version"], "name": "x" }),
        )
        .await;
    assert_eq!(s, 403);
}

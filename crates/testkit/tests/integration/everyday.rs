//! The everyday flow through the pages (issue #16): each task action in its
//! own form (退回 needs its reason), each role's landing page, messages read
//! when a case is opened or acted on, a navigation whose labels are the pages'
//! titles, and deadlines that agree between a case and its tasks.

use kechuang_domain::auth::Role;
use kechuang_testkit::{between, id, Api, Browser};
use serde_json::{json, Value};

use crate::cases::{act, fetch, submit, task_act, world, World};

/// Dispatch a case to the lead department with the assisting one.
async fn dispatch(w: &World, c: &Value) {
    let (status, d) = act(
        &w.task_force,
        c,
        "dispatch",
        json!({"version": c["version"], "lead_department_id": w.lead_dep["id"],
               "assist_department_ids": [w.assist_dep["id"]]}),
    )
    .await;
    assert_eq!(status, 200, "{d}");
}

fn task_of<'a>(d: &'a Value, role: &str) -> &'a Value {
    d["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["role"] == role)
        .unwrap_or_else(|| panic!("no {role} task in {}", d["tasks"]))
}

/// The task forms of a case page: (action, the form's HTML) each.
fn task_forms(html: &str) -> Vec<(String, String)> {
    html.split("<form ")
        .skip(1)
        .filter(|f| f.contains("/act/task\""))
        .map(|f| {
            let f = &f[..f.find("</form>").expect("closed form")];
            let action = between(f, "data-action=\"", "\"").unwrap().to_string();
            (action, f.to_string())
        })
        .collect()
}

/// The page a signed-in browser lands on at `path`, following redirects:
/// (final path, HTML).
async fn land(b: &Browser, path: &str) -> (String, String) {
    let mut path = path.to_string();
    for _ in 0..5 {
        let res = b.get(&path).await;
        if res.status().is_redirection() {
            path = res.headers()["location"].to_str().unwrap().to_string();
            continue;
        }
        assert_eq!(res.status(), 200, "{path}");
        return (path, res.text().await.unwrap());
    }
    panic!("too many redirects from {path}");
}

#[tokio::test]
async fn each_task_action_has_its_own_form_and_a_return_needs_its_reason() {
    let w = world().await;
    let c = submit(&w, "厂房环评批复迟迟未下").await;
    dispatch(&w, &c).await;
    let url = format!("/cases/{}", id(&c));
    let kj = w.app.browser("kj").await;
    let html = kj.get_text(&url).await;

    // 签收 and 退回 each in its own form: one submit button each, a text box
    // only where the action needs text, so Enter in a box submits that box's
    // action alone.
    let forms = task_forms(&html);
    let actions: Vec<&str> = forms.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(actions, ["accept", "return"], "{html}");
    for (action, f) in &forms {
        assert_eq!(f.matches("type=\"submit\"").count(), 1, "{action}: {f}");
        assert_eq!(
            f.matches("name=\"action\"").count(),
            1,
            "{action} rides in a hidden field: {f}"
        );
        assert!(f.contains(&format!("name=\"action\" value=\"{action}\"")));
        let boxes = f.matches("name=\"note\"").count();
        assert_eq!(boxes, usize::from(action != "accept"), "{action}: {f}");
    }
    let detail = fetch(&w.lead, &c).await;
    let lead = task_of(&detail, "lead").clone();
    let (tid, tv) = (id(&lead), lead["version"].to_string());

    // An empty reason is refused beside the return form's box; nothing changes.
    let res = kj
        .post_form(
            &format!("{url}/act/task"),
            &[
                ("task_id", &tid),
                ("version", &tv),
                ("action", "return"),
                ("note", "  "),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    let forms = task_forms(&page);
    let (_, ret) = forms.iter().find(|(a, _)| a == "return").unwrap();
    assert!(
        ret.contains("is-invalid") && ret.contains("请填写退回原因"),
        "the error sits beside the reason: {ret}"
    );
    let (_, accept) = forms.iter().find(|(a, _)| a == "accept").unwrap();
    assert!(!accept.contains("请填写退回原因"));
    assert_eq!(page.matches("请填写退回原因").count(), 1, "said once");
    assert_eq!(fetch(&w.lead, &c).await["tasks"][0]["status"], "pending");
    // The API refuses it the same way, naming the field.
    let (status, body) = task_act(&w.lead, &c, &lead, "return", "").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("note_required"))
    );
    assert_eq!(body["details"]["fields"]["note"], "请填写退回原因");
    for (action, what) in [("progress", "办理进展"), ("complete", "办理结果")] {
        let (status, body) = task_act(&w.lead, &c, &lead, action, " ").await;
        assert_eq!(status, 422, "{action}: {body}");
        assert_eq!(body["details"]["fields"]["note"], format!("请填写{what}"));
    }

    // A refused return keeps the typed reason in its box (here: a stale version).
    let reason = "不属于本局职责，应由规划和自然资源局主办";
    let res = kj
        .post_form(
            &format!("{url}/act/task"),
            &[
                ("task_id", &tid),
                ("version", "99"),
                ("action", "return"),
                ("note", reason),
            ],
        )
        .await;
    assert_eq!(res.status(), 409);
    let page = res.text().await.unwrap();
    let forms = task_forms(&page);
    let (_, ret) = forms.iter().find(|(a, _)| a == "return").unwrap();
    assert!(
        ret.contains(&format!("value=\"{reason}\"")),
        "typed text kept: {ret}"
    );
    assert!(
        ret.contains("id=\"action-error\""),
        "the refusal in its form"
    );

    // Submitted, the return form returns the task with its reason: it does not sign for it.
    let res = kj
        .post_form(
            &format!("{url}/act/task"),
            &[
                ("task_id", &tid),
                ("version", &tv),
                ("action", "return"),
                ("note", reason),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let d = fetch(&w.lead, &c).await;
    let lead = task_of(&d, "lead");
    assert_eq!(lead["status"], "returned");
    assert_eq!(lead["returned_reason"], reason);
    assert!(lead["accepted_at"].is_null() || lead.get("accepted_at").is_none());
    assert_eq!(d["case"]["status"], "submitted", "back to triage");

    // Once signed for, 记录进展 and 办结 each have their own box too.
    let c2 = submit(&w, "研发费用加计扣除政策咨询").await;
    dispatch(&w, &c2).await;
    let gz = w.app.browser("gz").await;
    let d2 = fetch(&w.assist, &c2).await;
    let (status, _) = task_act(&w.assist, &c2, task_of(&d2, "assist"), "accept", "").await;
    assert_eq!(status, 200);
    let html = gz.get_text(&format!("/cases/{}", id(&c2))).await;
    let forms = task_forms(&html);
    let actions: Vec<&str> = forms.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(actions, ["progress", "complete", "return"]);
    for (action, f) in &forms {
        assert_eq!(f.matches("name=\"note\"").count(), 1, "{action}");
        assert_eq!(f.matches("type=\"submit\"").count(), 1, "{action}");
    }
}

#[tokio::test]
async fn opening_or_acting_on_a_case_marks_its_messages_read() {
    let w = world().await;
    let c = submit(&w, "人才公寓配租进度").await;
    let other = submit(&w, "知识产权质押融资").await;
    dispatch(&w, &c).await;
    dispatch(&w, &other).await;
    let unread_about = |api: &Api, case: &Value| {
        let link = format!("/cases/{}", id(case));
        let req = api.get("/api/v1/messages?unread=true&per_page=200");
        async move {
            let (status, body) = Api::json(req).await;
            assert_eq!(status, 200, "{body}");
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| m["link"] == link.as_str())
                .count()
        }
    };
    assert!(unread_about(&w.lead, &c).await >= 1, "the lead was told");
    assert!(
        unread_about(&w.assist, &c).await >= 1,
        "the assist was told"
    );

    // Opening the case page reads the lead department's messages about it, no others.
    let kj = w.app.browser("kj").await;
    kj.get_text(&format!("/cases/{}", id(&c))).await;
    assert_eq!(unread_about(&w.lead, &c).await, 0);
    assert!(
        unread_about(&w.lead, &other).await >= 1,
        "other cases stay unread"
    );

    // Acting on a case (here through the API, without opening it) reads them too.
    let d = fetch(&w.assist, &c).await;
    let (status, _) = task_act(&w.assist, &c, task_of(&d, "assist"), "accept", "").await;
    assert_eq!(status, 200);
    assert_eq!(unread_about(&w.assist, &c).await, 0);
    assert!(unread_about(&w.assist, &other).await >= 1);
}

#[tokio::test]
async fn each_role_lands_where_its_work_is() {
    let w = world().await;
    // One case gone round to 待评价, one still waiting to be signed for.
    let done = submit(&w, "高企认定材料辅导").await;
    dispatch(&w, &done).await;
    for (api, role) in [(&w.lead, "lead"), (&w.assist, "assist")] {
        let d = fetch(api, &done).await;
        let (s, _) = task_act(api, &done, task_of(&d, role), "accept", "").await;
        assert_eq!(s, 200);
        let d = fetch(api, &done).await;
        let (s, b) = task_act(api, &done, task_of(&d, role), "complete", "已辅导").await;
        assert_eq!(s, 200, "{b}");
    }
    let v = fetch(&w.lead, &done).await["case"]["version"].clone();
    let (s, b) = act(
        &w.lead,
        &done,
        "reply",
        json!({"version": v, "reply": "已完成辅导"}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let waiting = submit(&w, "中试基地用电增容").await;
    dispatch(&w, &waiting).await;
    // The enterprise registered for an event.
    let today = kechuang_store::clock::today().to_string();
    let (s, e) = w
        .lead
        .post_json(
            "/api/v1/events",
            json!({"title": "两城汇·硬科技路演", "kind": "roadshow", "starts_on": today,
                   "lead_department_ids": id(&w.lead_dep)}),
        )
        .await;
    assert_eq!(s, 201, "{e}");
    let ev = &e["event"];
    let (s, p) = w
        .lead
        .post_json(
            &format!("/api/v1/events/{}/publish", id(ev)),
            json!({"version": ev["version"]}),
        )
        .await;
    assert_eq!(s, 200, "{p}");
    let (s, r) = w
        .enterprise
        .post_json(
            &format!("/api/v1/events/{}/registrations", id(ev)),
            json!({"person_name": "孙经理", "phone": "13900000031"}),
        )
        .await;
    assert_eq!(s, 201, "{r}");

    // A department clerk: sign-in leads to "/", which is their workbench.
    let kj = w.app.browser("kj").await;
    let res = kj.get("/").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/cases/workbench");
    let (at, html) = land(&kj, "/").await;
    assert_eq!(at, "/cases/workbench");
    assert!(html.contains("本部门待签收（1）") && html.contains("中试基地用电增容"));
    assert!(
        !html.contains("<span>首页</span>"),
        "no second home in the navigation"
    );
    // So is a task force's (which triages).
    let (at, html) = land(&w.app.browser("zb").await, "/").await;
    assert_eq!(at, "/cases/workbench");
    assert!(html.contains("待分办"));

    // A leader: the key figures, from the case statistics, each a link to its cases.
    let (at, html) = land(&w.app.browser("leader").await, "/").await;
    assert_eq!(at, "/");
    let figures = between(&html, "id=\"key-figures\"", "id=\"month-compare\"").unwrap();
    for label in ["受理诉求", "在办超期", "按时办结率", "满意率"] {
        assert!(figures.contains(label), "{label}");
    }
    let stats = Api::json(w.leader.get("/api/v1/cases/statistics")).await.1;
    let received = stats["total"]["received"].as_i64().unwrap();
    assert_eq!(received, 2);
    assert!(figures.contains(&format!(
        "<div class=\"fs-3 fw-semibold text-body\">{received}</div>"
    )));
    assert!(figures.contains("href=\"/cases?sla=overdue\""));
    assert!(figures.contains("href=\"/cases?sla=on_time\""));
    let month = kechuang_store::clock::today().format("%Y-%m").to_string();
    let compare = between(&html, "id=\"month-compare\"", "</table>").unwrap();
    assert!(compare.contains("本月") && compare.contains("上月"));
    assert!(
        compare.contains(&format!("href=\"/cases?month={month}\">2</a>")),
        "this month's two cases, linked: {compare}"
    );

    // An enterprise: submit, its cases, those awaiting its rating, its registrations.
    let (at, html) = land(&w.app.browser("qiye").await, "/").await;
    assert_eq!(at, "/");
    let actions = between(
        &html,
        "id=\"enterprise-actions\"",
        "<div class=\"row g-3\">",
    )
    .unwrap();
    for (label, href) in [
        ("提交诉求", "/cases/new"),
        ("我的诉求", "/cases"),
        ("待评价（1）", "/cases?status=replied"),
        ("我的报名（1）", "/events/mine"),
    ] {
        let at = actions
            .find(&format!("href=\"{href}\""))
            .unwrap_or_else(|| panic!("{href}: {actions}"));
        assert!(
            actions[at..].find(label).is_some_and(|i| i < 120),
            "{label}: {actions}"
        );
    }
    let to_rate = between(&html, "id=\"to-rate\"", "</ul>").unwrap();
    assert!(to_rate.contains("高企认定材料辅导") && !to_rate.contains("中试基地用电增容"));
    let regs = between(&html, "id=\"my-registrations\"", "</ul>").unwrap();
    assert!(regs.contains("两城汇·硬科技路演"));
    // Today's event is coming, its registration open, soonest first, the
    // whole list one click away.
    let coming = between(&html, "id=\"coming-events\"", "</ul>").unwrap();
    assert!(
        coming.contains("近期活动（1）")
            && coming.contains("两城汇·硬科技路演")
            && coming.contains("报名中"),
        "{coming}"
    );
    assert!(coming.contains(&format!(
        "href=\"/events?status=published&amp;sort=starts_asc&amp;from={today}\""
    )));

    // The administrator keeps the overview.
    let (at, html) = land(&w.app.browser("admin").await, "/").await;
    assert_eq!(at, "/");
    assert!(html.contains("产业链产值") && html.contains("<h1 class=\"h5 mb-0\">首页</h1>"));
}

/// The text of the first `<h1>` of a page, tags removed.
fn h1_text(html: &str) -> Option<String> {
    let start = html.find("<h1")?;
    let inner = &html[start..];
    let inner = &inner[inner.find('>')? + 1..inner.find("</h1>")?];
    let mut out = String::new();
    let mut in_tag = false;
    for ch in inner.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    Some(out.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The (href, label) of each navigation link of a page.
fn nav_links(html: &str) -> Vec<(String, String)> {
    let nav = between(html, "<nav class=\"app-nav\"", "</nav>").unwrap_or("");
    nav.split("<a class=\"nav-link")
        .skip(1)
        .map(|a| {
            let href = between(a, "href=\"", "\"").unwrap().to_string();
            let label = between(a, "<span>", "</span>").unwrap().to_string();
            (href, label)
        })
        .collect()
}

#[tokio::test]
async fn every_role_s_navigation_names_each_page_by_its_title() {
    let w = world().await;
    let dep = id(&w.lead_dep);
    let org = id(&w.org);
    for role in Role::ALL {
        let name = format!("nav-{}", role.as_str());
        let (d, o) = match role {
            Role::Department | Role::TaskForce => (Some(dep.clone()), None),
            Role::Enterprise => (None, Some(org.clone())),
            _ => (None, None),
        };
        w.app.user(&name, role, d, o).await;
        let b = w.app.browser(&name).await;
        let (_, home) = land(&b, "/").await;
        let links = nav_links(&home);
        assert!(!links.is_empty(), "{role:?} has a navigation");
        let hrefs: Vec<&str> = links.iter().map(|(h, _)| h.as_str()).collect();
        if role.can(kechuang_domain::auth::Permission::CasesSupervise) {
            assert!(hrefs.contains(&"/cases/board"), "{role:?}: 督办看板");
        }
        if role.can(kechuang_domain::auth::Permission::CasesAdmin) {
            assert!(hrefs.contains(&"/admin/webhooks"), "{role:?}: 群机器人");
        }
        assert!(
            links.iter().filter(|(_, l)| l.contains("赛马")).count() <= 1,
            "{role:?}: one 赛马 entry: {links:?}"
        );
        for (href, label) in &links {
            let (_, html) = land(&b, href).await;
            let title = between(&html, "<title>", "</title>").unwrap();
            match title.strip_suffix(" - 科创服务平台") {
                // A page of the site: its title and its heading are the menu's words.
                Some(t) => {
                    assert_eq!(t, label, "{role:?} {href}: <title>");
                    let h1 = h1_text(&html).unwrap_or_default();
                    assert!(
                        h1 == *label
                            || h1.starts_with(&format!("{label} "))
                            || h1.starts_with(&format!("{label}·")),
                        "{role:?} {href}: menu says {label:?}, the page's heading {h1:?}"
                    );
                }
                // A page of its own (the API documentation).
                None => assert!(title.contains(label.as_str()), "{href}: {title}"),
            }
            // Filters say 筛选 on every page, and can be reset.
            assert!(
                !html.contains("查询</button>"),
                "{role:?} {href}: a filter button says 查询"
            );
            if html.contains("筛选</button>") {
                assert!(html.contains(">重置</a>"), "{role:?} {href}: 重置");
            }
        }
    }
}

#[tokio::test]
async fn a_case_and_its_tasks_agree_on_their_deadlines() {
    use kechuang_store::entities::{case, case_task};
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let w = world().await;
    let c = submit(&w, "新能源整车下线检测排队").await;
    dispatch(&w, &c).await;
    // The case is due today (即将到期); the lead department's own task was due yesterday.
    let today = kechuang_store::clock::today();
    let yesterday = today.pred_opt().unwrap();
    case::Entity::update_many()
        .col_expr(case::Column::DueOn, Expr::value(today))
        .filter(case::Column::Id.eq(id(&c)))
        .exec(&w.app.db)
        .await
        .unwrap();
    case_task::Entity::update_many()
        .col_expr(case_task::Column::DueOn, Expr::value(yesterday))
        .filter(case_task::Column::CaseId.eq(id(&c)))
        .filter(case_task::Column::Role.eq("lead"))
        .exec(&w.app.db)
        .await
        .unwrap();

    // The API: the case is due soon, its lead task overdue, the warning the worse.
    let d = fetch(&w.lead, &c).await;
    assert_eq!(d["case"]["sla"], "due_soon");
    assert_eq!(task_of(&d, "lead")["sla"], "overdue");
    assert_eq!(
        d["deadline"],
        json!({"state": "overdue", "label": "部门任务已超期"})
    );

    // The case page's header says what the task row says.
    let kj = w.app.browser("kj").await;
    let html = kj.get_text(&format!("/cases/{}", id(&c))).await;
    let header = between(&html, "id=\"case-deadline\">", "</span>").unwrap();
    assert_eq!(header, "部门任务已超期");
    let tasks = between(&html, "id=\"tasks\"", "</table>").unwrap();
    assert!(tasks.contains("已超期"));
    assert!(!html.contains(">即将到期<"), "nothing says 即将到期 alone");

    // The workbench lists the department's own task: its status, due date and state.
    let wb = kj.get_text("/cases/workbench").await;
    let overdue = between(&wb, "本部门已超期（", "</ul>").unwrap();
    assert!(overdue.starts_with("1）"), "{overdue}");
    use chrono::Datelike;
    let fmt = |d: chrono::NaiveDate| format!("{}年{}月{}日", d.year(), d.month(), d.day());
    assert!(overdue.contains("新能源整车下线检测排队"));
    assert!(overdue.contains("本部门任务：待签收"), "{overdue}");
    assert!(
        overdue.contains(&format!("任务期限 {}", fmt(yesterday))),
        "{overdue}"
    );
    assert!(overdue.contains(">已超期<"));
    assert!(
        !overdue.contains(&format!("期限 {}", fmt(today))),
        "not the case's due date"
    );
    assert!(between(&wb, "本部门即将到期（", "）").is_some_and(|n| n == "0"));
    // The assisting department's task is not late: its workbench says so.
    let gz = w.app.browser("gz").await;
    let wb = gz.get_text("/cases/workbench").await;
    assert!(between(&wb, "本部门已超期（", "）").is_some_and(|n| n == "0"));

    // The list filters by the department's own tasks.
    let list = |q: String| {
        let api = &w.lead;
        async move {
            let (s, b) = Api::json(api.get(&format!("/api/v1/cases?{q}"))).await;
            assert_eq!(s, 200, "{b}");
            b["total"].as_u64().unwrap()
        }
    };
    let dep = id(&w.lead_dep);
    assert_eq!(
        list(format!("task_department_id={dep}&task_sla=overdue")).await,
        1
    );
    assert_eq!(list("task_sla=overdue".into()).await, 1);
    assert_eq!(
        list("sla=overdue".into()).await,
        0,
        "the case is not overdue"
    );
    assert_eq!(
        list(format!(
            "task_department_id={}&task_sla=overdue",
            id(&w.assist_dep)
        ))
        .await,
        0
    );
    let (s, _) = Api::json(w.lead.get("/api/v1/cases?task_sla=late")).await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn a_list_offers_its_page_sizes_and_its_filter_a_reset() {
    let w = world().await;
    crate::cases::receive_many(
        &w,
        (1..=25).map(|n| (format!("用地咨询 {n}"), String::new())),
    )
    .await;
    let b = w.app.browser("admin").await;
    let html = b.get_text("/cases?status=submitted").await;
    let form = between(&html, "<form class=\"filter-bar", "</form>").unwrap();
    assert!(form.contains("href=\"/cases\">重置</a>"), "{form}");
    // The default size is marked; the others are links back to page 1.
    let sizes = between(&html, "class=\"page-sizes\"", "</span>").unwrap();
    assert!(
        sizes.contains("<strong aria-current=\"true\">20</strong>"),
        "{sizes}"
    );
    assert!(
        sizes.contains("href=\"/cases?status=submitted&amp;per_page=10\""),
        "{sizes}"
    );
    // Ten a page: three pages, and the page links keep the size.
    let html = b.get_text("/cases?status=submitted&per_page=10").await;
    assert!(html.contains("共 25 条，第 1/3 页"));
    assert!(html.contains("<strong aria-current=\"true\">10</strong>"));
    assert!(html.contains("href=\"/cases?status=submitted&amp;per_page=10&amp;page=2\""));
    assert_eq!(
        html.matches("class=\"list-group-item case-card\"").count(),
        10
    );
}

#[tokio::test]
async fn date_prompts_say_year_month_day_in_chinese() {
    let w = world().await;
    for (q, said) in [
        ("from=2026/03/01", "日期应写成“年-月-日”，如 2026-03-01"),
        // Years chrono reads but no database stores.
        ("from=-262143-01-01", "日期应写成“年-月-日”，如 2026-03-01"),
        ("month=2026年3月", "月份应写成“年-月”，如 2026-03"),
    ] {
        let (s, b) = Api::json(w.lead.get(&format!("/api/v1/cases?{q}"))).await;
        assert_eq!((s, b["message"].as_str()), (400, Some(said)), "{q}");
    }
    let (s, b) = Api::json(
        w.admin
            .put("/api/v1/calendar/2026-13-01")
            .json(&json!({"kind": "holiday", "name": "x"})),
    )
    .await;
    assert_eq!(
        (s, b["message"].as_str()),
        (400, Some("日期应写成“年-月-日”，如 2026-10-01"))
    );
}

#[tokio::test]
async fn the_lead_department_sees_what_awaits_its_reply_and_starts_from_the_results() {
    let w = world().await;
    let c = submit(&w, "高新区企业人才落户咨询").await;
    // The suggested lead department is the first row of the dispatch panel, ticked.
    let zb = w.app.browser("zb").await;
    let html = zb.get_text(&format!("/cases/{}", id(&c))).await;
    let table = between(&html, "id=\"dispatch-departments\"", "</tbody>").unwrap();
    let first = between(table, "<tbody>", "</tr>").unwrap();
    assert!(
        first.contains("科技创新局") && first.contains(" checked"),
        "{first}"
    );
    dispatch(&w, &c).await;
    let awaiting = |api: &Api| {
        let url = format!(
            "/api/v1/cases?awaiting_reply=true&lead_department_id={}",
            id(&w.lead_dep)
        );
        let req = api.get(&url);
        async move { Api::json(req).await.1["total"].as_u64().unwrap() }
    };
    assert_eq!(awaiting(&w.lead).await, 0);
    for (api, role, result) in [
        (&w.lead, "lead", "已协调人社局办理落户"),
        (&w.assist, "assist", "已核实住房情况"),
    ] {
        let d = fetch(api, &c).await;
        task_act(api, &c, task_of(&d, role), "accept", "").await;
        let d = fetch(api, &c).await;
        let (s, b) = task_act(api, &c, task_of(&d, role), "complete", result).await;
        assert_eq!(s, 200, "{b}");
    }
    assert_eq!(awaiting(&w.lead).await, 1);

    // The lead department's workbench queues it for the reply …
    let kj = w.app.browser("kj").await;
    let wb = kj.get_text("/cases/workbench").await;
    let queue = between(&wb, "待答复企业（", "</ul>").unwrap();
    assert!(queue.starts_with("1）") && queue.contains("高新区企业人才落户咨询"));
    // … and the reply box starts from the departments' results.
    let html = kj.get_text(&format!("/cases/{}", id(&c))).await;
    let reply = between(&html, "name=\"reply\" rows=\"5\">", "</textarea>").unwrap();
    assert!(
        reply.contains("科技创新局（主办）：已协调人社局办理落户"),
        "{reply}"
    );
    assert!(
        reply.contains("规划和自然资源局（协办）：已核实住房情况"),
        "{reply}"
    );
}

/// Pages that compute time limits warn while a year they may reach has no
/// holidays entered (this year when it is empty; next year from October),
/// pointing to the calendar; entering the year clears the warning.
#[tokio::test]
async fn case_pages_warn_while_a_year_s_holidays_are_missing() {
    use chrono::Datelike;
    let app = kechuang_testkit::spawn_app().await;
    let adm = crate::admin(&app).await;
    let b = app.browser("admin").await;
    let today = kechuang_store::clock::today();
    let year = today.year();
    // The test database holds the official calendar up to its last year.
    let entered = adm.get_ok(&format!("/api/v1/calendar?year={year}")).await;
    let missing = if entered.as_array().is_none_or(|a| a.is_empty()) {
        year
    } else {
        year + 1
    };
    if missing == year || today.month() >= 10 {
        for path in ["/cases", "/cases/new", "/cases/workbench", "/calendar"] {
            let html = b.get_text(path).await;
            assert!(
                html.contains("id=\"calendar-gap\"")
                    && html.contains(&format!("{missing}年的法定节假日")),
                "{path}: {html}"
            );
        }
    }
    for y in [year, year + 1] {
        let (s, v) = adm
            .put_json(
                &format!("/api/v1/calendar/{y}-10-01"),
                json!({ "kind": "holiday", "name": "国庆节" }),
            )
            .await;
        assert_eq!(s, 200, "{v}");
    }
    let html = b.get_text("/cases").await;
    assert!(!html.contains("id=\"calendar-gap\""), "{html}");
}

#[tokio::test]
async fn a_department_signs_for_several_tasks_at_once() {
    let w = world().await;
    let mut cases = vec![];
    for title in ["检测排队一", "检测排队二", "检测排队三"] {
        let c = submit(&w, title).await;
        dispatch(&w, &c).await;
        cases.push(c);
    }
    let kj = w.app.browser("kj").await;
    let wb = kj.get_text("/cases/workbench").await;
    let pending = between(&wb, "本部门待签收（", "</form>").unwrap();
    assert!(
        pending.starts_with("3）") && pending.contains("批量签收"),
        "{pending}"
    );
    let keys: Vec<String> = pending
        .split("name=\"task\" value=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect();
    assert_eq!(keys.len(), 3, "{pending}");
    // Meanwhile a colleague signs for the third on its case page.
    let third = fetch(&w.lead, &cases[2]).await;
    let (status, _) = task_act(&w.lead, &cases[2], task_of(&third, "lead"), "accept", "").await;
    assert_eq!(status, 200);

    let fields: Vec<(&str, &str)> = keys.iter().map(|k| ("task", k.as_str())).collect();
    let res = kj.post_form("/cases/workbench/accept", &fields).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    let number = third["case"]["number"].as_str().unwrap();
    assert!(html.contains("已签收 2 项；1 项未签收"), "{html}");
    assert!(html.contains(number), "the refused one is named");
    for c in &cases {
        let d = fetch(&w.lead, c).await;
        assert_eq!(
            task_of(&d, "lead")["status"],
            "accepted",
            "{}",
            d["case"]["title"]
        );
        assert_eq!(
            task_of(&d, "assist")["status"],
            "pending",
            "only the department's own task"
        );
    }
    let wb = kj.get_text("/cases/workbench").await;
    assert!(between(&wb, "本部门待签收（", "）").is_some_and(|n| n == "0"));

    // Nothing ticked, or a tampered value: said, nothing done.
    let html = kj
        .post_form("/cases/workbench/accept", &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("请先勾选要签收的诉求"));
    let res = kj
        .post_form("/cases/workbench/accept", &[("task", "x")])
        .await;
    assert_eq!(res.status(), 400);
    // The assisting department signs its own through the same door; the
    // lead department's task, still waiting, is refused as not its own.
    let fourth = submit(&w, "检测排队四").await;
    dispatch(&w, &fourth).await;
    let d = fetch(&w.lead, &fourth).await;
    let key = |t: &Value| format!("{}:{}:{}", id(&fourth), id(t), t["version"]);
    let gz = w.app.browser("gz").await;
    let (own, lead) = (key(task_of(&d, "assist")), key(task_of(&d, "lead")));
    let html = gz
        .post_form(
            "/cases/workbench/accept",
            &[("task", &own), ("task", &lead)],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("已签收 1 项；1 项未签收"), "{html}");
    assert!(html.contains("只能处理本部门的任务"), "{html}");
    let d = fetch(&w.lead, &fourth).await;
    assert_eq!(task_of(&d, "assist")["status"], "accepted");
    assert_eq!(task_of(&d, "lead")["status"], "pending");
}

#[tokio::test]
async fn a_clerk_marks_chosen_messages_read() {
    let w = world().await;
    for title in ["消息一", "消息二", "消息三"] {
        let c = submit(&w, title).await;
        dispatch(&w, &c).await;
    }
    async fn unread(api: &Api) -> u64 {
        api.get_ok("/api/v1/messages?unread=true").await["total"]
            .as_u64()
            .unwrap()
    }
    let before = unread(&w.lead).await;
    assert!(before >= 3, "{before}");
    let kj = w.app.browser("kj").await;
    let html = kj.get_text("/messages").await;
    assert!(html.contains("批量标为已读") && html.contains("data-check-all=\"id\""));
    let ids: Vec<String> = html
        .split("name=\"id\" value=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect();
    assert!(ids.len() >= 3, "{html}");
    assert!(html.contains("form=\"batch-read\""));
    // Another department cannot mark them: a 404, nothing marked.
    let gz = w.app.browser("gz").await;
    let res = gz.post_form("/messages/read", &[("id", &ids[0])]).await;
    assert_eq!(res.status(), 404);
    assert_eq!(unread(&w.lead).await, before);
    let res = kj
        .post_form("/messages/read", &[("id", &ids[0]), ("id", &ids[1])])
        .await;
    assert_eq!(
        (res.status().as_u16(), crate::location(&res)),
        (303, "/messages?flash=some_read".to_string())
    );
    assert_eq!(unread(&w.lead).await, before - 2);
    assert!(kj
        .get_text("/messages?flash=some_read")
        .await
        .contains("所选消息已标为已读"));
    let res = kj.post_form("/messages/read", &[]).await;
    assert_eq!(crate::location(&res), "/messages?flash=none_chosen");
    assert_eq!(unread(&w.lead).await, before - 2);
}

#[tokio::test]
async fn a_long_list_jumps_to_a_page_keeping_its_filter_and_page_size() {
    let w = world().await;
    crate::cases::receive_many(
        &w,
        (1..=80).map(|n| (format!("跳页测试{n}"), "用于翻页".to_string())),
    )
    .await;
    let b = w.app.browser("admin").await;
    let html = b
        .get_text("/cases?q=%E8%B7%B3%E9%A1%B5%E6%B5%8B%E8%AF%95&per_page=10")
        .await;
    let form = between(&html, "<form class=\"pager-jump", "</form>").expect("跳至 form");
    assert!(form.contains("action=\"/cases\""), "{form}");
    assert!(form.contains("name=\"q\" value=\"跳页测试\""), "{form}");
    assert!(form.contains("name=\"per_page\" value=\"10\""), "{form}");
    assert!(form.contains("name=\"page\" min=\"1\" max=\"8\""), "{form}");
    // What the form sends.
    let last = b
        .get_text("/cases?q=%E8%B7%B3%E9%A1%B5%E6%B5%8B%E8%AF%95&per_page=10&page=8")
        .await;
    assert!(last.contains("第 8/8 页"), "{last}");
    // A short list has no jump.
    let short = b
        .get_text("/cases?q=%E8%B7%B3%E9%A1%B5%E6%B5%8B%E8%AF%95&per_page=50")
        .await;
    assert!(!short.contains("pager-jump"));
}

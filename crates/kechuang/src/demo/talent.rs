//! Demo talent services, shaped like the article: the talent service
//! handled 4,100+ requests with 99.8% satisfaction and runs an
//! international talent hub (国际人才港) where a foreign expert's affairs
//! are done in one place. Tiers and a catalogue of eleven items (each over
//! a case category of the department that does it), about 320 talents
//! (about a third international, each with one of the talent specialists),
//! the demo account `rencai` linked to an overseas expert who reads in
//! English, and requests over 2025–2026 walked through the real case
//! engine under a historical clock: submitted (some on a talent's behalf,
//! some for two items at once), accepted and done by every department,
//! replied once by the lead, rated — one in five hundred unsatisfied and
//! reopened one level up, the newest still in handling.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use kechuang_domain::cases::{Satisfaction, TaskAction};
use kechuang_domain::talent::Origin;
use kechuang_store::cases::{self as c, Actor, CategoryInput, TaskStep};
use kechuang_store::party::staff::{self, StaffRole};
use kechuang_store::talent::catalogue::{self, ServiceInput};
use kechuang_store::talent::requests::{self, SubmitInput};
use kechuang_store::talent::talents::{self, TalentInput};
use kechuang_store::talent::tiers::{self, TierInput};
use kechuang_store::{at_time, calendar, Db, Scope};

/// How many requests the full demo walks (the article's 4,100+).
pub const FULL_REQUESTS: usize = 4_160;

const TIERS: [(&str, &str, &str); 4] = [
    ("top", "顶尖人才", "Top talent"),
    ("leading", "领军人才", "Leading talent"),
    ("outstanding", "拔尖人才", "Outstanding talent"),
    ("young", "青年人才", "Young talent"),
];

/// (code, name, English, department code, workdays, origin, tiers, documents, English documents)
type ItemSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i32,
    Origin,
    &'static str,
    &'static str,
    &'static str,
);

const ITEMS: [ItemSpec; 11] = [
    (
        "talent_cert",
        "人才认定",
        "Talent certification",
        "RC",
        10,
        Origin::Any,
        "",
        "身份证件\n学历学位证书\n劳动合同",
        "ID or passport\nDegree certificates\nEmployment contract",
    ),
    (
        "talent_apartment",
        "人才公寓",
        "Talent apartment",
        "RC",
        15,
        Origin::Any,
        "",
        "人才认定证明\n劳动合同",
        "Talent certificate\nEmployment contract",
    ),
    (
        "housing_subsidy",
        "安居补贴",
        "Housing subsidy",
        "CJ",
        20,
        Origin::Any,
        "top,leading,outstanding",
        "人才认定证明\n购房合同",
        "Talent certificate\nHome purchase contract",
    ),
    (
        "children_school",
        "子女入学",
        "School place for children",
        "RC",
        15,
        Origin::Any,
        "",
        "子女出生证明或护照\n户籍或居留证明",
        "Child's birth certificate or passport\nResidence document",
    ),
    (
        "spouse_job",
        "配偶就业",
        "Job for spouse",
        "RC",
        20,
        Origin::Any,
        "top,leading",
        "配偶简历\n结婚证明",
        "Spouse's CV\nMarriage certificate",
    ),
    (
        "medical_care",
        "医疗保障",
        "Medical care",
        "RC",
        10,
        Origin::Any,
        "",
        "身份证件\n社保或商业保险凭证",
        "ID or passport\nInsurance certificate",
    ),
    (
        "work_permit",
        "外国人工作许可",
        "Work permit for foreigners",
        "ZW",
        10,
        Origin::International,
        "",
        "护照\n学历证明\n无犯罪记录证明\n体检证明",
        "Passport\nDiploma\nCertificate of no criminal record\nHealth certificate",
    ),
    (
        "residence_permit",
        "外国人居留许可",
        "Residence permit",
        "ZW",
        15,
        Origin::International,
        "",
        "护照\n工作许可\n住所证明",
        "Passport\nWork permit\nProof of address",
    ),
    (
        "visa",
        "人才签证",
        "Talent visa (R visa)",
        "ZW",
        5,
        Origin::International,
        "",
        "护照\n邀请函",
        "Passport\nInvitation letter",
    ),
    (
        "hukou",
        "人才落户",
        "Household registration",
        "ZW",
        10,
        Origin::Domestic,
        "",
        "身份证\n户口簿\n劳动合同",
        "ID card\nHousehold register\nEmployment contract",
    ),
    (
        "startup_support",
        "创业扶持",
        "Start-up support",
        "KJ",
        20,
        Origin::Any,
        "",
        "商业计划书\n营业执照",
        "Business plan\nBusiness licence",
    ),
];

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗",
];
const GIVEN: [&str; 16] = [
    "志远", "雨桐", "浩然", "思琪", "子涵", "俊杰", "欣怡", "博文", "梓萱", "宇轩", "静怡", "明哲",
    "晓峰", "嘉怡", "天佑", "若曦",
];
const FOREIGN: [(&str, &str); 12] = [
    ("Anna WEBER", "德国"),
    ("James MILLER", "美国"),
    ("Olivia BROWN", "英国"),
    ("Lucas MARTIN", "法国"),
    ("Haruto SATO", "日本"),
    ("Minjun KIM", "韩国"),
    ("Wei Ming TAN", "新加坡"),
    ("Chloe WILSON", "澳大利亚"),
    ("Noah TREMBLAY", "加拿大"),
    ("Ivan PETROV", "俄罗斯"),
    ("Giulia ROSSI", "意大利"),
    ("Daan DE VRIES", "荷兰"),
];
const FIELDS: [&str; 6] = [
    "智能网联汽车",
    "集成电路",
    "人工智能",
    "生物医药",
    "新材料",
    "科学仪器",
];

/// Load the talent demo: `requests` requests (the full demo: [`FULL_REQUESTS`]).
pub async fn load(db: &Db, dep_ids: &HashMap<&str, String>, requests: usize) -> anyhow::Result<()> {
    let dep = |code: &str| dep_ids.get(code).cloned();
    let actor = "demo";
    for (i, (code, name, en)) in TIERS.iter().enumerate() {
        tiers::create(
            db,
            actor,
            TierInput {
                code: (*code).into(),
                name: (*name).into(),
                name_en: (*en).into(),
                sort_order: i as i32 + 1,
            },
        )
        .await?;
    }
    let tier_rows = tiers::list(db).await?;
    let mut items = vec![];
    for (i, (code, name, en, d, days, origin, tiers_of, docs, docs_en)) in ITEMS.iter().enumerate()
    {
        let cat = c::create_category(
            db,
            actor,
            CategoryInput {
                code: (*code).into(),
                name: (*name).into(),
                lead_department_id: dep(d),
                time_limit_days: *days,
                task_limit_days: *days,
                warn_days: 2,
                rating_days: 5,
                sort_order: 100 + i as i32,
                active: true,
            },
        )
        .await?;
        let s = catalogue::create(
            db,
            actor,
            ServiceInput {
                category_id: cat.id,
                name_en: (*en).into(),
                description: format!("{name}，由人才服务港一窗受理，{days}个工作日内办结。"),
                description_en: format!(
                    "{en}: one window at the talent hub, done within {days} working days."
                ),
                documents: (*docs).into(),
                documents_en: (*docs_en).into(),
                tier_codes: tiers_of
                    .split(',')
                    .filter(|t| !t.is_empty())
                    .map(String::from)
                    .collect(),
                origin: *origin,
                sort_order: i as i32,
                active: true,
            },
        )
        .await?;
        items.push((s.id, *d, *origin, *tiers_of));
    }
    let specialists = staff::of_role(db, StaffRole::TalentSpecialist).await?;
    let employers: Vec<String> = {
        use kechuang_domain::org::OrgKind;
        let mut v = vec![];
        for k in [OrgKind::Institute, OrgKind::University, OrgKind::Enterprise] {
            let f = kechuang_store::orgs::OrgFilter {
                kind: Some(k),
                ..Default::default()
            };
            v.extend(
                kechuang_store::orgs::list_all(db, &Scope::All, &f, 40)
                    .await?
                    .into_iter()
                    .map(|o| o.id),
            );
        }
        v
    };
    let rencai = kechuang_store::accounts::find_user(db, "rencai")
        .await?
        .map(|u| u.id);
    // Talents: about a third international; the first is the demo account's.
    let mut people = vec![];
    for i in 0..320usize {
        let international = i % 3 == 0;
        let (name, latin, nationality) = if i == 0 {
            ("林伟".to_string(), "LIN Wei".to_string(), "新加坡")
        } else if international {
            let (n, c) = FOREIGN[(i / 3) % FOREIGN.len()];
            (n.to_string(), n.to_string(), c)
        } else {
            (
                format!(
                    "{}{}",
                    SURNAMES[i % SURNAMES.len()],
                    GIVEN[(i * 7) % GIVEN.len()]
                ),
                String::new(),
                "中国",
            )
        };
        let tier = &tier_rows[match i % 20 {
            0 => 0,
            1..=4 => 1,
            5..=10 => 2,
            _ => 3,
        }];
        let t = talents::create(
            db,
            actor,
            TalentInput {
                name,
                name_latin: latin,
                nationality: nationality.into(),
                international,
                tier_id: tier.id.clone(),
                field: FIELDS[i % FIELDS.len()].into(),
                employer_org_id: employers[(i * 7) % employers.len()].clone(),
                arrived_on: NaiveDate::from_ymd_opt(
                    2022 + (i % 4) as i32,
                    1 + (i % 12) as u32,
                    1 + (i % 27) as u32,
                ),
                specialist_id: specialists
                    .get(i % specialists.len().max(1))
                    .map(|s| s.id.clone()),
                user_id: if i == 0 { rencai.clone() } else { None },
                passport_no: if international {
                    format!("E{:08}", 10_000_000 + i * 7919)
                } else {
                    String::new()
                },
                id_number: if international {
                    String::new()
                } else {
                    format!("5001{:014}", 198_501_010_000 + i * 13)
                },
                phone: format!("137{:08}", 20_000_000 + i * 41),
                email: format!("talent{i}@example.cn"),
                note: String::new(),
            },
        )
        .await?;
        if i == 0 {
            talents::set_lang(db, actor, &t.id, "en").await?;
        }
        people.push((t, tier.code.clone()));
    }

    let cal = calendar::load(db).await?;
    let today = c::today();
    let start = NaiveDate::from_ymd_opt(2025, 1, 2).expect("date");
    let span = (today - start).num_days().max(60) - 5;
    let at = |d: NaiveDate, hour: u32| {
        Utc.from_utc_datetime(&d.and_hms_opt(hour.saturating_sub(8), 20, 0).expect("time"))
    };
    let dept_names = kechuang_store::names::all(db, "departments").await?;
    let dept_actor = |id: &str| Actor {
        username: "demo".into(),
        user_id: String::new(),
        display_name: format!(
            "{}经办人",
            dept_names.get(id).map(String::as_str).unwrap_or("")
        ),
        acts_for: Some(id.to_string()),
    };
    let scope = Scope::All;
    let mut rated = 0usize;
    for k in 0..requests {
        // Talents take turns; rencai's own requests come early and late.
        let who = if k % 97 == 0 {
            0
        } else {
            1 + (k * 13) % (people.len() - 1)
        };
        let (t, tier) = &people[who];
        let open: Vec<&(String, &str, Origin, &str)> = items
            .iter()
            .filter(|(_, _, o, tiers_of)| {
                kechuang_domain::talent::entitled(tiers_of, tier, *o, t.international)
            })
            .collect();
        let first = open[(k * 7) % open.len()];
        let mut ids = vec![first.0.clone()];
        if k % 11 < 2 {
            let second = open[(k * 7 + 3) % open.len()];
            if second.0 != first.0 {
                ids.push(second.0.clone());
            }
        }
        let received_on = cal.next_workday_on_or_after(
            start + Duration::days((k as i64 * span) / requests.max(1) as i64),
        );
        let received_at = at(received_on, 9 + (k % 8) as u32);
        let submitter = Actor {
            username: "demo".into(),
            user_id: t.user_id.clone().unwrap_or_default(),
            display_name: if t.user_id.is_some() {
                t.name.clone()
            } else {
                "人才服务专员（代人才提交）".into()
            },
            acts_for: None,
        };
        let text = if t.international {
            "I would like this done; my documents are ready.".to_string()
        } else {
            "材料已备齐，请协助办理。".to_string()
        };
        let (case, _) = at_time(
            received_at,
            requests::submit(
                db,
                &submitter,
                SubmitInput {
                    talent_id: t.id.clone(),
                    service_ids: ids,
                    text,
                    received_at,
                    on_behalf_by: None,
                },
            ),
        )
        .await?;
        // The newest stay in handling.
        if k + 40 >= requests {
            continue;
        }
        let work = 1 + (k as u32 * 3) % 5;
        let done_on = cal.add_workdays(received_on, work + 1);
        if done_on >= today {
            continue;
        }
        for task in c::tasks(db, &case.id).await? {
            let who = dept_actor(&task.department_id);
            let accepted = at_time(
                at(cal.add_workdays(received_on, 1), 10),
                c::task_action(
                    db,
                    &scope,
                    &who,
                    &case.id,
                    TaskStep {
                        task_id: task.id.clone(),
                        version: task.version,
                        action: TaskAction::Accept,
                        note: String::new(),
                    },
                ),
            )
            .await?;
            at_time(
                at(done_on, 15),
                c::task_action(
                    db,
                    &scope,
                    &who,
                    &case.id,
                    TaskStep {
                        task_id: task.id.clone(),
                        version: accepted.version,
                        action: TaskAction::Complete,
                        note: "已办结".into(),
                    },
                ),
            )
            .await?;
        }
        let fresh = c::get(db, &scope, &case.id).await?;
        let lead = dept_actor(fresh.lead_department_id.as_deref().unwrap_or(""));
        let replied_on = cal.add_workdays(done_on, 1).min(today);
        let reply = if t.international {
            "Done in one place: everything you asked for is ready. 已一并办结。"
        } else {
            "您申请的事项已一并办结，请查收。"
        };
        let replied = at_time(
            at(replied_on, 11),
            c::reply(db, &scope, &lead, &case.id, fresh.version, reply.into()),
        )
        .await?;
        let rated_on = cal.add_workdays(replied_on, 1);
        if rated_on >= today {
            continue;
        }
        rated += 1;
        let sat = if rated % 500 == 250 {
            Satisfaction::Unsatisfied
        } else if rated % 9 == 4 {
            Satisfaction::Basic
        } else {
            Satisfaction::Satisfied
        };
        at_time(
            at(rated_on, 16),
            c::rate(
                db,
                &scope,
                &submitter,
                &case.id,
                replied.version,
                sat,
                String::new(),
            ),
        )
        .await?;
    }
    Ok(())
}

//! Demo: the service staff of the science city, shaped like the article —
//! 22 party-building instructors (党建指导员), service agents (红色代办员),
//! talent specialists, innovation brokers, the four teams (四支队伍, five
//! each), and six chief service officers (首席服务官) each with a
//! party-building assistant (党建助手, the Zhaoqing mechanism). The demo
//! accounts `zhidaoyuan` and `fuwuguan` are linked to an instructor and an
//! officer. Everyone is assigned to enterprises of the register (some
//! handed over mid-year); about 300 work logs over 2026 record visits and
//! services, some with problems found, and ten of those became cases on
//! the day they were found (the older ones handled and closed since). All
//! written through the store with a historical clock.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use kechuang_domain::cases::{Satisfaction, TaskAction};
use kechuang_domain::org::OrgKind;
use kechuang_store::cases::{self as c, Actor, Assignment, TaskStep};
use kechuang_store::party::staff::{
    self as staff, AssignmentInput, ConvertInput, LogInput, LogKind, StaffInput, StaffRole,
};
use kechuang_store::{accounts, at_time, calendar, departments, orgs, Db, Scope};

const ACTOR: &str = "demo";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date")
}

/// `hour`:20 Beijing time on `d`.
fn at(d: NaiveDate, hour: u32) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(
        &d.and_hms_opt(hour.saturating_sub(8), 20, 0)
            .expect("valid time"),
    )
}

const SURNAMES: [&str; 20] = [
    "刘", "陈", "张", "王", "李", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗",
];
const GIVEN: [&str; 16] = [
    "文静", "志刚", "海燕", "晓东", "丽娟", "建国", "思源", "雨桐", "明辉", "佳怡", "国平", "春梅",
    "立新", "嘉欣", "伟", "敏",
];

fn person(i: usize) -> String {
    // Distinct for the 65 staff of the demo.
    format!(
        "{}{}",
        SURNAMES[i % SURNAMES.len()],
        GIVEN[(i * 3 + i / 20) % GIVEN.len()]
    )
}

/// (role, how many, department code)
const TEAM: [(StaffRole, usize, &str); 10] = [
    (StaffRole::Instructor, 22, "DQ"),
    (StaffRole::ServiceAgent, 4, "ZW"),
    (StaffRole::TalentSpecialist, 4, "RC"),
    (StaffRole::Broker, 3, "KJ-CG"),
    (StaffRole::TechManager, 5, "KJ-CG"),
    (StaffRole::InvestmentManager, 5, "CJ"),
    (StaffRole::ProfessionalManager, 5, "ZS"),
    (StaffRole::IncubatorManager, 5, "KJ"),
    (StaffRole::ServiceOfficer, 6, "JF"),
    (StaffRole::Assistant, 6, "DQ"),
];

/// Visits and services as logged, by kind.
const WORK: [(LogKind, &str); 8] = [
    (LogKind::Visit, "上门走访企业，了解生产经营和党建工作情况"),
    (LogKind::Visit, "走访企业党组织，指导开展主题党日活动"),
    (
        LogKind::Service,
        "协助企业申报高新技术企业认定，梳理材料清单",
    ),
    (
        LogKind::Service,
        "为企业解读科技创新政策，辅导研发费用加计扣除",
    ),
    (LogKind::Visit, "随首席服务官走访企业，听取发展诉求"),
    (LogKind::Assist, "协助企业党支部做好发展党员和党费收缴工作"),
    (LogKind::Service, "组织企业参加产业链供需对接会"),
    (LogKind::Assist, "协助企业对接高校院所开展联合攻关"),
];

/// Problems found, with the case category they belong to.
const PROBLEMS: [(&str, &str); 10] = [
    ("企业新建厂房施工许可办理进度慢，影响投产计划", "approval"),
    ("企业扩产需新增用地约20亩，希望协调土地指标", "land"),
    (
        "企业研发投入大，流动资金紧张，希望对接科企梯度贷",
        "finance",
    ),
    ("企业引进的博士人才子女入学需要协调", "talent"),
    ("生产线扩产后一线技术工人缺口约50人", "labor"),
    ("去年的研发补助资金尚未兑现", "policy"),
    ("企业核心专利遭遇侵权，希望获得维权指导", "ip"),
    ("园区道路施工导致货车进出困难", "infrastructure"),
    ("企业党组织活动场地不足，希望协调党群服务中心场地", "other"),
    ("企业反映园区通勤公交班次少，员工上下班不便", "other"),
];

struct Plan {
    staff: usize,
    org_id: String,
    from: NaiveDate,
    to: Option<NaiveDate>,
}

pub async fn load(db: &Db) -> anyhow::Result<()> {
    let deps: HashMap<String, String> = departments::list(db, &Scope::All)
        .await?
        .into_iter()
        .map(|d| (d.code, d.id))
        .collect();
    let party_orgs = kechuang_store::party::network::choices(db).await?;
    let firms: Vec<String> = orgs::list_all(
        db,
        &Scope::All,
        &orgs::OrgFilter {
            kind: Some(OrgKind::Enterprise),
            ..Default::default()
        },
        10_000,
    )
    .await?
    .into_iter()
    .map(|o| o.id)
    .collect();
    if firms.is_empty() {
        return Ok(());
    }
    let zhidaoyuan = accounts::find_user(db, "zhidaoyuan").await?.map(|u| u.id);
    let fuwuguan = accounts::find_user(db, "fuwuguan").await?.map(|u| u.id);

    // The staff, enrolled at the start of the year.
    let start = day(2026, 1, 5);
    let mut people: Vec<(StaffRole, String, String)> = vec![];
    let mut officers: Vec<String> = vec![];
    let mut n = 0usize;
    for (role, count, dep) in TEAM {
        for k in 0..count {
            n += 1;
            let name = match (role, k) {
                (StaffRole::Instructor, 0) => "刘文静".to_string(),
                (StaffRole::ServiceOfficer, 0) => "周建华".to_string(),
                _ => person(n),
            };
            let user_id = match (role, k) {
                (StaffRole::Instructor, 0) => zhidaoyuan.clone(),
                (StaffRole::ServiceOfficer, 0) => fuwuguan.clone(),
                _ => None,
            };
            let party_org_id = match role {
                StaffRole::Instructor | StaffRole::Assistant if !party_orgs.is_empty() => {
                    Some(party_orgs[(k * 3) % party_orgs.len()].0.clone())
                }
                _ => None,
            };
            let m = at_time(
                at(start, 9),
                staff::create(
                    db,
                    ACTOR,
                    StaffInput {
                        name,
                        staff_role: role,
                        user_id,
                        phone: format!("1392310{:04}", 1000 + n * 37 % 9000),
                        department_id: deps.get(dep).cloned(),
                        party_org_id,
                        assistant_of: (role == StaffRole::Assistant)
                            .then(|| officers[k % officers.len()].clone()),
                    },
                ),
            )
            .await?;
            if role == StaffRole::ServiceOfficer {
                officers.push(m.id.clone());
            }
            people.push((role, m.id, m.name));
        }
    }

    // Assignments: instructors two enterprises each, officers a share of
    // the register (their assistants work the same firms), the others one.
    let of_role = |r: StaffRole| -> Vec<usize> {
        people
            .iter()
            .enumerate()
            .filter(|(_, (role, _, _))| *role == r)
            .map(|(i, _)| i)
            .collect()
    };
    let mid = day(2026, 6, 30);
    let mut plans: Vec<Plan> = vec![];
    for (k, i) in of_role(StaffRole::Instructor).into_iter().enumerate() {
        for j in 0..2 {
            let org = &firms[(k * 2 + j) % firms.len()];
            if j == 1 && k % 4 == 3 {
                // Handed over at mid-year to the next firm in the register.
                plans.push(Plan {
                    staff: i,
                    org_id: org.clone(),
                    from: start,
                    to: Some(mid),
                });
                plans.push(Plan {
                    staff: i,
                    org_id: firms[(k * 2 + 5) % firms.len()].clone(),
                    from: mid + Duration::days(1),
                    to: None,
                });
            } else {
                plans.push(Plan {
                    staff: i,
                    org_id: org.clone(),
                    from: start,
                    to: None,
                });
            }
        }
    }
    let officer_idx = of_role(StaffRole::ServiceOfficer);
    for (f, org) in firms.iter().enumerate() {
        let k = f % officer_idx.len();
        if f == officer_idx.len() {
            // This firm moves from the first officer to the second at mid-year.
            plans.push(Plan {
                staff: officer_idx[0],
                org_id: org.clone(),
                from: start,
                to: Some(mid),
            });
            plans.push(Plan {
                staff: officer_idx[1],
                org_id: org.clone(),
                from: mid + Duration::days(1),
                to: None,
            });
        } else {
            plans.push(Plan {
                staff: officer_idx[k],
                org_id: org.clone(),
                from: start,
                to: None,
            });
        }
    }
    for r in [
        StaffRole::ServiceAgent,
        StaffRole::TalentSpecialist,
        StaffRole::Broker,
        StaffRole::TechManager,
        StaffRole::InvestmentManager,
        StaffRole::ProfessionalManager,
        StaffRole::IncubatorManager,
    ] {
        for (k, i) in of_role(r).into_iter().enumerate() {
            plans.push(Plan {
                staff: i,
                org_id: firms[(k * 3 + r as usize) % firms.len()].clone(),
                from: start,
                to: None,
            });
        }
    }
    for p in &plans {
        let a = at_time(
            at(p.from.max(start), 10),
            staff::assign(
                db,
                ACTOR,
                &people[p.staff].1,
                AssignmentInput {
                    org_id: p.org_id.clone(),
                    from_on: p.from,
                    to_on: None,
                },
            ),
        )
        .await?;
        if let Some(to) = p.to {
            at_time(
                at(to, 17),
                staff::end_assignment(db, ACTOR, &a.id, a.version, to),
            )
            .await?;
        }
    }

    // Work logs over 2026: officers and assistants log twice as often.
    let assistant_of: HashMap<usize, usize> = of_role(StaffRole::Assistant)
        .into_iter()
        .enumerate()
        .map(|(k, i)| (i, officer_idx[k % officer_idx.len()]))
        .collect();
    let mut loggers: Vec<usize> = vec![];
    for _ in 0..2 {
        loggers.extend(officer_idx.iter().copied());
        loggers.extend(of_role(StaffRole::Assistant));
    }
    loggers.extend(of_role(StaffRole::Instructor));
    loggers.extend(of_role(StaffRole::ServiceAgent));
    loggers.extend(of_role(StaffRole::TalentSpecialist));
    let cal = calendar::load(db).await?;
    let today = c::today();
    let first = day(2026, 1, 6);
    let last = today - Duration::days(1);
    if last <= first {
        return Ok(());
    }
    let span = (last - first).num_days();
    let total = 300usize;
    let cats = c::categories(db).await?;
    let mut problems_found = 0usize;
    let mut converted: Vec<(String, NaiveDate)> = vec![];
    for i in 0..total {
        let on = cal
            .next_workday_on_or_after(first + Duration::days(i as i64 * span / total as i64))
            .min(last);
        let who = loggers[(i * 7) % loggers.len()];
        // Assistants log at their officer's firms.
        let works_for = assistant_of.get(&who).copied().unwrap_or(who);
        let mine: Vec<&Plan> = plans
            .iter()
            .filter(|p| p.staff == works_for && p.from <= on && p.to.is_none_or(|t| t >= on))
            .collect();
        let org_id = (!mine.is_empty()).then(|| mine[i % mine.len()].org_id.clone());
        let (kind, content) = WORK[(i * 3) % WORK.len()];
        let problem = (i % 5 == 2 && org_id.is_some()).then(|| PROBLEMS[(i / 5) % PROBLEMS.len()]);
        let log = at_time(
            at(on, 11),
            staff::create_log(
                db,
                ACTOR,
                LogInput {
                    staff_id: people[who].1.clone(),
                    org_id,
                    logged_on: on,
                    kind,
                    content: content.into(),
                    problems: problem.map(|(p, _)| p.to_string()).unwrap_or_default(),
                },
            ),
        )
        .await?;
        let Some((_, code)) = problem else {
            continue;
        };
        problems_found += 1;
        if problems_found % 6 != 1 || converted.len() >= 10 {
            continue;
        }
        let actor = Actor {
            username: ACTOR.into(),
            user_id: String::new(),
            display_name: format!("{}（{}）", people[who].2, people[who].0.label_zh()),
            acts_for: None,
        };
        let (_, case) = at_time(
            at(on, 16),
            staff::to_case(
                db,
                &actor,
                &log.id,
                log.version,
                ConvertInput {
                    category_id: cats.iter().find(|x| x.code == code).map(|x| x.id.clone()),
                    title: None,
                },
            ),
        )
        .await?;
        converted.push((case.id, on));
    }

    // The converted cases found long enough ago were handled and closed.
    let scope = Scope::All;
    let desk = Actor {
        username: ACTOR.into(),
        user_id: String::new(),
        display_name: "受理窗口".into(),
        acts_for: None,
    };
    for (case_id, found) in converted {
        let d = |n: u32| cal.add_workdays(found, n);
        if d(8) >= today {
            continue;
        }
        let case = c::get(db, &scope, &case_id).await?;
        let Some(lead) = cats
            .iter()
            .find(|x| x.id == case.category_id)
            .and_then(|x| x.lead_department_id.clone())
        else {
            continue;
        };
        at_time(
            at(d(1), 10),
            c::dispatch(
                db,
                &scope,
                &desk,
                &case.id,
                case.version,
                Assignment {
                    lead,
                    assists: vec![],
                    task_force: None,
                    limits: vec![],
                },
            ),
        )
        .await?;
        let clerk = Actor {
            display_name: "承办部门经办人".into(),
            ..desk.clone()
        };
        for t in c::tasks(db, &case.id).await? {
            let accepted = at_time(
                at(d(2), 9),
                c::task_action(
                    db,
                    &scope,
                    &clerk,
                    &case.id,
                    TaskStep {
                        task_id: t.id.clone(),
                        version: t.version,
                        action: TaskAction::Accept,
                        note: String::new(),
                    },
                ),
            )
            .await?;
            at_time(
                at(d(5), 15),
                c::task_action(
                    db,
                    &scope,
                    &clerk,
                    &case.id,
                    TaskStep {
                        task_id: t.id.clone(),
                        version: accepted.version,
                        action: TaskAction::Complete,
                        note: "已会同服务人员上门协调解决".into(),
                    },
                ),
            )
            .await?;
        }
        let fresh = c::get(db, &scope, &case.id).await?;
        let replied = at_time(
            at(d(6), 11),
            c::reply(
                db,
                &scope,
                &clerk,
                &case.id,
                fresh.version,
                "经协调，问题已解决，感谢服务人员及时反映。".into(),
            ),
        )
        .await?;
        at_time(
            at(d(7), 14),
            c::rate(
                db,
                &scope,
                &Actor {
                    display_name: "企业联络员".into(),
                    ..desk.clone()
                },
                &case.id,
                replied.version,
                Satisfaction::Satisfied,
                String::new(),
            ),
        )
        .await?;
    }
    Ok(())
}

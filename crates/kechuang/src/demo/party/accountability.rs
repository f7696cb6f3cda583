//! Demo: Zhaoqing's accountability of service officers and their assistants.
//!
//! At the officers' monthly meeting of 23 October the party-building office
//! holds to account, by name, the chief service officer and the assistant
//! whose enterprises' cases ran latest in the first three quarters (counted
//! by `accountability::lateness` from the cases, not chosen by hand): the
//! officer's interview is followed up and closed in November, the
//! assistant's is still being followed up; an instructor gets a supervision
//! order. Three assistants report to instructors in threads (工作沟通); the
//! demo instructor 刘文静 (account `zhidaoyuan`) has an unread report.

use chrono::{NaiveDate, TimeZone, Utc};
use kechuang_store::party::accountability::{self, AccountKind, AccountabilityInput, Lateness};
use kechuang_store::party::staff::{self, StaffRole};
use kechuang_store::party::threads::{self, ThreadInput};
use kechuang_store::{at_time, Db};

const ACTOR: &str = "demo";
const ACTOR_NAME: &str = "党群工作部（演示）";

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).expect("valid demo date")
}

/// `hour` o'clock Beijing time on `d`.
fn at(d: NaiveDate, hour: u32) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(hour - 8, 10, 0).expect("valid time"))
}

fn reason(l: &Lateness) -> String {
    format!(
        "前三季度联系的{}家企业提出诉求{}件，其中在办超期{}件、超期办结{}件，走访跟进不及时",
        l.enterprises, l.cases, l.overdue_open, l.late
    )
}

pub async fn load(db: &Db) -> anyhow::Result<()> {
    let meeting = day(10, 23);
    let late = at_time(
        at(meeting, 9),
        accountability::lateness(db, day(1, 1), day(9, 30)),
    )
    .await?;
    let latest = |role: StaffRole| late.iter().find(|l| l.staff.staff_role == role.as_str());
    let records = [
        (
            latest(StaffRole::ServiceOfficer),
            AccountKind::Interview,
            "承认联系企业诉求跟进不够及时，表态一个月内逐户回访超期诉求企业，每周向党群工作部报告进展",
            "11月逐户回访完毕，超期诉求已协调主办部门办结或明确办理时限，月度例会上作了汇报",
            Some(day(11, 20)),
        ),
        (
            latest(StaffRole::Assistant),
            AccountKind::Interview,
            "表态加密走访频次，每月至少走访联系企业两次，问题当日记入工作记录",
            "11月走访记录已增加，仍有2家企业未走访，继续跟踪",
            None,
        ),
        (
            latest(StaffRole::Instructor),
            AccountKind::Supervision,
            "限12月15日前完成所联系企业党组织的年度走访，并将发现的问题转为诉求",
            "",
            None,
        ),
    ];
    for (who, kind, outcome, follow_up, closed_on) in records {
        let Some(l) = who else { continue };
        let held_on = if kind == AccountKind::Supervision {
            day(11, 20)
        } else {
            meeting
        };
        let m = at_time(
            at(held_on, 15),
            accountability::create(
                db,
                ACTOR,
                ACTOR_NAME,
                AccountabilityInput {
                    staff_id: l.staff.id.clone(),
                    kind,
                    case_number: None,
                    held_on,
                    reason: reason(l),
                    outcome: outcome.into(),
                    follow_up: String::new(),
                    closed_on: None,
                },
            ),
        )
        .await?;
        if !follow_up.is_empty() {
            let on = closed_on.unwrap_or(day(11, 27));
            at_time(
                at(on, 16),
                accountability::update(
                    db,
                    ACTOR,
                    &m.id,
                    m.version,
                    AccountabilityInput {
                        staff_id: m.staff_id.clone(),
                        kind,
                        case_number: None,
                        held_on,
                        reason: m.reason.clone(),
                        outcome: m.outcome.clone(),
                        follow_up: follow_up.into(),
                        closed_on,
                    },
                ),
            )
            .await?;
        }
    }
    threads_between_assistants_and_instructors(db).await
}

/// (subject, the assistant's report, the instructor's answer, the assistant's follow-up)
const THREADS: [(&str, &str, &str, &str); 3] = [
    (
        "企业党支部换届准备情况",
        "走访时了解到企业党支部今年底任期届满，支部书记拟调整，党员对换届程序不太熟悉，请指导。",
        "请先帮助支部摸清党员人数和组织关系，按程序向上级党组织报告换届请示；我下周到企业讲一次换届工作流程。",
        "已协助支部完成党员信息核对，换届请示材料初稿已交支部书记，请审阅。",
    ),
    (
        "企业反映人才公寓申请进度",
        "企业两名研发骨干申请人才公寓两个月未有答复，企业希望了解进度，是否需要转为诉求？",
        "可以转为诉求，由人才服务局主办，我同步提醒首席服务官跟进。",
        "已转为诉求，人才服务局已签收。",
    ),
    (
        "党员先锋岗设岗建议",
        "企业研发中心有6名党员，建议设立党员先锋岗，承担关键技术攻关任务，请指导设岗方式。",
        "建议结合企业年度研发项目设岗，明确岗位职责和承诺事项，纳入承诺践诺管理。",
        "",
    ),
];

async fn threads_between_assistants_and_instructors(db: &Db) -> anyhow::Result<()> {
    let assistants = staff::of_role(db, StaffRole::Assistant).await?;
    let instructors = staff::of_role(db, StaffRole::Instructor).await?;
    // The demo instructor (linked to an account) answers the first assistant.
    let demo_instructor = instructors.iter().find(|i| i.user_id.is_some());
    for (k, (subject, report, answer, follow)) in THREADS.iter().enumerate() {
        let (Some(a), Some(i)) = (
            assistants.get(k),
            if k == 0 {
                demo_instructor.or(instructors.first())
            } else {
                instructors.get(k * 3)
            },
        ) else {
            continue;
        };
        // About a firm of the officer the assistant works for.
        let org_id = match &a.assistant_of {
            Some(o) => staff::assignments(db, o)
                .await?
                .into_iter()
                .nth(k)
                .map(|x| x.org_id),
            None => None,
        };
        let started = day(11, 9 + k as u32 * 3);
        let t = at_time(
            at(started, 10),
            threads::create(
                db,
                ACTOR,
                &a.id,
                ThreadInput {
                    assistant_id: a.id.clone(),
                    instructor_id: i.id.clone(),
                    org_id,
                    work_log_id: None,
                    subject: (*subject).into(),
                    body: (*report).into(),
                },
            ),
        )
        .await?;
        at_time(
            at(started, 16),
            threads::post(db, ACTOR, &t.id, &i.id, (*answer).into()),
        )
        .await?;
        if !follow.is_empty() {
            at_time(
                at(started + chrono::Duration::days(2), 11),
                threads::post(db, ACTOR, &t.id, &a.id, (*follow).into()),
            )
            .await?;
        }
    }
    Ok(())
}

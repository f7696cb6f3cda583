//! Demo: 700+ public commitments of the members, pledged in 2026 and walked
//! through the real cycle — progress reports with evidence and the
//! secretaries' verdicts — so most of those due are fulfilled, a few were
//! found unfulfilled, some wait for verification and some are overdue.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use kechuang_domain::party::MemberStage;
use kechuang_store::party::commitments::{self, PledgeInput, ReportInput};
use kechuang_store::party::network;
use kechuang_store::{at_time, Db};

const ACTOR: &str = "demo";

const ITEMS: [&str; 12] = [
    "走访联系企业不少于10家并收集诉求",
    "帮助企业申报高新技术企业认定",
    "牵头完成一项技术攻关任务",
    "为企业对接高校科研团队一次",
    "开展一次科技政策宣讲",
    "协助引进高层次人才1名",
    "带领团队完成中试验证",
    "为新入职员工开展党史学习辅导",
    "推动一项专利实现转化许可",
    "参与一次志愿服务活动",
    "帮助企业解决融资对接难题",
    "完成年度实验室安全隐患排查",
];

fn at(d: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(2, 0, 0).expect("valid time"))
}

pub async fn load(db: &Db) -> anyhow::Result<()> {
    let members = network::members_all(db, &Default::default(), 10_000).await?;
    let today = kechuang_store::clock::today();
    let mut k = 0usize;
    for m in members
        .iter()
        .filter(|m| MemberStage::parse(&m.stage).is_some_and(|s| s.is_member()))
    {
        for j in 0..2 {
            k += 1;
            let pledged = NaiveDate::from_ymd_opt(2026, 1 + (j as u32) * 2, 5 + (k % 20) as u32)
                .expect("valid date");
            let due = pledged + Duration::days(60 + ((k * 37) % 240) as i64);
            let c = at_time(
                at(pledged),
                commitments::pledge(
                    db,
                    ACTOR,
                    PledgeInput {
                        member_id: m.id.clone(),
                        title: ITEMS[(k * 5 + j) % ITEMS.len()].into(),
                        detail: String::new(),
                        pledged_on: pledged,
                        due_on: due,
                    },
                ),
            )
            .await?;
            // Halfway: a progress report.
            let mid = pledged + Duration::days(30);
            if mid >= today {
                continue;
            }
            let c = at_time(
                at(mid),
                commitments::report(
                    db,
                    ACTOR,
                    &c.id,
                    c.version,
                    ReportInput {
                        reported_on: mid,
                        progress: "已按计划推进，完成约一半".into(),
                        evidence: String::new(),
                        percent: 50,
                    },
                ),
            )
            .await?;
            // By the due date: most report completion; one in twenty does not (overdue).
            if due >= today || k.is_multiple_of(20) {
                continue;
            }
            let c = at_time(
                at(due),
                commitments::report(
                    db,
                    ACTOR,
                    &c.id,
                    c.version,
                    ReportInput {
                        reported_on: due,
                        progress: "承诺事项已完成".into(),
                        evidence: format!("工作台账第{k}号、走访记录与照片"),
                        percent: 100,
                    },
                ),
            )
            .await?;
            // The secretary verifies within a week; one in twenty-five is still waiting.
            let on = due + Duration::days(5);
            if on >= today || k % 25 == 3 {
                continue;
            }
            let fulfilled = !k.is_multiple_of(17);
            at_time(
                at(on),
                commitments::verify(
                    db,
                    "demo",
                    &c.id,
                    c.version,
                    fulfilled,
                    if fulfilled {
                        String::new()
                    } else {
                        "佐证材料不足，未达到承诺标准".into()
                    },
                    on,
                ),
            )
            .await?;
        }
    }
    Ok(())
}

//! Demo: Joint and monthly coordination meetings, their decisions as the annual key-item list (年度重点事项) with milestones, and agendas that pick up overdue or at-risk items.
//!
//! Fifteen meetings in 2026 (a joint meeting each quarter, monthly
//! coordination meetings between them, an enterprise symposium and two
//! monthly meetings of the chief service officers) and 27 key items decided
//! at them, each with three milestones. Everything is replayed in
//! date order through the store (`at_time`): milestones are completed,
//! progress is reported and items are closed on their dates, so each
//! meeting's agenda is what was overdue or at risk on its day. By the end
//! of November some items are done (on time or late), some are overdue,
//! some at risk and some on track.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use kechuang_store::party::meetings::{self, KeyItemInput, MeetingInput, MeetingKind};
use kechuang_store::{at_time, Db, Scope};

const ACTOR: &str = "demo";

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).expect("valid demo date")
}

/// 10:00 Beijing time on `d`.
fn at(d: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(2, 0, 0).expect("valid time"))
}

/// (kind, title, month, day)
const MEETINGS: [(MeetingKind, &str, u32, u32); 15] = [
    (MeetingKind::Joint, "2026年第一季度科创党建联席会议", 1, 16),
    (MeetingKind::Monthly, "2月党建工作月度碰头会", 2, 27),
    (MeetingKind::Monthly, "3月党建工作月度碰头会", 3, 27),
    (MeetingKind::Joint, "2026年第二季度科创党建联席会议", 4, 17),
    (MeetingKind::Monthly, "5月党建工作月度碰头会", 5, 29),
    (MeetingKind::Monthly, "6月党建工作月度碰头会", 6, 26),
    (MeetingKind::Joint, "2026年第三季度科创党建联席会议", 7, 17),
    (MeetingKind::Monthly, "8月党建工作月度碰头会", 8, 28),
    (MeetingKind::Monthly, "9月党建工作月度碰头会", 9, 25),
    (MeetingKind::Joint, "2026年第四季度科创党建联席会议", 10, 16),
    (MeetingKind::Monthly, "10月党建工作月度碰头会", 10, 30),
    (MeetingKind::Monthly, "11月党建工作月度碰头会", 11, 27),
    (MeetingKind::Symposium, "科创企业党建工作座谈会", 6, 12),
    (
        MeetingKind::OfficersMonthly,
        "10月首席服务官与党建助手月度例会",
        10,
        23,
    ),
    (
        MeetingKind::OfficersMonthly,
        "11月首席服务官与党建助手月度例会",
        11,
        20,
    ),
];

/// How an item ends up by the end of November.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// Every milestone on time, closed on this date (before the deadline).
    OnTime(u32, u32),
    /// Milestones late, closed on this date (after the deadline).
    Late(u32, u32),
    /// The first milestone late, then stuck: overdue now, with this progress.
    Stuck(i32),
    /// Milestones on time so far, with this progress.
    Steady(i32),
    /// The first milestone missed, with this progress.
    Missed(i32),
}

/// (meeting index, title, department code, owner, due month, due day, plan)
type Spec = (
    usize,
    &'static str,
    &'static str,
    &'static str,
    u32,
    u32,
    Plan,
);

const ITEMS: [Spec; 27] = [
    (
        0,
        "推动金凤实验室与入驻企业党组织结对共建",
        "DQ",
        "刘敏",
        6,
        30,
        Plan::OnTime(6, 19),
    ),
    (
        0,
        "建成科学城党群服务中心科创服务站",
        "DQ",
        "陈立",
        5,
        31,
        Plan::OnTime(5, 22),
    ),
    (
        0,
        "开展“党建+科创”项目路演活动12场",
        "KJ",
        "李强",
        4,
        30,
        Plan::Late(7, 10),
    ),
    (
        0,
        "建立新能源汽车产业链党委月度协调机制",
        "ZB-NEV",
        "赵峰",
        9,
        30,
        Plan::Stuck(55),
    ),
    (
        0,
        "推进科研机构“双向进入、交叉任职”",
        "DQ",
        "王静",
        8,
        31,
        Plan::OnTime(8, 20),
    ),
    (
        0,
        "组建集成电路产业人才服务专员队伍",
        "RC",
        "孙悦",
        10,
        31,
        Plan::Stuck(60),
    ),
    (
        0,
        "解决三安意法半导体项目批复周期长问题",
        "ZW",
        "周洁",
        3,
        31,
        Plan::Late(5, 15),
    ),
    (
        0,
        "完善科技创新领域发展党员工作台账",
        "DQ",
        "何平",
        6,
        30,
        Plan::OnTime(6, 26),
    ),
    (
        0,
        "建设中试熟化平台党员先锋岗",
        "KJ-CG",
        "罗涛",
        12,
        31,
        Plan::Steady(80),
    ),
    (
        0,
        "推动科技型企业梯度贷款扩面",
        "CJ",
        "邓琳",
        9,
        30,
        Plan::OnTime(9, 18),
    ),
    (
        3,
        "开展人工智能产业链党建联建活动",
        "ZB-AI",
        "唐伟",
        8,
        31,
        Plan::OnTime(8, 25),
    ),
    (
        3,
        "打造“两城汇”科创活动党建品牌",
        "KJ",
        "谢敏",
        7,
        31,
        Plan::Late(9, 20),
    ),
    (
        3,
        "推进生物医药专班企业诉求闭环办理",
        "ZB-BIO",
        "冯洁",
        10,
        15,
        Plan::Stuck(45),
    ),
    (
        3,
        "落实党建助手工作纳入首席服务官定期汇报",
        "DQ",
        "刘敏",
        6,
        30,
        Plan::OnTime(6, 15),
    ),
    (
        3,
        "建立国际人才党员联系服务机制",
        "RC",
        "孙悦",
        12,
        31,
        Plan::Missed(35),
    ),
    (
        3,
        "推动高校院所科技成果就地转化",
        "KJ-CG",
        "罗涛",
        11,
        20,
        Plan::OnTime(11, 10),
    ),
    (
        3,
        "规划建设科创园区党建阵地",
        "GZ",
        "杨帆",
        12,
        31,
        Plan::Steady(85),
    ),
    (
        6,
        "开展“三比一做”先锋队赛马比拼",
        "DQ",
        "何平",
        11,
        30,
        Plan::OnTime(11, 20),
    ),
    (
        6,
        "举办科创企业融资对接会党建专场",
        "CJ",
        "邓琳",
        11,
        15,
        Plan::Stuck(50),
    ),
    (
        6,
        "推进党员责任区全覆盖",
        "DQ",
        "陈立",
        12,
        20,
        Plan::Steady(55),
    ),
    (
        6,
        "完善招商项目党建工作同步嵌入机制",
        "ZS",
        "钱坤",
        12,
        15,
        Plan::Steady(40),
    ),
    (
        6,
        "建设集成电路公共技术服务平台",
        "ZB-IC",
        "吴昊",
        12,
        31,
        Plan::Missed(50),
    ),
    (
        9,
        "编制2027年度党建联建重点事项清单",
        "DQ",
        "王静",
        12,
        25,
        Plan::Steady(40),
    ),
    (
        9,
        "开展党员人才承诺践诺年终评议",
        "DQ",
        "刘敏",
        12,
        31,
        Plan::Steady(75),
    ),
    (
        9,
        "推动揭榜挂帅项目成果发布",
        "KJ",
        "李强",
        12,
        31,
        Plan::Steady(70),
    ),
    (
        12,
        "建立企业座谈会所提问题清单化销号机制",
        "DQ",
        "陈立",
        9,
        30,
        Plan::OnTime(9, 18),
    ),
    (
        13,
        "首席服务官联系企业走访全覆盖",
        "DQ",
        "赵磊",
        12,
        20,
        Plan::Steady(60),
    ),
];

const MILESTONES: [&str; 3] = ["制定工作方案", "组织推进实施", "总结验收"];

/// Nothing happens after this day in the demo's history.
fn last_day() -> NaiveDate {
    day(11, 28)
}

enum Event {
    Meeting(usize),
    Create(usize),
    Milestone(usize, usize),
    Progress(usize, i32, String),
    Close(usize),
}

fn events() -> Vec<(NaiveDate, u8, Event)> {
    let mut ev = vec![];
    for (k, (_, _, m, d)) in MEETINGS.iter().enumerate() {
        ev.push((day(*m, *d), 1, Event::Meeting(k)));
    }
    for (i, (mi, _, _, _, dm, dd, plan)) in ITEMS.iter().enumerate() {
        let held = day(MEETINGS[*mi].2, MEETINGS[*mi].3);
        let due = day(*dm, *dd);
        ev.push((held, 2, Event::Create(i)));
        let ms = milestone_dates(held, due);
        let mut push_ms = |k: usize, on: NaiveDate, pct: i32| {
            if on <= last_day() {
                ev.push((on, 0, Event::Milestone(i, k)));
                ev.push((
                    on,
                    0,
                    Event::Progress(i, pct, format!("已完成“{}”", MILESTONES[k])),
                ));
            }
        };
        match *plan {
            Plan::OnTime(cm, cd) => {
                let close = day(cm, cd);
                push_ms(0, ms[0] - Duration::days(3), 35);
                push_ms(1, ms[1] - Duration::days(2), 70);
                push_ms(2, close, 100);
                ev.push((close, 0, Event::Close(i)));
            }
            Plan::Late(cm, cd) => {
                let close = day(cm, cd);
                push_ms(0, (ms[0] + Duration::days(12)).min(close), 30);
                push_ms(1, (ms[1] + Duration::days(25)).min(close), 60);
                push_ms(2, close, 100);
                ev.push((close, 0, Event::Close(i)));
            }
            Plan::Stuck(pct) => {
                push_ms(0, ms[0] + Duration::days(6), 30);
                let on = (ms[1] - Duration::days(5)).min(last_day());
                ev.push((on, 0, Event::Progress(i, pct, "推进中，进度滞后".into())));
            }
            Plan::Steady(pct) => {
                let mut done = 0;
                for (k, due) in ms.iter().take(2).enumerate() {
                    if *due <= last_day() {
                        done += 1;
                        push_ms(k, *due - Duration::days(2), 20 * done);
                    }
                }
                ev.push((
                    day(11, 20).max(held + Duration::days(20)),
                    0,
                    Event::Progress(i, pct, "按计划推进".into()),
                ));
            }
            Plan::Missed(pct) => {
                ev.push((
                    (ms[0] - Duration::days(10)).min(last_day()),
                    0,
                    Event::Progress(i, pct, "前期工作推进中".into()),
                ));
            }
        }
    }
    ev.sort_by_key(|(d, order, _)| (*d, *order));
    ev
}

/// Three milestones: a third of the way, two thirds, and the deadline.
fn milestone_dates(from: NaiveDate, due: NaiveDate) -> [NaiveDate; 3] {
    let span = (due - from).num_days();
    [
        from + Duration::days(span / 3),
        from + Duration::days(span * 2 / 3),
        due,
    ]
}

fn minutes(kind: MeetingKind) -> &'static str {
    match kind {
        MeetingKind::Joint => "会议通报上一阶段年度党建联建重点事项推进情况，逐项研究议程所列逾期和有逾期风险事项的推进措施；审议本季度新增重点事项，明确责任单位、责任人、完成时限和节点安排，实行项目化、清单化管理。",
        MeetingKind::Monthly => "会议调度重点事项月度进展，对议程所列逾期和有逾期风险事项逐项明确整改措施和完成时限，需跨部门协调的问题提交产业专班协同处置。",
        MeetingKind::Symposium => "邀请园区科创企业党组织书记、企业负责人座谈，听取企业在融资、人才、用地和政策兑现方面的意见建议；现场收集问题逐条登记，明确责任部门限时答复，纳入重点事项清单销号管理。",
        MeetingKind::OfficersMonthly => "首席服务官和党建助手逐一汇报联系企业走访、诉求办理和党建工作情况，通报联系企业诉求超期情况，对超期较多的服务人员提出督办要求，研究下月走访计划。",
    }
}

pub async fn load(db: &Db) -> anyhow::Result<()> {
    let deps: HashMap<String, String> = kechuang_store::departments::list(db, &Scope::All)
        .await?
        .into_iter()
        .map(|d| (d.code, d.id))
        .collect();
    let mut meeting_ids: Vec<String> = vec![String::new(); MEETINGS.len()];
    let mut item_ids: Vec<String> = vec![String::new(); ITEMS.len()];
    // (id, version) of each item's milestones.
    let mut milestone_ids: Vec<Vec<(String, i32)>> = vec![vec![]; ITEMS.len()];
    for (on, _, e) in events() {
        at_time(at(on), async {
            match e {
                Event::Meeting(k) => {
                    let (kind, title, _, _) = MEETINGS[k];
                    let (m, _) = meetings::create_meeting(
                        db,
                        ACTOR,
                        MeetingInput {
                            kind,
                            title: title.into(),
                            held_on: on,
                            place: match kind {
                                MeetingKind::Joint | MeetingKind::Symposium => {
                                    "科学城党群服务中心第一会议室".into()
                                }
                                _ => "管委会党群工作部会议室".into(),
                            },
                            attendees: match kind {
                                MeetingKind::Joint => "管委会党群工作部、科技创新局、经济发展局、人才服务局、财政金融局、政务服务中心，各产业专班，金凤实验室、明月湖实验室等科研机构党组织负责人".into(),
                                MeetingKind::Symposium => "党群工作部、科技创新局、财政金融局，12家科创企业党组织书记和企业负责人".into(),
                                MeetingKind::OfficersMonthly => "党群工作部，全体首席服务官、党建助手，党建指导员代表".into(),
                                MeetingKind::Monthly => "党群工作部、各产业专班联络员、党建指导员代表".into(),
                            },
                            minutes: minutes(kind).into(),
                        },
                    )
                    .await?;
                    meeting_ids[k] = m.id;
                }
                Event::Create(i) => {
                    let (mi, title, dep, owner, dm, dd, _) = ITEMS[i];
                    let due = day(dm, dd);
                    let ms = milestone_dates(on, due);
                    let row = meetings::create_key_item(
                        db,
                        ACTOR,
                        KeyItemInput {
                            year: None,
                            title: title.into(),
                            owner: owner.into(),
                            department_id: deps.get(dep).cloned(),
                            meeting_id: Some(meeting_ids[mi].clone()),
                            decision: format!(
                                "会议决定：{title}，由{owner}牵头负责，{}前完成。",
                                month_day(due)
                            ),
                            due_on: due,
                            note: String::new(),
                            milestones: MILESTONES
                                .iter()
                                .zip(ms)
                                .map(|(t, d)| (t.to_string(), d))
                                .collect(),
                        },
                    )
                    .await?;
                    // Milestones come back by due date, as planned.
                    milestone_ids[i] = row
                        .milestones
                        .iter()
                        .map(|m| (m.id.clone(), m.version))
                        .collect();
                    item_ids[i] = row.item.id;
                }
                Event::Milestone(i, k) => {
                    // A milestone is written once, when it is completed.
                    let (id, v) = &milestone_ids[i][k];
                    meetings::complete_milestone(db, ACTOR, &item_ids[i], id, *v, on).await?;
                }
                Event::Progress(i, pct, note) => {
                    let it = meetings::get_key_item(db, &item_ids[i]).await?;
                    if it.status == "open" {
                        meetings::report_progress(db, ACTOR, &it.id, it.version, pct, note)
                            .await?;
                    }
                }
                Event::Close(i) => {
                    let it = meetings::get_key_item(db, &item_ids[i]).await?;
                    meetings::complete_key_item(db, ACTOR, &it.id, it.version, on).await?;
                }
            }
            anyhow::Ok(())
        })
        .await?;
    }
    Ok(())
}

/// "6月30日"
fn month_day(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}月{}日", d.month(), d.day())
}

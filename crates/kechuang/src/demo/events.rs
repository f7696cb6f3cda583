//! Demo events (赛会展演), shaped like the article: the 两城汇 series of 56
//! events over 2025–2026 (mixed kinds), reaching 500+ institutions — the
//! register's organisations and generated institutions not yet registered,
//! with valid credit codes — and 10,000+ attendances; the last events are
//! upcoming with registration open; outcomes for some. Everything goes
//! through the store's own functions under a historical clock: people
//! register a week before (and check in at the door), or walk in.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use kechuang_domain::events::{EventKind, OrganiserRole, OutcomeKind, Schedule, Sector, Window};
use kechuang_domain::org::OrgKind;
use kechuang_domain::uscc;
use kechuang_store::events::calendar::{self, EventInput, OrganiserInput, OrganiserRef};
use kechuang_store::events::registrations::{self, Institution, RegistrationInput};
use kechuang_store::events::{checkin, outcomes, series, Actor};
use kechuang_store::orgs;
use kechuang_store::{at_time, Db, Scope};

/// Events in the series; the last `UPCOMING` are still to come.
pub const EVENTS: usize = 56;
const UPCOMING: usize = 6;
/// Institutions outside the register that come to the events.
const GUESTS: usize = 460;

const TOPICS: [&str; 12] = [
    "人工智能",
    "集成电路",
    "新能源汽车",
    "生物医药",
    "智能网联",
    "数字经济",
    "低空经济",
    "工业互联网",
    "新材料",
    "科技金融",
    "成果转化",
    "人才创新",
];

const VENUES: [&str; 6] = [
    "西部科学城重庆科学会堂",
    "成都高新区菁蓉汇",
    "西永微电园会展中心",
    "金凤实验室报告厅",
    "重庆高新区创新服务中心",
    "天府国际会议中心",
];

const SURNAMES: [&str; 12] = [
    "张", "王", "李", "赵", "陈", "杨", "周", "吴", "刘", "黄", "孙", "马",
];
const GIVEN: [&str; 10] = ["伟", "芳", "磊", "静", "洋", "婷", "强", "敏", "军", "丽"];
const CITIES: [&str; 4] = ["成都", "重庆", "绵阳", "德阳"];
const WORDS: [&str; 10] = [
    "锐思", "芯源", "启航", "川渝", "云图", "智远", "恒新", "博达", "天启", "蓝海",
];

/// Beijing local time as a UTC instant.
fn at(d: NaiveDate, h: u32) -> DateTime<Utc> {
    (d.and_time(NaiveTime::from_hms_opt(h, 0, 0).unwrap()) - Duration::hours(8)).and_utc()
}

/// (institution, sector) of every guest and registered organisation.
fn guests() -> Vec<(Institution, Sector)> {
    let sectors = [
        Sector::Industry,
        Sector::Industry,
        Sector::Industry,
        Sector::Academia,
        Sector::Research,
        Sector::Finance,
        Sector::Intermediary,
        Sector::Gov,
    ];
    (0..GUESTS)
        .map(|k| {
            let sector = sectors[k % sectors.len()];
            let (prefix, suffix) = match sector {
                Sector::Industry => ("91510100MC", "科技有限公司"),
                Sector::Academia => ("12510000MD", "大学"),
                Sector::Research => ("12510000ME", "研究院"),
                Sector::Finance => ("91510100MF", "创业投资有限公司"),
                Sector::Intermediary => ("91510100MG", "科技服务有限公司"),
                Sector::Gov => ("11510000MH", "科技局"),
            };
            let body = format!("{prefix}{:07}", (k * 7_919 + 3_301) % 10_000_000);
            let code = uscc::complete(&body).expect("digits are in the charset");
            let name = format!(
                "{}{}{}{}",
                CITIES[k % CITIES.len()],
                WORDS[(k / CITIES.len()) % WORDS.len()],
                ["", "智能", "生物", "数科", "微电"][(k / 40) % 5],
                suffix
            );
            let name = if matches!(sector, Sector::Gov) {
                format!("{}区{}", CITIES[k % CITIES.len()], suffix) + &format!("（第{}分局）", k)
            } else {
                name + &format!("（{:03}）", k)
            };
            (Institution::Unregistered { name, uscc: code }, sector)
        })
        .collect()
}

fn person(k: usize) -> String {
    format!(
        "{}{}{}",
        SURNAMES[k % SURNAMES.len()],
        GIVEN[(k / 12) % GIVEN.len()],
        ["", "华", "明", "琳"][(k / 120) % 4]
    )
}

/// The date of event `i`: about every two weeks from 2025-01-11, the last
/// six late in December 2026.
fn first_day(i: usize) -> NaiveDate {
    let start = NaiveDate::from_ymd_opt(2025, 1, 11).unwrap();
    if i + UPCOMING >= EVENTS {
        let k = i + UPCOMING - EVENTS;
        NaiveDate::from_ymd_opt(2026, 12, 12).unwrap() + Duration::days(3 * k as i64)
    } else {
        start + Duration::days((i as i64) * 13 + (i as i64 % 3))
    }
}

pub async fn load(db: &Db, dep_ids: &HashMap<&str, String>) -> anyhow::Result<()> {
    let actor = Actor {
        username: "demo".into(),
        user_id: String::new(),
        scope: Scope::All,
    };
    let s = at_time(
        at(NaiveDate::from_ymd_opt(2024, 12, 1).unwrap(), 10),
        series::create(
            db,
            "demo",
            series::SeriesInput {
                name: "两城汇".into(),
                description: "成渝双城科技创新交流品牌活动：赛、会、展、演与路演、论坛、对接会，联通两地政产学研金介。".into(),
            },
        ),
    )
    .await?;
    let register: Vec<(String, Sector)> =
        orgs::list_all(db, &Scope::All, &Default::default(), 10_000)
            .await?
            .into_iter()
            .map(|o| {
                let sector = OrgKind::parse(&o.kind)
                    .and_then(Sector::of_org_kind)
                    .unwrap_or(Sector::Intermediary);
                (o.id, sector)
            })
            .collect();
    let mut people: Vec<(Institution, Sector)> = register
        .iter()
        .map(|(id, s)| (Institution::Registered { org_id: id.clone() }, *s))
        .collect();
    people.extend(guests());
    let leads = ["KJ", "KJ-CG", "RC", "CJ", "JF"];
    // The alliances' own activities: IC events are the talent alliance's;
    // the innovation-ecosystem and sci-tech finance events the association's.
    let alliance_by_name: HashMap<String, String> = kechuang_store::names::all(db, "alliances")
        .await?
        .into_iter()
        .map(|(id, name)| (name, id))
        .collect();
    let alliance_of = |topic: &str| {
        let name = match topic {
            "集成电路" | "人才创新" => "集成电路人才联盟",
            "数字经济" | "科技金融" => "创新生态共治协会",
            _ => return None,
        };
        alliance_by_name.get(name).cloned()
    };
    for i in 0..EVENTS {
        let kind = EventKind::ALL[(i * 3 + i / 7) % EventKind::ALL.len()];
        let day = first_day(i);
        let multi = matches!(kind, EventKind::Exhibition | EventKind::Competition) && i % 2 == 0;
        let timed = !multi && i % 4 != 3;
        let schedule = Schedule {
            starts_on: day,
            ends_on: if multi { day + Duration::days(1) } else { day },
            start_time: timed.then(|| NaiveTime::from_hms_opt(9, 30, 0).unwrap()),
            end_time: timed.then(|| NaiveTime::from_hms_opt(17, 0, 0).unwrap()),
        };
        let upcoming = i + UPCOMING >= EVENTS;
        let mut organisers = vec![OrganiserInput {
            role: OrganiserRole::Lead,
            party: OrganiserRef::Department(
                dep_ids
                    .get(leads[i % leads.len()])
                    .or_else(|| dep_ids.get("KJ"))
                    .cloned()
                    .expect("the demo departments"),
            ),
        }];
        if let Some((org, _)) = register.get((i * 7) % register.len().max(1)) {
            organisers.push(OrganiserInput {
                role: OrganiserRole::Co,
                party: OrganiserRef::Org(org.clone()),
            });
        }
        let capacity = if upcoming {
            60 + (i % 3) as u32 * 20
        } else {
            400
        };
        let input = EventInput {
            series_id: Some(s.id.clone()),
            alliance_id: alliance_of(TOPICS[i % TOPICS.len()]),
            title: format!(
                "两城汇·{}{}（第{}期）",
                TOPICS[i % TOPICS.len()],
                kind.label_zh(),
                i + 1
            ),
            kind,
            venue: VENUES[i % VENUES.len()].into(),
            schedule,
            capacity: Some(capacity),
            audience: "成渝两地企业、高校、科研院所、金融和中介机构".into(),
            window: Window {
                opens_on: Some(day - Duration::days(30)),
                closes_on: Some(day - Duration::days(1)),
            },
            agenda: "09:30 开幕致辞\n10:00 主题报告\n14:00 项目路演与对接\n16:30 签约仪式".into(),
            needs_approval: upcoming && i % 2 == 0,
            organisers,
        };
        let opened = at(day - Duration::days(40), 10);
        let e = at_time(opened, calendar::create(db, &actor, input)).await?;
        let e = at_time(opened, calendar::publish(db, &actor, &e.id, e.version)).await?;
        // Who comes: ~200 people, institutions spread over the whole list.
        let n = if upcoming {
            30 + (i % 3) * 20 + if i + 1 == EVENTS { 50 } else { 0 }
        } else {
            190 + (i * 37) % 70
        };
        let registered = if upcoming { n } else { n * 2 / 5 };
        let signup = at(day - Duration::days(7), 10);
        let door = at(day, 9);
        for j in 0..n {
            let k = (i * 131 + j * 17 + j / 7) % people.len();
            let (inst, sector) = &people[k];
            let input = RegistrationInput {
                institution: inst.clone(),
                sector: Some(*sector),
                person_name: person(i * 7 + j),
                phone: format!("139{:04}{:04}", i, j),
            };
            if j < registered {
                let r = at_time(signup, registrations::register(db, &actor, &e.id, input)).await?;
                // Most who registered come; a few do not.
                if !upcoming && j % 9 != 4 && r.status == "confirmed" {
                    at_time(
                        door,
                        checkin::check_in(db, &actor, &e.id, &r.ticket_code, true),
                    )
                    .await?;
                }
            } else {
                at_time(door, checkin::walk_in(db, &actor, &e.id, input)).await?;
            }
        }
        if !upcoming && i % 3 == 0 {
            let after = at(day + Duration::days(2), 10);
            for (kind, count, note) in [
                (OutcomeKind::ProjectsSigned, 2 + i % 5, "现场签约合作项目"),
                (OutcomeKind::LeadsCreated, 10 + i % 17, "形成对接线索"),
                (
                    OutcomeKind::CasesRaised,
                    3 + i % 4,
                    "收集企业诉求，转入诉求办理",
                ),
            ] {
                at_time(
                    after,
                    outcomes::add(
                        db,
                        &actor,
                        &e.id,
                        outcomes::OutcomeInput {
                            kind,
                            count: count as u32,
                            note: note.into(),
                        },
                    ),
                )
                .await?;
            }
        }
    }
    Ok(())
}

//! Demo: the three "三比一做" vanguard teams (先投后股、与企同行、人才服务),
//! two races of 2026 (the second ranks against the first), scores with
//! evidence on "做示范", and commendations.

use chrono::{NaiveDate, TimeZone, Utc};
use kechuang_domain::party::{DimensionSource, MemberStage};
use kechuang_store::party::network;
use kechuang_store::party::races::{self, DimensionInput, HonorInput, RaceInput, TeamInput};
use kechuang_store::{at_time, departments, Db, Scope};

const ACTOR: &str = "demo";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date")
}

pub async fn load(db: &Db) -> anyhow::Result<()> {
    let deps = departments::list(db, &Scope::All).await?;
    let dep = |code: &str| deps.iter().find(|d| d.code == code).map(|d| d.id.clone());
    let members: Vec<_> = network::members_all(db, &Default::default(), 10_000)
        .await?
        .into_iter()
        .filter(|m| MemberStage::parse(&m.stage).is_some_and(|s| s.is_member()))
        .collect();
    let specs = [
        (
            "先投后股先锋队",
            "让财政资金撬动社会资本，陪跑成果转化",
            "KJ",
            "李科长",
        ),
        (
            "与企同行先锋队",
            "企业有呼、服务必应，诉求办结不过夜",
            "ZW",
            "周局长",
        ),
        ("人才服务先锋队", "一站办结，让人才安心创新", "RC", "陈干事"),
    ];
    let mut teams = vec![];
    for (k, (name, slogan, code, leader)) in specs.iter().enumerate() {
        let t = races::create_team(
            db,
            ACTOR,
            TeamInput {
                name: (*name).into(),
                slogan: (*slogan).into(),
                department_id: dep(code),
                leader: (*leader).into(),
            },
        )
        .await?;
        for m in members.iter().skip(k * 37).step_by(11).take(8) {
            races::add_team_member(db, ACTOR, &t.id, &m.id).await?;
        }
        teams.push(t);
    }
    let dims = || {
        vec![
            DimensionInput {
                name: "比服务".into(),
                weight: 30,
                source: DimensionSource::SatisfactionRate,
            },
            DimensionInput {
                name: "比效能".into(),
                weight: 30,
                source: DimensionSource::OnTimeRate,
            },
            DimensionInput {
                name: "比作风".into(),
                weight: 20,
                source: DimensionSource::CommitmentsFulfilled,
            },
            DimensionInput {
                name: "做示范".into(),
                weight: 20,
                source: DimensionSource::Manual,
            },
        ]
    };
    let mut previous = None;
    for (name, from, to, marks) in [
        (
            "2026年第一季度赛马比拼",
            day(2026, 1, 1),
            day(2026, 3, 31),
            [880u32, 920, 850],
        ),
        (
            "2026年第二、三季度赛马比拼",
            day(2026, 4, 1),
            day(2026, 9, 30),
            [930, 860, 900],
        ),
    ] {
        let when = Utc.from_utc_datetime(&to.and_hms_opt(8, 0, 0).expect("valid time"));
        let r = at_time(
            when,
            races::create_race(
                db,
                ACTOR,
                RaceInput {
                    name: name.into(),
                    period_from: from,
                    period_to: to,
                    previous_race_id: previous.clone(),
                    dimensions: dims(),
                },
            ),
        )
        .await?;
        let manual = races::dimensions(db, &r.id)
            .await?
            .into_iter()
            .find(|d| d.source == DimensionSource::Manual.as_str())
            .expect("a manual dimension");
        for (t, mark) in teams.iter().zip(marks) {
            at_time(
                when,
                races::score(
                    db,
                    ACTOR,
                    &manual.id,
                    &t.id,
                    mark,
                    format!("{}：典型案例材料与服务对象评价表", t.name),
                ),
            )
            .await?;
        }
        if previous.is_none() {
            races::close_race(db, ACTOR, &r.id, r.version).await?;
        }
        previous = Some(r.id);
    }
    for (kind, name, title, level, on) in [
        (
            "team",
            "先投后股先锋队",
            "科学城“红岩先锋”示范队",
            "区级",
            day(2026, 4, 20),
        ),
        (
            "team",
            "与企同行先锋队",
            "优化营商环境先进集体",
            "区级",
            day(2026, 7, 1),
        ),
        (
            "person",
            "刘志强",
            "优秀党务工作者",
            "区级",
            day(2026, 7, 1),
        ),
        ("person", "陈雪梅", "优秀共产党员", "市级", day(2026, 7, 1)),
        (
            "person",
            "赵海涛",
            "首席服务官服务之星",
            "区级",
            day(2026, 10, 15),
        ),
    ] {
        races::add_honor(
            db,
            ACTOR,
            HonorInput {
                recipient_kind: kind.into(),
                recipient_name: name.into(),
                team_id: teams.iter().find(|t| t.name == name).map(|t| t.id.clone()),
                member_id: None,
                title: title.into(),
                level: level.into(),
                awarded_on: on,
            },
        )
        .await?;
    }
    Ok(())
}

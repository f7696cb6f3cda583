//! Demo: the party network of the science city, shaped like the article —
//! a joint committee of sci-tech institutions with 42 branches formed in
//! research units, enterprise party organisations (with joint branches
//! across small suppliers), one chain committee per chain (the NEV chain's
//! links 18 enterprise party organisations), five venues, ~450 members and
//! applicants whose 2026 intake is more than 20 % from the sci-tech field,
//! and cross-appointments.

use chrono::NaiveDate;
use kechuang_domain::org::{ChainPosition, OrgKind};
use kechuang_domain::party::{Ladder, PartyOrgKind};
use kechuang_store::orgs::{self, OrgInput};
use kechuang_store::party::network::{self, AppointmentInput, MemberInput, PartyOrgInput};
use kechuang_store::{chains, Db, Scope};

const ACTOR: &str = "demo";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date")
}

/// Create a party organisation; the arguments read like a row of the network.
#[allow(clippy::too_many_arguments)]
async fn org(
    db: &Db,
    parent: Option<&str>,
    name: String,
    kind: PartyOrgKind,
    secretary: &str,
    venue: &str,
    chain_id: Option<String>,
    founded_on: NaiveDate,
) -> anyhow::Result<String> {
    Ok(network::create(
        db,
        ACTOR,
        PartyOrgInput {
            parent_id: parent.map(String::from),
            name,
            kind,
            chain_id,
            founded_on: Some(founded_on),
            secretary: secretary.into(),
            venue: venue.into(),
            sort_order: None,
        },
    )
    .await?
    .id)
}

const SURNAMES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
];
const GIVEN: [&str; 12] = [
    "建华", "晓燕", "志远", "丽萍", "海涛", "雪梅", "国栋", "婷", "明轩", "思源", "嘉怡", "文博",
];

/// Small NEV suppliers whose party members sit in joint branches.
const SUPPLIERS: [&str; 8] = [
    "重庆精锐汽车紧固件有限公司",
    "重庆佳驰线束科技有限公司",
    "重庆恒通压铸有限公司",
    "重庆瑞丰密封件有限公司",
    "重庆锦程汽车内饰有限公司",
    "重庆德润热管理科技有限公司",
    "重庆科睿传感器有限公司",
    "重庆鑫达汽车电子有限公司",
];

pub async fn load(db: &Db) -> anyhow::Result<()> {
    let register = orgs::list_all(db, &Scope::All, &Default::default(), 10_000).await?;
    let id_of = |name: &str| {
        register
            .iter()
            .find(|o| o.name == name)
            .map(|o| o.id.clone())
    };
    let root = org(
        db,
        None,
        "西部（重庆）科学城科技创新机构联合党委".into(),
        PartyOrgKind::JointCommittee,
        "刘志强",
        "科学城党群服务中心",
        None,
        day(2021, 6, 18),
    )
    .await?;
    let research = org(
        db,
        Some(&root),
        "高校院所党总支".into(),
        PartyOrgKind::GeneralBranch,
        "陈雪梅",
        "大学城党建联盟阵地",
        None,
        day(2021, 9, 1),
    )
    .await?;
    let firms_gb = org(
        db,
        Some(&root),
        "科学城两新组织党总支".into(),
        PartyOrgKind::GeneralBranch,
        "杨国栋",
        "西永微电园党群服务站",
        None,
        day(2021, 9, 1),
    )
    .await?;

    // 42 branches formed in the research units (6 in each of 7).
    let units = [
        "重庆大学",
        "西南大学",
        "重庆邮电大学",
        "金凤实验室",
        "明月湖实验室",
        "中国科学院重庆绿色智能技术研究院",
        "北京理工大学重庆创新中心",
    ];
    let teams = [
        "第一党支部",
        "第二党支部",
        "研究生党支部",
        "青年科研党支部",
        "平台中心党支部",
        "离退休党支部",
    ];
    let mut branches: Vec<(String, bool)> = vec![];
    for (u, unit) in units.iter().enumerate() {
        let unit_id = id_of(unit).ok_or_else(|| anyhow::anyhow!("演示单位 {unit} 不存在"))?;
        for (t, team) in teams.iter().enumerate() {
            let venue = if *unit == "金凤实验室" {
                "金凤实验室党建阵地"
            } else {
                ""
            };
            let id = org(
                db,
                Some(&research),
                format!("{unit}{team}"),
                PartyOrgKind::Branch,
                &format!("{}{}", SURNAMES[(u + t) % 12], GIVEN[(u * 3 + t) % 12]),
                venue,
                None,
                day(
                    2021 + ((u + t) % 4) as i32,
                    1 + ((u * 6 + t) % 12) as u32,
                    1 + (t * 4) as u32,
                ),
            )
            .await?;
            network::add_unit(db, ACTOR, &id, &unit_id).await?;
            branches.push((id, true));
        }
    }

    // Enterprise party organisations, and one chain committee per chain.
    let all_chains = kechuang_store::names::all_ordered(db, "chains").await?;
    for (ci, (chain_id, chain_name)) in all_chains.iter().enumerate() {
        let detail = chains::detail(db, chain_id).await?;
        let committee = org(
            db,
            Some(&root),
            format!("{chain_name}产业链党委"),
            PartyOrgKind::ChainCommittee,
            ["赵海涛", "吴思源", "周嘉怡", "徐文博"][ci % 4],
            if chain_name == "智能网联新能源汽车" {
                "科学谷党群服务中心"
            } else {
                ""
            },
            Some(chain_id.clone()),
            day(2023, 3 + ci as u32, 15),
        )
        .await?;
        let mut linked = vec![];
        for (fi, m) in detail.members.iter().enumerate() {
            let id = org(
                db,
                Some(&firms_gb),
                format!("{}党支部", m.org_name),
                PartyOrgKind::Branch,
                &format!(
                    "{}{}",
                    SURNAMES[(ci + fi + 3) % 12],
                    GIVEN[(fi * 5 + ci) % 12]
                ),
                "",
                None,
                day(2019 + (fi % 5) as i32, 1 + (fi % 12) as u32, 10),
            )
            .await?;
            network::add_unit(db, ACTOR, &id, &m.link.org_id).await?;
            linked.push(id.clone());
            branches.push((id, false));
            // The four largest NEV firms also have a branch in their R&D centre.
            if chain_name == "智能网联新能源汽车" && fi < 4 {
                let id = org(
                    db,
                    Some(&firms_gb),
                    format!("{}研发中心党支部", m.org_name),
                    PartyOrgKind::Branch,
                    "马晓东",
                    "",
                    None,
                    day(2022, 7, 1),
                )
                .await?;
                network::add_unit(db, ACTOR, &id, &m.link.org_id).await?;
                linked.push(id.clone());
                branches.push((id, true));
            }
        }
        if chain_name == "智能网联新能源汽车" {
            // Eight small suppliers in four joint branches (联合党支部).
            for (k, pair) in SUPPLIERS.chunks(2).enumerate() {
                let id = org(
                    db,
                    Some(&firms_gb),
                    format!(
                        "新能源汽车零部件企业第{}联合党支部",
                        ["一", "二", "三", "四"][k]
                    ),
                    PartyOrgKind::JointBranch,
                    ["何立新", "邓丽萍", "罗志刚", "谢文涛"][k],
                    "",
                    None,
                    day(2024, 4 + k as u32, 1),
                )
                .await?;
                for (s, name) in pair.iter().enumerate() {
                    let n = 900 + k * 2 + s;
                    let firm = orgs::create(
                        db,
                        ACTOR,
                        OrgInput {
                            name: (*name).into(),
                            kind: OrgKind::Enterprise,
                            uscc: Some(super::super::code("91500106MD", n)),
                            legal_person: format!("{}{}", SURNAMES[n % 12], GIVEN[n % 12]),
                            contact_name: "综合部".into(),
                            contact_phone: format!("023-6588{:04}", n),
                            contact_email: String::new(),
                            address: format!("重庆市沙坪坝区西永组团{}号", n - 880),
                            tags: vec!["汽车零部件".into(), "小微企业".into()],
                            is_high_tech: false,
                            is_tech_sme: true,
                            is_specialized: false,
                            department_id: None,
                            founded_on: Some(day(2016 + (n % 6) as i32, 5, 20)),
                            description: format!("{name}，新能源汽车产业链配套企业。"),
                        },
                    )
                    .await?;
                    chains::set_member(
                        db,
                        ACTOR,
                        chain_id,
                        &firm.id,
                        None,
                        ChainPosition::Upstream,
                    )
                    .await?;
                    network::add_unit(db, ACTOR, &id, &firm.id).await?;
                }
                linked.push(id.clone());
                branches.push((id, false));
            }
        }
        for l in linked {
            network::link_to_chain(db, ACTOR, &committee, &l).await?;
        }
    }

    // Members: six per branch; every tenth person is a 2026 new member.
    let mut k = 0usize;
    for (branch, research_unit) in &branches {
        for j in 0..6 {
            k += 1;
            let sci_tech = if *research_unit {
                j % 2 == 0
            } else {
                j % 5 == 0
            };
            let start = 2008 + (k % 14) as i32;
            let (applied, activist, candidate, probationary, full) = match k % 10 {
                7 => {
                    let p = day(2026, 1 + (k % 10) as u32, 1 + (k % 27) as u32);
                    (
                        Some(day(2023, 3, 1)),
                        Some(day(2023, 9, 1)),
                        Some(day(2025, 3, 1)),
                        Some(p),
                        None,
                    )
                }
                8 => (
                    Some(day(2024, 2, 1)),
                    Some(day(2024, 8, 1)),
                    Some(day(2026, 2, 1)),
                    None,
                    None,
                ),
                9 => (
                    Some(day(2025, 5, 1)),
                    (k % 20 == 9).then(|| day(2025, 11, 1)),
                    None,
                    None,
                    None,
                ),
                _ => (
                    Some(day(start, 3, 1)),
                    Some(day(start, 9, 1)),
                    Some(day(start + 1, 9, 1)),
                    Some(day(start + 2, 3, 1)),
                    Some(day(start + 3, 3, 1)),
                ),
            };
            let birth = format!("19{:02}{:02}{:02}", 70 + k % 30, 1 + k % 12, 1 + k % 28);
            network::create_member(
                db,
                ACTOR,
                MemberInput {
                    party_org_id: branch.clone(),
                    name: format!("{}{}", SURNAMES[(k * 7) % 12], GIVEN[(k * 5 + j) % 12]),
                    gender: if k.is_multiple_of(3) { "女" } else { "男" }.into(),
                    phone: format!("139{:08}", 20_000_000 + k * 3_137),
                    id_number: format!("500106{birth}{:03}{}", k % 1000, k % 10),
                    field: if sci_tech { "sci_tech" } else { "other" }.into(),
                    post: if *research_unit {
                        [
                            "研究员",
                            "副研究员",
                            "工程师",
                            "博士后",
                            "实验员",
                            "博士研究生",
                        ][j]
                    } else {
                        [
                            "研发工程师",
                            "车间主任",
                            "质量经理",
                            "技术员",
                            "销售经理",
                            "行政主管",
                        ][j]
                    }
                    .into(),
                    ladder: Ladder {
                        applied_on: applied,
                        activist_on: activist,
                        candidate_on: candidate,
                        probationary_on: probationary,
                        full_on: full,
                    },
                },
            )
            .await?;
        }
    }

    // Cross-appointments in enterprise branches (双向进入、交叉任职).
    let enterprise = branches
        .iter()
        .filter(|(_, research)| !*research)
        .map(|(b, _)| b);
    for (i, branch) in enterprise.take(12).enumerate() {
        network::add_appointment(
            db,
            ACTOR,
            AppointmentInput {
                party_org_id: branch.clone(),
                person: format!("{}{}", SURNAMES[(i * 5 + 2) % 12], GIVEN[(i * 7 + 1) % 12]),
                party_post: if i % 2 == 0 {
                    "党支部书记"
                } else {
                    "党支部委员"
                }
                .into(),
                admin_post: ["副总经理", "人力资源总监", "工会主席", "研发总监"][i % 4].into(),
                org_id: None,
                since: Some(day(2023 + (i % 3) as i32, 1 + (i % 12) as u32, 1)),
            },
        )
        .await?;
    }
    Ok(())
}

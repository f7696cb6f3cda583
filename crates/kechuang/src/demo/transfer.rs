//! Demo records of the technology-transfer area, shaped like the article:
//! 30 projects at every stage of 项目筛选 → 概念验证 → 成果转化 → 企业孵化
//! (walked through real gate reviews), 8 grant-to-equity projects adding up
//! to 1,450 万元, 15 firms with tiered loans adding up to 5,300 万元, and
//! technology contracts 2020–2026 whose 2024 turnover exceeds 35 亿元 after
//! four years of growth. Everything goes through the store, so every figure
//! on the pages is computed from these records.

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate, TimeZone, Utc};
use kechuang_domain::org::OrgKind;
use kechuang_domain::transfer::{ContractKind, GateDecision, Ladder, Round, Stage};
use kechuang_store::orgs::{self, OrgInput};
use kechuang_store::transfer::contracts::{self, ContractInput};
use kechuang_store::transfer::equity::{self, AgreementInput, Exit, RoundInput};
use kechuang_store::transfer::equity_applications;
use kechuang_store::transfer::loans::{self, ApplicationInput, TierInput};
use kechuang_store::transfer::projects::{self, DecisionInput, ProjectInput, ScoreInput};
use kechuang_store::{at_time, Db, Scope};

const ACTOR: &str = "demo";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date")
}

/// 10:00 Beijing time on `d`.
fn at(d: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(2, 0, 0).expect("valid time"))
}

const HOLDERS: [&str; 7] = [
    "重庆大学",
    "西南大学",
    "重庆邮电大学",
    "金凤实验室",
    "明月湖实验室",
    "中国科学院重庆绿色智能技术研究院",
    "北京理工大学重庆创新中心",
];

/// (title, field, chain name)
const PROJECTS: [(&str, &str, &str); 30] = [
    ("车规级碳化硅功率模块封装技术", "集成电路", "集成电路"),
    (
        "固态电池硫化物电解质规模化制备",
        "新能源汽车",
        "智能网联新能源汽车",
    ),
    ("肿瘤早筛液体活检多组学检测试剂", "生物医药", "生物医药"),
    ("工业视觉缺陷检测大模型", "人工智能", "人工智能与工业软件"),
    ("硅基OLED微显示驱动芯片", "集成电路", "集成电路"),
    ("线控底盘冗余制动系统", "新能源汽车", "智能网联新能源汽车"),
    ("mRNA疫苗递送脂质纳米颗粒", "生物医药", "生物医药"),
    (
        "面向工业软件的几何约束求解引擎",
        "人工智能",
        "人工智能与工业软件",
    ),
    ("毫米波雷达片上天线集成工艺", "集成电路", "集成电路"),
    (
        "动力电池梯次利用健康状态评估",
        "新能源汽车",
        "智能网联新能源汽车",
    ),
    ("单克隆抗体连续流生产工艺", "生物医药", "生物医药"),
    (
        "多模态人机交互智能座舱算法",
        "人工智能",
        "智能网联新能源汽车",
    ),
    ("高精度MEMS惯性传感器", "集成电路", "集成电路"),
    ("大功率液冷超充桩热管理", "新能源汽车", "智能网联新能源汽车"),
    ("类器官药物筛选平台", "生物医药", "生物医药"),
    ("电网负荷预测时序大模型", "人工智能", "人工智能与工业软件"),
    ("第三代半导体外延片缺陷控制", "集成电路", "集成电路"),
    ("轮毂电机一体化驱动总成", "新能源汽车", "智能网联新能源汽车"),
    ("中药活性成分高通量分离", "生物医药", "生物医药"),
    ("隐私计算联邦学习平台", "人工智能", "人工智能与工业软件"),
    ("存算一体神经网络加速器", "集成电路", "集成电路"),
    (
        "氢燃料电池膜电极低铂催化剂",
        "新能源汽车",
        "智能网联新能源汽车",
    ),
    ("可降解镁合金心血管支架", "生物医药", "生物医药"),
    ("城市数字孪生实时渲染引擎", "人工智能", "人工智能与工业软件"),
    ("光刻胶用高纯树脂合成", "集成电路", "集成电路"),
    ("车路协同边缘计算单元", "新能源汽车", "智能网联新能源汽车"),
    ("基因编辑细胞治疗制备工艺", "生物医药", "生物医药"),
    ("工业机器人力控打磨系统", "人工智能", "人工智能与工业软件"),
    ("硅光互连高速收发芯片", "集成电路", "集成电路"),
    ("钠离子电池正极材料", "新能源汽车", "智能网联新能源汽车"),
];

const EXPERTS: [(&str, &str); 6] = [
    ("何立新", "重庆大学"),
    ("邓雪梅", "中国科学院重庆绿色智能技术研究院"),
    ("罗志刚", "重庆科学城科创投资集团有限公司"),
    ("谢文涛", "西南大学"),
    ("唐晓燕", "重庆技术交易所科学城服务站"),
    ("冯振华", "北京理工大学重庆创新中心"),
];

/// Where project `i` ends up: its final stage, and whether it was held or stopped there.
fn plan(i: usize) -> (Stage, GateDecision) {
    match i {
        0..=3 => (Stage::Incubation, GateDecision::Advance),
        4..=9 => (Stage::Commercialisation, GateDecision::Advance),
        17 => (Stage::ProofOfConcept, GateDecision::Hold),
        10..=17 => (Stage::ProofOfConcept, GateDecision::Advance),
        29 => (Stage::Screening, GateDecision::Stop),
        _ => (Stage::Screening, GateDecision::Advance),
    }
}

pub async fn load(db: &Db, firms: &[(String, String, &str)]) -> anyhow::Result<()> {
    let all = orgs::list_all(db, &Scope::All, &Default::default(), 10_000).await?;
    let id_of: HashMap<&str, String> = all
        .iter()
        .map(|o| (o.name.as_str(), o.id.clone()))
        .collect();
    let name_of: HashMap<&str, &str> = all
        .iter()
        .map(|o| (o.id.as_str(), o.name.as_str()))
        .collect();
    let chains: HashMap<String, String> = kechuang_store::names::all(db, "chains")
        .await?
        .into_iter()
        .map(|(id, name)| (name, id))
        .collect();
    let project_ids = walk_projects(db, &id_of, &chains).await?;
    grant_equity(db, firms, &project_ids).await?;
    tiered_loans(db, firms).await?;
    technology_contracts(db, firms, &id_of, &name_of, &chains, &project_ids).await?;
    Ok(())
}

async fn walk_projects(
    db: &Db,
    id_of: &HashMap<&str, String>,
    chains: &HashMap<String, String>,
) -> anyhow::Result<Vec<String>> {
    let mut ids = vec![];
    for (i, (title, field, chain)) in PROJECTS.iter().enumerate() {
        let mut on = day(2024, 1, 15) + chrono::Duration::days(i as i64 * 17);
        let holder = HOLDERS[i % HOLDERS.len()];
        let p = at_time(
            at(on),
            projects::create(
                db,
                ACTOR,
                ProjectInput {
                    title: (*title).into(),
                    field: (*field).into(),
                    chain_id: chains.get(*chain).cloned(),
                    chain_node_id: None,
                    holder_org_id: id_of.get(holder).cloned(),
                    inventors: format!(
                        "{}:{};{}:{}",
                        ["张", "王", "李", "刘"][i % 4].to_string() + ["教授", "研究员"][i % 2],
                        50 + (i % 3) * 10,
                        ["陈", "杨", "黄"][i % 3].to_string() + "博士",
                        50 - (i % 3) * 10
                    ),
                    patents: format!("ZL2022{:08}.{}", 10_230_000 + i * 37, i % 10),
                    trl: 3 + (i % 4) as i32,
                    manager: ["吴经理", "郑经理", "钱经理"][i % 3].into(),
                    summary: format!("{holder}的{title}成果，拟在西部科学城转化落地。"),
                },
            ),
        )
        .await?;
        let (last, ending) = plan(i);
        let mut stage = Stage::Screening;
        loop {
            let at_last = stage == last;
            if at_last && ending == GateDecision::Advance {
                break;
            }
            on += chrono::Duration::days(60 + (i as i64 * 13) % 70);
            let review = at_time(
                at(on),
                projects::open_review(db, ACTOR, &p.id, projects::default_criteria()),
            )
            .await?;
            for (k, (name, org)) in EXPERTS.iter().skip(i % 3).take(3).enumerate() {
                let conflict = k == 2 && i % 5 == 0;
                let base = 70 + ((i * 7 + k * 5 + stage.index() * 11) % 20) as u32;
                at_time(
                    at(on),
                    projects::add_score(
                        db,
                        ACTOR,
                        &review.id,
                        ScoreInput {
                            expert_name: (*name).into(),
                            expert_org: (*org).into(),
                            conflict,
                            conflict_note: if conflict {
                                "曾参与该成果的前期研发".into()
                            } else {
                                String::new()
                            },
                            scores: vec![base, base + 3, base - 5, base + 1],
                            comment: "技术路线清晰，建议关注量产一致性".into(),
                        },
                    ),
                )
                .await?;
            }
            // Project 5 skips proof of concept with the committee's recorded reason.
            let skip = i == 5 && stage == Stage::Screening;
            let (decision, target, reasons) = if at_last {
                (
                    ending,
                    None,
                    if ending == GateDecision::Hold {
                        "中试资金未落实，暂缓推进，待下季度复评"
                    } else {
                        "市场需求不明确，经评审终止"
                    },
                )
            } else if skip {
                (
                    GateDecision::Advance,
                    Some(Stage::Commercialisation),
                    "已完成企业中试验证，评审通过",
                )
            } else {
                (GateDecision::Advance, None, "评审通过，进入下一阶段")
            };
            let review = projects::get_review(db, &review.id).await?;
            let m = at_time(
                at(on + chrono::Duration::days(3)),
                projects::decide(
                    db,
                    ACTOR,
                    &review.id,
                    review.version,
                    DecisionInput {
                        decision,
                        target,
                        reasons: reasons.into(),
                        override_reason: if skip {
                            "企业已自筹完成概念验证（附中试报告），经联席会议同意跳过该阶段".into()
                        } else {
                            String::new()
                        },
                    },
                ),
            )
            .await?;
            stage = Stage::parse(&m.stage).expect("stored stage");
            if at_last {
                break;
            }
        }
        if i < 2 {
            // Two incubation projects have founded their firms in the incubator.
            let p = projects::get(db, &p.id).await?;
            let on = p.stage_entered_on + chrono::Duration::days(20);
            let (p, _) = at_time(
                at(on),
                projects::found_firm(
                    db,
                    ACTOR,
                    &p.id,
                    p.version,
                    OrgInput {
                        name: ["重庆碳芯功率半导体有限公司", "重庆固能新材料科技有限公司"][i]
                            .into(),
                        kind: OrgKind::Enterprise,
                        uscc: Some(super::code("91500106MC", i + 1)),
                        legal_person: ["张教授", "王研究员"][i].into(),
                        contact_name: "创始团队".into(),
                        contact_phone: format!("139{:08}", 23_450_000 + i),
                        contact_email: String::new(),
                        address: "重庆市西部科学城科技企业孵化器".into(),
                        tags: vec!["孵化企业".into()],
                        is_high_tech: false,
                        is_tech_sme: true,
                        is_specialized: false,
                        department_id: None,
                        founded_on: Some(on),
                        description: format!("{} 成果转化孵化企业。", PROJECTS[i].0),
                    },
                    id_of
                        .get("西部科学城科技企业孵化器")
                        .expect("demo incubator"),
                    on,
                ),
            )
            .await?;
            if i == 0 {
                let on = on + chrono::Duration::days(200);
                at_time(at(on), projects::graduate(db, ACTOR, &p.id, p.version, on)).await?;
            }
        }
        ids.push(p.id);
    }
    Ok(ids)
}

/// Grant amounts of the 8 grant-to-equity projects (yuan): 1,450 万元 in all.
const GRANTS: [i64; 8] = [
    3_000_000, 2_500_000, 2_000_000, 2_000_000, 1_500_000, 1_500_000, 1_000_000, 1_000_000,
];

async fn grant_equity(
    db: &Db,
    firms: &[(String, String, &str)],
    project_ids: &[String],
) -> anyhow::Result<()> {
    let pool = equity::create_pool(
        db,
        ACTOR,
        "科学城科技成果转化引导资金（先投后股）".into(),
        3_000_000_000,
    )
    .await?;
    let signed = [
        day(2023, 3, 10),
        day(2023, 6, 20),
        day(2023, 9, 15),
        day(2024, 1, 18),
        day(2024, 5, 22),
        day(2024, 9, 9),
        day(2025, 3, 12),
        day(2025, 7, 1),
    ];
    for (k, yuan) in GRANTS.iter().enumerate() {
        let grant_fen = yuan * 100;
        let g = at_time(
            at(signed[k]),
            equity::create(
                db,
                ACTOR,
                AgreementInput {
                    agreement_no: format!("XTHG-{}-{:03}", signed[k].year(), k + 1),
                    pool_id: pool.id.clone(),
                    project_id: project_ids.get(4 + k).cloned().filter(|_| k < 5),
                    org_id: firms[(k * 5 + 2) % firms.len()].0.clone(),
                    platform: "重庆科学城科创投资集团有限公司".into(),
                    grant_fen,
                    signed_on: signed[k],
                    term_months: if k == 0 { 24 } else { 36 },
                    min_round_fen: 500_000_000,
                    discount_permille: if k == 3 { 250 } else { 200 },
                    cap_ppm: 50_000,
                    buyback_rate_permille: 50,
                    exit_start_months: 12,
                    exit_end_months: 60,
                    note: String::new(),
                    application_id: None,
                },
            ),
        )
        .await?;
        for (share, months) in [(60, 1), (40, 7)] {
            let on = signed[k] + Months::new(months);
            let amount = if share == 60 {
                grant_fen * 60 / 100
            } else {
                grant_fen - grant_fen * 60 / 100
            };
            at_time(
                at(on),
                equity::disburse(
                    db,
                    ACTOR,
                    &g.id,
                    amount,
                    on,
                    format!("第{}笔资助款", if share == 60 { "一" } else { "二" }),
                ),
            )
            .await?;
        }
        // The first agreement's term ran out without a qualifying round.
        if k == 0 {
            let on = day(2025, 4, 15);
            at_time(
                at(on),
                equity::close_as_grant(db, ACTOR, &g.id, g.version, on),
            )
            .await?;
        }
        // Three firms closed their first market round: (closed on, pre-money, pre shares, round).
        let round = match k {
            1 => Some((
                day(2024, 10, 15),
                8_000_000_000,
                10_000_000,
                2_000_000_000,
                "深创投、重庆产业引导基金",
            )),
            2 => Some((
                day(2025, 5, 20),
                5_000_000_000,
                10_000_000,
                1_000_000_000,
                "中金资本",
            )),
            3 => Some((
                day(2025, 11, 10),
                3_000_000_000,
                6_000_000,
                800_000_000,
                "红杉中国种子基金",
            )),
            _ => None,
        };
        if let Some((closed_on, pre, shares, amount, investors)) = round {
            let g = equity::get(db, &g.id).await?;
            let g = at_time(
                at(closed_on),
                equity::convert_on_round(
                    db,
                    ACTOR,
                    &g.id,
                    g.version,
                    RoundInput {
                        round: Round {
                            closed_on,
                            pre_money_fen: pre,
                            pre_money_shares: shares,
                            amount_fen: amount,
                        },
                        investors: investors.into(),
                    },
                ),
            )
            .await?;
            if k == 1 {
                // The team bought the stake back inside the exit window.
                let on = day(2026, 6, 18);
                at_time(
                    at(on),
                    equity::exit(db, ACTOR, &g.id, g.version, Exit::Buyback, on),
                )
                .await?;
            }
        }
    }
    Ok(())
}

/// Loan amounts of the 15 funded firms (万元): 5,300 万元 in all.
const LOANS_WAN: [i64; 15] = [
    800, 600, 500, 500, 400, 400, 350, 350, 300, 300, 250, 200, 150, 150, 50,
];

fn tier_limit(l: Option<Ladder>) -> i64 {
    match l {
        Some(Ladder::LittleGiant) => 1_000,
        Some(Ladder::Specialized) => 800,
        Some(Ladder::HighTech) => 500,
        Some(Ladder::TechSme) => 300,
        None => 0,
    }
}

async fn tiered_loans(db: &Db, firms: &[(String, String, &str)]) -> anyhow::Result<()> {
    let tiers = [
        ("科创贷", Some(Ladder::TechSme), None, 385, 150, 400),
        ("高企贷", Some(Ladder::HighTech), None, 365, 150, 400),
        ("专精特新贷", Some(Ladder::Specialized), None, 345, 200, 500),
        ("小巨人贷", Some(Ladder::LittleGiant), None, 320, 200, 500),
        ("创新积分贷", None, Some(80), 385, 100, 300),
    ];
    for (k, (name, level, score, rate, subsidy, guarantee)) in tiers.into_iter().enumerate() {
        let limit_wan = level.map(|l| tier_limit(Some(l))).unwrap_or(200);
        loans::create_tier(
            db,
            ACTOR,
            TierInput {
                name: name.into(),
                min_level: level,
                min_score: score,
                limit_fen: limit_wan * 1_000_000,
                rate_bps: rate,
                subsidy_bps: subsidy,
                guarantee_permille: guarantee,
                sort_order: k as i32,
            },
        )
        .await?;
    }
    // The funded firms, largest credit line first.
    let mut candidates = vec![];
    for (id, _, _) in firms {
        let o = orgs::get(db, &Scope::All, id).await?;
        candidates.push((tier_limit(loans::ladder_of(&o)), id.clone()));
    }
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let today = kechuang_store::clock::today();
    for (k, wan) in LOANS_WAN.iter().enumerate() {
        let (limit, org_id) = &candidates[k];
        anyhow::ensure!(wan <= limit, "演示贷款超出梯度额度");
        let applied = day(2025, 1, 8) + chrono::Duration::days(k as i64 * 29);
        let applied = if k == 14 { day(2025, 2, 10) } else { applied };
        let l = at_time(
            at(applied),
            loans::apply(
                db,
                ACTOR,
                ApplicationInput {
                    loan_no: format!("TDD-{}-{:03}", applied.year(), k + 1),
                    org_id: org_id.clone(),
                    score: 0,
                    requested_fen: wan * 1_000_000,
                    term_months: [12, 24, 36][k % 3],
                    bank: [
                        "重庆农村商业银行科学城支行",
                        "中国建设银行重庆高新支行",
                        "招商银行重庆分行",
                    ][k % 3]
                        .into(),
                    purpose: ["研发投入与设备购置", "流动资金周转", "中试线建设"][k % 3].into(),
                    applied_on: applied,
                    applied_by: None,
                },
            ),
        )
        .await?;
        let decided = applied + chrono::Duration::days(10);
        let l = at_time(
            at(decided),
            loans::decide(
                db,
                ACTOR,
                &l.id,
                l.version,
                Some(wan * 1_000_000),
                String::new(),
                decided,
            ),
        )
        .await?;
        let out = decided + chrono::Duration::days(10);
        let l = at_time(at(out), loans::disburse(db, ACTOR, &l.id, l.version, out)).await?;
        // Repayments so far: everything due before today, except one firm that
        // stopped paying in mid-2026 and one whose default the risk pool covered.
        let paid_until = match k {
            13 => day(2026, 7, 1),
            14 => day(2025, 12, 1),
            _ => today,
        };
        // Monthly repayments on each due date.
        let mut l = l;
        for due in loans::installments(db, &l.id).await? {
            if due.due_on >= paid_until || due.due_on >= today {
                break;
            }
            let on = due.due_on;
            let amount = due.principal_fen + due.interest_fen;
            l = at_time(
                at(on),
                loans::repay(db, ACTOR, &l.id, l.version, amount, on),
            )
            .await?;
        }
        if k == 14 {
            let on = day(2026, 3, 16);
            at_time(at(on), loans::compensate(db, ACTOR, &l.id, l.version, on)).await?;
        }
    }
    // Open applications, and one the bank declined.
    for k in 0..3 {
        let applied = day(2026, 10, 12) + chrono::Duration::days(k as i64 * 9);
        let (_, org_id) = &candidates[15 + k];
        let l = at_time(
            at(applied),
            loans::apply(
                db,
                ACTOR,
                ApplicationInput {
                    loan_no: format!("TDD-2026-{:03}", 16 + k),
                    org_id: org_id.clone(),
                    score: 0,
                    requested_fen: 200 * 1_000_000,
                    term_months: 12,
                    bank: "重庆农村商业银行科学城支行".into(),
                    purpose: "订单生产流动资金".into(),
                    applied_on: applied,
                    applied_by: None,
                },
            ),
        )
        .await?;
        if k == 2 {
            let on = applied + chrono::Duration::days(5);
            at_time(
                at(on),
                loans::decide(
                    db,
                    ACTOR,
                    &l.id,
                    l.version,
                    None,
                    "近两年连续亏损，第一还款来源不足".into(),
                    on,
                ),
            )
            .await?;
        }
    }
    Ok(())
}

/// Contract turnover by registration year (万元): four years of growth to
/// more than 35 亿元 in 2024; 2026 runs to the end of October.
const TURNOVER_WAN: [(i32, i64, usize); 7] = [
    (2020, 120_500, 24),
    (2021, 165_800, 28),
    (2022, 218_300, 32),
    (2023, 286_400, 36),
    (2024, 359_200, 40),
    (2025, 412_600, 44),
    (2026, 385_100, 40),
];

const KINDS: [ContractKind; 10] = [
    ContractKind::Development,
    ContractKind::Development,
    ContractKind::Service,
    ContractKind::Transfer,
    ContractKind::Development,
    ContractKind::Licence,
    ContractKind::Consulting,
    ContractKind::Service,
    ContractKind::Development,
    ContractKind::Transfer,
];

async fn technology_contracts(
    db: &Db,
    firms: &[(String, String, &str)],
    id_of: &HashMap<&str, String>,
    name_of: &HashMap<&str, &str>,
    chains: &HashMap<String, String>,
    project_ids: &[String],
) -> anyhow::Result<()> {
    let chain_ids: Vec<&String> = chains.values().collect();
    let mut rows = vec![];
    for (year, wan, n) in TURNOVER_WAN {
        let total = wan * 1_000_000;
        let weights: Vec<i64> = (0..n).map(|k| 3 + (k as i64 * 7) % 11).collect();
        let sum: i64 = weights.iter().sum();
        let mut left = total;
        for k in 0..n {
            let amount = if k + 1 == n {
                left
            } else {
                total * weights[k] / sum
            };
            left -= amount;
            let month = if year == 2026 {
                1 + (k as u32 % 10)
            } else {
                1 + (k as u32 % 12)
            };
            let registered = day(year, month, 1 + (k as u32 * 5) % 27);
            let seller = HOLDERS[(k + year as usize) % HOLDERS.len()];
            let (buyer_id, chain_id, _) = &firms[(k * 3 + year as usize) % firms.len()];
            let kind = KINDS[k % KINDS.len()];
            // The commercialised projects' licences, registered in 2025 and 2026.
            let project_id = (year >= 2025 && k < 6).then(|| project_ids[4 + k % 6].clone());
            rows.push(ContractInput {
                contract_no: format!("{year}500106{:06}", k + 1),
                title: format!(
                    "{}{}",
                    PROJECTS[(k + year as usize) % PROJECTS.len()].0,
                    match kind {
                        ContractKind::Development => "技术开发合同",
                        ContractKind::Transfer => "专利权转让合同",
                        ContractKind::Licence => "专利实施许可合同",
                        ContractKind::Consulting => "技术咨询合同",
                        ContractKind::Service => "技术服务合同",
                    }
                ),
                kind,
                seller_org_id: id_of.get(seller).cloned(),
                seller_name: seller.into(),
                buyer_org_id: Some(buyer_id.clone()),
                buyer_name: name_of
                    .get(buyer_id.as_str())
                    .copied()
                    .unwrap_or_default()
                    .into(),
                amount_fen: amount,
                tech_amount_fen: amount / 100 * (88 + (k as i64 % 12)),
                signed_on: registered - chrono::Duration::days(12),
                registered_on: registered,
                project_id,
                lead_id: None,
                chain_id: Some(chain_id.clone()).filter(|c| chain_ids.contains(&c)),
            });
        }
    }
    at_time(at(day(2026, 11, 1)), contracts::import(db, ACTOR, rows))
        .await
        .map_err(|(row, e)| anyhow::anyhow!("演示技术合同第{row}行：{e}"))?;
    Ok(())
}

/// The demo enterprise account's own applications, made online: a tiered
/// loan three days ago with its business licence attached, waiting on the
/// science bureau's desk (a message there) and on the firm's 我的融资 page;
/// and a grant-to-equity application with its business plan that the bureau
/// approved, so the agreement is to be signed from it.
pub async fn online_application(db: &Db, org_id: &str, user_id: &str) -> anyhow::Result<()> {
    let applied = kechuang_store::clock::today() - chrono::Duration::days(3);
    let l = at_time(
        at(applied),
        loans::apply(
            db,
            "qiye",
            ApplicationInput {
                loan_no: String::new(),
                org_id: org_id.into(),
                score: 86,
                requested_fen: 300 * 1_000_000,
                term_months: 24,
                bank: "重庆农村商业银行科学城支行".into(),
                purpose: "电池包中试线设备购置".into(),
                applied_on: applied,
                applied_by: Some(user_id.into()),
            },
        ),
    )
    .await?;
    loans::attach(
        db,
        "qiye",
        &l.id,
        "营业执照（副本）.txt",
        "text/plain",
        "统一社会信用代码见单位名录；此为演示材料。".as_bytes(),
    )
    .await?;
    let applied = kechuang_store::clock::today() - chrono::Duration::days(12);
    let a = at_time(
        at(applied),
        equity_applications::apply(
            db,
            "qiye",
            equity_applications::ApplicationInput {
                org_id: org_id.into(),
                applied_by: user_id.into(),
                project_name: "固态电池电解质中试".into(),
                summary: "硫化物固态电解质材料已完成实验室验证，拟建设百吨级中试线；核心团队6人，已获发明专利3项；计划两年内完成首轮市场化融资。".into(),
                requested_fen: 200 * 1_000_000,
                use_of_funds: "中试线设备与工艺验证".into(),
                applied_on: applied,
            },
        ),
    )
    .await?;
    equity_applications::attach(
        db,
        "qiye",
        &a.id,
        "商业计划书.txt",
        "text/plain",
        "项目、团队、市场与融资计划；此为演示材料。".as_bytes(),
    )
    .await?;
    let decided = applied + chrono::Duration::days(8);
    at_time(
        at(decided),
        equity_applications::decide(
            db,
            "keji",
            &a.id,
            a.version,
            true,
            "技术路线清晰，同意立项，请到科技创新局签订协议".into(),
            decided,
        ),
    )
    .await?;
    Ok(())
}

//! The deterministic demo dataset: a science city's committee with its
//! departments, organisations (政产学研金介), industrial chains with nodes,
//! members and yearly output, and one account per role. Shaped like the
//! source article: the NEV chain's output is 120.4 亿元 in 2025, +58.6%;
//! the technology-transfer records are in [`transfer`], the matchmaking
//! (offers, needs, leads and 100+ cooperation projects) in [`matching`].

mod alliances;
mod events;
mod matching;
mod party;
mod policies;
pub mod talent;
mod transfer;

use anyhow::Context;
use kechuang_domain::auth::Role;
use kechuang_domain::org::{ChainPosition, OrgKind};
use kechuang_domain::uscc;
use kechuang_store::accounts::{self, NewUser};
use kechuang_store::chains::{self, ChainInput};
use kechuang_store::departments::{self, DepartmentInput};
use kechuang_store::orgs::{self, OrgInput};
use kechuang_store::{Db, PageReq, Scope};

/// Password of every demo account.
pub const DEMO_PASSWORD: &str = "Kechuang2026";

/// Demo accounts: (username, display name, role).
pub const ACCOUNTS: [(&str, &str, Role); 10] = [
    ("admin", "平台管理员", Role::Admin),
    ("leader", "王主任", Role::Leader),
    ("keji", "科技创新局 李科长", Role::Department),
    ("zhuanban", "新能源汽车专班 赵专员", Role::TaskForce),
    ("dangjian", "党群工作部 陈干事", Role::PartyWorker),
    ("zhidaoyuan", "党建指导员 刘老师", Role::Instructor),
    ("fuwuguan", "首席服务官 周局长", Role::ServiceOfficer),
    ("jingjiren", "科创经纪人 吴经理", Role::Broker),
    ("qiye", "渝新能源汽车 孙联络员", Role::Enterprise),
    ("rencai", "海外人才 Dr. Lin", Role::Talent),
];

const DEPARTMENTS: [(&str, &str, Option<&str>); 14] = [
    ("西部科学城管委会", "GWH", None),
    ("党群工作部", "DQ", Some("GWH")),
    ("科技创新局", "KJ", Some("GWH")),
    ("成果转化科", "KJ-CG", Some("KJ")),
    ("经济发展局", "JF", Some("GWH")),
    ("招商投资促进局", "ZS", Some("GWH")),
    ("人才服务局", "RC", Some("GWH")),
    ("财政金融局", "CJ", Some("GWH")),
    ("规划和自然资源局", "GZ", Some("GWH")),
    ("政务服务中心", "ZW", Some("GWH")),
    ("新能源汽车产业专班", "ZB-NEV", Some("JF")),
    ("集成电路产业专班", "ZB-IC", Some("JF")),
    ("人工智能产业专班", "ZB-AI", Some("KJ")),
    ("生物医药产业专班", "ZB-BIO", Some("KJ")),
];

struct ChainSpec {
    name: &'static str,
    /// Department code of the industry's task force (一产业一专班).
    task_force: &'static str,
    description: &'static str,
    nodes: &'static [(&'static str, Option<&'static str>)],
    /// (enterprise name, node, position, tags)
    firms: &'static [(&'static str, &'static str, ChainPosition, &'static str)],
    /// Chain total by year in 万元 (2022..=2025)
    totals_wan: [i64; 4],
}

const CHAINS: [ChainSpec; 4] = [
    ChainSpec {
        name: "智能网联新能源汽车",
        task_force: "ZB-NEV",
        description: "整车牵引、关键零部件配套、充电设施完善的全产业链，一产业一专班。",
        nodes: &[
            ("整车", None),
            ("关键零部件", None),
            ("动力电池", Some("关键零部件")),
            ("电驱电控", Some("关键零部件")),
            ("智能座舱", Some("关键零部件")),
            ("充电基础设施", None),
        ],
        firms: &[
            (
                "重庆渝新能源汽车有限公司",
                "整车",
                ChainPosition::Downstream,
                "整车,新能源",
            ),
            (
                "重庆科城智能汽车有限公司",
                "整车",
                ChainPosition::Downstream,
                "整车,智能网联",
            ),
            (
                "重庆锂源动力电池有限公司",
                "动力电池",
                ChainPosition::Upstream,
                "动力电池",
            ),
            (
                "重庆固锂新材料科技有限公司",
                "动力电池",
                ChainPosition::Upstream,
                "固态电池,新材料",
            ),
            (
                "重庆驰电驱动系统有限公司",
                "电驱电控",
                ChainPosition::Midstream,
                "电驱,电控",
            ),
            (
                "重庆芯驰车规电子有限公司",
                "电驱电控",
                ChainPosition::Midstream,
                "车规芯片",
            ),
            (
                "重庆云舱智能科技有限公司",
                "智能座舱",
                ChainPosition::Midstream,
                "智能座舱,软件",
            ),
            (
                "重庆感知激光雷达有限公司",
                "智能座舱",
                ChainPosition::Midstream,
                "激光雷达",
            ),
            (
                "重庆快充能源科技有限公司",
                "充电基础设施",
                ChainPosition::Downstream,
                "充电桩",
            ),
            (
                "重庆换电站运营有限公司",
                "充电基础设施",
                ChainPosition::Downstream,
                "换电,运营",
            ),
        ],
        totals_wan: [412_000, 536_000, 759_000, 1_204_000],
    },
    ChainSpec {
        name: "集成电路",
        task_force: "ZB-IC",
        description: "设计—制造—封装测试—材料设备协同，重点攻关功率半导体与传感器。",
        nodes: &[
            ("芯片设计", None),
            ("晶圆制造", None),
            ("封装测试", None),
            ("材料与设备", None),
        ],
        firms: &[
            (
                "重庆西永微电子设计有限公司",
                "芯片设计",
                ChainPosition::Upstream,
                "芯片设计,EDA",
            ),
            (
                "重庆功率半导体有限公司",
                "晶圆制造",
                ChainPosition::Midstream,
                "功率半导体",
            ),
            (
                "重庆硅基传感技术有限公司",
                "芯片设计",
                ChainPosition::Upstream,
                "MEMS,传感器",
            ),
            (
                "重庆精测封装有限公司",
                "封装测试",
                ChainPosition::Midstream,
                "封装,测试",
            ),
            (
                "重庆高纯电子材料有限公司",
                "材料与设备",
                ChainPosition::Upstream,
                "电子材料",
            ),
            (
                "重庆晶准半导体设备有限公司",
                "材料与设备",
                ChainPosition::Upstream,
                "半导体设备",
            ),
        ],
        totals_wan: [186_000, 224_000, 281_000, 352_000],
    },
    ChainSpec {
        name: "人工智能与工业软件",
        task_force: "ZB-AI",
        description: "算力基础、工业软件与行业应用，服务制造业数字化转型。",
        nodes: &[("算力基础", None), ("工业软件", None), ("行业应用", None)],
        firms: &[
            (
                "重庆明月湖算力科技有限公司",
                "算力基础",
                ChainPosition::Upstream,
                "算力,数据中心",
            ),
            (
                "重庆数智工业软件有限公司",
                "工业软件",
                ChainPosition::Midstream,
                "CAD,CAE",
            ),
            (
                "重庆知行大模型科技有限公司",
                "行业应用",
                ChainPosition::Downstream,
                "大模型",
            ),
            (
                "重庆慧眼机器视觉有限公司",
                "行业应用",
                ChainPosition::Downstream,
                "机器视觉",
            ),
            (
                "重庆工联互联网科技有限公司",
                "工业软件",
                ChainPosition::Midstream,
                "工业互联网",
            ),
        ],
        totals_wan: [98_000, 131_000, 176_000, 243_000],
    },
    ChainSpec {
        name: "生物医药",
        task_force: "ZB-BIO",
        description: "创新药、医疗器械与研发外包服务。",
        nodes: &[("创新药", None), ("医疗器械", None), ("研发外包服务", None)],
        firms: &[
            (
                "重庆金凤生物医药有限公司",
                "创新药",
                ChainPosition::Upstream,
                "创新药,抗体",
            ),
            (
                "重庆康测医疗器械有限公司",
                "医疗器械",
                ChainPosition::Midstream,
                "体外诊断",
            ),
            (
                "重庆精准影像设备有限公司",
                "医疗器械",
                ChainPosition::Midstream,
                "医学影像",
            ),
            (
                "重庆研拓医药科技有限公司",
                "研发外包服务",
                ChainPosition::Downstream,
                "CRO",
            ),
        ],
        totals_wan: [64_000, 71_000, 83_000, 97_000],
    },
];

/// Other organisations: (name, kind, department code, tags).
const OTHERS: [(&str, OrgKind, &str, &str); 17] = [
    ("重庆大学", OrgKind::University, "KJ", "双一流,高校"),
    ("西南大学", OrgKind::University, "KJ", "双一流,高校"),
    ("重庆邮电大学", OrgKind::University, "KJ", "信息通信"),
    (
        "金凤实验室",
        OrgKind::Institute,
        "KJ",
        "重庆实验室,生命科学",
    ),
    ("明月湖实验室", OrgKind::Institute, "KJ", "重庆实验室,智能"),
    (
        "中国科学院重庆绿色智能技术研究院",
        OrgKind::Institute,
        "KJ",
        "新型研发机构",
    ),
    (
        "北京理工大学重庆创新中心",
        OrgKind::Institute,
        "KJ",
        "新型研发机构",
    ),
    ("西部科学城管委会机关", OrgKind::Government, "GWH", "机关"),
    (
        "重庆科学城科创投资集团有限公司",
        OrgKind::Finance,
        "CJ",
        "国有平台,先投后股",
    ),
    (
        "重庆农村商业银行科学城支行",
        OrgKind::Finance,
        "CJ",
        "科技金融,梯度贷",
    ),
    ("重庆科技融资担保有限公司", OrgKind::Finance, "CJ", "担保"),
    (
        "西部科学城知识产权运营中心",
        OrgKind::Intermediary,
        "KJ-CG",
        "知识产权",
    ),
    (
        "重庆技术交易所科学城服务站",
        OrgKind::Intermediary,
        "KJ-CG",
        "技术合同登记",
    ),
    (
        "科学城人力资源服务产业园",
        OrgKind::Intermediary,
        "RC",
        "人才服务",
    ),
    (
        "西部科学城创新生态共治协会",
        OrgKind::Association,
        "DQ",
        "协会",
    ),
    (
        "重庆集成电路人才联盟",
        OrgKind::Association,
        "RC",
        "联盟,人才",
    ),
    (
        "西部科学城科技企业孵化器",
        OrgKind::Intermediary,
        "KJ-CG",
        "孵化器,众创空间",
    ),
];

fn code(prefix: &str, n: usize) -> uscc::Uscc {
    // 7 digits after a 10-character prefix, then the check character.
    let body = format!("{prefix}{:07}", (n * 7_919 + 1_031) % 10_000_000);
    uscc::complete(&body).expect("digits are in the charset")
}

/// Load the demo dataset into an empty database. Returns false (and does
/// nothing) when the register already has organisations.
pub async fn load(db: &Db) -> anyhow::Result<bool> {
    load_sized(db, talent::FULL_REQUESTS).await
}

/// The demo with fewer talent requests (the rest is the same): for tests
/// of other areas, which need not wait for 4,000 requests to be walked.
pub async fn load_quick(db: &Db) -> anyhow::Result<bool> {
    load_sized(db, 200).await
}

async fn load_sized(db: &Db, talent_requests: usize) -> anyhow::Result<bool> {
    if orgs::list(db, &Scope::All, &Default::default(), PageReq::first(1))
        .await?
        .total
        > 0
    {
        return Ok(false);
    }
    let actor = "demo";
    let mut dep_ids = std::collections::HashMap::new();
    for (i, (name, code_, parent)) in DEPARTMENTS.iter().enumerate() {
        let d = departments::create(
            db,
            actor,
            DepartmentInput {
                name: (*name).into(),
                code: (*code_).into(),
                parent_id: parent.and_then(|p| dep_ids.get(p).cloned()),
                sort_order: i as i32,
                phone: format!("023-6566{:04}", 1000 + i),
                // The science bureau runs grant-to-equity and the tiered loans.
                funding: *code_ == "KJ",
            },
        )
        .await?;
        dep_ids.insert(*code_, d.id);
    }
    let dept = |c: &str| dep_ids.get(c).cloned();
    let mut n = 0usize;
    let mut first_enterprise = None;
    // (org id, chain id) of every enterprise, for the demo cases.
    let mut firms: Vec<(String, String, &str)> = Vec::new();
    for (ci, spec) in CHAINS.iter().enumerate() {
        let chain = chains::create(
            db,
            actor,
            ChainInput {
                name: spec.name.into(),
                description: spec.description.into(),
                task_force_department_id: dept(spec.task_force),
            },
        )
        .await?;
        let mut node_ids = std::collections::HashMap::new();
        for (i, (node, parent)) in spec.nodes.iter().enumerate() {
            let parent_id = parent.and_then(|p| node_ids.get(p).cloned());
            let m =
                chains::add_node(db, actor, &chain.id, parent_id, (*node).into(), i as i32).await?;
            node_ids.insert(*node, m.id);
        }
        // Shares of the chain total: earlier firms weigh more, and shares sum exactly.
        let weights: Vec<i64> = (0..spec.firms.len() as i64)
            .map(|i| spec.firms.len() as i64 + 2 - i)
            .collect();
        let weight_sum: i64 = weights.iter().sum();
        for (fi, (name, node, position, tags)) in spec.firms.iter().enumerate() {
            n += 1;
            let org = orgs::create(
                db,
                actor,
                OrgInput {
                    name: (*name).into(),
                    kind: OrgKind::Enterprise,
                    uscc: Some(code("91500106MA", n)),
                    legal_person: ["张", "王", "李", "赵", "陈", "杨", "周", "吴"][n % 8]
                        .to_string()
                        + ["建国", "海燕", "志强", "晓东", "丽娟", "明"][n % 6],
                    contact_name: ["刘", "黄", "孙", "马", "朱", "胡"][n % 6].to_string()
                        + ["伟", "芳", "磊", "静", "洋"][n % 5],
                    contact_phone: format!("138{:08}", 23_000_000 + n * 1_117),
                    contact_email: format!("contact{n}@example.cn"),
                    address: format!("重庆市沙坪坝区西永大道{}号", 10 + n * 3),
                    tags: tags.split(',').map(String::from).collect(),
                    is_high_tech: !n.is_multiple_of(3),
                    is_tech_sme: true,
                    is_specialized: n % 4 == 1,
                    department_id: dept(if ci == 0 {
                        "JF"
                    } else if n.is_multiple_of(2) {
                        "KJ"
                    } else {
                        "ZS"
                    }),
                    founded_on: chrono::NaiveDate::from_ymd_opt(
                        2012 + (n % 12) as i32,
                        1 + (n % 12) as u32,
                        1 + (n % 27) as u32,
                    ),
                    description: format!(
                        "{}，{}产业链{}企业。",
                        name,
                        spec.name,
                        position.label_zh()
                    ),
                },
            )
            .await?;
            first_enterprise.get_or_insert(org.id.clone());
            firms.push((org.id.clone(), chain.id.clone(), spec.task_force));
            chains::set_member(
                db,
                actor,
                &chain.id,
                &org.id,
                node_ids.get(node).cloned(),
                *position,
            )
            .await?;
            for (yi, total) in spec.totals_wan.iter().enumerate() {
                // Integer shares; the last firm takes the remainder so totals are exact.
                let share = if fi + 1 == spec.firms.len() {
                    total
                        - weights[..fi]
                            .iter()
                            .map(|w| total * w / weight_sum)
                            .sum::<i64>()
                } else {
                    total * weights[fi] / weight_sum
                };
                chains::set_output(
                    db,
                    actor,
                    &chain.id,
                    &org.id,
                    2022 + yi as i32,
                    share * 1_000_000,
                )
                .await?;
            }
        }
    }
    for (name, kind, dep, tags) in OTHERS {
        n += 1;
        orgs::create(
            db,
            actor,
            OrgInput {
                name: name.into(),
                kind,
                uscc: Some(code(
                    if kind == OrgKind::Finance {
                        "91500000MA"
                    } else {
                        "12500000MB"
                    },
                    n,
                )),
                legal_person: String::new(),
                contact_name: "办公室".into(),
                contact_phone: format!("023-6{:07}", 5_000_000 + n * 37),
                contact_email: String::new(),
                address: "重庆市西部科学城".into(),
                tags: tags.split(',').map(String::from).collect(),
                is_high_tech: false,
                is_tech_sme: false,
                is_specialized: false,
                department_id: dept(dep),
                founded_on: None,
                description: String::new(),
            },
        )
        .await?;
    }
    let mut enterprise_user = None;
    for (username, display, role) in ACCOUNTS {
        let (department_id, org_id) = match role {
            Role::Department => (dept("KJ"), None),
            Role::TaskForce => (dept("ZB-NEV"), None),
            Role::PartyWorker => (dept("DQ"), None),
            Role::Enterprise => (None, first_enterprise.clone()),
            _ => (None, None),
        };
        let u = accounts::create_user(
            db,
            actor,
            NewUser {
                username: username.into(),
                display_name: display.into(),
                password: DEMO_PASSWORD.into(),
                role,
                department_id,
                org_id,
                phone: String::new(),
            },
        )
        .await
        .with_context(|| format!("创建演示账号 {username} 失败"))?;
        if role == Role::Enterprise {
            enterprise_user = Some(u.id);
        }
    }
    cases(db, &dep_ids, &firms)
        .await
        .context("写入演示诉求失败")?;
    transfer::load(db, &firms)
        .await
        .context("写入演示成果转化数据失败")?;
    if let (Some(org), Some(user)) = (&first_enterprise, &enterprise_user) {
        transfer::online_application(db, org, user)
            .await
            .context("写入演示在线申请失败")?;
    }
    party::load(db).await.context("写入演示党建数据失败")?;
    // Alliances and the NEV chain's settled firms (after party: its firms are members).
    let anchors: Vec<&str> = CHAINS[0].firms.iter().take(2).map(|f| f.0).collect();
    alliances::load(db, &anchors)
        .await
        .context("写入演示联盟协会与落户数据失败")?;
    events::load(db, &dep_ids)
        .await
        .context("写入演示活动数据失败")?;
    matching::load(db)
        .await
        .context("写入演示技术撮合数据失败")?;
    policies::load(db, &dep_ids)
        .await
        .context("写入演示政策失败")?;
    // After party (its talent specialists serve the talents).
    talent::load(db, &dep_ids, talent_requests)
        .await
        .context("写入演示人才服务数据失败")?;
    // The one headline figure no record computes: reported, as staff would.
    kechuang_store::reported::create(
        db,
        "demo",
        kechuang_store::reported::ReportedInput {
            code: "rd_intensity".into(),
            name: "研发投入强度".into(),
            period: "2024".into(),
            unit: "permille".into(),
            value: 54,
            source: "区统计局《2024年科技经费投入统计公报》".into(),
            approved_by: "管委会办公室".into(),
            note: "全社会研发经费投入占地区生产总值比重，全市第一".into(),
        },
    )
    .await
    .context("写入演示报送统计失败")?;
    Ok(true)
}

/// Category code → (lead department code, titles).
const CASE_TOPICS: [(&str, &str, [&str; 5]); 9] = [
    (
        "approval",
        "ZW",
        [
            "半导体项目环评审批周期过长",
            "新建厂房施工许可办理进度慢",
            "生产线技改项目备案咨询",
            "危化品仓储许可续期",
            "消防验收排期过长",
        ],
    ),
    (
        "land",
        "GZ",
        [
            "二期扩产用地指标紧张",
            "标准厂房租赁续约",
            "土地出让条件调整诉求",
            "产业用地规划调整",
            "仓储用地不足",
        ],
    ),
    (
        "finance",
        "CJ",
        [
            "流动资金贷款额度不足",
            "知识产权质押融资对接",
            "申请科企梯度贷",
            "股权融资对接需求",
            "贷款贴息申领流程咨询",
        ],
    ),
    (
        "talent",
        "RC",
        [
            "高层次人才安居房申请",
            "外籍专家工作许可办理",
            "人才子女入学协调",
            "人才公寓配租",
            "博士后工作站申报",
        ],
    ),
    (
        "labor",
        "RC",
        [
            "产线普工招聘困难",
            "技能工人培训补贴申领",
            "社保缴费基数咨询",
            "用工高峰期劳务对接",
            "校企合作订单班",
        ],
    ),
    (
        "policy",
        "KJ",
        [
            "研发费用加计扣除兑现慢",
            "高新技术企业认定奖励未到账",
            "首台套保险补贴申请",
            "专精特新奖励兑现",
            "稳岗补贴申领",
        ],
    ),
    (
        "ip",
        "KJ-CG",
        [
            "专利侵权纠纷维权",
            "商标异议协助",
            "PCT国际专利申请资助",
            "知识产权贯标辅导",
            "技术秘密保护咨询",
        ],
    ),
    (
        "infrastructure",
        "JF",
        [
            "厂区电力增容",
            "园区道路破损维修",
            "天然气管网接入",
            "5G基站信号覆盖不足",
            "公交线路延伸到园区",
        ],
    ),
    (
        "other",
        "JF",
        [
            "园区食堂配套不足",
            "企业展示活动场地对接",
            "国际会议场地协调",
            "统计报表填报咨询",
            "安全生产检查咨询",
        ],
    ),
];

/// About 250 cases over 2026 walked through the real handling code with a
/// historical clock: 230+ solved (a few late, a few reopened), the rest in
/// handling, waiting for dispatch, or declined.
async fn cases(
    db: &Db,
    dep_ids: &std::collections::HashMap<&str, String>,
    firms: &[(String, String, &str)],
) -> anyhow::Result<()> {
    use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
    use kechuang_domain::cases::{Channel, Satisfaction, TaskAction};
    use kechuang_store::cases::{self as c, Actor, Assignment, CaseInput, TaskStep};
    use kechuang_store::{at_time, calendar};

    let dep = |code: &str| dep_ids.get(code).cloned().expect("demo department");
    let actor = |code: &str, role: &str| Actor {
        username: "demo".into(),
        user_id: String::new(),
        display_name: format!(
            "{}{role}",
            DEPARTMENTS
                .iter()
                .find(|d| d.1 == code)
                .map(|d| d.0)
                .unwrap_or("")
        ),
        acts_for: None,
    };
    // Routing rules of the demo categories.
    let cats = c::categories(db).await?;
    for (code, lead, _) in CASE_TOPICS {
        let cat = cats
            .iter()
            .find(|x| x.code == code)
            .expect("default category");
        let i = c::CategoryInput {
            code: cat.code.clone(),
            name: cat.name.clone(),
            lead_department_id: Some(dep(lead)),
            time_limit_days: cat.time_limit_days,
            task_limit_days: cat.task_limit_days,
            warn_days: cat.warn_days,
            rating_days: cat.rating_days,
            sort_order: cat.sort_order,
            active: true,
        };
        c::update_category(db, "demo", &cat.id, cat.version, i).await?;
    }
    let cats = c::categories(db).await?;
    let cal = calendar::load(db).await?;
    let scope = kechuang_store::Scope::All;
    let at = |d: NaiveDate, hour: u32| {
        Utc.from_utc_datetime(
            &d.and_hms_opt(hour.saturating_sub(8), 15, 0)
                .expect("valid time"),
        )
    };
    let channels = [
        Channel::Portal,
        Channel::Visit,
        Channel::Portal,
        Channel::Hotline,
        Channel::Meeting,
        Channel::Instructor,
    ];
    let today = c::today();
    let total = 252usize;
    for i in 0..total {
        let (code, lead_code, titles) = CASE_TOPICS[(i * 7) % CASE_TOPICS.len()];
        let cat = cats.iter().find(|x| x.code == code).expect("category");
        let (org_id, chain_id, tf) = firms[(i * 5 + i / 9) % firms.len()].clone();
        // Spread over 2026 up to a few days before today.
        let span = (today - NaiveDate::from_ymd_opt(2026, 1, 5).expect("date"))
            .num_days()
            .max(30)
            - 4;
        let received_on = cal.next_workday_on_or_after(
            NaiveDate::from_ymd_opt(2026, 1, 5).expect("date")
                + Duration::days((i as i64 * span) / total as i64),
        );
        let received_at = at(received_on, 9 + (i % 8) as u32);
        let title = titles[i % 5].to_string();
        let input = CaseInput {
            title: title.clone(),
            description: format!("{title}，影响企业正常生产经营，希望管委会协调解决。"),
            category_id: cat.id.clone(),
            org_id,
            chain_id: Some(chain_id),
            channel: channels[i % channels.len()],
            received_at,
            contact_name: "企业联络员".into(),
            contact_phone: format!("139{:08}", 10_000_000 + i * 37),
            location: Default::default(),
        };
        let clerk = actor("ZW", "受理窗口");
        let case = at_time(received_at, c::intake(db, &clerk, input)).await?;
        // The last few stay in the queues a committee sees every day.
        if i >= total - 4 {
            continue;
        }
        if i % 97 == 13 {
            at_time(
                received_at + Duration::hours(2),
                c::decline(
                    db,
                    &scope,
                    &actor(tf, "联络员"),
                    &case.id,
                    case.version,
                    "属于企业间商业纠纷，建议通过法律途径解决".into(),
                ),
            )
            .await?;
            continue;
        }
        let day = |n: u32| cal.add_workdays(received_on, n);
        let assists = if i % 4 == 0 {
            vec![dep(if lead_code == "KJ" { "ZS" } else { "KJ" })]
        } else {
            vec![]
        };
        at_time(
            at(day(0), 16),
            c::dispatch(
                db,
                &scope,
                &actor(tf, "联络员"),
                &case.id,
                case.version,
                Assignment {
                    lead: dep(lead_code),
                    assists,
                    task_force: None,
                    limits: vec![],
                },
            ),
        )
        .await?;
        let limit = cat.time_limit_days as u32;
        // Most finish well within the limit; every eleventh runs late.
        let work = if i % 11 == 5 {
            limit + 3
        } else {
            2 + (i as u32 * 3) % (limit.max(3) - 1)
        };
        let handled_by = day(work);
        let in_handling = i >= total - 14;
        for t in c::tasks(db, &case.id).await? {
            let who = actor(
                DEPARTMENTS
                    .iter()
                    .find(|d| dep_ids.get(d.1) == Some(&t.department_id))
                    .map(|d| d.1)
                    .unwrap_or("JF"),
                "经办人",
            );
            let step = |task_id: &str, version: i32, action, note: &str| TaskStep {
                task_id: task_id.into(),
                version,
                action,
                note: note.into(),
            };
            let accepted = at_time(
                at(day(1), 10),
                c::task_action(
                    db,
                    &scope,
                    &who,
                    &case.id,
                    step(&t.id, t.version, TaskAction::Accept, ""),
                ),
            )
            .await?;
            if in_handling {
                continue;
            }
            at_time(
                at(handled_by.min(today), 15),
                c::task_action(
                    db,
                    &scope,
                    &who,
                    &case.id,
                    step(
                        &t.id,
                        accepted.version,
                        TaskAction::Complete,
                        "已协调相关单位办理完毕",
                    ),
                ),
            )
            .await?;
        }
        if in_handling || handled_by >= today {
            continue;
        }
        let fresh = c::get(db, &scope, &case.id).await?;
        let lead = actor(lead_code, "经办人");
        let replied = at_time(
            at(cal.add_workdays(handled_by, 1).min(today), 11),
            c::reply(
                db,
                &scope,
                &lead,
                &case.id,
                fresh.version,
                format!(
                    "经{}协调，“{title}”已办理完毕，请查收。",
                    DEPARTMENTS
                        .iter()
                        .find(|d| d.1 == lead_code)
                        .map(|d| d.0)
                        .unwrap_or("")
                ),
            ),
        )
        .await?;
        let rated_on = cal.add_workdays(handled_by, 2).min(today);
        let unhappy = i % 23 == 7;
        let sat = if unhappy {
            Satisfaction::Unsatisfied
        } else if i % 15 == 3 {
            Satisfaction::Basic
        } else {
            Satisfaction::Satisfied
        };
        let enterprise = Actor {
            username: "demo".into(),
            user_id: String::new(),
            display_name: "企业联络员".into(),
            acts_for: None,
        };
        let rated = at_time(
            at(rated_on, 14),
            c::rate(
                db,
                &scope,
                &enterprise,
                &case.id,
                replied.version,
                sat,
                String::new(),
            ),
        )
        .await?;
        if unhappy {
            // Reopened one level higher; the lead department finishes it within a week.
            let again = cal.add_workdays(rated_on, 3).min(today);
            for t in c::tasks(db, &case.id)
                .await?
                .into_iter()
                .filter(|t| t.status == "pending")
            {
                let accepted = at_time(
                    at(cal.add_workdays(rated_on, 1).min(today), 9),
                    c::task_action(
                        db,
                        &scope,
                        &lead,
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
                    at(again, 11),
                    c::task_action(
                        db,
                        &scope,
                        &lead,
                        &case.id,
                        TaskStep {
                            task_id: t.id.clone(),
                            version: accepted.version,
                            action: TaskAction::Complete,
                            note: "提级督办后已彻底解决".into(),
                        },
                    ),
                )
                .await?;
            }
            let replied = at_time(
                at(again, 15),
                c::reply(
                    db,
                    &scope,
                    &lead,
                    &case.id,
                    rated.version,
                    "提级督办后已彻底解决，请再次评价。".into(),
                ),
            )
            .await?;
            at_time(
                at(cal.add_workdays(again, 1).min(today), 10),
                c::rate(
                    db,
                    &scope,
                    &enterprise,
                    &case.id,
                    replied.version,
                    Satisfaction::Satisfied,
                    "感谢督办".into(),
                ),
            )
            .await?;
        }
        if received_on.month() % 3 == 0 && i % 5 == 0 {
            c::follow_up(
                db,
                &scope,
                &lead,
                &case.id,
                "电话回访，企业对办理结果满意".into(),
            )
            .await?;
        }
    }
    // Accountability interviews (约谈) with the departments of two cases
    // solved late, each naming its case.
    let late = c::list_all(
        db,
        &scope,
        &c::CaseFilter {
            sla: Some(c::SlaFilter::Late),
            ..Default::default()
        },
        2,
    )
    .await?;
    let leader = Actor {
        username: "demo".into(),
        user_id: String::new(),
        display_name: "管委会分管领导".into(),
        acts_for: None,
    };
    for (case, who) in late.iter().zip(["科长（主办）", "副局长（分管）"]) {
        let (Some(dep_id), Some(closed_on)) = (&case.lead_department_id, case.closed_on) else {
            continue;
        };
        let held_on = cal.add_workdays(closed_on, 2).min(today);
        let input = c::InterviewInput {
            department_id: dep_id.clone(),
            case_id: Some(case.id.clone()),
            interviewee: who.into(),
            held_on,
            reason: format!("诉求 {} 超过办理时限后办结", case.number),
            outcome: "说明超期原因，一周内梳理在办诉求并在月度碰头会通报整改情况".into(),
        };
        at_time(at(held_on, 15), c::record_interview(db, &leader, input)).await?;
    }
    Ok(())
}

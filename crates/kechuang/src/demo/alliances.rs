//! Demo alliances and chain settlement, shaped like the article (PRODUCT.md
//! A5): the IC talent alliance with 80+ members and the innovation-ecosystem
//! association with 81, members drawn from the register with the sector of
//! their kind, joins and exits over 2024–2026; 60+ firms settled (落户) onto
//! the NEV chain with their dates. Everything goes through the store.

use chrono::NaiveDate;
use kechuang_domain::events::{AllianceKind, Sector};
use kechuang_domain::org::{ChainPosition, OrgKind};
use kechuang_store::alliances::{self, AllianceInput, JoinInput, MemberImportRow, OrgRef};
use kechuang_store::chains;
use kechuang_store::entities::org;
use kechuang_store::orgs::{self, OrgInput};
use kechuang_store::{Db, PageReq, Scope};

const ACTOR: &str = "demo";

/// Firms attracted onto the NEV chain besides those already on it.
const NEV_FIRMS: usize = 48;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid demo date")
}

/// The day `k` of a spread over `from..from+span` days.
fn spread(from: NaiveDate, span: i64, k: usize, n: usize) -> NaiveDate {
    from + chrono::Duration::days(span * k as i64 / n.max(1) as i64)
}

/// Every organisation of the register, ordered by credit code then name.
async fn register(db: &Db) -> anyhow::Result<Vec<org::Model>> {
    let mut all = vec![];
    for page in 1.. {
        let p = orgs::list(
            db,
            &Scope::All,
            &Default::default(),
            PageReq::new(Some(page), Some(200))?,
        )
        .await?;
        let n = p.items.len();
        all.extend(p.items);
        if n < 200 {
            break;
        }
    }
    all.sort_by(|a, b| a.uscc.cmp(&b.uscc).then(a.name.cmp(&b.name)));
    Ok(all)
}

const PREFIXES: [&str; 12] = [
    "渝芯",
    "西永",
    "科城",
    "明月",
    "金凤",
    "缙云",
    "虎溪",
    "大学城",
    "曾家",
    "含谷",
    "白市驿",
    "青凤",
];
const TRADES: [(&str, ChainPosition); 8] = [
    ("动力电池材料", ChainPosition::Upstream),
    ("电机电控", ChainPosition::Midstream),
    ("汽车电子", ChainPosition::Midstream),
    ("轻量化车身", ChainPosition::Upstream),
    ("热管理系统", ChainPosition::Midstream),
    ("智能驾驶", ChainPosition::Midstream),
    ("充换电设备", ChainPosition::Downstream),
    ("汽车精密部件", ChainPosition::Upstream),
];

/// 60+ firms settled onto the NEV chain: new firms attracted 2023–2026, and
/// the chain's firms except its two anchor manufacturers.
async fn settle_nev(db: &Db, nev: &str, anchors: &[&str]) -> anyhow::Result<usize> {
    for k in 0..NEV_FIRMS {
        let (trade, position) = TRADES[k % TRADES.len()];
        // (k mod 12, k mod 8) repeats every 24: the suffix tells them apart.
        let name = format!(
            "重庆{}{}{}",
            PREFIXES[k % PREFIXES.len()],
            trade,
            ["科技有限公司", "技术有限公司"][k / 24]
        );
        let n = 1_200 + k;
        let firm = orgs::create(
            db,
            ACTOR,
            OrgInput {
                name: name.clone(),
                kind: OrgKind::Enterprise,
                uscc: Some(super::code("91500106ME", n)),
                legal_person: format!(
                    "{}{}",
                    ["张", "王", "李", "赵", "陈", "杨", "周", "吴", "郑"][k % 9],
                    ["志远", "晓燕", "国华", "伟", "丽", "俊杰", "海涛"][k % 7]
                ),
                contact_name: "综合部".into(),
                contact_phone: format!("023-6577{:04}", n),
                contact_email: String::new(),
                address: format!("重庆市沙坪坝区西永微电园{}号", 100 + k),
                tags: vec!["新能源汽车".into(), "招商引资".into()],
                is_high_tech: k % 3 != 0,
                is_tech_sme: true,
                is_specialized: k % 5 == 1,
                department_id: None,
                founded_on: Some(day(2015 + (k % 9) as i32, 1 + (k % 12) as u32, 8)),
                description: format!("{name}，新能源汽车产业链{}企业，招商落户。", trade),
            },
        )
        .await?;
        chains::set_member(db, ACTOR, nev, &firm.id, None, position).await?;
    }
    let detail = chains::detail(db, nev).await?;
    let mut members: Vec<_> = detail
        .members
        .iter()
        .filter(|m| !anchors.contains(&m.org_name.as_str()))
        .collect();
    members.sort_by(|a, b| a.org_name.cmp(&b.org_name));
    let n = members.len();
    for (k, m) in members.iter().enumerate() {
        // 2023-01-01 … 2026-11-20, every firm on its own day.
        let on = spread(day(2023, 1, 1), 1_419, (k * 37) % n, n);
        chains::set_settled_on(db, ACTOR, nev, &m.link.org_id, Some(on)).await?;
    }
    Ok(n)
}

fn sector_of(o: &org::Model) -> Option<Sector> {
    OrgKind::parse(&o.kind).and_then(Sector::of_org_kind)
}

pub async fn load(db: &Db, anchors: &[&str]) -> anyhow::Result<()> {
    let names = kechuang_store::names::all_ordered(db, "chains").await?;
    let chain = |n: &str| names.iter().find(|(_, x)| x == n).map(|(id, _)| id.clone());
    let nev = chain("智能网联新能源汽车").expect("the demo NEV chain");
    settle_nev(db, &nev, anchors).await?;

    let reg = register(db).await?;
    let by_name = |n: &str| reg.iter().find(|o| o.name == n).map(|o| o.id.clone());
    // Every organisation whose kind gives its sector, research and academia first.
    let mut pool: Vec<&org::Model> = reg.iter().filter(|o| sector_of(o).is_some()).collect();
    pool.sort_by_key(|o| match sector_of(o) {
        Some(Sector::Academia) | Some(Sector::Research) => 0,
        Some(Sector::Finance) | Some(Sector::Intermediary) | Some(Sector::Gov) => 1,
        _ => 2,
    });

    // 集成电路人才联盟: 86 joined 2024-2026 one by one, 5 left in 2025, 2
    // rejoined in 2026: 83 members now.
    let ic = alliances::create(
        db,
        ACTOR,
        AllianceInput {
            name: "集成电路人才联盟".into(),
            kind: AllianceKind::Alliance,
            founded_on: Some(day(2024, 3, 15)),
            secretariat_org_id: by_name("重庆邮电大学"),
            chain_id: chain("集成电路"),
            description:
                "集成电路企业、高校和科研院所共建的人才联盟：联合培养、岗位共享、人才认定与服务。"
                    .into(),
        },
    )
    .await?;
    let ic_members: Vec<&org::Model> = pool.iter().copied().take(86).collect();
    let n = ic_members.len();
    for (k, o) in ic_members.iter().enumerate() {
        let on = spread(day(2024, 3, 15), 960, k, n);
        alliances::join(
            db,
            ACTOR,
            &ic.id,
            JoinInput {
                org_id: o.id.clone(),
                sector: None,
                joined_on: on,
            },
        )
        .await?;
    }
    for (j, k) in [3usize, 9, 17, 25, 31].iter().enumerate() {
        let o = ic_members[*k];
        alliances::exit(db, ACTOR, &ic.id, &o.id, day(2025, 6 + j as u32, 30)).await?;
        if j < 2 {
            alliances::join(
                db,
                ACTOR,
                &ic.id,
                JoinInput {
                    org_id: o.id.clone(),
                    sector: None,
                    joined_on: day(2026, 3 + j as u32, 1),
                },
            )
            .await?;
        }
    }

    // 创新生态共治协会: its founding list imported (84, three of whom had left
    // in 2025), then one exit and one rejoin: 81 members now.
    let eco = alliances::create(
        db,
        ACTOR,
        AllianceInput {
            name: "创新生态共治协会".into(),
            kind: AllianceKind::Association,
            founded_on: Some(day(2024, 1, 10)),
            secretariat_org_id: by_name("西部科学城创新生态共治协会"),
            chain_id: None,
            description:
                "政产学研金介共建共治的创新生态组织：会员单位联动服务、资源共享、协同治理。".into(),
        },
    )
    .await?;
    let eco_members: Vec<&org::Model> = pool.iter().rev().copied().take(84).collect();
    let n = eco_members.len();
    let rows = eco_members
        .iter()
        .enumerate()
        .map(|(k, o)| {
            let joined_on = spread(day(2024, 1, 10), 600, k, n);
            let left_on = match k {
                5 | 12 | 30 => Some(day(2025, 9, 1 + (k % 20) as u32)),
                _ => None,
            };
            MemberImportRow {
                org: OrgRef::Id(o.id.clone()),
                sector: None,
                joined_on,
                left_on,
            }
        })
        .collect();
    alliances::import_members(db, ACTOR, &eco.id, rows)
        .await
        .map_err(|(row, e)| anyhow::anyhow!("第{row}行：{e}"))?;
    alliances::exit(db, ACTOR, &eco.id, &eco_members[20].id, day(2026, 2, 1)).await?;
    alliances::join(
        db,
        ACTOR,
        &eco.id,
        JoinInput {
            org_id: eco_members[5].id.clone(),
            sector: None,
            joined_on: day(2026, 4, 1),
        },
    )
    .await?;
    Ok(())
}

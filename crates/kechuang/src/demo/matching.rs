//! Demo matchmaking (技术撮合), shaped like the article: brokers matched
//! research supply with enterprise demand and made 100+ cooperations
//! happen. Seeded from the engine's labelled corpus
//! (`crates/matching/testdata/relevance.json`): its offers go to the
//! register's universities, institutes and firms, its needs to the
//! enterprises of the matching chain; deterministic variants (a small
//! inline generator, no randomness) bring them to about 300 offers and 200
//! needs. Everything goes through the store under a historical clock:
//! listings imported by the brokers in batches, most already reviewed and
//! published (one transaction a batch, audited, in the change feed), the
//! rest sent for review (some left pending, some returned with a reason,
//! some published and later withdrawn; a few needs past their deadline
//! closed by the sweep);
//! leads on the engine's top candidates, worked by the brokers through
//! every stage; signed leads make cooperation projects (some linking the
//! enterprise's technology contract), and staff record a few more.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use kechuang_domain::auth::Role;
use kechuang_domain::matching::{CoopMode, CoopModes, LeadStage, ListingStatus, OfferKind};
use kechuang_domain::org::OrgKind;
use kechuang_matching::Filters;
use kechuang_store::accounts::{self, NewUser};
use kechuang_store::matching::leads::{self, LeadInput, SignInput};
use kechuang_store::matching::needs::{self, NeedInput};
use kechuang_store::matching::offers::{self, OfferInput};
use kechuang_store::matching::projects::{self, ProjectInput};
use kechuang_store::matching::{import, sweep, Actor};
use kechuang_store::transfer::contracts;
use kechuang_store::{at_time, chains, clock, orgs, Db, Scope};
use kechuang_web::service::matching::index::MatchIndex;
use serde::Deserialize;

/// Offers and needs the demo lists (the corpus, then variants).
const OFFERS: usize = 310;
const NEEDS: usize = 200;
/// Leads the brokers work.
const LEADS: usize = 170;
/// Cooperation projects recorded without a lead.
const DIRECT_PROJECTS: usize = 18;

const CORPUS: &str = include_str!("../../../matching/testdata/relevance.json");

#[derive(Deserialize)]
struct Corpus {
    chain_nodes: Vec<CorpusNode>,
    offers: Vec<CorpusOffer>,
    needs: Vec<Labelled>,
}

#[derive(Deserialize)]
struct CorpusNode {
    id: i64,
    chain: String,
    name: String,
}

#[derive(Deserialize, Clone)]
struct CorpusOffer {
    title: String,
    description: String,
    #[serde(default)]
    keywords: Vec<String>,
    chain_node_id: Option<i64>,
    field: Option<String>,
    trl: Option<i32>,
    #[serde(default)]
    modes: Vec<String>,
    region: Option<String>,
    price_fen: Option<(i64, i64)>,
}

#[derive(Deserialize)]
struct Labelled {
    need: CorpusNeed,
}

#[derive(Deserialize, Clone)]
struct CorpusNeed {
    title: String,
    description: String,
    #[serde(default)]
    keywords: Vec<String>,
    chain_node_id: Option<i64>,
    field: Option<String>,
    trl_range: Option<(i32, i32)>,
    #[serde(default)]
    modes: Vec<String>,
    region: Option<String>,
    budget_fen: Option<i64>,
}

/// A tiny deterministic generator (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo).max(0) as u64 + 1)) as i64
    }
}

/// 10:00 Beijing time on `d`.
fn at(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(2, 0, 0).expect("valid time"))
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date")
}

const REGIONS: [&str; 8] = [
    "重庆市沙坪坝区",
    "重庆市九龙坡区",
    "重庆市北碚区",
    "重庆市璧山区",
    "重庆市江津区",
    "四川省成都市高新区",
    "四川省绵阳市",
    "重庆市两江新区",
];
const SURNAMES: [&str; 10] = ["张", "王", "李", "赵", "陈", "杨", "周", "吴", "刘", "黄"];
const GIVEN: [&str; 8] = ["伟", "芳", "磊", "静", "洋", "婷", "强", "敏"];
const OFFER_SUFFIXES: [&str; 5] = [
    "（升级版）",
    "工程化技术包",
    "（中试验证版）",
    "产业化应用方案",
    "（第二代）",
];
const NEED_FORMS: [(&str, &str); 5] = [
    ("征集：", ""),
    ("", "（联合攻关）"),
    ("", "技术攻关需求"),
    ("", "——寻求高校院所合作"),
    ("关于", "的技术需求"),
];
const RETURN_REASONS: [&str; 4] = [
    "成果权属证明材料不全，请补充专利证书或成果登记证明后重新提交",
    "价格区间与描述不一致，请核实后重新提交",
    "描述过于简略，请补充关键技术指标和应用场景",
    "联系人电话无法接通，请补充有效的联系方式",
];
const WITHDRAW_REASONS: [&str; 3] = [
    "已通过其他渠道达成合作，暂停对外发布",
    "团队调整，暂缓对接",
    "企业战略调整，需求暂缓",
];
const CLOSE_REASONS: [&str; 5] = [
    "企业预算调整，项目暂缓实施",
    "成果成熟度不足，企业希望等待中试结果",
    "双方在知识产权归属上未达成一致",
    "企业已通过自主研发解决",
    "成果方团队另有合作安排，无法承接",
];

/// Dates the listings came in (imported for review), about every four months.
const BATCHES: [(i32, u32, u32); 8] = [
    (2024, 1, 15),
    (2024, 5, 10),
    (2024, 9, 5),
    (2025, 1, 8),
    (2025, 5, 6),
    (2025, 9, 2),
    (2026, 1, 12),
    (2026, 5, 11),
];

fn person(r: &mut Rng) -> String {
    format!("{}{}", r.pick(&SURNAMES), r.pick(&GIVEN))
}

fn phone(r: &mut Rng) -> String {
    format!(
        "1{}{:08}",
        [38, 39, 58, 86][r.below(4)],
        r.below(100_000_000)
    )
}

fn modes_of(codes: &[String]) -> CoopModes {
    let ms: Vec<CoopMode> = codes.iter().filter_map(|c| CoopMode::parse(c)).collect();
    CoopModes::of(&ms)
}

/// Round to 万元 (1,000,000 fen).
fn wan(fen: i64) -> i64 {
    (fen / 1_000_000).max(1) * 1_000_000
}

/// The number of characters `a` and `b` share (a crude closeness of names).
fn shared_chars(a: &str, b: &str) -> usize {
    let bs: HashSet<char> = b.chars().collect();
    a.chars().filter(|c| bs.contains(c)).count()
}

/// A chain of the demo with its nodes and registered enterprise members.
struct DemoChain {
    id: String,
    name: String,
    nodes: Vec<(String, String)>,
    firms: Vec<String>,
}

/// Where a corpus node lands: the demo chain of the same name (or whose
/// name contains it), and its closest node; none when the demo has no such chain.
fn place(chains: &[DemoChain], node: Option<&CorpusNode>) -> (Option<usize>, Option<String>) {
    let Some(node) = node else {
        return (None, None);
    };
    let Some(ci) = chains
        .iter()
        .position(|c| c.name == node.chain)
        .or_else(|| chains.iter().position(|c| c.name.contains(&node.chain)))
    else {
        return (None, None);
    };
    let best = chains[ci]
        .nodes
        .iter()
        .map(|(id, name)| (shared_chars(&node.name, name), id))
        .filter(|(n, _)| *n > 0)
        .max_by_key(|(n, _)| *n)
        .map(|(_, id)| id.clone());
    (Some(ci), best)
}

/// A listing's planned course: batch, and what happens after the import.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Course {
    Pending,
    Returned,
    Withdrawn,
    Published,
}

fn course(i: usize) -> Course {
    match i % 20 {
        7 => Course::Pending,
        11 => Course::Returned,
        16 => Course::Withdrawn,
        _ => Course::Published,
    }
}

pub async fn load(db: &Db) -> anyhow::Result<()> {
    let corpus: Corpus = serde_json::from_str(CORPUS)?;
    let today = clock::today();
    let mut r = Rng(0x6b65_6368_7561_6e67);

    let register = orgs::list_all(db, &Scope::All, &Default::default(), 10_000).await?;
    let kind_of = |o: &kechuang_store::entities::org::Model| OrgKind::parse(&o.kind);
    let research: Vec<String> = register
        .iter()
        .filter(|o| matches!(kind_of(o), Some(OrgKind::University | OrgKind::Institute)))
        .map(|o| o.id.clone())
        .collect();
    let enterprises: Vec<String> = register
        .iter()
        .filter(|o| kind_of(o) == Some(OrgKind::Enterprise))
        .map(|o| o.id.clone())
        .collect();
    // The demo's chains with their nodes and member enterprises.
    let firm_set: HashSet<&String> = enterprises.iter().collect();
    let mut demo_chains = vec![];
    for c in chains::list(db).await? {
        let d = chains::detail(db, &c.chain.id).await?;
        demo_chains.push(DemoChain {
            id: c.chain.id.clone(),
            name: c.chain.name.clone(),
            nodes: d
                .nodes
                .iter()
                .map(|n| (n.id.clone(), n.name.clone()))
                .collect(),
            firms: d
                .members
                .iter()
                .map(|m| m.link.org_id.clone())
                .filter(|o| firm_set.contains(o))
                .collect(),
        });
    }
    let org_name: HashMap<String, String> = register
        .iter()
        .map(|o| (o.id.clone(), o.name.clone()))
        .collect();
    anyhow::ensure!(
        !research.is_empty() && !enterprises.is_empty(),
        "演示数据缺少高校院所或企业"
    );
    let users = accounts::list_users(db).await?;
    let mut brokers: Vec<Actor> = users
        .iter()
        .filter(|u| Role::parse(&u.role) == Some(Role::Broker) && u.active)
        .map(|u| Actor {
            username: u.username.clone(),
            user_id: u.id.clone(),
            role: Role::Broker,
            scope: Scope::All,
        })
        .collect();
    if brokers.len() < 2 {
        let u = accounts::create_user(
            db,
            "demo",
            NewUser {
                username: "jingjiren2".into(),
                display_name: "科创经纪人 郑经理".into(),
                password: super::DEMO_PASSWORD.into(),
                role: Role::Broker,
                department_id: None,
                org_id: None,
                phone: String::new(),
            },
        )
        .await?;
        brokers.push(Actor {
            username: u.username,
            user_id: u.id,
            role: Role::Broker,
            scope: Scope::All,
        });
    }
    let reviewer = brokers[0].clone();
    let nodes: HashMap<i64, &CorpusNode> = corpus.chain_nodes.iter().map(|n| (n.id, n)).collect();

    // Offers: the corpus, then variants with other holders.
    let batches: Vec<NaiveDate> = BATCHES
        .iter()
        .map(|&(y, m, d)| day(y, m, d).min(today - Duration::days(60)))
        .collect();
    let mut offer_rows: Vec<Vec<(usize, OfferInput)>> = vec![vec![]; batches.len()];
    for i in 0..OFFERS {
        let variant = i >= corpus.offers.len();
        let base = if variant {
            &corpus.offers[r.below(corpus.offers.len())]
        } else {
            &corpus.offers[i]
        };
        let (ci, node) = place(
            &demo_chains,
            base.chain_node_id.and_then(|n| nodes.get(&n).copied()),
        );
        // Mostly universities and institutes; some firms of the chain offer too.
        let holder = if r.below(7) == 0 {
            match ci {
                Some(c) if !demo_chains[c].firms.is_empty() => {
                    r.pick(&demo_chains[c].firms).clone()
                }
                _ => r.pick(&enterprises).clone(),
            }
        } else {
            r.pick(&research).clone()
        };
        let mut title = base.title.clone();
        let mut description = base.description.clone();
        let mut trl = base.trl;
        let mut price = base.price_fen;
        if variant {
            let suffix = OFFER_SUFFIXES[r.below(OFFER_SUFFIXES.len())];
            title.push_str(suffix);
            description.push_str(&format!(
                "团队由{}名教授、{}名博士组成，已申请发明专利{}项，可提供技术培训和驻厂指导。",
                r.range(2, 6),
                r.range(3, 15),
                r.range(2, 12)
            ));
            trl = trl.map(|t| (t + r.range(-1, 1) as i32).clamp(1, 9));
            let f = r.range(6, 15);
            price = price.map(|(a, b)| (wan(a * f / 10), wan(b * f / 10).max(wan(a * f / 10))));
        }
        let kind = if title.contains("平台") {
            OfferKind::Facility
        } else if title.contains("服务") || title.contains("咨询") {
            OfferKind::Expert
        } else if i % 5 == 2 {
            OfferKind::Patent
        } else {
            OfferKind::Result
        };
        let mut keywords = base.keywords.clone();
        if variant && keywords.len() > 2 && r.below(2) == 0 {
            keywords.pop();
        }
        offer_rows[i % batches.len()].push((
            i,
            OfferInput {
                kind,
                title,
                description,
                keywords,
                field: base.field.clone().unwrap_or_default(),
                chain_id: ci.map(|c| demo_chains[c].id.clone()),
                chain_node_id: node,
                trl,
                modes: modes_of(&base.modes),
                price_min_fen: price.map(|p| p.0),
                price_max_fen: price.map(|p| p.1),
                region: if variant {
                    r.pick(&REGIONS).to_string()
                } else {
                    base.region.clone().unwrap_or_default()
                },
                holder_org_id: holder,
                transfer_project_id: None,
                contact_name: person(&mut r),
                contact_phone: phone(&mut r),
            },
        ));
    }

    // Needs: the corpus, then variants posted by other enterprises.
    let mut need_rows: Vec<Vec<(usize, NeedInput)>> = vec![vec![]; batches.len()];
    let mut expiring: HashSet<usize> = HashSet::new();
    for i in 0..NEEDS {
        let variant = i >= corpus.needs.len();
        let base = if variant {
            &corpus.needs[r.below(corpus.needs.len())].need
        } else {
            &corpus.needs[i].need
        };
        let (ci, node) = place(
            &demo_chains,
            base.chain_node_id.and_then(|n| nodes.get(&n).copied()),
        );
        let org = match ci {
            Some(c) if !demo_chains[c].firms.is_empty() => r.pick(&demo_chains[c].firms).clone(),
            _ => r.pick(&enterprises).clone(),
        };
        let mut title = base.title.clone();
        let mut description = base.description.clone();
        let mut budget = base.budget_fen;
        if variant {
            let (pre, post) = *r.pick(&NEED_FORMS);
            title = format!("{pre}{title}{post}");
            description.push_str(&format!(
                "公司现有研发人员{}人，年营业收入约{}亿元，可提供中试场地和验证条件。",
                r.range(20, 300),
                r.range(1, 30)
            ));
            budget = budget.map(|b| wan(b * r.range(6, 15) / 10));
        }
        let batch = i % batches.len();
        let posted = batches[batch];
        // A few needs ran past their deadline (the sweep closes them);
        // a third have none; the rest are open for a year or more.
        let deadline = if i % 25 == 3 && posted + Duration::days(120) < today {
            expiring.insert(i);
            Some(posted + Duration::days(90))
        } else if i % 3 == 0 {
            None
        } else {
            Some(today + Duration::days(r.range(60, 540)))
        };
        need_rows[batch].push((
            i,
            NeedInput {
                title,
                description,
                keywords: base.keywords.clone(),
                field: base.field.clone().unwrap_or_default(),
                chain_id: ci.map(|c| demo_chains[c].id.clone()),
                chain_node_id: node,
                trl_min: base.trl_range.map(|t| t.0),
                trl_max: base.trl_range.map(|t| t.1),
                modes: modes_of(&base.modes),
                budget_fen: budget,
                deadline,
                region: if variant {
                    r.pick(&REGIONS).to_string()
                } else {
                    base.region.clone().unwrap_or_default()
                },
                org_id: org,
                name_public: i % 6 != 4,
                contact_name: person(&mut r),
                contact_phone: phone(&mut r),
            },
        ));
    }

    // Each batch on its date: most imported already reviewed and published
    // by a broker (one transaction, audited, in the change feed); the rest
    // sent for review, then returned, or published and later withdrawn, or
    // left pending.
    let mut offer_pub: HashMap<String, NaiveDate> = HashMap::new();
    let mut need_pub: HashMap<String, (NaiveDate, usize)> = HashMap::new();
    for (b, posted) in batches.iter().enumerate() {
        let listed = *posted + Duration::days(2);
        let (now_pub, review): (Vec<_>, Vec<_>) = std::mem::take(&mut offer_rows[b])
            .into_iter()
            .partition(|(k, _)| course(*k) == Course::Published);
        let idx: Vec<usize> = review.iter().map(|x| x.0).collect();
        let ids = at_time(
            at(listed),
            import::offers(
                db,
                &reviewer,
                now_pub.into_iter().map(|x| x.1).collect(),
                ListingStatus::Published,
            ),
        )
        .await
        .map_err(|(row, e)| anyhow::anyhow!("演示技术供给第{row}行：{e}"))?;
        offer_pub.extend(ids.into_iter().map(|id| (id, listed)));
        let ids = at_time(
            at(*posted),
            import::offers(
                db,
                &reviewer,
                review.into_iter().map(|x| x.1).collect(),
                ListingStatus::Pending,
            ),
        )
        .await
        .map_err(|(row, e)| anyhow::anyhow!("演示技术供给第{row}行：{e}"))?;
        for (k, id) in idx.into_iter().zip(ids) {
            let t = at(listed);
            match course(k) {
                Course::Returned => {
                    let reason = RETURN_REASONS[k % RETURN_REASONS.len()];
                    at_time(t, offers::return_to_owner(db, &reviewer, &id, 1, reason)).await?;
                }
                Course::Withdrawn => {
                    let m = at_time(t, offers::publish(db, &reviewer, &id, 1)).await?;
                    let reason = WITHDRAW_REASONS[k % 2];
                    at_time(
                        at(listed + Duration::days(40)),
                        offers::withdraw(db, &reviewer, &id, m.version, reason),
                    )
                    .await?;
                }
                Course::Pending | Course::Published => {}
            }
        }
        // Needs: the expiring ones are published (the sweep closes them).
        let need_course = |k: usize| {
            if expiring.contains(&k) {
                Course::Published
            } else {
                course(k + 3)
            }
        };
        let (now_pub, review): (Vec<_>, Vec<_>) = std::mem::take(&mut need_rows[b])
            .into_iter()
            .partition(|(k, _)| need_course(*k) == Course::Published);
        let pub_idx: Vec<usize> = now_pub.iter().map(|x| x.0).collect();
        let idx: Vec<usize> = review.iter().map(|x| x.0).collect();
        let ids = at_time(
            at(listed),
            import::needs(
                db,
                &reviewer,
                now_pub.into_iter().map(|x| x.1).collect(),
                ListingStatus::Published,
            ),
        )
        .await
        .map_err(|(row, e)| anyhow::anyhow!("演示技术需求第{row}行：{e}"))?;
        for (k, id) in pub_idx.into_iter().zip(ids) {
            if !expiring.contains(&k) {
                need_pub.insert(id, (listed, k));
            }
        }
        let ids = at_time(
            at(*posted),
            import::needs(
                db,
                &reviewer,
                review.into_iter().map(|x| x.1).collect(),
                ListingStatus::Pending,
            ),
        )
        .await
        .map_err(|(row, e)| anyhow::anyhow!("演示技术需求第{row}行：{e}"))?;
        for (k, id) in idx.into_iter().zip(ids) {
            let t = at(listed);
            match need_course(k) {
                Course::Returned => {
                    let reason = RETURN_REASONS[(k + 2) % RETURN_REASONS.len()];
                    at_time(t, needs::return_to_owner(db, &reviewer, &id, 1, reason)).await?;
                }
                Course::Withdrawn => {
                    let m = at_time(t, needs::publish(db, &reviewer, &id, 1)).await?;
                    let reason = WITHDRAW_REASONS[2 - k % 2];
                    at_time(
                        at(listed + Duration::days(30)),
                        needs::withdraw(db, &reviewer, &id, m.version, reason),
                    )
                    .await?;
                }
                Course::Pending | Course::Published => {}
            }
        }
    }

    // The engine's candidates for every published need still open.
    let index = MatchIndex::default();
    index.rebuild(db).await?;
    let mut open_needs: Vec<(String, NaiveDate, usize)> = need_pub
        .iter()
        .map(|(id, (on, k))| (id.clone(), *on, *k))
        .collect();
    open_needs.sort_by_key(|x| x.2);
    let published_needs: HashMap<String, kechuang_store::entities::need::Model> =
        needs::published(db)
            .await?
            .into_iter()
            .map(|n| (n.id.clone(), n))
            .collect();
    let mut pairs: Vec<(String, String)> = vec![];
    for (nid, _, k) in &open_needs {
        let Some(n) = published_needs.get(nid) else {
            continue;
        };
        let top: Vec<String> = index
            .read(db, |s| {
                s.engine
                    .offers_for(&s.need_query(n), &Filters::default(), 3)
                    .into_iter()
                    .filter_map(|c| s.offers.id(c.id).map(str::to_string))
                    .collect()
            })
            .await?;
        let take = if k % 3 == 0 { 2 } else { 1 };
        for o in top
            .into_iter()
            .filter(|o| offer_pub.contains_key(o))
            .take(take)
        {
            pairs.push((nid.clone(), o));
        }
    }
    pairs.truncate(LEADS);

    // Contracts of the demo's enterprises that a signed lead may link.
    let mut contracts_by_buyer: HashMap<String, Vec<(String, NaiveDate)>> = HashMap::new();
    for c in contracts::list_all(db, &Default::default(), 10_000).await? {
        if let (Some(b), None) = (c.buyer_org_id, c.lead_id) {
            if c.signed_on >= day(2024, 1, 1) && c.signed_on < today {
                contracts_by_buyer
                    .entry(b)
                    .or_default()
                    .push((c.id, c.signed_on));
            }
        }
    }

    // Leads: every stage; most signed.
    let steps = [
        "电话联系双方，确认成果现状与合作意向",
        "组织双方技术负责人现场对接，明确技术指标",
        "协助双方拟定合作协议条款与报价",
    ];
    let mut linked = 0usize;
    for (li, (nid, oid)) in pairs.iter().enumerate() {
        let broker = &brokers[li % brokers.len()];
        let n = &published_needs[nid];
        let from = need_pub[nid].0.max(offer_pub[oid]);
        // (final stage, whether it is signed) by the lead's place in the pattern.
        let target = match li % 20 {
            0..=10 => LeadStage::Signed,
            11 | 12 => LeadStage::Negotiating,
            13 | 14 => LeadStage::Confirmed,
            15..=17 => LeadStage::Contact,
            _ => LeadStage::Closed,
        };
        // Open leads started lately; the others soon after publication.
        let mut start = if target.is_open() {
            (today - Duration::days(r.range(10, 90))).max(from + Duration::days(3))
        } else {
            from + Duration::days(r.range(5, 40))
        };
        // A signed lead may link the enterprise's technology contract.
        let mut contract = None;
        if target == LeadStage::Signed && li % 4 == 1 {
            if let Some(list) = contracts_by_buyer.get_mut(&n.org_id) {
                if let Some(p) = list
                    .iter()
                    .position(|(_, on)| *on - Duration::days(45) >= from)
                {
                    let (cid, on) = list.remove(p);
                    start = on - Duration::days(45);
                    contract = Some((cid, on));
                    linked += 1;
                }
            }
        }
        let start = start.min(today - Duration::days(2));
        let due = |r: &mut Rng, at_: NaiveDate| at_ + Duration::days(r.range(7, 30));
        let overdue = target.is_open() && li % 3 == 0;
        let lead = at_time(
            at(start),
            leads::create(
                db,
                broker,
                LeadInput {
                    need_id: nid.clone(),
                    offer_id: oid.clone(),
                    broker_user_id: None,
                    next_step: steps[0].into(),
                    next_due_on: Some(due(&mut r, start)),
                },
            ),
        )
        .await?;
        let mut version = lead.version;
        let mut on = start;
        let mut stage = LeadStage::Contact;
        // Forward through the stages up to the target (closed ones stop on the way).
        let stop = match target {
            LeadStage::Closed => [
                LeadStage::Contact,
                LeadStage::Confirmed,
                LeadStage::Negotiating,
            ][li % 3],
            LeadStage::Signed => LeadStage::Negotiating,
            t => t,
        };
        while stage != stop {
            let next = stage.next().expect("an open stage");
            let gap = match &contract {
                Some(_) => 15,
                None => r.range(8, 25),
            };
            on = (on + Duration::days(gap)).min(today - Duration::days(1));
            let m = at_time(
                at(on),
                leads::advance(db, broker, &lead.id, version, next, ""),
            )
            .await?;
            version = m.version;
            stage = next;
        }
        match target {
            LeadStage::Signed => {
                let (signed_on, contract_id) = match contract {
                    Some((cid, on_)) => (on_, Some(cid)),
                    None => (
                        (on + Duration::days(r.range(10, 30))).min(today - Duration::days(1)),
                        None,
                    ),
                };
                let amount = match (&contract_id, n.budget_fen) {
                    (Some(_), _) => None,
                    (None, Some(b)) => Some(wan(b * r.range(4, 10) / 10)),
                    (None, None) => Some(r.range(30, 500) * 1_000_000),
                };
                let mode = needs::modes_of(n).iter().next();
                at_time(
                    at(signed_on),
                    leads::sign(
                        db,
                        broker,
                        &lead.id,
                        version,
                        SignInput {
                            signed_on,
                            amount_fen: amount,
                            contract_id,
                            title: None,
                            mode,
                            note: "经科创经纪人撮合签约".into(),
                        },
                    ),
                )
                .await?;
            }
            LeadStage::Closed => {
                let reason = CLOSE_REASONS[li % CLOSE_REASONS.len()];
                on = (on + Duration::days(r.range(7, 20))).min(today - Duration::days(1));
                at_time(
                    at(on),
                    leads::advance(db, broker, &lead.id, version, LeadStage::Closed, reason),
                )
                .await?;
            }
            _ => {
                let step = steps[match stage {
                    LeadStage::Contact => 0,
                    LeadStage::Confirmed => 1,
                    _ => 2,
                }];
                let due_on = if overdue {
                    today - Duration::days(r.range(2, 20))
                } else {
                    today + Duration::days(r.range(3, 30))
                };
                at_time(
                    at(on),
                    leads::set_next_step(db, broker, &lead.id, version, step, Some(due_on)),
                )
                .await?;
            }
        }
    }
    tracing::debug!(linked, "demo leads linked to technology contracts");

    // Cooperations the zone helped with outside the platform.
    let recorder = Actor {
        username: "demo".into(),
        ..brokers[0].clone()
    };
    let forms = ["联合实验室共建", "技术合作开发", "成果许可实施", "技术服务"];
    let span = (today - day(2024, 1, 10)).num_days().max(30);
    for k in 0..DIRECT_PROJECTS {
        let base = &corpus.offers[(k * 37 + 11) % corpus.offers.len()];
        let (ci, _) = place(
            &demo_chains,
            base.chain_node_id.and_then(|n| nodes.get(&n).copied()),
        );
        let firm = match ci {
            Some(c) if !demo_chains[c].firms.is_empty() => {
                demo_chains[c].firms[k % demo_chains[c].firms.len()].clone()
            }
            _ => enterprises[k % enterprises.len()].clone(),
        };
        let partner = research[k % research.len()].clone();
        let signed_on =
            day(2024, 1, 10) + Duration::days((k as i64 * span) / DIRECT_PROJECTS as i64);
        let title = format!(
            "{}与{}{}：{}",
            org_name.get(&firm).map(String::as_str).unwrap_or("企业"),
            org_name
                .get(&partner)
                .map(String::as_str)
                .unwrap_or("高校院所"),
            forms[k % forms.len()],
            base.title
        );
        at_time(
            at(signed_on),
            projects::record(
                db,
                &recorder,
                ProjectInput {
                    title,
                    need_id: None,
                    offer_id: None,
                    enterprise_org_id: firm,
                    partner_org_id: Some(partner),
                    chain_id: ci.map(|c| demo_chains[c].id.clone()),
                    mode: Some(
                        [
                            CoopMode::JointDevelopment,
                            CoopMode::License,
                            CoopMode::Service,
                        ][k % 3],
                    ),
                    signed_on,
                    amount_fen: r.range(30, 300) * 1_000_000,
                    contract_id: None,
                    note: "两城汇对接活动促成，管委会跟踪服务".into(),
                },
            ),
        )
        .await?;
    }

    // The needs past their deadline close, as the daily sweep would.
    sweep::close_expired_needs(db, today).await?;
    Ok(())
}

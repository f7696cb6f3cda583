//! The matching index through the database: a fresh SQLite database, or a
//! PostgreSQL one when `KECHUANG_BENCH_PG_URL` names a server (e.g.
//! `postgres://postgres@127.0.0.1:5432/postgres`; a fresh database is
//! created there and dropped at the end).
//!
//! Inserts N published offers (default 100,000) and 1,000 published needs
//! through the store's all-or-nothing import (multi-row inserts with their
//! audit entries and change-feed rows, in chunks), texts mixed from the
//! labelled corpus (`crates/matching/testdata/relevance.json`) with a
//! deterministic generator; then times `MatchIndex::rebuild` (reading every
//! published offer and need and building the engine) and Q queries (default
//! 1,000) `index.read(db, |s| s.engine.offers_for(&s.need_query(&need),
//! &Filters::default(), 10))`, each including the catch-up read of the
//! change feed a replica does before every query. Prints the insert time,
//! the build time and p50 / p95 / p99 query latency.
//!
//! Environment: `BENCH_OFFERS` (default 100000), `BENCH_QUERIES` (default
//! 1000), `BENCH_CHUNK` (rows per import, default 2000), `BENCH_KEEP_DB=1`.
//!
//! It prints figures; nothing here is a pass/fail assertion.

use std::time::{Duration, Instant};

use kechuang_domain::auth::Role;
use kechuang_domain::matching::{CoopMode, CoopModes, ListingStatus, OfferKind};
use kechuang_domain::org::OrgKind;
use kechuang_domain::uscc;
use kechuang_matching::relevance::LabelledSet;
use kechuang_matching::Filters;
use kechuang_store::matching::needs::{self, NeedInput};
use kechuang_store::matching::offers::OfferInput;
use kechuang_store::matching::{import, Actor};
use kechuang_store::orgs::{self, OrgInput};
use kechuang_store::Scope;
use kechuang_web::service::matching::index::MatchIndex;
use sea_orm::{ConnectionTrait, Database};

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// SplitMix64: deterministic and dependency-free.
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
}

fn modes(ms: kechuang_matching::Modes) -> CoopModes {
    let v: Vec<CoopMode> = ms
        .iter()
        .filter_map(|m| CoopMode::parse(m.as_str()))
        .collect();
    CoopModes::of(&v)
}

/// The first sentence (up to and with the first 。) of a description.
fn sentence(s: &str) -> &str {
    match s.find('。') {
        Some(i) => &s[..i + '。'.len_utf8()],
        None => s,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let n = env_u64("BENCH_OFFERS", 100_000).max(1) as usize;
    let queries = env_u64("BENCH_QUERIES", 1_000).max(1) as usize;
    let chunk = env_u64("BENCH_CHUNK", 2_000).max(1) as usize;
    let keep = std::env::var("BENCH_KEEP_DB").is_ok_and(|v| v == "1");
    let dir = std::env::temp_dir().join(format!("kechuang-bench-matching-{}", std::process::id()));
    let pg_server = std::env::var("KECHUANG_BENCH_PG_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let url = match &pg_server {
        Some(server) => {
            std::env::set_var("KECHUANG_TEST_DATABASE_URL", server);
            let (url, _) = kechuang_testkit::fresh_database().await;
            println!(
                "bench-matching-db: {n} offers, {queries} queries, PostgreSQL at {}",
                kechuang_store::db::redact_url(&url)
            );
            url
        }
        None => {
            std::fs::create_dir_all(&dir).expect("temp dir");
            let file = dir.join("kechuang.db");
            println!(
                "bench-matching-db: {n} offers, {queries} queries, SQLite at {}",
                file.display()
            );
            format!("sqlite://{}", file.display())
        }
    };
    let db = kechuang::server::open(&url).await.expect("open database");
    let actor = Actor {
        username: "bench".into(),
        user_id: "bench".into(),
        role: Role::Broker,
        scope: Scope::All,
    };

    // 40 holders and 40 enterprises.
    let mut holders = vec![];
    let mut firms = vec![];
    for k in 0..80usize {
        let firm = k % 2 == 1;
        let body = format!("91500106MB{:07}", k * 7_919 + 17);
        let o = orgs::create(
            &db,
            "bench",
            OrgInput {
                name: if firm {
                    format!("重庆基准科技有限公司{k:02}")
                } else {
                    format!("基准研究院{k:02}")
                },
                kind: if firm {
                    OrgKind::Enterprise
                } else {
                    OrgKind::Institute
                },
                uscc: Some(uscc::complete(&body).expect("digits")),
                legal_person: String::new(),
                contact_name: "办公室".into(),
                contact_phone: "023-65650000".into(),
                contact_email: String::new(),
                address: "重庆市".into(),
                tags: vec![],
                is_high_tech: false,
                is_tech_sme: false,
                is_specialized: false,
                department_id: None,
                founded_on: None,
                description: String::new(),
            },
        )
        .await
        .expect("org");
        if firm {
            firms.push(o.id);
        } else {
            holders.push(o.id);
        }
    }

    // Offers: a corpus title with another's first sentence and keywords.
    let set = LabelledSet::shipped();
    let mut r = Rng(20_260_509);
    let started = Instant::now();
    let mut done = 0usize;
    while done < n {
        let rows: Vec<OfferInput> = (done..n.min(done + chunk))
            .map(|i| {
                let a = &set.offers[r.below(set.offers.len())];
                let b = &set.offers[r.below(set.offers.len())];
                let mut keywords = a.keywords.clone();
                keywords.extend(b.keywords.iter().take(1).cloned());
                keywords.dedup();
                OfferInput {
                    kind: OfferKind::Result,
                    title: format!("{}（{}）", a.title, i),
                    description: format!("{}{}", a.description, sentence(&b.description)),
                    keywords,
                    field: a.field.clone().unwrap_or_default(),
                    chain_id: None,
                    chain_node_id: None,
                    trl: a.trl.map(i32::from),
                    modes: modes(a.modes),
                    price_min_fen: a.price_fen.map(|p| p.0),
                    price_max_fen: a.price_fen.map(|p| p.1),
                    region: a.region.clone().unwrap_or_default(),
                    holder_org_id: holders[i % holders.len()].clone(),
                    transfer_project_id: None,
                    contact_name: "联系人".into(),
                    contact_phone: "13800000000".into(),
                }
            })
            .collect();
        done += rows.len();
        import::offers(&db, &actor, rows, ListingStatus::Published)
            .await
            .map_err(|(row, e)| format!("row {row}: {e}"))
            .expect("import offers");
    }
    let insert_s = started.elapsed().as_secs_f64();
    println!(
        "insert: {n} offers in {insert_s:.1} s ({:.0} rows/s, chunks of {chunk}, with audit and change feed)",
        n as f64 / insert_s
    );

    // Needs to query with: the corpus's, varied.
    let rows: Vec<NeedInput> = (0..queries)
        .map(|i| {
            let ln = &set.needs[i % set.needs.len()].need;
            NeedInput {
                title: format!("{}（{}）", ln.title, i),
                description: ln.description.clone(),
                keywords: ln.keywords.clone(),
                field: ln.field.clone().unwrap_or_default(),
                chain_id: None,
                chain_node_id: None,
                trl_min: ln.trl_range.map(|t| i32::from(t.0)),
                trl_max: ln.trl_range.map(|t| i32::from(t.1)),
                modes: modes(ln.modes),
                budget_fen: ln.budget_fen,
                deadline: None,
                region: ln.region.clone().unwrap_or_default(),
                org_id: firms[i % firms.len()].clone(),
                name_public: true,
                contact_name: "联系人".into(),
                contact_phone: "13900000000".into(),
            }
        })
        .collect();
    import::needs(&db, &actor, rows, ListingStatus::Published)
        .await
        .map_err(|(row, e)| format!("row {row}: {e}"))
        .expect("import needs");
    let all_needs = needs::published(&db).await.expect("needs");

    let index = MatchIndex::default();
    let started = Instant::now();
    let docs = index.rebuild(&db).await.expect("rebuild");
    let build_s = started.elapsed().as_secs_f64();
    println!("build: MatchIndex::rebuild of {docs} documents from the database in {build_s:.2} s");

    let mut times = Vec::with_capacity(queries);
    let mut found = 0usize;
    for need in all_needs.iter().take(queries) {
        let t = Instant::now();
        let c = index
            .read(&db, |s| {
                s.engine
                    .offers_for(&s.need_query(need), &Filters::default(), 10)
            })
            .await
            .expect("query");
        times.push(t.elapsed());
        found += c.len();
    }
    times.sort();
    println!(
        "query: {} reads (catch-up of the change feed + top 10 offers): p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} candidates)",
        times.len(),
        percentile(&times, 0.50),
        percentile(&times, 0.95),
        percentile(&times, 0.99),
        times.last().map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0),
        found
    );

    db.close().await.ok();
    if keep {
        println!("kept: {}", kechuang_store::db::redact_url(&url));
    } else if let Some(server) = &pg_server {
        let name = url
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .split('?')
            .next()
            .unwrap_or_default()
            .to_string();
        if let Ok(admin) = Database::connect(server.as_str()).await {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
            let _ = admin.close().await;
        }
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
}

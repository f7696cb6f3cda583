//! The labelled relevance set (`testdata/relevance.json`) and the measure of
//! the engine against it.
//!
//! The set holds 155 offers across seven chains (new-energy vehicles,
//! integrated circuits, biomedicine, new materials, intelligent
//! manufacturing, optoelectronics, AI) and 42 needs, each listing the offers
//! a technology broker would call relevant: judged by reading, including
//! needs worded differently from the offers (电动汽车 / 新能源汽车, LiDAR /
//! 激光雷达, 固态锂电池 / 固态电池). The demo dataset seeds from it.
//!
//! The baseline is a plain substring search, as a `LIKE '%word%'` search
//! would do it: the words of the need's title ([`Engine::words`]: jieba's
//! precise cut with the domain dictionary, two characters or more, stop
//! words dropped) and the whole title; an offer is a hit if its title or
//! description contains at least one of them; hits are ordered by the
//! number of those words they contain, then by id.

use serde::{Deserialize, Serialize};

use crate::{Engine, Filters, Need, Offer};

const SHIPPED: &str = include_str!("../testdata/relevance.json");

/// A node of an industrial chain named in the set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainNode {
    /// The id offers and needs refer to.
    pub id: i64,
    /// The chain (产业链).
    pub chain: String,
    /// The node (链节点).
    pub name: String,
}

/// A need and the offers judged relevant to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelledNeed {
    /// The need.
    pub need: Need,
    /// Ids of the relevant offers.
    pub relevant: Vec<i64>,
}

/// The labelled set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelledSet {
    /// What the set is.
    #[serde(default)]
    pub about: String,
    /// The chain nodes the documents refer to.
    pub chain_nodes: Vec<ChainNode>,
    /// The offers.
    pub offers: Vec<Offer>,
    /// The needs with their labels.
    pub needs: Vec<LabelledNeed>,
}

impl LabelledSet {
    /// The set shipped in `testdata/relevance.json`.
    pub fn shipped() -> LabelledSet {
        serde_json::from_str(SHIPPED).expect("testdata/relevance.json is valid (tested)")
    }
}

/// Precision at `k`: the share of the first `k` ids that are relevant (a
/// list shorter than `k` counts its missing places as misses).
pub fn precision_at(ranked: &[i64], relevant: &[i64], k: usize) -> f64 {
    if k == 0 {
        return 0.0;
    }
    let hits = ranked
        .iter()
        .take(k)
        .filter(|id| relevant.contains(id))
        .count();
    hits as f64 / k as f64
}

/// The baseline's ranking of `offers` for `need` (see the module's text).
pub fn baseline(engine: &Engine, need: &Need, offers: &[Offer], limit: usize) -> Vec<i64> {
    let mut words = engine.words(&need.title);
    let title = need.title.trim().to_lowercase();
    if !title.is_empty() {
        words.push(title);
    }
    words.sort();
    words.dedup();
    let mut hits: Vec<(usize, i64)> = offers
        .iter()
        .filter_map(|o| {
            let text = format!("{}\n{}", o.title, o.description).to_lowercase();
            let n = words.iter().filter(|w| text.contains(w.as_str())).count();
            (n > 0).then_some((n, o.id))
        })
        .collect();
    hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    hits.into_iter().take(limit).map(|(_, id)| id).collect()
}

/// One need's result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NeedResult {
    /// The need's id.
    pub id: i64,
    /// The need's title.
    pub title: String,
    /// The engine's top 5.
    pub engine: Vec<i64>,
    /// The baseline's top 5.
    pub baseline: Vec<i64>,
    /// Precision@5 of the engine.
    pub engine_p5: f64,
    /// Precision@5 of the baseline.
    pub baseline_p5: f64,
}

/// Mean precision@5 of the engine and of the baseline over the set.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Mean precision@5 of the engine.
    pub engine_p5: f64,
    /// Mean precision@5 of the baseline.
    pub baseline_p5: f64,
    /// The best precision@5 possible on the set (needs with fewer than five
    /// relevant offers cannot reach 1).
    pub ideal_p5: f64,
    /// Per need.
    pub needs: Vec<NeedResult>,
}

/// Builds an engine from `engine` (its vocabulary) over the set's offers and
/// measures both rankings, no filters.
pub fn evaluate(engine: &Engine, set: &LabelledSet) -> Report {
    let mut engine = engine.clone();
    engine.build_offers(set.offers.iter().cloned());
    let mut needs = Vec::new();
    for l in &set.needs {
        let ranked: Vec<i64> = engine
            .offers_for(&l.need, &Filters::default(), 5)
            .into_iter()
            .map(|c| c.id)
            .collect();
        let base = baseline(&engine, &l.need, &set.offers, 5);
        needs.push(NeedResult {
            id: l.need.id,
            title: l.need.title.clone(),
            engine_p5: precision_at(&ranked, &l.relevant, 5),
            baseline_p5: precision_at(&base, &l.relevant, 5),
            engine: ranked,
            baseline: base,
        });
    }
    let n = needs.len().max(1) as f64;
    Report {
        engine_p5: needs.iter().map(|r| r.engine_p5).sum::<f64>() / n,
        baseline_p5: needs.iter().map(|r| r.baseline_p5).sum::<f64>() / n,
        ideal_p5: set
            .needs
            .iter()
            .map(|l| l.relevant.len().min(5) as f64 / 5.0)
            .sum::<f64>()
            / n,
        needs,
    }
}

//! The engine: both sides' indexes, the analyser they share, the queries.

use std::collections::HashMap;
use std::sync::Arc;

use crate::analyzer::{Analyzer, Vocabulary, VocabularyError};
use crate::index::{field_terms, Document, Index, QueryTerm};
use crate::model::{
    Agreement, Bonus, Candidate, Explanation, Field, FieldScore, Filters, Need, Offer,
};
use crate::{BONUS, DESCRIPTION_QUERY_WEIGHT};

/// The matching engine: an index of offers and one of needs, kept in memory.
///
/// The caller keeps it fresh: [`Engine::build_offers`] at start-up, then
/// [`Engine::upsert_offer`] / [`Engine::remove_offer`] as records change (and
/// the same for needs). Queries take `&self`, changes `&mut self`: share it
/// behind a read-write lock. Cloning is cheap for the analyser (shared) and
/// copies the indexes.
#[derive(Clone, Debug)]
pub struct Engine {
    analyzer: Arc<Analyzer>,
    extra: Vocabulary,
    offers: Index<Offer>,
    needs: Index<Need>,
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}

impl Engine {
    /// An empty engine with the shipped vocabulary.
    pub fn new() -> Engine {
        Engine::with_vocabulary(&Vocabulary::default())
            .expect("the shipped vocabulary is valid (tested)")
    }

    /// An empty engine with the shipped vocabulary plus `extra` (the words
    /// and synonym groups administrators added).
    pub fn with_vocabulary(extra: &Vocabulary) -> Result<Engine, VocabularyError> {
        let analyzer = Analyzer::new(&Vocabulary::shipped().merged(extra))?;
        Ok(Engine {
            analyzer: Arc::new(analyzer),
            extra: extra.clone(),
            offers: Index::default(),
            needs: Index::default(),
        })
    }

    /// Replaces the administrators' vocabulary and re-indexes every
    /// document under it (the documents are kept, so nothing is lost). On
    /// error nothing changes.
    pub fn set_vocabulary(&mut self, extra: &Vocabulary) -> Result<(), VocabularyError> {
        let analyzer = Analyzer::new(&Vocabulary::shipped().merged(extra))?;
        self.analyzer = Arc::new(analyzer);
        self.extra = extra.clone();
        let offers: Vec<Offer> = self.offers.documents().cloned().collect();
        let needs: Vec<Need> = self.needs.documents().cloned().collect();
        self.build_offers(offers);
        self.build_needs(needs);
        Ok(())
    }

    /// The administrators' vocabulary in force (the shipped one comes on top).
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.extra
    }

    /// The index terms of `text`, as documents and queries are analysed
    /// (search mode, synonyms made canonical, stop words dropped).
    pub fn terms(&self, text: &str) -> Vec<String> {
        self.analyzer.terms(text)
    }

    /// The words of jieba's precise cut of `text` with the domain
    /// dictionary, of two characters or more, stop words dropped, no
    /// synonyms: what a plain substring search would look for.
    pub fn words(&self, text: &str) -> Vec<String> {
        self.analyzer.words(text)
    }

    // ---- freshness -------------------------------------------------------

    /// Replaces the offer index with `offers` (a later offer with the same
    /// id replaces an earlier one).
    pub fn build_offers(&mut self, offers: impl IntoIterator<Item = Offer>) {
        self.offers.clear();
        for o in offers {
            self.offers.upsert(&self.analyzer, o);
        }
    }

    /// Replaces the need index with `needs`.
    pub fn build_needs(&mut self, needs: impl IntoIterator<Item = Need>) {
        self.needs.clear();
        for n in needs {
            self.needs.upsert(&self.analyzer, n);
        }
    }

    /// Adds an offer, or replaces the one with its id.
    pub fn upsert_offer(&mut self, offer: Offer) {
        self.offers.upsert(&self.analyzer, offer);
    }

    /// Adds a need, or replaces the one with its id.
    pub fn upsert_need(&mut self, need: Need) {
        self.needs.upsert(&self.analyzer, need);
    }

    /// Removes an offer; false if it was not indexed.
    pub fn remove_offer(&mut self, id: i64) -> bool {
        self.offers.remove(id)
    }

    /// Removes a need; false if it was not indexed.
    pub fn remove_need(&mut self, id: i64) -> bool {
        self.needs.remove(id)
    }

    /// Number of offers indexed.
    pub fn offer_count(&self) -> usize {
        self.offers.len()
    }

    /// Number of needs indexed.
    pub fn need_count(&self) -> usize {
        self.needs.len()
    }

    /// The indexed offer `id`.
    pub fn offer(&self, id: i64) -> Option<&Offer> {
        self.offers.get(id)
    }

    /// The indexed need `id`.
    pub fn need(&self, id: i64) -> Option<&Need> {
        self.needs.get(id)
    }

    // ---- queries ---------------------------------------------------------

    /// The best `limit` offers for `need` that pass `filters`, best first.
    pub fn offers_for(&self, need: &Need, filters: &Filters, limit: usize) -> Vec<Candidate> {
        let query = self.document_query(need);
        self.rank(&self.offers, &query, limit, |o| {
            offer_passes(o, filters).then(|| agreements(need, o))
        })
    }

    /// The best `limit` needs for `offer` that pass `filters`, best first.
    pub fn needs_for(&self, offer: &Offer, filters: &Filters, limit: usize) -> Vec<Candidate> {
        let query = self.document_query(offer);
        self.rank(&self.needs, &query, limit, |n| {
            need_passes(n, filters).then(|| agreements(n, offer))
        })
    }

    /// The best `limit` offers for free text (every term weighs the same, no
    /// structured bonus).
    pub fn search_offers(&self, text: &str, filters: &Filters, limit: usize) -> Vec<Candidate> {
        let query = self.text_query(text);
        self.rank(&self.offers, &query, limit, |o| {
            offer_passes(o, filters).then_some(0)
        })
    }

    /// The best `limit` needs for free text.
    pub fn search_needs(&self, text: &str, filters: &Filters, limit: usize) -> Vec<Candidate> {
        let query = self.text_query(text);
        self.rank(&self.needs, &query, limit, |n| {
            need_passes(n, filters).then_some(0)
        })
    }

    fn text_query(&self, text: &str) -> Vec<QueryTerm> {
        let mut terms: Vec<String> = self.analyzer.terms(text);
        terms.sort_unstable();
        terms.dedup();
        terms
            .into_iter()
            .map(|text| QueryTerm { text, weight: 1.0 })
            .collect()
    }

    /// A document as a query: each distinct term once, weighing 1 if it is
    /// in the title or keywords, [`DESCRIPTION_QUERY_WEIGHT`] if only in the
    /// description. Sorted by text.
    fn document_query<D: Document>(&self, doc: &D) -> Vec<QueryTerm> {
        let mut weights: HashMap<String, f64> = HashMap::new();
        field_terms(&self.analyzer, doc, |field, t| {
            let w = match field {
                Field::Title | Field::Keywords => 1.0,
                Field::Description => DESCRIPTION_QUERY_WEIGHT,
            };
            let e = weights.entry(t.to_string()).or_insert(w);
            *e = e.max(w);
        });
        let mut terms: Vec<QueryTerm> = weights
            .into_iter()
            .map(|(text, weight)| QueryTerm { text, weight })
            .collect();
        terms.sort_unstable_by(|a, b| a.text.cmp(&b.text));
        terms
    }

    /// Top-k over one side, then the explanation of each winner. `agree`
    /// answers `None` to exclude a candidate, else the agreements found (one
    /// bit per [`Agreement`], in [`Agreement::ALL`] order).
    fn rank<D: Document>(
        &self,
        index: &Index<D>,
        query: &[QueryTerm],
        limit: usize,
        agree: impl Fn(&D) -> Option<u8>,
    ) -> Vec<Candidate> {
        let top = index.top(query, limit, |doc, text| {
            let found = agree(doc)?;
            Some(text * (1.0 + agreed(found).map(bonus_rate).sum::<f64>()))
        });
        let mut out: Vec<Candidate> = top
            .into_iter()
            .filter_map(|(id, _)| {
                let doc = index.get(id)?;
                let found = agree(doc)?;
                let terms = index.shared_terms(query, id);
                let mut fields: Vec<FieldScore> = Field::ALL
                    .into_iter()
                    .map(|field| FieldScore { field, score: 0.0 })
                    .collect();
                for t in &terms {
                    for f in &t.fields {
                        fields[f.field.index()].score += f.score;
                    }
                }
                fields.retain(|f| f.score > 0.0);
                let text: f64 = fields.iter().map(|f| f.score).sum();
                let bonuses: Vec<Bonus> = agreed(found)
                    .map(|agreement| Bonus {
                        agreement,
                        score: text * bonus_rate(agreement),
                    })
                    .collect();
                let explanation = Explanation {
                    terms,
                    fields,
                    bonuses,
                };
                Some(Candidate {
                    id,
                    score: explanation.text_score() + explanation.bonus_score(),
                    explanation,
                })
            })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
        out
    }
}

fn bonus_rate(a: Agreement) -> f64 {
    BONUS[a as usize]
}

/// The agreements in a mask of [`agreements`], in [`Agreement::ALL`] order.
fn agreed(mask: u8) -> impl Iterator<Item = Agreement> {
    Agreement::ALL
        .into_iter()
        .filter(move |a| mask & (1 << *a as u8) != 0)
}

/// The structured agreements between a need and an offer, one bit per
/// [`Agreement`] (a mask, so scoring every candidate allocates nothing).
fn agreements(need: &Need, offer: &Offer) -> u8 {
    let mut mask = 0u8;
    let mut agree = |a: Agreement| mask |= 1 << a as u8;
    if need.chain_node_id.is_some() && need.chain_node_id == offer.chain_node_id {
        agree(Agreement::ChainNode);
    }
    if let (Some(a), Some(b)) = (&need.field, &offer.field) {
        if !a.trim().is_empty() && a.trim() == b.trim() {
            agree(Agreement::Field);
        }
    }
    if let (Some((lo, hi)), Some(t)) = (need.trl_range, offer.trl) {
        if lo <= t && t <= hi {
            agree(Agreement::Trl);
        }
    }
    if need.modes.intersects(offer.modes) {
        agree(Agreement::Mode);
    }
    if let (Some(budget), Some((lo, _))) = (need.budget_fen, offer.price_fen) {
        if lo <= budget {
            agree(Agreement::Budget);
        }
    }
    mask
}

fn overlaps(a: (i64, i64), b: (i64, i64)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

fn common_passes(
    f: &Filters,
    chain_node_id: Option<i64>,
    field: &Option<String>,
    modes: crate::Modes,
    region: &Option<String>,
) -> bool {
    if !f.chain_node_ids.is_empty() && !chain_node_id.is_some_and(|c| f.chain_node_ids.contains(&c))
    {
        return false;
    }
    if let Some(want) = f.field.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        if field.as_deref().map(str::trim) != Some(want) {
            return false;
        }
    }
    if !f.modes.is_empty() && !modes.intersects(f.modes) {
        return false;
    }
    if let Some(want) = f.region.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        if !region.as_deref().is_some_and(|r| r.starts_with(want)) {
            return false;
        }
    }
    true
}

fn offer_passes(o: &Offer, f: &Filters) -> bool {
    if !common_passes(f, o.chain_node_id, &o.field, o.modes, &o.region) {
        return false;
    }
    if let Some((lo, hi)) = f.trl {
        if !o.trl.is_some_and(|t| lo <= t && t <= hi) {
            return false;
        }
    }
    if let Some(range) = f.budget_fen {
        if !o.price_fen.is_some_and(|p| overlaps(p, range)) {
            return false;
        }
    }
    true
}

fn need_passes(n: &Need, f: &Filters) -> bool {
    if !common_passes(f, n.chain_node_id, &n.field, n.modes, &n.region) {
        return false;
    }
    if let Some((lo, hi)) = f.trl {
        if !n
            .trl_range
            .is_some_and(|(a, b)| overlaps((a.into(), b.into()), (lo.into(), hi.into())))
        {
            return false;
        }
    }
    if let Some((lo, hi)) = f.budget_fen {
        if !n.budget_fen.is_some_and(|b| lo <= b && b <= hi) {
            return false;
        }
    }
    true
}

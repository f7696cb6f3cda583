//! One side's inverted index (offers or needs) and its BM25F scoring.
//!
//! Statistics are integers kept exactly through every insert and removal:
//! the number of documents, the sum of each field's length and each term's
//! posting list (whose length is the document frequency). Scores therefore
//! depend only on the documents present, never on the order they came in.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};

use crate::analyzer::Analyzer;
use crate::model::{Field, FieldScore, Need, Offer, SharedTerm};
use crate::{B, FIELD_WEIGHTS, K1, MAX_QUERY_TERMS};

const FIELDS: usize = 3;

/// What the index needs of a document.
pub(crate) trait Document: Clone {
    fn id(&self) -> i64;
    fn title(&self) -> &str;
    fn keywords(&self) -> &[String];
    fn description(&self) -> &str;
}

impl Document for Offer {
    fn id(&self) -> i64 {
        self.id
    }
    fn title(&self) -> &str {
        &self.title
    }
    fn keywords(&self) -> &[String] {
        &self.keywords
    }
    fn description(&self) -> &str {
        &self.description
    }
}

impl Document for Need {
    fn id(&self) -> i64 {
        self.id
    }
    fn title(&self) -> &str {
        &self.title
    }
    fn keywords(&self) -> &[String] {
        &self.keywords
    }
    fn description(&self) -> &str {
        &self.description
    }
}

/// The terms of each field of a document. Keywords are analysed one by one.
pub(crate) fn field_terms<D: Document>(
    analyzer: &Analyzer,
    doc: &D,
    mut f: impl FnMut(Field, &str),
) {
    analyzer.each_term(doc.title(), |t| f(Field::Title, t));
    for k in doc.keywords() {
        analyzer.each_term(k, |t| f(Field::Keywords, t));
    }
    analyzer.each_term(doc.description(), |t| f(Field::Description, t));
}

/// A query term and its weight (1.0 for a free-text query or a term of the
/// query document's title or keywords, less for its description).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct QueryTerm {
    pub text: String,
    pub weight: f64,
}

#[derive(Clone, Copy, Debug)]
struct Posting {
    slot: u32,
    tf: [u16; FIELDS],
}

#[derive(Clone, Debug)]
struct Stored<D> {
    doc: D,
    /// (term id, frequency per field), sorted by term id.
    terms: Vec<(u32, [u16; FIELDS])>,
}

/// A query term found in the index.
struct Resolved {
    term: u32,
    weight: f64,
    idf: f64,
}

#[derive(Clone, Debug)]
pub(crate) struct Index<D> {
    term_ids: HashMap<String, u32>,
    term_text: Vec<String>,
    /// Per term id, sorted by slot.
    postings: Vec<Vec<Posting>>,
    free_terms: Vec<u32>,
    docs: Vec<Option<Stored<D>>>,
    /// Field lengths per slot (dense, read while scoring).
    lens: Vec<[u32; FIELDS]>,
    free_slots: Vec<u32>,
    slots: HashMap<i64, u32>,
    len_sum: [u64; FIELDS],
}

impl<D> Default for Index<D> {
    fn default() -> Self {
        Index {
            term_ids: HashMap::new(),
            term_text: Vec::new(),
            postings: Vec::new(),
            free_terms: Vec::new(),
            docs: Vec::new(),
            lens: Vec::new(),
            free_slots: Vec::new(),
            slots: HashMap::new(),
            len_sum: [0; FIELDS],
        }
    }
}

/// A ranked slot: better is greater (higher score, then lower id).
#[derive(Clone, Copy, Debug)]
struct Ranked {
    score: f64,
    id: i64,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then_with(|| other.id.cmp(&self.id))
    }
}

impl<D: Document> Index<D> {
    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }

    pub(crate) fn get(&self, id: i64) -> Option<&D> {
        let slot = *self.slots.get(&id)?;
        self.docs[slot as usize].as_ref().map(|s| &s.doc)
    }

    pub(crate) fn documents(&self) -> impl Iterator<Item = &D> {
        self.docs.iter().flatten().map(|s| &s.doc)
    }

    pub(crate) fn clear(&mut self) {
        *self = Index::default();
    }

    /// Adds `doc`, replacing the document of the same id.
    pub(crate) fn upsert(&mut self, analyzer: &Analyzer, doc: D) {
        self.remove(doc.id());
        let mut counts: HashMap<String, [u16; FIELDS]> = HashMap::new();
        let mut lens = [0u32; FIELDS];
        field_terms(analyzer, &doc, |field, t| {
            let i = field.index();
            lens[i] = lens[i].saturating_add(1);
            let tf = counts.entry(t.to_string()).or_default();
            tf[i] = tf[i].saturating_add(1);
        });
        let slot = match self.free_slots.pop() {
            Some(s) => s,
            None => {
                self.docs.push(None);
                self.lens.push([0; FIELDS]);
                (self.docs.len() - 1) as u32
            }
        };
        let mut terms: Vec<(u32, [u16; FIELDS])> = counts
            .into_iter()
            .map(|(t, tf)| (self.term_id(t), tf))
            .collect();
        terms.sort_unstable_by_key(|(id, _)| *id);
        for &(term, tf) in &terms {
            let list = &mut self.postings[term as usize];
            let p = Posting { slot, tf };
            match list.last() {
                Some(last) if last.slot > slot => {
                    let at = list.partition_point(|q| q.slot < slot);
                    list.insert(at, p);
                }
                _ => list.push(p),
            }
        }
        for (sum, len) in self.len_sum.iter_mut().zip(lens) {
            *sum += u64::from(len);
        }
        self.lens[slot as usize] = lens;
        self.slots.insert(doc.id(), slot);
        self.docs[slot as usize] = Some(Stored { doc, terms });
    }

    /// Removes the document `id`; false if there was none.
    pub(crate) fn remove(&mut self, id: i64) -> bool {
        let Some(slot) = self.slots.remove(&id) else {
            return false;
        };
        let stored = self.docs[slot as usize]
            .take()
            .expect("a slot in the id map holds a document");
        for (term, _) in stored.terms {
            let list = &mut self.postings[term as usize];
            if let Ok(at) = list.binary_search_by_key(&slot, |p| p.slot) {
                list.remove(at);
            }
            if list.is_empty() {
                let text = std::mem::take(&mut self.term_text[term as usize]);
                self.term_ids.remove(&text);
                self.postings[term as usize] = Vec::new();
                self.free_terms.push(term);
            }
        }
        let lens = std::mem::take(&mut self.lens[slot as usize]);
        for (sum, len) in self.len_sum.iter_mut().zip(lens) {
            *sum -= u64::from(len);
        }
        self.free_slots.push(slot);
        true
    }

    fn term_id(&mut self, text: String) -> u32 {
        if let Some(&id) = self.term_ids.get(&text) {
            return id;
        }
        let id = match self.free_terms.pop() {
            Some(id) => {
                self.term_text[id as usize] = text.clone();
                id
            }
            None => {
                self.term_text.push(text.clone());
                self.postings.push(Vec::new());
                (self.term_text.len() - 1) as u32
            }
        };
        self.term_ids.insert(text, id);
        id
    }

    fn avg_lens(&self) -> [f64; FIELDS] {
        let n = self.len() as f64;
        self.len_sum
            .map(|s| if n > 0.0 { s as f64 / n } else { 0.0 })
    }

    /// The query terms present in the index with their idf; at most
    /// [`MAX_QUERY_TERMS`], those of highest weight × idf. Kept in the
    /// query's order (sorted by text), so a document's score is summed in
    /// the same order whatever the history of the index.
    fn resolve(&self, query: &[QueryTerm]) -> Vec<Resolved> {
        let n = self.len() as f64;
        let mut found: Vec<(usize, Resolved)> = query
            .iter()
            .enumerate()
            .filter_map(|(i, q)| {
                let term = *self.term_ids.get(&q.text)?;
                let df = self.postings[term as usize].len() as f64;
                let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                Some((
                    i,
                    Resolved {
                        term,
                        weight: q.weight,
                        idf,
                    },
                ))
            })
            .collect();
        if found.len() > MAX_QUERY_TERMS {
            found.sort_by(|a, b| {
                (b.1.weight * b.1.idf)
                    .total_cmp(&(a.1.weight * a.1.idf))
                    .then(a.0.cmp(&b.0))
            });
            found.truncate(MAX_QUERY_TERMS);
            found.sort_by_key(|(i, _)| *i);
        }
        found.into_iter().map(|(_, r)| r).collect()
    }

    /// The field-weighted, length-normalised term frequency per field, and
    /// the term's BM25F score.
    fn term_score(
        idf: f64,
        tf: [u16; FIELDS],
        lens: [u32; FIELDS],
        avg: [f64; FIELDS],
    ) -> (f64, [f64; FIELDS]) {
        let mut w = [0.0; FIELDS];
        for f in 0..FIELDS {
            if tf[f] == 0 {
                continue;
            }
            let norm = if avg[f] > 0.0 {
                1.0 - B + B * f64::from(lens[f]) / avg[f]
            } else {
                1.0
            };
            w[f] = FIELD_WEIGHTS[f] * f64::from(tf[f]) / norm;
        }
        let t: f64 = w.iter().sum();
        if t <= 0.0 {
            return (0.0, w);
        }
        (idf * t * (K1 + 1.0) / (t + K1), w)
    }

    /// The best `limit` documents for `query`. `finish` gets each document
    /// that shares a term and its text score, and answers its total score,
    /// or `None` to exclude it. Best first; ties go to the lower id.
    pub(crate) fn top(
        &self,
        query: &[QueryTerm],
        limit: usize,
        finish: impl Fn(&D, f64) -> Option<f64>,
    ) -> Vec<(i64, f64)> {
        if limit == 0 || self.len() == 0 {
            return Vec::new();
        }
        let resolved = self.resolve(query);
        if resolved.is_empty() {
            return Vec::new();
        }
        let avg = self.avg_lens();
        let mut acc = vec![0.0f64; self.docs.len()];
        let mut touched: Vec<u32> = Vec::new();
        for r in &resolved {
            for p in &self.postings[r.term as usize] {
                let (s, _) = Self::term_score(r.idf, p.tf, self.lens[p.slot as usize], avg);
                let a = &mut acc[p.slot as usize];
                if *a == 0.0 {
                    touched.push(p.slot);
                }
                *a += r.weight * s;
            }
        }
        let mut heap: BinaryHeap<Reverse<Ranked>> = BinaryHeap::with_capacity(limit + 1);
        for slot in touched {
            let text = acc[slot as usize];
            let Some(stored) = &self.docs[slot as usize] else {
                continue;
            };
            let Some(score) = finish(&stored.doc, text) else {
                continue;
            };
            let r = Ranked {
                score,
                id: stored.doc.id(),
            };
            if heap.len() < limit {
                heap.push(Reverse(r));
            } else if let Some(Reverse(worst)) = heap.peek() {
                if r > *worst {
                    heap.pop();
                    heap.push(Reverse(r));
                }
            }
        }
        let mut best: Vec<Ranked> = heap.into_iter().map(|Reverse(r)| r).collect();
        best.sort_by(|a, b| b.cmp(a));
        best.into_iter().map(|r| (r.id, r.score)).collect()
    }

    /// The shared terms of document `id` and the query, best first, with
    /// the part of the score each earned in each field.
    pub(crate) fn shared_terms(&self, query: &[QueryTerm], id: i64) -> Vec<SharedTerm> {
        let Some(&slot) = self.slots.get(&id) else {
            return Vec::new();
        };
        let Some(stored) = &self.docs[slot as usize] else {
            return Vec::new();
        };
        let avg = self.avg_lens();
        let lens = self.lens[slot as usize];
        let mut out = Vec::new();
        for r in self.resolve(query) {
            let Ok(at) = stored.terms.binary_search_by_key(&r.term, |(t, _)| *t) else {
                continue;
            };
            let (s, w) = Self::term_score(r.idf, stored.terms[at].1, lens, avg);
            let total_w: f64 = w.iter().sum();
            if s <= 0.0 || total_w <= 0.0 {
                continue;
            }
            let fields: Vec<FieldScore> = Field::ALL
                .into_iter()
                .filter(|f| w[f.index()] > 0.0)
                .map(|f| FieldScore {
                    field: f,
                    score: r.weight * s * w[f.index()] / total_w,
                })
                .collect();
            out.push(SharedTerm {
                term: self.term_text[r.term as usize].clone(),
                score: fields.iter().map(|f| f.score).sum(),
                fields,
            });
        }
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.term.cmp(&b.term))
        });
        out
    }
}

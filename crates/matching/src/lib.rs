//! The explainable matching engine of Kechuang (技术撮合): technology offers
//! (技术供给) and needs (技术需求) written in Chinese, ranked against each
//! other and explained. Pure Rust, in memory: no database, no web. The web
//! layer builds the [`Engine`] from the records at start-up and keeps it
//! fresh with upserts and removals as records change.
//!
//! # Text
//!
//! Text is segmented by jieba in search mode with a domain dictionary of
//! sci-tech terms (`data/dict.txt`) and synonym groups (`data/synonyms.txt`)
//! shipped with the product and extendable by administrators
//! ([`Vocabulary`]); synonyms become one canonical term on both sides, stop
//! words (`data/stopwords.txt`, 技术 among them) and single characters are
//! dropped, ASCII is lower-cased. See the `analyzer` module for the steps.
//!
//! # Score
//!
//! The text score is BM25F over three fields: each field's term frequency
//! is length-normalised (`b` = [`B`]) and weighted ([`FIELD_WEIGHTS`]: title
//! 3, keywords 2, description 1), the weighted frequencies are added and
//! saturated once (`k1` = [`K1`]), times the term's idf
//! `ln(1 + (N − df + 0.5) / (df + 0.5))` with df counted over whole documents.
//! A query document's terms weigh 1 when they come from its title or
//! keywords and [`DESCRIPTION_QUERY_WEIGHT`] when only from its description.
//! Each term's score is split over the candidate's fields in proportion to
//! their weighted frequencies, so the explanation can say where it matched.
//!
//! Structured agreement between the need and the offer (same chain node,
//! same field, the offer's TRL in the need's range, a cooperation mode in
//! common, the need's budget reaching the offer's lowest price) adds a
//! bonus of a fixed share of the text score ([`BONUS`], at most half of it
//! in all): it reorders candidates that match in text and never makes a
//! candidate out of one that shares no term. Filters are hard constraints.
//!
//! Every [`Candidate`] carries an [`Explanation`] whose parts (per term and
//! field, per agreement) add up to its score.

mod analyzer;
mod engine;
mod index;
mod model;
pub mod relevance;

pub use analyzer::{Vocabulary, VocabularyError, MAX_FIELD_CHARS, MAX_WORD_CHARS};
pub use engine::Engine;
pub use model::{
    Agreement, Bonus, Candidate, Explanation, Field, FieldScore, Filters, Mode, Modes, Need, Offer,
    SharedTerm,
};

/// BM25 term-frequency saturation.
pub const K1: f64 = 1.2;
/// BM25 length normalisation, the same for every field.
pub const B: f64 = 0.75;
/// Field weights, in [`Field::ALL`] order: title, keywords, description.
pub const FIELD_WEIGHTS: [f64; 3] = [3.0, 2.0, 1.0];
/// Weight of a query document's term found only in its description
/// (terms of its title or keywords weigh 1).
pub const DESCRIPTION_QUERY_WEIGHT: f64 = 0.5;
/// Bonus per agreement as a share of the text score, in [`Agreement::ALL`]
/// order: chain node 0.15, field 0.05, TRL 0.10, mode 0.10, budget 0.10.
pub const BONUS: [f64; 5] = [0.15, 0.05, 0.10, 0.10, 0.10];
/// At most this many distinct query terms are looked up (those of highest
/// weight × idf), which bounds the cost of a very long query.
pub const MAX_QUERY_TERMS: usize = 128;

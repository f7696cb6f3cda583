//! Matchmaking (技术撮合): offers and needs, their review, the ranked and
//! explained matches from this replica's index, leads worked to signed
//! cooperation projects; the vocabulary reviewers keep for the engine.

pub mod index;
pub mod leads;
pub mod listings;
pub mod sheets;
pub mod suggest;
pub mod terms;

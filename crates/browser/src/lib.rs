//! Browser journeys live in `tests/journeys.rs`; this crate has no library code.

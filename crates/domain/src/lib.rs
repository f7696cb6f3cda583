//! Pure domain rules of Kechuang (科创): value types, the official work
//! calendar, roles and data scopes, money arithmetic, audit hashing,
//! password policy, technology transfer and its capital, events and
//! alliances, and matchmaking.
//!
//! This crate performs no I/O. Everything here is deterministic and cheap to
//! test; the storage and web layers build on it.

#[macro_use]
mod coded;

pub mod audit;
pub mod auth;
pub mod calendar;
pub mod cases;
pub mod cockpit;
pub mod error_code;
pub mod events;
pub mod matching;
pub mod money;
pub mod org;
pub mod party;
pub mod password;
pub mod policies;
pub mod search;
pub mod talent;
pub mod text;
pub mod transfer;
pub mod uscc;

pub use error_code::ErrorCode;

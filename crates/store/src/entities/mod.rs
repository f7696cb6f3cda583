//! SeaORM entities, one file per table.
pub mod api_token;
pub mod audit_entry;
pub mod calendar_day;
pub mod chain;
pub mod chain_node;
pub mod chain_org;
pub mod chain_output;
pub mod change_feed;
pub mod department;
pub mod login_attempt;
pub mod org;
pub mod session;
pub mod user;

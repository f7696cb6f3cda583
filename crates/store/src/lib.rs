//! Database access for Kechuang.
//!
//! One code base for SQLite, PostgreSQL and MySQL/MariaDB (SeaORM). Every
//! change to a business record goes through [`audit::record`] in the same
//! transaction, which writes the audit entry (hash-chained per record) and
//! the change-feed row. Queries apply the caller's data [`scope::Scope`].

pub mod accounts;
pub mod alliances;
pub mod audit;
pub mod bulk;
pub mod calendar;
pub mod cases;
pub mod chains;
pub mod clock;
pub mod db;
pub mod departments;
pub mod entities;
pub mod error;
pub mod events;
pub mod files;
pub mod frozen;
pub mod imports;
pub mod jobs;
pub mod like;
pub mod matching;
pub mod migration;
pub mod money;
pub mod names;
pub mod orgs;
pub mod outbox;
pub mod page;
pub mod party;
pub mod policies;
pub mod record;
pub mod reported;
pub mod scope;
pub mod search;
pub mod settings;
pub mod stats_cache;
pub mod talent;
#[cfg(test)]
mod testdb;
pub mod transfer;

pub use db::{connect, Db};
pub use error::{StoreError, StoreResult};
pub use page::{Page, PageError, PageReq};
pub use scope::{Principal, Scope};

/// A new primary key (UUIDv7: time-ordered, generated in the app).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

pub use clock::{at_time, now};

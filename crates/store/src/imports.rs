//! One import of a register at a time (#17). A ledger's import checks
//! before writing that none of its records is registered already; two
//! imports of the same file at once (two clerks, two replicas) could both
//! pass that check. So every register's import writes in a transaction
//! that first locks the register's row of `import_locks` (`SELECT … FOR
//! UPDATE` on PostgreSQL, an upsert on MySQL; SQLite writers are queued by
//! `db::begin_write` anyway) and counts, after each insert, the records
//! sharing its key: the second import waits for the first, then finds its
//! records and is refused at the row, with nothing written.
//!
//! The lock is the transaction's first statement and reads nothing, so on
//! MySQL the REPEATABLE READ snapshot is taken by the first read after it,
//! once the previous import has committed.
//!
//! On MySQL keys compare under the database's collation (case-insensitive):
//! “ABC队” beside a registered “abc队” is refused there, kept on the others.

use kechuang_domain::ErrorCode;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

use crate::db::WriteTx;
use crate::{Db, StoreError, StoreResult};

/// Begin an import's write transaction holding `register`'s lock (its row
/// made on first use). Err is `(0, …)`, as an import's errors carry a row.
pub async fn begin(db: &Db, register: &str) -> Result<WriteTx, (usize, StoreError)> {
    let tx = crate::db::begin_write(db)
        .await
        .map_err(|e| (0, StoreError::from(e)))?;
    hold(&tx, register).await.map_err(|e| (0, e))?;
    Ok(tx)
}

async fn hold<C: ConnectionTrait>(tx: &C, register: &str) -> StoreResult<()> {
    let backend = tx.get_database_backend();
    let stmt = |sql: &str| Statement::from_sql_and_values(backend, sql, [register.into()]);
    match backend {
        DatabaseBackend::Sqlite => Ok(()),
        // The upsert locks the row whether it makes it or finds it. (A
        // locking read of a missing row would take a gap lock, and two
        // makers would then deadlock on their inserts.)
        DatabaseBackend::MySql => {
            tx.execute(stmt(
                "INSERT INTO import_locks (register) VALUES (?) \
                 ON DUPLICATE KEY UPDATE register = register",
            ))
            .await?;
            Ok(())
        }
        DatabaseBackend::Postgres => {
            let lock = "SELECT register FROM import_locks WHERE register = $1 FOR UPDATE";
            if tx.query_one(stmt(lock)).await?.is_some() {
                return Ok(());
            }
            // A register whose row the migration did not make: make it (a
            // racing maker waits for the other, then finds it made), lock it.
            tx.execute(stmt(
                "INSERT INTO import_locks (register) VALUES ($1) ON CONFLICT DO NOTHING",
            ))
            .await?;
            match tx.query_one(stmt(lock)).await? {
                Some(_) => Ok(()),
                None => Err(StoreError::Db(sea_orm::DbErr::Custom(format!(
                    "import lock of {register} not taken"
                )))),
            }
        }
    }
}

/// After inserting a record: refused unless it is the only one with its
/// key (`count` records share it); `what` names the record for the clerk.
pub fn only_one(count: u64, what: impl FnOnce() -> String) -> StoreResult<()> {
    if count > 1 {
        return Err(StoreError::Conflict {
            code: ErrorCode::Duplicate,
            message: format!("{}已登记（可能刚由他人导入），请勿重复导入", what()),
        });
    }
    Ok(())
}

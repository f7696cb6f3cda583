//! Multi-row inserts within every backend's bound-parameter limit. Not
//! audited: for audit entries, change feed, timeline and inbox rows, and
//! derived tables (`record` and `audit` both write through it).

use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel};

use crate::StoreResult;

/// Rows per multi-row INSERT: far below the bound-parameter limits
/// (SQLite 32,766; PostgreSQL and MySQL 65,535) for the widest table.
const ROWS_PER_INSERT: usize = 200;

/// Insert rows with as few statements as the parameter limits allow (none
/// for no rows). Not audited: for audit entries, change feed, timeline and
/// inbox rows, and derived tables.
pub async fn insert_rows<C, A>(tx: &C, rows: impl IntoIterator<Item = A>) -> StoreResult<()>
where
    C: ConnectionTrait,
    A: ActiveModelTrait,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(ROWS_PER_INSERT).collect();
        A::Entity::insert_many(chunk)
            .exec_without_returning(tx)
            .await?;
    }
    Ok(())
}

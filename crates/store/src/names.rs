//! Display names of records by id, from several tables in one round trip
//! (a list page shows the names of its rows' departments, categories,
//! chains and organisations; loading each table whole costs more), of given
//! ids in one table, or of every row of a small table. Every table read
//! here has `id` and `name` columns.

use std::collections::{BTreeSet, HashMap};

use sea_orm::sea_query::{Alias, Expr, Order, Query, SelectStatement, UnionType};
use sea_orm::ConnectionTrait;

use crate::StoreResult;

/// Names found, per table, by id.
pub type Names = HashMap<&'static str, HashMap<String, String>>;

/// The `name` of the given ids in each table (`id`/`name` columns).
/// Unknown ids are simply absent.
pub async fn lookup<C: ConnectionTrait>(
    db: &C,
    wanted: &[(&'static str, BTreeSet<String>)],
) -> StoreResult<Names> {
    let mut found: Names = wanted.iter().map(|(t, _)| (*t, HashMap::new())).collect();
    let mut query: Option<SelectStatement> = None;
    for (table, ids) in wanted.iter().filter(|(_, ids)| !ids.is_empty()) {
        let part = Query::select()
            .expr_as(Expr::val(*table), Alias::new("t"))
            .column(Alias::new("id"))
            .column(Alias::new("name"))
            .from(Alias::new(*table))
            .and_where(Expr::col(Alias::new("id")).is_in(ids.iter().cloned()))
            .to_owned();
        query = Some(match query {
            None => part,
            Some(mut q) => q.union(UnionType::All, part).to_owned(),
        });
    }
    let Some(query) = query else {
        return Ok(found);
    };
    let rows = db
        .query_all(db.get_database_backend().build(&query))
        .await?;
    for r in rows {
        let t: String = r.try_get("", "t")?;
        if let Some(m) = wanted.iter().find(|(w, _)| *w == t) {
            found
                .entry(m.0)
                .or_default()
                .insert(r.try_get("", "id")?, r.try_get("", "name")?);
        }
    }
    Ok(found)
}

/// Ids asked for per query by [`of`]: databases cap the parameters of one
/// statement.
const CHUNK: usize = 500;

/// The `name` of the given ids in one table, by id. Unknown ids are simply
/// absent; any number of ids may be given (they are asked for in chunks),
/// none asks nothing.
pub async fn of<C: ConnectionTrait>(
    db: &C,
    table: &'static str,
    ids: impl IntoIterator<Item = String>,
) -> StoreResult<HashMap<String, String>> {
    let ids: Vec<String> = ids
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut out = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let mut found = lookup(db, &[(table, chunk.iter().cloned().collect())]).await?;
        out.extend(found.remove(table).unwrap_or_default());
    }
    Ok(out)
}

/// The `name` of every row of a (small) table, by id.
pub async fn all<C: ConnectionTrait>(
    db: &C,
    table: &'static str,
) -> StoreResult<HashMap<String, String>> {
    Ok(every(db, table, false).await?.into_iter().collect())
}

/// (id, `name`) of every row of a (small) table in id order, for select
/// boxes: ids are UUIDv7, so this is the order the rows were created in.
pub async fn all_ordered<C: ConnectionTrait>(
    db: &C,
    table: &'static str,
) -> StoreResult<Vec<(String, String)>> {
    every(db, table, true).await
}

async fn every<C: ConnectionTrait>(
    db: &C,
    table: &'static str,
    ordered: bool,
) -> StoreResult<Vec<(String, String)>> {
    let mut query = Query::select()
        .column(Alias::new("id"))
        .column(Alias::new("name"))
        .from(Alias::new(table))
        .to_owned();
    if ordered {
        query.order_by(Alias::new("id"), Order::Asc);
    }
    let rows = db
        .query_all(db.get_database_backend().build(&query))
        .await?;
    rows.into_iter()
        .map(|r| Ok((r.try_get("", "id")?, r.try_get("", "name")?)))
        .collect()
}

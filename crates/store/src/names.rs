//! Display names of records by id, from several tables in one round trip
//! (a list page shows the names of its rows' departments, categories,
//! chains and organisations; loading each table whole costs more).

use std::collections::{BTreeSet, HashMap};

use sea_orm::sea_query::{Alias, Expr, Query, SelectStatement, UnionType};
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

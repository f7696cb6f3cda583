//! Technology transfer and its capital (成果转化 · 资金链): transfer
//! projects through reviewed stage gates to incubated firms
//! ([`projects`]), grant-to-equity agreements and their fund pools
//! ([`equity`]), tiered loans ([`loans`]) and registered technology
//! contracts with their turnover ([`contracts`]). The arithmetic lives in
//! `kechuang_domain::transfer`; this layer stores, checks and audits.

pub mod contracts;
pub mod equity;
pub mod loans;
pub mod projects;

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::entities::org;
use crate::{StoreError, StoreResult};

/// Names of the given organisations (missing ids are left out).
pub async fn org_names<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = String>,
) -> StoreResult<HashMap<String, String>> {
    let mut ids: Vec<String> = ids.into_iter().collect();
    ids.sort();
    ids.dedup();
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(String, String)> = org::Entity::find()
            .select_only()
            .column(org::Column::Id)
            .column(org::Column::Name)
            .filter(org::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

/// Map a domain rule error with a stable code to a 422.
pub(crate) fn rule<E: std::fmt::Display>(code: &'static str, e: E) -> StoreError {
    StoreError::rule(code, e.to_string())
}

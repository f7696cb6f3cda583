use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, QuerySelect, Select};
use serde::Serialize;

use crate::StoreResult;

/// A page request: 1-based page number and page size (bounded).
#[derive(Clone, Copy, Debug)]
pub struct PageReq {
    pub page: u64,
    pub per_page: u64,
}

impl PageReq {
    pub const MAX_PER_PAGE: u64 = 200;
    pub fn new(page: Option<u64>, per_page: Option<u64>) -> Self {
        PageReq {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(20).clamp(1, Self::MAX_PER_PAGE),
        }
    }
    pub fn offset(&self) -> u64 {
        (self.page - 1) * self.per_page
    }
}

/// One page of a list with the total count behind it.
#[derive(Clone, Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page).max(1)
    }
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

/// One page of a query's rows, with the count of all of them.
pub async fn fetch<E, C>(db: &C, q: Select<E>, p: PageReq) -> StoreResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ConnectionTrait,
{
    let total = q.clone().count(db).await?;
    let items = q.offset(p.offset()).limit(p.per_page).all(db).await?;
    Ok(Page {
        items,
        total,
        page: p.page,
        per_page: p.per_page,
    })
}

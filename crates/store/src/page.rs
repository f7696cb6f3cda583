use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, QuerySelect, Select};
use serde::Serialize;

use crate::StoreResult;

/// A page request: 1-based page number and page size, both bounded, so
/// the offset always fits the databases' signed 64-bit OFFSET.
#[derive(Clone, Copy, Debug)]
pub struct PageReq {
    page: u64,
    per_page: u64,
}

/// A page number or size outside its bounds (the API answers 400 `invalid_page`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PageError(pub String);

impl PageReq {
    pub const MAX_PER_PAGE: u64 = 200;
    pub const DEFAULT_PER_PAGE: u64 = 20;
    /// The deepest page anyone may ask for (a million rows at one a page).
    pub const MAX_PAGE: u64 = 1_000_000;

    /// A caller's page and size; absent means the first page of 20. Out of
    /// bounds is refused, never clamped.
    pub fn new(page: Option<u64>, per_page: Option<u64>) -> Result<Self, PageError> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(Self::DEFAULT_PER_PAGE);
        if !(1..=Self::MAX_PAGE).contains(&page) {
            return Err(PageError(format!(
                "页码 page 须在 1 到 {} 之间",
                Self::MAX_PAGE
            )));
        }
        if !(1..=Self::MAX_PER_PAGE).contains(&per_page) {
            return Err(PageError(format!(
                "每页条数 per_page 须在 1 到 {} 之间",
                Self::MAX_PER_PAGE
            )));
        }
        Ok(PageReq { page, per_page })
    }
    /// The first `n` rows (n is clamped to 1..=MAX_PER_PAGE): for the
    /// application's own short lists, never for a caller's input.
    pub fn first(n: u64) -> Self {
        PageReq {
            page: 1,
            per_page: n.clamp(1, Self::MAX_PER_PAGE),
        }
    }
    pub fn page(&self) -> u64 {
        self.page
    }
    pub fn per_page(&self) -> u64 {
        self.per_page
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
    /// The same page with other items (views computed for the whole page at once).
    pub fn with_items<U>(self, items: Vec<U>) -> Page<U> {
        Page {
            items,
            total: self.total,
            page: self.page,
            per_page: self.per_page,
        }
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
    let items = q.offset(p.offset()).limit(p.per_page()).all(db).await?;
    Ok(Page {
        items,
        total,
        page: p.page(),
        per_page: p.per_page(),
    })
}

//! The n-gram index of case texts (`case_grams`), so that a search for a
//! rare word reads a few blocks of cases instead of every case.
//!
//! A row `(gram, year, block)` says that some case numbered within that
//! block of the year has the gram in its number, title or description (grams
//! and blocks: `kechuang_domain::search`). Rows are written in the transaction
//! that writes the case and never removed (a case's text does not change),
//! so a block holding every gram of a word is where the word can be; the
//! substring test on the cases themselves still decides.

use std::collections::BTreeSet;

use kechuang_domain::search::{self as grams, block_of, block_seqs};
use sea_orm::sea_query::{Alias, Expr, OnConflict, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr};

use crate::StoreResult;

/// More candidate blocks than this and the search reads the cases in order
/// instead (a common word fills a page from the newest cases at once).
pub const MAX_BLOCKS: usize = 128;

/// Rows per INSERT statement.
const ROWS_PER_INSERT: usize = 300;

/// One case's texts as the index reads them: those a search matches.
pub struct CaseText<'a> {
    pub year: i32,
    pub seq: i64,
    pub number: &'a str,
    pub title: &'a str,
    pub description: &'a str,
}

/// Record the grams of these cases, in the caller's transaction. Rows that
/// are already there (another case of the block had the gram) are kept;
/// rows are written in key order, so concurrent writers wait for each other
/// rather than deadlock.
pub async fn index<'a, C: ConnectionTrait>(
    conn: &C,
    cases: impl IntoIterator<Item = CaseText<'a>>,
) -> Result<(), DbErr> {
    let mut rows: BTreeSet<(i64, i32, i64)> = BTreeSet::new();
    let mut g = BTreeSet::new();
    for c in cases {
        g.clear();
        grams::text_grams(c.number, &mut g);
        grams::text_grams(c.title, &mut g);
        grams::text_grams(c.description, &mut g);
        let block = block_of(c.seq);
        rows.extend(g.iter().map(|gram| (*gram, c.year, block)));
    }
    let rows: Vec<_> = rows.into_iter().collect();
    let cols = || [Alias::new("gram"), Alias::new("year"), Alias::new("block")];
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut insert = Query::insert();
        insert.into_table(Alias::new("case_grams")).columns(cols());
        for (gram, year, block) in chunk {
            insert.values_panic([(*gram).into(), (*year).into(), (*block).into()]);
        }
        insert.on_conflict(
            OnConflict::columns(cols())
                .do_nothing_on([Alias::new("gram")])
                .to_owned(),
        );
        conn.execute(conn.get_database_backend().build(&insert))
            .await?;
    }
    Ok(())
}

/// Index every case there is (a new index, or cases loaded by other
/// means), a page of cases at a time. Returns how many were read.
pub async fn backfill<C: ConnectionTrait>(conn: &C) -> Result<u64, DbErr> {
    const PAGE: u64 = 2_000;
    let (mut year, mut seq) = (i32::MIN, i64::MIN);
    let mut read = 0;
    loop {
        let page = Query::select()
            .columns(["year", "seq", "number", "title", "description"].map(Alias::new))
            .from(Alias::new("cases"))
            .cond_where(
                Expr::col(Alias::new("year"))
                    .gt(year)
                    .or(Expr::col(Alias::new("year"))
                        .eq(year)
                        .and(Expr::col(Alias::new("seq")).gt(seq))),
            )
            .order_by(Alias::new("year"), sea_orm::Order::Asc)
            .order_by(Alias::new("seq"), sea_orm::Order::Asc)
            .limit(PAGE)
            .to_owned();
        let rows = conn
            .query_all(conn.get_database_backend().build(&page))
            .await?;
        let mut texts = Vec::with_capacity(rows.len());
        for r in &rows {
            texts.push((
                r.try_get::<i32>("", "year")?,
                r.try_get::<i64>("", "seq")?,
                r.try_get::<String>("", "number")?,
                r.try_get::<String>("", "title")?,
                r.try_get::<String>("", "description")?,
            ));
        }
        index(
            conn,
            texts.iter().map(|(year, seq, n, t, d)| CaseText {
                year: *year,
                seq: *seq,
                number: n,
                title: t,
                description: d,
            }),
        )
        .await?;
        read += texts.len() as u64;
        match texts.last() {
            Some((y, s, ..)) if texts.len() as u64 == PAGE => (year, seq) = (*y, *s),
            _ => return Ok(read),
        }
    }
}

/// Number ranges `(year, first, last)` of one year's cases.
pub type SeqRange = (i32, i64, i64);

/// Where cases containing `word` can be: the number ranges of the blocks
/// that hold all its grams (none at all when it is in no case). `None` when
/// the index cannot narrow the search: nothing in the word is indexed (on
/// MariaDB, nothing but Han characters counts), or more than
/// [`MAX_BLOCKS`] blocks qualify.
pub async fn candidates<C: ConnectionTrait>(
    conn: &C,
    word: &str,
) -> StoreResult<Option<Vec<SeqRange>>> {
    let letters = conn.get_database_backend() != DatabaseBackend::MySql;
    let Some(wanted) = grams::query_grams(word, letters) else {
        return Ok(None);
    };
    let first = Alias::new("g0");
    let col = |t: &Alias, c: &str| Expr::col((t.clone(), Alias::new(c)));
    let mut q: SelectStatement = Query::select()
        .expr_as(col(&first, "year"), Alias::new("year"))
        .expr_as(col(&first, "block"), Alias::new("block"))
        .from_as(Alias::new("case_grams"), first.clone())
        .and_where(col(&first, "gram").eq(wanted[0]))
        .limit(MAX_BLOCKS as u64 + 1)
        .to_owned();
    for (i, gram) in wanted.iter().enumerate().skip(1) {
        let other = Alias::new(format!("g{i}"));
        q.and_where(Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from_as(Alias::new("case_grams"), other.clone())
                .and_where(col(&other, "gram").eq(*gram))
                .and_where(col(&other, "year").equals((first.clone(), Alias::new("year"))))
                .and_where(col(&other, "block").equals((first.clone(), Alias::new("block"))))
                .to_owned(),
        ));
    }
    let rows = conn
        .query_all(conn.get_database_backend().build(&q))
        .await?;
    if rows.len() > MAX_BLOCKS {
        return Ok(None);
    }
    let mut blocks = Vec::with_capacity(rows.len());
    for r in rows {
        blocks.push((
            r.try_get::<i32>("", "year")?,
            r.try_get::<i64>("", "block")?,
        ));
    }
    blocks.sort_unstable();
    // Adjacent blocks make one range.
    let mut ranges: Vec<SeqRange> = Vec::new();
    for (year, block) in blocks {
        let (lo, hi) = block_seqs(block);
        match ranges.last_mut() {
            Some((y, _, last)) if *y == year && *last + 1 == lo => *last = hi,
            _ => ranges.push((year, lo, hi)),
        }
    }
    Ok(Some(ranges))
}

//! Substring search in SQL: `LIKE` with the searched word's own `%` and `_`
//! taken as the characters they are (escaped with `!`, which every backend
//! accepts in `ESCAPE`), so `q=%` finds a percent sign, not every row.

use sea_orm::sea_query::{LikeExpr, SimpleExpr};
use sea_orm::ColumnTrait;

const ESCAPE: char = '!';

/// The word with LIKE's wildcards and the escape character escaped.
pub fn escape(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if matches!(c, '%' | '_' | ESCAPE) {
            out.push(ESCAPE);
        }
        out.push(c);
    }
    out
}

/// `col LIKE '%word%' ESCAPE '!'`.
pub fn contains<C: ColumnTrait>(col: C, word: &str) -> SimpleExpr {
    col.like(LikeExpr::new(format!("%{}%", escape(word))).escape(ESCAPE))
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn wildcards_are_escaped() {
        assert_eq!(escape("100%_a!"), "100!%!_a!!");
        assert_eq!(escape("研发"), "研发");
    }
}

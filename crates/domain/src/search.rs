//! Character n-grams of case texts, for finding the few cases that can
//! contain a searched word without reading every case.
//!
//! A case's texts give their indexed characters (unigrams) and each pair of
//! adjacent indexed characters (bigrams). Every text containing a word has
//! all of the word's grams, so the cases holding all of them are a superset
//! of the matches; the substring test itself still decides.
//!
//! Indexed are the Han characters of the Basic Multilingual Plane and the
//! ASCII letters and digits, letters folded to lower case (SQLite's LIKE
//! ignores ASCII case; PostgreSQL's is exact, so folding only widens the
//! superset). A word is looked up by its Han grams alone on MariaDB: its
//! collations also equate accented and unaccented letters (`é` = `e`), so
//! a letter in the word does not prove the same letter in the text there.
//! A word with nothing usable cannot be narrowed this way.

use std::collections::BTreeSet;

/// The index records a gram once per block of this many consecutive case
/// numbers of a year, not once per case: a block of a zone's cases shares
/// most of its words, so the index stays a fraction of the text.
pub const BLOCK: i64 = 64;

/// The block of a case's number within its year.
pub fn block_of(seq: i64) -> i64 {
    seq.div_euclid(BLOCK)
}

/// The first and last number of a block.
pub fn block_seqs(block: i64) -> (i64, i64) {
    (block * BLOCK, block * BLOCK + BLOCK - 1)
}

fn han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}')
}

fn indexed(c: char) -> bool {
    han(c) || c.is_ascii_alphanumeric()
}

fn unigram(c: char) -> i64 {
    i64::from(u32::from(c))
}

/// Both characters fit in 21 bits and the first is at least '0', so bigrams
/// never collide with each other or with unigrams (which are below 2^21).
fn bigram(a: char, b: char) -> i64 {
    (i64::from(u32::from(a)) << 21) | i64::from(u32::from(b))
}

/// Add the grams of a text to `out`.
pub fn text_grams(text: &str, out: &mut BTreeSet<i64>) {
    let mut prev: Option<char> = None;
    for c in text.chars() {
        if indexed(c) {
            let c = c.to_ascii_lowercase();
            out.insert(unigram(c));
            if let Some(p) = prev {
                out.insert(bigram(p, c));
            }
            prev = Some(c);
        } else {
            prev = None;
        }
    }
}

/// At most this many grams of a word are looked up (more narrow little).
pub const MAX_QUERY_GRAMS: usize = 8;

/// Grams every text containing `word` has: its bigrams, or its single
/// characters when it has no two adjacent. Only Han characters count unless
/// `letters` (the database compares ASCII letters and digits as themselves,
/// up to case). `None` when nothing in the word counts.
pub fn query_grams(word: &str, letters: bool) -> Option<Vec<i64>> {
    let usable = |c: char| han(c) || (letters && c.is_ascii_alphanumeric());
    let chars: Vec<char> = word.chars().map(|c| c.to_ascii_lowercase()).collect();
    let pairs: BTreeSet<i64> = chars
        .windows(2)
        .filter(|w| usable(w[0]) && usable(w[1]))
        .map(|w| bigram(w[0], w[1]))
        .collect();
    let grams: Vec<i64> = if pairs.is_empty() {
        let singles: BTreeSet<i64> = chars
            .iter()
            .copied()
            .filter(|c| usable(*c))
            .map(unigram)
            .collect();
        singles.into_iter().collect()
    } else {
        pairs.into_iter().collect()
    };
    if grams.is_empty() {
        return None;
    }
    // Spread the chosen grams over the word rather than keeping its start.
    let step = grams.len().div_ceil(MAX_QUERY_GRAMS);
    Some(grams.into_iter().step_by(step).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn grams(t: &str) -> BTreeSet<i64> {
        let mut s = BTreeSet::new();
        text_grams(t, &mut s);
        s
    }

    #[test]
    fn han_characters_letters_digits_and_their_pairs_are_grams() {
        let g = grams("用地审批A1光刻胶，é");
        assert!(g.contains(&bigram('用', '地')));
        assert!(g.contains(&bigram('审', '批')));
        assert!(g.contains(&unigram('光')));
        // Letters are folded to lower case and pair with their neighbours.
        assert!(g.contains(&bigram('批', 'a')));
        assert!(g.contains(&bigram('a', '1')));
        assert!(!g.contains(&unigram('A')));
        // Punctuation and other letters are not grams and break pairs.
        assert!(!g.contains(&unigram('é')));
        assert!(!g.contains(&bigram('胶', 'é')));
        assert_eq!(g.len(), 9 + 8);
    }

    #[test]
    fn a_word_is_looked_up_by_its_pairs_or_else_its_characters() {
        assert_eq!(
            query_grams("审批", false),
            Some(vec![bigram('审', '批')]),
            "a two-character word is one pair"
        );
        assert_eq!(query_grams("5G 站", false), Some(vec![unigram('站')]));
        assert_eq!(query_grams("IPO", false), None, "no Han character");
        assert_eq!(
            query_grams("IPO", true),
            Some(vec![bigram('i', 'p'), bigram('p', 'o')])
        );
        assert_eq!(query_grams("5G 站", true).map(|g| g.len()), Some(1));
        assert_eq!(query_grams("  ", true), None);
        let long = "关于集成电路产业园区用地审批材料办理进度的诉求";
        let g = query_grams(long, false).unwrap();
        assert!(g.len() <= MAX_QUERY_GRAMS && g.len() >= MAX_QUERY_GRAMS / 2);
    }

    #[test]
    fn blocks_cover_consecutive_numbers() {
        assert_eq!(block_of(1), 0);
        assert_eq!(block_of(BLOCK - 1), 0);
        assert_eq!(block_of(BLOCK), 1);
        let (lo, hi) = block_seqs(block_of(130));
        assert!(lo <= 130 && 130 <= hi && hi - lo + 1 == BLOCK);
    }

    proptest! {
        /// The index never loses a match: every gram of a word found in a
        /// text (up to ASCII case) is a gram of that text.
        #[test]
        fn a_texts_grams_include_those_of_every_word_in_it(
            text in "[审批用地融资人才光刻胶a-zA-Z0-9 ，。（）𠀀]{0,40}",
            from in 0usize..40,
            len in 1usize..12,
            upper in any::<bool>(),
        ) {
            let chars: Vec<char> = text.chars().collect();
            let from = from.min(chars.len());
            let to = (from + len).min(chars.len());
            let word: String = chars[from..to].iter().collect();
            // SQLite's LIKE finds the word in any ASCII case.
            let word = if upper { word.to_ascii_uppercase() } else { word };
            let all = grams(&text);
            for letters in [false, true] {
                if let Some(q) = query_grams(&word, letters) {
                    for g in q {
                        prop_assert!(all.contains(&g), "{word:?} in {text:?}");
                    }
                }
            }
        }
    }
}

//! From Chinese text to index terms: jieba in search mode with the domain
//! dictionary, then normalisation, synonyms and stop words.
//!
//! The same analysis runs over documents and queries, so a need and an offer
//! that say the same thing produce the same terms:
//!
//! 1. the text is cut to [`MAX_FIELD_CHARS`] characters, full-width ASCII
//!    (ＳｉＣ) becomes ASCII and ASCII is lower-cased;
//! 2. jieba cuts it in search mode (`cut_for_search`, HMM on for words
//!    missing from the dictionary): the words of the precise cut plus the
//!    2- and 3-character dictionary words inside them, so 固态电池 gives
//!    固态, 电池 and 固态电池; a part of an ASCII word is dropped (the `ic`
//!    of `sic`);
//! 3. a token of five characters or more also gives the dictionary words
//!    of four characters or more inside it (全固态电池 gives 固态电池), and
//!    a token that mixes ASCII and Chinese (mrna疫苗) its ASCII words
//!    (mrna);
//! 4. a token is dropped if it has a single character, no letter (numbers,
//!    punctuation, symbols) or is a stop word (`data/stopwords.txt`);
//! 5. a token in a synonym group becomes the group's canonical term
//!    (电动汽车 → 新能源汽车).

use std::collections::{HashMap, HashSet};
use std::fmt;

use jieba_rs::Jieba;
use serde::{Deserialize, Serialize};

/// Text beyond this many characters in one field is not analysed.
pub const MAX_FIELD_CHARS: usize = 20_000;
/// The longest word (in characters) a vocabulary may add.
pub const MAX_WORD_CHARS: usize = 32;

const SHIPPED_WORDS: &str = include_str!("../data/dict.txt");
const SHIPPED_SYNONYMS: &str = include_str!("../data/synonyms.txt");
const SHIPPED_STOP_WORDS: &str = include_str!("../data/stopwords.txt");

/// Words and synonym groups added to jieba's dictionary.
///
/// [`Vocabulary::shipped`] is the product's own (`data/dict.txt`,
/// `data/synonyms.txt`); administrators add theirs through
/// [`crate::Engine::with_vocabulary`] or [`crate::Engine::set_vocabulary`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Vocabulary {
    /// Words jieba must keep whole (碳化硅, 工业互联网).
    pub words: Vec<String>,
    /// Groups of interchangeable terms; the first of a group is its
    /// canonical term. Every member is also a dictionary word.
    pub synonym_groups: Vec<Vec<String>>,
}

/// Why a vocabulary was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VocabularyError {
    /// A word is empty.
    Empty,
    /// A word contains white space (jieba never joins across it).
    Whitespace(String),
    /// A word is longer than [`MAX_WORD_CHARS`] characters.
    TooLong(String),
    /// A synonym group has fewer than two distinct terms.
    LoneSynonym(String),
}

impl fmt::Display for VocabularyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VocabularyError::Empty => write!(f, "词不能为空"),
            VocabularyError::Whitespace(w) => write!(f, "词“{w}”不能含空格"),
            VocabularyError::TooLong(w) => {
                write!(f, "词“{w}”过长，最多 {MAX_WORD_CHARS} 个字")
            }
            VocabularyError::LoneSynonym(w) => {
                write!(f, "同义词组“{w}”至少要有两个不同的词")
            }
        }
    }
}

impl std::error::Error for VocabularyError {}

impl Vocabulary {
    /// The vocabulary shipped with the product.
    pub fn shipped() -> Vocabulary {
        Vocabulary {
            words: Vocabulary::parse_words(SHIPPED_WORDS),
            synonym_groups: Vocabulary::parse_synonyms(SHIPPED_SYNONYMS),
        }
    }

    /// Words from a file with one word a line; blank lines and lines
    /// starting with `#` are skipped.
    pub fn parse_words(text: &str) -> Vec<String> {
        lines(text).map(str::to_string).collect()
    }

    /// Synonym groups from a file with one group a line, terms separated by
    /// white space, the canonical term first; blank lines and lines
    /// starting with `#` are skipped.
    pub fn parse_synonyms(text: &str) -> Vec<Vec<String>> {
        lines(text)
            .map(|l| l.split_whitespace().map(str::to_string).collect())
            .collect()
    }

    /// This vocabulary followed by `other`.
    pub fn merged(&self, other: &Vocabulary) -> Vocabulary {
        let mut v = self.clone();
        v.words.extend(other.words.iter().cloned());
        v.synonym_groups
            .extend(other.synonym_groups.iter().cloned());
        v
    }

    /// Checks every word and group; the first problem is returned.
    pub fn check(&self) -> Result<(), VocabularyError> {
        for w in self
            .words
            .iter()
            .chain(self.synonym_groups.iter().flatten())
        {
            check_word(w)?;
        }
        for g in &self.synonym_groups {
            let distinct: HashSet<String> = g.iter().map(|w| normalise(w)).collect();
            if distinct.len() < 2 {
                return Err(VocabularyError::LoneSynonym(g.join(" ")));
            }
        }
        Ok(())
    }
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn check_word(w: &str) -> Result<(), VocabularyError> {
    if w.trim().is_empty() {
        return Err(VocabularyError::Empty);
    }
    if w.chars().any(char::is_whitespace) {
        return Err(VocabularyError::Whitespace(w.to_string()));
    }
    if w.chars().count() > MAX_WORD_CHARS {
        return Err(VocabularyError::TooLong(w.to_string()));
    }
    Ok(())
}

/// Full-width ASCII to ASCII, the ideographic space to a space, ASCII to
/// lower case; at most [`MAX_FIELD_CHARS`] characters.
pub(crate) fn normalise(text: &str) -> String {
    text.chars()
        .take(MAX_FIELD_CHARS)
        .map(|c| {
            let c = match c {
                '\u{3000}' => ' ',
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
                _ => c,
            };
            c.to_ascii_lowercase()
        })
        .collect()
}

/// The analyser: jieba with the vocabulary, the synonym map, the stop words.
pub(crate) struct Analyzer {
    jieba: Jieba,
    /// Term → canonical term, for every member of every synonym group
    /// (canonical terms map to themselves).
    canonical: HashMap<String, String>,
    stop: HashSet<String>,
}

impl fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Analyzer")
            .field("synonyms", &self.canonical.len())
            .field("stop_words", &self.stop.len())
            .finish()
    }
}

impl Analyzer {
    /// jieba's default dictionary plus `vocabulary` (checked first).
    pub(crate) fn new(vocabulary: &Vocabulary) -> Result<Analyzer, VocabularyError> {
        vocabulary.check()?;
        let mut jieba = Jieba::new();
        for w in vocabulary
            .words
            .iter()
            .chain(vocabulary.synonym_groups.iter().flatten())
        {
            let w = normalise(w);
            if !jieba.has_word(&w) {
                jieba.add_word(&w, None, None);
            }
        }
        Ok(Analyzer {
            jieba,
            canonical: synonym_map(&vocabulary.synonym_groups),
            stop: Vocabulary::parse_words(SHIPPED_STOP_WORDS)
                .iter()
                .map(|w| normalise(w))
                .collect(),
        })
    }

    /// The terms of `text`, in order, repeats kept.
    pub(crate) fn terms(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.each_term(text, |t| out.push(t.to_string()));
        out
    }

    /// Calls `f` with each term of `text`, in order, repeats kept.
    pub(crate) fn each_term(&self, text: &str, mut f: impl FnMut(&str)) {
        let text = normalise(text);
        let bytes = text.as_bytes();
        let alnum = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_alphanumeric);
        for token in self.jieba.cut_for_search(&text, true) {
            let w = token.word;
            // Search mode also offers the 2- and 3-character dictionary words
            // inside a longer token; inside an ASCII word they are noise
            // (the `ic` of `sic`, the `ar` of `arf光刻胶`).
            let (start, end) = (token.byte_start, token.byte_end);
            let cuts_ascii_word = (start > 0 && alnum(start - 1) && alnum(start))
                || (end > start && alnum(end - 1) && alnum(end));
            if cuts_ascii_word {
                continue;
            }
            let mixed = !w.is_ascii() && w.bytes().any(|b| b.is_ascii_alphanumeric());
            if mixed {
                for part in w.split(|c: char| !c.is_ascii_alphanumeric()) {
                    self.emit(part, &mut f);
                }
            }
            // Search mode offers only the 2- and 3-character words inside a
            // token; the longer dictionary words inside it count too, so
            // 全固态电池 also gives 固态电池 and 工业互联网平台 gives
            // 工业互联网.
            if w.chars().nth(4).is_some() {
                for inner in self.jieba.cut_all(w) {
                    let iw = inner.word;
                    if iw != w && iw.chars().nth(3).is_some() && !iw.is_ascii() {
                        self.emit(iw, &mut f);
                    }
                }
            }
            self.emit(w, &mut f);
        }
    }

    fn emit(&self, w: &str, f: &mut impl FnMut(&str)) {
        let mut chars = w.chars();
        if chars.next().is_none() || chars.next().is_none() {
            return;
        }
        if !w.chars().any(char::is_alphabetic) {
            return;
        }
        let t = self.canonical.get(w).map(String::as_str).unwrap_or(w);
        if self.stop.contains(t) || self.stop.contains(w) {
            return;
        }
        f(t);
    }

    /// The words of the precise cut (no search-mode parts, no synonyms),
    /// normalised, of two characters or more, stop words dropped: what a
    /// plain substring search would look for.
    pub(crate) fn words(&self, text: &str) -> Vec<String> {
        let text = normalise(text);
        self.jieba
            .cut(&text, true)
            .into_iter()
            .map(|t| t.word.trim())
            .filter(|w| w.chars().count() >= 2 && w.chars().any(char::is_alphabetic))
            .filter(|w| !self.stop.contains(*w))
            .map(str::to_string)
            .collect()
    }
}

/// Term → canonical term. A term in several groups joins them: the group
/// seen first gives the canonical term (so an administrator's 电动车 电动汽车
/// joins the shipped group of 新能源汽车).
fn synonym_map(groups: &[Vec<String>]) -> HashMap<String, String> {
    let mut canonical: HashMap<String, String> = HashMap::new();
    // Canonical term → the index of the group that made it canonical.
    let mut born: HashMap<String, usize> = HashMap::new();
    for (i, g) in groups.iter().enumerate() {
        let members: Vec<String> = g.iter().map(|w| normalise(w)).collect();
        let Some(first) = members.first() else {
            continue;
        };
        // The canonical terms this group touches; the oldest one wins.
        let touched: HashSet<String> = members
            .iter()
            .filter_map(|m| canonical.get(m).cloned())
            .collect();
        let target = touched
            .iter()
            .min_by_key(|c| born.get(*c).copied().unwrap_or(usize::MAX))
            .cloned()
            .unwrap_or_else(|| first.clone());
        born.entry(target.clone()).or_insert(i);
        for v in canonical.values_mut() {
            if touched.contains(v.as_str()) {
                *v = target.clone();
            }
        }
        for m in members {
            canonical.insert(m, target.clone());
        }
    }
    canonical
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_folds_width_and_case() {
        assert_eq!(normalise("ＳｉＣ　MOSFET"), "sic mosfet");
        assert_eq!(
            normalise(&"长".repeat(MAX_FIELD_CHARS + 10))
                .chars()
                .count(),
            MAX_FIELD_CHARS
        );
    }

    #[test]
    fn synonym_groups_join_on_a_shared_term() {
        let groups = vec![
            vec!["新能源汽车".to_string(), "电动汽车".to_string()],
            vec!["电动车".to_string(), "电动汽车".to_string()],
            vec!["甲".to_string(), "乙".to_string()],
            vec!["乙".to_string(), "电动车".to_string()],
        ];
        let m = synonym_map(&groups);
        assert_eq!(m["电动车"], "新能源汽车");
        assert_eq!(m["甲"], "新能源汽车");
        assert_eq!(m["乙"], "新能源汽车");
        assert_eq!(m["新能源汽车"], "新能源汽车");
    }

    #[test]
    fn vocabulary_checks_words() {
        let bad = |w: &str| Vocabulary {
            words: vec![w.to_string()],
            synonym_groups: vec![],
        };
        assert_eq!(bad(" ").check(), Err(VocabularyError::Empty));
        assert!(matches!(
            bad("固态 电池").check(),
            Err(VocabularyError::Whitespace(_))
        ));
        assert!(matches!(
            bad(&"长".repeat(33)).check(),
            Err(VocabularyError::TooLong(_))
        ));
        let lone = Vocabulary {
            words: vec![],
            synonym_groups: vec![vec!["SiC".to_string(), "sic".to_string()]],
        };
        assert!(matches!(lone.check(), Err(VocabularyError::LoneSynonym(_))));
        assert_eq!(Vocabulary::shipped().check(), Ok(()));
    }

    #[test]
    fn the_domain_dictionary_keeps_terms_whole() {
        let bare = Analyzer::new(&Vocabulary::default()).unwrap();
        let domain = Analyzer::new(&Vocabulary::shipped()).unwrap();
        for term in [
            "固态电池",
            "硫化物电解质",
            "工业互联网平台",
            "磷酸锰铁锂",
            "扇出型封装",
        ] {
            assert!(!bare.words(term).contains(&term.to_string()), "{term}");
            assert_eq!(domain.words(term), vec![term.to_string()]);
            assert!(domain.terms(term).contains(&term.to_string()), "{term}");
        }
    }

    #[test]
    fn shipped_files_are_big_enough() {
        let v = Vocabulary::shipped();
        assert!(v.words.len() >= 300, "{} words", v.words.len());
        assert!(
            v.synonym_groups.len() >= 100,
            "{} groups",
            v.synonym_groups.len()
        );
        assert!(v.words.iter().any(|w| w == "固态电池"));
    }
}

//! Records a spreadsheet names by title — meetings, events — and by
//! “标题（2026年3月5日）” where two share a title: how an export writes one
//! so that an import reads it back, and how an import finds it.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::format::fmt_date;
use crate::forms::parse_date;

pub struct DatedNames {
    /// What the records are called in messages (会议, 活动).
    what: &'static str,
    /// title → (id, day)
    by_title: HashMap<String, Vec<(String, NaiveDate)>>,
    /// id → (title, day)
    by_id: HashMap<String, (String, NaiveDate)>,
}

impl DatedNames {
    /// The index of `(id, title, day)` records called `what`.
    pub fn new(
        what: &'static str,
        records: impl IntoIterator<Item = (String, String, NaiveDate)>,
    ) -> DatedNames {
        let mut by_title: HashMap<String, Vec<(String, NaiveDate)>> = HashMap::new();
        let mut by_id = HashMap::new();
        for (id, title, day) in records {
            by_title
                .entry(title.clone())
                .or_default()
                .push((id.clone(), day));
            by_id.insert(id, (title, day));
        }
        DatedNames {
            what,
            by_title,
            by_id,
        }
    }

    /// The title, or “标题（日期）” when records share it or when the title
    /// itself reads as another record's “标题（日期）”; empty for none.
    pub fn key_of(&self, id: Option<&str>) -> String {
        match id.and_then(|id| self.by_id.get(id)) {
            Some((title, day)) if self.written_dated(title) => {
                format!("{title}（{}）", fmt_date(*day))
            }
            Some((title, _)) => title.clone(),
            None => String::new(),
        }
    }

    /// Whether [`key_of`](Self::key_of) writes the records titled `title`
    /// with their day.
    fn written_dated(&self, title: &str) -> bool {
        self.by_title.get(title).is_some_and(|v| v.len() > 1)
            || self.dated(title).is_some_and(|(_, hits)| !hits.is_empty())
    }

    /// When `written` reads as “标题（日期）”: the title and the records of
    /// that title on that day.
    fn dated<'a>(&self, written: &'a str) -> Option<(&'a str, Vec<&String>)> {
        let (t, d) = written
            .strip_suffix('）')
            .and_then(|w| w.rsplit_once('（'))
            .and_then(|(t, d)| parse_date(d).map(|d| (t.trim(), d)))?;
        let hits = self
            .by_title
            .get(t)
            .map(|v| {
                v.iter()
                    .filter(|(_, day)| *day == d)
                    .map(|(id, _)| id)
                    .collect()
            })
            .unwrap_or_default();
        Some((t, hits))
    }

    /// The day of a record.
    pub fn day_of(&self, id: &str) -> Option<NaiveDate> {
        self.by_id.get(id).map(|(_, day)| *day)
    }

    /// The record a cell names (None when empty): by its exact title or by
    /// “标题（日期）”, reading what [`key_of`](Self::key_of) writes back as
    /// the same record; or why not, ending in `missing` when none is found.
    /// A cell that could be either and that `key_of` would not write is
    /// refused with what to write instead.
    pub fn find(&self, written: &str, missing: &str) -> Result<Option<String>, String> {
        if written.is_empty() {
            return Ok(None);
        }
        let what = self.what;
        let exact: Vec<&String> = self
            .by_title
            .get(written)
            .map(|v| v.iter().map(|(id, _)| id).collect())
            .unwrap_or_default();
        let (by_day, found) = match self.dated(written) {
            Some((t, hits)) if !hits.is_empty() => {
                if !exact.is_empty() && !self.written_dated(t) {
                    return Err(format!(
                        "“{written}”既是一个{what}的名称，也可指当天的{what}“{t}”：前者请写成“{written}（{what}日期）”，后者请写成“{t}”"
                    ));
                }
                (true, hits)
            }
            _ => (false, exact),
        };
        match found.as_slice() {
            [id] => Ok(Some((*id).clone())),
            [] => Err(format!("{what}“{written}”不存在，{missing}")),
            more if by_day => Err(format!(
                "有 {} 个{what}名为“{written}”且在同一天，无法区分，请先将{what}改名",
                more.len()
            )),
            more => Err(format!(
                "有 {} 个{what}名为“{written}”，请写成“{written}（{what}日期）”",
                more.len()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DatedNames;
    use chrono::NaiveDate;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn a_shared_title_is_written_and_found_with_its_day() {
        let ix = DatedNames::new(
            "活动",
            [
                ("a".into(), "两城汇".into(), d(3, 5)),
                ("b".into(), "两城汇".into(), d(6, 18)),
                ("c".into(), "路演".into(), d(6, 18)),
            ],
        );
        assert_eq!(ix.key_of(Some("c")), "路演");
        assert_eq!(ix.key_of(Some("b")), "两城汇（2026年6月18日）");
        assert_eq!(ix.find("路演", "").unwrap().as_deref(), Some("c"));
        assert_eq!(
            ix.find(&ix.key_of(Some("b")), "").unwrap().as_deref(),
            Some("b")
        );
        assert_eq!(ix.find("", "").unwrap(), None);
        let shared = ix.find("两城汇", "").unwrap_err();
        assert!(shared.contains("请写成“两城汇（活动日期）”"), "{shared}");
        let missing = ix.find("沙龙", "请先登记").unwrap_err();
        assert_eq!(missing, "活动“沙龙”不存在，请先登记");
        assert!(ix.find("两城汇（2026年7月1日）", "x").is_err());
    }

    #[test]
    fn a_title_that_reads_as_a_dated_key_does_not_capture_it() {
        let ix = DatedNames::new(
            "活动",
            [
                ("a".into(), "两城汇".into(), d(3, 5)),
                ("b".into(), "两城汇".into(), d(6, 18)),
                ("c".into(), "两城汇（2026年6月18日）".into(), d(7, 1)),
                ("e".into(), "路演（2026年7月1日）".into(), d(7, 1)),
            ],
        );
        // Every record's key reads back as that record.
        for id in ["a", "b", "c", "e"] {
            let key = ix.key_of(Some(id));
            assert_eq!(ix.find(&key, "").unwrap().as_deref(), Some(id), "{key}");
        }
        assert_eq!(ix.key_of(Some("b")), "两城汇（2026年6月18日）");
        assert_eq!(
            ix.key_of(Some("c")),
            "两城汇（2026年6月18日）（2026年7月1日）"
        );
        // A title with a date in it and no record it could be confused with
        // keeps its plain title.
        assert_eq!(ix.key_of(Some("e")), "路演（2026年7月1日）");

        // A hand-written cell that could be a unique title's record on its
        // day or a record of that exact title is refused, not guessed.
        let ix = DatedNames::new(
            "活动",
            [
                ("r".into(), "路演".into(), d(7, 1)),
                ("w".into(), "路演（2026年7月1日）".into(), d(8, 1)),
            ],
        );
        assert_eq!(ix.key_of(Some("r")), "路演");
        let w = ix.key_of(Some("w"));
        assert_eq!(w, "路演（2026年7月1日）（2026年8月1日）");
        assert_eq!(ix.find(&w, "").unwrap().as_deref(), Some("w"));
        assert_eq!(ix.find("路演", "").unwrap().as_deref(), Some("r"));
        let both = ix.find("路演（2026年7月1日）", "").unwrap_err();
        assert!(both.contains("后者请写成“路演”"), "{both}");
    }
}

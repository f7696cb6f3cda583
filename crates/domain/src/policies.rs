//! Policies (政策) the committee offers to the organisations of its zone
//! (#17: "policies and programmes open to it"): where a policy stands, its
//! application window (申报时间), and whom it is open to (kinds of
//! organisation, optionally one industrial chain). A firm applies for a
//! policy's support (政策兑现) through a case, so the closed loop handles it.

use chrono::NaiveDate;

use crate::events::{date_zh, Window, WindowState};
use crate::org::OrgKind;

coded! {
    /// Where a policy stands. Drafts are seen by their department (and
    /// the committee's leadership and administrators) only.
    pub enum PolicyStatus {
        Draft = ("draft", "草稿"),
        /// Open to the organisations it names (within its window).
        Published = ("published", "已发布"),
        /// No longer offered; kept for the record.
        Stopped = ("stopped", "已停止"),
    }
}

/// The application window: from `opens_on` to `closes_on`, both days
/// included; a missing bound does not limit (常年申报 when both are missing).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ApplyWindow {
    pub opens_on: Option<NaiveDate>,
    pub closes_on: Option<NaiveDate>,
}

impl ApplyWindow {
    /// Closes on or after it opens (Err: the message, for `closes_on`).
    pub fn check(&self) -> Result<(), String> {
        match (self.opens_on, self.closes_on) {
            (Some(o), Some(c)) if c < o => Err("申报截止日期不能早于申报开始日期".into()),
            _ => Ok(()),
        }
    }

    /// Where the window stands on `today` (the rule of an event's
    /// registration window, both days included).
    pub fn state(&self, today: NaiveDate) -> WindowState {
        Window {
            opens_on: self.opens_on,
            closes_on: self.closes_on,
        }
        .state(today)
    }

    /// The window in words, as a firm reads it on `today`.
    pub fn note(&self, today: NaiveDate) -> String {
        match (self.state(today), self.opens_on, self.closes_on) {
            (WindowState::NotYetOpen, Some(o), _) => format!("{}起申报", date_zh(o)),
            (WindowState::Closed, _, Some(c)) => format!("申报已于{}截止", date_zh(c)),
            (_, _, Some(c)) => format!("申报中，{}截止", date_zh(c)),
            _ => "常年申报".into(),
        }
    }
}

/// The kinds of organisation a policy is open to, stored as comma-separated
/// codes in `OrgKind::ALL` order; empty means every kind.
pub fn kinds_code(kinds: &[OrgKind]) -> String {
    OrgKind::ALL
        .iter()
        .filter(|k| kinds.contains(k))
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// The kinds of a stored code (unknown codes are skipped).
pub fn kinds_of(code: &str) -> Vec<OrgKind> {
    let named: Vec<&str> = code.split(',').map(str::trim).collect();
    OrgKind::ALL
        .into_iter()
        .filter(|k| named.contains(&k.as_str()))
        .collect()
}

/// The kinds in words: “企业、高校”, or “不限” for every kind.
pub fn kinds_zh(kinds: &[OrgKind]) -> String {
    if kinds.is_empty() {
        return "不限".into();
    }
    kinds
        .iter()
        .map(|k| k.label_zh())
        .collect::<Vec<_>>()
        .join("、")
}

/// Whether an organisation of `kind` may apply (an empty list admits every kind).
pub fn admits_kind(kinds: &[OrgKind], kind: Option<OrgKind>) -> bool {
    kinds.is_empty() || kind.is_some_and(|k| kinds.contains(&k))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_window_reads_as_a_firm_needs_it() {
        let w = ApplyWindow {
            opens_on: Some(d("2026-03-01")),
            closes_on: Some(d("2026-05-31")),
        };
        assert_eq!(w.note(d("2026-02-28")), "2026年3月1日起申报");
        assert_eq!(w.note(d("2026-03-01")), "申报中，2026年5月31日截止");
        assert_eq!(w.note(d("2026-05-31")), "申报中，2026年5月31日截止");
        assert_eq!(w.note(d("2026-06-01")), "申报已于2026年5月31日截止");
        assert_eq!(w.state(d("2026-06-01")), WindowState::Closed);
        assert_eq!(ApplyWindow::default().note(d("2026-06-01")), "常年申报");
        let backwards = ApplyWindow {
            opens_on: Some(d("2026-05-01")),
            closes_on: Some(d("2026-04-30")),
        };
        assert!(backwards.check().is_err());
        assert!(w.check().is_ok());
    }

    #[test]
    fn kinds_round_trip_in_register_order_and_empty_admits_all() {
        let k = [OrgKind::Institute, OrgKind::Enterprise];
        assert_eq!(kinds_code(&k), "enterprise,institute");
        assert_eq!(
            kinds_of("enterprise,institute,nonsense"),
            [OrgKind::Enterprise, OrgKind::Institute]
        );
        assert_eq!(
            kinds_zh(&kinds_of("enterprise,institute")),
            "企业、科研机构"
        );
        assert_eq!(kinds_zh(&[]), "不限");
        assert!(admits_kind(&[], None));
        assert!(admits_kind(&k, Some(OrgKind::Enterprise)));
        assert!(!admits_kind(&k, Some(OrgKind::University)));
        assert!(!admits_kind(&k, None));
    }
}

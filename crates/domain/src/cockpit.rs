//! The cockpit's periods and comparisons (领导驾驶舱): a month, a quarter or
//! a year, the period before it (环比) and the same period a year earlier
//! (同比), and the change between two values.

use chrono::{Datelike, NaiveDate};

/// A reporting period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Month(i32, u32),
    Quarter(i32, u32),
    Year(i32),
}

impl Period {
    /// "2026-11", "2026-Q4" or "2026" (years 2000–2100).
    pub fn parse(s: &str) -> Option<Period> {
        let s = s.trim();
        let year = |y: &str| y.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y));
        if let Some((y, q)) = s.split_once("-Q").or_else(|| s.split_once("-q")) {
            let q: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
            return Some(Period::Quarter(year(y)?, q));
        }
        if let Some((y, m)) = s.split_once('-') {
            let m: u32 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
            return Some(Period::Month(year(y)?, m));
        }
        (s.len() == 4).then(|| year(s).map(Period::Year))?
    }

    /// The month, quarter or year that holds `d`.
    pub fn of(kind: PeriodKind, d: NaiveDate) -> Period {
        match kind {
            PeriodKind::Month => Period::Month(d.year(), d.month()),
            PeriodKind::Quarter => Period::Quarter(d.year(), (d.month() - 1) / 3 + 1),
            PeriodKind::Year => Period::Year(d.year()),
        }
    }

    pub fn kind(self) -> PeriodKind {
        match self {
            Period::Month(..) => PeriodKind::Month,
            Period::Quarter(..) => PeriodKind::Quarter,
            Period::Year(_) => PeriodKind::Year,
        }
    }

    /// The code [`Period::parse`] reads.
    pub fn code(self) -> String {
        match self {
            Period::Month(y, m) => format!("{y}-{m:02}"),
            Period::Quarter(y, q) => format!("{y}-Q{q}"),
            Period::Year(y) => format!("{y}"),
        }
    }

    /// "2026年11月", "2026年第四季度", "2026年".
    pub fn label(self) -> String {
        match self {
            Period::Month(y, m) => format!("{y}年{m}月"),
            Period::Quarter(y, q) => {
                format!("{y}年第{}季度", ["一", "二", "三", "四"][(q - 1) as usize])
            }
            Period::Year(y) => format!("{y}年"),
        }
    }

    /// A short label for a chart axis: "11月", "Q4", "2026".
    pub fn short(self) -> String {
        match self {
            Period::Month(y, 1) => format!("{y}年1月"),
            Period::Month(_, m) => format!("{m}月"),
            Period::Quarter(y, q) => format!("{y}Q{q}"),
            Period::Year(y) => format!("{y}"),
        }
    }

    /// First day.
    pub fn from(self) -> NaiveDate {
        let (y, m) = match self {
            Period::Month(y, m) => (y, m),
            Period::Quarter(y, q) => (y, (q - 1) * 3 + 1),
            Period::Year(y) => (y, 1),
        };
        NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MIN)
    }

    /// Last day (inclusive, as the list filters take it).
    pub fn to(self) -> NaiveDate {
        self.next().from().pred_opt().unwrap_or(NaiveDate::MAX)
    }

    /// The period after this one.
    pub fn next(self) -> Period {
        match self {
            Period::Month(y, 12) => Period::Month(y + 1, 1),
            Period::Month(y, m) => Period::Month(y, m + 1),
            Period::Quarter(y, 4) => Period::Quarter(y + 1, 1),
            Period::Quarter(y, q) => Period::Quarter(y, q + 1),
            Period::Year(y) => Period::Year(y + 1),
        }
    }

    /// The period before this one (环比).
    pub fn previous(self) -> Period {
        match self {
            Period::Month(y, 1) => Period::Month(y - 1, 12),
            Period::Month(y, m) => Period::Month(y, m - 1),
            Period::Quarter(y, 1) => Period::Quarter(y - 1, 4),
            Period::Quarter(y, q) => Period::Quarter(y, q - 1),
            Period::Year(y) => Period::Year(y - 1),
        }
    }

    /// The same period a year earlier (同比).
    pub fn year_before(self) -> Period {
        match self {
            Period::Month(y, m) => Period::Month(y - 1, m),
            Period::Quarter(y, q) => Period::Quarter(y - 1, q),
            Period::Year(y) => Period::Year(y - 1),
        }
    }

    /// The `n` periods ending with this one, oldest first (a trend).
    pub fn last(self, n: usize) -> Vec<Period> {
        let mut out = Vec::with_capacity(n);
        let mut p = self;
        for _ in 0..n {
            out.push(p);
            p = p.previous();
        }
        out.reverse();
        out
    }
}

/// Month, quarter or year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodKind {
    Month,
    Quarter,
    Year,
}

impl PeriodKind {
    pub fn parse(s: &str) -> Option<PeriodKind> {
        Some(match s {
            "month" => PeriodKind::Month,
            "quarter" => PeriodKind::Quarter,
            "year" => PeriodKind::Year,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            PeriodKind::Month => "月",
            PeriodKind::Quarter => "季度",
            PeriodKind::Year => "年",
        }
    }
}

/// The change from `before` to `now` in per mille of `before` (None when
/// `before` is zero: no rate of change from nothing).
pub fn change_permille(now: i64, before: i64) -> Option<i64> {
    if before == 0 {
        return None;
    }
    let d = (now - before) as i128 * 1000;
    let b = before.abs() as i128;
    // Rounded half away from zero.
    let q = if d >= 0 {
        (d + b / 2) / b
    } else {
        (d - b / 2) / b
    };
    Some(q as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_parse_print_and_bound() {
        let m = Period::parse("2026-02").unwrap();
        assert_eq!(m, Period::Month(2026, 2));
        assert_eq!((m.from(), m.to()), (d(2026, 2, 1), d(2026, 2, 28)));
        assert_eq!(m.label(), "2026年2月");
        let q = Period::parse("2026-Q4").unwrap();
        assert_eq!((q.from(), q.to()), (d(2026, 10, 1), d(2026, 12, 31)));
        assert_eq!(q.label(), "2026年第四季度");
        let y = Period::parse("2024").unwrap();
        assert_eq!((y.from(), y.to()), (d(2024, 1, 1), d(2024, 12, 31)));
        for p in [m, q, y] {
            assert_eq!(Period::parse(&p.code()), Some(p));
        }
        for bad in [
            "", "2026-13", "2026-Q5", "1999", "20261", "abcd", "2026-00", "2026-Q0",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
        assert_eq!(
            Period::of(PeriodKind::Quarter, d(2026, 12, 6)),
            Period::Quarter(2026, 4)
        );
    }

    #[test]
    fn comparisons_step_back_a_period_or_a_year() {
        assert_eq!(Period::Month(2026, 1).previous(), Period::Month(2025, 12));
        assert_eq!(
            Period::Quarter(2026, 1).previous(),
            Period::Quarter(2025, 4)
        );
        assert_eq!(Period::Month(2026, 3).year_before(), Period::Month(2025, 3));
        assert_eq!(
            Period::Month(2026, 2).last(3),
            vec![
                Period::Month(2025, 12),
                Period::Month(2026, 1),
                Period::Month(2026, 2)
            ]
        );
        assert_eq!(change_permille(150, 100), Some(500));
        assert_eq!(change_permille(50, 100), Some(-500));
        assert_eq!(change_permille(1204, 759), Some(586), "the chain's 58.6%");
        assert_eq!(change_permille(3, 0), None);
    }
}

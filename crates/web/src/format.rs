//! How dates and times read in Chinese, for pages, exports and messages:
//! Beijing time (UTC+8), “2026年11月29日”, “2026年11月29日 14:05”.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};

/// China Standard Time (UTC+8, no daylight saving).
pub fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("valid offset")
}

/// "2026年11月29日"
pub fn fmt_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// "2026年11月29日 14:05" in Beijing time.
pub fn fmt_time(t: DateTime<Utc>) -> String {
    let l = t.with_timezone(&cst());
    format!("{} {}", fmt_date(l.date_naive()), l.format("%H:%M"))
}

/// An RFC 3339 timestamp (as kept in the audit log) in Beijing time.
pub fn fmt_rfc3339(s: &str) -> String {
    DateTime::parse_from_rfc3339(s)
        .map(|t| fmt_time(t.with_timezone(&Utc)))
        .unwrap_or_else(|_| s.to_string())
}

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

/// A file size as people read it: "820 B", "12 KB", "3.4 MB".
pub fn file_size(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{} KB", (b + 1023) / 1024),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_sizes_read_as_people_say_them() {
        assert_eq!(super::file_size(820), "820 B");
        assert_eq!(super::file_size(1024), "1 KB");
        assert_eq!(super::file_size(12 * 1024 + 1), "13 KB");
        assert_eq!(super::file_size(3_565_158), "3.4 MB");
    }
}

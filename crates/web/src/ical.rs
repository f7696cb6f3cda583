//! A small iCalendar (RFC 5545) writer for the event feeds: CRLF line
//! endings, content lines folded at 75 octets without splitting a UTF-8
//! character, TEXT values escaped, timed events in Asia/Shanghai with its
//! VTIMEZONE, all-day (and multi-day all-day) events as DATE values with an
//! exclusive DTEND.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// When an event takes place, in Beijing time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// Whole days, `first` to `last` both included.
    AllDay { first: NaiveDate, last: NaiveDate },
    /// From one local moment to another.
    Timed {
        start: NaiveDateTime,
        end: NaiveDateTime,
    },
}

/// One VEVENT.
#[derive(Clone, Debug)]
pub struct Event {
    pub uid: String,
    pub stamp: DateTime<Utc>,
    pub sequence: i32,
    pub summary: String,
    pub description: String,
    pub location: String,
    pub url: String,
    pub categories: Vec<String>,
    pub cancelled: bool,
    pub when: When,
}

/// A calendar: its name (X-WR-CALNAME) and events.
#[derive(Clone, Debug, Default)]
pub struct Calendar {
    pub name: String,
    pub events: Vec<Event>,
}

const TZID: &str = "Asia/Shanghai";

/// Escape a TEXT value: backslash, semicolon, comma and line breaks.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Fold one content line at 75 octets (continuations start with a space),
/// never inside a UTF-8 character, and end it with CRLF.
pub fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

fn local(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

impl Calendar {
    /// The whole calendar as iCalendar text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut line = |s: &str| fold(s, &mut out);
        line("BEGIN:VCALENDAR");
        line("VERSION:2.0");
        line("PRODID:-//Kechuang//Events//ZH");
        line("CALSCALE:GREGORIAN");
        line("METHOD:PUBLISH");
        line(&format!("X-WR-CALNAME:{}", escape(&self.name)));
        line(&format!("X-WR-TIMEZONE:{TZID}"));
        if self
            .events
            .iter()
            .any(|e| matches!(e.when, When::Timed { .. }))
        {
            for l in [
                "BEGIN:VTIMEZONE",
                "TZID:Asia/Shanghai",
                "BEGIN:STANDARD",
                "DTSTART:19700101T000000",
                "TZOFFSETFROM:+0800",
                "TZOFFSETTO:+0800",
                "TZNAME:CST",
                "END:STANDARD",
                "END:VTIMEZONE",
            ] {
                line(l);
            }
        }
        for e in &self.events {
            line("BEGIN:VEVENT");
            line(&format!("UID:{}", escape(&e.uid)));
            line(&format!("DTSTAMP:{}", utc(e.stamp)));
            line(&format!("SEQUENCE:{}", e.sequence.max(0)));
            match e.when {
                When::AllDay { first, last } => {
                    let end = last.max(first) + chrono::Duration::days(1);
                    line(&format!("DTSTART;VALUE=DATE:{}", date(first)));
                    line(&format!("DTEND;VALUE=DATE:{}", date(end)));
                }
                When::Timed { start, end } => {
                    line(&format!("DTSTART;TZID={TZID}:{}", local(start)));
                    line(&format!("DTEND;TZID={TZID}:{}", local(end.max(start))));
                }
            }
            line(&format!("SUMMARY:{}", escape(&e.summary)));
            if !e.location.is_empty() {
                line(&format!("LOCATION:{}", escape(&e.location)));
            }
            if !e.description.is_empty() {
                line(&format!("DESCRIPTION:{}", escape(&e.description)));
            }
            if !e.categories.is_empty() {
                let cats: Vec<String> = e.categories.iter().map(|c| escape(c)).collect();
                line(&format!("CATEGORIES:{}", cats.join(",")));
            }
            if !e.url.is_empty() {
                line(&format!("URL:{}", e.url));
            }
            line(if e.cancelled {
                "STATUS:CANCELLED"
            } else {
                "STATUS:CONFIRMED"
            });
            line("END:VEVENT");
        }
        line("END:VCALENDAR");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn ev(when: When) -> Event {
        Event {
            uid: "e1@kechuang".into(),
            stamp: Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap(),
            sequence: 2,
            summary: "两城汇, 路演; 第1场\\".into(),
            description: "第一行\n第二行".into(),
            location: "科学城会展中心".into(),
            url: "https://example.org/events/e1".into(),
            categories: vec!["路演".into()],
            cancelled: false,
            when,
        }
    }

    #[test]
    fn escapes_text() {
        assert_eq!(escape("a,b;c\\d\r\ne\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
    }

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let long = format!("SUMMARY:{}", "科".repeat(60));
        let mut out = String::new();
        fold(&long, &mut out);
        assert!(out.ends_with("\r\n"));
        let lines: Vec<&str> = out.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(lines.len() > 2);
        for (k, l) in lines.iter().enumerate() {
            assert!(l.len() <= 75, "{l} is {} octets", l.len());
            if k > 0 {
                assert!(l.starts_with(' '));
            }
        }
        let unfolded: String = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, long);
        let mut short = String::new();
        fold("BEGIN:VEVENT", &mut short);
        assert_eq!(short, "BEGIN:VEVENT\r\n");
    }

    #[test]
    fn all_day_events_end_the_day_after_their_last_day() {
        let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let cal = Calendar {
            name: "活动, 日历".into(),
            events: vec![ev(When::AllDay {
                first: d(5, 1),
                last: d(5, 3),
            })],
        };
        let text = cal.render();
        assert!(text.contains("DTSTART;VALUE=DATE:20260501\r\n"));
        assert!(text.contains("DTEND;VALUE=DATE:20260504\r\n"));
        assert!(!text.contains("VTIMEZONE"));
        assert!(text.contains("X-WR-CALNAME:活动\\, 日历\r\n"));
        assert!(text.contains("SUMMARY:两城汇\\, 路演\\; 第1场\\\\\r\n"));
        assert!(text.contains("DESCRIPTION:第一行\\n第二行\r\n"));
        assert!(text.contains("DTSTAMP:20260102T030405Z\r\n"));
        assert!(text.contains("STATUS:CONFIRMED\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'));
        let one = Calendar {
            name: "x".into(),
            events: vec![ev(When::AllDay {
                first: d(6, 1),
                last: d(6, 1),
            })],
        }
        .render();
        assert!(one.contains("DTEND;VALUE=DATE:20260602\r\n"));
    }

    #[test]
    fn timed_events_carry_the_time_zone() {
        let t = |h| {
            NaiveDate::from_ymd_opt(2026, 5, 1)
                .unwrap()
                .and_hms_opt(h, 30, 0)
                .unwrap()
        };
        let mut e = ev(When::Timed {
            start: t(9),
            end: t(17),
        });
        e.cancelled = true;
        let text = Calendar {
            name: "x".into(),
            events: vec![e],
        }
        .render();
        assert!(text.contains("BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\n"));
        assert!(text.contains("DTSTART;TZID=Asia/Shanghai:20260501T093000\r\n"));
        assert!(text.contains("DTEND;TZID=Asia/Shanghai:20260501T173000\r\n"));
        assert!(text.contains("STATUS:CANCELLED\r\n"));
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
    }
}

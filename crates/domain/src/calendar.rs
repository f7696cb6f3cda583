//! The mainland-China work calendar: statutory holidays (放假) and adjusted
//! working days (调休上班) on top of the Monday–Friday week.
//!
//! Deadlines in the platform are counted in working days ("5个工作日内办结"),
//! so this module answers "is this a working day" and "what is the date N
//! working days later".

use std::collections::BTreeMap;
use std::ops::Bound;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// The official calendar published by the General Office of the State
/// Council, embedded at compile time.
pub const OFFICIAL_TOML: &str = include_str!("../data/work-calendar-cn.toml");

/// What kind of special day a date is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A statutory holiday or a day off of a holiday period (放假).
    Holiday,
    /// A weekend day declared a working day to make up for a holiday (调休上班).
    Workday,
}

impl DayKind {
    /// Chinese label shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            DayKind::Holiday => "放假",
            DayKind::Workday => "调休上班",
        }
    }
}

/// One special date of the calendar.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CalendarDay {
    /// The date (local time, Asia/Shanghai).
    pub date: NaiveDate,
    /// Holiday or adjusted working day.
    pub kind: DayKind,
    /// Name shown to users, e.g. "春节" or "春节调休上班".
    pub name: String,
}

/// Why a calendar definition could not be read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CalendarError {
    /// The TOML text is malformed or has unexpected fields.
    #[error("工作日历格式错误，请检查配置文件：{0}")]
    Toml(String),
    /// A holiday range ends before it starts.
    #[error("节假日“{name}”的起止日期颠倒（{from} 晚于 {to}），请修改配置文件")]
    InvertedRange {
        /// Holiday name.
        name: String,
        /// Start of the range.
        from: NaiveDate,
        /// End of the range.
        to: NaiveDate,
    },
    /// A date is listed both as a holiday and as an adjusted working day.
    #[error("日期 {0} 同时被设为放假和调休上班，请修改配置文件")]
    Conflict(NaiveDate),
}

/// Holidays and adjusted working days, plus the ordinary Monday–Friday rule.
///
/// The [`Default`] calendar has no special days at all.
#[derive(Clone, Debug, Default)]
pub struct WorkCalendar {
    special: BTreeMap<NaiveDate, CalendarDay>,
}

/// Raw shape of the calendar TOML file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    year: Vec<RawYear>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    #[allow(dead_code)] // Informational only; ranges may cross the year boundary.
    year: i32,
    #[serde(default)]
    holidays: Vec<RawHoliday>,
    #[serde(default)]
    workdays: Vec<NaiveDate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name: String,
    from: NaiveDate,
    to: NaiveDate,
}

/// Parses a calendar in the format of `data/work-calendar-cn.toml` and
/// expands it into one [`CalendarDay`] per date, sorted by date.
///
/// Each adjusted working day is named after the holiday nearest to it (ties go
/// to the later holiday), e.g. "春节调休上班"; without any holiday it is named
/// "调休上班".
pub fn parse_official_toml(s: &str) -> Result<Vec<CalendarDay>, CalendarError> {
    let raw: RawFile = toml::from_str(s).map_err(|e| CalendarError::Toml(e.to_string()))?;

    let mut holidays: BTreeMap<NaiveDate, String> = BTreeMap::new();
    let mut workdays: Vec<NaiveDate> = Vec::new();
    for year in raw.year {
        for h in year.holidays {
            if h.from > h.to {
                return Err(CalendarError::InvertedRange {
                    name: h.name,
                    from: h.from,
                    to: h.to,
                });
            }
            for date in h.from.iter_days().take_while(|d| *d <= h.to) {
                holidays.insert(date, h.name.clone());
            }
        }
        workdays.extend(year.workdays);
    }

    let mut days: BTreeMap<NaiveDate, CalendarDay> = holidays
        .iter()
        .map(|(&date, name)| {
            let day = CalendarDay {
                date,
                kind: DayKind::Holiday,
                name: name.clone(),
            };
            (date, day)
        })
        .collect();
    for date in workdays {
        if holidays.contains_key(&date) {
            return Err(CalendarError::Conflict(date));
        }
        let name = match nearest_holiday(&holidays, date) {
            Some(holiday) => format!("{holiday}{}", DayKind::Workday.label_zh()),
            None => DayKind::Workday.label_zh().to_owned(),
        };
        let day = CalendarDay {
            date,
            kind: DayKind::Workday,
            name,
        };
        days.insert(date, day);
    }
    Ok(days.into_values().collect())
}

/// Name of the holiday closest to `date`; ties go to the later holiday.
fn nearest_holiday(holidays: &BTreeMap<NaiveDate, String>, date: NaiveDate) -> Option<&str> {
    let before = holidays.range(..date).next_back();
    let after = holidays.range(date..).next();
    let nearest = match (before, after) {
        (Some(b), Some(a)) => {
            if (date - *b.0) < (*a.0 - date) {
                b
            } else {
                a
            }
        }
        (Some(b), None) => b,
        (None, Some(a)) => a,
        (None, None) => return None,
    };
    Some(nearest.1.as_str())
}

fn is_weekday(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// `d + n` days.
///
/// # Panics
/// When the result is outside the range of [`NaiveDate`].
fn plus(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n))
        .expect("日期超出可表示范围")
}

impl WorkCalendar {
    /// Builds a calendar from special days. When a date occurs more than once,
    /// the last occurrence wins.
    pub fn new(days: impl IntoIterator<Item = CalendarDay>) -> Self {
        let special = days.into_iter().map(|d| (d.date, d)).collect();
        WorkCalendar { special }
    }

    /// The special days of the embedded official calendar
    /// ([`OFFICIAL_TOML`]), one entry per date, sorted by date.
    ///
    /// Use `WorkCalendar::new(WorkCalendar::official())` for a ready calendar.
    pub fn official() -> Vec<CalendarDay> {
        parse_official_toml(OFFICIAL_TOML).expect("内置工作日历格式有误")
    }

    /// The year whose statutory days are missing while time limits counted
    /// from `today` may reach into it: this year when it has no entry at
    /// all, next year from October on (a limit of 60 workdays reaches three
    /// months ahead). Without its holidays a year counts every weekday as a
    /// workday, so deadlines in it come out too early.
    pub fn missing_year(&self, today: NaiveDate) -> Option<i32> {
        let has = |y: i32| self.special.keys().any(|d| d.year() == y);
        let y = today.year();
        if !has(y) {
            Some(y)
        } else if today.month() >= 10 && !has(y + 1) {
            Some(y + 1)
        } else {
            None
        }
    }

    /// The special day recorded for `d`, if any.
    pub fn day(&self, d: NaiveDate) -> Option<&CalendarDay> {
        self.special.get(&d)
    }

    /// All special days, sorted by date.
    pub fn days(&self) -> impl Iterator<Item = &CalendarDay> {
        self.special.values()
    }

    /// Whether `d` is a working day: an adjusted working day is, a holiday is
    /// not, and otherwise Monday to Friday are.
    pub fn is_workday(&self, d: NaiveDate) -> bool {
        match self.special.get(&d).map(|day| day.kind) {
            Some(DayKind::Workday) => true,
            Some(DayKind::Holiday) => false,
            None => is_weekday(d),
        }
    }

    /// The date that is `days` working days after `from`.
    ///
    /// Counting starts on the first working day after `from` (`from` itself
    /// never counts), so `days == 1` gives the next working day and
    /// `days == 0` returns `from` unchanged.
    ///
    /// # Panics
    /// When the result is outside the range of [`NaiveDate`].
    pub fn add_workdays(&self, from: NaiveDate, days: u32) -> NaiveDate {
        let mut cur = from;
        let mut left = u64::from(days);
        while left > 0 {
            // Any 7 consecutive days without special days hold exactly 5
            // working days, so skip whole weeks while that is safe. Keep at
            // least one working day to find by stepping, so that the result
            // lands on a working day.
            let next_special = self
                .special
                .range((Bound::Excluded(cur), Bound::Unbounded))
                .next();
            let gap_weeks = match next_special {
                Some((&next, _)) => u64::try_from((next - cur).num_days() - 1).unwrap_or(0) / 7,
                None => u64::MAX,
            };
            let weeks = gap_weeks.min((left - 1) / 5);
            if weeks > 0 {
                cur = plus(cur, weeks * 7);
                left -= weeks * 5;
            } else {
                cur = plus(cur, 1);
                if self.is_workday(cur) {
                    left -= 1;
                }
            }
        }
        cur
    }

    /// The number of working days `d` with `from < d <= to`.
    ///
    /// Negative when `to < from`: `workdays_between(a, b) ==
    /// -workdays_between(b, a)`.
    pub fn workdays_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.workdays_between(to, from);
        }
        let span = (to - from).num_days();
        let full_weeks = span / 7;
        let rest = u64::try_from(span % 7).unwrap_or(0);
        let start = plus(from, u64::try_from(full_weeks * 7).unwrap_or(0));
        let tail = (1..=rest).filter(|&i| is_weekday(plus(start, i))).count();
        let plain = full_weeks * 5 + i64::try_from(tail).unwrap_or(0);

        let adjustment: i64 = self
            .special
            .range((Bound::Excluded(from), Bound::Included(to)))
            .map(|(&date, day)| match (day.kind, is_weekday(date)) {
                (DayKind::Holiday, true) => -1,
                (DayKind::Workday, false) => 1,
                _ => 0,
            })
            .sum();
        plain + adjustment
    }

    /// `d` itself if it is a working day, otherwise the next working day.
    pub fn next_workday_on_or_after(&self, d: NaiveDate) -> NaiveDate {
        let mut cur = d;
        while !self.is_workday(cur) {
            cur = plus(cur, 1);
        }
        cur
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn official() -> WorkCalendar {
        WorkCalendar::new(WorkCalendar::official())
    }

    #[test]
    fn embedded_calendar_parses() {
        let days = WorkCalendar::official();
        assert!(days.windows(2).all(|w| w[0].date < w[1].date));
        let cal = official();
        assert_eq!(cal.day(date("2026-02-15")).unwrap().name, "春节");
        assert_eq!(cal.day(date("2026-02-23")).unwrap().name, "春节");
        assert_eq!(cal.day(date("2025-10-05")).unwrap().name, "国庆节、中秋节");
        // 2026 National Day: 7 holiday dates.
        let national = days
            .iter()
            .filter(|d| d.kind == DayKind::Holiday && d.name == "国庆节")
            .count();
        assert_eq!(national, 7);
        // 11 adjusted working days over 2025 and 2026.
        let workdays = days.iter().filter(|d| d.kind == DayKind::Workday).count();
        assert_eq!(workdays, 11);
    }

    #[test]
    fn adjusted_workdays_are_named_after_nearest_holiday() {
        let cal = official();
        let name = |s: &str| cal.day(date(s)).unwrap().name.clone();
        assert_eq!(name("2026-01-04"), "元旦调休上班");
        assert_eq!(name("2026-02-14"), "春节调休上班");
        assert_eq!(name("2026-02-28"), "春节调休上班");
        assert_eq!(name("2026-05-09"), "劳动节调休上班");
        assert_eq!(name("2026-10-10"), "国庆节调休上班");
        assert_eq!(name("2025-01-26"), "春节调休上班");
        assert_eq!(name("2025-04-27"), "劳动节调休上班");
        assert_eq!(name("2025-09-28"), "国庆节、中秋节调休上班");
        assert_eq!(cal.day(date("2026-10-10")).unwrap().kind, DayKind::Workday);
    }

    #[test]
    fn workday_without_holidays_has_generic_name() {
        let days =
            parse_official_toml("[[year]]\nyear = 2030\nworkdays = [\"2030-01-05\"]\n").unwrap();
        assert_eq!(days.len(), 1);
        assert_eq!(days[0].name, "调休上班");
    }

    #[test]
    fn malformed_calendars_rejected() {
        assert!(matches!(
            parse_official_toml("[[year]]\nyear = \"x\""),
            Err(CalendarError::Toml(_))
        ));
        let inverted = "[[year]]\nyear = 2030\nholidays = [{ name = \"元旦\", from = \"2030-01-02\", to = \"2030-01-01\" }]";
        assert!(matches!(
            parse_official_toml(inverted),
            Err(CalendarError::InvertedRange { .. })
        ));
        let conflict = "[[year]]\nyear = 2030\nholidays = [{ name = \"元旦\", from = \"2030-01-01\", to = \"2030-01-01\" }]\nworkdays = [\"2030-01-01\"]";
        assert_eq!(
            parse_official_toml(conflict),
            Err(CalendarError::Conflict(date("2030-01-01")))
        );
        assert_eq!(parse_official_toml("").unwrap(), vec![]);
    }

    #[test]
    fn labels() {
        assert_eq!(DayKind::Holiday.label_zh(), "放假");
        assert_eq!(DayKind::Workday.label_zh(), "调休上班");
    }

    #[test]
    fn national_day_2026() {
        let cal = official();
        assert_eq!(cal.add_workdays(date("2026-09-30"), 1), date("2026-10-08"));
        assert_eq!(cal.add_workdays(date("2026-09-30"), 2), date("2026-10-09"));
        assert_eq!(cal.add_workdays(date("2026-10-09"), 1), date("2026-10-10"));
        assert_eq!(cal.add_workdays(date("2026-10-10"), 1), date("2026-10-12"));
        assert!(cal.is_workday(date("2026-10-10")));
        assert!(!cal.is_workday(date("2026-10-01")));
        assert_eq!(
            cal.workdays_between(date("2026-09-30"), date("2026-10-12")),
            4
        );
    }

    #[test]
    fn spring_festival_2026() {
        let cal = official();
        assert!(cal.is_workday(date("2026-02-14")));
        assert_eq!(cal.add_workdays(date("2026-02-13"), 1), date("2026-02-14"));
        assert_eq!(cal.add_workdays(date("2026-02-14"), 1), date("2026-02-24"));
        assert_eq!(
            cal.next_workday_on_or_after(date("2026-02-15")),
            date("2026-02-24")
        );
    }

    #[test]
    fn plain_weeks_and_weekends() {
        let cal = official();
        assert_eq!(cal.add_workdays(date("2026-11-27"), 1), date("2026-11-30"));
        assert_eq!(cal.add_workdays(date("2026-11-28"), 1), date("2026-11-30"));
        assert_eq!(cal.add_workdays(date("2026-11-29"), 1), date("2026-11-30"));
        assert_eq!(cal.add_workdays(date("2026-11-23"), 5), date("2026-11-30"));
        assert_eq!(cal.add_workdays(date("2026-11-27"), 0), date("2026-11-27"));
        assert_eq!(cal.add_workdays(date("2026-11-28"), 0), date("2026-11-28"));
        assert!(!cal.is_workday(date("2026-11-28")));
        assert!(!cal.is_workday(date("2026-11-29")));
        assert_eq!(
            cal.next_workday_on_or_after(date("2026-11-28")),
            date("2026-11-30")
        );
        assert_eq!(
            cal.next_workday_on_or_after(date("2026-11-30")),
            date("2026-11-30")
        );
        assert_eq!(
            cal.workdays_between(date("2026-11-27"), date("2026-11-30")),
            1
        );
        assert_eq!(
            cal.workdays_between(date("2026-11-30"), date("2026-11-27")),
            -1
        );
        assert_eq!(
            cal.workdays_between(date("2026-11-28"), date("2026-11-28")),
            0
        );
    }

    #[test]
    fn whole_year_counts() {
        let (from, to) = (date("2025-12-31"), date("2026-12-31"));
        // 2026 has 261 weekdays; 19 holiday dates fall on weekdays and all 6
        // adjusted working days fall on weekends.
        assert_eq!(WorkCalendar::default().workdays_between(from, to), 261);
        assert_eq!(official().workdays_between(from, to), 261 - 19 + 6);
    }

    #[test]
    fn long_spans_beyond_the_calendar() {
        let cal = official();
        let from = date("2026-12-31");
        let far = cal.add_workdays(from, 1_000_000);
        assert_eq!(cal.workdays_between(from, far), 1_000_000);
        assert!(cal.is_workday(far));
        assert_eq!(
            cal.add_workdays(from, 1_000_000),
            naive_add(&cal, from, 1_000_000)
        );
    }

    /// Reference implementation stepping one day at a time.
    fn naive_add(cal: &WorkCalendar, from: NaiveDate, days: u32) -> NaiveDate {
        let mut cur = from;
        let mut left = days;
        while left > 0 {
            cur = cur.succ_opt().unwrap();
            if cal.is_workday(cur) {
                left -= 1;
            }
        }
        cur
    }

    fn naive_between(cal: &WorkCalendar, from: NaiveDate, to: NaiveDate) -> i64 {
        let count = |a: NaiveDate, b: NaiveDate| {
            let n = a
                .iter_days()
                .skip(1)
                .take_while(|d| *d <= b)
                .filter(|d| cal.is_workday(*d))
                .count();
            i64::try_from(n).unwrap()
        };
        if to < from {
            -count(to, from)
        } else {
            count(from, to)
        }
    }

    /// Dates around the span of the embedded calendar.
    fn any_date() -> impl Strategy<Value = NaiveDate> {
        let start = date("2024-10-01");
        (0u64..(365 * 3)).prop_map(move |n| start + Days::new(n))
    }

    proptest! {
        #[test]
        fn add_workdays_lands_on_workday(from in any_date(), n in 1u32..400) {
            let cal = official();
            prop_assert!(cal.is_workday(cal.add_workdays(from, n)));
        }

        #[test]
        fn add_workdays_strictly_increasing(from in any_date(), n in 0u32..400) {
            let cal = official();
            prop_assert!(cal.add_workdays(from, n) < cal.add_workdays(from, n + 1));
        }

        #[test]
        fn between_inverts_add(from in any_date(), n in 0u32..400) {
            let cal = official();
            let to = cal.add_workdays(from, n);
            prop_assert_eq!(cal.workdays_between(from, to), i64::from(n));
            prop_assert_eq!(cal.workdays_between(to, from), -i64::from(n));
        }

        #[test]
        fn fast_paths_match_reference(from in any_date(), n in 0u32..400, to in any_date()) {
            let cal = official();
            prop_assert_eq!(cal.add_workdays(from, n), naive_add(&cal, from, n));
            prop_assert_eq!(cal.workdays_between(from, to), naive_between(&cal, from, to));
        }

        #[test]
        fn next_workday_is_first_workday(d in any_date()) {
            let cal = official();
            let next = cal.next_workday_on_or_after(d);
            prop_assert!(cal.is_workday(next));
            prop_assert!(d.iter_days().take_while(|x| *x < next).all(|x| !cal.is_workday(x)));
        }
    }

    #[test]
    fn a_year_without_its_holidays_is_named_when_limits_may_reach_it() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let cal = WorkCalendar::new(WorkCalendar::official());
        let last = cal.days().map(|x| x.date.year()).max().unwrap();
        assert_eq!(cal.missing_year(d(last, 6, 1)), None);
        assert_eq!(cal.missing_year(d(last, 9, 30)), None);
        assert_eq!(cal.missing_year(d(last, 10, 1)), Some(last + 1));
        assert_eq!(cal.missing_year(d(last + 1, 2, 1)), Some(last + 1));
        assert_eq!(
            WorkCalendar::new([]).missing_year(d(2026, 3, 1)),
            Some(2026)
        );
    }
}

//! Events and alliances (赛会展演 · 联盟协会), PRODUCT.md A5: the kinds of
//! event and of institution (政产学研金介), the registration cycle with its
//! capacity, approval and waitlist, ticket codes, the schedule (all-day and
//! multi-day) and the registration window, the counting of institutions
//! for reach, and membership periods of alliances and associations.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};

use crate::org::OrgKind;

coded! {
    /// What an event is (赛、会、展、演 and the zone's other formats).
    pub enum EventKind {
        /// Competition (竞赛), e.g. an innovation and entrepreneurship contest.
        Competition = ("competition", "竞赛"),
        /// Conference (会议).
        Conference = ("conference", "会议"),
        /// Exhibition or fair (展会).
        Exhibition = ("exhibition", "展会"),
        /// Performance (演出).
        Performance = ("performance", "演出"),
        /// Roadshow of projects to investors (路演).
        Roadshow = ("roadshow", "路演"),
        /// Forum (论坛).
        Forum = ("forum", "论坛"),
        /// Matchmaking session (对接会).
        Matchmaking = ("matchmaking", "对接会"),
    }
}

coded! {
    /// Where an event stands. Drafts are seen by their organisers only.
    pub enum EventStatus {
        Draft = ("draft", "草稿"),
        Published = ("published", "已发布"),
        /// Cancelled, with a reason; final.
        Cancelled = ("cancelled", "已取消"),
    }
}

coded! {
    /// An organiser's part in an event.
    pub enum OrganiserRole {
        /// Lead organiser (主办).
        Lead = ("lead", "主办"),
        /// Co-organiser (协办).
        Co = ("co", "协办"),
    }
}

coded! {
    /// The sector of an institution (政产学研金介).
    pub enum Sector {
        /// Government (政).
        Gov = ("gov", "政府部门"),
        /// Industry (产): enterprises.
        Industry = ("industry", "企业"),
        /// Academia (学): universities.
        Academia = ("academia", "高校"),
        /// Research (研): research institutes.
        Research = ("research", "科研院所"),
        /// Finance (金).
        Finance = ("finance", "金融机构"),
        /// Intermediary services (介).
        Intermediary = ("intermediary", "中介机构"),
    }
}

impl Sector {
    /// The one character of 政产学研金介.
    pub fn short_zh(self) -> &'static str {
        match self {
            Sector::Gov => "政",
            Sector::Industry => "产",
            Sector::Academia => "学",
            Sector::Research => "研",
            Sector::Finance => "金",
            Sector::Intermediary => "介",
        }
    }

    /// The code, the label or the one character (for spreadsheet import).
    pub fn parse_any(s: &str) -> Option<Sector> {
        let s = s.trim();
        Sector::parse(s).or_else(|| Sector::ALL.iter().copied().find(|k| k.short_zh() == s))
    }

    /// The sector an organisation of the register belongs to by its kind;
    /// None for associations and others, whose sector must be chosen.
    pub fn of_org_kind(k: OrgKind) -> Option<Sector> {
        match k {
            OrgKind::Enterprise => Some(Sector::Industry),
            OrgKind::University => Some(Sector::Academia),
            OrgKind::Institute => Some(Sector::Research),
            OrgKind::Government => Some(Sector::Gov),
            OrgKind::Finance => Some(Sector::Finance),
            OrgKind::Intermediary => Some(Sector::Intermediary),
            OrgKind::Association | OrgKind::Other => None,
        }
    }
}

coded! {
    /// Where a registration stands.
    pub enum RegistrationStatus {
        /// Waiting for the organiser's approval (待审核).
        Pending = ("pending", "待审核"),
        /// Has a place (已确认).
        Confirmed = ("confirmed", "已确认"),
        /// On the waitlist: the event was full (候补).
        Waitlisted = ("waitlisted", "候补"),
        /// Refused by the organiser (未通过).
        Rejected = ("rejected", "未通过"),
        /// Withdrawn by the registrant or the organiser (已取消).
        Cancelled = ("cancelled", "已取消"),
    }
}

impl RegistrationStatus {
    /// Still in play: pending, confirmed or waitlisted (one per phone per event).
    pub fn is_active(self) -> bool {
        matches!(
            self,
            RegistrationStatus::Pending
                | RegistrationStatus::Confirmed
                | RegistrationStatus::Waitlisted
        )
    }
}

coded! {
    /// What came out of an event.
    pub enum OutcomeKind {
        /// Projects signed (签约项目).
        ProjectsSigned = ("projects_signed", "签约项目"),
        /// Cases (诉求) raised by participants.
        CasesRaised = ("cases_raised", "收集诉求"),
        /// Matchmaking leads created (对接线索).
        LeadsCreated = ("leads_created", "对接线索"),
        Other = ("other", "其他成效"),
    }
}

coded! {
    /// An alliance (联盟) or an association (协会).
    pub enum AllianceKind {
        Alliance = ("alliance", "联盟"),
        Association = ("association", "协会"),
    }
}

/// A rule broken by one input field: the field's name and what to do, in Chinese.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

fn field_error(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// "2026年5月1日".
pub fn date_zh(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

// ---------------------------------------------------------------------------
// Schedule and registration window
// ---------------------------------------------------------------------------

/// When an event takes place: from `starts_on` to `ends_on` (the same day
/// for a one-day event), optionally from `start_time` on the first day to
/// `end_time` on the last. Without times it is all-day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub start_time: Option<NaiveTime>,
    pub end_time: Option<NaiveTime>,
}

impl Schedule {
    /// The end is not before the start; an end time needs a start time; on a
    /// one-day event the end time is after the start time.
    pub fn check(&self) -> Result<(), FieldError> {
        if self.ends_on < self.starts_on {
            return Err(field_error(
                "ends_on",
                "结束日期不能早于开始日期，请修改结束日期",
            ));
        }
        match (self.start_time, self.end_time) {
            (None, Some(_)) => Err(field_error(
                "start_time",
                "填写了结束时间，请同时填写开始时间（全天活动请两项都不填）",
            )),
            (Some(s), Some(e)) if self.starts_on == self.ends_on && e <= s => Err(field_error(
                "end_time",
                "当天结束的活动，结束时间须晚于开始时间",
            )),
            _ => Ok(()),
        }
    }

    /// No times: the event lasts whole days.
    pub fn is_all_day(&self) -> bool {
        self.start_time.is_none() && self.end_time.is_none()
    }

    /// Spans more than one day.
    pub fn is_multi_day(&self) -> bool {
        self.ends_on > self.starts_on
    }

    /// Days from the first to the last, both counted.
    pub fn days(&self) -> i64 {
        (self.ends_on - self.starts_on).num_days() + 1
    }

    /// The moment (local time) the event is over: the end time on the last
    /// day, or the following midnight when it has none.
    pub fn end_moment(&self) -> NaiveDateTime {
        match self.end_time {
            Some(t) => self.ends_on.and_time(t),
            None => (self.ends_on + chrono::Duration::days(1)).and_time(NaiveTime::MIN),
        }
    }

    /// Whether the event is over at local time `now`.
    pub fn ended_by(&self, now: NaiveDateTime) -> bool {
        now >= self.end_moment()
    }

    /// Whether the event's first day has come (check-in and walk-ins open).
    pub fn started_by(&self, today: NaiveDate) -> bool {
        today >= self.starts_on
    }
}

/// Where the registration window stands on a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowState {
    NotYetOpen,
    Open,
    Closed,
}

/// The registration window: from `opens_on` to `closes_on`, both days
/// included; a missing bound does not limit (registration then closes
/// when the event is over).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Window {
    pub opens_on: Option<NaiveDate>,
    pub closes_on: Option<NaiveDate>,
}

impl Window {
    /// Closes on or after it opens, and not after the event's last day.
    pub fn check(&self, schedule: &Schedule) -> Result<(), FieldError> {
        if let (Some(o), Some(c)) = (self.opens_on, self.closes_on) {
            if c < o {
                return Err(field_error("closes_on", "报名截止日期不能早于报名开始日期"));
            }
        }
        if let Some(c) = self.closes_on {
            if c > schedule.ends_on {
                return Err(field_error("closes_on", "报名截止日期不能晚于活动结束日期"));
            }
        }
        if let Some(o) = self.opens_on {
            if o > schedule.ends_on {
                return Err(field_error("opens_on", "报名开始日期不能晚于活动结束日期"));
            }
        }
        Ok(())
    }

    /// Where the window stands on `today`.
    pub fn state(&self, today: NaiveDate) -> WindowState {
        if self.opens_on.is_some_and(|o| today < o) {
            WindowState::NotYetOpen
        } else if self.closes_on.is_some_and(|c| today > c) {
            WindowState::Closed
        } else {
            WindowState::Open
        }
    }

    /// Whether one may register on `today`, with what to tell them if not.
    pub fn admits(&self, today: NaiveDate) -> Result<(), String> {
        match self.state(today) {
            WindowState::Open => Ok(()),
            WindowState::NotYetOpen => Err(format!(
                "报名尚未开始，请于{}起报名",
                date_zh(self.opens_on.unwrap_or(today))
            )),
            WindowState::Closed => Err(format!(
                "报名已于{}截止",
                date_zh(self.closes_on.unwrap_or(today))
            )),
        }
    }
}

// ---------------------------------------------------------------------------
// Registration cycle
// ---------------------------------------------------------------------------

/// Whether a place is free: no capacity means no limit.
pub fn has_room(capacity: Option<u32>, confirmed: u64) -> bool {
    capacity.is_none_or(|c| confirmed < u64::from(c))
}

/// The status of a new registration: pending when the organiser approves
/// registrations; otherwise confirmed while there is room, else waitlisted.
pub fn on_register(
    needs_approval: bool,
    capacity: Option<u32>,
    confirmed: u64,
) -> RegistrationStatus {
    if needs_approval {
        RegistrationStatus::Pending
    } else if has_room(capacity, confirmed) {
        RegistrationStatus::Confirmed
    } else {
        RegistrationStatus::Waitlisted
    }
}

/// The organiser approves a pending registration: confirmed while there is
/// room, else waitlisted (the waitlist holds approved registrations only).
pub fn on_approve(
    s: RegistrationStatus,
    capacity: Option<u32>,
    confirmed: u64,
) -> Result<RegistrationStatus, &'static str> {
    match s {
        RegistrationStatus::Pending if has_room(capacity, confirmed) => {
            Ok(RegistrationStatus::Confirmed)
        }
        RegistrationStatus::Pending => Ok(RegistrationStatus::Waitlisted),
        _ => Err("只有待审核的报名可以审核通过"),
    }
}

/// The organiser refuses a pending or waitlisted registration.
pub fn on_reject(s: RegistrationStatus) -> Result<RegistrationStatus, &'static str> {
    match s {
        RegistrationStatus::Pending | RegistrationStatus::Waitlisted => {
            Ok(RegistrationStatus::Rejected)
        }
        RegistrationStatus::Confirmed => {
            Err("报名已确认，不能再审核不通过；如需取消请使用“取消报名”")
        }
        _ => Err("该报名已结束（未通过或已取消），不能再审核"),
    }
}

/// An active registration is withdrawn.
pub fn on_cancel(s: RegistrationStatus) -> Result<RegistrationStatus, &'static str> {
    if s.is_active() {
        Ok(RegistrationStatus::Cancelled)
    } else {
        Err("该报名已结束（未通过或已取消），无需再取消")
    }
}

/// How many waitlisted registrations move up (earliest first) when
/// `confirmed` hold places: as many as there is room for.
pub fn promotions(capacity: Option<u32>, confirmed: u64, waitlisted: usize) -> usize {
    match capacity {
        None => waitlisted,
        Some(c) => {
            let room = u64::from(c).saturating_sub(confirmed);
            waitlisted.min(usize::try_from(room).unwrap_or(usize::MAX))
        }
    }
}

/// A phone number as compared for "one registration per phone": digits
/// (and a leading +) only, so "138 1234-5678" is "13812345678".
pub fn phone_key(s: &str) -> String {
    let s = s.trim();
    let plus = s.starts_with('+');
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if plus {
        format!("+{digits}")
    } else {
        digits
    }
}

// ---------------------------------------------------------------------------
// Ticket codes
// ---------------------------------------------------------------------------

/// Characters of a ticket code: digits and upper-case letters without the
/// ones read as others (0/O, 1/I/L). 31 characters, a prime, so the check
/// character catches any one wrong character and any swap of neighbours.
pub const TICKET_ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// Characters of a ticket code: 7 random ones and a check character.
pub const TICKET_LEN: usize = 8;

/// How many random characters a code has.
pub const TICKET_RANDOM: usize = TICKET_LEN - 1;

fn ticket_value(c: u8) -> Option<u32> {
    TICKET_ALPHABET
        .iter()
        .position(|&a| a == c)
        .and_then(|i| u32::try_from(i).ok())
}

fn ticket_check(values: &[u32]) -> u8 {
    let sum: u32 = values
        .iter()
        .enumerate()
        .map(|(i, v)| v * (i as u32 + 1))
        .sum();
    TICKET_ALPHABET[(sum % 31) as usize]
}

/// A ticket code from random numbers (each taken modulo 31): 7 characters
/// of [`TICKET_ALPHABET`] and the check character.
pub fn ticket_code(random: [u32; TICKET_RANDOM]) -> String {
    let values: Vec<u32> = random.iter().map(|r| r % 31).collect();
    let mut code: Vec<u8> = values
        .iter()
        .map(|&v| TICKET_ALPHABET[v as usize])
        .collect();
    code.push(ticket_check(&values));
    String::from_utf8(code).unwrap_or_default()
}

/// Why a typed ticket code is not one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TicketError {
    #[error("票码应为8位，当前为{0}位，请核对后重新输入")]
    Length(usize),
    #[error(
        "票码第{position}位“{ch}”无效：票码只含数字2—9和大写字母（不含I、L、O），请核对后重新输入"
    )]
    Charset { position: usize, ch: char },
    #[error("票码校验位不符，可能有字符输错，请核对后重新输入")]
    Check,
}

/// A typed or scanned ticket code, normalised (spaces and hyphens dropped,
/// upper-cased) and checked.
pub fn parse_ticket(s: &str) -> Result<String, TicketError> {
    let chars: Vec<char> = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if chars.len() != TICKET_LEN {
        return Err(TicketError::Length(chars.len()));
    }
    let mut values = Vec::with_capacity(TICKET_LEN);
    for (i, &ch) in chars.iter().enumerate() {
        let v = u8::try_from(ch)
            .ok()
            .and_then(ticket_value)
            .ok_or(TicketError::Charset {
                position: i + 1,
                ch,
            })?;
        values.push(v);
    }
    let code: String = chars.iter().collect();
    if ticket_check(&values[..TICKET_RANDOM]) != code.as_bytes()[TICKET_RANDOM] {
        return Err(TicketError::Check);
    }
    Ok(code)
}

// ---------------------------------------------------------------------------
// Reach
// ---------------------------------------------------------------------------

/// One attendance (a checked-in registration) as reach counts it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attendance<'a> {
    /// The event's series, or the event itself when it belongs to none.
    pub series: &'a str,
    /// The year of the event's first day.
    pub year: i32,
    /// The institution: its credit code, or the register id without one.
    pub institution: &'a str,
}

/// Which attendances count an institution: an institution counts once per
/// series and year, at its first attendance in `rows` (give them in the
/// order of the events, then of check-in).
pub fn counted_institutions(rows: &[Attendance<'_>]) -> Vec<bool> {
    let mut seen: HashSet<(&str, i32, &str)> = HashSet::new();
    rows.iter()
        .map(|r| seen.insert((r.series, r.year, r.institution)))
        .collect()
}

// ---------------------------------------------------------------------------
// Alliance membership
// ---------------------------------------------------------------------------

/// A membership period: member from `joined_on`, no longer from `left_on`
/// (None: still a member).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Membership {
    pub joined_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
}

impl Membership {
    /// Leaves after joining.
    pub fn check(&self) -> Result<(), FieldError> {
        match self.left_on {
            Some(l) if l <= self.joined_on => Err(field_error("left_on", "退出日期须晚于加入日期")),
            _ => Ok(()),
        }
    }

    /// A member on `on`.
    pub fn member_on(&self, on: NaiveDate) -> bool {
        self.joined_on <= on && self.left_on.is_none_or(|l| on < l)
    }

    /// The two periods share a day.
    pub fn overlaps(&self, other: &Membership) -> bool {
        let a_before_b_ends = other.left_on.is_none_or(|l| self.joined_on < l);
        let b_before_a_ends = self.left_on.is_none_or(|l| other.joined_on < l);
        a_before_b_ends && b_before_a_ends
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }
    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }

    #[test]
    fn codes_and_labels_parse() {
        assert_eq!(EventKind::parse("路演"), Some(EventKind::Roadshow));
        assert_eq!(
            EventKind::parse(" matchmaking "),
            Some(EventKind::Matchmaking)
        );
        assert_eq!(EventKind::parse("座谈会"), None);
        assert_eq!(EventKind::ALL.len(), 7);
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.as_str()), Some(*k));
            assert_eq!(EventKind::parse(k.label_zh()), Some(*k));
        }
        assert_eq!(Sector::parse_any("研"), Some(Sector::Research));
        assert_eq!(
            Sector::parse_any("intermediary"),
            Some(Sector::Intermediary)
        );
        assert_eq!(
            Sector::ALL.iter().map(|s| s.short_zh()).collect::<String>(),
            "政产学研金介"
        );
        assert_eq!(
            Sector::of_org_kind(OrgKind::University),
            Some(Sector::Academia)
        );
        assert_eq!(Sector::of_org_kind(OrgKind::Association), None);
        assert_eq!(OutcomeKind::ProjectsSigned.as_str(), "projects_signed");
        assert_eq!(RegistrationStatus::Waitlisted.to_string(), "候补");
    }

    #[test]
    fn schedules() {
        let one_day = Schedule {
            starts_on: d("2026-05-20"),
            ends_on: d("2026-05-20"),
            start_time: Some(t("09:00")),
            end_time: Some(t("17:30")),
        };
        assert!(one_day.check().is_ok());
        assert!(!one_day.is_all_day());
        assert!(!one_day.ended_by(d("2026-05-20").and_time(t("17:29"))));
        assert!(one_day.ended_by(d("2026-05-20").and_time(t("17:30"))));
        let backwards = Schedule {
            end_time: Some(t("08:00")),
            ..one_day
        };
        assert_eq!(backwards.check().unwrap_err().field, "end_time");
        let multi = Schedule {
            starts_on: d("2026-05-20"),
            ends_on: d("2026-05-22"),
            start_time: Some(t("14:00")),
            end_time: Some(t("12:00")),
        };
        assert!(multi.check().is_ok());
        assert!(multi.is_multi_day());
        assert_eq!(multi.days(), 3);
        let all_day = Schedule {
            start_time: None,
            end_time: None,
            ..multi
        };
        assert!(all_day.is_all_day());
        assert!(!all_day.ended_by(d("2026-05-22").and_time(t("23:59"))));
        assert!(all_day.ended_by(d("2026-05-23").and_time(NaiveTime::MIN)));
        assert!(all_day.started_by(d("2026-05-20")));
        assert!(!all_day.started_by(d("2026-05-19")));
        let end_only = Schedule {
            start_time: None,
            ..one_day
        };
        assert_eq!(end_only.check().unwrap_err().field, "start_time");
        let reversed = Schedule {
            starts_on: d("2026-05-22"),
            ends_on: d("2026-05-20"),
            start_time: None,
            end_time: None,
        };
        assert_eq!(reversed.check().unwrap_err().field, "ends_on");
    }

    #[test]
    fn registration_windows() {
        let s = Schedule {
            starts_on: d("2026-05-20"),
            ends_on: d("2026-05-21"),
            start_time: None,
            end_time: None,
        };
        let w = Window {
            opens_on: Some(d("2026-05-01")),
            closes_on: Some(d("2026-05-18")),
        };
        assert!(w.check(&s).is_ok());
        assert_eq!(w.state(d("2026-04-30")), WindowState::NotYetOpen);
        assert_eq!(w.state(d("2026-05-01")), WindowState::Open);
        assert_eq!(w.state(d("2026-05-18")), WindowState::Open);
        assert_eq!(w.state(d("2026-05-19")), WindowState::Closed);
        assert!(w
            .admits(d("2026-04-30"))
            .unwrap_err()
            .contains("2026年5月1日"));
        assert!(w.admits(d("2026-05-19")).unwrap_err().contains("截止"));
        assert_eq!(Window::default().state(d("2030-01-01")), WindowState::Open);
        let late = Window {
            opens_on: None,
            closes_on: Some(d("2026-05-22")),
        };
        assert_eq!(late.check(&s).unwrap_err().field, "closes_on");
        let crossed = Window {
            opens_on: Some(d("2026-05-10")),
            closes_on: Some(d("2026-05-09")),
        };
        assert_eq!(crossed.check(&s).unwrap_err().field, "closes_on");
    }

    #[test]
    fn the_registration_cycle() {
        use RegistrationStatus::*;
        assert_eq!(on_register(false, None, 10_000), Confirmed);
        assert_eq!(on_register(false, Some(2), 1), Confirmed);
        assert_eq!(on_register(false, Some(2), 2), Waitlisted);
        assert_eq!(on_register(true, Some(2), 2), Pending);
        assert_eq!(on_approve(Pending, Some(2), 1), Ok(Confirmed));
        assert_eq!(on_approve(Pending, Some(2), 2), Ok(Waitlisted));
        assert!(on_approve(Confirmed, Some(2), 0).is_err());
        assert_eq!(on_reject(Waitlisted), Ok(Rejected));
        assert!(on_reject(Confirmed).is_err());
        assert_eq!(on_cancel(Confirmed), Ok(Cancelled));
        assert!(on_cancel(Rejected).is_err());
        assert_eq!(promotions(Some(3), 2, 5), 1);
        assert_eq!(promotions(Some(3), 4, 5), 0);
        assert_eq!(promotions(None, 4, 5), 5);
        assert!(Pending.is_active() && Waitlisted.is_active());
        assert!(!Cancelled.is_active());
        assert_eq!(phone_key(" 138 1234-5678 "), "13812345678");
        assert_eq!(phone_key("+86 138"), "+86138");
    }

    #[test]
    fn ticket_codes() {
        let code = ticket_code([0, 1, 2, 3, 4, 5, 6]);
        assert_eq!(code.len(), 8);
        assert_eq!(&code[..7], "2345678");
        assert_eq!(parse_ticket(&code), Ok(code.clone()));
        assert_eq!(
            parse_ticket(&format!(" {}-{} ", &code[..4], &code[4..]).to_lowercase()),
            Ok(code.clone())
        );
        assert_eq!(parse_ticket("ABC"), Err(TicketError::Length(3)));
        assert!(matches!(
            parse_ticket("2345678O"),
            Err(TicketError::Charset {
                position: 8,
                ch: 'O'
            })
        ));
        // Every character of the alphabet is unambiguous.
        for c in b"01ILO" {
            assert!(!TICKET_ALPHABET.contains(c));
        }
    }

    #[test]
    fn institutions_count_once_per_series_and_year() {
        let a = |series, year, institution| Attendance {
            series,
            year,
            institution,
        };
        let rows = [
            a("两城汇", 2026, "A"),
            a("两城汇", 2026, "A"),
            a("两城汇", 2026, "B"),
            a("两城汇", 2027, "A"),
            a("event-9", 2026, "A"),
        ];
        assert_eq!(
            counted_institutions(&rows),
            vec![true, false, true, true, true]
        );
    }

    #[test]
    fn membership_periods() {
        let m = Membership {
            joined_on: d("2025-03-01"),
            left_on: Some(d("2026-01-01")),
        };
        assert!(m.check().is_ok());
        assert!(m.member_on(d("2025-03-01")));
        assert!(m.member_on(d("2025-12-31")));
        assert!(!m.member_on(d("2026-01-01")));
        assert!(!m.member_on(d("2025-02-28")));
        let again = Membership {
            joined_on: d("2026-01-01"),
            left_on: None,
        };
        assert!(!m.overlaps(&again) && !again.overlaps(&m));
        let early = Membership {
            joined_on: d("2025-12-31"),
            left_on: None,
        };
        assert!(m.overlaps(&early) && early.overlaps(&m));
        let bad = Membership {
            joined_on: d("2025-03-01"),
            left_on: Some(d("2025-03-01")),
        };
        assert_eq!(bad.check().unwrap_err().field, "left_on");
    }

    proptest! {
        #[test]
        fn every_code_made_is_valid(r in proptest::array::uniform7(0u32..10_000)) {
            let code = ticket_code(r);
            prop_assert_eq!(parse_ticket(&code), Ok(code.clone()));
        }

        #[test]
        fn one_wrong_character_is_caught(
            r in proptest::array::uniform7(0u32..31),
            pos in 0usize..8,
            shift in 1usize..31,
        ) {
            let code = ticket_code(r).into_bytes();
            let mut typo = code.clone();
            let i = TICKET_ALPHABET.iter().position(|&a| a == code[pos]).unwrap();
            typo[pos] = TICKET_ALPHABET[(i + shift) % 31];
            prop_assert!(parse_ticket(std::str::from_utf8(&typo).unwrap()).is_err());
        }

        #[test]
        fn swapped_neighbours_are_caught(r in proptest::array::uniform7(0u32..31), pos in 0usize..7) {
            let code = ticket_code(r).into_bytes();
            prop_assume!(code[pos] != code[pos + 1]);
            let mut typo = code.clone();
            typo.swap(pos, pos + 1);
            prop_assert!(parse_ticket(std::str::from_utf8(&typo).unwrap()).is_err());
        }

        #[test]
        fn waitlisting_never_overbooks(cap in 1u32..50, confirmed in 0u64..60, waiting in 0usize..60) {
            let n = promotions(Some(cap), confirmed, waiting) as u64;
            prop_assert!(n == 0 || confirmed + n <= u64::from(cap));
            prop_assert!(n as usize <= waiting);
        }
    }
}

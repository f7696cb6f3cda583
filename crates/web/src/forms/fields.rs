//! Field helpers shared by the drafts: each pushes a Chinese message for
//! its field onto the error list and returns a value to carry on with, so a
//! draft reports every problem at once.

use chrono::NaiveDate;
use kechuang_domain::ErrorCode;

use super::{parse_date, too_long, FieldErrors};

/// A validated value, or the error code with every field's message.
pub(crate) type Checked<T> = Result<T, (ErrorCode, FieldErrors)>;

pub(crate) fn done<T>(e: FieldErrors, v: impl FnOnce() -> T) -> Checked<T> {
    if e.is_empty() {
        Ok(v())
    } else {
        Err((ErrorCode::InvalidInput, e))
    }
}

pub(crate) fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

pub(crate) fn required(
    e: &mut FieldErrors,
    field: &'static str,
    label: &str,
    v: &str,
    max: usize,
) -> String {
    let v = v.trim();
    if v.is_empty() {
        e.push((field, format!("请填写{label}")));
    }
    too_long(e, field, label, v, max);
    v.to_string()
}

/// A contact telephone (optional): 7–20 characters of digits, `-`, `+` or
/// spaces — a mobile, or a landline with its area code.
pub(crate) fn phone(e: &mut FieldErrors, field: &'static str, v: &str) -> String {
    let v = v.trim();
    let ok = (7..=20).contains(&v.len())
        && v.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | ' '));
    if !v.is_empty() && !ok {
        e.push((
            field,
            "联系电话应为7—20位数字（可含“-”），例如 13800138000".into(),
        ));
    }
    v.to_string()
}

pub(crate) fn date(e: &mut FieldErrors, field: &'static str, label: &str, v: &str) -> NaiveDate {
    match parse_date(v) {
        Some(d) => d,
        None => {
            e.push((field, format!("{label}请填写日期，如 2026-03-01")));
            NaiveDate::default()
        }
    }
}

/// An optional date: empty is None.
pub(crate) fn opt_date(
    e: &mut FieldErrors,
    field: &'static str,
    label: &str,
    v: &str,
) -> Option<NaiveDate> {
    if v.trim().is_empty() {
        None
    } else {
        Some(date(e, field, label, v))
    }
}

/// A date that may be left empty for today, and may not be in the future.
pub(crate) fn date_or_today(
    e: &mut FieldErrors,
    field: &'static str,
    label: &str,
    v: &str,
) -> NaiveDate {
    let today = kechuang_store::clock::today();
    if v.trim().is_empty() {
        return today;
    }
    let d = date(e, field, label, v);
    if d > today {
        e.push((field, format!("{label}不能晚于今天")));
    }
    d
}

pub(crate) fn int(
    e: &mut FieldErrors,
    field: &'static str,
    label: &str,
    v: &str,
    min: i64,
    max: i64,
) -> i64 {
    match v
        .trim()
        .trim_end_matches(['%', '％', '人'])
        .trim()
        .parse::<i64>()
    {
        Ok(x) if (min..=max).contains(&x) => x,
        _ => {
            e.push((field, format!("{label}请填写 {min}～{max} 之间的整数")));
            min
        }
    }
}

//! Amounts of money in renminbi, stored as an integer number of fen (分).
//!
//! No floating point is used anywhere: parsing, formatting and unit
//! conversion (万元, 亿元) are exact integer operations.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Fen per yuan.
const FEN_PER_YUAN: u128 = 100;
/// Fen per 0.01 万元 (1 万元 = 10 000 元 = 1 000 000 分).
const FEN_PER_CENTI_WAN: u128 = 10_000;
/// Fen per 0.01 亿元 (1 亿元 = 100 000 000 元 = 10 000 000 000 分).
const FEN_PER_CENTI_YI: u128 = 100_000_000;

/// An amount of money in fen (分, 0.01 yuan). May be negative.
///
/// Serialises transparently as the integer number of fen.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(i64);

/// Why a string is not a valid amount of yuan.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The input is empty or only whitespace.
    #[error("金额不能为空")]
    Empty,
    /// The input is not a decimal number such as `1234.56` or `1,234.56`.
    #[error("金额“{0}”格式不正确，请填写数字，如 1234.56 或 1,234.56（单位：元）")]
    Invalid(String),
    /// More than two decimal places (finer than one fen).
    #[error("金额“{0}”小数位过多，最多保留两位小数（精确到分）")]
    TooManyDecimals(String),
    /// The amount is beyond ±1 万亿元 ([`Money::MAX_FEN`]).
    #[error("金额“{0}”超出可支持的范围（绝对值不超过 1 万亿元），请核对")]
    Overflow(String),
}

impl Money {
    /// Zero yuan.
    pub const ZERO: Money = Money(0);

    /// The largest amount anyone may enter: 1 万亿元 (10^14 fen). Bounding
    /// every input keeps sums of up to 92,233 such amounts within `i64`, and
    /// the sums themselves are checked ([`total_fen`]).
    pub const MAX_FEN: i64 = 100_000_000_000_000;

    /// An amount of fen given as a number (JSON, Excel), within ±[`Self::MAX_FEN`].
    pub fn bounded_fen(fen: i64) -> Result<Money, MoneyError> {
        if fen.unsigned_abs() > Self::MAX_FEN.unsigned_abs() {
            return Err(MoneyError::Overflow(format!("{fen} 分")));
        }
        Ok(Money(fen))
    }

    /// An amount of `fen` fen.
    pub const fn from_fen(fen: i64) -> Money {
        Money(fen)
    }

    /// The amount in fen.
    pub const fn fen(self) -> i64 {
        self.0
    }

    /// Parses an amount of yuan written in decimal notation.
    ///
    /// Accepts an optional sign, an integer part (optionally grouped in
    /// thousands with commas, e.g. `1,234,567`) and at most two decimal
    /// places: `"1234"`, `"1234.5"`, `"1,234.56"`, `"-12.30"`. Surrounding
    /// whitespace is ignored.
    pub fn parse_yuan(s: &str) -> Result<Money, MoneyError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(MoneyError::Empty);
        }
        let invalid = || MoneyError::Invalid(s.to_owned());

        let (negative, unsigned) = match s.as_bytes()[0] {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let (int_part, frac_part) = match unsigned.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (unsigned, None),
        };

        let digits = integer_digits(int_part).ok_or_else(invalid)?;
        let frac = match frac_part {
            None => "",
            Some(f) if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) => {
                return Err(invalid())
            }
            Some(f) if f.len() > 2 => return Err(MoneyError::TooManyDecimals(s.to_owned())),
            Some(f) => f,
        };

        let overflow = || MoneyError::Overflow(s.to_owned());
        // Accumulate in i128; at most 38 digits fit, so guard the length too.
        let mut fen: i128 = 0;
        for b in digits
            .bytes()
            .chain(frac.bytes().chain("00".bytes()).take(2))
        {
            fen = fen
                .checked_mul(10)
                .and_then(|v| v.checked_add(i128::from(b - b'0')))
                .ok_or_else(overflow)?;
        }
        if negative {
            fen = -fen;
        }
        if fen.unsigned_abs() > Self::MAX_FEN.unsigned_abs() as u128 {
            return Err(overflow());
        }
        i64::try_from(fen).map(Money).map_err(|_| overflow())
    }

    /// Adds two amounts, returning `None` on overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// Subtracts `other`, returning `None` on overflow.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    /// Whether the amount is below zero.
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// The amount in 万元 with two decimals, rounded half away from zero,
    /// without thousands separators: 145 000 000 fen → `"145.00"`.
    pub fn to_wan_yuan_string(self) -> String {
        self.scaled_string(FEN_PER_CENTI_WAN)
    }

    /// The amount in 亿元 with two decimals, rounded half away from zero,
    /// without thousands separators: 12 345 678 900 fen → `"1.23"`.
    pub fn to_yi_yuan_string(self) -> String {
        self.scaled_string(FEN_PER_CENTI_YI)
    }

    /// Formats `self / unit` hundredths with two decimals, rounding half away
    /// from zero. A result that rounds to zero has no minus sign.
    fn scaled_string(self, unit: u128) -> String {
        let abs = u128::from(self.0.unsigned_abs());
        let hundredths = (abs + unit / 2) / unit;
        let sign = if self.0 < 0 && hundredths > 0 {
            "-"
        } else {
            ""
        };
        format!("{sign}{}.{:02}", hundredths / 100, hundredths % 100)
    }
}

/// Validates an integer part (plain digits or comma-grouped thousands) and
/// returns its digits without separators.
fn integer_digits(s: &str) -> Option<String> {
    let all_digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    if !s.contains(',') {
        return all_digits(s).then(|| s.to_owned());
    }
    let mut groups = s.split(',');
    let first = groups.next()?;
    if !all_digits(first) || first.len() > 3 {
        return None;
    }
    let mut digits = first.to_owned();
    for group in groups {
        if group.len() != 3 || !all_digits(group) {
            return None;
        }
        digits.push_str(group);
    }
    Some(digits)
}

/// Formats as yuan with thousands separators and two decimals:
/// `1,234.56`, `-0.05`, `0.00`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let abs = u128::from(self.0.unsigned_abs());
        let yuan = (abs / FEN_PER_YUAN).to_string();
        let fen = abs % FEN_PER_YUAN;

        // Groups of three digits from the right; `yuan` is ASCII digits only.
        let mut groups: Vec<&str> = yuan
            .as_bytes()
            .rchunks(3)
            .map(|g| std::str::from_utf8(g).expect("ASCII digits"))
            .collect();
        groups.reverse();
        let grouped = groups.join(",");
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}{grouped}.{fen:02}")
    }
}

impl std::str::FromStr for Money {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse_yuan(s)
    }
}

/// The total of amounts in fen, or `None` when it would not fit in `i64`
/// (never a wrapped, silently wrong total).
pub fn total_fen<I: IntoIterator<Item = i64>>(amounts: I) -> Option<i64> {
    amounts.into_iter().try_fold(0i64, i64::checked_add)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn yuan(s: &str) -> i64 {
        Money::parse_yuan(s).unwrap().fen()
    }

    #[test]
    fn parses_valid_amounts() {
        assert_eq!(yuan("1234"), 123_400);
        assert_eq!(yuan("1234.5"), 123_450);
        assert_eq!(yuan("1,234.56"), 123_456);
        assert_eq!(yuan("-12.30"), -1_230);
        assert_eq!(yuan("+7"), 700);
        assert_eq!(yuan(" 0.01 "), 1);
        assert_eq!(yuan("-0"), 0);
        assert_eq!(yuan("1,234,567,890.00"), 123_456_789_000);
        assert_eq!(yuan("0001"), 100);
        assert_eq!(yuan("1,000,000,000,000"), Money::MAX_FEN);
        assert_eq!(yuan("-1000000000000.00"), -Money::MAX_FEN);
    }

    #[test]
    fn amounts_beyond_one_trillion_yuan_are_refused() {
        for s in [
            "1000000000000.01",
            "92233720368547758.07",
            "-92,233,720,368,547,758.08",
        ] {
            assert!(
                matches!(Money::parse_yuan(s), Err(MoneyError::Overflow(_))),
                "{s}"
            );
        }
        assert!(Money::bounded_fen(i64::MAX).is_err());
        assert!(Money::bounded_fen(i64::MIN).is_err());
        assert_eq!(
            Money::bounded_fen(-Money::MAX_FEN),
            Ok(Money(-Money::MAX_FEN))
        );
    }

    #[test]
    fn totals_are_checked() {
        assert_eq!(total_fen([i64::MAX, 1]), None);
        assert_eq!(
            total_fen([Money::MAX_FEN, Money::MAX_FEN, -5]),
            Some(2 * Money::MAX_FEN - 5)
        );
        assert_eq!(total_fen(std::iter::empty()), Some(0));
    }

    #[test]
    fn rejects_invalid_amounts() {
        for s in [
            "abc",
            "1.2.3",
            "12a",
            "-",
            ".5",
            "5.",
            "1,23",
            "12,3456",
            ",123",
            "1234,567",
            "1 234",
            "--1",
            "1e3",
            "NaN",
            "１２",
            "1,234.5,6",
        ] {
            assert_eq!(
                Money::parse_yuan(s),
                Err(MoneyError::Invalid(s.to_owned())),
                "{s}"
            );
        }
        assert_eq!(Money::parse_yuan("  "), Err(MoneyError::Empty));
        assert_eq!(
            Money::parse_yuan("1.234"),
            Err(MoneyError::TooManyDecimals("1.234".to_owned()))
        );
        assert!(matches!(
            Money::parse_yuan("92233720368547758.08"),
            Err(MoneyError::Overflow(_))
        ));
        assert!(matches!(
            Money::parse_yuan(&"9".repeat(60)),
            Err(MoneyError::Overflow(_))
        ));
        assert_eq!(MoneyError::Empty.to_string(), "金额不能为空");
    }

    #[test]
    fn displays_with_separators() {
        assert_eq!(Money::from_fen(123_456).to_string(), "1,234.56");
        assert_eq!(Money::from_fen(0).to_string(), "0.00");
        assert_eq!(Money::from_fen(5).to_string(), "0.05");
        assert_eq!(Money::from_fen(-5).to_string(), "-0.05");
        assert_eq!(Money::from_fen(100_000).to_string(), "1,000.00");
        assert_eq!(Money::from_fen(99_999).to_string(), "999.99");
        assert_eq!(
            Money::from_fen(-123_456_789_000).to_string(),
            "-1,234,567,890.00"
        );
        assert_eq!(
            Money::from_fen(i64::MIN).to_string(),
            "-92,233,720,368,547,758.08"
        );
    }

    #[test]
    fn wan_and_yi() {
        assert_eq!(Money::from_fen(145_000_000).to_wan_yuan_string(), "145.00");
        assert_eq!(Money::from_fen(1_234_567).to_wan_yuan_string(), "1.23");
        assert_eq!(Money::from_fen(1_235_000).to_wan_yuan_string(), "1.24");
        assert_eq!(Money::from_fen(1_234_999).to_wan_yuan_string(), "1.23");
        assert_eq!(Money::from_fen(-1_235_000).to_wan_yuan_string(), "-1.24");
        assert_eq!(Money::from_fen(-4_999).to_wan_yuan_string(), "0.00");
        assert_eq!(Money::from_fen(5_000).to_wan_yuan_string(), "0.01");
        assert_eq!(Money::from_fen(12_345_678_900).to_yi_yuan_string(), "1.23");
        assert_eq!(
            Money::from_fen(1_050_000_000_000).to_yi_yuan_string(),
            "105.00"
        );
        assert_eq!(Money::from_fen(50_000_000).to_yi_yuan_string(), "0.01");
        assert_eq!(
            Money::from_fen(i64::MIN).to_yi_yuan_string(),
            "-922337203.69"
        );
    }

    #[test]
    fn arithmetic() {
        let a = Money::from_fen(150);
        assert_eq!(
            a.checked_add(Money::from_fen(50)),
            Some(Money::from_fen(200))
        );
        assert_eq!(
            Money::from_fen(i64::MAX).checked_add(Money::from_fen(1)),
            None
        );
        assert_eq!(
            a.checked_sub(Money::from_fen(200)),
            Some(Money::from_fen(-50))
        );
        assert!(Money::from_fen(-1).is_negative());
        assert_eq!(Money::default(), Money::ZERO);
        assert_eq!("1,000".parse::<Money>(), Ok(Money::from_fen(100_000)));
    }

    #[test]
    fn serde_is_transparent() {
        #[derive(Serialize, Deserialize)]
        struct W {
            m: Money,
        }
        let s = toml::to_string(&W {
            m: Money::from_fen(1234),
        })
        .unwrap();
        assert_eq!(s.trim(), "m = 1234");
        assert_eq!(toml::from_str::<W>(&s).unwrap().m, Money::from_fen(1234));
    }

    proptest! {
        #[test]
        fn display_round_trips(fen in -Money::MAX_FEN..=Money::MAX_FEN) {
            let m = Money::from_fen(fen);
            prop_assert_eq!(Money::parse_yuan(&m.to_string()), Ok(m));
            let plain = m.to_string().replace(',', "");
            prop_assert_eq!(Money::parse_yuan(&plain), Ok(m));
        }

        #[test]
        fn wan_string_matches_division(fen in -Money::MAX_FEN..=Money::MAX_FEN) {
            let s = Money::from_fen(fen).to_wan_yuan_string();
            let back = Money::parse_yuan(&s).unwrap().fen();
            // Read as yuan, the 万元 string yields hundredths of 万元 in `back`;
            // one hundredth of 万元 is 10 000 fen.
            let exact = i128::from(fen);
            let approx = i128::from(back) * 10_000;
            prop_assert!((exact - approx).abs() <= 5_000);
        }
    }
}

//! Technology contracts (技术合同登记): the [`ContractKind`]s and turnover by
//! year with growth ([`turnover_by_year`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::org::yoy_growth_permille;

/// Kind of a registered technology contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContractKind {
    /// Technology development (技术开发).
    Development,
    /// Technology transfer (技术转让).
    Transfer,
    /// Technology licence (技术许可).
    Licence,
    /// Technology consulting (技术咨询).
    Consulting,
    /// Technology service (技术服务).
    Service,
}

impl ContractKind {
    /// Every kind, in declaration order.
    pub const ALL: [ContractKind; 5] = [
        ContractKind::Development,
        ContractKind::Transfer,
        ContractKind::Licence,
        ContractKind::Consulting,
        ContractKind::Service,
    ];

    /// Stable snake_case code, as stored in the database and used in serde.
    pub fn as_str(self) -> &'static str {
        match self {
            ContractKind::Development => "development",
            ContractKind::Transfer => "transfer",
            ContractKind::Licence => "licence",
            ContractKind::Consulting => "consulting",
            ContractKind::Service => "service",
        }
    }

    /// Parses a code produced by [`ContractKind::as_str`].
    pub fn parse(s: &str) -> Option<ContractKind> {
        ContractKind::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Chinese label shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            ContractKind::Development => "技术开发",
            ContractKind::Transfer => "技术转让",
            ContractKind::Licence => "技术许可",
            ContractKind::Consulting => "技术咨询",
            ContractKind::Service => "技术服务",
        }
    }

    /// Parses either a code or a Chinese label, ignoring surrounding
    /// whitespace and the case of codes (for spreadsheet import).
    pub fn parse_label(s: &str) -> Option<ContractKind> {
        let s = s.trim();
        ContractKind::ALL
            .into_iter()
            .find(|k| k.label_zh() == s || k.as_str().eq_ignore_ascii_case(s))
    }
}

/// Technology-contract turnover (技术合同成交额) of one year; see
/// [`turnover_by_year`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct YearTurnover {
    /// Calendar year.
    pub year: i32,
    /// Turnover, fen.
    pub fen: i64,
    /// Number of contracts.
    pub count: u64,
    /// Growth against the previous year, per mille; `None` for the first
    /// year or when the previous year had no turnover.
    pub growth_permille: Option<i64>,
    /// Consecutive years of growth ending with this year (0 if this year
    /// did not grow).
    pub growth_streak: u32,
}

/// Turnover by year from `(year, fen)` items, one per contract, ascending by
/// year. Years between the first and the last without a contract appear with
/// zero. Growth against the previous year is
/// [`yoy_growth_permille`](crate::org::yoy_growth_permille); the growth
/// streak counts consecutive years with `growth_permille > 0`. Sums
/// saturate at the bounds of `i64`.
/// `None` when a year's total would not fit in `i64`.
pub fn turnover_by_year(items: &[(i32, i64)]) -> Option<Vec<YearTurnover>> {
    let mut by_year: BTreeMap<i32, (i64, u64)> = BTreeMap::new();
    for &(year, fen) in items {
        let entry = by_year.entry(year).or_default();
        entry.0 = entry.0.checked_add(fen)?;
        entry.1 += 1;
    }
    let (Some(&first), Some(&last)) = (by_year.keys().next(), by_year.keys().next_back()) else {
        return Some(Vec::new());
    };
    let mut out: Vec<YearTurnover> = Vec::new();
    for year in first..=last {
        let (fen, count) = by_year.get(&year).copied().unwrap_or((0, 0));
        let (growth_permille, growth_streak) = match out.last() {
            None => (None, 0),
            Some(prev) => {
                let growth = yoy_growth_permille(fen, prev.fen);
                let streak = if growth.is_some_and(|g| g > 0) {
                    prev.growth_streak + 1
                } else {
                    0
                };
                (growth, streak)
            }
        };
        out.push(YearTurnover {
            year,
            fen,
            count,
            growth_permille,
            growth_streak,
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_kind_codes_and_labels_round_trip() {
        for k in ContractKind::ALL {
            assert_eq!(ContractKind::parse(k.as_str()), Some(k));
            assert_eq!(ContractKind::parse_label(k.label_zh()), Some(k));
            assert_eq!(
                ContractKind::parse_label(&format!(" {} ", k.label_zh())),
                Some(k)
            );
            assert_eq!(
                ContractKind::parse_label(&k.as_str().to_uppercase()),
                Some(k)
            );
        }
        assert_eq!(ContractKind::parse_label("技术"), None);
        assert_eq!(ContractKind::Licence.label_zh(), "技术许可");
    }

    #[test]
    fn turnover_with_gap_year_and_streaks() {
        let items = [
            (2022, 100),
            (2021, 100),
            (2022, 50),
            (2022, 50),
            (2024, 300),
            (2025, 360),
            (2026, 400),
        ];
        let t = turnover_by_year(&items).unwrap();
        let row = |year, fen, count, growth_permille, growth_streak| YearTurnover {
            year,
            fen,
            count,
            growth_permille,
            growth_streak,
        };
        assert_eq!(
            t,
            vec![
                row(2021, 100, 1, None, 0),
                row(2022, 200, 3, Some(1000), 1),
                row(2023, 0, 0, Some(-1000), 0),
                row(2024, 300, 1, None, 0),
                row(2025, 360, 1, Some(200), 1),
                // 400 / 360 − 1 = 11.1 % → 111 ‰.
                row(2026, 400, 1, Some(111), 2),
            ]
        );
        assert_eq!(turnover_by_year(&[]), Some(vec![]));
        assert_eq!(turnover_by_year(&[(2024, i64::MAX), (2024, 1)]), None);
        // Flat growth breaks the streak.
        let flat = turnover_by_year(&[(2020, 10), (2021, 20), (2022, 20), (2023, 30)]).unwrap();
        let streaks: Vec<u32> = flat.iter().map(|y| y.growth_streak).collect();
        assert_eq!(streaks, vec![0, 1, 0, 1]);
    }
}

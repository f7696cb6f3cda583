//! Tiered loans (科企梯度贷): the cultivation [`Ladder`], assessment into a
//! tier ([`assess`]), the equal-principal [`schedule`], allocation of
//! repayments ([`allocate`]) and risk-pool [`compensation`].

use crate::ErrorCode;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{div_half_up, saturate, yuan};

/// The cultivation ladder 科技型中小企业 → 高新技术企业 → 专精特新 →
/// 专精特新“小巨人”.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ladder {
    /// Technology-based SME (科技型中小企业), level 1.
    TechSme,
    /// High-tech enterprise (高新技术企业), level 2.
    HighTech,
    /// Specialised and sophisticated SME (专精特新中小企业), level 3.
    Specialized,
    /// "Little giant" (专精特新“小巨人”), level 4.
    LittleGiant,
}

impl Ladder {
    /// Every rung, from the lowest to the highest.
    pub const ALL: [Ladder; 4] = [
        Ladder::TechSme,
        Ladder::HighTech,
        Ladder::Specialized,
        Ladder::LittleGiant,
    ];

    /// Stable snake_case code, as stored in the database and used in serde.
    pub fn as_str(self) -> &'static str {
        match self {
            Ladder::TechSme => "tech_sme",
            Ladder::HighTech => "high_tech",
            Ladder::Specialized => "specialized",
            Ladder::LittleGiant => "little_giant",
        }
    }

    /// Parses a code produced by [`Ladder::as_str`].
    pub fn parse(s: &str) -> Option<Ladder> {
        Ladder::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Chinese label shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            Ladder::TechSme => "科技型中小企业",
            Ladder::HighTech => "高新技术企业",
            Ladder::Specialized => "专精特新中小企业",
            Ladder::LittleGiant => "专精特新“小巨人”",
        }
    }

    /// Rung on the ladder, 1 (科技型中小企业) to 4 (“小巨人”).
    pub fn level(self) -> u8 {
        match self {
            Ladder::TechSme => 1,
            Ladder::HighTech => 2,
            Ladder::Specialized => 3,
            Ladder::LittleGiant => 4,
        }
    }
}

/// One loan tier: open to firms at or above a ladder level, or with at
/// least a score; see [`assess`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TierRule {
    /// Lowest ladder level admitted, if admission by level applies.
    pub min_level: Option<Ladder>,
    /// Lowest score admitted, if admission by score applies.
    pub min_score: Option<u32>,
    /// Credit limit of the tier, fen.
    pub limit_fen: i64,
}

/// Index of the tier the firm is assessed into.
///
/// A tier is open to the firm when (`min_level` is set and the firm's level
/// is at least it) or (`min_score` is set and `score` is at least it); a
/// tier with neither is never open. Among open tiers the one with the
/// highest `limit_fen` wins, the lower index on ties. `None` when no tier
/// is open.
pub fn assess(tiers: &[TierRule], level: Option<Ladder>, score: u32) -> Option<usize> {
    let mut best: Option<(usize, i64)> = None;
    for (i, tier) in tiers.iter().enumerate() {
        let by_level =
            matches!((tier.min_level, level), (Some(min), Some(l)) if l.level() >= min.level());
        let by_score = tier.min_score.is_some_and(|min| score >= min);
        if !(by_level || by_score) {
            continue;
        }
        if best.is_none_or(|(_, limit)| tier.limit_fen > limit) {
            best = Some((i, tier.limit_fen));
        }
    }
    best.map(|(i, _)| i)
}

/// One installment of a loan schedule; see [`schedule`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Installment {
    /// Number of the installment, from 1.
    pub seq: u32,
    /// Due date.
    pub due_on: NaiveDate,
    /// Principal due, fen.
    pub principal_fen: i64,
    /// Interest due, fen.
    pub interest_fen: i64,
    /// Part of the interest paid by the interest subsidy (贴息), fen; never
    /// more than the interest.
    pub subsidy_fen: i64,
}

/// Why a loan operation is refused.
///
/// [`LoanError::code`] gives a stable code for the HTTP API (422); the
/// [`Display`](std::fmt::Display) text is a Chinese message for users.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoanError {
    /// Non-positive amount, zero term, or a schedule out of range.
    #[error("贷款信息无效：贷款金额须大于零，期限至少1个月，请核对后重新填写")]
    InvalidLoan,
    /// The amount applied for exceeds the tier's limit.
    #[error("申请金额超过可贷额度（{}元），请调低申请金额", yuan(*.limit_fen))]
    OverLimit {
        /// Credit limit, fen.
        limit_fen: i64,
    },
    /// A repayment that is not positive.
    #[error("还款金额须大于零，请核对")]
    InvalidAmount,
    /// A repayment above what is owed.
    #[error("还款金额超过尚欠本息（{}元），请核对还款金额", yuan(*.owed_fen))]
    Overpaid {
        /// Total still owed, fen.
        owed_fen: i64,
    },
}

impl LoanError {
    /// Stable snake_case code used by the HTTP API.
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            LoanError::InvalidLoan => ErrorCode::InvalidLoan,
            LoanError::OverLimit { .. } => ErrorCode::OverLimit,
            LoanError::InvalidAmount => ErrorCode::InvalidAmount,
            LoanError::Overpaid { .. } => ErrorCode::Overpaid,
        }
    }
}

/// Equal-principal (等额本金) monthly schedule.
///
/// `term_months` installments due on `disbursed_on + k` months (`k =
/// 1..=n`, clamped to the end of the month, each counted from the
/// disbursement so 31 January gives 28/29 February, then 31 March). The
/// principal is `amount / n`, with the remainder added to the last
/// installment. Interest is monthly on the balance outstanding before the
/// installment, `round-half-up(outstanding · rate_bps / 120_000)` (the rate
/// in basis points per year); the subsidy likewise with `subsidy_bps`,
/// never more than the interest.
///
/// # Errors
/// [`LoanError::InvalidLoan`] when `amount_fen <= 0`, `term_months == 0`,
/// or the dates or interest are out of range.
pub fn schedule(
    amount_fen: i64,
    rate_bps: u32,
    subsidy_bps: u32,
    term_months: u32,
    disbursed_on: NaiveDate,
) -> Result<Vec<Installment>, LoanError> {
    if amount_fen <= 0 || term_months == 0 {
        return Err(LoanError::InvalidLoan);
    }
    // Check the last due date first, so an absurd term fails before
    // allocating.
    disbursed_on
        .checked_add_months(Months::new(term_months))
        .ok_or(LoanError::InvalidLoan)?;
    let n = i64::from(term_months);
    let base = amount_fen / n;
    let last = base + amount_fen % n;
    let mut outstanding = amount_fen;
    let mut out = Vec::with_capacity(usize::try_from(term_months).unwrap_or(0));
    for seq in 1..=term_months {
        let due_on = disbursed_on
            .checked_add_months(Months::new(seq))
            .ok_or(LoanError::InvalidLoan)?;
        let principal_fen = if seq == term_months { last } else { base };
        let monthly = |bps: u32| {
            i64::try_from(div_half_up(
                i128::from(outstanding) * i128::from(bps),
                120_000,
            ))
            .map_err(|_| LoanError::InvalidLoan)
        };
        let interest_fen = monthly(rate_bps)?;
        let subsidy_fen = monthly(subsidy_bps)?.min(interest_fen);
        out.push(Installment {
            seq,
            due_on,
            principal_fen,
            interest_fen,
            subsidy_fen,
        });
        outstanding -= principal_fen;
    }
    Ok(out)
}

/// What is still owed on one installment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Owed {
    /// Principal still owed, fen.
    pub principal_fen: i64,
    /// Interest still owed, fen.
    pub interest_fen: i64,
}

/// Allocates a repayment of `amount_fen` over the installments' owed
/// amounts in order: earliest installment first, and within an installment
/// interest first, then principal.
///
/// Returns `(principal_paid, interest_paid)` per installment, the same
/// length as `owed`. Negative owed amounts count as zero.
///
/// # Errors
/// [`LoanError::InvalidAmount`] when `amount_fen <= 0`,
/// [`LoanError::Overpaid`] when it exceeds the total owed.
pub fn allocate(owed: &[Owed], amount_fen: i64) -> Result<Vec<(i64, i64)>, LoanError> {
    if amount_fen <= 0 {
        return Err(LoanError::InvalidAmount);
    }
    let total: i128 = owed
        .iter()
        .map(|o| i128::from(o.principal_fen.max(0)) + i128::from(o.interest_fen.max(0)))
        .sum();
    if i128::from(amount_fen) > total {
        return Err(LoanError::Overpaid {
            owed_fen: saturate(total),
        });
    }
    let mut left = amount_fen;
    Ok(owed
        .iter()
        .map(|o| {
            let interest = left.min(o.interest_fen.max(0));
            left -= interest;
            let principal = left.min(o.principal_fen.max(0));
            left -= principal;
            (principal, interest)
        })
        .collect())
}

/// Risk-pool compensation (风险补偿) on a defaulted loan:
/// `round-half-up(outstanding_principal · guarantee_permille / 1000)`.
pub fn compensation(outstanding_principal_fen: i64, guarantee_permille: u32) -> i64 {
    saturate(div_half_up(
        i128::from(outstanding_principal_fen) * i128::from(guarantee_permille),
        1000,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("valid date")
    }

    #[test]
    fn ladder_codes_and_labels_round_trip() {
        for (i, l) in Ladder::ALL.into_iter().enumerate() {
            assert_eq!(Ladder::parse(l.as_str()), Some(l));
            assert_eq!(usize::from(l.level()), i + 1);
        }
        assert_eq!(Ladder::LittleGiant.label_zh(), "专精特新“小巨人”");
    }

    fn tiers() -> Vec<TierRule> {
        vec![
            TierRule {
                min_level: Some(Ladder::TechSme),
                min_score: None,
                limit_fen: 100_000_000,
            },
            TierRule {
                min_level: Some(Ladder::HighTech),
                min_score: Some(80),
                limit_fen: 300_000_000,
            },
            TierRule {
                min_level: Some(Ladder::LittleGiant),
                min_score: None,
                limit_fen: 1_000_000_000,
            },
            TierRule {
                min_level: None,
                min_score: Some(90),
                limit_fen: 500_000_000,
            },
        ]
    }

    #[test]
    fn assessment_picks_highest_open_limit() {
        let t = tiers();
        assert_eq!(assess(&t, Some(Ladder::Specialized), 70), Some(1));
        assert_eq!(assess(&t, Some(Ladder::TechSme), 85), Some(1));
        assert_eq!(assess(&t, Some(Ladder::TechSme), 79), Some(0));
        assert_eq!(assess(&t, None, 95), Some(3));
        assert_eq!(assess(&t, Some(Ladder::HighTech), 90), Some(3));
        assert_eq!(assess(&t, Some(Ladder::LittleGiant), 0), Some(2));
        assert_eq!(assess(&t, None, 10), None);
        assert_eq!(assess(&[], Some(Ladder::LittleGiant), 100), None);
        // A tier with neither condition is never open.
        let never = [TierRule {
            min_level: None,
            min_score: None,
            limit_fen: 1,
        }];
        assert_eq!(assess(&never, Some(Ladder::LittleGiant), 100), None);
        // Ties go to the lower index.
        let tie = [
            TierRule {
                min_level: None,
                min_score: Some(60),
                limit_fen: 5,
            },
            TierRule {
                min_level: Some(Ladder::TechSme),
                min_score: None,
                limit_fen: 5,
            },
        ];
        assert_eq!(assess(&tie, Some(Ladder::TechSme), 60), Some(0));
        assert_eq!(assess(&tie, Some(Ladder::TechSme), 59), Some(1));
    }

    #[test]
    fn equal_principal_schedule() {
        // 100,000 yuan over 3 months at 3.6 % (0.3 % a month), subsidy 1.2 %
        // (0.1 % a month), disbursed on 31 January.
        let s = schedule(10_000_000, 360, 120, 3, date("2026-01-31")).unwrap();
        let inst = |seq, due_on, principal_fen, interest_fen, subsidy_fen| Installment {
            seq,
            due_on: date(due_on),
            principal_fen,
            interest_fen,
            subsidy_fen,
        };
        assert_eq!(
            s,
            vec![
                inst(1, "2026-02-28", 3_333_333, 30_000, 10_000),
                // 6,666,667 × 0.003 = 20,000.001; × 0.001 = 6,666.667.
                inst(2, "2026-03-31", 3_333_333, 20_000, 6_667),
                // 3,333,334 × 0.003 = 10,000.002; × 0.001 = 3,333.334.
                inst(3, "2026-04-30", 3_333_334, 10_000, 3_333),
            ]
        );
        assert_eq!(s.iter().map(|i| i.principal_fen).sum::<i64>(), 10_000_000);
        assert_eq!(s.iter().map(|i| i.interest_fen).sum::<i64>(), 60_000);
        assert_eq!(s.iter().map(|i| i.subsidy_fen).sum::<i64>(), 20_000);
    }

    #[test]
    fn schedule_rounding_and_subsidy_cap() {
        // 100 fen at 600 bps: 100 × 600 / 120,000 = 0.5 → 1. Subsidy above
        // the rate is capped at the interest.
        let s = schedule(100, 600, 900, 1, date("2026-05-15")).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].due_on, date("2026-06-15"));
        assert_eq!(s[0].principal_fen, 100);
        assert_eq!(s[0].interest_fen, 1);
        assert_eq!(s[0].subsidy_fen, 1);
        // Fewer fen than months: the last installment takes it all.
        let s = schedule(2, 0, 0, 3, date("2026-05-15")).unwrap();
        let principal: Vec<i64> = s.iter().map(|i| i.principal_fen).collect();
        assert_eq!(principal, vec![0, 0, 2]);
    }

    #[test]
    fn schedule_errors() {
        let d = date("2026-01-01");
        assert_eq!(schedule(0, 100, 0, 12, d), Err(LoanError::InvalidLoan));
        assert_eq!(schedule(-1, 100, 0, 12, d), Err(LoanError::InvalidLoan));
        assert_eq!(schedule(100, 100, 0, 0, d), Err(LoanError::InvalidLoan));
        assert_eq!(
            schedule(100, 100, 0, u32::MAX, d),
            Err(LoanError::InvalidLoan)
        );
    }

    #[test]
    fn allocation_interest_first_earliest_first() {
        let owed = [
            Owed {
                principal_fen: 1000,
                interest_fen: 50,
            },
            Owed {
                principal_fen: 1000,
                interest_fen: 40,
            },
        ];
        assert_eq!(allocate(&owed, 30), Ok(vec![(0, 30), (0, 0)]));
        assert_eq!(allocate(&owed, 1070), Ok(vec![(1000, 50), (0, 20)]));
        assert_eq!(allocate(&owed, 2090), Ok(vec![(1000, 50), (1000, 40)]));
        assert_eq!(
            allocate(&owed, 2091),
            Err(LoanError::Overpaid { owed_fen: 2090 })
        );
        assert_eq!(allocate(&owed, 0), Err(LoanError::InvalidAmount));
        assert_eq!(allocate(&[], 1), Err(LoanError::Overpaid { owed_fen: 0 }));
    }

    #[test]
    fn loan_errors_and_compensation() {
        for (e, code) in [
            (LoanError::InvalidLoan, "invalid_loan"),
            (LoanError::OverLimit { limit_fen: 100 }, "over_limit"),
            (LoanError::InvalidAmount, "invalid_amount"),
            (LoanError::Overpaid { owed_fen: 100 }, "overpaid"),
        ] {
            assert_eq!(e.code().as_str(), code);
        }
        assert_eq!(
            LoanError::OverLimit {
                limit_fen: 300_000_000
            }
            .to_string(),
            "申请金额超过可贷额度（3,000,000.00元），请调低申请金额"
        );
        assert_eq!(compensation(1_000_001, 700), 700_001);
        assert_eq!(compensation(5, 500), 3);
        assert_eq!(compensation(4, 500), 2);
        assert_eq!(compensation(100_000_000, 0), 0);
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (1990i32..2100, 1u32..=12, 1u32..=31).prop_map(|(y, m, d)| {
            NaiveDate::from_ymd_opt(y, m, d)
                .or_else(|| NaiveDate::from_ymd_opt(y, m, 28))
                .expect("valid date")
        })
    }

    proptest! {
        #[test]
        fn schedule_sums_and_dates(
            amount in 1i64..10_000_000_000,
            rate in 0u32..2_000,
            subsidy in 0u32..3_000,
            term in 1u32..=120,
            disbursed in any_date(),
        ) {
            let s = schedule(amount, rate, subsidy, term, disbursed).unwrap();
            prop_assert_eq!(s.len(), usize::try_from(term).unwrap());
            prop_assert_eq!(s.iter().map(|i| i.principal_fen).sum::<i64>(), amount);
            let mut previous = disbursed;
            for (k, inst) in s.iter().enumerate() {
                prop_assert_eq!(usize::try_from(inst.seq).unwrap(), k + 1);
                prop_assert!(inst.due_on > previous);
                previous = inst.due_on;
                prop_assert!(inst.principal_fen >= 0);
                prop_assert!(inst.subsidy_fen <= inst.interest_fen);
                prop_assert!(inst.subsidy_fen >= 0);
            }
        }

        #[test]
        fn allocation_pays_exactly_the_amount(
            owed in proptest::collection::vec((0i64..1_000_000, 0i64..100_000), 0..24),
            pick in any::<u64>(),
        ) {
            let owed: Vec<Owed> = owed
                .into_iter()
                .map(|(principal_fen, interest_fen)| Owed { principal_fen, interest_fen })
                .collect();
            let total: i64 = owed.iter().map(|o| o.principal_fen + o.interest_fen).sum();
            prop_assume!(total > 0);
            let amount = 1 + i64::try_from(pick % total.unsigned_abs()).unwrap();
            let paid = allocate(&owed, amount).unwrap();
            prop_assert_eq!(paid.len(), owed.len());
            prop_assert_eq!(paid.iter().map(|&(p, i)| p + i).sum::<i64>(), amount);
            for (&(p, i), o) in paid.iter().zip(&owed) {
                prop_assert!((0..=o.principal_fen).contains(&p));
                prop_assert!((0..=o.interest_fen).contains(&i));
                // Principal is only paid once the interest is settled.
                if p > 0 {
                    prop_assert_eq!(i, o.interest_fen);
                }
            }
            prop_assert!(allocate(&owed, total + 1).is_err());
        }
    }
}

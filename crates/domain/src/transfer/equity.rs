//! Grant-to-equity (先投后股): the terms and the qualifying round
//! ([`round_qualifies`]), conversion of the grant into shares ([`convert`]),
//! the exit (buyback, sale, exit window) and the [`FundPool`] the proceeds
//! return to.

use crate::ErrorCode;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{div_half_up, saturate, yuan};

/// Terms of a grant-to-equity agreement (先投后股协议).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GrantTerms {
    /// Day the agreement was signed.
    pub signed_on: NaiveDate,
    /// The qualifying round must close within `signed_on + term_months`
    /// (inclusive); see [`term_end`].
    pub term_months: u32,
    /// The round's amount from social investors must be at least this
    /// (fen).
    pub min_round_fen: i64,
    /// Price concession on the round price (让利), per mille, `0..=999`.
    pub discount_permille: u32,
    /// Cap on the platform's stake after conversion (持股比例上限), parts per
    /// million, `1..=999_999`.
    pub cap_ppm: u32,
}

/// A financing round of the funded firm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Round {
    /// Day the round closed (交割日).
    pub closed_on: NaiveDate,
    /// Pre-money valuation in fen, `> 0`.
    pub pre_money_fen: i64,
    /// Shares (or registered-capital units) before the round, `> 0`.
    pub pre_money_shares: i64,
    /// Amount raised from social investors in this round, fen, `>= 0`.
    pub amount_fen: i64,
}

/// Why a grant-to-equity or fund-pool operation is refused.
///
/// [`EquityError::code`] gives a stable code for the HTTP API (422); the
/// [`Display`](std::fmt::Display) text is a Chinese message for users.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EquityError {
    /// The round raised less from social investors than the terms require.
    #[error("本轮社会资本融资额{}元低于协议约定的最低融资额{}元，不触发转股；请核对融资额或待下一轮融资", yuan(*.amount_fen), yuan(*.min_fen))]
    RoundTooSmall {
        /// Amount raised in the round, fen.
        amount_fen: i64,
        /// Minimum required by the terms, fen.
        min_fen: i64,
    },
    /// The round closed after the end of the term.
    #[error("融资交割日晚于协议约定的期限（{term_end}），不触发转股；如已展期，请先修改协议期限")]
    RoundAfterTerm {
        /// Last day of the term, see [`term_end`].
        term_end: NaiveDate,
    },
    /// The round closed before the agreement was signed.
    #[error("融资交割日早于协议签署日，不触发转股，请核对日期")]
    RoundBeforeSigning,
    /// Non-positive valuation or share count, or a negative amount.
    #[error("融资轮次信息无效：投前估值和投前股数须大于零，融资额不能为负，请核对后重新填写")]
    InvalidRound,
    /// Discount, cap or minimum round outside their ranges.
    #[error("先投后股协议条款无效：让利比例须在0至99.9%之间，持股比例上限须大于0且小于100%，最低融资额不能为负，请核对协议条款")]
    InvalidTerms,
    /// Nothing has been granted, so there is nothing to convert.
    #[error("尚无已拨付的先投后股资金，无需转股；请先登记拨付记录")]
    NothingGranted,
    /// An exit outside the agreed exit window.
    #[error("当前不在协议约定的退出期内，请在退出期内办理退出")]
    ExitOutsideWindow,
    /// The fund pool cannot cover the disbursement.
    #[error("资金池余额不足（可用{}元），请调减拨付金额或先追加预算", yuan(*.balance_fen))]
    PoolInsufficient {
        /// Balance available, fen.
        balance_fen: i64,
    },
    /// A disbursement that is not positive, or a negative return.
    #[error("金额无效：拨付金额须大于零，回收金额不能为负，请核对")]
    InvalidAmount,
    /// Amounts or share counts too large to compute with.
    #[error("金额或股数过大，超出可计算范围，请核对输入")]
    TooLarge,
}

impl EquityError {
    /// Stable snake_case code used by the HTTP API.
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            EquityError::RoundTooSmall { .. } => ErrorCode::RoundTooSmall,
            EquityError::RoundAfterTerm { .. } => ErrorCode::RoundAfterTerm,
            EquityError::RoundBeforeSigning => ErrorCode::RoundBeforeSigning,
            EquityError::InvalidRound => ErrorCode::InvalidRound,
            EquityError::InvalidTerms => ErrorCode::InvalidTerms,
            EquityError::NothingGranted => ErrorCode::NothingGranted,
            EquityError::ExitOutsideWindow => ErrorCode::ExitOutsideWindow,
            EquityError::PoolInsufficient { .. } => ErrorCode::PoolInsufficient,
            EquityError::InvalidAmount => ErrorCode::InvalidAmount,
            EquityError::TooLarge => ErrorCode::AmountTooLarge,
        }
    }
}

/// Last day of the term: `signed_on + term_months`, clamped to the end of
/// the month (signed 2025-08-31 with 6 months ends 2026-02-28). Saturates at
/// [`NaiveDate::MAX`].
pub fn term_end(t: &GrantTerms) -> NaiveDate {
    t.signed_on
        .checked_add_months(Months::new(t.term_months))
        .unwrap_or(NaiveDate::MAX)
}

fn check_terms(t: &GrantTerms) -> Result<(), EquityError> {
    if t.discount_permille > 999 || t.cap_ppm == 0 || t.cap_ppm > 999_999 || t.min_round_fen < 0 {
        return Err(EquityError::InvalidTerms);
    }
    Ok(())
}

fn check_round(r: &Round) -> Result<(), EquityError> {
    if r.pre_money_fen <= 0 || r.pre_money_shares <= 0 || r.amount_fen < 0 {
        return Err(EquityError::InvalidRound);
    }
    Ok(())
}

/// Whether the round triggers conversion: it closed within
/// `[signed_on, term_end]` and raised at least `min_round_fen`.
///
/// # Errors
/// [`EquityError::InvalidTerms`] / [`EquityError::InvalidRound`] for invalid
/// input, then [`EquityError::RoundBeforeSigning`],
/// [`EquityError::RoundAfterTerm`] and [`EquityError::RoundTooSmall`].
pub fn round_qualifies(t: &GrantTerms, r: &Round) -> Result<(), EquityError> {
    check_terms(t)?;
    check_round(r)?;
    if r.closed_on < t.signed_on {
        return Err(EquityError::RoundBeforeSigning);
    }
    let end = term_end(t);
    if r.closed_on > end {
        return Err(EquityError::RoundAfterTerm { term_end: end });
    }
    if r.amount_fen < t.min_round_fen {
        return Err(EquityError::RoundTooSmall {
            amount_fen: r.amount_fen,
            min_fen: t.min_round_fen,
        });
    }
    Ok(())
}

/// Result of converting a grant into equity; see [`convert`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Conversion {
    /// Shares the state-owned platform receives.
    pub shares: i64,
    /// Part of the granted money that became equity (`<= granted`), fen.
    pub converted_fen: i64,
    /// `granted - converted`: stays a grant when the cap bites, fen.
    pub unconverted_fen: i64,
    /// Platform's stake after the round, ppm, rounded down.
    pub stake_ppm: u32,
    /// Whether the stake cap limited the shares.
    pub capped: bool,
    /// Round price per share in yuan × 10^4 (`pre_money_fen·100 /
    /// pre_money_shares`, floor).
    pub round_price_e4: i64,
    /// Price after the discount, yuan × 10^4, floor.
    pub effective_price_e4: i64,
    /// Shares issued to the round's investors, `floor(amount·pre_shares /
    /// pre_money)`.
    pub investor_shares: i64,
    /// Pre-money + investor + platform shares.
    pub post_money_shares: i64,
}

fn mul(a: i128, b: i128) -> Result<i128, EquityError> {
    a.checked_mul(b).ok_or(EquityError::TooLarge)
}

fn to_i64(v: i128) -> Result<i64, EquityError> {
    i64::try_from(v).map_err(|_| EquityError::TooLarge)
}

/// Converts `granted_fen` into shares at the round price less the
/// concession, limited by the stake cap:
///
/// - `uncapped = floor(granted·pre_shares·1000 / (pre_money·(1000−d)))`
/// - `base = pre_shares + investor_shares`, the most shares under the cap
///   `max = floor(cap·base / (10^6 − cap))`
/// - `shares = min(uncapped, max)`, `capped = uncapped > max`
/// - `converted_fen = granted` when not capped, otherwise the value of the
///   shares at the effective price, `round-half-up(shares·pre_money·(1000−d)
///   / (pre_shares·1000))`, never more than granted
/// - `stake_ppm = floor(shares·10^6 / (base + shares))`, which never
///   exceeds the cap.
///
/// Does not check that the round qualifies; call [`round_qualifies`] first.
///
/// # Errors
/// [`EquityError::NothingGranted`] when `granted_fen <= 0`,
/// [`EquityError::InvalidTerms`] / [`EquityError::InvalidRound`] for invalid
/// input, [`EquityError::TooLarge`] when a result does not fit.
pub fn convert(granted_fen: i64, t: &GrantTerms, r: &Round) -> Result<Conversion, EquityError> {
    if granted_fen <= 0 {
        return Err(EquityError::NothingGranted);
    }
    check_terms(t)?;
    check_round(r)?;
    let granted = i128::from(granted_fen);
    let pre_money = i128::from(r.pre_money_fen);
    let pre_shares = i128::from(r.pre_money_shares);
    let amount = i128::from(r.amount_fen);
    let kept = 1000 - i128::from(t.discount_permille); // 1..=1000
    let cap = i128::from(t.cap_ppm);

    let round_price_e4 = to_i64(mul(pre_money, 100)? / pre_shares)?;
    let effective_price_e4 = to_i64(mul(mul(pre_money, 100)?, kept)? / mul(pre_shares, 1000)?)?;
    let investor_shares = mul(amount, pre_shares)? / pre_money;

    let uncapped = mul(mul(granted, pre_shares)?, 1000)? / mul(pre_money, kept)?;
    let base = pre_shares + investor_shares;
    let max = mul(cap, base)? / (1_000_000 - cap);
    let capped = uncapped > max;
    let shares = uncapped.min(max);

    let converted = if capped {
        let value = div_half_up(mul(mul(shares, pre_money)?, kept)?, mul(pre_shares, 1000)?);
        value.min(granted)
    } else {
        granted
    };
    let post = base + shares;
    let stake = mul(shares, 1_000_000)? / post;

    Ok(Conversion {
        shares: to_i64(shares)?,
        converted_fen: to_i64(converted)?,
        unconverted_fen: to_i64(granted - converted)?,
        stake_ppm: u32::try_from(stake).map_err(|_| EquityError::TooLarge)?,
        capped,
        round_price_e4,
        effective_price_e4,
        investor_shares: to_i64(investor_shares)?,
        post_money_shares: to_i64(post)?,
    })
}

/// Team buyback price (回购价): principal plus simple interest,
/// `principal + floor(principal·rate_permille·days / (1000·365))`, where
/// `days = on − from` in days (counted as 0 when `on` is before `from`).
/// Saturates at the bounds of `i64`.
pub fn buyback_amount(
    principal_fen: i64,
    rate_permille_per_year: u32,
    from: NaiveDate,
    on: NaiveDate,
) -> i64 {
    let days = i128::from((on - from).num_days().max(0));
    let principal = i128::from(principal_fen);
    let interest = (principal * i128::from(rate_permille_per_year) * days).div_euclid(365_000);
    saturate(principal + interest)
}

/// Whether `on` lies in the exit window `[converted_on + start_months,
/// converted_on + end_months]` (inclusive; month additions clamp to the end
/// of the month).
pub fn in_exit_window(
    converted_on: NaiveDate,
    start_months: u32,
    end_months: u32,
    on: NaiveDate,
) -> bool {
    let Some(start) = converted_on.checked_add_months(Months::new(start_months)) else {
        return false;
    };
    let end = converted_on
        .checked_add_months(Months::new(end_months))
        .unwrap_or(NaiveDate::MAX);
    start <= on && on <= end
}

/// Proceeds of selling `shares` at `price_e4` (yuan × 10^4 per share), in
/// fen: `round-half-up(shares·price_e4 / 100)`. Saturates at the bounds of
/// `i64`.
pub fn sale_proceeds(shares: i64, price_e4: i64) -> i64 {
    saturate(div_half_up(i128::from(shares) * i128::from(price_e4), 100))
}

/// The fund pool (资金池) behind grant-to-equity: support → conversion →
/// exit → reinvestment (支持—转化—退出—再投资).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundPool {
    /// Budget put into the pool, fen.
    pub budget_fen: i64,
    /// Total granted out of the pool, fen.
    pub granted_fen: i64,
    /// Total returned to the pool from exits, fen.
    pub returned_fen: i64,
}

impl FundPool {
    /// Money available: `budget − granted + returned` (saturating).
    pub fn balance(&self) -> i64 {
        saturate(
            i128::from(self.budget_fen) - i128::from(self.granted_fen)
                + i128::from(self.returned_fen),
        )
    }

    /// Grants `fen` out of the pool.
    ///
    /// # Errors
    /// [`EquityError::InvalidAmount`] when `fen <= 0`,
    /// [`EquityError::PoolInsufficient`] when `fen` exceeds the balance,
    /// [`EquityError::TooLarge`] when the total granted would overflow. The
    /// pool is unchanged on error.
    pub fn disburse(&mut self, fen: i64) -> Result<(), EquityError> {
        if fen <= 0 {
            return Err(EquityError::InvalidAmount);
        }
        let balance = self.balance();
        if fen > balance {
            return Err(EquityError::PoolInsufficient {
                balance_fen: balance,
            });
        }
        self.granted_fen = self
            .granted_fen
            .checked_add(fen)
            .ok_or(EquityError::TooLarge)?;
        Ok(())
    }

    /// Puts exit proceeds of `fen` back into the pool (zero is accepted and
    /// changes nothing).
    ///
    /// # Errors
    /// [`EquityError::InvalidAmount`] when `fen < 0`,
    /// [`EquityError::TooLarge`] when the total returned would overflow. The
    /// pool is unchanged on error.
    pub fn return_proceeds(&mut self, fen: i64) -> Result<(), EquityError> {
        if fen < 0 {
            return Err(EquityError::InvalidAmount);
        }
        self.returned_fen = self
            .returned_fen
            .checked_add(fen)
            .ok_or(EquityError::TooLarge)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("valid date")
    }

    /// Grant 2,000,000 yuan; pre-money 50,000,000 yuan on 10,000,000
    /// shares; round 10,000,000 yuan; discount 20 %; cap 5 %.
    fn worked_terms() -> (GrantTerms, Round) {
        (
            GrantTerms {
                signed_on: date("2025-03-15"),
                term_months: 24,
                min_round_fen: 500_000_000, // 5,000,000 yuan
                discount_permille: 200,
                cap_ppm: 50_000,
            },
            Round {
                closed_on: date("2026-06-30"),
                pre_money_fen: 5_000_000_000,
                pre_money_shares: 10_000_000,
                amount_fen: 1_000_000_000,
            },
        )
    }

    #[test]
    fn worked_grant_to_equity_example() {
        let (t, r) = worked_terms();
        assert_eq!(round_qualifies(&t, &r), Ok(()));
        // Round price 5 yuan, effective 4 yuan: 2,000,000 / 4 = 500,000
        // shares. Investors get 10,000,000 / 5 = 2,000,000 shares; the cap
        // allows floor(0.05·12,000,000 / 0.95) = 631,578, so it does not
        // bite. Stake 500,000 / 12,500,000 = 4 %.
        let c = convert(200_000_000, &t, &r).unwrap();
        assert_eq!(
            c,
            Conversion {
                shares: 500_000,
                converted_fen: 200_000_000,
                unconverted_fen: 0,
                stake_ppm: 40_000,
                capped: false,
                round_price_e4: 50_000,
                effective_price_e4: 40_000,
                investor_shares: 2_000_000,
                post_money_shares: 12_500_000,
            }
        );
    }

    #[test]
    fn cap_bites() {
        let (mut t, r) = worked_terms();
        t.cap_ppm = 30_000; // 3 %
                            // max = floor(30,000·12,000,000 / 970,000) = floor(371,134.02) =
                            // 371,134 shares, worth 371,134 × 4 yuan = 1,484,536 yuan.
                            // Stake 371,134e6 / 12,371,134 = 29,999.998 ppm → 29,999.
        let c = convert(200_000_000, &t, &r).unwrap();
        assert_eq!(c.shares, 371_134);
        assert!(c.capped);
        assert_eq!(c.converted_fen, 148_453_600);
        assert_eq!(c.unconverted_fen, 51_546_400);
        assert_eq!(c.stake_ppm, 29_999);
        assert_eq!(c.post_money_shares, 12_371_134);
        assert_eq!(c.investor_shares, 2_000_000);
    }

    #[test]
    fn converted_value_rounds_half_up_when_capped() {
        // A tiny round so the value of the capped shares has half a fen.
        let t = GrantTerms {
            signed_on: date("2026-01-01"),
            term_months: 12,
            min_round_fen: 0,
            discount_permille: 500,
            cap_ppm: 500_000,
        };
        // Pre-money 3 fen on 2 shares: 1.5 fen a share, 0.75 after the
        // discount. No investors; cap 50 % allows 2 shares.
        let r = Round {
            closed_on: date("2026-02-01"),
            pre_money_fen: 3,
            pre_money_shares: 2,
            amount_fen: 0,
        };
        let c = convert(100, &t, &r).unwrap();
        assert_eq!(c.shares, 2);
        assert!(c.capped);
        // 2 × 0.75 = 1.5 fen → 2.
        assert_eq!(c.converted_fen, 2);
        assert_eq!(c.unconverted_fen, 98);
        assert_eq!(c.stake_ppm, 500_000);
        assert_eq!(c.round_price_e4, 150);
        assert_eq!(c.effective_price_e4, 75);
    }

    #[test]
    fn round_qualification() {
        let (t, r) = worked_terms();
        assert_eq!(term_end(&t), date("2027-03-15"));
        let on = |d: &str| Round {
            closed_on: date(d),
            ..r
        };
        assert_eq!(round_qualifies(&t, &on("2025-03-15")), Ok(()));
        assert_eq!(round_qualifies(&t, &on("2027-03-15")), Ok(()));
        assert_eq!(
            round_qualifies(&t, &on("2027-03-16")),
            Err(EquityError::RoundAfterTerm {
                term_end: date("2027-03-15")
            })
        );
        assert_eq!(
            round_qualifies(&t, &on("2025-03-14")),
            Err(EquityError::RoundBeforeSigning)
        );
        let small = Round {
            amount_fen: 499_999_999,
            ..r
        };
        let err = round_qualifies(&t, &small).unwrap_err();
        assert_eq!(err.code(), ErrorCode::RoundTooSmall);
        assert_eq!(
            err.to_string(),
            "本轮社会资本融资额4,999,999.99元低于协议约定的最低融资额5,000,000.00元，不触发转股；请核对融资额或待下一轮融资"
        );
        let exact = Round {
            amount_fen: 500_000_000,
            ..r
        };
        assert_eq!(round_qualifies(&t, &exact), Ok(()));
    }

    #[test]
    fn term_end_clamps_to_month_end() {
        let t = GrantTerms {
            signed_on: date("2025-08-31"),
            term_months: 6,
            min_round_fen: 0,
            discount_permille: 0,
            cap_ppm: 1,
        };
        assert_eq!(term_end(&t), date("2026-02-28"));
        let leap = GrantTerms {
            signed_on: date("2027-08-31"),
            ..t
        };
        assert_eq!(term_end(&leap), date("2028-02-29"));
    }

    #[test]
    fn invalid_conversion_inputs() {
        let (t, r) = worked_terms();
        assert_eq!(convert(0, &t, &r), Err(EquityError::NothingGranted));
        assert_eq!(convert(-5, &t, &r), Err(EquityError::NothingGranted));
        for bad in [
            Round {
                pre_money_fen: 0,
                ..r
            },
            Round {
                pre_money_shares: -1,
                ..r
            },
            Round {
                amount_fen: -1,
                ..r
            },
        ] {
            assert_eq!(convert(100, &t, &bad), Err(EquityError::InvalidRound));
            assert_eq!(round_qualifies(&t, &bad), Err(EquityError::InvalidRound));
        }
        for bad in [
            GrantTerms {
                discount_permille: 1000,
                ..t
            },
            GrantTerms { cap_ppm: 0, ..t },
            GrantTerms {
                cap_ppm: 1_000_000,
                ..t
            },
            GrantTerms {
                min_round_fen: -1,
                ..t
            },
        ] {
            assert_eq!(convert(100, &bad, &r), Err(EquityError::InvalidTerms));
            assert_eq!(round_qualifies(&bad, &r), Err(EquityError::InvalidTerms));
        }
        // Far too large to compute with.
        let huge = Round {
            pre_money_fen: 1,
            pre_money_shares: i64::MAX,
            amount_fen: i64::MAX,
            ..r
        };
        assert_eq!(convert(i64::MAX, &t, &huge), Err(EquityError::TooLarge));
    }

    #[test]
    fn equity_error_codes() {
        let all = [
            (
                EquityError::RoundTooSmall {
                    amount_fen: 1,
                    min_fen: 2,
                },
                "round_too_small",
            ),
            (
                EquityError::RoundAfterTerm {
                    term_end: date("2026-01-01"),
                },
                "round_after_term",
            ),
            (EquityError::RoundBeforeSigning, "round_before_signing"),
            (EquityError::InvalidRound, "invalid_round"),
            (EquityError::InvalidTerms, "invalid_terms"),
            (EquityError::NothingGranted, "nothing_granted"),
            (EquityError::ExitOutsideWindow, "exit_outside_window"),
            (
                EquityError::PoolInsufficient {
                    balance_fen: 12_345,
                },
                "pool_insufficient",
            ),
            (EquityError::InvalidAmount, "invalid_amount"),
            (EquityError::TooLarge, "amount_too_large"),
        ];
        for (e, code) in all {
            assert_eq!(e.code().as_str(), code);
            assert!(!e.to_string().is_empty());
        }
        assert_eq!(
            EquityError::PoolInsufficient {
                balance_fen: 12_345
            }
            .to_string(),
            "资金池余额不足（可用123.45元），请调减拨付金额或先追加预算"
        );
        assert_eq!(
            EquityError::RoundAfterTerm {
                term_end: date("2027-03-15")
            }
            .to_string(),
            "融资交割日晚于协议约定的期限（2027-03-15），不触发转股；如已展期，请先修改协议期限"
        );
    }

    #[test]
    fn buyback_with_simple_interest() {
        // 2,000,000 yuan at 6 % a year for 365 days: 120,000 yuan interest.
        assert_eq!(
            buyback_amount(200_000_000, 60, date("2026-01-01"), date("2027-01-01")),
            212_000_000
        );
        // 100 days: 200,000,000·60·100 / 365,000 = 3,287,671.23 → 3,287,671.
        assert_eq!(
            buyback_amount(200_000_000, 60, date("2026-01-01"), date("2026-04-11")),
            203_287_671
        );
        // Same day, or `on` before `from`: principal only.
        assert_eq!(
            buyback_amount(200_000_000, 60, date("2026-01-01"), date("2026-01-01")),
            200_000_000
        );
        assert_eq!(
            buyback_amount(200_000_000, 60, date("2026-01-01"), date("2025-01-01")),
            200_000_000
        );
        // Leap year: 366 days.
        assert_eq!(
            buyback_amount(36_500, 1000, date("2028-01-01"), date("2029-01-01")),
            73_100
        );
    }

    #[test]
    fn exit_window_is_inclusive() {
        let converted = date("2026-01-31");
        // Window 36..=60 months: 2029-01-31 ..= 2031-01-31.
        assert!(!in_exit_window(converted, 36, 60, date("2029-01-30")));
        assert!(in_exit_window(converted, 36, 60, date("2029-01-31")));
        assert!(in_exit_window(converted, 36, 60, date("2031-01-31")));
        assert!(!in_exit_window(converted, 36, 60, date("2031-02-01")));
        // Clamped to month end: 2026-01-31 + 1 month = 2026-02-28.
        assert!(in_exit_window(converted, 1, 1, date("2026-02-28")));
        // Empty window.
        assert!(!in_exit_window(converted, 12, 6, date("2026-10-01")));
    }

    #[test]
    fn proceeds_round_half_up() {
        // 500,000 shares at 6 yuan: 3,000,000 yuan.
        assert_eq!(sale_proceeds(500_000, 60_000), 300_000_000);
        // 3 × 1.2345 yuan = 3.7035 yuan = 370.35 fen → 370.
        assert_eq!(sale_proceeds(3, 12_345), 370);
        assert_eq!(sale_proceeds(1, 50), 1);
        assert_eq!(sale_proceeds(1, 49), 0);
        assert_eq!(sale_proceeds(0, 60_000), 0);
    }

    #[test]
    fn fund_pool_cycle() {
        let mut pool = FundPool {
            budget_fen: 1_000_000,
            ..FundPool::default()
        };
        assert_eq!(pool.balance(), 1_000_000);
        pool.disburse(600_000).unwrap();
        assert_eq!(pool.balance(), 400_000);
        assert_eq!(
            pool.disburse(400_001),
            Err(EquityError::PoolInsufficient {
                balance_fen: 400_000
            })
        );
        assert_eq!(pool.disburse(0), Err(EquityError::InvalidAmount));
        assert_eq!(pool.return_proceeds(-1), Err(EquityError::InvalidAmount));
        pool.return_proceeds(0).unwrap();
        pool.return_proceeds(750_000).unwrap();
        assert_eq!(pool.balance(), 1_150_000);
        pool.disburse(1_150_000).unwrap();
        assert_eq!(pool.balance(), 0);
        assert_eq!(
            pool,
            FundPool {
                budget_fen: 1_000_000,
                granted_fen: 1_750_000,
                returned_fen: 750_000
            }
        );
    }

    fn any_terms_and_round() -> impl Strategy<Value = (GrantTerms, Round)> {
        (
            0u32..=999,
            1u32..=999_999,
            // Pre-money 10,000 yuan to 1e12 yuan, up to 1e9 shares, rounds up
            // to 1e10 yuan: every result fits in an i64.
            1_000_000i64..=100_000_000_000_000,
            1i64..=1_000_000_000,
            0i64..=1_000_000_000_000,
        )
            .prop_map(|(discount, cap, pre_money, pre_shares, amount)| {
                (
                    GrantTerms {
                        signed_on: NaiveDate::from_ymd_opt(2026, 1, 1).expect("valid"),
                        term_months: 24,
                        min_round_fen: 0,
                        discount_permille: discount,
                        cap_ppm: cap,
                    },
                    Round {
                        closed_on: NaiveDate::from_ymd_opt(2026, 6, 1).expect("valid"),
                        pre_money_fen: pre_money,
                        pre_money_shares: pre_shares,
                        amount_fen: amount,
                    },
                )
            })
    }

    proptest! {
        #[test]
        fn stake_never_exceeds_cap((t, r) in any_terms_and_round(), granted in 1i64..=1_000_000_000_000) {
            let c = convert(granted, &t, &r).unwrap();
            prop_assert!(c.stake_ppm <= t.cap_ppm);
            prop_assert!(c.shares >= 0);
            prop_assert_eq!(c.post_money_shares, r.pre_money_shares + c.investor_shares + c.shares);
        }

        #[test]
        fn discount_never_gives_fewer_shares((t, r) in any_terms_and_round(), granted in 1i64..=1_000_000_000_000) {
            let with = convert(granted, &t, &r).unwrap();
            let without = convert(granted, &GrantTerms { discount_permille: 0, ..t }, &r).unwrap();
            prop_assert!(with.shares >= without.shares);
            prop_assert!(with.effective_price_e4 <= without.effective_price_e4);
            prop_assert_eq!(without.effective_price_e4, without.round_price_e4);
        }

        #[test]
        fn converted_plus_unconverted_is_granted((t, r) in any_terms_and_round(), granted in 1i64..=1_000_000_000_000) {
            let c = convert(granted, &t, &r).unwrap();
            prop_assert!(c.converted_fen <= granted);
            prop_assert!(c.converted_fen >= 0);
            prop_assert_eq!(c.converted_fen + c.unconverted_fen, granted);
            if !c.capped {
                prop_assert_eq!(c.unconverted_fen, 0);
            }
        }

        #[test]
        fn fund_pool_balance_tracks_operations(
            budget in 0i64..10_000_000,
            ops in proptest::collection::vec((any::<bool>(), -1_000i64..3_000_000), 0..60),
        ) {
            let mut pool = FundPool { budget_fen: budget, ..FundPool::default() };
            let mut disbursed: i64 = 0;
            let mut returned: i64 = 0;
            for (is_disburse, fen) in ops {
                if is_disburse {
                    if pool.disburse(fen).is_ok() {
                        disbursed += fen;
                    }
                } else if pool.return_proceeds(fen).is_ok() {
                    returned += fen;
                }
                prop_assert_eq!(pool.balance(), budget - disbursed + returned);
                prop_assert!(pool.balance() >= 0);
            }
        }
    }
}

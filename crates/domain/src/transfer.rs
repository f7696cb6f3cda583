//! Technology transfer and its capital (科技成果转化): the pure rules behind
//! the stage-gate pipeline of transfer projects, expert review,
//! grant-to-equity funding (先投后股), tiered loans (科企梯度贷) and the
//! registration of technology contracts (技术合同登记).
//!
//! A project moves through the [`Stage`]s 项目筛选 → 概念验证 → 成果转化 →
//! 企业孵化 by gate decisions (see [`gate_outcome`]), each backed by an
//! expert review (see [`review_result`]).
//!
//! Under grant-to-equity the state-owned platform first grants money to the
//! team; when the firm closes a qualifying financing round (see
//! [`round_qualifies`]) the grant converts into shares at the round price
//! less a concession, limited by a stake cap (see [`convert`]). The shares
//! are later sold back to the team ([`buyback_amount`]) or on the market
//! ([`sale_proceeds`]) within the exit window ([`in_exit_window`]), and the
//! proceeds flow back into the [`FundPool`] to be granted again.
//!
//! Money is an integer number of fen (分) throughout; products are taken in
//! `i128` and no floating point is used.

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::org::yoy_growth_permille;

// ---------------------------------------------------------------------------
// Stages and gates
// ---------------------------------------------------------------------------

/// Stage of a transfer project, in pipeline order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Screening of candidate results (项目筛选).
    Screening,
    /// Proof of concept (概念验证).
    ProofOfConcept,
    /// Commercialisation of the result (成果转化).
    Commercialisation,
    /// Incubation of the spun-off firm (企业孵化).
    Incubation,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub const ALL: [Stage; 4] = [
        Stage::Screening,
        Stage::ProofOfConcept,
        Stage::Commercialisation,
        Stage::Incubation,
    ];

    /// Stable snake_case code, as stored in the database and used in serde.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Screening => "screening",
            Stage::ProofOfConcept => "proof_of_concept",
            Stage::Commercialisation => "commercialisation",
            Stage::Incubation => "incubation",
        }
    }

    /// Parses a code produced by [`Stage::as_str`].
    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Chinese label shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            Stage::Screening => "项目筛选",
            Stage::ProofOfConcept => "概念验证",
            Stage::Commercialisation => "成果转化",
            Stage::Incubation => "企业孵化",
        }
    }

    /// Position in [`Stage::ALL`], from 0 (screening) to 3 (incubation).
    pub fn index(self) -> usize {
        match self {
            Stage::Screening => 0,
            Stage::ProofOfConcept => 1,
            Stage::Commercialisation => 2,
            Stage::Incubation => 3,
        }
    }

    /// The stage after this one; `None` for the last stage (incubation).
    pub fn next(self) -> Option<Stage> {
        Stage::ALL.get(self.index() + 1).copied()
    }
}

/// A project's standing within its stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectState {
    /// Being worked on (推进中).
    Active,
    /// Put on hold by a gate decision; may be resumed (暂缓).
    OnHold,
    /// Stopped for good by a gate decision (终止).
    Stopped,
}

impl ProjectState {
    /// Every state, in declaration order.
    pub const ALL: [ProjectState; 3] = [
        ProjectState::Active,
        ProjectState::OnHold,
        ProjectState::Stopped,
    ];

    /// Stable snake_case code, as stored in the database and used in serde.
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectState::Active => "active",
            ProjectState::OnHold => "on_hold",
            ProjectState::Stopped => "stopped",
        }
    }

    /// Parses a code produced by [`ProjectState::as_str`].
    pub fn parse(s: &str) -> Option<ProjectState> {
        ProjectState::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Chinese label shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            ProjectState::Active => "推进中",
            ProjectState::OnHold => "暂缓",
            ProjectState::Stopped => "终止",
        }
    }
}

/// What a gate review decides about a project; see [`gate_outcome`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateDecision {
    /// Pass the gate into the next (or a named) stage (通过进入下一阶段).
    Advance,
    /// Keep the project in its stage, on hold (暂缓).
    Hold,
    /// Stop the project (终止).
    Stop,
}

impl GateDecision {
    /// Every decision, in declaration order.
    pub const ALL: [GateDecision; 3] = [
        GateDecision::Advance,
        GateDecision::Hold,
        GateDecision::Stop,
    ];

    /// Stable snake_case code, as stored in the database and used in serde.
    pub fn as_str(self) -> &'static str {
        match self {
            GateDecision::Advance => "advance",
            GateDecision::Hold => "hold",
            GateDecision::Stop => "stop",
        }
    }

    /// Parses a code produced by [`GateDecision::as_str`].
    pub fn parse(s: &str) -> Option<GateDecision> {
        GateDecision::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Chinese label shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            GateDecision::Advance => "通过进入下一阶段",
            GateDecision::Hold => "暂缓",
            GateDecision::Stop => "终止",
        }
    }
}

/// Why a gate decision or an expert review is refused.
///
/// [`GateError::code`] gives a stable code for the HTTP API (422); the
/// [`Display`](std::fmt::Display) text is a Chinese message for users.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GateError {
    /// The project is stopped and takes no more decisions.
    #[error("项目已终止，不能再作阶段决策；如需继续推进，请重新立项")]
    ProjectStopped,
    /// Advance without a target from the last stage.
    #[error("项目已处于最后阶段“企业孵化”，没有下一阶段；请选择暂缓或终止，或指定要退回的阶段并填写理由")]
    LastStage,
    /// Advance to the stage the project is already in.
    #[error("目标阶段与当前阶段相同，请选择其他阶段；如需留在本阶段，请选择“暂缓”")]
    SameStage,
    /// Advance past the next stage without a reason.
    #[error("跨阶段推进（跳过中间阶段）须填写理由，请填写跳过理由后再提交")]
    SkipNeedsReason,
    /// Move back to an earlier stage without a reason.
    #[error("退回前序阶段须填写理由，请填写退回理由后再提交")]
    BackNeedsReason,
    /// A target stage was given with a hold or stop decision.
    #[error("选择“暂缓”或“终止”时不能指定目标阶段，请清空目标阶段后再提交")]
    TargetNotAllowed,
    /// No review criteria, or all weights are zero.
    #[error("评审指标为空或权重合计为零，请先设置至少一项权重大于零的评审指标")]
    NoCriteria,
    /// An expert gave a different number of scores than there are criteria.
    #[error("第{}位专家的评分项数（{actual}）与评审指标数（{expected}）不一致，请按每项指标逐一打分", .expert + 1)]
    ScoresMismatch {
        /// Index of the expert in the input, from 0.
        expert: usize,
        /// Number of criteria.
        expected: usize,
        /// Number of scores the expert gave.
        actual: usize,
    },
    /// A score above 100.
    #[error("第{}位专家的评分{score}超出范围，每项评分应在0至100分之间，请修改", .expert + 1)]
    ScoreOutOfRange {
        /// Index of the expert in the input, from 0.
        expert: usize,
        /// The offending score.
        score: u32,
    },
}

impl GateError {
    /// Stable snake_case code used by the HTTP API.
    pub fn code(&self) -> &'static str {
        match self {
            GateError::ProjectStopped => "project_stopped",
            GateError::LastStage => "last_stage",
            GateError::SameStage => "same_stage",
            GateError::SkipNeedsReason => "skip_needs_reason",
            GateError::BackNeedsReason => "back_needs_reason",
            GateError::TargetNotAllowed => "target_not_allowed",
            GateError::NoCriteria => "no_criteria",
            GateError::ScoresMismatch { .. } => "scores_mismatch",
            GateError::ScoreOutOfRange { .. } => "score_out_of_range",
        }
    }
}

/// Outcome of a gate decision for a project at `current` in state `state`:
/// the project's new stage and state.
///
/// - A stopped project takes no decisions ([`GateError::ProjectStopped`]).
/// - [`GateDecision::Advance`] without a target moves to
///   [`Stage::next`]; from the last stage that is
///   [`GateError::LastStage`].
/// - Advance to `Some(target)`: the current stage is refused
///   ([`GateError::SameStage`]); the next stage is fine; a stage further
///   ahead (skipping one) or behind (moving back) needs a non-blank
///   `override_reason` ([`GateError::SkipNeedsReason`],
///   [`GateError::BackNeedsReason`]).
/// - Advance always leaves the project [`ProjectState::Active`], so it also
///   resumes a project on hold.
/// - [`GateDecision::Hold`] keeps the stage, state
///   [`ProjectState::OnHold`]; [`GateDecision::Stop`] keeps the stage, state
///   [`ProjectState::Stopped`]. Either with a target is
///   [`GateError::TargetNotAllowed`].
pub fn gate_outcome(
    current: Stage,
    state: ProjectState,
    decision: GateDecision,
    target: Option<Stage>,
    override_reason: &str,
) -> Result<(Stage, ProjectState), GateError> {
    if state == ProjectState::Stopped {
        return Err(GateError::ProjectStopped);
    }
    match decision {
        GateDecision::Hold | GateDecision::Stop if target.is_some() => {
            Err(GateError::TargetNotAllowed)
        }
        GateDecision::Hold => Ok((current, ProjectState::OnHold)),
        GateDecision::Stop => Ok((current, ProjectState::Stopped)),
        GateDecision::Advance => {
            let has_reason = !override_reason.trim().is_empty();
            let to = match target {
                None => current.next().ok_or(GateError::LastStage)?,
                Some(t) if t == current => return Err(GateError::SameStage),
                Some(t) if t < current => {
                    if !has_reason {
                        return Err(GateError::BackNeedsReason);
                    }
                    t
                }
                Some(t) if t.index() > current.index() + 1 => {
                    if !has_reason {
                        return Err(GateError::SkipNeedsReason);
                    }
                    t
                }
                Some(t) => t,
            };
            Ok((to, ProjectState::Active))
        }
    }
}

// ---------------------------------------------------------------------------
// Expert review
// ---------------------------------------------------------------------------

/// One expert's scores, one per criterion, each 0..=100, plus a declared
/// conflict of interest (回避).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpertScore {
    /// Scores in the order of the criteria weights.
    pub scores: Vec<u32>,
    /// Whether the expert declared a conflict of interest; such an expert's
    /// scores do not count.
    pub conflict: bool,
}

/// The combined result of an expert review; see [`review_result`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReviewResult {
    /// Weighted average in tenths of a point (0..=1000), rounded half up.
    pub score_tenths: u32,
    /// Experts whose scores counted (no conflict).
    pub counted: usize,
    /// Experts excluded for a conflict of interest.
    pub excluded: usize,
}

/// Combines expert scores into one review score.
///
/// `weights` are the criteria weights (any non-negative integers with a
/// positive sum; they need not sum to 100). The weighted score of an expert
/// is `Σ score_i·w_i / Σ w_i`; the result is the average of the weighted
/// scores of the experts without a conflict, in tenths of a point, rounded
/// half up once at the end (no intermediate rounding).
///
/// Returns `Ok(None)` when no expert without a conflict has scored.
///
/// Every expert's scores are validated, but an expert who declared a
/// conflict may leave the scores empty (having withdrawn from scoring).
///
/// # Errors
/// [`GateError::NoCriteria`] for empty weights or a zero weight sum,
/// [`GateError::ScoresMismatch`] when an expert's number of scores differs
/// from the number of weights, and [`GateError::ScoreOutOfRange`] for a
/// score above 100.
pub fn review_result(
    weights: &[u32],
    experts: &[ExpertScore],
) -> Result<Option<ReviewResult>, GateError> {
    let weight_sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    if weights.is_empty() || weight_sum == 0 {
        return Err(GateError::NoCriteria);
    }
    let mut total: u128 = 0;
    let mut counted: usize = 0;
    let mut excluded: usize = 0;
    for (i, expert) in experts.iter().enumerate() {
        if expert.conflict && expert.scores.is_empty() {
            excluded += 1;
            continue;
        }
        if expert.scores.len() != weights.len() {
            return Err(GateError::ScoresMismatch {
                expert: i,
                expected: weights.len(),
                actual: expert.scores.len(),
            });
        }
        if let Some(&score) = expert.scores.iter().find(|&&s| s > 100) {
            return Err(GateError::ScoreOutOfRange { expert: i, score });
        }
        if expert.conflict {
            excluded += 1;
            continue;
        }
        let weighted: u128 = expert
            .scores
            .iter()
            .zip(weights)
            .map(|(&s, &w)| u128::from(s) * u128::from(w))
            .sum();
        total += weighted;
        counted += 1;
    }
    if counted == 0 {
        return Ok(None);
    }
    // Average of Σ s·w / W over `counted` experts, in tenths.
    let numerator = total * 10;
    let denominator = weight_sum * counted as u128;
    let tenths = numerator / denominator + u128::from(2 * (numerator % denominator) >= denominator);
    Ok(Some(ReviewResult {
        // At most 1000, since every score is at most 100.
        score_tenths: u32::try_from(tenths).unwrap_or(1000),
        counted,
        excluded,
    }))
}

// ---------------------------------------------------------------------------
// Grant-to-equity (先投后股)
// ---------------------------------------------------------------------------

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
    pub fn code(&self) -> &'static str {
        match self {
            EquityError::RoundTooSmall { .. } => "round_too_small",
            EquityError::RoundAfterTerm { .. } => "round_after_term",
            EquityError::RoundBeforeSigning => "round_before_signing",
            EquityError::InvalidRound => "invalid_round",
            EquityError::InvalidTerms => "invalid_terms",
            EquityError::NothingGranted => "nothing_granted",
            EquityError::ExitOutsideWindow => "exit_outside_window",
            EquityError::PoolInsufficient { .. } => "pool_insufficient",
            EquityError::InvalidAmount => "invalid_amount",
            EquityError::TooLarge => "amount_too_large",
        }
    }
}

/// Formats fen as yuan for error messages.
fn yuan(fen: i64) -> Money {
    Money::from_fen(fen)
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

/// Division rounded half up (half away from zero for a negative
/// numerator); `den` must be positive.
fn div_half_up(num: i128, den: i128) -> i128 {
    let q = num / den;
    let r = (num % den).abs();
    // r >= den - r  ⇔  2r >= den, without overflowing.
    if r >= den - r {
        q + num.signum()
    } else {
        q
    }
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

fn saturate(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
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

// ---------------------------------------------------------------------------
// Tiered loans (科企梯度贷)
// ---------------------------------------------------------------------------

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
    pub fn code(&self) -> &'static str {
        match self {
            LoanError::InvalidLoan => "invalid_loan",
            LoanError::OverLimit { .. } => "over_limit",
            LoanError::InvalidAmount => "invalid_amount",
            LoanError::Overpaid { .. } => "overpaid",
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

// ---------------------------------------------------------------------------
// Technology contracts (技术合同登记)
// ---------------------------------------------------------------------------

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
    use proptest::prelude::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("valid date")
    }

    // ---- stages and gates ----

    #[test]
    fn enum_codes_and_labels_round_trip() {
        for (i, s) in Stage::ALL.into_iter().enumerate() {
            assert_eq!(Stage::parse(s.as_str()), Some(s));
            assert_eq!(s.index(), i);
            assert!(!s.label_zh().is_empty());
        }
        for s in ProjectState::ALL {
            assert_eq!(ProjectState::parse(s.as_str()), Some(s));
        }
        for d in GateDecision::ALL {
            assert_eq!(GateDecision::parse(d.as_str()), Some(d));
        }
        for (i, l) in Ladder::ALL.into_iter().enumerate() {
            assert_eq!(Ladder::parse(l.as_str()), Some(l));
            assert_eq!(usize::from(l.level()), i + 1);
        }
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
        assert_eq!(Stage::parse("Screening"), None);
        assert_eq!(ContractKind::parse_label("技术"), None);
        assert_eq!(Stage::ProofOfConcept.as_str(), "proof_of_concept");
        assert_eq!(Stage::Commercialisation.label_zh(), "成果转化");
        assert_eq!(ProjectState::OnHold.as_str(), "on_hold");
        assert_eq!(GateDecision::Advance.label_zh(), "通过进入下一阶段");
        assert_eq!(Ladder::LittleGiant.label_zh(), "专精特新“小巨人”");
        assert_eq!(ContractKind::Licence.label_zh(), "技术许可");
    }

    #[test]
    fn stage_order_and_next() {
        assert_eq!(Stage::Screening.next(), Some(Stage::ProofOfConcept));
        assert_eq!(Stage::ProofOfConcept.next(), Some(Stage::Commercialisation));
        assert_eq!(Stage::Commercialisation.next(), Some(Stage::Incubation));
        assert_eq!(Stage::Incubation.next(), None);
        assert!(Stage::Screening < Stage::Incubation);
    }

    #[test]
    fn gate_advance_to_next_stage() {
        use GateDecision as D;
        use ProjectState as P;
        use Stage as S;
        assert_eq!(
            gate_outcome(S::Screening, P::Active, D::Advance, None, ""),
            Ok((S::ProofOfConcept, P::Active))
        );
        assert_eq!(
            gate_outcome(
                S::ProofOfConcept,
                P::Active,
                D::Advance,
                Some(S::Commercialisation),
                ""
            ),
            Ok((S::Commercialisation, P::Active))
        );
        // Resuming from hold.
        assert_eq!(
            gate_outcome(S::Commercialisation, P::OnHold, D::Advance, None, ""),
            Ok((S::Incubation, P::Active))
        );
        assert_eq!(
            gate_outcome(S::Incubation, P::Active, D::Advance, None, ""),
            Err(GateError::LastStage)
        );
        assert_eq!(
            gate_outcome(
                S::ProofOfConcept,
                P::Active,
                D::Advance,
                Some(S::ProofOfConcept),
                "x"
            ),
            Err(GateError::SameStage)
        );
    }

    #[test]
    fn gate_skip_and_back_need_a_reason() {
        use GateDecision as D;
        use ProjectState as P;
        use Stage as S;
        assert_eq!(
            gate_outcome(
                S::Screening,
                P::Active,
                D::Advance,
                Some(S::Commercialisation),
                ""
            ),
            Err(GateError::SkipNeedsReason)
        );
        assert_eq!(
            gate_outcome(
                S::Screening,
                P::Active,
                D::Advance,
                Some(S::Incubation),
                "  \t"
            ),
            Err(GateError::SkipNeedsReason)
        );
        assert_eq!(
            gate_outcome(
                S::Screening,
                P::Active,
                D::Advance,
                Some(S::Incubation),
                "已完成中试"
            ),
            Ok((S::Incubation, P::Active))
        );
        assert_eq!(
            gate_outcome(
                S::Commercialisation,
                P::Active,
                D::Advance,
                Some(S::ProofOfConcept),
                ""
            ),
            Err(GateError::BackNeedsReason)
        );
        assert_eq!(
            gate_outcome(
                S::Incubation,
                P::OnHold,
                D::Advance,
                Some(S::Screening),
                "技术路线调整"
            ),
            Ok((S::Screening, P::Active))
        );
    }

    #[test]
    fn gate_hold_stop_and_stopped_projects() {
        use GateDecision as D;
        use ProjectState as P;
        use Stage as S;
        assert_eq!(
            gate_outcome(S::ProofOfConcept, P::Active, D::Hold, None, ""),
            Ok((S::ProofOfConcept, P::OnHold))
        );
        assert_eq!(
            gate_outcome(S::ProofOfConcept, P::OnHold, D::Hold, None, ""),
            Ok((S::ProofOfConcept, P::OnHold))
        );
        assert_eq!(
            gate_outcome(S::Incubation, P::OnHold, D::Stop, None, ""),
            Ok((S::Incubation, P::Stopped))
        );
        assert_eq!(
            gate_outcome(
                S::Screening,
                P::Active,
                D::Hold,
                Some(S::ProofOfConcept),
                "x"
            ),
            Err(GateError::TargetNotAllowed)
        );
        assert_eq!(
            gate_outcome(S::Screening, P::Active, D::Stop, Some(S::Screening), ""),
            Err(GateError::TargetNotAllowed)
        );
        for d in GateDecision::ALL {
            assert_eq!(
                gate_outcome(S::Screening, P::Stopped, d, None, "理由"),
                Err(GateError::ProjectStopped)
            );
        }
    }

    #[test]
    fn gate_error_codes_and_messages() {
        let all = [
            (GateError::ProjectStopped, "project_stopped"),
            (GateError::LastStage, "last_stage"),
            (GateError::SameStage, "same_stage"),
            (GateError::SkipNeedsReason, "skip_needs_reason"),
            (GateError::BackNeedsReason, "back_needs_reason"),
            (GateError::TargetNotAllowed, "target_not_allowed"),
            (GateError::NoCriteria, "no_criteria"),
            (
                GateError::ScoresMismatch {
                    expert: 0,
                    expected: 3,
                    actual: 2,
                },
                "scores_mismatch",
            ),
            (
                GateError::ScoreOutOfRange {
                    expert: 1,
                    score: 101,
                },
                "score_out_of_range",
            ),
        ];
        for (e, code) in all {
            assert_eq!(e.code(), code);
            assert!(!e.to_string().is_empty());
        }
        assert_eq!(
            GateError::ScoresMismatch {
                expert: 0,
                expected: 3,
                actual: 2
            }
            .to_string(),
            "第1位专家的评分项数（2）与评审指标数（3）不一致，请按每项指标逐一打分"
        );
        assert_eq!(
            GateError::ScoreOutOfRange {
                expert: 1,
                score: 101
            }
            .to_string(),
            "第2位专家的评分101超出范围，每项评分应在0至100分之间，请修改"
        );
    }

    // ---- expert review ----

    fn expert(scores: &[u32], conflict: bool) -> ExpertScore {
        ExpertScore {
            scores: scores.to_vec(),
            conflict,
        }
    }

    #[test]
    fn review_weighted_average_excludes_conflicts() {
        // A: (80·40 + 90·30 + 70·30) / 100 = 80.0; B: (90·40 + 85·30 +
        // 75·30) / 100 = 84.0; C declared a conflict.
        let r = review_result(
            &[40, 30, 30],
            &[
                expert(&[80, 90, 70], false),
                expert(&[90, 85, 75], false),
                expert(&[100, 100, 100], true),
            ],
        );
        assert_eq!(
            r,
            Ok(Some(ReviewResult {
                score_tenths: 820,
                counted: 2,
                excluded: 1
            }))
        );
    }

    #[test]
    fn review_rounds_once_half_up() {
        // A: (80 + 81·2) / 3 = 80.667; B: 70. Mean 75.333 → 753 tenths.
        let r = review_result(
            &[1, 2],
            &[expert(&[80, 81], false), expert(&[70, 70], false)],
        );
        assert_eq!(r.unwrap().unwrap().score_tenths, 753);
        // 1/4 point = 2.5 tenths → 3.
        let r = review_result(&[1, 1, 1, 1], &[expert(&[0, 0, 0, 1], false)]);
        assert_eq!(r.unwrap().unwrap().score_tenths, 3);
        // Weights need not sum to 100.
        let r = review_result(&[7], &[expert(&[100], false)]);
        assert_eq!(r.unwrap().unwrap().score_tenths, 1000);
    }

    #[test]
    fn review_without_counted_experts_is_none() {
        assert_eq!(review_result(&[1], &[]), Ok(None));
        // A conflicted expert may leave the scores empty.
        assert_eq!(
            review_result(&[1, 1], &[expert(&[], true), expert(&[50, 60], true)]),
            Ok(None)
        );
    }

    #[test]
    fn review_errors() {
        assert_eq!(
            review_result(&[], &[expert(&[], false)]),
            Err(GateError::NoCriteria)
        );
        assert_eq!(
            review_result(&[0, 0], &[expert(&[1, 2], false)]),
            Err(GateError::NoCriteria)
        );
        assert_eq!(
            review_result(&[1, 1], &[expert(&[1, 2], false), expert(&[3], false)]),
            Err(GateError::ScoresMismatch {
                expert: 1,
                expected: 2,
                actual: 1
            })
        );
        assert_eq!(
            review_result(&[1, 1], &[expert(&[], false)]),
            Err(GateError::ScoresMismatch {
                expert: 0,
                expected: 2,
                actual: 0
            })
        );
        assert_eq!(
            review_result(&[1, 1], &[expert(&[100, 101], true)]),
            Err(GateError::ScoreOutOfRange {
                expert: 0,
                score: 101
            })
        );
    }

    // ---- grant-to-equity ----

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
        assert_eq!(err.code(), "round_too_small");
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
            assert_eq!(e.code(), code);
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

    // ---- tiered loans ----

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
            assert_eq!(e.code(), code);
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

    // ---- technology contracts ----

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

    // ---- properties ----

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

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (1990i32..2100, 1u32..=12, 1u32..=31).prop_map(|(y, m, d)| {
            NaiveDate::from_ymd_opt(y, m, d)
                .or_else(|| NaiveDate::from_ymd_opt(y, m, 28))
                .expect("valid date")
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

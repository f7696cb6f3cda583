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

// One file per concern, as in `kechuang_store::transfer` and the web
// service: stages, gates and expert review; grant-to-equity and the fund
// pool; tiered loans; technology contracts. Callers use the re-exports.
mod contracts;
mod equity;
mod loans;
mod projects;

pub use contracts::*;
pub use equity::*;
pub use loans::*;
pub use projects::*;

use crate::money::Money;

/// Formats fen as yuan for error messages.
fn yuan(fen: i64) -> Money {
    Money::from_fen(fen)
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

/// Saturates an `i128` into the range of `i64`.
fn saturate(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

//! Checked sums of amounts in fen for every total the store reports: a sum
//! that would not fit is refused with 422 `amount_overflow`, never wrapped.
//! (Each amount is bounded at input by `Money::MAX_FEN`.)

use kechuang_domain::money::total_fen;
use kechuang_domain::ErrorCode;

use crate::{StoreError, StoreResult};

/// The refusal of a total that does not fit.
pub fn overflow() -> StoreError {
    StoreError::rule(
        ErrorCode::AmountOverflow,
        "合计金额超出可表示的范围，请核对录入的金额是否有误",
    )
}

/// `a + b`, checked.
pub fn add(a: i64, b: i64) -> StoreResult<i64> {
    a.checked_add(b).ok_or_else(overflow)
}

/// `a - b`, checked.
pub fn sub(a: i64, b: i64) -> StoreResult<i64> {
    a.checked_sub(b).ok_or_else(overflow)
}

/// The total of amounts, checked.
pub fn total<I: IntoIterator<Item = i64>>(amounts: I) -> StoreResult<i64> {
    total_fen(amounts).ok_or_else(overflow)
}

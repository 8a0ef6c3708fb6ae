//! Average yearly growth exact to a written precision (`年均增长率(终值, 初值, 年数, 精度)`):
//! the growth g with (1 + g)^年数 = 终值 ÷ 初值 (an nth root), rounded half away from zero to a
//! multiple of 精度, never through floats.
//!
//! Why the digits are right: t ↦ (1 + t)^n is strictly increasing for t > −1, so whether a
//! candidate t is above or below the exact growth g is decided by comparing (1 + t)^n × 初值
//! with 终值, and both sides are integers once the decimals are scaled (exact, in [`BigInt`]).
//! The result is the multiple k × 精度 with (k − ½) × 精度 ≤ g < (k + ½) × 精度 (an exact tie
//! goes away from zero); k is found by bisection on that comparison, so every digit written is
//! proved by two exact comparisons of its rounding bounds.

use num_bigint::BigInt;
use rust_decimal::Decimal;

/// The most years an average is taken over (the powers compared grow with it).
pub const MAX_YEARS: u32 = 100;

/// Why an average yearly growth cannot be computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrowthError {
    /// 初值 is not above 0, or 终值 is below 0.
    NotPositive,
    /// 年数 is not a whole number from 1 to [`MAX_YEARS`].
    Years,
    /// 精度 is not above 0.
    Step,
    /// The result has more digits than an exact decimal holds.
    TooLarge,
}

/// What went wrong, in words (`ZC0714`).
pub fn why(e: GrowthError) -> crate::diagnostics::Text {
    use crate::diagnostics::Text;
    match e {
        GrowthError::NotPositive => Text::new(
            "年均增长率的初值不大于零或终值小于零，无法计算",
            "the average growth is undefined: the first value is not above zero or the last is below zero",
        ),
        GrowthError::Years => Text::new(
            format!("年均增长率的年数不是 1 至 {MAX_YEARS} 之间的整数"),
            format!(
                "the average growth's number of years is not a whole number from 1 to {MAX_YEARS}"
            ),
        ),
        GrowthError::Step => Text::new(
            "年均增长率的精度不大于零",
            "the average growth's precision is not above zero",
        ),
        GrowthError::TooLarge => Text::new(
            "年均增长率取到这一精度的位数超出精确小数的范围",
            "the average growth at that precision has more digits than an exact decimal holds",
        ),
    }
}

/// (终值 ÷ 初值)^(1/年数) − 1, rounded half away from zero to a multiple of `step` (a ratio:
/// 0.01 for 1%).
pub fn average_growth(
    last: Decimal,
    first: Decimal,
    years: Decimal,
    step: Decimal,
) -> Result<Decimal, GrowthError> {
    if first <= Decimal::ZERO || last < Decimal::ZERO {
        return Err(GrowthError::NotPositive);
    }
    if step <= Decimal::ZERO {
        return Err(GrowthError::Step);
    }
    if !years.fract().is_zero() {
        return Err(GrowthError::Years);
    }
    let n = u32::try_from(years.mantissa() / 10i128.pow(years.scale()))
        .ok()
        .filter(|n| (1..=MAX_YEARS).contains(n))
        .ok_or(GrowthError::Years)?;
    let c = Compare::new(last, first, step, n);
    // Bounds: t_lo ≤ g − 1 < t_hi, widened by doubling (at most ~100 times: |k| < 2^100).
    let limit: i128 = 1 << 100;
    let mut hi: i128 = 1;
    while !c.above(hi) {
        hi = hi.checked_mul(2).filter(|h| *h < limit).ok_or(GrowthError::TooLarge)?;
    }
    let mut lo: i128 = -1;
    while c.above(lo) {
        lo = lo.checked_mul(2).filter(|l| *l > -limit).ok_or(GrowthError::TooLarge)?;
    }
    // Invariant: not above(lo), above(hi).
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if c.above(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    // t_{hi−1} ≤ g − 1 < t_hi: g − 1 rounds half up to hi × step; an exact tie below zero goes
    // away from zero, to hi − 1.
    let k = if c.equal(hi - 1) && 2 * hi - 1 < 0 { hi - 1 } else { hi };
    let m = k.checked_mul(step.mantissa()).ok_or(GrowthError::TooLarge)?;
    Decimal::try_from_i128_with_scale(m, step.scale())
        .map(|d| d.normalize())
        .map_err(|_| GrowthError::TooLarge)
}

/// The exact comparison of (1 + (k + ½) × step)^n × 初值 with 终值, in integers:
/// with step = s ÷ 10^e, 1 + (k + ½) × step = (2 × 10^e + (2k + 1) × s) ÷ (2 × 10^e).
struct Compare {
    s: BigInt,
    b: BigInt,
    n: u32,
    /// 初值's mantissa × 10^(终值's scale).
    left: BigInt,
    /// 终值's mantissa × 10^(初值's scale) × b^n.
    right: BigInt,
}

impl Compare {
    fn new(last: Decimal, first: Decimal, step: Decimal, n: u32) -> Self {
        let ten = |e: u32| BigInt::from(10u8).pow(e);
        let b = BigInt::from(2u8) * ten(step.scale());
        let left = BigInt::from(first.mantissa()) * ten(last.scale());
        let right = BigInt::from(last.mantissa()) * ten(first.scale()) * b.pow(n);
        Self { s: BigInt::from(step.mantissa()), b, n, left, right }
    }

    /// (1 + t_k)^n × 初值 − 终值, scaled by a positive factor; `None` when 1 + t_k ≤ 0.
    fn sign(&self, k: i128) -> Option<std::cmp::Ordering> {
        let a: BigInt = &self.b + (BigInt::from(k) * 2 + 1) * &self.s;
        if a <= BigInt::ZERO {
            return None;
        }
        Some((a.pow(self.n) * &self.left).cmp(&self.right))
    }

    /// t_k = (k + ½) × step is above the exact growth.
    fn above(&self, k: i128) -> bool {
        self.sign(k) == Some(std::cmp::Ordering::Greater)
    }

    /// t_k is the exact growth.
    fn equal(&self, k: i128) -> bool {
        self.sign(k) == Some(std::cmp::Ordering::Equal)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "a test fails loudly")]
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn g(last: &str, first: &str, n: u32, step: &str) -> Result<Decimal, GrowthError> {
        average_growth(d(last), d(first), Decimal::from(n), d(step))
    }

    #[test]
    fn taiyuan_growth_rates() {
        // 4549 ÷ 3347 = 1.359127…, between 1.10765³ = 1.358963… and 1.10775³ = 1.359331…:
        // 10.77% at 0.01%; between 1.105³ = 1.349232… and 1.115³ = 1.386195…: 11% at 1%.
        assert_eq!(g("4549", "3347", 3, "0.0001"), Ok(d("0.1077")));
        assert_eq!(g("4549", "3347", 3, "0.01"), Ok(d("0.11")));
        // 82 ÷ 59.5 = 1.378151…; 1.11275³ = 1.377821… < it < 1.11285³ = 1.378192…: 11.28%.
        assert_eq!(g("82", "59.5", 3, "0.0001"), Ok(d("0.1128")));
        // 18.4 ÷ 13 = 1.415384…; 1.12275³ = 1.415302… < it < 1.12285³ = 1.415680…: 12.28%.
        assert_eq!(g("18.4", "13", 3, "0.0001"), Ok(d("0.1228")));
    }

    #[test]
    fn exact_roots_and_ties() {
        // 1.21 = 1.1²: exactly 10%.
        assert_eq!(g("121", "100", 2, "0.01"), Ok(d("0.1")));
        // 1.1025 = 1.05²: 5%, a tie at 10% steps goes away from zero: 10%.
        assert_eq!(g("1.1025", "1", 2, "0.1"), Ok(d("0.1")));
        // 0.9025 = 0.95²: −5%, a tie at 10% steps goes away from zero: −10%.
        assert_eq!(g("0.9025", "1", 2, "0.1"), Ok(d("-0.1")));
        // No growth, and a fall to nothing (−100%).
        assert_eq!(g("7", "7", 5, "0.0001"), Ok(Decimal::ZERO));
        assert_eq!(g("0", "7", 3, "0.01"), Ok(d("-1")));
    }

    #[test]
    fn refusals() {
        assert_eq!(g("1", "0", 3, "0.01"), Err(GrowthError::NotPositive));
        assert_eq!(g("-1", "1", 3, "0.01"), Err(GrowthError::NotPositive));
        assert_eq!(g("2", "1", 0, "0.01"), Err(GrowthError::Years));
        assert_eq!(g("2", "1", 101, "0.01"), Err(GrowthError::Years));
        assert_eq!(average_growth(d("2"), d("1"), d("2.5"), d("0.01")), Err(GrowthError::Years));
        assert_eq!(g("2", "1", 3, "0"), Err(GrowthError::Step));
        // A huge ratio at a tiny step: more digits than a decimal holds, refused, not wrong.
        assert_eq!(
            g(
                "79228162514264337593543950335",
                "0.0000000000000000000000000001",
                1,
                "0.0000000000000000000000000001"
            ),
            Err(GrowthError::TooLarge)
        );
    }
}

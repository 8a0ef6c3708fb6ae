//! Exact fixed-point numbers: an `i128` mantissa and a scale known when the policy is compiled.
//!
//! A value `m` at scale `s` is `m × 10^-s`. Every result is checked against the range of a
//! [`Decimal`] mantissa (96 bits), so that a value the compiled form holds is exactly the value
//! the interpreter would hold; anything larger is left to the interpreter.

use rust_decimal::Decimal;

/// The largest scale a compiled value may have (a [`Decimal`] holds at most 28 places).
pub const MAX_SCALE: u32 = 28;

/// The largest mantissa a [`Decimal`] holds: 2^96 − 1.
const MAX_MANTISSA: i128 = (1i128 << 96) - 1;

/// `10^k` for `k` up to 38.
#[expect(clippy::indexing_slicing, reason = "a constant loop within the table's bounds")]
const POW10: [i128; 39] = {
    let mut t = [1i128; 39];
    let mut i = 1;
    while i < 39 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// `10^k`, for `k` up to 38.
#[inline]
pub fn pow10(k: u32) -> Option<i128> {
    POW10.get(k as usize).copied()
}

/// `x × y`, checked; products of two numbers within `i64` (nearly all) take the fast way.
#[inline]
pub fn mul(x: i128, y: i128) -> Option<i128> {
    match (i64::try_from(x), i64::try_from(y)) {
        (Ok(a), Ok(b)) => Some(i128::from(a) * i128::from(b)),
        _ => x.checked_mul(y),
    }
}

/// A mantissa kept within what a [`Decimal`] can hold exactly.
pub fn in_range(m: i128) -> Option<i128> {
    (m.unsigned_abs() <= MAX_MANTISSA.unsigned_abs()).then_some(m)
}

/// `m` at scale `from`, at the larger scale `to`.
pub fn rescale(m: i128, from: u32, to: u32) -> Option<i128> {
    let k = to.checked_sub(from)?;
    in_range(mul(m, pow10(k)?)?)
}

/// A decimal as a mantissa at `scale`, when it is exactly representable there.
pub fn from_decimal(d: Decimal, scale: u32) -> Option<i128> {
    let d = d.normalize();
    let m = d.mantissa();
    if d.scale() > scale {
        return None;
    }
    rescale(m, d.scale(), scale)
}

/// The decimal `m × 10^-scale`, normalised; `None` beyond a decimal's range.
pub fn to_decimal(m: i128, scale: u32) -> Option<Decimal> {
    let m = in_range(m)?;
    Decimal::try_from_i128_with_scale(m, scale).ok().map(|d| d.normalize())
}

/// Reads a plain decimal (`-`? digits (`.` digits)?) as a mantissa at `scale`, after multiplying
/// it by the unit factor `factor × 10^-factor_scale`. `None` when the text is not of that shape,
/// has more places than `scale` keeps (unless they are zeros), or is out of range: the caller
/// then reads the cell the exact slow way.
pub fn parse(text: &[u8], factor: i128, factor_scale: u32, scale: u32) -> Option<i128> {
    let (neg, acc, places) = digits(text)?;
    scaled(neg, acc, places, factor, factor_scale, scale)
}

/// The sign, digits (at most 18) and number of places of a plain decimal.
#[inline]
fn digits(text: &[u8]) -> Option<(bool, u64, u32)> {
    let (neg, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let mut acc: u64 = 0;
    let mut places: u32 = 0;
    let mut seen_dot = false;
    let mut int_digits = 0usize;
    let mut n = 0usize;
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                n += 1;
                if n > 18 {
                    // Longer numbers are left to the loader.
                    return None;
                }
                acc = acc * 10 + u64::from(b - b'0');
                if seen_dot {
                    places += 1;
                } else {
                    int_digits += 1;
                }
            }
            b'.' if !seen_dot => seen_dot = true,
            _ => return None,
        }
    }
    if int_digits == 0 || (seen_dot && places == 0) {
        return None;
    }
    Some((neg, acc, places))
}

/// `acc × 10^-places`, negated when `neg`, times the unit factor, as a mantissa at `scale`.
fn scaled(
    neg: bool,
    acc: u64,
    places: u32,
    factor: i128,
    factor_scale: u32,
    scale: u32,
) -> Option<i128> {
    let mut m = mul(i128::from(acc), factor)?;
    let mut s = places + factor_scale;
    while s > scale {
        if m % 10 != 0 {
            return None;
        }
        m /= 10;
        s -= 1;
    }
    let m = rescale(m, s, scale)?;
    Some(if neg { -m } else { m })
}

/// How the cells of one column are read ([`parse`] with its unit factor and scale), with the
/// multiplier for each number of places worked out once: a cell with few places is its digits
/// times one number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading {
    factor: i128,
    factor_scale: u32,
    scale: u32,
    /// Per number of places, `factor × 10^(scale − factor_scale − places)` when that is a
    /// whole number within `i64`, else 0 (the general way). The power may be negative where
    /// the factor has the zeros: `DECIMAL(18, 6)` cells in 万人 at scale 2 are their digits
    /// times 10,000 × 10^−4 = 1 (the general way took a tenth of such a file's run).
    by_places: [i64; 8],
}

impl Reading {
    /// The reading of numbers times `factor × 10^-factor_scale` at `scale`.
    pub fn new(factor: i128, factor_scale: u32, scale: u32) -> Reading {
        let mut by_places = [0i64; 8];
        for (places, k) in (0u32..).zip(by_places.iter_mut()) {
            let multiplier = match scale.checked_sub(factor_scale + places) {
                Some(up) => pow10(up).and_then(|p| mul(factor, p)),
                // Fewer places kept than written: a whole multiplier only when the factor
                // ends in the zeros to take off.
                None => pow10(factor_scale + places - scale)
                    .filter(|p| factor % p == 0)
                    .map(|p| factor / p),
            };
            *k = multiplier.and_then(|k| i64::try_from(k).ok()).unwrap_or(0);
        }
        Reading { factor, factor_scale, scale, by_places }
    }

    /// [`parse`] of one cell.
    #[inline]
    pub fn parse(&self, text: &[u8]) -> Option<i128> {
        let (neg, acc, places) = digits(text)?;
        self.of_digits(neg, acc, places)
    }

    /// The mantissa of a plain decimal already split into its sign, its digits as one whole
    /// number (at most 18 of them) and its number of places (what [`parse`] reads from
    /// `-12.50`: `true`, 1250, 2).
    #[inline]
    pub fn of_digits(&self, neg: bool, acc: u64, places: u32) -> Option<i128> {
        let k = self.by_places.get(places as usize).copied().unwrap_or(0);
        // At most 18 digits: within `i64`; a product past it is worked out the general way.
        match i64::try_from(acc).ok().and_then(|a| a.checked_mul(k)).filter(|_| k != 0) {
            Some(m) => Some(i128::from(if neg { -m } else { m })),
            None => scaled(neg, acc, places, self.factor, self.factor_scale, self.scale),
        }
    }
}

/// Writes `m × 10^-scale` as the shortest exact decimal (`1888.634`, `0`, `-2.5`): what a
/// normalised [`Decimal`] prints.
pub fn write(out: &mut Vec<u8>, m: i128, scale: u32) {
    if m == 0 {
        out.push(b'0');
        return;
    }
    if m < 0 {
        out.push(b'-');
    }
    let mut u = m.unsigned_abs();
    let mut scale = scale as usize;
    while scale > 0 && u.is_multiple_of(10) {
        u /= 10;
        scale -= 1;
    }
    // Digits from the end of the buffer backwards, the point among them.
    let mut buf = [b'0'; 48];
    let mut at = buf.len();
    let mut put = |b: u8, at: &mut usize| {
        *at = at.saturating_sub(1);
        if let Some(slot) = buf.get_mut(*at) {
            *slot = b;
        }
    };
    let mut written = 0usize;
    if let Ok(mut small) = u64::try_from(u) {
        while small > 0 || written <= scale {
            if written == scale && scale > 0 {
                put(b'.', &mut at);
            }
            put(b'0' + (small % 10) as u8, &mut at);
            small /= 10;
            written += 1;
        }
    } else {
        while u > 0 || written <= scale {
            if written == scale && scale > 0 {
                put(b'.', &mut at);
            }
            put(b'0' + u8::try_from(u % 10).unwrap_or(0), &mut at);
            u /= 10;
            written += 1;
        }
    }
    out.extend_from_slice(buf.get(at..).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(m: i128, s: u32) -> String {
        let mut v = Vec::new();
        write(&mut v, m, s);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn writing_matches_normalised_decimals() {
        for (m, s) in [(0, 0), (0, 5), (1_888_634, 3), (18_886_340, 4), (-25, 1), (5, 3), (-5, 3)] {
            let d = Decimal::from_i128_with_scale(m, s).normalize();
            assert_eq!(shown(m, s), d.to_string(), "{m} {s}");
        }
        assert_eq!(shown(37_506_000, 2), "375060");
        // A spread of magnitudes, signs and scales, beyond u64 too.
        let mut x: i128 = 1;
        for i in 0..400u32 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let m = (x >> (i % 90)) % (1i128 << 95);
            let s = i % 29;
            let d = Decimal::from_i128_with_scale(m, s).normalize();
            assert_eq!(shown(m, s), d.to_string(), "{m} {s}");
        }
        assert_eq!(shown(5, 3), "0.005");
    }

    #[test]
    fn parsing_plain_decimals() {
        assert_eq!(parse(b"9443.17", 1, 0, 4), Some(94_431_700));
        assert_eq!(parse(b"-3", 1, 0, 2), Some(-300));
        assert_eq!(parse(b"1.500", 1, 0, 1), Some(15));
        assert_eq!(parse(b"1.25", 1, 0, 1), None, "more places than kept");
        assert_eq!(parse(b"12.5", 10_000, 0, 2), Some(12_500_000), "万元 to 元");
        assert_eq!(parse(b"30", 1, 2, 4), Some(3000), "% to a ratio");
        for bad in [&b""[..], b"-", b".5", b"5.", b"1,000", b"1e5", b"+5", b"1.2.3", b" 5"] {
            assert_eq!(parse(bad, 1, 0, 4), None, "{:?}", String::from_utf8_lossy(bad));
        }
        assert_eq!(parse(b"99999999999999999999999999999", 1, 0, 0), None);
    }

    /// A column's reading, its multipliers worked out once, reads every cell as [`parse`] does:
    /// numbers of every length and number of places, each unit factor and scale.
    #[test]
    fn a_reading_agrees_with_parse() {
        let texts: Vec<String> = [
            "0",
            "-0",
            "7",
            "-12",
            "9443.17",
            "1.500",
            "1.25",
            "0.0001",
            "123456789012345678",
            "-99999999999999999",
            "922337203685477.5807",
            "12.3456789",
            "12.345678",
            "1234.000000",
            "-0.000100",
            "5.",
            ".5",
            "1,0",
            "",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain((0..400u64).map(|i| {
            let digits = (i * 7_919 % 1_000_003).to_string();
            let cut = (i % 9) as usize;
            match digits.len().checked_sub(cut) {
                Some(at) if cut > 0 && at > 0 => {
                    let (whole, places) = digits.split_at(at);
                    format!("{whole}.{places}")
                }
                _ => digits,
            }
        }))
        .collect();
        for (factor, factor_scale) in
            [(1, 0), (10_000, 0), (100_000_000, 0), (1, 2), (15, 1), (1_000, 0), (20, 1)]
        {
            for scale in [0, 2, 4, 6, 9] {
                let reading = Reading::new(factor, factor_scale, scale);
                for t in &texts {
                    assert_eq!(
                        reading.parse(t.as_bytes()),
                        parse(t.as_bytes(), factor, factor_scale, scale),
                        "{t:?} × {factor}e-{factor_scale} at scale {scale}"
                    );
                }
            }
        }
    }

    #[test]
    fn conversions_stay_within_decimal_range() {
        assert_eq!(from_decimal(Decimal::new(12_345, 2), 4), Some(1_234_500));
        assert_eq!(from_decimal(Decimal::new(12_345, 3), 2), None);
        assert_eq!(to_decimal(1_234_500, 4), Some(Decimal::new(12_345, 2)));
        assert_eq!(to_decimal(1i128 << 100, 0), None);
        assert_eq!(rescale(MAX_MANTISSA, 0, 1), None);
        assert_eq!(in_range(-MAX_MANTISSA), Some(-MAX_MANTISSA));
    }
}

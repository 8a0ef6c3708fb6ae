//! A small deterministic random number generator (SplitMix64): the same seed gives the same
//! numbers on every platform, with integer arithmetic only.

/// SplitMix64 (Steele, Lea and Flood): a 64-bit state advanced by a constant and mixed.
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator for one row of a register: the rows are independent of each other, so the
    /// first `n` rows of a larger register are the register of `n` rows.
    pub fn for_row(seed: u64, row: u64) -> Rng {
        let mut r = Rng { state: seed };
        let mixed = r.next_u64() ^ row.wrapping_mul(0xD1B5_4A32_D192_ED03);
        Rng { state: mixed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0), without modulo bias worth speaking of
    /// (Lemire's multiply-shift).
    pub fn below(&mut self, n: u64) -> u64 {
        let wide = u128::from(self.next_u64()) * u128::from(n);
        u64::try_from(wide >> 64).unwrap_or(0)
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = hi.abs_diff(lo).saturating_add(1);
        lo.saturating_add_unsigned(self.below(span))
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// The number of heads in `n` fair coin tosses: a bell shape around `n / 2`.
    pub fn binomial(&mut self, n: u32) -> u32 {
        let bits = self.next_u64();
        let mask = if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
        (bits & mask).count_ones()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sequence_is_fixed() {
        // SplitMix64's published first output for seed 0.
        let mut r = Rng { state: 0 };
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        let mut a = Rng::for_row(7, 3);
        let mut b = Rng::for_row(7, 3);
        assert_eq!(a.next_u64(), b.next_u64());
        assert_ne!(Rng::for_row(7, 3).next_u64(), Rng::for_row(7, 4).next_u64());
        assert_ne!(Rng::for_row(7, 3).next_u64(), Rng::for_row(8, 3).next_u64());
    }

    #[test]
    fn ranges_are_respected() {
        let mut r = Rng::for_row(1, 1);
        for _ in 0..1000 {
            let x = r.between(-3, 5);
            assert!((-3..=5).contains(&x));
            assert!(r.below(10) < 10);
            assert!(r.binomial(4) <= 4);
        }
        assert_eq!(r.below(0), 0);
        assert_eq!(r.between(4, 4), 4);
    }
}

//! Exact quantiles in bounded memory.
//!
//! A quantile is a value of the data (nearest rank: the smallest value with at least `q × n`
//! values at or below it), never an interpolation. While a pass has seen at most `bound`
//! distinct values they are all kept and every quantile is read off exactly. Beyond that, each
//! quantile is found by narrowing: a further pass counts the values of the range known to hold
//! it in [`BUCKETS`] sub-ranges, and keeps them exactly if they are few enough; the next pass
//! looks only at the sub-range holding the quantile's rank. Each pass divides the range by
//! [`BUCKETS`], so a few passes suffice. Memory is `bound` values per quantile whatever the
//! number of subjects; a quantile still not pinned down after [`MAX_PASSES`] is given as the
//! range that holds it.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

/// The quantiles reported: a name and the fraction `num / den`.
pub const QUANTILES: [(&str, u64, u64); 6] = [
    ("P10", 10, 100),
    ("P25", 25, 100),
    ("P50", 50, 100),
    ("P75", 75, 100),
    ("P90", 90, 100),
    ("P99", 99, 100),
];

/// How many distinct values are kept exactly, by default.
pub const DEFAULT_BOUND: usize = 1 << 13;

/// How many sub-ranges a range is divided into on each narrowing pass.
pub const BUCKETS: usize = 1024;

/// The most narrowing passes made.
pub const MAX_PASSES: u32 = 12;

/// A quantile's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Quantile {
    /// The exact value.
    Exact(Decimal),
    /// Not pinned down: a value in `lo..=hi`.
    Between(Decimal, Decimal),
}

/// The nearest rank of the fraction `num / den` among `n` values: ⌈n × num / den⌉, at least 1.
pub fn rank(n: u64, num: u64, den: u64) -> u64 {
    if den == 0 {
        return 1;
    }
    let x = u128::from(n) * u128::from(num);
    let r = x.div_ceil(u128::from(den));
    u64::try_from(r).unwrap_or(u64::MAX).max(1)
}

/// The distinct values seen, with their counts, while there are at most `bound` of them.
#[derive(Clone, Debug)]
pub struct Distinct {
    map: Option<BTreeMap<Decimal, u64>>,
    bound: usize,
}

impl Distinct {
    pub fn new(bound: usize) -> Distinct {
        Distinct { map: Some(BTreeMap::new()), bound }
    }

    /// Counts a value; forgets them all once there are more than `bound`.
    pub fn add(&mut self, v: Decimal) {
        if let Some(m) = &mut self.map {
            *m.entry(v.normalize()).or_insert(0) += 1;
            if m.len() > self.bound {
                self.map = None;
            }
        }
    }

    /// Whether every value seen is still known.
    pub fn is_exact(&self) -> bool {
        self.map.is_some()
    }

    /// The value of rank `r` (from 1), if every value is known and there are that many.
    pub fn nth(&self, r: u64) -> Option<Decimal> {
        let mut seen = 0u64;
        for (v, c) in self.map.as_ref()? {
            seen = seen.saturating_add(*c);
            if seen >= r {
                return Some(*v);
            }
        }
        None
    }
}

/// One quantile being narrowed down.
#[derive(Clone, Debug)]
struct Target {
    rank: u64,
    /// How many values lie below the range.
    below: u64,
    /// The edges of the sub-ranges: `edges[i] <= v < edges[i + 1]`; the last one includes its
    /// upper edge when `inclusive`.
    edges: Vec<Decimal>,
    inclusive: bool,
    counts: Vec<u64>,
    seen: Distinct,
    answer: Option<Quantile>,
}

impl Target {
    fn new(
        rank: u64,
        below: u64,
        lo: Decimal,
        hi: Decimal,
        inclusive: bool,
        bound: usize,
    ) -> Target {
        let edges = split(lo, hi);
        let counts = vec![0; edges.len().saturating_sub(1)];
        let answer = (edges.len() < 2).then_some(Quantile::Between(lo, hi));
        Target { rank, below, edges, inclusive, counts, seen: Distinct::new(bound), answer }
    }

    fn lo(&self) -> Decimal {
        self.edges.first().copied().unwrap_or_default()
    }

    fn hi(&self) -> Decimal {
        self.edges.last().copied().unwrap_or_default()
    }

    fn holds(&self, v: Decimal) -> bool {
        v >= self.lo() && (v < self.hi() || (self.inclusive && v == self.hi()))
    }
}

/// `BUCKETS + 1` increasing edges from `lo` to `hi` (fewer when the range is too narrow for
/// the precision of a decimal).
fn split(lo: Decimal, hi: Decimal) -> Vec<Decimal> {
    let width = hi.checked_sub(lo).unwrap_or_default();
    let k = Decimal::from(BUCKETS as u64);
    let mut edges: Vec<Decimal> = vec![lo];
    for i in 1..BUCKETS {
        let e = width
            .checked_mul(Decimal::from(i as u64))
            .and_then(|x| x.checked_div(k))
            .and_then(|x| x.checked_add(lo));
        if let Some(e) = e
            && edges.last().is_some_and(|last| e > *last)
            && e < hi
        {
            edges.push(e);
        }
    }
    if hi > lo {
        edges.push(hi);
    }
    edges
}

/// The quantiles of a set of values, found in as many passes as needed.
#[derive(Clone, Debug)]
pub struct Quantiles {
    targets: Vec<Target>,
    bound: usize,
    passes: u32,
}

impl Quantiles {
    /// After a first pass over `n` values from `min` to `max` whose distinct values are
    /// `first` (kept exactly or not).
    pub fn start(n: u64, min: Decimal, max: Decimal, first: &Distinct, bound: usize) -> Quantiles {
        let targets = QUANTILES
            .iter()
            .map(|(_, num, den)| {
                let r = rank(n, *num, *den);
                let mut t = Target::new(r, 0, min, max, true, bound);
                if n == 0 {
                    t.answer = Some(Quantile::Exact(Decimal::ZERO));
                } else if min == max {
                    t.answer = Some(Quantile::Exact(min));
                } else if let Some(v) = first.nth(r) {
                    t.answer = Some(Quantile::Exact(v));
                }
                t
            })
            .collect();
        Quantiles { targets, bound, passes: 0 }
    }

    /// Whether another pass is needed.
    pub fn pending(&self) -> bool {
        self.targets.iter().any(|t| t.answer.is_none())
    }

    /// Counts a value during a narrowing pass.
    pub fn add(&mut self, v: Decimal) {
        for t in self.targets.iter_mut().filter(|t| t.answer.is_none()) {
            if !t.holds(v) {
                continue;
            }
            t.seen.add(v);
            let i = t.edges.partition_point(|e| *e <= v).saturating_sub(1);
            let last = t.counts.len().saturating_sub(1);
            if let Some(c) = t.counts.get_mut(i.min(last)) {
                *c += 1;
            }
        }
    }

    /// Ends a narrowing pass: each quantile is read off or its range narrowed.
    pub fn end_pass(&mut self) {
        self.passes += 1;
        let bound = self.bound;
        let give_up = self.passes >= MAX_PASSES;
        for t in self.targets.iter_mut().filter(|t| t.answer.is_none()) {
            let within = t.rank.saturating_sub(t.below);
            if let Some(v) = t.seen.nth(within) {
                t.answer = Some(Quantile::Exact(v));
                continue;
            }
            let mut below = t.below;
            let mut found = None;
            for (i, c) in t.counts.iter().enumerate() {
                if below.saturating_add(*c) >= t.rank {
                    found = Some(i);
                    break;
                }
                below = below.saturating_add(*c);
            }
            let Some(i) = found else {
                t.answer = Some(Quantile::Between(t.lo(), t.hi()));
                continue;
            };
            let (lo, hi) = (t.edges.get(i).copied(), t.edges.get(i + 1).copied());
            let (Some(lo), Some(hi)) = (lo, hi) else {
                t.answer = Some(Quantile::Between(t.lo(), t.hi()));
                continue;
            };
            let inclusive = t.inclusive && i + 1 == t.counts.len();
            if give_up {
                t.answer = Some(Quantile::Between(lo, hi));
                continue;
            }
            *t = Target::new(t.rank, below, lo, hi, inclusive, bound);
        }
    }

    /// The narrowing passes made.
    pub fn passes(&self) -> u32 {
        self.passes
    }

    /// Each quantile's name and value.
    pub fn results(&self) -> Vec<(&'static str, Quantile)> {
        QUANTILES
            .iter()
            .zip(&self.targets)
            .map(|((name, ..), t)| {
                (*name, t.answer.clone().unwrap_or(Quantile::Between(t.lo(), t.hi())))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(values: &[i64], bound: usize) -> (Vec<Quantile>, u32) {
        let mut first = Distinct::new(bound);
        for v in values {
            first.add(Decimal::from(*v));
        }
        let min = values.iter().min().copied().map(Decimal::from).unwrap_or_default();
        let max = values.iter().max().copied().map(Decimal::from).unwrap_or_default();
        let mut q = Quantiles::start(values.len() as u64, min, max, &first, bound);
        while q.pending() {
            for v in values {
                q.add(Decimal::from(*v));
            }
            q.end_pass();
        }
        (q.results().into_iter().map(|(_, q)| q).collect(), q.passes())
    }

    fn sorted_rank(values: &[i64]) -> Vec<Quantile> {
        let mut s = values.to_vec();
        s.sort_unstable();
        QUANTILES
            .iter()
            .map(|(_, num, den)| {
                let r = rank(s.len() as u64, *num, *den) as usize;
                Quantile::Exact(Decimal::from(s[r - 1]))
            })
            .collect()
    }

    #[test]
    fn nearest_rank() {
        assert_eq!(rank(10, 50, 100), 5);
        assert_eq!(rank(11, 50, 100), 6);
        assert_eq!(rank(1, 10, 100), 1);
        assert_eq!(rank(1000, 99, 100), 990);
        assert_eq!(rank(0, 50, 100), 1);
    }

    #[test]
    fn few_values_are_read_off_in_one_pass() {
        let values = [5, 1, 4, 2, 3, 3, 9, 10, 7, 8];
        let (q, passes) = exact(&values, 100);
        assert_eq!(passes, 0);
        assert_eq!(q, sorted_rank(&values));
        // P50 of 10 values is the 5th smallest: 1 2 3 3 [4] 5 7 8 9 10.
        assert_eq!(q[2], Quantile::Exact(Decimal::from(4)));
    }

    #[test]
    fn many_values_are_narrowed_down_exactly() {
        // 20,000 values, many distinct, spread unevenly, with a small bound.
        let values: Vec<i64> = (0..20_000i64)
            .map(|i| (i * 7919) % 10_007 + if i % 3 == 0 { 1_000_000 } else { 0 })
            .collect();
        let (q, passes) = exact(&values, 16);
        assert!(passes >= 1);
        assert_eq!(q, sorted_rank(&values));
    }

    #[test]
    fn repeated_values_at_range_edges() {
        let mut values = vec![0i64; 5000];
        values.extend(std::iter::repeat_n(1_000_000, 5000));
        values.extend(0..300);
        let (q, _) = exact(&values, 8);
        assert_eq!(q, sorted_rank(&values));
    }
}

//! What one pass over the subjects adds up: per award the exact total and the number of
//! recipients, per subject the total it receives, counted into fixed histogram bands and kept
//! for exact quantiles while few. Memory does not depend on the number of subjects.

use rust_decimal::Decimal;

use super::quantile::Distinct;

/// The edges of the histogram bands, in 元: 1, 2, 5, 10, 20, 50, … up to 5 × 10¹².
pub fn band_edges() -> Vec<Decimal> {
    let mut edges = Vec::new();
    let mut unit = Decimal::ONE;
    for _ in 0..13 {
        for m in [1u32, 2, 5] {
            if let Some(e) = unit.checked_mul(Decimal::from(m)) {
                edges.push(e);
            }
        }
        unit = unit.checked_mul(Decimal::TEN).unwrap_or(unit);
    }
    edges
}

/// The sums of one pass.
#[derive(Clone, Debug)]
pub struct Aggregate {
    /// The awards' names, in the order amounts are given to [`Aggregate::add`].
    pub awards: Vec<String>,
    /// Subjects seen.
    pub subjects: u64,
    /// Per award: the total paid, in 元.
    pub totals: Vec<Decimal>,
    /// Per award: subjects with an amount above 0.
    pub recipients: Vec<u64>,
    /// Per award: subjects for which it could not be evaluated.
    pub unknown: Vec<u64>,
    /// All awards of all subjects, in 元.
    pub total: Decimal,
    /// Subjects receiving more than 0 in all.
    pub paid_subjects: u64,
    /// The smallest and largest total a recipient receives.
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
    /// Recipients per histogram band: below 1元, then between consecutive [`band_edges`], then
    /// above the last.
    pub bands: Vec<u64>,
    edges: Vec<Decimal>,
    /// Recipients' totals, exactly while few.
    pub distinct: Distinct,
    /// A sum went beyond what a decimal holds.
    pub overflow: bool,
}

impl Aggregate {
    /// An empty aggregate for `awards`, keeping at most `bound` distinct totals.
    pub fn new(awards: Vec<String>, bound: usize) -> Aggregate {
        let n = awards.len();
        let edges = band_edges();
        Aggregate {
            awards,
            subjects: 0,
            totals: vec![Decimal::ZERO; n],
            recipients: vec![0; n],
            unknown: vec![0; n],
            total: Decimal::ZERO,
            paid_subjects: 0,
            min: None,
            max: None,
            bands: vec![0; edges.len() + 1],
            edges,
            distinct: Distinct::new(bound),
            overflow: false,
        }
    }

    /// What a subject receives in all: the sum of its awards (those evaluated).
    pub fn subject_total(amounts: &[Option<Decimal>]) -> Option<Decimal> {
        amounts.iter().flatten().try_fold(Decimal::ZERO, |s, a| s.checked_add(*a))
    }

    /// Adds one subject: `amounts` has one entry per award, `None` where it could not be
    /// evaluated. The subject's id is not kept.
    pub fn add(&mut self, _id: &str, amounts: &[Option<Decimal>]) {
        self.subjects += 1;
        for (i, a) in amounts.iter().enumerate() {
            match a {
                Some(a) => {
                    if let Some(t) = self.totals.get_mut(i) {
                        match t.checked_add(*a) {
                            Some(x) => *t = x,
                            None => self.overflow = true,
                        }
                    }
                    if *a > Decimal::ZERO
                        && let Some(r) = self.recipients.get_mut(i)
                    {
                        *r += 1;
                    }
                }
                None => {
                    if let Some(u) = self.unknown.get_mut(i) {
                        *u += 1;
                    }
                }
            }
        }
        let Some(sum) = Self::subject_total(amounts) else {
            self.overflow = true;
            return;
        };
        match self.total.checked_add(sum) {
            Some(t) => self.total = t,
            None => self.overflow = true,
        }
        if sum <= Decimal::ZERO {
            return;
        }
        self.paid_subjects += 1;
        self.min = Some(self.min.map_or(sum, |m| m.min(sum)));
        self.max = Some(self.max.map_or(sum, |m| m.max(sum)));
        let band = self.edges.partition_point(|e| *e <= sum);
        if let Some(b) = self.bands.get_mut(band) {
            *b += 1;
        }
        self.distinct.add(sum);
    }

    /// The histogram: each band from the first to the last holding a recipient, as
    /// (lower edge, upper edge, recipients); the first band starts at 0, the last may be open.
    pub fn histogram(&self) -> Vec<(Decimal, Option<Decimal>, u64)> {
        let first = self.bands.iter().position(|c| *c > 0);
        let last = self.bands.iter().rposition(|c| *c > 0);
        let (Some(first), Some(last)) = (first, last) else { return Vec::new() };
        (first..=last)
            .map(|i| {
                let lo = if i == 0 {
                    Decimal::ZERO
                } else {
                    self.edges.get(i - 1).copied().unwrap_or_default()
                };
                let hi = self.edges.get(i).copied();
                (lo, hi, self.bands.get(i).copied().unwrap_or(0))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn totals_recipients_and_bands() {
        let mut a = Aggregate::new(vec!["甲".into(), "乙".into()], 100);
        a.add("1", &[Some(d("150000")), Some(d("0"))]);
        a.add("2", &[Some(d("0")), Some(d("0"))]);
        a.add("3", &[Some(d("0.5")), None]);
        a.add("4", &[Some(d("20000")), Some(d("30000"))]);
        assert_eq!(a.subjects, 4);
        assert_eq!(a.totals, [d("170000.5"), d("30000")]);
        assert_eq!(a.recipients, [3, 1]);
        assert_eq!(a.unknown, [0, 1]);
        assert_eq!(a.total, d("200000.5"));
        assert_eq!(a.paid_subjects, 3);
        assert_eq!((a.min, a.max), (Some(d("0.5")), Some(d("150000"))));
        let h = a.histogram();
        // 0.5 below 1元; 50,000 in [50,000, 100,000); 150,000 in [100,000, 200,000).
        assert_eq!(h.first(), Some(&(d("0"), Some(d("1")), 1)));
        assert_eq!(h.last(), Some(&(d("100000"), Some(d("200000")), 1)));
        assert_eq!(h.iter().map(|x| x.2).sum::<u64>(), 3);
    }
}

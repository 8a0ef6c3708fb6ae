//! Simulation: a policy over a whole register, in aggregate (`zhengce simulate`).
//!
//! A [`Source`] yields the subjects; an [`Aggregate`] adds up a pass; [`simulate`] drives as
//! many passes as the figures need: one for totals, recipients and the histogram, more when the
//! quantiles cannot be read off the first pass ([`quantile`]) or when a pool is exceeded and cut
//! in proportion ([`pools`]), since a cut needs the pool's claims first. Nothing per subject is
//! kept, so memory does not grow with the register.

pub mod aggregate;
pub mod chart;
pub mod paired;
pub mod pools;
pub mod quantile;
pub mod render;
pub mod source;
pub mod streamed;

use rust_decimal::Decimal;

use crate::diagnostics::Diagnostics;
pub use aggregate::Aggregate;
pub use paired::StreamedPair;
use pools::{Line, Pool};
use quantile::{Quantile, Quantiles};
pub use source::{Cell, Column, Interpreted, Row, Source};
pub use streamed::Streamed;

/// One award over the register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwardStats {
    pub name: String,
    /// In 元, as claimed (before any pool cut).
    pub total: Decimal,
    /// Subjects with an amount above 0.
    pub recipients: u64,
    /// Subjects for which the award could not be evaluated.
    pub unknown: u64,
    /// In 元, after the cut of a pool that pays it, when one is cut.
    pub after_cut: Option<Decimal>,
}

/// A pool cut in proportion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cut {
    /// The ratio pool ÷ claims, to 28 significant digits.
    pub ratio: Decimal,
    /// Whether `ratio` is exact (the division ends).
    pub ratio_exact: bool,
    /// What is paid after the cut, in 元: the sum of every claim cut and rounded down.
    pub paid: Decimal,
    /// What the rounding down leaves unpaid, in 元: pool − paid.
    pub remainder: Decimal,
    /// Subjects whose claim was cut.
    pub subjects: u64,
}

/// A pool against its claims.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolUse {
    pub name: String,
    /// In 元.
    pub total: Decimal,
    /// The claims on it, in 元.
    pub claims: Decimal,
    pub awards: Vec<String>,
    /// Awards of imported policies it names, not evaluated here.
    pub foreign: Vec<String>,
    /// `按比例核减`: the step, in 元.
    pub step: Option<Decimal>,
    /// The cut, when the claims exceed the pool and it is cut in proportion.
    pub cut: Option<Cut>,
}

/// A budget line against the awards paid from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineUse {
    pub name: String,
    /// In 元.
    pub amount: Decimal,
    /// The claims on it, in 元.
    pub claims: Decimal,
    pub awards: Vec<String>,
}

/// A histogram band: recipients whose total is in `lo..hi` (`hi` open for the last).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Band {
    pub lo: Decimal,
    pub hi: Option<Decimal>,
    pub count: u64,
}

/// The whole simulation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Simulation {
    pub subjects: u64,
    pub awards: Vec<AwardStats>,
    /// All awards together, in 元 (before any pool cut).
    pub total: Decimal,
    /// All awards together after the cut of the pools, when one is cut: what the recipients
    /// receive (the distribution below is theirs).
    pub paid: Option<Decimal>,
    /// Subjects receiving more than 0 (after any pool cut).
    pub recipients: u64,
    /// The smallest and largest total of a recipient (after any pool cut).
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
    /// Quantiles of the recipients' totals (none when nobody receives anything).
    pub quantiles: Vec<(&'static str, Quantile)>,
    pub histogram: Vec<Band>,
    pub pools: Vec<PoolUse>,
    pub lines: Vec<LineUse>,
    /// Passes made over the register.
    pub passes: u32,
    /// A sum went beyond what a decimal holds; the totals are not reliable.
    pub overflow: bool,
}

/// Runs the simulation over `source` for the awards among its columns, with the policy's
/// `pools` and budget `lines` (their award indices count the award columns in order), keeping at
/// most `bound` distinct values per quantile.
pub fn simulate(
    source: &mut dyn Source,
    pools: &[Pool],
    lines: &[Line],
    bound: usize,
) -> (Simulation, Diagnostics) {
    let award_cols: Vec<usize> =
        source.columns().iter().enumerate().filter(|(_, c)| c.award).map(|(i, _)| i).collect();
    let names: Vec<String> = award_cols
        .iter()
        .filter_map(|i| source.columns().get(*i).map(|c| c.name.clone()))
        .collect();
    let amounts_of = |row: &Row<'_>, buf: &mut Vec<Option<Decimal>>| {
        buf.clear();
        buf.extend(award_cols.iter().map(|i| row.cells.get(*i).and_then(Cell::money)));
    };
    let mut buf = Vec::new();
    let mut overflow = false;
    let mut passes = 0;
    // A pool that can cut needs its claims before any amount is added up: a first pass adds up
    // each award's claims, and the passes after it see every amount after the cut, so that the
    // distribution is what each recipient receives.
    let can_cut = pools.iter().any(|p| p.step.is_some() && !p.awards.is_empty());
    let mut claimed: Option<(Vec<Decimal>, Diagnostics)> = None;
    if can_cut {
        let mut totals = vec![Decimal::ZERO; names.len()];
        let diags = source.pass(&mut |row| {
            amounts_of(&row, &mut buf);
            for (t, a) in totals.iter_mut().zip(&buf) {
                if let Some(a) = a {
                    match t.checked_add(*a) {
                        Some(v) => *t = v,
                        None => overflow = true,
                    }
                }
            }
        });
        passes += 1;
        claimed = Some((totals, diags));
    }
    // A pool's claims: the sum of its awards' totals, `None` past the exact range.
    let sum = |awards: &[usize], totals: &[Decimal]| {
        awards
            .iter()
            .filter_map(|i| totals.get(*i))
            .try_fold(Decimal::ZERO, |s, x| s.checked_add(*x))
    };
    let claim_totals: Vec<Decimal> = claimed.as_ref().map(|c| c.0.clone()).unwrap_or_default();
    let pool_claims: Vec<Decimal> = pools
        .iter()
        .map(|p| {
            sum(&p.awards, &claim_totals).unwrap_or_else(|| {
                overflow = true;
                Decimal::ZERO
            })
        })
        .collect();
    // The pools to cut, and for each award the first such pool that pays it.
    let cutting: Vec<bool> = pools
        .iter()
        .zip(&pool_claims)
        .map(|(p, c)| can_cut && p.step.is_some() && *c > p.total)
        .collect();
    let mut cut_by: Vec<Option<usize>> = vec![None; names.len()];
    for (pi, p) in pools.iter().enumerate() {
        if !cutting.get(pi).copied().unwrap_or(false) {
            continue;
        }
        for a in &p.awards {
            if let Some(slot) = cut_by.get_mut(*a)
                && slot.is_none()
            {
                *slot = Some(pi);
            }
        }
    }
    let any_cut = cut_by.iter().any(Option::is_some);
    // Cuts a row's amounts; adds what each pool pays and the subjects it cuts when `count`.
    let mut paid = vec![Decimal::ZERO; pools.len()];
    let mut cut_subjects = vec![0u64; pools.len()];
    let mut cut_row = |buf: &mut Vec<Option<Decimal>>, count: bool, overflow: &mut bool| {
        if !any_cut {
            return;
        }
        let mut touched = vec![false; pools.len()];
        for (ai, slot) in buf.iter_mut().enumerate() {
            let (Some(Some(pi)), Some(a)) = (cut_by.get(ai), *slot) else { continue };
            let (Some(p), Some(claims)) = (pools.get(*pi), pool_claims.get(*pi)) else { continue };
            let Some(c) = pools::cut(a, p.total, *claims, p.step.unwrap_or_default()) else {
                *overflow = true;
                continue;
            };
            *slot = Some(c);
            if !count {
                continue;
            }
            if let Some(x) = paid.get_mut(*pi) {
                match x.checked_add(c) {
                    Some(v) => *x = v,
                    None => *overflow = true,
                }
            }
            if c < a
                && let Some(t) = touched.get_mut(*pi)
            {
                *t = true;
            }
        }
        for (pi, t) in touched.iter().enumerate() {
            if *t && let Some(n) = cut_subjects.get_mut(pi) {
                *n += 1;
            }
        }
    };
    let mut agg = Aggregate::new(names.clone(), bound);
    let first = source.pass(&mut |row| {
        amounts_of(&row, &mut buf);
        cut_row(&mut buf, true, &mut overflow);
        agg.add(row.id, &buf);
    });
    passes += 1;
    let diags = match claimed {
        Some((_, d)) => d,
        None => first,
    };
    overflow |= agg.overflow;
    // Without a cut, the claims are the totals of this pass.
    let claim_totals = if can_cut { claim_totals } else { agg.totals.clone() };
    let mut pool_uses: Vec<PoolUse> = pools
        .iter()
        .map(|p| PoolUse {
            name: p.name.clone(),
            total: p.total,
            claims: sum(&p.awards, &claim_totals).unwrap_or_else(|| {
                overflow = true;
                Decimal::ZERO
            }),
            awards: p.awards.iter().filter_map(|i| names.get(*i).cloned()).collect(),
            foreign: p.foreign.clone(),
            step: p.step,
            cut: None,
        })
        .collect();
    let line_uses: Vec<LineUse> = lines
        .iter()
        .map(|l| LineUse {
            name: l.name.clone(),
            amount: l.amount,
            claims: sum(&l.awards, &claim_totals).unwrap_or_else(|| {
                overflow = true;
                Decimal::ZERO
            }),
            awards: l.awards.iter().filter_map(|i| names.get(*i).cloned()).collect(),
        })
        .collect();
    let mut quantiles = Quantiles::start(
        agg.paid_subjects,
        agg.min.unwrap_or_default(),
        agg.max.unwrap_or_default(),
        &agg.distinct,
        bound,
    );
    while quantiles.pending() {
        let _ = source.pass(&mut |row| {
            amounts_of(&row, &mut buf);
            cut_row(&mut buf, false, &mut overflow);
            if let Some(t) = Aggregate::subject_total(&buf)
                && t > Decimal::ZERO
            {
                quantiles.add(t);
            }
        });
        passes += 1;
        quantiles.end_pass();
    }
    for (pi, pu) in pool_uses.iter_mut().enumerate() {
        if !cutting.get(pi).copied().unwrap_or(false) {
            continue;
        }
        let ratio = pu.total.checked_div(pu.claims).unwrap_or_default();
        let ratio_exact = pools::divides_exactly(pu.total, pu.claims);
        let paid = paid.get(pi).copied().unwrap_or_default();
        pu.cut = Some(Cut {
            ratio: ratio.normalize(),
            ratio_exact,
            paid,
            remainder: pu.total.checked_sub(paid).unwrap_or_default().normalize(),
            subjects: cut_subjects.get(pi).copied().unwrap_or(0),
        });
    }
    // The total as claimed, before any cut.
    let claimed_total = claim_totals.iter().try_fold(Decimal::ZERO, |s, x| s.checked_add(*x));
    let total = if any_cut {
        claimed_total.unwrap_or_else(|| {
            overflow = true;
            agg.total
        })
    } else {
        agg.total
    };
    let awards = names
        .iter()
        .enumerate()
        .map(|(i, name)| AwardStats {
            name: name.clone(),
            total: claim_totals.get(i).copied().unwrap_or_default(),
            recipients: agg.recipients.get(i).copied().unwrap_or(0),
            unknown: agg.unknown.get(i).copied().unwrap_or(0),
            after_cut: cut_by.get(i).copied().flatten().and(agg.totals.get(i).copied()),
        })
        .collect();
    let histogram =
        agg.histogram().into_iter().map(|(lo, hi, count)| Band { lo, hi, count }).collect();
    let sim = Simulation {
        subjects: agg.subjects,
        awards,
        total,
        paid: any_cut.then_some(agg.total),
        recipients: agg.paid_subjects,
        min: agg.min,
        max: agg.max,
        quantiles: if agg.paid_subjects == 0 { Vec::new() } else { quantiles.results() },
        histogram,
        pools: pool_uses,
        lines: line_uses,
        passes,
        overflow,
    };
    (sim, diags)
}

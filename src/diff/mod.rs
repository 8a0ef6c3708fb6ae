//! Comparing two versions of a policy on the same register (`zhengce diff`): every outcome of
//! every subject that changed, totals before and after, the subjects who gain and who lose, and
//! the cost against the new version's budget lines and pools.
//!
//! Subjects come from a [`Source`] whose rows hold the old version's columns followed by the
//! new one's ([`crate::simulate::source::Paired`]); rules are matched by name.

pub mod render;

use rust_decimal::Decimal;

use crate::simulate::pools::{Line, Pool};
use crate::simulate::{Cell, Source};

/// One rule's outcome that changed for a subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The rule's name, shared by every subject's change of it.
    pub rule: std::sync::Arc<str>,
    pub before: Cell,
    pub after: Cell,
    /// `after − before` when both are quantities of the same dimension.
    pub delta: Option<Decimal>,
}

/// A subject with at least one changed outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubjectChange {
    pub id: String,
    /// The subject's awards together, before and after, in 元.
    pub before: Decimal,
    pub after: Decimal,
    pub changes: Vec<Change>,
}

impl SubjectChange {
    pub fn delta(&self) -> Decimal {
        self.after.checked_sub(self.before).unwrap_or_default()
    }
}

/// An award's total over the register, before and after (`None` where the version lacks it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwardDelta {
    pub name: String,
    pub before: Option<Decimal>,
    pub after: Option<Decimal>,
    pub recipients_before: u64,
    pub recipients_after: u64,
}

/// A budget line or pool of the new version, against the claims of its awards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BudgetDelta {
    pub name: String,
    /// True for a pool (`资金池`), false for a budget line.
    pub pool: bool,
    pub amount: Decimal,
    /// Claims of the awards it pays, as the old version computes them (awards it lacks count 0).
    pub before: Decimal,
    pub after: Decimal,
}

/// The comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diff {
    pub subjects: u64,
    /// Subjects with a changed outcome, in input order.
    pub changed: Vec<SubjectChange>,
    pub total_before: Decimal,
    pub total_after: Decimal,
    pub awards: Vec<AwardDelta>,
    /// Rules only the new version has, and only the old one.
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub budget: Vec<BudgetDelta>,
    /// A sum or a difference left the exact range: the figures are not reliable, and the
    /// command reports `ZC0702` instead of them.
    pub overflow: bool,
}

impl Diff {
    /// Subjects receiving more in all, most first (ties in input order).
    pub fn winners(&self) -> Vec<&SubjectChange> {
        let mut w: Vec<&SubjectChange> =
            self.changed.iter().filter(|c| c.delta() > Decimal::ZERO).collect();
        w.sort_by_key(|c| std::cmp::Reverse(c.delta()));
        w
    }

    /// Subjects receiving less in all, the largest loss first (ties in input order).
    pub fn losers(&self) -> Vec<&SubjectChange> {
        let mut l: Vec<&SubjectChange> =
            self.changed.iter().filter(|c| c.delta() < Decimal::ZERO).collect();
        l.sort_by_key(|c| c.delta());
        l
    }

    pub fn total_delta(&self) -> Decimal {
        self.total_after.checked_sub(self.total_before).unwrap_or_default()
    }
}

/// Whether two outcomes are the same (quantities compared by value).
fn same(a: &Cell, b: &Cell) -> bool {
    match (a, b) {
        (Cell::Num(x, dx), Cell::Num(y, dy)) => dx == dy && x == y,
        _ => a == b,
    }
}

fn delta(a: &Cell, b: &Cell) -> Option<Decimal> {
    match (a, b) {
        (Cell::Num(x, dx), Cell::Num(y, dy)) if dx == dy => y.checked_sub(*x),
        _ => None,
    }
}

/// Adds `x` to `sum`, noting in `overflow` a sum past the exact range.
fn add(sum: &mut Decimal, x: Decimal, overflow: &std::cell::Cell<bool>) {
    match sum.checked_add(x) {
        Some(v) => *sum = v,
        None => overflow.set(true),
    }
}

/// Compares the two versions over one pass of `source`, whose rows hold `old_columns` cells
/// of the old version, then the new one's. `old_pools` are the old version's pools, their
/// award indices counting the old version's awards; `pools` and `lines` the new version's,
/// counting the new version's. Each version's amounts are compared after its own pools' cut:
/// when a pool can cut, a first pass adds up the claims.
pub fn diff(
    source: &mut dyn Source,
    old_columns: usize,
    old_pools: &[Pool],
    pools: &[Pool],
    lines: &[Line],
) -> (Diff, crate::diagnostics::Diagnostics) {
    let columns = source.columns().to_vec();
    let (old, new) = columns.split_at(old_columns.min(columns.len()));
    // Rules of both versions, matched by name, in the new version's order.
    let pairs: Vec<(usize, usize)> = new
        .iter()
        .enumerate()
        .filter_map(|(j, c)| {
            old.iter().position(|o| o.name == c.name).map(|i| (i, old_columns + j))
        })
        .collect();
    let added: Vec<String> = new
        .iter()
        .filter(|c| !old.iter().any(|o| o.name == c.name))
        .map(|c| c.name.clone())
        .collect();
    let removed: Vec<String> = old
        .iter()
        .filter(|c| !new.iter().any(|n| n.name == c.name))
        .map(|c| c.name.clone())
        .collect();
    let old_awards: Vec<usize> =
        (0..old.len()).filter(|i| old.get(*i).is_some_and(|c| c.award)).collect();
    let new_awards: Vec<usize> = (0..new.len())
        .filter(|j| new.get(*j).is_some_and(|c| c.award))
        .map(|j| old_columns + j)
        .collect();
    // Award totals by name: new order first, then awards only the old version has.
    let mut names: Vec<String> =
        new_awards.iter().filter_map(|j| columns.get(*j).map(|c| c.name.clone())).collect();
    for i in &old_awards {
        if let Some(c) = columns.get(*i)
            && !names.contains(&c.name)
        {
            names.push(c.name.clone());
        }
    }
    let col_of = |side: &[usize], name: &str| {
        side.iter().copied().find(|k| columns.get(*k).is_some_and(|c| c.name == name))
    };
    let award_cols: Vec<(Option<usize>, Option<usize>)> =
        names.iter().map(|n| (col_of(&old_awards, n), col_of(&new_awards, n))).collect();
    // Each column's name once, shared by the changes of every subject.
    let rule_names: Vec<std::sync::Arc<str>> =
        columns.iter().map(|c| std::sync::Arc::from(c.name.as_str())).collect();
    let mut before = vec![Decimal::ZERO; names.len()];
    let mut after = vec![Decimal::ZERO; names.len()];
    let mut rec_before = vec![0u64; names.len()];
    let mut rec_after = vec![0u64; names.len()];
    let mut changed = Vec::new();
    let mut subjects = 0u64;
    let (mut total_before, mut total_after) = (Decimal::ZERO, Decimal::ZERO);
    let overflow = std::cell::Cell::new(false);
    // The cut of each award column: (pool, claims, step) of the first pool of its version that
    // pays it and is exceeded, from a first pass over the claims.
    let (cuts, claimed) =
        pool_cuts(source, &[(&old_awards, old_pools), (&new_awards, pools)], &overflow);
    let mut cut_cells: Vec<Cell> = Vec::new();
    let diags = source.pass(&mut |row| {
        let row = if cuts.iter().all(Option::is_none) {
            row
        } else {
            cut_cells.clear();
            cut_cells.extend_from_slice(row.cells);
            for (k, c) in cut_cells.iter_mut().enumerate() {
                let (Some(Some((total, claims, step))), Some(a)) = (cuts.get(k), c.money()) else {
                    continue;
                };
                match crate::simulate::pools::cut(a, *total, *claims, *step) {
                    Some(x) => *c = Cell::Num(x, crate::units::Dim::MONEY),
                    None => overflow.set(true),
                }
            }
            crate::simulate::Row { id: row.id, cells: &cut_cells }
        };
        subjects += 1;
        let money = |k: Option<usize>| k.and_then(|k| row.cells.get(k)).and_then(Cell::money);
        let (mut sb, mut sa) = (Decimal::ZERO, Decimal::ZERO);
        for (a, (ko, kn)) in award_cols.iter().enumerate() {
            if let Some(x) = money(*ko) {
                add(&mut sb, x, &overflow);
                if let Some(t) = before.get_mut(a) {
                    add(t, x, &overflow);
                }
                if x > Decimal::ZERO
                    && let Some(r) = rec_before.get_mut(a)
                {
                    *r += 1;
                }
            }
            if let Some(x) = money(*kn) {
                add(&mut sa, x, &overflow);
                if let Some(t) = after.get_mut(a) {
                    add(t, x, &overflow);
                }
                if x > Decimal::ZERO
                    && let Some(r) = rec_after.get_mut(a)
                {
                    *r += 1;
                }
            }
        }
        add(&mut total_before, sb, &overflow);
        add(&mut total_after, sa, &overflow);
        let mut changes = Vec::new();
        for (i, j) in &pairs {
            let (Some(a), Some(b)) = (row.cells.get(*i), row.cells.get(*j)) else { continue };
            if !same(a, b) {
                let rule = rule_names.get(*j).cloned().unwrap_or_else(|| "".into());
                if matches!((a, b), (Cell::Num(_, x), Cell::Num(_, y)) if x == y)
                    && delta(a, b).is_none()
                {
                    overflow.set(true);
                }
                changes.push(Change {
                    rule,
                    before: a.clone(),
                    after: b.clone(),
                    delta: delta(a, b),
                });
            }
        }
        if sa.checked_sub(sb).is_none() {
            overflow.set(true);
        }
        if !changes.is_empty() || sb != sa {
            changed.push(SubjectChange { id: row.id.to_string(), before: sb, after: sa, changes });
        }
    });
    let awards: Vec<AwardDelta> = names
        .iter()
        .enumerate()
        .map(|(a, name)| {
            let (ko, kn) = award_cols.get(a).copied().unwrap_or((None, None));
            AwardDelta {
                name: name.clone(),
                before: ko.and(before.get(a).copied()),
                after: kn.and(after.get(a).copied()),
                recipients_before: rec_before.get(a).copied().unwrap_or(0),
                recipients_after: rec_after.get(a).copied().unwrap_or(0),
            }
        })
        .collect();
    // The new version's award names, in order: the indices pools and lines use.
    let new_names: Vec<&str> =
        new_awards.iter().filter_map(|j| columns.get(*j).map(|c| c.name.as_str())).collect();
    // The claims, before any pool's cut.
    let claims = |idx: &[usize], old_side: bool| {
        idx.iter()
            .filter_map(|i| new_names.get(*i))
            .filter_map(|n| {
                let (a, ko, kn) = names
                    .iter()
                    .position(|x| x == n)
                    .and_then(|p| Some((awards.get(p)?, award_cols.get(p)?)))
                    .map(|(a, (ko, kn))| (a, *ko, *kn))?;
                let k = if old_side { ko } else { kn };
                match (&claimed, k) {
                    (Some(t), Some(k)) => t.get(k).copied(),
                    _ => {
                        if old_side {
                            a.before
                        } else {
                            a.after
                        }
                    }
                }
            })
            .fold(Decimal::ZERO, |mut s, x| {
                add(&mut s, x, &overflow);
                s
            })
    };
    let mut budget: Vec<BudgetDelta> = pools
        .iter()
        .map(|p| BudgetDelta {
            name: p.name.clone(),
            pool: true,
            amount: p.total,
            before: claims(&p.awards, true),
            after: claims(&p.awards, false),
        })
        .collect();
    budget.extend(lines.iter().map(|l| BudgetDelta {
        name: l.name.clone(),
        pool: false,
        amount: l.amount,
        before: claims(&l.awards, true),
        after: claims(&l.awards, false),
    }));
    if total_after.checked_sub(total_before).is_none() {
        overflow.set(true);
    }
    let overflow = overflow.get();
    let d = Diff {
        subjects,
        changed,
        total_before,
        total_after,
        awards,
        added,
        removed,
        budget,
        overflow,
    };
    (d, diags)
}

/// A pool's cut of a column: the pool, its claims and its step.
type PoolCut = (Decimal, Decimal, Decimal);

/// Per column of the register, the cut of the pool that pays it, and each column's total before
/// any cut (the claims) when a pass was taken: `(pool, claims, step)` for the
/// awards (`sides`: each version's award columns and pools) of the first pool of their version
/// that pays them and whose claims exceed it with a cut written; `None` elsewhere. Takes a pass
/// over `source` only when some pool writes a cut.
fn pool_cuts(
    source: &mut dyn Source,
    sides: &[(&[usize], &[Pool])],
    overflow: &std::cell::Cell<bool>,
) -> (Vec<Option<PoolCut>>, Option<Vec<Decimal>>) {
    let width = source.columns().len();
    let mut cuts = vec![None; width];
    if !sides.iter().any(|(_, pools)| pools.iter().any(|p| p.step.is_some())) {
        return (cuts, None);
    }
    let mut totals = vec![Decimal::ZERO; width];
    let _ = source.pass(&mut |row| {
        for (t, c) in totals.iter_mut().zip(row.cells) {
            if let Some(a) = c.money() {
                add(t, a, overflow);
            }
        }
    });
    for (awards, pools) in sides {
        for p in pools.iter() {
            let Some(step) = p.step else { continue };
            let cols: Vec<usize> =
                p.awards.iter().filter_map(|i| awards.get(*i).copied()).collect();
            let mut claims = Decimal::ZERO;
            for k in &cols {
                add(&mut claims, totals.get(*k).copied().unwrap_or_default(), overflow);
            }
            if claims <= p.total {
                continue;
            }
            for k in cols {
                if let Some(slot) = cuts.get_mut(k)
                    && slot.is_none()
                {
                    *slot = Some((p.total, claims, step));
                }
            }
        }
    }
    (cuts, Some(totals))
}

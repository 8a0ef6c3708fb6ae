//! Pools applied to the outcomes of a whole register (`资金池 X 5000万元 支付 { A, B } 按比例核减
//! 0.01元`): the claims on a pool are every subject's amounts of the awards it pays; when they add
//! up to more than the pool and the policy writes `按比例核减`, every claim is cut by the ratio
//! pool ÷ claims and rounded down to the step written ([`crate::simulate::pools::cut`], exact).
//!
//! A pool needs the claims of every subject before it can cut one, so it is applied to the
//! outcomes of the whole register, after they are evaluated and before the stacking rules read
//! them ([`apply`]): each pooled award's value becomes the amount after the cut, and its
//! [`PoolShare`] keeps the amount claimed and the pool's figures ([`PoolResult`]), which every
//! report shows. The amounts cut are rounded down, so the amount paid never exceeds the pool;
//! what the rounding leaves unpaid is the pool's `remainder` (paid + remainder = pool).

use std::sync::Arc;

use rust_decimal::Decimal;

use crate::ast::{ItemKind, Policy};
use crate::checker::Checked;
use crate::checker::scope::{DefId, SubjectId};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Text};
use crate::eval::outcome::{Detail, SubjectOutcome};
use crate::eval::value::V;
use crate::report::show::grouped as money_text;
use crate::source::{Loc, Span};
use crate::units::Dim;

/// A pool as the policy declares it, with the awards of one subject kind it pays.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolSpec {
    pub name: String,
    /// The pool's name where it is declared.
    pub span: Span,
    /// In 元.
    pub total: Decimal,
    /// `按比例核减 step`, in 元; `None` when the policy writes no cut.
    pub step: Option<Decimal>,
    /// The awards of the kind it pays, by definition and name.
    pub awards: Vec<(DefId, String)>,
    /// What it names that this evaluation does not evaluate (awards of imported policies or of
    /// another subject kind): their claims are not counted.
    pub foreign: Vec<String>,
}

/// A pool against the claims of a register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolResult {
    pub name: String,
    /// In 元.
    pub total: Decimal,
    pub step: Option<Decimal>,
    /// The awards it pays, by name.
    pub awards: Vec<String>,
    /// What it names that is not evaluated here ([`PoolSpec::foreign`]).
    pub foreign: Vec<String>,
    /// The claims: every subject's amounts of its awards, in 元 (the known ones).
    pub claims: Decimal,
    /// Claims that are missing (an award that could not be worked out for a subject).
    pub missing: u64,
    /// Whether the claims exceed the pool and it is cut in proportion.
    pub cut: bool,
    /// pool ÷ claims, to 28 significant digits, when cut.
    pub ratio: Option<Decimal>,
    /// Whether `ratio` is exact (the division ends).
    pub ratio_exact: bool,
    /// What is paid: the sum of the claims after the cut (the claims when nothing is cut).
    pub paid: Decimal,
    /// What the rounding down leaves unpaid, when cut: pool − paid.
    pub remainder: Option<Decimal>,
    /// Subjects any of whose claims the cut made smaller.
    pub subjects_cut: u64,
}

/// A pooled award of one subject: the pool, and the amount claimed before the cut (the award's
/// value is the amount after it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolShare {
    pub pool: Arc<PoolResult>,
    /// In 元; `None` when the award could not be worked out.
    pub claimed: Option<Decimal>,
}

/// The pools of `policy` that pay awards of subject kind `sid`, in declaration order.
pub fn specs(policy: &Policy, checked: &Checked<'_>, sid: Option<SubjectId>) -> Vec<PoolSpec> {
    let awards: Vec<(DefId, String)> = checked
        .scope
        .defs
        .iter()
        .enumerate()
        .filter(|(id, d)| {
            sid.is_some() && d.subject == sid && crate::report::money_award(checked, *id)
        })
        .map(|(id, d)| (id, d.name.clone()))
        .collect();
    let names: Vec<String> = awards.iter().map(|(_, n)| n.clone()).collect();
    let mut spans = Vec::new();
    for item in &policy.items {
        let inner: Vec<_> = match &item.node.kind {
            ItemKind::For(f) => f.items.iter().collect(),
            _ => vec![item],
        };
        for i in inner {
            if let ItemKind::Pool(p) = &i.node.kind {
                spans.push((p.name.node.clone(), p.name.span));
            }
        }
    }
    crate::simulate::pools::pools(policy, &names)
        .into_iter()
        .filter(|p| !p.awards.is_empty())
        .map(|p| PoolSpec {
            span: spans.iter().find(|(n, _)| *n == p.name).map(|(_, s)| *s).unwrap_or_default(),
            awards: p.awards.iter().filter_map(|i| awards.get(*i).cloned()).collect(),
            name: p.name,
            total: p.total,
            step: p.step,
            foreign: p.foreign,
        })
        .collect()
}

/// The amount of money an award's value is, `None` when missing.
fn money(v: &V) -> Option<Decimal> {
    match v {
        V::Num(n, d) if *d == Dim::MONEY => Some(*n),
        _ => None,
    }
}

impl PoolResult {
    /// A pool against its claims (in 元, the known ones; `missing` the claims not known),
    /// before the cut is added up: when the claims exceed the pool and a cut is written, `paid`
    /// is 0 until [`PoolResult::finish`]; else it is the claims.
    pub fn with_claims(spec: &PoolSpec, claims: Decimal, missing: u64) -> PoolResult {
        let cut = spec.step.is_some() && claims > spec.total;
        PoolResult {
            name: spec.name.clone(),
            total: spec.total,
            step: spec.step,
            awards: spec.awards.iter().map(|(_, n)| n.clone()).collect(),
            foreign: spec.foreign.clone(),
            claims,
            missing,
            cut,
            ratio: if cut { spec.total.checked_div(claims).map(|r| r.normalize()) } else { None },
            ratio_exact: cut && crate::simulate::pools::divides_exactly(spec.total, claims),
            paid: if cut { Decimal::ZERO } else { claims.normalize() },
            remainder: None,
            subjects_cut: 0,
        }
    }

    /// A claim after the pool's cut (the claim itself when the pool is not cut); `None` past
    /// the exact range.
    pub fn cut_amount(&self, claim: Decimal) -> Option<Decimal> {
        match (self.cut, self.step) {
            (true, Some(step)) => crate::simulate::pools::cut(claim, self.total, self.claims, step),
            _ => Some(claim),
        }
    }

    /// Sets what the cut pays (the sum of the amounts cut) and the subjects it cut, and the
    /// remainder; `None` past the exact range.
    pub fn finish(&mut self, paid: Decimal, subjects_cut: u64) -> Option<()> {
        if self.cut {
            self.paid = paid.normalize();
            self.remainder = Some(self.total.checked_sub(paid)?.normalize());
            self.subjects_cut = subjects_cut;
        }
        Some(())
    }
}

/// Works out one pool over `amounts` (per subject, per award of the pool in the order of
/// `spec.awards`, `None` when missing), every award cut by this pool; `None` past the exact
/// range.
pub fn figures<'a, I>(spec: &PoolSpec, amounts: impl Fn() -> I) -> Option<PoolResult>
where
    I: Iterator<Item = &'a [Option<Decimal>]>,
{
    let mut claims = Decimal::ZERO;
    let mut missing = 0u64;
    for row in amounts() {
        for a in row {
            match a {
                Some(a) => claims = claims.checked_add(*a)?,
                None => missing += 1,
            }
        }
    }
    let mut p = PoolResult::with_claims(spec, claims, missing);
    let (mut paid, mut subjects_cut) = (Decimal::ZERO, 0);
    if p.cut {
        for row in amounts() {
            let mut smaller = false;
            for a in row.iter().flatten() {
                let c = p.cut_amount(*a)?;
                smaller |= c < *a;
                paid = paid.checked_add(c)?;
            }
            subjects_cut += u64::from(smaller);
        }
    }
    p.finish(paid, subjects_cut)?;
    Some(p)
}

/// For each award of `specs`, the pool that pays it: the first pool that pays it and is cut,
/// else the first that pays it (by position in `specs`).
pub fn governing(specs: &[PoolSpec], cut: &[bool]) -> Vec<(DefId, usize)> {
    let mut out: Vec<(DefId, usize)> = Vec::new();
    for pass in [true, false] {
        for (pi, spec) in specs.iter().enumerate() {
            if pass && !cut.get(pi).copied().unwrap_or(false) {
                continue;
            }
            for (def, _) in &spec.awards {
                if !out.iter().any(|(d, _)| d == def) {
                    out.push((*def, pi));
                }
            }
        }
    }
    out
}

/// Applies the pools of `policy` for subject kind `sid` to `outcomes` (every subject of the
/// register): each pooled award's value becomes the amount after the cut, with its
/// [`PoolShare`]. An award two pools pay is cut by the first of them that is cut. Gives each
/// pool's figures and its diagnostics: `ZC0720` (a note) for a pool cut in proportion,
/// `ZC0721` for claims above a pool that writes no cut, `ZC0702` past the exact range
/// (nothing is then cut).
pub fn apply(
    policy: &Policy,
    checked: &Checked<'_>,
    sid: Option<SubjectId>,
    outcomes: &mut [SubjectOutcome],
) -> (Vec<Arc<PoolResult>>, Diagnostics) {
    let mut diags = Vec::new();
    let specs = specs(policy, checked, sid);
    let amount = |o: &SubjectOutcome, def: DefId| {
        o.rules.iter().find(|r| r.def == def).and_then(|r| money(&r.value))
    };
    // The claims on each pool.
    let mut results: Vec<Option<PoolResult>> = Vec::new();
    for spec in &specs {
        let mut claims = Some(Decimal::ZERO);
        let mut missing = 0u64;
        for o in outcomes.iter() {
            for (def, _) in &spec.awards {
                match amount(o, *def) {
                    Some(a) => claims = claims.and_then(|c| c.checked_add(a)),
                    None => missing += 1,
                }
            }
        }
        results.push(claims.map(|c| PoolResult::with_claims(spec, c, missing)));
    }
    let cut: Vec<bool> = results.iter().map(|r| r.as_ref().is_some_and(|r| r.cut)).collect();
    let governs = governing(&specs, &cut);
    let pool_of = |def: DefId| governs.iter().find(|(d, _)| *d == def).map(|(_, p)| *p);
    // What each pool pays after its cut, and the subjects it cuts.
    let mut paid: Vec<Option<Decimal>> = vec![Some(Decimal::ZERO); specs.len()];
    let mut cut_subjects = vec![0u64; specs.len()];
    for o in outcomes.iter() {
        let mut touched = vec![false; specs.len()];
        for r in &o.rules {
            let (Some(pi), Some(a)) = (pool_of(r.def), money(&r.value)) else { continue };
            let Some(Some(p)) = results.get(pi) else { continue };
            let c = p.cut_amount(a);
            if let Some(slot) = paid.get_mut(pi) {
                *slot = slot.and_then(|s| s.checked_add(c?));
            }
            if c.is_some_and(|c| c < a)
                && let Some(t) = touched.get_mut(pi)
            {
                *t = true;
            }
        }
        for (n, t) in cut_subjects.iter_mut().zip(touched) {
            *n += u64::from(t);
        }
    }
    let mut done: Vec<Option<Arc<PoolResult>>> = Vec::new();
    for (pi, (spec, r)) in specs.iter().zip(results).enumerate() {
        let loc = Loc::new(&policy.file, spec.span);
        let finished = r.and_then(|mut r| {
            let p = paid.get(pi).copied().flatten()?;
            r.finish(p, cut_subjects.get(pi).copied().unwrap_or(0))?;
            Some(r)
        });
        match finished {
            Some(r) => {
                if let Some(d) = diagnostic(&r, loc) {
                    diags.push(d);
                }
                done.push(Some(Arc::new(r)));
            }
            None => {
                diags.push(crate::eval::overflow::total_overflow(&spec.name, loc));
                done.push(None);
            }
        }
    }
    for o in outcomes.iter_mut() {
        for rule in &mut o.rules {
            let Some(Some(pool)) = pool_of(rule.def).and_then(|pi| done.get(pi)) else {
                continue;
            };
            let claimed = money(&rule.value);
            let after = claimed.and_then(|c| pool.cut_amount(c));
            if let Detail::Award(a) = &mut rule.detail {
                a.pool = Some(PoolShare { pool: Arc::clone(pool), claimed });
                if let Some(x) = after {
                    a.amount = V::money(x);
                }
            }
            if let Some(x) = after {
                rule.value = V::money(x);
            }
        }
    }
    (done.into_iter().flatten().collect(), diags.into())
}

/// The note (`ZC0720`) of a pool cut in proportion, the warning (`ZC0721`) of claims above a
/// pool that writes no cut; nothing when the claims are within the pool.
pub fn diagnostic(p: &PoolResult, loc: Loc) -> Option<Diagnostic> {
    let (total, claims, paid) = (money_text(p.total), money_text(p.claims), money_text(p.paid));
    let name = &p.name;
    let missing = if p.missing > 0 {
        Text::new(
            format!("；另有 {} 项申领缺数据，未计入申领合计", p.missing),
            format!("; {} claims are missing data and not counted", p.missing),
        )
    } else {
        Text::new("", "")
    };
    if p.cut {
        let ratio = ratio_text(p);
        let remainder = money_text(p.remainder.unwrap_or_default());
        let d = Diagnostic::new(
            Code::PoolCut,
            Text::new(
                format!("资金池 `{name}` 的申领合计 {claims} 元超过总额 {total} 元，按比例核减：比例 {ratio}，实发 {paid} 元，舍入余额 {remainder} 元{}", missing.zh),
                format!("the claims on pool `{name}`, {claims} 元, exceed its {total} 元 and are cut in proportion: ratio {ratio}, paid {paid} 元, left unpaid by rounding {remainder} 元{}", missing.en),
            ),
        )
        .at(loc, Text::new("这个资金池按比例核减", "this pool is cut in proportion"))
        .help(Text::new(
            "报告中各项奖励的金额是核减后的金额；核减前的申领金额见文本报告的“资金池”部分、JSON 的 `pool.claimed`、CSV 的 `（申领）` 列",
            "the awards' amounts in the report are after the cut; the amounts claimed are in the text report's pools section, the JSON `pool.claimed` and the CSV `(claimed)` columns",
        ));
        return Some(d);
    }
    if p.claims > p.total {
        let over = money_text(p.claims.checked_sub(p.total).unwrap_or_default());
        let d = Diagnostic::new(
            Code::PoolExceeded,
            Text::new(
                format!("资金池 `{name}` 的申领合计 {claims} 元超过总额 {total} 元（超出 {over} 元），政策没有写明如何核减，报告按申领全额列出{}", missing.zh),
                format!("the claims on pool `{name}`, {claims} 元, exceed its {total} 元 by {over} 元; the policy writes no cut, so the report shows every claim in full{}", missing.en),
            ),
        )
        .at(loc, Text::new("申领超过这个资金池", "the claims exceed this pool"))
        .help(Text::new(
            "原文写明超出时按比例核减的，在资金池后写 `按比例核减 0.01元`（步长照原文）；原文没有写的，由经办单位决定，不要替原文写",
            "where the document says claims are cut in proportion, write `prorata 0.01元` after the pool (the step as the document states it); where it says nothing, the paying office decides: do not write one for it",
        ));
        return Some(d);
    }
    None
}

/// The ratio as people read it: exact, or `≈` with 10 decimals and the division written out.
pub fn ratio_text(p: &PoolResult) -> String {
    match p.ratio {
        Some(r) if p.ratio_exact => r.normalize().to_string(),
        Some(r) => format!(
            "≈ {} ({} ÷ {})",
            r.round_dp(10).normalize(),
            money_text(p.total),
            money_text(p.claims)
        ),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    fn spec(total: &str, step: Option<&str>, n: usize) -> PoolSpec {
        PoolSpec {
            name: "池".into(),
            span: Span::default(),
            total: d(total),
            step: step.map(d),
            awards: (0..n).map(|i| (i, format!("A{i}"))).collect(),
            foreign: Vec::new(),
        }
    }

    #[test]
    fn the_issue_figures() {
        // 30 subjects × 2,000,000 元 = 60,000,000 元 against a 50,000,000 元 pool.
        let rows: Vec<Vec<Option<Decimal>>> = (0..30).map(|_| vec![Some(d("2000000"))]).collect();
        let p = figures(&spec("50000000", Some("0.01"), 1), || rows.iter().map(Vec::as_slice));
        assert!(p.is_some());
        let p = p.unwrap_or_else(|| PoolResult::with_claims(&spec("0", None, 0), d("0"), 0));
        assert_eq!(p.claims, d("60000000"));
        assert!(p.cut);
        assert!(!p.ratio_exact);
        assert_eq!(p.ratio.map(|r| r.round_dp(10)), Some(d("0.8333333333")));
        // 2,000,000 × 5/6 = 1,666,666.666… → 1,666,666.66 each; 30 × that = 49,999,999.80.
        assert_eq!(
            crate::simulate::pools::cut(d("2000000"), d("50000000"), d("60000000"), d("0.01")),
            Some(d("1666666.66"))
        );
        assert_eq!(p.paid, d("49999999.8"));
        assert_eq!(p.remainder, Some(d("0.2")));
        assert_eq!(p.subjects_cut, 30);
    }

    #[test]
    fn within_the_pool_nothing_is_cut() {
        let rows = [vec![Some(d("100")), None], vec![Some(d("50")), Some(d("20"))]];
        let p = figures(&spec("1000", Some("0.01"), 2), || rows.iter().map(Vec::as_slice));
        assert!(p.is_some());
        let p = p.unwrap_or_else(|| PoolResult::with_claims(&spec("0", None, 0), d("0"), 0));
        assert_eq!((p.claims, p.missing, p.cut, p.paid), (d("170"), 1, false, d("170")));
        assert_eq!((p.ratio, p.remainder), (None, None));
    }

    #[test]
    fn without_a_cut_written_claims_stay_whole() {
        let rows = [vec![Some(d("800"))], vec![Some(d("700"))]];
        let p = figures(&spec("1000", None, 1), || rows.iter().map(Vec::as_slice));
        assert!(p.is_some());
        let p = p.unwrap_or_else(|| PoolResult::with_claims(&spec("0", None, 0), d("0"), 0));
        assert_eq!((p.claims, p.cut, p.paid), (d("1500"), false, d("1500")));
    }
}

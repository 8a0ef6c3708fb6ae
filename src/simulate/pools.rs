//! Budgets and pools against the awards they pay.
//!
//! A pool (`资金池 X 400万元 支付 { a, b } 按比例核减 0.01元`) pays the awards it lists; when their
//! claims exceed it and the policy says `按比例核减`, every claim is cut by the ratio
//! pool ÷ claims and rounded down to the step written. A budget line (`预算 X { 科技 80万元 }`)
//! pays the awards whose `来源` names it; the policy says nothing of what happens when it runs
//! out, so its use is reported and nothing is cut.

use rust_decimal::Decimal;

use crate::ast::{AwardClause, Expr, ExprKind, Item, ItemKind, Node, Policy};
use crate::units::{Dim, parse_unit};

/// A pool and the awards it pays, by their position among the simulated awards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pool {
    pub name: String,
    /// In 元.
    pub total: Decimal,
    pub awards: Vec<usize>,
    /// Awards of imported policies it names, which this simulation does not evaluate.
    pub foreign: Vec<String>,
    /// `按比例核减 step`: the step cut amounts are rounded down to, in 元.
    pub step: Option<Decimal>,
}

/// A budget line and the awards that name it as their `来源`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// `预算名.分项名`, or the budget's name alone.
    pub name: String,
    /// In 元.
    pub amount: Decimal,
    pub awards: Vec<usize>,
}

/// The money value of a constant written as a quantity (`400万元`), in 元.
pub fn money(e: &Expr) -> Option<Decimal> {
    match &e.node {
        ExprKind::Quantity(q) => {
            let unit = parse_unit(&q.unit.as_ref()?.node).ok()?;
            (unit.dim() == Dim::MONEY).then(|| unit.to_base(q.value).ok()).flatten()
        }
        ExprKind::Paren(inner) => money(inner),
        _ => None,
    }
}

/// Every item of the policy, those inside `对于` blocks included.
fn items(policy: &Policy) -> Vec<&Node<Item>> {
    let mut out = Vec::new();
    for i in &policy.items {
        out.push(i);
        if let ItemKind::For(f) = &i.node.kind {
            out.extend(f.items.iter());
        }
    }
    out
}

/// The pools of a policy, with the awards among `awards` each pays. Pools whose total is not a
/// written amount are left out.
pub fn pools(policy: &Policy, awards: &[String]) -> Vec<Pool> {
    let mut out = Vec::new();
    for item in items(policy) {
        let ItemKind::Pool(p) = &item.node.kind else { continue };
        let Some(total) = money(&p.total) else { continue };
        let step = p.prorata.as_ref().and_then(|q| {
            let unit = parse_unit(&q.node.unit.as_ref()?.node).ok()?;
            unit.to_base(q.node.value).ok()
        });
        let mut pool = Pool {
            name: p.name.node.clone(),
            total,
            awards: Vec::new(),
            foreign: Vec::new(),
            step,
        };
        for path in &p.pays {
            let names: Vec<&str> = path.node.iter().map(|i| i.node.as_str()).collect();
            match names.as_slice() {
                [one] => match awards.iter().position(|a| a == one) {
                    Some(i) => pool.awards.push(i),
                    None => pool.foreign.push((*one).to_string()),
                },
                many => pool.foreign.push(many.join(".")),
            }
        }
        out.push(pool);
    }
    out
}

/// The budget lines that awards among `awards` name as their `来源`, in the order the budgets
/// and their parts are written.
pub fn lines(policy: &Policy, awards: &[String]) -> Vec<Line> {
    // Each award's source: (budget, part).
    let mut sources: Vec<(usize, String, Option<String>)> = Vec::new();
    for item in items(policy) {
        let ItemKind::Award(a) = &item.node.kind else { continue };
        let Some(index) = awards.iter().position(|x| *x == a.name.node) else { continue };
        for c in &a.clauses {
            if let AwardClause::Source(path) = &c.node {
                let budget = path.node.first().map(|i| i.node.clone()).unwrap_or_default();
                let part = path.node.get(1).map(|i| i.node.clone());
                sources.push((index, budget, part));
            }
        }
    }
    let mut out = Vec::new();
    for item in items(policy) {
        let ItemKind::Budget(b) = &item.node.kind else { continue };
        let budget = &b.name.node;
        if let Some(amount) = money(&b.total) {
            let awards: Vec<usize> =
                sources.iter().filter(|(_, x, _)| x == budget).map(|(i, ..)| *i).collect();
            if !awards.is_empty() {
                out.push(Line { name: budget.clone(), amount, awards });
            }
        }
        for part in &b.parts {
            let name = &part.node.name.node;
            let Some(amount) = money(&part.node.value) else { continue };
            let awards: Vec<usize> = sources
                .iter()
                .filter(|(_, x, p)| x == budget && p.as_deref() == Some(name.as_str()))
                .map(|(i, ..)| *i)
                .collect();
            if !awards.is_empty() {
                out.push(Line { name: format!("{budget}.{name}"), amount, awards });
            }
        }
    }
    out
}

/// `amount × budget ÷ claims`, rounded down to a multiple of `step`, exactly (no rounding of
/// the quotient on the way). `None` on overflow or a zero step or zero claims.
pub fn cut(amount: Decimal, budget: Decimal, claims: Decimal, step: Decimal) -> Option<Decimal> {
    if step <= Decimal::ZERO || claims <= Decimal::ZERO {
        return None;
    }
    let num = amount.checked_mul(budget)?;
    let den = claims.checked_mul(step)?;
    // A first guess from the rounded quotient, then corrected so that k·den ≤ num < (k+1)·den.
    let mut k = num.checked_div(den)?.floor();
    while k.checked_mul(den)? > num {
        k = k.checked_sub(Decimal::ONE)?;
    }
    while k.checked_add(Decimal::ONE)?.checked_mul(den)? <= num {
        k = k.checked_add(Decimal::ONE)?;
    }
    k.checked_mul(step).map(|x| x.normalize())
}

/// Whether `num ÷ den` is a terminating decimal that a decimal holds exactly.
pub fn divides_exactly(num: Decimal, den: Decimal) -> bool {
    if den.is_zero() {
        return false;
    }
    // num / den = (m1 · 10^s2) / (m2 · 10^s1).
    let pow = |s: u32| 10i128.checked_pow(s);
    let (Some(p1), Some(p2)) = (pow(den.scale()), pow(num.scale())) else { return false };
    let (Some(p), Some(q)) = (num.mantissa().checked_mul(p1), den.mantissa().checked_mul(p2))
    else {
        return false;
    };
    let gcd = |mut a: i128, mut b: i128| {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a.abs()
    };
    let g = gcd(p, q);
    let mut q = if g == 0 { q.abs() } else { (q / g).abs() };
    for f in [2, 5] {
        while q % f == 0 {
            q /= f;
        }
    }
    q == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn exact_division() {
        assert!(divides_exactly(d("1000000"), d("1250000")));
        assert!(!divides_exactly(d("1000000"), d("1016666.67")));
        assert!(divides_exactly(d("1"), d("0.0064")));
        assert!(!divides_exactly(d("1"), d("3")));
        assert!(!divides_exactly(d("1"), d("0")));
    }

    #[test]
    fn cuts_round_down_to_the_step() {
        // 100元 × 300 / 400 = 75元 exactly.
        assert_eq!(cut(d("100"), d("300"), d("400"), d("0.01")), Some(d("75")));
        // 100元 × 1 / 3 = 33.333…元 → 33.33元.
        assert_eq!(cut(d("100"), d("1"), d("3"), d("0.01")), Some(d("33.33")));
        // 200元 × 2 / 3 = 133.333…元 → 133元 with a step of 1元.
        assert_eq!(cut(d("200"), d("2"), d("3"), d("1")), Some(d("133")));
        // Just below a multiple of the step: 0.29999…×… stays below.
        assert_eq!(cut(d("0.3"), d("99999999"), d("100000000"), d("0.01")), Some(d("0.29")));
        assert_eq!(cut(d("1"), d("1"), d("0"), d("0.01")), None);
    }
}

//! Evaluating constant expressions exactly: the figures a document states (totals, stated
//! amounts, ratios) are checked against each other before any data is involved.
//!
//! Values are in base units (元, ㎡, 个 ...) with their dimension, as everywhere in zhengce.
//! Arithmetic is checked: an overflow or a division by zero makes the value unknown here (the
//! evaluator reports them when a rule is evaluated).

use rust_decimal::{Decimal, RoundingStrategy};

use super::Checker;
use super::builtins::{Builtin, lookup};
use super::scope::DefId;
use crate::ast::{BinOp, Expr, ExprKind, ItemKind};
use crate::diagnostics::Lang;
use crate::units::{AddSub, Dim, Unit, add_sub, parse_unit};

/// How deep a constant's computation may go: a chain of definitions the checker accepts, each
/// an expression as deep as the parser accepts (cycles are reported elsewhere; this only stops
/// their computation).
const MAX_DEPTH: usize = crate::depth::MAX_REFERENCE_DEPTH * crate::parser::MAX_EXPR_DEPTH;

/// An exact value and its dimension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Val {
    pub value: Decimal,
    pub dim: Dim,
}

impl Checker<'_> {
    /// The value of a constant expression at the top level, if it is one.
    pub(super) fn const_value(&self, e: &Expr) -> Option<Val> {
        self.eval_const(e, 0)
    }

    fn eval_const(&self, e: &Expr, depth: usize) -> Option<Val> {
        crate::depth::with_stack(|| self.eval_const_node(e, depth))
    }

    /// The constant value of a definition, computed once.
    fn def_const(&self, id: DefId, depth: usize) -> Option<Val> {
        if let Some(v) = self.constants.borrow().get(&id) {
            return *v;
        }
        let v = match self.scope.defs.get(id)?.kind()? {
            ItemKind::Let(l) if l.exceptions.is_empty() => self.eval_const(&l.value, depth),
            ItemKind::Stated(s) => self.eval_const(&s.stated, depth),
            ItemKind::Budget(b) => self.eval_const(&b.total, depth),
            ItemKind::Share(s) => self.eval_const(&s.value, depth),
            _ => None,
        };
        // A value cut short by the depth limit (a cycle) is not remembered as "not constant".
        if depth <= MAX_DEPTH {
            self.constants.borrow_mut().insert(id, v);
        }
        v
    }

    fn eval_const_node(&self, e: &Expr, depth: usize) -> Option<Val> {
        if depth > MAX_DEPTH {
            return None;
        }
        let d = depth + 1;
        match &e.node {
            ExprKind::Quantity(q) => match &q.unit {
                None => Some(Val { value: q.value, dim: Dim::NUMBER }),
                Some(u) => {
                    let unit = parse_unit(&u.node).ok()?;
                    Some(Val { value: unit.to_base(q.value).ok()?, dim: unit.dim() })
                }
            },
            ExprKind::Paren(inner) => self.eval_const(inner, d),
            ExprKind::Neg(inner) => {
                let v = self.eval_const(inner, d)?;
                Some(Val { value: -v.value, dim: v.dim })
            }
            ExprKind::Binary(op, l, r) => {
                let (a, b) = (self.eval_const(l, d)?, self.eval_const(r, d)?);
                binary(*op, a, b)
            }
            ExprKind::Name(n) => self.def_const(*self.scope.globals.get(n)?, d),
            ExprKind::Member(base, member) => {
                let ExprKind::Name(n) = &base.node else { return None };
                let id = *self.scope.globals.get(n)?;
                let parts = match self.scope.defs.get(id)?.kind()? {
                    ItemKind::Budget(b) => &b.parts,
                    ItemKind::Matching(m) => &m.parts,
                    _ => return None,
                };
                let part = parts.iter().find(|p| p.node.name.node == member.node)?;
                self.eval_const(&part.node.value, d)
            }
            ExprKind::Call(func, args) => {
                let (builtin, _, _) = lookup(&func.node)?;
                let vals: Option<Vec<Val>> = args.iter().map(|a| self.eval_const(a, d)).collect();
                call(builtin, &vals?)
            }
            _ => None,
        }
    }
}

fn binary(op: BinOp, a: Val, b: Val) -> Option<Val> {
    match op {
        BinOp::Add => Some(Val {
            value: a.value.checked_add(b.value)?,
            dim: add_sub(a.dim, b.dim, AddSub::Add).ok()?,
        }),
        BinOp::Sub => Some(Val {
            value: a.value.checked_sub(b.value)?,
            dim: add_sub(a.dim, b.dim, AddSub::Sub).ok()?,
        }),
        BinOp::Mul => {
            Some(Val { value: a.value.checked_mul(b.value)?, dim: a.dim.mul(b.dim).ok()? })
        }
        BinOp::Div => {
            if b.value.is_zero() {
                return None;
            }
            Some(Val { value: a.value.checked_div(b.value)?, dim: a.dim.div(b.dim).ok()? })
        }
    }
}

fn call(b: Builtin, args: &[Val]) -> Option<Val> {
    let first = *args.first()?;
    match b {
        Builtin::Min => {
            args.iter().try_fold(first, |m, v| Some(if v.value < m.value { *v } else { m }))
        }
        Builtin::Max => {
            args.iter().try_fold(first, |m, v| Some(if v.value > m.value { *v } else { m }))
        }
        Builtin::Sum => args.iter().skip(1).try_fold(first, |s, v| binary(BinOp::Add, s, *v)),
        Builtin::Abs => Some(Val { value: first.value.abs(), dim: first.dim }),
        Builtin::Round | Builtin::RoundDown | Builtin::RoundUp => {
            let step = args.get(1)?.value;
            let strategy = match b {
                Builtin::Round => RoundingStrategy::MidpointAwayFromZero,
                Builtin::RoundDown => RoundingStrategy::ToNegativeInfinity,
                _ => RoundingStrategy::ToPositiveInfinity,
            };
            Some(Val { value: round_to(first.value, step, strategy)?, dim: first.dim })
        }
        Builtin::AverageGrowth => {
            let [last, first, years, step] = args else { return None };
            let g = crate::growth::average_growth(last.value, first.value, years.value, step.value);
            Some(Val { value: g.ok()?, dim: Dim::PERCENT })
        }
        _ => None,
    }
}

/// `x` rounded to a multiple of `step` with `strategy`; `None` for a zero step or overflow.
pub fn round_to(x: Decimal, step: Decimal, strategy: RoundingStrategy) -> Option<Decimal> {
    if step.is_zero() {
        return None;
    }
    let q = x.checked_div(step)?.round_dp_with_strategy(0, strategy);
    q.checked_mul(step).map(|v| v.normalize())
}

/// A value written in the unit `like` was written in (or its dimension's base unit), both
/// languages: `5920万元`.
pub fn show(v: Val, like: Option<&Expr>) -> (String, String) {
    let unit = like.and_then(written_unit).filter(|u| u.dim() == v.dim);
    match unit {
        Some(u) => {
            let n = u.from_base(v.value).map_or_else(|_| v.value.normalize(), |x| x.normalize());
            (format!("{n}{}", u.display(Lang::Zh)), format!("{n}{}", u.display(Lang::En)))
        }
        None => {
            let n = v.value.normalize();
            let sep = if v.dim.is_number() { "" } else { " " };
            let zh = if v.dim.is_number() { String::new() } else { v.dim.display(Lang::Zh) };
            let en = if v.dim.is_number() { String::new() } else { v.dim.display(Lang::En) };
            (format!("{n}{zh}"), format!("{n}{sep}{en}"))
        }
    }
}

/// The unit written on the first literal of an expression.
fn written_unit(e: &Expr) -> Option<Unit> {
    match &e.node {
        ExprKind::Quantity(q) => q.unit.as_ref().and_then(|u| parse_unit(&u.node).ok()),
        ExprKind::Paren(inner) | ExprKind::Neg(inner) => written_unit(inner),
        ExprKind::Binary(_, l, r) => written_unit(l).or_else(|| written_unit(r)),
        ExprKind::Call(_, args) => args.iter().find_map(written_unit),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_to_a_step() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        // 48元/㎡ × 1700㎡ = 81600元, stated as 8万元.
        assert_eq!(
            round_to(d("81600"), d("10000"), RoundingStrategy::MidpointAwayFromZero),
            Some(d("80000"))
        );
        assert_eq!(
            round_to(d("85000"), d("10000"), RoundingStrategy::MidpointAwayFromZero),
            Some(d("90000"))
        );
        assert_eq!(
            round_to(d("93600"), d("10000"), RoundingStrategy::ToNegativeInfinity),
            Some(d("90000"))
        );
        assert_eq!(
            round_to(d("90001"), d("10000"), RoundingStrategy::ToPositiveInfinity),
            Some(d("100000"))
        );
        assert_eq!(round_to(d("1"), d("0"), RoundingStrategy::ToPositiveInfinity), None);
    }
}

//! Fractions of a fen (`ZC0409`): an award whose amount can come out finer than 0.01 元 with no
//! rounding written, as 30% of an amount to the fen does (1,666,666.67元 × 30% = 500,000.001元).
//!
//! The pass counts the decimal places each expression can have, in base units (元, a
//! percentage as its fraction), from the places of what it reads: a number as written, and the
//! data as offices write it — money to the fen (2), a percentage to a hundredth of a percent (4
//! places of its fraction), people, things and years whole (0), any other quantity to two
//! places. A product adds places, a sum, a choice, a minimum or a cap keeps the most, a
//! rounding has its step's, a division by a number whose only prime factors are 2 and 5 adds
//! those of its inverse. What cannot be counted (a division by a value, a growth rate, a budget
//! line, another policy's value) is not counted, and never warned about: an unterminating
//! division is `ZC0406`'s. An award that can have more than two places is reported once, at
//! its amount, with the help to write the rounding the document states, or, where it states
//! none, a rounding marked as a reading (`# 解读：`) — never one added by zhengce.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;

use super::scope::{DefId, DefSource, SubjectId};
use super::types::Ty;
use super::{Builtin, Checker, State, lookup_builtin};
use crate::ast::{AwardClause, BinOp, Expr, ExprKind, ItemKind};
use crate::diagnostics::{Code, Diagnostic, Text};
use crate::units::{Dim, Kind};

/// Places beyond which counting stops (a decimal holds 28).
const MAX_PLACES: u32 = 28;

/// The places of money to the fen.
const FEN: u32 = 2;

impl Checker<'_> {
    /// `ZC0409` for each award whose amount can carry fractions of a fen.
    pub(super) fn fen_fractions(&mut self) {
        let mut places = Places { checker: self, memo: HashMap::new(), busy: HashSet::new() };
        let mut found = Vec::new();
        for id in 0..places.checker.scope.defs.len() {
            let Some(d) = places.checker.scope.defs.get(id) else { continue };
            let DefSource::Item(item) = d.source else { continue };
            let ItemKind::Award(a) = &item.node.kind else { continue };
            let Some(n) = places.def(id) else { continue };
            if n <= FEN {
                continue;
            }
            let at = a
                .clauses
                .iter()
                .find_map(|c| match &c.node {
                    AwardClause::Amount { value, .. } => Some(value.span),
                    _ => None,
                })
                .unwrap_or(a.name.span);
            found.push((a.name.node.clone(), a.name.span, at, n));
        }
        for (name, name_span, at, n) in found {
            let step = format!("0.{}1", "0".repeat(usize::try_from(n - 1).unwrap_or(0)));
            let d = Diagnostic::new(
                Code::FenFraction,
                Text::new(
                    format!("奖励 `{name}` 的金额可能有不足一分的尾数，却没有写明取整"),
                    format!(
                        "the amount of the award `{name}` can carry fractions of a fen, and no rounding is written"
                    ),
                ),
            )
            .at(
                self.loc(at),
                Text::new(
                    format!("可算到小数点后 {n} 位（{step} 元）"),
                    format!("can come to {n} decimal places ({step} yuan)"),
                ),
            )
            .also(self.loc(name_span), Text::new("这项奖励", "this award"))
            .help(Text::new(
                "原文规定了取整时照原文写出，如 `取整(…, 0.01元)`、`向下取整(…, 1元)`；原文没有规定而要按某种方式取整时，照样写出，并在上一行用 `# 解读：原文未规定取整，…` 说明这是解读。zhengce 不会自行取整：报告照算得的金额列出不足一分的部分",
                "write the rounding the document states, e.g. `round(…, 0.01元)` or `round_down(…, 1元)`; where the document states none and a rounding is to be applied, write it too, with a `# 解读：原文未规定取整，…` comment above saying it is a reading. zhengce never rounds on its own: reports show the fractions of a fen computed",
            ));
            self.push(d);
        }
    }
}

/// Counting places, memoised per definition.
struct Places<'c, 'p> {
    checker: &'c Checker<'p>,
    memo: HashMap<DefId, Option<u32>>,
    busy: HashSet<DefId>,
}

/// The most places of several (those that cannot be counted left out); `None` when none can.
fn most(all: impl IntoIterator<Item = Option<u32>>) -> Option<u32> {
    all.into_iter().flatten().max()
}

/// The places data of this type is written to.
fn data_places(ty: Ty) -> Option<u32> {
    match ty {
        Ty::Num(d) if d == Dim::MONEY => Some(FEN),
        Ty::Num(d) if matches!(d.kind(), Kind::Percent | Kind::Points) => Some(4),
        Ty::Num(d) if d == Dim::PEOPLE || d == Dim::THINGS || d == Dim::TIME => Some(0),
        Ty::Num(_) => Some(2),
        Ty::Year => Some(0),
        _ => None,
    }
}

/// The places of an exact decimal.
fn places_of(n: Decimal) -> u32 {
    n.normalize().scale()
}

impl Places<'_, '_> {
    fn def(&mut self, id: DefId) -> Option<u32> {
        if let Some(p) = self.memo.get(&id) {
            return *p;
        }
        if !self.busy.insert(id) {
            return None;
        }
        let p = crate::depth::with_stack(|| self.compute(id));
        self.busy.remove(&id);
        self.memo.insert(id, p);
        p
    }

    fn ty(&self, id: DefId) -> Ty {
        match self.checker.state.get(id) {
            Some(State::Done(t)) => t.ty,
            _ => Ty::Unknown,
        }
    }

    fn compute(&mut self, id: DefId) -> Option<u32> {
        let d = self.checker.scope.defs.get(id)?;
        let subject = d.subject;
        let item = match d.source {
            DefSource::Field(_) => return data_places(self.ty(id)),
            DefSource::Item(item) => item,
        };
        match &item.node.kind {
            ItemKind::Param(_) => data_places(self.ty(id)),
            ItemKind::Let(l) => {
                let mut all = vec![self.expr(&l.value, subject)];
                for ex in &l.exceptions {
                    all.push(self.expr(&ex.node.value, subject));
                }
                most(all)
            }
            ItemKind::Award(a) => {
                let mut amount = Vec::new();
                let mut cap = Vec::new();
                let mut reduce = Some(0);
                for c in &a.clauses {
                    match &c.node {
                        AwardClause::Amount { value, exceptions } => {
                            amount.push(self.expr(value, subject));
                            for ex in exceptions {
                                amount.push(self.expr(&ex.node.value, subject));
                            }
                        }
                        AwardClause::Cap(e) => cap.push(self.expr(e, subject)),
                        AwardClause::Reduce(e) => {
                            reduce = reduce.zip(self.expr(e, subject)).map(|(a, b)| a + b);
                        }
                        _ => {}
                    }
                }
                let amount = most(amount)?;
                let cut = reduce.map(|r| (amount + r).min(MAX_PLACES));
                most([cut, most(cap)])
            }
            _ => None,
        }
    }

    fn expr(&mut self, e: &Expr, subject: Option<SubjectId>) -> Option<u32> {
        crate::depth::with_stack(|| self.expr_node(e, subject))
    }

    fn expr_node(&mut self, e: &Expr, subject: Option<SubjectId>) -> Option<u32> {
        match &e.node {
            ExprKind::Quantity(q) => {
                let unit = q.unit.as_ref().map_or("", |u| u.node.as_str());
                if unit.is_empty() {
                    return Some(places_of(q.value));
                }
                let u = crate::units::parse_unit(unit).ok()?;
                u.to_base(q.value).ok().map(places_of)
            }
            ExprKind::Name(n) => {
                let id = self.checker.scope.lookup(n, subject)?;
                self.def(id)
            }
            ExprKind::Paren(x) | ExprKind::Neg(x) => self.expr(x, subject),
            ExprKind::Index(x, _) => self.expr(x, subject),
            ExprKind::Binary(op, a, b) => match op {
                BinOp::Add | BinOp::Sub => most([self.expr(a, subject), self.expr(b, subject)]),
                BinOp::Mul => {
                    let (a, b) = (self.expr(a, subject)?, self.expr(b, subject)?);
                    Some((a + b).min(MAX_PLACES))
                }
                BinOp::Div => {
                    let inverse = inverse_places(b)?;
                    Some((self.expr(a, subject)? + inverse).min(MAX_PLACES))
                }
            },
            ExprKind::If(_, a, b) => most([self.expr(a, subject), self.expr(b, subject)]),
            ExprKind::Tier(_, arms) => {
                let all: Vec<Option<u32>> =
                    arms.iter().map(|arm| self.expr(&arm.node.value, subject)).collect();
                most(all)
            }
            ExprKind::Call(f, args) => match lookup_builtin(&f.node).map(|b| b.0)? {
                Builtin::Round | Builtin::RoundDown | Builtin::RoundUp => {
                    self.expr(args.get(1)?, subject)
                }
                Builtin::Min | Builtin::Max | Builtin::Sum => {
                    let all: Vec<Option<u32>> =
                        args.iter().map(|a| self.expr(a, subject)).collect();
                    most(all)
                }
                Builtin::Abs | Builtin::Cumulative | Builtin::Previous => {
                    self.expr(args.first()?, subject)
                }
                Builtin::ConsecutiveYears | Builtin::Count => Some(0),
                Builtin::Growth | Builtin::Any | Builtin::All | Builtin::Allocate => None,
                // A multiple of its precision.
                Builtin::AverageGrowth => self.expr(args.get(3)?, subject),
            },
            _ => None,
        }
    }
}

/// The places `1 ÷ d` adds for a written divisor `d` whose only prime factors are 2 and 5 (its
/// quotients end); `None` for any other divisor.
fn inverse_places(d: &Expr) -> Option<u32> {
    let mut e = d;
    while let ExprKind::Paren(inner) = &e.node {
        e = inner;
    }
    let ExprKind::Quantity(q) = &e.node else { return None };
    let n = match q.unit.as_ref() {
        Some(u) => crate::units::parse_unit(&u.node).ok()?.to_base(q.value).ok()?,
        None => q.value,
    };
    if n.is_zero() {
        return None;
    }
    let inverse = Decimal::ONE.checked_div(n)?;
    // A terminating inverse is exact: multiplying back gives one.
    (inverse.checked_mul(n)? == Decimal::ONE).then(|| places_of(inverse))
}

//! The members' empty fields behind a missing aggregation (`ZC0950` over members): an owner's
//! `合计(合同.金额)` is unknown when one of its contracts leaves `金额` empty, and the cell to
//! fill is that contract's, not the owner's. Each member is evaluated in a frame of its own,
//! as [`Evaluator::aggregate`] evaluates it; only the members the aggregation counts (its `当`
//! met or unknown) whose value is unknown are walked, the way
//! [`Evaluator::empty_inputs`] walks the owner's own values.

use super::explain::EmptyInput;
use super::value::V;
use super::{Evaluator, Frame};
use crate::ast::{Expr, ExprKind};
use crate::checker::Builtin;

impl Evaluator<'_, '_> {
    /// The empty member fields behind the aggregations over members that `e` makes (not those
    /// inside a member's own expressions, which its kind's evaluator walks), for the owner of
    /// `frame`, in `year`: each with the member that leaves it empty.
    pub(super) fn empty_members(
        &self,
        frame: &mut Frame<'_>,
        e: &Expr,
        year: u16,
        depth: usize,
        out: &mut Vec<EmptyInput>,
    ) {
        if self.members.is_empty() || depth >= super::explain::MAX_DEPTH {
            return;
        }
        let mut calls = Vec::new();
        self.aggregations_in(e, &mut calls);
        for (call, args) in calls {
            let Some(&(kind, builtin)) = self.checked.aggregations.get(&call) else { continue };
            let Some(set) = self.members.iter().find(|m| m.kind == kind) else { continue };
            let (values, cond) = match args.split_last() {
                Some((last, rest)) => match &last.node {
                    ExprKind::Where(c) => (rest, Some(&**c)),
                    _ => (args, None),
                },
                None => (args, None),
            };
            // What each member gives the aggregation: its value, none for a count; for an
            // allocation its order and its amount at each level (the caps are the owner's).
            let read: Vec<&Expr> = match builtin {
                Builtin::Count => Vec::new(),
                // `依次分配(order, amount, cap, …)`: the order at 0, the amounts at 1, 3, …
                Builtin::Allocate => values
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i == 0 || i % 2 == 1)
                    .map(|(_, v)| v)
                    .collect(),
                _ => values.iter().collect(),
            };
            let Some(members) = set.groups.get(&frame.record.key) else { continue };
            let ev = &set.evaluator;
            for m in members {
                let mut mf = Frame::new(m, frame.year, false);
                mf.owner = Some(frame.record);
                let mut found = Vec::new();
                if let Some(c) = cond {
                    match ev.quiet_value(&mut mf, c, year) {
                        V::Bool(false) => continue,
                        V::Missing => ev.empty_expr(&mut mf, c, year, depth + 1, &mut found),
                        _ => {}
                    }
                }
                for v in &read {
                    if ev.quiet_value(&mut mf, v, year) == V::Missing {
                        ev.empty_expr(&mut mf, v, year, depth + 1, &mut found);
                    }
                }
                for f in found {
                    let f = EmptyInput { member: f.member.or_else(|| Some(m.key.clone())), ..f };
                    if !out.contains(&f) {
                        out.push(f);
                    }
                }
            }
        }
    }

    /// The aggregations over members in `e` (a call the checker resolved to a member kind),
    /// with their arguments; not those inside another aggregation's arguments.
    fn aggregations_in<'e>(&self, e: &'e Expr, out: &mut Vec<(crate::source::Span, &'e [Expr])>) {
        let mut sub = |x: &'e Expr| self.aggregations_in(x, out);
        match &e.node {
            ExprKind::Call(_, args) if self.checked.aggregations.contains_key(&e.span) => {
                out.push((e.span, args.as_slice()));
            }
            ExprKind::Call(_, args) => args.iter().for_each(sub),
            ExprKind::Paren(x)
            | ExprKind::Neg(x)
            | ExprKind::Not(x)
            | ExprKind::Where(x)
            | ExprKind::Member(x, _) => sub(x),
            ExprKind::Index(a, b)
            | ExprKind::Binary(_, a, b)
            | ExprKind::Compare(_, a, b)
            | ExprKind::Logic(_, a, b) => {
                sub(a);
                sub(b);
            }
            ExprKind::If(c, t, f) => {
                sub(c);
                sub(t);
                sub(f);
            }
            ExprKind::Tier(scrutinee, arms) => {
                sub(scrutinee);
                for a in arms {
                    if let crate::ast::Pattern::Compare(_, v) | crate::ast::Pattern::Equals(v) =
                        &a.node.pattern.node
                    {
                        sub(v);
                    }
                    sub(&a.node.value);
                }
            }
            ExprKind::Name(_)
            | ExprKind::Quantity(_)
            | ExprKind::Text(_)
            | ExprKind::Bool(_)
            | ExprKind::Date(_) => {}
        }
    }

    /// Whether `base` names the kind this evaluator evaluates (`合同` of `合同.金额`, read for a
    /// 合同) rather than one of its definitions.
    pub(super) fn own_kind_named(&self, base: &Expr) -> bool {
        let ExprKind::Name(b) = &base.node else { return false };
        self.lookup(b).is_none()
            && self
                .subject
                .and_then(|s| self.checked.scope.subjects.get(s))
                .is_some_and(|i| i.decl.name.node == *b)
    }
}

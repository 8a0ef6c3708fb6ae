//! Aggregation over members: `合计(合同.金额, 当 合同.类型 = 国产)`, `计数(合同)`, `最大`,
//! `最小`, `任一`, `全部`, evaluated for one owner over its members' records, each member in
//! a frame of its own (its own fields and rules, in the member kind's scope).
//!
//! Missing values follow the project's one rule: an unknown never becomes a number. A member
//! whose condition or value is unknown makes a sum, a count, a maximum or a minimum unknown;
//! `任一` is met by one member that meets it whatever the others, `全部` fails on one member
//! that fails it whatever the others. Over no members a sum and a count are 0, a maximum and a
//! minimum are unknown, `任一` is not met and `全部` is.

use rust_decimal::Decimal;

use super::value::V;
use super::{Evaluator, Frame, R};
use crate::ast::{Expr, ExprKind};
use crate::checker::Builtin;
use crate::checker::scope::SubjectId;
use crate::checker::types::Ty;
use crate::data::Record;
use crate::source::Span;
use crate::units::Dim;

/// One member's turn in an allocation (`依次分配`).
pub struct AllocStep {
    /// The member's id.
    pub member: String,
    /// Its amount at each level.
    pub due: Vec<Decimal>,
    /// What was left of each level's cap before it.
    pub before: Vec<Decimal>,
    /// The level that paid it (by position).
    pub level: usize,
    /// What it was paid.
    pub paid: Decimal,
}

/// The members of one member kind, grouped by their owner's id, with the evaluator of their
/// kind.
#[derive(Clone)]
pub struct MemberSet<'c, 'p> {
    pub kind: SubjectId,
    pub name: String,
    pub evaluator: Evaluator<'c, 'p>,
    /// Each owner's members, by the owner's id, in the order of the data.
    pub groups: foldhash::HashMap<String, Vec<Record>>,
}

impl<'c, 'p> Evaluator<'c, 'p> {
    /// Gives the owners evaluated later their members of kind `kind`, grouped by owner id.
    pub fn add_members(
        &mut self,
        kind: SubjectId,
        groups: impl IntoIterator<Item = (String, Vec<Record>)>,
    ) {
        let name = self
            .checked
            .scope
            .subjects
            .get(kind)
            .map(|s| s.decl.name.node.clone())
            .unwrap_or_default();
        let mut evaluator =
            Evaluator::new(self.policy, self.checked, Some(kind), self.params.clone());
        evaluator.param_gaps = self.param_gaps.clone();
        evaluator.coverage = self.coverage.clone();
        self.members.push(MemberSet {
            kind,
            name,
            evaluator,
            groups: groups.into_iter().collect(),
        });
    }

    /// Replaces the members of kind `kind` with `groups` (the owners of the next block of a
    /// streamed register and their members), giving the kind its members when it had none.
    pub fn set_members(
        &mut self,
        kind: SubjectId,
        groups: impl IntoIterator<Item = (String, Vec<Record>)>,
    ) {
        match self.members.iter_mut().find(|m| m.kind == kind) {
            Some(set) => set.groups = groups.into_iter().collect(),
            None => self.add_members(kind, groups),
        }
    }
}

impl Evaluator<'_, '_> {
    /// An aggregation over the owner's members of `set`.
    pub(super) fn aggregate(
        &self,
        frame: &mut Frame<'_>,
        set: &MemberSet<'_, '_>,
        builtin: Builtin,
        args: &[Expr],
        span: Span,
        year: u16,
    ) -> R<V> {
        let (values, cond) = match args.split_last() {
            Some((last, rest)) => match &last.node {
                ExprKind::Where(c) => (rest, Some(&**c)),
                _ => (args, None),
            },
            None => (args, None),
        };
        if builtin == Builtin::Allocate {
            return self.allocate(frame, set, values, cond, span, year);
        }
        let Some(value) = values.first() else { return Err(self.internal(frame, span)) };
        let members = set.groups.get(&frame.record.key).map_or(&[][..], Vec::as_slice);
        let ev = &set.evaluator;
        let mut unknown = false;
        let mut count: u64 = 0;
        let mut acc: Option<(Decimal, Dim)> = None;
        let mut any = false;
        let mut all = true;
        for m in members {
            let mut mf = Frame::new(m, frame.year, frame.hits.is_some());
            mf.owner = Some(frame.record);
            let kept = match cond {
                Some(c) => ev.eval(&mut mf, c, year),
                None => Ok(V::Bool(true)),
            };
            let step = match kept {
                Ok(V::Bool(false)) => Ok(None),
                Ok(V::Bool(true)) if builtin == Builtin::Count => Ok(Some(V::Bool(true))),
                Ok(V::Bool(true)) => ev.eval(&mut mf, value, year).map(Some),
                Ok(_) => Ok(Some(V::Missing)),
                Err(s) => Err(s),
            };
            frame.diags.append(&mut mf.diags);
            frame.take_hits(&mut mf);
            let Some(v) = step? else { continue };
            match (builtin, v) {
                (Builtin::Count, V::Bool(true)) => {
                    count = count.checked_add(1).ok_or_else(|| self.overflow(frame, span))?;
                }
                (Builtin::Any | Builtin::All, V::Bool(b)) => {
                    any |= b;
                    all &= b;
                }
                (Builtin::Sum | Builtin::Max | Builtin::Min, V::Num(n, d)) => {
                    acc = Some(match acc {
                        None => (n, d),
                        Some((a, _)) => match builtin {
                            Builtin::Max => (a.max(n), d),
                            Builtin::Min => (a.min(n), d),
                            _ => (a.checked_add(n).ok_or_else(|| self.overflow(frame, span))?, d),
                        },
                    });
                }
                _ => unknown = true,
            }
        }
        Ok(match builtin {
            Builtin::Any if any => V::Bool(true),
            Builtin::All if !all => V::Bool(false),
            _ if unknown => V::Missing,
            Builtin::Any => V::Bool(false),
            Builtin::All => V::Bool(true),
            Builtin::Count => V::Num(Decimal::from(count), Dim::THINGS),
            Builtin::Sum => match acc {
                Some((n, d)) => V::Num(n, d),
                None => V::Num(Decimal::ZERO, self.dim_of(set, value)),
            },
            _ => acc.map_or(V::Missing, |(n, d)| V::Num(n, d)),
        })
    }

    /// `依次分配(order, amount, cap[, amount, cap …])`: the total paid
    /// ([`Evaluator::allocation`]); unknown when the allocation is.
    fn allocate(
        &self,
        frame: &mut Frame<'_>,
        set: &MemberSet<'_, '_>,
        values: &[Expr],
        cond: Option<&Expr>,
        span: Span,
        year: u16,
    ) -> R<V> {
        let Some((steps, dim)) = self.allocation(frame, set, values, cond, span, year)? else {
            return Ok(V::Missing);
        };
        let mut total = Decimal::ZERO;
        for s in &steps {
            total = total.checked_add(s.paid).ok_or_else(|| self.overflow(frame, span))?;
        }
        Ok(V::Num(total, dim))
    }

    /// The steps of `依次分配(order, amount, cap[, amount, cap …])`: the owner's members taken
    /// in `order` (members that tie keep the order of the data), each paid at the level that
    /// pays it the most (the first level written on a tie) the smaller of its amount at that
    /// level and what is left of that level's cap, which the payment then reduces (a negative
    /// amount pays nothing). `None` when a cap, or any counted member's order or amount, is
    /// unknown.
    pub(super) fn allocation(
        &self,
        frame: &mut Frame<'_>,
        set: &MemberSet<'_, '_>,
        values: &[Expr],
        cond: Option<&Expr>,
        span: Span,
        year: u16,
    ) -> R<Option<(Vec<AllocStep>, Dim)>> {
        let Some((order, levels)) = values.split_first() else {
            return Err(self.internal(frame, span));
        };
        let mut left = Vec::new();
        let mut dim = Dim::MONEY;
        for pair in levels.chunks(2) {
            let Some(cap) = pair.get(1) else { return Err(self.internal(frame, span)) };
            match self.eval(frame, cap, year)? {
                V::Num(n, d) => {
                    left.push(n);
                    dim = d;
                }
                _ => return Ok(None),
            }
        }
        let members = set.groups.get(&frame.record.key).map_or(&[][..], Vec::as_slice);
        let ev = &set.evaluator;
        let mut claims: Vec<(V, &str, Vec<Decimal>)> = Vec::new();
        let mut unknown = false;
        for m in members {
            let mut mf = Frame::new(m, frame.year, frame.hits.is_some());
            mf.owner = Some(frame.record);
            let claim = (|| -> R<Option<(V, Vec<Decimal>)>> {
                match cond.map(|c| ev.eval(&mut mf, c, year)).transpose()? {
                    Some(V::Bool(false)) => return Ok(None),
                    Some(V::Bool(true)) | None => {}
                    Some(_) => return Ok(Some((V::Missing, Vec::new()))),
                }
                let key = ev.eval(&mut mf, order, year)?;
                let mut amounts = Vec::new();
                for pair in levels.chunks(2) {
                    let Some(amount) = pair.first() else { continue };
                    match ev.eval(&mut mf, amount, year)? {
                        V::Num(n, _) => amounts.push(n),
                        _ => return Ok(Some((V::Missing, Vec::new()))),
                    }
                }
                Ok(Some((key, amounts)))
            })();
            frame.diags.append(&mut mf.diags);
            frame.take_hits(&mut mf);
            match claim? {
                None => {}
                Some((V::Missing, _)) => unknown = true,
                Some((key, amounts)) => claims.push((key, m.key.as_str(), amounts)),
            }
        }
        if unknown {
            return Ok(None);
        }
        claims
            .sort_by(|a, b| super::expr::compare(&a.0, &b.0).unwrap_or(std::cmp::Ordering::Equal));
        let mut steps = Vec::new();
        for (_, member, due) in claims {
            let mut best: Option<(usize, Decimal)> = None;
            for (level, (amount, rest)) in due.iter().zip(&left).enumerate() {
                let pay = (*amount).min(*rest).max(Decimal::ZERO);
                if best.is_none_or(|(_, b)| pay > b) {
                    best = Some((level, pay));
                }
            }
            let Some((level, paid)) = best else { continue };
            let before = left.clone();
            if let Some(rest) = left.get_mut(level) {
                *rest = rest.checked_sub(paid).ok_or_else(|| self.overflow(frame, span))?;
            }
            steps.push(AllocStep { member: member.to_string(), due, before, level, paid });
        }
        Ok(Some((steps, dim)))
    }

    /// The dimension of a member's value, as the checker typed it (for a sum over no members).
    fn dim_of(&self, set: &MemberSet<'_, '_>, value: &Expr) -> Dim {
        let name = match &value.node {
            ExprKind::Member(_, field) => field.node.as_str(),
            ExprKind::Name(n) => n.as_str(),
            _ => return Dim::NUMBER,
        };
        match set.evaluator.lookup(name).and_then(|d| self.checked.types.get(d)).map(|t| t.ty) {
            Some(Ty::Num(d)) => d,
            _ => Dim::NUMBER,
        }
    }
}

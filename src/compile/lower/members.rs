//! Aggregations over members (`合计(转化项目.项目补助, 当 转化项目.来源 = 全县)`, `计数`,
//! `最大`, `最小`, `任一`, `全部`): the value and the condition are lowered in the member
//! kind's own scope, into that kind's program, and the aggregate enters the owner's program as
//! an input register ([`MemberAgg`]), worked out over each owner's members by whoever runs the
//! program, as `eval::members` works it out.

use super::{AggOp, Lower, MemberAgg, Res};
use crate::ast::{Expr, ExprKind};
use crate::checker::Builtin;
use crate::checker::scope::SubjectId;
use crate::compile::{Cv, Reg, Ty};

impl Lower<'_, '_, '_> {
    /// An aggregation over the members of `kind`: an input register of the owner's program.
    pub(super) fn aggregate(
        &mut self,
        kind: SubjectId,
        builtin: Builtin,
        args: &[Expr],
    ) -> Res<(Reg, Ty)> {
        if !self.aggregating {
            return Err("an aggregation over members".into());
        }
        let op = match builtin {
            Builtin::Sum => AggOp::Sum,
            Builtin::Count => AggOp::Count,
            Builtin::Max => AggOp::Max,
            Builtin::Min => AggOp::Min,
            Builtin::Any => AggOp::Any,
            Builtin::All => AggOp::All,
            Builtin::Allocate => return Err("an allocation in order (`依次分配`)".into()),
            _ => return Err("an aggregation over members".into()),
        };
        let (values, cond) = match args.split_last() {
            Some((last, rest)) => match &last.node {
                ExprKind::Where(c) => (rest, Some(&**c)),
                _ => (args, None),
            },
            None => (args, None),
        };
        let at = self.at;
        let member = self.member_lowering(kind)?;
        let outer = std::mem::replace(&mut member.at, at);
        let lowered = lower_in_member(member, op, values.first(), cond);
        member.at = outer;
        let (value, cond, ty) = lowered?;
        let reg = self.reg(Some(ty), Cv::Missing);
        self.prog.aggregates.push(MemberAgg { kind, reg, op, value, cond });
        Ok((reg, ty))
    }

    /// The lowering of the member kind `kind`, made the first time it is aggregated over.
    fn member_lowering(&mut self, kind: SubjectId) -> Res<&mut Self> {
        if !self.members.iter().any(|(k, _)| *k == kind) {
            let member =
                Lower::new(self.policy, self.checked, kind, self.params, self.at, self.first_year)?;
            self.members.push((kind, member));
        }
        self.members
            .iter_mut()
            .find(|(k, _)| *k == kind)
            .map(|(_, m)| m)
            .ok_or_else(|| "a member kind without its lowering".into())
    }

    /// `A.B`: the member's own definition or field `B` when `A` is the kind being lowered (what
    /// an aggregation reads of every member), an enumeration's value `B` when `A` names an
    /// enumeration.
    pub(super) fn member_of(&mut self, base: &Expr, part: &str) -> Res<(Reg, Ty)> {
        let ExprKind::Name(b) = &base.node else { return Err("a part of a definition".into()) };
        let scope = &self.checked.scope;
        let named = scope.lookup(b, Some(self.subject));
        if named.is_none()
            && scope.subjects.get(self.subject).is_some_and(|s| s.decl.name.node == *b)
            && let Some(def) = scope.lookup(part, Some(self.subject))
        {
            return self.def(def);
        }
        if named.is_none()
            && let Some(owner) = scope.owner_of(self.subject)
            && scope.subjects.get(owner).is_some_and(|s| s.decl.name.node == *b)
        {
            return Err(format!("a member reading its owner's field `{b}.{part}`"));
        }
        if named.is_none()
            && let Some(&eid) = scope.enum_names.get(b)
            && let Some(i) = scope.enums.get(eid).and_then(|e| e.index_of(part))
        {
            let i = u32::try_from(i).map_err(|_| "enumeration index")?;
            return Ok(self.constant(Cv::Enum(i), Ty::Enum(eid)));
        }
        Err("a part of a definition".into())
    }
}

/// The registers of the member's condition and value (none for a count) in `member`'s program,
/// and the type of the aggregate.
fn lower_in_member(
    member: &mut Lower<'_, '_, '_>,
    op: AggOp,
    value: Option<&Expr>,
    cond: Option<&Expr>,
) -> Res<(Option<Reg>, Option<Reg>, Ty)> {
    let cond = match cond {
        Some(c) => match member.expr(c, None)? {
            (r, Ty::Bool) => Some(r),
            _ => return Err("an aggregation whose condition is not a condition".into()),
        },
        None => None,
    };
    if op == AggOp::Count {
        return Ok((None, cond, Ty::Num(0)));
    }
    let value = value.ok_or("an aggregation of nothing")?;
    match (op, member.expr(value, None)?) {
        (AggOp::Sum | AggOp::Max | AggOp::Min, (r, Ty::Num(s))) => Ok((Some(r), cond, Ty::Num(s))),
        (AggOp::Any | AggOp::All, (r, Ty::Bool)) => Ok((Some(r), cond, Ty::Bool)),
        (_, (_, Ty::Dec)) => Err("an aggregation of exact decimals (quotients)".into()),
        _ => Err("an aggregation of something that is neither a number nor a condition".into()),
    }
}

//! Score sheets (`评分`): each item's points as the interpreter scores them, each section the
//! sum of its parts in order, the sheet the sum of its sections.

use rust_decimal::Decimal;

use super::{Lower, Res};
use crate::ast::{
    CmpOp, DeductionPoints, LogicOp, Node, Quantity, ScoreDecl, ScoreItem, ScorePart, Scoring,
};
use crate::compile::{DecFn, Op, Reg, Ty};

impl Lower<'_, '_, '_> {
    /// A score sheet's total: missing when a part is.
    pub(super) fn score(&mut self, s: &ScoreDecl) -> Res<(Reg, Ty)> {
        self.score_parts(&s.parts)
    }

    /// The sum of parts, added in order from the first (as exact decimals from the first part
    /// that is one, as the interpreter adds them).
    fn score_parts(&mut self, parts: &[Node<ScorePart>]) -> Res<(Reg, Ty)> {
        let mut total = self.number(Decimal::ZERO)?;
        for p in parts {
            let points = match &p.node {
                ScorePart::Section(s) => self.score_parts(&s.parts)?,
                ScorePart::Item(i) => self.score_item(i)?,
            };
            total = self.arith(DecFn::Add, total, points)?;
        }
        Ok(total)
    }

    /// An item's points, between zero and its full mark.
    fn score_item(&mut self, i: &ScoreItem) -> Res<(Reg, Ty)> {
        let max = self.quantity(&i.points.node)?;
        let zero = self.number(Decimal::ZERO)?;
        let got = match &i.scoring.node {
            // The points of each criterion met (a missing condition is not met).
            Scoring::Criteria(cs) => {
                let mut total = zero;
                for c in cs {
                    let met = self.met(&c.node.cond)?;
                    let points = self.quantity(&c.node.points.node)?;
                    let (p, z, ty) = self.unify(points, zero)?;
                    let taken = self.op(ty, |d| Op::WhenTrue(d, met, p, z));
                    total = self.arith(DecFn::Add, total, taken)?;
                }
                total
            }
            // The full mark times the ratio, the ratio taken between 0 and 1.
            Scoring::Ratio { value, .. } => {
                let r = self.expr(value, None)?;
                let one = self.number(Decimal::ONE)?;
                let r = self.arith(DecFn::Max, r, zero)?;
                let r = self.arith(DecFn::Min, r, one)?;
                self.arith(DecFn::Mul, max, r)?
            }
            Scoring::Given { value, .. } => self.expr(value, None)?,
            // The full mark less the deductions.
            Scoring::Deductions(ds) => {
                let mut total = zero;
                for d in ds {
                    let taken = match &d.node.points.node {
                        DeductionPoints::Fixed(q) => {
                            let met = self.met(&d.node.value)?;
                            let points = self.quantity(q)?;
                            let (p, z, ty) = self.unify(points, zero)?;
                            self.op(ty, |dst| Op::WhenTrue(dst, met, p, z))
                        }
                        DeductionPoints::Range { min, max, .. } => {
                            self.deduction(&d.node.value, *min, *max)?
                        }
                    };
                    total = self.arith(DecFn::Add, total, taken)?;
                }
                self.arith(DecFn::Sub, max, total)?
            }
        };
        if !matches!(got.1, Ty::Num(_) | Ty::Dec) {
            return Err("points that are not a number".into());
        }
        let got = self.arith(DecFn::Max, got, zero)?;
        self.arith(DecFn::Min, got, max)
    }

    /// Whether a condition holds, a missing one not.
    fn met(&mut self, cond: &crate::ast::Expr) -> Res<Reg> {
        let c = self.expr(cond, None)?;
        if c.1 != Ty::Bool {
            return Err("a criterion that is not a condition".into());
        }
        Ok(self.op(Ty::Bool, |d| Op::MissingFalse(d, c.0)).0)
    }

    /// An actual deduction, missing when the data leaves it empty (the item's points are then
    /// unknown, as the interpreter has them); one outside its range (other than zero, which
    /// says it did not happen) sends the subject to the interpreter, which reports it.
    fn deduction(
        &mut self,
        value: &crate::ast::Expr,
        min: Decimal,
        max: Decimal,
    ) -> Res<(Reg, Ty)> {
        let n = self.expr(value, None)?;
        let Ty::Num(_) = n.1 else { return Err("a deduction that is not a number".into()) };
        let (zero, min, max) = (self.number(Decimal::ZERO)?, self.number(min)?, self.number(max)?);
        let happened = self.compare(n, zero, CmpOp::Ne)?;
        let below = self.compare(n, min, CmpOp::Lt)?;
        let above = self.compare(n, max, CmpOp::Gt)?;
        let outside = self.logic(LogicOp::Or, below, above);
        let wrong = self.logic(LogicOp::And, happened, outside);
        self.op(Ty::Bool, |d| Op::FallbackIf(d, wrong.0));
        Ok(n)
    }

    /// `a and b`, `a or b`.
    fn logic(&mut self, op: LogicOp, a: (Reg, Ty), b: (Reg, Ty)) -> (Reg, Ty) {
        let and = op == LogicOp::And;
        self.op(Ty::Bool, |d| if and { Op::And(d, a.0, b.0) } else { Op::Or(d, a.0, b.0) })
    }

    /// A quantity written in the policy, in base units.
    pub(super) fn quantity(&mut self, q: &Quantity) -> Res<(Reg, Ty)> {
        let v = match &q.unit {
            None => q.value,
            Some(u) => {
                let unit = crate::units::parse_unit(&u.node).map_err(|_| "unknown unit")?;
                unit.to_base(q.value).map_err(|_| "a constant out of range")?
            }
        };
        self.number(v)
    }
}

//! Numbers the fixed-point registers cannot hold exactly: a quotient, and what is worked out
//! from it, is held as the interpreter holds it, an exact decimal ([`Ty::Dec`]), and every
//! operation on it is the interpreter's own ([`Op::Dec`]), so that it rounds where the
//! interpreter rounds.

use super::{Lower, Res};
use crate::ast::CmpOp;
use crate::compile::{DecFn, Op, Reg, Ty};

impl Lower<'_, '_, '_> {
    /// A number as an exact decimal.
    pub(super) fn decimal(&mut self, (r, ty): (Reg, Ty)) -> Res<Reg> {
        match ty {
            Ty::Dec => Ok(r),
            Ty::Num(s) => Ok(self.op(Ty::Dec, |d| Op::ToDec(d, r, s)).0),
            _ => Err("arithmetic on something that is not a number".into()),
        }
    }

    /// `a f b` for two numbers: in fixed point when both are held so (a product at the sum of
    /// their scales, the rest at the larger scale), else as exact decimals. A quotient is
    /// always a decimal.
    pub(super) fn arith(&mut self, f: DecFn, a: (Reg, Ty), b: (Reg, Ty)) -> Res<(Reg, Ty)> {
        let fixed = matches!((a.1, b.1), (Ty::Num(_), Ty::Num(_)));
        match f {
            DecFn::Mul if fixed => return self.multiply(a, b),
            DecFn::Add | DecFn::Sub | DecFn::Min | DecFn::Max if fixed => {
                let (x, y, ty) = self.unify(a, b)?;
                return Ok(self.op(ty, |d| match f {
                    DecFn::Add => Op::Add(d, x, y),
                    DecFn::Sub => Op::Sub(d, x, y),
                    DecFn::Min => Op::Min(d, x, y),
                    _ => Op::Max(d, x, y),
                }));
            }
            _ => {}
        }
        let (x, y) = (self.decimal(a)?, self.decimal(b)?);
        Ok(self.op(Ty::Dec, |d| Op::Dec(d, x, y, f)))
    }

    /// Whether `op` holds between two numbers of which one at least is a decimal.
    pub(super) fn dec_compare(&mut self, a: (Reg, Ty), b: (Reg, Ty), op: CmpOp) -> Res<(Reg, Ty)> {
        let (x, y) = (self.decimal(a)?, self.decimal(b)?);
        Ok(self.op(Ty::Bool, |d| Op::DecCmp(d, x, y, op)))
    }
}

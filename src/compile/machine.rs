//! Running a compiled program for one subject after another.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use super::fixed::{in_range, to_decimal};
use super::{Cv, Fallback, FieldIn, Op, Program, RoundMode, Ty};
use crate::ast::CmpOp;
use crate::data::{Record, Value};
use crate::eval::value::V;

/// A program's registers: load a subject's fields, [`run`](Machine::run), read the columns.
/// Registers are reused from one subject to the next; nothing is allocated per subject.
#[derive(Clone, Debug)]
pub struct Machine<'p> {
    prog: &'p Program,
    regs: Vec<Cv>,
}

type R = Result<(), Fallback>;

impl<'p> Machine<'p> {
    pub fn new(prog: &'p Program) -> Self {
        Machine { prog, regs: prog.init.clone() }
    }

    pub fn program(&self) -> &'p Program {
        self.prog
    }

    /// Sets a field's register (for [`FieldIn::Unused`] fields, nothing).
    #[inline]
    pub fn set(&mut self, reg: super::Reg, v: Cv) {
        if let Some(r) = self.regs.get_mut(reg as usize) {
            *r = v;
        }
    }

    /// Loads a validated record's fields; [`Fallback`] when a value has more places than the
    /// program keeps, or is of a kind it does not read.
    pub fn load(&mut self, record: &Record) -> R {
        for (field, value) in self.prog.fields.iter().zip(&record.fields) {
            let (reg, v) = match (field, value) {
                (FieldIn::Unused, _) => continue,
                (
                    FieldIn::Num { reg, .. } | FieldIn::Bool { reg } | FieldIn::Enum { reg, .. },
                    Value::Missing,
                ) => (*reg, Cv::Missing),
                (FieldIn::Num { reg, scale }, Value::Number { value, .. }) => {
                    (*reg, Cv::Num(super::fixed::from_decimal(*value, *scale).ok_or(Fallback)?))
                }
                (FieldIn::Bool { reg }, Value::Bool(b)) => (*reg, Cv::Bool(*b)),
                (FieldIn::Enum { reg, .. }, Value::Enum { index, .. }) => {
                    (*reg, Cv::Enum(u32::try_from(*index).map_err(|_| Fallback)?))
                }
                _ => return Err(Fallback),
            };
            self.set(reg, v);
        }
        Ok(())
    }

    #[inline]
    fn get(&self, r: super::Reg) -> Cv {
        self.regs.get(r as usize).copied().unwrap_or(Cv::Missing)
    }

    /// The value of a register.
    pub fn value(&self, r: super::Reg) -> Cv {
        self.get(r)
    }

    /// Runs every instruction. [`Fallback`] when a value leaves the exact range.
    pub fn run(&mut self) -> R {
        let prog = self.prog;
        for op in &prog.ops {
            let (dst, v) = match *op {
                Op::Rescale(d, a, f) => (d, num1(self.get(a), |x| x.checked_mul(f))?),
                Op::Add(d, a, b) => (d, num2(self.get(a), self.get(b), i128::checked_add)?),
                Op::Sub(d, a, b) => (d, num2(self.get(a), self.get(b), i128::checked_sub)?),
                Op::Mul(d, a, b) => (d, num2(self.get(a), self.get(b), i128::checked_mul)?),
                Op::Neg(d, a) => (d, num1(self.get(a), i128::checked_neg)?),
                Op::Abs(d, a) => (d, num1(self.get(a), i128::checked_abs)?),
                Op::Min(d, a, b) => (d, num2(self.get(a), self.get(b), |x, y| Some(x.min(y)))?),
                Op::Max(d, a, b) => (d, num2(self.get(a), self.get(b), |x, y| Some(x.max(y)))?),
                Op::Round(d, a, step, mode) => (d, num1(self.get(a), |x| round(x, step, mode))?),
                Op::Cmp(d, a, b, op) => (d, cmp(self.get(a), self.get(b), op)),
                Op::And(d, a, b) => (d, logic(self.get(a), self.get(b), true)),
                Op::Or(d, a, b) => (d, logic(self.get(a), self.get(b), false)),
                Op::Not(d, a) => match self.get(a) {
                    Cv::Bool(b) => (d, Cv::Bool(!b)),
                    _ => (d, Cv::Missing),
                },
                Op::If(d, c, t, f) => match self.get(c) {
                    Cv::Bool(true) => (d, self.get(t)),
                    Cv::Bool(false) => (d, self.get(f)),
                    _ => (d, Cv::Missing),
                },
                Op::WhenTrue(d, c, t, f) => match self.get(c) {
                    Cv::Bool(true) => (d, self.get(t)),
                    _ => (d, self.get(f)),
                },
                Op::MissingFalse(d, a) => match self.get(a) {
                    Cv::Missing => (d, Cv::Bool(false)),
                    v => (d, v),
                },
                Op::Group { dst, start, len, need } => {
                    let list = prog.lists.get(start as usize..(start + len) as usize);
                    let held = list.map_or(0, |l| {
                        l.iter().filter(|r| self.get(**r) == Cv::Bool(true)).count()
                    });
                    (dst, Cv::Bool(held >= need as usize))
                }
                Op::Cap(d, a, c) => match (self.get(a), self.get(c)) {
                    (Cv::Num(x), Cv::Num(c)) if x > c => (d, Cv::Num(c)),
                    (x, _) => (d, x),
                },
                Op::Keep(d, a, k) => match (self.get(a), self.get(k)) {
                    (Cv::Num(x), Cv::Num(k)) => {
                        (d, Cv::Num(in_range(x.checked_mul(k).ok_or(Fallback)?).ok_or(Fallback)?))
                    }
                    (x, _) => (d, x),
                },
            };
            if let Some(r) = self.regs.get_mut(dst as usize) {
                *r = v;
            }
        }
        Ok(())
    }

    /// A column's value as the interpreter gives it.
    pub fn outcome(&self, column: usize) -> Result<V, Fallback> {
        let Some(c) = self.prog.columns.get(column) else { return Err(Fallback) };
        Ok(match (self.get(c.reg), c.ty) {
            (Cv::Missing, _) => V::Missing,
            (Cv::Num(m), Ty::Num(s)) => V::Num(to_decimal(m, s).ok_or(Fallback)?, c.dim),
            (Cv::Bool(b), _) => V::Bool(b),
            (Cv::Enum(i), Ty::Enum(e)) => V::Enum(e, i as usize),
            _ => return Err(Fallback),
        })
    }

    /// A number column's exact amount (`None` when missing or not a number).
    pub fn amount(&self, column: usize) -> Option<Decimal> {
        match self.outcome(column) {
            Ok(V::Num(n, _)) => Some(n),
            _ => None,
        }
    }
}

#[inline]
fn num1(a: Cv, f: impl Fn(i128) -> Option<i128>) -> Result<Cv, Fallback> {
    match a {
        Cv::Num(x) => Ok(Cv::Num(in_range(f(x).ok_or(Fallback)?).ok_or(Fallback)?)),
        _ => Ok(Cv::Missing),
    }
}

#[inline]
fn num2(a: Cv, b: Cv, f: impl Fn(i128, i128) -> Option<i128>) -> Result<Cv, Fallback> {
    match (a, b) {
        (Cv::Num(x), Cv::Num(y)) => {
            Ok(Cv::Num(in_range(f(x, y).ok_or(Fallback)?).ok_or(Fallback)?))
        }
        _ => Ok(Cv::Missing),
    }
}

fn cmp(a: Cv, b: Cv, op: CmpOp) -> Cv {
    let ord: Option<Ordering> = match (a, b) {
        (Cv::Num(x), Cv::Num(y)) => Some(x.cmp(&y)),
        (Cv::Bool(x), Cv::Bool(y)) => Some(x.cmp(&y)),
        (Cv::Enum(x), Cv::Enum(y)) => Some(x.cmp(&y)),
        _ => None,
    };
    ord.map_or(Cv::Missing, |o| Cv::Bool(op.holds(o)))
}

/// `且` (`and`) or `或`, with a missing side deciding only when the other cannot.
fn logic(a: Cv, b: Cv, and: bool) -> Cv {
    let bool_of = |v: Cv| match v {
        Cv::Bool(b) => Some(b),
        _ => None,
    };
    match (bool_of(a), bool_of(b)) {
        (Some(x), Some(y)) => Cv::Bool(if and { x && y } else { x || y }),
        (Some(x), _) | (_, Some(x)) if x != and => Cv::Bool(x),
        _ => Cv::Missing,
    }
}

/// `x` rounded to a multiple of `step` (> 0), both at one scale.
fn round(x: i128, step: i128, mode: RoundMode) -> Option<i128> {
    let q = x.checked_div_euclid(step)?;
    let r = x.checked_rem_euclid(step)?;
    let q = match mode {
        RoundMode::Down => q,
        RoundMode::Up => {
            if r == 0 {
                q
            } else {
                q.checked_add(1)?
            }
        }
        RoundMode::HalfAwayFromZero => {
            // q·step ≤ x < (q+1)·step; the midpoint goes away from zero.
            let twice = r.checked_mul(2)?;
            match twice.cmp(&step) {
                Ordering::Less => q,
                Ordering::Greater => q.checked_add(1)?,
                Ordering::Equal => {
                    if x >= 0 {
                        q.checked_add(1)?
                    } else {
                        q
                    }
                }
            }
        }
    };
    q.checked_mul(step)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_modes() {
        let r = |x, m| round(x, 10, m).unwrap();
        assert_eq!(r(15, RoundMode::HalfAwayFromZero), 20);
        assert_eq!(r(-15, RoundMode::HalfAwayFromZero), -20);
        assert_eq!(r(14, RoundMode::HalfAwayFromZero), 10);
        assert_eq!(r(-14, RoundMode::HalfAwayFromZero), -10);
        assert_eq!(r(-16, RoundMode::HalfAwayFromZero), -20);
        assert_eq!(r(19, RoundMode::Down), 10);
        assert_eq!(r(-11, RoundMode::Down), -20);
        assert_eq!(r(11, RoundMode::Up), 20);
        assert_eq!(r(-19, RoundMode::Up), -10);
        assert_eq!(r(20, RoundMode::Up), 20);
    }

    #[test]
    fn three_valued_logic() {
        let (t, f, m) = (Cv::Bool(true), Cv::Bool(false), Cv::Missing);
        assert_eq!(logic(m, f, true), f);
        assert_eq!(logic(f, m, true), f);
        assert_eq!(logic(t, m, true), m);
        assert_eq!(logic(m, t, false), t);
        assert_eq!(logic(f, m, false), m);
        assert_eq!(logic(t, f, false), t);
    }
}

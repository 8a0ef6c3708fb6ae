//! Running a compiled program for one subject after another.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use super::fixed::to_decimal;
use super::{Cv, Fallback, FieldIn, Op, Program, RoundMode, Ty};
use crate::data::{Record, Value};
use crate::eval::value::V;

/// A program's registers: load a subject's fields, [`run`](Machine::run), read the columns.
/// Registers are reused from one subject to the next; nothing is allocated per subject.
///
/// Each register is one `i64`: a number's mantissa, a condition as 0 or 1, an enumeration
/// value's position, or [`MISSING`]; which one is known when compiling ([`Ty`]).
#[derive(Clone, Debug)]
pub struct Machine<'p> {
    prog: &'p Program,
    regs: Vec<i64>,
}

/// A missing value. No number takes it: a result equal to it is an overflow.
pub const MISSING: i64 = i64::MIN;

type R = Result<(), Fallback>;

fn encode(v: Cv) -> i64 {
    match v {
        Cv::Missing => MISSING,
        Cv::Num(m) => m,
        Cv::Bool(b) => i64::from(b),
        Cv::Enum(i) => i64::from(i),
    }
}

impl<'p> Machine<'p> {
    pub fn new(prog: &'p Program) -> Self {
        Machine { prog, regs: prog.init.iter().map(|v| encode(*v)).collect() }
    }

    pub fn program(&self) -> &'p Program {
        self.prog
    }

    /// Sets a field's register.
    #[inline]
    pub fn set(&mut self, reg: super::Reg, v: Cv) {
        if let Some(r) = self.regs.get_mut(reg as usize) {
            *r = encode(v);
        }
    }

    /// Loads a validated record's fields; [`Fallback`] when a value has more places than the
    /// program keeps, does not fit, or is of a kind it does not read.
    pub fn load(&mut self, record: &Record) -> R {
        for (field, value) in self.prog.fields.iter().zip(&record.fields) {
            let (reg, v) = match (field, value) {
                (FieldIn::Unused, _) => continue,
                (
                    FieldIn::Num { reg, .. } | FieldIn::Bool { reg } | FieldIn::Enum { reg, .. },
                    Value::Missing,
                ) => (*reg, Cv::Missing),
                (FieldIn::Num { reg, scale }, Value::Number { value, .. }) => {
                    let m = super::fixed::from_decimal(*value, *scale).ok_or(Fallback)?;
                    (*reg, Cv::Num(i64::try_from(m).map_err(|_| Fallback)?))
                }
                (FieldIn::Bool { reg }, Value::Bool(b)) => (*reg, Cv::Bool(*b)),
                (FieldIn::Enum { reg, .. }, Value::Enum { index, .. }) => {
                    (*reg, Cv::Enum(u32::try_from(*index).map_err(|_| Fallback)?))
                }
                _ => return Err(Fallback),
            };
            if v == Cv::Num(MISSING) {
                return Err(Fallback);
            }
            self.set(reg, v);
        }
        Ok(())
    }

    #[inline]
    fn get(&self, r: super::Reg) -> i64 {
        self.regs.get(r as usize).copied().unwrap_or(MISSING)
    }

    /// The value of a register.
    pub fn value(&self, r: super::Reg) -> Cv {
        let x = self.get(r);
        if x == MISSING {
            return Cv::Missing;
        }
        match self.prog.ty(r) {
            Some(Ty::Num(_)) => Cv::Num(x),
            Some(Ty::Bool) => Cv::Bool(x != 0),
            Some(Ty::Enum(_)) => Cv::Enum(u32::try_from(x).unwrap_or(u32::MAX)),
            None => Cv::Missing,
        }
    }

    /// Runs every instruction. [`Fallback`] when a value leaves the exact range.
    pub fn run(&mut self) -> R {
        let prog = self.prog;
        let mut bad = false;
        for op in &prog.ops {
            let (dst, v) = match *op {
                Op::Rescale(d, a, f) => (d, arith(self.get(a), f, &mut bad, i64::checked_mul)),
                Op::Add(d, a, b) => {
                    (d, arith(self.get(a), self.get(b), &mut bad, i64::checked_add))
                }
                Op::Sub(d, a, b) => {
                    (d, arith(self.get(a), self.get(b), &mut bad, i64::checked_sub))
                }
                Op::Mul(d, a, b) => {
                    (d, arith(self.get(a), self.get(b), &mut bad, i64::checked_mul))
                }
                Op::Neg(d, a) => (d, arith(self.get(a), 0, &mut bad, |x, _| x.checked_neg())),
                Op::Abs(d, a) => (d, arith(self.get(a), 0, &mut bad, |x, _| x.checked_abs())),
                Op::Min(d, a, b) => {
                    (d, arith(self.get(a), self.get(b), &mut bad, |x, y| Some(x.min(y))))
                }
                Op::Max(d, a, b) => {
                    (d, arith(self.get(a), self.get(b), &mut bad, |x, y| Some(x.max(y))))
                }
                Op::Round(d, a, step, mode) => {
                    (d, arith(self.get(a), step, &mut bad, |x, s| round(x, s, mode)))
                }
                Op::Cmp(d, a, b, op) => {
                    let (x, y) = (self.get(a), self.get(b));
                    if x == MISSING || y == MISSING {
                        (d, MISSING)
                    } else {
                        (d, i64::from(op.holds(x.cmp(&y))))
                    }
                }
                Op::And(d, a, b) => (d, logic(self.get(a), self.get(b), true)),
                Op::Or(d, a, b) => (d, logic(self.get(a), self.get(b), false)),
                Op::Not(d, a) => match self.get(a) {
                    MISSING => (d, MISSING),
                    b => (d, i64::from(b == 0)),
                },
                Op::If(d, c, t, f) => match self.get(c) {
                    MISSING => (d, MISSING),
                    0 => (d, self.get(f)),
                    _ => (d, self.get(t)),
                },
                Op::WhenTrue(d, c, t, f) => match self.get(c) {
                    1 => (d, self.get(t)),
                    _ => (d, self.get(f)),
                },
                Op::MissingFalse(d, a) => match self.get(a) {
                    MISSING => (d, 0),
                    v => (d, v),
                },
                Op::Group { dst, start, len, need } => {
                    let list = prog.lists.get(start as usize..(start + len) as usize);
                    let held = list.map_or(0, |l| l.iter().filter(|r| self.get(**r) == 1).count());
                    (dst, i64::from(held >= need as usize))
                }
                Op::Cap(d, a, c) => {
                    let (x, c) = (self.get(a), self.get(c));
                    (d, if x != MISSING && c != MISSING && x > c { c } else { x })
                }
                Op::Keep(d, a, k) => {
                    let (x, k) = (self.get(a), self.get(k));
                    if x == MISSING || k == MISSING {
                        (d, x)
                    } else {
                        (d, arith(x, k, &mut bad, i64::checked_mul))
                    }
                }
            };
            if let Some(r) = self.regs.get_mut(dst as usize) {
                *r = v;
            }
        }
        if bad { Err(Fallback) } else { Ok(()) }
    }

    /// A column's value as the interpreter gives it.
    pub fn outcome(&self, column: usize) -> Result<V, Fallback> {
        let Some(c) = self.prog.columns.get(column) else { return Err(Fallback) };
        Ok(match (self.value(c.reg), c.ty) {
            (Cv::Missing, _) => V::Missing,
            (Cv::Num(m), Ty::Num(s)) => {
                V::Num(to_decimal(i128::from(m), s).ok_or(Fallback)?, c.dim)
            }
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

/// A checked operation on two numbers: missing if either is; an overflow (or a result equal
/// to [`MISSING`]) marks the run as needing the interpreter.
#[inline(always)]
fn arith(x: i64, y: i64, bad: &mut bool, f: impl Fn(i64, i64) -> Option<i64>) -> i64 {
    if x == MISSING || y == MISSING {
        return MISSING;
    }
    match f(x, y) {
        Some(r) if r != MISSING => r,
        _ => {
            *bad = true;
            0
        }
    }
}

/// `且` (`and`) or `或`, with a missing side deciding only when the other cannot.
fn logic(a: i64, b: i64, and: bool) -> i64 {
    let bool_of = |v: i64| (v != MISSING).then_some(v != 0);
    match (bool_of(a), bool_of(b)) {
        (Some(x), Some(y)) => i64::from(if and { x && y } else { x || y }),
        (Some(x), _) | (_, Some(x)) if x != and => i64::from(x),
        _ => MISSING,
    }
}

/// `x` rounded to a multiple of `step` (> 0), both at one scale.
fn round(x: i64, step: i64, mode: RoundMode) -> Option<i64> {
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
        let (t, f, m) = (1, 0, MISSING);
        assert_eq!(logic(m, f, true), f);
        assert_eq!(logic(f, m, true), f);
        assert_eq!(logic(t, m, true), m);
        assert_eq!(logic(m, t, false), t);
        assert_eq!(logic(f, m, false), m);
        assert_eq!(logic(t, f, false), t);
    }
}

//! Running a compiled program for one subject after another.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use super::fixed::to_decimal;
use super::{Cv, DecFn, Fallback, FieldIn, Op, Program, RoundMode, Ty};
use crate::data::{Record, Value};
use crate::eval::value::V;

mod members;

/// A program's registers: load a subject's fields, [`run`](Machine::run), read the columns.
/// Registers are reused from one subject to the next; nothing is allocated per subject.
///
/// Each register is one `i64` per lane: a number's mantissa, a condition as 0 or 1, an
/// enumeration value's position, or [`MISSING`]; which one is known when compiling ([`Ty`]).
/// [`run_lanes`](Machine::run_lanes) evaluates up to [`LANES`] subjects at once, instruction
/// by instruction over all of them; the single-subject methods use lane 0.
#[derive(Clone, Debug)]
pub struct Machine<'p> {
    prog: &'p Program,
    regs: Vec<i64>,
    /// Per register and lane, the value of a [`Ty::Dec`] register (whose `regs` entry says
    /// whether it has one); empty when the program has none.
    dec: Vec<Decimal>,
    bad: [bool; LANES],
    /// Lanes given a missing value for a register that the program assumes always holds one
    /// (which validated data never does): they go to the interpreter.
    pending: [bool; LANES],
    /// The member kinds' machines, one per [`Program::members`](super::Program::members).
    members: Vec<Machine<'p>>,
    /// Per member kind, the aggregates of the owners given their members
    /// ([`Machine::set_members`]).
    owners: Vec<members::Owners>,
}

/// Sets register `reg` in `lane` of `regs` ([`Machine::set_lane`]); a missing value where
/// `prog` assumes one marks the lane `pending`. Apart from the machine, for a caller that
/// reads the value from another of its fields.
fn put(
    prog: &Program,
    regs: &mut [i64],
    pending: &mut [bool; LANES],
    at: (usize, super::Reg),
    v: Cv,
) {
    let (lane, reg) = at;
    if v == Cv::Missing
        && !prog.may_miss.get(reg as usize).copied().unwrap_or(true)
        && let Some(p) = pending.get_mut(lane)
    {
        *p = true;
    }
    if let Some(r) = regs.get_mut(reg as usize * STRIDE + lane) {
        *r = encode(v);
    }
}

/// How many subjects [`Machine::run_lanes`] evaluates together.
pub const LANES: usize = 64;

/// The distance between two registers' lanes in the register file: one lane-row and a cache
/// line more. At exactly 64 × 8 bytes apart, the same lane of every register falls in 8 of the
/// 64 sets of a level-one cache, and writing a row's cells (one per register) evicted each
/// other (provincial 县: 28% of the reader's time in that store).
const STRIDE: usize = LANES + 8;

/// A missing value. No number takes it: a result equal to it is an overflow.
pub const MISSING: i64 = i64::MIN;

type R = Result<(), Fallback>;
type Lane = [i64; LANES];
/// Per lane, non-zero once the lane needs the interpreter (an `i64` per lane, so that the
/// flags of vectorised instructions are set without narrowing).
type Flags = [i64; LANES];

impl Cv {
    /// The value as a register holds it: a number's mantissa, a condition as 0 or 1, an
    /// enumeration value's position, or [`MISSING`].
    pub fn encoded(self) -> i64 {
        match self {
            Cv::Missing => MISSING,
            Cv::Num(m) => m,
            Cv::Bool(b) => i64::from(b),
            Cv::Enum(i) => i64::from(i),
        }
    }
}

fn encode(v: Cv) -> i64 {
    v.encoded()
}

impl<'p> Machine<'p> {
    pub fn new(prog: &'p Program) -> Self {
        let regs: Vec<i64> = prog.init.iter().flat_map(|v| [encode(*v); STRIDE]).collect();
        let dec = if prog.types.contains(&Some(Ty::Dec)) {
            vec![Decimal::ZERO; regs.len()]
        } else {
            Vec::new()
        };
        let members: Vec<Machine<'p>> =
            prog.members.iter().map(|m| Machine::new(&m.program)).collect();
        let owners = vec![members::Owners::default(); members.len()];
        Machine { prog, regs, dec, bad: [false; LANES], pending: [false; LANES], members, owners }
    }

    pub fn program(&self) -> &'p Program {
        self.prog
    }

    /// Sets a field's register (lane 0).
    #[inline]
    pub fn set(&mut self, reg: super::Reg, v: Cv) {
        self.set_lane(0, reg, v);
    }

    /// Sets a field's register in one lane.
    #[inline]
    pub fn set_lane(&mut self, lane: usize, reg: super::Reg, v: Cv) {
        put(self.prog, &mut self.regs, &mut self.pending, (lane, reg), v);
    }

    /// Sets a register in lanes `0..values.len()` (at most [`LANES`]) from values already
    /// encoded ([`Cv::encoded`]): one column of a batch of subjects held in columns.
    pub fn set_column(&mut self, reg: super::Reg, values: &[i64]) {
        let start = reg as usize * STRIDE;
        let Some(lanes) = self.regs.get_mut(start..start + values.len().min(LANES)) else {
            return;
        };
        lanes.copy_from_slice(values.get(..lanes.len()).unwrap_or_default());
        if !self.prog.may_miss.get(reg as usize).copied().unwrap_or(true) {
            for (p, v) in self.pending.iter_mut().zip(values) {
                *p |= *v == MISSING;
            }
        }
    }

    /// A register's lanes as encoded values ([`Cv::encoded`]); read them with the register's
    /// type ([`Program::ty`](super::Program::ty)), after checking [`failed`](Machine::failed).
    pub fn column(&self, reg: super::Reg) -> &[i64] {
        let start = reg as usize * STRIDE;
        self.regs.get(start..start + LANES).unwrap_or_default()
    }

    /// Loads a validated record's fields (lane 0); [`Fallback`] when a value has more places
    /// than the program keeps, does not fit, or is of a kind it does not read.
    pub fn load(&mut self, record: &Record) -> R {
        self.load_lane(0, record)
    }

    /// Loads a validated record's fields into one lane, as [`load`](Machine::load) does, and
    /// its aggregations over members ([`Machine::load_members`]).
    pub fn load_lane(&mut self, lane: usize, record: &Record) -> R {
        if !self.load_members(lane, &record.key) {
            return Err(Fallback);
        }
        if let Some(r) = self.prog.first_year {
            let first = record.first_year();
            self.set_lane(lane, r, first.map_or(Cv::Missing, |y| Cv::Num(i64::from(y))));
        }
        for (field, value) in self.prog.fields.iter().zip(&record.fields) {
            match (field, value) {
                (FieldIn::Unused, _) => {}
                (FieldIn::Yearly { scalar, years }, value) => {
                    for &(year, reg) in years {
                        // A value given without a year holds in every year.
                        let v = match value {
                            Value::Series(by_year) => by_year.get(&year).unwrap_or(&Value::Missing),
                            other => other,
                        };
                        let (reg, v) = read(&scalar.at(reg), v)?;
                        self.set_lane(lane, reg, v);
                    }
                }
                (field, value) => {
                    let (reg, v) = read(field, value)?;
                    self.set_lane(lane, reg, v);
                }
            }
        }
        Ok(())
    }

    /// The value of a register (lane 0).
    pub fn value(&self, r: super::Reg) -> Cv {
        self.value_at(0, r)
    }

    /// The value of a register in one lane.
    pub fn value_at(&self, lane: usize, r: super::Reg) -> Cv {
        let x = self.regs.get(r as usize * STRIDE + lane).copied().unwrap_or(MISSING);
        if x == MISSING {
            return Cv::Missing;
        }
        match self.prog.ty(r) {
            // A decimal's value is in the decimal lanes ([`Machine::outcome_at`]).
            Some(Ty::Num(_) | Ty::Year | Ty::Date | Ty::Dec) => Cv::Num(x),
            Some(Ty::Bool | Ty::Ratio) => Cv::Bool(x != 0),
            Some(Ty::Enum(_) | Ty::Text(_)) => Cv::Enum(u32::try_from(x).unwrap_or(u32::MAX)),
            None => Cv::Missing,
        }
    }

    /// Runs every instruction for the subject in lane 0. [`Fallback`] when a value leaves the
    /// exact range.
    pub fn run(&mut self) -> R {
        self.run_lanes(1);
        if self.failed(0) { Err(Fallback) } else { Ok(()) }
    }

    /// Whether the subject in `lane` needs the interpreter after [`run_lanes`](Machine::run_lanes).
    pub fn failed(&self, lane: usize) -> bool {
        self.bad.get(lane).copied().unwrap_or(true)
    }

    /// Runs every instruction for the subjects in lanes `0..n`.
    ///
    /// Every instruction runs over all [`LANES`] lanes (a loop of a fixed length, which the
    /// compiler unrolls and vectorises); lanes from `n` on hold whatever they held and their
    /// results are not read. An instruction none of whose operands can be missing
    /// ([`Program::total`](super::Program)) runs without the checks for missing values.
    pub fn run_lanes(&mut self, n: usize) {
        let n = n.min(LANES);
        let prog = self.prog;
        let mut bad: Flags = self.pending.map(i64::from);
        self.pending = [false; LANES];
        let missing: Lane = [MISSING; LANES];
        for (i, op) in prog.ops.iter().enumerate() {
            if decimal(op) {
                run_decimal(op, &mut self.regs, &mut self.dec, &mut bad);
                continue;
            }
            let total = prog.total.get(i).copied().unwrap_or(false);
            let dst = dst_of(op) as usize;
            // Every instruction writes a register allocated after its operands: the operands
            // lie below the destination.
            let at = (dst * STRIDE).min(self.regs.len());
            let (lo, hi) = self.regs.split_at_mut(at);
            let Some(o) = hi.get_mut(..LANES).and_then(|s| <&mut Lane>::try_from(s).ok()) else {
                continue;
            };
            let get = |r: super::Reg| -> &Lane {
                let start = r as usize * STRIDE;
                lo.get(start..start + LANES)
                    .and_then(|s| <&Lane>::try_from(s).ok())
                    .unwrap_or(&missing)
            };
            if total {
                run_total(op, o, &get, &prog.lists, &mut bad);
            } else {
                run_checked(op, o, &get, &prog.lists, &mut bad);
            }
        }
        for b in bad.iter_mut().skip(n) {
            *b = 0;
        }
        self.bad = bad.map(|b| b != 0);
    }

    /// A column's value as the interpreter gives it (lane 0).
    pub fn outcome(&self, column: usize) -> Result<V, Fallback> {
        self.outcome_at(0, column)
    }

    /// A column's value in one lane.
    pub fn outcome_at(&self, lane: usize, column: usize) -> Result<V, Fallback> {
        let Some(c) = self.prog.columns.get(column) else { return Err(Fallback) };
        Ok(match (self.value_at(lane, c.reg), c.ty) {
            (Cv::Missing, _) => V::Missing,
            (Cv::Num(m), Ty::Num(s)) => {
                V::Num(to_decimal(i128::from(m), s).ok_or(Fallback)?, c.dim)
            }
            (Cv::Bool(b), _) => V::Bool(b),
            (Cv::Enum(i), Ty::Enum(e)) => V::Enum(e, i as usize),
            (Cv::Num(y), Ty::Year) => V::Year(u16::try_from(y).map_err(|_| Fallback)?),
            (Cv::Num(d), Ty::Date) => V::Date(date_of(d).ok_or(Fallback)?),
            (Cv::Num(_), Ty::Dec) => {
                V::Num(*self.dec.get(c.reg as usize * STRIDE + lane).ok_or(Fallback)?, c.dim)
            }
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

/// One instruction over every lane, each operand possibly missing.
#[inline(always)]
fn run_checked<'a>(
    op: &Op,
    o: &mut Lane,
    get: &impl Fn(super::Reg) -> &'a Lane,
    lists: &[super::Reg],
    bad: &mut Flags,
) {
    match *op {
        Op::Scale(_, a, f) => map1(o, get(a), bad, |x| x.overflowing_mul(f)),
        Op::Add(_, a, b) => map2(o, get(a), get(b), bad, i64::overflowing_add),
        Op::Sub(_, a, b) => map2(o, get(a), get(b), bad, i64::overflowing_sub),
        Op::Mul(_, a, b) => map2(o, get(a), get(b), bad, i64::overflowing_mul),
        Op::Neg(_, a) => map1(o, get(a), bad, i64::overflowing_neg),
        Op::Abs(_, a) => map1(o, get(a), bad, i64::overflowing_abs),
        Op::Min(_, a, b) => map2(o, get(a), get(b), bad, |x, y| (x.min(y), false)),
        Op::Max(_, a, b) => map2(o, get(a), get(b), bad, |x, y| (x.max(y), false)),
        Op::Round(_, a, step, mode) => {
            map1(o, get(a), bad, |x| round(x, step, mode).map_or((0, true), |r| (r, false)));
        }
        Op::Trunc(_, a, p) => map1(o, get(a), bad, |x| (x / p.max(1), false)),
        Op::InYear(_, a) => in_year(o, get(a)),
        Op::Cmp(_, a, b, op) => {
            let [lt, eq, gt] = outcomes(op);
            for ((o, x), y) in o.iter_mut().zip(get(a)).zip(get(b)) {
                let held = i64::from(((*x < *y) & lt) | ((*x == *y) & eq) | ((*x > *y) & gt));
                *o = if *x == MISSING || *y == MISSING { MISSING } else { held };
            }
        }
        Op::And(_, a, b) | Op::Or(_, a, b) => {
            let and = matches!(op, Op::And(..));
            for ((o, x), y) in o.iter_mut().zip(get(a)).zip(get(b)) {
                *o = logic(*x, *y, and);
            }
        }
        Op::Not(_, a) => {
            for (o, x) in o.iter_mut().zip(get(a)) {
                *o = if *x == MISSING { MISSING } else { i64::from(*x == 0) };
            }
        }
        Op::If(_, c, t, f) => {
            for (((o, c), t), f) in o.iter_mut().zip(get(c)).zip(get(t)).zip(get(f)) {
                *o = match *c {
                    MISSING => MISSING,
                    0 => *f,
                    _ => *t,
                };
            }
        }
        Op::WhenTrue(_, c, t, f) => {
            for (((o, c), t), f) in o.iter_mut().zip(get(c)).zip(get(t)).zip(get(f)) {
                *o = if *c == 1 { *t } else { *f };
            }
        }
        Op::MissingFalse(_, a) => {
            for (o, x) in o.iter_mut().zip(get(a)) {
                *o = if *x == MISSING { 0 } else { *x };
            }
        }
        Op::Group { start, len, need, .. } => group(o, get, lists, start, len, need),
        Op::Ratio(_, n, b) => ratio(o, get(n), get(b), bad),
        Op::CmpRatio { rate, n, b, t, op, shift, .. } => {
            cmp_ratio(o, [get(rate), get(n), get(b), get(t)], op, shift, bad);
        }
        Op::FallbackIf(_, c) => fallback_if(o, get(c), bad),
        // Run by `run_decimal`, over the decimal lanes.
        Op::ToDec(..) | Op::Dec(..) | Op::DecCmp(..) => {}
        // A cap or a cut without a value leaves the amount unknown, as the interpreter has it.
        Op::Cap(_, a, c) => {
            for ((o, x), c) in o.iter_mut().zip(get(a)).zip(get(c)) {
                *o = if *x == MISSING || *c == MISSING {
                    MISSING
                } else if *x > *c {
                    *c
                } else {
                    *x
                };
            }
        }
        Op::Keep(_, a, k) => {
            for (((o, x), k), bad) in o.iter_mut().zip(get(a)).zip(get(k)).zip(bad.iter_mut()) {
                *o = arith(*x, *k, bad, i64::checked_mul);
            }
        }
    }
}

/// One instruction over every lane, no operand missing: plain integer arithmetic, an overflow
/// (or a result equal to [`MISSING`]) marking the lane for the interpreter.
#[inline(always)]
fn run_total<'a>(
    op: &Op,
    o: &mut Lane,
    get: &impl Fn(super::Reg) -> &'a Lane,
    lists: &[super::Reg],
    bad: &mut Flags,
) {
    match *op {
        Op::Scale(_, a, k) => {
            // The product overflows exactly when |x| exceeds i64::MAX / |k|: a comparison per
            // lane, which vectorises where a multiplication's overflow flag does not.
            let limit = i64::MAX.checked_div(k.saturating_abs()).unwrap_or(i64::MAX);
            let x = get(a);
            for (o, x) in o.iter_mut().zip(x) {
                *o = x.wrapping_mul(k);
            }
            for ((bad, x), r) in bad.iter_mut().zip(x).zip(o.iter()) {
                *bad |= i64::from((*x > limit) | (*x < -limit) | (*r == MISSING));
            }
        }
        Op::Add(_, a, b) => {
            for (((o, x), y), bad) in o.iter_mut().zip(get(a)).zip(get(b)).zip(bad.iter_mut()) {
                let r = x.wrapping_add(*y);
                // The sum overflowed when its sign differs from both operands'.
                *bad |= sign_bit((x ^ r) & (y ^ r)) | i64::from(r == MISSING);
                *o = r;
            }
        }
        Op::Sub(_, a, b) => {
            for (((o, x), y), bad) in o.iter_mut().zip(get(a)).zip(get(b)).zip(bad.iter_mut()) {
                let r = x.wrapping_sub(*y);
                // The difference overflowed when the operands' signs differ and its sign
                // differs from the first's.
                *bad |= sign_bit((x ^ y) & (x ^ r)) | i64::from(r == MISSING);
                *o = r;
            }
        }
        Op::Mul(_, a, b) => total2(o, get(a), get(b), bad, i64::overflowing_mul),
        Op::Neg(_, a) => total1(o, get(a), bad, i64::overflowing_neg),
        Op::Abs(_, a) => total1(o, get(a), bad, i64::overflowing_abs),
        Op::Min(_, a, b) | Op::Cap(_, a, b) => {
            for ((o, x), y) in o.iter_mut().zip(get(a)).zip(get(b)) {
                *o = (*x).min(*y);
            }
        }
        Op::Max(_, a, b) => {
            for ((o, x), y) in o.iter_mut().zip(get(a)).zip(get(b)) {
                *o = (*x).max(*y);
            }
        }
        Op::Round(_, a, step, mode) => {
            total1(o, get(a), bad, |x| round(x, step, mode).map_or((0, true), |r| (r, false)));
        }
        Op::Trunc(_, a, p) => total1(o, get(a), bad, |x| (x / p.max(1), false)),
        Op::InYear(_, a) => in_year(o, get(a)),
        Op::Cmp(_, a, b, op) => {
            let [lt, eq, gt] = outcomes(op);
            for ((o, x), y) in o.iter_mut().zip(get(a)).zip(get(b)) {
                *o = i64::from(((*x < *y) & lt) | ((*x == *y) & eq) | ((*x > *y) & gt));
            }
        }
        Op::And(_, a, b) => {
            for ((o, x), y) in o.iter_mut().zip(get(a)).zip(get(b)) {
                *o = i64::from((*x != 0) & (*y != 0));
            }
        }
        Op::Or(_, a, b) => {
            for ((o, x), y) in o.iter_mut().zip(get(a)).zip(get(b)) {
                *o = i64::from((*x != 0) | (*y != 0));
            }
        }
        Op::Not(_, a) => {
            for (o, x) in o.iter_mut().zip(get(a)) {
                *o = i64::from(*x == 0);
            }
        }
        Op::If(_, c, t, f) | Op::WhenTrue(_, c, t, f) => {
            // A condition that is never missing is 0 or 1: `t` where it is 1, by masking.
            for (((o, c), t), f) in o.iter_mut().zip(get(c)).zip(get(t)).zip(get(f)) {
                let take_t = c.wrapping_neg();
                *o = (t & take_t) | (f & !take_t);
            }
        }
        Op::MissingFalse(_, a) => o.copy_from_slice(get(a)),
        Op::Group { start, len, need, .. } => group(o, get, lists, start, len, need),
        Op::Keep(_, a, k) => total2(o, get(a), get(k), bad, i64::overflowing_mul),
        Op::Ratio(_, n, b) => ratio(o, get(n), get(b), bad),
        Op::CmpRatio { rate, n, b, t, op, shift, .. } => {
            cmp_ratio(o, [get(rate), get(n), get(b), get(t)], op, shift, bad);
        }
        Op::FallbackIf(_, c) => fallback_if(o, get(c), bad),
        // Run by `run_decimal`, over the decimal lanes.
        Op::ToDec(..) | Op::Dec(..) | Op::DecCmp(..) => {}
    }
}

/// Whether an instruction works on the decimal lanes ([`run_decimal`]).
pub(super) fn decimal(op: &Op) -> bool {
    matches!(op, Op::ToDec(..) | Op::Dec(..) | Op::DecCmp(..))
}

/// A decimal instruction over every lane, lane by lane, with the interpreter's arithmetic
/// (`rust_decimal`'s, rounding as it rounds): missing where an operand is; an overflow or a
/// division by zero marks the lane for the interpreter, which reports it.
fn run_decimal(op: &Op, regs: &mut [i64], dec: &mut [Decimal], bad: &mut Flags) {
    for (lane, bad) in bad.iter_mut().enumerate() {
        let at = |r: super::Reg| r as usize * STRIDE + lane;
        let num = |r: super::Reg| regs.get(at(r)).copied().filter(|x| *x != MISSING);
        let value = |r: super::Reg| num(r).and_then(|_| dec.get(at(r)).copied());
        // The result: `None` when missing, else its register's entry and decimal value;
        // `Err` for the interpreter.
        let (dst, result): (super::Reg, Result<Option<(i64, Decimal)>, Fallback>) = match *op {
            Op::ToDec(d, a, scale) => (
                d,
                num(a)
                    .map(|m| {
                        Decimal::try_from_i128_with_scale(i128::from(m), scale)
                            .map(|x| (0, x))
                            .map_err(|_| Fallback)
                    })
                    .transpose(),
            ),
            Op::Dec(d, a, b, f) => (
                d,
                match (value(a), value(b)) {
                    (Some(x), Some(y)) => match f {
                        DecFn::Add => x.checked_add(y),
                        DecFn::Sub => x.checked_sub(y),
                        DecFn::Mul => x.checked_mul(y),
                        DecFn::Div if y.is_zero() => None,
                        DecFn::Div => x.checked_div(y),
                        DecFn::Min => Some(x.min(y)),
                        DecFn::Max => Some(x.max(y)),
                    }
                    .map(|r| Some((0, r)))
                    .ok_or(Fallback),
                    _ => Ok(None),
                },
            ),
            Op::DecCmp(d, a, b, op) => (
                d,
                Ok(value(a).zip(value(b)).map(|(x, y)| {
                    let [lt, eq, gt] = outcomes(op);
                    let held = match x.cmp(&y) {
                        Ordering::Less => lt,
                        Ordering::Equal => eq,
                        Ordering::Greater => gt,
                    };
                    (i64::from(held), Decimal::ZERO)
                })),
            ),
            _ => continue,
        };
        let (entry, x) = match result {
            Ok(Some(v)) => v,
            Ok(None) => (MISSING, Decimal::ZERO),
            Err(Fallback) => {
                *bad = 1;
                (MISSING, Decimal::ZERO)
            }
        };
        if let Some(r) = regs.get_mut(at(dst)) {
            *r = entry;
        }
        if let Some(v) = dec.get_mut(at(dst)) {
            *v = x;
        }
    }
}

/// `增长率`'s value or its absence: missing when either year's value is; a zero last year (the
/// interpreter's `ZC0703`-class error) marks the lane for the interpreter.
#[inline(always)]
fn ratio(o: &mut Lane, n: &Lane, b: &Lane, bad: &mut Flags) {
    for (((o, n), b), bad) in o.iter_mut().zip(n).zip(b).zip(bad.iter_mut()) {
        let miss = (*n == MISSING) | (*b == MISSING);
        *bad |= i64::from(!miss & (*b == 0));
        *o = if miss { MISSING } else { 1 };
    }
}

/// Whether `op` holds between `n / b − 1` and `t` (`t` at `shift` more places than `n` and `b`),
/// as the interpreter decides it from its quotient rounded to 28 places: `n / b` against
/// `u = 1 + t` is `n × 10^shift` against `U × b` (sides swapped when `b` is negative). The
/// two agree unless the quotient lies closer to `u` than its rounding error; the quotient
/// differs from `u` by at least `1 / (|b| × 10^shift)` when it differs at all, and its error
/// is below `10^-28 + |n / b| × 10^-27`, so they agree whenever
/// `10^shift × (|b| + 10 |n|) < 10^26` (two places to spare); past that the lane goes to the
/// interpreter.
#[inline(always)]
fn cmp_ratio(
    o: &mut Lane,
    [rate, n, b, t]: [&Lane; 4],
    op: crate::ast::CmpOp,
    shift: u8,
    bad: &mut Flags,
) {
    let [lt, eq, gt] = outcomes(op);
    let p = super::fixed::pow10(u32::from(shift)).unwrap_or(i128::MAX);
    for (i, o) in o.iter_mut().enumerate() {
        let (Some(&r), Some(&n), Some(&b), Some(&t)) = (rate.get(i), n.get(i), b.get(i), t.get(i))
        else {
            continue;
        };
        if r == MISSING || t == MISSING || b == 0 {
            *o = MISSING;
            continue;
        }
        let (n, b, t) = (i128::from(n), i128::from(b), i128::from(t));
        let close = (b.abs() + 10 * n.abs()).checked_mul(p).is_none_or(|x| x >= 10i128.pow(26));
        let (Some(left), Some(right)) =
            (n.checked_mul(p), p.checked_add(t).and_then(|u| u.checked_mul(b)))
        else {
            if let Some(f) = bad.get_mut(i) {
                *f = 1;
            }
            *o = MISSING;
            continue;
        };
        let mut ord = left.cmp(&right);
        if b < 0 {
            ord = ord.reverse();
        }
        if close
            && ord != Ordering::Equal
            && let Some(f) = bad.get_mut(i)
        {
            *f = 1;
        }
        let held = match ord {
            Ordering::Less => lt,
            Ordering::Equal => eq,
            Ordering::Greater => gt,
        };
        *o = i64::from(held);
    }
}

/// The condition, marking the lanes where it holds for the interpreter.
#[inline(always)]
fn fallback_if(o: &mut Lane, c: &Lane, bad: &mut Flags) {
    for ((o, c), bad) in o.iter_mut().zip(c).zip(bad.iter_mut()) {
        *bad |= i64::from(*c == 1);
        *o = *c;
    }
}

/// The date a register holds (`year × 10,000 + month × 100 + day`).
pub(crate) fn date_of(x: i64) -> Option<crate::ast::Date> {
    let year = u16::try_from(x / 10_000).ok()?;
    let month = u8::try_from(x / 100 % 100).ok()?;
    let day = u8::try_from(x % 100).ok()?;
    Some(crate::ast::Date { year, month, day })
}

/// A date as a register holds it.
pub fn date_code(d: crate::ast::Date) -> i64 {
    i64::from(d.year) * 10_000 + i64::from(d.month) * 100 + i64::from(d.day)
}

/// 1 when `x` is negative, else 0.
#[inline(always)]
fn sign_bit(x: i64) -> i64 {
    i64::from(x < 0)
}

/// Whether `<`, `=` and `>` satisfy a comparison.
fn outcomes(op: crate::ast::CmpOp) -> [bool; 3] {
    [Ordering::Less, Ordering::Equal, Ordering::Greater].map(|o| op.holds(o))
}

/// Whether at least `need` of the registers `lists[start..start + len]` hold.
#[inline(always)]
fn group<'a>(
    o: &mut Lane,
    get: &impl Fn(super::Reg) -> &'a Lane,
    lists: &[super::Reg],
    start: u32,
    len: u32,
    need: u32,
) {
    let mut held = [0i64; LANES];
    let list = lists.get(start as usize..(start + len) as usize);
    for r in list.unwrap_or_default() {
        for (h, x) in held.iter_mut().zip(get(*r)) {
            *h += i64::from(*x == 1);
        }
    }
    for (o, h) in o.iter_mut().zip(&held) {
        *o = i64::from(*h >= i64::from(need));
    }
}

/// Whether every instruction reads only registers below the one it writes (what
/// [`Machine::run_lanes`] relies on).
pub(super) fn ordered(prog: &Program) -> bool {
    prog.ops.iter().all(|op| {
        let d = dst_of(op);
        // A group's registers must be in the lists.
        let listed = match *op {
            Op::Group { start, len, .. } => {
                prog.lists.get(start as usize..(start + len) as usize).is_some()
            }
            _ => true,
        };
        listed && operands(op, &prog.lists).iter().all(|r| *r < d)
    })
}

/// The registers an instruction reads (a group's, from `lists`).
pub(super) fn operands(op: &Op, lists: &[super::Reg]) -> Vec<super::Reg> {
    match *op {
        Op::Scale(_, a, _) | Op::Neg(_, a) | Op::Abs(_, a) | Op::Round(_, a, ..) => vec![a],
        Op::Trunc(_, a, _) | Op::InYear(_, a) | Op::Not(_, a) | Op::MissingFalse(_, a) => vec![a],
        Op::FallbackIf(_, a) | Op::ToDec(_, a, _) => vec![a],
        Op::Dec(_, a, b, _) | Op::DecCmp(_, a, b, _) => vec![a, b],
        Op::Add(_, a, b)
        | Op::Sub(_, a, b)
        | Op::Mul(_, a, b)
        | Op::Min(_, a, b)
        | Op::Max(_, a, b)
        | Op::Cmp(_, a, b, _)
        | Op::And(_, a, b)
        | Op::Or(_, a, b)
        | Op::Cap(_, a, b)
        | Op::Keep(_, a, b)
        | Op::Ratio(_, a, b) => vec![a, b],
        Op::If(_, c, t, f) | Op::WhenTrue(_, c, t, f) => vec![c, t, f],
        Op::CmpRatio { rate, n, b, t, .. } => vec![rate, n, b, t],
        Op::Group { start, len, .. } => {
            lists.get(start as usize..(start + len) as usize).unwrap_or_default().to_vec()
        }
    }
}

/// The value an instruction gives when each operand is the constant `value` gives (encoded),
/// worked out when compiling; `None` when an operand is not constant, or the instruction would
/// send a subject to the interpreter.
pub(super) fn fold(
    op: &Op,
    lists: &[super::Reg],
    value: impl Fn(super::Reg) -> Option<i64>,
) -> Option<i64> {
    if decimal(op) {
        return None;
    }
    let mut known: Vec<(super::Reg, Lane)> = Vec::new();
    for r in operands(op, lists) {
        known.push((r, [value(r)?; LANES]));
    }
    let missing: Lane = [MISSING; LANES];
    let get = |r: super::Reg| -> &Lane {
        known.iter().find(|(k, _)| *k == r).map_or(&missing, |(_, l)| l)
    };
    let mut o: Lane = [0; LANES];
    let mut bad: Flags = [0; LANES];
    run_checked(op, &mut o, &get, lists, &mut bad);
    (bad.first() == Some(&0)).then(|| o.first().copied()).flatten()
}

/// The instruction writing `dst` instead.
pub(super) fn with_dst(op: Op, dst: super::Reg) -> Op {
    let mut op = op;
    *dst_mut(&mut op) = dst;
    op
}

/// The register an instruction writes.
pub(super) fn dst_of(op: &Op) -> super::Reg {
    let mut op = *op;
    *dst_mut(&mut op)
}

/// The register an instruction writes, to change.
fn dst_mut(op: &mut Op) -> &mut super::Reg {
    match op {
        Op::Scale(d, ..)
        | Op::Add(d, ..)
        | Op::Sub(d, ..)
        | Op::Mul(d, ..)
        | Op::Neg(d, ..)
        | Op::Abs(d, ..)
        | Op::Trunc(d, ..)
        | Op::InYear(d, ..)
        | Op::Min(d, ..)
        | Op::Max(d, ..)
        | Op::Round(d, ..)
        | Op::Cmp(d, ..)
        | Op::And(d, ..)
        | Op::Or(d, ..)
        | Op::Not(d, ..)
        | Op::If(d, ..)
        | Op::WhenTrue(d, ..)
        | Op::MissingFalse(d, ..)
        | Op::Cap(d, ..)
        | Op::Keep(d, ..)
        | Op::Ratio(d, ..)
        | Op::FallbackIf(d, ..)
        | Op::ToDec(d, ..)
        | Op::Dec(d, ..)
        | Op::DecCmp(d, ..) => d,
        Op::Group { dst, .. } | Op::CmpRatio { dst, .. } => dst,
    }
}

/// `f` over the numbers of each lane: missing where the operand is; an overflow (or a result
/// equal to [`MISSING`]) marks the lane for the interpreter. Written without branches, so that
/// the loop runs over several lanes at once.
#[inline(always)]
fn map1(o: &mut Lane, a: &Lane, bad: &mut Flags, f: impl Fn(i64) -> (i64, bool)) {
    for ((o, x), bad) in o.iter_mut().zip(a).zip(bad.iter_mut()) {
        let miss = *x == MISSING;
        let (r, over) = f(*x);
        *bad |= i64::from(!miss & (over | (r == MISSING)));
        *o = if miss { MISSING } else { r };
    }
}

/// A year where the operand is one (0 to 65,535), else missing: the interpreter's years; an
/// operand out of range is no year, not a value the compiled form cannot hold.
#[inline(always)]
fn in_year(o: &mut Lane, a: &Lane) {
    for (o, x) in o.iter_mut().zip(a) {
        *o = if (0..=i64::from(u16::MAX)).contains(x) { *x } else { MISSING };
    }
}

#[inline(always)]
fn map2(o: &mut Lane, a: &Lane, b: &Lane, bad: &mut Flags, f: impl Fn(i64, i64) -> (i64, bool)) {
    for (((o, x), y), bad) in o.iter_mut().zip(a).zip(b).zip(bad.iter_mut()) {
        let miss = (*x == MISSING) | (*y == MISSING);
        let (r, over) = f(*x, *y);
        *bad |= i64::from(!miss & (over | (r == MISSING)));
        *o = if miss { MISSING } else { r };
    }
}

/// `f` over every lane, no operand missing.
#[inline(always)]
fn total1(o: &mut Lane, a: &Lane, bad: &mut Flags, f: impl Fn(i64) -> (i64, bool)) {
    for ((o, x), bad) in o.iter_mut().zip(a).zip(bad.iter_mut()) {
        let (r, over) = f(*x);
        *bad |= i64::from(over | (r == MISSING));
        *o = r;
    }
}

#[inline(always)]
fn total2(o: &mut Lane, a: &Lane, b: &Lane, bad: &mut Flags, f: impl Fn(i64, i64) -> (i64, bool)) {
    for (((o, x), y), bad) in o.iter_mut().zip(a).zip(b).zip(bad.iter_mut()) {
        let (r, over) = f(*x, *y);
        *bad |= i64::from(over | (r == MISSING));
        *o = r;
    }
}

/// A checked operation on two numbers: missing if either is; an overflow (or a result equal
/// to [`MISSING`]) marks the run as needing the interpreter.
#[inline(always)]
fn arith(x: i64, y: i64, bad: &mut i64, f: impl Fn(i64, i64) -> Option<i64>) -> i64 {
    if x == MISSING || y == MISSING {
        return MISSING;
    }
    match f(x, y) {
        Some(r) if r != MISSING => r,
        _ => {
            *bad = 1;
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

/// One value of a validated record as a field input reads it: its register and value;
/// [`Fallback`] when it has more places than kept, does not fit, or is of another kind.
fn read(field: &FieldIn, value: &Value) -> Result<(super::Reg, Cv), Fallback> {
    let (reg, v) = match (field, value) {
        (
            FieldIn::Num { reg, .. }
            | FieldIn::Bool { reg }
            | FieldIn::Enum { reg, .. }
            | FieldIn::Year { reg }
            | FieldIn::Date { reg },
            Value::Missing,
        ) => (*reg, Cv::Missing),
        (FieldIn::Year { reg }, Value::Year(y)) => (*reg, Cv::Num(i64::from(*y))),
        (FieldIn::Date { reg }, Value::Date(d)) => (*reg, Cv::Num(date_code(*d))),
        (FieldIn::Text { reg, .. }, Value::Missing) => (*reg, Cv::Missing),
        (FieldIn::Text { reg, values }, Value::Text(t)) => {
            (*reg, Cv::Enum(text_position(values, t)))
        }
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
    Ok((reg, v))
}

/// A text's position among the texts a program compares it with; any other text is
/// `values.len()`.
pub fn text_position(values: &[String], text: &str) -> u32 {
    let i = values.iter().position(|v| v == text).unwrap_or(values.len());
    u32::try_from(i).unwrap_or(u32::MAX)
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

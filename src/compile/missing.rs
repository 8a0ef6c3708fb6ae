//! Which registers can hold no value, found once when compiling, so that the instructions whose
//! operands always hold one run without checking each lane for [`MISSING`](super::MISSING).
//!
//! A value is missing only where an optional field is empty; required fields, constants,
//! statuses and condition groups always hold one, and an instruction's result can be missing
//! only when one of the operands it passes on can be.

use super::{Cv, FieldIn, Op, Program, Reg};

/// Marks every register that can be missing (`may_miss`) and every instruction none of whose
/// operands can be (`total`). Instructions must be in the order they run, operands first.
pub(super) fn analyse(prog: &mut Program, optional: &[bool]) {
    let mut miss: Vec<bool> = prog.init.iter().map(|v| *v == Cv::Missing).collect();
    // Fields: missing only when optional.
    for (field, opt) in prog.fields.iter().zip(optional) {
        if let FieldIn::Num { reg, .. }
        | FieldIn::Bool { reg }
        | FieldIn::Enum { reg, .. }
        | FieldIn::Year { reg }
        | FieldIn::Date { reg }
        | FieldIn::Text { reg, .. } = field
            && let Some(m) = miss.get_mut(*reg as usize)
        {
            *m = *opt;
        }
    }
    let mut total = Vec::with_capacity(prog.ops.len());
    for op in &prog.ops {
        let m = |r: Reg| miss.get(r as usize).copied().unwrap_or(true);
        let (dst, result, operands) = match *op {
            Op::Scale(d, a, _)
            | Op::Neg(d, a)
            | Op::Abs(d, a)
            | Op::Round(d, a, ..)
            | Op::Not(d, a) => (d, m(a), m(a)),
            Op::Add(d, a, b)
            | Op::Sub(d, a, b)
            | Op::Mul(d, a, b)
            | Op::Min(d, a, b)
            | Op::Max(d, a, b)
            | Op::Cmp(d, a, b, _)
            | Op::And(d, a, b)
            | Op::Or(d, a, b) => (d, m(a) || m(b), m(a) || m(b)),
            Op::If(d, c, t, f) => (d, m(c) || m(t) || m(f), m(c) || m(t) || m(f)),
            Op::WhenTrue(d, c, t, f) => (d, m(t) || m(f), m(c) || m(t) || m(f)),
            Op::MissingFalse(d, a) => (d, false, m(a)),
            Op::Group { dst, start, len, .. } => {
                let list = prog.lists.get(start as usize..(start + len) as usize);
                (dst, false, list.unwrap_or_default().iter().any(|r| m(*r)))
            }
            Op::Cap(d, a, c) => (d, m(a) || m(c), m(a) || m(c)),
            Op::Trunc(d, a, _) => (d, m(a), m(a)),
            // Missing whenever the operand is no year.
            Op::InYear(d, a) => (d, true, m(a)),
            Op::Keep(d, a, k) => (d, m(a) || m(k), m(a) || m(k)),
            Op::Ratio(d, n, b) => (d, m(n) || m(b), m(n) || m(b)),
            // Missing also where last year's value is zero.
            Op::CmpRatio { dst, .. } => (dst, true, true),
            Op::FallbackIf(d, c) => (d, m(c), m(c)),
            Op::ToDec(d, a, _) => (d, m(a), m(a)),
            Op::Dec(d, a, b, _) | Op::DecCmp(d, a, b, _) => (d, m(a) || m(b), m(a) || m(b)),
        };
        if let Some(slot) = miss.get_mut(dst as usize) {
            *slot = result;
        }
        total.push(!operands);
    }
    prog.may_miss = miss;
    prog.total = total;
}

//! One instruction of the compiled program as a SQL expression over the columns of earlier
//! ones, with the machine's rules for missing values (SQL `NULL`) written out: arithmetic and
//! comparisons are missing when an operand is, `且`/`或` decide on one side when it alone
//! decides (SQL's three-valued logic), `非` of a missing value is missing, `最小`/`最大` are
//! missing when either side is (not SQL's `LEAST`, which skips a `NULL`), and a status treats
//! a missing condition as not holding. Conditions are integers 0 and 1, as in the machine.

use crate::ast::CmpOp;
use crate::compile::{Op, RoundMode};

use super::dialect::Dialect;

/// What an instruction becomes: an expression, or the construct that has no exact SQL form.
pub(crate) enum Sql {
    Expr(String),
    /// An expression, except for the subjects where `when` holds: the machine hands those to
    /// the interpreter (for `why`), and the query stops there rather than guess.
    Handed {
        expr: String,
        when: String,
        why: &'static str,
    },
    /// An expression that reads helper columns worked out before it, a layer per step (each
    /// step's columns `(suffix, expression)`, named after the result's column with the
    /// suffix), and the subjects the query stops at, as in [`Sql::Handed`].
    Staged {
        steps: Vec<Vec<(String, String)>>,
        expr: String,
        handed: Vec<(String, &'static str)>,
    },
    Refused(&'static str, &'static str),
}

pub(super) fn cmp_text(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
        CmpOp::Eq => "=",
        CmpOp::Ne => "<>",
    }
}

/// The euclidean remainder of `x` by the positive `step` (0 ≤ r < step).
fn rem(d: Dialect, x: &str, step: i64) -> String {
    let s = d.int(step);
    format!("((({x}) % {s} + {s}) % {s})")
}

/// `x` rounded to a multiple of `step`, exactly as the machine's `round`.
fn round(d: Dialect, x: &str, step: i64, mode: RoundMode) -> String {
    let r = rem(d, x, step);
    let s = d.int(step);
    let down = format!("({x} - {r})");
    let up = format!("({x} - {r} + {s})");
    match mode {
        RoundMode::Down => down,
        RoundMode::Up => format!("(CASE WHEN {r} = 0 THEN {x} ELSE {up} END)"),
        RoundMode::HalfAwayFromZero => format!(
            "(CASE WHEN 2 * {r} < {s} THEN {down} WHEN 2 * {r} > {s} THEN {up} \
             WHEN {x} >= 0 THEN {up} ELSE {down} END)"
        ),
    }
}

/// Whether `op` holds between the growth rate `n / b − 1` and `t` (at `shift` more places),
/// as the machine decides it (`machine::cmp_ratio`): `n × 10^shift` against `(10^shift + t) × b`,
/// sides swapped when `b` is negative; missing when the rate or `t` is, or `b` is 0. Where the
/// interpreter's 28-place quotient could decide otherwise (`10^shift × (|b| + 10 |n|) ≥ 10^26`
/// and the sides differ), the machine hands the subject to the interpreter.
fn cmp_ratio(d: Dialect, [rate, n, b, t]: [String; 4], op: CmpOp, shift: u8) -> Sql {
    let Some(p) = 10i64.checked_pow(u32::from(shift)) else {
        return Sql::Refused("小数位过多的增长率比较", "a growth rate compared at too many places");
    };
    let p = d.int(p);
    let diff = format!("(({n}) * {p} - ({p} + {t}) * ({b}))");
    let signed = format!("(CASE WHEN {b} < 0 THEN -{diff} ELSE {diff} END)");
    let bit = |o: std::cmp::Ordering| if op.holds(o) { 1 } else { 0 };
    let expr = format!(
        "(CASE WHEN {rate} IS NULL OR {t} IS NULL OR {b} = 0 THEN NULL \
         WHEN {signed} < 0 THEN {} WHEN {signed} = 0 THEN {} ELSE {} END)",
        bit(std::cmp::Ordering::Less),
        bit(std::cmp::Ordering::Equal),
        bit(std::cmp::Ordering::Greater)
    );
    let when = format!(
        "({rate} IS NOT NULL AND {t} IS NOT NULL AND {b} <> 0 AND {diff} <> 0 \
         AND (abs({b}) + 10 * abs({n})) * {p} >= {})",
        d.int_e26()
    );
    Sql::Handed {
        expr,
        when,
        why: "a growth rate too close to its threshold for the quotient to decide",
    }
}

/// The SQL form of `op`, each operand register written by `reg`.
pub(crate) fn expr(d: Dialect, op: &Op, lists: &[u32], reg: &dyn Fn(u32) -> String) -> Sql {
    let e = match *op {
        Op::Scale(_, a, f) => format!("({} * {})", reg(a), d.int(f)),
        Op::Add(_, a, b) => format!("({} + {})", reg(a), reg(b)),
        Op::Sub(_, a, b) => format!("({} - {})", reg(a), reg(b)),
        Op::Mul(_, a, b) | Op::Keep(_, a, b) => format!("({} * {})", reg(a), reg(b)),
        Op::Neg(_, a) => format!("(-{})", reg(a)),
        Op::Abs(_, a) => format!("abs({})", reg(a)),
        Op::Min(_, a, b) | Op::Cap(_, a, b) => {
            let (a, b) = (reg(a), reg(b));
            format!(
                "(CASE WHEN {a} IS NULL OR {b} IS NULL THEN NULL WHEN {a} > {b} THEN {b} ELSE {a} END)"
            )
        }
        Op::Max(_, a, b) => {
            let (a, b) = (reg(a), reg(b));
            format!(
                "(CASE WHEN {a} IS NULL OR {b} IS NULL THEN NULL WHEN {a} < {b} THEN {b} ELSE {a} END)"
            )
        }
        Op::Round(_, a, step, mode) => round(d, &reg(a), step, mode),
        Op::Trunc(_, a, p) => d.div_trunc(&reg(a), p.max(1)),
        Op::InYear(_, a) => {
            let a = reg(a);
            format!("(CASE WHEN {a} >= 0 AND {a} <= 65535 THEN {a} END)")
        }
        Op::Cmp(_, a, b, op) => {
            let (a, b) = (reg(a), reg(b));
            format!(
                "(CASE WHEN {a} IS NULL OR {b} IS NULL THEN NULL WHEN {a} {} {b} THEN 1 ELSE 0 END)",
                cmp_text(op)
            )
        }
        Op::And(_, a, b) => {
            let (a, b) = (reg(a), reg(b));
            format!("(CASE WHEN {a} = 0 OR {b} = 0 THEN 0 WHEN {a} = 1 AND {b} = 1 THEN 1 END)")
        }
        Op::Or(_, a, b) => {
            let (a, b) = (reg(a), reg(b));
            format!("(CASE WHEN {a} = 1 OR {b} = 1 THEN 1 WHEN {a} = 0 AND {b} = 0 THEN 0 END)")
        }
        Op::Not(_, a) => format!("(1 - {})", reg(a)),
        Op::If(_, c, t, f) => {
            let c = reg(c);
            format!(
                "(CASE WHEN {c} IS NULL THEN NULL WHEN {c} = 0 THEN {} ELSE {} END)",
                reg(f),
                reg(t)
            )
        }
        Op::WhenTrue(_, c, t, f) => {
            format!("(CASE WHEN {} = 1 THEN {} ELSE {} END)", reg(c), reg(t), reg(f))
        }
        Op::MissingFalse(_, a) => format!("coalesce({}, 0)", reg(a)),
        Op::Group { start, len, need, .. } => {
            let list =
                lists.get(start as usize..(start as usize + len as usize)).unwrap_or_default();
            let held: Vec<String> = list
                .iter()
                .map(|r| format!("(CASE WHEN {} = 1 THEN 1 ELSE 0 END)", reg(*r)))
                .collect();
            let sum = if held.is_empty() { "0".to_string() } else { held.join(" + ") };
            format!("(CASE WHEN {sum} >= {need} THEN 1 ELSE 0 END)")
        }
        // A growth rate that is only compared: whether it has a value; a base of 0 is the
        // interpreter's division by zero.
        Op::Ratio(_, n, b) => {
            let (n, b) = (reg(n), reg(b));
            return Sql::Handed {
                expr: format!("(CASE WHEN {n} IS NULL OR {b} IS NULL THEN NULL ELSE 1 END)"),
                when: format!("({n} IS NOT NULL AND {b} = 0)"),
                why: "a growth rate over a base of 0",
            };
        }
        Op::CmpRatio { rate, n, b, t, op, shift, .. } => {
            return cmp_ratio(d, [reg(rate), reg(n), reg(b), reg(t)], op, shift);
        }
        Op::FallbackIf(_, c) => {
            let c = reg(c);
            return Sql::Handed {
                when: format!("coalesce({c}, 0) = 1"),
                expr: c,
                why: "a yearly function followed back before its data (no yearly value, or a total from before the register)",
            };
        }
        // Written by `decimal::lower`, which knows the scales of the decimals.
        Op::ToDec(..) | Op::Dec(..) | Op::DecCmp(..) => {
            return Sql::Refused("除法（28 位小数的商）", "a division (a quotient to 28 places)");
        }
    };
    Sql::Expr(e)
}

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
    Refused(&'static str, &'static str),
}

fn cmp_text(op: CmpOp) -> &'static str {
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
        Op::Ratio(..) | Op::CmpRatio { .. } => {
            return Sql::Refused(
                "增长率（28 位小数的商）",
                "a growth rate (a quotient to 28 places)",
            );
        }
        Op::FallbackIf(..) => {
            return Sql::Refused(
                "没有逐年数据的连续年数（解释器逐年回溯）",
                "a streak of a subject without yearly values (the interpreter follows it back)",
            );
        }
        Op::ToDec(..) | Op::Dec(..) | Op::DecCmp(..) => {
            return Sql::Refused("除法（28 位小数的商）", "a division (a quotient to 28 places)");
        }
    };
    Sql::Expr(e)
}

//! Exact decimals in SQL: a quotient, and what is worked out from it ([`Ty::Dec`] registers,
//! which the machine works with `rust_decimal`'s arithmetic), to the interpreter's last place.
//!
//! `rust_decimal`'s result of `+`, `−`, `×` and `÷` is the exact result rounded half to even
//! at the most places, at most 28, whose mantissa stays below 2^96 (a result that does not
//! fit even at 0 places overflows: the machine hands the subject to the interpreter). The
//! query holds such a decimal as an integer mantissa at a scale fixed for its register (the
//! value has no more places than that), works out the exact result in integers, and rounds it
//! as `rust_decimal` does: the number of places dropped, `k`, is the least for which
//! `|exact| × 10^-k < 2^96 − 1/2`, a comparison of the mantissa with a constant. A quotient
//! is long division of the operands' integer mantissas, nine digits at a time, to 28 places
//! and a remainder that decides the rounding, in `HUGEINT` (DuckDB) or `NUMERIC`
//! (PostgreSQL). Spark SQL has no exact integer division beyond 19 digits (`div` gives a
//! `BIGINT`), so there a decimal is refused (`ZC1002`); so is, in DuckDB, a product of two
//! decimals with more than 38 places between them (two quotients), whose exact mantissa
//! `HUGEINT` cannot hold. Any other result past `HUGEINT`'s 38 digits (a quotient of 10^10 or
//! more at 28 places, say) is DuckDB's overflow error, never a wrapped value.

use super::dialect::Dialect;
use super::expr::Sql;
use crate::compile::{DecFn, Op};

/// 2^96, the first mantissa `rust_decimal` cannot hold.
const TWO_96: &str = "79228162514264337593543950336";
/// 2^96 − 1, the largest mantissa.
const MAX_MANTISSA: &str = "79228162514264337593543950335";
/// (2^96 − 1/2) × 10: with `k − 1` zeros after it, the least `|m|` for which dropping `k`
/// places does not fit (`|m| × 10^-k ≥ 2^96 − 1/2`, where half to even rounds up to 2^96).
const LIMIT_TIMES_TEN: &str = "792281625142643375935439503355";
/// The most places `rust_decimal` keeps.
const MAX_SCALE: u32 = 28;

/// What a decimal instruction is written as, with the scale of its result's mantissa.
pub(crate) struct Lowered {
    pub sql: Sql,
    pub scale: u32,
}

/// Why a decimal instruction has no exact SQL form.
const REFUSED: (&str, &str) = ("除法（28 位小数的商）", "a division (a quotient to 28 places)");

/// Why a product of two decimals has no exact form in DuckDB: its exact mantissa, at the sum
/// of their places, passes `HUGEINT`'s 38 digits for all but the smallest values.
const PRODUCT_PAST_HUGEINT: (&str, &str) = (
    "两个小数之积（小数位合计超过 38 位）",
    "a product of two decimals with more than 38 places between them",
);

/// 10^k in the mantissa type.
fn pow10(d: Dialect, k: u32) -> String {
    format!("CAST('1{}' AS {})", "0".repeat(k as usize), d.int_type())
}

/// An integer constant written as its digits.
fn big(d: Dialect, digits: &str) -> String {
    format!("CAST('{digits}' AS {})", d.int_type())
}

/// The least `|m|` at which dropping `k` places does not fit in 2^96 (see
/// [`LIMIT_TIMES_TEN`]), if the mantissa type can hold it (DuckDB's `HUGEINT` up to 10^38).
fn limit(d: Dialect, k: u32) -> Option<String> {
    if d == Dialect::DuckDb && k >= 10 {
        return None;
    }
    Some(match k {
        0 => big(d, TWO_96),
        _ => big(d, &format!("{LIMIT_TIMES_TEN}{}", "0".repeat(k as usize - 1))),
    })
}

/// `a` times 10^k.
fn up(d: Dialect, a: &str, k: u32) -> String {
    if k == 0 { a.to_string() } else { format!("({a} * {})", pow10(d, k)) }
}

/// The decimal instruction `op` in SQL; `scale` gives an operand's scale, `reg` its column or
/// value, `name` the column of the result (helper columns are named after it).
pub(crate) fn lower(
    d: Dialect,
    op: &Op,
    scale: &dyn Fn(u32) -> Option<u32>,
    reg: &dyn Fn(u32) -> String,
    name: &str,
) -> Result<Lowered, (&'static str, &'static str)> {
    if d == Dialect::Spark {
        return Err(REFUSED);
    }
    let both = |a: u32, b: u32| Some(((reg(a), scale(a)?), (reg(b), scale(b)?)));
    match *op {
        Op::ToDec(_, a, s) if s <= MAX_SCALE => Ok(Lowered { sql: Sql::Expr(reg(a)), scale: s }),
        Op::Dec(_, a, b, f) => {
            let ((a, sa), (b, sb)) = both(a, b).ok_or(REFUSED)?;
            Ok(match f {
                DecFn::Add | DecFn::Sub => {
                    let s = sa.max(sb);
                    let sign = if f == DecFn::Add { "+" } else { "-" };
                    let m = format!("({} {sign} {})", up(d, &a, s - sa), up(d, &b, s - sb));
                    fit(d, m, s, name)
                }
                DecFn::Mul if d == Dialect::DuckDb && sa + sb > 38 => {
                    return Err(PRODUCT_PAST_HUGEINT);
                }
                DecFn::Mul => fit(d, format!("({a} * {b})"), sa + sb, name),
                DecFn::Min | DecFn::Max => {
                    let s = sa.max(sb);
                    let (x, y) = (up(d, &a, s - sa), up(d, &b, s - sb));
                    let keep = if f == DecFn::Min { ">" } else { "<" };
                    let e = format!(
                        "(CASE WHEN {a} IS NULL OR {b} IS NULL THEN NULL \
                         WHEN {x} {keep} {y} THEN {y} ELSE {x} END)"
                    );
                    Lowered { sql: Sql::Expr(e), scale: s }
                }
                DecFn::Div => divide(d, (&a, sa), (&b, sb), name),
            })
        }
        Op::DecCmp(_, a, b, op) => {
            let ((a, sa), (b, sb)) = both(a, b).ok_or(REFUSED)?;
            let s = sa.max(sb);
            let e = format!(
                "(CASE WHEN {a} IS NULL OR {b} IS NULL THEN NULL WHEN {} {} {} THEN 1 ELSE 0 END)",
                up(d, &a, s - sa),
                super::expr::cmp_text(op),
                up(d, &b, s - sb)
            );
            Ok(Lowered { sql: Sql::Expr(e), scale: 0 })
        }
        _ => Err(REFUSED),
    }
}

/// The exact result `m` (a mantissa at scale `s`) as `rust_decimal` keeps it: `k` places
/// dropped, half to even, for the least `k ≥ s − 28` that fits; held at scale `min(s, 28)`.
/// Past every `k` (no fit even at 0 places) the machine hands the subject to the interpreter.
fn fit(d: Dialect, m: String, s: u32, name: &str) -> Lowered {
    let col = format!("{name}_m");
    let target = s.min(MAX_SCALE);
    let mut e = format!("(CASE WHEN {col} IS NULL THEN NULL");
    let mut closed = false;
    for k in (s - target)..=s {
        let kept = round_at(d, &col, k, target + k - s);
        match limit(d, k) {
            Some(l) => e.push_str(&format!(" WHEN abs({col}) < {l} THEN {kept}")),
            // Beyond what the mantissa type holds: every value it can hold fits here.
            None => {
                e.push_str(&format!(" ELSE {kept}"));
                closed = true;
                break;
            }
        }
    }
    let mut handed = Vec::new();
    if !closed && let Some(l) = limit(d, s) {
        handed.push((
            format!("({col} IS NOT NULL AND abs({col}) >= {l})"),
            "a decimal beyond the exact range (the interpreter reports the overflow)",
        ));
    }
    e.push_str(" END)");
    Lowered {
        sql: Sql::Staged { steps: vec![vec![("m".to_string(), m)]], expr: e, handed },
        scale: target,
    }
}

/// The mantissa in the column `m` with its last `k` digits rounded off half to even (by its
/// magnitude, as `rust_decimal` rounds), then times 10^`pad`.
fn round_at(d: Dialect, m: &str, k: u32, pad: u32) -> String {
    if k == 0 {
        return up(d, m, pad);
    }
    let p = pow10(d, k);
    let n = format!("abs({m})");
    let q = d.idiv(&n, &p);
    let r = d.imod(&n, &p);
    let mag = format!(
        "({q} + (CASE WHEN 2 * {r} > {p} OR (2 * {r} = {p} AND {} = 1) THEN 1 ELSE 0 END))",
        d.imod(&q, "2")
    );
    let mag = up(d, &mag, pad);
    format!("(CASE WHEN {m} < 0 THEN -{mag} ELSE {mag} END)")
}

/// `a ÷ b` as `rust_decimal` divides (`checked_div`), held at scale 28: the magnitudes
/// brought to one scale (`n`, `d`), the whole part and 28 places by long division (nine
/// digits a step, so that a remainder times 10^9 stays within the type), the remainder
/// deciding the last kept place half to even. A divisor of 0 (which the interpreter reports)
/// stops the query at the subject, and so does, in DuckDB, a quotient of 10^10 or more (its
/// mantissa at 28 places is beyond `HUGEINT`).
fn divide(dl: Dialect, (a, sa): (&str, u32), (b, sb): (&str, u32), name: &str) -> Lowered {
    let c = |s: &str| format!("{name}_{s}");
    let (n, dv) = (c("n"), c("d"));
    let mut steps: Vec<Vec<(String, String)>> = vec![vec![
        ("n".into(), up(dl, &format!("abs({a})"), sb.saturating_sub(sa))),
        ("d".into(), format!("NULLIF({}, 0)", up(dl, &format!("abs({b})"), sa.saturating_sub(sb)))),
        ("neg".into(), format!("(CASE WHEN ({a} < 0) <> ({b} < 0) THEN 1 ELSE 0 END)")),
    ]];
    steps.push(vec![("i".into(), dl.idiv(&n, &dv)), ("r0".into(), dl.imod(&n, &dv))]);
    // Three steps of nine digits and one of one: 28 places, and the remainder r4.
    for (j, digits) in [(1, 9), (2, 9), (3, 9), (4, 1)] {
        let r = format!("({} * {})", c(&format!("r{}", j - 1)), pow10(dl, digits));
        steps.push(vec![(format!("c{j}"), dl.idiv(&r, &dv)), (format!("r{j}"), dl.imod(&r, &dv))]);
    }
    let whole = format!(
        "({} * {} + {} * {} + {} * {} + {} * {} + {})",
        c("i"),
        pow10(dl, 28),
        c("c1"),
        pow10(dl, 19),
        c("c2"),
        pow10(dl, 10),
        c("c3"),
        pow10(dl, 1),
        c("c4")
    );
    let mut handed = vec![(
        format!("({a} IS NOT NULL AND {b} = 0)"),
        "a division by zero (which the interpreter reports)",
    )];
    let v = if dl == Dialect::DuckDb {
        handed.push((
            format!("({} >= {})", c("i"), pow10(dl, 10)),
            "a quotient of 10^10 or more, beyond the exact range of HUGEINT at 28 places",
        ));
        format!("(CASE WHEN {} < {} THEN {whole} END)", c("i"), pow10(dl, 10))
    } else {
        whole
    };
    steps.push(vec![("v".into(), v)]);
    let (v, r4) = (c("v"), c("r4"));
    // k = 0: the 28 places fit unless the mantissa rounds to 2^96.
    let last_odd = format!("{} = 1", dl.imod(&v, "2"));
    let mut e = format!(
        "(CASE WHEN {v} IS NULL THEN NULL \
         WHEN {v} < {max} OR ({v} = {max} AND 2 * {r4} < {dv}) THEN \
         {v} + (CASE WHEN 2 * {r4} > {dv} OR (2 * {r4} = {dv} AND {last_odd}) THEN 1 ELSE 0 END)",
        max = big(dl, MAX_MANTISSA)
    );
    let mut closed = false;
    for k in 1..=MAX_SCALE {
        let p = pow10(dl, k);
        let t = dl.imod(&v, &p);
        let half = format!("(5 * {})", pow10(dl, k - 1));
        let odd = format!("{} = 1", dl.imod(&dl.idiv(&v, &p), "2"));
        let kept = format!(
            "({v} - {t} + (CASE WHEN {t} > {half} OR ({t} = {half} AND ({r4} > 0 OR {odd})) \
             THEN {p} ELSE 0 END))"
        );
        match limit(dl, k) {
            Some(l) => e.push_str(&format!(" WHEN {v} < {l} THEN {kept}")),
            None => {
                e.push_str(&format!(" ELSE {kept}"));
                closed = true;
                break;
            }
        }
    }
    if !closed && let Some(l) = limit(dl, MAX_SCALE) {
        handed.push((
            format!("({v} IS NOT NULL AND {v} >= {l})"),
            "a quotient beyond the exact range (the interpreter reports the overflow)",
        ));
    }
    e.push_str(" END)");
    steps.push(vec![("u".into(), e)]);
    let (u, neg) = (c("u"), c("neg"));
    let e = format!("(CASE WHEN {neg} = 1 THEN -{u} ELSE {u} END)");
    Lowered { sql: Sql::Staged { steps, expr: e, handed }, scale: MAX_SCALE }
}

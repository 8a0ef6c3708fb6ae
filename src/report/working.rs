//! The working of a subject in text: each named value on a line, with its margin and clause
//! (`eval --working`, `explain`).

use std::fmt::Write as _;

use super::show::show;
use crate::checker::scope::Scope;
use crate::diagnostics::Lang;
use crate::eval::value::V;
use crate::eval::working::Named;

/// The lines of `values`, each indented by `pad`: `科技成果转化补助.比例 = 30%  § 二(二)6`, a
/// comparison with its margin (`差额 +732 个`: left minus right), a cap with how far the
/// amount before it is from it.
pub fn lines(values: &[Named], scope: &Scope<'_>, lang: Lang, pad: &str) -> String {
    let mut out = String::new();
    for v in values {
        let value = show(&v.value, scope, lang);
        let note = v.margin.as_ref().map(|m| margin(v, m, scope, lang)).unwrap_or_default();
        let cite = v.clause.as_ref().map(|c| format!("  § {c}")).unwrap_or_default();
        let _ = writeln!(out, "{pad}{} = {value}{note}{cite}", v.name);
    }
    out
}

/// One value of the working as the text report writes it after its name: the value, and the
/// margin in words when it has one.
pub fn value_text(v: &Named, scope: &Scope<'_>, lang: Lang) -> String {
    let note = v.margin.as_ref().map(|m| margin(v, m, scope, lang)).unwrap_or_default();
    format!("{}{note}", show(&v.value, scope, lang))
}

/// The margin of a comparison, or of an amount against its cap, in words.
fn margin(v: &Named, m: &V, scope: &Scope<'_>, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let (negative, zero) = match m {
        V::Num(n, _) => (n.is_sign_negative() && !n.is_zero(), n.is_zero()),
        _ => (false, false),
    };
    let abs = match m {
        V::Num(n, d) => V::Num(n.abs(), *d),
        other => other.clone(),
    };
    let by = show(&abs, scope, lang);
    if v.name.ends_with(".达到上限") {
        return match (zero, negative, zh) {
            (true, _, true) => "（计算金额恰好等于上限）".to_string(),
            (true, _, false) => " (the amount before the cap equals it)".to_string(),
            (false, true, true) => format!("（未达上限，差 {by}）"),
            (false, true, false) => format!(" (not reached: {by} below the cap)"),
            (false, false, true) => format!("（达到上限，超出 {by}）"),
            (false, false, false) => format!(" (reached: {by} over the cap)"),
        };
    }
    let sign = if negative {
        "−"
    } else if zero {
        ""
    } else {
        "+"
    };
    if zh { format!("（差额 {sign}{by}）") } else { format!(" (margin {sign}{by})") }
}

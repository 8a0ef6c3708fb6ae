//! Sums over many subjects that leave the exact range: never a saturated or a kept-back figure,
//! always `ZC0702` naming what could not be added up.

use crate::ast::Policy;
use crate::diagnostics::{Code, Diagnostic, Text};
use crate::source::Loc;

/// `ZC0702` for the sum of `what` (an award, a pool's claims, a register's total) that went
/// beyond the exact decimal range, labelled at `loc` (where `what` is declared).
pub fn total_overflow(what: &str, loc: Loc) -> Diagnostic {
    Diagnostic::new(
        Code::Overflow,
        Text::new(
            format!("`{what}` 的合计超出可精确表示的范围"),
            format!("the total of `{what}` is beyond the exact decimal range"),
        ),
    )
    .at(loc, Text::new("合计此项时溢出", "adding this up overflowed"))
    .help(Text::new(
        "合计无法精确给出，报告未写出；请检查数据中是否有单位填错的特大金额",
        "the total cannot be given exactly and no report was written; check the data for a huge amount entered in the wrong unit",
    ))
}

/// `ZC0702` for a register's figures as a whole (`simulate`, `diff`), where which sum
/// overflowed is not kept: labelled at the policy's title, or its first character.
pub fn register_overflow(policy: &Policy) -> Diagnostic {
    let (what, span) = policy
        .header
        .as_ref()
        .map_or(("合计", Default::default()), |h| (h.title.node.as_str(), h.title.span));
    total_overflow(what, Loc::new(&policy.file, span))
}

//! Amounts finer than a fen (`ZC0709`): an award worth, for some subject, a fraction of 0.01 元
//! is marked, once per award and run, with the first subject and its amount and how many more
//! subjects have one. zhengce never rounds what the document does not: the reports show the
//! amount computed, and this says that the document writes no rounding for it (`check` warns
//! of the award itself, `ZC0409`).

use std::sync::Arc;

use rust_decimal::Decimal;

use crate::checker::scope::{DefId, Scope};
use crate::diagnostics::{Code, Diagnostic, Text};
use crate::report::show::grouped;
use crate::source::{Loc, SourceFile};

/// Whether `amount` 元 is finer than a fen.
pub fn finer_than_fen(amount: Decimal) -> bool {
    amount.normalize().scale() > 2
}

/// `ZC0709` for award `def` of the policy in `file`, worth `amount` 元 to subject `key`.
pub fn fen_outcome(
    file: &Arc<SourceFile>,
    scope: &Scope<'_>,
    def: DefId,
    key: &str,
    amount: Decimal,
) -> Option<Diagnostic> {
    let (name, span) = scope.ident_of(def)?;
    let shown = grouped(amount);
    Some(
        Diagnostic::new(
            Code::FenOutcome,
            Text::new(
                format!(
                    "奖励 `{name}` 的金额有不足一分的尾数（主体 `{key}`：{shown} 元），原文没有写明取整，报告照算得的金额列出"
                ),
                format!(
                    "the award `{name}` comes to a fraction of a fen (`{key}`: {shown} yuan); the document writes no rounding, and the reports show the amount computed"
                ),
            ),
        )
        .at(Loc::new(file, span), Text::new("金额不足一分", "finer than a fen"))
        .help(Text::new(
            "实际拨付多少由原文决定：原文规定了取整的，照写进政策（见 ZC0409）；没有规定的，由经办单位按书面口径确定，报告不替原文取整",
            "what is paid is for the document to say: where it states a rounding, write it in the policy (see ZC0409); where it states none, the paying office's written practice decides, and the report does not round for the document",
        )),
    )
}

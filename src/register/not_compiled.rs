//! Saying that a register was evaluated by the interpreter, and why (`ZC0710`): the results are
//! the same as the compiled form's, the time is not, and an officer waiting on a large register
//! is told which rule has no compiled form.

use crate::ast::Policy;
use crate::checker::Checked;
use crate::compile::NotCompiled;
use crate::diagnostics::{Code, Diagnostic, Text};
use crate::source::Loc;

/// `ZC0710` for the rules of `kind`, which did not compile (`why`, the compiler's reason),
/// labelled at the rule without a compiled form (else at the subject kind's declaration).
pub fn note(
    policy: &Policy,
    checked: &Checked<'_>,
    kind: &str,
    why: &NotCompiled,
) -> Option<Diagnostic> {
    let sid = *checked.scope.subject_names.get(kind)?;
    let rule = why.rule.and_then(|id| checked.scope.defs.get(id)).map(|d| d.span);
    let (span, label) = match rule {
        Some(span) => (span, Text::new("没有编译形式", "no compiled form")),
        None => {
            let decl = checked.scope.subjects.get(sid)?.decl;
            (decl.name.span, Text::new("按解释器计算", "evaluated by the interpreter"))
        }
    };
    Some(
        Diagnostic::new(
            Code::Interpreted,
            Text::new(
                format!(
                    "`{kind}` 的规则没有编译形式，登记簿按解释器逐个计算，结果相同、较慢：{why}"
                ),
                format!(
                    "the rules of `{kind}` were evaluated by the interpreter, not the compiled form (the same results, more slowly): {why}"
                ),
            ),
        )
        .at(Loc::new(&policy.file, span), label)
        .help(Text::new(
            "结果不受影响；登记簿很大时，可换一种与原文同义、能编译的写法，再用 `zhengce test` 确认结果不变（`zhengce explain-code ZC0710` 列出没有编译形式的写法）",
            "the results are not affected; for a very large register, a wording with the document's meaning that compiles makes it fast (check with `zhengce test` that no result moves; `zhengce explain-code ZC0710` lists the constructs without a compiled form)",
        )),
    )
}

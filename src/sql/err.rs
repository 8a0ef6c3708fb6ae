//! The diagnostics of `zhengce sql` (`ZC10xx`): a kind whose rules have no compiled form
//! (`ZC1001`), and an instruction with no exact SQL form in the dialect (`ZC1002`), each
//! labelled at the rule.

use crate::ast::Policy;
use crate::checker::Checked;
use crate::checker::scope::SubjectId;
use crate::compile::NotCompiled;
use crate::diagnostics::{Code, Diagnostic, Text};
use crate::source::{Loc, Span};

use super::dialect::Dialect;
use super::query::Refusal;

fn rule_span(checked: &Checked<'_>, sid: SubjectId, def: Option<usize>) -> Option<Span> {
    match def.and_then(|id| checked.scope.defs.get(id)) {
        Some(d) => Some(d.span),
        None => checked.scope.subjects.get(sid).map(|s| s.decl.name.span),
    }
}

/// `ZC1001`: the rules of `kind` have no compiled form, so no query.
pub fn not_compiled(
    policy: &Policy,
    checked: &Checked<'_>,
    sid: SubjectId,
    kind: &str,
    why: &NotCompiled,
) -> Diagnostic {
    let d = Diagnostic::new(
        Code::SqlNotCompiled,
        Text::new(
            format!("`{kind}` 的规则没有编译形式，不能写成 SQL：{why}"),
            format!("the rules of `{kind}` have no compiled form, so no SQL query: {why}"),
        ),
    );
    let d = match rule_span(checked, sid, why.rule) {
        Some(span) => {
            d.at(Loc::new(&policy.file, span), Text::new("没有编译形式", "no compiled form"))
        }
        None => d,
    };
    d.help(Text::new(
        "用 `zhengce eval` 计算这一主体类别；`zhengce explain-code ZC1001` 列出能写成 SQL 的写法",
        "evaluate this subject kind with `zhengce eval`; `zhengce explain-code ZC1001` lists the constructs that compile to SQL",
    ))
}

/// `ZC1002`: a construct the dialect cannot compute exactly, at the first rule that reads it.
pub fn refused(
    policy: &Policy,
    checked: &Checked<'_>,
    sid: SubjectId,
    prog: &crate::compile::Program,
    dialect: Dialect,
    r: &Refusal,
) -> Diagnostic {
    let (zh, en) = r.what;
    let column = r.column.and_then(|i| prog.columns.get(i));
    // The rule reading it, else (an instruction only there to hand a subject to the
    // interpreter) the subject kind.
    let (who_zh, who_en) = match column {
        Some(c) => (format!("规则 `{}`", c.name), format!("the rule `{}`", c.name)),
        None => {
            let kind = checked.scope.subjects.get(sid).map_or("", |s| s.decl.name.node.as_str());
            (format!("`{kind}` 的规则"), format!("a rule of `{kind}`"))
        }
    };
    let d = Diagnostic::new(
        Code::SqlInexact,
        Text::new(
            format!("{who_zh}用到{zh}，在 {} 中不能精确计算", dialect.name()),
            format!("{who_en} uses {en}, which {} cannot compute exactly", dialect.name()),
        ),
    );
    let d = match rule_span(checked, sid, column.map(|c| c.def)) {
        Some(span) => d.at(
            Loc::new(&policy.file, span),
            Text::new(format!("{zh}：没有精确的 SQL 形式"), format!("{en}: no exact SQL form")),
        ),
        None => d,
    };
    d.help(Text::new(
        "用 `zhengce eval` 计算这一主体类别，结果以它为准",
        "evaluate this subject kind with `zhengce eval`, whose results are the reference",
    ))
}

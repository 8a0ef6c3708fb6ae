//! Diagnostics the checker reports, built in one place so their wording stays consistent.

use crate::diagnostics::suggest::{did_you_mean, help_text};
use crate::diagnostics::{Code, Diagnostic, Text};
use crate::source::Loc;
use crate::units::UnitError;

/// `未定义的名称 `x``, with a did-you-mean over `candidates`.
pub fn unknown_name<'a>(
    loc: Loc,
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Diagnostic {
    let suggestions = did_you_mean(name, candidates);
    let help = help_text(&suggestions).unwrap_or_else(|| {
        if ["以上", "以下", "不低于", "不超过", "超过", "低于"].iter().any(|w| name.contains(w)) {
            Text::new(
                "名称与比较词之间要用空格隔开，例如 `市场主体数量 不低于 2万家`",
                "separate names from comparison words with a space, e.g. `市场主体数量 不低于 2万家`",
            )
        } else {
            Text::new(
                "先用 `令`、`参数` 或主体字段定义这个名称",
                "define the name first, with `let`, `param` or a subject field",
            )
        }
    });
    Diagnostic::new(
        Code::UnknownName,
        Text::new(format!("未定义的名称 `{name}`"), format!("unknown name `{name}`")),
    )
    .at(loc, Text::new("此名称未定义", "not defined"))
    .help(help)
}

/// A name defined twice.
pub fn duplicate(loc: Loc, earlier: Loc, name: &str) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateDefinition,
        Text::new(format!("名称 `{name}` 重复定义"), format!("`{name}` is defined twice")),
    )
    .at(loc, Text::new("再次定义", "defined again here"))
    .also(earlier, Text::new("首次定义", "first defined here"))
    .help(Text::new("给其中一个换个名称", "rename one of them"))
}

/// A value of the wrong type.
pub fn type_mismatch(loc: Loc, expected: &Text, found: &Text) -> Diagnostic {
    Diagnostic::new(
        Code::TypeMismatch,
        Text::new(
            format!("此处应为{}，实际是{}", expected.zh, found.zh),
            format!("expected {}, found {}", expected.en, found.en),
        ),
    )
    .at(loc, Text::new(format!("这是{}", found.zh), format!("this is {}", found.en)))
    .help(Text::new(
        format!("这里需要{}", expected.zh),
        format!("a value of this kind is needed here: {}", expected.en),
    ))
}

/// A unit error, labelled at both operands when there are two.
pub fn unit_error(e: &UnitError, at: Loc, left: Option<Loc>, right: Option<Loc>) -> Diagnostic {
    let mut d = Diagnostic::new(e.code(), e.message());
    match (left, right) {
        (Some(l), Some(r)) => {
            d = d.at(at, Text::new("此运算", "in this operation"));
            d = d.also(l, Text::new("左边", "left side")).also(r, Text::new("右边", "right side"));
        }
        _ => d = d.at(at, Text::new("此处", "here")),
    }
    d.help(e.help().unwrap_or_else(|| {
        Text::new(
            "只有同一量纲的数才能相加、相减或比较；金额与计数、百分比与百分点不能混用",
            "only quantities of the same dimension add, subtract or compare; money and counts, percent and percentage points do not mix",
        )
    }))
}

/// A diagnostic with a message, a primary label and help, all bilingual.
pub fn simple(code: Code, loc: Loc, message: Text, label: Text, help: Text) -> Diagnostic {
    Diagnostic::new(code, message).at(loc, label).help(help)
}

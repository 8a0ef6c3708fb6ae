//! Diagnostics the checker reports, built in one place so their wording stays consistent.

use crate::diagnostics::suggest::{did_you_mean, help_text};
use crate::diagnostics::{Code, Diagnostic, Text};
use crate::source::{Loc, Span};
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
            format!("{}，{}", zh_cat("此处应为", &expected.zh), zh_cat("实际是", &found.zh)),
            format!("expected {}, found {}", expected.en, found.en),
        ),
    )
    .at(loc, Text::new(zh_cat("此值为", &found.zh), format!("this is {}", found.en)))
    .help(Text::new(
        zh_cat("这里需要", &expected.zh),
        format!("a value of this kind is needed here: {}", expected.en),
    ))
}

/// Two pieces of Chinese text, with a space between a character and a backtick.
pub fn zh_cat(a: &str, b: &str) -> String {
    if a.ends_with('`') || b.starts_with('`') { format!("{a} {b}") } else { format!("{a}{b}") }
}

/// A unit error in the operation `at`, labelled at both operands when there are two.
///
/// The operation's own label goes on its operator (`+`, `不低于`, `以上`), not on the whole
/// operation: a label containing the operands' labels cannot be drawn on one line.
pub fn unit_error(e: &UnitError, at: Loc, left: Option<Loc>, right: Option<Loc>) -> Diagnostic {
    let mut d = Diagnostic::new(e.code(), e.message());
    match (left, right) {
        (Some(l), Some(r)) => {
            let (left_text, right_text) =
                (Text::new("左边", "left side"), Text::new("右边", "right side"));
            d = match operator(&at, &l, &r) {
                Some(op) => d
                    .at(op, Text::new("此运算", "in this operation"))
                    .also(l, left_text)
                    .also(r, right_text),
                None => d.at(r, right_text).also(l, left_text),
            };
        }
        _ => {
            let label = match e.code() {
                Code::UnknownUnit => Text::new("没有这个单位", "no such unit"),
                Code::NumberLiteral => Text::new("此数值", "this value"),
                _ => Text::new("此处", "here"),
            };
            d = d.at(at, label);
        }
    }
    let help = e.help().unwrap_or_else(|| match e.code() {
        Code::NumberLiteral => Text::new(
            "改用与数值大小相称的单位书写，或简化复合单位",
            "write the value in a unit that fits its size, or simplify the compound unit",
        ),
        Code::UnknownUnit => Text::new(
            "可用的单位见语言参考，如 `元`、`万元`、`家`、`人`、`%`",
            "the language reference lists the units, e.g. `元`, `万元`, `家`, `人`, `%`",
        ),
        _ => unit_help(),
    });
    d.help(help)
}

/// The help for units that do not go together, when nothing more precise can be said.
pub fn unit_help() -> Text {
    Text::new(
        "只有同一量纲的数才能相加、相减或比较；金额与计数、百分比与百分点不能混用",
        "only quantities of the same dimension add, subtract or compare; money and counts, percent and percentage points do not mix",
    )
}

/// The operator of the operation `at` on `left` and `right`: the last word before the right
/// side (`+`, `不低于`, the `≥` of `2020年 ≥ 1000家`), or else the first word after it (`以上`).
fn operator(at: &Loc, left: &Loc, right: &Loc) -> Option<Loc> {
    let text = at.file.text.as_str();
    let (a, l, r) = (at.span, left.span, right.span);
    let from = if a.start <= l.end && l.end <= r.start { l.end } else { a.start };
    let span = (from <= r.start)
        .then(|| last_word(text, from, r.start))
        .flatten()
        .or_else(|| (r.end <= a.end).then(|| first_word(text, r.end, a.end)).flatten())?;
    // Between the arguments of a call there is no operator, only punctuation.
    let word = text.get(span.start..span.end)?;
    let punctuation =
        word.chars().all(|c| matches!(c, ',' | '，' | '、' | '(' | '（' | ')' | '）'));
    (!punctuation).then(|| Loc::new(&at.file, span))
}

/// The last whitespace-separated word of `text[from..to]`.
fn last_word(text: &str, from: usize, to: usize) -> Option<Span> {
    let gap = text.get(from..to)?.trim_end();
    let start = gap
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    (start < gap.len()).then(|| Span::new(from + start, from + gap.len()))
}

/// The first whitespace-separated word of `text[from..to]`.
fn first_word(text: &str, from: usize, to: usize) -> Option<Span> {
    let gap = text.get(from..to)?;
    let start = gap.len() - gap.trim_start().len();
    let rest = gap.get(start..)?;
    let len = rest.find(char::is_whitespace).unwrap_or(rest.len());
    (len > 0).then(|| Span::new(from + start, from + start + len))
}

/// A diagnostic with a message, a primary label and help, all bilingual.
pub fn simple(code: Code, loc: Loc, message: Text, label: Text, help: Text) -> Diagnostic {
    Diagnostic::new(code, message).at(loc, label).help(help)
}

//! `zhengce fmt`: one canonical layout for policy files.
//!
//! The layout: two spaces of indentation a block, one declaration a line, ASCII punctuation, a
//! space around operators and comparison words, keywords in the file's keyword language. What
//! the author chose is kept: every comment where it was written, at most one blank line where
//! there were blank lines, the members of a block written on one line (and a block written on
//! one line), a line break inside an expression (the next line continues it, one step further
//! in), citations and texts exactly, numbers, units and dates as written, the comparison word
//! and the arithmetic symbol used, and the word an award is introduced by.
//!
//! Before a text is returned it is parsed again: the tree must be the same (spans aside) and
//! every comment must still be there, in order. Otherwise formatting would change the policy,
//! a bug in the formatter, reported as [`Code::FormatCheck`] instead of a text.

pub mod diff;
mod expr;
mod items;
mod printer;

use std::sync::Arc;

use crate::ast::Policy;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Severity, Text};
use crate::parser::{comments, parse};
use crate::source::{Loc, SourceFile, Span};
use printer::Printer;

/// The formatted text of a policy file, checked to say the same as the file; or the diagnostics
/// that prevent formatting it (syntax errors, or a formatter that failed its own check).
pub fn format(file: &Arc<SourceFile>) -> Result<String, Diagnostics> {
    let (policy, diags) = parse(file);
    let Some(policy) = policy.filter(|_| !diags.iter().any(|d| d.severity == Severity::Error))
    else {
        return Err(diags);
    };
    let text = print(&policy);
    verify(file, &policy, &text).map_err(|d| Diagnostics::from(vec![*d]))?;
    Ok(text)
}

/// The canonical text of a parsed policy, laid out as its source text suggests.
pub fn print(policy: &Policy) -> String {
    let mut p = Printer::new(&policy.file.text, policy.lang);
    if let Some(h) = &policy.header {
        p.header(h);
    }
    p.items(&policy.items);
    p.finish()
}

/// Checks that `text`, a formatting of `file` (parsed as `policy`), parses to the same tree and
/// keeps every comment of the file, in order; a [`Code::FormatCheck`] diagnostic if not.
pub fn verify(file: &Arc<SourceFile>, policy: &Policy, text: &str) -> Result<(), Box<Diagnostic>> {
    let again = SourceFile::new(file.name.clone(), text);
    let (reparsed, diags) = parse(&again);
    let same = reparsed.as_ref().is_some_and(|r| r == policy && r.lang == policy.lang)
        && !diags.iter().any(|d| d.severity == Severity::Error);
    if !same {
        let span = first_difference(policy, reparsed.as_ref());
        return Err(Box::new(refusal(file, span, false)));
    }
    let before = comments(&file.text);
    let after = comments(text);
    let texts = |src: &str, spans: &[Span]| -> Vec<String> {
        spans.iter().map(|s| src.get(s.start..s.end).unwrap_or("").trim().to_string()).collect()
    };
    let (old, new) = (texts(&file.text, &before), texts(text, &after));
    if old != new {
        let lost = before
            .iter()
            .zip(old.iter())
            .find(|(_, t)| !new.contains(t))
            .or_else(|| {
                before
                    .iter()
                    .zip(old.iter())
                    .zip(new.iter())
                    .find(|((_, a), b)| a != b)
                    .map(|(x, _)| x)
            })
            .map_or(Span::new(0, 0), |(s, _)| *s);
        return Err(Box::new(refusal(file, lost, true)));
    }
    Ok(())
}

/// Where the first declaration that reads differently after formatting was written.
fn first_difference(policy: &Policy, reparsed: Option<&Policy>) -> Span {
    let Some(other) = reparsed else { return Span::new(0, 0) };
    if policy.header != other.header {
        return policy.header.as_ref().map_or(Span::new(0, 0), |h| h.span);
    }
    policy
        .items
        .iter()
        .zip(other.items.iter().map(Some).chain(std::iter::repeat(None)))
        .find(|(a, b)| Some(*a) != *b)
        .map_or(Span::new(0, 0), |(a, _)| a.span)
}

fn refusal(file: &Arc<SourceFile>, span: Span, comment: bool) -> Diagnostic {
    let (zh, en, label) = if comment {
        (
            format!("内部错误：格式化 `{}` 会丢失或打乱注释，文件未改动", file.name),
            format!(
                "internal error: formatting `{}` would lose or reorder a comment; the file is left as it was",
                file.name
            ),
            Text::new("此注释", "this comment"),
        )
    } else {
        (
            format!("内部错误：格式化 `{}` 会改变政策的含义，文件未改动", file.name),
            format!(
                "internal error: formatting `{}` would change what the policy says; the file is left as it was",
                file.name
            ),
            Text::new("格式化后此处读作不同的内容", "this reads differently once formatted"),
        )
    };
    Diagnostic::new(Code::FormatCheck, Text::new(zh, en)).at(Loc::new(file, span), label).help(
        Text::new(
            "这是 zhengce 格式化程序的缺陷，请附上此文件报告问题",
            "this is a bug in the zhengce formatter; please report it with this file",
        ),
    )
}

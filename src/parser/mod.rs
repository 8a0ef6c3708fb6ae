//! Parsing: policy text → [`Policy`](crate::ast::Policy).
//!
//! The pest grammar (`grammar/zhengce.pest`) recognises the text; [`lower`] turns the pest pairs
//! into the typed AST, and no pest type leaves this module. A syntax error does not stop the
//! search: the parser resynchronises at the next line that starts a declaration and reports the
//! errors it finds there too.

mod err;
mod grammar;
mod lower;
mod trivia;

use std::sync::Arc;

use pest::Parser as _;

use crate::ast::Policy;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Text};
use crate::source::{Loc, SourceFile, Span};
use grammar::{PolicyParser, Rule};
pub use trivia::{comments, is_space};

/// How deeply brackets may nest in a policy file.
pub const MAX_NESTING: usize = 64;
/// How many syntax errors are reported for one file before giving up.
const MAX_SYNTAX_ERRORS: usize = 20;

/// Parses one policy file. Returns the tree when there was no syntax error, and every
/// diagnostic found.
pub fn parse(file: &Arc<SourceFile>) -> (Option<Policy>, Diagnostics) {
    let mut diags = Diagnostics::new();
    if let Some(d) = check_nesting(file) {
        diags.push(d);
        return (None, diags);
    }
    match PolicyParser::parse(Rule::file, &file.text) {
        Ok(mut pairs) => {
            let Some(pair) = pairs.next() else {
                diags.push(lower::malformed(file, Span::new(0, 0), "file"));
                return (None, diags);
            };
            let (policy, lower_diags) = lower::lower_file(file, pair);
            diags.extend(lower_diags);
            (policy, diags)
        }
        Err(e) => {
            let first = err::syntax_error(file, 0, &e);
            let mut at = first.primary().map_or(0, |l| l.span.start);
            diags.push(first);
            // Resynchronise: parse again from each following line that starts a declaration.
            let mut count = 1;
            while count < MAX_SYNTAX_ERRORS {
                let Some(start) = next_item_line(&file.text, at) else {
                    break;
                };
                let Some(rest) = file.text.get(start..) else {
                    break;
                };
                match PolicyParser::parse(Rule::file_tail, rest) {
                    Ok(_) => break,
                    Err(e) => {
                        let d = err::syntax_error(file, start, &e);
                        at = d.primary().map_or(start, |l| l.span.start).max(start + 1);
                        diags.push(d);
                        count += 1;
                    }
                }
            }
            (None, diags)
        }
    }
}

/// The byte offset of the next line after `offset` that starts, in its first column, with a
/// character that can start a declaration (not a space, a closing brace or a comment).
fn next_item_line(text: &str, offset: usize) -> Option<usize> {
    let mut pos = text.get(offset..)?.find('\n')? + offset + 1;
    loop {
        let line = text.get(pos..)?;
        let starts_item = line
            .chars()
            .next()
            .is_some_and(|c| !c.is_whitespace() && !matches!(c, '}' | '｝' | '#' | '/'));
        if starts_item {
            return Some(pos);
        }
        pos += line.find('\n')? + 1;
    }
}

/// Refuses files that nest deeper than [`MAX_NESTING`] before the recursive parser sees them.
/// Nesting is counted the way the parser recurses: open brackets, open `若 … 否则` expressions,
/// and runs of prefix operators (`非 非 x`, `--x`).
fn check_nesting(file: &Arc<SourceFile>) -> Option<Diagnostic> {
    let text = &file.text;
    let mut brackets = 0usize;
    let mut ifs = 0usize;
    let mut prefix_run = 0usize;
    let mut token_start: Option<usize> = None;
    let mut too_deep: Option<Span> = None;
    let end_token = |start: usize, end: usize, ifs: &mut usize, run: &mut usize| -> bool {
        let token = text.get(start..end).unwrap_or("");
        match token {
            "若" | "if" => *ifs += 1,
            "否则" | "else" => *ifs = ifs.saturating_sub(1),
            _ => {}
        }
        let prefixes =
            token.chars().take_while(|c| matches!(c, '非' | '!' | '-' | '−' | '－')).count();
        let only_prefix = prefixes == token.chars().count() || matches!(token, "not");
        *run = if only_prefix { *run + prefixes.max(1) } else { prefixes };
        *ifs > MAX_NESTING || *run > MAX_NESTING
    };
    // Comments, texts and quoted sentences are skipped: their characters are not code.
    let mut skip_until: Option<char> = None;
    let mut prev = '\n';
    for (i, c) in text.char_indices() {
        if let Some(end) = skip_until {
            if c == end {
                skip_until = None;
            }
            prev = c;
            continue;
        }
        let opens = match c {
            '#' => Some('\n'),
            '/' if prev == '/' => Some('\n'),
            '"' => Some('"'),
            '“' => Some('”'),
            '「' => Some('」'),
            '『' => Some('』'),
            _ => None,
        };
        prev = c;
        if let Some(end) = opens {
            if let Some(start) = token_start.take()
                && end_token(start, i, &mut ifs, &mut prefix_run)
            {
                too_deep = Some(Span::new(start, i));
                break;
            }
            skip_until = Some(end);
            continue;
        }
        match c {
            '(' | '（' | '[' | '{' | '｛' => brackets += 1,
            ')' | '）' | ']' | '}' | '｝' => brackets = brackets.saturating_sub(1),
            _ => {}
        }
        if brackets > MAX_NESTING {
            too_deep = Some(Span::new(i, i + c.len_utf8()));
            break;
        }
        if c.is_whitespace() {
            if let Some(start) = token_start.take()
                && end_token(start, i, &mut ifs, &mut prefix_run)
            {
                too_deep = Some(Span::new(start, i));
                break;
            }
        } else if token_start.is_none() {
            token_start = Some(i);
        }
    }
    if too_deep.is_none()
        && let Some(start) = token_start
        && end_token(start, text.len(), &mut ifs, &mut prefix_run)
    {
        too_deep = Some(Span::new(start, text.len()));
    }
    let span = too_deep?;
    Some(
        Diagnostic::new(
            Code::NestingTooDeep,
            Text::new(
                format!("嵌套超过 {MAX_NESTING} 层"),
                format!("expressions nest more than {MAX_NESTING} deep"),
            ),
        )
        .at(Loc::new(file, span), Text::new("此处超过嵌套上限", "the limit is passed here"))
        .help(Text::new(
            "把内层的计算拆成用 `令` 定义的中间值",
            "split the inner computation into named values with `let`",
        )),
    )
}

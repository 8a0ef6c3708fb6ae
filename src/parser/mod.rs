//! Parsing: policy text → [`Policy`](crate::ast::Policy).
//!
//! The pest grammar (`grammar/zhengce.pest`) recognises the text; [`lower`] turns the pest pairs
//! into the typed AST, and no pest type leaves this module. A syntax error does not stop the
//! search: the parser resynchronises at the next line that starts a declaration and reports the
//! errors it finds there too.

mod err;
mod grammar;
mod lexer;
mod lower;
mod trivia;

use std::sync::Arc;

use pest::Parser as _;
use pest::error::ErrorVariant;

use crate::ast::Policy;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Text};
use crate::source::{Loc, SourceFile, Span};
use grammar::{PolicyParser, Rule};
pub use lexer::{Token, TokenKind, is_space, tokens};
pub use trivia::comments;

/// How deeply brackets, `若 … 否则` and runs of prefix operators may nest in a policy file.
pub const MAX_NESTING: usize = 64;
/// How deep the tree of one expression may grow: each operator, bracket, call or `若` adds a
/// level, so a sum of 200 terms is 200 levels deep. Every recursive pass over expressions
/// (checking, evaluating, compiling, formatting) is bounded by it.
pub const MAX_EXPR_DEPTH: usize = 256;
/// How many rule calls one run of the parser may make. The grammar backtracks: where a long
/// `若 … 否则` chain is followed by text that does not parse, each level of the chain tries that
/// text again, and such retries nest, so that a 14 KB file took 1.5 s to parse. The bundled
/// policies take 5 to 7 calls a byte (xinjiang, 35 KB: about 160,000); this allows 16 a byte
/// for the largest policy file read (about 0.2 s), and past it the parse stops with `ZC0104`.
pub const MAX_PARSE_CALLS: usize = 16 << 20;
/// How many syntax errors are reported for one file before giving up.
const MAX_SYNTAX_ERRORS: usize = 20;

/// Parses one policy file. Returns the tree when there was no syntax error, and every
/// diagnostic found.
pub fn parse(file: &Arc<SourceFile>) -> (Option<Policy>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let tokens = lexer::tokens(&file.text);
    if let Some(d) = check_nesting(file, &tokens) {
        diags.push(d);
        return (None, diags);
    }
    let unclosed = unclosed_quotes(file, &tokens);
    if !unclosed.is_empty() {
        diags.extend(unclosed.into());
        return (None, diags);
    }
    limit_parser_calls();
    match PolicyParser::parse(Rule::file, &file.text) {
        Ok(mut pairs) => {
            let Some(pair) = pairs.next() else {
                diags.push(lower::malformed(file, Span::new(0, 0), "file"));
                return (None, diags);
            };
            let (policy, lower_diags) = lower::lower_file(file, &tokens, pair);
            diags.extend(lower_diags);
            (policy, diags)
        }
        Err(e) => {
            if let Some(d) = parser_limit(file, 0, &e) {
                diags.push(d);
                return (None, diags);
            }
            let first = err::syntax_error(file, 0, &e);
            let mut at = first.primary().map_or(0, |l| l.span.start);
            diags.push(first);
            // Resynchronise: parse again from each following line that starts a declaration.
            let lines = lexer::item_lines(&tokens);
            let mut count = 1;
            while count < MAX_SYNTAX_ERRORS {
                let Some(&start) = lines.iter().find(|&&l| l > at) else {
                    break;
                };
                let Some(rest) = file.text.get(start..) else {
                    break;
                };
                match PolicyParser::parse(Rule::file_tail, rest) {
                    Ok(_) => break,
                    Err(e) => {
                        if let Some(d) = parser_limit(file, start, &e) {
                            diags.push(d);
                            break;
                        }
                        let d = err::syntax_error(file, start, &e);
                        at = d.primary().map_or(start, |l| l.span.start).max(start);
                        diags.push(d);
                        count += 1;
                    }
                }
            }
            (None, with_unclosed_parens(file, &tokens, diags))
        }
    }
}

/// Sets the parser's budget of rule calls ([`MAX_PARSE_CALLS`]): a setting of the whole
/// process, the same for every parse, set before the first.
fn limit_parser_calls() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| pest::set_call_limit(std::num::NonZeroUsize::new(MAX_PARSE_CALLS)));
}

/// The parser's own guards: it stops when its stack runs short, which only nesting deeper
/// than the checks before it allow can cause, or when it has made [`MAX_PARSE_CALLS`] calls.
/// Reported as too deep or too complex, at the place it stopped.
fn parser_limit(
    file: &Arc<SourceFile>,
    base: usize,
    e: &pest::error::Error<Rule>,
) -> Option<Diagnostic> {
    let ErrorVariant::CustomError { message } = &e.variant else { return None };
    if !message.contains("limit reached") {
        return None;
    }
    let pos = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    } + base;
    let pos = pos.min(file.text.len());
    let span = Span::new(pos, pos);
    if message.contains("call limit") {
        return Some(too_complex(file, span));
    }
    Some(too_deep(file, span, MAX_NESTING))
}

/// The diagnostic for a file the parser gave up on after [`MAX_PARSE_CALLS`] calls, at `span`.
fn too_complex(file: &Arc<SourceFile>, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::NestingTooDeep,
        Text::new(
            format!("表达式过于复杂：解析超过 {MAX_PARSE_CALLS} 步"),
            format!("the expressions are too complex: parsing took more than {MAX_PARSE_CALLS} steps"),
        ),
    )
    .at(Loc::new(file, span), Text::new("解析在此处停止", "parsing stopped here"))
    .help(Text::new(
        "把很长的 `若 … 否则` 连串和多层括号拆成用 `令` 定义的中间值，并修正其后的语法错误",
        "split long `若 … 否则` chains and deep brackets into named values with `let`, and fix the syntax error after them",
    ))
}

/// The diagnostic for brackets, `若` or prefix operators nested deeper than `limit` at `span`.
fn too_deep(file: &Arc<SourceFile>, span: Span, limit: usize) -> Diagnostic {
    Diagnostic::new(
        Code::NestingTooDeep,
        Text::new(
            format!("嵌套超过 {limit} 层"),
            format!("expressions nest more than {limit} deep"),
        ),
    )
    .at(Loc::new(file, span), Text::new("此处超过嵌套上限", "the limit is passed here"))
    .help(Text::new(
        "把内层的计算拆成用 `令` 定义的中间值",
        "split the inner computation into named values with `let`",
    ))
}

/// The diagnostic for an expression whose tree grows deeper than [`MAX_EXPR_DEPTH`] at `span`
/// (the operator where it does): a long chain of operators rather than brackets.
fn too_many_levels(file: &Arc<SourceFile>, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::NestingTooDeep,
        Text::new(
            format!("表达式超过 {MAX_EXPR_DEPTH} 层运算"),
            format!("the expression is more than {MAX_EXPR_DEPTH} operations deep"),
        ),
    )
    .at(Loc::new(file, span), Text::new("此处超过上限", "the limit is passed here"))
    .help(Text::new(
        "把很长的合计或连串运算拆成用 `令` 定义的小计",
        "split the long sum or chain into subtotals named with `let`",
    ))
}

/// Refuses files that nest deeper than [`MAX_NESTING`] before the recursive parser sees them.
/// Nesting is counted the way the parser recurses: open brackets, open `若 … 否则` expressions,
/// and runs of prefix operators (`非 非 x`, `--x`). Brackets inside a clause reference count
/// too (`五(一)` opens and closes its own), so that the count is never below the parser's.
fn check_nesting(file: &Arc<SourceFile>, tokens: &[Token]) -> Option<Diagnostic> {
    let text = &file.text;
    let mut brackets = 0usize;
    let mut ifs = 0usize;
    let mut prefix_run = 0usize;
    for t in tokens {
        let word = text.get(t.span.start..t.span.end).unwrap_or("");
        let mut deeper = false;
        match t.kind {
            TokenKind::Space | TokenKind::Newline | TokenKind::Comment => continue,
            TokenKind::Open => {
                brackets += 1;
                deeper = brackets > MAX_NESTING;
            }
            TokenKind::Close => brackets = brackets.saturating_sub(1),
            TokenKind::ClauseRef => {
                for c in word.chars() {
                    match c {
                        '(' | '（' | '[' | '{' | '｛' => brackets += 1,
                        ')' | '）' | ']' | '}' | '｝' => brackets = brackets.saturating_sub(1),
                        _ => {}
                    }
                }
                deeper = brackets > MAX_NESTING;
            }
            TokenKind::Word => match word {
                "若" | "if" => {
                    ifs += 1;
                    deeper = ifs > MAX_NESTING;
                }
                "否则" | "else" => ifs = ifs.saturating_sub(1),
                _ => {}
            },
            TokenKind::Text | TokenKind::Quote | TokenKind::Punct => {}
        }
        let prefix = matches!(word, "非" | "not" | "!" | "-" | "−" | "－");
        prefix_run = if prefix { prefix_run + 1 } else { 0 };
        if deeper || prefix_run > MAX_NESTING {
            return Some(too_deep(file, t.span, MAX_NESTING));
        }
    }
    None
}

/// The syntax errors `diags`, those an unclosed parenthesis causes replaced by one error at the
/// opening parenthesis saying where it ran to: `最小(费用 × 30%, 50万元` followed by the line
/// `一次性` and the rule's `}` is reported at the `(`, not at the `}` where the parser stopped.
fn with_unclosed_parens(
    file: &Arc<SourceFile>,
    tokens: &[Token],
    diags: Diagnostics,
) -> Diagnostics {
    let unclosed = unclosed_parens(file, tokens);
    if unclosed.is_empty() {
        return diags;
    }
    let caused = |d: &Diagnostic| {
        let at = d.primary().map_or(0, |l| l.span.start);
        d.code == Code::Syntax && unclosed.iter().any(|(open, to)| at >= open.start && at <= to.end)
    };
    let mut out: Vec<Diagnostic> = diags.sorted().into_iter().filter(|d| !caused(d)).collect();
    for (open, to) in &unclosed {
        let paren = file.text.get(open.start..open.end).unwrap_or("(");
        let close = if paren == "（" { "）" } else { ")" };
        let runs_to = if to.start >= file.text.len() {
            Text::new("直到文件末尾都没有闭合", "and runs to the end of the file")
        } else {
            Text::new("到这里还没有闭合", "and is still open here")
        };
        out.push(
            Diagnostic::new(
                Code::Syntax,
                Text::new(
                    format!("括号 `{paren}` 未闭合"),
                    format!("the parenthesis `{paren}` is not closed"),
                ),
            )
            .at(Loc::new(file, *open), Text::new("括号从这里开始", "the parenthesis opens here"))
            .also(Loc::new(file, *to), runs_to)
            .help(Text::new(
                format!("在括号里的内容写完处补上 `{close}`，例如 `最小(转化实际发生费用 × 30%, 50万元)`"),
                format!(
                    "close it with `{close}` where what it encloses ends, e.g. `最小(转化实际发生费用 × 30%, 50万元)`"
                ),
            )),
        );
    }
    out.into()
}

/// Parentheses left open: a `(` or `（` still open when the block around it closes (`}`) or the
/// file ends. Each with the span of the `}` it ran to (or the end of the file).
fn unclosed_parens(file: &Arc<SourceFile>, tokens: &[Token]) -> Vec<(Span, Span)> {
    let mut out = Vec::new();
    let mut open: Vec<(char, Span)> = Vec::new();
    let text = |t: &Token| file.text.get(t.span.start..t.span.end).and_then(|s| s.chars().next());
    for t in tokens {
        match (t.kind, text(t)) {
            (TokenKind::Open, Some(c)) => open.push((c, t.span)),
            (TokenKind::Close, Some(')' | '）')) => {
                if matches!(open.last(), Some(('(' | '（', _))) {
                    open.pop();
                }
            }
            (TokenKind::Close, Some(']')) => {
                if matches!(open.last(), Some(('[', _))) {
                    open.pop();
                }
            }
            (TokenKind::Close, Some(_)) => {
                // A brace closes its block: parentheses still open inside it ran to here.
                while let Some((c, span)) = open.pop() {
                    if matches!(c, '(' | '（') {
                        out.push((span, t.span));
                    } else if matches!(c, '{' | '｛') {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    let end = Span::new(file.text.len(), file.text.len());
    out.extend(open.iter().filter(|(c, _)| matches!(c, '(' | '（')).map(|(_, span)| (*span, end)));
    out.sort_by_key(|(open, _)| open.start);
    out
}

/// Quoted source sentences that are not closed: another opening mark comes before the closing
/// one (which the grammar would take as part of the quotation, swallowing the rules between
/// them), or none comes before the end of the file. Reported at the opening mark.
fn unclosed_quotes(file: &Arc<SourceFile>, tokens: &[Token]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for t in tokens.iter().filter(|t| t.kind == TokenKind::Quote) {
        let quote = file.text.get(t.span.start..t.span.end).unwrap_or("");
        let Some(open) = quote.chars().next() else { continue };
        let close = if open == '「' { '」' } else { '』' };
        let inner = quote.get(open.len_utf8()..).unwrap_or("");
        let opening = Span::new(t.span.start, t.span.start + open.len_utf8());
        let (runs_to, why) = match inner.find(open) {
            Some(i) => {
                let at = opening.end + i;
                (
                    Span::new(at, at + open.len_utf8()),
                    Text::new(
                        format!("`{close}` 之前又出现了 `{open}`"),
                        format!("another `{open}` opens before its `{close}`"),
                    ),
                )
            }
            None if !quote.ends_with(close) => (
                Span::new(file.text.len(), file.text.len()),
                Text::new("直到文件末尾都没有闭合", "it runs to the end of the file"),
            ),
            None => continue,
        };
        out.push(
            Diagnostic::new(
                Code::UnclosedQuote,
                Text::new(
                    format!("引文 `{open}` 未闭合：{}", why.zh),
                    format!("the quotation `{open}` is not closed: {}", why.en),
                ),
            )
            .at(Loc::new(file, opening), Text::new("引文从这里开始", "the quotation opens here"))
            .also(Loc::new(file, runs_to), Text::new("一直延伸到这里", "and runs to here"))
            .help(Text::new(
                format!("在引文结尾补上 `{close}`；原文里的引号写作 `“…”`"),
                format!(
                    "close the quotation with `{close}`; write quotation marks inside it as `“…”`"
                ),
            )),
        );
    }
    out
}

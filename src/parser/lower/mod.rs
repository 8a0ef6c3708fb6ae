//! Lowering: pest pairs → typed AST. The only place that sees a `Pair`.
//!
//! The grammar guarantees the shape of every pair, so a shape the lowering does not expect is a
//! bug in zhengce: it becomes a [`Code::Internal`] diagnostic, never a panic.

mod decl;
mod expr;
mod rules;

use std::cell::{Cell, RefCell};
use std::iter::Peekable;
use std::sync::Arc;

use pest::iterators::{Pair, Pairs};

use super::grammar::Rule;
use super::lexer::{Token, TokenKind};
use crate::ast::{KeywordLang, Node, Policy};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Text};
use crate::source::{Loc, SourceFile, Span};

/// A pair the lowering did not expect: a bug in zhengce, reported as a diagnostic.
#[derive(Debug)]
pub(super) struct Malformed {
    span: Span,
    what: &'static str,
}

type R<T> = Result<T, Malformed>;

/// The diagnostic for a construct the parser accepted but the lowering could not read.
pub(super) fn malformed(file: &Arc<SourceFile>, span: Span, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::Internal,
        Text::new(
            format!("内部错误：无法读取此处的 {what}"),
            format!("internal error: could not read the {what} here"),
        ),
    )
    .at(Loc::new(file, span), Text::new("此处", "here"))
    .help(Text::new(
        "这是 zhengce 的缺陷，请附上此文件报告问题",
        "this is a bug in zhengce; please report it with this file",
    ))
}

/// Lowers the `file` pair of a parse that succeeded.
pub(super) fn lower_file(
    file: &Arc<SourceFile>,
    tokens: &[Token],
    pair: Pair<'_, Rule>,
) -> (Option<Policy>, Diagnostics) {
    let lower = Lower {
        file: Arc::clone(file),
        diags: RefCell::new(Vec::new()),
        depth: Cell::new(0),
        code_ends: CodeEnds::new(tokens),
        too_deep: Cell::new(None),
    };
    let lang = keyword_lang(&pair);
    let result = lower.file(pair, lang);
    let too_deep = lower.too_deep.get();
    let mut diags: Diagnostics = lower.diags.into_inner().into();
    match (result, too_deep) {
        (Ok(policy), _) => (Some(policy), diags),
        (Err(_), Some(span)) => {
            diags.push(super::too_many_levels(file, span));
            (None, diags)
        }
        (Err(m), None) => {
            diags.push(malformed(file, m.span, m.what));
            (None, diags)
        }
    }
}

/// The language most of a file's keywords are written in.
fn keyword_lang(pair: &Pair<'_, Rule>) -> KeywordLang {
    let (mut zh, mut en) = (0usize, 0usize);
    for p in pair.clone().into_inner().flatten() {
        if super::err::is_keyword(p.as_rule()) {
            if p.as_str().is_ascii() {
                en += 1;
            } else {
                zh += 1;
            }
        }
    }
    if en > zh { KeywordLang::En } else { KeywordLang::Zh }
}

/// The lowering context: the file and the diagnostics found on the way (invalid numbers, dates).
struct Lower {
    file: Arc<SourceFile>,
    diags: RefCell<Vec<Diagnostic>>,
    /// How many expressions the lowering is inside of now.
    depth: Cell<usize>,
    /// Where code ends before each position, to trim the spans of pairs.
    code_ends: CodeEnds,
    /// Where an expression grew deeper than [`super::MAX_EXPR_DEPTH`], if one did: the lowering
    /// then stops, and this is reported instead of a malformed pair.
    too_deep: Cell<Option<Span>>,
}

/// One level of expression nesting entered by the lowering; leaving it when dropped.
struct Level<'a>(&'a Cell<usize>);

impl Drop for Level<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get().saturating_sub(1));
    }
}

impl Lower {
    fn file(&self, pair: Pair<'_, Rule>, lang: KeywordLang) -> R<Policy> {
        let mut header = None;
        let mut items = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::header => header = Some(self.header(p)?),
                Rule::item => items.push(self.item(p)?),
                Rule::EOI => {}
                _ => return Err(unexpected(&p, "declaration")),
            }
        }
        Ok(Policy { file: Arc::clone(&self.file), lang, header, items })
    }

    /// Enters one more level of nested expressions, refusing past [`super::MAX_EXPR_DEPTH`]:
    /// the guard of the lowering's recursion.
    fn enter(&self, span: Span) -> R<Level<'_>> {
        let depth = self.depth.get() + 1;
        self.depth.set(depth);
        let level = Level(&self.depth);
        self.deep_enough(depth, span)?;
        Ok(level)
    }

    /// Refuses a tree `depth` levels deep at `span` when that is past the limit.
    fn deep_enough(&self, depth: usize, span: Span) -> R<()> {
        if depth > super::MAX_EXPR_DEPTH {
            if self.too_deep.get().is_none() {
                self.too_deep.set(Some(span));
            }
            return Err(Malformed { span, what: "expression" });
        }
        Ok(())
    }

    fn report(&self, d: Diagnostic) {
        self.diags.borrow_mut().push(d);
    }

    fn loc(&self, span: Span) -> Loc {
        Loc::new(&self.file, span)
    }

    fn ident(&self, p: Pair<'_, Rule>) -> R<Node<String>> {
        if p.as_rule() != Rule::ident {
            return Err(unexpected(&p, "name"));
        }
        Ok(Node::new(p.as_str().to_string(), self.span(&p)))
    }

    /// The span of a pair, without the white space and comments pest skips after its last
    /// token (a rule ending in `x*` or `x?` takes them in even when `x` does not match), so
    /// that a label ends where the construct does rather than at the start of the next line.
    fn span(&self, p: &Pair<'_, Rule>) -> Span {
        self.code_ends.trim(p.as_span().start(), p.as_span().end())
    }
}

/// Where the code of a policy text ends before each position: a table built once from the
/// token pass, so that the span of any pair is trimmed in logarithmic time, however deep the
/// pair lies (walking down a pair's last children for each of thousands of nested pairs took
/// time in the square of the depth).
struct CodeEnds {
    /// Where each token starts, in order.
    starts: Vec<usize>,
    /// For each token, where the last token that is code (not space, line break or comment) at
    /// or before it ends; 0 when there is none.
    ends: Vec<usize>,
}

impl CodeEnds {
    fn new(tokens: &[Token]) -> CodeEnds {
        let mut last = 0;
        let mut ends = Vec::with_capacity(tokens.len());
        for t in tokens {
            if !matches!(t.kind, TokenKind::Space | TokenKind::Newline | TokenKind::Comment) {
                last = t.span.end;
            }
            ends.push(last);
        }
        CodeEnds { starts: tokens.iter().map(|t| t.span.start).collect(), ends }
    }

    /// The span from `start` to `end` without the white space and comments at its end. A pair
    /// that ends inside a token (a name inside a quoted sentence, a number inside a word the
    /// token pass keeps whole) keeps its end.
    fn trim(&self, start: usize, end: usize) -> Span {
        let before = self.starts.partition_point(|&s| s < end);
        let code_end = before.checked_sub(1).and_then(|i| self.ends.get(i)).copied().unwrap_or(0);
        Span::new(start, code_end.clamp(start, end.max(start)))
    }
}

/// A pair of a shape the lowering does not expect, labelled with the pair's whole text.
fn unexpected(p: &Pair<'_, Rule>, what: &'static str) -> Malformed {
    Malformed { span: raw_span(p), what }
}

/// The span of a pair as the parser gives it, with whatever it skipped after its last token:
/// enough to label a bug in zhengce, which is all it is used for.
fn raw_span(p: &Pair<'_, Rule>) -> Span {
    Span::new(p.as_span().start(), p.as_span().end())
}

/// Punctuation carries no meaning once parsed; the cursor skips it.
fn is_punct(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::p_colon
            | Rule::p_comma
            | Rule::p_semi
            | Rule::p_lparen
            | Rule::p_rparen
            | Rule::p_lbrace
            | Rule::p_rbrace
            | Rule::p_lbracket
            | Rule::p_rbracket
            | Rule::p_assign
            | Rule::p_dot
            | Rule::p_section
    )
}

/// Walks the children of a pair, skipping punctuation.
struct Cursor<'i> {
    inner: Peekable<Pairs<'i, Rule>>,
    span: Span,
    what: &'static str,
}

impl<'i> Cursor<'i> {
    fn new(p: Pair<'i, Rule>, what: &'static str) -> Cursor<'i> {
        let span = raw_span(&p);
        Cursor { inner: p.into_inner().peekable(), span, what }
    }

    fn skip_punct(&mut self) {
        while self.inner.peek().is_some_and(|p| is_punct(p.as_rule())) {
            self.inner.next();
        }
    }

    /// The next child, whatever it is.
    fn next(&mut self) -> R<Pair<'i, Rule>> {
        self.skip_punct();
        self.inner.next().ok_or(Malformed { span: self.span, what: self.what })
    }

    /// The next child, which must be `rule`.
    fn expect(&mut self, rule: Rule) -> R<Pair<'i, Rule>> {
        let p = self.next()?;
        if p.as_rule() == rule { Ok(p) } else { Err(unexpected(&p, self.what)) }
    }

    /// The rule of the next child, if any.
    fn peek(&mut self) -> Option<Rule> {
        self.skip_punct();
        self.inner.peek().map(|p| p.as_rule())
    }

    /// The next child if it is `rule`.
    fn eat(&mut self, rule: Rule) -> Option<Pair<'i, Rule>> {
        if self.peek() == Some(rule) { self.inner.next() } else { None }
    }

    /// Every remaining child that is `rule`.
    fn eat_all(&mut self, rule: Rule) -> Vec<Pair<'i, Rule>> {
        let mut out = Vec::new();
        while let Some(p) = self.eat(rule) {
            out.push(p);
        }
        out
    }

    fn malformed(&self) -> Malformed {
        Malformed { span: self.span, what: self.what }
    }
}

#[cfg(test)]
mod tests {
    use super::CodeEnds;
    use crate::parser::lexer::tokens;
    use crate::source::Span;

    fn trim(text: &str, start: usize, end: usize) -> Span {
        CodeEnds::new(&tokens(text)).trim(start, end)
    }

    #[test]
    fn a_span_loses_the_space_and_comments_after_its_last_token() {
        let text = "金额 费用 × 30%  # 注：按原文\n  \n下一行";
        let end = text.find("下一行").unwrap_or(0);
        let code = text.find("30%").unwrap_or(0) + "30%".len();
        assert_eq!(trim(text, 0, end), Span::new(0, code));
        // A `#` inside a clause reference or a quoted sentence is not a comment.
        let text = "§ 二#二 「第#1条」 \n";
        assert_eq!(trim(text, 0, text.len()), Span::new(0, text.trim_end().len()));
    }

    #[test]
    fn a_span_that_ends_inside_a_token_keeps_its_end() {
        // `2` ends inside the word `2万家` of the token pass, and `第` inside a quoted sentence.
        let text = "2万家 「第一条」";
        assert_eq!(trim(text, 0, 1), Span::new(0, 1));
        let inside = text.find('第').unwrap_or(0);
        assert_eq!(trim(text, inside, inside + '第'.len_utf8()), Span::new(inside, inside + 3));
    }

    #[test]
    fn a_span_of_nothing_but_space_is_empty_at_its_start() {
        let text = "甲   # 注\n乙";
        let start = "甲".len();
        let end = text.find('乙').unwrap_or(0);
        assert_eq!(trim(text, start, end), Span::new(start, start));
    }
}

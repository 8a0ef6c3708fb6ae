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
    pair: Pair<'_, Rule>,
) -> (Option<Policy>, Diagnostics) {
    let lower = Lower {
        file: Arc::clone(file),
        diags: RefCell::new(Vec::new()),
        depth: Cell::new(0),
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
        Ok(Node::new(p.as_str().to_string(), span(&p)))
    }
}

/// The span of a pair, without the white space and comments pest skips after its last token
/// (a rule ending in `x*` or `x?` takes them in even when `x` does not match), so that a label
/// ends where the construct does rather than at the start of the next line.
fn span(p: &Pair<'_, Rule>) -> Span {
    Span::new(p.as_span().start(), trimmed_end(p))
}

/// Where a pair's last token ends: the end of its last child when only skipped text follows it.
/// Walks down the last children with a loop, not recursion: a pair can be thousands of levels
/// deep (an expression nested to the limit is several grammar rules a level).
fn trimmed_end(p: &Pair<'_, Rule>) -> usize {
    let mut end = p.as_span().end();
    let mut pair = p.clone();
    while let Some(last) = pair.clone().into_inner().next_back() {
        let gap = pair.get_input().get(last.as_span().end()..end).unwrap_or("");
        if !only_skipped(gap) {
            break;
        }
        end = end.min(last.as_span().end());
        pair = last;
    }
    end
}

/// Whether a text is nothing but what the grammar skips between tokens: `WHITESPACE` and
/// `COMMENT` (`#` or `//` to the end of the line).
fn only_skipped(mut text: &str) -> bool {
    loop {
        text = text.trim_start_matches([' ', '\t', '\u{3000}', '\r', '\n', '\u{FEFF}']);
        if text.is_empty() {
            return true;
        }
        let Some(rest) = text.strip_prefix('#').or_else(|| text.strip_prefix("//")) else {
            return false;
        };
        text = rest.find('\n').and_then(|i| rest.get(i..)).unwrap_or("");
    }
}

fn unexpected(p: &Pair<'_, Rule>, what: &'static str) -> Malformed {
    Malformed { span: span(p), what }
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
        let span = span(&p);
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

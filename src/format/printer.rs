//! The printer's core: output lines and indentation, the line breaks an author chose, and the
//! comments, each placed where it was written.
//!
//! The printer walks the syntax tree and knows, for every child it prints, where the child was
//! written. Before a child it looks at the source text between the previous child and this
//! one: the comments there are printed first (a comment that ended a line of code ends the
//! output line; one on its own line stays on its own line), and a line break there is kept, as
//! a continuation line indented one step more than the statement. Everything else (spacing,
//! indentation, punctuation, separators) is canonical.

use crate::ast::KeywordLang;
use crate::parser::comments;
use crate::source::Span;

/// One indentation step.
const INDENT: &str = "  ";

/// What separates the members of a block written on one line.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Sep {
    /// `a; b`: declarations, fields, clauses, arms.
    Semi,
    /// `a, b`: enumeration values, lists of names.
    Comma,
    /// `a < b`: the values of an ordered enumeration.
    Less,
    /// One member a line, never grouped: declarations in `对于 … { }`, which have no separator.
    Line,
}

impl Sep {
    fn text(self) -> &'static str {
        match self {
            Sep::Semi => ";",
            Sep::Comma => ",",
            Sep::Less => "<",
            Sep::Line => "",
        }
    }
}

pub(super) struct Printer<'a> {
    pub(super) src: &'a str,
    pub(super) lang: KeywordLang,
    comments: Vec<Span>,
    /// The first comment not yet printed.
    next_comment: usize,
    out: String,
    /// Nothing has been written on the current output line yet.
    at_line_start: bool,
    /// The previous token allows a space after it.
    space: bool,
    /// The indentation level of the current statement.
    indent: usize,
    /// The indentation level of the current output line.
    line_level: usize,
    /// The indentation level the next line starts at.
    next_level: usize,
    /// The last line written opened a block (no blank line may follow).
    after_open: bool,
    /// Where in the source the text printed so far ends.
    pub(super) cursor: usize,
    /// Where the last comment printed ends.
    trivia_end: usize,
}

impl<'a> Printer<'a> {
    pub(super) fn new(src: &'a str, lang: KeywordLang) -> Printer<'a> {
        Printer {
            src,
            lang,
            comments: comments(src),
            next_comment: 0,
            out: String::with_capacity(src.len() + src.len() / 8),
            at_line_start: true,
            space: false,
            indent: 0,
            line_level: 0,
            next_level: 0,
            after_open: true,
            cursor: 0,
            trivia_end: 0,
        }
    }

    /// The output, with every remaining comment and a final line break.
    pub(super) fn finish(mut self) -> String {
        self.next_level = self.indent;
        self.flush_comments(usize::MAX);
        self.newline();
        let trimmed = self.out.trim_end_matches('\n').len();
        self.out.truncate(trimmed);
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        self.out
    }

    /// The keyword in the file's language.
    pub(super) fn k(&self, zh: &'static str, en: &'static str) -> &'static str {
        match self.lang {
            KeywordLang::Zh => zh,
            KeywordLang::En => en,
        }
    }

    /// The source text of a span.
    pub(super) fn slice(&self, span: Span) -> &'a str {
        self.src.get(span.start..span.end).unwrap_or("").trim()
    }

    // ------------------------------------------------------------------ tokens

    /// Writes a token: `before` whether it is separated from the previous token by a space (when
    /// both allow it), `after` whether the next may be.
    fn put(&mut self, text: &str, before: bool, after: bool) {
        if self.at_line_start {
            for _ in 0..self.next_level {
                self.out.push_str(INDENT);
            }
            self.line_level = self.next_level;
            self.at_line_start = false;
        } else if self.space && before {
            self.out.push(' ');
        }
        self.out.push_str(text);
        self.space = after;
        self.after_open = false;
    }

    /// A word, separated by spaces.
    pub(super) fn w(&mut self, text: &str) {
        self.put(text, true, true);
    }

    /// A token glued to the previous one: `,`, `:`, `)`, `]`, a unit word.
    pub(super) fn g(&mut self, text: &str) {
        self.put(text, false, true);
    }

    /// A token the next one is glued to: `(` after a name, `[`, `.`, a unary minus.
    pub(super) fn open(&mut self, text: &str, before: bool) {
        self.put(text, before, false);
    }

    /// A quoted source sentence as written; its later lines start one space further in than
    /// the line it starts on (their leading white space is not part of the sentence).
    pub(super) fn quote(&mut self, text: &str) {
        let mut lines = text.lines();
        self.w(lines.next().unwrap_or("").trim_end());
        for line in lines {
            self.out.push('\n');
            let line = line.trim_matches(crate::parser::is_space);
            if !line.is_empty() {
                for _ in 0..self.line_level {
                    self.out.push_str(INDENT);
                }
                self.out.push(' ');
                self.out.push_str(line);
            }
        }
    }

    // ------------------------------------------------------------------ lines

    fn newline(&mut self) {
        if !self.at_line_start {
            let trimmed = self.out.trim_end_matches(' ').len();
            self.out.truncate(trimmed);
            self.out.push('\n');
            self.at_line_start = true;
        }
    }

    fn blank_line(&mut self) {
        self.newline();
        if !self.after_open && !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    /// Ends the line inside a statement: the next line continues it, one step further in.
    fn continuation(&mut self) {
        self.newline();
        self.next_level = self.indent + 1;
    }

    // ------------------------------------------------------------------ source

    fn text(&self, from: usize, to: usize) -> &'a str {
        if from >= to { "" } else { self.src.get(from..to).unwrap_or("") }
    }

    fn has_newline(&self, from: usize, to: usize) -> bool {
        self.text(from, to).contains('\n')
    }

    fn has_blank_line(&self, from: usize, to: usize) -> bool {
        self.text(from, to).matches('\n').count() >= 2
    }

    /// Whether a comment starts in `from..to` (the comments are in order).
    pub(super) fn has_comment(&self, from: usize, to: usize) -> bool {
        let first = self.comments.partition_point(|c| c.start < from);
        self.comments.get(first).is_some_and(|c| c.start < to)
    }

    /// The comment that starts at `at`, if one does.
    fn comment_at(&self, at: usize) -> Option<Span> {
        self.comments
            .binary_search_by_key(&at, |c| c.start)
            .ok()
            .and_then(|i| self.comments.get(i))
            .copied()
    }

    /// The first character in `from..to` that is neither white space nor in a comment, or `to`.
    fn first_significant(&self, from: usize, to: usize) -> usize {
        let mut pos = from;
        for (i, c) in self.text(from, to).char_indices() {
            let at = from + i;
            if at < pos {
                continue;
            }
            if let Some(comment) = self.comment_at(at) {
                pos = comment.end;
                continue;
            }
            if !crate::parser::is_space(c) {
                return at;
            }
            pos = at + c.len_utf8();
        }
        to
    }

    /// Where the last token in `from..to` ends (not white space, not in a comment), or `from`.
    fn last_significant_end(&self, from: usize, to: usize) -> usize {
        let mut last = from;
        let mut skip_to = from;
        for (i, c) in self.text(from, to).char_indices() {
            let at = from + i;
            if at < skip_to {
                continue;
            }
            if let Some(comment) = self.comment_at(at) {
                skip_to = comment.end;
                continue;
            }
            if !crate::parser::is_space(c) {
                last = at + c.len_utf8();
            }
        }
        last
    }

    // ------------------------------------------------------------------ comments

    /// Prints every comment that starts before `before`.
    fn flush_comments(&mut self, before: usize) {
        while let Some(c) = self.comments.get(self.next_comment).copied() {
            if c.start >= before {
                break;
            }
            self.next_comment += 1;
            let line_start =
                self.src.get(..c.start).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
            let own_line = self.text(line_start, c.start).chars().all(crate::parser::is_space);
            let text = self.slice(c);
            if own_line || self.at_line_start {
                let prev = self.cursor.max(self.trivia_end);
                if self.has_blank_line(prev, line_start) {
                    self.blank_line();
                } else {
                    self.newline();
                }
                self.put(text, true, true);
            } else {
                self.out.push_str("  ");
                self.out.push_str(text);
            }
            self.trivia_end = c.end;
            let level = self.next_level;
            self.newline();
            self.next_level = level;
        }
    }

    // ------------------------------------------------------------------ statements and breaks

    /// Starts a statement written at `start`: the comments before it, a blank line if the author
    /// left one (never right after `{`), then a new line at the statement's indentation.
    pub(super) fn statement(&mut self, start: usize) {
        self.next_level = self.indent;
        self.flush_comments(start);
        let prev = self.cursor.max(self.trivia_end);
        if self.has_blank_line(prev, start) {
            self.blank_line();
        } else {
            self.newline();
        }
        self.next_level = self.indent;
        self.cursor = self.cursor.max(start);
    }

    /// Before keywords and punctuation that come before a child written at `next`: prints the
    /// comments before them and keeps a line break the author put before them.
    pub(super) fn lead(&mut self, next: usize) {
        let first = self.first_significant(self.cursor, next);
        self.break_as_written(self.cursor, first);
        self.cursor = self.cursor.max(first);
    }

    /// A keyword or punctuation mark before the child written at `next`, printed as `printed`
    /// and written in the source as one of `spellings`: its comments and line break first, and
    /// the source is then read past it, so that what follows it is placed after it.
    pub(super) fn token(&mut self, printed: &str, spellings: &[&str], next: usize, glue: bool) {
        self.lead(next);
        if self.cursor < next {
            let rest = self.text(self.cursor, next);
            let written = spellings.iter().filter(|s| rest.starts_with(**s)).map(|s| s.len()).max();
            self.cursor += written.unwrap_or(0);
        }
        if glue {
            self.g(printed);
        } else {
            self.w(printed);
        }
    }

    /// A keyword in the file's language before the child written at `next` (see
    /// [`token`](Self::token)).
    pub(super) fn key(&mut self, zh: &'static str, en: &'static str, next: usize) {
        let word = self.k(zh, en);
        self.token(word, &[zh, en], next, false);
    }

    /// Before a child written at `next`: prints the comments before it and keeps a line break
    /// the author put before it.
    pub(super) fn child(&mut self, next: usize) {
        let last = self.last_significant_end(self.cursor, next);
        self.break_as_written(last, next);
        self.cursor = self.cursor.max(next);
    }

    /// Inside a statement: the comments before `to`, then a line break if the author wrote one
    /// in `from..to`. A line that starts inside a statement continues it, one step further in.
    fn break_as_written(&mut self, from: usize, to: usize) {
        if !self.at_line_start {
            self.next_level = self.indent + 1;
        }
        self.flush_comments(to);
        if !self.at_line_start && self.has_newline(from, to) {
            self.continuation();
        }
    }

    /// Like [`child`](Self::child), but a line break goes back to the statement's indentation:
    /// a citation's quote written under its clause, the citations before a declaration.
    pub(super) fn same_level(&mut self, next: usize, always: bool) {
        let last = self.last_significant_end(self.cursor, next);
        self.next_level = self.indent;
        self.flush_comments(next);
        if always || self.has_newline(last, next) {
            self.newline();
        }
        self.next_level = self.indent;
        self.cursor = self.cursor.max(next);
    }

    /// After a child written up to `end`.
    pub(super) fn done(&mut self, end: usize) {
        self.cursor = self.cursor.max(end);
    }

    // ------------------------------------------------------------------ blocks

    /// A block `{ ... }` whose members were written at `spans`, from `open` (where the text
    /// before `{` ends) to `close` (where `}` ends). Written on one line, it stays on one line;
    /// otherwise each member starts a line, except members the author wrote on the same line,
    /// which stay together.
    pub(super) fn block(
        &mut self,
        open: usize,
        close: usize,
        spans: &[Span],
        sep: Sep,
        mut member: impl FnMut(&mut Self, usize),
    ) {
        let inline =
            sep != Sep::Line && !self.has_newline(open, close) && !self.has_comment(open, close);
        self.lead(spans.first().map_or(close, |s| s.start));
        self.w("{");
        if inline {
            for (i, s) in spans.iter().enumerate() {
                if i > 0 {
                    self.separator(sep);
                }
                self.cursor = self.cursor.max(s.start);
                member(self, i);
                self.done(s.end);
            }
            self.w("}");
            self.done(close);
            return;
        }
        let outer = self.indent;
        let base = self.line_level;
        self.indent = base + 1;
        // A comment after `{` on its line stays there; the members start on the next line.
        self.after_open = true;
        let mut prev_end: Option<usize> = None;
        for (i, s) in spans.iter().enumerate() {
            let same_line = sep != Sep::Line
                && prev_end.is_some_and(|end| {
                    !self.has_newline(end, s.start) && !self.has_comment(end, s.start)
                });
            if same_line {
                self.separator(sep);
                self.cursor = self.cursor.max(s.start);
            } else {
                if prev_end.is_some() && matches!(sep, Sep::Comma | Sep::Less) {
                    self.separator(sep);
                }
                self.statement(s.start);
            }
            member(self, i);
            self.done(s.end);
            prev_end = Some(s.end);
        }
        self.next_level = self.indent;
        self.flush_comments(close);
        self.indent = base;
        self.newline();
        self.next_level = base;
        self.w("}");
        self.indent = outer;
        self.done(close);
    }

    fn separator(&mut self, sep: Sep) {
        match sep {
            Sep::Less => self.w(sep.text()),
            Sep::Semi | Sep::Comma | Sep::Line => self.g(sep.text()),
        }
    }

    /// Where the `}` closing a block ends: the first one in `from..to` outside comments.
    pub(super) fn close_brace(&self, from: usize, to: usize) -> usize {
        let mut skip_to = from;
        for (i, c) in self.text(from, to).char_indices() {
            let at = from + i;
            if at < skip_to {
                continue;
            }
            if let Some(comment) = self.comment_at(at) {
                skip_to = comment.end;
                continue;
            }
            if c == '}' || c == '｝' {
                return at + c.len_utf8();
            }
        }
        to
    }
}

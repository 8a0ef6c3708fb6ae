//! The token pass: a policy text cut into the tokens the grammar sees, by the grammar's lexical
//! rules, without parsing it.
//!
//! Three things need to know where code is and where it is not before (or instead of) a full
//! parse, and all three read this one pass so that they can never disagree with each other:
//! the nesting check that runs before the recursive parser (`check_nesting`), the comments the
//! formatter keeps ([`comments`](super::comments)), and the lines where the parser starts again
//! after a syntax error.
//!
//! The rules, as in `grammar/zhengce.pest`: `#` or `//` starts a comment that runs to the end
//! of the line, except inside a text (`"…"`, `“…”`, which end at the line's end), a quoted
//! source sentence (`「…」`, `『…』`, which may span lines) or a clause reference (the run after
//! `§`, `条款` or `clause`, up to the next white space, quote mark, brace or separator, which may
//! contain `#`).

use crate::source::Span;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Spaces, tabs, full-width spaces, carriage returns, byte-order marks: never a line break.
    Space,
    /// One line break.
    Newline,
    /// `#` or `//` to the end of the line, without the line break (and without a final `\r`).
    Comment,
    /// A text in straight or Chinese double quotes, with its quotes (unclosed: to the line end).
    Text,
    /// A quoted source sentence in 「」 or 『』, with its quotes (unclosed: to the end of file).
    Quote,
    /// The clause reference after `§`, `条款` or `clause`.
    ClauseRef,
    /// A run of letters, ideographs, digits and `_`: a name, a keyword or a number.
    Word,
    /// An opening bracket: `(`, `（`, `[`, `{`, `｛`.
    Open,
    /// A closing bracket: `)`, `）`, `]`, `}`, `｝`.
    Close,
    /// Any other single character: operators and punctuation.
    Punct,
}

/// One token: its kind and where it lies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

/// The grammar's `WHITESPACE`.
pub fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{3000}' | '\r' | '\n' | '\u{FEFF}')
}

/// A character of a word (the grammar's names are `XID_START`/`XID_CONTINUE` and `_`; digits
/// join them so that `2万家` is one word, which no use of the token pass needs to split).
fn is_word(c: char) -> bool {
    (c.is_alphanumeric() || c == '_') && c != '·'
}

/// Characters that end a clause reference (besides white space).
fn ends_clause_ref(c: char) -> bool {
    is_space(c) || matches!(c, '「' | '『' | '{' | '}' | ';' | '；' | ',' | '，')
}

/// Every token of a text, in order; together they cover the text exactly.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut lexer = Lexer { text, pos: 0, out: Vec::new() };
    lexer.run();
    lexer.out
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    out: Vec<Token>,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.text.get(self.pos..).and_then(|t| t.chars().next())
    }

    fn rest(&self) -> &str {
        self.text.get(self.pos..).unwrap_or("")
    }

    fn push(&mut self, kind: TokenKind, start: usize) {
        if self.pos > start {
            self.out.push(Token { kind, span: Span::new(start, self.pos) });
        }
    }

    /// Advances while `keep` holds for the next character.
    fn eat_while(&mut self, keep: impl Fn(char) -> bool) {
        while let Some(c) = self.peek() {
            if !keep(c) {
                break;
            }
            self.pos += c.len_utf8();
        }
    }

    /// Advances past the next character.
    fn bump(&mut self) {
        if let Some(c) = self.peek() {
            self.pos += c.len_utf8();
        }
    }

    /// Advances up to and including `close`, or to the end of the text.
    fn eat_through(&mut self, close: char) {
        match self.rest().find(close) {
            Some(i) => self.pos += i + close.len_utf8(),
            None => self.pos = self.text.len(),
        }
    }

    fn run(&mut self) {
        while let Some(c) = self.peek() {
            let start = self.pos;
            match c {
                '\n' => {
                    self.bump();
                    self.push(TokenKind::Newline, start);
                }
                c if is_space(c) => {
                    self.eat_while(|c| is_space(c) && c != '\n');
                    self.push(TokenKind::Space, start);
                }
                '#' => self.comment(),
                '/' if self.rest().starts_with("//") => self.comment(),
                '"' | '“' => {
                    let close = if c == '"' { '"' } else { '”' };
                    self.bump();
                    self.eat_while(|n| n != close && n != '\n');
                    if self.peek() == Some(close) {
                        self.bump();
                    }
                    self.push(TokenKind::Text, start);
                }
                '「' | '『' => {
                    self.bump();
                    self.eat_through(if c == '「' { '」' } else { '』' });
                    self.push(TokenKind::Quote, start);
                }
                '§' => {
                    self.bump();
                    self.push(TokenKind::Punct, start);
                    self.clause_ref();
                }
                c if is_word(c) => {
                    self.eat_while(is_word);
                    self.push(TokenKind::Word, start);
                    if matches!(self.text.get(start..self.pos), Some("条款" | "clause")) {
                        self.clause_ref();
                    }
                }
                '(' | '（' | '[' | '{' | '｛' => {
                    self.bump();
                    self.push(TokenKind::Open, start);
                }
                ')' | '）' | ']' | '}' | '｝' => {
                    self.bump();
                    self.push(TokenKind::Close, start);
                }
                _ => {
                    self.bump();
                    self.push(TokenKind::Punct, start);
                }
            }
        }
    }

    /// A comment from the current `#` or `//` to the end of the line.
    fn comment(&mut self) {
        let start = self.pos;
        let end = self.rest().find('\n').map_or(self.text.len(), |i| self.pos + i);
        let body = self.text.get(start..end).unwrap_or("");
        self.pos = start + body.trim_end_matches('\r').len();
        self.push(TokenKind::Comment, start);
        // A `\r` before the line break is white space.
        let space = self.pos;
        self.pos = end;
        self.push(TokenKind::Space, space);
    }

    /// After `§` or `条款`: white space and comments, then the clause reference.
    fn clause_ref(&mut self) {
        loop {
            let start = self.pos;
            match self.peek() {
                Some('\n') => {
                    self.bump();
                    self.push(TokenKind::Newline, start);
                }
                Some(c) if is_space(c) => {
                    self.eat_while(|c| is_space(c) && c != '\n');
                    self.push(TokenKind::Space, start);
                }
                Some('#') => self.comment(),
                Some('/') if self.rest().starts_with("//") => self.comment(),
                _ => break,
            }
        }
        let start = self.pos;
        self.eat_while(|c| !ends_clause_ref(c));
        self.push(TokenKind::ClauseRef, start);
    }
}

/// The byte offsets where lines start that begin, in their first column, with a token that can
/// start a declaration (not white space, a comment or a closing brace), and are not inside a
/// multi-line quote.
pub fn item_lines(tokens: &[Token]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut line_start = true;
    for t in tokens {
        if line_start
            && !matches!(
                t.kind,
                TokenKind::Space | TokenKind::Newline | TokenKind::Comment | TokenKind::Close
            )
        {
            out.push(t.span.start);
        }
        line_start = t.kind == TokenKind::Newline;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(TokenKind, &str)> {
        tokens(src)
            .into_iter()
            .map(|t| (t.kind, src.get(t.span.start..t.span.end).unwrap_or_default()))
            .collect()
    }

    #[test]
    fn tokens_cover_the_text_exactly() {
        let src =
            "§ 二#二 「x#」 补助 a { 金额 ((b × 30%)) } # 注\r\n令 c = \"d#e\" // f\n“未闭合\n";
        let toks = tokens(src);
        let mut at = 0;
        for t in &toks {
            assert_eq!(t.span.start, at, "gap before {t:?}");
            assert!(t.span.end > t.span.start);
            at = t.span.end;
        }
        assert_eq!(at, src.len());
    }

    #[test]
    fn a_clause_reference_may_contain_a_hash() {
        use TokenKind::*;
        let k = kinds("§ 二#二 (x)");
        assert_eq!(
            k,
            [
                (Punct, "§"),
                (Space, " "),
                (ClauseRef, "二#二"),
                (Space, " "),
                (Open, "("),
                (Word, "x"),
                (Close, ")")
            ]
        );
    }

    #[test]
    fn the_clause_keyword_is_a_whole_word() {
        let k = kinds("令 本条款 = 1 # 注");
        assert!(k.contains(&(TokenKind::Comment, "# 注")));
        let k = kinds("条款 五(一)#3 「q」");
        assert!(k.contains(&(TokenKind::ClauseRef, "五(一)#3")));
    }

    #[test]
    fn comments_between_the_section_sign_and_the_clause() {
        let k = kinds("§ # 注\n 五(一)");
        assert!(k.contains(&(TokenKind::Comment, "# 注")));
        assert!(k.contains(&(TokenKind::ClauseRef, "五(一)")));
    }

    #[test]
    fn texts_end_at_the_line_and_quotes_do_not() {
        let k = kinds("\"a#b\nc # d");
        assert_eq!(k.first(), Some(&(TokenKind::Text, "\"a#b")));
        assert!(k.contains(&(TokenKind::Comment, "# d")));
        let k = kinds("「a\n#b」 # c");
        assert_eq!(k.first(), Some(&(TokenKind::Quote, "「a\n#b」")));
        assert!(k.contains(&(TokenKind::Comment, "# c")));
    }

    #[test]
    fn lines_that_start_items_skip_quotes_comments_and_braces() {
        let src = "a 「x\ny」\n# c\n}\n  d\ne\n";
        let starts: Vec<&str> = item_lines(&tokens(src))
            .into_iter()
            .map(|i| src.get(i..).unwrap_or_default().split('\n').next().unwrap_or(""))
            .collect();
        assert_eq!(starts, ["a 「x", "e"]);
    }
}

//! Comments: the text the grammar skips but people read (`# 解读：…` notes above all), found with
//! their spans so that the formatter can keep every one of them.
//!
//! The scanner follows the grammar's lexical rules: `#` or `//` starts a comment that runs to the
//! end of the line, except inside a text (`"…"`, `“…”`), a quoted source sentence (`「…」`,
//! `『…』`) or a clause reference (the word after `§`, `条款` or `clause`, which may contain `#`).

use crate::source::Span;

/// The spans of every comment in a policy text, in order. A span covers the comment from its
/// `#` or `//` to the end of its line, without the line break.
pub fn comments(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '#' => out.push(line_comment(text, i, &mut chars)),
            '/' if chars.peek().is_some_and(|(_, n)| *n == '/') => {
                out.push(line_comment(text, i, &mut chars));
            }
            '"' => skip_until(&mut chars, |c| c == '"' || c == '\n'),
            '“' => skip_until(&mut chars, |c| c == '”' || c == '\n'),
            '「' => skip_until(&mut chars, |c| c == '」'),
            '『' => skip_until(&mut chars, |c| c == '』'),
            '§' => clause_ref(text, &mut chars, &mut out),
            c if c.is_alphanumeric() || c == '_' => {
                let mut end = i + c.len_utf8();
                while let Some((j, n)) = chars.peek().copied() {
                    if !(n.is_alphanumeric() || n == '_') {
                        break;
                    }
                    end = j + n.len_utf8();
                    chars.next();
                }
                if matches!(text.get(i..end), Some("条款" | "clause")) {
                    clause_ref(text, &mut chars, &mut out);
                }
            }
            _ => {}
        }
    }
    out
}

type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

/// A comment starting at `start`: up to the end of the line.
fn line_comment(text: &str, start: usize, chars: &mut Chars<'_>) -> Span {
    let mut end = text.len();
    while let Some((j, n)) = chars.peek().copied() {
        if n == '\n' {
            end = j;
            break;
        }
        chars.next();
    }
    let body = text.get(start..end).unwrap_or("");
    Span::new(start, start + body.trim_end_matches('\r').len())
}

fn skip_until(chars: &mut Chars<'_>, end: impl Fn(char) -> bool) {
    for (_, c) in chars.by_ref() {
        if end(c) {
            break;
        }
    }
}

/// After `§` or `条款`: white space and comments, then the clause reference, which runs to the
/// next white space, quote mark, brace or separator.
fn clause_ref(text: &str, chars: &mut Chars<'_>, out: &mut Vec<Span>) {
    loop {
        let Some((j, n)) = chars.peek().copied() else { return };
        if is_space(n) {
            chars.next();
        } else if n == '#' || (n == '/' && text.get(j..).is_some_and(|t| t.starts_with("//"))) {
            chars.next();
            out.push(line_comment(text, j, chars));
        } else {
            break;
        }
    }
    while let Some((_, n)) = chars.peek().copied() {
        if is_space(n) || matches!(n, '「' | '『' | '{' | '}' | ';' | '；' | ',' | '，') {
            break;
        }
        chars.next();
    }
}

/// The grammar's `WHITESPACE`.
pub fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{3000}' | '\r' | '\n' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<&str> {
        comments(src).into_iter().map(|s| &src[s.start..s.end]).collect()
    }

    #[test]
    fn finds_line_comments_but_not_inside_texts_quotes_or_clauses() {
        let src = "# 一\n令 a = 1 // 二\r\n§ 五#3 「引 # 文」 令 b = \"x#y\" # 三\n条款 x#y\n";
        assert_eq!(texts(src), ["# 一", "// 二", "# 三"]);
    }

    #[test]
    fn a_comment_between_the_section_sign_and_the_clause_is_found() {
        assert_eq!(texts("§ # 注\n 五(一)"), ["# 注"]);
    }

    #[test]
    fn a_word_ending_in_clause_is_not_a_keyword() {
        assert_eq!(texts("令 本条款 = 1 # 注"), ["# 注"]);
    }
}

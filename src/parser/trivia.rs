//! Comments: the text the grammar skips but people read (`# 解读：…` notes above all), found with
//! their spans so that the formatter can keep every one of them.
//!
//! They are read off the token pass ([`super::lexer`]), which follows the grammar's lexical
//! rules: `#` or `//` starts a comment that runs to the end of the line, except inside a text, a
//! quoted source sentence or a clause reference.

use super::lexer::{TokenKind, tokens};
use crate::source::Span;

/// The spans of every comment in a policy text, in order. A span covers the comment from its
/// `#` or `//` to the end of its line, without the line break.
pub fn comments(text: &str) -> Vec<Span> {
    tokens(text).into_iter().filter(|t| t.kind == TokenKind::Comment).map(|t| t.span).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<&str> {
        comments(src).into_iter().map(|s| src.get(s.start..s.end).unwrap_or_default()).collect()
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

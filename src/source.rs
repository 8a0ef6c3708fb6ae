//! Source files and spans.
//!
//! Every diagnostic points into a [`SourceFile`] through a [`Span`]. A span is a pair of byte
//! offsets; columns shown to people are computed from it by counting characters, never bytes.

use std::sync::Arc;

/// A half-open byte range `start..end` into one source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> Self {
        miette::SourceSpan::new(s.start.into(), s.len())
    }
}

/// One file given to zhengce: a policy file or a data file.
#[derive(Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// The path as the user gave it (shown in diagnostics).
    pub name: String,
    pub text: String,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<SourceFile> {
        Arc::new(SourceFile { name: name.into(), text: text.into() })
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    /// Offsets past the end or inside a character are clamped to a character boundary.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = self.text.get(..offset).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
        (line, col)
    }

    /// The text a span covers, or `""` if the span does not lie on character boundaries.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

/// A span together with the file it points into, so that any diagnostic renders on its own.
#[derive(Clone, Debug)]
pub struct Loc {
    pub file: Arc<SourceFile>,
    pub span: Span,
}

impl Loc {
    pub fn new(file: &Arc<SourceFile>, span: Span) -> Loc {
        Loc { file: Arc::clone(file), span }
    }
}

impl PartialEq for Loc {
    fn eq(&self, other: &Self) -> bool {
        self.file.name == other.file.name && self.span == other.span
    }
}
impl Eq for Loc {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let f = SourceFile::new("a.zc", "令 补贴 = 5\n令 奖励 = x");
        let off = f.text.find('x').unwrap();
        assert_eq!(f.line_col(off), (2, 8));
        let off = f.text.find('5').unwrap();
        assert_eq!(f.line_col(off), (1, 8));
    }

    #[test]
    fn offsets_inside_a_character_are_clamped() {
        let f = SourceFile::new("a.zc", "补贴");
        assert_eq!(f.line_col(1), (1, 1));
        assert_eq!(f.line_col(1000), (1, 3));
    }
}

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
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it (shown in diagnostics).
    pub name: String,
    pub text: String,
    /// The lines the text leaves out, for a piece of a register read alone.
    pub gap: Option<Gap>,
    /// The byte offset each line starts at, built the first time a position is asked for.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

/// Lines a text leaves out: a row or block of a register read alone is its header, then its
/// own lines, which in the file come `lines` lines later. Lines after the first `after` are
/// numbered as in the file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Gap {
    /// The lines kept before the gap (the header's).
    pub after: usize,
    /// The lines left out.
    pub lines: u64,
}

impl PartialEq for SourceFile {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.text == other.text && self.gap == other.gap
    }
}
impl Eq for SourceFile {}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<SourceFile> {
        SourceFile::with_gap(name, text, None)
    }

    /// A piece of a file, `gap` saying which of its lines the text leaves out.
    pub fn with_gap(
        name: impl Into<String>,
        text: impl Into<String>,
        gap: Option<Gap>,
    ) -> Arc<SourceFile> {
        Arc::new(SourceFile {
            name: name.into(),
            text: text.into(),
            gap: gap.filter(|g| g.lines > 0),
            line_starts: std::sync::OnceLock::new(),
        })
    }

    /// 1-based line and 1-based column (in characters) of a byte offset, the line as numbered
    /// in the whole file (after a [`Gap`]).
    /// Offsets past the end or inside a character are clamped to a character boundary.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let (line, col) = self.text_line_col(offset);
        (self.file_line(line), col)
    }

    /// The line of the whole file that is line `line` (1-based) of the text.
    pub fn file_line(&self, line: usize) -> usize {
        match self.gap {
            Some(g) if line > g.after => {
                line.saturating_add(usize::try_from(g.lines).unwrap_or(usize::MAX))
            }
            _ => line,
        }
    }

    /// Where the lines after a [`Gap`] start: their byte offset, and the lines of the text
    /// before them.
    pub fn gap_offset(&self) -> Option<(usize, usize)> {
        let after = self.gap?.after;
        Some((self.line_starts().get(after).copied().unwrap_or(self.text.len()), after))
    }

    /// The byte offset each line of the text starts at.
    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0).chain(self.text.match_indices('\n').map(|(i, _)| i + 1)).collect()
        })
    }

    /// 1-based line and column of a byte offset within the text, not counting a gap.
    pub fn text_line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let starts = self.line_starts();
        // The last line starting at or before the offset.
        let line = starts.partition_point(|&s| s <= offset).max(1);
        let line_start = starts.get(line - 1).copied().unwrap_or(0);
        let col = self.text.get(line_start..offset).map_or(0, |s| s.chars().count()) + 1;
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
    fn lines_after_a_gap_are_numbered_as_in_the_file() {
        // A header, then the row at line 1,000,000 of the register.
        let gap = Gap { after: 1, lines: 999_998 };
        let f = SourceFile::with_gap("d.csv", "名称,年份\n企业1,20x3\n", Some(gap));
        let off = f.text.find('x').unwrap();
        assert_eq!(f.line_col(off), (1_000_000, 7));
        assert_eq!(f.text_line_col(off), (2, 7));
        assert_eq!(f.line_col(3), (1, 2));
        // The end of the text: the empty line after the row.
        assert_eq!(f.line_col(f.text.len()), (1_000_001, 1));
        assert_eq!(SourceFile::new("d.csv", "a\nb").line_col(2), (2, 1));
    }

    #[test]
    fn offsets_inside_a_character_are_clamped() {
        let f = SourceFile::new("a.zc", "补贴");
        assert_eq!(f.line_col(1), (1, 1));
        assert_eq!(f.line_col(1000), (1, 3));
    }
}

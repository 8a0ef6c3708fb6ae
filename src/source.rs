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
    /// The lines the text leaves out, for pieces of a register read together: each gap's text
    /// line before it and the lines of the file left out up to and including it.
    gaps: Vec<(usize, u64)>,
    /// The byte offset each line starts at, built the first time a position is asked for.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

/// Lines a text leaves out: a row or block of a register read alone is its header, then its
/// own lines, which in the file come `lines` lines later. Lines after the first `after` of the
/// text are numbered as in the file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Gap {
    /// The lines of the text before the gap.
    pub after: usize,
    /// The lines of the file left out.
    pub lines: u64,
}

impl PartialEq for SourceFile {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.text == other.text && self.gaps == other.gaps
    }
}
impl Eq for SourceFile {}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<SourceFile> {
        SourceFile::with_gaps(name, text, &[])
    }

    /// Pieces of a file read together, `gaps` (in the order of the text) saying which of its
    /// lines the text leaves out.
    pub fn with_gaps(
        name: impl Into<String>,
        text: impl Into<String>,
        gaps: &[Gap],
    ) -> Arc<SourceFile> {
        let mut total = 0u64;
        let gaps = gaps
            .iter()
            .filter(|g| g.lines > 0)
            .map(|g| {
                total = total.saturating_add(g.lines);
                (g.after, total)
            })
            .collect();
        Arc::new(SourceFile {
            name: name.into(),
            text: text.into(),
            gaps,
            line_starts: std::sync::OnceLock::new(),
        })
    }

    /// Whether the text leaves out lines of the file ([`Gap`]).
    pub fn has_gaps(&self) -> bool {
        !self.gaps.is_empty()
    }

    /// 1-based line and 1-based column (in characters) of a byte offset, the line as numbered
    /// in the whole file (after the [`Gap`]s).
    /// Offsets past the end or inside a character are clamped to a character boundary.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let (line, col) = self.text_line_col(offset);
        (self.file_line(line), col)
    }

    /// The line of the whole file that is line `line` (1-based) of the text.
    pub fn file_line(&self, line: usize) -> usize {
        let before = self.gaps.partition_point(|&(after, _)| after < line);
        match before.checked_sub(1).and_then(|i| self.gaps.get(i)) {
            Some(&(_, lines)) => line.saturating_add(usize::try_from(lines).unwrap_or(usize::MAX)),
            None => line,
        }
    }

    /// The part of the text between two gaps that holds the byte `offset`: its start and end,
    /// and the lines of the text before it. The whole text when it leaves nothing out.
    pub fn piece(&self, offset: usize) -> (usize, usize, usize) {
        if self.gaps.is_empty() {
            return (0, self.text.len(), 0);
        }
        let line = self.text_line_col(offset).0;
        let starts = self.line_starts();
        let before = self.gaps.partition_point(|&(after, _)| after < line);
        let first = before.checked_sub(1).and_then(|i| self.gaps.get(i)).map_or(0, |g| g.0);
        let start = starts.get(first).copied().unwrap_or(self.text.len());
        let end =
            self.gaps.get(before).and_then(|g| starts.get(g.0).copied()).unwrap_or(self.text.len());
        (start, end.max(start), first)
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
        let f = SourceFile::with_gaps("d.csv", "名称,年份\n企业1,20x3\n", &[gap]);
        let off = f.text.find('x').unwrap();
        assert_eq!(f.line_col(off), (1_000_000, 7));
        assert_eq!(f.text_line_col(off), (2, 7));
        assert_eq!(f.line_col(3), (1, 2));
        // The end of the text: the empty line after the row.
        assert_eq!(f.line_col(f.text.len()), (1_000_001, 1));
        assert_eq!(SourceFile::new("d.csv", "a\nb").line_col(2), (2, 1));
    }

    #[test]
    fn rows_read_together_are_numbered_each_as_in_the_file() {
        // The header; rows at lines 5 and 6 (three left out before them, none between them);
        // a row at line 12 (five more left out).
        let gaps =
            [Gap { after: 1, lines: 3 }, Gap { after: 2, lines: 0 }, Gap { after: 3, lines: 5 }];
        let f = SourceFile::with_gaps("d.csv", "h\nA\nB\nC\n", &gaps);
        let at = |c: char| f.text.find(c).unwrap();
        assert_eq!([at('h'), at('A'), at('B'), at('C')].map(|o| f.line_col(o).0), [1, 5, 6, 12]);
        // The pieces a snippet is taken from: the header, lines 5 and 6 together, line 12.
        assert_eq!(f.piece(at('h')), (0, 2, 0));
        assert_eq!(f.piece(at('A')), (2, 6, 1));
        assert_eq!(f.piece(at('B')), (2, 6, 1));
        assert_eq!(f.piece(at('C')), (6, 8, 3));
        let whole = SourceFile::new("d.csv", "h\nA\n");
        assert!(!whole.has_gaps());
        assert_eq!(whole.piece(3), (0, 4, 0));
    }

    #[test]
    fn offsets_inside_a_character_are_clamped() {
        let f = SourceFile::new("a.zc", "补贴");
        assert_eq!(f.line_col(1), (1, 1));
        assert_eq!(f.line_col(1000), (1, 3));
    }
}

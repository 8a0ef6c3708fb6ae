//! Positions: byte offsets (the library's spans) ↔ LSP positions (line, and column in UTF-16
//! code units, as the protocol counts them: `补` is one unit, `𠀀` two, `a` one).

use lsp_types::{Position, Range};

use crate::source::Span;

/// The byte offset each line of a text starts at.
#[derive(Debug)]
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    /// The LSP position of a byte offset (clamped to the text and to a character boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let units: usize =
            text.get(start..offset).map_or(0, |s| s.chars().map(char::len_utf16).sum());
        Position::new(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(units).unwrap_or(u32::MAX),
        )
    }

    /// The byte offset of an LSP position: a column past the line's end is its end, a line past
    /// the text's end is the end of the text, a column inside a surrogate pair is the character.
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let Some(&start) = usize::try_from(pos.line).ok().and_then(|l| self.starts.get(l)) else {
            return text.len();
        };
        let line = text.get(start..).unwrap_or("");
        let line = line.split('\n').next().unwrap_or("");
        let want = usize::try_from(pos.character).unwrap_or(usize::MAX);
        let mut units = 0;
        for (i, c) in line.char_indices() {
            if units >= want {
                return start + i;
            }
            units += c.len_utf16();
            if units > want {
                return start + i;
            }
        }
        start + line.trim_end_matches('\r').len().min(line.len())
    }

    pub fn range(&self, text: &str, span: Span) -> Range {
        Range::new(self.position(text, span.start), self.position(text, span.end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_utf16_units() {
        let text = "令 补贴 = 5\n𠀀x 奖励";
        let lines = Lines::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(lines.position(text, x), Position::new(1, 2));
        assert_eq!(lines.offset(text, Position::new(1, 2)), x);
        let five = text.find('5').unwrap();
        assert_eq!(lines.position(text, five), Position::new(0, 7));
        assert_eq!(lines.offset(text, Position::new(0, 7)), five);
        // Inside the surrogate pair: the character's start.
        assert_eq!(lines.offset(text, Position::new(1, 1)), x - 4);
        // Past the end of a line, of the text.
        assert_eq!(lines.offset(text, Position::new(0, 99)), text.find('\n').unwrap());
        assert_eq!(lines.offset(text, Position::new(9, 0)), text.len());
        assert_eq!(lines.position(text, 10_000), lines.position(text, text.len()));
    }
}

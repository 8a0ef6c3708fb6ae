//! The safety pass over a workbook before the spreadsheet reader opens it.
//!
//! An `.xlsx` file is a zip archive of XML parts, and the spreadsheet reader trusts it: it
//! loads the shared strings whole when it opens the workbook, and a part may inflate a
//! thousand times. So every part is first inflated here, through a counter, and thrown away as
//! it is read, in memory that does not depend on the file:
//!
//! - all parts together inflate to at most the workbook limit ([`crate::limits::sizes`]); a part
//!   declaring more than what is left is refused before it is inflated;
//! - no part inflates past the size it declares, nor (past [`RATIO_GRACE_BYTES`]) to more than
//!   [`MAX_INFLATE_RATIO`] times its compressed size;
//! - in XML parts, no run of text or tag, and no shared or inline string (`<si>`, `<is>`, which
//!   may hold many runs), is longer than [`MAX_XML_RUN_BYTES`]: no cell can then exceed the
//!   cell limit by more than the escaping of its characters, and its characters are counted
//!   exactly when the cell is read;
//! - a worksheet has at most [`MAX_ROWS`] rows with values besides its header, and at most
//!   [`MAX_COLUMNS`] cells in a row, so that the rows limit costs no memory (every XML part is
//!   counted so, wherever the workbook puts its sheets).
//!
//! The pass reads the archive with the same `zip` crate as the spreadsheet reader, so it sees
//! the entries the reader will. A file that is not a zip archive is left to the reader, which
//! refuses it; a part the pass cannot inflate (damaged, encrypted, an unknown method) refuses
//! the workbook, since what is not checked is not read.

use std::io::{Read, Seek};

use zip::ZipArchive;

use crate::limits::{
    MAX_COLUMNS, MAX_INFLATE_RATIO, MAX_ROWS, MAX_XML_RUN_BYTES, RATIO_GRACE_BYTES,
};

/// Why a workbook was refused, and in which part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// All parts together inflate past the limit (the limit).
    Total { part: String, limit: u64 },
    /// A part inflates past the size it declares (the declared size).
    Declared { part: String, declared: u64 },
    /// A part inflates to more than [`MAX_INFLATE_RATIO`] times its compressed size.
    Ratio { part: String, packed: u64 },
    /// A run of text, a tag or a string longer than [`MAX_XML_RUN_BYTES`]; the cell it is in,
    /// when the part is a worksheet and the cell names its place (row and column from 0).
    Run { part: String, cell: Option<(u32, u32)> },
    /// A worksheet with more rows than [`MAX_ROWS`] (the row past the limit, from 0).
    Rows { part: String, row: Option<u32> },
    /// A row with more cells than [`MAX_COLUMNS`] (that row, from 0).
    Columns { part: String, row: Option<u32> },
    /// A part that cannot be inflated (damaged, encrypted, an unknown method): what is not
    /// checked is not read.
    Unreadable { part: String, detail: String },
}

/// Inflates and scans every part of the workbook in `reader` within `budget` bytes in all.
pub fn check<R: Read + Seek>(reader: &mut R, budget: u64) -> Result<(), Refusal> {
    let Ok(mut archive) = ZipArchive::new(reader) else {
        return Ok(());
    };
    let mut used = 0u64;
    let mut buf = vec![0u8; 1 << 16];
    for i in 0..archive.len() {
        let name = archive.name_for_index(i).and_then(Result::ok).map(|n| n.into_owned());
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                let part = name.unwrap_or_default();
                return Err(Refusal::Unreadable { part, detail: e.to_string() });
            }
        };
        let part = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let declared = entry.size();
        let packed = entry.compressed_size();
        let left = budget.saturating_sub(used);
        if declared > left {
            return Err(Refusal::Total { part, limit: budget });
        }
        if too_dense(declared, packed) {
            return Err(Refusal::Ratio { part, packed });
        }
        let lower = part.to_ascii_lowercase();
        let xml = lower.ends_with(".xml") || lower.ends_with(".rels");
        // Rows and cells are counted in every XML part, not only where worksheets usually
        // lie: the workbook names its sheets' parts, and may name any.
        let mut scan = XmlScan::new(true);
        let mut inflated = 0u64;
        loop {
            let n = match entry.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Refusal::Unreadable { part, detail: e.to_string() }),
            };
            inflated = inflated.saturating_add(u64::try_from(n).unwrap_or(u64::MAX));
            if inflated > left {
                return Err(Refusal::Total { part, limit: budget });
            }
            if inflated > declared {
                return Err(Refusal::Declared { part, declared });
            }
            if too_dense(inflated, packed) {
                return Err(Refusal::Ratio { part, packed });
            }
            if xml && let Err(why) = scan.feed(buf.get(..n).unwrap_or_default()) {
                return Err(match why {
                    Found::Run(cell) => Refusal::Run { part, cell },
                    Found::Rows(row) => Refusal::Rows { part, row },
                    Found::Columns(row) => Refusal::Columns { part, row },
                });
            }
        }
        used = used.saturating_add(inflated);
    }
    Ok(())
}

/// Whether `inflated` bytes from `packed` compressed ones pass the ratio.
fn too_dense(inflated: u64, packed: u64) -> bool {
    inflated > RATIO_GRACE_BYTES && inflated / packed.max(1) >= MAX_INFLATE_RATIO
}

/// What the XML scan refused: a run (in a cell, if known), too many rows or cells (in a row,
/// if known).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Found {
    Run(Option<(u32, u32)>),
    Rows(Option<u32>),
    Columns(Option<u32>),
}

/// The bytes of a tag kept for its name and its `r` attribute.
const TAG_KEPT: usize = 64;

/// A scan of XML text fed piece by piece: lengths of text runs, tags and strings; in a
/// worksheet, rows with values and cells per row. Not a parser: it needs to tell only where
/// tags start and end and what they are named.
struct XmlScan {
    sheet: bool,
    pos: u64,
    in_tag: bool,
    tag: Vec<u8>,
    tag_len: u64,
    text_len: u64,
    /// Where the string being read (`<si>`, `<is>`) started.
    string_start: Option<u64>,
    row: Option<u32>,
    row_open: bool,
    row_has_value: bool,
    row_cells: u64,
    rows: u64,
    cell: Option<(u32, u32)>,
}

impl XmlScan {
    fn new(sheet: bool) -> Self {
        XmlScan {
            sheet,
            pos: 0,
            in_tag: false,
            tag: Vec::with_capacity(TAG_KEPT),
            tag_len: 0,
            text_len: 0,
            string_start: None,
            row: None,
            row_open: false,
            row_has_value: false,
            row_cells: 0,
            rows: 0,
            cell: None,
        }
    }

    fn feed(&mut self, piece: &[u8]) -> Result<(), Found> {
        for &b in piece {
            self.pos += 1;
            if self.in_tag {
                if b == b'>' {
                    self.in_tag = false;
                    self.end_tag()?;
                } else {
                    self.tag_len += 1;
                    if self.tag.len() < TAG_KEPT {
                        self.tag.push(b);
                    }
                    if self.tag_len > MAX_XML_RUN_BYTES {
                        return Err(Found::Run(self.cell));
                    }
                }
            } else if b == b'<' {
                self.in_tag = true;
                self.tag.clear();
                self.tag_len = 0;
                self.text_len = 0;
            } else {
                self.text_len += 1;
                if self.text_len > MAX_XML_RUN_BYTES {
                    return Err(Found::Run(self.cell));
                }
            }
            if self.string_start.is_some_and(|s| self.pos - s > MAX_XML_RUN_BYTES) {
                return Err(Found::Run(self.cell));
            }
        }
        Ok(())
    }

    /// A tag has ended (`self.tag` holds its first bytes, after `<`).
    fn end_tag(&mut self) -> Result<(), Found> {
        let closing = self.tag.first() == Some(&b'/');
        let empty = self.tag.last() == Some(&b'/');
        let body = if closing { self.tag.get(1..).unwrap_or_default() } else { &self.tag };
        let name_end =
            body.iter().position(|b| b.is_ascii_whitespace() || *b == b'/').unwrap_or(body.len());
        let name = body.get(..name_end).unwrap_or_default();
        // Without a namespace prefix (`x:row`).
        let name = name
            .iter()
            .rposition(|b| *b == b':')
            .map_or(name, |i| name.get(i + 1..).unwrap_or_default());
        match (name, closing) {
            (b"si" | b"is", false) if !empty => self.string_start = Some(self.pos),
            (b"si" | b"is", true) => self.string_start = None,
            _ => {}
        }
        if !self.sheet {
            return Ok(());
        }
        match (name, closing) {
            (b"row", false) => {
                self.row = attr_r(body).and_then(|r| parse_row(r).and_then(|n| n.checked_sub(1)));
                self.row_open = !empty;
                self.row_has_value = false;
                self.row_cells = 0;
            }
            (b"row", true) => {
                if self.row_open && self.row_has_value {
                    self.rows += 1;
                    // The header row and the rows of subjects.
                    if self.rows > u64::try_from(MAX_ROWS).unwrap_or(u64::MAX) + 1 {
                        return Err(Found::Rows(self.row));
                    }
                }
                self.row_open = false;
            }
            (b"c", false) if self.row_open => {
                self.row_cells += 1;
                if self.row_cells > u64::try_from(MAX_COLUMNS).unwrap_or(u64::MAX) {
                    return Err(Found::Columns(self.row));
                }
                self.cell = attr_r(body).and_then(parse_cell);
            }
            (b"v" | b"is" | b"t", false) if !empty => self.row_has_value = true,
            _ => {}
        }
        Ok(())
    }
}

/// The value of the `r` attribute among the first bytes of a tag.
fn attr_r(tag: &[u8]) -> Option<&[u8]> {
    let at = tag.windows(3).position(|w| w == b" r=" || w == b"\tr=" || w == b"\nr=")?;
    let rest = tag.get(at + 3..)?;
    let quote = *rest.first()?;
    let rest = rest.get(1..)?;
    let end = rest.iter().position(|b| *b == quote)?;
    rest.get(..end)
}

/// A row number (`12`).
fn parse_row(r: &[u8]) -> Option<u32> {
    std::str::from_utf8(r).ok()?.parse().ok()
}

/// A cell reference (`C5`) as row and column from 0.
fn parse_cell(r: &[u8]) -> Option<(u32, u32)> {
    let letters = r.iter().take_while(|b| b.is_ascii_uppercase()).count();
    let mut col = 0u32;
    for b in r.get(..letters)? {
        col = col.checked_mul(26)?.checked_add(u32::from(b - b'A') + 1)?;
    }
    let row = parse_row(r.get(letters..)?)?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(sheet: bool, text: &str) -> Result<(), Found> {
        let mut s = XmlScan::new(sheet);
        for piece in text.as_bytes().chunks(7) {
            s.feed(piece)?;
        }
        Ok(())
    }

    #[test]
    fn runs_and_strings_are_bounded() {
        let long = "a".repeat(usize::try_from(MAX_XML_RUN_BYTES).unwrap() + 1);
        assert_eq!(scan(false, "<sst><si><t>x</t></si></sst>"), Ok(()));
        assert_eq!(scan(false, &format!("<si><t>{long}</t></si>")), Err(Found::Run(None)));
        // Many short runs in one string.
        let runs = "<r><t>abcdefgh</t></r>".repeat(20_000);
        assert_eq!(scan(false, &format!("<si>{runs}</si>")), Err(Found::Run(None)));
        assert_eq!(scan(false, &format!("<x {long}/>")), Err(Found::Run(None)));
        let cell =
            format!(r#"<row r="3"><c r="B3" t="inlineStr"><is><t>{long}</t></is></c></row>"#);
        assert_eq!(scan(true, &cell), Err(Found::Run(Some((2, 1)))));
    }

    #[test]
    fn rows_with_values_and_cells_are_counted() {
        let rows = r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="2"/>"#;
        assert_eq!(scan(true, rows), Ok(()));
        let many = r#"<row><c><v>1</v></c></row>"#.repeat(MAX_ROWS + 2);
        assert_eq!(scan(true, &many), Err(Found::Rows(None)));
        // Empty rows are not counted, nor are rows outside worksheets.
        assert_eq!(scan(true, &"<row></row>".repeat(MAX_ROWS + 2)), Ok(()));
        assert_eq!(scan(false, &many), Ok(()));
        let wide = format!(r#"<row r="7">{}</row>"#, "<c><v>1</v></c>".repeat(MAX_COLUMNS + 1));
        assert_eq!(scan(true, &wide), Err(Found::Columns(Some(6))));
        assert_eq!(parse_cell(b"AA10"), Some((9, 26)));
        assert_eq!(parse_cell(b"A0"), None);
    }
}

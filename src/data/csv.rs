//! CSV: the first row is the header, every cell is text. UTF-8, with or without a byte-order
//! mark (Excel writes one).
//!
//! The `csv` crate reads the records (quoting, doubled quotes, line endings); the byte range of
//! each cell is then found by scanning the record's text, so that diagnostics underline the
//! cell itself.

use std::sync::Arc;

use super::table::{DataLoc, RawCell, RawColumn, RawData, RawRow, RawTable, RawValue};
use crate::diagnostics::{Code, Diagnostics, Text};
use crate::limits::MAX_CELL_CHARS;
use crate::source::{SourceFile, Span};

const BOM: &str = "\u{feff}";

/// A record: the span of its line (without the line break), its cells and their spans.
type Row = (Span, Vec<String>, Vec<Span>);

/// Reads a CSV file into a raw table. Returns `None` when it cannot be read at all; cells
/// outside every column are reported and left out.
pub fn load_csv(file: &Arc<SourceFile>) -> (Option<RawData>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let text = file.text.as_str();
    let offset = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let body = text.get(offset..).unwrap_or("");
    let mut reader =
        ::csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(body.as_bytes());
    // Records are read one at a time and made into rows at once: only the rows are kept.
    let mut record = ::csv::StringRecord::new();
    let mut next = |record: &mut ::csv::StringRecord| -> Result<Option<Row>, ::csv::Error> {
        if !reader.read_record(record)? {
            return Ok(None);
        }
        let mut start = record.position().map_or(0, |p| usize::try_from(p.byte()).unwrap_or(0));
        // The reported start may be the line break ending the previous record.
        while matches!(body.as_bytes().get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let start = start + offset;
        // Just past the record's line break.
        let end = usize::try_from(reader.position().byte()).unwrap_or(0) + offset;
        let end = end.clamp(start, text.len());
        let fields: Vec<&str> = record.iter().collect();
        let spans = field_spans(text, start, end, fields.len());
        let line_end =
            text.get(start..end).and_then(|t| t.find(['\r', '\n'])).map_or(end, |i| start + i);
        let fields = fields.into_iter().map(str::to_string).collect();
        Ok(Some((Span::new(start, line_end), fields, spans)))
    };
    let refuse = |e: ::csv::Error| {
        let at = e.position().map_or(0, |p| usize::try_from(p.byte()).unwrap_or(0)) + offset;
        let raw = RawData::of(file, None);
        let d = raw
            .diag(
                Code::DataFormat,
                Text::new(
                    format!("无法读取 CSV 文件：{e}"),
                    format!("cannot read the CSV file: {e}"),
                ),
                &DataLoc::Span(Span::new(at, at)),
                Text::new("这里", "here"),
            )
            .help(Text::new(
                "用电子表格软件另存为“CSV UTF-8”",
                "save the file again as \"CSV UTF-8\" from a spreadsheet",
            ));
        (None, Diagnostics::from(vec![d]))
    };
    let first = match next(&mut record) {
        Ok(first) => first,
        Err(e) => return refuse(e),
    };
    let Some((header_span, header_fields, header_spans)) = first else {
        let raw = RawData::of(file, None);
        diags.push(
            raw.diag(
                Code::DataFormat,
                Text::new("CSV 文件是空的", "the CSV file is empty"),
                &DataLoc::Span(Span::new(0, 0)),
                Text::new("没有表头", "no header"),
            )
            .help(Text::new(
                "第一行写列名，例如 `名称,营业收入(万元)`",
                "the first line names the columns, such as `名称,营业收入(万元)`",
            )),
        );
        return (None, diags);
    };
    let raw_file = RawData::of(file, None);
    if let Some(d) = too_long(&raw_file, &header_fields, &header_spans) {
        diags.push(d);
        return (None, diags);
    }
    let columns: Vec<RawColumn> = header_fields
        .iter()
        .zip(&header_spans)
        .map(|(name, span)| RawColumn {
            name: name.trim().to_string(),
            loc: DataLoc::Span(*span),
            sub: None,
        })
        .collect();
    let mut table_rows = Vec::new();
    // One diagnostic per column without a name, and one for all the cells past the header
    // (the last entry), however many rows and cells there are.
    let mut unnamed_reported = vec![false; columns.len() + 1];
    loop {
        let (row_span, fields, spans) = match next(&mut record) {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(e) => return refuse(e),
        };
        if let Some(d) = too_long(&raw_file, &fields, &spans) {
            diags.push(d);
            return (None, diags);
        }
        let cells: Vec<RawCell> = fields
            .into_iter()
            .zip(&spans)
            .map(|(t, s)| RawCell {
                value: if t.trim().is_empty() { RawValue::Empty } else { RawValue::Text(t) },
                loc: DataLoc::Span(*s),
            })
            .collect();
        if cells.iter().all(|c| c.value.is_empty()) {
            continue;
        }
        let mut row_cells: Vec<Option<RawCell>> = Vec::with_capacity(columns.len());
        for (i, cell) in cells.into_iter().enumerate() {
            let named = columns.get(i).is_some_and(|c| !c.name.is_empty());
            if named {
                row_cells.push(Some(cell));
                continue;
            }
            if i < columns.len() {
                row_cells.push(None);
            }
            let slot = i.min(columns.len());
            let first = unnamed_reported.get(slot).copied().unwrap_or(false);
            if !cell.value.is_empty() && !first {
                if let Some(r) = unnamed_reported.get_mut(slot) {
                    *r = true;
                }
                diags.push(
                    raw_file
                        .diag(
                            Code::DataFormat,
                            Text::new(
                                "这个单元格所在的列没有列名",
                                "this cell is in a column without a header",
                            ),
                            &cell.loc,
                            Text::new("没有列名的列", "column without a header"),
                        )
                        .help(Text::new(
                            "在第一行给这一列写上列名，或删去这一列的内容",
                            "name the column in the first line, or clear it",
                        )),
                );
            }
        }
        row_cells.resize(columns.len(), None);
        table_rows.push(RawRow { loc: DataLoc::Span(row_span), cells: row_cells });
    }
    let columns = columns.into_iter().filter(|c| !c.name.is_empty()).collect::<Vec<_>>();
    let table_rows = drop_unnamed(table_rows, &header_fields);
    let table = RawTable {
        header_loc: DataLoc::Span(header_span),
        columns,
        rows: table_rows,
        keyed: false,
    };
    (Some(RawData::of(file, Some(table))), diags)
}

/// `ZC0907` for the first cell of a record longer than [`MAX_CELL_CHARS`] characters.
fn too_long(
    raw: &RawData,
    fields: &[String],
    spans: &[Span],
) -> Option<crate::diagnostics::Diagnostic> {
    let (field, span) = fields
        .iter()
        .zip(spans)
        .find(|(f, _)| f.len() > MAX_CELL_CHARS && f.chars().count() > MAX_CELL_CHARS)?;
    Some(super::cell_too_long(raw, &DataLoc::Span(*span), field.chars().count()))
}

/// Keeps only the cells of named columns, so that cells line up with the named columns.
fn drop_unnamed(rows: Vec<RawRow>, header: &[String]) -> Vec<RawRow> {
    rows.into_iter()
        .map(|row| RawRow {
            loc: row.loc,
            cells: row
                .cells
                .into_iter()
                .zip(header)
                .filter(|(_, h)| !h.trim().is_empty())
                .map(|(c, _)| c)
                .collect(),
        })
        .collect()
}

/// The byte range of each of the `n` fields of the record at `start..end`: a quoted field
/// includes its quotes; an empty field is an empty range where it would be.
fn field_spans(text: &str, start: usize, end: usize, n: usize) -> Vec<Span> {
    let bytes = text.as_bytes();
    let mut spans = Vec::with_capacity(n);
    let mut pos = start;
    while spans.len() < n {
        let field_start = pos;
        let mut quoted = false;
        while pos < end {
            match bytes.get(pos) {
                Some(b'"') => {
                    quoted = !quoted;
                    pos += 1;
                }
                Some(b',') if !quoted => break,
                Some(b'\r' | b'\n') if !quoted => break,
                Some(_) => pos += 1,
                None => break,
            }
        }
        spans.push(Span::new(field_start, pos));
        match bytes.get(pos) {
            Some(b',') if pos < end => pos += 1,
            _ => {
                // The record ended early (should not happen): the rest are empty ranges here.
                while spans.len() < n {
                    spans.push(Span::new(pos, pos));
                }
            }
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> (Arc<SourceFile>, RawTable) {
        let f = SourceFile::new("d.csv", text);
        let (raw, d) = load_csv(&f);
        assert!(d.is_empty(), "{:?}", d.sorted());
        (f, raw.unwrap().table.unwrap())
    }

    fn cell_text(f: &SourceFile, c: &Option<RawCell>) -> String {
        f.slice(c.as_ref().unwrap().loc.span()).to_string()
    }

    #[test]
    fn header_rows_and_cell_spans() {
        let (f, t) = load("\u{feff}名称,营业收入(万元)\r\n甲公司,12.5\r\n\"乙,公司\",\"1\"\"2\"\n");
        assert_eq!(t.columns.len(), 2);
        assert_eq!(t.columns[0].name, "名称", "the byte-order mark is not part of the name");
        assert_eq!(f.slice(t.columns[1].loc.span()), "营业收入(万元)");
        assert_eq!(t.rows.len(), 2);
        assert_eq!(cell_text(&f, &t.rows[0].cells[1]), "12.5");
        assert_eq!(t.rows[1].cells[0].as_ref().unwrap().value, RawValue::Text("乙,公司".into()));
        assert_eq!(cell_text(&f, &t.rows[1].cells[0]), "\"乙,公司\"");
        assert_eq!(cell_text(&f, &t.rows[1].cells[1]), "\"1\"\"2\"");
        assert_eq!(f.slice(t.rows[0].loc.span()), "甲公司,12.5");
        assert_eq!(f.line_col(t.rows[1].cells[1].as_ref().unwrap().loc.span().start), (3, 8));
    }

    #[test]
    fn blank_and_short_rows() {
        let (f, t) = load("a,b,c\n\n1,,\n,,\n2\n");
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].cells[1].as_ref().unwrap().value, RawValue::Empty);
        assert_eq!(t.rows[1].cells[1], None);
        assert_eq!(cell_text(&f, &t.rows[1].cells[0]), "2");
    }

    #[test]
    fn cells_without_a_header_are_errors() {
        let f = SourceFile::new("d.csv", "a,,b\n1,2,3\n4,,5,6\n");
        let (raw, d) = load_csv(&f);
        assert_eq!(raw.unwrap().table.unwrap().rows[1].cells.len(), 2);
        let d = d.sorted();
        assert_eq!(d.len(), 2);
        assert!(d.iter().all(|d| d.code == Code::DataFormat));
        assert_eq!(f.slice(d[0].primary().unwrap().span), "2");
        assert_eq!(f.slice(d[1].primary().unwrap().span), "6");
        // Cells past the header: one diagnostic, however many (a line of a million cells
        // would otherwise be a million diagnostics).
        let wide = format!("a,b\n{}\n", "1,".repeat(1000));
        let (_, d) = load_csv(&SourceFile::new("d.csv", wide));
        assert_eq!(d.len(), 1);
        // an empty unnamed column is fine
        let (_, t) = load("a,,b\n1,,3\n");
        assert_eq!(t.columns.len(), 2);
        assert_eq!(t.rows[0].cells.len(), 2);
    }

    #[test]
    fn empty_file() {
        let (raw, d) = load_csv(&SourceFile::new("d.csv", ""));
        assert!(raw.is_none());
        assert_eq!(d.iter().next().unwrap().code, Code::DataFormat);
    }
}

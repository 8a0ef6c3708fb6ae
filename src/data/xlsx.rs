//! Spreadsheets (`.xlsx`): the subjects are on the first sheet (the first one not named
//! `参数`/`params`), whose first non-empty row is the header. Parameters are on a sheet named
//! `参数` or `params`, one per row: name in the first column, value in the second (an optional
//! first row `参数,值` / `name,value` is skipped).
//!
//! Cells are read as the spreadsheet shows them: a number cell keeps 15 significant digits, as
//! the spreadsheet displays it (so a stored `0.30000000000000004` is `0.3`), and a number
//! formatted as a percentage is read as the percentage it shows (`0.3` shown as `30%` is `30%`),
//! never as the bare fraction. Date cells are dates; error cells (`#DIV/0!`) are not values.

use std::io::Cursor;
use std::sync::Arc;

use std::collections::BTreeMap;

use calamine::{Data, Reader, Xlsx, XlsxError};
use rust_decimal::Decimal;

use super::table::{
    DataLoc, RawCell, RawColumn, RawData, RawParam, RawRow, RawTable, RawValue, column_letters,
};
use crate::ast::Date;
use crate::diagnostics::{Code, Diagnostics, Text};
use crate::limits::{MAX_COLUMNS, MAX_ROWS};
use crate::source::SourceFile;

/// Reads a spreadsheet. `name` is the path shown in diagnostics.
pub fn load_xlsx(name: &str, bytes: &[u8]) -> (Option<RawData>, Diagnostics) {
    let file = SourceFile::new(name, "");
    let mut diags = Diagnostics::new();
    let mut raw =
        RawData { file: Arc::clone(&file), table: None, params: Vec::new(), params_loc: None };
    let cannot = |raw: &RawData, detail: String| {
        raw.diag(
            Code::DataFormat,
            Text::new(
                format!("无法读取电子表格：{detail}"),
                format!("cannot read the spreadsheet: {detail}"),
            ),
            &super::table::DataLoc::Span(crate::source::Span::default()),
            Text::new("这个文件", "this file"),
        )
        .help(Text::new(
            "用电子表格软件另存为 `.xlsx` 工作簿",
            "save it again as an `.xlsx` workbook",
        ))
    };
    let mut book = match Xlsx::new(Cursor::new(bytes)) {
        Ok(b) => b,
        Err(e) => {
            diags.push(cannot(&raw, e.to_string()));
            return (None, diags);
        }
    };
    let names = book.sheet_names();
    let is_params = |n: &str| n.trim() == "参数" || n.trim().eq_ignore_ascii_case("params");
    if let Some(sheet) = names.iter().find(|n| !is_params(n)) {
        match grid(&mut book, sheet) {
            Ok(cells) => {
                raw.table = Some(table(cells, sheet, &raw, &mut diags));
                merged(&mut book, sheet, &raw, &mut diags);
            }
            Err(SheetError::Xlsx(e)) => diags.push(cannot(&raw, e.to_string())),
            Err(SheetError::TooLarge(loc)) => {
                diags.push(super::too_large(&raw, &loc));
                return (None, diags);
            }
        }
    }
    if let Some(sheet) = names.iter().find(|n| is_params(n)) {
        match grid(&mut book, sheet) {
            Ok(cells) => {
                raw.params_loc = Some(DataLoc::Cell { sheet: sheet.clone(), row: 0, col: 0 });
                raw.params = params(cells);
                merged(&mut book, sheet, &raw, &mut diags);
            }
            Err(SheetError::Xlsx(e)) => diags.push(cannot(&raw, e.to_string())),
            Err(SheetError::TooLarge(loc)) => {
                diags.push(super::too_large(&raw, &loc));
                return (None, diags);
            }
        }
    }
    (Some(raw), diags)
}

/// Refuses the merged cells of a sheet, each at its first cell. A merged cell holds its value
/// in its first cell only: the other cells of a merged header would be columns without a name,
/// and the other rows of a merged cell in the table would silently be empty. Filling them in
/// instead would guess what the merge meant (a header over several years' columns is two header
/// rows, which a data file does not have), so the merge must be undone in the spreadsheet.
fn merged(book: &mut Xlsx<Cursor<&[u8]>>, sheet: &str, raw: &RawData, diags: &mut Diagnostics) {
    let regions = match book.merge_cells_by_sheet_name(sheet) {
        Ok(r) => r,
        Err(e) => {
            let detail = e.to_string();
            diags.push(raw.diag(
                Code::DataFormat,
                Text::new(
                    format!("无法读取工作表 `{sheet}` 的合并单元格：{detail}"),
                    format!("cannot read the merged cells of sheet `{sheet}`: {detail}"),
                ),
                &DataLoc::Span(crate::source::Span::default()),
                Text::new("这个文件", "this file"),
            ));
            return;
        }
    };
    for region in regions.iter().filter(|r| r.start != r.end) {
        let (row, col) = region.start;
        let (end_row, end_col) = region.end;
        let area = format!(
            "{}{}:{}{}",
            column_letters(col),
            u64::from(row) + 1,
            column_letters(end_col),
            u64::from(end_row) + 1
        );
        let loc = DataLoc::Cell { sheet: sheet.to_string(), row, col };
        diags.push(
            raw.diag(
                Code::DataFormat,
                Text::new(
                    format!("合并单元格 `{area}` 无法读取"),
                    format!("merged cells `{area}` cannot be read"),
                ),
                &loc,
                Text::new("合并单元格", "merged cells"),
            )
            .help(Text::new(
                "取消合并，在每个单元格中填写各自的值；表头每列一个列名，例如 `营业收入[2023]`、`营业收入[2024]`",
                "unmerge the cells and give each its own value; in the header, each column its own name, such as `营业收入[2023]` and `营业收入[2024]`",
            )),
        );
    }
}

/// The non-empty rows of a sheet, as (absolute row, cells by absolute column).
type Grid = Vec<(u32, Vec<RawCell>)>;

/// Why a sheet was not read.
enum SheetError {
    Xlsx(XlsxError),
    /// More rows or columns than a data file may have; the first cell past the limit.
    TooLarge(DataLoc),
}

/// Reads the non-empty cells of a sheet one at a time, as the file stores them: a sheet that
/// names a far cell (`XFD1048576`) costs only its cells, never the rectangle they span. More
/// than [`MAX_ROWS`] non-empty rows or a cell beyond [`MAX_COLUMNS`] stops the reading.
fn grid(book: &mut Xlsx<Cursor<&[u8]>>, sheet: &str) -> Result<Grid, SheetError> {
    let mut reader = book.worksheet_cells_reader(sheet).map_err(SheetError::Xlsx)?;
    let mut rows: BTreeMap<u32, Vec<RawCell>> = BTreeMap::new();
    while let Some((cell, style)) = reader.next_cell_with_style_id().map_err(SheetError::Xlsx)? {
        let (row, col) = cell.get_position();
        let loc = DataLoc::Cell { sheet: sheet.to_string(), row, col };
        let percent = reader
            .styles()
            .get(style)
            .and_then(|s| s.number_format.as_ref())
            .is_some_and(|f| is_percent_format(&f.format_code));
        let value = value(&Data::from(cell.get_value().clone()), percent);
        if value.is_empty() {
            continue;
        }
        let too_many_rows = rows.len() >= MAX_ROWS && !rows.contains_key(&row);
        if usize::try_from(col).map_or(true, |c| c >= MAX_COLUMNS) || too_many_rows {
            return Err(SheetError::TooLarge(loc));
        }
        rows.entry(row).or_default().push(RawCell { value, loc });
    }
    Ok(rows
        .into_iter()
        .map(|(row, mut cells)| {
            cells.sort_by_key(|c| match c.loc {
                DataLoc::Cell { col, .. } => col,
                _ => 0,
            });
            (row, cells)
        })
        .collect())
}

/// Whether a number format shows a percentage: a `%` outside quotes and escapes.
fn is_percent_format(code: &str) -> bool {
    let mut quoted = false;
    let mut escaped = false;
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// A number as the spreadsheet shows it: 15 significant digits.
fn shown_number(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    Decimal::from_scientific(&format!("{f:.14e}")).ok().map(|d| d.normalize())
}

fn value(data: &Data, percent: bool) -> RawValue {
    let number = |d: Decimal| {
        if percent {
            match d.checked_mul(Decimal::ONE_HUNDRED) {
                Some(p) => RawValue::Text(format!("{}%", p.normalize())),
                None => RawValue::Invalid(format!("{d}")),
            }
        } else {
            RawValue::Number(d)
        }
    };
    match data {
        Data::Empty => RawValue::Empty,
        Data::String(s) => RawValue::Text(s.clone()),
        Data::Bool(b) => RawValue::Bool(*b),
        Data::Int(i) => number(Decimal::from(*i)),
        Data::Float(f) => shown_number(*f).map_or_else(|| RawValue::Invalid(f.to_string()), number),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (year, month, day, ..) = dt.to_ymd_hms_milli();
            RawValue::Date(Date { year, month, day })
        }
        Data::DateTime(dt) => RawValue::Invalid(format!("{}", dt.as_f64())),
        Data::DateTimeIso(s) => RawValue::Text(s.clone()),
        Data::DurationIso(s) => RawValue::Invalid(s.clone()),
        Data::Error(e) => RawValue::Invalid(e.to_string()),
    }
}

fn table(grid: Grid, sheet: &str, raw: &RawData, diags: &mut Diagnostics) -> RawTable {
    let mut rows = grid.into_iter();
    let Some((header_row, header)) = rows.next() else {
        return RawTable {
            header_loc: DataLoc::Row { sheet: sheet.to_string(), row: 0 },
            columns: Vec::new(),
            rows: Vec::new(),
            keyed: false,
        };
    };
    // Columns by absolute column index; an empty header cell names no column.
    let columns: Vec<(u32, RawColumn)> = header
        .into_iter()
        .filter(|c| !c.value.is_empty())
        .filter_map(|c| match &c.loc {
            DataLoc::Cell { col, .. } => {
                Some((*col, RawColumn { name: c.value.display(), loc: c.loc.clone(), sub: None }))
            }
            _ => None,
        })
        .collect();
    let mut reported = Vec::new();
    let mut out_rows = Vec::new();
    for (row, cells) in rows {
        // A cell left empty is an empty cell where it is, so that a missing value is reported
        // at its cell.
        let mut by_col: Vec<Option<RawCell>> = columns
            .iter()
            .map(|(col, _)| {
                let loc = DataLoc::Cell { sheet: sheet.to_string(), row, col: *col };
                Some(RawCell { value: RawValue::Empty, loc })
            })
            .collect();
        for cell in cells {
            let DataLoc::Cell { col, .. } = &cell.loc else {
                continue;
            };
            match columns.iter().position(|(c, _)| c == col) {
                Some(i) => {
                    if let Some(slot) = by_col.get_mut(i) {
                        *slot = Some(cell);
                    }
                }
                None if !cell.value.is_empty() && !reported.contains(col) => {
                    reported.push(*col);
                    diags.push(
                        raw.diag(
                            Code::DataFormat,
                            Text::new(
                                "这个单元格所在的列没有列名",
                                "this cell is in a column without a header",
                            ),
                            &cell.loc,
                            Text::new("没有列名的列", "column without a header"),
                        )
                        .help(Text::new(
                            "在表头行给这一列写上列名，或删去这一列的内容",
                            "name the column in the header row, or clear it",
                        )),
                    );
                }
                None => {}
            }
        }
        out_rows
            .push(RawRow { loc: DataLoc::Row { sheet: sheet.to_string(), row }, cells: by_col });
    }
    RawTable {
        header_loc: DataLoc::Row { sheet: sheet.to_string(), row: header_row },
        columns: columns.into_iter().map(|(_, c)| c).collect(),
        rows: out_rows,
        keyed: false,
    }
}

fn params(grid: Grid) -> Vec<RawParam> {
    let mut out = Vec::new();
    for (i, (_, cells)) in grid.into_iter().enumerate() {
        let mut cells = cells.into_iter().filter(|c| matches!(c.loc, DataLoc::Cell { .. }));
        let (Some(name), Some(value)) = (cells.next(), cells.next()) else {
            continue;
        };
        let (n, v) = (name.value.display(), value.value.display());
        let is_title = matches!(n.as_str(), "参数" | "参数名" | "名称" | "name")
            && matches!(v.as_str(), "值" | "取值" | "参数值" | "value");
        if i == 0 && is_title {
            continue;
        }
        out.push(RawParam { name: RawColumn { name: n, loc: name.loc, sub: None }, value });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_formats() {
        assert!(is_percent_format("0%"));
        assert!(is_percent_format("0.00%"));
        assert!(!is_percent_format("0.00\"%\""));
        assert!(!is_percent_format("0\\%"));
        assert!(!is_percent_format("General"));
    }

    #[test]
    fn numbers_as_shown() {
        assert_eq!(shown_number(0.1 + 0.2), Some(Decimal::new(3, 1)));
        assert_eq!(shown_number(12.5), Some(Decimal::new(125, 1)));
        assert_eq!(shown_number(1001.0).map(|d| d.to_string()), Some("1001".into()));
        assert_eq!(shown_number(-0.000123), Some(Decimal::new(-123, 6)));
        assert_eq!(shown_number(f64::NAN), None);
        assert_eq!(shown_number(1e300), None);
        assert_eq!(value(&Data::Float(0.3), true), RawValue::Text("30%".into()));
        assert_eq!(value(&Data::Float(0.125), true), RawValue::Text("12.5%".into()));
    }

    #[test]
    fn not_a_spreadsheet() {
        let (raw, d) = load_xlsx("x.xlsx", b"not a zip");
        assert!(raw.is_none());
        assert_eq!(d.iter().next().unwrap().code, Code::DataFormat);
    }
}

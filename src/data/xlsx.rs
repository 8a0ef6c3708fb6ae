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

use calamine::{Data, Range, Reader, StyleRange, Xlsx};
use rust_decimal::Decimal;

use super::table::{
    DataLoc, RawCell, RawColumn, RawData, RawParam, RawRow, RawTable, RawValue, column_letters,
};
use crate::ast::Date;
use crate::diagnostics::{Code, Diagnostics, Text};
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
        match (book.worksheet_range(sheet), book.worksheet_style(sheet)) {
            (Ok(range), Ok(styles)) => {
                let cells = grid(&range, &styles, sheet);
                raw.table = Some(table(cells, sheet, &raw, &mut diags));
                merged(&mut book, sheet, &raw, &mut diags);
            }
            (Err(e), _) | (_, Err(e)) => diags.push(cannot(&raw, e.to_string())),
        }
    }
    if let Some(sheet) = names.iter().find(|n| is_params(n)) {
        match (book.worksheet_range(sheet), book.worksheet_style(sheet)) {
            (Ok(range), Ok(styles)) => {
                raw.params_loc = Some(DataLoc::Cell { sheet: sheet.clone(), row: 0, col: 0 });
                raw.params = params(grid(&range, &styles, sheet));
                merged(&mut book, sheet, &raw, &mut diags);
            }
            (Err(e), _) | (_, Err(e)) => diags.push(cannot(&raw, e.to_string())),
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

fn grid(range: &Range<Data>, styles: &StyleRange, sheet: &str) -> Grid {
    let Some((row0, col0)) = range.start() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        let row = row0.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
        let mut row_cells = Vec::new();
        for (j, data) in cells.iter().enumerate() {
            let col = col0.saturating_add(u32::try_from(j).unwrap_or(u32::MAX));
            let percent = styles
                .get((row, col))
                .and_then(|s| s.number_format.as_ref())
                .is_some_and(|f| is_percent_format(&f.format_code));
            row_cells.push(RawCell {
                value: value(data, percent),
                loc: DataLoc::Cell { sheet: sheet.to_string(), row, col },
            });
        }
        if row_cells.iter().any(|c| !c.value.is_empty()) {
            out.push((row, row_cells));
        }
    }
    out
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
        let mut by_col: Vec<Option<RawCell>> = vec![None; columns.len()];
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

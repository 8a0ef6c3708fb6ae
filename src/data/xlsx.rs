//! Spreadsheets (`.xlsx`): the subjects are on the sheet named after their subject kind if the
//! workbook has one, else on the first sheet (the first one not named `参数`/`params`), whose
//! first non-empty row is the header. Parameters are on a sheet named
//! `参数` or `params`, one per row: name in the first column, value in the second (an optional
//! first row `参数,值` / `name,value` is skipped).
//!
//! Cells are read as the spreadsheet shows them: a number cell keeps 15 significant digits, as
//! the spreadsheet displays it (so a stored `0.30000000000000004` is `0.3`), and a number
//! formatted as a percentage is read as the percentage it shows (`0.3` shown as `30%` is `30%`),
//! never as the bare fraction. Date cells are dates; error cells (`#DIV/0!`) are not values.

use std::io::{Cursor, Read, Seek, SeekFrom};
use std::sync::Arc;

use std::collections::BTreeMap;

use calamine::{Data, Reader, Xlsx, XlsxError};
use rust_decimal::Decimal;

use super::table::{
    DataLoc, RawCell, RawColumn, RawData, RawParam, RawRow, RawTable, RawValue, column_letters,
};
use super::zipsafe::{self, Refusal};
use crate::ast::Date;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Text};
use crate::limits::{MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, show_size, sizes};
use crate::source::SourceFile;

/// Reads a spreadsheet. `name` is the path shown in diagnostics.
pub fn load_xlsx(name: &str, bytes: &[u8]) -> (Option<RawData>, Diagnostics) {
    load_xlsx_from(name, Cursor::new(bytes))
}

/// Reads a spreadsheet from `reader` (a file, read as the reader asks). Every part of the
/// workbook is first inflated and scanned within the limits ([`zipsafe`]), so that what the
/// spreadsheet reader then loads is bounded.
pub fn load_xlsx_from<R: Read + Seek>(name: &str, reader: R) -> (Option<RawData>, Diagnostics) {
    load_xlsx_sheet(name, reader, None)
}

/// [`load_xlsx_from`], the subjects taken from the sheet named `sheet` when the workbook has one
/// (a template for several subject kinds has a sheet for each), else from the first sheet that
/// is not `参数`.
pub fn load_xlsx_sheet<R: Read + Seek>(
    name: &str,
    mut reader: R,
    sheet: Option<&str>,
) -> (Option<RawData>, Diagnostics) {
    let file = SourceFile::new(name, "");
    let checked = zipsafe::check(&mut reader, sizes().workbook);
    if let Err(why) = checked {
        return (None, Diagnostics::from(vec![refused(name, &file, &why)]));
    }
    if let Err(e) = reader.seek(SeekFrom::Start(0)) {
        let raw =
            RawData { file, table: None, params: Vec::new(), params_loc: None, nested: Vec::new() };
        let d = raw.diag(
            Code::Io,
            Text::new(format!("无法读取文件 `{name}`：{e}"), format!("cannot read `{name}`: {e}")),
            &DataLoc::Span(crate::source::Span::default()),
            Text::new("这个文件", "this file"),
        );
        return (None, Diagnostics::from(vec![d]));
    }
    let mut diags = Diagnostics::new();
    let mut raw = RawData {
        file: Arc::clone(&file),
        table: None,
        params: Vec::new(),
        params_loc: None,
        nested: Vec::new(),
    };
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
    let mut book = match Xlsx::new(reader) {
        Ok(b) => b,
        Err(e) => {
            diags.push(cannot(&raw, e.to_string()));
            return (None, diags);
        }
    };
    let names = book.sheet_names();
    let is_params = |n: &str| n.trim() == "参数" || n.trim().eq_ignore_ascii_case("params");
    let named = sheet.and_then(|want| names.iter().find(|n| n.trim() == want.trim()));
    if let Some(sheet) = named.or_else(|| names.iter().find(|n| !is_params(n))) {
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
            Err(SheetError::TooLong(loc, chars)) => {
                diags.push(super::cell_too_long(&raw, &loc, chars));
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
            Err(SheetError::TooLong(loc, chars)) => {
                diags.push(super::cell_too_long(&raw, &loc, chars));
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
fn merged<R: Read + Seek>(book: &mut Xlsx<R>, sheet: &str, raw: &RawData, diags: &mut Diagnostics) {
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
    /// A cell longer than [`MAX_CELL_CHARS`]; its characters.
    TooLong(DataLoc, usize),
}

/// Reads the non-empty cells of a sheet one at a time, as the file stores them: a sheet that
/// names a far cell (`XFD1048576`) costs only its cells, never the rectangle they span. More
/// than [`MAX_ROWS`] non-empty rows or a cell beyond [`MAX_COLUMNS`] stops the reading.
fn grid<R: Read + Seek>(book: &mut Xlsx<R>, sheet: &str) -> Result<Grid, SheetError> {
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
        if let RawValue::Text(t) | RawValue::Invalid(t) = &value
            && t.len() > MAX_CELL_CHARS
            && t.chars().count() > MAX_CELL_CHARS
        {
            return Err(SheetError::TooLong(loc, t.chars().count()));
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

/// The diagnostic for a workbook the safety pass refused: `ZC0911` for its inflated size,
/// `ZC0907` for an over-long string, `ZC0906` for too many rows or columns; each names the
/// part of the workbook (and the cell or row, when the part gives it).
fn refused(name: &str, file: &Arc<SourceFile>, why: &Refusal) -> Diagnostic {
    let here = crate::source::Loc::new(file, crate::source::Span::default());
    let (code, zh, en) = match why {
        Refusal::Total { part, limit } => {
            let limit = show_size(*limit);
            (
                Code::WorkbookTooLarge,
                format!("工作簿 `{name}` 解压后超过 {limit} 的上限（在部件 `{part}` 处）"),
                format!("workbook `{name}` inflates past the limit of {limit} (at part `{part}`)"),
            )
        }
        Refusal::Declared { part, declared } => (
            Code::WorkbookTooLarge,
            format!("工作簿 `{name}` 的部件 `{part}` 解压后超过它声明的 {declared} 字节"),
            format!(
                "part `{part}` of workbook `{name}` inflates past the {declared} bytes it declares"
            ),
        ),
        Refusal::Ratio { part, packed } => {
            let ratio = crate::limits::MAX_INFLATE_RATIO;
            (
                Code::WorkbookTooLarge,
                format!(
                    "工作簿 `{name}` 的部件 `{part}` 解压后超过压缩大小（{packed} 字节）的 {ratio} 倍"
                ),
                format!(
                    "part `{part}` of workbook `{name}` inflates to more than {ratio} times its compressed size of {packed} bytes"
                ),
            )
        }
        Refusal::Run { part, cell } => {
            let at = cell.map(|(r, c)| format!("{}{}", column_letters(c), u64::from(r) + 1));
            let (zh_at, en_at) = at.map_or((String::new(), String::new()), |a| {
                (format!("（单元格 `{a}`）"), format!(" (cell `{a}`)"))
            });
            (
                Code::CellTooLong,
                format!(
                    "工作簿 `{name}` 的部件 `{part}`{zh_at}中有超过 {MAX_CELL_CHARS} 个字符（Excel 单元格的上限）的文字"
                ),
                format!(
                    "part `{part}` of workbook `{name}`{en_at} holds a text longer than {MAX_CELL_CHARS} characters (the limit of an Excel cell)"
                ),
            )
        }
        Refusal::Unreadable { part, detail } => (
            Code::DataFormat,
            format!("无法读取电子表格：部件 `{part}` 无法解压：{detail}"),
            format!("cannot read the spreadsheet: part `{part}` cannot be inflated: {detail}"),
        ),
        Refusal::Rows { part, row } | Refusal::Columns { part, row } => {
            let rows = matches!(why, Refusal::Rows { .. });
            let at = row.map(|r| u64::from(r) + 1);
            let (zh_at, en_at) = at.map_or((String::new(), String::new()), |r| {
                (format!("第 {r} 行"), format!(" at row {r}"))
            });
            let (zh_what, en_what) = if rows {
                (
                    format!("超过 {MAX_ROWS} 行主体"),
                    format!("more than {MAX_ROWS} rows of subjects"),
                )
            } else {
                (
                    format!("一行超过 {MAX_COLUMNS} 列"),
                    format!("a row of more than {MAX_COLUMNS} columns"),
                )
            };
            (
                Code::DataTooLarge,
                format!("工作簿 `{name}` 的工作表 `{part}`{zh_at}：{zh_what}"),
                format!("worksheet `{part}` of workbook `{name}` has {en_what}{en_at}"),
            )
        }
    };
    let help = match code {
        Code::DataFormat => Text::new(
            "用电子表格软件打开后另存为 `.xlsx` 工作簿",
            "open it in a spreadsheet and save it again as an `.xlsx` workbook",
        ),
        Code::WorkbookTooLarge => Text::new(
            "检查是否给错了文件；用电子表格软件打开后另存为 `.xlsx` 或 CSV；确有这么大的工作簿时，用 `--limit workbook=4GiB` 提高上限",
            "check that this is the right file; open it in a spreadsheet and save it again as `.xlsx` or CSV; if a workbook that large is meant, raise the limit with `--limit workbook=4GiB`",
        ),
        Code::CellTooLong => Text::new(
            "检查这个单元格是否粘贴进了整篇文字；长文字请放在数据文件之外",
            "look for a whole text pasted into a cell; keep long texts outside the data file",
        ),
        _ => Text::new(
            "把数据分成几个文件分别评估",
            "split the data into several files and evaluate each",
        ),
    };
    Diagnostic::new(code, Text::new(zh, en)).at(here, Text::new("这个文件", "this file")).help(help)
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

/// The parameters of a `参数` sheet: in each row, the first cell is the name and the cell to its
/// right the value. A value left empty is an empty cell where it is (a template's value cells
/// start empty), so that a missing value is reported at the cell to fill; what stands further
/// right (a unit, a note) is not read.
fn params(grid: Grid) -> Vec<RawParam> {
    let mut out = Vec::new();
    for (i, (row, cells)) in grid.into_iter().enumerate() {
        let mut cells = cells.into_iter().filter(|c| matches!(c.loc, DataLoc::Cell { .. }));
        let Some(name) = cells.next() else {
            continue;
        };
        let DataLoc::Cell { sheet, col, .. } = &name.loc else {
            continue;
        };
        let value_loc = DataLoc::Cell { sheet: sheet.clone(), row, col: col.saturating_add(1) };
        let value = match cells.next() {
            Some(v) if v.loc == value_loc => v,
            _ => RawCell { value: RawValue::Empty, loc: value_loc },
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

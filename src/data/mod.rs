//! Subject data: loading data files and validating them against a subject declaration.
//!
//! Policy officers keep the data of counties and enterprises in spreadsheets. A data file is read
//! in two steps:
//!
//! 1. a loader ([`load_csv`], [`load_json`], [`load_toml`], [`load_xlsx`], or [`load`] by file
//!    extension) turns the file into a [`RawData`]: header cells, rows of cells and parameters,
//!    each with its location ([`DataLoc`]), knowing nothing of the policy;
//! 2. [`validate`] checks the raw data against a [`Schema`] (a subject declaration with its
//!    enumerations and the policy's parameters, resolved) and produces a [`Dataset`] of typed,
//!    exact [`Value`]s in base units, or every problem found, each with its own code in the
//!    `ZC06xx` range and a location in the data file.
//!
//! Column headers name a field, optionally a year and a unit: `营业收入(万元)`,
//! `营业收入[2020](万元)`; see [`header`] for every accepted form. A header's unit converts the
//! column's values exactly to base units; without one, the field's declared unit is meant. A
//! yearly field (`按年`) is given one column per year (wide form), or the table has a `年份`
//! column and one row per subject and year (long form), rows with the same id being merged.
//!
//! [`template`] gives the header (and an example row) of an empty data file for a subject.

mod cell;
mod csv;
pub mod forms;
pub mod header;
mod json;
mod messages;
pub mod parquet;
mod peek;
mod schema;
mod table;
mod template;
mod toml;
mod validate;
mod value;
mod xlsx;
mod zipsafe;

use std::path::Path;
use std::sync::Arc;

pub use self::csv::load_csv;
pub use self::json::load_json;
pub use self::toml::load_toml;
pub use self::xlsx::load_xlsx;
pub(crate) use cell::{parse_date, read_text};
pub use peek::{Peek, fits, peek};
pub use schema::{Bound, FieldKind, FieldSpec, Schema};
pub use table::{
    DataLoc, RawCell, RawColumn, RawData, RawNested, RawParam, RawRow, RawTable, RawValue,
    column_letters,
};
pub use template::{
    Hint, Template, TemplateColumn, TemplateParam, csv_cell, needs_quotes, push_quoted, template,
    toml_string, workbook,
};
pub use validate::{validate, validate_with_years};
pub use value::{Dataset, Record, Value};

use crate::diagnostics::{Code, Diagnostic, Diagnostics, Text};
use crate::limits::{
    CsvReadError, CsvScan, Found, MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, Overlong, ReadError,
    read_csv, read_file, show_size, sizes,
};
use crate::source::{Gap, Loc, SourceFile, Span};

/// Reads a data file's bytes by the extension of `name`: `.csv`, `.json`, `.toml`, `.xlsx` or
/// `.parquet`.
/// Text files are UTF-8 (with or without a byte-order mark) or GBK/GB18030; see [`decode_text`].
///
/// Like every loader, returns `None` when nothing could be read. The data may also come back
/// together with errors (a cell outside every column, a key given twice): it can then still be
/// validated, so that every problem is reported at once, but never evaluated.
pub fn load(name: &str, bytes: &[u8]) -> (Option<RawData>, Diagnostics) {
    let ext = extension(name);
    if ext == "parquet" {
        return load_parquet(name, bytes::Bytes::copy_from_slice(bytes));
    }
    load_as(name, bytes, &ext, &[])
}

/// The extension of a file's name, in lower case.
fn extension(name: &str) -> String {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default()
}

/// A Parquet file read as the CSV text it stands for ([`parquet::CsvText`]).
fn load_parquet<R: ::parquet::file::reader::ChunkReader + 'static>(
    name: &str,
    reader: R,
) -> (Option<RawData>, Diagnostics) {
    match parquet::csv_text(name, reader) {
        Ok(text) => load_as(name, text.as_bytes(), "csv", &[]),
        Err(d) => (None, Diagnostics::from(vec![*d])),
    }
}

/// [`load`] of a file of the format `ext`; `gaps`, the lines pieces of a register leave out.
fn load_as(name: &str, bytes: &[u8], ext: &str, gaps: &[Gap]) -> (Option<RawData>, Diagnostics) {
    let text_loader: fn(&Arc<SourceFile>) -> (Option<RawData>, Diagnostics) = match ext {
        "xlsx" | "xlsm" => return load_xlsx(name, bytes),
        "csv" => load_csv,
        "json" => load_json,
        "toml" => load_toml,
        _ => {
            let file = SourceFile::new(name, "");
            let d = Diagnostic::new(
                Code::DataFormat,
                Text::new(
                    format!("无法识别数据文件 `{name}` 的格式"),
                    format!("unknown data file format of `{name}`"),
                ),
            )
            .at(Loc::new(&file, Span::default()), Text::new("这个文件", "this file"))
            .help(Text::new(
                "数据文件应为 `.csv`、`.xlsx`、`.parquet`、`.json` 或 `.toml`",
                "a data file is `.csv`, `.xlsx`, `.parquet`, `.json` or `.toml`",
            ));
            return (None, Diagnostics::from(vec![d]));
        }
    };
    if ext == "csv"
        && let Some(found) = CsvScan::new(sizes().line).feed(bytes)
    {
        return (None, Diagnostics::from(vec![overlong(name, bytes, found)]));
    }
    match decode_text(bytes) {
        Ok(text) => {
            let (raw, diags) = text_loader(&SourceFile::with_gaps(name, text, gaps));
            if let Some(r) = &raw
                && let Some(loc) = past_limits(r)
            {
                return (None, Diagnostics::from(vec![too_large(r, &loc)]));
            }
            if let Some(r) = &raw
                && let Some((loc, chars)) = long_cell(r)
            {
                return (None, Diagnostics::from(vec![cell_too_long(r, &loc, chars)]));
            }
            (raw, diags)
        }
        Err(d) => {
            let (text, at, end) = *d;
            let file = SourceFile::new(name, text);
            let d = Diagnostic::new(
                Code::DataFormat,
                Text::new(
                    format!("数据文件 `{name}` 既不是 UTF-8 也不是 GBK/GB18030 编码"),
                    format!("data file `{name}` is neither UTF-8 nor GBK/GB18030"),
                ),
            )
            .at(
                Loc::new(&file, Span::new(at, end)),
                Text::new("无法识别的字节", "unreadable bytes"),
            )
            .help(Text::new(
                "在电子表格软件中另存为“CSV UTF-8”",
                "save the file again as \"CSV UTF-8\" from a spreadsheet",
            ));
            (None, Diagnostics::from(vec![d]))
        }
    }
}

/// The text of a data file. UTF-8 (with or without a byte-order mark, which is dropped: it is
/// invisible to people, and columns are counted without it) is taken as it is. Anything else is
/// decoded as GB18030, the superset of GBK that Excel and WPS use when saving "CSV" on a Chinese
/// system, but only if every byte decodes: there is no guessing between encodings, and a file
/// that is neither is refused. Bytes that are valid UTF-8 are read as UTF-8 (a GBK reading of
/// such bytes would be a different text, and UTF-8 is what zhengce writes).
///
/// On failure: the readable part of the text, and the byte range of the first byte neither
/// encoding reads, for the diagnostic.
fn decode_text(bytes: &[u8]) -> Result<String, Box<(String, usize, usize)>> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let utf8_error = match std::str::from_utf8(bytes) {
        Ok(text) => return Ok(text.to_string()),
        Err(e) => e,
    };
    let utf16 = bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff");
    if !utf16
        && let Some(text) =
            encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes)
    {
        return Ok(text.into_owned());
    }
    // Keep the readable part so that the label points at the first bad byte.
    let text = String::from_utf8_lossy(bytes).into_owned();
    let at = utf8_error.valid_up_to();
    let end = text.get(at..).and_then(|t| t.chars().next()).map_or(at, |c| at + c.len_utf8());
    Err(Box::new((text, at, end)))
}

/// The first row or column past [`MAX_ROWS`] or [`MAX_COLUMNS`], if the data has one.
fn past_limits(raw: &RawData) -> Option<DataLoc> {
    let table = raw.table.as_ref()?;
    if let Some(row) = table.rows.get(MAX_ROWS) {
        return Some(row.loc.clone());
    }
    table.columns.get(MAX_COLUMNS).map(|c| c.loc.clone())
}

/// The first cell, column name or parameter longer than [`MAX_CELL_CHARS`] characters, and
/// its characters: JSON and TOML strings are checked here, once read.
fn long_cell(raw: &RawData) -> Option<(DataLoc, usize)> {
    let long = |t: &str| t.len() > MAX_CELL_CHARS && t.chars().count() > MAX_CELL_CHARS;
    let cell = |c: &RawCell| match &c.value {
        RawValue::Text(t) | RawValue::Invalid(t) if long(t) => {
            Some((c.loc.clone(), t.chars().count()))
        }
        _ => None,
    };
    let column = |c: &RawColumn| long(&c.name).then(|| (c.loc.clone(), c.name.chars().count()));
    let params = raw.params.iter().find_map(|p| column(&p.name).or_else(|| cell(&p.value)));
    let table = raw.table.as_ref().and_then(|t| {
        t.columns
            .iter()
            .find_map(column)
            .or_else(|| t.rows.iter().find_map(|r| r.cells.iter().flatten().find_map(cell)))
    });
    table.or(params)
}

/// `ZC0906`: more rows or columns than a data file may hold, at the first one past the limit.
pub(crate) fn too_large(raw: &RawData, loc: &DataLoc) -> Diagnostic {
    raw.diag(
        Code::DataTooLarge,
        Text::new(
            format!("数据超过上限：最多 {MAX_ROWS} 行主体、{MAX_COLUMNS} 列"),
            format!("the data has more than {MAX_ROWS} rows or {MAX_COLUMNS} columns"),
        ),
        loc,
        Text::new("超过上限", "past the limit"),
    )
    .help(Text::new(
        "把数据分成几个文件分别评估",
        "split the data into several files and evaluate each",
    ))
}

/// `ZC0907` or `ZC0910`: a cell or a line of the CSV file `name` past its limit, labelled at its
/// start. `bytes` are the file's bytes as far as they were read; the diagnostic's text keeps
/// only the line up to that place (earlier lines are left empty, so that line and column are
/// the file's) and the first characters of the cell or line.
pub(crate) fn overlong(name: &str, bytes: &[u8], found: Found) -> Diagnostic {
    let start = usize::try_from(found.start).unwrap_or(usize::MAX).min(bytes.len());
    let before = bytes.get(..start).unwrap_or_default();
    let line_start = before.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let lines = before.get(..line_start).unwrap_or_default().iter().filter(|b| **b == b'\n');
    let mut text = "\n".repeat(lines.count());
    let line = before.get(line_start..).unwrap_or_default();
    let line =
        if line_start == 0 { line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line) } else { line };
    text.push_str(&lossy(line));
    let at = text.len();
    let rest = bytes.get(start..).unwrap_or_default();
    let shown: String = lossy(rest.get(..256).unwrap_or(rest))
        .chars()
        .take_while(|c| *c != '\n' && *c != '\r')
        .take(32)
        .collect();
    text.push_str(&shown);
    let span = Span::new(at, text.len());
    let file = SourceFile::new(name, text);
    let limit = show_size(found.limit);
    let (message, label, help) = match found.what {
        Overlong::Cell => (
            Text::new(
                format!("`{name}` 中的单元格超过 {MAX_CELL_CHARS} 个字符（Excel 单元格的上限）"),
                format!(
                    "a cell of `{name}` is longer than {MAX_CELL_CHARS} characters (the limit of an Excel cell)"
                ),
            ),
            Text::new("这个单元格过长", "this cell is too long"),
            Text::new(
                "检查这个单元格：是否少了一个引号（`\"`），或粘贴进了整篇文字",
                "look at this cell: a quote (`\"`) may be missing, or a whole text pasted in",
            ),
        ),
        Overlong::Line => (
            Text::new(
                format!("`{name}` 中的一行超过 {limit} 的上限"),
                format!("a line of `{name}` is longer than the limit of {limit}"),
            ),
            Text::new("这一行过长", "this line is too long"),
            Text::new(
                "检查这一行是否少了换行或引号（`\"`）；确有这么长的行时，用 `--limit line=4MiB` 提高上限",
                "look for a missing line break or quote (`\"`); if lines that long are meant, raise the limit with `--limit line=4MiB`",
            ),
        ),
    };
    let code = match found.what {
        Overlong::Cell => Code::CellTooLong,
        Overlong::Line => Code::LineTooLong,
    };
    Diagnostic::new(code, message).at(Loc::new(&file, span), label).help(help)
}

/// Text for a diagnostic from bytes that may be cut anywhere: UTF-8, else GB18030, else UTF-8
/// with replacement characters.
fn lossy(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(e) if e.error_len().is_none() => {
            String::from_utf8_lossy(bytes.get(..e.valid_up_to()).unwrap_or_default()).into_owned()
        }
        Err(_) => encoding_rs::GB18030.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

/// `ZC0907`: a cell of a loaded file longer than [`MAX_CELL_CHARS`] characters.
pub(crate) fn cell_too_long(raw: &RawData, loc: &DataLoc, chars: usize) -> Diagnostic {
    raw.diag(
        Code::CellTooLong,
        Text::new(
            format!("单元格有 {chars} 个字符，超过 {MAX_CELL_CHARS} 个字符的上限（Excel 单元格的上限）"),
            format!(
                "the cell has {chars} characters, more than the limit of {MAX_CELL_CHARS} (the limit of an Excel cell)"
            ),
        ),
        loc,
        Text::new("这个单元格过长", "this cell is too long"),
    )
    .help(Text::new(
        "检查这个单元格：是否少了一个引号（`\"`），或粘贴进了整篇文字",
        "look at this cell: a quote (`\"`) may be missing, or a whole text pasted in",
    ))
}

/// Reads a data file from disk; see [`load`]. A file that cannot be read is `ZC0901`; one larger
/// than the data file limit ([`sizes`]) is `ZC0905`. A CSV file is scanned while it is read
/// (a cell or a line past its limit is `ZC0907` or `ZC0910`, having read about the limit past
/// its start); a workbook is read from the file as its reader asks, never whole.
pub fn load_path(path: &Path) -> (Option<RawData>, Diagnostics) {
    load_path_for(path, None)
}

/// [`load_path`] for the subjects of kind `kind`: in a workbook, the sheet named after it if
/// there is one.
pub fn load_path_for(path: &Path, kind: Option<&str>) -> (Option<RawData>, Diagnostics) {
    let name = path.display().to_string();
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let max = sizes().data_file;
    let read = match ext.as_deref() {
        Some("csv") => match read_csv(path, max, CsvScan::new(sizes().line)) {
            Ok(bytes) => Ok(bytes),
            Err(CsvReadError::Read(e)) => Err(e),
            Err(CsvReadError::Overlong(bytes, found)) => {
                return (None, Diagnostics::from(vec![overlong(&name, &bytes, found)]));
            }
        },
        Some("xlsx" | "xlsm") => match open_sized(path, max) {
            Ok(file) => {
                return xlsx::load_xlsx_sheet(&name, std::io::BufReader::new(file), kind);
            }
            Err(e) => Err(e),
        },
        // Read from the file as the reader asks: the footer, then each row group.
        Some("parquet") => match open_sized(path, max) {
            Ok(file) => return load_parquet(&name, file),
            Err(e) => Err(e),
        },
        _ => read_file(path, max),
    };
    match read {
        Ok(bytes) => load(&name, &bytes),
        Err(ReadError::TooLarge(size, max)) => {
            (None, Diagnostics::from(vec![crate::limits::file_too_large(&name, size, max)]))
        }
        Err(ReadError::Io(e)) => {
            let file = SourceFile::new(name.clone(), "");
            let d = Diagnostic::new(
                Code::Io,
                Text::new(
                    format!("无法读取文件 `{name}`：{e}"),
                    format!("cannot read `{name}`: {e}"),
                ),
            )
            .at(Loc::new(&file, Span::default()), Text::new("这个文件", "this file"));
            (None, Diagnostics::from(vec![d]))
        }
    }
}

/// Opens a file of at most `max` bytes (a workbook, whose reader seeks in it).
fn open_sized(path: &Path, max: u64) -> Result<std::fs::File, ReadError> {
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let size = file.metadata().map_err(ReadError::Io)?.len();
    if size > max {
        return Err(ReadError::TooLarge(size, max));
    }
    Ok(file)
}

/// Reads a data file from disk and validates it in one step.
pub fn read_dataset(path: &Path, schema: &Schema) -> Result<Dataset, Diagnostics> {
    read_dataset_with_years(path, schema).map(|(ds, _)| ds)
}

/// [`read_dataset`], and the years of the file's `年份` column ([`validate_with_years`]).
pub fn read_dataset_with_years(
    path: &Path,
    schema: &Schema,
) -> Result<(Dataset, std::collections::BTreeSet<u16>), Diagnostics> {
    let (raw, mut diags) = load_path_for(path, Some(&schema.subject));
    match raw {
        Some(raw) if !diags.has_errors() => match validate_with_years(&raw, schema) {
            Ok(ds) => Ok(ds),
            Err(e) => {
                diags.extend(e);
                Err(diags)
            }
        },
        _ => Err(diags),
    }
}

/// Loads and validates a register's text in one step (a block of it, for the streaming
/// runner): a CSV file's, or the CSV text a Parquet file stands for ([`parquet::CsvText`]).
pub fn load_dataset(name: &str, bytes: &[u8], schema: &Schema) -> Result<Dataset, Diagnostics> {
    load_dataset_at(name, bytes, &[], schema)
}

/// [`load_dataset`] of pieces of a register, its header then rows that in the file come
/// later: `gaps` say how many lines later, so that problems are reported at their lines.
pub fn load_dataset_at(
    name: &str,
    bytes: &[u8],
    gaps: &[Gap],
    schema: &Schema,
) -> Result<Dataset, Diagnostics> {
    load_datasets_at(name, bytes, gaps, &[schema]).pop().unwrap_or_else(|| Err(Diagnostics::new()))
}

/// [`load_dataset`] for several schemas (a policy and the policies it imports) on one file,
/// read once: one result per schema, in their order.
pub fn load_datasets(
    name: &str,
    bytes: &[u8],
    schemas: &[&Schema],
) -> Vec<Result<Dataset, Diagnostics>> {
    load_datasets_at(name, bytes, &[], schemas)
}

/// [`load_datasets`] of pieces of a register ([`load_dataset_at`]).
pub fn load_datasets_at(
    name: &str,
    bytes: &[u8],
    gaps: &[Gap],
    schemas: &[&Schema],
) -> Vec<Result<Dataset, Diagnostics>> {
    // A Parquet register's pieces are the CSV text it stands for.
    let ext = match extension(name) {
        e if e == "parquet" => "csv".to_owned(),
        e => e,
    };
    let (raw, diags) = load_as(name, bytes, &ext, gaps);
    let Some(raw) = raw else {
        return schemas.iter().map(|_| Err(diags.clone())).collect();
    };
    schemas
        .iter()
        .map(|schema| match validate(&raw, schema) {
            Ok(ds) if !diags.has_errors() => Ok(ds),
            Ok(_) => Err(diags.clone()),
            Err(e) => {
                let mut all = diags.clone();
                all.extend(e);
                Err(all)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_extensions_and_encodings_are_refused() {
        let (raw, d) = load("data.docx", b"x");
        assert!(raw.is_none());
        assert_eq!(d.iter().next().map(|d| d.code), Some(Code::DataFormat));
        // A byte GB18030 does not read either (0xFF), and UTF-16.
        for bytes in [&b"id,\xc3\xfb\xff\n"[..], b"\xff\xfei\x00d\x00"] {
            let (raw, d) = load("data.csv", bytes);
            assert!(raw.is_none());
            let d = d.sorted();
            assert_eq!(d[0].code, Code::DataFormat);
            assert!(d[0].message.en.contains("neither UTF-8 nor GBK"), "{}", d[0].message.en);
        }
        let (_, d) = load("data.csv", b"id,\xc3\xfb\xff\n");
        assert_eq!(d.sorted()[0].primary().map(|l| l.span.start), Some(3));
    }

    #[test]
    fn gbk_and_byte_order_marks_are_decoded() {
        let header = |bytes: &[u8]| {
            let (raw, d) = load("data.csv", bytes);
            assert!(!d.has_errors(), "{:?}", d.sorted());
            let t = raw.unwrap().table.unwrap();
            t.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>()
        };
        // `名称` in GBK; `营业收入` in GB18030 (the same bytes as GBK)
        assert_eq!(header(b"id,\xc3\xfb\xb3\xc6\n"), ["id", "名称"]);
        assert_eq!(header(b"\xd3\xaa\xd2\xb5\xca\xd5\xc8\xeb\n"), ["营业收入"]);
        assert_eq!(header("\u{feff}名称\n".as_bytes()), ["名称"]);
        assert_eq!(header("名称\n".as_bytes()), ["名称"]);
    }

    #[test]
    fn cells_past_excel_s_length_are_refused_in_every_format() {
        let long = "x".repeat(MAX_CELL_CHARS + 1);
        let json = format!("[{{\"名称\": \"{long}\"}}]");
        let toml = format!("[[subjects]]\n\"名称\" = \"{long}\"\n");
        let csv = format!("名称\n{long}\n");
        for (name, text) in [("d.json", json), ("d.toml", toml), ("d.csv", csv)] {
            let (raw, d) = load(name, text.as_bytes());
            assert!(raw.is_none(), "{name}");
            let d = d.sorted();
            assert_eq!(d[0].code, Code::CellTooLong, "{name}");
            assert!(d[0].message.en.contains("32768 characters"), "{name}: {}", d[0].message.en);
        }
        // Exactly the limit, in characters of three bytes each, is a cell.
        let (raw, d) = load("d.csv", format!("名称\n{}\n", "字".repeat(MAX_CELL_CHARS)).as_bytes());
        assert!(raw.is_some() && !d.has_errors(), "{:?}", d.sorted());
    }

    #[test]
    fn missing_files_are_io_errors() {
        let (raw, d) = load_path(Path::new("/nonexistent/zhengce/data.csv"));
        assert!(raw.is_none());
        assert_eq!(d.iter().next().map(|d| d.code), Some(Code::Io));
    }
}

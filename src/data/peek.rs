//! The header of a data file, read without the rest of it (a Parquet file's from its footer): for telling which subject kind a
//! file holds when neither `--kind` nor the file's name says ([`crate::engine::kind_of`]).

use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use calamine::{Reader, Xlsx};

use super::header::{is_year_column, parse_header};
use super::schema::Schema;
use crate::limits::sizes;

/// What a data file's header says: the name of the sheet the subjects are on (a workbook's) and
/// the column headers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Peek {
    /// The sheet the subjects are on, for a workbook.
    pub sheet: Option<String>,
    /// The column headers, as written.
    pub headers: Vec<String>,
}

/// The header of the data file at `path`: the first line of a CSV file, the first non-empty row
/// of a workbook's first sheet that is not `参数`, the keys of a JSON or TOML file's subjects.
/// `None` when the file cannot be read (the loader then says why).
pub fn peek(path: &Path) -> Option<Peek> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => csv_header(path),
        Some("xlsx" | "xlsm") => xlsx_header(path),
        Some("parquet") => Some(Peek { sheet: None, headers: super::parquet::column_names(path)? }),
        _ => {
            let (raw, _) = super::load_path(path);
            let table = raw?.table?;
            Some(Peek { sheet: None, headers: table.columns.into_iter().map(|c| c.name).collect() })
        }
    }
}

/// The first line of a CSV file (at most the line limit), decoded as the loader decodes it.
fn csv_header(path: &Path) -> Option<Peek> {
    let file = std::fs::File::open(path).ok()?;
    let limit = sizes().line;
    let mut line = Vec::new();
    BufReader::new(file).take(limit).read_until(b'\n', &mut line).ok()?;
    let text = super::decode_text(&line).ok()?;
    let mut reader =
        ::csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let record = reader.records().next()?.ok()?;
    Some(Peek { sheet: None, headers: record.iter().map(|h| h.trim().to_string()).collect() })
}

/// The first non-empty row of a workbook's subjects sheet, after the safety pass the loader
/// makes.
fn xlsx_header(path: &Path) -> Option<Peek> {
    let max = sizes().data_file;
    let mut file = std::fs::File::open(path).ok()?;
    if file.metadata().ok()?.len() > max {
        return None;
    }
    super::zipsafe::check(&mut file, sizes().workbook).ok()?;
    file.seek(SeekFrom::Start(0)).ok()?;
    let mut book = Xlsx::new(BufReader::new(file)).ok()?;
    let is_params = |n: &str| n.trim() == "参数" || n.trim().eq_ignore_ascii_case("params");
    let sheets: Vec<String> = book.sheet_names().into_iter().filter(|n| !is_params(n)).collect();
    // The first sheet with a row under its header (a template for several kinds has a sheet
    // each, and the officer fills one), else the first sheet.
    let mut first = None;
    for sheet in sheets {
        let (headers, filled) = sheet_header(&mut book, &sheet)?;
        let peek = Peek { sheet: Some(sheet), headers };
        if filled {
            return Some(peek);
        }
        first.get_or_insert(peek);
    }
    first
}

/// The first non-empty row of a sheet, and whether a non-empty row follows it.
fn sheet_header<R: Read + Seek>(book: &mut Xlsx<R>, sheet: &str) -> Option<(Vec<String>, bool)> {
    let mut cells = book.worksheet_cells_reader(sheet).ok()?;
    let mut row = None;
    let mut filled = false;
    let mut headers: Vec<(u32, String)> = Vec::new();
    while let Some(cell) = cells.next_cell().ok()? {
        let (r, c) = cell.get_position();
        let text = calamine::Data::from(cell.get_value().clone()).to_string();
        if text.trim().is_empty() {
            continue;
        }
        match row {
            Some(first) if first != r => {
                filled = true;
                break;
            }
            _ => row = Some(r),
        }
        headers.push((c, text.trim().to_string()));
    }
    drop(cells);
    headers.sort_by_key(|(c, _)| *c);
    Some((headers.into_iter().map(|(_, h)| h).collect(), filled))
}

/// Whether a header fits a subject kind: every column names one of its fields (with a year for
/// a yearly one) or the `年份` column, and its key field has a column.
pub fn fits(schema: &Schema, headers: &[String]) -> bool {
    let field_of = |h: &str| {
        let header = parse_header(h);
        schema.fields.iter().position(|f| f.name == header.name).or_else(|| {
            header.year_forms.iter().find_map(|(name, _)| {
                schema.fields.iter().position(|f| f.by_year && f.name == *name)
            })
        })
    };
    let mut has_key = schema.key.is_none();
    for h in headers.iter().filter(|h| !h.trim().is_empty() && !is_year_column(h)) {
        match field_of(h) {
            Some(i) => has_key |= schema.key == Some(i),
            None => return false,
        }
    }
    has_key && !headers.is_empty()
}

//! The evaluation year of a register when none is given: the latest year any yearly column of
//! the file gives a value for, found by a pass over the file before the evaluation, as the
//! in-memory path finds it in the loaded records ([`crate::eval::latest_year`]).
//!
//! The pass reads the cells of the yearly columns only, and stops as soon as the latest year a
//! header names is found with a value (on a generated or well-kept register, in the first row).
//! A Parquet file's footer often tells without a pass: which columns of numbers hold a value,
//! and which columns hold only nulls ([`crate::data::parquet::given_by_footer`]); its pages are
//! then not read (a large row group's yearly columns decompressed only to read a first row:
//! 30 ms of xinjiang 县's 0.6 s from DuckDB's file).
//! An empty cell (nothing, or only white space) gives no value, as for the loader. Whether a
//! cell is valid is left to the evaluation's own pass, which reports every bad cell.

use std::collections::BTreeMap;
use std::path::Path;

use super::chunks::{Blocks, count_lines};
use super::{Failure, open, read_failure};
use crate::data::header::parse_header;
use crate::data::{Schema, Value};

/// The latest year a yearly column of the CSV register at `path` gives a value for; else, as
/// the in-memory path does, the latest year of a yearly parameter in `params`; `None` when
/// neither gives a year.
pub fn latest_year(
    path: &Path,
    schema: &Schema,
    params: &BTreeMap<String, Value>,
) -> Result<Option<u16>, Failure> {
    let from_params = || crate::eval::latest_year(&[], params);
    let (file, header, rest) = open(path)?;
    let Ok(head) = std::str::from_utf8(&header) else {
        return Err(Failure::NotStreamable("the header is not UTF-8".into()));
    };
    let mut reader = ::csv::ReaderBuilder::new().has_headers(false).from_reader(head.as_bytes());
    let names: Vec<String> = match reader.records().next() {
        Some(Ok(r)) => r.iter().map(str::to_string).collect(),
        _ => return Err(Failure::NotStreamable("the header cannot be read".into())),
    };
    // The columns of yearly fields, by their year.
    let yearly: Vec<(usize, u16)> = names
        .iter()
        .enumerate()
        .filter_map(|(i, n)| column_year(schema, n).map(|y| (i, y)))
        .collect();
    let Some(last) = yearly.iter().map(|(_, y)| *y).max() else {
        return Ok(from_params());
    };
    if super::is_parquet(path) {
        let year = parquet_year(path, &yearly, last);
        // The pages it read, if the footer did not tell: given back before the run reads them
        // again.
        crate::memory::release();
        return Ok(year?.or_else(from_params));
    }
    let max_line = crate::limits::sizes().line;
    let first_line = count_lines(&header) + 2;
    let mut blocks = Blocks::new(file, 1 << 20, rest, first_line, max_line);
    let mut found: Option<u16> = None;
    loop {
        let block = match blocks.next_block() {
            Ok(Some(b)) => b,
            Ok(None) => break,
            Err(e) => return Err(Failure::Data(read_failure(path, max_line, &e))),
        };
        let mut rows = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(block.bytes.as_slice());
        let mut record = ::csv::ByteRecord::new();
        // A record the CSV reader refuses is the evaluation pass's to report.
        while let Ok(true) = rows.read_byte_record(&mut record) {
            for (col, year) in &yearly {
                if found.is_some_and(|f| f >= *year) {
                    continue;
                }
                if record.get(*col).is_some_and(given) {
                    found = Some(*year);
                }
            }
            if found == Some(last) {
                return Ok(found);
            }
        }
    }
    Ok(found.or_else(from_params))
}

/// [`latest_year`] of a Parquet register, from its yearly columns alone (`yearly`: their
/// positions and years; `last`: the latest).
fn parquet_year(path: &Path, yearly: &[(usize, u16)], last: u16) -> Result<Option<u16>, Failure> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| Failure::Data(super::io(path, &e)))?;
    let mut wanted: Vec<usize> = yearly.iter().map(|(c, _)| *c).collect();
    wanted.sort_unstable();
    wanted.dedup();
    // Told by the footer's null counts, when it can: no page decoded.
    if let Some(given) = crate::data::parquet::given_by_footer(&file, &wanted) {
        let year = |(col, year): &(usize, u16)| {
            let k = wanted.binary_search(col).ok()?;
            given.get(k).copied().unwrap_or(false).then_some(*year)
        };
        return Ok(yearly.iter().filter_map(year).max());
    }
    // Small batches: the latest year is given in the first rows of a well-kept register.
    let mut batches = crate::data::parquet::columns_of(&name, file, &wanted, 1024)
        .map_err(|d| Failure::Data(vec![*d].into()))?;
    // Each yearly column's place among the columns read.
    let at: Vec<(Option<usize>, u16)> =
        yearly.iter().map(|(col, year)| (wanted.binary_search(col).ok(), *year)).collect();
    let mut found: Option<u16> = None;
    let mut scratch = String::new();
    // A batch the reader cannot decode is the evaluation pass's to report.
    while let Ok(Some(batch)) = batches.next_batch() {
        let columns: Vec<crate::data::parquet::Column<'_>> =
            batch.columns().iter().map(|a| crate::data::parquet::Column::of(a.as_ref())).collect();
        for i in 0..batch.num_rows() {
            for (k, year) in &at {
                if found.is_some_and(|f| f >= *year) {
                    continue;
                }
                let column = k.and_then(|k| columns.get(k));
                if column.is_some_and(|c| !c.text(i, &mut scratch).trim().is_empty()) {
                    found = Some(*year);
                }
            }
            if found == Some(last) {
                return Ok(found);
            }
        }
    }
    Ok(found)
}

/// The year of a column that gives a yearly field of `schema` for one year, read from its header
/// as the loader reads it (`收入[2023](万元)`, `收入_2023`, `2023年收入` ...).
fn column_year(schema: &Schema, name: &str) -> Option<u16> {
    let h = parse_header(name);
    if schema.fields.iter().any(|f| f.name == h.name) {
        return None;
    }
    h.year_forms.iter().find_map(|(base, y)| {
        schema.fields.iter().find(|f| f.name == *base).filter(|f| f.by_year).map(|_| *y)
    })
}

/// Whether a cell gives a value: not empty nor only white space (full-width spaces included),
/// as for the loader. A cell that is not UTF-8 counts as given; the evaluation reports it.
fn given(cell: &[u8]) -> bool {
    std::str::from_utf8(cell).map_or(true, |t| !t.trim().is_empty())
}

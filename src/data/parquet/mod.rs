//! Parquet registers: the table a database or a warehouse exports (DuckDB's `COPY … TO
//! 'x.parquet'`, pandas, Spark), read a batch of rows at a time.
//!
//! A Parquet file is read as the CSV register it stands for: [`CsvText`] turns it, batch by
//! batch, into CSV text, its columns' names the header (`孵化面积[2022](㎡)`), each value written
//! exactly by its type: integers and `DECIMAL` columns as the decimals they are, text as text,
//! `BOOLEAN` as 是/否, `DATE` as `2024-02-29`, a floating-point value (`DOUBLE`) as a
//! spreadsheet shows it, to 15 significant digits (a float holds no exact decimal; a register
//! meant exactly stores money as `DECIMAL`), a null as an empty cell, a value of another type
//! (a timestamp, a list) by its type's name, which the field then refuses. The loader and the
//! streaming register runner read the file as that text: the same checks, the same diagnostics,
//! at the row's line (the header is line 1, the first subject line 2) and the cell's column, the
//! register's own name on them. The runner reads it as it comes, never the whole file, and
//! without writing the text: its compiled form takes numbers from their digits ([`digits`]) and
//! other values from their text ([`cell`]), batch by batch ([`Batches`],
//! `crate::register`'s `batches.rs`), its workers each reading row groups of their own over the
//! footer checked and parsed once ([`RowGroups`]).
//!
//! Only the codecs that need no C library are built in (uncompressed and Snappy, the default of
//! DuckDB, pandas and Spark); a file compressed otherwise is refused with a diagnostic naming the
//! codec and how to write the file again (`ZC0607`), as is a file that is not Parquet.

mod footer;

use std::io::Read;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type,
    UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReader,
    ParquetRecordBatchReaderBuilder,
};
use parquet::file::reader::ChunkReader;
use rust_decimal::Decimal;

use super::template::csv_cell;
use crate::diagnostics::{Code, Diagnostic, Text};
use crate::source::{Loc, SourceFile, Span};

/// The rows read at a time.
const BATCH: usize = 8192;

/// A Parquet file's rows, a batch at a time, every call into the reader guarded ([`guarded`]).
pub struct Batches {
    batches: ParquetRecordBatchReader,
    /// The columns' names.
    names: Vec<String>,
    /// The reader's error, said once.
    failed: bool,
}

impl Batches {
    /// The file `name` from `reader`, `rows` rows at a time; `ZC0607` when it is not a Parquet
    /// file zhengce can read.
    pub fn new<R: ChunkReader + 'static>(
        name: &str,
        reader: R,
        rows: usize,
    ) -> Result<Batches, Box<Diagnostic>> {
        checked(&reader).map_err(|why| Box::new(unreadable(name, &why)))?;
        let opened = guarded(|| {
            let builder = builder(reader)?;
            let names: Vec<String> =
                builder.schema().fields().iter().map(|f| f.name().clone()).collect();
            let batches =
                builder.with_batch_size(rows.max(1)).build().map_err(|e| e.to_string())?;
            Ok((names, batches))
        });
        let (names, batches) = opened.map_err(|why| Box::new(unreadable(name, &why)))?;
        Ok(Batches { batches, names, failed: false })
    }

    /// The header record of the CSV text the file stands for (its columns' names), with its
    /// line end.
    pub fn header(&self) -> Vec<u8> {
        let cells: Vec<String> = self.names.iter().map(|n| csv_cell(n)).collect();
        let mut text = cells.join(",").into_bytes();
        text.push(b'\n');
        text
    }

    /// The next batch of rows; `None` at the end of the file, and after an error (said once).
    pub fn next_batch(&mut self) -> Result<Option<RecordBatch>, String> {
        if self.failed {
            return Ok(None);
        }
        let batches = &mut self.batches;
        let next = guarded(|| batches.next().transpose().map_err(|e| e.to_string()));
        self.failed = next.is_err();
        next
    }
}

/// A Parquet file whose footer is checked ([`checked`]) and parsed once, for readers of its row
/// groups on several threads, each with its own handle on the file.
pub struct RowGroups {
    name: String,
    file: At,
    meta: parquet::arrow::arrow_reader::ArrowReaderMetadata,
}

/// A file read at given places (`pread`), shared by the readers of its row groups on several
/// threads: a handle of its own (`File::try_clone`) shares its position with the others.
#[derive(Clone)]
struct At(std::sync::Arc<std::fs::File>);

/// A reader of an [`At`] from a place on.
struct AtRead {
    file: At,
    at: u64,
}

impl At {
    fn read_at(&self, buf: &mut [u8], at: u64) -> std::io::Result<usize> {
        #[cfg(unix)]
        return std::os::unix::fs::FileExt::read_at(&*self.0, buf, at);
        #[cfg(windows)]
        return std::os::windows::fs::FileExt::seek_read(&*self.0, buf, at);
    }
}

impl Read for AtRead {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.file.read_at(buf, self.at)?;
        self.at = self.at.saturating_add(n as u64);
        Ok(n)
    }
}

impl parquet::file::reader::Length for At {
    fn len(&self) -> u64 {
        self.0.metadata().map_or(0, |m| m.len())
    }
}

impl ChunkReader for At {
    type T = std::io::BufReader<AtRead>;

    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        Ok(std::io::BufReader::new(AtRead { file: self.clone(), at: start }))
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<bytes::Bytes> {
        // Read as `File` reads it: up to `length` bytes, fewer an error.
        let mut buffer = Vec::with_capacity(length);
        let read = AtRead { file: self.clone(), at: start }
            .take(length as u64)
            .read_to_end(&mut buffer)?;
        if read != length {
            return Err(parquet::errors::ParquetError::EOF(format!(
                "expected to read {length} bytes, read only {read}"
            )));
        }
        Ok(buffer.into())
    }
}

impl RowGroups {
    /// The file `name`; `ZC0607` when it is not a Parquet file zhengce can read.
    pub fn open(name: &str, file: std::fs::File) -> Result<RowGroups, Box<Diagnostic>> {
        checked(&file).map_err(|why| Box::new(unreadable(name, &why)))?;
        let meta = guarded(|| {
            ArrowReaderMetadata::load(&file, ArrowReaderOptions::new())
                .map(narrowed)
                .map_err(|e| e.to_string())
        })
        .map_err(|why| Box::new(unreadable(name, &why)))?;
        Ok(RowGroups { name: name.to_string(), file: At(std::sync::Arc::new(file)), meta })
    }

    /// The rows of each row group, as the footer states them.
    pub fn rows(&self) -> Vec<u64> {
        let groups = self.meta.metadata().row_groups();
        groups.iter().map(|g| u64::try_from(g.num_rows()).unwrap_or(0)).collect()
    }

    /// The arrow schema of the rows as they are read (every column).
    pub fn schema(&self) -> arrow_schema::SchemaRef {
        std::sync::Arc::clone(self.meta.schema())
    }

    /// Each column's bytes uncompressed over the row groups, as the footer states them; `None`
    /// when the columns are not flat (a column of several parts, which [`Self::columns_of`]
    /// does not read alone).
    pub fn column_sizes(&self) -> Option<Vec<u64>> {
        if !flat(&self.meta) {
            return None;
        }
        let descr = self.meta.metadata().file_metadata().schema_descr();
        let mut sizes = vec![0u64; descr.num_columns()];
        for g in self.meta.metadata().row_groups() {
            for (size, c) in sizes.iter_mut().zip(g.columns()) {
                let n = u64::try_from(c.uncompressed_size()).unwrap_or(0);
                *size = size.saturating_add(n);
            }
        }
        Some(sizes)
    }

    /// The rows of the row group `group` (all of them for `None`), `rows` at a time.
    pub fn batches(&self, group: Option<usize>, rows: usize) -> Result<Batches, String> {
        self.columns_of(group, None, rows)
    }

    /// The columns `columns` (positions, in the file's order; all for `None`) of the rows of the
    /// row group `group` (all of them for `None`), `rows` at a time: the reader reads and
    /// decodes no other column's pages.
    pub fn columns_of(
        &self,
        group: Option<usize>,
        columns: Option<&[usize]>,
        rows: usize,
    ) -> Result<Batches, String> {
        use parquet::arrow::ProjectionMask;
        let file = self.file.clone();
        let meta = self.meta.clone();
        guarded(|| {
            let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(file, meta);
            let builder = match columns {
                Some(c) => {
                    let mask = ProjectionMask::roots(builder.parquet_schema(), c.iter().copied());
                    builder.with_projection(mask)
                }
                None => builder,
            };
            let names: Vec<String> =
                builder.schema().fields().iter().map(|f| f.name().clone()).collect();
            let builder = match group {
                Some(g) => builder.with_row_groups(vec![g]),
                None => builder,
            };
            let batches =
                builder.with_batch_size(rows.max(1)).build().map_err(|e| e.to_string())?;
            Ok(Batches { batches, names, failed: false })
        })
    }

    /// The rows of the whole file, `rows` at a time; `ZC0607` when they cannot be read.
    pub fn all(&self, rows: usize) -> Result<Batches, Box<Diagnostic>> {
        self.batches(None, rows).map_err(|why| Box::new(unreadable(&self.name, &why)))
    }
}

/// The columns `columns` (by position, in the file's order) of the Parquet file `name`, `rows`
/// at a time: the reader decodes no other.
pub fn columns_of(
    name: &str,
    file: std::fs::File,
    columns: &[usize],
    rows: usize,
) -> Result<Batches, Box<Diagnostic>> {
    use parquet::arrow::ProjectionMask;
    checked(&file).map_err(|why| Box::new(unreadable(name, &why)))?;
    let opened = guarded(|| {
        let builder = builder(file)?;
        let mask = ProjectionMask::roots(builder.parquet_schema(), columns.iter().copied());
        let builder = builder.with_projection(mask);
        let names: Vec<String> =
            builder.schema().fields().iter().map(|f| f.name().clone()).collect();
        let batches = builder.with_batch_size(rows.max(1)).build().map_err(|e| e.to_string())?;
        Ok((names, batches))
    });
    let (names, batches) = opened.map_err(|why| Box::new(unreadable(name, &why)))?;
    Ok(Batches { batches, names, failed: false })
}

/// Whether each column `columns` (positions) of the Parquet file holds a value that is not
/// empty, as the footer's statistics tell without a page read: a column of numbers, dates or
/// yes-or-no holds one where a row group counts fewer nulls than values (such a value's text is
/// never blank), and any column holds none where every row group counts only nulls. `None` when
/// the footer cannot tell for one of them (a text column with values, which may all be blank; a
/// row group without a null count; columns not flat).
pub fn given_by_footer(file: &std::fs::File, columns: &[usize]) -> Option<Vec<bool>> {
    use parquet::basic::{ConvertedType, LogicalType, Type as Physical};
    checked(file).ok()?;
    let loaded = guarded(|| {
        ArrowReaderMetadata::load(file, ArrowReaderOptions::new()).map_err(|e| e.to_string())
    });
    let meta = loaded.ok()?;
    if !flat(&meta) {
        return None;
    }
    let descr = meta.metadata().file_metadata().schema_descr();
    let groups = meta.metadata().row_groups();
    columns
        .iter()
        .map(|&c| {
            let column = descr.columns().get(c)?;
            let decimal = matches!(column.logical_type_ref(), Some(LogicalType::Decimal { .. }))
                || column.converted_type() == ConvertedType::DECIMAL;
            let text = match column.physical_type() {
                Physical::BYTE_ARRAY | Physical::FIXED_LEN_BYTE_ARRAY => !decimal,
                _ => false,
            };
            let mut any = false;
            for g in groups {
                let chunk = g.columns().get(c)?;
                let nulls = chunk.statistics()?.null_count_opt()?;
                any |= nulls < u64::try_from(chunk.num_values()).ok()?;
            }
            match (any, text) {
                (false, _) => Some(false),
                (true, false) => Some(true),
                (true, true) => None,
            }
        })
        .collect()
}

/// The rows of a Parquet file whose column `key` holds an id `wanted` wants (its text, as the CSV text
/// the file stands for writes it, trimmed), `rows` at a time: the key column is read alone
/// first, then the other columns of the rows it picks only (the reader skips the rest). `None`
/// when the file has no column `key`.
pub fn selected_rows(
    name: &str,
    file: &std::fs::File,
    key: &str,
    wanted: &dyn Fn(&str) -> bool,
    rows: usize,
) -> Result<Option<Batches>, Box<Diagnostic>> {
    use parquet::arrow::ProjectionMask;
    use parquet::arrow::arrow_reader::{RowSelection, RowSelectionPolicy, RowSelector};
    let reopen = || file.try_clone().map_err(|e| Box::new(unreadable(name, &e.to_string())));
    checked(&reopen()?).map_err(|why| Box::new(unreadable(name, &why)))?;
    let opened = reopen()?;
    let picked = guarded(|| {
        let builder = builder(opened)?;
        let names: Vec<String> =
            builder.schema().fields().iter().map(|f| f.name().clone()).collect();
        let Some(at) = names.iter().position(|n| super::header::parse_header(n).name == key) else {
            return Ok(None);
        };
        let mask = ProjectionMask::roots(builder.parquet_schema(), [at]);
        let ids = builder
            .with_projection(mask)
            .with_batch_size(BATCH)
            .build()
            .map_err(|e| e.to_string())?;
        // Runs of rows kept and skipped, in file order.
        let mut runs: Vec<RowSelector> = Vec::new();
        let mut push = |keep: bool| match runs.last_mut() {
            Some(r) if r.skip != keep => r.row_count += 1,
            _ => runs.push(if keep { RowSelector::select(1) } else { RowSelector::skip(1) }),
        };
        let mut scratch = String::new();
        for batch in ids {
            let batch = batch.map_err(|e| e.to_string())?;
            let Some(array) = batch.columns().first() else { continue };
            let column = Column::of(array.as_ref());
            for i in 0..batch.num_rows() {
                push(wanted(column.text(i, &mut scratch).trim()));
            }
        }
        Ok(Some(runs))
    });
    let Some(runs) = picked.map_err(|why| Box::new(unreadable(name, &why)))? else {
        return Ok(None);
    };
    let opened = reopen()?;
    let built = guarded(|| {
        let builder = builder(opened)?;
        let names: Vec<String> =
            builder.schema().fields().iter().map(|f| f.name().clone()).collect();
        // Skipped by runs, not decoded and filtered: a batch of the picked rows may span the
        // whole file.
        let batches = builder
            .with_row_selection(RowSelection::from(runs))
            .with_row_selection_policy(RowSelectionPolicy::Selectors)
            .with_batch_size(rows.max(1))
            .build()
            .map_err(|e| e.to_string())?;
        Ok((names, batches))
    });
    let (names, batches) = built.map_err(|why| Box::new(unreadable(name, &why)))?;
    Ok(Some(Batches { batches, names, failed: false }))
}

/// A Parquet file read as CSV text (see the module's comment), a batch of rows at a time.
pub struct CsvText {
    batches: Batches,
    /// The text of the header or of the last batch, and how much of it has been read.
    text: Vec<u8>,
    at: usize,
}

impl CsvText {
    /// The file `name` from `reader`; `ZC0607` when it is not a Parquet file zhengce can read.
    pub fn new<R: ChunkReader + 'static>(
        name: &str,
        reader: R,
    ) -> Result<CsvText, Box<Diagnostic>> {
        let batches = Batches::new(name, reader, BATCH)?;
        let text = batches.header();
        Ok(CsvText { batches, text, at: 0 })
    }

    /// The rows of `batches` as CSV text, without the header.
    pub fn rows(batches: Batches) -> CsvText {
        CsvText { batches, text: Vec::new(), at: 0 }
    }
}

/// A reader of the file `reader` whose columns come as [`narrowed`] says.
fn builder<R: ChunkReader + 'static>(
    reader: R,
) -> Result<ParquetRecordBatchReaderBuilder<R>, String> {
    let meta =
        ArrowReaderMetadata::load(&reader, ArrowReaderOptions::new()).map_err(|e| e.to_string())?;
    Ok(ParquetRecordBatchReaderBuilder::new_with_metadata(reader, narrowed(meta)))
}

/// The file's columns as the reader is to give them: a `DECIMAL` stored in 64 or 32 bits, or
/// in fixed-length bytes that fit them (pyarrow's `DECIMAL(18, 6)` in 8 bytes), as a decimal of
/// that width, not widened to 128 bits as by default (a copy of every value, and 128-bit
/// arithmetic for every digit read: pyarrow's file of provincial 县, 2.63 → 2.30 s); a
/// text column whose every data page is dictionary-encoded as its dictionary and each row's
/// key, not a copy of each row's text (a tenth of the run on a register of project names);
/// the file's own reading when its columns are not all flat.
fn narrowed(meta: ArrowReaderMetadata) -> ArrowReaderMetadata {
    use parquet::basic::Type as Physical;
    if !flat(&meta) {
        return meta;
    }
    let columns = meta.metadata().file_metadata().schema_descr().columns().to_vec();
    let schema = meta.schema();
    let groups = meta.metadata().row_groups();
    let dictionary_only =
        |k: usize| groups.iter().all(|g| g.columns().get(k).is_some_and(all_dictionary));
    let mut changed = false;
    let fields: Vec<arrow_schema::Field> = schema
        .fields()
        .iter()
        .zip(&columns)
        .enumerate()
        .map(|(k, (f, c))| {
            let ty = match (f.data_type(), c.physical_type()) {
                (DataType::Decimal128(p, s), Physical::INT64) => DataType::Decimal64(*p, *s),
                (DataType::Decimal128(p, s), Physical::INT32) => DataType::Decimal32(*p, *s),
                // pyarrow's and Spark's `DECIMAL` in as few bytes as its digits take.
                (DataType::Decimal128(p, s), Physical::FIXED_LEN_BYTE_ARRAY)
                    if (1..=4).contains(&c.type_length()) =>
                {
                    DataType::Decimal32(*p, *s)
                }
                (DataType::Decimal128(p, s), Physical::FIXED_LEN_BYTE_ARRAY)
                    if (5..=8).contains(&c.type_length()) =>
                {
                    DataType::Decimal64(*p, *s)
                }
                (DataType::Utf8, _) if dictionary_only(k) => {
                    DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
                }
                (other, _) => other.clone(),
            };
            changed |= &ty != f.data_type();
            f.as_ref().clone().with_data_type(ty)
        })
        .collect();
    if !changed {
        return meta;
    }
    let hint = arrow_schema::Schema::new_with_metadata(fields, schema.metadata().clone());
    let options = ArrowReaderOptions::new().with_schema(std::sync::Arc::new(hint));
    ArrowReaderMetadata::try_new(std::sync::Arc::clone(meta.metadata()), options).unwrap_or(meta)
}

/// Whether the file's columns are flat: each column of the rows is one column of the file (none
/// a list or a group of several).
fn flat(meta: &ArrowReaderMetadata) -> bool {
    meta.metadata().file_metadata().schema_descr().num_columns() == meta.schema().fields().len()
}

/// Whether every data page of the column chunk `c` is dictionary-encoded, as its footer says:
/// a page written plainly (a writer gives up its dictionary when it grows too large) would have
/// the reader build a dictionary of every value.
fn all_dictionary(c: &parquet::file::metadata::ColumnChunkMetaData) -> bool {
    use parquet::basic::{Encoding, PageType};
    let dictionary =
        |e: Encoding| matches!(e, Encoding::PLAIN_DICTIONARY | Encoding::RLE_DICTIONARY);
    let data = |t: PageType| matches!(t, PageType::DATA_PAGE | PageType::DATA_PAGE_V2);
    c.dictionary_page_offset().is_some()
        && match (c.page_encoding_stats(), c.page_encoding_stats_mask()) {
            (Some(stats), _) => {
                stats.iter().any(|p| data(p.page_type))
                    && stats.iter().filter(|p| data(p.page_type)).all(|p| dictionary(p.encoding))
            }
            (None, Some(mask)) => {
                mask.is_only(Encoding::PLAIN_DICTIONARY) || mask.is_only(Encoding::RLE_DICTIONARY)
            }
            (None, None) => false,
        }
}

/// The file's footer checked before the reader decodes it ([`footer`]): a footer that claims
/// more than it holds is refused, not allocated. A file found sound is not checked again while
/// it is unchanged ([`Sound`]): a run opens its register several times (its default year, its
/// rows, the empty fields behind missing results), and the check reads every page header.
fn checked<R: ChunkReader + 'static>(reader: &R) -> Result<(), String> {
    let file = (reader as &dyn std::any::Any).downcast_ref::<std::fs::File>();
    let id = file.and_then(Sound::of);
    if id.as_ref().is_some_and(Sound::known) {
        return Ok(());
    }
    // A file's page headers read at their places (`pread`): `File`'s own reader duplicates
    // the handle, seeks, reads and closes for each of the thousands of headers.
    match file.and_then(|f| f.try_clone().ok()) {
        Some(f) => check_pages(&At(std::sync::Arc::new(f)))?,
        None => check_pages(reader)?,
    }
    if let Some(id) = id {
        id.remember();
    }
    Ok(())
}

/// A file found sound by [`checked`]: its device, inode, length and time of last change.
#[derive(Clone, PartialEq, Eq)]
struct Sound(u64, u64, u64, std::time::SystemTime);

/// The files found sound in this process (the last few).
static SOUND: std::sync::Mutex<Vec<Sound>> = std::sync::Mutex::new(Vec::new());

impl Sound {
    fn of(file: &std::fs::File) -> Option<Sound> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let m = file.metadata().ok()?;
            Some(Sound(m.dev(), m.ino(), m.len(), m.modified().ok()?))
        }
        #[cfg(not(unix))]
        {
            let _ = file;
            None
        }
    }

    fn known(&self) -> bool {
        SOUND.lock().is_ok_and(|known| known.contains(self))
    }

    fn remember(self) {
        if let Ok(mut known) = SOUND.lock() {
            if known.len() >= 16 {
                known.remove(0);
            }
            known.push(self);
        }
    }
}

/// [`checked`]'s reading of the footer and of every page header.
fn check_pages<R: ChunkReader>(reader: &R) -> Result<(), String> {
    let len = reader.len();
    if len < 8 {
        // Too short to be a Parquet file: the reader says so.
        return Ok(());
    }
    let read = |start: u64, n: usize| {
        guarded(|| reader.get_bytes(start, n).map(|b| b.to_vec()).map_err(|e| e.to_string()))
    };
    let last8: [u8; 8] = read(len - 8, 8)?.try_into().map_err(|_| "a short read".to_string())?;
    for chunk in footer::check(len, read, last8)? {
        pages(&chunk, len, &read)?;
    }
    Ok(())
}

/// The page headers of a column chunk checked before the reader decodes them: each page within
/// the chunk, and, for the codecs zhengce reads, no more bytes decompressed than the codec can
/// make of the page's (Snappy at most 32 times, none once): the reader sizes a page's buffer by
/// what its header claims.
fn pages(
    chunk: &footer::Chunk,
    len: u64,
    read: &dyn Fn(u64, usize) -> Result<Vec<u8>, String>,
) -> Result<(), String> {
    let place = |v: i64| u64::try_from(v).map_err(|_| format!("a column chunk is placed at {v}"));
    let start = place(chunk.start)?;
    let end = start.saturating_add(place(chunk.size)?);
    if end > len.saturating_sub(8) {
        return Err(format!("a column chunk runs from byte {start} to {end}, past the data"));
    }
    // Other codecs are refused by the reader before it reads a page.
    let ratio = match chunk.codec {
        0 => 1,
        1 => 32,
        _ => return Ok(()),
    };
    let mut at = start;
    while at < end {
        let left = usize::try_from(end - at).unwrap_or(usize::MAX);
        // Headers are tens of bytes; one with long statistics is read again, wider.
        let mut window = left.min(256);
        let (head, plain, packed) = loop {
            match footer::page_header(&read(at, window)?) {
                Ok(h) => break h,
                Err(_) if window < left && window < 1 << 20 => window = left.min(window * 16),
                Err(e) => return Err(e),
            }
        };
        let (Ok(plain), Ok(packed)) = (u64::try_from(plain), u64::try_from(packed)) else {
            return Err(format!("a page at byte {at} states no size"));
        };
        if plain > packed.saturating_mul(ratio).saturating_add(64) {
            return Err(format!(
                "a page at byte {at} claims {plain} bytes from {packed} compressed"
            ));
        }
        at = at.saturating_add(head as u64).saturating_add(packed);
        if at > end {
            return Err(format!("a page runs past its column chunk (byte {end})"));
        }
    }
    Ok(())
}

/// Runs `f`, a call into the Parquet reader, which panics on some malformed files (an `unwrap`
/// in its decoder of the file's metadata, found by fuzzing): such a panic becomes the file's
/// error, said as a diagnostic, never zhengce's crash. No panic message is printed for it: the
/// process's panic hook is wrapped once by one that says nothing on a thread inside `guarded`
/// ([`QUIET`]; the hook is not taken and set again at each call, which serialised the workers
/// decoding row groups side by side on the hook's lock). The reader is not used again after a
/// panic.
fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    static WRAPPED: std::sync::Once = std::sync::Once::new();
    WRAPPED.call_once(|| {
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(std::cell::Cell::get) {
                hook(info);
            }
        }));
    });
    let outer = QUIET.with(|q| q.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(outer));
    result.unwrap_or_else(|payload| {
        let why = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(format!("the file's structure cannot be decoded ({why})"))
    })
}

thread_local! {
    /// Whether this thread is inside [`guarded`]: a panic there is said as the file's error.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl Read for CsvText {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at >= self.text.len() {
            self.text.clear();
            self.at = 0;
            match self.batches.next_batch() {
                Ok(None) => return Ok(0),
                Ok(Some(batch)) => write_batch(&batch, &mut self.text),
                Err(why) => return Err(read_error(why)),
            }
        }
        let rest = self.text.get(self.at..).unwrap_or_default();
        let n = rest.len().min(buf.len());
        if let (Some(to), Some(from)) = (buf.get_mut(..n), rest.get(..n)) {
            to.copy_from_slice(from);
        }
        self.at += n;
        Ok(n)
    }
}

/// The whole file `name` as CSV text; `ZC0607` when it cannot be read.
pub fn csv_text<R: ChunkReader + 'static>(
    name: &str,
    reader: R,
) -> Result<String, Box<Diagnostic>> {
    let mut text = String::new();
    CsvText::new(name, reader)?
        .read_to_string(&mut text)
        .map_err(|e| Box::new(unreadable(name, &e.to_string())))?;
    Ok(text)
}

/// The names of the columns of the Parquet file at `path`, from its footer alone.
pub fn column_names(path: &std::path::Path) -> Option<Vec<String>> {
    let file = std::fs::File::open(path).ok()?;
    checked(&file).ok()?;
    guarded(|| {
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| e.to_string())?;
        Ok(builder.schema().fields().iter().map(|f| f.name().clone()).collect())
    })
    .ok()
}

/// Appends the rows of `batch` as CSV lines.
pub fn write_batch(batch: &RecordBatch, out: &mut Vec<u8>) {
    let columns = looked_at(batch);
    let mut scratch = String::new();
    for i in 0..batch.num_rows() {
        write_line(&columns, i, &mut scratch, out);
    }
}

/// The columns of `batch`, each looked at once ([`Column`]).
pub fn looked_at(batch: &RecordBatch) -> Vec<Column<'_>> {
    batch.columns().iter().map(|a| Column::of(a.as_ref())).collect()
}

/// Appends row `i` of `columns` as a CSV line: each value as [`cell`] writes it, quoted as
/// [`csv_cell`] quotes it (`scratch` holds a number's text).
pub fn write_line(columns: &[Column<'_>], i: usize, scratch: &mut String, out: &mut Vec<u8>) {
    for (k, column) in columns.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        let text = column.text(i, scratch);
        if super::template::needs_quotes(text) {
            super::template::push_quoted(out, text);
        } else {
            out.extend_from_slice(text.as_bytes());
        }
    }
    out.push(b'\n');
}

/// Writes the value of row `i` of `array` to `out` as the CSV cell it stands for holds it
/// (unquoted), by the column's type; `false` for a null (an empty cell).
pub fn cell(array: &dyn Array, i: usize, out: &mut String) -> bool {
    use std::fmt::Write as _;
    if array.is_null(i) {
        return false;
    }
    let _ = match array.data_type() {
        DataType::Utf8 => out.write_str(array.as_string::<i32>().value(i)),
        DataType::LargeUtf8 => out.write_str(array.as_string::<i64>().value(i)),
        DataType::Utf8View => out.write_str(array.as_string_view().value(i)),
        DataType::Boolean => out.write_str(if array.as_boolean().value(i) { "是" } else { "否" }),
        DataType::Int8 => write!(out, "{}", array.as_primitive::<Int8Type>().value(i)),
        DataType::Int16 => write!(out, "{}", array.as_primitive::<Int16Type>().value(i)),
        DataType::Int32 => write!(out, "{}", array.as_primitive::<Int32Type>().value(i)),
        DataType::Int64 => write!(out, "{}", array.as_primitive::<Int64Type>().value(i)),
        DataType::UInt8 => write!(out, "{}", array.as_primitive::<UInt8Type>().value(i)),
        DataType::UInt16 => write!(out, "{}", array.as_primitive::<UInt16Type>().value(i)),
        DataType::UInt32 => write!(out, "{}", array.as_primitive::<UInt32Type>().value(i)),
        DataType::UInt64 => write!(out, "{}", array.as_primitive::<UInt64Type>().value(i)),
        DataType::Float32 => {
            out.write_str(&float(f64::from(array.as_primitive::<Float32Type>().value(i))))
        }
        DataType::Float64 => out.write_str(&float(array.as_primitive::<Float64Type>().value(i))),
        DataType::Decimal128(_, scale)
        | DataType::Decimal64(_, scale)
        | DataType::Decimal32(_, scale) => {
            write_decimal(out, decimal_at(array, i).unwrap_or_default(), *scale);
            Ok(())
        }
        DataType::Dictionary(..) => {
            // The value its key points to (a column the file's own Arrow schema says is a
            // dictionary, or one read as one, [`narrowed`]).
            let d = array.as_any_dictionary();
            return match key_at(d.keys(), i) {
                Some(k) if k < d.values().len() => cell(d.values().as_ref(), k, out),
                _ => false,
            };
        }
        DataType::Date32 => {
            let days = array.as_primitive::<Date32Type>().value(i);
            match super::cell::civil_from_days(days.into()) {
                Some(d) => write!(out, "{:04}-{:02}-{:02}", d.year, d.month, d.day),
                None => write!(out, "{days}"),
            }
        }
        other => write!(out, "{other}"),
    };
    true
}

/// A column of a batch looked at once, for reading it row after row: the values of an integer,
/// `DECIMAL` or text column as a slice or the array itself, and its nulls, so that a cell costs
/// no dispatch on the column's type (the register runner reads every cell of every row).
pub struct Column<'a> {
    values: Values<'a>,
    nulls: Option<&'a arrow_buffer::NullBuffer>,
    array: &'a dyn Array,
}

enum Values<'a> {
    I32(&'a [i32]),
    I64(&'a [i64]),
    Dec(&'a [i128], i8),
    Dec64(&'a [i64], i8),
    Dec32(&'a [i32], i8),
    Utf8(&'a arrow_array::StringArray),
    /// A text column read as its dictionary: each row's key, and the texts.
    Dict(&'a [i32], &'a arrow_array::StringArray),
    Bool(&'a arrow_array::BooleanArray),
    Other,
}

impl<'a> Column<'a> {
    /// The column `array`, looked at once.
    pub fn of(array: &'a dyn Array) -> Column<'a> {
        let values = match array.data_type() {
            DataType::Int32 => Values::I32(array.as_primitive::<Int32Type>().values()),
            DataType::Int64 => Values::I64(array.as_primitive::<Int64Type>().values()),
            DataType::Decimal128(_, scale) => Values::Dec(
                array.as_primitive::<arrow_array::types::Decimal128Type>().values(),
                *scale,
            ),
            DataType::Decimal64(_, scale) => Values::Dec64(
                array.as_primitive::<arrow_array::types::Decimal64Type>().values(),
                *scale,
            ),
            DataType::Decimal32(_, scale) => Values::Dec32(
                array.as_primitive::<arrow_array::types::Decimal32Type>().values(),
                *scale,
            ),
            DataType::Utf8 => Values::Utf8(array.as_string::<i32>()),
            DataType::Boolean => Values::Bool(array.as_boolean()),
            DataType::Dictionary(key, value)
                if **key == DataType::Int32 && **value == DataType::Utf8 =>
            {
                let d = array.as_dictionary::<Int32Type>();
                match d.values().as_string_opt::<i32>() {
                    Some(texts) => Values::Dict(d.keys().values(), texts),
                    None => Values::Other,
                }
            }
            _ => Values::Other,
        };
        Column { values, nulls: array.nulls(), array }
    }

    /// Whether row `i` is null.
    #[inline]
    pub fn is_null(&self, i: usize) -> bool {
        match self.values {
            Values::Other => self.array.is_null(i),
            _ => self.nulls.is_some_and(|n| n.is_null(i)),
        }
    }

    /// The number in row `i`, as [`digits`] reads it.
    #[inline]
    pub fn digits(&self, i: usize) -> Option<(bool, u64, u32)> {
        match self.values {
            Values::Other => digits(self.array, i),
            _ => self.mantissa(i).and_then(|(m, scale)| mantissa_digits(m, scale)),
        }
    }

    /// The value of row `i` of a yes-or-no column; `None` for a null or another column.
    #[inline]
    pub fn boolean(&self, i: usize) -> Option<bool> {
        match self.values {
            Values::Bool(b) if i < b.len() && !self.is_null(i) => Some(b.value(i)),
            _ => None,
        }
    }

    /// The mantissa and scale of row `i` of an integer or `DECIMAL` column read as a slice;
    /// `None` for a null or another column.
    #[inline]
    fn mantissa(&self, i: usize) -> Option<(i128, i8)> {
        let found = match self.values {
            Values::I32(v) => (i128::from(*v.get(i)?), 0),
            Values::I64(v) => (i128::from(*v.get(i)?), 0),
            Values::Dec(v, scale) => (*v.get(i)?, scale),
            Values::Dec64(v, scale) => (i128::from(*v.get(i)?), scale),
            Values::Dec32(v, scale) => (i128::from(*v.get(i)?), scale),
            Values::Utf8(_) | Values::Dict(..) | Values::Bool(_) | Values::Other => return None,
        };
        (!self.is_null(i)).then_some(found)
    }

    /// The text of row `i` of a text column, borrowed; `None` for a null or another type.
    #[inline]
    pub fn str_at(&self, i: usize) -> Option<&'a str> {
        if self.is_null(i) {
            return None;
        }
        match self.values {
            Values::Utf8(a) if i < a.len() => Some(a.value(i)),
            Values::Dict(keys, texts) => dict_text(keys, texts, i),
            _ => None,
        }
    }

    /// The text of row `i` trimmed as the loader trims an id: borrowed from a text column,
    /// written out for another (an id stored as a number).
    #[inline]
    pub fn id(&self, i: usize) -> std::borrow::Cow<'a, str> {
        match self.str_at(i) {
            Some(text) => std::borrow::Cow::Borrowed(text.trim()),
            None => std::borrow::Cow::Owned(self.text(i, &mut String::new()).trim().to_string()),
        }
    }

    /// Whether the text of row `i` is empty, and its length in bytes, without writing a
    /// number's text (a number is never empty, and short).
    #[inline]
    pub fn emptiness(&self, i: usize, scratch: &mut String) -> (bool, usize) {
        if self.is_null(i) {
            return (true, 0);
        }
        match self.values {
            Values::I32(_)
            | Values::I64(_)
            | Values::Dec(..)
            | Values::Dec64(..)
            | Values::Dec32(..) => (false, 0),
            _ => {
                let t = self.text(i, scratch);
                (t.is_empty(), t.len())
            }
        }
    }

    /// The text of row `i` (borrowed from a text column), `""` for a null.
    #[inline]
    pub fn text<'s>(&'s self, i: usize, scratch: &'s mut String) -> &'s str {
        if self.is_null(i) {
            return "";
        }
        match self.values {
            Values::Utf8(a) if i < a.len() => a.value(i),
            Values::Dict(keys, texts) => dict_text(keys, texts, i).unwrap_or_default(),
            Values::Bool(b) if i < b.len() => {
                if b.value(i) {
                    "是"
                } else {
                    "否"
                }
            }
            Values::I32(_)
            | Values::I64(_)
            | Values::Dec(..)
            | Values::Dec64(..)
            | Values::Dec32(..) => {
                // A number's text (a year stored as a number, say), as [`cell`] writes it,
                // without its dispatch on the column's type.
                scratch.clear();
                if let Some((m, scale)) = self.mantissa(i) {
                    write_decimal(scratch, m, scale);
                }
                scratch.as_str()
            }
            _ => {
                scratch.clear();
                cell(self.array, i, scratch);
                scratch.as_str()
            }
        }
    }
}

/// The text row `i` of a dictionary column's keys points to; `None` for a key out of the
/// dictionary (the reader checks them).
#[inline]
fn dict_text<'a>(keys: &[i32], texts: &'a arrow_array::StringArray, i: usize) -> Option<&'a str> {
    let k = usize::try_from(*keys.get(i)?).ok()?;
    (k < texts.len()).then(|| texts.value(k))
}

/// A mantissa `m` at `scale` as a CSV cell writes the decimal: from its digits when they fit
/// in 64 bits at a scale a decimal holds (a year stored as a `DECIMAL`, say), without a
/// `Decimal` made and normalised for each cell; else [`decimal`].
fn write_decimal(out: &mut String, m: i128, scale: i8) {
    match mantissa_digits(m, scale).filter(|_| (0..=28).contains(&scale)) {
        Some(d) => write_digits(out, d),
        None => out.push_str(&decimal(m, scale)),
    }
}

/// A number given as its sign, digits and places (trailing zeros of the fraction dropped), as
/// `rust_decimal` writes it normalised: `-0.05`, `123.45`, `0`.
fn write_digits(out: &mut String, (neg, acc, places): (bool, u64, u32)) {
    // The digits from the last, in a buffer on the stack (a `u64` has at most 20): no
    // formatter, which took a tenth of the time of writing a register's rows as text.
    let mut buf = [b'0'; 20];
    let mut at = buf.len();
    let mut n = acc;
    while at > 0 {
        at -= 1;
        if let Some(d) = buf.get_mut(at) {
            *d = b'0' + u8::try_from(n % 10).unwrap_or(0);
        }
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let digits = std::str::from_utf8(buf.get(at..).unwrap_or_default()).unwrap_or_default();
    if neg && acc != 0 {
        out.push('-');
    }
    let places = usize::try_from(places).unwrap_or(usize::MAX);
    if places == 0 {
        out.push_str(digits);
    } else if digits.len() <= places {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', places - digits.len()));
        out.push_str(digits);
    } else {
        let (whole, fraction) = digits.split_at(digits.len() - places);
        out.push_str(whole);
        out.push('.');
        out.push_str(fraction);
    }
}

/// The number in row `i` of `array`, an integer or `DECIMAL` column, as its sign, its digits as
/// one whole number and its places, trailing zeros of the fraction dropped (what the CSV text
/// the file stands for writes: `12.50` as `12.5`); `None` for a null, another type, or more
/// than 18 digits.
pub fn digits(array: &dyn Array, i: usize) -> Option<(bool, u64, u32)> {
    if array.is_null(i) {
        return None;
    }
    let (m, scale): (i128, i8) = match array.data_type() {
        DataType::Int8 => (array.as_primitive::<Int8Type>().value(i).into(), 0),
        DataType::Int16 => (array.as_primitive::<Int16Type>().value(i).into(), 0),
        DataType::Int32 => (array.as_primitive::<Int32Type>().value(i).into(), 0),
        DataType::Int64 => (array.as_primitive::<Int64Type>().value(i).into(), 0),
        DataType::UInt8 => (array.as_primitive::<UInt8Type>().value(i).into(), 0),
        DataType::UInt16 => (array.as_primitive::<UInt16Type>().value(i).into(), 0),
        DataType::UInt32 => (array.as_primitive::<UInt32Type>().value(i).into(), 0),
        DataType::UInt64 => (array.as_primitive::<UInt64Type>().value(i).into(), 0),
        DataType::Decimal128(_, scale)
        | DataType::Decimal64(_, scale)
        | DataType::Decimal32(_, scale) => (decimal_at(array, i)?, *scale),
        _ => return None,
    };
    mantissa_digits(m, scale)
}

/// The key in row `i` of a dictionary's keys, whatever its integer type.
fn key_at(keys: &dyn Array, i: usize) -> Option<usize> {
    let k = match keys.data_type() {
        DataType::Int8 => i64::from(keys.as_primitive::<Int8Type>().value(i)),
        DataType::Int16 => i64::from(keys.as_primitive::<Int16Type>().value(i)),
        DataType::Int32 => i64::from(keys.as_primitive::<Int32Type>().value(i)),
        DataType::Int64 => keys.as_primitive::<Int64Type>().value(i),
        DataType::UInt8 => i64::from(keys.as_primitive::<UInt8Type>().value(i)),
        DataType::UInt16 => i64::from(keys.as_primitive::<UInt16Type>().value(i)),
        DataType::UInt32 => i64::from(keys.as_primitive::<UInt32Type>().value(i)),
        DataType::UInt64 => i64::try_from(keys.as_primitive::<UInt64Type>().value(i)).ok()?,
        _ => return None,
    };
    usize::try_from(k).ok()
}

/// The mantissa of row `i` of a `DECIMAL` column of any width but 256 bits.
fn decimal_at(array: &dyn Array, i: usize) -> Option<i128> {
    use arrow_array::types::{Decimal32Type, Decimal64Type, Decimal128Type};
    Some(match array.data_type() {
        DataType::Decimal128(..) => array.as_primitive::<Decimal128Type>().value(i),
        DataType::Decimal64(..) => array.as_primitive::<Decimal64Type>().value(i).into(),
        DataType::Decimal32(..) => array.as_primitive::<Decimal32Type>().value(i).into(),
        _ => return None,
    })
}

/// A mantissa `m` at `scale` as its sign, digits and places, trailing zeros of the fraction
/// dropped; `None` past 18 digits or at a negative scale.
#[inline]
fn mantissa_digits(m: i128, scale: i8) -> Option<(bool, u64, u32)> {
    let mut places = u32::try_from(scale).ok()?;
    // In 64 bits (a division by a constant is then a multiplication); a larger mantissa is read
    // from its text.
    let mut acc = u64::try_from(m.unsigned_abs()).ok()?;
    // The trailing zeros dropped eight, four, two and one at a time (a `DECIMAL(18, 6)` of a
    // whole amount has six: one digit at a time took 5% of a run).
    for (ten, n) in [(100_000_000, 8), (10_000, 4), (100, 2), (10, 1)] {
        if places >= n && acc.is_multiple_of(ten) {
            acc /= ten;
            places -= n;
        }
    }
    while places > 0 && acc.is_multiple_of(10) {
        acc /= 10;
        places -= 1;
    }
    if acc >= 1_000_000_000_000_000_000 {
        return None;
    }
    Some((m < 0, acc, places))
}

/// A floating-point value as a spreadsheet shows it: 15 significant digits (`NaN` and the
/// infinities as they are named, which no number field reads).
fn float(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    Decimal::from_scientific(&format!("{f:.14e}"))
        .map_or_else(|_| f.to_string(), |d| d.normalize().to_string())
}

/// A `DECIMAL(p, s)` value: its mantissa `m` at scale `s`, exactly (normalised, as a CSV cell
/// writes it); beyond a decimal's range, as `MeS`, which no number field reads.
fn decimal(m: i128, scale: i8) -> String {
    let exact = match u32::try_from(scale) {
        Ok(s) => Decimal::try_from_i128_with_scale(m, s).ok(),
        // A negative scale multiplies: `DECIMAL(5, -2)` holds hundreds.
        Err(_) => {
            let ten = Decimal::from(10);
            Decimal::try_from_i128_with_scale(m, 0)
                .ok()
                .and_then(|d| (0..scale.unsigned_abs()).try_fold(d, |d, _| d.checked_mul(ten)))
        }
    };
    exact.map_or_else(|| format!("{m}e{}", -i32::from(scale)), |d| d.normalize().to_string())
}

/// Rows of a Parquet file that cannot be decoded (a damaged page, a row group shorter than its
/// footer states), carried as the reading's I/O error ([`read_error`]) and said as the file's
/// `ZC0607` ([`undecodable`]), not as a file the system cannot read.
#[derive(Debug)]
struct Undecodable(String);

impl std::fmt::Display for Undecodable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Undecodable {}

/// The reader's error `why` as an I/O error of the reading.
pub fn read_error(why: impl Into<String>) -> std::io::Error {
    std::io::Error::other(Undecodable(why.into()))
}

/// `ZC0607` for the file `name` when `e` is rows that cannot be decoded ([`read_error`]).
pub fn undecodable(name: &str, e: &std::io::Error) -> Option<Diagnostic> {
    let why = e.get_ref()?.downcast_ref::<Undecodable>()?;
    Some(unreadable(name, &why.0))
}

/// `ZC0607`: the file is not a Parquet file zhengce can read, with the reader's reason.
fn unreadable(name: &str, why: &str) -> Diagnostic {
    let file = SourceFile::new(name, "");
    let codec = why.contains("codec") || why.contains("compression");
    Diagnostic::new(
        Code::DataFormat,
        Text::new(
            format!("无法读取 Parquet 文件 `{name}`：{why}"),
            format!("cannot read the Parquet file `{name}`: {why}"),
        ),
    )
    .at(Loc::new(&file, Span::default()), Text::new("这个文件", "this file"))
    .help(if codec {
        Text::new(
            "zhengce 读取未压缩或 Snappy 压缩的 Parquet 文件；请用 Snappy 压缩重新导出（DuckDB：`COPY … TO 'x.parquet' (COMPRESSION snappy)`；pandas：`to_parquet(..., compression=\"snappy\")`）",
            "zhengce reads Parquet files uncompressed or compressed with Snappy; export the file again with Snappy (DuckDB: `COPY … TO 'x.parquet' (COMPRESSION snappy)`; pandas: `to_parquet(..., compression=\"snappy\")`)",
        )
    } else {
        Text::new(
            "检查文件是否完整、是否确为 Parquet 格式；CSV、Excel 文件请用 `.csv`、`.xlsx` 扩展名",
            "check that the file is complete and is a Parquet file; CSV and Excel files take the `.csv` and `.xlsx` extensions",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Date;

    #[test]
    fn days_count_from_1970() {
        let day = |d| super::super::cell::civil_from_days(d);
        assert_eq!(day(0), Some(Date { year: 1970, month: 1, day: 1 }));
        assert_eq!(day(19_782), Some(Date { year: 2024, month: 2, day: 29 }));
        assert_eq!(day(-1), Some(Date { year: 1969, month: 12, day: 31 }));
    }

    /// A file of one page whose header states `plain` and `packed` bytes, `body` bytes after it,
    /// and eight bytes standing for the footer; the chunk that holds the page.
    fn one_page(plain: u32, packed: u32, body: usize, codec: i64) -> (Vec<u8>, footer::Chunk) {
        let varint = |mut v: u64, out: &mut Vec<u8>| loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                break;
            }
            out.push(b | 0x80);
        };
        // Fields 1, 2, 3 as i32 (zigzag: twice the value), then the struct's end.
        let mut file = vec![0x15, 0x00, 0x15];
        varint(u64::from(plain) * 2, &mut file);
        file.push(0x15);
        varint(u64::from(packed) * 2, &mut file);
        file.push(0x00);
        let size = i64::try_from(file.len() + body).unwrap();
        file.extend(vec![0u8; body + 8]);
        (file, footer::Chunk { codec, start: 0, size })
    }

    fn check_pages(file: &[u8], chunk: &footer::Chunk) -> Result<(), String> {
        let read = |start: u64, n: usize| {
            let start = usize::try_from(start).unwrap();
            Ok(file[start..(start + n).min(file.len())].to_vec())
        };
        pages(chunk, file.len() as u64, &read)
    }

    #[test]
    fn a_page_that_claims_more_than_its_codec_can_make_is_refused() {
        // Snappy: 10 bytes cannot make 1,000,000.
        let (file, chunk) = one_page(1_000_000, 10, 10, 1);
        let e = check_pages(&file, &chunk).unwrap_err();
        assert!(e.contains("claims 1000000 bytes from 10"), "{e}");
        // 300 bytes from 10 can be; uncompressed, only as many as there are.
        let (file, chunk) = one_page(300, 10, 10, 1);
        assert_eq!(check_pages(&file, &chunk), Ok(()));
        let (file, chunk) = one_page(300, 10, 10, 0);
        assert!(check_pages(&file, &chunk).is_err());
        // A page longer than its chunk.
        let (file, mut chunk) = one_page(10, 10, 10, 1);
        chunk.size -= 1;
        assert!(check_pages(&file, &chunk).unwrap_err().contains("past its column chunk"));
        // A chunk past the data.
        chunk.size = 1 << 40;
        assert!(check_pages(&file, &chunk).unwrap_err().contains("past the data"));
    }

    #[test]
    fn digits_are_written_as_a_normalised_decimal_is() {
        for (m, scale) in [
            (0_i128, 0_i8),
            (0, 6),
            (5, 1),
            (-5, 1),
            (5, 3),
            (-5, 3),
            (12_345, 2),
            (1_230_000, 4),
            (2_024_000_000, 6),
            (-2_024_000_000, 6),
            (100, 0),
            (999_999_999_999_999_999, 9),
            (1, 28),
            (-1, 28),
            (120, 28),
            (8_000_000_000, 6),
            (887_000_540_000, 6),
            (1_000_000_000_000_000_000, 18),
            (100_000_000_000_000_000, 17),
            (-120_000, 6),
            (5, 0),
            (0, 18),
            (0, 0),
            // The most digits a `u64` holds, whole and with places.
            (18_446_744_073_709_551_615, 0),
            (18_446_744_073_709_551_615, 19),
            (-18_446_744_073_709_551_615, 25),
        ] {
            let mut out = String::new();
            if let Some(d) = mantissa_digits(m, scale) {
                write_digits(&mut out, d);
                assert_eq!(out, decimal(m, scale), "{m} at {scale}");
            }
        }
    }

    #[test]
    fn a_columns_text_is_the_cell_it_stands_for() {
        use arrow_array::types::Int32Type;
        use arrow_array::{
            ArrayRef, BooleanArray, Decimal32Array, Decimal64Array, Decimal128Array,
            DictionaryArray, Int32Array, Int64Array, StringArray,
        };
        use std::sync::Arc;
        let dictionary: DictionaryArray<Int32Type> =
            vec![Some("省级"), None, Some("市级"), Some("省级")].into_iter().collect();
        let arrays: Vec<ArrayRef> = vec![
            Arc::new(Int32Array::from(vec![Some(5), None, Some(-7), Some(0)])),
            Arc::new(Int64Array::from(vec![Some(2024), Some(i64::MIN), None, Some(-1)])),
            Arc::new(
                Decimal128Array::from(vec![Some(1), Some(100), None, Some(-15)])
                    .with_precision_and_scale(38, 30)
                    .unwrap(),
            ),
            Arc::new(
                Decimal128Array::from(vec![Some(2_024_000_000), Some(-5), None, Some(i128::MAX)])
                    .with_precision_and_scale(38, 6)
                    .unwrap(),
            ),
            Arc::new(
                Decimal64Array::from(vec![Some(2_024_000_000), Some(-50), None, Some(1)])
                    .with_precision_and_scale(18, 6)
                    .unwrap(),
            ),
            Arc::new(
                Decimal32Array::from(vec![Some(123_456_789), Some(0), Some(-1), None])
                    .with_precision_and_scale(9, 2)
                    .unwrap(),
            ),
            Arc::new(BooleanArray::from(vec![Some(true), Some(false), None, Some(true)])),
            Arc::new(dictionary),
            Arc::new(StringArray::from(vec![Some("甲"), None, Some(""), Some(" 乙 ")])),
        ];
        for array in &arrays {
            let column = Column::of(array.as_ref());
            for i in 0..array.len() {
                let mut want = String::new();
                if !cell(array.as_ref(), i, &mut want) {
                    want.clear();
                }
                let mut scratch = String::new();
                assert_eq!(column.text(i, &mut scratch), want, "{:?} row {i}", array.data_type());
                assert_eq!(column.is_null(i), array.is_null(i));
            }
        }
        // The dictionary's texts, not its keys; a decimal past 28 places as its mantissa.
        let mut out = String::new();
        cell(arrays[7].as_ref(), 2, &mut out);
        assert_eq!(out, "市级");
        out.clear();
        cell(arrays[2].as_ref(), 0, &mut out);
        assert_eq!(out, "1e-30");
    }

    #[test]
    fn decimals_are_exact_and_floats_as_shown() {
        assert_eq!(decimal(12_345, 2), "123.45");
        assert_eq!(decimal(1_230_000, 4), "123");
        assert_eq!(decimal(5, -2), "500");
        assert_eq!(decimal(i128::MAX, 0), format!("{}e0", i128::MAX));
        assert_eq!(float(0.1 + 0.2), "0.3");
        assert_eq!(float(2500.0), "2500");
        assert_eq!(float(f64::NAN), "NaN");
    }
}

//! A generated register as a Parquet file (`zhengce gen --out 登记簿.parquet`), written a
//! batch of rows at a time: numbers as `DECIMAL(18, s)`, stored as 64-bit integers as DuckDB
//! and Spark store them (exact, `s` the most decimal places a column of the field's kind is
//! generated with; generated values stay below 10^12 in base units, 9,990亿元 at most, and a
//! field whose declared range reaches past that is `DECIMAL(38, s)`), yes/no as `BOOLEAN`, texts, enumeration
//! values and dates as text; row groups of 16,384 rows (the streaming runner's workers decode
//! row groups side by side, each running ahead of the rows written by at most a row group),
//! Snappy-compressed, as databases write them. The same seed gives the same bytes.

use std::io::Write;
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Decimal128Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema as ArrowSchema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use rust_decimal::Decimal;

use super::{Cell, Plan};
use crate::data::FieldKind;

/// The rows of a batch, and of a row group.
const BATCH: u64 = 8192;
const ROW_GROUP: usize = 16_384;
/// The bytes of a data page: a reader holds one decoded page per column, so pages of 64 KiB
/// rather than the writer's 1 MiB keep a streamed register's memory low (1,000,000 rows of
/// zezhou 企业: 36–39 MiB rather than 55–68 MiB) for a file 1.4% larger.
const PAGE_BYTES: usize = 64 << 10;

/// The places of a decimal column: generated values have at most 4 (percentages of a share);
/// money has 2.
const SCALE: i8 = 6;

/// How a column is stored: a number with its precision.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Number(u8),
    Bool,
    Text,
}

/// The precision of a number field's column: 18 (a 64-bit integer in the file), unless the
/// field's declared range reaches 10^12 in base units, past the generator's own values.
fn precision(f: &crate::data::FieldSpec) -> u8 {
    let big = Decimal::from(1_000_000_000_000i64);
    let far = |b: &Option<crate::data::Bound>| b.as_ref().is_some_and(|b| b.value.abs() >= big);
    if far(&f.min) || far(&f.max) { 38 } else { 18 }
}

/// Writes `rows` rows of `plan` to `out` as a Parquet file.
pub fn write(plan: &Plan, rows: u64, out: impl Write + Send) -> Result<(), String> {
    let mut file = Rows::new(plan, out)?;
    for n in 0..rows {
        file.push(plan.row(n))?;
    }
    file.finish()
}

/// A Parquet file of `plan`'s columns written a row at a time, [`BATCH`] rows a batch: the
/// register [`write`] writes, or a member kind's file beside it (each member's link set to its
/// owner's id by the caller).
pub struct Rows<W: Write + Send> {
    kinds: Vec<Kind>,
    schema: Arc<ArrowSchema>,
    writer: ArrowWriter<W>,
    batch: Vec<Vec<Cell>>,
}

impl<W: Write + Send> Rows<W> {
    /// A file of `plan`'s columns written to `out`.
    pub fn new(plan: &Plan, out: W) -> Result<Rows<W>, String> {
        let kinds: Vec<Kind> = plan
            .columns
            .iter()
            .map(|c| match plan.schema.fields.get(c.field) {
                Some(
                    f @ crate::data::FieldSpec {
                        kind: FieldKind::Number { .. } | FieldKind::Year,
                        ..
                    },
                ) => Kind::Number(precision(f)),
                Some(crate::data::FieldSpec { kind: FieldKind::Bool, .. }) => Kind::Bool,
                _ => Kind::Text,
            })
            .collect();
        let fields: Vec<Field> = plan
            .headers()
            .iter()
            .zip(&kinds)
            .map(|(h, k)| {
                let ty = match k {
                    Kind::Number(p) => DataType::Decimal128(*p, SCALE),
                    Kind::Bool => DataType::Boolean,
                    Kind::Text => DataType::Utf8,
                };
                Field::new(*h, ty, true)
            })
            .collect();
        let schema = Arc::new(ArrowSchema::new(fields));
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_size(ROW_GROUP)
            .set_data_page_size_limit(PAGE_BYTES)
            .build();
        let writer = ArrowWriter::try_new(out, Arc::clone(&schema), Some(props))
            .map_err(|e| e.to_string())?;
        Ok(Rows { kinds, schema, writer, batch: Vec::new() })
    }

    /// Adds a row (its cells in the plan's column order).
    pub fn push(&mut self, row: Vec<Cell>) -> Result<(), String> {
        self.batch.push(row);
        if self.batch.len() as u64 >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the rows added since the last batch.
    fn flush(&mut self) -> Result<(), String> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let arrays = self
            .kinds
            .iter()
            .enumerate()
            .map(|(col, k)| column(&self.batch, col, *k))
            .collect::<Result<Vec<ArrayRef>, String>>()?;
        let batch =
            RecordBatch::try_new(Arc::clone(&self.schema), arrays).map_err(|e| e.to_string())?;
        self.writer.write(&batch).map_err(|e| e.to_string())?;
        self.batch.clear();
        Ok(())
    }

    /// Writes the last rows and the file's footer.
    pub fn finish(mut self) -> Result<(), String> {
        self.flush()?;
        self.writer.close().map_err(|e| e.to_string())?;
        Ok(())
    }
}

/// Column `col` of the rows of a batch.
fn column(batch: &[Vec<Cell>], col: usize, kind: Kind) -> Result<ArrayRef, String> {
    let cells = batch.iter().map(|r| r.get(col).unwrap_or(&Cell::Empty));
    Ok(match kind {
        Kind::Number(p) => {
            let mut b = Decimal128Builder::with_capacity(batch.len())
                .with_precision_and_scale(p, SCALE)
                .map_err(|e| e.to_string())?;
            let limit = 10i128.pow(u32::from(p));
            for c in cells {
                match c {
                    Cell::Number(n) => {
                        let m = mantissa(*n)?;
                        if m.abs() >= limit {
                            return Err(format!("{n} has more than {p} digits"));
                        }
                        b.append_value(m);
                    }
                    _ => b.append_null(),
                }
            }
            Arc::new(b.finish())
        }
        Kind::Bool => {
            let mut b = BooleanBuilder::with_capacity(batch.len());
            for c in cells {
                match c {
                    Cell::Bool(v) => b.append_value(*v),
                    _ => b.append_null(),
                }
            }
            Arc::new(b.finish())
        }
        Kind::Text => {
            let mut b = StringBuilder::new();
            for c in cells {
                match c {
                    Cell::Empty => b.append_null(),
                    other => b.append_value(other.csv_text()),
                }
            }
            Arc::new(b.finish())
        }
    })
}

/// `n` as a mantissa at [`SCALE`] places, exactly.
fn mantissa(n: Decimal) -> Result<i128, String> {
    let mut d = n;
    d.rescale(SCALE.unsigned_abs().into());
    if d != n {
        return Err(format!("{n} has more than {SCALE} decimal places"));
    }
    Ok(d.mantissa())
}

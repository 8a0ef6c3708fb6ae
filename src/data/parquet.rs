//! Parquet registers: the table a database or a warehouse exports (DuckDB's `COPY … TO
//! 'x.parquet'`, pandas, Spark), read batch by batch.
//!
//! A Parquet file is a table with typed columns: its columns' names are the header, as in a CSV
//! file (`孵化面积[2022](㎡)`), and each value is read by its type, exactly: integers and
//! `DECIMAL` columns as the decimals they are, text as text, `BOOLEAN` as yes/no, `DATE` as a
//! date; a floating-point column (`DOUBLE`) as a spreadsheet shows it, to 15 significant digits
//! (a float holds no exact decimal; a register meant exactly stores money as `DECIMAL`). A value
//! of another type (a timestamp, a list) is reported at its cell. Being binary, the file has no
//! text to underline: a cell is named as a spreadsheet's is, `登记簿.parquet!C5`, the header
//! being row 1 and the first subject row 2.
//!
//! Only the codecs that need no C library are built in (uncompressed and Snappy, the default of
//! DuckDB, pandas and Spark); a file compressed otherwise is refused with a diagnostic naming the
//! codec and how to write the file again.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type,
    UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::reader::ChunkReader;
use rust_decimal::Decimal;

use super::table::{DataLoc, RawCell, RawColumn, RawData, RawRow, RawTable, RawValue};
use crate::ast::Date;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Text};
use crate::limits::{MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS};
use crate::source::{Loc, SourceFile, Span};

/// The rows read at a time.
const BATCH: usize = 8192;

/// Reads the Parquet file `name` from `reader`; `None` (with the reason) when it cannot be read
/// as Parquet. More rows or columns than a data file may have, or an over-long text, stop the
/// reading at the first cell past the limit.
pub fn load_parquet<R: ChunkReader + 'static>(
    name: &str,
    reader: R,
) -> (Option<RawData>, Diagnostics) {
    let file = SourceFile::new(name, "");
    let sheet = sheet_name(name);
    let builder = match ParquetRecordBatchReaderBuilder::try_new(reader) {
        Ok(b) => b.with_batch_size(BATCH),
        Err(e) => return (None, vec![unreadable(name, &file, &e.to_string())].into()),
    };
    let raw =
        RawData { file: Arc::clone(&file), table: None, params: Vec::new(), params_loc: None };
    let fields: Vec<(String, DataType)> = builder
        .schema()
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone()))
        .collect();
    if fields.len() > MAX_COLUMNS {
        let loc = DataLoc::Cell { sheet, row: 0, col: u32::try_from(MAX_COLUMNS).unwrap_or(0) };
        return (None, vec![super::too_large(&raw, &loc)].into());
    }
    let columns: Vec<RawColumn> = fields
        .iter()
        .zip(0u32..)
        .map(|((n, _), col)| RawColumn {
            name: n.clone(),
            loc: DataLoc::Cell { sheet: sheet.clone(), row: 0, col },
            sub: None,
        })
        .collect();
    let reader = match builder.build() {
        Ok(r) => r,
        Err(e) => return (None, vec![unreadable(name, &file, &e.to_string())].into()),
    };
    let mut rows: Vec<RawRow> = Vec::new();
    // The header is row 0 (a spreadsheet's row 1); subjects from row 1.
    let mut next_row = 1u32;
    for batch in reader {
        let batch = match batch {
            Ok(b) => b,
            Err(e) => return (None, vec![unreadable(name, &file, &e.to_string())].into()),
        };
        if let Err(d) = read_batch(&batch, &sheet, &raw, &mut next_row, &mut rows) {
            return (None, vec![*d].into());
        }
    }
    let table =
        RawTable { header_loc: DataLoc::Row { sheet, row: 0 }, columns, rows, keyed: false };
    (Some(RawData { table: Some(table), ..raw }), Diagnostics::new())
}

/// The names of the columns of the Parquet file at `path`, from its footer alone.
pub fn column_names(path: &std::path::Path) -> Option<Vec<String>> {
    let file = std::fs::File::open(path).ok()?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).ok()?;
    Some(builder.schema().fields().iter().map(|f| f.name().clone()).collect())
}

/// The name cells are given under: the file's name (`登记簿.parquet`).
fn sheet_name(name: &str) -> String {
    std::path::Path::new(name).file_name().and_then(|n| n.to_str()).unwrap_or(name).to_string()
}

/// Adds the rows of one batch; a row past [`MAX_ROWS`] or a text past [`MAX_CELL_CHARS`] is
/// the diagnostic of the limit at its cell.
fn read_batch(
    batch: &RecordBatch,
    sheet: &str,
    raw: &RawData,
    next_row: &mut u32,
    rows: &mut Vec<RawRow>,
) -> Result<(), Box<Diagnostic>> {
    let columns = batch.columns();
    for i in 0..batch.num_rows() {
        let row = *next_row;
        *next_row = next_row.saturating_add(1);
        if rows.len() >= MAX_ROWS {
            let loc = DataLoc::Row { sheet: sheet.to_string(), row };
            return Err(Box::new(super::too_large(raw, &loc)));
        }
        let mut cells = Vec::with_capacity(columns.len());
        let mut any = false;
        for (array, col) in columns.iter().zip(0u32..) {
            let loc = DataLoc::Cell { sheet: sheet.to_string(), row, col };
            let value = value(array.as_ref(), i);
            if let RawValue::Text(t) = &value
                && t.len() > MAX_CELL_CHARS
                && t.chars().count() > MAX_CELL_CHARS
            {
                return Err(Box::new(super::cell_too_long(raw, &loc, t.chars().count())));
            }
            any |= !value.is_empty();
            cells.push(Some(RawCell { value, loc }));
        }
        // A row with no content is left out, as a blank line of a CSV file is.
        if any {
            rows.push(RawRow { loc: DataLoc::Row { sheet: sheet.to_string(), row }, cells });
        }
    }
    Ok(())
}

/// The value of row `i` of `array`, by the column's type.
fn value(array: &dyn Array, i: usize) -> RawValue {
    if array.is_null(i) {
        return RawValue::Empty;
    }
    let int = |v: i128| RawValue::Number(Decimal::from(v));
    match array.data_type() {
        DataType::Utf8 => RawValue::Text(array.as_string::<i32>().value(i).to_string()),
        DataType::LargeUtf8 => RawValue::Text(array.as_string::<i64>().value(i).to_string()),
        DataType::Utf8View => RawValue::Text(array.as_string_view().value(i).to_string()),
        DataType::Boolean => RawValue::Bool(array.as_boolean().value(i)),
        DataType::Int8 => int(array.as_primitive::<Int8Type>().value(i).into()),
        DataType::Int16 => int(array.as_primitive::<Int16Type>().value(i).into()),
        DataType::Int32 => int(array.as_primitive::<Int32Type>().value(i).into()),
        DataType::Int64 => int(array.as_primitive::<Int64Type>().value(i).into()),
        DataType::UInt8 => int(array.as_primitive::<UInt8Type>().value(i).into()),
        DataType::UInt16 => int(array.as_primitive::<UInt16Type>().value(i).into()),
        DataType::UInt32 => int(array.as_primitive::<UInt32Type>().value(i).into()),
        DataType::UInt64 => int(array.as_primitive::<UInt64Type>().value(i).into()),
        DataType::Float32 => float(f64::from(array.as_primitive::<Float32Type>().value(i))),
        DataType::Float64 => float(array.as_primitive::<Float64Type>().value(i)),
        DataType::Decimal128(_, scale) => {
            let m = array.as_primitive::<arrow_array::types::Decimal128Type>().value(i);
            // Normalised, as a number written in a CSV cell is read (`48400.07`, not
            // `48400.070000`).
            match decimal(m, *scale) {
                RawValue::Number(d) => RawValue::Number(d.normalize()),
                other => other,
            }
        }
        DataType::Date32 => {
            let days = array.as_primitive::<Date32Type>().value(i);
            date_of_days(days).map_or_else(|| RawValue::Invalid(days.to_string()), RawValue::Date)
        }
        other => RawValue::Invalid(format!("{other}")),
    }
}

/// A floating-point value as a spreadsheet shows it: 15 significant digits.
fn float(f: f64) -> RawValue {
    if !f.is_finite() {
        return RawValue::Invalid(f.to_string());
    }
    Decimal::from_scientific(&format!("{f:.14e}"))
        .map_or_else(|_| RawValue::Invalid(f.to_string()), |d| RawValue::Number(d.normalize()))
}

/// A `DECIMAL(p, s)` value: its mantissa `m` at scale `s`, exactly, when a decimal holds it.
fn decimal(m: i128, scale: i8) -> RawValue {
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
    exact.map_or_else(|| RawValue::Invalid(format!("{m}e{}", -i32::from(scale))), RawValue::Number)
}

/// The date `days` after 1970-01-01 (Parquet's `DATE`).
fn date_of_days(days: i32) -> Option<Date> {
    // Howard Hinnant's days-to-civil algorithm, in integers.
    let z = i64::from(days) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Some(Date {
        year: u16::try_from(year).ok()?,
        month: u8::try_from(month).ok()?,
        day: u8::try_from(day).ok()?,
    })
}

/// `ZC0607`: the file is not a Parquet file zhengce can read, with the reader's reason.
fn unreadable(name: &str, file: &Arc<SourceFile>, why: &str) -> Diagnostic {
    let codec = why.contains("codec") || why.contains("compression");
    Diagnostic::new(
        Code::DataFormat,
        Text::new(
            format!("无法读取 Parquet 文件 `{name}`：{why}"),
            format!("cannot read the Parquet file `{name}`: {why}"),
        ),
    )
    .at(Loc::new(file, Span::default()), Text::new("这个文件", "this file"))
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

    #[test]
    fn days_count_from_1970() {
        assert_eq!(date_of_days(0), Some(Date { year: 1970, month: 1, day: 1 }));
        assert_eq!(date_of_days(19_782), Some(Date { year: 2024, month: 2, day: 29 }));
        assert_eq!(date_of_days(-1), Some(Date { year: 1969, month: 12, day: 31 }));
    }

    #[test]
    fn decimals_are_exact_and_floats_as_shown() {
        assert_eq!(decimal(12_345, 2), RawValue::Number(Decimal::new(12_345, 2)));
        assert_eq!(decimal(5, -2), RawValue::Number(Decimal::from(500)));
        assert_eq!(float(0.1 + 0.2), RawValue::Number(Decimal::new(3, 1)));
        assert!(matches!(float(f64::NAN), RawValue::Invalid(_)));
    }
}

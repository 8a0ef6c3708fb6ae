//! Parquet registers: `gen --out X.parquet` and `--data X.parquet` give every bundled subject
//! kind the results its CSV register gives, cell for cell, streamed (`--out`) and loaded;
//! typed columns (integers, `DECIMAL`, `DOUBLE`, `BOOLEAN`, `DATE`, text) are read as the values
//! they hold; a bad value is reported at its line and column of the CSV text the file stands
//! for, a file that is not Parquet is refused with a code, nothing panics.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on a broken expectation"
)]

mod report_common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Decimal128Builder, Float64Builder, Int64Builder, StringBuilder,
};
use arrow_array::{ArrayRef, RecordBatch, TimestampSecondArray};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use parquet::arrow::ArrowWriter;
use report_common::{temp as temp_in, zhengce};
use zhengce::cli::Status;

/// `eval --format csv` of `data` on standard output (in memory), checked against the same report
/// streamed into a file (the runner reads the Parquet batches' columns directly): the same
/// status, bytes and diagnostics.
fn eval_csv(policy: &str, kind: &str, data: &Path) -> (Status, String, String) {
    let base =
        ["eval", policy, "--kind", kind, "--data", data.to_str().unwrap(), "--format", "csv"];
    let (status, out, err) = zhengce(&base);
    let file = data.with_extension("streamed.csv");
    let _ = std::fs::remove_file(&file);
    let mut streamed = base.to_vec();
    streamed.extend(["--out", file.to_str().unwrap()]);
    let (s, nothing, e) = zhengce(&streamed);
    assert!(nothing.is_empty());
    assert_eq!(s, status, "{policy} {kind}: streamed: {e}");
    assert_eq!(e, err, "{policy} {kind}: the streamed run's diagnostics differ");
    let written = std::fs::read(&file).unwrap_or_default();
    assert_eq!(String::from_utf8_lossy(&written), String::from_utf8_lossy(&out), "streamed");
    (status, String::from_utf8(out).unwrap(), err)
}

#[test]
fn every_bundled_kind_gives_the_same_results_from_parquet_as_from_csv() {
    for (policy, kind) in [
        ("policies/provincial.zc", "县"),
        ("policies/taiyuan.zc", "市"),
        ("policies/taiyuan.zc", "基金"),
        ("policies/taiyuan.zc", "贷款"),
        ("policies/xinjiang.zc", "企业"),
        ("policies/xinjiang.zc", "项目"),
        ("policies/xinjiang.zc", "考核项目"),
        ("policies/xinjiang.zc", "县"),
        ("policies/yangcheng.zc", "支出"),
        ("policies/yangcheng.zc", "企业"),
        ("policies/zezhou.zc", "企业"),
        ("policies/zezhou.zc", "担保业务"),
        ("policies/zezhou.zc", "担保机构"),
        ("policies/zezhou.zc", "县"),
        // Owners with their members beside them (`19-转化企业.转化项目.parquet`).
        ("policies/zezhou.zc", "转化企业"),
    ] {
        let stem = format!("{}-{kind}", policy.len());
        let csv = temp(&format!("{stem}.csv"));
        let pq = temp(&format!("{stem}.parquet"));
        for out in [&csv, &pq] {
            let args = [
                "gen",
                policy,
                "--kind",
                kind,
                "--rows",
                "400",
                "--seed",
                "9",
                "--out",
                out.to_str().unwrap(),
            ];
            let (status, _, err) = zhengce(&args);
            assert_eq!(status, Status::Ok, "{policy} {kind}: {err}");
        }
        let (a, want, want_err) = eval_csv(policy, kind, &csv);
        let (b, got, err) = eval_csv(policy, kind, &pq);
        assert_eq!(a, b, "{policy} {kind}: {err}");
        assert!(want.lines().count() > 400, "{policy} {kind}: {want_err}");
        assert_eq!(got, want, "{policy} {kind}: the results differ");
        // Streamed into a file: the same bytes.
        let out = temp(&format!("{stem}.out.csv"));
        let args = ["eval", policy, "--kind", kind, "--data", pq.to_str().unwrap()];
        let mut args = args.to_vec();
        args.extend(["--format", "csv", "--out", out.to_str().unwrap()]);
        let (status, _, err) = zhengce(&args);
        assert_eq!(status, a, "{policy} {kind}: {err}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), want, "{policy} {kind}: streamed");
        // The same diagnostics, but for the data file's name.
        let csv_name = csv.to_str().unwrap();
        let pq_name = pq.to_str().unwrap();
        assert_eq!(err.replace(pq_name, csv_name), want_err, "{policy} {kind}");
    }
}

/// The frozen flat copy of zezhou, whose 企业 still carries 二(二)6's fields (转化项目符合条件,
/// 转化成果来源, 转化实际发生费用), which the typed registers and DuckDB's register below hold; the
/// bundled policy now reads them per 转化项目.
const FLAT: &str = "tests/fixtures/zezhou_flat.zc";

/// A Parquet file of zezhou's enterprises with typed columns.
fn typed_register(path: &PathBuf, area: ArrayRef, extra: Option<(Field, ArrayRef)>) {
    let mut names = StringBuilder::new();
    let mut level = StringBuilder::new();
    let mut eligible = BooleanBuilder::new();
    let mut source = StringBuilder::new();
    // Amounts in fen: DECIMAL(18, 2).
    let mut cost = Decimal128Builder::new().with_precision_and_scale(18, 2).unwrap();
    let mut year = Int64Builder::new();
    // The ids in increasing order (丙 U+4E19, 乙 U+4E59, 甲 U+7532), as the register runner
    // takes them: the streamed report is the runner's, not the in-memory path's.
    for (name, lvl, ok, src, fen, y) in [
        ("丙公司", Some("市级"), false, "全县", 5_000_000_i128, 2024_i64),
        ("乙公司", None, true, "市及市外", 123_456_789, 2023),
        ("甲公司", Some("省级"), true, "全县", 10_000_000, 2024),
    ] {
        names.append_value(name);
        match lvl {
            Some(l) => level.append_value(l),
            None => level.append_null(),
        }
        eligible.append_value(ok);
        source.append_value(src);
        cost.append_value(fen);
        year.append_value(y);
    }
    let mut fields = vec![
        Field::new("企业名称", DataType::Utf8, false),
        Field::new("孵化载体认定级别", DataType::Utf8, true),
        Field::new("孵化面积[2024](㎡)", area.data_type().clone(), true),
        Field::new("转化项目符合条件", DataType::Boolean, true),
        Field::new("转化成果来源", DataType::Utf8, true),
        Field::new("转化实际发生费用(元)", DataType::Decimal128(18, 2), true),
        Field::new("高新认定年份", DataType::Int64, true),
    ];
    let mut arrays: Vec<ArrayRef> = vec![
        Arc::new(names.finish()),
        Arc::new(level.finish()),
        area,
        Arc::new(eligible.finish()),
        Arc::new(source.finish()),
        Arc::new(cost.finish()),
        Arc::new(year.finish()),
    ];
    if let Some((f, a)) = extra {
        fields.push(f);
        arrays.push(a);
    }
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(Arc::clone(&schema), arrays).unwrap();
    let file = std::fs::File::create(path).unwrap();
    let mut w = ArrowWriter::try_new(file, schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

fn areas() -> ArrayRef {
    let mut area = Float64Builder::new();
    area.append_value(0.1 + 0.2);
    area.append_value(1800.5);
    area.append_value(2500.0);
    Arc::new(area.finish())
}

#[test]
fn typed_columns_are_read_as_the_values_they_hold() {
    let pq = temp("zezhou.typed.parquet");
    typed_register(&pq, areas(), None);
    // Its parameters beside it, as beside a CSV register.
    let params = "参数,值\n市级专精特新奖励额(万元),3\n省级小巨人奖励额(万元),5\n国家级小巨人奖励额(万元),5\n高新奖励(万元),5\n";
    std::fs::write(temp("zezhou.typed.参数.csv"), params).unwrap();
    let (status, out, err) = eval_csv(FLAT, "企业", &pq);
    assert_eq!(status, Status::Ok, "{err}");
    let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split(',').collect()).collect();
    let col = |name: &str| rows[0].iter().position(|h| h.starts_with(name)).unwrap();
    let row = |id: &str| rows.iter().find(|r| r[0] == id).unwrap();
    // 省级: 20 元/㎡ × 2,500 ㎡ = 50,000 元 and 10 元/㎡ more, 25,000 元 (the DOUBLE 2500.0
    // read as 2500).
    assert_eq!(row("甲公司")[col("孵化载体补助")], "50000");
    assert_eq!(row("甲公司")[col("孵化载体省级以上补助")], "25000");
    // 全县 source: 30% of the DECIMAL 100,000.00 = 30,000 元, under the 50万元 cap.
    assert_eq!(row("甲公司")[col("科技成果转化补助")], "30000");
    // 市及市外: 20% of 1,234,567.89 = 246,913.578 元, under the 30万元 cap: exact, no rounding.
    assert_eq!(row("乙公司")[col("科技成果转化补助")], "246913.578");
    // Not eligible (BOOLEAN false): nothing.
    assert_eq!(row("丙公司")[col("科技成果转化补助")], "0");
    // 市级: 20 元/㎡ × 0.3 ㎡ (0.1 + 0.2 as a DOUBLE, shown to 15 digits: 0.3) = 6 元, and no
    // 省级 part.
    assert_eq!(row("丙公司")[col("孵化载体补助")], "6");
    assert_eq!(row("丙公司")[col("孵化载体省级以上补助")], "0");
    // No level given (a null cell): no 孵化载体 award.
    assert_eq!(row("乙公司")[col("孵化载体补助")], "0");
}

#[test]
fn a_bad_value_is_reported_at_its_cell() {
    let pq = temp("zezhou.bad.parquet");
    let mut area = StringBuilder::new();
    area.append_value("2500");
    area.append_value("12abc");
    area.append_value("30");
    typed_register(&pq, Arc::new(area.finish()), None);
    let (status, out, err) = eval_csv(FLAT, "企业", &pq);
    assert_eq!(status, Status::Errors, "{err}");
    assert!(out.is_empty(), "nothing is evaluated from invalid data");
    assert!(err.contains("ZC0603"), "{err}");
    // Read as the CSV text the file stands for: the header is line 1, the second subject line 3;
    // its third cell starts at column 6 (`乙公司,,12abc`).
    assert!(err.contains("zezhou.bad.parquet:3:6:"), "{err}");
    assert!(err.contains("12abc"), "{err}");
}

#[test]
fn a_value_of_another_type_is_reported_at_its_cell() {
    let pq = temp("zezhou.stamp.parquet");
    let stamps: ArrayRef = Arc::new(TimestampSecondArray::from(vec![0_i64, 1, 2]));
    let field = Field::new("首次认定年份", DataType::Timestamp(TimeUnit::Second, None), true);
    typed_register(&pq, areas(), Some((field, stamps)));
    let (status, _, err) = eval_csv(FLAT, "企业", &pq);
    assert_eq!(status, Status::Errors, "{err}");
    // Each subject's cell, named by its type.
    assert!(err.contains("zezhou.stamp.parquet:2:"), "{err}");
    assert!(err.contains("zezhou.stamp.parquet:4:"), "{err}");
    assert!(err.contains("Timestamp"), "{err}");
}

#[test]
fn dates_are_read_as_dates() {
    // A DATE column where a year is asked for is refused at its cell; the date is read as a
    // date (2024-02-29, 19,782 days after 1970-01-01), not as a number of days.
    let pq = temp("zezhou.date.parquet");
    let mut d = Date32Builder::new();
    for _ in 0..3 {
        d.append_value(19_782);
    }
    let field = Field::new("首次认定年份", DataType::Date32, true);
    typed_register(&pq, areas(), Some((field, Arc::new(d.finish()))));
    let (status, _, err) = eval_csv(FLAT, "企业", &pq);
    assert_eq!(status, Status::Errors, "{err}");
    assert!(err.contains("`2024-02-29`"), "{err}");
    assert!(err.contains("zezhou.date.parquet:2:"), "{err}");
}

#[test]
fn a_file_that_is_not_parquet_is_refused_with_a_code() {
    let pq = temp("zezhou.broken.parquet");
    for bytes in [&b""[..], b"PAR1", b"PAR1 not really a parquet file PAR1", b"a,b\n1,2\n"] {
        std::fs::write(&pq, bytes).unwrap();
        let (status, out, err) = eval_csv(FLAT, "企业", &pq);
        assert_ne!(status, Status::Ok);
        assert!(out.is_empty());
        assert!(err.contains("ZC0607"), "{err}");
    }
    // A file whose metadata makes the Parquet reader panic (found by fuzzing): refused, not a
    // crash.
    let (status, out, err) =
        eval_csv(FLAT, "企业", Path::new("tests/fixtures/parquet/malformed-metadata.parquet"));
    assert_eq!(status, Status::Errors, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("ZC0607") && !err.contains("panicked"), "{err}");
    // A real file cut short.
    let whole = temp("zezhou.whole.parquet");
    typed_register(&whole, areas(), None);
    let bytes = std::fs::read(&whole).unwrap();
    for cut in [bytes.len() / 3, bytes.len() / 2, bytes.len() - 3] {
        std::fs::write(&pq, &bytes[..cut]).unwrap();
        let (status, _, err) = eval_csv(FLAT, "企业", &pq);
        assert_ne!(status, Status::Ok);
        assert!(err.contains("ZC0607"), "{err}");
    }
}

#[test]
fn the_same_seed_writes_the_same_bytes() {
    let a = temp("seed-a.parquet");
    let b = temp("seed-b.parquet");
    for out in [&a, &b] {
        let args =
            ["gen", "policies/xinjiang.zc", "--kind", "企业", "--rows", "300", "--seed", "4"];
        let mut args = args.to_vec();
        args.extend(["--out", out.to_str().unwrap()]);
        assert_eq!(zhengce(&args).0, Status::Ok);
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

/// A policy in the test's folder of one kind, 企业 (its id 名称, its income 收入 in 万元, and the
/// fields `more`), awarding 1% of the income.
fn income_policy(test: &str, more: &str) -> PathBuf {
    let policy = temp_in(test, "p.zc");
    let text = format!(
        "政策 \"收入奖励\" {{\n  发文机关: \"某县\"\n}}\n\n主体 企业 {{\n  标识 名称; 名称: 文本\n  \
         收入: 万元\n{more}}}\n\n对于 企业 {{\n  § 一 「按收入的1%奖励」\n  \
         奖励 奖励金 {{ 金额 收入 × 1% }}\n}}\n"
    );
    std::fs::write(&policy, text).unwrap();
    policy
}

fn temp(name: &str) -> PathBuf {
    temp_in("parquet", name)
}

/// A register written by another engine (DuckDB 1.1.3, `COPY t TO 'x.parquet' (FORMAT parquet,
/// COMPRESSION snappy, ROW_GROUP_SIZE 64)` from the CSV beside it, its columns typed by
/// DuckDB's own reading: BIGINT and DOUBLE where the values allow): its pages and footer pass
/// the checks made before the reader decodes them, and its results are the CSV's, cell for cell,
/// in memory and streamed.
#[test]
fn a_register_written_by_duckdb_gives_the_csv_registers_results() {
    let dir = Path::new("tests/fixtures/parquet");
    for name in ["duckdb.企业.csv", "duckdb.企业.parquet", "duckdb.企业.参数.csv"] {
        std::fs::copy(dir.join(name), temp(name)).unwrap();
    }
    let (a, want, want_err) = eval_csv(FLAT, "企业", &temp("duckdb.企业.csv"));
    let pq = temp("duckdb.企业.parquet");
    let (b, got, err) = eval_csv(FLAT, "企业", &pq);
    assert_eq!(a, b, "{err}");
    assert_eq!(want.lines().count(), 202, "{want_err}");
    assert_eq!(got, want);
}

/// `gen` writes a number column as a 64-bit `DECIMAL(18, 6)` (as DuckDB and Spark store one),
/// and as `DECIMAL(38, 6)` where the field's declared range reaches 10^12 in base units
/// (2,000,000亿元 here, past what 18 digits hold at 6 places); both read back as the CSV
/// register's values.
#[test]
fn gen_stores_numbers_in_64_bits_unless_the_declared_range_needs_more() {
    use parquet::basic::Type as Physical;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let policy = income_policy("parquet-precision", "  资产: 亿元 范围 0亿元 至 20000亿元\n");
    let p = policy.to_str().unwrap();
    let pq = temp_in("parquet-precision", "r.parquet");
    let csv = temp_in("parquet-precision", "r.csv");
    for out in [&pq, &csv] {
        let (status, _, err) =
            zhengce(&["gen", p, "--kind", "企业", "--rows", "300", "--out", out.to_str().unwrap()]);
        assert_eq!(status, Status::Ok, "{err}");
    }
    let reader = SerializedFileReader::new(std::fs::File::open(&pq).unwrap()).unwrap();
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    let physical = |name: &str| {
        schema.columns().iter().find(|c| c.name().starts_with(name)).unwrap().physical_type()
    };
    assert_eq!(physical("收入"), Physical::INT64);
    assert_eq!(physical("资产"), Physical::FIXED_LEN_BYTE_ARRAY);
    let (s1, from_parquet, e1) = eval_csv(p, "企业", &pq);
    let (s2, from_csv, e2) = eval_csv(p, "企业", &csv);
    assert_eq!((s1, s2), (Status::Ok, Status::Ok), "{e1}{e2}");
    assert_eq!(from_parquet, from_csv);
}

/// A register of many row groups (500 rows each, decoded by the workers side by side, a group
/// each) and of one (3,000 rows, decoded by the workers in turn at one reader, a batch each):
/// the same report as its CSV twin, row for row in the file's order; and, with a bad value in a
/// late row, the same diagnostic, at its line (row index + 2).
#[test]
fn a_register_of_many_row_groups_or_one_gives_the_csv_report_and_a_late_bad_value_at_its_line() {
    use parquet::file::properties::WriterProperties;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let policy = "policies/zezhou.zc";
    let generated = report_common::generate("parquet", policy, "企业", "3000", "9");
    let params = PathBuf::from(generated.to_str().unwrap().replace(".csv", ".参数.csv"));
    let mut reader = csv::Reader::from_path(&generated).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    let rows: Vec<Vec<String>> =
        reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    assert_eq!(rows.len(), 3000);
    // A number column, and the row whose cell is spoiled: in the sixth row group.
    let col = header.iter().position(|h| h.contains("(万元)") || h.contains("(元)")).unwrap();
    let bad_row = 2_700;
    // And the same mistake down the column from row 100, every third row (967 cells): the
    // first ten shown, the others counted, from the file as from the CSV twin.
    let down: Vec<usize> = (100..3000).step_by(3).collect();
    let cases = [
        ("many", &[][..], 500),
        ("late", &[bad_row][..], 500),
        ("one", &[][..], 3000),
        ("one-late", &[bad_row][..], 3000),
        ("down", &down[..], 500),
        ("one-down", &down[..], 3000),
    ];
    for (stem, spoilt, group_rows) in cases {
        let bad = !spoilt.is_empty();
        let mut rows = rows.clone();
        for &r in spoilt {
            rows[r][col] = "12abc".to_string();
        }
        let csv_path = temp(&format!("{stem}.csv"));
        let pq = temp(&format!("{stem}.parquet"));
        std::fs::copy(&params, temp(&format!("{stem}.参数.csv"))).unwrap();
        let mut w = csv::Writer::from_path(&csv_path).unwrap();
        w.write_record(&header).unwrap();
        for r in &rows {
            w.write_record(r).unwrap();
        }
        w.flush().unwrap();
        // Every column as text, an empty cell a null.
        let fields: Vec<Field> =
            header.iter().map(|h| Field::new(h, DataType::Utf8, true)).collect();
        let schema = Arc::new(Schema::new(fields));
        let arrays: Vec<ArrayRef> = (0..header.len())
            .map(|c| {
                let mut b = StringBuilder::new();
                for r in &rows {
                    match r[c].as_str() {
                        "" => b.append_null(),
                        v => b.append_value(v),
                    }
                }
                Arc::new(b.finish()) as ArrayRef
            })
            .collect();
        let batch = RecordBatch::try_new(Arc::clone(&schema), arrays).unwrap();
        let props = WriterProperties::builder().set_max_row_group_size(group_rows).build();
        let mut writer =
            ArrowWriter::try_new(std::fs::File::create(&pq).unwrap(), schema, Some(props)).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        let groups =
            SerializedFileReader::new(std::fs::File::open(&pq).unwrap()).unwrap().num_row_groups();
        assert_eq!(groups, 3000 / group_rows);
        let (a, want, want_err) = eval_csv(policy, "企业", &csv_path);
        let (b, got, err) = eval_csv(policy, "企业", &pq);
        assert_eq!(a, b, "{err}");
        let pq_name = pq.to_str().unwrap();
        assert_eq!(err.replace(pq_name, csv_path.to_str().unwrap()), want_err);
        assert_eq!(got, want, "the results differ");
        if bad {
            assert_eq!(b, Status::Errors, "{err}");
            assert!(got.is_empty(), "nothing is evaluated from invalid data");
            assert!(err.contains("ZC0603"), "{err}");
            assert!(err.contains(&format!("{pq_name}:{}:", spoilt[0] + 2)), "{err}");
            assert_eq!(err.matches("ZC0603").count(), spoilt.len().min(10), "{err}");
            if spoilt.len() > 10 {
                assert!(err.contains(&format!("另有 {} 处同样的问题", spoilt.len() - 10)), "{err}");
            }
        } else {
            assert_eq!(b, Status::Ok, "{err}");
            assert_eq!(got.lines().count(), 3000 + 2, "the header, the rows, the totals");
            // The rows in the register's order.
            let ids: Vec<&str> =
                got.lines().skip(1).take(3000).map(|l| l.split(',').next().unwrap()).collect();
            let want_ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
            assert_eq!(ids, want_ids);
        }
    }
}

/// A register whose text columns are stored three ways (in the writer's dictionary, plainly,
/// and as an Arrow dictionary column, as pandas writes a categorical) and whose `DECIMAL`s are
/// stored in 32 and in 64 bits (precision 9 and 18): read as the CSV register of the same
/// values, cell for cell, in memory and streamed (the runner reads a text column whose pages
/// are all dictionary-encoded as its dictionary, and a decimal at its stored width).
#[test]
fn texts_and_decimals_are_read_however_the_file_stores_them() {
    use arrow_array::types::Int8Type;
    use arrow_array::{BooleanArray, Decimal128Array, DictionaryArray, Int64Array, StringArray};
    use parquet::basic::Type as Physical;
    use parquet::file::properties::WriterProperties;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::schema::types::ColumnPath;
    let pq = temp("stored.parquet");
    let csv_path = temp("stored.csv");
    let params = "参数,值\n市级专精特新奖励额(万元),3\n省级小巨人奖励额(万元),5\n国家级小巨人奖励额(万元),5\n高新奖励(万元),5\n";
    std::fs::write(temp("stored.参数.csv"), params).unwrap();
    std::fs::write(
        &csv_path,
        "企业名称,孵化载体认定级别,孵化面积[2024](㎡),转化项目符合条件,转化成果来源,转化实际发生费用(元),高新认定年份\n\
         甲公司,省级,2500,是,全县,100000,2024\n\
         乙公司,,1800.5,是,市及市外,1234567.89,2023\n\
         丙公司,市级,0.3,否,全县,50000,2024\n",
    )
    .unwrap();
    let level: DictionaryArray<Int8Type> =
        vec![Some("省级"), None, Some("市级")].into_iter().collect();
    let decimal = |values: Vec<i128>, precision: u8| -> ArrayRef {
        Arc::new(Decimal128Array::from(values).with_precision_and_scale(precision, 2).unwrap())
    };
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("企业名称", Arc::new(StringArray::from(vec!["甲公司", "乙公司", "丙公司"]))),
        ("孵化载体认定级别", Arc::new(level)),
        ("孵化面积[2024](㎡)", decimal(vec![250_000, 180_050, 30], 18)),
        ("转化项目符合条件", Arc::new(BooleanArray::from(vec![true, true, false]))),
        ("转化成果来源", Arc::new(StringArray::from(vec!["全县", "市及市外", "全县"]))),
        ("转化实际发生费用(元)", decimal(vec![10_000_000, 123_456_789, 5_000_000], 9)),
        ("高新认定年份", Arc::new(Int64Array::from(vec![2024, 2023, 2024]))),
    ];
    let fields: Vec<Field> =
        columns.iter().map(|(n, a)| Field::new(*n, a.data_type().clone(), true)).collect();
    let schema = Arc::new(Schema::new(fields));
    let arrays: Vec<ArrayRef> = columns.into_iter().map(|(_, a)| a).collect();
    let batch = RecordBatch::try_new(Arc::clone(&schema), arrays).unwrap();
    // 转化成果来源 written plainly: its text is read as text, not as a dictionary.
    let props = WriterProperties::builder()
        .set_column_dictionary_enabled(ColumnPath::from("转化成果来源"), false)
        .build();
    let mut w =
        ArrowWriter::try_new(std::fs::File::create(&pq).unwrap(), schema, Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    // The file stores what the test means it to.
    let reader = SerializedFileReader::new(std::fs::File::open(&pq).unwrap()).unwrap();
    let group = reader.metadata().row_group(0);
    let chunk = |name: &str| group.columns().iter().find(|c| c.column_path().string() == name);
    assert_eq!(chunk("孵化面积[2024](㎡)").unwrap().column_type(), Physical::INT64);
    assert_eq!(chunk("转化实际发生费用(元)").unwrap().column_type(), Physical::INT32);
    assert!(chunk("企业名称").unwrap().dictionary_page_offset().is_some());
    assert!(chunk("转化成果来源").unwrap().dictionary_page_offset().is_none());
    let (a, want, want_err) = eval_csv(FLAT, "企业", &csv_path);
    let (b, got, err) = eval_csv(FLAT, "企业", &pq);
    assert_eq!((a, b), (Status::Ok, Status::Ok), "{want_err}{err}");
    assert_eq!(got, want);
    let rows: Vec<Vec<&str>> = got.lines().map(|l| l.split(',').collect()).collect();
    let col = |name: &str| rows[0].iter().position(|h| h.starts_with(name)).unwrap();
    let row = |id: &str| rows.iter().find(|r| r[0] == id).unwrap();
    // 省级 from the Arrow dictionary: 20 元/㎡ × 2,500.00 ㎡ (64-bit) = 50,000 元.
    assert_eq!(row("甲公司")[col("孵化载体补助")], "50000");
    // 市及市外 (plain text): 20% of 1,234,567.89 (32-bit) = 246,913.578 元, under 30万元.
    assert_eq!(row("乙公司")[col("科技成果转化补助")], "246913.578");
    // 市级: 20 元/㎡ × 0.30 ㎡ = 6 元.
    assert_eq!(row("丙公司")[col("孵化载体补助")], "6");
}

/// A policy of one kind whose rules read a yes-or-no field and two years, and a register of
/// four enterprises for it whose years are stored as integers (`认定年份`, 32 bits) and as
/// `DECIMAL(10, 3)` (`投产年份`), and whose `符合条件` is a `BOOLEAN` with a null, beside its
/// CSV twin (`X.twin.csv`): the policy and the Parquet file. The register runner reads such a
/// year from its digits and a `BOOLEAN` as the value it is; the loader reads their text.
fn typed_years(
    stem: &str,
    years: [i32; 4],
    built: [Option<i128>; 4],
    text: [&str; 4],
) -> (PathBuf, PathBuf) {
    use arrow_array::{BooleanArray, Decimal128Array, Int32Array, StringArray};
    let policy = temp(&format!("{stem}.zc"));
    std::fs::write(
        &policy,
        "政策 \"年份\" {\n  发文机关: \"某县\"\n}\n\n主体 企业 {\n  标识 名称; 名称: 文本\n  收入: 万元\n  \
         认定年份: 年份 可选\n  投产年份: 年份 可选\n  符合条件: 是否 可选\n}\n\n对于 企业 {\n  \
         § 一 「符合条件的，按收入的1%奖励」\n  奖励 奖励金 {\n    当 符合条件\n    金额 收入 × 1%\n  }\n  \
         § 二 「投产三年内认定的，奖励1万元」\n  奖励 认定奖励 {\n    当 认定年份 - 投产年份 < 3年\n    金额 1万元\n  }\n}\n",
    )
    .unwrap();
    // In increasing order, as the register runner takes them (else the report is made in memory).
    let names = ["企业1", "企业2", "企业3", "企业4"];
    let income = [100, 200, 300, 400];
    let eligible = [Some(true), None, Some(false), Some(true)];
    let mut csv = String::from("名称,收入(万元),认定年份,投产年份,符合条件\n");
    for k in 0..4 {
        let yes = match eligible[k] {
            Some(true) => "是",
            Some(false) => "否",
            None => "",
        };
        csv.push_str(&format!("{},{},{},{},{yes}\n", names[k], income[k], years[k], text[k]));
    }
    let pq = temp(&format!("{stem}.parquet"));
    std::fs::write(pq.with_extension("twin.csv"), csv).unwrap();
    let built = Decimal128Array::from(built.to_vec()).with_precision_and_scale(10, 3).unwrap();
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("名称", Arc::new(StringArray::from(names.to_vec()))),
        ("收入(万元)", Arc::new(Int32Array::from(income.to_vec()))),
        ("认定年份", Arc::new(Int32Array::from(years.to_vec()))),
        ("投产年份", Arc::new(built)),
        ("符合条件", Arc::new(BooleanArray::from(eligible.to_vec()))),
    ];
    let fields: Vec<Field> =
        columns.iter().map(|(n, a)| Field::new(*n, a.data_type().clone(), true)).collect();
    let schema = Arc::new(Schema::new(fields));
    let arrays: Vec<ArrayRef> = columns.into_iter().map(|(_, a)| a).collect();
    let batch = RecordBatch::try_new(Arc::clone(&schema), arrays).unwrap();
    let mut w = ArrowWriter::try_new(std::fs::File::create(&pq).unwrap(), schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    (policy, pq)
}

#[test]
fn years_and_booleans_stored_typed_are_read_as_their_text_is() {
    let (policy, pq) = typed_years(
        "typed-years",
        [2024, 2023, 2024, 2022],
        [Some(2_023_000), None, Some(2_020_000), Some(2_021_000)],
        ["2023", "", "2020", "2021"],
    );
    let policy = policy.to_str().unwrap();
    let (a, want, want_err) = eval_csv(policy, "企业", &pq.with_extension("twin.csv"));
    let (b, got, err) = eval_csv(policy, "企业", &pq);
    assert_eq!((a, b), (Status::Ok, Status::Ok), "{want_err}{err}");
    assert_eq!(got, want);
    // 符合条件 true: 1% of 100万元 and of 400万元; false, and the null (an empty cell): nothing.
    // 认定年份 (INT32) less 投产年份 (DECIMAL 2023.000 read as 2023): 1 year for 企业1 and 企业4,
    // 4 for 企业3 (no award), none for 企业2 (no 投产年份).
    assert_eq!(
        got,
        "名称,奖励金,认定奖励,合计\n企业1,10000,10000,20000\n企业2,0,0,0\n企业3,0,0,0\n\
         企业4,40000,10000,50000\n合计,50000,20000,70000\n"
    );
}

#[test]
fn a_stored_year_that_is_not_four_digits_is_refused_at_its_cell_as_its_text_is() {
    // 999, 12345 and -2024 as integers; 2021.5 as the DECIMAL 2021.500.
    let (policy, pq) = typed_years(
        "bad-years",
        [999, 12_345, -2024, 2024],
        [Some(2_021_000), Some(2_021_000), Some(2_021_000), Some(2_021_500)],
        ["2021", "2021", "2021", "2021.5"],
    );
    let policy = policy.to_str().unwrap();
    let twin = pq.with_extension("twin.csv");
    let (a, _, want_err) = eval_csv(policy, "企业", &twin);
    let (b, _, err) = eval_csv(policy, "企业", &pq);
    assert_eq!((a, b), (Status::Errors, Status::Errors), "{want_err}{err}");
    let name = pq.to_str().unwrap();
    assert_eq!(err.replace(name, twin.to_str().unwrap()), want_err);
    for line in [2, 3, 4, 5] {
        assert!(err.contains(&format!("{name}:{line}:")), "{line}: {err}");
    }
}

/// A page damaged in the file's last rows (a text value's length spoiled; the footer and the
/// page headers sound, so only decoding finds it): refused with `ZC0607` naming the file, not a
/// crash, streamed by workers decoding a row group each or taking turns at them, and loaded.
#[test]
fn a_page_damaged_late_in_the_file_is_refused_however_the_workers_read_it() {
    use parquet::basic::Compression;
    use parquet::file::properties::WriterProperties;
    let policy = income_policy("parquet-damaged", "");
    let p = policy.to_str().unwrap();
    let n = 1200;
    let mut names = StringBuilder::new();
    let mut income = Int64Builder::new();
    for i in 0..n {
        names.append_value(format!("公司{i:05}"));
        income.append_value(i64::from(i) + 1);
    }
    let schema = Arc::new(Schema::new(vec![
        Field::new("名称", DataType::Utf8, false),
        Field::new("收入(万元)", DataType::Int64, false),
    ]));
    let arrays: Vec<ArrayRef> = vec![Arc::new(names.finish()), Arc::new(income.finish())];
    let batch = RecordBatch::try_new(Arc::clone(&schema), arrays).unwrap();
    for (stem, group_rows) in [("groups", 200), ("one", 1200)] {
        let pq = temp_in("parquet-damaged", &format!("{stem}.parquet"));
        // Values written plainly, uncompressed: each name as its length and its bytes.
        let props = WriterProperties::builder()
            .set_max_row_group_size(group_rows)
            .set_dictionary_enabled(false)
            .set_compression(Compression::UNCOMPRESSED)
            .set_statistics_enabled(parquet::file::properties::EnabledStatistics::None)
            .build();
        let file = std::fs::File::create(&pq).unwrap();
        let mut w = ArrowWriter::try_new(file, Arc::clone(&schema), Some(props)).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        let args = ["eval", p, "--kind", "企业", "--data", pq.to_str().unwrap(), "--format", "csv"];
        // Sound, the file gives every row.
        let (status, out, err) = zhengce(&args);
        assert_eq!(status, Status::Ok, "{err}");
        assert_eq!(String::from_utf8(out).unwrap().lines().count(), n as usize + 2);
        let mut bytes = std::fs::read(&pq).unwrap();
        let value = "公司01100".as_bytes();
        let at: Vec<usize> = (0..bytes.len() - value.len())
            .filter(|&i| &bytes[i..i + value.len()] == value)
            .collect();
        assert_eq!(at.len(), 1, "the value is written once");
        assert_eq!(bytes[at[0] - 4..at[0]], (value.len() as u32).to_le_bytes());
        bytes[at[0] - 4..at[0]].copy_from_slice(&0x7fff_fff0_u32.to_le_bytes());
        std::fs::write(&pq, &bytes).unwrap();
        let (status, out, err) = zhengce(&args);
        assert_eq!(status, Status::Errors, "loaded, {stem}: {err}");
        assert!(out.is_empty(), "{stem}");
        assert!(err.contains("ZC0607") && !err.contains("panicked"), "loaded, {stem}: {err}");
        // Six row groups: a group each for two workers, in turn for four (fewer than two
        // groups each), the damaged group prepared ahead by one of them.
        for threads in ["2", "4"] {
            let written = temp_in("parquet-damaged", &format!("{stem}.{threads}.csv"));
            let mut streamed = args.to_vec();
            streamed.extend(["--threads", threads, "--out", written.to_str().unwrap()]);
            let (status, _, err) = zhengce(&streamed);
            let at = format!("streamed, {stem}, {threads} threads");
            assert_eq!(status, Status::Errors, "{at}: {err}");
            assert!(err.contains("ZC0607") && !err.contains("panicked"), "{at}: {err}");
            assert!(err.contains(&format!("{stem}.parquet")), "{at}: {err}");
        }
    }
}

/// A register whose year columns a database exported as decimals (DuckDB's `COPY … TO
/// 'x.csv'` of a `DECIMAL` column writes `2023.000000`; pandas writes a float column's `2023.0`):
/// the same years, so the same report as the register written with whole years, in memory and
/// streamed (every such row was refused with `ZC0603` before, one diagnostic per cell).
#[test]
fn years_written_with_zero_decimals_are_the_same_years() {
    let policy = "policies/zezhou.zc";
    let generated = report_common::generate("decimal-years", policy, "企业", "300", "7");
    let params = PathBuf::from(generated.to_str().unwrap().replace(".csv", ".参数.csv"));
    let mut reader = csv::Reader::from_path(&generated).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    let years: Vec<usize> = (0..header.len()).filter(|&c| header[c].ends_with("年份")).collect();
    assert_eq!(years.len(), 2, "{header:?}");
    let mut changed = 0;
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| {
            let mut row: Vec<String> = r.unwrap().iter().map(str::to_string).collect();
            for (k, &c) in years.iter().enumerate() {
                if !row[c].is_empty() {
                    row[c] = format!("{}{}", row[c], if k == 0 { ".000000" } else { ".0" });
                    changed += 1;
                }
            }
            row
        })
        .collect();
    assert!(changed > 100, "{changed} years rewritten");
    let decimal = temp("decimal-years.csv");
    std::fs::copy(&params, temp("decimal-years.参数.csv")).unwrap();
    let mut w = csv::Writer::from_path(&decimal).unwrap();
    w.write_record(&header).unwrap();
    for r in &rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
    let (a, want, _) = eval_csv(policy, "企业", &generated);
    let (b, got, err) = eval_csv(policy, "企业", &decimal);
    assert_eq!((a, b), (Status::Ok, Status::Ok), "{err}");
    assert!(!err.contains("ZC0603"), "{err}");
    assert_eq!(got, want);
}

/// A `DECIMAL` stored as fixed-length bytes in as few as its digits take (pyarrow's and Spark's
/// way: `DECIMAL(6, 2)` in 3 bytes, `DECIMAL(12, 2)` in 6, `DECIMAL(20, 2)` in 9), negative
/// values among them: the same report as the CSV register of those values, in memory and
/// streamed, whether the reader keeps it in 32, 64 or 128 bits.
#[test]
fn decimals_in_fixed_length_bytes_are_read_at_any_width() {
    use parquet::basic::{LogicalType, Repetition, Type as Physical};
    use parquet::data_type::{ByteArray, ByteArrayType, FixedLenByteArray, FixedLenByteArrayType};
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::types::Type;
    // A change in income may be negative (a declared range allows it); the award is on both.
    let policy = temp_in("parquet-flba", "p.zc");
    let text = "政策 \"收入奖励\" {\n  发文机关: \"某县\"\n}\n\n主体 企业 {\n  标识 名称; 名称: 文本\n  \
                收入: 万元\n  增减: 万元 范围 -10000万元 至 20000万元\n}\n\n对于 企业 {\n  \
                § 一 「按收入及其增减的1%奖励」\n  奖励 奖励金 { 金额 (收入 + 增减) × 1% }\n}\n";
    std::fs::write(&policy, text).unwrap();
    let p = policy.to_str().unwrap();
    // 收入 in 万元, to the fen: 12,345.67, −0.05, 0, −9,999.99, 0.01.
    let cents: [i64; 5] = [1_234_567, -5, 0, -999_999, 1];
    let names = ["甲", "乙", "丙", "丁", "戊"];
    let csv_path = temp_in("parquet-flba", "r.csv");
    let mut text = String::from("名称,收入(万元),增减(万元)\n");
    for (n, c) in names.iter().zip(cents) {
        let sign = if c < 0 { "-" } else { "" };
        let value = format!("{sign}{}.{:02}", c.abs() / 100, c.abs() % 100);
        text.push_str(&format!("{n},{},{value}\n", value.trim_start_matches('-')));
    }
    std::fs::write(&csv_path, &text).unwrap();
    let (a, want, want_err) = eval_csv(p, "企业", &csv_path);
    assert_eq!(a, Status::Ok, "{want_err}");
    let rows: Vec<Vec<&str>> = want.lines().map(|l| l.split(',').collect()).collect();
    let award = rows[0].iter().position(|h| h.starts_with("奖励金")).unwrap();
    // 1% of (12,345.67 + 12,345.67) 万元 = 246.9134 万元 = 2,469,134 元; 0.05 − 0.05 = 0.
    assert_eq!(rows[1][award], "2469134");
    assert_eq!(rows[2][award], "0");
    assert_eq!(rows[4][award], "0");
    for (width, precision) in [(3i32, 6i32), (6, 12), (9, 20)] {
        let pq = temp_in("parquet-flba", &format!("r{width}.parquet"));
        let decimal = |name: &str| {
            let t = Type::primitive_type_builder(name, Physical::FIXED_LEN_BYTE_ARRAY)
                .with_repetition(Repetition::OPTIONAL)
                .with_length(width)
                .with_logical_type(Some(LogicalType::Decimal { scale: 2, precision }))
                .with_precision(precision)
                .with_scale(2);
            Arc::new(t.build().unwrap())
        };
        let name = Type::primitive_type_builder("名称", Physical::BYTE_ARRAY)
            .with_repetition(Repetition::REQUIRED)
            .with_logical_type(Some(LogicalType::String));
        let fields =
            vec![Arc::new(name.build().unwrap()), decimal("收入(万元)"), decimal("增减(万元)")];
        let schema =
            Arc::new(Type::group_type_builder("schema").with_fields(fields).build().unwrap());
        let file = std::fs::File::create(&pq).unwrap();
        let mut w = SerializedFileWriter::new(file, schema, Default::default()).unwrap();
        let mut group = w.next_row_group().unwrap();
        let mut col = group.next_column().unwrap().unwrap();
        let texts: Vec<ByteArray> = names.iter().map(|n| ByteArray::from(*n)).collect();
        col.typed::<ByteArrayType>().write_batch(&texts, None, None).unwrap();
        col.close().unwrap();
        // Big-endian two's complement, the sign carried into the leading bytes.
        for signed in [false, true] {
            let mut col = group.next_column().unwrap().unwrap();
            let values: Vec<FixedLenByteArray> = cents
                .iter()
                .map(|&c| {
                    let bytes = i128::from(if signed { c } else { c.abs() }).to_be_bytes();
                    FixedLenByteArray::from(bytes[16 - width as usize..].to_vec())
                })
                .collect();
            let defined = vec![1i16; values.len()];
            let typed = col.typed::<FixedLenByteArrayType>();
            typed.write_batch(&values, Some(&defined), None).unwrap();
            col.close().unwrap();
        }
        group.close().unwrap();
        w.close().unwrap();
        let (b, got, err) = eval_csv(p, "企业", &pq);
        assert_eq!(b, Status::Ok, "{width} bytes: {err}");
        assert_eq!(got, want, "{width} bytes");
    }
}

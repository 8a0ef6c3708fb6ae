//! Yearly registers streamed without `--year`: the evaluation year is the in-memory path's
//! default, the latest year the whole register gives a value for (found by a pass before the
//! evaluation), and the reports are the in-memory path's bytes, for every bundled subject kind
//! with yearly data and for registers whose latest year is given only in their last row.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on a broken expectation"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use zhengce::data::Schema;
use zhengce::register::latest_year;
use zhengce::source::SourceFile;

const POLICY: &str = r#"政策 "y" {
}
主体 企业 {
  标识 名称
  名称: 文本
  收入: 万元 按年
  员工: 人
}
对于 企业 {
  § 一 「x」 奖励 增长奖 { 当 收入 > 上年(收入) 金额 (收入 - 上年(收入)) × 10% }
}
"#;

fn dir(test: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("zhengce-years-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn schema() -> Schema {
    let file = SourceFile::new("y.zc", POLICY);
    let (policy, diags) = zhengce::parser::parse(&file);
    assert!(diags.is_empty(), "{diags:?}");
    Schema::from_policy(&policy.unwrap(), "企业").unwrap()
}

fn year_of(d: &Path, name: &str, body: &str) -> Option<u16> {
    let p = d.join(name);
    std::fs::write(&p, body).unwrap();
    latest_year(&p, &schema(), &BTreeMap::new()).ok().unwrap()
}

#[test]
fn the_latest_year_with_a_value_anywhere_in_the_register() {
    let d = dir("latest");
    // 2025 is named by a header but has no value; 2024 only in the last row.
    let mut body =
        String::from("名称,收入[2023](万元),收入[2024](万元),收入[2025](万元),员工(人)\n");
    for i in 0..5000 {
        body.push_str(&format!("企业{i:05},{},,  ,3\n", i % 90));
    }
    body.push_str("企业99999,1,2,\u{3000},3\n");
    assert_eq!(year_of(&d, "last.csv", &body), Some(2024));
    // Every yearly cell empty: no year, as when the loaded records give none.
    let empty = "名称,收入_2023,2024年收入,员工\n甲,,,1\n乙, , ,2\n";
    assert_eq!(year_of(&d, "empty.csv", empty), None);
    // The other header forms the loader reads, and a byte-order mark.
    let forms = "\u{feff}名称,收入_2023,2026年收入(万元),员工\n甲,1,,1\n乙,,7,2\n";
    assert_eq!(year_of(&d, "forms.csv", forms), Some(2026));
    // No yearly column at all.
    assert_eq!(year_of(&d, "none.csv", "名称,员工\n甲,1\n"), None);
}

fn zhengce(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_zhengce")).args(args).output().unwrap()
}

#[test]
fn a_yearly_register_without_year_streams_the_in_memory_report() {
    let d = dir("cli");
    let policy = d.join("y.zc");
    std::fs::write(&policy, POLICY).unwrap();
    let mut body =
        String::from("名称,收入[2023](万元),收入[2024](万元),收入[2025](万元),员工(人)\n");
    for i in 0..3000 {
        body.push_str(&format!("企业{i:05},{},{},,3\n", i % 90, i % 70));
    }
    // The only 2025 value, in the last row: the year of every subject is 2025, and the first
    // row's award (2024 over 2023) is then not given.
    body.push_str("企业99999,1,2,12,3\n");
    let data = d.join("r.csv");
    std::fs::write(&data, &body).unwrap();
    let (p, r) = (policy.to_str().unwrap(), data.to_str().unwrap());
    let memory = zhengce(&["eval", p, "--data", r, "--format", "csv"]);
    assert!(memory.status.success(), "{}", String::from_utf8_lossy(&memory.stderr));
    let out = d.join("o.csv");
    let streamed =
        zhengce(&["eval", p, "--data", r, "--format", "csv", "--out", out.to_str().unwrap()]);
    assert!(streamed.status.success(), "{}", String::from_utf8_lossy(&streamed.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.as_bytes(), memory.stdout.as_slice());
    // 2025 over 2024 for the last subject: (12 - 2) 万元 × 10% = 1 万元 = 10000 元, its award
    // and its total (合计 column); the row of totals after it adds up the one award.
    let lines: Vec<&str> = text.lines().collect();
    let last = lines[lines.len() - 2];
    assert!(last.starts_with("企业99999,") && last.ends_with(",10000,10000"), "{last}");
    assert_eq!(lines[lines.len() - 1], "合计,10000,10000");
    // With 2025 as the year, no other subject has a 2025 income: none is awarded (with 2024, as
    // `--year 2024` shows, many would be).
    let given = |t: &str| {
        t.lines().skip(1).filter(|l| !l.starts_with("合计") && !l.ends_with(",0")).count()
    };
    assert_eq!(given(&text), 1);
    let y2024 = zhengce(&["eval", p, "--data", r, "--format", "csv", "--year", "2024"]);
    assert!(given(&String::from_utf8_lossy(&y2024.stdout)) > 1000);
}

/// Every bundled subject kind with yearly data, on a generated register: the streamed report,
/// its year found by the pass, is the in-memory report byte for byte.
#[test]
fn bundled_yearly_kinds_stream_identically_without_year() {
    let d = dir("bundled");
    let kinds = [
        ("xinjiang", "企业"),
        ("xinjiang", "县"),
        ("taiyuan", "市"),
        ("zezhou", "县"),
        ("provincial", "县"),
    ];
    for (policy, kind) in kinds {
        let pol = format!("policies/{policy}.zc");
        let data = d.join(format!("{policy}-{kind}.csv"));
        let g = zhengce(&[
            "gen",
            &pol,
            "--kind",
            kind,
            "--rows",
            "300",
            "--seed",
            "3",
            "--out",
            data.to_str().unwrap(),
        ]);
        assert!(g.status.success(), "{}", String::from_utf8_lossy(&g.stderr));
        let r = data.to_str().unwrap();
        let memory = zhengce(&["eval", &pol, "--kind", kind, "--data", r, "--format", "csv"]);
        let out = d.join(format!("{policy}-{kind}.out.csv"));
        let streamed = zhengce(&[
            "eval",
            &pol,
            "--kind",
            kind,
            "--data",
            r,
            "--format",
            "csv",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(memory.status.code(), streamed.status.code(), "{policy} {kind}");
        let got = std::fs::read(&out).unwrap_or_default();
        assert!(got.len() > 300, "{policy} {kind}: {}", String::from_utf8_lossy(&streamed.stderr));
        assert!(got == memory.stdout, "{policy} {kind}: the streamed report differs");
    }
}

/// A Parquet register's latest year told by its footer's null counts, no page read, where it
/// can: 2025 named by a header but all null, 2024 given only in the last row; and where it
/// cannot (a text column of blanks; a file without statistics), found by reading the columns:
/// the same year every way.
#[test]
fn a_parquet_registers_latest_year_from_its_footer_or_its_cells() {
    use std::sync::Arc;

    use arrow_array::builder::{Int64Builder, StringBuilder};
    use arrow_array::{ArrayRef, RecordBatch};
    use arrow_schema::{DataType, Field, Schema as ArrowSchema};
    use parquet::arrow::ArrowWriter;
    use parquet::file::properties::{EnabledStatistics, WriterProperties};
    let d = dir("parquet-footer");
    let n = 5000;
    let write = |name: &str, text_2025: bool, statistics: bool| {
        let mut names = StringBuilder::new();
        let (mut y2023, mut y2024, mut staff) =
            (Int64Builder::new(), Int64Builder::new(), Int64Builder::new());
        let (mut int_2025, mut text_2025_b) = (Int64Builder::new(), StringBuilder::new());
        for i in 0..n {
            names.append_value(format!("企业{i:05}"));
            y2023.append_value(100 + i);
            if i == n - 1 {
                y2024.append_value(7)
            } else {
                y2024.append_null()
            }
            int_2025.append_null();
            text_2025_b.append_value("  ");
            staff.append_value(3);
        }
        let (t2025, a2025): (DataType, ArrayRef) = if text_2025 {
            (DataType::Utf8, Arc::new(text_2025_b.finish()))
        } else {
            (DataType::Int64, Arc::new(int_2025.finish()))
        };
        let schema = Arc::new(ArrowSchema::new(vec![
            Field::new("名称", DataType::Utf8, false),
            Field::new("收入[2023](万元)", DataType::Int64, true),
            Field::new("收入[2024](万元)", DataType::Int64, true),
            Field::new("收入[2025](万元)", t2025, true),
            Field::new("员工(人)", DataType::Int64, true),
        ]));
        let arrays: Vec<ArrayRef> = vec![
            Arc::new(names.finish()),
            Arc::new(y2023.finish()),
            Arc::new(y2024.finish()),
            a2025,
            Arc::new(staff.finish()),
        ];
        let batch = RecordBatch::try_new(Arc::clone(&schema), arrays).unwrap();
        let stats = if statistics { EnabledStatistics::Chunk } else { EnabledStatistics::None };
        let props = WriterProperties::builder()
            .set_max_row_group_size(1000)
            .set_statistics_enabled(stats)
            .build();
        let p = d.join(name);
        let mut w =
            ArrowWriter::try_new(std::fs::File::create(&p).unwrap(), schema, Some(props)).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        p
    };
    let footer = |p: &Path| {
        let file = std::fs::File::open(p).unwrap();
        zhengce::data::parquet::given_by_footer(&file, &[1, 2, 3])
    };
    let year = |p: &Path| latest_year(p, &schema(), &BTreeMap::new()).ok().unwrap();
    // Numbers with null counts: told by the footer (2024's one value in the fifth row group).
    let told = write("told.parquet", false, true);
    assert_eq!(footer(&told), Some(vec![true, true, false]));
    assert_eq!(year(&told), Some(2024));
    // A text column of blanks, which the counts cannot tell from values: read.
    let blanks = write("blanks.parquet", true, true);
    assert_eq!(footer(&blanks), None);
    assert_eq!(year(&blanks), Some(2024));
    // No statistics: read.
    let bare = write("bare.parquet", false, false);
    assert_eq!(footer(&bare), None);
    assert_eq!(year(&bare), Some(2024));
}

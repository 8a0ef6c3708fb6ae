//! The Markdown report of a CSV register streamed into a file (`eval --format markdown --out`,
//! one subject at a time, the subjects' tables held in a temporary file while the summary table
//! before them is written) is the in-memory report, byte for byte, with the same diagnostics and
//! status.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on a broken expectation"
)]

mod report_common;

use std::path::{Path, PathBuf};

use report_common::{generate as generate_in, temp as temp_in, zhengce};
use zhengce::cli::Status;

/// `eval --format markdown` on standard output (in memory) and into a file (streamed), in
/// `lang`: the same bytes, diagnostics and status. Returns the report.
fn streamed_equals_in_memory(lang: &str, policy: &str, kind: &str, data: &Path) -> String {
    let data = data.to_str().unwrap();
    let base = ["--lang", lang, "eval", policy, "--kind", kind, "--data", data];
    let base: Vec<&str> = base.into_iter().chain(["--format", "markdown"]).collect();
    let (status, want, want_err) = zhengce(&base);
    let out = temp(&format!("{kind}.{lang}.out.md"));
    let _ = std::fs::remove_file(&out);
    let mut args = base.clone();
    args.extend(["--out", out.to_str().unwrap()]);
    let (streamed_status, nothing, err) = zhengce(&args);
    assert!(nothing.is_empty());
    assert_eq!(streamed_status, status, "{err}");
    assert_eq!(err, want_err, "{policy} {kind}: the diagnostics differ");
    let got = std::fs::read(&out).unwrap_or_default();
    assert!(got == want, "{policy} {kind} {lang}: the streamed report differs");
    String::from_utf8(want).unwrap()
}

#[test]
fn the_streamed_markdown_report_is_the_in_memory_report() {
    // Stacking with an imported policy (zezhou 企业), awards some subjects miss values of
    // (taiyuan 贷款, xinjiang 企业: the ZC0708 warning), a kind without money (zezhou 县: no
    // summary table), and one with a summary table and many awards (yangcheng 企业).
    for (policy, kind) in [
        ("policies/zezhou.zc", "企业"),
        ("policies/taiyuan.zc", "贷款"),
        ("policies/xinjiang.zc", "企业"),
        ("policies/zezhou.zc", "县"),
        ("policies/yangcheng.zc", "企业"),
    ] {
        let data = generate(policy, kind, "300");
        for lang in ["zh", "en"] {
            let report = streamed_equals_in_memory(lang, policy, kind, &data);
            // Every subject has its table (the ids of `gen` have no `|` to escape).
            let tables = report.lines().filter(|l| l.starts_with("## ")).count();
            assert!(tables >= 300, "{policy} {kind}: {tables} headings");
        }
        // The header alone: no subject.
        let text = std::fs::read_to_string(&data).unwrap();
        let empty = temp(&format!("{kind}.empty.csv"));
        std::fs::write(&empty, format!("{}\n", text.lines().next().unwrap())).unwrap();
        let report = streamed_equals_in_memory("zh", policy, kind, &empty);
        assert!(report.starts_with("# "), "{report}");
    }
}

#[test]
fn the_summary_table_comes_before_the_subjects_tables_and_its_totals_add_up() {
    // yangcheng 企业 pays money: the summary (汇总) comes first with a row per subject and its
    // row of totals, then every subject's table, then the totals (合计).
    let data = generate("policies/yangcheng.zc", "企业", "40");
    let report = streamed_equals_in_memory("zh", "policies/yangcheng.zc", "企业", &data);
    let summary = report.find("## 汇总（元）").unwrap();
    let first_table = report.find("\n## 企业").unwrap();
    let totals = report.rfind("## 合计").unwrap();
    assert!(summary < first_table && first_table < totals);
    // The summary's rows: one per subject, then the totals row, whose last cell is the sum of
    // the subjects' totals (worked out here from the rows themselves).
    let rows: Vec<&str> = report
        .get(summary..first_table)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("| 企业0") || l.starts_with("| **"))
        .collect();
    assert_eq!(rows.len(), 41, "{rows:?}");
    let last_cell = |row: &str| -> rust_decimal::Decimal {
        let cell = row.trim_end_matches(" |").rsplit(" | ").next().unwrap();
        cell.trim_matches('*').replace(',', "").parse().unwrap()
    };
    let sum: rust_decimal::Decimal = rows[..40].iter().map(|r| last_cell(r)).sum();
    assert_eq!(last_cell(rows[40]), sum);
}

#[test]
fn a_stacking_total_past_the_exact_range_is_reported_streamed_as_in_memory() {
    // 大公司's two awards add up past the exact range: the stacking total reads 超出范围, with
    // ZC0702, in both reports alike.
    let args = |out: Option<&str>| {
        let mut a = vec![
            "--lang",
            "zh",
            "eval",
            "tests/stack/overflow.zc",
            "--data",
            "tests/stack/overflow.csv",
            "--format",
            "markdown",
        ];
        a.extend(out.map(|o| ["--out", o]).into_iter().flatten());
        zhengce(&a)
    };
    let (status, want, err) = args(None);
    let out = temp("overflow.md");
    let _ = std::fs::remove_file(&out);
    let (streamed, _, streamed_err) = args(out.to_str());
    assert_eq!(status, Status::Errors, "{err}");
    assert!(err.contains("ZC0702"), "{err}");
    assert_eq!(streamed, status);
    assert_eq!(streamed_err, err);
    let got = std::fs::read(&out).unwrap();
    assert!(got == want);
    assert!(String::from_utf8(got).unwrap().contains("| 大公司 | 50,000,000,000,000,000,000,000,000,000 | 50,000,000,000,000,000,000,000,000,000 | 超出范围 |"));
}

fn temp(name: &str) -> PathBuf {
    temp_in("markdown", name)
}

fn generate(policy: &str, kind: &str, rows: &str) -> PathBuf {
    generate_in("markdown", policy, kind, rows, "7")
}

//! The xlsx report and the 计算依据 of a CSV register streamed into a file (`eval --format xlsx
//! --out`, `--format basis --out`: one subject at a time, every sheet written row by row to a
//! temporary file) are the in-memory reports, byte for byte, with the same diagnostics; and the
//! workbook's figures are the evaluation's.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on a broken expectation"
)]

mod report_common;

use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx};
use report_common::{generate as generate_in, temp as temp_in, zhengce};
use rust_decimal::Decimal;
use zhengce::cli::Status;
use zhengce::diagnostics::Lang;
use zhengce::report::Report;
use zhengce::source::SourceFile;

fn code(lang: Lang) -> &'static str {
    if lang == Lang::Zh { "zh" } else { "en" }
}

/// The workbook the in-memory path makes of `data`: every subject evaluated, then written.
fn in_memory_xlsx(policy: &str, kind: &str, data: &Path, lang: Lang) -> Vec<u8> {
    let text = std::fs::read_to_string(policy).unwrap();
    let (p, d) = zhengce::parser::parse(&SourceFile::new(policy, text));
    assert!(!d.has_errors());
    let p = p.unwrap();
    let (checked, _) = zhengce::checker::check(&p);
    let opts = zhengce::engine::Options { kind: Some(kind.into()), ..Default::default() };
    let (outcomes, stacks, rows, _) =
        zhengce::engine::evaluate(&p, &checked, data, &opts, true, None).unwrap();
    let r = Report { policy: &p, checked: &checked, outcomes: &outcomes, stacks: &stacks };
    zhengce::report::xlsx(&r, &rows, lang).unwrap()
}

/// `eval --format xlsx --out` of `data` (streamed): the in-memory workbook's bytes. Returns
/// the workbook and the diagnostics.
fn streamed_xlsx_equals_in_memory(
    policy: &str,
    kind: &str,
    data: &Path,
    lang: Lang,
) -> (Vec<u8>, String) {
    // Named after the register: tests run side by side.
    let stem = data.file_stem().unwrap().to_str().unwrap();
    let out = temp(&format!("{stem}.{}.xlsx", code(lang)));
    let _ = std::fs::remove_file(&out);
    let (status, _, err) = zhengce(&[
        "--lang",
        code(lang),
        "eval",
        policy,
        "--kind",
        kind,
        "--data",
        data.to_str().unwrap(),
        "--format",
        "xlsx",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(status, Status::Ok, "{err}");
    let got = std::fs::read(&out).unwrap();
    let want = in_memory_xlsx(policy, kind, data, lang);
    assert!(got == want, "{policy} {kind} {lang:?}: the streamed workbook differs");
    (got, err)
}

fn sheet(book: &[u8], name: &str) -> calamine::Range<Data> {
    let mut x: Xlsx<_> = Xlsx::new(std::io::Cursor::new(book.to_vec())).unwrap();
    x.worksheet_range(name).unwrap()
}

fn number(d: &Data) -> Decimal {
    match d {
        Data::Float(f) => f.to_string().parse().unwrap(),
        Data::Int(i) => Decimal::from(*i),
        Data::String(s) => s.parse().unwrap_or_else(|_| panic!("not a number: {s}")),
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn the_streamed_workbook_is_the_in_memory_workbook() {
    // Stacking with an imported policy (zezhou 企业), missing values (xinjiang 企业, taiyuan
    // 贷款), a kind without money (zezhou 县), many awards (yangcheng 企业).
    for (policy, kind) in [
        ("policies/zezhou.zc", "企业"),
        ("policies/taiyuan.zc", "贷款"),
        ("policies/xinjiang.zc", "企业"),
        ("policies/zezhou.zc", "县"),
        ("policies/yangcheng.zc", "企业"),
    ] {
        let data = generate(policy, kind, "200");
        for lang in [Lang::Zh, Lang::En] {
            streamed_xlsx_equals_in_memory(policy, kind, &data, lang);
        }
    }
}

#[test]
fn the_streamed_workbook_adds_up_its_own_rows() {
    let policy = "policies/zezhou.zc";
    let data = generate(policy, "企业", "150");
    let (book, _) = streamed_xlsx_equals_in_memory(policy, "企业", &data, Lang::Zh);
    let results = sheet(&book, "结果");
    let rows: Vec<&[Data]> = results.rows().collect();
    let header = rows[0];
    let total_col = header.iter().position(|h| *h == "合计(元)").unwrap();
    // One row per subject, then the row of totals.
    assert_eq!(rows.len(), 1 + 150 + 1);
    let last = rows[151];
    assert!(last[0].to_string().starts_with("合计"), "{:?}", last[0]);
    // The totals cell is the sum of the subjects' totals above it (a missing total is text).
    let sum: Decimal = rows[1..151]
        .iter()
        .filter_map(|r| match &r[total_col] {
            Data::String(_) | Data::Empty => None,
            d => Some(number(d)),
        })
        .sum();
    assert_eq!(number(&last[total_col]), sum);
    // The sheet 合计 says the same grand total.
    let totals = sheet(&book, "合计");
    let grand = totals.rows().find(|r| r[0].to_string().starts_with("合计")).unwrap();
    assert_eq!(number(&grand[1]), sum);
    // Every award of every subject has its basis row, in the subjects' order.
    let basis = sheet(&book, "计算依据");
    let subjects: Vec<String> = basis.rows().skip(1).map(|r| r[0].to_string()).collect();
    assert!(!subjects.is_empty());
    let order: Vec<String> = rows[1..151].iter().map(|r| r[0].to_string()).collect();
    let mut seen: Vec<String> = subjects.clone();
    seen.dedup();
    assert_eq!(seen, order);
}

#[test]
fn the_streamed_basis_is_the_in_memory_basis() {
    for (policy, kind) in [("policies/zezhou.zc", "企业"), ("policies/xinjiang.zc", "企业")] {
        let data = generate(policy, kind, "120");
        for lang in ["zh", "en"] {
            let base =
                ["--lang", lang, "eval", policy, "--kind", kind, "--data", data.to_str().unwrap()];
            let base: Vec<&str> = base.into_iter().chain(["--format", "basis"]).collect();
            let (status, want, want_err) = zhengce(&base);
            let out = temp(&format!("{kind}.{lang}.basis.md"));
            let _ = std::fs::remove_file(&out);
            let mut args = base.clone();
            args.extend(["--out", out.to_str().unwrap()]);
            let (streamed, nothing, err) = zhengce(&args);
            assert!(nothing.is_empty());
            assert_eq!(streamed, status, "{err}");
            assert_eq!(err, want_err, "{policy} {kind}: the diagnostics differ");
            let got = std::fs::read(&out).unwrap();
            assert!(got == want, "{policy} {kind} {lang}: the streamed basis differs");
            // A row per award of each subject, below the title and the table's header.
            let text = String::from_utf8(got).unwrap();
            assert!(text.lines().filter(|l| l.starts_with("| ")).count() > 120);
        }
    }
}

fn temp(name: &str) -> PathBuf {
    temp_in("xlsx-report", name)
}

fn generate(policy: &str, kind: &str, rows: &str) -> PathBuf {
    generate_in("xlsx-report", policy, kind, rows, "11")
}

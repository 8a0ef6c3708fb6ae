//! The same policies and data give byte-identical reports and diagnostics, run after run, in
//! every report format (the xlsx workbook included, whose creation time is fixed).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

use std::path::Path;
use std::process::Command;

const DIR: &str = env!("CARGO_MANIFEST_DIR");

/// `zhengce ARGS` in the repository: (stdout, stderr), exit status 0 or 1.
fn run(args: &[&str]) -> (Vec<u8>, Vec<u8>) {
    let out = Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .current_dir(DIR)
        .args(args)
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
    (out.stdout, out.stderr)
}

#[test]
fn eval_is_byte_identical_across_runs_in_every_format() {
    for format in ["text", "json", "markdown", "csv", "basis"] {
        let first = run(&["eval", "policies", "--format", format]);
        assert!(!first.0.is_empty(), "{format}: an empty report");
        for _ in 0..2 {
            assert!(run(&["eval", "policies", "--format", format]) == first, "{format} differs");
        }
    }
}

#[test]
fn xlsx_reports_are_byte_identical_across_runs() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("determinism-xlsx");
    std::fs::create_dir_all(&dir).unwrap();
    let mut books = Vec::new();
    for i in 0..3 {
        let out = dir.join(format!("r{i}.xlsx"));
        let data = "--data=policies/zezhou.企业.toml";
        run(&[
            "eval",
            "policies/zezhou.zc",
            data,
            "--format",
            "xlsx",
            "--out",
            out.to_str().unwrap(),
        ]);
        books.push(std::fs::read(&out).unwrap());
    }
    assert!(books[0].len() > 1000);
    assert!(books.iter().all(|b| *b == books[0]), "the workbooks differ");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_and_diagnostics_are_byte_identical_across_runs() {
    for args in [
        &["check", "policies", "tests/fixtures", "--error-format", "json"][..],
        &["check", "tests/check", "--error-format", "human"],
        &["eval", "policies/zezhou.zc", "--data", "tests/fixtures/office/zezhou.企业.gbk.csv"],
    ] {
        let first = run(args);
        assert!(!first.0.is_empty() || !first.1.is_empty(), "{args:?}: no output");
        assert!(run(args) == first, "{args:?} differs");
    }
}

/// `--out` writes through a temporary file of its own: an existing file or a symbolic link with
/// the old fixed temporary name is left alone, and a policy file is never written over.
#[cfg(unix)]
#[test]
fn out_never_follows_a_planted_link_nor_writes_over_a_policy() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("determinism-out");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "keep").unwrap();
    std::os::unix::fs::symlink(&victim, dir.join("r.json.tmp")).unwrap();
    let out = dir.join("r.json");
    run(&["eval", "policies/zezhou.zc", "--format", "json", "--out", out.to_str().unwrap()]);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    let report = std::fs::read_to_string(&out).unwrap();
    assert!(serde_json::from_str::<serde_json::Value>(&report).is_ok(), "{report}");
    let policy = dir.join("p.zc");
    std::fs::write(&policy, "令 x = 1\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .current_dir(DIR)
        .args(["eval", "policies/zezhou.zc", "--out", policy.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&policy).unwrap(), "令 x = 1\n");
    let _ = std::fs::remove_dir_all(&dir);
}

//! Sums over subjects that leave the exact decimal range are `ZC0702`, exit 1, and no report:
//! never a saturated figure, a kept-back total or an uncut pool share.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const POLICY: &str = "政策 \"超大金额\" {\n}\n主体 企业 {\n  标识 名称\n  名称: 文本\n  转化费用: 元\n}\n对于 企业 {\n  § 二 「x」 补助 科技成果转化补助 { 金额 转化费用 }\n}\n";

/// A folder for each test (tests run in parallel, and a file rewritten under a reader reads
/// empty).
fn dir(test: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("overflow").join(test);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Ten subjects of 9×10^27 元 each: every one fits a decimal (at most about 7.9×10^28), their
/// sum does not.
fn files(test: &str) -> (PathBuf, PathBuf) {
    let policy = dir(test).join("p.zc");
    std::fs::write(&policy, POLICY).unwrap();
    let mut csv = String::from("名称,转化费用(元)\n");
    for i in 0..10 {
        csv.push_str(&format!("甲{i},9000000000000000000000000000\n"));
    }
    let data = dir(test).join("企业.csv");
    std::fs::write(&data, csv).unwrap();
    (policy, data)
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args(args)
        .args(["--lang", "en", "--error-format", "plain"])
        .output()
        .unwrap()
}

#[test]
fn an_award_total_past_the_range_is_an_error_and_nothing_is_written() {
    let test = "eval";
    let (policy, data) = files(test);
    for format in ["text", "json", "markdown"] {
        let out_path = dir(test).join(format!("out.{format}"));
        let _ = std::fs::remove_file(&out_path);
        let out = run(&[
            "eval",
            policy.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
            "--format",
            format,
            "--out",
            out_path.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{format}: {stderr}");
        assert!(
            stderr.contains("error[ZC0702]: the total of `科技成果转化补助` is beyond"),
            "{format}: {stderr}"
        );
        assert!(!out_path.exists(), "{format}: a report was written");
    }
    // Eight such subjects (7.2×10^28 元) still add up exactly.
    let mut csv = String::from("名称,转化费用(元)\n");
    for i in 0..8 {
        csv.push_str(&format!("甲{i},9000000000000000000000000000\n"));
    }
    let eight = dir(test).join("eight.csv");
    std::fs::write(&eight, csv).unwrap();
    let out = run(&["eval", policy.to_str().unwrap(), "--data", eight.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_simulation_past_the_range_is_an_error() {
    let (policy, data) = files("simulate");
    let out = run(&["simulate", policy.to_str().unwrap(), "--data", data.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("ZC0702"), "{stderr}");
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn a_diff_past_the_range_is_an_error() {
    let (policy, data) = files("diff");
    // The new version pays a tenth: its total fits, the old one's does not.
    let new = dir("diff").join("new.zc");
    std::fs::write(&new, POLICY.replace("金额 转化费用", "金额 转化费用 × 10%")).unwrap();
    let out = run(&[
        "diff",
        policy.to_str().unwrap(),
        new.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("ZC0702"), "{stderr}");
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
}

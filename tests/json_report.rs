//! The JSON report is written one subject at a time: its bytes are those of the whole document
//! pretty-printed at once, and the report streamed from a CSV register into a file is the
//! in-memory report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod report_common;

use std::path::{Path, PathBuf};

use report_common::{temp as temp_in, zhengce as zhengce_plain};
use zhengce::cli::Status;

/// The document parsed and pretty-printed whole.
fn whole(bytes: &[u8]) -> String {
    let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    let mut s = serde_json::to_string_pretty(&v).unwrap();
    s.push('\n');
    s
}

#[test]
fn the_report_is_the_whole_document_pretty_printed() {
    for (policy, data) in [
        ("zezhou", "企业"),
        ("zezhou", "县"),
        ("xinjiang", "企业"),
        ("yangcheng", "企业"),
        ("taiyuan", "市"),
        ("provincial", "县"),
    ] {
        let policy_path = format!("policies/{policy}.zc");
        let data = format!("policies/{policy}.{data}.toml");
        let (_, out, err) = zhengce(&["eval", &policy_path, "--data", &data, "--format", "json"]);
        assert!(!out.is_empty(), "{policy}: {err}");
        assert!(String::from_utf8_lossy(&out) == whole(&out), "{data}");
    }
    let (status, out, err) = zhengce(&[
        "eval",
        "tests/stack/overflow.zc",
        "--data",
        "tests/stack/overflow.csv",
        "--format",
        "json",
    ]);
    assert_eq!(status, Status::Errors, "{err}");
    assert!(String::from_utf8_lossy(&out) == whole(&out));
}

/// `eval --format json` on standard output (in memory) and into a file (streamed): the same
/// bytes, diagnostics and status (2024 is outside taiyuan's validity period: evaluated as asked,
/// each subject marked, on both paths).
fn streamed_equals_in_memory(policy: &str, kind: &str, data: &Path) {
    let data = data.to_str().unwrap();
    let base = [
        "eval",
        policy,
        "--kind",
        kind,
        "--data",
        data,
        "--year",
        "2024",
        "--format",
        "json",
        "--outside-validity",
    ];
    let (status, want, want_err) = zhengce(&base);
    let out = temp(&format!("{kind}.out.json"));
    let _ = std::fs::remove_file(&out);
    let mut args = base.to_vec();
    args.extend(["--out", out.to_str().unwrap()]);
    let (streamed_status, nothing, err) = zhengce(&args);
    assert!(nothing.is_empty());
    assert_eq!(streamed_status, status, "{err}");
    assert_eq!(err, want_err);
    assert!(std::fs::read(&out).unwrap() == want, "{policy} {kind}: the streamed report differs");
    assert!(String::from_utf8_lossy(&want) == whole(&want));
}

#[test]
fn the_streamed_report_is_the_in_memory_report() {
    for (policy, kind) in [
        ("policies/zezhou.zc", "企业"),
        ("policies/yangcheng.zc", "企业"),
        ("policies/taiyuan.zc", "市"),
    ] {
        let data = temp(&format!("{kind}.{}.csv", policy.len()));
        let (status, _, err) = zhengce(&[
            "gen",
            policy,
            "--kind",
            kind,
            "--rows",
            "400",
            "--seed",
            "11",
            "--out",
            data.to_str().unwrap(),
        ]);
        assert_eq!(status, Status::Ok, "{err}");
        streamed_equals_in_memory(policy, kind, &data);
        // The header alone: no subject.
        let text = std::fs::read_to_string(&data).unwrap();
        let empty = temp(&format!("{kind}.empty.csv"));
        std::fs::write(&empty, format!("{}\n", text.lines().next().unwrap())).unwrap();
        streamed_equals_in_memory(policy, kind, &empty);
    }
}

#[test]
fn json_lines_are_the_subjects_of_the_json_report_streamed_or_not() {
    let data = temp("lines.csv");
    let (status, _, err) = zhengce(&[
        "gen",
        "policies/yangcheng.zc",
        "--kind",
        "企业",
        "--rows",
        "300",
        "--seed",
        "5",
        "--out",
        data.to_str().unwrap(),
    ]);
    assert_eq!(status, Status::Ok, "{err}");
    let data = data.to_str().unwrap();
    let base =
        ["eval", "policies/yangcheng.zc", "--kind", "企业", "--data", data, "--year", "2024"];
    let with = |extra: &[&str]| {
        let mut a = base.to_vec();
        a.extend_from_slice(extra);
        zhengce(&a)
    };
    let (_, json, _) = with(&["--format", "json"]);
    let (status, lines, err) = with(&["--format", "jsonl"]);
    assert_eq!(status, Status::Ok, "{err}");
    let report: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let subjects = report["subjects"].as_array().unwrap();
    let text = String::from_utf8(lines.clone()).unwrap();
    assert_eq!(text.lines().count(), 300);
    for (line, subject) in text.lines().zip(subjects) {
        assert_eq!(&serde_json::from_str::<serde_json::Value>(line).unwrap(), subject);
    }
    let out = temp("lines.out.jsonl");
    let (status, _, err) = with(&["--format", "jsonl", "--out", out.to_str().unwrap()]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(std::fs::read(&out).unwrap() == lines);
}

fn temp(name: &str) -> PathBuf {
    temp_in("json", name)
}

/// The command with English diagnostics.
fn zhengce(args: &[&str]) -> (Status, Vec<u8>, String) {
    let english: Vec<&str> = ["--lang", "en"].into_iter().chain(args.iter().copied()).collect();
    zhengce_plain(&english)
}

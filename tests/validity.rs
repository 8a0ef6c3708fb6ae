//! The validity period (`有效期`) against the evaluation year: a year outside it is evaluated
//! as asked, with one ZC0707 warning, in memory, streamed and in a simulation; a year in force
//! gives none.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails loudly on a broken expectation"
)]

use std::process::Command;

fn run(args: &[&str]) -> (Option<i32>, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args(args)
        .args(["--error-format", "plain"])
        .env("LANG", "en_US.UTF-8")
        .output()
        .unwrap();
    (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
}

#[test]
fn a_year_outside_the_period_is_warned_once_and_still_evaluated() {
    // xinjiang is in force 2018-01-01 to 2019-12-31.
    let (code, err) = run(&["eval", "policies/xinjiang.zc", "--year", "2020", "--format", "csv"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(err.matches("ZC0707").count(), 1, "{err}");
    assert!(err.contains("the evaluation year 2020 is after the policy's validity ends (in force 2018-01-01 to 2019-12-31)"), "{err}");
    let (_, err) = run(&["eval", "policies/xinjiang.zc", "--year", "2017", "--format", "csv"]);
    assert!(err.contains("before the policy takes effect"), "{err}");
    let (code, err) = run(&["eval", "policies/xinjiang.zc", "--year", "2019", "--format", "csv"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("ZC0707"), "{err}");
}

#[test]
fn streamed_and_simulated_registers_are_warned_too() {
    let dir = std::env::temp_dir().join(format!("zhengce-validity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let reg = dir.join("r.csv");
    let (code, err) = run(&[
        "gen",
        "policies/xinjiang.zc",
        "--kind",
        "企业",
        "--rows",
        "50",
        "--years",
        "2019,2020",
        "--out",
        reg.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{err}");
    let out = dir.join("o.csv");
    let (_, err) = run(&[
        "eval",
        "policies/xinjiang.zc",
        "--kind",
        "企业",
        "--data",
        reg.to_str().unwrap(),
        "--year",
        "2020",
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(err.matches("ZC0707").count(), 1, "{err}");
    assert!(std::fs::read_to_string(&out).unwrap().lines().count() > 50);
    let (_, err) = run(&[
        "simulate",
        "policies/xinjiang.zc",
        "--kind",
        "企业",
        "--data",
        reg.to_str().unwrap(),
        "--year",
        "2020",
    ]);
    assert_eq!(err.matches("ZC0707").count(), 1, "{err}");
}

//! The validity period (`有效期`) against the evaluation year: a year outside it is refused
//! (ZC0711, naming the period, nothing written), in memory, streamed and in a simulation;
//! with `--outside-validity` it is evaluated as asked, with one ZC0707 warning and every
//! subject's outcomes marked; a year in force gives neither.

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
fn a_year_outside_the_period_is_refused_naming_the_period() {
    // xinjiang is in force 2018-01-01 to 2019-12-31.
    let (code, err) = run(&["eval", "policies/xinjiang.zc", "--year", "2020", "--format", "csv"]);
    assert_eq!(code, Some(1), "{err}");
    // One refusal, though the policy has four sample data files.
    assert_eq!(err.matches("error[ZC0711]").count(), 1, "{err}");
    assert!(err.contains("the evaluation year 2020 is after the policy's validity ends (in force 2018-01-01 to 2019-12-31): nothing was evaluated"), "{err}");
    assert!(err.contains("--outside-validity"), "the help says how to evaluate anyway: {err}");
    let (code, err) = run(&["eval", "policies/xinjiang.zc", "--year", "2017", "--format", "csv"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("before the policy takes effect"), "{err}");
    let (code, err) = run(&["eval", "policies/xinjiang.zc", "--year", "2019", "--format", "csv"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("ZC0707") && !err.contains("ZC0711"), "{err}");
}

#[test]
fn outside_validity_evaluates_anyway_with_a_warning_and_every_outcome_marked() {
    let args = ["eval", "policies/xinjiang.zc", "--year", "2020", "--kind", "企业"];
    let o = Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args(args)
        .args(["--data", "policies/xinjiang.企业.toml", "--outside-validity", "--lang", "en"])
        .args(["--error-format", "plain"])
        .output()
        .unwrap();
    let (out, err) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert_eq!(err.matches("warning[ZC0707]").count(), 1, "{err}");
    let heads: Vec<&str> = out.lines().filter(|l| l.starts_with("-- ")).collect();
    assert!(heads.len() > 5, "{out}");
    assert!(heads.iter().all(|l| l.ends_with("  2020 (outside the validity period)")), "{heads:?}");
    // In force: no mark.
    let o = Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args(["eval", "policies/xinjiang.zc", "--year", "2019", "--kind", "企业"])
        .args(["--data", "policies/xinjiang.企业.toml", "--outside-validity", "--lang", "en"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(!out.contains("outside the validity period"), "{out}");
}

#[test]
fn streamed_and_simulated_registers_are_refused_or_warned_too() {
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
    let reg = reg.to_str().unwrap();
    let stream =
        ["eval", "policies/xinjiang.zc", "--kind", "企业", "--data", reg, "--year", "2020"];
    let (code, err) =
        run(&[&stream[..], &["--format", "csv", "--out", out.to_str().unwrap()]].concat());
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(err.matches("ZC0711").count(), 1, "{err}");
    assert!(!out.exists(), "nothing is written");
    let (code, err) = run(&[
        &stream[..],
        &["--format", "csv", "--out", out.to_str().unwrap(), "--outside-validity"],
    ]
    .concat());
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(err.matches("ZC0707").count(), 1, "{err}");
    assert!(std::fs::read_to_string(&out).unwrap().lines().count() > 50);
    let sim =
        ["simulate", "policies/xinjiang.zc", "--kind", "企业", "--data", reg, "--year", "2020"];
    let (code, err) = run(&sim);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(err.matches("ZC0711").count(), 1, "{err}");
    let (code, err) = run(&[&sim[..], &["--outside-validity"]].concat());
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(err.matches("ZC0707").count(), 1, "{err}");
}

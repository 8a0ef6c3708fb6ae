//! `zhengce gen`: deterministic synthetic registers that `eval` accepts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod sim_common;

use std::fs;

use sim_common::{TempDir, s, unmarked, zhengce};
use zhengce::cli::Status;

#[test]
fn a_small_register_for_the_benchmark_policy() {
    let (status, out, err) = zhengce(&["gen", "benches/register.zc", "--rows", "6", "--seed", "7"]);
    assert_eq!(status, Status::Ok, "{err}");
    assert_eq!(err, "");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 7);
    assert_eq!(
        lines[0],
        "id,transfer_cost_yuan(元),transfer_origin,loan_interest_yuan(元),key_enterprise,\
         incubator_area_m2(㎡),incubator_level,high_tech_first_certified_last_year"
    );
    assert!(lines[1].starts_with("enterprise0000001,"));
    assert!(lines[6].starts_with("enterprise0000006,"));
    insta::assert_snapshot!(out);
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_others() {
    let t = TempDir::new("gen-seed");
    let run = |seed: &str, file: &str| {
        let path = t.path(file);
        let (status, _, err) = zhengce(&[
            "gen",
            "policies/zezhou.zc",
            "--kind",
            "企业",
            "--rows",
            "300",
            "--seed",
            seed,
            "--out",
            s(&path),
        ]);
        assert_eq!(status, Status::Ok, "{err}");
        fs::read(&path).unwrap()
    };
    for ext in ["csv", "xlsx"] {
        let a = run("42", &format!("a.{ext}"));
        let b = run("42", &format!("b.{ext}"));
        let c = run("43", &format!("c.{ext}"));
        assert_eq!(a, b, "{ext}: same seed");
        assert_ne!(a, c, "{ext}: another seed");
    }
    // Rows do not depend on how many are asked for: 10 rows are the first 10 of 300.
    let (_, ten, _) =
        zhengce(&["gen", "policies/zezhou.zc", "--kind", "企业", "--rows", "10", "--seed", "42"]);
    let all = String::from_utf8(run("42", "d.csv")).unwrap();
    assert!(all.starts_with(&ten));
}

/// Every subject kind of every bundled policy (all of them one row per subject): a generated
/// register, with its parameters, evaluates without a diagnostic.
#[test]
fn eval_accepts_a_generated_register_for_every_bundled_subject_kind() {
    let t = TempDir::new("gen-eval");
    let kinds = [
        ("provincial", "县", 200),
        ("taiyuan", "区县", 14),
        ("taiyuan", "市", 50),
        ("taiyuan", "基金", 200),
        ("taiyuan", "贷款", 200),
        ("xinjiang", "企业", 200),
        ("xinjiang", "项目", 200),
        ("xinjiang", "考核项目", 200),
        ("xinjiang", "县", 50),
        ("yangcheng", "支出", 200),
        ("yangcheng", "企业", 200),
        ("zezhou", "企业", 200),
        ("zezhou", "担保业务", 200),
        ("zezhou", "担保机构", 200),
        ("zezhou", "县", 50),
    ];
    for (policy, kind, rows) in kinds {
        let policy = format!("policies/{policy}.zc");
        let data = t.path(&format!("{kind}.xlsx"));
        let rows = rows.to_string();
        let (status, _, err) =
            zhengce(&["gen", &policy, "--kind", kind, "--rows", &rows, "--out", s(&data)]);
        assert_eq!(status, Status::Ok, "{policy} {kind}: {err}");
        let (status, out, err) =
            zhengce(&["eval", &policy, "--kind", kind, "--data", s(&data), "--format", "json"]);
        assert_eq!((status, unmarked(&err).as_str()), (Status::Ok, ""), "{policy} {kind}");
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(report["subjects"].as_array().unwrap().len().to_string(), rows);
    }
}

#[test]
fn a_csv_register_for_the_benchmark_policy_evaluates() {
    let t = TempDir::new("gen-bench");
    let data = t.path("register.csv");
    let (status, _, err) =
        zhengce(&["gen", "benches/register.zc", "--rows", "2000", "--out", s(&data)]);
    assert_eq!(status, Status::Ok, "{err}");
    let (status, out, err) =
        zhengce(&["eval", "benches/register.zc", "--data", s(&data), "--format", "json"]);
    assert_eq!((status, unmarked(&err).as_str()), (Status::Ok, ""));
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["subjects"].as_array().unwrap().len(), 2000);
    // Some subjects receive something, and not all of them the same.
    let total = &report["totals"][0];
    let recipients = total["recipients"].as_u64().unwrap();
    assert!(recipients > 100 && recipients <= 2000, "{recipients}");
}

#[test]
fn limits_are_diagnostics() {
    let t = TempDir::new("gen-limits");
    let out = t.path("big.xlsx");
    let (status, _, err) = zhengce(&[
        "--lang",
        "en",
        "--error-format",
        "plain",
        "gen",
        "benches/register.zc",
        "--rows",
        "1048576",
        "--out",
        s(&out),
    ]);
    assert_eq!(status, Status::Usage);
    assert!(err.contains("error[ZC0904]"), "{err}");
    assert!(err.contains("at most 1048576 rows"), "{err}");
    assert!(!out.exists());
    let (status, _, err) = zhengce(&[
        "--lang",
        "en",
        "--error-format",
        "plain",
        "gen",
        "policies/taiyuan.zc",
        "--kind",
        "区县",
        "--rows",
        "15",
    ]);
    assert_eq!(status, Status::Usage);
    assert!(err.contains("the key field `区县` has 14 values"), "{err}");
    let (status, _, err) = zhengce(&[
        "--lang",
        "en",
        "--error-format",
        "plain",
        "gen",
        "policies/zezhou.zc",
        "--rows",
        "3",
    ]);
    assert_eq!(status, Status::Usage);
    assert!(err.contains("choose one with `--kind`"), "{err}");
    // Never over the policy it reads.
    let (status, _, _) =
        zhengce(&["gen", "benches/register.zc", "--rows", "3", "--out", "benches/register.zc"]);
    assert_eq!(status, Status::Usage);
    assert!(fs::read_to_string("benches/register.zc").unwrap().contains("主体 enterprise"));
}

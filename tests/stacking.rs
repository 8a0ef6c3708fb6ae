//! Several policies for the same subject: 累加 pays every award, 就高不重复 only the highest.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use serde_json::Value;
use zhengce::cli::{Env, Status, run};

fn eval(policy: &str, data: &str) -> Value {
    let dir = env!("CARGO_MANIFEST_DIR");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args = [
        "zhengce".to_string(),
        "eval".into(),
        format!("{dir}/tests/stack/{policy}"),
        "--data".into(),
        format!("{dir}/tests/stack/{data}"),
        "--format".into(),
        "json".into(),
    ];
    let status = run(args, &Env { width: 100, ..Env::default() }, &mut out, &mut err);
    assert_eq!(status, Status::Ok, "{}", String::from_utf8_lossy(&err));
    serde_json::from_slice(&out).unwrap()
}

/// `(total, [paid per member])` of the first stacking rule of each subject, in 元.
fn stacking(report: &Value) -> Vec<(String, String, Vec<String>)> {
    report["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let rule = &s["stacking"][0];
            let paid = rule["members"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["paid"]["number"].as_str().unwrap().to_string())
                .collect();
            (
                s["id"].as_str().unwrap().to_string(),
                rule["total"]["number"].as_str().unwrap().to_string(),
                paid,
            )
        })
        .collect()
}

#[test]
fn county_award_is_paid_on_top_of_the_city_award() {
    let r = eval("zezhou.zc", "county.csv");
    // 甲: city 10万 (认定) + county min(6万, 5万) = 15万. 乙: city 0 + county 2万 = 2万.
    assert_eq!(
        stacking(&r),
        [
            ("甲公司".into(), "150000".into(), vec!["100000".into(), "50000".into()]),
            ("乙公司".into(), "20000".into(), vec!["0".into(), "20000".into()]),
        ]
    );
}

#[test]
fn overlapping_policies_pay_only_the_highest() {
    let r = eval("yangcheng.zc", "register.csv");
    // 甲: 阳城 3万 vs 泽州 min(6万, 5万) = 5万 → 5万 only. 乙: 4万 vs 2万 → 4万 only.
    assert_eq!(
        stacking(&r),
        [
            ("甲公司".into(), "50000".into(), vec!["0".into(), "50000".into()]),
            ("乙公司".into(), "40000".into(), vec!["40000".into(), "0".into()]),
        ]
    );
}

#[test]
fn a_column_no_policy_declares_is_still_an_error() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args = [
        "zhengce".to_string(),
        "--error-format".into(),
        "plain".into(),
        "eval".into(),
        format!("{dir}/tests/stack/zezhou.zc"),
        "--data".into(),
        format!("{dir}/tests/stack/register.csv"),
    ];
    let status = run(args, &Env { width: 100, ..Env::default() }, &mut out, &mut err);
    assert_eq!(status, Status::Errors);
    assert!(String::from_utf8_lossy(&err).contains("ZC0602"));
    assert!(out.is_empty());
}

#[test]
fn a_total_beyond_the_exact_range_is_an_overflow_not_a_saturated_sum() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args = [
        "zhengce".to_string(),
        "--error-format".into(),
        "plain".into(),
        "--lang".into(),
        "en".into(),
        "eval".into(),
        format!("{dir}/tests/stack/overflow.zc"),
        "--data".into(),
        format!("{dir}/tests/stack/overflow.csv"),
        "--format".into(),
        "json".into(),
    ];
    let status = run(args, &Env { width: 100, ..Env::default() }, &mut out, &mut err);
    assert_eq!(status, Status::Errors);
    let err = String::from_utf8_lossy(&err);
    assert!(err.contains("ZC0702"), "{err}");
    assert!(err.contains("`两项`") && err.contains("`大公司`"), "{err}");
    assert_eq!(err.matches("ZC0702").count(), 1, "{err}");
    let r: Value = serde_json::from_slice(&out).unwrap();
    let big = &r["subjects"][0]["stacking"][0];
    assert_eq!(big["total"], Value::Null);
    assert_eq!(big["members"][1]["paid"]["number"], "50000000000000000000000000000");
    let small = &r["subjects"][1]["stacking"][0];
    assert_eq!(small["total"]["number"], "3");
}

//! Several policies for the same subject: 累加 pays every award, 就高不重复 only the highest.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

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

/// Runs `zhengce --lang en --error-format plain ARGS...` in-process: status, stdout, stderr.
fn zhengce(args: &[String]) -> (Status, Vec<u8>, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let argv = ["zhengce", "--lang", "en", "--error-format", "plain"]
        .into_iter()
        .map(String::from)
        .chain(args.iter().cloned());
    let status = run(argv, &Env { width: 100, ..Env::default() }, &mut out, &mut err);
    (status, out, String::from_utf8_lossy(&err).into_owned())
}

fn temp(name: &str, body: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("zhengce-stacking-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

/// The CSV report into a file (streamed) and on standard output (in memory): the same bytes, the
/// same diagnostics, the same status.
fn streamed_equals_in_memory(policy: &str, data: &std::path::Path) -> (Status, String) {
    let dir = env!("CARGO_MANIFEST_DIR");
    let args = |extra: &[&str]| -> Vec<String> {
        let mut a = vec![
            "eval".to_string(),
            format!("{dir}/tests/stack/{policy}"),
            "--data".into(),
            data.display().to_string(),
            "--format".into(),
            "csv".into(),
        ];
        a.extend(extra.iter().map(|s| (*s).to_string()));
        a
    };
    let (status, want, want_err) = zhengce(&args(&[]));
    let out = data.with_extension("out.csv");
    let _ = std::fs::remove_file(&out);
    let (streamed_status, nothing, err) = zhengce(&args(&["--out", out.to_str().unwrap()]));
    assert!(nothing.is_empty());
    assert_eq!(streamed_status, status, "{err}");
    assert_eq!(err, want_err);
    if !want.is_empty() {
        let got = std::fs::read(&out).unwrap();
        assert!(got == want, "{policy}: the streamed report differs");
    }
    (status, err)
}

#[test]
fn stacking_and_imports_stream_like_the_in_memory_report() {
    // Blocks of 1 MiB: 40,000 rows of the importing policy are several blocks.
    let mut body = String::from("名称,市级认定,县级奖励额(万元),阳城支持额(万元)\n");
    for i in 0..40_000 {
        let city = if i % 3 == 0 { "是" } else { "否" };
        body.push_str(&format!("企业{i:06},{city},{},{}\n", i % 7, i % 5));
    }
    let p = temp("imports.csv", &body);
    let (status, err) = streamed_equals_in_memory("yangcheng.zc", &p);
    assert_eq!(status, Status::Ok, "{err}");
    // A column of the importing policy is unknown to the imported one alone.
    let (status, err) = streamed_equals_in_memory("zezhou.zc", &p);
    assert_eq!(status, Status::Errors);
    assert!(err.contains("ZC0602"), "{err}");
    // A bad cell in the last block: the same diagnostic at its line, nothing written.
    body.push_str("企业999999,是,1,很多\n");
    let p = temp("bad.csv", &body);
    let (status, err) = streamed_equals_in_memory("yangcheng.zc", &p);
    assert_eq!(status, Status::Errors);
    assert!(err.contains(":40002:"), "{err}");
    // A bad cell only the imported policy reads: its diagnostic, the same way.
    body.truncate(body.len() - "企业999999,是,1,很多\n".len());
    body.push_str("企业999999,是,很多,1\n");
    let p = temp("bad_import.csv", &body);
    let (status, err) = streamed_equals_in_memory("yangcheng.zc", &p);
    assert_eq!(status, Status::Errors);
    assert!(err.contains(":40002:"), "{err}");
}

#[test]
fn a_header_only_the_imported_policy_rejects_is_reported_when_streamed_too() {
    // 县级奖励额 is the imported policy's field, in 元: a count unit is its error alone.
    let mut body = String::from("名称,市级认定,县级奖励额(个),阳城支持额(万元)\n");
    for i in 0..3_000 {
        body.push_str(&format!("企业{i:06},是,{},{}\n", i % 7, i % 5));
    }
    let p = temp("imported_unit.csv", &body);
    let (status, err) = streamed_equals_in_memory("yangcheng.zc", &p);
    assert_eq!(status, Status::Errors);
    assert!(err.contains("县级奖励额(个)"), "{err}");
}

#[test]
fn stacking_overflow_is_reported_when_streamed_too() {
    let big = "50000000000000000000000000000";
    let mut body = String::from("名称,甲额,乙额\n");
    for i in 0..30_000 {
        let (a, b) = if i % 10_000 == 9_999 { (big, big) } else { ("1", "2") };
        body.push_str(&format!("公司{i:05},{a},{b}\n"));
    }
    let p = temp("overflow.csv", &body);
    let (status, err) = streamed_equals_in_memory("overflow.zc", &p);
    assert_eq!(status, Status::Errors);
    assert_eq!(err.matches("ZC0702").count(), 3, "{err}");
    assert!(err.contains("`公司29999`"), "{err}");
}

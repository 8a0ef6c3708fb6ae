//! `diff OLD NEW --data D --explain ID`: one subject's rules and working in both versions, side
//! by side, each value that differs marked (≠), those only one version has marked − and +.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod eval_common;

use eval_common::{temp_dir, zhengce};
use zhengce::cli::Status;

const SUBJECT: &str = "泽州县兰花精密机械有限公司";

/// zezhou with 二(二)6's 30% made 25%: the frozen flat copy, where the rate applies to 企业's own
/// row (the bundled policy now pays it per member project).
fn versions(name: &str) -> (String, String, String) {
    let root = env!("CARGO_MANIFEST_DIR");
    let old = format!("{root}/tests/fixtures/zezhou_flat.zc");
    let text = std::fs::read_to_string(&old).unwrap();
    let changed = text.replace("金额 转化实际发生费用 × 30%", "金额 转化实际发生费用 × 25%");
    assert_ne!(text, changed, "the clause to change is in the policy");
    let dir = temp_dir(name);
    let new = dir.join("zezhou-new.zc");
    std::fs::write(&new, changed).unwrap();
    (old, new.to_str().unwrap().to_string(), format!("{root}/tests/fixtures/zezhou_flat.企业.toml"))
}

#[test]
fn one_subjects_working_side_by_side_with_the_differences_marked() {
    let (old, new, data) = versions("diff-explain");
    let r = zhengce(&["diff", &old, &new, "--data", &data, "--explain", SUBJECT]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    // 1,666,666.66元 × 30% = 499,999.998元 (below the 50万元 cap by 0.002元); × 25% =
    // 416,666.665元 (below it by 83,333.335元).
    let marked: Vec<&str> = r.out.lines().filter(|l| !l.starts_with("    ")).collect();
    assert_eq!(
        marked,
        [
            format!("== {SUBJECT}  2024年: {old} → {new}").as_str(),
            "  ≠ 科技成果转化补助: 499,999.998 元 → 416,666.665 元",
            "  ≠ 科技成果转化补助.比例: 30% → 25%",
            "  − 科技成果转化补助.转化实际发生费用 × 30%: 499,999.998 元（新版本没有）",
            "  ≠ 科技成果转化补助.计算金额: 499,999.998 元 → 416,666.665 元",
            "  ≠ 科技成果转化补助.达到上限: 否（未达上限，差 0.002 元） → 否（未达上限，差 83,333.335 元）",
            "  ≠ 科技成果转化补助.金额: 499,999.998 元 → 416,666.665 元",
            "  + 科技成果转化补助.转化实际发生费用 × 25%: 416,666.665 元（旧版本没有）",
            "",
            "7 个数值不同（≠ 两版不同，− 只在旧版，+ 只在新版）",
        ]
    );
    // What did not change is shown once, unmarked.
    assert!(r.out.contains("\n    科技成果转化补助.基数: 1,666,666.66 元\n"), "{}", r.out);
    assert!(r.out.contains("\n    科技成果转化补助.上限: 500,000 元\n"), "{}", r.out);
    let r = zhengce(&["diff", &old, &new, "--data", &data, "--explain", SUBJECT, "--lang", "en"]);
    assert!(
        r.out.ends_with("\n7 values differ (≠ differs, − old version only, + new version only)\n")
    );
    let r =
        zhengce(&["diff", &old, &new, "--data", &data, "--explain", SUBJECT, "--format", "json"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    let j: serde_json::Value = serde_json::from_str(&r.out).unwrap();
    assert_eq!(j["changed"], 7);
    assert_eq!(j["year"], 2024);
    let amount =
        j["values"].as_array().unwrap().iter().find(|v| v["name"] == "科技成果转化补助.金额");
    let amount = amount.unwrap();
    assert_eq!(amount["old"]["number"], "499999.998");
    assert_eq!(amount["new"]["number"], "416666.665");
    assert_eq!(amount["changed"], true);
}

#[test]
fn an_unknown_subject_or_a_format_without_room_for_it_is_refused() {
    let (old, new, data) = versions("diff-explain-refused");
    let r = zhengce(&["diff", &old, &new, "--data", &data, "--explain", "泽州县兰花精密机械公司"]);
    assert_ne!(r.status, Status::Ok);
    assert!(r.err.contains(SUBJECT), "did you mean: {}", r.err);
    let r = zhengce(&[
        "diff",
        &old,
        &new,
        "--data",
        &data,
        "--explain",
        SUBJECT,
        "--format",
        "markdown",
    ]);
    assert_eq!(r.status, Status::Usage, "{}", r.err);
    assert!(r.err.contains("ZC0904") && r.err.contains("--explain"), "{}", r.err);
}

/// A pool cuts each claim by every subject's claims: one subject alone does not show it, so
/// `--explain` is refused for a policy with a pool, never shown uncut.
#[test]
fn a_policy_with_a_pool_is_refused() {
    let root = env!("CARGO_MANIFEST_DIR");
    let p = format!("{root}/tests/pools/pool.zc");
    let d = format!("{root}/tests/pools/pool.企业.csv");
    let args = ["diff", &p, &p, "--data", &d, "--explain", "甲", "--lang", "en"];
    let r = zhengce(&[&args[..], &["--error-format", "plain"]].concat());
    assert_eq!(r.status, Status::Usage, "{}", r.err);
    assert!(
        r.err.contains("ZC0904")
            && r.err.contains("a pool's cut depends on every subject's claims"),
        "{}",
        r.err
    );
}

//! The document's own figures as values by name (issue 19, item 6): `explain NAME` of a budget,
//! a budget part, a stated amount (`声明`) and a matching line (`配套`) without a subject, and
//! the `document` section of `eval --format json`. Every figure below is computed by hand from
//! the policy's text.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on a broken expectation"
)]

mod eval_common;

use eval_common::zhengce;
use zhengce::cli::Status;

fn policy(name: &str) -> String {
    format!("{}/policies/{name}.zc", env!("CARGO_MANIFEST_DIR"))
}

fn explain_json(name: &str, figure: &str) -> serde_json::Value {
    let r = zhengce(&["explain", &policy(name), figure, "--format", "json"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    serde_json::from_str(&r.out).unwrap()
}

/// A figure's exact value in base units.
fn value(j: &serde_json::Value, key: &str) -> String {
    j["figures"][key]["value"].as_str().unwrap_or_else(|| panic!("no `{key}` in {j}")).to_string()
}

#[test]
fn a_budget_whose_parts_do_not_add_up_shows_both_figures_and_the_difference() {
    // xinjiang 县财政专项资金 states 5820万元; its seven parts are 3000 + 500 + 100 + 800 + 20
    // + 1000 + 500 = 5920万元: 100万元 more than the total.
    let r = zhengce(&["explain", &policy("xinjiang"), "县财政专项资金"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    assert_eq!(
        r.out,
        "县财政专项资金（预算）\n  写明合计：5820万元\n  各项之和：5920万元\n  差额（写明合计 − 各项之和）：-100万元\n  分项数：7\n  不一致（见 `zhengce check` 的警告）\n"
    );
    let j = explain_json("xinjiang", "县财政专项资金");
    assert_eq!(j["kind"], "budget");
    assert_eq!(value(&j, "stated"), "58200000");
    assert_eq!(value(&j, "parts_sum"), "59200000");
    assert_eq!(value(&j, "difference"), "-1000000");
    assert_eq!(value(&j, "part_count"), "7");
    assert_eq!(j["figures"]["stated"]["written"], "5820万元");
    assert_eq!(j["consistent"], false);
}

#[test]
fn a_budget_part_is_named_budget_dot_part_with_the_caps_it_pays() {
    // 省级专项资金.科技创新 is 80万元; the five awards it pays have caps adding up to 100万元,
    // 20万元 more than the line.
    let r = zhengce(&["explain", &policy("xinjiang"), "省级专项资金.科技创新", "--lang", "en"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    assert_eq!(
        r.out,
        "省级专项资金.科技创新 (part)\n  amount: 80万元\n  the 5 awards it pays, at most: 100万元\n  excess over the line: 20万元\n"
    );
    let j = explain_json("xinjiang", "省级专项资金.科技创新");
    assert_eq!(value(&j, "amount"), "800000");
    assert_eq!(value(&j, "caps"), "1000000");
    assert_eq!(value(&j, "excess"), "200000");
    // The budget itself agrees with its parts: 37 + 80 + 223 + 60 = 400万元.
    let j = explain_json("xinjiang", "省级专项资金");
    assert_eq!(value(&j, "parts_sum"), "4000000");
    assert_eq!(value(&j, "difference"), "0");
    assert_eq!(j["consistent"], true);
}

#[test]
fn a_stated_amount_shows_the_stated_figure_beside_the_computed_one() {
    // 北张房租补贴额: 8万元 stated, 48元/㎡ × 1700㎡ = 81,600元 computed, 1,600元 less stated.
    let j = explain_json("xinjiang", "北张房租补贴额");
    assert_eq!(j["kind"], "stated");
    assert_eq!(value(&j, "stated"), "80000");
    assert_eq!(value(&j, "computed"), "81600");
    assert_eq!(value(&j, "difference"), "-1600");
    assert_eq!(j["figures"]["computed"]["written"], "8.16万元");
    assert_eq!(j["consistent"], false);
    // taiyuan: 1202亿元 = 4549亿元 − 3347亿元, consistent, shown in 亿元 as the document writes it.
    let r = zhengce(&["explain", &policy("taiyuan"), "营业收入三年累计增加"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    assert_eq!(
        r.out,
        "营业收入三年累计增加（声明）\n  写明：1202亿元\n  计算：1202亿元\n  差额（写明 − 计算）：0亿元\n  一致\n"
    );
    // 36% written to 1%: 4549 ÷ 3347 − 1 = 1202 ÷ 3347 = 35.91…%, which is 36% at that precision.
    let j = explain_json("taiyuan", "营业收入比2014年增长");
    assert_eq!(value(&j, "stated"), "0.36");
    assert_eq!(j["figures"]["stated"]["unit"], "ratio");
    assert_eq!(j["figures"]["stated"]["written"], "36%");
    assert!(value(&j, "computed").starts_with("0.359127576934568"), "{j}");
    assert_eq!(value(&j, "computed_at_precision"), "0.36");
    assert_eq!(j["consistent"], true);
}

#[test]
fn a_matching_line_shows_the_matching_required() {
    // 省县配套 1:1: 400万元 provincial, so 400万元 from the county; 400万元 stated.
    let r = zhengce(&["explain", &policy("xinjiang"), "省县配套"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    assert_eq!(
        r.out,
        "省县配套（配套）\n  `省级专项资金`：400万元\n  `县级配套资金`：400万元\n  按 1:1 应有的 `县级配套资金`：400万元\n  差额（写明 − 应有）：0万元\n  一致\n"
    );
}

#[test]
fn a_value_that_depends_on_the_subject_still_asks_for_one() {
    let r = zhengce(&["explain", &policy("zezhou"), "科技成果转化补助"]);
    assert_eq!(r.status, Status::Usage);
    assert!(r.err.contains("--subject"), "{}", r.err);
}

#[test]
fn eval_json_carries_the_document_section() {
    let root = env!("CARGO_MANIFEST_DIR");
    let data = format!("{root}/policies/xinjiang.县.toml");
    let r = zhengce(&["eval", &policy("xinjiang"), "--data", &data, "--format", "json"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    let j: serde_json::Value = serde_json::from_str(&r.out).unwrap();
    assert_eq!(j["schema_version"], 5);
    let doc = j["document"].as_array().unwrap();
    let find = |n: &str| doc.iter().find(|f| f["name"] == n).unwrap_or_else(|| panic!("{n}"));
    assert_eq!(value(find("县财政专项资金"), "difference"), "-1000000");
    assert_eq!(value(find("省县配套"), "second_required"), "4000000");
    assert_eq!(value(find("省级专项资金.科技创新"), "excess"), "200000");
}

#[test]
fn eval_text_shows_the_document_figures_with_the_working() {
    let root = env!("CARGO_MANIFEST_DIR");
    let data = format!("{root}/policies/xinjiang.县.toml");
    let r = zhengce(&["eval", &policy("xinjiang"), "--data", &data]);
    assert!(!r.out.contains("== 文件自身的数字"), "{}", r.out);
    let r = zhengce(&["eval", &policy("xinjiang"), "--data", &data, "--working"]);
    assert!(
        r.out.contains("\n== 文件自身的数字\n  县财政专项资金（预算）\n    写明合计：5820万元\n"),
        "{}",
        r.out
    );
}

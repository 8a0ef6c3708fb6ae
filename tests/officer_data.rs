//! Data as a county officer fills it: the `年份` column sets the evaluation year, the subject
//! kind is read from the header, and data diagnostics name their cell in every format.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod eval_common;

use std::path::Path;

use eval_common::{temp_dir, zhengce};
use zhengce::cli::Status;

/// The frozen flat copy of zezhou (tests/fixtures/zezhou_flat.zc): an officer's register of 企业
/// here carries 二(二)6's fields on the enterprise's own row, as the earlier encoding read them
/// (the bundled policy now reads them per 转化项目, a kind of its own).
const ZEZHOU: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/zezhou_flat.zc");

/// The four parameters zezhou leaves to the county, as `--param` arguments.
const PARAMS: [&str; 8] = [
    "--param",
    "市级专精特新奖励额=5万元",
    "--param",
    "省级小巨人奖励额=4万元",
    "--param",
    "国家级小巨人奖励额=3万元",
    "--param",
    "高新奖励=2万元",
];

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `eval zezhou.zc --data DATA ARGS... PARAMS`.
fn eval(data: &Path, args: &[&str]) -> eval_common::Run {
    let mut all = vec!["eval", ZEZHOU, "--data", s(data)];
    all.extend_from_slice(args);
    all.extend_from_slice(&PARAMS);
    zhengce(&all)
}

#[test]
fn one_year_in_the_year_column_is_the_evaluation_year() {
    let dir = temp_dir("officer-one-year");
    let data = dir.join("企业.csv");
    // 孵化面积 is yearly and left empty, the normal case: the row's 年份 still sets the year.
    std::fs::write(
        &data,
        "企业名称,年份,孵化载体认定级别,孵化面积(㎡),首次认定类别,首次认定年份,转化项目符合条件,转化成果来源,转化实际发生费用(元)\n\
         甲公司,2024,市级,,省级小巨人,2024,是,全县,100000\n",
    )
    .unwrap();
    let r = eval(&data, &["--kind", "企业", "--format", "json", "--error-format", "plain"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    assert!(!r.err.contains("ZC0703"), "{}", r.err);
    let report: serde_json::Value = serde_json::from_str(&r.out).unwrap();
    let subject = &report["subjects"][0];
    assert_eq!(subject["year"], 2024, "{subject}");
    let award = |name: &str| {
        let rules = subject["rules"].as_array().unwrap();
        rules.iter().find(|a| a["name"] == name).unwrap()["value"]["number"].clone()
    };
    // 100,000元 × 30% = 30,000元 (under the 50万元 cap); 省级小巨人 recognised in 2024, the
    // evaluation year: the 4万元 parameter.
    assert_eq!(award("科技成果转化补助"), "30000");
    assert_eq!(award("专精特新奖励"), "40000");
}

#[test]
fn several_years_without_values_name_the_years_in_the_help() {
    let dir = temp_dir("officer-two-years");
    let data = dir.join("企业.csv");
    std::fs::write(
        &data,
        "企业名称,年份,孵化载体认定级别,孵化面积(㎡)\n甲公司,2024,市级,\n甲公司,2023,市级,\n",
    )
    .unwrap();
    let r = eval(&data, &["--kind", "企业", "--error-format", "plain"]);
    assert_eq!(r.status, Status::Errors, "{}", r.err);
    assert!(r.err.contains("error[ZC0703]"), "{}", r.err);
    assert!(
        r.err.contains(
            "help: 数据的 `年份` 列有 2023 年、2024 年，按年的取值都没有填写：用 `--year` 选定评估年度，例如 `--year 2024`"
        ),
        "{}",
        r.err
    );
    assert!(!r.err.contains("--year 2022"), "{}", r.err);
    // Chosen with --year, the same data evaluates.
    let r = eval(&data, &["--kind", "企业", "--year", "2023", "--error-format", "plain"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
}

#[test]
fn the_kind_is_read_from_the_header_in_eval_diff_and_simulate() {
    let dir = temp_dir("officer-kind");
    let register = dir.join("登记簿.csv");
    let r = zhengce(&[
        "gen",
        ZEZHOU,
        "--kind",
        "企业",
        "--rows",
        "20",
        "--seed",
        "7",
        "--out",
        register.to_str().unwrap(),
    ]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    // A revision raising the county rate for transfers of county results from 30% to 40%.
    let new = dir.join("NEW.zc");
    let text = std::fs::read_to_string(ZEZHOU).unwrap();
    assert!(text.contains("转化实际发生费用 × 30%"));
    std::fs::write(&new, text.replace("转化实际发生费用 × 30%", "转化实际发生费用 × 40%")).unwrap();
    // README's own command: no --kind, a register whose header fits only 企业.
    let r = zhengce(&["diff", ZEZHOU, s(&new), "--data", s(&register), "--error-format", "plain"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    assert!(r.out.contains("(企业，2024年)"), "{}", r.out);
    let r = zhengce(&["simulate", ZEZHOU, "--data", s(&register), "--error-format", "plain"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    assert!(r.out.contains("(企业，2024年)"), "{}", r.out);
    let r = eval(&register, &["--format", "csv", "--error-format", "plain"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    assert!(r.out.starts_with("企业名称,孵化载体补助,"), "{}", r.out);
    // The header, 20 enterprises and the row of totals.
    assert_eq!(r.out.lines().count(), 22);
    assert!(r.out.lines().last().is_some_and(|l| l.starts_with("合计,")), "{}", r.out);
}

#[test]
fn a_header_that_fits_no_kind_or_several_says_so() {
    let dir = temp_dir("officer-kind-unknown");
    let data = dir.join("数据.csv");
    // 企业名称 is 企业's key, 业务编号 担保业务's: no kind has both.
    std::fs::write(&data, "企业名称,业务编号\n甲公司,B1\n").unwrap();
    let r = eval(&data, &["--error-format", "plain"]);
    assert_eq!(r.status, Status::Errors, "{}", r.err);
    assert!(r.err.contains("error[ZC0607]"), "{}", r.err);
    assert!(r.err.contains("help: 表头不完全符合任何一类主体"), "{}", r.err);
    // Two kinds with the same fields: the header fits both.
    let policy = dir.join("p.zc");
    std::fs::write(
        &policy,
        "政策 \"示例\" { 文号: \"示例〔2024〕1号\" }\n\
         主体 甲类 { 标识 名称\n  名称: 文本\n  费用: 元 }\n\
         主体 乙类 { 标识 名称\n  名称: 文本\n  费用: 元 }\n\
         对于 甲类 { 补助 甲补助 { 金额 费用 × 10% 一次性 } }\n",
    )
    .unwrap();
    std::fs::write(&data, "名称,费用(元)\n甲,100\n").unwrap();
    let r = zhengce(&["eval", s(&policy), "--data", s(&data), "--error-format", "plain"]);
    assert!(r.err.contains("error[ZC0607]"), "{}", r.err);
    assert!(
        r.err.contains("help: 表头符合 `甲类`、`乙类` 几类主体：用 `--kind 甲类` 等指定"),
        "{}",
        r.err
    );
    let r = zhengce(&["eval", s(&policy), "--data", s(&data), "--kind", "甲类", "--format", "csv"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    // 100元 × 10% = 10元: the subject's total and the grand total alike.
    assert_eq!(r.out, "名称,甲补助,合计\n甲,10,10\n合计,10,10\n");
}

/// `eval` on `text` as `企业.csv`: the plain diagnostics' first line and help, one pair per
/// diagnostic.
fn plain_diagnostics(name: &str, text: &str) -> Vec<(String, String)> {
    let dir = temp_dir(name);
    let data = dir.join("企业.csv");
    std::fs::write(&data, text).unwrap();
    let r = eval(&data, &["--error-format", "plain"]);
    assert_eq!(r.status, Status::Errors, "{}", r.err);
    let prefix = format!("{}:", s(&data));
    let mut out: Vec<(String, String)> = Vec::new();
    for line in r.err.lines() {
        if let Some(rest) = line.strip_prefix(&prefix) {
            out.push((rest.to_string(), String::new()));
        } else if let Some(help) = line.strip_prefix("  = help: ")
            && let Some(last) = out.last_mut()
        {
            last.1 = help.to_string();
        }
    }
    out
}

#[test]
fn officer_mistakes_in_cells_and_headers_get_specific_help() {
    let found = plain_diagnostics(
        "officer-help",
        "企业名称,转化实际发生费用(元),市级专精特新奖励(万),市级高新奖励(元)\n\
         甲公司,250万,3,100元\n\
         ,100,2,1.5万元\n",
    );
    let want = [
        (
            "1:18: error[ZC0604]: 未知单位 `万`",
            "`万` 不是单位；你是不是想写 `(万元)`？例如列名 `市级专精特新奖励(万元)`",
        ),
        (
            "2:5: error[ZC0603]: 字段 `转化实际发生费用` 的值 `250万` 不是数字",
            // 250万元 = 2,500,000元.
            "`250万` 即 `250万元`：这一列以 `元` 计，填写 `2500000`；或把列名改成 `转化实际发生费用(万元)`，填写 `250`",
        ),
        (
            "2:12: error[ZC0603]: 字段 `市级高新奖励` 的值 `100元` 不是数字",
            "只填数字 `100`：单位已在列名 `市级高新奖励(元)` 中",
        ),
        (
            "3:1: error[ZC0609]: 主体 `#2` 没有填写必填字段 `企业名称`",
            "填写这一行的 `企业名称`：它标识每个主体，每一行都要填写；这一行不是主体的数据时，删去这一行",
        ),
        (
            "3:8: error[ZC0603]: 字段 `市级高新奖励` 的值 `1.5万元` 不是数字",
            // 1.5万元 = 15,000元.
            "`1.5万元`：这一列以 `元` 计，填写 `15000`；或把列名改成 `市级高新奖励(万元)`，填写 `1.5`",
        ),
    ];
    let want: Vec<(String, String)> =
        want.iter().map(|(a, b)| ((*a).to_string(), (*b).to_string())).collect();
    assert_eq!(found, want);
}

//! Data as a county officer fills it: the `年份` column sets the evaluation year, the subject
//! kind is read from the header, and data diagnostics name their cell in every format.

#[path = "eval_common/mod.rs"]
#[allow(dead_code, reason = "each test file uses part of the shared helpers")]
mod eval_common;

use std::path::Path;

use eval_common::{temp_dir, zhengce};
use zhengce::cli::Status;

const ZEZHOU: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/zezhou.zc");

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

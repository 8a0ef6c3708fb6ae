//! A field declared with a default (`省市补助: 元 可选 = 0元`): an empty cell, or a year a yearly
//! field leaves out, takes the default; the field may be left empty; `explain` says the value is
//! the default, not data; the default's unit must be the field's; the layout keeps it; a register
//! streamed through the CSV report gives the in-memory report (the interpreter evaluates such a
//! kind: it has no compiled form).

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
use zhengce::diagnostics::Code;
use zhengce::source::SourceFile;

const POLICY: &str = "主体 企业 {
  标识 名称
  名称: 文本
  费用: 元
  # 解读：没有省市补助的企业不填，按 0元 计
  省市补助: 元 可选 = 0元
  人数: 人 按年 = 0人
}
对于 企业 {
  § 一 「按费用的一半补助，另加省市补助」
  补助 补助 { 金额 费用 × 50% + 省市补助; 一次性 }
  § 二 「每人 100元」
  补助 按人 { 金额 100元/人 × 人数; 每年 }
}
";

const POLICY_EN: &str = "subject 企业 {
  key 名称
  名称: text
  费用: 元
  # 解读：没有省市补助的企业不填，按 0元 计
  省市补助: 元 optional = 0元
  人数: 人 by year = 0人
}
for 企业 {
  clause 一 「按费用的一半补助，另加省市补助」
  subsidy 补助 { amount 费用 × 50% + 省市补助; once }
  clause 二 「每人 100元」
  subsidy 按人 { amount 100元/人 × 人数; yearly }
}
";

/// 甲 gives everything: 2,000 × 50% + 300 = 1,300元 and 100 × 3 = 300元. 乙 leaves 省市补助
/// and 人数 empty: 1,000 × 50% + 0 = 500元 and 100 × 0 = 0元.
const DATA: &str = "名称,费用(元),省市补助(元),人数[2024](人)\n甲,2000,300,3\n乙,1000,,\n";

fn setup(name: &str, policy: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = temp_dir(name);
    let p = dir.join("p.zc");
    std::fs::write(&p, policy).unwrap();
    let d = dir.join("p.企业.csv");
    std::fs::write(&d, DATA).unwrap();
    (p, d)
}

#[test]
fn an_empty_cell_takes_the_default_in_both_keyword_languages() {
    for (name, policy) in [("default-zh", POLICY), ("default-en", POLICY_EN)] {
        let (p, d) = setup(name, policy);
        let r = zhengce(&[
            "eval",
            p.to_str().unwrap(),
            "--data",
            d.to_str().unwrap(),
            "--format",
            "csv",
        ]);
        assert_eq!(r.status, Status::Ok, "{name}: {}", r.err);
        assert_eq!(r.err, "", "{name}");
        // Each subject's total (1300 + 300 = 1600) and the row of totals.
        assert_eq!(
            r.out, "名称,补助,按人,合计\n甲,1300,300,1600\n乙,500,0,500\n合计,1800,300,2100\n",
            "{name}"
        );
    }
}

#[test]
fn explain_says_the_value_is_the_default() {
    let (p, d) = setup("default-explain", POLICY);
    let args = |subject: &str| {
        zhengce(&[
            "explain",
            p.to_str().unwrap(),
            "--data",
            d.to_str().unwrap(),
            "--subject",
            subject,
            "补助",
            "--lang",
            "en",
        ])
    };
    let r = args("乙");
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    assert!(
        r.out.contains("省市补助 = 0 yuan  (left empty in the data: the declared default)"),
        "{}",
        r.out
    );
    assert!(r.out.contains("费用 = 1,000 yuan  (input data)"), "{}", r.out);
    let r = args("甲");
    assert!(r.out.contains("省市补助 = 300 yuan  (input data)"), "{}", r.out);
}

#[test]
fn the_default_has_the_fields_unit_and_the_layout_keeps_it() {
    let bad = POLICY.replace("可选 = 0元", "可选 = 0人");
    let file = SourceFile::new("p.zc", bad);
    let (policy, d) = zhengce::parser::parse(&file);
    assert!(!d.has_errors());
    let (_, diags) = zhengce::checker::check(&policy.unwrap());
    let errors: Vec<Code> = diags
        .sorted()
        .into_iter()
        .filter(|d| d.severity == zhengce::diagnostics::Severity::Error)
        .map(|d| d.code)
        .collect();
    assert_eq!(errors, [Code::UnitMismatch]);
    for (name, text) in [("p.zc", POLICY), ("p_en.zc", POLICY_EN)] {
        let file = SourceFile::new(name, text);
        let formatted = zhengce::format::format(&file).unwrap();
        assert_eq!(formatted, text, "{name}: the canonical layout");
    }
}

#[test]
fn a_register_streamed_gives_the_in_memory_report() {
    let (p, d) = setup("default-stream", POLICY);
    let out = d.with_file_name("out.csv");
    let s = zhengce(&[
        "eval",
        p.to_str().unwrap(),
        "--data",
        d.to_str().unwrap(),
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(s.status, Status::Ok, "{}", s.err);
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "名称,补助,按人,合计\n甲,1300,300,1600\n乙,500,0,500\n合计,1800,300,2100\n"
    );
}

//! An award read at another year and summed over years: an instalment scheme ("分三年拨付")
//! writes each year's amount once and reads it back (`投资补助[当年 - 1年]`, `累计(投资补助)`);
//! an award paid once whose condition reads yearly data pays only in the first year it is due,
//! alike in the in-memory report and in a register streamed by the compiled form.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on a broken expectation"
)]

mod eval_common;

use eval_common::{temp_dir, zhengce};
use zhengce::cli::Status;

const POLICY: &str = "政策 \"分期\" { 发文机关: \"某局\" }
主体 企业 {
  标识 名称
  名称: 文本
  投资: 元 按年 可选
  认定: 是否 按年 可选
}
对于 企业 {
  § 一 「按当年设备投资的 10% 补助，每家每年最高 5 万元」
  补助 投资补助 { 金额 投资 × 10%; 最高不超过 5万元; 每年 }
  § 二 「首次认定的，一次性奖励 1 万元」
  奖励 认定奖励 { 当 认定; 金额 1万元; 一次性 }
  § 三 「认定后连续两年按投资的 5% 补助」
  补助 连续补助 { 当 认定; 金额 投资 × 5%; 每年 连续 2年 }
  令 上年投资补助: 元 = 投资补助[当年 - 1年]
  令 历年投资补助: 元 = 累计(投资补助)
}
";

/// 企业1 (甲): 投资 300,000 / 600,000 / 100,000 元 in 2023–2025, 认定 from 2024. 企业2 (乙): 认定 only in 2025,
/// 投资 200,000 元 each year. 企业3 (丙): 认定 in 2023 and 2025, not in 2024.
const DATA: &str = "名称,投资[2023](元),投资[2024](元),投资[2025](元),认定[2023],认定[2024],认定[2025]\n\
企业1,300000,600000,100000,否,是,是\n\
企业2,200000,200000,200000,否,否,是\n\
企业3,100000,100000,100000,是,否,是\n";

#[test]
fn instalments_and_one_off_awards_follow_the_years_in_every_report() {
    let dir = temp_dir("award-years");
    let policy = dir.join("p.zc");
    std::fs::write(&policy, POLICY).unwrap();
    let data = dir.join("p.企业.csv");
    std::fs::write(&data, DATA).unwrap();
    let (p, d) = (policy.to_str().unwrap(), data.to_str().unwrap());
    let args = ["eval", p, "--data", d, "--year", "2025", "--format", "csv"];
    let shown = zhengce(&args);
    assert_eq!(shown.status, Status::Ok, "{}", shown.err);
    // 投资补助, 认定奖励, 连续补助, 上年投资补助, 历年投资补助, 合计.
    // 甲: 10,000; 认定 first in 2024, so nothing once more; 2025 is the second year of two:
    // 5,000; 2024's 60,000 capped at 50,000; 30,000 + 50,000 + 10,000 = 90,000.
    // 乙: first due in 2025: 10,000 and 10,000. 丙: due in 2023 already: no one-off award, and
    // the two years from 2023 are over.
    let lines: Vec<&str> = shown.out.lines().collect();
    assert_eq!(lines[0], "名称,投资补助,认定奖励,连续补助,上年投资补助,历年投资补助,合计");
    assert_eq!(lines[1], "企业1,10000,0,5000,50000,90000,15000");
    assert_eq!(lines[2], "企业2,20000,10000,10000,20000,60000,40000");
    assert_eq!(lines[3], "企业3,10000,0,0,10000,30000,10000");
    // Streamed: the same bytes (the interpreter totals an award over the years).
    let out = dir.join("o.csv");
    let streamed = zhengce(&[&args[..], &["--out", out.to_str().unwrap()]].concat());
    assert_eq!(streamed.status, Status::Ok, "{}", streamed.err);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), shown.out);
    // Without the total, the compiled form reads the register: the one-off and two-year
    // awards as the interpreter pays them.
    std::fs::write(&policy, POLICY.replace("  令 历年投资补助: 元 = 累计(投资补助)\n", ""))
        .unwrap();
    // Many rows, so that the register is read in lanes.
    let mut many = DATA.to_string();
    for i in 0..300 {
        many.push_str(&format!("企业4{i:03},100000,100000,100000,是,否,是\n"));
    }
    std::fs::write(&data, many).unwrap();
    let streamed = zhengce(&[&args[..], &["--out", out.to_str().unwrap()]].concat());
    assert_eq!(streamed.status, Status::Ok, "{}", streamed.err);
    assert!(!streamed.err.contains("ZC0710"), "not compiled: {}", streamed.err);
    let written = std::fs::read_to_string(&out).unwrap();
    let rows: Vec<&str> = written.lines().collect();
    assert_eq!(rows[1], "企业1,10000,0,5000,50000,15000", "{written}");
    assert_eq!(rows[2], "企业2,20000,10000,10000,20000,40000", "{written}");
    assert_eq!(rows[3], "企业3,10000,0,0,10000,10000", "{written}");
    assert_eq!(rows[4], "企业4000,10000,0,0,10000,10000", "{written}");
    // Read by the compiled form, no subject left to the interpreter.
    let text = std::fs::read_to_string(&policy).unwrap();
    let policy_ast = zhengce::parser::parse(&zhengce::source::SourceFile::new(p, text)).0.unwrap();
    let (checked, _) = zhengce::checker::check(&policy_ast);
    let opts = zhengce::register::RunOptions {
        year: Some(2025),
        ..zhengce::register::RunOptions::default()
    };
    let mut got = Vec::new();
    let s = zhengce::register::write_csv(&policy_ast, &checked, "企业", &data, &opts, &mut got)
        .unwrap();
    assert_eq!(s.compiled, Ok(()));
    assert_eq!((s.rows, s.interpreted), (303, 0));
    assert_eq!(String::from_utf8(got).unwrap(), written);
}

#[test]
fn an_award_that_reads_no_yearly_value_is_not_yearly() {
    let dir = temp_dir("award-years-not");
    let policy = dir.join("p.zc");
    let text = "主体 企业 {\n  标识 名称\n  名称: 文本\n  人数: 人\n}\n对于 企业 {\n  § 一 「x」\n  \
        奖励 用工奖励 { 金额 人数 × 100元/人 }\n  令 上年: 元 = 用工奖励[当年 - 1年]\n}\n";
    std::fs::write(&policy, text).unwrap();
    let r = zhengce(&["check", policy.to_str().unwrap(), "--error-format", "plain"]);
    assert_eq!(r.status, Status::Errors, "{}", r.out);
    assert!(r.out.contains(":9:13: error[ZC0302]: 此值不是按年的数据"), "{}", r.out);
}

/// `--years`: each award's amount in each year of the span and in all, per subject and for the
/// register, in text and JSON, each year evaluated as `--year` evaluates it.
#[test]
fn years_report_each_awards_amounts_by_year_and_in_all() {
    let dir = temp_dir("award-years-span");
    let policy = dir.join("p.zc");
    std::fs::write(&policy, POLICY).unwrap();
    let data = dir.join("p.企业.csv");
    std::fs::write(&data, DATA).unwrap();
    let (p, d) = (policy.to_str().unwrap(), data.to_str().unwrap());
    let text = zhengce(&["eval", p, "--data", d, "--years", "2023..2025"]);
    assert_eq!(text.status, Status::Ok, "{}", text.err);
    // 企业1: 30,000 + 60,000 capped at 50,000 + 10,000; due first in 2024: 10,000 once; two
    // years from 2024 at 5%: 30,000 and 5,000.
    for line in [
        "  投资补助: 2023年 30,000 元 | 2024年 50,000 元 | 2025年 10,000 元 | 合计 90,000 元",
        "  认定奖励: 2023年 0 元 | 2024年 10,000 元 | 2025年 0 元 | 合计 10,000 元",
        "  连续补助: 2023年 0 元 | 2024年 30,000 元 | 2025年 5,000 元 | 合计 35,000 元",
    ] {
        assert!(
            text.out.contains(&format!("-- 企业1\n{line}")) || text.out.contains(line),
            "{}",
            text.out
        );
    }
    // The register: 企业3 due in 2023 (5,000), 企业1 in 2024–2025, 企业2 in 2025.
    assert!(
        text.out.contains(
            "-- 各年合计\n  投资补助: 2023年 60,000 元 | 2024年 80,000 元 | 2025年 40,000 元 | 合计 180,000 元\n"
        ),
        "{}",
        text.out
    );
    assert!(
        text.out.contains(
            "  连续补助: 2023年 5,000 元 | 2024年 30,000 元 | 2025年 15,000 元 | 合计 50,000 元\n"
        ),
        "{}",
        text.out
    );
    let json = zhengce(&["eval", p, "--data", d, "--years", "2023..2025", "--format", "json"]);
    assert_eq!(json.status, Status::Ok, "{}", json.err);
    let j: serde_json::Value = serde_json::from_str(&json.out).unwrap();
    assert_eq!(j["years"], serde_json::json!([2023, 2024, 2025]));
    let second = &j["subjects"][1];
    assert_eq!(second["id"], "企业2");
    let once =
        second["awards"].as_array().unwrap().iter().find(|a| a["award"] == "认定奖励").unwrap();
    assert_eq!(once["by_year"]["2025"]["number"], "10000");
    assert_eq!(once["by_year"]["2024"]["number"], "0");
    assert_eq!(once["total"]["number"], "10000");
    // A span that runs backwards, and one with `--year`, are refused.
    let back =
        zhengce(&["eval", p, "--data", d, "--years", "2025..2023", "--error-format", "plain"]);
    assert_eq!(back.status, Status::Usage);
    assert!(back.err.contains("ZC0904"), "{}", back.err);
    let csv = zhengce(&["eval", p, "--data", d, "--years", "2023..2025", "--format", "csv"]);
    assert_eq!(csv.status, Status::Usage, "{}", csv.out);
}

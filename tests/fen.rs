//! Fractions of a fen: `check` warns of an award that can come out finer than 0.01 元 with no
//! rounding written (ZC0409), counting the places from the numbers written and the data as
//! offices write it; an evaluation marks each award that does, once per run with the number of
//! subjects (ZC0709), in memory and streamed alike; zhengce never rounds on its own.

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

const POLICY: &str = "主体 企业 { 标识 名称; 名称: 文本; 费用: 元; 面积: ㎡; 人数: 人; 利率: % }
对于 企业 {
  § 一 「按费用的 30% 补助」
  补助 三成 { 金额 费用 × 30%; 一次性 }
  § 二 「每平米 20元」
  补助 按面积 { 金额 20元/㎡ × 面积; 一次性 }
  § 三 「按费用的 30% 补助，取整到元」
  补助 取整到元 { 金额 取整(费用 × 30%, 1元); 一次性 }
  § 四 「每人 1500元」
  补助 按人 { 金额 1500元/人 × 人数; 一次性 }
  § 五 「按费用的 30% 补助，最高不超过 50万元」
  令 基数: 元 = 费用 × 30%
  补助 经由定义 { 金额 基数; 最高不超过 50万元; 一次性 }
  § 六 「费用的八分之一」
  补助 八分之一 { 金额 费用 ÷ 8; 一次性 }
  § 七 「费用的一半」
  补助 一半取整 { 金额 向下取整(费用 ÷ 2, 0.01元); 一次性 }
  § 八 「按利率贴息」
  补助 贴息 { 金额 费用 × 利率; 一次性 }
  § 九 「每年 1万元」
  补助 定额 { 金额 若 人数 ≥ 10人 则 1万元 否则 0.5万元; 一次性 }
}
";

/// The awards `check` warns of (ZC0409), with the places each label gives.
fn warned(text: &str) -> Vec<(String, String)> {
    let file = SourceFile::new("p.zc", text);
    let (policy, d) = zhengce::parser::parse(&file);
    assert!(!d.has_errors(), "{:?}", d.sorted());
    let policy = policy.unwrap();
    let (_, diags) = zhengce::checker::check(&policy);
    diags
        .sorted()
        .into_iter()
        .filter(|d| d.code == Code::FenFraction)
        .map(|d| {
            let name = d.message.en.split('`').nth(1).unwrap().to_string();
            (name, d.labels[0].text.en.clone())
        })
        .collect()
}

#[test]
fn check_warns_of_the_awards_that_can_carry_fractions_of_a_fen() {
    assert_eq!(
        warned(POLICY),
        [
            // 费用 to the fen (2 places) × 30% (1 place): 3 places.
            ("三成".to_string(), "can come to 3 decimal places (0.001 yuan)".to_string()),
            // Through a definition, the cap (0 places) does not hide it.
            ("经由定义".to_string(), "can come to 3 decimal places (0.001 yuan)".to_string()),
            // ÷ 8 = × 0.125: 2 + 3 places.
            ("八分之一".to_string(), "can come to 5 decimal places (0.00001 yuan)".to_string()),
            // A percentage to a hundredth of a percent (4 places of its fraction) × 元: 6.
            ("贴息".to_string(), "can come to 6 decimal places (0.000001 yuan)".to_string()),
        ]
    );
    // Not warned: 20元/㎡ × an area to 2 places; a rounding to 1元; 1500元 × whole people; a
    // rounding of a half to the fen; whole amounts chosen by a condition.
}

#[test]
fn the_help_suggests_a_written_rounding_marked_as_a_reading_and_nothing_is_added() {
    let file = SourceFile::new("p.zc", POLICY);
    let (policy, _) = zhengce::parser::parse(&file);
    let policy = policy.unwrap();
    let (_, diags) = zhengce::checker::check(&policy);
    let d = diags.sorted().into_iter().find(|d| d.code == Code::FenFraction).unwrap();
    let help = d.help.unwrap();
    assert!(help.zh.contains("`取整(…, 0.01元)`") && help.zh.contains("`# 解读："), "{}", help.zh);
    assert!(help.en.contains("zhengce never rounds on its own"), "{}", help.en);
    // The policy is what was written: its award still has no rounding when evaluated.
    assert!(!POLICY.contains("取整(费用 × 30%, 0.01元)"));
}

#[test]
fn the_bundled_policies_warn_where_their_documents_state_no_rounding() {
    let r = zhengce(&["check", "policies", "--error-format", "plain", "--lang", "en"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    // `check` writes its diagnostics to standard output.
    let mut warned: Vec<String> = r
        .out
        .lines()
        .filter(|l| l.contains("warning[ZC0409]"))
        .map(|l| format!("{} {}", l.split(':').next().unwrap(), l.split('`').nth(1).unwrap()))
        .collect();
    warned.sort();
    assert_eq!(
        warned,
        [
            "policies/xinjiang.zc 贷款贴息",
            "policies/xinjiang.zc 转型技改补助",
            "policies/zezhou.zc 业务风险补偿",
            "policies/zezhou.zc 担保费率补差",
            // 二(二)6's 30%/20% of a project's costs, on the member kind 转化项目.
            "policies/zezhou.zc 项目补助",
        ]
    );
}

#[test]
fn an_amount_finer_than_a_fen_is_marked_once_per_award_in_memory_and_streamed() {
    let dir = temp_dir("fen-marks");
    let policy = dir.join("p.zc");
    std::fs::write(&policy, POLICY).unwrap();
    // 甲: 1,666,666.66 × 30% = 499,999.998元 (三成 and 经由定义, under the cap), ÷ 8 =
    // 208,333.3325元; 乙: 100.01 × 30% = 30.003元, ÷ 8 = 12.50125元; 丙: 1,000 × 30% = 300元
    // and ÷ 8 = 125元, whole. 利率 0: 贴息 is 0元.
    let data = dir.join("p.企业.csv");
    std::fs::write(
        &data,
        "名称,费用(元),面积(㎡),人数(人),利率(%)\n甲,1666666.66,10,1,0\n乙,100.01,10,1,0\n丙,1000,10,1,0\n",
    )
    .unwrap();
    let p = policy.to_str().unwrap();
    let d = data.to_str().unwrap();
    let r = zhengce(&[
        "eval",
        p,
        "--data",
        d,
        "--format",
        "json",
        "--lang",
        "en",
        "--error-format",
        "plain",
    ]);
    assert_eq!(r.status, Status::Ok, "a mark is a warning: {}", r.err);
    let marks: Vec<&str> = r.err.lines().filter(|l| l.contains("warning[ZC0709]")).collect();
    assert_eq!(
        marks.iter().map(|l| l.split("]: ").nth(1).unwrap()).collect::<Vec<_>>(),
        [
            "the award `三成` comes to a fraction of a fen (`甲`: 499,999.998 yuan); the document writes no rounding, and the reports show the amount computed (and 1 more subjects)",
            "the award `经由定义` comes to a fraction of a fen (`甲`: 499,999.998 yuan); the document writes no rounding, and the reports show the amount computed (and 1 more subjects)",
            "the award `八分之一` comes to a fraction of a fen (`甲`: 208,333.3325 yuan); the document writes no rounding, and the reports show the amount computed (and 1 more subjects)",
        ]
    );
    // The report itself keeps the amount computed: no rounding added.
    let report: serde_json::Value = serde_json::from_str(&r.out).unwrap();
    let rules = report["subjects"][1]["rules"].as_array().unwrap();
    let value =
        |name: &str| rules.iter().find(|x| x["name"] == name).unwrap()["value"]["number"].clone();
    assert_eq!((value("三成"), value("八分之一")), ("30.003".into(), "12.50125".into()));
    // Streamed through the compiled form: the same report and the same marks.
    let streamed = dir.join("out.csv");
    let s = zhengce(&[
        "eval",
        p,
        "--data",
        d,
        "--format",
        "csv",
        "--out",
        streamed.to_str().unwrap(),
        "--lang",
        "en",
        "--error-format",
        "plain",
    ]);
    let m = zhengce(&[
        "eval",
        p,
        "--data",
        d,
        "--format",
        "csv",
        "--lang",
        "en",
        "--error-format",
        "plain",
    ]);
    assert_eq!(std::fs::read_to_string(&streamed).unwrap(), m.out);
    assert_eq!(s.err, m.err);
    assert_eq!(s.err.matches("warning[ZC0709]").count(), 3, "{}", s.err);
}

#[test]
fn a_register_of_many_blocks_is_marked_as_the_loaded_one_is() {
    // 20,000 generated enterprises (about 2.3 MB: blocks of 1 MiB, read by two threads), many of
    // them paid 30% or 20% of costs to the fen: one mark, at the same first subject and with
    // the same count, streamed and loaded. On the frozen flat copy of zezhou, where 二(二)6's
    // 科技成果转化补助 is an award of 企业 itself (the bundled policy pays it per 转化项目).
    let dir = temp_dir("fen-register");
    let data = dir.join("登记簿.csv");
    let d = data.to_str().unwrap();
    let g = zhengce(&[
        "gen",
        "tests/fixtures/zezhou_flat.zc",
        "--kind",
        "企业",
        "--rows",
        "20000",
        "--seed",
        "7",
        "--out",
        d,
    ]);
    assert_eq!(g.status, Status::Ok, "{}", g.err);
    assert!(std::fs::metadata(&data).unwrap().len() > 2 << 20);
    let out = dir.join("结果.csv");
    let o = out.to_str().unwrap();
    let common = ["--format", "csv", "--lang", "en", "--error-format", "plain"];
    let mut streamed =
        vec!["eval", "tests/fixtures/zezhou_flat.zc", "--data", d, "--out", o, "--threads", "2"];
    streamed.extend(common);
    let s = zhengce(&streamed);
    let mut loaded = vec!["eval", "tests/fixtures/zezhou_flat.zc", "--data", d];
    loaded.extend(common);
    let m = zhengce(&loaded);
    assert_eq!(s.status, Status::Ok, "{}", s.err);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), m.out);
    assert_eq!(s.err, m.err);
    assert_eq!(s.err.matches("warning[ZC0709]").count(), 1, "{}", s.err);
    // The count is the number of subjects whose 科技成果转化补助 has more than two decimal
    // places (the last row, the totals, is no subject).
    let header = m.out.lines().next().unwrap();
    let col = header.split(',').position(|h| h == "科技成果转化补助").unwrap();
    let finer = m
        .out
        .lines()
        .skip(1)
        .filter(|l| !l.starts_with("合计"))
        .filter(|l| {
            l.split(',').nth(col).and_then(|v| v.split_once('.')).is_some_and(|(_, f)| f.len() > 2)
        })
        .count();
    assert!(finer > 1, "{finer}");
    assert!(s.err.contains(&format!("(and {} more subjects)", finer - 1)), "{finer}: {}", s.err);
}

#[test]
fn a_quotient_of_many_places_is_marked_streamed_as_in_memory() {
    // A third of 700元 is 233.33…元 (28 places, the compiled form's exact decimal), of 707元
    // 235.66…元; 714元 ÷ 3 = 238元 is whole. The streamed report marked none of them.
    let dir = temp_dir("fen-quotient");
    let policy = dir.join("p.zc");
    std::fs::write(
        &policy,
        "主体 企业 { 标识 名称; 名称: 文本; 收入: 元 }\n对于 企业 {\n  § 一 「收入的三分之一」\n  补助 三分之一 { 金额 收入 ÷ 3; 一次性 }\n}\n",
    )
    .unwrap();
    let data = dir.join("p.企业.csv");
    std::fs::write(&data, "名称,收入(元)\nE1,700\nE2,707\nE3,714\n").unwrap();
    let (p, d) = (policy.to_str().unwrap(), data.to_str().unwrap());
    let out = dir.join("out.csv");
    let common = ["--format", "csv", "--lang", "en", "--error-format", "plain"];
    let mut streamed = vec!["eval", p, "--data", d, "--out", out.to_str().unwrap()];
    streamed.extend(common);
    let s = zhengce(&streamed);
    let mut loaded = vec!["eval", p, "--data", d];
    loaded.extend(common);
    let m = zhengce(&loaded);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), m.out);
    assert_eq!(s.err, m.err);
    let marks: Vec<&str> = s.err.lines().filter(|l| l.contains("warning[ZC0709]")).collect();
    assert_eq!(marks.len(), 1, "{}", s.err);
    assert!(marks[0].contains("(`E1`: 233.33333333333333333333333333 yuan)"), "{}", marks[0]);
    assert!(marks[0].ends_with("(and 1 more subjects)"), "{}", marks[0]);
}

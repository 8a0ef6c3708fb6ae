//! The one rule for missing values (docs/language.md, 缺数据): a value the data leaves empty is
//! unknown, and an unknown never becomes a number. A total over the years with a year left out
//! (`累计`), a cap or a cut without a value, a deduction of points left empty: each leaves the
//! result unknown (「缺数据」), never the total of the years given, the amount uncapped or uncut,
//! or full marks. The compiled form (a register streamed through the CSV report) gives the
//! interpreter's results, cell for cell.

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

const POLICY: &str = "主体 企业 {
  标识 名称
  名称: 文本
  收入: 元 按年 可选
  费用: 元
  扣分: 分 可选
}
参数 封顶额: 元 可选
参数 核减比例: % 可选
对于 企业 {
  § 一 「按历年收入合计的 1% 奖励」
  补助 累计奖励 { 金额 累计(收入) × 1%; 每年 }
  § 二 「按费用的一半补助，最高不超过封顶额」
  补助 封顶补助 { 金额 费用 × 50%; 最高不超过 封顶额; 一次性 }
  § 三 「按费用的 10% 补助，核减」
  补助 核减补助 { 金额 费用 × 10%; 核减 核减比例; 一次性 }
  § 四 「评分」
  评分 评分表 满分 10分 {
    项 资金 10分 扣分 { 虚列 2-5分: 扣分 }
  }
}
";

/// 甲 gives every year: (100 + 200 + 300) × 1% = 6元, 扣分 3: 10 − 3 = 7分. 乙 leaves 收入 of
/// 2023 and 扣分 empty. Both: 费用 1,000元, × 50% = 500元, × 10% = 100元.
const DATA: &str = "名称,收入[2022](元),收入[2023](元),收入[2024](元),费用(元),扣分(分)\n\
甲,100,200,300,1000,3\n乙,100,,300,1000,\n";

fn setup(name: &str) -> (String, String, std::path::PathBuf) {
    let dir = temp_dir(name);
    let p = dir.join("p.zc");
    std::fs::write(&p, POLICY).unwrap();
    let d = dir.join("p.企业.csv");
    std::fs::write(&d, DATA).unwrap();
    (p.to_str().unwrap().to_string(), d.to_str().unwrap().to_string(), dir)
}

fn csv(p: &str, d: &str, params: &[&str], out: Option<&std::path::Path>) -> String {
    let mut args = vec!["eval", p, "--data", d, "--format", "csv"];
    for x in params {
        args.extend(["--param", x]);
    }
    let out_s = out.map(|o| o.to_str().unwrap().to_string());
    if let Some(o) = &out_s {
        args.extend(["--out", o.as_str()]);
    }
    let r = zhengce(&args);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    match out {
        Some(o) => std::fs::read_to_string(o).unwrap(),
        None => r.out,
    }
}

#[test]
fn a_year_left_out_a_cap_or_cut_without_value_and_an_empty_deduction_are_unknown() {
    let (p, d, dir) = setup("missing-values");
    // With the parameters: the cap binds (500 > 400元), the cut keeps 80% of 100元 = 80元.
    let given = ["封顶额=400元", "核减比例=20%"];
    let text = csv(&p, &d, &given, None);
    assert_eq!(
        text,
        "名称,累计奖励,封顶补助,核减补助,评分表,合计\n\
         甲,6,400,80,7,486\n\
         乙,缺数据,400,80,缺数据,缺数据\n\
         合计（不完整：1 个主体缺数据）,6,800,160,,486\n",
        "乙's 2023 is left out: its total is unknown, not 100 + 300 = 4元; its deduction is \
         empty: unknown, not 10分"
    );
    // Without them: the cap and the cut are unknown, and so are the amounts: never 500元
    // uncapped or 100元 uncut.
    let text = csv(&p, &d, &[], None);
    assert_eq!(
        text,
        "名称,累计奖励,封顶补助,核减补助,评分表,合计\n\
         甲,6,缺数据,缺数据,7,缺数据\n\
         乙,缺数据,缺数据,缺数据,缺数据,缺数据\n\
         合计（不完整：2 个主体缺数据）,6,0,0,,0\n"
    );
    // The register streamed (the compiled form) gives the same bytes.
    for params in [&given[..], &[]] {
        let streamed = csv(&p, &d, params, Some(&dir.join("out.csv")));
        assert_eq!(streamed, csv(&p, &d, params, None), "{params:?}");
    }
}

#[test]
fn the_text_report_does_not_say_a_cap_of_unknown_value_was_not_reached() {
    let (p, d, _) = setup("missing-cap-text");
    let r = zhengce(&["eval", &p, "--data", &d]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    assert!(r.out.contains("最高不超过 （缺数据）\n"), "{}", r.out);
    assert!(!r.out.contains("未达上限"), "{}", r.out);
    let r = zhengce(&["eval", &p, "--data", &d, "--format", "json", "--working"]);
    let j: serde_json::Value = serde_json::from_str(&r.out).unwrap();
    let values = &j["subjects"][0]["values"];
    let reached = values.as_array().unwrap().iter().find(|v| v["name"] == "封顶补助.达到上限");
    assert_eq!(reached.unwrap()["value"], serde_json::Value::Null, "{values}");
}

#[test]
fn the_report_counts_and_names_the_subjects_with_undetermined_awards_in_its_language() {
    let (p, d, _) = setup("missing-count");
    let r = zhengce(&["eval", &p, "--data", &d]);
    assert_eq!(r.status, Status::Ok, "without --strict the report exits 0: {}", r.err);
    assert!(
        r.out.ends_with(
            "\n2 个主体的奖励无法确定（缺数据）：甲（封顶补助、核减补助）；乙（累计奖励、封顶补助、核减补助）\n"
        ),
        "{}",
        r.out
    );
    assert!(r.err.contains("ZC0708"), "{}", r.err);
    let r = zhengce(&["eval", &p, "--data", &d, "--lang", "en", "--format", "markdown"]);
    assert!(
        r.out.ends_with(
            "\n2 subjects have undetermined awards (missing data): 甲 (封顶补助, 核减补助); 乙 (累计奖励, 封顶补助, 核减补助)\n"
        ),
        "{}",
        r.out
    );
    // With every value given but 乙's 2023 income: one subject, one award.
    let r = zhengce(&["eval", &p, "--data", &d, "--param", "封顶额=1元", "--param", "核减比例=1%"]);
    assert!(r.out.ends_with("\n1 个主体的奖励无法确定（缺数据）：乙（累计奖励）\n"), "{}", r.out);
}

#[test]
fn strict_makes_a_report_with_missing_results_exit_1_in_every_path() {
    let (p, d, dir) = setup("missing-strict");
    let out = dir.join("out.csv");
    let out_s = out.to_str().unwrap();
    for extra in [&[][..], &["--format", "json"], &["--format", "csv", "--out", out_s]] {
        let mut args = vec!["eval", p.as_str(), "--data", d.as_str()];
        args.extend(extra);
        let r = zhengce(&args);
        assert_eq!(r.status, Status::Ok, "{extra:?}: {}", r.err);
        args.push("--strict");
        let r = zhengce(&args);
        assert_eq!(r.status, Status::Errors, "{extra:?}: {}", r.err);
        assert!(r.err.contains("ZC0708"), "{extra:?}: the warning says why: {}", r.err);
    }
    // Every value given (甲 alone, the parameters on the command line): --strict exits 0.
    let r = zhengce(&[
        "eval",
        &p,
        "--data",
        &d,
        "--subject",
        "甲",
        "--param",
        "封顶额=1元",
        "--param",
        "核减比例=1%",
        "--strict",
    ]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
}

/// A `当` clause that cannot be decided does not hold (an optional field left empty reads as
/// "the subject has none"), and the reports say that missing data decided it: never a silent
/// "not eligible".
#[test]
fn a_condition_missing_data_decided_is_said_so() {
    let dir = temp_dir("missing-undecided");
    let p = dir.join("p.zc");
    std::fs::write(
        &p,
        "主体 企业 {\n  标识 名称\n  名称: 文本\n  迁出年份: 年份 可选\n  费用: 元\n}\n\
         对于 企业 {\n  § 一 「未迁出的企业按费用的一半补助」\n\
           补助 留存补助 { 当 非 (迁出年份 ≤ 当年); 当 费用 > 0元; 金额 费用 × 50% }\n}\n",
    )
    .unwrap();
    let d = dir.join("p.企业.csv");
    std::fs::write(&d, "名称,迁出年份,费用(元)\n甲,2030,1000\n乙,,1000\n丙,,0\n").unwrap();
    let (p, d) = (p.to_str().unwrap(), d.to_str().unwrap());
    let r = zhengce(&["eval", p, "--data", d, "--year", "2024"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    // 甲 moved out in 2030, after 2024: 1,000 × 50% = 500元.
    assert!(r.out.contains("-- 甲  2024年\n  补助 留存补助: 500 元"), "{}", r.out);
    assert!(r.out.contains("不符合：`当 非 (迁出年份 ≤ 当年)`（缺数据）\n"), "{}", r.out);
    // 丙 fails on its costs too: both said, only the first for missing data.
    assert!(
        r.out.contains("不符合：`当 非 (迁出年份 ≤ 当年)`（缺数据）、`当 费用 > 0元`\n"),
        "{}",
        r.out
    );
    let r = zhengce(&["eval", p, "--data", d, "--year", "2024", "--lang", "en"]);
    assert!(
        r.out.contains("not eligible: `当 非 (迁出年份 ≤ 当年)` (missing data)\n"),
        "{}",
        r.out
    );
    let r = zhengce(&["eval", p, "--data", d, "--year", "2024", "--format", "json"]);
    let j: serde_json::Value = serde_json::from_str(&r.out).unwrap();
    let detail = |i: usize| j["subjects"][i]["rules"][0]["detail"].clone();
    assert_eq!(detail(0).get("undecided_clauses"), None, "only where some clause was undecided");
    // Clauses by their position among the award's clauses, from 0.
    assert_eq!(detail(1)["failed_clauses"], serde_json::json!([0]));
    assert_eq!(detail(1)["undecided_clauses"], serde_json::json!([0]));
    assert_eq!(detail(2)["failed_clauses"], serde_json::json!([0, 1]));
    assert_eq!(detail(2)["undecided_clauses"], serde_json::json!([0]));
}

/// `explain` shows each value at the year it was read: a field read at another year
/// (`研发费用[认定年份 - 1年]`) with that year's value, each year of a total over the years.
#[test]
fn explain_shows_each_value_at_the_year_it_was_read() {
    let dir = temp_dir("explain-years");
    let p = dir.join("p.zc");
    std::fs::write(
        &p,
        "主体 企业 {\n  标识 名称\n  名称: 文本\n  认定年份: 年份\n  研发费用: 元 按年 可选\n}\n\
         对于 企业 {\n  § 一 「按认定上一年研发费用的 10% 奖励」\n\
           补助 研发奖励 { 金额 研发费用[认定年份 - 1年] × 10% }\n\
           § 二 「历年研发费用合计」\n  令 历年研发: 元 = 累计(研发费用)\n}\n",
    )
    .unwrap();
    let d = dir.join("p.企业.csv");
    std::fs::write(
        &d,
        "名称,认定年份,研发费用[2022](元),研发费用[2023](元),研发费用[2024](元)\n甲,2023,1000,,5000\n",
    )
    .unwrap();
    let (p, d) = (p.to_str().unwrap(), d.to_str().unwrap());
    let explain = |name: &str, extra: &[&str]| {
        let mut args = vec!["explain", p, "--data", d, "--subject", "甲", name];
        args.extend(extra);
        let r = zhengce(&args);
        assert_eq!(r.status, Status::Ok, "{}", r.err);
        r.out
    };
    // 2022's 1,000元 × 10% = 100元: the value read is 2022's, not 2024's 5,000元.
    let out = explain("研发奖励", &[]);
    assert!(out.starts_with("研发奖励 = 100 元\n"), "{out}");
    assert!(out.contains("研发费用[2022年] = 1,000 元  （输入数据）\n"), "{out}");
    assert!(!out.contains("研发费用 = 5,000 元"), "{out}");
    // A total over the years: each year read, 2023 left out, so the total is unknown.
    let out = explain("历年研发", &[]);
    assert!(out.starts_with("历年研发 = （缺数据）\n"), "{out}");
    for line in
        ["研发费用[2022年] = 1,000 元", "研发费用[2023年] = （缺数据）", "研发费用 = 5,000 元"]
    {
        assert!(out.contains(line), "{line}: {out}");
    }
    // JSON gives the year of a value read in another year, and only then.
    let out = explain("研发奖励", &["--format", "json"]);
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    let inputs = j["inputs"].as_array().unwrap();
    let rd = inputs.iter().find(|i| i["name"] == "研发费用").unwrap();
    assert_eq!(rd["year"], 2022, "{out}");
    assert_eq!(rd["value"]["number"], "1000", "{out}");
    let year_field = inputs.iter().find(|i| i["name"] == "认定年份").unwrap();
    assert_eq!(year_field.get("year"), None, "{out}");
}

/// `explain` evaluates only what the value explained depends on: a parameter it does not use,
/// left without a value, neither fails it nor makes it 「缺数据」.
#[test]
fn explain_stands_on_what_the_value_uses() {
    let root = env!("CARGO_MANIFEST_DIR");
    let sample = std::fs::read_to_string(format!("{root}/policies/provincial.县.toml")).unwrap();
    let without: String =
        sample.lines().filter(|l| !l.contains("分数线")).map(|l| format!("{l}\n")).collect();
    let dir = temp_dir("explain-unused-param");
    let d = dir.join("县.toml");
    std::fs::write(&d, without).unwrap();
    let p = format!("{root}/policies/provincial.zc");
    let r =
        zhengce(&["explain", &p, "--data", d.to_str().unwrap(), "--subject", "忻府区", "创建年数"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    // 2024 − 2021 = 3 years.
    assert!(r.out.starts_with("创建年数 = 3 年\n"), "{}", r.out);
    assert!(!r.err.contains("ZC0705"), "{}", r.err);
    // The grade, which reads the thresholds, is undetermined, with the parameter named.
    let r =
        zhengce(&["explain", &p, "--data", d.to_str().unwrap(), "--subject", "忻府区", "总分档次"]);
    assert!(r.out.starts_with("总分档次 = （缺数据）\n"), "{}", r.out);
    assert!(r.err.contains("ZC0705"), "{}", r.err);
}

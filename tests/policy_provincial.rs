#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]
//! `policies/provincial.zc` (忻工信发〔2020〕239号 with 晋政办函〔2020〕99号 and 晋企发〔2020〕95号)
//! against its sample data `policies/provincial.县.toml`, through the command line in process.
//!
//! Every expected figure is computed by hand in the comments from the sample data and the
//! parameters in it: 优秀分数线 90分, 良好分数线 80分, 合格分数线 60分; 全省增速 2022 6%,
//! 2023 5.5%, 2024 5%.

mod policy_common;

use policy_common::{check_changed_new, rule, value, zhengce};
use serde_json::Value;
use zhengce::cli::Status;

const POLICY: &str = "policies/provincial.zc";
const DATA: &str = "policies/provincial.县.toml";

/// The JSON report of the sample data in `year`, with extra arguments.
fn eval(year: &str, extra: &[&str]) -> Value {
    let mut args = vec!["eval", POLICY, "--data", DATA, "--year", year, "--format", "json"];
    args.extend_from_slice(extra);
    let (status, out, err) = zhengce(&args);
    assert_eq!(status, Status::Ok, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// An amount in 元, as its exact decimal string.
fn yuan(report: &Value, subject: &str, name: &str) -> String {
    let v = value(report, subject, name);
    assert_eq!(v["unit"], "元", "{subject} {name}: {v}");
    v["number"].as_str().unwrap().to_string()
}

fn number(report: &Value, subject: &str, name: &str) -> String {
    value(report, subject, name)["number"].as_str().unwrap().to_string()
}

#[test]
fn check_reports_the_april_31_deadline_and_six_county_averages() {
    // The 26 indicators are 3 + 4 + 6 + 3 + 6 + 4 by group and the weights 80% + 20% = 100%: silent.
    // 附件1.三 sets the later years' deadline at 「当年4月31日」, and April has 30 days: ZC0508, with
    // the reading chosen (当年4月30日).
    // 三(二)'s county averages: 10 of the 16 rows agree with one count, 119 (4780 ÷ 119 = 40.17,
    // 1323 ÷ 119 = 11.12, 140 ÷ 119 = 1.1765, 7500 ÷ 119 = 63.03, 2500 ÷ 119 = 21.01,
    // 712 ÷ 119 = 5.98, 1614 ÷ 119 = 13.563, 433 ÷ 119 = 3.639, 37 ÷ 119 = 0.311,
    // 10000 ÷ 119 = 84.03); six do not: 130000 ÷ 119 = 1092.44 (1000 written), 700 ÷ 119 = 5.882
    // (5.8: cut off, not rounded), 315 ÷ 119 = 2.647 (2.2), 26 ÷ 119 = 0.2185 (0.21: cut off),
    // 83 ÷ 119 = 0.6975 (0.69: cut off), 1500 ÷ 119 = 12.605 (7). Warnings, no error.
    let (status, out, err) = zhengce(&["check", "--error-format", "json", "--lang", "en", POLICY]);
    assert_eq!(status, Status::Ok, "{err}");
    let diags: Vec<Value> = serde_json::from_str(&out).unwrap();
    let codes: Vec<&str> = diags.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["ZC0508", "ZC0509", "ZC0509", "ZC0509", "ZC0509", "ZC0509", "ZC0509"]);
    assert!(diags.iter().all(|d| d["severity"] == "warning"), "{out}");
    assert_eq!(
        diags[0]["message"],
        "the date `以后各年申报期限` is written as `当年4月31日`, which does not exist (month 4 has 30 \
         days); the reading chosen is `当年4月30日`"
    );
    let averages: Vec<(&str, String)> =
        diags[1..].iter().map(|d| (d["message"].as_str().unwrap(), d.to_string())).collect();
    let expect = [
        ("新增企业数量", "1000家", "13万家 ÷ 119 ≈ 1092.44家", "1092家"),
        ("新培育小升规企业数量", "5.8家", "700家 ÷ 119 ≈ 5.882家", "5.9家"),
        ("新增省级企业技术中心", "2.2家", "315家 ÷ 119 ≈ 2.647家", "2.6家"),
        ("新增省级专精特新小巨人企业数", "0.21家", "26家 ÷ 119 ≈ 0.2185家", "0.22家"),
        ("新增新三板企业数量", "0.69家", "83家 ÷ 119 ≈ 0.6975家", "0.7家"),
        ("新增著名商标企业数量", "7家", "1500家 ÷ 119 ≈ 12.61家", "13家"),
    ];
    for ((message, whole), (row, written, computed, rounded)) in averages.iter().zip(expect) {
        assert_eq!(
            *message,
            format!(
                "in `县区平均基数`, `{row}` is written as {written} but {computed}, which is \
                 {rounded} at that precision; 119 is the count 10 of the 16 rows agree with"
            )
        );
        // The three cut off are said to agree only if rounded down; the others are not.
        let cut = ["5.8家", "0.21家", "0.69家"].contains(&written);
        assert_eq!(whole.contains("rounded down"), cut, "{whole}");
    }
    // 315家 written as 2.2 agrees with a count from 315 ÷ 2.25 = 140 (exclusive) to
    // 315 ÷ 2.15 = 146.5: 141 to 146; 1500 ÷ 7.5 = 200 (exclusive) to 1500 ÷ 6.5 = 230.8.
    assert!(
        averages[2].1.contains("agrees with counts from 141 to 146, not 119"),
        "{}",
        averages[2].1
    );
    assert!(
        averages[5].1.contains("agrees with counts from 201 to 230, not 119"),
        "{}",
        averages[5].1
    );
}

#[test]
fn the_26_indicators_and_the_weights_are_checked() {
    // Silent on the policy as written (see above). Counting one group short, 3 + 4 + 5 + 3 + 6 + 4
    // = 25 indicators against the stated 26, is reported.
    let new = check_changed_new(POLICY, "创新能力显著增强 6项", "创新能力显著增强 5项");
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(new[0]["code"], "ZC0501");
    assert_eq!(
        new[0]["message"],
        "the breakdown `创建指标项数` states a total of 26项 but its parts add up to 25项"
    );
    // Weights of 80% and 30% add up to 110%, not 100%.
    let new = check_changed_new(
        POLICY,
        "声明 总分权重合计 100% 应等于 80% + 20%",
        "声明 总分权重合计 100% 应等于 80% + 30%",
    );
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(new[0]["code"], "ZC0502");
    assert_eq!(new[0]["message"], "`总分权重合计` is stated as 100% but computes to 110%");
}

#[test]
fn application_conditions_at_their_boundaries() {
    let r = eval("2022", &[]);
    // 定襄县: 市场主体 20000家 = 2万家, 「不低于 2 万家」 includes the number.
    assert_eq!(value(&r, "定襄县", "申报条件"), &Value::Bool(true));
    // 忻州经济开发区: 19999家 < 2万家, and 4 provincial 专精特新 < 5 (not a poverty county).
    assert_eq!(value(&r, "忻州经济开发区", "申报条件"), &Value::Bool(false));
    let items = &rule(&r, "忻州经济开发区", "申报条件")["detail"]["items"][1]["group"]["items"];
    let failed: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["met"] == Value::Bool(false))
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["市场主体", "专精特新"]);
    // 代县: a poverty county with exactly 2 专精特新: the exception 「贫困县2家」 applies.
    assert_eq!(value(&r, "代县", "申报条件"), &Value::Bool(true));
    // 五台县: a poverty county with 1 专精特新 < 2.
    assert_eq!(value(&r, "五台县", "申报条件"), &Value::Bool(false));
    // Deadlines 「2021 年 4 月 10 日前」 and 「4 月 30 日前」 include the day: 定襄县 sent on both days.
    assert_eq!(value(&r, "定襄县", "按期报送"), &Value::Bool(true));
    // 五台县 sent to the city on 2021-04-11, one day late.
    assert_eq!(value(&r, "五台县", "按期报送"), &Value::Bool(false));
}

#[test]
fn new_counts_are_cumulative_except_the_small_to_large_count() {
    let r = eval("2022", &[]);
    let ind = |subject: &str, table: &str, name: &str| -> String {
        let t = &rule(&r, subject, table)["detail"]["indicators"];
        let i = t.as_array().unwrap().iter().find(|i| i["name"] == name).unwrap();
        i["value"]["number"].as_str().unwrap().to_string()
    };
    // 忻府区, approved 2021: 新增企业数 2021 840 + 2022 900 = 1740 (from the approval year);
    // the calendar table counts from 2020: 1275 + 840 + 900 = 3015.
    assert_eq!(ind("忻府区", "年度考核指标", "新增企业数量"), "1740");
    assert_eq!(ind("忻府区", "发展目标", "新增企业数量"), "3015");
    // 新培育小升规企业数量 is that year's count alone: 16 in 2022.
    assert_eq!(ind("忻府区", "年度考核指标", "新培育小升规企业数量"), "16");
}

#[test]
fn the_ladder_of_three_excellent_years() {
    // 忻府区, approved 2021: 总分 = 措施 × 80% + 环境 × 20%.
    // 2022: 95 × 0.8 + 90 × 0.2 = 76 + 18 = 94 ≥ 90: 优秀, 1 year in a row: 100万元.
    let r = eval("2022", &[]);
    assert_eq!(number(&r, "忻府区", "总分"), "94");
    assert_eq!(value(&r, "忻府区", "考核结果"), "优秀");
    assert_eq!(yuan(&r, "忻府区", "创建奖励"), "1000000");
    // 2023: 93 × 0.8 + 92 × 0.2 = 74.4 + 18.4 = 92.8: 优秀, 2 years in a row: 300万元.
    let r = eval("2023", &[]);
    assert_eq!(number(&r, "忻府区", "总分"), "92.8");
    assert_eq!(yuan(&r, "忻府区", "创建奖励"), "3000000");
    assert_eq!(value(&r, "忻府区", "示范县"), &Value::Bool(false));
    // 2024: 96 × 0.8 + 88 × 0.2 = 76.8 + 17.6 = 94.4: 优秀, 3 years in a row: 500万元, and the
    // county can be designated 示范县.
    let r = eval("2024", &[]);
    assert_eq!(number(&r, "忻府区", "总分"), "94.4");
    assert_eq!(yuan(&r, "忻府区", "创建奖励"), "5000000");
    assert_eq!(value(&r, "忻府区", "示范县"), &Value::Bool(true));
}

#[test]
fn grade_thresholds_are_reached_at_the_line() {
    // 定襄县 2022: 82.5 × 0.8 + 70 × 0.2 = 66 + 14 = 80 = 良好分数线: 良好,
    // 100万元 less 20% = 80万元.
    let r = eval("2022", &[]);
    assert_eq!(number(&r, "定襄县", "总分"), "80");
    assert_eq!(value(&r, "定襄县", "考核结果"), "良好");
    assert_eq!(yuan(&r, "定襄县", "创建奖励"), "800000");
    // With the line at 81分 the same 80分 is only 合格: 100万元 less 50% = 50万元.
    let r = eval("2022", &["--param", "良好分数线=81分"]);
    assert_eq!(value(&r, "定襄县", "考核结果"), "合格");
    assert_eq!(yuan(&r, "定襄县", "创建奖励"), "500000");
    // 定襄县 2023: 92 × 0.8 + 90 × 0.2 = 91.6: 优秀, first excellent year: 100万元.
    let r = eval("2023", &[]);
    assert_eq!(yuan(&r, "定襄县", "创建奖励"), "1000000");
    // 定襄县 2024: 90 × 0.8 + 90 × 0.2 = 90 = 优秀分数线: 优秀, 2023 and 2024 in a row: 300万元.
    let r = eval("2024", &[]);
    assert_eq!(number(&r, "定襄县", "总分"), "90");
    assert_eq!(value(&r, "定襄县", "考核结果"), "优秀");
    assert_eq!(yuan(&r, "定襄县", "创建奖励"), "3000000");
}

#[test]
fn daixian_first_assessment_year_is_2023() {
    // 代县, approved 2022. In 2022 创建年数 = 2022 − 2022 = 0年: no award.
    let r = eval("2022", &[]);
    assert_eq!(number(&r, "代县", "创建年数"), "0");
    assert_eq!(yuan(&r, "代县", "创建奖励"), "0");
    // 2023 is its 第1年: 60 × 0.8 + 60 × 0.2 = 60 = 合格分数线: 合格, 100万元 less 50% = 50万元.
    let r = eval("2023", &[]);
    assert_eq!(number(&r, "代县", "总分"), "60");
    assert_eq!(value(&r, "代县", "考核结果"), "合格");
    assert_eq!(yuan(&r, "代县", "创建奖励"), "500000");
    // 2024: 86 × 0.8 + 80 × 0.2 = 68.8 + 16 = 84.8: 良好; no excellent year before, so the first
    // rung 100万元, less 20% = 80万元.
    let r = eval("2024", &[]);
    assert_eq!(number(&r, "代县", "总分"), "84.8");
    assert_eq!(yuan(&r, "代县", "创建奖励"), "800000");
}

#[test]
fn the_gate_of_24_indicators() {
    // 原平市 2022 (第1年): 新增高新技术企业 12 + 12 = 24 < 25 and 非煤工业增加值比重 49.5% < 50%
    // fail; the other 24 are met (国家级小巨人 and 主板 have no target in the first year): 24 ≥ 24,
    // it is scored. 85 × 0.8 + 75 × 0.2 = 68 + 15 = 83: 良好, 80万元.
    let r = eval("2022", &[]);
    let t = &rule(&r, "原平市", "年度考核指标")["detail"];
    assert_eq!(t["met"], 24);
    assert_eq!(t["passed"], true);
    assert_eq!(yuan(&r, "原平市", "创建奖励"), "800000");
    // 2023 (第2年): 12 + 12 + 9 = 33 ≥ 32 and 52.5% ≥ 52%: all 26 met.
    // 70 × 0.8 + 60 × 0.2 = 56 + 12 = 68: 合格, 50万元.
    let r = eval("2023", &[]);
    assert_eq!(rule(&r, "原平市", "年度考核指标")["detail"]["met"], 26);
    assert_eq!(yuan(&r, "原平市", "创建奖励"), "500000");
    // 2024 (第3年): 12 + 12 + 9 + 6 = 39 < 40, 52.8% < 53%, 企业家培训 280 < 300: 23 met < 24.
    // Not scored: 不合格 although 88 × 0.8 + 80 × 0.2 = 86.4, no money, 通报批评.
    let r = eval("2024", &[]);
    let t = &rule(&r, "原平市", "年度考核指标")["detail"];
    assert_eq!(t["met"], 23);
    assert_eq!(t["passed"], false);
    assert_eq!(number(&r, "原平市", "总分"), "86.4");
    assert_eq!(value(&r, "原平市", "考核结果"), "不合格");
    assert_eq!(yuan(&r, "原平市", "创建奖励"), "0");
    assert_eq!(value(&r, "原平市", "通报批评"), &Value::Bool(true));
}

#[test]
fn three_failing_years_disqualify() {
    // 繁峙县: 2022 55 × 0.8 + 50 × 0.2 = 54; 2023 58 × 0.8 + 55 × 0.2 = 57.4;
    // 2024 59 × 0.8 + 60 × 0.2 = 47.2 + 12 = 59.2 < 60: 不合格 three years in a row.
    let r = eval("2023", &[]);
    assert_eq!(value(&r, "繁峙县", "取消资格"), &Value::Bool(false));
    let r = eval("2024", &[]);
    assert_eq!(number(&r, "繁峙县", "总分"), "59.2");
    assert_eq!(value(&r, "繁峙县", "考核结果"), "不合格");
    assert_eq!(yuan(&r, "繁峙县", "创建奖励"), "0");
    assert_eq!(value(&r, "繁峙县", "取消资格"), &Value::Bool(true));
}

#[test]
fn the_2024_total() {
    // 忻府区 500万元 + 定襄县 300万元 + 代县 80万元 = 880万元, to 3 counties.
    let r = eval("2024", &[]);
    let totals = r["totals"].as_array().unwrap();
    let t = totals.iter().find(|t| t["award"] == "创建奖励").unwrap();
    assert_eq!(t["total"]["number"], "8800000");
    assert_eq!(t["recipients"], 3);
}

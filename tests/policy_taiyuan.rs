#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]
//! `policies/taiyuan.zc` (太原市小微企业创业创新基地城市示范工作实施方案) against its sample data
//! `policies/taiyuan.{区县,市,基金,贷款}.toml`, through the command line in process.
//!
//! Every expected figure is computed by hand in the comments from the sample data.

mod policy_common;

use policy_common::{check_changed_new, rule, value, zhengce};
use serde_json::Value;
use zhengce::cli::Status;

const POLICY: &str = "policies/taiyuan.zc";

/// The JSON report of the sample data of one subject kind in `year`.
fn eval(kind: &str, year: &str) -> Value {
    let data = format!("policies/taiyuan.{kind}.toml");
    let args =
        ["eval", POLICY, "--data", &data, "--kind", kind, "--year", year, "--format", "json"];
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

#[test]
fn check_reports_the_district_revenue_targets_and_the_wholesale_share() {
    // The only disagreement among the figures the plan states: the fourteen 2015 district revenue
    // targets add up to 609 + 526 + 731 + 490 + 685 + 78 + 23 + 163 + 41 + 18 + 124 + 107 + 123
    // + 18 = 3736亿元, the city target is 3735亿元. Every other total, stated growth and leverage
    // holds: 9 + 1.3 + 12 = 22.3亿元; 8.1 + 6.9 + 7.3 = 22.3; 3.8 + 4 + 0.3 = 8.1;
    // 2.4 + 2.18 + 2.87 + 0.1 + 0.55 = 8.1; 2.4 + 3.81 = 6.21; 3.67 × 10 = 36.7;
    // 4549 − 3347 = 1202; 59.5 + 22.5 = 82; 18.4 − 13 = 5.4; 3155 − 2187 = 968; the district
    // employment (6.5万人), contract (14.6亿元) and patent (2471项) targets add up; the financing
    // items of 2015 add up to 2.871亿元, written to 0.01亿元 as 2.87亿元; the growth rates written to
    // 1% hold: 4549 ÷ 3347 − 1 = 35.91% (36%), 82 ÷ 59.5 − 1 = 37.82% (38%), 18.4 ÷ 13 − 1 = 41.54%
    // (42%), 3155 ÷ 2187 − 1 = 44.26% (44%); 一's shares of the 67,699 small enterprises:
    // 6973 ÷ 67699 = 10.30% (10.3%), 3859 ÷ 67699 = 5.70% (5.7%); (67699 − 36096) ÷ 5 = 6320.6
    // (6321户); 21.2% × 15.6% = 3.31% (3.3%).
    // The one share that does not hold: 27521 ÷ 67699 = 40.652%, which is 40.7% to 0.1%, not the
    // 40.8% written (that stands for [40.75%, 40.85%)).
    let (status, out, err) = zhengce(&["--lang", "en", "check", "--error-format", "json", POLICY]);
    assert_eq!(status, Status::Ok, "{err}");
    let diags: Vec<Value> = serde_json::from_str(&out).unwrap();
    let codes: Vec<(&str, &str)> = diags
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["severity"].as_str().unwrap()))
        .collect();
    assert_eq!(codes, [("ZC0507", "warning"), ("ZC0501", "warning")]);
    let share = diags[0]["message"].as_str().unwrap();
    assert_eq!(
        share,
        "`批发零售小微企业比重` is written as 40.8% (to 0.1%) but computes to ≈40.652%, which is \
         40.7% at that precision"
    );
    assert!(diags[0].to_string().contains("[40.75%, 40.85%)"), "{}", diags[0]);
    let message = diags[1]["message"].as_str().unwrap();
    assert!(message.contains("二〇一五年营业收入目标"), "{message}");
    assert!(message.contains("3735亿元") && message.contains("3736亿元"), "{message}");
}

#[test]
fn the_2015_space_funds_of_the_two_clauses_are_one_figure() {
    // 六(一)1 「2015年安排市级以上资金2.4亿元」 is 七(二)'s 「创业创新空间房租补贴资金2.4亿元」: silent
    // (see above). Had 七(二) written 2.5亿元, 2.5 ≠ 2.4 would be reported.
    let new = check_changed_new(
        POLICY,
        "声明 二〇一五年创业创新空间房租补贴资金 2.4亿元",
        "声明 二〇一五年创业创新空间房租补贴资金 2.5亿元",
    );
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(new[0]["code"], "ZC0502");
    assert_eq!(
        new[0]["message"],
        "`二〇一五年创业创新空间房租补贴资金` is stated as 2.5亿元 but computes to 2.4亿元"
    );
}

#[test]
fn matching_funds_by_class() {
    let r = eval("区县", "2015");
    // 高新区 1:2: 4600万元 × 2 = 9200万元; 融资 1400万元 × 2 = 2800万元; it put in 9500 and 3000.
    assert_eq!(yuan(&r, "高新区", "空间应配套资金"), "92000000");
    assert_eq!(yuan(&r, "高新区", "融资应配套资金"), "28000000");
    assert_eq!(value(&r, "高新区", "配套到位"), &Value::Bool(true));
    // 古交市 1:1: 600万元 × 1 = 600万元.
    assert_eq!(yuan(&r, "古交市", "空间应配套资金"), "6000000");
    // 娄烦县 1:0.5: 400万元 × 0.5 = 200万元, and it put in exactly 200万元 (不低于: met);
    // 融资 1000万元 × 0.5 = 500万元, put in 500万元.
    assert_eq!(yuan(&r, "娄烦县", "空间应配套资金"), "2000000");
    assert_eq!(value(&r, "娄烦县", "配套到位"), &Value::Bool(true));
    // 晋源区 is one of the 城六区, 1:1.5: 1000万元 × 1.5 = 1500万元 > the 1400万元 it put in.
    assert_eq!(yuan(&r, "晋源区", "空间应配套资金"), "15000000");
    assert_eq!(value(&r, "晋源区", "配套到位"), &Value::Bool(false));
    // 民营区 1:1.5: 融资 1000万元 × 1.5 = 1500万元 > 1200万元.
    assert_eq!(value(&r, "民营区", "配套到位"), &Value::Bool(false));
}

#[test]
fn the_districts_match_the_stated_381_million() {
    // The sample allocations add up to 2.4亿元 and the matching they require to
    // 2 × (4600 + 3200) + 1.5 × (2400 + 1800 + 2000 + 1600 + 2200 + 1000 + 1800 + 800)
    // + 1 × (600 + 1000) + 0.5 × (600 + 400) = 15600 + 20400 + 1600 + 500 = 38100万元 = 3.81亿元,
    // the figure of 六(一)1.
    let r = eval("区县", "2015");
    let subjects = r["subjects"].as_array().unwrap();
    assert_eq!(subjects.len(), 14);
    let sum = |name: &str| -> i64 {
        subjects
            .iter()
            .map(|s| {
                let id = s["id"].as_str().unwrap();
                yuan(&r, id, name).parse::<i64>().unwrap()
            })
            .sum()
    };
    assert_eq!(sum("空间应配套资金"), 381_000_000);
}

#[test]
fn graduate_loan_interest_subsidy() {
    // 贷款基准利率 4.35% in every year of the sample data.
    let r = eval("贷款", "2015");
    // 张某, graduated 2013, loan 2015: 100000元 × 4.35% = 4350元.
    assert_eq!(yuan(&r, "TY-DXS-2015-001", "大学生创业贷款贴息"), "4350");
    // 李某, graduated 2012, loan 2015: 3 years, 「毕业三年内」 includes the third year:
    // 150000元 × 4.35% = 6525元.
    assert_eq!(yuan(&r, "TY-DXS-2015-002", "大学生创业贷款贴息"), "6525");
    // 王某, graduated 2011, loan 2015: 4 years, nothing.
    assert_eq!(yuan(&r, "TY-DXS-2015-003", "大学生创业贷款贴息"), "0");
    // 刘某's loan was made in 2016: no balance in 2015, nothing.
    assert_eq!(yuan(&r, "TY-DXS-2016-005", "大学生创业贷款贴息"), "0");

    let r = eval("贷款", "2016");
    // 刘某: 123456.78元 × 4.35% = 5370.369930元, rounded to the fen: 5370.37元.
    assert_eq!(yuan(&r, "TY-DXS-2016-005", "大学生创业贷款贴息"), "5370.37");
    // 赵某's loan is not for starting a business: nothing.
    assert_eq!(yuan(&r, "TY-DXS-2016-004", "大学生创业贷款贴息"), "0");
    // Total 2016: 张某 60000 × 4.35% = 2610; 李某 90000 × 4.35% = 3915; 刘某 5370.37:
    // 2610 + 3915 + 5370.37 = 11895.37元 to 3 borrowers.
    let t = r["totals"].as_array().unwrap();
    let t = t.iter().find(|t| t["award"] == "大学生创业贷款贴息").unwrap();
    assert_eq!(t["total"]["number"], "11895.37");
    assert_eq!(t["recipients"], 3);

    let r = eval("贷款", "2017");
    // 刘某: 80000元 × 4.35% = 3480元; 张某 repaid (balance 0): nothing.
    assert_eq!(yuan(&r, "TY-DXS-2016-005", "大学生创业贷款贴息"), "3480");
    assert_eq!(yuan(&r, "TY-DXS-2015-001", "大学生创业贷款贴息"), "0");
}

#[test]
fn fund_usage_at_90_and_50_percent() {
    // 2015: 2.6亿元 × 90% = 2.34亿元 used exactly (「90%以上」 includes it);
    // 2.6亿元 × 50% = 1.3亿元 to small and micro firms exactly (「不得低于50%」).
    let r = eval("基金", "2015");
    assert_eq!(value(&r, "太原市小微企业发展基金", "基金使用考核"), &Value::Bool(true));
    // 2016: 2.2亿元 < 2.34亿元.
    let r = eval("基金", "2016");
    assert_eq!(value(&r, "太原市小微企业发展基金", "基金使用考核"), &Value::Bool(false));
    // 2017: 3亿元 × 90% = 2.7 ≤ 2.85 used, but 3 × 50% = 1.5 > 1.45 to small firms.
    let r = eval("基金", "2017");
    let items = &rule(&r, "太原市小微企业发展基金", "基金使用考核")["detail"]["items"];
    assert_eq!(items[0]["met"], true);
    assert_eq!(items[1]["met"], false);
    assert_eq!(items[1]["comparison"]["right"]["number"], "150000000");
}

#[test]
fn city_targets_by_year() {
    let r = eval("市", "2015");
    // 2015: 3752 ≥ 3735亿元; 66.2 − 59.5 = 6.7 ≥ 6.5万人; 14.6 = 14.6亿元 (达到: met);
    // 2480 ≥ 2471项; 300 = 300 诚信企业 (不少于: met).
    assert_eq!(value(&r, "太原市", "示范目标"), &Value::Bool(true));
    assert_eq!(value(&r, "太原市", "诚信企业认定达标"), &Value::Bool(true));
    // The stated average growth rates round correctly: e.g. 3347 × 1.105³ = 4515.9 ≤ 4549 <
    // 3347 × 1.115³ = 4639.6.
    for s in ["营业收入", "就业人数", "技术合同成交额", "授权专利数"] {
        let name = format!("{s}年均增长率取整相符");
        assert_eq!(value(&r, "太原市", &name), &Value::Bool(true), "{name}");
    }
    // 2016: 4120 < 4135亿元 and 73.6 − 66.2 = 7.4 < 7.5万人.
    let r = eval("市", "2016");
    let t = &rule(&r, "太原市", "示范目标")["detail"];
    assert_eq!(t["met"], 3);
    assert_eq!(t["passed"], false);
    // 2017: 82.1 − 73.6 = 8.5 = 8.5万人 and 82.1 ≥ 82万人 are met; 18.2 < 18.4亿元 is not;
    // 296 < 300 诚信企业.
    let r = eval("市", "2017");
    let t = &rule(&r, "太原市", "示范目标")["detail"];
    assert_eq!(t["met"], 4);
    assert_eq!(value(&r, "太原市", "诚信企业认定达标"), &Value::Bool(false));
}

#[test]
fn every_sample_data_file_evaluates() {
    // The four sample files beside the policy, one per subject kind. 贷款基准利率 is an optional
    // parameter: only the loan data give it.
    let (status, _, err) = zhengce(&["eval", POLICY, "--year", "2015"]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(err.is_empty(), "{err}");
}

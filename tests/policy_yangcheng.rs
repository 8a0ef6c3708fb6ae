//! policies/yangcheng.zc (阳政办发〔2024〕74号) against its sample data: which spending lines the
//! award fund may pay, under which item and area, and the sums computed by hand. The document
//! states no amount, rate or cap: its boundaries are the items listed, the use restrictions of 四
//! and 「省级以上」.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod policy_common;

use policy_common::{check_codes, d, eval, rule, stack, total, yuan};
use zhengce::cli::Status;

const POLICY: &str = "policies/yangcheng.zc";
const SPENDING: &str = "policies/yangcheng.支出.toml";
const ENTERPRISES: &str = "policies/yangcheng.企业.toml";

#[test]
fn check_finds_nothing_to_report() {
    let (status, codes) = check_codes(POLICY);
    assert_eq!(status, Status::Ok);
    assert_eq!(codes, Vec::<(String, String)>::new());
}

#[test]
fn each_line_has_its_item_and_area() {
    let r = eval(POLICY, SPENDING, &[]);
    let area = |id: &str| rule(&r, id, "所属方面")["value"].clone();
    assert_eq!(area("YC-2024-01"), "中小企业服务体系建设"); // 三(一)1
    assert_eq!(area("YC-2024-09"), "中小企业服务体系建设"); // 三(一)8, the last of (一)
    assert_eq!(area("YC-2024-10"), "创业创新重点载体建设"); // 三(二)9, the first of (二)
    assert_eq!(area("YC-2024-11"), "创业创新重点载体建设"); // 三(二)10
    assert_eq!(area("YC-2024-12"), "优质中小企业培育"); // 三(三)11
    assert_eq!(area("YC-2024-14"), "其他支持事项"); // 三(四)13
    assert_eq!(area("YC-2024-16"), "不属于所列方面"); // an office repair
}

#[test]
fn eligible_lines_are_paid_in_full_and_the_others_not_at_all() {
    let r = eval(POLICY, SPENDING, &[]);
    // 三(一)5 training within the county's rules: 210,000; over the county's standard: 0.
    assert_eq!(yuan(&r, "YC-2024-05", "奖励资金列支"), d("210000"));
    assert_eq!(yuan(&r, "YC-2024-06", "奖励资金列支"), d("0"));
    // 三(四)13 decided by the 领导小组: 100,000; not decided: 0.
    assert_eq!(yuan(&r, "YC-2024-14", "奖励资金列支"), d("100000"));
    assert_eq!(yuan(&r, "YC-2024-15", "奖励资金列支"), d("0"));
    // 四4: a deviation corrected may be paid (25,000); a serious one is halted (0).
    assert_eq!(yuan(&r, "YC-2024-08", "奖励资金列支"), d("25000"));
    assert_eq!(yuan(&r, "YC-2024-18", "奖励资金列支"), d("0"));
    // 四1 专款专用 and 公开透明 broken: 0 each; not a listed item: 0.
    assert_eq!(yuan(&r, "YC-2024-17", "奖励资金列支"), d("0"));
    assert_eq!(yuan(&r, "YC-2024-19", "奖励资金列支"), d("0"));
    assert_eq!(yuan(&r, "YC-2024-16", "奖励资金列支"), d("0"));
    // 386,000 + 128,500 + 45,000 + 60,000 + 210,000 + 30,000 + 25,000 + 150,000
    // + 40,000 + 80,000 + 200,000 + 90,000 + 100,000 = 1,544,500 on 13 lines, one per item.
    assert_eq!(total(&r, "奖励资金列支"), (d("1544500"), 13));
}

#[test]
fn listing_support_goes_to_provincial_level_and_above() {
    let r = eval(POLICY, ENTERPRISES, &[]);
    // 三(三)11 「省级以上」 includes 省级: 150,000 spent in 2024 for a 新三板 listing.
    assert_eq!(yuan(&r, "阳城县蟒河生物科技有限公司", "专精特新上市培育"), d("150000"));
    // 市级 is below: nothing.
    assert_eq!(yuan(&r, "阳城县析城陶瓷有限公司", "专精特新上市培育"), d("0"));
    // Not yet listed, or on a board outside 北交所/科创板/创业板/新三板: nothing.
    assert_eq!(yuan(&r, "阳城县润城新材料有限公司", "专精特新上市培育"), d("0"));
    assert_eq!(yuan(&r, "阳城县皇城农产品开发有限公司", "专精特新上市培育"), d("0"));
    // 800,000 + 150,000 + 50,000 = 1,000,000 to 3.
    assert_eq!(total(&r, "专精特新上市培育"), (d("1000000"), 3));
    // The costs of 2023 in 2023: 350,000.
    let r = eval(POLICY, ENTERPRISES, &["--year", "2023"]);
    assert_eq!(yuan(&r, "阳城县晋阳精密铸造有限公司", "专精特新上市培育"), d("350000"));
}

/// 五 「就高不重复」, shown with 泽州's 专精特新 award (zezhou.zc 二(四)14) evaluated on the same
/// data with its sample parameters: only the higher of the two is paid, never both.
#[test]
fn exclusive_stack_pays_the_higher_award_only() {
    let r = eval(POLICY, ENTERPRISES, &[]);
    let s = |id: &str| stack(&r, id, "专精特新支持");
    // 阳城 150,000 against 泽州 省级小巨人 50,000 → 150,000, all from 阳城.
    assert_eq!(
        s("阳城县蟒河生物科技有限公司"),
        (
            d("150000"),
            vec![
                ("专精特新上市培育".to_string(), d("150000"), d("150000")),
                ("泽州.专精特新奖励".to_string(), d("50000"), d("0")),
            ]
        )
    );
    // 阳城 0 (市级) against 泽州 市级专精特新 30,000 → 30,000.
    assert_eq!(s("阳城县析城陶瓷有限公司").0, d("30000"));
    // A tie, 50,000 against 50,000: 50,000 once, not 100,000.
    let (sum, members) = s("阳城县东冶机械有限公司");
    assert_eq!(sum, d("50000"));
    assert_eq!(members.iter().map(|m| m.2).sum::<rust_decimal::Decimal>(), d("50000"));
    // With 泽州's 省级小巨人 award at 150,000.01 (capped by 泽州 at 50,000): still 150,000.
    let r = eval(POLICY, ENTERPRISES, &["--param", "省级小巨人奖励额=15.000001万元"]);
    assert_eq!(stack(&r, "阳城县蟒河生物科技有限公司", "专精特新支持").0, d("150000"));
}

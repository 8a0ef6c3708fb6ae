//! policies/xinjiang.zc (新绛县2018-2019年度示范县实施方案) against its sample data: the document's
//! own disagreements that `check` reports, and money figures computed by hand at the caps and
//! thresholds.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod policy_common;

use policy_common::{
    check_changed_new, check_codes, check_messages, d, eval, eval_outside_validity, rule, stack,
    total, yuan, zhengce,
};
use zhengce::cli::Status;

const POLICY: &str = "policies/xinjiang.zc";
const ENTERPRISES: &str = "policies/xinjiang.企业.toml";
const PROJECTS: &str = "policies/xinjiang.项目.toml";
const EVALUATED: &str = "policies/xinjiang.考核项目.toml";
const COUNTY: &str = "policies/xinjiang.县.toml";

#[test]
fn check_reports_the_documents_own_disagreements_and_no_error() {
    let (status, codes) = check_codes(POLICY);
    assert_eq!(status, Status::Ok);
    let codes: Vec<&str> = codes
        .iter()
        .map(|(c, s)| {
            assert_eq!(s, "warning", "{c} is not a warning");
            c.as_str()
        })
        .collect();
    // ZC0501: 三(三)二 「共预算5820万元」, its seven funds add up to
    //         3000 + 500 + 100 + 800 + 20 + 1000 + 500 = 5920万元.
    // ZC0503: 表一 「中小微企业吸纳就业人数在城镇就业人数中占比（%） 330」.
    // ZC0504: 八(九) 产出时效 is a 3-point item whose criterion says 「计算得分（4分）」.
    // ZC0506: 五(二)1-5, five projects each 「最高不超过20万元」 = 100万元, paid from the 80万元 line.
    // ZC0502 (three): 五(一)3 48元/㎡ × 1700㎡ = 81600元 against 「共计补贴8万元」; 五(一)4
    //         72元/㎡ × 1300㎡ = 93600元 against 「9万元」; 五(一) computed from the rates the line
    //         is 10 + 10 + 8.16 + 9.36 = 37.52万元 against 「省级资金支持 37万元」.
    // ZC0502: 表一 「中小微企业拥有授权专利数（单位:项） 50」 but 三(四) 「中小微企业拥有授权专利数45项」.
    // ZC0507: 表一's technology contract share 「70」% but 三(四) gives 3100万元 of 3100万元 = 100%.
    // (The patent share 45 ÷ 50 = 90% agrees, and so do 表一's revenue, profit and tax with 三(四).)
    // ZC0409 (two): 五(四)'s 50% of the loan interest and 五(六)1(2)'s 30% of the retained tax
    //         can come to fractions of a fen, and the document states no rounding.
    assert_eq!(
        codes,
        [
            "ZC0409", "ZC0409", "ZC0501", "ZC0502", "ZC0502", "ZC0502", "ZC0502", "ZC0503",
            "ZC0504", "ZC0506", "ZC0507"
        ]
    );
}

#[test]
fn rent_subsidies_are_checked_as_written_without_a_rounding() {
    let (_, out, _) = zhengce(&["check", POLICY, "--error-format", "json", "--lang", "en"]);
    let diags: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    let stated: Vec<String> = diags
        .iter()
        .filter(|d| d["code"] == "ZC0502")
        .map(|d| {
            let mut text = d["message"].as_str().unwrap().to_string();
            text.push_str(" | ");
            text.push_str(&d.to_string());
            text
        })
        .collect();
    assert_eq!(stated.len(), 4, "{stated:?}");
    // 48 × 1700 = 81600元 = 8.16万元; 72 × 1300 = 93600元 = 9.36万元; 20 + 8.16 + 9.36 = 37.52.
    assert!(stated[0].starts_with("`北张房租补贴额` is stated as 8万元 but computes to 8.16万元"));
    assert!(
        stated[1].starts_with("`澄泥砚房租补贴额` is stated as 9万元 but computes to 9.36万元")
    );
    assert!(
        stated[2].starts_with("`基地建设工程按单价` is stated as 37万元 but computes to 37.52万元")
    );
    // What would make them agree: 81600 and 93600 both round down and half up to whole 万元;
    // 37.52万元 rounds half up to 38万元, so only rounding down gives 37万元.
    assert!(stated[0].contains("rounded down or rounded half up to 1万元"), "{}", stated[0]);
    assert!(stated[1].contains("rounded down or rounded half up to 1万元"), "{}", stated[1]);
    assert!(stated[2].contains("rounded down to 1万元 would give"), "{}", stated[2]);
    assert!(!stated[2].contains("half up"), "{}", stated[2]);
    // Two figures of one year that differ: no rounding is proposed for them.
    assert!(
        stated[3].starts_with("`中小微企业授权专利数2018` is stated as 50项 but computes to 45项")
    );
    assert!(!stated[3].contains("rounded"), "{}", stated[3]);
    // The policy itself adds no rounding to the stated amounts.
    let text = std::fs::read_to_string(POLICY).unwrap();
    assert!(text.contains("声明 北张房租补贴额 8万元 应等于 48元/㎡ × 1700㎡\n"));
    assert!(text.contains("声明 澄泥砚房租补贴额 9万元 应等于 72元/㎡ × 1300㎡\n"));
}

/// The message of the one diagnostic that changing `from` to `to` adds, and its code.
fn changed(from: &str, to: &str) -> (String, String) {
    let new = check_changed_new(POLICY, from, to);
    assert_eq!(new.len(), 1, "{from} → {to}: {new:?}");
    (new[0]["code"].as_str().unwrap().to_string(), new[0]["message"].as_str().unwrap().to_string())
}

#[test]
fn figures_stated_twice_agree_across_units_and_a_changed_one_is_reported() {
    // 表二 gives in 万人 and 万元 what 三(四) and 四 give in 人 and 亿元:
    // 4100人 = 0.41万人, 2000人 = 0.2万人, 5000人 = 0.5万人, 3000人 = 0.3万人,
    // 96亿元 = 960000万元, 6.9亿元 = 69000万元, 5.4亿元 = 54000万元. They agree: silent.
    let messages = check_messages(POLICY);
    for name in [
        "城镇新增就业人数2018",
        "中小微企业吸收城镇新增就业人数2018",
        "城镇新增就业人数目标",
        "中小微企业吸收城镇新增就业人数目标",
        "中小微企业营业收入目标",
        "中小微企业营业利润目标",
        "中小微企业税金总额目标",
    ] {
        assert!(!messages.iter().any(|m| m.contains(&format!("`{name}`"))), "{name}: {messages:?}");
    }
    // Had 表二 written 0.42 for 2018, 4100人 = 0.41万人 would not agree.
    let (code, message) = changed(
        "声明 城镇新增就业人数2018 0.41万人 应等于 4100人",
        "声明 城镇新增就业人数2018 0.42万人 应等于 4100人",
    );
    assert_eq!(code, "ZC0502");
    assert_eq!(message, "`城镇新增就业人数2018` is stated as 0.42万人 but computes to 0.41万人");
    // 96亿元 = 9,600,000,000元 = 960,000万元; 95亿元 would be 950,000万元.
    let (code, message) = changed(
        "声明 中小微企业营业收入目标 960000万元 应等于 96亿元",
        "声明 中小微企业营业收入目标 960000万元 应等于 95亿元",
    );
    assert_eq!(code, "ZC0502");
    assert_eq!(
        message,
        "`中小微企业营业收入目标` is stated as 960000万元 but computes to 950000万元"
    );
}

#[test]
fn count_breakdowns_add_up_and_a_changed_total_is_reported() {
    // 三(四)一: 便民服务大厅 23 + 审批服务大厅 33 = 56 windows; 五(六)2: 五小企业 by kind
    // 100 + 30 + 200 + 600 + 270 = 1200户 against 「总量达到1200户以上」. Both agree: silent.
    let messages = check_messages(POLICY);
    assert!(!messages.iter().any(|m| m.contains("政务服务中心窗口")), "{messages:?}");
    assert!(!messages.iter().any(|m| m.contains("五小企业总量目标")), "{messages:?}");
    let (code, message) = changed("分解 五小企业总量目标 1200户", "分解 五小企业总量目标 1300户");
    assert_eq!(code, "ZC0501");
    assert_eq!(
        message,
        "the breakdown `五小企业总量目标` states a total of 1300户 but its parts add up to 1200户"
    );
    // 23 + 34 = 57 windows against the stated 56.
    let (code, message) = changed("审批服务大厅 33个", "审批服务大厅 34个");
    assert_eq!(code, "ZC0501");
    assert_eq!(
        message,
        "the breakdown `政务服务中心窗口` states a total of 56个 but its parts add up to 57个"
    );
}

#[test]
fn cumulative_targets_are_five_years_of_the_yearly_ones() {
    // 五(六)3, 「力争用3－5年时间」: 800人次 × 5 = 4000人次, 20户 × 5 = 100户, 100人 × 5 = 500人,
    // 2户 × 5 = 10户, 200个 × 5 = 1000个. All agree: silent.
    let messages = check_messages(POLICY);
    for name in [
        "累计技能培训",
        "累计返乡创办小微企业",
        "累计创业带动就业",
        "累计返乡兴业企业",
        "累计返乡兴业就业岗位",
    ] {
        assert!(!messages.iter().any(|m| m.contains(&format!("`{name}`"))), "{name}: {messages:?}");
    }
    // Read over three years instead, 20户 × 3 = 60户 against the stated 100户.
    let (code, message) = changed(
        "声明 累计返乡创办小微企业 100户 应等于 20户 × 5",
        "声明 累计返乡创办小微企业 100户 应等于 20户 × 3",
    );
    assert_eq!(code, "ZC0502");
    assert_eq!(message, "`累计返乡创办小微企业` is stated as 100户 but computes to 60户");
}

#[test]
fn loan_interest_subsidy_is_half_the_interest_capped_at_500000() {
    let r = eval(POLICY, ENTERPRISES, &[]);
    // 五(四): a 双创基地投资方. 1,000,000 × 50% = 500,000 = 50万元: exactly the cap, reached.
    assert_eq!(yuan(&r, "山西锐倍特超硬刀具有限公司", "贷款贴息"), d("500000"));
    assert_eq!(rule(&r, "山西锐倍特超硬刀具有限公司", "贷款贴息")["detail"]["capped"], true);
    // 纳税大户. 1,000,002 × 50% = 500,001 > 50万元 → 500,000.
    assert_eq!(yuan(&r, "高义钢铁有限公司", "贷款贴息"), d("500000"));
    assert_eq!(rule(&r, "高义钢铁有限公司", "贷款贴息")["detail"]["capped"], true);
    // 专精特新. 999,998 × 50% = 499,999 < 50万元.
    assert_eq!(yuan(&r, "山西大新传动技术有限公司", "贷款贴息"), d("499999"));
    // 小升规. 86,420.5 × 50% = 43,210.25.
    assert_eq!(yuan(&r, "山西天祥机械有限公司", "贷款贴息"), d("43210.25"));
    // None of the six kinds of key enterprise: 300,000元 of interest, no subsidy.
    assert_eq!(rule(&r, "新绛县信沣林汽车配件有限公司", "重点中小微企业")["value"], false);
    assert_eq!(yuan(&r, "新绛县信沣林汽车配件有限公司", "贷款贴息"), d("0"));
    // 500,000 + 500,000 + 499,999 + 43,210.25 + 与大企业配套合作 256,000 × 50% = 128,000
    // = 1,671,209.25 to 5 enterprises.
    assert_eq!(total(&r, "贷款贴息"), (d("1671209.25"), 5));
}

#[test]
fn named_operators_get_the_fixed_awards_and_the_stated_rounded_rent() {
    let r = eval(POLICY, ENTERPRISES, &[]);
    // 五(一)1, 五(一)2: 10万元 each, to the named operators only.
    assert_eq!(yuan(&r, "山西威祥瑞达石材有限公司", "北张石雕基地运营奖励"), d("100000"));
    assert_eq!(yuan(&r, "山西锐倍特超硬刀具有限公司", "万安钻石基地运营奖励"), d("100000"));
    assert_eq!(yuan(&r, "山西威祥瑞达石材有限公司", "万安钻石基地运营奖励"), d("0"));
    // 五(一)3: 48元/㎡ × 1700㎡ = 81,600元, stated 「共计补贴8万元」 = round to 1万元 → 80,000.
    assert_eq!(yuan(&r, "山西锐倍特超硬刀具有限公司", "北张古建用石基地房租补贴"), d("80000"));
    // 五(一)4: 72元/㎡ × 1300㎡ = 93,600元, stated 「共计补贴9万元」 → 90,000.
    assert_eq!(yuan(&r, "山西省新绛县绛州澄泥砚研制所", "澄泥砚文化园房租补贴"), d("90000"));
    // 10 + 10 + 8 + 9 = 37万元, the 五(一) line.
    let line: rust_decimal::Decimal = [
        "北张石雕基地运营奖励",
        "万安钻石基地运营奖励",
        "北张古建用石基地房租补贴",
        "澄泥砚文化园房租补贴",
    ]
    .iter()
    .map(|a| total(&r, a).0)
    .sum();
    assert_eq!(line, d("370000"));
}

#[test]
fn honour_awards_are_capped_per_item() {
    let r = eval(POLICY, ENTERPRISES, &[]);
    // 五(三)3③ 老字号: decided 200,001元 > 「单项最高不超20万元」 → 200,000.
    assert_eq!(yuan(&r, "山西省新绛县绛州澄泥砚研制所", "老字号奖励"), d("200000"));
    // 展评表彰: decided 30,000元 ≤ 5万元.
    assert_eq!(yuan(&r, "山西省新绛县绛州澄泥砚研制所", "展评表彰产品奖励"), d("30000"));
}

#[test]
fn technology_projects_are_capped_at_200000_each() {
    let r = eval(POLICY, PROJECTS, &[]);
    // 五(二)1: 200,000 = the cap exactly.
    assert_eq!(yuan(&r, "双主轴数控智能机床研发与制造", "双主轴数控智能机床项目补贴"), d("200000"));
    // 五(二)2: 200,001 > 20万元 → 200,000.
    assert_eq!(
        yuan(&r, "重大装备传动系统无键连接技术研发与应用", "无键连接技术项目补贴"),
        d("200000")
    );
    // 五(二)3: 640,000 → 200,000.
    assert_eq!(yuan(&r, "一体化转子体覆膜砂造型线", "覆膜砂造型线项目补贴"), d("200000"));
    // 五(二)4: 199,999 < 20万元.
    assert_eq!(yuan(&r, "JSD-11630大型束线机", "大型束线机项目补贴"), d("199999"));
    // A project of 山西天祥机械 that 五(二) does not name: nothing.
    assert_eq!(yuan(&r, "GJ-530A高速绞线机", "大型束线机项目补贴"), d("0"));
    // 200,000 × 3 + 199,999 + 156,000 = 955,999, more than the 80万元 line (the ZC0506 warning).
    let paid: rust_decimal::Decimal = [
        "双主轴数控智能机床项目补贴",
        "无键连接技术项目补贴",
        "覆膜砂造型线项目补贴",
        "大型束线机项目补贴",
        "车磨一体机项目补贴",
    ]
    .iter()
    .map(|a| total(&r, a).0)
    .sum();
    assert_eq!(paid, d("955999"));
}

#[test]
fn public_service_items_are_capped_by_kind() {
    let r = eval(POLICY, PROJECTS, &[]);
    // 五(三)5: 100,000.01 > 「最高不超10万元」 → 100,000.
    assert_eq!(yuan(&r, "参加上海国际金刚石工具展览会", "参加展销会补贴"), d("100000"));
    // 五(三)4: 100,000 = the cap.
    assert_eq!(yuan(&r, "北张石雕企业环保设施改造", "产业提档补贴"), d("100000"));
    // 五(三)1: 225,000 → 200,000.
    assert_eq!(yuan(&r, "“助企圈”软件系统数据库建设及运营维护", "信息网络服务补贴"), d("200000"));
    // 五(三)2: 「单项给予全额补贴」, no cap: 268,600.
    assert_eq!(yuan(&r, "小微企业负责人北京大学素质提升培训", "人才培育服务补贴"), d("268600"));
    // 五(三)3②: outside the 特色产业双创基地, nothing.
    assert_eq!(yuan(&r, "县城门店包装改良", "特色产业品牌推广补贴"), d("0"));
    assert_eq!(yuan(&r, "万安钻石电子商务平台建设", "特色产业品牌推广补贴"), d("120000"));
}

#[test]
fn transformation_subsidy_is_30_percent_of_local_tax_for_three_years_from_production() {
    // 五(六)1(2), 高义钢铁 in production from 2017. 2019 − 2017 = 2年 < 3年:
    // 1,234,567元 (123.4567万元) × 30% = 370,370.1.
    let r = eval(POLICY, ENTERPRISES, &[]);
    assert_eq!(yuan(&r, "高义钢铁有限公司", "转型技改补助"), d("370370.1"));
    // 大新传动 in production from 2016: 2019 − 2016 = 3年, not < 3年 → 0 in 2019 ...
    assert_eq!(yuan(&r, "山西大新传动技术有限公司", "转型技改补助"), d("0"));
    // ... but in 2018 (2年): 610,000 × 30% = 183,000.
    let r = eval(POLICY, ENTERPRISES, &["--year", "2018"]);
    assert_eq!(yuan(&r, "山西大新传动技术有限公司", "转型技改补助"), d("183000"));
    // 高义钢铁 in its production year 2017 (0年): 852,000 × 30% = 255,600 (2017 is before the
    // document's period, 2018-2019: evaluated as asked with --outside-validity, the ZC0707
    // warning, and the subject marked).
    let r = eval_outside_validity(POLICY, ENTERPRISES, &["--year", "2017"]);
    assert_eq!(yuan(&r, "高义钢铁有限公司", "转型技改补助"), d("255600"));
    assert!(r["subjects"].as_array().unwrap().iter().all(|s| s["outside_validity"] == true));
    // Not a 龙虎榜 enterprise: nothing.
    assert_eq!(yuan(&r, "山西明达汽车配件有限公司", "转型技改补助"), d("0"));
}

#[test]
fn listing_and_innovation_awards() {
    let r = eval(POLICY, ENTERPRISES, &[]);
    // 五(六)1(1): 新三板 in 2019: the county's 30万元 on top of the city's 50万元.
    assert_eq!(yuan(&r, "山西天祥机械有限公司", "新三板挂牌奖励"), d("300000"));
    assert_eq!(yuan(&r, "山西天祥机械有限公司", "市级新三板挂牌奖励"), d("500000"));
    // Listed in Shenzhen in 2018: nothing in 2019, 50万元 + 100万元 in 2018.
    assert_eq!(yuan(&r, "新绛县旭新机床有限公司", "沪深上市奖励"), d("0"));
    let r2018 = eval(POLICY, ENTERPRISES, &["--year", "2018"]);
    assert_eq!(yuan(&r2018, "新绛县旭新机床有限公司", "沪深上市奖励"), d("500000"));
    assert_eq!(yuan(&r2018, "新绛县旭新机床有限公司", "市级沪深上市奖励"), d("1000000"));
    // 五(六)1(5): 国家级 technology centre 50万元, 省级 20万元, 市级 nothing.
    assert_eq!(yuan(&r, "新绛县祥和机械有限公司", "国家级企业技术中心补助"), d("500000"));
    assert_eq!(yuan(&r, "新绛县旭新机床有限公司", "省级企业技术中心补助"), d("200000"));
    assert_eq!(yuan(&r, "新绛县信沣林汽车配件有限公司", "省级企业技术中心补助"), d("0"));
    // 市级院士专家工作站 20万元; 省级博士后科研工作站 10万元.
    assert_eq!(yuan(&r, "山西天祥机械有限公司", "院士专家工作站补助"), d("200000"));
    assert_eq!(yuan(&r, "山西大新传动技术有限公司", "博士后科研工作站补助"), d("100000"));
    // 五(六)1(6): 国家智能制造试点示范 100万元 and 省“两化”融合 10万元.
    assert_eq!(yuan(&r, "运城市新器数控机床有限公司", "智能制造试点示范奖励"), d("1000000"));
    assert_eq!(yuan(&r, "运城市新器数控机床有限公司", "省两化融合奖励"), d("100000"));
}

#[test]
fn county_listing_and_informatisation_awards_add_to_the_city_award() {
    let r = eval(POLICY, ENTERPRISES, &[]);
    // 五(六)1(1) 新三板: city 500,000 + county 300,000 = 800,000, both paid.
    let (sum, members) = stack(&r, "山西天祥机械有限公司", "新三板挂牌");
    assert_eq!(sum, d("800000"));
    assert_eq!(
        members,
        [
            ("市级新三板挂牌奖励".to_string(), d("500000"), d("500000")),
            ("新三板挂牌奖励".to_string(), d("300000"), d("300000")),
        ]
    );
    // 五(六)1(6): city 200,000 + county 国家两化融合 300,000 = 500,000.
    assert_eq!(stack(&r, "高义钢铁有限公司", "信息化奖励").0, d("500000"));
    // 国家智能制造试点示范 1,000,000 + 省两化融合 100,000, no city award: 1,100,000.
    assert_eq!(stack(&r, "运城市新器数控机床有限公司", "信息化奖励").0, d("1100000"));
    // 沪深上市 in 2018: city 1,000,000 + county 500,000 = 1,500,000.
    let r = eval(POLICY, ENTERPRISES, &["--year", "2018"]);
    assert_eq!(stack(&r, "新绛县旭新机床有限公司", "沪深上市").0, d("1500000"));
}

#[test]
fn performance_evaluation_grades_at_the_band_boundaries() {
    let r = eval(POLICY, EVALUATED, &[]);
    let score = |id: &str| policy_common::number(&r, id, "绩效评价", "分");
    let grade = |id: &str| rule(&r, id, "绩效档次")["value"].clone();
    // 100 − 目标量化 1 − 依据不合规 2 − 产出质量 4×25% − 经济效益 8×12.5% − 环境效益 8×50%
    // − 满意度 8×12.5% = 100 − 1 − 2 − 1 − 1 − 4 − 1 = 90 → 优 (≥90).
    assert_eq!(score("中小微企业创业创新基地建设工程"), d("90"));
    assert_eq!(grade("中小微企业创业创新基地建设工程"), "优");
    // 100 − 到位率 3×(1 − 76/80) 0.15 − 到位时效 1 − 分配公平合理 4 − 产出时效 3×5% 0.15
    // − 社会效益 1 − 环境效益 4 − 满意度 8×2.5% 0.2 = 89.5 → 良 (<90).
    assert_eq!(score("中小微企业产业提升科技创新建设工程"), d("89.5"));
    assert_eq!(grade("中小微企业产业提升科技创新建设工程"), "良");
    // 资金使用 7 − 虚列套取 4 (the bottom of 4-7) − 超标准开支 2 = 1; with the other losses
    // (财务 1, 制度执行 4, 产出数量 1, 产出成本 1.5, 经济 3.5, 环境 4, 满意度 4) 100 − 25 = 75 → 良.
    assert_eq!(score("中小微企业公共服务体系建设工程"), d("75"));
    assert_eq!(grade("中小微企业公共服务体系建设工程"), "良");
    // 100 − 40 = 60 → 中 (≥60); the same with 满意度 8×62.5% = 5 lost instead of 4.5: 59.5 → 差.
    assert_eq!(score("中小微企业税费、融资服务体系建设工程"), d("60"));
    assert_eq!(grade("中小微企业税费、融资服务体系建设工程"), "中");
    assert_eq!(score("五小企业创新创业县级配套资金项目"), d("59.5"));
    assert_eq!(grade("五小企业创新创业县级配套资金项目"), "差");
}

#[test]
fn targets_met_exactly_count_and_a_near_miss_does_not() {
    let r = eval(POLICY, COUNTY, &[]);
    let t = &rule(&r, "新绛县", "示范目标")["detail"];
    let met = |name: &str| {
        t["indicators"].as_array().unwrap().iter().find(|i| i["name"] == name).unwrap()["met"]
            .clone()
    };
    // 达到 is ≥: 960,000万元 of revenue meets 「营业收入将达到96亿元」; 0.9% meets 0.9%.
    assert_eq!(met("营业收入"), true);
    assert_eq!(met("研发投入比重"), true);
    // 68,900万元 < 6.9亿元; 1户 < 2户.
    assert_eq!(met("营业利润"), false);
    assert_eq!(met("新增高新技术企业"), false);
    assert_eq!(t["met"], 10);
    assert_eq!(rule(&r, "新绛县", "示范目标")["value"], false);
    // In 2018 no target applies yet.
    let r = eval(POLICY, COUNTY, &["--year", "2018"]);
    assert_eq!(rule(&r, "新绛县", "示范目标")["value"], true);
}

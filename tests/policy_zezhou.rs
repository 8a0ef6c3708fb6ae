//! policies/zezhou.zc (泽发改发〔2022〕43号) against its sample data: money figures computed by
//! hand at the caps and at the 以下 / 低于 / 突破 / 上一年度 thresholds.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod policy_common;

use policy_common::{check_codes, d, eval, rule, stack, total, yuan, zhengce};
use zhengce::cli::Status;

const POLICY: &str = "policies/zezhou.zc";
const ENTERPRISES: &str = "policies/zezhou.企业.toml";
const TRANSFERS: &str = "policies/zezhou.转化企业.toml";
const GUARANTEES: &str = "policies/zezhou.担保业务.toml";
const GUARANTORS: &str = "policies/zezhou.担保机构.toml";
const COUNTY: &str = "policies/zezhou.县.toml";

#[test]
fn check_finds_nothing_to_report_but_amounts_the_document_leaves_unrounded() {
    // The document's figures agree with each other (一 and 二(四)14-15 state the same targets).
    // It states no rounding for awards that can come to fractions of a fen (ZC0409): 二(五)17
    // the guarantee fee top-up (an amount × a difference of rates) and the risk compensation (a
    // balance × 2% or 5%), and 二(二)6's per-project award `项目补助` of 转化项目 (30% or 20% of a
    // project's costs; the enterprise's 科技成果转化补助 is the sum of it). No rounding is added to
    // the policy for any of them: it states what the document states.
    let (status, codes) = check_codes(POLICY);
    assert_eq!(status, Status::Ok);
    let w = |c: &str| (c.to_string(), "warning".to_string());
    assert_eq!(codes, [w("ZC0409"), w("ZC0409"), w("ZC0409")]);
}

#[test]
fn an_amount_finer_than_a_fen_is_marked_once_per_award() {
    // 泽州县兰花精密机械有限公司's one project: 1,666,666.66元 × 30% = 499,999.998元, under the
    // 50万元 cap.
    let (status, out, err) =
        zhengce(&["eval", POLICY, "--data", TRANSFERS, "--lang", "en", "--error-format", "plain"]);
    assert_eq!(status, Status::Ok);
    assert!(out.contains("499,999.998"), "the amount computed is reported, not rounded");
    assert_eq!(err.matches("[ZC").count(), 1, "{err}");
    assert!(
        err.starts_with("policies/zezhou.zc:252:6: warning[ZC0709]: the award `科技成果转化补助` comes to a fraction of a fen (`泽州县兰花精密机械有限公司`: 499,999.998 yuan); the document writes no rounding, and the reports show the amount computed\n"),
        "{err}"
    );
}

#[test]
fn technology_transfer_is_30_or_20_percent_of_each_project_capped_by_origin() {
    // 二(二)6 pays per project (zezhou.转化项目.toml); an enterprise gets the sum of its projects,
    // the document stating no cap per enterprise.
    let r = eval(POLICY, TRANSFERS, &[]);
    let all = |who: &str| yuan(&r, who, "科技成果转化补助");
    let county = |who: &str| yuan(&r, who, "全县成果补助");
    let outside = |who: &str| yuan(&r, who, "市及市外成果补助");
    // Two county projects: 1,666,666.67 × 30% = 500,000.001 > 50万元 → 500,000, and
    // 1,200,000 × 30% = 360,000: 860,000, more than one project's cap.
    assert_eq!(county("泽州县华阳新材料科技有限公司"), d("860000"));
    assert_eq!(all("泽州县华阳新材料科技有限公司"), d("860000"));
    // One county project: 1,666,666.66 × 30% = 499,999.998 < 50万元 (no rounding stated).
    assert_eq!(all("泽州县兰花精密机械有限公司"), d("499999.998"));
    // One external project, 1,500,000 × 20% = 300,000 = 30万元 exactly, and one county
    // project at the county rate, 400,000 × 30% = 120,000: 420,000.
    assert_eq!(outside("泽州县凤城光电科技有限公司"), d("300000"));
    assert_eq!(county("泽州县凤城光电科技有限公司"), d("120000"));
    assert_eq!(all("泽州县凤城光电科技有限公司"), d("420000"));
    // Two external projects: 1,500,000.05 × 20% = 300,000.01 > 30万元 → 300,000, and
    // 1,000,000 × 20% = 200,000: 500,000, more than one project's cap.
    assert_eq!(outside("泽州县鑫磊智能装备有限公司"), d("500000"));
    assert_eq!(all("泽州县鑫磊智能装备有限公司"), d("500000"));
    // A project not found 「产品附加值高、市场前景好、产业带动性强」: nothing; no project: nothing.
    assert_eq!(all("泽州县东沟农业科技有限公司"), d("0"));
    assert_eq!(
        rule(&r, "泽州县东沟农业科技有限公司", "科技成果转化补助")["detail"]["eligible"],
        false
    );
    assert_eq!(all("泽州县晋庙铺创新科技有限公司"), d("0"));
    // 860,000 + 499,999.998 + 420,000 + 500,000 = 2,279,999.998 to 4 enterprises.
    assert_eq!(total(&r, "科技成果转化补助"), (d("2279999.998"), 4));
}

/// Each project of 二(二)6 shows, under its line in the text report, the amount before its
/// cap and whether the cap bound: 1,666,666.67 × 30% = 500,000.001 元, over the 50万元 cap by
/// 0.001 元; 1,200,000 × 30% = 360,000 元, 140,000 元 below it; a project not qualifying says
/// which clause it failed.
#[test]
fn the_text_report_shows_each_projects_cap() {
    let (status, out, err) = zhengce(&["eval", POLICY, "--data", TRANSFERS, "--lang", "zh"]);
    assert_eq!(status, Status::Ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    let at = |line: &str| {
        lines.iter().position(|l| *l == line).unwrap_or_else(|| panic!("{line}: {out}"))
    };
    let first = at("  转化项目 华阳-石墨烯涂层中试: 项目补助 500,000 元");
    assert_eq!(
        lines[first + 1],
        "    计算 500,000.001 元；最高不超过 500,000 元（已达上限，超出 0.001 元）"
    );
    let second = at("  转化项目 华阳-耐火材料配方转化: 项目补助 360,000 元");
    assert_eq!(
        lines[second + 1],
        "    计算 360,000 元；最高不超过 500,000 元（未达上限，差 140,000 元）"
    );
    // 市及市外: 1,500,000.05 × 20% = 300,000.01 元, 0.01 元 over the 30万元 cap.
    let outside = at("  转化项目 鑫磊-巡检机器人转化: 项目补助 300,000 元");
    assert_eq!(
        lines[outside + 1],
        "    计算 300,000.01 元；最高不超过 300,000 元（已达上限，超出 0.01 元）"
    );
    let none = at("  转化项目 东沟-果蔬保鲜技术: 项目补助 0 元");
    assert_eq!(lines[none + 1], "    不符合：`当 符合条件`");
}

/// The Markdown report has a row per project's award in its enterprise's table, the cap it
/// reached in the clause column.
#[test]
fn the_markdown_report_has_a_row_per_project() {
    let (status, out, err) =
        zhengce(&["eval", POLICY, "--data", TRANSFERS, "--lang", "zh", "--format", "markdown"]);
    assert_eq!(status, Status::Ok, "{err}");
    let rows: Vec<&str> = out.lines().filter(|l| l.starts_with("| 转化项目 ")).collect();
    assert_eq!(rows.len(), 8, "{out}");
    assert_eq!(
        rows[0],
        "| 转化项目 华阳-石墨烯涂层中试 · 项目补助 | 补助 | 500,000 元 | § 二(二)6；已达上限 500,000 元（计算 500,000.001 元），按上限计 |"
    );
    assert!(
        rows.contains(
            &"| 转化项目 兰花-精密主轴转化 · 项目补助 | 补助 | 499,999.998 元 | § 二(二)6 |"
        ),
        "{out}"
    );
    // Each table is its enterprise's: the project row between the enterprise's heading and
    // its total, 500,000 + 360,000 = 860,000 元.
    let table = out.split("## 泽州县华阳新材料科技有限公司").nth(1).unwrap();
    let table = table.split("\n## ").next().unwrap();
    assert!(table.contains("华阳-耐火材料配方转化 · 项目补助 | 补助 | 360,000 元"), "{table}");
    assert!(table.contains("| **合计** | | **860,000 元** | |"), "{table}");
}

#[test]
fn incubators_get_20_yuan_per_square_metre_and_10_more_from_provincial_level() {
    let r = eval(POLICY, ENTERPRISES, &[]);
    // 二(一)3, 市级, 2024: 20元/㎡/年 × 3200㎡ × 1年 = 64,000; no provincial extra.
    assert_eq!(yuan(&r, "泽州县丹河科技企业孵化器有限公司", "孵化载体补助"), d("64000"));
    assert_eq!(yuan(&r, "泽州县丹河科技企业孵化器有限公司", "孵化载体省级以上补助"), d("0"));
    // 省级 (the lowest level that gets the extra): 20 × 2500 = 50,000 and 10 × 2500 = 25,000.
    assert_eq!(yuan(&r, "泽州县巴公装备制造众创空间", "孵化载体补助"), d("50000"));
    assert_eq!(yuan(&r, "泽州县巴公装备制造众创空间", "孵化载体省级以上补助"), d("25000"));
    // 国家级, 1800.5㎡: 36,010 and 18,005.
    assert_eq!(yuan(&r, "泽州县金匠科创园孵化器有限公司", "孵化载体补助"), d("36010"));
    assert_eq!(yuan(&r, "泽州县金匠科创园孵化器有限公司", "孵化载体省级以上补助"), d("18005"));
    // Not recognised: nothing.
    assert_eq!(yuan(&r, "泽州县大东沟创客空间", "孵化载体补助"), d("0"));
    // Yearly: in 2023 丹河 had 3000㎡ → 60,000.
    let r = eval(POLICY, ENTERPRISES, &["--year", "2023"]);
    assert_eq!(yuan(&r, "泽州县丹河科技企业孵化器有限公司", "孵化载体补助"), d("60000"));
}

#[test]
fn specialised_enterprise_award_is_capped_at_50000() {
    // 二(四)14: the amounts are parameters (the document gives only 「最高不超过5万元」).
    let r = eval(POLICY, ENTERPRISES, &["--param", "省级小巨人奖励额=5.0001万元"]);
    // 50,001 > 5万元 → 50,000.
    assert_eq!(yuan(&r, "泽州县恒盛精工有限公司", "专精特新奖励"), d("50000"));
    let r = eval(POLICY, ENTERPRISES, &["--param", "省级小巨人奖励额=4.9999万元"]);
    // 49,999 < 5万元.
    assert_eq!(yuan(&r, "泽州县恒盛精工有限公司", "专精特新奖励"), d("49999"));
    // The sample parameters: 市级专精特新 3万元, recognised in 2024, on top of the city's 30,000.
    let r = eval(POLICY, ENTERPRISES, &[]);
    assert_eq!(yuan(&r, "泽州县鸿达铸造有限公司", "专精特新奖励"), d("30000"));
    assert_eq!(yuan(&r, "泽州县鸿达铸造有限公司", "市级专精特新一次性奖励"), d("30000"));
    // Recognised in 2023: nothing in 2024.
    assert_eq!(yuan(&r, "泽州县兴瑞轴承有限公司", "专精特新奖励"), d("0"));
}

#[test]
fn high_tech_awards_in_the_year_of_certification_and_the_year_after() {
    let r = eval(POLICY, ENTERPRISES, &["--param", "高新奖励=5万元"]);
    // 二(四)15 「适当奖励」 = the parameter, 50,000, in the certification year 2024.
    assert_eq!(yuan(&r, "泽州县华阳新材料科技有限公司", "高新认定奖励"), d("50000"));
    // 二(四)16: certified in 2023, 2024 − 2023 = 1年 → 15万元.
    assert_eq!(yuan(&r, "泽州县凤城光电科技有限公司", "上年度高新技术企业资助"), d("150000"));
    // Certified in 2022: 2024 − 2022 = 2年 → nothing ...
    assert_eq!(yuan(&r, "泽州县兰花精密机械有限公司", "上年度高新技术企业资助"), d("0"));
    // ... but 15万元 in 2023.
    let r = eval(POLICY, ENTERPRISES, &["--year", "2023"]);
    assert_eq!(yuan(&r, "泽州县兰花精密机械有限公司", "上年度高新技术企业资助"), d("150000"));
}

#[test]
fn guarantee_fee_top_up_at_1000_wan_and_1_percent() {
    let r = eval(POLICY, GUARANTEES, &[]);
    // 二(五)17: 单户 1000万元 「以下」 includes 1000万元; 0.9% < 1%.
    // 1000万元 × 1.5% − 1000万元 × 0.9% = 150,000 − 90,000 = 60,000.
    assert_eq!(rule(&r, "ZZDB-2024-001", "担保费补差条件")["value"], true);
    assert_eq!(yuan(&r, "ZZDB-2024-001", "担保费率补差"), d("60000"));
    // 1000.01万元 is above 1000万元: nothing.
    assert_eq!(yuan(&r, "ZZDB-2024-002", "担保费率补差"), d("0"));
    // A fee of exactly 1% is not 「低于1%」: nothing.
    assert_eq!(rule(&r, "ZZDB-2024-003", "担保费补差条件")["value"], false);
    assert_eq!(yuan(&r, "ZZDB-2024-003", "担保费率补差"), d("0"));
    // 0.99%: 500万元 × 1.2% − 500万元 × 0.99% = 60,000 − 49,500 = 10,500.
    assert_eq!(yuan(&r, "ZZDB-2024-004", "担保费率补差"), d("10500"));
    // Fee above the industry base: eligible, but max(3,000,000 × 0.7% − 3,000,000 × 0.8%, 0) = 0.
    assert_eq!(yuan(&r, "ZZDB-2024-006", "担保费率补差"), d("0"));
    // 60,000 + 10,500 + 个体工商户 800,000 × (1.3% − 0.5%) = 6,400 → 76,900 to 3.
    assert_eq!(total(&r, "担保费率补差"), (d("76900"), 3));
}

#[test]
fn risk_compensation_is_2_percent_then_5_percent_from_2025() {
    // 二(五)17: 2024, before the end of 十四五: 42,000万元 × 2% = 8,400,000.
    let r = eval(POLICY, GUARANTORS, &["--year", "2024"]);
    assert_eq!(yuan(&r, "泽州县中小企业融资担保有限公司", "业务风险补偿"), d("8400000"));
    // 2025: 45,000万元 × 5% = 22,500,000.
    let r = eval(POLICY, GUARANTORS, &["--year", "2025"]);
    assert_eq!(yuan(&r, "泽州县中小企业融资担保有限公司", "业务风险补偿"), d("22500000"));
    // Not a government guarantor: nothing.
    assert_eq!(yuan(&r, "晋城市泽信商业融资担保有限公司", "业务风险补偿"), d("0"));
}

#[test]
fn targets_for_2025_at_their_boundaries() {
    let r = eval(POLICY, COUNTY, &[]);
    let t = &rule(&r, "泽州县", "发展目标")["detail"];
    let met = |name: &str| {
        t["indicators"].as_array().unwrap().iter().find(|i| i["name"] == name).unwrap()["met"]
            .clone()
    };
    // 「规上工业企业数量突破 260 家」: 260 is not more than 260.
    assert_eq!(met("规上工业企业"), false);
    // 「“专精特新”企业达到 25 家以上」: 25 counts.
    assert_eq!(met("专精特新企业"), true);
    // 知识产权质押融资 20 + 30 + 25 + 25 = 100万元: 「累计达到 100 万元以上」.
    assert_eq!(met("知识产权质押融资"), true);
    // 「平均担保费率降至1%」: 1% counts.
    assert_eq!(met("平均担保费率"), true);
    assert_eq!(t["met"], 19);
    assert_eq!(rule(&r, "泽州县", "发展目标")["value"], false);
}

#[test]
fn county_awards_add_to_the_city_award() {
    let r = eval(POLICY, ENTERPRISES, &["--param", "省级小巨人奖励额=5万元"]);
    // 二(一)3: 省市 50,000 + 县 64,000 + 省级以上 0 = 114,000.
    assert_eq!(stack(&r, "泽州县丹河科技企业孵化器有限公司", "孵化载体").0, d("114000"));
    // 省级: 0 + 50,000 + 25,000 = 75,000.
    assert_eq!(stack(&r, "泽州县巴公装备制造众创空间", "孵化载体").0, d("75000"));
    // 二(四)14: 市级一次性 100,000 + 县 50,000 = 150,000.
    let (sum, members) = stack(&r, "泽州县恒盛精工有限公司", "专精特新");
    assert_eq!(sum, d("150000"));
    assert_eq!(
        members,
        [
            ("市级专精特新一次性奖励".to_string(), d("100000"), d("100000")),
            ("专精特新奖励".to_string(), d("50000"), d("50000")),
        ]
    );
    // 二(四)15: 市级 100,000 + 县 (sample parameter) 50,000 = 150,000.
    assert_eq!(stack(&r, "泽州县华阳新材料科技有限公司", "高新认定").0, d("150000"));
}

#[test]
fn a_parameter_is_read_from_the_data_or_the_command_line_never_dropped() {
    let subject = "泽州县华阳新材料科技有限公司";
    // The data file's `[params]`: 高新奖励 = 5万元.
    let r = eval(POLICY, ENTERPRISES, &[]);
    assert_eq!(yuan(&r, subject, "高新认定奖励"), d("50000"));
    // `--param` overrides the data file, in either form, and says so (ZC0913, a note).
    let r = eval(POLICY, ENTERPRISES, &["--param", "高新奖励=4万元"]);
    assert_eq!(yuan(&r, subject, "高新认定奖励"), d("40000"));
    let (status, _, err) = zhengce(&[
        "eval",
        POLICY,
        "--data",
        ENTERPRISES,
        "--lang",
        "en",
        "--error-format",
        "plain",
        "--param",
        "高新奖励=4万元",
    ]);
    assert_eq!(status, Status::Ok);
    assert!(
        err.starts_with(&format!("--param:1:1: note[ZC0913]: `--param 高新奖励=4万元` overrides the parameter `高新奖励` that the data file `{ENTERPRISES}` gives: `40,000 yuan` is used, not the data's `50,000 yuan`\n")),
        "{err}"
    );
    let r = eval(POLICY, ENTERPRISES, &["--param", "高新奖励(万元)=4"]);
    assert_eq!(yuan(&r, subject, "高新认定奖励"), d("40000"));
    let r = eval(POLICY, ENTERPRISES, &["--param", "高新奖励（万元）=3.5"]);
    assert_eq!(yuan(&r, subject, "高新认定奖励"), d("35000"));
    // A misspelt name is an error naming the parameters, the nearest suggested.
    let (status, out, err) = zhengce(&[
        "eval",
        POLICY,
        "--data",
        ENTERPRISES,
        "--lang",
        "en",
        "--param",
        "高新奖=4万元",
    ]);
    assert_ne!(status, Status::Ok);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("ZC0912"), "{err}");
    assert!(err.contains("the policy declares no parameter `高新奖`"), "{err}");
    assert!(err.contains("did you mean `高新奖励`?"), "{err}");
    assert!(err.contains("`省级小巨人奖励额`"), "{err}");
}

//! Reports a leader reads: each subject's total and the total of all in every format, the id
//! field's name as the first header, a missing value read 「缺数据」 and counted (the totals then
//! say they are incomplete), the subjects paid by one award (`--only-paid`), numbers only in
//! the number columns of a workbook, and a budget sheet that says when there is no budget.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod eval_common;

use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use eval_common::{temp_dir, zhengce};
use zhengce::cli::Status;

const ZEZHOU: &str = "policies/zezhou.zc";
const ZEZHOU_DATA: &str = "policies/zezhou.企业.toml";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Two awards, one of them on an optional field; 乙公司 leaves it empty.
const POLICY: &str = "政策 \"测试补助办法\" {\n  文号: \"测发〔2024〕1号\"\n}\n\
    主体 企业 {\n 标识 企业名称\n 企业名称: 文本\n 费用: 元 可选\n 人数: 人 }\n\
    对于 企业 {\n\
    § 一 「按费用的 20% 补助」\n 补贴 费用补助 { 金额 费用 × 20% }\n\
    § 二 「每人 1000元」\n 奖励 用工奖励 { 金额 人数 × 1000元/人 }\n}\n";

const DATA: &str = "企业名称,费用(元),人数(人)\n甲公司,12345.6,3\n乙公司,,2\n丙公司,1000,0\n";

/// 甲公司: 12,345.6 × 20% = 2,469.12 元 and 3 × 1000 = 3,000 元: 5,469.12 元. 乙公司: no 费用,
/// 2 × 1000 = 2,000 元: its total is missing. 丙公司: 200 元 and 0: 200 元. Totals of what is
/// known: 费用补助 2,669.12 元, 用工奖励 5,000 元, 合计 5,669.12 元 (甲 and 丙), incomplete.
#[test]
fn a_missing_value_reads_缺数据_and_every_total_says_it_is_incomplete() {
    let dir = temp_dir("leader-missing");
    let policy = dir.join("测试.zc");
    std::fs::write(&policy, POLICY).unwrap();
    let data = dir.join("登记.csv");
    std::fs::write(&data, DATA).unwrap();
    let eval = |extra: &[&str]| {
        let mut args = vec!["eval", s(&policy), "--data", s(&data), "--lang", "zh"];
        args.extend(extra);
        args.extend(["--error-format", "plain"]);
        zhengce(&args)
    };
    // Text: each subject's total, the total of all, and why it is incomplete.
    let r = eval(&[]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    assert!(r.out.contains("   测发〔2024〕1号\n"), "{}", r.out);
    assert!(r.out.contains("  合计: 5,469.12 元\n"), "{}", r.out);
    // Each rule in the document's own word: 费用补助 is declared `补贴`, 用工奖励 `奖励`.
    assert!(r.out.contains("  补贴 费用补助: （缺数据）"), "{}", r.out);
    assert!(r.out.contains("  奖励 用工奖励: 3,000 元"), "{}", r.out);
    assert!(r.out.contains("  合计: 5,669.12 元，2 个主体获得\n"), "{}", r.out);
    assert!(r.out.contains("（不完整：1 个主体缺数据，未计入合计）"), "{}", r.out);
    assert!(r.err.contains("warning[ZC0708]: 1 个主体的结果缺数据"), "{}", r.err);
    // Markdown: the summary table a leader reads first.
    let r = eval(&["--format", "markdown"]);
    assert!(r.out.contains("| 企业名称 | 费用补助 | 用工奖励 | 合计 |"), "{}", r.out);
    assert!(r.out.contains("| 乙公司 | 缺数据 | 2,000 | 缺数据 |"), "{}", r.out);
    assert!(
        r.out.contains("| **合计（不完整：1 个主体缺数据）** | 2,669.12 | 5,000 | **5,669.12** |"),
        "{}",
        r.out
    );
    assert!(r.err.contains("warning[ZC0708]"), "{}", r.err);
    // CSV.
    let r = eval(&["--format", "csv"]);
    assert_eq!(
        r.out,
        "企业名称,费用补助,用工奖励,合计\n甲公司,2469.12,3000,5469.12\n乙公司,缺数据,2000,缺数据\n\
         丙公司,200,0,200\n合计（不完整：1 个主体缺数据）,2669.12,5000,5669.12\n"
    );
    // The workbook: numbers in the number columns, 「缺数据」 the one text among them.
    let book = dir.join("结果.xlsx");
    let r = eval(&["--format", "xlsx", "--out", s(&book)]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    let mut wb: Xlsx<_> = calamine::open_workbook(&book).unwrap();
    let results = wb.worksheet_range("结果").unwrap();
    let rows: Vec<Vec<Data>> = results.rows().map(<[Data]>::to_vec).collect();
    let head: Vec<String> = rows[0].iter().map(ToString::to_string).collect();
    assert_eq!(head, ["企业名称", "费用补助(元)", "用工奖励(元)", "合计(元)"]);
    assert_eq!(rows[2][1], Data::String("缺数据".into()));
    assert_eq!(rows[2][3], Data::String("缺数据".into()));
    assert_eq!(rows[1][3], Data::Float(5469.12));
    assert_eq!(rows[4][0], Data::String("合计（不完整：1 个主体缺数据）".into()));
    assert_eq!(
        (&rows[4][1], &rows[4][2], &rows[4][3]),
        (&Data::Float(2669.12), &Data::Float(5000.0), &Data::Float(5669.12))
    );
    for row in &rows[1..] {
        for c in &row[1..] {
            assert!(matches!(c, Data::Float(_)) || *c == Data::String("缺数据".into()), "{row:?}");
        }
    }
    // A budget sheet of a policy that states none says so instead of staying empty.
    let diff = dir.join("对比.xlsx");
    let r = zhengce(&[
        "diff",
        s(&policy),
        s(&policy),
        "--data",
        s(&data),
        "--format",
        "xlsx",
        "--out",
        s(&diff),
    ]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    let mut wb: Xlsx<_> = calamine::open_workbook(&diff).unwrap();
    let budget = wb.worksheet_range("预算").unwrap();
    assert_eq!(budget.get_value((1, 0)), Some(&Data::String("本政策未设预算".into())));
}

/// `--only-paid 专精特新`: the two enterprises the stacking rule 专精特新 pays, 鸿达 30,000 元 +
/// 30,000 元 = 60,000 元 and 恒盛 100,000 元 + 50,000 元 = 150,000 元, 210,000 元 in all.
/// `--only-paid` alone: the seven enterprises whose total is above 0, 753,015 元 in all
/// (114,000 + 75,000 + 54,015 + 150,000 + 150,000 + 60,000 + 150,000). 二(二)6's transfer
/// subsidy is no award of 企业 (it is paid to 转化企业 per project), so 华阳 keeps its
/// 150,000 元 of 高新认定, 凤城 its 150,000 元 of 上年度高新, 兰花 (paid only for transfer) is
/// not among them, and 鑫磊 is no longer in the 企业 sample (its projects are 转化项目).
#[test]
fn only_the_subjects_an_award_pays() {
    let r = zhengce(&[
        "eval",
        ZEZHOU,
        "--data",
        ZEZHOU_DATA,
        "--format",
        "csv",
        "--only-paid",
        "专精特新",
    ]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    let lines: Vec<&str> = r.out.lines().collect();
    assert_eq!(lines.len(), 4, "{}", r.out);
    assert!(
        lines[1].starts_with("泽州县鸿达铸造有限公司,") && lines[1].ends_with(",60000,0,60000")
    );
    assert!(
        lines[2].starts_with("泽州县恒盛精工有限公司,") && lines[2].ends_with(",150000,0,150000")
    );
    assert!(
        lines[3].starts_with("合计,") && lines[3].ends_with(",210000,0,210000"),
        "{}",
        lines[3]
    );

    let r = zhengce(&["eval", ZEZHOU, "--data", ZEZHOU_DATA, "--format", "csv", "--only-paid"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    let lines: Vec<&str> = r.out.lines().collect();
    assert_eq!(lines.len(), 9, "{}", r.out);
    assert!(lines.iter().skip(1).all(|l| !l.ends_with(",0")), "{}", r.out);
    assert!(lines[8].ends_with(",753015"), "{}", lines[8]);

    // A name that is no award: the awards that come close.
    let r = zhengce(&[
        "eval",
        ZEZHOU,
        "--data",
        ZEZHOU_DATA,
        "--only-paid",
        "专精特新奖",
        "--error-format",
        "plain",
        "--lang",
        "zh",
    ]);
    assert_eq!(r.status, Status::Usage);
    assert!(
        r.err.contains("error[ZC0909]: 政策中没有按主体发放的奖励或叠加规则 `专精特新奖`"),
        "{}",
        r.err
    );
    assert!(r.err.contains("你是不是想写 `专精特新` 或 `专精特新奖励`？"), "{}", r.err);
}

/// The margin between two percentages is in percentage points (docs/language.md §7): a
/// research intensity of 2.5% against a threshold of 3% is short by 0.5 个百分点, not 0.5%.
#[test]
fn a_margin_between_percentages_is_in_percentage_points() {
    let dir = temp_dir("leader-points");
    let policy = dir.join("强度.zc");
    std::fs::write(
        &policy,
        "主体 企业 {\n 标识 企业名称\n 企业名称: 文本\n 研发强度: % }\n\
         对于 企业 {\n § 一 「研发强度不低于 3%」\n 条件 达标 全部 {\n 研发强度达标: 研发强度 ≥ 3%\n }\n}\n",
    )
    .unwrap();
    let data = dir.join("企业.csv");
    std::fs::write(&data, "企业名称,研发强度(%)\n甲公司,2.5\n乙公司,3.25\n").unwrap();
    let r = zhengce(&["eval", s(&policy), "--data", s(&data), "--lang", "zh"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    assert!(r.out.contains("研发强度达标: 2.5% ≥ 3%（差 0.5个百分点）"), "{}", r.out);
    assert!(r.out.contains("研发强度达标: 3.25% ≥ 3%（余 0.25个百分点）"), "{}", r.out);
    let r = zhengce(&["eval", s(&policy), "--data", s(&data), "--lang", "en"]);
    assert!(
        r.out.contains("(short by 0.5 percentage points)") || r.out.contains("(short by 0.5 pp)"),
        "{}",
        r.out
    );
}

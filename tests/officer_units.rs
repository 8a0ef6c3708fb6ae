//! Units that do not fight the officer: a ratio of two counts declared `%` or `占比` is that
//! percentage (docs/language.md §7), checked, evaluated, shown with `%` and compared with
//! percentages, the same streamed and in memory.

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

const POLICY: &str = "主体 企业 {\n 标识 企业名称\n 企业名称: 文本\n 裁员人数: 人\n 参保人数: 人 }\n\
    对于 企业 {\n § 一 「裁员率不超过 5%」\n 令 裁员率: DECL = 裁员人数 ÷ 参保人数\n\
    § 一 「裁员率不超过 5%」\n 条件 稳岗 全部 {\n  不裁员: 裁员率 ≤ 5%\n }\n}\n";

#[test]
fn a_ratio_of_counts_may_be_declared_a_percentage() {
    let dir = temp_dir("officer-units");
    let data = dir.join("企业.csv");
    // 3 of 100 insured laid off: 3%, within 5%; 8 of 100: 8%, 3 percentage points above.
    std::fs::write(&data, "企业名称,裁员人数(人),参保人数(人)\n甲,3,100\n乙,8,100\n").unwrap();
    for decl in ["%", "占比"] {
        let policy = dir.join("稳岗.zc");
        std::fs::write(&policy, POLICY.replace("DECL", decl)).unwrap();
        let (p, d) = (policy.to_str().unwrap(), data.to_str().unwrap());
        let r = zhengce(&["check", p, "--error-format", "plain", "--lang", "zh"]);
        assert_eq!(r.status, Status::Ok, "{decl}: {}", r.err);
        assert!(!r.out.contains("ZC0304") && !r.err.contains("ZC0304"), "{}", r.out);
        let r = zhengce(&["eval", p, "--data", d, "--lang", "zh"]);
        assert_eq!(r.status, Status::Ok, "{}", r.err);
        assert!(r.out.contains("  值 裁员率: 3%  § 一\n"), "{}", r.out);
        assert!(r.out.contains("✓ 不裁员: 3% ≤ 5%（余 2个百分点）"), "{}", r.out);
        assert!(r.out.contains("✗ 不裁员: 8% ≤ 5%（差 3个百分点）"), "{}", r.out);
        let r = zhengce(&["eval", p, "--data", d, "--format", "csv"]);
        assert_eq!(r.out, "企业名称,裁员率,稳岗\n甲,0.03,true\n乙,0.08,false\n");
    }
    // Another quotient (a count over an amount) declared `%` is still refused.
    let policy = dir.join("错.zc");
    std::fs::write(
        &policy,
        POLICY.replace("DECL", "%").replace("参保人数: 人 }", "参保人数: 元 }"),
    )
    .unwrap();
    let r = zhengce(&["check", policy.to_str().unwrap(), "--error-format", "plain"]);
    let all = format!("{}{}", r.out, r.err);
    assert!(all.contains("error[ZC0304]"), "{all}");
}

//! Whether a cap was reached, said the same in every report, on tests/fixtures/zezhou_flat.zc: the
//! earlier encoding of zezhou, where 二(二)6 is one flat row per enterprise with one `封顶` (the
//! bundled policy now pays per member project). Its 二(二)6 科技成果转化补助
//! pays 30% of the cost for a county result, at most 50万元, and 20% for one from the city or
//! beyond, at most 30万元. Its sample enterprises sit on either side of the caps:
//!
//! - 华阳: 1,666,666.67元 × 30% = 500,000.001元, over 500,000元: the cap is paid;
//! - 兰花: 1,666,666.66元 × 30% = 499,999.998元, under it by 0.002元: not reached;
//! - 凤城: 1,500,000元 × 20% = 300,000元, the cap exactly: reached, nothing cut;
//! - 鑫磊: 1,500,000.05元 × 20% = 300,000.01元, over 300,000元 by 0.01元: the cap is paid.
//!
//! JSON's `capped` is true at the cap or over it (docs/json.md); the cap cut the amount only
//! over it (`computed` > `cap`, `amount` = `cap`). The text, Markdown, 计算依据 and xlsx reports
//! say "reached exactly" at the cap, never that the amount was cut, and never "capped at" a cap
//! the amount is below.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod eval_common;

use eval_common::{dump_workbook, temp_dir, zhengce};
use serde_json::Value as J;
use zhengce::cli::Status;

const POLICY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/zezhou_flat.zc");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/zezhou_flat.企业.toml");
const AWARD: &str = "科技成果转化补助";

const HUAYANG: &str = "泽州县华阳新材料科技有限公司";
const LANHUA: &str = "泽州县兰花精密机械有限公司";
const FENGCHENG: &str = "泽州县凤城光电科技有限公司";
const XINLEI: &str = "泽州县鑫磊智能装备有限公司";

fn run(extra: &[&str]) -> String {
    let mut args = vec!["eval", POLICY, "--kind", "企业", "--data", DATA];
    args.extend(extra);
    let r = zhengce(&args);
    assert_eq!(r.status, Status::Ok, "{extra:?}: {}", r.err);
    r.out
}

/// The award's JSON detail for subject `id`.
fn detail(report: &J, id: &str) -> J {
    let s = report["subjects"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap();
    let rule = s["rules"].as_array().unwrap().iter().find(|r| r["name"] == AWARD).unwrap();
    rule["detail"].clone()
}

fn number(v: &J) -> &str {
    v["number"].as_str().unwrap()
}

#[test]
fn json_capped_is_true_at_the_cap_and_the_cap_cuts_only_over_it() {
    let report: J = serde_json::from_str(&run(&["--format", "json"])).unwrap();
    // (subject, computed, cap, capped, amount)
    for (id, computed, cap, capped, amount) in [
        (HUAYANG, "500000.001", "500000", true, "500000"),
        (LANHUA, "499999.998", "500000", false, "499999.998"),
        (FENGCHENG, "300000", "300000", true, "300000"),
        (XINLEI, "300000.01", "300000", true, "300000"),
    ] {
        let d = detail(&report, id);
        assert_eq!(number(&d["computed"]), computed, "{id}");
        assert_eq!(number(&d["cap"]), cap, "{id}");
        assert_eq!(d["capped"], J::from(capped), "{id}");
        assert_eq!(number(&d["amount"]), amount, "{id}");
    }
}

/// The text report's block of subject `id` (from its `-- id` line to the next).
fn text_block<'a>(text: &'a str, id: &str) -> &'a str {
    let start = text.find(&format!("-- {id}")).unwrap();
    let rest = &text[start + 3..];
    let end = rest.find("\n-- ").map_or(rest.len(), |e| e + 1);
    &rest[..end]
}

#[test]
fn text_says_reached_exactly_at_the_cap_and_how_far_otherwise() {
    let zh = run(&[]);
    for (id, line) in [
        (HUAYANG, "计算 500,000.001 元；最高不超过 500,000 元（已达上限，超出 0.001 元）"),
        (LANHUA, "计算 499,999.998 元；最高不超过 500,000 元（未达上限，差 0.002 元）"),
        (FENGCHENG, "计算 300,000 元；最高不超过 300,000 元（恰好达到上限）"),
        (XINLEI, "计算 300,000.01 元；最高不超过 300,000 元（已达上限，超出 0.01 元）"),
    ] {
        assert!(text_block(&zh, id).contains(line), "{id}: {}", text_block(&zh, id));
    }
    let en = run(&["--lang", "en"]);
    for (id, line) in [
        (HUAYANG, "computed 500,000.001 yuan; cap 500,000 yuan (reached: 0.001 yuan over it)"),
        (LANHUA, "computed 499,999.998 yuan; cap 500,000 yuan (not reached: 0.002 yuan below it)"),
        (FENGCHENG, "computed 300,000 yuan; cap 300,000 yuan (reached exactly)"),
        (XINLEI, "computed 300,000.01 yuan; cap 300,000 yuan (reached: 0.01 yuan over it)"),
    ] {
        assert!(text_block(&en, id).contains(line), "{id}: {}", text_block(&en, id));
    }
    assert!(!en.contains("capped at"), "{en}");
}

/// The Markdown row of the award in subject `id`'s table.
fn markdown_row<'a>(md: &'a str, id: &str) -> &'a str {
    let start = md.find(&format!("## {id}")).unwrap();
    md[start..].lines().find(|l| l.starts_with(&format!("| {AWARD} |"))).unwrap()
}

#[test]
fn markdown_names_the_cap_where_it_was_reached() {
    let md = run(&["--format", "markdown"]);
    assert_eq!(
        markdown_row(&md, HUAYANG),
        "| 科技成果转化补助 | 补助 | 500,000 元 | § 二(二)6；已达上限 500,000 元（计算 500,000.001 元），按上限计 |"
    );
    // Below the cap the amount is the one worked out: nothing to say.
    assert_eq!(
        markdown_row(&md, LANHUA),
        "| 科技成果转化补助 | 补助 | 499,999.998 元 | § 二(二)6 |"
    );
    assert_eq!(
        markdown_row(&md, FENGCHENG),
        "| 科技成果转化补助 | 补助 | 300,000 元 | § 二(二)6；恰好达到上限 300,000 元 |"
    );
    assert_eq!(
        markdown_row(&md, XINLEI),
        "| 科技成果转化补助 | 补助 | 300,000 元 | § 二(二)6；已达上限 300,000 元（计算 300,000.01 元），按上限计 |"
    );
    let en = run(&["--format", "markdown", "--lang", "en"]);
    assert_eq!(
        markdown_row(&en, FENGCHENG),
        "| 科技成果转化补助 | subsidy | 300,000 yuan | § 二(二)6; exactly the cap, 300,000 yuan |"
    );
    assert_eq!(
        markdown_row(&en, XINLEI),
        "| 科技成果转化补助 | subsidy | 300,000 yuan | § 二(二)6; cap 300,000 yuan reached (computed 300,000.01 yuan): counted at the cap |"
    );
}

#[test]
fn the_basis_and_the_workbook_give_the_same_arithmetic() {
    let steps = [
        "1,666,666.67 元 × 30% = 500,000.001 元；上限 500,000 元，已达上限（超出 0.001 元），按上限；金额 500,000 元",
        "1,666,666.66 元 × 30% = 499,999.998 元；上限 500,000 元，未达上限（差 0.002 元）；金额 499,999.998 元",
        "适用第 1 个例外；1,500,000 元 × 20% = 300,000 元；上限 300,000 元，恰好达到上限；金额 300,000 元",
        "适用第 1 个例外；1,500,000.05 元 × 20% = 300,000.01 元；上限 300,000 元，已达上限（超出 0.01 元），按上限；金额 300,000 元",
    ];
    let basis = run(&["--format", "basis"]);
    let dir = temp_dir("cap-reached-xlsx");
    let out = dir.join("结果.xlsx");
    run(&["--format", "xlsx", "--out", out.to_str().unwrap()]);
    let book = dump_workbook(&std::fs::read(&out).unwrap());
    for (id, step) in [HUAYANG, LANHUA, FENGCHENG, XINLEI].iter().zip(steps) {
        let row = basis.lines().find(|l| l.starts_with(&format!("| {id} | {AWARD} |"))).unwrap();
        assert!(row.contains(step), "{id}: {row}");
        // A step a line in the workbook's cell (shown quoted, `\n` between lines).
        let cell = step.replace('；', "\\n");
        assert!(book.contains(&cell), "{id}: {cell} not in the workbook's 计算依据");
    }
}

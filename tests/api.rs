//! The library facade (`zhengce::api`): what another Rust program sees. Errors come back as
//! diagnostics with their codes; a policy that imports another is evaluated with its stacking
//! rules, the imported policy loaded from beside it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on a broken expectation"
)]

use std::path::Path;

use rust_decimal::Decimal;
use zhengce::api::{Options, Workspace};
use zhengce::diagnostics::Code;

fn codes(d: &zhengce::diagnostics::Diagnostics) -> Vec<Code> {
    d.iter().map(|d| d.code).collect()
}

#[test]
fn errors_come_back_as_coded_diagnostics() {
    let syntax = Workspace::from_text("bad.zc", "政策 \"x\" {\n}\n主体 企业 {\n").unwrap_err();
    assert!(codes(&syntax).contains(&Code::Syntax), "{:?}", codes(&syntax));
    let unknown = Workspace::from_text(
        "unknown.zc",
        "政策 \"x\" {\n}\n主体 企业 {\n  标识 名称\n  名称: 文本\n}\n对于 企业 {\n  § 一 「x」 奖励 奖 { 金额 费用 }\n}\n",
    )
    .unwrap();
    let errors = unknown.check().err().unwrap();
    assert!(codes(&errors).contains(&Code::UnknownName), "{:?}", codes(&errors));
    let missing = Workspace::load(Path::new("policies/no-such-policy.zc")).unwrap_err();
    assert_eq!(codes(&missing), vec![Code::Io]);
}

#[test]
fn a_policy_with_an_import_is_evaluated_with_its_stacking_rules() {
    let ws = Workspace::load(Path::new("policies/yangcheng.zc")).unwrap();
    let checked = ws.check().unwrap();
    let ev =
        checked.evaluate(Path::new("policies/yangcheng.企业.toml"), &Options::default()).unwrap();
    assert!(!ev.has_errors(), "{:?}", ev.diagnostics);
    // 2024's listing costs, paid in full (the document's 五: 就高不重复 with 泽州's award).
    let award = |s: &str| ev.award(s, "专精特新上市培育");
    assert_eq!(award("阳城县晋阳精密铸造有限公司"), Some(Decimal::from(800_000)));
    assert_eq!(award("阳城县蟒河生物科技有限公司"), Some(Decimal::from(150_000)));
    assert_eq!(award("阳城县东冶机械有限公司"), Some(Decimal::from(50_000)));
    // 市级: nothing from 阳城; the stacked total is 泽州's 市级专精特新 award, 3万元.
    let at = ev.outcomes.iter().position(|o| o.key == "阳城县析城陶瓷有限公司").unwrap();
    assert_eq!(award("阳城县析城陶瓷有限公司"), Some(Decimal::ZERO));
    assert_eq!(ev.stacks[at][0].total, Some(Decimal::from(30_000)));
    // 蟒河: the higher of 15万元 (阳城) and 5万元 (泽州).
    let at = ev.outcomes.iter().position(|o| o.key == "阳城县蟒河生物科技有限公司").unwrap();
    assert_eq!(ev.stacks[at][0].total, Some(Decimal::from(150_000)));
    // One subject, another year: 2023's costs.
    let one = Options {
        subject: Some("阳城县晋阳精密铸造有限公司".into()),
        year: Some(2023),
        ..Options::default()
    };
    let ev = checked.evaluate(Path::new("policies/yangcheng.企业.toml"), &one).unwrap();
    assert_eq!(ev.outcomes.len(), 1);
    assert_eq!(
        ev.award("阳城县晋阳精密铸造有限公司", "专精特新上市培育"),
        Some(Decimal::from(350_000))
    );
    assert_eq!(ev.award("阳城县晋阳精密铸造有限公司", "没有这条"), None);
}

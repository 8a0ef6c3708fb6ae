//! The policy that uses every construct checks clean in each keyword language: no error, and
//! exactly the warnings of the document's own disagreements it encodes on purpose.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

use zhengce::checker::check_source;
use zhengce::diagnostics::Severity;
use zhengce::source::SourceFile;

fn warnings(name: &str) -> Vec<(String, String)> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let file = SourceFile::new(path.clone(), std::fs::read_to_string(&path).unwrap());
    let diags = check_source(&file).sorted();
    assert!(diags.iter().all(|d| d.severity != Severity::Error), "{name}: {diags:#?}");
    diags.iter().map(|d| (d.code.id().to_string(), d.message.en.clone())).collect()
}

#[test]
fn every_construct_checks_clean_in_chinese_and_in_english_keywords() {
    let zh = warnings("all_constructs.zc");
    let en = warnings("all_constructs_en.zc");
    let codes: Vec<&str> = zh.iter().map(|(c, _)| c.as_str()).collect();
    // 转化补助 (30% of an amount to the fen) and 贴息 (a rate of a percentage field) can carry
    // fractions of a fen with no rounding written; 5820 vs 5920万元, 3735 vs 3736亿元, a 330%
    // share, 产出时效 3 vs 4 points.
    assert_eq!(codes, ["ZC0409", "ZC0409", "ZC0504", "ZC0501", "ZC0501", "ZC0503"], "{zh:#?}");
    assert_eq!(zh, en);
}

//! JSON and TOML subject data and parameters, templates that validate, and a property: no CSV
//! text ever panics the loader or the validator.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod data_common;

use std::collections::BTreeMap;

use data_common::*;
use proptest::prelude::*;
use zhengce::data::{Value, template};
use zhengce::diagnostics::Code;
use zhengce::units::Dim;

#[test]
fn json_subjects_and_params() {
    let text = r#"{
      "subjects": [
        {"名称": "甲公司", "转化费用(万元)": 1.5, "营业收入(万元)": {"2020": 12.5, "2021": 13},
         "级别": "省级", "重点企业": true, "占比": 30},
        {"名称": "乙公司", "转化费用": 0, "营业收入[2020]": 1, "级别": "无", "重点企业": "否", "占比": null}
      ],
      "params": {"优秀分数线(分)": 85, "全省增速(%)": {"2020": 5.5}}
    }"#;
    let ds = ok("企业.json", text.as_bytes());
    assert_eq!(field(&ds, "甲公司", "转化费用"), &money("15000"));
    assert_eq!(
        field(&ds, "甲公司", "营业收入"),
        &Value::Series(BTreeMap::from([(2020, money("125000")), (2021, money("130000"))]))
    );
    assert_eq!(field(&ds, "甲公司", "占比"), &share("0.3"));
    assert_eq!(field(&ds, "乙公司", "占比"), &Value::Missing);
    assert_eq!(field(&ds, "乙公司", "营业收入").year(2020), Some(&money("10000")));
    assert_eq!(ds.param("优秀分数线"), Some(&Value::Number { value: dec("85"), dim: Dim::SCORE }));
    assert_eq!(
        ds.param("全省增速"),
        Some(&Value::Series(BTreeMap::from([(2020, share("0.055"))])))
    );
}

#[test]
fn json_errors_are_located_in_the_text() {
    let text = r#"[
  {"名称": "甲", "转化费用": -1, "营业收入": {"二〇二〇": 1}, "级别": "高级", "重点企业": true},
  {"名称": "甲", "转化费用": 1, "营业收入": {"2020": 1}, "级别": "无"}
]"#;
    let d = errors("a.json", text.as_bytes());
    let found: Vec<_> = d.iter().map(at_text).collect();
    assert_eq!(
        found,
        [
            (Code::OutOfRange, 2, 23, "-1".into()),
            (Code::YearColumn, 2, 36, "\"二〇二〇\"".into()),
            (Code::WrongValue, 2, 54, "\"高级\"".into()),
            (Code::DuplicateSubject, 3, 10, "\"甲\"".into()),
        ]
    );
    // a header shared by a table of years is reported once
    let d = errors("a.json", r#"[{"名称": "乙", "转化费用": 1, "营业收入(万圆)": {"2020": 1, "2021": 2}, "级别": "无", "重点企业": true}]"#.as_bytes());
    assert_eq!(
        d.iter().map(at_text).collect::<Vec<_>>(),
        [(Code::DataUnit, 1, 25, "\"营业收入(万圆)\"".into())]
    );
    // two spellings of one field in one record
    let d = errors("a.json", r#"[{"名称": "乙", "转化费用": 1, "转化费用(元)": 1, "营业收入_2020": 1, "级别": "无", "重点企业": true}]"#.as_bytes());
    assert_eq!(at_text(&d[0]), (Code::DuplicateColumn, 1, 36, "1".into()));
    // a parameter the table leaves out is no error when reading: the evaluation reports it
    // (ZC0705) at the table if a rule needs it; JSON syntax errors point at the character
    let ds = ok("a.json", r#"{"subjects": [], "params": {"优秀分数线": 90}}"#.as_bytes());
    assert_eq!(ds.param("全省增速"), Some(&Value::Missing));
    let gaps: Vec<(&str, Code)> = ds.param_gaps.iter().map(|(n, d)| (n.as_str(), d.code)).collect();
    assert_eq!(gaps, [("全省增速", Code::MissingParamValue)]);
    assert_eq!(at_text(&ds.param_gaps[0].1).3, r#"{"优秀分数线": 90}"#);
    let d = errors("a.json", "[{\"名称\": 甲}]".as_bytes());
    assert_eq!(at_text(&d[0]), (Code::DataFormat, 1, 9, "甲".into()));
}

#[test]
fn toml_subjects_and_params() {
    let text = r#"
[params]
"优秀分数线" = 85
"全省增速(%)" = { 2020 = 5.5, 2021 = 6 }

[[subjects]]
"名称" = "甲公司"
"转化费用(万元)" = 1.5
"营业收入(万元)" = { 2020 = 12.5 }
"级别" = "国家级"
"重点企业" = true
"认定日期" = 2020-01-02

[[subjects]]
"名称" = "乙公司"
"转化费用" = 2
"营业收入_2021" = 3
"级别" = "无"
"重点企业" = "是"
"#;
    let ds = ok("企业.toml", text.as_bytes());
    assert_eq!(field(&ds, "甲公司", "转化费用"), &money("15000"));
    assert_eq!(field(&ds, "甲公司", "营业收入").year(2020), Some(&money("125000")));
    assert_eq!(field(&ds, "乙公司", "营业收入").year(2021), Some(&money("30000")));
    assert_eq!(field(&ds, "乙公司", "重点企业"), &Value::Bool(true));
    assert_eq!(
        ds.param("全省增速"),
        Some(&Value::Series(BTreeMap::from([(2020, share("0.055")), (2021, share("0.06"))])))
    );
}

#[test]
fn toml_errors_are_located_in_the_text() {
    let text = "[[subjects]]\n\"名称\" = \"甲\"\n\"转化费用(平方米)\" = 1\n\"营业收入[2020]\" = \"12.5万\"\n\"级别\" = \"无\"\n\"重点企业\" = 2\n";
    let d = errors("a.toml", text.as_bytes());
    let found: Vec<_> = d.iter().map(at_text).collect();
    assert_eq!(
        found,
        [
            (Code::DataUnit, 3, 1, "\"转化费用(平方米)\"".into()),
            (Code::WrongValue, 4, 16, "\"12.5万\"".into()),
            (Code::WrongValue, 6, 10, "2".into()),
        ]
    );
}

#[test]
fn templates_validate_in_wide_and_long_form() {
    let schema = schema();
    let wide = template(&schema, &[2020, 2021]);
    assert_eq!(
        wide.headers(),
        [
            "名称",
            "转化费用(元)",
            "营业收入[2020](万元)",
            "营业收入[2021](万元)",
            "级别",
            "重点企业",
            "占比(%)",
            "补贴上限(万元)",
            "成立年份",
            "认定日期",
        ]
    );
    let ds = ok("t.csv", wide.to_csv().as_bytes());
    assert_eq!(ds.records.len(), 1);
    assert_eq!(
        field(&ds, "示例", "级别"),
        &Value::Enum { enum_name: "孵化器级别".into(), index: 0 }
    );
    ok("t.toml", wide.to_toml().as_bytes());
    let long = template(&schema, &[]);
    assert_eq!(&long.headers()[..3], ["名称", "年份", "转化费用(元)"]);
    let ds = ok("t.csv", long.to_csv().as_bytes());
    assert_eq!(
        field(&ds, "示例", "营业收入"),
        &Value::Series(BTreeMap::from([(2024, money("0"))]))
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    /// Any text at all: the loader and the validator report, never panic.
    #[test]
    fn arbitrary_csv_never_panics(text in "[名称转化费用营业收入级别重点企业占比(万元)\\[\\]_2020年,\"\n\r 0-9.%\\-a-z省无是否\u{feff}]{0,200}") {
        let _ = run("p.csv", text.as_bytes());
    }

    /// Well-formed headers with arbitrary cells.
    #[test]
    fn arbitrary_cells_never_panic(cells in proptest::collection::vec("[0-9.,%\\-是否无省级a-z万元 \"]{0,8}", 0..40)) {
        let mut text = String::from("名称,转化费用(万元),营业收入[2020],营业收入_2021,级别,重点企业,占比,年份\n");
        for (i, c) in cells.iter().enumerate() {
            text.push_str(c);
            text.push(if i % 8 == 7 { '\n' } else { ',' });
        }
        let _ = run("p.csv", text.as_bytes());
    }

    /// Arbitrary bytes through every loader.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        for name in ["p.csv", "p.json", "p.toml", "p.xlsx"] {
            let _ = run(name, &bytes);
        }
    }
}

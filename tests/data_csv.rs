//! CSV subject data: exact values, wide and long forms, and every kind of data error reported at
//! its cell, all at once.
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
use zhengce::ast::Date;
use zhengce::data::Value;
use zhengce::diagnostics::Code;

const HEADER: &str = "名称,转化费用(万元),营业收入[2020](万元),营业收入_2021,级别,重点企业,占比";

fn csv(rows: &[&str]) -> Vec<u8> {
    format!("{HEADER}\n{}\n", rows.join("\n")).into_bytes()
}

#[test]
fn values_are_exact_and_in_base_units() {
    let text = "\u{feff}名称,转化费用(万元),营业收入[2020](万元),营业收入_2021,级别,重点企业,占比,\
                补贴上限,成立年份,认定日期\r\n\
                甲公司,1.5,12.5,13,省级,是,30,50,2015年,2020/1/2\r\n\
                乙公司,0,0.0001,,无,0,,,,\r\n";
    let ds = ok("企业.csv", text.as_bytes());
    assert_eq!(ds.subject, "企业");
    assert_eq!(ds.records.len(), 2);
    assert_eq!(ds.records[0].key, "甲公司");
    assert_eq!(field(&ds, "甲公司", "转化费用"), &money("15000"));
    assert_eq!(
        field(&ds, "甲公司", "营业收入"),
        &Value::Series(BTreeMap::from([(2020, money("125000")), (2021, money("130000"))]))
    );
    assert_eq!(
        field(&ds, "甲公司", "级别"),
        &Value::Enum { enum_name: "孵化器级别".into(), index: 2 }
    );
    assert_eq!(field(&ds, "甲公司", "重点企业"), &Value::Bool(true));
    assert_eq!(field(&ds, "甲公司", "占比"), &share("0.3"));
    assert_eq!(field(&ds, "甲公司", "补贴上限"), &money("500000"));
    assert_eq!(field(&ds, "甲公司", "成立年份"), &Value::Year(2015));
    assert_eq!(
        field(&ds, "甲公司", "认定日期"),
        &Value::Date(Date { year: 2020, month: 1, day: 2 })
    );
    assert_eq!(
        field(&ds, "乙公司", "营业收入"),
        &Value::Series(BTreeMap::from([(2020, money("1"))]))
    );
    assert_eq!(field(&ds, "乙公司", "重点企业"), &Value::Bool(false));
    assert_eq!(field(&ds, "乙公司", "占比"), &Value::Missing);
    assert_eq!(field(&ds, "乙公司", "认定日期"), &Value::Missing);
    // a CSV file has no parameter table: parameters are left to another file
    assert_eq!(ds.param("全省增速"), Some(&Value::Missing));
}

#[test]
fn header_units_convert_exactly() {
    let text = "名称,转化费用(亿元),营业收入[2020](元),级别,重点企业,占比(%)\n甲,0.000000015,125000,无,否,12.5%\n";
    let ds = ok("a.csv", text.as_bytes());
    assert_eq!(field(&ds, "甲", "转化费用"), &money("1.5"));
    assert_eq!(field(&ds, "甲", "营业收入").year(2020), Some(&money("125000")));
    assert_eq!(field(&ds, "甲", "占比"), &share("0.125"));
    // without a unit the declared one is meant: 营业收入 is in 万元
    let text = "名称,转化费用,营业收入[2020],级别,重点企业\n甲,3,12.5,无,否\n";
    let ds = ok("a.csv", text.as_bytes());
    assert_eq!(field(&ds, "甲", "转化费用"), &money("3"));
    assert_eq!(field(&ds, "甲", "营业收入").year(2020), Some(&money("125000")));
}

#[test]
fn long_form_merges_rows_of_one_subject() {
    let text = "名称,年份,转化费用(元),营业收入(万元),级别,重点企业\n\
                甲,2020,100,12.5,市级,是\n\
                乙,2020,5,1,无,否\n\
                甲,2021年,,13,,是\n";
    let ds = ok("long.csv", text.as_bytes());
    assert_eq!(ds.records.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), ["甲", "乙"]);
    assert_eq!(
        field(&ds, "甲", "营业收入"),
        &Value::Series(BTreeMap::from([(2020, money("125000")), (2021, money("130000"))]))
    );
    assert_eq!(field(&ds, "甲", "转化费用"), &money("100"));
    assert_eq!(field(&ds, "甲", "级别"), &Value::Enum { enum_name: "孵化器级别".into(), index: 1 });
}

#[test]
fn missing_field_is_reported_at_the_header() {
    let text = "\u{feff}名称,转化费用,营业收入[2020],级别\n甲,1,2,无\n";
    let d = errors("a.csv", text.as_bytes());
    // 名称,转化费用,营业收入[2020],级别 — no 重点企业
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        at_text(&d[0]),
        (Code::MissingField, 1, 1, "名称,转化费用,营业收入[2020],级别".into())
    );
    assert!(d[0].message.en.contains("`重点企业`"));
    assert_eq!(d[0].labels.iter().filter(|l| !l.primary).count(), 1, "points at the declaration");
}

#[test]
fn unknown_column_suggests_the_chinese_name() {
    let text = "名称,转化费用,营业收人(万元),级别,重点企业\n甲,1,2,无,否\n";
    let d = errors("a.csv", text.as_bytes());
    let found: Vec<_> = d.iter().map(at_text).collect();
    // 营业收入 then has no column either
    assert_eq!(
        found,
        [
            (Code::MissingField, 1, 1, "名称,转化费用,营业收人(万元),级别,重点企业".into()),
            (Code::UnknownField, 1, 9, "营业收人(万元)".into()),
        ]
    );
    assert!(d[1].help.as_ref().unwrap().en.contains("`营业收入`"), "{:?}", d[1].help);
    assert!(d[1].help.as_ref().unwrap().zh.contains("`营业收入`"));
}

#[test]
fn wrong_types_are_reported_at_their_cells() {
    let d = errors("a.csv", &csv(&["甲,abc,1,1,省级别,对,30", "乙,1,1,1,省级,是,1,234"]));
    let found: Vec<_> = d.iter().map(at_text).collect();
    assert_eq!(
        found,
        [
            (Code::WrongValue, 2, 3, "abc".into()),
            (Code::WrongValue, 2, 11, "省级别".into()),
            (Code::WrongValue, 2, 15, "对".into()),
            (Code::DataFormat, 3, 16, "234".into()),
        ]
    );
    assert_eq!(d[1].help.as_ref().unwrap().en, "did you mean `省级`?");
}

#[test]
fn numbers_are_never_misread() {
    // Full-width digits and separators in their grouping pattern are read (tests/office_inputs.rs);
    // a comma out of place could be a decimal comma or a typing error.
    let d = errors("a.csv", &csv(&["甲,\"1,23\",１２，３４,12万元,省级,是,0x1E"]));
    let found: Vec<_> = d.iter().map(at_text).collect();
    assert_eq!(
        found,
        [
            (Code::WrongValue, 2, 3, "\"1,23\"".into()),
            (Code::WrongValue, 2, 10, "１２，３４".into()),
            (Code::WrongValue, 2, 16, "12万元".into()),
            (Code::WrongValue, 2, 26, "0x1E".into()),
        ]
    );
    assert!(d[0].help.as_ref().unwrap().en.contains("groups of three"));
    assert!(d[1].help.as_ref().unwrap().en.contains("groups of three"));
    assert!(d[2].help.as_ref().unwrap().en.contains("`营业收入(万元)`"), "{:?}", d[2].help);
}

#[test]
fn years_and_dates_are_checked() {
    let text = "名称,转化费用,营业收入[2020],级别,重点企业,成立年份,认定日期\n甲,1,1,无,否,15,2023-02-29\n";
    let d = errors("a.csv", text.as_bytes());
    let found: Vec<_> = d.iter().map(at_text).collect();
    assert_eq!(
        found,
        [(Code::WrongValue, 2, 11, "15".into()), (Code::WrongValue, 2, 14, "2023-02-29".into())]
    );
}

#[test]
fn wrong_and_unknown_units() {
    let text = "名称,转化费用(家),营业收入[2020](万圆),级别,重点企业,占比(万元)\n甲,1,2,无,否,3\n";
    let d = errors("a.csv", text.as_bytes());
    let found: Vec<_> = d.iter().map(at_text).collect();
    assert_eq!(
        found,
        [
            (Code::DataUnit, 1, 4, "转化费用(家)".into()),
            (Code::DataUnit, 1, 12, "营业收入[2020](万圆)".into()),
            (Code::DataUnit, 1, 35, "占比(万元)".into()),
        ]
    );
    assert_eq!(
        d[0].message.en,
        "column `转化费用(家)` is in `家`, but `转化费用` is measured in `元`"
    );
    assert!(d[1].help.as_ref().unwrap().en.contains("`万元`"));
    // a percentage written into a money column
    let d = errors("a.csv", &csv(&["甲,30%,1,1,无,否,"]));
    assert_eq!(at_text(&d[0]), (Code::DataUnit, 2, 3, "30%".into()));
    // a unit on a field that has none
    let d = errors(
        "a.csv",
        "名称(元),转化费用,营业收入[2020],级别,重点企业\n甲,1,2,无,否\n".as_bytes(),
    );
    assert_eq!(at_text(&d[0]), (Code::DataUnit, 1, 1, "名称(元)".into()));
}

#[test]
fn values_out_of_range() {
    let text = "名称,转化费用,营业收入[2020],级别,重点企业,占比,补贴上限\n甲,-5,1,无,否,120,60\n乙,1,-0.5,无,否,-1,-1\n";
    let d = errors("a.csv", text.as_bytes());
    let found: Vec<_> = d.iter().map(at_text).collect();
    assert_eq!(
        found,
        [
            (Code::OutOfRange, 2, 3, "-5".into()),
            (Code::OutOfRange, 2, 12, "120".into()),
            (Code::OutOfRange, 2, 16, "60".into()),
            (Code::OutOfRange, 3, 5, "-0.5".into()),
            (Code::OutOfRange, 3, 14, "-1".into()),
            (Code::OutOfRange, 3, 17, "-1".into()),
        ]
    );
    assert_eq!(d[0].message.en, "value `-5元` of `转化费用` is negative");
    assert_eq!(d[1].message.en, "value `120%` of `占比` is above the maximum `100%`");
    assert_eq!(d[2].message.en, "value `60万元` of `补贴上限` is above the maximum `50`");
    assert_eq!(d[2].labels.len(), 2, "the declared range is shown");
    assert_eq!(d[5].message.en, "value `-1万元` of `补贴上限` is below the minimum `0`");
}

#[test]
fn duplicate_subject_ids_show_both_rows() {
    let d = errors("a.csv", &csv(&["甲,1,1,1,无,否,", "乙,1,1,1,无,否,", " 甲 ,2,1,1,无,否,x"]));
    assert_eq!(d.len(), 2, "the cells of the repeated row are checked too");
    assert_eq!(at_text(&d[0]), (Code::DuplicateSubject, 4, 1, " 甲 ".into()));
    assert_eq!(at_text(&d[1]), (Code::WrongValue, 4, 15, "x".into()));
    let first = d[0].labels.iter().find(|l| !l.primary).unwrap();
    assert_eq!(first.loc.file.line_col(first.loc.span.start), (2, 1));
    assert_eq!(d[0].message.en, "subject `甲` appears twice");
}

#[test]
fn a_register_appended_to_itself_shows_ten_repeated_ids_and_counts_the_rest() {
    // 30 subjects, then the same 30 again (two exports joined): 30 ids given twice; then 30
    // more subjects, each with a required value left empty.
    let first: Vec<String> = (1..=30).map(|i| format!("企业{i:02},1,1,1,无,否,")).collect();
    let more: Vec<String> = (31..=60).map(|i| format!("企业{i:02},,1,1,无,否,")).collect();
    let rows: Vec<&str> = first.iter().chain(&first).chain(&more).map(String::as_str).collect();
    let d = errors("a.csv", &csv(&rows));
    let repeated: Vec<_> =
        d.iter().filter(|d| d.code == Code::DuplicateSubject).map(at_text).collect();
    // The rows of the second half are lines 32 to 61: the first ten shown.
    let lines: Vec<usize> = repeated.iter().map(|(_, line, _, _)| *line).collect();
    assert_eq!(lines, (32..42).collect::<Vec<_>>());
    let first_repeat = d.iter().find(|d| d.code == Code::DuplicateSubject).unwrap();
    assert_eq!(
        first_repeat.message.en,
        "subject `企业01` appears twice (and 20 more like it in column `名称`; only the first 10 are shown)"
    );
    let empty: Vec<&str> =
        d.iter().filter(|d| d.code == Code::EmptyValue).map(|d| d.message.zh.as_str()).collect();
    assert_eq!(empty.len(), 10);
    let empty_lines: Vec<usize> =
        d.iter().filter(|d| d.code == Code::EmptyValue).map(|d| at_text(d).1).collect();
    assert_eq!(empty_lines, (62..72).collect::<Vec<_>>());
    assert_eq!(
        empty[0],
        "主体 `企业31` 没有填写必填字段 `转化费用`（`转化费用` 列另有 20 处同样的问题，只列出在前的 10 处）"
    );
    assert_eq!(d.len(), 20);
}

#[test]
fn empty_required_values() {
    let d = errors("a.csv", &csv(&["甲,,1,1,无,否,", ",1,,,无,否,"]));
    let found: Vec<_> = d.iter().map(at_text).collect();
    assert_eq!(
        found,
        [
            (Code::EmptyValue, 2, 3, "".into()),
            (Code::EmptyValue, 3, 1, "".into()),
            (Code::EmptyValue, 3, 4, "".into()),
        ]
    );
}

#[test]
fn conflicting_rows_in_long_form() {
    let text = "名称,年份,转化费用,营业收入,级别,重点企业\n甲,2020,1,1,市级,是\n甲,2021,1,2,省级,是\n甲,2021,1,2,省级,是\n";
    let d = errors("a.csv", text.as_bytes());
    let found: Vec<_> = d.iter().map(at_text).collect();
    assert_eq!(
        found,
        [
            (Code::ConflictingValues, 3, 12, "省级".into()),
            (Code::DuplicateSubject, 4, 1, "甲".into())
        ]
    );
    assert_eq!(d[0].message.en, "subject `甲` has two values for `级别`: `市级` and `省级`");
    assert_eq!(d[1].message.en, "subject `甲` appears twice for 2021");
    let text = "名称,年份,转化费用,营业收入,级别,重点企业\n甲,20,1,1,市级,是\n甲,,1,1,市级,是\n";
    let found: Vec<_> = errors("a.csv", text.as_bytes()).iter().map(at_text).collect();
    assert_eq!(found, [(Code::WrongValue, 2, 3, "20".into()), (Code::EmptyValue, 3, 3, "".into())]);
}

#[test]
fn duplicate_columns_and_year_mismatches() {
    let text = "名称,转化费用(元),转化费用(万元),营业收入,营业收入[2020],营业收入_2020,级别[2020],重点企业\n甲,1,1,1,1,1,无,否\n";
    let d = errors("a.csv", text.as_bytes());
    let found: Vec<_> = d.iter().map(at_text).collect();
    assert_eq!(
        found,
        [
            (Code::DuplicateColumn, 1, 12, "转化费用(万元)".into()),
            (Code::YearColumn, 1, 21, "营业收入".into()),
            (Code::DuplicateColumn, 1, 37, "营业收入_2020".into()),
            (Code::YearColumn, 1, 47, "级别[2020]".into()),
        ]
    );
}

#[test]
fn every_error_is_reported_at_once() {
    let text = "名称,转化费用(家),营业收入[2020],级别,重点企业,占比,备注\n甲,1,x,高级,是,101,\n甲,1,1,无,也许,,\n";
    let d = errors("a.csv", text.as_bytes());
    let codes: Vec<Code> = d.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        [
            Code::DataUnit,
            Code::UnknownField,
            Code::WrongValue,
            Code::WrongValue,
            Code::OutOfRange,
            Code::DuplicateSubject,
            Code::WrongValue,
        ]
    );
}

#[test]
fn messages_follow_the_style_guide() {
    let text = "名称,转化费用(家),营业收人,级别,重点企业,占比\n甲,abc,1,高级,也许,101\n甲,,,,,\n,1,1,无,否,\n";
    for d in errors("a.csv", text.as_bytes()) {
        let en = &d.message.en;
        assert!(!en.ends_with('.') && !d.message.zh.ends_with('。'), "{en}");
        assert!(en.chars().next().is_some_and(|c| !c.is_ascii_uppercase()), "{en}");
        assert!(d.help.is_some(), "{en}");
        for word in ["Decimal", "Option", "RawValue", "Value::", "Some(", "None"] {
            assert!(!en.contains(word) && !d.message.zh.contains(word), "{en}");
        }
    }
}

#[test]
fn files_neither_utf8_nor_gbk_are_refused() {
    let d = errors("a.csv", b"\xc3\xfb\xb3\xc6,\xff\n");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, Code::DataFormat);
}

//! Files as offices really save them: CSV in GBK from Excel or WPS on a Chinese system, a
//! byte-order mark, full-width digits, thousands separators, numbers stored as text in a
//! workbook, merged cells, empty trailing rows, dates as serial numbers. Each is read exactly or
//! refused at its cell; nothing is misread.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod data_common;

use std::process::Command;

use data_common::*;
use rust_xlsxwriter::{Format, Workbook};
use zhengce::data::Value;
use zhengce::diagnostics::Code;

const DIR: &str = env!("CARGO_MANIFEST_DIR");

/// `zhengce eval` on one of the twin CSV files, as JSON: the frozen flat copy of zezhou
/// (tests/fixtures/zezhou_flat.zc), whose 企业 still has 二(二)6's fields, which the twins fill
/// with full-width and thousands-separated figures (the bundled policy reads them per 转化项目).
fn eval_twin(which: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .current_dir(DIR)
        .args(["eval", "tests/fixtures/zezhou_flat.zc", "--kind", "企业", "--format", "json"])
        .args(["--param", "省级小巨人奖励额=5万元", "--param", "高新奖励=5万元"])
        .args(["--data", &format!("tests/fixtures/office/zezhou.企业.{which}.csv")])
        .env("LANG", "C")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The amount of an award of a subject in a JSON report, as written.
fn award(report: &serde_json::Value, subject: &str, rule: &str) -> String {
    let s = report["subjects"].as_array().unwrap().iter().find(|s| s["id"] == subject).unwrap();
    let r = s["rules"].as_array().unwrap().iter().find(|r| r["name"] == rule).unwrap();
    r["value"]["number"].as_str().unwrap_or_else(|| panic!("{r}")).to_string()
}

#[test]
fn a_gbk_csv_from_a_chinese_spreadsheet_evaluates_like_its_utf8_twin() {
    let gbk = std::fs::read(format!("{DIR}/tests/fixtures/office/zezhou.企业.gbk.csv")).unwrap();
    assert!(std::str::from_utf8(&gbk).is_err(), "the fixture really is GBK");
    let (utf8, office) = (eval_twin("utf8"), eval_twin("gbk"));
    assert_eq!(utf8, office, "byte-identical reports");
    let report: serde_json::Value = serde_json::from_str(&office).unwrap();
    // 2024: 20元/㎡ × "3,200"㎡
    assert_eq!(award(&report, "泽州县丹河科技企业孵化器有限公司", "孵化载体补助"), "64000");
    // 省级: 20元/㎡ × `２５００．５`㎡ = 50010, and 10元/㎡ more = 25005
    assert_eq!(award(&report, "泽州县巴公装备制造众创空间", "孵化载体补助"), "50010");
    assert_eq!(award(&report, "泽州县巴公装备制造众创空间", "孵化载体省级以上补助"), "25005");
    // 全县: 30% × "1,234,567.89"元 = 370370.367 (under the 50万元 cap)
    assert_eq!(award(&report, "晋城市泽州县金鼎新材料有限公司", "科技成果转化补助"), "370370.367");
    // 市及市外: 20% × `９８００００`元 = 196000
    assert_eq!(award(&report, "泽州县天泰钢铁有限公司", "科技成果转化补助"), "196000");
}

#[test]
fn ambiguous_separators_are_refused_at_the_cell() {
    let text = "名称,转化费用(万元),营业收入_2020,级别,重点企业\n甲,\"1,2\",１,无,否\n";
    let d = errors("企业.csv", text.as_bytes());
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(at_text(&d[0]), (Code::WrongValue, 2, 3, "\"1,2\"".into()));
    assert!(d[0].help.as_ref().unwrap().en.contains("groups of three"));
}

/// A workbook from cells given as (row, column, text or number).
fn workbook(build: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("工作表1").unwrap();
    build(ws);
    wb.save_to_buffer().unwrap()
}

const HEADER: [&str; 7] =
    ["名称", "转化费用(万元)", "营业收入_2020", "级别", "重点企业", "成立年份", "认定日期"];

fn header(ws: &mut rust_xlsxwriter::Worksheet) {
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
}

#[test]
fn numbers_stored_as_text_are_read_when_exact_and_empty_rows_are_ignored() {
    let data = workbook(|ws| {
        header(ws);
        for (c, v) in ["甲", "1,234.5", "１２．５", "无", "否", "２０１５"].iter().enumerate()
        {
            ws.write_string(1, c as u16, *v).unwrap();
        }
        // Trailing rows that only carry formatting or blanks, as spreadsheets leave them.
        let bold = Format::new().set_bold();
        for r in 2..6 {
            ws.write_blank(r, 0, &bold).unwrap();
            ws.write_string(r, 1, " ").unwrap();
        }
    });
    let ds = ok("企业.xlsx", &data);
    assert_eq!(ds.records.len(), 1);
    assert_eq!(field(&ds, "甲", "转化费用"), &money("12345000"), "1,234.5万元");
    assert_eq!(field(&ds, "甲", "营业收入"), &Value::Series([(2020, money("125000"))].into()));
    assert_eq!(field(&ds, "甲", "成立年份"), &Value::Year(2015));
}

#[test]
fn merged_cells_are_refused_at_their_first_cell() {
    let data = workbook(|ws| {
        header(ws);
        let f = Format::new();
        // A header merged over two columns, and a value merged over two rows.
        ws.merge_range(0, 1, 0, 2, "转化费用(万元)", &f).unwrap();
        ws.merge_range(1, 3, 2, 3, "无", &f).unwrap();
        for r in 1..3 {
            ws.write_string(r, 0, if r == 1 { "甲" } else { "乙" }).unwrap();
            ws.write_number(r, 1, 1.0).unwrap();
            ws.write_string(r, 4, "否").unwrap();
        }
    });
    let d = errors("企业.xlsx", &data);
    let merged: Vec<_> = d.iter().filter(|d| d.message.en.contains("merged")).collect();
    assert_eq!(
        merged.iter().map(|d| at_sheet(d)).collect::<Vec<_>>(),
        [(Code::DataFormat, "工作表1!B1".into()), (Code::DataFormat, "工作表1!D2".into())]
    );
    assert!(merged[0].message.en.contains("`B1:C1`"), "{}", merged[0].message.en);
    assert!(merged[1].message.zh.contains("`D2:D3`"), "{}", merged[1].message.zh);
}

#[test]
fn serial_numbers_in_date_fields_are_refused_naming_the_date() {
    let data = workbook(|ws| {
        header(ws);
        for (c, v) in ["甲", "1", "1", "无", "否"].iter().enumerate() {
            ws.write_string(1, c as u16, *v).unwrap();
        }
        ws.write_number(1, 6, 45352.0).unwrap();
        // 2024 typed into a cell formatted as a date: 1905-07-16.
        let date = Format::new().set_num_format("yyyy-mm-dd");
        ws.write_number_with_format(1, 5, 2024.0, &date).unwrap();
    });
    let d = errors("企业.xlsx", &data);
    assert_eq!(
        d.iter().map(at_sheet).collect::<Vec<_>>(),
        [(Code::WrongValue, "工作表1!F2".into()), (Code::WrongValue, "工作表1!G2".into())]
    );
    assert!(d[0].help.as_ref().unwrap().en.contains("the year `2024`"), "{:?}", d[0].help);
    assert!(d[1].help.as_ref().unwrap().en.contains("`2024-03-01`"), "{:?}", d[1].help);
}

//! Spreadsheet subject data, written with rust_xlsxwriter in each test: values as the
//! spreadsheet shows them, parameters on their own sheet, and every kind of data error reported
//! at its cell, named `工作表1!C5`.
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
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use zhengce::ast::Date;
use zhengce::data::Value;
use zhengce::diagnostics::Code;

/// A cell to write.
#[derive(Clone, Copy)]
enum C {
    S(&'static str),
    N(f64),
    B(bool),
    /// A number formatted as a percentage (`0.3` shows `30%`).
    P(f64),
    D(u16, u8, u8),
    E,
}
use C::*;

/// A workbook whose sheets hold `rows`, the first cell of each at (`row0`, `col0`).
fn book(sheets: &[(&str, u32, u16, Vec<Vec<C>>)]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let percent = Format::new().set_num_format("0%");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (name, row0, col0, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (i, cells) in rows.iter().enumerate() {
            for (j, cell) in cells.iter().enumerate() {
                let (r, c) = (row0 + i as u32, col0 + j as u16);
                match *cell {
                    S(s) => ws.write_string(r, c, s).map(|_| ()),
                    N(n) => ws.write_number(r, c, n).map(|_| ()),
                    B(b) => ws.write_boolean(r, c, b).map(|_| ()),
                    P(n) => ws.write_number_with_format(r, c, n, &percent).map(|_| ()),
                    D(y, m, d) => ws
                        .write_datetime_with_format(
                            r,
                            c,
                            ExcelDateTime::from_ymd(y, m, d).unwrap(),
                            &date,
                        )
                        .map(|_| ()),
                    E => Ok(()),
                }
                .unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn header() -> Vec<C> {
    vec![
        S("名称"),
        S("转化费用(万元)"),
        S("营业收入[2020](万元)"),
        S("营业收入_2021"),
        S("级别"),
        S("重点企业"),
        S("占比"),
    ]
}

fn sheet(rows: Vec<Vec<C>>) -> Vec<u8> {
    let mut all = vec![header()];
    all.extend(rows);
    book(&[("工作表1", 0, 0, all)])
}

fn where_(d: &[zhengce::diagnostics::Diagnostic]) -> Vec<(Code, String)> {
    d.iter().map(at_sheet).collect()
}

#[test]
fn values_are_read_as_the_spreadsheet_shows_them() {
    let data = book(&[(
        "工作表1",
        0,
        0,
        vec![
            vec![
                S("名称"),
                S("转化费用(万元)"),
                S("营业收入[2020](万元)"),
                S("营业收入[2021年]"),
                S("级别"),
                S("重点企业"),
                S("占比"),
                S("成立年份"),
                S("认定日期"),
            ],
            vec![
                S("甲公司"),
                N(0.1 + 0.2),
                N(12.5),
                N(13.0),
                S("国家级"),
                B(true),
                P(0.3),
                N(2015.0),
                D(2020, 1, 2),
            ],
            vec![N(1001.0), N(0.0), N(1e-4), E, S("无"), S("否"), N(12.5), E, S("2021年3月4日")],
        ],
    )]);
    let ds = ok("企业.xlsx", &data);
    assert_eq!(ds.records.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), ["甲公司", "1001"]);
    assert_eq!(
        field(&ds, "甲公司", "转化费用"),
        &money("3000"),
        "0.30000000000000004 shows as 0.3"
    );
    assert_eq!(
        field(&ds, "甲公司", "营业收入"),
        &Value::Series(BTreeMap::from([(2020, money("125000")), (2021, money("130000"))]))
    );
    assert_eq!(
        field(&ds, "甲公司", "级别"),
        &Value::Enum { enum_name: "孵化器级别".into(), index: 3 }
    );
    assert_eq!(field(&ds, "甲公司", "重点企业"), &Value::Bool(true));
    assert_eq!(field(&ds, "甲公司", "占比"), &share("0.3"), "a cell showing 30% is 30%");
    assert_eq!(field(&ds, "甲公司", "成立年份"), &Value::Year(2015));
    assert_eq!(
        field(&ds, "甲公司", "认定日期"),
        &Value::Date(Date { year: 2020, month: 1, day: 2 })
    );
    assert_eq!(
        field(&ds, "1001", "营业收入"),
        &Value::Series(BTreeMap::from([(2020, money("1"))]))
    );
    assert_eq!(
        field(&ds, "1001", "占比"),
        &share("0.125"),
        "a plain 12.5 in a share column is 12.5%"
    );
    assert_eq!(field(&ds, "1001", "认定日期"), &Value::Date(Date { year: 2021, month: 3, day: 4 }));
}

#[test]
fn parameters_on_their_own_sheet() {
    let data = book(&[
        (
            "参数",
            0,
            0,
            vec![
                vec![S("参数"), S("值")],
                vec![S("优秀分数线(分)"), N(85.0)],
                vec![S("全省增速[2020]"), P(0.055)],
            ],
        ),
        (
            "工作表1",
            0,
            0,
            vec![header(), vec![S("甲"), N(1.0), N(1.0), N(1.0), S("无"), B(false), E]],
        ),
    ]);
    let ds = ok("a.xlsx", &data);
    assert_eq!(ds.records.len(), 1, "the subjects are on the first sheet that is not 参数");
    assert_eq!(
        ds.param("优秀分数线"),
        Some(&Value::Number { value: dec("85"), dim: zhengce::units::Dim::SCORE })
    );
    assert_eq!(
        ds.param("全省增速"),
        Some(&Value::Series(BTreeMap::from([(2020, share("0.055"))])))
    );
    // a parameter the sheet leaves out is no error when reading: where it belongs is kept for
    // the evaluation's ZC0705
    let data = book(&[
        (
            "工作表1",
            0,
            0,
            vec![header(), vec![S("甲"), N(1.0), N(1.0), N(1.0), S("无"), B(false), E]],
        ),
        ("params", 0, 0, vec![vec![S("优秀分数线"), N(85.0)], vec![S("优秀分数限"), N(85.0)]]),
    ]);
    let d = errors("a.xlsx", &data);
    assert_eq!(where_(&d), [(Code::UnknownField, "params!A2".into())]);
    assert_eq!(d[0].help.as_ref().unwrap().en, "did you mean `优秀分数线`?");
    let data = book(&[
        (
            "工作表1",
            0,
            0,
            vec![header(), vec![S("甲"), N(1.0), N(1.0), N(1.0), S("无"), B(false), E]],
        ),
        ("params", 0, 0, vec![vec![S("优秀分数线"), N(85.0)]]),
    ]);
    let ds = ok("a.xlsx", &data);
    let [(name, gap)] = ds.param_gaps.as_slice() else { panic!("{:?}", ds.param_gaps) };
    assert_eq!(name, "全省增速");
    assert_eq!(where_(std::slice::from_ref(gap)), [(Code::MissingParamValue, "params!A1".into())]);
    assert!(gap.message.en.contains("`全省增速`"), "{}", gap.message.en);
}

#[test]
fn locations_are_absolute_when_the_table_does_not_start_at_a1() {
    let data = book(&[(
        "数据",
        2,
        1,
        vec![header(), vec![S("甲"), S("abc"), N(1.0), N(1.0), S("无"), B(false), E]],
    )]);
    let d = errors("a.xlsx", &data);
    assert_eq!(where_(&d), [(Code::WrongValue, "数据!C4".into())]);
    assert_eq!(d[0].message.en, "cell `数据!C4`: value `abc` of `转化费用` is not a number");
    assert_eq!(d[0].message.zh, "单元格 `数据!C4`：字段 `转化费用` 的值 `abc` 不是数字");
    let label = d[0].primary().unwrap();
    assert!(label.span.is_empty() && label.loc_is_empty_file());
}

trait EmptyFile {
    fn loc_is_empty_file(&self) -> bool;
}

impl EmptyFile for zhengce::source::Loc {
    fn loc_is_empty_file(&self) -> bool {
        self.file.text.is_empty() && self.file.name == "a.xlsx"
    }
}

#[test]
fn missing_and_unknown_columns() {
    let data = book(&[(
        "工作表1",
        0,
        0,
        vec![
            vec![S("名称"), S("转化费用"), S("营业收人"), S("级别"), S("重点企业")],
            vec![S("甲"), N(1.0), N(2.0), S("无"), B(false)],
        ],
    )]);
    let d = errors("a.xlsx", &data);
    // spreadsheet diagnostics have no span to sort by: they come in code order
    assert_eq!(
        where_(&d),
        [(Code::MissingField, "工作表1!1:1".into()), (Code::UnknownField, "工作表1!C1".into())]
    );
    assert_eq!(d[1].help.as_ref().unwrap().zh, "你是不是想写 `营业收入`？");
    assert!(
        d[0].message.en.starts_with("row `工作表1!1:1`: no column for field `营业收入`"),
        "{}",
        d[1].message.en
    );
}

#[test]
fn wrong_kinds_units_and_ranges_at_their_cells() {
    let data = sheet(vec![
        vec![S("甲"), S("1,23"), N(1.0), N(1.0), S("省级别"), S("对"), N(120.0)],
        vec![S("乙"), P(0.5), N(-1.0), N(1.0), B(true), N(2.0), P(-0.1)],
        vec![S("丙"), D(2020, 1, 1), N(1.0), N(1.0), S("市级"), B(true), E],
    ]);
    let d = errors("a.xlsx", &data);
    let mut found = where_(&d);
    found.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(
        found,
        [
            (Code::WrongValue, "工作表1!B2".into()),
            (Code::DataUnit, "工作表1!B3".into()),
            (Code::WrongValue, "工作表1!B4".into()),
            (Code::OutOfRange, "工作表1!C3".into()),
            (Code::WrongValue, "工作表1!E2".into()),
            (Code::WrongValue, "工作表1!E3".into()),
            (Code::WrongValue, "工作表1!F2".into()),
            (Code::WrongValue, "工作表1!F3".into()),
            (Code::OutOfRange, "工作表1!G2".into()),
            (Code::OutOfRange, "工作表1!G3".into()),
        ]
    );
    let percent_in_money = d.iter().find(|d| d.code == Code::DataUnit).unwrap();
    assert_eq!(
        percent_in_money.message.en,
        "cell `工作表1!B3`: `50%` is a percentage, but `转化费用` is not measured in percent"
    );
}

#[test]
fn header_units() {
    let data = book(&[(
        "工作表1",
        0,
        0,
        vec![
            vec![
                S("名称"),
                S("转化费用(家)"),
                S("营业收入[2020]（万圆）"),
                S("级别"),
                S("重点企业"),
            ],
            vec![S("甲"), N(1.0), N(2.0), S("无"), B(false)],
        ],
    )]);
    let d = errors("a.xlsx", &data);
    assert_eq!(
        where_(&d),
        [(Code::DataUnit, "工作表1!B1".into()), (Code::DataUnit, "工作表1!C1".into())]
    );
    assert!(d[1].help.as_ref().unwrap().en.contains("`万元`"));
}

#[test]
fn duplicate_ids_and_empty_values() {
    let data = sheet(vec![
        vec![S("甲"), N(1.0), N(1.0), N(1.0), S("无"), B(false), E],
        vec![S("乙"), E, N(1.0), E, S("无"), B(false), E],
        vec![S("甲"), N(1.0), N(1.0), N(1.0), S("无"), B(false), E],
    ]);
    let d = errors("a.xlsx", &data);
    assert_eq!(
        where_(&d),
        // In cell order: row 3 before row 4.
        [(Code::EmptyValue, "工作表1!B3".into()), (Code::DuplicateSubject, "工作表1!A4".into())]
    );
    let first = d[1].labels.iter().find(|l| !l.primary).unwrap();
    assert!(first.text.en.contains("`工作表1!A2`"), "{}", first.text.en);
}

#[test]
fn cells_outside_the_header_and_broken_files() {
    let data =
        sheet(vec![vec![S("甲"), N(1.0), N(1.0), N(1.0), S("无"), B(false), E, E, S("备注")]]);
    let d = errors("a.xlsx", &data);
    assert_eq!(where_(&d), [(Code::DataFormat, "工作表1!I2".into())]);
    let d = errors("a.xlsx", b"PK\x03\x04 not really");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, Code::DataFormat);
}

//! The xlsx template an officer fills in Excel: a sheet named after the subject kind with units
//! in the headers, the header frozen and drop-down lists for enumerations and 是/否; a `参数`
//! sheet with each parameter, its unit and an empty value cell; and `eval --data` reading it back.

#[path = "eval_common/mod.rs"]
#[allow(dead_code, reason = "each test file uses part of the shared helpers")]
mod eval_common;

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use calamine::{Reader, Xlsx};
use eval_common::{temp_dir, zhengce};
use zhengce::cli::Status;

const ZEZHOU: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/zezhou.zc");

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `template zezhou.zc --kind 企业 --out DIR/模板.xlsx`, returning the workbook's path.
fn zezhou_template(dir: &Path) -> PathBuf {
    let out = dir.join("模板.xlsx");
    let r = zhengce(&["template", ZEZHOU, "--kind", "企业", "--out", s(&out)]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    out
}

/// The text of one part of a workbook.
fn part(path: &Path, name: &str) -> String {
    let bytes = std::fs::read(path).unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

/// Each row of a sheet, cells as text.
fn rows(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = calamine::open_workbook(path).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    range.rows().map(|r| r.iter().map(ToString::to_string).collect()).collect()
}

#[test]
fn the_template_has_a_sheet_per_kind_a_parameter_sheet_units_and_lists() {
    let dir = temp_dir("template-layout");
    let path = zezhou_template(&dir);
    let book: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["企业", "参数"]);
    let subjects = rows(&path, "企业");
    assert_eq!(subjects.len(), 1, "the header only: an example row would be read as a subject");
    assert_eq!(
        subjects[0],
        [
            "企业名称",
            "年份",
            "孵化载体认定级别",
            "孵化面积(㎡)",
            "省市孵化载体补助额(元)",
            "转化项目符合条件",
            "转化成果来源",
            "转化实际发生费用(元)",
            "首次认定类别",
            "首次认定年份",
            "市级专精特新奖励(元)",
            "高新认定年份",
            "市级高新奖励(元)",
        ]
    );
    let params = rows(&path, "参数");
    assert_eq!(params[0], ["参数", "值", "单位", "说明"]);
    let names: Vec<(&str, &str, &str)> =
        params[1..].iter().map(|r| (r[0].as_str(), r[1].as_str(), r[2].as_str())).collect();
    assert_eq!(
        names,
        [
            ("市级专精特新奖励额(万元)", "", "万元"),
            ("省级小巨人奖励额(万元)", "", "万元"),
            ("国家级小巨人奖励额(万元)", "", "万元"),
            ("高新奖励(万元)", "", "万元"),
        ]
    );
    // The subjects' sheet: the header row frozen, a list on each enumeration and 是/否 column
    // (C, F, G and I), every row below the header.
    let sheet = part(&path, "xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains(
            r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        ),
        "{sheet}"
    );
    for (col, list) in [
        ("C", "\"市级,省级,国家级\""),
        ("F", "\"是,否\""),
        ("G", "\"全县,市及市外\""),
        ("I", "\"市级专精特新,省级小巨人,国家级小巨人\""),
    ] {
        let want = format!(r#"sqref="{col}2:{col}1048576"><formula1>{list}</formula1>"#);
        assert!(sheet.contains(&want), "{col}: {want} not in {sheet}");
    }
    assert_eq!(sheet.matches(r#"type="list""#).count(), 4, "{sheet}");
    // What to write, shown beside a selected cell.
    assert!(sheet.contains(r#"prompt="填数字，单位：元；没有可以不填""#), "{sheet}");
    assert!(sheet.contains("必填：每个主体每年一行"), "{sheet}");
    // The same bytes on every run.
    let again = zezhou_template(&temp_dir("template-layout-again"));
    assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(again).unwrap());
}

#[test]
fn an_empty_parameter_cell_is_reported_at_the_cell_with_what_to_write() {
    let dir = temp_dir("template-empty-params");
    let path = zezhou_template(&dir);
    let r = zhengce(&[
        "eval",
        ZEZHOU,
        "--data",
        s(&path),
        "--kind",
        "企业",
        "--error-format",
        "json",
        "--param",
        "高新奖励=2万元",
    ]);
    assert_eq!(r.status, Status::Errors, "{}", r.err);
    let diags: serde_json::Value = serde_json::from_str(&r.err).unwrap();
    let found: Vec<(&str, &str)> = diags
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["help"].as_str().unwrap()))
        .collect();
    // 高新奖励 is given on the command line: its empty cell is not an error.
    assert_eq!(
        found,
        [
            (
                "ZC0608",
                "在单元格 `参数!B2` 填写 `市级专精特新奖励额` 的值（单位：万元），或用 `--param 市级专精特新奖励额=…万元` 给出"
            ),
            (
                "ZC0608",
                "在单元格 `参数!B3` 填写 `省级小巨人奖励额` 的值（单位：万元），或用 `--param 省级小巨人奖励额=…万元` 给出"
            ),
            (
                "ZC0608",
                "在单元格 `参数!B4` 填写 `国家级小巨人奖励额` 的值（单位：万元），或用 `--param 国家级小巨人奖励额=…万元` 给出"
            ),
        ]
    );
}

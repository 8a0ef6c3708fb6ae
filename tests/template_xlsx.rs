//! The xlsx template an officer fills in Excel: a sheet named after the subject kind with units
//! in the headers, the header frozen and drop-down lists for enumerations and 是/否; a `参数`
//! sheet with each parameter, its unit and an empty value cell; and `eval --data` reading it back.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod eval_common;

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use calamine::{Reader, Xlsx};
use eval_common::{temp_dir, zhengce};
use zhengce::cli::Status;

/// The frozen flat copy of zezhou (tests/fixtures/zezhou_flat.zc): its 企业 sheet carries
/// 二(二)6's fields, whose enumeration and 是/否 columns the lists are tested on (the bundled
/// policy now reads them per 转化项目).
const ZEZHOU: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/zezhou_flat.zc");

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

/// Two enterprises first recognised in 2024, 甲 as a 省级小巨人 (and high-tech that year), 乙
/// as a 市级专精特新, with an incubator each: written into the template, parameters left empty.
fn recognised_in_2024(dir: &Path) -> PathBuf {
    use Cell::{N, T};
    let template = zezhou_template(dir);
    let filled: [&[(&str, Cell)]; 2] = [
        &[
            ("企业名称", T("甲公司")),
            ("年份", N(2024.0)),
            ("孵化载体认定级别", T("市级")),
            ("孵化面积(㎡)", N(1000.0)),
            ("首次认定类别", T("省级小巨人")),
            ("首次认定年份", N(2024.0)),
            ("高新认定年份", N(2024.0)),
        ],
        &[
            ("企业名称", T("乙公司")),
            ("年份", N(2024.0)),
            ("孵化载体认定级别", T("市级")),
            ("孵化面积(㎡)", N(500.0)),
            ("首次认定类别", T("市级专精特新")),
            ("首次认定年份", N(2024.0)),
        ],
    ];
    let data = dir.join("企业数据.xlsx");
    fill(&template, &data, &filled, &[]);
    data
}

#[test]
fn an_empty_parameter_cell_is_reported_at_the_cell_with_what_to_write() {
    let dir = temp_dir("template-empty-params");
    let path = recognised_in_2024(&dir);
    let r = zhengce(&[
        "eval",
        ZEZHOU,
        "--data",
        s(&path),
        "--format",
        "json",
        "--error-format",
        "json",
        "--param",
        "高新奖励=2万元",
    ]);
    // Partial: the rules the empty cells decide are undetermined, the others evaluated.
    assert_eq!(r.status, Status::Errors, "{}", r.err);
    let diags: serde_json::Value = serde_json::from_str(&r.err).unwrap();
    let found: Vec<(&str, &str, &str)> = diags
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["message"].as_str().unwrap(),
                d["help"].as_str().unwrap(),
            )
        })
        .collect();
    // 高新奖励 is given on the command line: its empty cell is not an error; 国家级小巨人奖励额
    // is needed by no subject: not reported either. One code for a missing parameter.
    assert_eq!(
        found,
        [
            (
                "ZC0705",
                "单元格 `参数!B2`：参数 `市级专精特新奖励额` 没有取值，用到它的规则无法确定（首先是主体 `乙公司`）",
                "在单元格 `参数!B2` 填写 `市级专精特新奖励额` 的值（单位：万元），或用 `--param 市级专精特新奖励额=…万元` 给出"
            ),
            (
                "ZC0705",
                "单元格 `参数!B3`：参数 `省级小巨人奖励额` 没有取值，用到它的规则无法确定（首先是主体 `甲公司`）",
                "在单元格 `参数!B3` 填写 `省级小巨人奖励额` 的值（单位：万元），或用 `--param 省级小巨人奖励额=…万元` 给出"
            ),
        ]
    );
    // Each names the rule it leaves undetermined, beside the declaration.
    for d in diags.as_array().unwrap() {
        let labels: Vec<&str> = d["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["message"].as_str().unwrap())
            .collect();
        assert_eq!(labels[1..], ["在这里声明，没有默认值", "无法确定：`专精特新奖励`"]);
    }
    // Every other rule is evaluated: 甲's incubator, 20元 × 1,000㎡ = 20,000元, and its
    // high-tech award, the 2万元 given = 20,000元; 专精特新奖励 is undetermined (null).
    let report: serde_json::Value = serde_json::from_str(&r.out).unwrap();
    let rule = |subject: usize, name: &str| {
        let rules = report["subjects"][subject]["rules"].as_array().unwrap();
        rules.iter().find(|x| x["name"] == name).unwrap()["value"].clone()
    };
    assert_eq!(rule(0, "孵化载体补助")["number"], "20000");
    assert_eq!(rule(0, "高新认定奖励")["number"], "20000");
    assert_eq!(rule(0, "专精特新奖励"), serde_json::Value::Null);
    assert_eq!(rule(1, "孵化载体补助")["number"], "10000");
    assert_eq!(rule(1, "专精特新奖励"), serde_json::Value::Null);
}

/// The cells an officer fills on the subjects sheet: (header, value) per row, numbers as
/// numbers, the rest as text, every other cell left empty.
enum Cell {
    T(&'static str),
    N(f64),
}

/// The zezhou template `template` filled in and saved as `data`: the subjects' cells
/// `filled` (one slice per row, by header) and the parameter values `values` (by the name the
/// 参数 sheet gives, the other value cells left empty).
fn fill(template: &Path, data: &Path, filled: &[&[(&str, Cell)]], values: &[(&str, f64)]) {
    use Cell::{N, T};
    let header = rows(template, "企业").remove(0);
    let params = rows(template, "参数");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("企业").unwrap();
    for (col, h) in header.iter().enumerate() {
        sheet.write_string(0, u16::try_from(col).unwrap(), h).unwrap();
    }
    for (row, cells) in filled.iter().enumerate() {
        let row = u32::try_from(row + 1).unwrap();
        for (name, value) in cells.iter() {
            let col = header.iter().position(|h| h == name).unwrap_or_else(|| panic!("{name}"));
            let col = u16::try_from(col).unwrap();
            match value {
                T(t) => sheet.write_string(row, col, *t).unwrap(),
                N(n) => sheet.write_number(row, col, *n).unwrap(),
            };
        }
    }
    let sheet = book.add_worksheet();
    sheet.set_name("参数").unwrap();
    for (row, cells) in params.iter().enumerate() {
        let r = u32::try_from(row).unwrap();
        for (col, text) in cells.iter().enumerate().filter(|(_, t)| !t.is_empty()) {
            sheet.write_string(r, u16::try_from(col).unwrap(), text).unwrap();
        }
        if let Some((_, v)) = values.iter().find(|(name, _)| cells[0] == *name) {
            sheet.write_number(r, 1, *v).unwrap();
        }
    }
    book.save(data).unwrap();
}

/// The zezhou walk: the template, filled in (two enterprises and the four parameters, cells
/// written where the template puts them), evaluated with `--data` and `--out` alone into a
/// workbook for a leader, whose totals are the hand-computed ones.
#[test]
fn the_zezhou_walk_template_filled_evaluated_into_a_workbook() {
    use Cell::{N, T};
    let dir = temp_dir("template-walk");
    let template = zezhou_template(&dir);
    let filled: [&[(&str, Cell)]; 2] = [
        &[
            ("企业名称", T("甲公司")),
            ("年份", N(2024.0)),
            ("孵化载体认定级别", T("省级")),
            ("孵化面积(㎡)", N(1000.0)),
            ("转化项目符合条件", T("是")),
            ("转化成果来源", T("全县")),
            ("转化实际发生费用(元)", N(2_000_000.0)),
            ("首次认定类别", T("省级小巨人")),
            ("首次认定年份", N(2024.0)),
        ],
        &[
            ("企业名称", T("乙公司")),
            ("年份", N(2024.0)),
            ("孵化载体认定级别", T("市级")),
            ("孵化面积(㎡)", N(500.0)),
            ("转化项目符合条件", T("是")),
            ("转化成果来源", T("市及市外")),
            ("转化实际发生费用(元)", N(1_000_000.0)),
            ("高新认定年份", N(2023.0)),
        ],
    ];
    let values = [
        ("市级专精特新奖励额(万元)", 5.0),
        ("省级小巨人奖励额(万元)", 4.0),
        ("国家级小巨人奖励额(万元)", 3.0),
        ("高新奖励(万元)", 2.0),
    ];
    let data = dir.join("企业数据.xlsx");
    fill(&template, &data, &filled, &values);

    let result = dir.join("结果.xlsx");
    let r = zhengce(&["eval", ZEZHOU, "--data", s(&data), "--out", s(&result)]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    assert_eq!(r.err, "");
    let mut book: Xlsx<_> = calamine::open_workbook(&result).unwrap();
    let number = |c: &calamine::Data| match c {
        calamine::Data::Float(f) => *f,
        calamine::Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    };
    // Each subject's awards, by rule. 甲公司 (2024, the year of its rows): 省级 incubator of
    // 1,000㎡: 20元 × 1,000 = 20,000元 and 10元 × 1,000 = 10,000元; a county result transferred
    // for 2,000,000元: 30% is 600,000元, capped at 50万元 = 500,000元; 省级小巨人 recognised in
    // 2024: the 4万元 parameter = 40,000元. 570,000元 in all. 乙公司: 市级 incubator of 500㎡:
    // 20元 × 500 = 10,000元; an outside result for 1,000,000元: 20% = 200,000元 (under 30万元);
    // high-tech recognition in 2023, the year before: 15万元 = 150,000元. 360,000元 in all.
    let results = book.worksheet_range("结果").unwrap();
    let mut rows = results.rows();
    let head: Vec<String> = rows.next().unwrap().iter().map(ToString::to_string).collect();
    let col = |name: &str| head.iter().position(|h| h == &format!("{name}(元)")).unwrap();
    // The first column is headed by the id field's name; the last is each subject's total.
    assert_eq!(head[0], "企业名称");
    assert_eq!(head.last().unwrap(), "合计(元)");
    let total = head.len() - 1;
    let mut per_subject = Vec::new();
    for row in rows {
        let award = |name: &str| number(&row[col(name)]);
        per_subject.push((
            row[0].to_string(),
            award("孵化载体补助"),
            award("孵化载体省级以上补助"),
            award("科技成果转化补助"),
            award("专精特新奖励"),
            award("上年度高新技术企业资助"),
            number(&row[total]),
        ));
    }
    // The last row adds up every column of money: 570,000元 + 360,000元 = 930,000元.
    assert_eq!(
        per_subject,
        [
            ("甲公司".into(), 20_000.0, 10_000.0, 500_000.0, 40_000.0, 0.0, 570_000.0),
            ("乙公司".into(), 10_000.0, 0.0, 200_000.0, 0.0, 150_000.0, 360_000.0),
            ("合计".into(), 30_000.0, 10_000.0, 700_000.0, 40_000.0, 150_000.0, 930_000.0),
        ]
    );
    // The totals by award, and in all: 570,000元 + 360,000元 = 930,000元.
    let totals = book.worksheet_range("合计").unwrap();
    let by_award: Vec<(String, f64, f64)> = totals
        .rows()
        .skip(1)
        .take_while(|r| !r[0].to_string().starts_with("叠加"))
        .map(|r| (r[0].to_string(), number(&r[1]), number(&r[2])))
        .filter(|(_, amount, _)| *amount != 0.0)
        .collect();
    // After the awards, each stacking rule and the total of all: 2 subjects receive 930,000元.
    let all = totals.rows().find(|r| r[0] == "合计").unwrap();
    assert_eq!((number(&all[1]), number(&all[2])), (930_000.0, 2.0));
    assert_eq!(
        by_award,
        [
            ("孵化载体补助".into(), 30_000.0, 2.0),
            ("孵化载体省级以上补助".into(), 10_000.0, 1.0),
            ("科技成果转化补助".into(), 700_000.0, 2.0),
            ("专精特新奖励".into(), 40_000.0, 1.0),
            ("上年度高新技术企业资助".into(), 150_000.0, 1.0),
        ]
    );
    assert_eq!(by_award.iter().map(|(_, amount, _)| amount).sum::<f64>(), 930_000.0);
}

#[test]
fn a_cell_of_a_workbook_is_named_in_every_error_format() {
    let dir = temp_dir("template-cell-formats");
    let path = recognised_in_2024(&dir);
    let run = |format: &str| {
        let r = zhengce(&[
            "eval",
            ZEZHOU,
            "--data",
            s(&path),
            "--error-format",
            format,
            "--param",
            "市级专精特新奖励额=5万元",
            "--param",
            "省级小巨人奖励额=4万元",
            "--param",
            "国家级小巨人奖励额=3万元",
        ]);
        assert_eq!(r.status, Status::Errors, "{}", r.err);
        r.err
    };
    let file = s(&path);
    // Plain: the cell where line and column would be, for editors and scripts.
    // (Sorted by place: the warning that 高新认定奖励 reads 「缺数据」 comes before or after it
    // as the policy's path sorts against the workbook's.)
    let plain = run("plain");
    let line = format!(
        "{file}!参数!B5: error[ZC0705]: 单元格 `参数!B5`：参数 `高新奖励` 没有取值，用到它的规则无法确定（首先是主体 `甲公司`）"
    );
    assert!(plain.lines().any(|l| l == line), "{plain}");
    assert!(!plain.contains(":1:1:"), "{plain}");
    // JSON: the cell beside the (empty) span.
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let d = json.as_array().unwrap().iter().find(|d| d["code"] == "ZC0705").unwrap();
    let label = &d["labels"][0];
    assert_eq!((label["file"].as_str(), label["cell"].as_str()), (Some(file), Some("参数!B5")));
    assert_eq!(d["labels"][1].get("cell"), None, "a label in the policy has no cell");
    // Human: the snippet is headed with the cell, not with line 1, column 1.
    let human = run("human");
    assert!(human.contains(&format!("╭─[{file}!参数!B5]\n")), "{human}");
}

#[test]
fn without_kind_the_workbook_has_a_sheet_per_kind_and_the_filled_one_is_evaluated() {
    let dir = temp_dir("template-all-kinds");
    let template = dir.join("模板.xlsx");
    let r = zhengce(&["template", ZEZHOU, "--out", s(&template)]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    let book: Xlsx<_> = calamine::open_workbook(&template).unwrap();
    let sheets = book.sheet_names();
    assert_eq!(sheets, ["企业", "担保业务", "担保机构", "县", "参数"]);
    // Each parameter once, although the four kinds share them.
    assert_eq!(rows(&template, "参数").len(), 5);
    // The officer fills one guarantee on its sheet and the parameters; the other sheets keep
    // their headers only.
    let mut out = rust_xlsxwriter::Workbook::new();
    for name in &sheets {
        let sheet = out.add_worksheet();
        sheet.set_name(name).unwrap();
        let rows = rows(&template, name);
        for (r, cells) in rows.iter().enumerate() {
            for (c, text) in cells.iter().enumerate().filter(|(_, t)| !t.is_empty()) {
                let (r, c) = (u32::try_from(r).unwrap(), u16::try_from(c).unwrap());
                sheet.write_string(r, c, text).unwrap();
            }
            if *name == "参数" && r > 0 {
                sheet.write_number(u32::try_from(r).unwrap(), 1, 5.0).unwrap();
            }
        }
        if *name == "担保业务" {
            let header = &rows[0];
            let col = |h: &str| u16::try_from(header.iter().position(|x| x == h).unwrap()).unwrap();
            sheet.write_string(1, col("业务编号"), "DB-001").unwrap();
            sheet.write_string(1, col("被担保人"), "甲公司").unwrap();
            sheet.write_string(1, col("政府性融资担保机构提供"), "是").unwrap();
            sheet.write_string(1, col("对象类型"), "小微企业").unwrap();
            sheet.write_number(1, col("单户担保金额(万元)"), 500.0).unwrap();
            sheet.write_number(1, col("担保费率(%)"), 0.8).unwrap();
            sheet.write_number(1, col("行业基准费率(%)"), 1.5).unwrap();
        }
    }
    let data = dir.join("数据.xlsx");
    out.save(&data).unwrap();
    let result = dir.join("结果.csv");
    let r = zhengce(&["eval", ZEZHOU, "--data", s(&data), "--out", s(&result)]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    // 500万元 × (1.5% − 0.8%) = 5,000,000元 × 0.7% = 35,000元.
    assert_eq!(
        std::fs::read_to_string(&result).unwrap(),
        "业务编号,担保费补差条件,担保费率补差,合计\nDB-001,true,35000,35000\n合计,,35000,35000\n"
    );
}

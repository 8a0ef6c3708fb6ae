//! What must hold of `zhengce eval` and `zhengce explain` whatever the snapshots say: every
//! format is the same from one run to the next; money in JSON is the exact decimal a hand
//! computation gives; a data error stops everything with its code and place; `--out` never
//! overwrites an input.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod eval_common;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use eval_common::{Run, dump_workbook, temp_dir, zhengce};
use rust_decimal::Decimal;
use rust_xlsxwriter::Workbook;
use serde_json::Value as J;
use zhengce::cli::Status;

const CORPUS: &str = "tests/eval";
const ZEZHOU: &str = "tests/eval/zezhou.zc";

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn policies() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "zc"))
        .collect();
    files.sort();
    files
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn same(a: &Run, b: &Run, what: &str) {
    assert_eq!(a.status, b.status, "{what}: exit status differs between two runs");
    assert!(a.out == b.out, "{what}: standard output differs between two runs");
    assert!(a.err == b.err, "{what}: standard error differs between two runs");
}

/// The JSON report of a policy on its sample data.
fn json_report(policy: &str) -> J {
    let r = zhengce(&["eval", policy, "--format", "json"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    serde_json::from_str(&r.out).unwrap()
}

/// Every `{ "number", "unit" }` in a JSON document.
fn numbers(v: &J, out: &mut Vec<(String, String)>) {
    match v {
        J::Object(m) => {
            if let (Some(J::String(n)), Some(J::String(u))) = (m.get("number"), m.get("unit")) {
                out.push((n.clone(), u.clone()));
            }
            m.values().for_each(|x| numbers(x, out));
        }
        J::Array(a) => a.iter().for_each(|x| numbers(x, out)),
        _ => {}
    }
}

/// A rule of a subject in a JSON report.
fn rule<'a>(report: &'a J, subject: &str, name: &str) -> &'a J {
    let subj = report["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == subject)
        .unwrap_or_else(|| panic!("no subject {subject}"));
    subj["rules"].as_array().unwrap().iter().find(|r| r["name"] == name).unwrap()
}

/// A money value of a JSON report, read back exactly.
fn money(v: &J) -> Decimal {
    assert_eq!(v["unit"], "元", "{v}");
    Decimal::from_str(v["number"].as_str().unwrap()).unwrap()
}

fn amount(report: &J, subject: &str, award: &str) -> Decimal {
    money(&rule(report, subject, award)["value"])
}

fn total(report: &J, award: &str) -> (Decimal, u64) {
    let t = report["totals"].as_array().unwrap().iter().find(|t| t["award"] == award).unwrap();
    (money(&t["total"]), t["recipients"].as_u64().unwrap())
}

#[test]
fn every_format_is_identical_across_two_runs() {
    let tmp = temp_dir("eval-twice");
    for policy in policies() {
        let p = s(&policy);
        for (format, lang) in [
            ("text", "zh"),
            ("text", "en"),
            ("json", "zh"),
            ("markdown", "zh"),
            ("markdown", "en"),
            ("csv", "zh"),
            ("basis", "zh"),
            ("basis", "en"),
        ] {
            let args = ["eval", p, "--format", format, "--lang", lang];
            let (a, b) = (zhengce(&args), zhengce(&args));
            same(&a, &b, &format!("{p} --format {format} --lang {lang}"));
            assert_eq!(a.status, Status::Ok, "{p} {format}: {}", a.err);
            assert!(!a.out.is_empty(), "{p} {format}");
        }
        // The workbook: the same cells, and since its creation time is fixed, the same bytes.
        let books: Vec<Vec<u8>> = ["a", "b"]
            .iter()
            .map(|n| {
                let out = tmp.join(format!("{n}.xlsx"));
                let r = zhengce(&["eval", p, "--format", "xlsx", "--out", s(&out)]);
                assert_eq!(r.status, Status::Ok, "{p} xlsx: {}", r.err);
                assert_eq!(r.out, "");
                std::fs::read(&out).unwrap()
            })
            .collect();
        let cells = dump_workbook(&books[0]);
        assert!(cells.contains("--- sheet 计算依据"), "{cells}");
        assert_eq!(cells, dump_workbook(&books[1]), "{p}: workbook cells differ between runs");
        assert!(books[0] == books[1], "{p}: workbook bytes differ between runs");
        // explain, for every award of every subject, as text and JSON.
        let report = json_report(p);
        for subj in report["subjects"].as_array().unwrap() {
            let id = subj["id"].as_str().unwrap();
            for r in subj["rules"].as_array().unwrap().iter().filter(|r| r["kind"] == "award") {
                let name = r["name"].as_str().unwrap();
                for format in ["text", "json"] {
                    let args = ["explain", p, "--subject", id, name, "--format", format];
                    let (a, b) = (zhengce(&args), zhengce(&args));
                    same(&a, &b, &format!("explain {p} {id} {name} {format}"));
                    assert_eq!(a.status, Status::Ok, "{}", a.err);
                }
            }
        }
        for args in [
            vec!["schema", p],
            vec!["schema", p, "--format", "json"],
            vec!["template", p, "--format", "csv"],
            vec!["template", p, "--format", "toml"],
        ] {
            let (a, b) = (zhengce(&args), zhengce(&args));
            same(&a, &b, &args.join(" "));
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn every_json_number_is_an_exact_decimal() {
    for policy in policies() {
        let mut found = Vec::new();
        numbers(&json_report(s(&policy)), &mut found);
        assert!(!found.is_empty());
        for (n, unit) in found {
            let parsed = Decimal::from_str(&n)
                .unwrap_or_else(|e| panic!("{}: `{n}` is not a decimal: {e}", policy.display()));
            // Written in full, without an exponent or trailing zeros.
            assert_eq!(parsed.normalize().to_string(), n, "{} ({unit})", policy.display());
        }
    }
}

/// 泽州 二(二)6: 30% of the cost within the county, at most 50万元; 20% outside, at most 30万元.
#[test]
fn transfer_subsidies_are_the_hand_computed_decimals() {
    let r = json_report(ZEZHOU);
    let cap_in = d("500000");
    let cap_out = d("300000");
    // 甲: 100万元 = 1,000,000 元 × 30% = 300,000, under the cap.
    assert_eq!(amount(&r, "甲公司", "县内成果转化补助"), d("1000000") * d("0.3"));
    assert_eq!(amount(&r, "甲公司", "县内成果转化补助"), d("300000"));
    // 乙: 1,666,666.67 × 30% = 500,000.001, one tenth of a fen over the cap: 500,000.
    let computed = d("1666666.67") * d("0.3");
    assert_eq!(computed, d("500000.001"));
    assert_eq!(amount(&r, "乙公司", "县内成果转化补助"), computed.min(cap_in));
    assert_eq!(amount(&r, "乙公司", "县内成果转化补助"), d("500000"));
    let detail = &rule(&r, "乙公司", "县内成果转化补助")["detail"];
    assert_eq!(money(&detail["computed"]), d("500000.001"));
    assert_eq!(detail["capped"], true);
    // 丙: 1,234.57 × 30% = 370.371, a third decimal kept, not rounded to the fen.
    assert_eq!(amount(&r, "丙公司", "县内成果转化补助"), d("1234.57") * d("0.3"));
    assert_eq!(amount(&r, "丙公司", "县内成果转化补助"), d("370.371"));
    // 丁: 200万元 × 20% = 400,000, capped at 300,000.
    assert_eq!(amount(&r, "丁公司", "市外成果转化补助"), (d("2000000") * d("0.2")).min(cap_out));
    assert_eq!(amount(&r, "丁公司", "市外成果转化补助"), d("300000"));
    // 戊: 1,500,000 × 20% = 300,000, exactly the cap: reached.
    assert_eq!(amount(&r, "戊公司", "市外成果转化补助"), d("300000"));
    assert_eq!(rule(&r, "戊公司", "市外成果转化补助")["detail"]["capped"], true);
    assert_eq!(rule(&r, "甲公司", "县内成果转化补助")["detail"]["capped"], false);
    // 己: no transfer project, nothing.
    assert_eq!(amount(&r, "己公司", "县内成果转化补助"), Decimal::ZERO);
    assert_eq!(amount(&r, "己公司", "市外成果转化补助"), Decimal::ZERO);
    // The totals: 300,000 + 500,000 + 370.371, and 300,000 + 300,000.
    assert_eq!(total(&r, "县内成果转化补助"), (d("800370.371"), 3));
    assert_eq!(total(&r, "市外成果转化补助"), (d("600000"), 2));
}

#[test]
fn area_and_research_subsidies_are_the_hand_computed_decimals() {
    let r = json_report("tests/eval/incubator.zc");
    // 1,234.5 ㎡ × 20 元/㎡ = 24,690; a provincial incubator, 2,000.25 ㎡ × (20 + 10) 元/㎡.
    assert_eq!(amount(&r, "甲众创空间", "孵化载体补助"), d("1234.5") * d("20"));
    assert_eq!(amount(&r, "乙孵化器", "孵化载体补助"), d("60007.5"));
    assert_eq!(amount(&r, "丙孵化器", "孵化载体补助"), Decimal::ZERO);
    assert_eq!(total(&r, "孵化载体补助"), (d("84697.5"), 2));

    // From the spreadsheet: 123.4567 万元 × 10% = 12.34567 万元 = 123,456.7 元.
    let r = json_report("tests/eval/rd_subsidy.zc");
    assert_eq!(amount(&r, "91140500MA0A", "研发费用补助"), d("123.4567") * d("10000") * d("0.1"));
    assert_eq!(amount(&r, "91140500MA0A", "研发费用补助"), d("123456.7"));
    // A high-tech enterprise: 150 万元 × 15% = 22.5 万元, capped at 20 万元.
    assert_eq!(amount(&r, "91140500MA0B", "研发费用补助"), d("200000"));
    // 30 / 1000.01 is just under 3%: not eligible.
    assert_eq!(amount(&r, "91140500MA0C", "研发费用补助"), Decimal::ZERO);
    // 45.6789 万元 × 15% = 68,518.35 元.
    assert_eq!(amount(&r, "91140500MA0D", "研发费用补助"), d("456789") * d("0.15"));
    assert_eq!(total(&r, "研发费用补助"), (d("391975.05"), 3));

    // 晋政办函〔2020〕99号 五(三): three years excellent, 500万元; good this year, 100万元 less 20%.
    let r = json_report("tests/eval/county.zc");
    assert_eq!(amount(&r, "甲县", "创建奖励"), d("5000000"));
    assert_eq!(amount(&r, "乙县", "创建奖励"), d("1000000") * (Decimal::ONE - d("0.2")));
    assert_eq!(amount(&r, "丙县", "创建奖励"), Decimal::ZERO);
}

// --- data errors

/// A directory holding the 泽州 policy and nothing else.
fn policy_dir(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    std::fs::copy(ZEZHOU, dir.join("p.zc")).unwrap();
    dir
}

/// `eval` on data with an error, in every report format: exit 1, nothing on standard output,
/// no file written, and the diagnostic, in the plain format, contains each of `expected`.
fn rejects(dir: &Path, data: &Path, expected: &[&str]) {
    let policy = dir.join("p.zc");
    for format in ["text", "json", "csv", "basis", "xlsx"] {
        let out = dir.join(format!("report.{format}"));
        let r = zhengce(&[
            "eval",
            s(&policy),
            "--data",
            s(data),
            "--kind",
            "企业",
            "--format",
            format,
            "--out",
            s(&out),
            "--error-format",
            "plain",
            "--lang",
            "zh",
        ]);
        assert_eq!(r.status, Status::Errors, "{format}: {}", r.err);
        assert_eq!(r.out, "", "{format}");
        assert!(!out.exists(), "{format}: a report was written");
        for e in expected {
            assert!(r.err.contains(e), "{format}: `{e}` not in\n{}", r.err);
        }
        // Without --out: still nothing on standard output.
        let r =
            zhengce(&["eval", s(&policy), "--data", s(data), "--kind", "企业", "--format", format]);
        let status = if format == "xlsx" { Status::Usage } else { Status::Errors };
        assert_eq!(r.status, status, "{format}: {}", r.err);
        assert_eq!(r.out, "", "{format}");
    }
}

#[test]
fn a_data_error_in_csv_evaluates_nothing() {
    let dir = policy_dir("eval-csv-errors");
    let csv = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let unknown = csv("unknown.csv", "名称,转化项目,来源,转化费(元)\n甲公司,是,县内,100\n");
    rejects(
        &dir,
        &unknown,
        &[&format!("{}:1:12: error[ZC0602]", unknown.display()), "你是不是想写 `转化费用`"],
    );
    let unit = csv("unit.csv", "名称,转化项目,来源,转化费用(㎡)\n甲公司,是,县内,100\n");
    rejects(
        &dir,
        &unit,
        &[&format!("{}:1:12: error[ZC0604]", unit.display()), "`转化费用(㎡)` 以 `㎡` 计"],
    );
    let twice = csv(
        "twice.csv",
        "名称,转化项目,来源,转化费用(万元)\n甲公司,是,县内,1\n乙公司,否,,\n甲公司,是,县内,2\n",
    );
    rejects(
        &dir,
        &twice,
        &[
            &format!("{}:4:1: error[ZC0606]", twice.display()),
            &format!("{}:2:1: note", twice.display()),
        ],
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A workbook with one sheet `企业` holding `rows` of text cells.
fn workbook(path: &Path, rows: &[&[&str]]) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("企业").unwrap();
    for (i, row) in rows.iter().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            match cell.parse::<f64>() {
                Ok(n) => sheet.write_number(i as u32, j as u16, n).map(|_| ()).unwrap(),
                Err(_) => sheet.write_string(i as u32, j as u16, *cell).map(|_| ()).unwrap(),
            }
        }
    }
    book.save(path).unwrap();
}

#[test]
fn a_data_error_in_xlsx_evaluates_nothing() {
    let dir = policy_dir("eval-xlsx-errors");
    let unknown = dir.join("unknown.xlsx");
    workbook(
        &unknown,
        &[&["名称", "转化项目", "来源", "转化费(元)"], &["甲公司", "是", "县内", "100"]],
    );
    rejects(&dir, &unknown, &["error[ZC0602]", "单元格 `企业!D1`", "你是不是想写 `转化费用`"]);
    let unit = dir.join("unit.xlsx");
    workbook(
        &unit,
        &[&["名称", "转化项目", "来源", "转化费用(㎡)"], &["甲公司", "是", "县内", "100"]],
    );
    rejects(&dir, &unit, &["error[ZC0604]", "单元格 `企业!D1`", "以 `㎡` 计"]);
    let twice = dir.join("twice.xlsx");
    workbook(
        &twice,
        &[
            &["名称", "转化项目", "来源", "转化费用(万元)"],
            &["甲公司", "是", "县内", "1"],
            &["甲公司", "是", "县内", "2"],
        ],
    );
    rejects(&dir, &twice, &["error[ZC0606]", "单元格 `企业!A3`", "第一次出现（`企业!A2`）"]);
    let _ = std::fs::remove_dir_all(&dir);
}

// --- --out

/// `eval ARGS --out OUT` must refuse, exit 2 and leave `out` as it was.
fn refuses(args: &[&str], out: &Path) {
    refuses_with(args, out, &["error[ZC0901]", "would overwrite an input"]);
}

/// [`refuses`], the diagnostic containing each of `needles`.
fn refuses_with(args: &[&str], out: &Path, needles: &[&str]) {
    let before = std::fs::read(out).unwrap();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--out", s(out), "--error-format", "plain", "--lang", "en"]);
    let r = zhengce(&all);
    assert_eq!(r.status, Status::Usage, "{args:?}: {}", r.err);
    for n in needles {
        assert!(r.err.contains(n), "{}", r.err);
    }
    assert_eq!(std::fs::read(out).unwrap(), before, "{args:?}: the input was changed");
}

#[test]
fn out_never_overwrites_an_input() {
    let dir = policy_dir("eval-out-inputs");
    let policy = dir.join("p.zc");
    let sample = dir.join("p.企业.toml");
    std::fs::copy("tests/eval/zezhou.企业.toml", &sample).unwrap();
    let csv = dir.join("data.csv");
    std::fs::write(&csv, "名称,转化项目,来源,转化费用(万元)\n甲公司,是,县内,100\n").unwrap();
    let xlsx = dir.join("data.xlsx");
    workbook(
        &xlsx,
        &[&["名称", "转化项目", "来源", "转化费用(万元)"], &["甲公司", "是", "县内", "100"]],
    );
    // The policy, named or found in a directory.
    refuses(&["eval", s(&policy)], &policy);
    refuses(&["eval", s(&dir)], &policy);
    // Its sample data, found beside it: `eval` writes no TOML, so the name is refused for its
    // extension before the inputs are compared.
    let toml = ["error[ZC0904]", "does not write the format the extension of"];
    refuses_with(&["eval", s(&policy), "--format", "csv"], &sample, &toml);
    refuses_with(&["eval", s(&dir), "--format", "json"], &sample, &toml);
    // The data given, the workbook included, in the format its extension names (given or not).
    refuses(&["eval", s(&policy), "--data", s(&csv), "--format", "csv"], &csv);
    refuses(&["eval", s(&policy), "--data", s(&xlsx), "--format", "xlsx"], &xlsx);
    refuses(&["eval", s(&policy), "--data", s(&csv)], &csv);
    refuses(&["eval", s(&policy), "--data", s(&xlsx)], &xlsx);
    // In another format than the extension names: refused before anything is written.
    for (format, input) in [("text", &csv), ("xlsx", &csv), ("csv", &xlsx), ("text", &xlsx)] {
        let before = std::fs::read(input).unwrap();
        let mut all = vec!["eval", s(&policy), "--data", s(input), "--format", format];
        all.extend(["--out", s(input), "--error-format", "plain", "--lang", "en"]);
        let r = zhengce(&all);
        assert_eq!(r.status, Status::Usage, "{all:?}: {}", r.err);
        assert!(r.err.contains("error[ZC0904]") && r.err.contains("does not match the extension"));
        assert_eq!(std::fs::read(input).unwrap(), before);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn out_replaces_the_report_whole() {
    let dir = temp_dir("eval-out-write");
    let out = dir.join("结果.xlsx");
    std::fs::write(&out, "an older report").unwrap();
    let r = zhengce(&["eval", ZEZHOU, "--format", "xlsx", "--out", s(&out)]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    assert_eq!(r.out, "");
    // 丙公司: 1,234.57元 × 30% = 370.371元, marked (the fixture writes no rounding).
    assert_eq!(r.err.matches("ZC0").count(), 2, "{}", r.err);
    assert!(r.err.starts_with("ZC0709\n") && r.err.contains("370.371 元"), "{}", r.err);
    assert!(dump_workbook(&std::fs::read(&out).unwrap()).starts_with("--- sheet 结果\n"));
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["结果.xlsx"], "a temporary file was left behind");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn xlsx_needs_out_and_one_report() {
    let r = zhengce(&["eval", ZEZHOU, "--format", "xlsx", "--error-format", "plain"]);
    assert_eq!(r.status, Status::Usage);
    assert_eq!(r.out, "");
    assert!(r.err.contains("error[ZC0904]"), "{}", r.err);
    assert!(r.err.contains("--out"), "{}", r.err);
    let dir = temp_dir("eval-xlsx-many");
    let out = dir.join("all.xlsx");
    let r = zhengce(&["eval", CORPUS, "--format", "xlsx", "--out", s(&out), "--lang", "en"]);
    assert_eq!(r.status, Status::Usage);
    assert!(r.err.contains("ZC0904"), "{}", r.err);
    assert!(r.err.contains("one policy evaluated on one data file, not 4"), "{}", r.err);
    assert!(!out.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_basis_has_a_row_per_award_of_each_subject_with_its_derivation() {
    let r = zhengce(&["eval", ZEZHOU, "--format", "basis", "--subject", "乙公司", "--lang", "zh"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    let rows: Vec<&str> = r.out.lines().filter(|l| l.starts_with("| 乙公司 |")).collect();
    assert_eq!(rows.len(), 2, "{}", r.out);
    let cells: Vec<&str> = rows[0].split(" | ").collect();
    assert_eq!(cells[1], "县内成果转化补助");
    assert_eq!(cells[2], "500,000");
    assert_eq!(cells[3], "§ 二(二)6");
    assert_eq!(cells[4], "对转化全县科技成果的按实际发生费用的30%进行补助，最高不超过50万元");
    assert!(cells[5].contains("金额 转化费用 × 30%"), "{}", cells[5]);
    // The arithmetic with the numbers filled in, then the values used.
    assert_eq!(
        cells[6],
        "1,666,666.67 元 × 30% = 500,000.001 元；上限 500,000 元，已达上限（超出 0.001 元），按上限；金额 500,000 元"
    );
    assert_eq!(cells[7], "转化项目 = 是；来源 = 县内；转化费用 = 1,666,666.67 元 |");
}

#[test]
fn template_out_writes_every_format_and_spares_the_policy() {
    let dir = policy_dir("template-out");
    let policy = dir.join("p.zc");
    let csv = dir.join("模板.csv");
    let r = zhengce(&["template", s(&policy), "--out", s(&csv)]);
    assert_eq!((r.status, r.out.as_str(), r.err.as_str()), (Status::Ok, "", ""));
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        "名称,转化项目,来源,转化费用(元)\n示例,否,县内,0\n"
    );
    let r = zhengce(&["template", s(&policy), "--format", "xlsx", "--error-format", "plain"]);
    assert_eq!(r.status, Status::Usage);
    assert!(r.err.contains("error[ZC0904]"), "{}", r.err);
    let before = std::fs::read(&policy).unwrap();
    let r = zhengce(&["template", s(&policy), "--format", "xlsx", "--out", s(&policy)]);
    assert_eq!(r.status, Status::Usage);
    assert!(r.err.contains("ZC0901"), "{}", r.err);
    assert_eq!(std::fs::read(&policy).unwrap(), before);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn explain_takes_the_sample_data_unless_given_data() {
    let dir = policy_dir("explain-data");
    let policy = dir.join("p.zc");
    let args = ["explain", s(&policy), "--subject", "乙公司", "县内成果转化补助"];
    let r = zhengce(&[&args[..], &["--error-format", "plain"]].concat());
    assert_eq!(r.status, Status::Usage, "{}", r.err);
    assert_eq!(r.out, "");
    assert!(r.err.contains("error[ZC0904]"), "{}", r.err);
    std::fs::copy("tests/eval/zezhou.企业.toml", dir.join("p.企业.toml")).unwrap();
    let sample = zhengce(&args);
    assert_eq!(sample.status, Status::Ok, "{}", sample.err);
    assert!(sample.out.starts_with("县内成果转化补助 = 500,000 元\n"), "{}", sample.out);
    let data = dir.join("p.企业.toml");
    let given = zhengce(&[&args[..], &["--data", s(&data)]].concat());
    same(&sample, &given, "explain with and without --data");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unknown_subject_is_an_error_with_a_suggestion() {
    for format in ["text", "json", "csv"] {
        let r = zhengce(&["eval", ZEZHOU, "--subject", "乙公", "--format", format, "--lang", "en"]);
        assert_eq!(r.status, Status::Errors, "{format}");
        assert_eq!(r.out, "", "{format}");
        assert!(r.err.contains("the data has no subject `乙公`"), "{}", r.err);
        assert!(r.err.contains("did you mean `乙公司`"), "{}", r.err);
    }
}

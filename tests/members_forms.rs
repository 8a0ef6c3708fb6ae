//! The three forms of a member kind's data (`docs/language.md` §6): a file beside the owners'
//! (`member.企业.csv` with `member.合同.csv`), members nested under each owner in TOML or JSON
//! (`[[subjects."合同"]]`), and one long table of owners and members (`member_long.企业.csv`).
//! The same data in each form gives byte-identical reports; each problem particular to a form is
//! its own code at its cell (`ZC0716` to `ZC0719`), and the streamed runner leaves a long table
//! to the in-memory path.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod sim_common;

use serde_json::Value as J;
use sim_common::{TempDir, d, zhengce};
use zhengce::cli::Status;

const POLICY: &str = "tests/members/member.zc";
const BESIDE: &str = "tests/members/member.企业.csv";
const NESTED: &str = "tests/members/member_nested.企业.toml";
const NESTED_JSON: &str = "tests/members/member_nested_json.企业.json";
const LONG: &str = "tests/members/member_long.企业.csv";

fn eval(data: &str, extra: &[&str]) -> String {
    let mut args = vec!["eval", POLICY, "--data", data];
    args.extend_from_slice(extra);
    let (status, out, err) = zhengce(&args);
    assert_eq!(status, Status::Ok, "{data}: {err}");
    out
}

/// The text, JSON and CSV reports of the four files are the same bytes.
#[test]
fn the_three_forms_give_the_same_reports() {
    for format in [&["--lang", "zh"][..], &["--format", "json"], &["--format", "csv"]] {
        let beside = eval(BESIDE, format);
        assert!(beside.contains("甲公司"), "{beside}");
        for other in [NESTED, NESTED_JSON, LONG] {
            assert_eq!(eval(other, format), beside, "{other} {format:?}");
        }
    }
}

fn rule<'j>(j: &'j J, id: &str, name: &str) -> &'j J {
    let s = j["subjects"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap();
    s["rules"].as_array().unwrap().iter().find(|r| r["name"] == name).unwrap()
}

/// From the long table: 甲公司's domestic contracts H1 1,000,000 and H2 2,500,000 元 earn 10%
/// each, 100,000 + 250,000 = 350,000 元 (H3, imported, is left out); 丙公司's one row has its
/// member columns empty: an owner without members, a count of 0.
#[test]
fn figures_from_the_long_table_worked_out_by_hand() {
    for data in [LONG, NESTED] {
        let j: J = serde_json::from_str(&eval(data, &["--format", "json"])).unwrap();
        let num = |v: &J| d(v["number"].as_str().unwrap());
        assert_eq!(num(&rule(&j, "甲公司", "设备补助")["value"]), d("350000"), "{data}");
        assert_eq!(num(&rule(&j, "甲公司", "合同数")["value"]), d("3"), "{data}");
        assert_eq!(num(&rule(&j, "丙公司", "合同数")["value"]), d("0"), "{data}");
        assert_eq!(j["subjects"].as_array().unwrap().len(), 3, "{data}");
    }
}

/// The register runner (`eval --out`) of a long table: the in-memory path's report, not a
/// missing members file.
#[test]
fn a_long_table_written_with_out_goes_the_in_memory_way() {
    let dir = TempDir::new("members-forms-out");
    for format in ["csv", "json"] {
        let a = dir.path(&format!("beside.{format}"));
        let b = dir.path(&format!("long.{format}"));
        for (data, out) in [(BESIDE, &a), (LONG, &b)] {
            let out = out.display().to_string();
            let (status, _, err) =
                zhengce(&["eval", POLICY, "--data", data, "--format", format, "--out", &out]);
            assert_eq!(status, Status::Ok, "{data}: {err}");
        }
        let (a, b) = (std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
        assert!(!a.is_empty());
        assert_eq!(a, b, "{format}");
    }
}

/// The policy with a field of the enterprise's own, `所在区`, in a temporary folder.
fn with_owner_field(dir: &TempDir) -> String {
    let policy = std::fs::read_to_string(POLICY).unwrap().replacen(
        "  企业名称: 文本\n}",
        "  企业名称: 文本\n  所在区: 文本\n}",
        1,
    );
    assert!(policy.contains("所在区"));
    dir.write("m.zc", &policy).display().to_string()
}

/// Runs `eval` on `data` written in `dir` as `name`; the error output, which must fail.
fn fails(dir: &TempDir, policy: &str, name: &str, data: &str) -> String {
    let path = dir.write(name, data).display().to_string();
    let (status, out, err) = zhengce(&["eval", policy, "--data", &path, "--lang", "en"]);
    assert_ne!(status, Status::Ok, "{out}");
    err
}

/// An owner field that differs on a later row of its owner: `ZC0718` at that cell, naming the
/// first row's value.
#[test]
fn owner_fields_that_disagree_are_reported_at_the_cell() {
    let dir = TempDir::new("members-forms-disagree");
    let p = with_owner_field(&dir);
    let err = fails(
        &dir,
        &p,
        "d.企业.csv",
        "企业名称,所在区,合同编号,金额(元),类型\n甲公司,城区,H1,1000000,国产\n甲公司,郊区,H2,5,国产\n",
    );
    assert!(err.contains("ZC0718"), "{err}");
    assert!(err.contains("d.企业.csv:3:5"), "{err}");
    assert!(
        err.contains("`所在区` of 企业 `甲公司` is `郊区` on this row but `城区` on its first row"),
        "{err}"
    );
    assert!(!err.contains("ZC0602"), "no unknown column: {err}");
}

/// An owner id whose rows are not together: `ZC0719` where it comes again.
#[test]
fn owner_rows_apart_are_reported_where_the_id_comes_again() {
    let dir = TempDir::new("members-forms-apart");
    let p = with_owner_field(&dir);
    let err = fails(
        &dir,
        &p,
        "d.企业.csv",
        "企业名称,所在区,合同编号,金额(元),类型\n甲公司,城区,H1,1,国产\n乙公司,城区,H2,2,国产\n甲公司,城区,H3,3,国产\n",
    );
    assert!(err.contains("ZC0719"), "{err}");
    assert!(err.contains("d.企业.csv:4:1"), "{err}");
    assert!(err.contains("the rows of 企业 `甲公司` are not together"), "{err}");
    assert!(!err.contains("ZC0606"), "not a duplicate subject as well: {err}");
}

/// A long table's owner without members, and the same owner with its fields: one row with the
/// member columns empty is an owner with a count of 0.
#[test]
fn an_owner_with_no_members_in_a_long_table() {
    let dir = TempDir::new("members-forms-none");
    let p = with_owner_field(&dir);
    let data = dir
        .write(
            "d.企业.csv",
            "企业名称,所在区,合同编号,金额(元),类型\n甲公司,城区,H1,1000000,国产\n丁公司,郊区,,,\n",
        )
        .display()
        .to_string();
    let (status, out, err) = zhengce(&["eval", &p, "--data", &data, "--format", "json"]);
    assert_eq!(status, Status::Ok, "{err}");
    let j: J = serde_json::from_str(&out).unwrap();
    assert_eq!(rule(&j, "丁公司", "合同数")["value"]["number"], "0");
    assert_eq!(rule(&j, "甲公司", "合同数")["value"]["number"], "1");
    assert_eq!(rule(&j, "甲公司", "设备补助")["value"]["number"], "100000");
}

/// A nested member naming another owner than the one it is written under: `ZC0716` at its cell.
#[test]
fn a_nested_member_naming_another_owner() {
    let dir = TempDir::new("members-forms-differs");
    let err = fails(
        &dir,
        POLICY,
        "d.企业.toml",
        "[[subjects]]\n\"企业名称\" = \"甲公司\"\n\n[[subjects.\"合同\"]]\n\"合同编号\" = \"H1\"\n\"企业名称\" = \"乙公司\"\n\"金额(元)\" = 1\n\"类型\" = \"国产\"\n",
    );
    assert!(err.contains("ZC0716"), "{err}");
    assert!(err.contains("d.企业.toml:6:10"), "{err}");
    assert!(
        err.contains(
            "this 合同 names 企业 `乙公司` as its owner, but is written with 企业 `甲公司`"
        ),
        "{err}"
    );
}

/// Nested members and a members file beside the data: `ZC0717`, neither chosen.
#[test]
fn members_in_two_places_are_refused() {
    let dir = TempDir::new("members-forms-twice");
    dir.write("d.合同.toml", "[[subjects]]\n\"合同编号\" = \"H9\"\n\"企业名称\" = \"甲公司\"\n");
    let err = fails(
        &dir,
        POLICY,
        "d.企业.toml",
        "[[subjects]]\n\"企业名称\" = \"甲公司\"\n\n[[subjects.\"合同\"]]\n\"合同编号\" = \"H1\"\n\"金额(元)\" = 1\n\"类型\" = \"国产\"\n",
    );
    assert!(err.contains("ZC0717"), "{err}");
    assert!(err.contains("d.企业.toml:4:12"), "{err}");
    assert!(err.contains("d.合同.toml"), "{err}");
    // The long table beside a members file, too.
    dir.write("l.合同.csv", "合同编号,企业名称,金额(元),类型\nH9,甲公司,1,国产\n");
    let err =
        fails(&dir, POLICY, "l.企业.csv", "企业名称,合同编号,金额(元),类型\n甲公司,H1,1,国产\n");
    assert!(err.contains("ZC0717"), "{err}");
    assert!(err.contains("l.企业.csv:1:6"), "{err}");
}

/// A list of tables under a key that is no member kind is refused at the key, not ignored.
#[test]
fn a_nested_list_that_is_no_member_kind() {
    let dir = TempDir::new("members-forms-unknown");
    let err = fails(
        &dir,
        POLICY,
        "d.企业.toml",
        "[[subjects]]\n\"企业名称\" = \"甲公司\"\n\n[[subjects.\"专利\"]]\n\"编号\" = \"P1\"\n",
    );
    assert!(err.contains("ZC0607"), "{err}");
    assert!(
        err.contains("`专利` holds a list of tables, but `企业` has no member kind `专利`"),
        "{err}"
    );
    assert!(err.contains("d.企业.toml:4:12"), "{err}");
}

/// A bad member cell in the nested form is reported at its own line and column, as in a
/// members file.
#[test]
fn a_bad_nested_cell_is_reported_where_it_is() {
    let dir = TempDir::new("members-forms-cell");
    let err = fails(
        &dir,
        POLICY,
        "d.企业.toml",
        "[[subjects]]\n\"企业名称\" = \"甲公司\"\n\n[[subjects.\"合同\"]]\n\"合同编号\" = \"H1\"\n\"金额(元)\" = \"很多\"\n\"类型\" = \"国产\"\n",
    );
    assert!(err.contains("ZC0603"), "{err}");
    assert!(err.contains("d.企业.toml:6:11"), "{err}");
}

/// `schema` names an owner kind's member kinds and their forms; the TOML template of an owner
/// kind nests an example member under it, which `eval` reads back.
#[test]
fn schema_and_template_show_the_forms() {
    let (status, out, err) = zhengce(&["schema", POLICY, "--lang", "en"]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(out.contains("  members 合同: `NAME.合同.csv` beside the data; or nested"), "{out}");
    let (status, out, err) = zhengce(&["schema", POLICY, "--format", "json"]);
    assert_eq!(status, Status::Ok, "{err}");
    let j: J = serde_json::from_str(&out).unwrap();
    assert_eq!(j[0]["members"][0]["subject"], "合同");
    assert_eq!(j[0]["members"][0]["forms"][2], "long_table");
    assert!(j[1].get("members").is_none());
    let (status, out, err) = zhengce(&["template", POLICY, "--kind", "企业", "--format", "toml"]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(out.contains("\n[[subjects.\"合同\"]]\n\"合同编号\" = "), "{out}");
    assert!(!out.contains("[[subjects.\"合同\"]]\n\"企业名称\""), "the link is not written: {out}");
    let dir = TempDir::new("members-forms-template");
    let data = dir.write("t.企业.toml", &out).display().to_string();
    let (status, out, err) = zhengce(&["eval", POLICY, "--data", &data, "--format", "json"]);
    assert_eq!(status, Status::Ok, "{err}");
    let j: J = serde_json::from_str(&out).unwrap();
    assert_eq!(rule(&j, "示例", "合同数")["value"]["number"], "1");
}

/// The long table as an Excel workbook (its first sheet, amounts as numbers) and as a Parquet
/// file (amounts `BIGINT`, the empty cells nulls), as exported from a spreadsheet or a
/// database: the same reports as the two CSV files.
#[test]
fn a_long_table_from_a_workbook_or_a_parquet_file() {
    use arrow_array::builder::{Int64Builder, StringBuilder};
    use arrow_array::{ArrayRef, RecordBatch};
    use arrow_schema::{DataType, Field, Schema};
    use std::sync::Arc;

    let dir = TempDir::new("members-long-office");
    let rows = [
        ("甲公司", Some("H1"), Some(1_000_000_i64), Some("国产")),
        ("甲公司", Some("H2"), Some(2_500_000), Some("国产")),
        ("甲公司", Some("H3"), Some(800_000), Some("进口")),
        ("乙公司", Some("H4"), Some(6_000_000), Some("国产")),
        ("丙公司", None, None, None),
    ];
    let header = ["企业名称", "合同编号", "金额(元)", "类型"];

    let xlsx = dir.path("long.企业.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in (0u16..).zip(header) {
        sheet.write_string(0, c, h).unwrap();
    }
    for (r, (owner, id, amount, kind)) in (1u32..).zip(rows) {
        sheet.write_string(r, 0, owner).unwrap();
        if let Some(id) = id {
            sheet.write_string(r, 1, id).unwrap();
        }
        if let Some(a) = amount {
            sheet.write_number(r, 2, a as f64).unwrap();
        }
        if let Some(k) = kind {
            sheet.write_string(r, 3, k).unwrap();
        }
    }
    book.save(&xlsx).unwrap();

    let parquet = dir.path("long.企业.parquet");
    let (mut owners, mut ids, mut amounts, mut kinds) =
        (StringBuilder::new(), StringBuilder::new(), Int64Builder::new(), StringBuilder::new());
    for (owner, id, amount, kind) in rows {
        owners.append_value(owner);
        ids.append_option(id);
        amounts.append_option(amount);
        kinds.append_option(kind);
    }
    let schema = Arc::new(Schema::new(vec![
        Field::new(header[0], DataType::Utf8, false),
        Field::new(header[1], DataType::Utf8, true),
        Field::new(header[2], DataType::Int64, true),
        Field::new(header[3], DataType::Utf8, true),
    ]));
    let arrays: Vec<ArrayRef> = vec![
        Arc::new(owners.finish()),
        Arc::new(ids.finish()),
        Arc::new(amounts.finish()),
        Arc::new(kinds.finish()),
    ];
    let batch = RecordBatch::try_new(Arc::clone(&schema), arrays).unwrap();
    let file = std::fs::File::create(&parquet).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(file, schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();

    for format in [&["--lang", "zh"][..], &["--format", "json"], &["--format", "csv"]] {
        let beside = eval(BESIDE, format);
        for data in [&xlsx, &parquet] {
            let data = data.to_str().unwrap();
            // The report names its data file: the same bytes once the name is the same.
            let got = eval(data, format).replace(data, BESIDE);
            assert_eq!(got, beside, "{data} {format:?}");
        }
    }
    // 甲公司 (100,000 + 250,000 = 350,000 元) from the workbook, by hand.
    let j: J = serde_json::from_str(&eval(xlsx.to_str().unwrap(), &["--format", "json"])).unwrap();
    assert_eq!(rule(&j, "甲公司", "设备补助")["value"]["number"], "350000");
}

//! `zhengce diff`: two versions of a policy on the same register.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod sim_common;

use std::collections::BTreeMap;
use std::fs;

use rust_decimal::Decimal;
use serde_json::Value as J;
use sim_common::{TempDir, d, s, unmarked, zhengce};
use zhengce::cli::Status;

const POOL: &str = "tests/simulate/pool.zc";
const CAP_DATA: &str = "tests/simulate/cap.企业.csv";
const FLAT: &str = "tests/fixtures/zezhou_flat.zc";

fn dec(v: &J) -> Decimal {
    d(v.as_str().unwrap_or_else(|| panic!("not a string: {v}")))
}

/// `pool.zc` with its pool of 100万元 raised to 1000万元, which the claims of the cap tests
/// do not reach: each version's amounts are compared after its own pool's cut, and these tests
/// are about the cap (tests/pools.rs compares amounts cut).
fn unpooled(t: &TempDir) -> String {
    let text = fs::read_to_string(POOL).unwrap();
    assert!(text.contains("资金池 贴息资金池 100万元"));
    let text = text.replace("资金池 贴息资金池 100万元", "资金池 贴息资金池 1000万元");
    let p = t.write("pool.zc", &text);
    s(&p).to_string()
}

/// [`unpooled`] with its 50万元 cap raised to 60万元.
fn raised(t: &TempDir) -> String {
    let text = fs::read_to_string(unpooled(t)).unwrap();
    assert!(text.contains("最高不超过 50万元"));
    let p = t.write("pool60.zc", &text.replace("最高不超过 50万元", "最高不超过 60万元"));
    s(&p).to_string()
}

/// `zhengce gen ARGS --out T/register.csv`: the register's path.
fn generated(t: &TempDir, args: &[&str]) -> std::path::PathBuf {
    let data = t.path("register.csv");
    let mut all = vec!["gen"];
    all.extend(args);
    all.extend(["--out", s(&data)]);
    let (status, _, err) = zhengce(&all);
    assert_eq!(status, Status::Ok, "{err}");
    data
}

fn json(old: &str, new: &str, data: &str) -> J {
    let (status, out, err) = zhengce(&["diff", old, new, "--data", data, "--format", "json"]);
    assert_eq!((status, unmarked(&err).as_str()), (Status::Ok, ""));
    serde_json::from_str(&out).unwrap()
}

/// tests/simulate/cap.企业.csv, 贴息 = 利息 × 50% for 重点企业, capped at 50万元, then 60万元:
///
/// | 企业 | 利息 | 50% | cap 50万 | cap 60万 | change |
/// |---|---:|---:|---:|---:|---:|
/// | 甲 | 1,000,000 | 500,000 (at the old cap) | 500,000 | 500,000 | 0 |
/// | 乙 | 1,200,000 | 600,000 | 500,000 | 600,000 | +100,000 |
/// | 丙 | 1,000,002 | 500,001 | 500,000 | 500,001 | +1 |
/// | 丁 | 200,000, not 重点 | — | 0 | 0 | 0 |
/// | 戊 | 999,998 | 499,999 | 499,999 | 499,999 | 0 |
/// | 己 | 1,500,000, not 重点 | — | 0 | 0 | 0 |
///
/// Totals 1,999,999元 → 2,100,000元: exactly 乙 and 丙, the two above the old cap, gain.
#[test]
fn a_raised_cap_lists_exactly_the_subjects_above_the_old_cap() {
    let t = TempDir::new("diff-cap");
    let new = raised(&t);
    let old = unpooled(&t);
    let r = json(&old, &new, CAP_DATA);
    assert_eq!(r["subjects"], 6);
    assert_eq!(r["changed_subjects"], 2);
    assert_eq!(r["unchanged_subjects"], 4);
    assert_eq!(dec(&r["total"]["before"]), d("1999999"));
    assert_eq!(dec(&r["total"]["after"]), d("2100000"));
    assert_eq!(dec(&r["total"]["delta"]), d("100001"));
    let winners: Vec<(String, Decimal, Decimal, Decimal)> = r["winners"]["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["id"].as_str().unwrap().into(),
                dec(&w["before"]),
                dec(&w["after"]),
                dec(&w["delta"]),
            )
        })
        .collect();
    assert_eq!(
        winners,
        [
            ("乙".to_string(), d("500000"), d("600000"), d("100000")),
            ("丙".to_string(), d("500000"), d("500001"), d("1"))
        ]
    );
    assert_eq!(r["losers"]["count"], 0);
    let change = &r["changes"][1]["rules"][0];
    assert_eq!(change["rule"], "贴息");
    assert_eq!(change["before"]["number"], "500000");
    assert_eq!(change["after"]["number"], "500001");
    assert_eq!(change["delta"]["number"], "1");
    // The new version's pool of 1000万元 against the claims: 1,999,999 → 2,100,000.
    let pool = &r["budget"][0];
    assert_eq!((pool["name"].as_str(), pool["kind"].as_str()), (Some("贴息资金池"), Some("pool")));
    assert_eq!(
        (dec(&pool["amount"]), dec(&pool["before"]), dec(&pool["after"])),
        (d("10000000"), d("1999999"), d("2100000"))
    );
}

#[test]
fn reports_in_every_format() {
    let t = TempDir::new("diff-formats");
    let new = raised(&t);
    let old = unpooled(&t);
    for (name, args) in [
        ("cap_text_zh", vec!["--lang", "zh"]),
        ("cap_text_en", vec!["--lang", "en"]),
        ("cap_markdown", vec!["--lang", "zh", "--format", "markdown"]),
        ("cap_json", vec!["--format", "json"]),
    ] {
        let mut all = vec!["diff", old.as_str(), new.as_str(), "--data", CAP_DATA];
        all.extend(args);
        let (status, out, err) = zhengce(&all);
        assert_eq!((status, unmarked(&err).as_str()), (Status::Ok, ""));
        let out = out.replace(new.as_str(), "NEW/pool60.zc").replace(old.as_str(), POOL);
        insta::assert_snapshot!(name, out);
    }
    let book = t.path("对比.xlsx");
    let (status, _, err) =
        zhengce(&["diff", &old, &new, "--data", CAP_DATA, "--format", "xlsx", "--out", s(&book)]);
    assert_eq!((status, unmarked(&err).as_str()), (Status::Ok, ""));
    use calamine::{Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(&book).unwrap();
    assert_eq!(wb.sheet_names(), ["合计", "变化", "其他变化", "预算"]);
    let totals = wb.worksheet_range("合计").unwrap();
    assert_eq!(totals.get_value((1, 3)).unwrap().to_string(), "100001");
    // The amounts of 变化 are numbers, never a text such as `183,000.177 元`: a leader's SUM()
    // adds them all.
    let changes = wb.worksheet_range("变化").unwrap();
    let mut numbers = 0;
    for row in changes.rows().skip(1) {
        for c in &row[2..] {
            match c {
                calamine::Data::Float(_) | calamine::Data::Int(_) => numbers += 1,
                calamine::Data::Empty => {}
                other => assert_eq!(other.to_string(), "缺数据", "{row:?}"),
            }
        }
    }
    assert!(numbers > 0);
}

/// The register benchmark's policy against a copy with the county transfer cap raised from
/// 50万元 to 80万元, on a generated register: the subjects that change are exactly those with
/// a county transfer whose 30% is above 50万元 (a cost above 1,666,666.67元), and each gains
/// min(30% × cost, 80万元) − 50万元.
#[test]
fn on_a_generated_register_exactly_the_subjects_above_the_old_cap_change() {
    let t = TempDir::new("diff-register");
    let data = generated(&t, &["benches/register.zc", "--rows", "3000", "--seed", "11"]);
    let text = fs::read_to_string("benches/register.zc").unwrap();
    let old_cap = "最小(transfer_cost_yuan × 30%, 50万元)";
    assert_eq!(text.matches(old_cap).count(), 1);
    let new =
        t.write("raised.zc", &text.replace(old_cap, "最小(transfer_cost_yuan × 30%, 80万元)"));

    // Expected from the register itself.
    let csv = fs::read_to_string(&data).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| h.starts_with(name)).unwrap();
    let (id, cost, origin) = (col("id"), col("transfer_cost_yuan"), col("transfer_origin"));
    let mut expected: BTreeMap<String, Decimal> = BTreeMap::new();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let c = d(cells[cost]) * d("0.3");
        if cells[origin] == "county" && c > d("500000") {
            expected.insert(cells[id].to_string(), c.min(d("800000")) - d("500000"));
        }
    }
    // A county's register: about one cost in eighty is above 100万元 (17 of these 3,000).
    assert!(
        expected.len() > 10,
        "the register should have subjects above the cap: {}",
        expected.len()
    );

    let r = json("benches/register.zc", s(&new), s(&data));
    let got: BTreeMap<String, Decimal> = r["winners"]["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["id"].as_str().unwrap().to_string(), dec(&w["delta"])))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(r["changed_subjects"].as_u64().unwrap(), expected.len() as u64);
    assert_eq!(r["losers"]["count"], 0);
    assert_eq!(dec(&r["total"]["delta"]), expected.values().sum::<Decimal>());
    // Each changed subject: the named value tech_transfer and the award total.
    for c in r["changes"].as_array().unwrap() {
        let rules: Vec<&str> =
            c["rules"].as_array().unwrap().iter().map(|x| x["rule"].as_str().unwrap()).collect();
        assert_eq!(rules, ["tech_transfer", "total"]);
    }
}

#[test]
fn versions_with_different_fields_cannot_be_compared() {
    let t = TempDir::new("diff-schema");
    let text = fs::read_to_string(POOL).unwrap();
    let changed = text
        .replace("  利息: 元\n", "  利息: 元 按年\n")
        .replace("  重点企业: 是否\n", "  重点企业: 是否\n  规上: 是否\n");
    let new = t.write("new.zc", &changed);
    let (status, out, err) = zhengce(&[
        "--lang",
        "en",
        "--error-format",
        "plain",
        "diff",
        POOL,
        s(&new),
        "--data",
        CAP_DATA,
    ]);
    assert_eq!(status, Status::Usage);
    assert_eq!(out, "");
    assert_eq!(err.matches("error[ZC0908]").count(), 2, "{err}");
    assert!(
        err.contains("the field `利息` differs between the versions: `元` and `元 按年`"),
        "{err}"
    );
    assert!(
        err.contains("the field `规上` is not in subject `企业` of `tests/simulate/pool.zc`"),
        "{err}"
    );
    // A subject kind only one version declares.
    let other = t.write(
        "other.zc",
        &text.replace("主体 企业", "主体 公司").replace("对于 企业", "对于 公司"),
    );
    let (status, _, err) = zhengce(&[
        "--lang",
        "en",
        "--error-format",
        "plain",
        "diff",
        POOL,
        s(&other),
        "--data",
        CAP_DATA,
        "--kind",
        "企业",
    ]);
    assert_eq!(status, Status::Usage);
    assert!(err.contains("error[ZC0908]") && err.contains("declares no subject `企业`"), "{err}");
}

#[test]
fn the_subject_kind_must_be_known() {
    let t = TempDir::new("diff-kind");
    // A header that fits none of zezhou's kinds (企业名称 alone would fit 企业).
    let data = t.write("register.csv", "单位名称\n甲\n");
    let (status, _, err) = zhengce(&[
        "--lang",
        "en",
        "--error-format",
        "plain",
        "diff",
        "policies/zezhou.zc",
        "policies/zezhou.zc",
        "--data",
        s(&data),
    ]);
    assert_eq!(status, Status::Errors);
    assert!(err.contains("cannot tell which subject kind"), "{err}");
    // The same policy twice: nothing changes.
    let r = json("policies/zezhou.zc", "policies/zezhou.zc", "policies/zezhou.企业.toml");
    assert_eq!(r["changed_subjects"], 0);
    assert_eq!(r["total"]["delta"], "0");
}

/// A CSV register is streamed through both versions, block by block, compiled where they
/// compile; the same rows in a workbook are loaded and interpreted. Both give the same
/// comparison: every changed subject in input order, the totals, the winners. On the frozen flat
/// copy of zezhou, where 二(二)6's rate is applied on 企业 itself (the bundled policy now pays it
/// per member project, which a generated register of 企业 does not hold).
#[test]
fn a_streamed_register_gives_the_comparison_of_the_loaded_one() {
    let t = TempDir::new("diff-streamed");
    let data = generated(&t, &[FLAT, "--kind", "企业", "--rows", "3000", "--seed", "7"]);
    let text = fs::read_to_string(FLAT).unwrap();
    let rate = "金额 转化实际发生费用 × 30%";
    assert_eq!(text.matches(rate).count(), 1);
    let new = t.write("zezhou40.zc", &text.replace(rate, "金额 转化实际发生费用 × 40%"));
    // The same rows, every cell as written, in a workbook.
    let csv = fs::read_to_string(&data).unwrap();
    let book = t.path("register.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, line) in csv.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            if !cell.is_empty() {
                ws.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    wb.save(&book).unwrap();
    // Both take their parameters from the command line: the file `gen` writes beside the CSV
    // register (which the workbook has no 参数 sheet for) is removed.
    fs::remove_file(t.path("register.参数.csv")).unwrap();
    let params = [
        "--param",
        "市级专精特新奖励额=3万元",
        "--param",
        "省级小巨人奖励额=5万元",
        "--param",
        "国家级小巨人奖励额=5万元",
        "--param",
        "高新奖励=5万元",
    ];
    let run = |data: &str| {
        let mut args = vec!["diff", FLAT, s(&new), "--data", data, "--kind", "企业"];
        args.extend(["--format", "json", "--year", "2024"]);
        args.extend(params);
        let (status, out, err) = zhengce(&args);
        assert_eq!((status, unmarked(&err).as_str()), (Status::Ok, ""));
        let mut j: J = serde_json::from_str(&out).unwrap();
        j.as_object_mut().unwrap().remove("data");
        j
    };
    let (streamed, loaded) = (run(s(&data)), run(s(&book)));
    assert_eq!(streamed, loaded);
    // 转化全县科技成果的 30% → 40%, capped at 50万元: each gain is hand-computed from the rows.
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| h.starts_with(name)).unwrap();
    let (id, ok, from, cost) =
        (col("企业名称"), col("转化项目符合条件"), col("转化成果来源"), col("转化实际发生费用"));
    let mut expected: BTreeMap<String, Decimal> = BTreeMap::new();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        if cells[ok] == "是" && cells[from] == "全县" && !cells[cost].is_empty() {
            let c = d(cells[cost]);
            let (before, after) =
                ((c * d("0.3")).min(d("500000")), (c * d("0.4")).min(d("500000")));
            if after != before {
                expected.insert(cells[id].to_string(), after - before);
            }
        }
    }
    assert!(expected.len() > 10, "{}", expected.len());
    let got: BTreeMap<String, Decimal> = streamed["winners"]["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["id"].as_str().unwrap().to_string(), dec(&w["delta"])))
        .collect();
    assert_eq!(got, expected);
}

/// The text and JSON reports, written to a file as they are made, are the bytes printed; a
/// report is never written over an input.
#[test]
fn a_report_written_to_a_file_is_the_one_printed() {
    let t = TempDir::new("diff-out");
    let new = raised(&t);
    for format in ["text", "json"] {
        let args = ["diff", POOL, new.as_str(), "--data", CAP_DATA, "--format", format];
        let (status, printed, err) = zhengce(&args);
        assert_eq!((status, unmarked(&err).as_str()), (Status::Ok, ""));
        let file = t.path(&format!("对比.{format}"));
        let mut to_file = args.to_vec();
        to_file.extend(["--out", s(&file)]);
        let (status, out, err) = zhengce(&to_file);
        assert_eq!((status, out.as_str(), unmarked(&err).as_str()), (Status::Ok, "", ""));
        assert_eq!(fs::read_to_string(&file).unwrap(), printed, "{format}");
        assert!(printed.contains("100,001") || printed.contains("100001"), "{printed}");
    }
    let data = t.write("cap.企业.csv", &fs::read_to_string(CAP_DATA).unwrap());
    let before = fs::read(&data).unwrap();
    let (status, _, err) =
        zhengce(&["diff", POOL, &new, "--data", s(&data), "--format", "json", "--out", s(&data)]);
    assert_eq!(status, Status::Usage, "{err}");
    assert_eq!(fs::read(&data).unwrap(), before, "the data file was overwritten");
}

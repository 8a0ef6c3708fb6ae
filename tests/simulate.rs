//! `zhengce simulate`: totals, recipients, exact quantiles, the histogram, budget lines and the
//! pro-rata cut of a pool, end to end.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod sim_common;

use std::fs;

use rust_decimal::Decimal;
use serde_json::Value as J;
use sim_common::{TempDir, d, s, unmarked, zhengce};
use zhengce::cli::Status;

const POOL: &str = "tests/simulate/pool.zc";
const POOL_DATA: &str = "tests/simulate/pool.企业.csv";

fn json(args: &[&str]) -> J {
    let mut all = vec!["simulate"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let (status, out, err) = zhengce(&all);
    assert_eq!((status, unmarked(&err).as_str()), (Status::Ok, ""), "{args:?}");
    serde_json::from_str(&out).unwrap()
}

fn dec(v: &J) -> Decimal {
    d(v.as_str().unwrap_or_else(|| panic!("not a string: {v}")))
}

/// The register of tests/simulate/pool.企业.csv, worked out by hand:
///
/// | 企业 | 利息 | 重点企业 | 贴息 = 利息 × 50%, ≤ 50万元 | × 0.8, down to 0.01元 |
/// |---|---:|---|---:|---:|
/// | 甲 | 1,000,000 | 是 | 500,000 (capped) | 400,000 |
/// | 乙 | 700,000 | 是 | 350,000 | 280,000 |
/// | 丙 | 333,333.34 | 是 | 166,666.67 | 133,333.336 → 133,333.33 |
/// | 丁 | 200,000 | 否 | 0 | 0 |
/// | 戊 | 466,666.66 | 是 | 233,333.33 | 186,666.664 → 186,666.66 |
///
/// Claims 1,250,000元 on a pool of 1,000,000元: ratio 0.8; paid 999,999.99元, 0.01元 left.
#[test]
fn totals_quantiles_and_the_pro_rata_cut_by_hand() {
    let r = json(&[POOL, "--data", POOL_DATA]);
    assert_eq!(r["subjects"], 5);
    assert_eq!(r["recipients"], 4);
    assert_eq!(dec(&r["total"]), d("1250000"));
    let award = &r["awards"][0];
    assert_eq!(award["award"], "贴息");
    assert_eq!(dec(&award["total"]), d("1250000"));
    assert_eq!(award["recipients"], 4);
    assert_eq!(dec(&award["after_cut"]), d("999999.99"));

    // What each recipient receives is after the cut (the complaint: the amounts before
    // it were shown). Nearest rank among the four recipients 133,333.33 < 186,666.66 < 280,000
    // < 400,000: P10 and P25 rank 1, P50 rank 2, P75 rank 3, P90 rank ⌈3.6⌉ = 4, P99 rank 4.
    assert_eq!(dec(&r["paid_after_cut"]), d("999999.99"));
    let dist = &r["distribution"];
    assert_eq!(dec(&dist["min"]), d("133333.33"));
    assert_eq!(dec(&dist["max"]), d("400000"));
    let q: Vec<(String, Decimal)> = dist["quantiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            assert_eq!(q["exact"], true);
            (q["name"].as_str().unwrap().to_string(), dec(&q["value"]))
        })
        .collect();
    let want = [
        ("P10", "133333.33"),
        ("P25", "133333.33"),
        ("P50", "186666.66"),
        ("P75", "280000"),
        ("P90", "400000"),
        ("P99", "400000"),
    ];
    assert_eq!(q, want.map(|(n, v)| (n.to_string(), d(v))));
    // Bands: [10万, 20万) holds 133,333.33 and 186,666.66; [20万, 50万) 280,000 and 400,000.
    let h: Vec<(Decimal, u64)> = dist["histogram"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (dec(&b["from"]), b["recipients"].as_u64().unwrap()))
        .collect();
    assert_eq!(h, [(d("100000"), 2), (d("200000"), 2)]);

    let pool = &r["pools"][0];
    assert_eq!(pool["pool"], "贴息资金池");
    assert_eq!(dec(&pool["total"]), d("1000000"));
    assert_eq!(dec(&pool["claims"]), d("1250000"));
    assert_eq!(dec(&pool["prorata_step"]), d("0.01"));
    let cut = &pool["cut"];
    assert_eq!(cut["ratio"], "0.8");
    assert_eq!(cut["ratio_exact"], true);
    // 400,000 + 280,000 + 133,333.33 + 186,666.66
    assert_eq!(dec(&cut["paid"]), d("999999.99"));
    // 1,000,000 − 999,999.99: what the rounding down leaves.
    assert_eq!(dec(&cut["remainder"]), d("0.01"));
    assert_eq!(cut["subjects"], 4);

    // The budget line 省级资金.融资 (60万元) pays 贴息; the whole budget 省级资金 400万元.
    let lines: Vec<(String, Decimal, Decimal)> = r["budget_lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["line"].as_str().unwrap().to_string(), dec(&l["amount"]), dec(&l["claims"])))
        .collect();
    assert_eq!(
        lines,
        [
            ("省级资金".to_string(), d("4000000"), d("1250000")),
            ("省级资金.融资".to_string(), d("600000"), d("1250000"))
        ]
    );
    // A cut needs the pool's claims first: a second pass.
    assert_eq!(r["passes"], 2);
}

#[test]
fn a_ratio_that_does_not_end_is_applied_exactly() {
    // Without 甲, the claims are 350,000 + 166,666.67 + 233,333.33 = 750,000; 乙 alone on a pool
    // of 1,000,000 is not cut. Take 甲 and 乙 at 1,000,000 + 700,000 and 丙 at 333,333.34:
    // claims 500,000 + 350,000 + 166,666.67 = 1,016,666.67, ratio 1,000,000 / 1,016,666.67.
    let t = TempDir::new("sim-ratio");
    let data = t.write(
        "r.企业.csv",
        "名称,利息(元),重点企业\n甲,1000000,是\n乙,700000,是\n丙,333333.34,是\n",
    );
    let policy = t.write("r.zc", &fs::read_to_string(POOL).unwrap());
    let r = json(&[s(&policy), "--data", s(&data)]);
    let cut = &r["pools"][0]["cut"];
    assert_eq!(cut["ratio_exact"], false);
    // 500,000 × 100,000,000 / 101,666,667 = 491,803.27…  → 491,803.27
    // 350,000 × 100,000,000 / 101,666,667 = 344,262.29…  → 344,262.29
    // 166,666.67 × 100,000,000 / 101,666,667 = 163,934.43…  → 163,934.42 (exactly 163,934.4263…)
    // Worked out with integers: 50,000,000,000,000,000 ÷ 101,666,667 = 491,803,277.4… (in 0.01元).
    assert_eq!(dec(&cut["paid"]), d("491803.27") + d("344262.29") + d("163934.42"));
    assert_eq!(dec(&r["awards"][0]["after_cut"]), dec(&cut["paid"]));
}

#[test]
fn reports_in_every_format() {
    let (status, text, err) = zhengce(&["--lang", "zh", "simulate", POOL, "--data", POOL_DATA]);
    assert_eq!((status, unmarked(&err).as_str()), (Status::Ok, ""));
    insta::assert_snapshot!("pool_text_zh", text);
    let (_, text, _) = zhengce(&["--lang", "en", "simulate", POOL, "--data", POOL_DATA]);
    insta::assert_snapshot!("pool_text_en", text);
    let (_, md, _) =
        zhengce(&["--lang", "zh", "simulate", POOL, "--data", POOL_DATA, "--format", "markdown"]);
    insta::assert_snapshot!("pool_markdown", md);
    let (_, js, _) = zhengce(&["simulate", POOL, "--data", POOL_DATA, "--format", "json"]);
    insta::assert_snapshot!("pool_json", js);

    let t = TempDir::new("sim-formats");
    let book = t.path("测算.xlsx");
    let (status, out, err) =
        zhengce(&["simulate", POOL, "--data", POOL_DATA, "--format", "xlsx", "--out", s(&book)]);
    assert_eq!((status, out.as_str(), err.as_str()), (Status::Ok, "", ""));
    use calamine::{Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(&book).unwrap();
    assert_eq!(wb.sheet_names(), ["奖励", "分布", "资金"]);
    let awards = wb.worksheet_range("奖励").unwrap();
    assert_eq!(awards.get_value((1, 0)).unwrap().to_string(), "贴息");
    assert_eq!(awards.get_value((1, 1)).unwrap().to_string(), "1250000");
    assert_eq!(awards.get_value((1, 4)).unwrap().to_string(), "999999.99");

    let (status, _, err) =
        zhengce(&["--lang", "en", "simulate", POOL, "--data", POOL_DATA, "--format", "xlsx"]);
    assert_eq!(status, Status::Usage);
    assert!(err.contains("ZC0904") && err.contains("needs `--out FILE.xlsx`"), "{err}");
}

#[test]
fn charts_are_self_contained_and_deterministic() {
    let t = TempDir::new("sim-chart");
    let svg = t.path("分布.svg");
    let html = t.path("分布.html");
    for _ in 0..2 {
        let (status, _, err) =
            zhengce(&["simulate", POOL, "--data", POOL_DATA, "--chart", s(&svg)]);
        assert_eq!((status, unmarked(&err).as_str()), (Status::Ok, ""));
    }
    let picture = fs::read_to_string(&svg).unwrap();
    assert!(picture.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(picture.contains("20万–50万元") && picture.contains("1,250,000 元"));
    assert!(!picture.contains("http://") || picture.matches("http://").count() == 1);
    insta::assert_snapshot!("pool_chart_svg", picture);
    let (status, _, _) = zhengce(&["simulate", POOL, "--data", POOL_DATA, "--chart", s(&html)]);
    assert_eq!(status, Status::Ok);
    let page = fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains(&picture));
    assert!(!page.contains("<script") && !page.contains("src="));

    let (status, _, err) = zhengce(&[
        "--lang",
        "en",
        "simulate",
        POOL,
        "--data",
        POOL_DATA,
        "--chart",
        s(&t.path("a.png")),
    ]);
    assert_eq!(status, Status::Usage);
    assert!(err.contains("ZC0904") && err.contains("`.svg` or `.html`"), "{err}");
    // Never over an input.
    let (status, _, _) = zhengce(&["simulate", POOL, "--data", POOL_DATA, "--chart", POOL_DATA]);
    assert_eq!(status, Status::Usage);
    assert!(fs::read_to_string(POOL_DATA).unwrap().starts_with("名称,利息(元)"));
}

/// The per-subject amounts from `eval --format json`, for one award.
fn amounts(policy: &str, data: &str, award: &str) -> Vec<Decimal> {
    let (status, out, err) = zhengce(&["eval", policy, "--data", data, "--format", "json"]);
    assert_eq!((status, unmarked(&err).as_str()), (Status::Ok, ""));
    let r: J = serde_json::from_str(&out).unwrap();
    r["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|sub| {
            let rule =
                sub["rules"].as_array().unwrap().iter().find(|x| x["name"] == award).unwrap();
            d(rule["value"]["number"].as_str().unwrap())
        })
        .collect()
}

#[test]
fn quantiles_narrowed_over_several_passes_match_sorting() {
    let t = TempDir::new("sim-passes");
    let data = t.path("register.csv");
    let (status, _, err) = zhengce(&[
        "gen",
        "benches/register.zc",
        "--rows",
        "3000",
        "--seed",
        "5",
        "--out",
        s(&data),
    ]);
    assert_eq!(status, Status::Ok, "{err}");
    let mut paid: Vec<Decimal> = amounts("benches/register.zc", s(&data), "total")
        .into_iter()
        .filter(|a| *a > Decimal::ZERO)
        .collect();
    paid.sort();
    let n = paid.len() as u64;
    let nearest = |num: u64| paid[((n * num).div_ceil(100).max(1) - 1) as usize];
    for bound in ["100000", "40", "3"] {
        let r = json(&["benches/register.zc", "--data", s(&data), "--distinct-bound", bound]);
        assert_eq!(r["recipients"].as_u64().unwrap(), n);
        assert_eq!(dec(&r["total"]), paid.iter().sum::<Decimal>());
        let q = r["distribution"]["quantiles"].as_array().unwrap();
        for (x, num) in q.iter().zip([10, 25, 50, 75, 90, 99]) {
            assert_eq!(x["exact"], true, "bound {bound}");
            assert_eq!(dec(&x["value"]), nearest(num), "bound {bound}, P{num}");
        }
        let passes = r["passes"].as_u64().unwrap();
        if bound == "100000" {
            assert_eq!(passes, 1);
        } else {
            assert!(passes > 1, "bound {bound}: {passes}");
        }
    }
}

#[test]
fn a_bundled_policy_totals_match_eval() {
    // 转化企业 (二(二)6, its projects read with it): 科技成果转化补助 summed over members.
    for data in ["policies/zezhou.企业.toml", "policies/zezhou.转化企业.toml"] {
        totals_match_eval(data);
    }
    let data = "policies/zezhou.企业.toml";
    let (_, text, _) = zhengce(&["--lang", "zh", "simulate", "policies/zezhou.zc", "--data", data]);
    insta::assert_snapshot!("zezhou_text", text);
}

fn totals_match_eval(data: &str) {
    let (status, out, err) =
        zhengce(&["eval", "policies/zezhou.zc", "--data", data, "--format", "json"]);
    assert_eq!((status, unmarked(&err).as_str()), (Status::Ok, ""));
    let e: J = serde_json::from_str(&out).unwrap();
    let r = json(&["policies/zezhou.zc", "--data", data]);
    let sim: Vec<(String, Decimal, u64)> = r["awards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["award"].as_str().unwrap().into(),
                dec(&a["total"]),
                a["recipients"].as_u64().unwrap(),
            )
        })
        .collect();
    let ev: Vec<(String, Decimal, u64)> = e["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["award"].as_str().unwrap().into(),
                d(t["total"]["number"].as_str().unwrap()),
                t["recipients"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(!sim.is_empty(), "{data}");
    assert_eq!(sim, ev, "{data}");
}

#[test]
fn a_register_where_nobody_receives_anything() {
    let t = TempDir::new("sim-none");
    let data = t.write("n.企业.csv", "名称,利息(元),重点企业\n甲,1000000,否\n乙,0,是\n");
    let r = json(&[POOL, "--data", s(&data)]);
    assert_eq!((r["subjects"].as_u64(), r["recipients"].as_u64()), (Some(2), Some(0)));
    assert_eq!(dec(&r["total"]), d("0"));
    assert_eq!(r["distribution"]["quantiles"], J::Array(Vec::new()));
    assert_eq!(r["distribution"]["min"], J::Null);
    assert_eq!(r["pools"][0]["cut"], J::Null);
    let (status, text, _) = zhengce(&["--lang", "en", "simulate", POOL, "--data", s(&data)]);
    assert_eq!(status, Status::Ok);
    assert!(text.contains("(no recipients)"), "{text}");
}

const REGISTER_HEADER: &str = "id,transfer_cost_yuan,transfer_origin,loan_interest_yuan,key_enterprise,incubator_area_m2,incubator_level,high_tech_first_certified_last_year\n";

/// A CSV register with ids in increasing order is streamed (the runner takes it), and gives what
/// the same subjects loaded in memory give (ids in decreasing order, which only the whole file
/// can show to be unique, are loaded). The first three rows by hand, benches/register.zc:
/// - 0001: county 1,000,000 × 30% = 300,000 (under the 50万 cap) → 300,000
/// - 0002: external 2,000,000 × 20% = 400,000 → capped 300,000; key enterprise 2,000,000 × 50% =
///   1,000,000 → capped 500,000; provincial 1,000㎡ × (20 + 10) = 30,000; high-tech 150,000
///   → 980,000
/// - 0003: nothing qualifies → 0
#[test]
fn a_csv_register_is_streamed_and_agrees_with_loading_it() {
    let t = TempDir::new("streamed");
    let mut rows = vec![
        "0001,1000000.00,county,0.00,false,0,none,false".to_string(),
        "0002,2000000.00,external,2000000.00,true,1000,provincial,true".to_string(),
        "0003,0.00,county,100.00,false,500,none,false".to_string(),
    ];
    let small = t.write("small.csv", &format!("{REGISTER_HEADER}{}\n", rows.join("\n")));
    let r = json(&["benches/register.zc", "--data", s(&small)]);
    assert_eq!(r["subjects"], 3);
    assert_eq!(r["recipients"], 2);
    assert_eq!(dec(&r["total"]), d("1280000"));

    let levels = ["none", "municipal", "provincial", "national"];
    for i in 4..=2500u32 {
        rows.push(format!(
            "{i:04},{}.{:02},{},{}.{:02},{},{},{},{}",
            (i * 7919) % 3_000_000,
            i % 100,
            if i % 3 == 0 { "external" } else { "county" },
            (i * 104_729) % 1_500_000,
            (i * 13) % 100,
            i % 7 == 0,
            (i * 37) % 20_000,
            levels[(i % 4) as usize],
            i % 25 == 0,
        ));
    }
    let up = t.write("up.csv", &format!("{REGISTER_HEADER}{}\n", rows.join("\n")));
    rows.reverse();
    let down = t.write("down.csv", &format!("{REGISTER_HEADER}{}\n", rows.join("\n")));

    let policy = fs::read_to_string("benches/register.zc").unwrap();
    let source = zhengce::source::SourceFile::new("benches/register.zc", policy);
    let (parsed, _) = zhengce::parser::parse(&source);
    let parsed = parsed.unwrap();
    let (checked, _) = zhengce::checker::check(&parsed);
    let opts = || zhengce::register::RunOptions { threads: 2, ..Default::default() };
    let prepare = |path| {
        zhengce::simulate::Streamed::prepare(&parsed, &checked, "enterprise", path, opts(), false)
    };
    assert!(prepare(&up).is_ok(), "an increasing register is streamed");
    assert!(
        matches!(prepare(&down), Err(zhengce::register::Failure::NotStreamable(_))),
        "a decreasing register is loaded"
    );

    let streamed = json(&["benches/register.zc", "--data", s(&up)]);
    let loaded = json(&["benches/register.zc", "--data", s(&down)]);
    assert_eq!(streamed["subjects"], 2500);
    for key in ["subjects", "recipients", "total", "awards", "distribution", "pools"] {
        assert!(!streamed[key].is_null(), "{key}");
        assert_eq!(streamed[key], loaded[key], "{key}");
    }
}

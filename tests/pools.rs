//! Pools (`资金池 … 按比例核减`) applied by `eval` in every format, `explain` and test files,
//! checked against figures worked out by hand; the totals of `eval` count only what is paid
//! (the lower side of `就高不重复` is not); and, over random registers, a pool's cut never pays
//! more than the pool, rounds every amount down to the step, and leaves paid + remainder = pool.
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

use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value as J;
use sim_common::{TempDir, d, s, zhengce};
use zhengce::cli::Status;
use zhengce::eval::pool::{PoolSpec, figures};
use zhengce::simulate::pools::cut;

const POLICY: &str = "tests/pools/pool.zc";
const DATA: &str = "tests/pools/pool.企业.csv";

fn num(v: &J) -> Decimal {
    d(v["number"].as_str().unwrap())
}

/// 30 subjects × 2,000,000 元 = 60,000,000 元 claimed on a 50,000,000 元 pool: the ratio is 5/6,
/// each subject gets 2,000,000 × 5/6 = 1,666,666.666… rounded down to 1,666,666.66 元, 30 × that
/// = 49,999,999.80 元 is paid and 0.20 元 is left by the rounding.
#[test]
fn the_issue_figures_in_the_json_report() {
    let (status, out, err) = zhengce(&["eval", POLICY, "--data", DATA, "--format", "json"]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(err.contains("ZC0720"), "{err}");
    let j: J = serde_json::from_str(&out).unwrap();
    assert_eq!(j["schema_version"], 5);
    let p = &j["pools"][0];
    assert_eq!(p["pool"], "区级专项资金");
    assert_eq!(num(&p["total"]), d("50000000"));
    assert_eq!(num(&p["claims"]), d("60000000"));
    assert_eq!(p["cut"], true);
    assert_eq!(p["ratio_exact"], false);
    assert!(p["ratio"].as_str().unwrap().starts_with("0.83333333333"));
    assert_eq!(num(&p["paid"]), d("49999999.80"));
    assert_eq!(num(&p["remainder"]), d("0.20"));
    assert_eq!(num(&p["paid"]) + num(&p["remainder"]), num(&p["total"]));
    assert_eq!(p["subjects_cut"], 30);
    let subjects = j["subjects"].as_array().unwrap();
    assert_eq!(subjects.len(), 30);
    for subject in subjects {
        let rule = &subject["rules"][0];
        assert_eq!(num(&rule["value"]), d("1666666.66"));
        assert_eq!(num(&rule["detail"]["amount"]), d("1666666.66"));
        assert_eq!(num(&rule["detail"]["pool"]["claimed"]), d("2000000"));
        assert_eq!(rule["detail"]["pool"]["pool"], "区级专项资金");
    }
    // The totals are what is paid, after the cut.
    assert_eq!(num(&j["totals"][0]["total"]), d("49999999.8"));
}

#[test]
fn the_text_report_and_the_note_give_the_pool() {
    let (status, out, err) =
        zhengce(&["--lang", "en", "--error-format", "plain", "eval", POLICY, "--data", DATA]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(out.contains("  subsidy 设备补助: 1,666,666.66 yuan  § 一\n"), "{out}");
    assert!(out.contains("pool 区级专项资金: claimed 2,000,000 yuan, cut by the ratio ≈ 0.8333333333 (50,000,000 ÷ 60,000,000)\n"), "{out}");
    assert!(out.contains("  设备补助: 49,999,999.8 yuan to 30 subjects\n"), "{out}");
    assert!(out.contains("== pools\n  区级专项资金: pool 50,000,000 yuan; claims 60,000,000 yuan; cut by the ratio ≈ 0.8333333333 (50,000,000 ÷ 60,000,000), rounded down to 0.01 yuan; paid 49,999,999.8 yuan; left unpaid by rounding 0.2 yuan; 30 subjects cut\n"), "{out}");
    assert!(err.contains("note[ZC0720]: the claims on pool `区级专项资金`, 60,000,000 元, exceed its 50,000,000 元 and are cut in proportion"), "{err}");
}

/// The CSV report, in memory and into `--out` (a register with a pool is not streamed: the cut
/// needs every claim), gives the amounts after the cut and the claims after them.
#[test]
fn the_csv_report_gives_amounts_after_the_cut_and_the_claims() {
    let t = TempDir::new("pools-csv");
    let out = t.path("o.csv");
    let (status, shown, err) = zhengce(&["eval", POLICY, "--data", DATA, "--format", "csv"]);
    assert_eq!(status, Status::Ok, "{err}");
    let (status, _, err) =
        zhengce(&["eval", POLICY, "--data", DATA, "--format", "csv", "--out", s(&out)]);
    assert_eq!(status, Status::Ok, "{err}");
    let written = fs::read_to_string(&out).unwrap();
    assert_eq!(shown, written);
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(lines[0], "企业名称,设备补助,合计,设备补助（申领）");
    assert_eq!(lines[1], "企业00,1666666.66,1666666.66,2000000");
    assert_eq!(lines[31], "合计,49999999.8,49999999.8,60000000");
    assert_eq!(lines.len(), 32);
}

/// One subject (`--subject`, `explain`) is still cut by the claims of the whole register.
#[test]
fn one_subject_is_cut_by_the_whole_register() {
    let (status, out, err) =
        zhengce(&["eval", POLICY, "--data", DATA, "--subject", "企业05", "--format", "json"]);
    assert_eq!(status, Status::Ok, "{err}");
    let j: J = serde_json::from_str(&out).unwrap();
    assert_eq!(j["subjects"].as_array().unwrap().len(), 1);
    assert_eq!(num(&j["subjects"][0]["rules"][0]["value"]), d("1666666.66"));
    assert_eq!(num(&j["pools"][0]["paid"]), d("49999999.8"));
    let (status, out, err) = zhengce(&[
        "--lang",
        "en",
        "explain",
        POLICY,
        "--data",
        DATA,
        "--subject",
        "企业05",
        "设备补助",
    ]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(
        out.contains("pool 区级专项资金: claimed 2,000,000 yuan, cut by the ratio ≈ 0.8333333333"),
        "{out}"
    );
    assert!(out.contains("after the cut: 1,666,666.66 yuan"), "{out}");
}

/// A test file states the pool's figures and a subject's claim; a wrong one fails.
#[test]
fn a_test_file_states_pool_expectations() {
    let (status, out, err) = zhengce(&["test", POLICY]);
    assert_eq!(status, Status::Ok, "{out}{err}");
    assert!(out.contains("1 passed, 0 failed"), "{out}");
    let t = TempDir::new("pools-test");
    let policy = t.write("pool.zc", &fs::read_to_string(POLICY).unwrap());
    t.write("pool.企业.csv", &fs::read_to_string(DATA).unwrap());
    let cases = fs::read_to_string("tests/pools/pool.test.toml")
        .unwrap()
        .replace("\"0.20元\"", "\"0.21元\"");
    t.write("pool.test.toml", &cases);
    let (status, out, _) = zhengce(&["--lang", "en", "test", s(&policy)]);
    assert_eq!(status, Status::Errors, "{out}");
    assert!(out.contains("企业07 区级专项资金.余额: expected 0.21 元, got 0.2 元"), "{out}");
}

/// A pool that writes no cut is not cut: claims in full, and a warning that they exceed it.
#[test]
fn claims_above_a_pool_without_a_cut_are_warned_of() {
    let t = TempDir::new("pools-nocut");
    let text = fs::read_to_string(POLICY).unwrap().replace(" 按比例核减 0.01元", "");
    let policy = t.write("p.zc", &text);
    let (status, out, err) = zhengce(&[
        "--lang",
        "en",
        "--error-format",
        "plain",
        "eval",
        s(&policy),
        "--data",
        DATA,
        "--format",
        "json",
    ]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(err.contains("warning[ZC0721]: the claims on pool `区级专项资金`, 60,000,000 元, exceed its 50,000,000 元 by 10,000,000 元"), "{err}");
    let j: J = serde_json::from_str(&out).unwrap();
    assert_eq!(j["pools"][0]["cut"], false);
    assert_eq!(num(&j["pools"][0]["paid"]), d("60000000"));
    assert_eq!(num(&j["subjects"][0]["rules"][0]["value"]), d("2000000"));
}

/// `就高不重复` per contract: the district pays 10%, the city 8% capped at 1,500,000 元, the
/// higher only. C1 10,000,000: 1,000,000 vs 800,000 → district. C2 30,000,000: 3,000,000 vs
/// 1,500,000 → district. C3 20,000,000, no district: city 1,500,000. C4 5,000,000, no district:
/// city 400,000. The district pays 4,000,000 to 2, the city 1,900,000 to 2 (not 4,200,000 to 4,
/// its own amounts), 5,900,000 in all.
#[test]
fn totals_count_only_what_stacking_pays() {
    let args =
        ["--lang", "en", "eval", "tests/pools/stack.zc", "--data", "tests/pools/stack.合同.csv"];
    let (status, out, err) = zhengce(&args);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(out.contains("  区级补助: 4,000,000 yuan to 2 subjects\n"), "{out}");
    assert!(out.contains("  市级补助: 1,900,000 yuan to 2 subjects\n"), "{out}");
    assert!(out.contains("  total: 5,900,000 yuan to 4 subjects\n"), "{out}");
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let (_, out, _) = zhengce(&json_args);
    let j: J = serde_json::from_str(&out).unwrap();
    let totals = j["totals"].as_array().unwrap();
    let find = |name: &str| totals.iter().find(|t| t["award"] == name).unwrap().clone();
    assert_eq!(num(&find("区级补助")["total"]), d("4000000"));
    assert_eq!(find("区级补助")["recipients"], 2);
    assert_eq!(num(&find("市级补助")["total"]), d("1900000"));
    assert_eq!(find("市级补助")["recipients"], 2);
}

fn spec(total: Decimal, step: Decimal, awards: usize) -> PoolSpec {
    PoolSpec {
        name: "池".into(),
        span: Default::default(),
        total,
        step: Some(step),
        awards: (0..awards).map(|i| (i, format!("A{i}"))).collect(),
        foreign: Vec::new(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Over random registers (up to 60 subjects, 1 to 3 awards, claims to the fen, some
    /// missing), the pool's figures and each amount cut: paid ≤ pool; each cut amount ≤ its
    /// claim and a whole multiple of the step; the cut amounts add up to paid; and when the
    /// claims exceed the pool, paid + remainder = pool exactly.
    #[test]
    fn a_cut_never_pays_more_than_the_pool(
        rows in prop::collection::vec(
            prop::collection::vec(prop::option::weighted(0.95, 0u64..500_000_000), 3),
            0..60,
        ),
        awards in 1usize..=3,
        total_fen in 1u64..10_000_000_000,
        step_index in 0usize..4,
    ) {
        let step = [d("0.01"), d("1"), d("100"), d("0.1")][step_index];
        let total = Decimal::new(i64::try_from(total_fen).unwrap(), 2);
        let rows: Vec<Vec<Option<Decimal>>> = rows
            .iter()
            .map(|r| {
                r.iter()
                    .take(awards)
                    .map(|a| a.map(|f| Decimal::new(i64::try_from(f).unwrap(), 2)))
                    .collect()
            })
            .collect();
        let p = figures(&spec(total, step, awards), || rows.iter().map(Vec::as_slice)).unwrap();
        let claims: Decimal = rows.iter().flatten().flatten().sum();
        prop_assert_eq!(p.claims, claims);
        prop_assert_eq!(p.cut, claims > total);
        if !p.cut {
            prop_assert_eq!(p.paid, claims);
            prop_assert!(p.remainder.is_none());
            return Ok(());
        }
        prop_assert!(p.paid <= total);
        let mut paid = Decimal::ZERO;
        for a in rows.iter().flatten().flatten() {
            let c = cut(*a, total, claims, step).unwrap();
            prop_assert!(c <= *a);
            prop_assert!(c >= Decimal::ZERO);
            prop_assert_eq!(c % step, Decimal::ZERO, "{} is not a multiple of {}", c, step);
            // Rounded down: one step more would be more than the exact share.
            prop_assert!((c + step) * claims > *a * total);
            paid += c;
        }
        prop_assert_eq!(p.paid, paid);
        prop_assert_eq!(p.paid + p.remainder.unwrap(), total);
    }
}

/// A register with a claim left empty and `--columns`: the streamed report (two passes over the
/// file) is the in-memory report's bytes, and the claim left empty is not counted. 3 claims of
/// 2,000,000 元 on a 5,000,000 元 pool: ratio 5/6, each 1,666,666.66 元, 4,999,999.98 paid.
#[test]
fn the_streamed_report_is_the_in_memory_one() {
    let t = TempDir::new("pools-stream");
    let text = fs::read_to_string(POLICY)
        .unwrap()
        .replace("5000万元 支付", "500万元 支付")
        .replace("设备投资: 元", "设备投资: 元 可选");
    let policy = t.write("p.zc", &text);
    let data = t.write("r.csv", "企业名称,设备投资\na,20000000\nb,\nc,10000000\nd,10000000\n");
    for columns in [&[][..], &["--columns", "设备补助"][..]] {
        let mut args = vec!["eval", s(&policy), "--data", s(&data), "--format", "csv"];
        args.extend(columns);
        let (status, shown, err) = zhengce(&args);
        assert_eq!(status, Status::Ok, "{err}");
        let out = t.path("o.csv");
        args.extend(["--out", s(&out)]);
        let (status, _, err2) = zhengce(&args);
        assert_eq!(status, Status::Ok, "{err2}");
        assert_eq!(shown, fs::read_to_string(&out).unwrap());
        assert_eq!(err, err2);
        assert!(err.contains("ZC0720"), "{err}");
    }
    let out = t.path("o.csv");
    let (_, _, _) =
        zhengce(&["eval", s(&policy), "--data", s(&data), "--format", "csv", "--out", s(&out)]);
    let written = fs::read_to_string(&out).unwrap();
    assert_eq!(
        written,
        "企业名称,设备补助,合计,设备补助（申领）\n\
         a,1666666.66,1666666.66,2000000\n\
         b,缺数据,缺数据,缺数据\n\
         c,1666666.66,1666666.66,2000000\n\
         d,1666666.66,1666666.66,2000000\n\
         合计（不完整：1 个主体缺数据）,4999999.98,4999999.98,6000000\n"
    );
}

/// `diff` compares each version after its own pools' cut: a pool raised from 5000万元 to 6000万元
/// pays the 60,000,000 元 claimed in full, 333,333.34 元 more to each of the 30 subjects
/// (2,000,000 − 1,666,666.66) and 10,000,000.2 元 more in all (60,000,000 − 49,999,999.8).
#[test]
fn diff_compares_amounts_after_the_cut() {
    let t = TempDir::new("pools-diff");
    let text = fs::read_to_string(POLICY).unwrap().replace("5000万元 支付", "6000万元 支付");
    let new = t.write("new.zc", &text);
    let (status, out, err) = zhengce(&["--lang", "zh", "diff", POLICY, s(&new), "--data", DATA]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(out.contains("合计 49,999,999.8 元 → 60,000,000 元（+10,000,000.2 元）\n"), "{out}");
    assert!(out.contains("  企业00  1,666,666.66 元 → 2,000,000 元  +333,333.34 元\n"), "{out}");
    assert!(out.contains("得益 30 个，受损 0 个"), "{out}");
    // Raised to 5500万元 only, the pool is still exceeded: each gets 2,000,000 × 55/60 =
    // 1,833,333.33… → 1,833,333.33 元 (+166,666.67), 30 × that = 54,999,999.9 元; the pool's
    // line gives the claims before the cut, 60,000,000 元 under both versions, 5,000,000 元 over.
    let text = fs::read_to_string(POLICY).unwrap().replace("5000万元 支付", "5500万元 支付");
    let new = t.write("new55.zc", &text);
    let (status, out, err) = zhengce(&["--lang", "zh", "diff", POLICY, s(&new), "--data", DATA]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(out.contains("合计 49,999,999.8 元 → 54,999,999.9 元（+5,000,000.1 元）\n"), "{out}");
    assert!(out.contains("  企业00  1,666,666.66 元 → 1,833,333.33 元  +166,666.67 元\n"), "{out}");
    assert!(
        out.contains("资金池 区级专项资金  55,000,000 元：申领 60,000,000 元 → 60,000,000 元"),
        "{out}"
    );
    assert!(out.contains("超出 5,000,000 元"), "{out}");
}

/// Two awards paid from one pool, for [`every_report_of_a_random_register_keeps_to_the_pool`].
const TWO_AWARDS: &str = "政策 \"两项补助\" { 发文机关: \"示例\" }\n\
主体 企业 {\n 标识 名称\n 名称: 文本\n 投资: 元 可选\n 贷款: 元 可选\n}\n\
对于 企业 {\n § 一 「投资补助」\n 补助 投资补助 { 金额 投资 × 10% }\n\
 § 二 「贷款贴息」\n 补助 贴息 { 金额 贷款 × 3% }\n}\n\
§ 三 「资金池」\n资金池 池 POOL 支付 { 投资补助, 贴息 } 按比例核减 STEP\n";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The whole path (`eval --format json` of a random register, two awards of one pool, some
    /// claims missing): each award's value is its claim cut and rounded down to the step (a
    /// multiple of it, never above the claim), the values add up to the pool's `paid`, which
    /// never exceeds the pool, and paid + remainder = pool whenever the claims exceed it; the
    /// totals are the amounts after the cut.
    #[test]
    fn every_report_of_a_random_register_keeps_to_the_pool(
        rows in prop::collection::vec(
            (prop::option::weighted(0.9, 0u64..2_000_000_000), prop::option::weighted(0.9, 0u64..2_000_000_000)),
            1..40,
        ),
        pool_yuan in 1u64..20_000_000,
        step_index in 0usize..3,
    ) {
        let step = ["0.01元", "1元", "100元"][step_index];
        let step_d = [d("0.01"), d("1"), d("100")][step_index];
        let t = TempDir::new("pools-random");
        let policy = t.write(
            "p.zc",
            &TWO_AWARDS.replace("POOL", &format!("{pool_yuan}元")).replace("STEP", step),
        );
        let mut csv = String::from("名称,投资,贷款\n");
        for (i, (a, b)) in rows.iter().enumerate() {
            let cell = |x: &Option<u64>| x.map(|f| Decimal::new(i64::try_from(f).unwrap(), 2).to_string()).unwrap_or_default();
            csv.push_str(&format!("企业{i:03},{},{}\n", cell(a), cell(b)));
        }
        let data = t.write("r.csv", &csv);
        let (status, out, err) = zhengce(&["eval", s(&policy), "--data", s(&data), "--format", "json"]);
        prop_assert_eq!(status, Status::Ok, "{}", err);
        let j: J = serde_json::from_str(&out).unwrap();
        let p = &j["pools"][0];
        let total = Decimal::from(pool_yuan);
        let mut claims = Decimal::ZERO;
        let mut paid = Decimal::ZERO;
        for subject in j["subjects"].as_array().unwrap() {
            for rule in subject["rules"].as_array().unwrap() {
                if rule["value"].is_null() {
                    prop_assert!(rule["detail"]["pool"]["claimed"].is_null());
                    continue;
                }
                let after = num(&rule["value"]);
                let claimed = num(&rule["detail"]["pool"]["claimed"]);
                claims += claimed;
                paid += after;
                prop_assert!(after <= claimed);
                if p["cut"] == true {
                    prop_assert_eq!(after % step_d, Decimal::ZERO);
                    prop_assert!((after + step_d) * num(&p["claims"]) > claimed * total);
                } else {
                    prop_assert_eq!(after, claimed);
                }
            }
        }
        prop_assert_eq!(num(&p["claims"]), claims);
        prop_assert_eq!(num(&p["paid"]), paid);
        prop_assert_eq!(p["cut"] == true, claims > total);
        if claims > total {
            prop_assert!(paid <= total);
            prop_assert_eq!(paid + num(&p["remainder"]), total);
        }
        let totals: Decimal = j["totals"].as_array().unwrap().iter().map(|t| num(&t["total"])).sum();
        prop_assert_eq!(totals, paid);
    }
}

/// Markdown, the basis, xlsx and `explain --format json` show the pool too.
#[test]
fn every_format_shows_the_pool() {
    let (status, md, err) =
        zhengce(&["--lang", "zh", "eval", POLICY, "--data", DATA, "--format", "markdown"]);
    assert_eq!(status, Status::Ok, "{err}");
    // 20,000,000元 × 20% = 4,000,000元, over the cap: counted at 2,000,000元, then cut.
    assert!(md.contains("| 设备补助 | 补助 | 1,666,666.66 元 | § 一；已达上限 2,000,000 元（计算 4,000,000 元），按上限计；资金池 区级专项资金：申领 2,000,000 元，按比例 ≈ 0.8333333333 (50,000,000 ÷ 60,000,000) 核减 |"), "{md}");
    assert!(
        md.contains("## 资金池\n\n- 区级专项资金: 总额 50,000,000 元；申领 60,000,000 元；"),
        "{md}"
    );
    assert!(md.contains("实发 49,999,999.8 元；舍入余额 0.2 元；30 个主体被核减\n"), "{md}");
    let (status, basis, err) =
        zhengce(&["--lang", "zh", "eval", POLICY, "--data", DATA, "--format", "basis"]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(basis.contains("| 企业00 | 设备补助 | 1,666,666.66 |"), "{basis}");
    assert!(basis.contains("核减，核减后 1,666,666.66 元 |"), "{basis}");
    let t = TempDir::new("pools-xlsx");
    let book = t.path("r.xlsx");
    let (status, _, err) = zhengce(&[
        "--lang",
        "zh",
        "eval",
        POLICY,
        "--data",
        DATA,
        "--format",
        "xlsx",
        "--out",
        s(&book),
    ]);
    assert_eq!(status, Status::Ok, "{err}");
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(&book).unwrap();
    let names = wb.sheet_names();
    let mut cells = Vec::new();
    for name in names {
        let range = wb.worksheet_range(&name).unwrap();
        cells.extend(range.cells().map(|(_, _, c)| c.clone()));
    }
    assert!(cells.contains(&Data::Float(1666666.66)), "{cells:?}");
    assert!(
        cells.iter().any(|c| c
            .to_string()
            .starts_with("区级专项资金: 总额 50,000,000 元；申领 60,000,000 元")),
        "{cells:?}"
    );
    let (status, out, err) = zhengce(&[
        "explain",
        POLICY,
        "--data",
        DATA,
        "--subject",
        "企业05",
        "设备补助",
        "--format",
        "json",
    ]);
    assert_eq!(status, Status::Ok, "{err}");
    let j: J = serde_json::from_str(&out).unwrap();
    assert_eq!(j["pool"]["pool"], "区级专项资金");
    assert_eq!(num(&j["pool"]["claimed"]), d("2000000"));
    assert_eq!(num(&j["pool"]["after_cut"]), d("1666666.66"));
    assert_eq!(num(&j["pool"]["remainder"]), d("0.2"));
}

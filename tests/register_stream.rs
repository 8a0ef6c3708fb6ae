//! The streaming register runner: the same bytes as the in-memory CSV report whatever the
//! number of threads and the block size; data errors at their line and column with the
//! loader's codes; amounts beyond the fixed-point range exact; ids out of order left to the
//! in-memory path.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use zhengce::ast::Policy;
use zhengce::checker::check;
use zhengce::data::{Schema, load_dataset};
use zhengce::diagnostics::Code;
use zhengce::eval::value::V;
use zhengce::register::{Failure, RunOptions, run, write_csv};
use zhengce::source::SourceFile;

const HEADER: &str = "id,transfer_cost_yuan,transfer_origin,loan_interest_yuan,key_enterprise,\
incubator_area_m2,incubator_level,high_tech_first_certified_last_year\n";

fn policy() -> Policy {
    let text = std::fs::read_to_string("benches/register.zc").unwrap();
    zhengce::parser::parse(&SourceFile::new("benches/register.zc", text)).0.unwrap()
}

fn temp(name: &str, body: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zhengce-register-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

/// A register with every kind of row the fast reader hands to the loader: quoted ids, spaces
/// around a number, more places than kept, CRLF line ends, blank lines.
fn register(n: usize) -> String {
    let levels = ["none", "municipal", "provincial", "national"];
    let mut s = format!("\u{feff}{HEADER}");
    for i in 1..=n {
        let cost = (i * 7919) % 5_000_000;
        let id = if i % 97 == 0 { format!("\"{i:07}\"") } else { format!("{i:07}") };
        let interest = if i % 53 == 0 {
            format!(" {}.5 ", i * 13)
        } else {
            format!("{}.{:02}", i * 31 % 2_000_000, i % 100)
        };
        let cost =
            if i % 61 == 0 { format!("{cost}.12345") } else { format!("{cost}.{:02}", i % 100) };
        let eol = if i % 41 == 0 { "\r\n" } else { "\n" };
        s.push_str(&format!(
            "{id},{cost},{},{interest},{},{},{},{}{eol}",
            if i % 3 == 0 { "county" } else { "external" },
            i % 7 == 0,
            i * 11 % 20_000,
            levels[i % 4],
            i % 25 == 0,
        ));
        if i % 500 == 0 {
            s.push('\n');
        }
    }
    s
}

fn in_memory_csv(p: &Path) -> Vec<u8> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args(["eval", "benches/register.zc", "--data", p.to_str().unwrap(), "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn streamed(p: &Path, threads: usize, chunk_bytes: usize) -> Vec<u8> {
    let policy = policy();
    let (checked, _) = check(&policy);
    let opts = RunOptions { threads, chunk_bytes, ..RunOptions::default() };
    let mut out = Vec::new();
    write_csv(&policy, &checked, "enterprise", p, &opts, &mut out).unwrap();
    out
}

#[test]
fn streamed_reports_equal_the_in_memory_report_for_any_threads_and_blocks() {
    let p = temp("mixed.csv", &register(3000));
    let want = in_memory_csv(&p);
    assert!(want.len() > 3000 * 10);
    for threads in [1, 2, 4] {
        for chunk in [1024, 10_000, 1 << 20] {
            let got = streamed(&p, threads, chunk);
            assert!(got == want, "threads {threads}, blocks of {chunk} bytes differ");
        }
    }
    // Through the command line, into a file.
    let out = p.with_file_name("mixed.out.csv");
    let st = std::process::Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args(["eval", "benches/register.zc", "--data", p.to_str().unwrap(), "--format", "csv"])
        .arg("--out")
        .arg(&out)
        .status()
        .unwrap();
    assert!(st.success());
    assert_eq!(std::fs::read(&out).unwrap(), want);
}

#[test]
fn totals_and_recipients_by_hand() {
    // county 1000.01 × 30% = 300.003; external 2,000,000 → capped at 300,000; key enterprise
    // 1,200,000 × 50% = 600,000 → capped at 500,000; 100㎡ provincial: 100 × 30 = 3,000;
    // 150,000 for the first certification; the last enterprise receives nothing.
    let body = format!(
        "{HEADER}1,1000.01,county,0,false,0,none,false\n\
         2,2000000,external,1200000,true,100,provincial,false\n\
         3,0,county,5,false,50,none,true\n\
         4,0,county,0,false,0,none,false\n"
    );
    let p = temp("hand.csv", &body);
    let policy = policy();
    let (checked, _) = check(&policy);
    let opts = RunOptions { threads: 2, chunk_bytes: 1024, ..RunOptions::default() };
    let mut totals = BTreeMap::new();
    let summary = run(&policy, &checked, "enterprise", &p, &opts, &mut |row| {
        let total = row.values.last().cloned().unwrap();
        totals.insert(row.key.to_string(), total);
    })
    .unwrap();
    assert_eq!(summary.columns.last().unwrap().name, "total");
    assert!(summary.columns.last().unwrap().award);
    assert_eq!(summary.rows, 4);
    assert_eq!(summary.interpreted, 0);
    let money = |s: &str| V::money(s.parse::<Decimal>().unwrap());
    assert_eq!(totals["1"], money("300.003"));
    assert_eq!(totals["2"], money("803000"));
    assert_eq!(totals["3"], money("150000"));
    assert_eq!(totals["4"], money("0"));
}

#[test]
fn amounts_beyond_i64_are_exact() {
    // 400,000,000,000,000,000 ㎡ × 30 元/㎡ = 12,000,000,000,000,000,000 元, beyond i64 (and the
    // area read at four places is beyond i64 too).
    let body = format!("{HEADER}1,0,county,0,false,400000000000000000,national,false\n");
    let p = temp("huge.csv", &body);
    let got = String::from_utf8(streamed(&p, 2, 1024)).unwrap();
    // The subject's total (合计) is its one award, `total`; the last row adds up both columns.
    assert!(
        got.ends_with(
            "1,0,0,12000000000000000000,0,12000000000000000000,12000000000000000000\n\
             合计,,,,,12000000000000000000,12000000000000000000\n"
        ),
        "{got}"
    );
    assert_eq!(got.as_bytes(), in_memory_csv(&p));
}

/// Each diagnostic's code, line and column, and message, in order.
fn placed(diags: zhengce::diagnostics::Diagnostics) -> Vec<(Code, (usize, usize), String)> {
    let place = |d: &zhengce::diagnostics::Diagnostic| {
        let l = d.primary().unwrap();
        (d.code, l.file.line_col(l.span.start), d.message.en.clone())
    };
    diags.sorted().iter().map(place).collect()
}

#[test]
fn data_errors_are_reported_at_their_line_and_column_like_the_loader() {
    let mut body = register(2500);
    // A bad cell far into the file, in a later block, and an unknown enumeration value.
    body = body.replacen("0002001,", "0002001,12万元x", 1);
    body = body.replacen(",national,", ",nationa,", 1);
    let p = temp("bad.csv", &body);
    let policy = policy();
    let (checked, _) = check(&policy);
    let opts = RunOptions { threads: 2, chunk_bytes: 4096, ..RunOptions::default() };
    let err = write_csv(&policy, &checked, "enterprise", &p, &opts, &mut Vec::new()).unwrap_err();
    let Failure::Data(diags) = err else { panic!("not a data error") };
    let schema = Schema::from_policy(&policy, "enterprise").unwrap();
    let name = p.display().to_string();
    let want = load_dataset(&name, body.as_bytes(), &schema).unwrap_err();
    let (got, want) = (placed(diags), placed(want));
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got, want);
    assert!(got.iter().any(|(_, _, m)| m.contains("nationa")), "{got:?}");
    assert!(got.iter().all(|(c, _, _)| *c != Code::Internal));
}

#[test]
fn ids_out_of_order_are_left_to_the_in_memory_path() {
    let body = format!("{HEADER}2,0,county,0,false,0,none,false\n1,0,county,0,false,0,none,true\n");
    let p = temp("unordered.csv", &body);
    let policy = policy();
    let (checked, _) = check(&policy);
    let err =
        write_csv(&policy, &checked, "enterprise", &p, &RunOptions::default(), &mut Vec::new())
            .unwrap_err();
    assert!(matches!(err, Failure::NotStreamable(_)));
    // The command line still writes the report, and finds a repeated id in such a file.
    let dup = temp(
        "dup.csv",
        &format!(
            "{HEADER}2,0,county,0,false,0,none,false\n1,0,county,0,false,0,none,false\n2,0,county,0,false,0,none,false\n"
        ),
    );
    let out = p.with_file_name("dup.out.csv");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args([
            "eval",
            "benches/register.zc",
            "--data",
            dup.to_str().unwrap(),
            "--format",
            "csv",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("ZC0606"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!out.exists());
}

/// Another policy, with a condition group and units in the header: the streamed report is the
/// in-memory one, whatever the blocks and threads.
#[test]
fn a_policy_with_conditions_and_header_units_streams_identically() {
    let levels = ["无", "市级", "省级", "国家级"];
    let mut body = String::from("名称,孵化器级别,孵化面积(㎡),在孵企业数(万家)\n");
    for i in 0..2000 {
        let area =
            if i % 13 == 0 { format!("{}.123456", 11_233 + i % 3) } else { format!("{i}.5") };
        body.push_str(&format!("企业{i:05},{},{area},0.00{:02}\n", levels[i % 4], i % 25));
    }
    let p = temp("incubator.企业.csv", &body);
    let policy_path = "tests/eval/incubator.zc";
    let text = std::fs::read_to_string(policy_path).unwrap();
    let policy = zhengce::parser::parse(&SourceFile::new(policy_path, text)).0.unwrap();
    let (checked, _) = check(&policy);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args(["eval", policy_path, "--data", p.to_str().unwrap(), "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for (threads, chunk) in [(1, 1 << 20), (2, 2048), (4, 1024)] {
        let opts = RunOptions { threads, chunk_bytes: chunk, ..RunOptions::default() };
        let mut got = Vec::new();
        let s = write_csv(&policy, &checked, "企业", &p, &opts, &mut got).unwrap();
        assert_eq!(s.rows, 2000);
        assert!(got == out.stdout, "threads {threads}, blocks of {chunk}");
    }
    // Row 13: 市级, 11,234.123456㎡ (more places than the fast reader keeps), 0.0013万家 = 13
    // enterprises: 11,234.123456 × 20 = 224,682.46912 元.
    let report = String::from_utf8(out.stdout).unwrap();
    let row = report.lines().find(|l| l.starts_with("企业00013,")).unwrap();
    assert!(row.ends_with(",224682.46912"), "{row}");
}

/// `eval --columns total`: `id,total` per enterprise, the same bytes streamed (any threads,
/// any block size) and in memory, the values those of the full report's `total` column.
#[test]
fn only_the_columns_asked_for_streamed_and_in_memory() {
    let p = temp("columns.csv", &register(2000));
    let eval = |extra: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_zhengce"))
            .args(["eval", "benches/register.zc", "--data", p.to_str().unwrap(), "--format", "csv"])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let full = eval(&[]);
    let want = eval(&["--columns", "total"]);
    assert!(want.starts_with("id,total\n"), "{}", &want[..40]);
    // Each row: the id and the value of the full report's `total` column (the rule named
    // `total`, not the subject's 合计 after it), the last row their sum.
    let at = full.lines().next().unwrap().split(',').position(|c| c == "total").unwrap();
    let expected: String = full
        .lines()
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            format!("{},{}\n", cells[0], cells[at])
        })
        .collect();
    assert!(expected.lines().last().unwrap().starts_with("合计,"));
    assert_eq!(want, expected);
    // Names in the order given, repeated or not.
    let two = eval(&["--columns", "high_tech,tech_transfer"]);
    assert!(two.starts_with("id,high_tech,tech_transfer\n"));
    let row2 = two.lines().nth(2).unwrap();
    let full2: Vec<&str> = full.lines().nth(2).unwrap().split(',').collect();
    assert_eq!(row2, format!("{},{},{}", full2[0], full2[4], full2[1]));
    // Streamed into a file, with 1, 2 and 4 threads and small blocks.
    let policy = policy();
    let (checked, _) = check(&policy);
    for threads in [1, 2, 4] {
        let opts = RunOptions {
            threads,
            chunk_bytes: 4096,
            columns: vec!["total".into()],
            ..RunOptions::default()
        };
        let mut out = Vec::new();
        write_csv(&policy, &checked, "enterprise", &p, &opts, &mut out).unwrap();
        assert!(out == want.as_bytes(), "{threads} threads");
    }
    let out = p.with_file_name("columns.out.csv");
    let st = std::process::Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args(["eval", "benches/register.zc", "--data", p.to_str().unwrap(), "--format", "csv"])
        .args(["--columns", "total", "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(st.success());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), want);
}

/// A name that is neither a rule reported per subject nor a value of the working is `ZC0909`
/// with the nearest names, exit 2, nothing written; `--columns` with another format than CSV is `ZC0904`.
#[test]
fn unknown_columns_and_other_formats_are_refused() {
    let p = temp("refused.csv", &register(10));
    let out_file = p.with_file_name("refused.out.csv");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args(["eval", "benches/register.zc", "--data", p.to_str().unwrap(), "--format", "csv"])
        .args(["--columns", "totl,interest,transfer_costs", "--out"])
        .arg(&out_file)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.matches("ZC0909").count(), 2, "{err}");
    assert!(err.contains("`totl`") && err.contains("`total`"), "{err}");
    assert!(err.contains("`transfer_costs`"), "{err}");
    assert!(!out_file.exists());
    // A field a rule reads is a value of the working: a column, worked out in memory.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args(["eval", "benches/register.zc", "--data", p.to_str().unwrap(), "--format", "csv"])
        .args(["--columns", "tech_transfer,transfer_cost_yuan", "--out"])
        .arg(&out_file)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let written = std::fs::read_to_string(&out_file).unwrap();
    assert!(written.starts_with("id,tech_transfer,transfer_cost_yuan\n"), "{written}");
    let _ = std::fs::remove_file(&out_file);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args(["eval", "benches/register.zc", "--data", p.to_str().unwrap(), "--format", "json"])
        .args(["--columns", "total"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("ZC0904") && err.contains("--format csv"), "{err}");
    assert!(out.stdout.is_empty());
}

/// A policy reading yearly fields, in the evaluation year and in years written from it, on a
/// register with a column per field and year (some columns absent, some cells empty): the
/// fast reader fills each year's register, and the report is the in-memory one, byte for byte.
#[test]
fn yearly_columns_stream_compiled_and_identically() {
    let policy_text = "主体 企业 {\n 标识 名称\n 名称: 文本\n\
        收入: 万元 按年 范围 0万元 至 100000万元\n 研发: 万元 按年 可选\n 高新: 是否 按年 可选\n}\n\
        对于 企业 {\n\
        § 一 「x」\n 令 增长额: 万元 = 收入 - 收入[当年 - 1年]\n\
        § 二 「y」\n 条件 合格 全部 { 增: 增长额 > 0万元; 新: 高新 或 高新[当年 - 1年] }\n\
        § 三 「z」\n 奖励 补助 { 当 合格\n 金额 增长额 × 10% + 研发[2022年] × 5%\n 最高不超过 50万元 }\n}\n";
    let policy_path = temp("yearly.zc", policy_text);
    let mut body = String::from(
        "名称,收入[2022](万元),收入[2023](万元),收入[2024](万元),研发[2022](万元),研发[2024](万元),高新[2023],高新[2024]\n",
    );
    for i in 0..3000 {
        let rd = if i % 4 == 0 { String::new() } else { format!("{}", i % 10) };
        let hi23 = if i % 3 == 0 { "是" } else { "" };
        let hi24 = if i % 5 == 0 {
            "否"
        } else if i % 2 == 0 {
            "是"
        } else {
            ""
        };
        body.push_str(&format!(
            "企业{i:05},{i},{},{},{rd},{},{hi23},{hi24}\n",
            100 + i % 50,
            100 + i % 70,
            i % 9
        ));
    }
    let p = temp("yearly.企业.csv", &body);
    let policy = parse_file(&policy_path);
    let (checked, d) = check(&policy);
    assert!(!d.has_errors(), "{:?}", d.sorted());
    let report = streams_compiled_as_in_memory(&policy, &policy_path, "企业", &p, (3000, 0));
    // 企业00066: 收入 116 → 166万元, growth 50万元; 高新 in both years; 研发 2022 6万元:
    // 50万元 × 10% + 6万元 × 5% = 5.3万元 = 53,000 元, below the 50万元 cap.
    let row = report.lines().find(|l| l.starts_with("企业00066,")).unwrap();
    assert!(row.ends_with(",53000"), "{row}");

    // A row that gives no year of the required 收入: the loader's diagnostic, at its line, as
    // for the whole file loaded.
    let body = body.replacen("企业02001,2001,101,141,", "企业02001,,,,", 1);
    let p = temp("yearly-bad.企业.csv", &body);
    let opts =
        RunOptions { threads: 2, chunk_bytes: 4096, year: Some(2024), ..RunOptions::default() };
    let err = write_csv(&policy, &checked, "企业", &p, &opts, &mut Vec::new()).unwrap_err();
    let Failure::Data(diags) = err else { panic!("not a data error") };
    let schema = Schema::from_policy(&policy, "企业").unwrap();
    let want = load_dataset(&p.display().to_string(), body.as_bytes(), &schema).unwrap_err();
    let (got, want) = (placed(diags), placed(want));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got, want);
    assert!(got[0].2.contains("企业02001"), "{got:?}");
}

/// Year fields and texts compared with written texts are read by the fast reader (a year in
/// ASCII digits, a text as its position among the written ones): the register streams
/// compiled, the report byte for byte the in-memory one; a year written `2021年` goes to the
/// loader for its row and gives the same value.
#[test]
fn years_and_texts_stream_compiled_and_identically() {
    let policy_text = "主体 项目 {\n 标识 名称\n 名称: 文本\n 实施单位: 文本 可选\n 投产年份: 年份\n 费用: 元 }\n\
        对于 项目 {\n\
        § 一 「x」\n 令 投产年数: 年 = 当年 - 投产年份\n\
        § 二 「y」\n 补贴 技改补贴 { 当 实施单位 = \"甲公司\"\n 当 投产年数 < 3年\n 金额 费用 × 20%\n 最高不超过 20万元 }\n}\n";
    let policy_path = temp("years-texts.zc", policy_text);
    let mut body = String::from("名称,实施单位,投产年份,费用(元)\n");
    let units = ["甲公司", "乙公司", "", "丙公司"];
    for i in 0..2000 {
        let year = if i == 7 { "2021年".to_string() } else { format!("{}", 2019 + i % 6) };
        body.push_str(&format!("项目{i:05},{},{year},{}\n", units[i % 4], 10_000 * (i % 150)));
    }
    let p = temp("years-texts.项目.csv", &body);
    let policy = parse_file(&policy_path);
    // Only the row with `2021年` is the loader's and the interpreter's.
    let report = streams_compiled_as_in_memory(&policy, &policy_path, "项目", &p, (2000, 1));
    // 项目00004: 甲公司, in production since 2023 (1 year), 40,000 元 × 20% = 8,000 元.
    // 项目00008: 甲公司, since 2021 (3 years, not fewer than 3): no subsidy.
    let row = |id: &str| report.lines().find(|l| l.starts_with(id)).unwrap().to_string();
    // The last column: the subject's total (合计), its one award.
    assert_eq!(row("项目00004,"), "项目00004,1,8000,8000");
    assert!(row("项目00008,").starts_with("项目00008,3,"), "{}", row("项目00008,"));
}

fn parse_file(path: &Path) -> Policy {
    let text = std::fs::read_to_string(path).unwrap();
    zhengce::parser::parse(&SourceFile::new(path.display().to_string(), text)).0.unwrap()
}

/// `data` evaluated in 2024 in memory (through the command line) and streamed with 1, 2 and 4
/// threads and several block sizes: the same bytes, the policy compiled, with `(rows,
/// interpreted)` rows read and left to the interpreter. Returns the report.
fn streams_compiled_as_in_memory(
    policy: &Policy,
    policy_path: &Path,
    kind: &str,
    data: &Path,
    rows: (u64, u64),
) -> String {
    let (checked, d) = check(policy);
    assert!(!d.has_errors(), "{:?}", d.sorted());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args(["eval", policy_path.to_str().unwrap(), "--data", data.to_str().unwrap()])
        .args(["--format", "csv", "--year", "2024"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for (threads, chunk) in [(1, 1 << 20), (2, 2048), (4, 1024)] {
        let opts =
            RunOptions { threads, chunk_bytes: chunk, year: Some(2024), ..RunOptions::default() };
        let mut got = Vec::new();
        let s = write_csv(policy, &checked, kind, data, &opts, &mut got).unwrap();
        assert_eq!(s.compiled, Ok(()));
        assert_eq!((s.rows, s.interpreted), rows);
        assert!(got == out.stdout, "threads {threads}, blocks of {chunk}");
    }
    String::from_utf8(out.stdout).unwrap()
}

/// A missing value reads 「缺数据」, the subject's total too, the last row adds up the amounts
/// known and says it is incomplete, and `ZC0708` counts the subjects: the same bytes and the
/// same warning streamed (compiled, any block size) and in memory.
#[test]
fn missing_values_read_缺数据_and_the_totals_say_they_are_incomplete() {
    let policy_text = "主体 企业 {\n 标识 企业名称\n 企业名称: 文本\n 费用: 元 可选\n 人数: 人 }\n\
        对于 企业 {\n\
        § 一 「按费用的 20% 补助」\n 补贴 费用补助 { 金额 费用 × 20% }\n\
        § 二 「每人 1000元」\n 奖励 用工奖励 { 金额 人数 × 1000元/人 }\n}\n";
    let policy_path = temp("missing.zc", policy_text);
    let mut body = String::from("企业名称,费用(元),人数(人)\n");
    for i in 0..300 {
        // Every tenth enterprise has no 费用: 30 of them.
        let fee = if i % 10 == 3 { String::new() } else { format!("{}", 1000 + i) };
        body.push_str(&format!("企业{i:04},{fee},{}\n", i % 7));
    }
    let data = temp("missing.企业.csv", &body);
    let out = temp("missing-out.csv", "");
    let run = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_zhengce"))
            .args(["eval", policy_path.to_str().unwrap(), "--data", data.to_str().unwrap()])
            .args(["--format", "csv", "--error-format", "plain", "--lang", "zh"])
            .args(extra)
            .output()
            .unwrap()
    };
    let memory = run(&[]);
    let streamed = run(&["--out", out.to_str().unwrap()]);
    let report = String::from_utf8(memory.stdout).unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), report.as_bytes());
    assert_eq!(memory.stderr, streamed.stderr);
    let err = String::from_utf8(memory.stderr).unwrap();
    assert!(err.contains("warning[ZC0708]: 30 个主体的结果缺数据"), "{err}");
    // At the rule whose result is missing (line 8, column 5: `费用补助`).
    assert!(err.contains("missing.zc:8:5: warning[ZC0708]"), "{err}");
    assert!(memory.status.success() && streamed.status.success());
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines[0], "企业名称,费用补助,用工奖励,合计");
    // 企业0003: no 费用, 3 人 × 1000 = 3000.
    assert_eq!(lines[4], "企业0003,缺数据,3000,缺数据");
    // 企业0004: 1004 × 20% = 200.8, 4 人 = 4000: 4200.8.
    assert_eq!(lines[5], "企业0004,200.8,4000,4200.8");
    // 费用补助 over the 270 with 费用: Σ 1000..=1299 = 344,850, less the 30 missing
    // (1003 + 1013 + ... + 1293 = 34,440): 310,410 × 20% = 62,082. 用工奖励 over all 300:
    // Σ (i mod 7) = 42 × 21 + (0 + 1 + ... + 5) = 897, × 1000 = 897,000. The 合计 column adds
    // the 270 complete subjects: 62,082 + 897,000 less the 用工奖励 of the 30 missing.
    let want_fee = Decimal::from(62_082);
    let want_jobs = Decimal::from(897_000);
    let missing_jobs: i64 = (0..300).filter(|i| i % 10 == 3).map(|i| (i % 7) * 1000).sum();
    let want_total = want_fee + want_jobs - Decimal::from(missing_jobs);
    assert_eq!(
        *lines.last().unwrap(),
        format!("合计（不完整：30 个主体缺数据）,{want_fee},{want_jobs},{want_total}")
    );
}

/// `ZC0708` with two rules missing data: the first is labelled, the other named in the help
/// with its count (labels on rules far apart would show the whole policy between them).
#[test]
fn missing_data_in_two_rules_labels_the_first_and_names_the_other() {
    let policy_text = "主体 企业 {\n 标识 企业名称\n 企业名称: 文本\n 费用: 元 可选\n 人数: 人 可选 }\n\
        对于 企业 {\n\
        § 一 「按费用的 20% 补助」\n 补贴 费用补助 { 金额 费用 × 20% }\n\
        § 二 「每人 1000元」\n 奖励 用工奖励 { 金额 人数 × 1000元/人 }\n}\n";
    let policy_path = temp("missing-two.zc", policy_text);
    // 甲 lacks 费用, 乙 lacks 人数, 丙 lacks both.
    let data = temp("missing-two.企业.csv", "企业名称,费用(元),人数(人)\n甲,,2\n乙,100,\n丙,,\n");
    let r = std::process::Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args(["eval", policy_path.to_str().unwrap(), "--data", data.to_str().unwrap()])
        .args(["--format", "csv", "--error-format", "plain", "--lang", "zh"])
        .output()
        .unwrap();
    let err = String::from_utf8(r.stderr).unwrap();
    assert!(err.contains("missing-two.zc:8:5: warning[ZC0708]: 3 个主体的结果缺数据"), "{err}");
    assert!(err.contains("缺数据的结果还有`用工奖励`（2 个主体）"), "{err}");
    // One place for ZC0708; each empty field named once at its declaration (ZC0950).
    assert!(
        err.contains("missing-two.zc:4:2: warning[ZC0950]: 字段 `费用` 在 2 个主体的数据中留空，用到它的结果缺数据：`费用补助`"),
        "{err}"
    );
    assert!(
        err.contains("missing-two.zc:5:2: warning[ZC0950]: 字段 `人数` 在 2 个主体的数据中留空，用到它的结果缺数据：`用工奖励`"),
        "{err}"
    );
    assert_eq!(err.matches("missing-two.zc:").count(), 3, "{err}");
}

/// A Parquet register of six row groups, which the workers decode side by side, each group in
/// one batch or in several (blocks of 16 KiB: batches of 128 rows, four per row group of 500),
/// or take turns at (four workers: fewer than two groups each), and of one row group, which the
/// workers take turns at: the same report as the in-memory report of its CSV twin, whatever the
/// threads and blocks.
#[test]
fn a_parquet_registers_row_groups_read_in_batches_of_any_size_give_the_csv_report() {
    use std::sync::Arc;

    use arrow_array::builder::StringBuilder;
    use arrow_array::{ArrayRef, RecordBatch};
    use arrow_schema::{DataType, Field, Schema as ArrowSchema};
    use parquet::arrow::ArrowWriter;
    use parquet::file::properties::WriterProperties;
    let csv_path = temp("groups.csv", &register(3000));
    let want = in_memory_csv(&csv_path);
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
        .filter(|r| r.iter().any(|c| !c.is_empty()))
        .collect();
    assert_eq!(rows.len(), 3000);
    let fields: Vec<Field> = header.iter().map(|h| Field::new(h, DataType::Utf8, true)).collect();
    let schema = Arc::new(ArrowSchema::new(fields));
    let arrays: Vec<ArrayRef> = (0..header.len())
        .map(|c| {
            let mut b = StringBuilder::new();
            for r in &rows {
                b.append_value(&r[c]);
            }
            Arc::new(b.finish()) as ArrayRef
        })
        .collect();
    let batch = RecordBatch::try_new(Arc::clone(&schema), arrays).unwrap();
    for group_rows in [500, 3000] {
        let pq = csv_path.with_file_name(format!("groups-{group_rows}.parquet"));
        let props = WriterProperties::builder().set_max_row_group_size(group_rows).build();
        let file = std::fs::File::create(&pq).unwrap();
        let mut w = ArrowWriter::try_new(file, Arc::clone(&schema), Some(props)).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        for threads in [1, 2, 3, 4] {
            for chunk in [16 << 10, 1 << 20] {
                let got = streamed(&pq, threads, chunk);
                let at = format!("groups of {group_rows}, threads {threads}, blocks of {chunk}");
                assert!(got == want, "{at}: the reports differ");
            }
        }
    }
}

#[test]
fn a_mistake_down_a_column_is_shown_ten_times_and_counted_streamed_as_loaded() {
    // Every provincial and national level misspelt: 1,500 cells of one column; and three costs
    // written with a word the column does not take, in three blocks.
    let mut body =
        register(3000).replace(",provincial,", ",provincal,").replace(",national,", ",nationa,");
    for id in ["0000101,", "0001501,", "0002801,"] {
        body = body.replacen(id, &format!("{id}12万元x"), 1);
    }
    let p = temp("down.csv", &body);
    let policy = policy();
    let (checked, _) = check(&policy);
    let schema = Schema::from_policy(&policy, "enterprise").unwrap();
    let want =
        placed(load_dataset(&p.display().to_string(), body.as_bytes(), &schema).unwrap_err());
    assert_eq!(want.len(), 13, "{want:?}");
    let levels: Vec<_> = want.iter().filter(|(_, _, m)| m.contains("incubator_level")).collect();
    // Rows 2, 3, 6, 7 ... are provincial and national, each at the line after its number.
    let lines: Vec<usize> = levels.iter().map(|(_, (line, _), _)| *line).collect();
    assert_eq!(lines, [3, 4, 7, 8, 11, 12, 15, 16, 19, 20]);
    assert!(
        levels[0].2.ends_with(
            " (and 1490 more like it in column `incubator_level`; only the first 10 are shown)"
        ),
        "{}",
        levels[0].2
    );
    assert!(levels[1..].iter().all(|(_, _, m)| !m.contains("more like it")));
    // The costs at their lines: a blank line follows every 500th row.
    let costs: Vec<usize> = want
        .iter()
        .filter(|(_, _, m)| m.contains("transfer_cost_yuan"))
        .map(|(_, (line, _), _)| *line)
        .collect();
    assert_eq!(costs, [102, 1505, 2807]);
    for threads in [1, 2, 4] {
        for chunk in [1024, 4096, 1 << 20] {
            let opts = RunOptions { threads, chunk_bytes: chunk, ..RunOptions::default() };
            let err =
                write_csv(&policy, &checked, "enterprise", &p, &opts, &mut Vec::new()).unwrap_err();
            let Failure::Data(diags) = err else { panic!("not a data error") };
            // The rows read well are evaluated (their fractions of a fen are noted besides).
            let errors: Vec<_> =
                placed(diags).into_iter().filter(|(c, _, _)| *c == Code::WrongValue).collect();
            assert_eq!(errors, want, "threads {threads}, blocks of {chunk} bytes");
        }
    }
    // As shown, streamed: a row far into the file is numbered as in the file; the only empty
    // lines shown are the file's own (after every 500th row).
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args(["eval", "benches/register.zc", "--data", p.to_str().unwrap(), "--lang", "en"])
        .args(["--format", "csv", "--out"])
        .arg(p.with_file_name("down.out.csv"))
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(shown.lines().any(|l| l.trim_start().starts_with("2807 │ 0002801,12万元x")), "{shown}");
    let empty_numbered = |l: &str| l.trim().strip_suffix('│')?.trim().parse::<u64>().ok();
    let blank = [502, 1003, 1504, 2005, 2506, 3007];
    assert!(shown.lines().filter_map(empty_numbered).all(|n| blank.contains(&n)), "{shown}");
    assert_eq!(shown.lines().filter(|l| l.trim_start().starts_with("× ")).count(), 13, "{shown}");
}

//! Deep input never crashes the binary: brackets, `若 … 否则`, prefix signs, long operator
//! chains and long chains of definitions, 10,000 deep, in every command that reads a policy,
//! end in `ZC0104` and exit 1; within the limits, the same shapes check and evaluate exactly.
//!
//! The binary is run as a child process, so that a stack overflow (which aborts the process)
//! fails the test instead of ending the test run.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const HEADER: &str = "政策 \"x\" {\n}\n主体 企业 {\n  标识 名称\n  名称: 文本\n  转化费用: 元\n}\n";

fn dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("deep_input");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(name: &str, text: &str) -> PathBuf {
    let p = dir().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// One subject with 转化费用 100元, in a file of its own for each caller (tests run in
/// parallel, and a file rewritten under a reader reads empty).
fn data(tag: &str) -> PathBuf {
    write(&format!("企业-{tag}.csv"), "名称,转化费用(元)\n甲,100\n")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args(args)
        .args(["--lang", "en", "--error-format", "json"])
        .output()
        .unwrap()
}

/// An award whose amount is `amount`, in a policy with `lets` before it.
fn policy(lets: &str, amount: &str) -> String {
    format!(
        "{HEADER}{lets}对于 企业 {{\n  § 二#二 「x」 补助 科技成果转化补助 {{ 金额 {amount} }}\n}}\n"
    )
}

/// `check`, `eval` and `fmt --check` of the policy each exit 1 with `ZC0104`, and nothing
/// crashes.
fn refused(name: &str, text: &str) {
    refused_by(name, text, true);
}

/// `check` and `eval` of the policy exit 1 with `ZC0104`; `fmt`, which only parses, lays it
/// out (or not) without crashing.
fn refused_by_the_checker(name: &str, text: &str) {
    refused_by(name, text, false);
    let path = dir().join(name);
    let out = run(&["fmt", "--check", path.to_str().unwrap()]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{name}: {out:?}");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("ZC0199"), "{name}: {out:?}");
}

fn refused_by(name: &str, text: &str, parser: bool) {
    let path = write(name, text);
    let path = path.to_str().unwrap();
    let data = data(name);
    let mut runs = vec![vec!["check", path], vec!["eval", path, "--data", data.to_str().unwrap()]];
    if parser {
        runs.push(vec!["fmt", "--check", path]);
    }
    for args in runs {
        let out = run(&args);
        // `check` writes the JSON diagnostics to standard output, the others to standard error.
        let both = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(1), "{name}: {args:?}: {both}");
        assert!(both.contains("\"ZC0104\""), "{name}: {args:?}: {both}");
        assert!(!both.contains("ZC0199"), "{name}: internal error: {both}");
    }
}

const N: usize = 10_000;

#[test]
fn the_clause_with_a_hash_and_nested_parentheses_is_refused() {
    for n in [2_000, N] {
        let amount = format!("{}转化费用 × 30%{}", "(".repeat(n), ")".repeat(n));
        refused(&format!("parens{n}.zc"), &policy("", &amount));
    }
}

#[test]
fn nested_ifs_are_refused() {
    let then_nested = format!("{}0元{}", "若 转化费用 > 1元 则 ".repeat(N), " 否则 1元".repeat(N));
    refused("ifs_then.zc", &policy("", &then_nested));
    let else_chain = format!("{}0元", "若 转化费用 > 1元 则 1元 否则 ".repeat(N));
    refused("ifs_else.zc", &policy("", &else_chain));
}

#[test]
fn prefix_signs_are_refused() {
    refused("minus_spaced.zc", &policy("", &format!("{}转化费用", "- ".repeat(N))));
    refused("minus_glued.zc", &policy("", &format!("{}转化费用", "-".repeat(N))));
    let not = format!("转化费用 当 {}转化费用 > 1元", "非 ".repeat(N));
    refused("not.zc", &policy("", &not));
}

#[test]
fn long_operator_chains_are_refused() {
    refused("sum.zc", &policy("", &vec!["转化费用"; N].join(" + ")));
    let and = format!("转化费用 当 {}", vec!["转化费用 > 1元"; N].join(" 且 "));
    refused("and.zc", &policy("", &and));
}

#[test]
fn long_chains_of_definitions_are_refused() {
    // Written from the top down, so that checking the first definition follows the whole
    // chain; inside a subject and at the top level.
    let lets: String = (1..N).rev().map(|i| format!("  令 a{i} = a{} + 1元\n", i - 1)).collect();
    let text = format!(
        "{HEADER}对于 企业 {{\n{lets}  令 a0 = 转化费用\n  § 二 「x」 补助 科技成果转化补助 {{ 金额 a{} }}\n}}\n",
        N - 1
    );
    refused_by_the_checker("chain_subject.zc", &text);
    let lets: String = (1..N).rev().map(|i| format!("令 c{i} = c{} + 1元\n", i - 1)).collect();
    let text = policy(&format!("{lets}令 c0 = 1元\n"), &format!("c{}", N - 1));
    refused_by_the_checker("chain_top.zc", &text);
}

/// The CSV report of evaluating `text` on one subject with 转化费用 100元.
fn evaluated(name: &str, text: &str) -> String {
    let path = write(name, text);
    let data = data(name);
    let out =
        run(&["eval", path.to_str().unwrap(), "--data", data.to_str().unwrap(), "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn within_the_limits_the_same_shapes_evaluate_exactly() {
    // 200 terms of 100元: 20,000元.
    let csv = evaluated("sum200.zc", &policy("", &vec!["转化费用"; 200].join(" + ")));
    assert!(csv.lines().nth(1).unwrap().ends_with(",20000"), "{csv}");
    // 60 brackets around 100元 × 30%: 30元.
    let amount = format!("{}转化费用 × 30%{}", "(".repeat(60), ")".repeat(60));
    let csv = evaluated("parens60.zc", &policy("", &amount));
    assert!(csv.lines().nth(1).unwrap().ends_with(",30"), "{csv}");
    // A chain of 250 definitions from the top down, each adding 1元: 100 + 249 = 349元.
    let lets: String = (1..250).rev().map(|i| format!("  令 a{i} = a{} + 1元\n", i - 1)).collect();
    let text = format!(
        "{HEADER}对于 企业 {{\n{lets}  令 a0 = 转化费用\n  § 二 「x」 补助 科技成果转化补助 {{ 金额 a249 }}\n}}\n"
    );
    let csv = evaluated("chain250.zc", &text);
    assert!(csv.lines().nth(1).unwrap().ends_with(",349"), "{csv}");
}

#[test]
fn a_constant_used_twice_at_every_level_is_computed_once() {
    // c59 = 2^59 元: computing each use again would take 2^59 steps; the stated figure is
    // checked against the exact value.
    let lets: String = (1..60).map(|i| format!("令 c{i} = c{} + c{}\n", i - 1, i - 1)).collect();
    let text = policy(&format!("令 c0 = 1元\n{lets}声明 s 1元 应等于 c59\n"), "c59");
    let path = write("doubling.zc", &text);
    let out = run(&["check", path.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("\"ZC0502\"") && stdout.contains("576460752303423488"), "{stdout}");
}

#[test]
fn deeply_nested_data_is_refused() {
    let policy = write("plain.zc", &policy("", "转化费用"));
    let n = N;
    let files = [
        (
            "deep.json",
            format!(
                "{{\"企业\": [{{\"名称\": \"甲\", \"转化费用\": {}1{}}}]}}",
                "[".repeat(n),
                "]".repeat(n)
            ),
        ),
        (
            "deep.toml",
            format!(
                "[[subjects]]\n\"名称\" = \"甲\"\n\"转化费用\" = {}1{}\n",
                "[".repeat(n),
                "]".repeat(n)
            ),
        ),
        (
            "deep_tables.toml",
            format!(
                "[[subjects]]\n\"名称\" = \"甲\"\n\"转化费用\" = {}1{}\n",
                "{a=".repeat(n),
                "}".repeat(n)
            ),
        ),
    ];
    for (name, text) in files {
        let data = write(name, &text);
        let out = run(&["eval", policy.to_str().unwrap(), "--data", data.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains("\"ZC0607\""), "{name}: {stderr}");
        assert!(stderr.contains("\"line\""), "{name}: no place given: {stderr}");
    }
}

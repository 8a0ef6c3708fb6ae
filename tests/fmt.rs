//! `zhengce fmt`: every policy file of the repository survives formatting (same tree, every
//! comment), formatting twice changes nothing, the layout rules hold, and the command line
//! checks, rewrites and refuses as documented.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use proptest::prelude::*;
use zhengce::ast::{AwardClause, ItemKind};
use zhengce::cli::{Env, Status, run};
use zhengce::diagnostics::{Code, Severity};
use zhengce::format::{format, verify};
use zhengce::parser::{comments, parse};
use zhengce::source::SourceFile;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.zc` file under the directories that hold policies and test inputs.
fn repo_policies() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "zc") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for dir in ["policies", "benches", "tests"] {
        walk(&root().join(dir), &mut out);
    }
    out.sort();
    out
}

fn comment_texts(text: &str) -> Vec<String> {
    comments(text).iter().map(|s| text[s.start..s.end].trim().to_string()).collect()
}

/// Formats `text`, asserting what formatting promises: the same tree, the same comments, and
/// a second formatting that changes nothing.
fn format_checked(name: &str, text: &str) -> String {
    let file = SourceFile::new(name, text);
    let formatted = match format(&file) {
        Ok(t) => t,
        Err(d) => panic!("{name} does not format: {d:?}"),
    };
    let (before, _) = parse(&file);
    let (after, diags) = parse(&SourceFile::new(name, formatted.clone()));
    assert!(!diags.iter().any(|d| d.severity == Severity::Error), "{name}:\n{formatted}");
    assert_eq!(before, after, "{name} reads differently once formatted:\n{formatted}");
    assert_eq!(before.unwrap().lang, after.unwrap().lang, "{name}: keyword language");
    assert_eq!(comment_texts(text), comment_texts(&formatted), "{name}: comments");
    let again = format(&SourceFile::new(name, formatted.clone())).unwrap();
    if formatted != again {
        let diff = zhengce::format::diff::unified(name, &formatted, &again).unwrap_or_default();
        panic!("{name}: formatting twice changes the text:\n{diff}\nthe input:\n{text}");
    }
    formatted
}

#[test]
fn every_policy_and_test_input_that_parses_round_trips_and_is_idempotent() {
    let mut formatted = 0;
    for path in repo_policies() {
        let text = fs::read_to_string(&path).unwrap();
        let file = SourceFile::new(path.display().to_string(), text.clone());
        let (policy, diags) = parse(&file);
        if policy.is_none() || diags.iter().any(|d| d.severity == Severity::Error) {
            // A syntax error: fmt reports it and leaves the file alone.
            assert!(format(&file).is_err(), "{}", path.display());
            continue;
        }
        format_checked(&path.display().to_string(), &text);
        formatted += 1;
    }
    // The five policies, the benchmark's policy, three fixtures, the evaluation and stacking
    // inputs, and most of the diagnostic corpus.
    assert!(formatted >= 60, "only {formatted} files were formatted");
}

// ---------------------------------------------------------------------------- layout

#[test]
fn layout_is_canonical_and_keeps_what_the_author_chose() {
    let src = "\
# 文件开头的注释


政策 \"示例\"{发文机关：\"某县\"；日期:2024年9月19日}
枚举   级别 有序{市级<省级  <国家级}
主体 企业 {
        标识 名称
   名称：文本 ; 年收入: 万元 按年   # 行尾注释
      # 独占一行的注释
   规模:级别 可选



   § 二(一) 「原文
      第二行」
   费用: 元
}
对于 企业{
令 a :元= 费用*30%   例外 若 规模=市级 则 费用/2
    补贴 补助甲 {当 a>0元
金额 a
    封顶 50万元
}
状态 达标:
    a ≥ 1万元
  && 非(规模 = 市级)
}
";
    let out = format_checked("layout.zc", src);
    insta::assert_snapshot!(out);
}

#[test]
fn english_keywords_stay_english() {
    let src = "policy \"x\" { issuer: \"y\" }\nsubject 企业 { key 名称; 名称: text; 费用: 元 }\nfor 企业 {\n  let a: 元 = 费用 × 30%\n  subsidy 甲 { when a more than 0元 && a < 1万元; amount a; cap 5万元 }\n}\n";
    let out = format_checked("en.zc", src);
    assert_eq!(
        out,
        "policy \"x\" { issuer: \"y\" }\nsubject 企业 { key 名称; 名称: text; 费用: 元 }\nfor 企业 {\n  let a: 元 = 费用 × 30%\n  subsidy 甲 { when a more than 0元 and a < 1万元; amount a; cap 5万元 }\n}\n"
    );
}

#[test]
fn a_formatted_file_is_left_as_it_is() {
    let src = "令 a = 1万元\n\n# 注\n状态 b: a > 0元\n";
    assert_eq!(format_checked("same.zc", src), src);
}

#[test]
fn a_syntax_error_is_reported_not_formatted() {
    let file = SourceFile::new("bad.zc", "令 a = \n");
    let diags = format(&file).unwrap_err();
    assert!(diags.iter().any(|d| d.code == Code::Syntax), "{diags:?}");
}

#[test]
fn a_text_that_changes_the_tree_or_loses_a_comment_is_refused() {
    let file: Arc<SourceFile> = SourceFile::new("a.zc", "令 a = 1 # 注\n");
    let (policy, _) = parse(&file);
    let policy = policy.unwrap();
    assert!(verify(&file, &policy, "令 a = 1 # 注\n").is_ok());
    let changed = verify(&file, &policy, "令 a = 2 # 注\n").unwrap_err();
    assert_eq!(changed.code, Code::FormatCheck);
    assert!(changed.message.en.contains("would change what the policy says"), "{changed:?}");
    let lost = verify(&file, &policy, "令 a = 1\n").unwrap_err();
    assert_eq!(lost.code, Code::FormatCheck);
    assert!(lost.message.en.contains("comment"), "{lost:?}");
    assert_eq!(lost.labels[0].loc.span.start, "令 a = 1 ".len());
}

// ---------------------------------------------------------------------------- expressions

/// An expression as text, with parentheses, operator spellings and line breaks chosen at random.
fn expr_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("a".to_string()),
        Just("费用".to_string()),
        Just("5万元".to_string()),
        Just("30%".to_string()),
        Just("2".to_string()),
        Just("是".to_string()),
        Just("\"文本\"".to_string()),
    ];
    leaf.prop_recursive(5, 40, 3, |inner| {
        let op = prop_oneof![
            Just("+"),
            Just("-"),
            Just("×"),
            Just("*"),
            Just("÷"),
            Just("/"),
            Just("且"),
            Just("或"),
            Just("&&"),
            Just("≥"),
            Just("不低于"),
            Just("<"),
            Just("="),
        ];
        let gap = prop_oneof![Just(" "), Just("\n"), Just(" # 注\n")];
        prop_oneof![
            (inner.clone(), gap.clone(), op, gap, inner.clone())
                .prop_map(|(l, g1, op, g2, r)| format!("{l}{g1}{op}{g2}{r}")),
            inner.clone().prop_map(|e| format!("({e})")),
            inner.clone().prop_map(|e| format!("-{e}")),
            inner.clone().prop_map(|e| format!("非 {e}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("最大({a},\n{b})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("若 {c} 则 {a} 否则 {b}")),
            inner.clone().prop_map(|e| format!("{e} 5家以上")),
            inner.prop_map(|e| format!("分档 {e} {{ 1: 2; 其他: 3 }}")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn expressions_read_back_as_the_same_tree(e in expr_text()) {
        let src = format!("令 x = {e}\n");
        let file = SourceFile::new("p.zc", src.clone());
        let (policy, diags) = parse(&file);
        prop_assume!(policy.is_some() && !diags.iter().any(|d| d.severity == Severity::Error));
        format_checked("p.zc", &src);
    }
}

// ---------------------------------------------------------------------------- command line

/// A fresh directory under the system temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("zhengce-fmt-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.0.join(rel);
        fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

struct Run {
    status: Status,
    out: String,
}

fn zhengce(args: &[&str]) -> Run {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let argv = std::iter::once("zhengce").chain(args.iter().copied());
    let status = run(argv, &Env { width: 100, ..Env::default() }, &mut out, &mut err);
    Run { status, out: String::from_utf8(out).unwrap() }
}

/// The output with the temporary directory replaced by `$DIR`.
fn redact(text: &str, dir: &Path) -> String {
    text.replace(&format!("{}/", dir.display()), "$DIR/")
}

const MESSY: &str = "令 a=1万元 # 注\n状态 b :a>0元\n";
const TIDY: &str = "令 a = 1万元  # 注\n状态 b: a > 0元\n";

#[test]
fn check_names_the_files_that_would_change_with_a_diff_and_exits_1() {
    let t = TempDir::new("check");
    let messy = t.write("messy.zc", MESSY);
    t.write("tidy.zc", TIDY);
    let r = zhengce(&["--lang", "en", "fmt", "--check", t.0.to_str().unwrap()]);
    assert_eq!(r.status, Status::Errors);
    insta::assert_snapshot!(redact(&r.out, &t.0));
    assert_eq!(fs::read_to_string(&messy).unwrap(), MESSY, "--check writes nothing");
}

#[test]
fn fmt_rewrites_the_files_that_change_and_only_those() {
    let t = TempDir::new("write");
    let messy = t.write("messy.zc", MESSY);
    let tidy = t.write("tidy.zc", TIDY);
    let r = zhengce(&["fmt", t.0.to_str().unwrap()]);
    assert_eq!(r.status, Status::Ok);
    assert_eq!(redact(&r.out, &t.0), "已格式化：$DIR/messy.zc\n已格式化 1 个文件，共 2 个\n");
    assert_eq!(fs::read_to_string(&messy).unwrap(), TIDY);
    assert_eq!(fs::read_to_string(&tidy).unwrap(), TIDY);
    // No temporary file is left behind.
    let mut names: Vec<String> = fs::read_dir(&t.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["messy.zc", "tidy.zc"]);
    let r = zhengce(&["fmt", "--check", t.0.to_str().unwrap()]);
    assert_eq!(r.status, Status::Ok);
    assert_eq!(r.out, "0 个文件需要格式化，共 2 个\n");
}

#[test]
fn a_file_with_a_syntax_error_is_reported_and_left_alone() {
    let t = TempDir::new("syntax");
    let bad = t.write("bad.zc", "令 a = \n");
    let messy = t.write("messy.zc", MESSY);
    let r = zhengce(&["--lang", "en", "--error-format", "plain", "fmt", t.0.to_str().unwrap()]);
    assert_eq!(r.status, Status::Errors);
    insta::assert_snapshot!(redact(&r.out, &t.0));
    assert_eq!(fs::read_to_string(&bad).unwrap(), "令 a = \n");
    assert_eq!(fs::read_to_string(&messy).unwrap(), TIDY, "the other files are formatted");
}

#[test]
fn a_missing_path_exits_2() {
    let t = TempDir::new("missing");
    let r = zhengce(&["fmt", "--check", t.0.join("none.zc").to_str().unwrap()]);
    assert_eq!(r.status, Status::Usage);
}

#[test]
fn the_bundled_policies_and_test_policies_are_formatted() {
    let dirs = ["policies", "benches", "tests/fixtures", "tests/eval", "tests/stack"];
    let paths: Vec<String> = dirs.iter().map(|d| root().join(d).display().to_string()).collect();
    let mut args = vec!["--lang", "en", "fmt", "--check"];
    args.extend(paths.iter().map(String::as_str));
    let r = zhengce(&args);
    assert!(
        r.out.starts_with("0 of ") && r.out.ends_with(" files would be reformatted\n"),
        "run `zhengce fmt {}`:\n{}",
        dirs.join(" "),
        r.out
    );
    assert_eq!(r.status, Status::Ok);
}

/// The layout does not depend on how the source was indented: every line of every bundled
/// policy moved to the left margin formats to the same text.
#[test]
fn indentation_does_not_matter() {
    for path in repo_policies().into_iter().filter(|p| !p.starts_with(root().join("tests/check"))) {
        let text = fs::read_to_string(&path).unwrap();
        let flat: String = text.lines().map(|l| format!("{}\n", l.trim_start())).collect();
        let name = path.display().to_string();
        let (Ok(a), Ok(b)) =
            (format(&SourceFile::new(&name, text)), format(&SourceFile::new(&name, flat)))
        else {
            continue;
        };
        assert_eq!(a, b, "{name}");
    }
}

#[test]
fn comments_stay_at_the_ends_of_their_lines_and_in_empty_blocks() {
    let src = "主体 企业 { # 开括号后\n  名称: 文本 # 字段后\n} # 闭括号后\n条件 空 全部 {\n  # 空块中的注释\n}\n令 a = 1 + # 运算符后\n  2\n";
    assert_eq!(
        format_checked("c.zc", src),
        "主体 企业 {  # 开括号后\n  名称: 文本  # 字段后\n}  # 闭括号后\n条件 空 全部 {\n  # 空块中的注释\n}\n令 a = 1 +  # 运算符后\n  2\n"
    );
}

#[test]
fn a_cap_on_the_line_after_a_condition_stays_a_cap() {
    // `当 a > 0元` then `最高不超过 5万元` on the next line is a condition and a cap, not a
    // comparison `a > 0元 ≤ 5万元`: the line break is what tells them apart, and it is kept.
    let src = "奖励 甲 {\n  当 a > 0元\n  最高不超过 5万元\n  金额 a\n}\n";
    assert_eq!(format_checked("cap.zc", src), src);
    let src = "奖励 甲 { 当 a > 0元 且 是\n最高不超过 5万元; 金额 a }\n";
    assert_eq!(
        format_checked("cap2.zc", src),
        "奖励 甲 {\n  当 a > 0元 且 是\n  最高不超过 5万元; 金额 a\n}\n"
    );
}

#[test]
fn a_cap_on_the_line_after_an_if_else_stays_a_cap() {
    // `若 … 则 … 否则 d` reads on into a comparison; `最高不超过` starting the next line is the
    // cap all the same, after an amount's exception, a `当` or a cap, and formatting keeps it.
    // Found by the policy_grammar fuzz target: `…否则 d;` then `最高不超过 e` on the next line
    // was formatted without the `;` and read back as `d 最高不超过 e` (ZC0190).
    for (name, src) in [
        (
            "exception.zc",
            "奖励 甲 {\n  金额 a 例外 若 b 则 若 c 则 1元 否则 2元\n  最高不超过 5万元\n}\n",
        ),
        ("amount.zc", "奖励 甲 {\n  金额 若 c 则 1元 否则 a + 2元\n  最高不超过 5万元\n}\n"),
        ("when.zc", "奖励 甲 {\n  当 若 c 则 b 否则 非 d\n  最高不超过 5万元\n  金额 a\n}\n"),
    ] {
        assert_eq!(format_checked(name, src), src);
        let (policy, _) = parse(&SourceFile::new(name, src));
        let Some(ItemKind::Award(award)) = policy.map(|p| p.items[0].node.kind.clone()) else {
            panic!("{name}: not an award");
        };
        let caps = award.clauses.iter().filter(|c| matches!(c.node, AwardClause::Cap(_))).count();
        assert_eq!(caps, 1, "{name}: {award:?}");
    }
    let src = "奖励 甲 { 金额 计 例外 若 a 则 若 b 则 c 否则 d;\n最高不超过 e }\n";
    assert_eq!(
        format_checked("fuzz.zc", src),
        "奖励 甲 {\n  金额 计 例外 若 a 则 若 b 则 c 否则 d\n  最高不超过 e\n}\n"
    );
}

/// The byte offsets of the spaces between tokens of a policy text: not in a comment, a text or
/// a quoted sentence.
fn spaces_between_tokens(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut close: Option<char> = None;
    for (i, c) in text.char_indices() {
        if let Some(end) = close {
            if c == end {
                close = None;
            }
            continue;
        }
        close = match c {
            '#' => Some('\n'),
            '"' => Some('"'),
            '“' => Some('”'),
            '「' => Some('」'),
            '『' => Some('』'),
            _ => None,
        };
        if c == ' ' {
            out.push(i);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Line breaks, blank lines and comments put between any two tokens of a fixture are kept
    /// (or the text does not parse, and is skipped), and the result is stable.
    #[test]
    fn breaks_and_comments_anywhere_are_kept(
        which in 0usize..2,
        edits in proptest::collection::vec((any::<proptest::sample::Index>(), 0usize..3), 1..8),
    ) {
        let file = ["tests/fixtures/all_constructs.zc", "tests/fixtures/all_constructs_en.zc"][which];
        let text = fs::read_to_string(root().join(file)).unwrap();
        let spaces = spaces_between_tokens(&text);
        let mut at: Vec<(usize, usize)> = edits.iter().map(|(i, k)| (i.index(spaces.len()), *k)).collect();
        at.sort();
        at.dedup_by_key(|(i, _)| *i);
        let mut edited = text.clone();
        for (i, kind) in at.iter().rev() {
            let pos = spaces[*i];
            let insert = ["\n", "\n\n", " # 注\n"][*kind];
            edited.replace_range(pos..pos + 1, insert);
        }
        let source = SourceFile::new(file, edited.clone());
        let (policy, diags) = parse(&source);
        prop_assume!(policy.is_some() && !diags.iter().any(|d| d.severity == Severity::Error));
        format_checked(file, &edited);
    }
}

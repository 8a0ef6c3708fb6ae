//! No input panics the parser or the checker, and every diagnostic points inside its file.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

use std::path::Path;
use std::sync::Arc;

use proptest::prelude::*;
use zhengce::checker::check_source;
use zhengce::diagnostics::{Code, Severity};
use zhengce::source::SourceFile;

/// Checks `text`; asserts every label lies on character boundaries inside the text. Returns
/// whether there was an error.
fn check_text(text: &str) -> bool {
    let file: Arc<SourceFile> = SourceFile::new("t.zc", text);
    let diags = check_source(&file);
    for d in diags.iter() {
        for l in &d.labels {
            let s = l.loc.span;
            assert!(
                s.start <= s.end && s.end <= text.len(),
                "{:?} outside {} bytes",
                s,
                text.len()
            );
            assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end), "{s:?}");
        }
        assert!(d.labels.iter().any(|l| l.primary), "{:?} has no primary label", d.code);
        assert!(!d.message.zh.is_empty() && !d.message.en.is_empty());
        assert_ne!(d.code, Code::Internal, "internal error on:\n{text}\n{d:?}");
    }
    diags.iter().any(|d| d.severity == Severity::Error)
}

fn fixtures() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in ["tests/fixtures", "policies"] {
        let Ok(entries) = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            if p.extension().is_some_and(|e| e == "zc") {
                out.push((p.display().to_string(), std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    assert!(!out.is_empty(), "no fixtures found");
    out
}

/// How many cut points per file the default test run tries; `cargo test -- --ignored` tries
/// every one (the cost grows with the square of a file's size).
const SAMPLED: usize = 300;

/// The character boundaries of `text`, every one when `all`, else at most [`SAMPLED`] evenly
/// spaced ones (deterministic).
fn cut_points(text: &str, all: bool) -> Vec<usize> {
    sampled_points(text, all, SAMPLED)
}

/// Like [`cut_points`], with at most `sampled` points when not `all`.
fn sampled_points(text: &str, all: bool, sampled: usize) -> Vec<usize> {
    let points: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    if all || points.len() <= sampled {
        return points;
    }
    let stride = points.len().div_ceil(sampled);
    points.into_iter().step_by(stride).collect()
}

#[test]
fn prefixes_of_every_fixture_check_without_panicking() {
    prefixes(false);
}

#[test]
#[ignore = "exhaustive: every cut point of every fixture; run with --ignored"]
fn every_prefix_of_every_fixture_checks_without_panicking() {
    prefixes(true);
}

#[test]
fn deleting_one_character_checks_without_panicking() {
    deletions(false);
}

#[test]
#[ignore = "exhaustive: every character of every fixture; run with --ignored"]
fn deleting_any_one_character_checks_without_panicking() {
    deletions(true);
}

#[test]
fn duplicating_one_character_checks_without_panicking() {
    edits(false, Edit::Duplicate);
}

#[test]
#[ignore = "exhaustive: every character of every fixture; run with --ignored"]
fn duplicating_any_one_character_checks_without_panicking() {
    edits(true, Edit::Duplicate);
}

#[test]
fn inserting_one_character_checks_without_panicking() {
    edits(false, Edit::Insert);
}

#[test]
#[ignore = "exhaustive: every position of every fixture; run with --ignored"]
fn inserting_a_character_anywhere_checks_without_panicking() {
    edits(true, Edit::Insert);
}

/// One-character edits besides deletion.
#[derive(Clone, Copy)]
enum Edit {
    /// The character at the cut point written twice.
    Duplicate,
    /// A character that changes the structure (a bracket, a quote, a keyword, a line break,
    /// a digit, an operator) inserted at the cut point; which one turns with the position, so
    /// that every one is tried at many places.
    Insert,
}

/// Characters inserted by [`Edit::Insert`].
const INSERTED: &[char] = &[
    '{', '}', '(', ')', '（', '）', '[', ']', '"', '“', '”', '「', '」', '#', '\n', ' ', '0', '9',
    '.', '%', '×', '/', '-', '=', '<', ':', '：', '，', '若', '则', '否', '年', '元', '§', '\u{0}',
];

fn edits(all: bool, edit: Edit) {
    for (_, text) in fixtures() {
        // Fewer points than for prefixes and deletions in the default run: a third of the cost
        // each; the exhaustive runs try every one.
        for (n, i) in sampled_points(&text, all, SAMPLED / 3).into_iter().enumerate() {
            let Some(c) = text[i..].chars().next() else { continue };
            let inserted = match edit {
                Edit::Duplicate => c,
                Edit::Insert => INSERTED[n % INSERTED.len()],
            };
            let mut t = String::with_capacity(text.len() + 4);
            t.push_str(&text[..i]);
            t.push(inserted);
            t.push_str(&text[i..]);
            check_text(&t);
        }
    }
}

fn prefixes(all: bool) {
    for (name, text) in fixtures() {
        for i in cut_points(&text, all) {
            let prefix = &text[..i];
            // A cut inside an open brace can never be a complete file.
            let open = prefix.matches('{').count() > prefix.matches('}').count();
            let has_error = check_text(prefix);
            assert!(
                !open || has_error,
                "{name}: prefix of {i} bytes has an open brace but no error"
            );
        }
    }
}

fn deletions(all: bool) {
    for (_, text) in fixtures() {
        for i in cut_points(&text, all) {
            let Some(c) = text[i..].chars().next() else { continue };
            let mut t = String::with_capacity(text.len());
            t.push_str(&text[..i]);
            t.push_str(&text[i + c.len_utf8()..]);
            check_text(&t);
        }
    }
}

#[test]
fn deeply_nested_input_is_a_diagnostic() {
    let text = format!("令 x = {}1{}", "(".repeat(5000), ")".repeat(5000));
    let file = SourceFile::new("t.zc", text);
    let diags = check_source(&file);
    assert!(diags.iter().any(|d| d.code == Code::NestingTooDeep));
}

/// Tokens of the language, so generated inputs reach past the first few rules.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("令".to_string()),
        Just("条件".to_string()),
        Just("全部".to_string()),
        Just("至少 2 项".to_string()),
        Just("奖励".to_string()),
        Just("金额".to_string()),
        Just("最高不超过".to_string()),
        Just("对于".to_string()),
        Just("主体".to_string()),
        Just("评分".to_string()),
        Just("分档".to_string()),
        Just("例外 若".to_string()),
        Just("则".to_string()),
        Just("否则".to_string()),
        Just("以上".to_string()),
        Just("不低于".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just(":".to_string()),
        Just("=".to_string()),
        Just("×".to_string()),
        Just("+".to_string()),
        Just("§ 五(三)".to_string()),
        Just("「原文」".to_string()),
        Just("补贴".to_string()),
        Just("企业".to_string()),
        Just("\n".to_string()),
        "[0-9]{1,30}(\\.[0-9]{1,30})?(万元|元|%|家|个百分点|元/㎡/年|分)?",
        "\\PC{0,4}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn token_soup_never_panics(tokens in proptest::collection::vec(token(), 0..40)) {
        check_text(&tokens.join(" "));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        check_text(&text);
    }
}

#[test]
fn long_chains_of_prefix_operators_and_ifs_are_a_diagnostic() {
    for text in [
        format!("令 x = {}a", "非 ".repeat(20000)),
        format!("令 x = {}1", "-".repeat(20000)),
        format!("令 x = {}1{}", "若 a 则 ".repeat(3000), " 否则 2".repeat(3000)),
        format!("令 x = {}a", "not ".repeat(100)),
    ] {
        let file = SourceFile::new("t.zc", text);
        let diags = check_source(&file);
        assert!(diags.iter().any(|d| d.code == Code::NestingTooDeep), "{:?}", diags.sorted());
    }
    // Within the limit, nesting is fine.
    let ok = format!("令 x = {}1\n§ 一\n状态 s: x > 0", "- ".repeat(10));
    assert!(!check_text(&ok));
}

#[test]
fn comments_texts_and_quotes_do_not_count_as_nesting() {
    let dashes = "-".repeat(100);
    let parens = "(".repeat(100);
    let text = format!(
        "# {dashes}\n// {parens}\n§ 一 「{parens}」\n令 x = \"{parens}\"\n§ 二\n状态 s: x = \"a\"\n"
    );
    let file = SourceFile::new("t.zc", text);
    let diags = check_source(&file);
    assert!(!diags.iter().any(|d| d.code == Code::NestingTooDeep), "{:?}", diags.sorted());
}

//! The diagnostics corpus: every `.zc` file in `tests/check/` is checked in both languages and
//! its output compared with a snapshot in `tests/check/snapshots/`.
//!
//! The first line of each file is a comment giving the command it runs, `# zhengce check` with
//! any further options (`--error-format json`); the harness adds the file's path and `--lang zh`
//! or `--lang en`, and runs [`zhengce::cli::run`] in memory without colour at width 100.
//!
//! Besides the snapshots, the names are checked without them: a file `ZCxxxx_*.zc` must report
//! `ZCxxxx` and a file `ok_*.zc` must report nothing at all. To review changed snapshots, run
//! `INSTA_UPDATE=new INSTA_FORCE_PASS=1 cargo test --test check_corpus` and read the `.snap.new`
//! files (or use `cargo insta review`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use zhengce::cli::{Env, Status, run};
use zhengce::diagnostics::Code;

/// The corpus, relative to the package root (the directory `cargo test` runs tests in), so that
/// the paths in the output do not depend on where the repository is.
const CORPUS: &str = "tests/check";

/// The environment of every run: no locale, no colour, width 100.
fn env() -> Env {
    Env { color: false, width: 100, ..Env::default() }
}

struct Run {
    status: Status,
    out: String,
    err: String,
}

fn zhengce(args: &[String]) -> Run {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let argv = std::iter::once("zhengce".to_string()).chain(args.iter().cloned());
    let status = run(argv, &env(), &mut out, &mut err);
    Run { status, out: String::from_utf8(out).unwrap(), err: String::from_utf8(err).unwrap() }
}

/// The corpus files, sorted.
fn corpus() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "zc"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .zc files in {CORPUS}");
    files
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_str().unwrap().to_string()
}

/// The options the file's first line asks for: `# zhengce check --error-format json` gives
/// `["--error-format", "json"]`.
fn header_options(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let first = text.lines().next().unwrap_or("");
    let command = first
        .strip_prefix('#')
        .map(str::trim)
        .and_then(|c| c.strip_prefix("zhengce check"))
        .unwrap_or_else(|| {
            panic!("{}: the first line must be `# zhengce check [OPTIONS]`", path.display())
        });
    let options: Vec<String> = command.split_whitespace().map(str::to_string).collect();
    assert!(
        !options.iter().any(|o| o.starts_with("--lang")),
        "{}: the harness runs both languages; leave `--lang` out of the header",
        path.display()
    );
    options
}

/// `check PATH OPTIONS... --lang LANG`.
fn check_args(path: &Path, options: &[String], lang: &str) -> Vec<String> {
    let mut args = vec!["check".to_string(), path.to_str().unwrap().to_string()];
    args.extend(options.iter().cloned());
    args.extend(["--lang".to_string(), lang.to_string()]);
    args
}

#[test]
fn snapshots() {
    for path in corpus() {
        let options = header_options(&path);
        for lang in ["zh", "en"] {
            let args = check_args(&path, &options, lang);
            let r = zhengce(&args);
            let mut shown = format!("exit status: {}\n", r.status.code());
            shown.push_str(&r.out);
            if !r.err.is_empty() {
                shown.push_str("--- stderr\n");
                shown.push_str(&r.err);
            }
            assert!(!shown.contains('\u{1b}'), "{}: colour codes in the output", path.display());
            insta::with_settings!({
                snapshot_path => "check/snapshots",
                prepend_module_to_snapshot => false,
                input_file => &path,
                description => format!("zhengce {}", args.join(" ")),
                omit_expression => true,
            }, {
                insta::assert_snapshot!(format!("{}@{lang}", stem(&path)), shown);
            });
        }
    }
}

/// The codes a file reports, from `--error-format json`.
fn codes_of(path: &Path) -> (Status, Vec<String>) {
    let args = check_args(path, &["--error-format".to_string(), "json".to_string()], "en");
    let r = zhengce(&args);
    let v: serde_json::Value = serde_json::from_str(&r.out)
        .unwrap_or_else(|e| panic!("{}: not JSON ({e}):\n{}", path.display(), r.out));
    let codes =
        v.as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect();
    (r.status, codes)
}

/// The code a corpus file is named after: `ZC0201` for `ZC0201_unknown_name.zc`.
fn named_code(stem: &str) -> Option<&str> {
    let (code, rest) = stem.split_once('_')?;
    (Code::from_id(code).is_some() && !rest.is_empty()).then_some(code)
}

#[test]
fn each_file_reports_the_code_it_is_named_after() {
    let mut problems = Vec::new();
    for path in corpus() {
        let name = stem(&path);
        let (status, codes) = codes_of(&path);
        if name.starts_with("ok_") {
            if !codes.is_empty() || status != Status::Ok {
                problems.push(format!("{name}: expected no diagnostics, got {codes:?}"));
            }
        } else if let Some(code) = named_code(&name) {
            if !codes.iter().any(|c| c == code) {
                problems.push(format!("{name}: expected {code} among {codes:?}"));
            }
            if status == Status::Usage {
                problems.push(format!("{name}: exit status 2 (a usage or file problem)"));
            }
        } else {
            problems
                .push(format!("{name}: corpus files are named `ZCxxxx_what.zc` or `ok_what.zc`"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The codes `check` reports about a policy's text. Not among them: ZC0190 and ZC0199 (internal
/// errors of the formatter and the parser, which no policy should trigger), ZC06xx and ZC07xx (data and evaluation), ZC09xx (files and
/// usage).
fn check_codes() -> Vec<Code> {
    Code::ALL
        .iter()
        .copied()
        .filter(|c| c.id() < "ZC0600" && !matches!(c, Code::Internal | Code::FormatCheck))
        .collect()
}

#[test]
fn every_code_check_reports_has_a_file() {
    let named: BTreeSet<String> =
        corpus().iter().filter_map(|p| named_code(&stem(p)).map(str::to_string)).collect();
    let missing: Vec<&str> =
        check_codes().into_iter().map(Code::id).filter(|id| !named.contains(*id)).collect();
    assert!(missing.is_empty(), "no file in {CORPUS} for {missing:?}");
}

#[test]
fn checking_the_corpus_twice_gives_identical_output() {
    for format in ["human", "plain", "json"] {
        for lang in ["zh", "en"] {
            let args: Vec<String> = ["check", CORPUS, "--error-format", format, "--lang", lang]
                .map(String::from)
                .into();
            let (a, b) = (zhengce(&args), zhengce(&args));
            assert_eq!(a.status, b.status, "{format} {lang}");
            assert!(a.out == b.out, "{format} {lang}: standard output differs between two runs");
            assert!(a.err == b.err, "{format} {lang}: standard error differs between two runs");
            assert!(!a.out.is_empty());
        }
    }
}

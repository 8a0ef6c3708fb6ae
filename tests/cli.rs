//! The command line end to end: exit statuses, streams and formats.

// Test helpers outside `#[test]` functions: a failed set-up should stop the test.
#![allow(clippy::unwrap_used, reason = "a test fails loudly on a broken expectation")]

use std::fs;
use std::path::{Path, PathBuf};

use zhengce::cli::{Env, Status, run};

/// A fresh directory under the system temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("zhengce-cli-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.0.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
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
    err: String,
}

fn zhengce(args: &[&str], env: &Env) -> Run {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let argv = std::iter::once("zhengce").chain(args.iter().copied());
    let status = run(argv, env, &mut out, &mut err);
    Run { status, out: String::from_utf8(out).unwrap(), err: String::from_utf8(err).unwrap() }
}

fn env() -> Env {
    Env { width: 100, ..Env::default() }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn clean_files_exit_0_with_a_summary() {
    let t = TempDir::new("clean");
    t.write("a.zc", "令 补贴 = 1万元\n§ 一 「原文」\n状态 有补贴: 补贴 > 0元\n");
    let r = zhengce(&["check", s(&t.0)], &env());
    assert_eq!(r.status, Status::Ok);
    assert_eq!(r.out, "未发现问题\n");
    assert_eq!(r.err, "");
    let r = zhengce(&["--lang", "en", "check", s(&t.0)], &env());
    assert_eq!(r.out, "no problems found\n");
}

#[test]
fn a_missing_path_exits_2_and_the_other_files_are_still_checked() {
    let t = TempDir::new("missing");
    let a = t.write("a.zc", "");
    let missing = t.0.join("b.zc");
    let r = zhengce(&["check", "--error-format", "plain", s(&missing), s(&a)], &env());
    assert_eq!(r.status, Status::Usage);
    assert_eq!(
        r.out,
        format!(
            "error[ZC0901]: 无法读取 `{}`：文件或目录不存在\n  = help: 你是不是想写 `{}`？\n1 个错误\n",
            missing.display(),
            a.display()
        )
    );
}

#[test]
fn a_directory_without_policy_files_exits_2() {
    let t = TempDir::new("empty");
    t.write("notes.txt", "");
    let r = zhengce(&["check", s(&t.0), "--lang", "en"], &env());
    assert_eq!(r.status, Status::Usage);
    assert!(r.out.contains("ZC0902"), "{}", r.out);
    assert!(r.out.ends_with("\n1 error\n"), "{}", r.out);
}

#[test]
fn json_keeps_stdout_a_single_document() {
    let t = TempDir::new("json");
    let r = zhengce(&["check", "--error-format", "json", s(&t.0.join("无.zc"))], &env());
    assert_eq!(r.status, Status::Usage);
    let v: serde_json::Value = serde_json::from_str(&r.out).unwrap();
    assert_eq!(v[0]["code"], "ZC0901");
    assert_eq!(r.err, "1 个错误\n");
}

#[test]
fn the_language_comes_from_the_environment_unless_given() {
    let t = TempDir::new("lang");
    let missing = t.0.join("无.zc");
    let english = Env { lang: Some("en_US.UTF-8".into()), ..env() };
    let r = zhengce(&["check", "--error-format", "plain", s(&missing)], &english);
    assert!(r.out.starts_with("error[ZC0901]: cannot read"), "{}", r.out);
    let r = zhengce(&["check", "--lang", "zh", "--error-format", "plain", s(&missing)], &english);
    assert!(r.out.starts_with("error[ZC0901]: 无法读取"), "{}", r.out);
    let chinese = Env { lc_all: Some("zh_CN.UTF-8".into()), ..english };
    let r = zhengce(&["check", "--error-format", "plain", s(&missing)], &chinese);
    assert!(r.out.starts_with("error[ZC0901]: 无法读取"), "{}", r.out);
}

#[test]
fn explain_code_prints_the_page() {
    let r = zhengce(&["explain-code", "zc0201"], &env());
    assert_eq!(r.status, Status::Ok);
    assert!(r.out.starts_with("# ZC0201 "), "{}", r.out);
    assert_eq!(r.err, "");
}

#[test]
fn explain_code_of_an_unknown_code_suggests_and_exits_2() {
    let r = zhengce(&["--lang", "en", "explain-code", "ZC0221"], &env());
    assert_eq!(r.status, Status::Usage);
    assert_eq!(r.out, "");
    assert!(r.err.contains("ZC0903"), "{}", r.err);
    assert!(r.err.contains("did you mean `ZC0201`"), "{}", r.err);
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    for args in [&["check"][..], &["--lang", "fr", "check", "a.zc"], &["frobnicate"], &[]] {
        let r = zhengce(args, &env());
        assert_eq!(r.status, Status::Usage, "{args:?}");
        assert!(
            r.err.contains("ZC0904") || (args.is_empty() && r.err.contains("zhengce")),
            "{args:?}: {}",
            r.err
        );
        assert_eq!(r.out, "", "{args:?}");
    }
    let r = zhengce(&["--help"], &env());
    assert_eq!(r.status, Status::Ok);
    assert!(r.out.contains("explain-code"), "{}", r.out);
    assert!(r.out.contains("诊断与报告的语言"), "{}", r.out);
}

#[test]
fn the_binary_exits_with_the_status() {
    let bin = env!("CARGO_BIN_EXE_zhengce");
    let t = TempDir::new("bin");
    t.write("a.zc", "");
    let ok = std::process::Command::new(bin).args(["check", s(&t.0)]).output().unwrap();
    assert_eq!(ok.status.code(), Some(0));
    let missing = std::process::Command::new(bin)
        .args(["check", s(&t.0.join("无.zc"))])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    let usage = std::process::Command::new(bin).arg("check").output().unwrap();
    assert_eq!(usage.status.code(), Some(2));
}

/// A command line clap cannot parse is `ZC0904` in the chosen language and error format: the
/// usage errors of a Chinese run are Chinese (a C locale names no language: Chinese), with the
/// option that comes close or the values there are.
#[test]
fn usage_errors_speak_the_chosen_language() {
    let c_locale = Env { lang: Some("C.UTF-8".into()), ..env() };
    let r = zhengce(&["eval", "policies", "--formt", "csv", "--error-format", "plain"], &c_locale);
    assert_eq!(r.status, Status::Usage);
    assert_eq!(
        r.err,
        "--formt:1:1: error[ZC0904]: 没有选项 `--formt`\n  = help: 你是不是想写 `--format`？\n"
    );
    let r = zhengce(
        &["eval", "policies", "--format", "cvs", "--lang", "en", "--error-format", "plain"],
        &c_locale,
    );
    assert_eq!(r.status, Status::Usage);
    assert!(r.err.starts_with("--format:1:1: error[ZC0904]: `--format` does not take the value `cvs`\n  = help: the values are: `text`, `json`,"), "{}", r.err);
    let english = Env { lang: Some("en_US.UTF-8".into()), ..env() };
    let r = zhengce(&["--lang", "zh", "--error-format", "plain", "evl"], &english);
    assert_eq!(
        r.err,
        "evl:1:1: error[ZC0904]: 没有子命令 `evl`\n  = help: 你是不是想写 `help` 或 `eval`？\n"
    );
    // --help is still help, on standard output, and says that --lang sets the reports' language.
    let r = zhengce(&["--help"], &english);
    assert_eq!(r.status, Status::Ok);
    assert!(r.out.contains("Language of diagnostics and of reports"), "{}", r.out);
}

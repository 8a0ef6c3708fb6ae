//! README runs as written: every `zhengce …` line of a code block in README.md and docs/ is run,
//! in file order, in a copy of the bundled policies, and must succeed. The few inputs the docs
//! take for granted (an officer's own register `企业登记.xlsx`/`.csv`, a revised draft `修订稿.zc`,
//! a changed copy `zezhou-new.zc`) are made first; registers of more than 2,000 rows are made
//! with 2,000 (the commands are the docs', the sizes are the test's).

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
use std::process::Command;

/// The `zhengce` command lines of the fenced code blocks of a Markdown file, comments removed.
fn commands(path: &Path) -> Vec<(usize, String)> {
    let text = fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    let mut in_block = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        let line = line.trim();
        if in_block && (line.starts_with("zhengce ") || line == "zhengce") {
            let command = line.split(" #").next().unwrap_or(line).trim().to_string();
            out.push((i + 1, command));
        }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}

fn run(dir: &Path, args: &[String]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args(args)
        .current_dir(dir)
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap()
}

fn zhengce(dir: &Path, line: &str) -> std::process::Output {
    let args: Vec<String> = line.split_whitespace().skip(1).map(String::from).collect();
    run(dir, &args)
}

#[test]
fn every_command_in_readme_and_docs_runs() {
    let dir = std::env::temp_dir().join(format!("zhengce-doc-commands-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    copy_dir(Path::new("policies"), &dir.join("policies"));
    copy_dir(Path::new("benches"), &dir.join("benches"));
    copy_dir(Path::new("tests/members"), &dir.join("tests/members"));
    // What the docs take for granted: an officer's register, a revised draft, a changed copy.
    let made =
        zhengce(&dir, "zhengce gen policies/zezhou.zc --kind 企业 --rows 20 --out 企业登记.xlsx");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let made = zhengce(
        &dir,
        "zhengce template policies/zezhou.zc --kind 企业 --format csv --out 企业登记.csv",
    );
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let register =
        fs::read_to_string(dir.join("企业登记.csv")).unwrap().replacen("\n示例,", "\n甲公司,", 1);
    fs::write(dir.join("企业登记.csv"), register).unwrap();
    let zezhou = fs::read_to_string("policies/zezhou.zc").unwrap();
    fs::write(
        dir.join("修订稿.zc"),
        zezhou.replace("金额 20元/㎡/年 × 孵化面积", "金额 25元/㎡/年 × 孵化面积"),
    )
    .unwrap();
    fs::write(dir.join("zezhou-new.zc"), &zezhou).unwrap();

    let mut files: Vec<PathBuf> = vec![PathBuf::from("README.md")];
    let mut docs: Vec<PathBuf> = fs::read_dir("docs")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    let mut ran = 0;
    let mut failed = Vec::new();
    for file in &files {
        for (line_no, command) in commands(file) {
            // The test's sizes: a register of at most 2,000 rows.
            let mut words: Vec<String> = command.split_whitespace().map(String::from).collect();
            for i in 1..words.len() {
                if words[i - 1] == "--rows" && words[i].parse::<u64>().is_ok_and(|n| n > 2000) {
                    words[i] = "2000".into();
                }
            }
            let out = run(&dir, &words[1..]);
            ran += 1;
            if !out.status.success() {
                failed.push(format!(
                    "{}:{line_no}: `{command}` exited {:?}\n{}",
                    file.display(),
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr)
                        .lines()
                        .take(8)
                        .collect::<Vec<_>>()
                        .join("\n")
                ));
            }
        }
    }
    let _ = fs::remove_dir_all(&dir);
    assert!(ran >= 30, "only {ran} commands found");
    assert!(
        failed.is_empty(),
        "{} of {ran} commands failed:\n{}",
        failed.len(),
        failed.join("\n\n")
    );
}

//! `--out FILE` without `--format` writes the format the extension names; a `--format` that
//! contradicts the extension is refused (exit 2, nothing written).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails loudly on a broken expectation"
)]

use std::path::PathBuf;
use std::process::Command;

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("zhengce-out-ext-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn zhengce(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_zhengce")).args(args).output().unwrap()
}

/// Whether the file is a zip archive (an xlsx workbook).
fn is_zip(p: &PathBuf) -> bool {
    std::fs::read(p).unwrap().starts_with(b"PK\x03\x04")
}

#[test]
fn the_extension_chooses_the_format() {
    let d = dir();
    let xlsx = d.join("模板.xlsx");
    let o = zhengce(&[
        "template",
        "policies/zezhou.zc",
        "--kind",
        "企业",
        "--out",
        xlsx.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(is_zip(&xlsx));
    let toml = d.join("模板.toml");
    let o = zhengce(&[
        "template",
        "policies/zezhou.zc",
        "--kind",
        "企业",
        "--out",
        toml.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert!(std::fs::read_to_string(&toml).unwrap().contains("[[subjects]]"));
    let json = d.join("结果.json");
    let o = zhengce(&[
        "eval",
        "policies/zezhou.zc",
        "--data",
        "policies/zezhou.企业.toml",
        "--out",
        json.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!(v.get("subjects").is_some());
    let book = d.join("结果.xlsx");
    let o = zhengce(&[
        "eval",
        "policies/zezhou.zc",
        "--data",
        "policies/zezhou.企业.toml",
        "--out",
        book.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert!(is_zip(&book));
    // An extension that names no format: the default (text for eval).
    let txt = d.join("结果.out");
    let o = zhengce(&[
        "eval",
        "policies/zezhou.zc",
        "--data",
        "policies/zezhou.企业.toml",
        "--out",
        txt.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert!(!is_zip(&txt) && !std::fs::read_to_string(&txt).unwrap().starts_with('{'));
}

#[test]
fn a_format_that_contradicts_the_extension_is_refused() {
    let d = dir();
    let xlsx = d.join("错的.xlsx");
    let o = zhengce(&[
        "--lang",
        "en",
        "template",
        "policies/zezhou.zc",
        "--kind",
        "企业",
        "--format",
        "csv",
        "--out",
        xlsx.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("`--format csv` does not match the extension"), "{err}");
    assert!(!xlsx.exists());
    // The same format as the extension, and basis written to a Markdown file, are fine.
    let md = d.join("依据.md");
    let o = zhengce(&[
        "eval",
        "policies/zezhou.zc",
        "--data",
        "policies/zezhou.企业.toml",
        "--format",
        "basis",
        "--out",
        md.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// An extension naming a format the command does not write is refused (exit 2, nothing
/// written), with or without `--format`: before, `gen --out 登记簿.json` and `template --out
/// 模板.json` wrote CSV text, `simulate` and `diff --out X.csv` a text report, under those names.
/// An extension that names no format (`.txt`) takes the command's own.
#[test]
fn an_extension_naming_a_format_the_command_does_not_write_is_refused() {
    let d = dir();
    let data = "policies/zezhou.企业.toml";
    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        ("登记簿.json", vec!["gen", "policies/zezhou.zc", "--kind", "企业", "--rows", "3"], "gen"),
        ("模板.json", vec!["template", "policies/zezhou.zc", "--kind", "企业"], "template"),
        (
            "模板2.json",
            vec!["template", "policies/zezhou.zc", "--kind", "企业", "--format", "csv"],
            "template",
        ),
        (
            "测算.csv",
            vec!["simulate", "policies/zezhou.zc", "--kind", "企业", "--data", data],
            "simulate",
        ),
        ("结果.html", vec!["eval", "policies/zezhou.zc", "--kind", "企业", "--data", data], "eval"),
    ];
    for (name, args, command) in cases {
        let out = d.join(name);
        let mut all = vec!["--lang", "en", "--error-format", "plain"];
        all.extend(args);
        all.extend(["--out", out.to_str().unwrap()]);
        let o = zhengce(&all);
        assert_eq!(o.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&o.stderr);
        let ext = name.rsplit('.').next().unwrap();
        assert!(
            err.contains(&format!(
                "`zhengce {command}` does not write the format the extension of `{}` names ({ext})",
                out.display()
            )),
            "{name}: {err}"
        );
        assert!(!out.exists(), "{name}: nothing is written");
    }
    // `.txt` names no format: the template is CSV, as without `--out`.
    let txt = d.join("模板.txt");
    let o = zhengce(&[
        "template",
        "policies/zezhou.zc",
        "--kind",
        "企业",
        "--out",
        txt.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read_to_string(&txt).unwrap().starts_with("企业名称,"));
}

//! The limits that keep any input from exhausting time or memory (`src/limits.rs`): each one
//! passed is a coded diagnostic, never a crash, a hang or a silent cut.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use zhengce::data::load;
use zhengce::diagnostics::Code;
use zhengce::limits::{MAX_COLUMNS, MAX_POLICY_BYTES, MAX_ROWS};

/// A fresh folder under the target directory, removed when dropped.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let p = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("limits-{name}"));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }
    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs zhengce; (exit code, stdout, stderr as plain English diagnostics).
fn zhengce(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args(args)
        .args(["--lang", "en", "--error-format", "plain"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        // Diagnostics: standard error, or standard output for `check`.
        format!("{}{}", String::from_utf8_lossy(&out.stderr), String::from_utf8_lossy(&out.stdout)),
    )
}

fn codes(name: &str, bytes: &[u8]) -> Vec<Code> {
    let (raw, d) = load(name, bytes);
    assert!(raw.is_none(), "{name}: the data is not returned");
    d.iter().map(|d| d.code).collect()
}

#[test]
fn a_policy_larger_than_the_limit_is_refused_before_reading() {
    let dir = Dir::new("big-policy");
    let line = "# 注释\n";
    let big = line.repeat(usize::try_from(MAX_POLICY_BYTES).unwrap() / line.len() + 1);
    let p = dir.write("big.zc", big);
    let (code, _, err) = zhengce(&["check", p.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("error[ZC0905]") && err.contains("the limit is 1 MiB"), "{err}");
}

#[test]
fn a_device_that_never_ends_stops_at_the_limit() {
    if !Path::new("/dev/zero").exists() {
        return;
    }
    let (code, _, err) = zhengce(&["check", "/dev/zero"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("error[ZC0905]"), "{err}");
}

#[test]
fn rows_and_columns_past_the_limits_are_refused() {
    let mut csv = String::from("名称\n");
    for i in 0..=MAX_ROWS {
        csv.push_str(&format!("{i}\n"));
    }
    assert_eq!(codes("a.csv", csv.as_bytes()), [Code::DataTooLarge]);
    let header: Vec<String> = (0..=MAX_COLUMNS).map(|i| format!("c{i}")).collect();
    let csv = format!("{}\n1\n", header.join(","));
    assert_eq!(codes("a.csv", csv.as_bytes()), [Code::DataTooLarge]);
    // At the limits exactly, the file is read.
    let header: Vec<String> = (0..MAX_COLUMNS).map(|i| format!("c{i}")).collect();
    let (raw, _) = load("a.csv", format!("{}\n1\n", header.join(",")).as_bytes());
    assert_eq!(raw.unwrap().table.unwrap().columns.len(), MAX_COLUMNS);
}

/// A workbook that names its last cell, `XFD1048576`, once made the reader allocate the whole
/// rectangle up to it (half a terabyte) and abort. Cells are read one at a time now.
#[test]
fn a_far_spreadsheet_cell_costs_only_itself() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "名称").unwrap();
    ws.write_string(1, 0, "甲").unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    let (raw, d) = load("a.xlsx", &wb.save_to_buffer().unwrap());
    let t = raw.unwrap().table.unwrap();
    assert_eq!(t.rows.len(), 2, "the subject's row and the far cell's row");
    let d = d.sorted();
    assert_eq!(d.len(), 1);
    assert_eq!(
        d[0].message.en,
        "cell `Sheet1!XFD1048576`: this cell is in a column without a header"
    );
}

const YEARLY: &str = "\
主体 企业 {
  标识 名称
  名称: 文本
  收入: 元 按年
}
对于 企业 {
  令 一重: 元 = 累计(收入)
  令 十重: 元 = 累计(累计(累计(累计(累计(累计(累计(累计(累计(累计(收入))))))))))
}
";

#[test]
fn nested_yearly_functions_stop_at_the_step_limit() {
    let dir = Dir::new("steps");
    let p = dir.write("p.zc", YEARLY);
    // Thirty years of data: ten nested 累计 would take about 30^10 / 10! (5×10^7) steps.
    let header: Vec<String> = (1995..2025).map(|y| format!("收入[{y}]")).collect();
    let values: Vec<&str> = (1995..2025).map(|_| "1").collect();
    let data =
        dir.write("p.企业.csv", format!("名称,{}\n甲,{}\n", header.join(","), values.join(",")));
    let (code, out, err) = zhengce(&[
        "eval",
        p.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error[ZC0706]"), "{err}");
    assert!(err.contains("more than 10000000 steps were taken"), "{err}");
    // The other rule is evaluated as usual: thirty years of 1元.
    assert!(out.contains("\"number\": \"30\""), "{out}");
}

#[test]
fn decimal_range_and_scale_are_diagnostics() {
    let dir = Dir::new("decimal");
    let policy = "\
主体 企业 {
  标识 名称
  名称: 文本
  金额: 元
  份数: 个
}
对于 企业 {
  令 立方: 元 = 金额 × 金额 / 1元 × 金额 / 1元
  令 每份: 元 = 金额 / 份数 × 1个
}
";
    let p = dir.write("p.zc", policy);
    let data = dir.write("p.企业.csv", "名称,金额(元),份数(个)\n甲,10000000000,0\n");
    let (code, _, err) = zhengce(&["eval", p.to_str().unwrap(), "--data", data.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error[ZC0702]"), "10^30 does not fit in 28 digits: {err}");
    assert!(err.contains("error[ZC0701]"), "{err}");
    // A literal or a cell beyond 28 digits is refused where it is written.
    let (code, _, err) = zhengce(&[
        "check",
        dir.write("q.zc", "令 x = 123456789012345678901234567890元\n").to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error[ZC0102]"), "{err}");
    let data =
        dir.write("p2.企业.csv", "名称,金额(元),份数(个)\n甲,0.12345678901234567890123456789,1\n");
    let (code, _, err) = zhengce(&["eval", p.to_str().unwrap(), "--data", data.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error[ZC0603]"), "{err}");
}

const IMPORTED: &str = "\
主体 企业 {
  标识 名称
  名称: 文本
  费用: 元
}
对于 企业 {
  § 一 「补助」
  补助 专精特新奖励 { 金额 费用 × 10% }
}
";

/// A policy importing `path` and stacking an award of it.
fn importing(path: &str) -> String {
    format!(
        "引用 \"{path}\" 为 甲\n§ 五 「按“就高不重复”原则执行」\n叠加 专精特新 就高不重复 {{ 甲.专精特新奖励 }}\n"
    )
}

#[cfg(unix)]
#[test]
fn imports_stay_inside_the_policy_root() {
    let dir = Dir::new("imports");
    std::fs::create_dir_all(dir.0.join("root/sub")).unwrap();
    dir.write("outside.zc", IMPORTED);
    dir.write("root/sub/inside.zc", IMPORTED);
    std::os::unix::fs::symlink(dir.0.join("outside.zc"), dir.0.join("root/out_link.zc")).unwrap();
    std::os::unix::fs::symlink(dir.0.join("root/sub/inside.zc"), dir.0.join("root/in_link.zc"))
        .unwrap();
    let check = |import: &str| {
        let p = dir.write("root/p.zc", importing(import));
        zhengce(&["check", p.to_str().unwrap()])
    };
    let label = |import: &str| {
        let file = zhengce::source::SourceFile::new(
            dir.0.join("root/p.zc").display().to_string(),
            importing(import),
        );
        let d = zhengce::check::check_sources(&[file]).sorted();
        assert_eq!(d.len(), 1, "{d:?}");
        d[0].labels[0].text.en.clone()
    };
    for (import, why) in [
        ("../outside.zc", "`..` leads out of the folder"),
        ("sub/../../outside.zc", "`..` leads out of the folder"),
        (dir.0.join("outside.zc").to_str().unwrap(), "an absolute path"),
        ("out_link.zc", "a symbolic link leads out of the policy root"),
    ] {
        let (code, _, out) = check(import);
        assert_eq!(code, 1, "{import}: {out}");
        assert!(out.contains("error[ZC0211]"), "{import}: {out}");
        assert_eq!(label(import), why);
        assert!(!out.contains("ZC0210"), "the file is not read: {out}");
    }
    for import in ["sub/inside.zc", "./sub/inside.zc", "in_link.zc"] {
        let (code, _, out) = check(import);
        assert_eq!(code, 0, "{import}: {out}");
    }
    // `eval` refuses the import too, before reading it.
    let p = dir.write(
        "root/p.zc",
        format!("{IMPORTED}{}", importing("out_link.zc")).replace("专精特新奖励 {", "本地奖励 {"),
    );
    let data = dir.write("root/p.企业.csv", "名称,费用(元)\n甲公司,100\n");
    let (code, _, err) = zhengce(&["eval", p.to_str().unwrap(), "--data", data.to_str().unwrap()]);
    assert_ne!(code, 0, "{err}");
    assert!(err.contains("error[ZC0211]"), "{err}");
}

//! The evaluation corpus: every `.zc` file in `tests/eval/` is a policy with its sample data
//! beside it (`NAME.SUBJECT.toml`, `.csv`, `.json` or `.xlsx`), and begins with the commands
//! to run on it, one comment line each:
//!
//! ```text
//! # zhengce eval --format json
//! # zhengce explain --subject 乙公司 县内成果转化补助
//! # zhengce schema --format json
//! ```
//!
//! The harness puts the policy's path after the subcommand, adds `--lang zh` unless the line
//! gives `--lang`, and runs [`zhengce::cli::run`] in memory without colour at width 100. Each
//! command's exit status, standard output and standard error are compared with a snapshot in
//! `tests/eval/snapshots/`, named after the file and the command. For `--format xlsx` the
//! harness writes the workbook to a temporary file (`--out`) and the snapshot shows its sheets
//! as read back, every cell with its type and number format.
//!
//! The xlsx sample data (`rd_subsidy.企业.xlsx`) is committed; [`rd_subsidy_workbook`] writes
//! it, and a test checks that the committed file holds what that function writes. To write it
//! again: `ZHENGCE_WRITE_FIXTURES=1 cargo test --test eval_corpus`.
//!
//! To review changed snapshots, run `INSTA_UPDATE=new INSTA_FORCE_PASS=1 cargo test --test
//! eval_corpus` and read the `.snap.new` files (or use `cargo insta review`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod eval_common;

use std::path::{Path, PathBuf};

use eval_common::{dump_workbook, temp_dir, zhengce};
use rust_xlsxwriter::{Format, Workbook};

/// The corpus, relative to the package root (where `cargo test` runs tests), so that the paths
/// in the output do not depend on where the repository is.
const CORPUS: &str = "tests/eval";

/// The corpus policies, sorted.
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

/// The commands a file's first lines give: `# zhengce eval --format json` gives
/// `["eval", "--format", "json"]`.
fn commands(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let commands: Vec<Vec<String>> = text
        .lines()
        .map_while(|l| l.strip_prefix('#').map(str::trim).and_then(|c| c.strip_prefix("zhengce ")))
        .map(|c| c.split_whitespace().map(str::to_string).collect())
        .collect();
    assert!(
        !commands.is_empty(),
        "{}: the first lines must be `# zhengce SUBCOMMAND [OPTIONS]`",
        path.display()
    );
    commands
}

/// A command as a snapshot name: `eval --format json` gives `eval_format_json`.
fn slug(command: &[String]) -> String {
    let words: Vec<String> = command
        .iter()
        .map(|w| {
            w.trim_start_matches('-')
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { '-' })
                .collect::<String>()
        })
        .collect();
    words.join("_")
}

/// The full command line: `SUBCOMMAND PATH OPTIONS... [--lang zh]`.
fn full_args(path: &Path, command: &[String]) -> Vec<String> {
    let (sub, options) = command.split_first().unwrap();
    let mut args = vec![sub.clone(), path.to_str().unwrap().to_string()];
    args.extend(options.iter().cloned());
    if !options.iter().any(|o| o == "--lang") {
        args.extend(["--lang".to_string(), "zh".to_string()]);
    }
    args
}

#[test]
fn snapshots() {
    let tmp = temp_dir("eval-corpus");
    for path in corpus() {
        for command in commands(&path) {
            let mut args = full_args(&path, &command);
            let shown_args = args.join(" ");
            let xlsx = command.windows(2).any(|w| w[0] == "--format" && w[1] == "xlsx")
                && !command.iter().any(|o| o == "--out");
            let out_file = tmp.join(format!("{}@{}.xlsx", stem(&path), slug(&command)));
            if xlsx {
                let _ = std::fs::remove_file(&out_file);
                args.extend(["--out".to_string(), out_file.to_str().unwrap().to_string()]);
            }
            let r = zhengce(&args);
            let mut shown = format!("exit status: {}\n", r.status.code());
            shown.push_str(&r.out);
            if !r.err.is_empty() {
                shown.push_str("--- stderr\n");
                shown.push_str(&r.err);
            }
            if xlsx && let Ok(bytes) = std::fs::read(&out_file) {
                shown.push_str(&dump_workbook(&bytes));
            }
            assert!(!shown.contains('\u{1b}'), "{}: colour codes in the output", path.display());
            insta::with_settings!({
                snapshot_path => "eval/snapshots",
                prepend_module_to_snapshot => false,
                input_file => &path,
                description => format!("zhengce {shown_args}"),
                omit_expression => true,
            }, {
                insta::assert_snapshot!(format!("{}@{}", stem(&path), slug(&command)), shown);
            });
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

/// The xlsx sample data of `rd_subsidy.zc`: a header row, numbers, a yes/no column written
/// once as text and once as a spreadsheet boolean, and a parameter-free first sheet.
pub fn rd_subsidy_workbook() -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("企业").unwrap();
    let bold = Format::new().set_bold();
    let header =
        ["统一社会信用代码", "企业名称", "研发投入(万元)", "营业收入(万元)", "高新技术企业"];
    for (col, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *h, &bold).unwrap();
    }
    let rows: [(&str, &str, f64, f64, Option<bool>); 4] = [
        ("91140500MA0A", "甲科技", 123.4567, 2000.0, None),
        ("91140500MA0B", "乙科技", 150.0, 1000.0, Some(true)),
        ("91140500MA0C", "丙科技", 30.0, 1000.01, None),
        ("91140500MA0D", "丁科技", 45.6789, 1000.0, Some(true)),
    ];
    for (i, (id, name, rd, revenue, high_tech)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, *id).unwrap();
        sheet.write_string(r, 1, *name).unwrap();
        sheet.write_number(r, 2, *rd).unwrap();
        sheet.write_number(r, 3, *revenue).unwrap();
        match high_tech {
            // A spreadsheet boolean in one row, the text 否 in the others.
            Some(b) if i == 3 => sheet.write_boolean(r, 4, *b).map(|_| ()).unwrap(),
            Some(_) => sheet.write_string(r, 4, "是").map(|_| ()).unwrap(),
            None => sheet.write_string(r, 4, "否").map(|_| ()).unwrap(),
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn the_xlsx_sample_data_is_what_its_function_writes() {
    let path = Path::new(CORPUS).join("rd_subsidy.企业.xlsx");
    let written = rd_subsidy_workbook();
    if std::env::var_os("ZHENGCE_WRITE_FIXTURES").is_some() {
        std::fs::write(&path, &written).unwrap();
    }
    let committed = std::fs::read(&path).unwrap();
    assert_eq!(
        dump_workbook(&committed),
        dump_workbook(&written),
        "{} differs from rd_subsidy_workbook(); write it again with ZHENGCE_WRITE_FIXTURES=1",
        path.display()
    );
}

#[test]
fn every_command_line_is_a_subcommand_with_options() {
    for path in corpus() {
        for command in commands(&path) {
            assert!(
                ["eval", "explain", "schema", "template"].contains(&command[0].as_str()),
                "{}: `{}` is not a subcommand the corpus runs",
                path.display(),
                command[0]
            );
        }
    }
}

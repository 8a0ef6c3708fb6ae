//! Shared helpers of the evaluation tests (`eval_corpus`, `eval_properties`): running the
//! command line in memory, temporary directories, and reading a workbook back.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]
#![allow(dead_code, reason = "each test file uses some of the shared helpers")]

use std::fmt::Write as _;
use std::io::Cursor;
use std::path::PathBuf;

use calamine::{Data, Reader, Xlsx};
use zhengce::cli::{Env, Status, run};

/// The environment of every run: no locale, no colour, width 100.
pub fn env() -> Env {
    Env { color: false, width: 100, ..Env::default() }
}

/// What a run gave: its exit status and both streams.
pub struct Run {
    pub status: Status,
    pub out: String,
    pub err: String,
}

/// Runs `zhengce ARGS...` in memory in [`env`].
pub fn zhengce<S: AsRef<str>>(args: &[S]) -> Run {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let argv =
        std::iter::once("zhengce".to_string()).chain(args.iter().map(|a| a.as_ref().to_string()));
    let status = run(argv, &env(), &mut out, &mut err);
    Run { status, out: String::from_utf8(out).unwrap(), err: String::from_utf8(err).unwrap() }
}

/// A fresh directory under the system temporary directory, for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zhengce-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The sheets of a workbook as text: each row's cells separated by ` | `, text quoted, numbers
/// as stored, with the cell's number format in `‹…›` when it has one other than General.
pub fn dump_workbook(bytes: &[u8]) -> String {
    let mut book = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut out = String::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        let styles = book.worksheet_style(&name).unwrap();
        let _ = writeln!(out, "--- sheet {name}");
        let (row0, col0) = range.start().unwrap_or((0, 0));
        for (i, cells) in range.rows().enumerate() {
            let shown: Vec<String> = cells
                .iter()
                .enumerate()
                .map(|(j, c)| {
                    let at = (row0 + i as u32, col0 + j as u32);
                    let format = styles
                        .get(at)
                        .and_then(|s| s.number_format.as_ref())
                        .filter(|f| f.format_code != "General")
                        .map(|f| format!(" ‹{}›", f.format_code))
                        .unwrap_or_default();
                    let value = match c {
                        Data::Empty => String::new(),
                        Data::String(s) => format!("{s:?}"),
                        Data::Float(f) => f.to_string(),
                        Data::Int(i) => i.to_string(),
                        Data::Bool(b) => b.to_string(),
                        Data::DateTime(d) => format!("date {}", d.as_f64()),
                        other => format!("{other:?}"),
                    };
                    if value.is_empty() { value } else { format!("{value}{format}") }
                })
                .collect();
            let _ = writeln!(out, "{}", shown.join(" | "));
        }
    }
    out
}

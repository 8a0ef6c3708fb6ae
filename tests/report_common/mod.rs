//! Helpers shared by the tests of the reports a register streams (JSON, Markdown, xlsx,
//! Parquet input): the CLI in-process with plain diagnostics, a temporary folder per test file
//! and a generated register.
#![allow(dead_code, reason = "each test file uses some of the shared helpers")]
#![allow(clippy::unwrap_used, reason = "a test fails loudly on a broken expectation")]

use std::path::PathBuf;

use zhengce::cli::{Env, Status, run};

/// Runs `zhengce --error-format plain ARGS...` in-process: the status, standard output (bytes:
/// a workbook may be written to it) and standard error.
pub fn zhengce(args: &[&str]) -> (Status, Vec<u8>, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let argv = ["zhengce", "--error-format", "plain"].into_iter().chain(args.iter().copied());
    let status = run(argv, &Env { width: 100, ..Env::default() }, &mut out, &mut err);
    (status, out, String::from_utf8_lossy(&err).into_owned())
}

/// The path `name` in the temporary folder of the test file `test` (made if needed; one per
/// process, so runs side by side do not meet).
pub fn temp(test: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zhengce-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// A register of `rows` subjects of `kind` generated from `policy` with `seed`, as CSV in the
/// temporary folder of `test`.
pub fn generate(test: &str, policy: &str, kind: &str, rows: &str, seed: &str) -> PathBuf {
    let data = temp(test, &format!("{kind}.{}.{rows}.{seed}.csv", policy.len()));
    let (status, _, err) = zhengce(&[
        "gen",
        policy,
        "--kind",
        kind,
        "--rows",
        rows,
        "--seed",
        seed,
        "--out",
        data.to_str().unwrap(),
    ]);
    assert_eq!(status, Status::Ok, "{err}");
    data
}

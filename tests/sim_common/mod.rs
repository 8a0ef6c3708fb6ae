//! Helpers shared by the tests of `gen`, `simulate` and `diff`: the CLI in-process and a
//! temporary directory.
#![allow(dead_code, reason = "each test file uses some of the shared helpers")]

use std::fs;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use zhengce::cli::{Env, Status, run};

/// Runs `zhengce ARGS...` in-process; returns the status, standard output and standard error.
pub fn zhengce(args: &[&str]) -> (Status, String, String) {
    let env = Env { width: 100, ..Env::default() };
    let mut out = Vec::new();
    let mut err = Vec::new();
    let argv = std::iter::once("zhengce").chain(args.iter().copied());
    let status = run(argv, &env, &mut out, &mut err);
    (status, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

/// A fresh directory under the system temporary directory, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("zhengce-sim-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.0.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        path
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

pub fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// Standard error (human format) without the ZC0709 marks of amounts finer than a fen: the
/// policies these tests run state no rounding for awards that come to fractions of a fen, and
/// each such award is marked once per run. Every other diagnostic is kept.
pub fn unmarked(err: &str) -> String {
    let mut out = String::new();
    let mut keep = true;
    for line in err.split_inclusive('\n') {
        let header = line.trim_end();
        if header.len() == 6
            && header.starts_with("ZC")
            && header[2..].bytes().all(|b| b.is_ascii_digit())
        {
            keep = header != "ZC0709";
        }
        if keep {
            out.push_str(line);
        }
    }
    out
}

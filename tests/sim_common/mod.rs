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

//! Shared by the workbench's tests: a `zhengce serve` process on a free port over a copy of the
//! bundled policies, and a small HTTP/1.1 client over a TCP stream.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "shared by tests that use parts of it; a test fails loudly"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running workbench; killed when dropped.
pub struct Served {
    pub child: Child,
    pub addr: String,
    pub url: String,
    pub token: Option<String>,
    pub dir: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Copies the bundled policies' `.zc` files into a fresh folder.
pub fn policy_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    for e in std::fs::read_dir(src).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "zc") {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    dir
}

/// Starts `zhengce serve` over a copy of the policies on a free port of `bind`, and reads the
/// address it prints.
pub fn serve(bind: &str) -> Served {
    let dir = policy_folder();
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args(["serve", dir.path().to_str().unwrap(), "--port", "0", "--bind", bind])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let url = line.split_whitespace().find(|w| w.starts_with("http://")).expect(&line).to_string();
    let addr = url.trim_start_matches("http://").split('/').next().unwrap().to_string();
    let token = url.split_once("?token=").map(|(_, t)| t.to_string());
    std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = out.read_to_string(&mut rest);
    });
    Served { child, addr, url, token, dir }
}

/// One HTTP request; the status and body of its answer.
pub fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    // The server may answer (and close) before reading a body it refuses.
    let _ = s.write_all(body);
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

/// GET.
pub fn get(addr: &str, path: &str) -> (u16, String) {
    http(addr, "GET", path, &[], b"")
}

/// The workbench's folder as a path.
pub fn folder(s: &Served) -> PathBuf {
    s.dir.path().to_path_buf()
}

/// A policy with a test file beside it, in `dir`: `试行.zc` (10% of 投资), its sample data
/// `试行.企业.csv` (甲 100,000 元, 乙 200,000 元) and `试行.test.toml` with two cases, the
/// first right (甲: 10,000 元), the second wrong on purpose (乙: 1 元 where 20,000 元 is due).
pub fn tested_policy(dir: &Path) {
    let policy = "政策 \"试行办法\" { 发文机关: \"某局\" }\n\n主体 企业 {\n  标识 名称\n  名称: 文本\n  \
                  投资: 元\n}\n\n对于 企业 {\n  § 一 「按投资的 10% 给予补助」\n  补助 投资补助 {\n    \
                  金额 投资 × 10%\n  }\n}\n";
    std::fs::write(dir.join("试行.zc"), policy).unwrap();
    std::fs::write(dir.join("试行.企业.csv"), "名称,投资(元)\n甲,100000\n乙,200000\n").unwrap();
    let cases = "[[case]]\nname = \"甲：100,000元 × 10% = 10,000元\"\ndata = \"试行.企业.csv\"\n\
                 subject = \"甲\"\n[case.expect]\n\"投资补助\" = \"10000元\"\n\n\
                 [[case]]\nname = \"乙：故意写错的期望\"\ndata = \"试行.企业.csv\"\nsubject = \"乙\"\n\
                 [case.expect]\n\"投资补助\" = \"1元\"\n";
    std::fs::write(dir.join("试行.test.toml"), cases).unwrap();
}

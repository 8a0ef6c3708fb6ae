//! A report that cannot be written while a register streams is the output's failure
//! (`register::Failure::Write`, which the command reports as "cannot write" at `--out`), never
//! an error of the register it reads.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test fails loudly on a broken expectation"
)]

use std::io::Write;
use std::path::Path;

use zhengce::api::Workspace;
use zhengce::diagnostics::Lang;
use zhengce::eval::stack::Stacking;
use zhengce::register::{
    Failure, RegisterRun, RunOptions, write_basis, write_csv, write_json, write_jsonl,
    write_markdown, write_xlsx,
};

/// A sink whose every write fails, as a full disk does.
struct Full;

impl Write for Full {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other("no space left on device"))
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A register of 300 subjects of zezhou, in a folder of the test `name`'s own.
fn register(name: &str) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("zhengce-register-write-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("企业.csv");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args(["gen", "policies/zezhou.zc", "--kind", "企业", "--rows", "300", "--out"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    path
}

fn is_write(r: Result<zhengce::register::Summary, Failure>, format: &str) {
    match r {
        Err(Failure::Write(e)) => assert!(e.to_string().contains("no space"), "{format}: {e}"),
        Err(Failure::Data(d)) => panic!("{format}: reported as the register's error: {d:?}"),
        Err(Failure::NotStreamable(why)) => panic!("{format}: not streamed: {why}"),
        Ok(_) => panic!("{format}: a failed write reported as success"),
    }
}

#[test]
fn a_failed_write_is_the_outputs_failure_in_every_format() {
    let ws = Workspace::load(Path::new("policies/zezhou.zc")).unwrap();
    let cp = ws.check().unwrap();
    let checked = cp.checked();
    let data = register("formats");
    let opts = RunOptions { year: Some(2024), working: true, ..RunOptions::default() };
    let stacking = Stacking::new(ws.policy(), checked, "企业");
    let run = RegisterRun {
        policy: ws.policy(),
        checked,
        kind: "企业",
        path: &data,
        opts: &opts,
        stacking: &stacking,
        companions: &[],
    };
    is_write(write_csv(ws.policy(), checked, "企业", &data, &opts, &mut Full), "csv");
    is_write(write_json(&run, &mut Full), "json");
    is_write(write_jsonl(&run, &mut Full), "jsonl");
    is_write(write_markdown(&run, Lang::Zh, &mut Full), "markdown");
    is_write(write_basis(&run, Lang::Zh, &mut Full), "basis");
    is_write(write_xlsx(&run, Lang::Zh, &mut Full), "xlsx");
    // The same run into a working sink succeeds: the failure above is the sink's.
    let mut ok = Vec::new();
    assert!(write_json(&run, &mut ok).is_ok());
    assert!(ok.len() > 1000);
}

/// `--out` naming a device is written as it is (a file is never renamed over it), and a device
/// that refuses the bytes is "cannot write" at `--out`, streamed or not.
#[cfg(target_os = "linux")]
#[test]
fn the_command_says_it_cannot_write_a_full_device_and_leaves_it_a_device() {
    use std::os::unix::fs::FileTypeExt;
    let full = Path::new("/dev/full");
    if !std::fs::metadata(full).is_ok_and(|m| m.file_type().is_char_device()) {
        eprintln!("SKIP: no /dev/full device");
        return;
    }
    let data = register("device");
    for (data, format) in [
        (data.as_path(), "json"),
        (data.as_path(), "xlsx"),
        (data.as_path(), "csv"),
        (Path::new("policies/zezhou.企业.toml"), "json"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_zhengce"))
            .args(["eval", "policies/zezhou.zc", "--format", format, "--out", "/dev/full"])
            .arg("--data")
            .arg(data)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{format}: {err}");
        assert!(err.contains("无法写入 `/dev/full`"), "{format}: {err}");
        assert!(!err.contains("无法读取"), "{format}: {err}");
        assert!(!err.contains("ZipWriter"), "{format}: the zip library's own message: {err}");
        let kind = std::fs::metadata(full).unwrap().file_type();
        assert!(kind.is_char_device(), "{format}: /dev/full was replaced by a file");
    }
    // A device that takes the bytes: the report goes to it.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zhengce"))
        .args(["eval", "policies/zezhou.zc", "--format", "csv", "--out", "/dev/stdout"])
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("企业名称,"));
}

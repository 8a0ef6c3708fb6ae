//! Members streamed beside a register (`eval --format csv --out`): the members of each block's
//! owners read alongside the owners, in their order. The report equals the in-memory one
//! byte for byte; members out of their owners' order are read whole when the file is small and
//! refused with `ZC0715` at their row when it is large; a member without an owner is still
//! `ZC0712`; a bad member cell is reported at its line. Money figures are checked by hand.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod members_common;
mod sim_common;

use members_common::POLICY;
use sim_common::{TempDir, zhengce};
use zhengce::cli::Status;

/// Owners `E0000000…` in increasing order, each with `n % 4` contracts
/// ([`members_common::register`]), and the contracts' CSV text in the owners' order.
fn register(owners: u32) -> (String, String) {
    let (ids, contracts) = members_common::register(owners);
    members_common::csv_text(&ids, &contracts)
}

fn write(dir: &TempDir, owners: &str, members: &str) -> (String, String) {
    let p = dir.write("m.zc", &std::fs::read_to_string(POLICY).unwrap());
    let data = dir.write("d.企业.csv", owners);
    dir.write("d.合同.csv", members);
    (p.display().to_string(), data.display().to_string())
}

/// The streamed report (`--out`) and the in-memory one (standard output) of the same data.
fn both(p: &str, data: &str, dir: &TempDir) -> (String, String, String) {
    let out = dir.path("out.csv");
    let (status, _, err) =
        zhengce(&["eval", p, "--data", data, "--format", "csv", "--out", out.to_str().unwrap()]);
    assert_eq!(status, Status::Ok, "{err}");
    let streamed = std::fs::read_to_string(&out).unwrap();
    let (status, memory, err2) = zhengce(&["eval", p, "--data", data, "--format", "csv"]);
    assert_eq!(status, Status::Ok, "{err2}");
    (streamed, memory, err)
}

/// A streamed run (`--format csv --out`, English messages) that fails and writes nothing: its
/// diagnostics.
fn refused(dir: &TempDir, p: &str, data: &str) -> String {
    let out = dir.path("out.csv");
    let (status, _, err) = zhengce(&[
        "eval",
        p,
        "--data",
        data,
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert_ne!(status, Status::Ok);
    assert!(!out.exists());
    err
}

/// 30,000 owners (several blocks) with 45,000 contracts: the streamed report is the in-memory
/// one byte for byte, and an owner's figures are those worked out by hand.
#[test]
fn streamed_members_give_the_in_memory_report() {
    let dir = TempDir::new("members-stream");
    let (owners, members) = register(30_000);
    let (p, data) = write(&dir, &owners, &members);
    let (streamed, memory, err) = both(&p, &data, &dir);
    assert_eq!(streamed, memory);
    assert!(!err.contains("ZC0713"), "{err}");
    // E0000003 has three contracts (j = 0, 1, 2): amounts 1000 + (3·7919 + j·104729) mod
    // 9,000,000 = 24,757, 129,486, 234,215; kinds by (3 + j) mod 3: 进口, 国产, 国产. Domestic
    // sum 363,701; award 10% of each domestic one, 12,948.6 + 23,421.5 = 36,370.1 元.
    let row = streamed.lines().find(|l| l.starts_with("E0000003,")).unwrap();
    assert_eq!(row, "E0000003,363701,3,234215,true,36370.1,36370.1");
    // E0000000 has none: sums 0, no maximum.
    let row = streamed.lines().find(|l| l.starts_with("E0000000,")).unwrap();
    assert_eq!(row, "E0000000,0,0,缺数据,false,0,0");
}

/// Members not in their owners' order, in a small file: read whole, as the in-memory path
/// reads them, with the same report.
#[test]
fn small_members_out_of_order_are_read_whole() {
    let dir = TempDir::new("members-unordered");
    let (owners, members) = register(3_000);
    let mut lines: Vec<&str> = members.lines().collect();
    let header = lines.remove(0);
    lines.reverse();
    let reversed = format!("{header}\n{}\n", lines.join("\n"));
    let (p, data) = write(&dir, &owners, &reversed);
    let (streamed, memory, _) = both(&p, &data, &dir);
    assert_eq!(streamed, memory);
    let (_, ordered) = {
        let d2 = TempDir::new("members-ordered");
        let (p2, data2) = write(&d2, &owners, &members);
        let (s, _, _) = both(&p2, &data2, &d2);
        (p2, s)
    };
    assert_eq!(streamed, ordered);
}

/// A member naming an owner not in the data, in a streamed run: `ZC0712` at its cell, as in
/// memory, and no report written.
#[test]
fn a_member_without_owner_in_a_streamed_run() {
    let dir = TempDir::new("members-stream-orphan");
    let (owners, mut members) = register(2_000);
    members.push_str("C99999999,F0000001,5,国产\n");
    let (p, data) = write(&dir, &owners, &members);
    let err = refused(&dir, &p, &data);
    assert!(err.contains("ZC0712"), "{err}");
    assert!(err.contains("F0000001"), "{err}");
}

/// Bad amounts in two blocks of the members file of a streamed run: each reported at its line
/// and column, in the order of the file.
#[test]
fn a_bad_member_cell_is_reported_at_its_line() {
    let dir = TempDir::new("members-stream-bad");
    let (owners, members) = register(20_000);
    // The 25,000th contract (line 25,001 of the file, after the header) gets a bad amount.
    let mut lines: Vec<String> = members.lines().map(str::to_string).collect();
    let bad = &mut lines[25_000];
    let mut cells: Vec<&str> = bad.split(',').collect();
    cells[2] = "一百";
    *bad = cells.join(",");
    // And the 3,000th, in an earlier block.
    let early = &mut lines[3_000];
    let mut cells: Vec<&str> = early.split(',').collect();
    cells[2] = "三十";
    *early = cells.join(",");
    let text = lines.join("\n") + "\n";
    let (p, data) = write(&dir, &owners, &text);
    let err = refused(&dir, &p, &data);
    // Both, in the order of the file.
    let (early, late) = (err.find("d.合同.csv:3001:"), err.find("d.合同.csv:25001:"));
    assert!(early.is_some() && late.is_some() && early < late, "{err}");
}

/// A members file over 16 MiB whose members are not in their owners' order: refused with
/// `ZC0715` at the row, saying how to sort it; nothing written.
#[test]
fn large_members_out_of_order_are_refused() {
    let dir = TempDir::new("members-large-unordered");
    let (owners, _) = register(1_000);
    let mut m = String::from("合同编号,企业名称,金额(元),类型\n");
    m.push_str("C1,E0000005,100,国产\nC2,E0000001,100,国产\n");
    // Contracts of later owners, to make the file large.
    while m.len() <= 17 << 20 {
        m.push_str("C3,E0000900,100,国产\n");
    }
    let (p, data) = write(&dir, &owners, &m);
    let err = refused(&dir, &p, &data);
    assert!(err.contains("ZC0715"), "{err}");
    assert!(err.contains("d.合同.csv:3:4"), "{err}");
    assert!(err.contains("E0000001"), "{err}");
    assert!(err.contains("sort"), "{err}");
}

/// The JSON, Markdown and text reports streamed (`--format F --out`, read by the interpreter
/// block by block) with the members of each block: the in-memory reports byte for byte.
#[test]
fn the_streamed_reports_read_the_members() {
    let dir = TempDir::new("members-stream-json");
    let (owners, members) = register(20_000);
    let (p, data) = write(&dir, &owners, &members);
    for format in ["json", "markdown", "text"] {
        let out = dir.path(&format!("out.{format}"));
        let out = out.to_str().unwrap();
        let (status, _, err) =
            zhengce(&["eval", &p, "--data", &data, "--format", format, "--out", out]);
        assert_eq!(status, Status::Ok, "{err}");
        assert!(!err.contains("ZC0713"), "{format}: {err}");
        let streamed = std::fs::read_to_string(out).unwrap();
        let (status, memory, err) = zhengce(&["eval", &p, "--data", &data, "--format", format]);
        assert_eq!(status, Status::Ok, "{err}");
        assert!(streamed == memory, "{format}: the streamed report differs");
        // E0000003's award, 36,370.1 元.
        assert!(streamed.contains("36370.1") || streamed.contains("36,370.1"), "{format}");
    }
}

/// `gen` writes a kind's members beside its CSV register, grouped by owner in the register's
/// order (0 to 2×`--members` each); the streamed report of what it wrote is the in-memory one;
/// without a CSV `--out` it refuses (ZC0904), since the members need a file beside it.
#[test]
fn gen_writes_the_members_beside_the_register() {
    let dir = TempDir::new("members-gen");
    let p = dir.write("m.zc", &std::fs::read_to_string(POLICY).unwrap());
    let p = p.to_str().unwrap();
    let data = dir.path("g.企业.csv");
    let (status, _, err) = zhengce(&[
        "gen",
        p,
        "--kind",
        "企业",
        "--rows",
        "4000",
        "--members",
        "2",
        "--out",
        data.to_str().unwrap(),
    ]);
    assert_eq!(status, Status::Ok, "{err}");
    let owners = std::fs::read_to_string(&data).unwrap();
    let members = std::fs::read_to_string(dir.path("g.合同.csv")).unwrap();
    let ids: Vec<&str> = owners.lines().skip(1).collect();
    assert_eq!(ids.len(), 4000);
    let links: Vec<&str> = members.lines().skip(1).map(|l| l.split(',').nth(1).unwrap()).collect();
    // About two per owner: between one and three on average.
    assert!(links.len() > 4000 && links.len() < 12_000, "{}", links.len());
    // Grouped in the owners' order: the links never go back.
    let place = |id: &str| ids.iter().position(|x| *x == id).unwrap();
    assert!(links.windows(2).all(|w| place(w[0]) <= place(w[1])));
    let (streamed, memory, _) = both(p, data.to_str().unwrap(), &dir);
    assert_eq!(streamed, memory);
    let (status, _, err) = zhengce(&["gen", p, "--kind", "企业", "--rows", "5"]);
    assert_eq!(status, Status::Usage);
    assert!(err.contains("ZC0904"), "{err}");
    // `--members` for a kind without members is refused, not ignored.
    let (status, _, err) =
        zhengce(&["gen", p, "--kind", "合同", "--rows", "5", "--members", "2", "--lang", "en"]);
    assert_eq!(status, Status::Usage);
    assert!(err.contains("ZC0904") && err.contains("--members"), "{err}");
}

/// `diff` of two versions on a register with members, streamed block by block (each version
/// reading the same members by its own declarations): the same changes as the in-memory
/// diff of the same data, and an owner's figures worked out by hand.
#[test]
fn diff_streams_with_the_members() {
    // The new version pays 20% of each contract, up to the same 50万元.
    let new_policy = std::fs::read_to_string(POLICY).unwrap().replace("金额 × 10%", "金额 × 20%");
    let diff = |dir: &TempDir, owners: &str, members: &str| {
        let (p, data) = write(dir, owners, members);
        let new = dir.write("new.zc", &new_policy);
        let args = ["diff", &p, new.to_str().unwrap(), "--data", &data, "--format", "json"];
        let (status, out, err) = zhengce(&[&args[..], &["--lang", "en"]].concat());
        (status, out, err)
    };
    let without_files = |out: &str| {
        let mut j: serde_json::Value = serde_json::from_str(out).unwrap();
        for k in ["data", "old", "new"] {
            j.as_object_mut().unwrap().remove(k);
        }
        j
    };
    let (owners, members) = register(20_000);
    let dir = TempDir::new("members-diff");
    let (status, streamed, err) = diff(&dir, &owners, &members);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(!err.contains("ZC0713"), "{err}");
    // The same data with the contracts in reverse order (a small file, read whole in memory).
    let mut lines: Vec<&str> = members.lines().collect();
    let header = lines.remove(0);
    lines.reverse();
    let d2 = TempDir::new("members-diff-memory");
    let (status, memory, err) = diff(&d2, &owners, &format!("{header}\n{}\n", lines.join("\n")));
    assert_eq!(status, Status::Ok, "{err}");
    let streamed = without_files(&streamed);
    assert_eq!(streamed, without_files(&memory));
    // E0000003: domestic contracts 129,486 and 234,215 元; 10% is 36,370.1 元, 20% 72,740.2 元.
    let change = streamed["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "E0000003")
        .unwrap()
        .clone();
    assert_eq!(
        (change["before"].as_str(), change["after"].as_str()),
        (Some("36370.1"), Some("72740.2"))
    );
    // Proof that it streamed: a large members file out of order is refused (ZC0715), where
    // the in-memory diff would have read it whole.
    let big = TempDir::new("members-diff-large");
    let (owners, _) = register(1_000);
    let mut m = String::from("合同编号,企业名称,金额(元),类型\n");
    m.push_str("C1,E0000005,100,国产\nC2,E0000001,100,国产\n");
    while m.len() <= 17 << 20 {
        m.push_str("C3,E0000900,100,国产\n");
    }
    let (status, _, err) = diff(&big, &owners, &m);
    assert_ne!(status, Status::Ok);
    assert!(err.contains("ZC0715"), "{err}");
}

//! Aggregations over members evaluated by the compiled form on a streamed register
//! (`eval --format csv --out`): each block's members run through the member kind's program and
//! folded per owner. The report equals the interpreter's (the in-memory run) byte for byte, with
//! empty optional values among the members (a missing condition or value), owners without
//! members, and an owner whose member leaves the compiled form's range (that owner goes to the
//! interpreter); figures worked out by hand.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod sim_common;

use std::fmt::Write as _;

use sim_common::{TempDir, zhengce};
use zhengce::cli::Status;

/// Every aggregation (`合计`, `计数`, `最大`, `最小`, `任一`, `全部`, with and without `当`) over
/// contracts whose amount, origin and acceptance may be empty.
const POLICY: &str = "tests/members/aggregates.zc";

/// The streamed report (compiled), the in-memory one (interpreted), and the streamed run's
/// diagnostics.
fn both(dir: &TempDir, owners: &str, members: &str) -> (String, String, String) {
    let p = dir.write("a.zc", &std::fs::read_to_string(POLICY).unwrap());
    let data = dir.write("d.企业.csv", owners);
    dir.write("d.合同.csv", members);
    let (p, data) = (p.to_str().unwrap(), data.to_str().unwrap());
    let out = dir.path("out.csv");
    let args = ["eval", p, "--data", data, "--format", "csv", "--lang", "en"];
    let (status, _, err) = zhengce(&[&args[..], &["--out", out.to_str().unwrap()]].concat());
    assert_eq!(status, Status::Ok, "{err}");
    let (status, memory, err2) = zhengce(&args);
    assert_eq!(status, Status::Ok, "{err2}");
    (std::fs::read_to_string(&out).unwrap(), memory, err)
}

/// Owners `E0000000…` with 0 to 5 contracts each, every field of a contract empty now and then
/// (a small generator of its own, so the data are the same on every run).
fn register(owners: u32) -> (String, String) {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: u64| {
        state =
            state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % n
    };
    let mut o = String::from("企业名称\n");
    let mut m = String::from("合同编号,企业名称,金额(元),类型,验收\n");
    let mut c = 0;
    for i in 0..owners {
        writeln!(o, "E{i:07}").unwrap();
        for _ in 0..next(6) {
            c += 1;
            let amount = match next(10) {
                0 => String::new(),
                1 => format!("{}.{:02}", next(1_000_000), next(100)),
                _ => next(900_000).to_string(),
            };
            let kind = ["", "国产", "进口", "国产"][next(4) as usize];
            let accepted = ["", "是", "否", "是", "是"][next(5) as usize];
            writeln!(m, "C{c:08},E{i:07},{amount},{kind},{accepted}").unwrap();
        }
    }
    (o, m)
}

/// 20,000 owners (several blocks) and about 50,000 contracts: the compiled form's report is the
/// interpreter's, and the register was not left to the interpreter (`ZC0710`).
#[test]
fn compiled_aggregations_give_the_interpreters_report() {
    let dir = TempDir::new("members-compiled");
    let (owners, members) = register(20_000);
    let (streamed, memory, err) = both(&dir, &owners, &members);
    assert!(!err.contains("ZC0710"), "{err}");
    assert_eq!(streamed, memory);
    // Missing values do occur in every aggregate column that can have one (a count without a
    // condition cannot: column 2), and so do values.
    let rows: Vec<Vec<&str>> = streamed.lines().skip(1).map(|l| l.split(',').collect()).collect();
    for col in 1..8 {
        let missing = rows.iter().any(|r| r[col] == "缺数据");
        assert_eq!(missing, col != 2, "column {col}");
        assert!(rows.iter().any(|r| r[col] != "缺数据"), "column {col} always missing");
    }
}

/// Figures by hand. A: 100 元 domestic and an imported contract without an amount: domestic
/// sum 100, two contracts, both accepted, no maximum (one amount unknown), no smallest import
/// (its amount unknown), an import, all accepted, 10% of 100 = 10 元. B: a domestic 600,000 元
/// and one of unknown origin, not accepted: the domestic sum and the smallest import unknown
/// (an origin unknown), largest 600,000, whether there is an import unknown, not all accepted,
/// nothing paid. C: no contracts. D: one contract of 9 × 10^15 元, past the compiled form's
/// range (at 4 places, 9 × 10^19 is more than 64 bits hold): D goes to the interpreter with its
/// members (capped at 5万元, paid 50,000), A, B and C stay with the compiled form.
#[test]
fn aggregations_by_hand_and_an_owner_past_the_range() {
    let dir = TempDir::new("members-compiled-hand");
    let owners = "企业名称\nA\nB\nC\nD\n";
    let members = "合同编号,企业名称,金额(元),类型,验收\n\
                   c1,A,100,国产,是\n\
                   c2,A,,进口,是\n\
                   c3,B,600000,国产,是\n\
                   c4,B,200,,否\n\
                   c5,D,9000000000000000,国产,是\n";
    let (streamed, memory, err) = both(&dir, owners, members);
    assert!(!err.contains("ZC0710"), "{err}");
    assert_eq!(streamed, memory);
    let lines: Vec<&str> = streamed.lines().collect();
    assert_eq!(
        lines[0],
        "企业名称,国产合同额,合同数,验收合同数,最大合同,最小进口合同,有进口,全部验收,设备补助,合计"
    );
    assert_eq!(lines[1], "A,100,2,2,缺数据,缺数据,true,true,10,10");
    assert_eq!(lines[2], "B,缺数据,2,1,600000,缺数据,缺数据,false,0,0");
    assert_eq!(lines[3], "C,0,0,0,缺数据,缺数据,false,true,0,0");
    assert_eq!(lines[4], "D,9000000000000000,1,1,9000000000000000,缺数据,false,true,50000,50000");
}

//! 就高不重复 per matter: a stacking rule written for a member kind (`对于 项目 { 叠加 … }`) is
//! applied to each member, less what that member already received (`扣除`), and its owner adds
//! up what it pays (`合计(项目.项目补助)`). Figures worked out by hand; a stacking rule with
//! another policy's award cannot be read so (`ZC0213`).
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

use serde_json::Value as J;
use sim_common::{TempDir, zhengce};
use zhengce::cli::Status;

const POLICY: &str = "tests/members/per_project.zc";
const DATA: &str = "tests/members/per_project.企业.csv";

fn json() -> J {
    let (status, out, err) = zhengce(&["eval", POLICY, "--data", DATA, "--format", "json"]);
    assert_eq!(status, Status::Ok, "{err}");
    serde_json::from_str(&out).unwrap()
}

fn subject<'j>(j: &'j J, id: &str) -> &'j J {
    j["subjects"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap()
}

/// A rule's value as its decimal text, `None` for missing.
fn value(rules: &J, name: &str) -> Option<String> {
    let r = rules.as_array().unwrap().iter().find(|r| r["name"] == name).unwrap();
    r["value"]["number"].as_str().map(str::to_string)
}

/// Each project pays the higher of its two awards less what it already received; the
/// enterprise is paid the sum over its projects.
#[test]
fn the_higher_award_per_project_less_what_it_received() {
    let j = json();
    // 甲公司: P1 max(100,000, 80,000) − 20,000 = 80,000; P2 max(50,000, 40,000) − 0 = 50,000.
    let a = subject(&j, "甲公司");
    assert_eq!(value(&a["rules"], "项目补助合计").as_deref(), Some("130000"));
    let p1 = &a["members"][0];
    assert_eq!(p1["id"], "P1");
    assert_eq!(value(&p1["rules"], "区级补助").as_deref(), Some("100000"));
    assert_eq!(value(&p1["rules"], "市级补助").as_deref(), Some("80000"));
    assert_eq!(value(&p1["rules"], "项目补助").as_deref(), Some("80000"));
    let kind = p1["rules"].as_array().unwrap().iter().find(|r| r["name"] == "项目补助").unwrap();
    assert_eq!(kind["kind"], "stacking");
    assert_eq!(value(&a["members"][1]["rules"], "项目补助").as_deref(), Some("50000"));
    // 乙公司: P3 max(30,000, 24,000) − 50,000 is below 0: nothing.
    let b = subject(&j, "乙公司");
    assert_eq!(value(&b["rules"], "项目补助合计").as_deref(), Some("0"));
    // 丙公司: P4 leaves the amount received empty: its result is missing, and so the sum.
    let c = subject(&j, "丙公司");
    assert_eq!(value(&c["members"][0]["rules"], "项目补助"), None);
    assert_eq!(value(&c["rules"], "项目补助合计"), None);
    // The totals count what is paid: 130,000 元 to one enterprise.
    let t = &j["totals"][0];
    assert_eq!(
        (t["award"].as_str(), t["total"]["number"].as_str()),
        (Some("项目补助合计"), Some("130000"))
    );
}

/// `累加` per project pays both awards; the text report shows each project's stacking rule.
#[test]
fn additive_per_project_and_the_text_report() {
    let dir = TempDir::new("stack-per-member");
    let policy = std::fs::read_to_string(POLICY).unwrap().replace(
        "就高不重复 { 区级补助, 市级补助 } 扣除 已获同一事项支持",
        "累加 { 区级补助, 市级补助 }",
    );
    let p = dir.write("p.zc", &policy);
    let data = dir.write("p.企业.csv", &std::fs::read_to_string(DATA).unwrap());
    dir.write(
        "p.项目.csv",
        &std::fs::read_to_string("tests/members/per_project.项目.csv").unwrap(),
    );
    let (status, out, err) =
        zhengce(&["eval", p.to_str().unwrap(), "--data", data.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(status, Status::Ok, "{err}");
    // 甲公司: (100,000 + 80,000) + (50,000 + 40,000) = 270,000.
    assert!(out.contains("subsidy 项目补助合计: 270,000 yuan"), "{out}");
    assert!(
        out.contains("项目 P1: 区级补助 100,000 yuan; 市级补助 80,000 yuan; 项目补助 180,000 yuan"),
        "{out}"
    );
    // 丙公司: nothing is deducted, so nothing is missing: 20,000 + 16,000.
    assert!(
        out.contains("项目 P4: 区级补助 20,000 yuan; 市级补助 16,000 yuan; 项目补助 36,000 yuan"),
        "{out}"
    );
}

/// A register streamed block by block gives the in-memory report.
#[test]
fn streamed_as_in_memory() {
    let dir = TempDir::new("stack-per-member-stream");
    let mut owners = String::from("企业名称\n");
    let mut projects = String::from("项目名称,企业名称,投资(元),已获同一事项支持(元)\n");
    let mut n = 0;
    for i in 0..20_000u32 {
        writeln!(owners, "E{i:06}").unwrap();
        for j in 0..i % 3 {
            n += 1;
            let received = (i * 37 + j * 11) % 5 * 10_000;
            writeln!(projects, "P{n:07},E{i:06},{},{received}", 100_000 + (i * 7919 + j) % 900_000)
                .unwrap();
        }
    }
    let p = dir.write("p.zc", &std::fs::read_to_string(POLICY).unwrap());
    let data = dir.write("d.企业.csv", &owners);
    dir.write("d.项目.csv", &projects);
    let (p, data) = (p.to_str().unwrap(), data.to_str().unwrap());
    let out = dir.path("out.csv");
    let (status, _, err) =
        zhengce(&["eval", p, "--data", data, "--format", "csv", "--out", out.to_str().unwrap()]);
    assert_eq!(status, Status::Ok, "{err}");
    let (status, memory, err) = zhengce(&["eval", p, "--data", data, "--format", "csv"]);
    assert_eq!(status, Status::Ok, "{err}");
    let streamed = std::fs::read_to_string(&out).unwrap();
    assert_eq!(streamed, memory);
    // E000001: one project, 100,000 + 7,919 = 107,919 元; 10% = 10,791.9, less 37 % 5 × 10,000
    // = 20,000 received: 0.
    let row = streamed.lines().find(|l| l.starts_with("E000001,")).unwrap();
    assert_eq!(row, "E000001,0,0");
    // E000002: two projects, 100,000 + 15,838 = 115,838 (j = 0, received 74 % 5 × 10,000 =
    // 40,000) and 115,839 (j = 1, received 85 % 5 = 0): 11,583.8 − 40,000 → 0; 11,583.9.
    let row = streamed.lines().find(|l| l.starts_with("E000002,")).unwrap();
    assert_eq!(row, "E000002,11583.9,11583.9");
}

/// A stacking rule with another policy's award is applied by the reports; reading it as a
/// value is `ZC0213` at the reference.
#[test]
fn a_stacking_rule_with_another_policys_award_is_not_a_value() {
    let dir = TempDir::new("stack-not-a-value");
    dir.write(
        "other.zc",
        "主体 企业 { 标识 名称; 名称: 文本; 额: 元 }\n对于 企业 {\n  § 一 「奖励」\n  奖励 外部奖励 { 金额 额 }\n}\n",
    );
    let p = dir.write(
        "p.zc",
        "引用 \"other.zc\" 为 外\n主体 企业 { 标识 名称; 名称: 文本; 额: 元 }\n对于 企业 {\n  § 一 「奖励」\n  奖励 本地奖励 { 金额 额 }\n  § 二 「就高」\n  叠加 就高 就高不重复 { 本地奖励, 外.外部奖励 }\n  § 三 「另发一半」\n  奖励 再发一半 { 金额 就高 × 50% }\n}\n",
    );
    let (status, out, err) =
        zhengce(&["check", p.to_str().unwrap(), "--lang", "en", "--error-format", "plain"]);
    assert_ne!(status, Status::Ok, "{out}");
    let all = format!("{out}{err}");
    assert!(all.contains("p.zc:9:16: error[ZC0213]"), "{all}");
    assert!(
        all.contains("the stacking rule `就高` takes awards of another policy (`外.外部奖励`)"),
        "{all}"
    );
}

//! `zhengce test`: the bundled cases and snapshots pass, a changed number fails with a diff
//! naming the subject and the values, `--bless` accepts it, and a malformed test file is a coded
//! diagnostic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

use std::fs;
use std::path::{Path, PathBuf};

use zhengce::cli::{Env, Status, run};

/// A fresh directory under the system temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("zhengce-test-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// Copies `policies/zezhou.*` (policy, sample data, snapshot; with `cases`, the test file
    /// and the test inputs its cases name under `policies/cases/`).
    fn zezhou(name: &str, cases: bool) -> TempDir {
        let t = TempDir::new(name);
        for entry in fs::read_dir("policies").unwrap() {
            let path = entry.unwrap().path();
            let file = path.file_name().unwrap().to_str().unwrap().to_string();
            if file.starts_with("zezhou.") && (cases || !file.ends_with(".test.toml")) {
                fs::copy(&path, t.0.join(&file)).unwrap();
            }
        }
        if cases {
            fs::create_dir(t.0.join("cases")).unwrap();
            for entry in fs::read_dir("policies/cases").unwrap() {
                let path = entry.unwrap().path();
                let file = path.file_name().unwrap().to_str().unwrap().to_string();
                if file.starts_with("zezhou.") {
                    fs::copy(&path, t.0.join("cases").join(&file)).unwrap();
                }
            }
        }
        t
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

struct Run {
    status: Status,
    out: String,
    err: String,
}

fn zhengce(args: &[&str]) -> Run {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let env = Env { width: 100, ..Env::default() };
    let argv = ["zhengce", "--lang", "zh"].into_iter().chain(args.iter().copied());
    let status = run(argv, &env, &mut out, &mut err);
    Run { status, out: String::from_utf8(out).unwrap(), err: String::from_utf8(err).unwrap() }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The failure report: each `FAILED` line with the lines indented under it, the temporary
/// directory written `[DIR]`, and the summary.
fn failures(out: &str, dir: &Path) -> String {
    let mut kept = Vec::new();
    let mut in_failure = false;
    for line in out.lines() {
        if line.starts_with("FAILED") {
            in_failure = true;
        } else if !line.starts_with(' ') {
            in_failure = false;
        }
        if in_failure {
            kept.push(line);
        }
    }
    kept.push(last_line(out));
    kept.join("\n").replace(s(dir), "[DIR]")
}

fn last_line(out: &str) -> &str {
    out.lines().last().unwrap_or("")
}

#[test]
fn the_bundled_policies_pass_their_cases_and_snapshots() {
    let r = zhengce(&["test", "policies"]);
    assert_eq!(r.status, Status::Ok, "{}\n{}", r.out, r.err);
    assert_eq!(r.err, "");
    assert!(!r.out.contains("FAILED"), "{}", r.out);
    // Cases of zezhou and provincial, and a snapshot for each of the five policies.
    let ok = r.out.lines().filter(|l| l.starts_with("ok ")).count();
    assert!(ok >= 7, "{}", r.out);
    assert_eq!(r.out.lines().filter(|l| l.contains("快照")).count(), 5, "{}", r.out);
    assert_eq!(last_line(&r.out), format!("{ok} passed, 0 failed"));
    // `policies` is the default path.
    let r = zhengce(&["test"]);
    assert_eq!(r.status, Status::Ok, "{}", r.out);
}

#[test]
fn a_changed_number_fails_with_a_diff_and_bless_accepts_it() {
    let t = TempDir::zezhou("changed", false);
    let policy = t.0.join("zezhou.zc");
    let r = zhengce(&["test", s(&t.0)]);
    assert_eq!(r.status, Status::Ok, "{}\n{}", r.out, r.err);
    assert_eq!(last_line(&r.out), "1 passed, 0 failed");

    // 二(二)6 county results, per 转化项目: 30% becomes 27%. 华阳's two 全县 projects:
    // 1,666,666.67 × 27% = 450,000.0009 (under the 50万元 cap now) + 1,200,000 × 27% = 324,000,
    // the enterprise's sum 774,000.0009 (was 500,000 capped + 360,000 = 860,000).
    let text = fs::read_to_string(&policy).unwrap();
    assert!(text.contains("金额 实际发生费用 × 30%"));
    fs::write(&policy, text.replacen("金额 实际发生费用 × 30%", "金额 实际发生费用 × 27%", 1))
        .unwrap();
    let r = zhengce(&["test", s(&t.0)]);
    assert_eq!(r.status, Status::Errors, "{}\n{}", r.out, r.err);
    assert!(r.out.contains("FAILED"), "{}", r.out);
    assert!(
        r.out.contains(
            "zezhou.转化企业.toml 泽州县华阳新材料科技有限公司 科技成果转化补助: 860,000 元 → 774,000.0009 元"
        ),
        "{}",
        r.out
    );
    assert_eq!(last_line(&r.out), "0 passed, 1 failed");
    insta::assert_snapshot!(failures(&r.out, &t.0));

    let r = zhengce(&["test", "--bless", s(&t.0)]);
    assert_eq!(r.status, Status::Ok, "{}\n{}", r.out, r.err);
    let left: Vec<_> = std::fs::read_dir(&t.0)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
    let r = zhengce(&["test", s(&t.0)]);
    assert_eq!(r.status, Status::Ok, "{}\n{}", r.out, r.err);
    assert_eq!(last_line(&r.out), "1 passed, 0 failed");
}

#[test]
fn a_failing_case_names_the_subject_and_both_values() {
    let t = TempDir::zezhou("case", true);
    let cases = t.0.join("zezhou.test.toml");
    let text = fs::read_to_string(&cases).unwrap();
    fs::write(
        &cases,
        text.replacen("\"孵化载体补助\" = \"64000元\"", "\"孵化载体补助\" = \"6.5万元\"", 1),
    )
    .unwrap();
    let r = zhengce(&["test", s(&t.0)]);
    assert_eq!(r.status, Status::Errors, "{}\n{}", r.out, r.err);
    assert!(
        r.out.contains(
            "泽州县丹河科技企业孵化器有限公司 孵化载体补助: 期望 65,000 元，得到 64,000 元"
        ),
        "{}",
        r.out
    );
    assert!(last_line(&r.out).ends_with(" passed, 1 failed"), "{}", r.out);
    let shown = failures(&r.out, &t.0);
    let summary = last_line(&shown).to_string();
    insta::assert_snapshot!(shown.replace(&summary, "N passed, 1 failed"));
}

#[test]
fn a_missing_snapshot_is_skipped() {
    let t = TempDir::zezhou("skipped", false);
    fs::remove_file(t.0.join("zezhou.snap.json")).unwrap();
    let r = zhengce(&["test", s(&t.0)]);
    assert_eq!(r.status, Status::Ok, "{}\n{}", r.out, r.err);
    assert_eq!(last_line(&r.out), "0 passed, 0 failed, 1 skipped");
}

#[test]
fn a_malformed_test_file_is_a_coded_diagnostic() {
    let t = TempDir::zezhou("malformed", false);
    fs::write(t.0.join("zezhou.test.toml"), "[[case]]\nname = \"x\"\nsubjet = \"甲公司\"\n")
        .unwrap();
    let r = zhengce(&["test", "--error-format", "plain", s(&t.0)]);
    assert_eq!(r.status, Status::Usage, "{}\n{}", r.out, r.err);
    assert!(r.err.contains("error[ZC0801]"), "{}", r.err);
    assert!(r.err.contains("zezhou.test.toml:3:1"), "{}", r.err);
    assert!(r.err.contains("subjet"), "{}", r.err);

    // Well formed, but naming a rule the policy does not have (a slip for 转化企业's
    // 科技成果转化补助, whose data the case names).
    fs::write(
        t.0.join("zezhou.test.toml"),
        "[[case]]\nname = \"x\"\ndata = \"zezhou.转化企业.toml\"\nsubject = \"泽州县华阳新材料科技有限公司\"\n\
         [case.expect]\n\"科技成果转化补贴\" = \"50万元\"\n",
    )
    .unwrap();
    let r = zhengce(&["test", "--error-format", "plain", s(&t.0)]);
    assert_eq!(r.status, Status::Usage, "{}\n{}", r.out, r.err);
    assert!(r.err.contains("error[ZC0802]"), "{}", r.err);
    assert!(r.err.contains("科技成果转化补助"), "{}", r.err);
}

#[test]
fn a_copy_without_tests_is_not_a_pass_and_against_runs_the_originals() {
    let t = TempDir::zezhou("against", true);
    // The officer's copy, with 二(二)6's 30% changed to 25%.
    let original = t.0.join("zezhou.zc");
    let copy = t.0.join("zezhou-new.zc");
    let text = fs::read_to_string(&original).unwrap();
    assert_eq!(text.matches("× 30%").count(), 1);
    fs::write(&copy, text.replace("× 30%", "× 25%")).unwrap();
    // Alone: nothing to test, said, exit 1.
    let r = zhengce(&["test", s(&copy)]);
    assert_eq!(r.status, Status::Errors, "{}\n{}", r.out, r.err);
    assert!(r.out.contains("FAILED") && r.out.contains("没有测试"), "{}", r.out);
    assert!(r.err.contains("ZC0803") && r.err.contains("--against"), "{}", r.err);
    assert_eq!(last_line(&r.out), "0 passed, 0 failed");
    // Against the original: its cases pass where the change does not reach, and the snapshot
    // shows what moved, per 转化企业 (the sum of its 全县 projects at 25%): 华阳
    // 1,666,666.67 × 25% = 416,666.6675 (under the 50万元 cap now) + 1,200,000 × 25% = 300,000,
    // 716,666.6675 (was 860,000); 兰花 1,666,666.66 × 25% = 416,666.665.
    let r = zhengce(&["test", s(&copy), "--against", s(&original)]);
    assert_eq!(r.status, Status::Errors, "{}\n{}", r.out, r.err);
    assert!(!r.err.contains("ZC0803"), "{}", r.err);
    assert!(r.out.contains("860,000 元 → 716,666.6675 元"), "{}", r.out);
    assert!(r.out.contains("499,999.998 元 → 416,666.665 元"), "{}", r.out);
    assert!(last_line(&r.out).ends_with(" failed") && !last_line(&r.out).contains(" 0 failed"));
    // The original's snapshot is left as it was: --bless cannot be combined with --against.
    let snap = fs::read(t.0.join("zezhou.snap.json")).unwrap();
    let r = zhengce(&["test", s(&copy), "--against", s(&original), "--bless"]);
    assert_eq!(r.status, Status::Usage);
    assert_eq!(fs::read(t.0.join("zezhou.snap.json")).unwrap(), snap);
    // The original itself still passes.
    let r = zhengce(&["test", s(&original)]);
    assert_eq!(r.status, Status::Ok, "{}\n{}", r.out, r.err);
}

/// A policy of two rules: 费用补助 (30% of 费用, capped at 50万元) and 认定奖励 (1万元 in the year of
/// recognition, which needs an evaluation year). The sample data give the year in a `年份`
/// column; 甲公司 reaches the cap (2,000,000 × 30% = 600,000 → 500,000 元), 乙公司 does not
/// (100,000 × 30% = 30,000 元).
fn two_rules(name: &str) -> TempDir {
    let t = TempDir::new(name);
    fs::write(
        t.0.join("补助.zc"),
        "主体 企业 {\n 标识 企业名称\n 企业名称: 文本\n 费用: 元\n 认定年份: 年份 可选 }\n\
         对于 企业 {\n\
         § 一 「按费用的 30% 补助，最高不超过 50万元」\n 补贴 费用补助 { 金额 费用 × 30%\n 最高不超过 50万元 }\n\
         § 二 「当年认定的奖励 1万元」\n 奖励 认定奖励 { 当 认定年份 = 当年\n 金额 1万元 }\n}\n",
    )
    .unwrap();
    fs::write(
        t.0.join("补助.企业.csv"),
        "企业名称,年份,费用(元),认定年份\n甲公司,2024,2000000,2024\n乙公司,2024,100000,\n",
    )
    .unwrap();
    // A test input without a year.
    fs::write(t.0.join("无年份.csv"), "企业名称,费用(元)\n丙公司,1000000\n").unwrap();
    t
}

#[test]
fn a_case_stands_on_the_rules_it_names_and_its_help_speaks_of_the_test_file() {
    let t = two_rules("names");
    fs::write(
        t.0.join("补助.test.toml"),
        "[[case]]\nname = \"只看费用补助\"\ndata = \"无年份.csv\"\nsubject = \"丙公司\"\n\
         [case.expect]\n\"费用补助\" = \"30万元\"\n\n\
         [[case]]\nname = \"认定奖励要年份\"\ndata = \"无年份.csv\"\nsubject = \"丙公司\"\n\
         [case.expect]\n\"认定奖励\" = \"0元\"\n",
    )
    .unwrap();
    let policy = t.0.join("补助.zc");
    let r = zhengce(&["test", s(&policy), "--error-format", "plain"]);
    // 1,000,000 × 30% = 300,000 元: the case passes although 认定奖励 has no year.
    assert!(
        r.out.contains(
            "ok      [DIR]/补助.zc 用例 “只看费用补助”".replace("[DIR]", s(&t.0)).as_str()
        ),
        "{}",
        r.out
    );
    // The case that names 认定奖励 fails, with the reason under it and help in the test
    // file's terms.
    assert!(r.out.contains("用例 “认定奖励要年份”\n    ZC0703 主体 `丙公司` 计算 `认定奖励` 时需要按年的数据，但没有评估年度\n"), "{}", r.out);
    assert!(r.err.contains("`year = 2024`"), "{}", r.err);
    assert!(r.err.contains("写在测试文件的这个用例里"), "{}", r.err);
    assert!(!r.err.contains("--year"), "{}", r.err);
    assert!(r.err.contains("补助.test.toml:9:8: note: 这个用例"), "{}", r.err);
    assert_eq!(r.status, Status::Errors);
}

#[test]
fn one_missing_data_file_is_one_diagnostic_with_the_number_of_cases() {
    let t = two_rules("missing-data");
    let case = |n: u32| {
        format!(
            "[[case]]\nname = \"用例{n}\"\ndata = \"没有.csv\"\nsubject = \"甲公司\"\n[case.expect]\n\"费用补助\" = \"50万元\"\n\n"
        )
    };
    fs::write(t.0.join("补助.test.toml"), (1..=3).map(case).collect::<String>()).unwrap();
    let r = zhengce(&["test", s(&t.0.join("补助.zc")), "--error-format", "plain"]);
    assert_eq!(r.status, Status::Usage, "{}", r.err);
    assert_eq!(r.err.matches("error[ZC0802]").count(), 1, "{}", r.err);
    assert!(r.err.contains("补助.test.toml:3:8: error[ZC0802]: 数据文件 `"), "{}", r.err);
    assert!(r.err.contains("没有.csv` 不存在，3 个用例用到它"), "{}", r.err);
    assert_eq!(r.out.matches("FAILED").count(), 3, "{}", r.out);
}

#[test]
fn bless_lists_what_it_accepts_and_a_branch_no_longer_taken_is_a_warning() {
    let t = two_rules("branches");
    let policy = t.0.join("补助.zc");
    let r = zhengce(&["test", s(&policy), "--bless"]);
    assert_eq!(r.status, Status::Ok, "{}\n{}", r.out, r.err);
    assert!(r.out.contains("（已写入）\n    接受: 新快照\n"), "{}", r.out);
    let snap = fs::read_to_string(t.0.join("补助.snap.json")).unwrap();
    assert!(snap.contains("\"费用补助: 封顶生效\""), "{snap}");

    // The cap raised so that no sample reaches it: 甲公司 gets 600,000 元, and the branch where
    // the cap binds, which the snapshot took, is taken no more.
    let text = fs::read_to_string(&policy).unwrap();
    fs::write(&policy, text.replace("最高不超过 50万元 }", "最高不超过 500万元 }")).unwrap();
    let r = zhengce(&["test", s(&policy), "--error-format", "plain"]);
    assert_eq!(r.status, Status::Errors);
    assert!(
        r.out.contains("    补助.企业.csv 甲公司 费用补助: 500,000 元 → 600,000 元\n"),
        "{}",
        r.out
    );
    assert!(
        r.err.contains(
            "warning[ZC0804]: 快照记录的 1 个分支样例数据不再走到（如 `费用补助: 封顶生效`）"
        ),
        "{}",
        r.err
    );
    // --bless accepts it and says what it accepted.
    let r = zhengce(&["test", s(&policy), "--bless"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    assert!(
        r.out.contains("    接受: 补助.企业.csv 甲公司 费用补助: 500,000 元 → 600,000 元\n"),
        "{}",
        r.out
    );
    assert!(
        r.out.contains("    接受: 补助.企业.csv （合计） 费用补助: 530,000 元 → 630,000 元\n"),
        "{}",
        r.out
    );
    assert!(r.out.contains("    接受: 不再走到的分支 费用补助: 封顶生效\n"), "{}", r.out);
    // Plain `test` is then silent.
    let r = zhengce(&["test", s(&policy)]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    assert_eq!(r.err, "");
}

#[test]
fn coverage_below_min_fails() {
    let t = two_rules("min");
    let policy = t.0.join("补助.zc");
    zhengce(&["test", s(&policy), "--bless"]);
    let r = zhengce(&["test", s(&policy), "--coverage", "--min", "100", "--error-format", "plain"]);
    assert_eq!(r.status, Status::Errors, "{}\n{}", r.out, r.err);
    assert!(r.err.contains("error[ZC0805]: 测试只走到 "), "{}", r.err);
    assert!(r.err.contains("低于 `--min 100`"), "{}", r.err);
    assert!(r.out.contains("FAILED  ") && r.out.contains("低于 `--min 100`"), "{}", r.out);
    let r = zhengce(&["test", s(&policy), "--coverage", "--min", "10"]);
    assert_eq!(r.status, Status::Ok, "{}\n{}", r.out, r.err);
    // --min needs --coverage.
    let r = zhengce(&["test", s(&policy), "--min", "10"]);
    assert_eq!(r.status, Status::Usage);
}

#[test]
fn tests_runs_one_cases_file_on_a_changed_copy_expected_beside_obtained() {
    let t = TempDir::zezhou("tests-file", true);
    let copy_dir = t.0.join("draft");
    fs::create_dir(&copy_dir).unwrap();
    let copy = copy_dir.join("zezhou-new.zc");
    let text = fs::read_to_string(t.0.join("zezhou.zc")).unwrap();
    fs::write(&copy, text.replace("× 30%", "× 25%")).unwrap();
    let cases = t.0.join("zezhou.test.toml");
    let r = zhengce(&["test", s(&copy), "--tests", s(&cases)]);
    assert_eq!(r.status, Status::Errors, "{}\n{}", r.out, r.err);
    // The cases of 二(二)6 with a 全县 project at 30% are the ones that move, each beside what the
    // case expected: 华阳 1,666,666.67元 × 25% = 416,666.6675元 (no longer capped) + 1,200,000元
    // × 25% = 300,000元, 716,666.6675元; 兰花 1,666,666.66元 × 25% = 416,666.665元; 凤城
    // 300,000元 (市及市外, 20%) + 400,000元 × 25% = 100,000元, 400,000元. The others (鑫磊's
    // 市及市外 projects at 20%, and those which a case without `data` reads from zezhou's own
    // sample data beside the cases file) still pass.
    let failed: Vec<&str> = r.out.lines().filter(|l| l.starts_with("FAILED")).collect();
    assert_eq!(failed.len(), 3, "{}", r.out);
    assert!(r.out.contains("科技成果转化补助: 期望 860,000 元，得到 716,666.6675 元"), "{}", r.out);
    assert!(
        r.out.contains("科技成果转化补助: 期望 499,999.998 元，得到 416,666.665 元"),
        "{}",
        r.out
    );
    assert!(r.out.contains("科技成果转化补助: 期望 420,000 元，得到 400,000 元"), "{}", r.out);
    assert!(!r.err.contains("ZC0803"), "{}", r.err);
    let total: usize = fs::read_to_string(&cases).unwrap().matches("[[case]]").count();
    assert_eq!(last_line(&r.out), format!("{} passed, 3 failed", total - 3));
    // A cases file that is not there is an error naming it, not "no tests" passed over.
    let r = zhengce(&["test", s(&copy), "--tests", s(&t.0.join("nope.test.toml"))]);
    assert_ne!(r.status, Status::Ok);
    assert!(r.err.contains("ZC0901") && r.err.contains("nope.test.toml"), "{}", r.err);
}

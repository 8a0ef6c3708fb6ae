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

    // 二(二)6 county results: 30% becomes 27%; 1,666,666.67 × 27% = 450,000.0009 under the cap.
    let text = fs::read_to_string(&policy).unwrap();
    assert!(text.contains("转化实际发生费用 × 30%"));
    fs::write(&policy, text.replacen("转化实际发生费用 × 30%", "转化实际发生费用 × 27%", 1))
        .unwrap();
    let r = zhengce(&["test", s(&t.0)]);
    assert_eq!(r.status, Status::Errors, "{}\n{}", r.out, r.err);
    assert!(r.out.contains("FAILED"), "{}", r.out);
    assert!(
        r.out.contains(
            "zezhou.企业.toml 泽州县华阳新材料科技有限公司 科技成果转化补助: 500,000 元 → 450,000.0009 元"
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

    // Well formed, but naming a rule the policy does not have.
    fs::write(
        t.0.join("zezhou.test.toml"),
        "[[case]]\nname = \"x\"\ndata = \"zezhou.企业.toml\"\nsubject = \"泽州县华阳新材料科技有限公司\"\n\
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
    // shows what moved. 1,666,666.67 × 25% = 416,666.6675 (under the 50万元 cap now);
    // 1,666,666.66 × 25% = 416,666.665.
    let r = zhengce(&["test", s(&copy), "--against", s(&original)]);
    assert_eq!(r.status, Status::Errors, "{}\n{}", r.out, r.err);
    assert!(!r.err.contains("ZC0803"), "{}", r.err);
    assert!(r.out.contains("500,000 元 → 416,666.6675 元"), "{}", r.out);
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
    // The cases of 二(二)6 at 30% are the ones that move: 1,666,666.67元 × 25% =
    // 416,666.6675元 and 1,666,666.66元 × 25% = 416,666.665元, each beside what the case
    // expected; the others, which a case without `data` reads from zezhou's own sample data
    // (beside the cases file), still pass.
    let failed: Vec<&str> = r.out.lines().filter(|l| l.starts_with("FAILED")).collect();
    assert_eq!(failed.len(), 2, "{}", r.out);
    assert!(r.out.contains("科技成果转化补助: 期望 500,000 元，得到 416,666.6675 元"), "{}", r.out);
    assert!(
        r.out.contains("科技成果转化补助: 期望 499,999.998 元，得到 416,666.665 元"),
        "{}",
        r.out
    );
    assert!(!r.err.contains("ZC0803"), "{}", r.err);
    let total: usize = fs::read_to_string(&cases).unwrap().matches("[[case]]").count();
    assert_eq!(last_line(&r.out), format!("{} passed, 2 failed", total - 2));
    // A cases file that is not there is an error naming it, not "no tests" passed over.
    let r = zhengce(&["test", s(&copy), "--tests", s(&t.0.join("nope.test.toml"))]);
    assert_ne!(r.status, Status::Ok);
    assert!(r.err.contains("ZC0901") && r.err.contains("nope.test.toml"), "{}", r.err);
}

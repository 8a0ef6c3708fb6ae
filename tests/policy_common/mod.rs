//! Helpers shared by the policy tests: run the CLI in-process on a bundled policy and read its
//! JSON output.
#![allow(dead_code, reason = "each test file uses some of the shared helpers")]

use rust_decimal::Decimal;
use serde_json::Value as J;
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

/// The status of `check` on a policy, and the code and severity of each diagnostic, sorted.
pub fn check_codes(policy: &str) -> (Status, Vec<(String, String)>) {
    let (status, out, err) = zhengce(&["check", policy, "--error-format", "json", "--lang", "en"]);
    let text = if out.trim_start().starts_with('[') { out } else { err };
    let mut codes: Vec<(String, String)> = if text.trim().is_empty() {
        Vec::new()
    } else {
        let diags: J = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        diags
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_string(),
                    d["severity"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    codes.sort();
    (status, codes)
}

/// Runs `zhengce eval POLICY --data DATA --format json EXTRA...`; the evaluation must succeed
/// without any diagnostic but the ZC0913 notes of a `--param` that overrides the data's value,
/// the ZC0709 marks of an amount finer than a fen (which the documents leave unrounded) and the
/// ZC0950 warnings naming an optional field the sample data leaves empty in the year asked for
/// (yangcheng's 2023 listing costs).
pub fn eval(policy: &str, data: &str, extra: &[&str]) -> J {
    let mut args = vec!["eval", policy, "--data", data, "--format", "json", "--lang", "en"];
    args.extend_from_slice(extra);
    args.extend(["--error-format", "plain"]);
    let (status, out, err) = zhengce(&args);
    assert_eq!(status, Status::Ok, "eval {args:?} failed:\n{err}");
    let overrides = extra.iter().filter(|a| **a == "--param").count();
    assert!(
        err.lines().filter(|l| !l.starts_with("  ")).all(|l| l.contains("note[ZC0913]")
            || l.contains("warning[ZC0709]")
            || l.contains("warning[ZC0950]")),
        "eval {args:?} reported:\n{err}"
    );
    assert!(err.matches("note[ZC0913]").count() <= overrides, "{err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// Like [`eval`] for a year outside the policy's validity period, evaluated as asked
/// (`--outside-validity`): the one diagnostic is the ZC0707 warning that says so.
pub fn eval_outside_validity(policy: &str, data: &str, extra: &[&str]) -> J {
    let mut args = vec![
        "eval",
        policy,
        "--data",
        data,
        "--format",
        "json",
        "--lang",
        "en",
        "--outside-validity",
    ];
    args.extend_from_slice(extra);
    args.extend(["--error-format", "plain"]);
    let (status, out, err) = zhengce(&args);
    assert_eq!(status, Status::Ok, "eval {args:?} failed:\n{err}");
    assert_eq!(err.matches("warning[ZC0707]").count(), 1, "eval {args:?} reported:\n{err}");
    assert_eq!(err.matches("[ZC").count(), 1, "eval {args:?} reported:\n{err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// The result of one rule for one subject. A top-level rule is the same for every subject and
/// is reported once, in `policy_rules`.
pub fn rule<'a>(report: &'a J, subject: &str, name: &str) -> &'a J {
    let s = report["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == subject)
        .unwrap_or_else(|| panic!("no subject `{subject}`"));
    s["rules"]
        .as_array()
        .unwrap()
        .iter()
        .chain(report["policy_rules"].as_array().unwrap())
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no rule `{name}` for `{subject}`"))
}

/// A rule's value for one subject, as the JSON report gives it.
pub fn value<'a>(report: &'a J, subject: &str, name: &str) -> &'a J {
    &rule(report, subject, name)["value"]
}

/// A rule's value as an exact decimal, checking its unit.
pub fn number(report: &J, subject: &str, name: &str, unit: &str) -> Decimal {
    let v = &rule(report, subject, name)["value"];
    assert_eq!(v["unit"], unit, "`{name}` of `{subject}`: {v}");
    v["number"].as_str().unwrap().parse().unwrap()
}

/// An award's amount in 元.
pub fn yuan(report: &J, subject: &str, award: &str) -> Decimal {
    number(report, subject, award, "元")
}

/// The total of an award over all subjects, and how many received it.
pub fn total(report: &J, award: &str) -> (Decimal, u64) {
    let t = report["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["award"] == award)
        .unwrap_or_else(|| panic!("no total for `{award}`"));
    assert_eq!(t["total"]["unit"], "元");
    (t["total"]["number"].as_str().unwrap().parse().unwrap(), t["recipients"].as_u64().unwrap())
}

/// A decimal from its text.
pub fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A stacking rule's result for one subject: the combined amount, and what each member award
/// comes to and is paid, in 元.
pub fn stack(report: &J, subject: &str, name: &str) -> (Decimal, Vec<(String, Decimal, Decimal)>) {
    let s = report["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == subject)
        .unwrap_or_else(|| panic!("no subject `{subject}`"));
    let rule = s["stacking"]
        .as_array()
        .unwrap_or_else(|| panic!("no stacking for `{subject}`"))
        .iter()
        .find(|r| r["rule"] == name)
        .unwrap_or_else(|| panic!("no stacking rule `{name}` for `{subject}`"));
    let money = |v: &J| -> Decimal {
        if v.is_null() {
            return Decimal::ZERO;
        }
        assert_eq!(v["unit"], "元");
        v["number"].as_str().unwrap().parse().unwrap()
    };
    let members = rule["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["award"].as_str().unwrap().to_string(), money(&m["amount"]), money(&m["paid"])))
        .collect();
    (money(&rule["total"]), members)
}

/// `check` on a copy of a bundled policy in which the text `from`, found exactly once, is replaced
/// by `to`: the diagnostics, as JSON in English. A declaration that `check` silently skipped would
/// stay silent here too, so a test that changes one figure shows that the figure is checked.
pub fn check_changed(policy: &str, from: &str, to: &str) -> Vec<J> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let text = std::fs::read_to_string(policy).unwrap();
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once in {policy}");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("changed_policies");
    std::fs::create_dir_all(&dir).unwrap();
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let path = dir.join(format!("{}-{n}.zc", std::process::id()));
    std::fs::write(&path, text.replace(from, to)).unwrap();
    let path = path.to_str().unwrap().to_string();
    let (status, out, err) = zhengce(&["check", &path, "--error-format", "json", "--lang", "en"]);
    assert_eq!(status, Status::Ok, "{err}");
    let diags: J = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    diags.as_array().unwrap().clone()
}

/// The messages of the diagnostics `check` reports on a bundled policy, as JSON in English.
pub fn check_messages(policy: &str) -> Vec<String> {
    let (status, out, err) = zhengce(&["check", policy, "--error-format", "json", "--lang", "en"]);
    assert_eq!(status, Status::Ok, "{err}");
    let diags: J = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    diags.as_array().unwrap().iter().map(|d| d["message"].as_str().unwrap().to_string()).collect()
}

/// The diagnostics of [`check_changed`] whose message the unchanged policy does not report.
pub fn check_changed_new(policy: &str, from: &str, to: &str) -> Vec<J> {
    let before = check_messages(policy);
    check_changed(policy, from, to)
        .into_iter()
        .filter(|d| !before.iter().any(|m| d["message"] == m.as_str()))
        .collect()
}

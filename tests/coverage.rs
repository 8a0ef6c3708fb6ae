//! `zhengce test --coverage`: the branches no case or snapshot takes, exactly, and every branch
//! the evaluator records is one the policy text has.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

use std::collections::BTreeMap;
use std::fs;

use zhengce::checker::check;
use zhengce::data::{Schema, read_dataset};
use zhengce::eval::Evaluator;
use zhengce::eval::coverage::{Coverage, sites};
use zhengce::source::SourceFile;

mod eval_common;
use eval_common::{temp_dir, zhengce};

/// The fixture's one case (a county enterprise, 100万元 × 30% = 30万元, below the 50万元 cap)
/// and its snapshot leave exactly these four branches untaken.
#[test]
fn one_case_leaves_the_other_branches_listed() {
    let run = zhengce(&["--lang", "en", "test", "tests/coverage/small.zc", "--coverage"]);
    assert_eq!(run.status.code(), 0, "{}", run.err);
    let coverage: Vec<&str> = run
        .out
        .lines()
        .skip_while(|l| !l.starts_with("covered"))
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(
        coverage,
        [
            "covered tests/coverage/small.zc 6/10 branches exercised; not exercised:",
            "        tests/coverage/small.zc:15:13 `比例`: the `否则` branch never taken",
            "        tests/coverage/small.zc:17:6 `补助`: always pays; never tested paying nothing",
            "        tests/coverage/small.zc:18:5 `补助`: always holds; never tested failing",
            "        tests/coverage/small.zc:20:5 `补助`: the cap never binds",
        ]
    );
    assert_eq!(run.out.lines().last(), Some("2 passed, 0 failed"));
}

/// Adding a county-external enterprise above the cap (300万元 × 20% = 60万元 → 50万元) and one
/// with no cost (the condition fails, nothing paid) covers every branch.
#[test]
fn cases_for_each_branch_cover_everything() {
    let dir = temp_dir("coverage-full");
    for f in ["small.zc", "small.企业.toml", "small.snap.json"] {
        fs::copy(format!("tests/coverage/{f}"), dir.join(f)).unwrap();
    }
    fs::write(
        dir.join("more.toml"),
        "[[subjects]]\n\"名称\" = \"乙\"\n\"费用(万元)\" = 300\n\"县内\" = false\n\n\
         [[subjects]]\n\"名称\" = \"丙\"\n\"费用(万元)\" = 0\n\"县内\" = true\n",
    )
    .unwrap();
    fs::write(
        dir.join("small.test.toml"),
        "[[case]]\nname = \"县外封顶\"\ndata = \"more.toml\"\nkind = \"企业\"\nsubject = \"乙\"\n\
         [case.expect]\n\"补助\" = \"50万元\"\n\n\
         [[case]]\nname = \"无费用\"\ndata = \"more.toml\"\nkind = \"企业\"\nsubject = \"丙\"\n\
         [case.expect]\n\"补助\" = \"0元\"\n",
    )
    .unwrap();
    let policy = dir.join("small.zc");
    let run = zhengce(&["--lang", "en", "test", policy.to_str().unwrap(), "--coverage"]);
    assert_eq!(run.status.code(), 0, "{}\n{}", run.out, run.err);
    let name = policy.display();
    assert!(
        run.out.contains(&format!("covered {name} all 10 branches exercised\n")),
        "{}",
        run.out
    );
    assert_eq!(run.out.lines().last(), Some("3 passed, 0 failed"));
    let _ = fs::remove_dir_all(&dir);
}

/// A member kind's own rules and the branches inside an aggregation over members are
/// recorded: one contract of 2,000,000 元 (× 10% = 200,000 元, capped at 100,000 元, counted by
/// the `若` since it is ≥ 50万元) leaves only the other ways untaken, never "never evaluated".
#[test]
fn the_members_rules_and_aggregations_are_covered() {
    let dir = temp_dir("coverage-members");
    let policy = "政策 \"成员的分支（示例）\" { 发文机关: \"某区\" }\n\
        主体 企业 { 标识 企业名称; 企业名称: 文本 }\n\
        主体 合同 属于 企业 按 企业名称 { 标识 合同编号; 合同编号: 文本; 企业名称: 文本; 金额: 元 }\n\
        对于 合同 {\n\
        § 一 「按合同金额的10%给予补助，每个合同最高不超过10万元」\n\
        补助 合同补助 { 金额 合同.金额 × 10%; 最高不超过 10万元 }\n\
        }\n\
        对于 企业 {\n\
        § 二 「合同金额50万元以上的，按合同补助」\n\
        补助 设备补助 { 金额 合计(若 合同.金额 ≥ 50万元 则 合同.合同补助 否则 0元) }\n\
        }\n";
    fs::write(dir.join("m.zc"), policy).unwrap();
    fs::write(dir.join("m.企业.csv"), "企业名称\n甲公司\n").unwrap();
    fs::write(dir.join("m.合同.csv"), "合同编号,企业名称,金额(元)\nH1,甲公司,2000000\n").unwrap();
    fs::write(
        dir.join("m.test.toml"),
        "[[case]]\nname = \"封顶\"\ndata = \"m.企业.csv\"\nsubject = \"甲公司\"\n\
         [case.expect]\n\"设备补助\" = \"10万元\"\n",
    )
    .unwrap();
    let p = dir.join("m.zc");
    let run = zhengce(&["--lang", "en", "test", p.to_str().unwrap(), "--coverage"]);
    assert_eq!(run.status.code(), 0, "{}\n{}", run.out, run.err);
    let name = p.display().to_string();
    let coverage: Vec<String> = run
        .out
        .lines()
        .skip_while(|l| !l.starts_with("covered"))
        .take_while(|l| !l.is_empty())
        .map(|l| l.replace(&name, "m.zc"))
        .collect();
    assert_eq!(
        coverage,
        [
            "covered m.zc 6/10 branches exercised; not exercised:",
            "        m.zc:6:4 `合同补助`: always pays; never tested paying nothing",
            "        m.zc:6:27 `合同补助`: always capped; never tested below the cap",
            "        m.zc:10:4 `设备补助`: always pays; never tested paying nothing",
            "        m.zc:10:17 `设备补助`: the `否则` branch never taken",
        ],
        "{}",
        run.out
    );
    let _ = fs::remove_dir_all(&dir);
}

/// Every branch recorded while evaluating every bundled policy's sample data is a branch its
/// text has: the evaluator and the list of sites name the same places.
#[test]
fn recorded_branches_are_sites_of_the_policy() {
    let mut policies = 0;
    for entry in fs::read_dir("policies").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("zc") {
            continue;
        }
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        let source =
            SourceFile::new(path.display().to_string(), fs::read_to_string(&path).unwrap());
        let (policy, _) = zhengce::parser::parse(&source);
        let policy = policy.unwrap();
        let (checked, _) = check(&policy);
        let all: Vec<_> = sites(&policy).into_iter().map(|s| s.probe).collect();
        let coverage = Coverage::new();
        for data in fs::read_dir("policies").unwrap() {
            let data = data.unwrap().path();
            let file = data.file_name().unwrap().to_str().unwrap().to_string();
            let Some(kind) = file
                .strip_prefix(&format!("{stem}."))
                .and_then(|r| r.strip_suffix(".toml"))
                .filter(|k| !k.contains('.') && *k != "test")
            else {
                continue;
            };
            let mut schema = Schema::from_policy(&policy, kind).unwrap();
            schema.also_known = zhengce::engine::imports::imported_names(&policy, kind);
            let dataset = read_dataset(&data, &schema).unwrap();
            let subject = checked.scope.subject_names.get(kind).copied();
            let params: BTreeMap<_, _> =
                dataset.param_names.iter().cloned().zip(dataset.params.iter().cloned()).collect();
            let year = zhengce::eval::latest_year(&dataset.records, &params);
            let mut ev = Evaluator::new(&policy, &checked, subject, params);
            ev.record_coverage(coverage.clone());
            for record in &dataset.records {
                let _ = ev.evaluate(record, year);
            }
        }
        let taken = coverage.taken();
        assert!(taken.len() > 10, "{stem}: only {} branches taken", taken.len());
        for probe in &taken {
            assert!(all.contains(probe), "{stem}: {probe:?} recorded but not a site");
        }
        policies += 1;
    }
    assert_eq!(policies, 5);
}

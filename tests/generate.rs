//! `zhengce gen`: deterministic synthetic registers that `eval` accepts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod sim_common;

use std::fs;

use sim_common::{TempDir, s, unmarked, zhengce};
use zhengce::cli::Status;

#[test]
fn a_small_register_for_the_benchmark_policy() {
    let (status, out, err) = zhengce(&["gen", "benches/register.zc", "--rows", "6", "--seed", "7"]);
    assert_eq!(status, Status::Ok, "{err}");
    assert_eq!(err, "");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 7);
    assert_eq!(
        lines[0],
        "id,transfer_cost_yuan(元),transfer_origin,loan_interest_yuan(元),key_enterprise,\
         incubator_area_m2(㎡),incubator_level,high_tech_first_certified_last_year"
    );
    assert!(lines[1].starts_with("enterprise0000001,"));
    assert!(lines[6].starts_with("enterprise0000006,"));
    insta::assert_snapshot!(out);
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_others() {
    let t = TempDir::new("gen-seed");
    let run = |seed: &str, file: &str| {
        let path = t.path(file);
        let (status, _, err) = zhengce(&[
            "gen",
            "policies/zezhou.zc",
            "--kind",
            "企业",
            "--rows",
            "300",
            "--seed",
            seed,
            "--out",
            s(&path),
        ]);
        assert_eq!(status, Status::Ok, "{err}");
        fs::read(&path).unwrap()
    };
    for ext in ["csv", "xlsx"] {
        let a = run("42", &format!("a.{ext}"));
        let b = run("42", &format!("b.{ext}"));
        let c = run("43", &format!("c.{ext}"));
        assert_eq!(a, b, "{ext}: same seed");
        assert_ne!(a, c, "{ext}: another seed");
    }
    // Rows do not depend on how many are asked for: 10 rows are the first 10 of 300.
    let (_, ten, _) =
        zhengce(&["gen", "policies/zezhou.zc", "--kind", "企业", "--rows", "10", "--seed", "42"]);
    let all = String::from_utf8(run("42", "d.csv")).unwrap();
    assert!(all.starts_with(&ten));
}

/// `err` without the blocks of `ZC0950`: the optional fields a generated register leaves empty
/// for some subjects, named with the results they leave missing.
fn without_empty_fields(err: &str) -> String {
    let mut out = String::new();
    let mut keep = true;
    for line in err.split_inclusive('\n') {
        let header = line.trim_end();
        if header.len() == 6
            && header.starts_with("ZC")
            && header[2..].bytes().all(|b| b.is_ascii_digit())
        {
            keep = header != "ZC0950";
        }
        if keep {
            out.push_str(line);
        }
    }
    out
}

/// Every subject kind of every bundled policy (all of them one row per subject): a generated
/// register, with its parameters, evaluates without a diagnostic, but for the optional fields
/// it leaves empty (which `ZC0950` names where they leave a result missing).
#[test]
fn eval_accepts_a_generated_register_for_every_bundled_subject_kind() {
    let t = TempDir::new("gen-eval");
    let kinds = [
        ("provincial", "县", 200),
        ("taiyuan", "区县", 14),
        ("taiyuan", "市", 50),
        ("taiyuan", "基金", 200),
        ("taiyuan", "贷款", 200),
        ("xinjiang", "企业", 200),
        ("xinjiang", "项目", 200),
        ("xinjiang", "考核项目", 200),
        ("xinjiang", "县", 50),
        ("yangcheng", "支出", 200),
        ("yangcheng", "企业", 200),
        ("zezhou", "企业", 200),
        ("zezhou", "担保业务", 200),
        ("zezhou", "担保机构", 200),
        ("zezhou", "县", 50),
    ];
    for (policy, kind, rows) in kinds {
        let policy = format!("policies/{policy}.zc");
        let data = t.path(&format!("{kind}.xlsx"));
        let rows = rows.to_string();
        let (status, _, err) =
            zhengce(&["gen", &policy, "--kind", kind, "--rows", &rows, "--out", s(&data)]);
        assert_eq!(status, Status::Ok, "{policy} {kind}: {err}");
        let (status, out, err) =
            zhengce(&["eval", &policy, "--kind", kind, "--data", s(&data), "--format", "json"]);
        let rest = without_empty_fields(&unmarked(&err));
        assert_eq!((status, rest.as_str()), (Status::Ok, ""), "{policy} {kind}");
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(report["subjects"].as_array().unwrap().len().to_string(), rows);
    }
}

#[test]
fn a_csv_register_for_the_benchmark_policy_evaluates() {
    let t = TempDir::new("gen-bench");
    let data = t.path("register.csv");
    let (status, _, err) =
        zhengce(&["gen", "benches/register.zc", "--rows", "2000", "--out", s(&data)]);
    assert_eq!(status, Status::Ok, "{err}");
    let (status, out, err) =
        zhengce(&["eval", "benches/register.zc", "--data", s(&data), "--format", "json"]);
    assert_eq!((status, unmarked(&err).as_str()), (Status::Ok, ""));
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["subjects"].as_array().unwrap().len(), 2000);
    // Some subjects receive something, and not all of them the same.
    let total = &report["totals"][0];
    let recipients = total["recipients"].as_u64().unwrap();
    assert!(recipients > 100 && recipients <= 2000, "{recipients}");
}

#[test]
fn limits_are_diagnostics() {
    let t = TempDir::new("gen-limits");
    let out = t.path("big.xlsx");
    let (status, _, err) = zhengce(&[
        "--lang",
        "en",
        "--error-format",
        "plain",
        "gen",
        "benches/register.zc",
        "--rows",
        "1048576",
        "--out",
        s(&out),
    ]);
    assert_eq!(status, Status::Usage);
    assert!(err.contains("error[ZC0904]"), "{err}");
    assert!(err.contains("at most 1048576 rows"), "{err}");
    assert!(!out.exists());
    let (status, _, err) = zhengce(&[
        "--lang",
        "en",
        "--error-format",
        "plain",
        "gen",
        "policies/taiyuan.zc",
        "--kind",
        "区县",
        "--rows",
        "15",
    ]);
    assert_eq!(status, Status::Usage);
    assert!(err.contains("the key field `区县` has 14 values"), "{err}");
    let (status, _, err) = zhengce(&[
        "--lang",
        "en",
        "--error-format",
        "plain",
        "gen",
        "policies/zezhou.zc",
        "--rows",
        "3",
    ]);
    assert_eq!(status, Status::Usage);
    assert!(err.contains("choose one with `--kind`"), "{err}");
    // Never over the policy it reads.
    let (status, _, _) =
        zhengce(&["gen", "benches/register.zc", "--rows", "3", "--out", "benches/register.zc"]);
    assert_eq!(status, Status::Usage);
    assert!(fs::read_to_string("benches/register.zc").unwrap().contains("主体 enterprise"));
}

/// Every award of every bundled policy fires for at least one subject of a `gen` register of
/// its kind, `simulate` reading the parameters `gen` writes beside the CSV register; the one
/// exception is named with its reason.
#[test]
fn simulate_on_a_generated_register_makes_every_award_fire() {
    let t = TempDir::new("gen-fire");
    let kinds = [
        ("provincial", "县", 200),
        ("taiyuan", "区县", 14),
        ("taiyuan", "市", 50),
        ("taiyuan", "基金", 200),
        ("taiyuan", "贷款", 200),
        ("xinjiang", "企业", 500),
        ("xinjiang", "项目", 500),
        ("xinjiang", "考核项目", 200),
        ("xinjiang", "县", 50),
        ("yangcheng", "支出", 500),
        ("yangcheng", "企业", 500),
        ("zezhou", "企业", 2000),
        // 二(二)6 per project: the member kind's 项目补助 and the owner's sum, 科技成果转化补助
        // (`gen` writes the owners' projects beside their register).
        ("zezhou", "转化项目", 500),
        ("zezhou", "转化企业", 300),
        ("zezhou", "担保业务", 500),
        ("zezhou", "担保机构", 200),
        ("zezhou", "县", 50),
    ];
    // 创建奖励 (三(五), 五(三)) is paid only to a county that meets at least 24 of the 26
    // indicators of 附件1 in a year (the gate 参加打分) and scores at least 合格分数线: 26
    // figures drawn independently of each other meet 24 of their targets for no county. The
    // bundled cases (policies/provincial.test.toml) take every rung of its ladder.
    let cannot_fire = [("provincial", "创建奖励")];
    let mut never = Vec::new();
    let mut awards = 0;
    for (policy, kind, rows) in kinds {
        let path = format!("policies/{policy}.zc");
        let data = t.path(&format!("{policy}-{kind}.csv"));
        let rows = rows.to_string();
        let (status, _, err) =
            zhengce(&["gen", &path, "--kind", kind, "--rows", &rows, "--out", s(&data)]);
        assert_eq!(status, Status::Ok, "{policy} {kind}: {err}");
        let (status, out, err) =
            zhengce(&["simulate", &path, "--kind", kind, "--data", s(&data), "--format", "json"]);
        assert_eq!(status, Status::Ok, "{policy} {kind}: {err}");
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        for a in report["awards"].as_array().unwrap() {
            awards += 1;
            let name = a["award"].as_str().unwrap();
            if a["recipients"].as_u64().unwrap() == 0 && !cannot_fire.contains(&(policy, name)) {
                never.push(format!("{policy} {kind}: {name}"));
            }
        }
    }
    assert!(never.is_empty(), "awards no generated subject receives:\n{}", never.join("\n"));
    // Every award of the five policies was simulated (no kind left out): 51 since zezhou's
    // 二(二)6 pays each 转化项目 its 项目补助 and its 转化企业 the sum.
    assert_eq!(awards, 51);
}

/// A CSV register carries no parameters: `gen` writes them beside it (`登记簿.参数.csv`) and
/// says so; `eval` (loaded and streamed), `simulate` and `diff` read them with the register and
/// say which values they used and from where (ZC0914); `--param` over one is said (ZC0913).
#[test]
fn the_parameters_of_a_csv_register_are_written_beside_it_and_read_with_it() {
    let t = TempDir::new("gen-params");
    let data = t.path("登记簿.csv");
    let beside = t.path("登记簿.参数.csv");
    let (status, _, err) = zhengce(&[
        "--lang",
        "en",
        "--error-format",
        "plain",
        "gen",
        "policies/zezhou.zc",
        "--kind",
        "企业",
        "--rows",
        "300",
        "--seed",
        "7",
        "--out",
        s(&data),
    ]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(
        err.starts_with(&format!(
            "{}:1:1: note[ZC0914]: the parameters of `{}` are written beside it in `{}` (`市级专精特新奖励额(万元)`, `省级小巨人奖励额(万元)`, `国家级小巨人奖励额(万元)`, `高新奖励(万元)`, generated values)",
            s(&beside),
            s(&data),
            s(&beside)
        )),
        "{err}"
    );
    let written = fs::read_to_string(&beside).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(lines[0], "参数,值");
    assert_eq!(lines.len(), 5, "{written}");
    assert!(lines[4].starts_with("高新奖励(万元),"), "{written}");
    // Our own values: 2万元 for 高新奖励 and 3万元 for each 专精特新 award.
    fs::write(
        &beside,
        "参数,值\n市级专精特新奖励额(万元),3\n省级小巨人奖励额(万元),3\n国家级小巨人奖励额(万元),3\n高新奖励(万元),2\n",
    )
    .unwrap();
    let used = "note[ZC0914]: parameters from";
    let values = "`市级专精特新奖励额` = `30,000 yuan`, `省级小巨人奖励额` = `30,000 yuan`, `国家级小巨人奖励额` = `30,000 yuan`, `高新奖励` = `20,000 yuan`";
    let plain = |args: &[&str]| {
        let mut all = vec!["--lang", "en", "--error-format", "plain"];
        all.extend_from_slice(args);
        zhengce(&all)
    };
    // Loaded (JSON to standard output): 高新认定奖励 is 2万元 for each recipient.
    let (status, out, err) =
        plain(&["eval", "policies/zezhou.zc", "--data", s(&data), "--format", "json"]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(err.contains(&format!("{}:1:1: {used} `{}`", s(&beside), s(&beside))), "{err}");
    assert!(err.contains(values), "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let award = |name: &str| {
        report["totals"].as_array().unwrap().iter().find(|a| a["award"] == name).unwrap().clone()
    };
    let high_tech = award("高新认定奖励");
    let recipients = high_tech["recipients"].as_u64().unwrap();
    assert!(recipients > 10, "{high_tech}");
    assert_eq!(high_tech["total"]["number"], (recipients * 20_000).to_string().as_str());
    // Streamed (CSV into a file): the same note, the same total.
    let csv = t.path("结果.csv");
    let (status, _, err) =
        plain(&["eval", "policies/zezhou.zc", "--data", s(&data), "--out", s(&csv)]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(err.contains(used) && err.contains(values), "{err}");
    let result = fs::read_to_string(&csv).unwrap();
    let header: Vec<&str> = result.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "高新认定奖励").unwrap();
    let totals: Vec<&str> = result.lines().last().unwrap().split(',').collect();
    assert_eq!(totals[col], (recipients * 20_000).to_string());
    // simulate and diff say it too.
    let (status, _, err) = plain(&["simulate", "policies/zezhou.zc", "--data", s(&data)]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(err.contains(used) && err.contains(values), "{err}");
    let (status, _, err) =
        plain(&["diff", "policies/zezhou.zc", "policies/zezhou.zc", "--data", s(&data)]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(err.contains(used) && err.contains(values), "{err}");
    // `--param` wins, and says over which file's value.
    let (status, _, err) =
        plain(&["simulate", "policies/zezhou.zc", "--data", s(&data), "--param", "高新奖励=4万元"]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(
        err.contains(&format!("--param:1:1: note[ZC0913]: `--param 高新奖励=4万元` overrides the parameter `高新奖励` that the data file `{}` gives: `40,000 yuan` is used, not the data's `20,000 yuan`", s(&beside))),
        "{err}"
    );
    assert!(!err.contains("`高新奖励` = `20,000 yuan`"), "{err}");
    // A value left empty is ZC0705 at its cell (line 5, column 10: after the comma), the rules needing it
    // undetermined; a value that cannot be read is reported at its cell.
    fs::write(
        &beside,
        "参数,值\n市级专精特新奖励额(万元),3\n省级小巨人奖励额(万元),3\n国家级小巨人奖励额(万元),3\n高新奖励(万元),\n",
    )
    .unwrap();
    let (status, _, err) =
        plain(&["eval", "policies/zezhou.zc", "--data", s(&data), "--format", "json"]);
    assert_eq!(status, Status::Errors, "{err}");
    assert!(
        err.contains(&format!(
            "{}:5:10: error[ZC0705]: the parameter `高新奖励` has no value",
            s(&beside)
        )),
        "{err}"
    );
    fs::write(
        &beside,
        "参数,值\n市级专精特新奖励额(万元),3\n省级小巨人奖励额(万元),三万\n国家级小巨人奖励额(万元),3\n高新奖励(万元),2\n",
    )
    .unwrap();
    let (status, _, err) = plain(&["simulate", "policies/zezhou.zc", "--data", s(&data)]);
    assert_ne!(status, Status::Ok, "{err}");
    assert!(err.contains(&format!("{}:3:", s(&beside))) && err.contains("error[ZC06"), "{err}");
    // A register of a policy without parameters written over this one takes its parameters
    // file away with it: another policy's parameters are not read with the new register.
    let (status, _, err) = plain(&[
        "gen",
        "policies/xinjiang.zc",
        "--kind",
        "企业",
        "--rows",
        "50",
        "--out",
        s(&data),
    ]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(!beside.exists(), "the parameters of the zezhou register are still beside it");
    let (status, _, err) = plain(&["simulate", "policies/xinjiang.zc", "--data", s(&data)]);
    assert_eq!(status, Status::Ok, "{err}");
}

/// A CSV template has its parameters beside it, values to fill in, as a workbook template has
/// its `参数` sheet: each value left empty is ZC0705 at its cell, and once filled in, `eval`
/// uses it and says so.
#[test]
fn a_csv_template_has_its_parameters_beside_it_to_fill_in() {
    let t = TempDir::new("template-params");
    let data = t.path("企业.csv");
    let beside = t.path("企业.参数.csv");
    let plain = |args: &[&str]| {
        let mut all = vec!["--lang", "en", "--error-format", "plain"];
        all.extend_from_slice(args);
        zhengce(&all)
    };
    let (status, _, err) = plain(&[
        "template",
        "policies/zezhou.zc",
        "--kind",
        "企业",
        "--format",
        "csv",
        "--out",
        s(&data),
    ]);
    assert_eq!(status, Status::Ok, "{err}");
    assert_eq!(
        err,
        format!(
            "{b}:1:1: note[ZC0914]: the parameters of `{d}` are written beside it in `{b}` (`市级专精特新奖励额(万元)`, `省级小巨人奖励额(万元)`, `国家级小巨人奖励额(万元)`, `高新奖励(万元)`, values to fill in): `eval`, `simulate` and `diff` read them with `{d}`\n  = help: fill in each parameter in the `值` column of `{b}`: a number in the unit in brackets after its name (`5` for `高新奖励(万元)` is 5万元)\n",
            b = s(&beside),
            d = s(&data)
        )
    );
    assert_eq!(
        fs::read_to_string(&beside).unwrap(),
        "参数,值\n市级专精特新奖励额(万元),\n省级小巨人奖励额(万元),\n国家级小巨人奖励额(万元),\n高新奖励(万元),\n"
    );
    // The example row is recognised in 2024 (首次认定年份, 高新认定年份): both awards need a
    // parameter, each reported at its empty cell.
    let (status, _, err) = plain(&["eval", "policies/zezhou.zc", "--data", s(&data)]);
    assert_eq!(status, Status::Errors, "{err}");
    assert!(
        err.contains(&format!(
            "{}:2:15: error[ZC0705]: the parameter `市级专精特新奖励额` has no value",
            s(&beside)
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{}:5:10: error[ZC0705]: the parameter `高新奖励` has no value",
            s(&beside)
        )),
        "{err}"
    );
    fs::write(&beside, "参数,值\n市级专精特新奖励额(万元),2\n省级小巨人奖励额(万元),3\n国家级小巨人奖励额(万元),5\n高新奖励(万元),4\n").unwrap();
    let (status, out, err) =
        plain(&["eval", "policies/zezhou.zc", "--data", s(&data), "--format", "csv"]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(err.contains("note[ZC0914]: parameters from"), "{err}");
    // 市级专精特新 recognised in 2024: 2万元; 高新 recognised in 2024: 4万元.
    let header: Vec<&str> = out.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = out.lines().nth(1).unwrap().split(',').collect();
    let at = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!((at("专精特新奖励"), at("高新认定奖励")), ("20000", "40000"));
}

/// The ids a policy names (xinjiang pays 山西威祥瑞达石材有限公司 and others by name) are in the
/// register, where they keep the ids increasing down the file: a register whose ids do not
/// increase cannot be streamed, and 200,000 such rows took 3.6 GB in memory.
#[test]
fn named_ids_keep_the_ids_increasing() {
    let t = TempDir::new("gen-named-ids");
    let data = t.path("企业.csv");
    let (status, _, err) = zhengce(&[
        "gen",
        "policies/xinjiang.zc",
        "--kind",
        "企业",
        "--rows",
        "300",
        "--out",
        s(&data),
    ]);
    assert_eq!(status, Status::Ok, "{err}");
    let text = fs::read_to_string(&data).unwrap();
    let ids: Vec<&str> = text.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(ids.len(), 300);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids do not increase: {ids:?}");
    assert!(ids.contains(&"山西威祥瑞达石材有限公司"), "{ids:?}");
    assert_eq!(ids[0], "企业0000001");
}

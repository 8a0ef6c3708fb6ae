//! No silent parameter: each way a parameter can be given — in the data file, with `--param`
//! (in either form), both, neither (with and without a parameter table), misspelt — gives a
//! stated value and a stated message. zezhou's 二(四)15 award 高新认定奖励 pays the parameter
//! 高新奖励 (万元) to an enterprise recognised as high-tech in the year evaluated; its incubator
//! award, 20元/㎡ × 1,000㎡ = 20,000元, needs no parameter and is always evaluated.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod eval_common;

use std::path::{Path, PathBuf};

use eval_common::{temp_dir, zhengce};
use serde_json::Value as J;
use zhengce::cli::Status;

const ZEZHOU: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/zezhou.zc");

/// One enterprise, high-tech in 2024, with a 市级 incubator of 1,000㎡; `params` is the
/// parameter table written before it (empty: none).
fn data(dir: &Path, name: &str, params: &str) -> PathBuf {
    let path = dir.join(format!("{name}.企业.toml"));
    let text = format!(
        "{params}\n[[subjects]]\n\"企业名称\" = \"甲公司\"\n\"孵化载体认定级别\" = \"市级\"\n\
         \"孵化面积(㎡)\" = {{ 2024 = 1000 }}\n\"高新认定年份\" = 2024\n"
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// The four parameters, 高新奖励 as `gaoxin` (a TOML line, or empty to leave it out).
fn table(gaoxin: &str) -> String {
    format!(
        "[params]\n\"市级专精特新奖励额(万元)\" = 3\n\"省级小巨人奖励额(万元)\" = 5\n\
         \"国家级小巨人奖励额(万元)\" = 5\n{gaoxin}\n"
    )
}

/// `eval ZEZHOU --data DATA --format json --error-format json ARGS...`: the status, the value of
/// each of the two awards (`null` when undetermined), and the diagnostics as (code, severity,
/// message, [label messages]).
struct Outcome {
    status: Status,
    gaoxin: J,
    incubator: J,
    diags: Vec<(String, String, String, Vec<String>)>,
}

fn eval(data: &Path, args: &[&str]) -> Outcome {
    let mut all = vec![
        "eval",
        ZEZHOU,
        "--data",
        data.to_str().unwrap(),
        "--format",
        "json",
        "--error-format",
        "json",
        "--lang",
        "en",
    ];
    all.extend(args);
    let r = zhengce(&all);
    let diags: J =
        if r.err.is_empty() { J::Array(vec![]) } else { serde_json::from_str(&r.err).unwrap() };
    let diags = diags
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
                d["labels"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| l["message"].as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect();
    let (gaoxin, incubator) = if r.out.is_empty() {
        (J::Null, J::Null)
    } else {
        let report: J = serde_json::from_str(&r.out).unwrap();
        let rules = report["subjects"][0]["rules"].as_array().unwrap().clone();
        let value = |name: &str| {
            let rule = rules.iter().find(|x| x["name"] == name).unwrap();
            rule["value"].get("number").cloned().unwrap_or(J::Null)
        };
        (value("高新认定奖励"), value("孵化载体补助"))
    };
    Outcome { status: r.status, gaoxin, incubator, diags }
}

#[test]
fn in_the_data_file_the_data_value_is_used_silently() {
    let dir = temp_dir("params-data");
    let o = eval(&data(&dir, "a", &table("\"高新奖励(万元)\" = 5")), &[]);
    assert_eq!(o.status, Status::Ok);
    // 5万元 = 50,000元.
    assert_eq!((o.gaoxin, o.incubator), (J::from("50000"), J::from("20000")));
    assert_eq!(o.diags, []);
}

#[test]
fn with_param_alone_in_either_form_the_command_line_value_is_used_silently() {
    let dir = temp_dir("params-cli");
    for (file, params) in [("none", String::new()), ("table", table(""))] {
        let path = data(&dir, file, &params);
        for given in ["高新奖励=7万元", "高新奖励(万元)=7", "高新奖励（万元）=7"]
        {
            let o = eval(&path, &["--param", given]);
            assert_eq!(o.status, Status::Ok, "{file} {given}: {:?}", o.diags);
            // 7万元 = 70,000元; nothing to say: the data has no value it overrides.
            assert_eq!((o.gaoxin, o.incubator), (J::from("70000"), J::from("20000")), "{given}");
            assert_eq!(o.diags, [], "{file} {given}");
        }
    }
}

#[test]
fn in_both_the_command_line_wins_and_a_note_says_which_value_came_from_where() {
    let dir = temp_dir("params-both");
    let path = data(&dir, "a", &table("\"高新奖励(万元)\" = 5"));
    let o = eval(&path, &["--param", "高新奖励=7万元"]);
    assert_eq!(o.status, Status::Ok, "a note does not change the exit status");
    assert_eq!((o.gaoxin, o.incubator), (J::from("70000"), J::from("20000")));
    let file = path.display();
    assert_eq!(
        o.diags,
        [(
            "ZC0913".to_string(),
            "note".to_string(),
            format!(
                "`--param 高新奖励=7万元` overrides the parameter `高新奖励` that the data file `{file}` gives: `70,000 yuan` is used, not the data's `50,000 yuan`"
            ),
            vec!["this file".to_string()],
        )]
    );
    // Given twice on the command line: the last is used, and it is the one named.
    let o = eval(&path, &["--param", "高新奖励=7万元", "--param", "高新奖励(万元)=8"]);
    assert_eq!(o.gaoxin, J::from("80000"));
    assert_eq!(o.diags.len(), 1);
    assert!(o.diags[0].2.starts_with("`--param 高新奖励(万元)=8` overrides"), "{}", o.diags[0].2);
    assert!(o.diags[0].2.contains("`80,000 yuan` is used, not the data's `50,000 yuan`"));
}

#[test]
fn in_neither_only_the_rule_that_needs_it_is_undetermined_and_it_is_named() {
    let dir = temp_dir("params-neither");
    // No parameter table: at the declaration in the policy.
    let o = eval(&data(&dir, "none", ""), &[]);
    assert_eq!(o.status, Status::Errors, "the result is partial");
    assert_eq!((o.gaoxin, o.incubator), (J::Null, J::from("20000")));
    let undetermined = "the parameter `高新奖励` has no value: the rules that need it are undetermined (first for `甲公司`)";
    assert_eq!(
        o.diags,
        [(
            "ZC0705".to_string(),
            "error".to_string(),
            undetermined.to_string(),
            vec!["no value and no default".to_string(), "undetermined: `高新认定奖励`".to_string()],
        )]
    );
    // A parameter table without it: at the table, with what to add; the same code.
    let path = data(&dir, "table", &table(""));
    let o = eval(&path, &[]);
    assert_eq!(o.status, Status::Errors);
    assert_eq!((o.gaoxin, o.incubator), (J::Null, J::from("20000")));
    assert_eq!(
        o.diags,
        [(
            "ZC0705".to_string(),
            "error".to_string(),
            undetermined.to_string(),
            vec![
                "`高新奖励` is missing".to_string(),
                "declared here without a default".to_string(),
                "undetermined: `高新认定奖励`".to_string(),
            ],
        )]
    );
    let r = zhengce(&["eval", ZEZHOU, "--data", path.to_str().unwrap(), "--error-format", "plain"]);
    assert!(
        r.err.contains(
            "= help: 在参数表中加入 `高新奖励(万元)`，或用 `--param 高新奖励=…万元` 给出"
        ),
        "{}",
        r.err
    );
}

#[test]
fn a_missing_parameter_is_reported_once_for_every_subject_it_stops() {
    let dir = temp_dir("params-many");
    let path = dir.join("many.企业.toml");
    let mut text = String::new();
    for i in 0..3 {
        text.push_str(&format!(
            "[[subjects]]\n\"企业名称\" = \"{i}号\"\n\"高新认定年份\" = 2024\n\"孵化面积(㎡)\" = {{ 2024 = 1 }}\n"
        ));
    }
    std::fs::write(&path, text).unwrap();
    let o = eval(&path, &[]);
    assert_eq!(o.status, Status::Errors);
    assert_eq!(o.diags.len(), 1, "{:?}", o.diags);
    assert_eq!(
        o.diags[0].2,
        "the parameter `高新奖励` has no value: the rules that need it are undetermined (first for `0号`) (and 2 more subjects)"
    );
}

#[test]
fn misspelt_nothing_is_evaluated_and_the_parameters_are_named() {
    let dir = temp_dir("params-misspelt");
    let path = data(&dir, "a", &table("\"高新奖励(万元)\" = 5"));
    for given in ["高新奖=7万元", "高新奖(万元)=7"] {
        let r = zhengce(&[
            "eval",
            ZEZHOU,
            "--data",
            path.to_str().unwrap(),
            "--param",
            given,
            "--error-format",
            "plain",
            "--lang",
            "en",
        ]);
        assert_eq!(r.status, Status::Errors, "{given}: {}", r.err);
        assert_eq!(r.out, "", "nothing is evaluated with a value the user did not mean");
        assert!(
            r.err.starts_with(
                "--param:1:1: error[ZC0912]: the policy declares no parameter `高新奖`\n"
            ),
            "{}",
            r.err
        );
        assert!(r.err.contains("did you mean `高新奖励`?"), "{}", r.err);
    }
}

#[test]
fn simulate_and_diff_say_the_override_too() {
    let dir = temp_dir("params-sim-diff");
    let path = data(&dir, "a", &table("\"高新奖励(万元)\" = 5"));
    let d = path.to_str().unwrap();
    for args in [
        vec!["simulate", ZEZHOU, "--data", d, "--param", "高新奖励=7万元"],
        vec!["diff", ZEZHOU, ZEZHOU, "--data", d, "--param", "高新奖励=7万元"],
    ] {
        let mut all = args.clone();
        all.extend(["--lang", "en", "--error-format", "plain"]);
        let r = zhengce(&all);
        assert_eq!(r.status, Status::Ok, "{args:?}: {}", r.err);
        assert!(
            r.err.contains(
                "note[ZC0913]: `--param 高新奖励=7万元` overrides the parameter `高新奖励`"
            ),
            "{args:?}: {}",
            r.err
        );
        assert!(r.err.contains("`70,000 yuan` is used, not the data's `50,000 yuan`"), "{}", r.err);
    }
}

/// A number alone is read in the parameter's declared unit, as a data file's column without a
/// unit is: 高新奖励 is declared in 万元, so `高新奖励=7` is 7万元 = 70,000元, never 7元 (or a
/// bare 7 paid as an award). Before, the award read `7`, a number without a unit.
#[test]
fn a_number_alone_is_read_in_the_declared_unit() {
    let dir = temp_dir("params-bare");
    let path = data(&dir, "a", &table(""));
    let o = eval(&path, &["--param", "高新奖励=7"]);
    assert_eq!(o.status, Status::Ok, "{:?}", o.diags);
    assert_eq!((o.gaoxin, o.incubator), (J::from("70000"), J::from("20000")));
    assert_eq!(o.diags, []);
    // Over the data's 5万元: the note names the value used with its unit.
    let path = data(&dir, "b", &table("\"高新奖励(万元)\" = 5"));
    let o = eval(&path, &["--param", "高新奖励=7"]);
    assert_eq!(o.gaoxin, J::from("70000"));
    assert_eq!(o.diags.len(), 1, "{:?}", o.diags);
    assert_eq!(o.diags[0].0, "ZC0913");
    assert!(
        o.diags[0].2.contains("`70,000 yuan` is used, not the data's `50,000 yuan`"),
        "{:?}",
        o.diags
    );
}

/// A value whose unit is of another kind than the declared one (a percentage or points for an
/// amount, an amount for points), or a yes/no for a number, is `ZC0951` and nothing is
/// evaluated. Before, `高新奖励=5%` paid an award of 「5%」 and `优秀分数线(万元)=80` made a
/// score threshold of 800,000元, which no county reaches.
#[test]
fn a_value_of_another_unit_or_kind_is_refused() {
    let dir = temp_dir("params-kind");
    let path = data(&dir, "a", &table("\"高新奖励(万元)\" = 5"));
    for (given, text) in [
        ("高新奖励=5%", "5%"),
        ("高新奖励=5分", "5分"),
        ("高新奖励(分)=5", "5分"),
        ("高新奖励=是", "是"),
    ] {
        let r = zhengce(&[
            "eval",
            ZEZHOU,
            "--data",
            path.to_str().unwrap(),
            "--param",
            given,
            "--error-format",
            "plain",
            "--lang",
            "en",
        ]);
        assert_eq!(r.status, Status::Errors, "{given}: {}", r.err);
        assert_eq!(r.out, "", "{given}: nothing is evaluated with a value of another kind");
        assert_eq!(
            r.err.lines().take(2).collect::<Vec<_>>(),
            [
                format!(
                    "--param:1:1: error[ZC0951]: `--param {given}`: the parameter `高新奖励` takes a number in `万元`, not `{text}`"
                ),
                "  = help: write `--param 高新奖励=…万元`, or the number alone, `--param 高新奖励=…` (read in `万元`)".to_string(),
            ],
            "{given}: {}",
            r.err
        );
    }
    // A score threshold in 分: an amount is refused, in Chinese too.
    let provincial = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/provincial.zc");
    let r = zhengce(&[
        "eval",
        provincial,
        "--param",
        "优秀分数线(万元)=80",
        "--error-format",
        "plain",
        "--lang",
        "zh",
    ]);
    assert_eq!(r.status, Status::Errors, "{}", r.err);
    assert!(
        r.err.starts_with(
            "--param:1:1: error[ZC0951]: `--param 优秀分数线(万元)=80`：参数 `优秀分数线` 取以 `分` 计的数，不能取 `80万元`\n"
        ),
        "{}",
        r.err
    );
}

/// provincial's 优秀分数线 in each form the data files and the command line write it: the
/// first county's total is 94.4分, so a threshold of 94分 makes it 优秀 and one of 95分 良好
/// (its sample data says 90分).
#[test]
fn a_score_threshold_in_each_form_decides_the_grade() {
    let provincial = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/provincial.zc");
    for (given, band) in [
        ("优秀分数线=94分", "优秀"),
        ("优秀分数线(分)=94", "优秀"),
        ("优秀分数线=94", "优秀"),
        ("优秀分数线=95分", "良好"),
        ("优秀分数线(分)=95", "良好"),
        ("优秀分数线=95", "良好"),
    ] {
        let r = zhengce(&["eval", provincial, "--param", given, "--format", "json"]);
        assert_eq!(r.status, Status::Ok, "{given}: {}", r.err);
        let report: J = serde_json::from_str(&r.out).unwrap();
        let first = &report["subjects"][0];
        let total =
            first["rules"].as_array().unwrap().iter().find(|x| x["name"] == "总分").unwrap();
        assert_eq!(total["value"]["number"], "94.4", "{given}");
        let grade =
            first["rules"].as_array().unwrap().iter().find(|x| x["name"] == "总分档次").unwrap();
        assert_eq!(grade["value"], J::from(band), "{given}: {grade}");
    }
}

//! A field left empty that leaves a result missing is said once per field (`ZC0950`): the
//! subjects that leave it empty, counted and the first named, and the results it leaves
//! missing, labelled at the field's declaration. A field left empty that no missing result
//! needs is not said: its reader was worked out all the same.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

mod eval_common;

use eval_common::{temp_dir, zhengce};
use zhengce::cli::Status;

const POLICY: &str = "主体 企业 {
  标识 名称
  名称: 文本
  收入: 元 按年 可选
  费用: 元 可选
  其他费用: 元 可选
}
对于 企业 {
  § 一 「按历年收入合计的 1% 奖励」
  补助 累计奖励 { 金额 累计(收入) × 1%; 每年 }
  § 二 「按费用的一半补助」
  补助 费用补助 { 金额 费用 × 50%; 一次性 }
  § 三 「费用或其他费用超过 100 元的，奖励 10 元」
  奖励 达标奖励 { 当 费用 > 100元 或 其他费用 > 100元; 金额 10元; 一次性 }
}
";

/// 甲 gives every value but 其他费用, which 达标奖励 does not need (费用 1,000元 > 100元):
/// (100 + 200 + 300) × 1% = 6元, 1,000元 × 50% = 500元, 10元. 乙 leaves 收入 of 2023 and 费用
/// empty: 累计奖励 and 费用补助 are missing; 达标奖励 is undecided (费用 missing, 其他费用 50元),
/// which does not hold: 0元, not missing. 丙 leaves 费用 and 其他费用 empty: 费用补助 is missing.
const DATA: &str = "名称,收入[2022](元),收入[2023](元),收入[2024](元),费用(元),其他费用(元)\n\
甲,100,200,300,1000,\n乙,100,,300,,50\n丙,100,200,300,,\n";

fn setup(name: &str) -> (String, String) {
    let dir = temp_dir(name);
    let p = dir.join("p.zc");
    std::fs::write(&p, POLICY).unwrap();
    let d = dir.join("p.企业.csv");
    std::fs::write(&d, DATA).unwrap();
    (p.to_str().unwrap().to_string(), d.to_str().unwrap().to_string())
}

/// The lines of `err` that are `ZC0950` warnings, with the help line after each.
fn empty_field_warnings(err: &str) -> Vec<String> {
    let lines: Vec<&str> = err.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if l.contains("[ZC0950]") {
            let tail = l.split_once(": warning").map_or(*l, |(_, t)| t);
            out.push(format!("warning{tail}"));
            if let Some(h) = lines.get(i + 1) {
                out.push(h.trim().to_string());
            }
        }
    }
    out
}

#[test]
fn each_empty_field_behind_a_missing_result_is_said_once_with_its_subjects_and_results() {
    let (p, d) = setup("empty-fields");
    let r = zhengce(&["eval", &p, "--data", &d, "--error-format", "plain"]);
    assert_eq!(r.status, Status::Ok, "a warning: {}", r.err);
    assert_eq!(
        empty_field_warnings(&r.err),
        [
            "warning[ZC0950]: 字段 `收入[2023年]` 在 1 个主体的数据中留空，用到它的结果缺数据：`累计奖励`",
            "= help: 在数据文件中填上 `乙` 的 `收入[2023年]` 后重新评估；原文把不填当作某个值的（如没有省市补助即为 0元），可在这个字段的声明后写缺省值（`= 值`），并在上一行用 `# 解读：` 说明",
            "warning[ZC0950]: 字段 `费用` 在 2 个主体的数据中留空，用到它的结果缺数据：`费用补助`",
            "= help: 在数据文件中填上 `乙`、`丙` 的 `费用` 后重新评估；原文把不填当作某个值的（如没有省市补助即为 0元），可在这个字段的声明后写缺省值（`= 值`），并在上一行用 `# 解读：` 说明",
        ],
        "{}",
        r.err
    );
    // Labelled at the field's declaration (line 5: `费用: 元 可选`).
    assert!(r.err.contains("p.zc:5:3: warning[ZC0950]"), "{}", r.err);
    // 其他费用 is empty for 甲 and 丙, but no missing result needs it.
    assert!(!r.err.contains("`其他费用`"), "{}", r.err);
    // The per-rule count stays (ZC0708), and --strict still exits 1.
    assert!(r.err.contains("ZC0708"), "{}", r.err);
    let r = zhengce(&["eval", &p, "--data", &d, "--strict"]);
    assert_eq!(r.status, Status::Errors, "{}", r.err);
}

#[test]
fn the_warning_is_in_english_and_in_every_report_format() {
    let (p, d) = setup("empty-fields-en");
    for format in ["text", "json", "jsonl", "markdown", "csv", "basis"] {
        let r = zhengce(&[
            "eval",
            &p,
            "--data",
            &d,
            "--lang",
            "en",
            "--error-format",
            "plain",
            "--format",
            format,
        ]);
        assert_eq!(r.status, Status::Ok, "{format}: {}", r.err);
        assert_eq!(
            empty_field_warnings(&r.err).first().map(String::as_str),
            Some(
                "warning[ZC0950]: field `收入[2023年]` is empty for 1 subject, and results that use it are missing: `累计奖励`"
            ),
            "{format}: {}",
            r.err
        );
        assert!(
            r.err.contains(
                "warning[ZC0950]: field `费用` is empty for 2 subjects, and results that use it are missing: `费用补助`"
            ),
            "{format}: {}",
            r.err
        );
    }
}

#[test]
fn a_complete_register_has_no_warning() {
    let dir = temp_dir("empty-fields-none");
    let p = dir.join("p.zc");
    std::fs::write(&p, POLICY).unwrap();
    let d = dir.join("p.企业.csv");
    std::fs::write(
        &d,
        "名称,收入[2022](元),收入[2023](元),收入[2024](元),费用(元),其他费用(元)\n甲,100,200,300,1000,\n",
    )
    .unwrap();
    let r = zhengce(&["eval", p.to_str().unwrap(), "--data", d.to_str().unwrap()]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    assert!(!r.err.contains("ZC0950"), "{}", r.err);
    assert!(!r.err.contains("ZC0708"), "{}", r.err);
}

/// The bundled zezhou sample with 转化实际发生费用 left out for two of its enterprises (the
/// first, 1,666,666.67元 × 30%, and the one at the cap, 1,500,000元 × 20% = 300,000元): both
/// lose 科技成果转化补助, and the field is named with them. The sample of the frozen flat copy of
/// zezhou (tests/fixtures/zezhou_flat.zc), where 二(二)6's cost is a field of 企业; the bundled
/// policy now reads it per 转化项目.
#[test]
fn the_bundled_zezhou_sample_with_a_cost_left_out_names_the_field() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let sample = std::fs::read_to_string(root.join("zezhou_flat.企业.toml")).unwrap();
    let mut edited = sample.replacen("\"转化实际发生费用(元)\" = 1666666.67\n", "", 1);
    edited = edited.replacen("\"转化实际发生费用(元)\" = 1500000\n", "", 1);
    assert_eq!(edited.len() + 2 * "\"转化实际发生费用(元)\" = ".len() + 10 + 7 + 2, sample.len());
    let dir = temp_dir("empty-fields-zezhou");
    let d = dir.join("z.企业.toml");
    std::fs::write(&d, edited).unwrap();
    let policy = root.join("zezhou_flat.zc");
    let r = zhengce(&[
        "eval",
        policy.to_str().unwrap(),
        "--data",
        d.to_str().unwrap(),
        "--error-format",
        "plain",
    ]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    assert_eq!(
        empty_field_warnings(&r.err)[..1],
        [
            "warning[ZC0950]: 字段 `转化实际发生费用` 在 2 个主体的数据中留空，用到它的结果缺数据：`科技成果转化补助`"
        ],
        "{}",
        r.err
    );
    assert!(
        r.err.contains("在数据文件中填上 `泽州县华阳新材料科技有限公司`、`泽州县凤城光电科技有限公司` 的 `转化实际发生费用`"),
        "{}",
        r.err
    );
}

/// A CSV register streamed into `--out` says the same fields as the in-memory report: the
/// compiled form counts the missing results, the interpreter names the fields in a second pass.
/// 甲 and 丙 leave 转化实际发生费用 empty; 乙's 1,500,000元 × 20% = 300,000元 is known. On the
/// frozen flat copy of zezhou, where 二(二)6's fields are on 企业.
#[test]
fn a_streamed_register_says_the_same_fields_as_the_in_memory_report() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let policy = root.join("zezhou_flat.zc");
    let dir = temp_dir("empty-fields-streamed");
    let d = dir.join("s.企业.csv");
    std::fs::write(
        &d,
        "企业名称,转化项目符合条件,转化成果来源,转化实际发生费用(元)\n\
         甲,是,全县,\n乙,是,市及市外,1500000\n丙,是,全县,\n",
    )
    .unwrap();
    let (p, d) = (policy.to_str().unwrap(), d.to_str().unwrap());
    let params = [
        "--param",
        "市级专精特新奖励额=3万元",
        "--param",
        "省级小巨人奖励额=5万元",
        "--param",
        "国家级小巨人奖励额=5万元",
        "--param",
        "高新奖励=5万元",
    ];
    let expected = [
        "warning[ZC0950]: 字段 `转化实际发生费用` 在 2 个主体的数据中留空，用到它的结果缺数据：`科技成果转化补助`",
        "= help: 在数据文件中填上 `甲`、`丙` 的 `转化实际发生费用` 后重新评估；原文把不填当作某个值的（如没有省市补助即为 0元），可在这个字段的声明后写缺省值（`= 值`），并在上一行用 `# 解读：` 说明",
    ];
    for format in ["csv", "json", "markdown"] {
        let out = dir.join(format!("out.{format}"));
        let mut args = vec!["eval", p, "--data", d, "--year", "2024", "--error-format", "plain"];
        args.extend(params);
        args.extend(["--format", format]);
        let in_memory = zhengce(&args);
        assert_eq!(in_memory.status, Status::Ok, "{format}: {}", in_memory.err);
        assert_eq!(empty_field_warnings(&in_memory.err), expected, "{format}: {}", in_memory.err);
        args.extend(["--out", out.to_str().unwrap()]);
        let streamed = zhengce(&args);
        assert_eq!(streamed.status, Status::Ok, "{format}: {}", streamed.err);
        assert_eq!(streamed.err, in_memory.err, "{format}");
        let written = std::fs::read_to_string(&out).unwrap();
        assert_eq!(written, in_memory.out, "{format}");
    }
    let csv = std::fs::read_to_string(dir.join("out.csv")).unwrap();
    assert!(csv.contains("\n乙,0,0,0,300000,"), "{csv}");
}

/// Past three subjects, the first three are named and the others counted.
#[test]
fn past_three_subjects_the_others_are_counted() {
    let dir = temp_dir("empty-fields-many");
    let p = dir.join("p.zc");
    std::fs::write(&p, POLICY).unwrap();
    let d = dir.join("p.企业.csv");
    std::fs::write(
        &d,
        "名称,收入[2024](元),费用(元),其他费用(元)\n甲,1,,\n乙,1,,\n丙,1,,\n丁,1,,\n戊,1,,\n",
    )
    .unwrap();
    let (p, d) = (p.to_str().unwrap(), d.to_str().unwrap());
    let r = zhengce(&["eval", p, "--data", d, "--error-format", "plain"]);
    assert_eq!(r.status, Status::Ok, "{}", r.err);
    assert_eq!(
        empty_field_warnings(&r.err)[..2],
        [
            "warning[ZC0950]: 字段 `费用` 在 5 个主体的数据中留空，用到它的结果缺数据：`费用补助`",
            "= help: 在数据文件中填上 `甲`、`乙`、`丙` 等 5 个主体的 `费用` 后重新评估；原文把不填当作某个值的（如没有省市补助即为 0元），可在这个字段的声明后写缺省值（`= 值`），并在上一行用 `# 解读：` 说明",
        ],
        "{}",
        r.err
    );
    let r = zhengce(&["eval", p, "--data", d, "--error-format", "plain", "--lang", "en"]);
    assert!(
        r.err.contains("= help: fill in `费用` for `甲`, `乙`, `丙` and 2 more in the data file"),
        "{}",
        r.err
    );
}

/// On a generated register of zezhou's 企业 (its stacking rules finish each row after the
/// block's rows are evaluated), CSV and Parquet, the streamed CSV report names the same empty
/// fields with the same counts and subjects as the in-memory report.
#[test]
fn a_generated_register_with_stacking_rules_names_the_same_fields_streamed() {
    let policy = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/zezhou.zc");
    let p = policy.to_str().unwrap();
    let dir = temp_dir("empty-fields-generated");
    for ext in ["csv", "parquet"] {
        let d = dir.join(format!("g.{ext}"));
        let d = d.to_str().unwrap();
        let made =
            zhengce(&["gen", p, "--kind", "企业", "--rows", "3000", "--seed", "7", "--out", d]);
        assert_eq!(made.status, Status::Ok, "{}", made.err);
        let base = ["eval", p, "--kind", "企业", "--data", d, "--error-format", "plain"];
        let in_memory = zhengce(&[&base[..], &["--format", "json"]].concat());
        let expected = empty_field_warnings(&in_memory.err);
        // The generated register leaves optional fields empty behind missing results.
        assert!(expected.len() >= 2, "{ext}: {}", in_memory.err);
        let out = dir.join(format!("out-{ext}.csv"));
        let streamed =
            zhengce(&[&base[..], &["--format", "csv", "--out", out.to_str().unwrap()]].concat());
        assert_eq!(streamed.status, Status::Ok, "{ext}: {}", streamed.err);
        assert_eq!(empty_field_warnings(&streamed.err), expected, "{ext}");
    }
}

/// The streamed CSV report names the fields from the rows its workers kept of the subjects
/// with a missing result, as the register writes them: quoted cells (a comma in one), Windows
/// line ends and a last line without its end are kept whole, and the fields said are the
/// in-memory report's (乙 and 丙 as in [`DATA`], and `丁,号`, who leaves 费用 empty too).
#[test]
fn the_rows_kept_for_the_warning_are_read_as_written() {
    let (p, _) = setup("empty-fields-kept");
    let dir = std::path::Path::new(&p).parent().unwrap().to_path_buf();
    let d = dir.join("q.企业.csv");
    std::fs::write(
        &d,
        "名称,收入[2022](元),收入[2023](元),收入[2024](元),费用(元),其他费用(元)\r\n\
         甲,100,200,300,1000,\r\n\"乙\",100,,300,,50\r\n\"丁,号\",\"100\",200,300,,\r\n丙,100,200,300,,",
    )
    .unwrap();
    let d = d.to_str().unwrap();
    let base = ["eval", p.as_str(), "--data", d, "--error-format", "plain"];
    let in_memory = zhengce(&[&base[..], &["--format", "json"]].concat());
    let expected = empty_field_warnings(&in_memory.err);
    assert!(
        expected.iter().any(|l| l.contains("字段 `费用` 在 3 个主体的数据中留空")),
        "{}",
        in_memory.err
    );
    let out = dir.join("out.csv");
    let streamed =
        zhengce(&[&base[..], &["--format", "csv", "--out", out.to_str().unwrap()]].concat());
    assert_eq!(empty_field_warnings(&streamed.err), expected, "{}", streamed.err);
}

/// Past the rows the workers keep for the warning (1 MiB over the run: 20,000 subjects leave
/// 费用 empty here, about 1.3 MB of rows), the workers keep no more and the pass reads the
/// register again for them: the same warnings as the in-memory report.
#[test]
fn past_the_rows_kept_the_register_is_read_again_for_the_warning() {
    let (p, _) = setup("empty-fields-past-kept");
    let dir = std::path::Path::new(&p).parent().unwrap().to_path_buf();
    let d = dir.join("many.企业.csv");
    let mut text =
        String::from("名称,收入[2022](元),收入[2023](元),收入[2024](元),费用(元),其他费用(元)\n");
    for i in 0..20_000 {
        text.push_str(&format!("某某科技有限责任公司第{i:05}号,100,200,300,,50\n"));
    }
    text.push_str("甲,100,200,300,1000,\n");
    assert!(text.len() > 1 << 20);
    std::fs::write(&d, text).unwrap();
    let d = d.to_str().unwrap();
    let base = ["eval", p.as_str(), "--data", d, "--error-format", "plain"];
    let in_memory = zhengce(&[&base[..], &["--format", "json"]].concat());
    let expected = empty_field_warnings(&in_memory.err);
    assert!(
        expected.iter().any(|l| l.contains("字段 `费用` 在 20000 个主体的数据中留空")),
        "{}",
        in_memory.err
    );
    let out = dir.join("out.csv");
    for threads in ["1", "2"] {
        let args = ["--format", "csv", "--threads", threads, "--out", out.to_str().unwrap()];
        let streamed = zhengce(&[&base[..], &args[..]].concat());
        assert_eq!(empty_field_warnings(&streamed.err), expected, "{}", streamed.err);
    }
}

//! 就高不重复 against an amount already received outside the workspace (`扣除 FIELD`, `less
//! FIELD`): the highest award pays only what it adds to the amount the data gives, the others
//! nothing; an empty amount is missing, never 0. The figures are worked out by hand.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

use serde_json::Value;
use zhengce::cli::{Env, Status, run};

const DIR: &str = env!("CARGO_MANIFEST_DIR");

/// Runs `zhengce --error-format plain ARGS...` in-process: status, stdout, stderr.
fn zhengce(args: &[&str]) -> (Status, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let argv = ["zhengce", "--error-format", "plain"]
        .into_iter()
        .chain(args.iter().copied())
        .map(String::from);
    let status = run(argv, &Env { width: 100, ..Env::default() }, &mut out, &mut err);
    (status, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

fn fixture(name: &str) -> String {
    format!("{DIR}/tests/stack/{name}")
}

/// `eval tests/stack/POLICY --data tests/stack/received.csv EXTRA...`.
fn eval(lang: &str, policy: &str, extra: &[&str]) -> (Status, String, String) {
    let (p, d) = (fixture(policy), fixture("received.csv"));
    let mut args = vec!["--lang", lang, "eval", &p, "--data", &d];
    args.extend_from_slice(extra);
    zhengce(&args)
}

/// A stacking entry's amount (`{ "number", "unit" }` or `null`) as text, `null` as "null".
fn number(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        v => {
            assert_eq!(v["unit"], "元");
            v["number"].as_str().unwrap().to_string()
        }
    }
}

// 上市培育 vs 泽州's award, less what was already received (万元 in the data):
// 公司1 30 vs 20, received 12 → 30 − 12 = 18万; 公司2 30 vs 20, received 40 → 0;
// 公司3 30 vs 20, received empty → missing; 公司4 10 vs 25, received 5 → 泽州's 25 − 5 = 20万;
// 公司5 20 vs 10, received 0 → 20万. Every subject also has 研发补助 1万, stacked with nothing.

#[test]
fn the_highest_pays_what_it_adds_to_the_amount_received() {
    let (status, out, err) = eval("en", "received.zc", &["--format", "json"]);
    assert_eq!(status, Status::Ok, "{err}");
    let r: Value = serde_json::from_str(&out).unwrap();
    let got: Vec<(String, String, Vec<String>, String)> = r["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let rule = &s["stacking"][0];
            assert_eq!(rule["rule"], "专精特新支持");
            assert_eq!(rule["mode"], "exclusive");
            assert_eq!(rule["received"]["field"], "已获同一事项支持");
            let paid = rule["members"].as_array().unwrap().iter().map(|m| number(&m["paid"]));
            (
                s["id"].as_str().unwrap().to_string(),
                number(&rule["total"]),
                paid.collect(),
                number(&rule["received"]["amount"]),
            )
        })
        .collect();
    let row = |id: &str, total: &str, paid: [&str; 2], received: &str| {
        (id.to_string(), total.to_string(), paid.map(String::from).to_vec(), received.to_string())
    };
    assert_eq!(
        got,
        [
            row("公司1", "180000", ["180000", "0"], "120000"),
            row("公司2", "0", ["0", "0"], "400000"),
            row("公司3", "null", ["null", "0"], "null"),
            row("公司4", "200000", ["0", "200000"], "50000"),
            row("公司5", "200000", ["200000", "0"], "0"),
        ]
    );
    // Each award as paid: 上市培育 18万 (公司1) + 20万 (公司5); 公司3's is unknown, left out.
    let totals: Vec<(String, String, u64)> = r["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let award = t["award"].as_str().unwrap().to_string();
            (award, number(&t["total"]), t["recipients"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(
        totals,
        [("专精特新上市培育".into(), "380000".into(), 2), ("研发补助".into(), "50000".into(), 5)]
    );
}

#[test]
fn an_empty_amount_received_is_missing_data_not_zero() {
    let (status, _, err) = eval("en", "received.zc", &[]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(err.contains("warning[ZC0708]: 1 subject is missing data"), "{err}");
    // The stacking rule is labelled (line 18), and the empty field named for 公司3.
    assert!(err.contains("received.zc:18:4: warning[ZC0708]"), "{err}");
    assert!(
        err.contains("warning[ZC0950]: field `已获同一事项支持` is empty for 1 subject"),
        "{err}"
    );
    assert!(err.contains("results that use it are missing: `专精特新支持`"), "{err}");
    assert!(err.contains("`公司3`"), "{err}");
    // Under --strict, an incomplete result fails the run.
    let (status, _, _) = eval("en", "received.zc", &["--strict"]);
    assert_eq!(status, Status::Errors);
}

#[test]
fn a_declared_default_reads_an_empty_amount_received_as_that_default() {
    // received_en.zc declares `已获同一事项支持: 元 optional = 0元`: 公司3 is paid 30万 in full.
    let (status, out, err) = eval("en", "received_en.zc", &["--format", "csv"]);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(!err.contains("ZC0708"), "{err}");
    assert!(out.contains("\n公司3,300000,10000,300000,0,310000\n"), "{out}");
}

#[test]
fn the_text_report_counts_only_what_is_paid() {
    let (status, out, err) = eval("zh", "received.zc", &[]);
    assert_eq!(status, Status::Ok, "{err}");
    for line in [
        "  叠加 专精特新支持（就高不重复）: 180,000 元\n    专精特新上市培育: 300,000 元 → 180,000 元\n    泽州.专精特新奖励: 200,000 元 → 0 元\n    扣除已获 已获同一事项支持: 120,000 元\n  合计: 190,000 元\n",
        "  叠加 专精特新支持（就高不重复）: （缺数据）\n    专精特新上市培育: 300,000 元 → （缺数据）\n",
        "    扣除已获 已获同一事项支持: （缺数据）\n  合计: （缺数据）\n",
        // Not 1,200,000 (each award on its own), nor 800,000 (the highest without the deduction).
        "  专精特新上市培育: 380,000 元，2 个主体获得\n",
        "  叠加 专精特新支持: 580,000 元，3 个主体获得\n",
        // 19万 + 1万 + 21万 + 21万; 公司3's total is missing.
        "  合计: 620,000 元，4 个主体获得\n  （不完整：1 个主体缺数据，未计入合计）\n",
        "1 个主体的奖励无法确定（缺数据）：公司3（专精特新支持）",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
}

#[test]
fn the_csv_report_shows_the_amount_received_and_totals_what_is_paid() {
    let (status, out, err) = eval("zh", "received.zc", &["--format", "csv"]);
    assert_eq!(status, Status::Ok, "{err}");
    assert_eq!(
        out,
        "名称,专精特新上市培育,研发补助,叠加 专精特新支持,叠加 专精特新支持 扣除 已获同一事项支持,合计\n\
         公司1,300000,10000,180000,120000,190000\n\
         公司2,300000,10000,0,400000,10000\n\
         公司3,300000,10000,缺数据,缺数据,缺数据\n\
         公司4,100000,10000,200000,50000,210000\n\
         公司5,200000,10000,200000,0,210000\n\
         合计（不完整：1 个主体缺数据）,1200000,50000,580000,,620000\n"
    );
    assert!(err.contains("received.zc:18:4: warning[ZC0708]"), "{err}");
}

/// The xlsx report's `结果` sheet has the CSV report's columns: the amount received after the
/// stacking rule's total, not added up in the row of totals.
#[test]
fn the_xlsx_report_shows_the_amount_received() {
    use calamine::{Data, Reader, Xlsx};
    let out = std::env::temp_dir().join(format!("zhengce-received-{}.xlsx", std::process::id()));
    let (status, _, err) =
        eval("zh", "received.zc", &["--format", "xlsx", "--out", out.to_str().unwrap()]);
    assert_eq!(status, Status::Ok, "{err}");
    let mut book: Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let sheet = book.worksheet_range("结果").unwrap();
    let cell = |d: &Data| match d {
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    };
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(cell).collect()).collect();
    let _ = std::fs::remove_file(&out);
    assert_eq!(
        rows[0],
        [
            "名称",
            "专精特新上市培育(元)",
            "研发补助(元)",
            "叠加 专精特新支持(元)",
            "叠加 专精特新支持 扣除 已获同一事项支持(元)",
            "合计(元)"
        ]
    );
    // 公司1: 300,000 less 120,000 received = 180,000; its total 180,000 + 10,000.
    assert_eq!(rows[1], ["公司1", "300000", "10000", "180000", "120000", "190000"]);
    assert_eq!(rows[3][3..], ["缺数据", "缺数据", "缺数据"]);
    // The row of totals adds what is paid, not what was received.
    let last = rows.last().unwrap();
    assert_eq!(last[3..], ["580000", "", "620000"]);
}

/// `zhengce test`'s snapshot records the amount a stacking rule deducts, so that a change in
/// it (the data's, or the rule's field) fails the snapshot by name.
#[test]
fn the_snapshot_records_the_amount_received() {
    let dir = std::env::temp_dir().join(format!("zhengce-received-snap-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["received.zc", "received_zezhou.zc"] {
        std::fs::copy(fixture(f), dir.join(f)).unwrap();
    }
    let data = std::fs::read_to_string(fixture("received.csv")).unwrap();
    std::fs::write(dir.join("received.企业.csv"), &data).unwrap();
    let d = dir.to_str().unwrap();
    let (status, _, err) = zhengce(&["--lang", "en", "test", d, "--bless"]);
    assert_eq!(status, Status::Ok, "{err}");
    let snap: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("received.snap.json")).unwrap())
            .unwrap();
    let text = snap.to_string();
    // 公司1 received 12万元: recorded beside the 180,000 元 the rule pays.
    assert!(
        text.contains("\"叠加 专精特新支持 扣除 已获同一事项支持\":{\"number\":\"120000\""),
        "{text}"
    );
    // 公司1 now received 15万元: the rule pays 150,000 元, and the snapshot names both changes.
    std::fs::write(
        dir.join("received.企业.csv"),
        data.replacen("公司1,30,1,20,12", "公司1,30,1,20,15", 1),
    )
    .unwrap();
    let (status, out, err) = zhengce(&["--lang", "en", "test", d]);
    assert_ne!(status, Status::Ok, "{out}{err}");
    assert!(out.contains("叠加 专精特新支持 扣除 已获同一事项支持"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn only_paid_lists_the_subjects_an_award_is_paid_under_the_stacking_rule() {
    // 上市培育 is paid to 公司1 (18万) and 公司5 (20万) only: 公司2 received more than it, 公司3's
    // amount received is missing, 公司4's is the lower side.
    let (status, out, err) =
        eval("zh", "received.zc", &["--format", "csv", "--only-paid", "专精特新上市培育"]);
    assert_eq!(status, Status::Ok, "{err}");
    let ids: Vec<&str> = out.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(ids, ["公司1", "公司5", "合计"], "{out}");
    // The stacking rule: what it pays in all, 公司2's 0 and 公司3's missing result left out.
    let (_, out, _) =
        eval("zh", "received.zc", &["--format", "csv", "--only-paid", "专精特新支持"]);
    let ids: Vec<&str> = out.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(ids, ["公司1", "公司4", "公司5", "合计"], "{out}");
    assert!(out.ends_with("合计,600000,30000,580000,,610000\n"), "{out}");
}

#[test]
fn markdown_basis_and_explain_show_the_amount_received() {
    let (_, md, _) = eval("zh", "received.zc", &["--format", "markdown"]);
    assert!(
        md.contains("| 专精特新支持 | 叠加 | 180,000 元 | 专精特新上市培育 180,000 元，泽州.专精特新奖励 0 元，扣除已获 已获同一事项支持 120,000 元 |"),
        "{md}"
    );
    assert!(md.contains("| 公司3 | 300,000 | 10,000 | 缺数据 | 缺数据 |"), "{md}");
    let (_, basis, _) = eval("en", "received.zc", &["--format", "basis"]);
    assert!(
        basis.contains("stacking rule 专精特新支持 (the highest only), less 已获同一事项支持 received 120,000 元: paid 180,000 元"),
        "{basis}"
    );
    assert!(
        basis.contains(
            "stacking rule 专精特新支持 (the highest only): another award is higher, paid 0 元"
        ),
        "{basis}"
    );
    let (p, d) = (fixture("received.zc"), fixture("received.csv"));
    let explain = |subject: &str, name: &str, json: bool| {
        let mut args =
            vec!["--lang", "en", "explain", &p, "--data", &d, "--subject", subject, name];
        if json {
            args.extend(["--format", "json"]);
        }
        let (status, out, err) = zhengce(&args);
        assert_eq!(status, Status::Ok, "{err}");
        out
    };
    let rule = explain("公司4", "专精特新支持", false);
    assert!(
        rule.contains("the highest, `泽州.专精特新奖励`, 250,000 yuan, less `已获同一事项支持` already received 50,000 yuan: paid 200,000 yuan"),
        "{rule}"
    );
    assert!(rule.contains("§ 五 「本方案与我县现行政策有交叉的"), "{rule}");
    let award = explain("公司1", "专精特新上市培育", false);
    assert!(award.contains("专精特新上市培育: 300,000 yuan → 180,000 yuan"), "{award}");
    let missing: Value = serde_json::from_str(&explain("公司3", "专精特新支持", true)).unwrap();
    assert_eq!(missing["total"], Value::Null);
    assert_eq!(missing["received"]["amount"], Value::Null);
    assert_eq!(missing["members"][1]["paid"]["number"], "0");
    let award: Value = serde_json::from_str(&explain("公司2", "专精特新上市培育", true)).unwrap();
    assert_eq!(award["stacking"][0]["received"]["amount"]["number"], "400000");
    assert_eq!(award["stacking"][0]["total"]["number"], "0");
}

/// The hand-computed CSV row of one subject: its amounts in 元 (the received one `None` when
/// left empty), each stacking cell as the report writes it.
fn expected_row(id: &str, own: i64, theirs: i64, rd: i64, received: Option<i64>) -> String {
    let high = own.max(theirs);
    let (stack, got, total) = match received {
        Some(r) => {
            let paid = (high - r.max(0)).max(0);
            (paid.to_string(), r.to_string(), (paid + rd).to_string())
        }
        None => ("缺数据".into(), "缺数据".into(), "缺数据".into()),
    };
    format!("{id},{own},{rd},{stack},{got},{total}\n")
}

#[test]
fn the_streamed_csv_report_is_the_in_memory_one_byte_for_byte() {
    // 30,000 subjects, ids in increasing order: blocks of the streamed path.
    let mut body =
        String::from("名称,上市培育额(元),研发额(元),泽州奖励额(元),已获同一事项支持(元)\n");
    let mut want = String::from(
        "名称,专精特新上市培育,研发补助,叠加 专精特新支持,叠加 专精特新支持 扣除 已获同一事项支持,合计\n",
    );
    let (mut own_sum, mut rd_sum, mut stack_sum, mut total_sum, mut missing) = (0, 0, 0, 0, 0);
    for i in 0..30_000i64 {
        let id = format!("企业{i:06}");
        let own = (i % 7) * 50_000;
        let theirs = (i % 5) * 60_000;
        let rd = (i % 3) * 10_000 + 1;
        let received = match i % 11 {
            0 => None,
            // Exactly the highest: nothing more.
            1 => Some(own.max(theirs)),
            k => Some(k * 23_000),
        };
        let cell = received.map_or(String::new(), |r| r.to_string());
        body.push_str(&format!("{id},{own},{rd},{theirs},{cell}\n"));
        want.push_str(&expected_row(&id, own, theirs, rd, received));
        own_sum += own;
        rd_sum += rd;
        match received {
            Some(r) => {
                let paid = (own.max(theirs) - r.max(0)).max(0);
                stack_sum += paid;
                total_sum += paid + rd;
            }
            None => missing += 1,
        }
    }
    want.push_str(&format!(
        "合计（不完整：{missing} 个主体缺数据）,{own_sum},{rd_sum},{stack_sum},,{total_sum}\n"
    ));
    let dir = std::env::temp_dir().join(format!("zhengce-stack-received-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("register.csv");
    std::fs::write(&data, &body).unwrap();
    let policy = fixture("received.zc");
    let data_s = data.to_str().unwrap();
    let args = ["--lang", "en", "eval", &policy, "--data", data_s, "--format", "csv"];
    let (status, in_memory, err) = zhengce(&args);
    assert_eq!(status, Status::Ok, "{err}");
    assert!(in_memory == want, "the in-memory report differs from the hand-computed one");
    let out = dir.join("report.csv");
    let out_s = out.to_str().unwrap();
    let mut streamed_args = args.to_vec();
    streamed_args.extend(["--out", out_s]);
    let (status, nothing, streamed_err) = zhengce(&streamed_args);
    assert_eq!(status, Status::Ok, "{streamed_err}");
    assert!(nothing.is_empty());
    // Streamed: evaluated by the interpreter (ZC0710), and warning as the in-memory report does.
    assert!(streamed_err.contains("note[ZC0710]"), "{streamed_err}");
    let m = format!("warning[ZC0708]: {missing} subjects are missing data");
    assert!(err.contains(&m) && streamed_err.contains(&m), "{err}\n{streamed_err}");
    assert!(err.contains("warning[ZC0950]") && streamed_err.contains("warning[ZC0950]"));
    let streamed = std::fs::read(&out).unwrap();
    assert!(streamed == in_memory.as_bytes(), "the streamed report differs from the in-memory one");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Checks a policy written to a temporary file: status and plain diagnostics.
fn check(name: &str, text: &str) -> (Status, String) {
    let dir = std::env::temp_dir().join(format!("zhengce-stack-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    let (status, out, err) = zhengce(&["--lang", "en", "check", p.to_str().unwrap()]);
    (status, out + &err)
}

/// A policy with two awards of its own and the stacking rule `rule` (the last line).
fn policy(rule: &str) -> String {
    format!(
        "主体 企业 {{ 标识 名称; 名称: 文本; 甲额: 元; 人数: 人; 认定: 是否; 已获同一事项支持: 元 可选 }}\n\
         对于 企业 {{\n  § 一 「甲」\n  奖励 甲奖励 {{ 金额 甲额 }}\n  § 二 「乙」\n  奖励 乙奖励 {{ 金额 甲额 }}\n}}\n\
         § 五 「按“就高不重复”原则执行」\n{rule}\n"
    )
}

#[test]
fn the_field_deducted_is_a_money_field_of_the_kind() {
    let ok = policy("叠加 支持 就高不重复 { 甲奖励, 乙奖励 } 扣除 已获同一事项支持");
    assert_eq!(check("ok.zc", &ok), (Status::Ok, "no problems found\n".into()));
    // A misspelt field: unknown, the close one suggested.
    let (status, out) =
        check("typo.zc", &policy("叠加 支持 就高不重复 { 甲奖励, 乙奖励 } 扣除 已获同一事项支"));
    assert_eq!(status, Status::Errors);
    assert!(out.contains("typo.zc:9:29: error[ZC0201]: unknown name `已获同一事项支`"), "{out}");
    assert!(out.contains("did you mean `已获同一事项支持`?"), "{out}");
    // A field that is no amount of money: a count, a yes/no value.
    let (status, out) =
        check("count.zc", &policy("stack 支持 exclusive { 甲奖励, 乙奖励 } less 人数"));
    assert_eq!(status, Status::Errors);
    assert!(
        out.contains("error[ZC0302]: expected a quantity in `yuan`, found a quantity in `person`"),
        "{out}"
    );
    let (_, out) = check("bool.zc", &policy("叠加 支持 就高不重复 { 甲奖励, 乙奖励 } 扣除 认定"));
    assert!(out.contains("error[ZC0302]: expected a quantity in `yuan`, found a yes/no"), "{out}");
    // An award is no field.
    let (_, out) =
        check("award.zc", &policy("叠加 支持 就高不重复 { 甲奖励, 乙奖励 } 扣除 甲奖励"));
    assert!(
        out.contains("error[ZC0302]: expected a money field of `企业`, found `甲奖励`"),
        "{out}"
    );
}

#[test]
fn less_on_an_additive_rule_is_an_error_of_its_own() {
    let (status, out) =
        check("additive.zc", &policy("叠加 支持 累加 { 甲奖励, 乙奖励 } 扣除 已获同一事项支持"));
    assert_eq!(status, Status::Errors);
    assert!(
        out.contains("additive.zc:9:26: error[ZC0212]: the stacking rule `支持` is `additive`: it cannot deduct with `less`"),
        "{out}"
    );
    assert!(out.contains("write `exclusive` instead of `additive`"), "{out}");
    assert_eq!(out.matches("error[").count(), 1, "{out}");
}

#[test]
fn a_name_that_starts_like_the_keyword_is_still_a_name() {
    // `扣除额` is a field, `扣除` one too, and `less` may begin a name.
    let text = "主体 企业 { 标识 名称; 名称: 文本; 甲额: 元; 扣除额: 元; 扣除: 元; lesser: 元 }\n\
                对于 企业 {\n  § 一 「甲」\n  奖励 甲奖励 { 金额 甲额 - 扣除额 }\n  § 二 「乙」\n  奖励 乙奖励 { 金额 扣除 }\n}\n\
                § 五 「就高不重复」\n叠加 支持 就高不重复 { 甲奖励, 乙奖励 } 扣除 扣除\n\
                § 五 「就高不重复」\nstack 支持二 exclusive { 甲奖励, 乙奖励 } less lesser\n";
    assert_eq!(check("names.zc", text), (Status::Ok, "no problems found\n".into()));
}

#[test]
fn fmt_keeps_the_clause_in_both_keyword_languages() {
    for name in ["received.zc", "received_en.zc"] {
        let p = fixture(name);
        let (status, _, err) = zhengce(&["fmt", "--check", &p]);
        assert_eq!(status, Status::Ok, "{name}: {err}");
    }
    // A loose layout is written canonically, the comment kept, and stays so.
    let dir = std::env::temp_dir().join(format!("zhengce-stack-fmt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let head = "主体 企业 { 标识 名称; 名称: 文本; 甲额: 元; 已获: 元 可选 }\n对于 企业 {\n  § 一 「甲」\n  奖励 甲 { 金额 甲额 }\n  § 二 「乙」\n  奖励 乙 { 金额 甲额 }\n}\n§ 五 「就高」\n";
    let head_en = "subject 企业 { key 名称; 名称: text; 甲额: 元; 已获: 元 optional }\nfor 企业 {\n  clause 一 「甲」\n  award 甲 { amount 甲额 }\n  clause 二 「乙」\n  award 乙 { amount 甲额 }\n}\nclause 五 「就高」\n";
    for (head, loose, canonical) in [
        (
            head,
            "叠加   X 就高不重复 {甲,乙}   扣除    已获 # 注\n",
            "叠加 X 就高不重复 { 甲, 乙 } 扣除 已获  # 注\n",
        ),
        (
            head_en,
            "stack X exclusive {甲 乙} less   已获\n",
            "stack X exclusive { 甲, 乙 } less 已获\n",
        ),
    ] {
        let p = dir.join("loose.zc");
        std::fs::write(&p, format!("{head}{loose}")).unwrap();
        let (status, _, err) = zhengce(&["fmt", p.to_str().unwrap()]);
        assert_eq!(status, Status::Ok, "{err}");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), format!("{head}{canonical}"));
        let (status, _, err) = zhengce(&["fmt", "--check", p.to_str().unwrap()]);
        assert_eq!(status, Status::Ok, "{err}");
    }
}

#[test]
fn sql_refuses_a_rule_that_deducts() {
    let p = fixture("received.zc");
    let (status, _, err) =
        zhengce(&["--lang", "en", "sql", &p, "--kind", "企业", "--dialect", "duckdb"]);
    assert_eq!(status, Status::Errors);
    assert!(err.contains("error[ZC1001]"), "{err}");
    assert!(err.contains("the stacking rule `专精特新支持` deducts `已获同一事项支持`"), "{err}");
}

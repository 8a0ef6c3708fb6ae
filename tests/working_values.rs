//! The working of every award of the five bundled policies is in `eval --format json --working`
//! by name:
//! for each award and each subject of its kind in the sample data, its eligibility and each `当`
//! clause, the rate and base of an amount written as a product, the amount before the cap, the
//! cap and whether it bound (with how far the amount is from it), the cut, every comparison of
//! its clauses with its margin, every count or streak it reads, and every definition it reads;
//! for every condition and indicator table of the kind, the k of n met and the margin over the
//! gate. Figures checked by hand where the sample data was built to show them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on a broken expectation"
)]

mod policy_common;

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde_json::Value as J;
use zhengce::ast::{AwardClause, BinOp, Expr, ExprKind, Item, ItemKind, Node, Policy};
use zhengce::cli::Status;

/// The frozen flat copy of zezhou, where 二(二)6's 科技成果转化补助 is an award of 企业 with one
/// rate, base and cap: the tests of how the working is shown (not of the bundled policy, which
/// pays it per 转化项目) use it.
const FLAT: &str = "tests/fixtures/zezhou_flat.zc";
const FLAT_DATA: &str = "tests/fixtures/zezhou_flat.企业.toml";

const POLICIES: [&str; 5] = ["provincial", "taiyuan", "xinjiang", "yangcheng", "zezhou"];

/// The policy parsed.
fn parse(name: &str) -> Policy {
    let path = format!("policies/{name}.zc");
    let text = std::fs::read_to_string(&path).unwrap();
    let file = zhengce::source::SourceFile::new(path, text);
    zhengce::parser::parse(&file).0.unwrap()
}

/// The sample data files of a policy, with their subject kind.
fn data_files(name: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("policies").unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&format!("{name}.")) else { continue };
        if let Some(kind) = rest.strip_suffix(".toml").filter(|k| *k != "test") {
            out.push((kind.to_string(), format!("policies/{file}")));
        }
    }
    out.sort();
    out
}

/// Each subject's values by name, from `eval --format json`.
fn values(policy: &str, data: &str) -> Vec<(String, BTreeMap<String, J>)> {
    let (status, out, err) = policy_common::zhengce(&[
        "eval",
        &format!("policies/{policy}.zc"),
        "--data",
        data,
        "--format",
        "json",
        "--working",
        "--lang",
        "en",
    ]);
    assert!(matches!(status, Status::Ok | Status::Errors), "{policy} {data}: {err}");
    let doc: J = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(doc["schema_version"], 5);
    doc["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let by_name = s["values"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| (v["name"].as_str().unwrap().to_string(), v.clone()))
                .collect();
            (s["id"].as_str().unwrap().to_string(), by_name)
        })
        .collect()
}

/// The items of the `对于 KIND` blocks.
fn items_of<'p>(p: &'p Policy, kind: &str) -> Vec<&'p Node<Item>> {
    p.items
        .iter()
        .filter_map(|i| match &i.node.kind {
            ItemKind::For(f) if f.subject.node == kind => Some(f.items.iter()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// Every enumeration value the policy declares (a name that is no definition).
fn enum_values(p: &Policy) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut all: Vec<&Node<Item>> = p.items.iter().collect();
    while let Some(i) = all.pop() {
        match &i.node.kind {
            ItemKind::Enum(e) => out.extend(e.values.iter().map(|v| v.node.clone())),
            ItemKind::For(f) => all.extend(f.items.iter()),
            _ => {}
        }
    }
    out
}

/// A part of a formula named as the report names it: its text, spaces as one.
fn text(p: &Policy, e: &Expr) -> String {
    p.file.slice(e.span).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What `e` names that the working must have: `(name, needs a margin)`.
fn expected_parts(
    p: &Policy,
    rule: &str,
    e: &Expr,
    enums: &BTreeSet<String>,
) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut stack = vec![e];
    while let Some(x) = stack.pop() {
        match &x.node {
            ExprKind::Name(n) if !enums.contains(n) && n != "当年" => {
                out.push((n.clone(), false))
            }
            ExprKind::Compare(_, _, r) => {
                // A threshold written as a number is met or missed by a margin.
                let literal = matches!(r.node, ExprKind::Quantity(_));
                out.push((format!("{rule}.{}", text(p, x)), literal));
                stack.extend(x.node.children());
            }
            ExprKind::Call(f, _)
                if ["连续年数", "累计", "增长率", "上年"].contains(&f.node.as_str()) =>
            {
                out.push((format!("{rule}.{}", text(p, x)), false));
            }
            _ => stack.extend(x.node.children()),
        }
    }
    out
}

/// Whether an amount is written as a product (inside a rounding or not).
fn is_product(e: &Expr) -> bool {
    match &e.node {
        ExprKind::Paren(x) => is_product(x),
        ExprKind::Call(f, args) if f.node.contains("取整") => {
            args.first().is_some_and(is_product)
        }
        ExprKind::Binary(BinOp::Mul, ..) => true,
        _ => false,
    }
}

fn number(v: &J) -> Option<Decimal> {
    v.get("number").and_then(J::as_str).map(|s| s.parse().unwrap())
}

#[test]
fn every_award_of_the_bundled_policies_shows_its_working_by_name() {
    let mut awards_checked = 0;
    let mut caps_checked = 0;
    for policy in POLICIES {
        let p = parse(policy);
        let enums = enum_values(&p);
        for (kind, data) in data_files(policy) {
            let items = items_of(&p, &kind);
            let subjects = values(policy, &data);
            for (id, v) in &subjects {
                let has = |name: &str| {
                    assert!(v.contains_key(name), "{policy} {kind} {id}: no `{name}` in values");
                    &v[name]
                };
                for item in &items {
                    match &item.node.kind {
                        ItemKind::Award(a) => {
                            awards_checked += 1;
                            let name = &a.name.node;
                            for part in ["", ".符合条件", ".计算金额", ".金额"] {
                                has(&format!("{name}{part}"));
                            }
                            let mut when = 0;
                            for c in &a.clauses {
                                let exprs: Vec<&Expr> = match &c.node {
                                    AwardClause::When(e) => {
                                        when += 1;
                                        has(&format!("{name}.条件{when}"));
                                        vec![e]
                                    }
                                    AwardClause::Amount { value, exceptions } => {
                                        if is_product(value) {
                                            has(&format!("{name}.比例"));
                                            has(&format!("{name}.基数"));
                                        }
                                        if !exceptions.is_empty() {
                                            has(&format!("{name}.例外"));
                                        }
                                        std::iter::once(value)
                                            .chain(exceptions.iter().map(|x| &x.node.cond))
                                            .collect()
                                    }
                                    AwardClause::Cap(e) => {
                                        let cap = has(&format!("{name}.上限"))["value"].clone();
                                        let bound = has(&format!("{name}.达到上限")).clone();
                                        let before =
                                            v[&format!("{name}.计算金额")]["value"].clone();
                                        let eligible =
                                            v[&format!("{name}.符合条件")]["value"] == true;
                                        if let (Some(c), Some(b), true) =
                                            (number(&cap), number(&before), eligible)
                                        {
                                            // Reached at the cap or over it, and by how much.
                                            caps_checked += 1;
                                            assert_eq!(
                                                bound["value"],
                                                J::Bool(b >= c),
                                                "{id} {name}"
                                            );
                                            assert_eq!(
                                                number(&bound["margin"]),
                                                Some(b - c),
                                                "{id} {name}"
                                            );
                                        }
                                        vec![e]
                                    }
                                    AwardClause::Reduce(e) => {
                                        has(&format!("{name}.核减"));
                                        vec![e]
                                    }
                                    _ => Vec::new(),
                                };
                                for e in exprs {
                                    for (part, margin) in expected_parts(&p, name, e, &enums) {
                                        let entry = has(&part);
                                        if margin && !entry["value"].is_null() {
                                            assert!(
                                                !entry["margin"].is_null(),
                                                "{policy} {id}: `{part}` has no margin"
                                            );
                                        }
                                    }
                                }
                            }
                        }
                        ItemKind::Condition(c) => {
                            let name = &c.name.node;
                            for part in [".满足项数", ".需满足项数", ".项数"] {
                                has(&format!("{name}{part}"));
                            }
                        }
                        ItemKind::Indicators(t) => {
                            let name = &t.name.node;
                            let met = number(&has(&format!("{name}.达标项数"))["value"]);
                            has(&format!("{name}.指标项数"));
                            if let Some(gate) = t.gates.first() {
                                let g = has(&format!("{name}.门槛"));
                                if let Some(m) = met {
                                    assert_eq!(
                                        number(&g["margin"]),
                                        Some(m - Decimal::from(gate.node)),
                                        "{id} {name}"
                                    );
                                }
                            }
                            for ind in &t.indicators {
                                has(&format!("{name}.{}", ind.node.name.node));
                                has(&format!("{name}.{}.达标", ind.node.name.node));
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    // Every policy has awards, and some sample subjects meet a cap: the loops ran.
    assert!(awards_checked > 100, "{awards_checked}");
    assert!(caps_checked > 5, "{caps_checked}");
}

/// One subject's values.
fn subject(policy: &str, data: &str, id: &str) -> BTreeMap<String, J> {
    values(policy, data).into_iter().find(|(k, _)| k == id).unwrap().1
}

fn num(v: &BTreeMap<String, J>, name: &str, field: &str) -> Option<Decimal> {
    number(&v.get(name).unwrap_or_else(|| panic!("no `{name}`"))[field])
}

fn d(s: &str) -> Option<Decimal> {
    Some(s.parse().unwrap())
}

#[test]
fn zezhou_transfer_subsidies_name_rate_base_and_cap() {
    // 二(二)6 pays per project: the working is the member kind 转化项目's award 项目补助, each
    // project with its own rate, base and cap; the enterprise (转化企业) is paid the sum.
    let data = "policies/zezhou.转化项目.toml";
    // 1,666,666.67元 × 30% = 500,000.001元: over the 50万元 cap by 0.001元.
    let v = subject("zezhou", data, "华阳-石墨烯涂层中试");
    assert_eq!(num(&v, "项目补助.比例", "value"), d("0.3"));
    assert_eq!(num(&v, "项目补助.基数", "value"), d("1666666.67"));
    assert_eq!(num(&v, "项目补助.计算金额", "value"), d("500000.001"));
    assert_eq!(num(&v, "项目补助.上限", "value"), d("500000"));
    assert_eq!(v["项目补助.达到上限"]["value"], true);
    assert_eq!(num(&v, "项目补助.达到上限", "margin"), d("0.001"));
    assert_eq!(num(&v, "项目补助.金额", "value"), d("500000"));
    assert_eq!(v["项目补助.比例"]["unit"], "%");
    assert_eq!(v["项目补助.金额"]["clause"], "二(二)6");
    // 华阳's second project: 1,200,000元 × 30% = 360,000元, 140,000元 below the cap.
    let v = subject("zezhou", data, "华阳-耐火材料配方转化");
    assert_eq!(v["项目补助.达到上限"]["value"], false);
    assert_eq!(num(&v, "项目补助.达到上限", "margin"), d("-140000"));
    assert_eq!(num(&v, "项目补助.金额", "value"), d("360000"));
    // 1,666,666.66元 × 30% = 499,999.998元: 0.002元 below the cap, not reached.
    let v = subject("zezhou", data, "兰花-精密主轴转化");
    assert_eq!(v["项目补助.达到上限"]["value"], false);
    assert_eq!(num(&v, "项目补助.达到上限", "margin"), d("-0.002"));
    assert_eq!(num(&v, "项目补助.金额", "value"), d("499999.998"));
    // 市及市外: the exception's 20% of 1,500,000元 = 300,000元, exactly the 30万元 cap: reached.
    let v = subject("zezhou", data, "凤城-光电传感器转化");
    assert_eq!(num(&v, "项目补助.例外", "value"), d("1"));
    assert_eq!(num(&v, "项目补助.比例", "value"), d("0.2"));
    assert_eq!(num(&v, "项目补助.基数", "value"), d("1500000"));
    assert_eq!(num(&v, "项目补助.上限", "value"), d("300000"));
    assert_eq!(v["项目补助.达到上限"]["value"], true);
    assert_eq!(num(&v, "项目补助.达到上限", "margin"), d("0"));
    // The enterprises, their projects read with them: 华阳 500,000 (capped) + 360,000 =
    // 860,000元 from 全县 projects; 凤城 300,000 (市及市外, capped) + 400,000 × 30% = 120,000
    // (全县) = 420,000元; no cap on the sum.
    let owners = "policies/zezhou.转化企业.toml";
    let v = subject("zezhou", owners, "泽州县华阳新材料科技有限公司");
    assert_eq!(num(&v, "全县成果补助", "value"), d("860000"));
    assert_eq!(num(&v, "市及市外成果补助", "value"), d("0"));
    assert_eq!(num(&v, "科技成果转化补助.金额", "value"), d("860000"));
    let v = subject("zezhou", owners, "泽州县凤城光电科技有限公司");
    assert_eq!(num(&v, "全县成果补助", "value"), d("120000"));
    assert_eq!(num(&v, "市及市外成果补助", "value"), d("300000"));
    assert_eq!(num(&v, "科技成果转化补助.金额", "value"), d("420000"));
}

#[test]
fn provincial_names_the_streak_the_weighted_parts_and_the_gate() {
    let data = "policies/provincial.县.toml";
    // 定襄县 2024: 措施 90 × 80% = 72, 环境 90 × 20% = 18, total 90 exactly on the 优秀 line;
    // 26 of 26 indicators against a gate of 24; its second excellent year in a row: 300万元.
    let v = subject("provincial", data, "定襄县");
    assert_eq!(num(&v, "总分.措施得分 × 80%", "value"), d("72"));
    assert_eq!(num(&v, "总分.环境得分 × 20%", "value"), d("18"));
    assert_eq!(v["总分档次"]["value"], "优秀");
    assert_eq!(num(&v, "总分档次.档线", "value"), d("90"));
    assert_eq!(num(&v, "总分档次.档线", "margin"), d("0"));
    assert_eq!(num(&v, "年度考核指标.达标项数", "value"), d("26"));
    assert_eq!(num(&v, "年度考核指标.门槛", "margin"), d("2"));
    assert_eq!(num(&v, "创建奖励.连续年数(考核结果 = 优秀)", "value"), d("2"));
    assert_eq!(num(&v, "创建奖励.金额", "value"), d("3000000"));
    // 原平市 2024: 23 of 26, one short of the gate.
    let v = subject("provincial", data, "原平市");
    assert_eq!(num(&v, "年度考核指标.达标项数", "value"), d("23"));
    assert_eq!(num(&v, "年度考核指标.门槛", "margin"), d("-1"));
    // 代县's 专精特新: 2 firms against the exception's 2 (a poor county): met at the line.
    let v = subject("provincial", data, "代县");
    assert_eq!(v["申报条件.基本条件.专精特新"]["value"], true);
    assert_eq!(num(&v, "申报条件.基本条件.专精特新", "margin"), d("0"));
    assert_eq!(num(&v, "申报条件.基本条件.专精特新.例外", "value"), d("1"));
}

#[test]
fn the_working_is_left_out_unless_asked_for() {
    let (_, json, _) =
        policy_common::zhengce(&["eval", FLAT, "--data", FLAT_DATA, "--format", "json"]);
    let doc: J = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["schema_version"], 5);
    assert!(doc["subjects"][0].get("values").is_none(), "{json}");
    let (_, text, _) = policy_common::zhengce(&[
        "eval",
        FLAT,
        "--data",
        FLAT_DATA,
        "--subject",
        "泽州县华阳新材料科技有限公司",
    ]);
    assert!(!text.contains("计算过程"), "{text}");
    let (_, text, _) = policy_common::zhengce(&[
        "eval",
        FLAT,
        "--data",
        FLAT_DATA,
        "--subject",
        "泽州县华阳新材料科技有限公司",
        "--working",
        "--lang",
        "zh",
    ]);
    assert!(text.contains("  计算过程:\n"), "{text}");
    assert!(
        text.contains("科技成果转化补助.达到上限 = 是（达到上限，超出 0.001 元）  § 二(二)6"),
        "{text}"
    );
}

#[test]
fn csv_columns_name_values_of_the_working() {
    let (status, csv, err) = policy_common::zhengce(&[
        "eval",
        FLAT,
        "--data",
        FLAT_DATA,
        "--format",
        "csv",
        "--columns",
        "科技成果转化补助,科技成果转化补助.基数,科技成果转化补助.达到上限",
    ]);
    assert!(matches!(status, Status::Ok), "{err}");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "企业名称,科技成果转化补助,科技成果转化补助.基数,科技成果转化补助.达到上限"
    );
    assert!(lines.contains(&"泽州县华阳新材料科技有限公司,500000,1666666.67,true"), "{csv}");
    assert!(lines.contains(&"泽州县兰花精密机械有限公司,499999.998,1666666.66,false"), "{csv}");
    // The row of totals adds up the rules, not the working.
    assert!(lines.last().unwrap().ends_with(",,"), "{csv}");
    // A name the working does not have is ZC0909, with the names that come close.
    let (status, _, err) = policy_common::zhengce(&[
        "eval",
        FLAT,
        "--data",
        FLAT_DATA,
        "--format",
        "csv",
        "--columns",
        "科技成果转化补助.比率",
        "--lang",
        "en",
        "--error-format",
        "plain",
    ]);
    assert!(matches!(status, Status::Usage));
    assert!(err.contains("ZC0909"), "{err}");
    assert!(err.contains("`科技成果转化补助.比例`"), "{err}");
}

#[test]
fn the_basis_and_explain_show_the_arithmetic() {
    let (_, basis, err) = policy_common::zhengce(&[
        "eval", FLAT, "--data", FLAT_DATA, "--format", "basis", "--lang", "zh",
    ]);
    assert!(basis.contains("| 计算式 | 计算过程 | 所用数据 |"), "{basis}{err}");
    // 1,666,666.67元 × 30% = 500,000.001元, over the 50万元 cap by 0.001元: the cap is paid.
    assert!(
        basis.contains(
            "| 1,666,666.67 元 × 30% = 500,000.001 元；上限 500,000 元，已达上限（超出 0.001 元），按上限；金额 500,000 元 |"
        ),
        "{basis}"
    );
    // 1,666,666.66元 × 30% = 499,999.998元: 0.002元 below the cap.
    assert!(
        basis.contains(
            "| 1,666,666.66 元 × 30% = 499,999.998 元；上限 500,000 元，未达上限（差 0.002 元）；金额 499,999.998 元 |"
        ),
        "{basis}"
    );
    let (_, text, err) = policy_common::zhengce(&[
        "explain",
        FLAT,
        "--data",
        FLAT_DATA,
        "--subject",
        "泽州县凤城光电科技有限公司",
        "科技成果转化补助",
        "--lang",
        "en",
    ]);
    assert!(
        text.contains(
            "arithmetic:\n  exception 1 applies\n  1,500,000 yuan × 20% = 300,000 yuan\n  cap 300,000 yuan, reached exactly\n  amount 300,000 yuan\n"
        ),
        "{text}{err}"
    );
}

#[test]
fn the_streamed_json_register_carries_the_same_working() {
    let dir = std::env::temp_dir().join(format!("zhengce-working-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let reg = dir.join("register.csv");
    let streamed = dir.join("out.json");
    let (status, _, err) = policy_common::zhengce(&[
        "gen",
        FLAT,
        "--kind",
        "企业",
        "--rows",
        "200",
        "--seed",
        "3",
        "--out",
        reg.to_str().unwrap(),
    ]);
    assert!(matches!(status, Status::Ok), "{err}");
    let params = [
        "--param",
        "市级专精特新奖励额(万元)=3",
        "--param",
        "省级小巨人奖励额(万元)=5",
        "--param",
        "国家级小巨人奖励额(万元)=5",
        "--param",
        "高新奖励(万元)=5",
    ];
    let mut args = vec!["eval", FLAT, "--data", reg.to_str().unwrap()];
    args.extend(["--format", "json", "--working"]);
    args.extend(params);
    let (_, in_memory, err) = policy_common::zhengce(&args);
    assert!(in_memory.contains("\"科技成果转化补助.达到上限\""), "{err}");
    args.extend(["--out", streamed.to_str().unwrap()]);
    let (_, out, err) = policy_common::zhengce(&args);
    assert_eq!(out, "", "{err}");
    assert_eq!(std::fs::read_to_string(&streamed).unwrap(), in_memory);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--working` where the report cannot show it is refused with where it is shown, never
/// silently dropped.
#[test]
fn the_working_is_refused_where_the_report_cannot_show_it() {
    for format in ["csv", "markdown"] {
        let (status, out, err) = policy_common::zhengce(&[
            "--lang",
            "en",
            "--error-format",
            "plain",
            "eval",
            "policies/zezhou.zc",
            "--kind",
            "企业",
            "--data",
            "policies/zezhou.企业.toml",
            "--format",
            format,
            "--working",
        ]);
        assert_eq!((status, out.as_str()), (Status::Usage, ""), "{format}: {err}");
        assert!(
            err.contains("error[ZC0904]: `--working` applies to the text and JSON reports only"),
            "{format}: {err}"
        );
        assert!(err.contains("name the values with `--columns`"), "{format}: {err}");
    }
}

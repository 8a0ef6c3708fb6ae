//! The compiled form gives every subject exactly the values the interpreter gives: random
//! subjects for the register benchmark's policy and for every subject kind of the bundled
//! policies that compiles, each evaluated both ways and compared rule by rule.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rust_decimal::Decimal;
use zhengce::ast::Policy;
use zhengce::checker::{Checked, check};
use zhengce::compile::{Cv, Fallback, FieldIn, MISSING, Machine, compile, compile_for_data};
use zhengce::data::{FieldKind, Record, Schema, Value};
use zhengce::eval::Evaluator;
use zhengce::eval::value::V;
use zhengce::source::SourceFile;

fn parse(path: &str) -> Policy {
    let text = std::fs::read_to_string(path).unwrap();
    let (p, d) = zhengce::parser::parse(&SourceFile::new(path, text));
    assert!(!d.has_errors(), "{path}");
    p.unwrap()
}

/// A policy written in the test, which parses without an error.
fn parse_text(text: &str) -> Policy {
    let (p, d) = zhengce::parser::parse(&SourceFile::new("t.zc", text));
    assert!(!d.has_errors(), "{:?}", d.sorted());
    p.unwrap()
}

/// The policy checked, without an error.
fn checked_clean(p: &Policy) -> Checked<'_> {
    let (checked, d) = check(p);
    assert!(!d.has_errors(), "{:?}", d.sorted());
    checked
}

fn norm(v: V) -> V {
    match v {
        V::Num(n, d) => V::Num(n.normalize(), d),
        other => other,
    }
}

/// A random value for one field: numbers with up to `places` decimals inside the field's bounds.
fn field_value(
    kind: &FieldKind,
    min: Option<Decimal>,
    max: Option<Decimal>,
    optional: bool,
) -> BoxedStrategy<Value> {
    let v: BoxedStrategy<Value> = match kind {
        FieldKind::Number { unit, .. } => {
            let dim = unit.dim();
            let lo = min.unwrap_or(Decimal::from(-1_000_000));
            let hi = max.unwrap_or(Decimal::from(10_000_000));
            // A few places, sometimes more than the compiled form keeps (it must fall back).
            (0i64..=1_000_000_000, 0u32..=7, prop::bool::weighted(0.05))
                .prop_map(move |(r, places, edge)| {
                    let span = hi - lo;
                    let frac = Decimal::from(r) / Decimal::from(1_000_000_000);
                    let x = if edge { if r % 2 == 0 { lo } else { hi } } else { lo + span * frac };
                    let x = x.round_dp(places.min(6)).max(lo).min(hi);
                    Value::Number { value: x, dim }
                })
                .boxed()
        }
        FieldKind::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        FieldKind::Enum { name, values } => {
            let name = name.clone();
            (0..values.len().max(1))
                .prop_map(move |index| Value::Enum { enum_name: name.clone(), index })
                .boxed()
        }
        // Some of the texts the test policies compare with.
        FieldKind::Text => prop_oneof![
            2 => "[a-z]{1,6}".prop_map(Value::Text),
            1 => Just(Value::Text("甲公司".into())),
            1 => Just(Value::Text("乙公司".into())),
        ]
        .boxed(),
        FieldKind::Year => (2015u16..2026).prop_map(Value::Year).boxed(),
        // Days of 2020 to 2022, around the deadlines policies write.
        FieldKind::Date => (2020u16..=2022, 1u8..=12, 1u8..=28)
            .prop_map(|(year, month, day)| Value::Date(zhengce::ast::Date { year, month, day }))
            .boxed(),
    };
    if optional { prop_oneof![1 => Just(Value::Missing), 4 => v].boxed() } else { v }
}

/// Random records; a yearly field gets a value, or none, for each of the three years up to
/// `year`.
fn record_strategy(schema: &Schema, year: Option<u16>) -> BoxedStrategy<Record> {
    let fields: Vec<BoxedStrategy<Value>> = schema
        .fields
        .iter()
        .map(|f| {
            let (min, max) = (f.min.as_ref().map(|b| b.value), f.max.as_ref().map(|b| b.value));
            match year {
                Some(y) if f.by_year => {
                    let one = field_value(&f.kind, min, max, true);
                    vec![one; 3]
                        .prop_map(move |vs| {
                            let years = (y - 2..=y).zip(vs);
                            Value::Series(years.filter(|(_, v)| !v.is_missing()).collect())
                        })
                        .boxed()
                }
                _ => field_value(&f.kind, min, max, f.optional),
            }
        })
        .collect();
    fields.prop_map(|fields| Record { key: "甲".into(), fields }).boxed()
}

/// Evaluates random subjects both ways; returns how many the compiled form handled itself.
fn differential(policy: &Policy, checked: &Checked<'_>, kind: &str, cases: u32) -> u32 {
    differential_in(policy, checked, kind, cases, None, BTreeMap::new())
}

/// [`differential`] in an evaluation year, with parameter values.
fn differential_in(
    policy: &Policy,
    checked: &Checked<'_>,
    kind: &str,
    cases: u32,
    year: Option<u16>,
    params: BTreeMap<String, Value>,
) -> u32 {
    differential_for(policy, checked, kind, cases, year, params, None)
}

/// [`differential_in`] for data whose yearly values begin in `first_year` at the earliest.
fn differential_for(
    policy: &Policy,
    checked: &Checked<'_>,
    kind: &str,
    cases: u32,
    year: Option<u16>,
    params: BTreeMap<String, Value>,
    first_year: Option<u16>,
) -> u32 {
    let sid = checked.scope.subject_names[kind];
    let prog = compile_for_data(policy, checked, sid, &params, year, first_year).unwrap();
    let schema = Schema::from_policy(policy, kind).unwrap();
    let ev = Evaluator::new(policy, checked, Some(sid), params.clone());
    let mut runner = TestRunner::new(Config { cases, ..Config::default() });
    let compiled = std::cell::Cell::new(0u32);
    runner
        .run(&record_strategy(&schema, year), |record| {
            let (outcome, diags) = ev.evaluate(&record, year);
            let mut m = Machine::new(&prog);
            let ran = m.load(&record).and_then(|()| m.run());
            let values: Result<Vec<V>, Fallback> =
                ran.and_then(|()| (0..prog.columns.len()).map(|i| m.outcome(i)).collect());
            if let Ok(values) = values {
                {
                    compiled.set(compiled.get() + 1);
                    prop_assert!(
                        !diags.has_errors(),
                        "the interpreter failed where the compiled form did not"
                    );
                    for (col, v) in prog.columns.iter().zip(values) {
                        let want = outcome.rules.iter().find(|r| r.def == col.def).unwrap();
                        prop_assert_eq!(norm(want.value.clone()), norm(v), "rule `{}`", col.name);
                    }
                }
            }
            Ok(())
        })
        .unwrap();
    compiled.get()
}

#[test]
fn the_register_policy_compiles_and_agrees_with_the_interpreter() {
    let policy = parse("benches/register.zc");
    let (checked, _) = check(&policy);
    let handled = differential(&policy, &checked, "enterprise", 2000);
    // Cells with more than four places go to the interpreter; most do not.
    assert!(handled > 1000, "only {handled} subjects were evaluated compiled");
}

#[test]
fn bundled_policies_that_compile_agree_with_the_interpreter() {
    let mut compiled_kinds = Vec::new();
    let mut dir: Vec<_> = std::fs::read_dir("policies")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "zc"))
        .collect();
    dir.sort();
    for path in dir {
        let policy = parse(path.to_str().unwrap());
        let (checked, _) = check(&policy);
        for kind in policy.subject_names() {
            let sid = checked.scope.subject_names[kind];
            let name = format!("{}:{kind}", path.file_stem().unwrap().display());
            // The parameters of the kind's bundled sample data, when it has them.
            let sample = path.with_extension(format!("{kind}.toml"));
            let schema = Schema::from_policy(&policy, kind).unwrap();
            // (yangcheng's also gives the fields and parameters of the zezhou policy it stacks
            // with, which its own schema refuses: it is then compiled without.)
            let loaded = std::fs::read(&sample).ok().and_then(|bytes| {
                zhengce::data::load_dataset(&sample.display().to_string(), &bytes, &schema).ok()
            });
            let params: BTreeMap<String, Value> = loaded
                .map(|ds| ds.param_names.into_iter().zip(ds.params))
                .into_iter()
                .flatten()
                .filter(|(_, v)| !v.is_missing())
                .collect();
            // The random subjects give yearly values for 2022 to 2024.
            match compile_for_data(&policy, &checked, sid, &params, Some(2024), Some(2022)) {
                Ok(_) => {
                    differential_for(&policy, &checked, kind, 300, Some(2024), params, Some(2022));
                    compiled_kinds.push(name);
                }
                Err(why) => eprintln!("{name} is left to the interpreter: {why}"),
            }
        }
    }
    // Every bundled subject kind compiles in 2024, with its sample parameters.
    for kind in [
        "taiyuan:区县",
        "taiyuan:市",
        "taiyuan:基金",
        "taiyuan:贷款",
        "xinjiang:企业",
        "xinjiang:项目",
        "xinjiang:县",
        "xinjiang:考核项目",
        "yangcheng:支出",
        "yangcheng:企业",
        "zezhou:企业",
        "zezhou:县",
        "zezhou:担保业务",
        "zezhou:担保机构",
        "provincial:县",
    ] {
        assert!(compiled_kinds.iter().any(|k| k == kind), "{kind} does not compile");
    }
    eprintln!("compiled: {compiled_kinds:?}");
}

#[test]
fn what_does_not_compile_says_why() {
    let f = SourceFile::new(
        "p.zc",
        "主体 企业 { 名称: 文本\n 收入: 万元 按年 }\n对于 企业 {\n § 一 「x」\n 令 增: % = 增长率(收入)\n}\n",
    );
    let (p, _) = zhengce::parser::parse(&f);
    let p = p.unwrap();
    let (checked, _) = check(&p);
    // 增长率 is compiled only where it is compared: a growth rate reported as a value, or
    // without an evaluation year, is left to the interpreter.
    // The reason names the definition, and the error carries it (the diagnostic's label).
    let named = |why: &zhengce::compile::NotCompiled| {
        why.rule.and_then(|id| checked.scope.defs.get(id)).map(|d| d.name.clone())
    };
    let why = compile(&p, &checked, 0, &BTreeMap::new(), Some(2024)).unwrap_err();
    assert_eq!(why.message, "`增` is a growth rate, which the compiled form only compares");
    assert_eq!(named(&why).as_deref(), Some("增"));
    let why = compile(&p, &checked, 0, &BTreeMap::new(), None).unwrap_err();
    assert_eq!(why.message, "in `增`: a yearly function, and there is no evaluation year");
    assert_eq!(named(&why).as_deref(), Some("增"));
    let _ = Path::new("");
}

/// Yearly fields and parameters compile for the evaluation year: read in that year, in a year
/// written from it, in a fixed year, and a definition read in another year is that year's.
#[test]
fn yearly_fields_agree_with_the_interpreter_in_the_evaluation_year() {
    let text = "主体 企业 { 标识 名称\n 名称: 文本\n\
        收入: 万元 按年 范围 0万元 至 100000万元\n 研发: 万元 按年 可选\n 高新: 是否 按年 可选\n 规上: 是否 }\n\
        参数 增速线: % 按年 可选\n\
        对于 企业 {\n\
        § 一 「x」\n 令 增长额: 万元 = 收入 - 收入[当年 - 1年]\n\
        § 二 「y」\n 令 上年增长额: 万元 = 增长额[当年 - 1年]\n\
        § 三 「z」\n 令 基年研发: 万元 = 研发[2022年] + 研发[(当年 - 2年)]\n\
        § 四 「w」\n 条件 合格 全部 { 增: 增长额 > 收入[当年 - 1年] × 增速线; 新: 高新 或 高新[当年 - 1年]; 规: 规上 }\n\
        § 五 「v」\n 奖励 补助 { 当 合格\n 金额 增长额 × 10% + 上年增长额 × 5%\n 最高不超过 50万元 }\n}\n";
    let p = parse_text(text);
    let checked = checked_clean(&p);
    let sid = checked.scope.subject_names["企业"];
    let pct =
        |s: &str| Value::Number { value: s.parse().unwrap(), dim: zhengce::units::Dim::NUMBER };
    // 2023's rate is given, 2024's is not: the (optional) rate is missing and the condition
    // undetermined that year.
    let rates: BTreeMap<u16, Value> = [(2022, pct("0.05")), (2023, pct("0.1"))].into();
    let params: BTreeMap<String, Value> = [("增速线".to_string(), Value::Series(rates))].into();
    // Without an evaluation year, yearly data has no compiled form.
    let why = compile(&p, &checked, sid, &params, None).unwrap_err();
    assert!(why.message.contains("no evaluation year"), "{why}");
    // A required rate without that year's value has no value (the interpreter's ZC0705): no
    // compiled form for 2024.
    let strict = parse_text(&text.replace("% 按年 可选", "% 按年"));
    let strict_checked = checked_clean(&strict);
    let why = compile(&strict, &strict_checked, sid, &params, Some(2024)).unwrap_err();
    assert!(why.message.contains("parameter `增速线` has no value for 2024"), "{why}");
    assert!(compile(&strict, &strict_checked, sid, &params, Some(2023)).is_ok());
    for year in [2023, 2024] {
        let prog = compile(&p, &checked, sid, &params, Some(year)).unwrap();
        // 收入 is read in three years (the year, the year before for 增长额 and for the
        // year before's 增长额), 研发 in two, 高新 in two.
        let years = |name: &str| {
            let i = checked.scope.subjects[sid]
                .decl
                .fields
                .iter()
                .position(|f| f.node.name.node == name)
                .unwrap();
            match &prog.fields[i] {
                FieldIn::Yearly { years, .. } => {
                    let mut ys: Vec<u16> = years.iter().map(|(y, _)| *y).collect();
                    ys.sort_unstable();
                    ys
                }
                other => panic!("{name}: {other:?}"),
            }
        };
        assert_eq!(years("收入"), vec![year - 2, year - 1, year]);
        assert_eq!(years("研发"), if year == 2024 { vec![2022] } else { vec![2021, 2022] });
        assert_eq!(years("高新"), vec![year - 1, year]);
        let handled = differential_in(&p, &checked, "企业", 600, Some(year), params.clone());
        assert!(handled > 300, "{year}: {handled} of 600 handled compiled");
    }
}

/// Years compile as numbers with the interpreter's arithmetic: a year minus a year is a
/// number of years, a year plus whole years a year, a year compared with a number compares
/// with the year the number is, and the evaluation year is a constant.
#[test]
fn years_agree_with_the_interpreter() {
    let text = "主体 企业 { 标识 名称\n 名称: 文本\n 认定年份: 年份 可选\n 成立年份: 年份\n 年数: 年 范围 -3年 至 3年 }\n\
        对于 企业 {\n\
        § 一 「x」\n 令 已认定年数: 年 = 当年 - 认定年份\n\
        § 二 「y」\n 令 到期年份: 年份 = 认定年份 - 年数\n 令 起始年份: 年份 = 年数 + 成立年份\n\
        § 三 「z」\n 条件 合格 全部 { 近: 当年 - 认定年份 = 1年; 早: 成立年份 < 认定年份; 新: 到期年份 ≥ 2020年; 今: 当年 ≥ 2025年 }\n\
        § 四 「w」\n 奖励 补助 { 当 合格\n 金额 若 已认定年数 > 1年 则 2万元 否则 1万元 }\n}\n";
    let p = parse_text(text);
    let checked = checked_clean(&p);
    for year in [2024, 2025] {
        // Cells with more places than the compiled form keeps go to the interpreter.
        let handled = differential_in(&p, &checked, "企业", 600, Some(year), BTreeMap::new());
        assert!(handled > 300, "{year}: {handled} of 600 handled compiled");
    }
}

/// A text compared with texts the policy writes compiles as its position among them: equal,
/// not equal, on either side, optional or not; a text reported as a value does not compile.
#[test]
fn texts_compared_with_written_texts_agree_with_the_interpreter() {
    let text = "主体 项目 { 标识 名称\n 名称: 文本\n 实施单位: 文本 可选\n 费用: 元 }\n\
        对于 项目 {\n\
        § 一 「x」\n 补贴 甲补贴 { 当 实施单位 = \"甲公司\"\n 当 名称 ≠ \"乙公司\"\n 金额 费用\n 最高不超过 20万元 }\n\
        § 二 「y」\n 补贴 乙补贴 { 当 \"乙公司\" = 实施单位\n 金额 费用 × 50%\n 最高不超过 20万元 }\n}\n";
    let p = parse_text(text);
    let checked = checked_clean(&p);
    let sid = checked.scope.subject_names["项目"];
    let prog = compile(&p, &checked, sid, &BTreeMap::new(), None).unwrap();
    // 实施单位 is read as its position among the texts it is compared with.
    assert!(
        matches!(&prog.fields[1], FieldIn::Text { values, .. } if values == &["甲公司", "乙公司"]),
        "{:?}",
        prog.fields[1]
    );
    let handled = differential(&p, &checked, "项目", 1000);
    assert!(handled > 500, "{handled} of 1000 handled compiled");
    // A text as a reported value has no compiled form.
    let reported = text.replace("§ 二 「y」", "§ 三 「z」\n 令 单位 = 实施单位\n§ 二 「y」");
    let (p, _) = zhengce::parser::parse(&SourceFile::new("t.zc", reported));
    let p = p.unwrap();
    let (checked, d) = check(&p);
    assert!(!d.has_errors(), "{:?}", d.sorted());
    let why = compile(&p, &checked, sid, &BTreeMap::new(), None).unwrap_err();
    assert!(why.message.contains("is a text"), "{why}");
}

#[test]
fn amounts_beyond_the_fixed_point_range_fall_back() {
    let policy = parse("benches/register.zc");
    let (checked, _) = check(&policy);
    let sid = checked.scope.subject_names["enterprise"];
    let prog = compile(&policy, &checked, sid, &BTreeMap::new(), None).unwrap();
    let money =
        |s: &str| Value::Number { value: s.parse().unwrap(), dim: zhengce::units::Dim::MONEY };
    let area = Value::Number {
        value: "79228162514264337593543".parse().unwrap(),
        dim: zhengce::units::Dim::AREA,
    };
    let e = |i: usize| Value::Enum { enum_name: "level".into(), index: i };
    let record = Record {
        key: "x".into(),
        fields: vec![
            Value::Text("x".into()),
            money("0"),
            Value::Enum { enum_name: "origin".into(), index: 0 },
            money("0"),
            Value::Bool(false),
            area,
            e(3),
            Value::Bool(false),
        ],
    };
    let mut m = Machine::new(&prog);
    // Beyond what the compiled form holds: the interpreter evaluates such a subject, never a
    // wrong amount.
    let ran = m.load(&record).and_then(|()| m.run());
    assert_eq!(ran, Err(Fallback));
    // 900,000,000,000 ㎡ × 30 元/㎡ = 27,000,000,000,000 元 still fits, exactly.
    let mut r2 = record.clone();
    r2.fields[5] =
        Value::Number { value: Decimal::from(900_000_000_000i64), dim: zhengce::units::Dim::AREA };
    let mut m = Machine::new(&prog);
    m.load(&r2).unwrap();
    m.run().unwrap();
    let total = prog.columns.iter().position(|c| c.name == "total").unwrap();
    assert_eq!(m.amount(total), Some("27000000000000".parse().unwrap()));
    // A hundred times that overflows the mantissa at four places: the interpreter's turn.
    r2.fields[5] = Value::Number {
        value: Decimal::from(90_000_000_000_000i64),
        dim: zhengce::units::Dim::AREA,
    };
    let mut m = Machine::new(&prog);
    assert_eq!(m.load(&r2).and_then(|()| m.run()), Err(Fallback));
}

#[test]
fn tiers_and_missing_values_agree_with_the_interpreter() {
    let text = "枚举 级别 有序 { 无 < 市级 < 省级 }\n\
        主体 企业 { 标识 名称\n 名称: 文本\n 收入: 万元 可选 范围 0万元 至 1000万元\n 级: 级别 可选\n 是否高新: 是否 可选 }\n\
        对于 企业 {\n\
        § 一 「x」\n 令 档: 元 = 分档 收入 { 500万元以上: 30万元; ≥ 100万元: 10万元; 其他: 1万元 }\n\
        § 二 「y」\n 令 级档: 元 = 分档 级 { 省级: 5万元; 市级: 2万元 }\n\
        § 三 「z」\n 条件 合格 至少 1 项 { 高: 是否高新; 大: 收入 ≥ 200万元 且 非 是否高新 }\n\
        § 四 「w」\n 奖励 补助 { 当 合格\n 金额 档 + 级档\n 最高不超过 32万元 }\n}\n";
    let p = parse_text(text);
    let checked = checked_clean(&p);
    let handled = differential(&p, &checked, "企业", 1000);
    assert!(handled > 500, "{handled}");
}

/// Required fields only: every instruction runs without checks for missing values, and the
/// arithmetic's own overflow checks are all that stands between a large amount and a wrong
/// one. Amounts up to 9×10^14 元 are 9×10^18 at four places, next to the end of an `i64`:
/// sums, differences and products overflow often, and each such subject must go to the
/// interpreter, never come back wrapped.
#[test]
fn arithmetic_next_to_the_fixed_point_limits_agrees_with_the_interpreter() {
    let rules = [
        ("甲 + 乙", true),
        ("甲 - 乙", true),
        ("-甲 - 乙", true),
        ("甲 × 3", true),
        ("甲 × 30%", true),
        ("丙 × 比", true),
        ("最小(甲, 乙) + 最大(甲, 乙)", true),
        ("若 重点 且 甲 > 乙 则 甲 否则 乙", false),
        ("绝对值(甲)", false),
    ];
    for (rule, overflows) in rules {
        let text = format!(
            "主体 企业 {{ 标识 名称\n 名称: 文本\n\
             甲: 元 范围 -900000000000000元 至 900000000000000元\n\
             乙: 元 范围 -900000000000000元 至 900000000000000元\n\
             丙: 元 范围 -10000000000元 至 10000000000元\n\
             比: % 范围 -100% 至 100%\n 重点: 是否 }}\n\
             对于 企业 {{\n § 一 「x」\n 令 值: 元 = {rule}\n}}\n"
        );
        let (p, d) = zhengce::parser::parse(&SourceFile::new("t.zc", text));
        assert!(!d.has_errors(), "{rule}: {:?}", d.sorted());
        let p = p.unwrap();
        let (checked, d) = check(&p);
        assert!(!d.has_errors(), "{rule}: {:?}", d.sorted());
        let sid = checked.scope.subject_names["企业"];
        let prog = compile(&p, &checked, sid, &BTreeMap::new(), None).unwrap();
        assert!(prog.instructions() > 0, "{rule}");
        let handled = differential(&p, &checked, "企业", 1000);
        // Cells with more than four places go to the interpreter too; of the others, an
        // overflowing rule sends a good share there.
        let most = if overflows { 900 } else { 1000 };
        assert!(handled > 100 && handled <= most, "{rule}: {handled} of 1000 handled compiled");
    }
}

/// Subjects evaluated 64 at a time, in lanes, give what each gives alone; a lane that cannot
/// be evaluated compiled is marked without touching its neighbours. Run for a policy of
/// required fields (instructions without missing-value checks) and one of optional fields.
#[test]
fn lanes_agree_with_one_subject_at_a_time() {
    let tiers = "枚举 级别 有序 { 无 < 市级 < 省级 }\n\
        主体 企业 { 标识 名称\n 名称: 文本\n 收入: 万元 可选 范围 0万元 至 1000万元\n 级: 级别 可选\n 是否高新: 是否 可选 }\n\
        对于 企业 {\n\
        § 一 「x」\n 令 档: 元 = 分档 收入 { 500万元以上: 30万元; ≥ 100万元: 10万元; 其他: 1万元 }\n\
        § 二 「y」\n 令 级档: 元 = 分档 级 { 省级: 5万元; 市级: 2万元 }\n\
        § 四 「w」\n 奖励 补助 { 当 是否高新\n 金额 档 + 级档\n 最高不超过 32万元 }\n}\n";
    let register = std::fs::read_to_string("benches/register.zc").unwrap();
    for (text, kind) in [(register.as_str(), "enterprise"), (tiers, "企业")] {
        let (p, d) = zhengce::parser::parse(&SourceFile::new("t.zc", text));
        assert!(!d.has_errors());
        let p = p.unwrap();
        let (checked, _) = check(&p);
        let sid = checked.scope.subject_names[kind];
        let prog = compile(&p, &checked, sid, &BTreeMap::new(), None).unwrap();
        let schema = Schema::from_policy(&p, kind).unwrap();
        let mut runner = TestRunner::new(Config { cases: 40, ..Config::default() });
        let batch =
            prop::collection::vec(record_strategy(&schema, None), 1..=zhengce::compile::LANES);
        runner
            .run(&batch, |records| {
                let mut lanes = Machine::new(&prog);
                let loaded: Vec<bool> = records
                    .iter()
                    .enumerate()
                    .map(|(i, r)| lanes.load_lane(i, r).is_ok())
                    .collect();
                lanes.run_lanes(records.len());
                for (i, record) in records.iter().enumerate() {
                    let mut one = Machine::new(&prog);
                    let alone = one.load(record).and_then(|()| one.run());
                    prop_assert_eq!(alone.is_ok(), loaded[i] && !lanes.failed(i), "lane {}", i);
                    if alone.is_ok() {
                        for c in 0..prog.columns.len() {
                            prop_assert_eq!(one.outcome(c), lanes.outcome_at(i, c), "lane {}", i);
                        }
                    }
                }
                Ok(())
            })
            .unwrap();
    }
}

/// A missing value given for a field the program takes as always present (which validated
/// data never does) sends that lane to the interpreter instead of being read as a number.
#[test]
fn a_missing_value_in_a_required_field_sends_the_lane_to_the_interpreter() {
    let policy = parse("benches/register.zc");
    let (checked, _) = check(&policy);
    let sid = checked.scope.subject_names["enterprise"];
    let prog = compile(&policy, &checked, sid, &BTreeMap::new(), None).unwrap();
    let reg = prog
        .fields
        .iter()
        .find_map(|f| match f {
            FieldIn::Num { reg, .. } => Some(*reg),
            _ => None,
        })
        .unwrap();
    let mut m = Machine::new(&prog);
    for f in &prog.fields {
        match f {
            FieldIn::Num { reg, .. } => {
                for lane in 0..3 {
                    m.set_lane(lane, *reg, Cv::Num(1));
                }
            }
            FieldIn::Bool { reg } => {
                for lane in 0..3 {
                    m.set_lane(lane, *reg, Cv::Bool(true));
                }
            }
            FieldIn::Enum { reg, .. } => {
                for lane in 0..3 {
                    m.set_lane(lane, *reg, Cv::Enum(0));
                }
            }
            FieldIn::Year { .. }
            | FieldIn::Date { .. }
            | FieldIn::Text { .. }
            | FieldIn::Yearly { .. }
            | FieldIn::Unused => {}
        }
    }
    m.set_lane(1, reg, Cv::Missing);
    m.run_lanes(3);
    assert_eq!((m.failed(0), m.failed(1), m.failed(2)), (false, true, false));
    // The mark is for that run only.
    m.set_lane(1, reg, Cv::Num(1));
    m.run_lanes(3);
    assert!(!m.failed(1));
    // The same through a whole column.
    m.set_column(reg, &[1, MISSING, 1]);
    m.run_lanes(3);
    assert_eq!((m.failed(0), m.failed(1), m.failed(2)), (false, true, false));
}

/// Indicator tables compile for the evaluation year: targets for a calendar year, every year
/// and a year counted from the subject's own starting year, growth over the year before,
/// `上年`, and a gate; each table's outcome is the interpreter's.
#[test]
fn indicator_tables_agree_with_the_interpreter() {
    let text = "主体 县 { 标识 名称\n 名称: 文本\n 批复年份: 年份 可选\n\
        收入: 万元 按年 范围 0万元 至 1000万元\n 企业数: 家 按年 可选 范围 0家 至 40家 }\n\
        对于 县 {\n\
        § 一 「x」\n 指标表 目标 起算 批复年份 {\n\
          收入: 收入 { 2024年 ≥ 500万元; 每年 年增 10% }\n\
          新增企业: 企业数 - 上年(企业数) { 第1年 ≥ 3家; 第2年 ≥ 5家 }\n\
          企业: 企业数 { 2023年 突破 20家 }\n }\n\
        § 二 「y」\n 指标表 门槛表 {\n\
          收入: 收入 { 每年 ≥ 100万元 }\n 企业: 企业数 { 每年 ≥ 10家 }\n 门槛 至少 1 项\n }\n}\n";
    let p = parse_text(text);
    let checked = checked_clean(&p);
    let sid = checked.scope.subject_names["县"];
    let why = compile(&p, &checked, sid, &BTreeMap::new(), None).unwrap_err();
    assert!(why.message.contains("no evaluation year"), "{why}");
    for year in [2023, 2024, 2025] {
        let handled = differential_in(&p, &checked, "县", 600, Some(year), BTreeMap::new());
        // Cells with more places than the compiled form keeps go to the interpreter: about
        // half of the subjects here, in two yearly fields over three years.
        assert!(handled > 150, "{year}: {handled} of 600 handled compiled");
    }
    // One county by hand, 2024, approved 2023 (2024 is its second year): 收入 600 ≥ 500 and
    // ≥ 500 × 110% = 550; 新增 27 − 20 = 7 ≥ 5; so 目标 passes. With 收入 540 < 550 it fails,
    // and 门槛表 still passes on 收入 ≥ 100 alone.
    let prog = compile(&p, &checked, sid, &BTreeMap::new(), Some(2024)).unwrap();
    let wan = |n: i64| Value::Number {
        value: Decimal::from(n * 10_000),
        dim: zhengce::units::Dim::MONEY,
    };
    let jia = |n: i64| Value::Number { value: Decimal::from(n), dim: zhengce::units::Dim::NUMBER };
    for (income, passes) in [(600, true), (540, false)] {
        let record = Record {
            key: "甲县".into(),
            fields: vec![
                Value::Text("甲县".into()),
                Value::Year(2023),
                Value::Series([(2023, wan(500)), (2024, wan(income))].into()),
                Value::Series([(2023, jia(20)), (2024, jia(27))].into()),
            ],
        };
        let mut m = Machine::new(&prog);
        m.load(&record).unwrap();
        m.run().unwrap();
        assert_eq!(m.outcome(0).unwrap(), V::Bool(passes), "{income}");
        assert_eq!(m.outcome(1).unwrap(), V::Bool(true), "{income}");
    }
}

/// A total over the years of a yearly field from the subject's first year of data (`累计(x)`)
/// compiles when the data's first year is known (a register's columns say it): the years
/// before a subject's own first have no value. Without it, or over anything but a field, the
/// policy is left to the interpreter.
#[test]
fn totals_over_the_years_agree_with_the_interpreter() {
    let text = "主体 县 { 标识 名称\n 名称: 文本\n\
        融资额: 万元 按年 可选 范围 0万元 至 1000万元\n 企业数: 家 按年 范围 0家 至 40家 }\n\
        对于 县 {\n\
        § 一 「x」\n 令 累计融资: 万元 = 累计(融资额)\n\
        § 二 「y」\n 指标表 目标 {\n 融资: 累计(融资额) { 2025年 100万元以上 }\n\
          企业: 累计((企业数)) { 每年 ≥ 30家 }\n }\n\
        § 三 「z」\n 状态 有融资: 累计融资 > 0万元\n}\n";
    let p = parse_text(text);
    let checked = checked_clean(&p);
    let sid = checked.scope.subject_names["县"];
    let why = compile(&p, &checked, sid, &BTreeMap::new(), Some(2025)).unwrap_err();
    assert!(why.message.contains("first year unknown"), "{why}");
    for year in [2024, 2025] {
        // The records give the three years up to `year`; the data may begin earlier.
        for first in [year - 2, year - 4] {
            let handled =
                differential_for(&p, &checked, "县", 400, Some(year), BTreeMap::new(), Some(first));
            assert!(handled > 60, "{year}, {first}: {handled} of 400 handled compiled");
        }
    }
    // By hand: 2023 0万元, 2024 30万元, 2025 80万元: 110万元 ≥ 100万元; 2023 left out: the
    // total is unknown (a year left out is not a year of 0), never 110万元; nothing given:
    // missing.
    let prog =
        compile_for_data(&p, &checked, sid, &BTreeMap::new(), Some(2025), Some(2023)).unwrap();
    let wan = |n: i64| Value::Number {
        value: Decimal::from(n * 10_000),
        dim: zhengce::units::Dim::MONEY,
    };
    let jia = |n: i64| Value::Number { value: Decimal::from(n), dim: zhengce::units::Dim::NUMBER };
    let county = |money: Vec<(u16, Value)>| Record {
        key: "甲县".into(),
        fields: vec![
            Value::Text("甲县".into()),
            Value::Series(money.into_iter().collect()),
            Value::Series([(2023, jia(10)), (2024, jia(10)), (2025, jia(10))].into()),
        ],
    };
    let ev = Evaluator::new(&p, &checked, Some(sid), BTreeMap::new());
    let mut m = Machine::new(&prog);
    let full = county(vec![(2023, wan(0)), (2024, wan(30)), (2025, wan(80))]);
    m.load(&full).unwrap();
    m.run().unwrap();
    // 累计融资, 目标 (110万元 ≥ 100万元, 30家 ≥ 30家), 有融资.
    let money = |n: i64| V::Num(Decimal::from(n), zhengce::units::Dim::MONEY);
    assert_eq!(m.outcome(0).unwrap(), money(1_100_000));
    assert_eq!(m.outcome(1).unwrap(), V::Bool(true));
    assert_eq!(m.outcome(2).unwrap(), V::Bool(true));
    let gap = county(vec![(2024, wan(30)), (2025, wan(80))]);
    let mut m = Machine::new(&prog);
    m.load(&gap).unwrap();
    m.run().unwrap();
    assert_eq!(m.outcome(0).unwrap(), V::Missing);
    let (interpreted, _) = ev.evaluate(&gap, Some(2025));
    assert_eq!(interpreted.rules[0].value, V::Missing);
    let mut m = Machine::new(&prog);
    m.load(&county(vec![])).unwrap();
    m.run().unwrap();
    assert_eq!(m.outcome(0).unwrap(), V::Missing);
    assert_eq!(m.outcome(1).unwrap(), V::Bool(false));
    assert_eq!(m.outcome(2).unwrap(), V::Bool(false));
}

/// Growth rates compared with a threshold (`增长率(x) 高于 t`), totals from a year of the
/// subject's (`累计(x, 批复年份)`), streaks (`连续年数`) that may begin before the data, grades
/// and dates compile, each agreeing with the interpreter; by hand at the edges: a growth rate
/// exactly at its threshold, one whose quotient does not end (1/3), a streak of failures
/// reaching back before the data's first year.
#[test]
fn growth_streaks_grades_and_dates_agree_with_the_interpreter() {
    let text = "主体 县 { 标识 名称\n 名称: 文本\n 批复年份: 年份 可选\n 报送日期: 日期 可选\n\
        收入: 万元 按年 可选 范围 -100万元 至 1000万元\n 得分: 分 按年 可选 范围 0分 至 100分 }\n\
        参数 增速线: %\n 枚举 等次 { 优, 良, 差 }\n\
        对于 县 {\n\
        § 一 「x」\n 条件 按期 全部 { 报送: 报送日期 不超过 2021年4月10日 }\n\
        § 二 「y」\n 指标表 考核 起算 批复年份 {\n\
          增速: 增长率(收入) { 第1年 高于 增速线; 第2年 ≥ 增速线 + 1个百分点 }\n\
          累计收入: 累计(收入, 批复年份) { 第1年 ≥ 100万元; 第2年 ≥ 250万元 }\n }\n\
        § 三 「z」\n 等级 档次: 得分 { 优: ≥ 90分; 良: ≥ 75分; 差: 其他 }\n\
        § 四 「w」\n 令 结果: 等次 = 若 考核 则 档次 否则 差\n\
        § 五 「v」\n 状态 连续差: 连续年数(结果 = 差) 达到 3年\n\
        § 六 「连续2年以上优的奖励20万元，其他10万元」\n 奖励 奖 {\n 当 结果 = 优\n\
          金额 分档 连续年数(结果 = 优) { 2年以上: 20万元; 其他: 10万元 }\n }\n}\n";
    let p = parse_text(text);
    let checked = checked_clean(&p);
    let sid = checked.scope.subject_names["县"];
    let params: BTreeMap<String, Value> = [(
        "增速线".to_string(),
        Value::Number { value: Decimal::new(5, 2), dim: zhengce::units::Dim::PERCENT },
    )]
    .into();
    // Streaks and totals from a subject's year need the data's first year.
    let why = compile(&p, &checked, sid, &params, Some(2024)).unwrap_err();
    assert!(why.message.contains("first year unknown"), "{why}");
    for year in [2022, 2023, 2024] {
        // The records give the three years up to `year`; the data may begin earlier.
        for first in [year - 2, year - 4] {
            let handled =
                differential_for(&p, &checked, "县", 500, Some(year), params.clone(), Some(first));
            assert!(handled > 100, "{year}, {first}: {handled} of 500 handled compiled");
        }
    }
    let prog = compile_for_data(&p, &checked, sid, &params, Some(2024), Some(2022)).unwrap();
    let wan = |n: i64| Value::Number {
        value: Decimal::from(n * 10_000),
        dim: zhengce::units::Dim::MONEY,
    };
    let fen = |n: i64| Value::Number { value: Decimal::from(n), dim: zhengce::units::Dim::NUMBER };
    let county = |approved: Option<u16>, income: Vec<(u16, i64)>, score: Vec<(u16, i64)>| Record {
        key: "甲县".into(),
        fields: vec![
            Value::Text("甲县".into()),
            approved.map_or(Value::Missing, Value::Year),
            Value::Date(zhengce::ast::Date { year: 2021, month: 4, day: 10 }),
            Value::Series(income.into_iter().map(|(y, n)| (y, wan(n))).collect()),
            Value::Series(score.into_iter().map(|(y, n)| (y, fen(n))).collect()),
        ],
    };
    let ev = Evaluator::new(&p, &checked, Some(sid), params.clone());
    let run = |record: &Record| {
        let mut m = Machine::new(&prog);
        m.load(record).unwrap();
        m.run().unwrap();
        let got: Vec<V> = (0..prog.columns.len()).map(|i| norm(m.outcome(i).unwrap())).collect();
        let (outcome, _) = ev.evaluate(record, Some(2024));
        for (col, v) in prog.columns.iter().zip(&got) {
            let want = outcome.rules.iter().find(|r| r.def == col.def).unwrap();
            assert_eq!(&norm(want.value.clone()), v, "rule `{}`", col.name);
        }
        got
    };
    let names: Vec<&str> = prog.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["按期", "考核", "档次", "结果", "连续差", "奖"]);
    let grade = |name: &str| {
        let e = checked.scope.grade_enums.values().next().copied().unwrap();
        V::Enum(e, checked.scope.enums[e].index_of(name).unwrap())
    };
    let money = |n: i64| V::Num(Decimal::from(n), zhengce::units::Dim::MONEY);
    // Approved 2022: 2023 its first year, 2024 its second. 2024's growth 210/200 − 1 = 5% is
    // below 5% + 1个百分点, so 考核 fails and 结果 is 差 although 95分 is 优; 2023 (growth
    // 200/100 − 1 = 100% > 5%, 100 + 200 = 300万元 ≥ 100万元) was 优: no streak of 差.
    let got = run(&county(
        Some(2022),
        vec![(2022, 100), (2023, 200), (2024, 210)],
        vec![(2023, 95), (2024, 95)],
    ));
    assert_eq!(got[0], V::Bool(true), "2021-04-10 is not later than 2021-04-10");
    assert_eq!((&got[1], &got[2], &got[3]), (&V::Bool(false), &grade("优"), &grade("差")));
    assert_eq!((&got[4], &got[5]), (&V::Bool(false), &money(0)));
    // The same with 212万元 in 2024: growth exactly 6% meets ≥ 6%, 512万元 ≥ 250万元; 优 in
    // 2024 and 2023, and 2022 (no target, no 得分) has no 结果: a streak of two, 20万元.
    let got = run(&county(
        Some(2022),
        vec![(2022, 100), (2023, 200), (2024, 212)],
        vec![(2023, 95), (2024, 95)],
    ));
    assert_eq!((&got[1], &got[3], &got[5]), (&V::Bool(true), &grade("优"), &money(200_000)));
    // Approved 2019: 2020 and 2021 were its years with targets, before its data (nothing
    // shows how they went); 2022 to 2024 have no targets and 50分 (差): three years of 差 in a
    // row from its first year of data. With 得分 from 2023 on and 收入 from 2023, its data
    // begins in 2023: two years.
    let got = run(&county(Some(2019), vec![(2022, 100)], vec![(2022, 50), (2023, 50), (2024, 50)]));
    assert_eq!((&got[3], &got[4]), (&grade("差"), &V::Bool(true)));
    let got = run(&county(Some(2019), vec![(2023, 100)], vec![(2023, 50), (2024, 50)]));
    assert_eq!((&got[3], &got[4]), (&grade("差"), &V::Bool(false)));
    // Approved 2023, 2024 its first year: growth 400/300 − 1 = 33.33…% (a quotient that does
    // not end) > 5%, 300 + 400 = 700万元 ≥ 100万元; 80分 is 良, no award.
    let got = run(&county(Some(2023), vec![(2023, 300), (2024, 400)], vec![(2024, 80)]));
    assert_eq!((&got[1], &got[3], &got[5]), (&V::Bool(true), &grade("良"), &money(0)));
}

/// Score sheets: criteria, a ratio that divides (held as the interpreter's exact decimal), a
/// ratio read from the data, deductions with a range, points given, sections added in order,
/// and a grade of the total.
#[test]
fn score_sheets_with_quotients_agree_with_the_interpreter() {
    let text = "主体 项目 { 标识 名称\n 名称: 文本\n 有目标: 是否 可选\n 实际: 万元\n 计划: 万元\n\
        达成率: 占比 可选\n 扣分: 分 可选 范围 0分 至 7分\n 违规: 是否\n 打分: 分 范围 0分 至 3分 }\n\
        对于 项目 {\n § 一 「评分表」\n 评分 绩效 满分 20分 {\n\
          部分 决策 5分 {\n 项 目标 2分 按条件 { 有目标 2分: 有目标 }\n\
            项 到位率 3分 按比例 实际 / 计划\n }\n\
          部分 管理 15分 {\n 项 产出 5分 按比例(5分) 达成率\n\
            项 使用 7分 扣分 { 套取 4-7分: 扣分; 不合规 2分: 违规 }\n\
            项 财务 3分 取值(3分) 打分\n }\n }\n\
        § 二 「档次」\n 等级 档次: 绩效 { 优: ≥ 18分; 良: ≥ 12分; 差: 其他 }\n}\n";
    let p = parse_text(text);
    let checked = checked_clean(&p);
    // A random deduction lies outside 4-7分 more often than not, and cells with more than four
    // places go to the interpreter too.
    let handled = differential(&p, &checked, "项目", 2000);
    assert!(handled > 300, "{handled} of 2000 handled compiled");
    let sid = checked.scope.subject_names["项目"];
    let prog = compile(&p, &checked, sid, &BTreeMap::new(), None).unwrap();
    let names: Vec<&str> = prog.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["绩效", "档次"]);
    let num = |s: &str, dim| Value::Number { value: s.parse().unwrap(), dim };
    let wan = |s: &str| Value::Number {
        value: s.parse::<Decimal>().unwrap() * Decimal::from(10_000),
        dim: zhengce::units::Dim::MONEY,
    };
    let score = |s: &str| num(s, zhengce::units::Dim::NUMBER);
    let project = |goal: bool, done: &str, planned: &str, deduct: Value, wrong: bool| Record {
        key: "甲".into(),
        fields: vec![
            Value::Text("甲".into()),
            Value::Bool(goal),
            wan(done),
            wan(planned),
            num("0.8", zhengce::units::Dim::PERCENT),
            deduct,
            Value::Bool(wrong),
            score("2.5"),
        ],
    };
    let ev = Evaluator::new(&p, &checked, Some(sid), BTreeMap::new());
    let run = |record: &Record| -> Option<Vec<V>> {
        let mut m = Machine::new(&prog);
        m.load(record).unwrap();
        m.run().ok()?;
        let got: Vec<V> = (0..prog.columns.len()).map(|i| m.outcome(i).unwrap()).collect();
        let (outcome, _) = ev.evaluate(record, None);
        for (col, v) in prog.columns.iter().zip(&got) {
            let want = outcome.rules.iter().find(|r| r.def == col.def).unwrap();
            assert_eq!(&want.value, v, "rule `{}`", col.name);
        }
        Some(got)
    };
    let grade = |name: &str| {
        let e = checked.scope.grade_enums.values().next().copied().unwrap();
        V::Enum(e, checked.scope.enums[e].index_of(name).unwrap())
    };
    let points = |s: &str| V::Num(s.parse().unwrap(), zhengce::units::Dim::SCORE);
    // 1万元 of 3万元: 3分 × 0.3333333333333333333333333333 (the interpreter's 28-place
    // quotient) = 0.9999999999999999999999999999; 2 + that + 5 × 80% = 4, 7 − 5 = 2 (a
    // deduction of 5, none for 不合规), 2.5 given: 11.4999999999999999999999999999, 差.
    let got = run(&project(true, "1", "3", score("5"), false)).unwrap();
    assert_eq!(got[0], points("11.4999999999999999999999999999"));
    assert_eq!(got[1], grade("差"));
    // Everything planned arrived (6万元 of 4万元 counts as all of it), a deduction of 0 (did
    // not happen) and 不合规 takes 2 of 使用's 7: 2 + 3 + 4 + 5 + 2.5 = 16.5, 良.
    let got = run(&project(true, "6", "4", score("0"), true)).unwrap();
    assert_eq!((&got[0], &got[1]), (&points("16.5"), &grade("良")));
    // The deduction left empty: the points are unknown, and the grade with them, never full
    // marks for 套取.
    let got = run(&project(true, "6", "4", Value::Missing, true)).unwrap();
    assert_eq!((&got[0], &got[1]), (&V::Missing, &V::Missing));
    // A deduction outside 4-7分 (the interpreter reports it) and nothing planned (a division
    // by zero, which it reports too) are left to the interpreter.
    assert_eq!(run(&project(true, "1", "3", score("3"), false)), None);
    assert_eq!(run(&project(true, "1", "0", score("5"), false)), None);
}

/// An award read at another year (`投资补助[当年 - 1年]`, `投资补助[2023年]`): a yearly award,
/// a one-off award whose condition reads yearly data (paid in the first year it is due only),
/// and one paid for two years from the first year due, each agreeing with the interpreter; a
/// total over the years of an award is left to the interpreter, which gives it by hand.
#[test]
fn awards_read_at_another_year_agree_with_the_interpreter() {
    let text = "主体 企业 { 标识 名称\n 名称: 文本\n\
        投资: 元 按年 可选 范围 0元 至 1000000元\n 认定: 是否 按年 可选 }\n\
        对于 企业 {\n\
        § 一 「x」\n 补助 投资补助 { 金额 投资 × 10%; 最高不超过 5万元; 每年 }\n\
        § 二 「y」\n 奖励 认定奖励 { 当 认定; 金额 1万元; 一次性 }\n\
        § 三 「z」\n 补助 连续补助 { 当 认定; 金额 投资 × 5%; 每年 连续 2年 }\n\
        令 上年投资补助: 元 = 投资补助[当年 - 1年]\n\
        令 上年认定奖励: 元 = 认定奖励[当年 - 1年]\n\
        令 上年连续补助: 元 = 连续补助[当年 - 1年]\n\
        令 定年投资补助: 元 = 投资补助[2023年]\n}\n";
    let p = parse_text(text);
    let checked = checked_clean(&p);
    for year in [2024, 2025] {
        for first in [year - 2, year - 3] {
            let handled = differential_for(
                &p,
                &checked,
                "企业",
                300,
                Some(year),
                BTreeMap::new(),
                Some(first),
            );
            assert!(handled > 30, "{year}, {first}: {handled} of 300 handled compiled");
        }
    }
    // By hand, in 2025: 投资 2023 300,000元, 2024 600,000元, 2025 100,000元; 认定 from 2024.
    let text =
        format!("{text}对于 企业 {{\n § 四 「w」\n 令 三年投资补助: 元 = 累计(投资补助)\n}}\n");
    let p = parse_text(&text);
    let checked = checked_clean(&p);
    let sid = checked.scope.subject_names["企业"];
    let yuan = |n: i64| Value::Number { value: Decimal::from(n), dim: zhengce::units::Dim::MONEY };
    let record = Record {
        key: "甲".into(),
        fields: vec![
            Value::Text("甲".into()),
            Value::Series(
                [(2023, yuan(300_000)), (2024, yuan(600_000)), (2025, yuan(100_000))].into(),
            ),
            Value::Series(
                [(2023, Value::Bool(false)), (2024, Value::Bool(true)), (2025, Value::Bool(true))]
                    .into(),
            ),
        ],
    };
    let ev = Evaluator::new(&p, &checked, Some(sid), BTreeMap::new());
    let (o, d) = ev.evaluate(&record, Some(2025));
    assert!(!d.has_errors(), "{:?}", d.sorted());
    let value = |name: &str| {
        let id = checked.scope.lookup(name, Some(sid)).unwrap();
        norm(o.rules.iter().find(|r| r.def == id).unwrap().value.clone())
    };
    let money = |n: i64| V::Num(Decimal::from(n), zhengce::units::Dim::MONEY);
    // 2025: 10,000元; 2024: 60,000元 capped at 50,000元; 2023: 30,000元.
    assert_eq!(value("投资补助"), money(10_000));
    assert_eq!(value("上年投资补助"), money(50_000));
    assert_eq!(value("定年投资补助"), money(30_000));
    // First due in 2024: paid then, not again in 2025.
    assert_eq!(value("认定奖励"), money(0));
    assert_eq!(value("上年认定奖励"), money(10_000));
    // Due from 2024 for two years: 2024 600,000 × 5% = 30,000元; 2025 5,000元.
    assert_eq!(value("上年连续补助"), money(30_000));
    assert_eq!(value("连续补助"), money(5_000));
    // 30,000 + 50,000 + 10,000.
    assert_eq!(value("三年投资补助"), money(90_000));
}

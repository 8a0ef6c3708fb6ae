//! The evaluator on hand-built subjects: money figures computed by hand, boundaries included.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use zhengce::checker::check;
use zhengce::data::{Record, Value};
use zhengce::diagnostics::Code;
use zhengce::eval::Evaluator;
use zhengce::eval::outcome::{Detail, SubjectOutcome};
use zhengce::eval::value::V;
use zhengce::parser::parse;
use zhengce::source::SourceFile;
use zhengce::units::Dim;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn money(s: &str) -> Value {
    Value::Number { value: d(s), dim: Dim::MONEY }
}

fn num(s: &str, dim: Dim) -> Value {
    Value::Number { value: d(s), dim }
}

/// Evaluates `src` for each record of its only subject; returns the outcomes.
fn run(
    src: &str,
    records: &[Record],
    year: Option<u16>,
    params: BTreeMap<String, Value>,
) -> Vec<SubjectOutcome> {
    let f = SourceFile::new("t.zc", src);
    let (p, diags) = parse(&f);
    assert!(diags.is_empty(), "{:?}", diags.sorted());
    let p = p.unwrap();
    let (checked, diags) = check(&p);
    assert!(!diags.has_errors(), "{:#?}", diags.sorted());
    let ev = Evaluator::new(&p, &checked, Some(0), params);
    records
        .iter()
        .map(|r| {
            let (o, diags) = ev.evaluate(r, year);
            // Nothing but the marks of amounts finer than a fen, which some cases compute.
            let diags: Vec<_> =
                diags.sorted().into_iter().filter(|d| d.code != Code::FenOutcome).collect();
            assert!(diags.is_empty(), "{diags:#?}");
            o
        })
        .collect()
}

fn value<'a>(src: &str, o: &'a SubjectOutcome, name: &str) -> &'a V {
    let f = SourceFile::new("t.zc", src);
    let p = parse(&f).0.unwrap();
    let (checked, _) = check(&p);
    let r = o.rules.iter().find(|r| checked.scope.defs[r.def].name == name).unwrap();
    &r.value
}

const ZEZHOU: &str = r#"
枚举 来源 { 县内, 市及市外 }
主体 企业 {
  标识 名称
  名称: 文本
  成果来源: 来源
  转化费用: 元
}
对于 企业 {
  § 二(二)6 「对转化全县科技成果的按实际发生费用的30%进行补助，最高不超过50万元」
  奖励 县内成果转化补助 {
    当 成果来源 = 县内
    金额 转化费用 × 30%
    最高不超过 50万元
  }
  § 二(二)6 「对转化市及市外科技成果的按20%进行补助，最高不超过30万元」
  奖励 市外成果转化补助 {
    当 成果来源 = 市及市外
    金额 转化费用 × 20%
    最高不超过 30万元
  }
}
"#;

fn enterprise(name: &str, origin: usize, cost: &str) -> Record {
    Record {
        key: name.into(),
        fields: vec![
            Value::Text(name.into()),
            Value::Enum { enum_name: "来源".into(), index: origin },
            money(cost),
        ],
    }
}

#[test]
fn transfer_subsidy_is_30_percent_capped_at_50_wan() {
    let recs = [
        enterprise("甲", 0, "1000000"),    // 30% = 300,000, under the cap
        enterprise("乙", 0, "1666666.67"), // 30% = 500,000.001 → capped at 500,000
        enterprise("丙", 0, "1666666.66"), // 30% = 499,999.998, just under
        enterprise("丁", 1, "2000000"),    // external: 20% = 400,000 → capped at 300,000
        enterprise("戊", 1, "1500000"),    // external: 20% = 300,000, exactly the cap
    ];
    let out = run(ZEZHOU, &recs, None, BTreeMap::new());
    let amount = |i: usize, award: &str| value(ZEZHOU, &out[i], award).clone();
    assert_eq!(amount(0, "县内成果转化补助"), V::Num(d("300000"), Dim::MONEY));
    assert_eq!(amount(0, "市外成果转化补助"), V::Num(d("0"), Dim::MONEY));
    assert_eq!(amount(1, "县内成果转化补助"), V::Num(d("500000"), Dim::MONEY));
    assert_eq!(amount(2, "县内成果转化补助"), V::Num(d("499999.998"), Dim::MONEY));
    assert_eq!(amount(3, "市外成果转化补助"), V::Num(d("300000"), Dim::MONEY));
    assert_eq!(amount(4, "市外成果转化补助"), V::Num(d("300000"), Dim::MONEY));
    // The cap is reported as reached when the computed amount is at it or over it.
    let capped = |i: usize, award: &str| {
        let f = SourceFile::new("t.zc", ZEZHOU);
        let p = parse(&f).0.unwrap();
        let (checked, _) = check(&p);
        let r = out[i].rules.iter().find(|r| checked.scope.defs[r.def].name == award).unwrap();
        match &r.detail {
            Detail::Award(a) => a.capped,
            other => panic!("{other:?}"),
        }
    };
    assert!(capped(1, "县内成果转化补助"));
    assert!(!capped(2, "县内成果转化补助"));
    assert!(capped(4, "市外成果转化补助"));
    assert!(!capped(0, "县内成果转化补助"));
}

const INCUBATOR: &str = r#"
枚举 级别 有序 { 无 < 市级 < 省级 < 国家级 }
主体 企业 { 标识 名称  名称: 文本  孵化面积: ㎡  孵化器级别: 级别 }
对于 企业 {
  § 二(一)3 「认定为市级科技企业孵化器或市级众创空间的财政每年给予每平米20元的资金补助；认定为省级、国家级的每年再给予每平米10元的资金补助」
  奖励 孵化器补助 {
    当 孵化器级别 ≥ 市级
    金额 孵化面积 × 20元/㎡ + 若 孵化器级别 ≥ 省级 则 孵化面积 × 10元/㎡ 否则 0元
    每年
  }
}
"#;

#[test]
fn incubator_subsidy_per_square_metre_by_level() {
    let rec = |name: &str, area: &str, level: usize| Record {
        key: name.into(),
        fields: vec![
            Value::Text(name.into()),
            num(area, Dim::AREA),
            Value::Enum { enum_name: "级别".into(), index: level },
        ],
    };
    let out = run(
        INCUBATOR,
        &[
            rec("无级", "1000", 0),
            rec("市级", "1000", 1),
            rec("省级", "1500", 2),
            rec("国家级", "2000.5", 3),
        ],
        None,
        BTreeMap::new(),
    );
    let amount = |i: usize| value(INCUBATOR, &out[i], "孵化器补助").clone();
    assert_eq!(amount(0), V::Num(d("0"), Dim::MONEY));
    assert_eq!(amount(1), V::Num(d("20000"), Dim::MONEY)); // 1000 × 20
    assert_eq!(amount(2), V::Num(d("45000"), Dim::MONEY)); // 1500 × 30
    assert_eq!(amount(3), V::Num(d("60015"), Dim::MONEY)); // 2000.5 × 30
}

const PROVINCIAL: &str = r#"
枚举 考核等级 { 优秀, 良好, 合格, 不合格 }
主体 县 {
  标识 名称
  名称: 文本
  市场主体数量: 家
  贫困县: 是否
  省级专精特新企业数: 家
  等级: 考核等级 按年
}
对于 县 {
  § 四(二)2 「申报县(开发区)符合以下条件」
  条件 申报条件 全部 {
    市场主体: 市场主体数量 不低于 2万家
    专精特新: 省级专精特新企业数 5家以上
      例外 若 贫困县 则 省级专精特新企业数 2家以上
  }
  § 五(三) 「第二年考核优秀的,奖励100万元;连续两年考核优秀的,奖励300万元,连续三年考核优秀的奖励500万元。评为良好的,核减20%;评为及格的,核减50%」
  奖励 创建奖励 {
    当 等级 = 优秀 或 等级 = 良好 或 等级 = 合格
    金额 分档 连续年数(等级 = 优秀 或 等级 = 良好 或 等级 = 合格) { 1年: 100万元; 2年: 300万元; 其他: 500万元 }
    核减 分档 等级 { 良好: 20%; 合格: 50%; 其他: 0% }
  }
  § 五(二) 「连续三年优秀的……确定为“全省中小企业高质量发展示范县(开发区)”」
  状态 示范县: 连续年数(等级 = 优秀) 达到 3年
}
"#;

fn county(name: &str, entities: &str, poor: bool, firms: &str, grades: &[(u16, usize)]) -> Record {
    Record {
        key: name.into(),
        fields: vec![
            Value::Text(name.into()),
            num(entities, Dim::THINGS),
            Value::Bool(poor),
            num(firms, Dim::THINGS),
            Value::Series(
                grades
                    .iter()
                    .map(|(y, g)| (*y, Value::Enum { enum_name: "考核等级".into(), index: *g }))
                    .collect(),
            ),
        ],
    }
}

#[test]
fn conditions_with_the_poverty_exception_at_their_thresholds() {
    let recs = [
        county("刚好达标", "20000", false, "5", &[(2022, 0)]),
        county("差一家", "19999", false, "5", &[(2022, 0)]),
        county("贫困县两家", "20000", true, "2", &[(2022, 0)]),
        county("非贫困县两家", "20000", false, "2", &[(2022, 0)]),
    ];
    let out = run(PROVINCIAL, &recs, Some(2022), BTreeMap::new());
    let met = |i: usize| value(PROVINCIAL, &out[i], "申报条件").clone();
    assert_eq!(met(0), V::Bool(true)); // 2万家 and 5家 both exactly at 不低于/以上
    assert_eq!(met(1), V::Bool(false));
    assert_eq!(met(2), V::Bool(true)); // the exception: 2家 suffice for a poverty county
    assert_eq!(met(3), V::Bool(false));
}

#[test]
fn award_ladder_over_consecutive_years_with_cuts_by_grade() {
    let (e, g, h) = (0, 1, 2); // 优秀, 良好, 合格
    let recs = [
        county("一年优秀", "20000", false, "5", &[(2022, e)]),
        county("两年优秀", "20000", false, "5", &[(2021, e), (2022, e)]),
        county("三年优秀", "20000", false, "5", &[(2020, e), (2021, e), (2022, e)]),
        county("第二年良好", "20000", false, "5", &[(2021, e), (2022, g)]),
        county("合格", "20000", false, "5", &[(2022, h)]),
        county("不合格", "20000", false, "5", &[(2022, 3)]),
    ];
    let out = run(PROVINCIAL, &recs, Some(2022), BTreeMap::new());
    let amount = |i: usize| value(PROVINCIAL, &out[i], "创建奖励").clone();
    assert_eq!(amount(0), V::Num(d("1000000"), Dim::MONEY));
    assert_eq!(amount(1), V::Num(d("3000000"), Dim::MONEY));
    assert_eq!(amount(2), V::Num(d("5000000"), Dim::MONEY));
    assert_eq!(amount(3), V::Num(d("2400000"), Dim::MONEY)); // 300万 less 20%
    assert_eq!(amount(4), V::Num(d("500000"), Dim::MONEY)); // 100万 less 50%
    assert_eq!(amount(5), V::Num(d("0"), Dim::MONEY));
    assert_eq!(value(PROVINCIAL, &out[2], "示范县"), &V::Bool(true));
    assert_eq!(value(PROVINCIAL, &out[1], "示范县"), &V::Bool(false));
}

const RATIO: &str = r#"
主体 企业 { 标识 名称  名称: 文本  研发投入: 元  营业收入: 元 }
对于 企业 {
  § 一 「研发投入占营业收入比重达到3%以上的」
  条件 研发强度 全部 { 比重: 研发投入 / 营业收入 3%以上 }
  § 二 「每年增长20%」
  令 目标收入 = 营业收入 × (1 + 20%)
}
"#;

#[test]
fn a_computed_ratio_compares_with_a_percentage() {
    let rec = |name: &str, rd: &str, rev: &str| Record {
        key: name.into(),
        fields: vec![Value::Text(name.into()), money(rd), money(rev)],
    };
    let out = run(
        RATIO,
        &[rec("刚好", "30000", "1000000"), rec("不足", "29999.99", "1000000")],
        None,
        BTreeMap::new(),
    );
    assert_eq!(value(RATIO, &out[0], "研发强度"), &V::Bool(true)); // 3% exactly: 以上 includes it
    assert_eq!(value(RATIO, &out[1], "研发强度"), &V::Bool(false));
    assert_eq!(value(RATIO, &out[0], "目标收入"), &V::Num(d("1200000"), Dim::MONEY));
}

const ONCE: &str = r#"
主体 企业 { 标识 名称  名称: 文本  认定: 是否 按年  面积: ㎡ 按年 }
对于 企业 {
  § 二(四)16 「对上一年度认定的国家高新技术企业，县财政一次性给予15万元资助」
  奖励 高新资助 { 当 认定  金额 15万元  一次性 }
  § 六1(2) 「三年内按照30%的比例给予相应补助」
  奖励 房租补贴 { 当 面积 > 0㎡  金额 面积 × 10元/㎡  每年 连续 3年 }
}
"#;

#[test]
fn a_one_off_award_is_paid_once_and_a_yearly_one_for_its_years() {
    let series = |vals: &[(u16, Value)]| Value::Series(vals.iter().cloned().collect());
    let b = |x: bool| Value::Bool(x);
    let a = |s: &str| num(s, Dim::AREA);
    let rec = |name: &str, certified: &[(u16, bool)], area: &[(u16, &str)]| Record {
        key: name.into(),
        fields: vec![
            Value::Text(name.into()),
            series(&certified.iter().map(|(y, c)| (*y, b(*c))).collect::<Vec<_>>()),
            series(&area.iter().map(|(y, s)| (*y, a(s))).collect::<Vec<_>>()),
        ],
    };
    let recs = [
        // Certified in 2021 and still certified in 2022: the one-off award was due in 2021.
        rec(
            "早认定",
            &[(2021, true), (2022, true)],
            &[(2019, "100"), (2020, "100"), (2021, "100"), (2022, "100")],
        ),
        // First certified in 2022: due now. Space rented from 2020: the third year is 2022.
        rec("新认定", &[(2021, false), (2022, true)], &[(2020, "0"), (2021, "200"), (2022, "200")]),
    ];
    let out = run(ONCE, &recs, Some(2022), BTreeMap::new());
    assert_eq!(value(ONCE, &out[0], "高新资助"), &V::Num(d("0"), Dim::MONEY));
    assert_eq!(value(ONCE, &out[1], "高新资助"), &V::Num(d("150000"), Dim::MONEY));
    // 早认定 rented from 2019: 2019, 2020, 2021 are its three years; 2022 pays nothing.
    assert_eq!(value(ONCE, &out[0], "房租补贴"), &V::Num(d("0"), Dim::MONEY));
    // 新认定's area was 0 in 2020, so its years are 2021, 2022, 2023: 200 × 10 in 2022.
    assert_eq!(value(ONCE, &out[1], "房租补贴"), &V::Num(d("2000"), Dim::MONEY));
}

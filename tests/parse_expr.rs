//! The parser reads expressions with the intended precedence and comparison semantics.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "a test fails loudly on a broken expectation"
)]

use zhengce::ast::{ItemKind, sexpr};
use zhengce::parser::parse;
use zhengce::source::SourceFile;

/// Parses `令 x = <src>` and renders the value as an S-expression.
fn expr(src: &str) -> String {
    let f = SourceFile::new("t.zc", format!("令 x = {src}"));
    let (p, d) = parse(&f);
    assert!(d.is_empty(), "{src}: {:?}", d.sorted());
    let p = p.unwrap();
    match &p.items[0].kind {
        ItemKind::Let(l) => sexpr(&l.value),
        other => panic!("not a let: {other:?}"),
    }
}

#[test]
fn arithmetic_precedence() {
    assert_eq!(expr("a + b × c"), "(+ a (× b c))");
    assert_eq!(expr("a - b - c"), "(- (- a b) c)");
    assert_eq!(expr("(a + b) * c"), "(× (+ a b) c)");
    assert_eq!(expr("-a × b"), "(× (- a) b)");
    assert_eq!(expr("48元/㎡ × 1700㎡"), "(× 48元/㎡ 1700㎡)");
    assert_eq!(expr("a / 2"), "(÷ a 2)");
    assert_eq!(expr("措施得分 × 80% + 环境得分 × 20%"), "(+ (× 措施得分 80%) (× 环境得分 20%))");
}

#[test]
fn legal_comparison_words() {
    // 以上 and 以下 include the number; 不满 and 超过 exclude it.
    assert_eq!(expr("数量 5家以上"), "(≥ 数量 5家)");
    assert_eq!(expr("数量 5家 以下"), "(≤ 数量 5家)");
    assert_eq!(expr("数量 5家以内"), "(≤ 数量 5家)");
    assert_eq!(expr("年限 3年届满"), "(≥ 年限 3年)");
    assert_eq!(expr("年限 不满 3年"), "(< 年限 3年)");
    assert_eq!(expr("数量 不低于 2万家"), "(≥ 数量 2万家)");
    assert_eq!(expr("数量 不少于 2"), "(≥ 数量 2)");
    assert_eq!(expr("数量 达到 2"), "(≥ 数量 2)");
    assert_eq!(expr("数量 不超过 2"), "(≤ 数量 2)");
    assert_eq!(expr("数量 最高不超过 2"), "(≤ 数量 2)");
    assert_eq!(expr("数量 超过 2"), "(> 数量 2)");
    assert_eq!(expr("数量 高于 2"), "(> 数量 2)");
    assert_eq!(expr("数量 突破 2"), "(> 数量 2)");
    assert_eq!(expr("数量 多于 2"), "(> 数量 2)");
    assert_eq!(expr("数量 低于 2"), "(< 数量 2)");
    assert_eq!(expr("数量 少于 2"), "(< 数量 2)");
    assert_eq!(expr("数量 ≥ 2"), "(≥ 数量 2)");
    assert_eq!(expr("数量 >= 2"), "(≥ 数量 2)");
    assert_eq!(expr("x at least 2"), "(≥ x 2)");
    assert_eq!(expr("x less than 2"), "(< x 2)");
}

#[test]
fn logic_binds_looser_than_comparison() {
    assert_eq!(expr("a = 1 或 b = 2 且 c"), "(或 (= a 1) (且 (= b 2) c))");
    assert_eq!(expr("非 贫困县 且 x 5家以上"), "(且 (非 贫困县) (≥ x 5家))");
    assert_eq!(expr("not a or b"), "(或 (非 a) b)");
}

#[test]
fn calls_tiers_indexes_and_ifs() {
    assert_eq!(expr("取整(48元/㎡ × 1700㎡, 1万元)"), "(取整 (× 48元/㎡ 1700㎡) 1万元)");
    assert_eq!(expr("min（a，b）"), "(min a b)");
    assert_eq!(expr("营业收入[2020年]"), "([] 营业收入 2020年)");
    assert_eq!(expr("预算.龙虎榜"), "(. 预算 龙虎榜)");
    assert_eq!(expr("若 贫困县 则 2家 否则 5家"), "(若 贫困县 2家 5家)");
    assert_eq!(
        expr("分档 得分 { 90分以上: 优; ≥ 75分: 良; 合格: 1; 其他: 差 }"),
        "(分档 得分 [≥ 90分 优] [≥ 75分 良] [= 合格 1] [其他 差])"
    );
}

#[test]
fn cap_on_the_line_after_a_condition_is_a_cap() {
    use zhengce::ast::AwardClause;
    let src = "奖励 补贴 {\n  当 贫困县\n  最高不超过 50万元\n  金额 费用 × 30%\n}\n奖励 乙 { 当 费用 最高不超过 50万元 }";
    let f = SourceFile::new("t.zc", src);
    let (p, d) = parse(&f);
    assert!(d.is_empty(), "{:?}", d.sorted());
    let p = p.unwrap();
    let ItemKind::Award(a) = &p.items[0].kind else { panic!() };
    let kinds: Vec<String> = a
        .clauses
        .iter()
        .map(|c| match &c.node {
            AwardClause::When(e) => format!("当 {}", sexpr(e)),
            AwardClause::Cap(e) => format!("封顶 {}", sexpr(e)),
            AwardClause::Amount { value, .. } => format!("金额 {}", sexpr(value)),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(kinds, ["当 贫困县", "封顶 50万元", "金额 (× 费用 30%)"]);
    // On one line, it is a comparison.
    let ItemKind::Award(b) = &p.items[1].kind else { panic!() };
    let AwardClause::When(e) = &b.clauses[0].node else { panic!() };
    assert_eq!(sexpr(e), "(≤ 费用 50万元)");
}

#[test]
fn cap_on_the_line_after_an_exception_is_a_cap() {
    use zhengce::ast::AwardClause;
    let src =
        "奖励 补贴 {\n  金额 费用 × 30%\n    例外 若 市外 则 费用 × 20%\n  最高不超过 50万元\n}";
    let f = SourceFile::new("t.zc", src);
    let (p, d) = parse(&f);
    assert!(d.is_empty(), "{:?}", d.sorted());
    let p = p.unwrap();
    let ItemKind::Award(a) = &p.items[0].kind else { panic!() };
    let kinds: Vec<String> = a
        .clauses
        .iter()
        .map(|c| match &c.node {
            AwardClause::Amount { value, exceptions } => {
                let ex: Vec<String> = exceptions.iter().map(|e| sexpr(&e.node.value)).collect();
                format!("金额 {} 例外 {}", sexpr(value), ex.join(" "))
            }
            AwardClause::Cap(e) => format!("封顶 {}", sexpr(e)),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(kinds, ["金额 (× 费用 30%) 例外 (× 费用 20%)", "封顶 50万元"]);
    // The exception ends with its value, not at the next line.
    let AwardClause::Amount { exceptions, .. } = &a.clauses[0].node else { panic!() };
    assert_eq!(f.slice(exceptions[0].span), "例外 若 市外 则 费用 × 20%");
}

#[test]
fn spans_end_at_the_last_token() {
    // A comparison followed by a comment and blank lines: its span is the comparison alone.
    let src = "§ 一 「」\n状态 达标: 数量 不低于 2万家   # 原文\n\n令 x = 1\n";
    let f = SourceFile::new("t.zc", src);
    let (p, d) = parse(&f);
    assert!(d.is_empty(), "{:?}", d.sorted());
    let p = p.unwrap();
    let ItemKind::Status(s) = &p.items[0].kind else { panic!() };
    assert_eq!(f.slice(s.cond.span), "数量 不低于 2万家");
    assert_eq!(f.slice(p.items[0].span).lines().last(), Some("状态 达标: 数量 不低于 2万家"));
}

#[test]
fn a_cap_after_a_compound_condition_is_a_cap() {
    use zhengce::ast::AwardClause;
    let src = "奖励 补贴 {\n  当 县内 且 费用 > 0元\n  最高不超过 50万元\n  金额 费用 × 30%\n}";
    let f = SourceFile::new("t.zc", src);
    let (p, d) = parse(&f);
    assert!(d.is_empty(), "{:?}", d.sorted());
    let p = p.unwrap();
    let ItemKind::Award(a) = &p.items[0].kind else { panic!() };
    let AwardClause::When(w) = &a.clauses[0].node else { panic!() };
    assert_eq!(sexpr(w), "(且 县内 (> 费用 0元))");
    let AwardClause::Cap(c) = &a.clauses[1].node else { panic!() };
    assert_eq!(sexpr(c), "50万元");
}

#[test]
fn separators_middle_dots_and_at_least() {
    assert_eq!(expr("a·b"), "(× a b)");
    assert_eq!(expr("x 至少 3项"), "(≥ x 3项)");
    let f = SourceFile::new("t.zc", "奖励 甲 { § 二(一)3; 金额 1元 }");
    let (p, d) = parse(&f);
    assert!(d.is_empty(), "{:?}", d.sorted());
    let ItemKind::Award(a) = &p.unwrap().items[0].kind else { panic!() };
    let zhengce::ast::AwardClause::Citation(c) = &a.clauses[0].node else { panic!() };
    assert_eq!(c.clause.node, "二(一)3");
}

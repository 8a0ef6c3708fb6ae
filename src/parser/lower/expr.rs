//! Lowering of expressions, comparisons, patterns and exceptions.

use std::str::FromStr;
use std::sync::LazyLock;

use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use rust_decimal::Decimal;

use super::{Cursor, Lower, Malformed, R, unexpected};
use crate::ast::{
    BinOp, Cmp, CmpOp, Date, Exception, Expr, ExprKind, LogicOp, Node, Pattern, Quantity, TierArm,
};
use crate::diagnostics::{Code, Diagnostic, Text};
use crate::parser::grammar::Rule;
use crate::source::Span;

static ARITH: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
        .op(Op::prefix(Rule::op_neg))
});

static LOGIC: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::kw_or, Assoc::Left))
        .op(Op::infix(Rule::kw_and, Assoc::Left))
        .op(Op::prefix(Rule::kw_not))
});

fn boxed(e: Expr) -> Box<Expr> {
    Box::new(e)
}

/// An expression with the depth of its tree, which the operators above it add to.
fn with_depth(e: Expr) -> (Expr, usize) {
    let d = e.depth();
    (e, d)
}

impl Lower {
    /// `expr`: comparisons joined by 且/或, negated by 非.
    pub(super) fn expr(&self, p: Pair<'_, Rule>) -> R<Expr> {
        if p.as_rule() != Rule::expr {
            return Err(unexpected(&p, "expression"));
        }
        let _level = self.enter(self.span(&p))?;
        let (e, _) = LOGIC
            .map_primary(|q| self.comparison(q).map(with_depth))
            .map_prefix(|op, e| {
                let (e, d) = e?;
                let s = self.span(&op).join(e.span);
                self.deep_enough(d + 1, self.span(&op))?;
                Ok((Node::new(ExprKind::Not(boxed(e)), s), d + 1))
            })
            .map_infix(|l, op, r| {
                let ((l, dl), (r, dr)) = (l?, r?);
                let at = self.span(&op);
                let op = match op.as_rule() {
                    Rule::kw_and => LogicOp::And,
                    Rule::kw_or => LogicOp::Or,
                    _ => return Err(unexpected(&op, "logical operator")),
                };
                let s = l.span.join(r.span);
                let d = dl.max(dr) + 1;
                self.deep_enough(d, at)?;
                Ok((Node::new(ExprKind::Logic(op, boxed(l), boxed(r)), s), d))
            })
            .parse(p.into_inner())?;
        Ok(e)
    }

    /// `comparison`: an arithmetic value, optionally compared with another.
    fn comparison(&self, p: Pair<'_, Rule>) -> R<Expr> {
        let whole = self.span(&p);
        let mut c = Cursor::new(p, "comparison");
        let left = self.arith(c.expect(Rule::arith)?)?;
        match c.peek() {
            None => Ok(left),
            Some(Rule::infix_cmp) => {
                let cmp = infix_cmp(c.next()?)?;
                let right = self.arith(c.expect(Rule::arith)?)?;
                Ok(Node::new(ExprKind::Compare(cmp, boxed(left), boxed(right)), whole))
            }
            Some(Rule::arith) => {
                let right = self.arith(c.next()?)?;
                let cmp = postfix_cmp(c.expect(Rule::postfix_cmp)?)?;
                Ok(Node::new(ExprKind::Compare(cmp, boxed(left), boxed(right)), whole))
            }
            Some(_) => Err(c.malformed()),
        }
    }

    /// `arith`: `+ - × ÷` and unary minus.
    pub(super) fn arith(&self, p: Pair<'_, Rule>) -> R<Expr> {
        if p.as_rule() != Rule::arith {
            return Err(unexpected(&p, "arithmetic"));
        }
        let _level = self.enter(self.span(&p))?;
        let (e, _) = ARITH
            .map_primary(|q| self.postfix_expr(q).map(with_depth))
            .map_prefix(|op, e| {
                let (e, d) = e?;
                let s = self.span(&op).join(e.span);
                self.deep_enough(d + 1, self.span(&op))?;
                Ok((Node::new(ExprKind::Neg(boxed(e)), s), d + 1))
            })
            .map_infix(|l, op, r| {
                let ((l, dl), (r, dr)) = (l?, r?);
                let at = self.span(&op);
                let op = match op.as_rule() {
                    Rule::op_add => BinOp::Add,
                    Rule::op_sub => BinOp::Sub,
                    Rule::op_mul => BinOp::Mul,
                    Rule::op_div => BinOp::Div,
                    _ => return Err(unexpected(&op, "operator")),
                };
                let s = l.span.join(r.span);
                let d = dl.max(dr) + 1;
                self.deep_enough(d, at)?;
                Ok((Node::new(ExprKind::Binary(op, boxed(l), boxed(r)), s), d))
            })
            .parse(p.into_inner())?;
        Ok(e)
    }

    /// A primary followed by `[year]` indexes and `.member` accesses.
    fn postfix_expr(&self, p: Pair<'_, Rule>) -> R<Expr> {
        let mut c = Cursor::new(p, "value");
        let mut e = self.primary(c.expect(Rule::primary)?)?;
        let mut depth = e.depth();
        for q in c.inner.by_ref() {
            let s = e.span.join(self.span(&q));
            match q.as_rule() {
                Rule::index => {
                    let mut ic = Cursor::new(q, "year index");
                    let index = self.expr(ic.expect(Rule::expr)?)?;
                    depth = depth.max(index.depth()) + 1;
                    self.deep_enough(depth, s)?;
                    e = Node::new(ExprKind::Index(boxed(e), boxed(index)), s);
                }
                Rule::member => {
                    let mut mc = Cursor::new(q, "member");
                    let name = self.ident(mc.expect(Rule::ident)?)?;
                    depth += 1;
                    self.deep_enough(depth, s)?;
                    e = Node::new(ExprKind::Member(boxed(e), name), s);
                }
                _ => return Err(unexpected(&q, "value")),
            }
        }
        Ok(e)
    }

    fn primary(&self, p: Pair<'_, Rule>) -> R<Expr> {
        let whole = self.span(&p);
        let mut c = Cursor::new(p, "value");
        let q = c.next()?;
        let kind = match q.as_rule() {
            Rule::paren => {
                let mut pc = Cursor::new(q, "parenthesis");
                ExprKind::Paren(boxed(self.expr(pc.expect(Rule::expr)?)?))
            }
            Rule::if_expr => {
                let mut ic = Cursor::new(q, "if expression");
                ic.expect(Rule::kw_if)?;
                let cond = self.expr(ic.expect(Rule::expr)?)?;
                ic.expect(Rule::kw_then)?;
                let then = self.expr(ic.expect(Rule::expr)?)?;
                ic.expect(Rule::kw_else)?;
                let other = self.expr(ic.expect(Rule::expr)?)?;
                ExprKind::If(boxed(cond), boxed(then), boxed(other))
            }
            Rule::tier_expr => {
                let mut tc = Cursor::new(q, "tier");
                tc.expect(Rule::kw_tier)?;
                let scrutinee = self.arith(tc.expect(Rule::arith)?)?;
                let mut arms = Vec::new();
                for a in tc.eat_all(Rule::tier_arm) {
                    let s = self.span(&a);
                    let mut ac = Cursor::new(a, "tier arm");
                    let pattern = self.pattern(ac.expect(Rule::pattern)?)?;
                    let value = self.expr(ac.expect(Rule::expr)?)?;
                    arms.push(Node::new(TierArm { pattern, value }, s));
                }
                ExprKind::Tier(boxed(scrutinee), arms)
            }
            Rule::call => {
                let mut cc = Cursor::new(q, "call");
                let func = self.ident(cc.expect(Rule::ident)?)?;
                let mut args = Vec::new();
                while let Some(r) = cc.peek() {
                    let a = if r == Rule::where_arg {
                        cc.expect(Rule::where_arg)?
                    } else {
                        cc.expect(Rule::expr)?
                    };
                    if r == Rule::where_arg {
                        let span = self.span(&a);
                        let mut wc = Cursor::new(a, "condition");
                        wc.expect(Rule::kw_when)?;
                        let cond = self.expr(wc.expect(Rule::expr)?)?;
                        args.push(Node::new(ExprKind::Where(Box::new(cond)), span));
                    } else {
                        args.push(self.expr(a)?);
                    }
                }
                ExprKind::Call(func, args)
            }
            Rule::date => ExprKind::Date(self.date(q)?.node),
            Rule::quantity => ExprKind::Quantity(self.quantity(q)?.node),
            Rule::string => ExprKind::Text(string_value(q)?),
            Rule::bool_lit => ExprKind::Bool(matches!(q.as_str().trim(), "是" | "true")),
            Rule::ident => ExprKind::Name(q.as_str().to_string()),
            _ => return Err(unexpected(&q, "value")),
        };
        Ok(Node::new(kind, whole))
    }

    /// `2万家`: the number and the unit as written.
    pub(super) fn quantity(&self, p: Pair<'_, Rule>) -> R<Node<Quantity>> {
        let whole = self.span(&p);
        let mut c = Cursor::new(p, "number");
        let n = c.expect(Rule::number)?;
        let value = self.decimal(&n)?;
        let unit = c.eat(Rule::unit).map(|u| Node::new(u.as_str().to_string(), self.span(&u)));
        Ok(Node::new(Quantity { value, unit }, whole))
    }

    /// A decimal literal; one that does not fit is reported and read as zero.
    pub(super) fn decimal(&self, p: &Pair<'_, Rule>) -> R<Decimal> {
        match Decimal::from_str_exact(p.as_str()).or_else(|_| Decimal::from_str(p.as_str())) {
            Ok(d) => Ok(d),
            Err(_) => {
                self.report(
                    Diagnostic::new(
                        Code::NumberLiteral,
                        Text::new(
                            format!("数字 `{}` 超出可精确表示的范围", p.as_str()),
                            format!("the number `{}` cannot be represented exactly", p.as_str()),
                        ),
                    )
                    .at(self.loc(self.span(p)), Text::new("此数字", "this number"))
                    .help(Text::new(
                        "数字最多 28 位有效数字；金额可改用更大的单位，如 `亿元`",
                        "numbers have at most 28 significant digits; write money in a larger unit such as `亿元`",
                    )),
                );
                Ok(Decimal::ZERO)
            }
        }
    }

    /// A whole number such as the 24 of `至少 24 项`.
    pub(super) fn integer(&self, p: Pair<'_, Rule>) -> R<Node<u32>> {
        let s = self.span(&p);
        match p.as_str().parse::<u32>() {
            Ok(n) => Ok(Node::new(n, s)),
            Err(_) => {
                self.report(
                    Diagnostic::new(
                        Code::NumberLiteral,
                        Text::new(
                            format!("整数 `{}` 过大", p.as_str()),
                            format!("the whole number `{}` is too large", p.as_str()),
                        ),
                    )
                    .at(self.loc(s), Text::new("此数字", "this number"))
                    .help(Text::new(
                        "这里的项数应是一个较小的整数",
                        "a count here is a small whole number",
                    )),
                );
                Ok(Node::new(0, s))
            }
        }
    }

    /// `2024-09-19` or `2024年9月19日`; an impossible date is reported.
    pub(super) fn date(&self, p: Pair<'_, Rule>) -> R<Node<Date>> {
        let s = self.span(&p);
        let digits = date_numbers(p.as_str());
        let [y, m, d] = digits.as_slice() else {
            return Err(unexpected(&p, "date"));
        };
        let (y, m, d) = (*y, *m, *d);
        let ok = (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m);
        if !ok {
            self.report(
                Diagnostic::new(
                    Code::DateLiteral,
                    Text::new(
                        format!("`{}` 不是有效日期", p.as_str()),
                        format!("`{}` is not a valid date", p.as_str()),
                    ),
                )
                .at(self.loc(s), Text::new("此日期", "this date"))
                .help(Text::new(
                    "月份为 1 至 12，日不超过当月天数",
                    "months run from 1 to 12 and days up to the length of the month",
                )),
            );
        }
        let date = Date {
            year: u16::try_from(y).unwrap_or(0),
            month: u8::try_from(m).unwrap_or(0),
            day: u8::try_from(d).unwrap_or(0),
        };
        Ok(Node::new(date, s))
    }

    /// What a tier arm or grade band matches.
    pub(super) fn pattern(&self, p: Pair<'_, Rule>) -> R<Node<Pattern>> {
        let whole = self.span(&p);
        let mut c = Cursor::new(p, "pattern");
        let pattern = match c.peek() {
            Some(Rule::kw_otherwise) => Pattern::Otherwise,
            Some(Rule::infix_cmp) => {
                let cmp = infix_cmp(c.next()?)?;
                Pattern::Compare(cmp, self.arith(c.expect(Rule::arith)?)?)
            }
            Some(Rule::arith) => {
                let value = self.arith(c.next()?)?;
                match c.eat(Rule::postfix_cmp) {
                    Some(w) => Pattern::Compare(postfix_cmp(w)?, value),
                    None => Pattern::Equals(value),
                }
            }
            _ => return Err(c.malformed()),
        };
        Ok(Node::new(pattern, whole))
    }

    /// `例外 若 c 则 v` (the value is an amount in an `amount_exception`).
    pub(super) fn exception(&self, p: Pair<'_, Rule>) -> R<Node<Exception>> {
        let whole = self.span(&p);
        let mut c = Cursor::new(p, "exception");
        c.expect(Rule::kw_except)?;
        c.expect(Rule::kw_if)?;
        let cond = self.expr(c.expect(Rule::expr)?)?;
        c.expect(Rule::kw_then)?;
        let v = c.next()?;
        let value = match v.as_rule() {
            Rule::arith => self.arith(v)?,
            _ => self.expr(v)?,
        };
        Ok(Node::new(Exception { cond, value }, whole))
    }

    pub(super) fn exceptions(&self, c: &mut Cursor<'_>) -> R<Vec<Node<Exception>>> {
        let mut out = Vec::new();
        while let Some(p) = c.eat(Rule::exception).or_else(|| c.eat(Rule::amount_exception)) {
            out.push(self.exception(p)?);
        }
        Ok(out)
    }
}

/// The operator of an infix comparison word.
pub(super) fn infix_cmp(p: Pair<'_, Rule>) -> R<Cmp> {
    let word = p.as_str().trim().to_string();
    let inner =
        p.into_inner().next().ok_or(Malformed { span: Span::default(), what: "comparison" })?;
    let op = match inner.as_rule() {
        Rule::cmp_ge => CmpOp::Ge,
        Rule::cmp_le => CmpOp::Le,
        Rule::cmp_gt => CmpOp::Gt,
        Rule::cmp_lt => CmpOp::Lt,
        Rule::cmp_eq => CmpOp::Eq,
        Rule::cmp_ne => CmpOp::Ne,
        _ => return Err(unexpected(&inner, "comparison")),
    };
    Ok(Cmp { op, word, postfix: false })
}

/// The operator of a comparison word written after its threshold: 以上 includes the number.
pub(super) fn postfix_cmp(p: Pair<'_, Rule>) -> R<Cmp> {
    let word = p.as_str().trim().to_string();
    let op = match word.as_str() {
        "以上" | "届满" => CmpOp::Ge,
        "以下" | "以内" => CmpOp::Le,
        w if w.starts_with("or") && w.ends_with("more") => CmpOp::Ge,
        w if w.starts_with("or") && w.ends_with("less") => CmpOp::Le,
        _ => return Err(unexpected(&p, "comparison")),
    };
    Ok(Cmp { op, word, postfix: true })
}

/// The characters between the quotes.
pub(super) fn string_value(p: Pair<'_, Rule>) -> R<String> {
    let s = super::raw_span(&p);
    p.into_inner().next().map(|i| i.as_str().to_string()).ok_or(Malformed { span: s, what: "text" })
}

/// The numbers of a date as written (`2024年9月19日`, `2024-09-19`, `4月31日`), in order.
pub(super) fn date_numbers(text: &str) -> Vec<u32> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|x| !x.is_empty())
        .filter_map(|x| x.parse().ok())
        .collect()
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        _ => 0,
    }
}

//! Expressions.

use rust_decimal::Decimal;

use super::{Ident, Node};

/// An expression with its span.
pub type Expr = Node<ExprKind>;

/// What an expression is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExprKind {
    /// A number with the unit written after it: `2万家`, `30%`, `48元/㎡`.
    Quantity(Quantity),
    /// A text: `"山西威祥瑞达石材有限公司"`.
    Text(String),
    /// `是` / `否`.
    Bool(bool),
    /// `2024-09-19`.
    Date(Date),
    /// A name: a field, a definition, a parameter or an enumeration value.
    Name(String),
    /// `( ... )`, kept so that the formatter writes the parentheses the author wrote.
    Paren(Box<Expr>),
    /// `-x`.
    Neg(Box<Expr>),
    /// `a + b`, `a × b`, ...
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `a 不低于 b`, `a b以上`.
    Compare(Cmp, Box<Expr>, Box<Expr>),
    /// `a 且 b`, `a 或 b`.
    Logic(LogicOp, Box<Expr>, Box<Expr>),
    /// `非 a`.
    Not(Box<Expr>),
    /// `若 c 则 a 否则 b`.
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `取整(x, 1万元)`.
    Call(Ident, Vec<Expr>),
    /// `营业收入[2020年]`.
    Index(Box<Expr>, Box<Expr>),
    /// `预算.部分`.
    Member(Box<Expr>, Ident),
    /// `分档 x { 90分以上: 优秀; 其他: 合格 }`.
    Tier(Box<Expr>, Vec<Node<TierArm>>),
    /// `当 合同.类型 = 国产`: the condition of an aggregation over members, as its last
    /// argument (`合计(合同.金额, 当 合同.类型 = 国产)`); nowhere else.
    Where(Box<Expr>),
}

impl ExprKind {
    /// The expressions directly inside this one, in the order they were written.
    pub fn children(&self) -> Vec<&Expr> {
        match self {
            ExprKind::Quantity(_)
            | ExprKind::Text(_)
            | ExprKind::Bool(_)
            | ExprKind::Date(_)
            | ExprKind::Name(_) => Vec::new(),
            ExprKind::Paren(a)
            | ExprKind::Neg(a)
            | ExprKind::Not(a)
            | ExprKind::Member(a, _)
            | ExprKind::Where(a) => {
                vec![a]
            }
            ExprKind::Binary(_, a, b)
            | ExprKind::Compare(_, a, b)
            | ExprKind::Logic(_, a, b)
            | ExprKind::Index(a, b) => vec![a, b],
            ExprKind::If(c, a, b) => vec![c, a, b],
            ExprKind::Call(_, args) => args.iter().collect(),
            ExprKind::Tier(scrutinee, arms) => {
                let mut out = vec![&**scrutinee];
                for arm in arms {
                    match &arm.node.pattern.node {
                        Pattern::Otherwise => {}
                        Pattern::Compare(_, e) | Pattern::Equals(e) => out.push(e),
                    }
                    out.push(&arm.node.value);
                }
                out
            }
        }
    }
}

impl Expr {
    /// How many levels deep the tree of this expression is (a name or a number is 1). Walks
    /// the tree with a stack of its own, so that it is safe on a tree of any depth.
    pub fn depth(&self) -> usize {
        let mut deepest = 0;
        let mut stack = vec![(self, 1usize)];
        while let Some((e, d)) = stack.pop() {
            deepest = deepest.max(d);
            stack.extend(e.node.children().into_iter().map(|c| (c, d + 1)));
        }
        deepest
    }
}

/// A number and the unit written after it (resolved by the checker).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quantity {
    pub value: Decimal,
    pub unit: Option<Node<String>>,
}

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

/// An arithmetic operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "×",
            BinOp::Div => "÷",
        }
    }
}

/// `且` or `或`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LogicOp {
    And,
    Or,
}

/// What a comparison tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Ge,
    Le,
    Gt,
    Lt,
    Eq,
    Ne,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Ge => "≥",
            CmpOp::Le => "≤",
            CmpOp::Gt => ">",
            CmpOp::Lt => "<",
            CmpOp::Eq => "=",
            CmpOp::Ne => "≠",
        }
    }

    /// Whether `left op right` holds, given how `left` compares with `right`.
    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            CmpOp::Ge => ord != Less,
            CmpOp::Le => ord != Greater,
            CmpOp::Gt => ord == Greater,
            CmpOp::Lt => ord == Less,
            CmpOp::Eq => ord == Equal,
            CmpOp::Ne => ord != Equal,
        }
    }
}

/// A comparison as written: the operator, the word used (`不低于`, `以上`, `≥`) and whether the
/// word came after the threshold (`5家以上`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cmp {
    pub op: CmpOp,
    pub word: String,
    pub postfix: bool,
}

/// One arm of a tier: the pattern and the value it gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TierArm {
    pub pattern: Node<Pattern>,
    pub value: Expr,
}

/// What a tier arm or a grade band matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// `其他`: anything.
    Otherwise,
    /// `90分以上`, `≥ 90分`: the scrutinee compared with a value.
    Compare(Cmp, Expr),
    /// An enumeration value or a number: equal to the scrutinee.
    Equals(Expr),
}

/// `例外 若 c 则 v`: `v` replaces the default when `c` holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exception {
    pub cond: Expr,
    pub value: Expr,
}

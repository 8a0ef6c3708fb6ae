//! Expressions, patterns and comparisons.
//!
//! Parentheses the author wrote are in the tree and are printed; where the tree needs more (a
//! tree not read from text), they are added by precedence, so that the text always reads back
//! as the same tree.

use super::printer::{Printer, Sep};
use crate::ast::{BinOp, Cmp, Expr, ExprKind, LogicOp, Pattern, TierArm};
use crate::source::Span;

/// Binding strength, loosest first.
const OR: u8 = 1;
const AND: u8 = 2;
const NOT: u8 = 3;
const COMPARE: u8 = 4;
const ADD: u8 = 5;
const MUL: u8 = 6;
const NEG: u8 = 7;
const POSTFIX: u8 = 8;
const PRIMARY: u8 = 9;

/// Where a value stands: anything (`expr`), or an arithmetic value only (`arith`).
pub(super) const ANY: u8 = 0;
pub(super) const ARITH: u8 = ADD;

fn binop_prec(op: BinOp) -> u8 {
    match op {
        BinOp::Add | BinOp::Sub => ADD,
        BinOp::Mul | BinOp::Div => MUL,
    }
}

/// The spellings of an operator; the first is the one printed when the source gives none.
fn binop_spellings(op: BinOp) -> &'static [&'static str] {
    match op {
        BinOp::Add => &["+", "＋"],
        BinOp::Sub => &["-", "−", "－"],
        BinOp::Mul => &["×", "*", "·"],
        BinOp::Div => &["÷", "/"],
    }
}

/// How tightly an expression binds. A `若 … 否则 x` is a value like a name: whether its last
/// branch would take in what follows depends on what follows, and a tree read from text has the
/// parentheses it needs.
fn prec(e: &Expr) -> u8 {
    match &e.node {
        ExprKind::Logic(LogicOp::Or, ..) => OR,
        ExprKind::Logic(LogicOp::And, ..) => AND,
        ExprKind::Not(_) => NOT,
        ExprKind::Compare(..) => COMPARE,
        ExprKind::Binary(op, ..) => binop_prec(*op),
        ExprKind::Neg(_) => NEG,
        ExprKind::Index(..) | ExprKind::Member(..) => POSTFIX,
        _ => PRIMARY,
    }
}

impl Printer<'_> {
    /// An expression where at least `min` binds.
    pub(super) fn expr(&mut self, e: &Expr, min: u8) {
        crate::depth::with_stack(|| self.expr_at(e, min));
    }

    fn expr_at(&mut self, e: &Expr, min: u8) {
        if prec(e) < min {
            self.open("(", true);
            self.expr(e, ANY);
            self.g(")");
            return;
        }
        self.expr_node(e);
    }

    /// An expression that is a child of what is being printed: its comments and line breaks
    /// first.
    pub(super) fn sub(&mut self, e: &Expr, min: u8) {
        self.child(e.span.start);
        self.expr(e, min);
        self.done(e.span.end);
    }

    fn expr_node(&mut self, e: &Expr) {
        match &e.node {
            ExprKind::Quantity(_) | ExprKind::Text(_) | ExprKind::Bool(_) | ExprKind::Date(_) => {
                let text = self.slice(e.span);
                self.w(text);
            }
            ExprKind::Name(n) => self.w(n),
            ExprKind::Paren(inner) => {
                self.open("(", true);
                self.sub(inner, ANY);
                self.lead(e.span.end);
                self.g(")");
            }
            ExprKind::Neg(inner) => {
                self.open("-", true);
                self.sub(inner, NEG);
            }
            ExprKind::Not(inner) => {
                let word = self.k("非", "not");
                self.w(word);
                self.sub(inner, NOT);
            }
            ExprKind::Where(inner) => {
                let word = self.k("当", "when");
                self.w(word);
                self.sub(inner, ANY);
            }
            ExprKind::Binary(op, l, r) => {
                let p = binop_prec(*op);
                self.sub(l, p);
                self.lead(r.span.start);
                let gap = self.gap_word(l.span.end, r.span.start);
                let spellings = binop_spellings(*op);
                let symbol = spellings
                    .iter()
                    .copied()
                    .find(|s| *s == gap)
                    .or_else(|| spellings.first().copied())
                    .unwrap_or_default();
                self.w(symbol);
                self.sub(r, p + 1);
            }
            ExprKind::Logic(op, l, r) => {
                let p = if *op == LogicOp::Or { OR } else { AND };
                self.sub(l, p);
                self.lead(r.span.start);
                let word = match op {
                    LogicOp::And => self.k("且", "and"),
                    LogicOp::Or => self.k("或", "or"),
                };
                self.w(word);
                self.sub(r, p + 1);
            }
            ExprKind::Compare(cmp, l, r) => {
                self.sub(l, ARITH);
                self.lead(r.span.start);
                if cmp.postfix {
                    self.sub(r, ARITH);
                    self.lead(e.span.end);
                    self.postfix_word(cmp, r);
                } else {
                    self.w(&cmp.word);
                    self.sub(r, ARITH);
                }
            }
            ExprKind::If(c, a, b) => {
                let (kif, kthen, kelse) =
                    (self.k("若", "if"), self.k("则", "then"), self.k("否则", "else"));
                self.w(kif);
                self.sub(c, ANY);
                self.token(kthen, &["则", "then"], a.span.start, false);
                self.sub(a, ANY);
                self.token(kelse, &["否则", "else"], b.span.start, false);
                self.sub(b, ANY);
            }
            ExprKind::Call(f, args) => {
                self.w(&f.node);
                self.done(f.span.end);
                self.lead(args.first().map_or(e.span.end, |a| a.span.start));
                self.open("(", false);
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        self.token(",", &[",", "，", "、"], a.span.start, true);
                    }
                    self.sub(a, ANY);
                }
                self.lead(e.span.end);
                self.g(")");
            }
            ExprKind::Index(base, index) => {
                self.sub(base, POSTFIX);
                self.lead(index.span.start);
                self.open("[", false);
                self.sub(index, ANY);
                self.lead(e.span.end);
                self.g("]");
            }
            ExprKind::Member(base, name) => {
                self.sub(base, POSTFIX);
                self.lead(name.span.start);
                self.open(".", false);
                self.child(name.span.start);
                self.g(&name.node);
                self.done(name.span.end);
            }
            ExprKind::Tier(scrutinee, arms) => {
                let word = self.k("分档", "tier");
                self.w(word);
                self.sub(scrutinee, ARITH);
                self.tier_arms(scrutinee.span.end, e.span, arms);
            }
        }
    }

    fn tier_arms(&mut self, open: usize, whole: Span, arms: &[crate::ast::Node<TierArm>]) {
        let from = arms.last().map_or(open, |a| a.span.end);
        let close = self.close_brace(from, whole.end);
        let spans: Vec<Span> = arms.iter().map(|a| a.span).collect();
        self.block(open, close, &spans, Sep::Semi, |p, i| {
            if let Some(arm) = arms.get(i) {
                p.pattern(&arm.pattern.node, arm.pattern.span);
                p.lead(arm.value.span.start);
                p.g(":");
                p.sub(&arm.value, ANY);
            }
        });
    }

    /// What a tier arm or a grade band matches: `其他`, `≥ 90分`, `90分以上`, `优秀`.
    pub(super) fn pattern(&mut self, pattern: &Pattern, span: Span) {
        self.child(span.start);
        match pattern {
            Pattern::Otherwise => {
                let word = self.k("其他", "otherwise");
                self.w(word);
            }
            Pattern::Compare(cmp, value) => self.compared(cmp, value, span.end),
            Pattern::Equals(value) => self.sub(value, ARITH),
        }
        self.done(span.end);
    }

    /// A comparison with its left side left out, as in a pattern or a target: `≥ 90分` or
    /// `90分以上`.
    pub(super) fn compared(&mut self, cmp: &Cmp, value: &Expr, end: usize) {
        if cmp.postfix {
            self.sub(value, ARITH);
            self.lead(end);
            self.postfix_word(cmp, value);
        } else {
            self.lead(value.span.start);
            self.w(&cmp.word);
            self.sub(value, ARITH);
        }
    }

    /// `以上` after a number with its unit is written against it (`5家以上`); after anything
    /// else, and in English, it is a separate word.
    fn postfix_word(&mut self, cmp: &Cmp, threshold: &Expr) {
        if matches!(threshold.node, ExprKind::Quantity(_)) && !cmp.word.is_ascii() {
            self.g(&cmp.word);
        } else {
            self.w(&cmp.word);
        }
    }

    /// The word written between two children, comments and white space left out.
    pub(super) fn gap_word(&self, from: usize, to: usize) -> String {
        let text = self.src.get(from..to).unwrap_or("");
        let mut out = String::new();
        for line in text.split('\n') {
            let code = match line.find('#') {
                Some(i) => line.get(..i).unwrap_or(""),
                None => line,
            };
            let code = match code.find("//") {
                Some(i) => code.get(..i).unwrap_or(""),
                None => code,
            };
            let code = code.trim_matches(crate::parser::is_space);
            if !code.is_empty() {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(code);
            }
        }
        out
    }
}

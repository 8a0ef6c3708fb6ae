//! A compact, fully parenthesised rendering of expressions, for tests and debugging:
//! `市场主体数量 不低于 2万家` renders as `(≥ 市场主体数量 2万家)`.

use std::fmt::{self, Display, Formatter, Write as _};

use super::{Expr, ExprKind, LogicOp, Pattern};

/// Renders an expression as an S-expression.
pub fn sexpr(e: &Expr) -> String {
    let mut s = String::new();
    let _ = write!(s, "{}", Sexpr(e));
    s
}

struct Sexpr<'a>(&'a Expr);

impl Display for Sexpr<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.0.node {
            ExprKind::Quantity(q) => {
                write!(f, "{}", q.value)?;
                if let Some(u) = &q.unit {
                    write!(f, "{}", u.node)?;
                }
                Ok(())
            }
            ExprKind::Text(t) => write!(f, "\"{t}\""),
            ExprKind::Bool(b) => write!(f, "{}", if *b { "是" } else { "否" }),
            ExprKind::Date(d) => write!(f, "{:04}-{:02}-{:02}", d.year, d.month, d.day),
            ExprKind::Name(n) => write!(f, "{n}"),
            ExprKind::Paren(e) => write!(f, "{}", Sexpr(e)),
            ExprKind::Neg(e) => write!(f, "(- {})", Sexpr(e)),
            ExprKind::Where(e) => write!(f, "(当 {})", Sexpr(e)),
            ExprKind::Binary(op, l, r) => write!(f, "({} {} {})", op.symbol(), Sexpr(l), Sexpr(r)),
            ExprKind::Compare(c, l, r) => {
                write!(f, "({} {} {})", c.op.symbol(), Sexpr(l), Sexpr(r))
            }
            ExprKind::Logic(op, l, r) => {
                let w = if *op == LogicOp::And { "且" } else { "或" };
                write!(f, "({w} {} {})", Sexpr(l), Sexpr(r))
            }
            ExprKind::Not(e) => write!(f, "(非 {})", Sexpr(e)),
            ExprKind::If(c, t, e) => write!(f, "(若 {} {} {})", Sexpr(c), Sexpr(t), Sexpr(e)),
            ExprKind::Call(func, args) => {
                write!(f, "({}", func.node)?;
                for a in args {
                    write!(f, " {}", Sexpr(a))?;
                }
                write!(f, ")")
            }
            ExprKind::Index(b, i) => write!(f, "([] {} {})", Sexpr(b), Sexpr(i)),
            ExprKind::Member(b, m) => write!(f, "(. {} {})", Sexpr(b), m.node),
            ExprKind::Tier(s, arms) => {
                write!(f, "(分档 {}", Sexpr(s))?;
                for a in arms {
                    match &a.pattern.node {
                        Pattern::Otherwise => write!(f, " [其他 {}]", Sexpr(&a.value))?,
                        Pattern::Compare(c, v) => {
                            write!(f, " [{} {} {}]", c.op.symbol(), Sexpr(v), Sexpr(&a.value))?
                        }
                        Pattern::Equals(v) => write!(f, " [= {} {}]", Sexpr(v), Sexpr(&a.value))?,
                    }
                }
                write!(f, ")")
            }
        }
    }
}

//! The mistakes officers make that still check: rules that are well formed and well typed but
//! almost certainly not what the document says. Each is a warning at the place, with the fix.

use super::Checker;
use crate::ast::{AwardClause, BinOp, Expr, ExprKind, ItemKind, Node};
use crate::diagnostics::{Code, Diagnostic, Text};
use rust_decimal::Decimal;

/// Whether a quoted sentence states a percentage.
fn states_percent(quote: &str) -> bool {
    quote.contains('%') || quote.contains('％') || quote.contains("百分之")
}

/// Whether an expression is a number written with `%`.
fn is_percent(e: &Expr) -> bool {
    matches!(&e.node, ExprKind::Quantity(q) if q.unit.as_ref().is_some_and(|u| matches!(u.node.as_str(), "%" | "％")))
}

/// A number written without a unit, 1 or more: `25` in `费用 × 25`.
fn bare_number(e: &Expr) -> Option<Decimal> {
    match &e.node {
        ExprKind::Quantity(q) if q.unit.is_none() && q.value >= Decimal::ONE => Some(q.value),
        _ => None,
    }
}

/// Every expression inside `roots`, walked with a stack of its own.
fn all<'a>(roots: &[&'a Expr]) -> Vec<&'a Expr> {
    let mut out = Vec::new();
    let mut stack: Vec<&Expr> = roots.to_vec();
    while let Some(e) = stack.pop() {
        out.push(e);
        stack.extend(e.node.children());
    }
    out
}

impl Checker<'_> {
    /// Checks every award for the mistakes below.
    pub(super) fn mistakes(&mut self) {
        let items = self.scope.items.clone();
        for (item, _) in items {
            let ItemKind::Award(a) = &item.node.kind else { continue };
            let mut quotes: Vec<&Node<String>> =
                item.node.citations.iter().filter_map(|c| c.node.quote.as_ref()).collect();
            for c in &a.clauses {
                if let AwardClause::Citation(c) = &c.node
                    && let Some(q) = &c.quote
                {
                    quotes.push(q);
                }
            }
            let mut amounts: Vec<&Expr> = Vec::new();
            for c in &a.clauses {
                if let AwardClause::Amount { value, exceptions } = &c.node {
                    amounts.push(value);
                    amounts.extend(exceptions.iter().map(|x| &x.node.value));
                }
            }
            self.rate_without_percent(&a.name.node, &amounts, &quotes);
        }
    }

    /// `金额 费用 × 25` where the document speaks of a percentage: the quote states one, or a
    /// sibling branch of the same amount multiplies by one.
    fn rate_without_percent(&mut self, award: &str, amounts: &[&Expr], quotes: &[&Node<String>]) {
        let exprs = all(amounts);
        let sibling = exprs.iter().find(|e| is_percent(e)).map(|e| e.span);
        let quoted = quotes.iter().find(|q| states_percent(&q.node)).map(|q| q.span);
        let Some(evidence) = sibling.or(quoted) else { return };
        for e in &exprs {
            let ExprKind::Binary(BinOp::Mul, l, r) = &e.node else { continue };
            // The bare number, and the operand it is.
            let (number, at) = match (bare_number(l), bare_number(r)) {
                (Some(n), None) => (n, l),
                (None, Some(n)) => (n, r),
                _ => continue,
            };
            let why = if sibling.is_some() {
                Text::new("同一金额的另一处写了百分号", "another branch of the amount has its `%`")
            } else {
                Text::new("引用的原文是百分比", "the quoted clause states a percentage")
            };
            self.push(
                Diagnostic::new(
                    Code::RateWithoutPercent,
                    Text::new(
                        format!("`{award}` 的金额乘以 `{number}`，像是漏写了 `%`"),
                        format!(
                            "the amount of `{award}` is multiplied by `{number}`, which looks like a rate without its `%`"
                        ),
                    ),
                )
                .at(self.loc(at.span), Text::new("这里没有单位", "no unit here"))
                .also(self.loc(evidence), why)
                .help(Text::new(
                    format!("比例写作 `{number}%`；若确实是 {number} 倍，写作 `{number}倍`"),
                    format!(
                        "write a rate as `{number}%`; if the amount really is {number} times its base, write `{number}倍`"
                    ),
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Quantity;
    use crate::source::Span;

    fn q(value: i64, unit: Option<&str>) -> Expr {
        let unit = unit.map(|u| Node::new(u.to_string(), Span::default()));
        Node::new(
            ExprKind::Quantity(Quantity { value: Decimal::from(value), unit }),
            Span::default(),
        )
    }

    #[test]
    fn bare_numbers_and_percentages() {
        assert_eq!(bare_number(&q(25, None)), Some(Decimal::from(25)));
        assert_eq!(bare_number(&q(0, None)), None);
        assert_eq!(bare_number(&q(25, Some("%"))), None);
        assert!(is_percent(&q(25, Some("%"))));
        assert!(!is_percent(&q(25, Some("元"))));
        assert!(states_percent("按实际发生费用的30%进行补助"));
        assert!(!states_percent("给予一次性奖励50万元"));
    }
}

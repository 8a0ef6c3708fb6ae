//! Rule checks: tiers and grades cover every case and reach every arm, exceptions do not
//! conflict, and every rule deciding money, eligibility or a score cites its clause.

use super::Checker;
use super::types::Ty;
use crate::ast::{
    AwardClause, CmpOp, CondBody, CondGroup, Exception, Expr, ExprKind, ItemKind, Node, Pattern,
    Policy,
};
use crate::diagnostics::{Code, Diagnostic, Text};
use crate::source::Span;

impl Checker<'_> {
    /// Whether the tiers `seen` name every value of an enumeration or both yes and no.
    fn all_values_listed(&self, ty: Ty, seen: &[&Expr]) -> bool {
        match ty {
            Ty::Enum(e) => self.scope.enums.get(e).is_some_and(|info| {
                info.values.iter().all(|v| {
                    seen.iter().any(|s| matches!(&strip(s).node, ExprKind::Name(n) if n == v))
                })
            }),
            Ty::Bool => {
                let has = |b: bool| {
                    seen.iter().any(|s| matches!(strip(s).node, ExprKind::Bool(x) if x == b))
                };
                has(true) && has(false)
            }
            _ => false,
        }
    }

    /// Warns about arms after `其他`, a `其他` after tiers naming every value, and tiers that
    /// can fall through every arm.
    pub(super) fn tier_coverage<'a>(
        &mut self,
        patterns: impl Iterator<Item = &'a Node<Pattern>>,
        ty: Ty,
        at: Span,
    ) {
        let mut otherwise = false;
        let mut seen: Vec<&Expr> = Vec::new();
        let mut unreachable = Vec::new();
        let mut redundant = None;
        for p in patterns {
            if otherwise {
                unreachable.push(p.span);
                continue;
            }
            match &p.node {
                Pattern::Otherwise => {
                    // Every value already has its own tier: `其他` is never chosen.
                    if self.all_values_listed(ty, &seen) {
                        redundant = Some(p.span);
                    }
                    otherwise = true;
                }
                Pattern::Equals(v) => {
                    if seen.iter().any(|s| same(s, v)) {
                        unreachable.push(p.span);
                    }
                    seen.push(v);
                }
                Pattern::Compare(..) => {}
            }
        }
        for span in unreachable {
            self.push(
                Diagnostic::new(
                    Code::TierUnreachable,
                    Text::new("此档永远不会被选中", "this tier can never be chosen"),
                )
                .at(self.loc(span), Text::new("前面的档已覆盖此情形", "earlier tiers already match"))
                .help(Text::new(
                    "分档按顺序取第一个匹配的档；把此档移到 `其他` 之前，或删除重复的档",
                    "tiers are tried in order and the first match wins; move it before `otherwise` or remove the duplicate",
                )),
            );
        }
        if let Some(span) = redundant {
            self.push(
                Diagnostic::new(
                    Code::TierUnreachable,
                    Text::new("此档永远不会被选中", "this tier can never be chosen"),
                )
                .at(
                    self.loc(span),
                    Text::new("前面的档已列出每一种取值", "earlier tiers name every value"),
                )
                .help(Text::new(
                    "每一种取值都有自己的档，删除 `其他` 这一档",
                    "every value has its own tier: remove the `其他` tier",
                )),
            );
        }
        if otherwise {
            return;
        }
        if !(ty == Ty::Unknown || self.all_values_listed(ty, &seen)) {
            self.push(
                Diagnostic::new(
                    Code::TierNoFallback,
                    Text::new("分档没有覆盖所有情形", "the tiers do not cover every case"),
                )
                .at(
                    self.loc(at),
                    Text::new("此值可能不落入任何一档", "this value may match no tier"),
                )
                .help(Text::new(
                    "加上 `其他: …` 作为最后一档，写明其余情形的结果",
                    "add a last tier `otherwise: …` saying what happens in every other case",
                )),
            );
        }
    }

    pub(super) fn rules(&mut self, policy: &Policy) {
        let items = self.scope.items.clone();
        for (item, _) in items {
            let kind = &item.node.kind;
            match kind {
                ItemKind::Let(l) => self.exceptions(&l.value, &l.exceptions),
                ItemKind::Condition(c) => self.group_exceptions(&c.group.node),
                ItemKind::Award(a) => {
                    for c in &a.clauses {
                        if let AwardClause::Amount { value, exceptions } = &c.node {
                            self.exceptions(value, exceptions);
                            self.unrounded_division(value);
                            for ex in exceptions {
                                self.unrounded_division(&ex.node.value);
                            }
                        }
                        if let AwardClause::Cap(cap) = &c.node {
                            self.unrounded_division(cap);
                        }
                    }
                }
                _ => {}
            }
            let decides = matches!(
                kind,
                ItemKind::Condition(_)
                    | ItemKind::Award(_)
                    | ItemKind::Indicators(_)
                    | ItemKind::Score(_)
                    | ItemKind::Grade(_)
                    | ItemKind::Status(_)
            );
            let cited = !item.node.citations.is_empty()
                || matches!(kind, ItemKind::Award(a) if a.clauses.iter().any(|c| matches!(c.node, AwardClause::Citation(_))));
            if decides
                && !cited
                && let Some(name) = kind.name()
            {
                let d = Diagnostic::new(
                    Code::MissingCitation,
                    Text::new(
                        format!("规则 `{}` 没有注明出自文件哪一条", name.node),
                        format!("the rule `{}` does not cite the clause it encodes", name.node),
                    ),
                )
                .at(self.loc(name.span), Text::new("缺少条款引用", "no citation"))
                .help(Text::new(
                    "在规则前加上条款引用和原文，如 `§ 五(三) 「……」`",
                    "put the clause and its sentence before the rule, e.g. `§ 五(三) 「…」`",
                ));
                self.push(d);
            }
        }
        let _ = policy;
    }

    /// An amount computed with a division that does not terminate, outside any rounding.
    fn unrounded_division(&mut self, e: &Expr) {
        if let Some(span) = division_outside_rounding(e) {
            let d = Diagnostic::new(
                Code::UnroundedDivision,
                Text::new(
                    "金额由除法算出，却没有写明取整",
                    "this amount comes from a division, but no rounding is written",
                ),
            )
            .at(self.loc(span), Text::new("结果可能是无限小数", "the result may not terminate"))
            .help(Text::new(
                "用 `取整`、`向下取整` 或 `向上取整` 写明取整到哪一位，如 `向下取整(…, 0.01元)`",
                "write the rounding with `round`, `round_down` or `round_up` and its step, e.g. `round_down(…, 0.01元)`",
            ));
            self.push(d);
        }
    }

    fn group_exceptions(&mut self, g: &CondGroup) {
        for item in &g.items {
            match &item.node.body {
                CondBody::Group(inner) => self.group_exceptions(&inner.node),
                CondBody::Expr { expr, exceptions } => self.exceptions(expr, exceptions),
            }
        }
    }

    /// Two exceptions conflict when both can apply to one case and give different results.
    fn exceptions(&mut self, _default: &Expr, list: &[Node<Exception>]) {
        for (i, a) in list.iter().enumerate() {
            for b in list.iter().skip(i + 1) {
                if same(&a.node.value, &b.node.value) || disjoint(&a.node.cond, &b.node.cond) {
                    continue;
                }
                let d = Diagnostic::new(
                    Code::ConflictingExceptions,
                    Text::new(
                        "两个例外可能同时适用，结果却不同",
                        "two exceptions can apply to the same case with different results",
                    ),
                )
                .at(self.loc(b.span), Text::new("此例外", "this exception"))
                .also(self.loc(a.span), Text::new("与此例外冲突", "conflicts with this one"))
                .help(Text::new(
                    "让两个例外的条件互斥（如 `级别 = 省级` 与 `级别 = 国家级`），或合并成一个",
                    "make the conditions exclusive (e.g. `level = 省级` and `level = 国家级`) or merge them",
                ));
                self.push(d);
            }
        }
    }
}

/// An expression without its outer parentheses.
fn strip(e: &Expr) -> &Expr {
    match &e.node {
        ExprKind::Paren(inner) => strip(inner),
        _ => e,
    }
}

/// Equal as written (ignoring spans and parentheses).
fn same(a: &Expr, b: &Expr) -> bool {
    strip(a).node == strip(b).node
}

fn conjuncts(e: &Expr) -> Vec<&Expr> {
    match &strip(e).node {
        ExprKind::Logic(crate::ast::LogicOp::And, l, r) => {
            let mut v = conjuncts(l);
            v.extend(conjuncts(r));
            v
        }
        _ => vec![strip(e)],
    }
}

/// Whether two conditions can never both hold, as far as a simple reading shows.
fn disjoint(a: &Expr, b: &Expr) -> bool {
    let (ca, cb) = (conjuncts(a), conjuncts(b));
    ca.iter().any(|x| cb.iter().any(|y| atoms_disjoint(x, y)))
}

fn atoms_disjoint(x: &Expr, y: &Expr) -> bool {
    if let ExprKind::Not(inner) = &x.node
        && same(inner, y)
    {
        return true;
    }
    if let ExprKind::Not(inner) = &y.node
        && same(inner, x)
    {
        return true;
    }
    match (equality(x), equality(y)) {
        (Some((n1, v1)), Some((n2, v2))) => n1 == n2 && !same(v1, v2),
        _ => false,
    }
}

/// `name = value` (either way round), where value is a literal or an enumeration value.
fn equality(e: &Expr) -> Option<(&str, &Expr)> {
    let ExprKind::Compare(cmp, l, r) = &e.node else { return None };
    if cmp.op != CmpOp::Eq {
        return None;
    }
    let literal = |v: &Expr| {
        matches!(
            strip(v).node,
            ExprKind::Quantity(_) | ExprKind::Text(_) | ExprKind::Bool(_) | ExprKind::Name(_)
        )
    };
    match (&strip(l).node, &strip(r).node) {
        (ExprKind::Name(n), _) if literal(r) => Some((n.as_str(), strip(r))),
        (_, ExprKind::Name(n)) if literal(l) => Some((n.as_str(), strip(l))),
        _ => None,
    }
}

/// The span of a division inside `e` that is not under a rounding function and whose divisor is
/// not a literal that divides evenly (only prime factors 2 and 5).
fn division_outside_rounding(e: &Expr) -> Option<Span> {
    match &e.node {
        ExprKind::Call(f, args) => {
            let rounds = matches!(
                crate::checker::lookup_builtin(&f.node).map(|b| b.0),
                Some(
                    crate::checker::Builtin::Round
                        | crate::checker::Builtin::RoundDown
                        | crate::checker::Builtin::RoundUp
                )
            );
            if rounds { None } else { args.iter().find_map(division_outside_rounding) }
        }
        ExprKind::Binary(crate::ast::BinOp::Div, l, r) => {
            if terminating_divisor(r) {
                division_outside_rounding(l)
            } else {
                Some(e.span)
            }
        }
        ExprKind::Binary(_, l, r) | ExprKind::Compare(_, l, r) | ExprKind::Logic(_, l, r) => {
            division_outside_rounding(l).or_else(|| division_outside_rounding(r))
        }
        ExprKind::Paren(x) | ExprKind::Neg(x) | ExprKind::Not(x) => division_outside_rounding(x),
        ExprKind::If(c, t, f) => division_outside_rounding(c)
            .or_else(|| division_outside_rounding(t))
            .or_else(|| division_outside_rounding(f)),
        ExprKind::Tier(s, arms) => division_outside_rounding(s)
            .or_else(|| arms.iter().find_map(|a| division_outside_rounding(&a.node.value))),
        _ => None,
    }
}

/// A literal divisor whose only prime factors are 2 and 5 (in its own unit): the quotient ends.
fn terminating_divisor(e: &Expr) -> bool {
    let ExprKind::Quantity(q) = &strip(e).node else { return false };
    let Ok(unit) = crate::units::parse_unit(q.unit.as_ref().map_or("", |u| u.node.as_str()))
        .or_else(|_| crate::units::parse_unit("倍"))
    else {
        return false;
    };
    let Ok(mut n) = unit.to_base(q.value) else { return false };
    n = n.normalize();
    // A decimal divisor m / 10^k terminates exactly when m has no prime factor but 2 and 5.
    let mut m = n.mantissa().unsigned_abs();
    if m == 0 {
        return false;
    }
    while m % 2 == 0 {
        m /= 2;
    }
    while m % 5 == 0 {
        m /= 5;
    }
    m == 1
}

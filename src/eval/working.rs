//! The working of one subject's outcome: every value a rule names or computes on the way, each by
//! a name a report can be asked for (`科技成果转化补助.比例`), with the clause it cites.
//!
//! Worked out only when asked for ([`Evaluator::show_working`]: `eval --working`, `explain`, the
//! 计算依据, CSV columns naming a value): after the rules are evaluated,
//! from their details and the definitions already worked out, so that the outcome itself is the
//! same with or without it. What is named:
//!
//! - every rule of the subject's kind, and every definition its rules read (fields, parameters,
//!   named values, the document's constants), by its own name (the document's own rules, the
//!   same for every subject, are the report's `policy_rules`);
//! - for an award `A`: `A.符合条件`, `A.首次符合年份` (an award eligible but paid in an earlier
//!   year: `一次性`, `每年 连续 N年`), `A.条件N` (its N-th `当` clause), `A.例外` (the exception of
//!   the amount that applied, by position), `A.比例` and `A.基数` (the rate and the base of an
//!   amount written as a product), `A.计算金额` (before the cap), `A.上限`, `A.达到上限` (at the
//!   cap or over it), `A.核减`, `A.金额`;
//! - for a condition `C`: each item `C.项` (nested groups `C.组.项`), `C.满足项数`,
//!   `C.需满足项数`, `C.项数`;
//! - for an indicator table `T`: each indicator `T.指标` with `T.指标.目标` and `T.指标.达标`,
//!   `T.达标项数`, `T.指标项数`, `T.门槛`;
//! - for a score sheet `S`: each part `S.部分` (nested `S.节.项`);
//! - for a grade `G`: `G.档线`, the threshold of the band chosen;
//! - inside any formula of rule `R`: each computed part by its text, `R.措施得分 × 80%`,
//!   `R.连续年数(考核结果 = 优秀)` (a yearly function is one value: its argument is not named).
//!
//! A comparison carries its margin: left minus right (percentage points between percentages),
//! positive above the threshold, negative below it.

use std::collections::BTreeSet;

use super::outcome::{Detail, GroupResult, PartResult, RuleOutcome};
use super::value::V;
use super::{Evaluator, Frame};
use crate::ast::{AwardClause, BinOp, Expr, ExprKind, ItemKind, Pattern};
use crate::checker::Builtin;
use crate::checker::scope::{DefId, DefSource};

/// One named value of a subject's working.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    /// The name a report asks for it by: a definition's own name, or `RULE.PART`.
    pub name: String,
    pub value: V,
    /// The clause it cites: its own (a condition item's, an indicator's), else its rule's.
    pub clause: Option<String>,
    /// For a comparison: left minus right, positive when above.
    pub margin: Option<V>,
}

/// The names given so far and the values under them.
struct Out {
    values: Vec<Named>,
    seen: BTreeSet<String>,
}

impl Out {
    fn push(&mut self, name: String, value: V, clause: Option<&str>, margin: Option<V>) {
        if self.seen.insert(name.clone()) {
            self.values.push(Named { name, value, clause: clause.map(str::to_string), margin });
        }
    }
}

impl Evaluator<'_, '_> {
    /// Works out the values of `rules` (one subject's, in `year`) in `frame`, whose
    /// definitions are already evaluated; problems met on the way are not reported (the
    /// evaluation reported its own).
    pub(super) fn working(
        &self,
        frame: &mut Frame<'_>,
        rules: &[RuleOutcome],
        year: u16,
    ) -> Vec<Named> {
        let mut out = Out { values: Vec::new(), seen: BTreeSet::new() };
        for r in rules {
            let Some(d) = self.checked.scope.defs.get(r.def) else { continue };
            let DefSource::Item(item) = d.source else { continue };
            // The document's own rules (outside any `对于`) are the same for every subject and
            // reported once (`policy_rules`): a subject's working names those its rules read.
            if d.subject.is_none() {
                continue;
            }
            let name = d.name.as_str();
            let clause = rule_clause(item);
            out.push(name.to_string(), r.value.clone(), clause, None);
            match (&item.node.kind, &r.detail) {
                (ItemKind::Let(l), _) => {
                    let _ =
                        self.exception_taken(frame, &l.exceptions, name, clause, year, &mut out);
                    self.parts_of(frame, &l.value, name, clause, year, &mut out, true);
                    for ex in &l.exceptions {
                        self.parts_of(frame, &ex.node.cond, name, clause, year, &mut out, false);
                    }
                }
                (ItemKind::Award(a), detail) => {
                    let result = match detail {
                        Detail::Award(x) => Some(x),
                        _ => None,
                    };
                    out.push(
                        format!("{name}.符合条件"),
                        result.map_or(V::Missing, |x| V::Bool(x.eligible)),
                        clause,
                        None,
                    );
                    // Eligible, but paid in another year (`一次性`, `每年 连续 N年`): the year
                    // it was first due.
                    if let Some(n) = result.and_then(|x| x.not_this_year.as_ref()) {
                        let first = match n {
                            super::outcome::NotThisYear::PaidIn(y) => *y,
                            super::outcome::NotThisYear::Ended { first, .. } => *first,
                        };
                        out.push(format!("{name}.首次符合年份"), V::Year(first), clause, None);
                    }
                    let mut n = 0;
                    for c in &a.clauses {
                        if let AwardClause::When(e) = &c.node {
                            n += 1;
                            let (v, margin) = self.value_and_margin(frame, e, year);
                            out.push(format!("{name}.条件{n}"), v, clause, margin);
                            self.parts_of(frame, e, name, clause, year, &mut out, false);
                        }
                    }
                    for c in &a.clauses {
                        match &c.node {
                            AwardClause::Amount { value, exceptions } => {
                                let taken = self.exception_taken(
                                    frame, exceptions, name, clause, year, &mut out,
                                );
                                // The rate and base of the formula that applied.
                                let chosen = taken
                                    .and_then(|i| exceptions.get(i))
                                    .map_or(value, |ex| &ex.node.value);
                                self.rate_and_base(frame, chosen, name, clause, year, &mut out);
                                self.parts_of(frame, value, name, clause, year, &mut out, false);
                                for ex in exceptions {
                                    self.parts_of(
                                        frame,
                                        &ex.node.cond,
                                        name,
                                        clause,
                                        year,
                                        &mut out,
                                        false,
                                    );
                                    self.parts_of(
                                        frame,
                                        &ex.node.value,
                                        name,
                                        clause,
                                        year,
                                        &mut out,
                                        false,
                                    );
                                }
                            }
                            AwardClause::Cap(e) => {
                                let cap = self.quiet(frame, e, year);
                                let base = result.map_or(V::Missing, |x| x.base.clone());
                                let over = self.difference(frame, &base, &cap);
                                out.push(format!("{name}.计算金额"), base.clone(), clause, None);
                                out.push(format!("{name}.上限"), cap.clone(), clause, None);
                                out.push(
                                    format!("{name}.达到上限"),
                                    // Whether the cap bound is unknown when the cap or the
                                    // amount before it is.
                                    match (result, &base, &cap) {
                                        (Some(x), V::Num(..), V::Num(..)) => V::Bool(x.capped),
                                        _ => V::Missing,
                                    },
                                    clause,
                                    over,
                                );
                                self.parts_of(frame, e, name, clause, year, &mut out, false);
                            }
                            AwardClause::Reduce(e) => {
                                out.push(
                                    format!("{name}.核减"),
                                    self.quiet(frame, e, year),
                                    clause,
                                    None,
                                );
                                self.parts_of(frame, e, name, clause, year, &mut out, false);
                            }
                            _ => {}
                        }
                    }
                    out.push(
                        format!("{name}.计算金额"),
                        result.map_or(V::Missing, |x| x.base.clone()),
                        clause,
                        None,
                    );
                    out.push(format!("{name}.金额"), r.value.clone(), clause, None);
                }
                (ItemKind::Condition(c), Detail::Condition(g)) => {
                    self.group_working(g, name, clause, &mut out);
                    self.group_exprs(frame, &c.group.node, name, year, &mut out);
                }
                (ItemKind::Indicators(t), Detail::Indicators(res)) => {
                    for (ind, decl) in res.indicators.iter().zip(&t.indicators) {
                        let own = decl.node.citations.first().map(|c| c.node.clause.node.as_str());
                        let at = own.or(clause);
                        let first = ind.targets.first();
                        let margin =
                            first.and_then(|(c, _)| self.difference(frame, &c.left, &c.right));
                        let base = format!("{name}.{}", ind.name);
                        out.push(base.clone(), ind.value.clone(), at, margin);
                        if let Some((c, _)) = first {
                            out.push(format!("{base}.目标"), c.right.clone(), at, None);
                        }
                        out.push(
                            format!("{base}.达标"),
                            ind.met.map_or(V::Missing, V::Bool),
                            at,
                            None,
                        );
                    }
                    out.push(format!("{name}.达标项数"), count(res.met), clause, None);
                    out.push(format!("{name}.指标项数"), count(res.indicators.len()), clause, None);
                    if let Some(g) = res.gate {
                        let gate = count(usize::try_from(g).unwrap_or(usize::MAX));
                        let margin = self.difference(frame, &count(res.met), &gate);
                        out.push(format!("{name}.门槛"), gate, clause, margin);
                    }
                }
                (ItemKind::Score(_), Detail::Score(parts)) => {
                    score_working(parts, name, clause, &mut out);
                }
                (ItemKind::Grade(g), _) => {
                    let v = self.quiet(frame, &g.value, year);
                    self.parts_of(frame, &g.value, name, clause, year, &mut out, false);
                    self.band_line(frame, g, &v, name, clause, year, &mut out);
                }
                (ItemKind::Status(s), _) => {
                    self.parts_of(frame, &s.cond, name, clause, year, &mut out, true);
                }
                _ => {}
            }
        }
        out.values
    }

    /// `e` in `year`, missing when it cannot be worked out (the problem is not reported).
    fn quiet(&self, frame: &mut Frame<'_>, e: &Expr, year: u16) -> V {
        let before = frame.diags.len();
        let v = self.eval(frame, e, year).unwrap_or(V::Missing);
        frame.diags.truncate(before);
        v
    }

    /// `a − b` for two numbers (percentage points between percentages, years between years).
    fn difference(&self, frame: &mut Frame<'_>, a: &V, b: &V) -> Option<V> {
        let numbers = matches!(
            (a, b),
            (V::Num(..), V::Num(..)) | (V::Year(_), V::Year(_)) | (V::Year(_), V::Num(..))
        );
        if !numbers {
            return None;
        }
        let before = frame.diags.len();
        let v =
            self.binary(frame, BinOp::Sub, a.clone(), b.clone(), crate::source::Span::default());
        frame.diags.truncate(before);
        v.ok().filter(|v| !matches!(v, V::Missing))
    }

    /// The value of `e` and, for a comparison, its margin.
    fn value_and_margin(&self, frame: &mut Frame<'_>, e: &Expr, year: u16) -> (V, Option<V>) {
        let v = self.quiet(frame, e, year);
        let mut inner = e;
        while let ExprKind::Paren(x) = &inner.node {
            inner = x;
        }
        let margin = match &inner.node {
            ExprKind::Compare(_, l, r) => {
                let a = self.quiet(frame, l, year);
                let b = self.quiet(frame, r, year);
                self.difference(frame, &a, &b)
            }
            _ => None,
        };
        (v, margin)
    }

    /// `NAME.例外`: the position (from 1) of the exception that applied (0: none), when there
    /// are any; the exception's index is returned.
    fn exception_taken(
        &self,
        frame: &mut Frame<'_>,
        exceptions: &[crate::ast::Node<crate::ast::Exception>],
        name: &str,
        clause: Option<&str>,
        year: u16,
        out: &mut Out,
    ) -> Option<usize> {
        if exceptions.is_empty() {
            return None;
        }
        let mut taken = V::Num(rust_decimal::Decimal::ZERO, crate::units::Dim::NUMBER);
        let mut index = None;
        for (i, ex) in exceptions.iter().enumerate() {
            match self.quiet(frame, &ex.node.cond, year).as_bool() {
                Some(true) => {
                    taken = count(i + 1);
                    index = Some(i);
                    break;
                }
                Some(false) => {}
                None => {
                    taken = V::Missing;
                    break;
                }
            }
        }
        out.push(format!("{name}.例外"), taken, clause, None);
        index
    }

    /// `NAME.比例` and `NAME.基数` of an amount written as a product (inside a rounding or
    /// not): the rate is the factor that is a percentage, a plain number or a rate per unit
    /// (money per ㎡ per year); the base is the product of the others.
    fn rate_and_base(
        &self,
        frame: &mut Frame<'_>,
        amount: &Expr,
        name: &str,
        clause: Option<&str>,
        year: u16,
        out: &mut Out,
    ) {
        let mut e = amount;
        loop {
            match &e.node {
                ExprKind::Paren(x) => e = x,
                ExprKind::Call(f, args)
                    if matches!(
                        crate::checker::lookup_builtin(&f.node).map(|b| b.0),
                        Some(Builtin::Round | Builtin::RoundDown | Builtin::RoundUp)
                    ) =>
                {
                    match args.first() {
                        Some(x) => e = x,
                        None => return,
                    }
                }
                _ => break,
            }
        }
        let mut factors = Vec::new();
        let mut stack = vec![e];
        while let Some(x) = stack.pop() {
            match &x.node {
                ExprKind::Binary(BinOp::Mul, l, r) => {
                    stack.push(r);
                    stack.push(l);
                }
                ExprKind::Paren(inner)
                    if matches!(inner.node, ExprKind::Binary(BinOp::Mul, ..)) =>
                {
                    stack.push(inner);
                }
                _ => factors.push(x),
            }
        }
        if factors.len() < 2 {
            return;
        }
        let values: Vec<V> = factors.iter().map(|f| self.quiet(frame, f, year)).collect();
        let money = crate::units::Dim::MONEY;
        let is_rate = |v: &V| match v {
            V::Num(_, d) => {
                d.is_dimensionless() || (*d != money && d.exponent(crate::units::Base::Money) > 0)
            }
            _ => false,
        };
        let Some(at) = values.iter().position(is_rate) else { return };
        let mut base: Option<V> = None;
        for (i, v) in values.iter().enumerate() {
            if i == at {
                continue;
            }
            base = Some(match base {
                None => v.clone(),
                Some(b) => {
                    let before = frame.diags.len();
                    let p = self
                        .binary(frame, BinOp::Mul, b, v.clone(), amount.span)
                        .unwrap_or(V::Missing);
                    frame.diags.truncate(before);
                    p
                }
            });
        }
        let rate = values.get(at).cloned().unwrap_or(V::Missing);
        out.push(format!("{name}.比例"), rate, clause, None);
        out.push(format!("{name}.基数"), base.unwrap_or(V::Missing), clause, None);
    }

    /// Every part of `e` a reader checks: the definitions it reads (by their names), each
    /// computed part by its text under `rule` (comparisons with their margin). A yearly
    /// function, a value read at another year and a part of a definition are one value each.
    /// `skip_root`: `e` is the rule's own value, already named.
    #[expect(clippy::too_many_arguments, reason = "the expression, its rule and where to write")]
    fn parts_of(
        &self,
        frame: &mut Frame<'_>,
        e: &Expr,
        rule: &str,
        clause: Option<&str>,
        year: u16,
        out: &mut Out,
        skip_root: bool,
    ) {
        let mut stack = vec![(e, skip_root)];
        while let Some((x, skip)) = stack.pop() {
            let descend = match &x.node {
                ExprKind::Quantity(_)
                | ExprKind::Text(_)
                | ExprKind::Bool(_)
                | ExprKind::Date(_) => false,
                ExprKind::Name(n) => {
                    if let Some(def) = self.lookup(n) {
                        let v = self.quiet(frame, x, year);
                        out.push(n.clone(), v, self.def_clause(def).as_deref(), None);
                    }
                    false
                }
                ExprKind::Paren(_) => true,
                ExprKind::Call(f, args)
                    if self.checked.scope.aggregated_kind(self.subject, args).is_some() =>
                {
                    // An aggregation over members: its value, and for an allocation each
                    // member's turn; its arguments are the members', not the owner's.
                    if !skip {
                        let v = self.quiet(frame, x, year);
                        out.push(self.part_name(rule, x), v, clause, None);
                    }
                    self.allocation_parts(frame, &f.node, args, rule, clause, year, out);
                    false
                }
                ExprKind::Call(f, _) => {
                    if !skip {
                        let v = self.quiet(frame, x, year);
                        out.push(self.part_name(rule, x), v, clause, None);
                    }
                    !matches!(
                        crate::checker::lookup_builtin(&f.node).map(|b| b.0),
                        Some(
                            Builtin::Cumulative
                                | Builtin::Previous
                                | Builtin::Growth
                                | Builtin::ConsecutiveYears
                        )
                    )
                }
                ExprKind::Index(..) | ExprKind::Member(..) => {
                    if !skip {
                        let v = self.quiet(frame, x, year);
                        out.push(self.part_name(rule, x), v, clause, None);
                    }
                    false
                }
                ExprKind::Compare(..) => {
                    if !skip {
                        let (v, margin) = self.value_and_margin(frame, x, year);
                        out.push(self.part_name(rule, x), v, clause, margin);
                    }
                    true
                }
                _ => {
                    if !skip {
                        let v = self.quiet(frame, x, year);
                        out.push(self.part_name(rule, x), v, clause, None);
                    }
                    true
                }
            };
            if descend {
                let children = x.node.children();
                let paren = matches!(x.node, ExprKind::Paren(_));
                for c in children.into_iter().rev() {
                    stack.push((c, paren && skip));
                }
            }
        }
    }

    /// Each member's turn in an allocation (`依次分配`), in the order taken:
    /// `RULE.合同 A.应付(区级补助)` (its amount at each level), `RULE.合同 A.余额(区级补助)` (what
    /// was left of each level's cap before it), `RULE.合同 A.支付` and `RULE.合同 A.支付级别`.
    #[expect(clippy::too_many_arguments, reason = "the call, its rule and where to write")]
    fn allocation_parts(
        &self,
        frame: &mut Frame<'_>,
        func: &str,
        args: &[Expr],
        rule: &str,
        clause: Option<&str>,
        year: u16,
        out: &mut Out,
    ) {
        if !matches!(crate::checker::lookup_builtin(func).map(|b| b.0), Some(Builtin::Allocate)) {
            return;
        }
        let Some(kind) = self.checked.scope.aggregated_kind(self.subject, args) else { return };
        let Some(set) = self.members.iter().find(|m| m.kind == kind) else { return };
        let (values, cond) = match args.split_last() {
            Some((last, rest)) => match &last.node {
                ExprKind::Where(c) => (rest, Some(&**c)),
                _ => (args, None),
            },
            None => return,
        };
        let before = frame.diags.len();
        let steps = self.allocation(frame, set, values, cond, crate::source::Span::default(), year);
        frame.diags.truncate(before);
        let Ok(Some((steps, dim))) = steps else { return };
        let levels: Vec<String> = values
            .iter()
            .skip(1)
            .step_by(2)
            .map(|a| match &a.node {
                ExprKind::Member(_, field) => field.node.clone(),
                _ => self.file().slice(a.span).to_string(),
            })
            .collect();
        for s in &steps {
            let who = format!("{rule}.{} {}", set.name, s.member);
            for (i, level) in levels.iter().enumerate() {
                let due = s.due.get(i).map_or(V::Missing, |n| V::Num(*n, dim));
                out.push(format!("{who}.应付({level})"), due, clause, None);
                let left = s.before.get(i).map_or(V::Missing, |n| V::Num(*n, dim));
                out.push(format!("{who}.余额({level})"), left, clause, None);
            }
            out.push(format!("{who}.支付"), V::Num(s.paid, dim), clause, None);
            let level = levels.get(s.level).cloned().unwrap_or_default();
            out.push(format!("{who}.支付级别"), V::Text(level), clause, None);
        }
    }

    /// `RULE.TEXT`: a part of a formula by its text, spaces and line breaks as one space.
    fn part_name(&self, rule: &str, e: &Expr) -> String {
        let text = self.file().slice(e.span);
        let text: Vec<&str> = text.split_whitespace().collect();
        format!("{rule}.{}", text.join(" "))
    }

    /// The clause a definition cites, if any.
    fn def_clause(&self, def: DefId) -> Option<String> {
        match self.checked.scope.defs.get(def)?.source {
            DefSource::Item(item) => rule_clause(item).map(str::to_string),
            DefSource::Field(_) => None,
        }
    }

    /// The items of a condition's groups, by their expressions (the parts they compute).
    fn group_exprs(
        &self,
        frame: &mut Frame<'_>,
        g: &crate::ast::CondGroup,
        name: &str,
        year: u16,
        out: &mut Out,
    ) {
        for item in &g.items {
            let own = item.node.citations.first().map(|c| c.node.clause.node.clone());
            match &item.node.body {
                crate::ast::CondBody::Group(inner) => {
                    let path = format!("{name}.{}", item.node.name.node);
                    crate::depth::with_stack(|| {
                        self.group_exprs(frame, &inner.node, &path, year, out);
                    });
                }
                crate::ast::CondBody::Expr { expr, exceptions } => {
                    let path = format!("{name}.{}", item.node.name.node);
                    let at = own.as_deref();
                    self.parts_of(frame, expr, &path, at, year, out, true);
                    for ex in exceptions {
                        self.parts_of(frame, &ex.node.value, &path, at, year, out, true);
                    }
                }
            }
        }
    }

    /// `G.档线`: the threshold of the band a grade chose, with the margin over it.
    #[expect(clippy::too_many_arguments, reason = "the grade, its value and where to write")]
    fn band_line(
        &self,
        frame: &mut Frame<'_>,
        g: &crate::ast::GradeDecl,
        v: &V,
        name: &str,
        clause: Option<&str>,
        year: u16,
        out: &mut Out,
    ) {
        if matches!(v, V::Missing) {
            return;
        }
        for band in &g.bands {
            let before = frame.diags.len();
            let chosen = self.matches(frame, &band.node.pattern.node, v, year).unwrap_or(false);
            frame.diags.truncate(before);
            if !chosen {
                continue;
            }
            if let Pattern::Compare(_, e) = &band.node.pattern.node {
                let line = self.quiet(frame, e, year);
                let margin = self.difference(frame, v, &line);
                out.push(format!("{name}.档线"), line, clause, margin);
            }
            return;
        }
    }
}

/// A count of items.
fn count(n: usize) -> V {
    V::Num(rust_decimal::Decimal::from(n), crate::units::Dim::NUMBER)
}

/// The clause an item cites: its own citation, else an award's `§` clause.
fn rule_clause(item: &crate::ast::Node<crate::ast::Item>) -> Option<&str> {
    let own = item.node.citations.first().map(|c| c.node.clause.node.as_str());
    own.or_else(|| match &item.node.kind {
        ItemKind::Award(a) => a.clauses.iter().find_map(|c| match &c.node {
            AwardClause::Citation(c) => Some(c.clause.node.as_str()),
            _ => None,
        }),
        _ => None,
    })
}

/// Each item of a condition group, with its margin; the count met, needed and written.
impl Evaluator<'_, '_> {
    fn group_working(&self, g: &GroupResult, name: &str, clause: Option<&str>, out: &mut Out) {
        for item in &g.items {
            let path = format!("{name}.{}", item.name);
            let margin = item.comparison.as_ref().and_then(|c| {
                let mut scratch = Frame::new(&EMPTY_RECORD, None, false);
                self.difference(&mut scratch, &c.left, &c.right)
            });
            out.push(path.clone(), item.met.map_or(V::Missing, V::Bool), clause, margin);
            if let Some(i) = item.exception {
                out.push(format!("{path}.例外"), count(i + 1), clause, None);
            }
            if let Some(inner) = &item.group {
                crate::depth::with_stack(|| self.group_working(inner, &path, clause, out));
            }
        }
        let held = g.items.iter().filter(|i| i.met == Some(true)).count();
        out.push(format!("{name}.满足项数"), count(held), clause, None);
        out.push(format!("{name}.需满足项数"), count(g.need), clause, None);
        out.push(format!("{name}.项数"), count(g.items.len()), clause, None);
    }
}

static EMPTY_RECORD: crate::data::Record =
    crate::data::Record { key: String::new(), fields: Vec::new() };

/// Each part of a score sheet by its path.
fn score_working(parts: &[PartResult], name: &str, clause: Option<&str>, out: &mut Out) {
    for p in parts {
        let path = format!("{name}.{}", p.name);
        out.push(path.clone(), p.points.clone(), clause, None);
        crate::depth::with_stack(|| score_working(&p.parts, &path, clause, out));
    }
}

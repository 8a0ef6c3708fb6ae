//! Explanations: how one value of one subject was derived, as a tree of the definitions and
//! data it used, each with its formula and the clause it cites.

use super::value::V;
use super::{Evaluator, Frame};
use crate::ast::{AwardClause, Expr, ExprKind, ItemKind, Pattern};
use crate::checker::scope::{DefId, DefSource};
use crate::data::Record;

/// What a node of an explanation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A datum of the subject.
    Input,
    /// A field the data leaves empty, which takes the default its declaration gives (`= 0元`).
    Default,
    /// A parameter supplied with the data.
    Param,
    /// A rule or named value of the policy.
    Rule,
}

/// One step of a derivation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub def: DefId,
    pub name: String,
    pub value: V,
    pub source: Source,
    /// The declaration as written (without its citations), for rules.
    pub formula: Option<String>,
    pub clause: Option<String>,
    pub quote: Option<String>,
    pub children: Vec<Step>,
}

/// How deep an explanation goes.
const MAX_DEPTH: usize = 16;

impl Evaluator<'_, '_> {
    /// The derivation of `def` for `record` in `year`.
    pub fn explain(&self, record: &Record, year: Option<u16>, def: DefId) -> Step {
        let mut frame = Frame::new(record, year, false);
        let mut seen = Vec::new();
        self.step(&mut frame, def, year.unwrap_or(0), 0, &mut seen)
    }

    /// Whether the subject's data gives field `def` no value in `year`.
    fn data_missing(&self, frame: &Frame<'_>, def: DefId, year: u16) -> bool {
        let slot = self.slots.get(def).copied().flatten();
        match slot.and_then(|s| frame.record.fields.get(s)) {
            None | Some(crate::data::Value::Missing) => true,
            Some(crate::data::Value::Series(by_year)) => {
                by_year.get(&year).is_none_or(crate::data::Value::is_missing)
            }
            Some(_) => false,
        }
    }

    fn step(
        &self,
        frame: &mut Frame<'_>,
        def: DefId,
        year: u16,
        depth: usize,
        seen: &mut Vec<DefId>,
    ) -> Step {
        let value = self.def_at(frame, def, year).unwrap_or(V::Missing);
        let scope = &self.checked.scope;
        let name = scope.defs.get(def).map(|d| d.name.clone()).unwrap_or_default();
        let item = match scope.defs.get(def).map(|d| d.source) {
            Some(DefSource::Item(i)) => i,
            source => {
                // An empty cell of a field with a default: the default, said as such.
                let defaulted = matches!(source, Some(DefSource::Field(f)) if f.node.default.is_some())
                    && self.data_missing(frame, def, year);
                return Step {
                    def,
                    name,
                    value,
                    source: if defaulted { Source::Default } else { Source::Input },
                    formula: None,
                    clause: None,
                    quote: None,
                    children: Vec::new(),
                };
            }
        };
        if let ItemKind::Param(_) = item.node.kind {
            return Step {
                def,
                name,
                value,
                source: Source::Param,
                formula: None,
                clause: None,
                quote: None,
                children: Vec::new(),
            };
        }
        let text = &self.policy.file;
        let start = item.node.citations.last().map_or(item.span.start, |c| c.span.end);
        let formula = text.text.get(start..item.span.end).map(|s| s.trim().to_string());
        let citation =
            item.node.citations.first().map(|c| &c.node).or_else(|| match &item.node.kind {
                ItemKind::Award(a) => a.clauses.iter().find_map(|c| match &c.node {
                    AwardClause::Citation(c) => Some(c),
                    _ => None,
                }),
                _ => None,
            });
        let mut children = Vec::new();
        if depth < MAX_DEPTH && !seen.contains(&def) {
            seen.push(def);
            let mut refs = Vec::new();
            for e in exprs(&item.node.kind) {
                collect(e, &mut refs);
            }
            let mut done: Vec<DefId> = Vec::new();
            for n in refs {
                if let Some(d) = self.lookup(&n)
                    && d != def
                    && !done.contains(&d)
                {
                    done.push(d);
                    children.push(self.step(frame, d, year, depth + 1, seen));
                }
            }
            seen.pop();
        }
        Step {
            def,
            name,
            value,
            source: Source::Rule,
            formula,
            clause: citation.map(|c| c.clause.node.clone()),
            quote: citation.and_then(|c| c.quote.as_ref().map(|q| q.node.clone())),
            children,
        }
    }
}

/// The expressions of a declaration, in the order written.
pub(super) fn exprs(kind: &ItemKind) -> Vec<&Expr> {
    let mut out = Vec::new();
    match kind {
        ItemKind::Let(l) => {
            out.push(&l.value);
            for e in &l.exceptions {
                out.push(&e.node.cond);
                out.push(&e.node.value);
            }
        }
        ItemKind::Condition(c) => cond_exprs(&c.group.node, &mut out),
        ItemKind::Award(a) => {
            for c in &a.clauses {
                match &c.node {
                    AwardClause::When(e) | AwardClause::Cap(e) | AwardClause::Reduce(e) => {
                        out.push(e)
                    }
                    AwardClause::Amount { value, exceptions } => {
                        out.push(value);
                        for e in exceptions {
                            out.push(&e.node.cond);
                            out.push(&e.node.value);
                        }
                    }
                    _ => {}
                }
            }
        }
        ItemKind::Grade(g) => {
            out.push(&g.value);
            for b in &g.bands {
                if let Pattern::Compare(_, e) | Pattern::Equals(e) = &b.node.pattern.node {
                    out.push(e);
                }
            }
        }
        ItemKind::Status(s) => out.push(&s.cond),
        ItemKind::Indicators(t) => {
            for i in &t.indicators {
                out.push(&i.node.value);
            }
        }
        ItemKind::Score(s) => score_exprs(&s.parts, &mut out),
        ItemKind::Budget(b) => out.push(&b.total),
        ItemKind::Stated(s) => out.push(&s.computed),
        ItemKind::Share(s) => {
            out.push(&s.value);
            out.extend(&s.of);
        }
        _ => {}
    }
    out
}

fn cond_exprs<'a>(g: &'a crate::ast::CondGroup, out: &mut Vec<&'a Expr>) {
    for i in &g.items {
        match &i.node.body {
            crate::ast::CondBody::Group(inner) => cond_exprs(&inner.node, out),
            crate::ast::CondBody::Expr { expr, exceptions } => {
                out.push(expr);
                for e in exceptions {
                    out.push(&e.node.cond);
                    out.push(&e.node.value);
                }
            }
        }
    }
}

fn score_exprs<'a>(parts: &'a [crate::ast::Node<crate::ast::ScorePart>], out: &mut Vec<&'a Expr>) {
    use crate::ast::{ScorePart, Scoring};
    for p in parts {
        match &p.node {
            ScorePart::Section(s) => score_exprs(&s.parts, out),
            ScorePart::Item(i) => match &i.scoring.node {
                Scoring::Criteria(cs) => out.extend(cs.iter().map(|c| &c.node.cond)),
                Scoring::Ratio { value, .. } | Scoring::Given { value, .. } => out.push(value),
                Scoring::Deductions(ds) => out.extend(ds.iter().map(|d| &d.node.value)),
            },
        }
    }
}

/// The names an expression refers to, in order.
pub(super) fn collect(e: &Expr, out: &mut Vec<String>) {
    match &e.node {
        ExprKind::Name(n) => out.push(n.clone()),
        ExprKind::Paren(x) | ExprKind::Neg(x) | ExprKind::Not(x) => collect(x, out),
        ExprKind::Binary(_, l, r)
        | ExprKind::Compare(_, l, r)
        | ExprKind::Logic(_, l, r)
        | ExprKind::Index(l, r) => {
            collect(l, out);
            collect(r, out);
        }
        ExprKind::If(c, t, f) => {
            collect(c, out);
            collect(t, out);
            collect(f, out);
        }
        ExprKind::Call(_, args) => args.iter().for_each(|a| collect(a, out)),
        ExprKind::Member(b, _) => collect(b, out),
        ExprKind::Tier(s, arms) => {
            collect(s, out);
            for a in arms {
                if let Pattern::Compare(_, v) | Pattern::Equals(v) = &a.node.pattern.node {
                    collect(v, out);
                }
                collect(&a.node.value, out);
            }
        }
        ExprKind::Quantity(_) | ExprKind::Text(_) | ExprKind::Bool(_) | ExprKind::Date(_) => {}
    }
}

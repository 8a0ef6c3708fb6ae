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
    /// The year the value was read in, when not the evaluation year (`研发费用[认定年份 -
    /// 1年]`, `上年(x)`, each year a total or a streak reads).
    pub year: Option<u16>,
    pub children: Vec<Step>,
}

/// A field the data leaves empty behind a missing result ([`Evaluator::empty_inputs`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmptyInput {
    /// The field.
    pub field: DefId,
    /// The year it was read in, when not the evaluation year.
    pub year: Option<u16>,
    /// The member that leaves it empty, for a member kind's field read by an aggregation.
    pub member: Option<String>,
}

/// How many years of a total or a streak an explanation lists at most (the latest).
const MAX_YEARS_SHOWN: u16 = 50;

/// How deep an explanation goes.
pub(super) const MAX_DEPTH: usize = 16;

impl Evaluator<'_, '_> {
    /// The derivation of `def` for `record` in `year`.
    pub fn explain(&self, record: &Record, year: Option<u16>, def: DefId) -> Step {
        let mut frame = Frame::new(record, year, false);
        let mut seen = Vec::new();
        self.step(&mut frame, def, year.unwrap_or(0), 0, &mut seen)
    }

    /// For each of `roots` (rules of the subject whose value is missing), the fields its
    /// derivation reads that the data leaves empty, reached through missing values only, each
    /// with the year it was read in when not the evaluation year: what [`Evaluator::explain`]'s
    /// tree shows as missing inputs, found without building the tree (no text, and no branch
    /// whose value is known), over one evaluation of the subject.
    pub fn empty_inputs(
        &self,
        record: &Record,
        year: Option<u16>,
        roots: &[DefId],
    ) -> Vec<Vec<EmptyInput>> {
        let mut frame = Frame::new(record, year, false);
        roots
            .iter()
            .map(|root| {
                let mut out = Vec::new();
                let mut seen = Vec::new();
                self.empty_walk(&mut frame, *root, year.unwrap_or(0), 0, &mut seen, &mut out);
                out
            })
            .collect()
    }

    /// [`Evaluator::empty_inputs`] below expression `e`, evaluated in `frame` in `year`: the
    /// names it reads, and the members its aggregations read.
    pub(super) fn empty_expr(
        &self,
        frame: &mut Frame<'_>,
        e: &Expr,
        year: u16,
        depth: usize,
        out: &mut Vec<EmptyInput>,
    ) {
        let mut refs = Vec::new();
        self.reads(frame, e, year, &mut refs);
        let mut seen = Vec::new();
        let mut done: Vec<(DefId, u16)> = Vec::new();
        for (n, y) in refs {
            if let Some(d) = self.lookup(&n)
                && !done.contains(&(d, y))
            {
                done.push((d, y));
                self.empty_walk(frame, d, y, depth + 1, &mut seen, out);
            }
        }
        self.empty_members(frame, e, year, depth, out);
    }

    /// [`Evaluator::empty_inputs`] below `def` read in `year`, as [`Evaluator::step`] goes.
    fn empty_walk(
        &self,
        frame: &mut Frame<'_>,
        def: DefId,
        year: u16,
        depth: usize,
        seen: &mut Vec<DefId>,
        out: &mut Vec<EmptyInput>,
    ) {
        if self.def_at(frame, def, year).unwrap_or(V::Missing) != V::Missing {
            return;
        }
        let shifted = frame.year.filter(|y| *y != year).map(|_| year);
        let item = match self.checked.scope.defs.get(def).map(|d| d.source) {
            Some(DefSource::Item(i)) => i,
            Some(DefSource::Field(f)) => {
                // A field with a default holds it when empty: never a missing input.
                let input = EmptyInput { field: def, year: shifted, member: None };
                if f.node.default.is_none() && !out.contains(&input) {
                    out.push(input);
                }
                return;
            }
            None => return,
        };
        if matches!(item.node.kind, ItemKind::Param(_))
            || depth >= MAX_DEPTH
            || seen.contains(&def)
            || shifted.is_some()
        {
            return;
        }
        seen.push(def);
        let mut refs = Vec::new();
        for e in exprs(&item.node.kind) {
            self.reads(frame, e, year, &mut refs);
        }
        let mut done: Vec<(DefId, u16)> = Vec::new();
        for (n, y) in refs {
            if let Some(d) = self.lookup(&n)
                && (d, y) != (def, year)
                && !done.contains(&(d, y))
            {
                done.push((d, y));
                self.empty_walk(frame, d, y, depth + 1, seen, out);
            }
        }
        // The members' empty fields behind an aggregation over them (`合计(合同.金额)`).
        for e in exprs(&item.node.kind) {
            self.empty_members(frame, e, year, depth, out);
        }
        seen.pop();
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
        let shifted = frame.year.filter(|y| *y != year).map(|_| year);
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
                    year: shifted,
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
                year: shifted,
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
        // A rule read in another year is shown with its value and formula; its own derivation
        // is that year's explanation (`--year`), which would repeat the tree once per year.
        if depth < MAX_DEPTH && !seen.contains(&def) && shifted.is_none() {
            seen.push(def);
            // Each name at the year it is read in: a value read in another year is shown
            // with that year's value.
            let mut refs = Vec::new();
            for e in exprs(&item.node.kind) {
                self.reads(frame, e, year, &mut refs);
            }
            let mut done: Vec<(DefId, u16)> = Vec::new();
            for (n, y) in refs {
                if let Some(d) = self.lookup(&n)
                    && (d, y) != (def, year)
                    && !done.contains(&(d, y))
                {
                    done.push((d, y));
                    children.push(self.step(frame, d, y, depth + 1, seen));
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
            year: shifted,
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

impl Evaluator<'_, '_> {
    /// The names `e` reads when evaluated in `year`, each with the year it reads it in: an
    /// index (`x[认定年份 - 1年]`) at the year it gives, `上年(x)` the year before, `增长率(x)`
    /// both, `累计(x, 起)` each year of its span and `连续年数(c)` each year back to the one that
    /// ended the streak (the latest [`MAX_YEARS_SHOWN`] of them).
    fn reads(&self, frame: &mut Frame<'_>, e: &Expr, year: u16, out: &mut Vec<(String, u16)>) {
        crate::depth::with_stack(|| self.reads_node(frame, e, year, out));
    }

    fn reads_node(&self, frame: &mut Frame<'_>, e: &Expr, year: u16, out: &mut Vec<(String, u16)>) {
        use crate::checker::Builtin;
        let mut sub = |this: &Self, frame: &mut Frame<'_>, x: &Expr, y: u16| {
            this.reads(frame, x, y, out);
        };
        match &e.node {
            ExprKind::Name(n) => out.push((n.clone(), year)),
            ExprKind::Index(base, index) => {
                sub(self, frame, index, year);
                let at = self.quiet_value(frame, index, year).as_year().unwrap_or(year);
                sub(self, frame, base, at);
            }
            ExprKind::Call(func, args) if frame.year.is_some() => {
                let builtin = crate::checker::lookup_builtin(&func.node).map(|b| b.0);
                let first = args.first();
                match (builtin, first) {
                    (Some(Builtin::Previous), Some(x)) => {
                        sub(self, frame, x, year.saturating_sub(1));
                    }
                    (Some(Builtin::Growth), Some(x)) => {
                        sub(self, frame, x, year);
                        sub(self, frame, x, year.saturating_sub(1));
                    }
                    (Some(Builtin::Cumulative), Some(x)) => {
                        let from = match args.get(1) {
                            Some(f) => {
                                sub(self, frame, f, year);
                                self.quiet_value(frame, f, year).as_year()
                            }
                            None => frame.first_year,
                        };
                        let from = from
                            .unwrap_or(year)
                            .max(year.saturating_sub(MAX_YEARS_SHOWN.saturating_sub(1)));
                        for y in from..=year {
                            sub(self, frame, x, y);
                        }
                    }
                    (Some(Builtin::ConsecutiveYears), Some(c)) => {
                        // The years the streak holds, and the one before that ended it.
                        let n = self.quiet_value(frame, e, year).as_num();
                        let n = n.and_then(|n| u16::try_from(super::value::whole(n)?).ok());
                        let back = n.unwrap_or(0).min(MAX_YEARS_SHOWN.saturating_sub(1));
                        for k in 0..=back {
                            let Some(y) = year.checked_sub(k) else { break };
                            if frame.first_year.is_some_and(|f| y < f) {
                                break;
                            }
                            sub(self, frame, c, y);
                        }
                    }
                    _ => args.iter().for_each(|a| sub(self, frame, a, year)),
                }
            }
            ExprKind::Paren(x) | ExprKind::Neg(x) | ExprKind::Not(x) | ExprKind::Where(x) => {
                sub(self, frame, x, year)
            }
            ExprKind::Binary(_, l, r) | ExprKind::Compare(_, l, r) | ExprKind::Logic(_, l, r) => {
                sub(self, frame, l, year);
                sub(self, frame, r, year);
            }
            ExprKind::If(c, t, f) => {
                sub(self, frame, c, year);
                sub(self, frame, t, year);
                sub(self, frame, f, year);
            }
            ExprKind::Call(_, args) => args.iter().for_each(|a| sub(self, frame, a, year)),
            // `合同.金额` read for a 合同 (inside an aggregation over members): its own field.
            ExprKind::Member(b, m) if self.own_kind_named(b) => out.push((m.node.clone(), year)),
            ExprKind::Member(b, _) => sub(self, frame, b, year),
            ExprKind::Tier(scrutinee, arms) => {
                sub(self, frame, scrutinee, year);
                for a in arms {
                    if let Pattern::Compare(_, v) | Pattern::Equals(v) = &a.node.pattern.node {
                        sub(self, frame, v, year);
                    }
                    sub(self, frame, &a.node.value, year);
                }
            }
            ExprKind::Quantity(_) | ExprKind::Text(_) | ExprKind::Bool(_) | ExprKind::Date(_) => {}
        }
    }

    /// The value of `e` in `year`, what its evaluation reports left out (the explanation
    /// reports nothing of its own).
    pub(super) fn quiet_value(&self, frame: &mut Frame<'_>, e: &Expr, year: u16) -> V {
        let before = frame.diags.len();
        let v = self.eval(frame, e, year).unwrap_or(V::Missing);
        frame.diags.truncate(before);
        v
    }
}

/// The names an expression refers to, in order.
pub(super) fn collect(e: &Expr, out: &mut Vec<String>) {
    match &e.node {
        ExprKind::Name(n) => out.push(n.clone()),
        ExprKind::Paren(x) | ExprKind::Neg(x) | ExprKind::Not(x) | ExprKind::Where(x) => {
            collect(x, out)
        }
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

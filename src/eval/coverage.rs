//! Which rules and branches an evaluation exercised, for `zhengce test --coverage`.
//!
//! A branch is a place in the policy text (the start of the node that decides it) and which
//! way it went: a `若 … 则 … 否则` took its `则` or its `否则`; a tier arm or a grade band was
//! chosen; an exception applied, or the default did; a condition item, an award's `当`
//! clause, a criterion or an indicator held or did not; a cap bound or did not; an award paid
//! or did not. [`sites`] lists every branch a policy has, from its text alone; the evaluator
//! records the ones it takes in a [`Coverage`] when asked to, and [`Coverage::missing`] says
//! which no evaluation took.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use crate::ast::{
    AwardClause, CondBody, CondGroup, Exception, Expr, ExprKind, Item, ItemKind, Node, Policy,
    ScorePart, Scoring,
};
use crate::diagnostics::Text;
use crate::source::Span;

/// Which way a branch went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Branch {
    /// The rule was evaluated at all.
    Reached,
    /// `若 c 则 a 否则 b` took `a`.
    Then,
    /// `若 c 则 a 否则 b` took `b`.
    Else,
    /// A condition, `当` clause, criterion or indicator held.
    Held,
    /// A condition, `当` clause, criterion or indicator did not hold.
    NotHeld,
    /// A tier arm, grade band or exception was chosen.
    Chosen,
    /// No exception applied: the value written before them was used.
    Default,
    /// A cap bound: the amount was above it.
    Capped,
    /// A cap did not bind.
    Uncapped,
    /// An award paid a positive amount.
    Paid,
    /// An award paid nothing.
    NotPaid,
}

/// A branch taken: where it is decided and which way it went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Probe {
    /// The byte offset in the policy file where the deciding node starts.
    pub at: usize,
    pub branch: Branch,
}

impl Probe {
    pub fn new(at: Span, branch: Branch) -> Probe {
        Probe { at: at.start, branch }
    }
}

/// The branches taken by every evaluation that records into it; clones share one record, so
/// an evaluator on another thread may add to it.
#[derive(Clone, Debug, Default)]
pub struct Coverage(Arc<Mutex<BTreeSet<Probe>>>);

impl Coverage {
    pub fn new() -> Coverage {
        Coverage::default()
    }

    /// Adds the branches one evaluation took.
    pub fn add(&self, probes: impl IntoIterator<Item = Probe>) {
        if let Ok(mut set) = self.0.lock() {
            set.extend(probes);
        }
    }

    /// The branches taken so far.
    pub fn taken(&self) -> BTreeSet<Probe> {
        self.0.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// The sites of `policy` whose branch no evaluation took, in the order of the text.
    pub fn missing(&self, policy: &Policy) -> (Vec<Site>, usize) {
        let taken = self.taken();
        let all = sites(policy);
        let total = all.len();
        (all.into_iter().filter(|s| !taken.contains(&s.probe)).collect(), total)
    }
}

/// A branch a policy has: where, in which rule, and what it means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    pub probe: Probe,
    /// The span shown to people (the node that decides).
    pub span: Span,
    /// The rule it belongs to.
    pub rule: String,
    /// What taking it means, e.g. "the `否则` branch".
    pub what: Text,
}

/// Every branch of `policy`, in the order of the text.
pub fn sites(policy: &Policy) -> Vec<Site> {
    let mut out = Vec::new();
    for item in &policy.items {
        item_sites(item, &mut out);
    }
    out.sort_by_key(|s| s.probe);
    out.dedup_by_key(|s| s.probe);
    out
}

fn item_sites(item: &Node<Item>, out: &mut Vec<Site>) {
    let kind = &item.node.kind;
    if let ItemKind::For(block) = kind {
        for inner in &block.items {
            item_sites(inner, out);
        }
        return;
    }
    let Some(name) = kind.name() else { return };
    let mut s = Sites { rule: name.node.clone(), out };
    match kind {
        ItemKind::Let(l) => {
            s.push(name.span, Branch::Reached);
            s.exceptions(&l.value, &l.exceptions);
        }
        ItemKind::Condition(c) => {
            s.push(name.span, Branch::Reached);
            s.group(&c.group.node);
        }
        ItemKind::Indicators(t) => {
            s.push(name.span, Branch::Reached);
            for i in &t.indicators {
                // An indicator with no target is met whatever its value: it cannot fail.
                if i.node.targets.is_empty() {
                    s.push(i.node.name.span, Branch::Held);
                } else {
                    s.held(i.node.name.span);
                }
                s.expr(&i.node.value);
            }
        }
        ItemKind::Score(sc) => {
            s.push(name.span, Branch::Reached);
            s.score(&sc.parts);
        }
        ItemKind::Grade(g) => {
            s.push(name.span, Branch::Reached);
            s.expr(&g.value);
            for b in &g.bands {
                s.push(b.span, Branch::Chosen);
            }
        }
        ItemKind::Award(a) => {
            s.push(name.span, Branch::Reached);
            s.push(name.span, Branch::Paid);
            s.push(name.span, Branch::NotPaid);
            for c in &a.clauses {
                match &c.node {
                    AwardClause::When(e) => {
                        s.held(c.span);
                        s.expr(e);
                    }
                    AwardClause::Amount { value, exceptions } => s.exceptions(value, exceptions),
                    AwardClause::Cap(e) => {
                        s.push(c.span, Branch::Capped);
                        s.push(c.span, Branch::Uncapped);
                        s.expr(e);
                    }
                    AwardClause::Reduce(e) => s.expr(e),
                    _ => {}
                }
            }
        }
        ItemKind::Status(st) => {
            s.push(name.span, Branch::Reached);
            s.expr(&st.cond);
        }
        _ => {}
    }
}

/// Collects the sites of one rule.
struct Sites<'o> {
    rule: String,
    out: &'o mut Vec<Site>,
}

impl Sites<'_> {
    fn push(&mut self, span: Span, branch: Branch) {
        self.out.push(Site {
            probe: Probe::new(span, branch),
            span,
            rule: self.rule.clone(),
            what: describe(branch),
        });
    }

    fn held(&mut self, span: Span) {
        self.push(span, Branch::Held);
        self.push(span, Branch::NotHeld);
    }

    fn exceptions(&mut self, value: &Expr, exceptions: &[Node<Exception>]) {
        self.expr(value);
        if exceptions.is_empty() {
            return;
        }
        self.push(value.span, Branch::Default);
        for ex in exceptions {
            self.push(ex.span, Branch::Chosen);
            self.expr(&ex.node.cond);
            self.expr(&ex.node.value);
        }
    }

    fn group(&mut self, g: &CondGroup) {
        for item in &g.items {
            match &item.node.body {
                CondBody::Group(inner) => self.group(&inner.node),
                CondBody::Expr { expr, exceptions } => {
                    self.held(item.node.name.span);
                    self.exceptions(expr, exceptions);
                }
            }
        }
    }

    fn score(&mut self, parts: &[Node<ScorePart>]) {
        for p in parts {
            match &p.node {
                ScorePart::Section(sec) => self.score(&sec.parts),
                ScorePart::Item(i) => match &i.scoring.node {
                    Scoring::Criteria(cs) => {
                        for c in cs {
                            self.held(c.node.name.span);
                            self.expr(&c.node.cond);
                        }
                    }
                    Scoring::Ratio { value, .. } | Scoring::Given { value, .. } => self.expr(value),
                    Scoring::Deductions(ds) => {
                        for d in ds {
                            self.expr(&d.node.value);
                        }
                    }
                },
            }
        }
    }

    /// The `若` and `分档` inside an expression.
    fn expr(&mut self, e: &Expr) {
        crate::depth::with_stack(|| self.expr_node(e));
    }

    fn expr_node(&mut self, e: &Expr) {
        match &e.node {
            ExprKind::If(c, t, f) => {
                self.push(e.span, Branch::Then);
                self.push(e.span, Branch::Else);
                self.expr(c);
                self.expr(t);
                self.expr(f);
            }
            ExprKind::Tier(s, arms) => {
                self.expr(s);
                for arm in arms {
                    self.push(arm.span, Branch::Chosen);
                    self.expr(&arm.node.value);
                }
            }
            ExprKind::Paren(a) | ExprKind::Neg(a) | ExprKind::Not(a) | ExprKind::Where(a) => {
                self.expr(a)
            }
            ExprKind::Binary(_, a, b)
            | ExprKind::Compare(_, a, b)
            | ExprKind::Logic(_, a, b)
            | ExprKind::Index(a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Call(_, args) => args.iter().for_each(|a| self.expr(a)),
            ExprKind::Member(a, _) => self.expr(a),
            ExprKind::Quantity(_)
            | ExprKind::Text(_)
            | ExprKind::Bool(_)
            | ExprKind::Date(_)
            | ExprKind::Name(_) => {}
        }
    }
}

/// What taking a branch means, for the report.
fn describe(branch: Branch) -> Text {
    match branch {
        Branch::Reached => Text::new("从未计算", "never evaluated"),
        Branch::Then => Text::new("`则` 分支从未走到", "the `则` branch never taken"),
        Branch::Else => Text::new("`否则` 分支从未走到", "the `否则` branch never taken"),
        Branch::Held => Text::new("从未成立", "never holds"),
        Branch::NotHeld => {
            Text::new("始终成立，不成立的情形未测试", "always holds; never tested failing")
        }
        Branch::Chosen => Text::new("从未选中", "never chosen"),
        Branch::Default => Text::new(
            "总有例外适用，一般情形未测试",
            "an exception always applies; the general case is never tested",
        ),
        Branch::Capped => Text::new("上限从未起作用", "the cap never binds"),
        Branch::Uncapped => Text::new(
            "始终受上限约束，低于上限的情形未测试",
            "always capped; never tested below the cap",
        ),
        Branch::Paid => Text::new("从未发放", "never pays"),
        Branch::NotPaid => {
            Text::new("始终发放，不发放的情形未测试", "always pays; never tested paying nothing")
        }
    }
}

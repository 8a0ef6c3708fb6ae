//! The checker: everything that can be known about a policy before any data is involved.
//!
//! Passes, each in its own file: [`scope`] builds the symbol table; [`body`] checks each
//! definition, typing its expressions ([`infer`], with units from [`crate::units`]) and finding
//! definition cycles on the way; [`rules`] checks exceptions, tiers, gates and citations;
//! [`consistency`] evaluates the facts a document states (totals, stated amounts, ratios, shares,
//! score sections, caps against budget lines) with [`consteval`]; [`unused`] reports definitions
//! nothing uses. Every problem is a diagnostic; checking never stops at the first.

mod body;
mod builtins;
mod consistency;
mod consteval;
mod err;
mod fen;
pub mod figures;
mod imports;
mod infer;
mod mistakes;
mod rules;
pub mod scope;
pub mod types;
mod unused;

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::ast::Policy;
use crate::depth::MAX_REFERENCE_DEPTH;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Text};
use crate::source::{Loc, SourceFile, Span};
pub use builtins::{Builtin, CURRENT_YEAR, lookup as lookup_builtin};
pub use consteval::round_to;
use scope::{DefId, Scope, SubjectId};
use types::{EnumId, Ty};

/// The type of a definition or expression, and whether it has a value per year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Typed {
    pub ty: Ty,
    pub yearly: bool,
}

/// Where a definition is in being checked.
#[derive(Clone, Copy, Debug)]
enum State {
    Todo,
    InProgress,
    Done(Typed),
}

/// A checked policy: its symbol table and the type of each definition.
#[derive(Debug)]
pub struct Checked<'p> {
    pub scope: Scope<'p>,
    pub types: Vec<Typed>,
    /// The document's own figures by name (budgets, their parts, stated amounts, matching).
    pub figures: Vec<figures::Figure>,
    /// The member kind each aggregation over members reads (`合计(合同.金额)` → `合同`), and
    /// the builtin, by the call's span: resolved once here, read by the evaluator at each call.
    pub aggregations: foldhash::HashMap<Span, (SubjectId, Builtin)>,
}

/// Checks a parsed policy. Returns what the checker learnt and every diagnostic.
pub fn check(policy: &Policy) -> (Checked<'_>, Diagnostics) {
    let (scope, clashes, unknown_subjects) = Scope::build(policy);
    let n = scope.defs.len();
    let mut c = Checker {
        file: Arc::clone(&policy.file),
        scope,
        diags: Vec::new(),
        state: vec![State::Todo; n],
        stack: Vec::new(),
        cycles: BTreeSet::new(),
        used: vec![false; n],
        used_enums: BTreeSet::new(),
        constants: RefCell::new(HashMap::new()),
        figures: Vec::new(),
        aggregations: foldhash::HashMap::default(),
    };
    for clash in clashes {
        let d = err::duplicate(c.loc(clash.span), c.loc(clash.earlier), &clash.name);
        c.push(d);
    }
    // The field that links a member to its owner (`按 企业名称`) is one of the member's fields.
    for sub in &c.scope.subjects {
        if let Some((_, link)) = &sub.decl.owner
            && !sub.decl.fields.iter().any(|f| f.node.name.node == link.node)
        {
            let names: Vec<&str> =
                sub.decl.fields.iter().map(|f| f.node.name.node.as_str()).collect();
            let d = err::unknown_name(c.loc(link.span), &link.node, names);
            c.diags.push(d);
        }
    }
    for u in unknown_subjects {
        let names: Vec<&str> = c.scope.subject_names.keys().map(String::as_str).collect();
        let near =
            !crate::diagnostics::suggest::did_you_mean(&u.name, names.iter().copied()).is_empty();
        let declared: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        let mut d = err::unknown_name(c.loc(u.span), &u.name, names);
        d.code = Code::UnknownSubject;
        d.message =
            Text::new(format!("未知主体 `{}`", u.name), format!("unknown subject `{}`", u.name));
        if !near {
            let n = &u.name;
            let (zh, en) = if declared.is_empty() {
                (String::new(), String::new())
            } else {
                (
                    format!("；已声明的主体有 {}", declared.join("、")),
                    format!("; the subjects declared are {}", declared.join(", ")),
                )
            };
            d.help = Some(Text::new(
                format!("先用 `主体 {n} {{ … }}` 声明这种主体及其数据项{zh}"),
                format!("declare the subject and its fields first: `subject {n} {{ … }}`{en}"),
            ));
        }
        c.push(d);
    }
    for id in 0..n {
        c.ensure(id);
    }
    c.rules(policy);
    c.fen_fractions();
    c.mistakes();
    c.consistency();
    c.unused();
    let types = c
        .state
        .iter()
        .map(|s| match s {
            State::Done(t) => *t,
            _ => Typed { ty: Ty::Unknown, yearly: false },
        })
        .collect();
    let diags: Diagnostics = c.diags.into();
    (Checked { scope: c.scope, types, figures: c.figures, aggregations: c.aggregations }, diags)
}

/// The checker's working state.
struct Checker<'p> {
    file: Arc<SourceFile>,
    scope: Scope<'p>,
    diags: Vec<Diagnostic>,
    state: Vec<State>,
    /// The definitions being checked, innermost last: a reference to one of them is a cycle.
    stack: Vec<DefId>,
    /// Cycles already reported, as sorted sets of definitions.
    cycles: BTreeSet<Vec<DefId>>,
    used: Vec<bool>,
    used_enums: BTreeSet<EnumId>,
    /// The constant value of each definition computed so far (`None`: not a constant), so that
    /// definitions used many times are computed once.
    constants: RefCell<HashMap<DefId, Option<consteval::Val>>>,
    /// The document's own figures, recorded by the consistency checks.
    figures: Vec<figures::Figure>,
    /// See [`Checked::aggregations`].
    aggregations: foldhash::HashMap<Span, (SubjectId, Builtin)>,
}

impl<'p> Checker<'p> {
    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn loc(&self, span: Span) -> Loc {
        Loc::new(&self.file, span)
    }

    fn mark_used(&mut self, id: DefId) {
        if let Some(u) = self.used.get_mut(id) {
            *u = true;
        }
    }

    /// Checks a definition once.
    fn ensure(&mut self, id: DefId) {
        if matches!(self.state.get(id), Some(State::Todo)) {
            self.def_type(id, Span::default());
        }
    }

    /// The type of a definition, checking it first if needed. A reference (at `at`) to a
    /// definition still being checked closes a cycle, reported once.
    fn def_type(&mut self, id: DefId, at: Span) -> Typed {
        match self.state.get(id).copied() {
            Some(State::Done(t)) => t,
            Some(State::InProgress) => {
                self.report_cycle(id, at);
                Typed { ty: Ty::Unknown, yearly: false }
            }
            Some(State::Todo) if self.stack.len() >= MAX_REFERENCE_DEPTH => {
                self.report_too_deep(at);
                Typed { ty: Ty::Unknown, yearly: false }
            }
            Some(State::Todo) => {
                if let Some(s) = self.state.get_mut(id) {
                    *s = State::InProgress;
                }
                self.stack.push(id);
                let t = crate::depth::with_stack(|| self.check_def(id));
                self.stack.pop();
                if let Some(s) = self.state.get_mut(id) {
                    *s = State::Done(t);
                }
                t
            }
            None => Typed { ty: Ty::Unknown, yearly: false },
        }
    }

    /// A chain of definitions referring to each other longer than the evaluator follows,
    /// reported at the reference that makes it so, once.
    fn report_too_deep(&mut self, at: Span) {
        if self.diags.iter().any(|d| d.code == Code::NestingTooDeep) {
            return;
        }
        let first = self.stack.first().and_then(|d| self.scope.ident_of(*d)).map(|(n, _)| n);
        let d = Diagnostic::new(
            Code::NestingTooDeep,
            Text::new(
                format!("定义之间的引用超过 {MAX_REFERENCE_DEPTH} 层"),
                format!("definitions refer to each other more than {MAX_REFERENCE_DEPTH} deep"),
            ),
        )
        .at(self.loc(at), Text::new("此处超过上限", "the limit is passed here"))
        .help(Text::new(
            format!(
                "从 `{}` 起的引用链过长；计算时同样无法展开。请合并中间定义",
                first.unwrap_or_default()
            ),
            format!(
                "the chain of references from `{}` is longer than evaluation follows; merge some of the intermediate definitions",
                first.unwrap_or_default()
            ),
        ));
        self.push(d);
    }

    fn report_cycle(&mut self, id: DefId, at: Span) {
        let Some(pos) = self.stack.iter().position(|d| *d == id) else { return };
        let members: Vec<DefId> = self.stack.get(pos..).map(<[DefId]>::to_vec).unwrap_or_default();
        let mut key = members.clone();
        key.sort_unstable();
        if !self.cycles.insert(key) {
            return;
        }
        let names: Vec<String> = members
            .iter()
            .filter_map(|m| self.scope.ident_of(*m))
            .map(|(n, _)| format!("`{n}`"))
            .collect();
        let (first_name, _) = self.scope.ident_of(id).unwrap_or(("", Span::default()));
        let chain = format!("{} → `{first_name}`", names.join(" → "));
        let mut d = Diagnostic::new(
            Code::DefinitionCycle,
            Text::new(
                format!("定义循环引用：{chain}"),
                format!("definitions refer to each other in a cycle: {chain}"),
            ),
        )
        .at(self.loc(at), Text::new("此处引用形成循环", "this reference closes the cycle"));
        for m in &members {
            if let Some((n, span)) = self.scope.ident_of(*m) {
                d = d.also(
                    self.loc(span),
                    Text::new(format!("`{n}` 的定义"), format!("`{n}` is defined here")),
                );
            }
        }
        let d = d.help(Text::new(
            "每个值只能由在它之前可以算出的值得出；去掉循环中的一处引用",
            "a value can only be computed from values that do not depend on it; remove one reference of the cycle",
        ));
        self.push(d);
    }
}

/// Parses and checks policy sources: the diagnostics of both phases.
pub fn check_source(file: &Arc<SourceFile>) -> Diagnostics {
    let (policy, mut diags) = crate::parser::parse(file);
    if let Some(policy) = policy {
        let (_, more) = check(&policy);
        diags.extend(more);
        diags.extend(imports::check_imports(&policy));
    }
    diags
}

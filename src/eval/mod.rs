//! The evaluator: a checked policy applied to one subject's data, exactly.
//!
//! Evaluation is per subject and per evaluation year. Each definition is evaluated at most once
//! per year ([`Frame::memo`]); yearly functions (`上年`, `增长率`, `累计`, `连续年数`) evaluate
//! their argument in other years. Arithmetic is checked: an overflow or a division by zero is a
//! diagnostic naming the subject and the rule, and that rule's value is unknown.

pub mod coverage;
pub mod empty;
mod empty_members;
pub mod explain;
mod expr;
pub mod fen;
pub mod members;
pub mod outcome;
pub mod overflow;
pub mod pool;
mod rules;
pub(crate) use rules::points_value;
pub mod stack;
pub mod value;
pub mod working;
pub mod yearly;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::ast::{ItemKind, Policy};
use crate::checker::Checked;
use crate::checker::scope::{DefId, DefSource, SubjectId};
use crate::data::{Record, Value};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Text};
use crate::source::{Loc, SourceFile, Span};
use crate::units::Unit;
use coverage::{Branch, Coverage, Probe};
use outcome::{Detail, MemberOutcomes, RuleOutcome, SubjectOutcome};
use value::V;

/// How deeply definitions may call each other during evaluation (each level is a reference or
/// a year shift); deeper is `ZC0706`.
pub const MAX_DEPTH: usize = crate::depth::MAX_REFERENCE_DEPTH;

/// An error already reported as a diagnostic: evaluation of the current rule stops.
#[derive(Debug)]
pub(crate) struct Stop;

type R<T> = Result<T, Stop>;

/// A policy ready to evaluate subjects of one kind.
#[derive(Clone)]
pub struct Evaluator<'c, 'p> {
    policy: &'p Policy,
    checked: &'c Checked<'p>,
    subject: Option<SubjectId>,
    /// The slot in a record of each field definition, by definition id.
    slots: Vec<Option<usize>>,
    /// The definition each name visible to the subjects refers to (the subject's own names
    /// before the top level's), resolved once for every subject.
    names: foldhash::HashMap<&'c str, DefId>,
    /// The units written after numbers, parsed once.
    units: foldhash::HashMap<&'p str, Unit>,
    /// The rules reported for a subject ([`Evaluator::reported`]).
    reported: Vec<DefId>,
    /// Parameter values given with the data or on the command line, by name.
    params: BTreeMap<String, Value>,
    /// Where to record the branches taken, when asked ([`Evaluator::record_coverage`]).
    coverage: Option<Coverage>,
    /// Where the data should have given each parameter it leaves out
    /// ([`Evaluator::param_gaps`]).
    param_gaps: BTreeMap<String, Diagnostic>,
    /// Whether each outcome carries its working ([`Evaluator::show_working`]).
    working: bool,
    /// The members of each member kind, by owner ([`Evaluator::add_members`]).
    members: Vec<members::MemberSet<'c, 'p>>,
}

impl<'c, 'p> Evaluator<'c, 'p> {
    /// An evaluator for the subjects named `subject` (all rules outside `对于` blocks are
    /// evaluated too).
    pub fn new(
        policy: &'p Policy,
        checked: &'c Checked<'p>,
        subject: Option<SubjectId>,
        params: BTreeMap<String, Value>,
    ) -> Self {
        let scope = &checked.scope;
        let mut slots = vec![None; scope.defs.len()];
        if let Some(info) = subject.and_then(|s| scope.subjects.get(s)) {
            for (slot, def) in info.fields.iter().enumerate() {
                if let Some(s) = slots.get_mut(*def) {
                    *s = Some(slot);
                }
            }
        }
        let mut names: foldhash::HashMap<&'c str, DefId> = foldhash::HashMap::default();
        names.extend(scope.globals.iter().map(|(n, d)| (n.as_str(), *d)));
        if let Some(locals) = subject.and_then(|s| scope.locals.get(s)) {
            names.extend(locals.iter().map(|(n, d)| (n.as_str(), *d)));
        }
        let mut units = foldhash::HashMap::default();
        for d in &scope.defs {
            if let DefSource::Item(item) = d.source {
                for e in explain::exprs(&item.node.kind) {
                    units_of(e, &mut units);
                }
            }
        }
        let mut evaluator = Evaluator {
            policy,
            checked,
            subject,
            slots,
            names,
            units,
            reported: Vec::new(),
            params,
            coverage: None,
            param_gaps: BTreeMap::new(),
            working: false,
            members: Vec::new(),
        };
        evaluator.reported = evaluator.reported();
        evaluator
    }

    /// The definition `name` refers to from the subjects evaluated.
    fn lookup(&self, name: &str) -> Option<DefId> {
        self.names.get(name).copied()
    }

    /// Gives every later outcome its working: each value named by the rules, by name
    /// ([`working`]). Off by default: it costs a walk over every formula of every rule.
    pub fn show_working(&mut self, on: bool) {
        self.working = on;
    }

    /// Records the branches every later evaluation takes in `coverage`.
    pub fn record_coverage(&mut self, coverage: Coverage) {
        // The members' own rules record theirs in the same place.
        for set in &mut self.members {
            set.evaluator.record_coverage(coverage.clone());
        }
        self.coverage = Some(coverage);
    }

    /// Where the data file should have given each parameter it leaves out
    /// ([`crate::data::Dataset::param_gaps`]): a parameter without a value that a rule needs is
    /// reported there, rather than at its declaration alone.
    pub fn param_gaps(&mut self, gaps: &[(String, Diagnostic)]) {
        self.param_gaps = gaps.iter().cloned().collect();
    }

    fn file(&self) -> &Arc<SourceFile> {
        &self.policy.file
    }

    /// The rules reported for a subject: every named declaration of its scope and the top level
    /// that decides something or names a value, in declaration order.
    fn reported(&self) -> Vec<DefId> {
        // A member's stacking rules are among its values (its owner adds them up); an owner's
        // are applied by the reports ([`stack`]).
        let member = self.subject.is_some_and(|s| self.checked.scope.owner_of(s).is_some());
        self.checked
            .scope
            .defs
            .iter()
            .enumerate()
            .filter(|(_, d)| d.subject.is_none() || d.subject == self.subject)
            .filter(|(_, d)| match d.source {
                DefSource::Field(_) => false,
                DefSource::Item(i) => match i.node.kind {
                    ItemKind::Stack(_) => member && d.subject.is_some(),
                    ItemKind::Param(_)
                    | ItemKind::Import(_)
                    | ItemKind::Enum(_)
                    | ItemKind::Subject(_)
                    | ItemKind::For(_)
                    | ItemKind::Matching(_)
                    | ItemKind::Pool(_) => false,
                    _ => true,
                },
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// The value of a definition declared outside any `对于` block (it reads no subject's
    /// data) in `year`; `None` when evaluating it reports a problem, which each subject's
    /// evaluation then reports.
    pub fn constant(&self, def: DefId, year: Option<u16>) -> Option<V> {
        let defined = self.checked.scope.defs.get(def)?;
        if defined.subject.is_some() || matches!(defined.source, DefSource::Field(_)) {
            return None;
        }
        let record = Record { key: String::new(), fields: Vec::new() };
        let mut frame = Frame::new(&record, year, false);
        let v = self.def_at(&mut frame, def, year.unwrap_or(0)).ok()?;
        frame.diags.is_empty().then_some(v)
    }

    /// Evaluates every rule for one subject in `year` (`None` when the data has no years).
    pub fn evaluate(&self, record: &Record, year: Option<u16>) -> (SubjectOutcome, Diagnostics) {
        self.evaluate_in(record, None, year, true)
    }

    /// [`Evaluator::evaluate`] for a report of the rules' values alone (the CSV report): the
    /// awards finer than a fen are not marked (`ZC0709`: the caller marks them, once for many
    /// subjects, [`Evaluator::fen_mark`]) and the members' own outcomes are not worked out.
    pub fn evaluate_values(
        &self,
        record: &Record,
        year: Option<u16>,
    ) -> (SubjectOutcome, Diagnostics) {
        self.evaluate_in(record, None, year, false)
    }

    /// Evaluates `record`, a member of `owner` when given; `full` for every report but the
    /// values alone ([`Evaluator::evaluate_values`]).
    fn evaluate_in(
        &self,
        record: &Record,
        owner: Option<&Record>,
        year: Option<u16>,
        full: bool,
    ) -> (SubjectOutcome, Diagnostics) {
        let fen_marks = full;
        let mut frame = Frame::new(record, year, self.coverage.is_some());
        frame.owner = owner;
        let mut rules = Vec::new();
        for &def in &self.reported {
            frame.param_stops.clear();
            let value = match year {
                Some(y) => self.def_at(&mut frame, def, y),
                None => self.def_at(&mut frame, def, 0),
            };
            if value.is_err() {
                self.undetermined_by_params(&mut frame, def);
            }
            let detail = frame.details.remove(&def).unwrap_or(Detail::Value);
            let (value, detail) = match value {
                Ok(v) => (v, detail),
                Err(Stop) => (V::Missing, Detail::Failed),
            };
            rules.push(RuleOutcome { def, value, detail });
        }
        // An award finer than a fen is marked (once per award and run, when diagnostics merge).
        for r in rules.iter().filter(|_| fen_marks) {
            if let V::Num(x, dim) = &r.value
                && *dim == crate::units::Dim::MONEY
                && fen::finer_than_fen(*x)
                && self.is_award(r.def)
                && let Some(d) =
                    fen::fen_outcome(self.file(), &self.checked.scope, r.def, &record.key, *x)
            {
                frame.diags.push(d);
            }
        }
        if let (Some(cov), Some(hits)) = (&self.coverage, frame.hits.take()) {
            cov.add(hits);
        }
        // The working reads the definitions already worked out; what it meets on the way is
        // not reported (the evaluation reported its own).
        let values = if self.working {
            let mut work = Frame::new(record, year, false);
            work.memo = std::mem::take(&mut frame.memo);
            self.working(&mut work, &rules, year.unwrap_or(0))
        } else {
            Vec::new()
        };
        let mut diags: Diagnostics = frame.diags.into();
        // Each member's own rules, evaluated as its owner's aggregations evaluate them (an
        // amount finer than a fen is marked on the owner's award it adds up to).
        let mut members = Vec::new();
        for set in self.members.iter().filter(|_| full && owner.is_none()) {
            let mut outcomes = Vec::new();
            for m in set.groups.get(&record.key).map_or(&[][..], Vec::as_slice) {
                let (o, d) = set.evaluator.evaluate_in(m, Some(record), year, false);
                diags.extend(d);
                outcomes.push(o);
            }
            members.push(MemberOutcomes { kind: set.name.clone(), outcomes });
        }
        (SubjectOutcome { key: record.key.clone(), year, rules, values, members }, diags)
    }

    /// `ZC0709` for award `def` worth `amount` 元 to subject `key`, when that is finer than a
    /// fen (the mark [`Evaluator::evaluate`] gives, for amounts computed elsewhere: the compiled
    /// form's).
    pub fn fen_mark(
        &self,
        def: DefId,
        key: &str,
        amount: rust_decimal::Decimal,
    ) -> Option<Diagnostic> {
        if !fen::finer_than_fen(amount) || !self.is_award(def) {
            return None;
        }
        fen::fen_outcome(self.file(), &self.checked.scope, def, key, amount)
    }

    /// The value in `year` of the subject's field `name` (of `record`), as a rule reads it
    /// (the declared default for an empty cell), when it is an amount of money, in 元: what a
    /// stacking rule deducts (`扣除 FIELD`). `None` when the data leaves it empty, or when `name`
    /// is no field of these subjects (the checker reports that).
    pub fn field_money(
        &self,
        record: &Record,
        year: Option<u16>,
        name: &str,
    ) -> Option<rust_decimal::Decimal> {
        let def = self.lookup(name)?;
        if !matches!(self.checked.scope.defs.get(def)?.source, DefSource::Field(_)) {
            return None;
        }
        let mut frame = Frame::new(record, year, false);
        let v = self.def_at(&mut frame, def, year.unwrap_or(0)).ok()?;
        stack::money(&v)
    }

    /// Whether `def` is an award.
    fn is_award(&self, def: DefId) -> bool {
        self.checked
            .scope
            .defs
            .get(def)
            .and_then(|d| d.kind())
            .is_some_and(|k| matches!(k, ItemKind::Award(_)))
    }

    fn loc(&self, span: Span) -> Loc {
        Loc::new(self.file(), span)
    }

    fn def_name(&self, def: DefId) -> &str {
        self.checked.scope.defs.get(def).map_or("", |d| d.name.as_str())
    }

    /// Reports an evaluation error for the rule being evaluated.
    fn fail(&self, frame: &mut Frame<'_>, code: Code, at: Span, what: Text, help: Text) -> Stop {
        let rule = frame.current.map(|d| self.def_name(d).to_string()).unwrap_or_default();
        let key = frame.record.key.clone();
        let d = Diagnostic::new(
            code,
            Text::new(
                format!("主体 `{key}` 计算 `{rule}` 时{}", what.zh),
                format!("{} while evaluating `{rule}` for `{key}`", what.en),
            ),
        )
        .at(self.loc(at), Text::new("此处", "here"))
        .help(help);
        if !frame.diags.contains(&d) {
            frame.diags.push(d);
        }
        Stop
    }
}

impl Evaluator<'_, '_> {
    /// `ZC0705`: parameter `p` has no value (in `year`, for a parameter given for other years
    /// only). One diagnostic per parameter and subject, at the place the data should have given
    /// it when it has a parameter table (else at the declaration); the rules it leaves
    /// undetermined are added as they fail ([`Evaluator::undetermined_by_params`]).
    fn missing_param(
        &self,
        frame: &mut Frame<'_>,
        p: &crate::ast::ParamDecl,
        year: Option<u16>,
    ) -> Stop {
        let name = &p.name.node;
        let key = &frame.record.key;
        let (yzh, yen) = match year {
            Some(y) => (format!(" {y} 年的"), format!(" for {y}")),
            None => (String::new(), String::new()),
        };
        let tail = Text::new(
            format!("，用到它的规则无法确定（首先是主体 `{key}`）"),
            format!(": the rules that need it are undetermined (first for `{key}`)"),
        );
        let gap = if year.is_none() { self.param_gaps.get(name) } else { None };
        let d = match gap {
            Some(gap) => {
                let mut d = gap.clone();
                d.message.zh.push_str(&tail.zh);
                d.message.en.push_str(&tail.en);
                d
            }
            None => Diagnostic::new(
                Code::MissingParamValue,
                Text::new(
                    format!("参数 `{name}` 没有{yzh}取值{}", tail.zh),
                    format!("the parameter `{name}` has no value{yen}{}", tail.en),
                ),
            )
            .at(self.loc(p.name.span), Text::new("没有取值，也没有默认值", "no value and no default"))
            .help(Text::new(
                format!(
                    "原文没有规定此值；在数据的参数表中给出{}，或用 `--param {name}=…` 给出",
                    if year.is_some() { "这一年的值" } else { "" }
                ),
                format!(
                    "the document leaves it open: give it{} in the data's parameters, or with `--param {name}=…`",
                    if year.is_some() { " for that year" } else { "" }
                ),
            )),
        };
        let at = match frame.diags.iter().position(|x| x.code == d.code && x.message == d.message) {
            Some(i) => i,
            None => {
                frame.diags.push(d);
                frame.diags.len().saturating_sub(1)
            }
        };
        if !frame.param_stops.contains(&at) {
            frame.param_stops.push(at);
        }
        Stop
    }

    /// Names rule `def`, which a missing parameter has left undetermined, on that parameter's
    /// diagnostic.
    fn undetermined_by_params(&self, frame: &mut Frame<'_>, def: DefId) {
        let Some((name, span)) = self.checked.scope.ident_of(def) else { return };
        let label = Text::new(format!("无法确定：`{name}`"), format!("undetermined: `{name}`"));
        let loc = self.loc(span);
        for &at in &frame.param_stops {
            if let Some(d) = frame.diags.get_mut(at)
                && !d
                    .labels
                    .iter()
                    .any(|l| l.loc.span == loc.span && l.loc.file.name == loc.file.name)
            {
                d.labels.push(crate::diagnostics::Label {
                    loc: loc.clone(),
                    text: label.clone(),
                    primary: false,
                    cell: None,
                });
            }
        }
    }
}

/// The state of evaluating one subject.
struct Frame<'r> {
    record: &'r Record,
    /// The owner's record, when `record` is a member's (inside an aggregation over members).
    owner: Option<&'r Record>,
    /// The evaluation year (0 when the data has no years).
    year: Option<u16>,
    memo: foldhash::HashMap<(DefId, u16), V>,
    /// Details of rules evaluated in the evaluation year.
    details: BTreeMap<DefId, Detail>,
    diags: Vec<Diagnostic>,
    depth: usize,
    /// Expressions evaluated so far for this subject (bounded by
    /// [`crate::limits::MAX_EVAL_STEPS`]).
    steps: u64,
    /// The rule being evaluated, named in error messages.
    current: Option<DefId>,
    /// The earliest year any yearly datum of this subject has.
    first_year: Option<u16>,
    /// The branches taken, when coverage is recorded.
    hits: Option<Vec<Probe>>,
    /// The diagnostics (by position in `diags`) of the parameters without a value that the
    /// rule being reported has met.
    param_stops: Vec<usize>,
}

impl<'r> Frame<'r> {
    fn new(record: &'r Record, year: Option<u16>, record_hits: bool) -> Self {
        let first_year = record.first_year();
        Frame {
            record,
            owner: None,
            year,
            memo: foldhash::HashMap::default(),
            details: BTreeMap::new(),
            diags: Vec::new(),
            depth: 0,
            steps: 0,
            current: None,
            first_year,
            hits: record_hits.then(Vec::new),
            param_stops: Vec::new(),
        }
    }

    /// Adds the branches a member's frame took (inside an aggregation over members) to this
    /// one's, when it records them.
    fn take_hits(&mut self, member: &mut Frame<'_>) {
        if let (Some(hits), Some(theirs)) = (&mut self.hits, &mut member.hits) {
            hits.append(theirs);
        }
    }

    /// Notes that the branch decided at `at` went the way `branch` says.
    fn hit(&mut self, at: Span, branch: Branch) {
        if let Some(hits) = &mut self.hits {
            hits.push(Probe::new(at, branch));
        }
    }
}

/// Parses the units written after the numbers of `e` into `out`, by their text. Walks the tree
/// with a stack of its own, safe at any depth.
fn units_of<'p>(e: &'p crate::ast::Expr, out: &mut foldhash::HashMap<&'p str, Unit>) {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        if let crate::ast::ExprKind::Quantity(q) = &e.node
            && let Some(u) = &q.unit
            && !out.contains_key(u.node.as_str())
            && let Ok(unit) = crate::units::parse_unit(&u.node)
        {
            out.insert(u.node.as_str(), unit);
        }
        stack.extend(e.node.children());
    }
}

/// The default evaluation year: the latest year any subject's yearly data has; only when the
/// subjects have no yearly data, the latest year of the parameters (parameters often list years
/// ahead of the data, such as targets, which must not move the year evaluated).
pub fn latest_year(records: &[Record], params: &BTreeMap<String, Value>) -> Option<u16> {
    let series = |v: &Value| match v {
        Value::Series(m) => m.keys().next_back().copied(),
        _ => None,
    };
    records
        .iter()
        .flat_map(|r| r.fields.iter().filter_map(series))
        .max()
        .or_else(|| params.values().filter_map(series).max())
}

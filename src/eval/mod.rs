//! The evaluator: a checked policy applied to one subject's data, exactly.
//!
//! Evaluation is per subject and per evaluation year. Each definition is evaluated at most once
//! per year ([`Frame::memo`]); yearly functions (`上年`, `增长率`, `累计`, `连续年数`) evaluate
//! their argument in other years. Arithmetic is checked: an overflow or a division by zero is a
//! diagnostic naming the subject and the rule, and that rule's value is unknown.

pub mod coverage;
pub mod explain;
mod expr;
pub mod outcome;
pub mod overflow;
mod rules;
pub mod stack;
pub mod value;
mod yearly;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::ast::{ItemKind, Policy};
use crate::checker::Checked;
use crate::checker::scope::{DefId, DefSource, SubjectId};
use crate::data::{Record, Value};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Text};
use crate::source::{Loc, SourceFile, Span};
use coverage::{Branch, Coverage, Probe};
use outcome::{Detail, RuleOutcome, SubjectOutcome};
use value::V;

/// How deeply definitions may call each other during evaluation (each level is a reference or
/// a year shift); deeper is `ZC0706`.
pub const MAX_DEPTH: usize = crate::depth::MAX_REFERENCE_DEPTH;

/// An error already reported as a diagnostic: evaluation of the current rule stops.
#[derive(Debug)]
pub(crate) struct Stop;

type R<T> = Result<T, Stop>;

/// A policy ready to evaluate subjects of one kind.
pub struct Evaluator<'c, 'p> {
    policy: &'p Policy,
    checked: &'c Checked<'p>,
    subject: Option<SubjectId>,
    /// The slot of each field definition in a record.
    slots: BTreeMap<DefId, usize>,
    /// Parameter values given with the data or on the command line, by name.
    params: BTreeMap<String, Value>,
    /// Where to record the branches taken, when asked ([`Evaluator::record_coverage`]).
    coverage: Option<Coverage>,
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
        let mut slots = BTreeMap::new();
        if let Some(info) = subject.and_then(|s| checked.scope.subjects.get(s)) {
            for (slot, def) in info.fields.iter().enumerate() {
                slots.insert(*def, slot);
            }
        }
        Evaluator { policy, checked, subject, slots, params, coverage: None }
    }

    /// Records the branches every later evaluation takes in `coverage`.
    pub fn record_coverage(&mut self, coverage: Coverage) {
        self.coverage = Some(coverage);
    }

    fn file(&self) -> &Arc<SourceFile> {
        &self.policy.file
    }

    /// The rules reported for a subject: every named declaration of its scope and the top level
    /// that decides something or names a value, in declaration order.
    fn reported(&self) -> Vec<DefId> {
        self.checked
            .scope
            .defs
            .iter()
            .enumerate()
            .filter(|(_, d)| d.subject.is_none() || d.subject == self.subject)
            .filter(|(_, d)| match d.source {
                DefSource::Field(_) => false,
                DefSource::Item(i) => !matches!(
                    i.node.kind,
                    ItemKind::Param(_)
                        | ItemKind::Import(_)
                        | ItemKind::Enum(_)
                        | ItemKind::Subject(_)
                        | ItemKind::For(_)
                        | ItemKind::Stack(_)
                        | ItemKind::Matching(_)
                        | ItemKind::Pool(_)
                ),
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Evaluates every rule for one subject in `year` (`None` when the data has no years).
    pub fn evaluate(&self, record: &Record, year: Option<u16>) -> (SubjectOutcome, Diagnostics) {
        let mut frame = Frame::new(record, year, self.coverage.is_some());
        let mut rules = Vec::new();
        for def in self.reported() {
            let value = match year {
                Some(y) => self.def_at(&mut frame, def, y),
                None => self.def_at(&mut frame, def, 0),
            };
            let detail = frame.details.remove(&def).unwrap_or(Detail::Value);
            let (value, detail) = match value {
                Ok(v) => (v, detail),
                Err(Stop) => (V::Missing, Detail::Failed),
            };
            rules.push(RuleOutcome { def, value, detail });
        }
        if let (Some(cov), Some(hits)) = (&self.coverage, frame.hits) {
            cov.add(hits);
        }
        let diags: Diagnostics = frame.diags.into();
        (SubjectOutcome { key: record.key.clone(), year, rules }, diags)
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

/// The state of evaluating one subject.
struct Frame<'r> {
    record: &'r Record,
    /// The evaluation year (0 when the data has no years).
    year: Option<u16>,
    memo: BTreeMap<(DefId, u16), V>,
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
}

impl<'r> Frame<'r> {
    fn new(record: &'r Record, year: Option<u16>, record_hits: bool) -> Self {
        let first_year = record
            .fields
            .iter()
            .filter_map(|v| match v {
                Value::Series(m) => m.keys().next().copied(),
                _ => None,
            })
            .min();
        Frame {
            record,
            year,
            memo: BTreeMap::new(),
            details: BTreeMap::new(),
            diags: Vec::new(),
            depth: 0,
            steps: 0,
            current: None,
            first_year,
            hits: record_hits.then(Vec::new),
        }
    }

    /// Notes that the branch decided at `at` went the way `branch` says.
    fn hit(&mut self, at: Span, branch: Branch) {
        if let Some(hits) = &mut self.hits {
            hits.push(Probe::new(at, branch));
        }
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

//! Reports: evaluated outcomes shown in the terminal, as JSON, Markdown, CSV or an xlsx
//! workbook, and the basis of calculation (计算依据) of every award.
//!
//! Every format is deterministic: the same policy and data give byte-identical output.

pub mod basis;
mod csv;
pub mod explain;
mod json;
mod markdown;
pub mod show;
mod text;
pub mod xlsx;

use rust_decimal::Decimal;

use crate::ast::{AwardClause, Item, ItemKind, Node, Policy};
use crate::checker::Checked;
use crate::checker::scope::{DefId, DefSource};
use crate::diagnostics::{Lang, Text};
use crate::eval::outcome::SubjectOutcome;
use crate::eval::stack::StackOutcome;
use crate::eval::value::V;
use crate::units::Dim;

pub use csv::render as csv;
pub use json::{
    Writer as JsonWriter, render as json, render_lines as jsonl, write as write_json,
    write_line as write_json_line,
};
pub use markdown::render as markdown;
pub use text::render as text;
pub use xlsx::render as xlsx;

/// A policy's outcomes over a set of subjects, ready to render.
pub struct Report<'a, 'p> {
    pub policy: &'p Policy,
    pub checked: &'a Checked<'p>,
    pub outcomes: &'a [SubjectOutcome],
    /// The stacking rules applied to each subject, in the order of `outcomes` (empty when the
    /// policy has none).
    pub stacks: &'a [Vec<StackOutcome>],
}

/// An award's total over all subjects.
pub struct Total {
    pub def: DefId,
    pub amount: Decimal,
    pub recipients: usize,
    /// The sum left the exact range: `amount` is not the total (see [`Report::overflows`]).
    pub overflowed: bool,
}

impl Report<'_, '_> {
    fn item(&self, def: DefId) -> Option<&Node<Item>> {
        match self.checked.scope.defs.get(def)?.source {
            DefSource::Item(i) => Some(i),
            DefSource::Field(_) => None,
        }
    }

    pub fn name(&self, def: DefId) -> &str {
        self.checked.scope.defs.get(def).map_or("", |d| d.name.as_str())
    }

    /// The kind of rule, as a word.
    pub fn kind(&self, def: DefId) -> (&'static str, &'static str, &'static str) {
        match self.item(def).map(|i| &i.node.kind) {
            Some(ItemKind::Let(_)) => ("值", "value", "value"),
            Some(ItemKind::Param(_)) => ("参数", "parameter", "param"),
            Some(ItemKind::Condition(_)) => ("条件", "condition", "condition"),
            Some(ItemKind::Indicators(_)) => ("指标", "indicators", "indicators"),
            Some(ItemKind::Score(_)) => ("评分", "score", "score"),
            Some(ItemKind::Grade(_)) => ("等级", "grade", "grade"),
            Some(ItemKind::Award(_)) => ("奖励", "award", "award"),
            Some(ItemKind::Status(_)) => ("状态", "status", "status"),
            Some(ItemKind::Budget(_)) => ("预算", "budget", "budget"),
            Some(ItemKind::Stated(_)) => ("声明", "stated", "stated"),
            Some(ItemKind::Share(_)) => ("占比", "share", "share"),
            _ => ("", "", "other"),
        }
    }

    /// Whether a rule is shown per subject: a rule of a subject's scope (`对于`). Rules at the top
    /// level cannot depend on a subject's data; they are shown once ([`Report::policy_level`]).
    pub fn per_subject(&self, def: DefId) -> bool {
        self.checked.scope.defs.get(def).is_some_and(|d| d.subject.is_some()) && self.shown(def)
    }

    /// The rules shown for each subject, in order: the columns of the tabular reports.
    pub fn subject_columns(&self) -> Vec<DefId> {
        self.outcomes
            .first()
            .map(|o| o.rules.iter().filter(|x| self.per_subject(x.def)).map(|x| x.def).collect())
            .unwrap_or_default()
    }

    /// Whether a rule is shown once for the whole policy: a rule at the top level.
    pub fn policy_level(&self, def: DefId) -> bool {
        self.checked.scope.defs.get(def).is_some_and(|d| d.subject.is_none()) && self.shown(def)
    }

    /// Rules and named values are shown; constants such as budgets are not.
    fn shown(&self, def: DefId) -> bool {
        self.item(def).is_some_and(|i| i.node.kind.is_rule())
    }

    /// The first clause a rule cites, with its quoted sentence.
    pub fn citation(&self, def: DefId) -> Option<(&str, Option<&str>)> {
        let item = self.item(def)?;
        let from_item = item.node.citations.first().map(|c| &c.node);
        let from_award = match &item.node.kind {
            ItemKind::Award(a) => a.clauses.iter().find_map(|c| match &c.node {
                AwardClause::Citation(c) => Some(c),
                _ => None,
            }),
            _ => None,
        };
        let c = from_item.or(from_award)?;
        Some((c.clause.node.as_str(), c.quote.as_ref().map(|q| q.node.as_str())))
    }

    /// The source text of an award's `当` clause, by its position.
    pub fn clause_text(&self, def: DefId, index: usize) -> Option<&str> {
        let item = self.item(def)?;
        let ItemKind::Award(a) = &item.node.kind else { return None };
        let clause = a.clauses.get(index)?;
        Some(self.policy.file.slice(clause.span).trim())
    }

    /// `ZC0702` for each award whose total over the subjects leaves the exact range, labelled
    /// at the award's declaration. A report with any is not written.
    pub fn overflows(&self) -> Vec<crate::diagnostics::Diagnostic> {
        self.totals()
            .iter()
            .filter(|t| t.overflowed)
            .filter_map(|t| {
                let (name, span) = self.checked.scope.ident_of(t.def)?;
                let loc = crate::source::Loc::new(&self.policy.file, span);
                Some(crate::eval::overflow::total_overflow(name, loc))
            })
            .collect()
    }

    /// Each award's total amount and number of recipients (subjects with an amount above 0).
    pub fn totals(&self) -> Vec<Total> {
        let mut totals = Totals::default();
        for o in self.outcomes {
            totals.add(self, o);
        }
        totals.0
    }

    /// Whether a rule is an award (`奖励`).
    fn is_award(&self, def: DefId) -> bool {
        matches!(self.item(def).map(|i| &i.node.kind), Some(ItemKind::Award(_)))
    }

    pub fn title(&self) -> Option<&str> {
        self.policy.header.as_ref().map(|h| h.title.node.as_str())
    }
}

/// Each award's total and recipients, added up one subject at a time, in the order the awards
/// first appear.
#[derive(Default)]
pub struct Totals(pub Vec<Total>);

impl Totals {
    /// Adds one subject's awards.
    pub fn add(&mut self, r: &Report<'_, '_>, o: &SubjectOutcome) {
        for rule in &o.rules {
            if !r.is_award(rule.def) {
                continue;
            }
            let amount = match rule.value {
                V::Num(n, d) if d == Dim::MONEY => n,
                _ => Decimal::ZERO,
            };
            let pos = self.0.iter().position(|t| t.def == rule.def);
            let t = match pos {
                Some(p) => self.0.get_mut(p),
                None => {
                    self.0.push(Total {
                        def: rule.def,
                        amount: Decimal::ZERO,
                        recipients: 0,
                        overflowed: false,
                    });
                    self.0.last_mut()
                }
            };
            if let Some(t) = t {
                match t.amount.checked_add(amount) {
                    Some(x) => t.amount = x,
                    None => t.overflowed = true,
                }
                if amount > Decimal::ZERO {
                    t.recipients += 1;
                }
            }
        }
    }
}

/// Words used by the renderers, in both languages.
pub(crate) fn word(lang: Lang, t: &Text) -> &str {
    t.get(lang)
}

//! Reports: evaluated outcomes shown in the terminal, as JSON, Markdown, CSV or an xlsx
//! workbook, and the basis of calculation (计算依据) of every award.
//!
//! Every format is deterministic: the same policy and data give byte-identical output.

pub mod arithmetic;
pub mod basis;
mod csv;
pub mod explain;
mod json;
mod markdown;
pub mod pools;
pub mod show;
mod text;
pub mod working;
pub mod xlsx;
pub mod years;

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
pub(crate) use csv::{claimed_name, layout as csv_layout, render_counted as csv_counted};
pub(crate) use json::stack_json;
pub use json::{
    Writer as JsonWriter, render as json, render_lines as jsonl, write as write_json,
    write_line as write_json_line,
};
pub use markdown::{Writer as MarkdownWriter, render as markdown};
pub use text::render as text;
pub(crate) use text::{stack_arithmetic, stack_lines};
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
            Some(ItemKind::Award(_)) => self.award_word(def),
            Some(ItemKind::Status(_)) => ("状态", "status", "status"),
            Some(ItemKind::Budget(_)) => ("预算", "budget", "budget"),
            Some(ItemKind::Stated(_)) => ("声明", "stated", "stated"),
            Some(ItemKind::Share(_)) => ("占比", "share", "share"),
            Some(ItemKind::Stack(_)) => ("叠加", "stacking", "stacking"),
            _ => ("", "", "other"),
        }
    }

    /// The word the policy declares an award with, as the document says it (`补贴`, `补助`,
    /// `资助`, `奖励`), with its English and the JSON kind (always `award`).
    fn award_word(&self, def: DefId) -> (&'static str, &'static str, &'static str) {
        let before = self
            .checked
            .scope
            .ident_of(def)
            .and_then(|(_, span)| self.policy.file.text.get(..span.start))
            .unwrap_or_default();
        let word = before.trim_end().rsplit(char::is_whitespace).next().unwrap_or_default();
        match word {
            "补贴" | "subsidy" => ("补贴", "subsidy", "award"),
            "补助" => ("补助", "subsidy", "award"),
            "资助" => ("资助", "grant", "award"),
            _ => ("奖励", "award", "award"),
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
    /// Whether a member's rule is shown with the member: its rules, and the stacking rules of
    /// its kind (read by its owner as values).
    pub fn member_rule(&self, def: DefId) -> bool {
        self.per_subject(def)
            || self.item(def).is_some_and(|i| matches!(i.node.kind, ItemKind::Stack(_)))
    }

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
        overflow_diagnostics(self, &self.totals())
    }

    /// Each award's total amount and number of recipients (subjects with an amount above 0).
    pub fn totals(&self) -> Vec<Total> {
        let mut totals = Totals::default();
        for (i, o) in self.outcomes.iter().enumerate() {
            totals.add(self, o, self.stacks.get(i).map(Vec::as_slice).unwrap_or_default());
        }
        totals.0
    }

    /// Each award's column total: its amounts as the per-rule tables show them (what each award
    /// pays on its own, the lower side of `就高不重复` included), for the row of totals under
    /// such a table; [`Report::totals`] is what is paid.
    pub fn column_totals(&self) -> Vec<Total> {
        let mut totals = Totals::default();
        for o in self.outcomes {
            totals.add(self, o, &[]);
        }
        totals.0
    }

    /// Whether a rule is an award (`奖励`).
    fn is_award(&self, def: DefId) -> bool {
        matches!(self.item(def).map(|i| &i.node.kind), Some(ItemKind::Award(_)))
    }

    /// Whether `def` is an award of money ([`money_award`]).
    pub fn money_award(&self, def: DefId) -> bool {
        money_award(self.checked, def)
    }

    /// The name of the subjects' id field (`企业名称`), the first column of the tabular reports;
    /// `id` when the subjects have none.
    pub fn key_name(&self) -> String {
        let scope = &self.checked.scope;
        let sid = self
            .outcomes
            .first()
            .and_then(|o| o.rules.iter().find_map(|x| scope.defs.get(x.def)?.subject))
            .or_else(|| {
                let mut all = scope.subject_names.values();
                match (all.next(), all.next()) {
                    (Some(s), None) => Some(*s),
                    _ => None,
                }
            });
        let kind = sid.and_then(|sid| {
            scope.subject_names.iter().find(|(_, s)| **s == sid).map(|(k, _)| k.clone())
        });
        kind.and_then(|k| crate::data::Schema::from_policy(self.policy, &k).ok())
            .and_then(|s| s.key_field().map(|f| f.name.clone()))
            .unwrap_or_else(|| "id".to_string())
    }

    /// The stacking rules applied to the subjects, by name, and the rules of this policy they
    /// take (the others are imported).
    pub fn stack_rules(&self) -> (Vec<String>, Vec<DefId>) {
        let Some(first) = self.stacks.first() else { return (Vec::new(), Vec::new()) };
        let names = first.iter().map(|s| s.rule.clone()).collect();
        let cols = self.subject_columns();
        let taken = first
            .iter()
            .flat_map(|s| &s.members)
            .filter(|m| !m.name.contains('.'))
            .flat_map(|m| cols.iter().copied().filter(|d| self.name(*d) == m.name))
            .collect();
        (names, taken)
    }

    /// The stacking rules applied to the subjects as the tabular reports lay them out (the
    /// first subject's): name, definition and the field each deducts.
    pub fn stack_heads(&self) -> Vec<crate::eval::stack::RuleHead> {
        let Some(first) = self.stacks.first() else { return Vec::new() };
        first
            .iter()
            .map(|s| crate::eval::stack::RuleHead {
                name: s.rule.clone(),
                def: self.stack_def(&s.rule),
                received: s.received.as_ref().map(|r| r.field.clone()),
            })
            .collect()
    }

    /// The definition of the stacking rule named `rule`.
    fn stack_def(&self, rule: &str) -> Option<DefId> {
        self.checked
            .scope
            .defs
            .iter()
            .position(|d| d.name == rule && matches!(d.kind(), Some(ItemKind::Stack(_))))
    }

    /// The missing results of the report: per rule shown for each subject (and per stacking
    /// rule whose result is missing), the subjects without its value, and the subjects with
    /// any missing value.
    pub fn missing(&self) -> (Vec<(DefId, u64)>, u64) {
        let cols = self.subject_columns();
        let mut by_rule: Vec<(DefId, u64)> = cols.iter().map(|d| (*d, 0)).collect();
        let mut by_stack: Vec<(DefId, u64)> = Vec::new();
        let mut subjects = 0;
        for (i, o) in self.outcomes.iter().enumerate() {
            let stacks = self.stacks.get(i).map(Vec::as_slice).unwrap_or_default();
            let rules = count_missing(&mut by_rule, o);
            let stacked = self.count_stack_missing(&mut by_stack, stacks);
            subjects += u64::from(rules || stacked);
        }
        by_rule.retain(|(_, n)| *n > 0);
        by_rule.extend(by_stack);
        (by_rule, subjects)
    }

    /// Counts, per stacking rule of `stacks` (one subject's) whose result is missing, the
    /// subject in `by_stack` under the rule's definition; whether any is.
    fn count_stack_missing(
        &self,
        by_stack: &mut Vec<(DefId, u64)>,
        stacks: &[StackOutcome],
    ) -> bool {
        let mut any = false;
        for s in stacks.iter().filter(|s| s.missing()) {
            any = true;
            let Some(def) = self.stack_def(&s.rule) else { continue };
            match by_stack.iter_mut().find(|(d, _)| *d == def) {
                Some((_, n)) => *n += 1,
                None => by_stack.push((def, 1)),
            }
        }
        any
    }

    /// The subjects with a money award that cannot be worked out (「缺数据」), each with those
    /// awards' names (and those of its stacking rules whose result is missing), in the
    /// report's order.
    pub fn undetermined_awards(&self) -> Vec<(&str, Vec<&str>)> {
        let awards: Vec<DefId> =
            self.subject_columns().into_iter().filter(|d| self.money_award(*d)).collect();
        self.outcomes
            .iter()
            .enumerate()
            .filter_map(|(i, o)| {
                let stacks = self.stacks.get(i).map(Vec::as_slice).unwrap_or_default();
                let names = self.undetermined_of(&awards, o, stacks);
                (!names.is_empty()).then_some((o.key.as_str(), names))
            })
            .collect()
    }

    /// The names of those of `awards` (money awards) that subject `o` has as 「缺数据」, then
    /// of its stacking rules (`stacks`) whose result is missing.
    pub(crate) fn undetermined_of<'s>(
        &'s self,
        awards: &[DefId],
        o: &SubjectOutcome,
        stacks: &'s [StackOutcome],
    ) -> Vec<&'s str> {
        awards
            .iter()
            .filter(|d| {
                o.rules.iter().find(|x| x.def == **d).is_some_and(|x| x.value == V::Missing)
            })
            .map(|d| self.name(*d))
            .chain(stacks.iter().filter(|s| s.missing()).map(|s| s.rule.as_str()))
            .collect()
    }

    /// A subject's total: its money awards that no stacking rule takes, and each stacking
    /// rule's total; `None` when one of them is missing or past the exact range.
    pub fn subject_total(&self, i: usize) -> Option<Decimal> {
        self.total_parts().total(self, i)
    }

    /// The rules a subject's total adds directly: its money awards no stacking rule takes.
    pub fn total_parts(&self) -> TotalParts {
        let (_, taken) = self.stack_rules();
        TotalParts(
            self.subject_columns()
                .into_iter()
                .filter(|d| self.money_award(*d) && !taken.contains(d))
                .collect(),
        )
    }

    /// What a leader asks first, over all subjects: each stacking rule's total, the grand
    /// total of the subjects' totals and how many subjects receive something, and how many
    /// subjects miss a value (the totals then leave them out). `None` when the policy pays no
    /// money per subject.
    pub fn grand(&self) -> Option<Grand> {
        let mut g = Grand::of(self)?;
        g.missing = self.missing().1;
        let parts = self.total_parts();
        for i in 0..self.outcomes.len() {
            g.add(self, &parts, i);
        }
        Some(g)
    }

    /// The policy's document number and the evaluation year, for a report's heading
    /// (`泽发改发〔2022〕43号 · 2024年`); empty when there is neither.
    pub fn heading(&self, lang: Lang) -> String {
        let mut parts = Vec::new();
        if let Some(no) = self.policy.header.as_ref().and_then(|h| h.docno.as_ref()) {
            parts.push(no.node.clone());
        }
        if let Some(y) = self.outcomes.iter().find_map(|o| o.year) {
            parts.push(if lang == Lang::Zh { format!("{y}年") } else { format!("year {y}") });
        }
        parts.join(" · ")
    }

    pub fn title(&self) -> Option<&str> {
        self.policy.header.as_ref().map(|h| h.title.node.as_str())
    }
}

/// Whether `def` is an award of money (`奖励` whose value is an amount in 元): the amounts a
/// subject's total and the totals of the reports add up.
pub fn money_award(checked: &Checked<'_>, def: DefId) -> bool {
    let award = checked.scope.defs.get(def).is_some_and(|d| match d.source {
        DefSource::Item(i) => matches!(i.node.kind, ItemKind::Award(_)),
        DefSource::Field(_) => false,
    });
    award
        && checked
            .types
            .get(def)
            .is_some_and(|t| t.ty == crate::checker::types::Ty::Num(Dim::MONEY))
}

/// `ZC0708` when some results of the report are missing (`by_rule`: per rule, the subjects
/// without its value; `subjects`: those with any missing value): they read 「缺数据」 and the
/// totals leave them out. Labelled at each rule.
pub fn missing_warning(
    policy: &Policy,
    checked: &Checked<'_>,
    by_rule: &[(DefId, u64)],
    subjects: u64,
) -> Option<crate::diagnostics::Diagnostic> {
    use crate::diagnostics::{Code, Diagnostic};
    use crate::source::Loc;
    if subjects == 0 {
        return None;
    }
    let mut d = Diagnostic::new(
        Code::MissingResults,
        Text::new(
            format!("{subjects} 个主体的结果缺数据：报告中写作「缺数据」，合计不完整"),
            format!(
                "{subjects} subject{} missing data for a result: the report reads 「缺数据」 and the totals are incomplete",
                if subjects == 1 { " is" } else { "s are" }
            ),
        ),
    );
    let help = (
        "在数据文件中补齐这些主体缺的字段后重新评估；`zhengce explain 政策 --data 数据 --subject 主体 规则` 会列出一条结果用到的每个字段".to_string(),
        "fill in the fields these subjects lack in the data file and evaluate again; `zhengce explain POLICY --data DATA --subject ID RULE` lists every field a result uses".to_string(),
    );
    // The first rule is labelled; the others are named beside it (labels far apart in the
    // policy would show the whole text between them).
    let mut first = true;
    let (mut zh, mut en) = (Vec::new(), Vec::new());
    for (def, n) in by_rule {
        let Some((name, span)) = checked.scope.ident_of(*def) else { continue };
        let s = if *n == 1 { "" } else { "s" };
        if first {
            let text =
                Text::new(format!("{n} 个主体缺这一结果"), format!("missing for {n} subject{s}"));
            d = d.at(Loc::new(&policy.file, span), text);
            first = false;
        } else {
            zh.push(format!("`{name}`（{n} 个主体）"));
            en.push(format!("`{name}` ({n} subject{s})"));
        }
    }
    let (mut hz, mut he) = help;
    if !zh.is_empty() {
        hz = format!("缺数据的结果还有{}；{hz}", zh.join("、"));
        he = format!("results also missing: {}; {he}", en.join(", "));
    }
    // A maximum or minimum over members is missing for an owner without any: no field to fill.
    if by_rule.iter().any(|(def, _)| extreme_of_members(checked, *def)) {
        hz.push_str("；`最大`、`最小` 对没有成员的主体缺数据（不当作 0）：原文写明此时如何计算的，照写（如 `若 计数(合同) = 0个 则 0元 否则 最大(合同.金额)`）");
        he.push_str("; a `最大` or `最小` (max, min) over members is missing for a subject without any (never 0): where the document says what it is then, write that (`若 计数(合同) = 0个 则 0元 否则 最大(合同.金额)`)");
    }
    Some(d.help(Text::new(hz, he)))
}

/// Whether definition `def`'s own text takes a maximum or minimum over members.
fn extreme_of_members(checked: &Checked<'_>, def: DefId) -> bool {
    let Some(crate::checker::scope::DefSource::Item(item)) =
        checked.scope.defs.get(def).map(|d| d.source)
    else {
        return false;
    };
    let span = item.span;
    checked.aggregations.iter().any(|(at, (_, b))| {
        matches!(b, crate::checker::Builtin::Max | crate::checker::Builtin::Min)
            && at.start >= span.start
            && at.end <= span.end
    })
}

/// The money awards a subject's total adds directly ([`Report::total_parts`]).
pub struct TotalParts(Vec<DefId>);

impl TotalParts {
    /// Subject `i`'s total: these awards and each stacking rule's total; `None` when one is
    /// missing or the sum leaves the exact range.
    pub fn total(&self, r: &Report<'_, '_>, i: usize) -> Option<Decimal> {
        let o = r.outcomes.get(i)?;
        let mut t = Decimal::ZERO;
        for d in &self.0 {
            let v = o.rules.iter().find(|x| x.def == *d).map(|x| &x.value)?;
            t = t.checked_add(crate::eval::stack::money(v)?)?;
        }
        for s in r.stacks.get(i).map(Vec::as_slice).unwrap_or_default() {
            t = t.checked_add(s.total?)?;
        }
        Some(t)
    }
}

/// The totals a leader reads ([`Report::grand`]).
pub struct Grand {
    /// Each stacking rule: its name, total over the subjects (`None` past the exact range) and
    /// the subjects it pays.
    pub stacks: Vec<(String, Option<Decimal>, usize)>,
    /// The sum of the subjects' totals that are known (`None` past the exact range).
    pub total: Option<Decimal>,
    /// The subjects whose total is above 0.
    pub recipients: usize,
    /// The subjects missing a value: the totals are incomplete.
    pub missing: u64,
}

impl Grand {
    /// The totals before any subject is added, for the subjects of `r` (the stacking rules and
    /// money awards its first subject has); `None` when the policy pays no money.
    pub(crate) fn of(r: &Report<'_, '_>) -> Option<Grand> {
        let (names, _) = r.stack_rules();
        if names.is_empty() && !r.subject_columns().iter().any(|d| r.money_award(*d)) {
            return None;
        }
        Some(Grand {
            stacks: names.into_iter().map(|n| (n, Some(Decimal::ZERO), 0)).collect(),
            total: Some(Decimal::ZERO),
            recipients: 0,
            missing: 0,
        })
    }

    /// Adds subject `i` of `r`: its stacking rules' totals and its total (`parts`).
    pub(crate) fn add(&mut self, r: &Report<'_, '_>, parts: &TotalParts, i: usize) {
        for (k, s) in r.stacks.get(i).map(Vec::as_slice).unwrap_or_default().iter().enumerate() {
            // A missing result is left out of the total, which the count of subjects missing
            // data says is incomplete; `None` there is past the exact range.
            if s.missing() {
                continue;
            }
            if let Some(slot) = self.stacks.get_mut(k) {
                slot.1 = match (slot.1, s.total) {
                    (Some(a), Some(b)) => a.checked_add(b),
                    _ => None,
                };
                if s.total.is_some_and(|t| t > Decimal::ZERO) {
                    slot.2 += 1;
                }
            }
        }
        if let Some(t) = parts.total(r, i) {
            self.total = self.total.and_then(|a| a.checked_add(t));
            if t > Decimal::ZERO {
                self.recipients += 1;
            }
        }
    }
}

/// The missing results of a report written one subject at a time, counted as
/// [`Report::missing`] counts them: per rule shown (the first subject's), the subjects without
/// its value, and the subjects with any missing value.
#[derive(Default)]
pub struct MissingCount {
    by_rule: Option<Vec<(DefId, u64)>>,
    /// The stacking rules whose result is missing, as they are met.
    by_stack: Vec<(DefId, u64)>,
    subjects: u64,
}

impl MissingCount {
    /// Counts subject `o`, the one subject of `one` (with its stacking rules); whether it
    /// misses any value.
    pub fn add(&mut self, one: &Report<'_, '_>, o: &SubjectOutcome) -> bool {
        let by_rule = self
            .by_rule
            .get_or_insert_with(|| one.subject_columns().into_iter().map(|d| (d, 0)).collect());
        let rules = count_missing(by_rule, o);
        let stacks = one.stacks.first().map(Vec::as_slice).unwrap_or_default();
        let stacked = one.count_stack_missing(&mut self.by_stack, stacks);
        let any = rules || stacked;
        self.subjects += u64::from(any);
        any
    }

    /// The rules with missing values and their counts, and the subjects missing any.
    pub fn result(&self) -> (Vec<(DefId, u64)>, u64) {
        let by_rule = self
            .by_rule
            .iter()
            .flatten()
            .copied()
            .filter(|(_, n)| *n > 0)
            .chain(self.by_stack.iter().copied())
            .collect();
        (by_rule, self.subjects)
    }
}

/// Counts, per rule of `by_rule`, subject `o` when it misses that rule's value; whether it
/// misses any ([`Report::missing`]).
pub(crate) fn count_missing(by_rule: &mut [(DefId, u64)], o: &SubjectOutcome) -> bool {
    let mut any = false;
    for (d, n) in by_rule {
        if o.rules.iter().find(|x| x.def == *d).is_none_or(|x| x.value == V::Missing) {
            *n += 1;
            any = true;
        }
    }
    any
}

/// `ZC0702` for each of `totals` that left the exact range, labelled at the award's declaration.
pub(crate) fn overflow_diagnostics(
    r: &Report<'_, '_>,
    totals: &[Total],
) -> Vec<crate::diagnostics::Diagnostic> {
    totals
        .iter()
        .filter(|t| t.overflowed)
        .filter_map(|t| {
            let (name, span) = r.checked.scope.ident_of(t.def)?;
            let loc = crate::source::Loc::new(&r.policy.file, span);
            Some(crate::eval::overflow::total_overflow(name, loc))
        })
        .collect()
}

/// Each award's total and recipients, added up one subject at a time, in the order the awards
/// first appear.
#[derive(Default)]
pub struct Totals(pub Vec<Total>);

impl Totals {
    /// Adds one subject's awards, as paid: an award a stacking rule takes counts what the rule
    /// pays of it (nothing for the lower side of `就高不重复`), the others their amount.
    pub fn add(&mut self, r: &Report<'_, '_>, o: &SubjectOutcome, stacks: &[StackOutcome]) {
        for rule in &o.rules {
            if !r.is_award(rule.def) {
                continue;
            }
            let own = match rule.value {
                V::Num(n, d) if d == Dim::MONEY => n,
                _ => Decimal::ZERO,
            };
            let name = r.name(rule.def);
            let mut taken = stacks
                .iter()
                .flat_map(|s| &s.members)
                .filter(|m| m.name == name)
                // Unknown (the amount already received is missing): left out of the total,
                // which the count of subjects missing data says is incomplete.
                .map(|m| m.paid.unwrap_or(Decimal::ZERO))
                .peekable();
            let amount = if taken.peek().is_some() {
                // Under two stacking rules, the award is paid at most once: the smaller.
                taken.fold(own, Decimal::min)
            } else {
                own
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

/// How many subjects of the report have an award that cannot be worked out, and which
/// (`3 subjects have undetermined awards: 甲 (补助), …`), at most ten named; `None` when none.
pub fn undetermined_line(r: &Report<'_, '_>, lang: Lang) -> Option<String> {
    let list = r.undetermined_awards();
    let named: Vec<(String, Vec<String>)> = list
        .iter()
        .take(UNDETERMINED_SHOWN)
        .map(|(key, awards)| (key.to_string(), awards.iter().map(|a| a.to_string()).collect()))
        .collect();
    undetermined_words(list.len(), &named, lang)
}

/// How many subjects [`undetermined_line`] names at most.
pub(crate) const UNDETERMINED_SHOWN: usize = 10;

/// [`undetermined_line`]'s words for `n` subjects, of which `named` (at most
/// [`UNDETERMINED_SHOWN`]) are named with their awards.
pub(crate) fn undetermined_words(
    n: usize,
    named: &[(String, Vec<String>)],
    lang: Lang,
) -> Option<String> {
    if n == 0 {
        return None;
    }
    let zh = lang == Lang::Zh;
    let named: Vec<String> = named
        .iter()
        .map(|(key, awards)| {
            if zh {
                format!("{key}（{}）", awards.join("、"))
            } else {
                format!("{key} ({})", awards.join(", "))
            }
        })
        .collect();
    let more = n.saturating_sub(UNDETERMINED_SHOWN);
    Some(if zh {
        let tail = if more > 0 { format!("，另有 {more} 个") } else { String::new() };
        format!("{n} 个主体的奖励无法确定（缺数据）：{}{tail}", named.join("；"))
    } else {
        let tail = if more > 0 { format!(", and {more} more") } else { String::new() };
        let s = if n == 1 { " has an undetermined award" } else { "s have undetermined awards" };
        format!("{n} subject{s} (missing data): {}{tail}", named.join("; "))
    })
}

/// `合计`, or `合计（不完整：3 个主体缺数据）`: the label of a report's row of totals.
pub(super) fn total_label(missing: u64, lang: Lang) -> String {
    match (missing, lang) {
        (0, Lang::Zh) => "合计".into(),
        (0, Lang::En) => "total".into(),
        (m, Lang::Zh) => format!("合计（不完整：{m} 个主体缺数据）"),
        (m, Lang::En) => {
            format!("total (incomplete: {m} subject{} missing data)", if m == 1 { "" } else { "s" })
        }
    }
}

/// A [`Code::Io`] diagnostic: the report cannot be written to `path`.
pub fn cannot_write(path: Option<&std::path::Path>, why: &str) -> crate::diagnostics::Diagnostic {
    let name = path.map_or_else(|| "--out".to_string(), |p| p.display().to_string());
    let file: std::sync::Arc<crate::source::SourceFile> =
        crate::source::SourceFile::new(name.clone(), "");
    crate::diagnostics::Diagnostic::new(
        crate::diagnostics::Code::Io,
        crate::diagnostics::Text::new(
            format!("无法写入 `{name}`：{why}"),
            format!("cannot write `{name}`: {why}"),
        ),
    )
    .at(
        crate::source::Loc::new(&file, crate::source::Span::default()),
        crate::diagnostics::Text::new("输出文件", "output file"),
    )
}

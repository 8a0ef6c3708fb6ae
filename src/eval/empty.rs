//! The fields whose empty cells leave results missing (`ZC0950`): for each subject with a rule
//! 「缺数据」, the fields its derivation reads that the data leaves empty, added up per field
//! over a run. `ZC0708` counts the results missing per rule; this says which cell to fill in.
//!
//! A field is named for a rule when the rule's derivation ([`Evaluator::empty_inputs`]) reaches it
//! through values that are missing themselves: a field read only by a value that was worked
//! out is no cause. Worked out only for the subjects with a missing result.

use std::collections::BTreeMap;

use super::Evaluator;
use super::explain::EmptyInput;
use super::outcome::{Detail, SubjectOutcome};
use super::value::V;
use crate::ast::{ItemKind, Policy};
use crate::checker::Checked;
use crate::checker::scope::{DefId, Scope};
use crate::data::Record;
use crate::diagnostics::{Code, Diagnostic, Text};
use crate::source::Loc;

/// How many subjects a warning names; the others are counted.
const SUBJECTS_NAMED: usize = 3;

/// How many rules a warning names; the others are counted.
const RULES_NAMED: usize = 3;

/// One field (read in the evaluation year, or in the year given) over a run.
#[derive(Clone, Debug, Default)]
struct Entry {
    /// The subjects that leave it empty where a missing result reads it.
    subjects: u64,
    /// The first of them, by id.
    named: Vec<String>,
    /// The missing rules that read it, in the order first met.
    rules: Vec<DefId>,
    /// A member kind's field, read by an aggregation: `subjects` and `named` are members.
    member: bool,
}

/// The empty fields behind the missing results of a run, subject by subject ([`Self::add`]),
/// said once per field at the end ([`Self::diagnostics`]).
#[derive(Clone, Debug, Default)]
pub struct EmptyFields {
    /// By field and the year it was read in, when not the evaluation year.
    fields: BTreeMap<(DefId, Option<u16>), Entry>,
}

impl EmptyFields {
    pub fn new() -> EmptyFields {
        EmptyFields::default()
    }

    /// Counts the empty fields behind subject `o`'s missing results; `record` is its data and
    /// `ev` the evaluator that gave `o`.
    pub fn add(&mut self, ev: &Evaluator<'_, '_>, record: &Record, o: &SubjectOutcome) {
        let scope = &ev.checked.scope;
        // A subject whose evaluation failed (an error, reported) is not explained: its values
        // are not missing for want of data, and explaining would repeat the failure.
        if o.rules.iter().any(|r| matches!(r.detail, Detail::Failed)) {
            return;
        }
        // The rules of the document (awards, conditions, scores, grades ...), not the named
        // values on the way to them: an empty field that matters leaves a rule missing.
        let roots: Vec<DefId> = o
            .rules
            .iter()
            .filter(|r| r.value == V::Missing && names_empty_fields(scope, r.def))
            .map(|r| r.def)
            .collect();
        if roots.is_empty() {
            return;
        }
        self.count(record, &roots, ev.empty_inputs(record, o.year, &roots));
    }

    /// Counts subject `record`'s empty fields `inputs`, those behind each of `roots`: a field
    /// of the subject once for it, a member's field once for each member that leaves it empty.
    fn count(&mut self, record: &Record, roots: &[DefId], inputs: Vec<Vec<EmptyInput>>) {
        // By field and year: the missing rules that read it, and the members that leave it empty.
        type Found = (Vec<DefId>, Vec<String>);
        let mut found: BTreeMap<(DefId, Option<u16>), Found> = BTreeMap::new();
        for (root, inputs) in roots.iter().zip(inputs) {
            for input in inputs {
                let (rules, members) = found.entry((input.field, input.year)).or_default();
                if !rules.contains(root) {
                    rules.push(*root);
                }
                if let Some(m) = input.member
                    && !members.contains(&m)
                {
                    members.push(m);
                }
            }
        }
        for (key, (rules, members)) in found {
            let e = self.fields.entry(key).or_default();
            e.member |= !members.is_empty();
            let who = if members.is_empty() { vec![record.key.clone()] } else { members };
            e.subjects = e.subjects.saturating_add(who.len() as u64);
            let room = SUBJECTS_NAMED.saturating_sub(e.named.len());
            e.named.extend(who.into_iter().take(room));
            for r in rules {
                if !e.rules.contains(&r) {
                    e.rules.push(r);
                }
            }
        }
    }

    /// Counts the empty fields behind `rules`, the rules of subject `record` the report found
    /// missing in `year` (a compiled report's second pass: nothing else is evaluated).
    pub fn add_rules(
        &mut self,
        ev: &Evaluator<'_, '_>,
        record: &Record,
        year: Option<u16>,
        rules: &[DefId],
    ) {
        let roots: Vec<DefId> =
            rules.iter().copied().filter(|d| names_empty_fields(&ev.checked.scope, *d)).collect();
        self.count(record, &roots, ev.empty_inputs(record, year, &roots));
    }

    /// Counts the empty field behind each of `stacks` (subject `record`'s stacking rules, as
    /// `ev`'s policy applies them) whose result is missing: the amount already received it
    /// deducts (`扣除 FIELD`), read in the evaluation year.
    pub fn add_stacks(
        &mut self,
        ev: &Evaluator<'_, '_>,
        record: &Record,
        stacks: &[super::stack::StackOutcome],
    ) {
        let scope = &ev.checked.scope;
        let mut roots = Vec::new();
        let mut inputs = Vec::new();
        for s in stacks.iter().filter(|s| s.missing()) {
            let Some(got) = &s.received else { continue };
            let Some(field) = ev.lookup(&got.field) else { continue };
            let Some(rule) = scope
                .defs
                .iter()
                .position(|d| d.name == s.rule && matches!(d.kind(), Some(ItemKind::Stack(_))))
            else {
                continue;
            };
            roots.push(rule);
            inputs.push(vec![EmptyInput { field, year: None, member: None }]);
        }
        if !roots.is_empty() {
            self.count(record, &roots, inputs);
        }
    }

    /// Adds the fields counted over a later part of the subjects (in the order they come).
    pub fn merge(&mut self, other: EmptyFields) {
        for (key, e) in other.fields {
            let mine = self.fields.entry(key).or_default();
            mine.subjects += e.subjects;
            mine.member |= e.member;
            let room = SUBJECTS_NAMED.saturating_sub(mine.named.len());
            mine.named.extend(e.named.into_iter().take(room));
            for r in e.rules {
                if !mine.rules.contains(&r) {
                    mine.rules.push(r);
                }
            }
        }
    }

    /// Whether no missing result read an empty field.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// `ZC0950` for each field, in the order the policy declares them: the subjects that leave
    /// it empty, the results it leaves missing, labelled at the field's declaration.
    pub fn diagnostics(&self, policy: &Policy, checked: &Checked<'_>) -> Vec<Diagnostic> {
        let scope = &checked.scope;
        let mut out = Vec::new();
        for ((field, year), e) in &self.fields {
            let Some((name, span)) = scope.ident_of(*field) else { continue };
            // A member kind's field is named with its kind (`合同.金额`), its members counted.
            let kind = scope
                .defs
                .get(*field)
                .and_then(|d| d.subject)
                .and_then(|s| scope.subjects.get(s))
                .map(|s| s.decl.name.node.as_str())
                .filter(|_| e.member);
            let name = match kind {
                Some(k) => format!("{k}.{name}"),
                None => name.to_string(),
            };
            let shown = match year {
                Some(y) => format!("{name}[{y}年]"),
                None => name,
            };
            let rules = &e.rules;
            let rule_names: Vec<String> = rules
                .iter()
                .filter_map(|d| scope.ident_of(*d).map(|(n, _)| format!("`{n}`")))
                .collect();
            let (rules_zh, rules_en) = listed(&rule_names, RULES_NAMED, "项", "more");
            let subject_names: Vec<String> = e.named.iter().map(|k| format!("`{k}`")).collect();
            let n = e.subjects;
            let rest = usize::try_from(n).unwrap_or(usize::MAX).saturating_sub(e.named.len());
            // `甲`、`乙` 的 …; `甲`、`乙`、`丙` 等 19 个主体的 … (no space between 主体 and 的).
            let (subjects_zh, subjects_en) = if rest == 0 {
                (format!("{} 的", subject_names.join("、")), subject_names.join(", "))
            } else {
                (
                    format!("{} 等 {n} 个{}的", subject_names.join("、"), kind.unwrap_or("主体")),
                    format!("{} and {rest} more", subject_names.join(", ")),
                )
            };
            let s = if n == 1 { "" } else { "s" };
            // Subjects, or the members of kind `k` (`3 个合同`, `3 members (合同)`).
            let (of_zh, of_en) = match kind {
                Some(k) => (format!("{n} 个{k}"), format!("{n} member{s} (`{k}`)")),
                None => (format!("{n} 个主体"), format!("{n} subject{s}")),
            };
            out.push(
                Diagnostic::new(
                    Code::EmptyField,
                    Text::new(
                        format!("字段 `{shown}` 在 {of_zh}的数据中留空，用到它的结果缺数据：{rules_zh}"),
                        format!(
                            "field `{shown}` is empty for {of_en}, and results that use it are missing: {rules_en}"
                        ),
                    ),
                )
                .at(
                    Loc::new(&policy.file, span),
                    Text::new(format!("{of_zh}留空"), format!("empty for {of_en}")),
                )
                .help(Text::new(
                    format!(
                        "在数据文件中填上 {subjects_zh} `{shown}` 后重新评估；原文把不填当作某个值的（如没有省市补助即为 0元），可在这个字段的声明后写缺省值（`= 值`），并在上一行用 `# 解读：` 说明"
                    ),
                    format!(
                        "fill in `{shown}` for {subjects_en} in the data file and evaluate again; where the document reads an empty value as a given one (no provincial grant meaning 0元), declare a default after the field (`= VALUE`) with a `# 解读：` comment above it"
                    ),
                )),
            );
        }
        out
    }
}

/// Whether a missing value of `def` is a result whose empty fields `ZC0950` names: a rule of
/// the document reported per subject (a condition, indicators, a score, a grade, an award, a
/// status), not a named value on the way to one (`令`), whose missing value shows in the rules
/// that read it.
pub fn names_empty_fields(scope: &Scope<'_>, def: DefId) -> bool {
    scope.defs.get(def).is_some_and(|d| {
        d.subject.is_some()
            && d.kind().is_some_and(|k| k.is_rule() && !matches!(k, ItemKind::Let(_)))
    })
}

/// The first `max` of `names` joined, the others counted: (Chinese, English).
fn listed(names: &[String], max: usize, zh_unit: &str, en_more: &str) -> (String, String) {
    let shown: Vec<&str> = names.iter().take(max).map(String::as_str).collect();
    let rest = names.len().saturating_sub(max);
    if rest == 0 {
        (shown.join("、"), shown.join(", "))
    } else {
        (
            format!("{} 等 {} {zh_unit}", shown.join("、"), names.len()),
            format!("{} and {rest} {en_more}", shown.join(", ")),
        )
    }
}

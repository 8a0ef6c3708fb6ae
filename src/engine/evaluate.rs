//! Evaluating a policy on a data file: every subject's outcome, the stacking rules applied to
//! each (the policies they import evaluated on the same data), and the basis of the awards.

use std::collections::BTreeMap;
use std::path::Path;

use super::imports as stack;
use super::load::{kind_of, load, no_subject};
use crate::ast::Policy;
use crate::checker::{Checked, check};
use crate::diagnostics::Diagnostics;
use crate::eval::Evaluator;
use crate::eval::coverage::Coverage;
use crate::eval::outcome::SubjectOutcome;
use crate::eval::stack::StackOutcome;
use crate::report::basis::BasisRow;
use crate::report::{self, Report};

/// What to evaluate: the subject kind the data holds, one subject only, the year, and the
/// parameters given (`名称=值`), as `zhengce eval` takes them.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The subject kind; else the data file's name (`NAME.KIND.ext`) or the policy's only kind.
    pub kind: Option<String>,
    /// Only the subject with this id.
    pub subject: Option<String>,
    /// The evaluation year; else the latest year the data gives a value for.
    pub year: Option<u16>,
    /// Parameter values, `名称=值` or `名称(单位)=值`, over the data's own.
    pub params: Vec<String>,
    /// Each outcome with its working: every value its rules name or compute, by name
    /// (`SubjectOutcome::values`).
    pub working: bool,
    /// Evaluate a year outside the policy's validity period all the same (`ZC0707`, each
    /// outcome marked); without it such a year is not evaluated (`ZC0711`).
    pub outside_validity: bool,
}

/// Every subject's outcome, the stacking rules applied to each, the basis of their awards when
/// asked for, and the evaluation's diagnostics.
pub type Evaluated = (Vec<SubjectOutcome>, Vec<Vec<StackOutcome>>, Vec<BasisRow>, Diagnostics);

/// Loads the data and evaluates every subject in it, with the policy's stacking rules applied
/// to each subject (the policies they import are evaluated on the same data); with `basis`, also
/// explains each award.
pub fn evaluate(
    policy: &Policy,
    checked: &Checked<'_>,
    data: &Path,
    opts: &Options,
    basis: bool,
    coverage: Option<&Coverage>,
) -> Result<Evaluated, Diagnostics> {
    let kind = kind_of(policy, data, opts.kind.as_deref()).unwrap_or_default();
    let imported = stack::imports(policy, &kind)?;
    let own_names = stack::data_names(policy, &kind);
    let others = stack::imported_names(policy, &kind);
    let loaded =
        load(policy, checked, data, opts.kind.as_deref(), opts.year, &opts.params, &others)?;
    let mut ev = Evaluator::new(policy, checked, loaded.subject, loaded.params.clone());
    ev.param_gaps(&loaded.dataset.param_gaps);
    // Each owner's members, from the file beside the owners' (`NAME.合同.csv`).
    for m in super::members::load_members(policy, checked, data, &loaded, &opts.params, &others)? {
        ev.add_members(m.kind, m.groups);
    }
    if let Some(c) = coverage {
        ev.record_coverage(c.clone());
    }
    // The 计算依据 shows each award's arithmetic, from its working.
    ev.show_working(opts.working || basis);
    let mut outcomes = Vec::new();
    let mut diags = loaded.notes.clone();
    match super::validity::check_year(policy, loaded.year, opts.outside_validity) {
        Some(d) if d.severity == crate::diagnostics::Severity::Error => {
            diags.push(d);
            return Err(diags);
        }
        Some(d) => diags.push(d),
        None => {}
    }
    // A pool cuts each claim by the claims of every subject: with one, every subject is
    // evaluated and the one asked for kept after the cut.
    let pooled = !crate::eval::pool::specs(policy, checked, loaded.subject).is_empty();
    for record in &loaded.dataset.records {
        if !pooled && opts.subject.as_ref().is_some_and(|s| *s != record.key) {
            continue;
        }
        let (o, d) = ev.evaluate(record, loaded.year);
        outcomes.push(o);
        diags.extend(d);
    }
    if let Some(s) = &opts.subject
        && !outcomes.iter().any(|o| o.key == *s)
    {
        let keys = loaded.dataset.records.iter().map(|r| r.key.as_str());
        return Err(no_subject(data, s, keys));
    }
    if pooled {
        let (_, pool_diags) =
            crate::eval::pool::apply(policy, checked, loaded.subject, &mut outcomes);
        diags.extend(pool_diags);
        if let Some(s) = &opts.subject {
            outcomes.retain(|o| o.key == *s);
        }
    }
    // The empty fields behind the results missing data, said once per field (`ZC0950`).
    let mut empty = crate::eval::empty::EmptyFields::new();
    let records: BTreeMap<&str, &crate::data::Record> =
        loaded.dataset.records.iter().map(|r| (r.key.as_str(), r)).collect();
    for o in &outcomes {
        if let Some(record) = records.get(o.key.as_str()) {
            empty.add(&ev, record, o);
        }
    }
    // Each imported policy on the same data: its awards per subject.
    let mut imported_amounts: BTreeMap<
        String,
        BTreeMap<String, BTreeMap<String, rust_decimal::Decimal>>,
    > = BTreeMap::new();
    for imp in &imported {
        let (ichecked, _) = check(&imp.policy);
        let mut known = own_names.clone();
        known.extend(others.iter().cloned());
        let ikind = imp
            .policy
            .subject_names()
            .into_iter()
            .find(|k| *k == kind)
            .map(str::to_string)
            .or_else(|| match imp.policy.subject_names().as_slice() {
                [one] => Some((*one).to_string()),
                _ => None,
            });
        let iloaded = load(
            &imp.policy,
            &ichecked,
            data,
            ikind.as_deref(),
            loaded.year,
            &opts.params,
            &known,
        )?;
        let mut iev = Evaluator::new(&imp.policy, &ichecked, iloaded.subject, iloaded.params);
        iev.param_gaps(&iloaded.dataset.param_gaps);
        let mut iout = Vec::new();
        for record in &iloaded.dataset.records {
            let (o, d) = iev.evaluate(record, iloaded.year);
            iout.push(o);
            diags.extend(d);
        }
        let mut per_award = BTreeMap::new();
        for rule in stack::stack_rules(policy, &kind) {
            for m in &rule.members {
                if let [alias, award] = m.node.as_slice()
                    && alias.node == imp.alias
                {
                    per_award
                        .insert(award.node.clone(), stack::amounts(&ichecked, &iout, &award.node));
                }
            }
        }
        imported_amounts.insert(imp.alias.clone(), per_award);
    }
    if loaded.year.is_none() {
        // The evaluator cannot know which years the data holds: its help is made specific here.
        diags = diags
            .sorted()
            .into_iter()
            .map(|mut d| {
                if d.code == crate::diagnostics::Code::NoYear {
                    d.help = Some(super::load::no_year_help(&loaded.row_years));
                }
                d
            })
            .collect::<Vec<_>>()
            .into();
    }
    // What a stacking rule deducts (`扣除 FIELD`): the subject's field as a rule reads it.
    let received = |o: &SubjectOutcome, field: &str| {
        records.get(o.key.as_str()).and_then(|r| ev.field_money(r, loaded.year, field))
    };
    let (stacks, stack_diags) = stack::apply(
        &stack::Stacking::new(policy, checked, &kind),
        &outcomes,
        &imported_amounts,
        &received,
    );
    diags.extend(stack_diags);
    // A stacking rule's missing result: the amount already received it deducts, left empty.
    for (o, s) in outcomes.iter().zip(&stacks) {
        if s.iter().any(crate::eval::stack::StackOutcome::missing)
            && let Some(record) = records.get(o.key.as_str())
        {
            empty.add_stacks(&ev, record, s);
        }
    }
    for d in empty.diagnostics(policy, checked) {
        diags.push(d);
    }
    let rows = if basis {
        let r = Report { policy, checked, outcomes: &outcomes, stacks: &stacks };
        report::basis::rows(&r, &ev, &loaded.dataset.records)
    } else {
        Vec::new()
    };
    Ok((outcomes, stacks, rows, diags))
}

//! Stacking between policies: several awards for the same subject, paid together (累加: "在市级
//! 奖励基础上，县里再给予") or only the highest (就高不重复).

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use crate::ast::{ItemKind, Policy, StackDecl, StackMode};
use crate::checker::Checked;
use crate::checker::scope::DefId;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Text};
use crate::eval::outcome::SubjectOutcome;
use crate::eval::value::V;
use crate::source::Loc;
use crate::units::Dim;

/// One award named by a stacking rule, with what it would pay on its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The award as the rule names it (`泽州.专精特新奖励`).
    pub name: String,
    /// What it pays on its own, in 元; `None` when it could not be evaluated.
    pub amount: Option<Decimal>,
    /// What it pays under the rule; `None` when that is not known: the highest award of a rule
    /// with `扣除` whose amount already received the data leaves empty.
    pub paid: Option<Decimal>,
}

/// `扣除 FIELD` of a stacking rule applied to one subject: what the subject has already
/// received for the same matter under a document outside the workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    /// The subject's field that gives it, as the rule names it (`已获同一事项支持`).
    pub field: String,
    /// Its value for the subject, in 元; `None` when the data leaves it empty (and it declares
    /// no default): the rule's result is then missing, never worked out as if nothing had been
    /// received.
    pub amount: Option<Decimal>,
}

/// A stacking rule applied to one subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackOutcome {
    pub rule: String,
    pub mode: StackMode,
    pub members: Vec<Member>,
    /// The amount already received that the rule deducts (`扣除 FIELD`); `None` for a rule
    /// without `扣除`.
    pub received: Option<Received>,
    /// What the subject receives from these awards together; `None` when it is missing (see
    /// [`StackOutcome::missing`]) or when the sum is beyond what a decimal can hold exactly
    /// (reported as [`Code::Overflow`] by [`overflow`]).
    pub total: Option<Decimal>,
}

impl StackOutcome {
    /// Whether the rule's result is missing: it deducts an amount already received that the
    /// data leaves empty. Reports write it 「缺数据」 (a total of `None` that is not missing is
    /// past the exact range).
    pub fn missing(&self) -> bool {
        self.received.as_ref().is_some_and(|r| r.amount.is_none())
    }
}

/// Applies a rule to the members' own amounts. Under 就高不重复 the highest is paid in full and
/// the others nothing (on a tie, the first named); with `received` (`扣除 FIELD`), the highest
/// is paid only what it adds to the amount already received, `max(0, amount − received)` (a
/// negative amount received counts as none), and nothing is known of it when that amount is
/// missing. Under 累加 each is paid in full (the checker refuses `扣除` there, `ZC0212`).
pub fn combine(
    rule: &str,
    mode: StackMode,
    amounts: Vec<(String, Option<Decimal>)>,
    received: Option<Received>,
) -> StackOutcome {
    let mut members: Vec<Member> = amounts
        .into_iter()
        .map(|(name, amount)| Member { name, amount, paid: Some(Decimal::ZERO) })
        .collect();
    match mode {
        StackMode::Additive => {
            for m in &mut members {
                m.paid = Some(m.amount.unwrap_or(Decimal::ZERO));
            }
        }
        StackMode::Exclusive => {
            let mut best: Option<usize> = None;
            for (i, m) in members.iter().enumerate() {
                let a = m.amount.unwrap_or(Decimal::ZERO);
                if best
                    .and_then(|b| members.get(b))
                    .is_none_or(|b| a > b.amount.unwrap_or(Decimal::ZERO))
                {
                    best = Some(i);
                }
            }
            if let Some(m) = best.and_then(|b| members.get_mut(b)) {
                let a = m.amount.unwrap_or(Decimal::ZERO);
                m.paid = match &received {
                    None => Some(a),
                    Some(Received { amount: None, .. }) => None,
                    // What is deducted lies between 0 and the amount: the difference is exact.
                    Some(Received { amount: Some(r), .. }) => {
                        let deducted = (*r).max(Decimal::ZERO).min(a.max(Decimal::ZERO));
                        a.checked_sub(deducted)
                    }
                };
            }
        }
    }
    let total =
        members.iter().try_fold(Decimal::ZERO, |s, m| m.paid.and_then(|p| s.checked_add(p)));
    StackOutcome { rule: rule.to_string(), mode, members, received, total }
}

/// `ZC0702` for a stacking rule whose total for the subject `key` is beyond what a decimal can
/// hold exactly; `at` is the rule's name where it is written.
pub fn overflow(at: Loc, rule: &str, key: &str) -> Diagnostic {
    Diagnostic::new(
        Code::Overflow,
        Text::new(
            format!("主体 `{key}` 按叠加规则 `{rule}` 合计的金额超出可精确表示的范围"),
            format!(
                "the total of the stacking rule `{rule}` for `{key}` is beyond what can be represented exactly"
            ),
        ),
    )
    .at(at, Text::new("此叠加规则", "this stacking rule"))
    .help(Text::new(
        "核对数据中各项奖励的金额及其单位",
        "check the awards' amounts in the data and their units",
    ))
}

/// The stacking rules that apply to subjects of `kind`: those written in `对于 kind`, and those
/// at the top level whose awards of this policy belong to `kind` (or that name none of its own).
pub fn stack_rules<'p>(policy: &'p Policy, kind: &str) -> Vec<&'p StackDecl> {
    let mut out = Vec::new();
    let mut local_awards: BTreeSet<&str> = BTreeSet::new();
    for i in &policy.items {
        if let ItemKind::For(f) = &i.node.kind
            && f.subject.node == kind
        {
            for inner in &f.items {
                match &inner.node.kind {
                    ItemKind::Stack(s) => out.push(s),
                    ItemKind::Award(a) => {
                        local_awards.insert(a.name.node.as_str());
                    }
                    _ => {}
                }
            }
        }
    }
    for i in &policy.items {
        if let ItemKind::Stack(s) = &i.node.kind {
            let own: Vec<&str> = s
                .members
                .iter()
                .filter_map(|m| match m.node.as_slice() {
                    [one] => Some(one.node.as_str()),
                    _ => None,
                })
                .collect();
            if own.is_empty() || own.iter().any(|a| local_awards.contains(a)) {
                out.push(s);
            }
        }
    }
    out
}

/// The stacking rules for one subject kind, resolved once: each member's award as this
/// policy's definitions of that name, or an imported policy's alias and award.
pub struct Stacking<'p> {
    rules: Vec<Rule<'p>>,
}

struct Rule<'p> {
    decl: &'p StackDecl,
    /// The rule's own definition (for labelling it).
    def: Option<DefId>,
    loc: Loc,
    members: Vec<(String, Source)>,
}

/// A stacking rule as the tabular reports lay it out: its name, its definition (to label it
/// in a diagnostic) and the field it deducts (`扣除 FIELD`), whose amount has a column of its
/// own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleHead {
    pub name: String,
    pub def: Option<DefId>,
    pub received: Option<String>,
}

/// The definition of the stacking rule `decl` among `checked`'s.
pub fn rule_def(checked: &Checked<'_>, decl: &StackDecl) -> Option<DefId> {
    checked.scope.defs.iter().position(|d| {
        d.span == decl.name.span
            && d.name == decl.name.node
            && matches!(d.kind(), Some(ItemKind::Stack(_)))
    })
}

/// Where a member's amount comes from.
pub enum Source {
    /// This policy's award: the definitions named so.
    Local(Vec<DefId>),
    /// An imported policy's award: its alias and name.
    Imported(String, String),
    /// A name the rule cannot take (the checker reports it): never evaluated.
    Other,
}

impl<'p> Stacking<'p> {
    /// The stacking rules that apply to subjects of `kind` ([`stack_rules`]).
    pub fn new(policy: &'p Policy, checked: &Checked<'_>, kind: &str) -> Stacking<'p> {
        let rules = stack_rules(policy, kind)
            .into_iter()
            .map(|decl| {
                let members = decl
                    .members
                    .iter()
                    .map(|m| {
                        let names: Vec<&str> = m.node.iter().map(|i| i.node.as_str()).collect();
                        let member = match names.as_slice() {
                            [award] => Source::Local(
                                checked
                                    .scope
                                    .defs
                                    .iter()
                                    .enumerate()
                                    .filter(|(_, d)| d.name == *award)
                                    .map(|(id, _)| id)
                                    .collect(),
                            ),
                            [alias, award] => {
                                Source::Imported((*alias).to_string(), (*award).to_string())
                            }
                            _ => Source::Other,
                        };
                        (names.join("."), member)
                    })
                    .collect();
                let def = rule_def(checked, decl);
                Rule { decl, def, loc: Loc::new(&policy.file, decl.name.span), members }
            })
            .collect();
        Stacking { rules }
    }

    /// The awards the rules take from the imported policy `alias`, by name, each once.
    pub fn imported_awards(&self, alias: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (_, m) in self.rules.iter().flat_map(|r| &r.members) {
            if let Source::Imported(a, award) = m
                && a == alias
                && !out.contains(award)
            {
                out.push(award.clone());
            }
        }
        out
    }

    /// The rules, in order: each one's name, how it combines, and its members (the name as the
    /// rule writes it, and where the amount comes from).
    pub fn rules(&self) -> impl Iterator<Item = (&str, StackMode, &[(String, Source)])> {
        self.rules.iter().map(|r| (r.decl.name.node.as_str(), r.decl.mode, r.members.as_slice()))
    }

    /// The names of the rules, in order.
    pub fn names(&self) -> Vec<String> {
        self.rules.iter().map(|r| r.decl.name.node.clone()).collect()
    }

    /// The rules as the tabular reports lay them out, in order.
    pub fn heads(&self) -> Vec<RuleHead> {
        self.rules
            .iter()
            .map(|r| RuleHead {
                name: r.decl.name.node.clone(),
                def: r.def,
                received: r.decl.received.as_ref().map(|f| f.node.clone()),
            })
            .collect()
    }

    /// Whether no stacking rule applies.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The definitions of this policy whose amounts the rules read.
    pub fn local_defs(&self) -> Vec<DefId> {
        let mut out: Vec<DefId> = Vec::new();
        for (_, m) in self.rules.iter().flat_map(|r| &r.members) {
            if let Source::Local(defs) = m {
                for def in defs {
                    if !out.contains(def) {
                        out.push(*def);
                    }
                }
            }
        }
        out
    }

    /// The fields the rules deduct (`扣除 FIELD`), each once, in order.
    pub fn received_fields(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for r in &self.rules {
            if let Some(f) = &r.decl.received
                && !out.contains(&f.node.as_str())
            {
                out.push(f.node.as_str());
            }
        }
        out
    }

    /// Every rule applied to one subject, `o`; `imported` gives an imported policy's award for
    /// this subject by alias and award, `received` the value of the subject's field of that name
    /// in 元 (`None` when the data leaves it empty) for the rules with `扣除`. A total beyond the
    /// exact range is `ZC0702` in `diags`.
    pub fn subject(
        &self,
        o: &SubjectOutcome,
        imported: &dyn Fn(&str, &str) -> Option<Decimal>,
        received: &dyn Fn(&str) -> Option<Decimal>,
        diags: &mut Diagnostics,
    ) -> Vec<StackOutcome> {
        self.subject_from(&o.key, &|defs| award_amount(o, defs), imported, received, diags)
    }

    /// Every rule applied to the subject `key`, whose awards `local` gives by their definitions
    /// (as [`award_amount`] finds them) and `imported` by alias and award, and whose field
    /// `received` gives by name. A total beyond the exact range is `ZC0702` in `diags`.
    pub fn subject_from(
        &self,
        key: &str,
        local: &dyn Fn(&[DefId]) -> Option<Decimal>,
        imported: &dyn Fn(&str, &str) -> Option<Decimal>,
        received: &dyn Fn(&str) -> Option<Decimal>,
        diags: &mut Diagnostics,
    ) -> Vec<StackOutcome> {
        self.rules
            .iter()
            .map(|rule| {
                let members = rule
                    .members
                    .iter()
                    .map(|(name, m)| {
                        let amount = match m {
                            Source::Local(defs) => local(defs),
                            Source::Imported(alias, award) => imported(alias, award),
                            Source::Other => None,
                        };
                        (name.clone(), amount)
                    })
                    .collect();
                let got = rule
                    .decl
                    .received
                    .as_ref()
                    .map(|f| Received { field: f.node.clone(), amount: received(&f.node) });
                let s = combine(&rule.decl.name.node, rule.decl.mode, members, got);
                if s.total.is_none() && !s.missing() {
                    diags.push(overflow(rule.loc.clone(), &s.rule, key));
                }
                s
            })
            .collect()
    }
}

/// The amount of an award for one subject: the last of its rules among `defs` with a money value.
pub fn award_amount(o: &SubjectOutcome, defs: &[DefId]) -> Option<Decimal> {
    o.rules.iter().rev().find_map(|r| money(&r.value).filter(|_| defs.contains(&r.def)))
}

/// A rule's value as an amount of money, in 元, if it is one.
pub fn money(v: &V) -> Option<Decimal> {
    match v {
        V::Num(n, d) if *d == Dim::MONEY => Some(*n),
        _ => None,
    }
}

/// Applies every stacking rule to every subject, in one pass: `imported` has each alias's
/// amounts per award and subject id; `received` gives a subject's field by name, in 元
/// (`None` when the data leaves it empty), for the rules with `扣除`.
pub fn apply(
    stacking: &Stacking<'_>,
    outcomes: &[SubjectOutcome],
    imported: &BTreeMap<String, BTreeMap<String, BTreeMap<String, Decimal>>>,
    received: &dyn Fn(&SubjectOutcome, &str) -> Option<Decimal>,
) -> (Vec<Vec<StackOutcome>>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let stacks = outcomes
        .iter()
        .map(|o| {
            let from = |alias: &str, award: &str| {
                imported.get(alias).and_then(|p| p.get(award)).and_then(|a| a.get(&o.key)).copied()
            };
            stacking.subject(o, &from, &|field| received(o, field), &mut diags)
        })
        .collect();
    (stacks, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn exclusive_pays_only_the_highest() {
        let o = combine(
            "专精特新",
            StackMode::Exclusive,
            vec![("阳城.支持".into(), Some(d("30000"))), ("泽州.奖励".into(), Some(d("50000")))],
            None,
        );
        assert_eq!(o.total, Some(d("50000")));
        assert_eq!(o.members[0].paid, Some(d("0")));
        assert_eq!(o.members[1].paid, Some(d("50000")));
    }

    fn received(amount: Option<&str>) -> Option<Received> {
        Some(Received { field: "已获同一事项支持".into(), amount: amount.map(d) })
    }

    fn exclusive_less(amount: Option<&str>) -> StackOutcome {
        combine(
            "专精特新支持",
            StackMode::Exclusive,
            vec![("上市培育".into(), Some(d("300000"))), ("泽州.奖励".into(), Some(d("200000")))],
            received(amount),
        )
    }

    #[test]
    fn exclusive_less_received_pays_what_the_highest_adds() {
        // 300,000 is the highest; 120,000 already received: 180,000 more.
        let o = exclusive_less(Some("120000"));
        assert_eq!(o.total, Some(d("180000")));
        assert_eq!((o.members[0].paid, o.members[1].paid), (Some(d("180000")), Some(d("0"))));
        assert!(!o.missing());
        // Received more than the highest: nothing more, never a negative amount.
        let o = exclusive_less(Some("400000"));
        assert_eq!(o.total, Some(d("0")));
        assert_eq!((o.members[0].paid, o.members[1].paid), (Some(d("0")), Some(d("0"))));
        // Exactly the highest, and a negative amount counted as none.
        assert_eq!(exclusive_less(Some("300000")).total, Some(d("0")));
        assert_eq!(exclusive_less(Some("-5")).total, Some(d("300000")));
        // Fen are kept exactly.
        assert_eq!(exclusive_less(Some("0.01")).total, Some(d("299999.99")));
    }

    #[test]
    fn exclusive_less_an_empty_received_is_missing_not_zero() {
        let o = exclusive_less(None);
        assert!(o.missing());
        assert_eq!(o.total, None);
        // The lower side is known to be paid nothing; the highest is unknown.
        assert_eq!((o.members[0].paid, o.members[1].paid), (None, Some(d("0"))));
    }

    #[test]
    fn exclusive_tie_pays_the_first_once() {
        let o = combine(
            "x",
            StackMode::Exclusive,
            vec![("a".into(), Some(d("5"))), ("b".into(), Some(d("5")))],
            None,
        );
        assert_eq!(o.total, Some(d("5")));
        assert_eq!((o.members[0].paid, o.members[1].paid), (Some(d("5")), Some(d("0"))));
    }

    #[test]
    fn additive_pays_both() {
        let o = combine(
            "上市",
            StackMode::Additive,
            vec![
                ("市级".into(), Some(d("500000"))),
                ("县级".into(), Some(d("300000"))),
                ("缺".into(), None),
            ],
            None,
        );
        assert_eq!(o.total, Some(d("800000")));
    }

    #[test]
    fn additive_beyond_the_range_has_no_total() {
        let half = Decimal::MAX / Decimal::TWO + Decimal::ONE;
        let o = combine(
            "上市",
            StackMode::Additive,
            vec![("市级".into(), Some(half)), ("县级".into(), Some(half))],
            None,
        );
        assert_eq!(o.total, None);
        assert!(!o.missing());
        assert_eq!((o.members[0].paid, o.members[1].paid), (Some(half), Some(half)));
    }
}

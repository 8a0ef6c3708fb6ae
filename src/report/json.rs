//! The JSON report. Its schema is versioned ([`SCHEMA_VERSION`]) and documented field by field
//! in docs/json.md:
//!
//! ```text
//! { "document": [ { "name", "kind", "figures": { KEY: { "value", "unit", "written", "label" } },
//!                   "consistent" } ]    (the document's own figures: budgets, parts, 声明, 配套)
//!   "policy": { "file", "title" },
//!   "policy_rules": [ rule … ]          (top-level rules, the same for every subject)
//!   "pools": [ { "pool", "total", "claims", "cut", "ratio", "paid", "remainder", … } ],
//!   "schema_version": 5,
//!   "subjects": [ { "id", "year",
//!       "rules": [ { "name", "kind", "value", "citation": { "clause", "quote" } | null,
//!                    "detail": … } ],
//!       "values": [ { "name", "value", "unit", "clause", "margin" } ],   (with --working)
//!       "members": [ { "kind", "id", "rules": [ rule … ] } ],   (a kind with member kinds)
//!       "stacking": [ { "rule", "mode": "exclusive" | "additive", "total" (null when beyond range),
//!                       "members": [ { "award", "amount", "paid" } ] } ] } ],
//!   "totals": [ { "award", "total", "recipients" } ] }
//! ```
//!
//! JSON Lines (`--format jsonl`) has one line per subject: the object of `subjects`, compact.
//!
//! A number is `{ "number": "150000", "unit": "元" }`: an exact decimal string in base units
//! (money in 元; a percentage as a ratio, `"0.3"` with unit `"ratio"`). A condition is `true` or
//! `false`, a grade its band's name, missing data `null`.

use std::io::Write;

use serde_json::{Value as J, json};

use super::show::json as jv;
use super::{Report, Totals};
use crate::ast::Policy;
use crate::checker::Checked;
use crate::eval::outcome::SubjectOutcome;
use crate::eval::outcome::{Comparison, Detail, GroupResult, PartResult};
use crate::eval::stack::StackOutcome;
use crate::units::Dim;

/// The version of the JSON layout (docs/json.md): 2 added `schema_version` and each subject's
/// `values` (the working, with `eval --working`); 3 the pools (`pools`, and each award's
/// `pool`, its `amount` then after the pool's cut); 4 the document's own figures (`document`);
/// 5 each subject's `members` (the rules of each of its members, for a kind with member kinds).
pub const SCHEMA_VERSION: u32 = 5;

/// Renders the report as pretty-printed JSON.
pub fn render(r: &Report<'_, '_>) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail.
    let _ = write(r, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the report as pretty-printed JSON to `out`, one subject at a time.
pub fn write(r: &Report<'_, '_>, out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = Writer::new(r.policy, r.checked, out).pools(r.pools());
    for (i, o) in r.outcomes.iter().enumerate() {
        w.subject(o, r.stacks.get(i).map(Vec::as_slice).unwrap_or_default())?;
    }
    w.finish()
}

/// The JSON report written incrementally: the subjects as they are evaluated, each rendered on
/// its own, then the totals, in memory that does not grow with the number of subjects. The
/// bytes are those of the whole document pretty-printed at once.
pub struct Writer<'w, 'a, 'p> {
    out: &'w mut dyn Write,
    r: Report<'a, 'p>,
    totals: Totals,
    subjects: usize,
    begun: bool,
    /// The pools applied to the subjects, written before them ([`Writer::pools`]).
    pools: Vec<std::sync::Arc<crate::eval::pool::PoolResult>>,
}

impl<'w, 'a, 'p> Writer<'w, 'a, 'p> {
    pub fn new(policy: &'p Policy, checked: &'a Checked<'p>, out: &'w mut dyn Write) -> Self {
        let r = Report { policy, checked, outcomes: &[], stacks: &[] };
        Writer { out, r, totals: Totals::default(), subjects: 0, begun: false, pools: Vec::new() }
    }

    /// The pools the subjects were cut by (known before the first subject is written: a pool is
    /// applied to the whole register first).
    #[must_use]
    pub fn pools(mut self, pools: Vec<std::sync::Arc<crate::eval::pool::PoolResult>>) -> Self {
        self.pools = pools;
        self
    }

    /// The document up to its subjects: the policy, and the top-level rules as `first` has them.
    fn begin(&mut self, first: Option<&SubjectOutcome>) -> std::io::Result<()> {
        self.begun = true;
        let r = &self.r;
        let policy = json!({ "file": r.policy.file.name, "title": r.title() });
        let policy_rules: Vec<J> = first
            .map(|o| {
                o.rules
                    .iter()
                    .filter(|rule| r.policy_level(rule.def))
                    .map(|rule| rule_json(r, rule))
                    .collect()
            })
            .unwrap_or_default();
        let pools: Vec<J> = self.pools.iter().map(|p| pool_json(p)).collect();
        let document: Vec<J> = r.checked.figures.iter().map(|f| f.json()).collect();
        let head = format!(
            "{{\n  \"document\": {},\n  \"policy\": {},\n  \"policy_rules\": {},\n  \"pools\": {},\n  \"schema_version\": {SCHEMA_VERSION},\n  \"subjects\": [",
            nested(&J::Array(document), "  "),
            nested(&policy, "  "),
            nested(&J::Array(policy_rules), "  "),
            nested(&J::Array(pools), "  ")
        );
        self.out.write_all(head.as_bytes())
    }

    /// One subject's outcome and its stacking rules.
    pub fn subject(&mut self, o: &SubjectOutcome, stacks: &[StackOutcome]) -> std::io::Result<()> {
        if !self.begun {
            self.begin(Some(o))?;
        }
        self.totals.add(&self.r, o, stacks);
        let sep = if self.subjects == 0 { "\n    " } else { ",\n    " };
        self.subjects += 1;
        let text = nested(&subject_json(&self.r, o, stacks), "    ");
        self.out.write_all(sep.as_bytes())?;
        self.out.write_all(text.as_bytes())
    }

    /// `ZC0702` for each award whose total so far has left the exact range (the report is then
    /// not to be kept; see [`Report::overflows`](super::Report::overflows)).
    pub fn overflows(&self) -> Vec<crate::diagnostics::Diagnostic> {
        super::overflow_diagnostics(&self.r, &self.totals.0)
    }

    /// The totals, and the end of the document.
    pub fn finish(mut self) -> std::io::Result<()> {
        if !self.begun {
            self.begin(None)?;
        }
        let r = &self.r;
        let scope = &r.checked.scope;
        let totals: Vec<J> = self
            .totals
            .0
            .iter()
            .map(|t| {
                json!({
                    "award": r.name(t.def),
                    "total": jv(&crate::eval::value::V::Num(t.amount, Dim::MONEY), scope),
                    "recipients": t.recipients,
                })
            })
            .collect();
        let close = if self.subjects == 0 { "]" } else { "\n  ]" };
        let tail = format!(",\n  \"totals\": {}\n}}\n", nested(&J::Array(totals), "  "));
        self.out.write_all(close.as_bytes())?;
        self.out.write_all(tail.as_bytes())?;
        self.out.flush()
    }
}

/// Renders the report as JSON Lines: one line per subject, the object the JSON report has for it
/// in `subjects`, on one line.
pub fn render_lines(r: &Report<'_, '_>) -> String {
    let mut out = Vec::new();
    for (i, o) in r.outcomes.iter().enumerate() {
        // Writing into memory cannot fail.
        let _ = line(r, o, r.stacks.get(i).map(Vec::as_slice).unwrap_or_default(), &mut out);
    }
    String::from_utf8(out).unwrap_or_default()
}

/// One subject as a line of JSON Lines.
fn line(
    r: &Report<'_, '_>,
    o: &SubjectOutcome,
    stacks: &[StackOutcome],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, &subject_json(r, o, stacks))?;
    out.write_all(b"\n")
}

/// Writes one subject of a policy's report as a line of JSON Lines.
pub fn write_line(
    policy: &Policy,
    checked: &Checked<'_>,
    o: &SubjectOutcome,
    stacks: &[StackOutcome],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    line(&Report { policy, checked, outcomes: &[], stacks: &[] }, o, stacks, out)
}

/// A value pretty-printed at a depth: every line after the first indented by `indent` (a JSON
/// string never holds a line break of its own).
fn nested(v: &J, indent: &str) -> String {
    let text = serde_json::to_string_pretty(v).unwrap_or_default();
    text.replace('\n', &format!("\n{indent}"))
}

/// One subject: `{ "id", "year", "rules", "stacking" }`.
fn subject_json(r: &Report<'_, '_>, o: &SubjectOutcome, stacks: &[StackOutcome]) -> J {
    let scope = &r.checked.scope;
    let rules: Vec<J> = o
        .rules
        .iter()
        .filter(|rule| r.per_subject(rule.def))
        .map(|rule| rule_json(r, rule))
        .collect();
    let stacking: Vec<J> = stacks.iter().map(|s| stack_json(s, scope)).collect();
    let mut subject = json!({ "id": o.key, "year": o.year, "rules": rules, "stacking": stacking });
    // Evaluated outside the validity period as asked (`--outside-validity`): marked, only then.
    if crate::engine::validity::is_outside(r.policy, o.year)
        && let J::Object(map) = &mut subject
    {
        map.insert("outside_validity".to_string(), J::Bool(true));
    }
    // The members' own rules, for a kind with member kinds.
    if !o.members.is_empty()
        && let J::Object(map) = &mut subject
    {
        let members: Vec<J> = o
            .members
            .iter()
            .flat_map(|set| set.outcomes.iter().map(move |m| (set.kind.as_str(), m)))
            .map(|(kind, m)| {
                let rules: Vec<J> = m
                    .rules
                    .iter()
                    .filter(|rule| r.member_rule(rule.def))
                    .map(|rule| rule_json(r, rule))
                    .collect();
                json!({ "kind": kind, "id": m.key, "rules": rules })
            })
            .collect();
        map.insert("members".to_string(), J::Array(members));
    }
    // The working, when asked for (`--working`).
    if !o.values.is_empty()
        && let J::Object(map) = &mut subject
    {
        let values: Vec<J> = o.values.iter().map(|v| named_value(v, scope)).collect();
        map.insert("values".to_string(), J::Array(values));
    }
    subject
}

/// One named value of the working: `{ "name", "value", "unit", "clause", "margin" }`.
/// A stacking rule applied to one subject: `{ "rule", "mode", "total", "members",
/// "received" }` (docs/json.md).
pub(crate) fn stack_json(s: &StackOutcome, scope: &crate::checker::scope::Scope<'_>) -> J {
    let money = |d: rust_decimal::Decimal| jv(&crate::eval::value::V::Num(d, Dim::MONEY), scope);
    let members: Vec<J> = s
        .members
        .iter()
        .map(|m| json!({ "award": m.name, "amount": m.amount.map(money), "paid": m.paid.map(money) }))
        .collect();
    let mode = match s.mode {
        crate::ast::StackMode::Exclusive => "exclusive",
        crate::ast::StackMode::Additive => "additive",
    };
    // `扣除 FIELD`: the amount already received, deducted from the highest (`null` when the
    // data leaves it empty: the total is then missing too).
    let received =
        s.received.as_ref().map(|g| json!({ "field": g.field, "amount": g.amount.map(money) }));
    json!({
        "rule": s.rule,
        "mode": mode,
        "total": s.total.map(money),
        "members": members,
        "received": received
    })
}

pub(crate) fn named_value(
    v: &crate::eval::working::Named,
    scope: &crate::checker::scope::Scope<'_>,
) -> J {
    json!({
        "name": v.name,
        "value": jv(&v.value, scope),
        "unit": super::show::unit_word(&v.value),
        "clause": v.clause,
        "margin": v.margin.as_ref().map(|m| jv(m, scope)),
    })
}

/// One rule's result: `{ "name", "kind", "value", "citation", "detail" }`.
fn rule_json(r: &Report<'_, '_>, rule: &crate::eval::outcome::RuleOutcome) -> J {
    json!({
        "name": r.name(rule.def),
        "kind": r.kind(rule.def).2,
        "value": jv(&rule.value, &r.checked.scope),
        "citation": r.citation(rule.def).map(|(c, q)| json!({ "clause": c, "quote": q })),
        "detail": detail(r, &rule.detail),
    })
}

fn comparison(r: &Report<'_, '_>, c: &Comparison) -> J {
    let scope = &r.checked.scope;
    json!({ "left": jv(&c.left, scope), "op": c.op.symbol(), "right": jv(&c.right, scope) })
}

fn group(r: &Report<'_, '_>, g: &GroupResult) -> J {
    let items: Vec<J> = g
        .items
        .iter()
        .map(|i| {
            json!({
                "name": i.name,
                "met": i.met,
                "comparison": i.comparison.as_ref().map(|c| comparison(r, c)),
                "exception": i.exception,
                "group": i.group.as_ref().map(|g| group(r, g)),
            })
        })
        .collect();
    json!({ "need": g.need, "met": g.met, "items": items })
}

fn parts(r: &Report<'_, '_>, ps: &[PartResult]) -> J {
    let scope = &r.checked.scope;
    J::Array(
        ps.iter()
            .map(|p| {
                json!({ "name": p.name, "points": jv(&p.points, scope), "max": jv(&p.max, scope), "parts": parts(r, &p.parts) })
            })
            .collect(),
    )
}

fn detail(r: &Report<'_, '_>, d: &Detail) -> J {
    let scope = &r.checked.scope;
    match d {
        Detail::Value => J::Null,
        Detail::Failed => json!({ "failed": true }),
        Detail::Condition(g) => group(r, g),
        Detail::Indicators(t) => {
            let inds: Vec<J> = t
                .indicators
                .iter()
                .map(|i| {
                    let targets: Vec<J> = i.targets.iter().map(|(c, m)| json!({ "target": comparison(r, c), "met": m })).collect();
                    json!({ "name": i.name, "value": jv(&i.value, scope), "met": i.met, "targets": targets })
                })
                .collect();
            json!({ "met": t.met, "gate": t.gate, "passed": t.passed, "indicators": inds })
        }
        Detail::Score(ps) => parts(r, ps),
        Detail::Grade { band } => json!({ "band": band }),
        Detail::Award(a) => award(a, scope),
    }
}

/// An award's detail; `undecided_clauses` (the `当` clauses that did not hold because the data
/// leaves a value they read empty) only when there are some, so that the other reports keep
/// their bytes.
fn award(a: &crate::eval::outcome::AwardResult, scope: &crate::checker::scope::Scope<'_>) -> J {
    let mut j = json!({
            "eligible": a.eligible,
            "failed_clauses": a.failed,
            "computed": jv(&a.base, scope),
            "cap": a.cap.as_ref().map(|c| jv(c, scope)),
            "capped": a.capped,
            "reduce": a.reduce.as_ref().map(|c| jv(c, scope)),
            "amount": jv(&a.amount, scope),
            "pool": a.pool.as_ref().map(|s| json!({
                "pool": s.pool.name,
                "claimed": s.claimed.map(money),
                "cut": s.pool.cut,
            })),
            "not_this_year": a.not_this_year.as_ref().map(|n| match n {
                crate::eval::outcome::NotThisYear::PaidIn(y) => json!({ "once_due_in": y }),
                crate::eval::outcome::NotThisYear::Ended { first, years } => {
                    json!({ "ran_from": first, "years": years.normalize().to_string() })
                }
            }),
    });
    if !a.undecided.is_empty()
        && let J::Object(m) = &mut j
    {
        m.insert("undecided_clauses".into(), json!(a.undecided));
    }
    j
}

/// An amount in 元, as every number is written.
fn money(n: rust_decimal::Decimal) -> J {
    json!({ "number": n.normalize().to_string(), "unit": "元" })
}

/// A pool against the register's claims.
fn pool_json(p: &crate::eval::pool::PoolResult) -> J {
    json!({
        "pool": p.name,
        "total": money(p.total),
        "awards": p.awards,
        "not_evaluated": p.foreign,
        "prorata_step": p.step.map(money),
        "claims": money(p.claims),
        "missing_claims": p.missing,
        "cut": p.cut,
        "ratio": p.ratio.map(|r| r.normalize().to_string()),
        "ratio_exact": p.ratio_exact,
        "paid": money(p.paid),
        "remainder": p.remainder.map(money),
        "subjects_cut": p.subjects_cut,
    })
}

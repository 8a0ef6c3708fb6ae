//! The JSON report. Its schema is stable:
//!
//! ```text
//! { "policy": { "file", "title" },
//!   "policy_rules": [ rule … ]          (top-level rules, the same for every subject)
//!   "subjects": [ { "id", "year",
//!       "rules": [ { "name", "kind", "value", "citation": { "clause", "quote" } | null,
//!                    "detail": … } ],
//!       "stacking": [ { "rule", "mode": "exclusive" | "additive", "total" (null when beyond range),
//!                       "members": [ { "award", "amount", "paid" } ] } ] } ],
//!   "totals": [ { "award", "total", "recipients" } ] }
//! ```
//!
//! A number is `{ "number": "150000", "unit": "元" }`: an exact decimal string in base units
//! (money in 元; a percentage as a ratio, `"0.3"` with unit `"ratio"`). A condition is `true` or
//! `false`, a grade its band's name, missing data `null`.

use serde_json::{Value as J, json};

use super::Report;
use super::show::json as jv;
use crate::eval::outcome::{Comparison, Detail, GroupResult, PartResult};
use crate::units::Dim;

/// Renders the report as pretty-printed JSON.
pub fn render(r: &Report<'_, '_>) -> String {
    let scope = &r.checked.scope;
    let subjects: Vec<J> = r
        .outcomes
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let rules: Vec<J> =
                o.rules.iter().filter(|rule| r.per_subject(rule.def)).map(|rule| rule_json(r, rule)).collect();
            let stacking: Vec<J> = r
                .stacks
                .get(i)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|s| {
                    let money = |d: rust_decimal::Decimal| jv(&crate::eval::value::V::Num(d, Dim::MONEY), scope);
                    let members: Vec<J> = s
                        .members
                        .iter()
                        .map(|m| json!({ "award": m.name, "amount": m.amount.map(money), "paid": money(m.paid) }))
                        .collect();
                    let mode = match s.mode {
                        crate::ast::StackMode::Exclusive => "exclusive",
                        crate::ast::StackMode::Additive => "additive",
                    };
                    json!({ "rule": s.rule, "mode": mode, "total": s.total.map(money), "members": members })
                })
                .collect();
            json!({ "id": o.key, "year": o.year, "rules": rules, "stacking": stacking })
        })
        .collect();
    let totals: Vec<J> = r
        .totals()
        .iter()
        .map(|t| {
            json!({
                "award": r.name(t.def),
                "total": jv(&crate::eval::value::V::Num(t.amount, Dim::MONEY), scope),
                "recipients": t.recipients,
            })
        })
        .collect();
    let policy_rules: Vec<J> = r
        .outcomes
        .first()
        .map(|o| {
            o.rules
                .iter()
                .filter(|rule| r.policy_level(rule.def))
                .map(|rule| rule_json(r, rule))
                .collect()
        })
        .unwrap_or_default();
    let doc = json!({
        "policy": { "file": r.policy.file.name, "title": r.title() },
        "policy_rules": policy_rules,
        "subjects": subjects,
        "totals": totals,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
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
        Detail::Award(a) => json!({
            "eligible": a.eligible,
            "failed_clauses": a.failed,
            "computed": jv(&a.base, scope),
            "cap": a.cap.as_ref().map(|c| jv(c, scope)),
            "capped": a.capped,
            "reduce": a.reduce.as_ref().map(|c| jv(c, scope)),
            "amount": jv(&a.amount, scope),
            "not_this_year": a.not_this_year.as_ref().map(|n| match n {
                crate::eval::outcome::NotThisYear::PaidIn(y) => json!({ "once_due_in": y }),
                crate::eval::outcome::NotThisYear::Ended { first, years } => {
                    json!({ "ran_from": first, "years": years.normalize().to_string() })
                }
            }),
        }),
    }
}

//! An award's amounts over a span of years (`zhengce eval --years 2023..2025`): for each
//! subject, each award of money in each year of the span (each year evaluated as `--year`
//! evaluates it: that year's data, conditions, caps, `一次性` and `每年 连续 N年`) and their
//! total; the register's total per award and year. An instalment scheme ("分三年拨付") reads
//! here what it pays in each year and in all.

use rust_decimal::Decimal;
use serde_json::{Value as J, json};

use crate::ast::Policy;
use crate::checker::Checked;
use crate::checker::scope::DefId;
use crate::diagnostics::Lang;
use crate::eval::outcome::SubjectOutcome;
use crate::eval::value::V;

/// The awards of money of the subjects evaluated in each year of a span.
pub struct YearsReport<'a, 'p> {
    pub policy: &'p Policy,
    pub checked: &'a Checked<'p>,
    /// The years, in order.
    pub years: Vec<u16>,
    /// The awards of money, in declaration order.
    pub awards: Vec<DefId>,
    /// Each subject in the data's order.
    pub subjects: Vec<SubjectYears>,
}

/// One subject's amounts.
pub struct SubjectYears {
    pub key: String,
    /// Per award (as [`YearsReport::awards`]), its amount in each year; `None` where it is
    /// missing (a value the data leaves empty) or the subject is not in that year's data.
    pub amounts: Vec<Vec<Option<Decimal>>>,
}

/// A sum of amounts, `None` when one is missing or the sum leaves the exact range.
fn sum<'x>(amounts: impl IntoIterator<Item = &'x Option<Decimal>>) -> Option<Decimal> {
    amounts.into_iter().try_fold(Decimal::ZERO, |acc, a| acc.checked_add((*a)?))
}

impl<'a, 'p> YearsReport<'a, 'p> {
    /// The report of `by_year`, each year's outcomes (every subject of the data).
    pub fn new(
        policy: &'p Policy,
        checked: &'a Checked<'p>,
        by_year: &[(u16, Vec<SubjectOutcome>)],
    ) -> YearsReport<'a, 'p> {
        let mut awards: Vec<DefId> = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        for (_, outcomes) in by_year {
            for o in outcomes {
                if !keys.contains(&o.key) {
                    keys.push(o.key.clone());
                }
                for r in &o.rules {
                    if super::money_award(checked, r.def) && !awards.contains(&r.def) {
                        awards.push(r.def);
                    }
                }
            }
        }
        awards.sort_unstable();
        let subjects = keys
            .into_iter()
            .map(|key| {
                let amounts = awards
                    .iter()
                    .map(|def| {
                        by_year
                            .iter()
                            .map(|(_, outcomes)| {
                                let o = outcomes.iter().find(|o| o.key == key)?;
                                match &o.rules.iter().find(|r| r.def == *def)?.value {
                                    V::Num(n, _) => Some(*n),
                                    _ => None,
                                }
                            })
                            .collect()
                    })
                    .collect();
                SubjectYears { key, amounts }
            })
            .collect();
        YearsReport {
            policy,
            checked,
            years: by_year.iter().map(|(y, _)| *y).collect(),
            awards,
            subjects,
        }
    }

    fn name(&self, def: DefId) -> &str {
        self.checked.scope.defs.get(def).map_or("", |d| d.name.as_str())
    }

    /// The register's total of award `i` in year `y` (its place in the span), over the
    /// subjects; `None` when an amount is missing.
    fn total(&self, i: usize, y: usize) -> Option<Decimal> {
        sum(self.subjects.iter().map(|s| s.amounts.get(i).and_then(|a| a.get(y)).unwrap_or(&None)))
    }

    /// The text report: per subject, each award's amount in each year and in all.
    pub fn text(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let shown = |a: Option<Decimal>| match a {
            Some(n) => super::show::show(&V::money(n), &self.checked.scope, lang),
            None => (if zh { "缺数据" } else { "(missing)" }).to_string(),
        };
        let span = match (self.years.first(), self.years.last()) {
            (Some(a), Some(b)) if zh => format!("{a}年–{b}年"),
            (Some(a), Some(b)) => format!("{a}–{b}"),
            _ => String::new(),
        };
        let year = |y: u16| if zh { format!("{y}年") } else { y.to_string() };
        let all = if zh { "合计" } else { "total" };
        let file = &self.policy.file.name;
        let report = super::Report {
            policy: self.policy,
            checked: self.checked,
            outcomes: &[],
            stacks: &[],
        };
        let mut out = match report.title() {
            Some(t) => format!("== {t}  ({file})\n   {span}\n"),
            None => format!("== {file}\n   {span}\n"),
        };
        for s in &self.subjects {
            out.push_str(&format!("\n-- {}\n", s.key));
            for (i, def) in self.awards.iter().enumerate() {
                let amounts = s.amounts.get(i).map(Vec::as_slice).unwrap_or_default();
                let mut parts: Vec<String> = self
                    .years
                    .iter()
                    .zip(amounts)
                    .map(|(y, a)| format!("{} {}", year(*y), shown(*a)))
                    .collect();
                parts.push(format!("{all} {}", shown(sum(amounts))));
                out.push_str(&format!("  {}: {}\n", self.name(*def), parts.join(" | ")));
            }
        }
        out.push_str(&format!("\n-- {}\n", if zh { "各年合计" } else { "totals by year" }));
        for (i, def) in self.awards.iter().enumerate() {
            let by_year: Vec<Option<Decimal>> =
                (0..self.years.len()).map(|y| self.total(i, y)).collect();
            let mut parts: Vec<String> = self
                .years
                .iter()
                .zip(&by_year)
                .map(|(y, a)| format!("{} {}", year(*y), shown(*a)))
                .collect();
            parts.push(format!("{all} {}", shown(sum(&by_year))));
            out.push_str(&format!("  {}: {}\n", self.name(*def), parts.join(" | ")));
        }
        out
    }

    /// The JSON report (docs/json.md, "Years").
    pub fn json(&self) -> String {
        let money = |a: Option<Decimal>| match a {
            Some(n) => json!({ "number": n.normalize().to_string(), "unit": "元" }),
            None => J::Null,
        };
        let by_year = |amounts: &[Option<Decimal>]| -> J {
            J::Object(
                self.years.iter().zip(amounts).map(|(y, a)| (y.to_string(), money(*a))).collect(),
            )
        };
        let subjects: Vec<J> = self
            .subjects
            .iter()
            .map(|s| {
                let awards: Vec<J> = self
                    .awards
                    .iter()
                    .zip(&s.amounts)
                    .map(|(def, amounts)| {
                        json!({
                            "award": self.name(*def),
                            "by_year": by_year(amounts),
                            "total": money(sum(amounts)),
                        })
                    })
                    .collect();
                json!({ "id": s.key, "awards": awards })
            })
            .collect();
        let totals: Vec<J> = self
            .awards
            .iter()
            .enumerate()
            .map(|(i, def)| {
                let per: Vec<Option<Decimal>> = (0..self.years.len()).map(|y| self.total(i, y)).collect();
                json!({ "award": self.name(*def), "by_year": by_year(&per), "total": money(sum(&per)) })
            })
            .collect();
        let j = json!({
            "policy": self.policy.file.name,
            "years": self.years,
            "subjects": subjects,
            "totals": totals,
        });
        let mut text = serde_json::to_string_pretty(&j).unwrap_or_default();
        text.push('\n');
        text
    }
}

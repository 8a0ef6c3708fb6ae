//! 计算依据 (the basis of calculation): for every award of every subject, the amount with the
//! clause it rests on, the sentence quoted from the document, the award as written in the
//! policy and the values that award used. Built from [`Evaluator::explain`], so that each row
//! says exactly what `zhengce explain --subject ID AWARD` shows at its first level.
//!
//! The values used are the names the award's declaration refers to (its conditions, amount, cap
//! and cut), each with its value for the subject: data, parameters and named values alike. With
//! the formula beside them, each row can be recomputed by hand without following the tree
//! further; `zhengce explain` follows it.

use std::fmt::Write as _;

use super::Report;
use super::show::{grouped, show};
use crate::data::Record;
use crate::diagnostics::Lang;
use crate::eval::Evaluator;
use crate::eval::explain::Step;
use crate::eval::outcome::SubjectOutcome;
use crate::eval::value::V;
use crate::units::Dim;

/// One award of one subject and what it rests on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BasisRow {
    /// The subject's id.
    pub subject: String,
    /// The award's amount, as the evaluation reported it.
    pub amount: V,
    /// The award's derivation: its name, clause, quote, formula and the values it used.
    pub step: Step,
    /// The award's working (`NAME.基数`, `NAME.上限` ...), for its arithmetic.
    pub values: Vec<crate::eval::working::Named>,
    /// The pool that pays it: `amount` is after the pool's cut, the arithmetic says so.
    pub pool: Option<crate::eval::pool::PoolShare>,
    /// The stacking rules that take it and deduct an amount already received (`扣除 FIELD`):
    /// what they pay of it, the arithmetic says.
    pub stacks: Vec<crate::eval::stack::StackOutcome>,
}

/// The rows of every award of every subject evaluated in `r`, in the report's order. `records`
/// is the data the outcomes were evaluated from (a subject's record is found by its id).
pub fn rows(r: &Report<'_, '_>, ev: &Evaluator<'_, '_>, records: &[Record]) -> Vec<BasisRow> {
    let mut by_key: std::collections::HashMap<&str, &Record> = std::collections::HashMap::new();
    for record in records {
        by_key.entry(record.key.as_str()).or_insert(record);
    }
    let mut out = Vec::new();
    for (i, o) in r.outcomes.iter().enumerate() {
        if let Some(record) = by_key.get(o.key.as_str()) {
            let stacks = r.stacks.get(i).map(Vec::as_slice).unwrap_or_default();
            out.extend(subject_rows(r, ev, record, o, stacks));
        }
    }
    out
}

/// The rows of the awards of one subject `o`, evaluated from `record`, whose stacking rules
/// are `stacks`.
pub fn subject_rows(
    r: &Report<'_, '_>,
    ev: &Evaluator<'_, '_>,
    record: &Record,
    o: &SubjectOutcome,
    stacks: &[crate::eval::stack::StackOutcome],
) -> Vec<BasisRow> {
    let mut out = Vec::new();
    for rule in &o.rules {
        if r.kind(rule.def).2 != "award" {
            continue;
        }
        let name = r.name(rule.def);
        let deducting = stacks
            .iter()
            .filter(|s| s.received.is_some() && s.members.iter().any(|m| m.name == name))
            .cloned()
            .collect();
        let prefix = format!("{name}.");
        out.push(BasisRow {
            subject: o.key.clone(),
            amount: rule.value.clone(),
            step: ev.explain(record, o.year, rule.def),
            values: o.values.iter().filter(|v| v.name.starts_with(&prefix)).cloned().collect(),
            pool: match &rule.detail {
                crate::eval::outcome::Detail::Award(a) => a.pool.clone(),
                _ => None,
            },
            stacks: deducting,
        });
    }
    out
}

/// The column headers, in both languages: the arithmetic (计算过程) beside the formula as
/// written (计算式).
pub(super) fn headers(lang: Lang) -> [&'static str; 8] {
    if lang == Lang::Zh {
        ["主体", "奖励", "金额(元)", "条款", "原文", "计算式", "计算过程", "所用数据"]
    } else {
        [
            "subject",
            "award",
            "amount (元)",
            "clause",
            "quote",
            "formula",
            "arithmetic",
            "inputs used",
        ]
    }
}

/// The arithmetic of a row with the numbers filled in, its steps joined by `sep`.
pub(super) fn arithmetic_text(row: &BasisRow, r: &Report<'_, '_>, lang: Lang, sep: &str) -> String {
    let mut steps = super::arithmetic::steps(&row.step.name, &row.values, &r.checked.scope, lang);
    if let Some(p) = &row.pool {
        let after = amount_text(&row.amount, r, lang);
        steps.push(match lang {
            Lang::Zh => format!("{}，核减后 {after} 元", super::pools::share(p, lang)),
            Lang::En => format!("{}, after the cut {after} 元", super::pools::share(p, lang)),
        });
    }
    // Under 就高不重复 against what was already received: what the rule pays of it.
    for s in &row.stacks {
        let Some(got) = &s.received else { continue };
        let Some(m) = s.members.iter().find(|m| m.name == row.step.name) else { continue };
        let yuan = |a: Option<rust_decimal::Decimal>| match a {
            Some(n) => format!("{} 元", grouped(n)),
            None => show(&V::Missing, &r.checked.scope, lang),
        };
        let (received, paid) = (yuan(got.amount), yuan(m.paid));
        // The highest is the first of the largest amounts, as the rule takes it.
        let top = s.members.iter().map(|x| x.amount.unwrap_or_default()).max().unwrap_or_default();
        let highest = s.members.iter().find(|x| x.amount.unwrap_or_default() == top);
        if highest.is_none_or(|h| h.name != m.name) {
            steps.push(match lang {
                Lang::Zh => format!("叠加 {} 就高不重复，另有一项更高，实发 {paid}", s.rule),
                Lang::En => format!(
                    "stacking rule {} (the highest only): another award is higher, paid {paid}",
                    s.rule
                ),
            });
            continue;
        }
        steps.push(match lang {
            Lang::Zh => format!(
                "叠加 {} 就高不重复，扣除已获 {} {received}，实发 {paid}",
                s.rule, got.field
            ),
            Lang::En => format!(
                "stacking rule {} (the highest only), less {} received {received}: paid {paid}",
                s.rule, got.field
            ),
        });
    }
    steps.join(sep)
}

/// An amount in 元 without its unit (the header gives it), exact: `500,000.001`. A value that
/// is not money (missing data) is shown as the other reports show it.
pub(super) fn amount_text(v: &V, r: &Report<'_, '_>, lang: Lang) -> String {
    match v {
        V::Num(n, d) if *d == Dim::MONEY => grouped(*n),
        other => show(other, &r.checked.scope, lang),
    }
}

/// `name = value; …` for the values a row used.
pub(super) fn inputs_text(row: &BasisRow, r: &Report<'_, '_>, lang: Lang) -> String {
    let sep = if lang == Lang::Zh { "；" } else { "; " };
    row.step
        .children
        .iter()
        .map(|c| {
            // A value read in another year than the one evaluated carries that year.
            let at = c.year.map(|y| format!("[{y}年]")).unwrap_or_default();
            format!("{}{at} = {}", c.name, show(&c.value, &r.checked.scope, lang))
        })
        .collect::<Vec<_>>()
        .join(sep)
}

/// The lines of a text written over several lines, each trimmed of its indentation.
pub(super) fn lines(s: &str) -> Vec<&str> {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).collect()
}

/// A quote written over several lines, on one line: lines broken inside a Chinese sentence are
/// joined without a space, words of other scripts with one.
pub(super) fn one_line(s: &str) -> String {
    let mut out = String::new();
    for line in lines(s) {
        let spaced = out.chars().next_back().is_some_and(|c| c.is_ascii_alphanumeric())
            || line.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        if !out.is_empty() && spaced {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// 计算依据 as a Markdown table.
pub fn markdown(r: &Report<'_, '_>, rows: &[BasisRow], lang: Lang) -> String {
    let mut out = markdown_head(r, lang);
    for row in rows {
        markdown_row(&mut out, row, r, lang);
    }
    out
}

/// The title and the table's header of [`markdown`].
pub fn markdown_head(r: &Report<'_, '_>, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    let title = r.title().unwrap_or(&r.policy.file.name);
    let _ = if zh {
        writeln!(out, "# 计算依据：{title}\n")
    } else {
        writeln!(out, "# Basis of calculation: {title}\n")
    };
    let _ = writeln!(out, "| {} |", headers(lang).join(" | "));
    let _ = writeln!(out, "|---|---|--:|---|---|---|---|---|");
    out
}

/// One row of [`markdown`]'s table.
pub fn markdown_row(out: &mut String, row: &BasisRow, r: &Report<'_, '_>, lang: Lang) {
    let zh = lang == Lang::Zh;
    let s = &row.step;
    let cells = [
        row.subject.clone(),
        s.name.clone(),
        amount_text(&row.amount, r, lang),
        s.clause.as_deref().map(|c| format!("§ {c}")).unwrap_or_default(),
        s.quote.as_deref().map(one_line).unwrap_or_default(),
        s.formula.as_deref().map(|f| format!("`{}`", lines(f).join(" "))).unwrap_or_default(),
        arithmetic_text(row, r, lang, if zh { "；" } else { "; " }),
        inputs_text(row, r, lang),
    ];
    let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
    let _ = writeln!(out, "| {} |", cells.join(" | "));
}

/// A table cell: pipes and line breaks escaped.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_joined_as_the_script_wants() {
        assert_eq!(
            one_line("按20%进行补助，\n   最高不超过30万元"),
            "按20%进行补助，最高不超过30万元"
        );
        assert_eq!(one_line("pays 30%\n  of the cost"), "pays 30% of the cost");
    }
}

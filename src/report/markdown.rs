//! The Markdown report: the policy's document number and evaluation year, a summary table a
//! leader reads (one row per subject: its money awards, each stacking rule's total and the
//! subject's total, then a row of totals), a table per subject with every rule, and the totals.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::Report;
use super::show::{grouped, show};
use crate::diagnostics::Lang;
use crate::eval::stack::money;
use crate::eval::value::V;
use crate::units::Dim;

/// Renders the report as Markdown.
pub fn render(r: &Report<'_, '_>, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", r.title().unwrap_or(&r.policy.file.name));
    let heading = r.heading(lang);
    if !heading.is_empty() {
        let _ = writeln!(out, "{heading}\n");
    }
    let grand = r.grand();
    if let Some(g) = &grand
        && !r.outcomes.is_empty()
    {
        summary(&mut out, r, g, lang);
    }
    let header = if zh {
        "| 规则 | 类别 | 结果 | 依据 |"
    } else {
        "| rule | kind | result | clause |"
    };
    let parts = r.total_parts();
    for (i, o) in r.outcomes.iter().enumerate() {
        let year = o.year.map(|y| format!(" ({y})")).unwrap_or_default();
        // Evaluated outside the validity period as asked: every subject says so.
        let outside = match (crate::engine::validity::is_outside(r.policy, o.year), zh) {
            (false, _) => "",
            (true, true) => "（不在有效期内）",
            (true, false) => " (outside the validity period)",
        };
        let _ = writeln!(out, "## {}{year}{outside}\n\n{header}\n|---|---|---|---|", cell(&o.key));
        for rule in &o.rules {
            if !r.per_subject(rule.def) {
                continue;
            }
            let (kz, ke, _) = r.kind(rule.def);
            let mut cite = r.citation(rule.def).map(|(c, _)| format!("§ {c}")).unwrap_or_default();
            if let crate::eval::outcome::Detail::Award(a) = &rule.detail
                && let Some(p) = &a.pool
            {
                cite = format!(
                    "{cite}{}{}",
                    if zh { "；" } else { "; " },
                    super::pools::share(p, lang)
                );
            }
            let value = show(&rule.value, &r.checked.scope, lang);
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(r.name(rule.def)),
                if zh { kz } else { ke },
                cell(&value),
                cell(&cite)
            );
        }
        for s in r.stacks.get(i).map(Vec::as_slice).unwrap_or_default() {
            let members: Vec<String> = s
                .members
                .iter()
                .map(|m| format!("{} {}", m.name, money_text(r, Some(m.paid), lang)))
                .collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(&s.rule),
                if zh { "叠加" } else { "stack" },
                cell(&money_text(r, s.total, lang)),
                cell(&members.join(if zh { "，" } else { ", " }))
            );
        }
        if grand.is_some() {
            let _ = writeln!(
                out,
                "| **{}** | | **{}** | |",
                if zh { "合计" } else { "total" },
                cell(&money_text(r, parts.total(r, i), lang))
            );
        }
        out.push('\n');
    }
    let totals = r.totals();
    if !totals.is_empty() {
        let _ = writeln!(out, "## {}\n", if zh { "合计" } else { "Totals" });
        let _ = writeln!(
            out,
            "{}\n|---|---|---|",
            if zh {
                "| 奖励 | 金额（元） | 获得主体数 |"
            } else {
                "| award | amount (元) | recipients |"
            }
        );
        for t in totals {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                cell(r.name(t.def)),
                grouped(t.amount),
                t.recipients
            );
        }
        if let Some(g) = &grand {
            let amount = |a: Option<Decimal>| a.map_or_else(|| overflow(lang), grouped);
            for (name, a, n) in &g.stacks {
                let stack = if zh { "叠加" } else { "stack" };
                let _ = writeln!(out, "| {stack} {} | {} | {n} |", cell(name), amount(*a));
            }
            let _ = writeln!(
                out,
                "| **{}** | **{}** | {} |",
                super::total_label(g.missing, lang),
                amount(g.total),
                g.recipients
            );
        }
    }
    let pools = r.pools();
    if !pools.is_empty() {
        let _ = writeln!(out, "\n## {}\n", if zh { "资金池" } else { "Pools" });
        for p in &pools {
            let _ = writeln!(out, "- {}", cell(&super::pools::line(p, lang)));
        }
    }
    // The subjects whose awards missing data leaves undetermined, counted and named.
    if let Some(line) = super::undetermined_line(r, lang) {
        let _ = writeln!(out, "\n{line}");
    }
    out
}

/// The summary table: per subject its money awards, stacking totals and total; then totals.
fn summary(out: &mut String, r: &Report<'_, '_>, g: &super::Grand, lang: Lang) {
    let zh = lang == Lang::Zh;
    let awards: Vec<usize> =
        r.subject_columns().into_iter().filter(|d| r.money_award(*d)).collect();
    let _ = writeln!(out, "## {}\n", if zh { "汇总（元）" } else { "Summary (元)" });
    let mut head = vec![cell(&r.key_name())];
    head.extend(awards.iter().map(|d| cell(r.name(*d))));
    let stack = if zh { "叠加" } else { "stack" };
    head.extend(g.stacks.iter().map(|(n, _, _)| cell(&format!("{stack} {n}"))));
    head.push(if zh { "合计" } else { "total" }.to_string());
    let _ = writeln!(out, "| {} |", head.join(" | "));
    let _ = writeln!(out, "|---|{}", "---:|".repeat(head.len() - 1));
    let parts = r.total_parts();
    for (i, o) in r.outcomes.iter().enumerate() {
        let mut row = vec![cell(&o.key)];
        for d in &awards {
            let v = o.rules.iter().find(|x| x.def == *d).map_or(&V::Missing, |x| &x.value);
            row.push(match v {
                V::Missing => missing(lang),
                other => money(other).map_or_else(|| show(other, &r.checked.scope, lang), grouped),
            });
        }
        for s in r.stacks.get(i).map(Vec::as_slice).unwrap_or_default() {
            row.push(s.total.map_or_else(|| overflow(lang), grouped));
        }
        row.push(parts.total(r, i).map_or_else(|| missing(lang), grouped));
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    let totals = r.column_totals();
    let mut last = vec![format!("**{}**", super::total_label(g.missing, lang))];
    for d in &awards {
        let t = totals.iter().find(|t| t.def == *d);
        last.push(t.map_or_else(String::new, |t| grouped(t.amount)));
    }
    for (_, a, _) in &g.stacks {
        last.push(a.map_or_else(|| overflow(lang), grouped));
    }
    last.push(format!("**{}**", g.total.map_or_else(|| overflow(lang), grouped)));
    let _ = writeln!(out, "| {} |\n", last.join(" | "));
}

fn missing(lang: Lang) -> String {
    if lang == Lang::Zh { "缺数据" } else { "缺数据 (missing)" }.into()
}

fn overflow(lang: Lang) -> String {
    if lang == Lang::Zh { "超出范围" } else { "out of range" }.into()
}

/// An amount in 元 as the report shows money, 「缺数据」 when missing.
fn money_text(r: &Report<'_, '_>, a: Option<Decimal>, lang: Lang) -> String {
    a.map_or_else(|| missing(lang), |a| show(&V::Num(a, Dim::MONEY), &r.checked.scope, lang))
}

/// A table cell: pipes and line breaks escaped.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

//! The Markdown report: a table per subject.

use std::fmt::Write as _;

use super::Report;
use super::show::{grouped, show};
use crate::diagnostics::Lang;

/// Renders the report as Markdown.
pub fn render(r: &Report<'_, '_>, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", r.title().unwrap_or(&r.policy.file.name));
    let header = if zh {
        "| 规则 | 类别 | 结果 | 依据 |"
    } else {
        "| rule | kind | result | clause |"
    };
    for o in r.outcomes {
        let year = o.year.map(|y| format!(" ({y})")).unwrap_or_default();
        let _ = writeln!(out, "## {}{year}\n\n{header}\n|---|---|---|---|", cell(&o.key));
        for rule in &o.rules {
            if !r.per_subject(rule.def) {
                continue;
            }
            let (kz, ke, _) = r.kind(rule.def);
            let cite = r.citation(rule.def).map(|(c, _)| format!("§ {c}")).unwrap_or_default();
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
    }
    out
}

/// A table cell: pipes and line breaks escaped.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

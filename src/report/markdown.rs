//! The Markdown report: the policy's document number and evaluation year, a summary table a
//! leader reads (one row per subject: its money awards, each stacking rule's total and the
//! subject's total, then a row of totals), a table per subject with every rule, and the totals.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};

use rust_decimal::Decimal;

use super::show::{grouped, show};
use super::{Grand, Report, Total, TotalParts, Totals};
use crate::ast::Policy;
use crate::checker::Checked;
use crate::checker::scope::DefId;
use crate::diagnostics::Lang;
use crate::eval::outcome::{RuleOutcome, SubjectOutcome};
use crate::eval::stack::{StackOutcome, money};
use crate::eval::value::V;
use crate::units::Dim;

/// Renders the report as Markdown.
pub fn render(r: &Report<'_, '_>, lang: Lang) -> String {
    let mut out = String::new();
    head(&mut out, r, lang);
    let grand = r.grand();
    let cols = Columns::of(r);
    if let Some(g) = &grand
        && !r.outcomes.is_empty()
    {
        summary_head(&mut out, r, &cols, g, lang);
        for i in 0..r.outcomes.len() {
            summary_row(&mut out, r, &cols, i, lang);
        }
        summary_last(&mut out, &r.column_totals(), &cols, g, lang);
    }
    for i in 0..r.outcomes.len() {
        section(&mut out, r, &cols, grand.is_some(), i, lang);
    }
    ending(&mut out, r, &r.totals(), grand.as_ref(), super::undetermined_line(r, lang), lang);
    out
}

/// The Markdown report written one subject at a time, as [`render`] writes it: the summary
/// table's rows go out as the subjects come, each subject's table to a file of its own until
/// the summary's row of totals is known, then after it (a register of a million subjects is
/// never held in memory).
pub struct Writer<'w, 'a, 'p> {
    out: &'w mut dyn Write,
    r: Report<'a, 'p>,
    lang: Lang,
    /// Set at the first subject: the columns, and whether a summary table comes first.
    begun: Option<(Columns, Option<Grand>)>,
    /// The subjects' tables, while a summary table is being written before them.
    sections: Option<BufWriter<File>>,
    totals: Totals,
    column_totals: Totals,
    missing: super::MissingCount,
    /// The subjects with an undetermined money award: how many, and the first ones named.
    undetermined: (usize, Vec<(String, Vec<String>)>),
    text: String,
}

impl<'w, 'a, 'p> Writer<'w, 'a, 'p> {
    pub fn new(
        policy: &'p Policy,
        checked: &'a Checked<'p>,
        lang: Lang,
        out: &'w mut dyn Write,
    ) -> Self {
        Writer {
            out,
            r: Report { policy, checked, outcomes: &[], stacks: &[] },
            lang,
            begun: None,
            sections: None,
            totals: Totals::default(),
            column_totals: Totals::default(),
            missing: super::MissingCount::default(),
            undetermined: (0, Vec::new()),
            text: String::new(),
        }
    }

    /// Writes one subject (its outcome and stacking rules).
    pub fn subject(&mut self, o: &SubjectOutcome, stacks: &[StackOutcome]) -> std::io::Result<()> {
        let stacks = [stacks.to_vec()];
        let one = Report { outcomes: std::slice::from_ref(o), stacks: &stacks, ..self.r };
        self.text.clear();
        if self.begun.is_none() {
            head(&mut self.text, &one, self.lang);
            let cols = Columns::of(&one);
            let grand = Grand::of(&one);
            if let Some(g) = &grand {
                summary_head(&mut self.text, &one, &cols, g, self.lang);
                self.sections = Some(BufWriter::new(tempfile::tempfile()?));
            }
            self.begun = Some((cols, grand));
        }
        let Some((cols, grand)) = &mut self.begun else { return Ok(()) };
        let names = one.undetermined_of(&cols.awards, o, &stacks[0]);
        if !names.is_empty() {
            self.undetermined.0 += 1;
            if self.undetermined.1.len() < super::UNDETERMINED_SHOWN {
                let names = names.into_iter().map(str::to_string).collect();
                self.undetermined.1.push((o.key.clone(), names));
            }
        }
        let misses = self.missing.add(&one, o);
        if let Some(g) = grand {
            summary_row(&mut self.text, &one, cols, 0, self.lang);
            g.add(&one, &cols.parts, 0);
            g.missing += u64::from(misses);
        }
        self.out.write_all(self.text.as_bytes())?;
        self.text.clear();
        section(&mut self.text, &one, cols, grand.is_some(), 0, self.lang);
        match &mut self.sections {
            Some(f) => f.write_all(self.text.as_bytes())?,
            None => self.out.write_all(self.text.as_bytes())?,
        }
        self.totals.add(&one, o, &stacks[0]);
        self.column_totals.add(&one, o, &[]);
        Ok(())
    }

    /// `ZC0702` for each award whose total leaves the exact range (the report is then not
    /// written, as [`Report::overflows`] stops it).
    pub fn overflows(&self) -> Vec<crate::diagnostics::Diagnostic> {
        super::overflow_diagnostics(&self.r, &self.totals.0)
    }

    /// The missing results so far, as [`Report::missing`] counts them: per rule shown, the
    /// subjects without its value; and the subjects with any missing value.
    pub fn missing(&self) -> (Vec<(DefId, u64)>, u64) {
        self.missing.result()
    }

    /// Writes the summary's row of totals, the subjects' tables, and the totals.
    pub fn finish(mut self) -> std::io::Result<()> {
        let mut text = String::new();
        let grand = match self.begun.take() {
            Some((cols, grand)) => {
                if let Some(g) = &grand {
                    summary_last(&mut text, &self.column_totals.0, &cols, g, self.lang);
                }
                grand
            }
            None => {
                head(&mut text, &self.r, self.lang);
                Grand::of(&self.r)
            }
        };
        self.out.write_all(text.as_bytes())?;
        if let Some(sections) = self.sections.take() {
            let mut file = sections.into_inner().map_err(std::io::IntoInnerError::into_error)?;
            file.seek(SeekFrom::Start(0))?;
            std::io::copy(&mut file, &mut self.out)?;
        }
        text.clear();
        let undetermined =
            super::undetermined_words(self.undetermined.0, &self.undetermined.1, self.lang);
        ending(&mut text, &self.r, &self.totals.0, grand.as_ref(), undetermined, self.lang);
        self.out.write_all(text.as_bytes())
    }
}

/// What every subject's rows show, as the first subject has it: the money awards of the
/// summary, and the awards a subject's total adds directly.
struct Columns {
    awards: Vec<DefId>,
    parts: TotalParts,
}

impl Columns {
    fn of(r: &Report<'_, '_>) -> Columns {
        let awards = r.subject_columns().into_iter().filter(|d| r.money_award(*d)).collect();
        Columns { awards, parts: r.total_parts() }
    }
}

/// The title, and the document number and year.
fn head(out: &mut String, r: &Report<'_, '_>, lang: Lang) {
    let _ = writeln!(out, "# {}\n", r.title().unwrap_or(&r.policy.file.name));
    let heading = r.heading(lang);
    if !heading.is_empty() {
        let _ = writeln!(out, "{heading}\n");
    }
}

/// Subject `i`'s table: every rule, each stacking rule, and its total.
fn section(
    out: &mut String,
    r: &Report<'_, '_>,
    cols: &Columns,
    total: bool,
    i: usize,
    lang: Lang,
) {
    let zh = lang == Lang::Zh;
    let Some(o) = r.outcomes.get(i) else { return };
    let header = if zh {
        "| 规则 | 类别 | 结果 | 依据 |"
    } else {
        "| rule | kind | result | clause |"
    };
    let year = o.year.map(|y| format!(" ({y})")).unwrap_or_default();
    // Evaluated outside the validity period as asked: every subject says so.
    let outside = match (crate::engine::validity::is_outside(r.policy, o.year), zh) {
        (false, _) => "",
        (true, true) => "（不在有效期内）",
        (true, false) => " (outside the validity period)",
    };
    let _ = writeln!(out, "## {}{year}{outside}\n\n{header}\n|---|---|---|---|", cell(&o.key));
    for rule in o.rules.iter().filter(|rule| r.per_subject(rule.def)) {
        rule_row(out, r, r.name(rule.def), rule, lang);
    }
    // Each member's own rules (a kind with member kinds), named by the member.
    for set in &o.members {
        for m in &set.outcomes {
            for rule in m.rules.iter().filter(|rule| r.member_rule(rule.def)) {
                let name = format!("{} {} · {}", set.kind, m.key, r.name(rule.def));
                rule_row(out, r, &name, rule, lang);
            }
        }
    }
    for s in r.stacks.get(i).map(Vec::as_slice).unwrap_or_default() {
        let mut members: Vec<String> = s
            .members
            .iter()
            .map(|m| format!("{} {}", m.name, money_text(r, m.paid, lang)))
            .collect();
        // What was already received for the same matter, deducted from the highest.
        if let Some(got) = &s.received {
            let less = if zh { "扣除已获" } else { "less received" };
            members.push(format!("{less} {} {}", got.field, money_text(r, got.amount, lang)));
        }
        let total = match s.total {
            None if !s.missing() => overflow(lang),
            t => money_text(r, t, lang),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            cell(&s.rule),
            if zh { "叠加" } else { "stack" },
            cell(&total),
            cell(&members.join(if zh { "，" } else { ", " }))
        );
    }
    if total {
        let _ = writeln!(
            out,
            "| **{}** | | **{}** | |",
            if zh { "合计" } else { "total" },
            cell(&money_text(r, cols.parts.total(r, i), lang))
        );
    }
    out.push('\n');
}

/// One rule's row of a subject's table: its name, kind, result, and the clause it cites with
/// whether its cap was reached and its share of a pool.
fn rule_row(out: &mut String, r: &Report<'_, '_>, name: &str, rule: &RuleOutcome, lang: Lang) {
    let zh = lang == Lang::Zh;
    let (kz, ke, _) = r.kind(rule.def);
    let mut cite = r.citation(rule.def).map(|(c, _)| format!("§ {c}")).unwrap_or_default();
    if let crate::eval::outcome::Detail::Award(a) = &rule.detail
        && let Some(reached) = cap_reached(a, r, lang)
    {
        cite = format!("{cite}{}{reached}", if zh { "；" } else { "; " });
    }
    if let crate::eval::outcome::Detail::Award(a) = &rule.detail
        && let Some(p) = &a.pool
    {
        cite = format!("{cite}{}{}", if zh { "；" } else { "; " }, super::pools::share(p, lang));
    }
    let value = show(&rule.value, &r.checked.scope, lang);
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} |",
        cell(name),
        if zh { kz } else { ke },
        cell(&value),
        cell(&cite)
    );
}

/// The totals of each award, each stacking rule and the subjects, then the pools, then the
/// subjects whose awards missing data leaves undetermined (`undetermined`, counted and named).
fn ending(
    out: &mut String,
    r: &Report<'_, '_>,
    totals: &[Total],
    grand: Option<&Grand>,
    undetermined: Option<String>,
    lang: Lang,
) {
    let zh = lang == Lang::Zh;
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
        if let Some(g) = grand {
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
    if let Some(line) = undetermined {
        let _ = writeln!(out, "\n{line}");
    }
}

/// The summary table's heading: the id, the money awards, the stacking rules, the total.
fn summary_head(out: &mut String, r: &Report<'_, '_>, cols: &Columns, g: &Grand, lang: Lang) {
    let zh = lang == Lang::Zh;
    let _ = writeln!(out, "## {}\n", if zh { "汇总（元）" } else { "Summary (元)" });
    let mut head = vec![cell(&r.key_name())];
    head.extend(cols.awards.iter().map(|d| cell(r.name(*d))));
    let stack = if zh { "叠加" } else { "stack" };
    head.extend(g.stacks.iter().map(|(n, _, _)| cell(&format!("{stack} {n}"))));
    head.push(if zh { "合计" } else { "total" }.to_string());
    let _ = writeln!(out, "| {} |", head.join(" | "));
    let _ = writeln!(out, "|---|{}", "---:|".repeat(head.len() - 1));
}

/// Subject `i`'s row of the summary table.
fn summary_row(out: &mut String, r: &Report<'_, '_>, cols: &Columns, i: usize, lang: Lang) {
    let Some(o) = r.outcomes.get(i) else { return };
    let mut row = vec![cell(&o.key)];
    for d in &cols.awards {
        let v = o.rules.iter().find(|x| x.def == *d).map_or(&V::Missing, |x| &x.value);
        row.push(match v {
            V::Missing => missing(lang),
            other => money(other).map_or_else(|| show(other, &r.checked.scope, lang), grouped),
        });
    }
    for s in r.stacks.get(i).map(Vec::as_slice).unwrap_or_default() {
        let none = || if s.missing() { missing(lang) } else { overflow(lang) };
        row.push(s.total.map_or_else(none, grouped));
    }
    row.push(cols.parts.total(r, i).map_or_else(|| missing(lang), grouped));
    let _ = writeln!(out, "| {} |", row.join(" | "));
}

/// The summary table's row of totals (each award's column total).
fn summary_last(out: &mut String, totals: &[Total], cols: &Columns, g: &Grand, lang: Lang) {
    let mut last = vec![format!("**{}**", super::total_label(g.missing, lang))];
    for d in &cols.awards {
        let t = totals.iter().find(|t| t.def == *d);
        last.push(t.map_or_else(String::new, |t| grouped(t.amount)));
    }
    for (_, a, _) in &g.stacks {
        last.push(a.map_or_else(|| overflow(lang), grouped));
    }
    last.push(format!("**{}**", g.total.map_or_else(|| overflow(lang), grouped)));
    let _ = writeln!(out, "| {} |\n", last.join(" | "));
}

/// An award's cap when the amount before it reached it, as the text report says it: at the cap
/// exactly (nothing was cut: the amount is the one worked out), or over it (counted at the cap,
/// before any cut, the amount worked out beside it); `None` below the cap, without one, or when
/// unknown.
fn cap_reached(
    a: &crate::eval::outcome::AwardResult,
    r: &Report<'_, '_>,
    lang: Lang,
) -> Option<String> {
    use crate::eval::value::V;
    let (V::Num(b, _), Some(cap @ V::Num(c, _))) = (&a.base, &a.cap) else { return None };
    if !a.capped {
        return None;
    }
    let scope = &r.checked.scope;
    let shown_cap = show(cap, scope, lang);
    let zh = lang == Lang::Zh;
    Some(if b == c {
        if zh {
            format!("恰好达到上限 {shown_cap}")
        } else {
            format!("exactly the cap, {shown_cap}")
        }
    } else if zh {
        format!("已达上限 {shown_cap}（计算 {}），按上限计", show(&a.base, scope, lang))
    } else {
        format!(
            "cap {shown_cap} reached (computed {}): counted at the cap",
            show(&a.base, scope, lang)
        )
    })
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

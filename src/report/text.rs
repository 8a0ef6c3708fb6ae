//! The terminal report: one section per subject, each rule with its value, citation and why.

use std::fmt::Write as _;

use super::show::show;
use super::{Report, word};
use crate::ast::CmpOp;
use crate::ast::StackMode;
use crate::diagnostics::{Lang, Text};
use crate::eval::outcome::{
    Comparison, Detail, GroupResult, NotThisYear, PartResult, SubjectOutcome,
};
use crate::eval::stack::StackOutcome;
use crate::eval::value::V;
use crate::units::Dim;
use rust_decimal::Decimal;

/// Renders the report for people.
pub fn render(r: &Report<'_, '_>, lang: Lang) -> String {
    let mut out = String::new();
    let zh = lang == Lang::Zh;
    let file = &r.policy.file.name;
    let _ = match r.title() {
        Some(t) => writeln!(out, "== {t}  ({file})"),
        None => writeln!(out, "== {file}"),
    };
    let heading = r.heading(lang);
    if !heading.is_empty() {
        let _ = writeln!(out, "   {heading}");
    }
    let parts = r.total_parts();
    let pays = r.grand().is_some();
    if let Some(first) = r.outcomes.first() {
        let top: Vec<_> = first.rules.iter().filter(|x| r.policy_level(x.def)).collect();
        if !top.is_empty() {
            let _ = writeln!(out, "\n-- {}", if zh { "政策层面" } else { "policy level" });
            for rule in top {
                let (kz, ke, _) = r.kind(rule.def);
                let kind = if zh { kz } else { ke };
                let cite =
                    r.citation(rule.def).map(|(c, _)| format!("  § {c}")).unwrap_or_default();
                let value = show(&rule.value, &r.checked.scope, lang);
                let _ = writeln!(out, "  {kind} {}: {value}{cite}", r.name(rule.def));
                detail(&mut out, r, rule.def, &rule.detail, lang);
            }
        }
    }
    for (i, o) in r.outcomes.iter().enumerate() {
        let year = match (o.year, zh) {
            (Some(y), true) => format!("  {y}年"),
            (Some(y), false) => format!("  {y}"),
            (None, _) => String::new(),
        };
        // Evaluated outside the validity period as asked (`--outside-validity`): every
        // subject's outcomes say so.
        let outside = match (crate::engine::validity::is_outside(r.policy, o.year), zh) {
            (false, _) => "",
            (true, true) => "（不在有效期内）",
            (true, false) => " (outside the validity period)",
        };
        let _ = writeln!(out, "\n-- {}{year}{outside}", o.key);
        for rule in &o.rules {
            if !r.per_subject(rule.def) {
                continue;
            }
            let (kz, ke, _) = r.kind(rule.def);
            let kind = if zh { kz } else { ke };
            let cite = r.citation(rule.def).map(|(c, _)| format!("  § {c}")).unwrap_or_default();
            let value = show(&rule.value, &r.checked.scope, lang);
            let _ = writeln!(out, "  {kind} {}: {value}{cite}", r.name(rule.def));
            detail(&mut out, r, rule.def, &rule.detail, lang);
        }
        members(&mut out, r, o, lang);
        for s in r.stacks.get(i).map(Vec::as_slice).unwrap_or_default() {
            stack(&mut out, r, s, lang);
        }
        // The full working, when asked for (`eval --working`).
        if !o.values.is_empty() {
            let _ = writeln!(out, "  {}:", w(lang, "计算过程", "working"));
            out.push_str(&super::working::lines(&o.values, &r.checked.scope, lang, "    "));
        }
        if pays {
            let total = parts.total(r, i).map_or(V::Missing, |t| V::Num(t, Dim::MONEY));
            let total = show(&total, &r.checked.scope, lang);
            let _ = writeln!(out, "  {}: {total}", w(lang, "合计", "total"));
        }
    }
    let totals = r.totals();
    if !totals.is_empty() && r.outcomes.len() > 1 {
        let _ = writeln!(out, "\n{}", if zh { "== 合计" } else { "== totals" });
        let line = |out: &mut String, name: &str, amount: Option<Decimal>, n: usize| {
            let money =
                show(&amount.map_or(V::Missing, |a| V::Num(a, Dim::MONEY)), &r.checked.scope, lang);
            let _ = if zh {
                writeln!(out, "  {name}: {money}，{n} 个主体获得")
            } else {
                let s = if n == 1 { "" } else { "s" };
                writeln!(out, "  {name}: {money} to {n} subject{s}")
            };
        };
        for t in totals {
            line(&mut out, r.name(t.def), Some(t.amount), t.recipients);
        }
        if let Some(g) = r.grand() {
            for (name, amount, n) in &g.stacks {
                line(&mut out, &format!("{} {name}", w(lang, "叠加", "stack")), *amount, *n);
            }
            line(&mut out, w(lang, "合计", "total"), g.total, g.recipients);
            if g.missing > 0 {
                let m = g.missing;
                let _ = if zh {
                    writeln!(out, "  （不完整：{m} 个主体缺数据，未计入合计）")
                } else {
                    let s = if m == 1 { "" } else { "s" };
                    writeln!(
                        out,
                        "  (incomplete: {m} subject{s} missing data, left out of the totals)"
                    )
                };
            }
        }
    }
    let pools = r.pools();
    if !pools.is_empty() {
        let _ = writeln!(out, "\n{}", if zh { "== 资金池" } else { "== pools" });
        for p in &pools {
            let _ = writeln!(out, "  {}", super::pools::line(p, lang));
        }
    }
    // The document's own figures (budgets, their parts, 声明, 配套), with the full working.
    let working = r.outcomes.iter().any(|o| !o.values.is_empty());
    if working && !r.checked.figures.is_empty() {
        let _ =
            writeln!(out, "\n{}", w(lang, "== 文件自身的数字", "== the document's own figures"));
        for f in &r.checked.figures {
            for l in f.text(lang).lines() {
                let _ = writeln!(out, "  {l}");
            }
        }
    }
    // The subjects whose awards missing data leaves undetermined, counted and named.
    if let Some(line) = super::undetermined_line(r, lang) {
        let _ = writeln!(out, "\n{line}");
    }
    out
}

/// A line per member of the subject (a kind with member kinds): its kind, id and own rules.
fn members(out: &mut String, r: &Report<'_, '_>, o: &SubjectOutcome, lang: Lang) {
    for set in &o.members {
        for m in &set.outcomes {
            let rules: Vec<String> = m
                .rules
                .iter()
                .filter(|rule| r.member_rule(rule.def))
                .map(|rule| {
                    format!("{} {}", r.name(rule.def), show(&rule.value, &r.checked.scope, lang))
                })
                .collect();
            let _ = writeln!(out, "  {} {}: {}", set.kind, m.key, rules.join(w(lang, "；", "; ")));
            // Each rule's working (the amount before its cap, the clause it failed), under
            // the member as the owner's is under its rule: named when the member has several.
            let shown: Vec<_> = m.rules.iter().filter(|rule| r.member_rule(rule.def)).collect();
            for rule in &shown {
                let mut text = String::new();
                detail(&mut text, r, rule.def, &rule.detail, lang);
                if text.is_empty() {
                    continue;
                }
                if shown.len() == 1 {
                    out.push_str(&text);
                } else {
                    let _ = writeln!(out, "    {}:", r.name(rule.def));
                    for line in text.lines() {
                        let _ = writeln!(out, "  {line}");
                    }
                }
            }
        }
    }
}

fn detail(out: &mut String, r: &Report<'_, '_>, def: usize, d: &Detail, lang: Lang) {
    let zh = lang == Lang::Zh;
    let scope = &r.checked.scope;
    match d {
        Detail::Value | Detail::Grade { .. } => {}
        Detail::Failed => {
            let _ = writeln!(
                out,
                "    {}",
                if zh { "（计算出错，见诊断）" } else { "(failed: see the diagnostics)" }
            );
        }
        Detail::Condition(g) => group(out, r, g, 2, lang),
        Detail::Indicators(ind) => {
            let gate = match ind.gate {
                Some(g) if zh => format!("，门槛 {g} 项"),
                Some(g) => format!(", gate {g}"),
                None => String::new(),
            };
            let _ = if zh {
                writeln!(out, "    达标 {} / {} 项{gate}", ind.met, ind.indicators.len())
            } else {
                writeln!(out, "    {} of {} met{gate}", ind.met, ind.indicators.len())
            };
            for i in &ind.indicators {
                let mark = mark(i.met);
                let value = show(&i.value, scope, lang);
                let targets: Vec<String> =
                    i.targets.iter().map(|(c, _)| target(c, r, lang)).collect();
                let t = if targets.is_empty() {
                    if zh {
                        "（本年无目标）".to_string()
                    } else {
                        "(no target this year)".to_string()
                    }
                } else {
                    targets.join("; ")
                };
                let _ = writeln!(out, "      {mark} {}: {value}  {t}", i.name);
            }
        }
        Detail::Score(parts) => score(out, r, parts, 2, lang),
        Detail::Award(a) => {
            if !a.eligible {
                // A clause that could not be decided is said so: missing data decided it.
                let why: Vec<String> = a
                    .failed
                    .iter()
                    .filter_map(|i| {
                        let t = r.clause_text(def, *i)?;
                        Some(match (a.undecided.contains(i), zh) {
                            (false, _) => format!("`{t}`"),
                            (true, true) => format!("`{t}`（缺数据）"),
                            (true, false) => format!("`{t}` (missing data)"),
                        })
                    })
                    .collect();
                let _ = if zh {
                    writeln!(out, "    不符合：{}", why.join("、"))
                } else {
                    writeln!(out, "    not eligible: {}", why.join(", "))
                };
                return;
            }
            if let Some(reason) = &a.not_this_year {
                let _ = match (reason, lang) {
                    (NotThisYear::PaidIn(y), Lang::Zh) => {
                        writeln!(out, "    一次性奖励，已于 {y}年 符合条件，本年不再发放")
                    }
                    (NotThisYear::PaidIn(y), Lang::En) => {
                        writeln!(out, "    a one-off award, already due in {y}: nothing this year")
                    }
                    (NotThisYear::Ended { first, years }, Lang::Zh) => {
                        writeln!(
                            out,
                            "    自 {first}年 起连续 {}年 已满，本年不再发放",
                            years.normalize()
                        )
                    }
                    (NotThisYear::Ended { first, years }, Lang::En) => writeln!(
                        out,
                        "    paid for {} years from {first}: nothing this year",
                        years.normalize()
                    ),
                };
                return;
            }
            let mut parts =
                vec![format!("{} {}", w(lang, "计算", "computed"), show(&a.base, scope, lang))];
            if let Some(cap) = &a.cap {
                // Reached at the cap or over it; how far the amount before it is from it.
                let gap = match (&a.base, cap) {
                    (V::Num(b, d), V::Num(c, _)) => {
                        b.checked_sub(*c).map(|g| (g, show(&V::Num(g.abs(), *d), scope, lang)))
                    }
                    _ => None,
                };
                let reached = match (a.capped, gap, lang) {
                    (true, Some((g, _)), Lang::Zh) if g.is_zero() => "（恰好达到上限）".to_string(),
                    (true, Some((g, _)), Lang::En) if g.is_zero() => {
                        " (reached exactly)".to_string()
                    }
                    (true, Some((_, by)), Lang::Zh) => format!("（已达上限，超出 {by}）"),
                    (true, Some((_, by)), Lang::En) => format!(" (reached: {by} over it)"),
                    (true, None, _) => w(lang, "（已达上限）", " (reached)").to_string(),
                    (false, Some((_, by)), Lang::Zh) => format!("（未达上限，差 {by}）"),
                    (false, Some((_, by)), Lang::En) => format!(" (not reached: {by} below it)"),
                    // The cap or the amount before it is unknown: whether it bound is too.
                    (false, None, _) if a.base == V::Missing || *cap == V::Missing => String::new(),
                    (false, None, _) => w(lang, "（未达上限）", " (not reached)").to_string(),
                };
                parts.push(format!(
                    "{} {}{reached}",
                    w(lang, "最高不超过", "cap"),
                    show(cap, scope, lang)
                ));
            }
            if let Some(cut) = &a.reduce {
                parts.push(format!("{} {}", w(lang, "核减", "cut by"), show(cut, scope, lang)));
            }
            if let Some(s) = &a.pool {
                parts.push(super::pools::share(s, lang));
            }
            let _ = writeln!(out, "    {}", parts.join(if zh { "；" } else { "; " }));
        }
    }
}

fn w<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    if lang == Lang::Zh { zh } else { en }
}

fn mark(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "✓",
        Some(false) => "✗",
        None => "?",
    }
}

fn group(out: &mut String, r: &Report<'_, '_>, g: &GroupResult, depth: usize, lang: Lang) {
    let pad = "  ".repeat(depth);
    for item in &g.items {
        let mut line = format!("{pad}{} {}", mark(item.met), item.name);
        if let Some(c) = &item.comparison {
            line.push_str(&format!(": {}", comparison(c, r, lang)));
        }
        if let Some(i) = item.exception {
            let t = Text::new(
                format!("（适用第 {} 个例外）", i + 1),
                format!(" (exception {} applies)", i + 1),
            );
            line.push_str(word(lang, &t));
        }
        if item.met.is_none() {
            line.push_str(w(lang, "（缺数据）", " (data missing)"));
        }
        let _ = writeln!(out, "{line}");
        if let Some(inner) = &item.group {
            group(out, r, inner, depth + 1, lang);
        }
    }
}

/// `25,000 家 ≥ 20,000 家（超出 5,000 家）`.
fn comparison(c: &Comparison, r: &Report<'_, '_>, lang: Lang) -> String {
    let scope = &r.checked.scope;
    let mut s =
        format!("{} {} {}", show(&c.left, scope, lang), c.op.symbol(), show(&c.right, scope, lang));
    if let (V::Num(a, d), V::Num(b, _)) = (&c.left, &c.right)
        && let Some(diff) = a.checked_sub(*b)
    {
        let met = c.op.holds(a.cmp(b));
        // The margin between two percentages is in percentage points (docs/language.md §7):
        // 32.5% against 30% is 2.5 个百分点, not 2.5%.
        let unit = if d.kind() == crate::units::Kind::Percent { Dim::POINTS } else { *d };
        let by = show(&V::Num(diff.abs(), unit), scope, lang);
        if !matches!(c.op, CmpOp::Eq | CmpOp::Ne) {
            // Met with its margin, missed by how much; exactly at the line is said too (`以上`
            // includes the number: met; `超过` excludes it: missed by nothing).
            let note = match (met, diff.is_zero(), lang) {
                (true, true, Lang::Zh) => "（恰好达到）".to_string(),
                (false, true, Lang::Zh) => "（恰好等于，不满足）".to_string(),
                (true, true, Lang::En) => " (exactly at it)".to_string(),
                (false, true, Lang::En) => " (exactly at it: not met)".to_string(),
                (true, false, Lang::Zh) => format!("（余 {by}）"),
                (false, false, Lang::Zh) => format!("（差 {by}）"),
                (true, false, Lang::En) => format!(" (by {by})"),
                (false, false, Lang::En) => format!(" (short by {by})"),
            };
            s.push_str(&note);
        }
    }
    s
}

/// A target this year: `≥ 1,500 个（余 732 个）`, the margin as a comparison's.
fn target(c: &Comparison, r: &Report<'_, '_>, lang: Lang) -> String {
    let full = comparison(c, r, lang);
    let left = format!("{} ", show(&c.left, &r.checked.scope, lang));
    full.strip_prefix(&left).map_or(full.clone(), str::to_string)
}

fn score(out: &mut String, r: &Report<'_, '_>, parts: &[PartResult], depth: usize, lang: Lang) {
    let pad = "  ".repeat(depth);
    for p in parts {
        let got = show(&p.points, &r.checked.scope, lang);
        let max = show(&p.max, &r.checked.scope, lang);
        let _ = writeln!(out, "{pad}{}: {got} / {max}", p.name);
        score(out, r, &p.parts, depth + 1, lang);
    }
}

/// A stacking rule applied to one subject.
fn stack(out: &mut String, r: &Report<'_, '_>, s: &StackOutcome, lang: Lang) {
    stack_lines(out, &r.checked.scope, s, lang);
}

/// A stacking rule applied to one subject, as the text report writes it (two spaces in).
pub(crate) fn stack_lines(
    out: &mut String,
    scope: &crate::checker::scope::Scope<'_>,
    s: &StackOutcome,
    lang: Lang,
) {
    let money = |d: rust_decimal::Decimal| show(&V::Num(d, Dim::MONEY), scope, lang);
    let mode = match (s.mode, lang) {
        (StackMode::Exclusive, Lang::Zh) => "就高不重复",
        (StackMode::Exclusive, Lang::En) => "the highest only",
        (StackMode::Additive, Lang::Zh) => "累加",
        (StackMode::Additive, Lang::En) => "all together",
    };
    // A total beyond the exact range is missing (and reported as ZC0702), as is one whose
    // amount already received is.
    let missing = || show(&V::Missing, scope, lang);
    let total = s.total.map_or_else(missing, money);
    let _ = writeln!(out, "  {} {}（{mode}）: {total}", w(lang, "叠加", "stack"), s.rule);
    for m in &s.members {
        let own =
            m.amount.map_or_else(|| w(lang, "（未评估）", "(not evaluated)").to_string(), money);
        let _ = writeln!(out, "    {}: {own} → {}", m.name, m.paid.map_or_else(missing, money));
    }
    // What was already received for the same matter, deducted from the highest.
    if let Some(got) = &s.received {
        let amount = got.amount.map_or_else(missing, money);
        let _ =
            writeln!(out, "    {} {}: {amount}", w(lang, "扣除已获", "less received"), got.field);
    }
}

/// How a stacking rule arrived at its total for one subject, in one line: the highest and what
/// was already received (就高不重复), or the sum (累加).
pub(crate) fn stack_arithmetic(
    scope: &crate::checker::scope::Scope<'_>,
    s: &StackOutcome,
    lang: Lang,
) -> String {
    let money = |d: Decimal| show(&V::Num(d, Dim::MONEY), scope, lang);
    let zh = lang == Lang::Zh;
    let total = s.total.map_or_else(|| show(&V::Missing, scope, lang), money);
    if s.mode == StackMode::Additive {
        let parts: Vec<String> =
            s.members.iter().map(|m| money(m.paid.unwrap_or_default())).collect();
        return format!("{} = {total}", parts.join(" + "));
    }
    // The highest is the first of the largest amounts, as the rule takes it.
    let top = s.members.iter().map(|m| m.amount.unwrap_or_default()).max().unwrap_or_default();
    let Some(h) = s.members.iter().find(|m| m.amount.unwrap_or_default() == top) else {
        return total;
    };
    let high = money(h.amount.unwrap_or_default());
    match &s.received {
        None if zh => format!("只发最高的一项 `{}` {high}", h.name),
        None => format!("only the highest, `{}`, is paid: {high}", h.name),
        Some(got) => match got.amount {
            Some(r) if zh => format!(
                "最高的一项 `{}` {high}，扣除已获 `{}` {}，实发 {total}{}",
                h.name,
                got.field,
                money(r),
                if r >= top { "（已获不少于最高的一项）" } else { "" }
            ),
            Some(r) => format!(
                "the highest, `{}`, {high}, less `{}` already received {}: paid {total}{}",
                h.name,
                got.field,
                money(r),
                if r >= top { " (what was received is no less than the highest)" } else { "" }
            ),
            None if zh => format!(
                "最高的一项 `{}` {high}，已获金额 `{}` 缺数据：实发金额无法确定",
                h.name, got.field
            ),
            None => format!(
                "the highest, `{}`, {high}; the amount already received, `{}`, is missing: what is paid cannot be worked out",
                h.name, got.field
            ),
        },
    }
}

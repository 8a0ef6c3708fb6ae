//! A simulation shown in the terminal, as JSON, Markdown or an xlsx workbook.
//!
//! The JSON schema is stable; every amount is an exact decimal string in 元:
//!
//! ```text
//! { "policy": { "file", "title" }, "data", "subject", "year", "subjects", "recipients", "total",
//!   "paid_after_cut" (null unless a pool is cut),
//!   "awards": [ { "award", "total", "recipients", "not_evaluated", "after_cut" } ],
//!   "distribution": { "min", "max",
//!       "quantiles": [ { "name", "value", "exact", "from", "to" } ],
//!       "histogram": [ { "from", "to", "recipients" } ] },
//!   "pools": [ { "pool", "total", "claims", "awards", "not_simulated", "prorata_step",
//!                "cut": { "ratio", "ratio_exact", "paid", "remainder", "subjects" } | null } ],
//!   "budget_lines": [ { "line", "amount", "claims", "awards" } ],
//!   "passes" }
//! ```
//!
//! The distribution is that of what each recipient (a subject receiving more than 0) receives
//! from all the policy's awards together, after the cut of any pool (`total` and each award's
//! `total` are as claimed, `after_cut` and `paid_after_cut` after the cut).

use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};
use serde_json::{Value as J, json};

use super::quantile::Quantile;
use super::{Band, Simulation};
use crate::checker::scope::Scope;
use crate::diagnostics::Lang;
use crate::eval::value::V;
use crate::report::show::{grouped, show};
use crate::report::xlsx::Sheet;
use crate::units::Dim;

/// What was simulated: the policy, the data, the subject kind and the year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meta {
    pub policy: String,
    pub title: Option<String>,
    pub data: String,
    pub subject: String,
    pub year: Option<u16>,
}

fn tr<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    if lang == Lang::Zh { zh } else { en }
}

/// An amount for people: `1,234,567.5 元`.
pub fn yuan(d: Decimal) -> String {
    format!("{} 元", grouped(d))
}

/// A share for people: `91.5%`, abbreviated and marked `≈` when long.
pub fn percent(part: Decimal, whole: Decimal) -> String {
    match part.checked_div(whole) {
        Some(r) if whole != Decimal::ZERO => {
            show(&V::Num(r, Dim::PERCENT), &Scope::default(), Lang::Zh)
        }
        _ => "—".into(),
    }
}

/// A ratio for people: exact, or abbreviated and marked `≈`.
fn ratio(r: Decimal) -> String {
    show(&V::Num(r, Dim::NUMBER), &Scope::default(), Lang::Zh)
}

/// A round amount in few characters: `5万`, `2亿`, `500`.
pub fn short(d: Decimal) -> String {
    let yi = Decimal::from(100_000_000u64);
    let wan = Decimal::from(10_000u64);
    let (n, unit) = if d >= yi {
        (d.checked_div(yi).unwrap_or(d), "亿")
    } else if d >= wan {
        (d.checked_div(wan).unwrap_or(d), "万")
    } else {
        (d, "")
    };
    format!("{}{unit}", grouped(n.normalize()))
}

/// A band's label: `1万–2万元`, `≥ 5亿元`.
pub fn band_label(b: &Band) -> String {
    match b.hi {
        Some(hi) => format!("{}–{}元", short(b.lo), short(hi)),
        None => format!("≥ {}元", short(b.lo)),
    }
}

/// A quantile for people: exact, or the range known to hold it.
fn quantile_text(q: &Quantile, lang: Lang) -> String {
    match q {
        Quantile::Exact(v) => yuan(*v),
        Quantile::Between(lo, hi) => format!(
            "≈ {}–{}（{}）",
            grouped(*lo),
            yuan(*hi),
            tr(lang, "近似：只知道所在区间", "approximate: only the range is known")
        ),
    }
}

/// A horizontal bar of `count` out of `max`, `width` characters at most, in eighths.
pub fn bar(count: u64, max: u64, width: u64) -> String {
    if max == 0 {
        return String::new();
    }
    let eighths = u128::from(count) * u128::from(width) * 8 / u128::from(max);
    let full = eighths / 8;
    let part = eighths % 8;
    let mut s = "█".repeat(usize::try_from(full).unwrap_or(0));
    let partial = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    if part > 0
        && let Some(p) = partial.get(usize::try_from(part).unwrap_or(0))
    {
        s.push_str(p);
    }
    if count > 0 && s.is_empty() {
        s.push('▏');
    }
    s
}

/// The columns `s` takes in a terminal: a CJK character takes two.
pub fn width(s: &str) -> usize {
    let wide = |c: char| matches!(c, '\u{1100}'..='\u{115f}' | '\u{2e80}'..='\u{a4cf}' | '\u{ac00}'..='\u{d7a3}' | '\u{f900}'..='\u{faff}' | '\u{fe30}'..='\u{fe4f}' | '\u{ff00}'..='\u{ff60}' | '\u{ffe0}'..='\u{ffe6}');
    s.chars().map(|c| if wide(c) { 2 } else { 1 }).sum()
}

/// Pads `s` to `w` display columns.
pub fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// Right-aligns `s` in `w` display columns.
pub fn rpad(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(width(s))))
}

/// The histogram as lines of text with bars.
pub fn histogram_lines(h: &[Band]) -> Vec<String> {
    let max = h.iter().map(|b| b.count).max().unwrap_or(0);
    let labels: Vec<String> = h.iter().map(band_label).collect();
    let lw = labels.iter().map(|l| width(l)).max().unwrap_or(0);
    h.iter()
        .zip(&labels)
        .map(|(b, l)| {
            format!(
                "  {} │{} {}",
                pad(l, lw),
                pad(&bar(b.count, max, 40), 41),
                grouped(Decimal::from(b.count))
            )
        })
        .collect()
}

/// The terminal report.
pub fn text(sim: &Simulation, meta: &Meta, lang: Lang) -> String {
    let mut o = String::new();
    let year =
        meta.year.map(|y| if lang == Lang::Zh { format!("，{y}年") } else { format!(", {y}") });
    o.push_str(&format!(
        "== {}  ×  {}  ({}{})\n",
        meta.policy,
        meta.data,
        meta.subject,
        year.unwrap_or_default()
    ));
    if let Some(t) = &meta.title {
        o.push_str(&format!("   {t}\n"));
    }
    o.push_str(&match lang {
        Lang::Zh => format!(
            "主体 {} 个，获得奖励 {} 个，合计 {}\n",
            grouped(Decimal::from(sim.subjects)),
            grouped(Decimal::from(sim.recipients)),
            yuan(sim.total)
        ),
        Lang::En => format!(
            "{} subjects, {} receiving an award, {} in all\n",
            grouped(Decimal::from(sim.subjects)),
            grouped(Decimal::from(sim.recipients)),
            yuan(sim.total)
        ),
    });
    if let Some(paid) = sim.paid {
        o.push_str(&match lang {
            Lang::Zh => format!("资金池按比例核减后实发 {}\n", yuan(paid)),
            Lang::En => format!("{} paid after the pools' pro-rata cut\n", yuan(paid)),
        });
    }
    if sim.overflow {
        o.push_str(tr(
            lang,
            "注意：合计超出可表示的范围，数字不可靠\n",
            "note: a total overflowed; the figures are not reliable\n",
        ));
    }
    o.push('\n');
    let head =
        [tr(lang, "奖励", "award"), tr(lang, "合计", "total"), tr(lang, "获得者", "recipients")];
    let names: Vec<&str> = sim.awards.iter().map(|a| a.name.as_str()).collect();
    let nw = names.iter().chain([&head[0]]).map(|n| width(n)).max().unwrap_or(0);
    let tw =
        sim.awards.iter().map(|a| width(&yuan(a.total))).chain([width(head[1])]).max().unwrap_or(0);
    o.push_str(&format!("{}  {}  {}\n", pad(head[0], nw), rpad(head[1], tw), rpad(head[2], 10)));
    for a in &sim.awards {
        let mut line = format!(
            "{}  {}  {}",
            pad(&a.name, nw),
            rpad(&yuan(a.total), tw),
            rpad(&grouped(Decimal::from(a.recipients)), 10)
        );
        if let Some(c) = a.after_cut {
            line.push_str(&format!("  {} {}", tr(lang, "核减后", "after the cut"), yuan(c)));
        }
        if a.unknown > 0 {
            line.push_str(&format!(
                "  ({} {})",
                a.unknown,
                tr(lang, "个主体无法计算", "subjects not evaluated")
            ));
        }
        o.push_str(&line);
        o.push('\n');
    }
    o.push('\n');
    o.push_str(match sim.paid {
        None => tr(
            lang,
            "分布（每个获得者所得合计）\n",
            "distribution (what each recipient receives in all)\n",
        ),
        Some(_) => tr(
            lang,
            "分布（每个获得者核减后所得合计）\n",
            "distribution (what each recipient receives in all, after the pools' cut)\n",
        ),
    });
    if let (Some(min), Some(max)) = (sim.min, sim.max) {
        o.push_str(&format!("  {} {}\n", pad(tr(lang, "最小", "min"), 4), yuan(min)));
        for (name, q) in &sim.quantiles {
            o.push_str(&format!("  {} {}\n", pad(name, 4), quantile_text(q, lang)));
        }
        o.push_str(&format!("  {} {}\n", pad(tr(lang, "最大", "max"), 4), yuan(max)));
        o.push('\n');
        for l in histogram_lines(&sim.histogram) {
            o.push_str(&l);
            o.push('\n');
        }
    } else {
        o.push_str(tr(lang, "  （没有获得者）\n", "  (no recipients)\n"));
    }
    if !sim.pools.is_empty() {
        o.push('\n');
        o.push_str(tr(lang, "资金池\n", "pools\n"));
        for p in &sim.pools {
            o.push_str(&pool_text(p, lang));
        }
    }
    if !sim.lines.is_empty() {
        o.push('\n');
        o.push_str(tr(lang, "预算\n", "budget lines\n"));
        for l in &sim.lines {
            o.push_str(&use_text(&l.name, l.amount, l.claims, lang));
        }
    }
    o.push_str(&match (lang, sim.passes) {
        (Lang::Zh, n) => format!("\n（共扫描数据 {n} 遍）\n"),
        (Lang::En, 1) => "\n(1 pass over the data)\n".to_string(),
        (Lang::En, n) => format!("\n({n} passes over the data)\n"),
    });
    o
}

/// `  名称  400,000 元；申领 440,000 元（110%），超出 40,000 元`.
fn use_text(name: &str, amount: Decimal, claims: Decimal, lang: Lang) -> String {
    let over = claims.checked_sub(amount).filter(|o| *o > Decimal::ZERO);
    let share = percent(claims, amount);
    match lang {
        Lang::Zh => {
            let over = over.map(|o| format!("，超出 {}", yuan(o))).unwrap_or_default();
            format!("  {name}  {}；申领 {}（{share}）{over}\n", yuan(amount), yuan(claims))
        }
        Lang::En => {
            let over = over.map(|o| format!(", over by {}", yuan(o))).unwrap_or_default();
            format!("  {name}  {}; claims {} ({share}){over}\n", yuan(amount), yuan(claims))
        }
    }
}

fn pool_text(p: &super::PoolUse, lang: Lang) -> String {
    let mut o = use_text(&p.name, p.total, p.claims, lang);
    match (&p.cut, p.step) {
        (Some(c), Some(step)) => o.push_str(&match lang {
            Lang::Zh => format!(
                "    按比例核减：比例 {} ÷ {} = {}{}，每笔向下舍到 {}；核减后支付 {}，舍入余额 {}，{} 个主体被核减\n",
                grouped(p.total),
                grouped(p.claims),
                ratio(c.ratio),
                if c.ratio_exact { "" } else { "（除不尽，计算用精确分数）" },
                yuan(step),
                yuan(c.paid),
                yuan(c.remainder),
                grouped(Decimal::from(c.subjects))
            ),
            Lang::En => format!(
                "    cut pro rata: ratio {} ÷ {} = {}{}, each amount rounded down to {}; {} paid after the cut, {} left unpaid by rounding, {} subjects cut\n",
                grouped(p.total),
                grouped(p.claims),
                ratio(c.ratio),
                if c.ratio_exact { "" } else { " (does not end; the exact fraction is used)" },
                yuan(step),
                yuan(c.paid),
                yuan(c.remainder),
                grouped(Decimal::from(c.subjects))
            ),
        }),
        (None, None) if p.claims > p.total => o.push_str(tr(
            lang,
            "    政策未写明超出时如何处理（没有 `按比例核减`）\n",
            "    the policy does not say what happens when it runs out (no `按比例核减`)\n",
        )),
        _ => {}
    }
    if !p.foreign.is_empty() {
        o.push_str(&format!(
            "    {}{}\n",
            tr(lang, "未计入（引用的政策）：", "not simulated (imported policies): "),
            p.foreign.join(tr(lang, "、", ", "))
        ));
    }
    o
}

fn money(d: Decimal) -> J {
    json!(d.normalize().to_string())
}

/// The JSON report.
pub fn json(sim: &Simulation, meta: &Meta) -> String {
    let awards: Vec<J> = sim
        .awards
        .iter()
        .map(|a| {
            json!({ "award": a.name, "total": money(a.total), "recipients": a.recipients,
                    "not_evaluated": a.unknown, "after_cut": a.after_cut.map(money) })
        })
        .collect();
    let quantiles: Vec<J> = sim
        .quantiles
        .iter()
        .map(|(name, q)| match q {
            Quantile::Exact(v) => json!({ "name": name, "value": money(*v), "exact": true, "from": null, "to": null }),
            Quantile::Between(lo, hi) => json!({ "name": name, "value": null, "exact": false, "from": money(*lo), "to": money(*hi) }),
        })
        .collect();
    let histogram: Vec<J> = sim
        .histogram
        .iter()
        .map(|b| json!({ "from": money(b.lo), "to": b.hi.map(money), "recipients": b.count }))
        .collect();
    let pools: Vec<J> = sim
        .pools
        .iter()
        .map(|p| {
            let cut = p.cut.as_ref().map(|c| {
                json!({ "ratio": c.ratio.to_string(), "ratio_exact": c.ratio_exact, "paid": money(c.paid), "remainder": money(c.remainder), "subjects": c.subjects })
            });
            json!({ "pool": p.name, "total": money(p.total), "claims": money(p.claims), "awards": p.awards,
                    "not_simulated": p.foreign, "prorata_step": p.step.map(money), "cut": cut })
        })
        .collect();
    let lines: Vec<J> = sim
        .lines
        .iter()
        .map(|l| json!({ "line": l.name, "amount": money(l.amount), "claims": money(l.claims), "awards": l.awards }))
        .collect();
    let doc = json!({
        "policy": { "file": meta.policy, "title": meta.title },
        "data": meta.data,
        "subject": meta.subject,
        "year": meta.year,
        "subjects": sim.subjects,
        "recipients": sim.recipients,
        "total": money(sim.total),
        "paid_after_cut": sim.paid.map(money),
        "awards": awards,
        "distribution": { "min": sim.min.map(money), "max": sim.max.map(money), "quantiles": quantiles, "histogram": histogram },
        "pools": pools,
        "budget_lines": lines,
        "passes": sim.passes,
    });
    format!("{}\n", serde_json::to_string_pretty(&doc).unwrap_or_default())
}

/// The Markdown report.
pub fn markdown(sim: &Simulation, meta: &Meta, lang: Lang) -> String {
    let mut o = format!("# {}\n\n", meta.title.as_deref().unwrap_or(&meta.policy));
    o.push_str(&format!(
        "- {}: `{}`\n- {}: `{}` ({}{})\n- {}: {}\n- {}: {}\n- {}: {}\n\n",
        tr(lang, "政策", "policy"),
        meta.policy,
        tr(lang, "数据", "data"),
        meta.data,
        meta.subject,
        meta.year.map(|y| format!(", {y}")).unwrap_or_default(),
        tr(lang, "主体", "subjects"),
        grouped(Decimal::from(sim.subjects)),
        tr(lang, "获得奖励的主体", "recipients"),
        grouped(Decimal::from(sim.recipients)),
        tr(lang, "合计", "total"),
        yuan(sim.total)
    ));
    o.push_str(&format!(
        "## {}\n\n| {} | {} | {} | {} |\n|---|---:|---:|---:|\n",
        tr(lang, "奖励", "Awards"),
        tr(lang, "奖励", "award"),
        tr(lang, "合计", "total"),
        tr(lang, "获得者", "recipients"),
        tr(lang, "核减后", "after the cut")
    ));
    for a in &sim.awards {
        o.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            a.name,
            yuan(a.total),
            grouped(Decimal::from(a.recipients)),
            a.after_cut.map(yuan).unwrap_or_default()
        ));
    }
    o.push_str(&format!(
        "\n## {}\n\n",
        tr(lang, "分布（每个获得者所得合计）", "Distribution (what each recipient receives)")
    ));
    if let (Some(min), Some(max)) = (sim.min, sim.max) {
        o.push_str(&format!(
            "| {} | {} |\n|---|---:|\n",
            tr(lang, "分位", "quantile"),
            tr(lang, "金额", "amount")
        ));
        o.push_str(&format!("| {} | {} |\n", tr(lang, "最小", "min"), yuan(min)));
        for (name, q) in &sim.quantiles {
            o.push_str(&format!("| {name} | {} |\n", quantile_text(q, lang)));
        }
        o.push_str(&format!("| {} | {} |\n\n", tr(lang, "最大", "max"), yuan(max)));
        o.push_str(&format!(
            "| {} | {} |\n|---|---:|\n",
            tr(lang, "区间", "band"),
            tr(lang, "获得者", "recipients")
        ));
        for b in &sim.histogram {
            o.push_str(&format!("| {} | {} |\n", band_label(b), grouped(Decimal::from(b.count))));
        }
    }
    if !sim.pools.is_empty() || !sim.lines.is_empty() {
        o.push_str(&format!(
            "\n## {}\n\n| {} | {} | {} | {} | {} |\n|---|---:|---:|---:|---|\n",
            tr(lang, "资金池与预算", "Pools and budget lines"),
            tr(lang, "名称", "name"),
            tr(lang, "金额", "amount"),
            tr(lang, "申领", "claims"),
            tr(lang, "使用", "use"),
            tr(lang, "按比例核减", "pro-rata cut")
        ));
        for p in &sim.pools {
            let cut = p.cut.as_ref().map_or(String::new(), |c| {
                format!(
                    "{} {}; {} {}; {} {}",
                    tr(lang, "比例", "ratio"),
                    ratio(c.ratio),
                    tr(lang, "支付", "paid"),
                    yuan(c.paid),
                    tr(lang, "舍入余额", "left by rounding"),
                    yuan(c.remainder)
                )
            });
            o.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                p.name,
                yuan(p.total),
                yuan(p.claims),
                percent(p.claims, p.total),
                cut
            ));
        }
        for l in &sim.lines {
            o.push_str(&format!(
                "| {} | {} | {} | {} | |\n",
                l.name,
                yuan(l.amount),
                yuan(l.claims),
                percent(l.claims, l.amount)
            ));
        }
    }
    o
}

/// The xlsx workbook: sheets 奖励, 分布 and 资金.
pub fn xlsx(sim: &Simulation, meta: &Meta) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let mut props =
        DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(1980, 1, 1)?);
    if let Some(t) = &meta.title {
        props = props.set_title(t);
    }
    book.set_properties(&props);
    let header = |h: &[&str]| h.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
    {
        let mut s = Sheet::new(
            book.add_worksheet(),
            "奖励",
            &header(&["奖励", "合计(元)", "获得者", "无法计算", "核减后(元)"]),
        )?;
        let mut row = 1u32;
        for a in &sim.awards {
            s.text(row, 0, &a.name)?;
            s.decimal(row, 1, a.total, false)?;
            s.decimal(row, 2, Decimal::from(a.recipients), false)?;
            s.decimal(row, 3, Decimal::from(a.unknown), false)?;
            if let Some(c) = a.after_cut {
                s.decimal(row, 4, c, false)?;
            }
            row += 1;
        }
        s.text(row, 0, "合计")?;
        s.decimal(row, 1, sim.total, false)?;
        s.decimal(row, 2, Decimal::from(sim.recipients), false)?;
        s.finish()?;
    }
    {
        let mut s = Sheet::new(
            book.add_worksheet(),
            "分布",
            &header(&["分位或区间", "金额(元)", "获得者", "区间上限(元)"]),
        )?;
        // Each column holds one kind of number: amounts, counts of subjects, upper bounds.
        let mut row = 1u32;
        if let (Some(min), Some(max)) = (sim.min, sim.max) {
            s.text(row, 0, "最小")?;
            s.decimal(row, 1, min, false)?;
            row += 1;
            for (name, q) in &sim.quantiles {
                match q {
                    Quantile::Exact(v) => {
                        s.text(row, 0, name)?;
                        s.decimal(row, 1, *v, false)?;
                    }
                    // Known to lie between two amounts: the lower in 金额, the upper as the
                    // bound.
                    Quantile::Between(lo, hi) => {
                        s.text(row, 0, &format!("{name}（介于两数之间）"))?;
                        s.decimal(row, 1, *lo, false)?;
                        s.decimal(row, 3, *hi, false)?;
                    }
                }
                row += 1;
            }
            s.text(row, 0, "最大")?;
            s.decimal(row, 1, max, false)?;
            row += 2;
            for b in &sim.histogram {
                s.text(row, 0, &band_label(b))?;
                s.decimal(row, 2, Decimal::from(b.count), false)?;
                if let Some(hi) = b.hi {
                    s.decimal(row, 3, hi, false)?;
                }
                row += 1;
            }
        }
        s.finish()?;
    }
    {
        let mut s = Sheet::new(
            book.add_worksheet(),
            "资金",
            &header(&[
                "资金池或预算",
                "金额(元)",
                "申领(元)",
                "核减比例",
                "核减后支付(元)",
                "舍入余额(元)",
            ]),
        )?;
        let mut row = 1u32;
        for p in &sim.pools {
            s.text(row, 0, &p.name)?;
            s.decimal(row, 1, p.total, false)?;
            s.decimal(row, 2, p.claims, false)?;
            if let Some(c) = &p.cut {
                s.decimal(row, 3, c.ratio, true)?;
                s.decimal(row, 4, c.paid, false)?;
                s.decimal(row, 5, c.remainder, false)?;
            }
            row += 1;
        }
        for l in &sim.lines {
            s.text(row, 0, &l.name)?;
            s.decimal(row, 1, l.amount, false)?;
            s.decimal(row, 2, l.claims, false)?;
            row += 1;
        }
        if row == 1 {
            s.text(row, 0, crate::diff::render::NO_BUDGET)?;
        }
        s.finish()?;
    }
    book.save_to_buffer()
}

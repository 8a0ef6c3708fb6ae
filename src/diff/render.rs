//! A comparison shown in the terminal, as JSON, Markdown or an xlsx workbook.
//!
//! The JSON schema is stable; money is an exact decimal string in 元, and a rule's value is
//! shown as in `eval`'s JSON (`{ "number", "unit" }`, `true`/`false`, a band's name, `null`):
//!
//! ```text
//! { "old": { "file", "title" }, "new": { "file", "title" }, "data", "subject", "year",
//!   "subjects", "changed_subjects", "unchanged_subjects",
//!   "total": { "before", "after", "delta" },
//!   "awards": [ { "award", "before", "after", "delta", "recipients_before", "recipients_after" } ],
//!   "rules_added": [ name … ], "rules_removed": [ name … ],
//!   "winners": { "count", "subjects": [ { "id", "before", "after", "delta" } ] },
//!   "losers": { "count", "subjects": [ … ] },
//!   "changes": [ { "id", "before", "after", "delta",
//!                  "rules": [ { "rule", "before", "after", "delta" } ] } ],
//!   "budget": [ { "name", "kind": "pool" | "line", "amount", "before", "after", "delta" } ] }
//! ```

use std::io::Write;

use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};
use serde_json::{Value as J, json};

use super::{Diff, SubjectChange};
use crate::checker::scope::Scope;
use crate::diagnostics::Lang;
use crate::eval::value::V;
use crate::report::show::{grouped, show};
use crate::report::xlsx::Sheet;
use crate::simulate::Cell;
use crate::simulate::render::{pad, percent, rpad, width, yuan};

/// What was compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meta {
    pub old: String,
    pub old_title: Option<String>,
    pub new: String,
    pub new_title: Option<String>,
    pub data: String,
    pub subject: String,
    pub year: Option<u16>,
}

fn tr<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    if lang == Lang::Zh { zh } else { en }
}

fn v(c: &Cell) -> V {
    match c {
        Cell::Num(n, d) => V::Num(*n, *d),
        Cell::Bool(b) => V::Bool(*b),
        Cell::Text(t) => V::Text(t.clone()),
        Cell::Missing => V::Missing,
    }
}

/// A rule's value for people.
fn cell_text(c: &Cell, lang: Lang) -> String {
    match c {
        Cell::Num(n, d) if *d == crate::units::Dim::MONEY => yuan(*n),
        other => show(&v(other), &Scope::default(), lang),
    }
}

/// A change with its sign: `+100,000 元`, `-1 元`.
fn signed(d: Decimal) -> String {
    if d > Decimal::ZERO { format!("+{}", yuan(d)) } else { yuan(d) }
}

/// A change of a quantity in its unit, with its sign.
fn signed_cell(delta: Decimal, like: &Cell, lang: Lang) -> String {
    let dim = match like {
        Cell::Num(_, d) => *d,
        _ => crate::units::Dim::NUMBER,
    };
    let s = cell_text(&Cell::Num(delta, dim), lang);
    if delta > Decimal::ZERO { format!("+{s}") } else { s }
}

fn count(n: usize) -> String {
    grouped(Decimal::from(n as u64))
}

fn subject_lines(list: &[&SubjectChange]) -> Vec<String> {
    let w = list.iter().map(|c| width(&c.id)).max().unwrap_or(0);
    list.iter()
        .map(|c| {
            format!(
                "  {}  {} → {}  {}",
                pad(&c.id, w),
                yuan(c.before),
                yuan(c.after),
                signed(c.delta())
            )
        })
        .collect()
}

/// The terminal report.
pub fn text(d: &Diff, m: &Meta, lang: Lang) -> String {
    let mut bytes = Vec::new();
    // Writing into memory does not fail.
    let _ = write_text(d, m, lang, &mut bytes);
    String::from_utf8(bytes).unwrap_or_default()
}

/// How much of a report is made before it is written out: a register where most subjects
/// change lists them all, and the report is never held whole.
const WRITE_AT: usize = 1 << 16;

/// Writes the terminal report to `w` as it is made.
pub fn write_text(d: &Diff, m: &Meta, lang: Lang, out: &mut dyn Write) -> std::io::Result<()> {
    let mut o = String::new();
    let year = m.year.map(|y| if lang == Lang::Zh { format!("，{y}年") } else { format!(", {y}") });
    o.push_str(&format!(
        "== {} → {}  ×  {}  ({}{})\n",
        m.old,
        m.new,
        m.data,
        m.subject,
        year.unwrap_or_default()
    ));
    let (winners, losers) = (d.winners(), d.losers());
    let unchanged = (d.subjects as usize).saturating_sub(winners.len() + losers.len());
    o.push_str(&match lang {
        Lang::Zh => format!(
            "主体 {} 个，结果有变化的 {} 个\n合计 {} → {}（{}）\n得益 {} 个，受损 {} 个，所得不变 {} 个\n",
            grouped(Decimal::from(d.subjects)),
            count(d.changed.len()),
            yuan(d.total_before),
            yuan(d.total_after),
            signed(d.total_delta()),
            count(winners.len()),
            count(losers.len()),
            count(unchanged)
        ),
        Lang::En => format!(
            "{} subjects, {} with a changed outcome\ntotal {} → {} ({})\n{} gain, {} lose, {} receive the same\n",
            grouped(Decimal::from(d.subjects)),
            count(d.changed.len()),
            yuan(d.total_before),
            yuan(d.total_after),
            signed(d.total_delta()),
            count(winners.len()),
            count(losers.len()),
            count(unchanged)
        ),
    });
    if !d.added.is_empty() {
        o.push_str(&format!(
            "{}{}\n",
            tr(lang, "新增规则：", "rules added: "),
            d.added.join(tr(lang, "、", ", "))
        ));
    }
    if !d.removed.is_empty() {
        o.push_str(&format!(
            "{}{}\n",
            tr(lang, "删除规则：", "rules removed: "),
            d.removed.join(tr(lang, "、", ", "))
        ));
    }
    o.push('\n');
    let head = [
        tr(lang, "奖励", "award"),
        tr(lang, "变更前", "before"),
        tr(lang, "变更后", "after"),
        tr(lang, "变化", "change"),
    ];
    let cells: Vec<[String; 4]> = d
        .awards
        .iter()
        .map(|a| {
            let dl = match (a.before, a.after) {
                (Some(b), Some(x)) => signed(x.checked_sub(b).unwrap_or_default()),
                _ => String::new(),
            };
            [
                a.name.clone(),
                a.before.map(yuan).unwrap_or_else(|| "—".into()),
                a.after.map(yuan).unwrap_or_else(|| "—".into()),
                dl,
            ]
        })
        .collect();
    let w: Vec<usize> = (0..4)
        .map(|k| {
            cells
                .iter()
                .filter_map(|r| r.get(k))
                .map(|s| width(s))
                .chain(head.get(k).map(|h| width(h)))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let wk = |k: usize| w.get(k).copied().unwrap_or(0);
    o.push_str(&format!(
        "{}  {}  {}  {}\n",
        pad(head[0], wk(0)),
        rpad(head[1], wk(1)),
        rpad(head[2], wk(2)),
        rpad(head[3], wk(3))
    ));
    for r in &cells {
        o.push_str(&format!(
            "{}  {}  {}  {}\n",
            pad(&r[0], wk(0)),
            rpad(&r[1], wk(1)),
            rpad(&r[2], wk(2)),
            rpad(&r[3], wk(3))
        ));
    }
    for (title, list) in [
        (tr(lang, "得益（所得增加）", "gain (receive more)"), &winners),
        (tr(lang, "受损（所得减少）", "lose (receive less)"), &losers),
    ] {
        if list.is_empty() {
            continue;
        }
        o.push_str(&match lang {
            Lang::Zh => format!("\n{title}：{} 个\n", count(list.len())),
            Lang::En => format!("\n{title}: {}\n", count(list.len())),
        });
        for l in subject_lines(list) {
            o.push_str(&l);
            o.push('\n');
            written(&mut o, out)?;
        }
    }
    if !d.changed.is_empty() {
        o.push_str(&format!("\n{}\n", tr(lang, "各主体结果的变化", "changed outcomes by subject")));
        for c in &d.changed {
            o.push_str(&format!("{}\n", c.id));
            let rw = c.changes.iter().map(|x| width(&x.rule)).max().unwrap_or(0);
            for x in &c.changes {
                let dl = x
                    .delta
                    .map(|dd| format!("  {}", signed_cell(dd, &x.after, lang)))
                    .unwrap_or_default();
                o.push_str(&format!(
                    "  {}  {} → {}{dl}\n",
                    pad(&x.rule, rw),
                    cell_text(&x.before, lang),
                    cell_text(&x.after, lang)
                ));
            }
            written(&mut o, out)?;
        }
    }
    if !d.budget.is_empty() {
        o.push_str(&format!(
            "\n{}\n",
            tr(lang, "预算与资金池（新政策）", "budget lines and pools (new version)")
        ));
        for b in &d.budget {
            let over = b.after.checked_sub(b.amount).filter(|x| *x > Decimal::ZERO);
            o.push_str(&match lang {
                Lang::Zh => format!(
                    "  {}{}  {}：申领 {} → {}（{}，使用 {}）{}\n",
                    if b.pool { "资金池 " } else { "" },
                    b.name,
                    yuan(b.amount),
                    yuan(b.before),
                    yuan(b.after),
                    signed(b.after.checked_sub(b.before).unwrap_or_default()),
                    percent(b.after, b.amount),
                    over.map(|x| format!("，超出 {}", yuan(x))).unwrap_or_default()
                ),
                Lang::En => format!(
                    "  {}{}  {}: claims {} → {} ({}, {} used){}\n",
                    if b.pool { "pool " } else { "" },
                    b.name,
                    yuan(b.amount),
                    yuan(b.before),
                    yuan(b.after),
                    signed(b.after.checked_sub(b.before).unwrap_or_default()),
                    percent(b.after, b.amount),
                    over.map(|x| format!(", over by {}", yuan(x))).unwrap_or_default()
                ),
            });
        }
    }
    out.write_all(o.as_bytes())
}

/// Writes out what is made of a report once it is [`WRITE_AT`] long.
fn written(o: &mut String, w: &mut dyn Write) -> std::io::Result<()> {
    if o.len() >= WRITE_AT {
        w.write_all(o.as_bytes())?;
        o.clear();
    }
    Ok(())
}

fn money(d: Decimal) -> J {
    json!(d.normalize().to_string())
}

fn subject_json(c: &SubjectChange) -> J {
    json!({ "id": c.id, "before": money(c.before), "after": money(c.after), "delta": money(c.delta()) })
}

/// The JSON report. The lists of subjects are written as they are made, never held as a
/// whole tree (a register where most subjects change lists them all): the bytes are those of
/// the document built whole, its keys in order.
pub fn json(d: &Diff, m: &Meta) -> String {
    let mut bytes = Vec::new();
    // Writing into memory does not fail.
    let _ = write_json(d, m, &mut bytes);
    String::from_utf8(bytes).unwrap_or_default()
}

/// Writes the JSON report to `w` as it is made.
pub fn write_json(d: &Diff, m: &Meta, w: &mut dyn Write) -> std::io::Result<()> {
    let scope = Scope::default();
    let (winners, losers) = (d.winners(), d.losers());
    let awards: Vec<J> = d
        .awards
        .iter()
        .map(|a| {
            let delta = match (a.before, a.after) {
                (Some(b), Some(x)) => Some(money(x.checked_sub(b).unwrap_or_default())),
                _ => None,
            };
            json!({ "award": a.name, "before": a.before.map(money), "after": a.after.map(money), "delta": delta,
                    "recipients_before": a.recipients_before, "recipients_after": a.recipients_after })
        })
        .collect();
    let changes = d.changed.iter().map(|c| {
        let jv = |c: &Cell| crate::report::show::json(&v(c), &scope);
        let rules: Vec<J> = c
            .changes
            .iter()
            .map(|x| {
                let delta = x.delta.map(|dd| match &x.after {
                    Cell::Num(_, dim) => jv(&Cell::Num(dd, *dim)),
                    _ => J::Null,
                });
                json!({ "rule": &*x.rule, "before": jv(&x.before), "after": jv(&x.after), "delta": delta })
            })
            .collect();
        let mut s = subject_json(c);
        if let Some(o) = s.as_object_mut() {
            o.insert("rules".into(), J::Array(rules));
        }
        s
    });
    let budget: Vec<J> = d
        .budget
        .iter()
        .map(|b| {
            json!({ "name": b.name, "kind": if b.pool { "pool" } else { "line" }, "amount": money(b.amount),
                    "before": money(b.before), "after": money(b.after),
                    "delta": money(b.after.checked_sub(b.before).unwrap_or_default()) })
        })
        .collect();
    let unchanged = (d.subjects as usize).saturating_sub(winners.len() + losers.len());

    // In the order of the keys, as a document built whole is written.
    let doc = Part::Map(vec![
        ("awards", Part::Value(J::Array(awards))),
        ("budget", Part::Value(J::Array(budget))),
        ("changed_subjects", Part::Value(json!(d.changed.len()))),
        ("changes", Part::seq(changes)),
        ("data", Part::Value(json!(m.data))),
        ("losers", listed(&losers)),
        ("new", Part::Value(json!({ "file": m.new, "title": m.new_title }))),
        ("old", Part::Value(json!({ "file": m.old, "title": m.old_title }))),
        ("rules_added", Part::Value(json!(d.added))),
        ("rules_removed", Part::Value(json!(d.removed))),
        ("subject", Part::Value(json!(m.subject))),
        ("subjects", Part::Value(json!(d.subjects))),
        (
            "total",
            Part::Value(
                json!({ "before": money(d.total_before), "after": money(d.total_after), "delta": money(d.total_delta()) }),
            ),
        ),
        ("unchanged_subjects", Part::Value(json!(unchanged))),
        ("winners", listed(&winners)),
        ("year", Part::Value(json!(m.year))),
    ]);
    let mut w = std::io::BufWriter::with_capacity(WRITE_AT, w);
    serde_json::to_writer_pretty(&mut w, &doc).map_err(std::io::Error::other)?;
    w.write_all(b"\n")?;
    w.flush()
}

/// `{ "count", "subjects" }` of a list of subjects.
fn listed<'a>(l: &'a [&'a SubjectChange]) -> Part<'a> {
    Part::Map(vec![
        ("count", Part::Value(json!(l.len()))),
        ("subjects", Part::seq(l.iter().map(|c| subject_json(c)))),
    ])
}

/// A part of a JSON document written as it is made: a value, a list whose items are made
/// one at a time, or an object of parts, its keys written in the order given.
enum Part<'a> {
    Value(J),
    Seq(std::cell::RefCell<Option<Box<dyn Iterator<Item = J> + 'a>>>),
    Map(Vec<(&'static str, Part<'a>)>),
}

impl<'a> Part<'a> {
    fn seq(items: impl Iterator<Item = J> + 'a) -> Self {
        Part::Seq(std::cell::RefCell::new(Some(Box::new(items))))
    }
}

impl serde::Serialize for Part<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Part::Value(v) => v.serialize(s),
            // Written once: a second pass finds the list empty.
            Part::Seq(items) => match items.borrow_mut().take() {
                Some(items) => s.collect_seq(items),
                None => s.collect_seq(std::iter::empty::<J>()),
            },
            Part::Map(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// The Markdown report.
pub fn markdown(d: &Diff, m: &Meta, lang: Lang) -> String {
    let (winners, losers) = (d.winners(), d.losers());
    let mut o = format!("# {} → {}\n\n", m.old, m.new);
    o.push_str(&format!(
        "- {}: `{}` ({}{})\n- {}: {}\n- {}: {}\n- {}: {} → {} ({})\n- {}: {}; {}: {}\n\n",
        tr(lang, "数据", "data"),
        m.data,
        m.subject,
        m.year.map(|y| format!(", {y}")).unwrap_or_default(),
        tr(lang, "主体", "subjects"),
        grouped(Decimal::from(d.subjects)),
        tr(lang, "结果有变化的主体", "subjects with a changed outcome"),
        count(d.changed.len()),
        tr(lang, "合计", "total"),
        yuan(d.total_before),
        yuan(d.total_after),
        signed(d.total_delta()),
        tr(lang, "得益", "gain"),
        count(winners.len()),
        tr(lang, "受损", "lose"),
        count(losers.len())
    ));
    o.push_str(&format!(
        "## {}\n\n| {} | {} | {} | {} |\n|---|---:|---:|---:|\n",
        tr(lang, "奖励", "Awards"),
        tr(lang, "奖励", "award"),
        tr(lang, "变更前", "before"),
        tr(lang, "变更后", "after"),
        tr(lang, "变化", "change")
    ));
    for a in &d.awards {
        let dl = match (a.before, a.after) {
            (Some(b), Some(x)) => signed(x.checked_sub(b).unwrap_or_default()),
            _ => String::new(),
        };
        o.push_str(&format!(
            "| {} | {} | {} | {dl} |\n",
            a.name,
            a.before.map(yuan).unwrap_or_else(|| "—".into()),
            a.after.map(yuan).unwrap_or_else(|| "—".into())
        ));
    }
    for (title, list) in [(tr(lang, "得益", "Gain"), &winners), (tr(lang, "受损", "Lose"), &losers)]
    {
        if list.is_empty() {
            continue;
        }
        o.push_str(&format!(
            "\n## {title} ({})\n\n| {} | {} | {} | {} |\n|---|---:|---:|---:|\n",
            list.len(),
            tr(lang, "主体", "subject"),
            tr(lang, "变更前", "before"),
            tr(lang, "变更后", "after"),
            tr(lang, "变化", "change")
        ));
        for c in list.iter() {
            o.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                c.id,
                yuan(c.before),
                yuan(c.after),
                signed(c.delta())
            ));
        }
    }
    if !d.changed.is_empty() {
        o.push_str(&format!(
            "\n## {}\n\n| {} | {} | {} | {} | {} |\n|---|---|---:|---:|---:|\n",
            tr(lang, "各主体结果的变化", "Changed outcomes"),
            tr(lang, "主体", "subject"),
            tr(lang, "规则", "rule"),
            tr(lang, "变更前", "before"),
            tr(lang, "变更后", "after"),
            tr(lang, "变化", "change")
        ));
        for c in &d.changed {
            for x in &c.changes {
                let dl = x.delta.map(|dd| signed_cell(dd, &x.after, lang)).unwrap_or_default();
                o.push_str(&format!(
                    "| {} | {} | {} | {} | {dl} |\n",
                    c.id,
                    x.rule,
                    cell_text(&x.before, lang),
                    cell_text(&x.after, lang)
                ));
            }
        }
    }
    if !d.budget.is_empty() {
        o.push_str(&format!(
            "\n## {}\n\n| {} | {} | {} | {} | {} |\n|---|---:|---:|---:|---:|\n",
            tr(lang, "预算与资金池（新政策）", "Budget lines and pools (new version)"),
            tr(lang, "名称", "name"),
            tr(lang, "金额", "amount"),
            tr(lang, "变更前申领", "claims before"),
            tr(lang, "变更后申领", "claims after"),
            tr(lang, "使用", "use")
        ));
        for b in &d.budget {
            o.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                b.name,
                yuan(b.amount),
                yuan(b.before),
                yuan(b.after),
                percent(b.after, b.amount)
            ));
        }
    }
    o
}

/// What a budget sheet says when the policy states no budget line or pool.
pub const NO_BUDGET: &str = "本政策未设预算";

/// The xlsx workbook: sheets 合计, 变化 (amounts), 其他变化 and 预算.
pub fn xlsx(d: &Diff, m: &Meta) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let props = DocProperties::new()
        .set_creation_datetime(&ExcelDateTime::from_ymd(1980, 1, 1)?)
        .set_title(format!("{} → {}", m.old, m.new));
    book.set_properties(&props);
    let header = |h: &[&str]| h.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
    {
        let mut s = Sheet::new(
            book.add_worksheet(),
            "合计",
            &header(&[
                "奖励",
                "变更前(元)",
                "变更后(元)",
                "变化(元)",
                "变更前获得者",
                "变更后获得者",
            ]),
        )?;
        let mut row = 1u32;
        for a in &d.awards {
            s.text(row, 0, &a.name)?;
            if let Some(b) = a.before {
                s.decimal(row, 1, b, false)?;
            }
            if let Some(x) = a.after {
                s.decimal(row, 2, x, false)?;
            }
            if let (Some(b), Some(x)) = (a.before, a.after) {
                s.decimal(row, 3, x.checked_sub(b).unwrap_or_default(), false)?;
            }
            s.decimal(row, 4, Decimal::from(a.recipients_before), false)?;
            s.decimal(row, 5, Decimal::from(a.recipients_after), false)?;
            row += 1;
        }
        s.text(row, 0, "合计")?;
        s.decimal(row, 1, d.total_before, false)?;
        s.decimal(row, 2, d.total_after, false)?;
        s.decimal(row, 3, d.total_delta(), false)?;
        s.finish()?;
    }
    // Changes of amounts of money, numbers in 元 (a column of numbers holds only numbers, and
    // 「缺数据」 for a missing amount); every other change (a condition, a rate, a grade) as
    // shown, in a sheet of its own.
    let is_money = |c: &Cell| match c {
        Cell::Num(_, dim) => *dim == crate::units::Dim::MONEY,
        Cell::Missing => true,
        _ => false,
    };
    let money_change = |x: &crate::diff::Change| {
        is_money(&x.before)
            && is_money(&x.after)
            && (matches!(x.before, Cell::Num(..)) || matches!(x.after, Cell::Num(..)))
    };
    {
        let mut s = Sheet::new(
            book.add_worksheet(),
            "变化",
            &header(&["主体", "奖励", "变更前(元)", "变更后(元)", "变化(元)"]),
        )?;
        let mut row = 1u32;
        let amount = |s: &mut Sheet<&mut rust_xlsxwriter::Worksheet>,
                      row: u32,
                      col: u16,
                      c: &Cell| match c {
            Cell::Num(n, _) => s.decimal(row, col, *n, false),
            _ => s.missing(row, col),
        };
        for c in &d.changed {
            s.text(row, 0, &c.id)?;
            s.text(row, 1, "合计")?;
            s.decimal(row, 2, c.before, false)?;
            s.decimal(row, 3, c.after, false)?;
            s.decimal(row, 4, c.delta(), false)?;
            row += 1;
            for x in c.changes.iter().filter(|x| money_change(x)) {
                s.text(row, 0, &c.id)?;
                s.text(row, 1, &x.rule)?;
                amount(&mut s, row, 2, &x.before)?;
                amount(&mut s, row, 3, &x.after)?;
                if let Some(dd) = x.delta {
                    s.decimal(row, 4, dd, false)?;
                }
                row += 1;
            }
        }
        s.finish()?;
    }
    {
        let mut s = Sheet::new(
            book.add_worksheet(),
            "其他变化",
            &header(&["主体", "规则", "变更前", "变更后", "变化"]),
        )?;
        let mut row = 1u32;
        for c in &d.changed {
            for x in c.changes.iter().filter(|x| !money_change(x)) {
                s.text(row, 0, &c.id)?;
                s.text(row, 1, &x.rule)?;
                s.text(row, 2, &cell_text(&x.before, Lang::Zh))?;
                s.text(row, 3, &cell_text(&x.after, Lang::Zh))?;
                if let Some(dd) = x.delta {
                    s.text(row, 4, &signed_cell(dd, &x.after, Lang::Zh))?;
                }
                row += 1;
            }
        }
        if row == 1 {
            s.text(1, 0, "没有金额以外的变化")?;
        }
        s.finish()?;
    }
    {
        let mut s = Sheet::new(
            book.add_worksheet(),
            "预算",
            &header(&["预算或资金池", "金额(元)", "变更前申领(元)", "变更后申领(元)"]),
        )?;
        for (row, b) in (1u32..).zip(&d.budget) {
            s.text(row, 0, &b.name)?;
            s.decimal(row, 1, b.amount, false)?;
            s.decimal(row, 2, b.before, false)?;
            s.decimal(row, 3, b.after, false)?;
        }
        if d.budget.is_empty() {
            s.text(1, 0, NO_BUDGET)?;
        }
        s.finish()?;
    }
    book.save_to_buffer()
}

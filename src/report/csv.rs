//! The CSV report: one row per subject, the subjects' id field (`企业名称`) then one column per
//! rule (or the rules asked for, `eval --columns`), each stacking rule's total and the subject's
//! total (`合计`); values exact in base units (money in 元, a percentage as a ratio), conditions
//! `true`/`false`, grades by name, a missing value 「缺数据」; a last row `合计` adds up the
//! columns of money. The cells are written by the functions the streaming runner writes with
//! (`crate::register::out`), so that both give the same bytes.

use super::Report;
use crate::eval::stack::money;
use crate::eval::value::V;
use crate::register::out::{self, Layout, LayoutColumn, Sums};

/// Renders the report as CSV: every rule reported per subject, or only the rules named in
/// `only`, in that order (names that are not such rules are left out; `eval --columns` refuses
/// them first).
pub fn render(r: &Report<'_, '_>, only: &[String]) -> String {
    let (bytes, _) = render_counted(r, only);
    String::from_utf8(bytes).unwrap_or_default()
}

/// The CSV report and what its last row adds up (with the missing values).
pub(crate) fn render_counted(r: &Report<'_, '_>, only: &[String]) -> (Vec<u8>, Sums) {
    let layout = layout(r, only);
    let mut w = Vec::new();
    if r.outcomes.is_empty() {
        // Without a subject, no rule column (as the streaming runner writes it).
        w.extend_from_slice(b"id\n");
        return (w, Sums::default());
    }
    // Values of the working `only` names (`科技成果转化补助.比例`), after the layout's columns.
    let named = value_columns(r, only);
    // The awards a pool pays: each its amount claimed before the cut, after every other column.
    let pooled = claimed_columns(r, only);
    let mut header = out::header(&r.key_name(), &layout.names);
    append(&mut header, named.iter().map(|n| |w: &mut Vec<u8>| out::field(w, n)));
    append(
        &mut header,
        pooled.iter().map(|d| move |w: &mut Vec<u8>| out::field(w, &claimed_name(r.name(*d)))),
    );
    w.extend_from_slice(&header);
    let defs = r.subject_columns();
    let mut sums = Sums::new(&layout.summed);
    let mut claims = out::Sums::new(&vec![true; pooled.len()]);
    for (i, o) in r.outcomes.iter().enumerate() {
        let start = w.len();
        let value = |c: usize| {
            defs.get(c)
                .and_then(|d| o.rules.iter().find(|x| x.def == *d))
                .map_or(&V::Missing, |x| &x.value)
        };
        let (partial, missing) = layout.row_cells(
            &mut w,
            &mut sums,
            &o.key,
            |c| *value(c) == V::Missing,
            |c| money(value(c)),
            |c, out| out::value(out, value(c), &r.checked.scope),
        );
        let stacks = r.stacks.get(i).map(Vec::as_slice).unwrap_or_default();
        layout.end_row(&mut w, &mut sums, partial, missing, stacks);
        if !named.is_empty() {
            let mut row = w.split_off(start);
            append(
                &mut row,
                named.iter().map(|n| {
                    let v =
                        o.values.iter().find(|v| v.name == *n).map_or(&V::Missing, |v| &v.value);
                    move |w: &mut Vec<u8>| out::value(w, v, &r.checked.scope)
                }),
            );
            w.extend_from_slice(&row);
        }
        if !pooled.is_empty() {
            let mut row = w.split_off(start);
            let cells: Vec<Option<rust_decimal::Decimal>> =
                pooled.iter().map(|d| claimed(o, *d)).collect();
            for (j, c) in cells.iter().enumerate() {
                match c {
                    Some(n) => claims.add(j, *n),
                    None => claims.missing_at(j),
                }
            }
            append(
                &mut row,
                cells.into_iter().map(|c| {
                    move |w: &mut Vec<u8>| match c {
                        Some(n) => out::amount(w, n.normalize()),
                        None => w.extend_from_slice(out::MISSING.as_bytes()),
                    }
                }),
            );
            w.extend_from_slice(&row);
        }
    }
    if layout.has_total_row() {
        let start = w.len();
        sums.write_row(&mut w);
        if !named.is_empty() || !pooled.is_empty() {
            // The working is not added up: its cells in the row of totals are left empty.
            let mut row = w.split_off(start);
            append(&mut row, named.iter().map(|_| |_: &mut Vec<u8>| {}));
            append(
                &mut row,
                claims.cells.iter().map(|t| {
                    move |w: &mut Vec<u8>| {
                        if let Some(t) = t {
                            out::total(w, *t);
                        }
                    }
                }),
            );
            w.extend_from_slice(&row);
        }
    }
    (w, sums)
}

/// The names of `only` that are no column of the layout: values of the working, in order.
pub(crate) fn value_columns(r: &Report<'_, '_>, only: &[String]) -> Vec<String> {
    let rules: Vec<&str> = r.subject_columns().iter().map(|d| r.name(*d)).collect();
    only.iter()
        .filter(|n| !rules.contains(&n.as_str()) && !out::is_total_name(n))
        .cloned()
        .collect()
}

/// Appends cells to a line that ends in a line break, before it.
fn append<F: FnOnce(&mut Vec<u8>)>(line: &mut Vec<u8>, cells: impl Iterator<Item = F>) {
    let ended = line.last() == Some(&b'\n');
    if ended {
        line.pop();
    }
    for cell in cells {
        line.push(b',');
        cell(line);
    }
    if ended {
        line.push(b'\n');
    }
}

/// The CSV report's columns for `r`.
pub(crate) fn layout(r: &Report<'_, '_>, only: &[String]) -> Layout {
    let defs = r.subject_columns();
    let cols: Vec<LayoutColumn<'_>> = defs
        .iter()
        .map(|d| LayoutColumn {
            def: *d,
            name: r.name(*d),
            money: r.money_award(*d),
            explained: crate::eval::empty::names_empty_fields(&r.checked.scope, *d),
        })
        .collect();
    let (_, stacked) = r.stack_rules();
    Layout::new(&cols, only, &r.stack_heads(), &stacked)
}

/// The awards of the report a pool pays, among the columns written: their claims are written
/// after the other columns.
pub(crate) fn claimed_columns(
    r: &Report<'_, '_>,
    only: &[String],
) -> Vec<crate::checker::scope::DefId> {
    let pools = r.pools();
    r.subject_columns()
        .into_iter()
        .filter(|d| pools.iter().any(|p| p.awards.iter().any(|a| a == r.name(*d))))
        .filter(|d| only.is_empty() || only.iter().any(|n| n == r.name(*d)))
        .collect()
}

/// The column of an award's claim: `设备补助（申领）`.
pub fn claimed_name(award: &str) -> String {
    format!("{award}（申领）")
}

/// A subject's claim on award `def` before the pool's cut (`None` when missing).
fn claimed(
    o: &crate::eval::outcome::SubjectOutcome,
    def: crate::checker::scope::DefId,
) -> Option<rust_decimal::Decimal> {
    let rule = o.rules.iter().find(|x| x.def == def)?;
    match &rule.detail {
        crate::eval::outcome::Detail::Award(a) => match &a.pool {
            Some(s) => s.claimed,
            None => money(&rule.value),
        },
        _ => money(&rule.value),
    }
}

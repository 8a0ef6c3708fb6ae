//! `eval --format csv --out` of a CSV register whose policy declares a pool (`资金池`): the
//! report of [`crate::report::csv`] with every pool applied ([`crate::eval::pool`]), streamed.
//!
//! A pool cuts each claim by the claims of the whole register, so the register is read twice,
//! each time through the streaming runner ([`crate::register::run`]): the first pass adds up
//! each pool's claims, the second cuts every claim and writes the rows as they come. Nothing
//! per subject is kept between the passes (keeping each subject's claims instead would hold the
//! ids of every subject: some 70 bytes each, beyond 64 MiB at a million), so memory is the
//! runner's, bounded by its block size, and time twice a pass. The bytes are those of the
//! in-memory report; the pools' notes (`ZC0720`, `ZC0721`) are the in-memory path's.

use std::io::Write;
use std::path::Path;

use rust_decimal::Decimal;

use crate::ast::Policy;
use crate::checker::Checked;
use crate::data::Schema;
use crate::diagnostics::Diagnostics;
use crate::eval::pool::{self, PoolResult};
use crate::eval::stack::money;
use crate::eval::value::V;
use crate::register::out::{self, Layout, LayoutColumn, Sums};
use crate::register::{self, Failure, RunOptions, Summary};
use crate::source::Loc;

/// Whether `policy` declares a pool that pays awards of `kind`.
pub(super) fn has_pool(policy: &Policy, checked: &Checked<'_>, kind: &str) -> bool {
    let sid = checked.scope.subject_names.get(kind).copied();
    !pool::specs(policy, checked, sid).is_empty()
}

/// Writes the CSV report of the register at `path`, its pools applied, to `out`.
pub(super) fn write_csv(
    policy: &Policy,
    checked: &Checked<'_>,
    kind: &str,
    path: &Path,
    opts: &RunOptions<'_>,
    out: &mut dyn Write,
) -> Result<Summary, Failure> {
    let sid = checked.scope.subject_names.get(kind).copied();
    let specs = pool::specs(policy, checked, sid);
    let columns = sid.map(|s| register::columns(checked, s)).unwrap_or_default();
    let col_of = |def| columns.iter().position(|c| c.def == def);
    let spec_cols: Vec<Vec<usize>> =
        specs.iter().map(|s| s.awards.iter().filter_map(|(d, _)| col_of(*d)).collect()).collect();
    // The first pass: each pool's claims.
    let mut claims: Vec<Option<Decimal>> = vec![Some(Decimal::ZERO); specs.len()];
    let mut missing = vec![0u64; specs.len()];
    register::run(policy, checked, kind, path, opts, &mut |row| {
        for ((cols, c), m) in spec_cols.iter().zip(claims.iter_mut()).zip(missing.iter_mut()) {
            for col in cols {
                match row.values.get(*col).and_then(money) {
                    Some(a) => *c = c.and_then(|x| x.checked_add(a)),
                    None => *m += 1,
                }
            }
        }
    })?;
    let mut diags = Vec::new();
    let mut results: Vec<Option<PoolResult>> = specs
        .iter()
        .zip(&claims)
        .zip(&missing)
        .map(|((s, c), m)| c.map(|c| PoolResult::with_claims(s, c, *m)))
        .collect();
    let cut: Vec<bool> = results.iter().map(|r| r.as_ref().is_some_and(|r| r.cut)).collect();
    let governs = pool::governing(&specs, &cut);
    // Per column, the pool that pays it.
    let pool_of: Vec<Option<usize>> = columns
        .iter()
        .map(|c| governs.iter().find(|(d, _)| *d == c.def).map(|(_, p)| *p))
        .collect();
    // The second pass: the report, every claim cut.
    let cols: Vec<LayoutColumn<'_>> = columns
        .iter()
        .map(|c| LayoutColumn { def: c.def, name: &c.name, money: c.money, explained: c.explained })
        .collect();
    let layout = Layout::new(&cols, &opts.columns, &[], &[]);
    let claimed: Vec<usize> = (0..columns.len())
        .filter(|i| pool_of.get(*i).copied().flatten().is_some())
        .filter(|i| {
            opts.columns.is_empty()
                || columns.get(*i).is_some_and(|c| opts.columns.contains(&c.name))
        })
        .collect();
    let key = Schema::from_policy(policy, kind)
        .ok()
        .and_then(|s| s.key_field().map(|f| f.name.clone()))
        .unwrap_or_else(|| "id".to_string());
    let scope = &checked.scope;
    let mut sums = Sums::new(&layout.summed);
    let mut claim_sums = Sums::new(&vec![true; claimed.len()]);
    let mut paid: Vec<Option<Decimal>> = vec![Some(Decimal::ZERO); specs.len()];
    let mut cut_subjects = vec![0u64; specs.len()];
    let mut written: std::io::Result<()> = Ok(());
    let mut begun = false;
    let mut buf = Vec::new();
    let mut values: Vec<V> = Vec::new();
    let run = register::run(policy, checked, kind, path, opts, &mut |row| {
        if written.is_err() {
            return;
        }
        if !begun {
            begun = true;
            let mut header = out::header(&key, &layout.names);
            header.pop();
            for i in &claimed {
                header.push(b',');
                let name = columns.get(*i).map_or("", |c| c.name.as_str());
                out::field(&mut header, &crate::report::claimed_name(name));
            }
            header.push(b'\n');
            written = out.write_all(&header);
        }
        values.clear();
        values.extend_from_slice(row.values);
        let mut touched = vec![false; specs.len()];
        for (c, v) in values.iter_mut().enumerate() {
            let (Some(Some(pi)), Some(a)) = (pool_of.get(c), money(v)) else { continue };
            let Some(Some(p)) = results.get(*pi) else { continue };
            let after = p.cut_amount(a);
            if let Some(slot) = paid.get_mut(*pi) {
                *slot = slot.and_then(|s| s.checked_add(after?));
            }
            if let Some(x) = after {
                if x < a
                    && let Some(t) = touched.get_mut(*pi)
                {
                    *t = true;
                }
                *v = V::money(x);
            }
        }
        for (n, t) in cut_subjects.iter_mut().zip(touched) {
            *n += u64::from(t);
        }
        let value = |c: usize| values.get(c).unwrap_or(&V::Missing);
        buf.clear();
        let (partial, missing) = layout.row_cells(
            &mut buf,
            &mut sums,
            row.key,
            |c| *value(c) == V::Missing,
            |c| money(value(c)),
            |c, o| out::value(o, value(c), scope),
        );
        layout.end_row(&mut buf, &mut sums, partial, missing, &[]);
        buf.pop();
        for (j, i) in claimed.iter().enumerate() {
            buf.push(b',');
            match row.values.get(*i).and_then(money) {
                Some(n) => {
                    claim_sums.add(j, n);
                    out::amount(&mut buf, n.normalize());
                }
                None => {
                    claim_sums.missing_at(j);
                    buf.extend_from_slice(out::MISSING.as_bytes());
                }
            }
        }
        buf.push(b'\n');
        written = out.write_all(&buf);
    });
    let mut summary = run?;
    let io = |e: std::io::Error| {
        Failure::Data(vec![crate::cli::output::cannot_write(None, &e.to_string())].into())
    };
    written.map_err(io)?;
    if summary.rows == 0 {
        out.write_all(b"id\n").map_err(io)?;
    } else if layout.has_total_row() {
        let mut row = Vec::new();
        sums.write_row(&mut row);
        row.pop();
        for t in &claim_sums.cells {
            row.push(b',');
            if let Some(t) = t {
                out::total(&mut row, *t);
            }
        }
        row.push(b'\n');
        out.write_all(&row).map_err(io)?;
    }
    for (pi, spec) in specs.iter().enumerate() {
        let loc = Loc::new(&policy.file, spec.span);
        let finished = results.get_mut(pi).and_then(Option::as_mut).and_then(|r| {
            r.finish(paid.get(pi).copied().flatten()?, cut_subjects.get(pi).copied().unwrap_or(0))
                .map(|()| &*r)
        });
        match finished {
            Some(r) => diags.extend(pool::diagnostic(r, loc)),
            None => diags.push(crate::eval::overflow::total_overflow(&spec.name, loc)),
        }
    }
    summary.missing = register::missing_of(&columns, &layout, &sums);
    summary.diagnostics.extend(Diagnostics::from(diags));
    Ok(summary)
}

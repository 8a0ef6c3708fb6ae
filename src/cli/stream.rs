//! `zhengce eval POLICY --data REGISTER.csv --format csv --out FILE`: the CSV report of a whole
//! register, streamed ([`crate::register`]) instead of loaded into memory.
//!
//! Taken when one policy is evaluated on one CSV file, for all subjects, into a file, and the
//! policy stacks nothing from other policies. The bytes written are those of the in-memory path;
//! a register the streaming runner cannot take (ids not in increasing order, one row per
//! subject and year, yearly data without `--year`) goes the in-memory way.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::{EvalArgs, ReportFormat};
use super::output::{AtomicFile, cannot_write};
use crate::ast::{ItemKind, Policy};
use crate::checker::Checked;
use crate::data::{Dataset, Schema};
use crate::diagnostics::{Code, Diagnostics};
use crate::register::{Failure, RunOptions, write_csv};

/// What streaming did: nothing (the in-memory path must run), or the diagnostics and whether
/// they include a usage error (a file that cannot be read or written).
pub(super) enum Streamed {
    Not,
    Done { diags: Diagnostics, usage: bool },
}

/// Whether `eval` streams this policy's report.
pub(super) fn applies(args: &EvalArgs, policy: &Policy, sources: usize) -> bool {
    args.format == ReportFormat::Csv
        && args.out.is_some()
        && args.subject.is_none()
        && sources == 1
        && args.data.as_deref().is_some_and(|d| csv_without_imports(policy, d))
}

/// The subject kind of `data` and the runner's options, when the register can be streamed: its
/// kind is known, its parameters are given on the command line (a CSV register has none) and,
/// for yearly data, `--year` is given (the default year is the latest in the whole file, which
/// only the in-memory path knows before evaluating).
pub(super) fn options(
    policy: &Policy,
    data: &Path,
    kind: Option<&str>,
    year: Option<u16>,
    given: &[String],
    threads: Option<usize>,
) -> Option<(String, RunOptions<'static>)> {
    let kind = super::eval::kind_of(policy, data, kind)?;
    let schema = Schema::from_policy(policy, &kind).ok()?;
    if year.is_none() && schema.fields.iter().any(|f| f.by_year) {
        return None;
    }
    let empty = Dataset {
        subject: kind.clone(),
        fields: Vec::new(),
        records: Vec::new(),
        param_names: schema.params.iter().map(|p| p.name.clone()).collect(),
        params: vec![crate::data::Value::Missing; schema.params.len()],
    };
    let params = super::eval::params(&empty, given).ok()?;
    let year = year.or_else(|| crate::eval::latest_year(&[], &params));
    let mut opts = RunOptions { year, params, ..RunOptions::default() };
    if let Some(t) = threads {
        opts.threads = t.max(1);
    }
    Some((kind, opts))
}

/// Whether `data` is a CSV file and `policy` stacks nothing from other policies.
pub(super) fn csv_without_imports(policy: &Policy, data: &Path) -> bool {
    let csv =
        data.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    csv && !policy
        .items
        .iter()
        .any(|i| matches!(i.node.kind, ItemKind::Import(_) | ItemKind::Stack(_)))
}

/// Streams the CSV report of `data` into `--out`.
pub(super) fn run(
    policy: &Policy,
    checked: &Checked<'_>,
    data: &Path,
    args: &EvalArgs,
    inputs: &[PathBuf],
) -> Streamed {
    let Some(out_path) = &args.out else { return Streamed::Not };
    let Some((kind, opts)) =
        options(policy, data, args.kind.as_deref(), args.year, &args.params, args.threads)
    else {
        return Streamed::Not;
    };
    let opts = RunOptions { columns: args.columns.clone(), ..opts };
    let mut file = match AtomicFile::create(out_path, inputs) {
        Ok(f) => f,
        Err(d) => return Streamed::Done { diags: vec![*d].into(), usage: true },
    };
    match write_csv(policy, checked, &kind, data, &opts, &mut file) {
        Ok(summary) => {
            let committed =
                file.flush().map_err(|e| Box::new(cannot_write(Some(out_path), &e.to_string())));
            match committed.and_then(|()| file.commit()) {
                Ok(()) => Streamed::Done { diags: summary.diagnostics, usage: false },
                Err(d) => {
                    let mut diags = summary.diagnostics;
                    diags.push(*d);
                    Streamed::Done { diags, usage: true }
                }
            }
        }
        Err(Failure::NotStreamable(_)) => Streamed::Not,
        Err(Failure::Data(diags)) => {
            let usage = diags.iter().any(|d| d.code == Code::Io);
            Streamed::Done { diags, usage }
        }
    }
}

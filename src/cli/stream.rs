//! `zhengce eval POLICY --data REGISTER.csv --format csv|json|jsonl --out FILE`: the CSV or JSON report
//! of a whole register, streamed ([`crate::register`]) instead of loaded into memory.
//!
//! Taken when one policy is evaluated on one CSV file, for all subjects, into a file. A policy
//! with stacking rules (`叠加`) for the subject kind, or whose stacking rules import other
//! policies, streams through [`crate::register::write_csv_stacked`], the others through the
//! parallel runner; the JSON report, which has every rule's reasons, streams through
//! [`crate::register::write_json`] (the interpreter, block by block), JSON Lines likewise. The bytes written and the
//! diagnostics are those of the in-memory path; a register the streaming runners cannot take
//! (ids not in increasing order, one row per subject and year) goes the in-memory way. For yearly
//! data without `--year`, [`crate::register::latest_year`] finds the in-memory path's default year
//! in a pass before the evaluation.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::{EvalArgs, ReportFormat};
use super::output::{AtomicFile, cannot_write};
use super::stack::{self, Imported, Stacking};
use crate::ast::Policy;
use crate::checker::{Checked, check};
use crate::data::{Dataset, Schema};
use crate::diagnostics::{Code, Diagnostics, Lang};
use crate::eval::Evaluator;
use crate::register::{
    Companion, Failure, RegisterRun, RunOptions, write_basis, write_csv, write_csv_stacked,
    write_json, write_jsonl, write_markdown, write_xlsx,
};

/// What streaming did: nothing (the in-memory path must run), or the diagnostics and whether
/// they include a usage error (a file that cannot be read or written).
pub(super) enum Streamed {
    Not,
    Done { diags: Diagnostics, usage: bool },
}

/// Whether `eval` streams this policy's report.
pub(super) fn applies(args: &EvalArgs, sources: usize) -> bool {
    matches!(
        args.format,
        ReportFormat::Csv
            | ReportFormat::Json
            | ReportFormat::Jsonl
            | ReportFormat::Markdown
            | ReportFormat::Xlsx
            | ReportFormat::Basis
    ) && args.out.is_some()
        && args.subject.is_none()
        && args.only_paid.is_none()
        && sources == 1
        && args.data.as_deref().is_some_and(is_csv)
}

/// The subject kind of `data` and the runner's options, when the register can be streamed: its
/// kind is known and its parameters are given on the command line (a CSV register has none).
/// For yearly data without `--year`, the year is the latest the file gives a value for.
pub(super) fn options(
    policy: &Policy,
    data: &Path,
    kind: Option<&str>,
    year: Option<u16>,
    given: &[String],
    threads: Option<usize>,
) -> Option<(String, RunOptions<'static>)> {
    let kind = super::eval::kind_of(policy, data, kind)?;
    let mut schema = Schema::from_policy(policy, &kind).ok()?;
    // Parameters given for the policies it imports are theirs, as on the in-memory path.
    schema.also_known = stack::imported_names(policy, &kind);
    let params = given_params(&schema, data, given)?;
    let year = match year {
        Some(y) => Some(y),
        None => default_year(data, &schema, &params)?,
    };
    let mut opts = RunOptions { year, params, ..RunOptions::default() };
    if let Some(t) = threads {
        opts.threads = t.max(1);
    }
    Some((kind, opts))
}

/// The parameters of a CSV register for `schema`'s policy: those of the parameters file beside
/// it ([`crate::engine::load::params_file`]), overridden by the command line's (`--param`),
/// those of the policies named in `schema.also_known` left to them, as the in-memory path takes
/// them; `None` when one is wrong (the in-memory path reports it).
pub(super) fn given_params(
    schema: &Schema,
    data: &Path,
    given: &[String],
) -> Option<std::collections::BTreeMap<String, crate::data::Value>> {
    if let Some((_, file)) = crate::engine::load::params_beside(data, schema).ok()? {
        return super::eval::params(&file, schema, given).ok();
    }
    let empty = Dataset {
        subject: schema.subject.clone(),
        fields: Vec::new(),
        records: Vec::new(),
        param_names: schema.params.iter().map(|p| p.name.clone()).collect(),
        params: vec![crate::data::Value::Missing; schema.params.len()],
        param_gaps: Vec::new(),
    };
    super::eval::params(&empty, schema, given).ok()
}

/// The year the in-memory path evaluates `data` for when none is given: the latest year its
/// yearly columns give a value for, else the latest of a yearly parameter. `None` (outer) when
/// the file cannot be streamed or has errors, which the in-memory path then reports.
pub(super) fn default_year(
    data: &Path,
    schema: &Schema,
    params: &std::collections::BTreeMap<String, crate::data::Value>,
) -> Option<Option<u16>> {
    crate::register::latest_year(data, schema, params).ok()
}

/// Whether `data` is a register the runner streams: a CSV file, or a Parquet file (read as the
/// CSV text it stands for).
pub(super) fn is_csv(data: &Path) -> bool {
    data.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        || crate::register::is_parquet(data)
}

/// Whether `data` is a CSV file and `policy` stacks nothing from other policies.
pub(super) fn csv_without_imports(policy: &Policy, data: &Path) -> bool {
    is_csv(data)
        && !policy.items.iter().any(|i| {
            matches!(i.node.kind, crate::ast::ItemKind::Import(_) | crate::ast::ItemKind::Stack(_))
        })
}

/// Streams the CSV report of `data` into `--out`.
pub(super) fn run(
    policy: &Policy,
    checked: &Checked<'_>,
    data: &Path,
    args: &EvalArgs,
    inputs: &[PathBuf],
    lang: Lang,
) -> Streamed {
    let Some(out_path) = &args.out else { return Streamed::Not };
    // Values of the working as columns: the in-memory report computes them.
    if !super::eval::value_columns(checked, &args.columns).is_empty() {
        return Streamed::Not;
    }
    let Some((kind, opts)) =
        options(policy, data, args.kind.as_deref(), args.year, &args.params, args.threads)
    else {
        return Streamed::Not;
    };
    // A pool cuts every claim by the claims of the whole register: the CSV report of a policy
    // that stacks nothing reads the register twice (`pooled`); the others go the in-memory way.
    let pooled = super::pooled::has_pool(policy, checked, &kind);
    if pooled
        && (args.format != ReportFormat::Csv
            || !Stacking::new(policy, checked, &kind).is_empty()
            || stack::imports(policy, &kind).map_or(true, |i| !i.is_empty()))
    {
        return Streamed::Not;
    }
    // The policies the stacking rules import: those the in-memory path would report on are left
    // to it.
    let Ok(imported) = stack::imports(policy, &kind) else { return Streamed::Not };
    let stacking = Stacking::new(policy, checked, &kind);
    let others = stack::imported_names(policy, &kind);
    let opts = RunOptions {
        columns: args.columns.clone(),
        also_known: others.clone(),
        // The basis of every award shows its arithmetic: the working is computed for it, as on
        // the in-memory path.
        working: args.working || matches!(args.format, ReportFormat::Xlsx | ReportFormat::Basis),
        ..opts
    };
    let ichecked: Vec<Checked<'_>> = imported.iter().map(|i| check(&i.policy).0).collect();
    let mut companions = Vec::new();
    if !stacking.is_empty() || !imported.is_empty() {
        let mut known = stack::data_names(policy, &kind);
        known.extend(others);
        for (imp, ic) in imported.iter().zip(&ichecked) {
            match companion(imp, ic, &kind, &known, &opts, &args.params, data) {
                Some(c) => companions.push(c),
                None => return Streamed::Not,
            }
        }
    }
    // A year outside the validity period: nothing is written unless asked for anyway.
    if !args.outside_validity
        && let Some(d) = crate::engine::validity::check_year(policy, opts.year, false)
    {
        // With the notes the in-memory path gives before it refuses (the parameters file).
        let mut diags = crate::diagnostics::Diagnostics::new();
        if let Ok(mut schema) = Schema::from_policy(policy, &kind) {
            schema.also_known = stack::imported_names(policy, &kind);
            diags.extend(crate::engine::load::beside_notes(data, &schema, &args.params));
        }
        diags.push(d);
        return Streamed::Done { diags, usage: false };
    }
    let mut file = match AtomicFile::create(out_path, inputs) {
        Ok(f) => f,
        Err(d) => return Streamed::Done { diags: vec![*d].into(), usage: true },
    };
    let run = RegisterRun {
        policy,
        checked,
        kind: &kind,
        path: data,
        opts: &opts,
        stacking: &stacking,
        companions: &companions,
    };
    let written = match args.format {
        ReportFormat::Json => write_json(&run, &mut file),
        ReportFormat::Jsonl => write_jsonl(&run, &mut file),
        ReportFormat::Markdown => write_markdown(&run, lang, &mut file),
        ReportFormat::Xlsx => write_xlsx(&run, lang, &mut file),
        ReportFormat::Basis => write_basis(&run, lang, &mut file),
        _ if pooled => super::pooled::write_csv(policy, checked, &kind, data, &opts, &mut file),
        _ if stacking.is_empty() && imported.is_empty() => {
            write_csv(policy, checked, &kind, data, &opts, &mut file)
        }
        _ => write_csv_stacked(&run, &mut file),
    };
    match written {
        Ok(mut summary) => {
            // The parameters file beside the register, as the in-memory path says it (ZC0914).
            if let Ok(mut schema) = Schema::from_policy(policy, &kind) {
                schema.also_known = stack::imported_names(policy, &kind);
                summary.diagnostics.extend(crate::engine::load::beside_notes(
                    data,
                    &schema,
                    &args.params,
                ));
            }
            if let Some(d) = crate::engine::validity::check_year(policy, opts.year, true) {
                summary.diagnostics.push(d);
            }
            // The CSV report of a policy without a compiled form, said with the reason.
            if args.format == ReportFormat::Csv
                && let Err(why) = &summary.compiled
                && let Some(d) = crate::register::not_compiled::note(policy, checked, &kind, why)
            {
                summary.diagnostics.push(d);
            }
            let m = &summary.missing;
            if let Some(d) = crate::report::missing_warning(policy, checked, &m.by_rule, m.subjects)
            {
                summary.diagnostics.push(d);
            }
            // The fields left empty behind the missing results (ZC0950): the compiled form
            // counts the results, the interpreter tells the fields, in a second pass made only
            // when some result is missing (not when the subjects noted with a missing result
            // are known and none is a rule whose empty fields it names: no `令` is).
            if args.format == ReportFormat::Csv
                && summary.missing.subjects > 0
                && summary.missing.keys.as_ref().is_none_or(|k| !k.is_empty())
                && !summary.diagnostics.iter().any(|d| d.code == Code::EmptyField)
                && let Ok(found) = crate::register::empty_fields(&run, &summary.missing)
            {
                for d in found {
                    summary.diagnostics.push(d);
                }
            }
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
        Err(Failure::Write(e)) => Streamed::Done {
            diags: vec![cannot_write(Some(out_path), &e.to_string())].into(),
            usage: true,
        },
    }
}

/// An imported policy evaluated beside the policy, as the in-memory path evaluates it: its subject
/// kind (the same name, or its only kind), its fields with the other policies' columns known, the
/// parameters given. `None` when the in-memory path must run (it reports why, or it takes the
/// default year from the whole register).
fn companion<'c, 'p>(
    imp: &'p Imported,
    checked: &'c Checked<'p>,
    kind: &str,
    known: &BTreeSet<String>,
    opts: &RunOptions<'_>,
    given: &[String],
    data: &Path,
) -> Option<Companion<'c, 'p>> {
    let kinds = imp.policy.subject_names();
    let ikind = match (kinds.iter().find(|k| **k == kind), kinds.as_slice()) {
        (Some(k), _) | (None, [k]) => (*k).to_string(),
        (None, _) => return None,
    };
    let mut schema = Schema::from_policy(&imp.policy, &ikind).ok()?;
    schema.also_known = known.clone();
    let params = given_params(&schema, data, given)?;
    // Without the policy's year, the imported policy takes the latest of its own yearly data.
    let year = match opts.year {
        Some(y) => Some(y),
        None => default_year(data, &schema, &params)?,
    };
    let subject = checked.scope.subject_names.get(&ikind).copied();
    Some(Companion {
        year,
        alias: imp.alias.clone(),
        policy: &imp.policy,
        kind: ikind,
        schema,
        evaluator: Evaluator::new(&imp.policy, checked, subject, params.clone()),
        params,
        checked,
    })
}

//! Streaming a register through a policy with stacking rules (`叠加`), which combine its awards
//! with each other and with the awards of the policies it imports (`引用 … 为 泽州`).
//!
//! Each block of records is read by the data loader once for the policy and once for each
//! imported policy (with its own fields), every subject is evaluated by the interpreter under
//! each policy, and the stacking rules are applied to it at once: linear in the register, with
//! memory bounded by the block size. The CSV report is the in-memory path's, byte for byte, and
//! so are the diagnostics: the policy's data errors first (nothing is evaluated from invalid
//! data), else the first imported policy's, then every evaluation diagnostic, and `ZC0702` for a
//! stacking total beyond the exact range.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use rust_decimal::Decimal;

use super::chunks::{Block, Blocks};
use super::{
    Done, Failure, KeyOrder, Mode, Plan, RunOptions, Summary, block_results, columns, open, out,
    plan, sparse_text,
};
use crate::ast::Policy;
use crate::checker::Checked;
use crate::checker::scope::DefId;
use crate::compile::{Machine, NotCompiled};
use crate::data::{Dataset, Record, Schema, Value, load_datasets_at};
use crate::diagnostics::Diagnostics;
use crate::eval::Evaluator;
use crate::eval::outcome::SubjectOutcome;
use crate::eval::stack::{StackOutcome, Stacking, award_amount, money};
use crate::eval::value::V;

/// The largest block the interpreter reads at once.
const INTERPRETED_BLOCK: usize = 1 << 18;

/// An imported policy evaluated beside the policy on every subject.
pub struct Companion<'c, 'p> {
    /// The name the stacking rules give it (`泽州`).
    pub alias: String,
    /// The imported policy.
    pub policy: &'p Policy,
    /// Its subject kind the register's rows are.
    pub kind: String,
    /// The run's parameters that are its own.
    pub params: BTreeMap<String, Value>,
    /// Its fields for the subject kind, the other policies' columns known.
    pub schema: Schema,
    /// Its evaluator for that kind, with the run's parameters.
    pub evaluator: Evaluator<'c, 'p>,
    /// The year it is evaluated for: the run's, or without one the latest of its own yearly data.
    pub year: Option<u16>,
    /// Its definitions, for finding the awards the stacking rules name.
    pub checked: &'c Checked<'p>,
}

/// A register streamed through a policy one subject at a time: the policy and the subject kind
/// of the register's rows, the register, the run's options, the stacking rules and the policies
/// they import, evaluated beside it.
#[derive(Clone, Copy)]
pub struct RegisterRun<'r, 'c, 'p> {
    /// The policy.
    pub policy: &'r Policy,
    /// The policy checked.
    pub checked: &'r Checked<'r>,
    /// The subject kind of the register's rows.
    pub kind: &'r str,
    /// The register (a CSV file).
    pub path: &'r Path,
    /// The run's options.
    pub opts: &'r RunOptions<'r>,
    /// The policy's stacking rules for the kind.
    pub stacking: &'r Stacking<'r>,
    /// The policies the stacking rules import, evaluated on the same rows.
    pub companions: &'r [Companion<'c, 'p>],
}

/// Writes the CSV report of every subject of the register at `path` to `out`, the stacking
/// rules applied to each subject: by the parallel runner, the policy and each companion
/// compiled where they compile, when the stacking rules name only rules reported per subject;
/// else by the interpreter on the calling thread.
pub fn write_csv_stacked(
    run: &RegisterRun<'_, '_, '_>,
    out: &mut dyn Write,
) -> Result<Summary, Failure> {
    let RegisterRun { policy, checked, kind, path, opts, stacking, companions } = *run;
    if let Some(run) = StackRun::new(policy, checked, kind, path, opts, stacking, companions) {
        return super::csv_report(policy, checked, kind, path, opts, Some(&run), out);
    }
    let mut header_written = false;
    let mut row: Vec<u8> = Vec::new();
    let mut layout: Option<out::Layout> = None;
    let mut sums = out::Sums::default();
    let mut summary = interpret(run, &mut |plan, _, o, stacks| {
        let layout = layout.get_or_insert_with(|| stack_layout(plan, stacking, &opts.columns));
        if !header_written {
            out.write_all(&out::header(&plan.key, &layout.names)).map_err(Failure::Write)?;
            sums = out::Sums::of_layout(layout);
            header_written = true;
        }
        row.clear();
        let value = |i: usize| {
            plan.columns
                .get(i)
                .and_then(|c| o.rules.iter().find(|r| r.def == c.def))
                .map_or(&V::Missing, |r| &r.value)
        };
        let (partial, missing) = layout.row_cells(
            &mut row,
            &mut sums,
            &o.key,
            |i| *value(i) == V::Missing,
            |i| money(value(i)),
            |i, out| out::value(out, value(i), &plan.checked.scope),
        );
        layout.end_row(&mut row, &mut sums, partial, missing, stacks);
        sums.note_missing(&o.key);
        out.write_all(&row).map_err(Failure::Write)
    })?;
    if summary.rows == 0 {
        // Like the in-memory report: without a subject, no rule column.
        out.write_all(b"id\n").map_err(Failure::Write)?;
    } else if let Some(layout) = layout {
        if layout.has_total_row() {
            row.clear();
            sums.write_row(&mut row);
            out.write_all(&row).map_err(Failure::Write)?;
        }
        summary.missing = super::missing_of(&summary.columns, &layout, &sums);
    }
    Ok(summary)
}

/// The CSV report's layout for a policy with stacking rules: the rules asked for, each stacking
/// rule's total, the subject's total (its awards that no stacking rule takes, and the stacking
/// rules' totals).
fn stack_layout(plan: &Plan<'_, '_>, stacking: &Stacking<'_>, only: &[String]) -> out::Layout {
    super::layout_of(&plan.columns, only, &stacking.heads(), &stacking.local_defs())
}

/// Evaluates every subject of the register at `path` by the interpreter, under the policy and
/// each companion, applies the stacking rules and hands each subject to `each` in file order;
/// with `opts.working`, each outcome carries its working (`eval --working`).
#[expect(
    clippy::type_complexity,
    reason = "a sink of one subject's outcome and stacking rules, with the run's plan"
)]
pub(super) fn interpret(
    run: &RegisterRun<'_, '_, '_>,
    each: &mut dyn FnMut(
        &Plan<'_, '_>,
        &Record,
        &SubjectOutcome,
        &[StackOutcome],
    ) -> Result<(), Failure>,
) -> Result<Summary, Failure> {
    interpret_only(run, None, None, each)
}

/// [`interpret`], evaluating only the subjects whose ids `only` holds when it is given (the
/// others are read, and their order checked, but not evaluated nor handed to `each`), from
/// `rows` (their rows as CSV lines, [`super::Missing::rows`]) instead of the register when
/// they are given.
#[expect(
    clippy::type_complexity,
    reason = "a sink of one subject's outcome and stacking rules, with the run's plan"
)]
pub(super) fn interpret_only(
    run: &RegisterRun<'_, '_, '_>,
    only: Option<&BTreeMap<&str, &[DefId]>>,
    rows: Option<&[u8]>,
    each: &mut dyn FnMut(
        &Plan<'_, '_>,
        &Record,
        &SubjectOutcome,
        &[StackOutcome],
    ) -> Result<(), Failure>,
) -> Result<Summary, Failure> {
    let RegisterRun { policy, checked, kind, path, opts, stacking, companions } = *run;
    let (mut file, header, mut rest) = open(path)?;
    let name = path.display().to_string();
    let mut plan = plan(policy, checked, kind, &name, header, opts, false)?;
    plan.evaluator.show_working(opts.working);
    let Some(key) = key_name(&plan.schema) else {
        return Err(Failure::NotStreamable("the subjects have no id field".into()));
    };
    // A companion reads the same rows; the same id field gives each row the same id.
    for c in companions {
        if key_name(&c.schema).as_deref() != Some(key.as_str()) {
            return Err(Failure::NotStreamable(format!(
                "the imported policy `{}` has another id field",
                c.alias
            )));
        }
    }
    // The members of each block's owners, read alongside the register.
    let mut feed = super::members::open_feed(policy, checked, kind, path, &opts.also_known)?;
    let member_col = super::members::column_of(&plan.header, &key);
    if feed.is_some() && member_col.is_none() {
        return Err(Failure::NotStreamable("no id column for the members".into()));
    }
    // With `only`, the rows the workers kept of those subjects are read, not the register;
    // without them, a Parquet register's other rows are not even decoded: its key column picks
    // the rows read (not with members, which are taken by the ids of every owner).
    if let (Some(_), Some(rows), None) = (only, rows, feed.as_ref()) {
        file = Box::new(std::io::Cursor::new(rows.to_vec()));
        rest = Vec::new();
    } else if let Some(keys) = only
        && feed.is_none()
        && super::is_parquet(path)
        && let Some(picked) = parquet_rows(path, &key, &|k: &str| keys.contains_key(k))?
    {
        file = picked;
        rest = Vec::new();
    }
    // The awards each companion gives the stacking rules, by name: its definitions so named.
    let awards: Vec<BTreeMap<String, Vec<DefId>>> =
        companions.iter().map(|c| award_defs(stacking, c)).collect();

    // A block's records and outcomes take many times its bytes: smaller blocks keep the peak low.
    let block = opts.chunk_bytes.min(INTERPRETED_BLOCK);
    // With members, a block with its members about a quarter of that (as in the parallel runner).
    let block = feed.as_ref().map_or(block, |(_, f)| f.owners_share(path, block / 4));
    let mut blocks =
        Blocks::new(file, block, rest, plan.header_lines + 1, crate::limits::sizes().line);
    let mut summary = Summary {
        columns: plan.columns.clone(),
        rows: 0,
        interpreted: 0,
        compiled: Err(NotCompiled::whole("stacking rules are applied by the interpreter")),
        diagnostics: Diagnostics::new(),
        missing: super::Missing::default(),
    };
    let mut own_errors = Diagnostics::new();
    let mut their_errors: Vec<Diagnostics> =
        companions.iter().map(|_| Diagnostics::new()).collect();
    let mut their_diags = Diagnostics::new();
    let mut stack_diags = Diagnostics::new();
    let mut order = KeyOrder::new();
    // The empty fields behind the results missing data, as the in-memory path says them.
    let mut empty = crate::eval::empty::EmptyFields::new();
    // The block is read once, and validated against the policy's schema and each companion's.
    let schemas: Vec<&Schema> =
        std::iter::once(&plan.schema).chain(companions.iter().map(|c| &c.schema)).collect();
    let load =
        |plan: &Plan<'_, '_>, first_line: u64, bytes: &[u8]| -> Vec<Result<Dataset, Diagnostics>> {
            let sparse = sparse_text(plan, first_line, bytes);
            load_datasets_at(&plan.name, &sparse.text, &sparse.gaps, &schemas)
        };
    let max_line = crate::limits::sizes().line;
    // With `only`, the rows of other subjects are left out before the loader reads a block: the
    // register was read and checked whole by the pass before this one.
    let key_col = only.and_then(|_| super::members::column_of(&plan.header, &key));
    while let Some(block) =
        blocks.next_block().map_err(|e| Failure::Data(super::read_failure(path, max_line, &e)))?
    {
        // The members of the block's owners, all of them (read in order, even where `only`
        // leaves their owners out).
        if let (Some((shapes, feed)), Some(col)) = (feed.as_mut(), member_col) {
            let mut raws = feed.take(&super::members::block_keys(&block.bytes, col))?;
            // For the pass after a report, the members of the owners it looks at alone.
            if let Some(wanted) = only {
                for (shape, raw) in shapes.iter().zip(&mut raws) {
                    raw.rows_as_text();
                    raw.bytes = only_rows(&raw.bytes, shape.col, &|k| wanted.contains_key(k)).0;
                }
            }
            own_errors.extend(super::members::give(&mut plan.evaluator, None, shapes, &raws));
        }
        let kept = match (only, key_col) {
            (Some(keys), Some(col)) => {
                std::borrow::Cow::Owned(only_rows(&block.bytes, col, &|k| keys.contains_key(k)).0)
            }
            _ => std::borrow::Cow::Borrowed(block.bytes.as_slice()),
        };
        let mut theirs = load(&plan, block.first_line, &kept);
        let own = if theirs.is_empty() { Err(Diagnostics::new()) } else { theirs.remove(0) };
        let own = match own {
            Ok(ds) => ds,
            Err(d) => {
                own_errors.extend(d);
                continue;
            }
        };
        let mut their_records: Vec<BTreeMap<&str, &Record>> = Vec::new();
        for (i, t) in theirs.iter().enumerate() {
            match t {
                Ok(ds) => {
                    their_records.push(ds.records.iter().map(|r| (r.key.as_str(), r)).collect())
                }
                Err(d) => {
                    if let Some(e) = their_errors.get_mut(i) {
                        e.extend(d.clone());
                    }
                }
            }
        }
        if !own_errors.is_empty() || their_errors.iter().any(|e| !e.is_empty()) {
            continue;
        }
        if let Some(keys) = only {
            // The pass after a streamed report, for the empty fields behind its missing
            // results alone: the subjects asked for are evaluated and explained on every core.
            for record in &own.records {
                summary.rows += 1;
                summary.interpreted += 1;
                order.push(&record.key);
            }
            let kept: Vec<(&Record, &[DefId])> = own
                .records
                .iter()
                .filter_map(|r| keys.get(r.key.as_str()).map(|rules| (r, *rules)))
                .collect();
            empty.merge(empty_in_parallel(&plan, &kept, opts.threads));
            continue;
        }
        for record in &own.records {
            summary.rows += 1;
            summary.interpreted += 1;
            order.push(&record.key);
            let (o, d) = plan.evaluator.evaluate(record, plan.year);
            summary.diagnostics.extend(d);
            // Each companion's awards for this subject.
            let mut amounts: BTreeMap<(&str, &str), Decimal> = BTreeMap::new();
            for ((c, records), names) in companions.iter().zip(&their_records).zip(&awards) {
                let Some(r) = records.get(record.key.as_str()) else { continue };
                let (theirs, d) = c.evaluator.evaluate(r, c.year);
                their_diags.extend(d);
                for (award, defs) in names {
                    if let Some(a) = award_amount(&theirs, defs) {
                        amounts.insert((c.alias.as_str(), award.as_str()), a);
                    }
                }
            }
            let from = |alias: &str, award: &str| amounts.get(&(alias, award)).copied();
            let received = |field: &str| plan.evaluator.field_money(record, plan.year, field);
            let stacks = stacking.subject(&o, &from, &received, &mut stack_diags);
            empty.add(&plan.evaluator, record, &o);
            empty.add_stacks(&plan.evaluator, record, &stacks);
            each(&plan, record, &o, &stacks)?;
        }
        if let Some(p) = opts.progress {
            p(summary.rows);
        }
    }
    if let Some((_, feed)) = feed.as_mut() {
        feed.finish()?;
    }
    if !own_errors.is_empty() {
        return Err(Failure::Data(own_errors));
    }
    if let Some(e) = their_errors.into_iter().find(|e| !e.is_empty()) {
        return Err(Failure::Data(e));
    }
    if !order.distinct() {
        return Err(Failure::NotStreamable("the ids are not in increasing order".into()));
    }
    summary.diagnostics.extend(their_diags);
    summary.diagnostics.extend(stack_diags);
    for d in empty.diagnostics(policy, checked) {
        summary.diagnostics.push(d);
    }
    Ok(summary)
}

/// The empty fields behind the missing rules of `records` (each subject with the rules the
/// report found missing), the records shared among `threads` threads in order (the fields
/// merged in that order).
fn empty_in_parallel(
    plan: &Plan<'_, '_>,
    records: &[(&Record, &[DefId])],
    threads: usize,
) -> crate::eval::empty::EmptyFields {
    let threads = threads.clamp(1, records.len().max(1));
    let part = records.len().div_ceil(threads).max(1);
    let found: Vec<crate::eval::empty::EmptyFields> = std::thread::scope(|s| {
        let handles: Vec<_> = records
            .chunks(part)
            .map(|chunk| {
                s.spawn(move || {
                    let mut e = crate::eval::empty::EmptyFields::new();
                    for (r, rules) in chunk {
                        e.add_rules(&plan.evaluator, r, plan.year, rules);
                    }
                    e
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    let mut all = crate::eval::empty::EmptyFields::new();
    for e in found {
        all.merge(e);
    }
    all
}

/// A stacking run on the parallel runner: the stacking rules, and each companion's plan for the
/// same register, whose rows are read and evaluated beside the policy's, block by block.
pub(super) struct StackRun<'s, 'c, 'p> {
    stacking: &'s Stacking<'s>,
    theirs: Vec<Theirs<'c, 'p>>,
}

impl StackRun<'_, '_, '_> {
    /// Whether a stacking rule deducts an amount already received (`扣除 FIELD`): its missing
    /// result's empty field is named by the pass after the report, which applies the rules.
    pub(super) fn deducts(&self) -> bool {
        self.stacking.heads().iter().any(|h| h.received.is_some())
    }
}

/// A companion on the parallel runner.
struct Theirs<'c, 'p> {
    alias: String,
    plan: Plan<'c, 'p>,
    /// The awards the stacking rules take from it, by name: its definitions so named.
    awards: BTreeMap<String, Vec<DefId>>,
}

impl<'s, 'c, 'p> StackRun<'s, 'c, 'p> {
    /// The run, when the parallel runner gives the interpreter's results: every award the rules
    /// name is a rule reported per subject (a column, whose amount the compiled form gives), and
    /// each companion's plan reads the header without a problem and has the policy's id field.
    /// `None` leaves the register to the interpreter, which reports what there is to report.
    fn new(
        policy: &Policy,
        checked: &Checked<'_>,
        kind: &str,
        path: &Path,
        opts: &RunOptions<'_>,
        stacking: &'s Stacking<'s>,
        companions: &[Companion<'c, 'p>],
    ) -> Option<Self> {
        let sid = *checked.scope.subject_names.get(kind)?;
        let key = key_name(&Schema::from_policy(policy, kind).ok()?)?;
        if !reads_only_columns(checked, sid, &stacking.local_defs()) {
            return None;
        }
        // A rule deducting what was already received (`扣除 FIELD`) reads the subject's field,
        // which the compiled form does not hand back: the interpreter applies it.
        if !stacking.received_fields().is_empty() {
            return None;
        }
        let (_, header, _) = open(path).ok()?;
        let name = path.display().to_string();
        let mut theirs = Vec::new();
        for c in companions {
            let csid = *c.checked.scope.subject_names.get(&c.kind)?;
            if key_name(&c.schema).as_deref() != Some(key.as_str()) {
                return None;
            }
            let awards = award_defs(stacking, c);
            let read: Vec<DefId> = awards.values().flatten().copied().collect();
            if !reads_only_columns(c.checked, csid, &read) {
                return None;
            }
            let copts = RunOptions {
                threads: 1,
                chunk_bytes: opts.chunk_bytes,
                year: c.year,
                params: c.params.clone(),
                progress: None,
                columns: Vec::new(),
                also_known: c.schema.also_known.clone(),
                working: false,
            };
            let mut plan =
                plan(c.policy, c.checked, &c.kind, &name, header.clone(), &copts, false).ok()?;
            plan.amount_cols = plan
                .columns
                .iter()
                .enumerate()
                .filter(|(_, col)| read.contains(&col.def))
                .map(|(i, _)| i)
                .collect();
            theirs.push(Theirs { alias: c.alias.clone(), plan, awards });
        }
        Some(StackRun { stacking, theirs })
    }

    /// The policy's columns whose amounts the stacking rules read: positions in `plan.columns`.
    pub(super) fn amount_cols(&self, plan: &Plan<'_, '_>) -> Vec<usize> {
        let read = self.stacking.local_defs();
        plan.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| read.contains(&c.def))
            .map(|(i, _)| i)
            .collect()
    }

    /// The CSV report's layout ([`stack_layout`]).
    pub(super) fn layout(&self, plan: &Plan<'_, '_>, only: &[String]) -> out::Layout {
        stack_layout(plan, self.stacking, only)
    }

    /// A worker's machines for the companions' compiled forms.
    pub(super) fn machines(&self) -> Vec<Option<Machine<'_>>> {
        self.theirs.iter().map(|t| t.plan.program.as_ref().map(Machine::new)).collect()
    }

    /// The companions' results for `block`, whose results under the policy are `d`, and the
    /// stacking rules applied to each of its subjects: their data errors in
    /// [`Done::their_errors`], their evaluation diagnostics and `ZC0702` for a stacking total
    /// beyond the exact range in [`Done::diags`]. Nothing of the companions when the policy
    /// finds errors in the block's data: those are reported alone.
    pub(super) fn block(
        &self,
        plan: &Plan<'_, '_>,
        machines: &mut [Option<Machine<'_>>],
        block: &Block,
        d: &mut Done,
    ) {
        if d.data_errors {
            return;
        }
        let mut theirs: Vec<Done> = self
            .theirs
            .iter()
            .zip(machines.iter_mut())
            .map(|(t, m)| {
                block_results(&t.plan, &t.plan.evaluator, Mode::Amounts, m.as_mut(), block)
            })
            .collect();
        // A companion's diagnostics are its data errors, or else its evaluation's.
        let mut diags = Diagnostics::new();
        let mut errors = false;
        d.their_errors = theirs
            .iter_mut()
            .map(|t| {
                let found = std::mem::take(&mut t.diags);
                errors |= t.data_errors;
                if t.data_errors {
                    found
                } else {
                    diags.extend(found);
                    Diagnostics::new()
                }
            })
            .collect();
        if errors {
            return;
        }
        let n = plan.amount_cols.len();
        // A CSV report's rows, each finished with the stacking rules' cells.
        let csv = std::mem::take(&mut d.csv);
        d.csv.reserve(csv.len() + d.row_ends.len() * 16);
        let mut written = 0usize;
        for (row, key) in d.keys.iter().enumerate() {
            let mine = d.amounts.get(row * n..(row + 1) * n).unwrap_or_default();
            let local = |defs: &[DefId]| last_amount(plan, mine, defs);
            let imported = |alias: &str, award: &str| {
                let (t, done) = self.theirs.iter().zip(&theirs).find(|(t, _)| t.alias == alias)?;
                let defs = t.awards.get(award)?;
                // The same rows in the same order; by id should a row be missing.
                let at = if done.keys.get(row) == Some(key) {
                    row
                } else {
                    done.keys.iter().position(|k| k == key)?
                };
                let m = t.plan.amount_cols.len();
                last_amount(&t.plan, done.amounts.get(at * m..(at + 1) * m)?, defs)
            };
            // A rule with `扣除` reads a field, which this path does not keep: `StackRun::new`
            // leaves such rules to the interpreter.
            let stacks = self.stacking.subject_from(key, &local, &imported, &|_| None, &mut diags);
            if let Some(super::RowEnd { at: end, partial, missing, explained }) =
                d.row_ends.get(row).cloned()
            {
                d.csv.extend_from_slice(csv.get(written..end).unwrap_or_default());
                written = end;
                plan.layout.end_row(&mut d.csv, &mut d.sums, partial, missing, &stacks);
                let mut explained = explained;
                explained.extend(d.sums.take_row_explained());
                d.sums.note_row(key, explained);
            }
        }
        d.diags.extend(diags);
    }
}

/// Whether each of `defs` that a subject of `sid` reports is a rule reported per subject (a
/// column of the register's report): then the compiled form gives its amount.
fn reads_only_columns(
    checked: &Checked<'_>,
    sid: crate::checker::scope::SubjectId,
    defs: &[DefId],
) -> bool {
    let cols = columns(checked, sid);
    defs.iter().all(|def| {
        let reported = checked.scope.defs.get(*def).is_some_and(|d| {
            (d.subject.is_none() || d.subject == Some(sid))
                && !matches!(d.source, crate::checker::scope::DefSource::Field(_))
        });
        !reported || cols.iter().any(|c| c.def == *def)
    })
}

/// The amount of an award among a row's kept amounts ([`Plan::amount_cols`]): the last of its
/// definitions `defs` with a money value, as [`crate::eval::stack::award_amount`] finds it.
fn last_amount(
    plan: &Plan<'_, '_>,
    amounts: &[Option<Decimal>],
    defs: &[DefId],
) -> Option<Decimal> {
    plan.amount_cols.iter().zip(amounts).rev().find_map(|(c, a)| {
        a.filter(|_| plan.columns.get(*c).is_some_and(|col| defs.contains(&col.def)))
    })
}

/// The records of `bytes` whose id (column `col`) is one of `keys`, as they are written, and
/// how many; a record whose id is not UTF-8 text is kept (the loader reads it and the caller's
/// own test of the id decides).
pub(super) fn only_rows(
    bytes: &[u8],
    col: usize,
    wanted: &dyn Fn(&str) -> bool,
) -> (Vec<u8>, usize) {
    let keep = |id: Option<&[u8]>| {
        id.is_none_or(|k| std::str::from_utf8(k).map_or(true, |k| wanted(k.trim())))
    };
    let mut out = Vec::new();
    let mut kept = 0;
    // Without a quote, a record is a line and its fields are split at the commas: a scan, not
    // a CSV reader (the register is read once more whole, for a few subjects).
    if memchr::memchr(b'"', bytes).is_none() {
        for line in bytes.split_inclusive(|b| *b == b'\n') {
            let body = super::members::line_body(line);
            if !body.is_empty() && keep(super::members::plain_cell(body, col)) {
                out.extend_from_slice(line);
                kept += 1;
            }
        }
        return (out, kept);
    }
    let mut r = ::csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut record = ::csv::ByteRecord::new();
    let mut start = 0usize;
    while let Ok(true) = r.read_byte_record(&mut record) {
        let end = usize::try_from(r.position().byte()).unwrap_or(usize::MAX).min(bytes.len());
        if keep(record.get(col)) {
            out.extend_from_slice(bytes.get(start..end).unwrap_or_default());
            kept += 1;
        }
        start = end;
    }
    // What the reader could not take is left to the loader, which says what is wrong with it.
    out.extend_from_slice(bytes.get(start..).unwrap_or_default());
    (out, kept)
}

/// The rows of the Parquet register at `path` whose id (column `key`) is one of `keys`, as the
/// CSV text they stand for, without the header; `None` when the file has no such column (the
/// caller reads it whole).
fn parquet_rows(
    path: &std::path::Path,
    key: &str,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<Option<Box<dyn std::io::Read + Send>>, Failure> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| Failure::Data(super::io(path, &e)))?;
    let picked = crate::data::parquet::selected_rows(&name, &file, key, wanted, 8192)
        .map_err(|d| Failure::Data(vec![*d].into()))?;
    Ok(picked
        .map(|b| Box::new(crate::data::parquet::CsvText::rows(b)) as Box<dyn std::io::Read + Send>))
}

/// The name of the id field of `schema`'s subjects.
fn key_name(schema: &Schema) -> Option<String> {
    schema.key.and_then(|k| schema.fields.get(k)).map(|f| f.name.clone())
}

/// The awards the stacking rules take from companion `c`, by name: its definitions so named.
fn award_defs(stacking: &Stacking<'_>, c: &Companion<'_, '_>) -> BTreeMap<String, Vec<DefId>> {
    stacking
        .imported_awards(&c.alias)
        .into_iter()
        .map(|award| {
            let defs = c
                .checked
                .scope
                .defs
                .iter()
                .enumerate()
                .filter(|(_, d)| d.name == award)
                .map(|(id, _)| id)
                .collect();
            (award, defs)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::only_rows;

    fn kept(text: &str, col: usize, keys: &[&str]) -> String {
        String::from_utf8(only_rows(text.as_bytes(), col, &|k| keys.contains(&k)).0)
            .unwrap_or_default()
    }

    #[test]
    fn rows_of_the_ids_asked_for_are_kept_as_written() {
        let text = "甲,1,2\r\n乙,3,4\r\n\n丙,5,6\n丁,7";
        assert_eq!(kept(text, 0, &["乙", "丁"]), "乙,3,4\r\n丁,7");
        // The id in another column; a row too short to have it is kept for the loader.
        assert_eq!(kept("1,甲\n2,乙\n3\n", 1, &["甲"]), "1,甲\n3\n");
    }

    #[test]
    fn quoted_fields_are_read_as_csv() {
        // A line break inside quotes is not the end of a record.
        let text = "甲,\"a\nb\"\n乙,\"c,d\"\n";
        assert_eq!(kept(text, 0, &["甲"]), "甲,\"a\nb\"\n");
        assert_eq!(kept(text, 0, &["乙"]), "乙,\"c,d\"\n");
    }
}

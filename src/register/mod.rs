//! Streaming a CSV register through a policy: millions of subjects, one row each, in memory
//! that does not grow with the register.
//!
//! The file is read in blocks of whole records (about [`RunOptions::chunk_bytes`] each), which
//! a pool of [`RunOptions::threads`] workers evaluates in parallel; results come back to the
//! caller in file order. At most three blocks per worker are in flight, so memory is bounded by
//! the block size, not by the register.
//!
//! Each block is evaluated by the policy's compiled form ([`crate::compile`]) when the policy
//! compiles, cells read straight into its registers. A row the fast reader does not take as is
//! (a quoted cell, surrounding spaces, a number with more places than kept, a value out of
//! the exact range, any error) is read by the data loader itself ([`crate::data::load_dataset`])
//! and evaluated by the interpreter, so values and diagnostics are those of the in-memory path:
//! a bad cell is reported at its line and column with its `ZC06xx` code. A policy that does not
//! compile is evaluated block by block by the loader and the interpreter.
//!
//! # Use
//!
//! ```text
//! let opts = RunOptions { threads: 2, ..RunOptions::default() };
//! let summary = register::run(&policy, &checked, "enterprise", path, &opts, &mut |row| {
//!     // row.key: the subject's id; row.values: each column's value (`summary.columns`)
//!     if let Some(V::Num(amount, _)) = row.values.get(total_column) { grand += amount }
//! })?;
//! ```
//!
//! [`run`] hands each subject to a callback as a [`RowResult`]: the id and the value of every
//! rule reported per subject ([`Summary::columns`], in declaration order; [`Column::award`]
//! marks the awards), exact [`rust_decimal::Decimal`]s for numbers. [`write_csv`] writes the
//! CSV report (`zhengce eval --format csv`) instead, rendered by the workers. Both return a
//! [`Summary`] with the evaluation diagnostics, or a [`Failure`]: the data's errors (nothing
//! may be reported from data with errors), or why the file cannot be streamed (ids not in
//! increasing order, whose repetition only the whole file can show; a long-form `年份` column;
//! a subject without an id field),
//! for which the caller uses the in-memory path. On a failure, rows already handed to the
//! callback are to be discarded. The evaluation year is [`RunOptions::year`]: for yearly data
//! without a year given, [`latest_year`] finds the in-memory path's default, the latest year
//! the whole file gives a value for, in a pass before the evaluation.

mod batches;
mod cells;
mod chunks;
mod groups;
mod kept;
mod members;
pub mod not_compiled;
pub(crate) mod out;
mod paired;
mod plain_rows;
mod reports;
mod stacked;
mod years;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read as _, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use crate::ast::{ItemKind, Policy};
use crate::checker::Checked;
use crate::checker::scope::{DefId, DefSource, Scope, SubjectId};
use crate::compile::{
    Cv, FieldIn, LANES, Machine, NotCompiled, Program, compile_for_data, compile_with_members,
    fixed,
};
use crate::data::header::{is_year_column, parse_header};
use crate::data::{FieldKind, Record, Schema, Value, load_dataset, load_dataset_at};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Text};
use crate::eval::Evaluator;
use crate::eval::stack::money;
use crate::eval::value::V;
use crate::source::{Gap, Loc, SourceFile, Span};
use crate::units::parse_unit;
use chunks::{Block, Blocks, count_lines, split_header};
pub use members::WHOLE_MEMBERS;
pub use paired::{Version, run_paired};
pub use reports::{empty_fields, write_basis, write_json, write_jsonl, write_markdown, write_xlsx};
use rust_decimal::Decimal;
pub use stacked::{Companion, RegisterRun, write_csv_stacked};
pub use years::latest_year;

/// How to run.
pub struct RunOptions<'a> {
    /// Worker threads (at least one).
    pub threads: usize,
    /// The size of a block of records read at once. Larger blocks save nothing measurable
    /// (256 KiB is a few thousand rows) and cost memory: a block's results take several times
    /// its bytes, and the allocator keeps the pages of the blocks just freed for a while.
    pub chunk_bytes: usize,
    /// The evaluation year, if any.
    pub year: Option<u16>,
    /// Parameter values by name (a parameter not given takes its default).
    pub params: BTreeMap<String, Value>,
    /// Called with the number of subjects done, after each block.
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
    /// The rules written by [`write_csv`], by name and in this order (`eval --columns`); every
    /// rule reported per subject when empty. Names that are not such rules are left out.
    pub columns: Vec<String>,
    /// Columns the register may carry for other policies (those the policy imports), which the
    /// loader then takes as known rather than unknown.
    pub also_known: BTreeSet<String>,
    /// The JSON reports carry each subject's working (`eval --working`).
    pub working: bool,
}

impl Default for RunOptions<'_> {
    fn default() -> Self {
        RunOptions {
            threads: std::thread::available_parallelism().map_or(1, usize::from),
            chunk_bytes: 256 << 10,
            year: None,
            params: BTreeMap::new(),
            progress: None,
            columns: Vec::new(),
            also_known: BTreeSet::new(),
            working: false,
        }
    }
}

/// A rule reported per subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub def: DefId,
    pub name: String,
    /// True for an award (`奖励`).
    pub award: bool,
    /// True for an award of money: added up in the subject's total.
    pub money: bool,
    /// A rule whose missing value `ZC0950` explains
    /// ([`crate::eval::empty::names_empty_fields`]).
    pub explained: bool,
}

/// One subject's results.
#[derive(Clone, Copy, Debug)]
pub struct RowResult<'a> {
    /// The subject's id.
    pub key: &'a str,
    /// One value per [`Summary::columns`] entry.
    pub values: &'a [V],
}

/// What a run did.
#[derive(Debug)]
pub struct Summary {
    /// The rules reported per subject.
    pub columns: Vec<Column>,
    /// Subjects evaluated.
    pub rows: u64,
    /// Of which evaluated by the interpreter rather than the compiled form.
    pub interpreted: u64,
    /// `Err(reason)` when the policy has no compiled form.
    pub compiled: Result<(), NotCompiled>,
    /// Evaluation diagnostics (overflow, division by zero ...), as the interpreter reports them.
    pub diagnostics: Diagnostics,
    /// For the CSV report: the rules of the columns written (the stacking rules' and the
    /// subject's total have none) and the missing values counted in them.
    pub missing: Missing,
}

/// The values missing from a CSV report: per rule written, the subjects without its value,
/// and the subjects with any missing value (for [`crate::report::missing_warning`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Missing {
    pub by_rule: Vec<(DefId, u64)>,
    pub subjects: u64,
    /// The ids of those subjects, each with its rules missing whose empty fields `ZC0950`
    /// names, when the writer noted every one (the compiled CSV report); `None` otherwise.
    pub keys: Option<Vec<(String, Vec<DefId>)>>,
    /// With `keys`, the rows of those subjects as the register writes them (CSV lines, a
    /// Parquet row as the line it stands for), when the workers kept them all
    /// ([`kept`]): the pass that names the empty fields reads them, not the register.
    pub rows: Option<Vec<u8>>,
}

/// Why a run gave no results.
#[derive(Debug)]
pub enum Failure {
    /// The data (or the file) has errors; every one found.
    Data(Diagnostics),
    /// The file cannot be streamed; the in-memory path can evaluate it.
    NotStreamable(String),
    /// The report could not be written (the caller names its output, [`crate::cli::output`]'s
    /// `cannot_write`): not an error of the register.
    Write(std::io::Error),
}

/// Evaluates every subject of the CSV register at `path`, handing each to `sink` in file order.
pub fn run(
    policy: &Policy,
    checked: &Checked<'_>,
    kind: &str,
    path: &Path,
    opts: &RunOptions<'_>,
    sink: &mut dyn FnMut(RowResult<'_>),
) -> Result<Summary, Failure> {
    drive(
        policy,
        checked,
        kind,
        path,
        opts,
        Mode::Values,
        Beside::Nothing,
        &mut |done: &mut Done| {
            let n = done.columns;
            for (i, key) in done.keys.iter().enumerate() {
                let values = done.values.get(i * n..(i + 1) * n).unwrap_or_default();
                sink(RowResult { key, values });
            }
            Ok(())
        },
    )
}

/// Writes the CSV report of every subject of the register at `path` to `out`.
pub fn write_csv(
    policy: &Policy,
    checked: &Checked<'_>,
    kind: &str,
    path: &Path,
    opts: &RunOptions<'_>,
    out: &mut dyn Write,
) -> Result<Summary, Failure> {
    csv_report(policy, checked, kind, path, opts, None, out)
}

/// Writes the CSV report of every subject of the register at `path` to `out`, the stacking
/// rules of `stack` applied to each.
fn csv_report(
    policy: &Policy,
    checked: &Checked<'_>,
    kind: &str,
    path: &Path,
    opts: &RunOptions<'_>,
    stack: Option<&stacked::StackRun<'_, '_, '_>>,
    out: &mut dyn Write,
) -> Result<Summary, Failure> {
    let mut header_written = false;
    let beside = stack.map_or(Beside::Nothing, Beside::Stacking);
    let mut sums = out::Sums::default();
    let mut layout = None;
    // The empty fields behind the missing results, block by block in the file's order, while
    // every block named its own.
    let mut empty = Some(crate::eval::empty::EmptyFields::new());
    let summary =
        drive(policy, checked, kind, path, opts, Mode::Csv, beside, &mut |done: &mut Done| {
            if !header_written && !done.csv.is_empty() {
                out.write_all(&out::header(&done.key, &done.layout.names))
                    .map_err(Failure::Write)?;
                header_written = true;
            }
            sums.merge(&done.sums);
            empty = match (empty.take(), done.empty.take()) {
                (Some(mut all), Some(e)) => {
                    all.merge(e);
                    Some(all)
                }
                _ => None,
            };
            if layout.is_none() {
                layout = Some(Arc::clone(&done.layout));
            }
            out.write_all(&done.csv).map_err(Failure::Write)
        });
    match summary {
        Ok(mut s) => {
            if s.rows == 0 {
                // Like the in-memory report: without a subject, no rule column.
                out.write_all(b"id\n").map_err(Failure::Write)?;
            } else if let Some(layout) = layout {
                if layout.has_total_row() {
                    let mut row = Vec::new();
                    sums.write_row(&mut row);
                    out.write_all(&row).map_err(Failure::Write)?;
                }
                s.missing = missing_of(&s.columns, &layout, &sums);
                // Named as the report was written: no pass after it.
                if let Some(e) = empty.filter(|_| s.missing.subjects > 0) {
                    for d in e.diagnostics(policy, checked) {
                        s.diagnostics.push(d);
                    }
                    s.missing.keys = Some(Vec::new());
                    s.missing.rows = None;
                }
            }
            Ok(s)
        }
        Err(f) => Err(f),
    }
}

/// The missing values of a CSV report, by the rule of each column.
pub(crate) fn missing_of(columns: &[Column], layout: &out::Layout, sums: &out::Sums) -> Missing {
    // Every subject noted: their ids (and the rows the workers kept) name them all.
    let all_noted = sums.notes && sums.missing_keys.len() as u64 == sums.explained_rows;
    Missing {
        by_rule: layout
            .picks
            .iter()
            .zip(&sums.missing)
            .filter(|(_, n)| **n > 0)
            .filter_map(|(i, n)| Some((columns.get(*i)?.def, *n)))
            .chain(layout.stack_missing(sums))
            .collect(),
        subjects: sums.missing_rows,
        rows: all_noted.then(|| sums.kept.clone()).flatten(),
        keys: all_noted.then(|| {
            sums.missing_keys
                .iter()
                .map(|(key, cols)| {
                    let rules = cols
                        .iter()
                        .filter_map(|c| layout.picks.get(*c as usize))
                        .filter_map(|i| columns.get(*i).map(|c| c.def))
                        .collect();
                    (key.clone(), rules)
                })
                .collect()
        }),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Values,
    Csv,
    /// Only the ids and the amounts of [`Plan::amount_cols`]: an imported policy's awards for
    /// the stacking rules.
    Amounts,
}

/// What a run evaluates beside the policy, block by block.
#[derive(Clone, Copy)]
enum Beside<'r, 's, 'c, 'p> {
    Nothing,
    /// The imported policies and the stacking rules ([`stacked::StackRun`]).
    Stacking(&'r stacked::StackRun<'s, 'c, 'p>),
    /// Another version of the policy on the same rows (`diff`), into [`Done::other`], with the
    /// shapes of its member kinds (the same files as the policy's, in the same order).
    Version(&'r Plan<'c, 'p>, &'r [members::Shape]),
}

/// What a worker made of one block.
struct Done {
    seq: u64,
    columns: usize,
    /// The CSV report's columns, and the name of the id column.
    layout: Arc<out::Layout>,
    key: Arc<str>,
    /// What the last row of the CSV report adds up, over the block.
    sums: out::Sums,
    /// The part of it the compiled form adds up in fixed point ([`FixedSums`]): per column after
    /// the id, at that column's scale, `None` past the range.
    fixed_sums: Vec<Option<i128>>,
    /// For a stacking run's CSV report, per row: where its cells so far end in `csv`, the
    /// part of its total its own awards make and whether a value is missing (the stacking
    /// rules' cells come after).
    row_ends: Vec<RowEnd>,
    keys: Vec<String>,
    values: Vec<V>,
    /// Per row, the amounts of [`Plan::amount_cols`] (with the ids in `keys`).
    amounts: Vec<Option<Decimal>>,
    csv: Vec<u8>,
    rows: u64,
    interpreted: u64,
    diags: Diagnostics,
    data_errors: bool,
    /// The data errors of each imported policy a stacking run reads the block with.
    their_errors: Vec<Diagnostics>,
    /// The block's results under the other version of a paired run.
    other: Option<Box<Done>>,
    order: KeyOrder,
    /// Per award column (by position in [`Plan::columns`]), the first row of the compiled form
    /// worth a fraction of a fen (its id and amount) and how many such rows since: marked
    /// (`ZC0709`) once per block, not once per row ([`flush_fen`]).
    fen: BTreeMap<usize, (String, Decimal, u64)>,
    /// The empty fields behind the block's missing results (`ZC0950`), named as the CSV report
    /// is written ([`kept::empty_fields`]); `None` when they are left to a pass after it.
    empty: Option<crate::eval::empty::EmptyFields>,
}

/// Whether the ids of a block are strictly increasing (by length then bytes, or by bytes), and
/// its first and last: then no id can repeat.
#[derive(Clone, Debug, Default)]
struct KeyOrder {
    first: Option<String>,
    last: Option<String>,
    by_len: bool,
    by_bytes: bool,
}

impl KeyOrder {
    fn new() -> Self {
        KeyOrder { first: None, last: None, by_len: true, by_bytes: true }
    }

    fn push(&mut self, key: &str) {
        if let Some(last) = &self.last {
            self.by_len &= (last.len(), last.as_bytes()) < (key.len(), key.as_bytes());
            self.by_bytes &= last.as_bytes() < key.as_bytes();
            let mut l = std::mem::take(&mut self.last).unwrap_or_default();
            l.clear();
            l.push_str(key);
            self.last = Some(l);
        } else {
            self.first = Some(key.to_string());
            self.last = Some(key.to_string());
        }
    }

    /// The order of this block followed by `next`.
    fn then(&mut self, next: &KeyOrder) {
        if let (Some(last), Some(first)) = (&self.last, &next.first) {
            self.by_len &= (last.len(), last.as_bytes()) < (first.len(), first.as_bytes());
            self.by_bytes &= last.as_bytes() < first.as_bytes();
        }
        self.by_len &= next.by_len;
        self.by_bytes &= next.by_bytes;
        if next.last.is_some() {
            self.last.clone_from(&next.last);
        }
        if self.first.is_none() {
            self.first.clone_from(&next.first);
        }
    }

    fn distinct(&self) -> bool {
        self.by_len || self.by_bytes
    }
}

/// Everything a worker needs, fixed for the run.
struct Plan<'c, 'p> {
    name: String,
    schema: Schema,
    header: Vec<u8>,
    header_lines: u64,
    targets: Vec<Target>,
    /// The bits of the required yearly fields ([`Target::Field::needs`]): a row that does not
    /// give a year of each is read by the loader, which reports it.
    required: u64,
    program: Option<Program>,
    /// Why there is no program.
    compiled: Result<(), NotCompiled>,
    columns: Vec<Column>,
    /// The columns the CSV report writes ([`out::Layout::picks`]: positions in `columns` and the
    /// program's columns).
    layout: Arc<out::Layout>,
    /// The name of the id field, the CSV report's first column.
    key: Arc<str>,
    /// Whether the stacking rules finish each row of the CSV report ([`Done::row_ends`]).
    stacked: bool,
    /// The compiled form's way of adding up the CSV report's amounts ([`FixedSums`]).
    fixed: Option<FixedSums>,
    /// The columns whose amounts a stacking run keeps per row: positions in `columns`.
    amount_cols: Vec<usize>,
    evaluator: Evaluator<'c, 'p>,
    checked: &'c Checked<'p>,
    year: Option<u16>,
    /// How the interpreter's rows are read without the loader, when they can be
    /// ([`plain_rows`]).
    plain: Option<plain_rows::Columns>,
}

/// How the fast reader takes one column.
#[derive(Clone, Debug)]
enum Target {
    /// A column without a header: must stay empty.
    Unnamed,
    /// A column of another policy's field ([`RunOptions::also_known`]): not read.
    Other,
    Field {
        reg: Option<crate::compile::Reg>,
        key: bool,
        optional: bool,
        /// For a column of a required yearly field: the field's bit in the row's mask of
        /// fields given (a row must give some year of each).
        needs: Option<u8>,
        /// For a column of a yearly field: its year (a value in it makes the year one of the
        /// subject's years of data).
        year: Option<u16>,
        read: Take,
    },
}

#[derive(Clone, Debug)]
enum Take {
    Num {
        read: fixed::Reading,
        min: Option<i128>,
        max: Option<i128>,
    },
    Bool,
    Enum(Vec<String>),
    /// A year written with ASCII digits (`2024`, `2024年` is left to the loader).
    Year,
    /// A date written in ASCII (`2024-09-19`, `2024/9/19`; `2024年9月19日` is left to the
    /// loader).
    Date,
    /// A text, as its position among the texts the program compares it with.
    Texts(Vec<String>),
    Text,
    /// Always read by the loader.
    Slow,
}

#[expect(
    clippy::too_many_arguments,
    reason = "the policy, its kind, the register, the options, the mode, what runs beside it and the sink"
)]
fn drive(
    policy: &Policy,
    checked: &Checked<'_>,
    kind: &str,
    path: &Path,
    opts: &RunOptions<'_>,
    mode: Mode,
    beside: Beside<'_, '_, '_, '_>,
    emit: &mut dyn FnMut(&mut Done) -> Result<(), Failure>,
) -> Result<Summary, Failure> {
    // The members of each block's owners, read alongside the register: a block's owners then
    // take their share of the block's bytes.
    let (shapes, mut feed) =
        match members::open_feed(policy, checked, kind, path, &opts.also_known)? {
            Some((shapes, feed)) => (shapes, Some(feed)),
            None => (Vec::new(), None),
        };
    // A block with its members about a quarter of a block's bytes: the members' records take
    // many times theirs (1,000,000 owners with 3,000,000 contracts: peak 49–51 MiB, against
    // 76–91 MiB with whole blocks, in the same time).
    let chunk_bytes =
        feed.as_ref().map_or(opts.chunk_bytes, |f| f.owners_share(path, opts.chunk_bytes / 4));
    let (opened, header) = open_source(path, chunk_bytes, feed.is_some())?;
    let name = path.display().to_string();
    let max_line = crate::limits::sizes().line;
    let mut plan = plan(policy, checked, kind, &name, header, opts, feed.is_some())?;
    if let Beside::Stacking(run) = beside {
        plan.amount_cols = run.amount_cols(&plan);
        if mode == Mode::Csv {
            plan.stacked = true;
            plan.layout = Arc::new(run.layout(&plan, &opts.columns));
        }
    }
    if mode == Mode::Csv {
        plan.fixed = plan.program.as_ref().and_then(|p| FixedSums::new(&plan.layout, p));
    }
    let key_col = members::column_of(&plan.header, &plan.key);
    if feed.is_some() && key_col.is_none() {
        return Err(Failure::NotStreamable("no column of the owners' ids for the members".into()));
    }
    // Two versions read the same member files, each by its own declarations.
    if let Beside::Version(_, theirs) = beside
        && !members::same_files(&shapes, theirs)
    {
        return Err(Failure::NotStreamable("the versions declare other member kinds".into()));
    }
    let threads = opts.threads.max(1);
    let in_flight = threads * 3;
    let first_line = plan.header_lines + 1;
    // A Parquet register is decoded by the workers ([`groups::Groups`]), unless members are
    // read beside each batch: then by the reader's thread.
    let mut groups = None;
    let blocks = match opened {
        Opened::Text(file, rest) => {
            batches::Source::Text(Blocks::new(file, chunk_bytes, rest, first_line, max_line))
        }
        Opened::Parquet(file, b) => {
            if feed.is_none() {
                let rows = batches::group_rows(chunk_bytes);
                let least = threads.saturating_mul(2);
                let window = (GROUP_WINDOW_ROWS / (rows.max(1) as u64)).max(1);
                groups =
                    Some(groups::Groups::new(file, rows, first_line, threads, (least, window)));
            }
            batches::Source::Parquet {
                batches: b,
                seq: 0,
                line: first_line,
                spent: std::sync::mpsc::channel(),
            }
        }
    };

    let mut summary = Summary {
        columns: plan.columns.clone(),
        rows: 0,
        interpreted: 0,
        compiled: plan.compiled.clone(),
        diagnostics: Diagnostics::new(),
        missing: Missing::default(),
    };
    let mut data_errors = Diagnostics::new();
    let mut their_errors: Vec<Diagnostics> = Vec::new();
    let mut order = KeyOrder::new();
    let mut io_error: Option<Diagnostics> = None;
    let mut members_failure: Option<Failure> = None;
    let mut emit_failure: Option<Failure> = None;

    let (job_tx, job_rx) = sync_channel::<Block>(in_flight);
    let job_rx = std::sync::Mutex::new(job_rx);
    let (done_tx, done_rx) = sync_channel::<Done>(in_flight);
    let (token_tx, token_rx) = sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        let _ = token_tx.send(());
    }
    // The reader's thread, its tokens and its blocks, unless the workers read the row groups.
    let mut read = groups.is_none().then_some((blocks, token_rx, job_tx));
    // The bytes of rows the workers keep for the `ZC0950` pass, over the run ([`kept`]).
    let kept_bytes = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        let plan = &plan;
        let jobs = match groups.as_ref() {
            Some(g) => Jobs::Groups(g),
            None => Jobs::Read(&job_rx),
        };
        let shapes = &shapes;
        let kept_bytes = &kept_bytes;
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            s.spawn(move || worker(plan, mode, beside, shapes, jobs, &done_tx, kept_bytes));
        }
        drop(done_tx);
        let feed = feed.as_mut().zip(key_col);
        let reader = read.take().map(|(mut blocks, token_rx, job_tx)| {
            s.spawn(move || read_blocks(&mut blocks, &token_rx, &job_tx, feed))
        });
        let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
        let mut next = 0u64;
        let mut failed_emit = false;
        for done in done_rx.iter() {
            pending.insert(done.seq, done);
            while let Some(mut d) = pending.remove(&next) {
                next += 1;
                summary.rows += d.rows;
                summary.interpreted += d.interpreted;
                order.then(&d.order);
                their_errors
                    .resize_with(d.their_errors.len().max(their_errors.len()), Default::default);
                for (all, e) in their_errors.iter_mut().zip(std::mem::take(&mut d.their_errors)) {
                    all.extend(e);
                }
                if d.data_errors {
                    data_errors.extend(d.diags);
                } else {
                    summary.diagnostics.extend(std::mem::take(&mut d.diags));
                    if data_errors.is_empty()
                        && their_errors.iter().all(Diagnostics::is_empty)
                        && order.distinct()
                        && !failed_emit
                        && let Err(e) = emit(&mut d)
                    {
                        emit_failure = Some(e);
                        failed_emit = true;
                    }
                }
                if let Some(p) = opts.progress {
                    p(summary.rows);
                }
                if let Some(g) = groups.as_ref() {
                    g.written(next);
                }
                let _ = token_tx.send(());
            }
        }
        match reader.map(|r| r.join()) {
            Some(Ok(Err(ReadStop::Io(e)))) => io_error = Some(read_failure(path, max_line, &e)),
            Some(Ok(Err(ReadStop::Members(f)))) => members_failure = Some(f),
            _ => {}
        }
    });
    if let Some(e) = groups.and_then(groups::Groups::failure) {
        io_error = Some(read_failure(path, max_line, &e));
    }
    if let Some(d) = io_error {
        return Err(Failure::Data(d));
    }
    if let Some(f) = members_failure {
        return Err(f);
    }
    if let Some(f) = emit_failure {
        return Err(f);
    }
    if !data_errors.is_empty() {
        return Err(Failure::Data(data_errors));
    }
    // Else the first imported policy's, as the in-memory path reports them.
    if let Some(e) = their_errors.into_iter().find(|e| !e.is_empty()) {
        return Err(Failure::Data(e));
    }
    if !order.distinct() {
        return Err(Failure::NotStreamable("the ids are not in increasing order".into()));
    }
    Ok(summary)
}

/// The diagnostics for an error reading a register: a record past the line limit at its line
/// (and the cell past its limit within it, if one is), else the file system's error.
pub(super) fn read_failure(path: &Path, max_line: u64, e: &std::io::Error) -> Diagnostics {
    let name = path.display().to_string();
    match chunks::overlong(e) {
        Some((record, line)) => {
            // The record at its line: the lines before it left empty.
            let pad = usize::try_from(line.saturating_sub(1)).unwrap_or(0);
            let mut bytes = vec![b'\n'; pad];
            bytes.extend_from_slice(record);
            // A cell past its limit within the record, else the record itself.
            let found = crate::limits::CsvScan::new(max_line).feed(&bytes).unwrap_or(
                crate::limits::Found {
                    what: crate::limits::Overlong::Line,
                    start: u64::try_from(pad).unwrap_or(u64::MAX),
                    limit: max_line,
                },
            );
            vec![crate::data::overlong(&name, &bytes, found)].into()
        }
        None => io(path, e),
    }
}

/// Opens a register: the file, its header (the first record, without a byte order mark) and
/// the bytes read after it.
/// The register at `path` as CSV text (a Parquet file as the text it stands for,
/// [`crate::data::parquet::CsvText`]), its header record read, and what was read after it.
fn open(path: &Path) -> Result<(Input, Vec<u8>, Vec<u8>), Failure> {
    let opened = std::fs::File::open(path).map_err(|e| Failure::Data(io(path, &e)))?;
    let mut file: Input = if is_parquet(path) {
        let name = path.display().to_string();
        let text = crate::data::parquet::CsvText::new(&name, opened)
            .map_err(|d| Failure::Data(vec![*d].into()))?;
        Box::new(text)
    } else {
        Box::new(opened)
    };
    // The header: the first record, read in pieces until it ends.
    let mut head = Vec::new();
    let mut buf = vec![0u8; 1 << 16];
    let max_line = crate::limits::sizes().line;
    let name = path.display().to_string();
    let (header, rest) = loop {
        let n = file.read(&mut buf).map_err(|e| Failure::Data(io(path, &e)))?;
        head.extend_from_slice(buf.get(..n).unwrap_or_default());
        if let Some(found) = crate::limits::CsvScan::new(max_line).feed(&head) {
            return Err(Failure::Data(vec![crate::data::overlong(&name, &head, found)].into()));
        }
        let (h, r) = split_header(&head);
        if n == 0 || h.len() < head.len() {
            break (h.to_vec(), r.to_vec());
        }
    };
    let header = header.strip_prefix("\u{feff}".as_bytes()).map(<[u8]>::to_vec).unwrap_or(header);
    Ok((file, header, rest))
}

/// A register's text, read as it comes.
type Input = Box<dyn std::io::Read + Send>;

/// A register opened for the runner: CSV text (and what was read after its header), or a
/// Parquet file's batches.
enum Opened {
    Text(Input, Vec<u8>),
    /// The file, for its row groups, and its batches from first to last.
    Parquet(crate::data::parquet::RowGroups, crate::data::parquet::Batches),
}

/// How many rows a worker decoding a Parquet register's row groups runs ahead of the rows
/// written (their results kept meanwhile; 2,048 rows of zezhou 企业 write about 190 KB): a row
/// group of 32,768 rows, the most a worker may take for the others to go on beside it (`gen`
/// writes 16,384). A file of larger row groups (DuckDB writes 122,880) is decoded a batch a
/// turn at one reader: results kept for a row group that large would pass the memory the
/// runner is held to.
const GROUP_WINDOW_ROWS: u64 = 32_768;

/// The register at `path` opened for the runner, and its header record: a Parquet file's
/// batches of about `chunk_bytes` of text each, or the text of any other. With members
/// (`measured`), a batch's rows are those of `chunk_bytes` of the text its first rows take:
/// the bytes of a block with its members are the owners' share of the files' ([`members::Feed`]),
/// and a narrow register of owners (zezhou 转化企业, 20 bytes a row) made blocks of 128 owners
/// (2.17 s against the CSV twin's 1.48 s at 1,000,000 owners; 512 owners 1.86 s).
fn open_source(
    path: &Path,
    chunk_bytes: usize,
    measured: bool,
) -> Result<(Opened, Vec<u8>), Failure> {
    if is_parquet(path) {
        let file = std::fs::File::open(path).map_err(|e| Failure::Data(io(path, &e)))?;
        let name = path.display().to_string();
        let groups = crate::data::parquet::RowGroups::open(&name, file)
            .map_err(|d| Failure::Data(vec![*d].into()))?;
        let rows = match measured.then(|| batches::text_rows(&groups, chunk_bytes)).flatten() {
            Some(rows) => rows,
            None => batches::batch_rows(chunk_bytes),
        };
        let b = groups.all(rows).map_err(|d| Failure::Data(vec![*d].into()))?;
        let mut header = b.header();
        header.pop();
        return Ok((Opened::Parquet(groups, b), header));
    }
    let (file, header, rest) = open(path)?;
    Ok((Opened::Text(file, rest), header))
}

/// Whether `path` names a Parquet file.
pub fn is_parquet(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// Why the reader stopped before the end of the register.
enum ReadStop {
    Io(std::io::Error),
    /// A member that does not come where its owner is ([`members::Feed::take`]), or a members
    /// file that cannot be read.
    Members(Failure),
}

/// Reads the register's blocks for the workers, each with the members of its owners when the
/// kind has members (`feed`, with the column of the owners' ids).
fn read_blocks(
    blocks: &mut batches::Source,
    tokens: &Receiver<()>,
    jobs: &SyncSender<Block>,
    mut feed: Option<(&mut members::Feed, usize)>,
) -> Result<(), ReadStop> {
    loop {
        if tokens.recv().is_err() {
            return Ok(());
        }
        match blocks.next_block().map_err(ReadStop::Io)? {
            Some(mut b) => {
                if let Some((feed, col)) = feed.as_mut() {
                    let members = match b.batch.as_ref().and_then(batches::Spent::rows) {
                        Some(batch) => feed.take(&batches::keys(batch, *col)),
                        None => feed.take(&members::block_keys(&b.bytes, *col)),
                    };
                    b.members = members.map_err(ReadStop::Members)?;
                }
                if jobs.send(b).is_err() {
                    return Ok(());
                }
            }
            None => {
                if let Some((feed, _)) = feed {
                    feed.finish().map_err(ReadStop::Members)?;
                }
                return Ok(());
            }
        }
    }
}

/// Where a worker takes its blocks from: the reader's thread, or the file itself, the workers
/// decoding a Parquet register's row groups side by side.
#[derive(Clone, Copy)]
enum Jobs<'a> {
    Read(&'a std::sync::Mutex<Receiver<Block>>),
    Groups(&'a groups::Groups),
}

fn worker(
    plan: &Plan<'_, '_>,
    mode: Mode,
    beside: Beside<'_, '_, '_, '_>,
    shapes: &[members::Shape],
    jobs: Jobs<'_>,
    done: &SyncSender<Done>,
    kept_bytes: &std::sync::atomic::AtomicUsize,
) {
    let mut machine = plan.program.as_ref().map(Machine::new);
    // With members, an evaluator of this thread's own, given each block's members.
    let mut own = (!shapes.is_empty()).then(|| plan.evaluator.clone());
    let mut theirs = match beside {
        Beside::Stacking(run) => run.machines(),
        _ => Vec::new(),
    };
    let mut other = match beside {
        Beside::Version(p, _) => p.program.as_ref().map(Machine::new),
        _ => None,
    };
    // The other version's own evaluator, given the same members by its declarations.
    let mut other_own = match beside {
        Beside::Version(p, theirs) if !theirs.is_empty() => Some(p.evaluator.clone()),
        _ => None,
    };
    let mut evaluate = |block: Block| {
        let member_errors = match own.as_mut() {
            Some(ev) => members::give(ev, machine.as_mut(), shapes, &block.members),
            None => Diagnostics::new(),
        };
        let ev = own.as_ref().unwrap_or(&plan.evaluator);
        let mut d = block_results(plan, ev, mode, machine.as_mut(), &block);
        // A bad member is a data error: nothing of the register is reported.
        if !member_errors.is_empty() {
            if !d.data_errors {
                d.diags = Diagnostics::new();
            }
            d.data_errors = true;
            d.diags.extend(member_errors);
        }
        match beside {
            Beside::Nothing => {}
            Beside::Stacking(run) => run.block(plan, &mut theirs, &block, &mut d),
            Beside::Version(p, theirs) => {
                let errors = match other_own.as_mut() {
                    Some(ev) => members::give(ev, other.as_mut(), theirs, &block.members),
                    None => Diagnostics::new(),
                };
                let ev = other_own.as_ref().unwrap_or(&p.evaluator);
                let mut o = block_results(p, ev, Mode::Values, other.as_mut(), &block);
                // Members the other version cannot read: it reads the data otherwise.
                o.data_errors |= !errors.is_empty();
                d.other = Some(Box::new(o));
            }
        }
        // The empty fields behind the block's missing results, named from its rows now, by the
        // evaluator that holds its members: in parallel, and no pass over the register after
        // this one (which interpreted every subject once more than 100,000 missed a result).
        let own_rules_only = match beside {
            Beside::Nothing => true,
            Beside::Stacking(run) => !run.deducts(),
            Beside::Version(..) => false,
        };
        if mode == Mode::Csv && own_rules_only && !d.data_errors {
            d.empty = kept::empty_fields(plan, ev, &block, &d.sums.missing_keys);
            // Named: the ids are not needed after this (the count stays). Merged over the
            // run they were up to 100,000 strings, about 8 MB, then dropped unread.
            if d.empty.is_some() {
                d.sums.missing_keys = Vec::new();
            }
        }
        // Else the rows behind the block's missing results, for the pass that names their empty
        // fields (not with members: that pass reads them by their owners' ids).
        if mode == Mode::Csv && shapes.is_empty() && d.empty.is_none() {
            let keys = d.sums.missing_keys.iter().map(|(k, _)| k.as_str());
            d.sums.kept = kept::block_rows(plan, &block, keys, kept_bytes);
        }
        done.send(d).is_ok()
    };
    match jobs {
        Jobs::Groups(groups) => groups.work(&mut evaluate),
        Jobs::Read(rx) => loop {
            let job = match rx.lock() {
                Ok(rx) => rx.recv(),
                Err(_) => return,
            };
            let Ok(block) = job else { return };
            if !evaluate(block) {
                return;
            }
        },
    }
}

fn block_results(
    plan: &Plan<'_, '_>,
    ev: &Evaluator<'_, '_>,
    mode: Mode,
    machine: Option<&mut Machine<'_>>,
    block: &Block,
) -> Done {
    let mut d = Done {
        seq: block.seq,
        columns: plan.columns.len(),
        layout: Arc::clone(&plan.layout),
        key: Arc::clone(&plan.key),
        sums: if mode == Mode::Csv {
            out::Sums::of_layout(&plan.layout)
        } else {
            out::Sums::default()
        },
        row_ends: Vec::new(),
        fixed_sums: match (&plan.fixed, mode) {
            (Some(f), Mode::Csv) => vec![Some(0); f.columns],
            _ => Vec::new(),
        },
        keys: Vec::new(),
        values: Vec::new(),
        amounts: Vec::new(),
        csv: Vec::with_capacity(
            match (block.batch.as_ref().and_then(batches::Spent::rows), mode) {
                (Some(b), Mode::Csv) => b.num_rows().saturating_mul(64),
                (None, Mode::Csv) => block.bytes.len(),
                _ => 0,
            },
        ),
        rows: 0,
        interpreted: 0,
        diags: Diagnostics::new(),
        data_errors: false,
        their_errors: Vec::new(),
        other: None,
        order: KeyOrder::new(),
        fen: BTreeMap::new(),
        empty: None,
    };
    if let Some(batch) = block.batch.as_ref().and_then(batches::Spent::rows) {
        match machine {
            Some(m) => batches::arrow_rows(plan, ev, mode, m, block.first_line, batch, &mut d),
            None => {
                slow_rows(plan, ev, mode, None, block.first_line, &batches::text_of(batch), &mut d)
            }
        }
        fold_fixed(plan, &mut d);
        flush_fen(plan, &mut d);
        return d;
    }
    // Checked with SIMD: a register of Chinese names spends 5% of its time here otherwise.
    let text = match simdutf8::basic::from_utf8(&block.bytes) {
        Ok(t) => t,
        Err(_) => {
            slow_rows(plan, ev, mode, machine, block.first_line, &block.bytes, &mut d);
            flush_fen(plan, &mut d);
            return d;
        }
    };
    let bytes = text.as_bytes();
    let weird = bytes.contains(&b'"')
        || (bytes.contains(&b'\r')
            && bytes.windows(2).any(|w| w.first() == Some(&b'\r') && w.get(1) != Some(&b'\n')));
    match machine {
        Some(m) if !weird => fast_rows(plan, ev, mode, m, block.first_line, text, &mut d),
        m => slow_rows(plan, ev, mode, m, block.first_line, &block.bytes, &mut d),
    }
    fold_fixed(plan, &mut d);
    flush_fen(plan, &mut d);
    d
}

/// Adds the block's fixed-point sums ([`Done::fixed_sums`]) into its sums.
fn fold_fixed(plan: &Plan<'_, '_>, d: &mut Done) {
    let Some(f) = &plan.fixed else { return };
    for (col, sum) in std::mem::take(&mut d.fixed_sums).into_iter().enumerate() {
        let Some(scale) = f.scales.get(col).copied().flatten() else { continue };
        match sum.and_then(|m| Decimal::try_from_i128_with_scale(m, scale).ok()) {
            Some(n) => d.sums.add(col, n),
            None => d.sums.add_total(col, out::Total::Over),
        }
    }
}

/// How the compiled form adds up the CSV report's amounts: in fixed point, each column at its
/// own scale (the sum of a column of a block is one integer addition per row), a subject's
/// total at the largest scale of its parts. The cells are the interpreter's, byte for byte:
/// the same exact numbers, written by [`fixed::write`].
struct FixedSums {
    /// The columns after the id.
    columns: usize,
    /// Per column after the id: the scale of its fixed-point sum, for a column added up.
    scales: Vec<Option<u32>>,
    /// Per rule written ([`out::Layout::picks`]): the scale of its amounts, when it is added up.
    pick_scales: Vec<Option<u32>>,
    /// The awards a subject's total adds directly: their columns and factors to `total_scale`.
    total_parts: Vec<(usize, i128)>,
    total_scale: u32,
}

impl FixedSums {
    fn new(layout: &out::Layout, prog: &Program) -> Option<FixedSums> {
        let scale_of = |i: usize| match prog.columns.get(i).map(|c| c.ty) {
            Some(crate::compile::Ty::Num(s)) => Some(s),
            _ => None,
        };
        let mut pick_scales = Vec::new();
        for (j, i) in layout.picks.iter().enumerate() {
            let summed = layout.summed.get(j) == Some(&true);
            pick_scales.push(if summed { Some(scale_of(*i)?) } else { None });
        }
        let total_scale = layout.total_cols.iter().filter_map(|i| scale_of(*i)).max().unwrap_or(0);
        let mut total_parts = Vec::new();
        for i in &layout.total_cols {
            let s = scale_of(*i)?;
            let factor = 10i128.checked_pow(total_scale.checked_sub(s)?)?;
            total_parts.push((*i, factor));
        }
        let columns = layout.names.len();
        let mut scales = pick_scales.clone();
        scales.resize(columns, None);
        if layout.with_total
            && let Some(last) = scales.last_mut()
        {
            *last = Some(total_scale);
        }
        Some(FixedSums { columns, scales, pick_scales, total_parts, total_scale })
    }
}

/// What the fast reader learns of a row as it reads its cells, CSV or Parquet: whether any cell
/// gives a value, which required yearly fields some year gives, and the first year of data.
struct RowSeen {
    any: bool,
    given: u64,
    /// The subject's first year of data (`u16::MAX`: none yet).
    first_year: u16,
}

impl RowSeen {
    fn new() -> RowSeen {
        RowSeen { any: false, given: 0, first_year: u16::MAX }
    }

    /// Notes a cell of `target`, empty or not.
    #[inline]
    fn cell(&mut self, target: &Target, empty: bool) {
        if empty {
            return;
        }
        self.any = true;
        if let Target::Field { needs, year, .. } = target {
            if let Some(bit) = needs {
                self.given |= 1u64 << bit;
            }
            if let Some(y) = year {
                self.first_year = self.first_year.min(*y);
            }
        }
    }

    /// Whether the row gives some year of every required yearly field.
    #[inline]
    fn complete(&self, plan: &Plan<'_, '_>) -> bool {
        self.given & plan.required == plan.required
    }

    /// Puts the row's first year of data in `lane`, where the program reads it.
    #[inline]
    fn set_first_year(&self, m: &mut Machine<'_>, lane: usize) {
        if let Some(r) = m.program().first_year {
            let y = if self.first_year == u16::MAX {
                Cv::Missing
            } else {
                Cv::Num(self.first_year.into())
            };
            m.set_lane(lane, r, y);
        }
    }
}

/// A number cell read from its digits (sign, digits as one number, places), within the field's
/// bounds: the register, value and whether it is the id; `None` when the loader must read it.
#[inline]
fn read_digits(
    target: &Target,
    neg: bool,
    acc: u64,
    places: u32,
) -> Option<(Option<crate::compile::Reg>, Cv, bool)> {
    match target {
        Target::Field { reg, key, read: Take::Num { read, min, max }, .. } => {
            let m = read.of_digits(neg, acc, places)?;
            in_range(m, *min, *max).map(|v| (*reg, v, *key))
        }
        // A year as its text is read (`parse_year_cell`): four digits, no fraction; the text
        // of a number has no leading zero, so four digits are 1000 to 9999.
        Target::Field { reg, key, read: Take::Year, .. } => {
            (!neg && places == 0 && (1000..=9999).contains(&acc))
                .then(|| (*reg, Cv::Num(i64::try_from(acc).unwrap_or_default()), *key))
        }
        _ => None,
    }
}

/// A row of a batch: in a lane of the machine, or left to the loader.
struct Pending<'t> {
    lane: Option<usize>,
    key: &'t str,
    line_no: u64,
    /// The row's CSV line; for a row of a Parquet batch, empty, and `row` its place in the batch.
    line: &'t str,
    row: usize,
}

/// Reads the rows of a block into the lanes of the compiled program, [`LANES`] at a time.
fn fast_rows(
    plan: &Plan<'_, '_>,
    ev: &Evaluator<'_, '_>,
    mode: Mode,
    m: &mut Machine<'_>,
    first_line: u64,
    text: &str,
    d: &mut Done,
) {
    let mut batch: Vec<Pending<'_>> = Vec::with_capacity(LANES * 2);
    let mut lanes = 0usize;
    let mut line_no = first_line;
    let mut rest = text;
    while !rest.is_empty() {
        let (line, after) = match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(i) => (rest.get(..i).unwrap_or(""), rest.get(i + 1..).unwrap_or("")),
            None => (rest, ""),
        };
        rest = after;
        let this_line = line_no;
        line_no += 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut key: &str = "";
        let mut ok = true;
        let mut seen = RowSeen::new();
        let mut cells = cells::cells(line);
        for target in &plan.targets {
            // A number column's cell is read as it is split off.
            let number = matches!(target, Target::Field { read: Take::Num { .. }, .. });
            let next = if number { cells.next_number() } else { cells.next().map(|c| (c, None)) };
            let Some((cell, digits)) = next else {
                ok = false;
                break;
            };
            seen.cell(target, cell.is_empty());
            if cell.len() > crate::limits::MAX_CELL_CHARS {
                // Perhaps too long: the loader counts its characters.
                ok = false;
                break;
            }
            let read = match digits {
                Some(d) => read_digits(target, d.neg, d.acc, d.places),
                None => read_cell(target, cell),
            };
            match read {
                Some((reg, v, is_key)) => {
                    if is_key {
                        key = cell;
                    }
                    if let Some(r) = reg {
                        m.set_lane(lanes, r, v);
                    }
                }
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if cells.next().is_some() || !seen.complete(plan) {
            ok = false;
        }
        // An owner's aggregations over its members, worked out for the block's owners.
        if ok && seen.any && m.load_members(lanes, key) {
            seen.set_first_year(m, lanes);
            batch.push(Pending { lane: Some(lanes), key, line_no: this_line, line, row: 0 });
            lanes += 1;
        } else if !line.split(',').all(|c| c.trim().is_empty()) {
            batch.push(Pending { lane: None, key: "", line_no: this_line, line, row: 0 });
        }
        if lanes == LANES {
            flush(plan, ev, mode, m, &mut batch, None, d);
            lanes = 0;
        }
    }
    flush(plan, ev, mode, m, &mut batch, None, d);
}

/// Runs the lanes of a batch and hands on its rows in order; `rows` is the Parquet batch the
/// rows come from, if they do. A row the compiled form does not take is evaluated by `ev`
/// (the worker's evaluator, which holds the block's members).
fn flush(
    plan: &Plan<'_, '_>,
    ev: &Evaluator<'_, '_>,
    mode: Mode,
    m: &mut Machine<'_>,
    batch: &mut Vec<Pending<'_>>,
    rows: Option<&arrow_array::RecordBatch>,
    d: &mut Done,
) {
    // The rows in lanes were given the lanes from 0 on, in order.
    let lanes = batch.iter().filter(|p| p.lane.is_some()).count();
    if lanes > 0 {
        m.run_lanes(lanes);
    }
    let prog = m.program();
    // Once the block has an error in its data, nothing of it is reported but the errors: the
    // rows the fast reader refuses are read by the loader together (a register with the same
    // mistake on every row builds one parser a batch, not one a row).
    let mut checked_only: Option<Sparse> = None;
    // The Parquet batch's columns, looked at once for the rows the loader reads.
    let mut looked: Option<Vec<crate::data::parquet::Column<'_>>> = None;
    let mut scratch = String::new();
    for p in batch.drain(..) {
        let lane = match p.lane {
            Some(l) if !m.failed(l) => l,
            _ => {
                // The loader and the interpreter (the lanes are still being read).
                let row = match rows {
                    Some(b) => {
                        let columns =
                            looked.get_or_insert_with(|| crate::data::parquet::looked_at(b));
                        std::borrow::Cow::Owned(batches::row_text(columns, p.row, &mut scratch))
                    }
                    None => std::borrow::Cow::Borrowed(p.line.as_bytes()),
                };
                if d.data_errors
                    && checked_only
                        .get_or_insert_with(|| Sparse::new(&plan.header, plan.header_lines))
                        .push(p.line_no, &row)
                {
                    continue;
                }
                row_slow(plan, ev, mode, None, &sparse_text(plan, p.line_no, &row), d);
                continue;
            }
        };
        d.rows += 1;
        d.order.push(p.key);
        keep_amounts(plan, mode, d, p.key, |i| m.outcome_at(lane, i).ok());
        mark_fen(plan, d, p.key, |i| {
            let c = prog.columns.get(i)?;
            match (m.value_at(lane, c.reg), c.ty) {
                (Cv::Num(_), crate::compile::Ty::Num(s)) if s > 2 => m.outcome_at(lane, i).ok(),
                // A quotient's exact decimal, which may have any number of places.
                (_, crate::compile::Ty::Dec) => m.outcome_at(lane, i).ok(),
                _ => None,
            }
        });
        match mode {
            Mode::Amounts => {}
            Mode::Csv => match &plan.fixed {
                Some(f) => compiled_row(plan, f, m, lane, p.key, d),
                None => {
                    let scope = &plan.checked.scope;
                    let cols = &prog.columns;
                    let (partial, missing) = plan.layout.row_cells(
                        &mut d.csv,
                        &mut d.sums,
                        p.key,
                        |i| cols.get(i).is_none_or(|c| m.value_at(lane, c.reg) == Cv::Missing),
                        |i| m.outcome_at(lane, i).ok().as_ref().and_then(money),
                        |i, out| compiled_cell(out, m, lane, i, scope),
                    );
                    end_row(plan, d, p.key, partial, missing);
                }
            },
            Mode::Values => {
                d.keys.push(p.key.to_string());
                for i in 0..prog.columns.len() {
                    d.values.push(m.outcome_at(lane, i).unwrap_or(V::Missing));
                }
            }
        }
    }
    if let Some(rows) = checked_only {
        row_slow(plan, ev, mode, None, &rows, d);
    }
}

/// Appends the value of column `i` of the compiled form in `lane`; an exact decimal's (a
/// quotient's) from the machine's decimal lanes, as the interpreter writes it.
fn compiled_cell(out: &mut Vec<u8>, m: &Machine<'_>, lane: usize, i: usize, scope: &Scope<'_>) {
    let Some(c) = m.program().columns.get(i) else { return };
    if c.ty == crate::compile::Ty::Dec {
        if let Ok(v) = m.outcome_at(lane, i) {
            out::value(out, &v, scope);
        }
    } else {
        out::compiled(out, m.value_at(lane, c.reg), c.ty, scope);
    }
}

/// A number read from a cell, within the field's bounds and the compiled form's range.
#[inline]
fn in_range(m: i128, min: Option<i128>, max: Option<i128>) -> Option<Cv> {
    if min.is_some_and(|b| m < b) || max.is_some_and(|b| m > b) {
        return None;
    }
    Some(Cv::Num(i64::try_from(m).ok().filter(|m| *m != crate::compile::MISSING)?))
}

/// One cell as the fast reader takes it: the register and value, and whether it is the id;
/// `None` when the loader must read it.
#[inline]
fn read_cell(target: &Target, cell: &str) -> Option<(Option<crate::compile::Reg>, Cv, bool)> {
    let (reg, key, optional, read) = match target {
        Target::Field { reg, key, optional, read, .. } => (reg, key, optional, read),
        Target::Other => return Some((None, Cv::Missing, false)),
        Target::Unnamed => return cell.is_empty().then_some((None, Cv::Missing, false)),
    };
    if cell.is_empty() {
        return optional.then_some((*reg, Cv::Missing, false));
    }
    let bytes = cell.as_bytes();
    // Space around a value is the loader's to report: a cell that `trim` would change, which
    // is one whose first or last character is white space (decoding those two alone).
    if (bytes.first().is_some_and(|b| b.is_ascii_whitespace() || *b >= 0x80)
        || bytes.last().is_some_and(|b| b.is_ascii_whitespace() || *b >= 0x80))
        && (cell.starts_with(char::is_whitespace) || cell.ends_with(char::is_whitespace))
    {
        return None;
    }
    let v = match read {
        Take::Num { read, min, max } => in_range(read.parse(bytes)?, *min, *max)?,
        Take::Bool => {
            if cell == "true" || cell == "是" || cell == "1" || cell.eq_ignore_ascii_case("true") {
                Cv::Bool(true)
            } else if cell == "false"
                || cell == "否"
                || cell == "0"
                || cell.eq_ignore_ascii_case("false")
            {
                Cv::Bool(false)
            } else {
                return None;
            }
        }
        Take::Enum(values) => {
            let i = values.iter().position(|v| v == cell)?;
            Cv::Enum(u32::try_from(i).ok()?)
        }
        Take::Year => {
            if !cell.is_ascii() {
                return None;
            }
            Cv::Num(i64::from(crate::data::header::parse_year_cell(cell)?))
        }
        Take::Date => {
            if !cell.is_ascii() {
                return None;
            }
            Cv::Num(crate::compile::date_code(crate::data::parse_date(cell)?))
        }
        Take::Texts(values) => Cv::Enum(crate::compile::text_position(values, cell)),
        Take::Text => Cv::Missing,
        Take::Slow => return None,
    };
    Some((*reg, v, *key))
}

/// Rows of a register (or of a members' file) read by the loader: the header, then rows that in
/// the file start at later lines, each placed at its line ([`Gap`]).
struct Sparse {
    text: Vec<u8>,
    gaps: Vec<Gap>,
    /// The lines of the text so far.
    lines: usize,
    /// The line of the file the text's next line stands for.
    next: u64,
}

impl Sparse {
    /// The header alone, `header_lines` lines.
    fn new(header: &[u8], header_lines: u64) -> Sparse {
        let mut text = header.to_vec();
        text.push(b'\n');
        Sparse {
            text,
            gaps: Vec::new(),
            lines: usize::try_from(header_lines).unwrap_or(usize::MAX),
            next: header_lines + 1,
        }
    }

    /// The header, then `bytes`, which start at line `line` of the file: the loader reads it as
    /// the file, and reports problems at their real line and column.
    fn rows(header: &[u8], header_lines: u64, line: u64, bytes: &[u8]) -> Sparse {
        let mut sparse = Sparse::new(header, header_lines);
        if !sparse.push(line, bytes) {
            // A line the header stands for (none is): the rows are read all the same.
            sparse.append(line, bytes);
        }
        sparse
    }

    /// Adds `bytes`, rows that start at line `line` of the file; `false` (and nothing added)
    /// when that line is one the text already stands for.
    fn push(&mut self, line: u64, bytes: &[u8]) -> bool {
        if line < self.next {
            return false;
        }
        self.gaps.push(Gap { after: self.lines, lines: line - self.next });
        self.append(line, bytes);
        true
    }

    /// Adds `bytes`, rows that start at line `line` of the file, right after the text.
    fn append(&mut self, line: u64, bytes: &[u8]) {
        self.text.extend_from_slice(bytes);
        let ended = bytes.ends_with(b"\n");
        if !ended {
            self.text.push(b'\n');
        }
        let lines = count_lines(bytes) + u64::from(!ended);
        self.lines = self.lines.saturating_add(usize::try_from(lines).unwrap_or(usize::MAX));
        self.next = line.saturating_add(lines);
    }
}

/// [`Sparse::rows`] with the register's header.
fn sparse_text(plan: &Plan<'_, '_>, line: u64, bytes: &[u8]) -> Sparse {
    Sparse::rows(&plan.header, plan.header_lines, line, bytes)
}

/// A row the fast reader did not take, read by the loader, placed at its line.
fn row_slow(
    plan: &Plan<'_, '_>,
    ev: &Evaluator<'_, '_>,
    mode: Mode,
    m: Option<&mut Machine<'_>>,
    sparse: &Sparse,
    d: &mut Done,
) {
    match load_dataset_at(&plan.name, &sparse.text, &sparse.gaps, &plan.schema) {
        Ok(ds) => evaluate_records(plan, ev, mode, m, &ds.records, d),
        Err(diags) => {
            d.data_errors = true;
            d.diags.extend(diags);
        }
    }
}

/// The bytes of CSV the loader reads at once: a block's records and their values take many times
/// their bytes, so a block is loaded piece by piece to keep the peak low.
const LOADED_PIECE: usize = 1 << 16;

/// A block read by the loader, a piece of whole records at a time.
fn slow_rows(
    plan: &Plan<'_, '_>,
    ev: &Evaluator<'_, '_>,
    mode: Mode,
    mut m: Option<&mut Machine<'_>>,
    first_line: u64,
    bytes: &[u8],
    d: &mut Done,
) {
    // The block holds whole records: the pieces cannot fail for length.
    let mut pieces = Blocks::new(bytes, LOADED_PIECE, Vec::new(), first_line, u64::MAX);
    while let Ok(Some(piece)) = pieces.next_block() {
        slow_piece(plan, ev, mode, m.as_deref_mut(), piece.first_line, &piece.bytes, d);
    }
}

/// Whole records read by the loader: quickly without line placement, and again with it when
/// there are errors to report.
fn slow_piece(
    plan: &Plan<'_, '_>,
    ev: &Evaluator<'_, '_>,
    mode: Mode,
    m: Option<&mut Machine<'_>>,
    first_line: u64,
    bytes: &[u8],
    d: &mut Done,
) {
    if let Some(records) = plan.plain.as_ref().and_then(|p| p.records(&plan.schema, bytes)) {
        return evaluate_records(plan, ev, mode, m, &records, d);
    }
    row_slow(plan, ev, mode, m, &sparse_text(plan, first_line, bytes), d);
}

fn evaluate_records(
    plan: &Plan<'_, '_>,
    ev: &Evaluator<'_, '_>,
    mode: Mode,
    mut m: Option<&mut Machine<'_>>,
    records: &[Record],
    d: &mut Done,
) {
    for record in records {
        d.rows += 1;
        d.order.push(&record.key);
        let compiled = m.as_mut().and_then(|m| {
            m.load(record).and_then(|()| m.run()).ok()?;
            (0..plan.columns.len()).map(|i| m.outcome(i)).collect::<Result<Vec<V>, _>>().ok()
        });
        let values = match compiled {
            Some(v) => {
                mark_fen(plan, d, &record.key, |i| v.get(i).cloned());
                v
            }
            None => {
                d.interpreted += 1;
                // Amounts finer than a fen are marked here as for the compiled rows: once per
                // block, not a diagnostic made for each row.
                let (o, diags) = ev.evaluate_values(record, plan.year);
                d.diags.extend(diags);
                let values: Vec<V> = plan
                    .columns
                    .iter()
                    .map(|c| {
                        o.rules
                            .iter()
                            .find(|r| r.def == c.def)
                            .map_or(V::Missing, |r| r.value.clone())
                    })
                    .collect();
                mark_fen(plan, d, &record.key, |i| values.get(i).cloned());
                values
            }
        };
        keep_amounts(plan, mode, d, &record.key, |i| values.get(i).cloned());
        match mode {
            Mode::Amounts => {}
            Mode::Csv => {
                let scope = &plan.checked.scope;
                let (partial, missing) = plan.layout.row_cells(
                    &mut d.csv,
                    &mut d.sums,
                    &record.key,
                    |i| values.get(i).is_none_or(|v| *v == V::Missing),
                    |i| values.get(i).and_then(money),
                    |i, out| {
                        if let Some(v) = values.get(i) {
                            out::value(out, v, scope);
                        }
                    },
                );
                end_row(plan, d, &record.key, partial, missing);
            }
            Mode::Values => {
                d.keys.push(record.key.clone());
                d.values.extend(values);
            }
        }
    }
}

/// A row of the CSV report from the compiled form's lane `lane`, its amounts added up in fixed
/// point ([`FixedSums`]): the cells [`out::Layout::row_cells`] and [`out::Layout::end_row`]
/// write.
#[inline]
fn compiled_row(
    plan: &Plan<'_, '_>,
    f: &FixedSums,
    m: &Machine<'_>,
    lane: usize,
    key: &str,
    d: &mut Done,
) {
    let prog = m.program();
    let scope = &plan.checked.scope;
    out::field(&mut d.csv, key);
    let mut missing = false;
    for (j, (i, scale)) in plan.layout.picks.iter().zip(&f.pick_scales).enumerate() {
        d.csv.push(b',');
        let Some(c) = prog.columns.get(*i) else { continue };
        let v = m.value_at(lane, c.reg);
        match v {
            Cv::Missing => {
                d.sums.missing_at(j);
                missing = true;
            }
            Cv::Num(x) if scale.is_some() => {
                if let Some(sum) = d.fixed_sums.get_mut(j) {
                    *sum = sum.and_then(|s| s.checked_add(i128::from(x)));
                }
            }
            _ => {}
        }
        compiled_cell(&mut d.csv, m, lane, *i, scope);
    }
    let mut total: Option<i128> = Some(0);
    for (i, factor) in &f.total_parts {
        let v = prog.columns.get(*i).map_or(Cv::Missing, |c| m.value_at(lane, c.reg));
        total = match (total, v) {
            (Some(t), Cv::Num(x)) => {
                i128::from(x).checked_mul(*factor).and_then(|x| t.checked_add(x))
            }
            _ => None,
        };
        if total.is_none() {
            break;
        }
    }
    // A part missing, or (never for amounts of the exact range) past the range.
    let total = match total {
        Some(t) => match Decimal::try_from_i128_with_scale(t, f.total_scale) {
            Ok(_) => Ok(t),
            Err(_) => Err(out::Total::Over),
        },
        None => Err(
            if f.total_parts.iter().any(|(i, _)| {
                prog.columns.get(*i).is_none_or(|c| m.value_at(lane, c.reg) == Cv::Missing)
            }) {
                out::Total::Missing
            } else {
                out::Total::Over
            },
        ),
    };
    if plan.stacked {
        let partial = match total {
            Ok(t) => Decimal::try_from_i128_with_scale(t, f.total_scale)
                .map_or(out::Total::Over, out::Total::Sum),
            Err(e) => e,
        };
        d.row_ends.push(RowEnd {
            at: d.csv.len(),
            partial,
            missing,
            explained: d.sums.take_row_explained(),
        });
        return;
    }
    if plan.layout.with_total {
        let col = f.columns.saturating_sub(1);
        d.csv.push(b',');
        match total {
            Ok(t) => {
                fixed::write(&mut d.csv, t, f.total_scale);
                if let Some(sum) = d.fixed_sums.get_mut(col) {
                    *sum = sum.and_then(|s| s.checked_add(t));
                }
            }
            Err(e) => {
                out::total(&mut d.csv, e);
                if e == out::Total::Missing {
                    d.sums.missing_at(col);
                    missing = true;
                } else {
                    d.sums.add_total(col, e);
                }
            }
        }
    }
    if missing {
        d.sums.missing_rows += 1;
    }
    d.sums.note_missing(key);
    d.csv.push(b'\n');
}

/// A row of the CSV report whose end the stacking rules write once the block's rows are
/// evaluated ([`stacked::StackRun::block`]).
#[derive(Clone, Debug)]
struct RowEnd {
    /// Where its cells end in the block's text.
    at: usize,
    /// The part of the subject's total its own awards make.
    partial: out::Total,
    /// Whether one of its cells is missing.
    missing: bool,
    /// Those of them that are rules whose empty fields `ZC0950` names
    /// ([`out::Sums::take_row_explained`]).
    explained: Vec<u32>,
}

/// Ends a row of the CSV report: at once, or for a stacking run once the stacking rules are
/// applied ([`stacked::StackRun::block`]).
fn end_row(plan: &Plan<'_, '_>, d: &mut Done, key: &str, partial: out::Total, missing: bool) {
    if plan.stacked {
        d.row_ends.push(RowEnd {
            at: d.csv.len(),
            partial,
            missing,
            explained: d.sums.take_row_explained(),
        });
    } else {
        plan.layout.end_row(&mut d.csv, &mut d.sums, partial, missing, &[]);
        d.sums.note_missing(key);
    }
}

/// Notes each award of the compiled form's row `key` that is finer than a fen, for the mark the
/// interpreter gives (`ZC0709`; `value` gives a column's value, `None` for one that cannot be).
fn mark_fen(plan: &Plan<'_, '_>, d: &mut Done, key: &str, value: impl Fn(usize) -> Option<V>) {
    for (i, _) in plan.columns.iter().enumerate().filter(|(_, c)| c.award) {
        if let Some(V::Num(x, dim)) = value(i)
            && dim == crate::units::Dim::MONEY
            && crate::eval::fen::finer_than_fen(x)
        {
            d.fen.entry(i).and_modify(|e| e.2 += 1).or_insert_with(|| (key.to_string(), x, 1));
        }
    }
}

/// The marks noted by [`mark_fen`] so far, into the block's diagnostics: one per award, at its
/// first row, counting the others.
fn flush_fen(plan: &Plan<'_, '_>, d: &mut Done) {
    for (i, (key, x, n)) in std::mem::take(&mut d.fen) {
        if let Some(c) = plan.columns.get(i)
            && let Some(mark) = plan.evaluator.fen_mark(c.def, &key, x)
        {
            d.diags.push_counted(mark, n.saturating_sub(1));
        }
    }
}

/// For a stacking run, the row's id and the amounts of [`Plan::amount_cols`], `value` giving
/// the value of a column.
fn keep_amounts(
    plan: &Plan<'_, '_>,
    mode: Mode,
    d: &mut Done,
    key: &str,
    value: impl Fn(usize) -> Option<V>,
) {
    if mode == Mode::Amounts || (mode == Mode::Csv && plan.stacked) {
        d.keys.push(key.to_string());
        d.amounts.extend(plan.amount_cols.iter().map(|i| value(*i).as_ref().and_then(money)));
    }
}

/// The rules reported per subject of `sid`, in declaration order (the CSV report's columns).
pub fn columns(checked: &Checked<'_>, sid: SubjectId) -> Vec<Column> {
    checked
        .scope
        .defs
        .iter()
        .enumerate()
        .filter(|(_, d)| d.subject == Some(sid))
        .filter_map(|(id, d)| match d.source {
            DefSource::Item(i) if i.node.kind.is_rule() => Some(Column {
                def: id,
                name: d.name.clone(),
                award: matches!(i.node.kind, ItemKind::Award(_)),
                money: crate::report::money_award(checked, id),
                explained: crate::eval::empty::names_empty_fields(&checked.scope, id),
            }),
            DefSource::Item(_) => None,
            DefSource::Field(_) => None,
        })
        .collect()
}

/// The CSV report's layout of `columns`, with `only` the rules asked for, `stacks` the stacking
/// rules' names and `stacked` the rules they take.
pub(super) fn layout_of(
    columns: &[Column],
    only: &[String],
    stacks: &[crate::eval::stack::RuleHead],
    stacked: &[DefId],
) -> out::Layout {
    let cols: Vec<out::LayoutColumn<'_>> = columns
        .iter()
        .map(|c| out::LayoutColumn {
            def: c.def,
            name: &c.name,
            money: c.money,
            explained: c.explained,
        })
        .collect();
    out::Layout::new(&cols, only, stacks, stacked)
}

/// Resolves the header against the subject's fields, reporting what the loader would.
/// The column names of a register's header line, as far as they can be read.
fn header_names(header: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(header);
    let mut reader = ::csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    match reader.records().next() {
        Some(Ok(r)) => r.iter().map(|c| c.trim().to_string()).collect(),
        _ => Vec::new(),
    }
}

/// The plan of a run of `kind` over the register `name` whose header is `header`; with
/// `members`, the run gives the compiled form each block's members (the worker does, when the
/// kind's member files are read alongside), and the aggregations over them compile.
fn plan<'c, 'p>(
    policy: &'p Policy,
    checked: &'c Checked<'p>,
    kind: &str,
    name: &str,
    header: Vec<u8>,
    opts: &RunOptions<'_>,
    members: bool,
) -> Result<Plan<'c, 'p>, Failure> {
    let mut schema = Schema::from_policy(policy, kind).map_err(Failure::Data)?;
    schema.also_known.clone_from(&opts.also_known);
    if schema.key.is_none() {
        // Subjects are then numbered through the whole file.
        return Err(Failure::NotStreamable("the subjects have no id field".into()));
    }
    let sid = *checked
        .scope
        .subject_names
        .get(kind)
        .ok_or_else(|| Failure::NotStreamable(format!("no subject `{kind}`")))?;
    // Members in the owners' own file, one long table: left to the in-memory path.
    if crate::engine::members::long_table(policy, checked, kind, &header_names(&header)) {
        return Err(Failure::NotStreamable("the members are in the owners' file".into()));
    }
    // The loader on the header alone: unknown and missing columns, units, a non-UTF-8 header.
    let mut text = header.clone();
    text.push(b'\n');
    load_dataset(name, &text, &schema).map_err(Failure::Data)?;
    let Ok(head) = std::str::from_utf8(&header) else {
        return Err(Failure::NotStreamable("the header is not UTF-8".into()));
    };
    let mut reader = ::csv::ReaderBuilder::new().has_headers(false).from_reader(head.as_bytes());
    let names: Vec<String> = match reader.records().next() {
        Some(Ok(r)) => r.iter().map(|c| c.trim().to_string()).collect(),
        _ => return Err(Failure::NotStreamable("the header cannot be read".into())),
    };
    // The earliest year the columns give a yearly field for.
    let first_year = names
        .iter()
        .filter_map(|col| {
            let h = parse_header(col);
            let yearly = |name: &str| schema.fields.iter().any(|f| f.name == name && f.by_year);
            h.year_forms.iter().find(|(base, _)| yearly(base)).map(|(_, y)| *y)
        })
        .min();
    let compile = if members { compile_with_members } else { compile_for_data };
    let (program, compiled) =
        match compile(policy, checked, sid, &opts.params, opts.year, first_year) {
            Ok(p) => (Some(p), Ok(())),
            Err(why) => (None, Err(why)),
        };
    let mut targets = Vec::new();
    // Where each field's column is, and for a yearly field each year's, to find a field
    // given twice (the loader reports it, row by row).
    let mut placed: Vec<(usize, Option<u16>)> = Vec::new();
    // The required yearly fields, each a bit: a row must give at least one year of each.
    let mut needs: BTreeMap<usize, u8> = BTreeMap::new();
    for col in &names {
        if col.is_empty() {
            targets.push(Target::Unnamed);
            placed.push((usize::MAX, None));
            continue;
        }
        let h = parse_header(col);
        if h.unit.is_none()
            && is_year_column(h.name)
            && !schema.fields.iter().any(|f| f.name == h.name)
        {
            return Err(Failure::NotStreamable("one row per subject and year".into()));
        }
        let found = match schema.fields.iter().position(|f| f.name == h.name) {
            Some(idx) => Some((idx, None)),
            // A yearly column (`收入[2020]`, `收入_2020`, `2020年收入`).
            None => h.year_forms.iter().find_map(|(base, y)| {
                let idx = schema.fields.iter().position(|f| f.name == *base && f.by_year)?;
                Some((idx, Some(*y)))
            }),
        };
        let (Some((idx, year)), Some(spec)) =
            (found, found.and_then(|(idx, _)| schema.fields.get(idx)))
        else {
            // The loader's name for the column: the field of a yearly form, else the header's.
            let wanted = h.year_forms.first().map_or(h.name, |(b, _)| b);
            if schema.also_known.contains(wanted) {
                targets.push(Target::Other);
                placed.push((usize::MAX, None));
                continue;
            }
            targets.push(Target::Field {
                reg: None,
                key: false,
                optional: false,
                needs: None,
                year: None,
                read: Take::Slow,
            });
            placed.push((usize::MAX, None));
            continue;
        };
        placed.push((idx, year));
        let is_key = schema.key == Some(idx);
        let field_in = program.as_ref().and_then(|p| p.fields.get(idx));
        let (reg, read) = match (field_in, year) {
            // One year of a yearly field: read into its register when the program reads that
            // year, else only validated. An empty cell is no value for the year; the row must
            // still give some year of a required field.
            (Some(field @ FieldIn::Yearly { scalar, .. }), Some(y)) => {
                let reg = field.year_reg(y);
                let read = take(spec, &scalar.at(reg.unwrap_or_default()), h.unit);
                let bit = if spec.optional {
                    None
                } else {
                    let next = u8::try_from(needs.len()).unwrap_or(u8::MAX);
                    Some(*needs.entry(idx).or_insert(next)).filter(|b| *b < 64)
                };
                let optional = spec.optional || bit.is_some();
                let (reg, read) = match read {
                    Some((r, t)) => (reg.map(|_| r), t),
                    None => (None, Take::Slow),
                };
                targets.push(Target::Field {
                    reg,
                    key: false,
                    optional,
                    needs: bit,
                    year: Some(y),
                    read,
                });
                continue;
            }
            (Some(f), None) => match take(spec, f, h.unit) {
                Some((r, t)) => (Some(r), t),
                None if spec.kind == FieldKind::Text => (None, Take::Text),
                None => (None, Take::Slow),
            },
            (None, _) if spec.kind == FieldKind::Text => (None, Take::Text),
            _ => (None, Take::Slow),
        };
        targets.push(Target::Field {
            reg,
            key: is_key,
            optional: spec.optional && !is_key,
            needs: None,
            year: None,
            read,
        });
    }
    // A field or year given by two columns: the loader reads those rows and reports it.
    for (i, at) in placed.iter().enumerate() {
        if at.0 != usize::MAX
            && placed.iter().filter(|p| *p == at).count() > 1
            && let Some(Target::Field { reg, read, .. }) = targets.get_mut(i)
        {
            *reg = None;
            *read = Take::Slow;
        }
    }
    let required: u64 = needs.values().filter(|b| **b < 64).fold(0, |m, b| m | (1u64 << b));
    let columns = columns(checked, sid);
    let layout = Arc::new(layout_of(&columns, &opts.columns, &[], &[]));
    let key = Arc::from(schema.key_field().map_or("id", |f| f.name.as_str()));
    let header_lines = count_lines(&header) + 1;
    let plain = plain_rows::Columns::new(&header, &schema);
    Ok(Plan {
        name: name.to_string(),
        schema,
        header,
        header_lines,
        targets,
        required,
        program,
        compiled,
        columns,
        layout,
        key,
        stacked: false,
        fixed: None,
        amount_cols: Vec::new(),
        evaluator: Evaluator::new(policy, checked, Some(sid), opts.params.clone()),
        checked,
        year: opts.year,
        plain,
    })
}

/// How the fast reader takes a column of field `spec` written in `unit` (the header's, else
/// the field's) for the compiled program's input `field`: its register and how the cell is
/// read, or `None` when the loader must read it.
fn take(
    spec: &crate::data::FieldSpec,
    field: &FieldIn,
    unit: Option<&str>,
) -> Option<(crate::compile::Reg, Take)> {
    match (&spec.kind, field) {
        (FieldKind::Number { unit: declared, .. }, FieldIn::Num { reg, scale }) => {
            let unit = match unit {
                Some(u) => parse_unit(u).ok()?,
                None => declared.clone(),
            };
            let factor = unit.scale().normalize();
            let bound = |b: Option<&crate::data::Bound>| match b {
                None => Ok(None),
                Some(b) => fixed::from_decimal(b.value, *scale).map(Some).ok_or(()),
            };
            let (min, max) = (bound(spec.min.as_ref()).ok()?, bound(spec.max.as_ref()).ok()?);
            let read = Take::Num {
                read: fixed::Reading::new(factor.mantissa(), factor.scale(), *scale),
                min,
                max,
            };
            Some((*reg, read))
        }
        (FieldKind::Bool, FieldIn::Bool { reg }) => Some((*reg, Take::Bool)),
        (FieldKind::Year, FieldIn::Year { reg }) => Some((*reg, Take::Year)),
        (FieldKind::Date, FieldIn::Date { reg }) => Some((*reg, Take::Date)),
        (FieldKind::Text, FieldIn::Text { reg, values }) => {
            Some((*reg, Take::Texts(values.clone())))
        }
        (FieldKind::Enum { .. }, FieldIn::Enum { reg, values }) => {
            Some((*reg, Take::Enum(values.clone())))
        }
        _ => None,
    }
}

/// A file that cannot be read or written: `ZC0901`; a Parquet file's rows that cannot be
/// decoded: `ZC0607`.
fn io(path: &Path, e: &std::io::Error) -> Diagnostics {
    let name = path.display().to_string();
    if let Some(d) = crate::data::parquet::undecodable(&name, e) {
        return Diagnostics::from(vec![d]);
    }
    let file = SourceFile::new(name.clone(), "");
    let d = Diagnostic::new(
        Code::Io,
        Text::new(format!("无法读取文件 `{name}`：{e}"), format!("cannot read `{name}`: {e}")),
    )
    .at(Loc::new(&file, Span::default()), Text::new("这个文件", "this file"));
    Diagnostics::from(vec![d])
}

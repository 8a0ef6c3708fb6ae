//! A Parquet register as the streaming runner reads it: batches of rows decoded by the workers
//! themselves ([`super::groups::Groups`]; with members, by the reader's thread, as it reads the
//! members beside each batch), and read by the compiled form straight from their columns
//! ([`arrow_rows`]): a number from its integer or `DECIMAL` digits, any other value from the text
//! the file stands for ([`crate::data::parquet::cell`]). No CSV text is written and parsed again;
//! a row the fast reader does not take is written as that text for the loader, at its line (the
//! header is line 1, row `n` of the file line `n + 1`), as for a CSV register.

use std::borrow::Cow;
use std::sync::mpsc::{Receiver, Sender};

use arrow_array::RecordBatch;

use super::chunks::{Block, Blocks};
use super::{
    Done, Input, Mode, Pending, Plan, RowSeen, Take, Target, flush, read_cell, read_digits,
};
use crate::compile::{LANES, Machine};
use crate::data::parquet::{Batches, Column, read_error};
use crate::eval::Evaluator;

/// Where the runner's blocks come from: the text of a CSV register, or a Parquet file's batches.
pub(super) enum Source {
    Text(Blocks<Input>),
    Parquet {
        batches: Batches,
        seq: u64,
        /// The line of the next batch's first row.
        line: u64,
        /// The batches the workers are done with, dropped here ([`Spent`]).
        spent: (Sender<RecordBatch>, Receiver<RecordBatch>),
    },
}

/// A batch of rows that goes back to the thread that decoded it when its block is dropped
/// (`home`; none when that is the thread that evaluates it). The reader allocated its columns;
/// freed on a worker's thread, their memory would wait there for the allocator to find it, and
/// the reader would take new memory meanwhile (a register's peak memory doubled).
pub struct Spent {
    batch: Option<RecordBatch>,
    home: Option<Sender<RecordBatch>>,
}

impl Spent {
    /// A batch evaluated on the thread that decoded it.
    pub(super) fn new(batch: RecordBatch) -> Spent {
        Spent { batch: Some(batch), home: None }
    }

    /// The rows.
    pub fn rows(&self) -> Option<&RecordBatch> {
        self.batch.as_ref()
    }
}

impl Drop for Spent {
    fn drop(&mut self) {
        if let (Some(b), Some(home)) = (self.batch.take(), self.home.as_ref()) {
            // After the reader has stopped, the batch is freed here.
            let _ = home.send(b);
        }
    }
}

impl Source {
    /// The next block, or `None` at the end of the register.
    pub(super) fn next_block(&mut self) -> std::io::Result<Option<Block>> {
        match self {
            Source::Text(blocks) => blocks.next_block(),
            Source::Parquet { batches, seq, line, spent } => {
                // The spent batches freed where they were made.
                while spent.1.try_recv().is_ok() {}
                let Some(batch) = batches.next_batch().map_err(read_error)? else {
                    return Ok(None);
                };
                let rows = u64::try_from(batch.num_rows()).unwrap_or(u64::MAX);
                let batch = Spent { batch: Some(batch), home: Some(spent.0.clone()) };
                let block = Block {
                    seq: *seq,
                    first_line: *line,
                    bytes: Vec::new(),
                    batch: Some(batch),
                    members: Vec::new(),
                };
                *seq += 1;
                *line = line.saturating_add(rows);
                Ok(Some(block))
            }
        }
    }
}

/// The rows of a Parquet file the reader's thread reads at a time, for blocks of `chunk_bytes`
/// (512 rows for the runner's 256 KiB): a batch's columns are small beside the pages the reader
/// holds, but more rows in flight kept more pages decoded (1,000,000 rows of zezhou 企业, 1 MiB
/// pages: 512 rows 55–68 MiB, 2,048 rows 88–102 MiB, the same time within 5%; DuckDB's
/// 122,880-row groups at 2,048 rows: 73 MiB).
pub(super) fn batch_rows(chunk_bytes: usize) -> usize {
    (chunk_bytes / 512).clamp(128, 8192)
}

/// The rows of `chunk_bytes` of the text of `groups`' first rows (at most 64 read), within
/// [`batch_rows`]' bounds; `None` when they cannot be read (the reader reports it later).
pub(super) fn text_rows(
    groups: &crate::data::parquet::RowGroups,
    chunk_bytes: usize,
) -> Option<usize> {
    let batch = groups.all(64).ok()?.next_batch().ok()??;
    let n = batch.num_rows().max(1);
    let per_row = text_of(&batch).len().div_ceil(n).max(1);
    Some((chunk_bytes / per_row).clamp(128, 8192))
}

/// The rows a worker decoding its own row groups ([`Groups`]) reads at a time: 2,048 for the
/// runner's 256 KiB, four times the reader thread's [`batch_rows`]. Each batch is a block, with
/// its own results, hand-over and wake-ups; at 512 rows a Parquet register made eight times the
/// blocks of its CSV twin and ran 4–14% slower than it (1,000,000 rows, interleaved runs:
/// xinjiang 项目 0.46 → 0.43 s against CSV 0.42 s, zezhou 企业 0.91 → 0.88 s against 0.90 s),
/// in no more memory (the worker's row group is decoded whole either way; 20–41 MiB).
pub(super) fn group_rows(chunk_bytes: usize) -> usize {
    (chunk_bytes / 128).clamp(128, 8192)
}

/// The CSV text of every row of `batch` (for the loader and the interpreter).
pub(super) fn text_of(batch: &RecordBatch) -> Vec<u8> {
    let mut text = Vec::new();
    crate::data::parquet::write_batch(batch, &mut text);
    text
}

/// The ids of `batch`'s rows (its column `col`), as the loader reads them.
pub(super) fn keys(batch: &RecordBatch, col: usize) -> Vec<std::borrow::Cow<'_, str>> {
    let Some(array) = batch.columns().get(col) else { return Vec::new() };
    let c = Column::of(array.as_ref());
    (0..batch.num_rows()).map(|i| c.id(i)).collect()
}

/// Reads the rows of `batch` into the lanes of the compiled program, [`LANES`] at a time, as
/// [`super::fast_rows`] reads the rows of a CSV block; `first_line` is its first row's line.
pub(super) fn arrow_rows(
    plan: &Plan<'_, '_>,
    ev: &Evaluator<'_, '_>,
    mode: Mode,
    m: &mut Machine<'_>,
    first_line: u64,
    batch: &RecordBatch,
    d: &mut Done,
) {
    let columns: Vec<Column<'_>> = batch.columns().iter().map(|a| Column::of(a.as_ref())).collect();
    let rows = batch.num_rows();
    let mut scratch = String::new();
    // The ids, borrowed from a text column.
    let key_col = plan.targets.iter().position(|t| matches!(t, Target::Field { key: true, .. }));
    let keys: Vec<Cow<'_, str>> = match key_col.and_then(|k| columns.get(k)) {
        Some(c) => (0..rows)
            .map(|i| match c.str_at(i) {
                Some(t) => Cow::Borrowed(t),
                None => Cow::Owned(c.text(i, &mut scratch).to_string()),
            })
            .collect(),
        None => vec![Cow::Borrowed(""); rows],
    };
    let mut pending: Vec<Pending<'_>> = Vec::with_capacity(LANES * 2);
    let mut lanes = 0usize;
    for (i, key) in keys.iter().enumerate() {
        let line_no = first_line.saturating_add(u64::try_from(i).unwrap_or(u64::MAX));
        let mut ok = columns.len() == plan.targets.len();
        let cells = if ok { plan.targets.len() } else { 0 };
        let mut seen = RowSeen::new();
        for (target, column) in plan.targets.iter().zip(&columns).take(cells) {
            if matches!(target, Target::Other) {
                // Another policy's column is not read: whether it is empty counts (a row of
                // empty cells is a blank line), and its length, which the loader limits.
                let (empty, len) = column.emptiness(i, &mut scratch);
                seen.cell(target, empty);
                if len > crate::limits::MAX_CELL_CHARS {
                    ok = false;
                    break;
                }
                continue;
            }
            // A yes-or-no column's value is read as it is, not as the text `是` or `否`.
            if let (Target::Field { reg, read: Take::Bool, .. }, Some(b)) =
                (target, column.boolean(i))
            {
                seen.cell(target, false);
                if let Some(r) = reg {
                    m.set_lane(lanes, *r, crate::compile::Cv::Bool(b));
                }
                continue;
            }
            // A number column's integer or decimal is read from its digits, and so is a year
            // stored as a number.
            let number = match target {
                Target::Field { read: Take::Num { .. } | Take::Year, .. } => column.digits(i),
                _ => None,
            };
            let text = if number.is_some() { "" } else { column.text(i, &mut scratch) };
            seen.cell(target, number.is_none() && text.is_empty());
            if text.len() > crate::limits::MAX_CELL_CHARS {
                // Perhaps too long: the loader counts its characters.
                ok = false;
                break;
            }
            let read = match number {
                Some((neg, acc, places)) => read_digits(target, neg, acc, places),
                None => read_cell(target, text),
            };
            match read {
                Some((Some(r), v, _)) => m.set_lane(lanes, r, v),
                Some((None, ..)) => {}
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if !seen.complete(plan) {
            ok = false;
        }
        // An owner's aggregations over its members, worked out for the block's owners.
        if ok && seen.any && m.load_members(lanes, key.as_ref()) {
            seen.set_first_year(m, lanes);
            pending.push(Pending {
                lane: Some(lanes),
                key: key.as_ref(),
                line_no,
                line: "",
                row: i,
            });
            lanes += 1;
        } else if !blank(&columns, i, &mut scratch) {
            pending.push(Pending { lane: None, key: "", line_no, line: "", row: i });
        }
        if lanes == LANES {
            flush(plan, ev, mode, m, &mut pending, Some(batch), d);
            lanes = 0;
        }
    }
    flush(plan, ev, mode, m, &mut pending, Some(batch), d);
}

/// Whether every value of row `i` is empty or white space (a blank line of the CSV text, which
/// the register skips).
fn blank(columns: &[Column<'_>], i: usize, scratch: &mut String) -> bool {
    columns.iter().all(|c| c.text(i, scratch).trim().is_empty())
}

/// The CSV line of row `row` of a batch's `columns`, without its line end.
pub(super) fn row_text(columns: &[Column<'_>], row: usize, scratch: &mut String) -> Vec<u8> {
    let mut text = Vec::new();
    crate::data::parquet::write_line(columns, row, scratch, &mut text);
    if text.last() == Some(&b'\n') {
        text.pop();
    }
    text
}

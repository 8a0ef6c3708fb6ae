//! A Parquet register decoded by the runner's workers themselves, with no reader's thread
//! beside them ([`Groups`]): each takes a row group of its own, or, when the row groups are too
//! few or too large for that, the workers take turns at them, a batch a turn, one preparing the
//! next row group while another reads the last batches of the one before.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

use arrow_array::RecordBatch;

use super::batches::Spent;
use super::chunks::Block;
use crate::data::parquet::{Batches, RowGroups, read_error};

/// A Parquet register the workers decode themselves, beside each other ([`Turns`]): each takes
/// the next row group (in the file's order), reads it with its own reader (the footer parsed
/// once, [`RowGroups`]) and evaluates its batches; or, when the row groups are too few for every
/// worker to have some or too large to run ahead within the window (DuckDB writes 122,880 rows
/// a group), the workers take turns, each decoding the next batch and evaluating it while
/// another decodes its own. A batch's block number and first line follow from the rows the
/// footer states for the groups before it, so results are written in the file's order as ever.
/// A worker ahead of the blocks written waits once it is `window` blocks ahead (their results
/// are kept until the blocks before them are written). A reading error stops the blocks after
/// it, and the first in the file's order is the one reported.
pub(super) struct Groups {
    file: RowGroups,
    rows: usize,
    /// Each row group's first block number, first line and rows.
    starts: Vec<(u64, u64, u64)>,
    turns: Turns,
    window: u64,
    gate: Mutex<Gate>,
    moved: Condvar,
}

/// How the workers share a Parquet register's row groups.
enum Turns {
    /// A row group each: the next to take.
    Each(AtomicUsize),
    /// A batch a turn (a third thread decoding beside two workers made the run on two cores 10%
    /// slower than the CSV twin's).
    Shared(Box<Shared>),
}

/// The workers' turns at the row groups, and the group prepared ahead.
struct Shared {
    turn: Mutex<Turn>,
    ahead: Ahead,
}

/// The row group the workers take turns at, and the next to open.
struct Turn {
    reading: Option<Reading>,
    /// The last batches of the row group read before, decoded, and the error after them.
    ready: std::collections::VecDeque<Block>,
    failed: Option<(u64, String)>,
    next: usize,
    /// The reading stopped (at the end or at an error).
    over: bool,
}

/// The next row group prepared by a worker out of turn (opened, its first batch decoded: the
/// pages of a large row group are read and decompressed then, 6–11 ms for one of 122,880 rows,
/// which another worker would otherwise wait for), once the group being read nears its end.
struct Ahead {
    /// The group wanted, [`NONE`] when none is.
    wanted: AtomicUsize,
    /// The group prepared, held while it is being prepared.
    slot: Mutex<Option<(usize, Result<Reading, String>)>>,
}

/// No row group wanted ahead.
const NONE: usize = usize::MAX;

/// The batches of a row group decoded in one turn at its end, its reader then dropped and the
/// next group asked for ahead: a worker prepares it while the others evaluate these (DuckDB's
/// 122,880-row groups of zezhou 企业: none 0.93–0.96 s, 2 0.89 s against CSV 0.85–0.88 s; 4 no
/// faster, 4 MiB more at the peak).
const AHEAD_BATCHES: u64 = 2;

/// A row group being read: its reader, a batch already decoded ahead, the next batch's block
/// number and first line, and the line after its last row as the footer states.
struct Reading {
    batches: Batches,
    first: Option<Result<Option<RecordBatch>, String>>,
    seq: u64,
    line: u64,
    end: u64,
}

impl Reading {
    /// The next block of the row group, `None` after its last; a reading error with the block
    /// number it stops at, as is a row group that holds other rows than its footer states.
    fn next_block(&mut self) -> Result<Option<Block>, (u64, String)> {
        let next = match self.first.take() {
            Some(decoded) => decoded,
            None => self.batches.next_batch(),
        };
        let Some(batch) = next.map_err(|why| (self.seq, why))? else {
            if self.line != self.end {
                let why = "a row group holds fewer rows than its footer states";
                return Err((self.seq, why.to_string()));
            }
            return Ok(None);
        };
        let n = u64::try_from(batch.num_rows()).unwrap_or(u64::MAX);
        if self.line.saturating_add(n) > self.end {
            return Err((self.seq, "a row group holds more rows than its footer states".into()));
        }
        let block = Block {
            seq: self.seq,
            first_line: self.line,
            bytes: Vec::new(),
            batch: Some(Spent::new(batch)),
            members: Vec::new(),
        };
        self.seq += 1;
        self.line = self.line.saturating_add(n);
        Ok(Some(block))
    }
}

/// How far the run has come: the blocks written, and the first block not to be read (after a
/// reading error, kept with it).
struct Gate {
    written: u64,
    limit: u64,
    failed: Option<std::io::Error>,
}

impl Groups {
    /// The rows of `file`, `rows` rows a batch, the first row at `first_line`: a row group
    /// each when there are at least `least` (no worker left without) and none has more than
    /// `window` batches, else a batch a turn.
    pub(super) fn new(
        file: RowGroups,
        rows: usize,
        first_line: u64,
        (least, window): (usize, u64),
    ) -> Groups {
        let per = u64::try_from(rows.max(1)).unwrap_or(u64::MAX);
        let mut starts = Vec::new();
        let (mut seq, mut line) = (0u64, first_line);
        let mut each = true;
        for n in file.rows() {
            let batches = n.div_ceil(per);
            each &= batches <= window;
            starts.push((seq, line, n));
            seq = seq.saturating_add(batches);
            line = line.saturating_add(n);
        }
        let turns = if each && starts.len() >= least {
            Turns::Each(AtomicUsize::new(0))
        } else {
            let turn = Turn {
                reading: None,
                ready: std::collections::VecDeque::new(),
                failed: None,
                next: 0,
                over: false,
            };
            let ahead = Ahead { wanted: AtomicUsize::new(NONE), slot: Mutex::new(None) };
            Turns::Shared(Box::new(Shared { turn: Mutex::new(turn), ahead }))
        };
        let gate = Mutex::new(Gate { written: 0, limit: u64::MAX, failed: None });
        Groups { file, rows, starts, turns, window, gate, moved: Condvar::new() }
    }

    /// The blocks before `upto` written: a worker waiting to run ahead may go on.
    pub(super) fn written(&self, upto: u64) {
        if let Ok(mut g) = self.gate.lock() {
            g.written = upto;
        }
        self.moved.notify_all();
    }

    /// Reads the register with the worker's `evaluate` until no row is left or the run stops.
    pub(super) fn work(&self, evaluate: &mut dyn FnMut(Block) -> bool) {
        match &self.turns {
            Turns::Each(next) => self.each(next, evaluate),
            Turns::Shared(shared) => self.in_turn(&shared.turn, &shared.ahead, evaluate),
        }
    }

    /// The row group `group` opened for reading; its first block number and the reader's error.
    fn open(&self, group: usize) -> Option<Result<Reading, String>> {
        let &(seq, line, rows) = self.starts.get(group)?;
        let opened = self.file.batches(Some(group), self.rows);
        Some(opened.map(|batches| Reading {
            batches,
            first: None,
            seq,
            line,
            end: line.saturating_add(rows),
        }))
    }

    /// A row group at a time, read by this worker alone.
    fn each(&self, next: &AtomicUsize, evaluate: &mut dyn FnMut(Block) -> bool) {
        loop {
            let group = next.fetch_add(1, Ordering::Relaxed);
            let mut reading = match self.open(group) {
                None => return,
                Some(Ok(r)) => r,
                Some(Err(why)) => {
                    let seq = self.starts.get(group).map_or(0, |s| s.0);
                    self.fail(seq, read_error(why));
                    continue;
                }
            };
            while self.wait(reading.seq) {
                match reading.next_block() {
                    Ok(Some(block)) => {
                        if !evaluate(block) {
                            self.stop();
                            return;
                        }
                    }
                    Ok(None) => break,
                    Err((seq, why)) => {
                        self.fail(seq, read_error(why));
                        break;
                    }
                }
            }
        }
    }

    /// A batch a turn, evaluated out of turn; the next row group prepared out of turn when it is
    /// asked for.
    fn in_turn(&self, turn: &Mutex<Turn>, ahead: &Ahead, evaluate: &mut dyn FnMut(Block) -> bool) {
        loop {
            self.prepare(ahead);
            let block = {
                let Ok(mut t) = turn.lock() else { return };
                if t.over {
                    return;
                }
                match self.next_in_turn(&mut t, ahead) {
                    Ok(Some(block)) => block,
                    Ok(None) => {
                        t.over = true;
                        return;
                    }
                    Err((seq, why)) => {
                        t.over = true;
                        self.fail(seq, read_error(why));
                        return;
                    }
                }
            };
            if !evaluate(block) {
                self.stop();
                return;
            }
        }
    }

    /// The next block of the file at a worker's turn, `None` at its end or when the run has
    /// stopped. A row group's last batches are decoded in one turn and its reader dropped (its
    /// pages freed before the next group's are made), and the next group asked for ahead: a
    /// worker prepares it while the others evaluate those batches.
    fn next_in_turn(&self, t: &mut Turn, ahead: &Ahead) -> Result<Option<Block>, (u64, String)> {
        loop {
            if let Some(block) = t.ready.pop_front() {
                return Ok(self.wait(block.seq).then_some(block));
            }
            if let Some(e) = t.failed.take() {
                return Err(e);
            }
            if let Some(reading) = t.reading.as_mut() {
                if !self.wait(reading.seq) {
                    return Ok(None);
                }
                let per = u64::try_from(self.rows).unwrap_or(u64::MAX);
                if reading.end.saturating_sub(reading.line) > per.saturating_mul(AHEAD_BATCHES)
                    && let Some(block) = reading.next_block()?
                {
                    return Ok(Some(block));
                }
                if let Some(mut last) = t.reading.take() {
                    loop {
                        match last.next_block() {
                            Ok(Some(block)) => t.ready.push_back(block),
                            Ok(None) => break,
                            Err(e) => {
                                t.failed = Some(e);
                                break;
                            }
                        }
                    }
                }
                if t.failed.is_none() && t.next < self.starts.len() {
                    ahead.wanted.store(t.next, Ordering::Release);
                }
                continue;
            }
            let group = t.next;
            let seq = match self.starts.get(group) {
                Some(s) => s.0,
                None => return Ok(None),
            };
            t.next += 1;
            let opened = match ahead.take(group) {
                Some(prepared) => prepared,
                None => self.open(group).unwrap_or_else(|| Err("no such row group".into())),
            };
            t.reading = Some(opened.map_err(|why| (seq, why))?);
        }
    }

    /// Prepares the row group asked for ahead, if one is and no other worker has taken it.
    fn prepare(&self, ahead: &Ahead) {
        if ahead.wanted.load(Ordering::Acquire) == NONE {
            return;
        }
        let Ok(mut slot) = ahead.slot.lock() else { return };
        let group = ahead.wanted.swap(NONE, Ordering::AcqRel);
        let Some(opened) = (group != NONE).then(|| self.open(group)).flatten() else { return };
        let prepared = opened.map(|mut r| {
            r.first = Some(r.batches.next_batch());
            r
        });
        *slot = Some((group, prepared));
    }

    /// The blocks from `seq` on are not to be read: the run has stopped taking results.
    fn stop(&self) {
        if let Ok(mut g) = self.gate.lock() {
            g.limit = 0;
        }
        self.moved.notify_all();
    }

    /// Waits until block `seq` is within the window of the blocks written; `false` when it is
    /// not to be read (after a reading error before it).
    fn wait(&self, seq: u64) -> bool {
        let Ok(mut g) = self.gate.lock() else { return false };
        loop {
            if seq >= g.limit {
                return false;
            }
            if seq < g.written.saturating_add(self.window) {
                return true;
            }
            g = match self.moved.wait(g) {
                Ok(g) => g,
                Err(_) => return false,
            };
        }
    }

    /// A reading error at block `seq`: the blocks from it on are not read; the first error in
    /// the file's order is kept.
    fn fail(&self, seq: u64, e: std::io::Error) {
        if let Ok(mut g) = self.gate.lock()
            && seq < g.limit
        {
            g.limit = seq;
            g.failed = Some(e);
        }
        self.moved.notify_all();
    }

    /// The error that stopped the reading, if one did.
    pub(super) fn failure(self) -> Option<std::io::Error> {
        self.gate.into_inner().ok().and_then(|g| g.failed)
    }
}

impl Ahead {
    /// The row group `group` if it was prepared (waiting while another worker prepares it);
    /// `None` when it was not, and then it no longer will be.
    fn take(&self, group: usize) -> Option<Result<Reading, String>> {
        let mut slot = self.slot.lock().ok()?;
        let _ = self.wanted.compare_exchange(group, NONE, Ordering::AcqRel, Ordering::Acquire);
        match slot.take() {
            Some((g, prepared)) if g == group => Some(prepared),
            _ => None,
        }
    }
}

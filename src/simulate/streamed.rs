//! A [`Source`] over a CSV register streamed by [`crate::register`]: pass after pass, the
//! subjects are read in blocks and evaluated in parallel (by the compiled form when the policy
//! has one), so a simulation's memory does not grow with the register.
//!
//! [`Streamed::prepare`] makes one pass first: it finds the data's errors (nothing is simulated
//! from data with errors), whether the file can be streamed at all (the caller loads it
//! otherwise), and the number of subjects, which the progress bar of later passes shows.

use std::path::{Path, PathBuf};

use super::source::{Cell, Column, Row, Source, progress_bar};
use crate::ast::Policy;
use crate::checker::Checked;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Text};
use crate::eval::value::V;
use crate::register::{self, Failure, RunOptions};
use crate::source::{Loc, SourceFile, Span};

/// The awards of a CSV register, streamed.
pub struct Streamed<'r, 'p> {
    policy: &'p Policy,
    checked: &'r Checked<'p>,
    kind: String,
    path: PathBuf,
    opts: RunOptions<'static>,
    /// The award columns of the runner's results, in order.
    picks: Vec<usize>,
    columns: Vec<Column>,
    len: Option<u64>,
    passes: u32,
    progress: bool,
    /// The evaluation diagnostics of the preparing pass, returned by the first pass.
    pending: Option<Diagnostics>,
}

impl<'r, 'p> Streamed<'r, 'p> {
    /// Goes through the register once: its data errors, or that it cannot be streamed, or a
    /// source ready to simulate. With `progress`, passes over at least
    /// [`super::source::PROGRESS_FROM`] subjects draw a progress bar.
    pub fn prepare(
        policy: &'p Policy,
        checked: &'r Checked<'p>,
        kind: &str,
        path: &Path,
        opts: RunOptions<'static>,
        progress: bool,
    ) -> Result<Self, Failure> {
        let Some(sid) = checked.scope.subject_names.get(kind).copied() else {
            return Err(Failure::NotStreamable(format!("no subject kind `{kind}`")));
        };
        let all = register::columns(checked, sid);
        let picks: Vec<usize> =
            all.iter().enumerate().filter(|(_, c)| c.award).map(|(i, _)| i).collect();
        let columns = picks
            .iter()
            .filter_map(|i| all.get(*i))
            .map(|c| Column { name: c.name.clone(), award: true })
            .collect();
        let summary = register::run(policy, checked, kind, path, &opts, &mut |_| {})?;
        Ok(Streamed {
            policy,
            checked,
            kind: kind.to_string(),
            path: path.to_path_buf(),
            opts,
            picks,
            columns,
            len: Some(summary.rows),
            passes: 0,
            progress,
            pending: Some(summary.diagnostics),
        })
    }

    fn cell(&self, v: &V) -> Cell {
        Cell::of(v, &self.checked.scope)
    }
}

impl Source for Streamed<'_, '_> {
    fn columns(&self) -> &[Column] {
        &self.columns
    }

    fn len_hint(&self) -> Option<u64> {
        self.len
    }

    fn pass(&mut self, visit: &mut dyn FnMut(Row<'_>)) -> Diagnostics {
        self.passes += 1;
        let bar = progress_bar(self.progress, self.len, self.passes);
        let tick = |n: u64| {
            if let Some(b) = &bar {
                b.set_position(n);
            }
        };
        let opts = RunOptions {
            threads: self.opts.threads,
            chunk_bytes: self.opts.chunk_bytes,
            year: self.opts.year,
            params: self.opts.params.clone(),
            progress: Some(&tick),
            columns: Vec::new(),
            also_known: std::collections::BTreeSet::new(),
            working: false,
        };
        let mut cells = vec![Cell::Missing; self.picks.len()];
        let result =
            register::run(self.policy, self.checked, &self.kind, &self.path, &opts, &mut |r| {
                for (cell, i) in cells.iter_mut().zip(&self.picks) {
                    *cell = r.values.get(*i).map_or(Cell::Missing, |v| self.cell(v));
                }
                visit(Row { id: r.key, cells: &cells });
            });
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
        match result {
            Ok(_) => self.pending.take().unwrap_or_default(),
            // The file changed under us between passes: say so rather than simulate from it.
            Err(Failure::Data(d)) => d,
            Err(Failure::NotStreamable(why)) => {
                let mut d = Diagnostics::new();
                d.push(changed(&self.path, &why));
                d
            }
            // The simulation's sink writes nothing; an error of it is still said.
            Err(Failure::Write(e)) => {
                vec![crate::report::cannot_write(None, &e.to_string())].into()
            }
        }
    }
}

/// The register could be streamed on the first pass but not on a later one: it changed while
/// the simulation read it.
fn changed(path: &Path, why: &str) -> Diagnostic {
    let name = path.display().to_string();
    let file = SourceFile::new(name.clone(), "");
    Diagnostic::new(
        Code::Io,
        Text::new(
            format!("登记簿 `{name}` 在测算过程中被改动：{why}"),
            format!("the register `{name}` changed while it was read: {why}"),
        ),
    )
    .at(Loc::new(&file, Span::default()), Text::new("此文件", "this file"))
    .help(Text::new(
        "测算期间不要改动登记簿，然后重新运行",
        "leave the register unchanged and run again",
    ))
}

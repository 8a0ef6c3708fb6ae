//! A [`Source`] of two versions of a policy over one CSV register, streamed by
//! [`crate::register::run_paired`] (`zhengce diff` of a register too large to load): each row
//! holds every per-subject rule of the old version, then of the new one, as
//! [`super::source::Paired`] gives them for a loaded register.

use std::path::{Path, PathBuf};

use super::source::{Cell, Column, Row, Source};
use crate::diagnostics::Diagnostics;
use crate::register::{self, Failure, Version};

/// Two versions over a register, streamed. One pass: a register that cannot be streamed is
/// found while reading it, and [`StreamedPair::failure`] then says why.
pub struct StreamedPair<'v, 'c, 'p> {
    old: &'v Version<'c, 'p>,
    new: &'v Version<'c, 'p>,
    kind: String,
    path: PathBuf,
    columns: Vec<Column>,
    split: usize,
    failure: Option<Failure>,
}

impl<'v, 'c, 'p> StreamedPair<'v, 'c, 'p> {
    /// The two versions' subjects of kind `kind` in the register at `path`.
    pub fn new(
        old: &'v Version<'c, 'p>,
        new: &'v Version<'c, 'p>,
        kind: &str,
        path: &Path,
    ) -> Option<Self> {
        let cols = |v: &Version<'_, '_>| -> Option<Vec<Column>> {
            let sid = *v.checked.scope.subject_names.get(kind)?;
            Some(
                register::columns(v.checked, sid)
                    .into_iter()
                    .map(|c| Column { name: c.name, award: c.award })
                    .collect(),
            )
        };
        let (a, b) = (cols(old)?, cols(new)?);
        let split = a.len();
        Some(StreamedPair {
            old,
            new,
            kind: kind.to_string(),
            path: path.to_path_buf(),
            columns: a.into_iter().chain(b).collect(),
            split,
            failure: None,
        })
    }

    /// Why the pass gave no result: the data's errors, or why the register cannot be streamed
    /// (the caller then loads it). `None` after a pass that read the whole register.
    pub fn failure(self) -> Option<Failure> {
        self.failure
    }
}

impl Source for StreamedPair<'_, '_, '_> {
    fn columns(&self) -> &[Column] {
        &self.columns
    }

    fn len_hint(&self) -> Option<u64> {
        None
    }

    fn pass(&mut self, visit: &mut dyn FnMut(Row<'_>)) -> Diagnostics {
        let mut cells = vec![Cell::Missing; self.columns.len()];
        let (old_scope, new_scope) = (&self.old.checked.scope, &self.new.checked.scope);
        let split = self.split;
        let result =
            register::run_paired(self.old, self.new, &self.kind, &self.path, &mut |id, a, b| {
                cells.fill(Cell::Missing);
                let (ca, cb) = cells.split_at_mut(split);
                for (c, v) in ca.iter_mut().zip(a) {
                    *c = Cell::of(v, old_scope);
                }
                for (c, v) in cb.iter_mut().zip(b) {
                    *c = Cell::of(v, new_scope);
                }
                visit(Row { id, cells: &cells });
            });
        match result {
            Ok(summary) => summary.diagnostics,
            Err(f) => {
                self.failure = Some(f);
                Diagnostics::new()
            }
        }
    }
}

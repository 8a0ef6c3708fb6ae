//! Two versions of a policy on the same CSV register, block by block (`zhengce diff`): each
//! block is read once per version and evaluated by each (compiled where it compiles), and every
//! subject reaches the caller with both versions' values, in file order, in memory that does not
//! grow with the register. The members of a kind with member kinds are read once beside it and
//! given to both versions, each reading them by its own declarations.

use std::path::Path;

use super::{Beside, Done, Failure, Mode, RunOptions, Summary, drive, open, plan};
use crate::ast::Policy;
use crate::checker::Checked;
use crate::eval::value::V;

/// Takes one subject of a paired run: its id, the old version's values and the new one's.
pub type PairSink<'s> = dyn FnMut(&str, &[V], &[V]) + 's;

/// One version of a policy for [`run_paired`].
pub struct Version<'c, 'p> {
    pub policy: &'p Policy,
    pub checked: &'c Checked<'p>,
    /// Its parameters, year and threads.
    pub opts: RunOptions<'c>,
}

/// Evaluates every subject of the register at `path` (of subject kind `kind`) under `old` and
/// `new`, handing each to `sink` in file order as its id, the old version's values and the new
/// one's (one per [`super::columns`] of each). The data is read as the new version reads it;
/// the summary is the new version's run, with both versions' evaluation diagnostics. A register
/// the old version reads otherwise (other bounds on a field) is [`Failure::NotStreamable`].
pub fn run_paired(
    old: &Version<'_, '_>,
    new: &Version<'_, '_>,
    kind: &str,
    path: &Path,
    sink: &mut PairSink<'_>,
) -> Result<Summary, Failure> {
    let (_, header, _) = open(path)?;
    let name = path.display().to_string();
    let old_plan = match plan(old.policy, old.checked, kind, &name, header, &old.opts, false) {
        Ok(p) => p,
        Err(Failure::Data(_)) => {
            return Err(Failure::NotStreamable(
                "the old version reads the header otherwise".into(),
            ));
        }
        Err(f) => return Err(f),
    };
    // The old version's member kinds, read from the same files by its own declarations.
    let old_shapes = match super::members::open_feed(
        old.policy,
        old.checked,
        kind,
        path,
        &old.opts.also_known,
    ) {
        Ok(found) => found.map(|(shapes, _)| shapes).unwrap_or_default(),
        Err(Failure::Data(_)) => {
            return Err(Failure::NotStreamable(
                "the old version reads the members otherwise".into(),
            ));
        }
        Err(f) => return Err(f),
    };
    let mut disagree = false;
    let mut other_diags = crate::diagnostics::Diagnostics::new();
    let summary = drive(
        new.policy,
        new.checked,
        kind,
        path,
        &new.opts,
        Mode::Values,
        Beside::Version(&old_plan, &old_shapes),
        &mut |d: &mut Done| {
            let Some(o) = d.other.as_deref_mut() else {
                disagree = true;
                return Ok(());
            };
            if o.data_errors || o.keys != d.keys {
                disagree = true;
                return Ok(());
            }
            other_diags.extend(std::mem::take(&mut o.diags));
            let (n, m) = (d.columns, o.columns);
            for (i, key) in d.keys.iter().enumerate() {
                let new_values = d.values.get(i * n..(i + 1) * n).unwrap_or_default();
                let old_values = o.values.get(i * m..(i + 1) * m).unwrap_or_default();
                sink(key, old_values, new_values);
            }
            Ok(())
        },
    );
    let mut summary = summary?;
    if disagree {
        return Err(Failure::NotStreamable("the old version reads the data otherwise".into()));
    }
    summary.diagnostics.extend(other_diags);
    Ok(summary)
}

//! The rows behind a streamed CSV report's missing results, found again in a block.
//!
//! A CSV report counts the subjects whose results miss data, and names the fields left empty
//! behind them (`ZC0950`). Each worker names its block's as it writes the report
//! ([`empty_fields`]): the rows it noted, found in the block (a Parquet row as the CSV line it
//! stands for), read by the loader and followed by the interpreter to their empty fields. Where
//! a stacking rule deducts an amount received, a pass after the report names them
//! (`crate::cli::stream`); for it each worker keeps the text of the rows it noted
//! ([`block_rows`]), and that pass reads the text instead of the register. Past [`KEPT_BYTES`]
//! over the run, nothing is kept and the pass reads the register for the ids.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::chunks::Block;
use super::{Plan, Target};

/// The most bytes of rows kept over a run: ten thousand rows or so; a register with more
/// subjects missing a result is read again instead (at 4 MiB, xinjiang 企业's 21,000 such
/// subjects in 200,000 raised the run's peak memory from 38 to 54–63 MiB, the rows joined and
/// copied on the thread that writes the report).
pub const KEPT_BYTES: usize = 1 << 20;

/// The rows of `block` whose id is one of `keys`, as CSV lines (each ending with a line break),
/// in the block's order; `None` when they cannot all be found, one row per id (an id column
/// not found, an id written twice), and once the rows the workers kept (`spent`, their bytes
/// counted over the run) are past [`KEPT_BYTES`]: the run's are dropped then ([`joined`]), and
/// a register where many subjects miss a result is not copied row by row for nothing.
pub(super) fn block_rows<'k>(
    plan: &Plan<'_, '_>,
    block: &Block,
    keys: impl Iterator<Item = &'k str>,
    spent: &AtomicUsize,
) -> Option<Vec<u8>> {
    if spent.load(Ordering::Relaxed) > KEPT_BYTES {
        return None;
    }
    let text = rows_of(plan, block, &keys.collect())?;
    spent.fetch_add(text.len(), Ordering::Relaxed);
    Some(text)
}

/// The rows of `block` whose id is in `wanted`, as CSV lines (each ending with a line break),
/// in the block's order; `None` unless each is found once.
fn rows_of(plan: &Plan<'_, '_>, block: &Block, wanted: &BTreeSet<&str>) -> Option<Vec<u8>> {
    if wanted.is_empty() {
        return Some(Vec::new());
    }
    let col = plan.targets.iter().position(|t| matches!(t, Target::Field { key: true, .. }))?;
    let (mut text, found) = match block.batch.as_ref().and_then(super::batches::Spent::rows) {
        Some(batch) => {
            let mut text = Vec::new();
            let mut found = 0;
            let columns = crate::data::parquet::looked_at(batch);
            let ids = columns.get(col)?;
            let mut scratch = String::new();
            for i in 0..batch.num_rows() {
                if wanted.contains(ids.id(i).as_ref()) {
                    crate::data::parquet::write_line(&columns, i, &mut scratch, &mut text);
                    found += 1;
                }
            }
            (text, found)
        }
        None => super::stacked::only_rows(&block.bytes, col, &|k| wanted.contains(k)),
    };
    if found != wanted.len() {
        return None;
    }
    // The block's last record may end the file without a line break.
    if text.last().is_some_and(|b| *b != b'\n') {
        text.push(b'\n');
    }
    Some(text)
}

/// The empty fields behind the missing results of a block's subjects (`keys`: the ids the
/// report noted, each with the columns whose missing value `ZC0950` explains), named by `ev`
/// (the worker's evaluator, holding the block's members) from the block's own rows, as the
/// report is written: no second pass over the register. `None` when a row cannot be found or
/// read again.
pub(super) fn empty_fields(
    plan: &Plan<'_, '_>,
    ev: &crate::eval::Evaluator<'_, '_>,
    block: &Block,
    keys: &[(String, Vec<u32>)],
) -> Option<crate::eval::empty::EmptyFields> {
    let mut empty = crate::eval::empty::EmptyFields::new();
    if keys.is_empty() {
        return Some(empty);
    }
    let wanted: std::collections::BTreeMap<&str, &[u32]> =
        keys.iter().map(|(k, cols)| (k.as_str(), cols.as_slice())).collect();
    let text = rows_of(plan, block, &wanted.keys().copied().collect())?;
    let mut whole = plan.header.clone();
    whole.push(b'\n');
    whole.extend_from_slice(&text);
    let ds = crate::data::load_dataset(&plan.name, &whole, &plan.schema).ok()?;
    for r in &ds.records {
        let cols = wanted.get(r.key.as_str())?;
        let rules: Vec<crate::checker::scope::DefId> = cols
            .iter()
            .filter_map(|c| plan.layout.picks.get(*c as usize))
            .filter_map(|i| plan.columns.get(*i).map(|c| c.def))
            .collect();
        empty.add_rules(ev, r, plan.year, &rules);
    }
    Some(empty)
}

/// The rows kept so far followed by `more`, while they take at most [`KEPT_BYTES`]; `None`
/// once some block kept none (or past the limit).
pub fn joined(kept: Option<Vec<u8>>, more: Option<&[u8]>) -> Option<Vec<u8>> {
    let (mut kept, more) = (kept?, more?);
    if kept.len().saturating_add(more.len()) > KEPT_BYTES {
        return None;
    }
    kept.extend_from_slice(more);
    Some(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_rows_are_joined_within_the_limit() {
        assert_eq!(joined(Some(b"a\n".to_vec()), Some(b"b\n")), Some(b"a\nb\n".to_vec()));
        assert_eq!(joined(None, Some(b"b\n")), None);
        assert_eq!(joined(Some(Vec::new()), None), None);
        let big = vec![b'x'; KEPT_BYTES];
        assert_eq!(joined(Some(big.clone()), Some(b"")), Some(big.clone()));
        assert_eq!(joined(Some(big), Some(b"\n")), None);
    }
}

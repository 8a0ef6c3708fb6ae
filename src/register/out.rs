//! Per-subject results as the CSV report writes them (`report::csv`): the subjects' id field
//! (`企业名称`), then each rule reported per subject, numbers exact and normalised in base units
//! (money in 元, as many decimals as the exact value needs), conditions `true`/`false`,
//! enumeration values by name, a missing value 「缺数据」; then each stacking rule's total and
//! the subject's total (`合计`), and a last row `合计` adding up every column of money awards.
//!
//! The in-memory report and the streaming runner both write through these functions, so that
//! the two give the same bytes.

use rust_decimal::Decimal;

use crate::checker::scope::Scope;
use crate::compile::{Cv, Ty, fixed};
use crate::diagnostics::Lang;
use crate::eval::stack::{RuleHead, StackOutcome};
use crate::eval::value::V;
use crate::report::show::show;

/// Appends one CSV field, quoted when it holds a comma, a quote or a line break.
pub fn field(out: &mut Vec<u8>, text: &str) {
    if text.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        crate::data::push_quoted(out, text);
    } else {
        out.extend_from_slice(text.as_bytes());
    }
}

/// Appends an interpreter value.
pub fn value(out: &mut Vec<u8>, v: &V, scope: &Scope<'_>) {
    match v {
        V::Num(n, _) => out.extend_from_slice(n.normalize().to_string().as_bytes()),
        V::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        V::Missing => out.extend_from_slice(MISSING.as_bytes()),
        other => field(out, &show(other, scope, Lang::Zh)),
    }
}

/// Appends a compiled value of type `ty`.
pub fn compiled(out: &mut Vec<u8>, v: Cv, ty: Ty, scope: &Scope<'_>) {
    match (v, ty) {
        (Cv::Num(m), Ty::Num(s)) => fixed::write(out, i128::from(m), s),
        (Cv::Bool(b), _) => out.extend_from_slice(if b { b"true" } else { b"false" }),
        (Cv::Enum(i), Ty::Enum(e)) => value(out, &V::Enum(e, i as usize), scope),
        (Cv::Num(y), Ty::Year) => {
            if let Ok(y) = u16::try_from(y) {
                value(out, &V::Year(y), scope);
            }
        }
        (Cv::Missing, _) => out.extend_from_slice(MISSING.as_bytes()),
        _ => {}
    }
}

/// A missing value, in every report: the cell a leader reads instead of an empty one.
pub const MISSING: &str = "缺数据";

/// The name of the column of each subject's total, and of the last row.
pub const TOTAL: &str = "合计";

/// The header line: the id field's name (`id` when the subjects have none), then `names`.
pub fn header(key: &str, names: &[String]) -> Vec<u8> {
    let mut out = Vec::new();
    field(&mut out, key);
    for n in names {
        out.push(b',');
        field(&mut out, n);
    }
    out.push(b'\n');
    out
}

/// Appends an exact amount, as [`value`] writes a number, without allocating or normalising
/// (the trailing zeros are left out as the digits are written).
#[inline]
pub fn amount(out: &mut Vec<u8>, n: Decimal) {
    fixed::write(out, n.mantissa(), n.scale());
}

/// Appends a subject's total: an amount, 「缺数据」 when one of its parts is missing, or
/// 「超出范围」 past the exact range.
pub fn total(out: &mut Vec<u8>, t: Total) {
    match t {
        Total::Sum(n) => amount(out, n),
        Total::Missing => out.extend_from_slice(MISSING.as_bytes()),
        Total::Over => out.extend_from_slice(OVER.as_bytes()),
    }
}

/// A sum past the exact range, in a total cell.
pub const OVER: &str = "超出范围";

/// A stacking rule's total for a subject, as a total cell: 「缺数据」 when the amount already
/// received it deducts is missing, 「超出范围」 past the exact range.
pub fn stack_total(s: &StackOutcome) -> Total {
    match s.total {
        Some(t) => Total::Sum(t),
        None if s.missing() => Total::Missing,
        None => Total::Over,
    }
}

/// A subject's total as it is added up, part by part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Total {
    Sum(Decimal),
    /// A part is missing.
    Missing,
    /// The sum left the exact range.
    Over,
}

impl Total {
    pub const ZERO: Total = Total::Sum(Decimal::ZERO);

    /// Adds a part, `None` when it is missing.
    #[inline]
    pub fn add(self, part: Option<Decimal>) -> Total {
        match (self, part) {
            (Total::Over, _) => Total::Over,
            (_, None) => match self {
                Total::Over => Total::Over,
                _ => Total::Missing,
            },
            (Total::Missing, Some(_)) => Total::Missing,
            (Total::Sum(s), Some(p)) => s.checked_add(p).map_or(Total::Over, Total::Sum),
        }
    }
}

/// What the last row adds up, over the subjects: per column after the id, its sum (`None` for
/// a column that is not added up: neither money awards nor totals), and the missing cells.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sums {
    /// Per column: `Some(sum)` of the known amounts, `Some(Over)` past the exact range.
    pub cells: Vec<Option<Total>>,
    /// Per column, the subjects whose value in it is missing.
    pub missing: Vec<u64>,
    /// The subjects with any missing value.
    pub missing_rows: u64,
    /// Per column, whether a missing value in it is a rule whose empty fields `ZC0950` names
    /// ([`Layout::explained`]); every column when empty.
    pub explained: Vec<bool>,
    /// Whether the rows' writer notes the subjects ([`Sums::note_missing`]); without it, no id
    /// is known and every subject is evaluated again.
    pub notes: bool,
    /// The columns of the row being written whose missing value is such a rule.
    row_explained: Vec<u32>,
    /// The subjects with a missing value in such a column, noted by the row's writer
    /// ([`Sums::note_missing`]).
    pub explained_rows: u64,
    /// The ids of the first [`MISSING_KEYS`] of them, each with those columns: the interpreter
    /// then names the empty fields behind those rules (`ZC0950`) without evaluating anything
    /// else again.
    pub missing_keys: Vec<(String, Vec<u32>)>,
    /// The rows of those subjects as CSV lines, kept by the workers for that pass
    /// ([`super::kept`]); `None` when some part of the register kept none.
    pub kept: Option<Vec<u8>>,
    /// Per stacking rule (in order), the subjects whose result of it is missing (the amount
    /// already received it deducts is empty), for `ZC0708`'s label.
    pub stack_missing: Vec<u64>,
}

/// How many ids of subjects with a missing value [`Sums`] keeps.
pub const MISSING_KEYS: usize = 100_000;

impl Sums {
    /// Sums for the columns `summed` marks.
    pub fn new(summed: &[bool]) -> Sums {
        Sums {
            cells: summed.iter().map(|s| s.then_some(Total::ZERO)).collect(),
            missing: vec![0; summed.len()],
            ..Sums::default()
        }
    }

    /// Sums for the columns of `layout`, noting the subjects whose missing values `ZC0950`
    /// explains.
    pub fn of_layout(layout: &Layout) -> Sums {
        Sums { explained: layout.explained.clone(), notes: true, ..Sums::new(&layout.summed) }
    }

    /// Adds an amount to column `col` (a missing one is counted by [`Sums::missing_at`]).
    #[inline]
    pub fn add(&mut self, col: usize, n: Decimal) {
        if let Some(Some(t)) = self.cells.get_mut(col) {
            *t = match *t {
                Total::Sum(s) => s.checked_add(n).map_or(Total::Over, Total::Sum),
                other => other,
            };
        }
    }

    /// Counts a missing value in column `col`.
    #[inline]
    pub fn missing_at(&mut self, col: usize) {
        if let Some(m) = self.missing.get_mut(col) {
            *m += 1;
        }
        if self.explained.get(col).is_none_or(|e| *e) {
            self.row_explained.push(u32::try_from(col).unwrap_or(u32::MAX));
        }
    }

    /// Adds the sums of a later part of the subjects.
    pub fn merge(&mut self, other: &Sums) {
        if self.cells.is_empty() && self.missing.is_empty() {
            *self = other.clone();
            return;
        }
        for (a, b) in self.cells.iter_mut().zip(&other.cells) {
            if let (Some(x), Some(y)) = (a.as_mut(), b) {
                *x = match (*x, *y) {
                    (Total::Sum(p), Total::Sum(q)) => {
                        p.checked_add(q).map_or(Total::Over, Total::Sum)
                    }
                    _ => Total::Over,
                };
            }
        }
        for (a, b) in self.missing.iter_mut().zip(&other.missing) {
            *a += b;
        }
        self.missing_rows += other.missing_rows;
        if self.stack_missing.len() < other.stack_missing.len() {
            self.stack_missing.resize(other.stack_missing.len(), 0);
        }
        for (a, b) in self.stack_missing.iter_mut().zip(&other.stack_missing) {
            *a += b;
        }
        self.explained_rows += other.explained_rows;
        self.notes &= other.notes;
        let room = MISSING_KEYS.saturating_sub(self.missing_keys.len());
        self.missing_keys.extend(other.missing_keys.iter().take(room).cloned());
        self.kept = super::kept::joined(self.kept.take(), other.kept.as_deref());
    }

    /// Ends row `key`: noted among the subjects whose missing values `ZC0950` explains when
    /// one of its cells was such a value ([`Sums::missing_at`]).
    pub fn note_missing(&mut self, key: &str) {
        let explained = self.take_row_explained();
        self.note_row(key, explained);
    }

    /// The columns of the row being written whose missing value `ZC0950` explains (none when
    /// it has no such value), the row then taken as ended: for a row whose end is written
    /// later ([`Sums::note_row`]), after the cells of other rows.
    pub fn take_row_explained(&mut self) -> Vec<u32> {
        std::mem::take(&mut self.row_explained)
    }

    /// Notes row `key` among the subjects whose missing values `ZC0950` explains when
    /// `explained` names columns ([`Sums::take_row_explained`] when its cells were written).
    pub fn note_row(&mut self, key: &str, explained: Vec<u32>) {
        if !explained.is_empty() {
            self.explained_rows += 1;
            if self.missing_keys.len() < MISSING_KEYS {
                self.missing_keys.push((key.to_string(), explained));
            }
        }
    }

    /// Whether some value is missing: the totals are then incomplete.
    pub fn incomplete(&self) -> bool {
        self.missing_rows > 0
    }

    /// The last row: `合计` (with how many subjects' values are missing when some are), then
    /// each column's sum, empty where a column is not added up.
    pub fn write_row(&self, out: &mut Vec<u8>) {
        if self.incomplete() {
            let label = format!("{TOTAL}（不完整：{} 个主体缺数据）", self.missing_rows);
            field(out, &label);
        } else {
            out.extend_from_slice(TOTAL.as_bytes());
        }
        for c in &self.cells {
            out.push(b',');
            if let Some(t) = c {
                total(out, *t);
            }
        }
        out.push(b'\n');
    }
}

impl Total {
    /// The sum of two totals.
    #[inline]
    pub fn plus(self, other: Total) -> Total {
        match (self, other) {
            (Total::Over, _) | (_, Total::Over) => Total::Over,
            (Total::Missing, _) | (_, Total::Missing) => Total::Missing,
            (Total::Sum(a), Total::Sum(b)) => a.checked_add(b).map_or(Total::Over, Total::Sum),
        }
    }
}

/// A rule reported per subject, as the CSV report lays it out.
pub struct LayoutColumn<'a> {
    pub def: crate::checker::scope::DefId,
    pub name: &'a str,
    /// An award of money: added up in the subject's total and in the last row.
    pub money: bool,
    /// A rule whose missing value `ZC0950` explains by the empty fields behind it
    /// ([`crate::eval::empty::names_empty_fields`]).
    pub explained: bool,
}

/// The columns of the CSV report after the id, fixed for a report: the rules asked for, then
/// (when every rule is asked for) each stacking rule's total, then the subject's total.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    /// The rules written: positions among the rules reported per subject.
    pub picks: Vec<usize>,
    /// Every column's name after the id.
    pub names: Vec<String>,
    /// Per column after the id: whether the last row adds it up.
    pub summed: Vec<bool>,
    /// The money awards a subject's total adds directly: positions among the rules (the others
    /// are counted through their stacking rule's total).
    pub total_cols: Vec<usize>,
    /// Whether the stacking rules' totals are written (one column each, and one more after
    /// it for the amount already received a rule deducts).
    pub stack_cols: bool,
    /// Per stacking rule: whether it deducts an amount already received (`扣除 FIELD`), whose
    /// column follows its total's.
    pub stack_received: Vec<bool>,
    /// Per stacking rule: its definition, to label its missing results (`ZC0708`).
    pub stack_defs: Vec<Option<crate::checker::scope::DefId>>,
    /// Whether the subject's total is written.
    pub with_total: bool,
    /// Per column after the id: whether a missing value in it is a rule whose empty fields
    /// `ZC0950` names (the subjects missing only other values are not noted for it).
    pub explained: Vec<bool>,
}

impl Layout {
    /// The layout for `columns` (the rules reported per subject, in order), `only` the rules
    /// `eval --columns` names (every rule when empty; `合计` or `total` names the subject's
    /// total), `stacks` the stacking rules and `stacked` the rules they take.
    pub fn new(
        columns: &[LayoutColumn<'_>],
        only: &[String],
        stacks: &[RuleHead],
        stacked: &[crate::checker::scope::DefId],
    ) -> Layout {
        let picks: Vec<usize> = if only.is_empty() {
            (0..columns.len()).collect()
        } else {
            only.iter().filter_map(|n| columns.iter().position(|c| c.name == n)).collect()
        };
        let any_money = columns.iter().any(|c| c.money) || !stacks.is_empty();
        // A rule of the policy named `total` is that rule, not the subject's total.
        let named_total =
            |n: &String| is_total_name(n) && !columns.iter().any(|c| c.name == n.as_str());
        let with_total =
            if only.is_empty() { any_money } else { only.iter().any(named_total) && any_money };
        let stack_cols = only.is_empty();
        let mut names = Vec::new();
        let mut summed = Vec::new();
        let mut explained = Vec::new();
        for c in picks.iter().filter_map(|i| columns.get(*i)) {
            names.push(c.name.to_string());
            summed.push(c.money);
            explained.push(c.explained);
        }
        // A total is missing when a part is: the part's own column, or the imported policy's
        // award, whose empty fields are its own policy's to name.
        if stack_cols {
            for s in stacks {
                names.push(format!("叠加 {}", s.name));
                summed.push(true);
                explained.push(false);
                // What the rule deducts is no award: its column is not added up.
                if let Some(field) = &s.received {
                    names.push(format!("叠加 {} 扣除 {field}", s.name));
                    summed.push(false);
                    explained.push(false);
                }
            }
        }
        let stack_received = stacks.iter().map(|s| s.received.is_some()).collect();
        let stack_defs = stacks.iter().map(|s| s.def).collect();
        if with_total {
            names.push(TOTAL.to_string());
            summed.push(true);
            explained.push(false);
        }
        let total_cols = columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.money && !stacked.contains(&c.def))
            .map(|(i, _)| i)
            .collect();
        Layout {
            picks,
            names,
            summed,
            total_cols,
            stack_cols,
            stack_received,
            stack_defs,
            with_total,
            explained,
        }
    }

    /// The stacking rules with missing results in `sums`, each with how many subjects miss it.
    pub fn stack_missing(&self, sums: &Sums) -> Vec<(crate::checker::scope::DefId, u64)> {
        self.stack_defs
            .iter()
            .zip(&sums.stack_missing)
            .filter(|(_, n)| **n > 0)
            .filter_map(|(d, n)| Some(((*d)?, *n)))
            .collect()
    }

    /// Whether the report has a last row: some column is added up.
    pub fn has_total_row(&self) -> bool {
        self.summed.iter().any(|s| *s)
    }

    /// Writes a subject's id and the cells of the rules asked for, `is_missing(i)`, `amount(i)`
    /// and `write(i, out)` telling and writing the value of rule `i`; gives the part of the
    /// subject's total its own awards make and whether a cell is missing. [`Layout::end_row`]
    /// writes the rest.
    #[inline]
    pub fn row_cells(
        &self,
        out: &mut Vec<u8>,
        sums: &mut Sums,
        key: &str,
        is_missing: impl Fn(usize) -> bool,
        amount: impl Fn(usize) -> Option<Decimal>,
        mut write: impl FnMut(usize, &mut Vec<u8>),
    ) -> (Total, bool) {
        field(out, key);
        let mut missing = false;
        for (j, i) in self.picks.iter().enumerate() {
            out.push(b',');
            if is_missing(*i) {
                sums.missing_at(j);
                missing = true;
            } else if self.summed.get(j) == Some(&true)
                && let Some(n) = amount(*i)
            {
                sums.add(j, n);
            }
            write(*i, out);
        }
        let mut t = Total::ZERO;
        for i in &self.total_cols {
            t = t.add(amount(*i));
        }
        (t, missing)
    }

    /// Ends a row: each stacking rule's total (of `stacks`: 「缺数据」 when the amount already
    /// received it deducts is missing, 「超出范围」 past the exact range) and that amount, the
    /// subject's total (its own awards' `partial` and the stacking totals), the line break.
    #[inline]
    pub fn end_row(
        &self,
        out: &mut Vec<u8>,
        sums: &mut Sums,
        partial: Total,
        mut missing: bool,
        stacks: &[StackOutcome],
    ) {
        let mut t = partial;
        let mut col = self.picks.len();
        for (k, s) in stacks.iter().enumerate() {
            let st = stack_total(s);
            t = t.plus(st);
            if st == Total::Missing && (self.stack_cols || self.with_total) {
                if sums.stack_missing.len() <= k {
                    sums.stack_missing.resize(k + 1, 0);
                }
                if let Some(n) = sums.stack_missing.get_mut(k) {
                    *n += 1;
                }
            }
            if self.stack_cols {
                out.push(b',');
                total(out, st);
                sums.add_total(col, st);
                missing |= st == Total::Missing;
                col += 1;
                if self.stack_received.get(k) == Some(&true) {
                    out.push(b',');
                    match s.received.as_ref().and_then(|r| r.amount) {
                        Some(n) => amount(out, n.normalize()),
                        None => out.extend_from_slice(MISSING.as_bytes()),
                    }
                    col += 1;
                }
            }
        }
        if self.with_total {
            out.push(b',');
            total(out, t);
            if t == Total::Missing {
                sums.missing_at(col);
                missing = true;
            } else {
                sums.add_total(col, t);
            }
        }
        if missing {
            sums.missing_rows += 1;
        }
        out.push(b'\n');
    }
}

impl Sums {
    /// Adds a total to column `col`.
    #[inline]
    pub fn add_total(&mut self, col: usize, t: Total) {
        match t {
            Total::Sum(n) => self.add(col, n),
            Total::Over => {
                if let Some(Some(c)) = self.cells.get_mut(col) {
                    *c = Total::Over;
                }
            }
            Total::Missing => self.missing_at(col),
        }
    }
}

/// Whether `--columns` names the subject's total.
pub fn is_total_name(name: &str) -> bool {
    name == TOTAL || name == "total"
}

#[cfg(test)]
mod tests {
    use super::{Layout, LayoutColumn, Sums};

    #[test]
    fn only_subjects_missing_an_explained_rule_are_noted() {
        // A `令` (not explained) and an award (explained), then the subject's total.
        let cols = [
            LayoutColumn { def: 0, name: "年数", money: false, explained: false },
            LayoutColumn { def: 1, name: "奖励", money: true, explained: true },
        ];
        let layout = Layout::new(&cols, &[], &[], &[]);
        assert_eq!(layout.explained, vec![false, true, false]);
        let mut sums = Sums::of_layout(&layout);
        // 甲 misses only the `令`, 乙 the award and so its total, 丙 nothing.
        sums.missing_at(0);
        sums.note_missing("甲");
        sums.missing_at(1);
        sums.missing_at(2);
        sums.note_missing("乙");
        sums.note_missing("丙");
        assert_eq!(sums.missing_keys, vec![("乙".to_string(), vec![1])]);
        assert_eq!(sums.explained_rows, 1);
        // Merged, the counts add up and the ids follow.
        let mut all = Sums::of_layout(&layout);
        all.merge(&sums);
        all.merge(&sums);
        assert_eq!((all.explained_rows, all.missing_keys.len()), (2, 2));
    }
}

//! Where `simulate` and `diff` get their subjects from: a [`Source`] yields, pass after pass,
//! every subject of a register in input order with the value of each per-subject rule.
//!
//! [`Interpreted`] evaluates a loaded data file with the interpreter ([`Evaluator`]). Anything
//! else that can yield the same rows (a streaming runner over a register too large to load)
//! plugs in by implementing [`Source`]: the aggregation above it keeps no per-subject state, so
//! its memory does not grow with the register.

use rust_decimal::Decimal;

use crate::ast::ItemKind;
use crate::checker::Checked;
use crate::checker::scope::{DefId, Scope, SubjectId};
use crate::data::Record;
use crate::diagnostics::{Diagnostics, Lang};
use crate::eval::Evaluator;
use crate::eval::value::V;
use crate::report::show::show;
use crate::units::Dim;

/// One value a source yields per subject: a per-subject rule of the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The rule's name.
    pub name: String,
    /// True for an award (奖励, 补助, …): its value is money.
    pub award: bool,
}

/// A rule's value for one subject, independent of the policy it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    /// A quantity in base units (money in 元) with its dimension.
    Num(Decimal, Dim),
    /// A condition or a status.
    Bool(bool),
    /// A grade's band, an enumeration value, a text, a year or a date, as shown.
    Text(String),
    /// Not known: data was missing or the rule could not be evaluated.
    Missing,
}

impl Cell {
    /// A rule's value as a cell; enumeration values, years and dates as shown.
    pub fn of(v: &V, scope: &Scope<'_>) -> Cell {
        match v {
            V::Num(n, d) => Cell::Num(*n, *d),
            V::Bool(b) => Cell::Bool(*b),
            V::Missing => Cell::Missing,
            other => Cell::Text(show(other, scope, Lang::Zh)),
        }
    }

    /// The amount of an award, in 元; `None` when it could not be evaluated.
    pub fn money(&self) -> Option<Decimal> {
        match self {
            Cell::Num(n, d) if *d == Dim::MONEY => Some(*n),
            _ => None,
        }
    }
}

/// One subject as a source yields it.
#[derive(Clone, Copy, Debug)]
pub struct Row<'a> {
    /// The subject's id.
    pub id: &'a str,
    /// One cell per column of the source, in the order of [`Source::columns`].
    pub cells: &'a [Cell],
}

/// A register that can be gone through, once or several times, subject by subject.
pub trait Source {
    /// The values each row holds, in order. A source may yield the awards only.
    fn columns(&self) -> &[Column];
    /// How many subjects a pass yields, when known in advance (for the progress bar).
    fn len_hint(&self) -> Option<u64>;
    /// Calls `visit` once per subject, in input order. Every pass yields the same rows. The
    /// diagnostics of evaluation (a division by zero for one subject) are returned by the
    /// first pass only.
    fn pass(&mut self, visit: &mut dyn FnMut(Row<'_>)) -> Diagnostics;
}

/// The subjects of a loaded data file, evaluated by the interpreter.
pub struct Interpreted<'e, 'c, 'p> {
    ev: &'e Evaluator<'c, 'p>,
    checked: &'c Checked<'p>,
    records: &'e [Record],
    year: Option<u16>,
    defs: Vec<DefId>,
    /// The column of each definition of the policy, by its id.
    slots: Vec<Option<usize>>,
    columns: Vec<Column>,
    passes: u32,
    progress: bool,
}

/// How many subjects a register has before a progress bar is shown.
pub const PROGRESS_FROM: u64 = 100_000;

impl<'e, 'c, 'p> Interpreted<'e, 'c, 'p> {
    /// A source over `records` of the subject kind `subject`, evaluated for `year`. With
    /// `awards_only`, rows hold the awards only. With `progress`, a pass over at least
    /// [`PROGRESS_FROM`] subjects draws a progress bar on standard error.
    pub fn new(
        ev: &'e Evaluator<'c, 'p>,
        checked: &'c Checked<'p>,
        subject: Option<SubjectId>,
        records: &'e [Record],
        year: Option<u16>,
        awards_only: bool,
        progress: bool,
    ) -> Self {
        let mut defs = Vec::new();
        let mut columns = Vec::new();
        for (id, d) in checked.scope.defs.iter().enumerate() {
            if d.subject.is_none() || d.subject != subject {
                continue;
            }
            let award = matches!(d.kind(), Some(ItemKind::Award(_)));
            let shown = d.kind().is_some_and(ItemKind::is_rule);
            if award || (shown && !awards_only) {
                defs.push(id);
                columns.push(Column { name: d.name.clone(), award });
            }
        }
        let mut slots = vec![None; checked.scope.defs.len()];
        for (pos, def) in defs.iter().enumerate() {
            if let Some(s) = slots.get_mut(*def) {
                *s = Some(pos);
            }
        }
        Interpreted { ev, checked, records, year, defs, slots, columns, passes: 0, progress }
    }

    /// Evaluates one record into `cells` (one per column); its diagnostics go to `diags` when
    /// given.
    fn fill(&self, record: &Record, cells: &mut [Cell], diags: Option<&mut Diagnostics>) {
        let (outcome, d) = self.ev.evaluate(record, self.year);
        if let Some(diags) = diags {
            diags.extend(d);
        }
        cells.fill(Cell::Missing);
        for rule in &outcome.rules {
            if let Some(Some(pos)) = self.slots.get(rule.def)
                && let Some(c) = cells.get_mut(*pos)
            {
                *c = self.cell(&rule.value);
            }
        }
    }

    fn cell(&self, v: &V) -> Cell {
        Cell::of(v, &self.checked.scope)
    }
}

impl Source for Interpreted<'_, '_, '_> {
    fn columns(&self) -> &[Column] {
        &self.columns
    }

    fn len_hint(&self) -> Option<u64> {
        Some(self.records.len() as u64)
    }

    fn pass(&mut self, visit: &mut dyn FnMut(Row<'_>)) -> Diagnostics {
        self.passes += 1;
        let first = self.passes == 1;
        let bar = progress_bar(self.progress, self.len_hint(), self.passes);
        let mut diags = Diagnostics::new();
        let mut cells = vec![Cell::Missing; self.defs.len()];
        for (i, record) in self.records.iter().enumerate() {
            self.fill(record, &mut cells, first.then_some(&mut diags));
            visit(Row { id: &record.key, cells: &cells });
            if let Some(b) = &bar
                && i % 4096 == 0
            {
                b.set_position(i as u64);
            }
        }
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        diags
    }
}

/// A progress bar on standard error for pass `pass` over `len` subjects, when asked for and
/// the register is large.
pub fn progress_bar(wanted: bool, len: Option<u64>, pass: u32) -> Option<indicatif::ProgressBar> {
    let len = len.filter(|n| wanted && *n >= PROGRESS_FROM)?;
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {human_pos}/{human_len} ({eta})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(format!("pass {pass}"));
    Some(bar)
}

/// Two evaluations of the same records side by side (`diff`): each row holds the cells of
/// `old`'s columns, then those of `new`'s. Both must evaluate the same records.
pub struct Paired<'e, 'c, 'p, 'c2, 'p2> {
    pub old: Interpreted<'e, 'c, 'p>,
    pub new: Interpreted<'e, 'c2, 'p2>,
    columns: Vec<Column>,
    passes: u32,
}

impl<'e, 'c, 'p, 'c2, 'p2> Paired<'e, 'c, 'p, 'c2, 'p2> {
    pub fn new(old: Interpreted<'e, 'c, 'p>, new: Interpreted<'e, 'c2, 'p2>) -> Self {
        let columns = old.columns.iter().chain(&new.columns).cloned().collect();
        Paired { old, new, columns, passes: 0 }
    }
}

impl Source for Paired<'_, '_, '_, '_, '_> {
    fn columns(&self) -> &[Column] {
        &self.columns
    }

    fn len_hint(&self) -> Option<u64> {
        self.new.len_hint()
    }

    fn pass(&mut self, visit: &mut dyn FnMut(Row<'_>)) -> Diagnostics {
        self.passes += 1;
        let first = self.passes == 1;
        let bar = progress_bar(self.new.progress, self.len_hint(), self.passes);
        let mut diags = Diagnostics::new();
        let split = self.old.columns.len();
        let mut cells = vec![Cell::Missing; self.columns.len()];
        for (i, record) in self.new.records.iter().enumerate() {
            let (a, b) = cells.split_at_mut(split);
            self.old.fill(record, a, first.then_some(&mut diags));
            self.new.fill(record, b, first.then_some(&mut diags));
            visit(Row { id: &record.key, cells: &cells });
            if let Some(b) = &bar
                && i % 4096 == 0
            {
                b.set_position(i as u64);
            }
        }
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        diags
    }
}

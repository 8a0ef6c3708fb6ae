//! The xlsx report: the workbook officers pass around. Three sheets, each a table with its
//! header in the first row:
//!
//! - `结果`: one row per subject, the id field (`企业名称`) then one column per rule, as in the
//!   CSV report, then each stacking rule's total (for a rule with `扣除`, then the amount it
//!   deducts, not added up) and the subject's total (`合计(元)`), and a
//!   last row `合计` adding up the money. A column of numbers names its unit in the header, as
//!   data files do (`县内成果转化补助(元)`), and its values are in that unit (money in 元);
//!   percentages are fractions shown with `%`. A missing value reads 「缺数据」 (in red), the
//!   only text a column of numbers holds; the row of totals then says it is incomplete.
//! - `合计`: each award's total and the number of subjects that receive it, each stacking
//!   rule's, the total of all, and below them the document's title, number and the year.
//! - `计算依据`: the [basis](super::basis) of every award of every subject. A sheet holds at
//!   most 1,048,576 rows; the basis of a larger register goes on in `计算依据 2`, `计算依据 3` …
//!
//! The sheet names are the same in both languages, so that scripts find them; the headers
//! follow `--lang`.
//!
//! **Written one subject at a time.** [`Writer`] writes each subject's row and basis as it comes
//! and keeps in memory only the totals: every sheet is a constant-memory worksheet whose rows go
//! to a temporary file, so the workbook of a register of a million subjects is never held whole.
//! [`render`], the report of subjects already evaluated, writes through it too: both give the
//! same bytes. The `结果` sheet holds 1,048,574 subjects (with its header and its row of
//! totals); a larger register is refused ([`Failure::Full`]), not cut short.
//!
//! **Numbers stay exact.** A value is written as a spreadsheet number only when the `f64` the
//! cell stores is exactly the decimal zhengce computed, read back: the decimal has at most 15
//! significant digits (what a spreadsheet shows and keeps when it saves again) and its `f64`,
//! written in the fewest digits that identify it, is that same decimal. Any other value is
//! written as text, its exact decimal in the column's unit (`12345678901234.5678`). Each number
//! cell's format shows exactly its own decimal places (`#,##0.000` for `500,000.001`, `0.0%` for
//! `30.5%`), so the sheet never rounds on screen either: every rounding in zhengce is one the
//! policy writes.
//!
//! The workbook is deterministic: its creation time is fixed at 1980-01-01 (the earliest time
//! a zip archive can record, as for every file inside it), so the same policy and data give
//! the same bytes.

mod sheet;

use std::sync::Arc;

use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, Worksheet, XlsxError};

pub(crate) use sheet::Sheet;
use sheet::col16;
pub use sheet::exact_f64;

use super::basis::{BasisRow, amount_text, arithmetic_text, headers, inputs_text, lines, one_line};
use super::{Grand, Report, Total, TotalParts, Totals};
use crate::ast::Policy;
use crate::checker::Checked;
use crate::checker::scope::DefId;
use crate::checker::types::Ty;
use crate::diagnostics::{Code, Diagnostic, Lang, Text};
use crate::eval::outcome::{Detail, SubjectOutcome};
use crate::eval::pool::PoolResult;
use crate::eval::stack::StackOutcome;
use crate::eval::value::V;
use crate::source::{Loc, SourceFile, Span};
use crate::units::{Dim, Kind};

/// The sheet names.
pub const RESULTS: &str = "结果";
pub const TOTALS: &str = "合计";
pub const BASIS: &str = "计算依据";

/// The rows a sheet holds, its header included (Excel's limit).
pub const SHEET_ROWS: u32 = 1_048_576;

/// Why a workbook was not written.
#[derive(Debug)]
pub enum Failure {
    /// The register has more subjects than the sheet `结果` holds.
    Full {
        /// The subjects the sheet holds.
        limit: u32,
    },
    /// The xlsx library's own error (a temporary file that cannot be made …).
    Xlsx(XlsxError),
}

impl From<XlsxError> for Failure {
    fn from(e: XlsxError) -> Self {
        Failure::Xlsx(e)
    }
}

impl Failure {
    /// The diagnostic of a register too large (`ZC0915`), at the data file `data`; `None` for
    /// the library's errors, which are the output's ([`Failure::Xlsx`]).
    pub fn diagnostic(&self, data: &str) -> Option<Diagnostic> {
        match self {
            Failure::Full { limit } => {
                let file = SourceFile::new(data.to_string(), "");
                let shown = super::show::grouped(Decimal::from(*limit));
                Diagnostic::new(
                    Code::SheetFull,
                    Text::new(
                        format!("`{data}` 的主体多于 xlsx 工作表 `{RESULTS}` 能容纳的 {shown} 个"),
                        format!(
                            "`{data}` has more subjects than the {shown} an xlsx sheet (`{RESULTS}`) holds"
                        ),
                    ),
                )
                .at(Loc::new(&file, Span::default()), Text::new("这份登记簿", "this register"))
                .help(Text::new(
                    "用 `--format csv`（或 `markdown`、`json`）写出整份登记簿的结果；或按地区把登记簿分成几份，各写一个 xlsx",
                    "write the whole register with `--format csv` (or `markdown`, `json`); or split the register, by area for example, into files of one xlsx each",
                ))
                .into()
            }
            Failure::Xlsx(_) => None,
        }
    }
}

/// Renders the report as an xlsx workbook through [`Writer`]: each subject with the basis
/// `rows` of its awards (they come in the subjects' order), as a register is streamed, so that
/// the formats are met in the same order and the bytes are the same.
pub fn render(r: &Report<'_, '_>, rows: &[BasisRow], lang: Lang) -> Result<Vec<u8>, Failure> {
    let mut w = Writer::new(r.policy, r.checked, lang)?;
    let mut rest = rows;
    for (i, o) in r.outcomes.iter().enumerate() {
        let n = rest.iter().take_while(|b| b.subject == o.key).count();
        let (mine, after) = rest.split_at_checked(n).unwrap_or((rest, &[]));
        rest = after;
        w.subject(o, r.stacks.get(i).map(Vec::as_slice).unwrap_or_default(), mine)?;
    }
    // Rows of no subject of the report (none are made): written all the same.
    w.basis(rest)?;
    let mut out = Vec::new();
    w.finish(&mut out)?;
    Ok(out)
}

/// What every subject's row shows, as the first subject has it.
struct Columns {
    /// The rules shown.
    defs: Vec<DefId>,
    /// The stacking rules' names, each with the field it deducts (`扣除 FIELD`), whose amount
    /// has a column of its own after the rule's total.
    stacks: Vec<(String, Option<String>)>,
    /// The awards a subject's total adds directly.
    parts: TotalParts,
}

impl Columns {
    /// The column of the subject's total: after the rules, the stacking rules' totals and the
    /// amounts they deduct.
    fn total_at(&self) -> usize {
        self.defs.len()
            + 1
            + self.stacks.iter().map(|(_, f)| 1 + usize::from(f.is_some())).sum::<usize>()
    }
}

/// The xlsx report written one subject at a time (see the module's comment).
pub struct Writer<'a, 'p> {
    book: Workbook,
    r: Report<'a, 'p>,
    lang: Lang,
    /// Set at the first subject: the sheet `结果`, its columns and the totals a leader reads.
    results: Option<(Sheet<Worksheet>, Columns, Option<Grand>)>,
    subjects: u32,
    /// The basis sheets, the one being written last, and the rows it has.
    basis: Vec<Sheet<Worksheet>>,
    basis_rows: u32,
    totals: Totals,
    column_totals: Totals,
    missing: super::MissingCount,
    pools: Vec<Arc<PoolResult>>,
    /// The first subject evaluated for a year: the year of the heading.
    dated: Option<SubjectOutcome>,
}

impl<'a, 'p> Writer<'a, 'p> {
    /// A workbook for the subjects of `policy`.
    pub fn new(
        policy: &'p Policy,
        checked: &'a Checked<'p>,
        lang: Lang,
    ) -> Result<Self, XlsxError> {
        let mut book = Workbook::new();
        let mut props =
            DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(1980, 1, 1)?);
        let r = Report { policy, checked, outcomes: &[], stacks: &[] };
        if let Some(title) = r.title() {
            props = props.set_title(title);
        }
        book.set_properties(&props);
        let header: Vec<String> = headers(lang).map(String::from).into();
        let basis = Sheet::new(book.new_worksheet_with_constant_memory()?, BASIS, &header)?;
        Ok(Writer {
            book,
            r,
            lang,
            results: None,
            subjects: 0,
            basis: vec![basis],
            basis_rows: 1,
            totals: Totals::default(),
            column_totals: Totals::default(),
            missing: super::MissingCount::default(),
            pools: Vec::new(),
            dated: None,
        })
    }

    /// Writes one subject's row of `结果` (its outcome and stacking rules) and the basis of its
    /// awards.
    pub fn subject(
        &mut self,
        o: &SubjectOutcome,
        own: &[StackOutcome],
        basis: &[BasisRow],
    ) -> Result<(), Failure> {
        let stacks = [own.to_vec()];
        let one = Report { outcomes: std::slice::from_ref(o), stacks: &stacks, ..self.r };
        if self.results.is_none() {
            let cols = Columns {
                defs: one.subject_columns(),
                stacks: one.stack_heads().into_iter().map(|h| (h.name, h.received)).collect(),
                parts: one.total_parts(),
            };
            let grand = Grand::of(&one);
            let header = results_header(&one, &cols, grand.is_some());
            let ws = self.book.new_worksheet_with_constant_memory()?;
            self.results = Some((Sheet::new(ws, RESULTS, &header)?, cols, grand));
        }
        let Some((s, cols, grand)) = &mut self.results else { return Ok(()) };
        // The row of totals comes after the last subject.
        let limit = SHEET_ROWS - 2;
        if self.subjects >= limit {
            return Err(Failure::Full { limit });
        }
        self.subjects += 1;
        let row = self.subjects;
        s.text(row, 0, &o.key)?;
        for (j, d) in cols.defs.iter().enumerate() {
            let v = o.rules.iter().find(|x| x.def == *d).map_or(&V::Missing, |x| &x.value);
            s.value(row, col16(j + 1), v, &one)?;
        }
        let after = cols.defs.len() + 1;
        let misses = self.missing.add(&one, o);
        if let Some(g) = grand {
            let mut c = after;
            for (k, st) in own.iter().enumerate() {
                s.amount(row, col16(c), st.total)?;
                c += 1;
                if cols.stacks.get(k).is_some_and(|(_, f)| f.is_some()) {
                    s.amount(row, col16(c), st.received.as_ref().and_then(|r| r.amount))?;
                    c += 1;
                }
            }
            s.amount(row, col16(cols.total_at()), cols.parts.total(&one, 0))?;
            g.add(&one, &cols.parts, 0);
            g.missing += u64::from(misses);
        }
        self.totals.add(&one, o, own);
        self.column_totals.add(&one, o, &[]);
        for rule in &o.rules {
            if let Detail::Award(a) = &rule.detail
                && let Some(share) = &a.pool
                && !self.pools.iter().any(|p| Arc::ptr_eq(p, &share.pool))
            {
                self.pools.push(Arc::clone(&share.pool));
            }
        }
        if self.dated.is_none() && o.year.is_some() {
            self.dated = Some(o.clone());
        }
        self.basis(basis)
    }

    /// Writes basis rows, in a further sheet once one is full.
    pub fn basis(&mut self, rows: &[BasisRow]) -> Result<(), Failure> {
        for b in rows {
            if self.basis_rows >= SHEET_ROWS {
                let header: Vec<String> = headers(self.lang).map(String::from).into();
                let name = format!("{BASIS} {}", self.basis.len() + 1);
                let ws = self.book.new_worksheet_with_constant_memory()?;
                self.basis.push(Sheet::new(ws, &name, &header)?);
                self.basis_rows = 1;
            }
            let Some(s) = self.basis.last_mut() else { return Ok(()) };
            basis_row(s, self.basis_rows, b, &self.r, self.lang)?;
            self.basis_rows += 1;
        }
        Ok(())
    }

    /// `ZC0702` for each award whose total leaves the exact range (the report is then not
    /// written, as [`Report::overflows`] stops it).
    pub fn overflows(&self) -> Vec<Diagnostic> {
        super::overflow_diagnostics(&self.r, &self.totals.0)
    }

    /// The missing results so far, as [`Report::missing`] counts them.
    pub fn missing(&self) -> (Vec<(DefId, u64)>, u64) {
        self.missing.result()
    }

    /// Writes the row of totals and the sheet `合计`, and the workbook to `out`.
    pub fn finish(mut self, out: impl std::io::Write + Send) -> Result<(), Failure> {
        let dated = self.dated.take();
        let r = Report { outcomes: dated.as_slice(), ..self.r };
        let (results, grand) = match self.results.take() {
            Some((mut s, cols, grand)) => {
                if let Some(g) = &grand
                    && self.subjects > 0
                {
                    let row = self.subjects + 1;
                    s.bold(row, 0, &super::total_label(g.missing, self.lang))?;
                    for (j, d) in cols.defs.iter().enumerate() {
                        if let Some(t) =
                            self.column_totals.0.iter().find(|t| t.def == *d && r.money_award(*d))
                        {
                            s.decimal(row, col16(j + 1), t.amount, false)?;
                        }
                    }
                    // The amounts received are not added up.
                    let mut c = cols.defs.len() + 1;
                    for (k, (_, a, _)) in g.stacks.iter().enumerate() {
                        s.amount(row, col16(c), *a)?;
                        c += 1 + usize::from(cols.stacks.get(k).is_some_and(|(_, f)| f.is_some()));
                    }
                    s.amount(row, col16(cols.total_at()), g.total)?;
                }
                (s.done()?, grand)
            }
            None => {
                let cols = Columns { defs: Vec::new(), stacks: Vec::new(), parts: r.total_parts() };
                let grand = Grand::of(&r);
                let header = results_header(&r, &cols, grand.is_some());
                let ws = self.book.new_worksheet_with_constant_memory()?;
                (Sheet::new(ws, RESULTS, &header)?.done()?, grand)
            }
        };
        let ws = self.book.new_worksheet_with_constant_memory()?;
        let totals = totals(ws, &r, &self.totals.0, grand.as_ref(), &self.pools, self.lang)?;
        self.book.push_worksheet(results);
        self.book.push_worksheet(totals);
        for s in self.basis {
            self.book.push_worksheet(s.done()?);
        }
        // The output's first error is the failure; the zip library, finishing the archive as it
        // is dropped, then writes nowhere rather than print the same error to the terminal.
        let mut out = Latch { out, error: None };
        let saved = self.book.save_to_writer(&mut out);
        match out.error {
            Some(e) => Err(Failure::Xlsx(XlsxError::IoError(e))),
            None => saved.map_err(Failure::Xlsx),
        }
    }
}

/// A writer that keeps the first error of `out` and takes every byte after it without writing.
struct Latch<W> {
    out: W,
    error: Option<std::io::Error>,
}

impl<W: std::io::Write> std::io::Write for Latch<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.error.is_some() {
            return Ok(buf.len());
        }
        self.out.write(buf).map_err(|e| {
            let again = std::io::Error::new(e.kind(), e.to_string());
            self.error = Some(e);
            again
        })
    }
    fn flush(&mut self) -> std::io::Result<()> {
        if self.error.is_some() {
            return Ok(());
        }
        self.out.flush()
    }
}

/// The unit a column of `def` names in its header: `(元)`; none for percentages (their cells
/// show `%`), plain numbers, and values that are not numbers.
fn unit_suffix(r: &Report<'_, '_>, def: usize) -> String {
    match r.checked.types.get(def).map(|t| t.ty) {
        Some(Ty::Num(dim)) if dim.kind() != Kind::Percent && dim != Dim::NUMBER => {
            format!("({})", dim.display(Lang::Zh))
        }
        _ => String::new(),
    }
}

/// The header of `结果`: the id field's name (`企业名称`) then each rule, each stacking rule's
/// total and the subject's total (`合计(元)`).
fn results_header(r: &Report<'_, '_>, cols: &Columns, grand: bool) -> Vec<String> {
    let mut header = vec![r.key_name()];
    header.extend(cols.defs.iter().map(|d| format!("{}{}", r.name(*d), unit_suffix(r, *d))));
    if grand {
        for (n, received) in &cols.stacks {
            header.push(format!("叠加 {n}(元)"));
            if let Some(f) = received {
                header.push(format!("叠加 {n} 扣除 {f}(元)"));
            }
        }
        header.push("合计(元)".to_string());
    }
    header
}

/// The sheet `合计`: each award's total and recipients, each stacking rule's, and the total of
/// the subjects' totals; the pools; then the policy's document number and the evaluation year.
fn totals(
    ws: Worksheet,
    r: &Report<'_, '_>,
    award_totals: &[Total],
    grand: Option<&Grand>,
    pools: &[Arc<PoolResult>],
    lang: Lang,
) -> Result<Worksheet, XlsxError> {
    let header: Vec<String> = if lang == Lang::Zh {
        ["奖励", "金额(元)", "获得主体数"]
    } else {
        ["award", "amount (元)", "recipients"]
    }
    .map(String::from)
    .into();
    let mut s = Sheet::new(ws, TOTALS, &header)?;
    let mut row = 1u32;
    for t in award_totals {
        s.text(row, 0, r.name(t.def))?;
        s.decimal(row, 1, t.amount, false)?;
        s.decimal(row, 2, Decimal::from(t.recipients), false)?;
        row += 1;
    }
    if let Some(g) = grand {
        let stack = if lang == Lang::Zh { "叠加" } else { "stack" };
        for (name, a, n) in &g.stacks {
            s.text(row, 0, &format!("{stack} {name}"))?;
            s.amount(row, 1, *a)?;
            s.decimal(row, 2, Decimal::from(*n), false)?;
            row += 1;
        }
        s.bold(row, 0, &super::total_label(g.missing, lang))?;
        s.amount(row, 1, g.total)?;
        s.decimal(row, 2, Decimal::from(g.recipients), false)?;
        row += 1;
    }
    // The pools, one line each below the table (the amounts above are after their cut).
    if !pools.is_empty() {
        row += 1;
        s.bold(row, 0, if lang == Lang::Zh { "资金池" } else { "pools" })?;
        row += 1;
        for p in pools {
            s.text(row, 0, &super::pools::line(p, lang))?;
            row += 1;
        }
    }
    let heading = r.heading(lang);
    if !heading.is_empty() {
        // Below the table, after an empty row: which document and which year.
        s.text(row + 1, 0, &format!("{} {heading}", r.title().unwrap_or(&r.policy.file.name)))?;
    }
    s.done()
}

/// One row of `计算依据`.
fn basis_row(
    s: &mut Sheet<Worksheet>,
    row: u32,
    b: &BasisRow,
    r: &Report<'_, '_>,
    lang: Lang,
) -> Result<(), XlsxError> {
    let step = &b.step;
    s.text(row, 0, &b.subject)?;
    s.text(row, 1, &step.name)?;
    match &b.amount {
        V::Num(n, d) if *d == Dim::MONEY => s.decimal(row, 2, *n, false)?,
        other => s.text(row, 2, &amount_text(other, r, lang))?,
    }
    s.text(row, 3, step.clause.as_deref().unwrap_or(""))?;
    s.wrapped(row, 4, &step.quote.as_deref().map(one_line).unwrap_or_default())?;
    s.wrapped(row, 5, &step.formula.as_deref().map(|f| lines(f).join("\n")).unwrap_or_default())?;
    s.wrapped(row, 6, &arithmetic_text(b, r, lang, "\n"))?;
    s.wrapped(row, 7, &inputs_text(b, r, lang))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "a test fails loudly")]
    use calamine::Reader;

    use super::*;

    /// The bundled zezhou policy evaluated on its sample enterprises, with the basis.
    fn zezhou(each: impl FnOnce(&Report<'_, '_>, &[BasisRow])) {
        let text = std::fs::read_to_string("policies/zezhou.zc").unwrap();
        let (p, _) = crate::parser::parse(&SourceFile::new("policies/zezhou.zc", text));
        let p = p.unwrap();
        let (checked, _) = crate::checker::check(&p);
        let opts = crate::engine::Options { kind: Some("企业".into()), ..Default::default() };
        let data = std::path::Path::new("policies/zezhou.企业.toml");
        let (outcomes, stacks, rows, _) =
            crate::engine::evaluate(&p, &checked, data, &opts, true, None).unwrap();
        each(
            &Report { policy: &p, checked: &checked, outcomes: &outcomes, stacks: &stacks },
            &rows,
        );
    }

    #[test]
    fn a_register_past_the_sheet_is_refused_not_cut_short() {
        zezhou(|r, _| {
            let mut w = Writer::new(r.policy, r.checked, Lang::Zh).unwrap();
            let o = &r.outcomes[0];
            w.subject(o, &r.stacks[0], &[]).unwrap();
            // The last subject the sheet holds, then one more.
            w.subjects = SHEET_ROWS - 3;
            w.subject(o, &r.stacks[0], &[]).unwrap();
            let Err(f) = w.subject(o, &r.stacks[0], &[]) else { panic!("not refused") };
            assert!(matches!(f, Failure::Full { limit: 1_048_574 }));
            let d = f.diagnostic("登记簿.csv").unwrap();
            assert_eq!(d.code, Code::SheetFull);
        });
    }

    #[test]
    fn the_basis_goes_on_in_a_further_sheet() {
        zezhou(|r, rows| {
            assert!(rows.len() >= 2);
            let mut w = Writer::new(r.policy, r.checked, Lang::Zh).unwrap();
            w.subject(&r.outcomes[0], &r.stacks[0], &rows[..1]).unwrap();
            // The first basis sheet full: the next row starts `计算依据 2`, below its header.
            w.basis_rows = SHEET_ROWS;
            w.basis(&rows[1..2]).unwrap();
            let mut out = Vec::new();
            w.finish(&mut out).unwrap();
            let mut book: calamine::Xlsx<_> =
                calamine::Xlsx::new(std::io::Cursor::new(out)).unwrap();
            assert_eq!(book.sheet_names(), ["结果", "合计", "计算依据", "计算依据 2"]);
            let second = book.worksheet_range("计算依据 2").unwrap();
            assert_eq!(second.get((0, 0)).unwrap().to_string(), "主体");
            assert_eq!(second.get((1, 0)).unwrap().to_string(), rows[1].subject);
            assert_eq!(second.get((1, 1)).unwrap().to_string(), rows[1].step.name);
        });
    }
}

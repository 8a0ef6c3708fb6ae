//! The reports of a register written one subject at a time as the interpreter evaluates it
//! ([`super::stacked::interpret`], the stacking rules applied): JSON, JSON Lines, Markdown, the
//! xlsx workbook and the 计算依据. Each writer is the in-memory report's own, so that the bytes
//! are the same; memory holds one block of the register and the writer's totals.

use std::io::Write;

use super::stacked::{RegisterRun, interpret};
use super::{Failure, Plan, Summary};
use crate::checker::scope::DefId;
use crate::data::Record;
use crate::diagnostics::{Diagnostic, Lang};
use crate::eval::outcome::SubjectOutcome;
use crate::eval::stack::StackOutcome;
use crate::report::xlsx::Writer as XlsxWriter;
use crate::report::{JsonWriter, MarkdownWriter, MissingCount, Report, write_json_line};

/// Writes the JSON report (`zhengce eval --format json`) of every subject of the register at
/// `path` to `out`, one subject at a time, the stacking rules applied to each. The run is the
/// calling thread's.
pub fn write_json(run: &RegisterRun<'_, '_, '_>, out: &mut dyn Write) -> Result<Summary, Failure> {
    let mut w = JsonWriter::new(run.policy, run.checked, out);
    let summary = each_subject(run, &mut w)?;
    w.finish().map_err(Failure::Write)?;
    Ok(summary)
}

/// A report written one subject at a time (JSON, Markdown, xlsx, 计算依据): each subject is
/// handed over with the record and the plan (its evaluator) it was evaluated from.
trait SubjectWriter {
    fn subject(
        &mut self,
        plan: &Plan<'_, '_>,
        record: &Record,
        o: &SubjectOutcome,
        stacks: &[StackOutcome],
    ) -> Result<(), Failure>;
    /// `ZC0702` for each total past the exact range: the report is then not kept.
    fn overflows(&self) -> Vec<crate::diagnostics::Diagnostic>;
}

impl SubjectWriter for JsonWriter<'_, '_, '_> {
    fn subject(
        &mut self,
        _: &Plan<'_, '_>,
        _: &Record,
        o: &SubjectOutcome,
        stacks: &[StackOutcome],
    ) -> Result<(), Failure> {
        JsonWriter::subject(self, o, stacks).map_err(Failure::Write)
    }
    fn overflows(&self) -> Vec<crate::diagnostics::Diagnostic> {
        JsonWriter::overflows(self)
    }
}

impl SubjectWriter for MarkdownWriter<'_, '_, '_> {
    fn subject(
        &mut self,
        _: &Plan<'_, '_>,
        _: &Record,
        o: &SubjectOutcome,
        stacks: &[StackOutcome],
    ) -> Result<(), Failure> {
        MarkdownWriter::subject(self, o, stacks).map_err(Failure::Write)
    }
    fn overflows(&self) -> Vec<crate::diagnostics::Diagnostic> {
        MarkdownWriter::overflows(self)
    }
}

/// Hands every subject of the register to `w` ([`interpret`]); the totals past the exact range
/// are the run's failure.
fn each_subject(
    run: &RegisterRun<'_, '_, '_>,
    w: &mut dyn SubjectWriter,
) -> Result<Summary, Failure> {
    let summary =
        interpret(run, &mut |plan, record, o, stacks| w.subject(plan, record, o, stacks))?;
    let overflows = w.overflows();
    if !overflows.is_empty() {
        return Err(Failure::Data(overflows.into()));
    }
    Ok(summary)
}

/// Writes the Markdown report (`zhengce eval --format markdown`) of every subject of the register
/// at `path` to `out`, one subject at a time, the stacking rules applied to each (the subjects'
/// tables wait in a temporary file while the summary table is written). The run is the calling
/// thread's.
pub fn write_markdown(
    run: &RegisterRun<'_, '_, '_>,
    lang: Lang,
    out: &mut dyn Write,
) -> Result<Summary, Failure> {
    let mut w = MarkdownWriter::new(run.policy, run.checked, lang, out);
    let summary = each_subject(run, &mut w)?;
    let (by_rule, subjects) = w.missing();
    w.finish().map_err(Failure::Write)?;
    // Said after the report as the in-memory Markdown report says it (`ZC0708`).
    Ok(Summary { missing: super::Missing { by_rule, subjects, keys: None, rows: None }, ..summary })
}

/// `ZC0950` for each field whose empty cells leave results of the register missing, by the
/// interpreter ([`interpret`], which says them), for a report written by the compiled form
/// (which counts the missing results but does not explain them). A second pass: the caller
/// makes it only when some result is missing; with the report's [`super::Missing::keys`] (the
/// ids of the subjects with a missing rule, each with those rules, when the report noted them
/// all) it looks at those rules of those subjects alone, in the rows the workers kept
/// ([`super::Missing::rows`]) when they kept them, else in the register read again.
pub fn empty_fields(
    run: &RegisterRun<'_, '_, '_>,
    missing: &super::Missing,
) -> Result<Vec<Diagnostic>, Failure> {
    let keys: Option<std::collections::BTreeMap<&str, &[DefId]>> = missing
        .keys
        .as_ref()
        .map(|k| k.iter().map(|(key, rules)| (key.as_str(), rules.as_slice())).collect());
    let rows = missing.rows.as_deref().filter(|_| keys.is_some());
    let summary =
        super::stacked::interpret_only(run, keys.as_ref(), rows, &mut |_, _, _, _| Ok(()))?;
    Ok(summary
        .diagnostics
        .sorted()
        .into_iter()
        .filter(|d| d.code == crate::diagnostics::Code::EmptyField)
        .collect())
}

/// Writes the JSON Lines report (`zhengce eval --format jsonl`) of every subject of the register
/// at `path` to `out`, one line per subject, the stacking rules applied to each. The run is the
/// calling thread's.
pub fn write_jsonl(run: &RegisterRun<'_, '_, '_>, out: &mut dyn Write) -> Result<Summary, Failure> {
    interpret(run, &mut |_, _, o, stacks| {
        write_json_line(run.policy, run.checked, o, stacks, out).map_err(Failure::Write)
    })
}

/// Writes the xlsx report (`zhengce eval --format xlsx`) of every subject of the register to
/// `out`: each subject's row and the basis of its awards as it comes ([`crate::report::xlsx`]).
/// A register with more subjects than a sheet holds is refused (`ZC0915`).
pub fn write_xlsx(
    run: &RegisterRun<'_, '_, '_>,
    lang: Lang,
    out: &mut (dyn Write + Send),
) -> Result<Summary, Failure> {
    let writer =
        XlsxWriter::new(run.policy, run.checked, lang).map_err(|e| failed(run, &e.into()))?;
    let mut w = Xlsx { writer, report: report_of(run), path: run.path };
    let summary = each_subject(run, &mut w)?;
    let (by_rule, subjects) = w.writer.missing();
    w.writer.finish(out).map_err(|f| failed(run, &f))?;
    Ok(Summary { missing: super::Missing { by_rule, subjects, keys: None, rows: None }, ..summary })
}

/// The failure of an xlsx report: `ZC0915` at the register, or the workbook not written.
fn failed(run: &RegisterRun<'_, '_, '_>, f: &crate::report::xlsx::Failure) -> Failure {
    xlsx_failure(run.path, f)
}

/// [`failed`] for the register at `path`.
fn xlsx_failure(path: &std::path::Path, f: &crate::report::xlsx::Failure) -> Failure {
    match f {
        crate::report::xlsx::Failure::Xlsx(x) => {
            Failure::Write(std::io::Error::other(x.to_string()))
        }
        crate::report::xlsx::Failure::Full { .. } => Failure::Data(
            f.diagnostic(&path.display().to_string()).into_iter().collect::<Vec<_>>().into(),
        ),
    }
}

/// The report of no subject of `run`'s policy, for what the basis rows say of its rules.
fn report_of<'r>(run: &RegisterRun<'r, '_, '_>) -> Report<'r, 'r> {
    Report { policy: run.policy, checked: run.checked, outcomes: &[], stacks: &[] }
}

/// The xlsx writer, and the register it reports (where `ZC0915` points).
struct Xlsx<'a, 'p> {
    writer: XlsxWriter<'a, 'p>,
    report: Report<'a, 'p>,
    path: &'a std::path::Path,
}

impl SubjectWriter for Xlsx<'_, '_> {
    fn subject(
        &mut self,
        plan: &Plan<'_, '_>,
        record: &Record,
        o: &SubjectOutcome,
        stacks: &[StackOutcome],
    ) -> Result<(), Failure> {
        let rows =
            crate::report::basis::subject_rows(&self.report, &plan.evaluator, record, o, stacks);
        self.writer.subject(o, stacks, &rows).map_err(|f| xlsx_failure(self.path, &f))
    }
    fn overflows(&self) -> Vec<Diagnostic> {
        self.writer.overflows()
    }
}

/// Writes the 计算依据 (`zhengce eval --format basis`) of every subject of the register to
/// `out`, the rows of each subject's awards as it comes.
pub fn write_basis(
    run: &RegisterRun<'_, '_, '_>,
    lang: Lang,
    out: &mut dyn Write,
) -> Result<Summary, Failure> {
    let report = report_of(run);
    out.write_all(crate::report::basis::markdown_head(&report, lang).as_bytes())
        .map_err(Failure::Write)?;
    let mut w = Basis { out, report, lang, text: String::new(), missing: MissingCount::default() };
    let summary = each_subject(run, &mut w)?;
    // Said after the report as the in-memory report says it (`ZC0708`).
    let (by_rule, subjects) = w.missing.result();
    Ok(Summary { missing: super::Missing { by_rule, subjects, keys: None, rows: None }, ..summary })
}

/// The 计算依据 writer.
struct Basis<'w, 'a, 'p> {
    out: &'w mut dyn Write,
    report: Report<'a, 'p>,
    lang: Lang,
    text: String,
    missing: MissingCount,
}

impl SubjectWriter for Basis<'_, '_, '_> {
    fn subject(
        &mut self,
        plan: &Plan<'_, '_>,
        record: &Record,
        o: &SubjectOutcome,
        stacks: &[StackOutcome],
    ) -> Result<(), Failure> {
        let r = &self.report;
        let own = [stacks.to_vec()];
        self.missing.add(&Report { outcomes: std::slice::from_ref(o), stacks: &own, ..*r }, o);
        self.text.clear();
        for row in crate::report::basis::subject_rows(r, &plan.evaluator, record, o, stacks) {
            crate::report::basis::markdown_row(&mut self.text, &row, r, self.lang);
        }
        self.out.write_all(self.text.as_bytes()).map_err(Failure::Write)
    }
    fn overflows(&self) -> Vec<Diagnostic> {
        Vec::new()
    }
}

//! Showing diagnostics to people and to tools.
//!
//! Three formats, all taking diagnostics already in order ([`super::Diagnostics::sorted`]) and a
//! [`Lang`]:
//!
//! - [`Format::Human`]: source snippets with underlined spans, drawn by miette
//!   ([`render_human`]). Columns in the `[file:line:col]` header count characters.
//! - [`Format::Plain`]: one compact block per diagnostic, easy to grep ([`render_plain`]).
//! - [`Format::Json`]: a JSON array for editors and scripts ([`render_json`]).
//!
//! [`summary`] gives the closing line (`2 个错误，1 个警告` / `2 errors, 1 warning`).
//!
//! A diagnostic without labels (a file that cannot be read, a usage error) renders in every
//! format, just without a location.

use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents, ThemeCharacters, ThemeStyles,
};

use super::{Diagnostic, Label, Lang, Severity};
use crate::source::{SourceFile, Span};

/// The output format of diagnostics (`--error-format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// Source snippets with underlined spans, for people at a terminal.
    #[default]
    Human,
    /// `FILE:LINE:COL: error[ZC0201]: message` blocks, one per diagnostic.
    Plain,
    /// A JSON array; see [`render_json`] for the schema.
    Json,
}

/// The characters the human format draws its boxes and underlines with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Charset {
    /// Box-drawing characters (`╭─`, `│`, `╰──`).
    #[default]
    Unicode,
    /// Plain ASCII (`,-`, `|`, `` `-- ``), for terminals that cannot show box drawing.
    Ascii,
}

/// How the human format is drawn. The default (no colour, width 100, unicode) is what tests use:
/// the output depends on nothing but the diagnostics and these options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HumanStyle {
    /// Whether to colour the output with ANSI escape codes.
    pub color: bool,
    /// The width, in terminal columns, that messages and help are wrapped to.
    pub width: usize,
    /// The drawing characters.
    pub charset: Charset,
}

impl Default for HumanStyle {
    fn default() -> Self {
        HumanStyle { color: false, width: 100, charset: Charset::Unicode }
    }
}

/// Renders diagnostics in the given format.
pub fn render(diags: &[Diagnostic], lang: Lang, format: Format, style: &HumanStyle) -> String {
    match format {
        Format::Human => render_human(diags, lang, style),
        Format::Plain => render_plain(diags, lang),
        Format::Json => render_json(diags, lang),
    }
}

/// How many diagnostics of each severity a list holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Diagnostics of severity [`Severity::Error`].
    pub errors: usize,
    /// Diagnostics of severity [`Severity::Warning`].
    pub warnings: usize,
    /// Diagnostics of severity [`Severity::Note`].
    pub notes: usize,
}

impl Counts {
    /// Counts the diagnostics of each severity.
    pub fn of(diags: &[Diagnostic]) -> Counts {
        let mut counts = Counts::default();
        for d in diags {
            match d.severity {
                Severity::Error => counts.errors += 1,
                Severity::Warning => counts.warnings += 1,
                Severity::Note => counts.notes += 1,
            }
        }
        counts
    }
}

/// The closing line: `2 个错误，1 个警告` / `2 errors, 1 warning`; only the severities that occur
/// are named, and with none at all it reads `未发现问题` / `no problems found`.
pub fn summary(diags: &[Diagnostic], lang: Lang) -> String {
    let counts = Counts::of(diags);
    let kinds = [
        (counts.errors, "个错误", "error", "errors"),
        (counts.warnings, "个警告", "warning", "warnings"),
        (counts.notes, "条提示", "note", "notes"),
    ];
    let parts: Vec<String> = kinds
        .iter()
        .filter(|(n, ..)| *n > 0)
        .map(|&(n, zh, one, many)| match lang {
            Lang::Zh => format!("{n} {zh}"),
            Lang::En => format!("{n} {}", if n == 1 { one } else { many }),
        })
        .collect();
    match (lang, parts.is_empty()) {
        (Lang::Zh, true) => "未发现问题".to_owned(),
        (Lang::En, true) => "no problems found".to_owned(),
        (Lang::Zh, false) => parts.join("，"),
        (Lang::En, false) => parts.join(", "),
    }
}

// --- shared helpers

/// The word tools look for; the same in both languages so that output can be parsed.
fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// The label a diagnostic is located by: the one marked primary, else the first.
fn primary_label(diag: &Diagnostic) -> Option<&Label> {
    diag.labels.iter().find(|l| l.primary).or(diag.labels.first())
}

/// `Some(text)` unless the text is empty.
fn non_empty(text: &str) -> Option<&str> {
    (!text.trim().is_empty()).then_some(text)
}

/// The span, moved inside the text and onto character boundaries (outward), so that a slightly
/// wrong span still renders instead of failing.
fn clamp_span(text: &str, span: Span) -> Span {
    let mut start = span.start.min(text.len());
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, text.len());
    while end < text.len() && !text.is_char_boundary(end) {
        end += 1;
    }
    Span::new(start, end)
}

/// `FILE:LINE:COL` of a byte offset, the column counting characters.
fn position(file: &SourceFile, offset: usize) -> String {
    let (line, col) = file.line_col(offset);
    format!("{}:{line}:{col}", file.name)
}

/// Where a label is: `FILE:LINE:COLUMN` in a text file, `FILE!Sheet1!H3` at a workbook's cell.
fn label_position(label: &Label) -> String {
    match &label.cell {
        Some(cell) => format!("{}!{}", label.loc.file.name, cell.name()),
        None => position(&label.loc.file, label.loc.span.start),
    }
}

// --- plain

/// Renders diagnostics as plain text, one block per diagnostic:
///
/// ```text
/// a.zc:2:9: error[ZC0201]: 未定义的名称 `营业收人`
///   = help: 你是不是想写 `营业收入`？
///   a.zc:1:3: note: 这里定义了 `营业收入`
/// ```
///
/// The first line gives the primary location (columns count characters), the severity word
/// (`error`, `warning` or `note`, in English in both languages so tools can match it), the code
/// and the message. Help follows on `  = help: ` lines, then each secondary label on its own
/// `  FILE:LINE:COL: note: ` line. A diagnostic without a location starts at the severity word.
pub fn render_plain(diags: &[Diagnostic], lang: Lang) -> String {
    let mut out = String::new();
    for diag in diags {
        let primary = primary_label(diag);
        if let Some(label) = primary {
            out.push_str(&label_position(label));
            out.push_str(": ");
        }
        out.push_str(&format!(
            "{}[{}]: {}\n",
            severity_word(diag.severity),
            diag.code.id(),
            diag.message.get(lang)
        ));
        if let Some(help) = &diag.help {
            for (i, line) in help.get(lang).lines().enumerate() {
                let prefix = if i == 0 { "  = help: " } else { "          " };
                out.push_str(&format!("{prefix}{line}\n"));
            }
        }
        for label in &diag.labels {
            if primary.is_some_and(|p| std::ptr::eq(p, label)) {
                continue;
            }
            out.push_str(&format!("  {}: note", label_position(label)));
            if let Some(text) = non_empty(label.text.get(lang)) {
                out.push_str(&format!(": {text}"));
            }
            out.push('\n');
        }
    }
    out
}

// --- json

#[derive(serde::Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    labels: Vec<JsonLabel<'a>>,
}

#[derive(serde::Serialize)]
struct JsonLabel<'a> {
    file: &'a str,
    start: usize,
    end: usize,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: Option<&'a str>,
    primary: bool,
    /// The workbook cell or row (`Sheet1!H3`), for a label in a workbook; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    cell: Option<String>,
}

/// Renders diagnostics as a JSON array (pretty-printed, followed by a newline), every text in
/// the chosen language. Each element is:
///
/// ```text
/// {
///   "code": "ZC0201",                 // the stable code
///   "severity": "error",              // "error" | "warning" | "note"
///   "message": "未定义的名称 `营业收人`",
///   "help": "你是不是想写 `营业收入`？", // or null
///   "labels": [                       // may be empty (e.g. a file that cannot be read)
///     {
///       "file": "a.zc",               // the path as the user gave it
///       "start": 13, "end": 25,       // byte offsets into the file, half-open
///       "line": 2, "column": 9,       // 1-based; the column counts characters
///       "end_line": 2, "end_column": 13,  // position of `end`, same conventions
///       "message": "这个名称没有定义",  // or null
///       "primary": true,              // exactly one label is primary when there are labels
///       "cell": "Sheet1!H3"           // only for a label at a workbook's cell or row
///     }
///   ]
/// }
/// ```
///
/// Offsets are clamped to the file and to character boundaries.
pub fn render_json(diags: &[Diagnostic], lang: Lang) -> String {
    let items: Vec<JsonDiagnostic<'_>> = diags
        .iter()
        .map(|diag| {
            let primary = primary_label(diag);
            let labels = diag
                .labels
                .iter()
                .map(|label| {
                    let file = &label.loc.file;
                    let span = clamp_span(&file.text, label.loc.span);
                    let (line, column) = file.line_col(span.start);
                    let (end_line, end_column) = file.line_col(span.end);
                    JsonLabel {
                        file: &file.name,
                        start: span.start,
                        end: span.end,
                        line,
                        column,
                        end_line,
                        end_column,
                        message: non_empty(label.text.get(lang)),
                        primary: primary.is_some_and(|p| std::ptr::eq(p, label)),
                        cell: label.cell.as_ref().map(crate::diagnostics::Place::name),
                    }
                })
                .collect();
            JsonDiagnostic {
                code: diag.code.id(),
                severity: diag.severity,
                message: diag.message.get(lang),
                help: diag.help.as_ref().map(|h| h.get(lang)),
                labels,
            }
        })
        .collect();
    // Serialising plain strings, numbers and booleans cannot fail; an empty array is the
    // fallback all the same.
    let mut out = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_owned());
    out.push('\n');
    out
}

// --- human

/// Renders diagnostics with miette's graphical handler, each followed by a blank line.
///
/// The header names the code; the message, the labelled snippet of the primary file and the
/// help follow. Labels that point into another file than the primary label's are shown as
/// related reports below, each with its own snippet.
pub fn render_human(diags: &[Diagnostic], lang: Lang, style: &HumanStyle) -> String {
    let characters = match style.charset {
        Charset::Unicode => ThemeCharacters::unicode(),
        Charset::Ascii => ThemeCharacters::ascii(),
    };
    let styles = if style.color { ThemeStyles::ansi() } else { ThemeStyles::none() };
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme { characters, styles })
        .with_width(style.width)
        .with_links(false)
        .with_urls(false)
        .without_syntax_highlighting()
        .with_show_related_as_nested(true);
    // A workbook's cell has no line and column: its snippet is headed `FILE!Sheet1!H3` alone.
    let at_cell = GraphicalReportHandler::new_themed(GraphicalTheme {
        characters: match style.charset {
            Charset::Unicode => ThemeCharacters::unicode(),
            Charset::Ascii => ThemeCharacters::ascii(),
        },
        styles: if style.color { ThemeStyles::ansi() } else { ThemeStyles::none() },
    })
    .with_width(style.width)
    .with_links(false)
    .with_urls(false)
    .without_syntax_highlighting()
    .with_show_related_as_nested(true)
    .without_primary_span_start();
    let mut out = String::new();
    for diag in diags {
        let handler = if diag.primary_cell().is_some() { &at_cell } else { &handler };
        if diag.labels.iter().any(|l| on_long_line(&l.loc.file.text, l.loc.span)) {
            // A snippet of a line thousands of characters long helps nobody (and is past what
            // the graphical handler can lay out); the plain block still names line and column.
            out.push_str(render_plain(std::slice::from_ref(diag), lang).trim_end());
            out.push_str("\n\n");
            continue;
        }
        let view = View::new(diag, lang);
        let mut report = String::new();
        if handler.render_report(&mut report, &view).is_err() {
            // The handler only fails when a span cannot be read; fall back to the plain format.
            report = render_plain(std::slice::from_ref(diag), lang);
        }
        out.push_str(report.trim_end());
        out.push_str("\n\n");
    }
    out
}

/// The longest line, in characters, shown as a snippet; a label on or next to a longer line is
/// shown in the plain format.
const MAX_SNIPPET_LINE: usize = 1_000;

/// Whether `span` lies on, or on a line next to, a line longer than [`MAX_SNIPPET_LINE`].
fn on_long_line(text: &str, span: Span) -> bool {
    let span = clamp_span(text, span);
    let before = text.get(..span.start).unwrap_or("");
    // From the start of the line before the label's first line to the end of the line after
    // its last (the snippet shows one line of context on each side).
    let from = before.rmatch_indices('\n').nth(1).map_or(0, |(i, _)| i + 1);
    let after = text.get(span.end..).unwrap_or("");
    let to = after.match_indices('\n').nth(1).map_or(text.len(), |(i, _)| span.end + i);
    text.get(from..to).unwrap_or("").split('\n').any(|line| line.chars().count() > MAX_SNIPPET_LINE)
}

/// A [`SourceFile`] as miette reads it: named by its path, with columns counted in characters
/// (miette itself counts bytes, which is wrong for Chinese text).
#[derive(Debug)]
struct FileSource<'a> {
    file: &'a SourceFile,
    /// The workbook cell the snippet is at, named after the file (`FILE!Sheet1!H3`).
    cell: Option<String>,
}

impl SourceCode for FileSource<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        // Pieces of a register read together ([`crate::source::Gap`]): the snippet is taken from
        // the piece between two gaps, so that its lines are numbered as in the file.
        let text = self.file.text.as_str();
        let (lo, hi, lines_before) = self.file.piece(span.offset());
        let part = text.get(lo..hi).unwrap_or("");
        let start = span.offset().saturating_sub(lo).min(part.len());
        let local = SourceSpan::new(start.into(), span.len().min(part.len() - start));
        let inner = <str as SourceCode>::read_span(
            part,
            &local,
            context_lines_before,
            context_lines_after,
        )?;
        let offset = inner.span().offset() + lo;
        let column = self.file.line_col(offset).1.saturating_sub(1);
        // miette numbers lines from 0.
        let line = self.file.file_line(inner.line() + lines_before + 1) - 1;
        let name = match &self.cell {
            Some(cell) => format!("{}!{cell}", self.file.name),
            None => self.file.name.clone(),
        };
        Ok(Box::new(MietteSpanContents::new_named(
            name,
            inner.data(),
            SourceSpan::new(offset.into(), inner.span().len()),
            line,
            column,
            inner.line_count(),
        )))
    }
}

/// The miette label of one of our labels.
fn labeled_span(label: &Label, lang: Lang, primary: bool, with_text: bool) -> LabeledSpan {
    let text = &label.loc.file.text;
    let mut span = clamp_span(text, label.loc.span);
    // miette draws nothing for an empty span at the very end of a file that ends with a line
    // break (an "unexpected end of file"); point at the end of the last line instead.
    if span.is_empty() && span.start == text.len() {
        let trimmed = text.trim_end_matches(['\n', '\r']).len();
        if trimmed < text.len() {
            span = Span::new(trimmed, trimmed);
        }
    }
    let message = with_text.then(|| non_empty(label.text.get(lang))).flatten().map(str::to_owned);
    if primary {
        LabeledSpan::new_primary_with_span(message, span)
    } else {
        LabeledSpan::new_with_span(message, span)
    }
}

/// One diagnostic, in one language, as miette sees it.
#[derive(Debug)]
struct View<'a> {
    diag: &'a Diagnostic,
    lang: Lang,
    source: Option<FileSource<'a>>,
    labels: Vec<LabeledSpan>,
    related: Vec<RelatedView<'a>>,
}

impl<'a> View<'a> {
    fn new(diag: &'a Diagnostic, lang: Lang) -> View<'a> {
        let primary = primary_label(diag);
        let primary_file = primary.map(|l| &*l.loc.file);
        let mut labels = Vec::new();
        let mut related = Vec::new();
        for label in &diag.labels {
            let is_primary = primary.is_some_and(|p| std::ptr::eq(p, label));
            if primary_file.is_some_and(|f| f.name == label.loc.file.name) {
                labels.push(labeled_span(label, lang, is_primary, true));
            } else {
                related.push(RelatedView::new(label, lang));
            }
        }
        let cell = primary.and_then(|l| l.cell.as_ref()).map(super::Place::name);
        View {
            diag,
            lang,
            source: primary_file.map(|file| FileSource { file, cell }),
            labels,
            related,
        }
    }
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.diag.message.get(self.lang))
    }
}

impl std::error::Error for View<'_> {}

fn miette_severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Note => miette::Severity::Advice,
    }
}

impl miette::Diagnostic for View<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diag.code.id()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(miette_severity(self.diag.severity))
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let help = self.diag.help.as_ref()?.get(self.lang);
        Some(Box::new(help))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn miette::Diagnostic)))
    }
}

/// A label in another file than the primary one, shown as a note with its own snippet.
#[derive(Debug)]
struct RelatedView<'a> {
    message: &'a str,
    source: FileSource<'a>,
    label: LabeledSpan,
}

impl<'a> RelatedView<'a> {
    fn new(label: &'a Label, lang: Lang) -> RelatedView<'a> {
        let message = non_empty(label.text.get(lang)).unwrap_or(match lang {
            Lang::Zh => "相关位置",
            Lang::En => "related location",
        });
        RelatedView {
            message,
            source: FileSource {
                file: &label.loc.file,
                cell: label.cell.as_ref().map(super::Place::name),
            },
            label: labeled_span(label, lang, true, false),
        }
    }
}

impl fmt::Display for RelatedView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

impl std::error::Error for RelatedView<'_> {}

impl miette::Diagnostic for RelatedView<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(self.label.clone())))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::diagnostics::{Code, Text};
    use crate::source::Loc;

    const POLICY: &str = "主体 企业 { 营业收入: 元 }\n令 补贴 = 营业收人 × 30%\n";

    fn policy() -> Arc<SourceFile> {
        SourceFile::new("政策/示例.zc", POLICY)
    }

    fn span_of(file: &SourceFile, needle: &str, nth: usize) -> Span {
        let start = file.text.match_indices(needle).nth(nth).map(|(i, _)| i).unwrap();
        Span::new(start, start + needle.len())
    }

    fn unknown_name() -> Diagnostic {
        let f = policy();
        Diagnostic::new(
            Code::UnknownName,
            Text::new("名称 `营业收人` 没有定义", "unknown name `营业收人`"),
        )
        .at(Loc::new(&f, span_of(&f, "营业收人", 0)), Text::new("这个名称没有定义", "not defined"))
        .also(
            Loc::new(&f, span_of(&f, "营业收入", 0)),
            Text::new(
                "相近的名称 `营业收入` 在这里定义",
                "the similar name `营业收入` is defined here",
            ),
        )
        .help(Text::new("你是不是想写 `营业收入`？", "did you mean `营业收入`?"))
    }

    fn total_mismatch() -> Diagnostic {
        let f = SourceFile::new(
            "预算.zc",
            "预算 专项资金 5820万元 {\n  龙虎榜 3000万元\n  技术改造 2800万元\n}\n",
        );
        let data = SourceFile::new("数据/附表.zc", "合计 5800万元\n");
        Diagnostic::new(
            Code::TotalMismatch,
            Text::new(
                "合计 `5820万元` 与各项之和 `5800万元` 不符",
                "the stated total `5820万元` differs from the sum of its parts `5800万元`",
            ),
        )
        .at(Loc::new(&f, span_of(&f, "5820万元", 0)), Text::new("声明的合计", "stated total"))
        .also(Loc::new(&f, span_of(&f, "3000万元", 0)), Text::new("第 1 项", "part 1"))
        .also(Loc::new(&f, span_of(&f, "2800万元", 0)), Text::new("第 2 项", "part 2"))
        .also(
            Loc::new(&data, span_of(&data, "5800万元", 0)),
            Text::new("附表中的合计", "the total in the annex"),
        )
        .help(Text::new("核对各项金额或合计金额", "check the parts or the stated total"))
    }

    fn io_error() -> Diagnostic {
        Diagnostic::new(
            Code::Io,
            Text::new("无法读取 `缺失.zc`：文件不存在", "cannot read `缺失.zc`: no such file"),
        )
        .help(Text::new("检查路径是否正确", "check the path"))
    }

    #[test]
    fn plain_counts_columns_in_characters() {
        let out = render_plain(&[unknown_name()], Lang::Zh);
        assert_eq!(
            out,
            "政策/示例.zc:2:8: error[ZC0201]: 名称 `营业收人` 没有定义\n\
             \x20 = help: 你是不是想写 `营业收入`？\n\
             \x20 政策/示例.zc:1:9: note: 相近的名称 `营业收入` 在这里定义\n"
        );
        let out = render_plain(&[unknown_name()], Lang::En);
        assert!(out.starts_with("政策/示例.zc:2:8: error[ZC0201]: unknown name `营业收人`\n"));
        assert!(out.contains("  = help: did you mean `营业收入`?\n"));
    }

    #[test]
    fn plain_without_labels_and_multiline_help() {
        let d = io_error().help(Text::new("第一行\n第二行", "line one\nline two"));
        assert_eq!(
            render_plain(&[d], Lang::En),
            "error[ZC0901]: cannot read `缺失.zc`: no such file\n\
             \x20 = help: line one\n\
             \x20         line two\n"
        );
    }

    #[test]
    fn json_schema_and_character_columns() {
        let out = render_json(&[unknown_name(), io_error()], Lang::Zh);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let first = &v[0];
        assert_eq!(first["code"], "ZC0201");
        assert_eq!(first["severity"], "error");
        assert_eq!(first["message"], "名称 `营业收人` 没有定义");
        assert_eq!(first["help"], "你是不是想写 `营业收入`？");
        let primary = &first["labels"][0];
        let start = POLICY.find("营业收人").unwrap();
        assert_eq!(primary["file"], "政策/示例.zc");
        assert_eq!(primary["start"], start);
        assert_eq!(primary["end"], start + "营业收人".len());
        assert_eq!((&primary["line"], &primary["column"]), (&2.into(), &8.into()));
        assert_eq!((&primary["end_line"], &primary["end_column"]), (&2.into(), &12.into()));
        assert_eq!(primary["message"], "这个名称没有定义");
        assert_eq!(primary["primary"], true);
        let secondary = &first["labels"][1];
        assert_eq!((&secondary["line"], &secondary["column"]), (&1.into(), &9.into()));
        assert_eq!(secondary["primary"], false);
        let io = &v[1];
        assert_eq!(io["code"], "ZC0901");
        assert_eq!(io["labels"], serde_json::json!([]));
        let en: serde_json::Value =
            serde_json::from_str(&render_json(&[io_error()], Lang::En)).unwrap();
        assert_eq!(en[0]["message"], "cannot read `缺失.zc`: no such file");
        assert_eq!(render_json(&[], Lang::En), "[]\n");
    }

    #[test]
    fn json_help_is_null_when_absent() {
        let d = Diagnostic::new(Code::Unused, Text::new("甲", "a"));
        let v: serde_json::Value = serde_json::from_str(&render_json(&[d], Lang::En)).unwrap();
        assert_eq!(v[0]["help"], serde_json::Value::Null);
        assert_eq!(v[0]["severity"], "warning");
    }

    #[test]
    fn spans_are_clamped_to_the_text() {
        let text = "补贴";
        assert_eq!(clamp_span(text, Span::new(1, 4)), Span::new(0, 6));
        assert_eq!(clamp_span(text, Span::new(10, 20)), Span::new(6, 6));
        assert_eq!(clamp_span(text, Span::new(3, 1)), Span::new(3, 3));
    }

    #[test]
    fn summary_in_both_languages() {
        let two_errors_one_warning =
            [unknown_name(), io_error(), Diagnostic::new(Code::Unused, Text::new("甲", "a"))];
        assert_eq!(summary(&two_errors_one_warning, Lang::Zh), "2 个错误，1 个警告");
        assert_eq!(summary(&two_errors_one_warning, Lang::En), "2 errors, 1 warning");
        assert_eq!(summary(&[io_error()], Lang::En), "1 error");
        assert_eq!(summary(&[total_mismatch(), total_mismatch()], Lang::En), "2 warnings");
        assert_eq!(summary(&[], Lang::Zh), "未发现问题");
        assert_eq!(summary(&[], Lang::En), "no problems found");
    }

    fn human(diags: &[Diagnostic], lang: Lang) -> String {
        render_human(diags, lang, &HumanStyle::default())
    }

    #[test]
    fn human_zh() {
        insta::assert_snapshot!(human(&[io_error(), unknown_name(), total_mismatch()], Lang::Zh));
    }

    #[test]
    fn human_en() {
        insta::assert_snapshot!(human(&[io_error(), unknown_name(), total_mismatch()], Lang::En));
    }

    #[test]
    fn human_ascii() {
        let style = HumanStyle { charset: Charset::Ascii, ..HumanStyle::default() };
        insta::assert_snapshot!(render_human(&[unknown_name()], Lang::En, &style));
    }

    #[test]
    fn human_header_column_counts_characters() {
        let out = human(&[unknown_name()], Lang::Zh);
        assert!(out.contains("[政策/示例.zc:2:8]"), "{out}");
    }

    #[test]
    fn a_row_read_alone_is_shown_at_its_line_without_the_lines_before_it() {
        // The header, then the row that is line 999 of the register.
        let gap = crate::source::Gap { after: 1, lines: 997 };
        let file = SourceFile::with_gaps("d.csv", "名称,年份\n企业1,20x3\n", &[gap]);
        let at = file.text.find("20x3").unwrap();
        let d = Diagnostic::new(Code::WrongValue, Text::new("不是年份", "not a year"))
            .at(Loc::new(&file, Span::new(at, at + 4)), Text::new("应为年份", "a year"));
        let shown = human(std::slice::from_ref(&d), Lang::En);
        assert!(shown.contains("[d.csv:999:5]"), "{shown}");
        assert!(shown.contains("999 │ 企业1,20x3"), "{shown}");
        // Neither the header, shown as the line before, nor empty lines standing for the rows.
        assert!(!shown.contains("名称") && !shown.contains("998 │"), "{shown}");
        // A problem in the header is shown in the header, at line 1.
        let d = Diagnostic::new(Code::WrongValue, Text::new("列", "column"))
            .at(Loc::new(&file, Span::new(0, 6)), Text::new("此列", "this column"));
        let shown = human(std::slice::from_ref(&d), Lang::En);
        assert!(shown.contains("[d.csv:1:1]") && shown.contains("1 │ 名称,年份"), "{shown}");
        assert!(!shown.contains("企业1"), "{shown}");
    }

    #[test]
    fn human_with_colour_uses_escape_codes() {
        let style = HumanStyle { color: true, ..HumanStyle::default() };
        assert!(render_human(&[unknown_name()], Lang::Zh, &style).contains('\u{1b}'));
        assert!(!human(&[unknown_name()], Lang::Zh).contains('\u{1b}'));
    }

    #[test]
    fn human_empty_and_out_of_range_spans_render() {
        let f = policy();
        let d = Diagnostic::new(Code::Syntax, Text::new("语法错误", "syntax error"))
            .at(Loc::new(&f, Span::new(f.text.len(), f.text.len())), Text::new("这里", "here"))
            .also(Loc::new(&f, Span::new(1, 10_000)), Text::new("甲", "a"))
            .also(Loc::new(&f, Span::new(3, 3)), Text::new("乙", "b"));
        let long = "很长的说明".repeat(30);
        let wrapped = Diagnostic::new(Code::Syntax, Text::new(long.clone(), "long"))
            .at(Loc::new(&f, Span::new(0, 6)), Text::new("", ""))
            .help(Text::new(long, "long"));
        insta::assert_snapshot!(human(&[d, wrapped], Lang::Zh));
    }

    #[test]
    fn a_label_far_along_a_long_line_is_shown_plainly() {
        // The graphical handler cannot lay out a column past 65,535; such a line is shown in the
        // plain block, which still gives its line and column.
        let text = format!("令 a = 1\n令 b = {}c\n", "甲 + ".repeat(40_000));
        let f = SourceFile::new("long.zc", text.clone());
        let at = text.rfind('c').unwrap_or(0);
        let d =
            Diagnostic::new(Code::UnknownName, Text::new("未定义的名称 `c`", "unknown name `c`"))
                .at(Loc::new(&f, Span::new(at, at + 1)), Text::new("此处", "here"));
        let out = human(&[d], Lang::En);
        assert!(out.contains("long.zc:2:160007"), "{out}");
        assert!(out.contains("unknown name `c`"), "{out}");
        // A short line next to nothing long keeps its snippet.
        let out = human(&[unknown_name()], Lang::En);
        assert!(out.contains('│'), "{out}");
    }
}

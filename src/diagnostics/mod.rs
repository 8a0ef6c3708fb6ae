//! Diagnostics: the one error type every phase reports through.
//!
//! A [`Diagnostic`] carries a stable [`Code`], a severity, a message in Chinese and in English,
//! labelled spans ([`Label`]), and help in both languages. Phases never stop at the first problem:
//! they push diagnostics into a [`Diagnostics`] list, which is sorted by file and position before
//! it is shown.
//!
//! Message style (both languages): lowercase English, no final period, user input in backticks,
//! never a Rust type name; the Chinese text is a full sentence without a final 。.
//! The full guide is `docs/diagnostics-style.md`; each code's page is `docs/codes/ZCxxxx.md`.

pub mod codes;
pub mod explain;
pub mod lang;
pub mod render;
pub mod suggest;

use crate::source::Loc;
pub use codes::Code;

/// How serious a diagnostic is. Errors make `check` exit 1; warnings do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

/// The language diagnostics are shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// A text in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text { zh: zh.into(), en: en.into() }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// A labelled span: where, and what is there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub loc: Loc,
    pub text: Text,
    /// The primary label is the one the diagnostic is sorted by.
    pub primary: bool,
    /// The cell or row of a workbook the label is at: a workbook has no text to point into, so
    /// the span is empty and this says where (`FILE!Sheet1!H3` in every format).
    pub cell: Option<Place>,
}

/// A cell or a whole row of a workbook's sheet.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    /// The sheet's name.
    pub sheet: String,
    /// The row, from 0.
    pub row: u32,
    /// The column, from 0; `None` for the whole row.
    pub col: Option<u32>,
}

impl Place {
    /// The name spreadsheet users give it: `Sheet1!H3`, or `Sheet1!3:3` for a row.
    pub fn name(&self) -> String {
        let row = u64::from(self.row) + 1;
        match self.col {
            Some(col) => format!("{}!{}{row}", self.sheet, column_letters(col)),
            None => format!("{}!{row}:{row}", self.sheet),
        }
    }
}

/// Spreadsheet column letters: 0 → `A`, 25 → `Z`, 26 → `AA`.
pub fn column_letters(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(char::from(b'A' + u8::try_from(rem).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// One problem found in a policy or data file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: Text,
    pub labels: Vec<Label>,
    pub help: Option<Text>,
    /// The data column (a field's name) a problem with a cell is in: past the first
    /// [`SHOWN_PER_COLUMN`] of one code in one column of a file, the others are counted.
    pub column: Option<String>,
}

/// How many diagnostics of one code in one column of a data file are shown: a register with
/// the same mistake down a column gives these and a count of the others, not a million.
pub const SHOWN_PER_COLUMN: usize = 10;

/// The order diagnostics are shown in: file, workbook cell, line and column as numbered in the
/// file, then the end of the span, the code and the message (so that equal places from pieces
/// of a register read in any order sort the same).
type SortKey = (String, Option<Place>, usize, usize, usize, Code, String);

impl Diagnostic {
    /// A diagnostic with the severity its code declares.
    pub fn new(code: Code, message: Text) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message,
            labels: Vec::new(),
            help: None,
            column: None,
        }
    }

    /// Adds the primary label.
    pub fn at(mut self, loc: Loc, text: Text) -> Diagnostic {
        self.labels.push(Label { loc, text, primary: true, cell: None });
        self
    }

    /// Places the primary label at a workbook's cell or row.
    pub fn in_cell(mut self, place: Place) -> Diagnostic {
        if let Some(l) = self.labels.iter_mut().find(|l| l.primary) {
            l.cell = Some(place);
        }
        self
    }

    /// Adds a secondary label (the other side of a disagreement, the earlier definition, ...).
    pub fn also(mut self, loc: Loc, text: Text) -> Diagnostic {
        self.labels.push(Label { loc, text, primary: false, cell: None });
        self
    }

    pub fn help(mut self, text: Text) -> Diagnostic {
        self.help = Some(text);
        self
    }

    /// Says which data column (a field's name) the problem is in ([`SHOWN_PER_COLUMN`]).
    pub fn in_column(mut self, name: &str) -> Diagnostic {
        self.column = Some(name.to_owned());
        self
    }

    /// The primary location, if any.
    pub fn primary(&self) -> Option<&Loc> {
        self.labels.iter().find(|l| l.primary).or(self.labels.first()).map(|l| &l.loc)
    }

    /// The workbook cell of the primary label, if it is at one.
    pub fn primary_cell(&self) -> Option<&Place> {
        self.labels.iter().find(|l| l.primary).or(self.labels.first()).and_then(|l| l.cell.as_ref())
    }

    fn sort_key(&self) -> SortKey {
        let cell = self.primary_cell().cloned();
        let message = self.message.en.clone();
        match self.primary() {
            Some(loc) => {
                let (line, col) = loc.file.line_col(loc.span.start);
                (loc.file.name.clone(), cell, line, col, loc.span.end, self.code, message)
            }
            None => (String::new(), None, 0, 0, 0, self.code, message),
        }
    }
}

/// All diagnostics of one run.
///
/// A problem that is the same for every subject (a parameter without a value: [`Code::once_per_run`])
/// is kept once, at its first subject, however many subjects it stops: the others are counted,
/// and [`Diagnostics::sorted`] says how many. A register of a million subjects without the
/// parameter gives one diagnostic, not a million.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// For each item standing for several subjects, by its position: how many more.
    more: std::collections::BTreeMap<usize, u64>,
    /// The position of the item kept for each code and place reported once per run.
    kept: std::collections::BTreeMap<(Code, String, usize, usize, Option<Place>), usize>,
    /// For each code, data file and column: the items shown, the first in the file.
    columns: std::collections::BTreeMap<(Code, String, String), Series>,
}

/// The diagnostics of one code in one column of a data file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Series {
    /// The first [`SHOWN_PER_COLUMN`] in the file: where each sorts, and its position.
    shown: Vec<(SortKey, usize)>,
    /// How many more there are.
    more: u64,
}

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.add(d, 0);
    }

    /// Adds `d`, reported once per run, standing for `extra` more subjects besides its own (a
    /// block of a register that counted them instead of making one diagnostic each).
    pub fn push_counted(&mut self, d: Diagnostic, extra: u64) {
        self.add(d, extra);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        let mut more = other.more;
        for (i, d) in other.items.into_iter().enumerate() {
            let extra = more.remove(&i).unwrap_or(0);
            self.add(d, extra);
        }
        for (key, series) in other.columns {
            if series.more > 0 {
                self.columns.entry(key).or_default().more += series.more;
            }
        }
    }

    /// Adds `d`, which stands for `extra` more subjects besides its own.
    fn add(&mut self, d: Diagnostic, extra: u64) {
        if d.code.once_per_run()
            && let Some(loc) = d.primary()
        {
            let site = (
                d.code,
                loc.file.name.clone(),
                loc.span.start,
                loc.span.end,
                d.primary_cell().cloned(),
            );
            if let Some(&at) = self.kept.get(&site) {
                if d.code.counts_subjects() {
                    *self.more.entry(at).or_insert(0) += extra + 1;
                    // The rules it stopped for this subject join those of the others.
                    if let Some(kept) = self.items.get_mut(at) {
                        for l in d.labels {
                            if !l.primary && !kept.labels.contains(&l) {
                                kept.labels.push(l);
                            }
                        }
                    }
                }
                return;
            }
            self.kept.insert(site, self.items.len());
        } else if let Some(column) = &d.column
            && let Some(loc) = d.primary()
        {
            let series =
                self.columns.entry((d.code, loc.file.name.clone(), column.clone())).or_default();
            let key = d.sort_key();
            if series.shown.len() >= SHOWN_PER_COLUMN {
                // Past the first few in the file: counted; one later in the file than this one
                // makes way for it (pieces of a register arrive in any order).
                let last = series.shown.iter_mut().max_by(|a, b| a.0.cmp(&b.0));
                match last {
                    Some(last) if key < last.0 => {
                        let at = last.1;
                        *last = (key, at);
                        series.more += 1 + self.more.remove(&at).unwrap_or(0);
                        if extra > 0 {
                            self.more.insert(at, extra);
                        }
                        if let Some(slot) = self.items.get_mut(at) {
                            *slot = d;
                        }
                    }
                    _ => series.more += 1 + extra,
                }
                return;
            }
            series.shown.push((key, self.items.len()));
        }
        if extra > 0 {
            self.more.insert(self.items.len(), extra);
        }
        self.items.push(d);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The diagnostics in file and source order (stable for equal positions); one kept for
    /// several subjects says how many more it stopped.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        for ((_, _, column), series) in std::mem::take(&mut self.columns) {
            let first = series.shown.iter().min_by(|a, b| a.0.cmp(&b.0));
            if series.more > 0
                && let Some(d) = first.and_then(|f| self.items.get_mut(f.1))
            {
                let (n, shown) = (series.more, series.shown.len());
                d.message.zh.push_str(&format!(
                    "（`{column}` 列另有 {n} 处同样的问题，只列出在前的 {shown} 处）"
                ));
                d.message.en.push_str(&format!(
                    " (and {n} more like it in column `{column}`; only the first {shown} are shown)"
                ));
            }
        }
        for (at, n) in std::mem::take(&mut self.more) {
            if let Some(d) = self.items.get_mut(at) {
                d.message.zh.push_str(&format!("（另有 {n} 个主体同样如此）"));
                d.message.en.push_str(&format!(" (and {n} more subjects)"));
            }
        }
        self.items.sort_by_cached_key(Diagnostic::sort_key);
        self.items
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(items: Vec<Diagnostic>) -> Self {
        let mut all = Diagnostics::new();
        for d in items {
            all.push(d);
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, Span};

    fn at(code: Code, subject: &str, start: usize) -> Diagnostic {
        let file = SourceFile::new("p.zc", "参数 全省增速: % 按年\n参数 其他: %\n");
        Diagnostic::new(code, Text::new(format!("主体 `{subject}`"), format!("`{subject}`")))
            .at(Loc::new(&file, Span::new(start, start + 3)), Text::new("此处", "here"))
    }

    #[test]
    fn a_missing_parameter_is_reported_once_with_the_number_of_subjects() {
        let mut all = Diagnostics::new();
        for i in 0..5 {
            let mut one = Diagnostics::new();
            one.push(at(Code::MissingParamValue, &format!("县{i}"), 7));
            one.push(at(Code::DivisionByZero, &format!("县{i}"), 7));
            all.extend(one);
        }
        // Another parameter: its own diagnostic; three of the same kept together in one list.
        let mut block = Diagnostics::new();
        for i in 0..3 {
            block.push(at(Code::MissingParamValue, &format!("市{i}"), 30));
        }
        all.extend(block);
        let sorted = all.sorted();
        let missing: Vec<&Diagnostic> =
            sorted.iter().filter(|d| d.code == Code::MissingParamValue).collect();
        assert_eq!(missing.len(), 2);
        assert_eq!(missing[0].message.en, "`县0` (and 4 more subjects)");
        assert_eq!(missing[0].message.zh, "主体 `县0`（另有 4 个主体同样如此）");
        assert_eq!(missing[1].message.en, "`市0` (and 2 more subjects)");
        // Other codes depend on the subject: each is kept.
        assert_eq!(sorted.iter().filter(|d| d.code == Code::DivisionByZero).count(), 5);
    }

    /// A problem with the cell at line `line` (1-based) of a file of 30 lines `rNN,x`, in
    /// column `column`.
    fn in_cell(file: &std::sync::Arc<SourceFile>, line: usize, column: &str) -> Diagnostic {
        let start = (line - 1) * 6 + 4;
        Diagnostic::new(
            Code::WrongValue,
            Text::new(format!("第 {line} 行"), format!("line {line}")),
        )
        .at(Loc::new(file, Span::new(start, start + 1)), Text::new("此处", "here"))
        .in_column(column)
    }

    #[test]
    fn past_ten_in_one_column_the_others_are_counted_in_whatever_order_they_arrive() {
        let text: String = (1..=30).map(|i| format!("r{i:02},x\n")).collect();
        let file = SourceFile::new("d.csv", text);
        // Two pieces of the register, each arriving from its last line to its first.
        let (mut odd, mut even) = (Diagnostics::new(), Diagnostics::new());
        for line in (1..=30).rev() {
            let piece = if line % 2 == 1 { &mut odd } else { &mut even };
            piece.push(in_cell(&file, line, "年份"));
        }
        let mut all = Diagnostics::new();
        all.push(in_cell(&file, 25, "金额"));
        all.extend(even);
        all.extend(odd);
        all.push(in_cell(&file, 3, "金额"));
        let sorted = all.sorted();
        let years: Vec<&Diagnostic> =
            sorted.iter().filter(|d| d.column.as_deref() == Some("年份")).collect();
        let lines: Vec<usize> = years
            .iter()
            .map(|d| d.primary().unwrap().file.line_col(d.primary().unwrap().span.start).0)
            .collect();
        assert_eq!(lines, (1..=10).collect::<Vec<_>>());
        assert_eq!(
            years[0].message.en,
            "line 1 (and 20 more like it in column `年份`; only the first 10 are shown)"
        );
        assert_eq!(
            years[0].message.zh,
            "第 1 行（`年份` 列另有 20 处同样的问题，只列出在前的 10 处）"
        );
        assert!(years[1..].iter().all(|d| !d.message.en.contains("more like it")));
        // Another column keeps its own, under ten: none counted, in the file's order.
        let amounts: Vec<&str> = sorted
            .iter()
            .filter(|d| d.column.as_deref() == Some("金额"))
            .map(|d| d.message.en.as_str())
            .collect();
        assert_eq!(amounts, ["line 3", "line 25"]);
        assert_eq!(sorted.len(), 12);
    }
}

//! The raw table every loader produces: header cells, rows of cells, parameters, and where each
//! cell is in its file. Nothing here knows the policy; [`super::validate`] does.

use std::sync::Arc;

use rust_decimal::Decimal;

use crate::ast::Date;
use crate::diagnostics::{Code, Diagnostic, Text};
use crate::source::{Loc, SourceFile, Span};

/// Where a cell, a header or a row is in its data file.
///
/// Text files (CSV, JSON, TOML) are [`SourceFile`]s whose text diagnostics can underline: their
/// cells are [`DataLoc::Span`]s, byte ranges of the cell's text. A spreadsheet is binary: there
/// is no text to underline, so its cells are named the way spreadsheet users name them,
/// `工作表1!C5` (sheet, column letters, 1-based row), and a diagnostic about them carries that
/// name in its message and labels an empty span of the (empty) source file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DataLoc {
    /// A byte range of a text file (a quoted CSV cell includes its quotes).
    Span(Span),
    /// A spreadsheet cell; `row` and `col` count from 0 (`C5` is row 4, column 2).
    Cell {
        /// The sheet's name.
        sheet: String,
        /// The row, from 0.
        row: u32,
        /// The column, from 0.
        col: u32,
    },
    /// A whole spreadsheet row (the header row, or the row of one subject), from 0.
    Row {
        /// The sheet's name.
        sheet: String,
        /// The row, from 0.
        row: u32,
    },
}

impl DataLoc {
    /// The span to label: the cell's text, or an empty span for a spreadsheet location.
    pub fn span(&self) -> Span {
        match self {
            DataLoc::Span(s) => *s,
            DataLoc::Cell { .. } | DataLoc::Row { .. } => Span::default(),
        }
    }

    /// The spreadsheet name of the location (`工作表1!C5`, `工作表1!3:3` for a row); `None`
    /// for text files, whose locations are shown by underlining.
    pub fn cell_ref(&self) -> Option<String> {
        match self {
            DataLoc::Span(_) => None,
            DataLoc::Cell { sheet, row, col } => {
                Some(format!("{sheet}!{}{}", column_letters(*col), u64::from(*row) + 1))
            }
            DataLoc::Row { sheet, row } => {
                let n = u64::from(*row) + 1;
                Some(format!("{sheet}!{n}:{n}"))
            }
        }
    }

    /// The row of a spreadsheet location, from 0.
    pub fn sheet_row(&self) -> Option<u32> {
        match self {
            DataLoc::Span(_) => None,
            DataLoc::Cell { row, .. } | DataLoc::Row { row, .. } => Some(*row),
        }
    }
}

pub use crate::diagnostics::column_letters;

impl DataLoc {
    /// The workbook place of a spreadsheet location, for the diagnostic's label.
    pub fn place(&self) -> Option<crate::diagnostics::Place> {
        match self {
            DataLoc::Span(_) => None,
            DataLoc::Cell { sheet, row, col } => {
                Some(crate::diagnostics::Place { sheet: sheet.clone(), row: *row, col: Some(*col) })
            }
            DataLoc::Row { sheet, row } => {
                Some(crate::diagnostics::Place { sheet: sheet.clone(), row: *row, col: None })
            }
        }
    }
}

/// A cell's content as the file gives it, before it is checked against a field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RawValue {
    /// Nothing, or only white space.
    Empty,
    /// Text as written (every CSV cell is text).
    Text(String),
    /// A typed number (JSON, TOML, a spreadsheet number cell), exact.
    Number(Decimal),
    /// A typed yes/no value.
    Bool(bool),
    /// A typed date (TOML, a spreadsheet date cell).
    Date(Date),
    /// Something that is not a value: a spreadsheet error such as `#DIV/0!`, a duration, a
    /// number too large to hold exactly. The text says what it is.
    Invalid(String),
}

impl RawValue {
    /// The cell as shown in messages.
    pub fn display(&self) -> String {
        match self {
            RawValue::Empty => String::new(),
            RawValue::Text(t) | RawValue::Invalid(t) => t.trim().to_string(),
            RawValue::Number(d) => d.normalize().to_string(),
            RawValue::Bool(b) => b.to_string(),
            RawValue::Date(d) => format!("{:04}-{:02}-{:02}", d.year, d.month, d.day),
        }
    }

    /// True if the cell holds nothing.
    pub fn is_empty(&self) -> bool {
        match self {
            RawValue::Empty => true,
            RawValue::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }
}

/// One cell and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawCell {
    /// The content.
    pub value: RawValue,
    /// Where it is.
    pub loc: DataLoc,
}

/// A column header: the header text, and for JSON and TOML, the key of a nested table
/// (`"营业收入": { "2020": 12.5 }` is column `营业收入` with sub-key `2020`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawColumn {
    /// The header text as written.
    pub name: String,
    /// Where the header is.
    pub loc: DataLoc,
    /// The nested key, for a value given as a table of years.
    pub sub: Option<(String, DataLoc)>,
}

/// One row: one subject, or in long form one subject in one year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawRow {
    /// The whole row (a CSV line, a JSON object, a TOML table, a spreadsheet row).
    pub loc: DataLoc,
    /// One entry per column; `None` where the row does not give that column (a JSON object
    /// without the key, a short CSV line).
    pub cells: Vec<Option<RawCell>>,
}

/// The subjects of a data file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawTable {
    /// The header row (CSV, spreadsheet) or the list of subjects (JSON, TOML).
    pub header_loc: DataLoc,
    /// The columns, in the order they first appear.
    pub columns: Vec<RawColumn>,
    /// The rows, in file order; rows with no content are left out.
    pub rows: Vec<RawRow>,
    /// True when each row names its own cells (JSON, TOML): different rows may then spell a
    /// field's header differently (`转化费用` in one, `转化费用(万元)` in another).
    pub keyed: bool,
}

/// One parameter value given in the data: `优秀分数线(分) = 90`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawParam {
    /// The parameter's name, as a header (it may carry a unit and a year).
    pub name: RawColumn,
    /// The value.
    pub value: RawCell,
}

/// Members written under their owners in a JSON or TOML file (`[[subjects."合同"]]`, a key of a
/// subject whose value is a list of tables), one table per key: nothing here knows whether the
/// key names a member kind (`crate::engine::members` takes the ones that do; [`super::validate`]
/// refuses the others).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawNested {
    /// The key, as written (trimmed): a member kind's name.
    pub kind: String,
    /// Where the key is first written.
    pub loc: DataLoc,
    /// The members under that key, across all owners, in file order.
    pub table: RawTable,
    /// For each row of `table`, the row of the data's table it is written under.
    pub owners: Vec<usize>,
}

/// Everything a data file holds, before validation.
#[derive(Clone, Debug)]
pub struct RawData {
    /// The file, for diagnostics (empty text for a spreadsheet).
    pub file: Arc<SourceFile>,
    /// The subjects, if the file has any.
    pub table: Option<RawTable>,
    /// The parameters, if the file has any.
    pub params: Vec<RawParam>,
    /// The parameter table (a JSON object, a TOML table, a spreadsheet sheet), if any.
    pub params_loc: Option<DataLoc>,
    /// Members written under their owners (JSON, TOML), by key, in the order first written.
    pub nested: Vec<RawNested>,
}

impl RawData {
    /// The data of `file` holding `table` (if any), with no parameters and nothing nested.
    pub fn of(file: &Arc<SourceFile>, table: Option<RawTable>) -> RawData {
        RawData {
            file: Arc::clone(file),
            table,
            params: Vec::new(),
            params_loc: None,
            nested: Vec::new(),
        }
    }

    /// A diagnostic whose primary label is at `loc` in this file. For a spreadsheet location the
    /// message starts with the cell's name, since there is no text to underline.
    pub fn diag(&self, code: Code, message: Text, loc: &DataLoc, label: Text) -> Diagnostic {
        located(&self.file, code, message, loc, label)
    }
}

/// A diagnostic at a location of a data file. For a spreadsheet location the message starts
/// with the cell's name (`单元格 `工作表1!C5`：...`), since there is no text to underline.
pub(crate) fn located(
    file: &Arc<SourceFile>,
    code: Code,
    message: Text,
    loc: &DataLoc,
    label: Text,
) -> Diagnostic {
    let message = match (loc, loc.cell_ref()) {
        (DataLoc::Cell { .. }, Some(r)) => Text::new(
            format!("单元格 `{r}`：{}", message.zh),
            format!("cell `{r}`: {}", message.en),
        ),
        (_, Some(r)) => {
            Text::new(format!("行 `{r}`：{}", message.zh), format!("row `{r}`: {}", message.en))
        }
        (_, None) => message,
    };
    let d = Diagnostic::new(code, message).at(Loc::new(file, loc.span()), label);
    match loc.place() {
        Some(place) => d.in_cell(place),
        None => d,
    }
}

/// A secondary label's text, naming the spreadsheet cell when there is one.
pub(crate) fn label_at(loc: &DataLoc, text: Text) -> Text {
    match loc.cell_ref() {
        Some(r) => Text::new(format!("{}（`{r}`）", text.zh), format!("{} (`{r}`)", text.en)),
        None => text,
    }
}

/// Puts `cell` in the row `cells` under its column, adding the column to `columns` the first time
/// it is seen (a name and, for yearly fields, a year). Returns `false`, leaving the row as it
/// was, when the row already has a value in that column.
pub(crate) fn place(
    columns: &mut Vec<RawColumn>,
    cells: &mut Vec<Option<RawCell>>,
    col: RawColumn,
    cell: RawCell,
) -> bool {
    let same = |c: &RawColumn| {
        c.name == col.name && c.sub.as_ref().map(|s| &s.0) == col.sub.as_ref().map(|s| &s.0)
    };
    let idx = match columns.iter().position(same) {
        Some(i) => i,
        None => {
            columns.push(col);
            cells.push(None);
            columns.len() - 1
        }
    };
    match cells.get_mut(idx) {
        Some(slot @ None) => {
            *slot = Some(cell);
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_follow_spreadsheets() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(2), "C");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(column_letters(16383), "XFD", "the last column of a worksheet");
        assert!(!column_letters(u32::MAX).is_empty());
    }

    #[test]
    fn cell_refs() {
        let c = DataLoc::Cell { sheet: "工作表1".into(), row: 4, col: 2 };
        assert_eq!(c.cell_ref().as_deref(), Some("工作表1!C5"));
        assert_eq!(c.span(), Span::default());
        let r = DataLoc::Row { sheet: "S".into(), row: 0 };
        assert_eq!(r.cell_ref().as_deref(), Some("S!1:1"));
        assert_eq!(DataLoc::Span(Span::new(3, 5)).cell_ref(), None);
    }

    #[test]
    fn spreadsheet_messages_name_the_cell() {
        let f = SourceFile::new("a.xlsx", "");
        let loc = DataLoc::Cell { sheet: "工作表1".into(), row: 4, col: 2 };
        let d =
            located(&f, Code::WrongValue, Text::new("错", "bad"), &loc, Text::new("这里", "here"));
        assert_eq!(d.message.en, "cell `工作表1!C5`: bad");
        assert_eq!(d.message.zh, "单元格 `工作表1!C5`：错");
        assert_eq!(d.primary().map(|l| l.span), Some(Span::default()));
        let f = SourceFile::new("a.csv", "a,b");
        let d = located(
            &f,
            Code::WrongValue,
            Text::new("错", "bad"),
            &DataLoc::Span(Span::new(2, 3)),
            Text::new("这里", "here"),
        );
        assert_eq!(d.message.en, "bad");
        assert_eq!(d.primary().map(|l| l.span), Some(Span::new(2, 3)));
    }

    #[test]
    fn raw_values() {
        assert!(RawValue::Text(" \u{3000}".into()).is_empty());
        assert!(!RawValue::Number(Decimal::ZERO).is_empty());
        assert_eq!(RawValue::Number(Decimal::new(12500, 3)).display(), "12.5");
        assert_eq!(RawValue::Date(Date { year: 2024, month: 9, day: 1 }).display(), "2024-09-01");
    }
}

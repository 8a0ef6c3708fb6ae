//! The xlsx report: the workbook officers pass around. Three sheets, each a table with its
//! header in the first row:
//!
//! - `结果`: one row per subject, the id field (`企业名称`) then one column per rule, as in the
//!   CSV report, then each stacking rule's total and the subject's total (`合计(元)`), and a
//!   last row `合计` adding up the money. A column of numbers names its unit in the header, as
//!   data files do (`县内成果转化补助(元)`), and its values are in that unit (money in 元);
//!   percentages are fractions shown with `%`. A missing value reads 「缺数据」 (in red), the
//!   only text a column of numbers holds; the row of totals then says it is incomplete.
//! - `合计`: each award's total and the number of subjects that receive it, each stacking
//!   rule's, the total of all, and below them the document's title, number and the year.
//! - `计算依据`: the [basis](super::basis) of every award of every subject.
//!
//! The sheet names are the same in both languages, so that scripts find them; the headers
//! follow `--lang`.
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

use rust_decimal::Decimal;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};

use super::Report;
use super::basis::{BasisRow, amount_text, arithmetic_text, headers, inputs_text, lines, one_line};
use super::show::{grouped, show};
use crate::checker::types::Ty;
use crate::diagnostics::Lang;
use crate::eval::value::V;
use crate::register::out::MISSING;
use crate::units::{Dim, Kind};

/// The sheet names.
pub const RESULTS: &str = "结果";
pub const TOTALS: &str = "合计";
pub const BASIS: &str = "计算依据";

/// The widest a column is made, in characters.
const MAX_WIDTH: usize = 60;

/// Renders the report as an xlsx workbook.
pub fn render(r: &Report<'_, '_>, rows: &[BasisRow], lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let mut props =
        DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(1980, 1, 1)?);
    if let Some(title) = r.title() {
        props = props.set_title(title);
    }
    book.set_properties(&props);
    results(book.add_worksheet(), r, lang)?;
    totals(book.add_worksheet(), r, lang)?;
    basis(book.add_worksheet(), r, rows, lang)?;
    book.save_to_buffer()
}

/// A sheet being written: the widths its columns need.
pub(crate) struct Sheet<'w> {
    ws: &'w mut Worksheet,
    widths: Vec<usize>,
}

impl<'w> Sheet<'w> {
    pub(crate) fn new(
        ws: &'w mut Worksheet,
        name: &str,
        header: &[String],
    ) -> Result<Self, XlsxError> {
        ws.set_name(name)?;
        let mut s = Sheet { ws, widths: Vec::new() };
        let bold = Format::new().set_bold();
        for (col, h) in header.iter().enumerate() {
            let col = col16(col);
            s.ws.write_string_with_format(0, col, h, &bold)?;
            s.fit(col, h);
        }
        s.ws.set_freeze_panes(1, 0)?;
        Ok(s)
    }

    /// Widens a column to show `text`: a character of the CJK ranges takes two places.
    fn fit(&mut self, col: u16, text: &str) {
        let wide = |c: char| matches!(c, '\u{1100}'..='\u{115f}' | '\u{2e80}'..='\u{a4cf}' | '\u{ac00}'..='\u{d7a3}' | '\u{f900}'..='\u{faff}' | '\u{fe30}'..='\u{fe4f}' | '\u{ff00}'..='\u{ff60}' | '\u{ffe0}'..='\u{ffe6}');
        let longest =
            text.lines().map(|l| l.chars().map(|c| if wide(c) { 2 } else { 1 }).sum()).max();
        let need = longest.unwrap_or(0).min(MAX_WIDTH);
        let i = usize::from(col);
        if self.widths.len() <= i {
            self.widths.resize(i + 1, 0);
        }
        if let Some(w) = self.widths.get_mut(i) {
            *w = (*w).max(need);
        }
    }

    pub(crate) fn text(&mut self, row: u32, col: u16, text: &str) -> Result<(), XlsxError> {
        if !text.is_empty() {
            self.ws.write_string(row, col, text)?;
        }
        self.fit(col, text);
        Ok(())
    }

    /// A text over several lines, wrapped in its cell.
    fn wrapped(&mut self, row: u32, col: u16, text: &str) -> Result<(), XlsxError> {
        if text.is_empty() {
            return Ok(());
        }
        let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
        self.ws.write_string_with_format(row, col, text, &wrap)?;
        self.fit(col, text);
        Ok(())
    }

    /// A decimal, as a number where that is exact, else as text (see the module's comment).
    /// `percent` shows a fraction as a percentage.
    pub(crate) fn decimal(
        &mut self,
        row: u32,
        col: u16,
        n: Decimal,
        percent: bool,
    ) -> Result<(), XlsxError> {
        let n = n.normalize();
        let hundred = n.checked_mul(Decimal::ONE_HUNDRED).map(|h| h.normalize());
        let (format, shown, exact) = match (percent, hundred) {
            (true, Some(h)) => {
                (format!("0{}%", decimals(h.scale())), format!("{}%", grouped(h)), format!("{h}%"))
            }
            _ => (format!("#,##0{}", decimals(n.scale())), grouped(n), n.to_string()),
        };
        let Some(f) = exact_f64(n) else { return self.text(row, col, &exact) };
        self.ws.write_number_with_format(row, col, f, &Format::new().set_num_format(format))?;
        self.fit(col, &shown);
        Ok(())
    }

    /// An amount in 元: 「缺数据」 when missing (`None`), in a total past the exact range too.
    fn amount(&mut self, row: u32, col: u16, a: Option<Decimal>) -> Result<(), XlsxError> {
        match a {
            Some(n) => self.decimal(row, col, n, false),
            None => self.missing(row, col),
        }
    }

    /// A missing value: 「缺数据」, the one text a column of numbers holds, in red.
    pub(crate) fn missing(&mut self, row: u32, col: u16) -> Result<(), XlsxError> {
        let red = Format::new().set_font_color(rust_xlsxwriter::Color::Red);
        self.ws.write_string_with_format(row, col, MISSING, &red)?;
        self.fit(col, MISSING);
        Ok(())
    }

    /// A text in bold (a row of totals).
    fn bold(&mut self, row: u32, col: u16, text: &str) -> Result<(), XlsxError> {
        self.ws.write_string_with_format(row, col, text, &Format::new().set_bold())?;
        self.fit(col, text);
        Ok(())
    }

    /// A value of the report in its column's unit.
    fn value(&mut self, row: u32, col: u16, v: &V, r: &Report<'_, '_>) -> Result<(), XlsxError> {
        match v {
            V::Num(n, dim) => match dim.kind() {
                Kind::Percent => self.decimal(row, col, *n, true),
                Kind::Points => {
                    let points = n.checked_mul(Decimal::ONE_HUNDRED);
                    match points {
                        Some(p) => self.decimal(row, col, p, false),
                        None => self.text(row, col, &show(v, &r.checked.scope, Lang::Zh)),
                    }
                }
                Kind::Plain => self.decimal(row, col, *n, false),
            },
            V::Bool(b) => {
                self.ws.write_boolean(row, col, *b)?;
                self.fit(col, "FALSE");
                Ok(())
            }
            V::Year(y) => {
                self.ws.write_number(row, col, f64::from(*y))?;
                self.fit(col, "0000");
                Ok(())
            }
            V::Date(d) => {
                let shown = show(v, &r.checked.scope, Lang::Zh);
                match ExcelDateTime::from_ymd(d.year, d.month, d.day) {
                    Ok(dt) => {
                        let f = Format::new().set_num_format("yyyy-mm-dd");
                        self.ws.write_datetime_with_format(row, col, &dt, &f)?;
                        self.fit(col, &shown);
                        Ok(())
                    }
                    Err(_) => self.text(row, col, &shown),
                }
            }
            V::Missing => self.missing(row, col),
            V::Text(_) | V::Enum(..) => self.text(row, col, &show(v, &r.checked.scope, Lang::Zh)),
        }
    }

    pub(crate) fn finish(self) -> Result<(), XlsxError> {
        for (col, w) in self.widths.iter().enumerate() {
            self.ws.set_column_width(col16(col), u32::try_from(w + 2).unwrap_or(8))?;
        }
        Ok(())
    }
}

fn col16(col: usize) -> u16 {
    u16::try_from(col).unwrap_or(u16::MAX)
}

fn row32(row: usize) -> u32 {
    u32::try_from(row).unwrap_or(u32::MAX)
}

/// `.000` for three decimal places, nothing for none.
fn decimals(scale: u32) -> String {
    if scale == 0 { String::new() } else { format!(".{}", "0".repeat(scale as usize)) }
}

/// The `f64` that is exactly `n` as a spreadsheet keeps it, if there is one.
pub fn exact_f64(n: Decimal) -> Option<f64> {
    let n = n.normalize();
    let digits = n.mantissa().unsigned_abs().to_string();
    if digits.trim_end_matches('0').len() > 15 {
        return None;
    }
    let f: f64 = n.to_string().parse().ok()?;
    let back: Decimal = f.to_string().parse().ok()?;
    (f.is_finite() && back == n).then_some(f)
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

/// The sheet `结果`: the id field's name (`企业名称`) then each rule, each stacking rule's total
/// and the subject's total (`合计(元)`); a missing value reads 「缺数据」; a last row `合计` adds
/// up the columns of money awards, stacking totals and subjects' totals.
fn results(ws: &mut Worksheet, r: &Report<'_, '_>, lang: Lang) -> Result<(), XlsxError> {
    let defs = r.subject_columns();
    let grand = r.grand();
    let (stacks, _) = r.stack_rules();
    let mut header = vec![r.key_name()];
    header.extend(defs.iter().map(|d| format!("{}{}", r.name(*d), unit_suffix(r, *d))));
    if grand.is_some() {
        header.extend(stacks.iter().map(|n| format!("叠加 {n}(元)")));
        header.push("合计(元)".to_string());
    }
    let mut s = Sheet::new(ws, RESULTS, &header)?;
    let parts = r.total_parts();
    let after = defs.len() + 1;
    for (i, o) in r.outcomes.iter().enumerate() {
        let row = row32(i + 1);
        s.text(row, 0, &o.key)?;
        for (j, d) in defs.iter().enumerate() {
            let v = o.rules.iter().find(|x| x.def == *d).map_or(&V::Missing, |x| &x.value);
            s.value(row, col16(j + 1), v, r)?;
        }
        if grand.is_some() {
            let mine = r.stacks.get(i).map(Vec::as_slice).unwrap_or_default();
            for (k, st) in mine.iter().enumerate() {
                s.amount(row, col16(after + k), st.total)?;
            }
            s.amount(row, col16(after + stacks.len()), parts.total(r, i))?;
        }
    }
    if let Some(g) = &grand
        && !r.outcomes.is_empty()
    {
        let row = row32(r.outcomes.len() + 1);
        s.bold(row, 0, &super::total_label(g.missing, lang))?;
        let totals = r.column_totals();
        for (j, d) in defs.iter().enumerate() {
            if let Some(t) = totals.iter().find(|t| t.def == *d && r.money_award(*d)) {
                s.decimal(row, col16(j + 1), t.amount, false)?;
            }
        }
        for (k, (_, a, _)) in g.stacks.iter().enumerate() {
            s.amount(row, col16(after + k), *a)?;
        }
        s.amount(row, col16(after + stacks.len()), g.total)?;
    }
    s.finish()
}

/// The sheet `合计`: each award's total and recipients, each stacking rule's, and the total of
/// the subjects' totals; then the policy's document number and the evaluation year.
fn totals(ws: &mut Worksheet, r: &Report<'_, '_>, lang: Lang) -> Result<(), XlsxError> {
    let header: Vec<String> = if lang == Lang::Zh {
        ["奖励", "金额(元)", "获得主体数"]
    } else {
        ["award", "amount (元)", "recipients"]
    }
    .map(String::from)
    .into();
    let mut s = Sheet::new(ws, TOTALS, &header)?;
    let mut row = 1u32;
    for t in r.totals() {
        s.text(row, 0, r.name(t.def))?;
        s.decimal(row, 1, t.amount, false)?;
        s.decimal(row, 2, Decimal::from(t.recipients), false)?;
        row += 1;
    }
    if let Some(g) = r.grand() {
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
    let pools = r.pools();
    if !pools.is_empty() {
        row += 1;
        s.bold(row, 0, if lang == Lang::Zh { "资金池" } else { "pools" })?;
        row += 1;
        for p in &pools {
            s.text(row, 0, &super::pools::line(p, lang))?;
            row += 1;
        }
    }
    let heading = r.heading(lang);
    if !heading.is_empty() {
        // Below the table, after an empty row: which document and which year.
        s.text(row + 1, 0, &format!("{} {heading}", r.title().unwrap_or(&r.policy.file.name)))?;
    }
    s.finish()
}

fn basis(
    ws: &mut Worksheet,
    r: &Report<'_, '_>,
    rows: &[BasisRow],
    lang: Lang,
) -> Result<(), XlsxError> {
    let header: Vec<String> = headers(lang).map(String::from).into();
    let mut s = Sheet::new(ws, BASIS, &header)?;
    for (i, b) in rows.iter().enumerate() {
        let row = row32(i + 1);
        let step = &b.step;
        s.text(row, 0, &b.subject)?;
        s.text(row, 1, &step.name)?;
        match &b.amount {
            V::Num(n, d) if *d == Dim::MONEY => s.decimal(row, 2, *n, false)?,
            other => s.text(row, 2, &amount_text(other, r, lang))?,
        }
        s.text(row, 3, step.clause.as_deref().unwrap_or(""))?;
        s.wrapped(row, 4, &step.quote.as_deref().map(one_line).unwrap_or_default())?;
        s.wrapped(
            row,
            5,
            &step.formula.as_deref().map(|f| lines(f).join("\n")).unwrap_or_default(),
        )?;
        s.wrapped(row, 6, &arithmetic_text(b, r, lang, "\n"))?;
        s.wrapped(row, 7, &inputs_text(b, r, lang))?;
    }
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_decimals_an_f64_keeps_exactly_become_numbers() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(exact_f64(d("500000")), Some(500000.0));
        assert_eq!(exact_f64(d("370.371")), Some(370.371));
        assert_eq!(exact_f64(d("0.1")), Some(0.1));
        assert_eq!(exact_f64(d("150000000000000000000")), Some(1.5e20));
        assert_eq!(exact_f64(d("999999999999999")), Some(999_999_999_999_999.0));
        assert_eq!(exact_f64(d("1234567890123456")), None);
        assert_eq!(exact_f64(d("12345678901234.5678")), None);
        assert_eq!(exact_f64(d("0.1234567890123456")), None);
    }

    #[test]
    fn number_formats_show_every_decimal_place() {
        assert_eq!(decimals(0), "");
        assert_eq!(decimals(3), ".000");
    }
}

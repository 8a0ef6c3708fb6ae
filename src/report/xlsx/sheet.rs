//! A sheet being written: cells by kind (text, exact decimals, amounts, missing values, values
//! of the report) and the widths their columns need. Shared by the eval, simulate and diff
//! workbooks.

use std::borrow::BorrowMut;

use rust_decimal::Decimal;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Worksheet, XlsxError};

use crate::diagnostics::Lang;
use crate::eval::value::V;
use crate::register::out::MISSING;
use crate::report::Report;
use crate::report::show::{grouped, show};
use crate::units::Kind;

/// The widest a column is made, in characters.
const MAX_WIDTH: usize = 60;

/// A sheet being written: the widths its columns need. `W` is the worksheet, borrowed from a
/// workbook or owned until it is added to one (a sheet written row by row beside another).
pub(crate) struct Sheet<W: BorrowMut<Worksheet>> {
    ws: W,
    widths: Vec<usize>,
}

impl<W: BorrowMut<Worksheet>> Sheet<W> {
    pub(crate) fn new(mut ws: W, name: &str, header: &[String]) -> Result<Self, XlsxError> {
        ws.borrow_mut().set_name(name)?;
        let mut s = Sheet { ws, widths: Vec::new() };
        let bold = Format::new().set_bold();
        for (col, h) in header.iter().enumerate() {
            let col = col16(col);
            s.ws.borrow_mut().write_string_with_format(0, col, h, &bold)?;
            s.fit(col, h);
        }
        s.ws.borrow_mut().set_freeze_panes(1, 0)?;
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
            self.ws.borrow_mut().write_string(row, col, text)?;
        }
        self.fit(col, text);
        Ok(())
    }

    /// A text over several lines, wrapped in its cell.
    pub(crate) fn wrapped(&mut self, row: u32, col: u16, text: &str) -> Result<(), XlsxError> {
        if text.is_empty() {
            return Ok(());
        }
        let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
        self.ws.borrow_mut().write_string_with_format(row, col, text, &wrap)?;
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
        self.ws.borrow_mut().write_number_with_format(
            row,
            col,
            f,
            &Format::new().set_num_format(format),
        )?;
        self.fit(col, &shown);
        Ok(())
    }

    /// An amount in 元: 「缺数据」 when missing (`None`), in a total past the exact range too.
    pub(crate) fn amount(
        &mut self,
        row: u32,
        col: u16,
        a: Option<Decimal>,
    ) -> Result<(), XlsxError> {
        match a {
            Some(n) => self.decimal(row, col, n, false),
            None => self.missing(row, col),
        }
    }

    /// A missing value: 「缺数据」, the one text a column of numbers holds, in red.
    pub(crate) fn missing(&mut self, row: u32, col: u16) -> Result<(), XlsxError> {
        let red = Format::new().set_font_color(rust_xlsxwriter::Color::Red);
        self.ws.borrow_mut().write_string_with_format(row, col, MISSING, &red)?;
        self.fit(col, MISSING);
        Ok(())
    }

    /// A text in bold (a row of totals).
    pub(crate) fn bold(&mut self, row: u32, col: u16, text: &str) -> Result<(), XlsxError> {
        self.ws.borrow_mut().write_string_with_format(row, col, text, &Format::new().set_bold())?;
        self.fit(col, text);
        Ok(())
    }

    /// A value of the report in its column's unit.
    pub(crate) fn value(
        &mut self,
        row: u32,
        col: u16,
        v: &V,
        r: &Report<'_, '_>,
    ) -> Result<(), XlsxError> {
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
                self.ws.borrow_mut().write_boolean(row, col, *b)?;
                self.fit(col, "FALSE");
                Ok(())
            }
            V::Year(y) => {
                self.ws.borrow_mut().write_number(row, col, f64::from(*y))?;
                self.fit(col, "0000");
                Ok(())
            }
            V::Date(d) => {
                let shown = show(v, &r.checked.scope, Lang::Zh);
                match ExcelDateTime::from_ymd(d.year, d.month, d.day) {
                    Ok(dt) => {
                        let f = Format::new().set_num_format("yyyy-mm-dd");
                        self.ws.borrow_mut().write_datetime_with_format(row, col, &dt, &f)?;
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
        self.done().map(|_| ())
    }

    /// Sets the columns' widths and gives the worksheet back.
    pub(crate) fn done(mut self) -> Result<W, XlsxError> {
        for (col, w) in self.widths.iter().enumerate() {
            self.ws.borrow_mut().set_column_width(col16(col), u32::try_from(w + 2).unwrap_or(8))?;
        }
        Ok(self.ws)
    }
}

pub(super) fn col16(col: usize) -> u16 {
    u16::try_from(col).unwrap_or(u16::MAX)
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

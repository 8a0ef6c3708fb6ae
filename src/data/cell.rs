//! One cell into one [`Value`], by the kind of field it belongs to.
//!
//! Numbers are read exactly, never guessed at. A number is ASCII digits with an optional
//! leading `-` and an optional decimal part (`12.5`, `-3`, `0.25`); spreadsheets written on a
//! Chinese system also give full-width digits, point and minus (`１２．５`, `－３`), which are
//! read as their ASCII forms, and thousands separators (`1,234,567.89`, also with the full-width
//! comma `，`), which are read only in the exact grouping pattern: one to three digits, then
//! groups of exactly three. Anything else is refused with a reason: a separator out of place
//! (`1,2`, `12,34`: perhaps a decimal comma, perhaps a typing error), a unit in the cell
//! (`12万元`), an exponent. A percentage field also accepts a trailing `%` (`30%`), which is how
//! spreadsheets show shares.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::schema::FieldKind;
use super::table::RawValue;
use super::value::Value;
use crate::ast::Date;
use crate::units::{Kind, Unit, UnitError};

/// Why a cell could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CellError {
    /// Not a plain decimal number; the reason, if one is recognised.
    NotANumber(NumberProblem),
    /// A percentage (`30%`) in a field that is not measured in percent.
    PercentInField,
    /// Not one of 是/否/true/false/1/0.
    NotABool,
    /// Not a value of the enumeration; the closest values.
    UnknownEnumValue(Vec<String>),
    /// Not a four-digit year.
    NotAYear,
    /// Not a valid date.
    NotADate,
    /// A value of the wrong kind: a date in a number field, a yes/no value in a text field.
    WrongKind,
    /// A spreadsheet number in a date field: the date it would be as an Excel serial date
    /// number, if it is one (not read as that date: the workbook may count from 1904, and the
    /// number may not be a date at all).
    SerialNumber(Option<Date>),
    /// A spreadsheet date cell in a year field; the year it would be if a year was typed into a
    /// cell formatted as a date (`2024` shows as `1905-07-16`).
    DateInYearField(Option<u16>),
    /// A spreadsheet error value, a duration, a number that cannot be held exactly.
    Invalid,
    /// The value cannot be converted to base units exactly.
    Conversion(UnitError),
}

/// What is wrong with a number as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberProblem {
    /// A comma between digits that is not a thousands separator in its place: `1,2`.
    MisplacedSeparator,
    /// `12万元`, `12元`.
    UnitInCell,
    /// Anything else.
    Other,
}

/// Reads a non-empty cell of a field of `kind`; numbers are in `unit` (the header's unit, or the
/// field's) and come back in base units.
pub fn read_cell(raw: &RawValue, kind: &FieldKind, unit: &Unit) -> Result<Value, CellError> {
    if let RawValue::Text(t) = raw {
        return read_text(t, kind, unit);
    }
    match kind {
        FieldKind::Number { .. } => read_number(raw, unit),
        FieldKind::Bool => read_bool(raw),
        FieldKind::Text => match raw {
            RawValue::Number(d) => Ok(Value::Text(d.normalize().to_string())),
            RawValue::Invalid(_) => Err(CellError::Invalid),
            _ => Err(CellError::WrongKind),
        },
        FieldKind::Enum { name, values } => {
            let text = match raw {
                RawValue::Number(d) => d.normalize().to_string(),
                RawValue::Invalid(_) => return Err(CellError::Invalid),
                _ => return Err(CellError::WrongKind),
            };
            read_enum(&text, name, values)
        }
        FieldKind::Year => match raw {
            RawValue::Number(d) => {
                let d = d.normalize();
                (d.scale() == 0 && d >= Decimal::from(1000) && d <= Decimal::from(9999))
                    .then(|| u16::from_str(&d.to_string()).ok())
                    .flatten()
                    .map(Value::Year)
                    .ok_or(CellError::NotAYear)
            }
            RawValue::Invalid(_) => Err(CellError::Invalid),
            RawValue::Date(d) => Err(CellError::DateInYearField(
                excel_serial(*d).and_then(|n| u16::try_from(n).ok()).filter(|y| *y >= 1000),
            )),
            _ => Err(CellError::WrongKind),
        },
        FieldKind::Date => match raw {
            RawValue::Date(d) => Ok(Value::Date(*d)),
            RawValue::Number(n) => Err(CellError::SerialNumber(
                i64::try_from(*n).ok().filter(|_| n.fract().is_zero()).and_then(excel_date),
            )),
            RawValue::Invalid(_) => Err(CellError::Invalid),
            _ => Err(CellError::WrongKind),
        },
    }
}

/// [`read_cell`] of a cell written as text (every cell of a CSV file): the text as written,
/// white space around it not counted.
pub fn read_text(t: &str, kind: &FieldKind, unit: &Unit) -> Result<Value, CellError> {
    let t = t.trim();
    match kind {
        FieldKind::Number { .. } => read_number_text(t, unit),
        FieldKind::Bool => {
            if t == "是" || t == "1" || t.eq_ignore_ascii_case("true") {
                Ok(Value::Bool(true))
            } else if t == "否" || t == "0" || t.eq_ignore_ascii_case("false") {
                Ok(Value::Bool(false))
            } else {
                Err(CellError::NotABool)
            }
        }
        FieldKind::Text => Ok(Value::Text(t.to_string())),
        FieldKind::Enum { name, values } => read_enum(t, name, values),
        FieldKind::Year => {
            let t = half_width(t);
            super::header::parse_year_cell(&t).map(Value::Year).ok_or(CellError::NotAYear)
        }
        FieldKind::Date => parse_date(t).map(Value::Date).ok_or(CellError::NotADate),
    }
}

/// A value of the enumeration `name`, written as `text`.
fn read_enum(text: &str, name: &str, values: &[String]) -> Result<Value, CellError> {
    match values.iter().position(|v| v == text) {
        Some(index) => Ok(Value::Enum { enum_name: name.to_string(), index }),
        None => Err(CellError::UnknownEnumValue(did_you_mean(text, values))),
    }
}

fn read_number(raw: &RawValue, unit: &Unit) -> Result<Value, CellError> {
    let dim = unit.dim();
    let base = match raw {
        RawValue::Number(d) => unit.to_base(*d).map_err(CellError::Conversion)?,
        RawValue::Text(t) => return read_number_text(t.trim(), unit),
        RawValue::Invalid(_) => return Err(CellError::Invalid),
        RawValue::Bool(_) | RawValue::Date(_) | RawValue::Empty => {
            return Err(CellError::WrongKind);
        }
    };
    Ok(Value::Number { value: base, dim })
}

/// A number written as the text `t` (trimmed), in `unit`: a share may be written with `%`.
fn read_number_text(t: &str, unit: &Unit) -> Result<Value, CellError> {
    let dim = unit.dim();
    let base = if let Some(n) = t.strip_suffix(['%', '％']) {
        if dim.kind() != Kind::Percent {
            return match parse_plain(n.trim_end()) {
                Ok(_) => Err(CellError::PercentInField),
                Err(p) => Err(CellError::NotANumber(p)),
            };
        }
        let n = parse_plain(n.trim_end()).map_err(CellError::NotANumber)?;
        Unit::canonical(dim).to_base(n).map_err(CellError::Conversion)?
    } else {
        let n = parse_plain(t).map_err(CellError::NotANumber)?;
        unit.to_base(n).map_err(CellError::Conversion)?
    };
    Ok(Value::Number { value: base, dim })
}

/// A decimal as written in a cell: `-`? digits (`.` digits)?, exactly representable, after
/// full-width characters are read as ASCII and thousands separators in their exact grouping
/// pattern are dropped (see the module's documentation).
pub fn parse_plain(t: &str) -> Result<Decimal, NumberProblem> {
    // Plain ASCII digits read as they are (half-width already).
    if is_plain(t) {
        return Decimal::from_str_exact(t).map_err(|_| NumberProblem::Other);
    }
    let ascii = half_width(t);
    let t = ascii.as_str();
    if is_plain(t) {
        return Decimal::from_str_exact(t).map_err(|_| NumberProblem::Other);
    }
    if let Some(plain) = without_grouping(t) {
        return Decimal::from_str_exact(&plain).map_err(|_| NumberProblem::Other);
    }
    Err(number_problem(t))
}

/// Full-width digits, point, minus and comma read as ASCII (`１２．５` → `12.5`); other
/// characters are kept.
pub(super) fn half_width(t: &str) -> String {
    t.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            '．' => '.',
            '－' | '−' => '-',
            '，' => ',',
            c => c,
        })
        .collect()
}

/// `1,234,567.89` without its separators, if the separators are exactly in the grouping
/// pattern: one to three leading digits, then groups of exactly three digits, then an optional
/// decimal part without separators.
fn without_grouping(t: &str) -> Option<String> {
    let digits = t.strip_prefix('-').unwrap_or(t);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let mut groups = int.split(',');
    let first = groups.next()?;
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let rest: Vec<&str> = groups.collect();
    let grouped = !rest.is_empty()
        && all_digits(first)
        && first.len() <= 3
        && rest.iter().all(|g| g.len() == 3 && all_digits(g))
        && frac.is_none_or(all_digits);
    grouped.then(|| t.replace(',', ""))
}

/// Whether a text has the shape of a plain decimal.
fn is_plain(t: &str) -> bool {
    let digits = t.strip_prefix('-').unwrap_or(t);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(int) && frac.is_none_or(all_digits)
}

fn number_problem(t: &str) -> NumberProblem {
    if t.contains(',') && is_plain(&t.replace(',', "")) {
        return NumberProblem::MisplacedSeparator;
    }
    let leading: String =
        t.chars().take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '-')).collect();
    let rest = t.get(leading.len()..).unwrap_or("").trim();
    if !leading.is_empty()
        && is_plain(&leading)
        && !rest.is_empty()
        && crate::units::parse_unit(rest).is_ok()
    {
        return NumberProblem::UnitInCell;
    }
    NumberProblem::Other
}

fn read_bool(raw: &RawValue) -> Result<Value, CellError> {
    match raw {
        RawValue::Bool(b) => Ok(Value::Bool(*b)),
        RawValue::Number(d) if d.is_zero() => Ok(Value::Bool(false)),
        RawValue::Number(d) if *d == Decimal::ONE => Ok(Value::Bool(true)),
        RawValue::Text(t) => {
            read_text(t, &FieldKind::Bool, &Unit::canonical(crate::units::Dim::NUMBER))
        }
        RawValue::Invalid(_) => Err(CellError::Invalid),
        _ => Err(CellError::NotABool),
    }
}

/// `2024-09-19`, `2024/9/19` or `2024年9月19日`, a real calendar date.
pub fn parse_date(t: &str) -> Option<Date> {
    let t = t.trim();
    let parts: Vec<&str> = if let Some(rest) = t.strip_suffix('日') {
        let (y, rest) = rest.split_once('年')?;
        let (m, d) = rest.split_once('月')?;
        vec![y, m, d]
    } else if t.contains('-') {
        t.split('-').collect()
    } else {
        t.split('/').collect()
    };
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let num = |s: &str, max_len: usize| {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u16>().ok())
            .flatten()
    };
    let (year, month, day) = (num(y, 4)?, num(m, 2)?, num(d, 2)?);
    if y.len() != 4 {
        return None;
    }
    let date = Date { year, month: u8::try_from(month).ok()?, day: u8::try_from(day).ok()? };
    is_valid_date(date).then_some(date)
}

/// Whether a date exists in the Gregorian calendar.
pub fn is_valid_date(d: Date) -> bool {
    let leap =
        (d.year.is_multiple_of(4) && !d.year.is_multiple_of(100)) || d.year.is_multiple_of(400);
    let days = match d.month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    d.day >= 1 && d.day <= days
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar.
fn days_from_civil(d: Date) -> i64 {
    let (m, dd) = (i64::from(d.month), i64::from(d.day));
    let y = i64::from(d.year) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + dd - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01, if its year is between 1 and 9999.
pub(super) fn civil_from_days(days: i64) -> Option<Date> {
    let z = days.checked_add(719_468)?;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Some(Date {
        year: u16::try_from(year).ok().filter(|y| (1..=9999).contains(y))?,
        month: u8::try_from(month).ok()?,
        day: u8::try_from(day).ok()?,
    })
}

/// Excel's day 0 (1900 date system), counted from 1970-01-01: 1899-12-30, so that day 61 is
/// 1900-03-01 (Excel counts a 1900-02-29 that never was).
const EXCEL_EPOCH: i64 = -25_569;

/// The date an Excel serial date number stands for in the 1900 date system, from day 61
/// (1900-03-01) on; earlier numbers are not dates anyone means.
pub fn excel_date(serial: i64) -> Option<Date> {
    (serial >= 61).then(|| civil_from_days(serial.checked_add(EXCEL_EPOCH)?)).flatten()
}

/// The Excel serial date number of a date from 1900-03-01 on (1900 date system).
pub fn excel_serial(d: Date) -> Option<i64> {
    Some(days_from_civil(d) - EXCEL_EPOCH).filter(|n| *n >= 61)
}

/// Close names for an unknown one, best first, by edit distance over characters.
/// The candidates closest to `wanted` (the one did-you-mean helper, over owned names).
pub fn did_you_mean(wanted: &str, candidates: &[String]) -> Vec<String> {
    crate::diagnostics::suggest::did_you_mean(wanted, candidates.iter().map(String::as_str))
        .into_iter()
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::{Dim, parse_unit};

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn number(text: &str, unit: &str) -> Result<Value, CellError> {
        let unit = parse_unit(unit).unwrap();
        let kind = FieldKind::Number { unit: unit.clone(), share: false };
        read_cell(&RawValue::Text(text.into()), &kind, &unit)
    }

    #[test]
    fn plain_decimals_convert_to_base_units_exactly() {
        assert_eq!(
            number("12.5", "万元"),
            Ok(Value::Number { value: dec("125000"), dim: Dim::MONEY })
        );
        assert_eq!(number(" -3 ", "元"), Ok(Value::Number { value: dec("-3"), dim: Dim::MONEY }));
        assert_eq!(number("0.1", "亿元").unwrap().as_number(), Some(dec("10000000")));
        assert_eq!(number("30", "%").unwrap().as_number(), Some(dec("0.3")));
        assert_eq!(number("30%", "%").unwrap().as_number(), Some(dec("0.3")));
        assert_eq!(number("30 ％", "%").unwrap().as_number(), Some(dec("0.3")));
    }

    #[test]
    fn office_forms_of_numbers_are_read_exactly() {
        let yuan = |t: &str| number(t, "元").map(|v| v.as_number());
        assert_eq!(yuan("1,234"), Ok(Some(dec("1234"))));
        assert_eq!(yuan("1,234.50"), Ok(Some(dec("1234.50"))));
        assert_eq!(yuan("-12,345,678.9"), Ok(Some(dec("-12345678.9"))));
        assert_eq!(yuan("1，234.5"), Ok(Some(dec("1234.5"))));
        assert_eq!(yuan("１２３"), Ok(Some(dec("123"))));
        assert_eq!(yuan("１２．５"), Ok(Some(dec("12.5"))));
        assert_eq!(yuan("－３"), Ok(Some(dec("-3"))));
        assert_eq!(yuan("１，２３４．５"), Ok(Some(dec("1234.5"))));
        assert_eq!(yuan("\u{3000}１２\u{3000}"), Ok(Some(dec("12"))));
        assert_eq!(number("１２．５％", "%").unwrap().as_number(), Some(dec("0.125")));
        assert_eq!(number("1,234.5%", "%").unwrap().as_number(), Some(dec("12.345")));
        assert_eq!(number("1.5", "万元").unwrap().as_number(), Some(dec("15000")));
        assert_eq!(number("1,000", "万元").unwrap().as_number(), Some(dec("10000000")));
        let u = Unit::canonical(Dim::NUMBER);
        assert_eq!(
            read_cell(&RawValue::Text("２０２０".into()), &FieldKind::Year, &u),
            Ok(Value::Year(2020))
        );
    }

    #[test]
    fn anything_but_a_plain_decimal_is_refused_with_a_reason() {
        let problem = |t: &str| match number(t, "元") {
            Err(CellError::NotANumber(p)) => p,
            other => panic!("{t}: {other:?}"),
        };
        for t in ["1,2", "12,34", "1,2345", "1234,567", ",123", "1,,234", "1,234,56", "1.234,5"] {
            assert_eq!(problem(t), NumberProblem::MisplacedSeparator, "{t}");
        }
        assert_eq!(problem("12万元"), NumberProblem::UnitInCell);
        assert_eq!(problem("12 元"), NumberProblem::UnitInCell);
        for t in ["abc", "1e5", "+5", ".5", "5.", "--5", "1.2.3", "NaN", "0x10", "5-"] {
            assert_eq!(problem(t), NumberProblem::Other, "{t}");
        }
        assert_eq!(number("30%", "元"), Err(CellError::PercentInField));
        assert_eq!(
            number("99999999999999999999999999999999", "元"),
            Err(CellError::NotANumber(NumberProblem::Other))
        );
        assert!(matches!(
            number("7922816251426433759354395033", "亿元"),
            Err(CellError::Conversion(_))
        ));
    }

    #[test]
    fn excel_serial_dates() {
        let date = |year, month, day| Date { year, month, day };
        assert_eq!(excel_date(45352), Some(date(2024, 3, 1)));
        assert_eq!(excel_date(61), Some(date(1900, 3, 1)));
        assert_eq!(excel_date(60), None, "the 1900-02-29 that never was");
        assert_eq!(excel_date(2_958_465), Some(date(9999, 12, 31)));
        assert_eq!(excel_date(2_958_466), None);
        assert_eq!(excel_date(i64::MAX), None);
        assert_eq!(excel_serial(date(1905, 7, 16)), Some(2024));
        assert_eq!(excel_serial(date(2024, 2, 29)), Some(45351));
        assert_eq!(excel_serial(date(1900, 1, 1)), None);
        let u = Unit::canonical(Dim::NUMBER);
        assert_eq!(
            read_cell(&RawValue::Number(dec("45352")), &FieldKind::Date, &u),
            Err(CellError::SerialNumber(Some(date(2024, 3, 1))))
        );
        assert_eq!(
            read_cell(&RawValue::Number(dec("12.5")), &FieldKind::Date, &u),
            Err(CellError::SerialNumber(None))
        );
        assert_eq!(
            read_cell(&RawValue::Date(date(1905, 7, 16)), &FieldKind::Year, &u),
            Err(CellError::DateInYearField(Some(2024)))
        );
    }

    #[test]
    fn typed_numbers() {
        let unit = parse_unit("万元").unwrap();
        let kind = FieldKind::Number { unit: unit.clone(), share: false };
        assert_eq!(
            read_cell(&RawValue::Number(dec("1.5")), &kind, &unit).unwrap().as_number(),
            Some(dec("15000"))
        );
        assert_eq!(read_cell(&RawValue::Bool(true), &kind, &unit), Err(CellError::WrongKind));
        assert_eq!(
            read_cell(&RawValue::Invalid("#DIV/0!".into()), &kind, &unit),
            Err(CellError::Invalid)
        );
    }

    #[test]
    fn bools() {
        let u = Unit::canonical(Dim::NUMBER);
        let b = |t: &str| read_cell(&RawValue::Text(t.into()), &FieldKind::Bool, &u);
        for t in ["是", "true", "TRUE", "1", " True "] {
            assert_eq!(b(t), Ok(Value::Bool(true)), "{t}");
        }
        for t in ["否", "false", "FALSE", "0"] {
            assert_eq!(b(t), Ok(Value::Bool(false)), "{t}");
        }
        for t in ["对", "yes", "2", "是的"] {
            assert_eq!(b(t), Err(CellError::NotABool), "{t}");
        }
        assert_eq!(
            read_cell(&RawValue::Number(Decimal::ONE), &FieldKind::Bool, &u),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            read_cell(&RawValue::Number(Decimal::TWO), &FieldKind::Bool, &u),
            Err(CellError::NotABool)
        );
    }

    #[test]
    fn enums_years_dates_and_text() {
        let u = Unit::canonical(Dim::NUMBER);
        let kind = FieldKind::Enum {
            name: "级别".into(),
            values: vec!["市级".into(), "省级".into(), "国家级".into()],
        };
        assert_eq!(
            read_cell(&RawValue::Text("省级".into()), &kind, &u),
            Ok(Value::Enum { enum_name: "级别".into(), index: 1 })
        );
        assert_eq!(
            read_cell(&RawValue::Text("省级别".into()), &kind, &u),
            Err(CellError::UnknownEnumValue(vec!["省级".into()]))
        );
        assert_eq!(
            read_cell(&RawValue::Text("2020年".into()), &FieldKind::Year, &u),
            Ok(Value::Year(2020))
        );
        assert_eq!(
            read_cell(&RawValue::Number(dec("2021.0")), &FieldKind::Year, &u),
            Ok(Value::Year(2021))
        );
        assert_eq!(
            read_cell(&RawValue::Number(dec("2021.5")), &FieldKind::Year, &u),
            Err(CellError::NotAYear)
        );
        assert_eq!(
            read_cell(&RawValue::Text("20".into()), &FieldKind::Year, &u),
            Err(CellError::NotAYear)
        );
        // A year column exported as a decimal or a float: the same year, written as its text.
        for t in ["2021.0", " 2021.000000 ", "２０２１.００"] {
            let got = read_cell(&RawValue::Text(t.into()), &FieldKind::Year, &u);
            assert_eq!(got, Ok(Value::Year(2021)), "{t}");
        }
        for t in ["2021.5", "2021.", "2021.0.0", "2021年.0", "202.10", "12021.0", ".0"] {
            let got = read_cell(&RawValue::Text(t.into()), &FieldKind::Year, &u);
            assert_eq!(got, Err(CellError::NotAYear), "{t}");
        }
        let d = Date { year: 2024, month: 2, day: 29 };
        for t in ["2024-02-29", "2024/2/29", "2024年2月29日"] {
            assert_eq!(
                read_cell(&RawValue::Text(t.into()), &FieldKind::Date, &u),
                Ok(Value::Date(d)),
                "{t}"
            );
        }
        for t in ["2023-02-29", "2024-13-01", "24-1-1", "2024-1", "2024年1月", "2024-01-01T00:00"]
        {
            assert_eq!(
                read_cell(&RawValue::Text(t.into()), &FieldKind::Date, &u),
                Err(CellError::NotADate),
                "{t}"
            );
        }
        assert_eq!(
            read_cell(&RawValue::Number(dec("1001")), &FieldKind::Text, &u),
            Ok(Value::Text("1001".into()))
        );
        assert_eq!(
            read_cell(&RawValue::Text(" 甲公司 ".into()), &FieldKind::Text, &u),
            Ok(Value::Text("甲公司".into()))
        );
        assert_eq!(
            read_cell(&RawValue::Bool(true), &FieldKind::Text, &u),
            Err(CellError::WrongKind)
        );
    }

    #[test]
    fn suggestions_work_for_chinese() {
        let names = ["营业收入".to_string(), "营业成本".to_string(), "名称".to_string()];
        assert_eq!(did_you_mean("营业收人", &names), vec!["营业收入".to_string()]);
        assert_eq!(did_you_mean("名字", &names), vec!["名称".to_string()]);
        assert!(did_you_mean("完全不同的", &names).is_empty());
        assert!(did_you_mean("营业收入", &names).is_empty());
    }
}

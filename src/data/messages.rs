//! The wording of the diagnostics about cells: what is wrong with a value, in both languages,
//! and how to fix it.

use std::sync::Arc;

use super::cell::{CellError, NumberProblem};
use super::header::header_text;
use super::schema::{FieldKind, FieldSpec};
use super::table::{DataLoc, RawCell, RawData, RawValue};
use crate::diagnostics::{Code, Diagnostic, Lang, Text};
use crate::source::{Loc, SourceFile};
use crate::units::Unit;
use rust_decimal::Decimal;

/// Adds a secondary label at a field's declaration.
pub(super) fn declared_at(policy: &Arc<SourceFile>, spec: &FieldSpec, d: Diagnostic) -> Diagnostic {
    d.also(Loc::new(policy, spec.span), Text::new("在这里声明", "declared here"))
}

/// The diagnostic for a number outside its field's bounds, if it is.
pub(super) fn out_of_range(
    raw: &RawData,
    policy: &Arc<SourceFile>,
    spec: &FieldSpec,
    n: rust_decimal::Decimal,
    shown: &str,
    loc: &DataLoc,
) -> Option<Diagnostic> {
    let f = &spec.name;
    let share = matches!(spec.kind, FieldKind::Number { share: true, .. });
    let below = spec.min.as_ref().filter(|b| n < b.value);
    let above = spec.max.as_ref().filter(|b| n > b.value);
    let (message, label, help, bound) = match (below, above) {
        (Some(b), _) if !b.declared && !share => (
            Text::new(
                format!("字段 `{f}` 的值 `{shown}` 是负数"),
                format!("value `{shown}` of `{f}` is negative"),
            ),
            Text::new("负数", "negative"),
            Text::new(
                "金额、数量和面积不能为负数；如果政策允许负值，请在字段声明中写明 `范围`",
                "amounts, counts and areas cannot be negative; if the policy allows it, declare a `范围` (range) for the field",
            ),
            b,
        ),
        (Some(b), _) => (
            Text::new(
                format!("字段 `{f}` 的值 `{shown}` 低于下限 `{}`", b.written),
                format!("value `{shown}` of `{f}` is below the minimum `{}`", b.written),
            ),
            Text::new("低于下限", "below the minimum"),
            share_help(share),
            b,
        ),
        (None, Some(b)) => (
            Text::new(
                format!("字段 `{f}` 的值 `{shown}` 高于上限 `{}`", b.written),
                format!("value `{shown}` of `{f}` is above the maximum `{}`", b.written),
            ),
            Text::new("高于上限", "above the maximum"),
            share_help(share),
            b,
        ),
        (None, None) => return None,
    };
    let d = raw.diag(Code::OutOfRange, message, loc, label).help(help);
    Some(if bound.declared { declared_at(policy, spec, d) } else { d })
}

/// The diagnostic for a cell that could not be read.
pub(super) fn cell_error(
    raw: &RawData,
    e: CellError,
    spec: &FieldSpec,
    cell: &RawCell,
    unit: &Unit,
) -> Diagnostic {
    let shown = &shown(&cell.value, unit);
    let f = &spec.name;
    let t = cell.value.display();
    let (code, message, label, help) = match e {
        CellError::NotANumber(p) => (
            Code::WrongValue,
            Text::new(
                format!("字段 `{f}` 的值 `{t}` 不是数字"),
                format!("value `{t}` of `{f}` is not a number"),
            ),
            Text::new("不是数字", "not a number"),
            number_help(p, &t, spec, unit),
        ),
        CellError::PercentInField => {
            let u = spec.unit_text().unwrap_or_default();
            (
                Code::DataUnit,
                Text::new(
                    format!("字段 `{f}` 不是百分比，不能填 `{t}`"),
                    format!("`{t}` is a percentage, but `{f}` is not measured in percent"),
                ),
                Text::new("百分比", "a percentage"),
                Text::new(
                    format!("去掉 `%`，按 `{u}` 填写"),
                    format!("remove the `%` and give the value in `{u}`"),
                ),
            )
        }
        CellError::NotABool => (
            Code::WrongValue,
            Text::new(
                format!("字段 `{f}` 的值 `{t}` 不是“是”或“否”"),
                format!("value `{t}` of `{f}` is not yes or no"),
            ),
            Text::new("应为是或否", "yes or no expected"),
            Text::new(
                "填写 `是` 或 `否`（也可以写 `true`、`false`、`1`、`0`）",
                "write `是` or `否` (or `true`, `false`, `1`, `0`)",
            ),
        ),
        CellError::UnknownEnumValue(suggestions) => {
            let (name, values) = match &spec.kind {
                FieldKind::Enum { name, values } => (name.clone(), values.clone()),
                _ => (String::new(), Vec::new()),
            };
            let help = if suggestions.is_empty() {
                let list = |sep: &str| {
                    values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(sep)
                };
                Text::new(
                    format!("`{name}` 的取值有：{}", list("、")),
                    format!("the values of `{name}` are {}", list(", ")),
                )
            } else {
                suggestion_help(&suggestions)
            };
            (
                Code::WrongValue,
                Text::new(
                    format!("`{t}` 不是 `{name}` 的取值（字段 `{f}`）"),
                    format!("`{t}` is not a value of `{name}` (field `{f}`)"),
                ),
                Text::new("未知的取值", "unknown value"),
                help,
            )
        }
        CellError::NotAYear => (
            Code::WrongValue,
            Text::new(
                format!("字段 `{f}` 的值 `{t}` 不是年份"),
                format!("value `{t}` of `{f}` is not a year"),
            ),
            Text::new("应为年份", "a year was expected"),
            Text::new(
                "写四位数的年份，例如 `2020` 或 `2020年`",
                "write a four-digit year such as `2020`",
            ),
        ),
        CellError::NotADate => (
            Code::WrongValue,
            Text::new(
                format!("字段 `{f}` 的值 `{t}` 不是有效的日期"),
                format!("value `{t}` of `{f}` is not a valid date"),
            ),
            Text::new("应为日期", "a date was expected"),
            Text::new(
                "写成 `2024-09-19`、`2024/9/19` 或 `2024年9月19日`",
                "write a date such as `2024-09-19`, `2024/9/19` or `2024年9月19日`",
            ),
        ),
        CellError::WrongKind => {
            let (kz, ke) = kind_names(&spec.kind);
            (
                Code::WrongValue,
                Text::new(
                    format!("字段 `{f}` 应填{kz}，不能填 `{t}`"),
                    format!("`{f}` holds {ke}, not `{t}`"),
                ),
                Text::new(format!("应为{kz}"), format!("{ke} expected")),
                Text::new(
                    format!("按{kz}填写；电子表格可能自动改变了单元格的格式，请检查"),
                    format!(
                        "give {ke}; a spreadsheet may have changed the cell's format on its own"
                    ),
                ),
            )
        }
        CellError::SerialNumber(date) => {
            let (zh, en) = match date {
                Some(d) => {
                    let d = RawValue::Date(d).display();
                    (
                        format!(
                            "；如果它是 Excel 的日期序号，对应 `{d}`，请把单元格设为日期格式或直接写 `{d}`"
                        ),
                        format!(
                            "; as an Excel serial date it would be `{d}`: format the cell as a date, or write `{d}`"
                        ),
                    )
                }
                None => (String::new(), String::new()),
            };
            (
                Code::WrongValue,
                Text::new(
                    format!("字段 `{f}` 应填日期，单元格却是数字 `{t}`"),
                    format!("`{f}` holds a date, but the cell is the number `{t}`"),
                ),
                Text::new("应为日期", "a date expected"),
                Text::new(
                    format!("数字不会被当作日期读取，因为工作簿可能从 1904 年起算{zh}"),
                    format!(
                        "a number is not read as a date, since a workbook may count days from 1904{en}"
                    ),
                ),
            )
        }
        CellError::DateInYearField(year) => {
            let (zh, en) = match year {
                Some(y) => (
                    format!("；如果本想填年份 `{y}`，请把单元格设为数字格式"),
                    format!("; if the year `{y}` was meant, format the cell as a number"),
                ),
                None => (String::new(), String::new()),
            };
            (
                Code::WrongValue,
                Text::new(
                    format!("字段 `{f}` 应填年份，单元格却是日期 `{t}`"),
                    format!("`{f}` holds a year, but the cell is the date `{t}`"),
                ),
                Text::new("应为年份", "a year was expected"),
                Text::new(
                    format!("单元格是日期格式，在其中输入的年份会显示为日期{zh}"),
                    format!("a year typed into a cell formatted as a date shows as a date{en}"),
                ),
            )
        }
        CellError::Invalid => (
            Code::WrongValue,
            Text::new(
                format!("字段 `{f}` 的单元格是 `{t}`，不是可以读取的值"),
                format!("the cell of `{f}` holds `{t}`, which is not a value"),
            ),
            Text::new("无法读取", "not a value"),
            Text::new(
                "改成一个值；如果这是公式算出的错误，请先修正公式",
                "replace it with a value; if a formula gave this error, fix the formula",
            ),
        ),
        CellError::Conversion(err) => (
            Code::OutOfRange,
            err.message(),
            Text::new(format!("`{shown}`"), format!("`{shown}`")),
            Text::new("检查这个数值和列名中的单位", "check the value and the unit in the header"),
        ),
    };
    raw.diag(code, message, &cell.loc, label).help(help)
}

/// The cell as written, with the column's unit when the cell has none: `12.5万元`, `30%`.
pub(super) fn shown(value: &RawValue, unit: &Unit) -> String {
    let t = value.display();
    let unit_text = match unit.text() {
        Some(u) => u.to_string(),
        None if unit.dim().is_number() => String::new(),
        None => unit.display(Lang::Zh),
    };
    if matches!(value, RawValue::Text(_) | RawValue::Number(_)) && !t.ends_with(['%', '％']) {
        format!("{t}{unit_text}")
    } else {
        t
    }
}

/// Help for a value out of range: how shares are written, or to check the declared range.
fn share_help(share: bool) -> Text {
    if share {
        Text::new(
            "占比在 0% 到 100% 之间，按百分数填写：30% 填 `30`",
            "a share lies between 0% and 100%, written in percent: `30` for 30%",
        )
    } else {
        Text::new(
            "检查这个值，或政策中声明的范围",
            "check the value, or the range the policy declares",
        )
    }
}

/// Help for a cell that is not a plain number, showing the corrected text when it can.
/// `万` in a column of `元` means `万元`: the unit a bare multiplier (`万`, `亿`, `千`, `百万`,
/// `千万`) written alone stands for, with the base unit of `column`; `None` for anything else.
pub(super) fn completed_unit(text: &str, column: &Unit) -> Option<String> {
    let text = text.trim();
    if !matches!(text, "百" | "千" | "万" | "十万" | "百万" | "千万" | "亿") {
        return None;
    }
    let base = Unit::canonical(column.dim()).display(Lang::Zh);
    let candidate = format!("{text}{base}");
    crate::units::parse_unit(&candidate)
        .ok()
        .filter(|u| u.dim() == column.dim() && !column.dim().is_number())
        .map(|_| candidate)
}

/// A cell written as a number and a unit (`250万`, `12.5万元`) in a column of `column`: the number,
/// the unit the cell means (its own if the column's quantity is measured in it, or a multiplier
/// completed as [`completed_unit`]), and the value in the column's unit.
fn number_with_unit(t: &str, column: &Unit) -> Option<(String, String, Decimal)> {
    let t = super::cell::half_width(t.trim());
    let number: String =
        t.chars().take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | ',')).collect();
    let rest = t.get(number.len()..)?.trim();
    let n = super::cell::parse_plain(&number).ok()?;
    let unit_text = match crate::units::parse_unit(rest) {
        Ok(u) if u.dim() == column.dim() => rest.to_string(),
        _ => completed_unit(rest, column)?,
    };
    let unit = crate::units::parse_unit(&unit_text).ok()?;
    let value = column.from_base(unit.to_base(n).ok()?).ok()?.normalize();
    Some((number, unit_text, value))
}

/// Whether two texts are the same once full-width digits are read as ASCII.
fn half_width_eq(a: &str, b: &str) -> bool {
    super::cell::half_width(a) == super::cell::half_width(b)
}

fn number_help(p: NumberProblem, t: &str, spec: &FieldSpec, column: &Unit) -> Text {
    if matches!(p, NumberProblem::UnitInCell | NumberProblem::Other)
        && let Some((number, unit, value)) = number_with_unit(t, column)
    {
        let col_unit = column.display(Lang::Zh);
        let header = header_text(&spec.name, None, Some(&unit));
        let col_header = header_text(&spec.name, None, Some(&col_unit));
        // `250万` is read as `250万元`, said so; `1.5万元` needs no reading.
        let written = t.trim();
        let (zh_read, en_read) = if half_width_eq(written, &format!("{number}{unit}")) {
            (format!("`{written}`"), format!("`{written}`"))
        } else {
            (format!("`{written}` 即 `{number}{unit}`"), format!("`{written}` is `{number}{unit}`"))
        };
        return if unit == col_unit {
            Text::new(
                format!("只填数字 `{value}`：单位已在列名 `{col_header}` 中"),
                format!(
                    "write the number alone, `{value}`: the header `{col_header}` gives the unit"
                ),
            )
        } else {
            Text::new(
                format!(
                    "{zh_read}：这一列以 `{col_unit}` 计，填写 `{value}`；或把列名改成 `{header}`，填写 `{number}`"
                ),
                format!(
                    "{en_read}: this column is in `{col_unit}`, so write `{value}`; or rename the column `{header}` and write `{number}`"
                ),
            )
        };
    }
    match p {
        NumberProblem::MisplacedSeparator => Text::new(
            "逗号只能作千位分隔符，每三位一组（如 `1,234,567.89`）；小数点用 `.`",
            "a comma is read only as a thousands separator, in groups of three (`1,234,567.89`); the decimal point is `.`",
        ),
        NumberProblem::UnitInCell => {
            let unit: String = t
                .trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '.' | '-'))
                .trim()
                .to_string();
            // The cell's own unit, if the field can be measured in it; else the declared one.
            let fits = match (&spec.kind, crate::units::parse_unit(&unit)) {
                (FieldKind::Number { unit: declared, .. }, Ok(u)) => u.dim() == declared.dim(),
                _ => false,
            };
            let unit = if fits { Some(unit) } else { spec.unit_text() };
            let header = header_text(&spec.name, None, unit.as_deref());
            Text::new(
                format!("单元格只填数字，把单位写在列名里，例如 `{header}`"),
                format!(
                    "give only the number in the cell, and the unit in the header, such as `{header}`"
                ),
            )
        }
        NumberProblem::Other => Text::new(
            "填写普通的数字，例如 `12.5` 或 `-3`",
            "write a plain number such as `12.5` or `-3`",
        ),
    }
}

/// What a field holds, in Chinese and English, for messages.
fn kind_names(kind: &FieldKind) -> (String, String) {
    match kind {
        FieldKind::Number { .. } => ("数字".into(), "a number".into()),
        FieldKind::Bool => ("是或否".into(), "yes or no".into()),
        FieldKind::Text => ("文本".into(), "text".into()),
        FieldKind::Date => ("日期".into(), "a date".into()),
        FieldKind::Year => ("年份".into(), "a year".into()),
        FieldKind::Enum { name, .. } => {
            (format!(" `{name}` 的取值"), format!("a value of `{name}`"))
        }
    }
}

/// ``你是不是想写 `营业收入`？`` / ``did you mean `营业收入`?``.
pub(super) fn suggestion_help(suggestions: &[String]) -> Text {
    crate::diagnostics::suggest::help_text(suggestions)
        .unwrap_or_else(|| Text::new("检查拼写", "check the spelling"))
}

//! TOML: `[[subjects]]` tables (also `[["主体"]]`) and an optional `[params]` table (also
//! `["参数"]`). TOML only allows ASCII letters in bare keys, so Chinese keys are quoted:
//! `"营业收入(万元)" = 12.5`; a value per year is a table of years:
//! `"营业收入(万元)" = { 2020 = 12.5, 2021 = 13 }`.
//!
//! The `toml` crate's span-keeping document parser gives the byte range of every key and value
//! and the text of every number, which is read as an exact decimal.

use std::sync::Arc;

use rust_decimal::Decimal;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::table::{
    DataLoc, RawCell, RawColumn, RawData, RawNested, RawParam, RawRow, RawTable, RawValue, place,
};
use crate::ast::Date;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Text};
use crate::source::{SourceFile, Span};

/// The most arrays and inline tables nested in each other (as in JSON data).
const MAX_DEPTH: usize = 32;

/// The byte offset of the first bracket or brace nested deeper than [`MAX_DEPTH`], outside
/// strings and comments: checked before the TOML parser, whose memory grows with the nesting.
fn too_deep(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    // Just past the first `end` at or after `from`, skipping `\x` escapes if asked.
    let past = |from: usize, end: &[u8], escapes: bool| {
        let mut j = from;
        while j < b.len() {
            if escapes && b.get(j) == Some(&b'\\') {
                j += 2;
                continue;
            }
            if b.get(j..).is_some_and(|r| r.starts_with(end)) {
                return j + end.len();
            }
            j += 1;
        }
        b.len()
    };
    let at = |i: usize, s: &[u8]| b.get(i..).is_some_and(|r| r.starts_with(s));
    while let Some(&c) = b.get(i) {
        i = match c {
            b'#' => past(i, b"\n", false),
            b'"' if at(i, b"\"\"\"") => past(i + 3, b"\"\"\"", true),
            b'\'' if at(i, b"'''") => past(i + 3, b"'''", false),
            b'"' => past(i + 1, b"\"", true),
            b'\'' => past(i + 1, b"'", false),
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
                i + 1
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i + 1
            }
            _ => i + 1,
        };
    }
    None
}

/// Reads a TOML data file into a raw table and parameters.
pub fn load_toml(file: &Arc<SourceFile>) -> (Option<RawData>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut raw = RawData::of(file, None);
    if let Some(at) = too_deep(&file.text) {
        diags.push(
            raw.diag(
                Code::DataFormat,
                Text::new(
                    format!("TOML 格式有误：嵌套过深（超过 {MAX_DEPTH} 层）"),
                    format!("malformed TOML: nested too deeply (more than {MAX_DEPTH} levels)"),
                ),
                &DataLoc::Span(Span::new(at, at + 1)),
                Text::new("这里", "here"),
            )
            .help(Text::new(
                "数据文件中的数组和表只需一两层：每个主体写一个 `[[subjects]]` 表",
                "arrays and tables of a data file nest a level or two: write one `[[subjects]]` table per subject",
            )),
        );
        return (None, diags);
    }
    let doc = match DeTable::parse(&file.text) {
        Ok(doc) => doc,
        Err(e) => {
            let span = e.span().map_or(Span::default(), |r| Span::new(r.start, r.end));
            let msg = e.message().trim().to_string();
            diags.push(
                raw.diag(
                    Code::DataFormat,
                    Text::new(format!("TOML 格式有误：{msg}"), format!("malformed TOML: {msg}")),
                    &DataLoc::Span(span),
                    Text::new("这里", "here"),
                )
                .help(Text::new(
                    "每个主体写一个 `[[subjects]]` 表，参数写在 `[params]` 表中；中文的键要加引号，例如 `\"名称\" = \"甲公司\"`",
                    "write one `[[subjects]]` table per subject and the parameters in `[params]`; quote Chinese keys, as in `\"名称\" = \"甲公司\"`",
                )),
            );
            return (None, diags);
        }
    };
    let mut errors = Vec::new();
    for (key, value) in sorted(doc.get_ref()) {
        let key_span = span(key);
        match key.get_ref().as_ref() {
            "subjects" | "主体" => match value.get_ref() {
                DeValue::Array(items) => {
                    let mut nested = Vec::new();
                    let (t, _) =
                        table(items.iter(), span(value), &raw, &mut errors, Some(&mut nested));
                    raw.table = Some(t);
                    raw.nested = nested;
                }
                _ => errors.push(shape(
                    &raw,
                    span(value),
                    "`subjects` 应为表的数组 `[[subjects]]`",
                    "`subjects` must be an array of tables, `[[subjects]]`",
                )),
            },
            "params" | "参数" => match value.get_ref() {
                DeValue::Table(t) => {
                    raw.params_loc = Some(DataLoc::Span(key_span));
                    for (k, v) in sorted(t) {
                        for (name, value) in entries(k, v, &raw, &mut errors) {
                            raw.params.push(RawParam { name, value });
                        }
                    }
                }
                _ => errors.push(shape(
                    &raw,
                    span(value),
                    "`params` 应为表",
                    "`params` must be a table",
                )),
            },
            other => errors.push(
                shape(
                    &raw,
                    key_span,
                    &format!("未知的键 `{other}`"),
                    &format!("unknown key `{other}`"),
                )
                .help(Text::new(
                    "顶层只能有 `[[subjects]]` 和 `[params]`",
                    "the top level has only `[[subjects]]` and `[params]`",
                )),
            ),
        }
    }
    diags.extend(Diagnostics::from(errors));
    (Some(raw), diags)
}

fn span<T>(s: &Spanned<T>) -> Span {
    let r = s.span();
    Span::new(r.start, r.end)
}

/// The entries of a table in the order they are written (the parser keeps them sorted by key).
fn sorted<'t, 'i>(
    t: &'t DeTable<'i>,
) -> Vec<(&'t Spanned<std::borrow::Cow<'i, str>>, &'t Spanned<DeValue<'i>>)> {
    let mut entries: Vec<_> = t.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    entries
}

fn shape(raw: &RawData, span: Span, zh: &str, en: &str) -> Diagnostic {
    raw.diag(Code::DataFormat, Text::new(zh, en), &DataLoc::Span(span), Text::new("这里", "here"))
}

/// A scalar as a raw value; `None` for arrays and tables.
fn scalar(v: &DeValue<'_>) -> Option<RawValue> {
    Some(match v {
        DeValue::String(s) => RawValue::Text(s.to_string()),
        DeValue::Boolean(b) => RawValue::Bool(*b),
        DeValue::Integer(i) => match i128::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Decimal::try_from_i128_with_scale(n, 0)
                .map_or_else(|_| RawValue::Invalid(i.to_string()), RawValue::Number),
            Err(_) => RawValue::Invalid(i.to_string()),
        },
        DeValue::Float(f) => {
            let t: String = f.as_str().chars().filter(|c| *c != '_').collect();
            let parsed = if t.contains(['e', 'E']) {
                Decimal::from_scientific(&t).ok()
            } else {
                Decimal::from_str_exact(&t).ok()
            };
            parsed.map_or_else(|| RawValue::Invalid(f.to_string()), RawValue::Number)
        }
        DeValue::Datetime(dt) => match (dt.date, dt.time) {
            (Some(d), None) => RawValue::Date(Date { year: d.year, month: d.month, day: d.day }),
            _ => RawValue::Invalid(dt.to_string()),
        },
        DeValue::Array(_) | DeValue::Table(_) => return None,
    })
}

/// The cells of one key: a scalar, or a table of years.
fn entries(
    key: &Spanned<std::borrow::Cow<'_, str>>,
    value: &Spanned<DeValue<'_>>,
    raw: &RawData,
    errors: &mut Vec<Diagnostic>,
) -> Vec<(RawColumn, RawCell)> {
    let column = |sub| RawColumn {
        name: key.get_ref().trim().to_string(),
        loc: DataLoc::Span(span(key)),
        sub,
    };
    if let Some(v) = scalar(value.get_ref()) {
        return vec![(column(None), RawCell { value: v, loc: DataLoc::Span(span(value)) })];
    }
    let DeValue::Table(years) = value.get_ref() else {
        errors.push(shape(raw, span(value), "这里不能是数组", "a list is not a value here").help(
            Text::new(
                "每年一个值时写成 `{ 2020 = 12.5 }`",
                "for a value per year write `{ 2020 = 12.5 }`",
            ),
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (year, v) in sorted(years) {
        match scalar(v.get_ref()) {
            Some(s) => out.push((
                column(Some((year.get_ref().to_string(), DataLoc::Span(span(year))))),
                RawCell { value: s, loc: DataLoc::Span(span(v)) },
            )),
            None => errors.push(shape(
                raw,
                span(v),
                "年份下只能是一个值",
                "a year holds a single value",
            )),
        }
    }
    out
}

/// A list of tables (empty, or every item a table): members written under a subject.
fn list_of_tables<'a, 'i>(v: &'a DeValue<'i>) -> Option<&'a toml::de::DeArray<'i>> {
    match v {
        DeValue::Array(items) if items.iter().all(|i| matches!(i.get_ref(), DeValue::Table(_))) => {
            Some(items)
        }
        _ => None,
    }
}

/// The subjects of an array of tables, and the index of the item each row was read from. With
/// `nested`, a key of a subject whose value is a list of tables (`[[subjects."合同"]]`) holds
/// members written under it: they are collected there, one table per key.
fn table<'a, 'i: 'a>(
    items: impl Iterator<Item = &'a Spanned<DeValue<'i>>>,
    array_span: Span,
    raw: &RawData,
    errors: &mut Vec<Diagnostic>,
    nested: Option<&mut Vec<RawNested>>,
) -> (RawTable, Vec<usize>) {
    let mut columns: Vec<RawColumn> = Vec::new();
    let mut rows = Vec::new();
    let mut kept = Vec::new();
    // Per key: where it is first written, and each member with the row of its owner.
    type Pending<'a, 'i> = (String, Span, Vec<(&'a Spanned<DeValue<'i>>, usize)>);
    let mut pending: Vec<Pending<'a, 'i>> = Vec::new();
    let nest = nested.is_some();
    for (n, item) in items.enumerate() {
        let DeValue::Table(t) = item.get_ref() else {
            errors.push(shape(
                raw,
                span(item),
                "每个主体应为一个表",
                "each subject must be a table",
            ));
            continue;
        };
        let mut cells: Vec<Option<RawCell>> = vec![None; columns.len()];
        let mut has_members = false;
        for (k, v) in sorted(t) {
            if nest && let Some(members) = list_of_tables(v.get_ref()) {
                has_members = true;
                let name = k.get_ref().trim().to_string();
                let at = match pending.iter().position(|p| p.0 == name) {
                    Some(i) => i,
                    None => {
                        pending.push((name, span(k), Vec::new()));
                        pending.len() - 1
                    }
                };
                if let Some(p) = pending.get_mut(at) {
                    p.2.extend(members.iter().map(|m| (m, rows.len())));
                }
                continue;
            }
            for (col, cell) in entries(k, v, raw, errors) {
                if !place(&mut columns, &mut cells, col, cell) {
                    errors.push(shape(
                        raw,
                        span(k),
                        "同一个字段给出了两次",
                        "the same field is given twice",
                    ));
                }
            }
        }
        if !has_members && cells.iter().flatten().all(|c| c.value.is_empty()) {
            continue;
        }
        rows.push(RawRow { loc: DataLoc::Span(span(item)), cells });
        kept.push(n);
    }
    for row in &mut rows {
        row.cells.resize(columns.len(), None);
    }
    if let Some(out) = nested {
        for (kind, at, members) in pending {
            let list: Vec<&Spanned<DeValue<'i>>> = members.iter().map(|m| m.0).collect();
            let (table, read) = table(list.into_iter(), at, raw, errors, None);
            let owners = read.iter().filter_map(|i| members.get(*i).map(|m| m.1)).collect();
            out.push(RawNested { kind, loc: DataLoc::Span(at), table, owners });
        }
    }
    (RawTable { header_loc: DataLoc::Span(array_span), columns, rows, keyed: true }, kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_measured_outside_strings_and_comments() {
        let deep = format!("a = {}1{}", "[".repeat(33), "]".repeat(33));
        assert_eq!(too_deep(&deep), Some(36));
        let ok = format!("a = {}1{}", "[".repeat(32), "]".repeat(32));
        assert_eq!(too_deep(&ok), None);
        let b = "[".repeat(40);
        let quoted = format!(
            "[[subjects]]\n# {b}\nx = \"{b}\\\"{b}\"\ny = '{b}'\nz = \"\"\"\n{b}\"\"\"\nw = '''{b}'''\n"
        );
        assert_eq!(too_deep(&quoted), None, "{quoted}");
    }

    fn load(text: &str) -> (Arc<SourceFile>, RawData) {
        let f = SourceFile::new("d.toml", text);
        let (raw, d) = load_toml(&f);
        assert!(d.is_empty(), "{:?}", d.sorted());
        (f, raw.unwrap())
    }

    #[test]
    fn subjects_and_params_keep_order_spans_and_exact_numbers() {
        let (f, raw) = load(
            "[params]\n\"分数线(分)\" = 90\n\n[[subjects]]\n\"名称\" = \"甲\"\n\"营业收入(万元)\" = 0.1\n\"重点\" = true\n\
             \"成立\" = 2020-01-02\n\"收入\" = { 2021 = 3, 2020 = 1_000 }\n\n[[subjects]]\n\"名称\" = \"乙\"\n",
        );
        let t = raw.table.unwrap();
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["名称", "营业收入(万元)", "重点", "成立", "收入", "收入"]);
        assert_eq!(t.columns[4].sub.as_ref().map(|s| s.0.as_str()), Some("2021"));
        let cell = t.rows[0].cells[1].as_ref().unwrap();
        assert_eq!(cell.value, RawValue::Number(Decimal::new(1, 1)));
        assert_eq!(f.slice(cell.loc.span()), "0.1");
        assert_eq!(
            t.rows[0].cells[3].as_ref().unwrap().value,
            RawValue::Date(Date { year: 2020, month: 1, day: 2 })
        );
        assert_eq!(
            t.rows[0].cells[5].as_ref().unwrap().value,
            RawValue::Number(Decimal::from(1000))
        );
        assert_eq!(t.rows[1].cells[1], None);
        assert_eq!(raw.params.len(), 1);
        assert_eq!(raw.params[0].value.value, RawValue::Number(Decimal::from(90)));
    }

    #[test]
    fn errors() {
        let (raw, d) = load_toml(&SourceFile::new("d.toml", "[[subjects]]\n\"名称\" = \n"));
        assert!(raw.is_none());
        assert_eq!(d.iter().next().unwrap().code, Code::DataFormat);
        let (raw, d) = load_toml(&SourceFile::new(
            "d.toml",
            "subject = 1\nparams = 2\n[[subjects]]\na = [1]\nb = inf\n",
        ));
        assert_eq!(raw.unwrap().table.unwrap().rows.len(), 1, "the rest is still read");
        assert_eq!(d.len(), 3, "{:?}", d.sorted());
        let (raw, _) = load_toml(&SourceFile::new(
            "d.toml",
            "[[subjects]]\nb = inf\nc = 1979-05-27T07:32:00Z\n",
        ));
        let t = raw.unwrap().table.unwrap();
        assert!(matches!(t.rows[0].cells[0].as_ref().unwrap().value, RawValue::Invalid(_)));
        assert!(matches!(t.rows[0].cells[1].as_ref().unwrap().value, RawValue::Invalid(_)));
    }
}

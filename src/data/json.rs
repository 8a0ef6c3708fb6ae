//! JSON: an array of subject objects, or `{ "subjects": [...], "params": {...} }` (also
//! `主体` and `参数`). A field given per year is an object of years:
//! `"营业收入(万元)": { "2020": 12.5, "2021": 13 }`.
//!
//! A small parser of its own keeps the byte range of every key and value (so diagnostics
//! underline them) and the exact text of every number (so `0.1` is the decimal `0.1`, not the
//! nearest binary fraction).

use std::sync::Arc;

use rust_decimal::Decimal;

use super::table::{
    DataLoc, RawCell, RawColumn, RawData, RawNested, RawParam, RawRow, RawTable, RawValue, place,
};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Text};
use crate::source::{SourceFile, Span};

/// Arrays and objects nest at most this deep (a data file needs three levels).
const MAX_DEPTH: usize = 32;

/// A JSON value and the bytes it spans.
#[derive(Clone, Debug, PartialEq)]
struct J {
    kind: JKind,
    span: Span,
}

#[derive(Clone, Debug, PartialEq)]
enum JKind {
    Null,
    Bool(bool),
    /// The number as written.
    Number(String),
    String(String),
    Array(Vec<J>),
    /// Keys (with their spans) and values, in order.
    Object(Vec<(String, Span, J)>),
}

/// Reads a JSON data file into a raw table and parameters.
pub fn load_json(file: &Arc<SourceFile>) -> (Option<RawData>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut raw = RawData::of(file, None);
    let root = match Parser::new(&file.text).document() {
        Ok(j) => j,
        Err((at, zh, en)) => {
            let end = file
                .text
                .get(at..)
                .and_then(|t| t.chars().next())
                .map_or(at, |c| at + c.len_utf8());
            diags.push(
                raw.diag(
                    Code::DataFormat,
                    Text::new(format!("JSON 格式有误：{zh}"), format!("malformed JSON: {en}")),
                    &DataLoc::Span(Span::new(at, end)),
                    Text::new("这里", "here"),
                )
                .help(Text::new(
                    "数据文件是主体对象的数组，或 `{ \"subjects\": [...], \"params\": {...} }`",
                    "a data file is an array of subject objects, or `{ \"subjects\": [...], \"params\": {...} }`",
                )),
            );
            return (None, diags);
        }
    };
    let mut errors = Vec::new();
    match root.kind {
        JKind::Array(_) => {
            let mut nested = Vec::new();
            raw.table = Some(table(&root, &raw, &mut errors, Some(&mut nested)));
            raw.nested = nested;
        }
        JKind::Object(entries) => {
            for (key, key_span, value) in entries {
                match key.as_str() {
                    "subjects" | "主体" => match value.kind {
                        JKind::Array(_) => {
                            let mut nested = Vec::new();
                            raw.table = Some(table(&value, &raw, &mut errors, Some(&mut nested)));
                            raw.nested = nested;
                        }
                        _ => errors.push(shape(
                            &raw,
                            value.span,
                            "`subjects` 应为对象的数组",
                            "`subjects` must be an array of objects",
                        )),
                    },
                    "params" | "参数" => {
                        raw.params_loc = Some(DataLoc::Span(value.span));
                        raw.params = params(&value, &raw, &mut errors);
                    }
                    _ => errors.push(
                        shape(
                            &raw,
                            key_span,
                            &format!("未知的键 `{key}`"),
                            &format!("unknown key `{key}`"),
                        )
                        .help(Text::new(
                            "顶层只能有 `subjects` 和 `params`",
                            "the top level has only `subjects` and `params`",
                        )),
                    ),
                }
            }
        }
        _ => errors.push(shape(
            &raw,
            root.span,
            "数据应为数组或对象",
            "the data must be an array or an object",
        )),
    }
    diags.extend(Diagnostics::from(errors));
    (Some(raw), diags)
}

fn shape(raw: &RawData, span: Span, zh: &str, en: &str) -> Diagnostic {
    raw.diag(Code::DataFormat, Text::new(zh, en), &DataLoc::Span(span), Text::new("这里", "here"))
}

/// A scalar as a raw value; `None` for arrays and objects.
fn scalar(j: &J) -> Option<RawValue> {
    Some(match &j.kind {
        JKind::Null => RawValue::Empty,
        JKind::Bool(b) => RawValue::Bool(*b),
        JKind::String(s) => RawValue::Text(s.clone()),
        JKind::Number(n) => number(n),
        JKind::Array(_) | JKind::Object(_) => return None,
    })
}

/// A JSON number, exactly; one that cannot be held exactly is not read.
fn number(n: &str) -> RawValue {
    let parsed = if n.contains(['e', 'E']) {
        Decimal::from_scientific(n).ok()
    } else {
        Decimal::from_str_exact(n).ok()
    };
    parsed.map_or_else(|| RawValue::Invalid(n.to_string()), RawValue::Number)
}

/// The cells of one entry: a scalar, or an object of years.
fn entries(
    key: &str,
    key_span: Span,
    value: &J,
    raw: &RawData,
    errors: &mut Vec<Diagnostic>,
) -> Vec<(RawColumn, RawCell)> {
    let column =
        |sub| RawColumn { name: key.trim().to_string(), loc: DataLoc::Span(key_span), sub };
    if let Some(v) = scalar(value) {
        return vec![(column(None), RawCell { value: v, loc: DataLoc::Span(value.span) })];
    }
    let JKind::Object(years) = &value.kind else {
        errors.push(shape(raw, value.span, "这里不能是数组", "a list is not a value here").help(
            Text::new(
                "每年一个值时写成 `{ \"2020\": 12.5 }`",
                "for a value per year write `{ \"2020\": 12.5 }`",
            ),
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (year, year_span, v) in years {
        match scalar(v) {
            Some(s) => out.push((
                column(Some((year.clone(), DataLoc::Span(*year_span)))),
                RawCell { value: s, loc: DataLoc::Span(v.span) },
            )),
            None => {
                errors.push(shape(raw, v.span, "年份下只能是一个值", "a year holds a single value"))
            }
        }
    }
    out
}

fn table(
    array: &J,
    raw: &RawData,
    errors: &mut Vec<Diagnostic>,
    nested: Option<&mut Vec<RawNested>>,
) -> RawTable {
    let items: Vec<&J> = match &array.kind {
        JKind::Array(items) => items.iter().collect(),
        _ => Vec::new(),
    };
    rows(&items, array.span, raw, errors, nested).0
}

/// A list of objects (empty, or every item an object): members written under a subject.
fn list_of_objects(j: &J) -> Option<&Vec<J>> {
    match &j.kind {
        JKind::Array(items) if items.iter().all(|i| matches!(i.kind, JKind::Object(_))) => {
            Some(items)
        }
        _ => None,
    }
}

/// The subjects of an array, and the index of the item each row was read from. With `nested`,
/// a key of a subject whose value is a list of objects (`"合同": [{...}]`) holds members written
/// under it: they are collected there, one table per key.
fn rows(
    items: &[&J],
    span: Span,
    raw: &RawData,
    errors: &mut Vec<Diagnostic>,
    nested: Option<&mut Vec<RawNested>>,
) -> (RawTable, Vec<usize>) {
    let mut columns: Vec<RawColumn> = Vec::new();
    let mut rows = Vec::new();
    let mut kept = Vec::new();
    // Per key: where it is first written, and each member with the row of its owner.
    type Pending<'j> = (String, Span, Vec<(&'j J, usize)>);
    let mut pending: Vec<Pending<'_>> = Vec::new();
    let nest = nested.is_some();
    for (n, item) in items.iter().enumerate() {
        let JKind::Object(fields) = &item.kind else {
            errors.push(shape(
                raw,
                item.span,
                "每个主体应为一个对象",
                "each subject must be an object",
            ));
            continue;
        };
        let mut cells: Vec<Option<RawCell>> = vec![None; columns.len()];
        let mut has_members = false;
        for (key, key_span, value) in fields {
            if nest && let Some(members) = list_of_objects(value) {
                has_members = true;
                let name = key.trim().to_string();
                let at = match pending.iter().position(|p| p.0 == name) {
                    Some(i) => i,
                    None => {
                        pending.push((name, *key_span, Vec::new()));
                        pending.len() - 1
                    }
                };
                if let Some(p) = pending.get_mut(at) {
                    p.2.extend(members.iter().map(|m| (m, rows.len())));
                }
                continue;
            }
            for (col, cell) in entries(key, *key_span, value, raw, errors) {
                if !place(&mut columns, &mut cells, col, cell) {
                    errors.push(shape(
                        raw,
                        *key_span,
                        &format!("键 `{key}` 出现了两次"),
                        &format!("key `{key}` given twice"),
                    ));
                }
            }
        }
        if !has_members && cells.iter().flatten().all(|c| c.value.is_empty()) {
            continue;
        }
        rows.push(RawRow { loc: DataLoc::Span(item.span), cells });
        kept.push(n);
    }
    for row in &mut rows {
        row.cells.resize(columns.len(), None);
    }
    if let Some(out) = nested {
        for (kind, at, members) in pending {
            let list: Vec<&J> = members.iter().map(|m| m.0).collect();
            let (table, read) = self::rows(&list, at, raw, errors, None);
            let owners = read.iter().filter_map(|i| members.get(*i).map(|m| m.1)).collect();
            out.push(RawNested { kind, loc: DataLoc::Span(at), table, owners });
        }
    }
    (RawTable { header_loc: DataLoc::Span(span), columns, rows, keyed: true }, kept)
}

fn params(object: &J, raw: &RawData, errors: &mut Vec<Diagnostic>) -> Vec<RawParam> {
    let JKind::Object(entries_) = &object.kind else {
        errors.push(shape(raw, object.span, "`params` 应为对象", "`params` must be an object"));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, key_span, value) in entries_ {
        for (name, value) in entries(key, *key_span, value, raw, errors) {
            out.push(RawParam { name, value });
        }
    }
    out
}

/// A strict JSON parser (RFC 8259) that keeps spans and number texts.
struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

/// Where and what: a byte offset and the message in both languages.
type Fail = (usize, String, String);

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        let pos = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
        Parser { text, pos }
    }

    fn fail<T>(&self, zh: &str, en: &str) -> Result<T, Fail> {
        Err((self.pos, zh.to_string(), en.to_string()))
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn document(&mut self) -> Result<J, Fail> {
        self.ws();
        let j = self.value(0)?;
        self.ws();
        if self.pos < self.text.len() {
            return self.fail("数据结束后还有多余的内容", "unexpected text after the data");
        }
        Ok(j)
    }

    fn value(&mut self, depth: usize) -> Result<J, Fail> {
        if depth > MAX_DEPTH {
            return self.fail("嵌套过深", "nested too deeply");
        }
        let start = self.pos;
        let kind = match self.peek() {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => JKind::String(self.string()?),
            Some(b't') => self.word("true", JKind::Bool(true))?,
            Some(b'f') => self.word("false", JKind::Bool(false))?,
            Some(b'n') => self.word("null", JKind::Null)?,
            Some(b'-' | b'0'..=b'9') => JKind::Number(self.number()?),
            None => return self.fail("数据不完整", "unexpected end of the data"),
            Some(_) => return self.fail("这里应为一个值", "a value was expected"),
        };
        Ok(J { kind, span: Span::new(start, self.pos) })
    }

    fn word(&mut self, w: &str, kind: JKind) -> Result<JKind, Fail> {
        if self.text.get(self.pos..).is_some_and(|t| t.starts_with(w)) {
            self.pos += w.len();
            Ok(kind)
        } else {
            self.fail("这里应为一个值", "a value was expected")
        }
    }

    fn expect(&mut self, b: u8, zh: &str, en: &str) -> Result<(), Fail> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            self.fail(zh, en)
        }
    }

    fn object(&mut self, depth: usize) -> Result<JKind, Fail> {
        self.pos += 1;
        let mut entries = Vec::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(JKind::Object(entries));
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return self.fail("这里应为带引号的键", "a quoted key was expected");
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = Span::new(key_start, self.pos);
            self.ws();
            self.expect(b':', "键后面应为 `:`", "`:` was expected after the key")?;
            self.ws();
            let value = self.value(depth + 1)?;
            entries.push((key, key_span, value));
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(JKind::Object(entries));
                }
                _ => return self.fail("这里应为 `,` 或 `}`", "`,` or `}` was expected"),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<JKind, Fail> {
        self.pos += 1;
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(JKind::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(JKind::Array(items));
                }
                _ => return self.fail("这里应为 `,` 或 `]`", "`,` or `]` was expected"),
            }
        }
    }

    fn number(&mut self) -> Result<String, Fail> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let s = p.pos;
            while matches!(p.peek(), Some(b'0'..=b'9')) {
                p.pos += 1;
            }
            p.pos - s
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        let n = digits(self);
        if n == 0 || (n > 1 && self.text.as_bytes().get(int_start) == Some(&b'0')) {
            return self.fail("数字写法有误", "malformed number");
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if digits(self) == 0 {
                return self
                    .fail("小数点后应有数字", "digits were expected after the decimal point");
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return self.fail("指数应有数字", "digits were expected in the exponent");
            }
        }
        Ok(self.text.get(start..self.pos).unwrap_or("").to_string())
    }

    fn string(&mut self) -> Result<String, Fail> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(rest) = self.text.get(self.pos..) else {
                return self.fail("字符串没有结束", "unterminated string");
            };
            let Some(c) = rest.chars().next() else {
                return self.fail("字符串没有结束", "unterminated string");
            };
            match c {
                '"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                '\\' => {
                    self.pos += 1;
                    let esc = self.peek();
                    self.pos += 1;
                    match esc {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => out.push(self.unicode_escape()?),
                        _ => {
                            self.pos -= 1;
                            return self.fail("无效的转义", "invalid escape");
                        }
                    }
                }
                c if u32::from(c) < 0x20 => {
                    return self.fail("字符串中有控制字符", "control character in a string");
                }
                c => {
                    out.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, Fail> {
        let hex = self
            .text
            .get(self.pos..self.pos + 4)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
        match hex.and_then(|h| u32::from_str_radix(h, 16).ok()) {
            Some(v) => {
                self.pos += 4;
                Ok(v)
            }
            None => {
                self.fail("`\\u` 后应为四位十六进制数", "four hex digits were expected after `\\u`")
            }
        }
    }

    fn unicode_escape(&mut self) -> Result<char, Fail> {
        let hi = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&hi) {
            if self.text.get(self.pos..).is_some_and(|t| t.starts_with("\\u")) {
                self.pos += 2;
                let lo = self.hex4()?;
                if !(0xDC00..0xE000).contains(&lo) {
                    return self.fail("无效的代理对", "invalid surrogate pair");
                }
                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
            } else {
                return self.fail("无效的代理对", "invalid surrogate pair");
            }
        } else {
            hi
        };
        match char::from_u32(code) {
            Some(c) => Ok(c),
            None => self.fail("无效的字符", "invalid character"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> (Arc<SourceFile>, RawData) {
        let f = SourceFile::new("d.json", text);
        let (raw, d) = load_json(&f);
        assert!(d.is_empty(), "{:?}", d.sorted());
        (f, raw.unwrap())
    }

    fn fails(text: &str) -> Vec<Diagnostic> {
        let (_, d) = load_json(&SourceFile::new("d.json", text));
        assert!(d.has_errors(), "{text}");
        d.sorted()
    }

    #[test]
    fn array_of_objects_with_spans_and_exact_numbers() {
        let (f, raw) = load(
            r#"[{"名称": "甲", "营业收入(万元)": 0.1, "重点": true, "占比": null}, {"名称": "乙\u4e00"}]"#,
        );
        let t = raw.table.unwrap();
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["名称", "营业收入(万元)", "重点", "占比"]);
        assert_eq!(t.rows.len(), 2);
        let cell = t.rows[0].cells[1].as_ref().unwrap();
        assert_eq!(cell.value, RawValue::Number(Decimal::new(1, 1)));
        assert_eq!(f.slice(cell.loc.span()), "0.1");
        assert_eq!(t.rows[0].cells[3].as_ref().unwrap().value, RawValue::Empty);
        assert_eq!(t.rows[1].cells[0].as_ref().unwrap().value, RawValue::Text("乙一".into()));
        assert_eq!(t.rows[1].cells[1], None);
        assert_eq!(f.slice(t.columns[1].loc.span()), "\"营业收入(万元)\"");
    }

    #[test]
    fn subjects_params_and_years() {
        let (f, raw) = load(
            r#"{ "subjects": [ {"名称": "甲", "营业收入": {"2020": 1, "2021": 2e1}} ],
                 "params": {"分数线(分)": 90, "增速": {"2020": 5.5}} }"#,
        );
        let t = raw.table.unwrap();
        assert_eq!(t.columns.len(), 3);
        assert_eq!(t.columns[2].sub.as_ref().map(|s| s.0.as_str()), Some("2021"));
        assert_eq!(t.rows[0].cells[2].as_ref().unwrap().value, RawValue::Number(Decimal::from(20)));
        assert_eq!(raw.params.len(), 2);
        assert_eq!(raw.params[0].name.name, "分数线(分)");
        assert_eq!(raw.params[1].name.sub.as_ref().map(|s| s.0.as_str()), Some("2020"));
        assert_eq!(f.slice(raw.params[1].value.loc.span()), "5.5");
    }

    #[test]
    fn malformed_json_is_located() {
        assert!(load_json(&SourceFile::new("d.json", "[1,]")).0.is_none());
        let d = fails("[{\"名称\": \"甲\",}]");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, Code::DataFormat);
        assert_eq!(d[0].primary().unwrap().span.start, "[{\"名称\": \"甲\",".len());
        for bad in [
            "",
            "[",
            "[01]",
            "[1.]",
            "[\"\\x\"]",
            "[\"\\ud800\"]",
            "{\"a\" 1}",
            "[1] 2",
            "tru",
            "[-]",
        ] {
            assert_eq!(fails(bad)[0].code, Code::DataFormat, "{bad}");
        }
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert_eq!(fails(&deep)[0].code, Code::DataFormat);
    }

    #[test]
    fn shape_errors_are_all_reported() {
        let d = fails(
            r#"{"subject": [], "params": [], "subjects": [1, {"a": [1]}, {"a": 1, "a": 2}]}"#,
        );
        assert_eq!(d.len(), 5, "{d:?}");
        assert!(d.iter().all(|d| d.code == Code::DataFormat));
    }

    #[test]
    fn unicode_escapes() {
        let mut p = Parser::new(r#""\ud83d\ude00\u00e9\n""#);
        assert_eq!(p.string().unwrap(), "😀é\n");
    }

    #[test]
    fn huge_numbers_are_not_read() {
        let (_, raw) = load("[{\"a\": 1e400}]");
        let t = raw.table.unwrap();
        assert!(matches!(t.rows[0].cells[0].as_ref().unwrap().value, RawValue::Invalid(_)));
    }
}

//! Templates: the header a data file for a subject needs, with units, and one example row that
//! validates, for `zhengce` to write an empty CSV or TOML file for officers to fill in.

use rust_decimal::Decimal;

use super::header::header_text;
use super::schema::{FieldKind, FieldSpec, Schema};

/// One column of a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateColumn {
    /// The header: `营业收入[2020](万元)`.
    pub header: String,
    /// An example value that validates: the lower bound of a number, the first value of an
    /// enumeration, `否`, ...
    pub example: String,
    /// True if the example is text (quoted in TOML).
    pub is_text: bool,
}

/// The columns of a data file for one subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    /// The columns, in field order (with a `年份` column after the id in long form).
    pub columns: Vec<TemplateColumn>,
}

/// The template of a subject's data. Yearly fields get one column per year in `years`; with no
/// years, the template is in long form: a `年份` column and one plain column per yearly field.
pub fn template(schema: &Schema, years: &[u16]) -> Template {
    let long_form = years.is_empty() && schema.fields.iter().any(|f| f.by_year);
    let example_year = years.first().copied().unwrap_or(2024);
    let mut columns = Vec::new();
    for (i, f) in schema.fields.iter().enumerate() {
        let unit = f.unit_text();
        let (example, is_text) = example(f, i, schema.key);
        if f.by_year && !long_form {
            for y in years {
                columns.push(TemplateColumn {
                    header: header_text(&f.name, Some(*y), unit.as_deref()),
                    example: example.clone(),
                    is_text,
                });
            }
        } else {
            columns.push(TemplateColumn {
                header: header_text(&f.name, None, unit.as_deref()),
                example,
                is_text,
            });
        }
        if long_form && schema.key == Some(i) {
            columns.push(year_column(example_year));
        }
    }
    if long_form && schema.key.is_none() {
        columns.insert(0, year_column(example_year));
    }
    Template { columns }
}

fn year_column(year: u16) -> TemplateColumn {
    TemplateColumn { header: "年份".into(), example: year.to_string(), is_text: false }
}

fn example(f: &FieldSpec, index: usize, key: Option<usize>) -> (String, bool) {
    match &f.kind {
        FieldKind::Number { unit, .. } => {
            let base = f.min.as_ref().map_or(Decimal::ZERO, |b| b.value);
            let base = match &f.max {
                Some(max) if max.value < base => max.value,
                _ => base,
            };
            let shown = unit
                .from_base(base)
                .map_or_else(|_| "0".to_string(), |v| v.normalize().to_string());
            (shown, false)
        }
        FieldKind::Bool => ("否".into(), false),
        FieldKind::Text if key == Some(index) => ("示例".into(), true),
        FieldKind::Text => (String::new(), true),
        FieldKind::Date => ("2024-01-01".into(), true),
        FieldKind::Year => ("2024".into(), false),
        FieldKind::Enum { values, .. } => (values.first().cloned().unwrap_or_default(), true),
    }
}

impl Template {
    /// The headers, in order.
    pub fn headers(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.header.as_str()).collect()
    }

    /// A CSV file: the header line and the example row.
    pub fn to_csv(&self) -> String {
        let line =
            |cells: Vec<&str>| cells.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(",");
        let example = self.columns.iter().map(|c| c.example.as_str()).collect();
        format!("{}\n{}\n", line(self.headers()), line(example))
    }

    /// A TOML file with one `[[subjects]]` table holding the example row.
    pub fn to_toml(&self) -> String {
        let mut out = String::from("[[subjects]]\n");
        for c in &self.columns {
            let value = if c.is_text {
                toml_string(&c.example)
            } else if c.example == "否" {
                "false".to_string()
            } else {
                c.example.clone()
            };
            out.push_str(&format!("{} = {value}\n", toml_string(&c.header)));
        }
        out
    }
}

pub fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) || text.starts_with(' ') || text.ends_with(' ') {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("a\"b"), "\"a\"\"b\"");
        assert_eq!(csv_cell("营业收入(万元)"), "营业收入(万元)");
        assert_eq!(toml_string("营业收入[2020](万元)"), "\"营业收入[2020](万元)\"");
        assert_eq!(toml_string("a\"\\\u{1}"), "\"a\\\"\\\\\\u0001\"");
    }
}

//! Templates: the header a data file for a subject needs, with units, and one example row that
//! validates, for `zhengce` to write an empty CSV or TOML file for officers to fill in; or a
//! workbook to fill in Excel ([`Template::to_xlsx`]): a sheet named after the subject kind with
//! the header frozen and drop-down lists for enumerations and 是/否, and a `参数` sheet with one
//! row per parameter, its unit, and an empty cell for its value.

use rust_decimal::Decimal;
use rust_xlsxwriter::{
    ColNum, Color, DataValidation, DocProperties, ExcelDateTime, Format, Formula, RowNum, Workbook,
    XlsxError,
};

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
    /// The values a cell may take, for a drop-down list: an enumeration's values, or `是` and
    /// `否`; empty for any other field.
    pub choices: Vec<String>,
    /// What to write in a cell, for the message a spreadsheet shows beside it (`数字，单位：万元`).
    pub hint: Hint,
}

/// One parameter of a template: the document leaves its value to the county.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateParam {
    /// The name as a header, with its unit (and year, for a yearly parameter):
    /// `高新奖励(万元)`, the form the data's parameter table reads.
    pub header: String,
    /// The unit, as written in the policy (`万元`); empty for a parameter without one.
    pub unit: String,
    /// The values it may take, for a drop-down list (an enumeration, `是`/`否`).
    pub choices: Vec<String>,
    /// True if the policy gives no default: the evaluation needs a value.
    pub required: bool,
    /// What to write, as for a column.
    pub hint: Hint,
}

/// What a cell of a template holds, in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hint {
    /// Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

/// The columns of a data file for one subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    /// The subject kind (`企业`).
    pub subject: String,
    /// The columns, in field order (with a `年份` column after the id in long form).
    pub columns: Vec<TemplateColumn>,
    /// The parameters the data gives for this kind, in declaration order.
    pub params: Vec<TemplateParam>,
}

/// The template of a subject's data. Yearly fields get one column per year in `years`; with no
/// years, the template is in long form: a `年份` column and one plain column per yearly field.
pub fn template(schema: &Schema, years: &[u16]) -> Template {
    let long_form = years.is_empty() && schema.fields.iter().any(|f| f.by_year);
    let example_year = years.first().copied().unwrap_or(2024);
    let mut columns = Vec::new();
    // A member's link to its owner: the owner's example id (`示例`), so that the two templates
    // filled in as written go together.
    let link = schema.owner.as_ref().map(|(_, l)| l.as_str());
    for (i, f) in schema.fields.iter().enumerate() {
        let unit = f.unit_text();
        let (example, is_text) = match (&f.kind, link) {
            (FieldKind::Text, Some(l)) if f.name == l => ("示例".to_string(), true),
            _ => example(f, i, schema.key),
        };
        let hint = hint(f, schema.key == Some(i), long_form);
        if f.by_year && !long_form {
            for y in years {
                columns.push(TemplateColumn {
                    header: header_text(&f.name, Some(*y), unit.as_deref()),
                    example: example.clone(),
                    is_text,
                    choices: choices(f),
                    hint: hint.clone(),
                });
            }
        } else {
            columns.push(TemplateColumn {
                header: header_text(&f.name, None, unit.as_deref()),
                example,
                is_text,
                choices: choices(f),
                hint,
            });
        }
        if long_form && schema.key == Some(i) {
            columns.push(year_column(example_year));
        }
    }
    if long_form && schema.key.is_none() {
        columns.insert(0, year_column(example_year));
    }
    let mut params = Vec::new();
    for p in &schema.params {
        let unit = p.unit_text();
        // A yearly parameter takes a row per year: the years asked for, else the example year.
        let param_years: Vec<Option<u16>> = match (p.by_year, years.is_empty()) {
            (false, _) => vec![None],
            (true, true) => vec![Some(example_year)],
            (true, false) => years.iter().copied().map(Some).collect(),
        };
        for y in param_years {
            params.push(TemplateParam {
                header: header_text(&p.name, y, unit.as_deref()),
                unit: unit.clone().unwrap_or_default(),
                choices: choices(p),
                required: !p.optional,
                hint: hint(p, false, false),
            });
        }
    }
    Template { subject: schema.subject.clone(), columns, params }
}

fn year_column(year: u16) -> TemplateColumn {
    TemplateColumn {
        header: "年份".into(),
        example: year.to_string(),
        is_text: false,
        choices: Vec::new(),
        hint: Hint {
            zh: "年份，如 2024；每个主体每年一行".into(),
            en: "a year, such as 2024; one row per subject and year".into(),
        },
    }
}

/// The values of a drop-down list for a field: its enumeration's, or 是/否.
fn choices(f: &FieldSpec) -> Vec<String> {
    match &f.kind {
        FieldKind::Bool => vec!["是".into(), "否".into()],
        FieldKind::Enum { values, .. } => values.clone(),
        _ => Vec::new(),
    }
}

/// What to write in a cell of field `f`.
fn hint(f: &FieldSpec, key: bool, long_form: bool) -> Hint {
    let (mut zh, mut en) = match &f.kind {
        FieldKind::Number { unit, share } => {
            let u = unit.display(crate::diagnostics::Lang::Zh);
            let (zh, en) = if unit.dim().is_number() && unit.text().is_none() {
                ("填数字".to_string(), "a number".to_string())
            } else {
                (format!("填数字，单位：{u}"), format!("a number in {u}"))
            };
            if *share { (format!("{zh}（占比）"), format!("{en} (a share)")) } else { (zh, en) }
        }
        FieldKind::Bool => ("从下拉列表选“是”或“否”".into(), "choose 是 (yes) or 否 (no)".into()),
        FieldKind::Text => ("填文字".into(), "a text".into()),
        FieldKind::Date => ("填日期，如 2024-01-01".into(), "a date, such as 2024-01-01".into()),
        FieldKind::Year => ("填年份，如 2024".into(), "a year, such as 2024".into()),
        FieldKind::Enum { values, .. } => (
            format!("从下拉列表选择：{}", values.join("、")),
            format!("choose one of: {}", values.join(", ")),
        ),
    };
    if let (Some(lo), Some(hi)) = (&f.min, &f.max) {
        zh.push_str(&format!("；范围 {} – {}", lo.written, hi.written));
        en.push_str(&format!("; from {} to {}", lo.written, hi.written));
    }
    if key {
        let (z, e) = if long_form {
            ("必填：每个主体每年一行", "required: one row per subject and year")
        } else {
            ("必填：每个主体一行，不要重复", "required: one row per subject, no repeats")
        };
        zh.push_str(&format!("；{z}"));
        en.push_str(&format!("; {e}"));
    } else if f.optional {
        zh.push_str("；没有可以不填");
        en.push_str("; may be left empty");
    }
    Hint { zh, en }
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

impl Template {
    /// An Excel workbook to fill in for this subject kind; see [`workbook`].
    pub fn to_xlsx(&self) -> Result<Vec<u8>, XlsxError> {
        workbook(std::slice::from_ref(self))
    }
}

/// An Excel workbook to fill in: a sheet named after each subject kind (its header frozen, units
/// in the headers, a drop-down list on every cell of an enumeration or 是/否 column, and the hint
/// of each column shown beside a selected cell) and, when the kinds have parameters, a sheet
/// `参数`: the name with its unit, an empty cell for the value, the unit and what to write (a
/// parameter several kinds use is listed once). `eval --data` reads the kind's sheet and the
/// parameters back. The bytes are the same on every run.
pub fn workbook(templates: &[Template]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let date = ExcelDateTime::from_ymd(1980, 1, 1)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&date));
    let bold = Format::new().set_bold().set_background_color(Color::RGB(0x00DD_EBF7));
    let text = Format::new().set_num_format("@");
    let mut lists = Lists::default();
    let limit = |_| XlsxError::RowColumnLimitError;
    for (i, t) in templates.iter().enumerate() {
        let sheet = book.add_worksheet();
        // A kind whose name a sheet cannot have (or that reads as the parameter sheet) gets a
        // plain one; the header still tells the kind.
        let name = &t.subject;
        let plain = name == "参数" || name.eq_ignore_ascii_case("params") || name == LISTS;
        if plain || sheet.set_name(name).is_err() {
            sheet.set_name(format!("数据{}", i + 1))?;
        }
        for (col, c) in t.columns.iter().enumerate() {
            let col = ColNum::try_from(col).map_err(limit)?;
            sheet.write_string_with_format(0, col, &c.header, &bold)?;
            sheet.set_column_width(col, width(&c.header))?;
            if c.is_text {
                sheet.set_column_format(col, &text)?;
            }
            let dv = lists.validation(&c.choices, &c.hint)?;
            sheet.add_data_validation(1, col, LAST_ROW, col, &dv)?;
        }
        sheet.set_freeze_panes(1, 0)?;
    }
    let mut params: Vec<&TemplateParam> = Vec::new();
    for p in templates.iter().flat_map(|t| &t.params) {
        if !params.iter().any(|q| q.header == p.header) {
            params.push(p);
        }
    }
    if !params.is_empty() {
        let sheet = book.add_worksheet();
        sheet.set_name("参数")?;
        for (col, h) in ["参数", "值", "单位", "说明"].iter().enumerate() {
            let col = ColNum::try_from(col).map_err(limit)?;
            sheet.write_string_with_format(0, col, *h, &bold)?;
        }
        let widest = params.iter().map(|p| width(&p.header)).fold(10.0, f64::max);
        sheet.set_column_width(0, widest)?;
        sheet.set_column_width(1, 14)?;
        sheet.set_column_width(2, 10)?;
        sheet.set_column_width(3, 50)?;
        for (i, p) in params.iter().enumerate() {
            let row = RowNum::try_from(i + 1).map_err(limit)?;
            sheet.write_string(row, 0, &p.header)?;
            sheet.write_string(row, 2, &p.unit)?;
            let need = if p.required { "必填" } else { "可不填（政策有默认值）" };
            sheet.write_string(row, 3, format!("{need}；{}", p.hint.zh))?;
            let dv = lists.validation(&p.choices, &p.hint)?;
            sheet.add_data_validation(row, 1, row, 1, &dv)?;
        }
        sheet.set_freeze_panes(1, 0)?;
    }
    if !lists.columns.is_empty() {
        // Lists too long for a validation of their own, one column each, out of sight.
        let sheet = book.add_worksheet();
        sheet.set_name(LISTS)?;
        sheet.set_hidden(true);
        for (col, values) in lists.columns.iter().enumerate() {
            let col = ColNum::try_from(col).map_err(limit)?;
            for (row, v) in values.iter().enumerate() {
                let row = RowNum::try_from(row).map_err(limit)?;
                sheet.write_string(row, col, v)?;
            }
        }
    }
    book.save_to_buffer()
}

/// The last row a template's validations cover: every row of a worksheet.
const LAST_ROW: RowNum = 1_048_575;

/// The hidden sheet holding drop-down lists longer than a validation may hold.
const LISTS: &str = "选项";

/// The drop-down lists of a workbook too long to be written in their validation.
#[derive(Default)]
struct Lists {
    columns: Vec<Vec<String>>,
}

impl Lists {
    /// The validation of a cell: a drop-down list of `choices` (written in the validation when
    /// it fits in Excel's 255 characters and no value holds a comma, else on the hidden sheet),
    /// or any value; the hint as the message shown beside the cell.
    fn validation(&mut self, choices: &[String], hint: &Hint) -> Result<DataValidation, XlsxError> {
        let dv = DataValidation::new();
        let dv = if choices.is_empty() {
            dv.allow_any_value()
        } else {
            let inline = choices.iter().all(|c| !c.contains(',') && !c.contains('"'));
            match dv.clone().allow_list_strings(choices) {
                Ok(listed) if inline => listed,
                _ => {
                    let col = u32::try_from(self.columns.len()).unwrap_or(u32::MAX);
                    let letters = super::table::column_letters(col);
                    let last = choices.len().max(1);
                    self.columns.push(choices.to_vec());
                    let range = format!("='{LISTS}'!${letters}$1:${letters}${last}");
                    dv.allow_list_formula(Formula::new(range))
                }
            }
            .set_error_title("不在列表中")?
            .set_error_message(format!(
                "请从下拉列表中选择：{}",
                shorten(&choices.join("、"), 200)
            ))?
        };
        dv.set_input_message(shorten(&hint.zh, 250))
    }
}

/// At most `max` characters of `text`, with `…` when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A column wide enough for its header (a CJK character is two widths), within reason.
fn width(header: &str) -> f64 {
    let w: usize = header.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    f64::from(u32::try_from(w + 2).unwrap_or(60).clamp(10, 60))
}

/// Appends `text` in double quotes, each quote in it doubled: a CSV field that holds a comma,
/// a quote or a line break.
pub fn push_quoted(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    for b in text.bytes() {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// Whether a CSV field holding `text` is quoted ([`csv_cell`]): a comma, a quote or a line
/// break in it, or a space at either end.
pub fn needs_quotes(text: &str) -> bool {
    text.contains([',', '"', '\n', '\r']) || text.starts_with(' ') || text.ends_with(' ')
}

/// The CSV field of `text`: quoted ([`push_quoted`]) when it [`needs_quotes`].
pub fn csv_cell(text: &str) -> String {
    if needs_quotes(text) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_string() }
}

/// A TOML quoted string (or key) of `text`.
pub fn toml_string(text: &str) -> String {
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

    #[test]
    fn lists_past_excel_s_limit_go_to_the_hidden_sheet() {
        let hint = Hint { zh: "选".into(), en: "choose".into() };
        let mut lists = Lists::default();
        let short = ["市级".to_string(), "省级".to_string()];
        assert!(lists.validation(&short, &hint).is_ok());
        assert!(lists.columns.is_empty());
        let long: Vec<String> = (0..60).map(|i| format!("第{i}类认定对象")).collect();
        assert!(lists.validation(&long, &hint).is_ok());
        assert_eq!(lists.columns, [long]);
        assert_eq!(shorten("甲乙丙", 2), "甲…");
        assert_eq!(shorten("甲乙", 2), "甲乙");
    }
}

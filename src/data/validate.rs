//! A raw table and a [`Schema`] into typed records, reporting every problem at once.
//!
//! Columns are matched to fields by their headers (see [`super::header`]); each cell is read by
//! its field's kind ([`super::cell`]) in the column's unit and checked against the field's range.
//! A table with a `年份` column is in long form: one row per subject and year, rows with the same
//! id merged into one subject. Nothing is returned when anything is wrong.

use std::collections::{BTreeMap, HashMap};

use super::cell::{CellError, NumberProblem, did_you_mean, read_cell};
use super::header::{header_text, is_year_column, parse_header, parse_year};
use super::schema::{FieldKind, FieldSpec, Schema};
use super::table::{DataLoc, RawCell, RawColumn, RawData, RawTable, RawValue, label_at};
use super::value::{Dataset, Record, Value};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Lang, Text};
use crate::source::{Loc, Span};
use crate::units::{Dim, Unit, parse_unit};

/// Validates the subjects and parameters of a data file against a schema. Returns the dataset
/// only when there is no error; otherwise every error found.
pub fn validate(raw: &RawData, schema: &Schema) -> Result<Dataset, Diagnostics> {
    let mut v = Validator { raw, schema, diags: Diagnostics::new() };
    let records = match &raw.table {
        Some(table) => v.table(table),
        None => Vec::new(),
    };
    let params = v.params();
    if v.diags.has_errors() {
        return Err(v.diags);
    }
    Ok(Dataset {
        subject: schema.subject.clone(),
        fields: schema.fields.iter().map(|f| f.name.clone()).collect(),
        records,
        param_names: schema.params.iter().map(|p| p.name.clone()).collect(),
        params,
    })
}

/// What a column holds.
#[derive(Clone, Debug)]
enum Target {
    /// Values of field `idx` (of year `year`, if the header names one), in `unit`.
    Field { idx: usize, year: Option<u16>, unit: Unit },
    /// The long-form year of each row.
    Year,
    /// Nothing usable (already reported).
    Skip,
}

/// Whether a header names a field of the subject or a parameter.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Field,
    Param,
}

/// A value given for a slot, where, and as written.
#[derive(Clone, Debug)]
struct Given {
    value: Value,
    loc: DataLoc,
    shown: String,
}

/// What the rows gave for one field of one subject.
#[derive(Clone, Debug, Default)]
struct Slot {
    one: Option<Given>,
    years: BTreeMap<u16, Given>,
    /// A cell that could not be read: no "empty" error on top of it.
    bad: bool,
    /// The first empty cell, for the "required value is empty" error.
    empty_at: Option<DataLoc>,
}

/// One subject being assembled from its rows.
struct Acc {
    key: String,
    slots: Vec<Slot>,
}

struct Validator<'a> {
    raw: &'a RawData,
    schema: &'a Schema,
    diags: Diagnostics,
}

impl Validator<'_> {
    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn diag(&self, code: Code, message: Text, loc: &DataLoc, label: Text) -> Diagnostic {
        self.raw.diag(code, message, loc, label)
    }

    fn declared_at(&self, spec: &FieldSpec, d: Diagnostic) -> Diagnostic {
        d.also(Loc::new(&self.schema.policy, spec.span), Text::new("在这里声明", "declared here"))
    }

    fn specs(&self, role: Role) -> &[FieldSpec] {
        match role {
            Role::Field => &self.schema.fields,
            Role::Param => &self.schema.params,
        }
    }

    // ------------------------------------------------------------------ headers

    /// Matches a header to a field (or parameter), with its year and unit.
    fn resolve(&mut self, col: &RawColumn, role: Role, long_form: bool) -> Target {
        let h = parse_header(&col.name);
        let specs = self.specs(role);
        if role == Role::Field
            && h.unit.is_none()
            && col.sub.is_none()
            && is_year_column(h.name)
            && !specs.iter().any(|s| s.name == h.name)
        {
            return Target::Year;
        }
        let found = specs.iter().position(|s| s.name == h.name).map(|i| (i, None)).or_else(|| {
            h.year_forms.iter().find_map(|(base, y)| {
                specs.iter().position(|s| s.name == *base).map(|i| (i, Some(*y)))
            })
        });
        let Some((idx, mut year)) = found else {
            let wanted = h.year_forms.first().map_or(h.name, |(b, _)| b);
            self.unknown(col, wanted, role);
            return Target::Skip;
        };
        let Some(spec) = specs.get(idx).cloned() else {
            return Target::Skip;
        };
        if let Some((sub, sub_loc)) = &col.sub {
            match (parse_year(sub), year) {
                (Some(y), None) => year = Some(y),
                _ => {
                    let d = self.diag(
                        Code::YearColumn,
                        Text::new(
                            format!("`{}` 下的键 `{sub}` 不是年份", col.name),
                            format!("key `{sub}` under `{}` is not a year", col.name),
                        ),
                        sub_loc,
                        Text::new("应为年份", "a year was expected"),
                    );
                    self.push(d.help(Text::new(
                        "按年的值写成 `{ \"2020\": 12.5, \"2021\": 13 }` 这样的年份表",
                        "give a yearly value as a table of years: `{ \"2020\": 12.5, \"2021\": 13 }`",
                    )));
                    return Target::Skip;
                }
            }
        }
        if spec.by_year && year.is_none() && !(long_form && role == Role::Field) {
            let example = header_text(&spec.name, Some(2020), spec.unit_text().as_deref());
            let d = self.diag(
                Code::YearColumn,
                Text::new(
                    format!("`{}` 按年取值，但列 `{}` 没有写年份", spec.name, col.name),
                    format!(
                        "`{}` is declared by year, but column `{}` gives no year",
                        spec.name, col.name
                    ),
                ),
                &col.loc,
                Text::new("缺少年份", "no year"),
            );
            let help = match role {
                Role::Field => Text::new(
                    format!("每年一列，例如 `{example}`；或者加一列 `年份`，每个主体每年一行"),
                    format!(
                        "write one column per year, such as `{example}`, or add a `年份` column with one row per subject and year"
                    ),
                ),
                Role::Param => Text::new(
                    format!("每年一项，例如 `{example}`"),
                    format!("give one entry per year, such as `{example}`"),
                ),
            };
            let d = self.declared_at(&spec, d).help(help);
            self.push(d);
            return Target::Skip;
        }
        if !spec.by_year && year.is_some() {
            let d = self.diag(
                Code::YearColumn,
                Text::new(
                    format!("`{}` 没有声明为按年，列 `{}` 却写了年份", spec.name, col.name),
                    format!(
                        "`{}` is not declared by year, but column `{}` gives a year",
                        spec.name, col.name
                    ),
                ),
                &col.loc,
                Text::new("这里有年份", "a year here"),
            );
            let d = self.declared_at(&spec, d).help(Text::new(
                "去掉列名中的年份；如果这个字段确实每年一个值，在政策中声明为 `按年`",
                "remove the year from the header, or declare the field `按年` if it has a value per year",
            ));
            self.push(d);
            return Target::Skip;
        }
        match self.column_unit(col, h.unit, &spec) {
            Some(unit) => Target::Field { idx, year, unit },
            None => Target::Skip,
        }
    }

    /// The unit values in a column are written in: the header's, or the field's.
    fn column_unit(
        &mut self,
        col: &RawColumn,
        written: Option<&str>,
        spec: &FieldSpec,
    ) -> Option<Unit> {
        let field_unit = match &spec.kind {
            FieldKind::Number { unit, .. } => unit.clone(),
            _ => {
                if let Some(u) = written {
                    let d = self.diag(
                        Code::DataUnit,
                        Text::new(
                            format!("`{}` 不是数量，列名不能带单位 `{u}`", spec.name),
                            format!("`{}` is not a quantity and takes no unit, but the header gives `{u}`", spec.name),
                        ),
                        &col.loc,
                        Text::new("多余的单位", "unexpected unit"),
                    );
                    let d = self.declared_at(spec, d).help(Text::new(
                        format!("把列名改为 `{}`", spec.name),
                        format!("rename the column `{}`", spec.name),
                    ));
                    self.push(d);
                    return None;
                }
                return Some(Unit::canonical(Dim::NUMBER));
            }
        };
        let Some(text) = written else {
            return Some(field_unit);
        };
        let unit = match parse_unit(text) {
            Ok(u) => u,
            Err(e) => {
                let mut d = self.diag(
                    Code::DataUnit,
                    e.message(),
                    &col.loc,
                    Text::new("这个单位", "this unit"),
                );
                if let Some(h) = e.help() {
                    d = d.help(h);
                }
                self.push(d);
                return None;
            }
        };
        if unit.dim() != field_unit.dim() {
            let (fz, fe) = (field_unit.display(Lang::Zh), field_unit.display(Lang::En));
            let d = self.diag(
                Code::DataUnit,
                Text::new(
                    format!(
                        "列 `{}` 以 `{text}` 计，但字段 `{}` 以 `{fz}` 计，两者不能换算",
                        col.name, spec.name
                    ),
                    format!(
                        "column `{}` is in `{text}`, but `{}` is measured in `{fe}`",
                        col.name, spec.name
                    ),
                ),
                &col.loc,
                Text::new("单位不相容", "incompatible unit"),
            );
            let d = self.declared_at(spec, d).help(Text::new(
                format!(
                    "使用与 `{fz}` 同类的单位，例如 `{}`",
                    header_text(&spec.name, None, Some(&fz))
                ),
                format!(
                    "use a unit of the same kind as `{fe}`, such as `{}`",
                    header_text(&spec.name, None, Some(&fz))
                ),
            ));
            self.push(d);
            return None;
        }
        Some(unit)
    }

    fn unknown(&mut self, col: &RawColumn, wanted: &str, role: Role) {
        let names: Vec<String> = self.specs(role).iter().map(|s| s.name.clone()).collect();
        let subject = &self.schema.subject;
        let (message, label) = match role {
            Role::Field => (
                Text::new(
                    format!("主体 `{subject}` 没有字段 `{wanted}`"),
                    format!("unknown field `{wanted}`: `{subject}` declares no such field"),
                ),
                Text::new("未声明的字段", "not declared"),
            ),
            Role::Param => (
                Text::new(
                    format!("参数 `{wanted}` 没有声明"),
                    format!("unknown parameter `{wanted}`"),
                ),
                Text::new("未声明的参数", "not declared"),
            ),
        };
        let suggestions = did_you_mean(wanted, &names);
        let help = if suggestions.is_empty() {
            let list =
                |sep: &str| names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(sep);
            Text::new(
                format!("已声明的有：{}", list("、")),
                format!("the declared ones are {}", list(", ")),
            )
        } else {
            suggestion_help(&suggestions)
        };
        let d = self.diag(Code::UnknownField, message, &col.loc, label).help(help);
        self.push(d);
    }

    /// Resolves every column; reports duplicates and required fields without a column.
    fn columns(&mut self, table: &RawTable) -> Vec<Target> {
        let long_form = table.columns.iter().any(|c| {
            let h = parse_header(&c.name);
            h.unit.is_none()
                && is_year_column(h.name)
                && !self.schema.fields.iter().any(|f| f.name == h.name)
        });
        let mut targets = Vec::new();
        let mut seen: HashMap<(Option<usize>, Option<u16>), &RawColumn> = HashMap::new();
        for col in &table.columns {
            let mut t = self.resolve(col, Role::Field, long_form);
            let key = match &t {
                Target::Field { idx, year, .. } => Some((Some(*idx), *year)),
                Target::Year => Some((None, None)),
                Target::Skip => None,
            };
            if let Some(key) = key {
                if let Some(first) = seen.get(&key) {
                    let name = key
                        .0
                        .and_then(|i| self.schema.fields.get(i))
                        .map_or("年份", |f| f.name.as_str());
                    let (zh, en) = match key.1 {
                        Some(y) => (
                            format!("字段 `{name}` 的 {y} 年数据有两列"),
                            format!("two columns give `{name}` for {y}"),
                        ),
                        None => {
                            (format!("字段 `{name}` 有两列"), format!("two columns give `{name}`"))
                        }
                    };
                    let d = self
                        .diag(
                            Code::DuplicateColumn,
                            Text::new(zh, en),
                            &col.loc,
                            Text::new("重复的列", "second column"),
                        )
                        .also(
                            Loc::new(&self.raw.file, first.loc.span()),
                            label_at(&first.loc, Text::new("第一列", "first column")),
                        )
                        .help(Text::new("删去其中一列", "remove one of the columns"));
                    self.push(d);
                    t = Target::Skip;
                } else {
                    seen.insert(key, col);
                }
            }
            targets.push(t);
        }
        let schema = self.schema;
        for (idx, spec) in schema.fields.iter().enumerate() {
            let is_key = schema.key == Some(idx);
            let covered =
                targets.iter().any(|t| matches!(t, Target::Field { idx: i, .. } if *i == idx));
            let attempted = table.columns.iter().any(|c| {
                let h = parse_header(&c.name);
                h.name == spec.name || h.year_forms.iter().any(|(b, _)| *b == spec.name)
            });
            if covered || attempted || (spec.optional && !is_key) {
                continue;
            }
            let example =
                header_text(&spec.name, spec.by_year.then_some(2020), spec.unit_text().as_deref());
            let d = self.diag(
                Code::MissingField,
                Text::new(
                    format!("数据中没有字段 `{}`", spec.name),
                    format!("no column for field `{}`", spec.name),
                ),
                &table.header_loc,
                Text::new(format!("缺少 `{}`", spec.name), format!("`{}` is missing", spec.name)),
            );
            let help = if spec.by_year {
                Text::new(
                    format!("每年加一列，例如 `{example}`"),
                    format!("add a column per year, such as `{example}`"),
                )
            } else {
                Text::new(format!("加一列 `{example}`"), format!("add a column `{example}`"))
            };
            let d = self.declared_at(spec, d).help(help);
            self.push(d);
        }
        targets
    }

    // ------------------------------------------------------------------ rows

    fn table(&mut self, table: &RawTable) -> Vec<Record> {
        let targets = self.columns(table);
        let year_col = targets.iter().position(|t| matches!(t, Target::Year));
        let key_col = self.schema.key.and_then(|k| {
            targets
                .iter()
                .position(|t| matches!(t, Target::Field { idx, year: None, .. } if *idx == k))
        });
        let mut accs: Vec<Acc> = Vec::new();
        let mut by_key: HashMap<String, usize> = HashMap::new();
        let mut seen_years: HashMap<(String, Option<u16>), DataLoc> = HashMap::new();
        for (row_no, row) in table.rows.iter().enumerate() {
            let cell = |c: Option<usize>| c.and_then(|c| row.cells.get(c)).and_then(Option::as_ref);
            let row_year = match year_col {
                None => None,
                Some(c) => match self.row_year(cell(Some(c)), &row.loc) {
                    Some(y) => Some(y),
                    None => continue,
                },
            };
            let key_cell = cell(key_col).filter(|c| !c.value.is_empty());
            let (key, key_loc) = match key_cell {
                Some(c) => (c.value.display(), c.loc.clone()),
                None => (format!("#{}", row_no + 1), row.loc.clone()),
            };
            if let Some(first) = seen_years.get(&(key.clone(), row_year)) {
                self.duplicate(&key, row_year, &key_loc, first);
                continue;
            }
            seen_years.insert((key.clone(), row_year), key_loc);
            let acc_idx = *by_key.entry(key.clone()).or_insert_with(|| {
                accs.push(Acc {
                    key: key.clone(),
                    slots: vec![Slot::default(); self.schema.fields.len()],
                });
                accs.len() - 1
            });
            for (c, target) in targets.iter().enumerate() {
                let Target::Field { idx, year, unit } = target else {
                    continue;
                };
                let Some(spec) = self.schema.fields.get(*idx).cloned() else {
                    continue;
                };
                let year = if spec.by_year { year.or(row_year) } else { None };
                let given = self.read(&spec, cell(Some(c)), unit, &row.loc);
                if let Some(acc) = accs.get_mut(acc_idx) {
                    let (key, slot) = (acc.key.clone(), acc.slots.get_mut(*idx));
                    if let Some(slot) = slot
                        && let Some(d) = store(slot, given, year, &spec, &key, self.raw)
                    {
                        self.push(d);
                    }
                }
            }
        }
        accs.into_iter().map(|acc| self.finish(acc)).collect()
    }

    fn row_year(&mut self, cell: Option<&RawCell>, row_loc: &DataLoc) -> Option<u16> {
        let (text, loc) = match cell {
            Some(c) if !c.value.is_empty() => (c.value.display(), &c.loc),
            Some(c) => ("".to_string(), &c.loc),
            None => ("".to_string(), row_loc),
        };
        if text.is_empty() {
            let d = self.diag(
                Code::EmptyValue,
                Text::new("这一行没有填写年份", "this row gives no year"),
                loc,
                Text::new("年份为空", "no year"),
            );
            self.push(
                d.help(Text::new("填写这一行数据所属的年份", "give the year this row is for")),
            );
            return None;
        }
        let year = match cell.map(|c| &c.value) {
            Some(RawValue::Number(d)) if d.normalize().scale() == 0 => {
                parse_year(&d.normalize().to_string())
            }
            _ => parse_year(&text),
        };
        if year.is_none() {
            let d = self.diag(
                Code::WrongValue,
                Text::new(format!("`{text}` 不是年份"), format!("`{text}` is not a year")),
                loc,
                Text::new("应为年份", "a year was expected"),
            );
            self.push(d.help(Text::new(
                "写四位数的年份，例如 `2020`",
                "write a four-digit year such as `2020`",
            )));
        }
        year
    }

    fn duplicate(&mut self, key: &str, year: Option<u16>, loc: &DataLoc, first: &DataLoc) {
        let (zh, en) = match year {
            Some(y) => (
                format!("主体 `{key}` 的 {y} 年数据出现了两次"),
                format!("subject `{key}` appears twice for {y}"),
            ),
            None => (format!("主体 `{key}` 出现了两次"), format!("subject `{key}` appears twice")),
        };
        let key_name = self.schema.key_field().map_or("标识", |f| f.name.as_str());
        let d = self
            .diag(Code::DuplicateSubject, Text::new(zh, en), loc, Text::new("重复的标识", "repeated id"))
            .also(Loc::new(&self.raw.file, first.span()), label_at(first, Text::new("第一次出现", "first given here")))
            .help(Text::new(
                format!("每个主体只能有一行；合并这两行，或改正其中一行的 `{key_name}`"),
                format!("each subject has one row: merge the two rows, or correct `{key_name}` in one of them"),
            ));
        self.push(d);
    }

    /// Reads one cell: `Ok(None)` for an empty one, `Err(loc)` for one already reported, or
    /// the value.
    fn read(
        &mut self,
        spec: &FieldSpec,
        cell: Option<&RawCell>,
        unit: &Unit,
        row_loc: &DataLoc,
    ) -> Read {
        let Some(cell) = cell.filter(|c| !c.value.is_empty()) else {
            return Read::Empty(cell.map_or_else(|| row_loc.clone(), |c| c.loc.clone()));
        };
        let shown = shown(&cell.value, unit);
        match read_cell(&cell.value, &spec.kind, unit) {
            Ok(value) => {
                if let Value::Number { value: n, .. } = &value
                    && let Some(d) = self.range(spec, *n, &shown, &cell.loc)
                {
                    self.push(d);
                    return Read::Bad;
                }
                Read::Value(Given { value, loc: cell.loc.clone(), shown })
            }
            Err(e) => {
                let d = self.cell_error(e, spec, cell, &shown);
                self.push(d);
                Read::Bad
            }
        }
    }

    fn range(
        &self,
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
        let d = self.diag(Code::OutOfRange, message, loc, label).help(help);
        Some(if bound.declared { self.declared_at(spec, d) } else { d })
    }

    fn cell_error(
        &self,
        e: CellError,
        spec: &FieldSpec,
        cell: &RawCell,
        shown: &str,
    ) -> Diagnostic {
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
                number_help(p, &t, spec),
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
                Text::new(
                    "检查这个数值和列名中的单位",
                    "check the value and the unit in the header",
                ),
            ),
        };
        self.diag(code, message, &cell.loc, label).help(help)
    }

    /// Every required slot has a value; the record in field order.
    fn finish(&mut self, acc: Acc) -> Record {
        let schema = self.schema;
        let mut fields = Vec::with_capacity(acc.slots.len());
        for (spec, slot) in schema.fields.iter().zip(acc.slots) {
            let required =
                !spec.optional || schema.key_field().is_some_and(|k| k.name == spec.name);
            let empty = if spec.by_year { slot.years.is_empty() } else { slot.one.is_none() };
            if empty
                && required
                && !slot.bad
                && let Some(loc) = &slot.empty_at
            {
                let d = self.diag(
                    Code::EmptyValue,
                    Text::new(
                        format!("主体 `{}` 没有填写必填字段 `{}`", acc.key, spec.name),
                        format!("required field `{}` is empty for `{}`", spec.name, acc.key),
                    ),
                    loc,
                    Text::new("空白", "empty"),
                );
                let d = self.declared_at(spec, d).help(Text::new(
                    "填写这个值；如果它确实可以不填，在政策中把字段声明为 `可选`",
                    "fill in the value; if it may be left out, declare the field `可选` (optional)",
                ));
                self.push(d);
            }
            fields.push(if spec.by_year {
                Value::Series(slot.years.into_iter().map(|(y, g)| (y, g.value)).collect())
            } else {
                slot.one.map_or(Value::Missing, |g| g.value)
            });
        }
        Record { key: acc.key, fields }
    }

    // ------------------------------------------------------------------ parameters

    fn params(&mut self) -> Vec<Value> {
        let mut slots = vec![Slot::default(); self.schema.params.len()];
        let mut seen: HashMap<(usize, Option<u16>), DataLoc> = HashMap::new();
        let raw = self.raw;
        for p in &raw.params {
            let Target::Field { idx, year, unit } = self.resolve(&p.name, Role::Param, false)
            else {
                continue;
            };
            if let Some(first) = seen.get(&(idx, year)) {
                let name = self.schema.params.get(idx).map_or("", |s| s.name.as_str());
                let d = self
                    .diag(
                        Code::DuplicateColumn,
                        Text::new(
                            format!("参数 `{name}` 给出了两次"),
                            format!("parameter `{name}` is given twice"),
                        ),
                        &p.name.loc,
                        Text::new("第二次", "second time"),
                    )
                    .also(
                        Loc::new(&self.raw.file, first.span()),
                        label_at(first, Text::new("第一次", "first time")),
                    )
                    .help(Text::new("删去其中一个", "remove one of them"));
                self.push(d);
                continue;
            }
            seen.insert((idx, year), p.name.loc.clone());
            let Some(spec) = self.schema.params.get(idx).cloned() else {
                continue;
            };
            let given = self.read(&spec, Some(&p.value), &unit, &p.value.loc);
            if let Some(slot) = slots.get_mut(idx)
                && let Some(d) = store(slot, given, year, &spec, "", self.raw)
            {
                self.push(d);
            }
        }
        let schema = self.schema;
        let mut out = Vec::new();
        for (spec, slot) in schema.params.iter().zip(slots) {
            let empty = if spec.by_year { slot.years.is_empty() } else { slot.one.is_none() };
            if empty && !spec.optional && !slot.bad {
                let loc = slot
                    .empty_at
                    .clone()
                    .or_else(|| self.raw.params_loc.clone())
                    .unwrap_or(DataLoc::Span(Span::default()));
                let d = self.diag(
                    Code::MissingParam,
                    Text::new(
                        format!("数据中没有给出参数 `{}` 的值", spec.name),
                        format!("no value given for parameter `{}`", spec.name),
                    ),
                    &loc,
                    Text::new(
                        format!("缺少 `{}`", spec.name),
                        format!("`{}` is missing", spec.name),
                    ),
                );
                let example = header_text(
                    &spec.name,
                    spec.by_year.then_some(2020),
                    spec.unit_text().as_deref(),
                );
                let d = d
                    .also(
                        Loc::new(&self.schema.policy, spec.span),
                        Text::new("在这里声明，没有默认值", "declared here without a default"),
                    )
                    .help(Text::new(
                        format!("在参数表中加入 `{example}`，或在政策中给出默认值"),
                        format!(
                            "add `{example}` to the parameters, or give it a default in the policy"
                        ),
                    ));
                self.push(d);
            }
            out.push(if spec.by_year {
                Value::Series(slot.years.into_iter().map(|(y, g)| (y, g.value)).collect())
            } else {
                slot.one.map_or(Value::Missing, |g| g.value)
            });
        }
        out
    }
}

/// The result of reading one cell.
enum Read {
    Empty(DataLoc),
    Bad,
    Value(Given),
}

/// Puts a value into its slot; a different value already there is a conflict.
fn store(
    slot: &mut Slot,
    read: Read,
    year: Option<u16>,
    spec: &FieldSpec,
    key: &str,
    raw: &RawData,
) -> Option<Diagnostic> {
    let given = match read {
        Read::Empty(loc) => {
            slot.empty_at.get_or_insert(loc);
            return None;
        }
        Read::Bad => {
            slot.bad = true;
            return None;
        }
        Read::Value(g) => g,
    };
    let place = match year {
        Some(y) => slot.years.entry(y),
        None => {
            return match &slot.one {
                None => {
                    slot.one = Some(given);
                    None
                }
                Some(first) => conflict(first, &given, spec, key, raw),
            };
        }
    };
    match place {
        std::collections::btree_map::Entry::Vacant(v) => {
            v.insert(given);
            None
        }
        std::collections::btree_map::Entry::Occupied(o) => {
            conflict(o.get(), &given, spec, key, raw)
        }
    }
}

fn conflict(
    first: &Given,
    second: &Given,
    spec: &FieldSpec,
    key: &str,
    raw: &RawData,
) -> Option<Diagnostic> {
    if first.value == second.value {
        return None;
    }
    let (f, a, b) = (&spec.name, &first.shown, &second.shown);
    let (zh, en) = if key.is_empty() {
        (
            format!("`{f}` 有两个不同的值 `{a}` 和 `{b}`"),
            format!("two values for `{f}`: `{a}` and `{b}`"),
        )
    } else {
        (
            format!("主体 `{key}` 的 `{f}` 有两个不同的值 `{a}` 和 `{b}`"),
            format!("subject `{key}` has two values for `{f}`: `{a}` and `{b}`"),
        )
    };
    Some(
        raw.diag(
            Code::ConflictingValues,
            Text::new(zh, en),
            &second.loc,
            Text::new("另一个值", "another value"),
        )
        .also(
            Loc::new(&raw.file, first.loc.span()),
            label_at(&first.loc, Text::new("第一个值", "first value")),
        )
        .help(Text::new(
            "同一主体的各行要一致：改正其中一个，或只在一行填写",
            "the rows of one subject must agree: correct one, or give the value in one row only",
        )),
    )
}

/// The cell as written, with the column's unit when the cell has none: `12.5万元`, `30%`.
fn shown(value: &RawValue, unit: &Unit) -> String {
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

fn number_help(p: NumberProblem, t: &str, spec: &FieldSpec) -> Text {
    match p {
        NumberProblem::ThousandsSeparator => {
            let fixed: String = t.chars().filter(|c| !matches!(c, ',' | '，')).collect();
            Text::new(
                format!("去掉千位分隔符，写成 `{fixed}`"),
                format!("remove the thousands separators: `{fixed}`"),
            )
        }
        NumberProblem::FullWidth => {
            let fixed: String = t
                .chars()
                .map(|c| match c {
                    '０'..='９' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
                    '．' => '.',
                    '－' => '-',
                    c => c,
                })
                .collect();
            Text::new(
                format!("把全角数字改为半角：`{fixed}`"),
                format!("write ASCII digits: `{fixed}`"),
            )
        }
        NumberProblem::UnitInCell => {
            let unit: String = t
                .trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '.' | '-'))
                .trim()
                .to_string();
            let header = header_text(&spec.name, None, Some(&unit));
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

fn suggestion_help(suggestions: &[String]) -> Text {
    let quoted: Vec<String> = suggestions.iter().map(|s| format!("`{s}`")).collect();
    let (zh, en) = match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => {
            (format!("{} 或 {last}", rest.join("、")), format!("{} or {last}", rest.join(", ")))
        }
        _ => (quoted.join(""), quoted.join("")),
    };
    Text::new(format!("你是不是想写 {zh}？"), format!("did you mean {en}?"))
}

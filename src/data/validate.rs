//! A raw table and a [`Schema`] into typed records, reporting every problem at once.
//!
//! Columns are matched to fields by their headers (see [`super::header`]); each cell is read by
//! its field's kind ([`super::cell`]) in the column's unit and checked against the field's range.
//! A table with a `年份` column is in long form: one row per subject and year, rows with the same
//! id merged into one subject. Nothing is returned when anything is wrong.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::cell::{did_you_mean, read_cell};
use super::header::{header_text, is_year_column, parse_header, parse_year};
use super::messages::{cell_error, declared_at, out_of_range, shown, suggestion_help};
use super::schema::{FieldKind, FieldSpec, Schema};
use super::table::{DataLoc, RawCell, RawColumn, RawData, RawRow, RawTable, RawValue, label_at};
use super::value::{Dataset, Record, Value};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Lang, Text};
use crate::source::{Loc, Span};
use crate::units::{Dim, Unit, parse_unit};

/// Validates the subjects and parameters of a data file against a schema. Returns the dataset
/// only when there is no error; otherwise every error found.
///
/// A parameter a file does not give is [`Value::Missing`], to be given on the command line
/// (`--param`); no error here: a missing parameter is reported by the evaluation (`ZC0705`),
/// once, with the rules it leaves undetermined, and only when some rule needs it. When the file
/// has a parameter table (JSON `params`, TOML `[params]`, a `参数` sheet) that lacks a
/// parameter without a default, [`Dataset::param_gaps`] says where it should have been given
/// (the empty cell, or the table) and what to write there.
pub fn validate(raw: &RawData, schema: &Schema) -> Result<Dataset, Diagnostics> {
    validate_with_years(raw, schema).map(|(ds, _)| ds)
}

/// [`validate`], and the years of a long-form table's `年份` column (empty for a table
/// without one): the years the data is for, even where its yearly values are left empty.
pub fn validate_with_years(
    raw: &RawData,
    schema: &Schema,
) -> Result<(Dataset, BTreeSet<u16>), Diagnostics> {
    let mut v = Validator {
        raw,
        schema,
        diags: Diagnostics::new(),
        pushed: HashSet::new(),
        row_years: BTreeSet::new(),
    };
    let records = match &raw.table {
        Some(table) => v.table(table),
        None => Vec::new(),
    };
    for nested in &raw.nested {
        v.not_members(nested);
    }
    let (params, param_gaps) = v.params();
    if v.diags.has_errors() {
        return Err(v.diags);
    }
    let dataset = Dataset {
        subject: schema.subject.clone(),
        fields: schema.fields.iter().map(|f| f.name.clone()).collect(),
        records,
        param_names: schema.params.iter().map(|p| p.name.clone()).collect(),
        params,
        param_gaps,
    };
    Ok((dataset, v.row_years))
}

/// What a column holds.
#[derive(Clone, Debug)]
enum Target {
    /// Values of field `idx` (of year `year`, if the header names one), in `unit`.
    Field { idx: usize, year: Option<u16>, unit: Unit },
    /// The long-form year of each row.
    Year,
    /// Nothing usable (already reported); the field the header names, if it names one.
    Skip(Option<usize>),
}

impl Target {
    /// The field a column is for, usable or not.
    fn field(&self) -> Option<usize> {
        match self {
            Target::Field { idx, .. } | Target::Skip(Some(idx)) => Some(*idx),
            Target::Year | Target::Skip(None) => None,
        }
    }
}

/// Whether a header names a field of the subject or a parameter.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Field,
    Param,
}

/// A value given for a slot, and the cell that gave it in its column's unit (for messages).
#[derive(Clone, Debug)]
struct Given<'t> {
    value: Value,
    cell: &'t RawCell,
    unit: &'t Unit,
}

impl Given<'_> {
    /// The value as written, for messages.
    fn shown(&self) -> String {
        shown(&self.cell.value, self.unit)
    }
}

/// What the rows gave for one field of one subject.
#[derive(Clone, Debug, Default)]
struct Slot<'t> {
    one: Option<Given<'t>>,
    years: BTreeMap<u16, Given<'t>>,
    /// A cell that could not be read: no "empty" error on top of it.
    bad: bool,
    /// The first empty cell, for the "required value is empty" error.
    empty_at: Option<DataLoc>,
    /// Whether any cell was given for the slot (a column exists for it).
    seen: bool,
}

impl Slot<'_> {
    /// The value: a series for a yearly field that has a column (possibly without any year),
    /// [`Value::Missing`] for a field no cell gave.
    fn into_value(self, spec: &FieldSpec) -> Value {
        match (self.one, spec.by_year && self.seen) {
            (_, true) => Value::Series(self.years.into_iter().map(|(y, g)| (y, g.value)).collect()),
            (Some(g), false) => g.value,
            (None, false) => Value::Missing,
        }
    }
}

/// One subject being assembled from its rows.
struct Acc<'t> {
    key: String,
    slots: Vec<Slot<'t>>,
}

/// What a table's columns say about every row, worked out once.
struct Columns {
    /// Whether two columns may give one field in the same year of one row (a JSON or TOML
    /// record naming a field twice, a yearly column beside a long form's `年份`).
    may_repeat: bool,
    /// The fields some column gives, by field index.
    has_column: Vec<bool>,
}

impl Columns {
    fn new(targets: &[Target], keyed: bool, fields: usize) -> Self {
        let mut has_column = vec![false; fields];
        for t in targets {
            if let Some(h) = t.field().and_then(|i| has_column.get_mut(i)) {
                *h = true;
            }
        }
        // Sorted, a field's columns are side by side, a column without a year first: two
        // columns can give the same year when they are equal, or when the first has no year.
        let mut given: Vec<(usize, Option<u16>)> = targets
            .iter()
            .filter_map(|t| match t {
                Target::Field { idx, year, .. } => Some((*idx, *year)),
                _ => None,
            })
            .collect();
        given.sort_unstable();
        let may_repeat = keyed
            || given.windows(2).any(|w| match w {
                [(a, ya), (b, yb)] => a == b && (ya == yb || ya.is_none()),
                _ => false,
            });
        Columns { may_repeat, has_column }
    }
}

struct Validator<'a> {
    raw: &'a RawData,
    schema: &'a Schema,
    diags: Diagnostics,
    pushed: HashSet<(Code, Option<Span>, String)>,
    /// The years of the long-form rows read.
    row_years: BTreeSet<u16>,
}

impl Validator<'_> {
    /// Records a diagnostic once: a header shared by several columns (a JSON table of years)
    /// is reported once, not once per year.
    fn push(&mut self, d: Diagnostic) {
        let primary = d.primary().map(|l| l.span);
        if self.pushed.insert((d.code, primary, d.message.en.clone())) {
            self.diags.push(d);
        }
    }

    fn diag(&self, code: Code, message: Text, loc: &DataLoc, label: Text) -> Diagnostic {
        self.raw.diag(code, message, loc, label)
    }

    fn declared_at(&self, spec: &FieldSpec, d: Diagnostic) -> Diagnostic {
        declared_at(&self.schema.policy, spec, d)
    }

    /// A list of tables under a subject that no member kind took: a list is not a value.
    fn not_members(&mut self, nested: &super::table::RawNested) {
        let (kind, subject) = (&nested.kind, &self.schema.subject);
        let d = self
            .diag(
                Code::DataFormat,
                Text::new(
                    format!("`{kind}` 下是一组表，而 `{subject}` 没有名为 `{kind}` 的成员主体"),
                    format!(
                        "`{kind}` holds a list of tables, but `{subject}` has no member kind `{kind}`"
                    ),
                ),
                &nested.loc,
                Text::new("这组表", "this list"),
            )
            .help(Text::new(
                "写在主体下的一组表是它的成员，键是成员主体的名称，例如 `[[subjects.\"合同\"]]`；字段的值不能是列表",
                "a list of tables under a subject holds its members, under the member kind's name, as in `[[subjects.\"合同\"]]`; a field's value is never a list",
            ));
        self.push(d);
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
            return Target::Skip(None);
        };
        let Some(spec) = specs.get(idx).cloned() else {
            return Target::Skip(None);
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
                    return Target::Skip(Some(idx));
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
            return Target::Skip(Some(idx));
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
            return Target::Skip(Some(idx));
        }
        match self.column_unit(col, h.unit, &spec) {
            Some(unit) => Target::Field { idx, year, unit },
            None => Target::Skip(Some(idx)),
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
                // The header as written, with another unit.
                let stem = col
                    .name
                    .trim()
                    .strip_suffix([')', '）'])
                    .and_then(|h| h.trim_end().strip_suffix(text.trim()))
                    .and_then(|h| h.trim_end().strip_suffix(['(', '（']));
                let with_unit = |u: &str| match stem {
                    Some(stem) => format!("{}({u})", stem.trim_end()),
                    None => header_text(&spec.name, None, Some(u)),
                };
                // `(万)` for `(万元)`: the multiplier with the field's own unit.
                let fixed = super::messages::completed_unit(text, &field_unit);
                if let Some(u) = fixed {
                    let header = with_unit(&u);
                    d = d.help(Text::new(
                        format!("`{text}` 不是单位；你是不是想写 `({u})`？例如列名 `{header}`"),
                        format!("`{text}` is not a unit; did you mean `({u})`? e.g. the header `{header}`"),
                    ));
                } else if let Some(h) = e.help() {
                    d = d.help(h);
                } else {
                    let u = field_unit.display(Lang::Zh);
                    let header = with_unit(&u);
                    d = d.help(Text::new(
                        format!("字段 `{}` 以 `{u}` 计：列名写成 `{header}`", spec.name),
                        format!(
                            "`{}` is measured in `{u}`: write the header `{header}`",
                            spec.name
                        ),
                    ));
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
        if self.schema.also_known.contains(wanted) {
            return;
        }
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
                Target::Skip(_) => None,
            };
            // In JSON and TOML each record names its own keys: two spellings of one field are
            // a problem only in a record that gives both (see `table`).
            if let Some(key) = key.filter(|_| !table.keyed) {
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
                    t = Target::Skip(key.0);
                } else {
                    seen.insert(key, col);
                }
            }
            targets.push(t);
        }
        let schema = self.schema;
        for (idx, spec) in schema.fields.iter().enumerate() {
            let is_key = schema.key == Some(idx);
            // An empty list of records (JSON, TOML) lacks nothing.
            let nothing_to_check = table.keyed && table.rows.is_empty();
            if targets.iter().any(|t| t.field() == Some(idx))
                || (spec.optional && !is_key)
                || nothing_to_check
            {
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
        let targets = &targets;
        let cols = Columns::new(targets, table.keyed, self.schema.fields.len());
        let year_col = targets.iter().position(|t| matches!(t, Target::Year));
        let year_name =
            year_col.and_then(|c| table.columns.get(c)).map_or("年份", |c| c.name.trim());
        let key_col = self.schema.key.and_then(|k| {
            targets
                .iter()
                .position(|t| matches!(t, Target::Field { idx, year: None, .. } if *idx == k))
        });
        let mut accs: Vec<Acc<'_>> = Vec::new();
        let mut by_key: foldhash::HashMap<String, (usize, &DataLoc)> = foldhash::HashMap::default();
        // In long form, the first row of each subject and year.
        let mut seen_years: foldhash::HashMap<(String, Option<u16>), &DataLoc> =
            foldhash::HashMap::default();
        for (row_no, row) in table.rows.iter().enumerate() {
            let cell = |c: Option<usize>| c.and_then(|c| row.cells.get(c)).and_then(Option::as_ref);
            let row_year = match year_col {
                None => None,
                Some(c) => match self.row_year(cell(Some(c)), &row.loc, year_name) {
                    Some(y) => Some(y),
                    None => {
                        // Still check the row's cells, to report every problem at once.
                        let mut scratch = self.scratch("");
                        self.fill(&mut scratch, row, targets, &cols, None);
                        continue;
                    }
                },
            };
            let key_cell = cell(key_col).filter(|c| !c.value.is_empty());
            let (key, key_loc) = match key_cell {
                Some(c) => (c.value.display(), &c.loc),
                None => (format!("#{}", row_no + 1), &row.loc),
            };
            let first = match year_col {
                Some(_) => seen_years.get(&(key.clone(), row_year)).copied(),
                None => by_key.get(&key).map(|(_, at)| *at),
            };
            if let Some(first) = first {
                self.duplicate(&key, row_year, key_loc, first);
                let mut scratch = self.scratch(&key);
                self.fill(&mut scratch, row, targets, &cols, row_year);
                continue;
            }
            if year_col.is_some() {
                seen_years.insert((key.clone(), row_year), key_loc);
            }
            let acc_idx = match by_key.get(&key) {
                Some((i, _)) => *i,
                None => {
                    accs.push(Acc {
                        key: key.clone(),
                        slots: vec![Slot::default(); self.schema.fields.len()],
                    });
                    by_key.insert(key, (accs.len() - 1, key_loc));
                    accs.len() - 1
                }
            };
            let Some(acc) = accs.get_mut(acc_idx) else {
                continue;
            };
            self.fill(acc, row, targets, &cols, row_year);
        }
        accs.into_iter().map(|acc| self.finish(acc)).collect()
    }

    /// Reads the cells of one row into a subject's slots.
    fn fill<'t>(
        &mut self,
        acc: &mut Acc<'t>,
        row: &'t RawRow,
        targets: &'t [Target],
        cols: &Columns,
        row_year: Option<u16>,
    ) {
        let schema = self.schema;
        let cell = |c: usize| row.cells.get(c).and_then(Option::as_ref);
        let mut touched = vec![false; acc.slots.len()];
        let mut in_row: HashMap<(usize, Option<u16>), &DataLoc> = HashMap::new();
        for (c, target) in targets.iter().enumerate() {
            // A key the record does not give (JSON, TOML, a short CSV line): see below.
            let Some(cell) = cell(c) else {
                continue;
            };
            let (idx, year, unit) = match target {
                Target::Field { idx, year, unit } => (*idx, *year, unit),
                Target::Skip(Some(idx)) => {
                    if let Some(slot) = acc.slots.get_mut(*idx) {
                        slot.bad |= !cell.value.is_empty();
                    }
                    if let Some(t) = touched.get_mut(*idx) {
                        *t = true;
                    }
                    continue;
                }
                Target::Year | Target::Skip(None) => continue,
            };
            let Some(spec) = schema.fields.get(idx) else {
                continue;
            };
            if let Some(t) = touched.get_mut(idx) {
                *t = true;
            }
            let year = if spec.by_year { year.or(row_year) } else { None };
            if cols.may_repeat {
                if let Some(first) = in_row.get(&(idx, year)) {
                    let d = self.twice_in_record(&spec.name, &cell.loc, first);
                    self.push(d);
                    continue;
                }
                in_row.insert((idx, year), &cell.loc);
            }
            let given = self.read(spec, Some(cell), unit, &row.loc);
            if let Some(slot) = acc.slots.get_mut(idx)
                && let Some(d) = store(slot, given, year, spec, &acc.key, self.raw)
            {
                self.diags.push(d);
            }
        }
        // A field the data has a column for, but this row does not give.
        for (idx, slot) in acc.slots.iter_mut().enumerate() {
            let has_column = cols.has_column.get(idx).copied().unwrap_or(false);
            if has_column && !touched.get(idx).copied().unwrap_or(true) {
                slot.seen = true;
                slot.empty_at.get_or_insert_with(|| row.loc.clone());
            }
        }
    }

    /// A subject that is checked but never kept (a duplicate row, a row without a year).
    fn scratch<'t>(&self, key: &str) -> Acc<'t> {
        Acc { key: key.to_string(), slots: vec![Slot::default(); self.schema.fields.len()] }
    }

    fn twice_in_record(&self, name: &str, loc: &DataLoc, first: &DataLoc) -> Diagnostic {
        self.diag(
            Code::DuplicateColumn,
            Text::new(
                format!("这条记录两次给出 `{name}`"),
                format!("this record gives `{name}` twice"),
            ),
            loc,
            Text::new("第二次", "second time"),
        )
        .also(
            Loc::new(&self.raw.file, first.span()),
            label_at(first, Text::new("第一次", "first time")),
        )
        .help(Text::new("只保留其中一个", "keep only one of them"))
    }

    /// The year of a long-form row, from its cell in the column `column`.
    fn row_year(&mut self, cell: Option<&RawCell>, row_loc: &DataLoc, column: &str) -> Option<u16> {
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
                d.help(Text::new("填写这一行数据所属的年份", "give the year this row is for"))
                    .in_column(column),
            );
            return None;
        }
        let year = match cell.map(|c| &c.value) {
            Some(RawValue::Number(d)) if d.normalize().scale() == 0 => {
                parse_year(&d.normalize().to_string())
            }
            _ => parse_year(&super::cell::half_width(&text)),
        };
        if year.is_none() {
            let d = self.diag(
                Code::WrongValue,
                Text::new(format!("`{text}` 不是年份"), format!("`{text}` is not a year")),
                loc,
                Text::new("应为年份", "a year was expected"),
            );
            self.push(
                d.help(Text::new(
                    "写四位数的年份，例如 `2020`",
                    "write a four-digit year such as `2020`",
                ))
                .in_column(column),
            );
        }
        if let Some(y) = year {
            self.row_years.insert(y);
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
            ))
            .in_column(key_name);
        self.push(d);
    }

    /// Reads one cell: `Ok(None)` for an empty one, `Err(loc)` for one already reported, or
    /// the value.
    fn read<'t>(
        &mut self,
        spec: &FieldSpec,
        cell: Option<&'t RawCell>,
        unit: &'t Unit,
        row_loc: &DataLoc,
    ) -> Read<'t> {
        let Some(cell) = cell.filter(|c| !c.value.is_empty()) else {
            return Read::Empty(cell.map_or_else(|| row_loc.clone(), |c| c.loc.clone()));
        };
        match read_cell(&cell.value, &spec.kind, unit) {
            Ok(value) => {
                if let Value::Number { value: n, .. } = &value
                    && (spec.min.as_ref().is_some_and(|b| *n < b.value)
                        || spec.max.as_ref().is_some_and(|b| *n > b.value))
                    && let Some(d) = out_of_range(
                        self.raw,
                        &self.schema.policy,
                        spec,
                        *n,
                        &shown(&cell.value, unit),
                        &cell.loc,
                    )
                {
                    self.push(d.in_column(&spec.name));
                    return Read::Bad;
                }
                Read::Value(Given { value, cell, unit })
            }
            Err(e) => {
                let d = cell_error(self.raw, e, spec, cell, unit);
                self.push(d.in_column(&spec.name));
                Read::Bad
            }
        }
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
                let is_key = schema.key_field().is_some_and(|k| k.name == spec.name);
                let help = if is_key {
                    // The key names the subject: there is no making it optional.
                    Text::new(
                        format!(
                            "填写这一行的 `{}`：它标识每个主体，每一行都要填写；这一行不是主体的数据时，删去这一行",
                            spec.name
                        ),
                        format!(
                            "fill in this row's `{}`: it identifies each subject and every row needs it; delete the row if it holds no subject",
                            spec.name
                        ),
                    )
                } else {
                    Text::new(
                        "填写这个值；如果它确实可以不填，在政策中把字段声明为 `可选`",
                        "fill in the value; if it may be left out, declare the field `可选` (optional)",
                    )
                };
                let d = self.declared_at(spec, d).help(help).in_column(&spec.name);
                self.push(d);
            }
            fields.push(slot.into_value(spec));
        }
        Record { key: acc.key, fields }
    }

    // ------------------------------------------------------------------ parameters

    /// The parameters' values, and where the parameter table leaves out one without a default
    /// (see [`validate`]).
    fn params(&mut self) -> (Vec<Value>, Vec<(String, Diagnostic)>) {
        let mut gaps = Vec::new();
        let mut slots = vec![Slot::default(); self.schema.params.len()];
        let mut seen: HashMap<(usize, Option<u16>), DataLoc> = HashMap::new();
        let raw = self.raw;
        let targets: Vec<Target> =
            raw.params.iter().map(|p| self.resolve(&p.name, Role::Param, false)).collect();
        for (p, target) in raw.params.iter().zip(&targets) {
            let Target::Field { idx, year, unit } = target else {
                continue;
            };
            let (idx, year) = (*idx, *year);
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
            let given = self.read(&spec, Some(&p.value), unit, &p.value.loc);
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
            // A file gives all the parameters it has in one table; one without a table leaves
            // them to another file.
            let expected = self.raw.params_loc.is_some() || !self.raw.params.is_empty();
            if empty && expected && !spec.optional && !slot.bad {
                let loc = slot
                    .empty_at
                    .clone()
                    .or_else(|| self.raw.params_loc.clone())
                    .unwrap_or(DataLoc::Span(Span::default()));
                let d = self.diag(
                    Code::MissingParamValue,
                    Text::new(
                        format!("参数 `{}` 没有取值", spec.name),
                        format!("the parameter `{}` has no value", spec.name),
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
                // A value cell left empty (a template's): fill it in; else the row is missing.
                let unit = spec.unit_text().unwrap_or_default();
                let name = &spec.name;
                let help = match slot.empty_at.as_ref().map(DataLoc::cell_ref) {
                    Some(Some(cell)) => Text::new(
                        format!(
                            "在单元格 `{cell}` 填写 `{name}` 的值{}，或用 `--param {name}=…{unit}` 给出",
                            if unit.is_empty() {
                                String::new()
                            } else {
                                format!("（单位：{unit}）")
                            }
                        ),
                        format!(
                            "fill in cell `{cell}` with the value of `{name}`{}, or give it with `--param {name}=…{unit}`",
                            if unit.is_empty() { String::new() } else { format!(" (in {unit})") }
                        ),
                    ),
                    Some(None) => Text::new(
                        format!("填写 `{name}` 的值，或用 `--param {name}=…{unit}` 给出"),
                        format!(
                            "fill in the value of `{name}`, or give it with `--param {name}=…{unit}`"
                        ),
                    ),
                    None => Text::new(
                        format!("在参数表中加入 `{example}`，或用 `--param {name}=…{unit}` 给出"),
                        format!(
                            "add `{example}` to the parameters, or give it with `--param {name}=…{unit}`"
                        ),
                    ),
                };
                let d = d
                    .also(
                        Loc::new(&self.schema.policy, spec.span),
                        Text::new("在这里声明，没有默认值", "declared here without a default"),
                    )
                    .help(help);
                gaps.push((spec.name.clone(), d));
            }
            out.push(slot.into_value(spec));
        }
        (out, gaps)
    }
}

/// The result of reading one cell.
enum Read<'t> {
    Empty(DataLoc),
    Bad,
    Value(Given<'t>),
}

/// Puts a value into its slot; a different value already there is a conflict.
fn store<'t>(
    slot: &mut Slot<'t>,
    read: Read<'t>,
    year: Option<u16>,
    spec: &FieldSpec,
    key: &str,
    raw: &RawData,
) -> Option<Diagnostic> {
    slot.seen = true;
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
    first: &Given<'_>,
    second: &Given<'_>,
    spec: &FieldSpec,
    key: &str,
    raw: &RawData,
) -> Option<Diagnostic> {
    if first.value == second.value {
        return None;
    }
    let (f, a, b) = (&spec.name, &first.shown(), &second.shown());
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
            &second.cell.loc,
            Text::new("另一个值", "another value"),
        )
        .also(
            Loc::new(&raw.file, first.cell.loc.span()),
            label_at(&first.cell.loc, Text::new("第一个值", "first value")),
        )
        .help(Text::new(
            "同一主体的各行要一致：改正其中一个，或只在一行填写",
            "the rows of one subject must agree: correct one, or give the value in one row only",
        ))
        .in_column(&spec.name),
    )
}

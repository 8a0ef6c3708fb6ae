//! Data for a policy: which subject kind a data file holds, the file loaded and validated for it,
//! and the parameters the document leaves open, given in the data or on the command line
//! (`--param 名称=值`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::ast::Policy;
use crate::checker::Checked;
use crate::data::{Dataset, Schema, Value, read_dataset_with_years};
use crate::diagnostics::suggest::{did_you_mean, help_text};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Text};
use crate::eval::latest_year;
use crate::source::{Loc, SourceFile, Span};
use crate::units::parse_unit;

/// The subject kind a data file holds: `--kind`, else the file name's `NAME.KIND.ext`, else
/// the policy's only subject kind, else what the file's header says ([`kind_of_header`]).
pub fn kind_of(policy: &Policy, data: &Path, kind: Option<&str>) -> Option<String> {
    kind_of_name(policy, data, kind).or_else(|| match kind_of_header(policy, data) {
        Fits::One(k) => Some(k),
        Fits::None | Fits::Several(_) => None,
    })
}

/// Which of a policy's subject kinds a data file's header fits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fits {
    /// None (or the header could not be read).
    None,
    /// Exactly one.
    One(String),
    /// Several, in declaration order.
    Several(Vec<String>),
}

/// The subject kind a data file's header says: a workbook's subjects sheet named after a kind
/// (as templates name it), else the kinds whose fields every column names and whose key field
/// has a column ([`crate::data::fits`]).
pub fn kind_of_header(policy: &Policy, data: &Path) -> Fits {
    let Some(peek) = crate::data::peek(data) else { return Fits::None };
    let kinds = policy.subject_names();
    if let Some(sheet) = &peek.sheet
        && let Some(k) = kinds.iter().find(|k| **k == sheet.trim())
    {
        return Fits::One((*k).to_string());
    }
    let fit: Vec<String> = kinds
        .iter()
        .filter(|k| {
            Schema::from_policy(policy, k).is_ok_and(|s| crate::data::fits(&s, &peek.headers))
        })
        .map(|k| (*k).to_string())
        .collect();
    match <[String; 1]>::try_from(fit) {
        Ok([one]) => Fits::One(one),
        Err(v) if v.is_empty() => Fits::None,
        Err(v) => Fits::Several(v),
    }
}

/// [`kind_of`] from the arguments and the file's name alone.
fn kind_of_name(policy: &Policy, data: &Path, kind: Option<&str>) -> Option<String> {
    if let Some(k) = kind {
        return Some(k.to_string());
    }
    let kinds = policy.subject_names();
    let name = data.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() >= 3
        && let Some(k) = parts.get(parts.len() - 2)
        && kinds.contains(k)
    {
        return Some((*k).to_string());
    }
    match kinds.as_slice() {
        [one] => Some((*one).to_string()),
        _ => None,
    }
}

/// A problem with a file or an option as a whole, labelled at the start of `name`.
pub fn usage(name: &str, message: Text, help: Text) -> Diagnostics {
    let file = SourceFile::new(name, "");
    let d = Diagnostic::new(Code::DataFormat, message)
        .at(Loc::new(&file, Span::default()), Text::new("此文件", "this file"))
        .help(help);
    vec![d].into()
}

/// A data file loaded for a policy: its subjects, parameters, subject kind and year.
pub struct Loaded {
    pub dataset: Dataset,
    pub params: BTreeMap<String, Value>,
    pub subject: Option<crate::checker::scope::SubjectId>,
    pub year: Option<u16>,
    /// The years of the data's `年份` column (empty without one), for the help when no year
    /// can be chosen.
    pub row_years: std::collections::BTreeSet<u16>,
    /// `ZC0913` for each parameter the data gives and `--param` overrides: which value is used
    /// and which is not.
    pub notes: Diagnostics,
    /// The members the data file itself carries (nested under the owners, or one long table),
    /// for [`super::members::load_members`].
    pub in_file: Vec<crate::data::forms::InFile>,
}

/// Loads and validates a data file for a policy, with `--param` overrides.
pub fn load(
    policy: &Policy,
    checked: &Checked<'_>,
    data: &Path,
    kind: Option<&str>,
    year: Option<u16>,
    given: &[String],
    also_known: &std::collections::BTreeSet<String>,
) -> Result<Loaded, Diagnostics> {
    let Some(kind) = kind_of(policy, data, kind) else {
        return Err(unknown_kind(policy, data));
    };
    let mut schema = Schema::from_policy(policy, &kind)?;
    schema.also_known = also_known.clone();
    // A parameter given with `--param` need not be in the data (its cell may be left empty):
    // the command line's value is used either way.
    for p in &mut schema.params {
        if given_names(given).any(|n| n == p.name) {
            p.optional = true;
        }
    }
    // An owner kind's data may carry its members (nested, or one long table): taken out first.
    let shapes = checked
        .scope
        .subject_names
        .get(&kind)
        .and_then(|&o| super::members::shapes(policy, checked, o));
    let (mut dataset, row_years, in_file) = match &shapes {
        Some(shapes) => super::members::read_owners(data, &schema, shapes)?,
        None => {
            let (ds, years) = read_dataset_with_years(data, &schema)?;
            (ds, years, Vec::new())
        }
    };
    // A CSV register's parameters are in the file beside it, when there is one.
    let beside = params_beside(data, &schema)?;
    if let Some((_, file)) = &beside {
        dataset.params.clone_from(&file.params);
        dataset.param_gaps.clone_from(&file.param_gaps);
    }
    let params = params(&dataset, &schema, given)?;
    let mut notes = match &beside {
        Some((path, file)) => {
            let mut n = overridden(file, &params, given, path);
            n.extend(beside_note(path, data, file, given));
            n
        }
        None => overridden(&dataset, &params, given, data),
    };
    notes = notes.sorted().into();
    let subject = checked.scope.subject_names.get(&kind).copied();
    let year = year.or_else(|| default_year(&dataset, &params, &row_years));
    Ok(Loaded { dataset, params, subject, year, row_years, notes, in_file })
}

/// The parameters file of a CSV or Parquet register `DIR/NAME.csv`: `DIR/NAME.参数.csv`, when
/// it exists. Other data files carry their own parameter table; a parameters file has none
/// beside it.
pub fn params_file(data: &Path) -> Option<PathBuf> {
    let name = data.file_name()?.to_str()?;
    let stem =
        [".csv", ".CSV", ".parquet", ".PARQUET"].iter().find_map(|ext| name.strip_suffix(ext))?;
    if stem.ends_with(".参数") {
        return None;
    }
    let path = data.with_file_name(params_file_name(stem));
    path.is_file().then_some(path)
}

/// The name of the parameters file of a CSV register whose name without `.csv` is `stem`.
pub fn params_file_name(stem: &str) -> String {
    format!("{stem}.参数.csv")
}

/// The parameters the file beside a CSV register gives ([`params_file`]), validated against
/// `schema` as a workbook's `参数` sheet is: a header `参数,值`, then one parameter a row, its
/// name in the first cell (with its unit and year as a column header has them) and its value
/// in the second; each problem reported at its cell. `None` when there is no such file.
pub fn params_beside(
    data: &Path,
    schema: &Schema,
) -> Result<Option<(PathBuf, Dataset)>, Diagnostics> {
    use crate::data::{RawCell, RawColumn, RawData, RawParam, RawValue, validate};
    let Some(path) = params_file(data) else { return Ok(None) };
    let (raw, diags) = crate::data::load_path(&path);
    let Some(raw) = raw.filter(|_| !diags.has_errors()) else { return Err(diags) };
    let mut rows: Vec<Vec<Option<RawCell>>> = Vec::new();
    let mut params_loc = None;
    if let Some(table) = &raw.table {
        params_loc = Some(table.header_loc.clone());
        let titled = table.columns.first().is_some_and(|c| {
            matches!(c.name.trim(), "参数" | "参数名" | "名称" | "name" | "parameter")
        });
        if !titled {
            // No title row: the first line is a parameter too.
            rows.push(
                table
                    .columns
                    .iter()
                    .map(|c| {
                        Some(RawCell { value: RawValue::Text(c.name.clone()), loc: c.loc.clone() })
                    })
                    .collect(),
            );
        }
        rows.extend(table.rows.iter().map(|r| r.cells.clone()));
    }
    let params: Vec<RawParam> = rows
        .into_iter()
        .filter_map(|cells| {
            let mut cells = cells.into_iter();
            let name = cells.next().flatten()?;
            if name.value.is_empty() {
                return None;
            }
            let end =
                crate::data::DataLoc::Span(Span::new(name.loc.span().end, name.loc.span().end));
            let value =
                cells.next().flatten().unwrap_or(RawCell { value: RawValue::Empty, loc: end });
            Some(RawParam {
                name: RawColumn { name: name.value.display(), loc: name.loc, sub: None },
                value,
            })
        })
        .collect();
    let table = RawData { file: raw.file, table: None, params, params_loc, nested: Vec::new() };
    validate(&table, schema).map(|ds| Some((path, ds)))
}

/// `ZC0914`: the parameters a CSV register's parameters file gives and the values used (those
/// `--param` gives are said by `ZC0913`).
pub fn beside_note(path: &Path, data: &Path, file: &Dataset, given: &[String]) -> Diagnostics {
    let overridden: Vec<&str> = given_names(given).collect();
    let (mut zh, mut en) = (Vec::new(), Vec::new());
    for (name, value) in file.param_names.iter().zip(&file.params) {
        if value.is_missing() || overridden.contains(&name.as_str()) {
            continue;
        }
        zh.push(format!("`{name}` = {}", shown(value, true)));
        en.push(format!("`{name}` = {}", shown(value, false)));
    }
    if zh.is_empty() {
        return Diagnostics::new();
    }
    let (p, d) = (path.display().to_string(), data.display().to_string());
    let mut out = usage(
        &p,
        Text::new(
            format!("参数取自 `{p}`（数据文件 `{d}` 旁的参数表）：{}", zh.join("、")),
            format!(
                "parameters from `{p}` (the parameter table beside the data file `{d}`): {}",
                en.join(", ")
            ),
        ),
        Text::new(
            format!("要改参数，改 `{p}` 中的值，或用 `--param 名称=值` 临时改写；不用这个文件，把它删除或改名"),
            format!("to change a parameter, change its value in `{p}`, or override it with `--param NAME=VALUE`; not to use the file, delete or rename it"),
        ),
    )
    .sorted();
    for x in &mut out {
        x.code = Code::ParamsBeside;
        x.severity = Code::ParamsBeside.severity();
    }
    out.into()
}

/// The notes a run over a CSV register gives about its parameters file, when it has one
/// ([`beside_note`] and [`overridden`]); nothing when the file has problems (the loading
/// path reports them).
pub fn beside_notes(data: &Path, schema: &Schema, given: &[String]) -> Diagnostics {
    let Ok(Some((path, file))) = params_beside(data, schema) else { return Diagnostics::new() };
    let Ok(used) = params(&file, schema, given) else { return Diagnostics::new() };
    let mut notes = overridden(&file, &used, given, &path);
    notes.extend(beside_note(&path, data, &file, given));
    notes.sorted().into()
}

/// The year to evaluate when none is given: the latest the yearly values of the data (or of its
/// parameters) are for; else, when the data's `年份` column holds exactly one year, that year
/// (its rows are for that year even with every yearly value left empty). With several years and
/// no yearly value, none is chosen: the help of `ZC0703` names them ([`no_year_help`]).
pub fn default_year(
    dataset: &Dataset,
    params: &BTreeMap<String, Value>,
    row_years: &std::collections::BTreeSet<u16>,
) -> Option<u16> {
    latest_year(&dataset.records, params).or_else(|| match row_years.iter().collect::<Vec<_>>()[..]
    {
        [one] => Some(*one),
        _ => None,
    })
}

/// The help of `ZC0703` (no evaluation year) for data whose `年份` column holds `row_years`.
pub fn no_year_help(row_years: &std::collections::BTreeSet<u16>) -> Text {
    match row_years.last() {
        Some(last) => {
            let zh: Vec<String> = row_years.iter().map(|y| format!("{y} 年")).collect();
            let en: Vec<String> = row_years.iter().map(u16::to_string).collect();
            Text::new(
                format!(
                    "数据的 `年份` 列有 {}，按年的取值都没有填写：用 `--year` 选定评估年度，例如 `--year {last}`",
                    zh.join("、")
                ),
                format!(
                    "the data's `年份` column holds {} and no yearly value is filled in: choose the year with `--year`, e.g. `--year {last}`",
                    en.join(", ")
                ),
            )
        }
        None => Text::new(
            "数据中没有任何年份：用 `--year` 指定评估年度（例如 `--year 2024`），或在数据中加一列 `年份` 并填写",
            "the data holds no year at all: give the year with `--year` (e.g. `--year 2024`), or add a `年份` column to the data and fill it in",
        ),
    }
}

/// `ZC0607`: which subject kind a data file holds cannot be told; the help names the kinds its
/// header fits when there are several.
pub fn unknown_kind(policy: &Policy, data: &Path) -> Diagnostics {
    let name = data.display().to_string();
    let kinds = policy.subject_names().join("、");
    let help = match kind_of_header(policy, data) {
        Fits::Several(fit) => Text::new(
            format!(
                "表头符合 {} 几类主体：用 `--kind {}` 等指定",
                fit.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join("、"),
                fit.first().map_or("", String::as_str)
            ),
            format!(
                "the header fits the kinds {}: say which with `--kind {}` or another",
                fit.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "),
                fit.first().map_or("", String::as_str)
            ),
        ),
        Fits::None | Fits::One(_) => Text::new(
            "表头不完全符合任何一类主体：用 `--kind 主体名` 指定，或把文件命名为 `政策名.主体名.csv`",
            "the header fits no subject kind entirely: say it with `--kind NAME`, or name the file `POLICY.SUBJECT.csv`",
        ),
    };
    usage(
        &name,
        Text::new(
            format!("无法确定数据文件 `{name}` 属于哪类主体（{kinds}）"),
            format!("cannot tell which subject kind `{name}` holds ({kinds})"),
        ),
        help,
    )
}

/// The data has no subject `subject`: a diagnostic suggesting the closest ids.
pub fn no_subject<'k>(
    data: &Path,
    subject: &str,
    keys: impl Iterator<Item = &'k str>,
) -> Diagnostics {
    let help = help_text(&did_you_mean(subject, keys)).unwrap_or_else(|| {
        Text::new("主体标识见数据文件的标识列", "subject ids are in the data's id column")
    });
    usage(
        &data.display().to_string(),
        Text::new(
            format!("数据中没有主体 `{subject}`"),
            format!("the data has no subject `{subject}`"),
        ),
        help,
    )
}

/// The data's parameters, overridden by `--param NAME=VALUE` (or `名称(单位)=值`, the data
/// files' form). A name the policy does not declare is an error, unless it is one of `others`
/// (a policy evaluated on the same data declares it).
///
/// A value is read for the parameter's declaration: a bare number in the declared unit
/// (`高新奖励=5` is 5万元 where the policy declares `万元`, as a data file's column without a
/// unit is), a number with a unit only in a unit of the declared one's kind, a yes/no
/// parameter only as `是`/`否` (`ZC0951` otherwise, never a value of another kind used as it
/// is).
pub fn params(
    ds: &Dataset,
    schema: &Schema,
    given: &[String],
) -> Result<BTreeMap<String, Value>, Diagnostics> {
    let others = &schema.also_known;
    let mut map: BTreeMap<String, Value> =
        ds.param_names.iter().cloned().zip(ds.params.iter().cloned()).collect();
    let mut diags = Vec::new();
    for p in given {
        let Some((name, text)) = p.split_once('=') else {
            diags.extend(
                usage(
                    "--param",
                    Text::new(
                        format!("`--param {p}` 应写成 `名称=值`"),
                        format!("`--param {p}` must be `NAME=VALUE`"),
                    ),
                    Text::new("例如 `--param 优秀分数线=90分`", "e.g. `--param 优秀分数线=90分`"),
                )
                .sorted(),
            );
            continue;
        };
        let (name, text) = match unit_form(name.trim()) {
            Some((bare, unit)) => (bare, format!("{}{unit}", text.trim())),
            None => (name.trim(), text.trim().to_string()),
        };
        if !ds.param_names.iter().any(|n| n == name) {
            if !others.contains(name) {
                diags.extend(unknown_param(name, &ds.param_names));
            }
            continue;
        }
        let spec = schema.params.iter().find(|s| s.name == name);
        match param_value(&text) {
            Some(v) => match spec.map_or(Ok(v.clone()), |spec| fit(v, spec)) {
                Ok(v) => {
                    map.insert(name.to_string(), v);
                }
                Err(()) => diags.extend(wrong_kind(p, name, &text, spec)),
            },
            None => diags.extend(
                usage(
                    "--param",
                    Text::new(
                        format!("无法读取参数值 `{text}`"),
                        format!("cannot read the parameter value `{text}`"),
                    ),
                    Text::new(
                        "数值写成 `90分`、`6.5%`、`5万元`，或写 `是`/`否`",
                        "write numbers as `90分`, `6.5%`, `5万元`, or `true`/`false`",
                    ),
                )
                .sorted(),
            ),
        }
    }
    if diags.is_empty() { Ok(map) } else { Err(diags.into()) }
}

/// `ZC0913`, a note for each parameter that the data file gives and `--param` gives too: the
/// command line's value is used (`used`, as [`params`] made it), the data's is not; both are
/// named, so that a report is never read with the wrong value in mind.
pub fn overridden(
    ds: &Dataset,
    used: &BTreeMap<String, Value>,
    given: &[String],
    data: &Path,
) -> Diagnostics {
    let file = data.display().to_string();
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    // The last `--param` of a name is the one used: it is the one named.
    for p in given.iter().rev() {
        let Some((raw, _)) = p.split_once('=') else { continue };
        let raw = raw.trim();
        let name = unit_form(raw).map_or(raw, |(bare, _)| bare);
        let Some(in_data) = ds.param(name).filter(|v| !v.is_missing()) else { continue };
        if !seen.insert(name) {
            continue;
        }
        let now = used.get(name).unwrap_or(&Value::Missing);
        let (dz, de) = (shown(in_data, true), shown(in_data, false));
        let (nz, ne) = (shown(now, true), shown(now, false));
        let mut d = usage(
            "--param",
            Text::new(
                format!(
                    "`--param {p}` 改写了数据文件 `{file}` 给出的参数 `{name}`：计算用 {nz}，不用数据中的 {dz}"
                ),
                format!(
                    "`--param {p}` overrides the parameter `{name}` that the data file `{file}` gives: {ne} is used, not the data's {de}"
                ),
            ),
            Text::new(
                format!("去掉 `--param {p}` 即用数据中的值"),
                format!("drop `--param {p}` to use the data's value"),
            ),
        )
        .sorted();
        for x in &mut d {
            x.code = Code::ParamOverride;
            x.severity = Code::ParamOverride.severity();
        }
        out.extend(d);
    }
    out.reverse();
    out.into()
}

/// A parameter's value for a message: `50,000 元`, `6.5%`, `是`; a value per year year by year.
fn shown(v: &Value, zh: bool) -> String {
    use crate::units::Kind;
    match v {
        Value::Number { value, dim } => {
            let (n, unit) = match dim.kind() {
                Kind::Percent => {
                    (value.checked_mul(rust_decimal::Decimal::ONE_HUNDRED), "%".to_string())
                }
                Kind::Points => (
                    value.checked_mul(rust_decimal::Decimal::ONE_HUNDRED),
                    if zh { "个百分点".to_string() } else { " pp".to_string() },
                ),
                Kind::Plain if dim.is_number() => (Some(*value), String::new()),
                Kind::Plain => (
                    Some(*value),
                    format!(
                        " {}",
                        dim.display(if zh {
                            crate::diagnostics::Lang::Zh
                        } else {
                            crate::diagnostics::Lang::En
                        })
                    ),
                ),
            };
            match n {
                Some(n) => format!("`{}{unit}`", crate::report::show::grouped(n)),
                None => format!("`{}`", value.normalize()),
            }
        }
        Value::Bool(b) => match (b, zh) {
            (true, true) => "`是`".into(),
            (false, true) => "`否`".into(),
            (true, false) => "`yes`".into(),
            (false, false) => "`no`".into(),
        },
        Value::Series(by_year) => {
            let each: Vec<String> = by_year
                .iter()
                .map(|(y, v)| {
                    if zh {
                        format!("{y} 年 {}", shown(v, zh))
                    } else {
                        format!("{} in {y}", shown(v, zh))
                    }
                })
                .collect();
            each.join(if zh { "、" } else { ", " })
        }
        Value::Missing => {
            if zh {
                "（无）".into()
            } else {
                "(none)".into()
            }
        }
        Value::Text(t) => format!("`{t}`"),
        Value::Year(y) => format!("`{y}`"),
        Value::Date(d) => format!("`{}-{:02}-{:02}`", d.year, d.month, d.day),
        Value::Enum { enum_name, index } => {
            if zh {
                format!("`{enum_name}` 的第 {} 个值", index + 1)
            } else {
                format!("value {} of `{enum_name}`", index + 1)
            }
        }
    }
}

/// The names of the parameters `--param NAME=VALUE` gives, without their units.
fn given_names(given: &[String]) -> impl Iterator<Item = &str> {
    given.iter().filter_map(|p| p.split_once('=')).map(|(name, _)| {
        let name = name.trim();
        unit_form(name).map_or(name, |(bare, _)| bare)
    })
}

/// `优秀分数线(分)` or `优秀分数线（分）`: the name and the unit, the form the data files use;
/// `None` for a bare name.
fn unit_form(name: &str) -> Option<(&str, &str)> {
    let inner = name.strip_suffix(')').or_else(|| name.strip_suffix('）'))?;
    let (bare, unit) = inner.rsplit_once('(').or_else(|| inner.rsplit_once('（'))?;
    let bare = bare.trim();
    (!bare.is_empty() && !unit.trim().is_empty()).then_some((bare, unit.trim()))
}

/// `--param` names a parameter the policy does not declare: the parameters that exist, the
/// nearest first.
fn unknown_param(name: &str, declared: &[String]) -> Vec<Diagnostic> {
    let list = |sep: &str| declared.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(sep);
    let help = help_text(&did_you_mean(name, declared.iter().map(String::as_str)))
        .map(|t| {
            Text::new(
                format!("政策声明的参数：{}；{}", list("、"), t.zh),
                format!("the policy's parameters are: {}; {}", list(", "), t.en),
            )
        })
        .unwrap_or_else(|| {
            if declared.is_empty() {
                Text::new("政策没有声明参数", "the policy declares no parameters")
            } else {
                Text::new(
                    format!("政策声明的参数：{}", list("、")),
                    format!("the policy's parameters are: {}", list(", ")),
                )
            }
        });
    let mut d = usage(
        "--param",
        Text::new(
            format!("政策没有声明参数 `{name}`"),
            format!("the policy declares no parameter `{name}`"),
        ),
        help,
    )
    .sorted();
    for x in &mut d {
        x.code = Code::UnknownParam;
    }
    d
}

/// A value given with `--param` read for the parameter's declaration `spec`: a bare number in
/// the declared unit, a number with a unit of the declared unit's kind as it is; `Err` for a
/// value of another kind (`80万元` for points, `5` for a yes/no parameter).
fn fit(v: Value, spec: &crate::data::FieldSpec) -> Result<Value, ()> {
    use crate::data::FieldKind;
    match (&spec.kind, v) {
        (FieldKind::Number { unit, .. }, Value::Number { value, dim }) => {
            if dim == unit.dim() {
                Ok(Value::Number { value, dim })
            } else if dim.is_number() {
                let value = unit.to_base(value).map_err(|_| ())?;
                Ok(Value::Number { value, dim: unit.dim() })
            } else {
                Err(())
            }
        }
        (FieldKind::Number { .. }, _) => Err(()),
        (FieldKind::Bool, Value::Bool(b)) => Ok(Value::Bool(b)),
        (FieldKind::Bool, _) => Err(()),
        // Other kinds are given as the command line reads them (years as numbers).
        (_, v) => Ok(v),
    }
}

/// `ZC0951`: `--param` gives a value of another kind than the parameter's declaration (a
/// unit of another kind, a number for a yes/no parameter): what the parameter takes.
fn wrong_kind(
    p: &str,
    name: &str,
    text: &str,
    spec: Option<&crate::data::FieldSpec>,
) -> Vec<Diagnostic> {
    use crate::data::FieldKind;
    use crate::diagnostics::Lang;
    let (wants_zh, wants_en, example) = match spec.map(|s| &s.kind) {
        Some(FieldKind::Number { unit, .. }) => {
            let (zh, en) = (unit.display(Lang::Zh), unit.display(Lang::En));
            (
                format!("以 `{zh}` 计的数"),
                format!("a number in `{en}`"),
                format!("`--param {name}=…{zh}`，或只写数值 `--param {name}=…`（按 `{zh}` 读）"),
            )
        }
        _ => {
            ("`是` 或 `否`".to_string(), "`是` or `否`".to_string(), format!("`--param {name}=是`"))
        }
    };
    let example_en = example
        .replace("，或只写数值 ", ", or the number alone, ")
        .replace("（按 `", " (read in `")
        .replace("` 读）", "`)");
    let mut d = usage(
        "--param",
        Text::new(
            format!("`--param {p}`：参数 `{name}` 取{wants_zh}，不能取 `{text}`"),
            format!("`--param {p}`: the parameter `{name}` takes {wants_en}, not `{text}`"),
        ),
        Text::new(format!("写成 {example}"), format!("write {example_en}")),
    )
    .sorted();
    for x in &mut d {
        x.code = Code::ParamKind;
    }
    d
}

/// `90分`, `6.5%`, `5万元`, `是`: a parameter value given on the command line.
pub fn param_value(text: &str) -> Option<Value> {
    match text {
        "是" | "true" => return Some(Value::Bool(true)),
        "否" | "false" => return Some(Value::Bool(false)),
        _ => {}
    }
    let split =
        text.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-')).unwrap_or(text.len());
    let (num, unit) = text.split_at(split);
    let value: rust_decimal::Decimal = num.parse().ok()?;
    if unit.is_empty() {
        return Some(Value::Number { value, dim: crate::units::Dim::NUMBER });
    }
    let u = parse_unit(unit).ok()?;
    Some(Value::Number { value: u.to_base(value).ok()?, dim: u.dim() })
}

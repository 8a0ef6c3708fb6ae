//! `zhengce eval PATH...`: evaluate policies against subject data and report every outcome.
//!
//! For each policy file, the data is `--data FILE`, or else its bundled sample data: the files
//! beside it named `NAME.SUBJECT.{toml,csv,json,xlsx}`, where `SUBJECT` is one of the policy's
//! subject kinds (`policies/provincial.县.toml`). The report goes to standard output (or
//! `--out FILE`), diagnostics to standard error.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::{EvalArgs, ReportFormat};
use super::output::{cannot_write, write_out};
use super::{Settings, Status, emit, files, stack};
use crate::ast::Policy;
use crate::checker::{Checked, check};
use crate::data::{Dataset, Schema, Value, read_dataset};
use crate::diagnostics::render::render;
use crate::diagnostics::suggest::{did_you_mean, help_text};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Lang, Severity, Text};
use crate::eval::coverage::Coverage;
use crate::eval::outcome::SubjectOutcome;
use crate::eval::stack::StackOutcome;
use crate::eval::{Evaluator, latest_year};
use crate::report::basis::BasisRow;
use crate::report::{self, Report};
use crate::source::{Loc, SourceFile, Span};
use crate::units::parse_unit;

/// Data file extensions, in the order sample data is looked for.
const DATA_EXTENSIONS: [&str; 4] = ["toml", "csv", "json", "xlsx"];

/// A report rendered for one policy and one data file.
enum Rendered {
    Text(String),
    Book(Vec<u8>),
}

/// Runs `eval`.
pub fn run(
    args: &EvalArgs,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Status {
    let fail = |diags: Diagnostics, err: &mut dyn Write| {
        emit(err, &render(&diags.sorted(), settings.lang, settings.format, &settings.style));
        Status::Usage
    };
    if !args.columns.is_empty() && args.format != ReportFormat::Csv {
        return fail(
            bad_options(
                "--columns",
                Text::new(
                    "`--columns` 只用于 CSV 报告（`--format csv`）",
                    "`--columns` applies to the CSV report only (`--format csv`)",
                ),
                Text::new(
                    "加上 `--format csv`，或去掉 `--columns`",
                    "add `--format csv`, or drop `--columns`",
                ),
            ),
            err,
        );
    }
    if args.format == ReportFormat::Xlsx && args.out.is_none() {
        return fail(
            bad_options(
                "--format xlsx",
                Text::new(
                    "xlsx 报告需要用 `--out 文件.xlsx` 指定输出文件",
                    "an xlsx report needs `--out FILE.xlsx`",
                ),
                Text::new("例如 `--out 结果.xlsx`", "e.g. `--out results.xlsx`"),
            ),
            err,
        );
    }
    let loaded = files::load(&args.paths);
    let mut diags = loaded.diagnostics;
    let mut reports: Vec<Rendered> = Vec::new();
    // Every file read: `--out` may overwrite none of them.
    let mut inputs: Vec<PathBuf> = args.paths.clone();
    let mut status = if diags.iter().any(|d| super::check::is_usage_code(d.code)) {
        Status::Usage
    } else {
        Status::Ok
    };
    for source in &loaded.sources {
        inputs.push(PathBuf::from(&source.name));
        let (policy, parse_diags) = crate::parser::parse(source);
        let errors: Diagnostics = parse_diags
            .sorted()
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect::<Vec<_>>()
            .into();
        let Some(policy) = policy.filter(|_| errors.is_empty()) else {
            diags.extend(errors);
            status = worse(status, Status::Errors);
            continue;
        };
        let (checked, check_diags) = check(&policy);
        if check_diags.has_errors() {
            diags.extend(only_errors(check_diags));
            status = worse(status, Status::Errors);
            continue;
        }
        let unknown = unknown_columns(&checked, &args.columns);
        if !unknown.is_empty() {
            diags.extend(unknown);
            status = worse(status, Status::Usage);
            continue;
        }
        let data_files = match &args.data {
            Some(d) => vec![d.clone()],
            None => sample_data(Path::new(&source.name), &policy),
        };
        if data_files.is_empty() {
            // Nothing to evaluate: said in the human formats, an empty report in the others.
            let (zh, en) = ("（没有样例数据）", "(no sample data)");
            let note = if settings.lang == Lang::Zh { zh } else { en };
            let empty = Report { policy: &policy, checked: &checked, outcomes: &[], stacks: &[] };
            let name = &source.name;
            match args.format {
                ReportFormat::Text => {
                    reports.push(Rendered::Text(format!("== {name}  {note}\n")));
                }
                ReportFormat::Markdown | ReportFormat::Basis => {
                    reports.push(Rendered::Text(format!("# {name}\n\n{note}\n")));
                }
                ReportFormat::Json => reports.push(Rendered::Text(report::json(&empty))),
                ReportFormat::Jsonl => reports.push(Rendered::Text(String::new())),
                ReportFormat::Csv => {
                    reports.push(Rendered::Text(report::csv(&empty, &args.columns)));
                }
                ReportFormat::Xlsx => {
                    diags.extend(bad_options(
                        name,
                        Text::new(
                            format!("`{name}` 旁边没有样例数据，xlsx 报告无内容可写"),
                            format!("`{name}` has no sample data beside it: the xlsx report would be empty"),
                        ),
                        Text::new("用 `--data 数据文件` 给出数据", "give the data with `--data FILE`"),
                    ));
                    status = worse(status, Status::Usage);
                }
            }
            continue;
        }
        if super::stream::applies(args, loaded.sources.len())
            && let Some(data) = data_files.first()
        {
            inputs.push(data.clone());
            if let super::stream::Streamed::Done { diags: d, usage } =
                super::stream::run(&policy, &checked, data, args, &inputs)
            {
                let errors = d.has_errors();
                diags.extend(d);
                status = match (usage, errors) {
                    (true, _) => worse(status, Status::Usage),
                    (false, true) => worse(status, Status::Errors),
                    (false, false) => status,
                };
                continue;
            }
        }
        for data in data_files {
            inputs.push(data.clone());
            let basis = matches!(args.format, ReportFormat::Basis | ReportFormat::Xlsx);
            match evaluate(&policy, &checked, &data, args, basis, None) {
                Ok((outcomes, stacks, rows, eval_diags)) => {
                    if eval_diags.has_errors() {
                        status = worse(status, Status::Errors);
                    }
                    diags.extend(eval_diags);
                    let r = Report {
                        policy: &policy,
                        checked: &checked,
                        outcomes: &outcomes,
                        stacks: &stacks,
                    };
                    // Totals over the subjects are in every format but the per-subject rows
                    // of CSV and JSON Lines; where they are shown, one past the exact range
                    // stops the report.
                    let shows_totals =
                        !matches!(args.format, ReportFormat::Csv | ReportFormat::Jsonl);
                    let overflows = if shows_totals { r.overflows() } else { Vec::new() };
                    if !overflows.is_empty() {
                        diags.extend(overflows.into());
                        status = worse(status, Status::Errors);
                        continue;
                    }
                    let lang = settings.lang;
                    reports.push(match args.format {
                        ReportFormat::Text => Rendered::Text(report::text(&r, lang)),
                        ReportFormat::Json => Rendered::Text(report::json(&r)),
                        ReportFormat::Jsonl => Rendered::Text(report::jsonl(&r)),
                        ReportFormat::Markdown => Rendered::Text(report::markdown(&r, lang)),
                        ReportFormat::Csv => Rendered::Text(report::csv(&r, &args.columns)),
                        ReportFormat::Basis => {
                            Rendered::Text(report::basis::markdown(&r, &rows, lang))
                        }
                        ReportFormat::Xlsx => match report::xlsx(&r, &rows, lang) {
                            Ok(bytes) => Rendered::Book(bytes),
                            Err(e) => {
                                diags.push(cannot_write(args.out.as_deref(), &e.to_string()));
                                status = worse(status, Status::Usage);
                                continue;
                            }
                        },
                    });
                }
                Err(d) => {
                    status = worse(
                        status,
                        if d.iter().any(|x| x.code == Code::Io) {
                            Status::Usage
                        } else {
                            Status::Errors
                        },
                    );
                    diags.extend(d);
                }
            }
        }
    }
    let body: Option<Vec<u8>> = match (args.format, reports.as_slice()) {
        (_, []) => None,
        (ReportFormat::Xlsx, [Rendered::Book(b)]) => Some(b.clone()),
        (ReportFormat::Xlsx, many) => {
            let n = many.len();
            diags.extend(bad_options(
                "--format xlsx",
                Text::new(
                    format!("一个 xlsx 报告只容纳一份政策在一份数据上的结果，这次评估了 {n} 份"),
                    format!("an xlsx report holds one policy evaluated on one data file, not {n}"),
                ),
                Text::new(
                    "给出一份政策和 `--data 数据文件`，或者每份政策分别运行",
                    "give one policy and `--data FILE`, or run once per policy",
                ),
            ));
            status = worse(status, Status::Usage);
            None
        }
        (format, many) => {
            let texts: Vec<&str> = many
                .iter()
                .filter_map(|r| match r {
                    Rendered::Text(t) => Some(t.as_str()),
                    Rendered::Book(_) => None,
                })
                .collect();
            Some(join(&texts, format).into_bytes())
        }
    };
    match (&args.out, body) {
        (_, None) => {}
        (Some(path), Some(body)) => {
            if let Err(d) = write_out(path, &body, &inputs) {
                diags.push(*d);
                status = worse(status, Status::Usage);
            }
        }
        (None, Some(body)) => emit_bytes(out, &body),
    }
    if !diags.is_empty() {
        let sorted = diags.sorted();
        emit(err, &render(&sorted, settings.lang, settings.format, &settings.style));
    }
    status
}

/// A [`Code::BadOptions`] diagnostic about the option `option`.
pub(super) fn bad_options(option: &str, message: Text, help: Text) -> Diagnostics {
    let mut d = usage(option, message, help).sorted();
    for x in &mut d {
        x.code = Code::BadOptions;
    }
    d.into()
}

/// `ZC0909` for each name of `--columns` that is not a rule the policy reports per subject.
fn unknown_columns(checked: &Checked<'_>, names: &[String]) -> Diagnostics {
    let known: Vec<&str> = checked
        .scope
        .defs
        .iter()
        .filter(|d| d.subject.is_some())
        .filter(|d| match d.source {
            crate::checker::scope::DefSource::Item(i) => i.node.kind.is_rule(),
            crate::checker::scope::DefSource::Field(_) => false,
        })
        .map(|d| d.name.as_str())
        .collect();
    let mut out = Vec::new();
    for name in names.iter().filter(|n| !known.contains(&n.as_str())) {
        let help = help_text(&did_you_mean(name, known.iter().copied())).unwrap_or_else(|| {
            Text::new(
                format!("可用的列：{}", known.join("、")),
                format!("the columns are: {}", known.join(", ")),
            )
        });
        let mut d = usage(
            "--columns",
            Text::new(
                format!("政策中没有按主体报告的规则 `{name}`"),
                format!("the policy reports no rule `{name}` per subject"),
            ),
            help,
        )
        .sorted();
        for x in &mut d {
            x.code = Code::UnknownColumn;
        }
        out.extend(d);
    }
    out.into()
}

/// Writes bytes to a stream, like [`emit`].
fn emit_bytes(stream: &mut dyn Write, bytes: &[u8]) {
    let _ = stream.write_all(bytes).and_then(|()| stream.flush());
}

fn worse(a: Status, b: Status) -> Status {
    match (a, b) {
        (Status::Usage, _) | (_, Status::Usage) => Status::Usage,
        (Status::Errors, _) | (_, Status::Errors) => Status::Errors,
        _ => Status::Ok,
    }
}

fn only_errors(d: Diagnostics) -> Diagnostics {
    d.sorted().into_iter().filter(|x| x.severity == Severity::Error).collect::<Vec<_>>().into()
}

/// Several reports: one after another; JSON as an array when there is more than one, JSON Lines
/// one line after another.
fn join(reports: &[&str], format: ReportFormat) -> String {
    match (format, reports) {
        (ReportFormat::Jsonl, many) => many.concat(),
        (ReportFormat::Json, [one]) => (*one).to_string(),
        (ReportFormat::Json, many) => {
            let parts: Vec<&str> = many.iter().map(|r| r.trim_end()).collect();
            format!("[\n{}\n]\n", parts.join(",\n"))
        }
        (_, many) => many.join("\n"),
    }
}

/// The sample data files of a policy: `NAME.SUBJECT.ext` beside it, for its subject kinds.
pub(super) fn sample_data(policy_path: &Path, policy: &Policy) -> Vec<PathBuf> {
    let (Some(dir), Some(stem)) =
        (policy_path.parent(), policy_path.file_stem().and_then(|s| s.to_str()))
    else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for subject in policy.subject_names() {
        for ext in DATA_EXTENSIONS {
            let p = dir.join(format!("{stem}.{subject}.{ext}"));
            if p.is_file() {
                found.push(p);
            }
        }
    }
    found
}

/// The subject kind a data file holds: `--kind`, else the file name's `NAME.KIND.ext`, else
/// the policy's only subject kind.
pub(super) fn kind_of(policy: &Policy, data: &Path, kind: Option<&str>) -> Option<String> {
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

pub(super) fn usage(name: &str, message: Text, help: Text) -> Diagnostics {
    let file = SourceFile::new(name, "");
    let d = Diagnostic::new(Code::DataFormat, message)
        .at(Loc::new(&file, Span::default()), Text::new("此文件", "this file"))
        .help(help);
    vec![d].into()
}

/// A data file loaded for a policy: its subjects, parameters, subject kind and year.
pub(super) struct Loaded {
    pub dataset: Dataset,
    pub params: BTreeMap<String, Value>,
    pub subject: Option<crate::checker::scope::SubjectId>,
    pub year: Option<u16>,
}

/// Loads and validates a data file for a policy, with `--param` overrides.
pub(super) fn load(
    policy: &Policy,
    checked: &Checked<'_>,
    data: &Path,
    kind: Option<&str>,
    year: Option<u16>,
    given: &[String],
    also_known: &std::collections::BTreeSet<String>,
) -> Result<Loaded, Diagnostics> {
    let name = data.display().to_string();
    let Some(kind) = kind_of(policy, data, kind) else {
        let kinds = policy.subject_names().join("、");
        return Err(usage(
            &name,
            Text::new(
                format!("无法确定数据文件 `{name}` 属于哪类主体（{kinds}）"),
                format!("cannot tell which subject kind `{name}` holds ({kinds})"),
            ),
            Text::new(
                "用 `--kind 主体名` 指定，或把文件命名为 `政策名.主体名.toml`",
                "say it with `--kind NAME`, or name the file `POLICY.SUBJECT.toml`",
            ),
        ));
    };
    let mut schema = Schema::from_policy(policy, &kind)?;
    schema.also_known = also_known.clone();
    let dataset = read_dataset(data, &schema)?;
    let params = params(&dataset, given, &schema.also_known)?;
    let subject = checked.scope.subject_names.get(&kind).copied();
    let year = year.or_else(|| latest_year(&dataset.records, &params));
    Ok(Loaded { dataset, params, subject, year })
}

/// Every subject's outcome, the stacking rules applied to each, the basis of their awards when
/// asked for, and the evaluation's diagnostics.
pub(super) type Evaluated =
    (Vec<SubjectOutcome>, Vec<Vec<StackOutcome>>, Vec<BasisRow>, Diagnostics);

/// Loads the data and evaluates every subject in it, with the policy's stacking rules applied
/// to each subject (the policies they import are evaluated on the same data); with `basis`, also
/// explains each award.
pub(super) fn evaluate(
    policy: &Policy,
    checked: &Checked<'_>,
    data: &Path,
    args: &EvalArgs,
    basis: bool,
    coverage: Option<&Coverage>,
) -> Result<Evaluated, Diagnostics> {
    let kind = kind_of(policy, data, args.kind.as_deref()).unwrap_or_default();
    let imported = stack::imports(policy, &kind)?;
    let own_names = stack::data_names(policy, &kind);
    let others = stack::imported_names(policy, &kind);
    let loaded =
        load(policy, checked, data, args.kind.as_deref(), args.year, &args.params, &others)?;
    let mut ev = Evaluator::new(policy, checked, loaded.subject, loaded.params.clone());
    if let Some(c) = coverage {
        ev.record_coverage(c.clone());
    }
    let mut outcomes = Vec::new();
    let mut diags = Diagnostics::new();
    for record in &loaded.dataset.records {
        if args.subject.as_ref().is_some_and(|s| *s != record.key) {
            continue;
        }
        let (o, d) = ev.evaluate(record, loaded.year);
        outcomes.push(o);
        diags.extend(d);
    }
    if let Some(s) = &args.subject
        && !outcomes.iter().any(|o| o.key == *s)
    {
        let keys = loaded.dataset.records.iter().map(|r| r.key.as_str());
        return Err(no_subject(data, s, keys));
    }
    // Each imported policy on the same data: its awards per subject.
    let mut imported_amounts: BTreeMap<
        String,
        BTreeMap<String, BTreeMap<String, rust_decimal::Decimal>>,
    > = BTreeMap::new();
    for imp in &imported {
        let (ichecked, _) = check(&imp.policy);
        let mut known = own_names.clone();
        known.extend(others.iter().cloned());
        let ikind = imp
            .policy
            .subject_names()
            .into_iter()
            .find(|k| *k == kind)
            .map(str::to_string)
            .or_else(|| match imp.policy.subject_names().as_slice() {
                [one] => Some((*one).to_string()),
                _ => None,
            });
        let iloaded = load(
            &imp.policy,
            &ichecked,
            data,
            ikind.as_deref(),
            loaded.year,
            &args.params,
            &known,
        )?;
        let iev = Evaluator::new(&imp.policy, &ichecked, iloaded.subject, iloaded.params);
        let mut iout = Vec::new();
        for record in &iloaded.dataset.records {
            let (o, d) = iev.evaluate(record, iloaded.year);
            iout.push(o);
            diags.extend(d);
        }
        let mut per_award = BTreeMap::new();
        for rule in stack::stack_rules(policy, &kind) {
            for m in &rule.members {
                if let [alias, award] = m.node.as_slice()
                    && alias.node == imp.alias
                {
                    per_award
                        .insert(award.node.clone(), stack::amounts(&ichecked, &iout, &award.node));
                }
            }
        }
        imported_amounts.insert(imp.alias.clone(), per_award);
    }
    let (stacks, stack_diags) =
        stack::apply(&stack::Stacking::new(policy, checked, &kind), &outcomes, &imported_amounts);
    diags.extend(stack_diags);
    let rows = if basis {
        let r = Report { policy, checked, outcomes: &outcomes, stacks: &stacks };
        report::basis::rows(&r, &ev, &loaded.dataset.records)
    } else {
        Vec::new()
    };
    Ok((outcomes, stacks, rows, diags))
}

/// The data has no subject `subject`: a diagnostic suggesting the closest ids.
pub(super) fn no_subject<'k>(
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
pub(super) fn params(
    ds: &Dataset,
    given: &[String],
    others: &std::collections::BTreeSet<String>,
) -> Result<BTreeMap<String, Value>, Diagnostics> {
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
        match param_value(&text) {
            Some(v) => {
                map.insert(name.to_string(), v);
            }
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

/// `90分`, `6.5%`, `5万元`, `是`: a parameter value given on the command line.
pub(super) fn param_value(text: &str) -> Option<Value> {
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

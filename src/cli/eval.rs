//! `zhengce eval PATH...`: evaluate policies against subject data and report every outcome.
//!
//! For each policy file, the data is `--data FILE`, or else its bundled sample data: the files
//! beside it named `NAME.SUBJECT.{toml,csv,json,xlsx}`, where `SUBJECT` is one of the policy's
//! subject kinds (`policies/provincial.县.toml`). The report goes to standard output (or
//! `--out FILE`), diagnostics to standard error.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::args::{EvalArgs, ReportFormat};
use super::{Settings, Status, emit, files, stack};
use crate::ast::Policy;
use crate::checker::{Checked, check};
use crate::data::{Dataset, Schema, Value, read_dataset};
use crate::diagnostics::render::render;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Lang, Severity, Text};
use crate::eval::outcome::SubjectOutcome;
use crate::eval::stack::StackOutcome;
use crate::eval::{Evaluator, latest_year};
use crate::report::{self, Report};
use crate::source::{Loc, SourceFile, Span};
use crate::units::parse_unit;

/// Data file extensions, in the order sample data is looked for.
const DATA_EXTENSIONS: [&str; 4] = ["toml", "csv", "json", "xlsx"];

/// Runs `eval`.
pub fn run(
    args: &EvalArgs,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Status {
    let loaded = files::load(&args.paths);
    let mut diags = loaded.diagnostics;
    let mut reports: Vec<String> = Vec::new();
    let mut status = if diags.iter().any(|d| super::check::is_usage_code(d.code)) {
        Status::Usage
    } else {
        Status::Ok
    };
    for source in &loaded.sources {
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
        let data_files = match &args.data {
            Some(d) => vec![d.clone()],
            None => sample_data(Path::new(&source.name), &policy),
        };
        if data_files.is_empty() {
            let (zh, en) = ("（没有样例数据）", "(no sample data)");
            let note = if settings.lang == Lang::Zh { zh } else { en };
            reports.push(format!("== {}  {note}\n", source.name));
            continue;
        }
        for data in data_files {
            match evaluate(&policy, &checked, &data, args) {
                Ok((outcomes, stacks, eval_diags)) => {
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
                    reports.push(match args.format {
                        ReportFormat::Text => report::text(&r, settings.lang),
                        ReportFormat::Json => report::json(&r),
                        ReportFormat::Markdown => report::markdown(&r, settings.lang),
                        ReportFormat::Csv => report::csv(&r),
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
    let body = join(&reports, args.format);
    match &args.out {
        Some(path) => {
            if let Err(d) = write_out(path, &body, &args.paths, args.data.as_deref()) {
                diags.push(*d);
                status = worse(status, Status::Usage);
            }
        }
        None => emit(out, &body),
    }
    if !diags.is_empty() {
        let sorted = diags.sorted();
        emit(err, &render(&sorted, settings.lang, settings.format, &settings.style));
    }
    status
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

/// Several reports: one after another; JSON as an array when there is more than one.
fn join(reports: &[String], format: ReportFormat) -> String {
    match (format, reports) {
        (ReportFormat::Json, [one]) => one.clone(),
        (ReportFormat::Json, many) => {
            let parts: Vec<&str> = many.iter().map(|r| r.trim_end()).collect();
            format!("[\n{}\n]\n", parts.join(",\n"))
        }
        (_, many) => many.join("\n"),
    }
}

/// The sample data files of a policy: `NAME.SUBJECT.ext` beside it, for its subject kinds.
fn sample_data(policy_path: &Path, policy: &Policy) -> Vec<PathBuf> {
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
fn kind_of(policy: &Policy, data: &Path, kind: Option<&str>) -> Option<String> {
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
    let params = params(&dataset, given)?;
    let subject = checked.scope.subject_names.get(&kind).copied();
    let year = year.or_else(|| latest_year(&dataset.records, &params));
    Ok(Loaded { dataset, params, subject, year })
}

/// Every subject's outcome, the stacking rules applied to each, and the evaluation's diagnostics.
type Evaluated = (Vec<SubjectOutcome>, Vec<Vec<StackOutcome>>, Diagnostics);

/// Loads the data and evaluates every subject in it, with the policy's stacking rules applied
/// to each subject (the policies they import are evaluated on the same data).
fn evaluate(
    policy: &Policy,
    checked: &Checked<'_>,
    data: &Path,
    args: &EvalArgs,
) -> Result<Evaluated, Diagnostics> {
    let imported = stack::imports(policy)?;
    let kind = kind_of(policy, data, args.kind.as_deref()).unwrap_or_default();
    let own_names = stack::data_names(policy, &kind);
    let others = stack::imported_names(policy, &kind);
    let loaded =
        load(policy, checked, data, args.kind.as_deref(), args.year, &args.params, &others)?;
    let ev = Evaluator::new(policy, checked, loaded.subject, loaded.params.clone());
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
        for rule in stack::stack_rules(policy) {
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
    let local = |award: &str| stack::amounts(checked, &outcomes, award);
    let stacks = stack::apply(policy, &outcomes, &local, &imported_amounts);
    Ok((outcomes, stacks, diags))
}

/// The data's parameters, overridden by `--param NAME=VALUE`.
fn params(ds: &Dataset, given: &[String]) -> Result<BTreeMap<String, Value>, Diagnostics> {
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
        match param_value(text.trim()) {
            Some(v) => {
                map.insert(name.trim().to_string(), v);
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

/// `90分`, `6.5%`, `5万元`, `是`: a parameter value given on the command line.
fn param_value(text: &str) -> Option<Value> {
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

/// Writes the report to `path` through a temporary file renamed into place, refusing to
/// overwrite an input.
fn write_out(
    path: &Path,
    body: &str,
    inputs: &[PathBuf],
    data: Option<&Path>,
) -> Result<(), Box<Diagnostic>> {
    let name = path.display().to_string();
    let file: Arc<SourceFile> = SourceFile::new(name.clone(), "");
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    };
    if inputs.iter().map(PathBuf::as_path).chain(data).any(|i| same(i, path)) {
        return Err(Box::new(
            Diagnostic::new(
                Code::Io,
                Text::new(
                    format!("`--out {name}` 会覆盖输入文件"),
                    format!("`--out {name}` would overwrite an input"),
                ),
            )
            .at(Loc::new(&file, Span::default()), Text::new("输出文件", "output file"))
            .help(Text::new("换一个输出文件名", "choose another output file")),
        ));
    }
    let tmp = path.with_extension(format!(
        "{}.tmp",
        path.extension().and_then(|e| e.to_str()).unwrap_or("out")
    ));
    std::fs::write(&tmp, body).and_then(|()| std::fs::rename(&tmp, path)).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Box::new(
            Diagnostic::new(
                Code::Io,
                Text::new(format!("无法写入 `{name}`：{e}"), format!("cannot write `{name}`: {e}")),
            )
            .at(Loc::new(&file, Span::default()), Text::new("输出文件", "output file")),
        )
    })
}

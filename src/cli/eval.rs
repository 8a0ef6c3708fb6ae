//! `zhengce eval PATH...`: evaluate policies against subject data and report every outcome.
//!
//! For each policy file, the data is `--data FILE`, or else its bundled sample data: the files
//! beside it named `NAME.SUBJECT.{toml,csv,json,xlsx}`, where `SUBJECT` is one of the policy's
//! subject kinds (`policies/provincial.县.toml`). The report goes to standard output (or
//! `--out FILE`), diagnostics to standard error.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::{EvalArgs, ReportFormat};
use super::output::{cannot_write, write_out};
use super::{Settings, Status, emit, files};
use crate::ast::Policy;
use crate::checker::{Checked, check};
use crate::diagnostics::render::render;
use crate::diagnostics::suggest::{did_you_mean, help_text};
use crate::diagnostics::{Code, Diagnostics, Lang, Severity, Text};
pub(super) use crate::engine::load::{kind_of, load, no_subject, param_value, params, usage};
use crate::engine::{Options, evaluate};
use crate::report::{self, Report};

/// What the engine evaluates, from `eval`'s arguments.
pub(super) fn options(args: &EvalArgs) -> Options {
    Options {
        kind: args.kind.clone(),
        subject: args.subject.clone(),
        year: args.year,
        params: args.params.clone(),
        working: wants_working(args),
        outside_validity: args.outside_validity,
    }
}

/// Whether the report shows the working: `--working` in the text and JSON reports (CSV when
/// `--columns` names a value: [`value_columns`]). Only when asked for: it costs a walk over
/// every formula of every subject's rules.
pub(super) fn wants_working(args: &EvalArgs) -> bool {
    args.working
        && matches!(args.format, ReportFormat::Text | ReportFormat::Json | ReportFormat::Jsonl)
}

/// The rules the policy reports per subject, by name: the columns of the tabular reports.
fn rule_columns<'c>(checked: &'c Checked<'_>) -> Vec<&'c str> {
    checked
        .scope
        .defs
        .iter()
        .filter(|d| d.subject.is_some())
        .filter(|d| match d.source {
            crate::checker::scope::DefSource::Item(i) => i.node.kind.is_rule(),
            crate::checker::scope::DefSource::Field(_) => false,
        })
        .map(|d| d.name.as_str())
        .collect()
}

/// The names of `--columns` that are values of the working rather than rules
/// (`科技成果转化补助.比例`, a field, a parameter): the CSV report then carries the working.
pub(super) fn value_columns(checked: &Checked<'_>, names: &[String]) -> Vec<String> {
    let rules = rule_columns(checked);
    names
        .iter()
        .filter(|n| !rules.contains(&n.as_str()) && !crate::register::out::is_total_name(n))
        .cloned()
        .collect()
}

/// `ZC0909` for each value column that no subject's working names (a few names are given only
/// where they apply, such as the exception that applied to an item).
fn unknown_values(
    checked: &Checked<'_>,
    names: &[String],
    outcomes: &[crate::eval::outcome::SubjectOutcome],
) -> Diagnostics {
    if outcomes.is_empty() {
        return Diagnostics::new();
    }
    let known: Vec<&str> = outcomes
        .iter()
        .flat_map(|o| o.values.iter().map(|v| v.name.as_str()))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut out = Vec::new();
    for name in value_columns(checked, names).iter().filter(|n| !known.contains(&n.as_str())) {
        let help = help_text(&did_you_mean(name, known.iter().copied())).unwrap_or_else(|| {
            Text::new(
                "列可以是按主体报告的规则，或计算过程中的数值（见 `eval --format json --working` 的 `values`）",
                "a column is a rule reported per subject or a value of the working (the `values` of `eval --format json --working`)",
            )
        });
        out.extend(
            about_option(
                "--columns",
                Code::UnknownColumn,
                Text::new(
                    format!("计算过程中没有名为 `{name}` 的数值"),
                    format!("the working names no value `{name}`"),
                ),
                help,
            )
            .sorted(),
        );
    }
    out.into()
}

/// Data file extensions, in the order sample data is looked for.
const DATA_EXTENSIONS: [&str; 5] = ["toml", "csv", "json", "xlsx", "parquet"];

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
    if args.working && !wants_working(args) {
        return fail(
            bad_options(
                "--working",
                Text::new(
                    "`--working` 只用于文本和 JSON 报告（`--format text`、`json`、`jsonl`）",
                    "`--working` applies to the text and JSON reports only (`--format text`, `json`, `jsonl`)",
                ),
                Text::new(
                    "CSV 报告用 `--columns` 列出要看的数值（如 `--columns 科技成果转化补助.比例`）；计算依据（`--format basis`）已有计算过程",
                    "in the CSV report, name the values with `--columns` (e.g. `--columns 科技成果转化补助.比例`); the basis (`--format basis`) shows the arithmetic already",
                ),
            ),
            err,
        );
    }
    let years = match args.years.as_deref().map(parse_years) {
        None => None,
        Some(Some(y)) => Some(y),
        Some(None) => {
            return fail(
                bad_options(
                    "--years",
                    Text::new(
                        format!(
                            "`--years {}` 不是年份区间",
                            args.years.as_deref().unwrap_or_default()
                        ),
                        format!(
                            "`--years {}` is not a span of years",
                            args.years.as_deref().unwrap_or_default()
                        ),
                    ),
                    Text::new(
                        format!("写成 `起..止`，如 `--years 2023..2025`，最多 {MAX_SPAN} 年"),
                        format!(
                            "write `FROM..TO`, e.g. `--years 2023..2025`, at most {MAX_SPAN} years"
                        ),
                    ),
                ),
                err,
            );
        }
    };
    if years.is_some()
        && (!matches!(args.format, ReportFormat::Text | ReportFormat::Json)
            || !args.columns.is_empty()
            || args.only_paid.is_some()
            || args.working)
    {
        return fail(
            bad_options(
                "--years",
                Text::new(
                    "`--years` 给出文本或 JSON 报告（`--format text`、`json`），不与 `--columns`、`--only-paid`、`--working` 同用",
                    "`--years` gives a text or JSON report (`--format text`, `json`), without `--columns`, `--only-paid` or `--working`",
                ),
                Text::new(
                    "去掉其他选项；某一年的完整报告用 `--year 年份`",
                    "drop the other options; for one year's full report use `--year YEAR`",
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
        let mut unknown = unknown_columns(&checked, &args.columns);
        if let Some(award) = &args.only_paid {
            unknown.extend(unknown_award(&policy, &checked, award));
        }
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
        if let Some(years) = &years {
            for data in data_files {
                inputs.push(data.clone());
                let (rendered, d) = by_years(&policy, &checked, &data, args, years, settings.lang);
                if d.has_errors() {
                    let usage = d.iter().any(|x| x.code == Code::Io);
                    status = worse(status, if usage { Status::Usage } else { Status::Errors });
                }
                for x in d.sorted() {
                    if !diags.iter().any(|y| *y == x) {
                        diags.push(x);
                    }
                }
                reports.extend(rendered.map(Rendered::Text));
            }
            continue;
        }
        if super::stream::applies(args, loaded.sources.len())
            && let Some(data) = data_files.first()
        {
            inputs.push(data.clone());
            if let super::stream::Streamed::Done { diags: d, usage } =
                super::stream::run(&policy, &checked, data, args, &inputs, settings.lang)
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
            let mut opts = options(args);
            opts.working |= !value_columns(&checked, &args.columns).is_empty();
            match evaluate(&policy, &checked, &data, &opts, basis, None) {
                Ok((outcomes, stacks, rows, eval_diags)) => {
                    let unknown = unknown_values(&checked, &args.columns, &outcomes);
                    if !unknown.is_empty() {
                        diags.extend(unknown);
                        status = worse(status, Status::Usage);
                        continue;
                    }
                    let (outcomes, stacks, rows) = match &args.only_paid {
                        Some(award) => only_paid(&policy, &checked, award, outcomes, stacks, rows),
                        None => (outcomes, stacks, rows),
                    };
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
                    // Missing results read 「缺数据」 in the reports a leader reads, and make
                    // their totals incomplete: said once.
                    let mut csv = None;
                    let missing = match args.format {
                        ReportFormat::Csv => {
                            let (bytes, sums) = report::csv_counted(&r, &args.columns);
                            csv = Some(String::from_utf8(bytes).unwrap_or_default());
                            csv_missing(&r, &args.columns, &sums)
                        }
                        // JSON's nulls say it; under `--strict` the warning says why the exit
                        // status is 1.
                        ReportFormat::Json | ReportFormat::Jsonl if !args.strict => (Vec::new(), 0),
                        _ => r.missing(),
                    };
                    if let Some(w) =
                        report::missing_warning(&policy, &checked, &missing.0, missing.1)
                    {
                        diags.push(w);
                    }
                    reports.push(match args.format {
                        ReportFormat::Text => Rendered::Text(report::text(&r, lang)),
                        ReportFormat::Json => Rendered::Text(report::json(&r)),
                        ReportFormat::Jsonl => Rendered::Text(report::jsonl(&r)),
                        ReportFormat::Markdown => Rendered::Text(report::markdown(&r, lang)),
                        ReportFormat::Csv => Rendered::Text(csv.unwrap_or_default()),
                        ReportFormat::Basis => {
                            Rendered::Text(report::basis::markdown(&r, &rows, lang))
                        }
                        ReportFormat::Xlsx => match report::xlsx(&r, &rows, lang) {
                            Ok(bytes) => Rendered::Book(bytes),
                            Err(e) => {
                                let d = xlsx_failure(&e, &data, args.out.as_deref());
                                // A register too large is an error of the data, as when
                                // streamed; a workbook that cannot be written, of usage.
                                let usage = d.code == Code::Io;
                                diags.push(d);
                                status = worse(
                                    status,
                                    if usage { Status::Usage } else { Status::Errors },
                                );
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
                    // The same refusal for each data file of a policy (a year outside its
                    // validity period) is said once.
                    for x in d.sorted() {
                        if !diags.iter().any(|y| *y == x) {
                            diags.push(x);
                        }
                    }
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
    // `--strict`: a report with a result missing data (ZC0708, in memory or streamed) is
    // partial.
    if args.strict && diags.iter().any(|d| d.code == Code::MissingResults) {
        status = worse(status, Status::Errors);
    }
    if !diags.is_empty() {
        let sorted = diags.sorted();
        emit(err, &render(&sorted, settings.lang, settings.format, &settings.style));
    }
    status
}

/// The most years `--years` spans.
const MAX_SPAN: u16 = 50;

/// The years of `--years FROM..TO` (`2023..2025`, or `2023-2025`), in order; `None` when the
/// text is no such span, runs backwards or spans more than [`MAX_SPAN`] years.
fn parse_years(text: &str) -> Option<Vec<u16>> {
    let (from, to) = text.split_once("..").or_else(|| text.split_once('-'))?;
    let (from, to): (u16, u16) = (from.trim().parse().ok()?, to.trim().parse().ok()?);
    (from <= to && to - from < MAX_SPAN).then(|| (from..=to).collect())
}

/// `--years`: the data evaluated in each year of the span as `--year` evaluates it, and the
/// report of each award's amounts by year ([`report::years`]); with every year's diagnostics,
/// each said once.
fn by_years(
    policy: &Policy,
    checked: &Checked<'_>,
    data: &Path,
    args: &EvalArgs,
    years: &[u16],
    lang: Lang,
) -> (Option<String>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut by_year = Vec::new();
    for year in years {
        let opts = Options { year: Some(*year), ..options(args) };
        match evaluate(policy, checked, data, &opts, false, None) {
            Ok((outcomes, _, _, d)) => {
                diags.extend(d);
                by_year.push((*year, outcomes));
            }
            Err(d) => diags.extend(d),
        }
    }
    if diags.has_errors() {
        return (None, diags);
    }
    let r = report::years::YearsReport::new(policy, checked, &by_year);
    let text = match args.format {
        ReportFormat::Json => r.json(),
        _ => r.text(lang),
    };
    (Some(text), diags)
}

/// The awards and stacking rules `--only-paid` may name.
fn paid_names(policy: &Policy, checked: &Checked<'_>) -> Vec<String> {
    let mut out: Vec<String> = checked
        .scope
        .defs
        .iter()
        .enumerate()
        .filter(|(id, d)| d.subject.is_some() && report::money_award(checked, *id))
        .map(|(_, d)| d.name.clone())
        .collect();
    for kind in policy.subject_names() {
        for s in crate::eval::stack::stack_rules(policy, kind) {
            out.push(s.name.node.clone());
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// `ZC0909` when `--only-paid` names no award or stacking rule of the policy.
fn unknown_award(policy: &Policy, checked: &Checked<'_>, award: &str) -> Diagnostics {
    let known = paid_names(policy, checked);
    if award.is_empty()
        || crate::register::out::is_total_name(award)
        || known.iter().any(|k| k == award)
    {
        return Diagnostics::new();
    }
    let help =
        help_text(&did_you_mean(award, known.iter().map(String::as_str))).unwrap_or_else(|| {
            Text::new(
                format!("可用的奖励和叠加规则：{}；不写名称则按每个主体的合计", known.join("、")),
                format!(
                    "the awards and stacking rules are: {}; without a name, each subject's total",
                    known.join(", ")
                ),
            )
        });
    about_option(
        "--only-paid",
        Code::UnknownColumn,
        Text::new(
            format!("政策中没有按主体发放的奖励或叠加规则 `{award}`"),
            format!("the policy pays no award or stacking rule `{award}` per subject"),
        ),
        help,
    )
}

/// The subjects that receive more than 0 from `award` (an award, a stacking rule, or empty for
/// the subject's total), with their stacking results and basis rows.
fn only_paid(
    policy: &Policy,
    checked: &Checked<'_>,
    award: &str,
    outcomes: Vec<crate::eval::outcome::SubjectOutcome>,
    stacks: Vec<Vec<crate::eval::stack::StackOutcome>>,
    rows: Vec<report::basis::BasisRow>,
) -> (
    Vec<crate::eval::outcome::SubjectOutcome>,
    Vec<Vec<crate::eval::stack::StackOutcome>>,
    Vec<report::basis::BasisRow>,
) {
    let r = Report { policy, checked, outcomes: &outcomes, stacks: &stacks };
    let parts = r.total_parts();
    let positive =
        |a: Option<rust_decimal::Decimal>| a.is_some_and(|a| a > rust_decimal::Decimal::ZERO);
    let keep: Vec<bool> = (0..outcomes.len())
        .map(|i| {
            if award.is_empty() || crate::register::out::is_total_name(award) {
                return positive(parts.total(&r, i));
            }
            let own = outcomes.get(i).and_then(|o| {
                o.rules
                    .iter()
                    .filter(|x| r.name(x.def) == award && report::money_award(checked, x.def))
                    .find_map(|x| crate::eval::stack::money(&x.value))
            });
            // An award a stacking rule takes receives what the rule pays of it (nothing on the
            // lower side of 就高不重复, only what it adds to an amount already received; unknown
            // when that amount is missing), the least under several rules, as the totals count.
            let taken: Vec<Option<rust_decimal::Decimal>> = stacks
                .get(i)
                .map(|s| s.iter().flat_map(|s| &s.members).filter(|m| m.name == award))
                .into_iter()
                .flatten()
                .map(|m| m.paid)
                .collect();
            let own = if taken.is_empty() {
                own
            } else {
                taken.into_iter().collect::<Option<Vec<_>>>().and_then(|p| p.into_iter().min())
            };
            let stacked = stacks
                .get(i)
                .and_then(|s| s.iter().find(|s| s.rule == award))
                .and_then(|s| s.total);
            positive(own) || positive(stacked)
        })
        .collect();
    let kept: std::collections::BTreeSet<&str> =
        outcomes.iter().zip(&keep).filter(|(_, k)| **k).map(|(o, _)| o.key.as_str()).collect();
    let rows = rows.into_iter().filter(|b| kept.contains(b.subject.as_str())).collect();
    let mut flags = keep.iter();
    let stacks_kept: Vec<_> = if stacks.is_empty() {
        stacks
    } else {
        let mut f = keep.iter();
        stacks.into_iter().filter(|_| f.next().copied().unwrap_or(false)).collect()
    };
    let outcomes =
        outcomes.into_iter().filter(|_| flags.next().copied().unwrap_or(false)).collect();
    (outcomes, stacks_kept, rows)
}

/// The missing results of a CSV report, by the rule of each column written.
fn csv_missing(
    r: &Report<'_, '_>,
    only: &[String],
    sums: &crate::register::out::Sums,
) -> (Vec<(crate::checker::scope::DefId, u64)>, u64) {
    let layout = report::csv_layout(r, only);
    let defs = r.subject_columns();
    let by_rule = layout
        .picks
        .iter()
        .zip(&sums.missing)
        .filter(|(_, n)| **n > 0)
        .filter_map(|(i, n)| Some((*defs.get(*i)?, *n)))
        .chain(layout.stack_missing(sums))
        .collect();
    (by_rule, sums.missing_rows)
}

/// A [`Code::BadOptions`] diagnostic about the option `option`.
pub(super) fn bad_options(option: &str, message: Text, help: Text) -> Diagnostics {
    about_option(option, Code::BadOptions, message, help)
}

/// A usage diagnostic about the option `option`, with its code.
pub(super) fn about_option(option: &str, code: Code, message: Text, help: Text) -> Diagnostics {
    let mut d = usage(option, message, help).sorted();
    for x in &mut d {
        x.code = code;
        x.severity = code.severity();
    }
    d.into()
}

/// `ZC0909` for each name of `--columns` that is not a rule the policy reports per subject, nor
/// a name of the working (a part of a rule, `规则.部分`, or a definition: checked against the
/// working once evaluated, [`unknown_values`]).
fn unknown_columns(checked: &Checked<'_>, names: &[String]) -> Diagnostics {
    let known = rule_columns(checked);
    let mut out = Vec::new();
    let total = crate::register::out::is_total_name;
    let working = |n: &str| n.contains('.') || checked.scope.defs.iter().any(|d| d.name == n);
    for name in names.iter().filter(|n| !known.contains(&n.as_str()) && !total(n) && !working(n)) {
        let help = help_text(&did_you_mean(name, known.iter().copied())).unwrap_or_else(|| {
            Text::new(
                format!("可用的列：{}，以及每个主体的 `合计`", known.join("、")),
                format!("the columns are: {}, and each subject's `合计`", known.join(", ")),
            )
        });
        out.extend(
            about_option(
                "--columns",
                Code::UnknownColumn,
                Text::new(
                    format!("政策中没有按主体报告的规则 `{name}`"),
                    format!("the policy reports no rule `{name}` per subject"),
                ),
                help,
            )
            .sorted(),
        );
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

/// The sample data files of a policy: `NAME.SUBJECT.ext` beside it, for its subject kinds. A
/// member kind's file (`NAME.转化项目.toml`) is not one of them: it is read with its owners'
/// data, whose rules aggregate over it, and its own rules may read its owner's fields, which a
/// member evaluated alone does not have.
pub(super) fn sample_data(policy_path: &Path, policy: &Policy) -> Vec<PathBuf> {
    let (Some(dir), Some(stem)) =
        (policy_path.parent(), policy_path.file_stem().and_then(|s| s.to_str()))
    else {
        return Vec::new();
    };
    let members: Vec<&str> = policy
        .items
        .iter()
        .filter_map(|i| match &i.node.kind {
            crate::ast::ItemKind::Subject(s) if s.owner.is_some() => Some(s.name.node.as_str()),
            _ => None,
        })
        .collect();
    let mut found = Vec::new();
    for subject in policy.subject_names().into_iter().filter(|s| !members.contains(s)) {
        for ext in DATA_EXTENSIONS {
            let p = dir.join(format!("{stem}.{subject}.{ext}"));
            if p.is_file() {
                found.push(p);
            }
        }
    }
    found
}

/// The diagnostic of an xlsx report not written: a register larger than a sheet (`ZC0915`), or
/// the workbook that cannot be written.
pub fn xlsx_failure(
    e: &report::xlsx::Failure,
    data: &Path,
    out: Option<&Path>,
) -> crate::diagnostics::Diagnostic {
    match (e.diagnostic(&data.display().to_string()), e) {
        (Some(d), _) => d,
        (None, report::xlsx::Failure::Xlsx(x)) => cannot_write(out, &x.to_string()),
        (None, _) => cannot_write(out, "the workbook"),
    }
}

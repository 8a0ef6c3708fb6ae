//! `zhengce test [PATH...]`: run the test cases and check the outcome snapshots kept beside
//! each policy.
//!
//! For a policy `NAME.zc`, the cases are in `NAME.test.toml` and the snapshot in
//! `NAME.snap.json` (the format is described in `docs/testing.md`). Each case evaluates the policy
//! on one data file with the eval machinery and compares the rules it names exactly, numbers in
//! base units. The snapshot records every rule's value (as in the JSON report) for every subject
//! of every sample data file; `--bless` writes it. One line per case and snapshot is printed,
//! then a summary whose last line is `N passed, N failed` (`, N skipped` when any were skipped).
//!
//! Exit status: 1 when a case or snapshot fails or a policy has errors, 2 for a usage or file
//! problem (including an unreadable test file or a case that cannot run), else 0.

use crate::limits::{MAX_DATA_BYTES, ReadError, file_too_large, read_text};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Map, Value as J, json};

use super::args::TestArgs;
use super::eval::{param_value, sample_data};
use super::output::write_out;
use super::{Settings, Status, emit, files};
use crate::ast::Policy;
use crate::checker::{Checked, check};
use crate::data::Value;
use crate::diagnostics::render::render;
use crate::diagnostics::suggest::{did_you_mean, help_text};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Lang, Severity, Text};
use crate::engine::{Options, evaluate};
use crate::eval::coverage::{Coverage, Site};
use crate::eval::value::V;
use crate::report::show::grouped;
use crate::report::{self, Report};
use crate::source::{Loc, SourceFile, Span};

/// A test file: `NAME.test.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestFile {
    #[serde(default)]
    case: Vec<Case>,
}

/// One `[[case]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    data: Option<String>,
    kind: Option<String>,
    year: Option<u16>,
    subject: String,
    #[serde(default)]
    param: BTreeMap<String, toml::Value>,
    expect: toml::Table,
}

/// The tally of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

/// What a run of the tests gives: the tally, one line per case and snapshot (`ok`/`FAILED`,
/// expected beside obtained where one fails) and the diagnostics.
pub struct TestRun {
    pub tally: Tally,
    pub lines: String,
    pub diags: Diagnostics,
}

/// Runs `test`.
pub fn run(
    args: &TestArgs,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Status {
    let lang = settings.lang;
    let TestRun { tally, mut lines, diags } = run_files(args, lang);
    let mut summary = format!("{} passed, {} failed", tally.passed, tally.failed);
    if tally.skipped > 0 {
        summary.push_str(&format!(", {} skipped", tally.skipped));
    }
    lines.push('\n');
    lines.push_str(&summary);
    lines.push('\n');
    emit(out, &lines);
    let status = status_of(tally, &diags);
    if !diags.is_empty() {
        emit(err, &render(&diags.sorted(), lang, settings.format, &settings.style));
    }
    status
}

/// The exit status of a run: 2 for a usage or file problem, 1 when a case or snapshot fails
/// or nothing was tested, else 0.
pub fn status_of(tally: Tally, diags: &Diagnostics) -> Status {
    let usage = diags.iter().any(|d| {
        d.severity == Severity::Error
            && d.code != Code::CoverageBelow
            && (super::check::is_usage_code(d.code) || d.code.id().starts_with("ZC08"))
    });
    let tested = tally.passed + tally.failed + tally.skipped > 0;
    if usage {
        Status::Usage
    } else if tally.failed > 0 || !tested {
        Status::Errors
    } else {
        Status::Ok
    }
}

/// Runs the cases and snapshots of the policies `args` names (with `--bless`, writes the
/// snapshots), in `lang`: the command's work without its output, for the workbench too.
pub fn run_files(args: &TestArgs, lang: Lang) -> TestRun {
    let paths =
        if args.paths.is_empty() { vec![PathBuf::from("policies")] } else { args.paths.clone() };
    let found = files::load(&paths);
    let mut diags = found.diagnostics;
    let mut tally = Tally::default();
    let mut lines = String::new();
    for source in &found.sources {
        let path = PathBuf::from(&source.name);
        let (policy, parse_diags) = crate::parser::parse(source);
        let errors: Vec<Diagnostic> =
            parse_diags.sorted().into_iter().filter(|d| d.severity == Severity::Error).collect();
        let Some(policy) = policy.filter(|_| errors.is_empty()) else {
            diags.extend(errors.into());
            tally.failed += 1;
            lines.push_str(&line(false, &source.name, &policy_errors(lang)));
            continue;
        };
        let (checked, check_diags) = check(&policy);
        if check_diags.has_errors() {
            let errors: Vec<Diagnostic> = check_diags
                .sorted()
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .collect();
            diags.extend(errors.into());
            tally.failed += 1;
            lines.push_str(&line(false, &source.name, &policy_errors(lang)));
            continue;
        }
        let coverage = args.coverage.then(Coverage::new);
        let ctx = Ctx {
            path: &path,
            home: args.against.as_deref().unwrap_or(&path),
            tests: args.tests.as_deref(),
            policy: &policy,
            checked: &checked,
            lang,
            coverage: coverage.as_ref(),
        };
        let before = tally.passed + tally.failed + tally.skipped;
        run_cases(&ctx, &mut tally, &mut lines, &mut diags);
        run_snapshot(&ctx, args.bless, &mut tally, &mut lines, &mut diags);
        if tally.passed + tally.failed + tally.skipped == before {
            diags.push(no_tests(&ctx));
            lines.push_str(&line(false, &source.name, &pick(lang, "没有测试", "no tests")));
        }
        if let Some(c) = &coverage {
            lines.push_str(&coverage_lines(&policy, c, lang));
            if let Some(min) = args.min
                && let Some(d) = below_min(&policy, c, min)
            {
                tally.failed += 1;
                lines.push_str(&line(false, &source.name, d.message.get(lang)));
                diags.push(d);
            }
        }
    }
    TestRun { tally, lines, diags }
}

/// A policy with no test file and no snapshot (none beside it, or beside the version
/// `--against` names): nothing was tested, which is said rather than passed over.
fn no_tests(ctx: &Ctx<'_, '_>) -> Diagnostic {
    let (cases, snap) = (
        ctx.tests.map_or_else(|| ctx.home.with_extension("test.toml"), Path::to_path_buf),
        ctx.home.with_extension("snap.json"),
    );
    let (name, cases, snap) = (ctx.path.display(), cases.display(), snap.display());
    diag(
        Code::NoTests,
        &ctx.policy.file,
        None,
        Text::new(
            format!("`{name}` 没有测试：没有用例文件 `{cases}`，也没有快照 `{snap}`（或没有样例数据可以快照）"),
            format!("`{name}` has no tests: no cases file `{cases}` and no snapshot `{snap}` (or no sample data to snapshot)"),
        ),
    )
    .help(Text::new(
        format!("改过的副本可以用原版的用例和快照检验，看哪些预期变了：`zhengce test {name} --against 原版.zc`；只用一个用例文件：`--tests 原版.test.toml`"),
        format!("to check a changed copy against the original's cases and snapshot, and see which expectations move: `zhengce test {name} --against ORIGINAL.zc`; with one cases file only: `--tests ORIGINAL.test.toml`"),
    ))
}

/// The policy whose sample data a case without `data` reads: for a cases file `--tests` names,
/// `NAME.test.toml`, the policy `NAME.zc` beside it; else `home`.
fn cases_home(ctx: &Ctx<'_, '_>) -> PathBuf {
    let named = ctx.tests.and_then(|t| {
        let name = t.file_name()?.to_str()?.strip_suffix(".test.toml")?;
        Some(t.with_file_name(format!("{name}.zc")))
    });
    named.unwrap_or_else(|| ctx.home.to_path_buf())
}

/// What every check of one policy needs.
struct Ctx<'a, 'p> {
    path: &'a Path,
    /// The policy whose test file, snapshot and sample data are used: `path` itself, or the
    /// version `--against` names.
    home: &'a Path,
    /// The cases file `--tests` names, instead of the one beside `home`.
    tests: Option<&'a Path>,
    policy: &'p Policy,
    checked: &'a Checked<'p>,
    lang: Lang,
    /// Where the branches the cases and snapshots take are recorded, with `--coverage`.
    coverage: Option<&'a Coverage>,
}

/// With `--coverage`: how many branches of `policy` the cases and snapshot took, then each one
/// they did not, at its line and column.
fn coverage_lines(policy: &Policy, coverage: &Coverage, lang: Lang) -> String {
    let (missing, total) = coverage.missing(policy);
    let name = &policy.file.name;
    let taken = total - missing.len();
    let mut out = if missing.is_empty() {
        pick(
            lang,
            &format!("覆盖    {name} 全部 {total} 个分支都已测试\n"),
            &format!("covered {name} all {total} branches exercised\n"),
        )
    } else {
        pick(
            lang,
            &format!("覆盖    {name} {taken}/{total} 个分支已测试，未覆盖：\n"),
            &format!("covered {name} {taken}/{total} branches exercised; not exercised:\n"),
        )
    };
    for site in &missing {
        let (line, col) = policy.file.line_col(site.span.start);
        let what = if lang == Lang::Zh { &site.what.zh } else { &site.what.en };
        out.push_str(&format!("        {name}:{line}:{col} `{}`: {what}\n", site.rule));
    }
    out
}

/// `ZC0805` when the share of `policy`'s branches exercised is below `min` percent: labelled
/// at the first branch not exercised.
fn below_min(policy: &Policy, coverage: &Coverage, min: Decimal) -> Option<Diagnostic> {
    let (missing, total) = coverage.missing(policy);
    let taken = total.saturating_sub(missing.len());
    let (t, n) = (Decimal::from(taken as u64), Decimal::from(total as u64));
    // taken / total < min / 100, without dividing.
    let below =
        t.checked_mul(Decimal::ONE_HUNDRED).zip(min.checked_mul(n)).is_some_and(|(a, b)| a < b);
    if !below {
        return None;
    }
    let pct = if total == 0 {
        Decimal::ZERO
    } else {
        t.checked_mul(Decimal::ONE_HUNDRED)
            .and_then(|x| x.checked_div(n))
            .map(|x| x.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::ToZero))
            .unwrap_or_default()
    };
    let (pct, min) = (pct.normalize(), min.normalize());
    let first = missing.first();
    let mut d = Diagnostic::new(
        Code::CoverageBelow,
        Text::new(
            format!("测试只走到 {taken}/{total} 个分支（{pct}%），低于 `--min {min}`"),
            format!("the tests exercise {taken} of {total} branches ({pct}%), below `--min {min}`"),
        ),
    )
    .help(Text::new(
        "为未覆盖的分支加用例（`--coverage` 列出了每一个），或降低 `--min`",
        "add cases for the branches not exercised (`--coverage` lists each), or lower `--min`",
    ));
    let (span, text) = match first {
        Some(site) => (
            site.span,
            Text::new(
                format!("未覆盖：{}", site.what.zh),
                format!("not exercised: {}", site.what.en),
            ),
        ),
        None => (Span::default(), Text::new("此政策", "this policy")),
    };
    d = d.at(Loc::new(&policy.file, span), text);
    Some(d)
}

fn policy_errors(lang: Lang) -> String {
    pick(lang, "政策有错误，见标准错误", "the policy has errors, see standard error")
}

fn pick(lang: Lang, zh: &str, en: &str) -> String {
    if lang == Lang::Zh { zh.to_string() } else { en.to_string() }
}

/// One result line.
fn line(ok: bool, policy: &str, what: &str) -> String {
    format!("{:<7} {policy} {what}\n", if ok { "ok" } else { "FAILED" })
}

/// A diagnostic of `code` about `file`, pointing at `span` when known.
fn diag(code: Code, file: &Arc<SourceFile>, span: Option<Span>, message: Text) -> Diagnostic {
    Diagnostic::new(code, message)
        .at(Loc::new(file, span.unwrap_or_default()), Text::new("此处", "here"))
}

/// Where `"needle"` (quoted) or `needle` first occurs in the text, after `from`.
fn find_span(text: &str, needle: &str, from: usize) -> Option<Span> {
    let rest = text.get(from..)?;
    let quoted = format!("\"{needle}\"");
    if let Some(i) = rest.find(&quoted) {
        return Some(Span::new(from + i, from + i + quoted.len()));
    }
    rest.find(needle).map(|i| Span::new(from + i, from + i + needle.len()))
}

/// The policy evaluated on one data file: the JSON report, parsed back; the errors of the
/// evaluation (a rule that could not be worked out: the data loaded), and which rules of which
/// subjects they stopped.
struct Evaluated {
    report: J,
    errors: Diagnostics,
    /// Each subject's rules that could not be worked out, by id and name.
    failed: BTreeSet<(String, String)>,
}

/// Evaluates the policy on one data file, the year by default the one `eval` takes. A data
/// file that cannot be loaded is `Err`; a rule that cannot be worked out is in
/// [`Evaluated::failed`], so that a case stops only on the rules it names.
fn eval_json(
    ctx: &Ctx<'_, '_>,
    data: &Path,
    kind: Option<String>,
    year: Option<u16>,
    params: Vec<String>,
    coverage: Option<&Coverage>,
) -> Result<Evaluated, Diagnostics> {
    // A case's year is evaluated as the case asks, in force or not (ZC0707 says which).
    let opts =
        Options { kind, subject: None, year, params, working: false, outside_validity: true };
    let (outcomes, stacks, _, diags) =
        evaluate(ctx.policy, ctx.checked, data, &opts, false, coverage)?;
    let errors: Diagnostics = diags
        .sorted()
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect::<Vec<_>>()
        .into();
    let failed = outcomes
        .iter()
        .flat_map(|o| {
            o.rules.iter().filter(|r| matches!(r.detail, crate::eval::outcome::Detail::Failed)).map(
                |r| {
                    (
                        o.key.clone(),
                        ctx.checked
                            .scope
                            .defs
                            .get(r.def)
                            .map(|d| d.name.clone())
                            .unwrap_or_default(),
                    )
                },
            )
        })
        .collect();
    let r =
        Report { policy: ctx.policy, checked: ctx.checked, outcomes: &outcomes, stacks: &stacks };
    let report = serde_json::from_str(&report::json(&r)).unwrap_or(J::Null);
    Ok(Evaluated { report, errors, failed })
}

/// A diagnostic of an evaluation in a test, its help in the test file's terms: a case gives its
/// year, parameters and kind as `year = 2024`, `[case.param]` and `kind = "企业"`, not as flags.
fn in_test_terms(mut d: Diagnostic) -> Diagnostic {
    if let Some(h) = &d.help {
        let (zh, en) = (test_terms(&h.zh, Lang::Zh), test_terms(&h.en, Lang::En));
        if zh != h.zh || en != h.en {
            d.help = Some(Text::new(
                format!("{zh}（写在测试文件的这个用例里）"),
                format!("{en} (in the case, in the test file)"),
            ));
        }
    }
    d
}

/// `--year 2024` → `year = 2024`, `--param 名称=…` → `[case.param]` `名称 = "…"`, `--kind 企业`
/// → `kind = "企业"`, each within backticks.
fn test_terms(text: &str, lang: Lang) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("`--") {
        out.push_str(rest.get(..at).unwrap_or_default());
        let after = rest.get(at + 3..).unwrap_or_default();
        let Some(end) = after.find('`') else {
            out.push_str(rest.get(at..).unwrap_or_default());
            return out;
        };
        let token = after.get(..end).unwrap_or_default();
        let (flag, value) = token.split_once(' ').unwrap_or((token, ""));
        let replaced = match (flag, value) {
            ("year", "") => Some(pick(lang, "`year = 年份`", "`year = YEAR`")),
            ("year", y) => Some(format!("`year = {y}`")),
            ("kind", "") => Some(pick(lang, "`kind = \"主体类别\"`", "`kind = \"KIND\"`")),
            ("kind", k) => Some(format!("`kind = \"{k}\"`")),
            ("param", p) => {
                let (name, value) = p.split_once('=').unwrap_or((p, "…"));
                Some(format!("`[case.param]` `{name} = \"{value}\"`"))
            }
            _ => None,
        };
        match replaced {
            Some(r) => out.push_str(&r),
            None => {
                out.push_str("`--");
                out.push_str(token);
                out.push('`');
            }
        }
        rest = after.get(end + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// The rules of a report's JSON array as `name → value`.
fn rule_values(rules: Option<&J>) -> Map<String, J> {
    let mut map = Map::new();
    for rule in rules.and_then(J::as_array).map(Vec::as_slice).unwrap_or_default() {
        if let Some(name) = rule.get("name").and_then(J::as_str) {
            map.insert(name.to_string(), rule.get("value").cloned().unwrap_or(J::Null));
        }
    }
    map
}

/// The register-level figures of a report's pools, and the subject's claims, as `name → value`:
/// `POOL.总额`, `POOL.申领`, `POOL.实发`, `POOL.余额` (what rounding leaves unpaid; 0 when
/// nothing is cut) and `AWARD.申领` (the subject's claim before the cut; the award itself is
/// the amount after it), with the English names `total`, `claims`, `paid`, `remainder`,
/// `claimed`.
fn pool_values(pools: Option<&J>, rules: Option<&J>) -> Map<String, J> {
    let mut map = Map::new();
    let zero = serde_json::json!({ "number": "0", "unit": "元" });
    for p in pools.and_then(J::as_array).map(Vec::as_slice).unwrap_or_default() {
        let Some(name) = p.get("pool").and_then(J::as_str) else { continue };
        let remainder = p.get("remainder").filter(|r| !r.is_null()).unwrap_or(&zero);
        for (zh, en, v) in [
            ("总额", "total", p.get("total")),
            ("申领", "claims", p.get("claims")),
            ("实发", "paid", p.get("paid")),
            ("余额", "remainder", Some(remainder)),
        ] {
            let v = v.cloned().unwrap_or(J::Null);
            map.insert(format!("{name}.{zh}"), v.clone());
            map.insert(format!("{name}.{en}"), v);
        }
    }
    for rule in rules.and_then(J::as_array).map(Vec::as_slice).unwrap_or_default() {
        let (Some(name), Some(share)) = (
            rule.get("name").and_then(J::as_str),
            rule.get("detail").and_then(|d| d.get("pool")).filter(|p| !p.is_null()),
        ) else {
            continue;
        };
        let claimed = share.get("claimed").cloned().unwrap_or(J::Null);
        map.insert(format!("{name}.申领"), claimed.clone());
        map.insert(format!("{name}.claimed"), claimed);
    }
    map
}

/// A value of the JSON report as an officer reads it: `500,000 元`, `30%`, `是`, `优秀`.
fn shown(v: Option<&J>, lang: Lang) -> String {
    match v {
        None => pick(lang, "（无）", "(none)"),
        Some(J::Null) => pick(lang, "缺失", "missing"),
        Some(J::Bool(b)) => match (b, lang) {
            (true, Lang::Zh) => "是".to_string(),
            (false, Lang::Zh) => "否".to_string(),
            (b, _) => b.to_string(),
        },
        Some(J::String(s)) => s.clone(),
        Some(J::Object(o)) => {
            let n = o.get("number").and_then(J::as_str).and_then(|n| n.parse::<Decimal>().ok());
            let unit = o.get("unit").and_then(J::as_str).unwrap_or("");
            match (n, unit) {
                (Some(n), "ratio") => format!("{}%", (n * Decimal::ONE_HUNDRED).normalize()),
                (Some(n), "ratio_points") => {
                    let n = (n * Decimal::ONE_HUNDRED).normalize();
                    if lang == Lang::Zh {
                        format!("{n} 个百分点")
                    } else {
                        format!("{n} points")
                    }
                }
                (Some(n), "") => grouped(n),
                (Some(n), u) => format!("{} {u}", grouped(n)),
                (None, _) => J::Object(o.clone()).to_string(),
            }
        }
        Some(other) => other.to_string(),
    }
}

/// Whether an actual value equals an expected one: numbers exactly, as decimals in base units.
fn same(a: &J, b: &J) -> bool {
    match (a, b) {
        (J::Object(x), J::Object(y)) => {
            let num = |o: &Map<String, J>| {
                o.get("number").and_then(J::as_str).and_then(|n| n.parse::<Decimal>().ok())
            };
            num(x).is_some() && num(x) == num(y) && x.get("unit") == y.get("unit")
        }
        _ => a == b,
    }
}

/// The expected value written in a case, in the JSON report's form, judged by the actual value's
/// form: `"50万元"` for a number, `true` or `"是"` for a condition, a name for a grade.
fn expected(written: &toml::Value, actual: &J, ctx: &Ctx<'_, '_>) -> Option<J> {
    use toml::Value as T;
    match (written, actual) {
        (T::Boolean(b), _) => Some(J::Bool(*b)),
        (T::Integer(i), _) => number(&i.to_string(), ctx),
        (T::Float(f), _) => number(&f.to_string(), ctx),
        (T::String(s), J::Object(_)) => number(s, ctx),
        (T::String(s), J::Bool(_)) => match s.trim() {
            "是" | "true" => Some(J::Bool(true)),
            "否" | "false" => Some(J::Bool(false)),
            _ => None,
        },
        (T::String(s), J::Null) if matches!(s.trim(), "缺失" | "missing") => Some(J::Null),
        (T::String(s), _) => Some(J::String(s.clone())),
        _ => None,
    }
}

/// `50万元`, `500,000元`, `30%`, `1200㎡`: a number in the JSON report's form.
fn number(text: &str, ctx: &Ctx<'_, '_>) -> Option<J> {
    let cleaned: String = text.chars().filter(|c| *c != ',' && *c != '，' && *c != ' ').collect();
    match param_value(&cleaned)? {
        Value::Number { value, dim } => {
            Some(crate::report::show::json(&V::Num(value, dim), &ctx.checked.scope))
        }
        _ => None,
    }
}

/// Reads and runs the cases of `NAME.test.toml`, if there is one.
fn run_cases(ctx: &Ctx<'_, '_>, tally: &mut Tally, lines: &mut String, diags: &mut Diagnostics) {
    // A file `--tests` names must be there: it is read, and a missing one is an error.
    let test_path =
        ctx.tests.map_or_else(|| ctx.home.with_extension("test.toml"), Path::to_path_buf);
    if ctx.tests.is_none() && !test_path.is_file() {
        return;
    }
    let name = ctx.path.display().to_string();
    let text = match read_text(&test_path, MAX_DATA_BYTES) {
        Ok(t) => t,
        Err(ReadError::Io(e)) => {
            diags.push(files::io_diagnostic(&test_path, &e));
            return;
        }
        Err(ReadError::TooLarge(size, max)) => {
            diags.push(file_too_large(&test_path.display().to_string(), size, max));
            return;
        }
    };
    let file = SourceFile::new(test_path.display().to_string(), text.clone());
    let parsed: TestFile = match toml::from_str(&text) {
        Ok(t) => t,
        Err(e) => {
            let span = e.span().map(|r| Span::new(r.start, r.end));
            let why = e.message().trim().to_string();
            diags.push(
                diag(
                    Code::TestFile,
                    &file,
                    span,
                    Text::new(
                        format!("测试文件 `{}` 格式有误：{why}", file.name),
                        format!("the test file `{}` is malformed: {why}", file.name),
                    ),
                )
                .help(Text::new(
                    "每个 `[[case]]` 需要 `name`、`subject` 和 `[case.expect]`；格式见 docs/testing.md",
                    "every `[[case]]` needs `name`, `subject` and `[case.expect]`; see docs/testing.md",
                )),
            );
            tally.failed += 1;
            let what = format!("{} {}", pick(ctx.lang, "测试文件", "test file"), file.name);
            lines.push_str(&line(false, &name, &what));
            return;
        }
    };
    let dir = test_path.parent().unwrap_or(Path::new("."));
    let mut cursor = 0;
    // Each data file that does not exist: where the first case names it, and how many do.
    let mut missing: BTreeMap<PathBuf, (Option<Span>, String, usize)> = BTreeMap::new();
    for case in &parsed.case {
        cursor = find_span(&text, &case.name, cursor).map_or(cursor, |s| s.end);
        let what = format!("{} “{}”", pick(ctx.lang, "用例", "case"), case.name);
        let data = match case_data(ctx, case, dir, &file, cursor) {
            Ok(d) => d,
            Err(d) => {
                tally.failed += 1;
                lines.push_str(&line(false, &name, &what));
                lines.push_str(&reason(&d, ctx.lang));
                diags.extend(d);
                continue;
            }
        };
        if !data.is_file() {
            tally.failed += 1;
            lines.push_str(&line(false, &name, &what));
            let shown = data.display();
            lines.push_str(&format!(
                "    {}\n",
                pick(
                    ctx.lang,
                    &format!("数据文件 `{shown}` 不存在"),
                    &format!("the data file `{shown}` does not exist")
                )
            ));
            let needle = case.data.as_deref().unwrap_or(&case.name);
            let entry = missing
                .entry(data.clone())
                .or_insert_with(|| (find_span(&file.text, needle, cursor), needle.to_string(), 0));
            entry.2 += 1;
            continue;
        }
        match run_case(ctx, case, &data, &file, cursor) {
            Ok(diffs) if diffs.is_empty() => {
                tally.passed += 1;
                lines.push_str(&line(true, &name, &what));
            }
            Ok(diffs) => {
                tally.failed += 1;
                lines.push_str(&line(false, &name, &what));
                for d in diffs {
                    lines.push_str(&format!("    {d}\n"));
                }
            }
            Err(d) => {
                tally.failed += 1;
                lines.push_str(&line(false, &name, &what));
                lines.push_str(&reason(&d, ctx.lang));
                diags.extend(d);
            }
        }
    }
    for (data, (span, _, count)) in missing {
        let shown = data.display().to_string();
        diags.push(
            diag(
                Code::TestCase,
                &file,
                span,
                Text::new(
                    format!("数据文件 `{shown}` 不存在，{count} 个用例用到它"),
                    format!(
                        "the data file `{shown}` does not exist; {count} case{} use{} it",
                        if count == 1 { "" } else { "s" },
                        if count == 1 { "s" } else { "" }
                    ),
                ),
            )
            .help(Text::new(
                "数据文件的路径相对于测试文件；改正路径（或把文件放回原处）后这些用例一起恢复",
                "the data path is relative to the test file; with the path corrected (or the file put back) these cases run again",
            )),
        );
    }
}

/// The line under a case that could not run: why, in one sentence (the diagnostics follow on
/// standard error).
fn reason(d: &Diagnostics, lang: Lang) -> String {
    let sorted = d.clone().sorted();
    match sorted.first() {
        Some(first) => {
            let more = sorted.len() - 1;
            let tail = match (more, lang) {
                (0, _) => String::new(),
                (n, Lang::Zh) => format!("（另有 {n} 条，见标准错误）"),
                (n, Lang::En) => format!(" ({n} more on standard error)"),
            };
            format!("    {} {}{tail}\n", first.code.id(), first.message.get(lang))
        }
        None => String::new(),
    }
}

/// The data file of a case: its `data`, relative to the test file, else the policy's only sample
/// data file.
fn case_data(
    ctx: &Ctx<'_, '_>,
    case: &Case,
    dir: &Path,
    file: &Arc<SourceFile>,
    at: usize,
) -> Result<PathBuf, Diagnostics> {
    match &case.data {
        Some(d) => Ok(dir.join(d)),
        None => match sample_data(&cases_home(ctx), ctx.policy).as_slice() {
            [one] => Ok(one.clone()),
            _ => Err(vec![
                diag(
                    Code::TestCase,
                    file,
                    find_span(&file.text, &case.name, at),
                    Text::new(
                        format!("用例“{}”没有写 `data`，而政策旁边没有唯一的一份样例数据", case.name),
                        format!(
                            "case “{}” names no `data`, and the policy has no single sample data file",
                            case.name
                        ),
                    ),
                )
                .help(Text::new("写上 `data = \"数据文件\"`", "add `data = \"FILE\"`")),
            ]
            .into()),
        },
    }
}

/// Runs one case; the differences found, one line each.
fn run_case(
    ctx: &Ctx<'_, '_>,
    case: &Case,
    data: &Path,
    file: &Arc<SourceFile>,
    at: usize,
) -> Result<Vec<String>, Diagnostics> {
    let bad = |needle: &str, zh: String, en: String, help: Option<Text>| -> Diagnostics {
        let mut d =
            diag(Code::TestCase, file, find_span(&file.text, needle, at), Text::new(zh, en));
        if let Some(h) = help {
            d = d.help(h);
        }
        vec![d].into()
    };
    let params: Vec<String> = case
        .param
        .iter()
        .map(|(k, v)| match v {
            toml::Value::String(s) => format!("{k}={s}"),
            other => format!("{k}={other}"),
        })
        .collect();
    let evaluated = eval_json(ctx, data, case.kind.clone(), case.year, params, ctx.coverage)
        .map_err(|d| {
            Diagnostics::from(d.sorted().into_iter().map(in_test_terms).collect::<Vec<_>>())
        })?;
    let report = &evaluated.report;
    let subjects =
        report.get("subjects").and_then(J::as_array).map(Vec::as_slice).unwrap_or_default();
    let Some(subject) =
        subjects.iter().find(|s| s.get("id").and_then(J::as_str) == Some(case.subject.as_str()))
    else {
        let keys = subjects.iter().filter_map(|s| s.get("id").and_then(J::as_str));
        let help = help_text(&did_you_mean(&case.subject, keys));
        return Err(bad(
            &case.subject,
            format!("数据 `{}` 中没有主体 `{}`", data.display(), case.subject),
            format!("the data `{}` has no subject `{}`", data.display(), case.subject),
            help,
        ));
    };
    let mut values = rule_values(report.get("policy_rules"));
    values.extend(rule_values(subject.get("rules")));
    values.extend(pool_values(report.get("pools"), subject.get("rules")));
    // The case stands on the rules it names: another rule that cannot be worked out for this
    // subject (or any rule of another subject) does not stop it.
    let stopped: Vec<&String> = case
        .expect
        .keys()
        .filter(|rule| {
            evaluated.failed.contains(&(case.subject.clone(), (*rule).clone()))
                || evaluated.failed.iter().any(|(_, r)| r == *rule && is_policy_level(ctx, r))
        })
        .collect();
    if !stopped.is_empty() {
        let spans: Vec<Span> = stopped.iter().filter_map(|rule| item_span(ctx, rule)).collect();
        let about = |d: &Diagnostic| {
            d.labels.iter().any(|l| {
                l.loc.file.name == ctx.policy.file.name
                    && spans.iter().any(|s| s.start <= l.loc.span.start && l.loc.span.end <= s.end)
            }) && (d.message.zh.contains(&case.subject) || !d.message.zh.contains("主体 `"))
        };
        let mine: Vec<Diagnostic> = evaluated.errors.iter().filter(|d| about(d)).cloned().collect();
        let chosen: Vec<Diagnostic> =
            if mine.is_empty() { evaluated.errors.iter().cloned().collect() } else { mine };
        let at_case = Loc::new(file, find_span(&file.text, &case.name, 0).unwrap_or_default());
        return Err(chosen
            .into_iter()
            .map(|d| in_test_terms(d).also(at_case.clone(), Text::new("这个用例", "this case")))
            .collect::<Vec<_>>()
            .into());
    }
    if case.expect.is_empty() {
        return Err(bad(
            &case.name,
            format!("用例“{}”的 `[case.expect]` 是空的", case.name),
            format!("case “{}” has an empty `[case.expect]`", case.name),
            None,
        ));
    }
    let mut diffs = Vec::new();
    let mut problems = Diagnostics::new();
    for (rule, written) in &case.expect {
        let Some(actual) = values.get(rule) else {
            let help = help_text(&did_you_mean(rule, values.keys().map(String::as_str)));
            problems.extend(bad(
                rule,
                format!("政策中没有规则 `{rule}`"),
                format!("the policy has no rule `{rule}`"),
                help,
            ));
            continue;
        };
        let Some(want) = expected(written, actual, ctx) else {
            problems.extend(bad(
                rule,
                format!("无法读取 `{rule}` 的期望值 `{written}`"),
                format!("cannot read the expected value `{written}` of `{rule}`"),
                Some(Text::new(
                    "金额、数量带单位写，如 `\"50万元\"`；条件写 true/false；等级写档次名",
                    "write amounts with a unit, e.g. `\"50万元\"`; conditions true/false; grades by name",
                )),
            ));
            continue;
        };
        if !same(actual, &want) {
            let (e, g) = (shown(Some(&want), ctx.lang), shown(Some(actual), ctx.lang));
            diffs.push(if ctx.lang == Lang::Zh {
                format!("{} {rule}: 期望 {e}，得到 {g}", case.subject)
            } else {
                format!("{} {rule}: expected {e}, got {g}", case.subject)
            });
        }
    }
    if problems.is_empty() { Ok(diffs) } else { Err(problems) }
}

/// Whether `rule` is a rule at the policy's top level (its value is the same for every subject).
fn is_policy_level(ctx: &Ctx<'_, '_>, rule: &str) -> bool {
    ctx.checked.scope.defs.iter().any(|d| d.name == rule && d.subject.is_none())
}

/// The span of the declaration of `rule`.
fn item_span(ctx: &Ctx<'_, '_>, rule: &str) -> Option<Span> {
    ctx.checked.scope.defs.iter().find(|d| d.name == rule).and_then(|d| match d.source {
        crate::checker::scope::DefSource::Item(i) => Some(i.span),
        crate::checker::scope::DefSource::Field(_) => None,
    })
}

/// Every rule's value for every subject of every sample data file, keyed by the data file's name.
/// The branches the sample data take are recorded in `coverage`.
fn outcomes(ctx: &Ctx<'_, '_>, coverage: &Coverage) -> Result<Option<J>, Diagnostics> {
    let data_files = sample_data(ctx.home, ctx.policy);
    if data_files.is_empty() {
        return Ok(None);
    }
    let terms = |d: Diagnostics| -> Diagnostics {
        d.sorted().into_iter().map(in_test_terms).collect::<Vec<_>>().into()
    };
    let mut data = Map::new();
    for file in &data_files {
        let evaluated =
            eval_json(ctx, file, None, None, Vec::new(), Some(coverage)).map_err(terms)?;
        if !evaluated.errors.is_empty() {
            return Err(terms(evaluated.errors));
        }
        let report = evaluated.report;
        let mut subjects = Map::new();
        for s in report.get("subjects").and_then(J::as_array).map(Vec::as_slice).unwrap_or_default()
        {
            let id = s.get("id").and_then(J::as_str).unwrap_or_default().to_string();
            let mut values = rule_values(s.get("rules"));
            values.extend(stacking_values(s.get("stacking")));
            subjects.insert(id, J::Object(values));
        }
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        data.insert(
            name,
            json!({
                "policy_rules": J::Object(rule_values(report.get("policy_rules"))),
                "subjects": J::Object(subjects),
                "totals": J::Object(total_values(report.get("totals"))),
            }),
        );
    }
    let policy = ctx.home.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let branches: Vec<J> =
        branch_names(ctx.policy, coverage).into_iter().map(|(k, _)| J::String(k)).collect();
    Ok(Some(json!({ "policy": policy, "data": J::Object(data), "branches": branches })))
}

/// The branches `coverage` took, each named by its rule and what taking it means, numbered
/// when a rule has several of the same kind (`科技成果转化补助: 封顶额生效 #2`), so that a name
/// survives edits elsewhere in the policy; with each, its site.
fn branch_names(policy: &Policy, coverage: &Coverage) -> Vec<(String, Site)> {
    let taken = coverage.taken();
    let mut out: Vec<(String, Site)> =
        named_sites(policy).into_iter().filter(|(_, s)| taken.contains(&s.probe)).collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Every branch of `policy` with its name: its rule and which way it goes, numbered when the
/// rule has several of the same kind, in the order of the text.
fn named_sites(policy: &Policy) -> Vec<(String, Site)> {
    use crate::eval::coverage::Branch;
    let mut seen: BTreeMap<(String, Branch), usize> = BTreeMap::new();
    let mut out = Vec::new();
    for site in crate::eval::coverage::sites(policy) {
        let n = seen.entry((site.rule.clone(), site.probe.branch)).or_insert(0);
        *n += 1;
        let way = match site.probe.branch {
            Branch::Reached => "计算",
            Branch::Then => "则",
            Branch::Else => "否则",
            Branch::Held => "成立",
            Branch::NotHeld => "不成立",
            Branch::Chosen => "选中",
            Branch::Default => "默认值",
            Branch::Capped => "封顶生效",
            Branch::Uncapped => "未达封顶",
            Branch::Paid => "发放",
            Branch::NotPaid => "不发放",
        };
        let name = if *n == 1 {
            format!("{}: {way}", site.rule)
        } else {
            format!("{}: {way} #{n}", site.rule)
        };
        out.push((name, site));
    }
    out
}

/// A subject's stacking rules as `叠加 RULE → total`, `叠加 RULE 扣除 FIELD → received` (for
/// a rule with `扣除`) and `叠加 RULE · AWARD → paid`.
fn stacking_values(stacking: Option<&J>) -> Map<String, J> {
    let mut map = Map::new();
    for s in stacking.and_then(J::as_array).map(Vec::as_slice).unwrap_or_default() {
        let rule = s.get("rule").and_then(J::as_str).unwrap_or_default();
        map.insert(format!("叠加 {rule}"), s.get("total").cloned().unwrap_or(J::Null));
        // The amount received it deducts (`扣除 FIELD`), which moves what it pays.
        if let Some(r) = s.get("received").filter(|r| !r.is_null()) {
            let field = r.get("field").and_then(J::as_str).unwrap_or_default();
            map.insert(
                format!("叠加 {rule} 扣除 {field}"),
                r.get("amount").cloned().unwrap_or(J::Null),
            );
        }
        for m in s.get("members").and_then(J::as_array).map(Vec::as_slice).unwrap_or_default() {
            let award = m.get("award").and_then(J::as_str).unwrap_or_default();
            map.insert(format!("叠加 {rule} · {award}"), m.get("paid").cloned().unwrap_or(J::Null));
        }
    }
    map
}

/// A data file's totals per award as `AWARD → total` and `AWARD 受益主体数 → count`.
fn total_values(totals: Option<&J>) -> Map<String, J> {
    let mut map = Map::new();
    for t in totals.and_then(J::as_array).map(Vec::as_slice).unwrap_or_default() {
        let award = t.get("award").and_then(J::as_str).unwrap_or_default();
        map.insert(award.to_string(), t.get("total").cloned().unwrap_or(J::Null));
        map.insert(format!("{award} 受益主体数"), t.get("recipients").cloned().unwrap_or(J::Null));
    }
    map
}

/// Checks (or with `bless`, writes) the snapshot `NAME.snap.json`.
fn run_snapshot(
    ctx: &Ctx<'_, '_>,
    bless: bool,
    tally: &mut Tally,
    lines: &mut String,
    diags: &mut Diagnostics,
) {
    let snap_path = ctx.home.with_extension("snap.json");
    let name = ctx.path.display().to_string();
    let what = format!("{} {}", pick(ctx.lang, "快照", "snapshot"), snap_path.display());
    let taken = Coverage::new();
    let result = outcomes(ctx, &taken);
    if let Some(c) = ctx.coverage {
        c.add(taken.taken());
    }
    let now = match result {
        Ok(Some(now)) => now,
        Ok(None) => return,
        Err(d) => {
            tally.failed += 1;
            lines.push_str(&line(false, &name, &what));
            lines.push_str(&reason(&d, ctx.lang));
            diags.extend(d);
            return;
        }
    };
    let mut body = serde_json::to_string_pretty(&now).unwrap_or_default();
    body.push('\n');
    let old_text = read_text(&snap_path, MAX_DATA_BYTES).ok();
    if bless {
        if old_text.as_deref() == Some(body.as_str()) {
            tally.passed += 1;
            lines.push_str(&line(true, &name, &what));
            return;
        }
        match write_out(&snap_path, body.as_bytes(), &[ctx.path.to_path_buf()]) {
            Ok(()) => {
                tally.passed += 1;
                let note = pick(ctx.lang, "（已写入）", " (blessed)");
                lines.push_str(&line(true, &name, &format!("{what}{note}")));
                // What the new snapshot accepts, as plain `test` would have reported it.
                let old: Option<J> = old_text.as_deref().and_then(|t| serde_json::from_str(t).ok());
                let accepted = match &old {
                    Some(old) => {
                        let mut d = snapshot_diff(old.get("data"), now.get("data"), ctx.lang);
                        d.extend(branch_changes(old, &now, ctx.lang));
                        d
                    }
                    None => vec![pick(ctx.lang, "新快照", "a new snapshot")],
                };
                let label = pick(ctx.lang, "接受", "accepted");
                for a in accepted {
                    lines.push_str(&format!("    {label}: {a}\n"));
                }
            }
            Err(d) => {
                tally.failed += 1;
                lines.push_str(&line(false, &name, &what));
                diags.push(*d);
            }
        }
        return;
    }
    let Some(old_text) = old_text else {
        tally.skipped += 1;
        let note = pick(
            ctx.lang,
            "：没有快照，运行 `zhengce test --bless` 生成",
            ": no snapshot; `zhengce test --bless` writes it",
        );
        lines.push_str(&format!("{:<7} {name} {what}{note}\n", "skipped"));
        return;
    };
    let old: J = match serde_json::from_str(&old_text) {
        Ok(j) => j,
        Err(e) => {
            let file = SourceFile::new(snap_path.display().to_string(), old_text.clone());
            let why = e.to_string();
            diags.push(
                diag(
                    Code::TestFile,
                    &file,
                    None,
                    Text::new(
                        format!("快照 `{}` 不是有效的 JSON：{why}", file.name),
                        format!("the snapshot `{}` is not valid JSON: {why}", file.name),
                    ),
                )
                .help(Text::new(
                    "删除它后运行 `zhengce test --bless` 重新生成",
                    "delete it and run `zhengce test --bless` to write it again",
                )),
            );
            tally.failed += 1;
            lines.push_str(&line(false, &name, &what));
            return;
        }
    };
    let diffs = snapshot_diff(old.get("data"), now.get("data"), ctx.lang);
    // A branch the snapshot took and no longer takes (a cap no sample reaches any more): the
    // values may all agree, and the snapshot no longer guards that branch.
    if let Some(d) = lost_branches(ctx, &old, &taken) {
        diags.push(d);
    }
    if diffs.is_empty() {
        tally.passed += 1;
        lines.push_str(&line(true, &name, &what));
    } else {
        tally.failed += 1;
        lines.push_str(&line(false, &name, &what));
        for d in diffs {
            lines.push_str(&format!("    {d}\n"));
        }
    }
}

/// The branch names of a snapshot.
fn snapshot_branches(snap: &J) -> BTreeSet<String> {
    snap.get("branches")
        .and_then(J::as_array)
        .map(|a| a.iter().filter_map(J::as_str).map(String::from).collect())
        .unwrap_or_default()
}

/// The branches a new snapshot no longer takes, or newly takes, one line each.
fn branch_changes(old: &J, now: &J, lang: Lang) -> Vec<String> {
    let (a, b) = (snapshot_branches(old), snapshot_branches(now));
    let mut out: Vec<String> = a
        .difference(&b)
        .map(|n| format!("{}{n}", pick(lang, "不再走到的分支 ", "branch no longer taken: ")))
        .collect();
    out.extend(
        b.difference(&a)
            .map(|n| format!("{}{n}", pick(lang, "新走到的分支 ", "branch now taken: "))),
    );
    out
}

/// `ZC0804` when the sample data no longer take a branch the snapshot records they took:
/// labelled at each such branch.
fn lost_branches(ctx: &Ctx<'_, '_>, old: &J, taken: &Coverage) -> Option<Diagnostic> {
    let recorded = snapshot_branches(old);
    if recorded.is_empty() {
        // A snapshot written before branches were recorded.
        return None;
    }
    let now = branch_names(ctx.policy, taken);
    let now_names: BTreeSet<&str> = now.iter().map(|(n, _)| n.as_str()).collect();
    let lost: Vec<&String> = recorded.iter().filter(|n| !now_names.contains(n.as_str())).collect();
    if lost.is_empty() {
        return None;
    }
    // Where each lost branch is: among every branch of the policy, by the same name.
    let all = named_sites(ctx.policy);
    let count = lost.len();
    let first = lost.first().map(|s| s.as_str()).unwrap_or_default();
    let mut d = Diagnostic::new(
        Code::BranchNoLongerTaken,
        Text::new(
            format!("快照记录的 {count} 个分支样例数据不再走到（如 `{first}`）：这些分支不再有测试把关"),
            format!(
                "the sample data no longer take {count} branch{} the snapshot records (e.g. `{first}`): no test guards {} any more",
                if count == 1 { "" } else { "es" },
                if count == 1 { "it" } else { "them" }
            ),
        ),
    )
    .help(Text::new(
        "加一个用例或一行样例数据走到它（例如一个金额超过封顶额的主体）；确属有意时用 `zhengce test --bless` 接受",
        "add a case or a sample subject that takes it (say one whose amount is above the cap); when intended, accept it with `zhengce test --bless`",
    ));
    let mut primary = true;
    for name in &lost {
        let Some((_, site)) = all.iter().find(|(n, _)| n == *name) else { continue };
        let loc = Loc::new(&ctx.policy.file, site.span);
        let text = Text::new(
            format!("快照中走到过 `{name}`，现在：{}", site.what.zh),
            format!("taken in the snapshot as `{name}`; now: {}", site.what.en),
        );
        d = if primary { d.at(loc, text) } else { d.also(loc, text) };
        primary = false;
    }
    if primary {
        // No branch of that name is left in the policy: point at the policy's start.
        d = d.at(Loc::new(&ctx.policy.file, Span::default()), Text::new("此政策", "this policy"));
    }
    Some(d)
}

/// The keys of two JSON objects, in order: the first's, then the second's new ones.
fn keys<'a>(a: Option<&'a J>, b: Option<&'a J>) -> Vec<&'a String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for o in [a, b].into_iter().flatten().filter_map(J::as_object) {
        for k in o.keys() {
            if seen.insert(k) {
                out.push(k);
            }
        }
    }
    out
}

/// The differences between a snapshot's `data` and the outcomes now, one line per data file,
/// subject and rule: `zezhou.企业.toml 甲公司 县内成果转化补助: 500,000 元 → 450,000 元`.
fn snapshot_diff(old: Option<&J>, now: Option<&J>, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    fn get<'j>(j: Option<&'j J>, k: &str) -> Option<&'j J> {
        j.and_then(|j| j.get(k))
    }
    for file in keys(old, now) {
        let (of, nf) = (get(old, file), get(now, file));
        let mut groups: Vec<(String, Option<&J>, Option<&J>)> = vec![(
            pick(lang, "（政策）", "(policy)"),
            get(of, "policy_rules"),
            get(nf, "policy_rules"),
        )];
        let (os, ns) = (get(of, "subjects"), get(nf, "subjects"));
        for s in keys(os, ns) {
            groups.push((s.clone(), get(os, s), get(ns, s)));
        }
        groups.push((pick(lang, "（合计）", "(totals)"), get(of, "totals"), get(nf, "totals")));
        for (subject, o, n) in groups {
            if o.is_none() != n.is_none() {
                let (a, b) = if o.is_none() {
                    (pick(lang, "（无）", "(none)"), pick(lang, "新主体", "new subject"))
                } else {
                    (pick(lang, "主体", "subject"), pick(lang, "（无）", "(none)"))
                };
                out.push(format!("{file} {subject}: {a} → {b}"));
                continue;
            }
            for rule in keys(o, n) {
                let (a, b) = (get(o, rule), get(n, rule));
                let equal = match (a, b) {
                    (Some(a), Some(b)) => same(a, b),
                    (None, None) => true,
                    _ => false,
                };
                if !equal {
                    out.push(format!(
                        "{file} {subject} {rule}: {} → {}",
                        shown(a, lang),
                        shown(b, lang)
                    ));
                }
            }
        }
    }
    out
}

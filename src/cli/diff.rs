//! `zhengce diff OLD.zc NEW.zc --data REGISTER`: two versions of a policy on the same register
//! (see [`crate::diff`]). Both must declare the subject kind the register holds with the same
//! fields; otherwise each difference is a `ZC0908` diagnostic.

use std::io::Write;
use std::path::PathBuf;

use super::args::{DiffArgs, SimFormat};
use super::output::{AtomicFile, cannot_write, write_out};
use super::simulate::{parse_policy, show_diagnostics, stop, xlsx_needs_out};
use super::{Settings, Status, emit, eval, stack};
use crate::ast::{ItemKind, Policy};
use crate::checker::check;
use crate::data::{FieldKind, FieldSpec, Schema};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Severity, Text};
use crate::diff::diff;
use crate::diff::render::{self, Meta};
use crate::eval::Evaluator;
use crate::register::{Failure, RunOptions, Version};
use crate::simulate::source::Paired;
use crate::simulate::{Interpreted, Source, StreamedPair, pools};
use crate::source::{Loc, Span};

/// Runs `diff`.
pub fn run(
    args: &DiffArgs,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Status {
    let show = |d: Diagnostics, err: &mut dyn Write| show_diagnostics(settings, d, err);
    let fail = |d: Diagnostics, err: &mut dyn Write| stop(settings, d, err);
    if args.format == SimFormat::Xlsx && args.out.is_none() {
        return fail(xlsx_needs_out(), err);
    }
    let (old, new) = match (parse_policy(&args.old), parse_policy(&args.new)) {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => {
            let mut d = Diagnostics::new();
            for r in [a, b] {
                if let Err(e) = r {
                    d.extend(e);
                }
            }
            return fail(d, err);
        }
    };
    let (old_checked, old_diags) = check(&old);
    let (new_checked, new_diags) = check(&new);
    let errors: Vec<_> = old_diags
        .sorted()
        .into_iter()
        .chain(new_diags.sorted())
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if !errors.is_empty() {
        return fail(errors.into(), err);
    }
    let Some(kind) = eval::kind_of(&new, &args.data, args.kind.as_deref()) else {
        // The data's subject kind cannot be told: loading says so, with the kinds there are.
        let known = Default::default();
        return match eval::load(&new, &new_checked, &args.data, None, args.year, &[], &known) {
            Err(d) => fail(d, err),
            Ok(_) => Status::Usage,
        };
    };
    let differ = compare(&old, &new, &kind);
    if !differ.is_empty() {
        return fail(differ, err);
    }
    // One register for both: the new version's columns; the old one's parameters are known.
    let mut known = stack::imported_names(&new, &kind);
    known.extend(stack::data_names(&old, &kind));
    known.extend(stack::imported_names(&old, &kind));
    let new_awards: Vec<String> = new_checked
        .scope
        .subject_names
        .get(&kind)
        .map(|sid| {
            crate::register::columns(&new_checked, *sid)
                .into_iter()
                .filter(|c| c.award)
                .map(|c| c.name)
                .collect()
        })
        .unwrap_or_default();
    let old_awards: Vec<String> = old_checked
        .scope
        .subject_names
        .get(&kind)
        .map(|sid| {
            crate::register::columns(&old_checked, *sid)
                .into_iter()
                .filter(|c| c.award)
                .map(|c| c.name)
                .collect()
        })
        .unwrap_or_default();
    // Each version's pools cut its own amounts; the new version's are reported.
    let pools = (pools::pools(&old, &old_awards), pools::pools(&new, &new_awards));
    if let Some(id) = &args.explain {
        // A pool cuts each claim by every subject's claims: one subject alone does not say it.
        if !pools.0.is_empty() || !pools.1.is_empty() {
            return fail(
                eval::bad_options(
                    "--explain",
                    Text::new(
                        "`--explain` 不用于有资金池的政策：池的核减取决于全部主体的申领",
                        "`--explain` does not apply to a policy with a pool: a pool's cut depends on every subject's claims",
                    ),
                    Text::new(
                        "去掉 `--explain`，在对比报告中查看该主体；或用 `zhengce explain` 分别查看两个版本",
                        "drop `--explain` and find the subject in the comparison; or explain each version with `zhengce explain`",
                    ),
                ),
                err,
            );
        }
        let versions = [(&old, &old_checked), (&new, &new_checked)];
        return explain_one(versions, &kind, &known, id, args, settings, out, err);
    }
    let lines = pools::lines(&new, &new_awards);
    let streamed =
        streamed(&old, &old_checked, &new, &new_checked, &kind, &known, args, &pools, &lines);
    let (result, mut diags, year) = match streamed {
        Some(Ok(done)) => done,
        Some(Err(d)) => return fail(d, err),
        None => {
            let load = |p: &Policy, c| {
                eval::load(p, c, &args.data, Some(&kind), args.year, &args.params, &known)
            };
            let mut loaded = match load(&new, &new_checked) {
                Ok(l) => l,
                Err(d) => return fail(d, err),
            };
            let mut old_params = loaded.params.clone();
            old_params.retain(|name, _| stack::data_names(&old, &kind).contains(name));
            let old_subject = old_checked.scope.subject_names.get(&kind).copied();
            let mut old_ev = Evaluator::new(&old, &old_checked, old_subject, old_params);
            let mut new_ev =
                Evaluator::new(&new, &new_checked, loaded.subject, loaded.params.clone());
            new_ev.param_gaps(&loaded.dataset.param_gaps);
            if let Err(d) = add_members(
                [(&old, &old_checked, &mut old_ev), (&new, &new_checked, &mut new_ev)],
                &mut loaded,
                &kind,
                &known,
                args,
            ) {
                return fail(d, err);
            }
            let records = &loaded.dataset.records;
            let a = Interpreted::new(
                &old_ev,
                &old_checked,
                old_subject,
                records,
                loaded.year,
                false,
                settings.progress,
            );
            let b = Interpreted::new(
                &new_ev,
                &new_checked,
                loaded.subject,
                records,
                loaded.year,
                false,
                settings.progress,
            );
            let old_columns = a.columns().len();
            let mut source = Paired::new(a, b);
            let (result, mut diags) = diff(&mut source, old_columns, &pools.0, &pools.1, &lines);
            // A `--param` over the data's value is said (ZC0913), as `eval` says it.
            diags.extend(loaded.notes.clone());
            (result, diags, loaded.year)
        }
    };
    if result.overflow {
        diags.push(crate::eval::overflow::register_overflow(&new));
        return fail(diags, err);
    }
    let mut status = if diags.has_errors() { Status::Errors } else { Status::Ok };
    let title = |p: &Policy| p.header.as_ref().map(|h| h.title.node.clone());
    let meta = Meta {
        old: args.old.display().to_string(),
        old_title: title(&old),
        new: args.new.display().to_string(),
        new_title: title(&new),
        data: args.data.display().to_string(),
        subject: kind,
        year,
    };
    let inputs: Vec<PathBuf> = vec![args.old.clone(), args.new.clone(), args.data.clone()];
    // The text and JSON reports are written as they are made (a register where most subjects
    // change lists them all).
    let streamed = |w: &mut dyn Write| match args.format {
        SimFormat::Json => Some(render::write_json(&result, &meta, w)),
        SimFormat::Text => Some(render::write_text(&result, &meta, settings.lang, w)),
        SimFormat::Markdown | SimFormat::Xlsx => None,
    };
    match &args.out {
        Some(path) if matches!(args.format, SimFormat::Text | SimFormat::Json) => {
            let written =
                AtomicFile::create(path, &inputs).and_then(|mut f| match streamed(&mut f) {
                    Some(Err(e)) => Err(Box::new(cannot_write(Some(path), &e.to_string()))),
                    _ => f.commit(),
                });
            if let Err(d) = written {
                diags.push(*d);
                status = Status::Usage;
            }
            show(diags, err);
            return status;
        }
        None if streamed(out).is_some() => {
            let _ = out.flush();
            show(diags, err);
            return status;
        }
        _ => {}
    }
    let body = match args.format {
        SimFormat::Markdown => Ok(render::markdown(&result, &meta, settings.lang).into_bytes()),
        SimFormat::Xlsx => render::xlsx(&result, &meta).map_err(|e| e.to_string()),
        // Written above.
        SimFormat::Text | SimFormat::Json => Ok(Vec::new()),
    };
    match (body, &args.out) {
        (Err(e), _) => {
            diags.push(cannot_write(args.out.as_deref(), &e));
            status = Status::Usage;
        }
        (Ok(b), Some(path)) => {
            if let Err(d) = write_out(path, &b, &inputs) {
                diags.push(*d);
                status = Status::Usage;
            }
        }
        (Ok(b), None) => emit(out, &String::from_utf8_lossy(&b)),
    }
    show(diags, err);
    status
}

/// A comparison, its diagnostics and the evaluation year.
type Compared = (crate::diff::Diff, Diagnostics, Option<u16>);

/// `diff` of a CSV register streamed through both versions ([`crate::register::run_paired`]),
/// with the parameters and year the in-memory path takes: the comparison, its diagnostics and
/// the year; the data's errors; or `None` when the register cannot be streamed (the in-memory
/// path then runs, and reports what there is to report).
#[expect(
    clippy::too_many_arguments,
    reason = "both versions checked, the kind, the names known, the arguments, the pools and lines"
)]
fn streamed(
    old: &Policy,
    old_checked: &crate::checker::Checked<'_>,
    new: &Policy,
    new_checked: &crate::checker::Checked<'_>,
    kind: &str,
    known: &std::collections::BTreeSet<String>,
    args: &DiffArgs,
    pools: &(Vec<crate::simulate::pools::Pool>, Vec<crate::simulate::pools::Pool>),
    lines: &[crate::simulate::pools::Line],
) -> Option<Result<Compared, Diagnostics>> {
    if !super::stream::is_csv(&args.data) {
        return None;
    }
    let mut schema = Schema::from_policy(new, kind).ok()?;
    schema.also_known = known.clone();
    let params = super::stream::given_params(&schema, &args.data, &args.params)?;
    let year = match args.year {
        Some(y) => Some(y),
        None => super::stream::default_year(&args.data, &schema, &params)?,
    };
    let mut old_params = params.clone();
    old_params.retain(|name, _| stack::data_names(old, kind).contains(name));
    let mut old_known = known.clone();
    old_known.extend(stack::data_names(new, kind));
    // Smaller blocks than `eval`'s, as for `simulate`: the comparison takes each subject's
    // values of both versions on one thread, and the blocks waiting for it are the peak.
    let chunk_bytes = 128 << 10;
    let new_v = Version {
        policy: new,
        checked: new_checked,
        opts: RunOptions {
            year,
            params,
            also_known: known.clone(),
            chunk_bytes,
            ..RunOptions::default()
        },
    };
    let old_v = Version {
        policy: old,
        checked: old_checked,
        opts: RunOptions {
            year,
            params: old_params,
            also_known: old_known,
            chunk_bytes,
            ..RunOptions::default()
        },
    };
    let mut source = StreamedPair::new(&old_v, &new_v, kind, &args.data)?;
    let old_columns = old_checked
        .scope
        .subject_names
        .get(kind)
        .map_or(0, |sid| crate::register::columns(old_checked, *sid).len());
    let (result, mut diags) = diff(&mut source, old_columns, &pools.0, &pools.1, lines);
    // The parameters file beside the register, as the in-memory path says it (ZC0914).
    diags.extend(crate::engine::load::beside_notes(&args.data, &schema, &args.params));
    match source.failure() {
        None => Some(Ok((result, diags, year))),
        Some(Failure::Data(d)) => Some(Err(d)),
        Some(Failure::NotStreamable(_)) => None,
        Some(Failure::Write(e)) => {
            Some(Err(vec![crate::report::cannot_write(None, &e.to_string())].into()))
        }
    }
}

/// Gives each version's evaluator the members of its member kinds, read beside the data file
/// as `eval` reads them: each version by its own declarations, the owners those the new
/// version loaded (the ones both versions evaluate).
fn add_members<'c, 'p>(
    versions: [(&'p Policy, &'c crate::checker::Checked<'p>, &mut Evaluator<'c, 'p>); 2],
    loaded: &mut crate::engine::load::Loaded,
    kind: &str,
    known: &std::collections::BTreeSet<String>,
    args: &DiffArgs,
) -> Result<(), Diagnostics> {
    for (policy, checked, ev) in versions {
        let subject = checked.scope.subject_names.get(kind).copied();
        if subject.is_none_or(|sid| checked.scope.member_kinds(sid).is_empty()) {
            continue;
        }
        // The owners as this version knows their kind; the new version's id is put back after.
        let theirs = std::mem::replace(&mut loaded.subject, subject);
        let members = crate::engine::members::load_members(
            policy,
            checked,
            &args.data,
            loaded,
            &args.params,
            known,
        );
        loaded.subject = theirs;
        for m in members? {
            ev.add_members(m.kind, m.groups);
        }
    }
    Ok(())
}

/// The span of the declaration of subject `kind` in a policy.
fn subject_span(p: &Policy, kind: &str) -> Span {
    p.items
        .iter()
        .find_map(|i| match &i.node.kind {
            ItemKind::Subject(s) if s.name.node == kind => Some(s.name.span),
            _ => None,
        })
        .unwrap_or_default()
}

fn describe(f: &FieldSpec) -> String {
    let ty = match &f.kind {
        FieldKind::Number { unit, share: true } => {
            format!("占比 {}", unit.display(crate::diagnostics::Lang::Zh))
        }
        FieldKind::Number { unit, .. } => unit.display(crate::diagnostics::Lang::Zh),
        FieldKind::Bool => "是否".into(),
        FieldKind::Text => "文本".into(),
        FieldKind::Date => "日期".into(),
        FieldKind::Year => "年份".into(),
        FieldKind::Enum { name, values } => format!("{name} {{ {} }}", values.join(", ")),
    };
    if f.by_year { format!("{ty} 按年") } else { ty }
}

/// The differences between the subject `kind` of the two versions, one diagnostic each.
fn compare(old: &Policy, new: &Policy, kind: &str) -> Diagnostics {
    let mut out = Diagnostics::new();
    let (o, n) = (Schema::from_policy(old, kind), Schema::from_policy(new, kind));
    let only_in = |present: &Policy, absent: &Policy| {
        Diagnostic::new(
            Code::SubjectsDiffer,
            Text::new(
                format!("`{}` 没有声明主体 `{kind}`，无法在同一份数据上比较", absent.file.name),
                format!(
                    "`{}` declares no subject `{kind}`: the two cannot be compared on the same data",
                    absent.file.name
                ),
            ),
        )
        .at(
            Loc::new(&present.file, subject_span(present, kind)),
            Text::new("只在这份政策中", "only in this policy"),
        )
        .help(Text::new(
            "比较的两份政策要对同一类主体、同样的字段计算；用 `--kind` 选择两份都有的主体",
            "both versions must evaluate the same subject kind with the same fields; choose one both declare with `--kind`",
        ))
    };
    let (o, n) = match (o, n) {
        (Ok(o), Ok(n)) => (o, n),
        // Neither declares it: the new version says which kinds there are.
        (Err(_), Err(d)) => return d,
        (Err(_), Ok(_)) => {
            out.push(only_in(new, old));
            return out;
        }
        (Ok(_), Err(_)) => {
            out.push(only_in(old, new));
            return out;
        }
    };
    let help = Text::new(
        "两个版本的主体字段要一致，才能用同一份数据比较；先在两份政策中统一字段的名称、类型和单位",
        "both versions need the same fields to be compared on the same data; make the field's name, type and unit the same in both",
    );
    for f in &o.fields {
        match n.fields.iter().find(|x| x.name == f.name) {
            None => out.push(
                Diagnostic::new(
                    Code::SubjectsDiffer,
                    Text::new(
                        format!("字段 `{}` 在 `{}` 的主体 `{kind}` 中没有", f.name, new.file.name),
                        format!(
                            "the field `{}` is not in subject `{kind}` of `{}`",
                            f.name, new.file.name
                        ),
                    ),
                )
                .at(
                    Loc::new(&old.file, f.span),
                    Text::new("只在旧版本中", "only in the old version"),
                )
                .also(
                    Loc::new(&new.file, subject_span(new, kind)),
                    Text::new("新版本的主体", "the new version's subject"),
                )
                .help(help.clone()),
            ),
            Some(g) if describe(f) != describe(g) => out.push(
                Diagnostic::new(
                    Code::SubjectsDiffer,
                    Text::new(
                        format!(
                            "字段 `{}` 在两个版本中不同：`{}` 与 `{}`",
                            f.name,
                            describe(f),
                            describe(g)
                        ),
                        format!(
                            "the field `{}` differs between the versions: `{}` and `{}`",
                            f.name,
                            describe(f),
                            describe(g)
                        ),
                    ),
                )
                .at(Loc::new(&new.file, g.span), Text::new("新版本", "new version"))
                .also(Loc::new(&old.file, f.span), Text::new("旧版本", "old version"))
                .help(help.clone()),
            ),
            Some(_) => {}
        }
    }
    for g in n.fields.iter().filter(|g| !o.fields.iter().any(|f| f.name == g.name)) {
        out.push(
            Diagnostic::new(
                Code::SubjectsDiffer,
                Text::new(
                    format!("字段 `{}` 在 `{}` 的主体 `{kind}` 中没有", g.name, old.file.name),
                    format!(
                        "the field `{}` is not in subject `{kind}` of `{}`",
                        g.name, old.file.name
                    ),
                ),
            )
            .at(Loc::new(&new.file, g.span), Text::new("只在新版本中", "only in the new version"))
            .also(
                Loc::new(&old.file, subject_span(old, kind)),
                Text::new("旧版本的主体", "the old version's subject"),
            )
            .help(help.clone()),
        );
    }
    out
}

/// `diff --explain ID`: one subject's rules and working in both versions, side by side, each
/// value that differs marked. The register is loaded as the new version reads it (the old
/// version's parameters among them), as the in-memory `diff` loads it.
#[allow(clippy::too_many_arguments, reason = "the one caller passes what `run` has in hand")]
fn explain_one(
    [(old, old_checked), (new, new_checked)]: [(&Policy, &crate::checker::Checked<'_>); 2],
    kind: &str,
    known: &std::collections::BTreeSet<String>,
    id: &str,
    args: &DiffArgs,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Status {
    let fail = |d: Diagnostics, err: &mut dyn Write| stop(settings, d, err);
    if matches!(args.format, SimFormat::Markdown | SimFormat::Xlsx) {
        return fail(
            eval::bad_options(
                "--explain",
                Text::new(
                    "`--explain` 只用于文本和 JSON 报告（`--format text`、`json`）",
                    "`--explain` applies to the text and JSON reports only (`--format text`, `json`)",
                ),
                Text::new(
                    "去掉 `--format`，或写 `--format json`",
                    "drop `--format`, or write `--format json`",
                ),
            ),
            err,
        );
    }
    let mut loaded = match eval::load(
        new,
        new_checked,
        &args.data,
        Some(kind),
        args.year,
        &args.params,
        known,
    ) {
        Ok(l) => l,
        Err(d) => return fail(d, err),
    };
    let Some(at) = loaded.dataset.records.iter().position(|r| r.key == id) else {
        let keys = loaded.dataset.records.iter().map(|r| r.key.as_str());
        return fail(eval::no_subject(&args.data, id, keys), err);
    };
    let mut old_params = loaded.params.clone();
    old_params.retain(|name, _| stack::data_names(old, kind).contains(name));
    let old_subject = old_checked.scope.subject_names.get(kind).copied();
    let mut old_ev = Evaluator::new(old, old_checked, old_subject, old_params);
    let mut new_ev = Evaluator::new(new, new_checked, loaded.subject, loaded.params.clone());
    new_ev.param_gaps(&loaded.dataset.param_gaps);
    if let Err(d) = add_members(
        [(old, old_checked, &mut old_ev), (new, new_checked, &mut new_ev)],
        &mut loaded,
        kind,
        known,
        args,
    ) {
        return fail(d, err);
    }
    let Some(record) = loaded.dataset.records.get(at) else {
        return fail(eval::no_subject(&args.data, id, std::iter::empty()), err);
    };
    old_ev.show_working(true);
    new_ev.show_working(true);
    let (a, mut diags) = old_ev.evaluate(record, loaded.year);
    let (b, new_diags) = new_ev.evaluate(record, loaded.year);
    diags.extend(new_diags);
    diags.extend(loaded.notes.clone());
    let lang = settings.lang;
    // Each version's values as its report writes them, rules first, then the working.
    let texts = |o: &crate::eval::outcome::SubjectOutcome, c: &crate::checker::Checked<'_>| {
        let scope = &c.scope;
        let mut rows: Vec<(String, String, serde_json::Value)> = Vec::new();
        for r in &o.rules {
            let name = scope.defs.get(r.def).map(|d| d.name.clone()).unwrap_or_default();
            let shown = crate::report::show::show(&r.value, scope, lang);
            rows.push((name, shown, crate::report::show::json(&r.value, scope)));
        }
        for v in &o.values {
            let shown = crate::report::working::value_text(v, scope, lang);
            rows.push((v.name.clone(), shown, crate::report::show::json(&v.value, scope)));
        }
        rows
    };
    let (before, after) = (texts(&a, old_checked), texts(&b, new_checked));
    // The names in the old version's order, then those only the new one has.
    // (A rule's name is its first row: the working names it again.)
    let mut names: Vec<&str> = Vec::new();
    for r in before.iter().chain(&after) {
        if !names.contains(&r.0.as_str()) {
            names.push(&r.0);
        }
    }
    let find = |rows: &[(String, String, serde_json::Value)], n: &str| {
        rows.iter().find(|r| r.0 == n).map(|r| (r.1.clone(), r.2.clone()))
    };
    let zh = lang == crate::diagnostics::Lang::Zh;
    let (old_name, new_name) = (args.old.display().to_string(), args.new.display().to_string());
    let mut changed = 0usize;
    let mut text = String::new();
    let mut json_rows = Vec::new();
    let year = loaded.year.map(|y| if zh { format!("  {y}年") } else { format!("  year {y}") });
    text.push_str(&format!("== {id}{}: {old_name} → {new_name}\n", year.unwrap_or_default()));
    for n in &names {
        let (x, y) = (find(&before, n), find(&after, n));
        // As written: a margin that moves is a difference too.
        let differs = x.as_ref().map(|v| &v.0) != y.as_ref().map(|v| &v.0);
        changed += usize::from(differs);
        let line = match (&x, &y) {
            (Some(x), Some(y)) if differs => format!("  ≠ {n}: {} → {}", x.0, y.0),
            (Some(x), Some(_)) => format!("    {n}: {}", x.0),
            (Some(x), None) if zh => format!("  − {n}: {}（新版本没有）", x.0),
            (Some(x), None) => format!("  − {n}: {} (not in the new version)", x.0),
            (None, Some(y)) if zh => format!("  + {n}: {}（旧版本没有）", y.0),
            (None, Some(y)) => format!("  + {n}: {} (not in the old version)", y.0),
            (None, None) => continue,
        };
        text.push_str(&line);
        text.push('\n');
        json_rows.push(serde_json::json!({
            "name": n,
            "old": x.map(|v| v.1),
            "new": y.map(|v| v.1),
            "changed": differs,
        }));
    }
    text.push_str(&if zh {
        format!("\n{changed} 个数值不同（≠ 两版不同，− 只在旧版，+ 只在新版）\n")
    } else {
        let s = if changed == 1 { "" } else { "s" };
        format!("\n{changed} value{s} differ (≠ differs, − old version only, + new version only)\n")
    });
    let body = match args.format {
        SimFormat::Json => {
            let j = serde_json::json!({
                "subject": id,
                "year": loaded.year,
                "old": old_name,
                "new": new_name,
                "changed": changed,
                "values": json_rows,
            });
            let mut s = serde_json::to_string_pretty(&j).unwrap_or_default();
            s.push('\n');
            s
        }
        _ => text,
    };
    let mut status = if diags.has_errors() { Status::Errors } else { Status::Ok };
    match &args.out {
        Some(path) => {
            let inputs = vec![args.old.clone(), args.new.clone(), args.data.clone()];
            if let Err(d) = write_out(path, body.as_bytes(), &inputs) {
                diags.push(*d);
                status = Status::Usage;
            }
        }
        None => emit(out, &body),
    }
    show_diagnostics(settings, diags, err);
    status
}

//! `zhengce explain POLICY --data FILE --subject ID NAME`: how one value was derived.

use std::io::Write;

use std::path::{Path, PathBuf};

use super::args::{ExplainArgs, ExplainFormat};
use super::{Settings, Status, emit, eval, files};
use crate::checker::check;
use crate::diagnostics::render::render;
use crate::diagnostics::suggest::{did_you_mean, help_text};
use crate::diagnostics::{Code, Diagnostics, Severity, Text};
use crate::eval::Evaluator;
use crate::report;

/// Runs `explain`.
pub fn run(
    args: &ExplainArgs,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Status {
    let fail = |diags: Diagnostics, status: Status, err: &mut dyn Write| {
        let sorted = diags.sorted();
        emit(err, &render(&sorted, settings.lang, settings.format, &settings.style));
        status
    };
    let loaded = files::load(std::slice::from_ref(&args.policy));
    if !loaded.diagnostics.is_empty() {
        return fail(loaded.diagnostics, Status::Usage, err);
    }
    let Some(source) = loaded.sources.first() else { return Status::Usage };
    let (policy, diags) = crate::parser::parse(source);
    let Some(policy) = policy.filter(|_| !diags.has_errors()) else {
        return fail(diags, Status::Errors, err);
    };
    let (checked, diags) = check(&policy);
    if diags.has_errors() {
        let errors: Vec<_> =
            diags.sorted().into_iter().filter(|d| d.severity == Severity::Error).collect();
        return fail(errors.into(), Status::Errors, err);
    }
    // The document's own figures depend on no subject and no data.
    if let Some(f) = checked.figures.iter().find(|f| f.name == args.name) {
        emit(
            out,
            &match args.format {
                ExplainFormat::Json => {
                    let mut s = serde_json::to_string_pretty(&f.json()).unwrap_or_default();
                    s.push('\n');
                    s
                }
                ExplainFormat::Text => f.text(settings.lang),
            },
        );
        return Status::Ok;
    }
    let Some(subject) = args.subject.as_deref() else {
        return fail(
            eval::bad_options(
                "--subject",
                Text::new(
                    format!("`{}` 的值因主体而异，要说明解释哪个主体", args.name),
                    format!(
                        "`{}` depends on the subject: which subject should be explained?",
                        args.name
                    ),
                ),
                Text::new(
                    "用 `--subject 主体标识` 给出主体",
                    "give the subject with `--subject ID`",
                ),
            ),
            Status::Usage,
            err,
        );
    };
    let data_path = match data_file(args, &source.name, &policy) {
        Ok(p) => p,
        Err(d) => return fail(d, Status::Usage, err),
    };
    let data = match eval::load(
        &policy,
        &checked,
        &data_path,
        args.kind.as_deref(),
        args.year,
        &args.params,
        &std::collections::BTreeSet::new(),
    ) {
        Ok(d) => d,
        Err(d) => return fail(d, Status::Errors, err),
    };
    let Some(record) = data.dataset.records.iter().find(|r| r.key == subject) else {
        let keys = data.dataset.records.iter().map(|r| r.key.as_str());
        let d = eval::no_subject(&data_path, subject, keys);
        return fail(d, Status::Errors, err);
    };
    let Some(def) = checked.scope.lookup(&args.name, data.subject) else {
        let names = checked.scope.visible_names(data.subject);
        let help = help_text(&did_you_mean(&args.name, names)).unwrap_or_else(|| {
            Text::new("写出政策中定义的名称", "name something the policy defines")
        });
        let mut d = eval::usage(
            &source.name,
            Text::new(
                format!("政策中没有 `{}`", args.name),
                format!("the policy defines no `{}`", args.name),
            ),
            help,
        )
        .sorted();
        for x in &mut d {
            x.code = Code::UnknownName;
        }
        return fail(d.into(), Status::Errors, err);
    };
    let members = match crate::engine::members::load_members(
        &policy,
        &checked,
        &data_path,
        &data,
        &args.params,
        &std::collections::BTreeSet::new(),
    ) {
        Ok(m) => m,
        Err(d) => return fail(d, Status::Errors, err),
    };
    let mut ev = Evaluator::new(&policy, &checked, data.subject, data.params);
    for m in members {
        ev.add_members(m.kind, m.groups);
    }
    ev.show_working(true);
    let step = ev.explain(record, data.year, def);
    // The value explained stands on what it uses: another rule of the subject that cannot be
    // worked out (a parameter it alone reads, left without a value) does not fail it.
    let (o, diags) = ev.evaluate(record, data.year);
    // An award a pool pays: the pool's cut needs every subject's claim.
    let pooled = crate::eval::pool::specs(&policy, &checked, data.subject)
        .iter()
        .any(|s| s.awards.iter().any(|(d, _)| *d == def));
    let share = if pooled {
        ev.show_working(false);
        let mut all: Vec<_> =
            data.dataset.records.iter().map(|r| ev.evaluate(r, data.year).0).collect();
        let _ = crate::eval::pool::apply(&policy, &checked, data.subject, &mut all);
        all.iter()
            .find(|x| x.key == subject)
            .and_then(|x| x.rules.iter().find(|r| r.def == def))
            .and_then(|r| match &r.detail {
                crate::eval::outcome::Detail::Award(a) => {
                    a.pool.clone().map(|p| (p, r.value.clone()))
                }
                _ => None,
            })
    } else {
        None
    };
    // Its working: the values named under it (`NAME.比例`, `NAME.上限` ...).
    let prefix = format!("{}.", args.name);
    let values: Vec<_> = o.values.iter().filter(|v| v.name.starts_with(&prefix)).cloned().collect();
    emit(
        out,
        &match args.format {
            ExplainFormat::Json => {
                let text = report::explain::json(&step, &values, &checked.scope);
                match (&share, serde_json::from_str::<serde_json::Value>(&text)) {
                    (Some((p, after)), Ok(serde_json::Value::Object(mut map))) => {
                        map.insert("pool".into(), report::pools::share_json(p, after));
                        let mut s = serde_json::to_string_pretty(&map).unwrap_or(text);
                        s.push('\n');
                        s
                    }
                    _ => text,
                }
            }
            ExplainFormat::Text => {
                let mut text = report::explain::text(&step, &checked.scope, settings.lang);
                let zh = settings.lang == crate::diagnostics::Lang::Zh;
                // An award's arithmetic, the numbers filled in.
                let steps =
                    report::arithmetic::steps(&args.name, &values, &checked.scope, settings.lang);
                if !steps.is_empty() {
                    text.push_str(if zh { "\n计算：\n" } else { "\narithmetic:\n" });
                    for s in steps {
                        text.push_str(&format!("  {s}\n"));
                    }
                }
                if let Some((p, after)) = &share {
                    let after = report::show::show(after, &checked.scope, settings.lang);
                    text.push_str(if zh { "\n资金池：\n" } else { "\npool:\n" });
                    text.push_str(&format!("  {}\n", report::pools::share(p, settings.lang)));
                    text.push_str(&format!(
                        "  {}{after}\n",
                        if zh { "核减后：" } else { "after the cut: " }
                    ));
                    text.push_str(&format!("  {}\n", report::pools::line(&p.pool, settings.lang)));
                }
                if !values.is_empty() {
                    text.push_str(if zh { "\n计算过程：\n" } else { "\nworking:\n" });
                    text.push_str(&report::working::lines(
                        &values,
                        &checked.scope,
                        settings.lang,
                        "  ",
                    ));
                }
                text
            }
        },
    );
    let failed = o
        .rules
        .iter()
        .any(|r| r.def == def && matches!(r.detail, crate::eval::outcome::Detail::Failed));
    if failed && diags.has_errors() {
        return fail(diags, Status::Errors, err);
    }
    Status::Ok
}

/// The data to explain from: `--data`, else the one sample data file beside the policy
/// (`NAME.SUBJECT.ext`, of the subject kind `--kind` when given).
fn data_file(
    args: &ExplainArgs,
    policy_path: &str,
    policy: &crate::ast::Policy,
) -> Result<PathBuf, Diagnostics> {
    if let Some(d) = &args.data {
        return Ok(d.clone());
    }
    let mut found = eval::sample_data(Path::new(policy_path), policy);
    if let Some(k) = &args.kind {
        let infix = format!(".{k}.");
        found
            .retain(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.contains(&infix)));
    }
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(eval::bad_options(
            "--data",
            Text::new(
                format!("`{policy_path}` 旁边没有样例数据，不知道解释哪份数据"),
                format!(
                    "`{policy_path}` has no sample data beside it: which data should be explained?"
                ),
            ),
            Text::new("用 `--data 数据文件` 给出数据", "give the data with `--data FILE`"),
        )),
        many => {
            let names: Vec<String> = many.iter().map(|p| format!("`{}`", p.display())).collect();
            Err(eval::bad_options(
                "--data",
                Text::new(
                    format!("`{policy_path}` 旁边有多份样例数据：{}", names.join("、")),
                    format!("`{policy_path}` has several sample data files: {}", names.join(", ")),
                ),
                Text::new(
                    "用 `--data 数据文件` 或 `--kind 主体名` 选择一份",
                    "choose one with `--data FILE` or `--kind NAME`",
                ),
            ))
        }
    }
}

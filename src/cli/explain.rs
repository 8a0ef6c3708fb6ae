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
    // The columns of the policies the stacking rules import are theirs, not unknown.
    let kind = eval::kind_of(&policy, &data_path, args.kind.as_deref()).unwrap_or_default();
    let others = crate::engine::imports::imported_names(&policy, &kind);
    let data = match eval::load(
        &policy,
        &checked,
        &data_path,
        args.kind.as_deref(),
        args.year,
        &args.params,
        &others,
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
        &others,
    ) {
        Ok(m) => m,
        Err(d) => return fail(d, Status::Errors, err),
    };
    // A stacking rule, or an award one takes that deducts what was already received: the
    // rule applied to the subject, as `eval` applies it (the imported policies evaluated too).
    let kind_name = data
        .subject
        .and_then(|s| checked.scope.subjects.get(s))
        .map_or(kind.clone(), |s| s.decl.name.node.clone());
    let is_stack = matches!(
        checked.scope.defs.get(def).and_then(|d| d.kind()),
        Some(crate::ast::ItemKind::Stack(_))
    );
    let concerned = stacking_rules(&policy, is_stack, &args.name, &kind_name);
    let stacks = if concerned.is_empty() {
        Vec::new()
    } else {
        let opts = crate::engine::evaluate::Options {
            kind: Some(kind_name.clone()),
            subject: Some(subject.to_string()),
            year: args.year,
            params: args.params.clone(),
            working: false,
            outside_validity: true,
        };
        match crate::engine::evaluate::evaluate(&policy, &checked, &data_path, &opts, false, None) {
            Ok((outcomes, stacks, _, _)) => outcomes
                .iter()
                .position(|o| o.key == subject)
                .and_then(|i| stacks.get(i))
                .map(|s| s.iter().filter(|x| concerned.contains(&x.rule)).cloned().collect())
                .unwrap_or_default(),
            Err(d) => return fail(d, Status::Errors, err),
        }
    };
    if is_stack {
        emit(out, &stack_explained(&checked, def, &stacks, args.format, settings.lang));
        return Status::Ok;
    }
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
                // The pool's share and the stacking rules, added to the explanation's object.
                let added = share.is_some() || !stacks.is_empty();
                match serde_json::from_str::<serde_json::Value>(if added { &text } else { "" }) {
                    Ok(serde_json::Value::Object(mut map)) => {
                        if let Some((p, after)) = &share {
                            map.insert("pool".into(), report::pools::share_json(p, after));
                        }
                        if !stacks.is_empty() {
                            let js = stacks
                                .iter()
                                .map(|s| report::stack_json(s, &checked.scope))
                                .collect();
                            map.insert("stacking".into(), serde_json::Value::Array(js));
                        }
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
                // What a stacking rule that deducts what was already received pays of it.
                if !stacks.is_empty() {
                    text.push_str(if zh { "\n叠加：\n" } else { "\nstacking:\n" });
                    for s in &stacks {
                        report::stack_lines(&mut text, &checked.scope, s, settings.lang);
                        let line = report::stack_arithmetic(&checked.scope, s, settings.lang);
                        text.push_str(&format!("    {line}\n"));
                    }
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

/// The stacking rules of `kind` that `explain NAME` shows: the rule `name` itself when it is
/// one (`is_stack`), else those that take the award `name` and deduct what was already received
/// (`扣除`), whose payment of it is not the award's own amount.
fn stacking_rules(
    policy: &crate::ast::Policy,
    is_stack: bool,
    name: &str,
    kind: &str,
) -> Vec<String> {
    crate::eval::stack::stack_rules(policy, kind)
        .into_iter()
        .filter(|s| {
            if is_stack {
                s.name.node == name
            } else {
                s.received.is_some()
                    && s.members
                        .iter()
                        .any(|m| matches!(m.node.as_slice(), [one] if one.node == name))
            }
        })
        .map(|s| s.name.node.clone())
        .collect()
}

/// `explain` of a stacking rule for one subject: the rule as `eval` applied it (each award's
/// amount and what it pays, the amount already received it deducts), how it arrived at its
/// total, and the clause it cites.
fn stack_explained(
    checked: &crate::checker::Checked<'_>,
    def: crate::checker::scope::DefId,
    stacks: &[crate::eval::stack::StackOutcome],
    format: ExplainFormat,
    lang: crate::diagnostics::Lang,
) -> String {
    let scope = &checked.scope;
    let cite = scope.defs.get(def).and_then(|d| match d.source {
        crate::checker::scope::DefSource::Item(i) => i.node.citations.first(),
        crate::checker::scope::DefSource::Field(_) => None,
    });
    match format {
        ExplainFormat::Json => {
            let mut v =
                stacks.first().map_or(serde_json::Value::Null, |s| report::stack_json(s, scope));
            if let serde_json::Value::Object(map) = &mut v {
                let citation = cite.map(|c| {
                    serde_json::json!({
                        "clause": c.node.clause.node,
                        "quote": c.node.quote.as_ref().map(|q| q.node.clone())
                    })
                });
                map.insert("citation".into(), citation.unwrap_or(serde_json::Value::Null));
            }
            let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
            s.push('\n');
            s
        }
        ExplainFormat::Text => {
            let mut text = String::new();
            for s in stacks {
                if let Some(c) = cite {
                    let quote = c
                        .node
                        .quote
                        .as_ref()
                        .map(|q| format!(" 「{}」", q.node))
                        .unwrap_or_default();
                    text.push_str(&format!("§ {}{quote}\n", c.node.clause.node));
                }
                report::stack_lines(&mut text, scope, s, lang);
                let zh = lang == crate::diagnostics::Lang::Zh;
                text.push_str(if zh { "\n计算：\n" } else { "\narithmetic:\n" });
                text.push_str(&format!("  {}\n", report::stack_arithmetic(scope, s, lang)));
            }
            text
        }
    }
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

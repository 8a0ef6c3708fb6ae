//! `zhengce explain POLICY --data FILE --subject ID NAME`: how one value was derived.

use std::io::Write;

use super::args::{ExplainArgs, ReportFormat};
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
    let data = match eval::load(
        &policy,
        &checked,
        &args.data,
        args.kind.as_deref(),
        args.year,
        &args.params,
        &std::collections::BTreeSet::new(),
    ) {
        Ok(d) => d,
        Err(d) => return fail(d, Status::Errors, err),
    };
    let Some(record) = data.dataset.records.iter().find(|r| r.key == args.subject) else {
        let keys = data.dataset.records.iter().map(|r| r.key.as_str());
        let help = help_text(&did_you_mean(&args.subject, keys)).unwrap_or_else(|| {
            Text::new("主体标识见数据文件的标识列", "subject ids are in the data's id column")
        });
        let d = eval::usage(
            &args.data.display().to_string(),
            Text::new(
                format!("数据中没有主体 `{}`", args.subject),
                format!("the data has no subject `{}`", args.subject),
            ),
            help,
        );
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
    let ev = Evaluator::new(&policy, &checked, data.subject, data.params);
    let step = ev.explain(record, data.year, def);
    emit(
        out,
        &match args.format {
            ReportFormat::Json => report::explain::json(&step, &checked.scope),
            _ => report::explain::text(&step, &checked.scope, settings.lang),
        },
    );
    let (_, diags) = ev.evaluate(record, data.year);
    if diags.has_errors() {
        return fail(diags, Status::Errors, err);
    }
    Status::Ok
}

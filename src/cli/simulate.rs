//! `zhengce simulate POLICY --data REGISTER`: the policy over a whole register, in aggregate:
//! totals per award, recipients, the distribution of what recipients receive, budget lines and
//! pools, and the pro-rata cut of a pool that runs out (see [`crate::simulate`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::{SimFormat, SimulateArgs};
use super::output::{cannot_write, write_out};
use super::{Settings, Status, emit, eval, files};
use crate::ast::Policy;
use crate::checker::check;
use crate::diagnostics::render::render;
use crate::diagnostics::{Code, Diagnostics, Severity, Text};
use crate::eval::Evaluator;
use crate::register::{Failure, RunOptions};
use crate::simulate::render::{self, Meta};
use crate::simulate::{Interpreted, Source, Streamed, chart, pools, simulate};

/// Reads and parses one policy file; its syntax errors, if any.
pub(super) fn parse_policy(path: &Path) -> Result<Policy, Diagnostics> {
    let loaded = files::load(&[path.to_path_buf()]);
    if !loaded.diagnostics.is_empty() {
        return Err(loaded.diagnostics);
    }
    let Some(source) = loaded.sources.first() else { return Err(Diagnostics::new()) };
    let (policy, diags) = crate::parser::parse(source);
    let errors: Vec<_> =
        diags.sorted().into_iter().filter(|d| d.severity == Severity::Error).collect();
    match policy {
        Some(p) if errors.is_empty() => Ok(p),
        _ => Err(errors.into()),
    }
}

/// The status for diagnostics that stopped a command: a file problem is a usage error.
pub(super) fn status_of(d: &Diagnostics) -> Status {
    if d.iter().any(|x| x.code == Code::Io || super::check::is_usage_code(x.code)) {
        Status::Usage
    } else {
        Status::Errors
    }
}

/// Shows diagnostics on standard error, in the chosen language and format.
pub(super) fn show_diagnostics(settings: &Settings, d: Diagnostics, err: &mut dyn Write) {
    if !d.is_empty() {
        emit(err, &render(&d.sorted(), settings.lang, settings.format, &settings.style));
    }
}

/// Shows the diagnostics that stopped a command; the status it ends with.
pub(super) fn stop(settings: &Settings, d: Diagnostics, err: &mut dyn Write) -> Status {
    let status = status_of(&d);
    show_diagnostics(settings, d, err);
    status
}

/// `--format xlsx` without `--out`.
pub(super) fn xlsx_needs_out() -> Diagnostics {
    eval::bad_options(
        "--format xlsx",
        Text::new(
            "xlsx 报告需要用 `--out 文件.xlsx` 指定输出文件",
            "an xlsx report needs `--out FILE.xlsx`",
        ),
        Text::new("例如 `--out 结果.xlsx`", "e.g. `--out results.xlsx`"),
    )
}

/// `--chart FILE` that is neither `.svg` nor `.html`.
pub(super) fn chart_kind(path: &Path) -> Result<bool, Diagnostics> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("svg") => Ok(false),
        Some("html" | "htm") => Ok(true),
        _ => Err(eval::bad_options(
            "--chart",
            Text::new(
                format!("无法识别图表文件 `{}` 的格式", path.display()),
                format!("cannot tell the chart format of `{}`", path.display()),
            ),
            Text::new(
                "图表文件以 `.svg` 或 `.html` 结尾",
                "a chart file ends in `.svg` or `.html`",
            ),
        )),
    }
}

/// Runs `simulate`.
pub fn run(
    args: &SimulateArgs,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Status {
    let show = |d: Diagnostics, err: &mut dyn Write| show_diagnostics(settings, d, err);
    let fail = |d: Diagnostics, err: &mut dyn Write| stop(settings, d, err);
    if args.format == SimFormat::Xlsx && args.out.is_none() {
        return fail(xlsx_needs_out(), err);
    }
    let html = match args.chart.as_deref().map(chart_kind) {
        Some(Err(d)) => return fail(d, err),
        Some(Ok(h)) => h,
        None => false,
    };
    let policy = match parse_policy(&args.policy) {
        Ok(p) => p,
        Err(d) => return fail(d, err),
    };
    let (checked, check_diags) = check(&policy);
    if check_diags.has_errors() {
        let errors: Vec<_> =
            check_diags.sorted().into_iter().filter(|d| d.severity == Severity::Error).collect();
        return fail(errors.into(), err);
    }
    let kind = eval::kind_of(&policy, &args.data, args.kind.as_deref()).unwrap_or_default();
    // A CSV register is streamed: memory does not grow with it. Anything else, or a register the
    // streaming runner cannot take, is loaded.
    let mut streamed = None;
    if super::stream::csv_without_imports(&policy, &args.data)
        && let Some((k, opts)) = super::stream::options(
            &policy,
            &args.data,
            args.kind.as_deref(),
            args.year,
            &args.params,
            None,
        )
    {
        let year = opts.year;
        // Smaller blocks than `eval`'s: a simulation consumes each subject's values on one
        // thread, so blocks wait for it, and their values are what peak memory holds.
        let opts = RunOptions { chunk_bytes: 128 << 10, ..opts };
        match Streamed::prepare(&policy, &checked, &k, &args.data, opts, settings.progress) {
            Ok(s) => streamed = Some((s, year)),
            Err(Failure::Data(d)) => return fail(d, err),
            Err(Failure::NotStreamable(_)) => {}
            Err(Failure::Write(e)) => {
                return fail(vec![crate::report::cannot_write(None, &e.to_string())].into(), err);
            }
        }
    }
    let run = |source: &mut dyn Source| {
        let names: Vec<String> =
            source.columns().iter().filter(|c| c.award).map(|c| c.name.clone()).collect();
        let pools = pools::pools(&policy, &names);
        let lines = pools::lines(&policy, &names);
        simulate(source, &pools, &lines, args.distinct_bound.max(1))
    };
    let (sim, diags, year) = match streamed {
        Some((mut source, year)) => {
            let (sim, mut diags) = run(&mut source);
            // The parameters file beside the register, as the in-memory path says it (ZC0914).
            if let Ok(mut schema) = crate::data::Schema::from_policy(&policy, &kind) {
                schema.also_known = super::stack::imported_names(&policy, &kind);
                diags.extend(crate::engine::load::beside_notes(&args.data, &schema, &args.params));
            }
            (sim, diags, year)
        }
        None => {
            let loaded = match eval::load(
                &policy,
                &checked,
                &args.data,
                args.kind.as_deref(),
                args.year,
                &args.params,
                &super::stack::imported_names(&policy, &kind),
            ) {
                Ok(l) => l,
                Err(d) => return fail(d, err),
            };
            let members = match crate::engine::members::load_members(
                &policy,
                &checked,
                &args.data,
                &loaded,
                &args.params,
                &super::stack::imported_names(&policy, &kind),
            ) {
                Ok(m) => m,
                Err(d) => return fail(d, err),
            };
            let mut ev = Evaluator::new(&policy, &checked, loaded.subject, loaded.params.clone());
            ev.param_gaps(&loaded.dataset.param_gaps);
            for m in members {
                ev.add_members(m.kind, m.groups);
            }
            let mut source = Interpreted::new(
                &ev,
                &checked,
                loaded.subject,
                &loaded.dataset.records,
                loaded.year,
                true,
                settings.progress,
            );
            let (sim, mut diags) = run(&mut source);
            // A `--param` over the data's value is said (ZC0913), as `eval` says it.
            diags.extend(loaded.notes.clone());
            (sim, diags, loaded.year)
        }
    };
    let mut status = if diags.has_errors() { Status::Errors } else { Status::Ok };
    let mut diags = diags;
    // A year outside the validity period: no report unless asked for anyway.
    match crate::engine::validity::check_year(&policy, year, args.outside_validity) {
        Some(d) if d.severity == Severity::Error => {
            diags.push(d);
            return fail(diags, err);
        }
        Some(d) => diags.push(d),
        None => {}
    }
    if sim.overflow {
        diags.push(crate::eval::overflow::register_overflow(&policy));
        return fail(diags, err);
    }
    let meta = Meta {
        policy: args.policy.display().to_string(),
        title: policy.header.as_ref().map(|h| h.title.node.clone()),
        data: args.data.display().to_string(),
        subject: kind,
        year,
    };
    let body = match args.format {
        SimFormat::Text => Ok(render::text(&sim, &meta, settings.lang).into_bytes()),
        SimFormat::Json => Ok(render::json(&sim, &meta).into_bytes()),
        SimFormat::Markdown => Ok(render::markdown(&sim, &meta, settings.lang).into_bytes()),
        SimFormat::Xlsx => render::xlsx(&sim, &meta).map_err(|e| e.to_string()),
    };
    let inputs: Vec<PathBuf> = vec![args.policy.clone(), args.data.clone()];
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
    if let Some(path) = &args.chart {
        let picture = if html { chart::html(&sim, &meta) } else { chart::svg(&sim, &meta) };
        if let Err(d) = write_out(path, picture.as_bytes(), &inputs) {
            diags.push(*d);
            status = Status::Usage;
        }
    }
    show(diags, err);
    status
}

//! The command line: `zhengce check PATH...`, `eval`, `explain`, `schema`, `template`, `test`,
//! `gen`, `simulate`, `diff`, `fmt` and `explain-code CODE`.
//!
//! Exit status: 0 when no error was found (warnings allowed), 1 when a policy has errors, 2 for
//! a usage or file problem (a bad command line, a path that cannot be read, no policy files,
//! an unknown code).
//!
//! [`main`] reads the process environment once into an [`Env`] and hands it to [`run`], which
//! writes to the streams it is given, so that the whole command line can be tested in memory.

pub mod args;
pub mod check;
pub mod diff;
pub mod eval;
pub mod explain;
pub mod explain_code;
pub mod fmt;
mod format_ext;
pub mod generate;
pub mod output;
mod pooled;
pub mod schema;
pub mod simulate;
pub mod sql;
mod stream;
pub mod testing;
mod usage_error;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::diagnostics::Lang;
use crate::diagnostics::lang::select_lang;
use crate::diagnostics::render::{Format, HumanStyle};
use crate::engine::files;
use crate::engine::imports as stack;
use args::{Cli, Command};

/// How a command ended; its exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// No error found (warnings allowed): exit 0.
    Ok,
    /// A policy has errors: exit 1.
    Errors,
    /// A usage or file problem: exit 2.
    Usage,
}

impl Status {
    /// The process exit status.
    pub fn code(self) -> u8 {
        match self {
            Status::Ok => 0,
            Status::Errors => 1,
            Status::Usage => 2,
        }
    }
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> ExitCode {
        ExitCode::from(status.code())
    }
}

/// What the command line takes from its environment, read once by [`main`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Env {
    /// `LC_ALL`, if set.
    pub lc_all: Option<String>,
    /// `LC_MESSAGES`, if set.
    pub lc_messages: Option<String>,
    /// `LANG`, if set.
    pub lang: Option<String>,
    /// Whether to colour the human format: standard output is a terminal and `NO_COLOR` is unset
    /// or empty.
    pub color: bool,
    /// The width to wrap the human format to: `COLUMNS` if it is a number of at least 40,
    /// else 100.
    pub width: usize,
    /// Whether long runs may draw a progress bar: standard error is a terminal.
    pub progress: bool,
}

impl Env {
    /// The environment of this process.
    pub fn from_process() -> Env {
        let var = |name: &str| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
        let no_color = var("NO_COLOR").is_some_and(|v| !v.is_empty());
        Env {
            lc_all: var("LC_ALL"),
            lc_messages: var("LC_MESSAGES"),
            lang: var("LANG"),
            color: std::io::stdout().is_terminal() && !no_color,
            width: var("COLUMNS")
                .and_then(|c| c.trim().parse().ok())
                .filter(|w| *w >= 40)
                .unwrap_or(100),
            progress: std::io::stderr().is_terminal(),
        }
    }
}

/// The output settings every subcommand shares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// The language of diagnostics.
    pub lang: Lang,
    /// The format of diagnostics.
    pub format: Format,
    /// How the human format is drawn.
    pub style: HumanStyle,
    /// Whether long runs may draw a progress bar on standard error.
    pub progress: bool,
}

/// Runs the program and returns its exit status. This is what `src/main.rs` calls.
pub fn main() -> ExitCode {
    // `zhengce lsp` speaks on stdout from its own threads: it must not run under the lock below.
    let mut args = std::env::args_os().skip(1);
    if args.next().is_some_and(|a| a == "lsp") && args.next().is_none() {
        return match crate::lsp::run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                emit(&mut std::io::stderr(), &format!("zhengce lsp: {message}\n"));
                ExitCode::FAILURE
            }
        };
    }
    let env = Env::from_process();
    let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
    let status = run(std::env::args_os(), &env, &mut stdout.lock(), &mut stderr.lock());
    if std::env::var_os("ZHENGCE_PEAK_MEMORY").is_some() {
        peak_memory(&mut stderr.lock());
    }
    status.into()
}

/// With `ZHENGCE_PEAK_MEMORY` set, the process's peak resident memory (Linux `VmHWM`) is
/// written to standard error as it ends, as `zhengce-peak-memory-kib: N`, and its CPU time (user
/// and system, every thread) as `zhengce-cpu-ms: N`, for the tests and benchmarks that hold
/// zhengce to its bounds. The kernel keeps the peak, so nothing is missed between samples.
fn peak_memory(err: &mut dyn Write) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .unwrap_or("unknown");
    emit(err, &format!("zhengce-peak-memory-kib: {kib}\n"));
    // utime and stime: the 12th and 13th fields after the command name (in parentheses), in
    // clock ticks of 10 ms.
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> =
        stat.rsplit_once(')').map_or("", |(_, r)| r).split_whitespace().collect();
    let tick = |i: usize| fields.get(i).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
    emit(err, &format!("zhengce-cpu-ms: {}\n", (tick(11) + tick(12)) * 10));
}

/// Runs the command line `args` (the program name first) in `env`, writing to `out` and `err`.
pub fn run<I, T>(args: I, env: &Env, out: &mut dyn Write, err: &mut dyn Write) -> Status
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let parsed = Cli::command()
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m).map(|cli| (cli, m)));
    let (mut cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            // `--help` and `--version` are "errors" that go to standard output with status 0.
            if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                // No command at all: the help, on standard error.
                emit(err, &e.render().to_string());
                return Status::Usage;
            }
            if !e.use_stderr() {
                let text =
                    if env.color { e.render().ansi().to_string() } else { e.render().to_string() };
                emit(out, &text);
                return Status::Ok;
            }
            // A command line that does not parse: ZC0904 in the language and error format the
            // line asks for (read without clap), like every other usage problem.
            let lang = select_lang(
                usage_error::lang_arg(&args),
                env.lc_all.as_deref(),
                env.lc_messages.as_deref(),
                env.lang.as_deref(),
            );
            let style = HumanStyle { color: env.color, width: env.width, ..HumanStyle::default() };
            let d = usage_error::diagnostic(&e).sorted();
            emit(
                err,
                &crate::diagnostics::render::render(
                    &d,
                    lang,
                    usage_error::format_arg(&args),
                    &style,
                ),
            );
            return Status::Usage;
        }
    };
    let explicit = cli.lang.map(Lang::from);
    let settings = Settings {
        lang: select_lang(
            explicit,
            env.lc_all.as_deref(),
            env.lc_messages.as_deref(),
            env.lang.as_deref(),
        ),
        format: cli.error_format.into(),
        style: HumanStyle { color: env.color, width: env.width, ..HumanStyle::default() },
        progress: env.progress,
    };
    // A usage error found before the command runs: shown, and the run stops with status 2.
    let refuse = |err: &mut dyn Write, d: crate::diagnostics::Diagnostics| {
        let text = crate::diagnostics::render::render(
            &d.sorted(),
            settings.lang,
            settings.format,
            &settings.style,
        );
        emit(err, &text);
        Status::Usage
    };
    if let Err(d) = format_ext::reconcile(&mut cli.command, &matches) {
        return refuse(err, d);
    }
    let mut sizes = crate::limits::Sizes::default();
    for setting in &cli.limits {
        if let Err(message) = sizes.apply(setting) {
            let help = crate::diagnostics::Text::new(
                "写成 `--limit 名称=大小`，名称为 `data-file`、`line` 或 `workbook`，例如 `--limit line=4MiB`",
                "write `--limit NAME=SIZE` with the name `data-file`, `line` or `workbook`, such as `--limit line=4MiB`",
            );
            return refuse(err, eval::bad_options("--limit", message, help));
        }
    }
    crate::limits::set_sizes(sizes);
    match &cli.command {
        Command::Check(args) => check::run(args, &settings, out, err),
        Command::ExplainCode(args) => explain_code::run(args, &settings, out, err),
        Command::Eval(args) => eval::run(args, &settings, out, err),
        Command::Explain(args) => explain::run(args, &settings, out, err),
        Command::Schema(args) => schema::run_schema(args, &settings, out, err),
        Command::Template(args) => schema::run_template(args, &settings, out, err),
        Command::Test(args) => testing::run(args, &settings, out, err),
        Command::Gen(args) => generate::run(args, &settings, out, err),
        Command::Simulate(args) => simulate::run(args, &settings, out, err),
        Command::Diff(args) => diff::run(args, &settings, out, err),
        Command::Fmt(args) => fmt::run(args, &settings, out, err),
        Command::Sql(args) => sql::run(args, &settings, out, err),
        // Run by `main` before standard output is locked; with other options it is refused.
        Command::Lsp => {
            emit(err, "zhengce lsp: run it without options (`zhengce lsp`)\n");
            Status::Usage
        }
        Command::Serve(args) => {
            let config =
                crate::serve::Config { dir: args.dir.clone(), bind: args.bind, port: args.port };
            match crate::serve::run(&config) {
                Ok(()) => Status::Ok,
                Err(message) => {
                    emit(err, &format!("zhengce serve: {message}\n"));
                    Status::Usage
                }
            }
        }
    }
}

/// Writes text to a stream. A failed write (most often a closed pipe, as in `zhengce check . |
/// head`) means nobody reads any more; there is nowhere left to report it, so it is dropped.
fn emit(stream: &mut dyn Write, text: &str) {
    let _ = stream.write_all(text.as_bytes()).and_then(|()| stream.flush());
}

//! `--format` and the extension of `--out`: a report is written in the format its file name
//! says when `--format` is not given (`--out 结果.xlsx` writes a workbook, `--out 模板.toml` a
//! TOML file), and a `--format` that contradicts the extension is refused: CSV text in a file
//! named `.xlsx` is a file Excel calls corrupt.

use std::path::Path;

use clap::ArgMatches;
use clap::parser::ValueSource;

use super::args::{Command, ReportFormat, SimFormat, TemplateFormat};
use crate::diagnostics::{Diagnostics, Text};

/// A format each extension names, for one command's `--format` values.
trait ByExtension: Sized + Copy + PartialEq {
    /// The format a file extension (lower case) names, if it names one of this command's.
    fn from_extension(ext: &str) -> Option<Self>;
    /// The `--format` value as typed.
    fn shown(self) -> &'static str;
    /// The extensions of the files the command writes, for a message.
    const WRITTEN: &'static str;
    /// The extension of a file in this format.
    fn extension(self) -> &'static str {
        match self.shown() {
            "text" => "txt",
            "markdown" | "basis" => "md",
            other => other,
        }
    }
}

impl ByExtension for ReportFormat {
    const WRITTEN: &'static str = "`.txt`、`.json`、`.jsonl`、`.md`、`.csv`、`.xlsx`";
    fn from_extension(ext: &str) -> Option<Self> {
        Some(match ext {
            "txt" => ReportFormat::Text,
            "json" => ReportFormat::Json,
            "jsonl" => ReportFormat::Jsonl,
            "md" | "markdown" => ReportFormat::Markdown,
            "csv" => ReportFormat::Csv,
            "xlsx" => ReportFormat::Xlsx,
            _ => return None,
        })
    }
    fn shown(self) -> &'static str {
        match self {
            ReportFormat::Text => "text",
            ReportFormat::Json => "json",
            ReportFormat::Jsonl => "jsonl",
            ReportFormat::Markdown => "markdown",
            ReportFormat::Csv => "csv",
            ReportFormat::Basis => "basis",
            ReportFormat::Xlsx => "xlsx",
        }
    }
}

impl ByExtension for SimFormat {
    const WRITTEN: &'static str = "`.txt`、`.json`、`.md`、`.xlsx`";
    fn from_extension(ext: &str) -> Option<Self> {
        Some(match ext {
            "txt" => SimFormat::Text,
            "json" => SimFormat::Json,
            "md" | "markdown" => SimFormat::Markdown,
            "xlsx" => SimFormat::Xlsx,
            _ => return None,
        })
    }
    fn shown(self) -> &'static str {
        match self {
            SimFormat::Text => "text",
            SimFormat::Json => "json",
            SimFormat::Markdown => "markdown",
            SimFormat::Xlsx => "xlsx",
        }
    }
}

impl ByExtension for TemplateFormat {
    const WRITTEN: &'static str = "`.csv`、`.toml`、`.xlsx`";
    fn from_extension(ext: &str) -> Option<Self> {
        Some(match ext {
            "csv" => TemplateFormat::Csv,
            "toml" => TemplateFormat::Toml,
            "xlsx" => TemplateFormat::Xlsx,
            _ => return None,
        })
    }
    fn shown(self) -> &'static str {
        match self {
            TemplateFormat::Csv => "csv",
            TemplateFormat::Toml => "toml",
            TemplateFormat::Xlsx => "xlsx",
        }
    }
}

/// Sets each command's format from its `--out` extension when `--format` is not given; refuses
/// a `--format` that names another format than the extension does.
pub(super) fn reconcile(command: &mut Command, matches: &ArgMatches) -> Result<(), Diagnostics> {
    let Some((name, sub)) = matches.subcommand() else { return Ok(()) };
    // Asked only of the commands that have `--format` (clap refuses unknown ids).
    let given = || sub.value_source("format") == Some(ValueSource::CommandLine);
    match command {
        Command::Eval(a) => settle(&mut a.format, a.out.as_deref(), given(), name),
        Command::Simulate(a) => settle(&mut a.format, a.out.as_deref(), given(), name),
        Command::Diff(a) => settle(&mut a.format, a.out.as_deref(), given(), name),
        Command::Template(a) => settle(&mut a.format, a.out.as_deref(), given(), name),
        // `gen` has no `--format`: the extension says it (`.csv`, `.xlsx`, `.parquet`; CSV for
        // any other), but one naming a format it does not write is refused.
        Command::Gen(a) => match a.out.as_deref().and_then(extension) {
            Some(ext) if !matches!(ext.as_str(), "csv" | "xlsx" | "parquet") => {
                refuse_foreign(a.out.as_deref(), &ext, "`.csv`、`.xlsx`、`.parquet`", name)
            }
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

/// The extensions that name a file format (of data, reports or pages): a file so named holds
/// that format, so that a command that cannot write it refuses the name rather than write
/// another format under it (CSV text in `.json`, a text report in `.html`). Other extensions
/// (`.txt`, `.out`, none) take the command's format.
const FORMATS: &[&str] = &[
    "json", "jsonl", "md", "markdown", "csv", "xlsx", "xls", "toml", "parquet", "html", "htm",
    "svg",
];

/// The extension of `out`, in lower case.
fn extension(out: &Path) -> Option<String> {
    out.extension().and_then(|e| e.to_str()).map(str::to_lowercase)
}

/// Refuses `--out` whose extension `ext` names a format of [`FORMATS`] that `command` does not
/// write (`written`, its extensions); accepts any other.
fn refuse_foreign(
    out: Option<&Path>,
    ext: &str,
    written: &str,
    command: &str,
) -> Result<(), Diagnostics> {
    let Some(out) = out else { return Ok(()) };
    if !FORMATS.contains(&ext) {
        return Ok(());
    }
    let file = out.display();
    let written_en = written.replace('、', ", ");
    Err(super::eval::bad_options(
        "--out",
        Text::new(
            format!("`zhengce {command}` 不能写输出文件 `{file}` 的扩展名（{ext}）所指的格式"),
            format!(
                "`zhengce {command}` does not write the format the extension of `{file}` names ({ext})"
            ),
        ),
        Text::new(
            format!("把文件改名为 {written} 之一；`zhengce {command} --help` 列出格式"),
            format!(
                "name the file with one of {written_en}; `zhengce {command} --help` lists the formats"
            ),
        ),
    ))
}

fn settle<F: ByExtension>(
    format: &mut F,
    out: Option<&Path>,
    given: bool,
    command: &str,
) -> Result<(), Diagnostics> {
    let Some(out) = out else { return Ok(()) };
    let Some(ext) = extension(out) else {
        return Ok(());
    };
    let Some(named) = F::from_extension(&ext) else {
        return refuse_foreign(Some(out), &ext, F::WRITTEN, command);
    };
    if !given {
        *format = named;
        return Ok(());
    }
    // `basis` is Markdown: a `.md` file may hold it.
    if *format == named || (format.shown() == "basis" && named.shown() == "markdown") {
        return Ok(());
    }
    let (f, n, file, e) = (format.shown(), named.shown(), out.display(), format.extension());
    Err(super::eval::bad_options(
        "--format",
        Text::new(
            format!("`--format {f}` 与输出文件 `{file}` 的扩展名（{n}）不一致"),
            format!("`--format {f}` does not match the extension of `{file}` ({n})"),
        ),
        Text::new(
            format!(
                "去掉 `--format`（按扩展名写成 {n}），或把文件改名为 `.{e}`；`zhengce {command} --help` 列出格式"
            ),
            format!(
                "leave out `--format` (the extension gives {n}), or name the file `.{e}`; `zhengce {command} --help` lists the formats"
            ),
        ),
    ))
}

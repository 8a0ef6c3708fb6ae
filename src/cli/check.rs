//! `zhengce check PATH...`: check policy files and report every problem found.

use std::io::Write;

use super::args::CheckArgs;
use super::{Settings, Status, emit, files};
use crate::check::check_sources;
use crate::diagnostics::render::{Format, render, summary};
use crate::diagnostics::{Code, Diagnostics, Severity};

/// Reads the files named by `args`, checks them, writes the diagnostics and then the summary
/// line to `out` (with `--error-format json` the summary goes to `err`, so that `out` stays one
/// JSON document), and returns the exit status.
pub fn run(
    args: &CheckArgs,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Status {
    let loaded = files::load(&args.paths);
    let mut diagnostics = loaded.diagnostics;
    if !loaded.sources.is_empty() {
        diagnostics.extend(check_sources(&loaded.sources));
    }
    let status = status_of(&diagnostics);
    let sorted = diagnostics.sorted();
    emit(out, &render(&sorted, settings.lang, settings.format, &settings.style));
    let line = format!("{}\n", summary(&sorted, settings.lang));
    match settings.format {
        Format::Json => emit(err, &line),
        Format::Human | Format::Plain => emit(out, &line),
    }
    status
}

/// Whether a code reports a problem with files or usage (`ZC09xx`) rather than with a policy.
pub fn is_usage_code(code: Code) -> bool {
    code.id().starts_with("ZC09")
}

/// The exit status for a run's diagnostics: [`Status::Usage`] if any is about files or usage,
/// else [`Status::Errors`] if any is an error, else [`Status::Ok`] (warnings allowed).
pub fn status_of(diagnostics: &Diagnostics) -> Status {
    if diagnostics.iter().any(|d| is_usage_code(d.code)) {
        Status::Usage
    } else if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        Status::Errors
    } else {
        Status::Ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Diagnostic, Text};

    fn diags(codes: &[Code]) -> Diagnostics {
        codes.iter().map(|c| Diagnostic::new(*c, Text::new("甲", "a"))).collect::<Vec<_>>().into()
    }

    #[test]
    fn exit_status() {
        assert_eq!(status_of(&diags(&[])), Status::Ok);
        assert_eq!(status_of(&diags(&[Code::Unused, Code::TotalMismatch])), Status::Ok);
        assert_eq!(status_of(&diags(&[Code::Unused, Code::UnknownName])), Status::Errors);
        assert_eq!(status_of(&diags(&[Code::UnknownName, Code::Io])), Status::Usage);
        assert_eq!(status_of(&diags(&[Code::NoPolicyFiles])), Status::Usage);
    }
}

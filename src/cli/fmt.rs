//! `zhengce fmt [--check] PATH...`: lay policy files out in the one canonical layout.
//!
//! Without `--check`, each file whose text changes is rewritten through a temporary file
//! renamed into place. With `--check`, nothing is written: each file that would change is named,
//! with a short diff, and the exit status is 1 if any would. A file with syntax errors, or one
//! the formatter cannot reproduce exactly ([`Code::FormatCheck`](crate::diagnostics::Code)), is
//! reported and left untouched.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::FmtArgs;
use super::check::status_of;
use super::output::{AtomicFile, cannot_write};
use super::{Settings, Status, emit, files};
use crate::diagnostics::Lang;
use crate::diagnostics::render::{Format, render, summary};
use crate::format::{diff, format};

pub fn run(
    args: &FmtArgs,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Status {
    let loaded = files::load(&args.paths);
    let mut diagnostics = loaded.diagnostics;
    let zh = settings.lang == Lang::Zh;
    let mut changed = 0usize;
    let mut report = String::new();
    for source in &loaded.sources {
        let text = match format(source) {
            Ok(text) => text,
            Err(diags) => {
                diagnostics.extend(diags);
                continue;
            }
        };
        if text == source.text {
            continue;
        }
        let name = &source.name;
        if args.check {
            changed += 1;
            report.push_str(&if zh {
                format!("需要格式化：{name}\n")
            } else {
                format!("would reformat {name}\n")
            });
            if let Some(d) = diff::unified(name, &source.text, &text) {
                report.push_str(&d);
            }
        } else {
            // Formatting rewrites the policy file it read, on purpose.
            match replace(&PathBuf::from(name), text.as_bytes()) {
                Ok(()) => {
                    changed += 1;
                    report.push_str(&if zh {
                        format!("已格式化：{name}\n")
                    } else {
                        format!("formatted {name}\n")
                    });
                }
                Err(d) => diagnostics.push(*d),
            }
        }
    }
    let mut status = status_of(&diagnostics);
    if args.check && changed > 0 && status == Status::Ok {
        status = Status::Errors;
    }
    let sorted = diagnostics.sorted();
    if !sorted.is_empty() {
        emit(out, &render(&sorted, settings.lang, settings.format, &settings.style));
    }
    let count = loaded.sources.len();
    let tally = match (args.check, zh) {
        (true, true) => format!("{changed} 个文件需要格式化，共 {count} 个"),
        (true, false) => format!("{changed} of {count} files would be reformatted"),
        (false, true) => format!("已格式化 {changed} 个文件，共 {count} 个"),
        (false, false) => format!("{changed} of {count} files reformatted"),
    };
    let mut line = tally;
    if !sorted.is_empty() {
        line.push_str(if zh { "；" } else { "; " });
        line.push_str(&summary(&sorted, settings.lang));
    }
    line.push('\n');
    match settings.format {
        Format::Json => {
            emit(err, &report);
            emit(err, &line);
        }
        Format::Human | Format::Plain => {
            emit(out, &report);
            emit(out, &line);
        }
    }
    status
}

/// Writes `text` over the policy file `path` through a temporary file renamed into place.
fn replace(path: &Path, text: &[u8]) -> Result<(), Box<crate::diagnostics::Diagnostic>> {
    let mut file = AtomicFile::replacing(path)?;
    file.write_all(text).map_err(|e| Box::new(cannot_write(Some(path), &e.to_string())))?;
    file.commit()
}

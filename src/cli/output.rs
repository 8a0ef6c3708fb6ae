//! Writing files safely: every file zhengce writes goes to a temporary file beside its
//! destination and is renamed into place only when complete, and never over an input.
//!
//! [`write_out`] writes a whole body at once; [`AtomicFile`] streams a large output (a per-row
//! report of a whole register) and is renamed into place by [`AtomicFile::commit`]. A file
//! dropped without being committed is removed, so an interrupted run leaves the destination as
//! it was.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::{Code, Diagnostic, Text};
use crate::source::{Loc, SourceFile, Span};

/// Writes `body` to `path` through a temporary file renamed into place, refusing to
/// overwrite an input: a policy file or directory given, a policy file found, a data file read.
pub fn write_out(path: &Path, body: &[u8], inputs: &[PathBuf]) -> Result<(), Box<Diagnostic>> {
    let mut file = AtomicFile::create(path, inputs)?;
    file.write_all(body).map_err(|e| Box::new(cannot_write(Some(path), &e.to_string())))?;
    file.commit()
}

/// An output file being written: bytes go to a temporary file beside `path`, which
/// [`commit`](AtomicFile::commit) renames into place. Dropped uncommitted, the temporary file
/// is removed.
pub struct AtomicFile {
    path: PathBuf,
    /// The temporary file; `None` when `path` is a device or a pipe, written directly.
    tmp: Option<PathBuf>,
    out: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Opens a temporary file for `path`, refusing when `path` is one of `inputs` or a policy
    /// file (`.zc`: the policies a stacking rule imports are read too, and a report never
    /// belongs in one).
    ///
    /// The temporary file has a name of its own (`.NAME.PID.N.tmp` beside `path`) and is
    /// created only if nothing has that name, so that it never truncates an existing file nor
    /// follows a symbolic link put in its place, and two runs writing beside each other do not
    /// meet.
    pub fn create(path: &Path, inputs: &[PathBuf]) -> Result<AtomicFile, Box<Diagnostic>> {
        let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        };
        if inputs.iter().any(|i| same(i, path)) || super::files::is_policy_file(path) {
            return Err(Box::new(overwrites_input(path)));
        }
        AtomicFile::beside(path)
    }

    /// Opens a temporary file for `path` with no check of what `path` is: for `fmt`, whose
    /// job is to rewrite the policy file it read (and only once the new text has been parsed
    /// back to the same policy).
    pub fn replacing(path: &Path) -> Result<AtomicFile, Box<Diagnostic>> {
        AtomicFile::beside(path)
    }

    fn beside(path: &Path) -> Result<AtomicFile, Box<Diagnostic>> {
        // A device or a pipe (`/dev/stdout`, a named pipe) is written as it is: renaming a file
        // over it would replace the device with a file.
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| Box::new(cannot_write(Some(path), &e.to_string())))?;
            return Ok(AtomicFile {
                path: path.to_path_buf(),
                tmp: None,
                out: Some(BufWriter::with_capacity(1 << 16, file)),
            });
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
        let mut attempt = 0u32;
        let (tmp, file) = loop {
            let tmp = path.with_file_name(format!(".{name}.{}.{attempt}.tmp", std::process::id()));
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp) {
                Ok(f) => break (tmp, f),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                    attempt += 1;
                }
                Err(e) => return Err(Box::new(cannot_write(Some(path), &e.to_string()))),
            }
        };
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp: Some(tmp),
            out: Some(BufWriter::with_capacity(1 << 16, file)),
        })
    }

    /// Flushes the temporary file and renames it into place.
    pub fn commit(mut self) -> Result<(), Box<Diagnostic>> {
        let result = match self.out.take() {
            Some(out) => {
                out.into_inner().map_err(|e| e.error().to_string()).and_then(|f| match &self.tmp {
                    Some(tmp) => f
                        .sync_all()
                        .and_then(|()| std::fs::rename(tmp, &self.path))
                        .map_err(|e| e.to_string()),
                    None => Ok(()),
                })
            }
            None => Err("the output was already closed".to_string()),
        };
        result.map_err(|why| {
            if let Some(tmp) = &self.tmp {
                let _ = std::fs::remove_file(tmp);
            }
            Box::new(cannot_write(Some(&self.path), &why))
        })
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.out.as_mut() {
            Some(out) => out.write(buf),
            None => Err(std::io::Error::other("the output was already closed")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.out.as_mut() {
            Some(out) => out.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.out.take().is_some()
            && let Some(tmp) = &self.tmp
        {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// A [`Code::Io`] diagnostic: `path` would be written over an input.
fn overwrites_input(path: &Path) -> Diagnostic {
    let name = path.display().to_string();
    let file: Arc<SourceFile> = SourceFile::new(name.clone(), "");
    Diagnostic::new(
        Code::Io,
        Text::new(
            format!("`--out {name}` 会覆盖输入文件"),
            format!("`--out {name}` would overwrite an input"),
        ),
    )
    .at(Loc::new(&file, Span::default()), Text::new("输出文件", "output file"))
    .help(Text::new(
        "换一个输出文件名；报告不能写在输入文件或政策文件（`.zc`）上",
        "choose another output file; a report is never written over an input or a policy file (`.zc`)",
    ))
}

pub use crate::report::cannot_write;

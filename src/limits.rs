//! The limits that keep any input from exhausting time or memory, and the one way every input
//! file is read.
//!
//! Each limit, when passed, is a coded diagnostic, never a panic, a hang or a silent cut:
//!
//! | limit | default | code |
//! |---|---|---|
//! | size of a policy file (and of an imported one) | [`MAX_POLICY_BYTES`], 1 MiB | `ZC0905` |
//! | size of a data, test or snapshot file | [`MAX_DATA_BYTES`], 256 MiB | `ZC0905` |
//! | rows of subjects in one data file | [`MAX_ROWS`], 1,000,000 | `ZC0906` |
//! | columns of one data file | [`MAX_COLUMNS`], 16,384 (a worksheet's) | `ZC0906` |
//! | nesting of brackets, `若` and prefix operators | `parser::MAX_NESTING`, 64 | `ZC0104` |
//! | operations in one expression | `parser::MAX_EXPR_DEPTH`, 256 | `ZC0104` |
//! | a chain of definitions (checking) | `depth::MAX_REFERENCE_DEPTH`, 256 | `ZC0104` |
//! | depth of references during evaluation | `eval::MAX_DEPTH`, 256 | `ZC0706` |
//! | evaluation steps for one subject | [`MAX_EVAL_STEPS`], 10,000,000 | `ZC0706` |
//!
//! Decimals are `rust_decimal` values: 28 significant digits, checked arithmetic. A literal
//! that does not fit is `ZC0102`; an overflow or a division by zero while evaluating is
//! `ZC0702` or `ZC0701`.
//!
//! Imports stay inside the policy root ([`resolve_import`]).

use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::{Code, Diagnostic, Text};
use crate::source::{Loc, SourceFile, Span};

/// The largest policy file read, in bytes.
pub const MAX_POLICY_BYTES: u64 = 1 << 20;
/// The largest data file (and test case or snapshot file) read, in bytes.
pub const MAX_DATA_BYTES: u64 = 256 << 20;
/// The most rows of subjects one data file may hold.
pub const MAX_ROWS: usize = 1_000_000;
/// The most columns one data file may hold.
pub const MAX_COLUMNS: usize = 16_384;
/// The most expressions evaluated for one subject in one evaluation (yearly functions nested
/// in each other multiply the work: `累计(累计(累计(x)))` looks back over years of years).
pub const MAX_EVAL_STEPS: u64 = 10_000_000;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// The file system's error.
    Io(std::io::Error),
    /// The file is larger than the limit (its size as far as it was read, and the limit).
    TooLarge(u64, u64),
}

/// Reads a file of at most `max` bytes. The size is checked before reading and again while
/// reading, so that a file that grows, or a device that never ends, stops at the limit.
pub fn read_file(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let size = file.metadata().map_err(ReadError::Io)?.len();
    if size > max {
        return Err(ReadError::TooLarge(size, max));
    }
    let mut bytes = Vec::new();
    file.take(max.saturating_add(1)).read_to_end(&mut bytes).map_err(ReadError::Io)?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > max {
        return Err(ReadError::TooLarge(read, max));
    }
    Ok(bytes)
}

/// Reads a UTF-8 text file (a byte-order mark is kept) of at most `max` bytes.
pub fn read_text(path: &Path, max: u64) -> Result<String, ReadError> {
    let bytes = read_file(path, max)?;
    String::from_utf8(bytes).map_err(|e| {
        ReadError::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()))
    })
}

/// `ZC0905`: a file larger than its limit, labelled at `loc` (an empty span of the file itself,
/// or the import that names it).
pub fn too_large(name: &str, size: u64, max: u64, loc: Loc) -> Diagnostic {
    let limit =
        if max.is_multiple_of(1 << 20) { format!("{} MiB", max >> 20) } else { format!("{max}") };
    Diagnostic::new(
        Code::FileTooLarge,
        Text::new(
            format!("文件 `{name}` 过大（至少 {size} 字节，上限 {limit}）"),
            format!("file `{name}` is too large (at least {size} bytes; the limit is {limit})"),
        ),
    )
    .at(loc, Text::new("这个文件", "this file"))
    .help(Text::new(
        "检查是否给错了文件；数据过多时请分成几个文件分别评估",
        "check that this is the right file; split data that large into several files",
    ))
}

/// `ZC0905` for a file read from the command line, labelled at the start of an empty file of
/// that name.
pub fn file_too_large(name: &str, size: u64, max: u64) -> Diagnostic {
    let file = SourceFile::new(name, "");
    too_large(name, size, max, Loc::new(&file, Span::default()))
}

/// Why an import was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escape {
    /// `/etc/x.zc`, `C:\x.zc`.
    Absolute,
    /// `../x.zc`.
    Parent,
    /// A symbolic link (of the file or a folder on the way) leading out of the root.
    Link,
}

/// The file an import names, if it lies inside the policy root.
///
/// The policy root is the folder of the policy file given to zhengce (named on the command line
/// or found in a folder named there). An import's path is relative to the folder of the file
/// that writes it, and must stay inside the root: an absolute path, a `..` component, or a
/// symbolic link whose target lies outside the root is refused, so that a policy received from
/// someone else reads nothing but the files beside it. A path to a file that does not exist is
/// returned as it is (reading it fails and is reported as such).
pub fn resolve_import(root: &Path, from: &Path, import: &str) -> Result<PathBuf, Escape> {
    let rel = Path::new(import);
    let drive = import.get(1..3).is_some_and(|s| s == ":\\" || s == ":/");
    if rel.is_absolute() || rel.has_root() || drive || import.starts_with('\\') {
        return Err(Escape::Absolute);
    }
    for c in rel.components() {
        match c {
            Component::Normal(_) | Component::CurDir => {}
            Component::ParentDir => return Err(Escape::Parent),
            Component::RootDir | Component::Prefix(_) => return Err(Escape::Absolute),
        }
    }
    if import.split(['/', '\\']).any(|part| part == "..") {
        return Err(Escape::Parent);
    }
    let path = from.join(rel);
    let dir =
        |p: &Path| if p.as_os_str().is_empty() { PathBuf::from(".") } else { p.to_path_buf() };
    let Ok(real_root) = dir(root).canonicalize() else {
        return Ok(path);
    };
    match path.canonicalize() {
        Ok(real) if !real.starts_with(&real_root) => Err(Escape::Link),
        _ => Ok(path),
    }
}

/// `ZC0211`: an import refused by [`resolve_import`], labelled at the import's path.
pub fn import_outside_root(
    file: &Arc<SourceFile>,
    span: Span,
    import: &str,
    why: Escape,
) -> Diagnostic {
    let (zh, en) = match why {
        Escape::Absolute => ("绝对路径", "an absolute path"),
        Escape::Parent => ("`..` 指向上级目录", "`..` leads out of the folder"),
        Escape::Link => {
            ("符号链接指向政策根目录之外", "a symbolic link leads out of the policy root")
        }
    };
    Diagnostic::new(
        Code::ImportOutsideRoot,
        Text::new(
            format!("引用的政策 `{import}` 在政策根目录之外"),
            format!("imported policy `{import}` lies outside the policy root"),
        ),
    )
    .at(Loc::new(file, span), Text::new(zh, en))
    .help(Text::new(
        "只能引用政策文件所在目录（政策根目录）及其子目录中的文件，路径写成相对路径，不含 `..`；把被引用的政策复制到本政策旁边",
        "a policy may import only files in the folder of the policy given (the policy root) or below it, by a relative path without `..`; copy the imported policy beside this one",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_outside_the_root_are_refused() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
        let ok = |p: &str| resolve_import(&root, &root, p);
        assert_eq!(ok("zezhou.zc").unwrap(), root.join("zezhou.zc"));
        assert_eq!(ok("./zezhou.zc").unwrap(), root.join("./zezhou.zc"));
        assert_eq!(ok("missing/x.zc").unwrap(), root.join("missing/x.zc"));
        for p in ["/etc/passwd", "\\\\server\\x.zc", "C:\\x.zc", "c:/x.zc"] {
            assert_eq!(ok(p), Err(Escape::Absolute), "{p}");
        }
        for p in ["../README.md", "a/../../x.zc", "..", "a\\..\\..\\x.zc"] {
            assert_eq!(ok(p), Err(Escape::Parent), "{p}");
        }
    }

    #[test]
    fn files_over_the_limit_are_not_read() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/zezhou.zc");
        assert!(read_file(&path, MAX_POLICY_BYTES).is_ok());
        assert!(matches!(read_file(&path, 100), Err(ReadError::TooLarge(_, 100))));
        assert!(matches!(read_file(Path::new("/nonexistent/x"), 100), Err(ReadError::Io(_))));
        // A device that never ends stops at the limit.
        if Path::new("/dev/zero").exists() {
            assert!(matches!(
                read_file(Path::new("/dev/zero"), 1000),
                Err(ReadError::TooLarge(1001, 1000))
            ));
        }
    }
}

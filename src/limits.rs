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
//! | characters of one cell | [`MAX_CELL_CHARS`], 32,767 (Excel's) | `ZC0907` |
//! | bytes of one CSV record (a line) | [`MAX_LINE_BYTES`], 1 MiB | `ZC0910` |
//! | bytes a workbook inflates to, all parts together | [`MAX_INFLATED_BYTES`], 1 GiB | `ZC0911` |
//! | inflated size of a workbook part against its compressed size | [`MAX_INFLATE_RATIO`], 100 to 1 | `ZC0911` |
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
//!
//! Sizes are checked while a file is read, never after: a CSV file is scanned as it is read
//! ([`CsvScan`], [`read_csv`]), so that a cell or a line past its limit stops the reading about
//! the limit's bytes after it starts; a workbook's parts are inflated and scanned before the
//! spreadsheet reader opens it (`data::xlsx`). The size of a data file, of a CSV line and of an
//! inflated workbook can be changed for one run (`--limit NAME=SIZE`, [`Sizes`]).

use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

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

/// The most characters one cell may hold: Excel's limit, which no register needs to pass.
pub const MAX_CELL_CHARS: usize = 32_767;
/// The most bytes one cell of a text file may take before it is decoded. A character takes at
/// most four bytes (and a doubled quote two for one), so a cell longer than this has more than
/// [`MAX_CELL_CHARS`] characters, whatever its encoding; the characters of a shorter cell are
/// counted once it is decoded.
pub const MAX_CELL_BYTES: u64 = 4 * 32_767;
/// The longest record (line) of a CSV file, in bytes, by default.
pub const MAX_LINE_BYTES: u64 = 1 << 20;
/// The most bytes the parts of a workbook may inflate to, all together, by default.
pub const MAX_INFLATED_BYTES: u64 = 1 << 30;
/// The most a workbook part may inflate to per byte of its compressed size (a worksheet
/// compresses ten to thirty times; a zip bomb a thousand).
pub const MAX_INFLATE_RATIO: u64 = 100;
/// Parts inflating to less than this are not held to [`MAX_INFLATE_RATIO`]: a small part of
/// repeated markup may compress far better than a sheet.
pub const RATIO_GRACE_BYTES: u64 = 1 << 20;
/// The longest run of text, or tag, in a workbook's XML, in bytes: a cell's characters, each
/// escaped (`&quot;` takes six bytes for one character).
pub const MAX_XML_RUN_BYTES: u64 = 8 * 32_767;

/// The size limits a run may change (`--limit NAME=SIZE`); the others are fixed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sizes {
    /// The largest data (test case, snapshot) file, in bytes (`data-file`).
    pub data_file: u64,
    /// The longest CSV record, in bytes (`line`).
    pub line: u64,
    /// The most a workbook may inflate to, in bytes (`workbook`).
    pub workbook: u64,
}

impl Default for Sizes {
    fn default() -> Self {
        Sizes { data_file: MAX_DATA_BYTES, line: MAX_LINE_BYTES, workbook: MAX_INFLATED_BYTES }
    }
}

static DATA_FILE: AtomicU64 = AtomicU64::new(MAX_DATA_BYTES);
static LINE: AtomicU64 = AtomicU64::new(MAX_LINE_BYTES);
static WORKBOOK: AtomicU64 = AtomicU64::new(MAX_INFLATED_BYTES);

/// The size limits in force: the defaults, or those the command line set ([`set_sizes`]).
pub fn sizes() -> Sizes {
    Sizes {
        data_file: DATA_FILE.load(Ordering::Relaxed),
        line: LINE.load(Ordering::Relaxed),
        workbook: WORKBOOK.load(Ordering::Relaxed),
    }
}

/// Sets the size limits for the rest of the process (the command line does, once per run).
pub fn set_sizes(s: Sizes) {
    DATA_FILE.store(s.data_file, Ordering::Relaxed);
    LINE.store(s.line, Ordering::Relaxed);
    WORKBOOK.store(s.workbook, Ordering::Relaxed);
}

impl Sizes {
    /// Applies one `NAME=SIZE` setting: `data-file`, `line` or `workbook`, a size in bytes or
    /// with `KiB`, `MiB` or `GiB`. On failure, what is wrong, in Chinese and English.
    pub fn apply(&mut self, setting: &str) -> Result<(), Text> {
        let (name, size) = setting.split_once('=').unwrap_or((setting, ""));
        let slot = match name.trim() {
            "data-file" => &mut self.data_file,
            "line" => &mut self.line,
            "workbook" => &mut self.workbook,
            other => {
                return Err(Text::new(
                    format!("没有名为 `{other}` 的上限，可设置 `data-file`、`line`、`workbook`"),
                    format!(
                        "there is no limit named `{other}`; the limits are `data-file`, `line` and `workbook`"
                    ),
                ));
            }
        };
        let size = size.trim();
        let (digits, unit) = size
            .find(|c: char| !c.is_ascii_digit())
            .map_or((size, ""), |i| (size.get(..i).unwrap_or(""), size.get(i..).unwrap_or("")));
        let shift = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 0,
            "kib" | "k" => 10,
            "mib" | "m" => 20,
            "gib" | "g" => 30,
            _ => 64,
        };
        match digits.parse::<u64>().ok().filter(|n| *n > 0 && shift < 64) {
            Some(n) if n.leading_zeros() >= shift => {
                *slot = n << shift;
                Ok(())
            }
            _ => Err(Text::new(
                format!("`{size}` 不是有效的大小，应写成如 `4MiB`、`2GiB` 或字节数"),
                format!(
                    "`{size}` is not a size; write one such as `4MiB`, `2GiB` or a number of bytes"
                ),
            )),
        }
    }
}

/// A size for people: `1 MiB`, `1000 B`.
pub fn show_size(n: u64) -> String {
    if n >= 1 << 30 && n.is_multiple_of(1 << 30) {
        format!("{} GiB", n >> 30)
    } else if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} B")
    }
}

/// What a [`CsvScan`] found past its limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlong {
    /// A cell longer than [`MAX_CELL_BYTES`].
    Cell,
    /// A record longer than the line limit.
    Line,
}

/// A cell or a line past its limit: what, the byte offset where it starts, and the limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    pub what: Overlong,
    pub start: u64,
    pub limit: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CsvState {
    /// At the start of a cell.
    Start,
    /// In a cell without quotes (or after a quoted part).
    Plain,
    /// Inside quotes.
    Quoted,
    /// At a quote inside quotes: the end of the quotes, or the first of a doubled quote.
    QuoteEnd,
}

/// Measures the cells and records of a CSV text as it is read, piece by piece, as the `csv`
/// crate splits them: a quote opens a quoted part only at the start of a cell, a doubled quote
/// inside quotes is a quote, and a line ends at `\n` or `\r` outside quotes.
#[derive(Clone, Debug)]
pub struct CsvScan {
    pos: u64,
    cell_start: u64,
    line_start: u64,
    state: CsvState,
    max_cell: u64,
    max_line: u64,
}

impl CsvScan {
    /// A scan with the cell limit [`MAX_CELL_BYTES`] and the line limit `max_line`.
    pub fn new(max_line: u64) -> Self {
        CsvScan {
            pos: 0,
            cell_start: 0,
            line_start: 0,
            state: CsvState::Start,
            max_cell: MAX_CELL_BYTES,
            max_line,
        }
    }

    /// Reads the next piece of the text; the first cell or line past its limit, if any.
    pub fn feed(&mut self, piece: &[u8]) -> Option<Found> {
        for &b in piece {
            self.pos += 1;
            self.state = match (self.state, b) {
                (CsvState::Quoted, b'"') => CsvState::QuoteEnd,
                (CsvState::Quoted, _) => CsvState::Quoted,
                (CsvState::Start | CsvState::QuoteEnd, b'"') => CsvState::Quoted,
                (_, b',') => {
                    self.cell_start = self.pos;
                    CsvState::Start
                }
                (_, b'\n' | b'\r') => {
                    self.cell_start = self.pos;
                    self.line_start = self.pos;
                    CsvState::Start
                }
                _ => CsvState::Plain,
            };
            if self.pos - self.cell_start > self.max_cell {
                return Some(Found {
                    what: Overlong::Cell,
                    start: self.cell_start,
                    limit: self.max_cell,
                });
            }
            if self.pos - self.line_start > self.max_line {
                return Some(Found {
                    what: Overlong::Line,
                    start: self.line_start,
                    limit: self.max_line,
                });
            }
        }
        None
    }
}

/// Why a CSV file was not read.
#[derive(Debug)]
pub enum CsvReadError {
    /// The file could not be read, or is too large.
    Read(ReadError),
    /// A cell or a line past its limit, and the bytes read up to about the limit past its
    /// start.
    Overlong(Vec<u8>, Found),
}

/// Reads a CSV file of at most `max` bytes, scanning it as it is read: a cell or a line past
/// its limit stops the reading there, having read about the limit past its start.
pub fn read_csv(path: &Path, max: u64, mut scan: CsvScan) -> Result<Vec<u8>, CsvReadError> {
    let io = |e| CsvReadError::Read(ReadError::Io(e));
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > max {
        return Err(CsvReadError::Read(ReadError::TooLarge(size, max)));
    }
    let mut input = file.take(max.saturating_add(1));
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io(e)),
        };
        let piece = buf.get(..n).unwrap_or_default();
        bytes.extend_from_slice(piece);
        if let Some(found) = scan.feed(piece) {
            return Err(CsvReadError::Overlong(bytes, found));
        }
        let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if read > max {
            return Err(CsvReadError::Read(ReadError::TooLarge(read, max)));
        }
    }
    Ok(bytes)
}

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

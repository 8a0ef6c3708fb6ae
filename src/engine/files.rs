//! Finding and reading the policy files named on the command line.
//!
//! A path that names a file is taken as given, whatever its extension. A path that names a
//! directory is searched recursively for `*.zc` files, in sorted order so that runs are
//! deterministic; symbolic links to directories are not followed (they could loop). A path that
//! cannot be read becomes a [`Code::Io`] diagnostic, and a directory without any policy file a
//! [`Code::NoPolicyFiles`] diagnostic: nothing here panics or stops at the first problem.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::suggest::{did_you_mean, help_text};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Text};
use crate::limits::{MAX_POLICY_BYTES, ReadError, file_too_large, read_text};
use crate::source::SourceFile;

/// The extension of policy files, without the dot.
pub const POLICY_EXTENSION: &str = "zc";

/// Whether a path names a policy file by its extension (`.zc`, any ASCII case).
pub fn is_policy_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(POLICY_EXTENSION))
}

/// The files found under some paths, and the problems met finding them.
#[derive(Debug, Default)]
pub struct Found {
    /// Files in the order found: paths given as files first-come, directory contents sorted.
    /// A file reached twice is listed once.
    pub files: Vec<PathBuf>,
    /// [`Code::Io`] and [`Code::NoPolicyFiles`] diagnostics.
    pub diagnostics: Diagnostics,
}

/// Expands the paths given on the command line into the files to check.
pub fn expand(paths: &[PathBuf]) -> Found {
    let mut found = Found::default();
    let mut seen = HashSet::new();
    for path in paths {
        match fs::metadata(path) {
            Err(err) => found.diagnostics.push(io_diagnostic(path, &err)),
            Ok(meta) if meta.is_dir() => {
                let problems_before = found.diagnostics.len();
                let policy_files = walk(path, &mut found, &mut seen);
                if policy_files == 0 && found.diagnostics.len() == problems_before {
                    found.diagnostics.push(no_policy_files(path));
                }
            }
            Ok(_) => {
                if seen.insert(path.clone()) {
                    found.files.push(path.clone());
                }
            }
        }
    }
    found
}

/// Adds the policy files under `dir`, recursively, in sorted order; returns how many policy
/// files it met, counting those already listed.
fn walk(dir: &Path, found: &mut Found, seen: &mut HashSet<PathBuf>) -> usize {
    let entries = match fs::read_dir(dir).and_then(|rd| rd.collect::<io::Result<Vec<_>>>()) {
        Ok(entries) => entries,
        Err(err) => {
            found.diagnostics.push(io_diagnostic(dir, &err));
            return 0;
        }
    };
    let mut count = 0;
    let mut entries: Vec<(PathBuf, Option<fs::FileType>)> =
        entries.iter().map(|e| (e.path(), e.file_type().ok())).collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, file_type) in entries {
        let is_dir = file_type.is_some_and(|t| t.is_dir());
        let is_link = file_type.is_some_and(|t| t.is_symlink());
        if is_dir {
            count += walk(&path, found, seen);
        } else if is_policy_file(&path) {
            // A link to a directory named `*.zc` is neither walked nor read.
            if is_link && fs::metadata(&path).is_ok_and(|m| m.is_dir()) {
                continue;
            }
            count += 1;
            if seen.insert(path.clone()) {
                found.files.push(path);
            }
        }
    }
    count
}

/// The sources read from some paths, and the problems met finding and reading them.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Each file read, named by its path as found (`dir/sub/a.zc` for a directory `dir`).
    pub sources: Vec<Arc<SourceFile>>,
    /// [`Code::Io`] and [`Code::NoPolicyFiles`] diagnostics.
    pub diagnostics: Diagnostics,
}

/// Expands the paths and reads every file found. A leading byte-order mark is dropped, so that
/// columns count from the first visible character.
pub fn load(paths: &[PathBuf]) -> Loaded {
    let Found { files, mut diagnostics } = expand(paths);
    let mut sources = Vec::with_capacity(files.len());
    for path in files {
        match read_text(&path, MAX_POLICY_BYTES) {
            Ok(text) => {
                let text = text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text);
                sources.push(SourceFile::new(path.display().to_string(), text));
            }
            Err(ReadError::Io(err)) => diagnostics.push(io_diagnostic(&path, &err)),
            Err(ReadError::TooLarge(size, max)) => {
                diagnostics.push(file_too_large(&path.display().to_string(), size, max));
            }
        }
    }
    Loaded { sources, diagnostics }
}

/// A [`Code::Io`] diagnostic for a path that could not be read.
pub fn io_diagnostic(path: &Path, err: &io::Error) -> Diagnostic {
    let shown = path.display();
    let (zh, en) = match err.kind() {
        io::ErrorKind::NotFound => {
            ("文件或目录不存在".to_owned(), "no such file or directory".to_owned())
        }
        io::ErrorKind::PermissionDenied => {
            ("没有读取权限".to_owned(), "permission denied".to_owned())
        }
        io::ErrorKind::InvalidData => {
            ("文件不是 UTF-8 编码的文本".to_owned(), "the file is not UTF-8 text".to_owned())
        }
        _ => (err.to_string(), err.to_string()),
    };
    let help = match err.kind() {
        io::ErrorKind::NotFound => help_text(&similar_paths(path))
            .unwrap_or_else(|| Text::new("检查路径是否写对", "check that the path is right")),
        io::ErrorKind::PermissionDenied => {
            Text::new("检查文件的读取权限", "check that you may read the file")
        }
        io::ErrorKind::InvalidData => Text::new(
            "在编辑器中把文件另存为 UTF-8 编码（GBK 等编码不受支持）",
            "save the file as UTF-8 in an editor (encodings such as GBK are not supported)",
        ),
        _ => Text::new("检查路径和读取权限", "check the path and that you may read it"),
    };
    Diagnostic::new(
        Code::Io,
        Text::new(format!("无法读取 `{shown}`：{zh}"), format!("cannot read `{shown}`: {en}")),
    )
    .help(help)
}

/// Paths next to a missing one whose names are close to it, as the user would type them.
fn similar_paths(path: &Path) -> Vec<String> {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Vec::new();
    };
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    let Ok(entries) = fs::read_dir(parent.unwrap_or(Path::new("."))) else {
        return Vec::new();
    };
    let siblings: Vec<String> =
        entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
    did_you_mean(name, siblings.iter().map(String::as_str))
        .into_iter()
        .map(|s| match parent {
            Some(p) => p.join(s).display().to_string(),
            None => s.to_owned(),
        })
        .collect()
}

/// A [`Code::NoPolicyFiles`] diagnostic for a directory without policy files.
pub fn no_policy_files(dir: &Path) -> Diagnostic {
    let shown = dir.display();
    Diagnostic::new(
        Code::NoPolicyFiles,
        Text::new(
            format!("目录 `{shown}` 中没有 `.zc` 政策文件"),
            format!("no `.zc` policy files in `{shown}`"),
        ),
    )
    .help(Text::new(
        "政策文件的扩展名应为 `.zc`；也可以直接给出文件路径",
        "policy files end in `.zc`; or name the files directly",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory under the system temporary directory, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            let dir =
                std::env::temp_dir().join(format!("zhengce-files-{}-{name}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }

        fn write(&self, rel: &str, text: &[u8]) -> PathBuf {
            let path = self.0.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, text).unwrap();
            path
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn codes(d: &Diagnostics) -> Vec<Code> {
        d.iter().map(|d| d.code).collect()
    }

    #[test]
    fn directories_are_walked_recursively_in_sorted_order() {
        let t = TempDir::new("walk");
        t.write("乙.zc", b"");
        t.write("甲.zc", b"");
        t.write("sub/b.zc", b"");
        t.write("sub/a.ZC", b"");
        t.write("sub/notes.txt", b"");
        t.write("a/z.zc", b"");
        let found = expand(std::slice::from_ref(&t.0));
        assert!(found.diagnostics.is_empty());
        let rel: Vec<String> = found
            .files
            .iter()
            .map(|p| p.strip_prefix(&t.0).unwrap().display().to_string())
            .collect();
        assert_eq!(rel, ["a/z.zc", "sub/a.ZC", "sub/b.zc", "乙.zc", "甲.zc"]);
    }

    #[test]
    fn files_are_taken_as_given_and_listed_once() {
        let t = TempDir::new("given");
        let txt = t.write("policy.txt", b"");
        let zc = t.write("a.zc", b"");
        let found = expand(&[txt.clone(), zc.clone(), t.0.clone(), zc.clone()]);
        assert!(found.diagnostics.is_empty());
        assert_eq!(found.files, [txt, zc]);
    }

    #[test]
    fn missing_paths_and_empty_directories_are_diagnostics() {
        let t = TempDir::new("missing");
        t.write("empty/notes.txt", b"");
        t.write("营业收入.zc", b"");
        let found = expand(&[t.0.join("营业收人.zc"), t.0.join("empty")]);
        assert!(found.files.is_empty());
        assert_eq!(codes(&found.diagnostics), [Code::Io, Code::NoPolicyFiles]);
        let io = found.diagnostics.iter().next().unwrap();
        assert!(io.labels.is_empty());
        assert!(io.message.zh.contains("文件或目录不存在"), "{}", io.message.zh);
        let help = io.help.as_ref().unwrap();
        let expected = t.0.join("营业收入.zc").display().to_string();
        assert_eq!(help.zh, format!("你是不是想写 `{expected}`？"));
    }

    #[test]
    fn load_reads_utf8_drops_the_bom_and_reports_other_encodings() {
        let t = TempDir::new("load");
        let good = t.write("a.zc", "\u{feff}令 补贴 = 1".as_bytes());
        // 补贴 in GBK.
        let gbk = t.write("b.zc", &[0xb2, 0xb9, 0xcc, 0xf9]);
        let loaded = load(&[good.clone(), gbk]);
        assert_eq!(loaded.sources.len(), 1);
        assert_eq!(loaded.sources[0].name, good.display().to_string());
        assert_eq!(loaded.sources[0].text, "令 补贴 = 1");
        assert_eq!(codes(&loaded.diagnostics), [Code::Io]);
        let d = loaded.diagnostics.iter().next().unwrap();
        assert!(d.message.en.ends_with("the file is not UTF-8 text"), "{}", d.message.en);
    }
}

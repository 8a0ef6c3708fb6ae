//! The open documents: their text (the client sends the whole text on each change), and the
//! text of any other policy file a request needs (an imported file not open in the editor is
//! read from disk).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::Url;

use crate::source::SourceFile;

/// The most policy files on disk a request for references reads beside the open documents.
pub const NEIGHBOURS: usize = 200;

/// The documents the client has open, by URI.
#[derive(Debug, Default)]
pub struct Store {
    docs: BTreeMap<Url, Arc<SourceFile>>,
}

/// The name a document's source file is given: its path for a `file:` URI (so that its imports
/// are read relative to its folder), else the URI itself.
pub fn name_of(uri: &Url) -> String {
    match uri.to_file_path() {
        Ok(path) => path.to_string_lossy().into_owned(),
        Err(()) => uri.to_string(),
    }
}

/// The URI of a source file's name (a path, or a URI a document was named by).
pub fn uri_of(name: &str) -> Option<Url> {
    let path = Path::new(name);
    if path.is_absolute() {
        return Url::from_file_path(path).ok();
    }
    Url::parse(name).ok().or_else(|| {
        std::env::current_dir().ok().and_then(|d| Url::from_file_path(d.join(path)).ok())
    })
}

impl Store {
    pub fn open(&mut self, uri: Url, text: String) {
        let file = SourceFile::new(name_of(&uri), text);
        self.docs.insert(uri, file);
    }

    pub fn close(&mut self, uri: &Url) {
        self.docs.remove(uri);
    }

    pub fn get(&self, uri: &Url) -> Option<&Arc<SourceFile>> {
        self.docs.get(uri)
    }

    pub fn all(&self) -> impl Iterator<Item = (&Url, &Arc<SourceFile>)> {
        self.docs.iter()
    }

    /// The file at `path`: the open document's text if it is open, else the file on disk
    /// (`None` when it cannot be read).
    pub fn file_at(&self, path: &Path) -> Option<Arc<SourceFile>> {
        if let Some(doc) = Url::from_file_path(path).ok().and_then(|u| self.docs.get(&u)) {
            return Some(Arc::clone(doc));
        }
        let meta = std::fs::metadata(path).ok()?;
        if meta.len() > crate::limits::MAX_POLICY_BYTES {
            return None;
        }
        let text = std::fs::read_to_string(path).ok()?;
        Some(SourceFile::new(path.to_string_lossy().into_owned(), text))
    }

    /// The policy files (`.zc`) on disk in the folders of `names` (files named by path) that
    /// are not open, in path order: the files that may import one of them. At most
    /// [`NEIGHBOURS`] files.
    pub fn neighbours<'n>(&self, names: impl Iterator<Item = &'n str>) -> Vec<Arc<SourceFile>> {
        let dirs: std::collections::BTreeSet<PathBuf> = names
            .filter_map(|n| Path::new(n).parent().map(Path::to_path_buf))
            .filter(|d| d.is_absolute())
            .collect();
        let mut paths: Vec<PathBuf> = dirs
            .iter()
            .filter_map(|d| std::fs::read_dir(d).ok())
            .flat_map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())))
            .filter(|p| p.extension().is_some_and(|e| e == "zc") && p.is_file())
            .filter(|p| Url::from_file_path(p).ok().is_none_or(|u| !self.docs.contains_key(&u)))
            .collect();
        paths.sort();
        paths.truncate(NEIGHBOURS);
        paths.iter().filter_map(|p| self.file_at(p)).collect()
    }

    /// The path an `引用 "PATH"` of the file named `importer` reads.
    pub fn import_path(importer: &str, path: &str) -> PathBuf {
        Path::new(importer).parent().unwrap_or(Path::new("")).join(path)
    }
}

//! The members of a streamed register's owners (`主体 合同 属于 企业 按 企业名称`): each member
//! kind's file beside the register (`NAME.合同.csv`, [`crate::engine::members::members_path`])
//! is read alongside it, and the members of each block's owners are taken as the block is read,
//! so memory holds the members of the blocks in flight, not of the register.
//!
//! The members come grouped by owner, in the owners' order (the register's ids increase, as the
//! runner needs; each owner's members are together, owners without members skipped). A member
//! that does not come where its owner is (an owner earlier in the register, or no owner at all)
//! stops the run: a members file of at most [`WHOLE_MEMBERS`] bytes is then read whole by the
//! in-memory path ([`Failure::NotStreamable`]), which takes members in any order and names an
//! owner missing from the data (`ZC0712`); a larger one is refused with `ZC0715`, which says how
//! to sort it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read as _;
use std::path::Path;

use super::{Failure, Input, open};
use crate::ast::Policy;
use crate::checker::Checked;
use crate::checker::scope::SubjectId;
use crate::compile::Machine;
use crate::data::header::parse_header;
use crate::data::{Record, Schema, Value, load_dataset, load_dataset_at};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Text};
use crate::eval::Evaluator;
use crate::source::{Loc, SourceFile, Span};

/// The largest members file read whole when its members are not grouped in the owners' order.
pub const WHOLE_MEMBERS: u64 = 16 << 20;

/// What a worker needs to read the members of one member kind: its schema and header.
pub(super) struct Shape {
    pub kind: SubjectId,
    /// The file's name, for diagnostics.
    file: String,
    schema: Schema,
    header: Vec<u8>,
    /// The lines the header takes.
    header_lines: u64,
    /// The slot of the linking field in a member's record.
    link: Option<usize>,
    /// The column of the linking field in the file.
    pub col: usize,
    /// The columns as the fast reader reads them, when it can.
    fast: Option<super::plain_rows::Columns>,
}

/// The members of one kind for the owners of one block: whole records of the members file, in
/// its order, from line `first_line`.
pub(super) struct Raw {
    pub first_line: u64,
    pub bytes: Vec<u8>,
}

/// The member files of a register, read alongside it (on the reader's thread).
pub(super) struct Feed {
    files: Vec<MemberFile>,
}

/// One member kind's file, read record by record.
struct MemberFile {
    path: std::path::PathBuf,
    kind_name: String,
    owner_name: String,
    link_name: String,
    header: Vec<u8>,
    /// The column of the linking field.
    col: usize,
    input: Input,
    buf: Vec<u8>,
    /// Where the next record starts in `buf`.
    at: usize,
    eof: bool,
    /// The line of the next record.
    line: u64,
    /// The file's size, to choose between reading it whole and refusing it.
    size: u64,
}

/// The member kinds of the register's kind `owner`, their files opened beside `data`: `None`
/// when the kind has none.
pub(super) fn open_feed(
    policy: &Policy,
    checked: &Checked<'_>,
    kind: &str,
    data: &Path,
    also_known: &BTreeSet<String>,
) -> Result<Option<(Vec<Shape>, Feed)>, Failure> {
    let scope = &checked.scope;
    let Some(&owner) = scope.subject_names.get(kind) else { return Ok(None) };
    let kinds = scope.member_kinds(owner);
    if kinds.is_empty() {
        return Ok(None);
    }
    // Members in the owners' own file, one long table: left to the in-memory path.
    if crate::data::peek(data)
        .is_some_and(|p| crate::engine::members::long_table(policy, checked, kind, &p.headers))
    {
        return Err(Failure::NotStreamable("the members are in the owners' file".into()));
    }
    let owner_name = scope.subjects.get(owner).map_or("", |s| s.decl.name.node.as_str());
    let mut shapes = Vec::new();
    let mut files = Vec::new();
    for kind in kinds {
        let Some(info) = scope.subjects.get(kind) else { continue };
        let name = info.decl.name.node.as_str();
        let Some((_, link)) = &info.decl.owner else { continue };
        let path = crate::engine::members::members_path(data, owner_name, name);
        let mut schema = Schema::from_policy(policy, name).map_err(Failure::Data)?;
        schema.also_known.clone_from(also_known);
        let (input, header, rest) = open(&path)?;
        // The loader on the header alone: unknown and missing columns, units.
        let mut text = header.clone();
        text.push(b'\n');
        let file = path.display().to_string();
        load_dataset(&file, &text, &schema).map_err(Failure::Data)?;
        let Some(col) = column_of(&header, &link.node) else {
            return Err(Failure::NotStreamable(format!("no column `{}`", link.node)));
        };
        let header_lines = super::chunks::count_lines(&header) + 1;
        let size = std::fs::metadata(&path).map_or(u64::MAX, |m| m.len());
        let slot = schema.fields.iter().position(|f| f.name == link.node);
        shapes.push(Shape {
            kind,
            file,
            fast: super::plain_rows::Columns::new(&header, &schema),
            link: slot,
            schema,
            header: header.clone(),
            header_lines,
            col,
        });
        files.push(MemberFile {
            path,
            kind_name: name.to_string(),
            owner_name: owner_name.to_string(),
            link_name: link.node.clone(),
            header,
            col,
            input,
            buf: rest,
            at: 0,
            eof: false,
            line: header_lines + 1,
            size,
        });
    }
    Ok(Some((shapes, Feed { files })))
}

/// Whether two versions of a policy read the same member files, kind for kind in the same
/// order (each by its own declarations): one feed then gives both their members.
pub(super) fn same_files(ours: &[Shape], theirs: &[Shape]) -> bool {
    ours.len() == theirs.len() && ours.iter().zip(theirs).all(|(a, b)| a.file == b.file)
}

/// The column of the header named `name`.
pub(super) fn column_of(header: &[u8], name: &str) -> Option<usize> {
    let mut r = ::csv::ReaderBuilder::new().has_headers(false).from_reader(header);
    let record = r.records().next()?.ok()?;
    record.iter().position(|col| parse_header(col).name == name)
}

impl Feed {
    /// The bytes of a block of the owners' file at `path` when a block with its members is to
    /// be about `chunk_bytes`: the owners' share of the files' bytes.
    pub(super) fn owners_share(&self, path: &Path, chunk_bytes: usize) -> usize {
        let owners = std::fs::metadata(path).map_or(1, |m| m.len()).max(1);
        let members: u64 = self.files.iter().map(|f| f.size.min(u64::MAX / 4)).sum();
        let share =
            u128::from(owners) * chunk_bytes as u128 / (u128::from(owners) + u128::from(members));
        usize::try_from(share).unwrap_or(chunk_bytes).clamp(4096, chunk_bytes.max(4096))
    }

    /// The members of the owners `keys` (a block's ids, in the register's order), one [`Raw`]
    /// per member kind: the records that come next in each file and belong to them.
    pub(super) fn take(&mut self, keys: &[String]) -> Result<Vec<Raw>, Failure> {
        let pos: foldhash::HashMap<&str, usize> =
            keys.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
        let first = keys.first().map(String::as_str);
        self.files.iter_mut().map(|f| f.take(&pos, first)).collect()
    }

    /// At the end of the register: a member left in a file has no owner to come.
    pub(super) fn finish(&mut self) -> Result<(), Failure> {
        for f in &mut self.files {
            while let Some((s, e)) = f.peek()? {
                let rec = f.buf.get(s..e).unwrap_or_default();
                if blank(rec) {
                    f.consume(e);
                    continue;
                }
                let id = owner_id(rec, f.col);
                return Err(f.unplaced(&id, rec));
            }
        }
        Ok(())
    }
}

impl MemberFile {
    fn take(
        &mut self,
        pos: &foldhash::HashMap<&str, usize>,
        first: Option<&str>,
    ) -> Result<Raw, Failure> {
        let mut raw = Raw { first_line: self.line, bytes: Vec::new() };
        let mut p = 0usize;
        while let Some((s, e)) = self.peek()? {
            let rec = self.buf.get(s..e).unwrap_or_default();
            if blank(rec) {
                self.consume(e);
                if raw.bytes.is_empty() {
                    raw.first_line = self.line;
                }
                continue;
            }
            let id = owner_id(rec, self.col);
            match pos.get(id.as_ref()) {
                Some(&i) if i >= p => {
                    p = i;
                    raw.bytes.extend_from_slice(rec);
                    self.consume(e);
                }
                // An owner of this block whose members came before.
                Some(_) => return Err(self.unplaced(&id, rec)),
                None => {
                    // Before the block's first owner in either order the register's ids may
                    // increase in: its owner has passed, or is not in the data.
                    if let Some(f) = first
                        && id.as_bytes() < f.as_bytes()
                        && (id.len(), id.as_bytes()) < (f.len(), f.as_bytes())
                    {
                        return Err(self.unplaced(&id, rec));
                    }
                    break;
                }
            }
        }
        Ok(raw)
    }

    /// The next record in the buffer (start and end, its line break included), reading on
    /// when it is not whole; `None` at the end of the file.
    fn peek(&mut self) -> Result<Option<(usize, usize)>, Failure> {
        loop {
            let rest = self.buf.get(self.at..).unwrap_or_default();
            if let Some(len) = record_len(rest) {
                return Ok(Some((self.at, self.at + len)));
            }
            if self.eof {
                return Ok((!rest.is_empty()).then_some((self.at, self.buf.len())));
            }
            let max_line = crate::limits::sizes().line;
            let limit = usize::try_from(max_line).unwrap_or(usize::MAX);
            if rest.len() > limit {
                let mut head = rest.to_vec();
                head.truncate(limit);
                let e = std::io::Error::other(super::chunks::TooLong { head, line: self.line });
                return Err(Failure::Data(super::read_failure(&self.path, max_line, &e)));
            }
            // Keep the unread part, then read on.
            self.buf.drain(..self.at);
            self.at = 0;
            let start = self.buf.len();
            self.buf.resize(start + (1 << 20), 0);
            let n = self
                .input
                .read(self.buf.get_mut(start..).unwrap_or_default())
                .map_err(|e| Failure::Data(super::io(&self.path, &e)))?;
            self.buf.truncate(start + n);
            self.eof = n == 0;
        }
    }

    /// Moves past the record that ends at `end`.
    fn consume(&mut self, end: usize) {
        let rec = self.buf.get(self.at..end).unwrap_or_default();
        self.line += super::chunks::count_lines(rec).max(1);
        self.at = end;
    }

    /// A member that does not come where its owner is: read whole by the in-memory path when
    /// the file is small, else `ZC0715` at its owner's cell.
    fn unplaced(&self, id: &str, rec: &[u8]) -> Failure {
        if self.size <= WHOLE_MEMBERS {
            return Failure::NotStreamable(
                "the members are not grouped in the owners' order".into(),
            );
        }
        Failure::Data(vec![self.not_grouped(id, rec)].into())
    }

    fn not_grouped(&self, id: &str, rec: &[u8]) -> Diagnostic {
        let (kind, owner, link) = (&self.kind_name, &self.owner_name, &self.link_name);
        // The row at its line, after the header, for the label.
        let header_lines = super::chunks::count_lines(&self.header) + 1;
        let pad = usize::try_from(self.line.saturating_sub(header_lines + 1)).unwrap_or(0);
        let mut text = String::from_utf8_lossy(&self.header).into_owned();
        text.push('\n');
        let start = text.len() + pad;
        text.extend(std::iter::repeat_n('\n', pad));
        let row = String::from_utf8_lossy(rec);
        let row = row.trim_end_matches(['\r', '\n']);
        // The linking cell, when the row splits plainly at its commas.
        let span = match row.split(',').nth(self.col) {
            Some(cell) if !row.contains('"') => {
                let before: usize =
                    row.split(',').take(self.col).map(|c| c.len() + 1).sum::<usize>();
                Span::new(start + before, start + before + cell.len())
            }
            _ => Span::new(start, start + row.len()),
        };
        text.push_str(row);
        text.push('\n');
        let file = SourceFile::new(self.path.display().to_string(), text);
        Diagnostic::new(
            Code::MembersNotGrouped,
            Text::new(
                format!(
                    "第 {} 行的{kind}属于{owner} `{id}`，但它不在此处：{kind}须按{owner}分组，且与{owner}数据同序",
                    self.line
                ),
                format!(
                    "the {kind} at line {} belongs to {owner} `{id}`, which does not come here: the {kind} rows must be grouped by {owner}, in the order of the {owner} data",
                    self.line
                ),
            ),
        )
        .at(Loc::new(&file, span), Text::new("所属主体不在此处", "owner not here"))
        .help(Text::new(
            format!(
                "把{kind}文件按 `{link}` 排序，次序与{owner}数据相同（如两者都按标识升序），使同一{owner}的{kind}相连；若 `{id}` 不在{owner}数据中，改正此行；不超过 16 MiB 的文件不必排序"
            ),
            format!(
                "sort the {kind} file by `{link}` in the order of the {owner} data (both by id, say), so that each {owner}'s rows are together; if `{id}` is not in the {owner} data, correct this row; a file of at most 16 MiB need not be sorted"
            ),
        ))
    }
}

/// The length of the first record of `bytes` (its line break included), when it is whole.
fn record_len(bytes: &[u8]) -> Option<usize> {
    let mut quoted = false;
    let mut from = 0usize;
    loop {
        let rest = bytes.get(from..)?;
        let i = memchr::memchr2(b'"', b'\n', rest)?;
        match rest.get(i) {
            Some(b'"') => quoted = !quoted,
            _ if !quoted => return Some(from + i + 1),
            _ => {}
        }
        from += i + 1;
    }
}

/// Whether a record is an empty line.
fn blank(rec: &[u8]) -> bool {
    rec.iter().all(|b| matches!(b, b'\r' | b'\n'))
}

/// The owner's id in a member's record: its linking cell, trimmed.
fn owner_id(rec: &[u8], col: usize) -> std::borrow::Cow<'_, str> {
    let body = line_body(rec);
    if memchr::memchr(b'"', body).is_none() {
        let cell = plain_cell(body, col).unwrap_or_default();
        return String::from_utf8_lossy(cell.trim_ascii());
    }
    let mut r = ::csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(body);
    let mut record = ::csv::ByteRecord::new();
    match r.read_byte_record(&mut record) {
        Ok(true) => std::borrow::Cow::Owned(
            String::from_utf8_lossy(record.get(col).unwrap_or_default().trim_ascii()).into_owned(),
        ),
        _ => std::borrow::Cow::Borrowed(""),
    }
}

/// A record without its line break (`\n` or `\r\n`).
pub(super) fn line_body(rec: &[u8]) -> &[u8] {
    let body = rec.strip_suffix(b"\n").unwrap_or(rec);
    body.strip_suffix(b"\r").unwrap_or(body)
}

/// Cell `col` of a record without quotes (`body`, its line break taken off): the text between
/// its commas, as written.
pub(super) fn plain_cell(body: &[u8], col: usize) -> Option<&[u8]> {
    body.split(|b| *b == b',').nth(col)
}

/// The ids of a block's records (column `col`), in order, as the loader trims them.
pub(super) fn block_keys(bytes: &[u8], col: usize) -> Vec<String> {
    records(bytes).filter(|rec| !blank(rec)).map(|rec| owner_id(rec, col).into_owned()).collect()
}

/// The records of `bytes`, each with its line break (the last may have none).
fn records(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        let len = record_len(rest).or((!rest.is_empty()).then_some(rest.len()))?;
        let (rec, tail) = rest.split_at(len.min(rest.len()));
        rest = tail;
        Some(rec)
    })
}

/// Gives `ev` the members of a block (one [`Raw`] per member kind, in the order of `shapes`),
/// each kind's replacing the last block's, and the compiled form `machine` their aggregations
/// (`Machine::set_members`): the errors of the members' data, if any (their kind then has no
/// members).
pub(super) fn give(
    ev: &mut Evaluator<'_, '_>,
    mut machine: Option<&mut Machine<'_>>,
    shapes: &[Shape],
    raws: &[Raw],
) -> Diagnostics {
    let mut errors = Diagnostics::new();
    for (shape, raw) in shapes.iter().zip(raws) {
        let g = groups(shape, raw).unwrap_or_else(|e| {
            errors.extend(e);
            Vec::new()
        });
        if let Some(m) = machine.as_deref_mut() {
            m.set_members(shape.kind, &g);
        }
        ev.set_members(shape.kind, g);
    }
    errors
}

/// A block's members of one kind, grouped by owner id: read straight into records when they
/// are plain ([`super::plain_rows`]), else by the loader.
fn groups(shape: &Shape, raw: &Raw) -> Result<Vec<(String, Vec<Record>)>, Diagnostics> {
    if let (Some(fast), Some(link)) = (&shape.fast, shape.link)
        && let Some(g) = fast.groups(&shape.schema, &raw.bytes, link)
    {
        return Ok(g);
    }
    let mut text = shape.header.clone();
    text.push(b'\n');
    text.extend_from_slice(&raw.bytes);
    let ds = match load_dataset(&shape.file, &text, &shape.schema) {
        Ok(ds) => ds,
        Err(_) => return Err(row_errors(shape, raw)),
    };
    let mut out: BTreeMap<String, Vec<Record>> = BTreeMap::new();
    for r in ds.records {
        if let Some(Value::Text(id)) = shape.link.and_then(|s| r.fields.get(s)) {
            out.entry(id.clone()).or_default().push(r);
        }
    }
    Ok(out.into_iter().collect())
}

/// The errors of a block's members, each row read alone and the failing ones again at their
/// line: the diagnostics are at their lines and in the order of the file, as the loader gives
/// them for the whole file.
fn row_errors(shape: &Shape, raw: &Raw) -> Diagnostics {
    let mut errors = Diagnostics::new();
    let mut line = raw.first_line;
    for rec in records(&raw.bytes) {
        let row = super::Sparse::rows(&shape.header, shape.header_lines, line, rec);
        if let Err(d) = load_dataset_at(&shape.file, &row.text, &row.gaps, &shape.schema) {
            errors.extend(d);
        }
        line += super::chunks::count_lines(rec).max(1);
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_their_owners() {
        let text = b"H1,A1,1\nH2,\"A,2\",2\n\nH3,A3,\"x\ny\"\nH4,A4";
        assert_eq!(block_keys(text, 1), vec!["A1", "A,2", "A3", "A4"]);
        assert_eq!(record_len(b"a,\"b\nc\",d\ne"), Some(10));
        assert_eq!(record_len(b"abc"), None);
        assert!(blank(b"\r\n"));
    }
}

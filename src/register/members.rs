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
//!
//! A Parquet members file (`NAME.合同.parquet` beside `NAME.企业.parquet`) is read as batches: a
//! block's members are the slices of them whose rows belong to its owners ([`Raw::rows`]), and
//! the worker that takes the block reads them from their columns (each row a line, the header
//! line 1, as for the owners).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read as _;
use std::path::Path;

use arrow_array::RecordBatch;

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

/// The members of one kind for the owners of one block, in the file's order from line
/// `first_line`: whole records of a CSV members file, or the rows of a Parquet one (slices of
/// its batches, read by the worker that takes the block, [`groups`]).
pub(super) struct Raw {
    pub first_line: u64,
    pub bytes: Vec<u8>,
    pub rows: Vec<RecordBatch>,
}

impl Raw {
    /// The members as the CSV text their file stands for (a Parquet file's rows written as
    /// text, [`crate::data::parquet::write_batch`]).
    pub(super) fn rows_as_text(&mut self) {
        for batch in std::mem::take(&mut self.rows) {
            crate::data::parquet::write_batch(&batch, &mut self.bytes);
        }
    }
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
    source: Source,
    /// The line of the next record.
    line: u64,
    /// The file's size, to choose between reading it whole and refusing it.
    size: u64,
}

/// Where a members file's records come from.
enum Source {
    /// CSV text, read in pieces.
    Text(TextFile),
    /// A Parquet file's batches: each row a record (a line of the text it stands for).
    Parquet(ParquetFile),
}

/// A CSV members file being read.
struct TextFile {
    input: Input,
    buf: Vec<u8>,
    /// Where the next record starts in `buf`.
    at: usize,
    eof: bool,
}

/// A Parquet members file being read: the batch the next row is in, and that row.
struct ParquetFile {
    batches: crate::data::parquet::Batches,
    batch: Option<RecordBatch>,
    row: usize,
}

/// The rows of a Parquet members file read at a time.
const MEMBER_BATCH_ROWS: usize = 8192;

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
        let (source, header) = open_members(&path)?;
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
            source,
            line: header_lines + 1,
            size,
        });
    }
    Ok(Some((shapes, Feed { files })))
}

/// A members file opened, and its header record: a Parquet file's batches, or CSV text (and
/// what was read after its header).
fn open_members(path: &Path) -> Result<(Source, Vec<u8>), Failure> {
    if !super::is_parquet(path) {
        let (input, header, rest) = open(path)?;
        let text = TextFile { input, buf: rest, at: 0, eof: false };
        return Ok((Source::Text(text), header));
    }
    let file = std::fs::File::open(path).map_err(|e| Failure::Data(super::io(path, &e)))?;
    let name = path.display().to_string();
    let groups = crate::data::parquet::RowGroups::open(&name, file)
        .map_err(|d| Failure::Data(vec![*d].into()))?;
    let batches = groups.all(MEMBER_BATCH_ROWS).map_err(|d| Failure::Data(vec![*d].into()))?;
    let mut header = batches.header();
    header.pop();
    let file = ParquetFile { batches, batch: None, row: 0 };
    Ok((Source::Parquet(file), header))
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
    pub(super) fn take<S: AsRef<str>>(&mut self, keys: &[S]) -> Result<Vec<Raw>, Failure> {
        let pos: foldhash::HashMap<&str, usize> =
            keys.iter().enumerate().map(|(i, k)| (k.as_ref(), i)).collect();
        let first = keys.first().map(AsRef::as_ref);
        self.files.iter_mut().map(|f| f.take(&pos, first)).collect()
    }

    /// At the end of the register: a member left in a file has no owner to come.
    pub(super) fn finish(&mut self) -> Result<(), Failure> {
        for f in &mut self.files {
            if matches!(f.source, Source::Parquet(_)) {
                if let Some((batch, row)) = f.next_row()? {
                    let (id, rec) = f.row_of(&batch, row);
                    return Err(f.unplaced(&id, &rec));
                }
                continue;
            }
            while let Some((s, e)) = f.peek()? {
                let rec = f.buf().get(s..e).unwrap_or_default();
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
        if matches!(self.source, Source::Parquet(_)) {
            return self.take_rows(pos, first);
        }
        let mut raw = Raw { first_line: self.line, bytes: Vec::new(), rows: Vec::new() };
        let mut p = 0usize;
        while let Some((s, e)) = self.peek()? {
            let rec = self.buf().get(s..e).unwrap_or_default();
            if blank(rec) {
                self.consume(e);
                if raw.bytes.is_empty() {
                    raw.first_line = self.line;
                }
                continue;
            }
            let id = owner_id(rec, self.col);
            match placed(pos, first, &id, &mut p) {
                Placed::Here => {
                    raw.bytes.extend_from_slice(rec);
                    self.consume(e);
                }
                Placed::Later => break,
                Placed::Not => return Err(self.unplaced(&id, rec)),
            }
        }
        Ok(raw)
    }

    /// [`MemberFile::take`] of a Parquet file: the rows that come next and belong to the
    /// block's owners, as slices of the batches they are in.
    fn take_rows(
        &mut self,
        pos: &foldhash::HashMap<&str, usize>,
        first: Option<&str>,
    ) -> Result<Raw, Failure> {
        let mut raw = Raw { first_line: self.line, bytes: Vec::new(), rows: Vec::new() };
        let mut p = 0usize;
        while let Some((batch, start)) = self.next_row()? {
            let Source::Parquet(file) = &mut self.source else { break };
            let Some(array) = batch.columns().get(self.col) else { break };
            let column = crate::data::parquet::Column::of(array.as_ref());
            let mut end = start;
            let mut stop = None;
            while end < batch.num_rows() {
                match placed(pos, first, &column.id(end), &mut p) {
                    Placed::Here => end += 1,
                    Placed::Later => {
                        stop = Some(false);
                        break;
                    }
                    Placed::Not => {
                        stop = Some(true);
                        break;
                    }
                }
            }
            if end > start {
                raw.rows.push(batch.slice(start, end - start));
                self.line += u64::try_from(end - start).unwrap_or(u64::MAX);
            }
            file.row = end;
            match stop {
                None => {}
                Some(false) => break,
                Some(true) => {
                    let (id, rec) = self.row_of(&batch, end);
                    return Err(self.unplaced(&id, &rec));
                }
            }
        }
        Ok(raw)
    }

    /// The batch of a Parquet members file the next row is in, and that row (a batch read
    /// when the last is done); `None` at the end of the file.
    fn next_row(&mut self) -> Result<Option<(RecordBatch, usize)>, Failure> {
        let Source::Parquet(file) = &mut self.source else { return Ok(None) };
        loop {
            if let Some(batch) = &file.batch
                && file.row < batch.num_rows()
            {
                return Ok(Some((batch.clone(), file.row)));
            }
            file.row = 0;
            file.batch = file.batches.next_batch().map_err(|why| {
                let e = crate::data::parquet::read_error(why);
                Failure::Data(super::io(&self.path, &e))
            })?;
            if file.batch.is_none() {
                return Ok(None);
            }
        }
    }

    /// The owner's id in row `row` of `batch` (trimmed), and the row as the CSV text the
    /// file stands for, for a diagnostic.
    fn row_of(&self, batch: &RecordBatch, row: usize) -> (String, Vec<u8>) {
        let columns = crate::data::parquet::looked_at(batch);
        let mut scratch = String::new();
        let id = columns.get(self.col).map(|c| c.id(row).into_owned()).unwrap_or_default();
        let mut rec = Vec::new();
        crate::data::parquet::write_line(&columns, row, &mut scratch, &mut rec);
        (id, rec)
    }

    /// The text read of a CSV members file (nothing of a Parquet one).
    fn buf(&self) -> &[u8] {
        match &self.source {
            Source::Text(t) => t.buf.as_slice(),
            Source::Parquet(_) => &[],
        }
    }

    /// The next record in the buffer (start and end, its line break included), reading on
    /// when it is not whole; `None` at the end of the file.
    fn peek(&mut self) -> Result<Option<(usize, usize)>, Failure> {
        let Source::Text(t) = &mut self.source else { return Ok(None) };
        loop {
            let rest = t.buf.get(t.at..).unwrap_or_default();
            if let Some(len) = record_len(rest) {
                return Ok(Some((t.at, t.at + len)));
            }
            if t.eof {
                return Ok((!rest.is_empty()).then_some((t.at, t.buf.len())));
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
            t.buf.drain(..t.at);
            t.at = 0;
            let start = t.buf.len();
            t.buf.resize(start + (1 << 20), 0);
            let n = t
                .input
                .read(t.buf.get_mut(start..).unwrap_or_default())
                .map_err(|e| Failure::Data(super::io(&self.path, &e)))?;
            t.buf.truncate(start + n);
            t.eof = n == 0;
        }
    }

    /// Moves past the record that ends at `end`.
    fn consume(&mut self, end: usize) {
        let Source::Text(t) = &mut self.source else { return };
        let rec = t.buf.get(t.at..end).unwrap_or_default();
        self.line += super::chunks::count_lines(rec).max(1);
        t.at = end;
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

/// Where a member whose owner has the id `id` comes, for a block whose owners are at `pos`
/// (`first` the first of them), the last member taken an owner's at `*p`.
enum Placed {
    /// Among the block's owners, not before the last member's owner: taken (`*p` moved on).
    Here,
    /// After the block: left for the next one.
    Later,
    /// Not where its owner is: an owner of the block whose members came before, or an id
    /// before the block's first in either order the register's ids may increase in (its owner
    /// has passed, or is not in the data).
    Not,
}

fn placed(
    pos: &foldhash::HashMap<&str, usize>,
    first: Option<&str>,
    id: &str,
    p: &mut usize,
) -> Placed {
    match pos.get(id) {
        Some(&i) if i >= *p => {
            *p = i;
            Placed::Here
        }
        Some(_) => Placed::Not,
        None => match first {
            Some(f)
                if id.as_bytes() < f.as_bytes()
                    && (id.len(), id.as_bytes()) < (f.len(), f.as_bytes()) =>
            {
                Placed::Not
            }
            _ => Placed::Later,
        },
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
/// are plain ([`super::plain_rows`]; a Parquet file's rows from their columns), else by the
/// loader from their text.
fn groups(shape: &Shape, raw: &Raw) -> Result<Vec<(String, Vec<Record>)>, Diagnostics> {
    if let (Some(fast), Some(link)) = (&shape.fast, shape.link) {
        let fast = if raw.rows.is_empty() {
            fast.groups(&shape.schema, &raw.bytes, link)
        } else {
            fast.batch_groups(&shape.schema, &raw.rows, link)
        };
        if let Some(g) = fast {
            return Ok(g);
        }
    }
    let mut bytes = std::borrow::Cow::Borrowed(raw.bytes.as_slice());
    for batch in &raw.rows {
        crate::data::parquet::write_batch(batch, bytes.to_mut());
    }
    let mut text = shape.header.clone();
    text.push(b'\n');
    text.extend_from_slice(&bytes);
    let ds = match load_dataset(&shape.file, &text, &shape.schema) {
        Ok(ds) => ds,
        Err(_) => return Err(row_errors(shape, raw.first_line, &bytes, !raw.rows.is_empty())),
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
/// them for the whole file. A Parquet file's row is a line (`rows`), whatever its text holds.
fn row_errors(shape: &Shape, first_line: u64, bytes: &[u8], rows: bool) -> Diagnostics {
    let mut errors = Diagnostics::new();
    let mut line = first_line;
    for rec in records(bytes) {
        let row = super::Sparse::rows(&shape.header, shape.header_lines, line, rec);
        if let Err(d) = load_dataset_at(&shape.file, &row.text, &row.gaps, &shape.schema) {
            errors.extend(d);
        }
        line += if rows { 1 } else { super::chunks::count_lines(rec).max(1) };
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

//! Plain rows read straight into records, for the interpreter: a block of a members file (its
//! records grouped by owner as they come), or of a register whose policy has no compiled form.
//! Each line is split at its commas and each cell read by its field's kind in its column's unit
//! ([`crate::data::read_text`], the loader's own reading); a Parquet members file's rows are
//! read the same way from their columns, each cell the text the CSV register the file stands
//! for holds ([`Columns::batch_records`]), with no line written or split.
//!
//! Only plain blocks are read so: UTF-8 text without quotes, every line with a cell per column,
//! every value readable and in range, every required cell filled, no id twice. Anything
//! else (and a file whose columns the loader reads in a way this does not: a yearly field, a
//! `年份` column, a column without a name) is left to the loader, which reads the block again
//! and reports each problem at its line and column: the records are the same either way.

use crate::data::header::{is_year_column, parse_header};
use crate::data::{FieldKind, Record, Schema, Value, read_text};
use crate::units::{Dim, Unit, parse_unit};

/// How each column of a file is read.
pub(super) struct Columns {
    cols: Vec<Col>,
    /// The slot of the id.
    key: usize,
    /// The slots a record must fill: required fields and the id.
    required: Vec<usize>,
}

/// One column: a field's slot and the unit its cells are written in, or a column of another
/// policy evaluated on the same data, not read.
enum Col {
    Field { slot: usize, unit: Unit },
    Other,
}

impl Columns {
    /// The columns of `header` (a file's first line) for `schema`; `None` when the loader must
    /// read the file.
    pub(super) fn new(header: &[u8], schema: &Schema) -> Option<Columns> {
        let text = std::str::from_utf8(header).ok()?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.contains(['"', '\r', '\n']) {
            return None;
        }
        let mut cols = Vec::new();
        let mut seen = vec![false; schema.fields.len()];
        for name in text.split(',') {
            let h = parse_header(name.trim());
            if h.name.is_empty() {
                return None;
            }
            let Some(slot) = schema.fields.iter().position(|f| f.name == h.name) else {
                if schema.also_known.contains(h.name)
                    && h.year_forms.is_empty()
                    && !is_year_column(h.name)
                {
                    cols.push(Col::Other);
                    continue;
                }
                return None;
            };
            let spec = schema.fields.get(slot)?;
            let first = seen.get_mut(slot)?;
            if spec.by_year || std::mem::replace(first, true) {
                return None;
            }
            let unit = match (&spec.kind, h.unit) {
                (FieldKind::Number { unit, .. }, None) => unit.clone(),
                (FieldKind::Number { unit, .. }, Some(u)) => {
                    let written = parse_unit(u).ok()?;
                    if written.dim() != unit.dim() {
                        return None;
                    }
                    written
                }
                (_, None) => Unit::canonical(Dim::NUMBER),
                (_, Some(_)) => return None,
            };
            cols.push(Col::Field { slot, unit });
        }
        let key = schema.key?;
        let required: Vec<usize> = schema
            .fields
            .iter()
            .enumerate()
            .filter(|(i, f)| *i == key || !f.optional)
            .map(|(i, _)| i)
            .collect();
        // A required field without a column is the loader's to report.
        if required.iter().any(|i| !seen.get(*i).copied().unwrap_or(false)) {
            return None;
        }
        Some(Columns { cols, key, required })
    }

    /// The records in `bytes` (whole records of the file, after its header), in order; `None`
    /// when the loader must read them.
    pub(super) fn records(&self, schema: &Schema, bytes: &[u8]) -> Option<Vec<Record>> {
        if memchr::memchr(b'"', bytes).is_some() {
            return None;
        }
        // Checked with SIMD, the lines found with `memchr`: a block of Chinese names spent a
        // tenth of its reading in the character-by-character versions.
        let text = simdutf8::basic::from_utf8(bytes).ok()?;
        let lines = memchr::memchr_iter(b'\n', bytes).count().saturating_add(1);
        let mut out = Vec::with_capacity(lines);
        let mut start = 0usize;
        let ends = memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len()));
        for end in ends {
            let line = text.get(start..end)?;
            start = end.saturating_add(1);
            let line = line.strip_suffix('\r').unwrap_or(line);
            if memchr::memchr(b'\r', line.as_bytes()).is_some() {
                return None;
            }
            if let Some(record) = self.record(schema, line.split(','))? {
                out.push(record);
            }
        }
        once_each(out)
    }

    /// The records of the rows of `batches` (a Parquet file's, its columns those of the
    /// header this was made for), in order, each cell read from the text the CSV register the
    /// file stands for holds ([`crate::data::parquet::Column::text`]); `None` when the loader
    /// must read them, as for the CSV text: a cell that text would quote (a comma, a quote, a
    /// line break, a space at either end) is left to it too.
    pub(super) fn batch_records(
        &self,
        schema: &Schema,
        batches: &[arrow_array::RecordBatch],
    ) -> Option<Vec<Record>> {
        let mut out = Vec::with_capacity(batches.iter().map(|b| b.num_rows()).sum());
        let mut scratch: Vec<String> = Vec::new();
        for batch in batches {
            let columns = crate::data::parquet::looked_at(batch);
            scratch.resize_with(columns.len(), String::new);
            for i in 0..batch.num_rows() {
                let cells = columns.iter().zip(scratch.iter_mut()).map(|(c, s)| c.text(i, s));
                let mut quoted = false;
                let cells = cells.inspect(|t| quoted |= crate::data::needs_quotes(t));
                let record = self.record(schema, cells)?;
                if quoted {
                    return None;
                }
                if let Some(record) = record {
                    out.push(record);
                }
            }
        }
        once_each(out)
    }

    /// [`Columns::records`] of a members file, grouped by the owner's id in slot `link` (a
    /// member whose owner's id is not a text is left out, as the loader's grouping leaves it):
    /// the members of each owner together, as the feed gives them, each owner once.
    pub(super) fn groups(
        &self,
        schema: &Schema,
        bytes: &[u8],
        link: usize,
    ) -> Option<Vec<(String, Vec<Record>)>> {
        Some(grouped(self.records(schema, bytes)?, link))
    }

    /// [`Columns::groups`] of a Parquet members file's rows ([`Columns::batch_records`]).
    pub(super) fn batch_groups(
        &self,
        schema: &Schema,
        batches: &[arrow_array::RecordBatch],
        link: usize,
    ) -> Option<Vec<(String, Vec<Record>)>> {
        Some(grouped(self.batch_records(schema, batches)?, link))
    }

    /// The record of one line's cells: `Some(None)` for a line without any value, `None`
    /// when the loader must read it.
    fn record<'t>(
        &self,
        schema: &Schema,
        cells: impl Iterator<Item = &'t str>,
    ) -> Option<Option<Record>> {
        let mut fields = vec![Value::Missing; schema.fields.len()];
        let mut id = "";
        let mut count = 0usize;
        let mut blank = true;
        for (cell, col) in cells.zip(self.cols.iter().chain(std::iter::repeat(&Col::Other))) {
            count += 1;
            if cell.len() > crate::limits::MAX_CELL_CHARS {
                return None;
            }
            let t = cell.trim();
            blank &= t.is_empty();
            let Col::Field { slot, unit } = col else {
                continue;
            };
            if t.is_empty() {
                continue;
            }
            let spec = schema.fields.get(*slot)?;
            let value = read_text(t, &spec.kind, unit).ok()?;
            if let Value::Number { value: n, .. } = &value
                && (spec.min.as_ref().is_some_and(|b| n < &b.value)
                    || spec.max.as_ref().is_some_and(|b| n > &b.value))
            {
                return None;
            }
            if *slot == self.key {
                id = t;
            }
            *fields.get_mut(*slot)? = value;
        }
        if blank {
            return Some(None);
        }
        if count != self.cols.len() {
            return None;
        }
        if self.required.iter().any(|i| fields.get(*i).is_none_or(Value::is_missing)) {
            return None;
        }
        Some(Some(Record { key: id.to_string(), fields }))
    }
}

/// `records` when no id comes twice (the loader's to report), else `None`.
fn once_each(records: Vec<Record>) -> Option<Vec<Record>> {
    let mut ids: foldhash::HashSet<&str> =
        foldhash::HashSet::with_capacity_and_hasher(records.len(), Default::default());
    if records.iter().all(|r| ids.insert(r.key.as_str())) {
        drop(ids);
        return Some(records);
    }
    None
}

/// Records grouped by the owner's id in slot `link` (a member whose owner's id is not a text
/// is left out, as the loader's grouping leaves it): the members of each owner together, as the
/// feed gives them, each owner once.
fn grouped(records: Vec<Record>, link: usize) -> Vec<(String, Vec<Record>)> {
    let mut groups: Vec<(String, Vec<Record>)> = Vec::new();
    for record in records {
        let Some(Value::Text(owner)) = record.fields.get(link) else { continue };
        match groups.last_mut() {
            Some((last, members)) if last == owner => members.push(record),
            _ => groups.push((owner.clone(), vec![record])),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn schema() -> Schema {
        let text = "政策 \"p\" { 发文机关: \"x\" }\n枚举 产地 { 国产, 进口 }\n主体 企业 { 标识 名称\n 名称: 文本 }\n主体 合同 属于 企业 按 名称 {\n 标识 编号\n 编号: 文本\n 名称: 文本\n 金额: 元\n 类型: 产地 可选\n}\n";
        let (policy, d) = crate::parser::parse(&crate::source::SourceFile::new("p.zc", text));
        assert!(d.is_empty(), "{:?}", d.sorted());
        Schema::from_policy(&policy.unwrap(), "合同").unwrap()
    }

    #[test]
    fn plain_blocks_are_read_and_grouped_others_left_to_the_loader() {
        let s = schema();
        let link = s.fields.iter().position(|f| f.name == "名称").unwrap();
        let cols = Columns::new("编号,名称,金额(万元),类型".as_bytes(), &s).unwrap();
        let g = cols
            .groups(&s, "h1,A,1.5,国产\nh2,A,2,\n\n,,,\nh3,B,0,进口\n".as_bytes(), link)
            .unwrap();
        assert_eq!(g.len(), 2);
        let (owner, a) = &g[0];
        assert_eq!(owner, "A");
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].key, "h1");
        assert_eq!(a[0].fields[2].as_number(), Some(rust_decimal::Decimal::from(15_000)));
        assert_eq!(a[1].fields[3], Value::Missing);
        // What the loader must read: a quote, a bad number, an empty required cell, a short
        // line, a member id twice.
        for block in
            ["h1,\"A\",1,国产\n", "h1,A,x,国产\n", "h1,A,,国产\n", "h1,A,1\n", "h1,A,1,\nh1,A,2,\n"]
        {
            assert!(cols.groups(&s, block.as_bytes(), link).is_none(), "{block}");
        }
        // A block of a file with a BOM, its header's unit in 万元.
        let bom = Columns::new("\u{feff}编号,名称,金额(万元),类型".as_bytes(), &s);
        assert!(bom.is_some());
        // A header the loader reads otherwise.
        assert!(Columns::new("编号,名称,金额(万元),类型,".as_bytes(), &s).is_none());
        assert!(Columns::new("编号,名称,金额(人),类型".as_bytes(), &s).is_none());
    }

    /// A Parquet members file's rows are read from their columns into the records their CSV
    /// text gives; a row whose text would quote a cell is left to the loader.
    #[test]
    fn batch_rows_are_read_as_their_text_is() {
        use std::sync::Arc;

        use arrow_array::{ArrayRef, Int64Array, StringArray};
        let s = schema();
        let link = s.fields.iter().position(|f| f.name == "名称").unwrap();
        let cols = Columns::new("编号,名称,金额(万元),类型".as_bytes(), &s).unwrap();
        let batch = |ids: Vec<Option<&str>>, kinds: Vec<Option<&str>>| {
            let n = ids.len();
            let columns: Vec<(&str, ArrayRef)> = vec![
                ("编号", Arc::new(StringArray::from(ids))),
                ("名称", Arc::new(StringArray::from(vec![Some("A"); n]))),
                ("金额", Arc::new(Int64Array::from((1..=n as i64).collect::<Vec<_>>()))),
                ("类型", Arc::new(StringArray::from(kinds))),
            ];
            arrow_array::RecordBatch::try_from_iter(columns).unwrap()
        };
        let b = batch(vec![Some("h1"), Some("h2")], vec![Some("国产"), None]);
        let mut text = Vec::new();
        crate::data::parquet::write_batch(&b, &mut text);
        assert_eq!(text, "h1,A,1,国产\nh2,A,2,\n".as_bytes());
        let from_batch = cols.batch_groups(&s, std::slice::from_ref(&b), link).unwrap();
        assert_eq!(Some(from_batch.clone()), cols.groups(&s, &text, link));
        let (owner, a) = &from_batch[0];
        assert_eq!((owner.as_str(), a.len()), ("A", 2));
        assert_eq!(a[1].fields[2].as_number(), Some(rust_decimal::Decimal::from(20_000)));
        // Over two batches (a block's members span them): the same, in order.
        let two = [b.slice(0, 1), b.slice(1, 1)];
        assert_eq!(cols.batch_groups(&s, &two, link), Some(from_batch));
        // Left to the loader: a cell the text would quote, a bad value, an id twice.
        for (ids, kinds) in [
            (vec![Some("h,1")], vec![Some("国产")]),
            (vec![Some("h1")], vec![Some(" 国产")]),
            (vec![Some("h1")], vec![Some("其他")]),
            (vec![Some("h1"), Some("h1")], vec![None, None]),
        ] {
            let b = batch(ids, kinds);
            assert!(cols.batch_groups(&s, &[b], link).is_none());
        }
    }

    /// The loader's records of `block`, grouped as the streamed runner grouped them before
    /// this reader.
    fn loaded(s: &Schema, header: &str, block: &str) -> Option<BTreeMap<String, Vec<Record>>> {
        let ds =
            crate::data::load_dataset("m.csv", format!("{header}\n{block}").as_bytes(), s).ok()?;
        let link = s.fields.iter().position(|f| f.name == "名称")?;
        let mut out: BTreeMap<String, Vec<Record>> = BTreeMap::new();
        for r in ds.records {
            if let Some(Value::Text(id)) = r.fields.get(link) {
                out.entry(id.clone()).or_default().push(r);
            }
        }
        Some(out)
    }

    proptest::proptest! {
        /// Whatever block it reads, the fast reader's records are the loader's, and a block
        /// the loader refuses it leaves to the loader.
        #[test]
        fn the_same_records_as_the_loader(
            rows in proptest::collection::vec(
                (
                    proptest::sample::select(vec!["h1", "h2", " h3", "h4 ", "", "h5"]),
                    proptest::sample::select(vec!["A", "B", " A", "C"]),
                    proptest::sample::select(vec![
                        "1", "1.5", "-2", "１２", "1,234", "1,23", "0.000001", "x", "", " 3 ", "5%",
                        "99999999999999999999999999999",
                    ]),
                    proptest::sample::select(vec!["国产", "进口", "", " 进口", "其他"]),
                ),
                0..6,
            ),
            unit in proptest::sample::select(vec!["", "(元)", "(万元)"]),
        ) {
            let s = schema();
            let header = format!("编号,名称,金额{unit},类型");
            let link = s.fields.iter().position(|f| f.name == "名称").unwrap();
            let cols = Columns::new(header.as_bytes(), &s).unwrap();
            // Each owner's rows together, as the feed gives them.
            let mut rows = rows;
            rows.sort_by_key(|r| r.1.trim());
            let block: String =
                rows.iter().map(|(k, o, n, t)| format!("{k},{o},{n},{t}\n")).collect();
            if let Some(fast) = cols.groups(&s, block.as_bytes(), link) {
                let fast: BTreeMap<String, Vec<Record>> = fast.into_iter().collect();
                proptest::prop_assert_eq!(Some(fast), loaded(&s, &header, &block));
            }
        }
    }
}

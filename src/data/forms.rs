//! Members written inside the owners' data file, taken out of it before the owners are validated.
//!
//! A member kind's data (`主体 合同 属于 企业 按 企业名称`) comes in one of three forms: a file
//! beside the owners' (`crate::engine::members`), or, handled here,
//!
//! - **nested**: in a TOML or JSON file, under each owner, the member kind's name as the key
//!   (`[[subjects."合同"]]`, `"合同": [{...}]`; [`RawNested`]). A member need not write its
//!   owner's id: the linking field is filled in from the owner it is written under; written and
//!   different, it is `ZC0716` at its cell.
//! - **one long table**: the owners' table carries the members' columns, one member a row with
//!   its owner's id and fields repeated (what an officer exports from Excel). It is one when its
//!   header has a column for a member kind's key field that the owners' kind does not declare
//!   ([`long_kinds`]). Rows next to each other with one owner id are one owner, whose fields
//!   must agree on every row (`ZC0718` at the cell that differs); an id whose rows are not
//!   together is `ZC0719` where it comes again; a row whose member columns are all empty is an
//!   owner without members. A column is the owners' when their kind declares its field, a member
//!   kind's when that kind declares it (both, when both do: the owner's id and the linking field
//!   are usually one column), and the owners' when neither does (so that the owners' validation
//!   reports it as unknown).
//!
//! Nothing here knows the policy: the kinds come as names ([`OwnerShape`], [`MemberShape`]).

use std::collections::BTreeMap;

use super::header::parse_header;
use super::table::{DataLoc, RawCell, RawColumn, RawData, RawRow, RawTable, label_at};
use crate::diagnostics::{Code, Diagnostic, Text};
use crate::source::Loc;

/// What the forms need of the owners' kind.
#[derive(Clone, Debug)]
pub struct OwnerShape {
    /// The kind's name.
    pub kind: String,
    /// Its key field (`标识`).
    pub key: String,
    /// Its fields.
    pub fields: Vec<String>,
}

/// What the forms need of a member kind.
#[derive(Clone, Debug)]
pub struct MemberShape {
    /// The kind's name (the key its members are nested under).
    pub kind: String,
    /// Its key field.
    pub key: String,
    /// The field holding its owner's id.
    pub link: String,
    /// Its fields.
    pub fields: Vec<String>,
}

/// Which form members in the owners' file take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// Under each owner (TOML, JSON).
    Nested,
    /// One long table with the owners'.
    Long,
}

/// One member kind's members, read from the owners' data file: a table of their own in the same
/// file, the linking field filled in from each member's owner.
#[derive(Clone, Debug)]
pub struct InFile {
    /// The member kind.
    pub kind: String,
    /// The members, as a data file of their own (the owners' file, for diagnostics).
    pub raw: RawData,
    /// Where they are: the nested key, or the long table's column of the member kind's key.
    pub loc: DataLoc,
    /// The form they take.
    pub form: Form,
}

/// Whether a column header names one of `fields` (itself, or a yearly field with its year).
fn names(header: &str, fields: &[String]) -> bool {
    let h = parse_header(header);
    fields.iter().any(|f| *f == h.name)
        || h.year_forms.iter().any(|(b, _)| fields.iter().any(|f| f == b))
}

/// The member kinds whose members a table with these headers carries as one long table: those
/// whose key field has a column, where the owners' kind declares no field of that name.
pub fn long_kinds<'m>(
    headers: &[String],
    owner: &OwnerShape,
    members: &'m [MemberShape],
) -> Vec<&'m MemberShape> {
    members
        .iter()
        .filter(|m| {
            !owner.fields.contains(&m.key) && headers.iter().any(|h| parse_header(h).name == m.key)
        })
        .collect()
}

/// Takes out of `raw` the members nested under its subjects whose key is a member kind's; the
/// other nested tables stay (the validation refuses them).
pub fn take_nested(
    raw: &mut RawData,
    owner: &OwnerShape,
    members: &[MemberShape],
) -> (Vec<InFile>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    let nested = std::mem::take(&mut raw.nested);
    let key_col = raw
        .table
        .as_ref()
        .and_then(|t| t.columns.iter().position(|c| parse_header(&c.name).name == owner.key));
    for n in nested {
        let Some(member) = members.iter().find(|m| m.kind == n.kind) else {
            raw.nested.push(n);
            continue;
        };
        // Each member's owner's id cell.
        let ids: Vec<Option<RawCell>> = n
            .owners
            .iter()
            .map(|o| {
                let row = raw.table.as_ref().and_then(|t| t.rows.get(*o))?;
                row.cells.get(key_col?).cloned().flatten()
            })
            .collect();
        let mut table = n.table;
        diags.extend(fill_link(raw, &mut table, &ids, owner, member, &n.loc));
        let members_raw = RawData::of(&raw.file, Some(table));
        out.push(InFile { kind: n.kind, raw: members_raw, loc: n.loc, form: Form::Nested });
    }
    (out, diags)
}

/// Splits a long table ([`long_kinds`]) into the owners' table, left in `raw`, and each member
/// kind's members. Nothing is split when the table has no column of the owners' id.
pub fn split_long(
    raw: &mut RawData,
    owner: &OwnerShape,
    members: &[&MemberShape],
) -> (Vec<InFile>, Vec<Diagnostic>) {
    let Some(table) = raw.table.take() else { return (Vec::new(), Vec::new()) };
    let Some(key_col) = table.columns.iter().position(|c| parse_header(&c.name).name == owner.key)
    else {
        raw.table = Some(table);
        return (Vec::new(), Vec::new());
    };
    let of_member: Vec<Vec<usize>> = members
        .iter()
        .map(|m| {
            (0..table.columns.len())
                .filter(|&i| table.columns.get(i).is_some_and(|c| names(&c.name, &m.fields)))
                .collect()
        })
        .collect();
    let owner_cols: Vec<usize> = (0..table.columns.len())
        .filter(|&i| {
            let Some(c) = table.columns.get(i) else { return false };
            names(&c.name, &owner.fields) || !of_member.iter().any(|cols| cols.contains(&i))
        })
        .collect();
    // A member is in a row when one of its kind's columns that are not the owners' has a value.
    let own: Vec<Vec<usize>> = of_member
        .iter()
        .map(|cols| cols.iter().copied().filter(|i| !owner_cols.contains(i)).collect())
        .collect();
    let cell = |row: &RawRow, i: usize| row.cells.get(i).cloned().flatten();
    let shown =
        |row: &RawRow, i: usize| cell(row, i).map(|c| c.value.display()).unwrap_or_default();
    let mut diags = Vec::new();
    let mut owner_rows = Vec::new();
    // The first row of each owner id, and the owner of the rows being read.
    let mut first: BTreeMap<String, usize> = BTreeMap::new();
    let mut current: Option<(String, usize)> = None;
    let mut member_rows: Vec<(Vec<RawRow>, Vec<Option<RawCell>>)> =
        members.iter().map(|_| (Vec::new(), Vec::new())).collect();
    for (i, row) in table.rows.iter().enumerate() {
        let id_cell = cell(row, key_col);
        let id = shown(row, key_col);
        let same = current.as_ref().filter(|(c, _)| !id.is_empty() && *c == id).map(|c| c.1);
        let again = first.get(&id).copied().filter(|_| same.is_none() && !id.is_empty());
        if let Some(f) = same.or(again) {
            let Some(first_row) = table.rows.get(f) else { continue };
            if again.is_some() {
                diags.push(apart(raw, owner, &id, id_cell.as_ref(), row, first_row, key_col));
            }
            for &c in &owner_cols {
                if shown(row, c) != shown(first_row, c) {
                    diags.push(disagree(raw, owner, &table, &id, row, first_row, c));
                }
            }
            current = Some((id.clone(), f));
        } else {
            owner_rows.push(RawRow {
                loc: row.loc.clone(),
                cells: owner_cols.iter().map(|&c| cell(row, c)).collect(),
            });
            if !id.is_empty() {
                first.insert(id.clone(), i);
                current = Some((id.clone(), i));
            } else {
                current = None;
            }
        }
        for ((cols, own), (rows, ids)) in of_member.iter().zip(&own).zip(&mut member_rows) {
            let given = own.iter().any(|&c| cell(row, c).is_some_and(|x| !x.value.is_empty()));
            if given {
                rows.push(RawRow {
                    loc: row.loc.clone(),
                    cells: cols.iter().map(|&c| cell(row, c)).collect(),
                });
                ids.push(id_cell.clone());
            }
        }
    }
    let pick = |cols: &[usize]| -> Vec<RawColumn> {
        cols.iter().filter_map(|&c| table.columns.get(c).cloned()).collect()
    };
    let key_loc = table.columns.get(key_col).map_or(table.header_loc.clone(), |c| c.loc.clone());
    let mut out = Vec::new();
    for ((m, cols), (rows, ids)) in members.iter().zip(&of_member).zip(member_rows) {
        let mut t = RawTable {
            header_loc: table.header_loc.clone(),
            columns: pick(cols),
            rows,
            keyed: table.keyed,
        };
        diags.extend(fill_link(raw, &mut t, &ids, owner, m, &key_loc));
        let loc = table
            .columns
            .iter()
            .find(|c| parse_header(&c.name).name == m.key)
            .map_or(key_loc.clone(), |c| c.loc.clone());
        let members_raw = RawData::of(&raw.file, Some(t));
        out.push(InFile { kind: m.kind.clone(), raw: members_raw, loc, form: Form::Long });
    }
    raw.table = Some(RawTable {
        header_loc: table.header_loc.clone(),
        columns: pick(&owner_cols),
        rows: owner_rows,
        keyed: table.keyed,
    });
    (out, diags)
}

/// Fills each member's linking field from its owner's id (`ids`, one per row); a member that
/// writes another id is `ZC0716` at its cell. A table without a column of the linking field gets
/// one, labelled at `at`.
fn fill_link(
    raw: &RawData,
    table: &mut RawTable,
    ids: &[Option<RawCell>],
    owner: &OwnerShape,
    member: &MemberShape,
    at: &DataLoc,
) -> Vec<Diagnostic> {
    let cols: Vec<usize> = (0..table.columns.len())
        .filter(|&i| {
            table.columns.get(i).is_some_and(|c| parse_header(&c.name).name == member.link)
        })
        .collect();
    let col = match cols.first() {
        Some(c) => *c,
        None => {
            table.columns.push(RawColumn { name: member.link.clone(), loc: at.clone(), sub: None });
            for row in &mut table.rows {
                row.cells.resize(table.columns.len(), None);
            }
            table.columns.len() - 1
        }
    };
    let mut diags = Vec::new();
    for (row, id) in table.rows.iter_mut().zip(ids) {
        let Some(id) = id.as_ref().filter(|c| !c.value.is_empty()) else { continue };
        let mut written = false;
        for c in &cols {
            let Some(Some(cell)) = row.cells.get(*c) else { continue };
            if cell.value.is_empty() {
                continue;
            }
            written = true;
            if cell.value.display() != id.value.display() {
                diags.push(differs(raw, owner, member, cell, id));
            }
        }
        if !written && let Some(slot) = row.cells.get_mut(col) {
            *slot = Some(id.clone());
        }
    }
    diags
}

/// `ZC0716`: a member written with one owner naming another.
fn differs(
    raw: &RawData,
    owner: &OwnerShape,
    member: &MemberShape,
    cell: &RawCell,
    id: &RawCell,
) -> Diagnostic {
    let (o, m, link) = (&owner.kind, &member.kind, &member.link);
    let (written, id_text) = (cell.value.display(), id.value.display());
    raw.diag(
        Code::MemberOwnerDiffers,
        Text::new(
            format!("这个{m}写明属于{o} `{written}`，却写在{o} `{id_text}` 的数据中"),
            format!("this {m} names {o} `{written}` as its owner, but is written with {o} `{id_text}`"),
        ),
        &cell.loc,
        Text::new("另一个所属主体", "another owner"),
    )
    .also(
        Loc::new(&raw.file, id.loc.span()),
        label_at(&id.loc, Text::new("所在主体的标识", "the id of the owner it is written with")),
    )
    .help(Text::new(
        format!("删去这个 `{link}`（它由所在主体的标识填上），或把这个{m}写到{o} `{written}` 的数据中"),
        format!(
            "remove this `{link}` (the id of the owner it is written with fills it in), or write the {m} with {o} `{written}`"
        ),
    ))
}

/// `ZC0718`: a long table's row of an owner whose owner field `col` differs from its first row.
fn disagree(
    raw: &RawData,
    owner: &OwnerShape,
    table: &RawTable,
    id: &str,
    row: &RawRow,
    first: &RawRow,
    col: usize,
) -> Diagnostic {
    let o = &owner.kind;
    let name = table.columns.get(col).map_or("", |c| c.name.as_str());
    let this = row.cells.get(col).cloned().flatten();
    let then = first.cells.get(col).cloned().flatten();
    let value = |c: &Option<RawCell>| match c.as_ref().map(|c| c.value.display()) {
        Some(v) if !v.is_empty() => (format!("`{v}`"), format!("`{v}`")),
        _ => ("空白".to_string(), "empty".to_string()),
    };
    let ((this_zh, this_en), (then_zh, then_en)) = (value(&this), value(&then));
    let loc = this.as_ref().map_or(row.loc.clone(), |c| c.loc.clone());
    let first_loc = then.as_ref().map_or(first.loc.clone(), |c| c.loc.clone());
    raw.diag(
        Code::OwnerRowsDisagree,
        Text::new(
            format!("{o} `{id}` 的 `{name}` 在这一行是{this_zh}，在它的第一行是{then_zh}"),
            format!("`{name}` of {o} `{id}` is {this_en} on this row but {then_en} on its first row"),
        ),
        &loc,
        Text::new("与第一行不同", "differs from the first row"),
    )
    .also(Loc::new(&raw.file, first_loc.span()), label_at(&first_loc, Text::new("第一行", "first row")))
    .help(Text::new(
        format!("同一{o}的各行，{o}的字段要相同：改正这个单元格；若这一行是另一个{o}，改正它的 `{}`", owner.key),
        format!(
            "an owner's fields are the same on each of its rows: correct this cell, or the row's `{}` if it is another {o}",
            owner.key
        ),
    ))
}

/// `ZC0719`: a long table's owner id coming again after another owner's rows.
fn apart(
    raw: &RawData,
    owner: &OwnerShape,
    id: &str,
    id_cell: Option<&RawCell>,
    row: &RawRow,
    first: &RawRow,
    key_col: usize,
) -> Diagnostic {
    let (o, key) = (&owner.kind, &owner.key);
    let loc = id_cell.map_or(row.loc.clone(), |c| c.loc.clone());
    let first_loc =
        first.cells.get(key_col).cloned().flatten().map_or(first.loc.clone(), |c| c.loc);
    raw.diag(
        Code::OwnerRowsApart,
        Text::new(
            format!("{o} `{id}` 的行不相连：它在别的{o}的行之后又出现"),
            format!("the rows of {o} `{id}` are not together: it comes again after another {o}'s rows"),
        ),
        &loc,
        Text::new("再次出现", "comes again"),
    )
    .also(Loc::new(&raw.file, first_loc.span()), label_at(&first_loc, Text::new("第一次出现", "first here")))
    .help(Text::new(
        format!("按 `{key}` 排序，使同一{o}的行相连；若是两个{o}，改正其中一个的 `{key}`"),
        format!("sort by `{key}` so that each {o}'s rows are together; if these are two owners, correct the `{key}` of one"),
    ))
}

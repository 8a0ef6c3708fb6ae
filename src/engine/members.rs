//! The members of each owner: for a policy whose subject kind has member kinds (`主体 合同
//! 属于 企业 按 企业名称 { … }`), each member kind's data is read in one of three forms, and
//! grouped by owner:
//!
//! 1. the file beside the owners' (`NAME.企业.csv` → `NAME.合同.csv`; `NAME.csv` →
//!    `NAME.合同.csv`), one row per member with its owner's id in the linking field; a member
//!    whose owner is not among the owners is `ZC0712` at its cell. A workbook may hold both
//!    kinds, each in a sheet named after it;
//! 2. nested under each owner in the owners' TOML or JSON file (`[[subjects."合同"]]`);
//! 3. the owners' file as one long table, a member a row with its owner's fields repeated.
//!
//! Forms 2 and 3 are taken out of the owners' data before it is validated
//! ([`crate::data::forms`], [`read_owners`]); a member kind given in the owners' file and
//! beside it is `ZC0717`, never one of them chosen.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::load::{Loaded, load};
use crate::ast::Policy;
use crate::checker::Checked;
use crate::checker::scope::SubjectId;
use crate::data::forms::{
    Form, InFile, MemberShape, OwnerShape, long_kinds, split_long, take_nested,
};
use crate::data::{
    DataLoc, Dataset, Record, Schema, Value, load_path_for, validate, validate_with_years,
};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Text};

/// One member kind's members, grouped by owner id.
pub struct Members {
    pub kind: SubjectId,
    pub groups: BTreeMap<String, Vec<Record>>,
}

/// The file that holds the members of kind `member` beside the owners' data file `data`
/// of kind `owner`: `NAME.合同.EXT`; for a workbook without one beside it, the workbook itself,
/// whose sheet named after the member kind holds them.
pub fn members_path(data: &Path, owner: &str, member: &str) -> PathBuf {
    let stem = data.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    let ext = data.extension().and_then(|e| e.to_str()).unwrap_or("csv");
    let base = stem.strip_suffix(&format!(".{owner}")).unwrap_or(stem);
    let beside = data.with_file_name(format!("{base}.{member}.{ext}"));
    // A workbook may hold the members in a sheet named after their kind.
    if !beside.exists() && matches!(ext.to_ascii_lowercase().as_str(), "xlsx" | "xlsm") {
        return data.to_path_buf();
    }
    beside
}

/// What the data forms need of the owners' kind `owner` and its member kinds ([`OwnerShape`],
/// [`MemberShape`]); `None` when it has no member kinds.
pub fn shapes(
    policy: &Policy,
    checked: &Checked<'_>,
    owner: SubjectId,
) -> Option<(OwnerShape, Vec<MemberShape>)> {
    let scope = &checked.scope;
    let kinds = scope.member_kinds(owner);
    if kinds.is_empty() {
        return None;
    }
    let owner_name = scope.subjects.get(owner)?.decl.name.node.as_str();
    let names = |s: &Schema| s.fields.iter().map(|f| f.name.clone()).collect::<Vec<_>>();
    let key = |s: &Schema| s.key_field().map(|f| f.name.clone()).unwrap_or_default();
    let schema = Schema::from_policy(policy, owner_name).ok()?;
    let shape =
        OwnerShape { kind: owner_name.to_string(), key: key(&schema), fields: names(&schema) };
    let members = kinds
        .iter()
        .filter_map(|&k| {
            let name = scope.subjects.get(k)?.decl.name.node.as_str();
            let s = Schema::from_policy(policy, name).ok()?;
            let link = s.owner.as_ref()?.1.clone();
            Some(MemberShape { kind: name.to_string(), key: key(&s), link, fields: names(&s) })
        })
        .collect();
    Some((shape, members))
}

/// Whether a register of kind `owner` whose header has the columns `headers` is one long table
/// carrying the members of some member kind ([`long_kinds`]: a column of a member kind's key
/// field): the register runner leaves such a file to the in-memory path.
pub fn long_table(policy: &Policy, checked: &Checked<'_>, owner: &str, headers: &[String]) -> bool {
    let Some(&id) = checked.scope.subject_names.get(owner) else { return false };
    let Some((owner, members)) = shapes(policy, checked, id) else { return false };
    !long_kinds(headers, &owner, &members).is_empty()
}

/// Reads and validates the owners' data file `data` for `schema`, taking out the members it
/// carries (nested under the owners, or one long table, [`crate::data::forms`]) first: the
/// owners' dataset, the years of its `年份` column, and those members.
pub fn read_owners(
    data: &Path,
    schema: &Schema,
    (owner, members): &(OwnerShape, Vec<MemberShape>),
) -> Result<(Dataset, BTreeSet<u16>, Vec<InFile>), Diagnostics> {
    let (raw, mut diags) = load_path_for(data, Some(&schema.subject));
    let Some(mut raw) = raw.filter(|_| !diags.has_errors()) else { return Err(diags) };
    let (mut in_file, mut found) = take_nested(&mut raw, owner, members);
    let headers: Vec<String> = raw
        .table
        .as_ref()
        .map(|t| t.columns.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default();
    let long = long_kinds(&headers, owner, members);
    if !long.is_empty() {
        let (more, d) = split_long(&mut raw, owner, &long);
        in_file.extend(more);
        found.extend(d);
    }
    let validated = validate_with_years(&raw, schema);
    diags.extend(Diagnostics::from(found));
    match validated {
        Ok((ds, years)) if !diags.has_errors() => Ok((ds, years, in_file)),
        Ok(_) => Err(diags),
        Err(e) => {
            diags.extend(e);
            Err(diags)
        }
    }
}

/// Whether members of kind `member` are given beside the owners' data `data`: the file `path`
/// ([`members_path`]) exists, or, for a workbook, it has a sheet named after the kind.
fn given_beside(data: &Path, path: &Path, member: &str) -> bool {
    if path != data {
        return path.exists();
    }
    let (raw, _) = load_path_for(data, Some(member));
    raw.and_then(|r| r.table).is_some_and(|t| match &t.header_loc {
        DataLoc::Row { sheet, .. } | DataLoc::Cell { sheet, .. } => sheet.trim() == member,
        DataLoc::Span(_) => false,
    })
}

/// `ZC0717`: a member kind given in the owners' data file and beside it.
fn given_twice(f: &InFile, data: &Path, path: &Path, owner: &str) -> Diagnostic {
    let m = &f.kind;
    let (zh_where, en_where) = if path == data {
        (format!("工作表 `{m}`"), format!("the sheet `{m}`"))
    } else {
        let p = path.display().to_string();
        (format!("旁边的 `{p}`"), format!("`{p}` beside it"))
    };
    let (zh_here, en_here) = match f.form {
        Form::Nested => ("写在每个主体之下", "under each owner"),
        Form::Long => ("与主体同在一张长表", "in one long table with the owners"),
    };
    f.raw
        .diag(
            Code::MembersTwice,
            Text::new(
                format!("{m}的数据给出了两处：{owner}数据中（{zh_here}）有，{zh_where}也有"),
                format!(
                    "the {m} data is given in two places: in the {owner} data ({en_here}) and in {en_where}"
                ),
            ),
            &f.loc,
            Text::new("这里的成员", "members here"),
        )
        .help(Text::new(
            format!("只保留一处：删去或改名{zh_where}，或删去{owner}数据中的{m}"),
            format!(
                "keep one: delete or rename {en_where}, or remove the {m} members from the {owner} data"
            ),
        ))
}

/// The members of one kind the owners' data file carries, validated for their kind.
fn in_file_members(
    policy: &Policy,
    f: &InFile,
    also_known: &BTreeSet<String>,
) -> Result<Dataset, Diagnostics> {
    let mut schema = Schema::from_policy(policy, &f.kind)?;
    schema.also_known = also_known.clone();
    validate(&f.raw, &schema)
}

/// Reads the members of every member kind of the owners' kind, grouped by the owners' ids.
pub fn load_members(
    policy: &Policy,
    checked: &Checked<'_>,
    data: &Path,
    owners: &Loaded,
    given: &[String],
    also_known: &BTreeSet<String>,
) -> Result<Vec<Members>, Diagnostics> {
    let scope = &checked.scope;
    let Some(owner) = owners.subject else { return Ok(Vec::new()) };
    let year = owners.year;
    let owner_name = scope.subjects.get(owner).map(|s| s.decl.name.node.as_str()).unwrap_or("");
    let known: BTreeSet<&str> = owners.dataset.records.iter().map(|r| r.key.as_str()).collect();
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for kind in scope.member_kinds(owner) {
        let Some(info) = scope.subjects.get(kind) else { continue };
        let name = info.decl.name.node.as_str();
        let Some((_, link)) = &info.decl.owner else { continue };
        let path = members_path(data, owner_name, name);
        if let Some(f) = owners.in_file.iter().find(|f| f.kind == name) {
            if given_beside(data, &path, name) {
                diags.push(given_twice(f, data, &path, owner_name));
                continue;
            }
            // Every member is written with its owner: its linking field is its owner's id.
            match in_file_members(policy, f, also_known) {
                Ok(ds) => out.push(Members { kind, groups: grouped(ds, &link.node, &known) }),
                Err(e) => diags.extend(e.sorted()),
            }
            continue;
        }
        let loaded = load(policy, checked, &path, Some(name), year, given, also_known)?;
        out.push(Members { kind, groups: grouped(loaded.dataset, &link.node, &known) });
        diags.extend(orphans(&path, name, &link.node, owner_name, &known));
    }
    if diags.is_empty() { Ok(out) } else { Err(diags.into()) }
}

/// The records of `dataset` grouped by the owner id in their field `link`, those of the owners
/// in `known` only.
fn grouped(dataset: Dataset, link: &str, known: &BTreeSet<&str>) -> BTreeMap<String, Vec<Record>> {
    let mut groups: BTreeMap<String, Vec<Record>> = BTreeMap::new();
    let Some(slot) = dataset.field_index(link) else { return groups };
    for r in dataset.records {
        if let Some(Value::Text(id)) = r.fields.get(slot)
            && known.contains(id.as_str())
        {
            groups.entry(id.clone()).or_default().push(r);
        }
    }
    groups
}

/// `ZC0712` at each cell of the linking column that names no owner in the data.
fn orphans(
    path: &Path,
    kind: &str,
    link: &str,
    owner: &str,
    known: &BTreeSet<&str>,
) -> Vec<Diagnostic> {
    let (Some(raw), _) = load_path_for(path, Some(kind)) else { return Vec::new() };
    let Some(table) = &raw.table else { return Vec::new() };
    let Some(col) =
        table.columns.iter().position(|c| crate::data::header::parse_header(&c.name).name == link)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for row in &table.rows {
        let Some(Some(cell)) = row.cells.get(col) else { continue };
        let id = cell.value.display();
        if id.is_empty() || known.contains(id.as_str()) {
            continue;
        }
        let d = raw
            .diag(
                Code::MemberWithoutOwner,
                Text::new(
                    format!("{kind}的所属{owner} `{id}` 不在{owner}数据中"),
                    format!(
                        "this {kind} belongs to {owner} `{id}`, which is not in the {owner} data"
                    ),
                ),
                &cell.loc,
                Text::new("没有这个所属主体", "no such owner"),
            )
            .help(Text::new(
                format!("在{owner}数据中加上 `{id}`，或改正此行的 `{link}`"),
                format!("add `{id}` to the {owner} data, or correct `{link}` in this row"),
            ));
        out.push(d);
    }
    out
}

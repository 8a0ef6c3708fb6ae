//! The members of each owner: for a policy whose subject kind has member kinds (`主体 合同
//! 属于 企业 按 企业名称 { … }`), each member kind's data is read from the file beside the
//! owners' (`NAME.企业.csv` → `NAME.合同.csv`; `NAME.csv` → `NAME.合同.csv`), one row per
//! member with its owner's id in the linking field, and grouped by owner. A member whose owner
//! is not among the owners is `ZC0712` at its cell. A workbook may hold both kinds, each in a
//! sheet named after it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::load::{Loaded, load};
use crate::ast::Policy;
use crate::checker::Checked;
use crate::checker::scope::SubjectId;
use crate::data::{Record, Value, load_path_for};
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
        let loaded = load(policy, checked, &path, Some(name), year, given, also_known)?;
        let Some(slot) = loaded.dataset.field_index(&link.node) else { continue };
        let mut groups: BTreeMap<String, Vec<Record>> = BTreeMap::new();
        for r in loaded.dataset.records {
            if let Some(Value::Text(id)) = r.fields.get(slot)
                && known.contains(id.as_str())
            {
                groups.entry(id.clone()).or_default().push(r);
            }
        }
        diags.extend(orphans(&path, name, &link.node, owner_name, &known));
        out.push(Members { kind, groups });
    }
    if diags.is_empty() { Ok(out) } else { Err(diags.into()) }
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

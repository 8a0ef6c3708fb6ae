//! Evaluating a policy's stacking rules (`叠加`): the awards they name, in this policy and in
//! the policies it imports (`引用 "zezhou.zc" 为 泽州`), evaluated on the same data and combined
//! per subject.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::ast::{ItemKind, Policy};
use crate::checker::{Checked, check};
use crate::data::Schema;
use crate::diagnostics::{Diagnostics, Text};
use crate::eval::outcome::SubjectOutcome;
pub use crate::eval::stack::{Stacking, apply, stack_rules};
use crate::eval::value::V;
use crate::limits::{
    MAX_POLICY_BYTES, ReadError, import_outside_root, read_text, resolve_import, too_large,
};
use crate::source::SourceFile;
use crate::units::Dim;

/// A policy imported by a stacking rule, parsed and checked.
pub struct Imported {
    pub alias: String,
    pub policy: Policy,
}

/// Loads the policies that the stacking rules for `kind` name through an import, relative to the
/// policy.
pub fn imports(policy: &Policy, kind: &str) -> Result<Vec<Imported>, Diagnostics> {
    let mut aliases: BTreeSet<String> = BTreeSet::new();
    for rule in stack_rules(policy, kind) {
        for m in &rule.members {
            if let [alias, _] = m.node.as_slice() {
                aliases.insert(alias.node.clone());
            }
        }
    }
    let dir = Path::new(&policy.file.name).parent().map(Path::to_path_buf).unwrap_or_default();
    let mut out = Vec::new();
    let mut diags = Diagnostics::new();
    for item in &policy.items {
        let ItemKind::Import(imp) = &item.node.kind else { continue };
        if !aliases.contains(&imp.alias.node) {
            continue;
        }
        let path: PathBuf = match resolve_import(&dir, &dir, &imp.path.node) {
            Ok(p) => p,
            Err(why) => {
                diags.push(import_outside_root(&policy.file, imp.path.span, &imp.path.node, why));
                continue;
            }
        };
        let text = match read_text(&path, MAX_POLICY_BYTES) {
            Ok(t) => t,
            Err(ReadError::TooLarge(size, max)) => {
                let loc = crate::source::Loc::new(&policy.file, imp.path.span);
                diags.push(too_large(&imp.path.node, size, max, loc));
                continue;
            }
            Err(ReadError::Io(e)) => {
                let name = path.display().to_string();
                let d = crate::diagnostics::Diagnostic::new(
                    crate::diagnostics::Code::Io,
                    Text::new(
                        format!("无法读取引用的政策 `{name}`：{e}"),
                        format!("cannot read the imported policy `{name}`: {e}"),
                    ),
                )
                .at(
                    crate::source::Loc::new(&policy.file, imp.path.span),
                    Text::new("此处引用", "imported here"),
                )
                .help(Text::new(
                    "引用的路径相对于本政策文件所在的目录",
                    "an import's path is relative to this policy's folder",
                ));
                diags.push(d);
                continue;
            }
        };
        let file: Arc<SourceFile> = SourceFile::new(path.display().to_string(), text);
        let (parsed, d) = crate::parser::parse(&file);
        if d.has_errors() {
            diags.extend(d);
            continue;
        }
        if let Some(p) = parsed {
            let (_, cd) = check(&p);
            if cd.has_errors() {
                diags.extend(cd);
                continue;
            }
            out.push(Imported { alias: imp.alias.node.clone(), policy: p });
        }
    }
    if diags.has_errors() { Err(diags) } else { Ok(out) }
}

/// The field and parameter names a policy's data may carry for `kind` (or its only kind).
pub fn data_names(policy: &Policy, kind: &str) -> BTreeSet<String> {
    let kinds: Vec<String> = policy
        .items
        .iter()
        .filter_map(|i| match &i.node.kind {
            ItemKind::Subject(s) => Some(s.name.node.clone()),
            _ => None,
        })
        .collect();
    let chosen = if kinds.iter().any(|k| k == kind) {
        Some(kind.to_string())
    } else if kinds.len() == 1 {
        kinds.first().cloned()
    } else {
        None
    };
    let Some(k) = chosen else { return BTreeSet::new() };
    match Schema::from_policy(policy, &k) {
        Ok(s) => s.fields.iter().chain(&s.params).map(|f| f.name.clone()).collect(),
        Err(_) => BTreeSet::new(),
    }
}

/// The amount of an award per subject id, from a policy's outcomes.
pub fn amounts(
    checked: &Checked<'_>,
    outcomes: &[SubjectOutcome],
    award: &str,
) -> BTreeMap<String, Decimal> {
    let mut out = BTreeMap::new();
    for o in outcomes {
        for r in &o.rules {
            let is_award = checked.scope.defs.get(r.def).is_some_and(|d| d.name == award);
            if let (true, V::Num(n, d)) = (is_award, &r.value)
                && *d == Dim::MONEY
            {
                out.insert(o.key.clone(), *n);
            }
        }
    }
    out
}

/// The data names of every policy a policy imports, directly or through others (a register
/// kept for several policies carries all their columns).
pub fn imported_names(policy: &Policy, kind: &str) -> BTreeSet<String> {
    fn walk(
        policy: &Policy,
        kind: &str,
        root: &Path,
        depth: usize,
        seen: &mut BTreeSet<PathBuf>,
        out: &mut BTreeSet<String>,
    ) {
        if depth > 8 {
            return;
        }
        let dir = Path::new(&policy.file.name).parent().map(Path::to_path_buf).unwrap_or_default();
        for item in &policy.items {
            let ItemKind::Import(imp) = &item.node.kind else { continue };
            // Imports refused here are reported by `check` and by `imports`.
            let Ok(path) = resolve_import(root, &dir, &imp.path.node) else { continue };
            let key = path.canonicalize().unwrap_or_else(|_| path.clone());
            if !seen.insert(key) {
                continue;
            }
            let Ok(text) = read_text(&path, MAX_POLICY_BYTES) else { continue };
            let file: Arc<SourceFile> = SourceFile::new(path.display().to_string(), text);
            if let (Some(p), _) = crate::parser::parse(&file) {
                out.extend(data_names(&p, kind));
                walk(&p, kind, root, depth + 1, seen, out);
            }
        }
    }
    let mut seen = BTreeSet::new();
    let mut out = BTreeSet::new();
    let root = Path::new(&policy.file.name).parent().map(Path::to_path_buf).unwrap_or_default();
    walk(policy, kind, &root, 0, &mut seen, &mut out);
    out
}

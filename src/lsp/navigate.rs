//! Go to definition, find references and rename, within a policy and across its `引用` imports.
//!
//! References are found among the open documents, the file that defines the name and the policy
//! files beside them on disk (closed files that import it): every word spelled as the name that
//! resolves to the same definition (so a field `名称` of one subject is not a reference of another
//! subject's `名称`).

use std::collections::BTreeMap;
use std::sync::Arc;

use lsp_types::{Location, TextEdit, Url, WorkspaceEdit};

use super::names::{Resolver, Target, word_at, words};
use super::position::Lines;
use super::store::uri_of;
use crate::source::{SourceFile, Span};

/// Runs `f` on the file parsed and checked (`None` when it does not parse).
pub fn with_checked<R>(
    file: &Arc<SourceFile>,
    f: impl FnOnce(Option<(&crate::ast::Policy, &crate::checker::Checked)>) -> R,
) -> R {
    let (policy, _) = crate::parser::parse(file);
    match &policy {
        Some(p) => {
            let (checked, _) = crate::checker::check(p);
            f(Some((p, &checked)))
        }
        None => f(None),
    }
}

/// What the word at `offset` of `file` refers to.
pub fn target_at(resolver: &Resolver, file: &Arc<SourceFile>, offset: usize) -> Option<Target> {
    let word = word_at(&file.text, offset)?;
    with_checked(file, |parsed| {
        let (policy, checked) = parsed?;
        resolver.target(policy, checked, &word)
    })
}

/// The location of a span of a file.
pub fn location(file: &SourceFile, span: Span) -> Option<Location> {
    let lines = Lines::new(&file.text);
    Some(Location { uri: uri_of(&file.name)?, range: lines.range(&file.text, span) })
}

/// Every place the target is named, in the open documents, its own file and the policy files
/// beside them that are not open: (file, span), the definition included, in file and source
/// order.
pub fn references(resolver: &Resolver, target: &Target) -> Vec<(Arc<SourceFile>, Span)> {
    let mut files: BTreeMap<String, Arc<SourceFile>> =
        resolver.store.all().map(|(_, f)| (f.name.clone(), Arc::clone(f))).collect();
    files.entry(target.file.name.clone()).or_insert_with(|| Arc::clone(&target.file));
    let open: Vec<String> = files.keys().cloned().collect();
    for file in resolver.store.neighbours(open.iter().map(String::as_str)) {
        files.entry(file.name.clone()).or_insert(file);
    }
    let mut out = Vec::new();
    for file in files.values() {
        if !file.text.contains(target.name.as_str()) {
            continue;
        }
        with_checked(file, |parsed| {
            let Some((policy, checked)) = parsed else { return };
            for w in words(&file.text).iter().filter(|w| w.text == target.name) {
                if resolver.target(policy, checked, w).is_some_and(|t| t.same(target)) {
                    out.push((Arc::clone(file), w.span));
                }
            }
        });
    }
    out
}

/// The edits that rename every reference of the target to `new_name`, by document.
pub fn rename(resolver: &Resolver, target: &Target, new_name: &str) -> WorkspaceEdit {
    let mut changes: std::collections::HashMap<Url, Vec<TextEdit>> =
        std::collections::HashMap::new();
    for (file, span) in references(resolver, target) {
        if let Some(loc) = location(&file, span) {
            changes
                .entry(loc.uri)
                .or_default()
                .push(TextEdit { range: loc.range, new_text: new_name.to_string() });
        }
    }
    WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }
}

/// Whether a new name is one word of the language (no space, quote, operator or keyword split).
pub fn is_valid_name(name: &str) -> bool {
    let ws = words(name);
    matches!(ws.as_slice(), [w] if w.span == Span::new(0, name.len()) && w.is_name())
}

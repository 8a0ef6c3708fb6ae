//! Completion: after `ALIAS.`, the names the imported policy defines; elsewhere the names in
//! scope (fields, values, conditions, awards ...), subjects, enumerations and their values, unit
//! words, comparison words and the keywords in both languages (read from the grammar's `kw_`
//! rules, so that a keyword added there is completed at once).

use std::collections::BTreeMap;

use lsp_types::{CompletionItem, CompletionItemKind};

use super::names::{Resolver, Word, resolve, words};
use crate::ast::{ItemKind, Policy};
use crate::checker::Checked;
use crate::checker::scope::DefSource;
use crate::source::SourceFile;

const GRAMMAR: &str = include_str!("../../grammar/zhengce.pest");

/// Every keyword spelling of the grammar's `kw_` rules (`by year` for `"by" ~ " "+ ~ "year"`).
pub fn keywords() -> Vec<String> {
    let mut out = Vec::new();
    for line in GRAMMAR.lines().filter(|l| l.starts_with("kw_")) {
        let Some(open) = line.find('(') else { continue };
        let Some(close) = line.find(") ~ kwb") else { continue };
        let Some(inner) = line.get(open + 1..close) else { continue };
        for alt in inner.split(" | ") {
            let parts: Vec<&str> =
                alt.split('"').skip(1).step_by(2).filter(|p| !p.trim().is_empty()).collect();
            if !parts.is_empty() {
                let word = parts.join(" ");
                if !out.contains(&word) {
                    out.push(word);
                }
            }
        }
    }
    out
}

fn item(label: &str, kind: CompletionItemKind, detail: Option<String>) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail,
        ..CompletionItem::default()
    }
}

/// The completion items at the word being written (`word`, or none when the cursor follows a
/// space) of `file`.
pub fn complete(
    resolver: &Resolver,
    file: &SourceFile,
    parsed: Option<(&Policy, &Checked)>,
    word: Option<&Word>,
    offset: usize,
) -> Vec<CompletionItem> {
    let lang = resolver.lang;
    let mut out: BTreeMap<String, CompletionItem> = BTreeMap::new();
    let mut add = |i: CompletionItem| {
        out.entry(i.label.clone()).or_insert(i);
    };
    // After `ALIAS.`: the imported policy's names only.
    let alias = word.and_then(|w| w.qualifier).or_else(|| {
        let before = file.text.get(..offset)?;
        let before = before.strip_suffix('.').or_else(|| before.strip_suffix('．'))?;
        words(before).last().filter(|w| w.span.end == before.len()).map(|w| w.text)
    });
    if let (Some(alias), Some((policy, checked))) = (alias, parsed) {
        if let Some(super::names::Local::Def(id)) = resolve(policy, checked, alias, offset)
            && let Some(ItemKind::Import(import)) =
                checked.scope.defs.get(id).and_then(|d| d.kind())
            && let Some(exports) = resolver.exports(&policy.file.name, &import.path.node)
        {
            for name in exports.names.keys() {
                add(item(name, CompletionItemKind::REFERENCE, Some(import.path.node.clone())));
            }
        }
        return out.into_values().collect();
    }
    match parsed {
        Some((_, checked)) => {
            let scope = &checked.scope;
            for def in &scope.defs {
                let kind = match def.source {
                    DefSource::Field(_) => CompletionItemKind::FIELD,
                    DefSource::Item(i) => match i.node.kind {
                        ItemKind::Param(_) => CompletionItemKind::CONSTANT,
                        ItemKind::Import(_) => CompletionItemKind::MODULE,
                        ItemKind::Condition(_) => CompletionItemKind::INTERFACE,
                        _ => CompletionItemKind::VARIABLE,
                    },
                };
                add(item(&def.name, kind, Some(super::hover::kind_name(def.kind(), lang))));
            }
            for name in scope.subject_names.keys() {
                add(item(name, CompletionItemKind::CLASS, None));
            }
            for e in &scope.enums {
                add(item(&e.name, CompletionItemKind::ENUM, None));
                for v in &e.values {
                    add(item(v, CompletionItemKind::ENUM_MEMBER, Some(e.name.clone())));
                }
            }
        }
        None => {
            // Not parsed: the words already written stand in for the names.
            for w in words(&file.text)
                .iter()
                .filter(|w| w.is_name() && Some(w.span) != word.map(|x| x.span))
            {
                add(item(w.text, CompletionItemKind::TEXT, None));
            }
        }
    }
    for atom in crate::units::catalog::atoms() {
        add(item(atom.text, CompletionItemKind::UNIT, None));
    }
    for (w, symbol, _) in super::hover::COMPARISONS {
        add(item(w, CompletionItemKind::OPERATOR, Some((*symbol).to_string())));
    }
    for k in keywords() {
        add(item(&k, CompletionItemKind::KEYWORD, None));
    }
    out.into_values().collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keywords_in_both_languages() {
        let k = super::keywords();
        for w in ["主体", "subject", "最高不超过", "by year", "按年", "at least", "奖励", "subsidy"]
        {
            assert!(k.iter().any(|x| x == w), "{w}");
        }
    }
}

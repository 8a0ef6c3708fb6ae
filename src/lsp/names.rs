//! The word under the cursor and what it names.
//!
//! Names are words of the token pass (`crate::parser::tokens`): a run of letters, ideographs,
//! digits and `_` outside texts, quoted sentences, clause references and comments. A name is
//! looked up as the checker scopes it: first in the subject whose `对于` (or `主体`) block holds
//! it, then at the top level, then among subjects, enumerations and enumeration values. A name
//! written after `ALIAS.`, where `ALIAS` is an `引用` import, is looked up in the imported
//! policy.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

use crate::ast::{ItemKind, Policy};
use crate::checker::Checked;
use crate::checker::scope::{DefId, SubjectId};
use crate::checker::types::EnumId;
use crate::diagnostics::Lang;
use crate::parser::{Token, TokenKind, tokens};
use crate::source::{SourceFile, Span};

use super::store::Store;

/// What a name in one policy refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Local {
    Def(DefId),
    Enum(EnumId),
    Subject(SubjectId),
    /// An enumeration's value, by its index.
    Value(EnumId, usize),
}

/// A definition's place: the file and the span of its name.
#[derive(Clone, Debug)]
pub struct Target {
    pub file: Arc<SourceFile>,
    pub span: Span,
    pub name: String,
    /// What hover shows about it (Markdown).
    pub hover: String,
}

impl Target {
    /// Whether two targets are the same definition.
    pub fn same(&self, other: &Target) -> bool {
        self.file.name == other.file.name && self.span == other.span
    }
}

/// A word of the text: where, and what it says.
#[derive(Clone, Copy, Debug)]
pub struct Word<'t> {
    pub span: Span,
    pub text: &'t str,
    /// The import alias written before it (`泽州` of `泽州.奖励`), if any.
    pub qualifier: Option<&'t str>,
}

impl Word<'_> {
    /// Whether the word can be a name (a number with its unit starts with a digit).
    pub fn is_name(&self) -> bool {
        self.text.chars().next().is_some_and(|c| !c.is_ascii_digit())
    }
}

/// The words of a text, each with the alias before a `.`.
pub fn words(text: &str) -> Vec<Word<'_>> {
    let toks: Vec<Token> =
        tokens(text).into_iter().filter(|t| t.kind != TokenKind::Space).collect();
    let slice = |t: &Token| text.get(t.span.start..t.span.end).unwrap_or("");
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.kind != TokenKind::Word {
            continue;
        }
        let qualifier = match (
            i.checked_sub(2).and_then(|j| toks.get(j)),
            i.checked_sub(1).and_then(|j| toks.get(j)),
        ) {
            (Some(a), Some(dot))
                if a.kind == TokenKind::Word && matches!(slice(dot), "." | "．") =>
            {
                Some(slice(a))
            }
            _ => None,
        };
        out.push(Word { span: t.span, text: slice(t), qualifier });
    }
    out
}

/// The word at a byte offset (touching it from either side).
pub fn word_at(text: &str, offset: usize) -> Option<Word<'_>> {
    let all = words(text);
    all.iter()
        .find(|w| w.span.start <= offset && offset < w.span.end)
        .or_else(|| all.iter().find(|w| w.span.end == offset))
        .copied()
}

/// The subject whose block (`主体 X { … }` or `对于 X { … }`) holds the offset.
pub fn subject_at(policy: &Policy, checked: &Checked, offset: usize) -> Option<SubjectId> {
    policy.items.iter().find_map(|item| {
        if !(item.span.start <= offset && offset < item.span.end) {
            return None;
        }
        let name = match &item.node.kind {
            ItemKind::For(b) => &b.subject.node,
            ItemKind::Subject(d) => &d.name.node,
            _ => return None,
        };
        checked.scope.subject_names.get(name).copied()
    })
}

/// What `name`, written at `offset`, refers to in the policy.
pub fn resolve(policy: &Policy, checked: &Checked, name: &str, offset: usize) -> Option<Local> {
    let scope = &checked.scope;
    let subject = subject_at(policy, checked, offset);
    if let Some(&id) = subject.and_then(|s| scope.locals.get(s)).and_then(|l| l.get(name)) {
        return Some(Local::Def(id));
    }
    if let Some(&id) = scope.globals.get(name) {
        return Some(Local::Def(id));
    }
    if let Some(&id) = scope.subject_names.get(name) {
        return Some(Local::Subject(id));
    }
    if let Some(&id) = scope.enum_names.get(name) {
        return Some(Local::Enum(id));
    }
    if let Some(&(e, i)) = scope.enum_values.get(name).and_then(|v| v.first()) {
        return Some(Local::Value(e, i));
    }
    scope.defs.iter().position(|d| d.name == name).map(Local::Def)
}

/// The span of the name that defines `local`.
pub fn def_span(policy: &Policy, checked: &Checked, local: Local) -> Option<Span> {
    let scope = &checked.scope;
    match local {
        Local::Def(id) => scope.defs.get(id).map(|d| d.span),
        Local::Enum(id) => scope.enum_spans.get(id).copied(),
        Local::Subject(id) => scope.subjects.get(id).map(|s| s.decl.name.span),
        Local::Value(e, i) => {
            let info = scope.enums.get(e)?;
            let value = info.values.get(i)?;
            let declared = policy.items.iter().find_map(|item| match &item.node.kind {
                ItemKind::Enum(d) if d.name.node == info.name => {
                    d.values.iter().find(|v| &v.node == value).map(|v| v.span)
                }
                _ => None,
            });
            // The bands of a grade: the band's name in the grade.
            declared.or_else(|| {
                let (&grade, _) = scope.grade_enums.iter().find(|(_, id)| **id == e)?;
                let def = scope.defs.get(grade)?;
                let item = match def.source {
                    crate::checker::scope::DefSource::Item(item) => item,
                    crate::checker::scope::DefSource::Field(_) => return Some(def.span),
                };
                let text = &policy.file.text;
                let found = words(text.get(item.span.start..item.span.end).unwrap_or(""))
                    .into_iter()
                    .find(|w| w.text == value)
                    .map(|w| {
                        Span::new(item.span.start + w.span.start, item.span.start + w.span.end)
                    });
                Some(found.unwrap_or(def.span))
            })
        }
    }
}

/// The names an imported policy defines at its top level: where each is and what hover says.
#[derive(Debug)]
pub struct Exports {
    pub file: Arc<SourceFile>,
    pub names: BTreeMap<String, (Span, String)>,
}

/// One request's view of the documents: the open ones and the imported files it reads (each
/// parsed and checked once a request).
pub struct Resolver<'s> {
    pub store: &'s Store,
    pub lang: Lang,
    imported: RefCell<BTreeMap<PathBuf, Option<Rc<Exports>>>>,
}

impl<'s> Resolver<'s> {
    pub fn new(store: &'s Store, lang: Lang) -> Resolver<'s> {
        Resolver { store, lang, imported: RefCell::new(BTreeMap::new()) }
    }

    /// The names the policy imported as `path` by the file `importer` defines.
    pub fn exports(&self, importer: &str, path: &str) -> Option<Rc<Exports>> {
        let full = Store::import_path(importer, path);
        if let Some(found) = self.imported.borrow().get(&full) {
            return found.clone();
        }
        let exports = self.store.file_at(&full).and_then(|file| {
            let (policy, _) = crate::parser::parse(&file);
            let policy = policy?;
            let (checked, _) = crate::checker::check(&policy);
            let mut names = BTreeMap::new();
            // Top-level names first, then those of the subjects' blocks (`泽州.专精特新奖励`).
            let globals = checked.scope.globals.iter().map(|(n, &id)| (n, id));
            let all = checked.scope.defs.iter().enumerate().map(|(id, d)| (&d.name, id));
            for (name, id) in globals.chain(all) {
                if names.contains_key(name) {
                    continue;
                }
                let hover = super::hover::describe(&checked, Local::Def(id), self.lang);
                if let Some(span) = def_span(&policy, &checked, Local::Def(id)) {
                    names.insert(name.clone(), (span, hover));
                }
            }
            Some(Rc::new(Exports { file: Arc::clone(&file), names }))
        });
        self.imported.borrow_mut().insert(full, exports.clone());
        exports
    }

    /// What the word refers to, in the policy `policy` (checked as `checked`) or a policy it
    /// imports.
    pub fn target(&self, policy: &Policy, checked: &Checked, word: &Word) -> Option<Target> {
        if !word.is_name() {
            return None;
        }
        if let Some(alias) = word.qualifier
            && let Some(Local::Def(id)) = resolve(policy, checked, alias, word.span.start)
            && let Some(ItemKind::Import(import)) =
                checked.scope.defs.get(id).and_then(|d| d.kind())
        {
            let exports = self.exports(&policy.file.name, &import.path.node)?;
            let (span, hover) = exports.names.get(word.text)?;
            return Some(Target {
                file: Arc::clone(&exports.file),
                span: *span,
                name: word.text.to_string(),
                hover: hover.clone(),
            });
        }
        let local = resolve(policy, checked, word.text, word.span.start)?;
        Some(Target {
            file: Arc::clone(&policy.file),
            span: def_span(policy, checked, local)?,
            name: word.text.to_string(),
            hover: super::hover::describe(checked, local, self.lang),
        })
    }
}

//! The outline: the header, enumerations, subjects and their fields, and each `对于` block's
//! declarations (awards, conditions and their items, score sheets and their sections ...).
//! A document that does not parse gets the declarations that begin its lines.

#![allow(deprecated, reason = "DocumentSymbol's `deprecated` field must be written out")]

use lsp_types::{DocumentSymbol, SymbolKind};

use super::position::Lines;
use crate::ast::{CondBody, CondGroup, ItemKind, Node, Policy, ScorePart};
use crate::diagnostics::Lang;
use crate::source::{SourceFile, Span};

struct Outline<'a> {
    text: &'a str,
    lines: Lines,
    lang: Lang,
}

impl Outline<'_> {
    fn symbol(
        &self,
        name: &str,
        detail: Option<String>,
        kind: SymbolKind,
        span: Span,
        at: Span,
        children: Vec<DocumentSymbol>,
    ) -> DocumentSymbol {
        let span = span.join(at);
        DocumentSymbol {
            name: if name.is_empty() { "?".to_string() } else { name.to_string() },
            detail,
            kind,
            tags: None,
            deprecated: None,
            range: self.lines.range(self.text, span),
            selection_range: self.lines.range(self.text, at),
            children: (!children.is_empty()).then_some(children),
        }
    }

    fn group(&self, g: &Node<CondGroup>) -> Vec<DocumentSymbol> {
        g.node
            .items
            .iter()
            .map(|i| {
                let children = match &i.node.body {
                    CondBody::Group(inner) => self.group(inner),
                    CondBody::Expr { .. } => Vec::new(),
                };
                self.symbol(
                    &i.node.name.node,
                    None,
                    SymbolKind::BOOLEAN,
                    i.span,
                    i.node.name.span,
                    children,
                )
            })
            .collect()
    }

    fn parts(&self, parts: &[Node<ScorePart>]) -> Vec<DocumentSymbol> {
        parts
            .iter()
            .map(|p| match &p.node {
                ScorePart::Section(s) => self.symbol(
                    &s.name.node,
                    None,
                    SymbolKind::NAMESPACE,
                    p.span,
                    s.name.span,
                    self.parts(&s.parts),
                ),
                ScorePart::Item(i) => self.symbol(
                    &i.name.node,
                    None,
                    SymbolKind::NUMBER,
                    p.span,
                    i.name.span,
                    Vec::new(),
                ),
            })
            .collect()
    }

    fn items(&self, items: &[Node<crate::ast::Item>]) -> Vec<DocumentSymbol> {
        items.iter().filter_map(|item| self.item(item)).collect()
    }

    fn item(&self, item: &Node<crate::ast::Item>) -> Option<DocumentSymbol> {
        let kind_name = super::hover::kind_name(Some(&item.node.kind), self.lang);
        let (kind, children) = match &item.node.kind {
            ItemKind::For(b) => {
                let name = format!(
                    "{} {}",
                    if self.lang == Lang::Zh { "对于" } else { "for" },
                    b.subject.node
                );
                return Some(self.symbol(
                    &name,
                    None,
                    SymbolKind::NAMESPACE,
                    item.span,
                    b.subject.span,
                    self.items(&b.items),
                ));
            }
            ItemKind::Enum(e) => (
                SymbolKind::ENUM,
                e.values
                    .iter()
                    .map(|v| {
                        self.symbol(
                            &v.node,
                            None,
                            SymbolKind::ENUM_MEMBER,
                            v.span,
                            v.span,
                            Vec::new(),
                        )
                    })
                    .collect(),
            ),
            ItemKind::Subject(d) => (
                SymbolKind::CLASS,
                d.fields
                    .iter()
                    .map(|f| {
                        self.symbol(
                            &f.node.name.node,
                            None,
                            SymbolKind::FIELD,
                            f.span,
                            f.node.name.span,
                            Vec::new(),
                        )
                    })
                    .collect(),
            ),
            ItemKind::Condition(c) => (SymbolKind::BOOLEAN, self.group(&c.group)),
            ItemKind::Score(s) => (SymbolKind::OBJECT, self.parts(&s.parts)),
            ItemKind::Award(_) => (SymbolKind::EVENT, Vec::new()),
            ItemKind::Param(_) => (SymbolKind::CONSTANT, Vec::new()),
            ItemKind::Let(_) => (SymbolKind::VARIABLE, Vec::new()),
            ItemKind::Import(_) => (SymbolKind::MODULE, Vec::new()),
            ItemKind::Grade(_) | ItemKind::Status(_) => (SymbolKind::ENUM, Vec::new()),
            _ => (SymbolKind::PROPERTY, Vec::new()),
        };
        let name = item.node.kind.name()?;
        Some(self.symbol(&name.node, Some(kind_name), kind, item.span, name.span, children))
    }
}

/// The outline of a document.
pub fn outline(file: &SourceFile, policy: Option<&Policy>, lang: Lang) -> Vec<DocumentSymbol> {
    let o = Outline { text: &file.text, lines: Lines::new(&file.text), lang };
    match policy {
        Some(p) => {
            let mut out = Vec::new();
            if let Some(h) = &p.header {
                out.push(o.symbol(
                    &h.node.title.node,
                    None,
                    SymbolKind::FILE,
                    h.span,
                    h.node.title.span,
                    Vec::new(),
                ));
            }
            out.extend(o.items(&p.items));
            out
        }
        None => lexical(&o),
    }
}

/// The words that begin a declaration.
const DECLARATIONS: &[(&str, SymbolKind)] = &[
    ("主体", SymbolKind::CLASS),
    ("subject", SymbolKind::CLASS),
    ("对于", SymbolKind::NAMESPACE),
    ("for", SymbolKind::NAMESPACE),
    ("枚举", SymbolKind::ENUM),
    ("enum", SymbolKind::ENUM),
    ("参数", SymbolKind::CONSTANT),
    ("param", SymbolKind::CONSTANT),
    ("令", SymbolKind::VARIABLE),
    ("let", SymbolKind::VARIABLE),
    ("条件", SymbolKind::BOOLEAN),
    ("condition", SymbolKind::BOOLEAN),
    ("评分", SymbolKind::OBJECT),
    ("score", SymbolKind::OBJECT),
    ("奖励", SymbolKind::EVENT),
    ("补贴", SymbolKind::EVENT),
    ("补助", SymbolKind::EVENT),
    ("资助", SymbolKind::EVENT),
    ("award", SymbolKind::EVENT),
    ("subsidy", SymbolKind::EVENT),
    ("等级", SymbolKind::ENUM),
    ("grade", SymbolKind::ENUM),
    ("状态", SymbolKind::ENUM),
    ("status", SymbolKind::ENUM),
    ("指标表", SymbolKind::PROPERTY),
    ("indicators", SymbolKind::PROPERTY),
    ("引用", SymbolKind::MODULE),
    ("import", SymbolKind::MODULE),
];

/// The declarations that begin lines, read word by word (for a document that does not parse).
fn lexical(o: &Outline) -> Vec<DocumentSymbol> {
    let ws = super::names::words(o.text);
    let mut out = Vec::new();
    for (i, w) in ws.iter().enumerate() {
        let line_start =
            o.text.get(..w.span.start).map_or(0, |b| b.rfind('\n').map_or(0, |n| n + 1));
        let first = o
            .text
            .get(line_start..w.span.start)
            .is_some_and(|b| b.chars().all(crate::parser::is_space));
        let Some((_, kind)) = DECLARATIONS.iter().find(|(k, _)| *k == w.text) else { continue };
        if !first {
            continue;
        }
        if let Some(name) = ws.get(i + 1) {
            out.push(o.symbol(
                name.text,
                Some(w.text.to_string()),
                *kind,
                w.span,
                name.span,
                Vec::new(),
            ));
        }
    }
    out
}

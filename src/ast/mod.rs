//! The typed syntax tree of a policy file.
//!
//! Every node carries its [`Span`](crate::source::Span) (see [`Node`]); equality ignores spans.
//! Names and units are kept as written: the checker resolves them.

mod decl;
mod expr;
mod node;
mod sexpr;

use std::sync::Arc;

pub use decl::*;
pub use expr::*;
pub use node::{Ident, Node};
pub use sexpr::sexpr;

use crate::source::SourceFile;

/// The language a file's keywords are written in; the formatter keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum KeywordLang {
    #[default]
    Zh,
    En,
}

/// One parsed policy file.
#[derive(Clone, Debug)]
pub struct Policy {
    pub file: Arc<SourceFile>,
    pub lang: KeywordLang,
    pub header: Option<Node<Header>>,
    pub items: Vec<Node<Item>>,
}

impl Policy {
    /// The names of the subject kinds the policy declares, in order.
    pub fn subject_names(&self) -> Vec<&str> {
        self.items
            .iter()
            .filter_map(|i| match &i.node.kind {
                ItemKind::Subject(s) => Some(s.name.node.as_str()),
                _ => None,
            })
            .collect()
    }
}

impl PartialEq for Policy {
    /// Equal when the header and items are, whatever file and spans they come from.
    fn eq(&self, other: &Self) -> bool {
        self.header == other.header && self.items == other.items
    }
}
impl Eq for Policy {}

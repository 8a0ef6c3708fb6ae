//! [`Node`]: a value with the span it was written at.

use crate::source::Span;

/// A syntax tree value and where it was written. Two nodes are equal when their values are,
/// wherever they were written: the formatter relies on this to compare a file with its
/// reformatted text.
#[derive(Clone, Debug)]
pub struct Node<T> {
    pub node: T,
    pub span: Span,
}

impl<T> Node<T> {
    pub fn new(node: T, span: Span) -> Node<T> {
        Node { node, span }
    }

    /// The same span around another value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Node<U> {
        Node { node: f(self.node), span: self.span }
    }
}

impl<T: PartialEq> PartialEq for Node<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl<T: Eq> Eq for Node<T> {}

impl<T> std::ops::Deref for Node<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.node
    }
}

/// A name as written.
pub type Ident = Node<String>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equality_ignores_spans() {
        let a = Node::new("补贴".to_string(), Span::new(0, 6));
        let b = Node::new("补贴".to_string(), Span::new(40, 46));
        let c = Node::new("奖励".to_string(), Span::new(0, 6));
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}

//! Diagnostics: the one error type every phase reports through.
//!
//! A [`Diagnostic`] carries a stable [`Code`], a severity, a message in Chinese and in English,
//! labelled spans ([`Label`]), and help in both languages. Phases never stop at the first problem:
//! they push diagnostics into a [`Diagnostics`] list, which is sorted by file and position before
//! it is shown.
//!
//! Message style (both languages): lowercase English, no final period, user input in backticks,
//! never a Rust type name; the Chinese text is a full sentence without a final 。.
//! The full guide is `docs/diagnostics-style.md`; each code's page is `docs/codes/ZCxxxx.md`.

pub mod codes;
pub mod explain;
pub mod lang;
pub mod render;
pub mod suggest;

use crate::source::Loc;
pub use codes::Code;

/// How serious a diagnostic is. Errors make `check` exit 1; warnings do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

/// The language diagnostics are shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// A text in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text { zh: zh.into(), en: en.into() }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// A labelled span: where, and what is there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub loc: Loc,
    pub text: Text,
    /// The primary label is the one the diagnostic is sorted by.
    pub primary: bool,
}

/// One problem found in a policy or data file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: Text,
    pub labels: Vec<Label>,
    pub help: Option<Text>,
}

impl Diagnostic {
    /// A diagnostic with the severity its code declares.
    pub fn new(code: Code, message: Text) -> Diagnostic {
        Diagnostic { code, severity: code.severity(), message, labels: Vec::new(), help: None }
    }

    /// Adds the primary label.
    pub fn at(mut self, loc: Loc, text: Text) -> Diagnostic {
        self.labels.push(Label { loc, text, primary: true });
        self
    }

    /// Adds a secondary label (the other side of a disagreement, the earlier definition, ...).
    pub fn also(mut self, loc: Loc, text: Text) -> Diagnostic {
        self.labels.push(Label { loc, text, primary: false });
        self
    }

    pub fn help(mut self, text: Text) -> Diagnostic {
        self.help = Some(text);
        self
    }

    /// The primary location, if any.
    pub fn primary(&self) -> Option<&Loc> {
        self.labels.iter().find(|l| l.primary).or(self.labels.first()).map(|l| &l.loc)
    }

    fn sort_key(&self) -> (String, usize, usize, Code) {
        match self.primary() {
            Some(loc) => (loc.file.name.clone(), loc.span.start, loc.span.end, self.code),
            None => (String::new(), 0, 0, self.code),
        }
    }
}

/// All diagnostics of one run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The diagnostics in file and source order (stable for equal positions).
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by_cached_key(Diagnostic::sort_key);
        self.items
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(items: Vec<Diagnostic>) -> Self {
        Diagnostics { items }
    }
}

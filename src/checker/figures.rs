//! The document's own figures as values by name (issue 19, item 6): every budget and budget
//! part, stated amount (`声明`), matching line (`配套`) and the caps paid from a budget line,
//! with the figures the consistency checks compute (computed sum, stated figure, difference,
//! excess, required matching). The consistency pass records them as it checks them, so each is
//! computed once; `explain NAME` shows them without a subject, since none depends on one.

use rust_decimal::Decimal;

use super::consteval::{Val, show};
use crate::ast::Expr;
use crate::diagnostics::{Lang, Text};
use crate::units::{Dim, Kind};

/// What a figure of the document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FigureKind {
    /// `预算`: a budget and its parts.
    Budget,
    /// `分解`: a breakdown of a target.
    Breakdown,
    /// One part of a budget or breakdown (`省级专项资金.科技创新`).
    Part,
    /// `声明 … 应等于` / `约等于`: a stated figure and its computation.
    Stated,
    /// `配套`: a matching ratio and its lines.
    Matching,
}

impl FigureKind {
    /// The kind's name for JSON.
    pub fn key(self) -> &'static str {
        match self {
            Self::Budget => "budget",
            Self::Breakdown => "breakdown",
            Self::Part => "part",
            Self::Stated => "stated",
            Self::Matching => "matching",
        }
    }

    fn words(self) -> Text {
        match self {
            Self::Budget => Text::new("预算", "budget"),
            Self::Breakdown => Text::new("分解", "breakdown"),
            Self::Part => Text::new("分项", "part"),
            Self::Stated => Text::new("声明", "stated amount"),
            Self::Matching => Text::new("配套", "matching"),
        }
    }
}

/// One figure of a document-level value: its label (a key for JSON and words for text) and its
/// exact value, shown in the unit the document wrote it in (亿元 stays 亿元).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// A stable key: `stated`, `computed`, `difference`, `parts_sum`, `excess` ...
    pub key: &'static str,
    pub label: Text,
    pub value: Val,
    /// The value in the document's unit: (中文, English).
    pub shown: (String, String),
}

/// A document-level value by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figure {
    /// `省级专项资金`, `省级专项资金.科技创新`, a `声明`'s or `配套`'s name.
    pub name: String,
    pub kind: FigureKind,
    pub lines: Vec<Line>,
    /// Whether the figures agree (a total with its parts, a stated figure with its computation,
    /// the lines of a matching with its ratio, a line with the caps it pays); `None` when there
    /// is nothing to agree.
    pub consistent: Option<bool>,
}

impl Figure {
    pub(super) fn new(name: impl Into<String>, kind: FigureKind) -> Self {
        Self { name: name.into(), kind, lines: Vec::new(), consistent: None }
    }

    /// Adds a line, shown in the unit `like` was written in.
    pub(super) fn line(
        &mut self,
        key: &'static str,
        label: Text,
        value: Val,
        like: Option<&Expr>,
    ) -> &mut Self {
        self.lines.push(Line { key, label, value, shown: show(value, like) });
        self
    }

    /// The line with this key.
    pub fn get(&self, key: &str) -> Option<&Line> {
        self.lines.iter().find(|l| l.key == key)
    }

    /// The figure as text, one line a figure.
    pub fn text(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let kind = self.kind.words();
        let mut s = if zh {
            format!("{}（{}）\n", self.name, kind.zh)
        } else {
            format!("{} ({})\n", self.name, kind.en)
        };
        for l in &self.lines {
            let (label, shown) =
                if zh { (&l.label.zh, &l.shown.0) } else { (&l.label.en, &l.shown.1) };
            let sep = if zh { "：" } else { ": " };
            s.push_str(&format!("  {label}{sep}{shown}\n"));
        }
        match (self.consistent, zh) {
            (Some(true), true) => s.push_str("  一致\n"),
            (Some(true), false) => s.push_str("  consistent\n"),
            (Some(false), true) => s.push_str("  不一致（见 `zhengce check` 的警告）\n"),
            (Some(false), false) => {
                s.push_str("  inconsistent (see the warning of `zhengce check`)\n");
            }
            (None, _) => {}
        }
        s
    }

    /// The figure as JSON: each line's exact value in base units, its unit, and the value as
    /// the document writes it.
    pub fn json(&self) -> serde_json::Value {
        let lines: serde_json::Map<String, serde_json::Value> = self
            .lines
            .iter()
            .map(|l| {
                (
                    l.key.to_string(),
                    serde_json::json!({
                        "value": l.value.value.normalize().to_string(),
                        "unit": base_unit(l.value.dim),
                        "written": l.shown.0,
                        "label": l.label.zh,
                    }),
                )
            })
            .collect();
        serde_json::json!({
            "name": self.name,
            "kind": self.kind.key(),
            "figures": lines,
            "consistent": self.consistent,
        })
    }
}

/// A dimension's base unit as the JSON report names it (docs/json.md): `元`, `ratio` for a
/// percentage (its fraction), `ratio_points`, empty for a number.
fn base_unit(dim: Dim) -> String {
    match dim.kind() {
        Kind::Percent => "ratio".to_string(),
        Kind::Points => "ratio_points".to_string(),
        Kind::Plain if dim.is_number() => String::new(),
        Kind::Plain => dim.display(Lang::Zh),
    }
}

/// `a - b` when both have the same dimension.
pub(super) fn difference(a: Val, b: Val) -> Option<Val> {
    if a.dim != b.dim {
        return None;
    }
    a.value.checked_sub(b.value).map(|value| Val { value, dim: a.dim })
}

/// `x × num ÷ den`, exactly when it can be.
pub(super) fn scaled(x: Val, num: Decimal, den: Decimal) -> Option<Val> {
    x.value.checked_mul(num)?.checked_div(den).map(|value| Val { value, dim: x.dim })
}
